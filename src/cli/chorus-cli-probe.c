/* chorus-cli-probe.c: chorus-cli probe, who hears a group, and how well
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-options.h"
#include "chorus-cli-output.h"
#include "chorus-cli-run.h"
#include "chorus-cli-sender.h"
#include "chorus-error.h"
#include "chorus-sender.h"

/* The exit statuses scripts rely on. */
enum {
  EXIT_ACKED = 0,
  EXIT_NO_ACK = 1,
};

static void
on_probe_probe_sent (ChorusSender *sender,
                     guint         seq,
                     ChorusCliRun *run)
{
  GString *line;

  /* Human output is as ping's: answers only. */
  if (!run->json)
    return;

  line = chorus_json_begin ("sent");
  chorus_json_add_int (line, "seq", seq);
  chorus_json_add_string (line, "group", chorus_sender_get_group (sender));
  chorus_json_add_int (line, "port", chorus_sender_get_port (sender));
  chorus_json_add_int (line, "ttl", chorus_sender_get_ttl (sender));
  if (!chorus_json_print (line))
    chorus_cli_run_output_failed (run);
}

static const char *
verdict_note (ChorusAnswerVerdict verdict)
{
  switch (verdict)
    {
    case CHORUS_ANSWER_DUPLICATE:
      return " (DUP!)";
    case CHORUS_ANSWER_LATE:
      return " (late)";
    case CHORUS_ANSWER_RECEIVED:
    case CHORUS_ANSWER_INVALID:
    default:
      return "";
    }
}

static void
on_probe_ack_received (ChorusSender *sender,
                       ChorusAck    *ack,
                       ChorusCliRun *run)
{
  const char *name = chorus_ack_get_name (ack);
  int hops = chorus_ack_get_hops (ack);
  gboolean printed;

  if (run->json)
    {
      GString *line = chorus_json_begin ("ack");

      chorus_json_add_string (line, "from", chorus_ack_get_address (ack));
      chorus_json_add_int (line, "port", chorus_ack_get_port (ack));
      chorus_json_add_int (line, "seq", chorus_ack_get_probe (ack));
      chorus_json_add_bool (line, "tagged", chorus_ack_get_tagged (ack));
      chorus_json_add_ms (line, "rtt_ms", chorus_ack_get_rtt_usec (ack));
      if (hops >= 0)
        chorus_json_add_int (line, "hops", hops);
      else
        chorus_json_add_null (line, "hops");
      chorus_json_add_bool (line, "hops_estimated", chorus_ack_get_hops_estimated (ack));
      chorus_json_add_ms (line, "delay_ms", chorus_ack_get_hold_usec (ack));
      if (name != NULL)
        chorus_json_add_string (line, "name", name);
      else
        chorus_json_add_null (line, "name");
      chorus_json_add_string (line, "verdict",
                              chorus_answer_verdict_to_string (chorus_ack_get_verdict (ack)));
      if (chorus_ack_get_ttl (ack) >= 0)
        chorus_json_add_int (line, "ttl", chorus_ack_get_ttl (ack));
      printed = chorus_json_print (line);
    }
  else
    {
      GString *line = g_string_sized_new (128);

      chorus_cli_append_number (line, g_bytes_get_size (chorus_ack_get_payload (ack)));
      g_string_append (line, " bytes from ");
      g_string_append (line, chorus_ack_get_address (ack));
      if (name != NULL)
        g_string_append_printf (line, " (%s)", name);
      else if (!chorus_ack_get_tagged (ack))
        g_string_append (line, " (classic)");
      g_string_append (line, ": seq=");
      chorus_cli_append_number (line, chorus_ack_get_probe (ack));
      if (hops >= 0)
        g_string_append_printf (line, " hops%s%d", chorus_ack_get_hops_estimated (ack) ? "≈" : "=",
                                hops);
      g_string_append (line, " time=");
      chorus_cli_append_ms (line, chorus_ack_get_rtt_usec (ack));
      g_string_append (line, " ms");
      if (chorus_ack_get_hold_usec (ack) > 0)
        {
          g_string_append (line, " held=");
          chorus_cli_append_ms (line, chorus_ack_get_hold_usec (ack));
          g_string_append (line, " ms");
        }
      g_string_append (line, verdict_note (chorus_ack_get_verdict (ack)));
      g_string_append_c (line, '\n');
      printed = chorus_cli_print_line (line);
    }

  if (!printed)
    chorus_cli_run_output_failed (run);
}

