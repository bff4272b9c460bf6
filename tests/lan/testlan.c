/* testlan.c: a private LAN of network namespaces for Chorus tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout. The test process itself is 10.77.0.254 on bridge br0
 * (mcast_snooping off, so every multicast frame floods to every port,
 * unless the LAN was made with a snooping ChorusTestSwitch: see
 * "Switch" at the end).
 * Host i lives in namespace chorus-hI, whose eth0 is one end of a veth
 * pair; the other end, vhI, is a port of br0. The LAN is 10.77.0.0/16
 * rather than a /24 so that the benchmark's 1000 hosts fit; hosts 1 to 253
 * are 10.77.0.i all the same.
 *
 * A routed LAN adds bridge br1 (segment B) and namespace chorus-router,
 * whose eth0 is on br0 through port vhr0 and eth1 on br1 through vhr1.
 * smcrouted runs there with its files in a private tmpfs of ours
 * (FILES_DIR): its defaults would be in the machine's /run, which is the
 * same for us but for the tmpfs on /run/netns. Segment B's hosts get no neighbour entry
 * for the test process, which is not on br1.
 *
 * Multicast routes. chorus_test_isolate() routes 224.0.0.0/4 to lo with
 * metric 1024, so that in-process tests without a LAN work on loopback.
 * A LAN adds 224.0.0.0/4 via br0 with metric 0: the lower metric wins
 * while the LAN exists, so the test process sends to and joins on the
 * LAN (and still gets its own datagrams back through IP_MULTICAST_LOOP);
 * deleting br0 deletes its route and lo takes over again. Nothing needs
 * to be replaced and restored.
 *
 * Teardown. chorus_test_lan_free() stops every process it spawned
 * (SIGTERM, then SIGKILL after a grace period), deletes the namespaces
 * and the bridge, then waits until the kernel has really destroyed the
 * host namespaces (their veth ends vanish from ours). When an assertion
 * fails, the test process aborts without running any of that, and that
 * is enough, because nothing the harness makes is visible or held
 * outside the test process:
 *  - the host namespaces are pinned only by bind mounts on a tmpfs at
 *    /run/netns in the test's private mount namespace (/ is made
 *    recursively private, so none of it propagates to the machine) and
 *    by the processes running in them;
 *  - every spawned process carries PR_SET_PDEATHSIG(SIGKILL), so it dies
 *    with the test (strictly: with the thread that spawned it, so spawn
 *    from the main thread);
 *  - so when the test process dies, its mount namespace goes with the
 *    tmpfs and its bind mounts, the last references to the host
 *    namespaces drop, the kernel destroys them and their veth pairs, and
 *    the test's own network namespace with br0 dies with its only
 *    process.
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "testlan.h"

#define NETNS_DIR     "/run/netns"
/* A private tmpfs too, for files of ours that processes on the hosts
 * read and write: it vanishes with the test, even one that aborts. */
#define FILES_DIR     "/run/chorus-testlan"
#define TERM_GRACE_MS 2000
#define KILL_GRACE_MS 5000
#define NETNS_GONE_MS 60000
#define ROUTER_READY_MS 10000
/* The nftables table (family bridge, in the test's namespace) that
 * keeps a snooping LAN's hosts from hearing any query. */
#define SWITCH_TABLE  "chorus_switch"

static void kill_relay (gpointer data);
static gboolean clear_delay (ChorusTestLan *lan, guint host, GError **error);
static gboolean configure_switch (ChorusTestLan *lan, GError **error);

struct _ChorusTestLan
{
  guint         n_hosts; /* the router not counted */
  guint         n_a;     /* hosts 1 to n_a are on segment A, the others on B */
  guint         router;  /* its host number, or 0 */
  ChorusTestRouter router_kind;
  char         *router_dir; /* smcrouted's files */
  GPtrArray    *addresses; /* indexed by host; [0] is NULL */
  GPtrArray    *addresses6; /* NULL on a flat LAN */
  GPtrArray    *netns;
  GPtrArray    *ports;
  GMainContext *context;
  GPtrArray    *procs; /* ChorusTestProc, owned */
  GHashTable   *impair_tables; /* nftables tables made here, by name */
  GHashTable   *delays; /* host → delay-relay GSubprocess */
  ChorusTestSwitch sw; /* defaults filled in */
  gboolean      muted; /* SWITCH_TABLE drops the bridges' queries */
};

typedef struct
{
  ChorusTestProc   *proc;
  GDataInputStream *data;
  GPtrArray        *lines;
  gboolean          eof;
} ProcStream;

struct _ChorusTestProc
{
  ChorusTestLan *lan;
  GSubprocess   *subprocess;
  GCancellable  *cancellable;
  ProcStream     out;
  ProcStream     err;
  gboolean       exited;
  guint          pending; /* async operations still to call back */
};

struct _ChorusTestCapture
{
  int            fd;
  gboolean       toward; /* what the bridge sends the host, not what it sends */
  struct in_addr source;
  GPtrArray     *payloads;
};

static gboolean isolated;
static gboolean lan_exists;

static const char *
ip_program (void)
{
  const char *ip = g_getenv ("CHORUS_IP");

  return ip != NULL ? ip : "ip";
}

static gboolean
run_sync (const char *const  *argv,
          GError            **error)
{
  g_autofree char *err = NULL;
  int              status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;

  if (!g_spawn_check_wait_status (status, error))
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv);

      g_prefix_error (error, "“%s” failed (%s): ", cmd, g_strstrip (err));
      return FALSE;
    }

  return TRUE;
}

/* Runs `ip [-n NETNS] [-force] -batch -` with batch on its stdin: one fork
 * for any number of commands. */
static gboolean
run_ip_batch (const char  *netns,
              const char  *batch,
              gboolean     force,
              GError     **error)
{
  g_autoptr (GSubprocess) ip = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autofree char *err = NULL;

  g_strv_builder_add (builder, ip_program ());
  if (netns != NULL)
    g_strv_builder_add_many (builder, "-n", netns, NULL);
  if (force)
    g_strv_builder_add (builder, "-force");
  g_strv_builder_add_many (builder, "-batch", "-", NULL);
  argv = g_strv_builder_end (builder);

  ip = g_subprocess_newv ((const char *const *) argv,
                          G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          error);
  if (ip == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (ip, batch, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (ip))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "ip%s%s -batch failed: %s",
                   netns ? " -n " : "", netns ? netns : "", g_strstrip (err));
      return FALSE;
    }

  return TRUE;
}

static gboolean
same_file (const struct stat *a,
           const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

gboolean
chorus_test_isolate (void)
{
  const char *lo_up[] = { ip_program (), "link", "set", "lo", "up", "multicast", "on", NULL };
  /* With a source address: a datagram from 0.0.0.0 is one a receiver
   * must never answer. */
  const char *lo_route[] = { ip_program (), "route", "add",       "224.0.0.0/4", "dev", "lo",
                             "metric",      "1024",  "src",       "127.0.0.1",   NULL };
  g_autoptr (GError) error = NULL;
  struct stat outer, inner;

  if (isolated)
    return TRUE;

  if (stat ("/proc/self/ns/net", &outer) != 0)
    g_error ("chorus_test_isolate: /proc/self/ns/net: %s", g_strerror (errno));

  /* Helpers of ours that touch the network (the delay relay) refuse to
   * run in this namespace: they check that they are not in it. */
  {
    char link[64] = "";
    ssize_t n = readlink ("/proc/self/ns/net", link, sizeof link - 1);

    if (n > 0)
      {
        link[n] = '\0';
        g_setenv ("TESTLAN_OUTER_NS", link, TRUE);
      }
  }

  if (unshare (CLONE_NEWNET | CLONE_NEWNS) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINVAL)
        g_error ("chorus_test_isolate: unshare: %s; was a thread started before?",
                 g_strerror (saved_errno));
      if (g_getenv ("CI") != NULL)
        g_error ("chorus_test_isolate: cannot make private network namespaces "
                 "(unshare: %s). CI is set: these tests must run, not skip. "
                 "Run them as root or with CAP_SYS_ADMIN and CAP_NET_ADMIN.",
                 g_strerror (saved_errno));

      g_printerr ("\n"
                  "************************************************************\n"
                  "** SKIPPING the multicast LAN tests: unshare(CLONE_NEWNET |\n"
                  "** CLONE_NEWNS) failed: %s.\n"
                  "** They need root (CAP_SYS_ADMIN, CAP_NET_ADMIN) to build a\n"
                  "** private LAN of network namespaces. Nothing was tested.\n"
                  "************************************************************\n\n",
                  g_strerror (saved_errno));
      return FALSE;
    }

  /* Belt and braces: never go on in the namespace we came from. */
  if (stat ("/proc/self/ns/net", &inner) != 0 || same_file (&outer, &inner))
    g_error ("chorus_test_isolate: still in the original network namespace");

  /* From here on a failure is a broken machine, not a lack of privilege:
   * stop rather than skip. Nothing mounted below may propagate out. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    g_error ("chorus_test_isolate: making / private: %s", g_strerror (errno));
  if (g_mkdir_with_parents (NETNS_DIR, 0755) != 0)
    g_error ("chorus_test_isolate: mkdir %s: %s", NETNS_DIR, g_strerror (errno));
  if (mount ("chorus-testlan", NETNS_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") !=
      0)
    g_error ("chorus_test_isolate: tmpfs on %s: %s", NETNS_DIR, g_strerror (errno));
  if (g_mkdir_with_parents (FILES_DIR, 0755) != 0)
    g_error ("chorus_test_isolate: mkdir %s: %s", FILES_DIR, g_strerror (errno));
  if (mount ("chorus-testlan", FILES_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") !=
      0)
    g_error ("chorus_test_isolate: tmpfs on %s: %s", FILES_DIR, g_strerror (errno));

  if (!run_sync (lo_up, &error) || !run_sync (lo_route, &error))
    g_error ("chorus_test_isolate: %s", error->message);

  isolated = TRUE;
  return TRUE;
}

gboolean
chorus_test_is_isolated (void)
{
  return isolated;
}

static char *
host_address (guint host)
{
  if (host < 254)
    return g_strdup_printf ("10.77.0.%u", host);
  return g_strdup_printf ("10.77.%u.%u", host / 254, host % 254 + 1);
}

static gboolean
have_interface_prefix (const char *prefix)
{
  struct if_nameindex *names = if_nameindex ();
  gboolean             found = FALSE;

  if (names == NULL)
    return TRUE;
  for (struct if_nameindex *n = names; n->if_index != 0; n++)
    if (g_str_has_prefix (n->if_name, prefix))
      found = TRUE;
  if_freenameindex (names);

  return found;
}

/* The router's end of a segment: its bridge port here, its interface in
 * its namespace. */
static const struct
{
  const char *bridge;
  const char *port;
  const char *iface;
  const char *address;
  const char *address6;
} router_legs[] = {
  { "br0", "vhr0", "eth0", CHORUS_TEST_LAN_ROUTER_A, CHORUS_TEST_LAN_ROUTER_A6 },
  { "br1", "vhr1", "eth1", CHORUS_TEST_LAN_ROUTER_B, CHORUS_TEST_LAN_ROUTER_B6 },
};

/* (*,G) ranges the router forwards, both ways; link-local scopes never. */
static const char *const routed_groups[] = {
  "224.3.0.0/16", "232.0.0.0/8", "239.0.0.0/8",
  "ff05::/16",    "ff0e::/16",   "ff35::/16",   "ff3e::/16",
};

static gboolean
valid_host (ChorusTestLan *lan,
            guint          host)
{
  return host >= 1 && (host <= lan->n_hosts || (lan->router != 0 && host == lan->router));
}

/* 0 for segment A (br0), 1 for segment B (br1); the router counts as A. */
static guint
segment_of (ChorusTestLan *lan,
            guint          host)
{
  return host > lan->n_a && host != lan->router ? 1 : 0;
}

static const char *
host_bridge (ChorusTestLan *lan,
             guint          host)
{
  return router_legs[segment_of (lan, host)].bridge;
}

static const char *
smcrouted_program (void)
{
  const char *path = g_getenv ("CHORUS_SMCROUTED");

  if (path != NULL)
    return path;
  /* Not always in a root shell's PATH, nor in CI's. */
  if (g_file_test ("/usr/sbin/smcrouted", G_FILE_TEST_IS_EXECUTABLE))
    return "/usr/sbin/smcrouted";
  return "smcrouted";
}

static gboolean run_in_host (ChorusTestLan      *lan,
                             guint               host,
                             const char *const  *argv,
                             GError            **error);

static gboolean
check_file_exists (gpointer user_data)
{
  return g_file_test (user_data, G_FILE_TEST_EXISTS);
}

/* Whether this kernel forwards multicast (CONFIG_IP_MROUTE and
 * CONFIG_IPV6_MROUTE): each gives every network namespace its table. */
static gboolean
kernel_routes_multicast (const char **missing)
{
  const char *const tables[] = { "/proc/net/ip_mr_vif", "/proc/net/ip6_mr_vif" };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!g_file_test (tables[i], G_FILE_TEST_EXISTS))
      {
        *missing = tables[i];
        return FALSE;
      }

  return TRUE;
}

