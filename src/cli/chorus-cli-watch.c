/* chorus-cli-watch.c: chorus-cli watch, join groups and measure the
 * streams that arrive: RTP, MPEG-TS, Chorus probes, any UDP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-options.h"
#include "chorus-cli-output.h"
#include "chorus-cli-run.h"
#include "chorus-error.h"
#include "chorus-sap-listener.h"
#include "chorus-sdp.h"
#include "chorus-watch.h"

typedef struct
{
  ChorusCliRun run;           /* first: the report function gets it */
  ChorusWatch *watch;
  ChorusSapListener *sap;
  GHashTable *announced;      /* ChorusFlow whose "flow" line is out */
  guint duration_id;
  guint64 sap_targets_refused;
} WatchCli;

static void
watch_cli_clear (WatchCli *cli)
{
  chorus_cli_run_clear (&cli->run);
  g_clear_handle_id (&cli->duration_id, g_source_remove);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WatchCli, watch_cli_clear)

static const char *
kind_name (ChorusFlow *flow)
{
  return chorus_flow_kind_to_string (chorus_flow_get_kind (flow));
}

/* What the flow lost, in %: RTP's sequence numbers, or else the TS
 * packets its continuity counters say are missing; -1 when it cannot
 * tell. */
static double
flow_loss_pct (ChorusFlow *flow)
{
  const ChorusRtpStats *rtp = chorus_flow_get_rtp_stats (flow);
  const ChorusTsStats *ts = chorus_flow_get_ts_stats (flow);

  if (rtp != NULL)
    return chorus_rtp_stats_get_loss_pct (rtp);
  if (ts != NULL && ts->ts_packets + ts->ts_missing > 0)
    return (double) ts->ts_missing * 100.0 / (double) (ts->ts_packets + ts->ts_missing);

  return -1;
}

static void
add_optional_int (GString    *line,
                  const char *key,
                  gint64      value)
{
  if (value >= 0)
    chorus_json_add_int (line, key, value);
  else
    chorus_json_add_null (line, key);
}

static void
add_optional_fixed2 (GString    *line,
                     const char *key,
                     double      value)
{
  if (value >= 0)
    chorus_json_add_fixed2 (line, key, value);
  else
    chorus_json_add_null (line, key);
}

static void
add_flow_identity (GString    *line,
                   ChorusFlow *flow)
{
  const ChorusRtpStats *rtp = chorus_flow_get_rtp_stats (flow);

  chorus_json_add_string (line, "group", chorus_flow_get_group (flow));
  chorus_json_add_int (line, "port", chorus_flow_get_port (flow));
  chorus_json_add_string (line, "source", chorus_flow_get_source (flow));
  chorus_json_add_int (line, "source_port", chorus_flow_get_source_port (flow));
  chorus_json_add_string (line, "kind", kind_name (flow));
  if (rtp != NULL)
    {
      chorus_json_add_int (line, "ssrc", rtp->ssrc);
      add_optional_int (line, "payload_type", rtp->payload_type);
      chorus_json_add_int (line, "clock_rate", rtp->clock_rate);
    }
}

