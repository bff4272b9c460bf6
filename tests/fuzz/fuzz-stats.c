/* fuzz-stats.c: the statistics fed any run of answers, settles and probes
 *
 * The input is a list of events for one responder, as its prober sees it
 * (more probes sent, an answer to any seq with any round trip, the next
 * probes settled, the responder created afresh in mid-run, its hops), and
 * for one sender, as a receiver sees it (a probe with any seq and TTL).
 *
 * A reference kept here, from the rules alone, says what each verdict
 * must be: it remembers every seq ever answered or probed (the code under
 * test only a window of them) and where the window must be. After every
 * event the counters must match it, and what follows from the rules must
 * hold: lost never above sent, loss since the first answer within both,
 * the round trips' average and deviation within their range, jitter never
 * below 0 nor above the spread of the round trips, and so on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-stats.h"
#include "fuzz.h"

/* Enough probes to slide the window round many times, few enough that
 * settling them all stays quick. */
#define MAX_SENT (1u << 18)
#define RUN_START 5000

typedef struct
{
  guint32 highest_sent;
  guint32 settled;
  guint32 window_base;
  GHashTable *heard;  /* every seq answered, in time or not */
  guint64 sent, lost, sent_since_first, lost_since_first;
  guint64 received, duplicates, late, reordered;
  guint64 rtt_count;
  gint64 rtt_min, rtt_max;
  guint32 first_seq, highest_seq;
  gint64 join_usec, last_heard_usec;
  int hops;
  gboolean hops_estimated;
} RefResponder;

typedef struct
{
  guint32 first_seq, highest_seq;
  guint32 window_base;
  GHashTable *marked;  /* every seq the window must remember, or once did */
  guint64 marked_in_range;  /* of those, how many in [first_seq, highest_seq] */
  guint64 received, lost, duplicates, reordered;
  int ttl;
  gint64 first_usec, last_usec;
} RefSender;

static void
ref_responder_init (RefResponder *ref,
                    guint32       settled_upto)
{
  GHashTable *heard = ref->heard;
  guint32 highest_sent = ref->highest_sent;

  memset (ref, 0, sizeof *ref);
  ref->heard = heard;
  g_hash_table_remove_all (heard);
  ref->highest_sent = highest_sent;
  ref->settled = settled_upto;
  ref->window_base = settled_upto + 1;
  ref->sent = ref->lost = settled_upto;
  ref->join_usec = -1;
  ref->hops = -1;
}

static gboolean
has (GHashTable *set,
     guint32     seq)
{
  return g_hash_table_contains (set, GUINT_TO_POINTER (seq));
}

static void
add (GHashTable *set,
     guint32     seq)
{
  g_hash_table_add (set, GUINT_TO_POINTER (seq));
}

/* Where the window must be once @seq is remembered. */
static void
slide (guint32 *window_base,
       guint32  seq)
{
  if ((guint64) seq >= (guint64) *window_base + CHORUS_SEQ_WINDOW)
    *window_base = seq - (CHORUS_SEQ_WINDOW - 1);
}

