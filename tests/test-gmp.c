/* test-gmp.c: IGMP and MLD on byte vectors, and the querier they elect
 *
 * The vectors' checksums were computed apart from the code under test;
 * the first three are the queries a Linux bridge sends as an IGMPv2,
 * IGMPv3 and IGMPv1 querier with its default timers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-gmp.h"
#include "chorus-querier.h"

#define SECOND G_USEC_PER_SEC

static const guint8 igmp_v2_query[] = { 0x11, 0x64, 0xee, 0x9b, 0x00, 0x00, 0x00, 0x00 };
static const guint8 igmp_v3_query[] = {
  0x11, 0x64, 0xec, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x02, 0x7d, 0x00, 0x00,
};
static const guint8 igmp_v1_query[] = { 0x11, 0x00, 0xee, 0xff, 0x00, 0x00, 0x00, 0x00 };
static const guint8 igmp_v2_report[] = { 0x16, 0x00, 0xf8, 0xfa, 0xef, 0x01, 0x02, 0x03 };
static const guint8 igmp_v2_leave[] = { 0x17, 0x00, 0xf7, 0xfa, 0xef, 0x01, 0x02, 0x03 };
/* IS_IN 232.1.1.1 {10.77.0.1, 10.77.0.2}; BLOCK 232.1.1.1 {10.77.0.3}
 * with one word of auxiliary data; TO_EX 239.1.2.3 {}. */
static const guint8 igmp_v3_report[] = {
  0x22, 0x00, 0x79, 0x67, 0x00, 0x00, 0x00, 0x03,
  0x01, 0x00, 0x00, 0x02, 0xe8, 0x01, 0x01, 0x01, 0x0a, 0x4d, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x02,
  0x06, 0x01, 0x00, 0x01, 0xe8, 0x01, 0x01, 0x01, 0x0a, 0x4d, 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0xdd,
  0x04, 0x00, 0x00, 0x00, 0xef, 0x01, 0x02, 0x03,
};
/* Group-and-source-specific, for 232.1.1.1 from 10.77.0.1: Max Resp
 * Code 0x8c (224 tenths), S set, QRV 2, QQIC 10. */
static const guint8 igmp_v3_source_query[] = {
  0x11, 0x8c, 0xf1, 0x17, 0xe8, 0x01, 0x01, 0x01, 0x0a, 0x0a, 0x00, 0x01, 0x0a, 0x4d, 0x00, 0x01,
};

/* MLDv2 general query: Max Resp Code 10000 ms, QRV 2, QQIC 125. */
static const guint8 mld_v2_query[] = {
  130, 0, 0x00, 0x00, 0x27, 0x10, 0x00, 0x00,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0x02, 0x7d, 0x00, 0x00,
};
/* MLDv1 report for ff0e::77. */
static const guint8 mld_v1_report[] = {
  131, 0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xff, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77,
};
/* MLDv2 report: IS_EX ff05::1:3 {}. */
static const guint8 mld_v2_report[] = {
  143, 0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  0x02, 0x00, 0x00, 0x00,
  0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x03,
};

static void
test_codes (void)
{
  /* Below 128 the code is the value. */
  g_assert_cmpuint (chorus_gmp_decode_code8 (0), ==, 0);
  g_assert_cmpuint (chorus_gmp_decode_code8 (100), ==, 100);
  g_assert_cmpuint (chorus_gmp_decode_code8 (127), ==, 127);
  /* 1 000 0000: (0 | 0x10) << 3 */
  g_assert_cmpuint (chorus_gmp_decode_code8 (0x80), ==, 128);
  /* 1 000 1100: (12 | 16) << 3 */
  g_assert_cmpuint (chorus_gmp_decode_code8 (0x8c), ==, 224);
  /* 1 111 1111: (15 | 16) << 10 */
  g_assert_cmpuint (chorus_gmp_decode_code8 (0xff), ==, 31744);
  g_assert_cmpuint (chorus_gmp_decode_code16 (10000), ==, 10000);
  g_assert_cmpuint (chorus_gmp_decode_code16 (0x8000), ==, 32768);
  /* 1 111 111111111111: (4095 | 4096) << 10 */
  g_assert_cmpuint (chorus_gmp_decode_code16 (0xffff), ==, 8387584);

  /* Encoding finds the smallest code at least as long, and reads back. */
  for (guint value = 0; value <= 31744; value++)
    {
      guint8 code = chorus_gmp_encode_code8 (value);

      g_assert_cmpuint (chorus_gmp_decode_code8 (code), >=, value);
      if (code > 0)
        g_assert_cmpuint (chorus_gmp_decode_code8 (code - 1), <, value);
    }
  g_assert_cmpuint (chorus_gmp_encode_code8 (40000), ==, 0xff);
}