static gboolean
print_responder_json (ChorusResponder *responder)
{
  const ChorusResponderStats *stats = chorus_responder_get_stats (responder);
  const char *name = chorus_responder_get_name (responder);
  gboolean heard = stats->rtt_count > 0;
  GString *line = chorus_json_begin ("responder");

  chorus_json_add_string (line, "from", chorus_responder_get_address (responder));
  if (name != NULL)
    chorus_json_add_string (line, "name", name);
  else
    chorus_json_add_null (line, "name");
  chorus_json_add_bool (line, "tagged", chorus_responder_get_tagged (responder));
  chorus_json_add_int (line, "sent", stats->sent);
  chorus_json_add_int (line, "received", stats->received);
  chorus_json_add_fixed2 (line, "loss_pct", chorus_responder_stats_get_loss (stats));
  chorus_json_add_fixed2 (line, "loss_since_first_pct",
                          chorus_responder_stats_get_loss_since_first (stats));
  chorus_json_add_int (line, "duplicates", stats->duplicates);
  chorus_json_add_int (line, "reordered", stats->reordered);
  chorus_json_add_int (line, "late", stats->late);
  chorus_json_add_optional_ms (line, "rtt_min_ms", heard, stats->rtt_min_usec);
  chorus_json_add_optional_ms (line, "rtt_avg_ms", heard,
                               chorus_responder_stats_get_rtt_avg (stats));
  chorus_json_add_optional_ms (line, "rtt_max_ms", heard, stats->rtt_max_usec);
  chorus_json_add_optional_ms (line, "rtt_mdev_ms", heard,
                               chorus_responder_stats_get_rtt_mdev (stats));
  chorus_json_add_optional_ms (line, "jitter_ms", heard, (gint64) stats->jitter_usec);
  if (stats->hops >= 0)
    chorus_json_add_int (line, "hops", stats->hops);
  else
    chorus_json_add_null (line, "hops");
  chorus_json_add_bool (line, "hops_estimated", stats->hops_estimated);
  if (stats->first_seq > 0)
    chorus_json_add_int (line, "first_seq", stats->first_seq);
  else
    chorus_json_add_null (line, "first_seq");
  chorus_json_add_optional_ms (line, "join_ms", stats->join_usec >= 0, stats->join_usec);
  chorus_json_add_bool (line, "silent", chorus_responder_get_silent (responder));

  return chorus_json_print (line);
}

/* The table at the end (and at every report) of a human run. */
static gboolean
print_responder_table (ChorusSender *sender)
{
  GListModel *responders = chorus_sender_get_responders (sender);
  guint n = g_list_model_get_n_items (responders);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%-28s %9s %7s %5s %5s %5s %24s %8s %5s %9s\n", "host",
                          "answered", "loss", "dup", "reord", "late",
                          "rtt min/avg/max ms", "jitter", "hops", "join ms");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);
      const ChorusResponderStats *stats = chorus_responder_get_stats (responder);
      const char *name = chorus_responder_get_name (responder);
      g_autofree char *host = NULL;
      g_autofree char *answered = NULL;
      g_autofree char *rtt = NULL;
      g_autofree char *hops = NULL;

      if (name != NULL)
        host = g_strdup_printf ("%s (%s)", chorus_responder_get_address (responder), name);
      else if (!chorus_responder_get_tagged (responder))
        host = g_strdup_printf ("%s (classic)", chorus_responder_get_address (responder));
      else
        host = g_strdup (chorus_responder_get_address (responder));

      answered = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, stats->received,
                                  stats->sent);
      if (stats->rtt_count > 0)
        rtt = g_strdup_printf ("%.3f/%.3f/%.3f", chorus_responder_get_rtt_min_ms (responder),
                               chorus_responder_get_rtt_avg_ms (responder),
                               chorus_responder_get_rtt_max_ms (responder));
      else
        rtt = g_strdup ("-");
      if (stats->hops >= 0)
        hops = g_strdup_printf ("%s%d", stats->hops_estimated ? "≈" : "", stats->hops);
      else
        hops = g_strdup ("-");

      g_string_append_printf (out, "%-28s %9s %6.2f%% %5" G_GUINT64_FORMAT " %5" G_GUINT64_FORMAT
                              " %5" G_GUINT64_FORMAT " %24s %8.3f %5s %9.3f%s\n",
                              host, answered, chorus_responder_get_loss (responder),
                              stats->duplicates, stats->reordered, stats->late, rtt,
                              chorus_responder_get_jitter_ms (responder), hops,
                              MAX (chorus_responder_get_join_ms (responder), 0),
                              chorus_responder_get_silent (responder) ? "  silent" : "");
    }

  return chorus_cli_print_line (out);
}

