/* chorus-cli-ping.c: chorus-cli ping, does a server's multicast reach
 * this host? (ssmping, asmping and RFC 6450)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <errno.h>
#include <signal.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-output.h"
#include "chorus-error.h"
#include "chorus-mping-client.h"

enum {
  EXIT_MULTICAST = 0,
  EXIT_NO_MULTICAST = 1,
  EXIT_INVALID = 2,
};

typedef struct
{
  GMainLoop *loop;
  ChorusMpingClient *client;
  gboolean json;
  gboolean failed;
  gboolean done;
  guint output_watch;
  int write_errno;
} Ping;

static int
invalid (GError *error)
{
  g_printerr ("chorus-cli ping: %s\n", error->message);
  g_printerr ("Try “chorus-cli ping --help”.\n");
  return EXIT_INVALID;
}

static void
output_failed (Ping *ping)
{
  if (ping->write_errno == 0)
    ping->write_errno = errno != 0 ? errno : EIO;
  chorus_mping_client_stop (ping->client);
}

static gboolean
on_output_error (gpointer user_data)
{
  Ping *ping = user_data;

  ping->output_watch = 0;
  output_failed (ping);

  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_signal (gpointer user_data)
{
  Ping *ping = user_data;

  chorus_mping_client_stop (ping->client);

  return G_SOURCE_CONTINUE;
}

static void
append_ms (GString *line,
           gint64   usec)
{
  chorus_cli_append_number (line, (guint64) MAX (usec, 0) / 1000);
  g_string_append_printf (line, ".%03d", (int) (MAX (usec, 0) % 1000));
}

static void
on_protocol_chosen (ChorusMpingClient *client,
                    int                protocol,
                    Ping              *ping)
{
  const char *server = chorus_mping_client_get_server (client);
  const char *group = chorus_mping_client_get_run_group (client);
  gboolean ssm = chorus_mping_client_get_source_specific (client);
  gboolean printed;

  if (ping->json)
    {
      GString *line = chorus_json_begin ("start");

      chorus_json_add_string (line, "server", server);
      chorus_json_add_int (line, "port", chorus_mping_client_get_port (client));
      chorus_json_add_string (line, "group", group);
      chorus_json_add_bool (line, "source_specific", ssm);
      chorus_json_add_string (line, "protocol", chorus_mping_protocol_get_nick (protocol));
      printed = chorus_json_print (line);
    }
  else if (ssm)
    printed = chorus_cli_print ("chorus-cli ping: joined (%s, %s), asking %s (%s)\n", server, group,
                                server, protocol == CHORUS_MPING_PROTOCOL_SSMPING
                                          ? "ssmping format" : "RFC 6450");
  else
    printed = chorus_cli_print ("chorus-cli ping: joined %s for any source, asking %s (%s)\n",
                                group, server, protocol == CHORUS_MPING_PROTOCOL_SSMPING
                                                 ? "ssmping format" : "RFC 6450");

  if (!printed)
    output_failed (ping);
}

static void
on_reply_received (ChorusMpingClient *client,
                   int                path,
                   guint              seq,
                   gint64             rtt_usec,
                   int                hops,
                   gboolean           hops_estimated,
                   int                ttl,
                   int                verdict,
                   Ping              *ping)
{
  gboolean printed;

  if (ping->json)
    {
      GString *line = chorus_json_begin ("reply");

      chorus_json_add_string (line, "path", chorus_mping_path_get_nick (path));
      chorus_json_add_string (line, "from", chorus_mping_client_get_server (client));
      chorus_json_add_int (line, "seq", seq);
      chorus_json_add_ms (line, "rtt_ms", rtt_usec);
      if (hops >= 0)
        chorus_json_add_int (line, "hops", hops);
      else
        chorus_json_add_null (line, "hops");
      chorus_json_add_bool (line, "hops_estimated", hops_estimated);
      if (ttl >= 0)
        chorus_json_add_int (line, "ttl", ttl);
      else
        chorus_json_add_null (line, "ttl");
      chorus_json_add_string (line, "verdict", chorus_answer_verdict_to_string (verdict));
      printed = chorus_json_print (line);
    }
  else
    {
      GString *line = g_string_sized_new (96);

      /* Aligned as ssmping aligns them. */
      g_string_append (line, path == CHORUS_MPING_PATH_MULTICAST ? "multicast" : "  unicast");
      g_string_append (line, " from ");
      g_string_append (line, chorus_mping_client_get_server (client));
      g_string_append (line, ": seq=");
      chorus_cli_append_number (line, seq);
      if (hops >= 0)
        g_string_append_printf (line, " hops%s%d", hops_estimated ? "≈" : "=", hops);
      g_string_append (line, " time=");
      append_ms (line, rtt_usec);
      g_string_append (line, " ms");
      if (verdict == CHORUS_ANSWER_DUPLICATE)
        g_string_append (line, " (DUP!)");
      else if (verdict == CHORUS_ANSWER_LATE)
        g_string_append (line, " (late)");
      g_string_append_c (line, '\n');
      printed = chorus_cli_print_line (line);
    }

  if (!printed)
    output_failed (ping);
}

