/* chorus-export.c: responders and answers as CSV or JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row (CSV) or object (JSON) per item, with the same names for the
 * columns and the keys. A value that is not known yet (a round trip
 * before the first answer, hops -1, a TTL of -1) is an empty field in CSV
 * and null in JSON, never a 0 that would read as a measurement. Numbers
 * always use '.' as the decimal point, whatever the locale: milliseconds
 * with 3 decimals, percentages with 2.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-ack.h"
#include "chorus-export.h"
#include "chorus-responder.h"

static const char *const responder_keys[] = {
  "address",
  "name",
  "tagged",
  "sent",
  "received",
  "lost",
  "loss_pct",
  "loss_since_first_pct",
  "duplicates",
  "reordered",
  "late",
  "rtt_min_ms",
  "rtt_avg_ms",
  "rtt_max_ms",
  "rtt_mdev_ms",
  "jitter_ms",
  "hops",
  "hops_estimated",
  "first_seq",
  "join_ms",
  "silent",
};

static const char *const ack_keys[] = {
  "from",
  "port",
  "seq",
  "tagged",
  "verdict",
  "rtt_ms",
  "hops",
  "hops_estimated",
  "delay_ms",
  "name",
  "ttl",
  "text",
};

/* Fields are added in the order of @keys: the header (CSV) and the keys
 * (JSON) come from that one list, so they cannot drift apart. */
typedef struct
{
  ChorusExportFormat  format;
  const char *const  *keys;
  guint               n_keys;
  GString            *out;
  guint               n_records;
  guint               n_fields;
} Writer;

static void
writer_begin (Writer             *writer,
              ChorusExportFormat  format,
              const char *const  *keys,
              guint               n_keys)
{
  writer->format = format;
  writer->keys = keys;
  writer->n_keys = n_keys;
  writer->out = g_string_new (NULL);
  writer->n_records = 0;
  writer->n_fields = 0;

  if (format == CHORUS_EXPORT_JSON)
    {
      g_string_append_c (writer->out, '[');
      return;
    }

  for (guint i = 0; i < n_keys; i++)
    {
      if (i > 0)
        g_string_append_c (writer->out, ',');
      g_string_append (writer->out, keys[i]);
    }
  g_string_append (writer->out, "\r\n");
}

static GBytes *
writer_finish (Writer *writer)
{
  if (writer->format == CHORUS_EXPORT_JSON)
    g_string_append (writer->out, writer->n_records > 0 ? "\n]\n" : "]\n");

  return g_string_free_to_bytes (g_steal_pointer (&writer->out));
}

static void
writer_clear (Writer *writer)
{
  if (writer->out != NULL)
    g_string_free (g_steal_pointer (&writer->out), TRUE);
}

static void
writer_begin_record (Writer *writer)
{
  writer->n_fields = 0;

  if (writer->format == CHORUS_EXPORT_JSON)
    g_string_append (writer->out, writer->n_records > 0 ? ",\n  {" : "\n  {");
}

static void
writer_end_record (Writer *writer)
{
  g_assert (writer->n_fields == writer->n_keys);

  if (writer->format == CHORUS_EXPORT_JSON)
    g_string_append_c (writer->out, '}');
  else
    g_string_append (writer->out, "\r\n");

  writer->n_records++;
}

/* The separator before the next field, and its key in JSON. */
static void
writer_next_field (Writer *writer)
{
  g_assert (writer->n_fields < writer->n_keys);

  if (writer->n_fields > 0)
    g_string_append_c (writer->out, ',');

  if (writer->format == CHORUS_EXPORT_JSON)
    {
      g_string_append_c (writer->out, '"');
      g_string_append (writer->out, writer->keys[writer->n_fields]);
      g_string_append (writer->out, "\":");
    }

  writer->n_fields++;
}

static void
writer_add_null (Writer *writer)
{
  writer_next_field (writer);

  if (writer->format == CHORUS_EXPORT_JSON)
    g_string_append (writer->out, "null");
}

static void
writer_add_bool (Writer   *writer,
                 gboolean  value)
{
  writer_next_field (writer);
  g_string_append (writer->out, value ? "true" : "false");
}

/* Integer conversions do not depend on the locale (no grouping without
 * the ' flag), unlike the decimal point. */
