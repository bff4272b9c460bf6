/* test-serve.c: chorus-cli serve against Debian's ssmping and asmping,
 * and against malformed and hostile queries, on a private LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ssmping and asmping (Debian package ssmping) are the reference
 * clients: they print a line per unicast and per multicast answer, with
 * the sequence number and the hops it took (64 less the TTL it came
 * with). Hostile queries come from the test process itself, which is on
 * the LAN's bridge, and from the harness's injector for forged sources.
 * "Nothing was answered" is proved by a canary query sent afterwards:
 * its two answers are the first the capture sees.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "testcli.h"

#define SERVER      "10.77.0.1"
#define SERVER6     "fd77::1"
#define MPING_PORT  4321
#define SSM_GROUP   "232.43.211.234"
#define SSM_GROUP6  "ff3e::4321:1234"
/* chorus-cli serve's default burst per client address. */
#define BURST       10
#define PING_COUNT  "4"
#define PING_N      4
/* ssmping sends once a second. */
#define PING_TIMEOUT 30000

static gboolean
have_ssmping (void)
{
  if (g_file_test ("/usr/bin/ssmping", G_FILE_TEST_IS_EXECUTABLE)
      && g_file_test ("/usr/bin/asmping", G_FILE_TEST_IS_EXECUTABLE))
    return TRUE;

  g_test_skip ("ssmping and asmping are not installed (Debian package ssmping)");
  return FALSE;
}

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
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", line, err);
}

/* Unique local addresses (fd77::I) on every host of a flat LAN, usable
 * at once, and IPv6 groups out by way of eth0. */
static void
enable_ipv6 (Fixture *fx)
{
  for (guint i = 1; i <= chorus_test_lan_get_n_hosts (fx->lan); i++)
    {
      g_autofree char *unique = g_strdup_printf ("addr add fd77::%u/64 dev eth0 nodad", i);

      host_ip (fx, i, unique);
      host_ip (fx, i, "-6 route replace ff00::/8 dev eth0");
    }
}

static ChorusTestProc *
start_server (Fixture *fx,
              guint    host)
{
  g_autofree char *log = NULL;
  ChorusTestProc *proc = cli_spawn_chorus (fx, host, "serve", "--json", NULL);

  if (chorus_test_proc_wait_line (proc, FALSE, "\"ready\"", NULL, READY_TIMEOUT) != NULL)
    return proc;

  log = chorus_test_proc_dup_stderr_text (proc);
  g_error ("serve on h%u not ready within %d ms (status %d): %s", host, READY_TIMEOUT,
           chorus_test_proc_get_status (proc), log);
}

/* Stops the server; returns its events. */
static GPtrArray *
stop_server (ChorusTestProc *server)
{
  chorus_test_proc_send_signal (server, SIGTERM);
  cli_await_exit (server, 0);

  return cli_json_events (server);
}

typedef struct
{
  guint unicast;
  guint multicast;
  /* Bit seq of each, for seq 1 to 31. */
  guint32 unicast_seqs;
  guint32 multicast_seqs;
  int unicast_dist;
  int multicast_dist;
} PingResult;

/* Reads ssmping's (or asmping's) answer lines from @server:
 *   "  unicast from 10.77.0.1, seq=1 dist=0 time=0.105 ms"
 *   "multicast from 10.77.0.1, seq=1 dist=0 time=0.148 ms" */
static PingResult
parse_ping (ChorusTestProc *proc,
            const char     *server)
{
  GPtrArray *lines = chorus_test_proc_get_stdout (proc);
  g_autofree char *unicast = g_strdup_printf ("  unicast from %s, ", server);
  g_autofree char *multicast = g_strdup_printf ("multicast from %s, ", server);
  PingResult result = { 0, 0, 0, 0, -1, -1 };

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      gboolean is_unicast = g_str_has_prefix (line, unicast);
      gboolean is_multicast = g_str_has_prefix (line, multicast);
      guint seq;
      int dist;

      if (!is_unicast && !is_multicast)
        continue;
      g_assert_cmpint (sscanf (strchr (line, ',') + 1, " seq=%u dist=%d", &seq, &dist), ==, 2);
      g_assert_cmpuint (seq, <, 32);
      if (is_unicast)
        {
          result.unicast++;
          result.unicast_seqs |= 1u << seq;
          result.unicast_dist = dist;
        }
      else
        {
          result.multicast++;
          result.multicast_seqs |= 1u << seq;
          result.multicast_dist = dist;
        }
    }

  return result;
}

