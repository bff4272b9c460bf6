/* chorus-probe-page.c: probe a group and see how well each host answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-clock.h"
#include "chorus-error.h"
#include "chorus-export.h"
#include "chorus-gui-utils-private.h"
#include "chorus-interface-row.h"
#include "chorus-probe-page.h"
#include "chorus-probe.h"
#include "chorus-rtt-chart.h"

/* The table and the chart follow the responders this often at most. */
#define UPDATE_INTERVAL_MS 250
/* The table re-sorts this often at most: each re-sort rebinds its rows. */
#define RESORT_INTERVAL_US (G_USEC_PER_SEC)
/* The shortest interval between probes. */
#define MIN_INTERVAL       0.01
/* The sender's bounds: a day between probes or for answers, and what
 * receivers accept as a spread. */
#define MAX_SECONDS        86400
#define MAX_SPREAD         10

struct _ChorusProbePage
{
  AdwBin              parent_instance;

  ChorusSender       *sender;
  GSettings          *settings;
  gboolean            clock_held;

  ChorusField         group;
  ChorusField         port;
  ChorusField         ttl;
  ChorusField         message;
  ChorusField         interval;
  ChorusField         count;
  ChorusField         spread;
  ChorusField         wait;

  ChorusInterfaceRow *interface_row;
  GtkLabel           *explain_label;
  GtkLabel           *warning_label;
  AdwExpanderRow     *timing_row;
  GtkWidget          *controls_box;
  guint               reveal_id;
  guint               reveal_frames;
  GtkLabel           *errors_label;
  GtkLabel           *status_label;
  GtkButton          *toggle_button;
  GtkStack           *results_stack;
  AdwStatusPage      *waiting_status;
  GtkLabel           *summary_label;
  ChorusRttChart     *chart;
  GtkColumnView      *column_view;
  GtkSortListModel   *sort_model;
  GtkSorter          *sorter; /* the user's column, then worst first */
  GtkSingleSelection *selection;
  gint64              last_resort;
  guint               resort_id;
};

/* Loss from this share on is drawn as a warning, from the second as an
 * error: a host missing one probe in a hundred is worth a look, one in
 * ten is not hearing the group. */
#define LOSS_WARNING_PCT 1.0
#define LOSS_ERROR_PCT   10.0

G_DEFINE_FINAL_TYPE (ChorusProbePage, chorus_probe_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_INTERFACES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What the fields say, once every one of them is valid. */
typedef struct
{
  ChorusGroup *group;
  guint16      port;
  guint8       ttl;
  double       interval;
  guint        count;
  double       spread;
  double       wait;
} ProbeRequest;

static void
probe_request_clear (ProbeRequest *request)
{
  g_clear_pointer (&request->group, chorus_group_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProbeRequest, probe_request_clear)

/* A number of probes; 0 probes until stopped. */
static gboolean
parse_probe_count (const char  *text,
                   guint       *count,
                   GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  guint64 value;

  if (stripped[0] == '\0'
      || !g_ascii_string_to_unsigned (stripped, 10, 0, G_MAXINT, &value, NULL))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("“%s” is not a number of probes: use a whole number, or 0 to probe until "
                     "stopped"),
                   stripped);
      return FALSE;
    }

  *count = (guint) value;
  return TRUE;
}

/* The longest a value of the sender's may be, beyond what
 * chorus_parse_seconds() checks. */
static gboolean
check_at_most (double       seconds,
               double       maximum,
               const char  *what,
               GError     **error)
{
  if (seconds <= maximum)
    return TRUE;

  /* Translators: the first %s names a field, such as “Spread” */
  g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE, _("%s is at most %g seconds"),
               what, maximum);
  return FALSE;
}

static const char *
field_text (ChorusField *field)
{
  return gtk_editable_get_text (GTK_EDITABLE (field->row));
}

/* Checks every field, marks the invalid ones and fills @request.
 * Returns whether all are valid. */
