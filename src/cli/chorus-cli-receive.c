/* chorus-cli-receive.c: chorus-cli receive, join a group, show and
 * answer what arrives
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
#include "chorus-error.h"
#include "chorus-receiver.h"
#include "chorus-text.h"

/* Each message, as the receiver lends it: no object is made for it. */
static void
on_message_received (ChorusReceiver          *receiver,
                     const ChorusMessageInfo *message,
                     gpointer                 user_data)
{
  ChorusCliRun *run = user_data;
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
    chorus_cli_run_output_failed (run);
}

static void
on_running_changed (ChorusReceiver *receiver,
                    GParamSpec     *pspec,
                    ChorusCliRun   *run)
{
  if (!chorus_receiver_get_running (receiver))
    chorus_cli_run_finish (run);
}

/* The interface went away or down, or came back and was joined again. */
static void
on_problem_changed (ChorusReceiver *receiver,
                    GParamSpec     *pspec,
                    ChorusCliRun   *run)
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
    chorus_cli_run_output_failed (run);
}

/* One line per prober heard: a one-way view of how well its probes
 * arrive. Every --report, and at the end. */
static gboolean
print_sources (ChorusReceiver *receiver,
               ChorusCliRun   *run)
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

/* Each group's count, when there are several. */
static gboolean
print_group_counts (ChorusReceiver *receiver,
                    ChorusCliRun   *run)
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
                     ChorusCliRun   *run)
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
                       ChorusCliRun   *run)
{
  guint64 received = chorus_receiver_get_n_received (receiver);
  guint64 replied = chorus_receiver_get_n_replied (receiver);
  guint64 unanswered = chorus_receiver_get_n_unanswered (receiver);

  if (run->write_errno != 0)
    return;

  if (!print_sources (receiver, run) || !print_group_counts (receiver, run))
    {
      chorus_cli_run_write_failed (run);
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
        chorus_cli_run_write_failed (run);
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


static const ChorusCliCommand receive_command = {
  .name = "receive",
  .parameter_string = "— join a group, show and answer what arrives",
  .description =
    "Answers go only to unicast senders, are never larger than the message they answer\n"
    "(unless --allow-larger-replies) and are limited per sender (--reply-rate).\n"
    "\n"
    "Exit status: 0 on a clean stop (also on SIGINT or SIGTERM); 1 if the port or group\n"
    "cannot be used or the output could not be written; 2 for invalid input.",
  .role = CHORUS_CLI_JOINS,
  .timing = CHORUS_CLI_TIMING_STREAM,
  .reports_on = "Chorus prober",
  .default_port = CHORUS_DEFAULT_PORT,
};

int
chorus_cli_receive (int    argc,
                    char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&receive_command);
  g_auto(GStrv) group_values = NULL;
  g_auto(GStrv) source_values = NULL;
  g_auto(GStrv) exclude_values = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *burst_text = NULL;
  g_autofree char *name = NULL;
  gboolean no_reply = FALSE;
  gboolean allow_larger = FALSE;
  const GOptionEntry group_entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING_ARRAY, &group_values,
      "Multicast group to join (default " CHORUS_DEFAULT_GROUP "); repeat it, or give a list "
      "or a range (239.1.1.1+9), for several on the port", "ADDR" },
    { NULL }
  };
  const GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING_ARRAY, &source_values,
      "Receive only from this sender (source-specific multicast); repeatable", "ADDR" },
    { "exclude-source", 'x', 0, G_OPTION_ARG_STRING_ARRAY, &exclude_values,
      "Keep out what this sender sends to the groups; repeatable", "ADDR" },
    { "reply", 'r', 0, G_OPTION_ARG_STRING, &reply,
      "Answer with TEXT (default “ack”)", "TEXT" },
    { NULL }
  };
  const GOptionEntry answer_entries[] = {
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
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *group_text = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *excluded = NULL;
  ChorusGroup *group;
  g_autoptr(ChorusReceiver) receiver = NULL;
  guint count = 0;
  guint rate = (guint) CHORUS_REPLY_DEFAULT_RATE;
  guint burst = CHORUS_REPLY_DEFAULT_BURST;
  g_auto(ChorusCliRun) run = { 0 };
  int status;

  chorus_cli_options_add_entries (options, group_entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_PORT, CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_INTERFACE, CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, answer_entries);
  /* --report has no -r here: that is --reply. */
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_REPORT, CHORUS_CLI_OPTION_JSON,
                          CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error))
    return chorus_cli_invalid ("receive", error);

  if (argc > 2)
    {
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Unexpected argument “%s”", argv[2]);
      return chorus_cli_invalid ("receive", error);
    }

  group_text = join_values (group_values, CHORUS_DEFAULT_GROUP);
  sources = join_values (source_values, "");
  excluded = join_values (exclude_values, "");

  if (!(groups = chorus_group_parse_list (group_text, CHORUS_RECEIVER_MAX_GROUPS, &error))
      || !chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_PORT, CHORUS_CLI_OPTION_END)
      || (count_text && !chorus_parse_count (count_text, &count, &error))
      || (rate_text && !chorus_parse_rate (rate_text, &rate, &error))
      || (burst_text && !chorus_parse_count (burst_text, &burst, &error))
      || !chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_REPORT,
                                    CHORUS_CLI_OPTION_INTERFACE, CHORUS_CLI_OPTION_END))
    return chorus_cli_invalid ("receive", error);

  /* The reply's size limit is the family's, the same for every group. */
  group = g_ptr_array_index (groups, 0);

  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "The name is not valid UTF-8");
      return chorus_cli_invalid ("receive", error);
    }

  if (reply != NULL && !g_utf8_validate (reply, -1, NULL))
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "The reply text is not valid UTF-8");
      return chorus_cli_invalid ("receive", error);
    }

  if (reply != NULL && strlen (reply) > chorus_group_get_max_payload (group))
    {
      chorus_check_payload_size (group, strlen (reply), &error);
      return chorus_cli_invalid ("receive", error);
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
                           "port", (guint) options->port,
                           "reply", reply ? reply : CHORUS_DEFAULT_REPLY,
                           "answer", !no_reply,
                           "limit", (guint64) count,
                           "interface", options->interface,
                           "reply-rate", (double) rate,
                           "reply-burst", burst,
                           "allow-larger-replies", allow_larger,
                           "name", name,
                           /* The terminal is the history; keep little. */
                           "capacity", 16,
                           NULL);

  /* Before "ready": whoever reads it may signal us at once. */
  chorus_cli_run_begin (&run, "receive", options->json, receiver,
                        (ChorusCliStopFunc) chorus_receiver_stop);
  chorus_receiver_set_message_func (receiver, on_message_received, &run, NULL);

  if (!chorus_receiver_start (receiver, &error))
    {
      if (is_invalid_input (error))
        return chorus_cli_invalid ("receive", error);
      g_printerr ("chorus-cli receive: %s\n", error->message);
      return 1;
    }

  if (!print_join_problems (receiver, &run))
    chorus_cli_run_output_failed (&run);

  g_signal_connect (receiver, "notify::running", G_CALLBACK (on_running_changed), &run);
  g_signal_connect (receiver, "notify::problem", G_CALLBACK (on_problem_changed), &run);

  if (options->json)
    {
      GString *line = chorus_json_begin ("ready");

      chorus_json_add_string (line, "group", group_text);
      chorus_json_add_int (line, "port", options->port);
      if (!chorus_json_print (line))
        chorus_cli_run_output_failed (&run);
    }
  else
    {
      g_printerr ("listening to %s on port %u%s\n", group_text, options->port,
                  no_reply ? ", not answering" : "");
    }

  chorus_cli_run_report_every (&run, options->report, (ChorusCliReportFunc) print_sources);

  chorus_cli_run_loop (&run);
  chorus_cli_run_end (&run);

  print_receive_summary (receiver, &run);
  if ((status = chorus_cli_run_output_status (&run)) >= 0)
    return status;

  return 0;
}