/* The router a routed LAN runs: the kernel's, driven by smcrouted, where
 * the kernel routes multicast, else our forwarder; CHORUS_TEST_ROUTER
 * (kernel or forwarder) forces one. */
static gboolean
choose_router (ChorusTestRouter  *router,
               char             **why,
               GError           **error)
{
  const char *forced = g_getenv ("CHORUS_TEST_ROUTER");
  const char *missing = NULL;
  gboolean    kernel = kernel_routes_multicast (&missing);

  if (forced == NULL || forced[0] == '\0')
    {
      *router = kernel ? CHORUS_TEST_ROUTER_KERNEL : CHORUS_TEST_ROUTER_FORWARDER;
      *why = kernel ? g_strdup ("the kernel routes multicast")
                    : g_strdup_printf ("the kernel does not route multicast (no %s)", missing);
      return TRUE;
    }
  if (g_str_equal (forced, "forwarder"))
    {
      *router = CHORUS_TEST_ROUTER_FORWARDER;
      *why = g_strdup ("CHORUS_TEST_ROUTER=forwarder");
      return TRUE;
    }
  if (g_str_equal (forced, "kernel"))
    {
      if (!kernel)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "CHORUS_TEST_ROUTER=kernel, but this kernel does not route multicast "
                       "(no %s: built without CONFIG_IP_MROUTE or CONFIG_IPV6_MROUTE)",
                       missing);
          return FALSE;
        }
      *router = CHORUS_TEST_ROUTER_KERNEL;
      *why = g_strdup ("CHORUS_TEST_ROUTER=kernel");
      return TRUE;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "CHORUS_TEST_ROUTER is “%s”: kernel or forwarder, or unset to let the kernel "
               "decide", forced);
  return FALSE;
}

/* smcrouted with static (*,G) routes between the two legs. It writes
 * its PID file once it has read them. Its files stay in our private
 * tmpfs. */
static gboolean
start_smcrouted (ChorusTestLan  *lan,
                 GError        **error)
{
  g_autoptr (GString) conf = g_string_new ("# Written by tests/lan/testlan.c\n");
  g_autofree char *conf_path = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *pid_path = NULL;
  ChorusTestProc  *daemon;

  lan->router_dir = g_build_filename (FILES_DIR, "router", NULL);
  if (g_mkdir (lan->router_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "mkdir %s: %s",
                   lan->router_dir, g_strerror (saved_errno));
      return FALSE;
    }
  conf_path = g_build_filename (lan->router_dir, "smcroute.conf", NULL);
  socket_path = g_build_filename (lan->router_dir, "smcroute.sock", NULL);
  pid_path = g_build_filename (lan->router_dir, "smcroute.pid", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (router_legs); i++)
    g_string_append_printf (conf, "phyint %s enable\n", router_legs[i].iface);
  for (guint g = 0; g < G_N_ELEMENTS (routed_groups); g++)
    for (guint i = 0; i < G_N_ELEMENTS (router_legs); i++)
      g_string_append_printf (conf, "mroute from %s group %s to %s\n", router_legs[i].iface,
                              routed_groups[g], router_legs[1 - i].iface);
  if (!g_file_set_contents (conf_path, conf->str, conf->len, error))
    return FALSE;

  {
    const char *const argv[] = { smcrouted_program (), "-n", "-N", "-f", conf_path,
                                 "-u", socket_path, "-P", pid_path, NULL };

    daemon = chorus_test_lan_spawn (lan, lan->router, argv, error);
  }
  if (daemon == NULL)
    {
      g_prefix_error (error, "the test router needs smcrouted (Debian package smcroute): ");
      return FALSE;
    }
  if (!chorus_test_lan_spin_until (lan, check_file_exists, pid_path, ROUTER_READY_MS))
    {
      g_autofree char *log = chorus_test_proc_dup_stderr_text (daemon);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "smcrouted did not start within %d ms (status %d): %s", ROUTER_READY_MS,
                   chorus_test_proc_get_status (daemon), log);
      return FALSE;
    }

  return TRUE;
}

/* tests/lan/mcast-forwarder.c with the same routes as smcrouted's. */
static gboolean
start_forwarder (ChorusTestLan  *lan,
                 GError        **error)
{
  const char *path = g_getenv ("CHORUS_MCAST_FORWARDER");
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  ChorusTestProc *forwarder;

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "the kernel does not route multicast, and CHORUS_MCAST_FORWARDER "
                           "does not name the test LAN's forwarder");
      return FALSE;
    }

  g_ptr_array_add (argv, g_strdup (path));
  for (guint g = 0; g < G_N_ELEMENTS (routed_groups); g++)
    for (guint i = 0; i < G_N_ELEMENTS (router_legs); i++)
      g_ptr_array_add (argv, g_strdup_printf ("%s %s %s", router_legs[i].iface, routed_groups[g],
                                              router_legs[1 - i].iface));
  g_ptr_array_add (argv, NULL);

  forwarder = chorus_test_lan_spawn (lan, lan->router, (const char *const *) argv->pdata, error);
  if (forwarder == NULL)
    return FALSE;
  if (chorus_test_proc_wait_line (forwarder, FALSE, "ready", NULL, ROUTER_READY_MS) == NULL)
    {
      g_autofree char *log = chorus_test_proc_dup_stderr_text (forwarder);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "the multicast forwarder did not start within %d ms (status %d): %s",
                   ROUTER_READY_MS, chorus_test_proc_get_status (forwarder), log);
      return FALSE;
    }

  return TRUE;
}

/* Forwarding on, reverse-path filtering off (a datagram's source is on
 * a segment the router is on anyway), then the router the kernel
 * allows. Unicast is the kernel's either way. */
static gboolean
start_router (ChorusTestLan  *lan,
              GError        **error)
{
  const char *const sysctls[] = {
    "sh", "-e", "-c",
    "echo 1 >/proc/sys/net/ipv4/ip_forward\n"
    "echo 1 >/proc/sys/net/ipv6/conf/all/forwarding\n"
    "for c in all default eth0 eth1; do\n"
    "  echo 0 >/proc/sys/net/ipv4/conf/$c/rp_filter\n"
    "done\n",
    NULL
  };
  g_autofree char *why = NULL;

  if (!choose_router (&lan->router_kind, &why, error))
    return FALSE;
  if (g_test_initialized ())
    g_test_message ("testlan: the router is %s: %s",
                    lan->router_kind == CHORUS_TEST_ROUTER_KERNEL ? "the kernel's, with smcrouted"
                                                                   : "our forwarder",
                    why);

  if (!run_in_host (lan, lan->router, sysctls, error))
    return FALSE;

  if (lan->router_kind == CHORUS_TEST_ROUTER_KERNEL)
    return start_smcrouted (lan, error);
  return start_forwarder (lan, error);
}