static gboolean
chorus_probe_page_check (ChorusProbePage *self,
                         ProbeRequest    *request)
{
  g_autoptr(GError) group_error = NULL;
  g_autoptr(GError) port_error = NULL;
  g_autoptr(GError) ttl_error = NULL;
  g_autoptr(GError) message_error = NULL;
  g_autoptr(GError) interval_error = NULL;
  g_autoptr(GError) count_error = NULL;
  g_autoptr(GError) spread_error = NULL;
  g_autoptr(GError) wait_error = NULL;

  request->group = chorus_group_parse (field_text (&self->group), &group_error);
  chorus_parse_port (field_text (&self->port), &request->port, &port_error);
  chorus_parse_ttl (field_text (&self->ttl), &request->ttl, &ttl_error);
  if (chorus_parse_seconds (field_text (&self->interval), _("Interval"), MIN_INTERVAL,
                            &request->interval, &interval_error))
    check_at_most (request->interval, MAX_SECONDS, _("Interval"), &interval_error);
  parse_probe_count (field_text (&self->count), &request->count, &count_error);
  if (chorus_parse_seconds (field_text (&self->spread), _("Spread"), 0, &request->spread,
                            &spread_error))
    check_at_most (request->spread, MAX_SPREAD, _("Spread"), &spread_error);
  if (chorus_parse_seconds (field_text (&self->wait), _("Wait time"), 0, &request->wait,
                            &wait_error))
    check_at_most (request->wait, MAX_SECONDS, _("Wait time"), &wait_error);

  if (request->group != NULL
      && !_chorus_check_interface (request->group,
                                   chorus_interface_row_get_ifindex (self->interface_row),
                                   &group_error))
    g_clear_pointer (&request->group, chorus_group_unref);

  /* A probe carries the message after its own fields; it is padded to
   * at least this size, which covers them. */
  if (request->group != NULL)
    chorus_check_payload_size (request->group,
                               strlen (field_text (&self->message))
                                 + CHORUS_WIRE_PROBE_MIN_SIZE,
                               &message_error);

  {
    ChorusInterface *interface = chorus_interface_row_get_interface (self->interface_row);

    _chorus_explain_group (self->explain_label, self->warning_label, request->group, 1,
                           interface != NULL ? chorus_interface_get_mtu (interface) : 0,
                           strlen (field_text (&self->message)) + CHORUS_WIRE_PROBE_MIN_SIZE);
  }

  {
    ChorusField *const fields[] = { &self->group, &self->port, &self->ttl, &self->message,
                                    &self->interval, &self->count, &self->spread, &self->wait };
    const GError *const errors[] = { group_error, port_error, ttl_error, message_error,
                                     interval_error, count_error, spread_error, wait_error };
    gboolean timing_valid = interval_error == NULL && count_error == NULL
                            && spread_error == NULL && wait_error == NULL;

    /* An error inside the collapsed timing row must not go unseen; not
     * for the settings read at start-up, which may be half applied. */
    if (!timing_valid && gtk_widget_get_mapped (GTK_WIDGET (self)))
      adw_expander_row_set_expanded (self->timing_row, TRUE);

    return _chorus_fields_report (fields, errors, G_N_ELEMENTS (fields), self->errors_label);
  }
}

/* The collapsed timing row says what the timing is. */
static void
chorus_probe_page_update_timing (ChorusProbePage *self)
{
  g_autofree char *every = NULL;
  g_autofree char *summary = NULL;
  double interval;
  guint count;

  if (!chorus_parse_seconds (field_text (&self->interval), _("Interval"), MIN_INTERVAL,
                             &interval, NULL)
      || !parse_probe_count (field_text (&self->count), &count, NULL))
    {
      adw_expander_row_set_subtitle (self->timing_row, "");
      return;
    }

  /* Translators: how often probes go, such as “Every 0.5 s” */
  every = g_strdup_printf (_("Every %g s"), interval);
  if (count == 0)
    /* Translators: %s is “Every 0.5 s”, as translated above */
    summary = g_strdup_printf (_("%s, until stopped"), every);
  else
    /* Translators: %s is “Every 0.5 s”, as translated above; %u a number of probes */
    summary = g_strdup_printf (ngettext ("%s, %u probe", "%s, %u probes", count), every, count);

  adw_expander_row_set_subtitle (self->timing_row, summary);
}

