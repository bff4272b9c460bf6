/* chorus-slot-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-ring-model.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_SLOT (chorus_slot_get_type ())

G_DECLARE_FINAL_TYPE (ChorusSlot, chorus_slot, CHORUS, SLOT, GObject)

gpointer         chorus_slot_get_item         (ChorusSlot      *self);
guint            chorus_slot_get_position     (ChorusSlot      *self);

#define CHORUS_TYPE_SLOT_MODEL (chorus_slot_model_get_type ())

G_DECLARE_FINAL_TYPE (ChorusSlotModel, chorus_slot_model, CHORUS, SLOT_MODEL, GObject)

ChorusSlotModel *chorus_slot_model_new        (ChorusRingModel *ring);
ChorusRingModel *chorus_slot_model_get_ring   (ChorusSlotModel *self);
gboolean         chorus_slot_model_get_frozen (ChorusSlotModel *self);
void             chorus_slot_model_set_frozen (ChorusSlotModel *self,
                                               gboolean         frozen);
void             chorus_slot_model_sync       (ChorusSlotModel *self);

G_END_DECLS
