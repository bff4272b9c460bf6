/* main.c: chorus-cli, the headless front end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-output.h"
#include "chorus-error.h"
#include "chorus-receiver.h"
#include "chorus-sender.h"
#include "chorus-text.h"

/* The exit statuses scripts rely on. */
enum {
  EXIT_ACKED = 0,
  EXIT_NO_ACK = 1,
  EXIT_INVALID = 2,
};

typedef struct
{
  GMainLoop *loop;
  GObject *service;
  guint output_watch;
  const char *command;
  gboolean json;
  gboolean failed;
  /* The run ended (perhaps before the loop ever ran). */
  gboolean done;
  /* Writing to stdout failed, with this errno. */
  int write_errno;
} Run;

/* Printing failed: nobody reads us any more (a closed pipe, a full disk).
 * Remember why and stop rather than go on answering into the void. */
static void
output_failed (Run     *run,
               GObject *service)
{
  if (run->write_errno == 0)
    run->write_errno = errno != 0 ? errno : EIO;

  if (CHORUS_IS_SENDER (service))
    chorus_sender_stop (CHORUS_SENDER (service));
  else
    chorus_receiver_stop (CHORUS_RECEIVER (service));
}

static gboolean
on_output_error (gpointer user_data)
{
  Run *run = user_data;

  run->output_watch = 0;
  output_failed (run, run->service);

  return G_SOURCE_REMOVE;
}

/* Output goes out once per burst; see chorus_cli_output_watch(). */
static void
watch_output (Run     *run,
              GObject *service)
{
  run->service = service;
  run->output_watch = chorus_cli_output_watch (on_output_error, run);
}

