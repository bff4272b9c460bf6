/* test-querier.c: chorus-cli querier on the test LAN's switches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bridge br0 is the querier of a snooping LAN (10.77.0.254 and
 * fe80::fe, a query a second); hosts forge what no kernel sends with
 * tests/lan/igmp-forge.py (CHORUS_IGMP_FORGE). The watcher runs on a
 * host, as root in the host's namespace, or as nobody with every
 * capability gone for the view of /proc.
 *
 * Where reports are heard: on a port of a Linux bridge that snoops,
 * IGMPv3 and MLDv2 reports of other hosts arrive (they go to
 * 224.0.0.22 and ff02::16, which the bridge floods), and so do IGMPv2
 * leaves (224.0.0.2); IGMPv2 and MLDv1 joins go to the group itself,
 * and a host's kernel hands them to a raw socket only when the host is
 * in that group too. The tests named …/reports hold those facts.
 */

#include <signal.h>
#include <string.h>

#include "testcli.h"

#define N_HOSTS     3
#define GROUP4      "239.77.1.1"
#define GROUP6      "ff0e::77:1"
#define RECV_PORT   "10100"
#define RUN_TIMEOUT 20000

typedef struct
{
  ChorusTestSwitchMode mode;
  gboolean             ipv6;
  guint                version;
} Case;

static void
querier_setup (Fixture       *fx,
               gconstpointer  data)
{
  const Case      *c = data;
  ChorusTestSwitch sw = { c->mode };
  g_autoptr (GError) error = NULL;

  memset (fx, 0, sizeof *fx);
  fx->members = g_ptr_array_new ();
  fx->member_hosts = g_array_new (FALSE, FALSE, sizeof (guint));
  if (!chorus_test_is_isolated ())
    {
      g_test_skip ("needs private network namespaces (run as root)");
      return;
    }

  if (c->ipv6)
    sw.mld_version = c->version;
  else
    sw.igmp_version = c->version;
  fx->lan = chorus_test_lan_new_full (N_HOSTS, 0, &sw, &error);
  g_assert_no_error (error);
}

/* chorus-cli querier --json -I eth0 ARGS… on host. */
static ChorusTestProc *
start_watch (Fixture *fx,
             guint    host,
             ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, "querier");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "-I");
  g_ptr_array_add (argv, "eth0");
  va_start (args, host);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
}

/* Once the watcher's sockets are open: its own host's report of
 * 224.0.0.22, which it joined, comes back to it. */
static void
await_ready (ChorusTestProc *watch)
{
  if (chorus_test_proc_wait_line (watch, FALSE, "\"group\":\"224.0.0.22\"", NULL, 5000) == NULL)
    g_test_message ("the watcher did not hear its own report; going on");
}

static void
forge (Fixture    *fx,
       guint       host,
       const char *kind,
       const char *count,
       const char *interval)
{
  const char     *script = g_getenv ("CHORUS_IGMP_FORGE");
  const char     *argv[] = { cli_python (), script, chorus_test_lan_get_address (fx->lan, host),
                             kind, count, interval, NULL };
  ChorusTestProc *proc;

  g_assert_nonnull (script);
  proc = cli_spawn_argv (fx, host, argv);
  cli_await_exit (proc, 0);
}

static void
forge_in_background (Fixture    *fx,
                     guint       host,
                     const char *kind,
                     const char *count,
                     const char *interval)
{
  const char *argv[] = { cli_python (), g_getenv ("CHORUS_IGMP_FORGE"),
                         chorus_test_lan_get_address (fx->lan, host), kind, count, interval,
                         NULL };

  cli_spawn_argv (fx, host, argv);
}

static GPtrArray *
finish (ChorusTestProc *watch,
        int             status)
{
  g_autofree char *log = NULL;

  cli_await_exit (watch, status);
  log = chorus_test_proc_dup_stderr_text (watch);
  if (log[0] != '\0')
    g_test_message ("stderr: %s", log);
  return cli_json_events (watch);
}

static GPtrArray *
events_of (GPtrArray  *objects,
           const char *event)
{
  return chorus_test_json_filter (objects, event);
}

/* The first warning with code, whose text has needle; NULL if none. */
static JsonObject *
find_warning (GPtrArray  *objects,
              const char *code,
              const char *needle)
{
  g_autoptr (GPtrArray) warnings = events_of (objects, "warning");

  for (guint i = 0; i < warnings->len; i++)
    {
      JsonObject *w = g_ptr_array_index (warnings, i);

      g_test_message ("warning %s: %s", chorus_test_json_get_string (w, "code"),
                      chorus_test_json_get_string (w, "text"));
      if (g_strcmp0 (chorus_test_json_get_string (w, "code"), code) == 0
          && strstr (chorus_test_json_get_string (w, "text"), needle) != NULL)
        return w;
    }

  return NULL;
}