static void
add_ts_stats (GString             *line,
              const ChorusTsStats *ts)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();

  chorus_json_add_int (line, "ts_packets", (gint64) ts->ts_packets);
  chorus_json_add_int (line, "sync_errors", (gint64) ts->sync_errors);
  for (guint pid = 0; pid < CHORUS_TS_N_PIDS; pid++)
    {
      const ChorusTsPidStats *stats = chorus_ts_stats_get_pid (ts, pid);
      GString *object;

      if (stats == NULL)
        continue;
      object = chorus_json_object_begin ();
      chorus_json_add_int (object, "pid", pid);
      chorus_json_add_int (object, "packets", (gint64) stats->packets);
      chorus_json_add_int (object, "cc_errors", (gint64) stats->cc_errors);
      chorus_json_add_int (object, "missing", (gint64) stats->missing);
      chorus_json_add_bool (object, "pcr", stats->pcr);
      g_ptr_array_add (objects, object);
    }
  chorus_json_add_objects (line, "pids", objects);
  chorus_json_add_int (line, "cc_errors", (gint64) ts->cc_errors);
  chorus_json_add_int (line, "ts_missing", (gint64) ts->ts_missing);
  chorus_json_add_int (line, "pcr_repetition_errors", (gint64) ts->pcr_repetition_errors);
  chorus_json_add_int (line, "pcr_discontinuities", (gint64) ts->pcr_discontinuities);
  chorus_json_add_int (line, "crc_errors", (gint64) ts->crc_errors);
  chorus_json_add_int (line, "transport_errors", (gint64) ts->transport_errors);
  chorus_json_add_int (line, "malformed_ts", (gint64) ts->malformed);
  for (guint i = 0; i < ts->n_programs; i++)
    {
      const ChorusTsProgram *program = &ts->programs[i];
      g_autoptr(GPtrArray) streams = g_ptr_array_new ();
      GString *object = chorus_json_object_begin ();

      chorus_json_add_int (object, "program", program->program_number);
      chorus_json_add_int (object, "pmt_pid", program->pmt_pid);
      if (program->have_pmt)
        chorus_json_add_int (object, "pcr_pid", program->pcr_pid);
      else
        chorus_json_add_null (object, "pcr_pid");
      for (guint j = 0; j < program->n_streams; j++)
        {
          GString *stream = chorus_json_object_begin ();

          chorus_json_add_int (stream, "stream_type", program->streams[j].stream_type);
          chorus_json_add_int (stream, "pid", program->streams[j].pid);
          g_ptr_array_add (streams, stream);
        }
      chorus_json_add_objects (object, "streams", streams);
      g_ptr_array_add (objects, object);
    }
  chorus_json_add_objects (line, "programs", objects);
  add_optional_fixed2 (line, "mdi_df_ms", ts->mdi_df_ms);
  add_optional_int (line, "mdi_mlr", ts->mdi_mlr);
}

/* A "stats" line: everything the flow's models give. */
static GString *
flow_stats_line (ChorusFlow *flow,
                 gint64      now,
                 gboolean    final)
{
  const ChorusFlowStats *stats = chorus_flow_get_stats (flow);
  const ChorusRtpStats *rtp = chorus_flow_get_rtp_stats (flow);
  const ChorusTsStats *ts = chorus_flow_get_ts_stats (flow);
  GString *line = chorus_json_begin ("stats");

  add_flow_identity (line, flow);
  chorus_json_add_int (line, "packets", (gint64) stats->packets);
  chorus_json_add_int (line, "bytes", (gint64) stats->bytes);
  chorus_json_add_fixed2 (line, "rate_pps", chorus_flow_stats_get_rate_pps (stats, now));
  chorus_json_add_fixed2 (line, "bitrate_bps", chorus_flow_stats_get_bitrate_bps (stats, now));
  chorus_json_add_fixed2 (line, "avg_bitrate_bps", chorus_flow_stats_get_avg_bitrate_bps (stats));
  chorus_json_add_fixed2 (line, "iat_min_ms", chorus_flow_stats_get_iat_min_ms (stats));
  chorus_json_add_fixed2 (line, "iat_avg_ms", chorus_flow_stats_get_iat_avg_ms (stats));
  chorus_json_add_fixed2 (line, "iat_max_ms", chorus_flow_stats_get_iat_max_ms (stats));
  chorus_json_add_fixed2 (line, "iat_p99_ms", chorus_flow_stats_get_iat_p99_ms (stats));
  chorus_json_add_int (line, "max_burst", (gint64) stats->max_burst);
  chorus_json_add_fixed2 (line, "longest_gap_ms",
                          chorus_flow_stats_get_longest_gap_ms (stats, now));
  add_optional_int (line, "ttl", stats->ttl);
  add_optional_int (line, "dscp", stats->dscp);
  if (rtp != NULL)
    {
      chorus_json_add_int (line, "expected", (gint64) rtp->expected);
      chorus_json_add_int (line, "received", (gint64) rtp->received);
      chorus_json_add_int (line, "lost", (gint64) rtp->lost);
      chorus_json_add_fixed2 (line, "loss_pct", chorus_rtp_stats_get_loss_pct (rtp));
      chorus_json_add_int (line, "duplicates", (gint64) rtp->duplicates);
      chorus_json_add_int (line, "reordered", (gint64) rtp->reordered);
      add_optional_fixed2 (line, "jitter_ms", chorus_rtp_stats_get_jitter_ms (rtp));
      chorus_json_add_int (line, "seq_restarts", (gint64) rtp->seq_restarts);
      chorus_json_add_int (line, "malformed", (gint64) chorus_flow_get_n_malformed (flow));
    }
  if (ts != NULL)
    add_ts_stats (line, ts);
  add_optional_int (line, "host_dropped", chorus_flow_get_host_dropped (flow));
  if (final)
    chorus_json_add_bool (line, "final", TRUE);

  return line;
}

