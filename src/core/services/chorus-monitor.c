/* chorus-monitor.c: the checks chorus-cli monitor runs, and their
 * metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-address.h"
#include "chorus-exposition.h"
#include "chorus-monitor-series.h"
#include "chorus-monitor.h"
#include "chorus-mping-client.h"
#include "chorus-receiver.h"
#include "chorus-sender.h"

typedef struct _CheckRun CheckRun;

typedef void (*RoundFunc) (CheckRun *run,
                           gpointer  user_data);

struct _CheckRun
{
  ChorusMonitor *monitor;       /* NULL for a one-shot /probe */
  ChorusMonitorCheck *check;
  char *group;                  /* the group's label: as configured, or the default */
  ChorusMonitorSeriesSet *series;
  ChorusSender *sender;
  ChorusMpingClient *client;
  ChorusReceiver *receiver;
  /* Round trips of this round's answers in time, in seconds, by
   * responder (or path): added to the histogram when the round ends. */
  GHashTable *pending;
  gboolean once;
  gboolean stopped;
  gboolean up;
  guint64 rounds;
  guint next_id;
  gint64 started_usec;
  RoundFunc round_done;
  gpointer round_data;
};

struct _ChorusMonitor
{
  GObject parent_instance;

  ChorusMonitorConfig *config;
  GPtrArray *runs;              /* CheckRun */
  gboolean once;
  gboolean running;
  guint n_pending;              /* once: rounds still to end */
};

G_DEFINE_FINAL_TYPE (ChorusMonitor, chorus_monitor, G_TYPE_OBJECT)

enum {
  CHECK_FAILED,
  ROUND_FINISHED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_round (CheckRun *run);

/* Rounds */

static void
pending_add (CheckRun   *run,
             const char *key,
             double      seconds)
{
  GArray *rtts = g_hash_table_lookup (run->pending, key);

  if (rtts == NULL)
    {
      rtts = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (run->pending, g_strdup (key), rtts);
    }
  g_array_append_val (rtts, seconds);
}

/* At most answers of them: an answer whose probe had not settled when
 * the round was cut short counts for nothing, in the counters too. */
static void
commit_rtts (CheckRun            *run,
             ChorusMonitorSeries *series,
             const char          *key,
             guint64              answers)
{
  GArray *rtts = g_hash_table_lookup (run->pending, key);

  for (guint i = 0; rtts != NULL && i < rtts->len && i < answers; i++)
    chorus_monitor_series_observe_rtt (series, g_array_index (rtts, double, i));
}

static void
report_failure (CheckRun     *run,
                const GError *error)
{
  run->up = FALSE;
  if (run->monitor != NULL)
    g_signal_emit (run->monitor, signals[CHECK_FAILED], 0, run->check->name, error);
}

static gboolean
on_next_round (gpointer user_data)
{
  CheckRun *run = user_data;

  run->next_id = 0;
  start_round (run);
  return G_SOURCE_REMOVE;
}

static void
round_ended (CheckRun *run)
{
  run->rounds++;
  g_hash_table_remove_all (run->pending);

  if (run->monitor != NULL)
    g_signal_emit (run->monitor, signals[ROUND_FINISHED], 0, run->check->name);
  if (run->round_done != NULL)
    run->round_done (run, run->round_data);

  /* The next round from the main loop: the service that just finished
   * is still in its signal. */
  if (!run->once && !run->stopped && run->next_id == 0)
    run->next_id = g_idle_add (on_next_round, run);
}

static void
on_probe_ack (ChorusSender *sender,
              ChorusAck    *ack,
              CheckRun     *run)
{
  if (chorus_ack_get_tagged (ack) && chorus_ack_get_verdict (ack) == CHORUS_ANSWER_RECEIVED)
    pending_add (run, chorus_ack_get_address (ack),
                 (double) chorus_ack_get_rtt_usec (ack) / G_USEC_PER_SEC);
}

static void
on_failed (GObject  *service,
           GError   *error,
           CheckRun *run)
{
  report_failure (run, error);
}

static void
on_probe_finished (ChorusSender *sender,
                   CheckRun     *run)
{
  GListModel *responders = chorus_sender_get_responders (sender);
  guint n = g_list_model_get_n_items (responders);
  guint64 settled = chorus_sender_get_n_settled (sender);
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GHashTable) heard = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);
      const ChorusResponderStats *stats = chorus_responder_get_stats (responder);
      const char *address = chorus_responder_get_address (responder);
      ChorusMonitorSeries *series;

      /* Classic receivers answer anything: the monitor counts Chorus
       * answers alone. */
      if (!chorus_responder_get_tagged (responder))
        continue;

      series = chorus_monitor_series_set_get (run->series, address);
      chorus_monitor_series_add_round (series, now, stats->sent, stats->received, stats->lost,
                                       stats->duplicates);
      commit_rtts (run, series, address, stats->received);
      if (!series->other)
        {
          chorus_monitor_series_set_name (series, chorus_responder_get_name (responder));
          if (stats->hops >= 0)
            series->hops = stats->hops;
          g_hash_table_add (heard, series);
        }
    }

  /* Hosts the sender did not even list (a flood past its own limit). */
  chorus_monitor_series_set_add_dropped (run->series, chorus_sender_get_n_unlisted (sender));

  /* A responder that said nothing this round lost every probe of it. */
  for (guint i = 0; i < chorus_monitor_series_set_get_n (run->series); i++)
    {
      ChorusMonitorSeries *series = chorus_monitor_series_set_nth (run->series, i);

      if (!series->other && !g_hash_table_contains (heard, series))
        chorus_monitor_series_add_round (series, now, settled, 0, settled, 0);
    }

  if (!chorus_sender_get_send_failed (sender))
    run->up = TRUE;
  round_ended (run);
}

