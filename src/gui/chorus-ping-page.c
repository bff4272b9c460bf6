/* chorus-ping-page.c: ask a multicast ping server whether its multicast
 * reaches this computer, and answer others who ask
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-gui-utils-private.h"
#include "chorus-interface-row.h"
#include "chorus-mping.h"
#include "chorus-ping-page-private.h"
#include "chorus-responder-private.h"
#include "chorus-rtt-chart.h"

/* The shortest interval between queries, and the longest of a value. */
#define MIN_INTERVAL 0.01
#define MAX_SECONDS  86400

/* What one path's card shows. */
typedef struct
{
  GtkLabel *answered;
  GtkLabel *loss;
  GtkLabel *rtt;
  GtkLabel *range;
  GtkLabel *jitter;
  GtkLabel *hops;
  GtkLabel *join;
} PathLabels;

struct _ChorusPingPage
{
  AdwBin              parent_instance;

  ChorusMpingClient  *client;
  ChorusMpingServer  *server;
  GSettings          *settings;
  GListStore         *paths;

  ChorusField         server_field;
  ChorusField         group;
  ChorusField         interval;
  ChorusField         count;
  ChorusField         wait;

  ChorusInterfaceRow *interface_row;
  GtkLabel           *group_help_label;
  AdwExpanderRow     *timing_row;
  GtkLabel           *errors_label;
  GtkWidget          *controls_box;
  guint               reveal_id;
  guint               reveal_frames;
  GtkLabel           *status_label;
  GtkButton          *toggle_button;
  GtkStack           *results_stack;
  GtkWidget          *verdict_box;
  GtkImage           *verdict_icon;
  GtkLabel           *verdict_label;
  GtkLabel           *verdict_detail_label;
  gint64              run_ended; /* monotonic µs, 0 while running or before a run */
  ChorusRttChart     *chart;
  PathLabels          unicast;
  PathLabels          multicast;

  AdwActionRow       *serve_row;
  GtkSwitch          *serve_switch;
  GtkWidget          *clients_box;
  GtkNoSelection     *clients_selection;
};

G_DEFINE_FINAL_TYPE (ChorusPingPage, chorus_ping_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_INTERFACES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the fields say, once every one of them is valid. */
typedef struct
{
  guint  count;
  double interval;
  double wait;
} PingRequest;

static const char *
field_text (ChorusField *field)
{
  return gtk_editable_get_text (GTK_EDITABLE (field->row));
}

static gboolean
check_at_most (double       seconds,
               const char  *what,
               GError     **error)
{
  if (seconds <= MAX_SECONDS)
    return TRUE;

  /* Translators: the first %s names a field, such as “Spread” */
  g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE, _("%s is at most %g seconds"),
               what, (double) MAX_SECONDS);
  return FALSE;
}

/* Under an empty group row: which group the answers go to. */
static void
chorus_ping_page_explain_group (ChorusPingPage *self,
                                GInetAddress   *server)
{
  g_autofree char *text = NULL;
  g_autofree char *group = g_strstrip (g_strdup (field_text (&self->group)));
  gboolean empty = group[0] == '\0';

  gtk_widget_set_visible (GTK_WIDGET (self->group_help_label), empty);
  if (!empty)
    return;

  if (server != NULL && g_inet_address_get_family (server) == G_SOCKET_FAMILY_IPV6)
    /* Translators: %s is an IPv6 multicast group */
    text = g_strdup_printf (_("Empty for %s, the source-specific group multicast ping servers "
                              "answer to"),
                            CHORUS_MPING_GROUP_IPV6);
  else if (server != NULL)
    /* Translators: %s is an IPv4 multicast group */
    text = g_strdup_printf (_("Empty for %s, the source-specific group multicast ping servers "
                              "answer to"),
                            CHORUS_MPING_GROUP_IPV4);
  else
    /* Translators: the first %s is an IPv4 multicast group, the second an IPv6 one */
    text = g_strdup_printf (_("Empty for %s (%s for an IPv6 server), the source-specific group "
                              "multicast ping servers answer to"),
                            CHORUS_MPING_GROUP_IPV4, CHORUS_MPING_GROUP_IPV6);
  gtk_label_set_text (self->group_help_label, text);
}

/* Checks every field, marks the invalid ones and fills @request.
 * Returns whether all are valid. An empty server is not marked, as
 * nothing has been typed yet, but it is not valid either. */
