/* chorus-cli-sap.c: chorus-cli sap, list the sessions SAP (RFC 2974)
 * announces
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
#include "chorus-sap.h"
#include "chorus-sap-listener.h"
#include "chorus-text.h"

typedef struct
{
  ChorusCliRun run;
  ChorusSapListener *listener;
  guint duration_id;
} SapCli;

static void
sap_cli_clear (SapCli *cli)
{
  chorus_cli_run_clear (&cli->run);
  g_clear_handle_id (&cli->duration_id, g_source_remove);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SapCli, sap_cli_clear)

/* "group:port" of each DUP leg, as the SDP names them by a=mid. */
static GStrv
dup_legs (const ChorusSdp *sdp)
{
  GPtrArray *legs = g_ptr_array_new ();

  for (guint i = 0; sdp->dup != NULL && sdp->dup[i] != NULL; i++)
    {
      const ChorusWatchTarget *target = chorus_sdp_find_mid (sdp, sdp->dup[i]);

      if (target != NULL)
        g_ptr_array_add (legs, strchr (target->group, ':') != NULL
                                 ? g_strdup_printf ("[%s]:%u", target->group, target->port)
                                 : g_strdup_printf ("%s:%u", target->group, target->port));
    }
  g_ptr_array_add (legs, NULL);

  return (GStrv) g_ptr_array_free (legs, FALSE);
}

static gboolean
print_session (SapCli           *cli,
               ChorusSapSession *session,
               const char       *state)
{
  const ChorusSdp *sdp = chorus_sap_session_get_sdp (session);
  const ChorusWatchTarget *target = sdp != NULL ? g_ptr_array_index (sdp->targets, 0) : NULL;
  const char *sdp_text = chorus_sap_session_get_sdp_text (session);
  double interval = chorus_sap_session_get_interval (session);
  g_auto(GStrv) legs = sdp != NULL && sdp->dup != NULL ? dup_legs (sdp) : NULL;

  if (cli->run.json)
    {
      GString *line = chorus_json_begin ("session");

      chorus_json_add_string (line, "state", state);
      chorus_json_add_string (line, "origin", chorus_sap_session_get_origin (session));
      if (sdp != NULL && sdp->name != NULL)
        chorus_json_add_string (line, "name", sdp->name);
      else
        chorus_json_add_null (line, "name");
      if (target != NULL)
        {
          chorus_json_add_string (line, "group", target->group);
          chorus_json_add_int (line, "port", target->port);
          if (target->sources != NULL)
            chorus_json_add_string (line, "source_filter", target->sources);
          else
            chorus_json_add_null (line, "source_filter");
          if (target->media != NULL)
            chorus_json_add_string (line, "media", target->media);
          else
            chorus_json_add_null (line, "media");
          if (target->encoding != NULL)
            chorus_json_add_string (line, "encoding", target->encoding);
          else
            chorus_json_add_null (line, "encoding");
        }
      else
        {
          chorus_json_add_null (line, "group");
          chorus_json_add_null (line, "port");
          chorus_json_add_null (line, "source_filter");
          chorus_json_add_null (line, "media");
          chorus_json_add_null (line, "encoding");
        }
      if (legs != NULL)
        chorus_json_add_strv (line, "dup", (const char *const *) legs);
      else
        chorus_json_add_null (line, "dup");
      chorus_json_add_string (line, "announcer", chorus_sap_session_get_announcer (session));
      if (interval > 0)
        chorus_json_add_fixed2 (line, "interval_s", interval);
      else
        chorus_json_add_null (line, "interval_s");
      if (sdp == NULL)
        chorus_json_add_string (line, "error", chorus_sap_session_get_error (session));
      chorus_json_add_string (line, "sdp", sdp_text != NULL ? sdp_text : "");
      return chorus_json_print (line);
    }
  else
    {
      GString *line = chorus_cli_line_new ();

      g_string_append (line, state);
      g_string_append (line, ": “");
      if (sdp != NULL && sdp->name != NULL)
        chorus_text_append_escaped (line, (const guint8 *) sdp->name, strlen (sdp->name));
      g_string_append (line, "”");
      if (target != NULL)
        g_string_append_printf (line, " %s:%u %s %s", target->group, target->port,
                                target->media ? target->media : "",
                                target->encoding ? target->encoding : "");
      if (target != NULL && target->sources != NULL)
        g_string_append_printf (line, " from %s", target->sources);
      if (legs != NULL)
        {
          g_autofree char *joined = g_strjoinv (" + ", legs);

          g_string_append_printf (line, ", 2022-7 pair %s", joined);
        }
      g_string_append_printf (line, ", announced by %s", chorus_sap_session_get_announcer (session));
      if (interval > 0)
        g_string_append_printf (line, " every %.1f s", interval);
      if (sdp == NULL)
        {
          const char *error = chorus_sap_session_get_error (session);

          g_string_append (line, ": ");
          chorus_text_append_escaped (line, (const guint8 *) error, strlen (error));
        }
      g_string_append_c (line, '\n');
      return chorus_cli_print_line (line);
    }
}

static void
on_session_changed (ChorusSapListener *listener,
                    ChorusSapSession  *session,
                    const char        *state,
                    SapCli            *cli)
{
  if (cli->run.write_errno == 0 && !print_session (cli, session, state))
    chorus_cli_run_output_failed (&cli->run);
}