static gboolean
start_probe_round (CheckRun  *run,
                   GError   **error)
{
  const ChorusMonitorCheck *check = run->check;

  g_clear_object (&run->sender);
  run->sender = g_object_new (CHORUS_TYPE_SENDER,
                              "group", run->group,
                              "port", (guint) check->port,
                              "ttl", (guint) check->ttl,
                              "wait", check->wait,
                              "count", check->count,
                              "interval", check->interval,
                              "text", "",
                              "interface", check->interface,
                              /* Answers are counted as they come: keep few. */
                              "capacity", 16,
                              NULL);
  chorus_sender_set_probe (run->sender, TRUE);
  chorus_sender_set_spread (run->sender, check->spread);
  g_signal_connect (run->sender, "ack-received", G_CALLBACK (on_probe_ack), run);
  g_signal_connect (run->sender, "failed", G_CALLBACK (on_failed), run);
  g_signal_connect (run->sender, "finished", G_CALLBACK (on_probe_finished), run);

  return chorus_sender_start (run->sender, error);
}

static void
on_ping_reply (ChorusMpingClient *client,
               int                path,
               guint              seq,
               gint64             rtt_usec,
               int                hops,
               gboolean           hops_estimated,
               int                ttl,
               int                verdict,
               CheckRun          *run)
{
  if (verdict == CHORUS_ANSWER_RECEIVED)
    pending_add (run, chorus_mping_path_get_nick (path), (double) rtt_usec / G_USEC_PER_SEC);
}

static void
on_ping_finished (ChorusMpingClient *client,
                  CheckRun          *run)
{
  gint64 now = g_get_monotonic_time ();

  for (int path = CHORUS_MPING_PATH_UNICAST; path <= CHORUS_MPING_PATH_MULTICAST; path++)
    {
      ChorusResponder *responder = chorus_mping_client_get_path (client, path);
      const char *key = chorus_mping_path_get_nick (path);
      ChorusMonitorSeries *series = chorus_monitor_series_set_get (run->series, key);
      const ChorusResponderStats *stats;

      if (responder == NULL)
        {
          guint64 settled = chorus_mping_client_get_n_settled (client);

          chorus_monitor_series_add_round (series, now, settled, 0, settled, 0);
          continue;
        }
      stats = chorus_responder_get_stats (responder);
      chorus_monitor_series_add_round (series, now, stats->sent, stats->received, stats->lost,
                                       stats->duplicates);
      commit_rtts (run, series, key, stats->received);
      if (stats->hops >= 0)
        series->hops = stats->hops;
    }

  run->up = TRUE;
  round_ended (run);
}

