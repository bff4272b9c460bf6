/* test-networks.c: chorus-cli over IPv6, with named sources and with many
 * groups on one port, on a private LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The LAN's hosts have no IPv6 addresses of their own (addrgenmode none):
 * the IPv6 cases give them link-local (fe80::I) and unique local
 * (fd77::I) addresses here, without duplicate address detection, so
 * that they are usable at once. The bridge does not snoop: every
 * multicast frame reaches every host, and only the hosts' own filters
 * (joins, sources) decide what a receiver gets.
 */

#include <signal.h>
#include <string.h>

#include "testcli.h"

#define GROUP6_LINK   "ff02::4242%eth0"
#define GROUP6_GLOBAL "ff0e::4242"
#define GROUP6_SITE   "ff05::4242"

/* ip -n chorus-hHOST ARGS… */
static void
host_ip (Fixture    *fx,
         guint       host,
         const char *command)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strdup_printf ("ip -n %s %s",
                                           chorus_test_lan_get_netns (fx->lan, host), command);
  g_auto (GStrv) argv = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_true (g_shell_parse_argv (line, NULL, &argv, NULL));
  g_test_message ("$ %s", line);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", line, err);
}

/* Link-local and unique local addresses on every host, and a route that
 * takes every IPv6 group out by way of eth0. */
static void
enable_ipv6 (Fixture *fx)
{
  for (guint i = 1; i <= chorus_test_lan_get_n_hosts (fx->lan); i++)
    {
      g_autofree char *link = g_strdup_printf ("addr add fe80::%u/64 dev eth0 nodad", i);
      g_autofree char *unique = g_strdup_printf ("addr add fd77::%u/64 dev eth0 nodad", i);

      host_ip (fx, i, link);
      host_ip (fx, i, unique);
      host_ip (fx, i, "-6 route replace ff00::/8 dev eth0");
    }
}

/* A receiver says "ready" once it has joined every group it could. */
static ChorusTestProc *
start_receiver (Fixture *fx,
                guint    host,
                ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *log = NULL;
  ChorusTestProc *proc;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, "receive");
  g_ptr_array_add (argv, "--json");
  va_start (args, host);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
  if (chorus_test_proc_wait_line (proc, FALSE, "\"ready\"", NULL, READY_TIMEOUT) != NULL)
    return proc;

  log = chorus_test_proc_dup_stderr_text (proc);
  g_error ("receiver on h%u not ready within %d ms (status %d): %s", host, READY_TIMEOUT,
           chorus_test_proc_get_status (proc), log);
}

/* Stops a receiver and returns its events. */
static GPtrArray *
stop_receiver (ChorusTestProc *receiver)
{
  chorus_test_proc_send_signal (receiver, SIGTERM);
  cli_await_exit (receiver, 0);

  return cli_json_events (receiver);
}

static JsonObject *
find_event (GPtrArray  *events,
            const char *event,
            const char *key,
            const char *value)
{
  g_autoptr (GPtrArray) matching = chorus_test_json_filter (events, event);

  for (guint i = 0; i < matching->len; i++)
    if (g_strcmp0 (chorus_test_json_get_string (g_ptr_array_index (matching, i), key), value) == 0)
      return g_ptr_array_index (matching, i);

  return NULL;
}

static void
assert_invalid (Fixture    *fx,
                guint       host,
                const char *needle,
                ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *log = NULL;
  ChorusTestProc *proc;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) cli_path ());
  va_start (args, needle);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, NULL);

  proc = cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
  cli_await_exit (proc, 2);
  log = chorus_test_proc_dup_stderr_text (proc);
  g_assert_nonnull (strstr (log, needle));
  g_assert_cmpuint (cli_count_events (proc, "sent"), ==, 0);
  g_assert_cmpuint (cli_count_events (proc, "ready"), ==, 0);
}

/* A Chorus prober and a Chorus receiver over ff02::/16, by link-local
 * addresses: answers are tagged, zero hops, and every address carries
 * its zone. */
