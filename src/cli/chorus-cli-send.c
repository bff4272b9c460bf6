/* chorus-cli-send.c: chorus-cli send, send to a group and list who
 * answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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
on_probe_sent (ChorusSender *sender,
               guint         probe,
               ChorusCliRun *run)
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
    chorus_cli_run_output_failed (run);
}

static void
on_ack_received (ChorusSender *sender,
                 ChorusAck    *ack,
                 ChorusCliRun *run)
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
    chorus_cli_run_output_failed (run);
}

static void
on_send_finished (ChorusSender *sender,
                  ChorusCliRun *run)
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
      chorus_cli_run_finish (run);
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

  if (!printed)
    chorus_cli_run_write_failed (run);

  chorus_cli_run_finish (run);
}


static const ChorusCliCommand send_command = {
  .name = "send",
  .parameter_string = "[MESSAGE] — send to a group, list who answers",
  .description =
    "Exit status: 0 if at least one reply arrived; 1 if none did, sending failed or the\n"
    "output could not be written; 2 for invalid input.",
  .role = CHORUS_CLI_SENDS,
  .timing = CHORUS_CLI_TIMING_BURST,
  .sends = "probe",
  .sends_plural = "probes",
  .default_port = CHORUS_DEFAULT_PORT,
};

int
chorus_cli_send (int    argc,
                 char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&send_command);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSender) sender = NULL;
  const char *message = CHORUS_DEFAULT_MESSAGE;
  g_auto(ChorusCliRun) run = { 0 };
  int status;

  chorus_cli_options_add (options, CHORUS_CLI_OPTION_GROUP, CHORUS_CLI_OPTION_PORT,
                          CHORUS_CLI_OPTION_TTL, CHORUS_CLI_OPTION_WAIT, CHORUS_CLI_OPTION_COUNT,
                          CHORUS_CLI_OPTION_INTERVAL, CHORUS_CLI_OPTION_INTERFACE,
                          CHORUS_CLI_OPTION_NO_LOOPBACK, CHORUS_CLI_OPTION_JSON,
                          CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error))
    return chorus_cli_invalid ("send", error);

  if (!chorus_cli_take_message (argc, argv, &message, &error))
    return chorus_cli_invalid ("send", error);

  if (!chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_GROUP, CHORUS_CLI_OPTION_PORT,
                                 CHORUS_CLI_OPTION_TTL, CHORUS_CLI_OPTION_WAIT,
                                 CHORUS_CLI_OPTION_COUNT, CHORUS_CLI_OPTION_INTERVAL,
                                 CHORUS_CLI_OPTION_INTERFACE, CHORUS_CLI_OPTION_END)
      || !chorus_check_group_interface (options->group, options->ifindex, &error)
      || !chorus_check_payload_size (options->group, strlen (message), &error))
    return chorus_cli_invalid ("send", error);

  sender = chorus_cli_sender_new (options, message);

  chorus_cli_run_begin (&run, "send", options->json, sender,
                        (ChorusCliStopFunc) chorus_sender_stop);

  g_signal_connect (sender, "probe-sent", G_CALLBACK (on_probe_sent), &run);
  g_signal_connect (sender, "ack-received", G_CALLBACK (on_ack_received), &run);
  g_signal_connect (sender, "failed", G_CALLBACK (chorus_cli_run_on_failed), &run);
  g_signal_connect (sender, "finished", G_CALLBACK (on_send_finished), &run);

  if (!chorus_sender_start (sender, &error))
    {
      g_printerr ("chorus-cli send: %s\n", error->message);
      return EXIT_NO_ACK;
    }

  chorus_cli_run_loop (&run);
  chorus_cli_run_end (&run);

  if ((status = chorus_cli_run_output_status (&run)) >= 0)
    return status;

  /* The network refused mid-run: whatever arrived, the run was not what
   * was asked for. */
  if (run.failed)
    return EXIT_NO_ACK;

  return chorus_sender_get_n_acks (sender) > 0 ? EXIT_ACKED : EXIT_NO_ACK;
}