static ChorusTestLan *
lan_new (guint                   n_a,
         guint                   n_b,
         gboolean                routed,
         const ChorusTestSwitch *sw,
         GError                **error)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GString) batch = g_string_new (NULL);

  if (!isolated)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "chorus_test_lan_new: call chorus_test_isolate() first");
      return NULL;
    }
  if (lan_exists)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           "chorus_test_lan_new: one LAN at a time");
      return NULL;
    }

  lan = g_new0 (ChorusTestLan, 1);
  lan->n_hosts = n_a + n_b;
  lan->n_a = n_a;
  lan->router = routed ? lan->n_hosts + 1 : 0;
  lan->addresses = g_ptr_array_new_with_free_func (g_free);
  lan->addresses6 = g_ptr_array_new_with_free_func (g_free);
  lan->netns = g_ptr_array_new_with_free_func (g_free);
  lan->ports = g_ptr_array_new_with_free_func (g_free);
  lan->context = g_main_context_new ();
  lan->procs = g_ptr_array_new ();
  lan->impair_tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lan->delays = g_hash_table_new_full (NULL, NULL, NULL, kill_relay);
  lan->sw = *sw;
  g_ptr_array_add (lan->addresses, NULL);
  g_ptr_array_add (lan->addresses6, NULL);
  g_ptr_array_add (lan->netns, NULL);
  g_ptr_array_add (lan->ports, NULL);
  for (guint i = 1; i <= lan->n_hosts; i++)
    {
      if (i <= n_a)
        g_ptr_array_add (lan->addresses, host_address (i));
      else
        g_ptr_array_add (lan->addresses, g_strdup_printf ("10.78.0.%u", i - n_a));
      if (!routed)
        g_ptr_array_add (lan->addresses6, NULL);
      else if (i <= n_a)
        g_ptr_array_add (lan->addresses6, g_strdup_printf ("fd77::%u", i));
      else
        g_ptr_array_add (lan->addresses6, g_strdup_printf ("fd78::%u", i - n_a));
      g_ptr_array_add (lan->netns, g_strdup_printf ("chorus-h%u", i));
      g_ptr_array_add (lan->ports, g_strdup_printf ("vh%u", i));
    }
  if (routed)
    {
      g_ptr_array_add (lan->addresses, g_strdup (router_legs[0].address));
      g_ptr_array_add (lan->addresses6, g_strdup (router_legs[0].address6));
      g_ptr_array_add (lan->netns, g_strdup ("chorus-router"));
      g_ptr_array_add (lan->ports, g_strdup (router_legs[0].port));
    }
  lan_exists = TRUE;

  /* One `ip -batch` here for the bridge, all namespaces and all veth
   * pairs (the peer is created right inside its namespace), then one per
   * host for what must be done inside it: about 5 ms a host. No IPv6
   * link-local addresses (addrgenmode none): a thousand hosts doing DAD
   * and MLD would only add noise. The fixed MACs make the sender's
   * neighbour entry computable. Segment B's bridge has no address: the
   * test process is a host of segment A only. */
  g_string_append_printf (batch,
                          "link add br0 address %s type bridge mcast_snooping 0\n"
                          "link set br0 addrgenmode none\n"
                          "addr add %s/16 dev br0\n"
                          "link set br0 up\n"
                          "route add 224.0.0.0/4 dev br0\n",
                          CHORUS_TEST_LAN_SELF_MAC, CHORUS_TEST_LAN_SELF);
  if (routed)
    g_string_append (batch, "link add br1 type bridge mcast_snooping 0\n"
                            "link set br1 addrgenmode none up\n");
  for (guint i = 1; i <= lan->n_hosts; i++)
    g_string_append_printf (batch,
                            "netns add chorus-h%u\n"
                            "link add vh%u type veth peer name eth0"
                            " address 02:77:00:01:%02x:%02x netns chorus-h%u\n"
                            "link set vh%u addrgenmode none master %s up\n",
                            i, i, i >> 8, i & 0xff, i, i, i <= n_a ? "br0" : "br1");
  if (routed)
    {
      g_string_append (batch, "netns add chorus-router\n");
      for (guint leg = 0; leg < G_N_ELEMENTS (router_legs); leg++)
        g_string_append_printf (batch,
                                "link add %s type veth peer name %s"
                                " address 02:77:00:02:00:%02x netns chorus-router\n"
                                "link set %s addrgenmode none master %s up\n",
                                router_legs[leg].port, router_legs[leg].iface, leg,
                                router_legs[leg].port, router_legs[leg].bridge);
    }
  if (!run_ip_batch (NULL, batch->str, FALSE, error))
    return NULL;

  for (guint i = 1; i <= lan->n_hosts; i++)
    {
      gboolean on_a = i <= n_a;

      g_string_printf (batch,
                       "link set lo up\n"
                       "link set eth0 addrgenmode none\n"
                       "addr add %s/16 dev eth0\n"
                       "link set eth0 up\n"
                       "route add 224.0.0.0/4 dev eth0\n",
                       chorus_test_lan_get_address (lan, i));
      if (on_a)
        g_string_append_printf (batch, "neigh replace %s lladdr %s dev eth0 nud permanent\n",
                                CHORUS_TEST_LAN_SELF, CHORUS_TEST_LAN_SELF_MAC);
      /* Without DAD, usable at once. The link-local address is made
       * by hand, with the same last group as the others. */
      if (routed)
        g_string_append_printf (batch,
                                "addr add %s/64 dev eth0 nodad\n"
                                "addr add fe80::%s/64 dev eth0 nodad\n"
                                "route add default via %s\n"
                                "route add default via %s\n",
                                chorus_test_lan_get_address6 (lan, i),
                                strrchr (chorus_test_lan_get_address6 (lan, i), ':') + 1,
                                router_legs[on_a ? 0 : 1].address,
                                router_legs[on_a ? 0 : 1].address6);
      if (!run_ip_batch (chorus_test_lan_get_netns (lan, i), batch->str, FALSE, error))
        return NULL;
    }

  if (routed)
    {
      /* A router needs link-local addresses: forwarding, it asks for a
       * neighbour's address from its own link-local one, never from the
       * datagram's source. */
      g_string_assign (batch, "link set lo up\n");
      for (guint leg = 0; leg < G_N_ELEMENTS (router_legs); leg++)
        g_string_append_printf (batch,
                                "link set %s addrgenmode none\n"
                                "addr add %s/16 dev %s\n"
                                "addr add %s/64 dev %s nodad\n"
                                "addr add fe80::253/64 dev %s nodad\n"
                                "link set %s up\n",
                                router_legs[leg].iface, router_legs[leg].address,
                                router_legs[leg].iface, router_legs[leg].address6,
                                router_legs[leg].iface, router_legs[leg].iface,
                                router_legs[leg].iface);
      if (!run_ip_batch ("chorus-router", batch->str, FALSE, error) || !start_router (lan, error))
        return NULL;
    }

  if (!configure_switch (lan, error))
    return NULL;

  return g_steal_pointer (&lan);
}

static const ChorusTestSwitch flooding = { CHORUS_TEST_SWITCH_FLOOD };

static gboolean complete_switch (ChorusTestSwitch  *sw,
                                 GError           **error);

ChorusTestLan *
chorus_test_lan_new (guint    n_hosts,
                     GError **error)
{
  g_return_val_if_fail (n_hosts >= 1 && n_hosts <= CHORUS_TEST_LAN_MAX_HOSTS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return lan_new (n_hosts, 0, FALSE, &flooding, error);
}

ChorusTestLan *
chorus_test_lan_new_routed (guint    n_a,
                            guint    n_b,
                            GError **error)
{
  g_return_val_if_fail (n_a >= 1 && n_a <= CHORUS_TEST_LAN_MAX_SEGMENT_HOSTS, NULL);
  g_return_val_if_fail (n_b >= 1 && n_b <= CHORUS_TEST_LAN_MAX_SEGMENT_HOSTS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return lan_new (n_a, n_b, TRUE, &flooding, error);
}

ChorusTestLan *
chorus_test_lan_new_full (guint                   n_a,
                          guint                   n_b,
                          const ChorusTestSwitch *sw,
                          GError                **error)
{
  ChorusTestSwitch switch_ = sw != NULL ? *sw : flooding;

  g_return_val_if_fail (n_a >= 1, NULL);
  g_return_val_if_fail (n_b == 0 ? n_a <= CHORUS_TEST_LAN_MAX_HOSTS
                                 : n_a <= CHORUS_TEST_LAN_MAX_SEGMENT_HOSTS &&
                                     n_b <= CHORUS_TEST_LAN_MAX_SEGMENT_HOSTS,
                        NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!complete_switch (&switch_, error))
    return NULL;

  return lan_new (n_a, n_b, n_b > 0, &switch_, error);
}

guint
chorus_test_lan_get_n_hosts (ChorusTestLan *lan)
{
  g_return_val_if_fail (lan != NULL, 0);

  return lan->n_hosts;
}

guint
chorus_test_lan_get_router (ChorusTestLan *lan)
{
  g_return_val_if_fail (lan != NULL, 0);

  return lan->router;
}

ChorusTestRouter
chorus_test_lan_get_router_kind (ChorusTestLan *lan)
{
  g_return_val_if_fail (lan != NULL, CHORUS_TEST_ROUTER_NONE);

  return lan->router_kind;
}

guint
chorus_test_lan_get_segment (ChorusTestLan *lan,
                             guint          host)
{
  g_return_val_if_fail (lan != NULL, 0);
  g_return_val_if_fail (valid_host (lan, host), 0);

  return segment_of (lan, host);
}

const char *
chorus_test_lan_get_address (ChorusTestLan *lan,
                             guint          host)
{
  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);

  return g_ptr_array_index (lan->addresses, host);
}

const char *
chorus_test_lan_get_address6 (ChorusTestLan *lan,
                              guint          host)
{
  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);

  return g_ptr_array_index (lan->addresses6, host);
}

const char *
chorus_test_lan_get_netns (ChorusTestLan *lan,
                           guint          host)
{
  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);

  return g_ptr_array_index (lan->netns, host);
}

const char *
chorus_test_lan_get_port (ChorusTestLan *lan,
                          guint          host)
{
  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);

  return g_ptr_array_index (lan->ports, host);
}

