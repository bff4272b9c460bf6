/* chorus-text.c: showing untrusted payloads literally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
  switch (c)
    {
    /* Letters and symbols that draw nothing: a name or a value made of
     * them looks empty, or like spaces that are not there. */
    case 0x034f:                /* COMBINING GRAPHEME JOINER */
    case 0x115f:                /* HANGUL CHOSEONG FILLER */
    case 0x1160:                /* HANGUL JUNGSEONG FILLER */
    case 0x17b4:                /* KHMER VOWEL INHERENT AQ */
    case 0x17b5:                /* KHMER VOWEL INHERENT AA */
    case 0x2800:                /* BRAILLE PATTERN BLANK */
    case 0x3164:                /* HANGUL FILLER */
    case 0xffa0:                /* HALFWIDTH HANGUL FILLER */
      return TRUE;
    default:
      break;
    }

  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:     /* C0, DEL and C1 */
    case G_UNICODE_FORMAT:      /* bidi controls, zero-width characters, U+180E, U+FEFF, tags */
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_UNASSIGNED:  /* noncharacters included */
    case G_UNICODE_PRIVATE_USE:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_combining (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:    /* Mn, variation selectors included */
    case G_UNICODE_SPACING_MARK:        /* Mc */
    case G_UNICODE_ENCLOSING_MARK:      /* Me */
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * chorus_text_plain_span:
 * @data: (array length=size): bytes
 * @size: their length
 *
 * Both escapers here and chorus-cli's JSON writer copy printable ASCII
 * other than the backslash and the double quote as it is, and nearly
 * every payload is mostly that; they copy such a run at once.
 *
 * Returns: how many bytes at the start of @data are printable ASCII
 *   (0x20 to 0x7e) other than `\` and `"`
 */
gsize
chorus_text_plain_span (const guint8 *data,
                        gsize         size)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = ones * 0x80;
  gsize i = 0;

#ifdef __SSE2__
  /* Sixteen bytes at a time where the processor has SSE2 (every x86-64
   * has). As signed bytes, printable ASCII is what lies above 0x1f and
   * below 0x7f: bytes from 0x80 up are negative. */
  {
    const __m128i below = _mm_set1_epi8 (0x20 - 1);
    const __m128i above = _mm_set1_epi8 (0x7f);
    const __m128i quote = _mm_set1_epi8 ('"');
    const __m128i backslash = _mm_set1_epi8 ('\\');

    for (; i + 16 <= size; i += 16)
      {
        __m128i v = _mm_loadu_si128 ((const __m128i *) (const void *) (data + i));
        __m128i plain = _mm_and_si128 (_mm_cmpgt_epi8 (v, below), _mm_cmplt_epi8 (v, above));
        __m128i special = _mm_or_si128 (_mm_cmpeq_epi8 (v, quote), _mm_cmpeq_epi8 (v, backslash));
        int mask = _mm_movemask_epi8 (_mm_andnot_si128 (special, plain));

        if (mask != 0xffff)
          return i + (gsize) __builtin_ctz ((unsigned int) ~mask);
      }
  }
#endif

  /* Eight bytes at a time. (x - ones * n) & ~x & highs is non-zero
   * exactly when a byte of x is below n (for n <= 0x80), so with
   * x = word ^ (ones * c), when a byte equals c. */
  for (; i + 8 <= size; i += 8)
    {
      guint64 word;
      guint64 quote;
      guint64 backslash;
      guint64 del;

      memcpy (&word, data + i, sizeof word);
      quote = word ^ (ones * '"');
      backslash = word ^ (ones * '\\');
      del = word ^ (ones * 0x7f);

      if (((word | ((word - ones * 0x20) & ~word) | ((quote - ones) & ~quote)
            | ((backslash - ones) & ~backslash) | ((del - ones) & ~del)) & highs) != 0)
        break;
    }

  while (i < size && data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\' && data[i] != '"')
    i++;

  return i;
}

/* "\xNN", without printf: a binary payload is mostly these. */
static void
append_byte_escape (GString *out,
                    guint8   byte)
{
  static const char hex[] = "0123456789abcdef";
  char escape[4] = { '\\', 'x', hex[byte >> 4], hex[byte & 0xf] };

  g_string_append_len (out, escape, sizeof escape);
}

/**
 * chorus_text_escape:
 * @data: (array length=size): a payload as it arrived
 * @size: its length in bytes
 *
 * Makes a payload safe to show as one line of plain text, typically
 * between quotes: printable characters stay as they are; a backslash
 * becomes `\\` and a double quote `\"`, so the payload cannot end its
 * quotes early and forge the rest of the line; the usual control
 * characters become `\n`, `\r`, `\t`; other ASCII controls and bytes that
 * are not UTF-8 (NUL included) become `\xNN`; and these code points
 * become `\u{XXXX}`:
 *
 * - C1 controls, format characters (bidi controls, zero-width characters,
 *   U+180E, U+FEFF, tags), line and paragraph separators, private-use,
 *   unassigned code points and noncharacters;
 * - characters that draw nothing although they are letters or symbols:
 *   the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, U+2800 BRAILLE
 *   PATTERN BLANK, U+034F COMBINING GRAPHEME JOINER and the Khmer
 *   inherent vowels U+17B4 and U+17B5;
 * - a combining mark (Mn, Mc, Me, variation selectors included) that does
 *   not follow a character shown literally: at the start, it would
 *   combine with the opening quote, and after an escape, with its last
 *   character. After a base character (`e` + U+0301, an emoji + U+FE0F)
 *   combining marks stay as they are.
 *
 * Spaces other than U+0020 (no-break and narrow no-break spaces, U+3000)
 * stay as they are: they show as space and are ordinary in text. No
 * markup is interpreted. The result is valid UTF-8 without control
 * characters, and the mapping can be read back unambiguously: a
 * backslash in the result always starts one of the escapes above, `\xNN`
 * stands for one byte and `\u{XXXX}` for the UTF-8 encoding of U+XXXX.
 *
 * Returns: (transfer full): the escaped text
 */
char *
chorus_text_escape (const guint8 *data,
                    gsize         size)
{
  GString *out;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  out = g_string_sized_new (size + 16);
  chorus_text_append_escaped (out, data, size);

  return g_string_free (out, FALSE);
}

/**
 * chorus_text_append_escaped:
 * @out: where to append
 * @data: (array length=size): a payload as it arrived
 * @size: its length in bytes
 *
 * Appends what chorus_text_escape() returns for @data to @out.
 */
void
chorus_text_append_escaped (GString      *out,
                            const guint8 *data,
                            gsize         size)
{
  gsize i = 0;
  /* Whether the last thing written was a character of the payload, which
   * a combining mark may join, rather than an escape or the start. */
  gboolean after_literal = FALSE;

  g_return_if_fail (out != NULL);
  g_return_if_fail (data != NULL || size == 0);

  while (i < size)
    {
      const char *p = (const char *) data + i;
      gunichar c;
      gboolean literal = FALSE;
      /* Printable ASCII other than the backslash and the quote stands for
       * itself: copy a run of it at once. */
      gsize run = chorus_text_plain_span (data + i, size - i);

      if (run > 0)
        {
          g_string_append_len (out, p, run);
          after_literal = TRUE;
          i += run;
          continue;
        }

      c = g_utf8_get_char_validated (p, (gssize) (size - i));

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          append_byte_escape (out, data[i]);
          after_literal = FALSE;
          i++;
          continue;
        }

      switch (c)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '"':
          g_string_append (out, "\\\"");
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
            append_byte_escape (out, (guint8) c);
          else if (needs_escape (c) || (!after_literal && is_combining (c)))
            g_string_append_printf (out, "\\u{%04x}", (guint) c);
          else
            {
              g_string_append_len (out, p, g_utf8_next_char (p) - p);
              literal = TRUE;
            }
          break;
        }

      after_literal = literal;
      i += g_utf8_next_char (p) - p;
    }
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
