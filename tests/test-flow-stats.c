/* test-flow-stats.c: rates, inter-arrival times, bursts and gaps of a flow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-flow-stats.h"

#define MS 1000
#define SECOND G_USEC_PER_SEC
/* Arrival times start far from 0, on a 10 ms boundary. */
#define T0 (1000 * SECOND)

static void
add (ChorusFlowStats *stats,
     gint64           arrival_usec)
{
  chorus_flow_stats_add (stats, 100, arrival_usec, 12, 46);
}

static void
test_empty (void)
{
  ChorusFlowStats stats;

  memset (&stats, 0xaa, sizeof stats);
  chorus_flow_stats_init (&stats);
  g_assert_cmpuint (stats.packets, ==, 0);
  g_assert_cmpint (stats.ttl, ==, -1);
  g_assert_cmpint (stats.dscp, ==, -1);
  g_assert_cmpfloat (chorus_flow_stats_get_rate_pps (&stats, T0), ==, 0);
  g_assert_cmpfloat (chorus_flow_stats_get_bitrate_bps (&stats, T0), ==, 0);
  g_assert_cmpfloat (chorus_flow_stats_get_avg_bitrate_bps (&stats), ==, 0);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_p99_ms (&stats), ==, 0);
  g_assert_cmpfloat (chorus_flow_stats_get_longest_gap_ms (&stats, T0), ==, 0);

  add (&stats, T0);
  g_assert_cmpuint (stats.packets, ==, 1);
  g_assert_cmpint (stats.ttl, ==, 12);
  g_assert_cmpint (stats.dscp, ==, 46);
  g_assert_cmpuint (stats.max_burst, ==, 1);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_avg_ms (&stats), ==, 0);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_p99_ms (&stats), ==, 0);
  g_assert_cmpfloat (chorus_flow_stats_get_avg_bitrate_bps (&stats), ==, 0);
}

static void
test_iat (void)
{
  ChorusFlowStats stats;
  gint64 t = T0;

  chorus_flow_stats_init (&stats);

  /* 99 gaps of 10 ms and one of 500 ms. */
  add (&stats, t);
  for (guint i = 0; i < 99; i++)
    add (&stats, t += 10 * MS);
  add (&stats, t += 500 * MS);

  g_assert_cmpfloat (chorus_flow_stats_get_iat_min_ms (&stats), ==, 10);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_max_ms (&stats), ==, 500);
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_iat_avg_ms (&stats), 14.9, 1e-9);
  /* The 99th of 100, by nearest rank: a 10 ms one. */
  g_assert_cmpfloat (chorus_flow_stats_get_iat_p99_ms (&stats), ==, 10);

  /* A second long one: now the 100th of 101 is 500 ms, read from its
   * bucket [491.52, 507.904) ms: its middle, 499.7115 ms. */
  add (&stats, t += 500 * MS);
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_iat_p99_ms (&stats), 500, 500.0 / 32);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_p99_ms (&stats), ==, 499.7115);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_percentile_ms (&stats, 50), ==, 10);

  /* Gaps of 1 to 100 ms, in a shuffled order: the histogram's
   * percentiles are within 1/32 of the true ones. */
  chorus_flow_stats_init (&stats);
  t = T0;
  add (&stats, t);
  for (guint i = 0; i < 100; i++)
    add (&stats, t += (gint64) ((i * 37) % 100 + 1) * MS);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_min_ms (&stats), ==, 1);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_max_ms (&stats), ==, 100);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_avg_ms (&stats), ==, 50.5);
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_iat_p99_ms (&stats), 99, 99.0 / 32);
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_iat_percentile_ms (&stats, 50), 50, 50.0 / 32);
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_iat_percentile_ms (&stats, 10), 10, 10.0 / 32);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_percentile_ms (&stats, 100), ==, 100);

  /* Below 16 µs the buckets are exact: 1, 2 … 15 µs. */
  chorus_flow_stats_init (&stats);
  t = T0;
  add (&stats, t);
  for (guint i = 1; i <= 15; i++)
    add (&stats, t += i);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_percentile_ms (&stats, 50), ==, 0.008);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_percentile_ms (&stats, 20), ==, 0.003);

  /* A clock that steps back counts as no time. */
  add (&stats, t - 5 * MS);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_min_ms (&stats), ==, 0);
  g_assert_cmpint (stats.last_usec, ==, t);
}

