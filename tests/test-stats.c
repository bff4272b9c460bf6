/* test-stats.c: loss, round trips, duplicates, late and reordered answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-mping-client.h"
#include "chorus-stats.h"

#define SECOND G_USEC_PER_SEC
#define RUN_START (1000 * SECOND)

/* Sends up to @seq and answers it in time, as the prober would. */
static ChorusAnswerVerdict
answer (ChorusResponderStats *stats,
        guint32               seq,
        guint32               highest_sent,
        gint64                rtt)
{
  return chorus_responder_stats_answer (stats, seq, highest_sent, rtt,
                                        RUN_START + seq * SECOND + rtt, RUN_START);
}

static void
settle_upto (ChorusResponderStats *stats,
             guint32               seq)
{
  while (stats->settled_upto < seq)
    chorus_responder_stats_settle (stats, stats->settled_upto + 1);
}

static void
test_responder_init (void)
{
  ChorusResponderStats stats;

  memset (&stats, 0xaa, sizeof stats);
  chorus_responder_stats_init (&stats, 0);
  g_assert_cmpuint (stats.sent, ==, 0);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.received, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.late, ==, 0);
  g_assert_cmpuint (stats.reordered, ==, 0);
  g_assert_cmpuint (stats.rtt_count, ==, 0);
  g_assert_cmpint (stats.rtt_min_usec, ==, 0);
  g_assert_cmpint (stats.rtt_max_usec, ==, 0);
  g_assert_cmpfloat (stats.jitter_usec, ==, 0);
  g_assert_cmpint (stats.last_rtt_usec, ==, -1);
  g_assert_cmpint (stats.hops, ==, -1);
  g_assert_false (stats.hops_estimated);
  g_assert_cmpint (stats.join_usec, ==, -1);
  g_assert_cmpint (stats.last_heard_usec, ==, 0);
  g_assert_cmpuint (stats.first_seq, ==, 0);
  g_assert_cmpuint (stats.highest_seq, ==, 0);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 0);
  g_assert_cmpfloat (chorus_responder_stats_get_loss_since_first (&stats), ==, 0);
  g_assert_cmpint (chorus_responder_stats_get_rtt_avg (&stats), ==, 0);
  g_assert_cmpint (chorus_responder_stats_get_rtt_mdev (&stats), ==, 0);

  /* First heard after ten probes settled: all ten lost to it. */
  chorus_responder_stats_init (&stats, 10);
  g_assert_cmpuint (stats.sent, ==, 10);
  g_assert_cmpuint (stats.lost, ==, 10);
  g_assert_cmpuint (stats.sent_since_first, ==, 0);
  g_assert_cmpuint (stats.lost_since_first, ==, 0);
  g_assert_cmpuint (stats.settled_upto, ==, 10);
  g_assert_cmpuint (stats.window_base, ==, 11);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 100);

  chorus_responder_stats_set_hops (&stats, 3, TRUE);
  g_assert_cmpint (stats.hops, ==, 3);
  g_assert_true (stats.hops_estimated);
}

