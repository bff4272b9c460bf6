/* gui-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gui-test-utils.h"

void
gui_test_init (int    *argc,
               char ***argv)
{
  /* A display is the one thing these tests cannot do without; the
   * wrapper provides one, and under CI its absence is a failure. */
  /* GTK's test accessibility backend keeps the accessible properties and
   * states for gtk_test_accessible_*() without an accessibility bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

/* Spins the main context until @predicate holds or @timeout_ms passes. */
gboolean
gui_test_wait (GuiTestPredicate predicate,
               gpointer         user_data,
               guint            timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!predicate (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

void
gui_test_collect (GtkWidget *widget,
                  GType      type,
                  GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gui_test_collect (child, type, found);
}

GtkWidget *
gui_test_child (GtkWidget  *widget,
                GType       template_type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, template_type, name);

  g_assert_nonnull (child);

  return GTK_WIDGET (child);
}

/* Puts @page in a window, unshown: actions reach the widgets that use
 * them through the hierarchy, as in the application. Returns @page. */
GtkWidget *
gui_test_window (GtkWidget *page)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), page);

  return page;
}

/* Whether @widget's own shortcut controllers have one for @keyval with
 * exactly @modifiers that did something: activates the first. */
static gboolean
activate_shortcut (GtkWidget       *widget,
                   guint            keyval,
                   GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (!GTK_IS_KEYVAL_TRIGGER (trigger)
              || gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) != keyval
              || gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) != modifiers)
            continue;

          if (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                            gtk_shortcut_get_arguments (shortcut)))
            return TRUE;
        }
    }

  return FALSE;
}

/* Presses @keyval with @modifiers as GTK delivers a shortcut that no
 * widget captures: to the widget with the focus in @widget's window (or
 * the window), then to each of its ancestors, until one's shortcut
 * does something. Xvfb has no keyboard to type on; the widgets' own
 * bindings are what this exercises. Returns whether one did. */
gboolean
gui_test_press (GtkWidget       *widget,
                guint            keyval,
                GdkModifierType  modifiers)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *target = gtk_root_get_focus (root);

  if (target == NULL)
    target = GTK_WIDGET (root);

  for (; target != NULL; target = gtk_widget_get_parent (target))
    {
      if (activate_shortcut (target, keyval, modifiers))
        return TRUE;
    }

  return FALSE;
}
