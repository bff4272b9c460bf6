/* test-ping-page.c: validation, settings and the empty state of the Ping
 * page
 *
 * These tests never start the client or the server: they run in the
 * machine's own network namespace, where nothing may be sent or joined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-ping-page-private.h"
#include "chorus-rtt-chart.h"
#include "gui-test-utils.h"

#define CHILD(page, name) gui_test_child (GTK_WIDGET (page), CHORUS_TYPE_PING_PAGE, name)

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

static const char *
label_text (GtkWidget  *page,
            const char *name)
{
  return gtk_label_get_text (GTK_LABEL (CHILD (page, name)));
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *keys[] = { "ping-server", "ping-group", "ping-interface", "ping-count",
                         "ping-interval", "ping-wait" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static void
test_validation (void)
{
  GtkWidget *page = gui_test_window (chorus_ping_page_new ());
  GtkWidget *button = CHILD (page, "toggle_button");

  gtk_window_present (GTK_WINDOW (gtk_widget_get_root (page)));

  /* No server yet: nothing marked, but nothing to start either. */
  g_assert_false (has_error (page, "server_row"));
  g_assert_false (gtk_widget_get_visible (CHILD (page, "errors_label")));
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (label_text (page, "group_help_label"), "232.43.211.234"));
  g_assert_nonnull (strstr (label_text (page, "group_help_label"), "ff3e::4321:1234"));

  /* Not an address, a group, a broadcast: marked, said, no start. */
  set_text (page, "server_row", "server.example");
  g_assert_true (has_error (page, "server_row"));
  g_assert_nonnull (strstr (errors_text (page), "is not an IP address"));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "server_row", "232.1.1.1");
  g_assert_true (has_error (page, "server_row"));
  g_assert_nonnull (strstr (errors_text (page), "cannot be a server"));
  set_text (page, "server_row", "fe80::1");
  g_assert_true (has_error (page, "server_row"));
  g_assert_nonnull (strstr (errors_text (page), "link-local"));
  set_text (page, "server_row", "fe80::1%no-such-interface0");
  g_assert_true (has_error (page, "server_row"));
  g_assert_false (gtk_widget_get_sensitive (button));

  /* An address of either family, with a zone for a link-local one. */
  set_text (page, "server_row", "192.0.2.1");
  g_assert_false (has_error (page, "server_row"));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (label_text (page, "group_help_label"), "232.43.211.234"));
  g_assert_null (strstr (label_text (page, "group_help_label"), "ff3e"));
  set_text (page, "server_row", "fe80::1%lo");
  g_assert_false (has_error (page, "server_row"));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (label_text (page, "group_help_label"), "ff3e::4321:1234"));
  set_text (page, "server_row", "2001:db8::1");
  g_assert_false (has_error (page, "server_row"));

  /* The group is optional; when given, a multicast group of the
   * server's family. */
  set_text (page, "group_row", "239.1.1.1");
  g_assert_true (has_error (page, "group_row"));
  g_assert_nonnull (strstr (errors_text (page), "IPv4 group and the server an IPv6 address"));
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_false (gtk_widget_get_visible (CHILD (page, "group_help_label")));
  set_text (page, "server_row", "192.0.2.1");
  g_assert_false (has_error (page, "group_row"));
  g_assert_true (gtk_widget_get_sensitive (button));
  set_text (page, "group_row", "192.0.2.7");
  g_assert_true (has_error (page, "group_row"));
  g_assert_nonnull (strstr (errors_text (page), "not a multicast address"));
  set_text (page, "group_row", "");
  g_assert_false (has_error (page, "group_row"));
  g_assert_true (gtk_widget_get_visible (CHILD (page, "group_help_label")));

  /* The timing, as on the Probe page. */
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (CHILD (page, "timing_row"))),
                   ==, "Every 1 s, until stopped");
  set_text (page, "interval_row", "0.001");
  g_assert_true (has_error (page, "interval_row"));
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (CHILD (page, "timing_row"))));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "interval_row", "0.5");
  set_text (page, "count_row", "x");
  g_assert_true (has_error (page, "count_row"));
  set_text (page, "count_row", "10");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (CHILD (page, "timing_row"))),
                   ==, "Every 0.5 s, 10 queries");
  set_text (page, "wait_row", "-1");
  g_assert_true (has_error (page, "wait_row"));
  set_text (page, "wait_row", "2");
  g_assert_false (has_error (page, "wait_row"));
  g_assert_true (gtk_widget_get_sensitive (button));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
  reset_settings ();
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *page;

  g_settings_set_string (settings, "ping-server", "10.77.0.2");
  page = gui_test_window (chorus_ping_page_new ());
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "server_row"))), ==,
                   "10.77.0.2");
  g_assert_true (gtk_widget_get_sensitive (CHILD (page, "toggle_button")));

  /* Kept as typed, even when not valid. */
  set_text (page, "group_row", "232.9");
  g_assert_cmpstr (g_settings_get_string (settings, "ping-group"), ==, "232.9");
  set_text (page, "count_row", "5");
  g_assert_cmpstr (g_settings_get_string (settings, "ping-count"), ==, "5");
  set_text (page, "interval_row", "0.2");
  g_assert_cmpstr (g_settings_get_string (settings, "ping-interval"), ==, "0.2");
  set_text (page, "wait_row", "3");
  g_assert_cmpstr (g_settings_get_string (settings, "ping-wait"), ==, "3");
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  page = gui_test_window (chorus_ping_page_new ());
  g_assert_true (has_error (page, "group_row"));
  g_assert_false (gtk_widget_get_sensitive (CHILD (page, "toggle_button")));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  reset_settings ();
}

