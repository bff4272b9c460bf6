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

/* Routed LAN */

/* Joins GROUP on PORT (IPv4 or IPv6 by its form), says "ready", then
 * prints each datagram as "TEXT SOURCE TTL", with the TTL or hop limit
 * it arrived with. */
static const char routed_receiver[] =
  "import socket, struct, sys\n"
  "group, port = sys.argv[1], int(sys.argv[2])\n"
  "if ':' in group:\n"
  "    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
  "    level, option = socket.IPPROTO_IPV6, 52  # IPV6_HOPLIMIT\n"
  "    s.setsockopt(level, 51, 1)  # IPV6_RECVHOPLIMIT\n"
  "    s.bind(('', port))\n"
  "    s.setsockopt(level, socket.IPV6_JOIN_GROUP,\n"
  "                 socket.inet_pton(socket.AF_INET6, group) + struct.pack('@I', 0))\n"
  "else:\n"
  "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "    level, option = socket.IPPROTO_IP, 2  # IP_TTL\n"
  "    s.setsockopt(level, 12, 1)  # IP_RECVTTL\n"
  "    s.bind(('', port))\n"
  "    s.setsockopt(level, socket.IP_ADD_MEMBERSHIP,\n"
  "                 socket.inet_aton(group) + socket.inet_aton('0.0.0.0'))\n"
  "print('ready', flush=True)\n"
  "while True:\n"
  "    data, ancillary, flags, peer = s.recvmsg(65535, 64)\n"
  "    ttl = [struct.unpack('@i', d[:4])[0]\n"
  "           for l, o, d in ancillary if (l, o) == (level, option)]\n"
  "    print(data.decode(), peer[0], ttl[0], flush=True)\n";

/* Sends to GROUP PORT each TTL:TEXT that follows, in order. */
static const char routed_sender[] =
  "import socket, sys\n"
  "group, port = sys.argv[1], int(sys.argv[2])\n"
  "v6 = ':' in group\n"
  "s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)\n"
  "for arg in sys.argv[3:]:\n"
  "    ttl, text = arg.split(':', 1)\n"
  "    if v6:\n"
  "        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, int(ttl))\n"
  "    else:\n"
  "        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, int(ttl))\n"
  "    s.sendto(text.encode(), (group, port))\n";

/* Echoes one datagram on port 7777 (IPv4 or IPv6 as argv[1] says), then
 * prints where it came from. */
static const char routed_echo_server[] =
  "import socket, sys\n"
  "s = socket.socket(socket.AF_INET6 if sys.argv[1] == '6' else socket.AF_INET,\n"
  "                  socket.SOCK_DGRAM)\n"
  "s.bind(('', 7777))\n"
  "print('ready', flush=True)\n"
  "data, peer = s.recvfrom(100)\n"
  "s.sendto(data, peer)\n"
  "print('echoed', peer[0], flush=True)\n";

static const char routed_echo_client[] =
  "import socket, sys\n"
  "s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET,\n"
  "                  socket.SOCK_DGRAM)\n"
  "s.settimeout(5)\n"
  "s.sendto(b'ping', (sys.argv[1], 7777))\n"
  "data, peer = s.recvfrom(100)\n"
  "print(data.decode(), peer[0], flush=True)\n";

