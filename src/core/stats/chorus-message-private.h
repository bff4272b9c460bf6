/* chorus-message-private.h: what the receiver alone needs of a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sys/socket.h>

#include "chorus-message.h"

G_BEGIN_DECLS

ChorusMessage *_chorus_message_new_native  (const struct sockaddr *from,
                                            gsize                  from_size,
                                            GBytes                *payload,
                                            gint64                 arrival_usec,
                                            int                    ttl,
                                            guint64                serial);

void           _chorus_message_set_group   (ChorusMessage         *self,
                                            const char            *group);
void           _chorus_message_set_address (ChorusMessage         *self,
                                            char                  *address);
void           _chorus_message_set_probe   (ChorusMessage         *self,
                                            guint64                session,
                                            guint32                seq);

G_END_DECLS
