/* test-router.c: chorus-cli across a multicast router
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A routed LAN (testlan.h): hosts 1 and 2 on segment A (10.77.0.0/16),
 * host 3 on segment B (10.78.0.0/16), smcrouted between them. What is
 * sent with TTL 1 stays on its segment; with more it crosses, one less,
 * and the answers come back through the router by unicast.
 *
 * "Nothing crossed" is proved by order: the router forwards in order,
 * so when the first datagram a far receiver has is one sent after the
 * one that must not cross, that one never will.
 */

#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "testcli.h"

#define NEAR_RECEIVER "10.77.0.2"
#define FAR_RECEIVER  "10.78.0.1"

/* A probe run is a few seconds; a loaded machine may stretch it. */
#define PROBE_TIMEOUT 30000

static GPtrArray *
events_from (GPtrArray  *events,
             const char *event,
             const char *from)
{
  g_autoptr (GPtrArray) all = chorus_test_json_filter (events, event);
  GPtrArray *matching = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (chorus_test_json_get_string (g_ptr_array_index (all, i), "from"), from) == 0)
      g_ptr_array_add (matching, g_ptr_array_index (all, i));

  return matching;
}

/* chorus-cli send --json -t TTL MESSAGE on host; returns its events once
 * it has exited with status. */
static GPtrArray *
run_send (Fixture    *fx,
          guint       host,
          const char *ttl,
          const char *message,
          int         status)
{
  ChorusTestProc *sender;

  sender = cli_spawn_chorus (fx, host, "send", "--json", "-t", ttl, "-w", "0.5", message, NULL);
  cli_await_exit (sender, status);

  return cli_json_events (sender);
}

static void
assert_acked_by (GPtrArray         *events,
                 const char *const *from,
                 guint              n_from)
{
  g_autoptr (GPtrArray) acks = chorus_test_json_filter (events, "ack");

  g_assert_cmpuint (acks->len, ==, n_from);
  for (guint i = 0; i < n_from; i++)
    {
      g_autoptr (GPtrArray) mine = events_from (events, "ack", from[i]);

      g_assert_cmpuint (mine->len, ==, 1);
    }
}

/* The message's text and the TTL it arrived with. */
static void
assert_message (JsonObject *message,
                const char *data,
                gint64      ttl)
{
  g_assert_nonnull (message);
  g_assert_cmpstr (chorus_test_json_get_string (message, "data"), ==, data);
  g_assert_cmpint (chorus_test_json_get_int (message, "ttl", -1), ==, ttl);
}

/* TTL 1 reaches the receiver on its own segment only; TTL 2 reaches
 * the far one too, arriving with 1. Both ways. */
static void
test_ttl (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonObject) message = NULL;
  const char *const near_only[] = { NEAR_RECEIVER };
  const char *const both[] = { NEAR_RECEIVER, FAR_RECEIVER };
  ChorusTestProc   *near, *far;
  guint             n;

  SKIP_WITHOUT_LAN (fx);

  near = cli_start_receiver (fx, 2, NULL);
  far = cli_start_receiver (fx, 3, NULL);

  events = run_send (fx, 1, "1", "stays", 0);
  assert_acked_by (events, near_only, G_N_ELEMENTS (near_only));
  g_clear_pointer (&events, g_ptr_array_unref);

  events = run_send (fx, 1, "2", "crosses", 0);
  assert_acked_by (events, both, G_N_ELEMENTS (both));
  g_clear_pointer (&events, g_ptr_array_unref);

  message = cli_await_message (fx, far, "crosses", &n);
  g_assert_cmpuint (n, ==, 1);
  assert_message (message, "crosses", 1);
  g_clear_pointer (&message, json_object_unref);

  message = cli_await_messages (fx, near, NULL, 2, &n);
  g_assert_cmpuint (n, ==, 2);
  assert_message (message, "stays", 1);
  g_clear_pointer (&message, json_object_unref);
  message = cli_await_message (fx, near, "crosses", NULL);
  assert_message (message, "crosses", 2);
  g_clear_pointer (&message, json_object_unref);

  /* From B to A: the far receiver is now the near one. */
  events = run_send (fx, 3, "1", "home", 0);
  {
    const char *const far_only[] = { FAR_RECEIVER };

    assert_acked_by (events, far_only, G_N_ELEMENTS (far_only));
  }
  g_clear_pointer (&events, g_ptr_array_unref);
  events = run_send (fx, 3, "2", "over", 0);
  assert_acked_by (events, both, G_N_ELEMENTS (both));

  message = cli_await_message (fx, near, "over", &n);
  g_assert_cmpuint (n, ==, 3);
  assert_message (message, "over", 1);
}