static void
test_responder_all_answered (void)
{
  ChorusResponderStats stats;
  const gint64 rtts[] = { 1000, 2000, 3000, 4000 };

  chorus_responder_stats_init (&stats, 0);

  for (guint32 seq = 1; seq <= G_N_ELEMENTS (rtts); seq++)
    {
      g_assert_cmpint (answer (&stats, seq, seq, rtts[seq - 1]), ==, CHORUS_ANSWER_RECEIVED);
      chorus_responder_stats_settle (&stats, seq);
    }

  g_assert_cmpuint (stats.sent, ==, 4);
  g_assert_cmpuint (stats.received, ==, 4);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.sent_since_first, ==, 4);
  g_assert_cmpuint (stats.lost_since_first, ==, 0);
  g_assert_cmpuint (stats.reordered, ==, 0);
  g_assert_cmpuint (stats.first_seq, ==, 1);
  g_assert_cmpuint (stats.highest_seq, ==, 4);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 0);
  g_assert_cmpfloat (chorus_responder_stats_get_loss_since_first (&stats), ==, 0);

  g_assert_cmpuint (stats.rtt_count, ==, 4);
  g_assert_cmpint (stats.rtt_min_usec, ==, 1000);
  g_assert_cmpint (stats.rtt_max_usec, ==, 4000);
  g_assert_cmpint (stats.last_rtt_usec, ==, 4000);
  g_assert_cmpint (chorus_responder_stats_get_rtt_avg (&stats), ==, 2500);
  /* (1 + 4 + 9 + 16) × 10⁶ / 4 − 2500² = 1.25 × 10⁶; its square root is
   * 1118.03… */
  g_assert_cmpint (chorus_responder_stats_get_rtt_mdev (&stats), ==, 1118);

  /* Each step differs by D = 1000 from the one before, from J = 0:
   *   J₂ = 0 + (1000 − 0) / 16                  = 62.5
   *   J₃ = 62.5 + (1000 − 62.5) / 16            = 121.09375
   *   J₄ = 121.09375 + (1000 − 121.09375) / 16  = 176.025390625
   * all exact in binary. */
  g_assert_cmpfloat (stats.jitter_usec, ==, 176.025390625);

  /* The last answer arrived 4 s after the run started, plus its rtt. */
  g_assert_cmpint (stats.last_heard_usec, ==, RUN_START + 4 * SECOND + 4000);
}

static void
test_responder_jitter_steady (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);

  /* Equal round trips: no jitter, no deviation. */
  for (guint32 seq = 1; seq <= 50; seq++)
    g_assert_cmpint (answer (&stats, seq, seq, 777), ==, CHORUS_ANSWER_RECEIVED);

  g_assert_cmpfloat (stats.jitter_usec, ==, 0);
  g_assert_cmpint (chorus_responder_stats_get_rtt_avg (&stats), ==, 777);
  g_assert_cmpint (chorus_responder_stats_get_rtt_mdev (&stats), ==, 0);

  /* One step of 1600 µs: J = 1600 / 16 = 100; back down: D = 1600 again,
   * J = 100 + (1600 − 100) / 16 = 193.75. */
  answer (&stats, 51, 51, 2377);
  g_assert_cmpfloat (stats.jitter_usec, ==, 100);
  answer (&stats, 52, 52, 777);
  g_assert_cmpfloat (stats.jitter_usec, ==, 193.75);
}

static void
test_responder_every_fifth_lost (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);

  for (guint32 seq = 1; seq <= 100; seq++)
    {
      if (seq % 5 != 0)
        g_assert_cmpint (answer (&stats, seq, seq, 1500), ==, CHORUS_ANSWER_RECEIVED);
      chorus_responder_stats_settle (&stats, seq);
    }

  g_assert_cmpuint (stats.sent, ==, 100);
  g_assert_cmpuint (stats.received, ==, 80);
  g_assert_cmpuint (stats.lost, ==, 20);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 20.0);
  g_assert_cmpuint (stats.sent_since_first, ==, 100);
  g_assert_cmpuint (stats.lost_since_first, ==, 20);
  g_assert_cmpfloat (chorus_responder_stats_get_loss_since_first (&stats), ==, 20.0);
  g_assert_cmpuint (stats.duplicates, ==, 0);
  g_assert_cmpuint (stats.late, ==, 0);
}

