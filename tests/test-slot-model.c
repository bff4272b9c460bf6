/* test-slot-model.c: a ring seen through stable slots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-slot-model.h"

/* What the model said, in order: "position,removed,added" each. */
typedef struct
{
  GString *changes;
  guint n_notified;
} Log;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Log        *log)
{
  g_string_append_printf (log->changes, "%s%u,%u,%u", log->changes->len > 0 ? " " : "",
                          position, removed, added);
}

static void
on_item_notify (GObject    *slot,
                GParamSpec *pspec,
                Log        *log)
{
  log->n_notified++;
}

/* Items of the ring: numbered objects. */
static GObject *
item_new (guint n)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (item, "n", GUINT_TO_POINTER (n));
  return item;
}

static void
append (ChorusRingModel *ring,
        guint            first,
        guint            count)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < count; i++)
    g_ptr_array_add (items, item_new (first + i));
  chorus_ring_model_append_many (ring, items->pdata, items->len);
}

/* The number of what @slot holds, 0 for nothing. */
static guint
number (ChorusSlot *slot)
{
  GObject *item = chorus_slot_get_item (slot);

  return item != NULL ? GPOINTER_TO_UINT (g_object_get_data (item, "n")) : 0;
}

static ChorusSlot *
slot_at (ChorusSlotModel *model,
         guint            position)
{
  return g_list_model_get_item (G_LIST_MODEL (model), position);
}

static void
test_follows (void)
{
  g_autoptr(ChorusRingModel) ring = chorus_ring_model_new (G_TYPE_OBJECT, 5);
  g_autoptr(ChorusSlotModel) model = chorus_slot_model_new (ring);
  g_autoptr(ChorusSlot) first = NULL;
  g_autoptr(ChorusSlot) last = NULL;
  g_autoptr(ChorusSlot) again = NULL;
  Log log = { g_string_new (NULL), 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &log);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == CHORUS_TYPE_SLOT);

  /* Growth, said once the model syncs. */
  append (ring, 1, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  chorus_slot_model_sync (model);
  g_assert_cmpstr (log.changes->str, ==, "0,0,3");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 3));

  first = slot_at (model, 0);
  last = slot_at (model, 2);
  g_assert_cmpuint (number (first), ==, 1);
  g_assert_cmpuint (number (last), ==, 3);
  g_assert_cmpuint (chorus_slot_get_position (last), ==, 2);
  /* The same slot for the same position while it lives. */
  again = slot_at (model, 2);
  g_assert_true (again == last);

  g_signal_connect (first, "notify::item", G_CALLBACK (on_item_notify), &log);
  g_signal_connect (last, "notify::item", G_CALLBACK (on_item_notify), &log);

  /* Two batches, the second turning the full ring: one change, growth
   * to 5 only; the slots now hold what the ring holds there. */
  g_string_truncate (log.changes, 0);
  append (ring, 4, 2);
  append (ring, 6, 3);
  chorus_slot_model_sync (model);
  g_assert_cmpstr (log.changes->str, ==, "3,0,2");
  g_assert_cmpuint (number (first), ==, 4);
  g_assert_cmpuint (number (last), ==, 6);
  g_assert_cmpuint (log.n_notified, ==, 2);

  /* A full ring that keeps turning: no change of the model at all. */
  g_string_truncate (log.changes, 0);
  for (guint i = 0; i < 10; i++)
    {
      append (ring, 100 + 10 * i, 7);
      chorus_slot_model_sync (model);
    }
  g_assert_cmpstr (log.changes->str, ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 5);
  g_assert_cmpuint (number (first), ==, 192);
  g_assert_cmpuint (number (last), ==, 194);

  /* A sync with nothing new notifies nothing. */
  log.n_notified = 0;
  chorus_slot_model_sync (model);
  g_assert_cmpuint (log.n_notified, ==, 0);

  /* Cleared: shrinks to nothing, and the slots hold nothing. */
  chorus_ring_model_clear (ring);
  chorus_slot_model_sync (model);
  g_assert_cmpstr (log.changes->str, ==, "0,5,0");
  g_assert_cmpuint (number (first), ==, 0);

  /* Grown again: a slot kept from before holds its new item. */
  append (ring, 500, 3);
  chorus_slot_model_sync (model);
  g_assert_cmpuint (number (last), ==, 502);

  g_string_free (log.changes, TRUE);
}