GMainContext *
chorus_test_lan_get_context (ChorusTestLan *lan)
{
  g_return_val_if_fail (lan != NULL, NULL);

  return lan->context;
}

/* Spinning */

typedef struct
{
  gboolean timed_out;
} SpinState;

static gboolean
on_spin_deadline (gpointer user_data)
{
  SpinState *state = user_data;

  state->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_spin_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
chorus_test_lan_spin_until (ChorusTestLan *lan,
                            gboolean     (*check) (gpointer user_data),
                            gpointer       user_data,
                            guint          timeout_ms)
{
  SpinState state = { FALSE };
  GSource  *deadline;
  GSource  *tick;
  gboolean  done;

  g_return_val_if_fail (lan != NULL, FALSE);

  g_main_context_push_thread_default (lan->context);

  deadline = g_timeout_source_new (timeout_ms);
  g_source_set_callback (deadline, on_spin_deadline, &state, NULL);
  g_source_attach (deadline, lan->context);
  /* Conditions that no source reports (a file in /proc, a packet socket)
   * are looked at again every 10 ms. */
  tick = g_timeout_source_new (10);
  g_source_set_callback (tick, on_spin_tick, NULL, NULL);
  g_source_attach (tick, lan->context);

  while (!(done = check (user_data)) && !state.timed_out)
    g_main_context_iteration (lan->context, TRUE);

  g_source_destroy (tick);
  g_source_unref (tick);
  g_source_destroy (deadline);
  g_source_unref (deadline);

  g_main_context_pop_thread_default (lan->context);

  return done;
}

/* Processes */

typedef struct
{
  int   netns_fd;
  pid_t parent;
} ChildSetup;

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer user_data)
{
  ChildSetup *setup = user_data;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0)
    _exit (126);
  /* The parent may have died before prctl took effect. */
  if (getppid () != setup->parent)
    _exit (126);
  if (setns (setup->netns_fd, CLONE_NEWNET) != 0)
    _exit (126);
}

static void read_next_line (ProcStream *stream);

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ProcStream *stream = user_data;
  g_autoptr (GError) error = NULL;
  char *line;

  stream->proc->pending--;
  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (line == NULL)
    {
      stream->eof = TRUE;
      return;
    }

  g_ptr_array_add (stream->lines, line);
  read_next_line (stream);
}

static void
read_next_line (ProcStream *stream)
{
  stream->proc->pending++;
  g_data_input_stream_read_line_async (stream->data, G_PRIORITY_DEFAULT, stream->proc->cancellable,
                                       on_line_read, stream);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ChorusTestProc *proc = user_data;

  proc->pending--;
  if (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    proc->exited = TRUE;
}

static void
proc_stream_init (ProcStream     *stream,
                  ChorusTestProc *proc,
                  GInputStream   *pipe)
{
  stream->proc = proc;
  stream->data = g_data_input_stream_new (pipe);
  g_data_input_stream_set_newline_type (stream->data, G_DATA_STREAM_NEWLINE_TYPE_LF);
  stream->lines = g_ptr_array_new_with_free_func (g_free);
  read_next_line (stream);
}

static void
proc_free (ChorusTestProc *proc)
{
  g_clear_object (&proc->subprocess);
  g_clear_object (&proc->cancellable);
  g_clear_object (&proc->out.data);
  g_clear_object (&proc->err.data);
  g_clear_pointer (&proc->out.lines, g_ptr_array_unref);
  g_clear_pointer (&proc->err.lines, g_ptr_array_unref);
  g_free (proc);
}

static GSubprocess *
spawn_in_host (ChorusTestLan      *lan,
               guint               host,
               GSubprocessFlags    flags,
               const char *const  *argv,
               GError            **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *path = NULL;
  ChildSetup       setup;
  GSubprocess     *subprocess;

  path = g_build_filename (NETNS_DIR, chorus_test_lan_get_netns (lan, host), NULL);
  setup.netns_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (setup.netns_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  setup.parent = getpid ();

  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &setup, NULL);
  subprocess = g_subprocess_launcher_spawnv (launcher, argv, error);
  close (setup.netns_fd);

  return subprocess;
}

/* Runs argv in host's namespace and waits for it to succeed. */
static gboolean
run_in_host (ChorusTestLan      *lan,
             guint               host,
             const char *const  *argv,
             GError            **error)
{
  g_autoptr (GSubprocess) subprocess = NULL;
  g_autofree char *err = NULL;

  subprocess = spawn_in_host (lan, host,
                              G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              argv, error);
  if (subprocess == NULL || !g_subprocess_communicate_utf8 (subprocess, NULL, NULL, NULL, &err,
                                                            error))
    return FALSE;
  if (!g_subprocess_get_successful (subprocess))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s in %s failed: %s", argv[0],
                   chorus_test_lan_get_netns (lan, host), g_strstrip (err));
      return FALSE;
    }

  return TRUE;
}

gboolean
chorus_test_lan_stop_routing_multicast (ChorusTestLan  *lan,
                                        GError        **error)
{
  g_autoptr (GString) rules = g_string_new ("add table netdev chorus_no_mroute\n");
  const char *argv[] = { "nft", "-f", "-", NULL };
  g_autoptr (GSubprocess) nft = NULL;
  g_autofree char *err = NULL;

  g_return_val_if_fail (lan != NULL, FALSE);
  g_return_val_if_fail (lan->router != 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* At the ingress hook, before the kernel's routing and before the
   * forwarder's sockets (tests/lan/mcast-forwarder.c) see a frame. Only
   * the routed groups: neighbour discovery and the local groups live on. */
  for (guint leg = 0; leg < G_N_ELEMENTS (router_legs); leg++)
    {
      const char *iface = router_legs[leg].iface;

      g_string_append_printf (rules,
                              "add chain netdev chorus_no_mroute %s"
                              " { type filter hook ingress device \"%s\" priority 0; }\n",
                              iface, iface);
      for (guint g = 0; g < G_N_ELEMENTS (routed_groups); g++)
        g_string_append_printf (rules, "add rule netdev chorus_no_mroute %s %s daddr %s drop\n",
                                iface, strchr (routed_groups[g], ':') != NULL ? "ip6" : "ip",
                                routed_groups[g]);
    }

  nft = spawn_in_host (lan, lan->router,
                       G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                         | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                       argv, error);
  if (nft == NULL || !g_subprocess_communicate_utf8 (nft, rules->str, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (nft))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "nft in chorus-router failed (it needs Debian package nftables): %s",
                   g_strstrip (err));
      return FALSE;
    }

  return TRUE;
}

GSubprocess *
chorus_test_lan_spawnv (ChorusTestLan      *lan,
                        guint               host,
                        GSubprocessFlags    flags,
                        const char *const  *argv,
                        GError            **error)
{
  ChorusTestProc *proc;
  GSubprocess    *subprocess;

  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  subprocess = spawn_in_host (lan, host, flags, argv, error);
  if (subprocess == NULL)
    return NULL;

  /* Tracked for teardown only; the caller owns its pipes. */
  g_main_context_push_thread_default (lan->context);
  proc = g_new0 (ChorusTestProc, 1);
  proc->lan = lan;
  proc->subprocess = g_object_ref (subprocess);
  proc->cancellable = g_cancellable_new ();
  proc->out.eof = proc->err.eof = TRUE;
  proc->pending++;
  g_subprocess_wait_async (subprocess, proc->cancellable, on_exited, proc);
  g_ptr_array_add (lan->procs, proc);
  g_main_context_pop_thread_default (lan->context);

  return subprocess;
}

ChorusTestProc *
chorus_test_lan_spawn (ChorusTestLan      *lan,
                       guint               host,
                       const char *const  *argv,
                       GError            **error)
{
  ChorusTestProc *proc;
  GSubprocess    *subprocess;

  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  subprocess = spawn_in_host (lan, host,
                              G_SUBPROCESS_FLAGS_STDIN_INHERIT | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              argv, error);
  if (subprocess == NULL)
    return NULL;

  g_main_context_push_thread_default (lan->context);
  proc = g_new0 (ChorusTestProc, 1);
  proc->lan = lan;
  proc->subprocess = subprocess;
  proc->cancellable = g_cancellable_new ();
  proc_stream_init (&proc->out, proc, g_subprocess_get_stdout_pipe (subprocess));
  proc_stream_init (&proc->err, proc, g_subprocess_get_stderr_pipe (subprocess));
  proc->pending++;
  g_subprocess_wait_async (subprocess, proc->cancellable, on_exited, proc);
  g_ptr_array_add (lan->procs, proc);
  g_main_context_pop_thread_default (lan->context);

  return proc;
}

GSubprocess *
chorus_test_proc_get_subprocess (ChorusTestProc *proc)
{
  g_return_val_if_fail (proc != NULL, NULL);

  return proc->subprocess;
}

GPtrArray *
chorus_test_proc_get_stdout (ChorusTestProc *proc)
{
  g_return_val_if_fail (proc != NULL, NULL);

  return proc->out.lines;
}

GPtrArray *
chorus_test_proc_get_stderr (ChorusTestProc *proc)
{
  g_return_val_if_fail (proc != NULL, NULL);

  return proc->err.lines;
}