static void
finish_run (Run *run)
{
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

/* Runs the loop unless the run already ended: a quit before
 * g_main_loop_run() would be forgotten and the loop would run forever. */
static void
run_loop (Run *run)
{
  if (!run->done)
    g_main_loop_run (run->loop);
}

/* The exit status once the loop is over, for the write error case;
 * -1 when output went well. */
static int
output_status (Run *run)
{
  g_clear_handle_id (&run->output_watch, g_source_remove);

  /* What is still in the buffer, the summary for one. */
  if (run->write_errno == 0 && !chorus_cli_flush ())
    run->write_errno = errno != 0 ? errno : EIO;

  if (run->write_errno == 0)
    return -1;

  g_printerr ("chorus-cli %s: could not write the output: %s\n", run->command,
              g_strerror (run->write_errno));
  return 1;
}

static int
invalid (const char *command,
         GError     *error)
{
  g_printerr ("chorus-cli %s: %s\n", command, error->message);
  g_printerr ("Try “chorus-cli %s --help”.\n", command);
  return EXIT_INVALID;
}

static gboolean
on_stop_signal (gpointer user_data)
{
  GObject *service = user_data;

  if (CHORUS_IS_SENDER (service))
    chorus_sender_stop (CHORUS_SENDER (service));
  else
    chorus_receiver_stop (CHORUS_RECEIVER (service));

  return G_SOURCE_CONTINUE;
}

static void
watch_stop_signals (GObject *service,
                    guint    ids[2])
{
  ids[0] = g_unix_signal_add (SIGINT, on_stop_signal, service);
  ids[1] = g_unix_signal_add (SIGTERM, on_stop_signal, service);
}

/* send */

static void
on_probe_sent (ChorusSender *sender,
               guint         probe,
               Run          *run)
{
  guint count = chorus_sender_get_count (sender);
  gsize size = g_bytes_get_size (chorus_sender_get_message (sender));
  gboolean printed;

  if (run->json)
    {
      GString *line = chorus_json_begin ("sent");

      chorus_json_add_int (line, "probe", probe);
      chorus_json_add_string (line, "group", chorus_sender_get_group (sender));
      chorus_json_add_int (line, "port", chorus_sender_get_port (sender));
      chorus_json_add_int (line, "bytes", size);
      chorus_json_add_int (line, "ttl", chorus_sender_get_ttl (sender));
      printed = chorus_json_print (line);
    }
  else
    {
      printed = chorus_cli_print ("sent %" G_GSIZE_FORMAT " bytes to %s:%u, ttl %u "
                                  "(probe %u of %u)\n",
                                  size, chorus_sender_get_group (sender),
                                  chorus_sender_get_port (sender), chorus_sender_get_ttl (sender),
                                  probe, count);
    }

  if (!printed)
    output_failed (run, G_OBJECT (sender));
}

static void
on_ack_received (ChorusSender *sender,
                 ChorusAck    *ack,
                 Run          *run)
{
  gboolean printed;

  if (run->json)
    {
      GString *line = chorus_json_begin ("ack");

      chorus_json_add_string (line, "from", chorus_ack_get_address (ack));
      chorus_json_add_int (line, "port", chorus_ack_get_port (ack));
      chorus_json_add_ms (line, "rtt_ms", chorus_ack_get_rtt_usec (ack));
      chorus_json_add_payload (line, chorus_ack_get_payload (ack));
      chorus_json_add_int (line, "bytes", g_bytes_get_size (chorus_ack_get_payload (ack)));
      chorus_json_add_int (line, "probe", chorus_ack_get_probe (ack));
      if (chorus_ack_get_ttl (ack) >= 0)
        chorus_json_add_int (line, "ttl", chorus_ack_get_ttl (ack));
      printed = chorus_json_print (line);
    }
  else
    {
      gint64 rtt = chorus_ack_get_rtt_usec (ack);

      printed = chorus_cli_print ("reply from %s:%u in %" G_GINT64_FORMAT ".%03d ms: \"%s\"\n",
                                  chorus_ack_get_address (ack), chorus_ack_get_port (ack),
                                  rtt / 1000, (int) (rtt % 1000), chorus_ack_get_text (ack));
    }

  if (!printed)
    output_failed (run, G_OBJECT (sender));
}

static void
on_send_failed (ChorusSender *sender,
                GError       *error,
                Run          *run)
{
  run->failed = TRUE;
  g_printerr ("chorus-cli send: %s\n", error->message);
}

static void
on_send_finished (ChorusSender *sender,
                  Run          *run)
{
  guint sent = chorus_sender_get_n_sent (sender);
  guint acks = chorus_sender_get_n_acks (sender);
  guint responders = chorus_sender_get_n_responders (sender);
  gint64 min = chorus_sender_get_rtt_min_usec (sender);
  gint64 avg = chorus_sender_get_rtt_avg_usec (sender);
  gint64 max = chorus_sender_get_rtt_max_usec (sender);
  guint ignored = chorus_sender_get_n_ignored (sender);
  guint unlisted = chorus_sender_get_n_unlisted (sender);
  gboolean printed = TRUE;

  /* Whatever went wrong with stdout, say nothing more there. */
  if (run->write_errno != 0)
    {
      finish_run (run);
      return;
    }

  if (run->json)
    {
      GString *line = chorus_json_begin ("summary");

      chorus_json_add_string (line, "group", chorus_sender_get_group (sender));
      chorus_json_add_int (line, "port", chorus_sender_get_port (sender));
      chorus_json_add_int (line, "sent", sent);
      chorus_json_add_int (line, "acks", acks);
      chorus_json_add_int (line, "responders", responders);
      if (acks > 0)
        {
          chorus_json_add_ms (line, "rtt_min_ms", min);
          chorus_json_add_ms (line, "rtt_avg_ms", avg);
          chorus_json_add_ms (line, "rtt_max_ms", max);
        }
      chorus_json_add_int (line, "ignored", ignored);
      if (unlisted > 0)
        chorus_json_add_int (line, "unlisted_acks", unlisted);
      printed = chorus_json_print (line);
    }
  else if (acks == 0)
    {
      printed = chorus_cli_print ("%u %s sent, no replies\n", sent,
                                  sent == 1 ? "probe" : "probes");
    }
  else
    {
      printed = chorus_cli_print ("%u %s sent, %u %s from %u %s, round trip min/avg/max "
                        "%" G_GINT64_FORMAT ".%03d/%" G_GINT64_FORMAT ".%03d/%" G_GINT64_FORMAT
                        ".%03d ms\n",
                        sent, sent == 1 ? "probe" : "probes", acks, acks == 1 ? "reply" : "replies",
                        responders, responders == 1 ? "host" : "hosts", min / 1000,
                        (int) (min % 1000), avg / 1000, (int) (avg % 1000), max / 1000,
                        (int) (max % 1000));
    }

  if (printed && !run->json && ignored > 0)
    printed = chorus_cli_print ("%u %s ignored: not from the group's port or not to this host\n",
                                ignored, ignored == 1 ? "datagram" : "datagrams");
  if (printed && !run->json && unlisted > 0)
    printed = chorus_cli_print ("%u %s from hosts past the first %u not listed\n", unlisted,
                                unlisted == 1 ? "reply" : "replies",
                                CHORUS_SENDER_MAX_RESPONDERS);

  if (!printed && run->write_errno == 0)
    run->write_errno = errno != 0 ? errno : EIO;

  finish_run (run);
}

static int
command_send (int    argc,
              char **argv)
{
  g_autofree char *group_text = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *ttl_text = NULL;
  g_autofree char *wait_text = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *interval_text = NULL;
  g_autofree char *interface = NULL;
  gboolean no_loopback = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING, &group_text,
      "Multicast group (default " CHORUS_DEFAULT_GROUP ")", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text, "UDP port (default 10000)", "PORT" },
    { "ttl", 't', 0, G_OPTION_ARG_STRING, &ttl_text, "Time to live, 0–255 (default 1)", "N" },
    { "wait", 'w', 0, G_OPTION_ARG_STRING, &wait_text,
      "Seconds to collect replies after the last probe (default 1)", "SECONDS" },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &count_text, "Probes to send (default 1)", "N" },
    { "interval", 'i', 0, G_OPTION_ARG_STRING, &interval_text,
      "Seconds between probes (default 1)", "SECONDS" },
    { "interface", 'I', 0, G_OPTION_ARG_STRING, &interface,
      "Send by way of this network interface (default: as routed)", "NAME" },
    { "no-loopback", 0, 0, G_OPTION_ARG_NONE, &no_loopback,
      "Receivers on this host do not get the message", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("[MESSAGE] — send to a group, list who answers");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusGroup) group = NULL;
  g_autoptr(ChorusSender) sender = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const char *message = CHORUS_DEFAULT_MESSAGE;
  guint16 port = CHORUS_DEFAULT_PORT;
  guint ifindex = 0;
  guint8 ttl = CHORUS_DEFAULT_TTL;
  guint count = 1;
  double wait = 1;
  double interval = 1;
  guint signal_ids[2];
  int status;
  Run run = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Exit status: 0 if at least one reply arrived; 1 if none did, sending failed or the\n"
    "output could not be written; 2 for invalid input.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return invalid ("send", error);

  if (argc > 3)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "Give the message as one argument (quote it if it has spaces)");
      return invalid ("send", error);
    }
  if (argc == 3)
    message = argv[2];

  if (!(group = chorus_group_parse (group_text ? group_text : CHORUS_DEFAULT_GROUP, &error))
      || (port_text && !chorus_parse_port (port_text, &port, &error))
      || (ttl_text && !chorus_parse_ttl (ttl_text, &ttl, &error))
      || (wait_text && !chorus_parse_seconds (wait_text, _("Wait time"), 0, &wait, &error))
      || (count_text && !chorus_parse_count (count_text, &count, &error))
      || (interval_text
          && !chorus_parse_seconds (interval_text, _("Interval"), 0.001, &interval, &error))
      || !chorus_parse_interface (interface, &ifindex, &error)
      || !chorus_check_group_interface (group, ifindex, &error)
      || !chorus_check_payload_size (group, strlen (message), &error))
    return invalid ("send", error);

  g_free (group_text);
  group_text = chorus_group_to_string (group);

  sender = g_object_new (CHORUS_TYPE_SENDER,
                         "group", group_text,
                         "port", (guint) port,
                         "ttl", (guint) ttl,
                         "loopback", !no_loopback,
                         "wait", wait,
                         "count", count,
                         "interval", interval,
                         "text", message,
                         "interface", interface,
                         /* Printed as they come: keep few. */
                         "capacity", 16,
                         NULL);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.json = json;
  run.command = "send";
  watch_output (&run, G_OBJECT (sender));

  g_signal_connect (sender, "probe-sent", G_CALLBACK (on_probe_sent), &run);
  g_signal_connect (sender, "ack-received", G_CALLBACK (on_ack_received), &run);
  g_signal_connect (sender, "failed", G_CALLBACK (on_send_failed), &run);
  g_signal_connect (sender, "finished", G_CALLBACK (on_send_finished), &run);

  watch_stop_signals (G_OBJECT (sender), signal_ids);

  if (!chorus_sender_start (sender, &error))
    {
      g_printerr ("chorus-cli send: %s\n", error->message);
      g_source_remove (signal_ids[0]);
      g_source_remove (signal_ids[1]);
      g_clear_handle_id (&run.output_watch, g_source_remove);
      return EXIT_NO_ACK;
    }

  run_loop (&run);
  g_source_remove (signal_ids[0]);
  g_source_remove (signal_ids[1]);

  if ((status = output_status (&run)) >= 0)
    return status;

  /* The network refused mid-run: whatever arrived, the run was not what
   * was asked for. */
  if (run.failed)
    return EXIT_NO_ACK;

  return chorus_sender_get_n_acks (sender) > 0 ? EXIT_ACKED : EXIT_NO_ACK;
}