static void
test_responder_duplicates (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);

  g_assert_cmpint (answer (&stats, 1, 2, 1000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (answer (&stats, 1, 2, 9000), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpint (answer (&stats, 1, 2, 9000), ==, CHORUS_ANSWER_DUPLICATE);
  /* Received counts settled probes: none yet. */
  g_assert_cmpuint (stats.received, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, 2);

  /* A duplicate's round trip is not one. */
  g_assert_cmpuint (stats.rtt_count, ==, 1);
  g_assert_cmpint (stats.rtt_max_usec, ==, 1000);
  g_assert_cmpint (stats.last_rtt_usec, ==, 1000);

  /* Nor is it received once the probe has settled. */
  chorus_responder_stats_settle (&stats, 1);
  g_assert_cmpint (answer (&stats, 1, 2, 9000), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpuint (stats.duplicates, ==, 3);
  g_assert_cmpuint (stats.received, ==, 1);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.late, ==, 0);

  /* A duplicate is still heard. */
  chorus_responder_stats_answer (&stats, 1, 2, 9000, RUN_START + 77 * SECOND, RUN_START);
  g_assert_cmpint (stats.last_heard_usec, ==, RUN_START + 77 * SECOND);
}

static void
test_responder_late (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);

  /* Probe 1 settles unanswered, then its answer comes. */
  chorus_responder_stats_settle (&stats, 1);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpint (answer (&stats, 1, 2, 5 * SECOND), ==, CHORUS_ANSWER_LATE);
  g_assert_cmpuint (stats.late, ==, 1);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpuint (stats.received, ==, 0);
  g_assert_cmpuint (stats.rtt_count, ==, 0);
  g_assert_cmpint (stats.rtt_max_usec, ==, 0);
  /* A late answer is not the first answer. */
  g_assert_cmpuint (stats.first_seq, ==, 0);
  g_assert_cmpint (stats.join_usec, ==, -1);
  g_assert_cmpint (stats.last_heard_usec, ==, RUN_START + SECOND + 5 * SECOND);

  /* A second copy of a late answer is a duplicate. */
  g_assert_cmpint (answer (&stats, 1, 2, 5 * SECOND), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpuint (stats.late, ==, 1);
  g_assert_cmpuint (stats.duplicates, ==, 1);

  /* Probe 2 is still waiting. */
  g_assert_cmpint (answer (&stats, 2, 2, 1000), ==, CHORUS_ANSWER_RECEIVED);
  chorus_responder_stats_settle (&stats, 2);
  g_assert_cmpuint (stats.first_seq, ==, 2);
  g_assert_cmpuint (stats.sent, ==, 2);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 50);
  g_assert_cmpuint (stats.sent_since_first, ==, 1);
  g_assert_cmpuint (stats.lost_since_first, ==, 0);
  /* An answer settled before the first one does not count as reordered. */
  g_assert_cmpuint (stats.reordered, ==, 0);
}

static void
test_responder_reordered (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);

  g_assert_cmpint (answer (&stats, 3, 3, 1000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (answer (&stats, 1, 3, 3000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (answer (&stats, 2, 3, 2000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (answer (&stats, 4, 4, 1000), ==, CHORUS_ANSWER_RECEIVED);
  settle_upto (&stats, 4);

  /* 1 and 2 came after 3; 4 after all of them, in order. */
  g_assert_cmpuint (stats.reordered, ==, 2);
  g_assert_cmpuint (stats.received, ==, 4);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.highest_seq, ==, 4);
  /* The first to arrive, whatever its number. */
  g_assert_cmpuint (stats.first_seq, ==, 3);
  /* Jitter follows arrival order: 1000, 3000, 2000, 1000.
   *   J = 2000 / 16 = 125
   *   J = 125 + (1000 − 125) / 16 = 179.6875
   *   J = 179.6875 + (1000 − 179.6875) / 16 = 230.95703125 */
  g_assert_cmpfloat (stats.jitter_usec, ==, 230.95703125);
}

static void
test_responder_mid_run (void)
{
  ChorusResponderStats stats;

  /* Heard first after ten probes had settled, then answers all. */
  chorus_responder_stats_init (&stats, 10);
  for (guint32 seq = 11; seq <= 40; seq++)
    {
      g_assert_cmpint (answer (&stats, seq, seq, 2000), ==, CHORUS_ANSWER_RECEIVED);
      chorus_responder_stats_settle (&stats, seq);
    }

  g_assert_cmpuint (stats.first_seq, ==, 11);
  g_assert_cmpuint (stats.sent, ==, 40);
  g_assert_cmpuint (stats.lost, ==, 10);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 25);
  g_assert_cmpuint (stats.sent_since_first, ==, 30);
  g_assert_cmpuint (stats.lost_since_first, ==, 0);
  g_assert_cmpfloat (chorus_responder_stats_get_loss_since_first (&stats), ==, 0);
  /* Probe 11 went out 11 s into the run; its answer took 2 ms. */
  g_assert_cmpint (stats.join_usec, ==, 11 * SECOND + 2000);

  /* Created after 10, but its first answer is to 13: 11 and 12 settle
   * unanswered after it was created. They are lost, though not since its
   * first answer. */
  chorus_responder_stats_init (&stats, 10);
  chorus_responder_stats_settle (&stats, 11);
  for (guint32 seq = 13; seq <= 20; seq++)
    answer (&stats, seq, seq, 2000);
  settle_upto (&stats, 20);

  g_assert_cmpuint (stats.first_seq, ==, 13);
  g_assert_cmpuint (stats.sent, ==, 20);
  g_assert_cmpuint (stats.lost, ==, 12);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), ==, 60);
  g_assert_cmpuint (stats.sent_since_first, ==, 8);
  g_assert_cmpuint (stats.lost_since_first, ==, 0);
  g_assert_cmpfloat (chorus_responder_stats_get_loss_since_first (&stats), ==, 0);

  /* Then it loses one in four. */
  for (guint32 seq = 21; seq <= 28; seq++)
    {
      if (seq % 4 != 0)
        answer (&stats, seq, seq, 2000);
      chorus_responder_stats_settle (&stats, seq);
    }
  g_assert_cmpuint (stats.sent_since_first, ==, 16);
  g_assert_cmpuint (stats.lost_since_first, ==, 2);
  g_assert_cmpfloat (chorus_responder_stats_get_loss_since_first (&stats), ==, 12.5);
  g_assert_cmpuint (stats.lost, ==, 14);
}

static void
test_responder_join (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);
  g_assert_cmpint (chorus_responder_stats_answer (&stats, 1, 1, 250000, 1250000, 1000000), ==,
                   CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (stats.join_usec, ==, 250000);
  g_assert_cmpint (stats.last_heard_usec, ==, 1250000);

  /* Later answers do not move it. */
  chorus_responder_stats_answer (&stats, 2, 2, 1000, 9000000, 1000000);
  g_assert_cmpint (stats.join_usec, ==, 250000);
  g_assert_cmpint (stats.last_heard_usec, ==, 9000000);

  /* An arrival stamped before the run's start (clocks read on different
   * threads) joins at 0, never before. */
  chorus_responder_stats_init (&stats, 0);
  chorus_responder_stats_answer (&stats, 1, 1, 10, 999990, 1000000);
  g_assert_cmpint (stats.join_usec, ==, 0);
}

static void
test_responder_invalid (void)
{
  ChorusResponderStats stats;
  ChorusResponderStats before;

  chorus_responder_stats_init (&stats, 0);
  answer (&stats, 1, 5, 1000);
  chorus_responder_stats_settle (&stats, 1);
  memcpy (&before, &stats, sizeof stats);

  g_assert_cmpint (answer (&stats, 0, 5, 1000), ==, CHORUS_ANSWER_INVALID);
  g_assert_cmpint (answer (&stats, 6, 5, 1000), ==, CHORUS_ANSWER_INVALID);
  g_assert_cmpint (answer (&stats, G_MAXUINT32, 5, 1000), ==, CHORUS_ANSWER_INVALID);
  g_assert_cmpint (answer (&stats, 1, 0, 1000), ==, CHORUS_ANSWER_INVALID);
  g_assert_true (memcmp (&before, &stats, sizeof stats) == 0);

  /* The highest sent is fine. */
  g_assert_cmpint (answer (&stats, 5, 5, 1000), ==, CHORUS_ANSWER_RECEIVED);
}

static void
test_responder_window (void)
{
  ChorusResponderStats stats;

  chorus_responder_stats_init (&stats, 0);

  g_assert_cmpint (answer (&stats, 1, 1, 1000), ==, CHORUS_ANSWER_RECEIVED);
  chorus_responder_stats_settle (&stats, 1);
  /* 2 to 4999 go unanswered. */
  settle_upto (&stats, 4999);

  /* Far beyond the window: it slides so that 5000 is its newest. */
  g_assert_cmpint (answer (&stats, 5000, 5000, 1000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.window_base, ==, 5000 - CHORUS_SEQ_WINDOW + 1);
  chorus_responder_stats_settle (&stats, 5000);

  /* 1 has left the window: another copy of its answer is late, not a
   * duplicate, and so is any answer from below. */
  g_assert_cmpint (answer (&stats, 1, 5000, 1000), ==, CHORUS_ANSWER_LATE);
  g_assert_cmpint (answer (&stats, 904, 5000, 1000), ==, CHORUS_ANSWER_LATE);
  /* 905 is the oldest remembered: its first answer is late, its second
   * a duplicate. */
  g_assert_cmpint (answer (&stats, 905, 5000, 1000), ==, CHORUS_ANSWER_LATE);
  g_assert_cmpint (answer (&stats, 905, 5000, 1000), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpint (answer (&stats, 5000, 5000, 1000), ==, CHORUS_ANSWER_DUPLICATE);

  g_assert_cmpuint (stats.sent, ==, 5000);
  g_assert_cmpuint (stats.received, ==, 2);
  g_assert_cmpuint (stats.lost, ==, 4998);
  g_assert_cmpuint (stats.late, ==, 3);
  g_assert_cmpuint (stats.duplicates, ==, 2);
  g_assert_cmpuint (stats.sent_since_first, ==, 5000);
  g_assert_cmpuint (stats.lost_since_first, ==, 4998);
  g_assert_cmpuint (stats.window_base, ==, 905);
}

static void
test_responder_long_run (void)
{
  ChorusResponderStats stats;
  const guint32 n = 5 * CHORUS_SEQ_WINDOW + 123;

  chorus_responder_stats_init (&stats, 0);

  /* Answered in time throughout, with two probes waiting at once and
   * each answer twice: the window wraps round five times. */
  for (guint32 seq = 1; seq <= n; seq++)
    {
      g_assert_cmpint (answer (&stats, seq, seq, 1000), ==, CHORUS_ANSWER_RECEIVED);
      g_assert_cmpint (answer (&stats, seq, seq, 1000), ==, CHORUS_ANSWER_DUPLICATE);
      if (seq > 1)
        chorus_responder_stats_settle (&stats, seq - 1);
    }
  chorus_responder_stats_settle (&stats, n);

  g_assert_cmpuint (stats.sent, ==, n);
  g_assert_cmpuint (stats.received, ==, n);
  g_assert_cmpuint (stats.duplicates, ==, n);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.late, ==, 0);
  g_assert_cmpuint (stats.window_base, ==, n - CHORUS_SEQ_WINDOW + 1);

  /* The oldest remembered is still told apart; the one before is not. */
  g_assert_cmpint (answer (&stats, n - CHORUS_SEQ_WINDOW + 1, n, 1000), ==,
                   CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpint (answer (&stats, n - CHORUS_SEQ_WINDOW, n, 1000), ==, CHORUS_ANSWER_LATE);
}

static void
test_responder_beyond_window (void)
{
  ChorusResponderStats stats;

  /* More than a window of probes waiting at once: an answer in time to
   * one that the window has since passed is forgotten, and when that
   * probe settles it counts as lost. The header's limit, by design. */
  chorus_responder_stats_init (&stats, 0);
  g_assert_cmpint (answer (&stats, 1, 5000, 1000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (answer (&stats, 5000, 5000, 1000), ==, CHORUS_ANSWER_RECEIVED);
  /* Still waiting, but too old to tell from a duplicate. */
  g_assert_cmpint (answer (&stats, 2, 5000, 1000), ==, CHORUS_ANSWER_LATE);
  chorus_responder_stats_settle (&stats, 1);
  /* Answered in time, but forgotten by the time it settled. */
  g_assert_cmpuint (stats.received, ==, 0);
  g_assert_cmpuint (stats.rtt_count, ==, 2);
  g_assert_cmpuint (stats.late, ==, 1);
  g_assert_cmpuint (stats.lost, ==, 1);
}

static void
test_responder_settle_order (void)
{
  ChorusResponderStats stats;
  ChorusResponderStats before;

  chorus_responder_stats_init (&stats, 0);
  chorus_responder_stats_settle (&stats, 1);
  memcpy (&before, &stats, sizeof stats);

  /* Skipping ahead, going back, or settling the same twice. */
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*settled_upto*");
  chorus_responder_stats_settle (&stats, 3);
  g_test_assert_expected_messages ();

  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*settled_upto*");
  chorus_responder_stats_settle (&stats, 1);
  g_test_assert_expected_messages ();

  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*settled_upto*");
  chorus_responder_stats_settle (&stats, 0);
  g_test_assert_expected_messages ();

  g_assert_true (memcmp (&before, &stats, sizeof stats) == 0);

  chorus_responder_stats_settle (&stats, 2);
  g_assert_cmpuint (stats.sent, ==, 2);
  g_assert_cmpuint (stats.settled_upto, ==, 2);
}

static void
test_sender_gaps (void)
{
  ChorusSenderStats stats;

  chorus_sender_stats_init (&stats);
  g_assert_cmpint (stats.ttl, ==, -1);
  g_assert_cmpuint (stats.received, ==, 0);
  g_assert_cmpfloat (chorus_sender_stats_get_rate (&stats), ==, 0);

  g_assert_cmpint (chorus_sender_stats_probe (&stats, 1, 64, 1000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 2, 64, 2000), ==, CHORUS_ANSWER_RECEIVED);
  /* 3 and 4 are missing. */
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 5, 63, 5000), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.received, ==, 3);
  g_assert_cmpuint (stats.lost, ==, 2);
  g_assert_cmpuint (stats.highest_seq, ==, 5);
  g_assert_cmpint (stats.ttl, ==, 63);

  /* 4 turns up late: reordered, and no longer lost. */
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 4, 62, 5500), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.received, ==, 4);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpuint (stats.reordered, ==, 1);
  g_assert_cmpuint (stats.highest_seq, ==, 5);
  g_assert_cmpint (stats.ttl, ==, 62);

  /* Copies of 4, of the newest and of the first. */
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 4, 61, 6000), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 5, 61, 6000), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 1, 60, 7000), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpuint (stats.duplicates, ==, 3);
  g_assert_cmpuint (stats.received, ==, 4);
  g_assert_cmpuint (stats.lost, ==, 1);
  g_assert_cmpuint (stats.reordered, ==, 1);
  g_assert_cmpint (stats.ttl, ==, 60);
  g_assert_cmpint (stats.last_usec, ==, 7000);

  /* Seq 0 is never sent: nothing changes. */
  {
    ChorusSenderStats before;

    memcpy (&before, &stats, sizeof stats);
    g_assert_cmpint (chorus_sender_stats_probe (&stats, 0, 1, 8000), ==, CHORUS_ANSWER_INVALID);
    g_assert_true (memcmp (&before, &stats, sizeof stats) == 0);
  }

  g_assert_cmpuint (stats.first_seq, ==, 1);
  g_assert_cmpint (stats.first_usec, ==, 1000);
}