static void
test_ipv6_link_local (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  g_autoptr (GPtrArray) received = NULL;
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *receiver, *prober;
  JsonObject *ack;

  SKIP_WITHOUT_LAN (fx);

  enable_ipv6 (fx);
  receiver = start_receiver (fx, 2, "-g", GROUP6_LINK, NULL);
  prober = cli_spawn_chorus (fx, 1, "probe", "--json", "-g", GROUP6_LINK, "-c", "2", "-i", "0.1",
                             "-w", "0.5", "-t", "4", "hello v6", NULL);
  cli_await_exit (prober, 0);

  events = cli_json_events (prober);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 2);
  ack = g_ptr_array_index (acks, 0);
  g_assert_cmpstr (chorus_test_json_get_string (ack, "from"), ==, "fe80::2%eth0");
  g_assert_cmpint (chorus_test_json_get_int (ack, "port", -1), ==, PORT);
  g_assert_true (json_object_get_boolean_member (ack, "tagged"));
  /* Sent with hop limit 4, arrived with 4: no router between. */
  g_assert_cmpint (chorus_test_json_get_int (ack, "hops", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "tagged", -1), ==, 1);

  message = cli_await_message (fx, receiver, "hello v6", NULL);
  g_assert_cmpstr (chorus_test_json_get_string (message, "from"), ==, "fe80::1%eth0");
  g_assert_cmpstr (chorus_test_json_get_string (message, "group"), ==, GROUP6_LINK);
  g_assert_cmpint (chorus_test_json_get_int (message, "ttl", -1), ==, 4);

  /* -I instead of the zone is the same. */
  received = stop_receiver (receiver);
  receiver = start_receiver (fx, 2, "-g", "ff02::4242", "-I", "eth0", NULL);
  prober = cli_spawn_chorus (fx, 1, "send", "--json", "-g", "ff02::4242", "-I", "eth0", "-w",
                             "0.5", NULL);
  cli_await_exit (prober, 0);
  g_clear_pointer (&message, json_object_unref);
  message = cli_await_message (fx, receiver, ARTICLE_DATA, NULL);
  g_assert_cmpstr (chorus_test_json_get_string (message, "from"), ==, "fe80::1%eth0");
}

/* Wider scopes need a route, as IPv4 does: the hosts have one for
 * ff00::/8 on eth0. Answers come from the unique local addresses. */
static void
test_ipv6_routed_scope (Fixture       *fx,
                        gconstpointer  data)
{
  const char *groups[] = { GROUP6_SITE, GROUP6_GLOBAL };

  SKIP_WITHOUT_LAN (fx);

  enable_ipv6 (fx);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autoptr (GPtrArray) events = NULL;
      g_autoptr (GPtrArray) acks = NULL;
      g_autoptr (JsonObject) message = NULL;
      ChorusTestProc *receiver, *sender;

      receiver = start_receiver (fx, 2, "-g", groups[i], NULL);
      sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", groups[i], "-w", "0.5", NULL);
      cli_await_exit (sender, 0);
      events = cli_json_events (sender);
      acks = chorus_test_json_filter (events, "ack");
      g_assert_cmpuint (acks->len, ==, 1);
      g_assert_cmpstr (chorus_test_json_get_string (g_ptr_array_index (acks, 0), "from"), ==,
                       "fd77::2");
      message = cli_await_message (fx, receiver, ARTICLE_DATA, NULL);
      g_assert_cmpstr (chorus_test_json_get_string (message, "from"), ==, "fd77::1");
      g_assert_cmpstr (chorus_test_json_get_string (message, "group"), ==, groups[i]);
      g_ptr_array_unref (stop_receiver (receiver));
    }
}

/* A link-local group without an interface: exit 2, and nothing sent, as
 * a receiver that hears the valid send after them all proves. */
static void
test_missing_interface (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *receiver, *sender;
  guint n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  enable_ipv6 (fx);
  receiver = start_receiver (fx, 2, "-g", GROUP6_LINK, NULL);

  assert_invalid (fx, 1, "link-local", "send", "-g", "ff02::4242", NULL);
  assert_invalid (fx, 1, "link-local", "probe", "-g", "ff02::4242", "-c", "1", NULL);
  assert_invalid (fx, 1, "interface-local", "send", "-g", "ff01::4242", NULL);
  assert_invalid (fx, 1, "link-local", "receive", "-g", "ff02::4242", NULL);

  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", GROUP6_LINK, "-w", "0.3", "canary",
                             NULL);
  cli_await_exit (sender, 0);
  message = cli_await_message (fx, receiver, "canary", &n_messages);
  g_assert_cmpuint (n_messages, ==, 1);
}