static void
on_failed (ChorusMpingClient *client,
           GError            *error,
           Ping              *ping)
{
  ping->failed = TRUE;
  g_printerr ("chorus-cli ping: %s\n", error->message);
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

static GString *
path_json (ChorusResponder *path)
{
  const ChorusResponderStats *stats = chorus_responder_get_stats (path);
  gboolean heard = stats->rtt_count > 0;
  GString *object = chorus_json_object_begin ();

  chorus_json_add_int (object, "sent", stats->sent);
  chorus_json_add_int (object, "received", stats->received);
  chorus_json_add_fixed2 (object, "loss_pct", chorus_responder_stats_get_loss (stats));
  chorus_json_add_fixed2 (object, "loss_since_first_pct",
                          chorus_responder_stats_get_loss_since_first (stats));
  chorus_json_add_int (object, "duplicates", stats->duplicates);
  chorus_json_add_int (object, "late", stats->late);
  add_optional_ms (object, "rtt_min_ms", heard, stats->rtt_min_usec);
  add_optional_ms (object, "rtt_avg_ms", heard, chorus_responder_stats_get_rtt_avg (stats));
  add_optional_ms (object, "rtt_max_ms", heard, stats->rtt_max_usec);
  add_optional_ms (object, "rtt_mdev_ms", heard, chorus_responder_stats_get_rtt_mdev (stats));
  if (stats->hops >= 0)
    chorus_json_add_int (object, "hops", stats->hops);
  else
    chorus_json_add_null (object, "hops");
  chorus_json_add_bool (object, "hops_estimated", stats->hops_estimated);
  if (stats->first_seq > 0)
    chorus_json_add_int (object, "first_seq", stats->first_seq);
  else
    chorus_json_add_null (object, "first_seq");
  add_optional_ms (object, "first_answer_ms", stats->join_usec >= 0, stats->join_usec);
  /* Answered once, and nothing for several queries since. */
  chorus_json_add_bool (object, "silent", chorus_responder_get_silent (path));

  return object;
}

static void
append_path_text (GString         *out,
                  const char      *name,
                  ChorusResponder *path,
                  gboolean         multicast)
{
  const ChorusResponderStats *stats = chorus_responder_get_stats (path);

  g_string_append_printf (out, "%s: %" G_GUINT64_FORMAT " received, %.2f%% loss", name,
                          stats->received, chorus_responder_stats_get_loss (stats));
  if (multicast && stats->first_seq > 0)
    g_string_append_printf (out, ", %.2f%% since the first answer (seq %u)",
                            chorus_responder_stats_get_loss_since_first (stats),
                            stats->first_seq);
  if (stats->duplicates > 0)
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " duplicates", stats->duplicates);
  if (stats->late > 0)
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " late", stats->late);
  g_string_append_c (out, '\n');

  if (stats->rtt_count == 0)
    return;

  g_string_append_printf (out, "  rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms",
                          chorus_responder_get_rtt_min_ms (path),
                          chorus_responder_get_rtt_avg_ms (path),
                          chorus_responder_get_rtt_max_ms (path),
                          chorus_responder_get_rtt_mdev_ms (path));
  if (stats->hops >= 0)
    g_string_append_printf (out, ", hops %s%d", stats->hops_estimated ? "≈" : "", stats->hops);
  if (multicast && stats->join_usec >= 0)
    g_string_append_printf (out, ", first answer after %.3f ms",
                            chorus_responder_get_join_ms (path));
  g_string_append_c (out, '\n');
}

/* The result, as scripts read it: true at the end of the run, not of its
 * totals. A run that never settled a query had no answer. */
