/* test-cli-output.c: chorus-cli's JSON lines are JSON, whatever they carry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>

#include "chorus-cli-output.h"

/* Closes @line as chorus_json_print() does, checks that it is one line of
 * JSON holding one object, and returns that object. */
static JsonObject *
parse_line (GString *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_string_append_c (line, '}');
  g_test_message ("%s", line->str);

  g_assert_null (strchr (line->str, '\n'));
  g_assert_true (g_utf8_validate (line->str, line->len, NULL));

  json_parser_load_from_data (parser, line->str, line->len, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static void
test_begin (void)
{
  g_autoptr(GString) line = chorus_json_begin ("sent");
  g_autoptr(JsonObject) object = NULL;

  g_assert_cmpstr (line->str, ==, "{\"event\":\"sent\"");

  object = parse_line (line);
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "sent");
}

static void
test_string (void)
{
  static const struct {
    const char *value;
    const char *expected;
  } cases[] = {
    { "ack", "\"ack\"" },
    { "", "\"\"" },
    { "say \"hi\"", "\"say \\\"hi\\\"\"" },
    { "back\\slash", "\"back\\\\slash\"" },
    { "a\nb\rc\td", "\"a\\nb\\rc\\td\"" },
    { "\x01\x1b[31m\x1f\x7f", "\"\\u0001\\u001b[31m\\u001f\\u007f\"" },
    { "\"}{\"event\":\"forged\"", "\"\\\"}{\\\"event\\\":\\\"forged\\\"\"" },
    { "héllo ✓", "\"héllo ✓\"" },
    /* Reordering and line-breaking characters: escaped, so that a line
     * read in a terminal shows what it holds. */
    { "abc\xe2\x80\xae" "cba", "\"abc\\u202e" "cba\"" },
    { "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"" },
    { "\xe2\x81\xa6x\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c", "\"\\u2066x\\u2069\\u200f\\u061c\"" },
    { "\xe2\x80\x99 \xe2\x80\xa6", "\"\xe2\x80\x99 \xe2\x80\xa6\"" },
    { "\xf0\x9f\x8e\xb5", "\"\xf0\x9f\x8e\xb5\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = chorus_json_begin ("message");
      g_autoptr(JsonObject) object = NULL;
      g_autofree char *expected = g_strdup_printf ("{\"event\":\"message\",\"data\":%s",
                                                   cases[i].expected);

      chorus_json_add_string (line, "data", cases[i].value);
      g_assert_cmpstr (line->str, ==, expected);

      object = parse_line (line);
      g_assert_cmpstr (json_object_get_string_member (object, "data"), ==, cases[i].value);
    }
}

static void
test_strv (void)
{
  const char *addresses[] = { "10.77.0.1/16", "fe80::1/64", "say \"hi\"", NULL };
  const char *none[] = { NULL };
  g_autoptr(GString) line = chorus_json_begin ("interface");
  g_autoptr(JsonObject) object = NULL;
  JsonArray *array;

  chorus_json_add_strv (line, "addresses", addresses);
  chorus_json_add_strv (line, "none", none);
  chorus_json_add_strv (line, "null", NULL);
  g_assert_cmpstr (line->str, ==,
                   "{\"event\":\"interface\","
                   "\"addresses\":[\"10.77.0.1/16\",\"fe80::1/64\",\"say \\\"hi\\\"\"],"
                   "\"none\":[],\"null\":[]");

  object = parse_line (line);
  array = json_object_get_array_member (object, "addresses");
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "say \"hi\"");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "none")), ==, 0);
}