/* Runs a client on @host to the end and checks that it had every
 * answer, both ways, having crossed @hops routers. */
static void
run_ping (Fixture            *fx,
          guint               host,
          const char * const *argv,
          const char         *server,
          int                 hops)
{
  ChorusTestProc *client = cli_spawn_argv (fx, host, argv);
  g_autofree char *out = NULL;
  PingResult result;
  guint32 all = ((1u << (PING_N + 1)) - 1) & ~1u;

  if (!chorus_test_proc_wait_exit (client, PING_TIMEOUT))
    g_error ("%s still running after %d ms", argv[0], PING_TIMEOUT);
  out = g_strjoinv ("\n", (char **) chorus_test_proc_get_stdout (client)->pdata);
  g_test_message ("%s: %s", argv[0], out);
  g_assert_cmpint (chorus_test_proc_get_status (client), ==, 0);

  result = parse_ping (client, server);
  g_assert_cmpuint (result.unicast, ==, PING_N);
  g_assert_cmpuint (result.multicast, ==, PING_N);
  g_assert_cmphex (result.unicast_seqs, ==, all);
  g_assert_cmphex (result.multicast_seqs, ==, all);
  /* Sent with TTL 64: the hops are what it lost on the way. */
  g_assert_cmpint (result.unicast_dist, ==, hops);
  g_assert_cmpint (result.multicast_dist, ==, hops);
}

static JsonObject *
find_session (GPtrArray  *events,
              const char *client,
              const char *group,
              guint       nth)
{
  g_autoptr (GPtrArray) sessions = chorus_test_json_filter (events, "session");

  for (guint i = 0; i < sessions->len; i++)
    {
      JsonObject *session = g_ptr_array_index (sessions, i);

      if (g_strcmp0 (chorus_test_json_get_string (session, "client"), client) == 0
          && g_strcmp0 (chorus_test_json_get_string (session, "group"), group) == 0
          && nth-- == 0)
        return session;
    }

  return NULL;
}

static void
assert_session (GPtrArray  *events,
                const char *client,
                const char *group)
{
  JsonObject *session = find_session (events, client, group, 0);

  g_assert_nonnull (session);
  g_assert_cmpstr (chorus_test_json_get_string (session, "generation"), ==, "ssmping");
}

/* ssmping (SSM, the default group) and asmping (a group of its own),
 * IPv4 and IPv6, each answered in full, by unicast and multicast. */
static void
test_ssmping (Fixture       *fx,
              gconstpointer  data)
{
  const char *ssmping4[] = { "ssmping", "-4", "-c", PING_COUNT, SERVER, NULL };
  const char *asmping4[] = { "asmping", "-4", "-c", PING_COUNT, "239.1.2.3", SERVER, NULL };
  const char *ssmping6[] = { "ssmping", "-6", "-c", PING_COUNT, SERVER6, NULL };
  const char *asmping6[] = { "asmping", "-6", "-c", PING_COUNT, "ff3e::5", SERVER6, NULL };
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *server;
  JsonObject *summary;

  SKIP_WITHOUT_LAN (fx);
  if (!have_ssmping ())
    return;

  enable_ipv6 (fx);
  server = start_server (fx, 1);
  run_ping (fx, 2, ssmping4, SERVER, 0);
  run_ping (fx, 2, asmping4, SERVER, 0);
  run_ping (fx, 2, ssmping6, SERVER6, 0);
  run_ping (fx, 2, asmping6, SERVER6, 0);

  events = stop_server (server);
  g_assert_cmpuint (cli_count_events (server, "session"), ==, 4);
  assert_session (events, "10.77.0.2", SSM_GROUP);
  /* asmping puts its own ending on the group. */
  assert_session (events, "10.77.0.2", "239.1.2.234");
  assert_session (events, "fd77::2", SSM_GROUP6);
  g_assert_nonnull (find_session (events, "fd77::2", SSM_GROUP6, 1));

  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "queries", -1), ==, 4 * PING_N);
  g_assert_cmpint (chorus_test_json_get_int (summary, "answered", -1), ==, 4 * PING_N);
  g_assert_cmpint (chorus_test_json_get_int (summary, "invalid", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (summary, "unanswered", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (summary, "clients", -1), ==, 4);
}

/* Across the router: asked from segment B, the answers to a server on A
 * come back with TTL 63, the multicast one by way of smcrouted. */
static void
test_routed (Fixture       *fx,
             gconstpointer  data)
{
  const char *ssmping4[] = { "ssmping", "-4", "-c", PING_COUNT, SERVER, NULL };
  const char *ssmping6[] = { "ssmping", "-6", "-c", PING_COUNT, SERVER6, NULL };
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *server;

  SKIP_WITHOUT_LAN (fx);
  if (!have_ssmping ())
    return;

  server = start_server (fx, 1);
  run_ping (fx, 2, ssmping4, SERVER, 1);
  run_ping (fx, 2, ssmping6, SERVER6, 1);

  events = stop_server (server);
  assert_session (events, "10.78.0.1", SSM_GROUP);
  assert_session (events, "fd78::1", SSM_GROUP6);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "answered", -1), ==,
                   2 * PING_N);
}

