/* chorus-cli-monitor.c: chorus-cli monitor, the checks of a file run
 * without end, their metrics served to Prometheus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "chorus-cli-commands.h"
#include "chorus-cli-run.h"
#include "chorus-error.h"
#include "chorus-exposition.h"
#include "chorus-monitor-config.h"
#include "chorus-monitor.h"

/* 9100–9999, the exporters' range of Prometheus's list of default port
 * allocations, is full; this one is past it and free there (README). */
#define DEFAULT_LISTEN "127.0.0.1:10432"
/* As blackbox_exporter: answer this much before the scrape's timeout. */
#define SCRAPE_MARGIN_SECONDS 0.5
#define DEFAULT_PROBE_TIMEOUT 10.0

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
};

typedef struct
{
  const char *path;
  ChorusMonitor *monitor;
  ChorusMonitorConfig *config;  /* borrowed: the monitor's */
  GMainLoop *loop;
  /* --once: every check has had its round (perhaps before the loop ran). */
  gboolean done;
} Monitor;

static void
print_problems (const char *path,
                GPtrArray  *problems,
                GError     *error)
{
  if (problems == NULL)
    {
      g_printerr ("chorus-cli monitor: %s: %s\n", path, error->message);
      return;
    }
  for (guint i = 0; i < problems->len; i++)
    {
      ChorusConfigProblem *problem = g_ptr_array_index (problems, i);

      if (problem->line > 0)
        g_printerr ("%s:%u: %s\n", path, problem->line, problem->message);
      else
        g_printerr ("%s: %s\n", path, problem->message);
    }
}

static ChorusMonitorConfig *
load (const char *path)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  ChorusMonitorConfig *config = chorus_monitor_config_load (path, &problems, &error);

  if (config == NULL)
    print_problems (path, problems, error);
  return config;
}

/* HTTP */

/* A scrape a connection: libsoup 3.2 (Debian 12) also loses keep-alive
 * connections their client closes while idle (fixed in 3.3.0), and a
 * connection a second costs nothing. */
static void
close_after (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
}

static void
answer_text (SoupServerMessage *msg,
             guint              status,
             const char        *text)
{
  close_after (msg);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

/* Only GET and HEAD, and nothing but metrics. */
static gboolean
method_allowed (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                "GET, HEAD");
  answer_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Only GET and HEAD are served here\n");
  return FALSE;
}

static void
on_metrics (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Monitor *monitor = user_data;
  GString *out;
  gsize length;

  if (!g_str_equal (path, "/metrics"))
    {
      answer_text (msg, SOUP_STATUS_NOT_FOUND, "Not found: metrics are at /metrics\n");
      return;
    }
  if (!method_allowed (msg))
    return;

  out = g_string_sized_new (4096);
  chorus_monitor_render (monitor->monitor, out);
  length = out->len;
  close_after (msg);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, CHORUS_EXPOSITION_CONTENT_TYPE, SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), length);
}

static void
on_not_found (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  answer_text (msg, SOUP_STATUS_NOT_FOUND,
               "Not found: chorus-cli monitor serves /metrics and /probe\n");
}

/* Time to answer in: the scrape's timeout, less a margin. */
static double
probe_timeout (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "X-Prometheus-Scrape-Timeout-Seconds");
  char *end = NULL;
  double seconds;

  if (header == NULL)
    return DEFAULT_PROBE_TIMEOUT;
  seconds = g_ascii_strtod (header, &end);
  if (end == header || *end != '\0' || !(seconds > 0))
    return DEFAULT_PROBE_TIMEOUT;
  if (seconds > 2 * SCRAPE_MARGIN_SECONDS)
    return MIN (seconds - SCRAPE_MARGIN_SECONDS, 3600);
  return seconds / 2;
}

/* /probe?group=…&port=…&count=…: read as a [probe] section would be,
 * with the same checks and messages. */
static ChorusMonitorCheck *
check_from_query (GHashTable  *query,
                  GError     **error)
{
  static const char *const keys[] = { "group", "port", "count", "interval", "wait", "ttl",
                                      "spread", "interface", NULL };
  g_autoptr(GString) text = g_string_new ("[probe probe]\n");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ChorusMonitorConfig) config = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_strv_contains (keys, key))
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "Unknown parameter “%s”: /probe takes check=NAME, or group, port, count, "
                       "interval, wait, ttl, spread and interface", (const char *) key);
          return NULL;
        }
      for (const char *p = value; *p != '\0'; p++)
        if ((guchar) *p < 0x20)
          {
            g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                         "The value of “%s” has a control character", (const char *) key);
            return NULL;
          }
      g_string_append_printf (text, "%s=%s\n", (const char *) key, (const char *) value);
    }

  config = chorus_monitor_config_parse (text->str, text->len, &problems, NULL);
  if (config == NULL)
    {
      ChorusConfigProblem *first = g_ptr_array_index (problems, 0);

      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE, first->message);
      return NULL;
    }
  return chorus_monitor_check_copy (g_ptr_array_index (config->checks, 0));
}

typedef struct
{
  SoupServerMessage *msg;
  GCancellable *cancellable;
  gulong disconnected_id;
} ProbeRequest;