static gboolean
chorus_ping_page_check (ChorusPingPage *self,
                        PingRequest    *request)
{
  g_autoptr(GError) server_error = NULL;
  g_autoptr(GError) group_error = NULL;
  g_autoptr(GError) interval_error = NULL;
  g_autoptr(GError) count_error = NULL;
  g_autoptr(GError) wait_error = NULL;
  g_autoptr(GInetAddress) server = NULL;
  g_autofree char *server_text = g_strstrip (g_strdup (field_text (&self->server_field)));
  g_autofree char *group_text = g_strstrip (g_strdup (field_text (&self->group)));
  gboolean valid;

  if (server_text[0] != '\0')
    server = chorus_mping_parse_server (server_text, NULL, &server_error);

  if (group_text[0] != '\0')
    {
      g_autoptr(ChorusGroup) group = chorus_group_parse (group_text, &group_error);

      if (group != NULL && server != NULL
          && chorus_group_get_family (group) != g_inet_address_get_family (server))
        g_set_error (&group_error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     g_inet_address_get_family (server) == G_SOCKET_FAMILY_IPV6
                       ? _("%s is an IPv4 group and the server an IPv6 address: give a group "
                           "and a server of the same family")
                       : _("%s is an IPv6 group and the server an IPv4 address: give a group "
                           "and a server of the same family"),
                     group_text);
      else if (group != NULL)
        _chorus_check_interface (group, chorus_interface_row_get_ifindex (self->interface_row),
                                 &group_error);
    }

  if (chorus_parse_seconds (field_text (&self->interval), _("Interval"), MIN_INTERVAL,
                            &request->interval, &interval_error))
    check_at_most (request->interval, _("Interval"), &interval_error);
  chorus_parse_probe_count (field_text (&self->count), &request->count, &count_error);
  if (chorus_parse_seconds (field_text (&self->wait), _("Wait time"), 0, &request->wait,
                            &wait_error))
    check_at_most (request->wait, _("Wait time"), &wait_error);

  chorus_ping_page_explain_group (self, server);

  {
    ChorusField *const fields[] = { &self->server_field, &self->group, &self->interval,
                                    &self->count, &self->wait };
    const GError *const errors[] = { server_error, group_error, interval_error, count_error,
                                     wait_error };
    gboolean timing_valid = interval_error == NULL && count_error == NULL && wait_error == NULL;

    /* An error inside the collapsed timing row must not go unseen; not
     * for the settings read at start-up, which may be half applied. */
    if (!timing_valid && gtk_widget_get_mapped (GTK_WIDGET (self)))
      adw_expander_row_set_expanded (self->timing_row, TRUE);

    valid = _chorus_fields_report (fields, errors, G_N_ELEMENTS (fields), self->errors_label);
  }

  return valid && server != NULL;
}

/* The collapsed timing row says what the timing is. */
static void
chorus_ping_page_update_timing (ChorusPingPage *self)
{
  g_autofree char *every = NULL;
  g_autofree char *summary = NULL;
  double interval;
  guint count;

  if (!chorus_parse_seconds (field_text (&self->interval), _("Interval"), MIN_INTERVAL,
                             &interval, NULL)
      || !chorus_parse_probe_count (field_text (&self->count), &count, NULL))
    {
      adw_expander_row_set_subtitle (self->timing_row, "");
      return;
    }

  /* Translators: how often queries go, such as “Every 0.5 s” */
  every = g_strdup_printf (_("Every %g s"), interval);
  if (count == 0)
    /* Translators: %s is “Every 0.5 s”, as translated above */
    summary = g_strdup_printf (_("%s, until stopped"), every);
  else
    /* Translators: %s is “Every 0.5 s”, as translated above; %u a number of queries */
    summary = g_strdup_printf (ngettext ("%s, %u query", "%s, %u queries", count), every, count);

  adw_expander_row_set_subtitle (self->timing_row, summary);
}