static JsonObject *
summary_link (GPtrArray  *objects,
              const char *family)
{
  JsonObject *summary = cli_summary_of (objects);
  JsonArray  *links = json_object_get_array_member (summary, "links");

  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      if (g_strcmp0 (chorus_test_json_get_string (link, "family"), family) == 0)
        return link;
    }
  g_error ("no %s link in the summary", family);
  return NULL;
}

static double
get_double (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  return json_node_get_double (node);
}

static gboolean
is_null (JsonObject *object,
         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

static gboolean
check_past (gpointer user_data)
{
  return g_get_monotonic_time () >= *(const gint64 *) user_data;
}

/* A report of group from host; joins -1 for any. */
static JsonObject *
find_report (GPtrArray  *objects,
             const char *host,
             const char *group,
             const char *kind,
             int         joins)
{
  g_autoptr (GPtrArray) reports = events_of (objects, "report");

  for (guint i = 0; i < reports->len; i++)
    {
      JsonObject *r = g_ptr_array_index (reports, i);

      if (g_strcmp0 (chorus_test_json_get_string (r, "host"), host) == 0
          && g_strcmp0 (chorus_test_json_get_string (r, "group"), group) == 0
          && (kind == NULL || g_strcmp0 (chorus_test_json_get_string (r, "kind"), kind) == 0)
          && (joins < 0 || json_object_get_boolean_member (r, "joins") == joins))
        return r;
    }

  return NULL;
}

/* The bridge as querier: its address, version, timers and interval; the
 * SSM warning for the old versions; the reports of another host. */
static void
test_bridge_querier (Fixture       *fx,
                     gconstpointer  data)
{
  const Case *c = data;
  const char *family = c->ipv6 ? "ipv6" : "ipv4";
  const char *expected = c->ipv6 ? "fe80::fe" : CHORUS_TEST_LAN_SELF;
  const char *group = c->ipv6 ? GROUP6 : GROUP4;
  const char *member = c->ipv6 ? "fe80::2" : "10.77.0.2";
  gboolean    old = c->ipv6 ? c->version < 2 : c->version < 3;
  g_autoptr (GPtrArray) objects = NULL;
  g_autoptr (GPtrArray) queriers = NULL;
  g_autoptr (GPtrArray) queries = NULL;
  ChorusTestProc *watch, *receiver;
  JsonObject     *link, *warning, *report;
  gboolean        interval_seen = FALSE;
  gint64          until;

  SKIP_WITHOUT_LAN (fx);

  watch = start_watch (fx, 1, c->ipv6 ? "-6" : "-4", "-d", "4.5", "--expect", NULL);
  if (!c->ipv6)
    await_ready (watch);
  else
    chorus_test_proc_wait_line (watch, FALSE, "\"event\":\"querier\"", NULL, 5000);
  receiver = cli_spawn_chorus (fx, 2, "receive", "--json", "--no-reply", "-g", group, "-p",
                               RECV_PORT, NULL);
  g_assert_true (chorus_test_proc_wait_joined (receiver, group, 10100, 1, READY_TIMEOUT));
  /* Two queries answered, then the leave. */
  until = g_get_monotonic_time () + 2200 * G_TIME_SPAN_MILLISECOND;
  chorus_test_lan_spin_until (fx->lan, check_past, &until, 3000);
  chorus_test_proc_send_signal (receiver, SIGTERM);
  cli_await_exit (receiver, 0);
  objects = finish (watch, 0);

  queriers = events_of (objects, "querier");
  g_assert_cmpuint (queriers->len, >=, 1);
  for (guint i = 0; i < queriers->len; i++)
    {
      JsonObject *q = g_ptr_array_index (queriers, i);

      g_assert_cmpstr (chorus_test_json_get_string (q, "interface"), ==, "eth0");
      g_assert_cmpstr (chorus_test_json_get_string (q, "family"), ==, family);
      g_assert_cmpstr (chorus_test_json_get_string (q, "address"), ==, expected);
      g_assert_cmpint (chorus_test_json_get_int (q, "version", -1), ==, c->version);
      g_assert_cmpint (chorus_test_json_get_int (q, "max_resp_ms", -1), ==, 500);
      if (!old)
        {
          g_assert_cmpint (chorus_test_json_get_int (q, "qrv", -1), ==, 2);
          g_assert_cmpint (chorus_test_json_get_int (q, "qqi_s", -1), ==, 1);
        }
      if (!is_null (q, "interval_s"))
        {
          double interval = get_double (q, "interval_s");

          g_test_message ("interval %.2f s", interval);
          g_assert_cmpfloat (interval, >=, 0.5);
          g_assert_cmpfloat (interval, <=, 1.6);
          interval_seen = TRUE;
        }
    }
  g_assert_true (interval_seen);

  queries = events_of (objects, "query");
  g_assert_cmpuint (queries->len, >=, 3);

  warning = find_warning (objects, "version-mismatch",
                          "source-specific joins will not work on this segment");
  if (old)
    {
      g_autofree char *speaks = g_strdup_printf ("speaks %s%u", c->ipv6 ? "MLDv" : "IGMPv",
                                                 c->version);

      g_assert_nonnull (warning);
      g_assert_nonnull (strstr (chorus_test_json_get_string (warning, "text"), speaks));
    }
  else
    g_assert_null (warning);
  g_assert_null (find_warning (objects, "no-querier", ""));

  link = summary_link (objects, family);
  g_assert_cmpstr (chorus_test_json_get_string (link, "querier"), ==, expected);
  g_assert_cmpint (chorus_test_json_get_int (link, "queries", 0), >=, 3);
  g_assert_cmpint (chorus_test_json_get_int (link, "malformed", -1), ==, 0);
  /* QRV 2 × the query interval (1 s, as told or, before v3, as seen)
   * + 0.5 s of response time, from the last query on. */
  g_assert_cmpfloat (get_double (link, "expires_in_s"), <=, 2.8);

  /* The other host's reports, on this host's port of a snooping bridge. */
  if (old)
    {
      /* v1 joins go to the group: not heard here; the leave is. */
      g_assert_null (find_report (objects, member, group, "join", -1));
      report = find_report (objects, member, group, "leave", FALSE);
      g_assert_nonnull (report);
    }
  else
    {
      report = find_report (objects, member, group, NULL, TRUE);
      g_assert_nonnull (report);
      report = find_report (objects, member, group, "to-include", FALSE);
      g_assert_nonnull (report);
    }
}

/* Host 1 queries from 10.77.0.1, below the bridge's 10.77.0.254: it
 * becomes the querier, and the watcher says the querier changed. */
static void
test_election (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) objects = NULL;
  g_autoptr (GPtrArray) queriers = NULL;
  ChorusTestProc *watch;
  JsonObject     *last;

  SKIP_WITHOUT_LAN (fx);

  watch = start_watch (fx, 2, "-4", "-d", "4", NULL);
  g_assert_nonnull (chorus_test_proc_wait_line (watch, FALSE, "\"address\":\"10.77.0.254\"", NULL,
                                                5000));
  forge (fx, 1, "v2-query", "8", "0.3");
  objects = finish (watch, 0);

  queriers = events_of (objects, "querier");
  g_assert_cmpstr (chorus_test_json_get_string (g_ptr_array_index (queriers, 0), "address"), ==,
                   CHORUS_TEST_LAN_SELF);
  last = g_ptr_array_index (queriers, queriers->len - 1);
  g_assert_cmpstr (chorus_test_json_get_string (last, "address"), ==, "10.77.0.1");
  g_assert_nonnull (find_warning (objects, "querier-changed",
                                  "changed from 10.77.0.254 to 10.77.0.1"));
  g_assert_cmpstr (chorus_test_json_get_string (summary_link (objects, "ipv4"), "querier"), ==,
                   "10.77.0.1");
}