static void
chorus_probe_page_update_action (ChorusProbePage *self)
{
  g_auto(ProbeRequest) request = { 0 };
  gboolean valid = chorus_probe_page_check (self, &request);

  /* Stopping is always possible. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.toggle",
                                 valid || chorus_sender_get_running (self->sender));
}

static void
on_field_changed (ChorusProbePage *self)
{
  chorus_probe_page_update_action (self);
  chorus_probe_page_update_timing (self);
}

/* A host as the heading names it: its name, else its address. */
static const char *
responder_title (ChorusResponder *responder)
{
  const char *name = chorus_responder_get_name (responder);

  return name != NULL && *name != '\0' ? name : chorus_responder_get_address (responder);
}

/* The heading names the problem first: hosts silent now, else hosts
 * losing probes with the worst of them, then how far the run is. */
static void
chorus_probe_page_update_summary (ChorusProbePage *self)
{
  GListModel *responders = chorus_sender_get_responders (self->sender);
  guint n = g_list_model_get_n_items (responders);
  guint sent = chorus_sender_get_n_sent (self->sender);
  guint count = chorus_sender_get_count (self->sender);
  g_autoptr(ChorusResponder) worst = NULL;
  g_autoptr(ChorusResponder) first_silent = NULL;
  g_autofree char *probes = NULL;
  g_autofree char *state = NULL;
  g_autofree char *summary = NULL;
  guint64 settled = 0;
  guint silent = 0;
  guint losing = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);
      const ChorusResponderStats *stats = chorus_responder_get_stats (responder);

      settled = MAX (settled, stats->sent);
      /* Whatever its share of answers: it is not answering now. */
      if (chorus_responder_get_reach (responder) == CHORUS_REACH_STOPPED)
        {
          if (silent++ == 0)
            first_silent = g_object_ref (responder);
        }
      else if (stats->lost > 0)
        {
          losing++;
          if (worst == NULL
              || chorus_responder_get_loss (responder) > chorus_responder_get_loss (worst))
            g_set_object (&worst, responder);
        }
    }

  if (count > 0)
    /* Translators: “12 of 100 probes sent” */
    probes = g_strdup_printf (ngettext ("%u of %u probe sent", "%u of %u probes sent", count),
                              sent, count);
  else
    probes = g_strdup_printf (ngettext ("%u probe sent", "%u probes sent", sent), sent);

  if (silent == 1)
    /* Translators: “1 of 8 hosts silent now: rack-6”; the last %s is a host */
    state = g_strdup_printf (ngettext ("%u of %u host silent now: %s",
                                       "%u of %u hosts silent now: %s", n),
                             silent, n, responder_title (first_silent));
  else if (silent > 1)
    /* Translators: “2 of 8 hosts silent now, rack-6 among them” */
    state = g_strdup_printf (ngettext ("%u of %u host silent now, %s among them",
                                       "%u of %u hosts silent now, %s among them", n),
                             silent, n, responder_title (first_silent));
  else if (losing == 1)
    /* Translators: “1 of 8 hosts losing probes: rack-6 13.6 %” */
    state = g_strdup_printf (ngettext ("%u of %u host losing probes: %s %.1f %%",
                                       "%u of %u hosts losing probes: %s %.1f %%", n),
                             losing, n, responder_title (worst),
                             chorus_responder_get_loss (worst));
  else if (losing > 1)
    /* Translators: “3 of 8 hosts losing probes, worst rack-6 13.6 %” */
    state = g_strdup_printf (ngettext ("%u of %u host losing probes, worst %s %.1f %%",
                                       "%u of %u hosts losing probes, worst %s %.1f %%", n),
                             losing, n, responder_title (worst),
                             chorus_responder_get_loss (worst));
  else if (settled > 0)
    /* Translators: “8 hosts, no loss” */
    state = g_strdup_printf (ngettext ("%u host, no loss", "%u hosts, no loss", n), n);
  else
    state = g_strdup_printf (ngettext ("%u host", "%u hosts", n), n);

  /* Translators: “1 of 8 hosts losing probes… · 12 probes sent” */
  summary = g_strdup_printf (_("%s · %s"), state, probes);

  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "error");
  if (silent > 0 || (worst != NULL && chorus_responder_get_loss (worst) >= LOSS_ERROR_PCT))
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "error");
  else if (losing > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "warning");
  /* One line, so that its changes do not lay out the table again; where
   * it is cut short, the whole of it is a hover away. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), summary);
}

/* Once the first host answers, the page scrolls so that the Stop
 * button, the chart and the table fill the window rather than the form.
 * Done on the next frame, once the results are laid out. */
