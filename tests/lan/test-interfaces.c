/* test-interfaces.c: the interface list and `chorus-cli interfaces` on the
 * test LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here happens in the namespaces of the test harness: the
 * interfaces added, changed and deleted are the test's own, and the list
 * sees only those.
 */

#include "config.h"

#include <net/if.h>

#include "chorus-interface-list.h"
#include "testcli.h"

/* How long a change may take to show. */
#define CHANGE_TIMEOUT 1000

typedef struct
{
  ChorusInterfaceList *list;
  const char *name;
  /* Properties notified on the watched interface. */
  GPtrArray *notified;
  guint added;
  guint removed;
} Watch;

static void
run_ip (const char *arguments)
{
  g_autofree char *command = g_strdup_printf ("ip %s", arguments);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_message ("$ %s", command);
  g_spawn_command_line_sync (command, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("“%s” failed: %s", command, err);
}

static gboolean
is_loaded (gpointer user_data)
{
  Watch *watch = user_data;

  return chorus_interface_list_get_loaded (watch->list);
}

static gboolean
is_there (gpointer user_data)
{
  Watch *watch = user_data;

  return chorus_interface_list_lookup (watch->list, watch->name) != NULL;
}

static gboolean
is_gone (gpointer user_data)
{
  return !is_there (user_data);
}

static gboolean
was_notified (gpointer user_data)
{
  Watch *watch = user_data;

  return watch->notified->len > 0;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  watch->added += added;
  watch->removed += removed;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Watch      *watch)
{
  g_ptr_array_add (watch->notified, g_strdup (pspec->name));
}

static gboolean
notified (Watch      *watch,
          const char *property)
{
  return g_ptr_array_find_with_equal_func (watch->notified, property, g_str_equal, NULL);
}

/* The list, loaded, on the LAN's context. */
static ChorusInterfaceList *
load_list (Fixture *fx,
           Watch   *watch)
{
  GMainContext *context = chorus_test_lan_get_context (fx->lan);
  ChorusInterfaceList *list;

  g_main_context_push_thread_default (context);
  list = chorus_interface_list_new ();
  g_main_context_pop_thread_default (context);

  watch->list = list;
  g_assert_true (chorus_test_lan_spin_until (fx->lan, is_loaded, watch, 5000));
  g_assert_null (chorus_interface_list_get_problem (list));

  return list;
}

static gboolean
has_address (ChorusInterface *interface,
             const char      *address)
{
  return g_strv_contains (chorus_interface_get_addresses (interface), address);
}

static void
test_lan (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr(ChorusInterfaceList) list = NULL;
  Watch watch = { 0 };
  GListModel *model;
  ChorusInterface *lo, *br0;
  guint previous = 0;

  SKIP_WITHOUT_LAN (fx);

  list = load_list (fx, &watch);
  model = G_LIST_MODEL (list);
  g_assert_true (g_list_model_get_item_type (model) == CHORUS_TYPE_INTERFACE);
  /* lo, br0 and one port a host. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ChorusInterface) interface = g_list_model_get_item (model, i);
      const char *name = chorus_interface_get_name (interface);

      g_test_message ("%s", chorus_interface_get_label (interface));
      g_assert_cmpuint (chorus_interface_get_index (interface), >, previous);
      g_assert_cmpuint (chorus_interface_get_index (interface), ==, if_nametoindex (name));
      previous = chorus_interface_get_index (interface);
    }
  g_assert_null (g_list_model_get_item (model, 4));

  lo = chorus_interface_list_lookup (list, "lo");
  g_assert_nonnull (lo);
  g_assert_true (chorus_interface_get_loopback (lo));
  g_assert_true (chorus_interface_get_up (lo));
  g_assert_true (chorus_interface_get_running (lo));
  /* chorus_test_isolate() turns it on. */
  g_assert_true (chorus_interface_get_multicast (lo));
  g_assert_cmpuint (chorus_interface_get_mtu (lo), ==, 65536);
  g_assert_true (has_address (lo, "127.0.0.1/8"));

  br0 = chorus_interface_list_lookup (list, "br0");
  g_assert_nonnull (br0);
  g_assert_false (chorus_interface_get_loopback (br0));
  g_assert_true (chorus_interface_get_up (br0));
  g_assert_true (chorus_interface_get_running (br0));
  g_assert_true (chorus_interface_get_multicast (br0));
  g_assert_cmpuint (chorus_interface_get_mtu (br0), ==, 1500);
  /* The harness turns IPv6 link-local addresses off. */
  g_assert_cmpstrv (chorus_interface_get_addresses (br0),
                    ((const char *[]) { CHORUS_TEST_LAN_SELF "/16", NULL }));
  g_assert_cmpstr (chorus_interface_get_label (br0), ==, "br0 — " CHORUS_TEST_LAN_SELF);

  for (guint host = 1; host <= 2; host++)
    {
      ChorusInterface *port = chorus_interface_list_lookup (list,
                                                            chorus_test_lan_get_port (fx->lan,
                                                                                      host));

      g_assert_nonnull (port);
      g_assert_true (chorus_interface_get_up (port));
      g_assert_true (chorus_interface_get_running (port));
      g_assert_true (chorus_interface_get_multicast (port));
      g_assert_false (chorus_interface_get_loopback (port));
      g_assert_cmpuint (chorus_interface_get_mtu (port), ==, 1500);
      g_assert_cmpstrv (chorus_interface_get_addresses (port), ((const char *[]) { NULL }));
      g_assert_cmpstr (chorus_interface_get_label (port), ==, chorus_test_lan_get_port (fx->lan,
                                                                                     host));
    }

  g_assert_null (chorus_interface_list_lookup (list, "eth0"));
}

/* Spins until the watched interface notified something, then checks that
 * property was among it. */
static void
await_notify (Fixture    *fx,
              Watch      *watch,
              const char *property)
{
  g_assert_true (chorus_test_lan_spin_until (fx->lan, was_notified, watch, CHANGE_TIMEOUT));
  /* Whatever else comes of the same change. */
  while (g_main_context_iteration (chorus_test_lan_get_context (fx->lan), FALSE))
    ;
  for (guint i = 0; i < watch->notified->len; i++)
    g_test_message ("notify::%s", (const char *) g_ptr_array_index (watch->notified, i));
  g_assert_true (notified (watch, property));
}

static void
test_changes (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(ChorusInterfaceList) list = NULL;
  g_autoptr(ChorusInterface) added = NULL;
  g_autoptr(GPtrArray) notified_names = g_ptr_array_new_with_free_func (g_free);
  Watch watch = { .name = "tv0", .notified = notified_names };
  ChorusInterface *interface;
  guint n_before;
  gint64 start;

  SKIP_WITHOUT_LAN (fx);

  list = load_list (fx, &watch);
  n_before = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &watch);

  /* Comes, within a second. */
  start = g_get_monotonic_time ();
  run_ip ("link add tv0 type veth peer name tv1");
  /* No IPv6 link-local address coming and going with the carrier: only
   * the changes made here. */
  run_ip ("link set tv0 addrgenmode none");
  run_ip ("link set tv1 addrgenmode none");
  g_assert_true (chorus_test_lan_spin_until (fx->lan, is_there, &watch, CHANGE_TIMEOUT));
  g_test_message ("tv0 showed after %" G_GINT64_FORMAT " µs", g_get_monotonic_time () - start);
  watch.name = "tv1";
  g_assert_true (chorus_test_lan_spin_until (fx->lan, is_there, &watch, CHANGE_TIMEOUT));
  g_assert_cmpuint (watch.added, ==, 2);
  g_assert_cmpuint (watch.removed, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_before + 2);

  interface = chorus_interface_list_lookup (list, "tv0");
  added = g_object_ref (interface);
  g_assert_cmpuint (chorus_interface_get_index (interface), ==, if_nametoindex ("tv0"));
  g_assert_false (chorus_interface_get_up (interface));
  g_assert_false (chorus_interface_get_running (interface));
  g_assert_true (chorus_interface_get_multicast (interface));
  g_assert_cmpuint (chorus_interface_get_mtu (interface), ==, 1500);
  g_signal_connect (interface, "notify", G_CALLBACK (on_notify), &watch);

  /* Up, without a carrier while its peer is down; then with one. */
  run_ip ("link set tv0 up");
  await_notify (fx, &watch, "up");
  g_assert_true (chorus_interface_get_up (interface));
  g_assert_false (chorus_interface_get_running (interface));
  g_ptr_array_set_size (watch.notified, 0);

  run_ip ("link set tv1 up");
  await_notify (fx, &watch, "running");
  g_assert_true (chorus_interface_get_running (interface));
  g_assert_cmpuint (watch.notified->len, ==, 1);
  g_ptr_array_set_size (watch.notified, 0);

  run_ip ("link set tv0 down");
  await_notify (fx, &watch, "up");
  g_assert_true (notified (&watch, "running"));
  g_assert_cmpuint (watch.notified->len, ==, 2);
  g_assert_false (chorus_interface_get_up (interface));
  g_assert_false (chorus_interface_get_running (interface));
  g_ptr_array_set_size (watch.notified, 0);

  run_ip ("link set tv0 mtu 1400");
  await_notify (fx, &watch, "mtu");
  g_assert_cmpuint (chorus_interface_get_mtu (interface), ==, 1400);
  g_assert_cmpuint (watch.notified->len, ==, 1);
  g_ptr_array_set_size (watch.notified, 0);

  run_ip ("addr add 192.0.2.7/24 dev tv0");
  await_notify (fx, &watch, "addresses");
  g_assert_true (notified (&watch, "label"));
  g_assert_cmpstrv (chorus_interface_get_addresses (interface),
                    ((const char *[]) { "192.0.2.7/24", NULL }));
  g_assert_cmpstr (chorus_interface_get_label (interface), ==, "tv0 — 192.0.2.7");
  g_ptr_array_set_size (watch.notified, 0);

  run_ip ("-6 addr add 2001:db8::7/64 dev tv0 nodad");
  await_notify (fx, &watch, "addresses");
  g_assert_cmpstrv (chorus_interface_get_addresses (interface),
                    ((const char *[]) { "192.0.2.7/24", "2001:db8::7/64", NULL }));
  g_ptr_array_set_size (watch.notified, 0);

  run_ip ("addr del 192.0.2.7/24 dev tv0");
  await_notify (fx, &watch, "addresses");
  g_assert_cmpstrv (chorus_interface_get_addresses (interface),
                    ((const char *[]) { "2001:db8::7/64", NULL }));
  g_ptr_array_set_size (watch.notified, 0);

  /* Renamed: the same item, by its index. */
  run_ip ("link set tv0 name tv2");
  await_notify (fx, &watch, "name");
  g_assert_true (chorus_interface_list_lookup (list, "tv2") == interface);
  g_assert_null (chorus_interface_list_lookup (list, "tv0"));
  g_assert_cmpstr (chorus_interface_get_label (interface), ==, "tv2 — 2001:db8::7");

  /* Updated in place all along: nothing came or went. */
  g_assert_cmpuint (watch.added, ==, 2);
  g_assert_cmpuint (watch.removed, ==, 0);

  /* Gone, with its peer. */
  watch.name = "tv2";
  run_ip ("link del tv2");
  g_assert_true (chorus_test_lan_spin_until (fx->lan, is_gone, &watch, CHANGE_TIMEOUT));
  watch.name = "tv1";
  g_assert_true (chorus_test_lan_spin_until (fx->lan, is_gone, &watch, CHANGE_TIMEOUT));
  g_assert_cmpuint (watch.removed, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_before);
}

