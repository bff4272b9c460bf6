/* chorus-receiver.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-membership.h"
#include "chorus-message.h"
#include "chorus-reply-guard.h"
#include "chorus-source.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_RECEIVER (chorus_receiver_get_type ())

#define CHORUS_RECEIVER_DEFAULT_CAPACITY 10000
/* Groups one receiver joins at most. */
#define CHORUS_RECEIVER_MAX_GROUPS 1024

G_DECLARE_FINAL_TYPE (ChorusReceiver, chorus_receiver, CHORUS, RECEIVER, GObject)

ChorusReceiver *chorus_receiver_new            (void);
const char     *chorus_receiver_get_group      (ChorusReceiver  *self);
void            chorus_receiver_set_group      (ChorusReceiver  *self,
                                                const char      *group);
guint           chorus_receiver_get_port       (ChorusReceiver  *self);
void            chorus_receiver_set_port       (ChorusReceiver  *self,
                                                guint            port);
const char     *chorus_receiver_get_reply      (ChorusReceiver  *self);
void            chorus_receiver_set_reply      (ChorusReceiver  *self,
                                                const char      *reply);
const char     *chorus_receiver_get_interface  (ChorusReceiver *self);
void            chorus_receiver_set_interface  (ChorusReceiver *self,
                                              const char *interface);

gboolean        chorus_receiver_get_answer     (ChorusReceiver  *self);
void            chorus_receiver_set_answer     (ChorusReceiver  *self,
                                                gboolean         answer);

gboolean        chorus_receiver_start          (ChorusReceiver  *self,
                                                GError         **error);
void            chorus_receiver_stop           (ChorusReceiver  *self);
gboolean        chorus_receiver_get_running    (ChorusReceiver  *self);

GListModel     *chorus_receiver_get_messages   (ChorusReceiver  *self);
guint64         chorus_receiver_get_n_received (ChorusReceiver  *self);
guint64         chorus_receiver_get_n_replied  (ChorusReceiver  *self);
guint64         chorus_receiver_get_n_dropped  (ChorusReceiver  *self);
guint64         chorus_receiver_get_n_ignored  (ChorusReceiver  *self);
guint64         chorus_receiver_get_n_unanswered (ChorusReceiver *self);
guint64         chorus_receiver_get_n_refused  (ChorusReceiver     *self,
                                                ChorusReplyVerdict  verdict);

double          chorus_receiver_get_reply_rate (ChorusReceiver  *self);
guint           chorus_receiver_get_reply_burst (ChorusReceiver *self);
void            chorus_receiver_set_reply_rate (ChorusReceiver  *self,
                                                double           per_second,
                                                guint            burst);
gboolean        chorus_receiver_get_allow_larger_replies (ChorusReceiver *self);
void            chorus_receiver_set_allow_larger_replies (ChorusReceiver *self,
                                                          gboolean        allow);
const char     *chorus_receiver_get_problem    (ChorusReceiver  *self);
/* The name Chorus answers carry; the host name when unset. */
const char     *chorus_receiver_get_name       (ChorusReceiver  *self);
void            chorus_receiver_set_name       (ChorusReceiver  *self,
                                                const char      *name);
/* Probers heard (ChorusSource), one per session, in order first heard. */
GListModel     *chorus_receiver_get_sources    (ChorusReceiver  *self);
/* Source-specific multicast: addresses separated by commas or spaces. */
const char     *chorus_receiver_get_include_sources (ChorusReceiver *self);
void            chorus_receiver_set_include_sources (ChorusReceiver *self,
                                                     const char     *sources);
const char     *chorus_receiver_get_exclude_sources (ChorusReceiver *self);
void            chorus_receiver_set_exclude_sources (ChorusReceiver *self,
                                                     const char     *sources);
/* The largest receive buffer a socket of the run was granted, in
 * bytes; 0 when not running. */
guint           chorus_receiver_get_receive_buffer (ChorusReceiver *self);
/* The run's groups (ChorusMembership): joined or not, and their counts. */
GListModel     *chorus_receiver_get_groups     (ChorusReceiver  *self);

/* What a #ChorusMessage holds, lent for the length of a call: the same
 * values its getters give. */
typedef struct
{
  const char *address;
  guint16 port;
  /* NULL if the system did not say. */
  const char *group;
  /* The payload; a probe's text for a probe. */
  const guint8 *data;
  gsize size;
  gint64 arrival_usec;
  int ttl;
  guint64 serial;
  gboolean probe;
  guint64 session;
  guint32 seq;
  /* As received; -1 when the system did not say. */
  int dscp;
  /* Datagrams the kernel dropped, its buffer full, on the socket this
   * one came by, so far; -1 when it cannot say. */
  gint64 host_dropped;
} ChorusMessageInfo;

typedef void  (*ChorusMessageFunc)             (ChorusReceiver          *receiver,
                                                const ChorusMessageInfo *info,
                                                gpointer                 user_data);

void            chorus_receiver_set_message_func (ChorusReceiver    *self,
                                                  ChorusMessageFunc  func,
                                                  gpointer           user_data,
                                                  GDestroyNotify     destroy);

G_END_DECLS