static void
test_object (void)
{
  g_autoptr(GString) line = chorus_json_begin ("summary");
  g_autoptr(JsonObject) object = NULL;
  GString *inner = chorus_json_object_begin ();
  GString *empty = chorus_json_object_begin ();
  JsonObject *nested;

  chorus_json_add_int (inner, "sent", 5);
  chorus_json_add_string (inner, "path", "multicast");
  chorus_json_add_object (line, "multicast", inner);
  chorus_json_add_object (line, "none", empty);
  chorus_json_add_bool (line, "after", TRUE);
  g_assert_cmpstr (line->str, ==,
                   "{\"event\":\"summary\","
                   "\"multicast\":{\"sent\":5,\"path\":\"multicast\"},"
                   "\"none\":{},\"after\":true");

  object = parse_line (line);
  nested = json_object_get_object_member (object, "multicast");
  g_assert_cmpint (json_object_get_int_member (nested, "sent"), ==, 5);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "none")), ==, 0);
}

static void
test_int (void)
{
  static const gint64 values[] = { 0, 1, -1, 65535, G_MAXINT, G_MININT, G_MAXINT64, G_MININT64 };
  static const char *expected[] = {
    "0", "1", "-1", "65535", "2147483647", "-2147483648",
    "9223372036854775807", "-9223372036854775808",
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GString) line = chorus_json_begin ("summary");
      g_autoptr(JsonObject) object = NULL;
      g_autofree char *whole = g_strdup_printf ("{\"event\":\"summary\",\"n\":%s", expected[i]);

      chorus_json_add_int (line, "n", values[i]);
      g_assert_cmpstr (line->str, ==, whole);

      object = parse_line (line);
      g_assert_cmpint (json_object_get_int_member (object, "n"), ==, values[i]);
    }
}

