/* test-lan.c: self-tests of the namespace LAN harness
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testlan.h"

#define TMPFS_MAGIC_NUMBER 0x01021994

static const char *
python (void)
{
  const char *path = g_getenv ("CHORUS_PYTHON");

  return path != NULL ? path : "/usr/bin/python3";
}

static char *
article (const char *name)
{
  const char *dir = g_getenv ("CHORUS_ARTICLE_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static GPtrArray *
interface_names (void)
{
  struct if_nameindex *names = if_nameindex ();
  GPtrArray           *result = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (names);
  for (struct if_nameindex *n = names; n->if_index != 0; n++)
    g_ptr_array_add (result, g_strdup (n->if_name));
  if_freenameindex (names);

  return result;
}

static guint
count_netns_names (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/run/netns", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static gboolean
str_array_contains (GPtrArray  *array,
                    const char *s)
{
  return g_ptr_array_find_with_equal_func (array, s, g_str_equal, NULL);
}

#define SKIP_UNLESS_ISOLATED()                                                                     \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (!chorus_test_is_isolated ())                                                               \
      {                                                                                            \
        g_test_skip ("needs private network namespaces (run as root)");                            \
        return;                                                                                    \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

static void
test_isolation (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  struct statfs fs;

  SKIP_UNLESS_ISOLATED ();

  /* Nothing but our own loopback is reachable. */
  names = interface_names ();
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "lo");
  g_clear_pointer (&names, g_ptr_array_unref);

  /* Namespace names live on a private tmpfs, empty at the start. */
  g_assert_cmpint (statfs ("/run/netns", &fs), ==, 0);
  g_assert_cmphex (fs.f_type, ==, TMPFS_MAGIC_NUMBER);
  g_assert_cmpuint (count_netns_names (), ==, 0);

  lan = chorus_test_lan_new (3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chorus_test_lan_get_n_hosts (lan), ==, 3);
  g_assert_cmpstr (chorus_test_lan_get_address (lan, 2), ==, "10.77.0.2");
  g_assert_cmpstr (chorus_test_lan_get_netns (lan, 3), ==, "chorus-h3");
  g_assert_cmpuint (count_netns_names (), ==, 3);

  names = interface_names ();
  g_assert_cmpuint (names->len, ==, 5);
  for (guint i = 0; i < names->len; i++)
    g_test_message ("interface %s", (const char *) g_ptr_array_index (names, i));
  g_assert_true (str_array_contains (names, "lo"));
  g_assert_true (str_array_contains (names, "br0"));
  g_assert_true (str_array_contains (names, "vh1"));
  g_assert_true (str_array_contains (names, "vh2"));
  g_assert_true (str_array_contains (names, "vh3"));
}

/* A host sees lo and eth0 only, with its address; `ip` runs there. */
static void
test_host_view (void)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  const char     *argv[] = { "ip", "-o", "-4", "addr", "show", NULL };
  const char     *link_argv[] = { "ip", "-o", "link", "show", NULL };
  ChorusTestProc *proc;
  GPtrArray      *lines;

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new (2, &error);
  g_assert_no_error (error);

  proc = chorus_test_lan_spawn (lan, 2, argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_exit (proc, 5000));
  g_assert_cmpint (chorus_test_proc_get_status (proc), ==, 0);
  lines = chorus_test_proc_get_stdout (proc);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 0), "lo"));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 1), "eth0"));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 1), "10.77.0.2/16"));

  proc = chorus_test_lan_spawn (lan, 2, link_argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_exit (proc, 5000));
  g_assert_cmpuint (chorus_test_proc_get_stdout (proc)->len, ==, 2);
}

static const char echo_server[] = "import socket, sys\n"
                                  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                  "s.bind(('', 7777))\n"
                                  "print('ready', flush=True)\n"
                                  "data, peer = s.recvfrom(100)\n"
                                  "s.sendto(data, peer)\n"
                                  "print('echoed', peer[0], flush=True)\n";

