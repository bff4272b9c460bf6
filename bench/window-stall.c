/* window-stall.c: how late the window's main loop runs under a flood
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Receive page, built from its real template in a real window, starts
 * receiving (its own action, as a click would); a 16 ms timer at the
 * default priority, as a frame or an input event would be, measures how
 * late each of its ticks comes. bench/window-stall runs it on the test
 * LAN while bench/blaster floods the group.
 *
 * Usage: window-stall SECONDS [REPLY_RATE]   (REPLY_RATE: the page's
 *   "Answers per Sender", default 0: answer every datagram)
 * Prints "ready" once receiving, then after SECONDS one line:
 *   ticks N p50_ms X p99_ms X max_ms X rss_start_kib N rss_end_kib N
 *   rss_max_kib N received N replied N label "…"
 */

#define _GNU_SOURCE
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus-receive-page.h"
#include "chorus-receiver.h"
#include "bench-netns.h"

#define TICK_MS 16

typedef struct
{
  GArray *lateness;
  gint64 expected;
  gint64 rss_start;
  gint64 rss_max;
  gboolean done;
} Stall;

static gint64
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmRSS:")) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

static gboolean
on_tick (gpointer user_data)
{
  Stall *stall = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = MAX (now - stall->expected, 0);

  g_array_append_val (stall->lateness, late);
  stall->expected = now + TICK_MS * 1000;

  return G_SOURCE_CONTINUE;
}

static gboolean
on_second (gpointer user_data)
{
  Stall *stall = user_data;

  stall->rss_max = MAX (stall->rss_max, resident_kib ());
  return G_SOURCE_CONTINUE;
}

static gboolean
on_end (gpointer user_data)
{
  Stall *stall = user_data;

  stall->done = TRUE;
  return G_SOURCE_REMOVE;
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               double  fraction)
{
  guint i;

  if (sorted->len == 0)
    return -1;

  i = MIN ((guint) (fraction * sorted->len), sorted->len - 1);
  return g_array_index (sorted, gint64, i) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  Stall stall = { .lateness = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  GtkWidget *window;
  GtkWidget *page;
  ChorusReceiver *receiver;
  GtkWidget *count_label;
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 10;
  g_autoptr(GSettings) settings = NULL;

  adw_init ();

  settings = g_settings_new (APP_ID);
  g_settings_set_uint (settings, "receive-reply-rate",
                       argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 0);

  window = gtk_window_new ();
  page = chorus_receive_page_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));

  /* Let the window map and draw once, then start as a click would. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  gtk_widget_activate_action (page, "receive.toggle", NULL);
  if (!chorus_receiver_get_running (receiver))
    {
      fprintf (stderr, "window-stall: the receiver did not start\n");
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);

  stall.rss_start = stall.rss_max = resident_kib ();
  stall.expected = g_get_monotonic_time () + TICK_MS * 1000;
  g_timeout_add (TICK_MS, on_tick, &stall);
  g_timeout_add_seconds (1, on_second, &stall);
  g_timeout_add ((guint) (seconds * 1000), on_end, &stall);

  while (!stall.done)
    g_main_context_iteration (NULL, TRUE);

  g_array_sort (stall.lateness, compare);
  count_label = GTK_WIDGET (gtk_widget_get_template_child (page, CHORUS_TYPE_RECEIVE_PAGE,
                                                          "count_label"));
  printf ("ticks %u p50_ms %.1f p99_ms %.1f max_ms %.1f rss_start_kib %" G_GINT64_FORMAT
          " rss_end_kib %" G_GINT64_FORMAT " rss_max_kib %" G_GINT64_FORMAT
          " received %" G_GUINT64_FORMAT " replied %" G_GUINT64_FORMAT " label \"%s\"\n",
          stall.lateness->len, percentile_ms (stall.lateness, 0.5),
          percentile_ms (stall.lateness, 0.99), percentile_ms (stall.lateness, 1.0),
          stall.rss_start, resident_kib (), MAX (stall.rss_max, resident_kib ()),
          chorus_receiver_get_n_received (receiver), chorus_receiver_get_n_replied (receiver),
          count_label != NULL ? gtk_label_get_text (GTK_LABEL (count_label)) : "?");

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (stall.lateness);

  return 0;
}
