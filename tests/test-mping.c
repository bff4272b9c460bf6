/* test-mping.c: multicast ping messages of both generations on byte vectors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-mping.h"
#include "chorus-mping-server.h"

typedef struct
{
  const char *name;
  const char *hex;
} Vector;

/* The ssmping 0.9 vectors are our own captures: Debian 12's ssmping
 * 0.9.1 and ssmpingd in a private namespace LAN (tests/lan/testlan-shell 2),
 * read off eth0 of the client host with an AF_PACKET socket. */
static const Vector ssmping_vectors[] = {
  /* ssmping -4 -c 2 10.77.0.1: client id (pid), seq, timestamp, group 232.43.211.234 */
  { "ssmping-query-ipv4",
    "5100010004000022e10002000400000001000300086b0e0037000ce08a0004000501e82bd3ea" },
  /* ssmpingd's answer to it, unicast and to the group alike: the query with type 'A' */
  { "ssmping-answer-ipv4",
    "4100010004000022e10002000400000001000300086b0e0037000ce08a0004000501e82bd3ea" },
  /* ssmping -4 -v -s 100: an empty option request (5) and size 100 (7) */
  { "ssmping-query-v-size",
    "5100010004000022fc0002000400000001000300086b0e0039000cef7d000500000007000200640004000501e82bd3ea" },
  /* ssmpingd's answer: echo, then server info (6) and pad (8) to 100 bytes */
  { "ssmping-answer-v-size",
    "4100010004000022fc0002000400000001000300086b0e0039000cef7d000500000007000200640004000501e82bd3ea"
    "0006001c302e392e312028323030383034313829205b61736d5d5b73697a655d0008001000000000000000000000000000000000" },
  /* ssmping -6 -c 1 fd77::1: group ff3e::4321:1234, family 2 in one byte */
  { "ssmping-query-ipv6",
    "510001000400003bb30002000400000001000300086b0e00fc000a133f0004001102ff3e0000000000000000000043211234" },
  { "ssmping-answer-ipv6",
    "410001000400003bb30002000400000001000300086b0e00fc000a133f0004001102ff3e0000000000000000000043211234" },
};

/* RFC 6450 vectors, written from its layout: Version option (0, length
 * 1, value 2) first, 16-bit address family numbers. */
static const Vector rfc6450_vectors[] = {
  /* Init: version, client id "c1", option request [server info], prefix 232.0.0.0/8 */
  { "rfc6450-init",
    "49" "000000010" "2" "000100026331" "000500020006" "000a0004" "000108e8" },
  /* Server Response: version, client id, group 232.43.211.234, server info "x", session id */
  { "rfc6450-response",
    "53" "0000000102" "000100026331" "0004000600" "01e82bd3ea" "0006000178" "000b0002abcd" },
  /* Query: version, client id, seq 7, client timestamp, group, option request [server timestamp], session id */
  { "rfc6450-query",
    "51" "0000000102" "000100026331" "0002000400000007" "000300080000000100000002"
    "0004000600" "01e82bd3ea" "00050002000c" "000b0002abcd" },
  /* Answer: the query's echo without the session id, then TTL 64 and server timestamp */
  { "rfc6450-answer",
    "41" "0000000102" "000100026331" "0002000400000007" "000300080000000100000002"
    "0004000600" "01e82bd3ea" "00050002000c" "0009000140" "000c00080000000300000004" },
  /* Query, IPv6 group ff3e::4321:1234 and an unknown option 4660 */
  { "rfc6450-query-ipv6-unknown",
    "51" "0000000102" "0002000400000001" "000300080000000100000002"
    "0004001200" "02ff3e0000000000000000000043211234" "12340003616263" },
};

/* omping 0.0.5 (github.com/troglobit/omping at 359e1b7), our own
 * captures in a private namespace LAN (tests/lan/testlan-shell 2, tcpdump
 * on br0), host 1 at 10.77.0.1 / fd77::1, host 2 at 10.77.0.2 / fd77::2,
 * everything at port 4321. omping's Client ID is 24 bytes, its Session
 * ID 16; its init names the groups it takes as a Multicast Prefix (its
 * group, /32 or /128) and carries no Group. */
enum
{
  OMPING_INIT_IPV4,
  OMPING_RESPONSE_IPV4,
  OMPING_QUERY_IPV4,
  OMPING_ANSWER_IPV4,
  OMPING_INIT_IPV6,
  OMPING_RESPONSE_IPV6,
  OMPING_QUERY_IPV6,
  OMPING_ANSWER_IPV6,
  OMPING_STOP,
  OMPING_QUERY_TO_CHORUS,
  CHORUS_QUERY_TO_OMPING,
  OMPING_RESPONSE_TO_CHORUS,
  OMPING_ANSWER_TO_CHORUS,
  OMPING_REFUSAL_PREFIX,
  OMPING_REFUSAL_OTHER_GROUP,
  OMPING_REFUSAL_NOT_LISTED,
  N_OMPING_VECTORS
};