static void
on_probe_disconnected (SoupServerMessage *msg,
                       ProbeRequest      *request)
{
  g_cancellable_cancel (request->cancellable);
}

static void
on_probe_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ProbeRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  char *text = chorus_monitor_probe_finish (result, &error);

  if (!g_cancellable_is_cancelled (request->cancellable))
    {
      if (text != NULL)
        {
          close_after (request->msg);
          soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
          soup_server_message_set_response (request->msg, CHORUS_EXPOSITION_CONTENT_TYPE,
                                            SOUP_MEMORY_TAKE, g_steal_pointer (&text),
                                            strlen (text));
        }
      else
        answer_text (request->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
      soup_server_message_unpause (request->msg);
    }

  g_free (text);
  g_signal_handler_disconnect (request->msg, request->disconnected_id);
  g_object_unref (request->msg);
  g_object_unref (request->cancellable);
  g_free (request);
}

static void
on_probe (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusMonitorCheck) check = NULL;
  const char *name = query != NULL ? g_hash_table_lookup (query, "check") : NULL;
  ProbeRequest *request;

  if (!g_str_equal (path, "/probe"))
    {
      on_not_found (server, msg, path, query, user_data);
      return;
    }
  if (!method_allowed (msg))
    return;

  if (name != NULL)
    {
      const ChorusMonitorCheck *found = chorus_monitor_config_find (monitor->config, name);

      if (found == NULL || g_hash_table_size (query) > 1
          || (found->kind != CHORUS_CHECK_PROBE && found->kind != CHORUS_CHECK_PING))
        {
          g_autofree char *text =
            g_strdup_printf (found == NULL ? "No check “%s” in %s\n"
                             : g_hash_table_size (query) > 1
                               ? "check=%s takes no other parameter (%s)\n"
                               : "Check “%s” in %s is no probe or ping check\n",
                             name, monitor->path);

          answer_text (msg, SOUP_STATUS_BAD_REQUEST, text);
          return;
        }
      check = chorus_monitor_check_copy (found);
    }
  else if (query == NULL || g_hash_table_size (query) == 0)
    {
      answer_text (msg, SOUP_STATUS_BAD_REQUEST,
                   "Say what to probe: /probe?check=NAME or /probe?group=ADDR&port=PORT\n");
      return;
    }
  else if ((check = check_from_query (query, &error)) == NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s\n", error->message);

      answer_text (msg, SOUP_STATUS_BAD_REQUEST, text);
      return;
    }

  request = g_new0 (ProbeRequest, 1);
  request->msg = g_object_ref (msg);
  request->cancellable = g_cancellable_new ();
  request->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_probe_disconnected), request);
  soup_server_message_pause (msg);
  chorus_monitor_probe_async (check, probe_timeout (msg), request->cancellable, on_probe_done,
                              request);
}

static GSocketAddress *
parse_listen (const char  *text,
              GError     **error)
{
  g_autoptr(GSocketConnectable) parsed = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;
  guint16 port;

  parsed = g_network_address_parse (text, 0, &local_error);
  if (parsed == NULL)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "--listen “%s”: %s; write ADDR:PORT, such as 127.0.0.1:10432 or [::1]:10432",
                   text, local_error->message);
      return NULL;
    }
  port = g_network_address_get_port (G_NETWORK_ADDRESS (parsed));
  address = g_inet_address_new_from_string (
    g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed)));
  if (address == NULL || port == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   address == NULL
                     ? "--listen “%s”: give an IP address, not a name (0.0.0.0 for every IPv4 "
                       "address), and a port"
                     : "--listen “%s”: give a port, such as 127.0.0.1:10432",
                   text);
      return NULL;
    }
  return g_inet_socket_address_new (address, port);
}

/* Connections are accepted here and handed to the server: libsoup 3.2's
 * own listener (soup_server_listen()) loses the socket of every
 * connection it accepts, fixed in 3.3.0. */
static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  SoupServer *server = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (local == NULL || remote == NULL
      || !soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, &error))
    g_debug ("Dropping a connection: %s", error ? error->message : "no address");
  return TRUE;
}

static GSocketService *
listen_on (SoupServer      *server,
           GSocketAddress  *address,
           GError         **error)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, NULL, error))
    return NULL;
  g_signal_connect_object (service, "incoming", G_CALLBACK (on_incoming), server, 0);
  g_socket_service_start (service);
  return g_steal_pointer (&service);
}

/* Signals */

