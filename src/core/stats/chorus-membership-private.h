/* chorus-membership-private.h: what the receiver alone does to a membership
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-membership.h"

G_BEGIN_DECLS

ChorusMembership *_chorus_membership_new         (const char       *group);
void              _chorus_membership_set_joined  (ChorusMembership *self,
                                                  gboolean          joined);
void              _chorus_membership_set_problem (ChorusMembership *self,
                                                  const char       *problem);
/* Counts one message without a word; _flush() says what changed. */
void              _chorus_membership_count       (ChorusMembership *self);
void              _chorus_membership_flush       (ChorusMembership *self);

G_END_DECLS