static gboolean
start_ping_round (CheckRun  *run,
                  GError   **error)
{
  const ChorusMonitorCheck *check = run->check;

  g_clear_object (&run->client);
  run->client = g_object_new (CHORUS_TYPE_MPING_CLIENT,
                              "server", check->server,
                              "port", (guint) check->port,
                              "group", check->group,
                              "count", check->count,
                              "interval", check->interval,
                              "wait", check->wait,
                              "interface", check->interface,
                              "protocol", check->protocol,
                              NULL);
  g_signal_connect (run->client, "reply-received", G_CALLBACK (on_ping_reply), run);
  g_signal_connect (run->client, "failed", G_CALLBACK (on_failed), run);
  g_signal_connect (run->client, "finished", G_CALLBACK (on_ping_finished), run);

  return chorus_mping_client_start (run->client, error);
}

static gboolean
start_responder (CheckRun  *run,
                 GError   **error)
{
  const ChorusMonitorCheck *check = run->check;

  g_clear_object (&run->receiver);
  run->receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                "group", run->group,
                                "port", (guint) check->port,
                                "interface", check->interface,
                                NULL);
  chorus_receiver_set_answer (run->receiver, TRUE);
  if (check->reply_name != NULL)
    chorus_receiver_set_name (run->receiver, check->reply_name);

  if (!chorus_receiver_start (run->receiver, error))
    return FALSE;
  run->up = TRUE;
  return TRUE;
}

static void
start_round (CheckRun *run)
{
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  if (run->stopped)
    return;

  if (run->started_usec == 0)
    run->started_usec = g_get_monotonic_time ();

  switch (run->check->kind)
    {
    case CHORUS_CHECK_PROBE:
      started = start_probe_round (run, &error);
      break;
    case CHORUS_CHECK_PING:
      started = start_ping_round (run, &error);
      break;
    case CHORUS_CHECK_RESPONDER:
      started = start_responder (run, &error);
      if (!started)
        break;
      /* It has no rounds: once, it is as good as done. */
      if (run->once && run->round_done != NULL)
        run->round_done (run, run->round_data);
      return;
    case CHORUS_CHECK_WATCH:
    case CHORUS_CHECK_QUERIER:
    default:
      g_assert_not_reached ();
    }

  if (started)
    {
      run->up = TRUE;
      return;
    }

  report_failure (run, error);
  if (run->once)
    {
      if (run->round_done != NULL)
        run->round_done (run, run->round_data);
    }
  else
    run->next_id = g_timeout_add_seconds (CHORUS_MONITOR_RETRY_SECONDS, on_next_round, run);
}

static CheckRun *
check_run_new (const ChorusMonitorCheck *check)
{
  CheckRun *run = g_new0 (CheckRun, 1);

  run->check = chorus_monitor_check_copy (check);
  run->group = g_strdup (check->group);
  if (run->group == NULL && check->kind != CHORUS_CHECK_PING)
    run->group = g_strdup (CHORUS_DEFAULT_GROUP);
  run->series = chorus_monitor_series_set_new (check->max_series);
  run->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_array_unref);
  return run;
}

static void
check_run_stop (CheckRun *run)
{
  run->stopped = TRUE;
  g_clear_handle_id (&run->next_id, g_source_remove);
  if (run->sender != NULL)
    {
      g_signal_handlers_disconnect_by_data (run->sender, run);
      chorus_sender_stop (run->sender);
    }
  if (run->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (run->client, run);
      chorus_mping_client_stop (run->client);
    }
  if (run->receiver != NULL)
    {
      g_signal_handlers_disconnect_by_data (run->receiver, run);
      chorus_receiver_stop (run->receiver);
    }
}