static void
check_responder (const ChorusResponderStats *stats,
                 const RefResponder         *ref)
{
  double loss = chorus_responder_stats_get_loss (stats);
  double loss_since_first = chorus_responder_stats_get_loss_since_first (stats);

  fuzz_check (stats->settled_upto == ref->settled);
  fuzz_check (stats->window_base == ref->window_base);

  fuzz_check (stats->sent == ref->sent);
  fuzz_check (stats->sent == stats->settled_upto);
  fuzz_check (stats->lost == ref->lost);
  fuzz_check (stats->lost <= stats->sent);
  fuzz_check (stats->sent_since_first == ref->sent_since_first);
  fuzz_check (stats->lost_since_first == ref->lost_since_first);
  fuzz_check (stats->lost_since_first <= stats->sent_since_first);
  fuzz_check (stats->sent_since_first <= stats->sent);
  fuzz_check (stats->lost_since_first <= stats->lost);
  /* Every probe from the first answered on settles after that answer. */
  if (stats->first_seq == 0)
    fuzz_check (stats->sent_since_first == 0);
  else if (stats->settled_upto >= stats->first_seq)
    fuzz_check (stats->sent_since_first == stats->settled_upto - stats->first_seq + 1);
  else
    fuzz_check (stats->sent_since_first == 0);

  fuzz_check (loss >= 0 && loss <= 100);
  fuzz_check (loss_since_first >= 0 && loss_since_first <= 100);

  fuzz_check (stats->received == ref->received);
  fuzz_check (stats->duplicates == ref->duplicates);
  fuzz_check (stats->late == ref->late);
  fuzz_check (stats->reordered == ref->reordered);
  fuzz_check (stats->received + stats->lost == stats->sent);
  fuzz_check (stats->reordered < stats->rtt_count || stats->rtt_count == 0);
  fuzz_check (stats->received <= ref->highest_sent);
  fuzz_check (stats->first_seq == ref->first_seq);
  fuzz_check (stats->highest_seq == ref->highest_seq);
  fuzz_check (stats->first_seq <= stats->highest_seq);
  fuzz_check (stats->join_usec == ref->join_usec);
  fuzz_check (stats->last_heard_usec == ref->last_heard_usec);
  fuzz_check (stats->hops == ref->hops);
  fuzz_check (stats->hops_estimated == ref->hops_estimated);

  /* In-time answers to probes not settled yet have their round trip
   * counted, and are received only when their probe settles. */
  fuzz_check (stats->rtt_count >= stats->received);
  fuzz_check (stats->rtt_count == ref->rtt_count);
  if (stats->rtt_count == 0)
    {
      fuzz_check (stats->rtt_min_usec == 0 && stats->rtt_max_usec == 0);
      fuzz_check (chorus_responder_stats_get_rtt_avg (stats) == 0);
      fuzz_check (chorus_responder_stats_get_rtt_mdev (stats) == 0);
      fuzz_check (stats->jitter_usec == 0);
      fuzz_check (stats->last_rtt_usec == -1);
      fuzz_check (stats->first_seq == 0 && stats->join_usec == -1);
    }
  else
    {
      gint64 avg = chorus_responder_stats_get_rtt_avg (stats);
      gint64 mdev = chorus_responder_stats_get_rtt_mdev (stats);
      gint64 spread = stats->rtt_max_usec - stats->rtt_min_usec;

      fuzz_check (stats->rtt_min_usec == ref->rtt_min);
      fuzz_check (stats->rtt_max_usec == ref->rtt_max);
      fuzz_check (stats->rtt_min_usec <= avg && avg <= stats->rtt_max_usec);
      /* A deviation is at most half the spread; allow for rounding. */
      fuzz_check (mdev >= 0 && mdev <= spread / 2 + 1);
      /* Jitter moves a sixteenth of the way to each difference, none of
       * which is larger than the spread. */
      fuzz_check (stats->jitter_usec >= 0);
      fuzz_check (stats->jitter_usec <= spread * (1 + 1e-9) + 1e-9);
      fuzz_check (stats->last_rtt_usec >= stats->rtt_min_usec);
      fuzz_check (stats->last_rtt_usec <= stats->rtt_max_usec);
      fuzz_check (stats->first_seq != 0 && stats->join_usec >= 0);
    }
}

static void
check_sender (const ChorusSenderStats *stats,
              const RefSender         *ref)
{
  double rate = chorus_sender_stats_get_rate (stats);

  fuzz_check (stats->window_base == ref->window_base);
  fuzz_check (stats->first_seq == ref->first_seq);
  fuzz_check (stats->highest_seq == ref->highest_seq);
  fuzz_check (stats->received == ref->received);
  fuzz_check (stats->duplicates == ref->duplicates);
  fuzz_check (stats->reordered == ref->reordered);
  fuzz_check (stats->lost == ref->lost);
  fuzz_check (stats->ttl == ref->ttl);
  fuzz_check (stats->first_usec == ref->first_usec);
  fuzz_check (stats->last_usec == ref->last_usec);

  if (stats->first_seq == 0)
    {
      fuzz_check (stats->received == 0 && stats->lost == 0 && stats->highest_seq == 0);
    }
  else
    {
      /* Lost: the seqs from the first to the highest that never arrived
       * while the window could tell. */
      guint64 span = (guint64) stats->highest_seq - stats->first_seq + 1;

      fuzz_check (stats->first_seq <= stats->highest_seq);
      fuzz_check (ref->marked_in_range <= span);
      fuzz_check (stats->lost == span - ref->marked_in_range);
      fuzz_check (stats->lost < span);
      fuzz_check (stats->reordered < stats->received);
    }

  fuzz_check (rate >= 0 && isfinite (rate));
  if (stats->received < 2)
    fuzz_check (rate == 0);
}