static const Vector omping_vectors[] = {
  /* omping -F -c 2 -i 0.3 10.77.0.1 10.77.0.2 on both hosts: host 2's
   * init (version, client id, prefix 232.43.211.234/32) … */
  [OMPING_INIT_IPV4] = { "omping-init-ipv4",
    "49" "0000000102" "00010018" "2e0600000a4d0002ce2d8eec36bae3ca627da5d0e5d3d1fb"
    "000a0007" "000120e82bd3ea" },
  /* … host 1's Server Response: version, client id, group, session id … */
  [OMPING_RESPONSE_IPV4] = { "omping-response-ipv4",
    "53" "0000000102" "00010018" "2e0600000a4d0002ce2d8eec36bae3ca627da5d0e5d3d1fb"
    "00040006" "0001e82bd3ea" "000b0010" "2f06000000daddbde33fef546e02a63c" },
  /* … host 2's first query: version, client id, seq 1, client timestamp,
   * group, the session id whole … */
  [OMPING_QUERY_IPV4] = { "omping-query-ipv4",
    "51" "0000000102" "00010018" "2e0600000a4d0002ce2d8eec36bae3ca627da5d0e5d3d1fb"
    "0002000400000001" "000300086b175bf500031874" "00040006" "0001e82bd3ea"
    "000b0010" "2f06000000daddbde33fef546e02a63c" },
  /* … and host 1's answer, unicast and to the group alike: the query less
   * its session, then TTL 64. */
  [OMPING_ANSWER_IPV4] = { "omping-answer-ipv4",
    "41" "0000000102" "00010018" "2e0600000a4d0002ce2d8eec36bae3ca627da5d0e5d3d1fb"
    "0002000400000001" "000300086b175bf500031874" "00040006" "0001e82bd3ea" "0009000140" },
  /* The same over IPv6, fd77::1 and fd77::2, prefix ff3e::4321:1234/128. */
  [OMPING_INIT_IPV6] = { "omping-init-ipv6",
    "49" "0000000102" "00010018" "3b070000fd7700000000000000000000000000024ed836cc"
    "000a0013" "000280ff3e0000000000000000000043211234" },
  [OMPING_RESPONSE_IPV6] = { "omping-response-ipv6",
    "53" "0000000102" "00010018" "3b070000fd7700000000000000000000000000024ed836cc"
    "00040012" "0002ff3e0000000000000000000043211234" "000b0010" "3c070000ce33f071421cfce0dec2ac84" },
  [OMPING_QUERY_IPV6] = { "omping-query-ipv6",
    "51" "0000000102" "00010018" "3b070000fd7700000000000000000000000000024ed836cc"
    "0002000400000001" "000300086b175bf8000abc41" "00040012" "0002ff3e0000000000000000000043211234"
    "000b0010" "3c070000ce33f071421cfce0dec2ac84" },
  [OMPING_ANSWER_IPV6] = { "omping-answer-ipv6",
    "41" "0000000102" "00010018" "3b070000fd7700000000000000000000000000024ed836cc"
    "0002000400000001" "000300086b175bf8000abc41" "00040012" "0002ff3e0000000000000000000043211234"
    "0009000140" },
  /* omping's "stop": a Server Response with the client id alone, to an
   * init that came too soon after the other host's. */
  [OMPING_STOP] = { "omping-stop",
    "53" "0000000102" "00010018" "3c070000fd7700000000000000000000000000014ed836cc" },
  /* omping (host 1) against chorus-cli serve (host 2): the query in the
   * session chorus-cli serve gave, 16 bytes, echoed whole. */
  [OMPING_QUERY_TO_CHORUS] = { "omping-query-to-chorus",
    "51" "0000000102" "00010018" "d27400000a4d0001ff87cb0526e96333bd54976ad0bf1a31"
    "0002000400000001" "000300086b175b9f00090179" "00040006" "0001e82bd3ea"
    "000b0010" "fd1508a3650e0b8c2bb4e935ef65e9f2" },
  /* chorus-cli ping (host 1) against omping (host 2): Chorus's query,
   * 4-byte client id, in omping's session … */
  [CHORUS_QUERY_TO_OMPING] = { "chorus-query-to-omping",
    "51" "0000000102" "00010004" "886bd6b9" "0002000400000001" "000300086b175ba300087b10"
    "00040006" "0001e82bd3ea" "000b0010" "e175000090faf7d256c320013329ef58" },
  /* … omping's Server Response to Chorus's init, which gave that session … */
  [OMPING_RESPONSE_TO_CHORUS] = { "omping-response-to-chorus",
    "53" "0000000102" "00010004" "886bd6b9" "00040006" "0001e82bd3ea"
    "000b0010" "e175000090faf7d256c320013329ef58" },
  /* … and omping's answer to the query. */
  [OMPING_ANSWER_TO_CHORUS] = { "omping-answer-to-chorus",
    "41" "0000000102" "00010004" "886bd6b9" "0002000400000001" "000300086b175ba300087b10"
    "00040006" "0001e82bd3ea" "0009000140" },
  /* omping refusing inits. One without a Multicast Prefix (as Chorus
   * sent before): its own group as a prefix, no group, no session. */
  [OMPING_REFUSAL_PREFIX] = { "omping-refusal-prefix",
    "53" "0000000102" "00010004" "7a2e4b3d" "000a0007" "000120e82bd3ea" },
  /* One whose prefix (239.1.1.1/32) does not hold omping's group: the same. */
  [OMPING_REFUSAL_OTHER_GROUP] = { "omping-refusal-other-group",
    "53" "0000000102" "00010004" "7529cabc" "000a0007" "000120e82bd3ea" },
  /* One from a host not named on omping's command line: the client id alone. */
  [OMPING_REFUSAL_NOT_LISTED] = { "omping-refusal-not-listed",
    "53" "0000000102" "00010004" "55f0c67f" },
};
G_STATIC_ASSERT (G_N_ELEMENTS (omping_vectors) == N_OMPING_VECTORS);