static void
check_run_free (gpointer data)
{
  CheckRun *run = data;

  check_run_stop (run);
  g_clear_object (&run->sender);
  g_clear_object (&run->client);
  g_clear_object (&run->receiver);
  g_hash_table_unref (run->pending);
  chorus_monitor_series_set_free (run->series);
  chorus_monitor_check_free (run->check);
  g_free (run->group);
  g_free (run);
}

/* Freed from the main loop: it may be called from its service's signal. */
static gboolean
free_run_idle (gpointer data)
{
  check_run_free (data);
  return G_SOURCE_REMOVE;
}

/* The text format */

typedef struct
{
  const char *name;
  ChorusMetricType type;
  const char *help;
} Family;

static const Family probe_families[] = {
  { "chorus_probe_sent_total", CHORUS_METRIC_COUNTER,
    "Probes whose wait ended, per responder (counted from its check's start)" },
  { "chorus_probe_answers_total", CHORUS_METRIC_COUNTER,
    "Probes the responder answered within the wait" },
  { "chorus_probe_lost_total", CHORUS_METRIC_COUNTER,
    "Probes the responder did not answer within the wait" },
  { "chorus_probe_duplicates_total", CHORUS_METRIC_COUNTER,
    "Answers beyond the first to one probe" },
  { "chorus_probe_loss_ratio", CHORUS_METRIC_GAUGE,
    "Share of probes lost over the last 60 s (or the run, if shorter), 0 to 1" },
  { "chorus_probe_rtt_seconds", CHORUS_METRIC_HISTOGRAM,
    "Round trip of the answers within the wait" },
  { "chorus_probe_hops", CHORUS_METRIC_GAUGE,
    "Routers between the responder and this host, as the last answer said" },
};

static const Family ping_families[] = {
  { "chorus_ping_sent_total", CHORUS_METRIC_COUNTER,
    "Queries to the multicast ping server whose wait ended, per path" },
  { "chorus_ping_answers_total", CHORUS_METRIC_COUNTER,
    "Queries the server's answer by this path arrived for, within the wait" },
  { "chorus_ping_lost_total", CHORUS_METRIC_COUNTER,
    "Queries no answer by this path arrived for within the wait" },
  { "chorus_ping_duplicates_total", CHORUS_METRIC_COUNTER,
    "Answers beyond the first to one query" },
  { "chorus_ping_loss_ratio", CHORUS_METRIC_GAUGE,
    "Share of queries lost by this path over the last 60 s (or the run, if shorter)" },
  { "chorus_ping_rtt_seconds", CHORUS_METRIC_HISTOGRAM,
    "Round trip of the answers by this path within the wait" },
  { "chorus_ping_hops", CHORUS_METRIC_GAUGE,
    "Routers between the server and this host on this path" },
};

static void
series_labels (CheckRun            *run,
               ChorusMonitorSeries *series,
               const char         **labels)
{
  guint i = 0;

  labels[i++] = "check";
  labels[i++] = run->check->name;
  if (run->check->kind == CHORUS_CHECK_PING)
    {
      labels[i++] = "server";
      labels[i++] = run->check->server;
      labels[i++] = "path";
      labels[i++] = series->key;
    }
  else
    {
      labels[i++] = "group";
      labels[i++] = run->group;
      labels[i++] = "responder";
      labels[i++] = series->key;
      labels[i++] = "name";
      labels[i++] = series->name != NULL ? series->name : "";
    }
  labels[i] = NULL;
}

