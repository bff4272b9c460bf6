/* chorus-flow.h: one flow a watch hears: what one source address and
 * port send to one group and port (and, for RTP, one SSRC)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds the pure models (chorus-flow-stats.h, chorus-rtp-stats.h,
 * chorus-ts-stats.h) a #ChorusWatch feeds; its kind is told by a
 * #ChorusFlowClassifier unless given. "kind" is notified once, when it
 * is decided.
 */

#pragma once

#include <gio/gio.h>

#include "chorus-flow-kind.h"
#include "chorus-flow-stats.h"
#include "chorus-rtp-stats.h"
#include "chorus-ts-stats.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_FLOW (chorus_flow_get_type ())

G_DECLARE_FINAL_TYPE (ChorusFlow, chorus_flow, CHORUS, FLOW, GObject)

const char            *chorus_flow_get_source       (ChorusFlow *self);
guint                  chorus_flow_get_source_port  (ChorusFlow *self);
const char            *chorus_flow_get_group        (ChorusFlow *self);
guint                  chorus_flow_get_port         (ChorusFlow *self);
/* AUTO while undecided. */
ChorusFlowKind         chorus_flow_get_kind         (ChorusFlow *self);
const ChorusFlowStats *chorus_flow_get_stats        (ChorusFlow *self);
/* NULL unless the kind is RTP or RTP-TS. */
const ChorusRtpStats  *chorus_flow_get_rtp_stats    (ChorusFlow *self);
/* RTP datagrams (of an RTP flow) whose header did not parse. */
guint64                chorus_flow_get_n_malformed  (ChorusFlow *self);
/* NULL unless the kind is TS or RTP-TS and the watch had room for its
 * statistics (about 500 KB each: see CHORUS_WATCH_MAX_TS_FLOWS). */
const ChorusTsStats   *chorus_flow_get_ts_stats     (ChorusFlow *self);
/* The datagrams the kernel dropped on the socket this flow arrives on,
 * because its buffer was full; -1 when the system does not say. The
 * socket's count: flows that share it share it. */
gint64                 chorus_flow_get_host_dropped (ChorusFlow *self);

G_END_DECLS