static void
chorus_ping_page_update_action (ChorusPingPage *self)
{
  PingRequest request = { 0 };
  gboolean valid = chorus_ping_page_check (self, &request);

  /* Stopping is always possible. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ping.toggle",
                                 valid || chorus_mping_client_get_running (self->client));
}

static void
on_field_changed (ChorusPingPage *self)
{
  chorus_ping_page_update_action (self);
  chorus_ping_page_update_timing (self);
}

static void
set_label (GtkLabel   *label,
           const char *text)
{
  /* Setting the same text again would still notify screen readers. */
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static char *
format_ms (gint64 usec)
{
  /* Translators: a round trip time in milliseconds */
  return g_strdup_printf (_("%.2f ms"), usec / 1000.0);
}

static void
chorus_ping_page_show_path (ChorusPingPage  *self,
                            PathLabels      *labels,
                            ChorusResponder *path)
{
  const ChorusResponderStats *stats = chorus_responder_get_stats (path);
  gboolean heard = stats->rtt_count > 0;
  g_autofree char *answered = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *rtt = NULL;
  g_autofree char *range = NULL;
  g_autofree char *jitter = NULL;
  g_autofree char *hops = NULL;
  g_autofree char *join = NULL;

  /* Of the queries whose wait is over, how many this path answered. */
  answered = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, stats->received,
                              stats->sent);
  if (stats->sent > 0)
    /* Translators: a loss in per cent */
    loss = g_strdup_printf (_("%.1f %%"), chorus_responder_stats_get_loss (stats));
  if (heard)
    {
      g_autofree char *min = format_ms (stats->rtt_min_usec);
      g_autofree char *max = format_ms (stats->rtt_max_usec);

      rtt = format_ms ((gint64) chorus_responder_stats_get_rtt_avg (stats));
      /* Translators: the shortest and the longest round trip */
      range = g_strdup_printf (_("%s – %s"), min, max);
      jitter = format_ms ((gint64) stats->jitter_usec);
    }
  if (stats->hops >= 0 && stats->hops_estimated)
    /* Translators: an estimated number of hops, from the arrival TTL */
    hops = g_strdup_printf (_("≈ %d"), stats->hops);
  else if (stats->hops >= 0)
    hops = g_strdup_printf ("%d", stats->hops);
  if (stats->join_usec >= 0)
    join = format_ms (stats->join_usec);

  set_label (labels->answered, answered);
  set_label (labels->loss, loss != NULL ? loss : "—");
  set_label (labels->rtt, rtt != NULL ? rtt : "—");
  set_label (labels->range, range != NULL ? range : "—");
  set_label (labels->jitter, jitter != NULL ? jitter : "—");
  set_label (labels->hops, hops != NULL ? hops : "—");
  if (labels->join != NULL)
    set_label (labels->join, join != NULL ? join : "—");
}

/* "15/22 answered by multicast, 22/22 by unicast": the run's totals, under
 * what is true now. */
static char *
format_totals (const ChorusResponderStats *unicast,
               const ChorusResponderStats *multicast)
{
  g_autofree char *by_multicast = NULL;
  g_autofree char *by_unicast = NULL;

  if (multicast->sent == 0)
    return NULL;

  by_multicast = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                                  multicast->received, multicast->sent);
  by_unicast = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, unicast->received,
                                unicast->sent);
  /* Translators: totals of a ping run; each %s is “answered/asked” */
  return g_strdup_printf (_("Over the whole run: %s answered by multicast, %s by unicast"),
                          by_multicast, by_unicast);
}

void
_chorus_ping_page_show_verdict (ChorusPingPage     *self,
                                ChorusMpingVerdict  verdict,
                                const char         *server,
                                double              stopped_seconds,
                                const char         *totals)
{
  const char *const styles[] = { "success", "warning", "error" };
  const char *style = NULL;
  const char *icon = NULL;
  g_autofree char *text = NULL;

  switch (verdict)
    {
    case CHORUS_MPING_VERDICT_MULTICAST:
      text = g_strdup (_("Multicast reaches this computer"));
      style = "success";
      icon = "emblem-ok-symbolic";
      break;
    case CHORUS_MPING_VERDICT_MULTICAST_STOPPED:
      {
        guint seconds = (guint) MAX (stopped_seconds + 0.5, 1);

        /* Translators: %u is a number of seconds */
        text = g_strdup_printf (ngettext ("Multicast stopped arriving %u second ago",
                                          "Multicast stopped arriving %u seconds ago", seconds),
                                seconds);
        style = "warning";
        icon = "dialog-warning-symbolic";
      }
      break;
    case CHORUS_MPING_VERDICT_UNICAST_ONLY:
      /* Translators: %s is the server's address */
      text = g_strdup_printf (_("Multicast never arrived: only unicast answers from %s"), server);
      style = "error";
      icon = "dialog-error-symbolic";
      break;
    case CHORUS_MPING_VERDICT_NO_ANSWER:
      /* Translators: %s is the server's address */
      text = g_strdup_printf (_("No answer from %s"), server);
      style = "error";
      icon = "dialog-error-symbolic";
      break;
    case CHORUS_MPING_VERDICT_WAITING:
    default:
      /* Translators: %s is the server's address */
      text = g_strdup_printf (_("Waiting for answers from %s…"), server);
      break;
    }

  set_label (self->verdict_label, text);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_strcmp0 (style, styles[i]) != 0)
      gtk_widget_remove_css_class (self->verdict_box, styles[i]);
  if (style != NULL)
    gtk_widget_add_css_class (self->verdict_box, style);
  gtk_widget_set_visible (GTK_WIDGET (self->verdict_icon), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (self->verdict_icon, icon);

  gtk_widget_set_visible (GTK_WIDGET (self->verdict_detail_label), totals != NULL);
  if (totals != NULL)
    set_label (self->verdict_detail_label, totals);
}

