/* test-ping.c: chorus-cli ping against Debian's ssmpingd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A routed LAN (testlan.h): ssmpingd on host 1 (10.77.0.1, fd77::1),
 * clients on host 2, on the same segment, and on host 3, across the
 * router. ssmpingd answers every query by unicast and to the group,
 * both with TTL 64; the router takes one off.
 */

#include <string.h>

#include "testcli.h"

#define SERVER  "10.77.0.1"
#define SERVER6 "fd77::1"
/* A ping run of a few queries; auto waits a second for RFC 6450 first. */
#define PING_TIMEOUT 30000
#define COUNT   "5"

/* ssmpingd on host 1, once its port is open. */
static void
start_ssmpingd (Fixture *fx)
{
  const char *const argv[] = { "ssmpingd", NULL };
  ChorusTestProc   *server = cli_spawn_argv (fx, 1, argv);

  /* It says nothing until asked: wait for its port (224.0.0.1, which
   * every host is in, with no user asked for: the port alone). Auto
   * spends a second on RFC 6450 first, time enough for its IPv6 socket
   * if that came second. */
  if (!chorus_test_proc_wait_joined (server, "224.0.0.1", 4321, 0, READY_TIMEOUT))
    {
      g_autofree char *log = chorus_test_proc_dup_stderr_text (server);

      g_error ("ssmpingd did not open port 4321 within %d ms (status %d): %s", READY_TIMEOUT,
               chorus_test_proc_get_status (server), log);
    }
}

static GPtrArray *
run_ping (Fixture    *fx,
          guint       host,
          int         status,
          const char *group,
          const char *server)
{
  ChorusTestProc *ping;

  if (group != NULL)
    ping = cli_spawn_chorus (fx, host, "ping", "--json", "-c", COUNT, "-i", "0.2", "-w", "1",
                             "-g", group, server, NULL);
  else
    ping = cli_spawn_chorus (fx, host, "ping", "--json", "-c", COUNT, "-i", "0.2", "-w", "1",
                             server, NULL);
  if (!chorus_test_proc_wait_exit (ping, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (ping, status);

  return cli_json_events (ping);
}

static JsonObject *
path_of (JsonObject *summary,
         const char *path)
{
  JsonObject *object = json_object_get_object_member (summary, path);

  g_assert_nonnull (object);
  return object;
}

static guint
count_replies (GPtrArray  *events,
               const char *path,
               gint64      hops)
{
  g_autoptr (GPtrArray) replies = chorus_test_json_filter (events, "reply");
  guint n = 0;

  for (guint i = 0; i < replies->len; i++)
    {
      JsonObject *reply = g_ptr_array_index (replies, i);

      if (g_strcmp0 (chorus_test_json_get_string (reply, "path"), path) != 0)
        continue;
      g_assert_cmpint (chorus_test_json_get_int (reply, "hops", -1), ==, hops);
      g_assert_cmpstr (chorus_test_json_get_string (reply, "verdict"), ==, "received");
      n++;
    }

  return n;
}

/* Every query answered both ways, with these hops. */
static void
assert_both_paths (GPtrArray  *events,
                   const char *group,
                   gboolean    source_specific,
                   gint64      hops)
{
  JsonObject *summary = cli_summary_of (events);
  JsonObject *unicast = path_of (summary, "unicast");
  JsonObject *multicast = path_of (summary, "multicast");

  g_assert_cmpstr (chorus_test_json_get_string (summary, "group"), ==, group);
  g_assert_cmpint (json_object_get_boolean_member (summary, "source_specific"), ==,
                   source_specific);
  /* ssmpingd does not know RFC 6450: auto fell back. */
  g_assert_cmpstr (chorus_test_json_get_string (summary, "protocol"), ==, "ssmping");
  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "multicast");
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 5);

  g_assert_cmpuint (count_replies (events, "unicast", hops), ==, 5);
  g_assert_cmpuint (count_replies (events, "multicast", hops), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (unicast, "received", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (unicast, "sent", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "received", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "sent", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "first_seq", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "hops", -1), ==, hops);
  g_assert_false (json_object_get_boolean_member (multicast, "hops_estimated"));
  g_assert_cmpint (chorus_test_json_get_int (unicast, "hops", -1), ==, hops);
  g_assert_true (json_object_get_boolean_member (unicast, "hops_estimated"));
  g_assert_true (json_object_has_member (multicast, "first_answer_ms"));
}

static void
test_ssm_ipv4 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, NULL, SERVER);
  assert_both_paths (events, "232.43.211.234", TRUE, 0);
}

