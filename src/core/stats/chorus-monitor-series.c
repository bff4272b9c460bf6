/* chorus-monitor-series.c: one check's series, bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-monitor-series.h"

struct _ChorusMonitorSeriesSet
{
  guint max;
  GHashTable *by_key;   /* borrowed key -> ChorusMonitorSeries */
  GPtrArray *series;    /* owned, in the order made */
  ChorusMonitorSeries *other;
  guint64 dropped;
};

static ChorusMonitorSeries *
series_new (const char *key)
{
  ChorusMonitorSeries *series = g_new0 (ChorusMonitorSeries, 1);

  series->key = g_strdup (key);
  series->hops = -1;
  return series;
}

static void
series_free (gpointer data)
{
  ChorusMonitorSeries *series = data;

  g_free (series->key);
  g_free (series->name);
  g_free (series);
}

ChorusMonitorSeriesSet *
chorus_monitor_series_set_new (guint max)
{
  ChorusMonitorSeriesSet *set = g_new0 (ChorusMonitorSeriesSet, 1);

  set->max = MAX (max, 1);
  set->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  set->series = g_ptr_array_new_with_free_func (series_free);
  return set;
}

void
chorus_monitor_series_set_free (ChorusMonitorSeriesSet *set)
{
  g_hash_table_unref (set->by_key);
  g_ptr_array_unref (set->series);
  g_clear_pointer (&set->other, series_free);
  g_free (set);
}

ChorusMonitorSeries *
chorus_monitor_series_set_lookup (ChorusMonitorSeriesSet *set,
                                  const char             *key)
{
  return g_hash_table_lookup (set->by_key, key);
}

ChorusMonitorSeries *
chorus_monitor_series_set_get (ChorusMonitorSeriesSet *set,
                               const char             *key)
{
  ChorusMonitorSeries *series = g_hash_table_lookup (set->by_key, key);

  if (series != NULL)
    return series;

  if (set->series->len >= set->max)
    {
      if (set->other == NULL)
        {
          set->other = series_new (CHORUS_MONITOR_OTHER);
          set->other->other = TRUE;
        }
      set->dropped++;
      return set->other;
    }

  series = series_new (key);
  g_ptr_array_add (set->series, series);
  g_hash_table_insert (set->by_key, series->key, series);
  return series;
}

guint
chorus_monitor_series_set_get_n (ChorusMonitorSeriesSet *set)
{
  return set->series->len + (set->other != NULL ? 1 : 0);
}

ChorusMonitorSeries *
chorus_monitor_series_set_nth (ChorusMonitorSeriesSet *set,
                               guint                   index)
{
  if (index < set->series->len)
    return g_ptr_array_index (set->series, index);
  g_return_val_if_fail (index == set->series->len && set->other != NULL, NULL);
  return set->other;
}

guint64
chorus_monitor_series_set_get_dropped (ChorusMonitorSeriesSet *set)
{
  return set->dropped;
}

void
chorus_monitor_series_set_add_dropped (ChorusMonitorSeriesSet *set,
                                       guint64                 n)
{
  set->dropped += n;
}

guint
chorus_monitor_series_set_count_heard (ChorusMonitorSeriesSet *set,
                                       gint64                  now_usec)
{
  guint heard = 0;

  for (guint i = 0; i < chorus_monitor_series_set_get_n (set); i++)
    if (chorus_monitor_series_heard_within (chorus_monitor_series_set_nth (set, i), now_usec))
      heard++;
  return heard;
}

static ChorusMonitorSlot *
slot_of (ChorusMonitorSeries *series,
         gint64               now_usec)
{
  gint64 second = now_usec / G_USEC_PER_SEC;
  ChorusMonitorSlot *slot = &series->window[second % CHORUS_MONITOR_WINDOW_SECONDS];

  if (slot->second != second)
    *slot = (ChorusMonitorSlot) { .second = second };
  return slot;
}

void
chorus_monitor_series_add_round (ChorusMonitorSeries *series,
                                 gint64               now_usec,
                                 guint64              sent,
                                 guint64              answers,
                                 guint64              lost,
                                 guint64              duplicates)
{
  ChorusMonitorSlot *slot = slot_of (series, now_usec);

  series->sent += sent;
  series->answers += answers;
  series->lost += lost;
  series->duplicates += duplicates;
  slot->sent += (guint32) sent;
  slot->lost += (guint32) lost;
  slot->answers += (guint32) answers;
}

void
chorus_monitor_series_set_name (ChorusMonitorSeries *series,
                                const char          *name)
{
  /* The other series stands for many: it has no name. */
  if (series->other || g_strcmp0 (series->name, name) == 0)
    return;
  g_free (series->name);
  series->name = g_strdup (name);
}

void
chorus_monitor_series_observe_rtt (ChorusMonitorSeries *series,
                                   double               seconds)
{
  for (guint i = 0; i < CHORUS_EXPOSITION_RTT_BUCKETS; i++)
    if (seconds <= chorus_exposition_rtt_bounds[i])
      {
        series->buckets[i]++;
        break;
      }
  series->rtt_sum += seconds;
  series->rtt_count++;
}

static gboolean
slot_in_window (const ChorusMonitorSlot *slot,
                gint64                   now_usec)
{
  gint64 second = now_usec / G_USEC_PER_SEC;

  return slot->second > second - CHORUS_MONITOR_WINDOW_SECONDS && slot->second <= second;
}

gboolean
chorus_monitor_series_get_loss_ratio (const ChorusMonitorSeries *series,
                                      gint64                     now_usec,
                                      double                    *ratio)
{
  guint64 sent = 0, lost = 0;

  for (guint i = 0; i < CHORUS_MONITOR_WINDOW_SECONDS; i++)
    if (slot_in_window (&series->window[i], now_usec))
      {
        sent += series->window[i].sent;
        lost += series->window[i].lost;
      }

  if (sent == 0)
    return FALSE;
  *ratio = (double) lost / (double) sent;
  return TRUE;
}

gboolean
chorus_monitor_series_heard_within (const ChorusMonitorSeries *series,
                                    gint64                     now_usec)
{
  for (guint i = 0; i < CHORUS_MONITOR_WINDOW_SECONDS; i++)
    if (slot_in_window (&series->window[i], now_usec) && series->window[i].answers > 0)
      return TRUE;
  return FALSE;
}
