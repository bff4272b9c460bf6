/* test-impair.c: the harness's link impairments are exact
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Independent of Chorus: numbered UDP datagrams go across the LAN
 * between the test process (10.77.0.254 on br0) and small receivers and
 * senders on the hosts, and the test asserts exactly which arrive, and
 * how often. Each run ends with an "end" datagram that the impairment
 * lets through by construction (its number is not a multiple of n); a
 * link keeps order, so when "end" is there, everything before it is too.
 */

#include <string.h>
#include <sys/socket.h>

#include "testlan.h"

#define GROUP         "239.77.0.1"
#define PORT          9100
#define ECHO_PORT     9101
#define COUNT         100
#define READY_TIMEOUT 5000
#define RUN_TIMEOUT   10000

static const char *
python (void)
{
  const char *path = g_getenv ("CHORUS_PYTHON");

  return path != NULL ? path : "/usr/bin/python3";
}

/* receiver GROUP|- PORT N_ENDS: prints each payload on a line until it
 * has had "end" N_ENDS times; says "ready" on stderr once it listens. */
static const char receiver[] =
  "import socket, struct, sys\n"
  "group, port, ends = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "s.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE\n"
  "s.bind(('' if group == '-' else group, port))\n"
  "if group != '-':\n"
  "    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,\n"
  "                 struct.pack('4s4s', socket.inet_aton(group), socket.inet_aton('0.0.0.0')))\n"
  "print('ready', file=sys.stderr, flush=True)\n"
  "while ends > 0:\n"
  "    data = s.recv(2000)\n"
  "    print(data.decode(), flush=True)\n"
  "    if data == b'end':\n"
  "        ends -= 1\n";

/* sender ADDRESS PORT COUNT: sends 1…COUNT, then "end", each after an
 * ICMP echo request to the same address: were anything but UDP counted,
 * the losses would fall on other datagrams. */
static const char sender[] =
  "import socket, struct, sys\n"
  "address, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)\n"
  "def ping(seq):\n"
  "    words = 0x0800 + 0x4368 + seq\n"
  "    check = ~((words & 0xffff) + (words >> 16)) & 0xffff\n"
  "    icmp.sendto(struct.pack('!BBHHH', 8, 0, check, 0x4368, seq), (address, 0))\n"
  "for i in range(1, count + 2):\n"
  "    ping(i)\n"
  "    s.sendto(str(i).encode() if i <= count else b'end', (address, port))\n";

typedef struct
{
  ChorusTestLan *lan;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  if (!chorus_test_is_isolated ())
    {
      g_test_skip ("needs private network namespaces (run as root)");
      return;
    }
  fx->lan = chorus_test_lan_new (3, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_pointer (&fx->lan, chorus_test_lan_free);
}

#define SKIP_WITHOUT_LAN(fx)                                                                       \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if ((fx)->lan == NULL)                                                                         \
      return;                                                                                      \
  }                                                                                                \
  G_STMT_END

/* The payloads 1…count that survive dropping every nth (none for 0),
 * each copies times, then "end" copies times, one a line. */
static char *
expected_payloads (guint count,
                   guint n,
                   guint copies)
{
  g_autoptr (GString) text = g_string_new (NULL);

  /* "end" is datagram count + 1: it must get through. */
  g_assert_true (n == 0 || (count + 1) % n != 0);
  for (guint i = 1; i <= count; i++)
    if (n == 0 || i % n != 0)
      for (guint c = 0; c < copies; c++)
        g_string_append_printf (text, "%u\n", i);
  for (guint c = 0; c < copies; c++)
    g_string_append (text, "end\n");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
join_lines (GPtrArray *lines)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (lines, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static ChorusTestProc *
start_receiver (Fixture    *fx,
                guint       host,
                const char *group,
                guint       n_ends)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", PORT);
  g_autofree char *ends = g_strdup_printf ("%u", n_ends);
  const char *argv[] = { python (), "-c", receiver, group, port, ends, NULL };
  ChorusTestProc *proc;

  proc = chorus_test_lan_spawn (fx->lan, host, argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chorus_test_proc_wait_line (proc, TRUE, "ready", NULL, READY_TIMEOUT));

  return proc;
}

/* Waits until the receiver has had all its "end"s, then compares. */
static void
assert_received (ChorusTestProc *proc,
                 guint           count,
                 guint           n,
                 guint           copies)
{
  g_autofree char *expected = expected_payloads (count, n, copies);
  g_autofree char *got = NULL;

  g_assert_true (chorus_test_proc_wait_exit (proc, RUN_TIMEOUT));
  g_assert_cmpint (chorus_test_proc_get_status (proc), ==, 0);
  got = join_lines (chorus_test_proc_get_stdout (proc));
  g_assert_cmpstr (got, ==, expected);
}

static GSocket *
new_socket (guint port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (any, port);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&socket);
}