char *
chorus_test_proc_dup_stderr_text (ChorusTestProc *proc)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (proc != NULL, NULL);

  for (guint i = 0; i < proc->err.lines->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (proc->err.lines, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  ChorusTestProc *proc;
  ProcStream     *stream;
  const char     *needle;
  guint           from;
  const char     *found;
  guint           n;
} LineWait;

static gboolean
check_line (gpointer user_data)
{
  LineWait *wait = user_data;

  for (; wait->from < wait->stream->lines->len; wait->from++)
    {
      const char *line = g_ptr_array_index (wait->stream->lines, wait->from);

      if (strstr (line, wait->needle) != NULL)
        {
          wait->found = line;
          wait->from++;
          return TRUE;
        }
    }

  /* Nothing more can come. */
  return wait->stream->eof;
}

const char *
chorus_test_proc_wait_line (ChorusTestProc *proc,
                            gboolean        on_stderr,
                            const char     *needle,
                            guint          *from,
                            guint           timeout_ms)
{
  LineWait wait = { proc, NULL, needle, 0, NULL, 0 };

  g_return_val_if_fail (proc != NULL, NULL);
  g_return_val_if_fail (needle != NULL, NULL);

  wait.stream = on_stderr ? &proc->err : &proc->out;
  if (from != NULL)
    wait.from = *from;
  chorus_test_lan_spin_until (proc->lan, check_line, &wait, timeout_ms);
  if (from != NULL && wait.found != NULL)
    *from = wait.from;

  return wait.found;
}

static gboolean
check_n_lines (gpointer user_data)
{
  LineWait *wait = user_data;

  return wait->stream->lines->len >= wait->n || wait->stream->eof;
}

gboolean
chorus_test_proc_wait_lines (ChorusTestProc *proc,
                             guint           n,
                             guint           timeout_ms)
{
  LineWait wait = { proc, &proc->out, NULL, 0, NULL, n };

  g_return_val_if_fail (proc != NULL, FALSE);

  chorus_test_lan_spin_until (proc->lan, check_n_lines, &wait, timeout_ms);

  return proc->out.lines->len >= n;
}

static gboolean
check_exit (gpointer user_data)
{
  ChorusTestProc *proc = user_data;

  return proc->exited && proc->out.eof && proc->err.eof;
}

gboolean
chorus_test_proc_wait_exit (ChorusTestProc *proc,
                            guint           timeout_ms)
{
  g_return_val_if_fail (proc != NULL, FALSE);

  return chorus_test_lan_spin_until (proc->lan, check_exit, proc, timeout_ms);
}

int
chorus_test_proc_get_status (ChorusTestProc *proc)
{
  g_return_val_if_fail (proc != NULL, -1);

  if (!proc->exited)
    return -1;
  if (g_subprocess_get_if_signaled (proc->subprocess))
    return 128 + g_subprocess_get_term_sig (proc->subprocess);
  return g_subprocess_get_exit_status (proc->subprocess);
}

void
chorus_test_proc_send_signal (ChorusTestProc *proc,
                              int             signum)
{
  g_return_if_fail (proc != NULL);

  if (!proc->exited)
    g_subprocess_send_signal (proc->subprocess, signum);
}

typedef struct
{
  ChorusTestProc *proc;
  char           *pid;
  char           *group_hex;
  char           *port_hex;
  guint           min_users;
  gboolean        v6;
} JoinWait;

/* Adds the inodes of the UDP sockets bound to the port, as listed in
 * /proc/PID/net/NAME (udp or udp6), which shows the namespace of PID. */
static void
add_bound_socket_inodes (const JoinWait *wait,
                         const char     *name,
                         GHashTable     *inodes)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/net/%s", wait->pid, name);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GPtrArray) words = g_ptr_array_new ();
      const char *colon;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      /* sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode */
      if (words->len < 10)
        continue;
      colon = strchr (g_ptr_array_index (words, 1), ':');
      if (colon != NULL && g_ascii_strcasecmp (colon + 1, wait->port_hex) == 0)
        g_hash_table_add (inodes, g_strdup (g_ptr_array_index (words, 9)));
    }
}

/* Either family: an IPv6 socket may join an IPv4 group, and the
 * reverse is no matter. */
static GHashTable *
bound_socket_inodes (const JoinWait *wait)
{
  GHashTable *inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  add_bound_socket_inodes (wait, "udp", inodes);
  add_bound_socket_inodes (wait, "udp6", inodes);

  return inodes;
}

static gboolean
owns_bound_socket (const JoinWait *wait)
{
  g_autoptr (GHashTable) inodes = bound_socket_inodes (wait);
  g_autofree char *fd_path = g_strdup_printf ("/proc/%s/fd", wait->pid);
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (g_hash_table_size (inodes) == 0)
    return FALSE;
  dir = g_dir_open (fd_path, 0, NULL);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link_path = g_build_filename (fd_path, name, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:[") && g_str_has_suffix (target, "]"))
        {
          g_autofree char *inode = g_strndup (target + 8, strlen (target) - 9);

          if (g_hash_table_contains (inodes, inode))
            return TRUE;
        }
    }

  return FALSE;
}

/* "2    eth0            ff0e0000000000000000000000000077     1 00000004 0" */
static guint
group6_users (const JoinWait *wait)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/net/igmp6", wait->pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint users = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint count = 0;
      char  hex[33];

      if (sscanf (lines[i], "%*u %*s %32s %u", hex, &count) == 2 &&
          g_ascii_strcasecmp (hex, wait->group_hex) == 0)
        users += count;
    }

  return users;
}

static guint
group_users (const JoinWait *wait)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint users = 0;

  if (wait->v6)
    return group6_users (wait);
  path = g_strdup_printf ("/proc/%s/net/igmp", wait->pid);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  /* Group lines are indented: "\t\t\t\t471D03E0     1 0:00000000\t\t0" */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint count = 0;
      char  hex[9];

      if (lines[i][0] == '\t' && sscanf (lines[i], " %8s %u", hex, &count) == 2 &&
          g_ascii_strcasecmp (hex, wait->group_hex) == 0)
        users += count;
    }

  return users;
}

static gboolean
check_joined (gpointer user_data)
{
  JoinWait *wait = user_data;

  if (wait->proc->exited)
    return TRUE;
  return owns_bound_socket (wait) && group_users (wait) >= wait->min_users;
}

gboolean
chorus_test_proc_wait_joined (ChorusTestProc *proc,
                              const char     *group,
                              guint           port,
                              guint           min_users,
                              guint           timeout_ms)
{
  JoinWait        wait = { proc, NULL, NULL, NULL, min_users, FALSE };
  struct in_addr  address;
  struct in6_addr address6;
  gboolean        joined;

  g_return_val_if_fail (proc != NULL, FALSE);
  g_return_val_if_fail (group != NULL, FALSE);

  if (proc->exited)
    return FALSE;
  if (inet_pton (AF_INET, group, &address) == 1)
    {
      /* /proc prints the address as the raw 32-bit word, in host order. */
      wait.group_hex = g_strdup_printf ("%08X", address.s_addr);
    }
  else if (inet_pton (AF_INET6, group, &address6) == 1)
    {
      /* and an IPv6 one as its 16 bytes, in order. */
      GString *hex = g_string_new (NULL);

      for (guint i = 0; i < 16; i++)
        g_string_append_printf (hex, "%02x", address6.s6_addr[i]);
      wait.group_hex = g_string_free (hex, FALSE);
      wait.v6 = TRUE;
    }
  else
    return FALSE;
  wait.port_hex = g_strdup_printf ("%04X", port);
  wait.pid = g_strdup (g_subprocess_get_identifier (proc->subprocess));
  joined = chorus_test_lan_spin_until (proc->lan, check_joined, &wait, timeout_ms) && !proc->exited;
  g_free (wait.group_hex);
  g_free (wait.port_hex);
  g_free (wait.pid);

  return joined;
}

/* Teardown */

static gboolean run_nft (ChorusTestLan  *lan,
                         guint           host,
                         const char     *script,
                         GError        **error);

static gboolean
check_all_exited (gpointer user_data)
{
  ChorusTestLan *lan = user_data;

  for (guint i = 0; i < lan->procs->len; i++)
    if (!((ChorusTestProc *) g_ptr_array_index (lan->procs, i))->exited)
      return FALSE;
  return TRUE;
}

static gboolean
check_none_pending (gpointer user_data)
{
  ChorusTestLan *lan = user_data;

  for (guint i = 0; i < lan->procs->len; i++)
    if (((ChorusTestProc *) g_ptr_array_index (lan->procs, i))->pending > 0)
      return FALSE;
  return TRUE;
}

static gboolean
check_ports_gone (gpointer user_data)
{
  return !have_interface_prefix ("vh");
}

static void
signal_all (ChorusTestLan *lan,
            int            signum)
{
  for (guint i = 0; i < lan->procs->len; i++)
    chorus_test_proc_send_signal (g_ptr_array_index (lan->procs, i), signum);
}

