/* test-probe-page.c: validation, settings and the responders view of the
 * Probe page
 *
 * These tests never start the sender: they run in the machine's own
 * network namespace, where nothing may be sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-probe-page.h"
#include "gui-test-utils.h"

#define CHILD(page, name) gui_test_child (GTK_WIDGET (page), CHORUS_TYPE_PROBE_PAGE, name)

static void
set_text (GtkWidget  *page,
          const char *row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (CHILD (page, row)), text);
}

static gboolean
has_error (GtkWidget  *page,
           const char *row)
{
  return gtk_widget_has_css_class (CHILD (page, row), "error");
}

static const char *
errors_text (GtkWidget *page)
{
  return gtk_label_get_text (GTK_LABEL (CHILD (page, "errors_label")));
}

static void
test_validation (void)
{
  GtkWidget *page = gui_test_window (chorus_probe_page_new ());
  GtkWidget *button = CHILD (page, "toggle_button");
  GtkWidget *interval_icon = CHILD (page, "interval_icon");

  /* Shown, as only then does an error open the timing row. */
  gtk_window_present (GTK_WINDOW (gtk_widget_get_root (page)));

  /* The defaults are valid, and probe until stopped. */
  g_assert_false (gtk_widget_get_visible (CHILD (page, "errors_label")));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "count_row"))), ==, "0");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (CHILD (page, "timing_row"))),
                   ==, "Every 1 s, until stopped");

  /* Too short an interval: marked inline, said under the form, and no
   * start. */
  set_text (page, "interval_row", "0.001");
  g_assert_true (has_error (page, "interval_row"));
  g_assert_true (gtk_widget_get_visible (interval_icon));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (interval_icon), "Interval"));
  g_assert_nonnull (strstr (errors_text (page), "Interval"));
  g_assert_false (gtk_widget_get_sensitive (button));
  /* The error is inside the timing row: it opens to show it. */
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (CHILD (page, "timing_row"))));

  set_text (page, "interval_row", "abc");
  g_assert_true (has_error (page, "interval_row"));
  g_assert_false (gtk_widget_get_sensitive (button));

  set_text (page, "interval_row", "0.01");
  g_assert_false (has_error (page, "interval_row"));
  g_assert_false (gtk_widget_get_visible (interval_icon));
  g_assert_true (gtk_widget_get_sensitive (button));

  /* A count of 0 probes until stopped; anything not a whole number is
   * refused. */
  set_text (page, "count_row", "0");
  g_assert_false (has_error (page, "count_row"));
  g_assert_true (gtk_widget_get_sensitive (button));
  set_text (page, "count_row", "-3");
  g_assert_true (has_error (page, "count_row"));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "count_row", "100");
  g_assert_false (has_error (page, "count_row"));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (CHILD (page, "timing_row"))),
                   ==, "Every 0.01 s, 100 probes");

  /* The spread is at most what receivers accept. */
  set_text (page, "spread_row", "11");
  g_assert_true (has_error (page, "spread_row"));
  g_assert_nonnull (strstr (errors_text (page), "Spread is at most 10 seconds"));
  set_text (page, "spread_row", "0.5");
  g_assert_false (has_error (page, "spread_row"));

  set_text (page, "wait_row", "-1");
  g_assert_true (has_error (page, "wait_row"));
  set_text (page, "wait_row", "2");

  /* The rows the Send page has too. */
  set_text (page, "group_row", "240.0.0.1");
  g_assert_true (has_error (page, "group_row"));
  g_assert_nonnull (strstr (errors_text (page), "240.0.0.1 is not a multicast address"));
  set_text (page, "group_row", "239.2.2.2");
  g_assert_false (has_error (page, "group_row"));
  set_text (page, "port_row", "0");
  g_assert_true (has_error (page, "port_row"));
  set_text (page, "port_row", "10000");
  set_text (page, "ttl_row", "300");
  g_assert_true (has_error (page, "ttl_row"));
  set_text (page, "ttl_row", "1");

  /* The message is optional. */
  set_text (page, "message_row", "");
  g_assert_false (has_error (page, "message_row"));
  g_assert_true (gtk_widget_get_sensitive (button));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    const char *keys[] = { "probe-group", "probe-port", "probe-ttl", "probe-message",
                           "probe-interval", "probe-count", "probe-spread", "probe-wait" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      g_settings_reset (settings, keys[i]);
  }
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *page;

  g_settings_set_string (settings, "probe-interval", "0.25");
  page = gui_test_window (chorus_probe_page_new ());
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "interval_row"))), ==,
                   "0.25");

  /* Kept as typed, even when not valid. */
  set_text (page, "count_row", "12x");
  g_assert_cmpstr (g_settings_get_string (settings, "probe-count"), ==, "12x");
  set_text (page, "group_row", "239.1.1.1");
  g_assert_cmpstr (g_settings_get_string (settings, "probe-group"), ==, "239.1.1.1");
  set_text (page, "message_row", "hello");
  g_assert_cmpstr (g_settings_get_string (settings, "probe-message"), ==, "hello");
  set_text (page, "spread_row", "0.2");
  g_assert_cmpstr (g_settings_get_string (settings, "probe-spread"), ==, "0.2");
  set_text (page, "wait_row", "3");
  g_assert_cmpstr (g_settings_get_string (settings, "probe-wait"), ==, "3");
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  page = gui_test_window (chorus_probe_page_new ());
  g_assert_true (has_error (page, "count_row"));
  g_assert_false (gtk_widget_get_sensitive (CHILD (page, "toggle_button")));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  {
    const char *keys[] = { "probe-group", "probe-message", "probe-interval", "probe-count",
                           "probe-spread", "probe-wait" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      g_settings_reset (settings, keys[i]);
  }
}

static void
test_empty_state (void)
{
  GtkWidget *page = gui_test_window (chorus_probe_page_new ());
  ChorusSender *sender = chorus_probe_page_get_sender (CHORUS_PROBE_PAGE (page));

  g_assert_true (chorus_sender_get_probe (sender));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (CHILD (page, "results_stack"))),
                   ==, "empty");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (CHILD (page, "status_label"))), ==,
                   "Not probing");

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/probe-page/validation", test_validation);
  g_test_add_func ("/probe-page/settings", test_settings);
  g_test_add_func ("/probe-page/empty-state", test_empty_state);

  return g_test_run ();
}
