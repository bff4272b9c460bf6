/* chorus-ring-model.c: a list model that keeps only the newest items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-ring-model.h"

/*
 * A flood must not exhaust memory, so a receiver keeps its messages in a
 * ring: once full, each new item pushes out the oldest, and the model
 * counts what it dropped. Appends come in batches (one per socket drain)
 * and each batch is announced with at most two items-changed signals, so
 * a view does constant work per batch, not per datagram.
 */
struct _ChorusRingModel
{
  GObject parent_instance;

  GType item_type;
  gpointer *items;
  guint capacity;
  guint head;
  guint n_items;
  guint64 dropped;
};

static void chorus_ring_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChorusRingModel, chorus_ring_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chorus_ring_model_list_model_init))

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_CAPACITY,
  PROP_N_ITEMS,
  PROP_DROPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
chorus_ring_model_get_item_type (GListModel *model)
{
  return CHORUS_RING_MODEL (model)->item_type;
}

static guint
chorus_ring_model_get_n_items (GListModel *model)
{
  return CHORUS_RING_MODEL (model)->n_items;
}

static gpointer
chorus_ring_model_get_item (GListModel *model,
                            guint       position)
{
  ChorusRingModel *self = CHORUS_RING_MODEL (model);

  if (position >= self->n_items)
    return NULL;

  return g_object_ref (self->items[(self->head + position) % self->capacity]);
}

static void
chorus_ring_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chorus_ring_model_get_item_type;
  iface->get_n_items = chorus_ring_model_get_n_items;
  iface->get_item = chorus_ring_model_get_item;
}

/* Removes the n oldest items without telling anyone. */
static void
drop_oldest (ChorusRingModel *self,
             guint            n)
{
  g_assert (n <= self->n_items);

  for (guint i = 0; i < n; i++)
    {
      g_clear_object (&self->items[self->head]);
      self->head = (self->head + 1) % self->capacity;
    }

  self->n_items -= n;
}

static void
chorus_ring_model_finalize (GObject *object)
{
  ChorusRingModel *self = (ChorusRingModel *) object;

  drop_oldest (self, self->n_items);
  g_free (self->items);

  G_OBJECT_CLASS (chorus_ring_model_parent_class)->finalize (object);
}

static void
chorus_ring_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChorusRingModel *self = CHORUS_RING_MODEL (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, self->item_type);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_ring_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ChorusRingModel *self = CHORUS_RING_MODEL (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      self->item_type = g_value_get_gtype (value);
      break;
    case PROP_CAPACITY:
      chorus_ring_model_set_capacity (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_ring_model_class_init (ChorusRingModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chorus_ring_model_finalize;
  object_class->get_property = chorus_ring_model_get_property;
  object_class->set_property = chorus_ring_model_set_property;

  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_OBJECT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, CHORUS_RING_MODEL_MAX_CAPACITY, 1000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY
                       | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_ring_model_init (ChorusRingModel *self)
{
  self->item_type = G_TYPE_OBJECT;
}

/**
 * chorus_ring_model_new:
 * @item_type: the #GType of the items
 * @capacity: how many items to keep, at least 1
 */
ChorusRingModel *
chorus_ring_model_new (GType item_type,
                       guint capacity)
{
  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);
  g_return_val_if_fail (capacity > 0 && capacity <= CHORUS_RING_MODEL_MAX_CAPACITY, NULL);

  return g_object_new (CHORUS_TYPE_RING_MODEL,
                       "item-type", item_type,
                       "capacity", capacity,
                       NULL);
}

guint
chorus_ring_model_get_capacity (ChorusRingModel *self)
{
  g_return_val_if_fail (CHORUS_IS_RING_MODEL (self), 0);

  return self->capacity;
}

/**
 * chorus_ring_model_set_capacity:
 *
 * Changes how many items the ring keeps. Shrinking drops the oldest items
 * (and counts them as dropped).
 */
void
chorus_ring_model_set_capacity (ChorusRingModel *self,
                                guint            capacity)
{
  gpointer *items;
  guint removed = 0;

  g_return_if_fail (CHORUS_IS_RING_MODEL (self));
  g_return_if_fail (capacity > 0 && capacity <= CHORUS_RING_MODEL_MAX_CAPACITY);

  if (capacity == self->capacity)
    return;

  if (self->n_items > capacity)
    {
      removed = self->n_items - capacity;
      drop_oldest (self, removed);
      self->dropped += removed;
    }

  items = g_new0 (gpointer, capacity);
  for (guint i = 0; i < self->n_items; i++)
    items[i] = self->items[(self->head + i) % self->capacity];

  g_free (self->items);
  self->items = items;
  self->capacity = capacity;
  self->head = 0;

  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
}

/**
 * chorus_ring_model_get_dropped:
 *
 * Returns: how many items were pushed out since the model was made
 */
guint64
chorus_ring_model_get_dropped (ChorusRingModel *self)
{
  g_return_val_if_fail (CHORUS_IS_RING_MODEL (self), 0);

  return self->dropped;
}

/**
 * chorus_ring_model_append_many:
 * @items: (array length=n_items) (transfer none): the new items, oldest first
 *
 * Appends @items, pushing out the oldest when the ring is full.
 */
void
chorus_ring_model_append_many (ChorusRingModel *self,
                               gpointer        *items,
                               guint            n_items)
{
  guint skip = 0;
  guint removed = 0;
  guint added;

  g_return_if_fail (CHORUS_IS_RING_MODEL (self));
  g_return_if_fail (items != NULL || n_items == 0);

  if (n_items == 0)
    return;

  for (guint i = 0; i < n_items; i++)
    g_return_if_fail (g_type_is_a (G_OBJECT_TYPE (items[i]), self->item_type));

  /* Of a batch larger than the ring, only its tail can stay. */
  if (n_items > self->capacity)
    {
      skip = n_items - self->capacity;
      self->dropped += skip;
    }
  added = n_items - skip;

  if (self->n_items + added > self->capacity)
    {
      removed = self->n_items + added - self->capacity;
      drop_oldest (self, removed);
      self->dropped += removed;
      /* Said before the new items go in: a view that reads the model
       * while handling a change must find it as the change describes. */
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
    }

  for (guint i = skip; i < n_items; i++)
    {
      self->items[(self->head + self->n_items) % self->capacity] = g_object_ref (items[i]);
      self->n_items++;
    }

  g_list_model_items_changed (G_LIST_MODEL (self), self->n_items - added, 0, added);

  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (removed > 0 || skip > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
}

void
chorus_ring_model_append (ChorusRingModel *self,
                          gpointer         item)
{
  chorus_ring_model_append_many (self, &item, 1);
}

/**
 * chorus_ring_model_clear:
 *
 * Removes every item and resets the dropped count.
 */
void
chorus_ring_model_clear (ChorusRingModel *self)
{
  guint removed;

  g_return_if_fail (CHORUS_IS_RING_MODEL (self));

  removed = self->n_items;
  drop_oldest (self, removed);
  self->head = 0;

  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  if (self->dropped > 0)
    {
      self->dropped = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
    }
}