void
chorus_test_lan_free (ChorusTestLan *lan)
{
  g_autoptr (GString) batch = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  gboolean leaked = FALSE;

  if (lan == NULL)
    return;

  /* The relays go first: their ports go with the namespaces. */
  g_hash_table_remove_all (lan->delays);
  g_hash_table_unref (lan->delays);

  signal_all (lan, SIGTERM);
  if (!chorus_test_lan_spin_until (lan, check_all_exited, lan, TERM_GRACE_MS))
    {
      signal_all (lan, SIGKILL);
      if (!chorus_test_lan_spin_until (lan, check_all_exited, lan, KILL_GRACE_MS))
        g_printerr ("testlan: a spawned process outlived SIGKILL\n");
    }

  /* Pipes are at end of file once a process is gone, unless it passed
   * them on to a child of its own: cancel, and wait for the callbacks. */
  for (guint i = 0; i < lan->procs->len; i++)
    g_cancellable_cancel (((ChorusTestProc *) g_ptr_array_index (lan->procs, i))->cancellable);
  if (chorus_test_lan_spin_until (lan, check_none_pending, lan, KILL_GRACE_MS))
    {
      for (guint i = 0; i < lan->procs->len; i++)
        proc_free (g_ptr_array_index (lan->procs, i));
    }
  else
    leaked = TRUE;
  g_ptr_array_unref (lan->procs);

  /* The chains would go with their ports; the tables would stay. */
  if (g_hash_table_size (lan->impair_tables) > 0)
    {
      GHashTableIter iter;
      gpointer       table;

      g_hash_table_iter_init (&iter, lan->impair_tables);
      while (g_hash_table_iter_next (&iter, &table, NULL))
        g_string_append_printf (batch, "delete table netdev %s\n", (const char *) table);
      if (!run_nft (lan, 0, batch->str, &error))
        g_printerr ("testlan: teardown: %s\n", error->message);
      g_string_truncate (batch, 0);
      g_clear_error (&error);
    }

  /* Not tied to any port either. */
  if (lan->muted)
    {
      g_string_printf (batch, "delete table bridge %s\n", SWITCH_TABLE);
      if (!run_nft (lan, 0, batch->str, &error))
        g_printerr ("testlan: teardown: %s\n", error->message);
      g_string_truncate (batch, 0);
      g_clear_error (&error);
    }

  /* Deleting a name only unmounts it: the kernel destroys the namespace
   * when its last process is gone too, and with it eth0 and its vhI peer
   * (the router's eth0 and eth1 with vhr0 and vhr1). */
  for (guint i = 1; i < lan->netns->len; i++)
    g_string_append_printf (batch, "netns del %s\n",
                            (const char *) g_ptr_array_index (lan->netns, i));
  g_string_append (batch, "link del br0\n");
  if (lan->router != 0)
    g_string_append (batch, "link del br1\n");
  if (!run_ip_batch (NULL, batch->str, TRUE, &error))
    g_printerr ("testlan: teardown: %s\n", error->message);
  if (!chorus_test_lan_spin_until (lan, check_ports_gone, NULL, NETNS_GONE_MS))
    g_printerr ("testlan: teardown: host namespaces still alive after %d s\n",
                NETNS_GONE_MS / 1000);

  if (leaked)
    g_printerr ("testlan: teardown: pipes still busy, leaking their readers\n");
  else
    g_main_context_unref (lan->context);
  if (lan->router_dir != NULL)
    {
      /* smcrouted removes its socket and PID file as it stops; not when killed. */
      const char *const names[] = { "smcroute.conf", "smcroute.sock", "smcroute.pid" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (lan->router_dir, names[i], NULL);

          g_unlink (path);
        }
      if (g_rmdir (lan->router_dir) != 0)
        g_printerr ("testlan: teardown: %s: %s\n", lan->router_dir, g_strerror (errno));
      g_free (lan->router_dir);
    }
  g_ptr_array_unref (lan->addresses);
  g_ptr_array_unref (lan->addresses6);
  g_ptr_array_unref (lan->netns);
  g_ptr_array_unref (lan->ports);
  g_hash_table_unref (lan->impair_tables);
  g_free (lan);
  lan_exists = FALSE;
}

/* Impairment
 *
 * Where the rules live. Toward the host: the egress hook of its bridge
 * port vhI, in the test's own namespace; the bridge floods a multicast
 * frame to every port as a copy of its own, so a rule there touches that
 * host's copy only. From the host: the ingress hook of vhI for losses, so
 * that the sender never learns of them; duplicates are made on the
 * egress hook of the host's eth0, inside its namespace, because a copy
 * made on an ingress hook can only be sent back out, never received
 * twice. A dup re-enters the egress hook it was made on: the mark keeps
 * it from being duplicated again.
 *
 * numgen inc counts from 0 each time its rule runs, and the rule runs
 * only for what the matches before it let through: UDP/IPv4 first
 * fragments. "== n - 1" makes the nth of them the first one dropped. */

#define IMPAIR_MARK  "0x43686f72"
#define IMPAIR_MATCH "ip protocol udp ip frag-off & 0x1fff == 0"
#define IMPAIR_HOST_TABLE "chorus_impair_from"

/* Runs `nft -f -` with script on its stdin, in host's namespace, or in
 * the test's own for host 0. */
static gboolean
run_nft (ChorusTestLan  *lan,
         guint           host,
         const char     *script,
         GError        **error)
{
  const char *argv[] = { "nft", "-f", "-", NULL };
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr (GSubprocess) nft = NULL;
  g_autofree char *err = NULL;

  if (host == 0)
    nft = g_subprocess_newv (argv, flags, error);
  else
    nft = spawn_in_host (lan, host, flags, argv, error);
  if (nft == NULL)
    {
      g_prefix_error (error, "impairing a link needs nft (Debian package nftables): ");
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (nft, script, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (nft))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nft -f - failed: %s\n%s",
                   g_strstrip (err), script);
      return FALSE;
    }

  return TRUE;
}

static char *
impair_table (ChorusTestLan       *lan,
              guint                host,
              ChorusTestDirection  direction)
{
  return g_strdup_printf ("chorus_impair_%s_%s", chorus_test_lan_get_port (lan, host),
                          direction == CHORUS_TEST_TOWARD_HOST ? "toward" : "from");
}

/* "add" then "delete": removes a table whether or not it exists. */
static void
append_remove_table (GString    *script,
                     const char *table)
{
  g_string_append_printf (script, "add table netdev %s\ndelete table netdev %s\n", table, table);
}

/* Replaces host's impairment in direction by rule, placed on the hook
 * (ingress or egress) of the test's port for the host, or of the host's
 * eth0 when on_host; no rule removes it. Each script is one nft
 * transaction: the old rule and the new never both act. */
static gboolean
set_impairment (ChorusTestLan        *lan,
                guint                 host,
                ChorusTestDirection   direction,
                const char           *hook,
                gboolean              on_host,
                const char           *rule,
                GError              **error)
{
  g_autoptr (GString) script = g_string_new (NULL);
  g_autoptr (GString) host_script = g_string_new (NULL);
  g_autofree char *table = impair_table (lan, host, direction);

  /* Never on anything but the LAN's own ports and hosts. */
  g_assert (chorus_test_is_isolated ());

  append_remove_table (script, table);
  g_hash_table_remove (lan->impair_tables, table);
  if (direction == CHORUS_TEST_FROM_HOST)
    append_remove_table (host_script, IMPAIR_HOST_TABLE);

  if (rule != NULL)
    {
      GString *target = on_host ? host_script : script;

      g_string_append_printf (target,
                              "table netdev %s {\n"
                              "  chain impair {\n"
                              "    type filter hook %s device \"%s\" priority 0; policy accept;\n"
                              "    %s\n"
                              "  }\n"
                              "}\n",
                              on_host ? IMPAIR_HOST_TABLE : table, hook,
                              on_host ? "eth0" : chorus_test_lan_get_port (lan, host), rule);
    }

  if (host_script->len > 0 && !run_nft (lan, host, host_script->str, error))
    return FALSE;
  if (!run_nft (lan, 0, script->str, error))
    return FALSE;
  if (rule != NULL && !on_host)
    g_hash_table_add (lan->impair_tables, g_steal_pointer (&table));

  return TRUE;
}

gboolean
chorus_test_lan_drop_every (ChorusTestLan        *lan,
                            guint                 host,
                            ChorusTestDirection   direction,
                            guint                 n,
                            GError              **error)
{
  g_autofree char *rule = NULL;

  g_return_val_if_fail (lan != NULL, FALSE);
  g_return_val_if_fail (host >= 1 && host <= lan->n_hosts, FALSE);
  g_return_val_if_fail (direction == CHORUS_TEST_TOWARD_HOST || direction == CHORUS_TEST_FROM_HOST,
                        FALSE);
  g_return_val_if_fail (n >= 2, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  rule = g_strdup_printf (IMPAIR_MATCH " numgen inc mod %u == %u drop", n, n - 1);

  return set_impairment (lan, host, direction,
                         direction == CHORUS_TEST_TOWARD_HOST ? "egress" : "ingress", FALSE, rule,
                         error);
}

gboolean
chorus_test_lan_duplicate (ChorusTestLan        *lan,
                           guint                 host,
                           ChorusTestDirection   direction,
                           GError              **error)
{
  g_autofree char *rule = NULL;
  gboolean on_host = direction == CHORUS_TEST_FROM_HOST;

  g_return_val_if_fail (lan != NULL, FALSE);
  g_return_val_if_fail (host >= 1 && host <= lan->n_hosts, FALSE);
  g_return_val_if_fail (direction == CHORUS_TEST_TOWARD_HOST || direction == CHORUS_TEST_FROM_HOST,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  rule = g_strdup_printf ("ip protocol udp meta mark != " IMPAIR_MARK " meta mark set " IMPAIR_MARK
                          " dup to \"%s\"",
                          on_host ? "eth0" : chorus_test_lan_get_port (lan, host));

  return set_impairment (lan, host, direction, "egress", on_host, rule, error);
}

static void
kill_relay (gpointer data)
{
  GSubprocess *relay = data;

  g_subprocess_force_exit (relay);
  g_subprocess_wait (relay, NULL, NULL);
  g_object_unref (relay);
}

/* Puts host's bridge port back on the bridge, without the relay. */
static gboolean
clear_delay (ChorusTestLan  *lan,
             guint           host,
             GError        **error)
{
  g_autofree char *batch = NULL;
  gpointer relay;

  if (!g_hash_table_steal_extended (lan->delays, GUINT_TO_POINTER (host), NULL, &relay))
    return TRUE;

  kill_relay (relay);
  batch = g_strdup_printf ("link del dl%u\n"
                           "link set %s master %s\n",
                           host, chorus_test_lan_get_port (lan, host), host_bridge (lan, host));

  return run_ip_batch (NULL, batch, FALSE, error);
}

gboolean
chorus_test_lan_delay (ChorusTestLan  *lan,
                       guint           host,
                       guint           toward_msec,
                       guint           from_msec,
                       GError        **error)
{
  const char *relay_path = g_getenv ("CHORUS_DELAY_RELAY");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) relay = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *toward = g_strdup_printf ("%u", toward_msec);
  g_autofree char *from = g_strdup_printf ("%u", from_msec);
  g_autofree char *bridge_side = g_strdup_printf ("dl%u", host);
  g_autofree char *line = NULL;
  const char *port;

  g_return_val_if_fail (lan != NULL, FALSE);
  g_return_val_if_fail (host >= 1 && host <= lan->n_hosts, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_assert_true (chorus_test_is_isolated ());

  if (relay_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "CHORUS_DELAY_RELAY does not name the delay relay");
      return FALSE;
    }

  if (!clear_delay (lan, host, error))
    return FALSE;

  /* host's port leaves the bridge; a new veth pair takes its place, and
   * the relay carries frames between the two. */
  port = chorus_test_lan_get_port (lan, host);
  batch = g_strdup_printf ("link set %s nomaster\n"
                           "link add dl%u type veth peer name db%u\n"
                           "link set dl%u addrgenmode none up\n"
                           "link set db%u addrgenmode none master %s up\n",
                           port, host, host, host, host, host_bridge (lan, host));
  if (!run_ip_batch (NULL, batch, FALSE, error))
    return FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  relay = g_subprocess_launcher_spawn (launcher, error, relay_path, bridge_side, port, toward,
                                       from, NULL);
  if (relay != NULL)
    {
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
      line = g_data_input_stream_read_line (out, NULL, NULL, error);
    }

  if (g_strcmp0 (line, "ready") != 0)
    {
      g_autofree char *undo = g_strdup_printf ("link del dl%u\nlink set %s master %s\n", host,
                                               port, host_bridge (lan, host));

      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "the delay relay did not start");
      if (relay != NULL)
        kill_relay (g_steal_pointer (&relay));
      run_ip_batch (NULL, undo, FALSE, NULL);
      return FALSE;
    }

  g_hash_table_insert (lan->delays, GUINT_TO_POINTER (host), g_steal_pointer (&relay));

  return TRUE;
}