/* An ssmping 0.9 query: client id, sequence number, timestamp, the
 * answer size when asked, then the group (family 1, IPv4). */
static GBytes *
make_query (guint32     seq,
            const char *group,
            guint16     size)
{
  GByteArray *query = g_byte_array_new ();
  const guint8 head[] = {
    'Q',
    0, 1, 0, 4, 0, 0, 0x12, 0x34,
    0, 2, 0, 4, seq >> 24, seq >> 16, seq >> 8, seq,
    0, 3, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2,
  };

  g_byte_array_append (query, head, sizeof head);
  if (size != 0)
    {
      const guint8 option[] = { 0, 7, 0, 2, size >> 8, size & 0xff };

      g_byte_array_append (query, option, sizeof option);
    }
  if (group != NULL)
    {
      g_autoptr (GInetAddress) address = g_inet_address_new_from_string (group);
      const guint8 option[] = { 0, 4, 0, 5, 1 };

      g_assert_nonnull (address);
      g_byte_array_append (query, option, sizeof option);
      g_byte_array_append (query, g_inet_address_to_bytes (address), 4);
    }

  return g_byte_array_free_to_bytes (query);
}

static void
send_raw (GSocket      *socket,
          const guint8 *data,
          gsize         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (SERVER);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (address, MPING_PORT);

  g_assert_cmpint (g_socket_send_to (socket, to, (const char *) data, size, NULL, &error), ==,
                   (gssize) size);
  g_assert_no_error (error);
}

