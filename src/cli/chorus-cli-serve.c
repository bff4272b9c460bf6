/* chorus-cli-serve.c: chorus-cli serve, a multicast ping server that
 * ssmping, asmping and RFC 6450 clients can check their reception with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-options.h"
#include "chorus-cli-output.h"
#include "chorus-cli-run.h"
#include "chorus-error.h"
#include "chorus-mping-server.h"

static void
on_running_changed (ChorusMpingServer *server,
                    GParamSpec        *pspec,
                    ChorusCliRun      *run)
{
  if (!chorus_mping_server_get_running (server))
    chorus_cli_run_finish (run);
}

static gboolean
print_client (ChorusCliRun             *run,
              ChorusMpingClientSession *client)
{
  const char *generation =
    chorus_mping_generation_to_string (chorus_mping_client_session_get_generation (client));
  const char *group = chorus_mping_client_session_get_group (client);

  if (run->json)
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
on_clients_changed (GListModel   *clients,
                    guint         position,
                    guint         removed,
                    guint         added,
                    ChorusCliRun *run)
{
  for (guint i = position; i < position + added && run->write_errno == 0; i++)
    {
      g_autoptr(ChorusMpingClientSession) client = g_list_model_get_item (clients, i);

      if (!print_client (run, client))
        chorus_cli_run_output_failed (run);
    }
}

static void
print_summary (ChorusCliRun *run)
{
  ChorusMpingServer *server = run->service;
  guint64 queries = chorus_mping_server_get_n_queries (server);
  guint64 answered = chorus_mping_server_get_n_answered (server);
  guint64 invalid = chorus_mping_server_get_n_invalid (server);
  guint64 unanswered = chorus_mping_server_get_n_unanswered (server);
  guint n_clients = g_list_model_get_n_items (chorus_mping_server_get_clients (server));

  if (run->write_errno != 0)
    return;

  if (run->json)
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
        chorus_cli_run_write_failed (run);
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

static const ChorusCliCommand serve_command = {
  .name = "serve",
  .parameter_string = "— answer ssmping, asmping and RFC 6450 multicast ping clients",
  .description =
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
    "or the output could not be written; 2 for invalid input.",
  .role = CHORUS_CLI_ANSWERS,
  .default_port = CHORUS_MPING_SERVER_DEFAULT_PORT,
};

int
chorus_cli_serve (int    argc,
                  char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&serve_command);
  g_autofree char *rate_text = NULL;
  g_autofree char *burst_text = NULL;
  gboolean ipv4_only = FALSE;
  gboolean ipv6_only = FALSE;
  gboolean allow_larger = FALSE;
  const GOptionEntry entries[] = {
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate_text,
      "Answer one client address at most N times a second (default 10; 0: no limit)", "N" },
    { "burst", 0, 0, G_OPTION_ARG_STRING, &burst_text,
      "Answers one client address may have at once (default 10)", "N" },
    { "ipv4", '4', 0, G_OPTION_ARG_NONE, &ipv4_only, "Serve IPv4 only", NULL },
    { "ipv6", '6', 0, G_OPTION_ARG_NONE, &ipv6_only, "Serve IPv6 only", NULL },
    { "allow-larger-replies", 0, 0, G_OPTION_ARG_NONE, &allow_larger,
      "Pad answers to the size a client asks for (ssmping -s), even past its query's", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusMpingServer) server = NULL;
  guint rate = (guint) CHORUS_MPING_SERVER_DEFAULT_RATE;
  guint burst = CHORUS_MPING_SERVER_DEFAULT_BURST;
  g_auto(ChorusCliRun) run = { 0 };
  int status;

  chorus_cli_options_add (options, CHORUS_CLI_OPTION_PORT, CHORUS_CLI_OPTION_INTERFACE,
                          CHORUS_CLI_OPTION_END);
  chorus_cli_options_add_entries (options, entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_JSON, CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error))
    return chorus_cli_invalid ("serve", error);

  if (argc > 2)
    {
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Unexpected argument “%s”", argv[2]);
      return chorus_cli_invalid ("serve", error);
    }

  if (ipv4_only && ipv6_only)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "--ipv4 and --ipv6 exclude each other; give neither for both");
      return chorus_cli_invalid ("serve", error);
    }

  if (!chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_PORT, CHORUS_CLI_OPTION_END)
      || (rate_text && !chorus_parse_rate (rate_text, &rate, &error))
      || (burst_text && !chorus_parse_count (burst_text, &burst, &error))
      || !chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_INTERFACE,
                                    CHORUS_CLI_OPTION_END))
    return chorus_cli_invalid ("serve", error);

  server = g_object_new (CHORUS_TYPE_MPING_SERVER,
                         "port", (guint) options->port,
                         "interface", options->interface,
                         "family", ipv4_only ? G_SOCKET_FAMILY_IPV4
                                   : ipv6_only ? G_SOCKET_FAMILY_IPV6
                                   : G_SOCKET_FAMILY_INVALID,
                         "rate", (double) rate,
                         "burst", MAX (burst, 1),
                         "allow-larger", allow_larger,
                         NULL);

  /* Before "ready": whoever reads it may signal us at once. */
  chorus_cli_run_begin (&run, "serve", options->json, server,
                        (ChorusCliStopFunc) chorus_mping_server_stop);

  if (!chorus_mping_server_start (server, &error))
    {
      g_printerr ("chorus-cli serve: %s\n", error->message);
      return 1;
    }

  g_signal_connect (server, "notify::running", G_CALLBACK (on_running_changed), &run);
  g_signal_connect (chorus_mping_server_get_clients (server), "items-changed",
                    G_CALLBACK (on_clients_changed), &run);

  if (options->json)
    {
      GString *line = chorus_json_begin ("ready");

      chorus_json_add_int (line, "port", options->port);
      chorus_json_add_int (line, "rate", rate);
      chorus_json_add_int (line, "burst", MAX (burst, 1));
      if (!chorus_json_print (line))
        chorus_cli_run_output_failed (&run);
    }
  else
    {
      g_printerr ("serving multicast ping on port %u%s%s, %u answers a second per client\n",
                  options->port,
                  options->interface != NULL && options->interface[0] != '\0' ? " on " : "",
                  options->interface != NULL ? options->interface : "", rate);
    }

  if (chorus_mping_server_get_running (server))
    chorus_cli_run_loop (&run);

  g_signal_handlers_disconnect_by_data (server, &run);
  g_signal_handlers_disconnect_by_data (chorus_mping_server_get_clients (server), &run);
  chorus_cli_run_end (&run);

  print_summary (&run);
  if ((status = chorus_cli_run_output_status (&run)) >= 0)
    return status;

  return 0;
}