static void
test_asm_ipv4 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, "239.7.7.234", SERVER);
  assert_both_paths (events, "239.7.7.234", FALSE, 0);
}

static void
test_ssm_ipv6 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, NULL, SERVER6);
  assert_both_paths (events, "ff3e::4321:1234", TRUE, 0);
}

static void
test_asm_ipv6 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, "ff0e::4321:1234", SERVER6);
  assert_both_paths (events, "ff0e::4321:1234", FALSE, 0);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = run_ping (fx, 2, 0, "ff05::4321:1234", SERVER6);
  assert_both_paths (events, "ff05::4321:1234", FALSE, 0);
}

/* Across the router: answers sent with 64 arrive with 63, both ways,
 * IPv4 and IPv6. */
static void
test_router (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 3, 0, NULL, SERVER);
  assert_both_paths (events, "232.43.211.234", TRUE, 1);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = run_ping (fx, 3, 0, NULL, SERVER6);
  assert_both_paths (events, "ff3e::4321:1234", TRUE, 1);
}

/* The router forwards unicast and not multicast: the classic broken
 * network. Every unicast answer comes, no multicast one; exit 1, and
 * the words for it. */
static void
test_multicast_broken (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  ChorusTestProc *ping;
  JsonObject     *summary;
  GPtrArray      *out;
  gboolean        said = FALSE;

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_stop_routing_multicast (fx->lan, &error);
  g_assert_no_error (error);
  start_ssmpingd (fx);

  events = run_ping (fx, 3, 1, NULL, SERVER);
  summary = cli_summary_of (events);
  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "unicast-only");
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "unicast"), "received", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "multicast"), "received", -1), ==,
                   0);
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "multicast"), "sent", -1), ==, 5);
  g_assert_cmpuint (count_replies (events, "unicast", 1), ==, 5);
  g_assert_cmpuint (count_replies (events, "multicast", 1), ==, 0);

  /* In words, for people. */
  ping = cli_spawn_chorus (fx, 3, "ping", "-c", "2", "-i", "0.2", "-w", "0.5", SERVER, NULL);
  if (!chorus_test_proc_wait_exit (ping, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (ping, 1);
  out = chorus_test_proc_get_stdout (ping);
  for (guint i = 0; i < out->len; i++)
    said |= strcmp (g_ptr_array_index (out, i),
                    "multicast is not reaching this host; unicast is") == 0;
  g_assert_true (said);
}

/* Multicast that arrived and then stopped (the snooping switch that
 * forgets a group after a few minutes): the verdict says what is true
 * at the end, not that something once came. */
static void
test_multicast_stops (Fixture       *fx,
                      gconstpointer  data)
{
  const char *const nft[] = {
    "nft",
    "add table inet ping_test; "
    "add chain inet ping_test input { type filter hook input priority 0; policy accept; }; "
    "add rule inet ping_test input ip daddr 232.0.0.0/8 drop",
    NULL
  };
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *ping, *block;
  JsonObject     *summary, *unicast, *multicast;
  guint           from = 0;
  gint64          heard;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  ping = cli_spawn_chorus (fx, 2, "ping", "--json", "--protocol", "ssmping", "-c", "12", "-i",
                           "0.2", "-w", "0.5", SERVER, NULL);
  for (guint i = 0; i < 2; i++)
    g_assert_nonnull (chorus_test_proc_wait_line (ping, FALSE, "\"path\":\"multicast\"", &from,
                                                  PING_TIMEOUT));
  /* The client's host stops taking the group in. */
  block = cli_spawn_argv (fx, 2, nft);
  cli_await_exit (block, 0);

  if (!chorus_test_proc_wait_exit (ping, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (ping, 1);
  events = cli_json_events (ping);
  summary = cli_summary_of (events);
  unicast = path_of (summary, "unicast");
  multicast = path_of (summary, "multicast");

  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "multicast-stopped");
  heard = chorus_test_json_get_int (multicast, "received", -1);
  g_assert_cmpint (heard, >=, 2);
  g_assert_cmpint (heard, <, 12);
  g_assert_true (json_object_get_boolean_member (multicast, "silent"));
  g_assert_cmpint (chorus_test_json_get_int (unicast, "received", -1), ==, 12);
  g_assert_false (json_object_get_boolean_member (unicast, "silent"));
}

/* RFC 6450 between two Chorus instances: auto finds it, and the server
 * says what TTL it sent with, so unicast hops are exact too. */
static void
test_chorus_serve (Fixture       *fx,
                   gconstpointer  data)
{
  ChorusTestProc *server;
  const char     *servers[] = { SERVER, SERVER6 };

  SKIP_WITHOUT_LAN (fx);

  server = cli_spawn_chorus (fx, 1, "serve", "--json", NULL);
  if (!chorus_test_proc_wait_line (server, FALSE, "\"ready\"", NULL, READY_TIMEOUT))
    g_error ("chorus-cli serve is not ready after %d ms", READY_TIMEOUT);

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    for (guint host = 2; host <= 3; host++)
      {
        g_autoptr (GPtrArray) events = run_ping (fx, host, 0, NULL, servers[i]);
        JsonObject *summary = cli_summary_of (events);
        gint64      hops = host == 3 ? 1 : 0;

        g_assert_cmpstr (chorus_test_json_get_string (summary, "protocol"), ==, "rfc6450");
        g_assert_cmpuint (count_replies (events, "unicast", hops), ==, 5);
        g_assert_cmpuint (count_replies (events, "multicast", hops), ==, 5);
        for (guint p = 0; p < 2; p++)
          {
            JsonObject *path = path_of (summary, p == 0 ? "unicast" : "multicast");

            g_assert_cmpint (chorus_test_json_get_int (path, "received", -1), ==, 5);
            g_assert_cmpint (chorus_test_json_get_int (path, "hops", -1), ==, hops);
            g_assert_false (json_object_get_boolean_member (path, "hops_estimated"));
          }
      }
}

/* Invalid input: exit 2, before anything is sent. */
static void
test_invalid (Fixture       *fx,
              gconstpointer  data)
{
  const char *const cases[][4] = {
    { "ping", "not-an-address", NULL },
    { "ping", "-g", "ff3e::4321:1234", SERVER },
    { "ping", "--protocol", "ssmping", "-g" },
    { "ping", "--protocol", "bogus", SERVER },
    { "ping", "224.1.1.1", NULL },
  };

  SKIP_WITHOUT_LAN (fx);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[8] = { cli_path () };

      for (guint j = 0; j < 4 && cases[i][j] != NULL; j++)
        argv[j + 1] = cases[i][j];
      /* --protocol ssmping with a group ssmpingd does not serve. */
      if (i == 2)
        {
          argv[5] = "239.1.2.3";
          argv[6] = SERVER;
        }
      cli_await_exit (cli_spawn_argv (fx, 2, argv), 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/ping/" path, Fixture, CLI_ROUTED (2, 1), cli_fixture_setup_routed, func,           \
              cli_fixture_teardown)

  ADD ("ssmpingd/ssm-ipv4", test_ssm_ipv4);
  ADD ("ssmpingd/asm-ipv4", test_asm_ipv4);
  ADD ("ssmpingd/ssm-ipv6", test_ssm_ipv6);
  ADD ("ssmpingd/asm-ipv6", test_asm_ipv6);
  ADD ("ssmpingd/router", test_router);
  ADD ("ssmpingd/multicast-broken", test_multicast_broken);
  ADD ("ssmpingd/multicast-stops", test_multicast_stops);
  ADD ("chorus-serve", test_chorus_serve);
  ADD ("invalid", test_invalid);

#undef ADD

  return g_test_run ();
}
