/* test-text.c: hostile payloads are shown literally
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-text.h"

static void
test_escape (void)
{
  static const struct {
    const char *data;
    gsize size;
    const char *expected;
  } cases[] = {
    { "very important data", 19, "very important data" },
    { "<b>x</b>", 8, "<b>x</b>" },
    { "&amp;", 5, "&amp;" },
    { "héllo wörld ✓", 17, "héllo wörld ✓" },
    { "a\nb\r\tc", 6, "a\\nb\\r\\tc" },
    { "a\\n", 3, "a\\\\n" },
    { "nul\0after", 9, "nul\\x00after" },
    { "\x1b[31mred", 8, "\\x1b[31mred" },
    { "bell\x07\x7f", 6, "bell\\x07\\x7f" },
    { "\xff\xfe", 2, "\\xff\\xfe" },
    { "cut \xc3", 5, "cut \\xc3" },
    { "\xc3\x28", 2, "\\xc3(" },
    { "\xc2\x85", 2, "\\u{0085}" },                   /* C1 next line */
    { "abc\xe2\x80\xae" "cba", 9, "abc\\u{202e}cba" },   /* right-to-left override */
    { "zero\xe2\x80\x8bwidth", 12, "zero\\u{200b}width" },
    { "", 0, "" },

    /* A quote cannot end the quoted payload early and forge the rest
     * of its line. */
    { "\"", 1, "\\\"" },
    { "x\" from 10.0.0.9:1 \"y", 21, "x\\\" from 10.0.0.9:1 \\\"y" },

    /* A combining mark cannot attach to the opening quote, nor to the
     * last character of an escape; after a base character it stays. */
    { "\xcc\x81" "abc", 5, "\\u{0301}abc" },                /* acute accent, Mn */
    { "\xe0\xa4\x83", 3, "\\u{0903}" },                    /* visarga, Mc */
    { "\xe2\x83\x9d" "x", 4, "\\u{20dd}x" },               /* enclosing circle, Me */
    { "\xcc\x81\xcc\x81", 4, "\\u{0301}\\u{0301}" },
    { "\n\xcc\x81", 3, "\\n\\u{0301}" },
    { "\"\xcc\xb8", 3, "\\\"\\u{0338}" },
    { "\xff\xcc\x81", 3, "\\xff\\u{0301}" },
    { "e\xcc\x81\xcc\xa3", 5, "e\xcc\x81\xcc\xa3" },        /* é with a dot below */
    { "\xe0\xa4\x95\xe0\xa4\x83", 6, "\xe0\xa4\x95\xe0\xa4\x83" },
    { "\xe2\x9d\xa4\xef\xb8\x8f", 6, "\xe2\x9d\xa4\xef\xb8\x8f" },  /* heart, emoji style */
    { "\xef\xb8\x8f", 3, "\\u{fe0f}" },                    /* a variation selector alone */
    { "\xf3\xa0\x84\x80", 4, "\\u{e0100}" },

    /* Letters and symbols that draw nothing. */
    { "\xe1\x85\x9f", 3, "\\u{115f}" },                    /* Hangul choseong filler */
    { "\xe1\x85\xa0", 3, "\\u{1160}" },                    /* Hangul jungseong filler */
    { "a\xe3\x85\xa4" "b", 5, "a\\u{3164}b" },             /* Hangul filler */
    { "\xef\xbe\xa0", 3, "\\u{ffa0}" },                    /* halfwidth Hangul filler */
    { "\xe2\xa0\x80", 3, "\\u{2800}" },                    /* braille pattern blank */
    { "a\xcd\x8f" "b", 4, "a\\u{034f}b" },                  /* combining grapheme joiner */
    { "\xe1\x9e\x80\xe1\x9e\xb4", 6, "\xe1\x9e\x80\\u{17b4}" },  /* Khmer inherent vowel */
    { "\xe1\xa0\x8e", 3, "\\u{180e}" },                    /* Mongolian vowel separator */
    { "\xef\xbb\xbf" "bom", 6, "\\u{feff}bom" },
    { "\xed\x95\x9c\xe1\x84\x80\xe1\x85\xa1", 9,
      "\xed\x95\x9c\xe1\x84\x80\xe1\x85\xa1" },                /* Hangul, whole and in jamo */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = chorus_text_escape ((const guint8 *) cases[i].data, cases[i].size);

      g_assert_cmpstr (escaped, ==, cases[i].expected);
      g_assert_true (g_utf8_validate (escaped, -1, NULL));
    }
}