static GBytes *
from_hex (const char *hex)
{
  gsize n = strlen (hex) / 2;
  guint8 *data = g_malloc (n);

  g_assert_cmpuint (strlen (hex) % 2, ==, 0);
  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, n);
}

/* Parses @bytes from an exact-size heap copy, so that ASan/valgrind
 * would see a read past the end. */
static gboolean
parse_exact (const guint8        *data,
             gsize                size,
             ChorusMpingMessage  *msg,
             GError             **error)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);

  /* The message borrows from @copy: callers only look at its fixed fields. */
  return chorus_mping_parse (size > 0 ? copy : NULL, size, msg, error);
}

static void
check_round_trip (const Vector          *vector,
                  ChorusMpingGeneration  generation)
{
  g_autoptr(GBytes) bytes = from_hex (vector->hex);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  ChorusMpingMessage msg;
  g_autoptr(GError) error = NULL;
  guint8 buffer[512];
  gsize encoded;

  g_test_message ("%s", vector->name);
  g_assert_cmpint (chorus_mping_detect (data, size), ==, generation);
  g_assert_true (chorus_mping_parse (data, size, &msg, &error));
  g_assert_no_error (error);
  g_assert_cmpint (msg.generation, ==, generation);
  g_assert_cmpuint (chorus_mping_encoded_size (&msg), ==, size);
  encoded = chorus_mping_encode (&msg, buffer, sizeof buffer);
  g_assert_cmpmem (buffer, encoded, data, size);
  /* One byte short of room: nothing written. */
  g_assert_cmpuint (chorus_mping_encode (&msg, buffer, size - 1), ==, 0);
}

static void
test_round_trip (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ssmping_vectors); i++)
    check_round_trip (&ssmping_vectors[i], CHORUS_MPING_GENERATION_SSMPING);
  for (gsize i = 0; i < G_N_ELEMENTS (rfc6450_vectors); i++)
    check_round_trip (&rfc6450_vectors[i], CHORUS_MPING_GENERATION_RFC6450);
  for (gsize i = 0; i < G_N_ELEMENTS (omping_vectors); i++)
    check_round_trip (&omping_vectors[i], CHORUS_MPING_GENERATION_RFC6450);
}

static void
test_ssmping_fields (void)
{
  g_autoptr(GBytes) bytes = from_hex (ssmping_vectors[3].hex);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  ChorusMpingMessage msg;
  g_autoptr(GInetAddress) group = NULL;
  g_autofree char *text = NULL;

  g_assert_true (chorus_mping_parse (data, size, &msg, NULL));
  g_assert_cmpint (msg.type, ==, CHORUS_MPING_TYPE_ANSWER);
  g_assert_false (CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_VERSION));
  g_assert_cmpuint (msg.client_id_size, ==, 4);
  g_assert_cmpuint (msg.seq, ==, 1);
  g_assert_cmpuint (msg.client_sec, ==, 0x6b0e0039);
  g_assert_cmpuint (msg.client_usec, ==, 0x000cef7d);
  g_assert_cmpuint (msg.size, ==, 100);
  g_assert_cmpuint (msg.pad_size, ==, 16);
  g_assert_cmpmem (msg.server_info, msg.server_info_size, "0.9.1 (20080418) [asm][size]", 28);
  g_assert_true (chorus_mping_message_requests (&msg, CHORUS_MPING_OPTION_SERVER_INFO));
  group = chorus_mping_message_get_group (&msg);
  text = g_inet_address_to_string (group);
  g_assert_cmpstr (text, ==, CHORUS_MPING_GROUP_IPV4);
}

