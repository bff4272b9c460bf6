/* test-window.c: the sidebar of activities, its keys and what it keeps
 *
 * The window's pages are never started here: Ctrl+Enter is checked on
 * pages whose interface does not exist, so that starting fails before
 * any socket opens, with the reason on the page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-activity-row.h"
#include "chorus-probe-page.h"
#include "chorus-send-page.h"
#include "chorus-window.h"
#include "gui-test-utils.h"

#define CHILD(window, name) gui_test_child (GTK_WIDGET (window), CHORUS_TYPE_WINDOW, name)

static const struct
{
  const char *page;
  const char *title;
  const char *section;
} activities[] = {
  { "send", "Send", "Test" },
  { "probe", "Probe", "Test" },
  { "receive", "Receive", "Listen" },
  { "ping", "Ping", "Network" },
};

static gboolean
is_sized (gpointer user_data)
{
  return gtk_widget_get_mapped (user_data) && gtk_widget_get_width (user_data) > 0;
}

/* A window of @width pixels, shown. */
static GtkWidget *
present_window (int width)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window;

  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", 720);
  window = g_object_new (CHORUS_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_test_wait (is_sized, window, 5000));

  return window;
}

static const char *
visible_page (GtkWidget *window)
{
  return adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (CHILD (window, "stack")));
}

static GtkWidget *
row_at (GtkWidget *window,
        int        index)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (CHILD (window, "sidebar_list")),
                                                    index));
}

/* Whether the keyboard focus is inside the page @name. */
static gboolean
focus_in_page (GtkWidget  *window,
               const char *name)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (ADW_VIEW_STACK (CHILD (window, "stack")),
                                                      name);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && gtk_widget_is_ancestor (focus, page);
}

static void
test_sidebar (void)
{
  GtkWidget *window = present_window (1024);
  GtkWidget *stack = CHILD (window, "stack");

  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    {
      GtkWidget *row = row_at (window, i);
      GtkWidget *header;

      g_assert_true (CHORUS_IS_ACTIVITY_ROW (row));
      g_assert_cmpstr (chorus_activity_row_get_page_name (CHORUS_ACTIVITY_ROW (row)), ==,
                       activities[i].page);
      g_assert_cmpstr (chorus_activity_row_get_title (CHORUS_ACTIVITY_ROW (row)), ==,
                       activities[i].title);
      g_assert_cmpstr (chorus_activity_row_get_section (CHORUS_ACTIVITY_ROW (row)), ==,
                       activities[i].section);
      g_assert_nonnull (adw_view_stack_get_child_by_name (ADW_VIEW_STACK (stack),
                                                          activities[i].page));
      gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                           activities[i].title);

      /* A heading above the first row of each section, and only there. */
      header = gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (row));
      if (i == 0 || strcmp (activities[i].section, activities[i - 1].section) != 0)
        {
          g_assert_true (GTK_IS_LABEL (header));
          g_assert_true (gtk_widget_get_visible (header));
          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (header)), ==, activities[i].section);
        }
      else
        {
          g_assert_null (header);
        }
    }
  g_assert_null (row_at (window, G_N_ELEMENTS (activities)));

  /* Wide, the list and the page side by side. */
  g_assert_false (adw_leaflet_get_folded (ADW_LEAFLET (CHILD (window, "leaflet"))));
  g_assert_true (gtk_widget_get_mapped (CHILD (window, "sidebar_list")));
  g_assert_true (gtk_widget_get_mapped (CHILD (window, "stack")));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Alt+N shows the Nth activity and takes the focus off the list into
 * its page. */
static void
test_alt_n (void)
{
  GtkWidget *window = present_window (1024);
  GtkListBox *list = GTK_LIST_BOX (CHILD (window, "sidebar_list"));

  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    {
      gtk_widget_grab_focus (row_at (window, 0));
      g_assert_true (gui_test_press (window, GDK_KEY_1 + i, GDK_ALT_MASK));
      g_assert_cmpstr (visible_page (window), ==, activities[i].page);
      g_assert_true (gtk_list_box_get_selected_row (list) == GTK_LIST_BOX_ROW (row_at (window, i)));
      g_assert_true (focus_in_page (window, activities[i].page));
      g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (CHILD (window,
                                                                            "content_title"))),
                       ==, activities[i].title);
    }

  /* Again from inside a page, to another. */
  g_assert_true (gui_test_press (window, GDK_KEY_2, GDK_ALT_MASK));
  g_assert_cmpstr (visible_page (window), ==, "probe");
  g_assert_true (focus_in_page (window, "probe"));

  /* No ninth activity: nothing changes. */
  gui_test_press (window, GDK_KEY_9, GDK_ALT_MASK);
  g_assert_cmpstr (visible_page (window), ==, "probe");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_folded (gpointer user_data)
{
  return adw_leaflet_get_folded (user_data);
}

/* Narrow, the list alone; an activity shows its page over it, and back
 * returns to the list. */
