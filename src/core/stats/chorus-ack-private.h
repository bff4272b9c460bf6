/* chorus-ack-private.h: what the sender learns of an answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-ack.h"

G_BEGIN_DECLS

void _chorus_ack_set_answer (ChorusAck           *self,
                             gboolean             tagged,
                             int                  hops,
                             gboolean             hops_estimated,
                             gint64               hold_usec,
                             const char          *name,
                             gsize                name_size,
                             ChorusAnswerVerdict  verdict);

G_END_DECLS