static gboolean
chorus_probe_page_reveal_results (GtkWidget     *widget,
                                  GdkFrameClock *frame_clock,
                                  gpointer       user_data)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (widget);
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
chorus_probe_page_update_stack (ChorusProbePage *self)
{
  GListModel *responders = chorus_sender_get_responders (self->sender);
  const char *page;

  /* The last run's answers stay readable once it ends. */
  if (g_list_model_get_n_items (responders) > 0)
    page = "results";
  else if (chorus_sender_get_running (self->sender) || chorus_sender_get_n_sent (self->sender) > 0)
    page = "waiting";
  else
    page = "empty";

  if (g_str_equal (page, "results") && self->reveal_id == 0
      && !g_str_equal (gtk_stack_get_visible_child_name (self->results_stack), "results"))
    {
      self->reveal_frames = 0;
      self->reveal_id = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                      chorus_probe_page_reveal_results, NULL,
                                                      NULL);
    }

  gtk_stack_set_visible_child_name (self->results_stack, page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.export-responders",
                                 g_list_model_get_n_items (responders) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "probe.export-answers",
                                 chorus_sender_get_n_acks (self->sender) > 0);
}

/* The hosts that hear worst come first: most loss, then the longest
 * round trip; then by address, so that equals keep their places. */
static int
compare_worst_first (gconstpointer a,
                     gconstpointer b,
                     gpointer      unused)
{
  ChorusResponder *first = CHORUS_RESPONDER ((gpointer) a);
  ChorusResponder *second = CHORUS_RESPONDER ((gpointer) b);
  double loss_a = chorus_responder_get_loss (first);
  double loss_b = chorus_responder_get_loss (second);
  double rtt_a = chorus_responder_get_rtt_avg_ms (first);
  double rtt_b = chorus_responder_get_rtt_avg_ms (second);

  if (loss_a != loss_b)
    return loss_a > loss_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  if (rtt_a != rtt_b)
    return rtt_a > rtt_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  return gtk_ordering_from_cmpfunc (g_strcmp0 (chorus_responder_get_address (first),
                                               chorus_responder_get_address (second)));
}

/* Whether the table's rows still follow its sort order. */
static gboolean
chorus_probe_page_is_sorted (ChorusProbePage *self,
                             GtkSorter       *sorter)
{
  GListModel *rows = G_LIST_MODEL (self->sort_model);
  guint n = g_list_model_get_n_items (rows);
  g_autoptr(GObject) previous = NULL;

  if (n > 0)
    previous = g_list_model_get_item (rows, 0);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (rows, i);

      if (gtk_sorter_compare (sorter, previous, item) == GTK_ORDERING_LARGER)
        return FALSE;
      g_set_object (&previous, item);
    }

  return TRUE;
}

static gboolean chorus_probe_page_resort_later (gpointer user_data);

/* A sorted list does not follow changes inside its items by itself:
 * re-sorts when the rows are out of order, at most once per
 * RESORT_INTERVAL_US, as a re-sort makes the table rebind its rows. */
static void
chorus_probe_page_resort (ChorusProbePage *self)
{
  GtkSorter *sorter = self->sorter;
  gint64 now;

  if (self->resort_id != 0 || sorter == NULL || chorus_probe_page_is_sorted (self, sorter))
    return;

  now = g_get_monotonic_time ();
  if (now - self->last_resort < RESORT_INTERVAL_US)
    {
      self->resort_id = g_timeout_add ((self->last_resort + RESORT_INTERVAL_US - now) / 1000 + 1,
                                       chorus_probe_page_resort_later, self);
      return;
    }

  self->last_resort = now;
  gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

static gboolean
chorus_probe_page_resort_later (gpointer user_data)
{
  ChorusProbePage *self = user_data;

  self->resort_id = 0;
  chorus_probe_page_resort (self);

  return G_SOURCE_REMOVE;
}

/* After each batch of the responders' notifications: a re-sort if
 * needed, one redraw, one summary. */
static void
on_responders_updated (ChorusProbePage *self)
{
  chorus_probe_page_resort (self);

  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
  chorus_probe_page_update_summary (self);
  chorus_probe_page_update_stack (self);
}

static void
chorus_probe_page_set_status (ChorusProbePage *self,
                              const char      *status,
                              const char      *style)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), style);
  gtk_label_set_text (self->status_label, status);
}

