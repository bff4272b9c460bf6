/* test-rtp.c: the RTP header on byte vectors, and RFC 3550's receiver statistics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-rtp-stats.h"
#include "chorus-rtp.h"

#define SSRC 0x11223344u

static GBytes *
from_hex (const char *hex)
{
  gsize n = strlen (hex) / 2;
  guint8 *bytes = g_malloc (MAX (n, 1));

  g_assert_cmpuint (strlen (hex) % 2, ==, 0);
  for (gsize i = 0; i < n; i++)
    bytes[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (bytes, n);
}

static gboolean
parse_hex (const char      *hex,
           ChorusRtpHeader *header,
           GError         **error)
{
  g_autoptr(GBytes) bytes = from_hex (hex);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return chorus_rtp_header_parse (data, size, header, error);
}

static void
test_header_minimal (void)
{
  g_autoptr(GError) error = NULL;
  ChorusRtpHeader header;

  /* V=2, PT 33 with the marker, seq 0x1234, timestamp 0xdeadbeef, SSRC,
   * then four bytes of payload. */
  g_assert_true (parse_hex ("80a11234deadbeef11223344cafebabe", &header, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header.version, ==, 2);
  g_assert_false (header.padding);
  g_assert_false (header.extension);
  g_assert_cmpuint (header.csrc_count, ==, 0);
  g_assert_true (header.marker);
  g_assert_cmpuint (header.payload_type, ==, 33);
  g_assert_cmpuint (header.seq, ==, 0x1234);
  g_assert_cmpuint (header.timestamp, ==, 0xdeadbeef);
  g_assert_cmphex (header.ssrc, ==, SSRC);
  g_assert_cmpuint (header.payload_offset, ==, 12);
  g_assert_cmpuint (header.payload_size, ==, 4);

  /* A header with no payload at all is still a packet. */
  g_assert_true (parse_hex ("8060000100000000aabbccdd", &header, &error));
  g_assert_cmpuint (header.marker, ==, FALSE);
  g_assert_cmpuint (header.payload_type, ==, 96);
  g_assert_cmpuint (header.payload_size, ==, 0);
}

static void
test_header_csrc_extension_padding (void)
{
  g_autoptr(GError) error = NULL;
  ChorusRtpHeader header;

  /* P, X, CC=2: two CSRCs, an extension (profile 0xbede, one word),
   * 3 payload bytes and 3 bytes of padding (the last counts them). */
  g_assert_true (parse_hex ("b2000007" "00000064" "11223344"
                            "00000001" "00000002"
                            "bede0001" "10ff0000"
                            "616263" "000003",
                            &header, &error));
  g_assert_no_error (error);
  g_assert_true (header.padding);
  g_assert_true (header.extension);
  g_assert_cmpuint (header.csrc_count, ==, 2);
  g_assert_cmpuint (header.csrc[0], ==, 1);
  g_assert_cmpuint (header.csrc[1], ==, 2);
  g_assert_cmphex (header.extension_profile, ==, 0xbede);
  g_assert_cmpuint (header.extension_size, ==, 4);
  g_assert_cmpuint (header.payload_offset, ==, 12 + 8 + 8);
  g_assert_cmpuint (header.payload_size, ==, 3);
  g_assert_cmpuint (header.padding_size, ==, 3);
  g_assert_cmpuint (header.seq, ==, 7);
  g_assert_cmpuint (header.timestamp, ==, 100);
}