/* probe */

static void
on_probe_probe_sent (ChorusSender *sender,
                     guint         seq,
                     Run          *run)
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
    output_failed (run, G_OBJECT (sender));
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
append_ms (GString *line,
           gint64   usec)
{
  chorus_cli_append_number (line, (guint64) MAX (usec, 0) / 1000);
  g_string_append_printf (line, ".%03d", (int) (MAX (usec, 0) % 1000));
}

static void
on_probe_ack_received (ChorusSender *sender,
                       ChorusAck    *ack,
                       Run          *run)
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
      append_ms (line, chorus_ack_get_rtt_usec (ack));
      g_string_append (line, " ms");
      if (chorus_ack_get_hold_usec (ack) > 0)
        {
          g_string_append (line, " held=");
          append_ms (line, chorus_ack_get_hold_usec (ack));
          g_string_append (line, " ms");
        }
      g_string_append (line, verdict_note (chorus_ack_get_verdict (ack)));
      g_string_append_c (line, '\n');
      printed = chorus_cli_print_line (line);
    }

  if (!printed)
    output_failed (run, G_OBJECT (sender));
}

static void
add_optional_ms (GString    *line,
                 const char *key,
                 gboolean    known,
                 gint64      usec)
{
  if (known)
    chorus_json_add_ms (line, key, usec);
  else
    chorus_json_add_null (line, key);
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
  add_optional_ms (line, "rtt_min_ms", heard, stats->rtt_min_usec);
  add_optional_ms (line, "rtt_avg_ms", heard, chorus_responder_stats_get_rtt_avg (stats));
  add_optional_ms (line, "rtt_max_ms", heard, stats->rtt_max_usec);
  add_optional_ms (line, "rtt_mdev_ms", heard, chorus_responder_stats_get_rtt_mdev (stats));
  add_optional_ms (line, "jitter_ms", heard, (gint64) stats->jitter_usec);
  if (stats->hops >= 0)
    chorus_json_add_int (line, "hops", stats->hops);
  else
    chorus_json_add_null (line, "hops");
  chorus_json_add_bool (line, "hops_estimated", stats->hops_estimated);
  if (stats->first_seq > 0)
    chorus_json_add_int (line, "first_seq", stats->first_seq);
  else
    chorus_json_add_null (line, "first_seq");
  add_optional_ms (line, "join_ms", stats->join_usec >= 0, stats->join_usec);
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

static gboolean
print_responders (ChorusSender *sender,
                  Run          *run)
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

typedef struct
{
  Run *run;
  ChorusSender *sender;
} Report;

static gboolean
on_probe_report (gpointer user_data)
{
  Report *report = user_data;

  if (report->run->write_errno == 0 && !print_responders (report->sender, report->run))
    output_failed (report->run, G_OBJECT (report->sender));

  return G_SOURCE_CONTINUE;
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
                   Run          *run)
{
  guint sent = chorus_sender_get_n_sent (sender);
  guint settled = chorus_sender_get_n_settled (sender);
  guint heard = count_heard (sender);
  guint tagged = chorus_sender_get_n_tagged (sender);
  guint untagged = chorus_sender_get_n_untagged (sender);
  gboolean printed;

  if (run->write_errno != 0)
    {
      finish_run (run);
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

  if (!printed && run->write_errno == 0)
    run->write_errno = errno != 0 ? errno : EIO;

  finish_run (run);
}

static int
command_probe (int    argc,
               char **argv)
{
  g_autofree char *group_text = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *ttl_text = NULL;
  g_autofree char *wait_text = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *interval_text = NULL;
  g_autofree char *spread_text = NULL;
  g_autofree char *report_text = NULL;
  g_autofree char *expect_text = NULL;
  g_autofree char *interface = NULL;
  gboolean no_loopback = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING, &group_text,
      "Multicast group (default " CHORUS_DEFAULT_GROUP ")", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text, "UDP port (default 10000)", "PORT" },
    { "ttl", 't', 0, G_OPTION_ARG_STRING, &ttl_text, "Time to live, 0–255 (default 1)", "N" },
    { "interface", 'I', 0, G_OPTION_ARG_STRING, &interface,
      "Send by way of this network interface (default: as routed)", "NAME" },
    { "no-loopback", 0, 0, G_OPTION_ARG_NONE, &no_loopback,
      "Receivers on this host do not get the probes", NULL },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &count_text,
      "Probes to send; 0 until interrupted (default 0)", "N" },
    { "interval", 'i', 0, G_OPTION_ARG_STRING, &interval_text,
      "Seconds between probes, at least 0.01 (default 1)", "SECONDS" },
    { "wait", 'w', 0, G_OPTION_ARG_STRING, &wait_text,
      "Seconds to wait for a probe's answers, after its spread (default 1)", "SECONDS" },
    { "spread", 's', 0, G_OPTION_ARG_STRING, &spread_text,
      "Ask Chorus receivers to spread their answers over this many seconds, up to 10 "
      "(default 0)", "SECONDS" },
    { "report", 'r', 0, G_OPTION_ARG_STRING, &report_text,
      "Print every responder's statistics this often while running", "SECONDS" },
    { "expect", 0, 0, G_OPTION_ARG_STRING, &expect_text,
      "Exit 1 unless at least N hosts answered (default 1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("[MESSAGE] — probe a group: who hears it, and how well");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusGroup) group = NULL;
  g_autoptr(ChorusSender) sender = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const char *message = "";
  guint16 port = CHORUS_DEFAULT_PORT;
  guint ifindex = 0;
  guint8 ttl = CHORUS_DEFAULT_TTL;
  guint count = 0;
  guint expect = 1;
  double wait = 1;
  double interval = 1;
  double spread = 0;
  double report_every = 0;
  guint report_id = 0;
  guint signal_ids[2];
  int status;
  Run run = { 0 };
  Report report;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Chorus receivers answer each probe with its number, so loss, duplicates, order,\n"
    "round trip, jitter and hops are exact. Classic receivers (any that answer “ack”)\n"
    "are counted too, their answers matched to probes by time.\n"
    "\n"
    "Exit status: 0 if at least --expect hosts (default 1) answered; 1 if fewer did,\n"
    "sending failed or the output could not be written; 2 for invalid input.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return invalid ("probe", error);

  if (argc > 3)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "Give the message as one argument (quote it if it has spaces)");
      return invalid ("probe", error);
    }
  if (argc == 3)
    message = argv[2];

  if (!(group = chorus_group_parse (group_text ? group_text : CHORUS_DEFAULT_GROUP, &error))
      || (port_text && !chorus_parse_port (port_text, &port, &error))
      || (ttl_text && !chorus_parse_ttl (ttl_text, &ttl, &error))
      || (wait_text && !chorus_parse_seconds (wait_text, _("Wait time"), 0, &wait, &error))
      || (count_text && !chorus_parse_probe_count (count_text, &count, &error))
      || (interval_text
          && !chorus_parse_seconds (interval_text, _("Interval"), 0.01, &interval, &error))
      || (spread_text && !chorus_parse_seconds (spread_text, _("Spread"), 0, &spread, &error))
      || (report_text
          && !chorus_parse_seconds (report_text, _("Report interval"), 0.1, &report_every, &error))
      || (expect_text && !chorus_parse_count (expect_text, &expect, &error))
      || !chorus_parse_interface (interface, &ifindex, &error)
      || !chorus_check_group_interface (group, ifindex, &error))
    return invalid ("probe", error);

  if (spread > 10)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("The spread is at most 10 seconds"));
      return invalid ("probe", error);
    }

  g_free (group_text);
  group_text = chorus_group_to_string (group);

  sender = g_object_new (CHORUS_TYPE_SENDER,
                         "probe", TRUE,
                         "group", group_text,
                         "port", (guint) port,
                         "ttl", (guint) ttl,
                         "loopback", !no_loopback,
                         "wait", wait,
                         "count", count,
                         "interval", interval,
                         "spread", spread,
                         "text", message,
                         "interface", interface,
                         /* Printed as they come: keep few. */
                         "capacity", 16,
                         NULL);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.json = json;
  run.command = "probe";
  watch_output (&run, G_OBJECT (sender));

  g_signal_connect (sender, "probe-sent", G_CALLBACK (on_probe_probe_sent), &run);
  g_signal_connect (sender, "ack-received", G_CALLBACK (on_probe_ack_received), &run);
  g_signal_connect (sender, "failed", G_CALLBACK (on_send_failed), &run);
  g_signal_connect (sender, "finished", G_CALLBACK (on_probe_finished), &run);

  watch_stop_signals (G_OBJECT (sender), signal_ids);

  /* Probes too large for the group are refused here, before anything is
   * sent: that is invalid input. */
  if (!chorus_sender_start (sender, &error))
    {
      gboolean too_large = g_error_matches (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE);

      g_printerr ("chorus-cli probe: %s\n", error->message);
      g_source_remove (signal_ids[0]);
      g_source_remove (signal_ids[1]);
      g_clear_handle_id (&run.output_watch, g_source_remove);
      return too_large ? EXIT_INVALID : EXIT_NO_ACK;
    }

  report = (Report) { &run, sender };
  if (report_every > 0)
    report_id = g_timeout_add ((guint) (report_every * 1000 + 0.5), on_probe_report, &report);

  run_loop (&run);
  g_clear_handle_id (&report_id, g_source_remove);
  g_source_remove (signal_ids[0]);
  g_source_remove (signal_ids[1]);

  if ((status = output_status (&run)) >= 0)
    return status;

  if (run.failed)
    return EXIT_NO_ACK;

  return count_heard (sender) >= MAX (expect, 1) ? EXIT_ACKED : EXIT_NO_ACK;
}

