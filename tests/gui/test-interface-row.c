/* test-interface-row.c: the interface chooser over this host's real
 * interfaces
 *
 * A synthetic interface list cannot be made, so these run over the one
 * the kernel gives: whatever the test's environment has (at least lo),
 * compared with what the list itself says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-interface-list.h"
#include "chorus-interface-row.h"
#include "gui-test-utils.h"

static gboolean
list_loaded (gpointer user_data)
{
  return chorus_interface_list_get_loaded (user_data);
}

static ChorusInterfaceList *
loaded_list (void)
{
  ChorusInterfaceList *list = chorus_interface_list_new ();

  g_assert_true (gui_test_wait (list_loaded, list, 5000));
  g_assert_null (chorus_interface_list_get_problem (list));

  return list;
}

static char *
choice_label (AdwComboRow *row,
              guint        position)
{
  g_autoptr(GObject) item = g_list_model_get_item (adw_combo_row_get_model (row), position);
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (item);
  g_assert_true (gtk_expression_evaluate (adw_combo_row_get_expression (row), item, &value));

  return g_value_dup_string (&value);
}

/* The multicast interfaces, in the list's order. */
static GPtrArray *
multicast_interfaces (ChorusInterfaceList *list)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      ChorusInterface *interface = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (chorus_interface_get_multicast (interface))
        g_ptr_array_add (found, interface);
      else
        g_object_unref (interface);
    }

  return found;
}

static void
test_choices (void)
{
  g_autoptr(ChorusInterfaceList) list = loaded_list ();
  g_autoptr(GPtrArray) multicast = multicast_interfaces (list);
  GtkWidget *row = g_object_ref_sink (chorus_interface_row_new ());
  AdwComboRow *combo = ADW_COMBO_ROW (row);
  g_autofree char *automatic = NULL;

  /* Without a list, there is only the routing table's choice. */
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (combo)), ==, 1);

  chorus_interface_row_set_interfaces (CHORUS_INTERFACE_ROW (row), list);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (combo)), ==,
                    1 + multicast->len);
  automatic = choice_label (combo, 0);
  g_assert_cmpstr (automatic, ==, "Automatic");
  g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 0);
  g_assert_cmpstr (chorus_interface_row_get_interface_name (CHORUS_INTERFACE_ROW (row)), ==, "");
  g_assert_cmpuint (chorus_interface_row_get_ifindex (CHORUS_INTERFACE_ROW (row)), ==, 0);

  for (guint i = 0; i < multicast->len; i++)
    {
      ChorusInterface *interface = g_ptr_array_index (multicast, i);
      g_autofree char *label = choice_label (combo, 1 + i);

      g_assert_cmpstr (label, ==, chorus_interface_get_label (interface));
    }

  /* Choosing one names it, and gives its index. */
  if (multicast->len > 0)
    {
      ChorusInterface *first = g_ptr_array_index (multicast, 0);

      adw_combo_row_set_selected (combo, 1);
      g_assert_cmpstr (chorus_interface_row_get_interface_name (CHORUS_INTERFACE_ROW (row)), ==,
                       chorus_interface_get_name (first));
      g_assert_cmpuint (chorus_interface_row_get_ifindex (CHORUS_INTERFACE_ROW (row)), ==,
                        chorus_interface_get_index (first));
      g_assert_true (chorus_interface_row_get_interface (CHORUS_INTERFACE_ROW (row)) == first);

      adw_combo_row_set_selected (combo, 0);
      g_assert_cmpstr (chorus_interface_row_get_interface_name (CHORUS_INTERFACE_ROW (row)), ==,
                       "");
      g_assert_cmpuint (chorus_interface_row_get_ifindex (CHORUS_INTERFACE_ROW (row)), ==, 0);
    }
  else
    {
      g_test_message ("no multicast interface here: choosing one is not tested");
    }

  g_object_unref (row);
}

/* A remembered interface that is not there is shown by name, as missing,
 * and stays the choice. */
static void
test_missing (void)
{
  g_autoptr(ChorusInterfaceList) list = loaded_list ();
  g_autoptr(GPtrArray) multicast = multicast_interfaces (list);
  GtkWidget *row = g_object_ref_sink (chorus_interface_row_new ());
  AdwComboRow *combo = ADW_COMBO_ROW (row);
  ChorusInterface *lo;
  g_autofree char *label = NULL;
  guint last = 1 + multicast->len;

  chorus_interface_row_set_interfaces (CHORUS_INTERFACE_ROW (row), list);
  chorus_interface_row_set_interface_name (CHORUS_INTERFACE_ROW (row), "chorus-gone9");

  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (combo)), ==, last + 1);
  g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, last);
  label = choice_label (combo, last);
  g_assert_cmpstr (label, ==, "chorus-gone9 (not present)");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "chorus-gone9 (not present)");
  g_assert_cmpstr (chorus_interface_row_get_interface_name (CHORUS_INTERFACE_ROW (row)), ==,
                   "chorus-gone9");
  g_assert_cmpuint (chorus_interface_row_get_ifindex (CHORUS_INTERFACE_ROW (row)), ==, 0);

  /* One that is there but cannot carry multicast says so. */
  lo = chorus_interface_list_lookup (list, "lo");
  if (lo != NULL && !chorus_interface_get_multicast (lo))
    {
      g_clear_pointer (&label, g_free);
      chorus_interface_row_set_interface_name (CHORUS_INTERFACE_ROW (row), "lo");
      label = choice_label (combo, last);
      g_assert_cmpstr (label, ==, "lo (no multicast)");
      g_assert_cmpuint (chorus_interface_row_get_ifindex (CHORUS_INTERFACE_ROW (row)), ==,
                        chorus_interface_get_index (lo));
    }

  /* Back to automatic: the missing one leaves the choices. */
  chorus_interface_row_set_interface_name (CHORUS_INTERFACE_ROW (row), "");
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (combo)), ==, last);
  g_assert_cmpuint (adw_combo_row_get_selected (combo), ==, 0);

  g_object_unref (row);
}

/* The pages remember their interface by name in the settings, and hand it
 * to their service. */
static void
test_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(ChorusInterfaceList) list = loaded_list ();
  GtkWidget *row = g_object_ref_sink (chorus_interface_row_new ());

  g_settings_bind (settings, "receive-interface", row, "interface-name", G_SETTINGS_BIND_DEFAULT);
  chorus_interface_row_set_interfaces (CHORUS_INTERFACE_ROW (row), list);

  g_settings_set_string (settings, "receive-interface", "chorus-gone9");
  g_assert_cmpstr (chorus_interface_row_get_interface_name (CHORUS_INTERFACE_ROW (row)), ==,
                   "chorus-gone9");
  /* The choices changing under it do not change it. */
  chorus_interface_row_set_interfaces (CHORUS_INTERFACE_ROW (row), NULL);
  chorus_interface_row_set_interfaces (CHORUS_INTERFACE_ROW (row), list);
  g_assert_cmpstr (g_settings_get_string (settings, "receive-interface"), ==, "chorus-gone9");

  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
  g_assert_cmpstr (g_settings_get_string (settings, "receive-interface"), ==, "");

  g_object_unref (row);
  g_settings_reset (settings, "receive-interface");
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/interface-row/choices", test_choices);
  g_test_add_func ("/interface-row/missing", test_missing);
  g_test_add_func ("/interface-row/remembered", test_remembered);

  return g_test_run ();
}