static void
test_sender_start_late (void)
{
  ChorusSenderStats stats;

  /* Listening from probe 100 on: what came before is not lost. */
  chorus_sender_stats_init (&stats);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 100, 1, 0), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.first_seq, ==, 100);

  /* An older one overtaken by 100 is received and reordered, fills no
   * gap, and a second copy of it is a duplicate. */
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 99, 1, 10), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.received, ==, 2);
  g_assert_cmpuint (stats.reordered, ==, 1);
  g_assert_cmpuint (stats.lost, ==, 0);
  g_assert_cmpuint (stats.first_seq, ==, 100);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 99, 1, 20), ==, CHORUS_ANSWER_DUPLICATE);
  g_assert_cmpuint (stats.received, ==, 2);
}

static void
test_sender_window (void)
{
  ChorusSenderStats stats;

  chorus_sender_stats_init (&stats);
  chorus_sender_stats_probe (&stats, 1, 64, 0);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 10000, 64, 1), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.lost, ==, 9998);
  g_assert_cmpuint (stats.window_base, ==, 10000 - CHORUS_SEQ_WINDOW + 1);

  /* In the window, a gap filled. */
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 6000, 64, 2), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.lost, ==, 9997);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 6000, 64, 3), ==, CHORUS_ANSWER_DUPLICATE);

  /* Below it, the gap stays counted and copies cannot be told apart. */
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 3, 64, 4), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (chorus_sender_stats_probe (&stats, 3, 64, 5), ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpuint (stats.lost, ==, 9997);
  g_assert_cmpuint (stats.received, ==, 5);
  g_assert_cmpuint (stats.reordered, ==, 3);
  g_assert_cmpuint (stats.duplicates, ==, 1);
}