/* The result in words, as the run goes: what the last few queries say,
 * with the totals beneath. */
static void
chorus_ping_page_update_verdict (ChorusPingPage *self)
{
  ChorusResponder *unicast = chorus_mping_client_get_unicast (self->client);
  ChorusResponder *multicast = chorus_mping_client_get_multicast (self->client);
  ChorusMpingVerdict verdict = chorus_mping_client_get_verdict (self->client);
  const ChorusResponderStats *multicast_stats = chorus_responder_get_stats (multicast);
  g_autofree char *totals = format_totals (chorus_responder_get_stats (unicast),
                                           multicast_stats);
  gint64 now = self->run_ended != 0 ? self->run_ended : g_get_monotonic_time ();
  double stopped = 0;

  if (verdict == CHORUS_MPING_VERDICT_WAITING
      && chorus_mping_client_get_n_settled (self->client) > 0)
    verdict = CHORUS_MPING_VERDICT_NO_ANSWER;
  if (multicast_stats->last_heard_usec != 0)
    stopped = (double) (now - multicast_stats->last_heard_usec) / G_USEC_PER_SEC;

  _chorus_ping_page_show_verdict (self, verdict, chorus_responder_get_address (unicast), stopped,
                                  totals);
}

static void
on_updated (ChorusPingPage *self)
{
  chorus_ping_page_show_path (self, &self->unicast, chorus_mping_client_get_unicast (self->client));
  chorus_ping_page_show_path (self, &self->multicast,
                              chorus_mping_client_get_multicast (self->client));
  chorus_ping_page_update_verdict (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

/* Each run brings new paths: the chart follows them, named as the cards
 * are, since the client leaves them nameless. */
static void
on_paths_changed (ChorusPingPage *self)
{
  ChorusResponder *unicast = chorus_mping_client_get_unicast (self->client);
  ChorusResponder *multicast = chorus_mping_client_get_multicast (self->client);
  const char *unicast_name = C_("path", "Unicast");
  const char *multicast_name = C_("path", "Multicast");
  gpointer items[] = { unicast, multicast };

  _chorus_responder_set_name (unicast, unicast_name, strlen (unicast_name));
  _chorus_responder_set_name (multicast, multicast_name, strlen (multicast_name));
  g_list_store_splice (self->paths, 0, g_list_model_get_n_items (G_LIST_MODEL (self->paths)),
                       items, G_N_ELEMENTS (items));
  on_updated (self);
}

static void
chorus_ping_page_set_status (ChorusPingPage *self,
                             const char     *status,
                             const char     *style)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), style);
  gtk_label_set_text (self->status_label, status);
}

/* Once a run starts, the page scrolls so that the Stop button, the
 * verdict, the cards and the chart fill the window rather than the
 * form. Done once the results are laid out. */
static gboolean
chorus_ping_page_reveal_results (GtkWidget     *widget,
                                 GdkFrameClock *frame_clock,
                                 gpointer       user_data)
{
  ChorusPingPage *self = CHORUS_PING_PAGE (widget);
  /* The page's own child: bound as a template child, it would be
   * unparented twice on dispose. */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (adw_bin_get_child (ADW_BIN (self)));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  GtkWidget *content = gtk_scrolled_window_get_child (scroller);
  double x, y;

  if (!gtk_widget_translate_coordinates (self->controls_box, content, 0, 0, &x, &y))
    {
      self->reveal_id = 0;
      return G_SOURCE_REMOVE;
    }

  /* Until the results are laid out, the page is not yet long enough. */
  if (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) < y - 6
      && ++self->reveal_frames < 30)
    return G_SOURCE_CONTINUE;

  gtk_adjustment_set_value (adjustment, y - 6);
  self->reveal_id = 0;

  return G_SOURCE_REMOVE;
}