/* From the test process: 1…count, then "end", to address. */
static void
send_numbered (const char *address,
               guint       count)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = new_socket (0);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new_from_string (address, PORT);

  for (guint i = 1; i <= count + 1; i++)
    {
      g_autofree char *payload = i <= count ? g_strdup_printf ("%u", i) : g_strdup ("end");

      g_socket_send_to (socket, to, payload, strlen (payload), NULL, &error);
      g_assert_no_error (error);
    }
}

/* Toward host 2, every 5th multicast datagram is lost: host 2 alone
 * misses 5, 10… 100; host 3 on the same bridge gets all of them. */
static void
test_drop_toward_host (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  ChorusTestProc *r2, *r3;

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_TOWARD_HOST, 5, &error);
  g_assert_no_error (error);
  r2 = start_receiver (fx, 2, GROUP, 1);
  r3 = start_receiver (fx, 3, GROUP, 1);

  send_numbered (GROUP, COUNT);
  assert_received (r2, COUNT, 5, 1);
  assert_received (r3, COUNT, 0, 1);
  g_assert_cmpuint (chorus_test_proc_get_stdout (r2)->len, ==, 80 + 1);
}

/* Unicast toward a host needs ARP first; only UDP counts, so the ARP
 * request does not shift the pattern: datagrams 2, 4… 20 are lost. */
static void
test_drop_counts_udp_only (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  ChorusTestProc *r2;

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_TOWARD_HOST, 2, &error);
  g_assert_no_error (error);
  r2 = start_receiver (fx, 2, "-", 1);

  send_numbered (chorus_test_lan_get_address (fx->lan, 2), 20);
  assert_received (r2, 20, 2, 1);
}

/* A new impairment replaces the one before and counts from zero again;
 * clearing removes it. */
static void
test_replace_and_clear (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  ChorusTestProc *r2;

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_TOWARD_HOST, 2, &error);
  g_assert_no_error (error);
  r2 = start_receiver (fx, 2, GROUP, 1);
  send_numbered (GROUP, 10);
  assert_received (r2, 10, 2, 1);

  /* Eleven datagrams crossed the first rule: the new one counts from 1
   * all the same. */
  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_TOWARD_HOST, 3, &error);
  g_assert_no_error (error);
  r2 = start_receiver (fx, 2, GROUP, 1);
  send_numbered (GROUP, COUNT);
  assert_received (r2, COUNT, 3, 1);

  chorus_test_lan_clear_impairment (fx->lan, 2, &error);
  g_assert_no_error (error);
  r2 = start_receiver (fx, 2, GROUP, 1);
  send_numbered (GROUP, COUNT);
  assert_received (r2, COUNT, 0, 1);

  /* Clearing what is not there is no error. */
  chorus_test_lan_clear_impairment (fx->lan, 3, &error);
  g_assert_no_error (error);
}

/* Toward host 2 every datagram arrives twice; host 3 still once. */
static void
test_duplicate_toward_host (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  ChorusTestProc *r2, *r3;

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_duplicate (fx->lan, 2, CHORUS_TEST_TOWARD_HOST, &error);
  g_assert_no_error (error);
  r2 = start_receiver (fx, 2, GROUP, 2);
  r3 = start_receiver (fx, 3, GROUP, 1);

  send_numbered (GROUP, COUNT);
  assert_received (r2, COUNT, 0, 2);
  assert_received (r3, COUNT, 0, 1);
  g_assert_cmpuint (chorus_test_proc_get_stdout (r2)->len, ==, 2 * COUNT + 2);
}

typedef struct
{
  GSocket   *socket;
  GPtrArray *from[4]; /* payloads by host, 1 to 3 */
  guint      ends[4];
  guint      ends_wanted[4];
} Collector;

