/* chorus-cli-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "chorus-cli-output.h"
#include "chorus-text.h"

GString *
chorus_json_begin (const char *event)
{
  GString *line = g_string_new ("{");

  chorus_json_add_string (line, "event", event);

  return line;
}

static void
add_key (GString    *line,
         const char *key)
{
  if (line->len > 1)
    g_string_append_c (line, ',');
  g_string_append_printf (line, "\"%s\":", key);
}

/* Characters that reorder or break a line when JSON is read in a terminal:
 * bidi embeddings, overrides, isolates and marks, and the Unicode line and
 * paragraph separators. JSON allows them raw; escaped, a line of output
 * cannot be made to look like another. @p points at a lead byte of valid
 * UTF-8. */
static gboolean
is_reordering (const char *p)
{
  switch (g_utf8_get_char (p))
    {
    case 0x061c:                       /* Arabic letter mark */
    case 0x200e: case 0x200f:          /* left-to-right and right-to-left marks */
    case 0x2028: case 0x2029:          /* line and paragraph separators */
    case 0x202a: case 0x202b: case 0x202c: case 0x202d: case 0x202e:
    case 0x2066: case 0x2067: case 0x2068: case 0x2069:
      return TRUE;
    default:
      return FALSE;
    }
}

/* @value must be valid UTF-8: JSON strings are Unicode. */
void
chorus_json_add_string (GString    *line,
                        const char *key,
                        const char *value)
{
  add_key (line, key);
  g_string_append_c (line, '"');

  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (line, "\\\"");
          break;
        case '\\':
          g_string_append (line, "\\\\");
          break;
        case '\n':
          g_string_append (line, "\\n");
          break;
        case '\r':
          g_string_append (line, "\\r");
          break;
        case '\t':
          g_string_append (line, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (line, "\\u%04x", c);
          else if (c >= 0x80 && is_reordering (p))
            {
              g_string_append_printf (line, "\\u%04x", g_utf8_get_char (p));
              p = g_utf8_next_char (p) - 1;
            }
          else
            g_string_append_c (line, (char) c);
        }
    }

  g_string_append_c (line, '"');
}

void
chorus_json_add_int (GString    *line,
                     const char *key,
                     gint64      value)
{
  add_key (line, key);
  g_string_append_printf (line, "%" G_GINT64_FORMAT, value);
}

/* Milliseconds with microsecond precision, whatever the locale. The
 * magnitude is taken in unsigned arithmetic, where -G_MININT64 fits. */
void
chorus_json_add_ms (GString    *line,
                    const char *key,
                    gint64      usec)
{
  guint64 magnitude = usec < 0 ? 0 - (guint64) usec : (guint64) usec;

  add_key (line, key);
  g_string_append_printf (line, "%s%" G_GUINT64_FORMAT ".%03u", usec < 0 ? "-" : "",
                          magnitude / 1000, (guint) (magnitude % 1000));
}

/* "data" when the payload is text, "data_hex" always when it is not. */
void
chorus_json_add_payload (GString *line,
                         GBytes  *payload)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (payload, &size);

  if (chorus_text_is_utf8 (data, size))
    {
      /* An empty payload may come without a buffer. */
      g_autofree char *text = g_strndup (data != NULL ? (const char *) data : "", size);

      chorus_json_add_string (line, "data", text);
    }
  else
    {
      g_autofree char *hex = chorus_text_hex (data, size);

      chorus_json_add_string (line, "data_hex", hex);
    }
}

gboolean
chorus_json_print (GString *line)
{
  g_string_append (line, "}\n");
  fwrite (line->str, 1, line->len, stdout);
  g_string_free (line, TRUE);

  return fflush (stdout) == 0 && !ferror (stdout);
}

gboolean
chorus_cli_print (const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);

  return fflush (stdout) == 0 && !ferror (stdout);
}

char *
chorus_cli_format_time (gint64 realtime_usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_local (realtime_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = NULL;

  if (seconds == NULL)
    return g_strdup ("?");

  time = g_date_time_add (seconds, realtime_usec % G_USEC_PER_SEC);
  return g_date_time_format (time, "%H:%M:%S.%f");
}
