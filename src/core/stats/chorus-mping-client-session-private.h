/* chorus-mping-client-session-private.h: what the server feeds a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-mping-client-session.h"

G_BEGIN_DECLS

ChorusMpingClientSession *_chorus_mping_client_session_new    (const char               *address,
                                                               guint                     port,
                                                               ChorusMpingGeneration     generation,
                                                               gint64                    now_usec);
/* A query heard at now_usec for group (NULL: unchanged), answered or not. */
void                      _chorus_mping_client_session_query  (ChorusMpingClientSession *self,
                                                               const char               *group,
                                                               gboolean                  answered,
                                                               gint64                    now_usec);
/* Notifies what changed since the last flush. */
void                      _chorus_mping_client_session_flush  (ChorusMpingClientSession *self);

G_END_DECLS