static void
send_bytes (GSocket *socket,
            GBytes  *bytes)
{
  send_raw (socket, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

typedef struct
{
  ChorusTestCapture *capture;
  GSocket *socket;
  guint n_wanted;
  gboolean answered;
} Canary;

static gboolean
canary_arrived (gpointer user_data)
{
  Canary *canary = user_data;
  char buffer[2048];

  while (g_socket_condition_check (canary->socket, G_IO_IN))
    if (g_socket_receive (canary->socket, buffer, sizeof buffer, NULL, NULL) > 0)
      canary->answered = TRUE;

  return canary->answered && chorus_test_capture_poll (canary->capture) >= canary->n_wanted;
}

/* Sends a valid query with sequence number 77 and waits for its answer
 * (unicast here, and its multicast copy in the capture); returns the
 * datagrams the server had sent by then, the canary's two included. */
static guint
send_canary (Fixture           *fx,
             GSocket           *socket,
             ChorusTestCapture *capture,
             guint              n_before)
{
  g_autoptr (GBytes) query = make_query (77, SSM_GROUP, 0);
  Canary canary = { capture, socket, n_before + 2, FALSE };

  send_bytes (socket, query);
  if (!chorus_test_lan_spin_until (fx->lan, canary_arrived, &canary, 5000))
    g_error ("the canary's answers did not come: answered %d, %u datagrams seen", canary.answered,
             chorus_test_capture_poll (capture));

  return chorus_test_capture_poll (capture);
}

/* Each malformed or hostile query is counted, none is answered. */
static void
test_hostile (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (ChorusTestCapture) capture = NULL;
  g_autoptr (ChorusTestInjector) injector = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GBytes) valid = make_query (1, SSM_GROUP, 0);
  g_autoptr (GBytes) not_multicast = make_query (2, "10.1.2.3", 0);
  g_autoptr (GBytes) unspecified = make_query (3, "0.0.0.0", 0);
  g_autoptr (GBytes) reserved = make_query (4, "224.0.0.5", 0);
  g_autoptr (GBytes) oversized = make_query (5, SSM_GROUP, 60000);
  /* 'Q', then an option that claims 8 bytes and has 2. */
  const guint8 truncated[] = { 'Q', 0, 2, 0, 8, 0, 1 };
  /* An option 65535 bytes long in a datagram of 8. */
  const guint8 absurd[] = { 'Q', 0, 1, 0xff, 0xff, 1, 2, 3 };
  /* An answer: never answered. */
  const guint8 answer[] = { 'A', 0, 2, 0, 4, 0, 0, 0, 9 };
  const guint8 garbage[] = { 0xff, 0x00 };
  /* The kernel may drop these itself, as martians; if not, we must. */
  const char *bad_sources[] = { "0.0.0.0", "255.255.255.255", "224.1.1.1", "240.0.0.1" };
  g_autoptr (GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (any, 0);
  ChorusTestProc *server;
  JsonObject *summary;
  guint n_sent, n_total, n_flood = 0, n_invalid = 0;
  const guint n_spoofed = 40, n_each = 3 * BURST;

  SKIP_WITHOUT_LAN (fx);

  server = start_server (fx, 1);
  capture = chorus_test_capture_new (fx->lan, 1, &error);
  g_assert_no_error (error);
  injector = chorus_test_injector_new (fx->lan, &error);
  g_assert_no_error (error);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, local, FALSE, &error));
  g_socket_set_blocking (socket, FALSE);

  /* Malformed: counted invalid. */
  send_raw (socket, truncated, sizeof truncated);
  send_raw (socket, absurd, sizeof absurd);
  send_raw (socket, answer, sizeof answer);
  send_raw (socket, garbage, sizeof garbage);
  send_raw (socket, (const guint8 *) "", 0);
  send_bytes (socket, not_multicast);
  send_bytes (socket, unspecified);
  n_invalid = 7;
  /* Valid, but refused: a group answers may not go to, and a size over
   * the query's. */
  send_bytes (socket, reserved);
  send_bytes (socket, oversized);

  /* From sources that cannot have asked. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_sources); i++)
    {
      g_assert_true (chorus_test_inject_udp (injector, bad_sources[i], 5000, SERVER, MPING_PORT,
                                             g_bytes_get_data (valid, NULL),
                                             g_bytes_get_size (valid), &error));
      g_assert_no_error (error);
    }
  g_assert_true (chorus_test_inject_udp (injector, "10.77.0.2", 0, SERVER, MPING_PORT,
                                         g_bytes_get_data (valid, NULL), g_bytes_get_size (valid),
                                         &error));

  n_sent = send_canary (fx, socket, capture, 0);
  g_assert_cmpuint (n_sent, ==, 2);

  /* A flood from forged sources, each far past its burst: a forger gets
   * the burst of each address it forges and not one answer more, and the
   * multicast copies (the unicast ones go to addresses nobody has) show
   * it. */
  for (guint s = 0; s < n_spoofed; s++)
    for (guint i = 0; i < n_each; i++)
      {
        g_autofree char *source = g_strdup_printf ("10.77.100.%u", s + 1);

        g_assert_true (chorus_test_inject_udp (injector, source, 20000 + i, SERVER, MPING_PORT,
                                               g_bytes_get_data (valid, NULL),
                                               g_bytes_get_size (valid), &error));
        g_assert_no_error (error);
        if (++n_flood % 20 == 0)
          g_usleep (1000);
      }

  /* The canary's own address has had one answer: it has room. */
  n_sent = send_canary (fx, socket, capture, n_sent) - n_sent;
  g_test_message ("the flood of %u queries from %u forged sources had %u answers", n_flood,
                  n_spoofed, n_sent - 2);
  g_assert_cmpuint (n_sent - 2, ==, n_spoofed * BURST);

  /* Half a second on, the rate alone would have given each of them five
   * answers back; a flooder is shut out for ten seconds: nothing. */
  g_usleep (G_USEC_PER_SEC / 2);
  n_total = chorus_test_capture_poll (capture);
  for (guint s = 0; s < n_spoofed; s++)
    {
      g_autofree char *source = g_strdup_printf ("10.77.100.%u", s + 1);

      g_assert_true (chorus_test_inject_udp (injector, source, 30000, SERVER, MPING_PORT,
                                             g_bytes_get_data (valid, NULL),
                                             g_bytes_get_size (valid), &error));
      g_assert_no_error (error);
      n_flood++;
    }
  g_assert_cmpuint (send_canary (fx, socket, capture, n_total) - n_total, ==, 2);

  events = stop_server (server);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "invalid", -1), ==, n_invalid);
  g_assert_cmpint (chorus_test_json_get_int (summary, "bad_group", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "too_large", -1), ==, 1);
  /* Port 0 at least. */
  g_assert_cmpint (chorus_test_json_get_int (summary, "bad_source", -1), >=, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "bad_source", -1), <=,
                   G_N_ELEMENTS (bad_sources) + 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "rate_limited", -1), ==,
                   n_flood - n_spoofed * BURST);
  /* The first canary, the flood's bursts, two more canaries. */
  g_assert_cmpint (chorus_test_json_get_int (summary, "answered", -1), ==,
                   1 + n_spoofed * BURST + 2);
}