static void
test_ms (void)
{
  static const struct {
    gint64 usec;
    const char *expected;
  } cases[] = {
    { 0, "0.000" },
    { 1, "0.001" },
    { -1, "-0.001" },
    { 410, "0.410" },
    { 999, "0.999" },
    { 1000, "1.000" },
    { -1000, "-1.000" },
    { 1500, "1.500" },
    { -1500, "-1.500" },
    { G_GINT64_CONSTANT (86400000000), "86400000.000" },   /* a day */
    { G_MAXINT64, "9223372036854775.807" },
    { G_MININT64 + 1, "-9223372036854775.807" },
    { G_MININT64, "-9223372036854775.808" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = chorus_json_begin ("ack");
      g_autoptr(JsonObject) object = NULL;
      g_autofree char *whole = g_strdup_printf ("{\"event\":\"ack\",\"rtt_ms\":%s",
                                                cases[i].expected);
      double ms;

      chorus_json_add_ms (line, "rtt_ms", cases[i].usec);
      g_assert_cmpstr (line->str, ==, whole);

      object = parse_line (line);
      ms = json_object_get_double_member (object, "rtt_ms");
      g_assert_cmpfloat_with_epsilon (ms, (double) cases[i].usec / 1000.0,
                                      MAX (1e-9, fabs (ms) * 1e-12));
    }
}

static void
test_ms_locale (void)
{
  g_autoptr(GString) line = chorus_json_begin ("ack");
  const char *previous = setlocale (LC_NUMERIC, NULL);
  g_autofree char *saved = g_strdup (previous);
  g_autofree char *dir = NULL;

  /* A decimal comma in the locale must not reach the JSON. Without such a
   * locale on the machine, make one of our own (localedef, from Debian's
   * locales package, which build-aux/dev installs). */
  if (setlocale (LC_NUMERIC, "fr_FR.UTF-8") == NULL)
    {
      g_autofree char *target = NULL;
      const char *argv[] = { "localedef", "-i", "fr_FR", "-f", "UTF-8", NULL, NULL };
      int status = -1;

      dir = g_dir_make_tmp ("chorus-locale-XXXXXX", NULL);
      g_assert_nonnull (dir);
      target = g_build_filename (dir, "fr_FR.UTF-8", NULL);
      argv[5] = target;
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    &status, NULL);
      g_setenv ("LOCPATH", dir, TRUE);
      if (setlocale (LC_NUMERIC, "fr_FR.UTF-8") == NULL)
        {
          if (g_getenv ("CI") != NULL)
            g_error ("no locale with a decimal comma, and localedef could not make one");
          g_test_skip ("no locale with a decimal comma (install Debian's locales)");
          return;
        }
    }
  g_assert_cmpstr (localeconv ()->decimal_point, ==, ",");

  chorus_json_add_ms (line, "rtt_ms", 1500);
  setlocale (LC_NUMERIC, saved);
  if (dir != NULL)
    {
      const char *rm[] = { "rm", "-rf", dir, NULL };

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  g_assert_cmpstr (line->str, ==, "{\"event\":\"ack\",\"rtt_ms\":1.500");
}

static void
test_time_and_numbers (void)
{
  g_autoptr(GString) line = g_string_new (NULL);

  /* The zone is read once; UTC makes the expectations exact. */
  g_setenv ("TZ", "UTC", TRUE);

  chorus_cli_append_time (line, 1);
  g_assert_cmpstr (line->str, ==, "00:00:00.000001");
  g_string_truncate (line, 0);
  /* The same second again (the cached path), then the next day. */
  chorus_cli_append_time (line, 999999);
  g_string_append_c (line, ' ');
  chorus_cli_append_time (line, (gint64) 86400 * G_USEC_PER_SEC + 45296123456);
  g_assert_cmpstr (line->str, ==, "00:00:00.999999 12:34:56.123456");
  g_string_truncate (line, 0);
  chorus_cli_append_time (line, -1);
  g_assert_cmpstr (line->str, ==, "?");

  g_string_truncate (line, 0);
  chorus_cli_append_number (line, 0);
  g_string_append_c (line, ' ');
  chorus_cli_append_number (line, G_MAXUINT64);
  g_assert_cmpstr (line->str, ==, "0 18446744073709551615");
}

static void
test_payload (void)
{
  static const struct {
    const char *data;
    gsize size;
    const char *key;
    const char *value;
  } cases[] = {
    { "very important data", 19, "data", "very important data" },
    { "", 0, "data", "" },
    { "say \"hi\"\n", 9, "data", "say \"hi\"\n" },
    { "héllo", 6, "data", "héllo" },
    { "nul\0byte", 8, "data_hex", "6e756c0062797465" },
    { "\xff\xfe", 2, "data_hex", "fffe" },
    { "cut \xc3", 5, "data_hex", "63757420c3" },
    { "\xed\xa0\x80", 3, "data_hex", "eda080" },                /* a surrogate */
    { "\x1b[31m\"", 6, "data", "\x1b[31m\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) payload = g_bytes_new (cases[i].data, cases[i].size);
      g_autoptr(GString) line = chorus_json_begin ("message");
      g_autoptr(JsonObject) object = NULL;
      const char *other = g_str_equal (cases[i].key, "data") ? "data_hex" : "data";

      chorus_json_add_payload (line, payload);
      chorus_json_add_int (line, "bytes", cases[i].size);

      object = parse_line (line);
      g_assert_cmpstr (json_object_get_string_member (object, cases[i].key), ==,
                       cases[i].value);
      g_assert_false (json_object_has_member (object, other));
      g_assert_cmpint (json_object_get_int_member (object, "bytes"), ==, cases[i].size);
    }
}

static void
test_payload_empty_buffer (void)
{
  /* An empty payload may come without a buffer at all. */
  g_autoptr(GBytes) payload = g_bytes_new (NULL, 0);
  g_autoptr(GString) line = chorus_json_begin ("message");
  g_autoptr(JsonObject) object = NULL;

  chorus_json_add_payload (line, payload);
  object = parse_line (line);
  g_assert_cmpstr (json_object_get_string_member (object, "data"), ==, "");
}

static void
test_payload_every_byte (void)
{
  guint8 data[256];

  for (guint i = 0; i < 256; i++)
    data[i] = (guint8) i;

  /* Each byte alone, then all the ASCII ones together: whatever comes in,
   * a line comes out that parses back to the same bytes. */
  for (guint i = 0; i <= 256; i++)
    {
      gsize size = i < 256 ? 1 : 128;
      const guint8 *start = i < 256 ? data + i : data;
      g_autoptr(GBytes) payload = g_bytes_new (start, size);
      g_autoptr(GString) line = chorus_json_begin ("message");
      g_autoptr(JsonObject) object = NULL;

      chorus_json_add_payload (line, payload);
      object = parse_line (line);

      if (json_object_has_member (object, "data"))
        {
          const char *text = json_object_get_string_member (object, "data");

          g_assert_cmpuint (strlen (text), ==, size);
          g_assert_cmpmem (text, size, start, size);
        }
      else
        {
          g_autofree char *hex = g_malloc (2 * size + 1);

          for (gsize j = 0; j < size; j++)
            g_snprintf (hex + 2 * j, 3, "%02x", start[j]);
          g_assert_cmpstr (json_object_get_string_member (object, "data_hex"), ==, hex);
          g_assert_true (start[0] == 0 || start[0] >= 0x80);
        }
    }
}

/* The JSON string writer as it was before chorus_json_append_text(): one
 * byte at a time, validation apart. The new one must write the same. */
static gboolean
reference_is_reordering (const char *p)
{
  switch (g_utf8_get_char (p))
    {
    case 0x061c:
    case 0x200e: case 0x200f:
    case 0x2028: case 0x2029:
    case 0x202a: case 0x202b: case 0x202c: case 0x202d: case 0x202e:
    case 0x2066: case 0x2067: case 0x2068: case 0x2069:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
reference_append_string (GString    *line,
                         const char *value)
{
  const char *run = value;
  const char *p;

  g_string_append_c (line, '"');
  for (p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape = NULL;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f && (c < 0x80 || !reference_is_reordering (p)))
        continue;

      g_string_append_len (line, run, p - run);
      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default: break;
        }
      if (escape != NULL)
        g_string_append (line, escape);
      else if (c < 0x80)
        g_string_append_printf (line, "\\u%04x", c);
      else
        {
          g_string_append_printf (line, "\\u%04x", g_utf8_get_char (p));
          p = g_utf8_next_char (p) - 1;
        }
      run = p + 1;
    }
  g_string_append_len (line, run, p - run);
  g_string_append_c (line, '"');
}

/* What chorus_json_add_payload() wrote before: validation, a copy, the
 * writer above; or the hex. */
static char *
reference_payload (const guint8 *data,
                   gsize         size)
{
  GString *line = g_string_new (NULL);

  if (size == 0 || g_utf8_validate_len ((const char *) data, size, NULL))
    {
      g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);

      g_string_append (line, ",\"data\":");
      reference_append_string (line, text);
    }
  else
    {
      g_string_append (line, ",\"data_hex\":\"");
      for (gsize i = 0; i < size; i++)
        g_string_append_printf (line, "%02x", data[i]);
      g_string_append_c (line, '"');
    }

  return g_string_free (line, FALSE);
}

/* Both writers on @data, as a payload and, if it is text, as a string. */
static void
check_same_as_reference (const guint8 *data,
                         gsize         size)
{
  g_autoptr(GBytes) payload = g_bytes_new (data, size);
  g_autoptr(GString) line = chorus_json_begin ("m");
  g_autofree char *expected = reference_payload (data, size);
  gsize prefix = strlen ("{\"event\":\"m\"");

  chorus_json_add_payload (line, payload);
  g_assert_cmpuint (line->len - prefix, ==, strlen (expected));
  g_assert_cmpmem (line->str + prefix, line->len - prefix, expected, strlen (expected));

  if (g_str_has_prefix (expected, ",\"data\":"))
    {
      g_autofree char *text = g_strndup ((const char *) data, size);
      g_autoptr(GString) mine = g_string_new ("x");
      g_autoptr(GString) theirs = g_string_new ("x");

      chorus_json_append_text (mine, data, size, FALSE);
      reference_append_string (theirs, text);
      g_assert_cmpstr (mine->str, ==, theirs->str);
    }
}

static void
test_payload_same_as_before (void)
{
  static const char *const pieces[] = {
    "a", "0123456789", ".", " ", "\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "\x7f",
    "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2\x80", "\xc2\x85", "\xdf\xbf",
    "\xe0\x80\x80", "\xe0\x9f\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xed\xa0\x80",
    "\xed\xbf\xbf", "\xee\x80\x80", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xef\xbb\xbf",
    "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf0\x90\x80\x80", "\xf0\x9f\x8e\xb5",
    "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80",
    "\xfe", "\xff", "\xe2\x80", "\xe2", "\xf0\x9f\x8e", "\xd8\x9c", "\xe2\x80\x8e",
    "\xe2\x80\x8f", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaa", "\xe2\x80\xae",
    "\xe2\x80\xaf", "\xe2\x81\xa5", "\xe2\x81\xa6", "\xe2\x81\xa9", "\xe2\x81\xaa",
    "\xe2\x80\x99", "h\xc3\xa9llo", "\xe2\x9c\x93",
  };
  guint8 data[2048];
  GRand *rand = g_rand_new_with_seed (11);

  /* Every byte alone, every pair of bytes. */
  for (guint i = 0; i < 256; i++)
    {
      data[0] = (guint8) i;
      check_same_as_reference (data, 1);
      for (guint j = 0; j < 256; j++)
        {
          data[1] = (guint8) j;
          check_same_as_reference (data, 2);
        }
    }

  /* Every code point, alone and between ASCII, as UTF-8. */
  for (gunichar c = 1; c <= 0x10ffff; c++)
    {
      gsize n = (gsize) g_unichar_to_utf8 (c, (char *) data + 1);

      check_same_as_reference (data + 1, n);
      data[0] = 'a';
      data[n + 1] = 'b';
      check_same_as_reference (data, n + 2);
    }

  /* Runs of pieces, each piece at every offset of the eight-byte words
   * the plain runs are read in, and long clean runs with one piece
   * somewhere in them. */
  for (guint round = 0; round < 20000; round++)
    {
      gsize size = 0;
      guint n_pieces = (guint) g_rand_int_range (rand, 1, 24);

      for (guint k = 0; k < n_pieces; k++)
        {
          const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
          gsize length = strlen (piece);
          guint repeat = g_rand_boolean (rand) ? 1 : (guint) g_rand_int_range (rand, 1, 40);

          for (guint r = 0; r < repeat && size + length <= sizeof data; r++, size += length)
            memcpy (data + size, piece, length);
        }
      check_same_as_reference (data, size);
    }

  for (gsize size = 1; size <= 1472; size += (size < 64 ? 1 : 37))
    for (gsize at = 0; at < size; at += (size < 64 ? 1 : 13))
      {
        memset (data, 'x', size);
        data[at] = '"';
        check_same_as_reference (data, size);
        data[at] = 0xc3;
        check_same_as_reference (data, size);
        data[at] = 0x00;
        check_same_as_reference (data, size);
      }

  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-output/begin", test_begin);
  g_test_add_func ("/cli-output/string", test_string);
  g_test_add_func ("/cli-output/strv", test_strv);
  g_test_add_func ("/cli-output/object", test_object);
  g_test_add_func ("/cli-output/int", test_int);
  g_test_add_func ("/cli-output/ms", test_ms);
  g_test_add_func ("/cli-output/ms-locale", test_ms_locale);
  g_test_add_func ("/cli-output/time-and-numbers", test_time_and_numbers);
  g_test_add_func ("/cli-output/payload", test_payload);
  g_test_add_func ("/cli-output/payload-empty-buffer", test_payload_empty_buffer);
  g_test_add_func ("/cli-output/payload-every-byte", test_payload_every_byte);
  g_test_add_func ("/cli-output/payload-same-as-before", test_payload_same_as_before);

  return g_test_run ();
}