static void
render_series_family (GString  *out,
                      CheckRun *run,
                      guint     family,
                      gint64    now)
{
  for (guint i = 0; i < chorus_monitor_series_set_get_n (run->series); i++)
    {
      ChorusMonitorSeries *series = chorus_monitor_series_set_nth (run->series, i);
      const char *labels[11];
      const char *name = run->check->kind == CHORUS_CHECK_PING ? ping_families[family].name
                                                                : probe_families[family].name;
      double ratio;

      series_labels (run, series, labels);
      switch (family)
        {
        case 0:
          chorus_exposition_sample (out, name, labels, series->sent);
          break;
        case 1:
          chorus_exposition_sample (out, name, labels, series->answers);
          break;
        case 2:
          chorus_exposition_sample (out, name, labels, series->lost);
          break;
        case 3:
          chorus_exposition_sample (out, name, labels, series->duplicates);
          break;
        case 4:
          if (chorus_monitor_series_get_loss_ratio (series, now, &ratio))
            chorus_exposition_sample (out, name, labels, ratio);
          break;
        case 5:
          chorus_exposition_histogram (out, name, labels, chorus_exposition_rtt_bounds,
                                       series->buckets, CHORUS_EXPOSITION_RTT_BUCKETS,
                                       series->rtt_sum, series->rtt_count);
          break;
        case 6:
        default:
          if (series->hops >= 0)
            chorus_exposition_sample (out, name, labels, series->hops);
          break;
        }
    }
}

static gboolean
any_of_kind (GPtrArray       *runs,
             ChorusCheckKind  kind)
{
  for (guint i = 0; i < runs->len; i++)
    if (((CheckRun *) g_ptr_array_index (runs, i))->check->kind == kind)
      return TRUE;
  return FALSE;
}

static void
render_runs (GPtrArray *runs,
             GString   *out)
{
  gint64 now = g_get_monotonic_time ();

  if (any_of_kind (runs, CHORUS_CHECK_PROBE))
    {
      for (guint f = 0; f < G_N_ELEMENTS (probe_families); f++)
        {
          chorus_exposition_family (out, probe_families[f].name, probe_families[f].type,
                                    probe_families[f].help);
          for (guint i = 0; i < runs->len; i++)
            {
              CheckRun *run = g_ptr_array_index (runs, i);

              if (run->check->kind == CHORUS_CHECK_PROBE)
                render_series_family (out, run, f, now);
            }
        }

      chorus_exposition_family (out, "chorus_probe_responders", CHORUS_METRIC_GAUGE,
                                "Responders heard in the last 60 s (the other series counts "
                                "as one)");
      for (guint i = 0; i < runs->len; i++)
        {
          CheckRun *run = g_ptr_array_index (runs, i);
          const char *labels[] = { "check", run->check->name, "group", run->group, NULL };

          if (run->check->kind == CHORUS_CHECK_PROBE)
            chorus_exposition_sample (out, "chorus_probe_responders", labels,
                                      chorus_monitor_series_set_count_heard (run->series, now));
        }

      chorus_exposition_family (out, "chorus_series_dropped_total", CHORUS_METRIC_COUNTER,
                                "Responders past the check's max-responders, counted once a "
                                "round, whose figures went to the responder=\"other\" series");
      for (guint i = 0; i < runs->len; i++)
        {
          CheckRun *run = g_ptr_array_index (runs, i);
          const char *labels[] = { "check", run->check->name, NULL };

          if (run->check->kind == CHORUS_CHECK_PROBE)
            chorus_exposition_sample (out, "chorus_series_dropped_total", labels,
                                      chorus_monitor_series_set_get_dropped (run->series));
        }
    }

  if (any_of_kind (runs, CHORUS_CHECK_PING))
    for (guint f = 0; f < G_N_ELEMENTS (ping_families); f++)
      {
        chorus_exposition_family (out, ping_families[f].name, ping_families[f].type,
                                  ping_families[f].help);
        for (guint i = 0; i < runs->len; i++)
          {
            CheckRun *run = g_ptr_array_index (runs, i);

            if (run->check->kind == CHORUS_CHECK_PING)
              render_series_family (out, run, f, now);
          }
      }

  if (any_of_kind (runs, CHORUS_CHECK_RESPONDER))
    {
      static const Family families[] = {
        { "chorus_responder_received_total", CHORUS_METRIC_COUNTER,
          "Datagrams the responder received on its group" },
        { "chorus_responder_replied_total", CHORUS_METRIC_COUNTER,
          "Answers the responder sent" },
        { "chorus_responder_unanswered_total", CHORUS_METRIC_COUNTER,
          "Datagrams the responder did not answer (refused: too large, rate, bad source)" },
      };

      for (guint f = 0; f < G_N_ELEMENTS (families); f++)
        {
          chorus_exposition_family (out, families[f].name, families[f].type, families[f].help);
          for (guint i = 0; i < runs->len; i++)
            {
              CheckRun *run = g_ptr_array_index (runs, i);
              const char *labels[] = { "check", run->check->name, "group", run->group, NULL };
              guint64 value = 0;

              if (run->check->kind != CHORUS_CHECK_RESPONDER)
                continue;
              if (run->receiver != NULL)
                value = f == 0 ? chorus_receiver_get_n_received (run->receiver)
                        : f == 1 ? chorus_receiver_get_n_replied (run->receiver)
                                 : chorus_receiver_get_n_unanswered (run->receiver);
              chorus_exposition_sample (out, families[f].name, labels, (double) value);
            }
        }
    }

  chorus_exposition_family (out, "chorus_up", CHORUS_METRIC_GAUGE,
                            "Whether the check runs: 1, or 0 when it could not start or its "
                            "last round failed to send");
  for (guint i = 0; i < runs->len; i++)
    {
      CheckRun *run = g_ptr_array_index (runs, i);
      const char *labels[] = { "check", run->check->name,
                               "kind", chorus_check_kind_to_string (run->check->kind), NULL };

      chorus_exposition_sample (out, "chorus_up", labels, run->up ? 1 : 0);
    }
}

