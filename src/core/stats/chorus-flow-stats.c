/* chorus-flow-stats.c: what every UDP flow gets measured by
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three rings of slots keep memory fixed whatever the rate: 100 slots
 * of 10 ms for the rate over the last second, 100 slots of 1 ms for the
 * burst window, and a log histogram of inter-arrival times.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-flow-stats.h"

#define BURST_SLOT_USEC (CHORUS_FLOW_BURST_USEC / CHORUS_FLOW_BURST_SLOTS)

G_STATIC_ASSERT (CHORUS_FLOW_RATE_SLOTS * CHORUS_FLOW_RATE_SLOT_USEC == G_USEC_PER_SEC);

void
chorus_flow_stats_init (ChorusFlowStats *stats)
{
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  stats->ttl = -1;
  stats->dscp = -1;
}

static guint
iat_bucket (gint64 usec)
{
  guint64 v = (guint64) MAX (usec, 0);
  guint e;

  if (v < CHORUS_FLOW_IAT_SUB_BUCKETS)
    return (guint) v;
  e = g_bit_storage (v) - 1;
  if (e >= CHORUS_FLOW_IAT_MAX_POWER)
    return CHORUS_FLOW_IAT_BUCKETS - 1;
  return CHORUS_FLOW_IAT_SUB_BUCKETS * (e - 3) + (guint) ((v >> (e - 4)) & 15);
}

/* The lower edge and width of bucket @b, in µs. */
static void
iat_bucket_range (guint    b,
                  guint64 *low,
                  guint64 *width)
{
  guint e, sub;

  if (b < CHORUS_FLOW_IAT_SUB_BUCKETS)
    {
      *low = b;
      *width = 1;
      return;
    }
  e = b / CHORUS_FLOW_IAT_SUB_BUCKETS + 3;
  sub = b % CHORUS_FLOW_IAT_SUB_BUCKETS;
  *low = (guint64) (CHORUS_FLOW_IAT_SUB_BUCKETS + sub) << (e - 4);
  *width = G_GUINT64_CONSTANT (1) << (e - 4);
}

static void
add_rate (ChorusFlowStats *stats,
          gsize            size,
          gint64           arrival_usec)
{
  gint64 slot = arrival_usec / CHORUS_FLOW_RATE_SLOT_USEC;

  if (stats->packets == 0)
    stats->rate_slot = slot;
  for (gint64 s = stats->rate_slot + 1, n = 0; s <= slot && n < CHORUS_FLOW_RATE_SLOTS; s++, n++)
    {
      stats->rate_packets[s % CHORUS_FLOW_RATE_SLOTS] = 0;
      stats->rate_bytes[s % CHORUS_FLOW_RATE_SLOTS] = 0;
    }
  stats->rate_slot = MAX (stats->rate_slot, slot);
  stats->rate_packets[slot % CHORUS_FLOW_RATE_SLOTS]++;
  stats->rate_bytes[slot % CHORUS_FLOW_RATE_SLOTS] += size;
}

/* Wireshark's sliding window (ui/mcast_stream.c): the datagrams of the
 * last 100 ms, this one included, counted in 1 ms slots. */
static void
add_burst (ChorusFlowStats *stats,
           gint64           arrival_usec)
{
  gint64 slot = arrival_usec / BURST_SLOT_USEC;

  if (stats->packets == 0)
    stats->burst_slot = slot;
  for (gint64 s = stats->burst_slot + 1, n = 0; s <= slot && n < CHORUS_FLOW_BURST_SLOTS; s++, n++)
    {
      stats->burst_count -= stats->burst_packets[s % CHORUS_FLOW_BURST_SLOTS];
      stats->burst_packets[s % CHORUS_FLOW_BURST_SLOTS] = 0;
    }
  stats->burst_slot = MAX (stats->burst_slot, slot);
  stats->burst_packets[slot % CHORUS_FLOW_BURST_SLOTS]++;
  stats->burst_count++;
  stats->max_burst = MAX (stats->max_burst, stats->burst_count);
}

/**
 * chorus_flow_stats_add:
 * @size: the UDP payload's size
 * @arrival_usec: when it arrived (not negative)
 * @ttl: the TTL or hop limit it arrived with, -1 if unknown
 * @dscp: its DSCP (the traffic class's upper six bits), -1 if unknown
 */
