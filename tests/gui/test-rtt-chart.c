/* test-rtt-chart.c: the round-trip chart over synthetic responders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-responder-private.h"
#include "chorus-rtt-chart.h"
#include "gui-test-utils.h"

/* A responder that answered @n_probes probes, every @lose_every-th lost
 * (0: none), with round trips around @base_usec. */
static ChorusResponder *
make_responder (const char *address,
                const char *name,
                guint       index,
                guint32     n_probes,
                guint       lose_every,
                gint64      base_usec)
{
  ChorusResponder *responder = _chorus_responder_new (address, name != NULL, index, 0, 1);
  gint64 run_start = 1000000;

  for (guint32 seq = 1; seq <= n_probes; seq++)
    {
      gint64 sent = run_start + (gint64) (seq - 1) * 10000;

      if (lose_every == 0 || seq % lose_every != 0)
        {
          gint64 rtt = base_usec + (gint64) ((seq * 7919 + index * 104729) % 1000) * 3;

          _chorus_responder_answer (responder, seq, seq, rtt, sent + rtt, run_start);
        }
      _chorus_responder_settle (responder, seq);
    }

  if (name != NULL)
    _chorus_responder_set_name (responder, name, strlen (name));
  _chorus_responder_flush (responder);

  return responder;
}

static GListStore *
make_responders (guint   n,
                 guint32 n_probes)
{
  GListStore *store = g_list_store_new (CHORUS_TYPE_RESPONDER);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *address = g_strdup_printf ("10.%u.%u.%u", i / 65536, (i / 256) % 256,
                                                  i % 256);
      g_autofree char *name = i % 2 == 0 ? g_strdup_printf ("host-%u", i) : NULL;
      g_autoptr(ChorusResponder) responder = make_responder (address, name, i, n_probes,
                                                             i % 3 == 0 ? 17 : 0,
                                                             400 + 250 * (i % 8));

      g_list_store_append (store, responder);
    }

  return store;
}

static gboolean
drawn (gpointer user_data)
{
  return chorus_rtt_chart_get_n_legend (user_data) > 0;
}

/* Renders @widget as it is now, as the window would; returns the time
 * the snapshot and the rendering took, in µs. */
static gint64
render (GtkWidget   *widget,
        const char  *png)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 start = g_get_monotonic_time ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  start = g_get_monotonic_time () - start;

  if (png != NULL)
    gdk_texture_save_to_png (texture, png);

  return start;
}

static GtkWidget *
chart_window (GListModel *model,
              int         width,
              int         height)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = chorus_rtt_chart_new ();

  chorus_rtt_chart_set_model (CHORUS_RTT_CHART (chart), model);
  chorus_rtt_chart_set_interval (CHORUS_RTT_CHART (chart), 0.01);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_test_wait (drawn, chart, 5000));

  return chart;
}

static void
test_draw (void)
{
  g_autoptr(GListStore) store = make_responders (5, 300);
  GtkWidget *chart = chart_window (G_LIST_MODEL (store), 640, 300);
  const char *dir = g_getenv ("CHORUS_TEST_PNG_DIR");
  g_autofree char *png = dir != NULL ? g_build_filename (dir, "chart.png", NULL) : NULL;

  /* All five fit in the legend of a wide chart. */
  g_assert_cmpuint (chorus_rtt_chart_get_n_legend (CHORUS_RTT_CHART (chart)), ==, 5);
  render (chart, png);

  /* A responder with no answer yet, and an empty model, draw too. */
  {
    g_autoptr(ChorusResponder) silent = _chorus_responder_new ("10.9.9.9", FALSE, 5, 0, 1);

    g_list_store_append (store, silent);
    render (chart, NULL);
  }
  g_list_store_remove_all (store);
  render (chart, NULL);
  chorus_rtt_chart_set_model (CHORUS_RTT_CHART (chart), NULL);
  render (chart, NULL);

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (chart)));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_selected (void)
{
  g_autoptr(GListStore) store = make_responders (40, 120);
  GtkWidget *chart = chart_window (G_LIST_MODEL (store), 640, 300);
  g_autoptr(ChorusResponder) last = g_list_model_get_item (G_LIST_MODEL (store), 39);
  const char *dir = g_getenv ("CHORUS_TEST_PNG_DIR");
  g_autofree char *png = dir != NULL ? g_build_filename (dir, "chart-selected.png", NULL) : NULL;
  guint notified = 0;

  g_signal_connect (chart, "notify::selected", G_CALLBACK (count_notify), &notified);

  /* Too many for the legend: it names some and counts the rest. */
  g_assert_cmpuint (chorus_rtt_chart_get_n_legend (CHORUS_RTT_CHART (chart)), <, 40);

  g_object_set (chart, "selected", last, NULL);
  g_assert_true (chorus_rtt_chart_get_selected (CHORUS_RTT_CHART (chart)) == last);
  g_assert_cmpuint (notified, ==, 1);
  chorus_rtt_chart_set_selected (CHORUS_RTT_CHART (chart), last);
  g_assert_cmpuint (notified, ==, 1);
  render (chart, png);
  /* The selected one is named first, however far down the model. */
  g_assert_cmpuint (chorus_rtt_chart_get_n_legend (CHORUS_RTT_CHART (chart)), >=, 1);

  chorus_rtt_chart_set_selected (CHORUS_RTT_CHART (chart), NULL);
  g_assert_null (chorus_rtt_chart_get_selected (CHORUS_RTT_CHART (chart)));
  g_assert_cmpuint (notified, ==, 2);

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (chart)));
}

