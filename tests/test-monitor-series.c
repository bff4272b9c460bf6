/* test-monitor-series.c: a check's series, their window and their bound
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "chorus-monitor-series.h"

#define SECOND G_USEC_PER_SEC

static void
test_window (void)
{
  g_autoptr(ChorusMonitorSeriesSet) set = chorus_monitor_series_set_new (10);
  ChorusMonitorSeries *series = chorus_monitor_series_set_get (set, "10.0.0.2");
  gint64 start = 1000 * SECOND;
  double ratio = -1;

  g_assert_false (chorus_monitor_series_get_loss_ratio (series, start, &ratio));
  g_assert_false (chorus_monitor_series_heard_within (series, start));

  /* A round of 5 with one lost, every 2 s for a minute: exactly 0.2. */
  for (guint i = 0; i < 30; i++)
    chorus_monitor_series_add_round (series, start + i * 2 * SECOND, 5, 4, 1, 0);
  g_assert_true (chorus_monitor_series_get_loss_ratio (series, start + 59 * SECOND, &ratio));
  g_assert_cmpfloat (ratio, ==, 0.2);
  g_assert_cmpuint (series->sent, ==, 150);
  g_assert_cmpuint (series->lost, ==, 30);

  /* Then none lost: the old rounds leave the window, the counters stay. */
  for (guint i = 30; i < 60; i++)
    chorus_monitor_series_add_round (series, start + i * 2 * SECOND, 5, 5, 0, 0);
  g_assert_true (chorus_monitor_series_get_loss_ratio (series, start + 119 * SECOND, &ratio));
  g_assert_cmpfloat (ratio, ==, 0);
  g_assert_cmpuint (series->lost, ==, 30);
  g_assert_true (chorus_monitor_series_heard_within (series, start + 119 * SECOND));

  /* A minute of nothing at all: nothing to say, and not heard. */
  g_assert_false (chorus_monitor_series_get_loss_ratio (series, start + 200 * SECOND, &ratio));
  g_assert_false (chorus_monitor_series_heard_within (series, start + 200 * SECOND));
}

static void
test_histogram (void)
{
  g_autoptr(ChorusMonitorSeriesSet) set = chorus_monitor_series_set_new (1);
  ChorusMonitorSeries *series = chorus_monitor_series_set_get (set, "a");

  chorus_monitor_series_observe_rtt (series, 0.00001);  /* the first bucket */
  chorus_monitor_series_observe_rtt (series, 0.0001);   /* its bound: the second */
  chorus_monitor_series_observe_rtt (series, 100);      /* past the last: +Inf alone */
  g_assert_cmpuint (series->buckets[0], ==, 1);
  g_assert_cmpuint (series->buckets[1], ==, 1);
  g_assert_cmpuint (series->rtt_count, ==, 3);
  g_assert_cmpfloat_with_epsilon (series->rtt_sum, 100.00011, 1e-9);
}

static void
test_bound (void)
{
  g_autoptr(ChorusMonitorSeriesSet) set = chorus_monitor_series_set_new (3);
  ChorusMonitorSeries *other;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *key = g_strdup_printf ("10.0.%u.%u", i / 250, i % 250);
      ChorusMonitorSeries *series = chorus_monitor_series_set_get (set, key);

      chorus_monitor_series_set_name (series, "forged");
      chorus_monitor_series_add_round (series, 0, 1, 1, 0, 0);
    }

  g_assert_cmpuint (chorus_monitor_series_set_get_n (set), ==, 4);
  g_assert_cmpuint (chorus_monitor_series_set_get_dropped (set), ==, 997);
  other = chorus_monitor_series_set_nth (set, 3);
  g_assert_true (other->other);
  g_assert_cmpstr (other->key, ==, CHORUS_MONITOR_OTHER);
  g_assert_null (other->name);
  g_assert_cmpuint (other->answers, ==, 997);
  /* Known ones keep their own. */
  g_assert_false (chorus_monitor_series_set_get (set, "10.0.0.1")->other);
  g_assert_cmpuint (chorus_monitor_series_set_get_dropped (set), ==, 997);
  g_assert_null (chorus_monitor_series_set_lookup (set, "10.0.3.0"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/monitor-series/window", test_window);
  g_test_add_func ("/monitor-series/histogram", test_histogram);
  g_test_add_func ("/monitor-series/bound", test_bound);

  return g_test_run ();
}