static const char echo_client[] = "import socket, sys\n"
                                  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                  "s.settimeout(5)\n"
                                  "s.sendto(b'ping', (sys.argv[1], int(sys.argv[2])))\n"
                                  "data, peer = s.recvfrom(100)\n"
                                  "print(data.decode(), peer[0], flush=True)\n";

/* Unicast from host to host across the bridge, and from a host to the
 * test process itself. */
static void
test_unicast (void)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) self = NULL;
  g_autoptr (GSocketAddress) self_address = NULL;
  g_autoptr (GInetAddress) any = NULL;
  const char *server_argv[] = { python (), "-c", echo_server, NULL };
  const char *client_argv[] = { python (), "-c", echo_client, "10.77.0.2", "7777", NULL };
  const char *self_argv[] = { python (), "-c", echo_client, CHORUS_TEST_LAN_SELF, "7778", NULL };
  ChorusTestProc *server, *client, *to_self;
  GPtrArray      *lines;
  char            buffer[16];
  gssize          n = -1;
  gint64          deadline;

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new (3, &error);
  g_assert_no_error (error);

  server = chorus_test_lan_spawn (lan, 2, server_argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chorus_test_proc_wait_line (server, FALSE, "ready", NULL, 5000));
  client = chorus_test_lan_spawn (lan, 1, client_argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_exit (client, 10000));
  g_assert_cmpint (chorus_test_proc_get_status (client), ==, 0);
  lines = chorus_test_proc_get_stdout (client);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "ping 10.77.0.2");
  g_assert_nonnull (chorus_test_proc_wait_line (server, FALSE, "echoed 10.77.0.1", NULL, 5000));

  /* The test process answers host 3 by hand. */
  self = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  self_address = g_inet_socket_address_new (any, 7778);
  g_socket_bind (self, self_address, FALSE, &error);
  g_assert_no_error (error);
  to_self = chorus_test_lan_spawn (lan, 3, self_argv, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (n < 0 && g_get_monotonic_time () < deadline)
    {
      g_autoptr (GSocketAddress) peer = NULL;
      g_autoptr (GError) local_error = NULL;

      g_socket_set_timeout (self, 1);
      n = g_socket_receive_from (self, &peer, buffer, sizeof buffer, NULL, &local_error);
      if (n >= 0)
        {
          g_autofree char *peer_ip = g_inet_address_to_string (
            g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));

          g_assert_cmpstr (peer_ip, ==, "10.77.0.3");
          g_socket_send_to (self, peer, buffer, n, NULL, &error);
          g_assert_no_error (error);
        }
    }
  g_assert_cmpint (n, ==, 4);
  g_assert_true (chorus_test_proc_wait_exit (to_self, 10000));
  g_assert_cmpint (chorus_test_proc_get_status (to_self), ==, 0);
  g_assert_cmpstr (g_ptr_array_index (chorus_test_proc_get_stdout (to_self), 0), ==,
                   "ping " CHORUS_TEST_LAN_SELF);
}

/* The article's own programs work across the LAN: the harness carries
 * multicast whatever chorus-cli does. */
