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
#include "chorus-responder-private.h"
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

/* A responder that answered @n_sent probes but @lost_every-th ones (0:
 * none), each after @rtt_usec. */
static ChorusResponder *
make_responder (const char *address,
                guint       index,
                guint       n_sent,
                guint       lost_every,
                gint64      rtt_usec)
{
  ChorusResponder *responder = _chorus_responder_new (address, TRUE, index, 0, 1);

  for (guint32 seq = 1; seq <= n_sent; seq++)
    {
      if (lost_every == 0 || seq % lost_every != 0)
        _chorus_responder_answer (responder, seq, seq, rtt_usec, 1000000 + seq * 1000000 + rtt_usec,
                                  1000000);
      _chorus_responder_settle (responder, seq);
    }
  _chorus_responder_flush (responder);

  return responder;
}

/* The heading's first part, before how far the run is. */
static const char *
heading_state (GtkWidget *page)
{
  static char state[256];
  const char *text = gtk_label_get_text (GTK_LABEL (CHILD (page, "summary_label")));
  const char *dot = strstr (text, " · ");

  g_assert_nonnull (dot);
  g_strlcpy (state, text, MIN ((gsize) (dot - text) + 1, sizeof state));

  return state;
}

typedef struct
{
  GtkWidget  *page;
  const char *text;
} CellQuery;

/* The box around the loss cell that reads @text, once the table shows it. */
static GtkWidget *
find_loss_cell (GtkWidget  *page,
                const char *text)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();

  gui_test_collect (CHILD (page, "column_view"), GTK_TYPE_INSCRIPTION, cells);
  for (guint i = 0; i < cells->len; i++)
    if (g_strcmp0 (gtk_inscription_get_text (g_ptr_array_index (cells, i)), text) == 0)
      return gtk_widget_get_parent (g_ptr_array_index (cells, i));

  return NULL;
}

static gboolean
loss_cell_shown (gpointer user_data)
{
  CellQuery *query = user_data;

  return find_loss_cell (query->page, query->text) != NULL;
}

/* Worst first until the user sorts; loss over its thresholds in the
 * warning and error styles with an icon; the heading names the problem. */
static void
test_problems_stand_out (void)
{
  GtkWidget *page = gui_test_window (chorus_probe_page_new ());
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (page));
  ChorusSender *sender = chorus_probe_page_get_sender (CHORUS_PROBE_PAGE (page));
  GListStore *store = G_LIST_STORE (chorus_sender_get_responders (sender));
  GListModel *rows = G_LIST_MODEL (gtk_widget_get_template_child (page, CHORUS_TYPE_PROBE_PAGE,
                                                                  "sort_model"));
  const char *const worst_first[] = { "10.0.0.3", "10.0.0.4", "10.0.0.2", "10.0.0.1" };
  g_autoptr(ChorusResponder) fast = make_responder ("10.0.0.1", 0, 20, 0, 1000);
  g_autoptr(ChorusResponder) slow = make_responder ("10.0.0.2", 1, 20, 0, 5000);
  g_autoptr(ChorusResponder) tenth = make_responder ("10.0.0.3", 2, 20, 10, 1000);
  g_autoptr(ChorusResponder) twentieth = make_responder ("10.0.0.4", 3, 20, 20, 1000);
  g_autoptr(GtkColumnViewColumn) host_column = NULL;
  GListModel *columns;
  GtkWidget *cell;
  CellQuery query = { page, "10.0 %" };

  _chorus_responder_set_name (tenth, "rack-6", strlen ("rack-6"));
  g_list_store_append (store, fast);
  g_list_store_append (store, slow);
  g_list_store_append (store, tenth);
  g_list_store_append (store, twentieth);

  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (worst_first); i++)
    {
      g_autoptr(ChorusResponder) row = g_list_model_get_item (rows, i);

      g_assert_cmpstr (chorus_responder_get_address (row), ==, worst_first[i]);
    }
  g_assert_cmpstr (heading_state (page), ==, "2 of 4 hosts losing probes, worst rack-6 10.0 %");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "summary_label"), "error"));

  /* Seen in the table: 10 % an error, 5 % a warning, none plain. */
  gtk_window_set_default_size (window, 1100, 900);
  gtk_window_present (window);
  g_assert_true (gui_test_wait (loss_cell_shown, &query, 5000));
  cell = find_loss_cell (page, "10.0 %");
  g_assert_true (gtk_widget_has_css_class (cell, "error"));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_first_child (cell)));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (cell))), ==,
                   "dialog-error-symbolic");
  cell = find_loss_cell (page, "5.0 %");
  g_assert_true (gtk_widget_has_css_class (cell, "warning"));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (cell))), ==,
                   "dialog-warning-symbolic");
  cell = find_loss_cell (page, "0.0 %");
  g_assert_false (gtk_widget_has_css_class (cell, "warning"));
  g_assert_false (gtk_widget_has_css_class (cell, "error"));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_first_child (cell)));

  /* Silent now comes first in the heading, whatever the totals. */
  _chorus_responder_set_silent (twentieth, TRUE);
  g_signal_emit_by_name (sender, "responders-updated");
  g_assert_cmpstr (heading_state (page), ==, "1 of 4 hosts silent now: 10.0.0.4");

  /* The user's sort holds: by host, and the worst-first order only
   * among equals. */
  columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (CHILD (page, "column_view")));
  host_column = g_list_model_get_item (columns, 0);
  g_assert_cmpstr (gtk_column_view_column_get_title (host_column), ==, "Host");
  gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (CHILD (page, "column_view")), host_column,
                                  GTK_SORT_ASCENDING);
  {
    const char *const by_host[] = { "rack-6", "10.0.0.1", "10.0.0.2", "10.0.0.4" };

    for (guint i = 0; i < G_N_ELEMENTS (by_host); i++)
      {
        g_autoptr(ChorusResponder) row = g_list_model_get_item (rows, i);
        const char *name = chorus_responder_get_name (row);


        g_assert_cmpstr (name != NULL && *name != '\0' ? name : chorus_responder_get_address (row),
                         ==, by_host[i]);
      }
  }

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/probe-page/validation", test_validation);
  g_test_add_func ("/probe-page/settings", test_settings);
  g_test_add_func ("/probe-page/empty-state", test_empty_state);
  g_test_add_func ("/probe-page/problems-stand-out", test_problems_stand_out);

  return g_test_run ();
}