static void
writer_add_uint (Writer  *writer,
                 guint64  value)
{
  writer_next_field (writer);
  g_string_append_printf (writer->out, "%" G_GUINT64_FORMAT, value);
}

static void
writer_add_int (Writer *writer,
                gint64  value)
{
  writer_next_field (writer);
  g_string_append_printf (writer->out, "%" G_GINT64_FORMAT, value);
}

/* @format is "%.3f" or "%.2f"; JSON has no NaN or infinity. */
static void
writer_add_decimal (Writer     *writer,
                    const char *format,
                    double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      writer_add_null (writer);
      return;
    }

  writer_next_field (writer);
  g_string_append (writer->out, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

static void
writer_add_ms (Writer *writer,
               double  value)
{
  writer_add_decimal (writer, "%.3f", value);
}

static void
writer_add_pct (Writer *writer,
                double  value)
{
  writer_add_decimal (writer, "%.2f", value);
}

/* RFC 4180: a field holding a comma, a quote or a line break is quoted,
 * its quotes doubled.
 *
 * Spreadsheets run a cell that starts with = + - or @ as a formula (and
 * some skip a leading tab or carriage return first), so a responder could
 * name itself "=HYPERLINK(...)" and have it run on the desk of whoever
 * opens the export. Text fields that start so get a leading apostrophe,
 * which spreadsheets take as "this is text" and do not show. */
static void
csv_append_text (GString    *out,
                 const char *value)
{
  gboolean quote = value[strcspn (value, ",\"\r\n")] != '\0';
  gboolean guard = value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL;

  if (quote)
    g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }

  if (quote)
    g_string_append_c (out, '"');
}

/* JSON strings are Unicode: @value is UTF-8 (the texts exported are
 * escaped already, see chorus_text_escape()); anything else is repaired
 * rather than written out invalid. */
static void
json_append_string (GString    *out,
                    const char *value)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  g_string_append_c (out, '"');

  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }

  g_string_append_c (out, '"');
}

/* @value: (nullable): %NULL for unknown */
static void
writer_add_text (Writer     *writer,
                 const char *value)
{
  if (value == NULL)
    {
      writer_add_null (writer);
      return;
    }

  writer_next_field (writer);

  if (writer->format == CHORUS_EXPORT_JSON)
    json_append_string (writer->out, value);
  else
    csv_append_text (writer->out, value);
}

static void
add_responder (Writer          *writer,
               ChorusResponder *responder)
{
  const ChorusResponderStats *stats = chorus_responder_get_stats (responder);
  gboolean has_rtt = stats->rtt_count > 0;

  writer_begin_record (writer);

  writer_add_text (writer, chorus_responder_get_address (responder));
  writer_add_text (writer, chorus_responder_get_name (responder));
  writer_add_bool (writer, chorus_responder_get_tagged (responder));
  writer_add_uint (writer, stats->sent);
  writer_add_uint (writer, stats->received);
  writer_add_uint (writer, stats->lost);

  if (stats->sent > 0)
    writer_add_pct (writer, chorus_responder_get_loss (responder));
  else
    writer_add_null (writer);

  if (stats->sent_since_first > 0)
    writer_add_pct (writer, chorus_responder_stats_get_loss_since_first (stats));
  else
    writer_add_null (writer);

  writer_add_uint (writer, stats->duplicates);
  writer_add_uint (writer, stats->reordered);
  writer_add_uint (writer, stats->late);

  if (has_rtt)
    {
      writer_add_ms (writer, chorus_responder_get_rtt_min_ms (responder));
      writer_add_ms (writer, chorus_responder_get_rtt_avg_ms (responder));
      writer_add_ms (writer, chorus_responder_get_rtt_max_ms (responder));
      writer_add_ms (writer, chorus_responder_get_rtt_mdev_ms (responder));
      writer_add_ms (writer, chorus_responder_get_jitter_ms (responder));
    }
  else
    {
      for (guint i = 0; i < 5; i++)
        writer_add_null (writer);
    }

  if (stats->hops >= 0)
    writer_add_int (writer, stats->hops);
  else
    writer_add_null (writer);
  writer_add_bool (writer, stats->hops_estimated);

  if (stats->first_seq > 0)
    writer_add_uint (writer, stats->first_seq);
  else
    writer_add_null (writer);

  if (stats->join_usec >= 0)
    writer_add_ms (writer, chorus_responder_get_join_ms (responder));
  else
    writer_add_null (writer);

  writer_add_bool (writer, chorus_responder_get_silent (responder));

  writer_end_record (writer);
}