static ChorusTestProc *
run_probe (Fixture    *fx,
           guint       host,
           const char *ttl)
{
  ChorusTestProc *prober;

  prober = cli_spawn_chorus (fx, host, "probe", "--json", "-c", "3", "-i", "0.05", "-w", "1", "-t",
                             ttl, NULL);
  if (!chorus_test_proc_wait_exit (prober, PROBE_TIMEOUT))
    g_error ("probe still running after %d ms", PROBE_TIMEOUT);
  cli_await_exit (prober, 0);

  return prober;
}

/* The last responder event from that address, asserted there. */
static JsonObject *
responder_from (GPtrArray  *events,
                const char *from)
{
  g_autoptr (GPtrArray) responders = events_from (events, "responder", from);

  if (responders->len == 0)
    g_error ("no responder event from %s", from);

  return g_ptr_array_index (responders, responders->len - 1);
}

static void
assert_hops (JsonObject *responder,
             gint64      hops)
{
  g_assert_true (json_object_get_boolean_member_with_default (responder, "tagged", FALSE));
  g_assert_cmpint (chorus_test_json_get_int (responder, "hops", -1), ==, hops);
  g_assert_false (json_object_get_boolean_member_with_default (responder, "hops_estimated", TRUE));
  g_assert_cmpint (chorus_test_json_get_int (responder, "sent", -1), ==, 3);
  g_assert_cmpint (chorus_test_json_get_int (responder, "received", -1), ==, 3);
}

/* chorus-cli probe with TTL 5 from A: the receiver on A is 0 hops away,
 * the one on B exactly 1, known from the TTL its answers report. A
 * probe with TTL 1 before it is heard on A only. */
static void
test_probe_hops (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) far_acks = NULL;
  g_autoptr (GPtrArray) far_events = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  ChorusTestProc *prober, *far;
  JsonObject     *summary;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 2, NULL);
  far = cli_start_receiver (fx, 3, NULL);

  prober = run_probe (fx, 1, "1");
  events = cli_json_events (prober);
  assert_hops (responder_from (events, NEAR_RECEIVER), 0);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 1);
  g_clear_pointer (&events, g_ptr_array_unref);

  prober = run_probe (fx, 1, "5");
  events = cli_json_events (prober);
  assert_hops (responder_from (events, NEAR_RECEIVER), 0);
  assert_hops (responder_from (events, FAR_RECEIVER), 1);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 2);
  /* The answers crossed the router too. */
  far_acks = events_from (events, "ack", FAR_RECEIVER);
  g_assert_cmpuint (far_acks->len, ==, 3);
  for (guint i = 0; i < far_acks->len; i++)
    g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (far_acks, i), "ttl", -1), ==, 63);

  /* The far receiver heard the TTL 5 probes alone, each with TTL 4. */
  chorus_test_proc_send_signal (far, SIGINT);
  cli_await_exit (far, 0);
  far_events = cli_json_events (far);
  messages = chorus_test_json_filter (far_events, "message");
  g_assert_cmpuint (messages->len, ==, 3);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (messages, i), "ttl", -1), ==, 4);
}

/* IPv6 and source-specific multicast across the router. */

#define SSM_GROUP   "232.1.2.3"
#define GROUP6      "ff0e::77"
#define SSM_GROUP6  "ff3e::1:2:3"
#define NEAR6       "fd77::2"
#define FAR6        "fd78::1"

/* chorus-cli receive --json -g group ARGS… NULL on host, once joined;
 * cli_start_receiver() waits for GROUP only. */
static ChorusTestProc *
start_receiver_on (Fixture    *fx,
                   guint       host,
                   const char *group,
                   ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *log = NULL;
  ChorusTestProc *proc;
  const char     *arg;
  va_list         args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, "receive");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "-g");
  g_ptr_array_add (argv, (char *) group);
  va_start (args, group);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
  if (chorus_test_proc_wait_joined (proc, group, PORT, 1, READY_TIMEOUT))
    return proc;
  log = chorus_test_proc_dup_stderr_text (proc);
  g_error ("receiver on h%u did not join %s within %d ms (status %d): %s", host, group,
           READY_TIMEOUT, chorus_test_proc_get_status (proc), log);
}

