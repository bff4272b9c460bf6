/* fuzz-common.c: checks every harness shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chorus-error.h"
#include "fuzz.h"

void
fuzz_fail (const char *file,
           int         line,
           const char *function,
           const char *message)
{
  g_printerr ("%s:%d: %s: check failed: %s\n", file, line, function, message);
  abort ();
}

/* A g_return_if_fail() that trips, or any warning, is a finding too. */
static GLogWriterOutput
write_log (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();

  return output;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_writer_func (write_log, NULL, NULL);

  return 0;
}

/* @text is valid UTF-8 and shows as one line: no control, format or
 * separator characters. */
void
fuzz_check_line (const char *text)
{
  fuzz_check (text != NULL);
  fuzz_check (g_utf8_validate (text, -1, NULL));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_CONTROL:
        case G_UNICODE_FORMAT:
        case G_UNICODE_LINE_SEPARATOR:
        case G_UNICODE_PARAGRAPH_SEPARATOR:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_UNASSIGNED:
        case G_UNICODE_PRIVATE_USE:
          g_printerr ("U+%04X in a line meant to be shown: %s\n", c, text);
          fuzz_fail (__FILE__, __LINE__, G_STRFUNC, "a visible line");
        default:
          break;
        }
    }
}

/* What an error message quotes between “ and ”, cut short or not, is
 * whole escapes: every backslash starts one that is all there. */
static void
check_quoted (const char *message)
{
  const char *start = strstr (message, "“");
  const char *end = g_strrstr (message, "”");

  if (start == NULL || end == NULL || end < start)
    return;

  for (const char *p = start + strlen ("“"); p < end; p++)
    {
      if (*p != '\\')
        continue;

      p++;
      fuzz_check (p < end);
      if (*p == 'x')
        {
          fuzz_check (p + 2 < end && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]));
          p += 2;
        }
      else if (*p == 'u')
        {
          fuzz_check (p + 1 < end && p[1] == '{');
          for (p += 2; p < end && g_ascii_isxdigit (*p); p++)
            ;
          fuzz_check (p < end && *p == '}');
        }
      else
        fuzz_check (strchr ("\\\"nrt", *p) != NULL);
    }
}

/* A validation error a person may read: ours, one line, and short
 * whatever was typed (the input is quoted 40 characters at most). */
void
fuzz_check_error (const GError *error)
{
  fuzz_check (error != NULL);
  fuzz_check (error->domain == CHORUS_ERROR);
  fuzz_check_line (error->message);
  fuzz_check (g_utf8_strlen (error->message, -1) < 200);
  check_quoted (error->message);
}
