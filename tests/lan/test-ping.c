/* test-ping.c: chorus-cli ping against Debian's ssmpingd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A routed LAN (testlan.h): ssmpingd on host 1 (10.77.0.1, fd77::1),
 * clients on host 2, on the same segment, and on host 3, across the
 * router. ssmpingd answers every query by unicast and to the group,
 * both with TTL 64; the router takes one off.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "testcli.h"

#define SERVER  "10.77.0.1"
#define SERVER6 "fd77::1"
/* A ping run of a few queries; auto waits a second for RFC 6450 first. */
#define PING_TIMEOUT 30000
#define COUNT   "5"

/* ssmpingd on host 1, once its port is open. */
static void
start_ssmpingd (Fixture *fx)
{
  const char *const argv[] = { "ssmpingd", NULL };
  ChorusTestProc   *server = cli_spawn_argv (fx, 1, argv);

  /* It says nothing until asked: wait for its port (224.0.0.1, which
   * every host is in, with no user asked for: the port alone). Auto
   * spends a second on RFC 6450 first, time enough for its IPv6 socket
   * if that came second. */
  if (!chorus_test_proc_wait_joined (server, "224.0.0.1", 4321, 0, READY_TIMEOUT))
    {
      g_autofree char *log = chorus_test_proc_dup_stderr_text (server);

      g_error ("ssmpingd did not open port 4321 within %d ms (status %d): %s", READY_TIMEOUT,
               chorus_test_proc_get_status (server), log);
    }
}

static GPtrArray *
run_ping (Fixture    *fx,
          guint       host,
          int         status,
          const char *group,
          const char *server)
{
  ChorusTestProc *ping;

  if (group != NULL)
    ping = cli_spawn_chorus (fx, host, "ping", "--json", "-c", COUNT, "-i", "0.2", "-w", "1",
                             "-g", group, server, NULL);
  else
    ping = cli_spawn_chorus (fx, host, "ping", "--json", "-c", COUNT, "-i", "0.2", "-w", "1",
                             server, NULL);
  if (!chorus_test_proc_wait_exit (ping, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (ping, status);

  return cli_json_events (ping);
}

static JsonObject *
path_of (JsonObject *summary,
         const char *path)
{
  JsonObject *object = json_object_get_object_member (summary, path);

  g_assert_nonnull (object);
  return object;
}

static guint
count_replies (GPtrArray  *events,
               const char *path,
               gint64      hops)
{
  g_autoptr (GPtrArray) replies = chorus_test_json_filter (events, "reply");
  guint n = 0;

  for (guint i = 0; i < replies->len; i++)
    {
      JsonObject *reply = g_ptr_array_index (replies, i);

      if (g_strcmp0 (chorus_test_json_get_string (reply, "path"), path) != 0)
        continue;
      g_assert_cmpint (chorus_test_json_get_int (reply, "hops", -1), ==, hops);
      g_assert_cmpstr (chorus_test_json_get_string (reply, "verdict"), ==, "received");
      n++;
    }

  return n;
}

/* Every query answered both ways, with these hops. */
static void
assert_both_paths (GPtrArray  *events,
                   const char *group,
                   gboolean    source_specific,
                   gint64      hops)
{
  JsonObject *summary = cli_summary_of (events);
  JsonObject *unicast = path_of (summary, "unicast");
  JsonObject *multicast = path_of (summary, "multicast");

  g_assert_cmpstr (chorus_test_json_get_string (summary, "group"), ==, group);
  g_assert_cmpint (json_object_get_boolean_member (summary, "source_specific"), ==,
                   source_specific);
  /* ssmpingd does not know RFC 6450: auto fell back. */
  g_assert_cmpstr (chorus_test_json_get_string (summary, "protocol"), ==, "ssmping");
  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "multicast");
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 5);

  g_assert_cmpuint (count_replies (events, "unicast", hops), ==, 5);
  g_assert_cmpuint (count_replies (events, "multicast", hops), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (unicast, "received", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (unicast, "sent", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "received", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "sent", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "first_seq", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (multicast, "hops", -1), ==, hops);
  g_assert_false (json_object_get_boolean_member (multicast, "hops_estimated"));
  g_assert_cmpint (chorus_test_json_get_int (unicast, "hops", -1), ==, hops);
  g_assert_true (json_object_get_boolean_member (unicast, "hops_estimated"));
  g_assert_true (json_object_has_member (multicast, "first_answer_ms"));
}

static void
test_ssm_ipv4 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, NULL, SERVER);
  assert_both_paths (events, "232.43.211.234", TRUE, 0);
}