static GPtrArray *
run_send_to (Fixture    *fx,
             guint       host,
             const char *group,
             const char *ttl,
             const char *message)
{
  ChorusTestProc *sender;

  sender = cli_spawn_chorus (fx, host, "send", "--json", "-g", group, "-t", ttl, "-w", "0.5",
                             message, NULL);
  cli_await_exit (sender, 0);

  return cli_json_events (sender);
}

/* A receiver on B joined to (host 1, group) hears host 1 across the
 * router, and never host 2, which sends to the same group first: the
 * router forwards both (its routes are (*,G)), the receiver's host
 * filters. */
static void
check_ssm (Fixture    *fx,
           const char *group,
           const char *source)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *far, *other;
  guint           n;

  far = start_receiver_on (fx, 3, group, "--source", source, NULL);

  /* Nobody listens to host 2: no answer, exit status 1. */
  other = cli_spawn_chorus (fx, 2, "send", "--json", "-g", group, "-t", "2", "-w", "0.5", "other",
                            NULL);
  cli_await_exit (other, 1);
  events = run_send_to (fx, 1, group, "2", "chosen");
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 1);

  message = cli_await_message (fx, far, "chosen", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (chorus_test_json_get_string (message, "from"), ==, source);
  assert_message (message, "chosen", 1);
}

static void
test_ssm_ipv4 (Fixture       *fx,
               gconstpointer  data)
{
  SKIP_WITHOUT_LAN (fx);

  check_ssm (fx, SSM_GROUP, "10.77.0.1");
}

static void
test_ssm_ipv6 (Fixture       *fx,
               gconstpointer  data)
{
  SKIP_WITHOUT_LAN (fx);

  check_ssm (fx, SSM_GROUP6, "fd77::1");
}

/* IPv6: hop limit 1 stays on A, 2 crosses arriving with 1. */
static void
test_ipv6_hops (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonObject) message = NULL;
  const char *const near_only[] = { NEAR6 };
  const char *const both[] = { NEAR6, FAR6 };
  ChorusTestProc   *near, *far;
  guint             n;

  SKIP_WITHOUT_LAN (fx);

  near = start_receiver_on (fx, 2, GROUP6, NULL);
  far = start_receiver_on (fx, 3, GROUP6, NULL);

  events = run_send_to (fx, 1, GROUP6, "1", "stays");
  assert_acked_by (events, near_only, G_N_ELEMENTS (near_only));
  g_clear_pointer (&events, g_ptr_array_unref);
  events = run_send_to (fx, 1, GROUP6, "2", "crosses");
  assert_acked_by (events, both, G_N_ELEMENTS (both));

  message = cli_await_message (fx, far, "crosses", &n);
  g_assert_cmpuint (n, ==, 1);
  assert_message (message, "crosses", 1);
  g_clear_pointer (&message, json_object_unref);
  message = cli_await_messages (fx, near, NULL, 2, &n);
  g_assert_cmpuint (n, ==, 2);
  assert_message (message, "stays", 1);
}

/* IPv6 probe with hop limit 5: 0 hops on A, exactly 1 on B. */
static void
test_ipv6_probe_hops (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) far_acks = NULL;
  ChorusTestProc *prober;

  SKIP_WITHOUT_LAN (fx);

  start_receiver_on (fx, 2, GROUP6, NULL);
  start_receiver_on (fx, 3, GROUP6, NULL);

  prober = cli_spawn_chorus (fx, 1, "probe", "--json", "-g", GROUP6, "-c", "3", "-i", "0.05", "-w",
                             "1", "-t", "5", NULL);
  if (!chorus_test_proc_wait_exit (prober, PROBE_TIMEOUT))
    g_error ("probe still running after %d ms", PROBE_TIMEOUT);
  cli_await_exit (prober, 0);
  events = cli_json_events (prober);
  assert_hops (responder_from (events, NEAR6), 0);
  assert_hops (responder_from (events, FAR6), 1);
  far_acks = events_from (events, "ack", FAR6);
  g_assert_cmpuint (far_acks->len, ==, 3);
  for (guint i = 0; i < far_acks->len; i++)
    g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (far_acks, i), "ttl", -1), ==, 63);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/router/" path, Fixture, CLI_ROUTED (2, 1), cli_fixture_setup_routed, func,         \
              cli_fixture_teardown)

  ADD ("ttl", test_ttl);
  ADD ("probe-hops", test_probe_hops);
  ADD ("ipv6-hops", test_ipv6_hops);
  ADD ("ipv6-probe-hops", test_ipv6_probe_hops);
  ADD ("ssm-ipv4", test_ssm_ipv4);
  ADD ("ssm-ipv6", test_ssm_ipv6);

#undef ADD

  return g_test_run ();
}
