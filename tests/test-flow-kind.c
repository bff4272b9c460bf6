/* test-flow-kind.c: telling RTP, MPEG-TS, RTP-TS, Chorus and plain UDP apart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-flow-kind.h"
#include "chorus-probe.h"
#include "chorus-ts.h"

static void
test_names (void)
{
  static const char *const names[] = { "auto", "rtp", "ts", "rtp-ts", "chorus", "udp" };
  ChorusFlowKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (chorus_flow_kind_parse (names[i], &kind, &error));
      g_assert_no_error (error);
      g_assert_cmpint (kind, ==, i);
      g_assert_cmpstr (chorus_flow_kind_to_string (kind), ==, names[i]);
    }
  g_assert_true (chorus_flow_kind_parse ("RTP-TS", &kind, NULL));
  g_assert_cmpint (kind, ==, CHORUS_FLOW_KIND_RTP_TS);

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (chorus_flow_kind_parse ("mpeg", &kind, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
    g_assert_cmpstr (error->message, ==, "“mpeg” is not a stream kind: use auto, rtp, ts, rtp-ts, chorus or udp");
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (chorus_flow_kind_parse ("rtp\n", &kind, &error));
    g_assert_cmpstr (error->message, ==, "“rtp\\n” is not a stream kind: use auto, rtp, ts, rtp-ts, chorus or udp");
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (chorus_flow_kind_parse ("a kind far too long to quote back", &kind, &error));
    g_assert_cmpstr (error->message, ==, "That is not a stream kind: use auto, rtp, ts, rtp-ts, chorus or udp");
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (chorus_flow_kind_parse ("", &kind, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  }
}

/* An RTP packet of @ssrc and @seq, PT @pt, then @payload_size bytes:
 * whole TS packets if @ts. */
static gsize
make_rtp (guint8  *out,
          guint32  ssrc,
          guint16  seq,
          guint8   pt,
          gsize    payload_size,
          gboolean ts)
{
  out[0] = 0x80;
  out[1] = pt;
  out[2] = seq >> 8;
  out[3] = seq & 0xff;
  memset (out + 4, 0, 4);
  out[8] = ssrc >> 24;
  out[9] = (ssrc >> 16) & 0xff;
  out[10] = (ssrc >> 8) & 0xff;
  out[11] = ssrc & 0xff;
  memset (out + 12, 0x55, payload_size);
  if (ts)
    for (gsize i = 0; i < payload_size; i += CHORUS_TS_PACKET_SIZE)
      out[12 + i] = CHORUS_TS_SYNC_BYTE;
  return 12 + payload_size;
}

static void
test_rtp (void)
{
  guint8 data[12 + 7 * CHORUS_TS_PACKET_SIZE];
  ChorusFlowClassifier classifier;
  guint32 ssrc = 0;
  guint16 seq = 0;
  gsize size;

  chorus_flow_classifier_init (&classifier);
  for (guint i = 0; i < 2; i++)
    {
      size = make_rtp (data, 0xabcdef01, (guint16) (65534 + i), 96, 160, FALSE);
      g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==, CHORUS_FLOW_KIND_AUTO);
    }
  size = make_rtp (data, 0xabcdef01, 0, 96, 160, FALSE);
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==, CHORUS_FLOW_KIND_RTP);
  /* Decided for good. */
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, (const guint8 *) "x", 1), ==, CHORUS_FLOW_KIND_RTP);
  g_assert_cmpint (chorus_flow_kind_of_datagram (data, size, &ssrc, &seq), ==, CHORUS_FLOW_KIND_RTP);
  g_assert_cmphex (ssrc, ==, 0xabcdef01);
  g_assert_cmpuint (seq, ==, 0);

  /* A new SSRC each time, or sequence numbers all over: never RTP. */
  chorus_flow_classifier_init (&classifier);
  for (guint i = 0; i < CHORUS_FLOW_KIND_MAX_PACKETS; i++)
    {
      ChorusFlowKind kind;

      size = make_rtp (data, 1000 + i, (guint16) i, 96, 160, FALSE);
      kind = chorus_flow_classifier_add (&classifier, data, size);
      g_assert_cmpint (kind, ==, i + 1 < CHORUS_FLOW_KIND_MAX_PACKETS ? CHORUS_FLOW_KIND_AUTO : CHORUS_FLOW_KIND_UDP);
    }
  chorus_flow_classifier_init (&classifier);
  for (guint i = 0; i < CHORUS_FLOW_KIND_MAX_PACKETS; i++)
    {
      size = make_rtp (data, 7, (guint16) (i * 20000), 96, 160, FALSE);
      chorus_flow_classifier_add (&classifier, data, size);
    }
  g_assert_cmpint (classifier.kind, ==, CHORUS_FLOW_KIND_UDP);

  /* A little reordering is still RTP. */
  chorus_flow_classifier_init (&classifier);
  size = make_rtp (data, 7, 10, 0, 160, FALSE);
  chorus_flow_classifier_add (&classifier, data, size);
  size = make_rtp (data, 7, 12, 0, 160, FALSE);
  chorus_flow_classifier_add (&classifier, data, size);
  size = make_rtp (data, 7, 11, 0, 160, FALSE);
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==, CHORUS_FLOW_KIND_RTP);
}