static void
test_frozen (void)
{
  g_autoptr(ChorusRingModel) ring = chorus_ring_model_new (G_TYPE_OBJECT, 6);
  g_autoptr(ChorusSlotModel) model = chorus_slot_model_new (ring);
  g_autoptr(ChorusSlot) held = NULL;
  Log log = { g_string_new (NULL), 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &log);

  append (ring, 1, 4);
  /* Frozen on what it shows, the latest batch included. */
  chorus_slot_model_set_frozen (model, TRUE);
  g_assert_true (chorus_slot_model_get_frozen (model));
  g_assert_cmpstr (log.changes->str, ==, "0,0,4");
  held = slot_at (model, 3);
  g_assert_cmpuint (number (held), ==, 4);

  /* The ring fills and turns: nothing moves. */
  g_string_truncate (log.changes, 0);
  append (ring, 5, 5);
  chorus_slot_model_sync (model);
  g_assert_cmpstr (log.changes->str, ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  g_assert_cmpuint (number (held), ==, 4);

  /* A position asked for afresh shows what it showed at the freeze, or
   * nothing where the ring has dropped that: 3 were dropped, so 1 to 3
   * are gone and position 3 would be 4 (the held slot's). */
  {
    g_autoptr(ChorusSlot) gone = slot_at (model, 1);
    g_autoptr(ChorusSlot) kept = slot_at (model, 2);

    g_assert_cmpuint (number (gone), ==, 0);
    g_assert_cmpuint (number (kept), ==, 0);
  }
  g_clear_object (&held);
  held = slot_at (model, 3);
  g_assert_cmpuint (number (held), ==, 4);

  /* Thawed: the ring as it is, at once. */
  chorus_slot_model_set_frozen (model, FALSE);
  g_assert_cmpstr (log.changes->str, ==, "4,0,2");
  g_assert_cmpuint (number (held), ==, 7);

  /* Frozen, then cleared: what it held is gone, and it follows the ring
   * again, new messages included. */
  chorus_slot_model_set_frozen (model, TRUE);
  g_string_truncate (log.changes, 0);
  chorus_ring_model_clear (ring);
  g_assert_cmpstr (log.changes->str, ==, "0,6,0");
  g_assert_false (chorus_slot_model_get_frozen (model));
  g_assert_cmpuint (number (held), ==, 0);
  append (ring, 50, 4);
  chorus_slot_model_sync (model);
  g_assert_cmpstr (log.changes->str, ==, "0,6,0 0,0,4");
  g_assert_cmpuint (number (held), ==, 53);

  g_string_free (log.changes, TRUE);
}

static gboolean
quit_later (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
test_idle (void)
{
  g_autoptr(ChorusRingModel) ring = chorus_ring_model_new (G_TYPE_OBJECT, 10);
  g_autoptr(ChorusSlotModel) model = chorus_slot_model_new (ring);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Log log = { g_string_new (NULL), 0 };

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &log);

  /* Any number of batches in one pass of the main loop: one change. */
  append (ring, 1, 2);
  append (ring, 3, 2);
  append (ring, 5, 2);
  g_assert_cmpstr (log.changes->str, ==, "");
  g_idle_add (quit_later, loop);
  g_main_loop_run (loop);
  g_assert_cmpstr (log.changes->str, ==, "0,0,6");

  /* Dropped with changes pending: nothing runs later. */
  append (ring, 7, 2);
  g_clear_object (&model);
  g_idle_add (quit_later, loop);
  g_main_loop_run (loop);
  g_assert_cmpstr (log.changes->str, ==, "0,0,6");

  g_string_free (log.changes, TRUE);
}

static void
test_slot_outlives_model (void)
{
  g_autoptr(ChorusRingModel) ring = chorus_ring_model_new (G_TYPE_OBJECT, 3);
  ChorusSlotModel *model = chorus_slot_model_new (ring);
  g_autoptr(ChorusSlot) slot = NULL;

  append (ring, 1, 3);
  chorus_slot_model_sync (model);
  slot = slot_at (model, 1);
  g_object_unref (model);

  /* It keeps what it had, and goes without touching the model. */
  g_assert_cmpuint (number (slot), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slot-model/follows", test_follows);
  g_test_add_func ("/slot-model/frozen", test_frozen);
  g_test_add_func ("/slot-model/idle", test_idle);
  g_test_add_func ("/slot-model/slot-outlives-model", test_slot_outlives_model);

  return g_test_run ();
}