static JsonObject *
find_interface (GPtrArray  *events,
                const char *name)
{
  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (chorus_test_json_get_string (g_ptr_array_index (events, i), "name"), name) ==
        0)
      return g_ptr_array_index (events, i);

  return NULL;
}

static void
test_cli_json (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) interfaces = NULL;
  g_autoptr(GPtrArray) multicast = NULL;
  ChorusTestProc *proc;
  JsonObject *eth0;
  JsonObject *lo;
  JsonArray *addresses;

  SKIP_WITHOUT_LAN (fx);

  proc = cli_spawn_chorus (fx, 2, "interfaces", "--json", NULL);
  cli_await_exit (proc, 0);
  events = cli_json_events (proc);
  interfaces = chorus_test_json_filter (events, "interface");
  /* lo and eth0, nothing else: one line each. */
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpuint (interfaces->len, ==, 2);

  eth0 = find_interface (interfaces, "eth0");
  g_assert_nonnull (eth0);
  g_assert_cmpint (chorus_test_json_get_int (eth0, "index", 0), >, 1);
  g_assert_true (json_object_get_boolean_member (eth0, "up"));
  g_assert_true (json_object_get_boolean_member (eth0, "multicast"));
  g_assert_cmpint (chorus_test_json_get_int (eth0, "mtu", 0), ==, 1500);
  addresses = json_object_get_array_member (eth0, "addresses");
  g_assert_cmpuint (json_array_get_length (addresses), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (addresses, 0), ==, "10.77.0.2/16");
  /* The members and their order, as documented. */
  {
    g_autoptr(GList) members = json_object_get_members (eth0);
    const char *expected[] = { "event", "name", "index", "up", "multicast", "mtu", "addresses" };
    guint i = 0;

    for (GList *m = members; m != NULL; m = m->next, i++)
      {
        g_assert_cmpuint (i, <, G_N_ELEMENTS (expected));
        g_assert_cmpstr (m->data, ==, expected[i]);
      }
    g_assert_cmpuint (i, ==, G_N_ELEMENTS (expected));
  }

  lo = find_interface (interfaces, "lo");
  g_assert_nonnull (lo);
  g_assert_cmpint (chorus_test_json_get_int (lo, "index", 0), ==, 1);
  /* A host's lo carries no multicast: --multicast leaves it out. */
  g_assert_false (json_object_get_boolean_member (lo, "multicast"));

  proc = cli_spawn_chorus (fx, 2, "interfaces", "--json", "--multicast", NULL);
  cli_await_exit (proc, 0);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = cli_json_events (proc);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (chorus_test_json_get_string (g_ptr_array_index (events, 0), "name"), ==,
                   "eth0");
}