static void
test_header_refused (void)
{
  static const char *const refused[] = {
    "",                                      /* empty */
    "80a11234deadbeef112233",                /* 11 bytes */
    "40a11234deadbeef11223344",              /* version 1 */
    "c0a11234deadbeef11223344",              /* version 3 */
    "47401100" "1000" "00000000" "00000000", /* an MPEG-TS packet's start */
    "80c80006deadbeef11223344",              /* RTCP sender report: PT 72 with M */
    "80cc0006deadbeef11223344",              /* RTCP APP: PT 76 */
    "83001234deadbeef11223344" "00000001" "00000002", /* CC=3, two CSRCs there */
    "90001234deadbeef11223344" "bede",       /* extension header cut */
    "90001234deadbeef11223344" "bede0002" "00000000", /* extension 2 words, 1 there */
    "a0001234deadbeef11223344" "0000",       /* padding count 0 */
    "a0001234deadbeef11223344" "000005",     /* padding 5, 3 bytes there */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      ChorusRtpHeader header;

      memset (&header, 0xaa, sizeof header);
      g_test_message ("refused[%" G_GSIZE_FORMAT "] = %s", i, refused[i]);
      g_assert_false (parse_hex (refused[i], &header, &error));
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, " "));
      /* Not filled on failure. */
      g_assert_cmpuint (header.version, ==, 0xaa);
    }

  {
    g_autoptr(GError) error = NULL;
    ChorusRtpHeader header;

    g_assert_false (parse_hex ("40a11234deadbeef11223344", &header, &error));
    g_assert_cmpstr (error->message, ==, "RTP version 1 is not the version 2 of RFC 3550");
  }
  {
    g_autoptr(GError) error = NULL;
    ChorusRtpHeader header;

    g_assert_false (parse_hex ("80c80006deadbeef11223344", &header, &error));
    g_assert_cmpstr (error->message, ==,
                     "Payload type 72 is reserved (RFC 5761): the packet is RTCP (packet type 200), not RTP");
  }
}

static void
test_payload_types (void)
{
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (0), ==, 8000);
  g_assert_cmpstr (chorus_rtp_payload_type_name (0), ==, "PCMU");
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (8), ==, 8000);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (9), ==, 8000);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (10), ==, 44100);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (6), ==, 16000);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (14), ==, 90000);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (26), ==, 90000);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (33), ==, 90000);
  g_assert_cmpstr (chorus_rtp_payload_type_name (33), ==, "MP2T");
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (34), ==, 90000);
  /* Reserved, unassigned, dynamic. */
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (1), ==, 0);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (2), ==, 0);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (19), ==, 0);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (35), ==, 0);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (96), ==, 0);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (127), ==, 0);
  g_assert_cmpuint (chorus_rtp_payload_type_clock_rate (1000), ==, 0);
  g_assert_null (chorus_rtp_payload_type_name (96));
}

static ChorusRtpPacketVerdict
add (ChorusRtpStats *stats,
     guint16         seq,
     guint32         timestamp,
     gint64          arrival_usec)
{
  ChorusRtpHeader header = {
    .version = 2,
    .payload_type = 33,
    .seq = seq,
    .timestamp = timestamp,
    .ssrc = SSRC,
  };

  return chorus_rtp_stats_add (stats, &header, arrival_usec);
}

static ChorusRtpPacketVerdict
add_seq (ChorusRtpStats *stats,
         guint16         seq)
{
  return add (stats, seq, seq * 3600u, 1000000 + (gint64) seq * 40000);
}

static void
test_stats_wrap (void)
{
  ChorusRtpStats stats;

  chorus_rtp_stats_init (&stats);
  g_assert_cmpint (stats.payload_type, ==, -1);

  /* From 65530 across the wrap to 13. */
  g_assert_cmpint (add_seq (&stats, 65530), ==, CHORUS_RTP_PACKET_PROBATION);
  g_assert_cmpuint (stats.expected, ==, 0);
  for (guint i = 1; i < 20; i++)
    g_assert_cmpint (add_seq (&stats, (guint16) (65530 + i)), ==, CHORUS_RTP_PACKET_IN_ORDER);

  g_assert_cmpuint (stats.expected, ==, 20);
  g_assert_cmpuint (stats.received, ==, 20);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpint (stats.ext_highest_seq, ==, 65549);
  g_assert_cmpint (stats.base_seq, ==, 65530);
  g_assert_cmpint (stats.payload_type, ==, 33);
  g_assert_cmpuint (stats.clock_rate, ==, 90000);
  g_assert_cmpuint (stats.seq_restarts, ==, 0);
  g_assert_cmpfloat (chorus_rtp_stats_get_loss_pct (&stats), ==, 0);
}