static void
test_igmp_queries (void)
{
  ChorusGmpMessage message;
  g_autoptr (GError) error = NULL;

  g_assert_true (chorus_igmp_parse (igmp_v2_query, sizeof igmp_v2_query, &message, &error));
  g_assert_no_error (error);
  g_assert_cmpint (message.family, ==, G_SOCKET_FAMILY_IPV4);
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_QUERY);
  g_assert_cmpuint (message.version, ==, 2);
  g_assert_cmpuint (message.max_resp_ms, ==, 10000);
  g_assert_cmpuint (message.qrv, ==, 0);
  g_assert_cmpuint (message.qqi_s, ==, 0);
  g_assert_cmpuint (message.group[0] | message.group[1] | message.group[2] | message.group[3], ==,
                    0);

  g_assert_true (chorus_igmp_parse (igmp_v3_query, sizeof igmp_v3_query, &message, &error));
  g_assert_cmpuint (message.version, ==, 3);
  g_assert_cmpuint (message.max_resp_ms, ==, 10000);
  g_assert_cmpuint (message.qrv, ==, 2);
  g_assert_cmpuint (message.qqi_s, ==, 125);
  g_assert_false (message.s_flag);
  g_assert_cmpuint (message.n_sources, ==, 0);

  /* v1: a code of 0, which means ten seconds. */
  g_assert_true (chorus_igmp_parse (igmp_v1_query, sizeof igmp_v1_query, &message, &error));
  g_assert_cmpuint (message.version, ==, 1);
  g_assert_cmpuint (message.max_resp_ms, ==, 10000);

  g_assert_true (chorus_igmp_parse (igmp_v3_source_query, sizeof igmp_v3_source_query, &message,
                                    &error));
  g_assert_cmpuint (message.version, ==, 3);
  g_assert_cmpuint (message.max_resp_ms, ==, 22400);
  g_assert_true (message.s_flag);
  g_assert_cmpuint (message.qrv, ==, 2);
  g_assert_cmpuint (message.qqi_s, ==, 10);
  g_assert_cmpmem (message.group, 4, "\xe8\x01\x01\x01", 4);
  g_assert_cmpuint (message.n_sources, ==, 1);
  g_assert_cmpmem (message.sources, 4, "\x0a\x4d\x00\x01", 4);
}

static void
test_igmp_reports (void)
{
  ChorusGmpMessage message;
  ChorusGmpRecord record;
  g_autoptr (GError) error = NULL;
  gsize offset = 0;

  g_assert_true (chorus_igmp_parse (igmp_v2_report, sizeof igmp_v2_report, &message, &error));
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_REPORT);
  g_assert_cmpuint (message.version, ==, 2);
  g_assert_cmpmem (message.group, 4, "\xef\x01\x02\x03", 4);

  g_assert_true (chorus_igmp_parse (igmp_v2_leave, sizeof igmp_v2_leave, &message, &error));
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_LEAVE);
  g_assert_cmpmem (message.group, 4, "\xef\x01\x02\x03", 4);

  g_assert_true (chorus_igmp_parse (igmp_v3_report, sizeof igmp_v3_report, &message, &error));
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_V3_REPORT);
  g_assert_cmpuint (message.version, ==, 3);
  g_assert_cmpuint (message.n_records, ==, 3);

  g_assert_true (chorus_gmp_next_record (&message, &offset, &record, &error));
  g_assert_cmpint (record.type, ==, CHORUS_GMP_MODE_IS_INCLUDE);
  g_assert_cmpmem (record.group, 4, "\xe8\x01\x01\x01", 4);
  g_assert_cmpuint (record.n_sources, ==, 2);
  g_assert_cmpmem (record.sources, 8, "\x0a\x4d\x00\x01\x0a\x4d\x00\x02", 8);
  g_assert_true (chorus_gmp_record_is_join (&record));

  /* The auxiliary word is skipped. */
  g_assert_true (chorus_gmp_next_record (&message, &offset, &record, &error));
  g_assert_cmpint (record.type, ==, CHORUS_GMP_BLOCK_OLD_SOURCES);
  g_assert_cmpuint (record.n_sources, ==, 1);
  g_assert_cmpmem (record.sources, 4, "\x0a\x4d\x00\x03", 4);
  g_assert_false (chorus_gmp_record_is_join (&record));
  g_assert_cmpstr (chorus_gmp_record_type_to_string (record.type), ==, "block");

  g_assert_true (chorus_gmp_next_record (&message, &offset, &record, &error));
  g_assert_cmpint (record.type, ==, CHORUS_GMP_CHANGE_TO_EXCLUDE);
  g_assert_cmpmem (record.group, 4, "\xef\x01\x02\x03", 4);
  g_assert_cmpuint (record.n_sources, ==, 0);
  g_assert_null (record.sources);
  g_assert_true (chorus_gmp_record_is_join (&record));

  g_assert_false (chorus_gmp_next_record (&message, &offset, &record, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, ==, sizeof igmp_v3_report - 8);
}

