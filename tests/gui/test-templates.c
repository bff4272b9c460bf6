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

/* Adds the mnemonic keys of the labels under @widget to @keys, failing on
 * one already there: GTK would then only move the focus between the
 * widgets that share it, and activate none. */
static void
add_mnemonics (GtkWidget  *widget,
               GHashTable *keys)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  gui_test_collect (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (labels->pdata[i]));

      if (key == GDK_KEY_VoidSymbol)
        continue;

      g_test_message ("mnemonic %s in “%s”", gdk_keyval_name (key),
                      gtk_label_get_label (labels->pdata[i]));
      g_assert_false (g_hash_table_contains (keys, GUINT_TO_POINTER (key)));
      g_hash_table_add (keys, GUINT_TO_POINTER (key));
    }
}

/* The window's own widgets and those of each page, which are shown
 * together, have distinct mnemonics. */
static void
check_mnemonics (ChorusWindow *window)
{
  const char *const pages[] = { "send", "receive", "ping" };
  GtkWidget *stack = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                CHORUS_TYPE_WINDOW, "stack"));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GHashTable) keys = g_hash_table_new (NULL, NULL);
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      GtkWidget *page = adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack), pages[i]);

      add_mnemonics (page, keys);

      /* Everything outside the pages. */
      gui_test_collect (GTK_WIDGET (window), GTK_TYPE_LABEL, labels);
      for (guint j = 0; j < labels->len; j++)
        {
          GtkWidget *label = labels->pdata[j];
          guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (label)));

          if (key == GDK_KEY_VoidSymbol || gtk_widget_is_ancestor (label, stack))
            continue;

          g_test_message ("mnemonic %s in “%s”", gdk_keyval_name (key),
                          gtk_label_get_label (GTK_LABEL (label)));
          g_assert_false (g_hash_table_contains (keys, GUINT_TO_POINTER (key)));
          g_hash_table_add (keys, GUINT_TO_POINTER (key));
        }
    }
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
  check_mnemonics (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s",
                                             "receive"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "receive");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "ping"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "ping");

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
