/* fuzz-escape.c: chorus_text_escape(), chorus_text_hex() and
 * chorus_text_is_utf8() on any bytes
 *
 * The escaped text must be one safe line that reads back to exactly the
 * bytes that came in; the hex must read back too; and a payload is UTF-8
 * text exactly when its escaping needed no byte escape.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-text.h"
#include "fuzz.h"

static gboolean
is_combining (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK
         || type == G_UNICODE_ENCLOSING_MARK;
}

static gboolean
is_blank_letter (gunichar c)
{
  return c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0 || c == 0x2800
         || c == 0x034f || c == 0x17b4 || c == 0x17b5;
}

static guint
hex_value (char c)
{
  fuzz_check (g_ascii_isxdigit (c));
  return (guint) g_ascii_xdigit_value (c);
}

/* Reads an escaped payload back, checking each piece on the way.
 * *byte_escapes counts the \xNN that stand for bytes that are not text
 * (NUL or not UTF-8). */
static GByteArray *
unescape (const char *text,
          guint      *byte_escapes)
{
  GByteArray *out = g_byte_array_new ();
  gboolean after_literal = FALSE;
  const char *p = text;

  *byte_escapes = 0;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '\\')
        {
          const char *next = g_utf8_next_char (p);

          /* Shown as it is: visible, no quote, and a combining mark only
           * on a character of the payload. */
          fuzz_check (c != '"');
          fuzz_check (!is_blank_letter (c));
          fuzz_check (!is_combining (c) || after_literal);
          g_byte_array_append (out, (const guint8 *) p, next - p);
          after_literal = TRUE;
          p = next;
          continue;
        }

      after_literal = FALSE;
      p++;
      switch (*p)
        {
        case '\\':
        case '"':
          g_byte_array_append (out, (const guint8 *) p, 1);
          p++;
          break;
        case 'n':
          g_byte_array_append (out, (const guint8 *) "\n", 1);
          p++;
          break;
        case 'r':
          g_byte_array_append (out, (const guint8 *) "\r", 1);
          p++;
          break;
        case 't':
          g_byte_array_append (out, (const guint8 *) "\t", 1);
          p++;
          break;
        case 'x':
          {
            guint high = hex_value (p[1]);
            guint8 byte = (guint8) (high << 4 | hex_value (p[2]));

            /* Only for what has no shorter spelling. */
            fuzz_check (byte != '\n' && byte != '\r' && byte != '\t');
            fuzz_check (byte < 0x20 || byte >= 0x7f);
            if (byte == 0 || byte >= 0x80)
              (*byte_escapes)++;
            g_byte_array_append (out, &byte, 1);
            p += 3;
          }
          break;
        case 'u':
          {
            gunichar u = 0;
            char utf8[6];
            guint n_digits = 0;

            fuzz_check (p[1] == '{');
            for (p += 2; *p != '}'; p++, n_digits++)
              {
                fuzz_check (n_digits < 6);
                u = u << 4 | hex_value (*p);
              }
            p++;
            fuzz_check (n_digits >= 4);
            fuzz_check (u >= 0x80 && g_unichar_validate (u));
            g_byte_array_append (out, (const guint8 *) utf8, g_unichar_to_utf8 (u, utf8));
          }
          break;
        default:
          fuzz_fail (__FILE__, __LINE__, G_STRFUNC, "a backslash starts an escape");
        }
    }

  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *escaped = chorus_text_escape (data, size);
  g_autofree char *hex = chorus_text_hex (data, size);
  g_autoptr(GByteArray) back = NULL;
  guint byte_escapes;

  /* One line, valid UTF-8, and it reads back to the payload. */
  fuzz_check_line (escaped);
  back = unescape (escaped, &byte_escapes);
  fuzz_check (back->len == size);
  fuzz_check (size == 0 || memcmp (back->data, data, size) == 0);

  fuzz_check (chorus_text_is_utf8 (data, size) == (byte_escapes == 0));

  fuzz_check (strlen (hex) == 2 * size);
  for (size_t i = 0; i < size; i++)
    {
      fuzz_check (g_ascii_isxdigit (hex[2 * i]) && !g_ascii_isupper (hex[2 * i]));
      fuzz_check (g_ascii_isxdigit (hex[2 * i + 1]) && !g_ascii_isupper (hex[2 * i + 1]));
      fuzz_check ((hex_value (hex[2 * i]) << 4 | hex_value (hex[2 * i + 1])) == data[i]);
    }

  return 0;
}