/* Every --report, and at the end. */
static gboolean
print_responders (ChorusSender *sender,
                  ChorusCliRun *run)
{
  GListModel *responders = chorus_sender_get_responders (sender);
  guint n = g_list_model_get_n_items (responders);

  if (!run->json)
    return n == 0 || print_responder_table (sender);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);

      if (!print_responder_json (responder))
        return FALSE;
    }

  return TRUE;
}

/* Responders that answered at least once in time. */
static guint
count_heard (ChorusSender *sender)
{
  GListModel *responders = chorus_sender_get_responders (sender);
  guint n = g_list_model_get_n_items (responders);
  guint heard = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);

      if (chorus_responder_get_stats (responder)->received > 0)
        heard++;
    }

  return heard;
}

static void
on_probe_finished (ChorusSender *sender,
                   ChorusCliRun *run)
{
  guint sent = chorus_sender_get_n_sent (sender);
  guint settled = chorus_sender_get_n_settled (sender);
  guint heard = count_heard (sender);
  guint tagged = chorus_sender_get_n_tagged (sender);
  guint untagged = chorus_sender_get_n_untagged (sender);
  gboolean printed;

  if (run->write_errno != 0)
    {
      chorus_cli_run_finish (run);
      return;
    }

  printed = print_responders (sender, run);

  if (printed && run->json)
    {
      GString *line = chorus_json_begin ("summary");

      chorus_json_add_string (line, "group", chorus_sender_get_group (sender));
      chorus_json_add_int (line, "port", chorus_sender_get_port (sender));
      chorus_json_add_int (line, "sent", sent);
      chorus_json_add_int (line, "settled", settled);
      chorus_json_add_int (line, "acks", chorus_sender_get_n_acks (sender));
      chorus_json_add_int (line, "responders", chorus_sender_get_n_responders (sender));
      chorus_json_add_int (line, "heard", heard);
      chorus_json_add_int (line, "tagged", tagged);
      chorus_json_add_int (line, "untagged", untagged);
      chorus_json_add_int (line, "ignored", chorus_sender_get_n_ignored (sender));
      if (chorus_sender_get_n_unlisted (sender) > 0)
        chorus_json_add_int (line, "unlisted_acks", chorus_sender_get_n_unlisted (sender));
      printed = chorus_json_print (line);
    }
  else if (printed)
    {
      printed = chorus_cli_print ("%u %s sent, %u counted; %u %s answered (%u Chorus, %u classic)\n",
                                  sent, sent == 1 ? "probe" : "probes", settled, heard,
                                  heard == 1 ? "host" : "hosts", tagged, untagged);
      if (printed && untagged > 0)
        printed = chorus_cli_print ("classic hosts answer anything: their answers are matched to "
                                    "probes by time and their hops estimated\n");
    }

  if (!printed)
    chorus_cli_run_write_failed (run);

  chorus_cli_run_finish (run);
}


static const ChorusCliCommand probe_command = {
  .name = "probe",
  .parameter_string = "[MESSAGE] — probe a group: who hears it, and how well",
  .description =
    "Chorus receivers answer each probe with its number, so loss, duplicates, order,\n"
    "round trip, jitter and hops are exact. Classic receivers (any that answer “ack”)\n"
    "are counted too, their answers matched to probes by time.\n"
    "\n"
    "Exit status: 0 if at least --expect hosts (default 1) answered; 1 if fewer did,\n"
    "sending failed or the output could not be written; 2 for invalid input.",
  .role = CHORUS_CLI_SENDS,
  .timing = CHORUS_CLI_TIMING_STREAM,
  .sends = "probe",
  .sends_plural = "probes",
  .reports_on = "responder",
  .default_port = CHORUS_DEFAULT_PORT,
};

