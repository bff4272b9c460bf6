/* chorus-monitor.h: the checks chorus-cli monitor runs, and their
 * metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every probe and ping check runs in rounds, back to back: a round is
 * count probes (queries), interval apart, then their wait. A round's
 * results are added to the check's series when it ends, so counters and
 * the round trip histogram always agree. A responder check answers
 * probes for as long as it runs.
 */

#pragma once

#include <gio/gio.h>

#include "chorus-monitor-config.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_MONITOR (chorus_monitor_get_type ())

/* A check that could not start tries again this often. */
#define CHORUS_MONITOR_RETRY_SECONDS 10

G_DECLARE_FINAL_TYPE (ChorusMonitor, chorus_monitor, CHORUS, MONITOR, GObject)

ChorusMonitor *chorus_monitor_new          (void);
/* Takes config. Checks whose section is unchanged go on with their
 * series; the others start anew; those gone stop. */
void           chorus_monitor_set_config   (ChorusMonitor        *self,
                                            ChorusMonitorConfig  *config);
/* Every probe and ping check runs one round, then ::finished. */
void           chorus_monitor_set_once     (ChorusMonitor        *self,
                                            gboolean              once);
void           chorus_monitor_start        (ChorusMonitor        *self);
void           chorus_monitor_stop         (ChorusMonitor        *self);
gboolean       chorus_monitor_get_running  (ChorusMonitor        *self);
/* Checks whose chorus_up is 0. */
guint          chorus_monitor_get_n_down   (ChorusMonitor        *self);
/* The Prometheus text format of every check's metrics. */
void           chorus_monitor_render       (ChorusMonitor        *self,
                                            GString              *out);

/* One round of check on its own, as blackbox_exporter's /probe: ended
 * after timeout seconds with what it has. The result is the text format:
 * probe_success, probe_duration_seconds and the round's metrics. */
void           chorus_monitor_probe_async  (const ChorusMonitorCheck *check,
                                            double                    timeout,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
char          *chorus_monitor_probe_finish (GAsyncResult             *result,
                                            GError                  **error);

G_END_DECLS
