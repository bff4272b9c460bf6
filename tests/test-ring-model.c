/* test-ring-model.c: the bounded list behind a receiver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-ring-model.h"

/* A mirror that only learns about the model through items-changed: if
 * the signals misdescribe a change, the mirror and the model disagree. */
typedef struct
{
  GPtrArray *items;
  guint n_signals;
} Mirror;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Mirror     *mirror)
{
  mirror->n_signals++;
  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  /* Views read the model while handling the signal (GtkListView does):
   * it must already be exactly as the signal describes, no further on. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, mirror->items->len - removed + added);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->items, position + i, g_list_model_get_item (model, position + i));
}

static void
assert_mirror (ChorusRingModel *model,
               Mirror          *mirror)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  g_assert_cmpuint (mirror->items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_true (item == g_ptr_array_index (mirror->items, i));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), n));
}

static GObject *
make_item (guint number)
{
  GObject *item = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (item, "number", GUINT_TO_POINTER (number));
  return item;
}

static guint
number_at (ChorusRingModel *model,
           guint            position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  return GPOINTER_TO_UINT (g_object_get_data (item, "number"));
}

static void
test_ring (void)
{
  g_autoptr(ChorusRingModel) model = chorus_ring_model_new (G_TYPE_OBJECT, 3);
  Mirror mirror = { g_ptr_array_new_with_free_func (g_object_unref), 0 };
  guint next = 1;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &mirror);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == G_TYPE_OBJECT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);

  /* Fill, then overflow one at a time. */
  for (; next <= 5; next++)
    {
      g_autoptr(GObject) item = make_item (next);
      chorus_ring_model_append (model, item);
      assert_mirror (model, &mirror);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_assert_cmpuint (chorus_ring_model_get_dropped (model), ==, 2);
  g_assert_cmpuint (number_at (model, 0), ==, 3);
  g_assert_cmpuint (number_at (model, 2), ==, 5);

  /* A batch larger than the ring: only its newest items stay. */
  {
    GObject *batch[7];

    for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
      batch[i] = make_item (next++);
    mirror.n_signals = 0;
    chorus_ring_model_append_many (model, (gpointer *) batch, G_N_ELEMENTS (batch));
    for (guint i = 0; i < G_N_ELEMENTS (batch); i++)
      g_object_unref (batch[i]);
  }
  assert_mirror (model, &mirror);
  g_assert_cmpuint (mirror.n_signals, <=, 2);
  g_assert_cmpuint (chorus_ring_model_get_dropped (model), ==, 2 + 3 + 4);
  g_assert_cmpuint (number_at (model, 0), ==, 10);
  g_assert_cmpuint (number_at (model, 2), ==, 12);

  /* Growing keeps everything, in order; shrinking drops the oldest. */
  chorus_ring_model_set_capacity (model, 5);
  assert_mirror (model, &mirror);
  {
    g_autoptr(GObject) item = make_item (next++);
    chorus_ring_model_append (model, item);
  }
  assert_mirror (model, &mirror);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  g_assert_cmpuint (number_at (model, 3), ==, 13);

  chorus_ring_model_set_capacity (model, 2);
  assert_mirror (model, &mirror);
  g_assert_cmpuint (number_at (model, 0), ==, 12);
  g_assert_cmpuint (number_at (model, 1), ==, 13);
  g_assert_cmpuint (chorus_ring_model_get_dropped (model), ==, 9 + 2);

  chorus_ring_model_clear (model);
  assert_mirror (model, &mirror);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (chorus_ring_model_get_dropped (model), ==, 0);

  g_signal_handlers_disconnect_by_data (model, &mirror);
  g_ptr_array_unref (mirror.items);
}

static void
test_ring_releases_items (void)
{
  g_autoptr(ChorusRingModel) model = chorus_ring_model_new (G_TYPE_OBJECT, 2);
  GObject *first = make_item (1);

  g_object_add_weak_pointer (first, (gpointer *) &first);
  chorus_ring_model_append (model, first);
  g_object_unref (first);
  g_assert_nonnull (first);

  for (guint i = 2; i <= 3; i++)
    {
      g_autoptr(GObject) item = make_item (i);
      chorus_ring_model_append (model, item);
    }

  /* Pushed out means freed: a flood cannot pile up memory. */
  g_assert_null (first);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ring-model/ring", test_ring);
  g_test_add_func ("/ring-model/releases-items", test_ring_releases_items);

  return g_test_run ();
}