static void
test_stats_drop_every_fifth (void)
{
  ChorusRtpStats stats;

  chorus_rtp_stats_init (&stats);

  /* 1001 packets sent from 65000, across a wrap; every fifth lost. */
  for (guint i = 0; i <= 1000; i++)
    if (i % 5 != 4)
      add_seq (&stats, (guint16) (65000 + i));

  g_assert_cmpuint (stats.expected, ==, 1001);
  g_assert_cmpuint (stats.lost, ==, 200);
  g_assert_cmpuint (stats.received, ==, 801);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.reordered, ==, 0);
  g_assert_cmpfloat_with_epsilon (chorus_rtp_stats_get_loss_pct (&stats), 100.0 * 200 / 1001, 1e-9);
}

static void
test_stats_duplicate (void)
{
  ChorusRtpStats stats;

  chorus_rtp_stats_init (&stats);

  add_seq (&stats, 1);
  add_seq (&stats, 2);
  add_seq (&stats, 3);
  g_assert_cmpint (add_seq (&stats, 3), ==, CHORUS_RTP_PACKET_DUPLICATE);
  add_seq (&stats, 4);
  for (guint16 seq = 5; seq <= 10; seq++)
    add_seq (&stats, seq);
  /* An older one, again. */
  g_assert_cmpint (add_seq (&stats, 7), ==, CHORUS_RTP_PACKET_DUPLICATE);
  /* The first, which ended the probation, is remembered too. */
  g_assert_cmpint (add_seq (&stats, 1), ==, CHORUS_RTP_PACKET_DUPLICATE);

  g_assert_cmpuint (stats.expected, ==, 10);
  g_assert_cmpuint (stats.received, ==, 10);
  g_assert_cmpuint (stats.duplicates, ==, 3);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.reordered, ==, 0);
}

static void
test_stats_reordered (void)
{
  ChorusRtpStats stats;

  chorus_rtp_stats_init (&stats);

  add_seq (&stats, 1);
  add_seq (&stats, 2);
  add_seq (&stats, 3);
  add_seq (&stats, 5);
  add_seq (&stats, 6);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpint (add_seq (&stats, 4), ==, CHORUS_RTP_PACKET_REORDERED);
  g_assert_cmpuint (stats.lost, ==, 0);
  add_seq (&stats, 7);

  g_assert_cmpuint (stats.expected, ==, 7);
  g_assert_cmpuint (stats.received, ==, 7);
  g_assert_cmpuint (stats.reordered, ==, 1);
  g_assert_cmpuint (stats.lost, ==, 0);
  /* Late again: a duplicate now, not a second reordering. */
  g_assert_cmpint (add_seq (&stats, 4), ==, CHORUS_RTP_PACKET_DUPLICATE);
  g_assert_cmpuint (stats.reordered, ==, 1);

  /* Up to 250, without 150, which comes 99 behind the highest: late,
   * within MAX_MISORDER; 100 comes 150 behind: A.1 takes it for a
   * jump, and it stays lost. */
  for (guint16 seq = 8; seq <= 249; seq++)
    if (seq != 150 && seq != 100)
      add_seq (&stats, seq);
  g_assert_cmpint (add_seq (&stats, 150), ==, CHORUS_RTP_PACKET_REORDERED);
  g_assert_cmpint (add_seq (&stats, 100), ==, CHORUS_RTP_PACKET_DISCARDED);
  g_assert_cmpuint (stats.expected, ==, 249);
  g_assert_cmpuint (stats.received, ==, 248);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpuint (stats.reordered, ==, 2);
  g_assert_cmpuint (stats.discarded, ==, 1);

  /* A first packet that comes after the second: the base moves down. */
  chorus_rtp_stats_init (&stats);
  add_seq (&stats, 11);
  add_seq (&stats, 12);
  g_assert_cmpint (add_seq (&stats, 10), ==, CHORUS_RTP_PACKET_REORDERED);
  g_assert_cmpint (stats.base_seq, ==, 10);
  g_assert_cmpuint (stats.expected, ==, 3);
  g_assert_cmpuint (stats.received, ==, 3);
  g_assert_cmpuint (stats.lost, ==, 0);
}