static void
test_multicast (void)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *receiver = article ("multicast_receiver.py");
  g_autofree char *sender = article ("multicast_sender.py");
  const char      *receiver_argv[] = { python (), receiver, NULL };
  const char      *sender_argv[] = { python (), sender, NULL };
  ChorusTestProc  *r2, *r3, *s1;
  g_autofree char *sender_log = NULL;

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new (3, &error);
  g_assert_no_error (error);

  r2 = chorus_test_lan_spawn (lan, 2, receiver_argv, &error);
  g_assert_no_error (error);
  r3 = chorus_test_lan_spawn (lan, 3, receiver_argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_joined (r2, "224.3.29.71", 10000, 1, 5000));
  g_assert_true (chorus_test_proc_wait_joined (r3, "224.3.29.71", 10000, 1, 5000));

  s1 = chorus_test_lan_spawn (lan, 1, sender_argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_exit (s1, 10000));
  g_assert_cmpint (chorus_test_proc_get_status (s1), ==, 0);
  sender_log = chorus_test_proc_dup_stderr_text (s1);
  g_test_message ("%s", sender_log);
  g_assert_nonnull (strstr (sender_log, "received \"ack\" from ('10.77.0.2', 10000)"));
  g_assert_nonnull (strstr (sender_log, "received \"ack\" from ('10.77.0.3', 10000)"));
  g_assert_nonnull (
    chorus_test_proc_wait_line (r2, TRUE, "received 19 bytes from ('10.77.0.1', ", NULL, 5000));
  g_assert_nonnull (
    chorus_test_proc_wait_line (r3, TRUE, "received 19 bytes from ('10.77.0.1', ", NULL, 5000));
}

static void
test_teardown (void)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GArray) pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  const char *argv[] = { "sleep", "1000", NULL };
  /* Ignores SIGTERM: the teardown must fall back to SIGKILL. */
  const char *stubborn_argv[] = { "sh", "-c", "trap '' TERM; while :; do sleep 1; done", NULL };
  g_autoptr (GSubprocess) raw = NULL;

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new (5, &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= 5; i++)
    {
      ChorusTestProc *proc = chorus_test_lan_spawn (lan, i, i == 5 ? stubborn_argv : argv, &error);
      pid_t           pid;

      g_assert_no_error (error);
      pid = atoi (g_subprocess_get_identifier (chorus_test_proc_get_subprocess (proc)));
      g_array_append_val (pids, pid);
    }
  raw = chorus_test_lan_spawnv (lan, 3, G_SUBPROCESS_FLAGS_NONE, argv, &error);
  g_assert_no_error (error);

  g_clear_pointer (&lan, chorus_test_lan_free);

  for (guint i = 0; i < pids->len; i++)
    g_assert_cmpint (kill (g_array_index (pids, pid_t, i), 0), ==, -1);
  g_assert_false (g_subprocess_get_successful (raw));
  g_assert_null (g_subprocess_get_identifier (raw));
  g_assert_cmpuint (count_netns_names (), ==, 0);
  names = interface_names ();
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "lo");
}

/* When a test dies without teardown, what it spawned dies with it. */
static void
test_teardown_on_abort (void)
{
  g_autofree char *pid_file = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  pid_t  pid;
  gint64 deadline;

  SKIP_UNLESS_ISOLATED ();

  pid_file = g_strdup_printf ("%s/chorus-test-lan-%d.pid", g_get_tmp_dir (),
                              g_test_subprocess () ? (int) getppid () : (int) getpid ());
  if (g_test_subprocess ())
    {
      /* A fresh test process: it made its own namespaces in main(). */
      g_autoptr (ChorusTestLan) lan = chorus_test_lan_new (2, &error);
      const char     *argv[] = { "sleep", "1000", NULL };
      ChorusTestProc *proc;

      g_assert_no_error (error);
      proc = chorus_test_lan_spawn (lan, 2, argv, &error);
      g_assert_no_error (error);
      g_file_set_contents (
        pid_file, g_subprocess_get_identifier (chorus_test_proc_get_subprocess (proc)), -1, &error);
      g_assert_no_error (error);
      abort ();
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_file_get_contents (pid_file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_unlink (pid_file);
  pid = atoi (contents);
  g_assert_cmpint (pid, >, 1);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (kill (pid, 0) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lan/isolation", test_isolation);
  g_test_add_func ("/lan/host-view", test_host_view);
  g_test_add_func ("/lan/unicast", test_unicast);
  g_test_add_func ("/lan/multicast", test_multicast);
  g_test_add_func ("/lan/teardown", test_teardown);
  g_test_add_func ("/lan/teardown-on-abort", test_teardown_on_abort);

  return g_test_run ();
}
