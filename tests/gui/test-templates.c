/* test-templates.c: every .ui file in the resource builds
 *
 * gtk4-builder-tool cannot validate templates whose parent is a
 * libadwaita type or that name our own types, so these are checked by
 * building them, with every warning fatal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-application.h"
#include "chorus-receive-page.h"
#include "chorus-send-page.h"
#include "chorus-window.h"
#include "gui-test-utils.h"

static void
test_pages (void)
{
  GtkWidget *send = g_object_ref_sink (chorus_send_page_new ());
  GtkWidget *receive = g_object_ref_sink (chorus_receive_page_new ());

  g_assert_true (CHORUS_IS_SEND_PAGE (send));
  g_assert_true (CHORUS_IS_RECEIVE_PAGE (receive));

  g_object_unref (send);
  g_object_unref (receive);
}

static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/chorusapp/Chorus/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static void
on_activate (GApplication *app)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  ChorusWindow *window = chorus_window_new (CHORUS_APPLICATION (app));
  AdwViewStack *stack;

  g_assert_nonnull (gtk_widget_get_template_child (GTK_WIDGET (window), CHORUS_TYPE_WINDOW,
                                                   "toast_overlay"));
  stack = ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                         CHORUS_TYPE_WINDOW, "stack"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "send");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s",
                                             "receive"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "receive");

  /* The window's size persists. */
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (app);
}

static void
test_window (void)
{
  g_autoptr(ChorusApplication) app = chorus_application_new ();

  /* Run without a bus: the test only needs startup and activate. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/templates/pages", test_pages);
  g_test_add_func ("/templates/help-overlay", test_help_overlay);
  g_test_add_func ("/templates/window", test_window);

  return g_test_run ();
}
