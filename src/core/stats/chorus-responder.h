/* chorus-responder.h: one host answering a run of probes, and how well
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-stats.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_RESPONDER (chorus_responder_get_type ())

/* Round trips kept per responder for drawing: the last this many probes. */
#define CHORUS_RESPONDER_HISTORY 3600

/* A probe's fate in the history. */
#define CHORUS_RTT_PENDING (-2)
#define CHORUS_RTT_LOST    (-1)

G_DECLARE_FINAL_TYPE (ChorusResponder, chorus_responder, CHORUS, RESPONDER, GObject)

const char                 *chorus_responder_get_address         (ChorusResponder *self);
const char                 *chorus_responder_get_name            (ChorusResponder *self);
gboolean                    chorus_responder_get_tagged          (ChorusResponder *self);
gboolean                    chorus_responder_get_silent          (ChorusResponder *self);
ChorusReach                 chorus_responder_get_reach           (ChorusResponder *self);
const ChorusResponderStats *chorus_responder_get_stats           (ChorusResponder *self);
guint                       chorus_responder_get_index           (ChorusResponder *self);
double                      chorus_responder_get_loss            (ChorusResponder *self);
double                      chorus_responder_get_rtt_avg_ms      (ChorusResponder *self);
double                      chorus_responder_get_rtt_min_ms      (ChorusResponder *self);
double                      chorus_responder_get_rtt_max_ms      (ChorusResponder *self);
double                      chorus_responder_get_rtt_mdev_ms     (ChorusResponder *self);
double                      chorus_responder_get_jitter_ms       (ChorusResponder *self);
double                      chorus_responder_get_join_ms         (ChorusResponder *self);
/* History: round trips in µs (or CHORUS_RTT_LOST / CHORUS_RTT_PENDING)
 * of probes first_seq .. last_seq, at most CHORUS_RESPONDER_HISTORY. */
guint32                     chorus_responder_get_history_first   (ChorusResponder *self);
guint32                     chorus_responder_get_history_last    (ChorusResponder *self);
gint32                      chorus_responder_get_history_rtt     (ChorusResponder *self,
                                                                  guint32          seq);

G_END_DECLS