static void
on_running_changed (ChorusProbePage *self)
{
  gboolean running = chorus_sender_get_running (self->sender);
  GtkWidget *button = GTK_WIDGET (self->toggle_button);

  if (running)
    {
      g_autofree char *endpoint = NULL;
      g_autofree char *status = NULL;
      g_autofree char *waiting = NULL;

      _chorus_button_set_label (self->toggle_button, _("_Stop Probing"));
      gtk_widget_set_tooltip_text (button, _("Stop probing the group (Ctrl+Enter)"));
      gtk_widget_remove_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "destructive-action");

      endpoint = _chorus_format_endpoint (chorus_sender_get_group (self->sender),
                                          chorus_sender_get_port (self->sender));
      /* Translators: %s is a group and port, such as 224.3.29.71:10000 */
      status = g_strdup_printf (_("Probing %s"), endpoint);
      chorus_probe_page_set_status (self, status, NULL);
      /* The status page's description is markup. */
      waiting = g_markup_printf_escaped (
        /* Translators: %s is a group and port, such as 224.3.29.71:10000 */
        _("Probing %s. Every host that answers appears here."), endpoint);
      adw_status_page_set_description (self->waiting_status, waiting);
    }
  else
    {
      _chorus_button_set_label (self->toggle_button, _("_Start Probing"));
      gtk_widget_set_tooltip_text (button, _("Start probing the group (Ctrl+Enter)"));
      gtk_widget_remove_css_class (button, "destructive-action");
      gtk_widget_add_css_class (button, "suggested-action");
      /* A failure stays until the next run. */
      if (!gtk_widget_has_css_class (GTK_WIDGET (self->status_label), "error"))
        chorus_probe_page_set_status (self, _("Not probing"), NULL);
    }

  chorus_probe_page_update_action (self);
  chorus_probe_page_update_summary (self);
  chorus_probe_page_update_stack (self);
}

static void
chorus_probe_page_fail (ChorusProbePage *self,
                        const char      *message)
{
  /* The whole message stays beside the button; the toast alerts. */
  chorus_probe_page_set_status (self, message, "error");
  _chorus_show_toast (GTK_WIDGET (self), message);
}

static void
on_failed (ChorusProbePage *self,
           const GError    *error)
{
  chorus_probe_page_fail (self, error->message);
}

static void
chorus_probe_page_toggle_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (widget);
  g_auto(ProbeRequest) request = { 0 };
  g_autoptr(GError) error = NULL;

  if (chorus_sender_get_running (self->sender))
    {
      chorus_sender_stop (self->sender);
      return;
    }

  if (!chorus_probe_page_check (self, &request))
    return;

  chorus_probe_page_set_status (self, "", NULL);

  g_object_freeze_notify (G_OBJECT (self->sender));
  chorus_sender_set_group (self->sender, field_text (&self->group));
  chorus_sender_set_port (self->sender, request.port);
  chorus_sender_set_ttl (self->sender, request.ttl);
  chorus_sender_set_text (self->sender, field_text (&self->message));
  chorus_sender_set_interval (self->sender, request.interval);
  chorus_sender_set_count (self->sender, request.count);
  chorus_sender_set_spread (self->sender, request.spread);
  chorus_sender_set_wait (self->sender, request.wait);
  g_object_thaw_notify (G_OBJECT (self->sender));

  chorus_rtt_chart_set_interval (self->chart, request.interval);

  if (!chorus_sender_start (self->sender, &error))
    chorus_probe_page_fail (self, error->message);
}

/* Export: the responders or the answers, as CSV or JSON, to a file
 * the user picks (through the portal in a sandbox). */
typedef struct
{
  ChorusProbePage    *page;
  gboolean            answers;
  ChorusExportFormat  format;
  guint               n_items;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->page);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportJob, export_job_free)

static void
on_export_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ExportJob) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));

      /* Translators: the first %s is a file, the second says why */
      message = g_strdup_printf (_("Could not save %s: %s"), name, error->message);
    }
  else if (job->answers)
    message = g_strdup_printf (ngettext ("Saved %u answer", "Saved %u answers", job->n_items),
                               job->n_items);
  else
    message = g_strdup_printf (ngettext ("Saved %u responder", "Saved %u responders",
                                         job->n_items),
                               job->n_items);

  _chorus_show_toast (GTK_WIDGET (job->page), message);
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    ExportJob       *job)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GListModel *model;

  if (response != GTK_RESPONSE_ACCEPT
      || (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) == NULL)
    {
      export_job_free (job);
      g_object_unref (chooser);
      return;
    }

  /* What the table shows when the file is chosen. */
  if (job->answers)
    {
      model = chorus_sender_get_acks (job->page->sender);
      bytes = chorus_export_acks (model, job->format);
    }
  else
    {
      model = chorus_sender_get_responders (job->page->sender);
      bytes = chorus_export_responders (model, job->format);
    }
  job->n_items = g_list_model_get_n_items (model);

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, NULL, on_export_saved,
                                       job);
  g_object_unref (chooser);
}

