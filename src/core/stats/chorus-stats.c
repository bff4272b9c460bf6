/* chorus-stats.c: how well one host hears a run of probes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each host keeps a bitmap of the last CHORUS_SEQ_WINDOW sequence numbers
 * it has heard, so that a second copy of an answer or probe is told from
 * a first one. The bitmap is a ring: seq s lives at bit s % WINDOW, and
 * covers [window_base, window_base + WINDOW). Marking a seq beyond the top
 * slides the window up so that the seq is its newest; the slots it passes
 * over belong to seqs that leave, and are cleared for the seqs that
 * enter. Each seq is passed over once, so an event costs O(1) amortised.
 *
 * A seq below the window is one the bitmap no longer remembers: an answer
 * to it counts as late, and a probe of it as a new arrival.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-stats.h"

#define WINDOW_WORDS (CHORUS_SEQ_WINDOW / 64)

G_STATIC_ASSERT (CHORUS_SEQ_WINDOW % 64 == 0);

static inline gboolean
seq_below_window (guint32 window_base,
                  guint32 seq)
{
  return seq < window_base;
}

static inline gboolean
seq_in_window (guint32 window_base,
               guint32 seq)
{
  return seq >= window_base && (guint64) seq < (guint64) window_base + CHORUS_SEQ_WINDOW;
}

static inline gboolean
window_test (const guint64 *window,
             guint32        window_base,
             guint32        seq)
{
  guint32 slot = seq % CHORUS_SEQ_WINDOW;

  if (!seq_in_window (window_base, seq))
    return FALSE;

  return (window[slot / 64] >> (slot % 64)) & 1;
}

/* Clears the slots of the seqs [from, to), at most a whole window. */
static void
window_clear (guint64 *window,
              guint32  from,
              guint32  to)
{
  guint32 seq = from;

  if (to - from >= CHORUS_SEQ_WINDOW)
    {
      memset (window, 0, WINDOW_WORDS * sizeof *window);
      return;
    }

  while (seq != to)
    {
      guint32 slot = seq % CHORUS_SEQ_WINDOW;

      if (slot % 64 == 0 && to - seq >= 64)
        {
          window[slot / 64] = 0;
          seq += 64;
        }
      else
        {
          window[slot / 64] &= ~(G_GUINT64_CONSTANT (1) << (slot % 64));
          seq++;
        }
    }
}

/* Marks @seq heard; @seq must not be below the window. */
static void
window_mark (guint64 *window,
             guint32 *window_base,
             guint32  seq)
{
  guint32 slot = seq % CHORUS_SEQ_WINDOW;

  if ((guint64) seq >= (guint64) *window_base + CHORUS_SEQ_WINDOW)
    {
      guint32 base = seq - (CHORUS_SEQ_WINDOW - 1);

      window_clear (window, *window_base, base);
      *window_base = base;
    }

  window[slot / 64] |= G_GUINT64_CONSTANT (1) << (slot % 64);
}

/**
 * chorus_responder_stats_init:
 * @settled_upto: the probes that had settled before this responder was
 *   first heard; they count as sent and lost
 *
 * The RTT fields read 0 until the first answer in time (rtt_count == 0);
 * last_rtt_usec, hops and join_usec read -1 until known.
 */
void
chorus_responder_stats_init (ChorusResponderStats *stats,
                             guint32               settled_upto)
{
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  stats->sent = settled_upto;
  stats->lost = settled_upto;
  stats->last_rtt_usec = -1;
  stats->hops = -1;
  stats->join_usec = -1;
  stats->settled_upto = settled_upto;
  stats->window_base = settled_upto == G_MAXUINT32 ? G_MAXUINT32 : settled_upto + 1;
}

static void
add_rtt (ChorusResponderStats *stats,
         gint64                rtt_usec)
{
  double rtt = (double) rtt_usec;

  if (stats->rtt_count == 0)
    {
      stats->rtt_min_usec = rtt_usec;
      stats->rtt_max_usec = rtt_usec;
    }
  else
    {
      stats->rtt_min_usec = MIN (stats->rtt_min_usec, rtt_usec);
      stats->rtt_max_usec = MAX (stats->rtt_max_usec, rtt_usec);
    }
  stats->rtt_sum += rtt;
  stats->rtt_sum_squares += rtt * rtt;
  stats->rtt_count++;

  /* RFC 3550, section 6.4.1, with the round trip in place of the
   * difference in transit times. */
  if (stats->last_rtt_usec >= 0)
    {
      double d = fabs (rtt - (double) stats->last_rtt_usec);

      stats->jitter_usec += (d - stats->jitter_usec) / 16;
    }
  stats->last_rtt_usec = rtt_usec;
}

