/* chorus-rtp-stats.c: one RTP source as a receiver sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sequence bookkeeping is RFC 3550's update_seq() (appendix A.1)
 * on extended sequence numbers, with three changes a monitor needs:
 *
 * - a bitmap of the last SEQ_WINDOW sequence numbers tells a duplicate
 *   from a late packet, so that neither is counted twice (A.1 counts
 *   every packet in received, and A.3's lost can go negative);
 * - the MIN_SEQUENTIAL packets that end a probation are all counted
 *   (A.1 starts the sequence at the last of them): they were seen, in
 *   order, and leaving them out would show a loss that never happened;
 * - a restart adds a new sequence to the run's totals instead of
 *   forgetting the old one.
 *
 * Packets that arrive before the base (late first packets) move the
 * base down: they are reordered, and expected grows with them.
 */

#include "config.h"

#include <string.h>

#include "chorus-rtp-stats.h"

#define SEQ_MOD    65536
#define NO_BAD_SEQ (SEQ_MOD + 1)

static inline guint
slot_of (gint64 ext)
{
  return (guint) ((guint64) ext % CHORUS_RTP_SEQ_WINDOW);
}

static gboolean
window_test (const ChorusRtpStats *stats,
             gint64                ext)
{
  guint slot = slot_of (ext);

  return (stats->window[slot / 64] >> (slot % 64)) & 1;
}

static void
window_mark (ChorusRtpStats *stats,
             gint64          ext)
{
  guint slot = slot_of (ext);

  stats->window[slot / 64] |= G_GUINT64_CONSTANT (1) << (slot % 64);
}

/* Moves the highest to @ext, forgetting the slots it passes. */
static void
window_advance (ChorusRtpStats *stats,
                gint64          ext)
{
  if (ext - stats->ext_highest_seq >= CHORUS_RTP_SEQ_WINDOW)
    memset (stats->window, 0, sizeof stats->window);
  else
    for (gint64 e = stats->ext_highest_seq + 1; e <= ext; e++)
      {
        guint slot = slot_of (e);

        stats->window[slot / 64] &= ~(G_GUINT64_CONSTANT (1) << (slot % 64));
      }
  stats->ext_highest_seq = ext;
}

static void
update_totals (ChorusRtpStats *stats)
{
  guint64 epoch_expected = stats->valid ? (guint64) (stats->ext_highest_seq - stats->base_seq + 1) : 0;

  stats->expected = stats->prior_expected + epoch_expected;
  stats->received = stats->prior_received + stats->epoch_received;
  /* received <= expected: every counted seq is distinct and in [base, highest]. */
  stats->lost = stats->expected - stats->received;
}

/* Starts a sequence whose last MIN_SEQUENTIAL packets ended at @seq,
 * all seen. */
static void
start_sequence (ChorusRtpStats *stats,
                guint16         seq)
{
  if (stats->valid)
    {
      stats->prior_expected += (guint64) (stats->ext_highest_seq - stats->base_seq + 1);
      stats->prior_received += stats->epoch_received;
    }

  memset (stats->window, 0, sizeof stats->window);
  stats->valid = TRUE;
  stats->ext_highest_seq = seq;
  stats->base_seq = (gint64) seq - (CHORUS_RTP_MIN_SEQUENTIAL - 1);
  for (gint64 e = stats->base_seq; e <= stats->ext_highest_seq; e++)
    window_mark (stats, e);
  stats->epoch_received = CHORUS_RTP_MIN_SEQUENTIAL;
  stats->bad_seq = NO_BAD_SEQ;
  stats->have_transit = FALSE;
}

/* RFC 3550 A.8: the arrival time in timestamp units, minus the
 * timestamp, against the packet before; all modulo 2^32. */
static void
update_jitter (ChorusRtpStats        *stats,
               const ChorusRtpHeader *header,
               gint64                 arrival_usec)
{
  guint64 usec = (guint64) MAX (arrival_usec, 0);
  guint64 units;
  guint32 transit;

  if (stats->clock_rate == 0)
    return;

  units = (usec / G_USEC_PER_SEC) * stats->clock_rate
          + (usec % G_USEC_PER_SEC) * stats->clock_rate / G_USEC_PER_SEC;
  transit = (guint32) units - header->timestamp;

  if (stats->have_transit)
    {
      gint64 d = (gint32) (transit - stats->transit);

      if (d < 0)
        d = -d;
      stats->jitter += ((double) d - stats->jitter) / 16.0;
    }
  stats->transit = transit;
  stats->have_transit = TRUE;
}

void
chorus_rtp_stats_init (ChorusRtpStats *stats)
{
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  stats->payload_type = -1;
  stats->bad_seq = NO_BAD_SEQ;
}

void
chorus_rtp_stats_set_clock_rate (ChorusRtpStats *stats,
                                 guint32         clock_rate)
{
  g_return_if_fail (stats != NULL);

  stats->clock_rate = clock_rate;
  stats->clock_rate_given = clock_rate != 0;
}

gboolean
chorus_rtp_stats_is_other_ssrc (const ChorusRtpStats *stats,
                                guint32               ssrc)
{
  g_return_val_if_fail (stats != NULL, FALSE);

  return stats->started && stats->ssrc != ssrc;
}