static void
chorus_probe_page_export_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (widget);
  gboolean answers = g_str_equal (action_name, "probe.export-answers");
  gboolean json = g_str_equal (g_variant_get_string (parameter, NULL), "json");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;
  ExportJob *job;

  chooser = gtk_file_chooser_native_new (answers ? _("Export Answers") : _("Export Responders"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  if (json)
    {
      gtk_file_filter_set_name (filter, _("JSON"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_suffix (filter, "json");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("CSV"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_filter_add_suffix (filter, "csv");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     answers ? (json ? "chorus-answers.json" : "chorus-answers.csv")
                                             : (json ? "chorus-responders.json"
                                                     : "chorus-responders.csv"));

  job = g_new0 (ExportJob, 1);
  job->page = g_object_ref (self);
  job->answers = answers;
  job->format = json ? CHORUS_EXPORT_JSON : CHORUS_EXPORT_CSV;
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The words of the cells' templates, which are CDATA in the .ui file,
 * where xgettext does not look: marked here for it. GtkBuilder
 * translates them in the application's domain. */
static const char *const cell_strings[] G_GNUC_UNUSED = {
  NC_("responder", "classic"),
  N_("Answers every message without naming the probe: matched to probes by time"),
  NC_("responder", "Silent"),
  N_("Has not answered the last probes"),
};

/* The responders' cells. The first argument is the list item. */

static char *
host_title (gpointer    unused,
            const char *name,
            const char *address)
{
  return g_strdup (name != NULL && *name != '\0' ? name : address);
}

static gboolean
has_name (gpointer    unused,
          const char *name)
{
  return name != NULL && *name != '\0';
}

static gboolean
invert (gpointer unused,
        gboolean value)
{
  return !value;
}

static double
silent_opacity (gpointer unused,
                gboolean silent)
{
  return silent ? 0.55 : 1;
}

static GStrv
swatch_classes (gpointer unused,
                guint    index)
{
  GStrv classes = g_new0 (char *, 3);

  classes[0] = g_strdup ("swatch");
  classes[1] = g_strdup_printf ("swatch-%u", index % 10);

  return classes;
}

/* Sorts names before addresses, and addresses by their numbers. */
static char *
host_sort_key (gpointer    unused,
               const char *name,
               const char *address)
{
  guint octets[4];

  if (name != NULL && *name != '\0')
    return g_strconcat ("0", name, NULL);

  if (address != NULL
      && sscanf (address, "%u.%u.%u.%u", &octets[0], &octets[1], &octets[2], &octets[3]) == 4)
    return g_strdup_printf ("1%03u.%03u.%03u.%03u", octets[0], octets[1], octets[2], octets[3]);

  return g_strconcat ("2", address, NULL);
}

/* Of the probes whose wait is over, how many were answered in time: the
 * same count as the loss, where received would also count answers to
 * probes still waiting. */
static char *
format_answered (gpointer unused,
                 guint64  lost,
                 guint64  sent)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, sent - MIN (lost, sent),
                          sent);
}

static char *
format_loss (gpointer unused,
             double   loss,
             guint64  sent)
{
  if (sent == 0)
    return g_strdup ("—");

  /* Translators: a loss in per cent */
  return g_strdup_printf (_("%.1f %%"), loss);
}

static const char *
loss_style (double  loss,
            guint64 sent)
{
  if (sent == 0 || loss < LOSS_WARNING_PCT)
    return NULL;

  return loss < LOSS_ERROR_PCT ? "warning" : "error";
}

static GStrv
loss_classes (gpointer unused,
              double   loss,
              guint64  sent)
{
  const char *style = loss_style (loss, sent);
  GStrv classes = g_new0 (char *, 2);

  if (style != NULL)
    classes[0] = g_strdup (style);

  return classes;
}

static char *
loss_icon (gpointer unused,
           double   loss,
           guint64  sent)
{
  const char *style = loss_style (loss, sent);

  return g_strdup (g_strcmp0 (style, "error") == 0 ? "dialog-error-symbolic"
                                                    : "dialog-warning-symbolic");
}

static gboolean
loss_marked (gpointer unused,
             double   loss,
             guint64  sent)
{
  return loss_style (loss, sent) != NULL;
}

static GStrv
silence_classes (gpointer unused,
                 gboolean silent)
{
  GStrv classes = g_new0 (char *, 3);

  classes[0] = g_strdup ("numeric");
  if (silent)
    classes[1] = g_strdup ("error");

  return classes;
}

static char *
format_ms (gpointer unused,
           double   ms,
           guint64  received)
{
  if (received == 0)
    return g_strdup ("—");

  /* Translators: a round trip time in milliseconds */
  return g_strdup_printf (_("%.2f ms"), ms);
}

static char *
format_hops (gpointer unused,
             int      hops,
             gboolean estimated)
{
  if (hops < 0)
    return g_strdup ("—");
  if (estimated)
    /* Translators: an estimated number of hops, from the arrival TTL */
    return g_strdup_printf (_("≈ %d"), hops);
  return g_strdup_printf ("%d", hops);
}

static char *
format_last_heard (gpointer unused,
                   gint64   last_heard,
                   gint64   now)
{
  gint64 seconds;

  if (last_heard <= 0)
    return g_strdup ("—");

  seconds = MAX (0, now - last_heard) / G_USEC_PER_SEC;
  if (seconds < 1)
    return g_strdup (_("Just now"));
  if (seconds < 60)
    return g_strdup_printf (ngettext ("%u s ago", "%u s ago", (gulong) seconds),
                            (guint) seconds);
  if (seconds < 3600)
    return g_strdup_printf (ngettext ("%u min ago", "%u min ago", (gulong) (seconds / 60)),
                            (guint) (seconds / 60));
  return g_strdup_printf (ngettext ("%u h ago", "%u h ago", (gulong) (seconds / 3600)),
                          (guint) (seconds / 3600));
}

static ChorusClock *
default_clock (gpointer unused)
{
  return g_object_ref (chorus_clock_get_default ());
}

/* The clock ticks while the table can be seen. */
static void
chorus_probe_page_map (GtkWidget *widget)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (widget);

  GTK_WIDGET_CLASS (chorus_probe_page_parent_class)->map (widget);

  if (!self->clock_held)
    {
      chorus_clock_hold (chorus_clock_get_default ());
      self->clock_held = TRUE;
    }
}

static void
chorus_probe_page_unmap (GtkWidget *widget)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (widget);

  if (self->clock_held)
    {
      chorus_clock_release (chorus_clock_get_default ());
      self->clock_held = FALSE;
    }

  GTK_WIDGET_CLASS (chorus_probe_page_parent_class)->unmap (widget);
}

static void
chorus_probe_page_dispose (GObject *object)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (object);

  if (self->sender != NULL)
    chorus_sender_stop (self->sender);
  g_clear_handle_id (&self->resort_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHORUS_TYPE_PROBE_PAGE);

  G_OBJECT_CLASS (chorus_probe_page_parent_class)->dispose (object);
}