static void
check_answer (const Vector *query_vector,
              const Vector *answer_vector,
              const char   *server_info,
              gint64        now_usec)
{
  g_autoptr(GBytes) query_bytes = from_hex (query_vector->hex);
  g_autoptr(GBytes) answer_bytes = from_hex (answer_vector->hex);
  ChorusMpingMessage query, answer;
  g_autoptr(GError) error = NULL;
  guint8 buffer[512];
  gsize encoded;

  g_assert_true (chorus_mping_parse (g_bytes_get_data (query_bytes, NULL),
                                     g_bytes_get_size (query_bytes), &query, NULL));
  g_assert_true (chorus_mping_make_answer (&query, server_info, now_usec, &answer, &error));
  g_assert_no_error (error);
  encoded = chorus_mping_encode (&answer, buffer, sizeof buffer);
  g_assert_cmpmem (buffer, encoded, g_bytes_get_data (answer_bytes, NULL), g_bytes_get_size (answer_bytes));

  /* An answer is not answered. */
  g_assert_false (chorus_mping_make_answer (&answer, server_info, now_usec, &query, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
}

static void
test_answer (void)
{
  /* Byte for byte what ssmpingd 0.9.1 answered. */
  check_answer (&ssmping_vectors[0], &ssmping_vectors[1], "0.9.1 (20080418) [asm][size]", 0);
  check_answer (&ssmping_vectors[2], &ssmping_vectors[3], "0.9.1 (20080418) [asm][size]", 0);
  check_answer (&ssmping_vectors[4], &ssmping_vectors[5], "0.9.1 (20080418) [asm][size]", 0);
  check_answer (&rfc6450_vectors[2], &rfc6450_vectors[3], "x", 3 * G_USEC_PER_SEC + 4);
}

static void
test_server_response (void)
{
  g_autoptr(GBytes) init_bytes = from_hex (rfc6450_vectors[0].hex);
  g_autoptr(GBytes) response_bytes = from_hex (rfc6450_vectors[1].hex);
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (CHORUS_MPING_GROUP_IPV4);
  g_autoptr(GInetAddress) unicast = g_inet_address_new_from_string ("10.0.0.1");
  static const guint8 session[] = { 0xab, 0xcd };
  ChorusMpingMessage init, response;
  g_autoptr(GError) error = NULL;
  guint8 buffer[512];
  gsize encoded;

  g_assert_true (chorus_mping_parse (g_bytes_get_data (init_bytes, NULL),
                                     g_bytes_get_size (init_bytes), &init, NULL));
  g_assert_cmpuint (init.prefix_length, ==, 8);
  g_assert_cmpuint (init.prefix.bytes[0], ==, 232);
  g_assert_true (chorus_mping_make_server_response (&init, group, session, sizeof session, "x",
                                                    &response, &error));
  g_assert_no_error (error);
  encoded = chorus_mping_encode (&response, buffer, sizeof buffer);
  g_assert_cmpmem (buffer, encoded, g_bytes_get_data (response_bytes, NULL), g_bytes_get_size (response_bytes));

  g_assert_false (chorus_mping_make_server_response (&init, unicast, NULL, 0, NULL, &response, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
}

/* Every prefix of every vector, from an exact-size heap copy: a prefix
 * that ends inside an option is rejected, one that ends between options
 * is rejected only if it lacks a required one. None reads past its end. */
static void
test_truncations (void)
{
  const Vector *all[G_N_ELEMENTS (ssmping_vectors) + G_N_ELEMENTS (rfc6450_vectors)
                    + G_N_ELEMENTS (omping_vectors)];
  gsize n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (ssmping_vectors); i++)
    all[n++] = &ssmping_vectors[i];
  for (gsize i = 0; i < G_N_ELEMENTS (rfc6450_vectors); i++)
    all[n++] = &rfc6450_vectors[i];
  for (gsize i = 0; i < G_N_ELEMENTS (omping_vectors); i++)
    all[n++] = &omping_vectors[i];

  for (gsize v = 0; v < n; v++)
    {
      g_autoptr(GBytes) bytes = from_hex (all[v]->hex);
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      for (gsize cut = 0; cut < size; cut++)
        {
          ChorusMpingMessage msg;
          g_autoptr(GError) error = NULL;
          gboolean ok = parse_exact (data, cut, &msg, &error);

          if (!ok)
            {
              g_assert_nonnull (error);
              g_assert_true (error->domain == CHORUS_ERROR);
            }
          else
            g_assert_cmpuint (chorus_mping_encoded_size (&msg), ==, cut);
        }
    }
}

typedef struct
{
  const char *name;
  const char *hex;
  int         code;
} Malformed;

static const Malformed malformed[] = {
  { "empty", "", CHORUS_ERROR_INVALID_VALUE },
  { "not a type", "58000000010200020004000000010003000800000001000000020004000600" "01e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "ssmping init", "4900010004000022e1", CHORUS_ERROR_INVALID_VALUE },
  { "length past the end", "510002ffff00000001", CHORUS_ERROR_INVALID_VALUE },
  { "half a header", "5100020004000000010003", CHORUS_ERROR_INVALID_VALUE },
  { "seq of 3 bytes", "51000200030000010003000800000001000000020004000501e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "timestamp of 4", "5100020004000000010003000400000001" "0004000501e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "duplicate seq", "510002000400000001000200040000000200030008000000010000000200040005" "01e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "unicast group", "5100020004000000010003000800000001000000020004000501" "0a000001", CHORUS_ERROR_INVALID_GROUP },
  { "group family 3", "51000200040000000100030008000000010000000200040005" "03e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "ipv6 group of 4 bytes", "51000200040000000100030008000000010000000200040005" "02ff3e0000", CHORUS_ERROR_INVALID_VALUE },
  { "missing group", "5100020004000000010003000800000001000000020000", CHORUS_ERROR_INVALID_VALUE },
  { "missing seq", "51000300080000000100000002" "0004000501e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "odd option request", "510002000400000001000300080000000100000002000500010600040005" "01e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "version 1", "51000000010100020004000000010003000800000001000000020004000600" "01e82bd3ea", CHORUS_ERROR_UNSUPPORTED },
  { "version 3", "51000000010300020004000000010003000800000001000000020004000600" "01e82bd3ea", CHORUS_ERROR_UNSUPPORTED },
  { "version of 2 bytes", "5100000002000200020004000000010003000800000001000000020004000600" "01e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "duplicate version", "510000000102" "0000000102" "00020004000000010003000800000001000000020004000600" "01e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "rfc group with 1-byte family", "5100000001020002000400000001000300080000000100000002" "0004000501e82bd3ea", CHORUS_ERROR_INVALID_VALUE },
  { "empty rfc option request", "5100000001020002000400000001000300080000000100000002000400060001e82bd3ea00050000", CHORUS_ERROR_INVALID_VALUE },
  { "init without client id", "490000000102", CHORUS_ERROR_INVALID_VALUE },
  { "empty client id", "4900000001020001000000", CHORUS_ERROR_INVALID_VALUE },
  { "prefix longer than its bytes", "4900000001020001000163000a0004000110e8", CHORUS_ERROR_INVALID_VALUE },
  { "prefix /33", "4900000001020001000163000a0008000121e8000000", CHORUS_ERROR_INVALID_VALUE },
  { "ttl of 2 bytes", "41000000010200020004000000010003000800000001000000020004000600" "01e82bd3ea00090002ffff", CHORUS_ERROR_INVALID_VALUE },
  { "nine unknown options", "490000000102000100016300200000002000000020000000200000002000000020000000200000002000000020000000200000", CHORUS_ERROR_INVALID_VALUE },
};

static void
test_malformed (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) bytes = from_hex (malformed[i].hex);
      ChorusMpingMessage msg;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", malformed[i].name);
      g_assert_false (parse_exact (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &msg, &error));
      g_assert_error (error, CHORUS_ERROR, malformed[i].code);
    }
}

/* Unknown options are kept, in order, and echoed in the answer. */
static void
test_unknown_echoed (void)
{
  g_autoptr(GBytes) bytes = from_hex (rfc6450_vectors[4].hex);
  ChorusMpingMessage query, answer;
  guint8 buffer[512];
  gsize encoded;
  ChorusMpingMessage back;

  g_assert_true (chorus_mping_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &query, NULL));
  g_assert_cmpuint (query.n_unknown, ==, 1);
  g_assert_cmpuint (query.unknown[0].type, ==, 0x1234);
  g_assert_cmpmem (query.unknown[0].value, query.unknown[0].size, "abc", 3);
  g_assert_true (chorus_mping_make_answer (&query, NULL, 0, &answer, NULL));
  encoded = chorus_mping_encode (&answer, buffer, sizeof buffer);
  g_assert_cmpuint (encoded, >, 0);
  g_assert_true (chorus_mping_parse (buffer, encoded, &back, NULL));
  g_assert_cmpuint (back.n_unknown, ==, 1);
  g_assert_cmpuint (back.ttl, ==, CHORUS_MPING_TTL);
  g_assert_false (CHORUS_MPING_HAS (&back, CHORUS_MPING_OPTION_SERVER_TIMESTAMP));
  g_assert_cmpmem (back.unknown[0].value, back.unknown[0].size, "abc", 3);
}

/* A query built by hand, as a client does, parses back. */
static void
test_build_query (void)
{
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (CHORUS_MPING_GROUP_IPV6);
  g_autoptr(GInetAddress) unicast = g_inet_address_new_from_string ("2001:db8::1");
  ChorusMpingMessage msg, back;
  guint8 buffer[256];
  gsize size;

  for (int g = CHORUS_MPING_GENERATION_SSMPING; g <= CHORUS_MPING_GENERATION_RFC6450; g++)
    {
      chorus_mping_message_init (&msg, g, CHORUS_MPING_TYPE_QUERY);
      g_assert_false (chorus_mping_message_set_group (&msg, unicast));
      g_assert_true (chorus_mping_message_set_group (&msg, group));
      msg.seq = 42;
      msg.client_sec = 1;
      msg.client_usec = 2;
      msg.present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_SEQ)
                     | CHORUS_MPING_BIT (CHORUS_MPING_OPTION_CLIENT_TIMESTAMP);
      size = chorus_mping_encode (&msg, buffer, sizeof buffer);
      g_assert_cmpuint (size, >, 0);
      g_assert_cmpint (chorus_mping_detect (buffer, size), ==, g);
      g_assert_true (chorus_mping_parse (buffer, size, &back, NULL));
      g_assert_cmpuint (back.seq, ==, 42);
      g_assert_cmpuint (back.group.family, ==, G_SOCKET_FAMILY_IPV6);
    }
}

static void
parse_vector (const Vector       *vector,
              GBytes            **bytes,
              ChorusMpingMessage *msg)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("%s", vector->name);
  *bytes = from_hex (vector->hex);
  g_assert_true (chorus_mping_parse (g_bytes_get_data (*bytes, NULL), g_bytes_get_size (*bytes),
                                     msg, &error));
  g_assert_no_error (error);
}

/* omping's client against a Chorus server: Chorus answers omping's init
 * and query with the very bytes omping's own server answered them with
 * (given omping's session id), and those carry what omping's client
 * checks: its 24-byte client id, the group, a session id of exactly 16
 * bytes (it echoes 16, whatever it was given); then the sequence number
 * and TTL 64. */
static void
check_omping_server (guint         init_index,
                     const char   *group_text,
                     GSocketFamily family)
{
  g_autoptr(GBytes) init_bytes = NULL, response_bytes = NULL;
  g_autoptr(GBytes) query_bytes = NULL, answer_bytes = NULL;
  g_autoptr(GInetAddress) group = NULL;
  g_autofree char *group_chosen = NULL;
  g_autofree char *prefix = NULL;
  ChorusMpingMessage init, omping_response, query, omping_answer, made;
  g_autoptr(GError) error = NULL;
  guint8 buffer[512];
  gsize encoded;

  parse_vector (&omping_vectors[init_index], &init_bytes, &init);
  parse_vector (&omping_vectors[init_index + 1], &response_bytes, &omping_response);
  parse_vector (&omping_vectors[init_index + 2], &query_bytes, &query);
  parse_vector (&omping_vectors[init_index + 3], &answer_bytes, &omping_answer);

  /* The init: no Group, its group as a full-length prefix. */
  g_assert_cmpint (init.type, ==, CHORUS_MPING_TYPE_INIT);
  g_assert_cmpuint (init.client_id_size, ==, 24);
  g_assert_false (CHORUS_MPING_HAS (&init, CHORUS_MPING_OPTION_GROUP));
  prefix = chorus_mping_message_dup_prefix (&init);
  g_assert_nonnull (prefix);
  g_assert_true (g_str_has_prefix (prefix, group_text));
  group = chorus_mping_message_choose_group (&init, family);
  group_chosen = g_inet_address_to_string (group);
  g_assert_cmpstr (group_chosen, ==, group_text);

  /* The Server Response, byte for byte omping's own. */
  g_assert_cmpuint (omping_response.session_id_size, ==, CHORUS_MPING_SESSION_ID_SIZE);
  g_assert_true (chorus_mping_make_server_response (&init, group, omping_response.session_id,
                                                    CHORUS_MPING_SESSION_ID_SIZE, NULL, &made,
                                                    &error));
  g_assert_no_error (error);
  encoded = chorus_mping_encode (&made, buffer, sizeof buffer);
  g_assert_cmpmem (buffer, encoded, g_bytes_get_data (response_bytes, NULL),
                   g_bytes_get_size (response_bytes));
  /* A Chorus server lets it outgrow the init by that much. */
  g_assert_cmpuint (encoded, <=, g_bytes_get_size (init_bytes) + CHORUS_MPING_SERVER_RESPONSE_ALLOWANCE);

  /* The query echoes the session whole. */
  g_assert_cmpmem (query.session_id, query.session_id_size, omping_response.session_id,
                   omping_response.session_id_size);
  g_assert_cmpmem (query.client_id, query.client_id_size, init.client_id, init.client_id_size);

  /* The answer, byte for byte omping's own. */
  g_assert_true (chorus_mping_make_answer (&query, "Chorus", 0, &made, &error));
  g_assert_no_error (error);
  encoded = chorus_mping_encode (&made, buffer, sizeof buffer);
  g_assert_cmpmem (buffer, encoded, g_bytes_get_data (answer_bytes, NULL),
                   g_bytes_get_size (answer_bytes));
  g_assert_cmpmem (made.client_id, made.client_id_size, query.client_id, query.client_id_size);
  g_assert_cmpuint (made.seq, ==, query.seq);
  g_assert_true (CHORUS_MPING_HAS (&made, CHORUS_MPING_OPTION_TTL));
  g_assert_cmpuint (made.ttl, ==, CHORUS_MPING_TTL);
  g_assert_false (CHORUS_MPING_HAS (&made, CHORUS_MPING_OPTION_SESSION_ID));
}

static void
test_omping_server (void)
{
  check_omping_server (OMPING_INIT_IPV4, CHORUS_MPING_GROUP_IPV4, G_SOCKET_FAMILY_IPV4);
  check_omping_server (OMPING_INIT_IPV6, CHORUS_MPING_GROUP_IPV6, G_SOCKET_FAMILY_IPV6);

  /* omping's query to chorus-cli serve carried its 16-byte session whole. */
  {
    g_autoptr(GBytes) bytes = NULL;
    ChorusMpingMessage query;

    parse_vector (&omping_vectors[OMPING_QUERY_TO_CHORUS], &bytes, &query);
    g_assert_cmpuint (query.session_id_size, ==, CHORUS_MPING_SESSION_ID_SIZE);
  }
}

/* An init as Chorus's client writes it (chorus-mping-client.c): version,
 * client id, group, and the group as a prefix of its full length, as
 * omping's server wants it. */
static gsize
make_chorus_init (const char *group_text,
                  guint8     *buffer,
                  gsize       size)
{
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (group_text);
  static const guint8 client_id[] = { 0x88, 0x6b, 0xd6, 0xb9 };
  ChorusMpingMessage msg;

  chorus_mping_message_init (&msg, CHORUS_MPING_GENERATION_RFC6450, CHORUS_MPING_TYPE_INIT);
  msg.present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_CLIENT_ID);
  msg.client_id = client_id;
  msg.client_id_size = sizeof client_id;
  g_assert_true (chorus_mping_message_set_group (&msg, group));
  g_assert_true (chorus_mping_message_set_prefix (&msg, group,
                                                  g_inet_address_get_native_size (group) * 8));
  return chorus_mping_encode (&msg, buffer, size);
}