static void
test_escape_large (void)
{
  gsize size = 65507;
  g_autofree guint8 *data = g_malloc (size);
  g_autofree char *escaped = NULL;
  gsize n_escapes = 0;

  /* Every byte value, over and over: the result must stay one valid,
   * printable line whatever came in. */
  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);

  escaped = chorus_text_escape (data, size);
  g_assert_true (g_utf8_validate (escaped, -1, NULL));
  g_assert_null (strchr (escaped, '\n'));
  g_assert_null (strchr (escaped, '\x1b'));
  for (const char *p = escaped; *p; p++)
    {
      g_assert_cmpint ((guchar) *p, >=, 0x20);
      if (*p == '\\')
        n_escapes++;
    }
  g_assert_cmpuint (n_escapes, >, 0);
  g_assert_cmpuint (strlen (escaped), >=, size);
}

static gsize
reference_plain_span (const guint8 *data,
                      gsize         size)
{
  gsize i = 0;

  while (i < size && data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\' && data[i] != '"')
    i++;

  return i;
}

static void
test_plain_span (void)
{
  guint8 data[64];

  g_assert_cmpuint (chorus_text_plain_span (NULL, 0), ==, 0);
  g_assert_cmpuint (chorus_text_plain_span ((const guint8 *) "ack", 3), ==, 3);
  g_assert_cmpuint (chorus_text_plain_span ((const guint8 *) "0123456789abcdef\"", 17), ==, 16);

  /* Each byte value at each place of the vectors and words read at once,
   * and just after them, in clean text of every length up to three
   * 16-byte vectors and a word and a bit. */
  for (gsize size = 1; size <= 59; size++)
    for (gsize at = 0; at < size; at++)
      for (guint byte = 0; byte < 256; byte++)
        {
          memset (data, 'a', sizeof data);
          data[at] = (guint8) byte;
          g_assert_cmpuint (chorus_text_plain_span (data, size), ==,
                            reference_plain_span (data, size));
          /* What follows the span is never read. */
          g_assert_cmpuint (chorus_text_plain_span (data, at), ==, at);
        }

  /* Bytes next to the limits, where a borrow could spill into the next
   * byte of a word. */
  for (guint a = 0; a < 256; a++)
    for (guint b = 0; b < 256; b++)
      {
        memset (data, ' ', 32);
        data[3] = (guint8) a;
        data[4] = (guint8) b;
        data[19] = (guint8) a;
        data[28] = (guint8) b;
        g_assert_cmpuint (chorus_text_plain_span (data, 16), ==, reference_plain_span (data, 16));
        g_assert_cmpuint (chorus_text_plain_span (data, 32), ==, reference_plain_span (data, 32));
        g_assert_cmpuint (chorus_text_plain_span (data + 5, 27), ==,
                          reference_plain_span (data + 5, 27));
      }
}

static void
test_append_escaped (void)
{
  static const char data[] = "text \"quoted\" \xff\xcc\x81 and more";
  g_autoptr(GString) line = g_string_new ("before: ");
  g_autofree char *escaped = chorus_text_escape ((const guint8 *) data, sizeof data - 1);
  g_autofree char *expected = g_strconcat ("before: ", escaped, NULL);

  chorus_text_append_escaped (line, (const guint8 *) data, sizeof data - 1);
  g_assert_cmpstr (line->str, ==, expected);
  g_assert_cmpstr (escaped, ==, "text \\\"quoted\\\" \\xff\\u{0301} and more");

  chorus_text_append_escaped (line, NULL, 0);
  g_assert_cmpstr (line->str, ==, expected);
}

static void
test_hex (void)
{
  g_autofree char *hex = chorus_text_hex ((const guint8 *) "\x00\xff\x1b" "A", 4);
  g_autofree char *empty = chorus_text_hex (NULL, 0);

  g_assert_cmpstr (hex, ==, "00ff1b41");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_is_utf8 (void)
{
  g_assert_true (chorus_text_is_utf8 ((const guint8 *) "ack", 3));
  g_assert_true (chorus_text_is_utf8 ((const guint8 *) "é", 2));
  g_assert_true (chorus_text_is_utf8 (NULL, 0));
  g_assert_false (chorus_text_is_utf8 ((const guint8 *) "\xff", 1));
  g_assert_false (chorus_text_is_utf8 ((const guint8 *) "a\0b", 3));
  g_assert_false (chorus_text_is_utf8 ((const guint8 *) "\xc3", 1));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/escape", test_escape);
  g_test_add_func ("/text/escape-large", test_escape_large);
  g_test_add_func ("/text/plain-span", test_plain_span);
  g_test_add_func ("/text/append-escaped", test_append_escaped);
  g_test_add_func ("/text/hex", test_hex);
  g_test_add_func ("/text/is-utf8", test_is_utf8);

  return g_test_run ();
}
