/* chorus-watch.h: join groups and measure every flow that arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A service over #ChorusReceiver (never answering): each datagram is
 * lent to the flow it belongs to (one source address and port to one
 * group and port; a new RTP SSRC is a new flow), whose models count it.
 * The flows are a #GListModel of #ChorusFlow, in the order first heard,
 * at most CHORUS_WATCH_MAX_FLOWS; what arrives past that is counted.
 */

#pragma once

#include <gio/gio.h>

#include "chorus-flow.h"
#include "chorus-watch-target.h"

G_BEGIN_DECLS

#define CHORUS_WATCH_MAX_FLOWS    4096
/* Groups (and ports) one watch joins at most. */
#define CHORUS_WATCH_MAX_TARGETS  1024
/* TS flows with TS statistics, about 500 KB each: 128 MB in all. */
#define CHORUS_WATCH_MAX_TS_FLOWS 256

#define CHORUS_TYPE_WATCH (chorus_watch_get_type ())

G_DECLARE_FINAL_TYPE (ChorusWatch, chorus_watch, CHORUS, WATCH, GObject)

ChorusWatch    *chorus_watch_new                (void);
const char     *chorus_watch_get_interface      (ChorusWatch              *self);
void            chorus_watch_set_interface      (ChorusWatch              *self,
                                                 const char               *interface);
/* What every flow is taken to carry; AUTO (the default) tells each. */
ChorusFlowKind  chorus_watch_get_kind           (ChorusWatch              *self);
void            chorus_watch_set_kind           (ChorusWatch              *self,
                                                 ChorusFlowKind            kind);
/* Adds a stream to watch; joined at once if running. A group and port
 * already watched is not joined twice (TRUE). Fails for a target past
 * CHORUS_WATCH_MAX_TARGETS, or one that cannot be joined. */
gboolean        chorus_watch_add_target         (ChorusWatch              *self,
                                                 const ChorusWatchTarget  *target,
                                                 GError                  **error);
guint           chorus_watch_get_n_targets      (ChorusWatch              *self);
gboolean        chorus_watch_start              (ChorusWatch              *self,
                                                 GError                  **error);
void            chorus_watch_stop               (ChorusWatch              *self);
gboolean        chorus_watch_get_running        (ChorusWatch              *self);
/* ChorusFlow, in the order first heard. */
GListModel     *chorus_watch_get_flows          (ChorusWatch              *self);
guint64         chorus_watch_get_n_received     (ChorusWatch              *self);
/* Datagrams of flows the table had no room for. */
guint64         chorus_watch_get_n_unkept       (ChorusWatch              *self);
/* TS flows that got no TS statistics, for want of room. */
guint           chorus_watch_get_n_ts_unkept    (ChorusWatch              *self);
/* The largest receive buffer the system granted a socket, in bytes. */
guint           chorus_watch_get_receive_buffer (ChorusWatch              *self);
/* The receivers' groups that could not be joined, one message each. */
GStrv           chorus_watch_dup_problems       (ChorusWatch              *self);

G_END_DECLS
