/* chorus-source-private.h: what the receiver feeds a source
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-source.h"

G_BEGIN_DECLS

ChorusSource        *_chorus_source_new   (const char   *address,
                                           guint16       port,
                                           guint64       session);
ChorusAnswerVerdict  _chorus_source_probe (ChorusSource *self,
                                           guint32       seq,
                                           int           ttl,
                                           gint64        arrival_usec);
gboolean             _chorus_source_flush (ChorusSource *self);

G_END_DECLS
