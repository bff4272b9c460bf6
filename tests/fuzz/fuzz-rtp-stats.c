/* fuzz-rtp-stats.c: the RTP and flow statistics over any run of packets
 *
 * Each event is 6 bytes: a sequence step (signed, or with the high bit
 * of the flags an absolute sequence number), a timestamp step, an
 * arrival step in 100 µs, and flags (another SSRC, a payload type).
 * Whatever the run, the RTP counters add up (received + lost =
 * expected; every packet is received, a duplicate, discarded, held in
 * probation or another source's, once), the verdict matches what
 * moved, and the flow statistics stay inside their bounds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-flow-stats.h"
#include "chorus-rtp-stats.h"
#include "fuzz.h"

#define SSRC 0x5eed

static void
check_rtp (const ChorusRtpStats *stats,
           guint64               added,
           guint64               other)
{
  double loss = chorus_rtp_stats_get_loss_pct (stats);
  double jitter = chorus_rtp_stats_get_jitter_ms (stats);

  fuzz_check (stats->received <= stats->expected);
  fuzz_check (stats->received + stats->lost == stats->expected);
  fuzz_check (stats->received + stats->duplicates + stats->discarded + stats->probation_held + other
              == added);
  fuzz_check (stats->reordered <= stats->received);
  fuzz_check (stats->probation_held < CHORUS_RTP_MIN_SEQUENTIAL);
  fuzz_check (loss >= 0 && loss <= 100);
  fuzz_check (isfinite (stats->jitter) && stats->jitter >= 0);
  fuzz_check (stats->jitter <= G_MAXINT32);
  fuzz_check (stats->clock_rate == 0 ? jitter == -1 : jitter >= 0);
  if (stats->valid)
    fuzz_check (stats->base_seq <= stats->ext_highest_seq);
}

/* Every packet; the percentiles (a walk over the histogram) with
 * @percentiles, at the end. */
static void
check_flow (const ChorusFlowStats *stats,
            gint64                 now,
            gboolean               percentiles)
{
  double min = chorus_flow_stats_get_iat_min_ms (stats);
  double avg = chorus_flow_stats_get_iat_avg_ms (stats);
  double max = chorus_flow_stats_get_iat_max_ms (stats);
  double pps = chorus_flow_stats_get_rate_pps (stats, now);

  fuzz_check (min <= avg + 1e-9 && avg <= max + 1e-9);
  if (percentiles)
    {
      double p99 = chorus_flow_stats_get_iat_p99_ms (stats);
      double p50 = chorus_flow_stats_get_iat_percentile_ms (stats, 50);
      double p1 = chorus_flow_stats_get_iat_percentile_ms (stats, 1);

      fuzz_check (p1 >= min && p1 <= p50 && p50 <= p99 && p99 <= max);
      fuzz_check (chorus_flow_stats_get_iat_percentile_ms (stats, 100) == max);
    }
  fuzz_check (stats->max_burst <= stats->packets);
  fuzz_check (stats->packets == 0 || stats->max_burst >= 1);
  fuzz_check (pps >= 0 && pps <= stats->packets);
  fuzz_check (chorus_flow_stats_get_bitrate_bps (stats, now) <= 8.0 * stats->bytes);
  fuzz_check (chorus_flow_stats_get_avg_bitrate_bps (stats) >= 0);
  fuzz_check (chorus_flow_stats_get_longest_gap_ms (stats, now) >= max);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  ChorusRtpStats stats;
  ChorusFlowStats flow;
  ChorusRtpHeader header = { .version = 2, .ssrc = SSRC };
  guint64 added = 0, other = 0;
  gint64 now = G_USEC_PER_SEC;
  guint16 seq = 0;
  guint32 timestamp = 0;

  chorus_rtp_stats_init (&stats);
  chorus_flow_stats_init (&flow);
  if (size > 0 && (data[0] & 1))
    chorus_rtp_stats_set_clock_rate (&stats, 90000);

  for (gsize i = 1; i + 6 <= size; i += 6)
    {
      gint16 step = (gint16) (data[i] << 8 | data[i + 1]);
      guint8 flags = data[i + 5];
      ChorusRtpStats before;
      ChorusRtpPacketVerdict verdict;

      seq = flags & 0x80 ? (guint16) step : (guint16) (seq + step);
      timestamp += (guint32) (data[i + 2] << 8 | data[i + 3]) * (flags & 0x40 ? 1000 : 1);
      now += data[i + 4] * 100;

      header.seq = seq;
      header.timestamp = timestamp;
      header.payload_type = flags & 0x10 ? 96 : (flags & 0x20 ? 0 : 33);
      header.ssrc = flags & 0x08 ? SSRC + 1 : SSRC;

      memcpy (&before, &stats, sizeof before);
      verdict = chorus_rtp_stats_add (&stats, &header, now);
      added++;

      switch (verdict)
        {
        case CHORUS_RTP_PACKET_OTHER_SSRC:
          other++;
          fuzz_check (memcmp (&before, &stats, sizeof before) == 0);
          break;
        case CHORUS_RTP_PACKET_DUPLICATE:
          fuzz_check (stats.duplicates == before.duplicates + 1);
          fuzz_check (stats.received == before.received);
          break;
        case CHORUS_RTP_PACKET_REORDERED:
          fuzz_check (stats.reordered == before.reordered + 1);
          fuzz_check (stats.received == before.received + 1);
          fuzz_check (stats.ext_highest_seq == before.ext_highest_seq);
          break;
        case CHORUS_RTP_PACKET_IN_ORDER:
          /* Two when it ends the probation. */
          fuzz_check (stats.received == before.received + (before.valid ? 1 : CHORUS_RTP_MIN_SEQUENTIAL));
          fuzz_check (!before.valid || stats.ext_highest_seq > before.ext_highest_seq);
          break;
        case CHORUS_RTP_PACKET_RESTART:
          fuzz_check (stats.seq_restarts == before.seq_restarts + 1);
          fuzz_check (stats.received == before.received + 2);
          break;
        case CHORUS_RTP_PACKET_DISCARDED:
          fuzz_check (stats.received == before.received);
          fuzz_check (stats.expected == before.expected);
          break;
        case CHORUS_RTP_PACKET_PROBATION:
          fuzz_check (!stats.valid && stats.received == before.received);
          break;
        default:
          fuzz_fail (__FILE__, __LINE__, G_STRFUNC, "a verdict");
        }
      fuzz_check (strcmp (chorus_rtp_packet_verdict_to_string (verdict), "unknown") != 0);
      check_rtp (&stats, added, other);

      chorus_flow_stats_add (&flow, data[i + 2] * 8u, now, flags & 7, flags >> 2);
      check_flow (&flow, now + data[i + 3] * 1000, FALSE);
    }

  check_flow (&flow, now, TRUE);
  return 0;
}