static void
test_asm_ipv4 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, "239.7.7.234", SERVER);
  assert_both_paths (events, "239.7.7.234", FALSE, 0);
}

static void
test_ssm_ipv6 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, NULL, SERVER6);
  assert_both_paths (events, "ff3e::4321:1234", TRUE, 0);
}

static void
test_asm_ipv6 (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 2, 0, "ff0e::4321:1234", SERVER6);
  assert_both_paths (events, "ff0e::4321:1234", FALSE, 0);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = run_ping (fx, 2, 0, "ff05::4321:1234", SERVER6);
  assert_both_paths (events, "ff05::4321:1234", FALSE, 0);
}

/* Across the router: answers sent with 64 arrive with 63, both ways,
 * IPv4 and IPv6. */
static void
test_router (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  events = run_ping (fx, 3, 0, NULL, SERVER);
  assert_both_paths (events, "232.43.211.234", TRUE, 1);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = run_ping (fx, 3, 0, NULL, SERVER6);
  assert_both_paths (events, "ff3e::4321:1234", TRUE, 1);
}

/* The router forwards unicast and not multicast: the classic broken
 * network. Every unicast answer comes, no multicast one; exit 1, and
 * the words for it. */
static void
test_multicast_broken (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  ChorusTestProc *ping;
  JsonObject     *summary;
  GPtrArray      *out;
  gboolean        said = FALSE;

  SKIP_WITHOUT_LAN (fx);

  chorus_test_lan_stop_routing_multicast (fx->lan, &error);
  g_assert_no_error (error);
  start_ssmpingd (fx);

  events = run_ping (fx, 3, 1, NULL, SERVER);
  summary = cli_summary_of (events);
  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "unicast-only");
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "unicast"), "received", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "multicast"), "received", -1), ==,
                   0);
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "multicast"), "sent", -1), ==, 5);
  g_assert_cmpuint (count_replies (events, "unicast", 1), ==, 5);
  g_assert_cmpuint (count_replies (events, "multicast", 1), ==, 0);

  /* In words, for people. */
  ping = cli_spawn_chorus (fx, 3, "ping", "-c", "2", "-i", "0.2", "-w", "0.5", SERVER, NULL);
  if (!chorus_test_proc_wait_exit (ping, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (ping, 1);
  out = chorus_test_proc_get_stdout (ping);
  for (guint i = 0; i < out->len; i++)
    said |= strcmp (g_ptr_array_index (out, i),
                    "multicast is not reaching this host; unicast is") == 0;
  g_assert_true (said);
}

/* Multicast that arrived and then stopped (the snooping switch that
 * forgets a group after a few minutes): the verdict says what is true
 * at the end, not that something once came. */
static void
test_multicast_stops (Fixture       *fx,
                      gconstpointer  data)
{
  const char *const nft[] = {
    "nft",
    "add table inet ping_test; "
    "add chain inet ping_test input { type filter hook input priority 0; policy accept; }; "
    "add rule inet ping_test input ip daddr 232.0.0.0/8 drop",
    NULL
  };
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *ping, *block;
  JsonObject     *summary, *unicast, *multicast;
  guint           from = 0;
  gint64          heard;

  SKIP_WITHOUT_LAN (fx);

  start_ssmpingd (fx);
  ping = cli_spawn_chorus (fx, 2, "ping", "--json", "--protocol", "ssmping", "-c", "12", "-i",
                           "0.2", "-w", "0.5", SERVER, NULL);
  for (guint i = 0; i < 2; i++)
    g_assert_nonnull (chorus_test_proc_wait_line (ping, FALSE, "\"path\":\"multicast\"", &from,
                                                  PING_TIMEOUT));
  /* The client's host stops taking the group in. */
  block = cli_spawn_argv (fx, 2, nft);
  cli_await_exit (block, 0);

  if (!chorus_test_proc_wait_exit (ping, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (ping, 1);
  events = cli_json_events (ping);
  summary = cli_summary_of (events);
  unicast = path_of (summary, "unicast");
  multicast = path_of (summary, "multicast");

  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "multicast-stopped");
  heard = chorus_test_json_get_int (multicast, "received", -1);
  g_assert_cmpint (heard, >=, 2);
  g_assert_cmpint (heard, <, 12);
  g_assert_true (json_object_get_boolean_member (multicast, "silent"));
  g_assert_cmpint (chorus_test_json_get_int (unicast, "received", -1), ==, 12);
  g_assert_false (json_object_get_boolean_member (unicast, "silent"));
}

/* RFC 6450 between two Chorus instances: auto finds it, and the server
 * says what TTL it sent with, so unicast hops are exact too. */
static void
test_chorus_serve (Fixture       *fx,
                   gconstpointer  data)
{
  ChorusTestProc *server;
  const char     *servers[] = { SERVER, SERVER6 };

  SKIP_WITHOUT_LAN (fx);

  server = cli_spawn_chorus (fx, 1, "serve", "--json", NULL);
  if (!chorus_test_proc_wait_line (server, FALSE, "\"ready\"", NULL, READY_TIMEOUT))
    g_error ("chorus-cli serve is not ready after %d ms", READY_TIMEOUT);

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    for (guint host = 2; host <= 3; host++)
      {
        g_autoptr (GPtrArray) events = run_ping (fx, host, 0, NULL, servers[i]);
        JsonObject *summary = cli_summary_of (events);
        gint64      hops = host == 3 ? 1 : 0;

        g_assert_cmpstr (chorus_test_json_get_string (summary, "protocol"), ==, "rfc6450");
        g_assert_cmpuint (count_replies (events, "unicast", hops), ==, 5);
        g_assert_cmpuint (count_replies (events, "multicast", hops), ==, 5);
        for (guint p = 0; p < 2; p++)
          {
            JsonObject *path = path_of (summary, p == 0 ? "unicast" : "multicast");

            g_assert_cmpint (chorus_test_json_get_int (path, "received", -1), ==, 5);
            g_assert_cmpint (chorus_test_json_get_int (path, "hops", -1), ==, hops);
            g_assert_false (json_object_get_boolean_member (path, "hops_estimated"));
          }
      }
}

/* omping 0.0.5's server, as its source and our captures of it show
 * (tests/test-mping.c), played by the test process on the bridge,
 * 10.77.0.254: an init without a Multicast Prefix that holds its group
 * (232.43.211.234/32) is refused with a Server Response that names that
 * prefix and gives no group nor session; otherwise the response gives
 * the group and a 16-byte session. A query is answered only in that
 * session, whole, with the query's options less Server Information,
 * Prefix, Session ID, TTL and Server Timestamp, then TTL 64: by unicast
 * and to the group at the client's port. A refusing one refuses every
 * init with the client id alone, as omping does a host it was not told
 * of. A forgetful one gives a new session after its first answer, as
 * omping does when it restarts, and tells queries in the old one to stop
 * with the client id alone. */
typedef struct
{
  GSocket *socket;
  ChorusTestProc *ping;
  gboolean refuse;
  gboolean forget;
  guint8 session[16];
  guint n_inits;
  guint n_prefixed;
  guint n_queries;
  guint n_in_session;
} FakeOmping;

#define FAKE_SERVER "10.77.0.254"

/* Option @type of @data (after its type byte), as a walk of our own:
 * the value, its length in *length; NULL if absent or malformed. */
static const guint8 *
fake_find (const guint8 *data,
           gsize         size,
           guint16       type,
           gsize        *length)
{
  for (gsize at = 1; at + 4 <= size;)
    {
      guint16 t = (guint16) (data[at] << 8 | data[at + 1]);
      gsize n = (gsize) (data[at + 2] << 8 | data[at + 3]);

      if (at + 4 + n > size)
        return NULL;
      if (t == type)
        {
          *length = n;
          return data + at + 4;
        }
      at += 4 + n;
    }
  return NULL;
}

static void
fake_append (GByteArray   *out,
             guint16       type,
             const guint8 *value,
             gsize         length)
{
  const guint8 header[] = { type >> 8, type & 0xff, length >> 8, length & 0xff };

  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, value, length);
}

static void
fake_send (FakeOmping    *fake,
           GByteArray    *out,
           GSocketAddress *to)
{
  g_autoptr (GError) error = NULL;

  g_socket_send_to (fake->socket, to, (const char *) out->data, out->len, NULL, &error);
  g_assert_no_error (error);
}

static void
fake_take (FakeOmping     *fake,
           const guint8   *data,
           gsize           size,
           GSocketAddress *from)
{
  static const guint8 version[] = { 2 };
  static const guint8 group[] = { 0, 1, 232, 43, 211, 234 };
  static const guint8 prefix[] = { 0, 1, 32, 232, 43, 211, 234 };
  static const guint8 ttl[] = { 64 };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  const guint8 *client_id, *value;
  gsize client_id_size = 0, length;

  client_id = fake_find (data, size, 1, &client_id_size);
  if (size < 1 || client_id == NULL)
    return;

  if (data[0] == 'I')
    {
      fake->n_inits++;
      value = fake_find (data, size, 10, &length);
      if (value != NULL && length == sizeof prefix && memcmp (value, prefix, length) == 0)
        fake->n_prefixed++;
      g_byte_array_append (out, (const guint8 *) "S", 1);
      fake_append (out, 0, version, 1);
      fake_append (out, 1, client_id, client_id_size);
      if (!fake->refuse && value != NULL && length == sizeof prefix
          && memcmp (value, prefix, length) == 0)
        {
          fake_append (out, 4, group, sizeof group);
          fake_append (out, 11, fake->session, sizeof fake->session);
        }
      else if (!fake->refuse)
        fake_append (out, 10, prefix, sizeof prefix);
      fake_send (fake, out, from);
      return;
    }

  if (data[0] != 'Q')
    return;
  fake->n_queries++;
  value = fake_find (data, size, 11, &length);
  if (value == NULL || length != sizeof fake->session
      || memcmp (value, fake->session, length) != 0)
    {
      g_byte_array_append (out, (const guint8 *) "S", 1);
      fake_append (out, 0, version, 1);
      fake_append (out, 1, client_id, client_id_size);
      fake_send (fake, out, from);
      return;
    }
  fake->n_in_session++;
  if (fake->forget && fake->n_in_session == 1)
    for (guint i = 0; i < sizeof fake->session; i++)
      fake->session[i] ^= 0xff;

  g_byte_array_append (out, (const guint8 *) "A", 1);
  for (gsize at = 1; at + 4 <= size;)
    {
      guint16 t = (guint16) (data[at] << 8 | data[at + 1]);
      gsize n = (gsize) (data[at + 2] << 8 | data[at + 3]);

      g_assert_cmpuint (at + 4 + n, <=, size);
      if (t != 6 && t != 10 && t != 11 && t != 9 && t != 12)
        g_byte_array_append (out, data + at, 4 + n);
      at += 4 + n;
    }
  fake_append (out, 9, ttl, sizeof ttl);
  fake_send (fake, out, from);
  {
    g_autoptr (GInetAddress) address = g_inet_address_new_from_bytes (group + 2,
                                                                      G_SOCKET_FAMILY_IPV4);
    g_autoptr (GSocketAddress) to = g_inet_socket_address_new (
      address, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from)));

    fake_send (fake, out, to);
  }
}