static void
test_no_such_interface (Fixture       *fx,
                        gconstpointer  data)
{
  SKIP_WITHOUT_LAN (fx);

  assert_invalid (fx, 1, "nosuch0", "send", "-I", "nosuch0", NULL);
  assert_invalid (fx, 1, "nosuch0", "probe", "-I", "nosuch0", "-c", "1", NULL);
  assert_invalid (fx, 1, "nosuch0", "receive", "-I", "nosuch0", NULL);
}

/* Two senders on one group; the receiver joined for h1 alone hears only
 * h1. h2 sends first: had it got through, it would be the first message. */
static void
test_ssm_include (Fixture       *fx,
                  gconstpointer  data)
{
  const char *groups[] = { "232.1.2.3", "239.1.2.3" };

  SKIP_WITHOUT_LAN (fx);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autoptr (JsonObject) message = NULL;
      ChorusTestProc *receiver, *sender;
      guint n_messages = 0;

      receiver = start_receiver (fx, 3, "-g", groups[i], "--source", "10.77.0.1", NULL);
      sender = cli_spawn_chorus (fx, 2, "send", "--json", "-g", groups[i], "-w", "0.3",
                                 "from h2", NULL);
      cli_await_exit (sender, 1);
      sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", groups[i], "-w", "0.3",
                                 "from h1", NULL);
      cli_await_exit (sender, 0);
      message = cli_await_message (fx, receiver, "from h1", &n_messages);
      g_assert_cmpuint (n_messages, ==, 1);
      g_assert_cmpstr (chorus_test_json_get_string (message, "from"), ==, "10.77.0.1");
      g_ptr_array_unref (stop_receiver (receiver));
    }
}

/* The same, the other way: everyone but h2. */
static void
test_ssm_exclude (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *receiver, *sender;
  guint n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  receiver = start_receiver (fx, 3, "-g", "239.1.2.3", "--exclude-source", "10.77.0.2", NULL);
  sender = cli_spawn_chorus (fx, 2, "send", "--json", "-g", "239.1.2.3", "-w", "0.3", "from h2",
                             NULL);
  cli_await_exit (sender, 1);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", "239.1.2.3", "-w", "0.3", "from h1",
                             NULL);
  cli_await_exit (sender, 0);
  message = cli_await_message (fx, receiver, "from h1", &n_messages);
  g_assert_cmpuint (n_messages, ==, 1);
}

static void
test_ssm_invalid (Fixture       *fx,
                  gconstpointer  data)
{
  SKIP_WITHOUT_LAN (fx);

  assert_invalid (fx, 1, "source-specific", "receive", "-g", "232.1.1.1", NULL);
  assert_invalid (fx, 1, "source-specific", "receive", "-g", "232.1.1.1", "--exclude-source",
                  "10.77.0.2", NULL);
  assert_invalid (fx, 1, "not both", "receive", "-g", "239.1.1.1", "--source", "10.77.0.2",
                  "--exclude-source", "10.77.0.3", NULL);
  assert_invalid (fx, 1, "", "receive", "-g", "239.1.1.1", "--source", "banana", NULL);
  assert_invalid (fx, 1, "", "receive", "-g", "239.1.1.1", "--source", "fd77::1", NULL);
}

/* One port, five groups: each message says which it came by, and the
 * summary counts each. */
static void
test_many_groups (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonObject) message = NULL;
  const char *targets[][2] = { { "239.1.1.3", "to three" }, { "239.2.2.2", "to two" } };
  ChorusTestProc *receiver;
  JsonObject *group;

  SKIP_WITHOUT_LAN (fx);

  receiver = start_receiver (fx, 2, "-g", "239.1.1.1+3", "-g", "239.2.2.2", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      ChorusTestProc *sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", targets[i][0],
                                                 "-w", "0.3", targets[i][1], NULL);

      cli_await_exit (sender, 0);
      g_clear_pointer (&message, json_object_unref);
      message = cli_await_message (fx, receiver, targets[i][1], NULL);
      g_assert_cmpstr (chorus_test_json_get_string (message, "group"), ==, targets[i][0]);
    }

  events = stop_receiver (receiver);
  g_assert_cmpuint (cli_count_events (receiver, "warning"), ==, 0);
  g_assert_cmpuint (cli_count_events (receiver, "group"), ==, 5);
  group = find_event (events, "group", "group", "239.1.1.3");
  g_assert_nonnull (group);
  g_assert_cmpint (chorus_test_json_get_int (group, "received", -1), ==, 1);
  group = find_event (events, "group", "group", "239.1.1.1");
  g_assert_nonnull (group);
  g_assert_cmpint (chorus_test_json_get_int (group, "received", -1), ==, 0);
  g_assert_true (json_object_get_boolean_member (group, "joined"));
}