static void
test_stats_restart (void)
{
  ChorusRtpStats stats;

  chorus_rtp_stats_init (&stats);

  for (guint16 seq = 1; seq <= 10; seq++)
    add_seq (&stats, seq);

  /* A lone packet far ahead: discarded, and nothing else changes. */
  g_assert_cmpint (add_seq (&stats, 30000), ==, CHORUS_RTP_PACKET_DISCARDED);
  g_assert_cmpint (add_seq (&stats, 11), ==, CHORUS_RTP_PACKET_IN_ORDER);
  g_assert_cmpuint (stats.expected, ==, 11);
  g_assert_cmpuint (stats.received, ==, 11);
  g_assert_cmpuint (stats.discarded, ==, 1);
  g_assert_cmpuint (stats.seq_restarts, ==, 0);

  /* A jump confirmed by the next packet: the sender restarted. Both
   * packets count, in a new sequence added to the old. */
  g_assert_cmpint (add_seq (&stats, 20000), ==, CHORUS_RTP_PACKET_DISCARDED);
  g_assert_cmpint (add_seq (&stats, 20001), ==, CHORUS_RTP_PACKET_RESTART);
  g_assert_cmpint (add_seq (&stats, 20002), ==, CHORUS_RTP_PACKET_IN_ORDER);
  g_assert_cmpint (add_seq (&stats, 20004), ==, CHORUS_RTP_PACKET_IN_ORDER);
  g_assert_cmpuint (stats.seq_restarts, ==, 1);
  g_assert_cmpint (stats.base_seq, ==, 20000);
  g_assert_cmpint (stats.ext_highest_seq, ==, 20004);
  g_assert_cmpuint (stats.expected, ==, 11 + 5);
  g_assert_cmpuint (stats.received, ==, 11 + 4);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpuint (stats.discarded, ==, 1);

  /* A jump of MAX_DROPOUT - 1 is still in order (a loss). */
  g_assert_cmpint (add_seq (&stats, 20004 + CHORUS_RTP_MAX_DROPOUT - 1), ==, CHORUS_RTP_PACKET_IN_ORDER);
  g_assert_cmpuint (stats.lost, ==, 1 + CHORUS_RTP_MAX_DROPOUT - 2);
}

static void
test_stats_probation (void)
{
  ChorusRtpStats stats;

  chorus_rtp_stats_init (&stats);

  /* 5, then 9: not in a row; 9 and 10 are. */
  g_assert_cmpint (add_seq (&stats, 5), ==, CHORUS_RTP_PACKET_PROBATION);
  g_assert_cmpint (add_seq (&stats, 9), ==, CHORUS_RTP_PACKET_PROBATION);
  g_assert_cmpuint (stats.discarded, ==, 1);
  g_assert_cmpuint (stats.expected, ==, 0);
  g_assert_cmpint (add_seq (&stats, 10), ==, CHORUS_RTP_PACKET_IN_ORDER);
  g_assert_cmpint (stats.base_seq, ==, 9);
  g_assert_cmpuint (stats.expected, ==, 2);
  g_assert_cmpuint (stats.received, ==, 2);
  g_assert_cmpuint (stats.discarded, ==, 1);
}

