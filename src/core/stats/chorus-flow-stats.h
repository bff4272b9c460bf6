/* chorus-flow-stats.h: what every UDP flow gets measured by, whatever it carries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure bookkeeping in a fixed size, O(1) per datagram (amortised): no
 * sockets, no clocks. Arrival times are passed in, in µs on one
 * monotonic clock; a time earlier than the one before counts as that
 * one. Sizes are UDP payload bytes: IP and UDP headers are not counted.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The rate over the last second is summed over RATE_SLOTS slots of
 * RATE_SLOT_USEC each: the slot "now" falls in and the 99 before it. */
#define CHORUS_FLOW_RATE_SLOTS      100
#define CHORUS_FLOW_RATE_SLOT_USEC  10000
/* Max burst: the most datagrams in any window of BURST_USEC, as
 * Wireshark's multicast stream statistics count them (burst interval
 * 100 ms), to the millisecond. */
#define CHORUS_FLOW_BURST_USEC      100000
#define CHORUS_FLOW_BURST_SLOTS     100
/* The inter-arrival histogram: exact below 16 µs, then 16 buckets per
 * power of two (each at most 1/16 of its lower edge wide) up to 2^40 µs
 * (12.7 days); a percentile read from it is the bucket's middle, within
 * 1/32 (3.2 %) of the true value, and clamped to [min, max]; the
 * first and last ranks are the exact min and max. */
#define CHORUS_FLOW_IAT_SUB_BUCKETS 16
#define CHORUS_FLOW_IAT_MAX_POWER   40
#define CHORUS_FLOW_IAT_BUCKETS     (CHORUS_FLOW_IAT_SUB_BUCKETS * (CHORUS_FLOW_IAT_MAX_POWER - 3))

typedef struct
{
  guint64 packets;
  guint64 bytes;
  gint64  first_usec;       /* arrival of the first datagram; 0 before */
  gint64  last_usec;        /* of the last */
  gint64  iat_min_usec;     /* 0 before the second datagram */
  gint64  iat_max_usec;
  guint64 max_burst;        /* most datagrams in any 100 ms */
  int     ttl;              /* of the last datagram; -1 unknown */
  int     dscp;             /* of the last datagram; -1 unknown */
  /* private */
  gint64  rate_slot;        /* index of the newest rate slot */
  guint64 rate_packets[CHORUS_FLOW_RATE_SLOTS];
  guint64 rate_bytes[CHORUS_FLOW_RATE_SLOTS];
  gint64  burst_slot;       /* the newest millisecond */
  guint64 burst_count;      /* datagrams in the burst window */
  guint32 burst_packets[CHORUS_FLOW_BURST_SLOTS];
  guint64 iat_histogram[CHORUS_FLOW_IAT_BUCKETS];
} ChorusFlowStats;

void    chorus_flow_stats_init          (ChorusFlowStats       *stats);
void    chorus_flow_stats_add           (ChorusFlowStats       *stats,
                                         gsize                  size,
                                         gint64                 arrival_usec,
                                         int                    ttl,
                                         int                    dscp);

/* Over the last second before @now_usec (0 once the flow is silent). */
double  chorus_flow_stats_get_rate_pps     (const ChorusFlowStats *stats,
                                            gint64                 now_usec);
double  chorus_flow_stats_get_bitrate_bps  (const ChorusFlowStats *stats,
                                            gint64                 now_usec);
/* Over the run: bits from the first datagram to the last, over the time
 * between them; 0 before the second datagram. */
double  chorus_flow_stats_get_avg_bitrate_bps (const ChorusFlowStats *stats);

/* Inter-arrival times in ms; 0 before the second datagram. */
double  chorus_flow_stats_get_iat_min_ms   (const ChorusFlowStats *stats);
double  chorus_flow_stats_get_iat_avg_ms   (const ChorusFlowStats *stats);
double  chorus_flow_stats_get_iat_max_ms   (const ChorusFlowStats *stats);
/* The nearest-rank percentile (0 < @percent <= 100) of the
 * inter-arrival times, from the histogram. */
double  chorus_flow_stats_get_iat_percentile_ms (const ChorusFlowStats *stats,
                                                 double                 percent);
double  chorus_flow_stats_get_iat_p99_ms   (const ChorusFlowStats *stats);
/* The longest silence: the largest inter-arrival time, or the time
 * since the last datagram if the flow has been silent longer. */
double  chorus_flow_stats_get_longest_gap_ms (const ChorusFlowStats *stats,
                                              gint64                 now_usec);

G_END_DECLS
