/* chorus-monitor-series.h: one check's series, bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure bookkeeping (every time is passed in): per responder (or per ping
 * path) the counters, the round trip histogram and a one-minute window
 * of loss, filled a round at a time. At most max series: responders
 * past it share the one "other" series, and are counted as dropped.
 */

#pragma once

#include <glib.h>

#include "chorus-exposition.h"

G_BEGIN_DECLS

/* The window of chorus_probe_loss_ratio, in one-second slots. */
#define CHORUS_MONITOR_WINDOW_SECONDS 60
/* The key and label of the series responders past the limit share. */
#define CHORUS_MONITOR_OTHER "other"

typedef struct
{
  gint64 second;
  guint32 sent;
  guint32 lost;
  guint32 answers;
} ChorusMonitorSlot;

typedef struct
{
  char *key;            /* a responder's address, a ping's path */
  char *name;           /* the name its answers carry; NULL */
  gboolean other;
  guint64 sent;
  guint64 answers;
  guint64 lost;
  guint64 duplicates;
  int hops;             /* -1 unknown */
  guint64 buckets[CHORUS_EXPOSITION_RTT_BUCKETS];
  double rtt_sum;
  guint64 rtt_count;
  ChorusMonitorSlot window[CHORUS_MONITOR_WINDOW_SECONDS];
} ChorusMonitorSeries;

typedef struct _ChorusMonitorSeriesSet ChorusMonitorSeriesSet;

ChorusMonitorSeriesSet *chorus_monitor_series_set_new     (guint                   max);
void                    chorus_monitor_series_set_free    (ChorusMonitorSeriesSet *set);
/* The series of key, made if there is room; otherwise the other
 * series, and the responder counts as dropped. */
ChorusMonitorSeries    *chorus_monitor_series_set_get     (ChorusMonitorSeriesSet *set,
                                                           const char             *key);
ChorusMonitorSeries    *chorus_monitor_series_set_lookup  (ChorusMonitorSeriesSet *set,
                                                           const char             *key);
/* In the order made, the other series last once it exists. */
guint                   chorus_monitor_series_set_get_n   (ChorusMonitorSeriesSet *set);
ChorusMonitorSeries    *chorus_monitor_series_set_nth     (ChorusMonitorSeriesSet *set,
                                                           guint                   index);
guint64                 chorus_monitor_series_set_get_dropped (ChorusMonitorSeriesSet *set);
void                    chorus_monitor_series_set_add_dropped (ChorusMonitorSeriesSet *set,
                                                               guint64                 n);
/* Series with an answer within the window before now. */
guint                   chorus_monitor_series_set_count_heard (ChorusMonitorSeriesSet *set,
                                                               gint64                  now_usec);

void                    chorus_monitor_series_add_round   (ChorusMonitorSeries    *series,
                                                           gint64                  now_usec,
                                                           guint64                 sent,
                                                           guint64                 answers,
                                                           guint64                 lost,
                                                           guint64                 duplicates);
void                    chorus_monitor_series_set_name    (ChorusMonitorSeries    *series,
                                                           const char             *name);
void                    chorus_monitor_series_observe_rtt (ChorusMonitorSeries    *series,
                                                           double                  seconds);
/* Lost over sent in the window (the run, if shorter); FALSE when
 * nothing was sent in it. */
gboolean                chorus_monitor_series_get_loss_ratio (const ChorusMonitorSeries *series,
                                                              gint64                     now_usec,
                                                              double                    *ratio);
gboolean                chorus_monitor_series_heard_within (const ChorusMonitorSeries  *series,
                                                            gint64                      now_usec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusMonitorSeriesSet, chorus_monitor_series_set_free)

G_END_DECLS