/* No switch querier: hosts 1 and 3 both query, 3 should stop. */
static void
test_two_queriers (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (GPtrArray) objects = NULL;
  ChorusTestProc *watch;
  JsonObject     *link;

  SKIP_WITHOUT_LAN (fx);

  watch = start_watch (fx, 2, "-4", "-d", "3.5", NULL);
  await_ready (watch);
  forge_in_background (fx, 3, "v2-query", "8", "0.3");
  forge (fx, 1, "v3-query", "8", "0.3");
  objects = finish (watch, 0);

  g_assert_nonnull (find_warning (objects, "two-queriers", "Two queriers on eth0 (10.77.0.1, "
                                                           "10.77.0.3)"));
  link = summary_link (objects, "ipv4");
  g_assert_cmpstr (chorus_test_json_get_string (link, "querier"), ==, "10.77.0.1");
  g_assert_cmpint (chorus_test_json_get_int (link, "version", 0), ==, 3);
  g_assert_cmpstr (chorus_test_json_get_string (link, "second_querier"), ==, "10.77.0.3");
}

/* Snooping with no querier: within a short run, the warning comes at
 * its end, and --expect fails. */
static void
test_no_querier (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr (GPtrArray) objects = NULL;
  ChorusTestProc *watch;

  SKIP_WITHOUT_LAN (fx);

  watch = start_watch (fx, 1, "-d", "2", "--expect", NULL);
  objects = finish (watch, 1);

  g_assert_nonnull (find_warning (objects, "no-querier",
                                  "No IGMP querier heard on eth0 for 2 s: a switch that snoops "
                                  "will stop forwarding your groups about 260 s after their "
                                  "last report"));
  g_assert_nonnull (find_warning (objects, "no-querier", "No MLD querier heard on eth0"));
  g_assert_true (is_null (summary_link (objects, "ipv4"), "querier"));
  g_assert_true (is_null (summary_link (objects, "ipv6"), "querier"));
  g_assert_false (json_object_get_boolean_member (cli_summary_of (objects),
                                                  "every_interface_heard"));
}

