/* probe-stall.c: how late the window's main loop runs while it probes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Probe page, built from its real template in a real window, probes
 * with the given settings, started through its own action as a click
 * would. A 16 ms timer at the default priority, as a frame or an input
 * event would be, measures how late each of its ticks comes while the
 * responders' table and the round-trip chart update. bench/probe-scale
 * runs it on a test LAN of many answering hosts.
 *
 * Usage: probe-stall COUNT INTERVAL WAIT
 *        probe-stall idle SECONDS
 * Prints "ready" once probing, then, a second after the page's sender
 * has finished, one line:
 *   ticks N p50_ms X p99_ms X max_ms X rss_start_kib N rss_max_kib N
 *   cpu_s X sent N acks N listed N responders N heard N
 * (cpu_s: this process's user + system time while probing; listed: the
 * answers the responders' statistics hold, received + duplicates + late.)
 * "idle" shows the page without probing and measures for SECONDS: the
 * lateness the machine's load alone causes (bench/probe-scale probes
 * with chorus-cli meanwhile).
 */

#define _GNU_SOURCE
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "chorus-probe-page.h"
#include "chorus-responder.h"
#include "chorus-sender.h"
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

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
         + usage.ru_stime.tv_usec / 1e6;
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

/* The table and chart take their last update after the run ends: keep
 * measuring for a second more. */
static void
on_running_changed (ChorusSender *sender,
                    GParamSpec   *pspec,
                    Stall        *stall)
{
  if (!chorus_sender_get_running (sender))
    g_timeout_add_seconds (1, on_end, stall);
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
  g_autoptr(GSettings) settings = NULL;
  GtkWidget *window;
  GtkWidget *page;
  ChorusSender *sender;
  GListModel *responders;
  guint64 listed = 0;
  guint heard = 0;
  double cpu_start;
  gboolean idle = argc == 3 && g_str_equal (argv[1], "idle");

  if (argc != 4 && !idle)
    {
      fprintf (stderr, "Usage: probe-stall COUNT INTERVAL WAIT | idle SECONDS\n");
      return 2;
    }

  adw_init ();

  /* The page reads its fields from the settings, as typed. */
  settings = g_settings_new (APP_ID);
  if (!idle)
    {
      g_settings_set_string (settings, "probe-count", argv[1]);
      g_settings_set_string (settings, "probe-interval", argv[2]);
      g_settings_set_string (settings, "probe-wait", argv[3]);
      g_settings_set_string (settings, "probe-spread", "0");
    }

  window = gtk_window_new ();
  page = chorus_probe_page_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  sender = chorus_probe_page_get_sender (CHORUS_PROBE_PAGE (page));

  /* Let the window map and draw once, then start as a click would. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_signal_connect (sender, "notify::running", G_CALLBACK (on_running_changed), &stall);
  cpu_start = cpu_seconds ();
  if (idle)
    g_timeout_add ((guint) (g_ascii_strtod (argv[2], NULL) * 1000), on_end, &stall);
  else
    gtk_widget_activate_action (page, "probe.toggle", NULL);
  if (!idle && !chorus_sender_get_running (sender))
    {
      fprintf (stderr, "probe-stall: the page did not start probing\n");
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);

  stall.rss_start = stall.rss_max = resident_kib ();
  stall.expected = g_get_monotonic_time () + TICK_MS * 1000;
  g_timeout_add (TICK_MS, on_tick, &stall);
  g_timeout_add_seconds (1, on_second, &stall);

  while (!stall.done)
    g_main_context_iteration (NULL, TRUE);

  responders = chorus_sender_get_responders (sender);
  for (guint i = 0; i < g_list_model_get_n_items (responders); i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);
      const ChorusResponderStats *stats = chorus_responder_get_stats (responder);

      listed += stats->received + stats->duplicates + stats->late;
      heard += stats->received > 0;
    }

  g_array_sort (stall.lateness, compare);
  printf ("ticks %u p50_ms %.1f p99_ms %.1f max_ms %.1f rss_start_kib %" G_GINT64_FORMAT
          " rss_max_kib %" G_GINT64_FORMAT " cpu_s %.2f sent %u acks %u listed %" G_GUINT64_FORMAT
          " responders %u heard %u\n",
          stall.lateness->len, percentile_ms (stall.lateness, 0.5),
          percentile_ms (stall.lateness, 0.99), percentile_ms (stall.lateness, 1.0),
          stall.rss_start,
          MAX (stall.rss_max, resident_kib ()), cpu_seconds () - cpu_start,
          chorus_sender_get_n_sent (sender), chorus_sender_get_n_acks (sender), listed,
          chorus_sender_get_n_responders (sender), heard);

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (stall.lateness);

  return 0;
}