static void
test_stats_jitter (void)
{
  ChorusRtpStats stats;
  /* PCMU: 8000 Hz, 160 samples (20 ms) a packet; one unit is 125 µs.
   * The third packet comes 1 ms (8 units) late. */
  const gint64 start = 1000 * G_USEC_PER_SEC;
  const gint64 arrivals[] = { 0, 20000, 41000, 60000, 80000 };
  ChorusRtpHeader header = { .version = 2, .payload_type = 0, .ssrc = SSRC };

  chorus_rtp_stats_init (&stats);
  for (guint i = 0; i < G_N_ELEMENTS (arrivals); i++)
    {
      header.seq = (guint16) (100 + i);
      header.timestamp = 4294967000u + 160 * i;  /* wraps 2^32 at the third */
      chorus_rtp_stats_add (&stats, &header, start + arrivals[i]);
    }

  g_assert_cmpuint (stats.clock_rate, ==, 8000);
  /* Transit from the second packet on: 0, 8, 0, 0 units, so D = 8, 8, 0:
   *   J = 0 + (8 − 0) / 16                 = 0.5
   *   J = 0.5 + (8 − 0.5) / 16             = 0.96875
   *   J = 0.96875 + (0 − 0.96875) / 16     = 0.908203125
   * in units of 125 µs: 0.113525390625 ms. */
  g_assert_cmpfloat (stats.jitter, ==, 0.908203125);
  g_assert_cmpfloat (chorus_rtp_stats_get_jitter_ms (&stats), ==, 0.113525390625);

  /* Steady: none. */
  chorus_rtp_stats_init (&stats);
  for (guint i = 0; i < 50; i++)
    add (&stats, (guint16) i, 3600 * i, start + 40000 * i);
  g_assert_cmpfloat (stats.jitter, ==, 0);
  g_assert_cmpfloat (chorus_rtp_stats_get_jitter_ms (&stats), ==, 0);

  /* A dynamic payload type has no clock rate unless one is given. */
  chorus_rtp_stats_init (&stats);
  header.payload_type = 96;
  for (guint i = 0; i < 5; i++)
    {
      header.seq = (guint16) i;
      header.timestamp = 160 * i;
      chorus_rtp_stats_add (&stats, &header, start + arrivals[i]);
    }
  g_assert_cmpuint (stats.clock_rate, ==, 0);
  g_assert_cmpfloat (chorus_rtp_stats_get_jitter_ms (&stats), ==, -1);

  chorus_rtp_stats_init (&stats);
  chorus_rtp_stats_set_clock_rate (&stats, 8000);
  for (guint i = 0; i < 5; i++)
    {
      header.seq = (guint16) i;
      header.timestamp = 160 * i;
      chorus_rtp_stats_add (&stats, &header, start + arrivals[i]);
    }
  g_assert_cmpuint (stats.clock_rate, ==, 8000);
  g_assert_cmpfloat (stats.jitter, ==, 0.908203125);
}

static void
test_stats_other_ssrc (void)
{
  ChorusRtpStats stats;
  ChorusRtpStats before;
  ChorusRtpHeader header = { .version = 2, .payload_type = 33, .ssrc = SSRC + 1, .seq = 4 };

  chorus_rtp_stats_init (&stats);
  g_assert_false (chorus_rtp_stats_is_other_ssrc (&stats, SSRC));
  add_seq (&stats, 1);
  add_seq (&stats, 2);
  g_assert_false (chorus_rtp_stats_is_other_ssrc (&stats, SSRC));
  g_assert_true (chorus_rtp_stats_is_other_ssrc (&stats, SSRC + 1));

  memcpy (&before, &stats, sizeof before);
  g_assert_cmpint (chorus_rtp_stats_add (&stats, &header, 5000000), ==, CHORUS_RTP_PACKET_OTHER_SSRC);
  g_assert_cmpmem (&before, sizeof before, &stats, sizeof stats);
  g_assert_cmpstr (chorus_rtp_packet_verdict_to_string (CHORUS_RTP_PACKET_OTHER_SSRC), ==, "other-ssrc");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rtp/header/minimal", test_header_minimal);
  g_test_add_func ("/rtp/header/csrc-extension-padding", test_header_csrc_extension_padding);
  g_test_add_func ("/rtp/header/refused", test_header_refused);
  g_test_add_func ("/rtp/payload-types", test_payload_types);
  g_test_add_func ("/rtp/stats/wrap", test_stats_wrap);
  g_test_add_func ("/rtp/stats/drop-every-fifth", test_stats_drop_every_fifth);
  g_test_add_func ("/rtp/stats/duplicate", test_stats_duplicate);
  g_test_add_func ("/rtp/stats/reordered", test_stats_reordered);
  g_test_add_func ("/rtp/stats/restart", test_stats_restart);
  g_test_add_func ("/rtp/stats/probation", test_stats_probation);
  g_test_add_func ("/rtp/stats/jitter", test_stats_jitter);
  g_test_add_func ("/rtp/stats/other-ssrc", test_stats_other_ssrc);

  return g_test_run ();
}
