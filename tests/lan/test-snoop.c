/* test-snoop.c: the test LAN's switch modes, snooping IGMP and MLD
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hosts join and leave groups with chorus-cli receive; the test process
 * sends the group's datagrams itself, from 10.77.0.254 (or fd77::fe) on
 * br0. What a datagram reached is read on the hosts' bridge ports, as
 * the bridge sends to them (chorus_test_capture_new_toward()), so that
 * "not forwarded" is a fact and not a timeout: after the datagram, the
 * test sends each host a unicast canary on the same path (the test
 * process's socket, then br0, then the host's port, all within one
 * send), and once every canary has left the bridge, whatever the
 * datagram reached has too. Memberships are read from the bridge's own
 * table (chorus_test_lan_get_members()).
 */

#include <net/if.h>
#include <signal.h>
#include <netinet/in.h>
#include <string.h>

#include "testcli.h"

#define N_HOSTS        3
#define GROUP4         "239.77.1.1"
#define GROUP6         "ff0e::77:1"
#define SNOOP_PORT     10100
#define CANARY_PORT    9
#define CANARY_TIMEOUT 2000
/* How long past a timer a bridge or a host may take. */
#define SLACK_MS       600

typedef struct
{
  Fixture            cli;
  ChorusTestCapture *captures[N_HOSTS + 1];
  GSocket           *socket4;
  GSocket           *socket6;
  guint              n_canaries;
} Snoop;

/* What a test case runs on: the switch, and IPv4 (IGMP) or IPv6 (MLD). */
typedef struct
{
  ChorusTestSwitchMode mode;
  gboolean             ipv6;
  guint                version; /* IGMP or MLD, of the bridge's queries */
} Case;

static const char *
group_of (const Case *c)
{
  return c->ipv6 ? GROUP6 : GROUP4;
}

static void
snoop_setup (Snoop         *fx,
             gconstpointer  data)
{
  const Case      *c = data;
  ChorusTestSwitch sw = { c->mode };
  g_autoptr (GError) error = NULL;

  memset (fx, 0, sizeof *fx);
  fx->cli.members = g_ptr_array_new ();
  fx->cli.member_hosts = g_array_new (FALSE, FALSE, sizeof (guint));
  if (!chorus_test_is_isolated ())
    {
      g_test_skip ("needs private network namespaces (run as root)");
      return;
    }

  if (c->ipv6)
    sw.mld_version = c->version;
  else
    sw.igmp_version = c->version;
  fx->cli.lan = chorus_test_lan_new_full (N_HOSTS, 0, &sw, &error);
  g_assert_no_error (error);

  for (guint host = 1; host <= N_HOSTS; host++)
    {
      fx->captures[host] = chorus_test_capture_new_toward (fx->cli.lan, host, &error);
      g_assert_no_error (error);
    }

  fx->socket4 = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                              &error);
  g_assert_no_error (error);
  g_socket_set_multicast_ttl (fx->socket4, 1);
  g_socket_set_multicast_loopback (fx->socket4, FALSE);
  if (c->ipv6)
    {
      fx->socket6 = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);
      g_assert_no_error (error);
      g_socket_set_multicast_ttl (fx->socket6, 1);
      g_socket_set_multicast_loopback (fx->socket6, FALSE);
      g_socket_set_option (fx->socket6, IPPROTO_IPV6, IPV6_MULTICAST_IF, if_nametoindex ("br0"),
                           &error);
      g_assert_no_error (error);
    }
}

static void
snoop_teardown (Snoop         *fx,
                gconstpointer  data)
{
  g_clear_object (&fx->socket4);
  g_clear_object (&fx->socket6);
  for (guint host = 1; host <= N_HOSTS; host++)
    g_clear_pointer (&fx->captures[host], chorus_test_capture_free);
  cli_fixture_teardown (&fx->cli, data);
}

static void
send_text (GSocket    *socket,
           const char *address,
           guint       port,
           const char *text)
{
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new_from_string (address, port);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (to);
  g_socket_send_to (socket, to, text, strlen (text), NULL, &error);
  g_assert_no_error (error);
}

/* chorus-cli receive on host, once it has joined group. */
static ChorusTestProc *
start_member (Snoop      *fx,
              guint       host,
              const char *group)
{
  g_autofree char *port = g_strdup_printf ("%u", SNOOP_PORT);
  g_autofree char *log = NULL;
  ChorusTestProc  *proc;

  proc = cli_spawn_chorus (&fx->cli, host, "receive", "--json", "--no-reply", "-g", group, "-p",
                           port, NULL);
  if (!chorus_test_proc_wait_joined (proc, group, SNOOP_PORT, 1, READY_TIMEOUT))
    {
      log = chorus_test_proc_dup_stderr_text (proc);
      g_error ("receiver on h%u did not join %s within %d ms (status %d): %s", host, group,
               READY_TIMEOUT, chorus_test_proc_get_status (proc), log);
    }

  return proc;
}