/**
 * chorus_responder_stats_answer:
 * @seq: the probe the answer is for
 * @highest_sent: the newest probe sent so far
 * @rtt_usec: the answer's round trip, at least 0
 * @arrival_usec: when the answer arrived
 * @run_start_usec: when the run's first probe went out
 *
 * Counts one answer. An answer to a probe still waiting has its round
 * trip counted, and counts as received once the probe settles (so that
 * received and lost always add up to the probes settled); one to a probe
 * already settled is late, and its loss stands.
 *
 * Returns: what the answer was
 */
ChorusAnswerVerdict
chorus_responder_stats_answer (ChorusResponderStats *stats,
                               guint32               seq,
                               guint32               highest_sent,
                               gint64                rtt_usec,
                               gint64                arrival_usec,
                               gint64                run_start_usec)
{
  g_return_val_if_fail (stats != NULL, CHORUS_ANSWER_INVALID);
  g_return_val_if_fail (rtt_usec >= 0, CHORUS_ANSWER_INVALID);

  if (seq == 0 || seq > highest_sent)
    return CHORUS_ANSWER_INVALID;

  stats->last_heard_usec = arrival_usec;

  /* Too old to tell a duplicate from a first answer; its wait is over
   * unless more than a window of probes is waiting. */
  if (seq_below_window (stats->window_base, seq))
    {
      stats->late++;
      return CHORUS_ANSWER_LATE;
    }

  if (window_test (stats->window, stats->window_base, seq))
    {
      stats->duplicates++;
      return CHORUS_ANSWER_DUPLICATE;
    }

  window_mark (stats->window, &stats->window_base, seq);

  if (seq <= stats->settled_upto)
    {
      stats->late++;
      return CHORUS_ANSWER_LATE;
    }

  add_rtt (stats, rtt_usec);

  if (seq < stats->highest_seq)
    stats->reordered++;
  stats->highest_seq = MAX (stats->highest_seq, seq);

  if (stats->first_seq == 0)
    {
      stats->first_seq = seq;
      stats->join_usec = MAX (arrival_usec - run_start_usec, 0);
    }

  return CHORUS_ANSWER_RECEIVED;
}

/**
 * chorus_responder_stats_settle:
 * @seq: the probe whose wait is over: always the one after the last
 *   settled
 *
 * Counts the probe sent, and received if it was answered in time, lost
 * if not.
 */
void
chorus_responder_stats_settle (ChorusResponderStats *stats,
                               guint32               seq)
{
  gboolean since_first;
  gboolean answered;

  g_return_if_fail (stats != NULL);
  g_return_if_fail ((guint64) seq == (guint64) stats->settled_upto + 1);

  since_first = stats->first_seq != 0 && seq >= stats->first_seq;
  /* Above the window means never marked, so not answered. */
  answered = window_test (stats->window, stats->window_base, seq);

  stats->sent++;
  if (since_first)
    stats->sent_since_first++;

  if (answered)
    stats->received++;
  else
    {
      stats->lost++;
      if (since_first)
        stats->lost_since_first++;
    }

  stats->settled_upto = seq;
}

/**
 * chorus_responder_stats_set_hops:
 * @hops: routers between the two hosts, -1 unknown
 * @estimated: whether @hops comes from the arrival TTL alone (see
 *   chorus_hops_estimate())
 */
void
chorus_responder_stats_set_hops (ChorusResponderStats *stats,
                                 int                   hops,
                                 gboolean              estimated)
{
  g_return_if_fail (stats != NULL);

  stats->hops = hops;
  stats->hops_estimated = !!estimated;
}

/* Percent of the settled probes lost; 0 before any settled. */
double
chorus_responder_stats_get_loss (const ChorusResponderStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->sent > 0 ? 100.0 * (double) stats->lost / (double) stats->sent : 0;
}

/* The same, counted from the first probe the responder answered. */
double
chorus_responder_stats_get_loss_since_first (const ChorusResponderStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->sent_since_first > 0
           ? 100.0 * (double) stats->lost_since_first / (double) stats->sent_since_first
           : 0;
}

/**
 * chorus_responder_stats_get_reach:
 * @now_usec: now, on the clock of the arrivals
 * @limit_usec: how long without an answer makes a host silent
 *
 * Returns: whether the host answers now: %CHORUS_REACH_STOPPED once its
 *   last answer is more than @limit_usec old, however many came before
 */
ChorusReach
chorus_responder_stats_get_reach (const ChorusResponderStats *stats,
                                  gint64                      now_usec,
                                  gint64                      limit_usec)
{
  g_return_val_if_fail (stats != NULL, CHORUS_REACH_WAITING);

  if (stats->last_heard_usec == 0)
    return stats->sent > 0 ? CHORUS_REACH_NEVER : CHORUS_REACH_WAITING;
  if (now_usec - stats->last_heard_usec > limit_usec)
    return CHORUS_REACH_STOPPED;

  return CHORUS_REACH_NOW;
}