/* More groups than one IPv4 socket may join (20 by default): the
 * receiver takes more sockets, and every group is heard. */
static void
test_many_groups_past_limit (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  const char *targets[] = { "239.3.0.1", "239.3.0.21", "239.3.0.64" };
  ChorusTestProc *receiver;

  SKIP_WITHOUT_LAN (fx);

  receiver = start_receiver (fx, 2, "-g", "239.3.0.1+63", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr (JsonObject) message = NULL;
      ChorusTestProc *sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", targets[i], "-w",
                                                 "0.3", targets[i], NULL);

      cli_await_exit (sender, 0);
      message = cli_await_message (fx, receiver, targets[i], NULL);
      g_assert_cmpstr (chorus_test_json_get_string (message, "group"), ==, targets[i]);
    }

  events = stop_receiver (receiver);
  g_assert_cmpuint (cli_count_events (receiver, "warning"), ==, 0);
  g_assert_cmpuint (cli_count_events (receiver, "group"), ==, 64);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "received", -1), ==, 3);
}

/* A join that fails is a warning, and the rest is received: a group may
 * have at most ten sources on one socket (net.ipv4.igmp_max_msf), so the
 * eleventh source of 239.4.4.4 cannot be added, while 239.4.4.5 and the
 * ten sources before work. */
static void
test_failed_join_reported (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (JsonObject) message = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  ChorusTestProc *receiver, *sender;
  JsonObject *warning;

  SKIP_WITHOUT_LAN (fx);

  g_ptr_array_add (argv, g_strdup (cli_path ()));
  g_ptr_array_add (argv, g_strdup ("receive"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("-g"));
  g_ptr_array_add (argv, g_strdup ("239.4.4.4,239.4.4.5"));
  for (guint i = 1; i <= 11; i++)
    {
      g_ptr_array_add (argv, g_strdup ("--source"));
      g_ptr_array_add (argv, g_strdup_printf ("10.77.0.%u", i));
    }
  g_ptr_array_add (argv, NULL);
  receiver = cli_spawn_argv (fx, 2, (const char *const *) argv->pdata);
  g_assert_nonnull (chorus_test_proc_wait_line (receiver, FALSE, "\"ready\"", NULL, READY_TIMEOUT));

  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-g", "239.4.4.5", "-w", "0.3", "still here",
                             NULL);
  cli_await_exit (sender, 0);
  message = cli_await_message (fx, receiver, "still here", NULL);
  g_assert_cmpstr (chorus_test_json_get_string (message, "group"), ==, "239.4.4.5");

  events = stop_receiver (receiver);
  warnings = chorus_test_json_filter (events, "warning");
  g_assert_cmpuint (warnings->len, >=, 1);
  warning = g_ptr_array_index (warnings, 0);
  g_assert_nonnull (strstr (chorus_test_json_get_string (warning, "message"), "10.77.0.11"));
  g_assert_true (json_object_get_boolean_member (warning, "joined"));
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, n_hosts, func)                                                                   \
  g_test_add ("/networks/" path, Fixture, GUINT_TO_POINTER (n_hosts), cli_fixture_setup, func,     \
              cli_fixture_teardown)

  ADD ("ipv6-link-local", 2, test_ipv6_link_local);
  ADD ("ipv6-routed-scope", 2, test_ipv6_routed_scope);
  ADD ("missing-interface", 2, test_missing_interface);
  ADD ("no-such-interface", 1, test_no_such_interface);
  ADD ("ssm-include", 3, test_ssm_include);
  ADD ("ssm-exclude", 3, test_ssm_exclude);
  ADD ("ssm-invalid", 1, test_ssm_invalid);
  ADD ("many-groups", 2, test_many_groups);
  ADD ("many-groups-past-limit", 2, test_many_groups_past_limit);
  ADD ("failed-join-reported", 2, test_failed_join_reported);

#undef ADD

  return g_test_run ();
}