static gboolean
fake_serve (gpointer user_data)
{
  FakeOmping *fake = user_data;
  guint8 buffer[2048];

  while (g_socket_condition_check (fake->socket, G_IO_IN))
    {
      g_autoptr (GSocketAddress) from = NULL;
      gssize n = g_socket_receive_from (fake->socket, &from, (char *) buffer, sizeof buffer, NULL,
                                        NULL);

      if (n > 0)
        fake_take (fake, buffer, (gsize) n, from);
    }

  return chorus_test_proc_get_status (fake->ping) != -1;
}

static GPtrArray *
run_against_fake (Fixture    *fx,
                  FakeOmping *fake,
                  const char *count,
                  int         status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) self = g_inet_address_new_from_string (FAKE_SERVER);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (self, 4321);
  struct in_addr interface;
  int ttl = 64;

  fake->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (fake->socket, local, FALSE, &error));
  g_socket_set_blocking (fake->socket, FALSE);
  /* Answers to the group leave by way of the bridge, with TTL 64. */
  inet_pton (AF_INET, FAKE_SERVER, &interface);
  g_assert_cmpint (setsockopt (g_socket_get_fd (fake->socket), IPPROTO_IP, IP_MULTICAST_IF,
                               &interface, sizeof interface), ==, 0);
  g_assert_cmpint (setsockopt (g_socket_get_fd (fake->socket), IPPROTO_IP, IP_MULTICAST_TTL,
                               &ttl, sizeof ttl), ==, 0);
  for (guint i = 0; i < sizeof fake->session; i++)
    fake->session[i] = (guint8) g_random_int ();

  fake->ping = cli_spawn_chorus (fx, 1, "ping", "--json", "--protocol", "rfc6450", "-c", count,
                                 "-i", "0.2", "-w", "1", FAKE_SERVER, NULL);
  if (!chorus_test_lan_spin_until (fx->lan, fake_serve, fake, PING_TIMEOUT))
    g_error ("ping still running after %d ms", PING_TIMEOUT);
  cli_await_exit (fake->ping, status);
  g_clear_object (&fake->socket);

  return cli_json_events (fake->ping);
}

