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