/* A network that sends each datagram twice: the copies neither break
 * the streak of sequence numbers nor make it. */
static void
test_rtp_duplicated (void)
{
  ChorusFlowClassifier classifier;
  guint8 data[2048];
  gsize size;

  chorus_flow_classifier_init (&classifier);
  for (guint i = 0; i < 2; i++)
    for (guint copy = 0; copy < 2; copy++)
      {
        size = make_rtp (data, 5, (guint16) (100 + i), 10, 160, FALSE);
        g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==,
                         CHORUS_FLOW_KIND_AUTO);
      }
  size = make_rtp (data, 5, 102, 10, 160, FALSE);
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==, CHORUS_FLOW_KIND_RTP);

  /* Copies of one packet alone decide nothing, and at last it is UDP. */
  chorus_flow_classifier_init (&classifier);
  size = make_rtp (data, 5, 100, 10, 160, FALSE);
  for (guint i = 0; i < CHORUS_FLOW_KIND_MAX_PACKETS - 1; i++)
    g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==,
                     CHORUS_FLOW_KIND_AUTO);
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, data, size), ==, CHORUS_FLOW_KIND_UDP);
}

static void
test_ts (void)
{
  guint8 data[12 + 7 * CHORUS_TS_PACKET_SIZE];
  ChorusFlowClassifier classifier;
  gsize size;

  /* TS in RTP (payload type 33). */
  chorus_flow_classifier_init (&classifier);
  for (guint i = 0; i < 3; i++)
    {
      size = make_rtp (data, 42, (guint16) i, 33, 7 * CHORUS_TS_PACKET_SIZE, TRUE);
      chorus_flow_classifier_add (&classifier, data, size);
    }
  g_assert_cmpint (classifier.kind, ==, CHORUS_FLOW_KIND_RTP_TS);

  /* Payload type 33 with a payload that is not TS is RTP. */
  size = make_rtp (data, 42, 1, 33, 100, FALSE);
  g_assert_cmpint (chorus_flow_kind_of_datagram (data, size, NULL, NULL), ==, CHORUS_FLOW_KIND_RTP);

  /* Straight TS: 7 packets, or 1; not 187 bytes, not a lost sync byte. */
  chorus_flow_classifier_init (&classifier);
  memset (data, 0x11, sizeof data);
  for (guint i = 0; i < 7; i++)
    data[i * CHORUS_TS_PACKET_SIZE] = CHORUS_TS_SYNC_BYTE;
  g_assert_cmpint (chorus_flow_kind_of_datagram (data, CHORUS_TS_PACKET_SIZE, NULL, NULL), ==, CHORUS_FLOW_KIND_TS);
  g_assert_cmpint (chorus_flow_kind_of_datagram (data, 187, NULL, NULL), ==, CHORUS_FLOW_KIND_UDP);
  for (guint i = 0; i < 3; i++)
    chorus_flow_classifier_add (&classifier, data, 7 * CHORUS_TS_PACKET_SIZE);
  g_assert_cmpint (classifier.kind, ==, CHORUS_FLOW_KIND_TS);
  data[3 * CHORUS_TS_PACKET_SIZE] = 0;
  g_assert_cmpint (chorus_flow_kind_of_datagram (data, 7 * CHORUS_TS_PACKET_SIZE, NULL, NULL), ==, CHORUS_FLOW_KIND_UDP);
}

static void
test_chorus_and_udp (void)
{
  guint8 buffer[CHORUS_WIRE_PROBE_MIN_SIZE];
  ChorusProbe probe = { .session = 1, .seq = 1, .sent_usec = 2, .ttl = 8 };
  ChorusFlowClassifier classifier;
  gsize size = chorus_probe_encode (&probe, buffer, sizeof buffer);

  g_assert_cmpuint (size, >, 0);
  chorus_flow_classifier_init (&classifier);
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, buffer, size), ==, CHORUS_FLOW_KIND_CHORUS);

  /* The article's classic datagrams, and nothing at all, are UDP. */
  chorus_flow_classifier_init (&classifier);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (chorus_flow_classifier_add (&classifier, (const guint8 *) "very important data", 19),
                     ==, CHORUS_FLOW_KIND_AUTO);
  g_assert_cmpint (chorus_flow_classifier_add (&classifier, NULL, 0), ==, CHORUS_FLOW_KIND_UDP);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flow-kind/names", test_names);
  g_test_add_func ("/flow-kind/rtp", test_rtp);
  g_test_add_func ("/flow-kind/rtp-duplicated", test_rtp_duplicated);
  g_test_add_func ("/flow-kind/ts", test_ts);
  g_test_add_func ("/flow-kind/chorus-and-udp", test_chorus_and_udp);

  return g_test_run ();
}