static gboolean
announce_flow (WatchCli   *cli,
               ChorusFlow *flow)
{
  const ChorusRtpStats *rtp;

  if (!g_hash_table_add (cli->announced, flow))
    return TRUE;

  if (cli->run.json)
    {
      GString *line = chorus_json_begin ("flow");

      add_flow_identity (line, flow);
      return chorus_json_print (line);
    }

  rtp = chorus_flow_get_rtp_stats (flow);
  if (rtp != NULL)
    return chorus_cli_print ("new flow %s:%u → %s:%u: %s, ssrc 0x%08x, payload type %d, %u Hz\n",
                             chorus_flow_get_source (flow), chorus_flow_get_source_port (flow),
                             chorus_flow_get_group (flow), chorus_flow_get_port (flow),
                             kind_name (flow), rtp->ssrc, rtp->payload_type, rtp->clock_rate);
  return chorus_cli_print ("new flow %s:%u → %s:%u: %s\n", chorus_flow_get_source (flow),
                           chorus_flow_get_source_port (flow), chorus_flow_get_group (flow),
                           chorus_flow_get_port (flow), kind_name (flow));
}

static void
on_flow_kind (ChorusFlow *flow,
              GParamSpec *pspec,
              WatchCli   *cli)
{
  g_signal_handlers_disconnect_by_func (flow, on_flow_kind, cli);
  if (!announce_flow (cli, flow))
    chorus_cli_run_output_failed (&cli->run);
}

static void
on_flow_added (ChorusWatch *watch,
               ChorusFlow  *flow,
               WatchCli    *cli)
{
  if (cli->run.write_errno != 0)
    return;

  if (chorus_flow_get_kind (flow) == CHORUS_FLOW_KIND_AUTO)
    {
      g_signal_connect (flow, "notify::kind", G_CALLBACK (on_flow_kind), cli);
      return;
    }

  if (!announce_flow (cli, flow))
    chorus_cli_run_output_failed (&cli->run);
}

static void
append_column (GString    *line,
               const char *text,
               int         width)
{
  gsize start = line->len;

  g_string_append (line, text);
  while ((int) (line->len - start) < width)
    g_string_append_c (line, ' ');
  g_string_append_c (line, ' ');
}