/* receive */

/* Each message, as the receiver lends it: no object is made for it. */
static void
on_message_received (ChorusReceiver          *receiver,
                     const ChorusMessageInfo *message,
                     gpointer                 user_data)
{
  Run *run = user_data;
  gboolean printed;

  if (run->json)
    {
      GString *line = chorus_json_begin ("message");

      chorus_json_add_string (line, "from", message->address);
      chorus_json_add_int (line, "port", message->port);
      if (message->group != NULL)
        chorus_json_add_string (line, "group", message->group);
      chorus_json_add_int (line, "bytes", (gint64) message->size);
      chorus_json_add_payload_data (line, message->data, message->size);
      if (message->ttl >= 0)
        chorus_json_add_int (line, "ttl", message->ttl);
      if (message->probe)
        {
          g_autofree char *session = g_strdup_printf ("%016" G_GINT64_MODIFIER "x",
                                                      message->session);

          chorus_json_add_int (line, "seq", message->seq);
          chorus_json_add_string (line, "session", session);
        }
      printed = chorus_json_print (line);
    }
  else
    {
      /* One line per message under a flood: no printf. */
      GString *line = chorus_cli_line_new ();

      chorus_cli_append_time (line, message->arrival_usec);
      g_string_append (line, "  from ");
      g_string_append (line, message->address);
      g_string_append_c (line, ':');
      chorus_cli_append_number (line, message->port);
      /* Which of several groups it came by. */
      if (g_list_model_get_n_items (chorus_receiver_get_groups (receiver)) > 1
          && message->group != NULL)
        {
          g_string_append (line, " to ");
          g_string_append (line, message->group);
        }
      g_string_append (line, ", ");
      chorus_cli_append_number (line, message->size);
      if (message->probe)
        {
          g_string_append (line, " bytes, probe ");
          chorus_cli_append_number (line, message->seq);
        }
      else
        g_string_append (line, " bytes");
      g_string_append (line, ": \"");
      chorus_text_append_escaped (line, message->data, message->size);
      g_string_append (line, "\"\n");
      printed = chorus_cli_print_line (line);
    }

  if (!printed)
    output_failed (run, G_OBJECT (receiver));
}