static void
on_running_changed (ChorusPingPage *self)
{
  gboolean running = chorus_mping_client_get_running (self->client);
  GtkWidget *button = GTK_WIDGET (self->toggle_button);

  self->run_ended = running ? 0 : g_get_monotonic_time ();
  if (running)
    {
      g_autofree char *status = NULL;

      _chorus_button_set_label (self->toggle_button, _("_Stop Pinging"));
      gtk_widget_set_tooltip_text (button, _("Stop asking the server (Ctrl+Enter)"));
      gtk_widget_remove_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "destructive-action");
      /* Translators: the first %s is a server's address, the second a group */
      status = g_strdup_printf (_("Asking %s, answers to %s"),
                                chorus_mping_client_get_server (self->client),
                                chorus_mping_client_get_run_group (self->client));
      chorus_ping_page_set_status (self, status, NULL);

      if (self->reveal_id == 0)
        {
          self->reveal_frames = 0;
          self->reveal_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                          chorus_ping_page_reveal_results, NULL,
                                                          NULL);
        }
    }
  else
    {
      _chorus_button_set_label (self->toggle_button, _("_Start Pinging"));
      gtk_widget_set_tooltip_text (button, _("Start asking the server (Ctrl+Enter)"));
      gtk_widget_remove_css_class (button, "destructive-action");
      gtk_widget_add_css_class (button, "suggested-action");
      /* A failure stays until the next run. */
      if (!gtk_widget_has_css_class (GTK_WIDGET (self->status_label), "error"))
        chorus_ping_page_set_status (self, _("Not pinging"), NULL);
    }

  /* The last run's results stay readable once it ends. */
  if (running || chorus_mping_client_get_n_sent (self->client) > 0)
    gtk_stack_set_visible_child_name (self->results_stack, "results");

  chorus_ping_page_update_action (self);
  on_updated (self);
}

static void
chorus_ping_page_fail (ChorusPingPage *self,
                       const char     *message)
{
  /* The whole message stays beside the button; the toast alerts. */
  chorus_ping_page_set_status (self, message, "error");
  _chorus_show_toast (GTK_WIDGET (self), message);
}

static void
on_failed (ChorusPingPage *self,
           const GError   *error)
{
  chorus_ping_page_fail (self, error->message);
}

static void
chorus_ping_page_toggle_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  ChorusPingPage *self = CHORUS_PING_PAGE (widget);
  PingRequest request = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *group = NULL;

  if (chorus_mping_client_get_running (self->client))
    {
      chorus_mping_client_stop (self->client);
      return;
    }

  if (!chorus_ping_page_check (self, &request))
    return;

  chorus_ping_page_set_status (self, "", NULL);

  server = g_strstrip (g_strdup (field_text (&self->server_field)));
  group = g_strstrip (g_strdup (field_text (&self->group)));
  g_object_freeze_notify (G_OBJECT (self->client));
  chorus_mping_client_set_server (self->client, server);
  chorus_mping_client_set_group (self->client, group);
  chorus_mping_client_set_count (self->client, request.count);
  chorus_mping_client_set_interval (self->client, request.interval);
  chorus_mping_client_set_wait (self->client, request.wait);
  g_object_thaw_notify (G_OBJECT (self->client));

  chorus_rtt_chart_set_interval (self->chart, request.interval);

  if (!chorus_mping_client_start (self->client, &error))
    chorus_ping_page_fail (self, error->message);
}

/* The server. */