static void
test_omping (Fixture       *fx,
             gconstpointer  data)
{
  FakeOmping fake = { 0 };
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *log = NULL;
  JsonObject *summary;

  SKIP_WITHOUT_LAN (fx);

  events = run_against_fake (fx, &fake, "3", 0);
  g_assert_cmpuint (fake.n_inits, >=, 1);
  g_assert_cmpuint (fake.n_prefixed, ==, fake.n_inits);
  g_assert_cmpuint (fake.n_queries, ==, 3);
  g_assert_cmpuint (fake.n_in_session, ==, 3);
  summary = cli_summary_of (events);
  g_assert_cmpstr (chorus_test_json_get_string (summary, "protocol"), ==, "rfc6450");
  g_assert_cmpstr (chorus_test_json_get_string (summary, "verdict"), ==, "multicast");
  g_assert_cmpuint (count_replies (events, "unicast", 0), ==, 3);
  g_assert_cmpuint (count_replies (events, "multicast", 0), ==, 3);
  g_assert_cmpint (chorus_test_json_get_int (summary, "ignored", -1), ==, 0);

  /* Refused: said so, nothing queried. */
  g_clear_pointer (&events, g_ptr_array_unref);
  fake = (FakeOmping) { .refuse = TRUE };
  events = run_against_fake (fx, &fake, "3", 1);
  g_assert_cmpuint (fake.n_inits, ==, 1);
  g_assert_cmpuint (fake.n_queries, ==, 0);
  log = chorus_test_proc_dup_stderr_text (fake.ping);
  g_assert_nonnull (strstr (log, FAKE_SERVER " refused the multicast ping"));

  /* Forgotten after the first answer: told to stop, the client sends an
   * init again a second after its first one (not before: omping ignores
   * inits closer together), and the queries after it are answered in the
   * new session. Ten queries, one every 0.2 s. */
  g_clear_pointer (&events, g_ptr_array_unref);
  fake = (FakeOmping) { .forget = TRUE };
  events = run_against_fake (fx, &fake, "10", 0);
  g_assert_cmpuint (fake.n_inits, ==, 2);
  g_assert_cmpuint (fake.n_queries, ==, 10);
  g_assert_cmpuint (fake.n_in_session, >=, 3);
  g_assert_cmpuint (fake.n_in_session, <=, 6);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (path_of (summary, "unicast"), "received", -1), ==,
                   fake.n_in_session);
}