static void
on_running_changed (ChorusReceiver *receiver,
                    GParamSpec     *pspec,
                    Run            *run)
{
  if (!chorus_receiver_get_running (receiver))
    finish_run (run);
}

/* The interface went away or down, or came back and was joined again. */
static void
on_problem_changed (ChorusReceiver *receiver,
                    GParamSpec     *pspec,
                    Run            *run)
{
  const char *problem = chorus_receiver_get_problem (receiver);
  gboolean printed = TRUE;

  /* Stopping clears the problem too; that is not a rejoin. */
  if (!chorus_receiver_get_running (receiver) || run->write_errno != 0)
    return;

  if (run->json)
    {
      GString *line = chorus_json_begin (problem != NULL ? "warning" : "rejoined");

      if (problem != NULL)
        chorus_json_add_string (line, "message", problem);
      chorus_json_add_string (line, "group", chorus_receiver_get_group (receiver));
      chorus_json_add_string (line, "interface", chorus_receiver_get_interface (receiver));
      printed = chorus_json_print (line);
    }
  else if (problem != NULL)
    {
      g_printerr ("warning: %s; nothing arrives until it is back\n", problem);
    }
  else
    {
      g_printerr ("joined %s on %s again\n", chorus_receiver_get_group (receiver),
                  chorus_receiver_get_interface (receiver));
    }

  if (!printed)
    output_failed (run, G_OBJECT (receiver));
}

/* One line per prober heard: a one-way view of how well its probes
 * arrive. */
