/* chorus-flow-private.h: what a watch does to its flows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-flow.h"
#include "chorus-watch-target.h"

G_BEGIN_DECLS

typedef enum
{
  CHORUS_FLOW_COUNTED,
  /* An RTP packet of another SSRC: nothing counted; it is a new flow's. */
  CHORUS_FLOW_OTHER_SSRC,
} ChorusFlowVerdict;

/* @kind: AUTO to tell it; @target: what is known of the stream (its
 * clock rate, rate), may be NULL. */
ChorusFlow        *_chorus_flow_new   (const char              *source,
                                       guint                    source_port,
                                       const char              *group,
                                       guint                    port,
                                       ChorusFlowKind           kind,
                                       const ChorusWatchTarget *target);
/* @ts_room: how many more flows may have TS statistics; taken from when
 * this one becomes one. */
ChorusFlowVerdict  _chorus_flow_add   (ChorusFlow              *self,
                                       const guint8            *data,
                                       gsize                    size,
                                       gint64                   arrival_usec,
                                       int                      ttl,
                                       int                      dscp,
                                       gint64                   host_dropped,
                                       guint                   *ts_room);
/* Closes what waits on time (the MDI interval). */
void               _chorus_flow_tick  (ChorusFlow              *self,
                                       gint64                   now_usec);
/* Gives the flow's TS statistics back, if it has them. */
gboolean           _chorus_flow_release_ts (ChorusFlow         *self);

G_END_DECLS
