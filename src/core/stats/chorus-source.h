/* chorus-source.h: one prober a receiver hears, and how well
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-stats.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_SOURCE (chorus_source_get_type ())

G_DECLARE_FINAL_TYPE (ChorusSource, chorus_source, CHORUS, SOURCE, GObject)

const char              *chorus_source_get_address  (ChorusSource *self);
guint16                  chorus_source_get_port     (ChorusSource *self);
guint64                  chorus_source_get_session  (ChorusSource *self);
const ChorusSenderStats *chorus_source_get_stats    (ChorusSource *self);
double                   chorus_source_get_rate     (ChorusSource *self);
double                   chorus_source_get_loss     (ChorusSource *self);

G_END_DECLS