static void
render_build_info (GString *out)
{
  const char *labels[] = { "version", PACKAGE_VERSION, NULL };

  chorus_exposition_family (out, "chorus_build_info", CHORUS_METRIC_GAUGE,
                            "Always 1; the version of chorus-cli monitor in its label");
  chorus_exposition_sample (out, "chorus_build_info", labels, 1);
}

void
chorus_monitor_render (ChorusMonitor *self,
                       GString       *out)
{
  g_return_if_fail (CHORUS_IS_MONITOR (self));

  render_build_info (out);
  render_runs (self->runs, out);
}

/* The service */

static void
chorus_monitor_dispose (GObject *object)
{
  ChorusMonitor *self = CHORUS_MONITOR (object);

  chorus_monitor_stop (self);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->config, chorus_monitor_config_free);

  G_OBJECT_CLASS (chorus_monitor_parent_class)->dispose (object);
}

static void
chorus_monitor_class_init (ChorusMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chorus_monitor_dispose;

  /**
   * ChorusMonitor::check-failed:
   * @name: the check's name
   * @error: why
   *
   * A check could not start (it tries again every
   * %CHORUS_MONITOR_RETRY_SECONDS), or its service failed mid-round.
   */
  signals[CHECK_FAILED] =
    g_signal_new ("check-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  signals[ROUND_FINISHED] =
    g_signal_new ("round-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * ChorusMonitor::finished:
   *
   * Once (chorus_monitor_set_once()): every check has run its round.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
chorus_monitor_init (ChorusMonitor *self)
{
  self->runs = g_ptr_array_new_with_free_func (check_run_free);
}

ChorusMonitor *
chorus_monitor_new (void)
{
  return g_object_new (CHORUS_TYPE_MONITOR, NULL);
}

static gboolean
checks_equal (const ChorusMonitorCheck *a,
              const ChorusMonitorCheck *b)
{
  return a->kind == b->kind && g_str_equal (a->name, b->name)
         && g_strcmp0 (a->group, b->group) == 0 && a->port == b->port
         && g_strcmp0 (a->interface, b->interface) == 0 && a->count == b->count
         && a->interval == b->interval && a->wait == b->wait && a->spread == b->spread
         && a->ttl == b->ttl && a->max_series == b->max_series
         && g_strcmp0 (a->server, b->server) == 0 && a->protocol == b->protocol
         && g_strcmp0 (a->reply_name, b->reply_name) == 0;
}

static void
on_once_round_done (CheckRun *run,
                    gpointer  user_data)
{
  ChorusMonitor *self = user_data;

  if (self->n_pending > 0 && --self->n_pending == 0)
    g_signal_emit (self, signals[FINISHED], 0);
}

static void
run_attach (ChorusMonitor *self,
            CheckRun      *run)
{
  run->monitor = self;
  run->once = self->once;
  if (self->once)
    {
      run->round_done = on_once_round_done;
      run->round_data = self;
      self->n_pending++;
    }
}

void
chorus_monitor_set_config (ChorusMonitor       *self,
                           ChorusMonitorConfig *config)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (CHORUS_IS_MONITOR (self));
  g_return_if_fail (config != NULL);

  old = g_steal_pointer (&self->runs);
  self->runs = g_ptr_array_new_with_free_func (check_run_free);

  for (guint i = 0; i < config->checks->len; i++)
    {
      const ChorusMonitorCheck *check = g_ptr_array_index (config->checks, i);
      CheckRun *run = NULL;

      for (guint j = 0; j < old->len; j++)
        {
          CheckRun *candidate = g_ptr_array_index (old, j);

          if (checks_equal (candidate->check, check))
            {
              run = g_ptr_array_steal_index (old, j);
              break;
            }
        }

      if (run == NULL)
        {
          run = check_run_new (check);
          run_attach (self, run);
          if (self->running)
            start_round (run);
        }
      g_ptr_array_add (self->runs, run);
    }

  /* The checks gone may be inside their service's signal. */
  g_ptr_array_set_free_func (old, NULL);
  for (guint i = 0; i < old->len; i++)
    {
      CheckRun *run = g_ptr_array_index (old, i);

      check_run_stop (run);
      g_idle_add (free_run_idle, run);
    }

  g_clear_pointer (&self->config, chorus_monitor_config_free);
  self->config = config;
}

void
chorus_monitor_set_once (ChorusMonitor *self,
                         gboolean       once)
{
  g_return_if_fail (CHORUS_IS_MONITOR (self));
  g_return_if_fail (!self->running);

  self->once = once;
  for (guint i = 0; i < self->runs->len; i++)
    {
      CheckRun *run = g_ptr_array_index (self->runs, i);

      if (run->once != once)
        {
          run->once = FALSE;
          run->round_done = NULL;
          if (once)
            run_attach (self, run);
        }
    }
}

void
chorus_monitor_start (ChorusMonitor *self)
{
  g_return_if_fail (CHORUS_IS_MONITOR (self));

  if (self->running)
    return;
  self->running = TRUE;

  if (self->once && self->runs->len == 0)
    {
      g_signal_emit (self, signals[FINISHED], 0);
      return;
    }

  for (guint i = 0; i < self->runs->len && self->running; i++)
    start_round (g_ptr_array_index (self->runs, i));
}

void
chorus_monitor_stop (ChorusMonitor *self)
{
  g_return_if_fail (CHORUS_IS_MONITOR (self));

  self->running = FALSE;
  for (guint i = 0; self->runs != NULL && i < self->runs->len; i++)
    check_run_stop (g_ptr_array_index (self->runs, i));
}

gboolean
chorus_monitor_get_running (ChorusMonitor *self)
{
  g_return_val_if_fail (CHORUS_IS_MONITOR (self), FALSE);

  return self->running;
}

guint
chorus_monitor_get_n_down (ChorusMonitor *self)
{
  guint down = 0;

  g_return_val_if_fail (CHORUS_IS_MONITOR (self), 0);

  for (guint i = 0; i < self->runs->len; i++)
    if (!((CheckRun *) g_ptr_array_index (self->runs, i))->up)
      down++;
  return down;
}

/* One-shot /probe */

typedef struct
{
  CheckRun *run;
  guint timeout_id;
  gulong cancelled_id;
  GCancellable *cancellable;
  GError *error;
} ProbeData;

static void
probe_data_free (gpointer data)
{
  ProbeData *probe = data;

  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->cancellable != NULL)
    g_cancellable_disconnect (probe->cancellable, probe->cancelled_id);
  g_clear_object (&probe->cancellable);
  if (probe->run != NULL)
    {
      check_run_stop (probe->run);
      g_idle_add (free_run_idle, probe->run);
    }
  g_clear_error (&probe->error);
  g_free (probe);
}

static void
on_probe_round_done (CheckRun *run,
                     gpointer  user_data)
{
  GTask *task = user_data;
  ProbeData *probe = g_task_get_task_data (task);
  g_autoptr(GPtrArray) runs = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  gboolean success = FALSE;
  double duration = (double) (g_get_monotonic_time () - run->started_usec) / G_USEC_PER_SEC;

  run->round_done = NULL;
  g_clear_handle_id (&probe->timeout_id, g_source_remove);

  for (guint i = 0; i < chorus_monitor_series_set_get_n (run->series); i++)
    if (chorus_monitor_series_set_nth (run->series, i)->answers > 0)
      success = TRUE;

  chorus_exposition_family (out, "probe_success", CHORUS_METRIC_GAUGE,
                            "1 if any responder answered a probe within the wait");
  chorus_exposition_sample (out, "probe_success", NULL, success ? 1 : 0);
  chorus_exposition_family (out, "probe_duration_seconds", CHORUS_METRIC_GAUGE,
                            "How long the probe took");
  chorus_exposition_sample (out, "probe_duration_seconds", NULL, duration);
  g_ptr_array_add (runs, run);
  render_runs (runs, out);

  g_task_return_pointer (task, g_string_free (out, FALSE), g_free);
  g_object_unref (task);
}

/* Time is up: the round ends now, with the answers it has. */
static gboolean
on_probe_timeout (gpointer user_data)
{
  ProbeData *probe = user_data;
  /* Stopping ends the round, which completes the task and frees probe;
   * the run itself is freed from the main loop. */
  CheckRun *run = probe->run;

  probe->timeout_id = 0;
  if (run->sender != NULL)
    chorus_sender_stop (run->sender);
  else if (run->client != NULL)
    chorus_mping_client_stop (run->client);
  return G_SOURCE_REMOVE;
}

static void
on_probe_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  ProbeData *probe = user_data;

  if (probe->timeout_id != 0)
    {
      g_source_remove (probe->timeout_id);
      probe->timeout_id = g_idle_add (on_probe_timeout, probe);
    }
}

void
chorus_monitor_probe_async (const ChorusMonitorCheck *check,
                            double                    timeout,
                            GCancellable             *cancellable,
                            GAsyncReadyCallback       callback,
                            gpointer                  user_data)
{
  GTask *task;
  ProbeData *probe;

  g_return_if_fail (check != NULL);
  g_return_if_fail (check->kind == CHORUS_CHECK_PROBE || check->kind == CHORUS_CHECK_PING);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chorus_monitor_probe_async);
  probe = g_new0 (ProbeData, 1);
  g_task_set_task_data (task, probe, probe_data_free);

  probe->run = check_run_new (check);
  probe->run->once = TRUE;
  probe->run->round_done = on_probe_round_done;
  probe->run->round_data = task;
  probe->timeout_id = g_timeout_add ((guint) (MAX (timeout, 0.01) * 1000), on_probe_timeout,
                                     probe);
  if (cancellable != NULL)
    {
      probe->cancellable = g_object_ref (cancellable);
      probe->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_probe_cancelled),
                                                   probe, NULL);
    }

  /* A round that cannot start ends at once, and answers failure. */
  start_round (probe->run);
}

char *
chorus_monitor_probe_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