static gboolean
on_duration_over (gpointer user_data)
{
  SapCli *cli = user_data;

  cli->duration_id = 0;
  chorus_sap_listener_stop (cli->listener);
  chorus_cli_run_finish (&cli->run);

  return G_SOURCE_REMOVE;
}

static void
stop_listener (gpointer service)
{
  SapCli *cli = service;

  chorus_sap_listener_stop (cli->listener);
  chorus_cli_run_finish (&cli->run);
}

static const ChorusCliCommand sap_command = {
  .name = "sap",
  .parameter_string = "— list the sessions SAP (RFC 2974) announces",
  .description =
    "Listens on port 9875 to 239.255.255.255 (AES67, Dante), 224.2.127.254 and\n"
    "239.195.255.255 (VLC, ffmpeg), and the IPv6 SAP groups ff0X::2:7ffe.\n"
    "A session not announced again within ten times its interval (an hour at most)\n"
    "expires; a deletion removes it. Compressed and encrypted announcements are counted.\n"
    "\n"
    "Exit status: 0; 1 if the groups cannot be joined; 2 for invalid input.",
  .role = CHORUS_CLI_JOINS,
  .timing = CHORUS_CLI_TIMING_STREAM,
  .reports_on = "session",
  .default_port = CHORUS_SAP_PORT,
};

int
chorus_cli_sap (int    argc,
                char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&sap_command);
  g_autofree char *duration_text = NULL;
  const GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &duration_text,
      "Stop after this long (default: until interrupted)", "SECONDS" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSapListener) listener = NULL;
  g_auto(SapCli) cli = { 0 };
  g_auto(GStrv) problems = NULL;
  double duration = 0;
  int status;

  chorus_cli_options_add_entries (options, entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_INTERFACE, CHORUS_CLI_OPTION_JSON,
                          CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error)
      || !chorus_cli_options_check (options, &error, CHORUS_CLI_OPTION_INTERFACE,
                                    CHORUS_CLI_OPTION_END)
      || (duration_text != NULL
          && !chorus_parse_seconds (duration_text, "Duration", 0.1, &duration, &error)))
    return chorus_cli_invalid ("sap", error);

  if (argc > 2)
    {
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Unexpected argument “%s”", argv[2]);
      return chorus_cli_invalid ("sap", error);
    }

  listener = chorus_sap_listener_new ();
  chorus_sap_listener_set_interface (listener, options->interface);
  cli.listener = listener;
  chorus_cli_run_begin (&cli.run, "sap", options->json, &cli, stop_listener);
  g_signal_connect (listener, "session-changed", G_CALLBACK (on_session_changed), &cli);

  if (!chorus_sap_listener_start (listener, &error))
    {
      if (error->domain == CHORUS_ERROR && (error->code == CHORUS_ERROR_INVALID_INTERFACE
                                            || error->code == CHORUS_ERROR_INVALID_VALUE))
        return chorus_cli_invalid ("sap", error);
      g_printerr ("chorus-cli sap: %s\n", error->message);
      return 1;
    }

  problems = chorus_sap_listener_dup_problems (listener);
  for (guint i = 0; problems[i] != NULL; i++)
    g_printerr ("warning: %s\n", problems[i]);

  if (options->json)
    {
      GString *line = chorus_json_begin ("ready");

      chorus_json_add_int (line, "port", CHORUS_SAP_PORT);
      if (!chorus_json_print (line))
        chorus_cli_run_output_failed (&cli.run);
    }
  else
    g_printerr ("listening to SAP on port %u\n", CHORUS_SAP_PORT);

  if (duration > 0)
    cli.duration_id = g_timeout_add ((guint) (duration * 1000 + 0.5), on_duration_over, &cli);

  chorus_cli_run_loop (&cli.run);
  chorus_cli_run_end (&cli.run);
  chorus_sap_listener_stop (listener);

  if (cli.run.write_errno == 0)
    {
      GListModel *sessions = chorus_sap_listener_get_sessions (listener);
      guint n = g_list_model_get_n_items (sessions);

      if (options->json)
        {
          GString *line = chorus_json_begin ("summary");

          chorus_json_add_int (line, "sessions", n);
          for (ChorusSapCount c = 0; c < CHORUS_SAP_N_COUNTS; c++)
            chorus_json_add_int (line, chorus_sap_count_to_string (c),
                                 (gint64) chorus_sap_listener_get_count (listener, c));
          if (!chorus_json_print (line))
            chorus_cli_run_write_failed (&cli.run);
        }
      else
        {
          g_printerr ("%u %s; %" G_GUINT64_FORMAT " announcements, %" G_GUINT64_FORMAT
                      " deletions, %" G_GUINT64_FORMAT " compressed and %" G_GUINT64_FORMAT
                      " encrypted (not read)\n",
                      n, n == 1 ? "session" : "sessions",
                      chorus_sap_listener_get_count (listener, CHORUS_SAP_COUNT_ANNOUNCEMENTS),
                      chorus_sap_listener_get_count (listener, CHORUS_SAP_COUNT_DELETIONS),
                      chorus_sap_listener_get_count (listener, CHORUS_SAP_COUNT_COMPRESSED),
                      chorus_sap_listener_get_count (listener, CHORUS_SAP_COUNT_ENCRYPTED));
        }
    }

  if ((status = chorus_cli_run_output_status (&cli.run)) >= 0)
    return status;

  return 0;
}