static gboolean
print_sources (ChorusReceiver *receiver,
               Run            *run)
{
  GListModel *sources = chorus_receiver_get_sources (receiver);
  guint n = g_list_model_get_n_items (sources);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusSource) source = g_list_model_get_item (sources, i);
      const ChorusSenderStats *stats = chorus_source_get_stats (source);
      g_autofree char *session = g_strdup_printf ("%016" G_GINT64_MODIFIER "x",
                                                  chorus_source_get_session (source));

      if (run->json)
        {
          GString *line = chorus_json_begin ("sender");

          chorus_json_add_string (line, "from", chorus_source_get_address (source));
          chorus_json_add_int (line, "port", chorus_source_get_port (source));
          chorus_json_add_string (line, "session", session);
          chorus_json_add_int (line, "received", stats->received);
          chorus_json_add_int (line, "lost", stats->lost);
          chorus_json_add_fixed2 (line, "loss_pct", chorus_source_get_loss (source));
          chorus_json_add_int (line, "duplicates", stats->duplicates);
          chorus_json_add_int (line, "reordered", stats->reordered);
          if (stats->ttl >= 0)
            chorus_json_add_int (line, "ttl", stats->ttl);
          else
            chorus_json_add_null (line, "ttl");
          chorus_json_add_int (line, "first_seq", stats->first_seq);
          chorus_json_add_int (line, "last_seq", stats->highest_seq);
          chorus_json_add_fixed2 (line, "rate", chorus_source_get_rate (source));
          if (!chorus_json_print (line))
            return FALSE;
        }
      else
        {
          g_printerr ("probes from %s:%u (session %s): %" G_GUINT64_FORMAT " received, %"
                      G_GUINT64_FORMAT " lost (%.2f%%), %" G_GUINT64_FORMAT " duplicates, %"
                      G_GUINT64_FORMAT " reordered, ttl %d, %.2f/s\n",
                      chorus_source_get_address (source), chorus_source_get_port (source),
                      session, stats->received, stats->lost, chorus_source_get_loss (source),
                      stats->duplicates, stats->reordered, stats->ttl,
                      chorus_source_get_rate (source));
        }
    }

  return TRUE;
}

typedef struct
{
  Run *run;
  ChorusReceiver *receiver;
} ReceiveReport;

static gboolean
on_receive_report (gpointer user_data)
{
  ReceiveReport *report = user_data;

  if (report->run->write_errno == 0 && !print_sources (report->receiver, report->run))
    output_failed (report->run, G_OBJECT (report->receiver));

  return G_SOURCE_CONTINUE;
}

/* Each group's count, when there are several. */
static gboolean
print_group_counts (ChorusReceiver *receiver,
                    Run            *run)
{
  GListModel *groups = chorus_receiver_get_groups (receiver);
  guint n = g_list_model_get_n_items (groups);

  if (n < 2)
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusMembership) membership = g_list_model_get_item (groups, i);
      guint64 received = chorus_membership_get_received (membership);

      if (run->json)
        {
          GString *line = chorus_json_begin ("group");

          chorus_json_add_string (line, "group", chorus_membership_get_group (membership));
          chorus_json_add_bool (line, "joined", chorus_membership_get_joined (membership));
          chorus_json_add_int (line, "received", received);
          if (!chorus_json_print (line))
            return FALSE;
        }
      else
        {
          g_printerr ("%s: %" G_GUINT64_FORMAT " %s%s\n", chorus_membership_get_group (membership),
                      received, received == 1 ? "message" : "messages",
                      chorus_membership_get_joined (membership) ? "" : " (not joined)");
        }
    }

  return TRUE;
}

/* Groups that could not be joined, or whose sources could not all be
 * kept out, one warning each: the others are received all the same. */
static gboolean
print_join_problems (ChorusReceiver *receiver,
                     Run            *run)
{
  GListModel *groups = chorus_receiver_get_groups (receiver);
  guint n = g_list_model_get_n_items (groups);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusMembership) membership = g_list_model_get_item (groups, i);
      const char *problem = chorus_membership_get_problem (membership);

      if (problem == NULL)
        continue;

      if (run->json)
        {
          GString *line = chorus_json_begin ("warning");

          chorus_json_add_string (line, "message", problem);
          chorus_json_add_string (line, "group", chorus_membership_get_group (membership));
          chorus_json_add_bool (line, "joined", chorus_membership_get_joined (membership));
          if (!chorus_json_print (line))
            return FALSE;
        }
      else
        {
          g_printerr ("warning: %s\n", problem);
        }
    }

  return TRUE;
}

/* What was received and answered, once the receiver stopped. */
static void
print_receive_summary (ChorusReceiver *receiver,
                       Run            *run)
{
  guint64 received = chorus_receiver_get_n_received (receiver);
  guint64 replied = chorus_receiver_get_n_replied (receiver);
  guint64 unanswered = chorus_receiver_get_n_unanswered (receiver);

  if (run->write_errno != 0)
    return;

  if (!print_sources (receiver, run) || !print_group_counts (receiver, run))
    {
      run->write_errno = errno != 0 ? errno : EIO;
      return;
    }

  if (run->json)
    {
      GString *line = chorus_json_begin ("summary");

      chorus_json_add_string (line, "group", chorus_receiver_get_group (receiver));
      chorus_json_add_int (line, "port", chorus_receiver_get_port (receiver));
      chorus_json_add_int (line, "received", received);
      chorus_json_add_int (line, "replied", replied);
      chorus_json_add_int (line, "unanswered", unanswered);
      for (ChorusReplyVerdict v = CHORUS_REPLY_ANSWER + 1; v < CHORUS_REPLY_N_VERDICTS; v++)
        chorus_json_add_int (line, chorus_reply_verdict_to_string (v),
                             chorus_receiver_get_n_refused (receiver, v));
      chorus_json_add_int (line, "ignored", chorus_receiver_get_n_ignored (receiver));
      if (!chorus_json_print (line))
        run->write_errno = errno != 0 ? errno : EIO;
      return;
    }

  g_printerr ("%" G_GUINT64_FORMAT " %s received, %" G_GUINT64_FORMAT " answered",
              received, received == 1 ? "message" : "messages", replied);
  if (unanswered > 0)
    g_printerr (", %" G_GUINT64_FORMAT " not answered (%" G_GUINT64_FORMAT " over the rate, "
                "%" G_GUINT64_FORMAT " smaller than the reply, %" G_GUINT64_FORMAT
                " from an address that cannot ask)",
                unanswered, chorus_receiver_get_n_refused (receiver, CHORUS_REPLY_REFUSE_RATE),
                chorus_receiver_get_n_refused (receiver, CHORUS_REPLY_REFUSE_SIZE),
                chorus_receiver_get_n_refused (receiver, CHORUS_REPLY_REFUSE_SOURCE));
  g_printerr ("\n");
}