static void
test_sender_rate (void)
{
  ChorusSenderStats stats;

  chorus_sender_stats_init (&stats);

  /* One is no rate. */
  chorus_sender_stats_probe (&stats, 1, 64, 10 * SECOND);
  g_assert_cmpfloat (chorus_sender_stats_get_rate (&stats), ==, 0);

  /* Five probes over two seconds: four intervals of half a second. */
  for (guint32 seq = 2; seq <= 5; seq++)
    chorus_sender_stats_probe (&stats, seq, 64, 10 * SECOND + (seq - 1) * SECOND / 2);
  g_assert_cmpfloat (chorus_sender_stats_get_rate (&stats), ==, 2.0);

  /* Two at the same instant have no rate either. */
  chorus_sender_stats_init (&stats);
  chorus_sender_stats_probe (&stats, 1, 64, SECOND);
  chorus_sender_stats_probe (&stats, 2, 64, SECOND);
  g_assert_cmpfloat (chorus_sender_stats_get_rate (&stats), ==, 0);
}

/* Whether a host answers now goes by its last answer, not its share:
 * answered for a while, then nothing for longer than the limit is
 * stopped, however good the totals. */
static void
test_responder_reach (void)
{
  ChorusResponderStats stats;
  const gint64 limit = 4 * SECOND;
  gint64 last;

  chorus_responder_stats_init (&stats, 0);
  g_assert_cmpint (chorus_responder_stats_get_reach (&stats, RUN_START, limit), ==,
                   CHORUS_REACH_WAITING);
  settle_upto (&stats, 2);
  g_assert_cmpint (chorus_responder_stats_get_reach (&stats, RUN_START + 3 * SECOND, limit), ==,
                   CHORUS_REACH_NEVER);

  for (guint32 seq = 3; seq <= 100; seq++)
    {
      answer (&stats, seq, seq, 1000);
      settle_upto (&stats, seq);
    }
  last = stats.last_heard_usec;
  g_assert_cmpint (chorus_responder_stats_get_reach (&stats, last + limit, limit), ==,
                   CHORUS_REACH_NOW);
  /* Six probes unanswered after 98 answers in a row. */
  settle_upto (&stats, 106);
  g_assert_cmpfloat (chorus_responder_stats_get_loss (&stats), <, 10);
  g_assert_cmpint (chorus_responder_stats_get_reach (&stats, last + limit + 1, limit), ==,
                   CHORUS_REACH_STOPPED);
  /* One answer, and it reaches again. */
  answer (&stats, 107, 107, 1000);
  g_assert_cmpint (chorus_responder_stats_get_reach (&stats, stats.last_heard_usec, limit), ==,
                   CHORUS_REACH_NOW);

  g_assert_cmpstr (chorus_reach_to_string (CHORUS_REACH_STOPPED), ==, "stopped");
  g_assert_cmpstr (chorus_reach_to_string (CHORUS_REACH_NEVER), ==, "never");
}

