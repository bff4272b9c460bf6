/* chorus-cli-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chorus-cli-output.h"
#include "chorus-text.h"

/* A line printed, kept for the next one: under a flood, lines cost no
 * allocation. */
static GString *spare_line;

static GString *
take_line (void)
{
  GString *line = g_steal_pointer (&spare_line);

  return line != NULL ? line : g_string_sized_new (256);
}

static void
give_back_line (GString *line)
{
  /* Not one that a huge payload grew. */
  if (spare_line == NULL && line->allocated_len <= 64 * 1024)
    {
      g_string_truncate (line, 0);
      spare_line = line;
    }
  else
    g_string_free (line, TRUE);
}

/* An empty line, for chorus_cli_print_line(). */
GString *
chorus_cli_line_new (void)
{
  return take_line ();
}

GString *
chorus_json_begin (const char *event)
{
  GString *line = take_line ();

  g_string_append_c (line, '{');

  chorus_json_add_string (line, "event", event);

  return line;
}

static void
add_key (GString    *line,
         const char *key)
{
  if (line->len > 1)
    g_string_append_c (line, ',');
  g_string_append_c (line, '"');
  g_string_append (line, key);
  g_string_append_len (line, "\":", 2);
}

/* Characters that reorder or break a line when JSON is read in a terminal:
 * bidi embeddings, overrides, isolates and marks, and the Unicode line and
 * paragraph separators. JSON allows them raw; escaped, a line of output
 * cannot be made to look like another. */
static gboolean
is_reordering (gunichar c)
{
  switch (c)
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

/* The length of the well-formed UTF-8 sequence at @p (Unicode's table
 * 3-7: no overlong forms, surrogates nor code points past U+10FFFF), with
 * its code point in @c; 0 if there is none. @p[0] is 0x80 or more. */
static gsize
utf8_sequence (const guint8 *p,
               gsize         available,
               gunichar     *c)
{
  guint8 lead = p[0];
  guint8 low = 0x80;
  guint8 high = 0xbf;
  gsize n;

  if (lead >= 0xc2 && lead <= 0xdf)
    n = 2;
  else if (lead >= 0xe0 && lead <= 0xef)
    {
      n = 3;
      low = lead == 0xe0 ? 0xa0 : 0x80;
      high = lead == 0xed ? 0x9f : 0xbf;
    }
  else if (lead >= 0xf0 && lead <= 0xf4)
    {
      n = 4;
      low = lead == 0xf0 ? 0x90 : 0x80;
      high = lead == 0xf4 ? 0x8f : 0xbf;
    }
  else
    return 0;

  if (available < n || p[1] < low || p[1] > high)
    return 0;
  for (gsize i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xbf)
      return 0;

  *c = lead & (0xff >> (n + 1));
  for (gsize i = 1; i < n; i++)
    *c = (*c << 6) | (p[i] & 0x3f);

  return n;
}

/* "\uXXXX", without printf; @c is below 0x10000. */
static void
append_u_escape (GString  *line,
                 gunichar  c)
{
  static const char hex[] = "0123456789abcdef";
  char escape[6] = {
    '\\', 'u', hex[(c >> 12) & 0xf], hex[(c >> 8) & 0xf], hex[(c >> 4) & 0xf], hex[c & 0xf],
  };

  g_string_append_len (line, escape, sizeof escape);
}

/*
 * chorus_json_append_text:
 * @line: where to append
 * @data: (array length=size): text
 * @size: its length in bytes
 * @strict: whether @data must be UTF-8 without NUL bytes
 *
 * Appends @data as a JSON string, quotes included. Runs of bytes that
 * need no escape, printable ASCII and UTF-8 alike, are copied whole.
 *
 * Returns: %FALSE, with @line as it was, if @strict and @data is not
 *   UTF-8 or holds a NUL byte. Not @strict, such bytes are copied as
 *   they are (NUL as `\u0000`) and it returns %TRUE.
 */
gboolean
chorus_json_append_text (GString      *line,
                         const guint8 *data,
                         gsize         size,
                         gboolean      strict)
{
  gsize start = line->len;
  const guint8 *end;
  const guint8 *run = data;
  const guint8 *p = data;

  /* An empty payload may come without a buffer. */
  if (size == 0)
    {
      g_string_append_len (line, "\"\"", 2);
      return TRUE;
    }

  end = data + size;
  g_string_append_c (line, '"');

  while (p < end)
    {
      const char *escape = NULL;
      guint8 c;

      p += chorus_text_plain_span (p, (gsize) (end - p));
      if (p == end)
        break;

      c = *p;
      if (c >= 0x80)
        {
          gunichar u = 0;
          gsize n = utf8_sequence (p, (gsize) (end - p), &u);

          if (n == 0)
            {
              if (strict)
                {
                  g_string_truncate (line, start);
                  return FALSE;
                }
              p++;
            }
          else if (is_reordering (u))
            {
              g_string_append_len (line, (const char *) run, p - run);
              append_u_escape (line, u);
              p += n;
              run = p;
            }
          else
            p += n;
          continue;
        }

      if (c == '\0' && strict)
        {
          g_string_truncate (line, start);
          return FALSE;
        }

      g_string_append_len (line, (const char *) run, p - run);
      switch (c)
        {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        default:
          break;
        }
      if (escape != NULL)
        g_string_append_len (line, escape, 2);
      else
        append_u_escape (line, c);
      p++;
      run = p;
    }

  g_string_append_len (line, (const char *) run, p - run);
  g_string_append_c (line, '"');

  return TRUE;
}

/* @value should be valid UTF-8: JSON strings are Unicode. */
static void
append_string (GString    *line,
               const char *value)
{
  chorus_json_append_text (line, (const guint8 *) value, strlen (value), FALSE);
}

void
chorus_json_add_string (GString    *line,
                        const char *key,
                        const char *value)
{
  add_key (line, key);
  append_string (line, value);
}

/* An object nested in a line: the same calls fill it. */
GString *
chorus_json_object_begin (void)
{
  GString *object = take_line ();

  g_string_append_c (object, '{');

  return object;
}

void
chorus_json_add_object (GString    *line,
                        const char *key,
                        GString    *object)
{
  add_key (line, key);
  g_string_append_len (line, object->str, object->len);
  g_string_append_c (line, '}');
  give_back_line (object);
}

/* An array of objects, each begun with chorus_json_object_begin();
 * frees them and empties @objects. */
void
chorus_json_add_objects (GString    *line,
                         const char *key,
                         GPtrArray  *objects)
{
  add_key (line, key);
  g_string_append_c (line, '[');
  for (guint i = 0; i < objects->len; i++)
    {
      GString *object = g_ptr_array_index (objects, i);

      if (i > 0)
        g_string_append_c (line, ',');
      g_string_append_len (line, object->str, object->len);
      g_string_append_c (line, '}');
      give_back_line (object);
    }
  g_ptr_array_set_size (objects, 0);
  g_string_append_c (line, ']');
}

/* An array of strings, each valid UTF-8; NULL is an empty array. */
void
chorus_json_add_strv (GString            *line,
                      const char         *key,
                      const char * const *values)
{
  add_key (line, key);
  g_string_append_c (line, '[');
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      append_string (line, values[i]);
    }
  g_string_append_c (line, ']');
}

