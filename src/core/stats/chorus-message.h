/* chorus-message.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHORUS_TYPE_MESSAGE (chorus_message_get_type ())

G_DECLARE_FINAL_TYPE (ChorusMessage, chorus_message, CHORUS, MESSAGE, GObject)

ChorusMessage      *chorus_message_new          (GInetSocketAddress *from,
                                                 GBytes             *payload,
                                                 gint64              arrival_usec,
                                                 int                 ttl,
                                                 guint64             serial);
GInetSocketAddress *chorus_message_get_from     (ChorusMessage      *self);
const char         *chorus_message_get_address  (ChorusMessage      *self);
guint16             chorus_message_get_port     (ChorusMessage      *self);
GBytes             *chorus_message_get_payload  (ChorusMessage      *self);
gsize               chorus_message_get_size     (ChorusMessage      *self);
const char         *chorus_message_get_text     (ChorusMessage      *self);
gint64              chorus_message_get_arrival  (ChorusMessage      *self);
int                 chorus_message_get_ttl      (ChorusMessage      *self);
guint64             chorus_message_get_serial   (ChorusMessage      *self);
const char         *chorus_message_get_group    (ChorusMessage      *self);
/* A Chorus probe: its session and sequence number; its text is the
 * probe's text. */
gboolean            chorus_message_get_probe    (ChorusMessage      *self);
guint64             chorus_message_get_session  (ChorusMessage      *self);
guint32             chorus_message_get_seq      (ChorusMessage      *self);

G_END_DECLS