static void
test_folded (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window;
  AdwLeaflet *leaflet;

  g_settings_set_string (settings, "last-activity", "send");
  window = present_window (360);
  leaflet = ADW_LEAFLET (CHILD (window, "leaflet"));
  g_assert_true (gui_test_wait (is_folded, leaflet, 5000));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "sidebar"));

  g_assert_true (gui_test_press (window, GDK_KEY_3, GDK_ALT_MASK));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "content"));
  g_assert_cmpstr (visible_page (window), ==, "receive");
  g_assert_true (focus_in_page (window, "receive"));

  g_assert_true (gtk_widget_activate_action (window, "win.back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "sidebar"));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == row_at (window, 2));

  /* A click or Enter on a row, as the list box activates it. */
  gtk_widget_activate (row_at (window, 1));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "content"));
  g_assert_cmpstr (visible_page (window), ==, "probe");
  g_assert_true (focus_in_page (window, "probe"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_restore (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window;

  g_settings_set_string (settings, "last-activity", "ping");
  window = present_window (1024);
  g_assert_cmpstr (visible_page (window), ==, "ping");
  g_assert_true (gtk_list_box_get_selected_row (GTK_LIST_BOX (CHILD (window, "sidebar_list")))
                 == GTK_LIST_BOX_ROW (row_at (window, 3)));

  /* Whatever shows an activity keeps it. */
  g_assert_true (gtk_widget_activate_action (window, "win.show-page", "s", "probe"));
  g_assert_cmpstr (g_settings_get_string (settings, "last-activity"), ==, "probe");
  gtk_list_box_select_row (GTK_LIST_BOX (CHILD (window, "sidebar_list")),
                           GTK_LIST_BOX_ROW (row_at (window, 2)));
  g_assert_cmpstr (visible_page (window), ==, "receive");
  g_assert_cmpstr (g_settings_get_string (settings, "last-activity"), ==, "receive");
  gtk_window_destroy (GTK_WINDOW (window));

  window = present_window (1024);
  g_assert_cmpstr (visible_page (window), ==, "receive");
  gtk_window_destroy (GTK_WINDOW (window));

  /* An activity there is no longer: the first. */
  g_settings_set_string (settings, "last-activity", "gone");
  window = present_window (1024);
  g_assert_cmpstr (visible_page (window), ==, "send");
  gtk_window_destroy (GTK_WINDOW (window));
}

static const char *
probe_status (GtkWidget *window)
{
  GtkWidget *label = gui_test_child (CHILD (window, "probe_page"), CHORUS_TYPE_PROBE_PAGE,
                                     "status_label");

  return gtk_widget_has_css_class (label, "error") ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

/* Ctrl+Enter starts the page shown, with the focus on the sidebar or
 * nowhere: here the start fails on the missing interface, before any
 * socket opens, and the page says so. */
static void
test_start_stop (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window;
  GtkWidget *send_page;
  GtkWidget *failure;

  g_settings_set_string (settings, "last-activity", "send");
  g_settings_set_string (settings, "send-interface", "chorus-gone9");
  g_settings_set_string (settings, "probe-interface", "chorus-gone9");
  window = present_window (1024);
  send_page = CHILD (window, "send_page");
  failure = gui_test_child (send_page, CHORUS_TYPE_SEND_PAGE, "failure_label");
  g_assert_false (gtk_widget_get_visible (failure));

  /* From the sidebar, after a click on it. */
  gtk_widget_grab_focus (row_at (window, 0));
  g_assert_true (gui_test_press (window, GDK_KEY_Return, GDK_CONTROL_MASK));
  g_assert_true (gtk_widget_get_visible (failure));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (failure)), "“chorus-gone9”"));
  g_assert_false (chorus_sender_get_running (
    chorus_send_page_get_sender (CHORUS_SEND_PAGE (send_page))));
  /* Only the page shown. */
  g_assert_cmpstr (probe_status (window), ==, "");

  /* With the focus nowhere, as after the menu or the About window, on
   * the page shown now. */
  g_assert_true (gtk_widget_activate_action (window, "win.show-page", "s", "probe"));
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  g_assert_true (gui_test_press (window, GDK_KEY_KP_Enter, GDK_CONTROL_MASK));
  g_assert_nonnull (strstr (probe_status (window), "“chorus-gone9”"));
  g_assert_false (chorus_sender_get_running (
    chorus_probe_page_get_sender (CHORUS_PROBE_PAGE (CHILD (window, "probe_page")))));

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "send-interface");
  g_settings_reset (settings, "probe-interface");
}

/* A dot on the row of what runs, said to assistive technologies. */
static void
test_running (void)
{
  GtkWidget *window = present_window (1024);
  ChorusActivityRow *row = CHORUS_ACTIVITY_ROW (row_at (window, 2));
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  GtkWidget *dot = NULL;

  gui_test_collect (GTK_WIDGET (row), GTK_TYPE_IMAGE, images);
  for (guint i = 0; i < images->len; i++)
    if (g_strcmp0 (gtk_image_get_icon_name (images->pdata[i]), "media-record-symbolic") == 0)
      dot = images->pdata[i];
  g_assert_nonnull (dot);

  /* Nothing runs in a new window: no dot, no header indicator. */
  for (guint i = 0; i < G_N_ELEMENTS (activities); i++)
    g_assert_false (chorus_activity_row_get_running (CHORUS_ACTIVITY_ROW (row_at (window, i))));
  g_assert_false (gtk_widget_get_visible (dot));
  g_assert_false (gtk_widget_get_visible (CHILD (window, "serving_button")));
  g_assert_false (gtk_widget_get_visible (CHILD (window, "sidebar_serving_button")));
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  chorus_activity_row_set_running (row, TRUE);
  g_assert_true (gtk_widget_get_visible (dot));
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Running");
  chorus_activity_row_set_running (row, FALSE);
  g_assert_false (gtk_widget_get_visible (dot));
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (row),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/window/sidebar", test_sidebar);
  g_test_add_func ("/window/alt-n", test_alt_n);
  g_test_add_func ("/window/folded", test_folded);
  g_test_add_func ("/window/restore", test_restore);
  g_test_add_func ("/window/start-stop", test_start_stop);
  g_test_add_func ("/window/running", test_running);

  return g_test_run ();
}