static void
sender_mark (RefSender *ref,
             guint32    seq)
{
  if (seq >= ref->first_seq && seq <= ref->highest_seq && !has (ref->marked, seq))
    ref->marked_in_range++;
  add (ref->marked, seq);
  slide (&ref->window_base, seq);
}

static void
sender_probe (ChorusSenderStats *stats,
              RefSender         *ref,
              guint32            seq,
              int                ttl,
              gint64             now)
{
  ChorusSenderStats before;
  ChorusAnswerVerdict expected = CHORUS_ANSWER_RECEIVED;
  ChorusAnswerVerdict verdict;

  memcpy (&before, stats, sizeof before);
  verdict = chorus_sender_stats_probe (stats, seq, ttl, now);

  if (seq == 0)
    {
      fuzz_check (verdict == CHORUS_ANSWER_INVALID);
      fuzz_check (memcmp (&before, stats, sizeof before) == 0);
      return;
    }

  if (ref->first_seq == 0)
    {
      ref->first_seq = ref->highest_seq = seq;
      ref->first_usec = now;
      ref->received++;
      sender_mark (ref, seq);
    }
  else if (seq > ref->highest_seq)
    {
      ref->lost += seq - ref->highest_seq - 1;
      ref->highest_seq = seq;
      ref->received++;
      sender_mark (ref, seq);
    }
  else if (seq >= ref->window_base && has (ref->marked, seq))
    {
      expected = CHORUS_ANSWER_DUPLICATE;
      ref->duplicates++;
    }
  else if (seq < ref->window_base)
    {
      ref->received++;
      ref->reordered++;
    }
  else
    {
      ref->received++;
      ref->reordered++;
      if (seq > ref->first_seq)
        ref->lost--;
      sender_mark (ref, seq);
    }

  ref->ttl = ttl;
  ref->last_usec = now;
  fuzz_check (verdict == expected);
}

static void
responder_answer (ChorusResponderStats *stats,
                  RefResponder         *ref,
                  guint32               seq,
                  gint64                rtt,
                  gint64                now)
{
  ChorusResponderStats before;
  ChorusAnswerVerdict expected;
  ChorusAnswerVerdict verdict;

  memcpy (&before, stats, sizeof before);
  verdict = chorus_responder_stats_answer (stats, seq, ref->highest_sent, rtt, now, RUN_START);

  if (seq == 0 || seq > ref->highest_sent)
    {
      fuzz_check (verdict == CHORUS_ANSWER_INVALID);
      fuzz_check (memcmp (&before, stats, sizeof before) == 0);
      return;
    }

  ref->last_heard_usec = now;

  if (seq < ref->window_base)
    {
      expected = CHORUS_ANSWER_LATE;
      ref->late++;
    }
  else if (has (ref->heard, seq))
    {
      expected = CHORUS_ANSWER_DUPLICATE;
      ref->duplicates++;
    }
  else if (seq <= ref->settled)
    {
      expected = CHORUS_ANSWER_LATE;
      ref->late++;
      slide (&ref->window_base, seq);
    }
  else
    {
      expected = CHORUS_ANSWER_RECEIVED;
      ref->rtt_min = ref->rtt_count == 0 ? rtt : MIN (ref->rtt_min, rtt);
      ref->rtt_max = ref->rtt_count == 0 ? rtt : MAX (ref->rtt_max, rtt);
      ref->rtt_count++;
      if (seq < ref->highest_seq)
        ref->reordered++;
      ref->highest_seq = MAX (ref->highest_seq, seq);
      if (ref->first_seq == 0)
        {
          ref->first_seq = seq;
          ref->join_usec = MAX (now - RUN_START, 0);
        }
      slide (&ref->window_base, seq);
    }

  add (ref->heard, seq);
  fuzz_check (verdict == expected);

  if (verdict == CHORUS_ANSWER_RECEIVED)
    fuzz_check (stats->last_rtt_usec == rtt);
  else
    fuzz_check (stats->last_rtt_usec == before.last_rtt_usec);
}