static void
test_empty_state (void)
{
  GtkWidget *page = gui_test_window (chorus_ping_page_new ());
  ChorusPingPage *ping = CHORUS_PING_PAGE (page);
  ChorusRttChart *chart = CHORUS_RTT_CHART (CHILD (page, "chart"));
  GListModel *paths = chorus_rtt_chart_get_model (chart);
  g_autoptr(ChorusResponder) unicast = NULL;
  g_autoptr(ChorusResponder) multicast = NULL;
  GtkWidget *empty;

  g_assert_false (chorus_mping_client_get_running (chorus_ping_page_get_client (ping)));
  g_assert_false (chorus_mping_server_get_running (chorus_ping_page_get_server (ping)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (CHILD (page, "results_stack"))),
                   ==, "empty");
  empty = gtk_stack_get_child_by_name (GTK_STACK (CHILD (page, "results_stack")), "empty");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (empty)),
                            "ssmpingd"));
  g_assert_cmpstr (label_text (page, "status_label"), ==, "Not pinging");

  /* The chart draws the two paths, each named and in its own colour. */
  g_assert_cmpuint (g_list_model_get_n_items (paths), ==, 2);
  unicast = g_list_model_get_item (paths, 0);
  multicast = g_list_model_get_item (paths, 1);
  g_assert_cmpstr (chorus_responder_get_name (unicast), ==, "Unicast");
  g_assert_cmpstr (chorus_responder_get_name (multicast), ==, "Multicast");
  g_assert_cmpuint (chorus_responder_get_index (unicast), !=,
                    chorus_responder_get_index (multicast));

  /* The server is off, and says so; no clients to list. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (CHILD (page, "serve_switch"))));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (CHILD (page,
                                                                               "serve_row"))),
                            "4321"));
  g_assert_false (gtk_widget_get_visible (CHILD (page, "clients_box")));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

/* The verdict's three states, and waiting: each its words, icon and
 * colour, so that a person tells them apart at a glance, and the totals
 * beneath. */
static void
test_verdict_states (void)
{
  const struct
  {
    ChorusMpingVerdict verdict;
    double             stopped;
    const char        *text;
    const char        *style;
    const char        *icon;
  } cases[] = {
    { CHORUS_MPING_VERDICT_MULTICAST, 0, "Multicast reaches this computer", "success",
      "emblem-ok-symbolic" },
    { CHORUS_MPING_VERDICT_MULTICAST_STOPPED, 12.4, "Multicast stopped arriving 12 seconds ago",
      "warning", "dialog-warning-symbolic" },
    { CHORUS_MPING_VERDICT_UNICAST_ONLY, 0,
      "Multicast never arrived: only unicast answers from 10.77.0.2", "error",
      "dialog-error-symbolic" },
    { CHORUS_MPING_VERDICT_NO_ANSWER, 0, "No answer from 10.77.0.2", "error",
      "dialog-error-symbolic" },
    { CHORUS_MPING_VERDICT_WAITING, 0, "Waiting for answers from 10.77.0.2…", NULL, NULL },
  };
  const char *const styles[] = { "success", "warning", "error" };
  GtkWidget *page = gui_test_window (chorus_ping_page_new ());
  GtkWidget *box = CHILD (page, "verdict_box");
  GtkWidget *icon = CHILD (page, "verdict_icon");
  GtkWidget *detail = CHILD (page, "verdict_detail_label");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *totals = i % 2 == 0 ? "15/22 answered" : NULL;

      _chorus_ping_page_show_verdict (CHORUS_PING_PAGE (page), cases[i].verdict, "10.77.0.2",
                                      cases[i].stopped, totals);
      g_assert_cmpstr (label_text (page, "verdict_label"), ==, cases[i].text);
      for (guint k = 0; k < G_N_ELEMENTS (styles); k++)
        g_assert_cmpint (gtk_widget_has_css_class (box, styles[k]), ==,
                         g_strcmp0 (cases[i].style, styles[k]) == 0);
      g_assert_cmpint (gtk_widget_get_visible (icon), ==, cases[i].icon != NULL);
      if (cases[i].icon != NULL)
        g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, cases[i].icon);
      g_assert_cmpint (gtk_widget_get_visible (detail), ==, totals != NULL);
      if (totals != NULL)
        g_assert_cmpstr (label_text (page, "verdict_detail_label"), ==, totals);
    }

  /* Less than a second still reads as one. */
  _chorus_ping_page_show_verdict (CHORUS_PING_PAGE (page), CHORUS_MPING_VERDICT_MULTICAST_STOPPED,
                                  "10.77.0.2", 0.2, NULL);
  g_assert_cmpstr (label_text (page, "verdict_label"), ==,
                   "Multicast stopped arriving 1 second ago");

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/ping-page/validation", test_validation);
  g_test_add_func ("/ping-page/settings", test_settings);
  g_test_add_func ("/ping-page/empty-state", test_empty_state);
  g_test_add_func ("/ping-page/verdict-states", test_verdict_states);

  return g_test_run ();
}