/* Decimal digits of @value, without printf. */
static void
append_unsigned (GString *line,
                 guint64  value)
{
  char digits[20];
  int n = 0;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);

  while (n > 0)
    g_string_append_c (line, digits[--n]);
}

void
chorus_json_add_int (GString    *line,
                     const char *key,
                     gint64      value)
{
  add_key (line, key);
  if (value < 0)
    g_string_append_c (line, '-');
  append_unsigned (line, value < 0 ? 0 - (guint64) value : (guint64) value);
}

void
chorus_json_add_bool (GString    *line,
                      const char *key,
                      gboolean    value)
{
  add_key (line, key);
  g_string_append (line, value ? "true" : "false");
}

void
chorus_json_add_null (GString    *line,
                      const char *key)
{
  add_key (line, key);
  g_string_append (line, "null");
}

/* A fraction with two decimals, whatever the locale; non-finite values
 * have no JSON form and are written as null. */
void
chorus_json_add_fixed2 (GString    *line,
                        const char *key,
                        double      value)
{
  gint64 hundredths;

  if (!isfinite (value))
    {
      chorus_json_add_null (line, key);
      return;
    }

  add_key (line, key);
  hundredths = (gint64) llround (value * 100);
  if (hundredths < 0)
    {
      g_string_append_c (line, '-');
      hundredths = -hundredths;
    }
  append_unsigned (line, (guint64) hundredths / 100);
  g_string_append_c (line, '.');
  g_string_append_c (line, (char) ('0' + hundredths % 100 / 10));
  g_string_append_c (line, (char) ('0' + hundredths % 10));
}

/* Milliseconds with microsecond precision, whatever the locale. The
 * magnitude is taken in unsigned arithmetic, where -G_MININT64 fits. */
void
chorus_json_add_ms (GString    *line,
                    const char *key,
                    gint64      usec)
{
  guint64 magnitude = usec < 0 ? 0 - (guint64) usec : (guint64) usec;

  guint thousandths;

  add_key (line, key);
  if (usec < 0)
    g_string_append_c (line, '-');
  append_unsigned (line, magnitude / 1000);
  thousandths = (guint) (magnitude % 1000);
  g_string_append_c (line, '.');
  g_string_append_c (line, (char) ('0' + thousandths / 100));
  g_string_append_c (line, (char) ('0' + thousandths / 10 % 10));
  g_string_append_c (line, (char) ('0' + thousandths % 10));
}

/* A time that may not be known (nothing heard yet): null then. */
void
chorus_json_add_optional_ms (GString    *line,
                             const char *key,
                             gboolean    known,
                             gint64      usec)
{
  if (known)
    chorus_json_add_ms (line, key, usec);
  else
    chorus_json_add_null (line, key);
}

/* "data" when the payload is text, "data_hex" always when it is not. */
void
chorus_json_add_payload (GString *line,
                         GBytes  *payload)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (payload, &size);

  chorus_json_add_payload_data (line, data, size);
}