static void
chorus_ping_page_update_server (ChorusPingPage *self)
{
  GListModel *clients = chorus_mping_server_get_clients (self->server);
  guint n_clients = g_list_model_get_n_items (clients);
  guint64 answered = chorus_mping_server_get_n_answered (self->server);
  g_autofree char *subtitle = NULL;

  if (!chorus_mping_server_get_running (self->server))
    /* Translators: %u is a UDP port number */
    subtitle = g_strdup_printf (_("Off: port %u is not open"),
                                chorus_mping_server_get_port (self->server));
  else if (n_clients == 0)
    /* Translators: %u is a UDP port number */
    subtitle = g_strdup_printf (_("Listening on port %u; no client yet"),
                                chorus_mping_server_get_port (self->server));
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, answered);
      /* Translators: %s is a number of queries */
      g_autofree char *queries = g_strdup_printf (ngettext ("%s query answered",
                                                            "%s queries answered",
                                                            (gulong) MIN (answered, G_MAXULONG)),
                                                  number);

      /* Translators: %s is “12 queries answered”; %u a number of clients */
      subtitle = g_strdup_printf (ngettext ("%s, from %u client", "%s, from %u clients",
                                            n_clients),
                                  queries, n_clients);
    }

  adw_action_row_set_subtitle (self->serve_row, subtitle);
  gtk_widget_set_visible (self->clients_box, n_clients > 0);
}

static void
on_server_running_changed (ChorusPingPage *self)
{
  gboolean running = chorus_mping_server_get_running (self->server);

  /* The switch follows the server, also when it stops by itself. */
  if (gtk_switch_get_active (self->serve_switch) != running)
    gtk_switch_set_active (self->serve_switch, running);
  chorus_ping_page_update_server (self);
}

static void
on_serve_switch_active (ChorusPingPage *self)
{
  gboolean active = gtk_switch_get_active (self->serve_switch);
  g_autoptr(GError) error = NULL;

  if (active == chorus_mping_server_get_running (self->server))
    return;

  if (!active)
    {
      chorus_mping_server_stop (self->server);
      return;
    }

  chorus_mping_server_set_interface (self->server,
                                     chorus_interface_row_get_interface_name (self->interface_row));
  if (!chorus_mping_server_start (self->server, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why, such as “Address already in use” */
      message = g_strdup_printf (_("Could not answer multicast ping: %s"), error->message);
      gtk_switch_set_active (self->serve_switch, FALSE);
      adw_action_row_set_subtitle (self->serve_row, message);
      _chorus_show_toast (GTK_WIDGET (self), message);
    }
}

/* The clients' cells. The first argument is the list item. */

static char *
format_generation (gpointer    unused,
                   const char *generation)
{
  if (g_strcmp0 (generation, "rfc6450") == 0)
    return g_strdup ("RFC 6450");
  return g_strdup (generation);
}

static char *
format_answered (gpointer unused,
                 guint64  answered,
                 guint64  queries)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, answered, queries);
}

static void
chorus_ping_page_dispose (GObject *object)
{
  ChorusPingPage *self = CHORUS_PING_PAGE (object);

  if (self->client != NULL)
    chorus_mping_client_stop (self->client);
  if (self->server != NULL)
    chorus_mping_server_stop (self->server);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHORUS_TYPE_PING_PAGE);

  G_OBJECT_CLASS (chorus_ping_page_parent_class)->dispose (object);
}

static void
chorus_ping_page_finalize (GObject *object)
{
  ChorusPingPage *self = CHORUS_PING_PAGE (object);

  g_clear_object (&self->client);
  g_clear_object (&self->server);
  g_clear_object (&self->paths);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (chorus_ping_page_parent_class)->finalize (object);
}

