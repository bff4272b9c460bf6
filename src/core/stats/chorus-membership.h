/* chorus-membership.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHORUS_TYPE_MEMBERSHIP (chorus_membership_get_type ())

G_DECLARE_FINAL_TYPE (ChorusMembership, chorus_membership, CHORUS, MEMBERSHIP, GObject)

const char *chorus_membership_get_group    (ChorusMembership *self);
gboolean    chorus_membership_get_joined   (ChorusMembership *self);
const char *chorus_membership_get_problem  (ChorusMembership *self);
guint64     chorus_membership_get_received (ChorusMembership *self);

G_END_DECLS