/* The probation of A.1: MIN_SEQUENTIAL packets in a row make a sequence. */
static ChorusRtpPacketVerdict
add_in_probation (ChorusRtpStats *stats,
                  guint16         seq)
{
  if (stats->probation_held > 0 && seq == (guint16) (stats->probation_seq + 1))
    stats->probation_held++;
  else
    {
      stats->discarded += stats->probation_held;
      stats->probation_held = 1;
    }
  stats->probation_seq = seq;

  if (stats->probation_held < CHORUS_RTP_MIN_SEQUENTIAL)
    return CHORUS_RTP_PACKET_PROBATION;

  stats->probation_held = 0;
  start_sequence (stats, seq);
  return CHORUS_RTP_PACKET_IN_ORDER;
}

/**
 * chorus_rtp_stats_add:
 * @header: a packet's header, from chorus_rtp_header_parse()
 * @arrival_usec: when it arrived
 *
 * Returns: what the packet was to the sequence
 */
ChorusRtpPacketVerdict
chorus_rtp_stats_add (ChorusRtpStats        *stats,
                      const ChorusRtpHeader *header,
                      gint64                 arrival_usec)
{
  ChorusRtpPacketVerdict verdict;
  guint16 seq;
  guint16 udelta;

  g_return_val_if_fail (stats != NULL, CHORUS_RTP_PACKET_DISCARDED);
  g_return_val_if_fail (header != NULL, CHORUS_RTP_PACKET_DISCARDED);

  if (chorus_rtp_stats_is_other_ssrc (stats, header->ssrc))
    return CHORUS_RTP_PACKET_OTHER_SSRC;

  if (!stats->started)
    {
      stats->started = TRUE;
      stats->ssrc = header->ssrc;
      if (!stats->clock_rate_given)
        stats->clock_rate = chorus_rtp_payload_type_clock_rate (header->payload_type);
    }
  stats->payload_type = header->payload_type;
  seq = header->seq;

  if (!stats->valid)
    {
      verdict = add_in_probation (stats, seq);
      if (verdict == CHORUS_RTP_PACKET_IN_ORDER)
        update_jitter (stats, header, arrival_usec);
      update_totals (stats);
      return verdict;
    }

  udelta = (guint16) (seq - (guint16) stats->ext_highest_seq);

  if (udelta == 0)
    {
      stats->duplicates++;
      return CHORUS_RTP_PACKET_DUPLICATE;
    }
  else if (udelta < CHORUS_RTP_MAX_DROPOUT)
    {
      /* In order, with a gap (loss) when udelta > 1; wraps are in
       * the extended numbers. */
      window_advance (stats, stats->ext_highest_seq + udelta);
      window_mark (stats, stats->ext_highest_seq);
      stats->epoch_received++;
      verdict = CHORUS_RTP_PACKET_IN_ORDER;
    }
  else if (udelta <= SEQ_MOD - CHORUS_RTP_MAX_MISORDER)
    {
      /* A very large jump: the source restarted if the next packet
       * follows this one; until then, a stray packet. */
      if (seq == stats->bad_seq)
        {
          stats->discarded--;  /* the packet before this one, now counted */
          stats->seq_restarts++;
          start_sequence (stats, seq);
          verdict = CHORUS_RTP_PACKET_RESTART;
        }
      else
        {
          stats->bad_seq = (seq + 1) & (SEQ_MOD - 1);
          stats->discarded++;
          return CHORUS_RTP_PACKET_DISCARDED;
        }
    }
  else
    {
      /* Up to MAX_MISORDER behind the highest: a duplicate, or late. */
      gint64 ext = stats->ext_highest_seq - (SEQ_MOD - udelta);

      if (window_test (stats, ext))
        {
          stats->duplicates++;
          return CHORUS_RTP_PACKET_DUPLICATE;
        }
      window_mark (stats, ext);
      stats->epoch_received++;
      stats->reordered++;
      if (ext < stats->base_seq)
        stats->base_seq = ext;
      verdict = CHORUS_RTP_PACKET_REORDERED;
    }

  update_jitter (stats, header, arrival_usec);
  update_totals (stats);
  return verdict;
}

double
chorus_rtp_stats_get_loss_pct (const ChorusRtpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  if (stats->expected == 0)
    return 0;
  return 100.0 * (double) stats->lost / (double) stats->expected;
}

double
chorus_rtp_stats_get_jitter_ms (const ChorusRtpStats *stats)
{
  g_return_val_if_fail (stats != NULL, -1);

  if (stats->clock_rate == 0)
    return -1;
  return stats->jitter * 1000.0 / stats->clock_rate;
}

const char *
chorus_rtp_packet_verdict_to_string (ChorusRtpPacketVerdict verdict)
{
  switch (verdict)
    {
    case CHORUS_RTP_PACKET_IN_ORDER:
      return "in-order";
    case CHORUS_RTP_PACKET_REORDERED:
      return "reordered";
    case CHORUS_RTP_PACKET_DUPLICATE:
      return "duplicate";
    case CHORUS_RTP_PACKET_PROBATION:
      return "probation";
    case CHORUS_RTP_PACKET_RESTART:
      return "restart";
    case CHORUS_RTP_PACKET_DISCARDED:
      return "discarded";
    case CHORUS_RTP_PACKET_OTHER_SSRC:
      return "other-ssrc";
    default:
      g_return_val_if_reached ("unknown");
    }
}