/* A ping's verdict, from its two paths: multicast decides. */
static void
test_mping_verdict (void)
{
  const struct
  {
    ChorusReach        unicast;
    ChorusReach        multicast;
    ChorusMpingVerdict verdict;
    const char        *nick;
  } cases[] = {
    { CHORUS_REACH_WAITING, CHORUS_REACH_WAITING, CHORUS_MPING_VERDICT_WAITING, "waiting" },
    { CHORUS_REACH_NOW, CHORUS_REACH_NOW, CHORUS_MPING_VERDICT_MULTICAST, "multicast" },
    { CHORUS_REACH_STOPPED, CHORUS_REACH_NOW, CHORUS_MPING_VERDICT_MULTICAST, "multicast" },
    { CHORUS_REACH_NOW, CHORUS_REACH_STOPPED, CHORUS_MPING_VERDICT_MULTICAST_STOPPED,
      "multicast-stopped" },
    { CHORUS_REACH_STOPPED, CHORUS_REACH_STOPPED, CHORUS_MPING_VERDICT_MULTICAST_STOPPED,
      "multicast-stopped" },
    { CHORUS_REACH_NOW, CHORUS_REACH_NEVER, CHORUS_MPING_VERDICT_UNICAST_ONLY, "unicast-only" },
    { CHORUS_REACH_STOPPED, CHORUS_REACH_NEVER, CHORUS_MPING_VERDICT_UNICAST_ONLY,
      "unicast-only" },
    { CHORUS_REACH_NEVER, CHORUS_REACH_NEVER, CHORUS_MPING_VERDICT_NO_ANSWER, "no-answer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ChorusMpingVerdict verdict = chorus_mping_verdict_from_reach (cases[i].unicast,
                                                                    cases[i].multicast);

      g_assert_cmpint (verdict, ==, cases[i].verdict);
      g_assert_cmpstr (chorus_mping_verdict_get_nick (verdict), ==, cases[i].nick);
    }
}