gboolean
chorus_test_lan_clear_impairment (ChorusTestLan  *lan,
                                  guint           host,
                                  GError        **error)
{
  g_return_val_if_fail (lan != NULL, FALSE);
  g_return_val_if_fail (host >= 1 && host <= lan->n_hosts, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_impairment (lan, host, CHORUS_TEST_TOWARD_HOST, NULL, FALSE, NULL, error) &&
         set_impairment (lan, host, CHORUS_TEST_FROM_HOST, NULL, FALSE, NULL, error) &&
         clear_delay (lan, host, error);
}

/* Capture */

static ChorusTestCapture *
capture_new (ChorusTestLan  *lan,
             guint           host,
             gboolean        toward,
             GError        **error)
{
  g_autoptr (ChorusTestCapture) capture = NULL;
  struct sockaddr_ll sll = { 0 };
  int                buffer = 8 * 1024 * 1024;
  unsigned int       ifindex;

  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (valid_host (lan, host), NULL);

  capture = g_new0 (ChorusTestCapture, 1);
  capture->toward = toward;
  capture->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  inet_pton (AF_INET, chorus_test_lan_get_address (lan, host), &capture->source);

  /* ETH_P_ALL: a bridge port's rx_handler consumes what it receives
   * before per-protocol taps would see it; only "all" taps come first. */
  capture->fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons (ETH_P_ALL));
  ifindex = if_nametoindex (chorus_test_lan_get_port (lan, host));
  if (capture->fd < 0 || ifindex == 0)
    goto failed;
  setsockopt (capture->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons (ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (bind (capture->fd, (struct sockaddr *) &sll, sizeof sll) != 0)
    goto failed;

  return g_steal_pointer (&capture);

failed:
  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "capturing on %s: %s",
                 chorus_test_lan_get_port (lan, host), g_strerror (saved_errno));
    return NULL;
  }
}

ChorusTestCapture *
chorus_test_capture_new (ChorusTestLan  *lan,
                         guint           host,
                         GError        **error)
{
  return capture_new (lan, host, FALSE, error);
}

ChorusTestCapture *
chorus_test_capture_new_toward (ChorusTestLan  *lan,
                                guint           host,
                                GError        **error)
{
  return capture_new (lan, host, TRUE, error);
}

/* The UDP payload of a frame the bridge sends out of a port, IPv4 or
 * IPv6 (UDP right after the fixed header), as a new GBytes; NULL for
 * anything else. */
static GBytes *
udp_toward (const guint8 *packet,
            gsize         len,
            guint16       protocol)
{
  const struct udphdr *udp;
  gsize                header;

  if (protocol == htons (ETH_P_IP))
    {
      const struct iphdr *ip = (const struct iphdr *) packet;

      if (len < sizeof *ip || ip->version != 4 || ip->protocol != IPPROTO_UDP ||
          (ntohs (ip->frag_off) & 0x1fff) != 0)
        return NULL;
      header = ip->ihl * 4;
    }
  else if (protocol == htons (ETH_P_IPV6))
    {
      /* The version nibble, then the next header at offset 6. */
      if (len < 40 || packet[0] >> 4 != 6 || packet[6] != IPPROTO_UDP)
        return NULL;
      header = 40;
    }
  else
    return NULL;

  if (len < header + sizeof *udp)
    return NULL;
  udp = (const struct udphdr *) (packet + header);
  if (ntohs (udp->len) < sizeof *udp)
    return NULL;

  return g_bytes_new (packet + header + sizeof *udp,
                      MIN ((gsize) ntohs (udp->len), len - header) - sizeof *udp);
}

guint
chorus_test_capture_poll (ChorusTestCapture *capture)
{
  static guint8 packet[65536];

  g_return_val_if_fail (capture != NULL, 0);

  for (;;)
    {
      struct sockaddr_ll   from;
      socklen_t            from_len = sizeof from;
      const struct iphdr  *ip = (const struct iphdr *) packet;
      const struct udphdr *udp;
      ssize_t              len;
      gsize                header;
      gsize                payload;

      len = recvfrom (capture->fd, packet, sizeof packet, 0, (struct sockaddr *) &from, &from_len);
      if (len < 0)
        break;

      if (capture->toward)
        {
          GBytes *bytes;

          if (from.sll_pkttype == PACKET_OUTGOING &&
              (bytes = udp_toward (packet, len, from.sll_protocol)) != NULL)
            g_ptr_array_add (capture->payloads, bytes);
          continue;
        }

      /* Only what the host sent, not what the bridge sends it. */
      if (from.sll_pkttype == PACKET_OUTGOING || from.sll_protocol != htons (ETH_P_IP))
        continue;
      if (len < (ssize_t) sizeof *ip || ip->version != 4 || ip->protocol != IPPROTO_UDP ||
          ip->saddr != capture->source.s_addr)
        continue;
      /* A fragmented datagram counts once, by its first fragment. */
      if ((ntohs (ip->frag_off) & 0x1fff) != 0)
        continue;
      header = ip->ihl * 4;
      if ((gsize) len < header + sizeof *udp)
        continue;
      udp = (const struct udphdr *) (packet + header);
      payload = MIN ((gsize) ntohs (udp->len), (gsize) len - header) - sizeof *udp;
      g_ptr_array_add (capture->payloads, g_bytes_new (packet + header + sizeof *udp, payload));
    }

  return capture->payloads->len;
}

GPtrArray *
chorus_test_capture_get_payloads (ChorusTestCapture *capture)
{
  g_return_val_if_fail (capture != NULL, NULL);

  return capture->payloads;
}

void
chorus_test_capture_free (ChorusTestCapture *capture)
{
  if (capture == NULL)
    return;

  if (capture->fd >= 0)
    close (capture->fd);
  g_ptr_array_unref (capture->payloads);
  g_free (capture);
}

/* Injection */

struct _ChorusTestInjector
{
  int fd;
  int ifindex;
};

ChorusTestInjector *
chorus_test_injector_new (ChorusTestLan  *lan,
                          GError        **error)
{
  g_autoptr (ChorusTestInjector) injector = g_new0 (ChorusTestInjector, 1);
  int buffer = 8 * 1024 * 1024;

  g_return_val_if_fail (lan != NULL, NULL);
  /* Only ever on the private bridge. */
  g_return_val_if_fail (chorus_test_is_isolated (), NULL);

  injector->fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons (ETH_P_IP));
  injector->ifindex = (int) if_nametoindex ("br0");
  if (injector->fd < 0 || injector->ifindex == 0)
    {
      int saved_errno = injector->fd < 0 ? errno : ENODEV;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "injecting on br0: %s", g_strerror (saved_errno));
      return NULL;
    }
  setsockopt (injector->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);

  return g_steal_pointer (&injector);
}