/* The value of option @type in the RFC 6450 message @data (after its
 * type byte), or NULL; read here with a walk of its own, not the codec
 * under test. */
static const guint8 *
find_option (const guint8 *data,
             gsize         size,
             guint16       type,
             gsize        *length)
{
  gsize at = 1;

  while (at + 4 <= size)
    {
      guint16 t = (guint16) (data[at] << 8 | data[at + 1]);
      gsize n = (gsize) (data[at + 2] << 8 | data[at + 3]);

      g_assert_cmpuint (at + 4 + n, <=, size);
      if (t == type)
        {
          *length = n;
          return data + at + 4;
        }
      at += 4 + n;
    }

  return NULL;
}

static gsize
receive_one (GSocket *socket,
             guint8  *buffer,
             gsize    size)
{
  g_autoptr (GError) error = NULL;
  gssize n = g_socket_receive (socket, (char *) buffer, size, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
  return (gsize) n;
}

/* An init as omping writes it names the groups the client can use as a
 * Multicast Prefix, here one group, 239.7.7.7/32: the Server Response
 * gives that group and a session; a query in the session is answered
 * with its own options less the session, and TTL 64; one in a session
 * the server never gave is told to start again. */
static void
test_rfc6450_prefix (Fixture       *fx,
                     gconstpointer  data)
{
  const guint8 init[] = { 'I', 0, 0, 0, 1, 2, 0, 1, 0, 2, 'c', '1', 0, 5, 0, 2, 0, 6,
                          0, 10, 0, 7, 0, 1, 32, 239, 7, 7, 7 };
  const guint8 group[] = { 0, 1, 239, 7, 7, 7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (any, 0);
  g_autoptr (GByteArray) query = g_byte_array_new ();
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *server;
  guint8 buffer[2048];
  const guint8 *value;
  guint8 session[64];
  gsize size, length, session_size;

  SKIP_WITHOUT_LAN (fx);

  server = start_server (fx, 1);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, local, FALSE, &error));
  g_socket_set_timeout (socket, 5);

  send_raw (socket, init, sizeof init);
  size = receive_one (socket, buffer, sizeof buffer);
  g_assert_cmpint (buffer[0], ==, 'S');
  value = find_option (buffer, size, 0, &length);
  g_assert_nonnull (value);
  g_assert_cmpmem (value, length, "\x02", 1);
  value = find_option (buffer, size, 1, &length);
  g_assert_cmpmem (value, length, "c1", 2);
  value = find_option (buffer, size, 4, &length);
  g_assert_cmpmem (value, length, group, sizeof group);
  value = find_option (buffer, size, 11, &session_size);
  g_assert_nonnull (value);
  g_assert_cmpuint (session_size, >, 0);
  g_assert_cmpuint (session_size, <=, sizeof session);
  memcpy (session, value, session_size);

  /* Version, client id, seq 5, client timestamp, group, session. */
  {
    const guint8 head[] = { 'Q', 0, 0, 0, 1, 2, 0, 1, 0, 2, 'c', '1', 0, 2, 0, 4, 0, 0, 0, 5,
                            0, 3, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2, 0, 4, 0, 6 };
    const guint8 option[] = { 0, 11, 0, (guint8) session_size };

    g_byte_array_append (query, head, sizeof head);
    g_byte_array_append (query, group, sizeof group);
    g_byte_array_append (query, option, sizeof option);
    g_byte_array_append (query, session, session_size);
  }
  send_raw (socket, query->data, query->len);
  size = receive_one (socket, buffer, sizeof buffer);
  g_assert_cmpint (buffer[0], ==, 'A');
  value = find_option (buffer, size, 2, &length);
  g_assert_cmpmem (value, length, "\0\0\0\x05", 4);
  value = find_option (buffer, size, 4, &length);
  g_assert_cmpmem (value, length, group, sizeof group);
  value = find_option (buffer, size, 9, &length);
  g_assert_cmpmem (value, length, "\x40", 1);
  g_assert_null (find_option (buffer, size, 11, &length));

  /* The same query in a session the server never gave out. */
  query->data[query->len - 1] ^= 0xff;
  send_raw (socket, query->data, query->len);
  size = receive_one (socket, buffer, sizeof buffer);
  g_assert_cmpint (buffer[0], ==, 'S');
  g_assert_null (find_option (buffer, size, 11, &length));

  events = stop_server (server);
  g_assert_nonnull (find_session (events, "10.77.0.254", "239.7.7.7", 0));
}

