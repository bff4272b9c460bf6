/* chorus-sender.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-ack.h"
#include "chorus-responder.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_SENDER (chorus_sender_get_type ())

#define CHORUS_SENDER_DEFAULT_CAPACITY 10000
/* Distinct hosts listed per run; more are counted, not listed. */
#define CHORUS_SENDER_MAX_RESPONDERS   16384

G_DECLARE_FINAL_TYPE (ChorusSender, chorus_sender, CHORUS, SENDER, GObject)

ChorusSender *chorus_sender_new               (void);
const char   *chorus_sender_get_group         (ChorusSender  *self);
void          chorus_sender_set_group         (ChorusSender  *self,
                                               const char    *group);
guint         chorus_sender_get_port          (ChorusSender  *self);
void          chorus_sender_set_port          (ChorusSender  *self,
                                               guint          port);
guint         chorus_sender_get_ttl           (ChorusSender  *self);
void          chorus_sender_set_ttl           (ChorusSender  *self,
                                               guint          ttl);
gboolean      chorus_sender_get_loopback      (ChorusSender  *self);
void          chorus_sender_set_loopback      (ChorusSender  *self,
                                               gboolean       loopback);
double        chorus_sender_get_wait          (ChorusSender  *self);
void          chorus_sender_set_wait          (ChorusSender  *self,
                                               double         seconds);
guint         chorus_sender_get_count         (ChorusSender  *self);
void          chorus_sender_set_count         (ChorusSender  *self,
                                               guint          count);
double        chorus_sender_get_interval      (ChorusSender  *self);
void          chorus_sender_set_interval      (ChorusSender  *self,
                                               double         seconds);
GBytes       *chorus_sender_get_message       (ChorusSender  *self);
void          chorus_sender_set_message       (ChorusSender  *self,
                                               GBytes        *message);
const char   *chorus_sender_get_text          (ChorusSender  *self);
void          chorus_sender_set_text          (ChorusSender  *self,
                                               const char    *text);

const char     *chorus_sender_get_interface  (ChorusSender *self);
void            chorus_sender_set_interface  (ChorusSender *self,
                                              const char *interface);

gboolean      chorus_sender_start             (ChorusSender  *self,
                                               GError       **error);
void          chorus_sender_stop              (ChorusSender  *self);
gboolean      chorus_sender_get_running       (ChorusSender  *self);

GListModel   *chorus_sender_get_acks          (ChorusSender  *self);
guint         chorus_sender_get_n_sent        (ChorusSender  *self);
guint         chorus_sender_get_n_acks        (ChorusSender  *self);
guint         chorus_sender_get_n_responders  (ChorusSender  *self);
guint         chorus_sender_get_n_ignored     (ChorusSender  *self);
guint         chorus_sender_get_n_unlisted    (ChorusSender  *self);
gboolean      chorus_sender_get_send_failed   (ChorusSender  *self);
gint64        chorus_sender_get_deadline      (ChorusSender  *self);
gint64        chorus_sender_get_rtt_min_usec  (ChorusSender  *self);
gint64        chorus_sender_get_rtt_max_usec  (ChorusSender  *self);
gint64        chorus_sender_get_rtt_avg_usec  (ChorusSender  *self);
int           chorus_sender_get_receive_buffer (ChorusSender *self);

/* Probing: Chorus probes (docs/PROTOCOL.md) instead of the bare message,
 * with statistics per responder. */
gboolean      chorus_sender_get_probe         (ChorusSender  *self);
void          chorus_sender_set_probe         (ChorusSender  *self,
                                               gboolean       probe);
double        chorus_sender_get_spread        (ChorusSender  *self);
void          chorus_sender_set_spread        (ChorusSender  *self,
                                               double         seconds);
guint         chorus_sender_get_update_interval (ChorusSender *self);
void          chorus_sender_set_update_interval (ChorusSender *self,
                                                 guint         msec);
GListModel   *chorus_sender_get_responders    (ChorusSender  *self);
guint64       chorus_sender_get_session       (ChorusSender  *self);
guint         chorus_sender_get_n_settled     (ChorusSender  *self);
gint64        chorus_sender_get_run_start     (ChorusSender  *self);
double        chorus_sender_get_run_interval  (ChorusSender  *self);
guint         chorus_sender_get_n_tagged      (ChorusSender  *self);
guint         chorus_sender_get_n_untagged    (ChorusSender  *self);

G_END_DECLS