static ChorusMpingVerdict
final_verdict (ChorusMpingClient *client)
{
  ChorusMpingVerdict verdict = chorus_mping_client_get_verdict (client);

  return verdict == CHORUS_MPING_VERDICT_WAITING ? CHORUS_MPING_VERDICT_NO_ANSWER : verdict;
}

static void
on_finished (ChorusMpingClient *client,
             Ping              *ping)
{
  ChorusResponder *unicast = chorus_mping_client_get_unicast (client);
  ChorusResponder *multicast = chorus_mping_client_get_multicast (client);
  const char *server = chorus_mping_client_get_server (client);
  ChorusMpingVerdict verdict = final_verdict (client);
  gboolean printed;

  ping->done = TRUE;
  g_main_loop_quit (ping->loop);

  if (ping->write_errno != 0)
    return;

  if (ping->json)
    {
      GString *line = chorus_json_begin ("summary");

      chorus_json_add_string (line, "server", server);
      if (chorus_mping_client_get_run_group (client) != NULL)
        chorus_json_add_string (line, "group", chorus_mping_client_get_run_group (client));
      chorus_json_add_bool (line, "source_specific",
                            chorus_mping_client_get_source_specific (client));
      chorus_json_add_string (line, "protocol",
                              chorus_mping_protocol_get_nick (
                                chorus_mping_client_get_protocol_used (client)));
      chorus_json_add_int (line, "sent", chorus_mping_client_get_n_sent (client));
      chorus_json_add_int (line, "settled", chorus_mping_client_get_n_settled (client));
      chorus_json_add_object (line, "unicast", path_json (unicast));
      chorus_json_add_object (line, "multicast", path_json (multicast));
      chorus_json_add_int (line, "ignored", chorus_mping_client_get_n_ignored (client));
      chorus_json_add_string (line, "verdict", chorus_mping_verdict_get_nick (verdict));
      printed = chorus_json_print (line);
    }
  else
    {
      GString *out = g_string_new (NULL);
      guint sent = chorus_mping_client_get_n_sent (client);

      g_string_append_printf (out, "\n--- %s multicast ping statistics ---\n", server);
      g_string_append_printf (out, "%u %s sent, %u counted\n", sent,
                              sent == 1 ? "query" : "queries",
                              chorus_mping_client_get_n_settled (client));
      append_path_text (out, "  unicast", unicast, FALSE);
      append_path_text (out, "multicast", multicast, TRUE);

      if (verdict == CHORUS_MPING_VERDICT_MULTICAST)
        g_string_append_printf (out, "multicast from %s reaches this host\n", server);
      else if (verdict == CHORUS_MPING_VERDICT_MULTICAST_STOPPED)
        {
          gint64 ago = g_get_monotonic_time ()
                       - chorus_responder_get_stats (multicast)->last_heard_usec;

          g_string_append_printf (out,
                                  "multicast from %s stopped arriving %.1f s ago; unicast %s\n",
                                  server, (double) ago / G_USEC_PER_SEC,
                                  chorus_responder_get_reach (unicast) == CHORUS_REACH_NOW
                                    ? "still answers"
                                    : "stopped too");
        }
      else if (verdict == CHORUS_MPING_VERDICT_UNICAST_ONLY)
        g_string_append (out, "multicast is not reaching this host; unicast is\n");
      else
        g_string_append_printf (out, "%s did not answer\n", server);
      printed = chorus_cli_print_line (out);
    }

  if (!printed && ping->write_errno == 0)
    ping->write_errno = errno != 0 ? errno : EIO;
}