/* Chorus's client against omping's server. */
static void
test_omping_client (void)
{
  g_autoptr(GInetAddress) unicast = g_inet_address_new_from_string ("10.77.0.2");
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (CHORUS_MPING_GROUP_IPV4);
  ChorusMpingMessage msg;
  guint8 buffer[512];
  gsize size;

  /* The init carries the Prefix option omping writes for its group. */
  size = make_chorus_init (CHORUS_MPING_GROUP_IPV4, buffer, sizeof buffer);
  {
    g_autoptr(GBytes) expected = from_hex ("49" "0000000102" "00010004886bd6b9"
                                           "000400060001e82bd3ea" "000a0007000120e82bd3ea");

    g_assert_cmpmem (buffer, size, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  }
  size = make_chorus_init (CHORUS_MPING_GROUP_IPV6, buffer, sizeof buffer);
  g_assert_true (chorus_mping_parse (buffer, size, &msg, NULL));
  g_assert_cmpuint (msg.prefix_length, ==, 128);
  g_assert_cmpuint (msg.prefix_size, ==, 16);
  {
    g_autoptr(GBytes) expected = from_hex ("000a0013" "000280ff3e0000000000000000000043211234");

    g_assert_cmpmem (buffer + size - g_bytes_get_size (expected), g_bytes_get_size (expected),
                     g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  }
  /* Only a multicast group, no longer than its address. */
  chorus_mping_message_init (&msg, CHORUS_MPING_GENERATION_RFC6450, CHORUS_MPING_TYPE_INIT);
  g_assert_false (chorus_mping_message_set_prefix (&msg, unicast, 32));
  g_assert_false (chorus_mping_message_set_prefix (&msg, group, 33));
  g_assert_false (CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_PREFIX));
  g_assert_null (chorus_mping_message_dup_prefix (&msg));

  /* omping's response gives its group and a 16-byte session; the query
   * echoes it whole; omping's answer is what a Chorus server answers. */
  {
    g_autoptr(GBytes) response_bytes = NULL, query_bytes = NULL, answer_bytes = NULL;
    g_autoptr(GInetAddress) given = NULL;
    ChorusMpingMessage response, query, answer, made;
    gsize encoded;

    parse_vector (&omping_vectors[OMPING_RESPONSE_TO_CHORUS], &response_bytes, &response);
    parse_vector (&omping_vectors[CHORUS_QUERY_TO_OMPING], &query_bytes, &query);
    parse_vector (&omping_vectors[OMPING_ANSWER_TO_CHORUS], &answer_bytes, &answer);
    given = chorus_mping_message_get_group (&response);
    g_assert_true (g_inet_address_equal (given, group));
    g_assert_cmpuint (response.session_id_size, ==, 16);
    g_assert_cmpmem (query.session_id, query.session_id_size, response.session_id,
                     response.session_id_size);

    g_assert_cmpint (answer.type, ==, CHORUS_MPING_TYPE_ANSWER);
    g_assert_cmpmem (answer.client_id, answer.client_id_size, query.client_id, query.client_id_size);
    g_assert_cmpuint (answer.seq, ==, query.seq);
    g_assert_cmpuint (answer.client_sec, ==, query.client_sec);
    g_assert_cmpuint (answer.client_usec, ==, query.client_usec);
    g_assert_cmpuint (answer.ttl, ==, 64);
    g_assert_true (chorus_mping_make_answer (&query, NULL, 0, &made, NULL));
    encoded = chorus_mping_encode (&made, buffer, sizeof buffer);
    g_assert_cmpmem (buffer, encoded, g_bytes_get_data (answer_bytes, NULL),
                     g_bytes_get_size (answer_bytes));
  }

  /* Refusals: no group and no session; what it serves, when it says. */
  {
    struct {
      guint index;
      const char *prefix;
    } refusals[] = {
      { OMPING_REFUSAL_PREFIX, "232.43.211.234/32" },
      { OMPING_REFUSAL_OTHER_GROUP, "232.43.211.234/32" },
      { OMPING_REFUSAL_NOT_LISTED, NULL },
      { OMPING_STOP, NULL },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
      {
        g_autoptr(GBytes) bytes = NULL;
        g_autofree char *prefix = NULL;

        parse_vector (&omping_vectors[refusals[i].index], &bytes, &msg);
        g_assert_cmpint (msg.type, ==, CHORUS_MPING_TYPE_SERVER_RESPONSE);
        g_assert_null (chorus_mping_message_get_group (&msg));
        g_assert_false (CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_SESSION_ID));
        prefix = chorus_mping_message_dup_prefix (&msg);
        g_assert_cmpstr (prefix, ==, refusals[i].prefix);
      }
  }
}

/* An init (version, client id "c1") with @prefix_hex, a Prefix option's
 * value, or none; which group a server answers it to. */
static char *
choose_for (const char    *prefix_hex,
            GSocketFamily  family)
{
  g_autofree char *hex = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInetAddress) group = NULL;
  g_autoptr(GError) error = NULL;
  ChorusMpingMessage msg;

  if (prefix_hex != NULL)
    hex = g_strdup_printf ("49" "0000000102" "000100026331" "000a%04zx%s", strlen (prefix_hex) / 2,
                           prefix_hex);
  else
    hex = g_strdup ("49" "0000000102" "000100026331");
  bytes = from_hex (hex);
  g_assert_true (chorus_mping_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &msg,
                                     &error));
  g_assert_no_error (error);

  group = chorus_mping_message_choose_group (&msg, family);
  return group != NULL ? g_inet_address_to_string (group) : NULL;
}

