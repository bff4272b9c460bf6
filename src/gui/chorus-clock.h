/* chorus-clock.h: a once-a-second clock that views can bind to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CHORUS_TYPE_CLOCK (chorus_clock_get_type ())

G_DECLARE_FINAL_TYPE (ChorusClock, chorus_clock, CHORUS, CLOCK, GObject)

ChorusClock *chorus_clock_get_default (void);
gint64       chorus_clock_get_now     (ChorusClock *self);
void         chorus_clock_hold        (ChorusClock *self);
void         chorus_clock_release     (ChorusClock *self);

G_END_DECLS
