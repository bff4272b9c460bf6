/* test-pace.c: when a receiving socket is read, and before what
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-pace.h"

#define MS 1000

/* A steady stream of @per_wake datagrams every @gap µs, for @duration µs
 * from @start: woken for each, or on ticks finding what came since the
 * last read. Each read takes @cost µs. Returns when it ended. */
static gint64
stream (ChorusPace *pace,
        gint64      start,
        gint64      duration,
        gint64      gap,
        guint       per_wake,
        gint64      cost)
{
  gint64 t = start;
  gint64 last = start - gap;

  while (t < start + duration)
    {
      guint waiting = per_wake * (guint) ((t - last) / gap);

      chorus_pace_update (pace, t, t + cost, waiting, FALSE);
      last = t;
      t += cost + (pace->next_read_usec >= 0 ? pace->next_read_usec : gap);
    }

  return t;
}

static void
test_light_traffic (void)
{
  ChorusPace pace;
  gint64 t = 1000 * MS;

  /* A probe every millisecond, answered at once: 1,000 a second. */
  chorus_pace_init (&pace, TRUE);
  for (guint i = 0; i < 2000; i++, t += MS)
    {
      chorus_pace_update (&pace, t, t + 5, 1, FALSE);
      g_assert_cmpint (pace.next_read_usec, ==, -1);
    }

  /* Just under the rate that turns moderation on: 9 a millisecond. */
  for (guint i = 0; i < 2000; i++, t += MS)
    {
      chorus_pace_update (&pace, t, t + 5, 9, FALSE);
      g_assert_cmpint (pace.next_read_usec, ==, -1);
    }
}

/* On ticks, at @rate datagrams a second, for @n ticks: each tick finds
 * what came since the last read, which takes @cost µs. Returns when the
 * last one ended. */
static gint64
ticks (ChorusPace *pace,
       gint64      t,
       guint       rate,
       guint       n,
       gint64      cost)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 wait = pace->next_read_usec;

      g_assert_cmpint (wait, >, 0);
      t += wait;
      chorus_pace_update (pace, t, t + cost, (guint) ((wait + cost) * rate / G_USEC_PER_SEC), FALSE);
      t += cost;
    }

  return t;
}

static void
test_heavy_stream_ticks (void)
{
  ChorusPace pace;
  gint64 t = 1000 * MS;
  guint wakes = 0;

  /* 50,000 a second, two datagrams per wake-up. */
  chorus_pace_init (&pace, TRUE);
  while (pace.next_read_usec < 0)
    {
      chorus_pace_update (&pace, t, t + 4, 2, FALSE);
      t += 40;
      wakes++;
    }

  /* Decided after one window of 10 ms, not before; the first tick is the
   * shortest. */
  g_assert_cmpint (wakes * 40, >=, CHORUS_PACE_WINDOW_USEC);
  g_assert_cmpint (wakes * 40, <=, CHORUS_PACE_WINDOW_USEC + 40);
  g_assert_cmpint (pace.next_read_usec, ==, CHORUS_PACE_TICK_MIN_USEC);

  /* Then long enough for about 64 datagrams: 1.28 ms at 50,000 a second
   * (give or take the microsecond a read takes). */
  t = ticks (&pace, t, 50000, 100, 1);
  g_assert_cmpint (pace.next_read_usec, >=, 1270);
  g_assert_cmpint (pace.next_read_usec, <=, 1290);

  /* At 200,000 a second, never shorter than 1 ms... */
  t = ticks (&pace, t, 200000, 20, 1);
  g_assert_cmpint (pace.next_read_usec, ==, CHORUS_PACE_TICK_MIN_USEC);

  /* ...and at 12,000, never longer than 4 ms. */
  t = ticks (&pace, t, 12000, 20, 1);
  g_assert_cmpint (pace.next_read_usec, ==, CHORUS_PACE_TICK_MAX_USEC);

  /* A tick that stops at its limits reads again at once, behind drawing. */
  t += pace.next_read_usec;
  chorus_pace_update (&pace, t, t + 8 * MS, 4096, TRUE);
  g_assert_cmpint (pace.next_read_usec, ==, 0);
  g_assert_cmpint (pace.priority, ==, G_PRIORITY_LOW);
  t += 8 * MS;
  chorus_pace_update (&pace, t, t + 3 * MS, 1500, FALSE);
  g_assert_cmpint (pace.next_read_usec, >=, CHORUS_PACE_TICK_MIN_USEC);
  g_assert_cmpint (pace.next_read_usec, <=, CHORUS_PACE_TICK_MAX_USEC);
}

