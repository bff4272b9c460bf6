/* chorus-ack.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-stats.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_ACK (chorus_ack_get_type ())

G_DECLARE_FINAL_TYPE (ChorusAck, chorus_ack, CHORUS, ACK, GObject)

ChorusAck          *chorus_ack_new           (GInetSocketAddress *from,
                                              GBytes             *payload,
                                              guint               probe,
                                              gint64              rtt_usec,
                                              gint64              arrival_usec,
                                              int                 ttl);
GInetSocketAddress *chorus_ack_get_from      (ChorusAck          *self);
const char         *chorus_ack_get_address   (ChorusAck          *self);
guint16             chorus_ack_get_port      (ChorusAck          *self);
GBytes             *chorus_ack_get_payload   (ChorusAck          *self);
const char         *chorus_ack_get_text      (ChorusAck          *self);
guint               chorus_ack_get_probe     (ChorusAck          *self);
gint64              chorus_ack_get_rtt_usec  (ChorusAck          *self);
double              chorus_ack_get_rtt_ms    (ChorusAck          *self);
gint64              chorus_ack_get_arrival   (ChorusAck          *self);
int                 chorus_ack_get_ttl       (ChorusAck          *self);
/* A Chorus answer names its probe; a classic one is matched by time. */
gboolean            chorus_ack_get_tagged    (ChorusAck          *self);
int                 chorus_ack_get_hops      (ChorusAck          *self);
gboolean            chorus_ack_get_hops_estimated (ChorusAck     *self);
gint64              chorus_ack_get_hold_usec (ChorusAck          *self);
const char         *chorus_ack_get_name      (ChorusAck          *self);
ChorusAnswerVerdict chorus_ack_get_verdict   (ChorusAck          *self);

G_END_DECLS