static gboolean
print_table (WatchCli *cli,
             gint64    now)
{
  GListModel *flows = chorus_watch_get_flows (cli->watch);
  GString *table = g_string_new (NULL);
  gboolean printed;

  append_column (table, "SOURCE", 21);
  append_column (table, "GROUP", 21);
  append_column (table, "KIND", 6);
  append_column (table, "PACKETS", 9);
  append_column (table, "PPS", 8);
  append_column (table, "KBIT/S", 9);
  append_column (table, "LOST", 7);
  append_column (table, "LOSS%", 6);
  append_column (table, "JITTER", 7);
  append_column (table, "IATP99", 7);
  g_string_append (table, "CC");
  g_string_append_c (table, '\n');

  for (guint i = 0, n = g_list_model_get_n_items (flows); i < n; i++)
    {
      g_autoptr(ChorusFlow) flow = g_list_model_get_item (flows, i);
      const ChorusFlowStats *stats = chorus_flow_get_stats (flow);
      const ChorusRtpStats *rtp = chorus_flow_get_rtp_stats (flow);
      const ChorusTsStats *ts = chorus_flow_get_ts_stats (flow);
      double loss = flow_loss_pct (flow);
      char cell[64];

      g_snprintf (cell, sizeof cell, "%s:%u", chorus_flow_get_source (flow),
                  chorus_flow_get_source_port (flow));
      append_column (table, cell, 21);
      g_snprintf (cell, sizeof cell, "%s:%u", chorus_flow_get_group (flow),
                  chorus_flow_get_port (flow));
      append_column (table, cell, 21);
      append_column (table, kind_name (flow), 6);
      g_snprintf (cell, sizeof cell, "%" G_GUINT64_FORMAT, stats->packets);
      append_column (table, cell, 9);
      g_snprintf (cell, sizeof cell, "%.1f", chorus_flow_stats_get_rate_pps (stats, now));
      append_column (table, cell, 8);
      g_snprintf (cell, sizeof cell, "%.1f",
                  chorus_flow_stats_get_bitrate_bps (stats, now) / 1000.0);
      append_column (table, cell, 9);
      if (rtp != NULL)
        g_snprintf (cell, sizeof cell, "%" G_GUINT64_FORMAT, rtp->lost);
      else if (ts != NULL)
        g_snprintf (cell, sizeof cell, "%" G_GUINT64_FORMAT, ts->ts_missing);
      else
        g_strlcpy (cell, "-", sizeof cell);
      append_column (table, cell, 7);
      if (loss >= 0)
        g_snprintf (cell, sizeof cell, "%.2f", loss);
      else
        g_strlcpy (cell, "-", sizeof cell);
      append_column (table, cell, 6);
      if (rtp != NULL && chorus_rtp_stats_get_jitter_ms (rtp) >= 0)
        g_snprintf (cell, sizeof cell, "%.2f", chorus_rtp_stats_get_jitter_ms (rtp));
      else
        g_strlcpy (cell, "-", sizeof cell);
      append_column (table, cell, 7);
      g_snprintf (cell, sizeof cell, "%.2f", chorus_flow_stats_get_iat_p99_ms (stats));
      append_column (table, cell, 7);
      if (ts != NULL)
        g_snprintf (cell, sizeof cell, "%" G_GUINT64_FORMAT, ts->cc_errors);
      else
        g_strlcpy (cell, "-", sizeof cell);
      g_string_append (table, cell);
      g_string_append_c (table, '\n');
    }

  printed = chorus_cli_print ("%s", table->str);
  g_string_free (table, TRUE);

  return printed;
}

