/* chorus-slot-model.c: a ring of messages seen through stable slots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-slot-model.h"

/*
 * A list view keeps a row (a few widgets) for each item it shows, and
 * for a couple of hundred around them. Shown a ChorusRingModel under a
 * flood, it throws all of those rows away and makes new ones on every
 * update: every item it had is gone from the ring, every item it gets is
 * new. That costs tens of milliseconds a time.
 *
 * This model shows the ring through slots instead: one object per
 * position, which stays the item at that position for as long as the
 * view holds it; what changes is the slot's "item". A ring that is full
 * and keeps turning changes no item of this model, only what its slots
 * hold, so the view keeps its rows and only their text changes. The
 * model follows the ring once per main-loop pass, however many batches
 * the ring took in it, and says only that it grew or shrank at its end.
 *
 * Frozen, it stops following: each position keeps the message it had
 * (a position asked for afresh gets what the ring held there when the
 * model froze, or nothing if the ring has dropped it since), so that
 * someone reading older messages is not pulled along by new ones. A ring
 * that is cleared thaws it: there is nothing older left to read.
 */

struct _ChorusSlot
{
  GObject parent_instance;

  ChorusSlotModel *model;  /* not owned; NULL once the model is gone */
  guint position;
  GObject *item;
};

G_DEFINE_FINAL_TYPE (ChorusSlot, chorus_slot, G_TYPE_OBJECT)

enum {
  SLOT_PROP_0,
  SLOT_PROP_ITEM,
  SLOT_PROP_POSITION,
  SLOT_N_PROPS
};

static GParamSpec *slot_properties[SLOT_N_PROPS];

struct _ChorusSlotModel
{
  GObject parent_instance;

  ChorusRingModel *ring;
  guint n_items;
  gboolean frozen;
  guint64 dropped_at_freeze;
  /* Slots alive now, by position; each removes itself when finalized. */
  GHashTable *slots;
  guint sync_id;
};

static void chorus_slot_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChorusSlotModel, chorus_slot_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chorus_slot_model_list_model_init))

enum {
  PROP_0,
  PROP_RING,
  PROP_FROZEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Slots */

static void
chorus_slot_finalize (GObject *object)
{
  ChorusSlot *self = CHORUS_SLOT (object);

  if (self->model != NULL)
    g_hash_table_remove (self->model->slots, GUINT_TO_POINTER (self->position));
  g_clear_object (&self->item);

  G_OBJECT_CLASS (chorus_slot_parent_class)->finalize (object);
}

static void
chorus_slot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ChorusSlot *self = CHORUS_SLOT (object);

  switch (prop_id)
    {
    case SLOT_PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case SLOT_PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_slot_class_init (ChorusSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chorus_slot_finalize;
  object_class->get_property = chorus_slot_get_property;

  /**
   * ChorusSlot:item:
   *
   * What the slot holds now: an item of the ring, or %NULL (a position
   * past the end, or one whose item the ring dropped while frozen).
   */
  slot_properties[SLOT_PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  slot_properties[SLOT_PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SLOT_N_PROPS, slot_properties);
}

static void
chorus_slot_init (ChorusSlot *self)
{
}

static void
slot_set_item (ChorusSlot *self,
               GObject    *item)
{
  if (g_set_object (&self->item, item))
    g_object_notify_by_pspec (G_OBJECT (self), slot_properties[SLOT_PROP_ITEM]);
}

/**
 * chorus_slot_get_item:
 *
 * Returns: (transfer none) (nullable) (type GObject): what the slot holds now
 */
gpointer
chorus_slot_get_item (ChorusSlot *self)
{
  g_return_val_if_fail (CHORUS_IS_SLOT (self), NULL);

  return self->item;
}

guint
chorus_slot_get_position (ChorusSlot *self)
{
  g_return_val_if_fail (CHORUS_IS_SLOT (self), 0);

  return self->position;
}

/* The model */

/* What @position shows: the ring's item there; frozen, the item the ring
 * had there when the model froze, now further forward by what the ring
 * dropped since. (transfer full) */
static GObject *
item_for (ChorusSlotModel *self,
          guint            position)
{
  guint64 shift = 0;

  if (self->frozen)
    shift = chorus_ring_model_get_dropped (self->ring) - self->dropped_at_freeze;
  if (position < shift)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->ring), (guint) (position - shift));
}

static GType
chorus_slot_model_get_item_type (GListModel *model)
{
  return CHORUS_TYPE_SLOT;
}

static guint
chorus_slot_model_get_n_items (GListModel *model)
{
  return CHORUS_SLOT_MODEL (model)->n_items;
}

static gpointer
chorus_slot_model_get_item (GListModel *model,
                            guint       position)
{
  ChorusSlotModel *self = CHORUS_SLOT_MODEL (model);
  ChorusSlot *slot;

  if (position >= self->n_items)
    return NULL;

  slot = g_hash_table_lookup (self->slots, GUINT_TO_POINTER (position));
  if (slot != NULL)
    return g_object_ref (slot);

  slot = g_object_new (CHORUS_TYPE_SLOT, NULL);
  slot->model = self;
  slot->position = position;
  slot->item = item_for (self, position);
  g_hash_table_insert (self->slots, GUINT_TO_POINTER (position), slot);

  return slot;
}

static void
chorus_slot_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chorus_slot_model_get_item_type;
  iface->get_n_items = chorus_slot_model_get_n_items;
  iface->get_item = chorus_slot_model_get_item;
}

