/* chorus-flow-kind.c: what a UDP flow carries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One datagram is a Chorus one if it starts with a Chorus header
 * (chorus_wire_get_kind()); TS if it is whole 188-byte packets, each
 * with the sync byte; RTP if its header parses (version 2, the lengths
 * inside the datagram, not RTCP), and RTP-TS if its payload is whole TS
 * packets. A raw TS datagram starts with 0x47, which reads as RTP
 * version 1, so the two never meet. RTP needs a steady SSRC over the
 * datagrams that decide it, and sequence numbers that go forward
 * (by less than MAX_DROPOUT) or back a little (MAX_MISORDER): random
 * bytes pass the version check one time in four, and this almost never.
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-flow-kind.h"
#include "chorus-probe.h"
#include "chorus-rtp-stats.h"
#include "chorus-rtp.h"
#include "chorus-text.h"
#include "chorus-ts.h"

static const char *const names[] = {
  [CHORUS_FLOW_KIND_AUTO] = "auto",
  [CHORUS_FLOW_KIND_RTP] = "rtp",
  [CHORUS_FLOW_KIND_TS] = "ts",
  [CHORUS_FLOW_KIND_RTP_TS] = "rtp-ts",
  [CHORUS_FLOW_KIND_CHORUS] = "chorus",
  [CHORUS_FLOW_KIND_UDP] = "udp",
};

const char *
chorus_flow_kind_to_string (ChorusFlowKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (names), "unknown");

  return names[kind];
}

/* Longer texts are not quoted back: no kind is that long. */
#define QUOTED_MAX 16

gboolean
chorus_flow_kind_parse (const char     *text,
                        ChorusFlowKind *kind,
                        GError        **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (text, names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }

  if (strlen (text) <= QUOTED_MAX)
    {
      g_autofree char *shown = chorus_text_escape ((const guint8 *) text, strlen (text));

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "“%s” is not a stream kind: use auto, rtp, ts, rtp-ts, chorus or udp", shown);
    }
  else
    g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                         "That is not a stream kind: use auto, rtp, ts, rtp-ts, chorus or udp");
  return FALSE;
}

ChorusFlowKind
chorus_flow_kind_of_datagram (const guint8 *data,
                              gsize         size,
                              guint32      *ssrc,
                              guint16      *seq)
{
  ChorusRtpHeader header;

  g_return_val_if_fail (data != NULL || size == 0, CHORUS_FLOW_KIND_UDP);

  if (chorus_wire_get_kind (data, size) != CHORUS_WIRE_NONE)
    return CHORUS_FLOW_KIND_CHORUS;
  if (chorus_ts_is_aligned (data, size))
    return CHORUS_FLOW_KIND_TS;
  if (!chorus_rtp_header_parse (data, size, &header, NULL))
    return CHORUS_FLOW_KIND_UDP;

  if (ssrc != NULL)
    *ssrc = header.ssrc;
  if (seq != NULL)
    *seq = header.seq;
  if (chorus_ts_is_aligned (data + header.payload_offset, header.payload_size))
    return CHORUS_FLOW_KIND_RTP_TS;
  return CHORUS_FLOW_KIND_RTP;
}

void
chorus_flow_classifier_init (ChorusFlowClassifier *classifier)
{
  g_return_if_fail (classifier != NULL);

  memset (classifier, 0, sizeof *classifier);
  classifier->kind = CHORUS_FLOW_KIND_AUTO;
  classifier->candidate = CHORUS_FLOW_KIND_AUTO;
}

static gboolean
continues_rtp (const ChorusFlowClassifier *classifier,
               guint32                     ssrc,
               guint16                     seq)
{
  guint16 delta = (guint16) (seq - classifier->seq);

  if (ssrc != classifier->ssrc)
    return FALSE;
  return (delta > 0 && delta < CHORUS_RTP_MAX_DROPOUT) || delta > 65536 - CHORUS_RTP_MAX_MISORDER;
}

ChorusFlowKind
chorus_flow_classifier_add (ChorusFlowClassifier *classifier,
                            const guint8         *data,
                            gsize                 size)
{
  ChorusFlowKind look;
  guint32 ssrc = 0;
  guint16 seq = 0;
  gboolean same;

  g_return_val_if_fail (classifier != NULL, CHORUS_FLOW_KIND_AUTO);
  g_return_val_if_fail (data != NULL || size == 0, CHORUS_FLOW_KIND_AUTO);

  if (classifier->kind != CHORUS_FLOW_KIND_AUTO)
    return classifier->kind;

  look = chorus_flow_kind_of_datagram (data, size, &ssrc, &seq);
  same = look == classifier->candidate;
  /* A duplicate (the same SSRC and sequence number again, as a network
   * that copies datagrams delivers them) neither breaks a streak nor
   * adds to it. */
  if (same && classifier->streak > 0 && ssrc == classifier->ssrc && seq == classifier->seq
      && (look == CHORUS_FLOW_KIND_RTP || look == CHORUS_FLOW_KIND_RTP_TS))
    {
      if (++classifier->seen >= CHORUS_FLOW_KIND_MAX_PACKETS)
        classifier->kind = CHORUS_FLOW_KIND_UDP;
      return classifier->kind;
    }
  if (same && (look == CHORUS_FLOW_KIND_RTP || look == CHORUS_FLOW_KIND_RTP_TS))
    same = continues_rtp (classifier, ssrc, seq);

  classifier->streak = same ? classifier->streak + 1 : 1;
  classifier->candidate = look;
  classifier->ssrc = ssrc;
  classifier->seq = seq;
  classifier->seen++;

  if (look == CHORUS_FLOW_KIND_CHORUS || classifier->streak >= CHORUS_FLOW_KIND_PACKETS)
    classifier->kind = look;
  else if (classifier->seen >= CHORUS_FLOW_KIND_MAX_PACKETS)
    classifier->kind = CHORUS_FLOW_KIND_UDP;
  return classifier->kind;
}