const char *
chorus_reach_to_string (ChorusReach reach)
{
  switch (reach)
    {
    case CHORUS_REACH_NOW:
      return "now";
    case CHORUS_REACH_STOPPED:
      return "stopped";
    case CHORUS_REACH_NEVER:
      return "never";
    case CHORUS_REACH_WAITING:
    default:
      return "waiting";
    }
}

/* The mean round trip in µs, rounded; 0 before the first. */
gint64
chorus_responder_stats_get_rtt_avg (const ChorusResponderStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  if (stats->rtt_count == 0)
    return 0;

  return (gint64) round (stats->rtt_sum / (double) stats->rtt_count);
}

/* The round trips' standard deviation in µs, rounded, as ping's "mdev";
 * 0 before the first. */
gint64
chorus_responder_stats_get_rtt_mdev (const ChorusResponderStats *stats)
{
  double avg;
  double variance;

  g_return_val_if_fail (stats != NULL, 0);

  if (stats->rtt_count == 0)
    return 0;

  avg = stats->rtt_sum / (double) stats->rtt_count;
  /* Rounding can take the difference a little below 0. */
  variance = MAX (stats->rtt_sum_squares / (double) stats->rtt_count - avg * avg, 0);

  return (gint64) round (sqrt (variance));
}

void
chorus_sender_stats_init (ChorusSenderStats *stats)
{
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  stats->ttl = -1;
}

/**
 * chorus_sender_stats_probe:
 * @seq: the probe's sequence number
 * @ttl: the TTL it arrived with, -1 unknown
 * @arrival_usec: when it arrived
 *
 * Counts one probe. A probe behind the newest is reordered, and fills the
 * gap it left unless it is older than the first probe or than the window;
 * those count as received without being remembered.
 *
 * Returns: %CHORUS_ANSWER_RECEIVED, %CHORUS_ANSWER_DUPLICATE, or
 *   %CHORUS_ANSWER_INVALID for seq 0
 */
ChorusAnswerVerdict
chorus_sender_stats_probe (ChorusSenderStats *stats,
                           guint32            seq,
                           int                ttl,
                           gint64             arrival_usec)
{
  g_return_val_if_fail (stats != NULL, CHORUS_ANSWER_INVALID);

  if (seq == 0)
    return CHORUS_ANSWER_INVALID;

  if (stats->first_seq != 0 && seq <= stats->highest_seq &&
      window_test (stats->window, stats->window_base, seq))
    {
      stats->duplicates++;
      stats->ttl = ttl;
      stats->last_usec = arrival_usec;
      return CHORUS_ANSWER_DUPLICATE;
    }

  stats->ttl = ttl;
  stats->last_usec = arrival_usec;
  stats->received++;

  if (stats->first_seq == 0)
    {
      stats->first_seq = seq;
      stats->highest_seq = seq;
      stats->first_usec = arrival_usec;
      window_mark (stats->window, &stats->window_base, seq);
    }
  else if (seq > stats->highest_seq)
    {
      stats->lost += seq - stats->highest_seq - 1;
      stats->highest_seq = seq;
      window_mark (stats->window, &stats->window_base, seq);
    }
  else
    {
      stats->reordered++;

      if (seq_below_window (stats->window_base, seq))
        return CHORUS_ANSWER_RECEIVED;

      /* Remembered so that a copy is a duplicate; only a seq after the
       * first was ever counted lost. */
      window_mark (stats->window, &stats->window_base, seq);
      if (seq > stats->first_seq)
        stats->lost--;
    }

  return CHORUS_ANSWER_RECEIVED;
}

/* Probes received a second, from the first to the last arrival; 0 until
 * there are two at different times. */
double
chorus_sender_stats_get_rate (const ChorusSenderStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  if (stats->received < 2 || stats->last_usec <= stats->first_usec)
    return 0;

  return (double) (stats->received - 1) * G_USEC_PER_SEC /
         (double) (stats->last_usec - stats->first_usec);
}

/**
 * chorus_hops_estimate:
 * @ttl: the TTL or hop limit an answer arrived with
 *
 * Returns: the hops from the nearest usual initial TTL, or -1
 */
int
chorus_hops_estimate (int ttl)
{
  if (ttl < 0 || ttl > 255)
    return -1;
  if (ttl <= 64)
    return 64 - ttl;
  if (ttl <= 128)
    return 128 - ttl;
  return 255 - ttl;
}

/**
 * chorus_answer_verdict_to_string:
 *
 * Returns: the verdict as scripts read it in JSON and CSV: "received",
 *   "duplicate", "late" or "invalid"
 */
const char *
chorus_answer_verdict_to_string (ChorusAnswerVerdict verdict)
{
  switch (verdict)
    {
    case CHORUS_ANSWER_RECEIVED:
      return "received";
    case CHORUS_ANSWER_DUPLICATE:
      return "duplicate";
    case CHORUS_ANSWER_LATE:
      return "late";
    case CHORUS_ANSWER_INVALID:
    default:
      return "invalid";
    }
}
