/* chorus-reply-guard.h: who may be answered, how much and how often
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Answers per second to one source, and how many may come at once. The
 * fastest probing Chorus does is one probe every 10 ms; a sender probing
 * at that rate is answered in full. */
#define CHORUS_REPLY_DEFAULT_RATE  100.0
#define CHORUS_REPLY_DEFAULT_BURST 100
/* Sources remembered at once; a flood from more addresses than this
 * within one burst window is refused, not remembered. */
#define CHORUS_REPLY_MAX_SOURCES   4096

typedef enum
{
  CHORUS_REPLY_ANSWER,
  /* A source that cannot have asked: multicast, broadcast, unspecified,
   * reserved, or port 0. */
  CHORUS_REPLY_REFUSE_SOURCE,
  /* The answer would be larger than what caused it. */
  CHORUS_REPLY_REFUSE_SIZE,
  /* The source has had its share of answers for now. */
  CHORUS_REPLY_REFUSE_RATE,
  CHORUS_REPLY_N_VERDICTS
} ChorusReplyVerdict;

typedef struct _ChorusReplyGuard ChorusReplyGuard;

ChorusReplyGuard   *chorus_reply_guard_new             (void);
void                chorus_reply_guard_free            (ChorusReplyGuard *guard);
void                chorus_reply_guard_set_rate        (ChorusReplyGuard *guard,
                                                        double            per_second,
                                                        guint             burst);
void                chorus_reply_guard_set_penalty     (ChorusReplyGuard *guard,
                                                        gint64            penalty_usec);
void                chorus_reply_guard_set_allow_larger (ChorusReplyGuard *guard,
                                                        gboolean          allow);
void                chorus_reply_guard_set_broadcasts  (ChorusReplyGuard *guard,
                                                        const guint32    *addresses,
                                                        guint             n_addresses);
ChorusReplyVerdict  chorus_reply_guard_check           (ChorusReplyGuard *guard,
                                                        const guint8     *address,
                                                        gsize             address_size,
                                                        guint16           port,
                                                        gsize             request_size,
                                                        gsize             reply_size,
                                                        gint64            now_usec);
gboolean            chorus_reply_address_is_unicast    (const guint8     *address,
                                                        gsize             address_size);
guint               chorus_reply_guard_get_n_sources   (ChorusReplyGuard *guard);
const char         *chorus_reply_verdict_to_string     (ChorusReplyVerdict verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusReplyGuard, chorus_reply_guard_free)

G_END_DECLS