static void
add_ack (Writer    *writer,
         ChorusAck *ack)
{
  int hops = chorus_ack_get_hops (ack);
  gint64 hold_usec = chorus_ack_get_hold_usec (ack);
  int ttl = chorus_ack_get_ttl (ack);

  writer_begin_record (writer);

  writer_add_text (writer, chorus_ack_get_address (ack));
  writer_add_uint (writer, chorus_ack_get_port (ack));
  writer_add_uint (writer, chorus_ack_get_probe (ack));
  writer_add_bool (writer, chorus_ack_get_tagged (ack));
  writer_add_text (writer, chorus_answer_verdict_to_string (chorus_ack_get_verdict (ack)));
  writer_add_ms (writer, chorus_ack_get_rtt_ms (ack));

  if (hops >= 0)
    writer_add_int (writer, hops);
  else
    writer_add_null (writer);
  writer_add_bool (writer, chorus_ack_get_hops_estimated (ack));

  /* Only Chorus answers say how long they were held. */
  if (chorus_ack_get_tagged (ack) && hold_usec >= 0)
    writer_add_ms (writer, hold_usec / 1000.0);
  else
    writer_add_null (writer);

  writer_add_text (writer, chorus_ack_get_name (ack));

  if (ttl >= 0)
    writer_add_int (writer, ttl);
  else
    writer_add_null (writer);

  writer_add_text (writer, chorus_ack_get_text (ack));

  writer_end_record (writer);
}

/**
 * chorus_export_responders:
 * @responders: a #GListModel of #ChorusResponder
 * @format: CSV or JSON
 *
 * Writes one row or object per responder, in the model's order, with the
 * columns address, name, tagged, sent, received, lost, loss_pct,
 * loss_since_first_pct, duplicates, reordered, late, rtt_min_ms,
 * rtt_avg_ms, rtt_max_ms, rtt_mdev_ms, jitter_ms, hops, hops_estimated,
 * first_seq, join_ms and silent.
 *
 * Returns: (transfer full): the text, UTF-8
 */
GBytes *
chorus_export_responders (GListModel         *responders,
                          ChorusExportFormat  format)
{
  Writer writer;
  guint n_items;

  g_return_val_if_fail (G_IS_LIST_MODEL (responders), NULL);
  g_return_val_if_fail (format == CHORUS_EXPORT_CSV || format == CHORUS_EXPORT_JSON, NULL);

  writer_begin (&writer, format, responder_keys, G_N_ELEMENTS (responder_keys));

  n_items = g_list_model_get_n_items (responders);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (responders, i);

      if (!CHORUS_IS_RESPONDER (item))
        {
          g_critical ("%s: item %u is not a ChorusResponder", G_STRFUNC, i);
          writer_clear (&writer);
          return NULL;
        }

      add_responder (&writer, CHORUS_RESPONDER (item));
    }

  return writer_finish (&writer);
}

/**
 * chorus_export_acks:
 * @acks: a #GListModel of #ChorusAck
 * @format: CSV or JSON
 *
 * Writes one row or object per answer, in the model's order, with the
 * columns from, port, seq, tagged, verdict, rtt_ms, hops, hops_estimated,
 * delay_ms (how long a Chorus responder held the answer), name, ttl and
 * text (the payload escaped as by chorus_ack_get_text()).
 *
 * Returns: (transfer full): the text, UTF-8
 */
GBytes *
chorus_export_acks (GListModel         *acks,
                    ChorusExportFormat  format)
{
  Writer writer;
  guint n_items;

  g_return_val_if_fail (G_IS_LIST_MODEL (acks), NULL);
  g_return_val_if_fail (format == CHORUS_EXPORT_CSV || format == CHORUS_EXPORT_JSON, NULL);

  writer_begin (&writer, format, ack_keys, G_N_ELEMENTS (ack_keys));

  n_items = g_list_model_get_n_items (acks);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (acks, i);

      if (!CHORUS_IS_ACK (item))
        {
          g_critical ("%s: item %u is not a ChorusAck", G_STRFUNC, i);
          writer_clear (&writer);
          return NULL;
        }

      add_ack (&writer, CHORUS_ACK (item));
    }

  return writer_finish (&writer);
}