/* The same, from @data and @size. */
void
chorus_json_add_payload_data (GString      *line,
                              const guint8 *data,
                              gsize         size)
{
  static const char digits[] = "0123456789abcdef";
  gsize mark = line->len;
  char *hex;

  add_key (line, "data");
  if (chorus_json_append_text (line, data, size, TRUE))
    return;

  /* Not text: as chorus_text_hex() writes it, straight into the line. */
  g_string_truncate (line, mark);
  add_key (line, "data_hex");
  g_string_append_c (line, '"');
  mark = line->len;
  g_string_set_size (line, mark + 2 * size);
  hex = line->str + mark;
  for (gsize i = 0; i < size; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  g_string_append_c (line, '"');
}

/* Output waits in stdout's buffer until the main loop is about to wait
 * (see chorus_cli_output_watch()), so that a burst of lines costs one
 * write, not one each, while a reader still sees every line as soon as
 * the burst is over. */
static gboolean pending;

gboolean
chorus_json_print (GString *line)
{
  g_string_append_len (line, "}\n", 2);
  fwrite (line->str, 1, line->len, stdout);
  give_back_line (line);
  pending = TRUE;

  return !ferror (stdout);
}

gboolean
chorus_cli_print (const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
  pending = TRUE;

  return !ferror (stdout);
}

/* Writes out what is waiting; FALSE (errno set) if stdout is gone. */
gboolean
chorus_cli_flush (void)
{
  pending = FALSE;
  errno = 0;

  return fflush (stdout) == 0 && !ferror (stdout);
}

typedef struct
{
  GSource source;
  int failed_errno;
} FlushSource;

static gboolean
flush_prepare (GSource *source,
               int     *timeout)
{
  FlushSource *self = (FlushSource *) source;

  *timeout = -1;
  if (self->failed_errno == 0 && pending && !chorus_cli_flush ())
    self->failed_errno = errno != 0 ? errno : EIO;

  return self->failed_errno != 0;
}

static gboolean
flush_check (GSource *source)
{
  return ((FlushSource *) source)->failed_errno != 0;
}

static gboolean
flush_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  /* The callback reads errno for the message. */
  errno = ((FlushSource *) source)->failed_errno;
  if (callback != NULL)
    callback (user_data);

  return G_SOURCE_REMOVE;
}

static GSourceFuncs flush_funcs = {
  .prepare = flush_prepare,
  .check = flush_check,
  .dispatch = flush_dispatch,
};

/**
 * chorus_cli_output_watch:
 * @on_error: called once, with errno set, if writing stdout fails
 *
 * Flushes stdout each time the main loop is about to wait: once per
 * burst of events. Returns the source's id.
 */
guint
chorus_cli_output_watch (GSourceFunc on_error,
                         gpointer    user_data)
{
  g_autoptr(GSource) source = g_source_new (&flush_funcs, sizeof (FlushSource));
  static char buffer[64 * 1024];

  /* Lines, not bytes, are the unit: a full buffer is written at once. */
  setvbuf (stdout, buffer, _IOFBF, sizeof buffer);

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, on_error, user_data, NULL);

  return g_source_attach (source, NULL);
}

/* Appends the local time of day of a wall-clock instant,
 * "HH:MM:SS.ffffff". The time zone is looked up once a second, not once
 * a line. */
void
chorus_cli_append_time (GString *line,
                        gint64   realtime_usec)
{
  static gint64 cached_second = G_MININT64;
  static char cached[16];
  gint64 second = realtime_usec / G_USEC_PER_SEC;
  guint usec = (guint) (realtime_usec % G_USEC_PER_SEC);
  char fraction[7];

  if (realtime_usec < 0)
    {
      g_string_append_c (line, '?');
      return;
    }

  if (second != cached_second)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (second);
      g_autofree char *text = NULL;

      if (time == NULL)
        {
          g_string_append_c (line, '?');
          return;
        }

      text = g_date_time_format (time, "%H:%M:%S");
      g_strlcpy (cached, text, sizeof cached);
      cached_second = second;
    }

  for (int i = 5; i >= 0; i--, usec /= 10)
    fraction[i] = (char) ('0' + usec % 10);
  fraction[6] = '\0';

  g_string_append (line, cached);
  g_string_append_c (line, '.');
  g_string_append_len (line, fraction, 6);
}

void
chorus_cli_append_number (GString *line,
                          guint64  value)
{
  append_unsigned (line, value);
}

/* Milliseconds with three decimals, as ping prints them; 0 for less. */
void
chorus_cli_append_ms (GString *line,
                      gint64   usec)
{
  append_unsigned (line, (guint64) MAX (usec, 0) / 1000);
  g_string_append_printf (line, ".%03d", (int) (MAX (usec, 0) % 1000));
}

/* Prints @line as it is, and frees it. */
gboolean
chorus_cli_print_line (GString *line)
{
  fwrite (line->str, 1, line->len, stdout);
  give_back_line (line);
  pending = TRUE;

  return !ferror (stdout);
}