static void
chorus_ping_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChorusPingPage *self = CHORUS_PING_PAGE (object);

  switch (prop_id)
    {
    case PROP_INTERFACES:
      g_value_set_object (value, chorus_interface_row_get_interfaces (self->interface_row));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_ping_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ChorusPingPage *self = CHORUS_PING_PAGE (object);

  switch (prop_id)
    {
    case PROP_INTERFACES:
      chorus_interface_row_set_interfaces (self->interface_row, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define BIND_FIELD(member, name)                                                              \
  G_STMT_START                                                                                \
  {                                                                                           \
    gtk_widget_class_bind_template_child_full (widget_class, name "_row", FALSE,              \
                                               G_STRUCT_OFFSET (ChorusPingPage, member.row)); \
    gtk_widget_class_bind_template_child_full (widget_class, name "_icon", FALSE,             \
                                               G_STRUCT_OFFSET (ChorusPingPage,               \
                                                                member.icon));                \
  }                                                                                           \
  G_STMT_END

#define BIND_STAT(path, key)                                                                  \
  gtk_widget_class_bind_template_child_full (widget_class, #path "_" #key "_label", FALSE,    \
                                             G_STRUCT_OFFSET (ChorusPingPage, path.key))

static void
chorus_ping_page_class_init (ChorusPingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chorus_ping_page_dispose;
  object_class->finalize = chorus_ping_page_finalize;
  object_class->get_property = chorus_ping_page_get_property;
  object_class->set_property = chorus_ping_page_set_property;

  /* The host's interfaces, to choose the one answers arrive on. */
  properties[PROP_INTERFACES] =
    g_param_spec_object ("interfaces", NULL, NULL, CHORUS_TYPE_INTERFACE_LIST,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CHORUS_TYPE_MPING_CLIENT_SESSION);
  g_type_ensure (CHORUS_TYPE_INTERFACE_ROW);
  g_type_ensure (CHORUS_TYPE_RTT_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/chorus-ping-page.ui");
  BIND_FIELD (server_field, "server");
  BIND_FIELD (group, "group");
  BIND_FIELD (interval, "interval");
  BIND_FIELD (count, "count");
  BIND_FIELD (wait, "wait");
  BIND_STAT (unicast, answered);
  BIND_STAT (unicast, loss);
  BIND_STAT (unicast, rtt);
  BIND_STAT (unicast, range);
  BIND_STAT (unicast, jitter);
  BIND_STAT (unicast, hops);
  BIND_STAT (multicast, answered);
  BIND_STAT (multicast, loss);
  BIND_STAT (multicast, rtt);
  BIND_STAT (multicast, range);
  BIND_STAT (multicast, jitter);
  BIND_STAT (multicast, hops);
  BIND_STAT (multicast, join);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, interface_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, group_help_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, timing_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, errors_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, toggle_button);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, verdict_detail_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, chart);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, serve_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, serve_switch);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, clients_box);
  gtk_widget_class_bind_template_child (widget_class, ChorusPingPage, clients_selection);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_serve_switch_active);
  gtk_widget_class_bind_template_callback (widget_class, format_generation);
  gtk_widget_class_bind_template_callback (widget_class, format_answered);

  gtk_widget_class_install_action (widget_class, "ping.toggle", NULL,
                                   chorus_ping_page_toggle_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "ping.toggle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "ping.toggle", NULL);
}

static void
chorus_ping_page_init (ChorusPingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->client = chorus_mping_client_new ();
  self->server = chorus_mping_server_new ();
  self->paths = g_list_store_new (CHORUS_TYPE_RESPONDER);
  chorus_rtt_chart_set_model (self->chart, G_LIST_MODEL (self->paths));
  gtk_no_selection_set_model (self->clients_selection,
                              chorus_mping_server_get_clients (self->server));

  g_signal_connect_object (self->client, "notify::running", G_CALLBACK (on_running_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::unicast", G_CALLBACK (on_paths_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "updated", G_CALLBACK (on_updated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "failed", G_CALLBACK (on_failed), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->server, "notify::running",
                           G_CALLBACK (on_server_running_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->server, "notify::n-answered",
                           G_CALLBACK (chorus_ping_page_update_server), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (chorus_mping_server_get_clients (self->server), "items-changed",
                           G_CALLBACK (chorus_ping_page_update_server), self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "ping-server", self->server_field.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ping-group", self->group.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ping-interval", self->interval.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ping-count", self->count.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ping-wait", self->wait.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "ping-interface", self->interface_row, "interface-name",
                   G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->interface_row, "interface-name", self->client, "interface",
                          G_BINDING_SYNC_CREATE);

  on_paths_changed (self);
  on_field_changed (self);
  on_running_changed (self);
  chorus_ping_page_update_server (self);
}

GtkWidget *
chorus_ping_page_new (void)
{
  return g_object_new (CHORUS_TYPE_PING_PAGE, NULL);
}

/**
 * chorus_ping_page_get_client:
 *
 * Returns: (transfer none): the multicast ping client the page drives
 */
ChorusMpingClient *
chorus_ping_page_get_client (ChorusPingPage *self)
{
  g_return_val_if_fail (CHORUS_IS_PING_PAGE (self), NULL);

  return self->client;
}

/**
 * chorus_ping_page_get_server:
 *
 * Returns: (transfer none): the multicast ping server of the page's
 *   switch
 */
ChorusMpingServer *
chorus_ping_page_get_server (ChorusPingPage *self)
{
  g_return_val_if_fail (CHORUS_IS_PING_PAGE (self), NULL);

  return self->server;
}