int
chorus_cli_probe (int    argc,
                  char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&probe_command);
  g_autofree char *spread_text = NULL;
  const GOptionEntry entries[] = {
    { "spread", 's', 0, G_OPTION_ARG_STRING, &spread_text,
      "Ask Chorus receivers to spread their answers over this many seconds, up to 10, "
      "before --wait begins (default 0)", "SECONDS" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSender) sender = NULL;
  const char *message = "";
  double spread = 0;
  g_auto(ChorusCliRun) run = { 0 };
  int status;

  chorus_cli_options_add (options, CHORUS_CLI_OPTION_GROUP, CHORUS_CLI_OPTION_PORT,
                          CHORUS_CLI_OPTION_TTL, CHORUS_CLI_OPTION_INTERFACE,
                          CHORUS_CLI_OPTION_NO_LOOPBACK, CHORUS_CLI_OPTION_COUNT,
                          CHORUS_CLI_OPTION_INTERVAL, CHORUS_CLI_OPTION_WAIT,
                          CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_REPORT, CHORUS_CLI_OPTION_EXPECT,
                          CHORUS_CLI_OPTION_JSON, CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error))
    return chorus_cli_invalid ("probe", error);

  if (!chorus_cli_take_message (argc, argv, &message, &error))
    return chorus_cli_invalid ("probe", error);

  if (!chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_GROUP, CHORUS_CLI_OPTION_PORT,
                                 CHORUS_CLI_OPTION_TTL, CHORUS_CLI_OPTION_WAIT,
                                 CHORUS_CLI_OPTION_COUNT, CHORUS_CLI_OPTION_INTERVAL,
                                 CHORUS_CLI_OPTION_END)
      || (spread_text && !chorus_parse_seconds (spread_text, _("Spread"), 0, &spread, &error))
      || !chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_REPORT,
                                    CHORUS_CLI_OPTION_EXPECT, CHORUS_CLI_OPTION_INTERFACE,
                                    CHORUS_CLI_OPTION_END)
      || !chorus_check_group_interface (options->group, options->ifindex, &error))
    return chorus_cli_invalid ("probe", error);

  if (spread > 10)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("The spread is at most 10 seconds"));
      return chorus_cli_invalid ("probe", error);
    }

  sender = chorus_cli_sender_new (options, message);
  chorus_sender_set_probe (sender, TRUE);
  chorus_sender_set_spread (sender, spread);

  chorus_cli_run_begin (&run, "probe", options->json, sender,
                        (ChorusCliStopFunc) chorus_sender_stop);

  g_signal_connect (sender, "probe-sent", G_CALLBACK (on_probe_probe_sent), &run);
  g_signal_connect (sender, "ack-received", G_CALLBACK (on_probe_ack_received), &run);
  g_signal_connect (sender, "failed", G_CALLBACK (chorus_cli_run_on_failed), &run);
  g_signal_connect (sender, "finished", G_CALLBACK (on_probe_finished), &run);

  /* Probes too large for the group are refused here, before anything is
   * sent: that is invalid input. */
  if (!chorus_sender_start (sender, &error))
    {
      gboolean too_large = g_error_matches (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE);

      g_printerr ("chorus-cli probe: %s\n", error->message);
      return too_large ? CHORUS_CLI_EXIT_INVALID : EXIT_NO_ACK;
    }

  chorus_cli_run_report_every (&run, options->report, (ChorusCliReportFunc) print_responders);

  chorus_cli_run_loop (&run);
  chorus_cli_run_end (&run);

  if ((status = chorus_cli_run_output_status (&run)) >= 0)
    return status;

  if (run.failed)
    return EXIT_NO_ACK;

  return count_heard (sender) >= MAX (options->expect, 1) ? EXIT_ACKED : EXIT_NO_ACK;
}