static void
test_hops (void)
{
  const struct
  {
    int ttl;
    int hops;
  } cases[] = {
    { -1, -1 }, { 0, 64 },   { 1, 63 },        { 63, 1 },        { 64, 0 },
    { 65, 63 }, { 127, 1 },  { 128, 0 },       { 129, 126 },     { 254, 1 },
    { 255, 0 }, { 256, -1 }, { G_MININT, -1 }, { G_MAXINT, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("ttl %d", cases[i].ttl);
      g_assert_cmpint (chorus_hops_estimate (cases[i].ttl), ==, cases[i].hops);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/responder/init", test_responder_init);
  g_test_add_func ("/stats/responder/reach", test_responder_reach);
  g_test_add_func ("/stats/mping-verdict", test_mping_verdict);
  g_test_add_func ("/stats/responder/all-answered", test_responder_all_answered);
  g_test_add_func ("/stats/responder/jitter-steady", test_responder_jitter_steady);
  g_test_add_func ("/stats/responder/every-fifth-lost", test_responder_every_fifth_lost);
  g_test_add_func ("/stats/responder/duplicates", test_responder_duplicates);
  g_test_add_func ("/stats/responder/late", test_responder_late);
  g_test_add_func ("/stats/responder/reordered", test_responder_reordered);
  g_test_add_func ("/stats/responder/mid-run", test_responder_mid_run);
  g_test_add_func ("/stats/responder/join", test_responder_join);
  g_test_add_func ("/stats/responder/invalid", test_responder_invalid);
  g_test_add_func ("/stats/responder/window", test_responder_window);
  g_test_add_func ("/stats/responder/long-run", test_responder_long_run);
  g_test_add_func ("/stats/responder/beyond-window", test_responder_beyond_window);
  g_test_add_func ("/stats/responder/settle-order", test_responder_settle_order);
  g_test_add_func ("/stats/sender/gaps", test_sender_gaps);
  g_test_add_func ("/stats/sender/start-late", test_sender_start_late);
  g_test_add_func ("/stats/sender/window", test_sender_window);
  g_test_add_func ("/stats/sender/rate", test_sender_rate);
  g_test_add_func ("/stats/hops", test_hops);

  return g_test_run ();
}