void
chorus_flow_stats_add (ChorusFlowStats *stats,
                       gsize            size,
                       gint64           arrival_usec,
                       int              ttl,
                       int              dscp)
{
  g_return_if_fail (stats != NULL);

  arrival_usec = MAX (arrival_usec, 0);
  if (stats->packets > 0)
    {
      gint64 iat;

      arrival_usec = MAX (arrival_usec, stats->last_usec);
      iat = arrival_usec - stats->last_usec;
      if (stats->packets == 1)
        stats->iat_min_usec = stats->iat_max_usec = iat;
      stats->iat_min_usec = MIN (stats->iat_min_usec, iat);
      stats->iat_max_usec = MAX (stats->iat_max_usec, iat);
      stats->iat_histogram[iat_bucket (iat)]++;
    }
  else
    stats->first_usec = arrival_usec;

  add_rate (stats, size, arrival_usec);
  add_burst (stats, arrival_usec);

  stats->packets++;
  stats->bytes += size;
  stats->last_usec = arrival_usec;
  stats->ttl = ttl;
  stats->dscp = dscp;
}

static void
sum_last_second (const ChorusFlowStats *stats,
                 gint64                 now_usec,
                 guint64               *packets,
                 guint64               *bytes)
{
  gint64 now_slot = MAX (now_usec, 0) / CHORUS_FLOW_RATE_SLOT_USEC;
  gint64 from;

  *packets = *bytes = 0;
  if (stats->packets == 0)
    return;

  /* The slot now falls in and the 99 before it; none is newer than
   * rate_slot, and those older than rate_slot - 99 are forgotten. */
  now_slot = MAX (now_slot, stats->rate_slot);
  from = now_slot - (CHORUS_FLOW_RATE_SLOTS - 1);
  for (gint64 s = from; s <= stats->rate_slot; s++)
    {
      if (s < 0)
        continue;
      *packets += stats->rate_packets[s % CHORUS_FLOW_RATE_SLOTS];
      *bytes += stats->rate_bytes[s % CHORUS_FLOW_RATE_SLOTS];
    }
}

double
chorus_flow_stats_get_rate_pps (const ChorusFlowStats *stats,
                                gint64                 now_usec)
{
  guint64 packets, bytes;

  g_return_val_if_fail (stats != NULL, 0);

  sum_last_second (stats, now_usec, &packets, &bytes);
  return (double) packets;
}

double
chorus_flow_stats_get_bitrate_bps (const ChorusFlowStats *stats,
                                   gint64                 now_usec)
{
  guint64 packets, bytes;

  g_return_val_if_fail (stats != NULL, 0);

  sum_last_second (stats, now_usec, &packets, &bytes);
  return 8.0 * (double) bytes;
}

double
chorus_flow_stats_get_avg_bitrate_bps (const ChorusFlowStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  if (stats->packets < 2 || stats->last_usec == stats->first_usec)
    return 0;
  return 8.0 * (double) stats->bytes * G_USEC_PER_SEC
         / (double) (stats->last_usec - stats->first_usec);
}

double
chorus_flow_stats_get_iat_min_ms (const ChorusFlowStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->iat_min_usec / 1000.0;
}

double
chorus_flow_stats_get_iat_max_ms (const ChorusFlowStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->iat_max_usec / 1000.0;
}

double
chorus_flow_stats_get_iat_avg_ms (const ChorusFlowStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  if (stats->packets < 2)
    return 0;
  return (double) (stats->last_usec - stats->first_usec) / (stats->packets - 1) / 1000.0;
}

double
chorus_flow_stats_get_iat_percentile_ms (const ChorusFlowStats *stats,
                                         double                 percent)
{
  guint64 count, rank, seen = 0;

  g_return_val_if_fail (stats != NULL, 0);
  g_return_val_if_fail (percent > 0 && percent <= 100, 0);

  if (stats->packets < 2)
    return 0;

  count = stats->packets - 1;
  rank = (guint64) ceil (percent / 100.0 * (double) count);
  rank = CLAMP (rank, 1, count);
  /* The extremes are known exactly. */
  if (rank == count)
    return stats->iat_max_usec / 1000.0;
  if (rank == 1)
    return stats->iat_min_usec / 1000.0;

  for (guint b = 0; b < CHORUS_FLOW_IAT_BUCKETS; b++)
    {
      seen += stats->iat_histogram[b];
      if (seen >= rank)
        {
          guint64 low, width;
          double middle;

          iat_bucket_range (b, &low, &width);
          middle = (double) low + (double) (width - 1) / 2.0;
          middle = CLAMP (middle, (double) stats->iat_min_usec, (double) stats->iat_max_usec);
          return middle / 1000.0;
        }
    }

  g_return_val_if_reached (stats->iat_max_usec / 1000.0);
}

double
chorus_flow_stats_get_iat_p99_ms (const ChorusFlowStats *stats)
{
  return chorus_flow_stats_get_iat_percentile_ms (stats, 99);
}

double
chorus_flow_stats_get_longest_gap_ms (const ChorusFlowStats *stats,
                                      gint64                 now_usec)
{
  gint64 silence;

  g_return_val_if_fail (stats != NULL, 0);

  if (stats->packets == 0)
    return 0;
  silence = MAX (now_usec - stats->last_usec, 0);
  return MAX (stats->iat_max_usec, silence) / 1000.0;
}