static gboolean
print_report (WatchCli *cli,
              gboolean  final)
{
  GListModel *flows = chorus_watch_get_flows (cli->watch);
  gint64 now = g_get_real_time ();
  guint n = g_list_model_get_n_items (flows);

  /* Flows still undecided are reported as they stand. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusFlow) flow = g_list_model_get_item (flows, i);

      if (!announce_flow (cli, flow))
        return FALSE;
    }

  if (!cli->run.json)
    return n == 0 || print_table (cli, now);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusFlow) flow = g_list_model_get_item (flows, i);

      if (!chorus_json_print (flow_stats_line (flow, now, final)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
on_report (gpointer      service,
           ChorusCliRun *run)
{
  return print_report ((WatchCli *) run, FALSE);
}

static void
on_running_changed (ChorusWatch *watch,
                    GParamSpec  *pspec,
                    WatchCli    *cli)
{
  if (!chorus_watch_get_running (watch))
    chorus_cli_run_finish (&cli->run);
}

static gboolean
on_duration_over (gpointer user_data)
{
  WatchCli *cli = user_data;

  cli->duration_id = 0;
  chorus_watch_stop (cli->watch);

  return G_SOURCE_REMOVE;
}

static void
stop_all (gpointer service)
{
  WatchCli *cli = service;

  if (cli->sap != NULL)
    chorus_sap_listener_stop (cli->sap);
  chorus_watch_stop (cli->watch);
}

/* Every session SAP announces, as it appears. */
static void
on_sap_session (ChorusSapListener *listener,
                ChorusSapSession  *session,
                const char        *state,
                WatchCli          *cli)
{
  const ChorusSdp *sdp = chorus_sap_session_get_sdp (session);

  if (sdp == NULL || (!g_str_equal (state, "new") && !g_str_equal (state, "updated")))
    return;

  for (guint i = 0; i < sdp->targets->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!chorus_watch_add_target (cli->watch, g_ptr_array_index (sdp->targets, i), &error))
        {
          cli->sap_targets_refused++;
          if (cli->run.json)
            {
              GString *line = chorus_json_begin ("warning");

              chorus_json_add_string (line, "message", error->message);
              if (!chorus_json_print (line))
                chorus_cli_run_output_failed (&cli->run);
            }
          else
            g_printerr ("warning: %s\n", error->message);
        }
    }
}