/* A flooding LAN: host 2 joins and leaves, IGMPv3 (no query ever made
 * it fall back), and host 1 hears both records. */
static void
test_flood_reports (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) objects = NULL;
  ChorusTestProc *watch, *receiver;
  JsonObject     *join, *leave;

  SKIP_WITHOUT_LAN (fx);

  watch = start_watch (fx, 1, "-4", "-d", "3", NULL);
  await_ready (watch);
  receiver = cli_spawn_chorus (fx, 2, "receive", "--json", "--no-reply", "-g", GROUP4, "-p",
                               RECV_PORT, NULL);
  g_assert_true (chorus_test_proc_wait_joined (receiver, GROUP4, 10100, 1, READY_TIMEOUT));
  /* A leave before the join's report went out would replace it. */
  g_assert_nonnull (chorus_test_proc_wait_line (watch, FALSE,
                                                "\"group\":\"" GROUP4 "\",\"version\":3,"
                                                "\"kind\":\"to-exclude\"",
                                                NULL, 3000));
  chorus_test_proc_send_signal (receiver, SIGTERM);
  cli_await_exit (receiver, 0);
  objects = finish (watch, 0);

  join = find_report (objects, "10.77.0.2", GROUP4, "to-exclude", TRUE);
  g_assert_nonnull (join);
  g_assert_cmpint (chorus_test_json_get_int (join, "version", 0), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (join, "sources")), ==,
                    0);
  leave = find_report (objects, "10.77.0.2", GROUP4, "to-include", FALSE);
  g_assert_nonnull (leave);
}

/* Truncated and wrong messages are counted, a report of 5000 sources
 * is listed in part, and queries from 2000 addresses leave the watch
 * standing, with one querier and one second querier in its tables. */
static void
test_hostile (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr (GPtrArray) objects = NULL;
  ChorusTestProc *watch;
  JsonObject     *link, *report;

  SKIP_WITHOUT_LAN (fx);

  watch = start_watch (fx, 2, "-4", "-d", "5", NULL);
  await_ready (watch);
  forge (fx, 1, "truncated", "3", "0");
  forge (fx, 1, "bad-checksum", "2", "0");
  forge (fx, 1, "dvmrp", "1", "0");
  forge (fx, 1, "big-v3-report", "1", "0");
  forge (fx, 1, "flood-sources", "2000", "0.0002");
  objects = finish (watch, 0);

  link = summary_link (objects, "ipv4");
  g_assert_cmpint (chorus_test_json_get_int (link, "malformed", 0), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (link, "ignored", 0), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (link, "sources_unlisted", 0), ==, 5000 - 64);
  /* A burst may overflow the socket's buffer: most arrive. */
  g_assert_cmpint (chorus_test_json_get_int (link, "queries", 0), >=, 1500);
  report = find_report (objects, "10.77.0.1", "232.1.1.1", "is-include", TRUE);
  g_assert_nonnull (report);
  g_assert_cmpint (chorus_test_json_get_int (report, "n_sources", 0), ==, 5000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "sources")), ==,
                    64);
  /* The lowest address heard is the querier: 10.77.192.49, the last
   * of the flood, unless the last ones were lost on the way. */
  g_assert_true (g_str_has_prefix (chorus_test_json_get_string (link, "querier"), "10.77.19"));
}

/* As nobody, every capability gone: one line on stderr that says how
 * to grant the privilege, then /proc's view. */