int
chorus_cli_ping (int    argc,
                 char **argv)
{
  g_autofree char *group_text = NULL;
  g_autofree char *count_text = NULL;
  g_autofree char *interval_text = NULL;
  g_autofree char *wait_text = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *protocol_text = NULL;
  g_autofree char *interface = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING, &group_text,
      "Ask for this group (default: the protocol's source-specific group, 232.43.211.234 or "
      "ff3e::4321:1234; an any-source group makes it asmping)", "ADDR" },
    { "count", 'c', 0, G_OPTION_ARG_STRING, &count_text,
      "Queries to send; 0 until interrupted (default 0)", "N" },
    { "interval", 'i', 0, G_OPTION_ARG_STRING, &interval_text,
      "Seconds between queries, at least 0.01 (default 1)", "SECONDS" },
    { "wait", 'w', 0, G_OPTION_ARG_STRING, &wait_text,
      "Seconds to wait for a query's answers (default 1)", "SECONDS" },
    { "interface", 'I', 0, G_OPTION_ARG_STRING, &interface,
      "Join on this network interface (default: as routed)", "NAME" },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text, "The server's port (default 4321)",
      "PORT" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &protocol_text,
      "auto, ssmping or rfc6450 (default auto: RFC 6450 first, the older ssmping format if the "
      "server does not answer that within a second)", "PROTOCOL" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("SERVER — does a multicast ping server's multicast reach this host?");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusMpingClient) client = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  ChorusMpingProtocol protocol = CHORUS_MPING_PROTOCOL_AUTO;
  guint16 port = CHORUS_MPING_DEFAULT_PORT;
  guint count = 0;
  double interval = 1;
  double wait = 1;
  guint signal_ids[2];
  Ping ping = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Joins the group, for the server alone if the group is source-specific (ssmping) and\n"
    "for any source otherwise (asmping), and asks the server, by unicast, to answer each\n"
    "query both by unicast and to the group. Works with ssmpingd and RFC 6450 servers,\n"
    "chorus-cli serve among them.\n"
    "\n"
    "Exit status: 0 if multicast answers arrived; 1 if only unicast ones did (multicast\n"
    "does not reach this host), none did, or the output could not be written;\n"
    "2 for invalid input.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return invalid (error);

  if (argc != 3)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           argc < 3 ? "Give the address of the server"
                                    : "Give one server");
      return invalid (error);
    }

  if ((count_text && !chorus_parse_probe_count (count_text, &count, &error))
      || (interval_text
          && !chorus_parse_seconds (interval_text, _("Interval"), 0.01, &interval, &error))
      || (wait_text && !chorus_parse_seconds (wait_text, _("Wait time"), 0, &wait, &error))
      || (port_text && !chorus_parse_port (port_text, &port, &error))
      || (protocol_text && !chorus_mping_protocol_parse (protocol_text, &protocol, &error)))
    return invalid (error);

  client = g_object_new (CHORUS_TYPE_MPING_CLIENT,
                         "server", argv[2],
                         "port", (guint) port,
                         "group", group_text,
                         "count", count,
                         "interval", interval,
                         "wait", wait,
                         "interface", interface,
                         "protocol", (int) protocol,
                         NULL);

  loop = g_main_loop_new (NULL, FALSE);
  ping.loop = loop;
  ping.client = client;
  ping.json = json;
  ping.output_watch = chorus_cli_output_watch (on_output_error, &ping);

  g_signal_connect (client, "protocol-chosen", G_CALLBACK (on_protocol_chosen), &ping);
  g_signal_connect (client, "reply-received", G_CALLBACK (on_reply_received), &ping);
  g_signal_connect (client, "failed", G_CALLBACK (on_failed), &ping);
  g_signal_connect (client, "finished", G_CALLBACK (on_finished), &ping);

  signal_ids[0] = g_unix_signal_add (SIGINT, on_stop_signal, &ping);
  signal_ids[1] = g_unix_signal_add (SIGTERM, on_stop_signal, &ping);

  if (!chorus_mping_client_start (client, &error))
    {
      gboolean input = g_error_matches (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE)
                       || g_error_matches (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP)
                       || g_error_matches (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE);

      g_source_remove (signal_ids[0]);
      g_source_remove (signal_ids[1]);
      g_clear_handle_id (&ping.output_watch, g_source_remove);
      if (input)
        return invalid (error);
      g_printerr ("chorus-cli ping: %s\n", error->message);
      return EXIT_NO_MULTICAST;
    }

  if (!ping.done)
    g_main_loop_run (loop);

  g_source_remove (signal_ids[0]);
  g_source_remove (signal_ids[1]);
  g_clear_handle_id (&ping.output_watch, g_source_remove);

  if (ping.write_errno == 0 && !chorus_cli_flush ())
    ping.write_errno = errno != 0 ? errno : EIO;
  if (ping.write_errno != 0)
    {
      g_printerr ("chorus-cli ping: could not write the output: %s\n",
                  g_strerror (ping.write_errno));
      return EXIT_NO_MULTICAST;
    }

  return final_verdict (client) == CHORUS_MPING_VERDICT_MULTICAST ? EXIT_MULTICAST
                                                                 : EXIT_NO_MULTICAST;
}