static guint16
ip_checksum (const void *data,
             gsize       size)
{
  const guint8 *bytes = data;
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < size; i += 2)
    sum += (guint32) (bytes[i] << 8 | bytes[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return htons ((guint16) ~sum);
}

gboolean
chorus_test_inject_udp (ChorusTestInjector  *injector,
                        const char          *source,
                        guint16              source_port,
                        const char          *destination,
                        guint16              destination_port,
                        const void          *payload,
                        gsize                size,
                        GError             **error)
{
  g_autofree guint8 *packet = NULL;
  struct iphdr *ip;
  struct udphdr *udp;
  struct sockaddr_ll to = { 0 };
  struct in_addr saddr, daddr;
  gsize total = sizeof *ip + sizeof *udp + size;
  guint8 *dst;

  g_return_val_if_fail (injector != NULL, FALSE);
  g_return_val_if_fail (total <= 1500, FALSE);

  if (inet_pton (AF_INET, source, &saddr) != 1 || inet_pton (AF_INET, destination, &daddr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not IPv4: %s or %s", source,
                   destination);
      return FALSE;
    }

  packet = g_malloc0 (total);
  ip = (struct iphdr *) (void *) packet;
  udp = (struct udphdr *) (void *) (packet + sizeof *ip);
  ip->version = 4;
  ip->ihl = sizeof *ip / 4;
  ip->tot_len = htons ((guint16) total);
  ip->id = htons ((guint16) g_random_int ());
  ip->ttl = 1;
  ip->protocol = IPPROTO_UDP;
  ip->saddr = saddr.s_addr;
  ip->daddr = daddr.s_addr;
  ip->check = ip_checksum (ip, sizeof *ip);
  udp->source = htons (source_port);
  udp->dest = htons (destination_port);
  udp->len = htons ((guint16) (sizeof *udp + size));
  /* 0: no checksum, which IPv4 allows. */
  udp->check = 0;
  if (size > 0)
    memcpy (packet + sizeof *ip + sizeof *udp, payload, size);

  to.sll_family = AF_PACKET;
  to.sll_protocol = htons (ETH_P_IP);
  to.sll_ifindex = injector->ifindex;
  to.sll_halen = ETH_ALEN;
  dst = to.sll_addr;
  if (IN_MULTICAST (ntohl (daddr.s_addr)))
    {
      const guint8 *d = (const guint8 *) &daddr.s_addr;

      dst[0] = 0x01, dst[1] = 0x00, dst[2] = 0x5e;
      dst[3] = d[1] & 0x7f, dst[4] = d[2], dst[5] = d[3];
    }
  else
    memset (dst, 0xff, ETH_ALEN);

  if (sendto (injector->fd, packet, total, 0, (struct sockaddr *) &to, sizeof to) != (gssize) total)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "injecting: %s",
                   g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

void
chorus_test_injector_free (ChorusTestInjector *injector)
{
  if (injector == NULL)
    return;

  if (injector->fd >= 0)
    close (injector->fd);
  g_free (injector);
}

/* Switch
 *
 * Snooping is set on the bridges after everything else is built, so
 * that the flooding LAN is made exactly as it always was. Two Linux
 * bridge quirks shape the order of the commands:
 *  - a bridge that becomes querier floods every group for a while
 *    first (as long as its query response interval was when it became
 *    querier: the default 10 s, when set in the same command as the
 *    timers), so the querier comes last, then we wait that long;
 *  - it sends MLD queries only from a link-local address that is not
 *    tentative, hence fe80::fe without DAD, in place beforehand;
 *  - it sends IGMP queries from 0.0.0.0 unless mcast_query_use_ifaddr
 *    is set: with it, br0's come from CHORUS_TEST_LAN_SELF (br1, which
 *    has no IPv4 address, still queries from 0.0.0.0). */

static gboolean
switch_error (GError     **error,
              const char  *format,
              ...) G_GNUC_PRINTF (2, 3);

static gboolean
switch_error (GError     **error,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list          args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "ChorusTestSwitch: %s", message);

  return FALSE;
}

/* Fills in the defaults of sw and checks what the bridge would refuse
 * or quietly change. */
static gboolean
complete_switch (ChorusTestSwitch  *sw,
                 GError           **error)
{
  const struct
  {
    const char *name;
    guint      *ms;
    guint       fallback;
    guint       minimum;
  } timers[] = {
    { "query_interval_ms", &sw->query_interval_ms, 1000, 1000 },
    { "query_response_interval_ms", &sw->query_response_interval_ms, 500, 10 },
    { "membership_interval_ms", &sw->membership_interval_ms, 3000, 10 },
    { "last_member_interval_ms", &sw->last_member_interval_ms, 200, 10 },
    { "querier_interval_ms", &sw->querier_interval_ms, 2500, 10 },
    { "startup_query_interval_ms", &sw->startup_query_interval_ms, 1000, 1000 },
  };

  if (sw->mode == CHORUS_TEST_SWITCH_FLOOD)
    return TRUE;
  if (sw->mode != CHORUS_TEST_SWITCH_SNOOP_QUERIER && sw->mode != CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER)
    return switch_error (error, "mode %d is none of CHORUS_TEST_SWITCH_*", sw->mode);

  if (sw->igmp_version == 0)
    sw->igmp_version = 2;
  if (sw->mld_version == 0)
    sw->mld_version = 1;
  if (sw->igmp_version != 2 && sw->igmp_version != 3)
    return switch_error (error, "igmp_version %u: the bridge queries in IGMPv2 or IGMPv3",
                         sw->igmp_version);
  if (sw->mld_version != 1 && sw->mld_version != 2)
    return switch_error (error, "mld_version %u: the bridge queries in MLDv1 or MLDv2",
                         sw->mld_version);

  for (guint i = 0; i < G_N_ELEMENTS (timers); i++)
    {
      if (*timers[i].ms == 0)
        *timers[i].ms = timers[i].fallback;
      if (*timers[i].ms % 10 != 0)
        return switch_error (error, "%s %u is not a multiple of 10: the bridge counts centiseconds",
                             timers[i].name, *timers[i].ms);
      if (*timers[i].ms < timers[i].minimum)
        return switch_error (error, "%s %u is below %u, which the kernel would use instead",
                             timers[i].name, *timers[i].ms, timers[i].minimum);
    }
  if (sw->query_response_interval_ms >= sw->query_interval_ms)
    return switch_error (error, "query_response_interval_ms %u must be below query_interval_ms %u",
                         sw->query_response_interval_ms, sw->query_interval_ms);

  return TRUE;
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

static gboolean
configure_switch (ChorusTestLan  *lan,
                  GError        **error)
{
  const ChorusTestSwitch *sw = &lan->sw;
  guint                   n_bridges = lan->router != 0 ? 2 : 1;
  g_autoptr (GString) batch = g_string_new (NULL);

  if (sw->mode == CHORUS_TEST_SWITCH_FLOOD)
    return TRUE;

  /* Never on anything but the LAN's own bridges. */
  g_assert (chorus_test_is_isolated ());

  /* A routed LAN's hosts have their addresses already. */
  if (lan->router == 0)
    for (guint i = 1; i <= lan->n_hosts; i++)
      {
        g_free (g_ptr_array_index (lan->addresses6, i));
        g_ptr_array_index (lan->addresses6, i) = g_strdup_printf ("fd77::%u", i);
        g_string_printf (batch,
                         "addr add fd77::%u/64 dev eth0 nodad\n"
                         "addr add fe80::%u/64 dev eth0 nodad\n",
                         i, i);
        if (!run_ip_batch (chorus_test_lan_get_netns (lan, i), batch->str, FALSE, error))
          return FALSE;
      }

  if (sw->mode == CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER)
    {
      /* The bridge's own queries, and only those, pass the output hook
       * of family bridge; what hosts send one another is forwarded. */
      g_string_printf (batch,
                       "table bridge %s {\n"
                       "  chain mute {\n"
                       "    type filter hook output priority 0; policy accept;\n"
                       "    igmp type membership-query drop\n"
                       "    icmpv6 type mld-listener-query drop\n"
                       "  }\n"
                       "}\n",
                       SWITCH_TABLE);
      if (!run_nft (lan, 0, batch->str, error))
        return FALSE;
      lan->muted = TRUE;
    }

  g_string_printf (batch, "addr add %s/64 dev br0 nodad\n", CHORUS_TEST_LAN_SELF6);
  for (guint b = 0; b < n_bridges; b++)
    g_string_append_printf (batch,
                            "addr add fe80::fe/64 dev %s nodad\n"
                            "link set %s type bridge mcast_snooping 1"
                            " mcast_igmp_version %u mcast_mld_version %u"
                            " mcast_query_interval %u mcast_query_response_interval %u"
                            " mcast_membership_interval %u mcast_last_member_interval %u"
                            " mcast_querier_interval %u mcast_startup_query_interval %u\n",
                            router_legs[b].bridge, router_legs[b].bridge, sw->igmp_version,
                            sw->mld_version, sw->query_interval_ms / 10,
                            sw->query_response_interval_ms / 10, sw->membership_interval_ms / 10,
                            sw->last_member_interval_ms / 10, sw->querier_interval_ms / 10,
                            sw->startup_query_interval_ms / 10);
  /* Every group to the router, member or not. */
  if (lan->router != 0)
    for (guint leg = 0; leg < G_N_ELEMENTS (router_legs); leg++)
      g_string_append_printf (batch, "link set %s type bridge_slave mcast_router 2\n",
                              router_legs[leg].port);
  for (guint b = 0; b < n_bridges; b++)
    g_string_append_printf (batch,
                            "link set %s type bridge mcast_query_use_ifaddr 1 mcast_querier 1\n",
                            router_legs[b].bridge);
  if (!run_ip_batch (NULL, batch->str, FALSE, error))
    return FALSE;

  chorus_test_lan_spin_until (lan, never, NULL, sw->query_response_interval_ms + 100);

  return TRUE;
}

const ChorusTestSwitch *
chorus_test_lan_get_switch (ChorusTestLan *lan)
{
  g_return_val_if_fail (lan != NULL, NULL);

  return &lan->sw;
}

static gint
compare_hosts (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

GArray *
chorus_test_lan_get_members (ChorusTestLan  *lan,
                             const char     *group,
                             GError        **error)
{
  const char *const argv[] = { "bridge", "-j", "mdb", "show", NULL };
  g_autoptr (GInetAddress) wanted = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GArray) hosts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonNode        *root;
  int              status;

  g_return_val_if_fail (lan != NULL, NULL);
  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  wanted = g_inet_address_new_from_string (group);
  if (wanted == NULL || !g_inet_address_get_is_multicast (wanted))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s is not a multicast address", group);
      return NULL;
    }

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, error))
    return NULL;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "bridge -j mdb show failed (%s): ", g_strstrip (err));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, out, -1, error))
    {
      g_prefix_error (error, "bridge -j mdb show: ");
      return NULL;
    }

  /* [{"mdb": [{"port": "vh1", "grp": "239.1.1.1", …}, …], "router": …}, …] */
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *bridges = json_node_get_array (root);

      for (guint b = 0; b < json_array_get_length (bridges); b++)
        {
          JsonObject *bridge = json_array_get_object_element (bridges, b);
          JsonArray  *mdb;

          if (bridge == NULL || !json_object_has_member (bridge, "mdb"))
            continue;
          mdb = json_object_get_array_member (bridge, "mdb");
          for (guint e = 0; mdb != NULL && e < json_array_get_length (mdb); e++)
            {
              JsonObject *entry = json_array_get_object_element (mdb, e);
              g_autoptr (GInetAddress) address = NULL;
              const char *port;
              const char *grp;

              if (entry == NULL)
                continue;
              port = json_object_get_string_member_with_default (entry, "port", NULL);
              grp = json_object_get_string_member_with_default (entry, "grp", NULL);
              if (port == NULL || grp == NULL ||
                  (address = g_inet_address_new_from_string (grp)) == NULL ||
                  !g_inet_address_equal (address, wanted))
                continue;
              /* Ports of hosts only: "br0" is the test process itself. */
              for (guint host = 1; host < lan->ports->len; host++)
                if (g_strcmp0 (g_ptr_array_index (lan->ports, host), port) == 0)
                  {
                    g_array_append_val (hosts, host);
                    break;
                  }
            }
        }
    }
  g_array_sort (hosts, compare_hosts);

  return g_steal_pointer (&hosts);
}