static void
test_mld (void)
{
  ChorusGmpMessage message;
  ChorusGmpRecord record;
  g_autoptr (GError) error = NULL;
  gsize offset = 0;

  g_assert_true (chorus_mld_parse (mld_v2_query, sizeof mld_v2_query, &message, &error));
  g_assert_no_error (error);
  g_assert_cmpint (message.family, ==, G_SOCKET_FAMILY_IPV6);
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_QUERY);
  g_assert_cmpuint (message.version, ==, 2);
  g_assert_cmpuint (message.max_resp_ms, ==, 10000);
  g_assert_cmpuint (message.qrv, ==, 2);
  g_assert_cmpuint (message.qqi_s, ==, 125);

  /* MLDv1: a query of 24 bytes, its delay in plain milliseconds. */
  {
    guint8 v1[24];

    memcpy (v1, mld_v2_query, sizeof v1);
    g_assert_true (chorus_mld_parse (v1, sizeof v1, &message, &error));
    g_assert_cmpuint (message.version, ==, 1);
    g_assert_cmpuint (message.max_resp_ms, ==, 10000);
  }

  g_assert_true (chorus_mld_parse (mld_v1_report, sizeof mld_v1_report, &message, &error));
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_REPORT);
  g_assert_cmpuint (message.version, ==, 1);
  g_assert_cmpuint (message.group[0], ==, 0xff);
  g_assert_cmpuint (message.group[15], ==, 0x77);

  g_assert_true (chorus_mld_parse (mld_v2_report, sizeof mld_v2_report, &message, &error));
  g_assert_cmpint (message.kind, ==, CHORUS_GMP_V3_REPORT);
  g_assert_cmpuint (message.version, ==, 2);
  g_assert_true (chorus_gmp_next_record (&message, &offset, &record, &error));
  g_assert_cmpint (record.type, ==, CHORUS_GMP_MODE_IS_EXCLUDE);
  g_assert_cmpuint (record.group[1], ==, 0x05);
  g_assert_cmpuint (record.group[13], ==, 0x01);
  g_assert_false (chorus_gmp_next_record (&message, &offset, &record, &error));
  g_assert_no_error (error);
}

/* Everything that does not fit is refused, with a reason, and never
 * read past its end. */