static gboolean
has_payload (ChorusTestCapture *capture,
             const char        *text)
{
  GPtrArray *payloads;

  chorus_test_capture_poll (capture);
  payloads = chorus_test_capture_get_payloads (capture);
  for (guint i = 0; i < payloads->len; i++)
    {
      gsize         size;
      const guint8 *bytes = g_bytes_get_data (g_ptr_array_index (payloads, i), &size);

      if (size == strlen (text) && memcmp (bytes, text, size) == 0)
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  Snoop      *fx;
  const char *canary;
} CanaryWait;

static gboolean
check_canaries (gpointer user_data)
{
  CanaryWait *wait = user_data;

  for (guint host = 1; host <= N_HOSTS; host++)
    if (!has_payload (wait->fx->captures[host], wait->canary))
      return FALSE;
  return TRUE;
}

/* Sends text to the case's group, then a canary to every host; returns
 * the hosts whose ports text reached, as "1 2" ("" for none). */
static char *
send_and_see (Snoop      *fx,
              const Case *c,
              const char *text)
{
  g_autofree char *canary = g_strdup_printf ("canary %u", ++fx->n_canaries);
  g_autoptr (GString) reached = g_string_new (NULL);
  CanaryWait       wait = { fx, canary };

  send_text (c->ipv6 ? fx->socket6 : fx->socket4, group_of (c), SNOOP_PORT, text);
  for (guint host = 1; host <= N_HOSTS; host++)
    send_text (fx->socket4, chorus_test_lan_get_address (fx->cli.lan, host), CANARY_PORT, canary);
  if (!chorus_test_lan_spin_until (fx->cli.lan, check_canaries, &wait, CANARY_TIMEOUT))
    g_error ("a canary did not leave the bridge within %d ms", CANARY_TIMEOUT);

  for (guint host = 1; host <= N_HOSTS; host++)
    if (has_payload (fx->captures[host], text))
      g_string_append_printf (reached, "%s%u", reached->len > 0 ? " " : "", host);
  g_test_message ("“%s” to %s reached hosts: %s", text, group_of (c), reached->str);

  return g_string_free (g_steal_pointer (&reached), FALSE);
}

/* The bridge's members of the case's group, as "1 2" ("" for none). */
static char *
members (Snoop      *fx,
         const Case *c)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) hosts = chorus_test_lan_get_members (fx->cli.lan, group_of (c), &error);
  g_autoptr (GString) text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < hosts->len; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? " " : "", g_array_index (hosts, guint, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  Snoop      *fx;
  const Case *c;
  const char *expected;
  char       *last;
} MembersWait;

static gboolean
check_members (gpointer user_data)
{
  MembersWait *wait = user_data;

  g_free (wait->last);
  wait->last = members (wait->fx, wait->c);
  return g_str_equal (wait->last, wait->expected);
}

/* Spins until the bridge's members are expected; returns the time that
 * took in ms, or fails the test after timeout_ms. */
static gint64
await_members (Snoop      *fx,
               const Case *c,
               const char *expected,
               guint       timeout_ms)
{
  MembersWait wait = { fx, c, expected, NULL };
  gint64      start = g_get_monotonic_time ();
  gint64      elapsed_ms;

  if (!chorus_test_lan_spin_until (fx->cli.lan, check_members, &wait, timeout_ms))
    g_error ("members of %s: “%s” after %u ms, not “%s”", group_of (c), wait.last, timeout_ms,
             expected);
  g_free (wait.last);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("members of %s “%s” after %" G_GINT64_FORMAT " ms", group_of (c), expected,
                  elapsed_ms);

  return elapsed_ms;
}

static void
await_text (Snoop          *fx,
            ChorusTestProc *receiver,
            const char     *text)
{
  g_autoptr (JsonObject) message = cli_await_message (&fx->cli, receiver, text, NULL);
}

static gboolean
check_past (gpointer user_data)
{
  return g_get_monotonic_time () >= *(const gint64 *) user_data;
}