static void
test_unprivileged (Fixture       *fx,
                   gconstpointer  data)
{
  const Case     *c = data;
  gboolean        querier = c->mode == CHORUS_TEST_SWITCH_SNOOP_QUERIER;
  const char     *argv[] = { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             "--inh-caps=-all", "--bounding-set=-all", cli_path (), "querier",
                             "--json", "-I", "eth0", "-d", "2.5", "--expect", NULL };
  g_autoptr (GPtrArray) objects = NULL;
  g_autoptr (GPtrArray) procs = NULL;
  ChorusTestProc *receiver, *watch;
  GPtrArray      *err;
  JsonObject     *view;
  JsonArray      *memberships;
  gboolean        listed = FALSE;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_spawn_chorus (fx, 1, "receive", "--json", "--no-reply", "-g", GROUP4, "-p",
                               RECV_PORT, NULL);
  g_assert_true (chorus_test_proc_wait_joined (receiver, GROUP4, 10100, 1, READY_TIMEOUT));
  watch = cli_spawn_argv (fx, 1, argv);
  cli_await_exit (watch, querier ? 0 : 1);
  objects = cli_json_events (watch);

  err = chorus_test_proc_get_stderr (watch);
  g_assert_cmpuint (err->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (err, 0), "CAP_NET_RAW"));
  g_assert_nonnull (strstr (g_ptr_array_index (err, 0), "setcap cap_net_raw+ep"));

  procs = events_of (objects, "proc");
  g_assert_cmpuint (procs->len, ==, 1);
  view = g_ptr_array_index (procs, 0);
  g_assert_cmpstr (chorus_test_json_get_string (view, "interface"), ==, "eth0");
  g_assert_cmpint (chorus_test_json_get_int (view, "force_igmp_version", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (view, "force_mld_version", -1), ==, 0);
  if (querier)
    {
      /* The bridge queries IGMPv2: the column says so, and that proves it. */
      g_assert_cmpstr (chorus_test_json_get_string (view, "igmp_querier_column"), ==, "V2");
      g_assert_true (json_object_get_boolean_member (view, "igmp_querier_proved"));
      g_assert_cmpint (chorus_test_json_get_int (view, "mld_queries_during_run", 0), >=, 1);
      g_assert_true (json_object_get_boolean_member (view, "mld_querier_proved"));
    }
  else
    {
      /* V3 with no querier at all: the column proves nothing. */
      g_assert_cmpstr (chorus_test_json_get_string (view, "igmp_querier_column"), ==, "V3");
      g_assert_false (json_object_get_boolean_member (view, "igmp_querier_proved"));
      g_assert_cmpint (chorus_test_json_get_int (view, "mld_queries_during_run", -1), ==, 0);
      g_assert_false (json_object_get_boolean_member (view, "mld_querier_proved"));
    }

  memberships = json_object_get_array_member (view, "memberships");
  for (guint i = 0; i < json_array_get_length (memberships); i++)
    {
      JsonObject *m = json_array_get_object_element (memberships, i);

      if (g_strcmp0 (chorus_test_json_get_string (m, "group"), GROUP4) == 0)
        {
          listed = TRUE;
          g_assert_cmpint (chorus_test_json_get_int (m, "users", 0), ==, 1);
        }
    }
  g_assert_true (listed);
  g_assert_false (json_object_get_boolean_member (cli_summary_of (objects), "privileged"));
}

static const Case igmpv2 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, FALSE, 2 };
static const Case igmpv3 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, FALSE, 3 };
static const Case mldv1 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, TRUE, 1 };
static const Case mldv2 = { CHORUS_TEST_SWITCH_SNOOP_QUERIER, TRUE, 2 };
static const Case no_querier = { CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER, FALSE, 0 };
static const Case flood = { CHORUS_TEST_SWITCH_FLOOD, FALSE, 0 };

#define ADD(path, c, test) g_test_add (path, Fixture, &c, querier_setup, test, cli_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  ADD ("/querier/igmpv2/reports", igmpv2, test_bridge_querier);
  ADD ("/querier/igmpv3/reports", igmpv3, test_bridge_querier);
  ADD ("/querier/mldv1/reports", mldv1, test_bridge_querier);
  ADD ("/querier/mldv2/reports", mldv2, test_bridge_querier);
  ADD ("/querier/election", igmpv2, test_election);
  ADD ("/querier/two-queriers", flood, test_two_queriers);
  ADD ("/querier/no-querier", no_querier, test_no_querier);
  ADD ("/querier/flood/reports", flood, test_flood_reports);
  ADD ("/querier/hostile", flood, test_hostile);
  ADD ("/querier/unprivileged/querier", igmpv2, test_unprivileged);
  ADD ("/querier/unprivileged/no-querier", no_querier, test_unprivileged);

  return g_test_run ();
}