static void
test_choose_group (void)
{
  struct {
    const char *prefix;
    GSocketFamily family;
    const char *group;
  } cases[] = {
    /* No prefix: the protocol's group of the family. */
    { NULL, G_SOCKET_FAMILY_IPV4, "232.43.211.234" },
    { NULL, G_SOCKET_FAMILY_IPV6, "ff3e::4321:1234" },
    /* A prefix that covers the default group: the default. */
    { "000108e8", G_SOCKET_FAMILY_IPV4, "232.43.211.234" },
    { "000104e0", G_SOCKET_FAMILY_IPV4, "232.43.211.234" },
    { "000120e82bd3ea", G_SOCKET_FAMILY_IPV4, "232.43.211.234" },
    { "000200", G_SOCKET_FAMILY_IPV6, "ff3e::4321:1234" },
    /* One group of the client's own: that one. */
    { "000120ef010203", G_SOCKET_FAMILY_IPV4, "239.1.2.3" },
    { "000280ff0e0000000000000000000000000042", G_SOCKET_FAMILY_IPV6, "ff0e::42" },
    /* A range elsewhere: its first address, the bytes past it cleared. */
    { "000110ef01ffff", G_SOCKET_FAMILY_IPV4, "239.1.0.0" },
    { "000114ef01ff", G_SOCKET_FAMILY_IPV4, "239.1.240.0" },
    /* No multicast group in it, or of the other family: none. */
    { "0001080a", G_SOCKET_FAMILY_IPV4, NULL },
    { "000120e82bd3ea", G_SOCKET_FAMILY_IPV6, NULL },
    { "000280ff0e0000000000000000000000000042", G_SOCKET_FAMILY_IPV4, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *group = choose_for (cases[i].prefix, cases[i].family);

      g_test_message ("prefix %s", cases[i].prefix != NULL ? cases[i].prefix : "(none)");
      g_assert_cmpstr (group, ==, cases[i].group);
    }

  /* A query's Group decides; one of the other family, none. */
  {
    g_autoptr(GBytes) bytes = from_hex (rfc6450_vectors[2].hex);
    g_autoptr(GInetAddress) group = NULL;
    g_autofree char *text = NULL;
    ChorusMpingMessage msg;

    g_assert_true (chorus_mping_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                       &msg, NULL));
    group = chorus_mping_message_choose_group (&msg, G_SOCKET_FAMILY_IPV4);
    text = g_inet_address_to_string (group);
    g_assert_cmpstr (text, ==, "232.43.211.234");
    g_assert_null (chorus_mping_message_choose_group (&msg, G_SOCKET_FAMILY_IPV6));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mping/round-trip", test_round_trip);
  g_test_add_func ("/mping/ssmping-fields", test_ssmping_fields);
  g_test_add_func ("/mping/answer", test_answer);
  g_test_add_func ("/mping/server-response", test_server_response);
  g_test_add_func ("/mping/truncations", test_truncations);
  g_test_add_func ("/mping/malformed", test_malformed);
  g_test_add_func ("/mping/unknown-echoed", test_unknown_echoed);
  g_test_add_func ("/mping/build-query", test_build_query);
  g_test_add_func ("/mping/choose-group", test_choose_group);
  g_test_add_func ("/mping/omping-server", test_omping_server);
  g_test_add_func ("/mping/omping-client", test_omping_client);

  return g_test_run ();
}