/* Two hosts a side, the router after them: what is where. */
static void
test_routed_layout (void)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const char *const expected[] = { "lo", "br0", "br1", "vh1", "vh2", "vh3", "vh4", "vhr0", "vhr1" };
  const char     *addr_argv[] = { "ip", "-o", "addr", "show", "scope", "global", NULL };
  ChorusTestProc *proc;
  GPtrArray      *lines;

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new_routed (2, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chorus_test_lan_get_n_hosts (lan), ==, 4);
  g_assert_cmpuint (chorus_test_lan_get_router (lan), ==, 5);
  g_assert_cmpstr (chorus_test_lan_get_address (lan, 2), ==, "10.77.0.2");
  g_assert_cmpstr (chorus_test_lan_get_address (lan, 3), ==, "10.78.0.1");
  g_assert_cmpstr (chorus_test_lan_get_address (lan, 5), ==, CHORUS_TEST_LAN_ROUTER_A);
  g_assert_cmpstr (chorus_test_lan_get_address6 (lan, 1), ==, "fd77::1");
  g_assert_cmpstr (chorus_test_lan_get_address6 (lan, 4), ==, "fd78::2");
  g_assert_cmpstr (chorus_test_lan_get_netns (lan, 5), ==, "chorus-router");
  g_assert_cmpuint (chorus_test_lan_get_segment (lan, 2), ==, 0);
  g_assert_cmpuint (chorus_test_lan_get_segment (lan, 3), ==, 1);
  g_assert_cmpuint (chorus_test_lan_get_segment (lan, 5), ==, 0);
  g_assert_cmpuint (count_netns_names (), ==, 5);

  names = interface_names ();
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (str_array_contains (names, expected[i]));

  proc = chorus_test_lan_spawn (lan, 5, addr_argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_exit (proc, 5000));
  g_assert_cmpint (chorus_test_proc_get_status (proc), ==, 0);
  lines = chorus_test_proc_get_stdout (proc);
  g_assert_cmpuint (lines->len, ==, 4);
  for (guint i = 0; i < lines->len; i++)
    g_test_message ("router: %s", (const char *) g_ptr_array_index (lines, i));

  /* The flat LAN of the next test owes nothing to this one. */
  g_clear_pointer (&lan, chorus_test_lan_free);
  g_clear_pointer (&names, g_ptr_array_unref);
  g_assert_cmpuint (count_netns_names (), ==, 0);
  names = interface_names ();
  g_assert_cmpuint (names->len, ==, 1);
}

/* Unicast crosses the router both ways, IPv4 and IPv6. */
static void
test_routed_unicast (void)
{
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  const char *families[] = { "4", "6" };

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new_routed (1, 1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      gboolean         v6 = g_str_equal (families[i], "6");
      const char      *near =
        v6 ? chorus_test_lan_get_address6 (lan, 1) : chorus_test_lan_get_address (lan, 1);
      const char      *far =
        v6 ? chorus_test_lan_get_address6 (lan, 2) : chorus_test_lan_get_address (lan, 2);
      const char      *server_argv[] = { python (), "-c", routed_echo_server, families[i], NULL };
      const char      *client_argv[] = { python (), "-c", routed_echo_client, far, NULL };
      g_autofree char *echoed = g_strdup_printf ("echoed %s", near);
      g_autofree char *answer = g_strdup_printf ("ping %s", far);
      ChorusTestProc  *server, *client;

      server = chorus_test_lan_spawn (lan, 2, server_argv, &error);
      g_assert_no_error (error);
      g_assert_nonnull (chorus_test_proc_wait_line (server, FALSE, "ready", NULL, 5000));
      client = chorus_test_lan_spawn (lan, 1, client_argv, &error);
      g_assert_no_error (error);
      g_assert_true (chorus_test_proc_wait_exit (client, 10000));
      if (chorus_test_proc_get_status (client) != 0)
        g_error ("IPv%s echo client failed: %s", families[i],
                 chorus_test_proc_dup_stderr_text (client));
      g_assert_cmpstr (g_ptr_array_index (chorus_test_proc_get_stdout (client), 0), ==, answer);
      g_assert_nonnull (chorus_test_proc_wait_line (server, FALSE, echoed, NULL, 5000));
    }
}

static ChorusTestProc *
start_routed_receiver (ChorusTestLan *lan,
                       guint          host,
                       const char    *group)
{
  g_autoptr (GError) error = NULL;
  const char     *argv[] = { python (), "-c", routed_receiver, group, "10000", NULL };
  ChorusTestProc *proc;

  proc = chorus_test_lan_spawn (lan, host, argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chorus_test_proc_wait_line (proc, FALSE, "ready", NULL, 5000));
  g_assert_true (chorus_test_proc_wait_joined (proc, group, 10000, 1, 5000));

  return proc;
}

static void
send_routed (ChorusTestLan *lan,
             guint          host,
             const char    *group,
             const char    *first,
             const char    *second)
{
  g_autoptr (GError) error = NULL;
  const char     *argv[] = { python (), "-c", routed_sender, group, "10000", first, second, NULL };
  ChorusTestProc *proc;

  proc = chorus_test_lan_spawn (lan, host, argv, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_test_proc_wait_exit (proc, 10000));
  g_assert_cmpint (chorus_test_proc_get_status (proc), ==, 0);
}

