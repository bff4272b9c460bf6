/* fuzz-json.c: chorus-cli's JSON lines with any payload and strings
 *
 * The input is the payload, and as text (itself when it is UTF-8, else
 * escaped) the event name and a string member; its first eight bytes are
 * an integer and a number of microseconds. The line must be one line of
 * JSON that gives each of them back exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "chorus-cli-output.h"
#include "chorus-text.h"
#include "fuzz.h"

/* Checks the text of "ms", the last member, digit for digit. */
static void
check_ms (const char *line,
          gint64      usec)
{
  const char *p = g_strrstr (line, ",\"ms\":");
  gboolean negative = usec < 0;
  /* -(usec + 1) + 1 does not overflow, even for G_MININT64. */
  guint64 expected = negative ? (guint64) (-(usec + 1)) + 1 : (guint64) usec;
  guint64 whole = 0;
  guint n_digits = 0;
  guint fraction = 0;

  fuzz_check (p != NULL);
  p += strlen (",\"ms\":");
  if (negative)
    fuzz_check (*p++ == '-');
  for (; g_ascii_isdigit (*p); p++, n_digits++)
    {
      fuzz_check (whole <= G_MAXUINT64 / 10);
      whole = whole * 10 + (guint64) (*p - '0');
    }
  fuzz_check (n_digits >= 1 && (n_digits == 1 || whole >= G_GUINT64_CONSTANT (10)));
  fuzz_check (*p++ == '.');
  for (guint i = 0; i < 3; i++, p++)
    {
      fuzz_check (g_ascii_isdigit (*p));
      fraction = fraction * 10 + (guint) (*p - '0');
    }
  fuzz_check (g_str_equal (p, "}"));
  fuzz_check (whole == expected / 1000 && fraction == expected % 1000);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) payload = g_bytes_new (data, size);
  gboolean is_text = chorus_text_is_utf8 (data, size);
  g_autofree char *text = is_text ? g_strndup (size > 0 ? (const char *) data : "", size)
                                  : chorus_text_escape (data, size);
  g_autofree char *hex = chorus_text_hex (data, size);
  g_autoptr(GString) line = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gint64 number = 0;

  memcpy (&number, data, MIN (size, sizeof number));

  /* The writer's own validation agrees with GLib's, and leaves the line
   * as it was when it refuses. */
  line = g_string_new ("{");
  fuzz_check (chorus_json_append_text (line, data, size, TRUE) == is_text);
  fuzz_check (is_text ? line->len >= size + 3 : line->len == 1);
  g_string_free (g_steal_pointer (&line), TRUE);

  line = chorus_json_begin (text);
  chorus_json_add_string (line, "text", text);
  chorus_json_add_int (line, "n", number);
  chorus_json_add_payload (line, payload);
  chorus_json_add_ms (line, "ms", number);
  g_string_append_c (line, '}');

  /* One line: no raw control character at all, so no newline either. */
  fuzz_check (g_utf8_validate (line->str, line->len, NULL));
  fuzz_check (strlen (line->str) == line->len);
  for (gsize i = 0; i < line->len; i++)
    fuzz_check ((guchar) line->str[i] >= 0x20 && line->str[i] != 0x7f);

  fuzz_check (json_parser_load_from_data (parser, line->str, line->len, &error));
  fuzz_check (error == NULL);
  fuzz_check (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));

  fuzz_check (json_object_get_size (object) == 5);
  fuzz_check (g_strcmp0 (json_object_get_string_member (object, "event"), text) == 0);
  fuzz_check (g_strcmp0 (json_object_get_string_member (object, "text"), text) == 0);
  fuzz_check (json_object_get_int_member (object, "n") == number);
  if (is_text)
    {
      fuzz_check (g_strcmp0 (json_object_get_string_member (object, "data"), text) == 0);
      fuzz_check (!json_object_has_member (object, "data_hex"));
    }
  else
    {
      fuzz_check (g_strcmp0 (json_object_get_string_member (object, "data_hex"), hex) == 0);
      fuzz_check (!json_object_has_member (object, "data"));
    }
  fuzz_check (JSON_NODE_TYPE (json_object_get_member (object, "ms")) == JSON_NODE_VALUE);
  check_ms (line->str, number);

  return 0;
}
