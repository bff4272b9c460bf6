/* chorus-rtp-stats.h: one RTP source as a receiver sees it (RFC 3550, A.1, A.3, A.8)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure bookkeeping, O(1) per packet and a fixed size: no sockets, no
 * clocks (arrival times are passed in, in µs on one monotonic clock).
 * One model is one SSRC: a packet of another SSRC is refused with
 * CHORUS_RTP_PACKET_OTHER_SSRC, and the caller starts a new flow.
 */

#pragma once

#include <glib.h>

#include "chorus-rtp.h"

G_BEGIN_DECLS

/* RFC 3550, appendix A.1. */
#define CHORUS_RTP_MAX_DROPOUT    3000
#define CHORUS_RTP_MAX_MISORDER   100
#define CHORUS_RTP_MIN_SEQUENTIAL 2
/* Sequence numbers remembered below the highest, to tell duplicates
 * from late packets: more than MAX_MISORDER, the furthest back A.1
 * takes a packet as late rather than as a jump. */
#define CHORUS_RTP_SEQ_WINDOW     256

typedef enum
{
  CHORUS_RTP_PACKET_IN_ORDER,   /* counted; the newest sequence number so far */
  CHORUS_RTP_PACKET_REORDERED,  /* counted; late, it fills a gap (RFC 4737) */
  CHORUS_RTP_PACKET_DUPLICATE,  /* a sequence number already counted */
  CHORUS_RTP_PACKET_PROBATION,  /* held until MIN_SEQUENTIAL packets in a row make a sequence */
  CHORUS_RTP_PACKET_RESTART,    /* counted; a confirmed jump: the sequence starts again */
  CHORUS_RTP_PACKET_DISCARDED,  /* a jump not (yet) confirmed by the next packet */
  CHORUS_RTP_PACKET_OTHER_SSRC, /* not this source: nothing counted */
} ChorusRtpPacketVerdict;

typedef struct
{
  guint32  ssrc;
  int      payload_type;     /* of the last packet; -1 before the first */
  guint32  clock_rate;       /* Hz; 0 unknown (then no jitter) */
  /* Over every sequence of the run (a restart adds a new one): */
  guint64  expected;         /* extended highest − base + 1, summed */
  guint64  received;         /* distinct sequence numbers counted */
  guint64  lost;             /* expected − received; reordered packets fill gaps */
  guint64  duplicates;
  guint64  reordered;
  guint64  seq_restarts;     /* jumps of MAX_DROPOUT or more confirmed by the next packet */
  guint64  discarded;        /* packets of unconfirmed jumps and failed probations */
  gint64   ext_highest_seq;  /* extended (wraps counted) highest of the current sequence */
  gint64   base_seq;         /* extended lowest of the current sequence */
  double   jitter;           /* RFC 3550 A.8, in timestamp units */
  /* private */
  gboolean started;
  gboolean valid;
  gboolean clock_rate_given;
  gboolean have_transit;
  guint    probation_held;
  guint16  probation_seq;
  guint32  bad_seq;
  guint32  transit;
  guint64  prior_expected;
  guint64  prior_received;
  guint64  epoch_received;
  guint64  window[CHORUS_RTP_SEQ_WINDOW / 64];
} ChorusRtpStats;

void                   chorus_rtp_stats_init           (ChorusRtpStats        *stats);
/* The clock rate from the SDP (a=rtpmap); 0 goes back to RFC 3551's
 * table for static payload types. Call before the first packet. */
void                   chorus_rtp_stats_set_clock_rate (ChorusRtpStats        *stats,
                                                        guint32                clock_rate);
ChorusRtpPacketVerdict chorus_rtp_stats_add            (ChorusRtpStats        *stats,
                                                        const ChorusRtpHeader *header,
                                                        gint64                 arrival_usec);
/* Whether @ssrc is not this model's source (FALSE before the first packet). */
gboolean               chorus_rtp_stats_is_other_ssrc  (const ChorusRtpStats  *stats,
                                                        guint32                ssrc);
/* lost / expected × 100; 0 when nothing is expected. */
double                 chorus_rtp_stats_get_loss_pct   (const ChorusRtpStats  *stats);
/* The jitter in ms; -1 when the clock rate is unknown. */
double                 chorus_rtp_stats_get_jitter_ms  (const ChorusRtpStats  *stats);

const char            *chorus_rtp_packet_verdict_to_string (ChorusRtpPacketVerdict verdict);

G_END_DECLS