static void
chorus_probe_page_finalize (GObject *object)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (object);

  g_clear_object (&self->sender);
  g_clear_object (&self->settings);
  g_clear_object (&self->sorter);

  G_OBJECT_CLASS (chorus_probe_page_parent_class)->finalize (object);
}

static void
chorus_probe_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (object);

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
chorus_probe_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ChorusProbePage *self = CHORUS_PROBE_PAGE (object);

  switch (prop_id)
    {
    case PROP_INTERFACES:
      chorus_interface_row_set_interfaces (self->interface_row, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define BIND_FIELD(name)                                                                      \
  G_STMT_START                                                                                \
  {                                                                                           \
    gtk_widget_class_bind_template_child_full (widget_class, #name "_row", FALSE,             \
                                               G_STRUCT_OFFSET (ChorusProbePage, name.row));  \
    gtk_widget_class_bind_template_child_full (widget_class, #name "_icon", FALSE,            \
                                               G_STRUCT_OFFSET (ChorusProbePage, name.icon)); \
  }                                                                                           \
  G_STMT_END

static void
chorus_probe_page_class_init (ChorusProbePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chorus_probe_page_dispose;
  object_class->finalize = chorus_probe_page_finalize;
  object_class->get_property = chorus_probe_page_get_property;
  object_class->set_property = chorus_probe_page_set_property;
  widget_class->map = chorus_probe_page_map;
  widget_class->unmap = chorus_probe_page_unmap;

  /* The host's interfaces, to choose the one to probe on. */
  properties[PROP_INTERFACES] =
    g_param_spec_object ("interfaces", NULL, NULL, CHORUS_TYPE_INTERFACE_LIST,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CHORUS_TYPE_RESPONDER);
  g_type_ensure (CHORUS_TYPE_INTERFACE_ROW);
  g_type_ensure (CHORUS_TYPE_RTT_CHART);
  g_type_ensure (CHORUS_TYPE_CLOCK);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/chorus-probe-page.ui");
  BIND_FIELD (group);
  BIND_FIELD (port);
  BIND_FIELD (ttl);
  BIND_FIELD (message);
  BIND_FIELD (interval);
  BIND_FIELD (count);
  BIND_FIELD (spread);
  BIND_FIELD (wait);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, interface_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, explain_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, timing_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, errors_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, toggle_button);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, waiting_status);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, chart);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, column_view);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, sort_model);
  gtk_widget_class_bind_template_child (widget_class, ChorusProbePage, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, host_title);
  gtk_widget_class_bind_template_callback (widget_class, has_name);
  gtk_widget_class_bind_template_callback (widget_class, invert);
  gtk_widget_class_bind_template_callback (widget_class, silent_opacity);
  gtk_widget_class_bind_template_callback (widget_class, loss_classes);
  gtk_widget_class_bind_template_callback (widget_class, loss_icon);
  gtk_widget_class_bind_template_callback (widget_class, loss_marked);
  gtk_widget_class_bind_template_callback (widget_class, silence_classes);
  gtk_widget_class_bind_template_callback (widget_class, swatch_classes);
  gtk_widget_class_bind_template_callback (widget_class, host_sort_key);
  gtk_widget_class_bind_template_callback (widget_class, format_answered);
  gtk_widget_class_bind_template_callback (widget_class, format_loss);
  gtk_widget_class_bind_template_callback (widget_class, format_ms);
  gtk_widget_class_bind_template_callback (widget_class, format_hops);
  gtk_widget_class_bind_template_callback (widget_class, format_last_heard);
  gtk_widget_class_bind_template_callback (widget_class, default_clock);

  gtk_widget_class_install_action (widget_class, "probe.toggle", NULL,
                                   chorus_probe_page_toggle_action);
  gtk_widget_class_install_action (widget_class, "probe.export-responders", "s",
                                   chorus_probe_page_export_action);
  gtk_widget_class_install_action (widget_class, "probe.export-answers", "s",
                                   chorus_probe_page_export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "probe.toggle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "probe.toggle", NULL);
}