/* Bytes from hex, for the captured datagrams below. */
static GByteArray *
from_hex (const char *hex)
{
  GByteArray *bytes = g_byte_array_new ();

  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      guint8 byte = (guint8) (g_ascii_xdigit_value (hex[i]) << 4 | g_ascii_xdigit_value (hex[i + 1]));

      g_byte_array_append (bytes, &byte, 1);
    }
  return bytes;
}

/* omping 0.0.5's init and first query as it sent them to chorus-cli
 * serve (tests/test-mping.c has them with the rest of the capture): a
 * 24-byte client id, the group as a Multicast Prefix and no Group in the
 * init; the query ends with the 16 bytes of Session ID it was given.
 * omping's client puts exactly 16 bytes there whatever it was given, so
 * a session must be 16 bytes for its queries to be answered; the answer
 * must echo its client id and carry TTL 64, unicast and to the group. */
#define OMPING_CLIENT_ID "00010018d27400000a4d0001ff87cb0526e96333bd54976ad0bf1a31"
#define OMPING_INIT  "490000000102" OMPING_CLIENT_ID "000a0007000120e82bd3ea"
#define OMPING_QUERY "510000000102" OMPING_CLIENT_ID "0002000400000001000300086b175b9f00090179" \
                     "000400060001e82bd3ea" "000b0010fd1508a3650e0b8c2bb4e935ef65e9f2"

static gboolean
captured_three (gpointer user_data)
{
  return chorus_test_capture_poll (user_data) >= 3;
}

