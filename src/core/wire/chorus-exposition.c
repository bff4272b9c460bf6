/* chorus-exposition.c: the Prometheus text format (version 0.0.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "chorus-exposition.h"

const double chorus_exposition_rtt_bounds[CHORUS_EXPOSITION_RTT_BUCKETS] = {
  0.00005, 0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256,
  0.0512, 0.1024, 0.2048, 0.4096, 0.8192, 1.6384, 3.2768, 6.5536, 13.1072, 26.2144,
};

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
gboolean
chorus_exposition_name_is_valid (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (name[0] == '\0' || g_ascii_isdigit (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != ':')
      return FALSE;

  return TRUE;
}

/* [a-zA-Z_][a-zA-Z0-9_]*, and never the reserved __ prefix. */
gboolean
chorus_exposition_label_is_valid (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (name[0] == '\0' || g_ascii_isdigit (name[0]) || g_str_has_prefix (name, "__"))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

/* Backslash, double quote and line feed are escaped; the rest is UTF-8
 * as it is. Bytes that are not valid UTF-8 (a forged responder name)
 * become U+FFFD, as the format requires UTF-8. */
void
chorus_exposition_append_label_value (GString    *out,
                                      const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);

  for (const char *p = valid; *p != '\0'; p++)
    {
      switch (*p)
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
        default:
          g_string_append_c (out, *p);
        }
    }
}

/* HELP text escapes backslash and line feed only. */
static void
append_help (GString    *out,
             const char *help)
{
  for (const char *p = help; *p != '\0'; p++)
    {
      if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

/* As Go's strconv 'g' with the shortest precision that reads back the
 * same, which is what Prometheus's own clients write. */
void
chorus_exposition_append_value (GString *out,
                                double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    {
      g_string_append (out, "NaN");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "+Inf" : "-Inf");
      return;
    }
  if (value == floor (value) && fabs (value) < 1e15)
    {
      g_string_append_printf (out, "%.0f", value == 0 ? 0.0 : value);
      return;
    }

  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      /* The C locale's decimal point, whatever LC_NUMERIC says. */
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

static const char *
type_name (ChorusMetricType type)
{
  switch (type)
    {
    case CHORUS_METRIC_COUNTER:
      return "counter";
    case CHORUS_METRIC_GAUGE:
      return "gauge";
    case CHORUS_METRIC_HISTOGRAM:
    default:
      return "histogram";
    }
}

void
chorus_exposition_family (GString          *out,
                          const char       *name,
                          ChorusMetricType  type,
                          const char       *help)
{
  g_return_if_fail (chorus_exposition_name_is_valid (name));

  g_string_append_printf (out, "# HELP %s ", name);
  append_help (out, help);
  g_string_append_printf (out, "\n# TYPE %s %s\n", name, type_name (type));
}

static void
append_labels (GString     *out,
               const char **labels,
               const char  *extra_name,
               const char  *extra_value)
{
  gboolean any = FALSE;

  for (guint i = 0; labels != NULL && labels[i] != NULL; i += 2)
    {
      g_return_if_fail (chorus_exposition_label_is_valid (labels[i]));

      g_string_append_c (out, any ? ',' : '{');
      g_string_append (out, labels[i]);
      g_string_append (out, "=\"");
      chorus_exposition_append_label_value (out, labels[i + 1] != NULL ? labels[i + 1] : "");
      g_string_append_c (out, '"');
      any = TRUE;
    }
  if (extra_name != NULL)
    {
      g_string_append_c (out, any ? ',' : '{');
      g_string_append_printf (out, "%s=\"%s\"", extra_name, extra_value);
      any = TRUE;
    }
  if (any)
    g_string_append_c (out, '}');
}

void
chorus_exposition_sample (GString     *out,
                          const char  *name,
                          const char **labels,
                          double       value)
{
  g_string_append (out, name);
  append_labels (out, labels, NULL, NULL);
  g_string_append_c (out, ' ');
  chorus_exposition_append_value (out, value);
  g_string_append_c (out, '\n');
}

void
chorus_exposition_histogram (GString        *out,
                             const char     *name,
                             const char    **labels,
                             const double   *bounds,
                             const guint64  *counts,
                             guint           n_bounds,
                             double          sum,
                             guint64         count)
{
  guint64 cumulative = 0;
  GString *le = g_string_new (NULL);

  for (guint i = 0; i < n_bounds; i++)
    {
      cumulative += counts[i];
      g_string_truncate (le, 0);
      chorus_exposition_append_value (le, bounds[i]);
      g_string_append_printf (out, "%s_bucket", name);
      append_labels (out, labels, "le", le->str);
      g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", cumulative);
    }
  g_string_append_printf (out, "%s_bucket", name);
  append_labels (out, labels, "le", "+Inf");
  g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", count);

  g_string_append_printf (out, "%s_sum", name);
  append_labels (out, labels, NULL, NULL);
  g_string_append_c (out, ' ');
  chorus_exposition_append_value (out, sum);
  g_string_append_printf (out, "\n%s_count", name);
  append_labels (out, labels, NULL, NULL);
  g_string_append_printf (out, " %" G_GUINT64_FORMAT "\n", count);

  g_string_free (le, TRUE);
}