/* Values of a repeatable option, each perhaps a list itself, as one list. */
static char *
join_values (char       **values,
             const char  *fallback)
{
  if (values == NULL || values[0] == NULL)
    return g_strdup (fallback);

  return g_strjoinv (",", values);
}

/* Invalid settings are the user's to fix (2); the rest is the system's (1). */
static gboolean
is_invalid_input (const GError *error)
{
  return error->domain == CHORUS_ERROR
         && (error->code == CHORUS_ERROR_INVALID_GROUP || error->code == CHORUS_ERROR_INVALID_VALUE
             || error->code == CHORUS_ERROR_INVALID_INTERFACE
             || error->code == CHORUS_ERROR_UNSUPPORTED);
}

static int
command_receive (int    argc,
                 char **argv)
{
  g_auto(GStrv) group_values = NULL;
  g_auto(GStrv) source_values = NULL;
  g_auto(GStrv) exclude_values = NULL;
  g_autofree char *group_text = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *excluded = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *burst_text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *report_text = NULL;
  gboolean no_reply = FALSE;
  gboolean allow_larger = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING_ARRAY, &group_values,
      "Multicast group to join (default " CHORUS_DEFAULT_GROUP "); repeat it, or give a list "
      "or a range (239.1.1.1+9), for several on the port", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text, "UDP port (default 10000)", "PORT" },
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &source_values,
      "Receive only from this sender (source-specific multicast); repeatable", "ADDR" },
    { "exclude-source", 'x', 0, G_OPTION_ARG_STRING_ARRAY, &exclude_values,
      "Keep out what this sender sends to the groups; repeatable", "ADDR" },
    { "reply", 'r', 0, G_OPTION_ARG_STRING, &reply,
      "Answer with TEXT (default “ack”)", "TEXT" },
    { "interface", 'I', 0, G_OPTION_ARG_STRING, &interface,
      "Join on this network interface (default: as routed)", "NAME" },
    { "no-reply", 0, 0, G_OPTION_ARG_NONE, &no_reply, "Do not answer", NULL },
    { "reply-rate", 0, 0, G_OPTION_ARG_STRING, &rate_text,
      "Answer one sender at most N times a second (default 100; 0: no limit)", "N" },
    { "reply-burst", 0, 0, G_OPTION_ARG_STRING, &burst_text,
      "Answers one sender may have at once (default 100)", "N" },
    { "allow-larger-replies", 0, 0, G_OPTION_ARG_NONE, &allow_larger,
      "Answer with a reply larger than the message it answers", NULL },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &count_text,
      "Exit after N messages (default: until interrupted)", "N" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      "Call this receiver TEXT in answers to Chorus probes (default: the host name)", "TEXT" },
    { "report", 0, 0, G_OPTION_ARG_STRING, &report_text,
      "Print the statistics of every Chorus prober heard this often", "SECONDS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— join a group, show and answer what arrives");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  ChorusGroup *group;
  g_autoptr(ChorusReceiver) receiver = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint16 port = CHORUS_DEFAULT_PORT;
  guint ifindex = 0;
  guint count = 0;
  guint rate = (guint) CHORUS_REPLY_DEFAULT_RATE;
  guint burst = CHORUS_REPLY_DEFAULT_BURST;
  double report_every = 0;
  guint report_id = 0;
  guint signal_ids[2];
  int status;
  Run run = { 0 };
  ReceiveReport report;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Answers go only to unicast senders, are never larger than the message they answer\n"
    "(unless --allow-larger-replies) and are limited per sender (--reply-rate).\n"
    "\n"
    "Exit status: 0 on a clean stop (also on SIGINT or SIGTERM); 1 if the port or group\n"
    "cannot be used or the output could not be written; 2 for invalid input.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return invalid ("receive", error);

  if (argc > 2)
    {
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Unexpected argument “%s”", argv[2]);
      return invalid ("receive", error);
    }

  group_text = join_values (group_values, CHORUS_DEFAULT_GROUP);
  sources = join_values (source_values, "");
  excluded = join_values (exclude_values, "");

  if (!(groups = chorus_group_parse_list (group_text, CHORUS_RECEIVER_MAX_GROUPS, &error))
      || (port_text && !chorus_parse_port (port_text, &port, &error))
      || (count_text && !chorus_parse_count (count_text, &count, &error))
      || (rate_text && !chorus_parse_rate (rate_text, &rate, &error))
      || (burst_text && !chorus_parse_count (burst_text, &burst, &error))
      || (report_text
          && !chorus_parse_seconds (report_text, _("Report interval"), 0.1, &report_every, &error))
      || !chorus_parse_interface (interface, &ifindex, &error))
    return invalid ("receive", error);

  /* The reply's size limit is the family's, the same for every group. */
  group = g_ptr_array_index (groups, 0);

  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "The name is not valid UTF-8");
      return invalid ("receive", error);
    }

  if (reply != NULL && !g_utf8_validate (reply, -1, NULL))
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "The reply text is not valid UTF-8");
      return invalid ("receive", error);
    }

  if (reply != NULL && strlen (reply) > chorus_group_get_max_payload (group))
    {
      chorus_check_payload_size (group, strlen (reply), &error);
      return invalid ("receive", error);
    }

  /* As Chorus reads them: ranges become their groups. */
  {
    GString *texts = g_string_new (NULL);

    for (guint i = 0; i < groups->len; i++)
      {
        g_autofree char *text = chorus_group_to_string (g_ptr_array_index (groups, i));

        g_string_append_printf (texts, "%s%s", i > 0 ? "," : "", text);
      }
    g_free (group_text);
    group_text = g_string_free (texts, FALSE);
  }

  receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                           "group", group_text,
                           "include-sources", sources,
                           "exclude-sources", excluded,
                           "port", (guint) port,
                           "reply", reply ? reply : CHORUS_DEFAULT_REPLY,
                           "answer", !no_reply,
                           "limit", (guint64) count,
                           "interface", interface,
                           "reply-rate", (double) rate,
                           "reply-burst", burst,
                           "allow-larger-replies", allow_larger,
                           "name", name,
                           /* The terminal is the history; keep little. */
                           "capacity", 16,
                           NULL);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.json = json;
  run.command = "receive";
  watch_output (&run, G_OBJECT (receiver));

  /* Before "ready": whoever reads it may signal us at once. */
  watch_stop_signals (G_OBJECT (receiver), signal_ids);
  chorus_receiver_set_message_func (receiver, on_message_received, &run, NULL);

  if (!chorus_receiver_start (receiver, &error))
    {
      g_source_remove (signal_ids[0]);
      g_source_remove (signal_ids[1]);
      g_clear_handle_id (&run.output_watch, g_source_remove);
      if (is_invalid_input (error))
        return invalid ("receive", error);
      g_printerr ("chorus-cli receive: %s\n", error->message);
      return 1;
    }

  if (!print_join_problems (receiver, &run))
    output_failed (&run, G_OBJECT (receiver));

  g_signal_connect (receiver, "notify::running", G_CALLBACK (on_running_changed), &run);
  g_signal_connect (receiver, "notify::problem", G_CALLBACK (on_problem_changed), &run);

  if (json)
    {
      GString *line = chorus_json_begin ("ready");

      chorus_json_add_string (line, "group", group_text);
      chorus_json_add_int (line, "port", port);
      if (!chorus_json_print (line))
        output_failed (&run, G_OBJECT (receiver));
    }
  else
    {
      g_printerr ("listening to %s on port %u%s\n", group_text, port,
                  no_reply ? ", not answering" : "");
    }

  report = (ReceiveReport) { &run, receiver };
  if (report_every > 0)
    report_id = g_timeout_add ((guint) (report_every * 1000 + 0.5), on_receive_report, &report);

  run_loop (&run);
  g_clear_handle_id (&report_id, g_source_remove);
  g_source_remove (signal_ids[0]);
  g_source_remove (signal_ids[1]);

  print_receive_summary (receiver, &run);
  if ((status = output_status (&run)) >= 0)
    return status;

  return 0;
}