static gboolean
collect (gpointer user_data)
{
  Collector *collector = user_data;
  gboolean   done = TRUE;

  for (;;)
    {
      g_autoptr (GSocketAddress) peer = NULL;
      g_autofree char *peer_ip = NULL;
      char   buffer[2000];
      gssize n;
      guint  host;

      n = g_socket_receive_from (collector->socket, &peer, buffer, sizeof buffer - 1, NULL, NULL);
      if (n < 0)
        break;
      buffer[n] = '\0';
      peer_ip = g_inet_address_to_string (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));
      g_assert_true (g_str_has_prefix (peer_ip, "10.77.0."));
      host = (guint) g_ascii_strtoull (peer_ip + strlen ("10.77.0."), NULL, 10);
      g_assert_cmpuint (host, >=, 1);
      g_assert_cmpuint (host, <=, 3);
      g_ptr_array_add (collector->from[host], g_strdup (buffer));
      if (strcmp (buffer, "end") == 0)
        collector->ends[host]++;
    }

  for (guint host = 1; host <= 3; host++)
    if (collector->ends[host] < collector->ends_wanted[host])
      done = FALSE;

  return done;
}

/* Hosts 2 and 3 each send 1…COUNT and "end" to the test process, which
 * expects "end" ends[host] times from each. */
static void
collect_from_hosts (Fixture    *fx,
                    Collector  *collector)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", PORT);
  g_autofree char *count = g_strdup_printf ("%u", COUNT);
  const char *argv[] = { python (), "-c", sender, CHORUS_TEST_LAN_SELF, port, count, NULL };

  collector->socket = new_socket (PORT);
  g_socket_set_blocking (collector->socket, FALSE);
  /* Room for all of it: the senders run one after the other, and read
   * only afterwards. */
  g_socket_set_option (collector->socket, SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20, &error);
  g_assert_no_error (error);
  for (guint host = 1; host <= 3; host++)
    collector->from[host] = g_ptr_array_new_with_free_func (g_free);

  for (guint host = 2; host <= 3; host++)
    {
      ChorusTestProc *proc = chorus_test_lan_spawn (fx->lan, host, argv, &error);

      g_assert_no_error (error);
      g_assert_true (chorus_test_proc_wait_exit (proc, RUN_TIMEOUT));
      g_assert_cmpint (chorus_test_proc_get_status (proc), ==, 0);
    }
  g_assert_true (chorus_test_lan_spin_until (fx->lan, collect, collector, RUN_TIMEOUT));
}

static void
collector_clear (Collector *collector)
{
  g_clear_object (&collector->socket);
  for (guint host = 1; host <= 3; host++)
    {
      g_clear_pointer (&collector->from[host], g_ptr_array_unref);
      collector->ends[host] = 0;
    }
}

static void
assert_collected (Collector *collector,
                  guint      host,
                  guint      n,
                  guint      copies)
{
  g_autofree char *expected = expected_payloads (COUNT, n, copies);
  g_autofree char *got = join_lines (collector->from[host]);

  g_assert_cmpstr (got, ==, expected);
}

/* From host 2, every 3rd datagram is lost on its way into the bridge;
 * host 3's all arrive. */
static void
test_drop_from_host (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  Collector collector = { .ends_wanted = { 0, 0, 1, 1 } };

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_FROM_HOST, 3, &error);
  g_assert_no_error (error);
  collect_from_hosts (fx, &collector);
  assert_collected (&collector, 2, 3, 1);
  assert_collected (&collector, 3, 0, 1);
  g_assert_cmpuint (collector.from[2]->len, ==, 67 + 1);
  collector_clear (&collector);
}

/* From host 2, every datagram arrives twice. */
static void
test_duplicate_from_host (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  Collector collector = { .ends_wanted = { 0, 0, 2, 1 } };

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_duplicate (fx->lan, 2, CHORUS_TEST_FROM_HOST, &error);
  g_assert_no_error (error);
  collect_from_hosts (fx, &collector);
  assert_collected (&collector, 2, 0, 2);
  assert_collected (&collector, 3, 0, 1);
  collector_clear (&collector);

  /* Cleared, once again. */
  chorus_test_lan_clear_impairment (fx->lan, 2, &error);
  g_assert_no_error (error);
  collector.ends_wanted[2] = 1;
  collect_from_hosts (fx, &collector);
  assert_collected (&collector, 2, 0, 1);
  collector_clear (&collector);
}

