/* chorus-ring-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The ring is allocated whole: keep it to a sane size. */
#define CHORUS_RING_MODEL_MAX_CAPACITY 1000000

#define CHORUS_TYPE_RING_MODEL (chorus_ring_model_get_type ())

G_DECLARE_FINAL_TYPE (ChorusRingModel, chorus_ring_model, CHORUS, RING_MODEL, GObject)

ChorusRingModel *chorus_ring_model_new          (GType            item_type,
                                                 guint            capacity);
guint            chorus_ring_model_get_capacity (ChorusRingModel *self);
void             chorus_ring_model_set_capacity (ChorusRingModel *self,
                                                 guint            capacity);
guint64          chorus_ring_model_get_dropped  (ChorusRingModel *self);
void             chorus_ring_model_append_many  (ChorusRingModel *self,
                                                 gpointer        *items,
                                                 guint            n_items);
void             chorus_ring_model_append       (ChorusRingModel *self,
                                                 gpointer         item);
void             chorus_ring_model_clear        (ChorusRingModel *self);

G_END_DECLS