static void
test_narrow (void)
{
  g_autoptr(GListStore) store = make_responders (3, 300);
  GtkWidget *chart = chart_window (G_LIST_MODEL (store), 300, 220);
  const char *dir = g_getenv ("CHORUS_TEST_PNG_DIR");
  g_autofree char *png = dir != NULL ? g_build_filename (dir, "chart-narrow.png", NULL) : NULL;

  render (chart, png);
  g_assert_cmpuint (chorus_rtt_chart_get_n_legend (CHORUS_RTT_CHART (chart)), >=, 1);

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (chart)));
}

static void
test_accessible (void)
{
  g_autoptr(GListStore) store = make_responders (3, 10);
  GtkWidget *chart = chorus_rtt_chart_new ();

  g_object_ref_sink (chart);
  gtk_test_accessible_assert_role (chart, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL, "Round-Trip Chart");
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Round trip over time for 0 hosts");
  chorus_rtt_chart_set_model (CHORUS_RTT_CHART (chart), G_LIST_MODEL (store));
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Round trip over time for 3 hosts");
  g_object_unref (chart);
}

/* 1000 responders of 300 probes each, drawn and rendered as a frame. */
static void
test_many (void)
{
  g_autoptr(GListStore) store = make_responders (1000, 300);
  GtkWidget *chart = chart_window (G_LIST_MODEL (store), 900, 320);
  const char *dir = g_getenv ("CHORUS_TEST_PNG_DIR");
  g_autofree char *png = dir != NULL ? g_build_filename (dir, "chart-many.png", NULL) : NULL;
  gint64 best = G_MAXINT64;

  for (guint i = 0; i < 5; i++)
    best = MIN (best, render (chart, i == 0 ? png : NULL));

  g_test_message ("1000 responders × 300 probes: %.1f ms a frame", best / 1000.0);

  /* The same with one of them selected: drawn on top, antialiased. */
  {
    g_autoptr(ChorusResponder) one = g_list_model_get_item (G_LIST_MODEL (store), 500);
    gint64 selected = G_MAXINT64;

    chorus_rtt_chart_set_selected (CHORUS_RTT_CHART (chart), one);
    for (guint i = 0; i < 5; i++)
      selected = MIN (selected, render (chart, NULL));
    g_test_message ("the same, one selected: %.1f ms a frame", selected / 1000.0);
    best = MAX (best, selected);
  }
  /* The budget is a frame; this bound only catches a gross regression,
   * on a machine that may be busy with other tests. */
  g_assert_cmpint (best, <, 1000000);

  /* As many as are drawn antialiased. */
  g_list_store_splice (store, 32, 1000 - 32, NULL, 0);
  best = G_MAXINT64;
  for (guint i = 0; i < 5; i++)
    best = MIN (best, render (chart, NULL));
  g_test_message ("32 responders × 300 probes: %.1f ms a frame", best / 1000.0);
  g_assert_cmpint (best, <, 1000000);

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (chart)));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/rtt-chart/draw", test_draw);
  g_test_add_func ("/rtt-chart/selected", test_selected);
  g_test_add_func ("/rtt-chart/narrow", test_narrow);
  g_test_add_func ("/rtt-chart/accessible", test_accessible);
  g_test_add_func ("/rtt-chart/many", test_many);

  return g_test_run ();
}