/* echo PORT: sends every datagram back where it came from. */
static const char echo[] =
  "import socket, sys\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "s.bind(('', int(sys.argv[1])))\n"
  "print('ready', file=sys.stderr, flush=True)\n"
  "while True:\n"
  "    data, peer = s.recvfrom(2000)\n"
  "    s.sendto(data, peer)\n";

/* Round trips to host's echo, one at a time, in ms: the smallest and the
 * largest of n. */
static void
measure_echo (Fixture *fx,
              guint    host,
              guint    n,
              double  *min_ms,
              double  *max_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = new_socket (0);
  g_autoptr (GSocketAddress) to =
    g_inet_socket_address_new_from_string (chorus_test_lan_get_address (fx->lan, host), ECHO_PORT);

  g_socket_set_timeout (socket, 5);
  *min_ms = G_MAXDOUBLE;
  *max_ms = 0;
  for (guint i = 0; i < n; i++)
    {
      char buffer[64];
      g_autofree char *payload = g_strdup_printf ("%u", i);
      gint64 start = g_get_monotonic_time ();
      gssize got;
      double ms;

      g_socket_send_to (socket, to, payload, strlen (payload), NULL, &error);
      g_assert_no_error (error);
      got = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (buffer, got, payload, strlen (payload));
      ms = (g_get_monotonic_time () - start) / 1000.0;
      *min_ms = MIN (*min_ms, ms);
      *max_ms = MAX (*max_ms, ms);
    }
}

/* Host 2's frames wait 30 ms on the way in and 20 ms on the way out: every
 * round trip to it takes at least 50 ms, to host 3 far less; multicast
 * still arrives whole and in order; cleared, the delay is gone. */
static void
test_delay (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { python (), "-c", echo, G_STRINGIFY (ECHO_PORT), NULL };
  ChorusTestProc *e2, *e3, *r2;
  double min_ms, max_ms;

  SKIP_WITHOUT_LAN (fx);

  e2 = chorus_test_lan_spawn (fx->lan, 2, argv, &error);
  g_assert_no_error (error);
  e3 = chorus_test_lan_spawn (fx->lan, 3, argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chorus_test_proc_wait_line (e2, TRUE, "ready", NULL, READY_TIMEOUT));
  g_assert_nonnull (chorus_test_proc_wait_line (e3, TRUE, "ready", NULL, READY_TIMEOUT));

  chorus_test_lan_delay (fx->lan, 2, 30, 20, &error);
  g_assert_no_error (error);

  measure_echo (fx, 2, 10, &min_ms, &max_ms);
  g_test_message ("delayed: %.1f to %.1f ms", min_ms, max_ms);
  g_assert_cmpfloat (min_ms, >=, 50);
  g_assert_cmpfloat (max_ms, <, 1000);
  measure_echo (fx, 3, 10, &min_ms, &max_ms);
  g_assert_cmpfloat (min_ms, <, 50);

  /* A burst of multicast keeps its order and its checksums. */
  r2 = start_receiver (fx, 2, GROUP, 1);
  send_numbered (GROUP, COUNT);
  assert_received (r2, COUNT, 0, 1);

  chorus_test_lan_clear_impairment (fx->lan, 2, &error);
  g_assert_no_error (error);
  measure_echo (fx, 2, 10, &min_ms, &max_ms);
  g_test_message ("cleared: %.1f to %.1f ms", min_ms, max_ms);
  g_assert_cmpfloat (min_ms, <, 30);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/impair/drop-toward-host", Fixture, NULL, fixture_setup, test_drop_toward_host,
              fixture_teardown);
  g_test_add ("/impair/drop-counts-udp-only", Fixture, NULL, fixture_setup,
              test_drop_counts_udp_only, fixture_teardown);
  g_test_add ("/impair/replace-and-clear", Fixture, NULL, fixture_setup, test_replace_and_clear,
              fixture_teardown);
  g_test_add ("/impair/duplicate-toward-host", Fixture, NULL, fixture_setup,
              test_duplicate_toward_host, fixture_teardown);
  g_test_add ("/impair/drop-from-host", Fixture, NULL, fixture_setup, test_drop_from_host,
              fixture_teardown);
  g_test_add ("/impair/duplicate-from-host", Fixture, NULL, fixture_setup,
              test_duplicate_from_host, fixture_teardown);
  g_test_add ("/impair/delay", Fixture, NULL, fixture_setup, test_delay, fixture_teardown);

  return g_test_run ();
}