static void
test_burst (void)
{
  ChorusFlowStats stats;

  chorus_flow_stats_init (&stats);

  /* 10 a millisecond apart, then, a second later, 30 within 50 ms,
   * then a steady 10 ms rate: 10 in any 100 ms. */
  for (guint i = 0; i < 10; i++)
    add (&stats, T0 + i * MS);
  g_assert_cmpuint (stats.max_burst, ==, 10);
  for (guint i = 0; i < 30; i++)
    add (&stats, T0 + SECOND + i * 1700);
  g_assert_cmpuint (stats.max_burst, ==, 30);
  for (guint i = 0; i < 100; i++)
    add (&stats, T0 + 3 * SECOND + i * 10 * MS);
  g_assert_cmpuint (stats.max_burst, ==, 30);

  /* The window is 100 ms: 5 at 0 and 5 at 100 ms are two bursts of 5;
   * at 99 ms, one of 10. */
  chorus_flow_stats_init (&stats);
  for (guint i = 0; i < 5; i++)
    add (&stats, T0);
  for (guint i = 0; i < 5; i++)
    add (&stats, T0 + 100 * MS);
  g_assert_cmpuint (stats.max_burst, ==, 5);

  chorus_flow_stats_init (&stats);
  for (guint i = 0; i < 5; i++)
    add (&stats, T0);
  for (guint i = 0; i < 5; i++)
    add (&stats, T0 + 99 * MS);
  g_assert_cmpuint (stats.max_burst, ==, 10);

  /* Steady 10 ms: 10 in a window, however long it runs. */
  chorus_flow_stats_init (&stats);
  for (guint i = 0; i < 1000; i++)
    add (&stats, T0 + i * 10 * MS + 300);
  g_assert_cmpuint (stats.max_burst, ==, 10);
}

static void
test_longest_gap (void)
{
  ChorusFlowStats stats;
  gint64 t = T0;

  chorus_flow_stats_init (&stats);
  add (&stats, t);
  for (guint i = 0; i < 10; i++)
    add (&stats, t += 20 * MS);
  add (&stats, t += 300 * MS);
  for (guint i = 0; i < 10; i++)
    add (&stats, t += 20 * MS);

  g_assert_cmpfloat (chorus_flow_stats_get_longest_gap_ms (&stats, t + 10 * MS), ==, 300);
  g_assert_cmpfloat (chorus_flow_stats_get_iat_max_ms (&stats), ==, 300);
  /* Silent for 2 s now: that is the longest gap. */
  g_assert_cmpfloat (chorus_flow_stats_get_longest_gap_ms (&stats, t + 2 * SECOND), ==, 2000);
}

static void
test_bitrate (void)
{
  ChorusFlowStats stats;
  gint64 last = 0;

  chorus_flow_stats_init (&stats);

  /* 1000 bytes every 10 ms for 3 s: 100 pps, 800 kbit/s. */
  for (guint i = 0; i < 300; i++)
    {
      last = T0 + i * 10 * MS;
      chorus_flow_stats_add (&stats, 1000, last, 64, 0);
    }

  g_assert_cmpuint (stats.packets, ==, 300);
  g_assert_cmpuint (stats.bytes, ==, 300000);
  g_assert_cmpfloat (chorus_flow_stats_get_rate_pps (&stats, last), ==, 100);
  g_assert_cmpfloat (chorus_flow_stats_get_bitrate_bps (&stats, last), ==, 800000);
  /* Over the run: all the bits over the 2.99 s from the first to the last. */
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_avg_bitrate_bps (&stats),
                                  300000 * 8 / 2.99, 1e-6);

  /* Half a second of silence halves the last second; two seconds
   * empty it. */
  g_assert_cmpfloat (chorus_flow_stats_get_rate_pps (&stats, last + 500 * MS), ==, 50);
  g_assert_cmpfloat (chorus_flow_stats_get_bitrate_bps (&stats, last + 500 * MS), ==, 400000);
  g_assert_cmpfloat (chorus_flow_stats_get_rate_pps (&stats, last + 2 * SECOND), ==, 0);

  /* It comes back at twice the rate: the last second says so, the run
   * average moves slowly. */
  for (guint i = 0; i < 200; i++)
    {
      last = T0 + 10 * SECOND + i * 5 * MS;
      chorus_flow_stats_add (&stats, 1000, last, 64, 8);
    }
  g_assert_cmpfloat (chorus_flow_stats_get_rate_pps (&stats, last), ==, 200);
  g_assert_cmpfloat (chorus_flow_stats_get_bitrate_bps (&stats, last), ==, 1600000);
  g_assert_cmpint (stats.dscp, ==, 8);
  g_assert_cmpfloat_with_epsilon (chorus_flow_stats_get_avg_bitrate_bps (&stats),
                                  500000 * 8 / 10.995, 1e-6);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/flow-stats/empty", test_empty);
  g_test_add_func ("/flow-stats/iat", test_iat);
  g_test_add_func ("/flow-stats/burst", test_burst);
  g_test_add_func ("/flow-stats/longest-gap", test_longest_gap);
  g_test_add_func ("/flow-stats/bitrate", test_bitrate);

  return g_test_run ();
}