/* A drop of every query that reaches host, in its own firewall. */
static void
deafen (Snoop      *fx,
        guint       host,
        const Case *c)
{
  const char *rule = c->ipv6 ? "icmpv6 type mld-listener-query drop"
                             : "igmp type membership-query drop";
  const char *argv[] = { "nft", "-f", "-", NULL };
  g_autofree char *script = g_strdup_printf ("table inet firewall {\n"
                                             "  chain input {\n"
                                             "    type filter hook input priority 0;\n"
                                             "    %s\n"
                                             "  }\n"
                                             "}\n",
                                             rule);
  g_autoptr (GSubprocess) nft = NULL;
  g_autoptr (GError) error = NULL;

  nft = chorus_test_lan_spawnv (fx->cli.lan, host, G_SUBPROCESS_FLAGS_STDIN_PIPE, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (nft, script, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (nft));
}

/* The control: a flooding LAN sends the group to every host, member or
 * not, so the captures do see what a host never asked for. */
static void
test_flood (Snoop         *fx,
            gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *reached = NULL;
  g_autofree char *listed = NULL;
  ChorusTestProc  *r1;

  SKIP_WITHOUT_LAN (&fx->cli);

  g_assert_null (chorus_test_lan_get_address6 (fx->cli.lan, 1));
  r1 = start_member (fx, 1, group_of (c));
  reached = send_and_see (fx, c, "flooded");
  g_assert_cmpstr (reached, ==, "1 2 3");
  await_text (fx, r1, "flooded");
  listed = members (fx, c);
  g_assert_cmpstr (listed, ==, "");
}

/* With the bridge as querier, the group reaches its members only, and
 * a member that leaves stops getting it within the last member time
 * (far less than a membership interval). */
static void
test_querier_members (Snoop         *fx,
                      gconstpointer  data)
{
  const Case             *c = data;
  const ChorusTestSwitch *sw = chorus_test_lan_get_switch (fx->cli.lan);
  g_autofree char        *reached = NULL;
  ChorusTestProc         *r1, *r2;
  guint                   last_member_ms;
  gint64                  left_ms;

  SKIP_WITHOUT_LAN (&fx->cli);

  if (c->ipv6)
    g_assert_cmpstr (chorus_test_lan_get_address6 (fx->cli.lan, 1), ==, "fd77::1");
  r1 = start_member (fx, 1, group_of (c));
  r2 = start_member (fx, 2, group_of (c));
  await_members (fx, c, "1 2", 2000);

  reached = send_and_see (fx, c, "to members");
  g_assert_cmpstr (reached, ==, "1 2");
  await_text (fx, r1, "to members");
  await_text (fx, r2, "to members");

  /* The bridge's last member count is 2: two group queries apart. */
  last_member_ms = 2 * sw->last_member_interval_ms;
  g_assert_cmpuint (last_member_ms + SLACK_MS, <, sw->membership_interval_ms);
  chorus_test_proc_send_signal (r2, SIGTERM);
  left_ms = await_members (fx, c, "1", last_member_ms + SLACK_MS);
  g_test_message ("h2 left, out of the group after %" G_GINT64_FORMAT " ms (last member time %u ms)",
                  left_ms, last_member_ms);
  cli_await_exit (r2, 0);

  g_clear_pointer (&reached, g_free);
  reached = send_and_see (fx, c, "after the leave");
  g_assert_cmpstr (reached, ==, "1");
  await_text (fx, r1, "after the leave");
}

/* h2 drops every query that reaches it: it joins, then never answers,
 * and the bridge ends its membership a membership interval after its
 * last report, while h1, which answers, stays in the group. h2 still
 * thinks it is a member all the while. */
static void
test_querier_deaf_host (Snoop         *fx,
                        gconstpointer  data)
{
  const Case             *c = data;
  const ChorusTestSwitch *sw = chorus_test_lan_get_switch (fx->cli.lan);
  g_autofree char        *reached = NULL;
  g_autofree char        *listed = NULL;
  ChorusTestProc         *r1, *r2;
  gint64                  joined, gone_ms, until;
  guint                   reports_only_ms;

  SKIP_WITHOUT_LAN (&fx->cli);

  deafen (fx, 2, c);
  joined = g_get_monotonic_time ();
  r1 = start_member (fx, 1, group_of (c));
  r2 = start_member (fx, 2, group_of (c));
  await_members (fx, c, "1 2", 2000);
  reached = send_and_see (fx, c, "both");
  g_assert_cmpstr (reached, ==, "1 2");

  /* A host repeats its report within a second of joining (IGMPv3,
   * MLDv2: it heard no query of an older version), so no membership
   * from those reports alone lasts past reports_only_ms. */
  reports_only_ms = sw->membership_interval_ms + 1000 + SLACK_MS;
  await_members (fx, c, "1", reports_only_ms);
  gone_ms = (g_get_monotonic_time () - joined) / 1000;
  g_test_message ("h2 out of the group %" G_GINT64_FORMAT " ms after joining", gone_ms);
  g_assert_cmpint (gone_ms, >=, sw->membership_interval_ms);

  /* h1 is in the group by its answers, not by its joining. */
  until = joined + reports_only_ms * G_TIME_SPAN_MILLISECOND;
  chorus_test_lan_spin_until (fx->cli.lan, check_past, &until, reports_only_ms);
  g_clear_pointer (&listed, g_free);
  listed = members (fx, c);
  g_assert_cmpstr (listed, ==, "1");

  g_clear_pointer (&reached, g_free);
  reached = send_and_see (fx, c, "answering only");
  g_assert_cmpstr (reached, ==, "1");
  await_text (fx, r1, "answering only");
  g_assert_true (chorus_test_proc_wait_joined (r2, group_of (c), SNOOP_PORT, 1, 0));
}

/* No host hears a query: every membership ends a membership interval
 * after the host joined, and the group reaches no one, though both
 * receivers are still joined. */
static void
test_no_querier (Snoop         *fx,
                 gconstpointer  data)
{
  const Case             *c = data;
  const ChorusTestSwitch *sw = chorus_test_lan_get_switch (fx->cli.lan);
  g_autofree char        *reached = NULL;
  ChorusTestProc         *r1, *r2;
  gint64                  joined, gone_ms;

  SKIP_WITHOUT_LAN (&fx->cli);

  joined = g_get_monotonic_time ();
  r1 = start_member (fx, 1, group_of (c));
  r2 = start_member (fx, 2, group_of (c));
  await_members (fx, c, "1 2", 2000);
  reached = send_and_see (fx, c, "while it lasts");
  g_assert_cmpstr (reached, ==, "1 2");
  await_text (fx, r1, "while it lasts");

  await_members (fx, c, "", sw->membership_interval_ms + 1000 + SLACK_MS);
  gone_ms = (g_get_monotonic_time () - joined) / 1000;
  g_test_message ("no members %" G_GINT64_FORMAT " ms after joining", gone_ms);
  g_assert_cmpint (gone_ms, >=, sw->membership_interval_ms);

  g_clear_pointer (&reached, g_free);
  reached = send_and_see (fx, c, "to no one");
  g_assert_cmpstr (reached, ==, "");
  g_assert_true (chorus_test_proc_wait_joined (r1, group_of (c), SNOOP_PORT, 1, 0));
  g_assert_true (chorus_test_proc_wait_joined (r2, group_of (c), SNOOP_PORT, 1, 0));
}

/* Fields the bridge would refuse, or quietly change, are errors, and
 * no LAN is made. */
static void
test_switch_errors (void)
{
  const ChorusTestSwitch bad[] = {
    { CHORUS_TEST_SWITCH_SNOOP_QUERIER, .igmp_version = 1 },
    { CHORUS_TEST_SWITCH_SNOOP_QUERIER, .mld_version = 3 },
    { CHORUS_TEST_SWITCH_SNOOP_QUERIER, .query_interval_ms = 500 },
    { CHORUS_TEST_SWITCH_SNOOP_QUERIER, .membership_interval_ms = 2505 },
    { CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER, .query_response_interval_ms = 1000 },
    { 7 },
  };

  if (!chorus_test_is_isolated ())
    {
      g_test_skip ("needs private network namespaces (run as root)");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ChorusTestLan) lan = chorus_test_lan_new_full (1, 0, &bad[i], &error);

      g_assert_null (lan);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s", error->message);
    }
}