static void
test_stream_ends (void)
{
  ChorusPace pace;
  gint64 t;

  chorus_pace_init (&pace, TRUE);
  t = stream (&pace, 1000 * MS, 50 * MS, 40, 2, 4);
  g_assert_cmpint (pace.next_read_usec, >=, CHORUS_PACE_TICK_MIN_USEC);

  /* Still 5,000 a second: between the two rates, it keeps ticking, on the
   * longest ticks. */
  t = ticks (&pace, t, 5000, 20, 4);
  g_assert_cmpint (pace.next_read_usec, ==, CHORUS_PACE_TICK_MAX_USEC);

  /* One datagram in a tick, under 2,000 a second: the socket is watched
   * again, so the next datagram is read as soon as it comes. */
  t += pace.next_read_usec;
  chorus_pace_update (&pace, t, t + 4, 1, FALSE);
  g_assert_cmpint (pace.next_read_usec, ==, -1);

  /* And a second stream is recognised afresh. */
  t = stream (&pace, t + 100 * MS, 50 * MS, 20, 1, 2);
  g_assert_cmpint (pace.next_read_usec, >=, CHORUS_PACE_TICK_MIN_USEC);
}

static void
test_bursts_apart (void)
{
  ChorusPace pace;
  gint64 t = 1000 * MS;

  /* 200 datagrams in a burst, then 100 ms of nothing: 2,000 a second on
   * average. A window closes only once 10 ms have passed, so the one that
   * holds a burst holds the gap after it too: never a stream. */
  chorus_pace_init (&pace, TRUE);
  for (guint i = 0; i < 50; i++, t += 100 * MS)
    {
      chorus_pace_update (&pace, t, t + 50, 100, FALSE);
      chorus_pace_update (&pace, t + 60, t + 110, 100, FALSE);
      g_assert_cmpint (pace.next_read_usec, ==, -1);
    }
}

static void
test_not_moderated (void)
{
  ChorusPace pace;

  chorus_pace_init (&pace, FALSE);
  stream (&pace, 1000 * MS, 100 * MS, 40, 2, 4);
  g_assert_cmpint (pace.next_read_usec, ==, -1);
}

static void
test_priority (void)
{
  ChorusPace pace;
  gint64 t = 1000 * MS;

  chorus_pace_init (&pace, FALSE);
  g_assert_cmpint (pace.priority, ==, G_PRIORITY_HIGH);

  /* Back-to-back reads for more than 10 ms step behind drawing... */
  for (guint i = 0; i < 12; i++, t += MS)
    chorus_pace_update (&pace, t, t + MS - 10, 100, FALSE);
  g_assert_cmpint (pace.priority, ==, G_PRIORITY_LOW);

  /* ...and a quiet moment puts the socket in front again. */
  t += 6 * MS;
  chorus_pace_update (&pace, t, t + 10, 1, FALSE);
  g_assert_cmpint (pace.priority, ==, G_PRIORITY_HIGH);

  /* A read that hit its limits steps back at once; one that found
   * nothing comes forward. */
  chorus_pace_update (&pace, t + 20, t + 30, 4096, TRUE);
  g_assert_cmpint (pace.priority, ==, G_PRIORITY_LOW);
  chorus_pace_update (&pace, t + 40, t + 50, 0, FALSE);
  g_assert_cmpint (pace.priority, ==, G_PRIORITY_HIGH);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pace/light-traffic", test_light_traffic);
  g_test_add_func ("/pace/heavy-stream-ticks", test_heavy_stream_ticks);
  g_test_add_func ("/pace/stream-ends", test_stream_ends);
  g_test_add_func ("/pace/bursts-apart", test_bursts_apart);
  g_test_add_func ("/pace/not-moderated", test_not_moderated);
  g_test_add_func ("/pace/priority", test_priority);

  return g_test_run ();
}