static void
test_omping_replay (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (ChorusTestCapture) capture = NULL;
  g_autoptr (GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (any, 0);
  g_autoptr (GByteArray) init = from_hex (OMPING_INIT);
  g_autoptr (GByteArray) query = from_hex (OMPING_QUERY);
  g_autoptr (GByteArray) client_id = from_hex (OMPING_CLIENT_ID);
  g_autoptr (GPtrArray) events = NULL;
  const guint8 group[] = { 0, 1, 232, 43, 211, 234 };
  ChorusTestProc *server;
  JsonObject *summary;
  GPtrArray *payloads;
  guint8 buffer[2048];
  const guint8 *value;
  gsize size, length, session_size;

  SKIP_WITHOUT_LAN (fx);

  server = start_server (fx, 1);
  capture = chorus_test_capture_new (fx->lan, 1, &error);
  g_assert_no_error (error);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, local, FALSE, &error));
  g_socket_set_timeout (socket, 5);

  /* The init: its client id back, the group of its prefix, 16 bytes of
   * session. */
  send_raw (socket, init->data, init->len);
  size = receive_one (socket, buffer, sizeof buffer);
  g_assert_cmpint (buffer[0], ==, 'S');
  value = find_option (buffer, size, 1, &length);
  g_assert_nonnull (value);
  g_assert_cmpmem (value, length, client_id->data + 4, client_id->len - 4);
  value = find_option (buffer, size, 4, &length);
  g_assert_nonnull (value);
  g_assert_cmpmem (value, length, group, sizeof group);
  value = find_option (buffer, size, 11, &session_size);
  g_assert_nonnull (value);
  g_assert_cmpuint (session_size, ==, 16);

  /* The captured query, in the session this server gave. */
  memcpy (query->data + query->len - 16, value, 16);
  send_raw (socket, query->data, query->len);
  size = receive_one (socket, buffer, sizeof buffer);
  g_assert_cmpint (buffer[0], ==, 'A');
  value = find_option (buffer, size, 1, &length);
  g_assert_cmpmem (value, length, client_id->data + 4, client_id->len - 4);
  value = find_option (buffer, size, 2, &length);
  g_assert_cmpmem (value, length, "\0\0\0\x01", 4);
  value = find_option (buffer, size, 9, &length);
  g_assert_cmpmem (value, length, "\x40", 1);
  g_assert_null (find_option (buffer, size, 11, &length));

  /* The response and both copies of the answer left host 1. */
  if (!chorus_test_lan_spin_until (fx->lan, captured_three, capture, 5000))
    g_error ("host 1 sent %u datagrams, not 3", chorus_test_capture_poll (capture));
  payloads = chorus_test_capture_get_payloads (capture);
  g_assert_true (g_bytes_equal (g_ptr_array_index (payloads, 1), g_ptr_array_index (payloads, 2)));
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (payloads, 1), NULL),
                   g_bytes_get_size (g_ptr_array_index (payloads, 1)), buffer, size);

  /* The query as captured, in the session of another run: told to start
   * again, with no session. */
  g_clear_pointer (&query, g_byte_array_unref);
  query = from_hex (OMPING_QUERY);
  send_raw (socket, query->data, query->len);
  size = receive_one (socket, buffer, sizeof buffer);
  g_assert_cmpint (buffer[0], ==, 'S');
  g_assert_null (find_option (buffer, size, 4, &length));
  g_assert_null (find_option (buffer, size, 11, &length));

  events = stop_server (server);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "answered", -1), ==, 2);
  g_assert_cmpint (chorus_test_json_get_int (summary, "unknown_session", -1), ==, 1);
  g_assert_nonnull (find_session (events, "10.77.0.254", SSM_GROUP, 0));
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/serve/ssmping", Fixture, GUINT_TO_POINTER (2), cli_fixture_setup, test_ssmping,
              cli_fixture_teardown);
  g_test_add ("/serve/rfc6450-prefix", Fixture, GUINT_TO_POINTER (1), cli_fixture_setup,
              test_rfc6450_prefix, cli_fixture_teardown);
  g_test_add ("/serve/omping-replay", Fixture, GUINT_TO_POINTER (1), cli_fixture_setup,
              test_omping_replay, cli_fixture_teardown);
  g_test_add ("/serve/hostile", Fixture, GUINT_TO_POINTER (1), cli_fixture_setup, test_hostile,
              cli_fixture_teardown);
  g_test_add ("/serve/routed", Fixture, CLI_ROUTED (1, 1), cli_fixture_setup_routed, test_routed,
              cli_fixture_teardown);

  return g_test_run ();
}
