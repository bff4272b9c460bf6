/* chorus-responder-private.h: what the sender feeds a responder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-responder.h"

G_BEGIN_DECLS

ChorusResponder     *_chorus_responder_new       (const char      *address,
                                                  gboolean         tagged,
                                                  guint            index,
                                                  guint32          settled_upto,
                                                  guint32          history_from);
ChorusAnswerVerdict  _chorus_responder_answer    (ChorusResponder *self,
                                                  guint32          seq,
                                                  guint32          highest_sent,
                                                  gint64           rtt_usec,
                                                  gint64           arrival_usec,
                                                  gint64           run_start_usec);
void                 _chorus_responder_settle    (ChorusResponder *self,
                                                  guint32          seq);
void                 _chorus_responder_set_hops  (ChorusResponder *self,
                                                  int              hops,
                                                  gboolean         estimated);
void                 _chorus_responder_set_name  (ChorusResponder *self,
                                                  const char      *name,
                                                  gsize            size);
void                 _chorus_responder_set_silent (ChorusResponder *self,
                                                   gboolean         silent);
void                 _chorus_responder_judge_silence (ChorusResponder *self,
                                                      gint64           now_usec,
                                                      gint64           limit_usec);
/* Announces what changed since the last call, in one go. */
gboolean             _chorus_responder_flush     (ChorusResponder *self);

G_END_DECLS