static void
chorus_probe_page_init (ChorusProbePage *self)
{
  GListModel *responders;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->sender = g_object_new (CHORUS_TYPE_SENDER,
                               "probe", TRUE,
                               "update-interval", UPDATE_INTERVAL_MS,
                               NULL);
  responders = chorus_sender_get_responders (self->sender);
  gtk_sort_list_model_set_model (self->sort_model, responders);
  /* Worst first until the user sorts by a column, and among equals
   * after that. */
  self->sorter = GTK_SORTER (gtk_multi_sorter_new ());
  gtk_multi_sorter_append (GTK_MULTI_SORTER (self->sorter),
                           g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_multi_sorter_append (GTK_MULTI_SORTER (self->sorter),
                           GTK_SORTER (gtk_custom_sorter_new (compare_worst_first, NULL, NULL)));
  gtk_sort_list_model_set_sorter (self->sort_model, self->sorter);
  chorus_rtt_chart_set_model (self->chart, responders);
  g_object_bind_property (self->selection, "selected-item", self->chart, "selected",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->sender, "notify::running", G_CALLBACK (on_running_changed),
                           self, G_CONNECT_SWAPPED);
  /* The summary follows the responders' updates, not each probe sent:
   * every settled probe updates them, and each change of the summary is
   * a frame to draw. */
  g_signal_connect_object (self->sender, "responders-updated",
                           G_CALLBACK (on_responders_updated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (responders, "items-changed", G_CALLBACK (on_responders_updated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sender, "failed", G_CALLBACK (on_failed), self,
                           G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "probe-group", self->group.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-port", self->port.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-ttl", self->ttl.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-message", self->message.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-interval", self->interval.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-count", self->count.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-spread", self->spread.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-wait", self->wait.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-interface", self->interface_row, "interface-name",
                   G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->interface_row, "interface-name", self->sender, "interface",
                          G_BINDING_SYNC_CREATE);

  on_field_changed (self);
  on_running_changed (self);
}

GtkWidget *
chorus_probe_page_new (void)
{
  return g_object_new (CHORUS_TYPE_PROBE_PAGE, NULL);
}

/**
 * chorus_probe_page_get_sender:
 *
 * Returns: (transfer none): the sender the page drives, in probe mode
 */
ChorusSender *
chorus_probe_page_get_sender (ChorusProbePage *self)
{
  g_return_val_if_fail (CHORUS_IS_PROBE_PAGE (self), NULL);

  return self->sender;
}