static gboolean
on_sync (gpointer user_data)
{
  ChorusSlotModel *self = user_data;

  self->sync_id = 0;
  chorus_slot_model_sync (self);

  return G_SOURCE_REMOVE;
}

static void
on_ring_changed (ChorusSlotModel *self,
                 guint            position,
                 guint            removed,
                 guint            added,
                 GListModel      *ring)
{
  /* Cleared (emptied, its dropped count started again): what a frozen
   * model held is gone for good, and there is nothing older to read; it
   * follows the ring again. */
  if (self->frozen
      && ((removed > 0 && g_list_model_get_n_items (ring) == 0)
          || chorus_ring_model_get_dropped (self->ring) < self->dropped_at_freeze))
    {
      chorus_slot_model_set_frozen (self, FALSE);
      return;
    }

  if (self->frozen || self->sync_id != 0)
    return;

  /* Before the next frame is laid out: drawing runs at lower priority. */
  self->sync_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_sync, self, NULL);
}

static void
chorus_slot_model_dispose (GObject *object)
{
  ChorusSlotModel *self = CHORUS_SLOT_MODEL (object);
  GHashTableIter iter;
  gpointer slot;

  g_clear_handle_id (&self->sync_id, g_source_remove);
  if (self->ring != NULL)
    g_signal_handlers_disconnect_by_func (self->ring, on_ring_changed, self);

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &slot))
    CHORUS_SLOT (slot)->model = NULL;
  g_hash_table_remove_all (self->slots);

  g_clear_object (&self->ring);

  G_OBJECT_CLASS (chorus_slot_model_parent_class)->dispose (object);
}

static void
chorus_slot_model_finalize (GObject *object)
{
  ChorusSlotModel *self = CHORUS_SLOT_MODEL (object);

  g_hash_table_unref (self->slots);

  G_OBJECT_CLASS (chorus_slot_model_parent_class)->finalize (object);
}

