/* chorus-cli-serve.c: chorus-cli serve, a multicast ping server that
 * ssmping, asmping and RFC 6450 clients can check their reception with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-output.h"
#include "chorus-error.h"
#include "chorus-mping-server.h"

typedef struct
{
  ChorusMpingServer *server;
  GMainLoop *loop;
  gboolean json;
  guint output_watch;
  /* Writing to stdout failed, with this errno. */
  int write_errno;
} Serve;

static void
stop (Serve *serve)
{
  chorus_mping_server_stop (serve->server);
  g_main_loop_quit (serve->loop);
}

static void
output_failed (Serve *serve)
{
  if (serve->write_errno == 0)
    serve->write_errno = errno != 0 ? errno : EIO;
  stop (serve);
}

static gboolean
on_output_error (gpointer user_data)
{
  Serve *serve = user_data;

  serve->output_watch = 0;
  output_failed (serve);

  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_signal (gpointer user_data)
{
  stop (user_data);

  return G_SOURCE_CONTINUE;
}

static gboolean
print_client (Serve                    *serve,
              ChorusMpingClientSession *client)
{
  const char *generation =
    chorus_mping_generation_to_string (chorus_mping_client_session_get_generation (client));
  const char *group = chorus_mping_client_session_get_group (client);

  if (serve->json)
    {
      GString *line = chorus_json_begin ("session");

      chorus_json_add_string (line, "client", chorus_mping_client_session_get_address (client));
      chorus_json_add_int (line, "port", chorus_mping_client_session_get_port (client));
      chorus_json_add_string (line, "generation", generation);
      if (group != NULL)
        chorus_json_add_string (line, "group", group);
      else
        chorus_json_add_null (line, "group");
      return chorus_json_print (line);
    }

  return chorus_cli_print ("client %s port %u (%s), answered to %s\n",
                           chorus_mping_client_session_get_address (client),
                           chorus_mping_client_session_get_port (client), generation,
                           group != NULL ? group : "no group");
}

static void
on_clients_changed (GListModel *clients,
                    guint       position,
                    guint       removed,
                    guint       added,
                    Serve      *serve)
{
  for (guint i = position; i < position + added && serve->write_errno == 0; i++)
    {
      g_autoptr(ChorusMpingClientSession) client = g_list_model_get_item (clients, i);

      if (!print_client (serve, client))
        output_failed (serve);
    }
}

static void
print_summary (Serve *serve)
{
  ChorusMpingServer *server = serve->server;
  guint64 queries = chorus_mping_server_get_n_queries (server);
  guint64 answered = chorus_mping_server_get_n_answered (server);
  guint64 invalid = chorus_mping_server_get_n_invalid (server);
  guint64 unanswered = chorus_mping_server_get_n_unanswered (server);
  guint n_clients = g_list_model_get_n_items (chorus_mping_server_get_clients (server));

  if (serve->write_errno != 0)
    return;

  if (serve->json)
    {
      GString *line = chorus_json_begin ("summary");

      chorus_json_add_int (line, "port", chorus_mping_server_get_port (server));
      chorus_json_add_int (line, "queries", queries);
      chorus_json_add_int (line, "answered", answered);
      chorus_json_add_int (line, "invalid", invalid);
      chorus_json_add_int (line, "unanswered", unanswered);
      for (ChorusMpingRefusal r = 0; r < CHORUS_MPING_N_REFUSALS; r++)
        chorus_json_add_int (line, chorus_mping_refusal_to_string (r),
                             chorus_mping_server_get_n_refused (server, r));
      chorus_json_add_int (line, "clients", n_clients);
      if (!chorus_json_print (line))
        serve->write_errno = errno != 0 ? errno : EIO;
      return;
    }

  g_printerr ("%" G_GUINT64_FORMAT " %s from %u %s, %" G_GUINT64_FORMAT " answered, %"
              G_GUINT64_FORMAT " invalid",
              queries, queries == 1 ? "query" : "queries", n_clients,
              n_clients == 1 ? "client" : "clients", answered, invalid);
  if (unanswered > 0)
    g_printerr (", %" G_GUINT64_FORMAT " refused (%" G_GUINT64_FORMAT " over the rate, %"
                G_GUINT64_FORMAT " asking for more than they sent, %" G_GUINT64_FORMAT
                " for a group answers may not go to, %" G_GUINT64_FORMAT
                " from an address that cannot ask, %" G_GUINT64_FORMAT " in an unknown session)",
                unanswered, chorus_mping_server_get_n_refused (server, CHORUS_MPING_REFUSE_RATE),
                chorus_mping_server_get_n_refused (server, CHORUS_MPING_REFUSE_SIZE),
                chorus_mping_server_get_n_refused (server, CHORUS_MPING_REFUSE_GROUP),
                chorus_mping_server_get_n_refused (server, CHORUS_MPING_REFUSE_SOURCE),
                chorus_mping_server_get_n_refused (server, CHORUS_MPING_REFUSE_SESSION));
  g_printerr ("\n");
}

static int
invalid (GError *error)
{
  g_printerr ("chorus-cli serve: %s\n", error->message);
  g_printerr ("Try “chorus-cli serve --help”.\n");
  return 2;
}

int
chorus_cli_serve (int    argc,
                  char **argv)
{
  g_autofree char *port_text = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *burst_text = NULL;
  gboolean ipv4_only = FALSE;
  gboolean ipv6_only = FALSE;
  gboolean allow_larger = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text, "UDP port (default 4321)", "PORT" },
    { "interface", 'I', 0, G_OPTION_ARG_STRING, &interface,
      "Answer only queries that arrive on this network interface", "NAME" },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate_text,
      "Answer one client address at most N times a second (default 10; 0: no limit)", "N" },
    { "burst", 0, 0, G_OPTION_ARG_STRING, &burst_text,
      "Answers one client address may have at once (default 10)", "N" },
    { "ipv4", '4', 0, G_OPTION_ARG_NONE, &ipv4_only, "Serve IPv4 only", NULL },
    { "ipv6", '6', 0, G_OPTION_ARG_NONE, &ipv6_only, "Serve IPv6 only", NULL },
    { "allow-larger-replies", 0, 0, G_OPTION_ARG_NONE, &allow_larger,
      "Pad answers to the size a client asks for (ssmping -s), even past its query's", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON Lines", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("— answer ssmping, asmping and RFC 6450 multicast ping clients");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusMpingServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint16 port = CHORUS_MPING_SERVER_DEFAULT_PORT;
  guint rate = (guint) CHORUS_MPING_SERVER_DEFAULT_RATE;
  guint burst = CHORUS_MPING_SERVER_DEFAULT_BURST;
  guint ifindex;
  guint signal_ids[2];
  Serve serve = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Answers each query twice, with TTL 64: by unicast, from the address it was sent\n"
    "to, and to the group it asks for (232.43.211.234 or ff3e::4321:1234 when none),\n"
    "by way of the interface it came in on. A client checks with\n"
    "  ssmping SERVER    or    asmping GROUP SERVER\n"
    "\n"
    "Never a reflector: answers go only to multicast groups, are never larger than\n"
    "the query (unless --allow-larger-replies), and each client address has --rate\n"
    "answers a second after a burst of --burst. What is no valid query is counted,\n"
    "not answered.\n"
    "\n"
    "Exit status: 0 on a clean stop (SIGINT or SIGTERM); 1 if the port cannot be used\n"
    "or the output could not be written; 2 for invalid input.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return invalid (error);

  if (argc > 2)
    {
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Unexpected argument “%s”", argv[2]);
      return invalid (error);
    }

  if (ipv4_only && ipv6_only)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "--ipv4 and --ipv6 exclude each other; give neither for both");
      return invalid (error);
    }

  if ((port_text && !chorus_parse_port (port_text, &port, &error))
      || (rate_text && !chorus_parse_rate (rate_text, &rate, &error))
      || (burst_text && !chorus_parse_count (burst_text, &burst, &error))
      || !chorus_parse_interface (interface, &ifindex, &error))
    return invalid (error);

  server = g_object_new (CHORUS_TYPE_MPING_SERVER,
                         "port", (guint) port,
                         "interface", interface,
                         "family", ipv4_only ? G_SOCKET_FAMILY_IPV4
                                   : ipv6_only ? G_SOCKET_FAMILY_IPV6
                                   : G_SOCKET_FAMILY_INVALID,
                         "rate", (double) rate,
                         "burst", MAX (burst, 1),
                         "allow-larger", allow_larger,
                         NULL);

  loop = g_main_loop_new (NULL, FALSE);
  serve = (Serve) { server, loop, json, 0, 0 };
  serve.output_watch = chorus_cli_output_watch (on_output_error, &serve);

  /* Before "ready": whoever reads it may signal us at once. */
  signal_ids[0] = g_unix_signal_add (SIGINT, on_stop_signal, &serve);
  signal_ids[1] = g_unix_signal_add (SIGTERM, on_stop_signal, &serve);

  if (!chorus_mping_server_start (server, &error))
    {
      g_source_remove (signal_ids[0]);
      g_source_remove (signal_ids[1]);
      g_clear_handle_id (&serve.output_watch, g_source_remove);
      g_printerr ("chorus-cli serve: %s\n", error->message);
      return 1;
    }

  g_signal_connect (chorus_mping_server_get_clients (server), "items-changed",
                    G_CALLBACK (on_clients_changed), &serve);

  if (json)
    {
      GString *line = chorus_json_begin ("ready");

      chorus_json_add_int (line, "port", port);
      chorus_json_add_int (line, "rate", rate);
      chorus_json_add_int (line, "burst", MAX (burst, 1));
      if (!chorus_json_print (line))
        output_failed (&serve);
    }
  else
    {
      g_printerr ("serving multicast ping on port %u%s%s, %u answers a second per client\n",
                  port, interface != NULL && interface[0] != '\0' ? " on " : "",
                  interface != NULL ? interface : "", rate);
    }

  if (chorus_mping_server_get_running (server))
    g_main_loop_run (loop);

  g_signal_handlers_disconnect_by_data (chorus_mping_server_get_clients (server), &serve);
  g_source_remove (signal_ids[0]);
  g_source_remove (signal_ids[1]);
  g_clear_handle_id (&serve.output_watch, g_source_remove);

  print_summary (&serve);
  if (serve.write_errno == 0 && !chorus_cli_flush ())
    serve.write_errno = errno != 0 ? errno : EIO;
  if (serve.write_errno != 0)
    {
      g_printerr ("chorus-cli serve: could not write the output: %s\n",
                  g_strerror (serve.write_errno));
      return 1;
    }

  return 0;
}
