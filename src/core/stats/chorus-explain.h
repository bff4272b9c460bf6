/* chorus-explain.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-address.h"

G_BEGIN_DECLS

/**
 * ChorusExplanation:
 *
 * What a multicast group is, in words: its scope, the block of the
 * address space it falls in, its well-known name if it has one, its
 * Ethernet address, and warnings a person can act on. Computed once from
 * the group alone, with no network access; immutable.
 */
typedef struct _ChorusExplanation ChorusExplanation;

ChorusExplanation  *chorus_explain                          (ChorusGroup       *group,
                                                             guint              mtu,
                                                             gsize              payload);
void                chorus_explanation_free                 (ChorusExplanation *self);
ChorusGroup        *chorus_explanation_get_group            (ChorusExplanation *self);
const char         *chorus_explanation_get_family           (ChorusExplanation *self);
ChorusScope         chorus_explanation_get_scope            (ChorusExplanation *self);
const char         *chorus_explanation_get_scope_text       (ChorusExplanation *self);
const char         *chorus_explanation_get_block            (ChorusExplanation *self);
const char         *chorus_explanation_get_name             (ChorusExplanation *self);
gboolean            chorus_explanation_is_source_specific   (ChorusExplanation *self);
const char         *chorus_explanation_get_mac              (ChorusExplanation *self);
char               *chorus_explanation_get_summary          (ChorusExplanation *self);
const char *const  *chorus_explanation_get_warnings         (ChorusExplanation *self);
const char *const  *chorus_explanation_get_notes            (ChorusExplanation *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusExplanation, chorus_explanation_free)

G_END_DECLS
