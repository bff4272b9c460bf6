/* chorus-text.c: showing untrusted payloads literally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-text.h"

/**
 * chorus_text_is_utf8:
 *
 * Returns: %TRUE if @data is valid UTF-8 without NUL bytes, so that it can
 *   travel as a C string (and a JSON string) unchanged
 */
gboolean
chorus_text_is_utf8 (const guint8 *data,
                     gsize         size)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  if (size == 0)
    return TRUE;

  return g_utf8_validate_len ((const char *) data, size, NULL);
}

static gboolean
needs_escape (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:     /* C0, DEL and C1 */
    case G_UNICODE_FORMAT:      /* bidi overrides, zero-width characters */
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * chorus_text_escape:
 * @data: (array length=size): a payload as it arrived
 * @size: its length in bytes
 *
 * Makes a payload safe to show as one line of plain text: printable
 * characters stay as they are, a backslash becomes `\\`, the usual
 * control characters become `\n`, `\r`, `\t`, other invisible or
 * reordering characters become `\u{XXXX}`, and bytes that are not UTF-8
 * (NUL included) become `\xNN`. No markup is interpreted; the result is
 * valid UTF-8 and the mapping can be read back unambiguously.
 *
 * Returns: (transfer full): the escaped text
 */
char *
chorus_text_escape (const guint8 *data,
                    gsize         size)
{
  GString *out;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  out = g_string_sized_new (size + 16);

  while (i < size)
    {
      const char *p = (const char *) data + i;
      gunichar c = g_utf8_get_char_validated (p, (gssize) (size - i));

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", data[i]);
          i++;
          continue;
        }

      switch (c)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x80 && needs_escape (c))
            g_string_append_printf (out, "\\x%02x", (guint) c);
          else if (needs_escape (c))
            g_string_append_printf (out, "\\u{%04x}", (guint) c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }

      i += g_utf8_next_char (p) - p;
    }

  return g_string_free (out, FALSE);
}

/**
 * chorus_text_hex:
 *
 * Returns: (transfer full): @data as lower-case hex digits, two a byte
 */
char *
chorus_text_hex (const guint8 *data,
                 gsize         size)
{
  static const char digits[] = "0123456789abcdef";
  char *out;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  out = g_malloc (size * 2 + 1);
  for (gsize i = 0; i < size; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[size * 2] = '\0';

  return out;
}