/* Asserts that receiver's lines after "ready" are exactly expected, each
 * once, and that lines from one sender (their first word's first letter)
 * come in the order expected. Two senders' datagrams may arrive in either
 * order: the router resolves each new flow before it forwards it. */
static void
assert_heard (ChorusTestProc    *receiver,
              const char *const *expected,
              guint              n_expected)
{
  GPtrArray *lines = chorus_test_proc_get_stdout (receiver);
  guint where[8];

  g_assert_cmpuint (n_expected, <=, G_N_ELEMENTS (where));
  g_assert_true (chorus_test_proc_wait_lines (receiver, 1 + n_expected, 5000));
  for (guint i = 1; i < lines->len; i++)
    g_test_message ("heard: %s", (const char *) g_ptr_array_index (lines, i));
  g_assert_cmpuint (lines->len, ==, 1 + n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      guint found = 0;

      for (guint j = 1; j < lines->len; j++)
        if (g_str_equal (g_ptr_array_index (lines, j), expected[i]))
          {
            found++;
            where[i] = j;
          }
      if (found != 1)
        g_error ("heard “%s” %u times, not once", expected[i], found);
    }

  for (guint i = 0; i < n_expected; i++)
    for (guint k = i + 1; k < n_expected; k++)
      if (expected[i][0] == expected[k][0])
        g_assert_cmpuint (where[i], <, where[k]);
}

/* What TTL 1 (hop limit 1) sends stays on its segment; with 2 it
 * crosses, one less. The router keeps a sender's order, so its TTL 2
 * datagram arriving on the far side with nothing before it from that
 * sender proves the TTL 1 one never will. Both ways, IPv4 then IPv6. */
static void
test_routed_multicast (gconstpointer data)
{
  const char *group = data;
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  gboolean         v6 = strchr (group, ':') != NULL;
  const char      *a1, *b2;
  g_autofree char *a_one = NULL, *a_two = NULL, *b_one = NULL, *b_two = NULL;
  g_autofree char *a_two_far = NULL, *b_two_far = NULL;
  ChorusTestProc  *near, *far;

  SKIP_UNLESS_ISOLATED ();

  /* Hosts 1 and 2 on A, 3 and 4 on B. */
  lan = chorus_test_lan_new_routed (2, 2, &error);
  g_assert_no_error (error);
  a1 = v6 ? chorus_test_lan_get_address6 (lan, 1) : chorus_test_lan_get_address (lan, 1);
  b2 = v6 ? chorus_test_lan_get_address6 (lan, 4) : chorus_test_lan_get_address (lan, 4);

  near = start_routed_receiver (lan, 2, group);
  far = start_routed_receiver (lan, 3, group);

  send_routed (lan, 1, group, "1:a-one", "2:a-two");
  send_routed (lan, 4, group, "1:b-one", "2:b-two");

  a_one = g_strdup_printf ("a-one %s 1", a1);
  a_two = g_strdup_printf ("a-two %s 2", a1);
  a_two_far = g_strdup_printf ("a-two %s 1", a1);
  b_one = g_strdup_printf ("b-one %s 1", b2);
  b_two = g_strdup_printf ("b-two %s 2", b2);
  b_two_far = g_strdup_printf ("b-two %s 1", b2);
  {
    const char *const near_heard[] = { a_one, a_two, b_two_far };
    const char *const far_heard[] = { a_two_far, b_one, b_two };

    assert_heard (near, near_heard, G_N_ELEMENTS (near_heard));
    assert_heard (far, far_heard, G_N_ELEMENTS (far_heard));
  }
}

/* A datagram larger than the link crosses in fragments, each forwarded
 * with one less TTL, and arrives whole: the router keeps what it does
 * not need to read, and a UDP checksum the far host accepts. */