static void
test_cli_table (Fixture       *fx,
                gconstpointer  data)
{
  ChorusTestProc *proc;
  GPtrArray *lines;
  gboolean seen = FALSE;

  SKIP_WITHOUT_LAN (fx);

  proc = cli_spawn_chorus (fx, 1, "interfaces", NULL);
  cli_await_exit (proc, 0);
  lines = chorus_test_proc_get_stdout (proc);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, 0), "NAME "));

  for (guint i = 1; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_auto(GStrv) cells = g_regex_split_simple ("  +", line, 0, 0);

      g_test_message ("%s", line);
      if (!g_str_equal (cells[0], "eth0"))
        continue;

      seen = TRUE;
      g_assert_cmpuint (g_strv_length (cells), ==, 6);
      g_assert_cmpstr (cells[2], ==, "up");
      g_assert_cmpstr (cells[3], ==, "yes");
      g_assert_cmpstr (cells[4], ==, "1500");
      g_assert_cmpstr (cells[5], ==, "10.77.0.1/16");
    }
  g_assert_true (seen);

  proc = cli_spawn_chorus (fx, 1, "interfaces", "extra", NULL);
  cli_await_exit (proc, 2);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, n_hosts, func)                                                                   \
  g_test_add ("/interfaces/" path, Fixture, GUINT_TO_POINTER (n_hosts), cli_fixture_setup, func,   \
              cli_fixture_teardown)

  ADD ("lan", 2, test_lan);
  ADD ("changes", 1, test_changes);
  ADD ("cli-json", 2, test_cli_json);
  ADD ("cli-table", 1, test_cli_table);

#undef ADD

  return g_test_run ();
}