static void
responder_settle (ChorusResponderStats *stats,
                  RefResponder         *ref)
{
  guint32 seq = ref->settled + 1;
  gboolean since_first = ref->first_seq != 0 && seq >= ref->first_seq;

  chorus_responder_stats_settle (stats, seq);

  ref->settled = seq;
  ref->sent++;
  if (since_first)
    ref->sent_since_first++;
  if (seq < ref->window_base || !has (ref->heard, seq))
    {
      ref->lost++;
      if (since_first)
        ref->lost_since_first++;
    }
  else
    ref->received++;
}

static guint16
read16 (const uint8_t *data)
{
  return (guint16) (data[0] << 8 | data[1]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GHashTable) heard = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) marked = g_hash_table_new (NULL, NULL);
  ChorusResponderStats responder;
  ChorusSenderStats sender;
  RefResponder ref = { .heard = heard };
  RefSender ref_sender = { .marked = marked, .ttl = -1 };
  gint64 now = 0;
  gsize i = 0;

  chorus_responder_stats_init (&responder, 0);
  ref_responder_init (&ref, 0);
  chorus_sender_stats_init (&sender);
  check_responder (&responder, &ref);
  check_sender (&sender, &ref_sender);

  while (i < size)
    {
      guint8 op = data[i++];

      /* The high bits of each event step the clock, by up to 0.15 s. */
      now += (op >> 4) * 10000;

      switch (op & 7)
        {
        case 0:
        case 1:
          {
            /* An answer: to a seq up to 8191 below the newest sent, or
             * (op & 8) to any seq from 0 to 65535, sent or not. */
            guint16 v, r;
            guint32 seq;

            if (i + 4 > size)
              return 0;
            v = read16 (data + i);
            r = read16 (data + i + 2);
            i += 4;
            if (op & 8)
              seq = v;
            else
              seq = (v & 0x1fff) <= ref.highest_sent ? ref.highest_sent - (v & 0x1fff) : 0;
            responder_answer (&responder, &ref, seq, (gint64) r << (op & 1 ? 4 : 0), now);
            break;
          }

        case 2:
          {
            /* More probes sent: 1 to 256, or (op & 8) 64 times as many. */
            guint32 more;

            if (i + 1 > size)
              return 0;
            more = (data[i++] + 1u) * (op & 8 ? 64 : 1);
            ref.highest_sent = MIN (ref.highest_sent + more, MAX_SENT);
            break;
          }

        case 3:
          {
            /* The next 1 to 256 probes settle, or (op & 8) all sent. */
            guint32 n;

            if (i + 1 > size)
              return 0;
            n = op & 8 ? G_MAXUINT32 : data[i] + 1u;
            i++;
            for (; n > 0 && ref.settled < ref.highest_sent; n--)
              responder_settle (&responder, &ref);
            break;
          }

        case 4:
          /* The responder is first heard from now, as a new host. */
          chorus_responder_stats_init (&responder, ref.settled);
          ref_responder_init (&ref, ref.settled);
          break;

        case 5:
        case 6:
          {
            /* A probe: any seq from 0 to 65535 (op & 8), or the newest
             * moved by -32768 to 32767 (0 if that is below 1). */
            guint16 v;
            gint64 seq;
            int ttl;

            if (i + 3 > size)
              return 0;
            v = read16 (data + i);
            ttl = data[i + 2] - (op & 1 ? 0 : 1);
            i += 3;
            if (op & 8)
              seq = v;
            else
              seq = (gint64) ref_sender.highest_seq + (gint16) v;
            seq = CLAMP (seq, 0, G_MAXUINT32);
            sender_probe (&sender, &ref_sender, (guint32) seq, ttl, now);
            break;
          }

        case 7:
          {
            /* Hops, estimated from an arrival TTL from -16 to 271. */
            int ttl, hops, initial;

            if (i + 1 > size)
              return 0;
            ttl = data[i++] + (op & 8 ? 16 : -16);
            hops = chorus_hops_estimate (ttl);
            if (ttl < 0 || ttl > 255)
              fuzz_check (hops == -1);
            else
              {
                initial = ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
                fuzz_check (hops >= 0 && ttl + hops == initial);
              }
            chorus_responder_stats_set_hops (&responder, hops, TRUE);
            ref.hops = hops;
            ref.hops_estimated = TRUE;
            break;
          }

        default:
          g_assert_not_reached ();
        }

      check_responder (&responder, &ref);
      check_sender (&sender, &ref_sender);
    }

  return 0;
}