static gboolean
read_sdp (const char  *path,
          char       **text,
          gsize       *size,
          GError     **error)
{
  if (g_str_equal (path, "-"))
    {
      GString *read_text = g_string_new (NULL);
      char buffer[4096];

      for (;;)
        {
          ssize_t n = read (STDIN_FILENO, buffer, sizeof buffer);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "Could not read the SDP from standard input: %s", g_strerror (errno));
              g_string_free (read_text, TRUE);
              return FALSE;
            }
          if (n == 0)
            break;
          g_string_append_len (read_text, buffer, n);
          if (read_text->len > CHORUS_SDP_MAX_SIZE)
            break;
        }
      *size = read_text->len;
      *text = g_string_free (read_text, FALSE);
      return TRUE;
    }

  if (!g_file_get_contents (path, text, size, error))
    {
      (*error)->domain = CHORUS_ERROR;
      (*error)->code = CHORUS_ERROR_INVALID_VALUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_sources (const char  *list,
               GError     **error)
{
  g_auto(GStrv) words = g_strsplit_set (list, ", \t", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (words[i][0] == '\0')
        continue;
      address = g_inet_address_new_from_string (words[i]);
      if (address == NULL)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "“%s” is not a source address", words[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
is_invalid_input (const GError *error)
{
  return error->domain == CHORUS_ERROR
         && (error->code == CHORUS_ERROR_INVALID_GROUP || error->code == CHORUS_ERROR_INVALID_VALUE
             || error->code == CHORUS_ERROR_INVALID_INTERFACE
             || error->code == CHORUS_ERROR_INVALID_PORT
             || error->code == CHORUS_ERROR_UNSUPPORTED);
}

static const ChorusCliCommand watch_command = {
  .name = "watch",
  .parameter_string = "[GROUP[:PORT]…] — measure the streams on groups: RTP, MPEG-TS, any UDP",
  .description =
    "A flow is what one source address and port send to one group and port; a new RTP\n"
    "SSRC from the same source is a new flow. Nothing is answered.\n"
    "\n"
    "Exit status: 0; 1 if --expect or --max-loss is not met, or the network failed;\n"
    "2 for invalid input (nothing is joined).",
  .role = CHORUS_CLI_JOINS,
  .timing = CHORUS_CLI_TIMING_STREAM,
  .reports_on = "flow",
  .default_port = 5004,
};

int
chorus_cli_watch (int    argc,
                  char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&watch_command);
  g_auto(GStrv) group_values = NULL;
  g_auto(GStrv) source_values = NULL;
  g_auto(GStrv) exclude_values = NULL;
  g_autofree char *sdp_path = NULL;
  g_autofree char *kind_text = NULL;
  g_autofree char *duration_text = NULL;
  g_autofree char *expect_text = NULL;
  g_autofree char *max_loss_text = NULL;
  gboolean use_sap = FALSE;
  const GOptionEntry group_entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING_ARRAY, &group_values,
      "Group to watch, with its port or on -p's; repeat it, or give a list or a range "
      "(239.1.1.1+9)", "ADDR[:PORT]" },
    { NULL }
  };
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &source_values,
      "Receive only from this sender (source-specific multicast); repeatable", "ADDR" },
    { "exclude-source", 'x', 0, G_OPTION_ARG_STRING_ARRAY, &exclude_values,
      "Keep out what this sender sends to the groups; repeatable", "ADDR" },
    { NULL }
  };
  const GOptionEntry watch_entries[] = {
    { "sdp", 0, 0, G_OPTION_ARG_FILENAME, &sdp_path,
      "Watch what an SDP file describes (- reads standard input)", "FILE" },
    { "sap", 0, 0, G_OPTION_ARG_NONE, &use_sap, "Also watch what SAP announces", NULL },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text,
      "What the flows carry: auto (the default), rtp, ts, rtp-ts, chorus, udp", "KIND" },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &duration_text,
      "Stop after this long (default: until interrupted)", "SECONDS" },
    { NULL }
  };
  const GOptionEntry exit_entries[] = {
    { "expect", 0, 0, G_OPTION_ARG_STRING, &expect_text,
      "Exit 1 unless at least N flows were heard", "N" },
    { "max-loss", 0, 0, G_OPTION_ARG_STRING, &max_loss_text,
      "Exit 1 if any flow lost more than PCT %", "PCT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (
    (GDestroyNotify) chorus_watch_target_free);
  g_autoptr(GHashTable) announced = g_hash_table_new (NULL, NULL);
  g_autoptr(ChorusWatch) watch = NULL;
  g_autoptr(ChorusSapListener) sap = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *excluded = NULL;
  ChorusFlowKind kind = CHORUS_FLOW_KIND_AUTO;
  double duration = 0;
  guint expect = 0;
  double max_loss = -1;
  g_auto(WatchCli) cli = { 0 };
  GListModel *flows;
  double worst_loss = -1;
  guint n_flows;
  int status;

  chorus_cli_options_add_entries (options, group_entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_PORT, CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_INTERFACE, CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, watch_entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_REPORT, CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, exit_entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_JSON, CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error)
      || !chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_PORT,
                                    CHORUS_CLI_OPTION_REPORT, CHORUS_CLI_OPTION_INTERFACE,
                                    CHORUS_CLI_OPTION_END)
      || (kind_text != NULL && !chorus_flow_kind_parse (kind_text, &kind, &error))
      || (duration_text != NULL
          && !chorus_parse_seconds (duration_text, "Duration", 0.1, &duration, &error)))
    return chorus_cli_invalid ("watch", error);

  if (expect_text != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (expect_text, 10, 0, CHORUS_WATCH_MAX_FLOWS, &value, NULL))
        {
          g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "--expect “%s” is not a number of flows from 0 to %u", expect_text,
                       CHORUS_WATCH_MAX_FLOWS);
          return chorus_cli_invalid ("watch", error);
        }
      expect = (guint) value;
    }

  if (max_loss_text != NULL)
    {
      char *end = NULL;

      max_loss = g_ascii_strtod (max_loss_text, &end);
      if (end == max_loss_text || *end != '\0' || !(max_loss >= 0 && max_loss <= 100))
        {
          g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "--max-loss “%s” is not a percentage from 0 to 100", max_loss_text);
          return chorus_cli_invalid ("watch", error);
        }
    }

  sources = source_values != NULL ? g_strjoinv (",", source_values) : g_strdup ("");
  excluded = exclude_values != NULL ? g_strjoinv (",", exclude_values) : g_strdup ("");
  if (!check_sources (sources, &error) || !check_sources (excluded, &error))
    return chorus_cli_invalid ("watch", error);

  /* -g values and the arguments alike. */
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) items = NULL;
    g_autofree char *text = NULL;

    if (group_values != NULL)
      g_strv_builder_addv (builder, (const char **) group_values);
    for (int i = 2; i < argc; i++)
      g_strv_builder_add (builder, argv[i]);
    items = g_strv_builder_end (builder);
    text = g_strjoinv (",", items);

    if (items[0] != NULL)
      {
        g_autoptr(GPtrArray) given = chorus_watch_target_parse_list (text, options->port,
                                                                     CHORUS_WATCH_MAX_TARGETS,
                                                                     &error);

        if (given == NULL)
          return chorus_cli_invalid ("watch", error);
        for (guint i = 0; i < given->len; i++)
          {
            ChorusWatchTarget *target = g_ptr_array_index (given, i);

            if (sources[0] != '\0')
              target->sources = g_strdup (sources);
            if (excluded[0] != '\0')
              target->excluded = g_strdup (excluded);
          }
        g_ptr_array_extend_and_steal (targets, g_steal_pointer (&given));
      }
  }

  if (sdp_path != NULL)
    {
      g_autofree char *text = NULL;
      g_autoptr(ChorusSdp) sdp = NULL;
      gsize size = 0;

      if (!read_sdp (sdp_path, &text, &size, &error)
          || !(sdp = chorus_sdp_parse (text, size, &error)))
        {
          g_prefix_error (&error, "%s: ", g_str_equal (sdp_path, "-") ? "standard input"
                                                                      : sdp_path);
          return chorus_cli_invalid ("watch", error);
        }
      for (guint i = 0; i < sdp->targets->len; i++)
        g_ptr_array_add (targets, chorus_watch_target_copy (g_ptr_array_index (sdp->targets, i)));
    }

  if (targets->len == 0 && !use_sap)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                           "Give a group to watch (239.1.1.1:5004), --sdp FILE or --sap");
      return chorus_cli_invalid ("watch", error);
    }

  watch = chorus_watch_new ();
  chorus_watch_set_interface (watch, options->interface);
  chorus_watch_set_kind (watch, kind);
  for (guint i = 0; i < targets->len; i++)
    if (!chorus_watch_add_target (watch, g_ptr_array_index (targets, i), &error))
      return chorus_cli_invalid ("watch", error);

  cli.watch = watch;
  cli.announced = announced;
  chorus_cli_run_begin (&cli.run, "watch", options->json, &cli, stop_all);
  g_signal_connect (watch, "flow-added", G_CALLBACK (on_flow_added), &cli);

  if (!chorus_watch_start (watch, &error))
    {
      if (is_invalid_input (error))
        return chorus_cli_invalid ("watch", error);
      g_printerr ("chorus-cli watch: %s\n", error->message);
      return 1;
    }

  if (use_sap)
    {
      sap = chorus_sap_listener_new ();
      chorus_sap_listener_set_interface (sap, options->interface);
      cli.sap = sap;
      g_signal_connect (sap, "session-changed", G_CALLBACK (on_sap_session), &cli);
      if (!chorus_sap_listener_start (sap, &error))
        {
          chorus_watch_stop (watch);
          if (is_invalid_input (error))
            return chorus_cli_invalid ("watch", error);
          g_printerr ("chorus-cli watch: SAP: %s\n", error->message);
          return 1;
        }
    }

  {
    g_auto(GStrv) problems = chorus_watch_dup_problems (watch);

    for (guint i = 0; problems[i] != NULL; i++)
      {
        if (options->json)
          {
            GString *line = chorus_json_begin ("warning");

            chorus_json_add_string (line, "message", problems[i]);
            if (!chorus_json_print (line))
              chorus_cli_run_output_failed (&cli.run);
          }
        else
          g_printerr ("warning: %s\n", problems[i]);
      }
  }

  g_signal_connect (watch, "notify::running", G_CALLBACK (on_running_changed), &cli);

  if (options->json)
    {
      GString *line = chorus_json_begin ("ready");
      g_autoptr(GPtrArray) objects = g_ptr_array_new ();

      for (guint i = 0; i < targets->len; i++)
        {
          const ChorusWatchTarget *target = g_ptr_array_index (targets, i);
          GString *object = chorus_json_object_begin ();

          chorus_json_add_string (object, "group", target->group);
          chorus_json_add_int (object, "port", target->port);
          g_ptr_array_add (objects, object);
        }
      chorus_json_add_objects (line, "targets", objects);
      chorus_json_add_bool (line, "sap", use_sap);
      if (!chorus_json_print (line))
        chorus_cli_run_output_failed (&cli.run);
    }
  else
    {
      g_printerr ("watching %u %s%s\n", targets->len, targets->len == 1 ? "group" : "groups",
                  use_sap ? " and what SAP announces" : "");
    }

  if (duration > 0)
    cli.duration_id = g_timeout_add ((guint) (duration * 1000 + 0.5), on_duration_over, &cli);
  chorus_cli_run_report_every (&cli.run, options->report, on_report);

  chorus_cli_run_loop (&cli.run);
  chorus_cli_run_end (&cli.run);
  g_clear_handle_id (&cli.duration_id, g_source_remove);
  stop_all (&cli);

  flows = chorus_watch_get_flows (watch);
  n_flows = g_list_model_get_n_items (flows);
  for (guint i = 0; i < n_flows; i++)
    {
      g_autoptr(ChorusFlow) flow = g_list_model_get_item (flows, i);

      worst_loss = MAX (worst_loss, flow_loss_pct (flow));
    }

  if (cli.run.write_errno == 0)
    {
      if (!print_report (&cli, TRUE))
        chorus_cli_run_write_failed (&cli.run);
      else if (options->json)
        {
          GString *line = chorus_json_begin ("summary");

          chorus_json_add_int (line, "flows", n_flows);
          chorus_json_add_int (line, "received", (gint64) chorus_watch_get_n_received (watch));
          chorus_json_add_int (line, "unkept", (gint64) chorus_watch_get_n_unkept (watch));
          chorus_json_add_int (line, "ts_unkept", chorus_watch_get_n_ts_unkept (watch));
          chorus_json_add_int (line, "targets", chorus_watch_get_n_targets (watch));
          chorus_json_add_int (line, "receive_buffer", chorus_watch_get_receive_buffer (watch));
          add_optional_fixed2 (line, "worst_loss_pct", worst_loss);
          if (expect_text != NULL)
            chorus_json_add_bool (line, "expect_met", n_flows >= expect);
          if (max_loss >= 0)
            chorus_json_add_bool (line, "max_loss_met", worst_loss <= max_loss);
          if (!chorus_json_print (line))
            chorus_cli_run_write_failed (&cli.run);
        }
      else
        {
          g_printerr ("%u %s, %" G_GUINT64_FORMAT " datagrams", n_flows,
                      n_flows == 1 ? "flow" : "flows", chorus_watch_get_n_received (watch));
          if (chorus_watch_get_n_unkept (watch) > 0)
            g_printerr (", %" G_GUINT64_FORMAT " of flows past the %u kept",
                        chorus_watch_get_n_unkept (watch), CHORUS_WATCH_MAX_FLOWS);
          g_printerr ("\n");
        }
    }

  if ((status = chorus_cli_run_output_status (&cli.run)) >= 0)
    return status;
  if (cli.run.failed)
    return 1;
  if (expect_text != NULL && n_flows < expect)
    {
      g_printerr ("chorus-cli watch: %u %s heard, fewer than the %u expected\n", n_flows,
                  n_flows == 1 ? "flow" : "flows", expect);
      return 1;
    }
  if (max_loss >= 0 && worst_loss > max_loss)
    {
      g_printerr ("chorus-cli watch: a flow lost %.2f%%, more than the %.2f%% allowed\n",
                  worst_loss, max_loss);
      return 1;
    }

  return 0;
}