static void
test_malformed (void)
{
  ChorusGmpMessage message;
  guint8 buffer[64];

  {
    g_autoptr (GError) error = NULL;

    g_assert_false (chorus_igmp_parse (igmp_v2_query, 7, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
  {
    g_autoptr (GError) error = NULL;

    memcpy (buffer, igmp_v2_query, sizeof igmp_v2_query);
    buffer[3] ^= 1;
    g_assert_false (chorus_igmp_parse (buffer, sizeof igmp_v2_query, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "checksum"));
  }
  {
    g_autoptr (GError) error = NULL;

    /* A v3 query claiming a source it does not hold (checksum made good:
     * one more in the count is one less in the sum). */
    memcpy (buffer, igmp_v3_query, sizeof igmp_v3_query);
    buffer[11] = 1;
    buffer[3] -= 1;
    g_assert_false (chorus_igmp_parse (buffer, sizeof igmp_v3_query, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "sources"));
  }
  {
    g_autoptr (GError) error = NULL;

    /* 9 to 11 bytes are no query at all (RFC 3376 §7.1). */
    memset (buffer, 0, sizeof buffer);
    memcpy (buffer, igmp_v2_query, sizeof igmp_v2_query);
    g_assert_false (chorus_igmp_parse (buffer, 10, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
  {
    g_autoptr (GError) error = NULL;
    ChorusGmpRecord record;
    gsize offset = 0;
    guint n = 0;

    /* The last record cut off: the ones before it stand. The count says
     * three and the checksum is good for the shorter message. */
    gsize size = sizeof igmp_v3_report - 2;

    memcpy (buffer, igmp_v3_report, size);
    buffer[2] = buffer[3] = 0;
    {
      guint16 sum = chorus_gmp_checksum (buffer, size);

      buffer[2] = (guint8) (sum >> 8);
      buffer[3] = (guint8) sum;
    }
    g_assert_true (chorus_igmp_parse (buffer, size, &message, &error));
    while (chorus_gmp_next_record (&message, &offset, &record, &error))
      n++;
    g_assert_cmpuint (n, ==, 2);
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
  {
    g_autoptr (GError) error = NULL;

    /* DVMRP (0x13) is IGMP, and not group management. */
    const guint8 dvmrp[] = { 0x13, 0x00, 0xec, 0xff, 0x00, 0x00, 0x00, 0x00 };

    g_assert_false (chorus_igmp_parse (dvmrp, sizeof dvmrp, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (chorus_mld_parse (mld_v2_query, 26, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (chorus_mld_parse (mld_v1_report, 20, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
  {
    g_autoptr (GError) error = NULL;

    /* Echo request: ICMPv6, not MLD. */
    const guint8 echo[] = { 128, 0, 0, 0, 0, 1, 0, 1 };

    g_assert_false (chorus_mld_parse (echo, sizeof echo, &message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
  }
}

static ChorusGmpMessage
query_from (const guint8 *data,
            gsize         size)
{
  ChorusGmpMessage message;
  g_autoptr (GError) error = NULL;

  g_assert_true (chorus_igmp_parse (data, size, &message, &error));
  g_assert_no_error (error);

  return message;
}

/* The lowest address wins; a higher one meanwhile is a second querier;
 * once the querier is silent for the Other Querier Present Interval, any
 * other takes over. */
static void
test_election (void)
{
  const guint8 low[4] = { 10, 77, 0, 1 };
  const guint8 high[4] = { 10, 77, 0, 7 };
  ChorusGmpMessage v3 = query_from (igmp_v3_query, sizeof igmp_v3_query);
  ChorusGmpMessage v2 = query_from (igmp_v2_query, sizeof igmp_v2_query);
  ChorusQuerier querier;
  gint64 t = 1000 * SECOND;

  chorus_querier_init (&querier, G_SOCKET_FAMILY_IPV4);
  g_assert_false (querier.present);
  g_assert_false (chorus_querier_is_present (&querier, t));

  g_assert_cmpint (chorus_querier_take_query (&querier, high, &v3, t), ==, CHORUS_QUERIER_ELECTED);
  g_assert_cmpmem (querier.address, 4, high, 4);
  g_assert_cmpuint (querier.version, ==, 3);

  /* A lower address takes over at once; the one before is second. */
  g_assert_cmpint (chorus_querier_take_query (&querier, low, &v3, t + SECOND), ==,
                   CHORUS_QUERIER_ELECTED);
  g_assert_cmpmem (querier.address, 4, low, 4);
  g_assert_true (querier.second_present);
  g_assert_cmpmem (querier.second, 4, high, 4);

  /* The higher one goes on querying: a second querier, the lower stays. */
  g_assert_cmpint (chorus_querier_take_query (&querier, high, &v3, t + 2 * SECOND), ==,
                   CHORUS_QUERIER_SECOND);
  g_assert_cmpmem (querier.address, 4, low, 4);

  /* The querier's own interval, observed between its general queries. */
  g_assert_cmpint (chorus_querier_take_query (&querier, low, &v3, t + 126 * SECOND), ==,
                   CHORUS_QUERIER_NOTHING);
  g_assert_cmpint (querier.interval_usec, ==, 125 * SECOND);

  /* Now it speaks v2. */
  g_assert_cmpint (chorus_querier_take_query (&querier, low, &v2, t + 251 * SECOND), ==,
                   CHORUS_QUERIER_NEW_VERSION);
  g_assert_cmpuint (querier.version, ==, 2);

  /* Silent past 2 × 125 + 10 / 2 s: the higher one takes over. */
  g_assert_true (chorus_querier_is_present (&querier, t + 251 * SECOND + 255 * SECOND));
  g_assert_false (chorus_querier_is_present (&querier, t + 251 * SECOND + 256 * SECOND));
  g_assert_cmpint (chorus_querier_take_query (&querier, high, &v3, t + 251 * SECOND + 256 * SECOND),
                   ==, CHORUS_QUERIER_ELECTED);
  g_assert_cmpmem (querier.address, 4, high, 4);
  g_assert_cmpuint (querier.queries, ==, 6);
}

/* A switch that snoops forgets a membership QRV × QI + QRI after its
 * last report: 260 s with the defaults, less with short timers. */
static void
test_expiry (void)
{
  const guint8 source[4] = { 10, 77, 0, 254 };
  ChorusGmpMessage v3 = query_from (igmp_v3_query, sizeof igmp_v3_query);
  ChorusGmpMessage v2 = query_from (igmp_v2_query, sizeof igmp_v2_query);
  ChorusGmpMessage quick = query_from (igmp_v3_source_query, sizeof igmp_v3_source_query);
  ChorusQuerier querier;
  gint64 t = 50 * SECOND;

  chorus_querier_init (&querier, G_SOCKET_FAMILY_IPV4);
  /* No querier: the RFCs' defaults. */
  g_assert_cmpint (chorus_querier_get_membership_interval_usec (&querier), ==, 260 * SECOND);
  g_assert_cmpint (chorus_querier_get_expiry_usec (&querier, t), ==, t + 260 * SECOND);

  chorus_querier_take_query (&querier, source, &v3, t);
  g_assert_cmpint (chorus_querier_get_membership_interval_usec (&querier), ==, 260 * SECOND);
  g_assert_cmpint (chorus_querier_get_other_present_usec (&querier), ==, 255 * SECOND);

  /* The querier's own QRV and QQIC: 2 × 10 + 22.4 s. */
  chorus_querier_take_query (&querier, source, &quick, t + SECOND);
  g_assert_cmpint (chorus_querier_get_membership_interval_usec (&querier), ==,
                   20 * SECOND + 22400 * 1000);

  /* IGMPv2 says no interval: the one observed counts. */
  chorus_querier_init (&querier, G_SOCKET_FAMILY_IPV4);
  chorus_querier_take_query (&querier, source, &v2, t);
  g_assert_cmpint (chorus_querier_get_query_interval_usec (&querier), ==, 125 * SECOND);
  chorus_querier_take_query (&querier, source, &v2, t + 30 * SECOND);
  g_assert_cmpint (chorus_querier_get_query_interval_usec (&querier), ==, 30 * SECOND);
  g_assert_cmpint (chorus_querier_get_membership_interval_usec (&querier), ==, 70 * SECOND);

  /* Another family's or kind's message changes nothing. */
  {
    ChorusGmpMessage mld;
    ChorusGmpMessage report = query_from (igmp_v2_report, sizeof igmp_v2_report);
    g_autoptr (GError) error = NULL;

    g_assert_true (chorus_mld_parse (mld_v2_query, sizeof mld_v2_query, &mld, &error));
    g_assert_cmpint (chorus_querier_take_query (&querier, source, &mld, t), ==,
                     CHORUS_QUERIER_NOTHING);
    g_assert_cmpint (chorus_querier_take_query (&querier, source, &report, t), ==,
                     CHORUS_QUERIER_NOTHING);
    g_assert_cmpuint (querier.queries, ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gmp/codes", test_codes);
  g_test_add_func ("/gmp/igmp-queries", test_igmp_queries);
  g_test_add_func ("/gmp/igmp-reports", test_igmp_reports);
  g_test_add_func ("/gmp/mld", test_mld);
  g_test_add_func ("/gmp/malformed", test_malformed);
  g_test_add_func ("/querier/election", test_election);
  g_test_add_func ("/querier/expiry", test_expiry);

  return g_test_run ();
}