static void
test_routed_fragments (gconstpointer data)
{
  const char *group = data;
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (GError) error = NULL;
  gboolean         v6 = strchr (group, ':') != NULL;
  g_autofree char *text = g_strnfill (4000, 'f');
  g_autofree char *big = NULL, *small = NULL;
  g_autofree char *big_heard = NULL, *small_heard = NULL;
  const char      *a1;
  ChorusTestProc  *far;

  SKIP_UNLESS_ISOLATED ();

  lan = chorus_test_lan_new_routed (1, 1, &error);
  g_assert_no_error (error);
  a1 = v6 ? chorus_test_lan_get_address6 (lan, 1) : chorus_test_lan_get_address (lan, 1);

  far = start_routed_receiver (lan, 2, group);
  big = g_strdup_printf ("2:%s", text);
  small = g_strdup ("2:after");
  send_routed (lan, 1, group, big, small);

  big_heard = g_strdup_printf ("%s %s 1", text, a1);
  small_heard = g_strdup_printf ("after %s 1", a1);
  {
    const char *const far_heard[] = { big_heard, small_heard };

    assert_heard (far, far_heard, G_N_ELEMENTS (far_heard));
  }
}

/* Switches that snoop on both segments, each its own querier: the
 * router's legs are router ports, so what crosses reaches the far
 * segment's members, and only them. */
static void
test_routed_snooping (gconstpointer data)
{
  const char *group = data;
  ChorusTestSwitch sw = { CHORUS_TEST_SWITCH_SNOOP_QUERIER };
  g_autoptr (ChorusTestLan) lan = NULL;
  g_autoptr (ChorusTestCapture) outsider = NULL;
  g_autoptr (GArray) members = NULL;
  g_autoptr (GError) error = NULL;
  gboolean         v6 = strchr (group, ':') != NULL;
  g_autofree char *one = NULL, *two = NULL;
  const char      *a1;
  ChorusTestProc  *far;

  SKIP_UNLESS_ISOLATED ();

  /* Host 1 on A; hosts 2 and 3 on B, of which 2 joins. */
  lan = chorus_test_lan_new_full (1, 2, &sw, &error);
  g_assert_no_error (error);
  a1 = v6 ? chorus_test_lan_get_address6 (lan, 1) : chorus_test_lan_get_address (lan, 1);
  outsider = chorus_test_capture_new_toward (lan, 3, &error);
  g_assert_no_error (error);

  far = start_routed_receiver (lan, 2, group);
  /* The host's report is on its way as the join returns. */
  for (guint tries = 0; tries < 100; tries++)
    {
      g_clear_pointer (&members, g_array_unref);
      members = chorus_test_lan_get_members (lan, group, &error);
      g_assert_no_error (error);
      if (members->len > 0)
        break;
      g_usleep (20 * 1000);
    }
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_cmpuint (g_array_index (members, guint, 0), ==, 2);

  send_routed (lan, 1, group, "2:one", "2:two");
  one = g_strdup_printf ("one %s 1", a1);
  two = g_strdup_printf ("two %s 1", a1);
  {
    const char *const far_heard[] = { one, two };

    assert_heard (far, far_heard, G_N_ELEMENTS (far_heard));
  }
  /* br1 sends a datagram to every member port at once: by now host 3
   * would have had its copies. */
  g_assert_cmpuint (chorus_test_capture_poll (outsider), ==, 0);
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
  g_test_add_func ("/lan/routed/layout", test_routed_layout);
  g_test_add_func ("/lan/routed/unicast", test_routed_unicast);
  g_test_add_data_func ("/lan/routed/multicast-ipv4", "224.3.29.71", test_routed_multicast);
  g_test_add_data_func ("/lan/routed/multicast-ipv6", "ff0e::77", test_routed_multicast);
  g_test_add_data_func ("/lan/routed/fragments-ipv4", "239.1.2.3", test_routed_fragments);
  g_test_add_data_func ("/lan/routed/fragments-ipv6", "ff05::1:3", test_routed_fragments);
  g_test_add_data_func ("/lan/routed/snooping-ipv4", "239.1.2.4", test_routed_snooping);
  g_test_add_data_func ("/lan/routed/snooping-ipv6", "ff05::1:4", test_routed_snooping);
  g_test_add_func ("/lan/teardown-on-abort", test_teardown_on_abort);

  return g_test_run ();
}