/* Invalid input: exit 2, before anything is sent. */
static void
test_invalid (Fixture       *fx,
              gconstpointer  data)
{
  const char *const cases[][4] = {
    { "ping", "not-an-address", NULL },
    { "ping", "-g", "ff3e::4321:1234", SERVER },
    { "ping", "--protocol", "ssmping", "-g" },
    { "ping", "--protocol", "bogus", SERVER },
    { "ping", "224.1.1.1", NULL },
  };

  SKIP_WITHOUT_LAN (fx);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[8] = { cli_path () };

      for (guint j = 0; j < 4 && cases[i][j] != NULL; j++)
        argv[j + 1] = cases[i][j];
      /* --protocol ssmping with a group ssmpingd does not serve. */
      if (i == 2)
        {
          argv[5] = "239.1.2.3";
          argv[6] = SERVER;
        }
      cli_await_exit (cli_spawn_argv (fx, 2, argv), 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add ("/ping/" path, Fixture, CLI_ROUTED (2, 1), cli_fixture_setup_routed, func,           \
              cli_fixture_teardown)

  ADD ("ssmpingd/ssm-ipv4", test_ssm_ipv4);
  ADD ("ssmpingd/asm-ipv4", test_asm_ipv4);
  ADD ("ssmpingd/ssm-ipv6", test_ssm_ipv6);
  ADD ("ssmpingd/asm-ipv6", test_asm_ipv6);
  ADD ("ssmpingd/router", test_router);
  ADD ("ssmpingd/multicast-broken", test_multicast_broken);
  ADD ("ssmpingd/multicast-stops", test_multicast_stops);
  ADD ("chorus-serve", test_chorus_serve);
  ADD ("invalid", test_invalid);

#undef ADD

  /* A flat LAN of one host: the test process plays omping's server. */
  g_test_add ("/ping/omping", Fixture, GUINT_TO_POINTER (1), cli_fixture_setup, test_omping,
              cli_fixture_teardown);

  return g_test_run ();
}