/* With stdin, stdout or stderr closed, the next file we open (a socket,
 * GLib's wake-up descriptor) would take its number, and our output would
 * go there. Hold each closed one with /dev/null, opened so that writing
 * to stdout still fails as it would have (EBADF): that ends the program
 * with a message, as any other write error does. */
static void
keep_standard_fds (void)
{
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    {
      int flags = fd == STDERR_FILENO ? O_WRONLY : O_RDONLY;
      int held;

      if (fcntl (fd, F_GETFD) >= 0 || errno != EBADF)
        continue;

      held = open ("/dev/null", flags | O_CLOEXEC);
      if (held >= 0 && held != fd)
        {
          dup2 (held, fd);
          close (held);
        }
    }
}

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  chorus-cli send [OPTION…] [MESSAGE]   send to a group and list who answers\n"
           "  chorus-cli probe [OPTION…] [MESSAGE]  probe a group: who hears it, and how well\n"
           "  chorus-cli receive [OPTION…]          join a group, show and answer what arrives\n"
           "  chorus-cli interfaces [OPTION…]       list the network interfaces\n"
           "  chorus-cli explain [OPTION…] ADDR     what a group address is, what to watch out for\n"
           "  chorus-cli ping [OPTION…] SERVER      does a multicast ping server's multicast reach us?\n"
           "  chorus-cli serve [OPTION…]            answer ssmping, asmping and RFC 6450 clients\n"
           "\n"
           "Run “chorus-cli COMMAND --help” for the options of a command.\n");
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("CHORUS_LOCALEDIR");

  /* meson devenv points CHORUS_LOCALEDIR at the build tree. */
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A reader that went away must not kill us mid-line. */
  signal (SIGPIPE, SIG_IGN);

  keep_standard_fds ();

  if (argc < 2)
    {
      usage (stderr);
      return EXIT_INVALID;
    }

  if (g_str_equal (argv[1], "send"))
    return command_send (argc, argv);
  if (g_str_equal (argv[1], "probe"))
    return command_probe (argc, argv);
  if (g_str_equal (argv[1], "receive"))
    return command_receive (argc, argv);
  if (g_str_equal (argv[1], "interfaces"))
    return chorus_cli_interfaces (argc, argv);
  if (g_str_equal (argv[1], "explain"))
    return chorus_cli_explain (argc, argv);
  if (g_str_equal (argv[1], "ping"))
    return chorus_cli_ping (argc, argv);
  if (g_str_equal (argv[1], "serve"))
    return chorus_cli_serve (argc, argv);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("chorus-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_printerr ("chorus-cli: unknown command “%s”\n", argv[1]);
  usage (stderr);
  return EXIT_INVALID;
}