static const Case flood4 = { CHORUS_TEST_SWITCH_FLOOD, FALSE, 0 };
static const Case querier_igmpv2 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, FALSE, 2 };
static const Case querier_igmpv3 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, FALSE, 3 };
static const Case querier_mldv1 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, TRUE, 1 };
static const Case querier_mldv2 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, TRUE, 2 };
static const Case no_querier4 = { CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER, FALSE, 0 };
static const Case no_querier6 = { CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER, TRUE, 0 };

#define ADD(path, c, test) \
  g_test_add (path, Snoop, &c, snoop_setup, test, snoop_teardown)

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  ADD ("/snoop/flood", flood4, test_flood);
  ADD ("/snoop/querier/igmpv2/members", querier_igmpv2, test_querier_members);
  ADD ("/snoop/querier/igmpv3/members", querier_igmpv3, test_querier_members);
  ADD ("/snoop/querier/mldv1/members", querier_mldv1, test_querier_members);
  ADD ("/snoop/querier/mldv2/members", querier_mldv2, test_querier_members);
  /* IGMPv3 and MLDv2: the deaf host never hears a query, so it keeps
   * its default version, whose reports repeat within a second. */
  ADD ("/snoop/querier/igmpv3/deaf-host", querier_igmpv3, test_querier_deaf_host);
  ADD ("/snoop/querier/mldv2/deaf-host", querier_mldv2, test_querier_deaf_host);
  ADD ("/snoop/no-querier/igmp", no_querier4, test_no_querier);
  ADD ("/snoop/no-querier/mld", no_querier6, test_no_querier);
  g_test_add_func ("/snoop/switch-errors", test_switch_errors);

  return g_test_run ();
}