static void
chorus_slot_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChorusSlotModel *self = CHORUS_SLOT_MODEL (object);

  switch (prop_id)
    {
    case PROP_RING:
      g_value_set_object (value, self->ring);
      break;
    case PROP_FROZEN:
      g_value_set_boolean (value, self->frozen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_slot_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ChorusSlotModel *self = CHORUS_SLOT_MODEL (object);

  switch (prop_id)
    {
    case PROP_RING:
      self->ring = g_value_dup_object (value);
      break;
    case PROP_FROZEN:
      chorus_slot_model_set_frozen (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_slot_model_constructed (GObject *object)
{
  ChorusSlotModel *self = CHORUS_SLOT_MODEL (object);

  G_OBJECT_CLASS (chorus_slot_model_parent_class)->constructed (object);

  g_return_if_fail (CHORUS_IS_RING_MODEL (self->ring));

  self->n_items = g_list_model_get_n_items (G_LIST_MODEL (self->ring));
  g_signal_connect_swapped (self->ring, "items-changed", G_CALLBACK (on_ring_changed), self);
}

static void
chorus_slot_model_class_init (ChorusSlotModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = chorus_slot_model_constructed;
  object_class->dispose = chorus_slot_model_dispose;
  object_class->finalize = chorus_slot_model_finalize;
  object_class->get_property = chorus_slot_model_get_property;
  object_class->set_property = chorus_slot_model_set_property;

  properties[PROP_RING] =
    g_param_spec_object ("ring", NULL, NULL, CHORUS_TYPE_RING_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * ChorusSlotModel:frozen:
   *
   * Whether the model has stopped following its ring.
   */
  properties[PROP_FROZEN] =
    g_param_spec_boolean ("frozen", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_slot_model_init (ChorusSlotModel *self)
{
  self->slots = g_hash_table_new (g_direct_hash, g_direct_equal);
}

ChorusSlotModel *
chorus_slot_model_new (ChorusRingModel *ring)
{
  g_return_val_if_fail (CHORUS_IS_RING_MODEL (ring), NULL);

  return g_object_new (CHORUS_TYPE_SLOT_MODEL, "ring", ring, NULL);
}

ChorusRingModel *
chorus_slot_model_get_ring (ChorusSlotModel *self)
{
  g_return_val_if_fail (CHORUS_IS_SLOT_MODEL (self), NULL);

  return self->ring;
}

gboolean
chorus_slot_model_get_frozen (ChorusSlotModel *self)
{
  g_return_val_if_fail (CHORUS_IS_SLOT_MODEL (self), FALSE);

  return self->frozen;
}

/**
 * chorus_slot_model_set_frozen:
 *
 * Frozen, the model keeps showing what it shows now; thawed, it shows
 * the ring as it is at once and follows it again.
 */
void
chorus_slot_model_set_frozen (ChorusSlotModel *self,
                              gboolean         frozen)
{
  g_return_if_fail (CHORUS_IS_SLOT_MODEL (self));

  frozen = !!frozen;
  if (self->frozen == frozen)
    return;

  if (frozen)
    {
      /* Frozen on what it shows, the ring's latest changes included. */
      chorus_slot_model_sync (self);
      self->frozen = TRUE;
      self->dropped_at_freeze = chorus_ring_model_get_dropped (self->ring);
    }
  else
    {
      self->frozen = FALSE;
      chorus_slot_model_sync (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROZEN]);
}

/**
 * chorus_slot_model_sync:
 *
 * Brings the model up to its ring now, rather than at the next idle
 * moment of the main loop; nothing while frozen. Each slot alive gets
 * the ring's item at its position; the model then says it grew or
 * shrank at its end, if it did.
 */
void
chorus_slot_model_sync (ChorusSlotModel *self)
{
  GHashTableIter iter;
  gpointer slot;
  guint old_n, new_n;

  g_return_if_fail (CHORUS_IS_SLOT_MODEL (self));

  g_clear_handle_id (&self->sync_id, g_source_remove);
  if (self->frozen)
    return;

  old_n = self->n_items;
  new_n = g_list_model_get_n_items (G_LIST_MODEL (self->ring));
  self->n_items = new_n;

  /* Notifying may run code that drops slots: each is looked at first. */
  {
    g_autoptr(GPtrArray) alive = g_ptr_array_new_with_free_func (g_object_unref);

    g_hash_table_iter_init (&iter, self->slots);
    while (g_hash_table_iter_next (&iter, NULL, &slot))
      g_ptr_array_add (alive, g_object_ref (slot));

    for (guint i = 0; i < alive->len; i++)
      {
        ChorusSlot *each = alive->pdata[i];
        g_autoptr(GObject) item = each->position < new_n ? item_for (self, each->position) : NULL;

        slot_set_item (each, item);
      }
  }

  if (new_n > old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
  else if (new_n < old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
}