static gboolean
on_stop (gpointer user_data)
{
  Monitor *monitor = user_data;

  chorus_monitor_stop (monitor->monitor);
  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

/* SIGHUP: the file anew; a bad one leaves the checks running as they are. */
static gboolean
on_reload (gpointer user_data)
{
  Monitor *monitor = user_data;
  ChorusMonitorConfig *config = load (monitor->path);

  if (config == NULL)
    {
      g_printerr ("chorus-cli monitor: %s not reloaded: the checks go on as they were\n",
                  monitor->path);
      return G_SOURCE_CONTINUE;
    }

  monitor->config = config;
  chorus_monitor_set_config (monitor->monitor, config);
  g_printerr ("chorus-cli monitor: %s reloaded: %u checks\n", monitor->path,
              config->checks->len);
  return G_SOURCE_CONTINUE;
}

static void
on_check_failed (ChorusMonitor *self,
                 const char    *name,
                 GError        *error,
                 Monitor       *monitor)
{
  g_printerr ("chorus-cli monitor: check %s: %s\n", name, error->message);
}

static void
on_once_finished (ChorusMonitor *self,
                  Monitor       *monitor)
{
  monitor->done = TRUE;
  g_main_loop_quit (monitor->loop);
}

int
chorus_cli_monitor (int    argc,
                    char **argv)
{
  g_autofree char *listen_text = NULL;
  gboolean check_only = FALSE;
  gboolean once = FALSE;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen_text,
      "Serve /metrics and /probe here (default " DEFAULT_LISTEN ")", "ADDR:PORT" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
      "Read CONFIG, say what is wrong with it, and exit: 0 if nothing, 2 otherwise", NULL },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      "Run every check once, print the metrics on stdout and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("CONFIG — run the checks of CONFIG, serve their metrics to Prometheus");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusMonitor) service = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocketService) listener = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  ChorusMonitorConfig *config;
  Monitor monitor = { 0 };
  guint signal_ids[3];
  int status = EXIT_OK;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
    context,
    "CONFIG has one section a check: [probe NAME], [ping NAME] or [responder NAME], with the\n"
    "keys of the options of chorus-cli probe, ping and receive (README: chorus-cli monitor).\n"
    "SIGHUP reads it again; SIGTERM stops.\n"
    "\n"
    "Exit status: 0 when stopped; 1 if the address cannot be listened on, or with --once if a\n"
    "check failed; 2 for invalid input, a CONFIG with anything wrong among it.");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return chorus_cli_invalid ("monitor", error);
  if (argc != 3)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           argc < 3 ? "Give the configuration file" : "Give one configuration file");
      return chorus_cli_invalid ("monitor", error);
    }
  if (check_only && once)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "--check and --once do not go together");
      return chorus_cli_invalid ("monitor", error);
    }

  monitor.path = argv[2];
  config = load (monitor.path);
  if (config == NULL)
    return CHORUS_CLI_EXIT_INVALID;

  if (check_only)
    {
      printf ("%s: %u %s, nothing wrong\n", monitor.path, config->checks->len,
              config->checks->len == 1 ? "check" : "checks");
      chorus_monitor_config_free (config);
      return EXIT_OK;
    }

  if (!once && (address = parse_listen (listen_text ? listen_text : DEFAULT_LISTEN,
                                        &error)) == NULL)
    {
      chorus_monitor_config_free (config);
      return chorus_cli_invalid ("monitor", error);
    }

  loop = g_main_loop_new (NULL, FALSE);
  service = chorus_monitor_new ();
  monitor.monitor = service;
  monitor.config = config;
  monitor.loop = loop;
  chorus_monitor_set_config (service, config);
  chorus_monitor_set_once (service, once);
  g_signal_connect (service, "check-failed", G_CALLBACK (on_check_failed), &monitor);
  g_signal_connect (service, "finished", G_CALLBACK (on_once_finished), &monitor);

  if (!once)
    {
      g_autofree char *header = g_strdup_printf ("chorus-cli-monitor/%s", PACKAGE_VERSION);

      server = soup_server_new ("server-header", header, NULL);
      soup_server_add_handler (server, NULL, on_not_found, &monitor, NULL);
      soup_server_add_handler (server, "/metrics", on_metrics, &monitor, NULL);
      soup_server_add_handler (server, "/probe", on_probe, &monitor, NULL);
      if ((listener = listen_on (server, address, &error)) == NULL)
        {
          g_autofree char *shown = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

          g_printerr ("chorus-cli monitor: cannot listen on %s: %s\n", shown, error->message);
          return EXIT_FAILED;
        }
    }

  signal_ids[0] = g_unix_signal_add (SIGINT, on_stop, &monitor);
  signal_ids[1] = g_unix_signal_add (SIGTERM, on_stop, &monitor);
  signal_ids[2] = g_unix_signal_add (SIGHUP, on_reload, &monitor);

  chorus_monitor_start (service);
  if (!monitor.done)
    g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (signal_ids); i++)
    g_source_remove (signal_ids[i]);

  if (once)
    {
      GString *out = g_string_new (NULL);

      chorus_monitor_render (service, out);
      if (fwrite (out->str, 1, out->len, stdout) != out->len || fflush (stdout) != 0)
        {
          g_printerr ("chorus-cli monitor: could not write the metrics\n");
          status = EXIT_FAILED;
        }
      else if (chorus_monitor_get_n_down (service) > 0)
        status = EXIT_FAILED;
      g_string_free (out, TRUE);
    }

  chorus_monitor_stop (service);
  if (server != NULL)
    {
      /* Connections closed by their peer, then ours: libsoup lets them
       * go from the main loop. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_socket_service_stop (listener);
      g_socket_listener_close (G_SOCKET_LISTENER (listener));
      soup_server_disconnect (server);
      g_clear_object (&server);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  return status;
}
