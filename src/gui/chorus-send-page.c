/* chorus-send-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-gui-utils-private.h"
#include "chorus-interface-row.h"
#include "chorus-send-page.h"

struct _ChorusSendPage
{
  AdwBin          parent_instance;

  ChorusSender   *sender;
  GSettings      *settings;
  guint           tick_id;
  /* Why the last run could not send, until the next one starts. */
  char           *failure;

  ChorusField     group;
  ChorusField     port;
  ChorusField     ttl;
  ChorusField     message;
  ChorusField     wait;

  ChorusInterfaceRow *interface_row;
  GtkLabel       *explain_label;
  GtkLabel       *warning_label;
  GtkSwitch      *loopback_switch;
  GtkLabel       *errors_label;
  GtkProgressBar *progress_bar;
  GtkButton      *send_button;
  GtkColumnView  *column_view;
  GtkStack       *results_stack;
  GtkLabel       *count_label;
  GtkNoSelection *selection;
  AdwStatusPage  *none_status;
  GtkLabel       *failure_label;
};

G_DEFINE_FINAL_TYPE (ChorusSendPage, chorus_send_page, ADW_TYPE_BIN)

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
  double       wait;
} SendRequest;

static void
send_request_clear (SendRequest *request)
{
  g_clear_pointer (&request->group, chorus_group_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SendRequest, send_request_clear)

static void
chorus_send_page_explain (ChorusSendPage *self,
                          ChorusGroup    *group,
                          gsize           payload)
{
  ChorusInterface *interface = chorus_interface_row_get_interface (self->interface_row);

  _chorus_explain_group (self->explain_label, self->warning_label, group, 1,
                         interface != NULL ? chorus_interface_get_mtu (interface) : 0, payload);
}

/* Checks every field, marks the invalid ones and fills @request.
 * Returns whether all are valid. */
static gboolean
chorus_send_page_check (ChorusSendPage *self,
                        SendRequest    *request)
{
  g_autoptr(GError) group_error = NULL;
  g_autoptr(GError) port_error = NULL;
  g_autoptr(GError) ttl_error = NULL;
  g_autoptr(GError) message_error = NULL;
  g_autoptr(GError) wait_error = NULL;
  const char *text;

  request->group = chorus_group_parse (gtk_editable_get_text (GTK_EDITABLE (self->group.row)),
                                       &group_error);
  chorus_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->port.row)), &request->port,
                     &port_error);
  chorus_parse_ttl (gtk_editable_get_text (GTK_EDITABLE (self->ttl.row)), &request->ttl,
                    &ttl_error);
  chorus_parse_seconds (gtk_editable_get_text (GTK_EDITABLE (self->wait.row)), _("Wait time"), 0,
                        &request->wait, &wait_error);

  if (request->group != NULL
      && !_chorus_check_interface (request->group,
                                   chorus_interface_row_get_ifindex (self->interface_row),
                                   &group_error))
    g_clear_pointer (&request->group, chorus_group_unref);

  text = gtk_editable_get_text (GTK_EDITABLE (self->message.row));
  if (request->group != NULL)
    chorus_check_payload_size (request->group, strlen (text), &message_error);
  chorus_send_page_explain (self, request->group, strlen (text));

  {
    ChorusField *const fields[] = { &self->group, &self->port, &self->ttl, &self->message,
                                    &self->wait };
    const GError *const errors[] = { group_error, port_error, ttl_error, message_error,
                                     wait_error };

    return _chorus_fields_report (fields, errors, G_N_ELEMENTS (fields), self->errors_label);
  }
}

static void
on_field_changed (ChorusSendPage *self)
{
  SendRequest request = { 0 };
  gboolean valid;

  valid = chorus_send_page_check (self, &request);
  send_request_clear (&request);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "send.start", valid);
}

static void
chorus_send_page_update_results (ChorusSendPage *self)
{
  guint n_acks = chorus_sender_get_n_acks (self->sender);
  guint n_hosts = chorus_sender_get_n_responders (self->sender);
  gboolean running = chorus_sender_get_running (self->sender);
  const char *page;

  if (n_acks > 0)
    {
      g_autofree char *hosts = NULL;
      g_autofree char *label = NULL;

      /* Translators: the end of “3 acks from 2 hosts” */
      hosts = g_strdup_printf (ngettext ("%u host", "%u hosts", n_hosts), n_hosts);
      /* Translators: %s is “2 hosts”, as translated just above */
      label = g_strdup_printf (ngettext ("%u ack from %s", "%u acks from %s", n_acks), n_acks,
                               hosts);
      gtk_label_set_text (self->count_label, label);
    }
  else
    {
      gtk_label_set_text (self->count_label, _("Waiting for answers…"));
    }

  if (running || n_acks > 0)
    page = "list";
  else if (chorus_sender_get_n_sent (self->sender) > 0)
    page = "none";
  else
    page = "empty";

  gtk_stack_set_visible_child_name (self->results_stack, page);
}

static gboolean
chorus_send_page_tick (GtkWidget     *widget,
                       GdkFrameClock *frame_clock,
                       gpointer       user_data)
{
  ChorusSendPage *self = user_data;
  gint64 deadline = chorus_sender_get_deadline (self->sender);
  double wait = chorus_sender_get_wait (self->sender);
  g_autofree char *text = NULL;
  double left;

  if (deadline == 0 || wait <= 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      return G_SOURCE_CONTINUE;
    }

  left = MAX (0, deadline - g_get_monotonic_time ()) / (double) G_USEC_PER_SEC;
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (left / wait, 0, 1));
  /* Translators: the time left to wait for answers */
  text = g_strdup_printf (_("%.1f s left"), left);
  gtk_progress_bar_set_text (self->progress_bar, text);

  return G_SOURCE_CONTINUE;
}

static void
on_running_changed (ChorusSendPage *self)
{
  gboolean running = chorus_sender_get_running (self->sender);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  /* The button keeps to the end; the progress bar or the failure fills
   * the rest. */
  gtk_widget_set_hexpand (GTK_WIDGET (self->send_button), !running && self->failure == NULL);

  if (running && self->tick_id == 0)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 1);
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->progress_bar),
                                                    chorus_send_page_tick, self, NULL);
    }
  else if (!running && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->progress_bar), self->tick_id);
      self->tick_id = 0;
    }

  chorus_send_page_update_results (self);
}

static void
chorus_send_page_set_failure (ChorusSendPage *self,
                              const char     *message)
{
  g_free (self->failure);
  self->failure = g_strdup (message);

  /* The whole message stays beside the button; the toast is the alert. */
  gtk_label_set_text (self->failure_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), message != NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->send_button),
                          message == NULL && !chorus_sender_get_running (self->sender));

  if (message != NULL)
    _chorus_show_toast (GTK_WIDGET (self), message);
}

static void
on_failed (ChorusSendPage *self,
           const GError   *error)
{
  chorus_send_page_set_failure (self, error->message);
}

static void
chorus_send_page_start_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  ChorusSendPage *self = CHORUS_SEND_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_auto(SendRequest) request = { 0 };

  if (!chorus_send_page_check (self, &request))
    return;

  /* Sending again starts a new run; the previous one's answers stay
   * readable until then. */
  chorus_sender_stop (self->sender);
  chorus_send_page_set_failure (self, NULL);

  g_object_freeze_notify (G_OBJECT (self->sender));
  chorus_sender_set_group (self->sender, gtk_editable_get_text (GTK_EDITABLE (self->group.row)));
  chorus_sender_set_port (self->sender, request.port);
  chorus_sender_set_ttl (self->sender, request.ttl);
  chorus_sender_set_wait (self->sender, request.wait);
  chorus_sender_set_text (self->sender,
                          gtk_editable_get_text (GTK_EDITABLE (self->message.row)));
  g_object_thaw_notify (G_OBJECT (self->sender));

  if (!chorus_sender_start (self->sender, &error))
    chorus_send_page_set_failure (self, error->message);
}

static char *
format_endpoint (gpointer    unused,
                 const char *address,
                 guint       port)
{
  return _chorus_format_endpoint (address, port);
}

static char *
format_rtt (gpointer unused,
            double   rtt_ms)
{
  /* Translators: a round trip time in milliseconds */
  return g_strdup_printf (_("%.2f ms"), rtt_ms);
}

static char *
format_clock (gpointer unused,
              gint64   arrival)
{
  return _chorus_format_clock (arrival);
}

static void
chorus_send_page_dispose (GObject *object)
{
  ChorusSendPage *self = CHORUS_SEND_PAGE (object);

  if (self->sender != NULL)
    chorus_sender_stop (self->sender);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHORUS_TYPE_SEND_PAGE);

  G_OBJECT_CLASS (chorus_send_page_parent_class)->dispose (object);
}

static void
chorus_send_page_finalize (GObject *object)
{
  ChorusSendPage *self = CHORUS_SEND_PAGE (object);

  g_clear_object (&self->sender);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->failure, g_free);

  G_OBJECT_CLASS (chorus_send_page_parent_class)->finalize (object);
}

static void
chorus_send_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChorusSendPage *self = CHORUS_SEND_PAGE (object);

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
chorus_send_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ChorusSendPage *self = CHORUS_SEND_PAGE (object);

  switch (prop_id)
    {
    case PROP_INTERFACES:
      chorus_interface_row_set_interfaces (self->interface_row, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_send_page_class_init (ChorusSendPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chorus_send_page_dispose;
  object_class->finalize = chorus_send_page_finalize;
  object_class->get_property = chorus_send_page_get_property;
  object_class->set_property = chorus_send_page_set_property;

  /* The host's interfaces, to choose the one to send on. */
  properties[PROP_INTERFACES] =
    g_param_spec_object ("interfaces", NULL, NULL, CHORUS_TYPE_INTERFACE_LIST,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CHORUS_TYPE_ACK);
  g_type_ensure (CHORUS_TYPE_INTERFACE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/chorus-send-page.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "group_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, group.row));
  gtk_widget_class_bind_template_child_full (widget_class, "group_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, group.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "port_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, port.row));
  gtk_widget_class_bind_template_child_full (widget_class, "port_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, port.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "ttl_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, ttl.row));
  gtk_widget_class_bind_template_child_full (widget_class, "ttl_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, ttl.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "message_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, message.row));
  gtk_widget_class_bind_template_child_full (widget_class, "message_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, message.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "wait_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, wait.row));
  gtk_widget_class_bind_template_child_full (widget_class, "wait_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusSendPage, wait.icon));
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, interface_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, explain_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, loopback_switch);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, errors_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, selection);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, none_status);
  gtk_widget_class_bind_template_child (widget_class, ChorusSendPage, failure_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, format_endpoint);
  gtk_widget_class_bind_template_callback (widget_class, format_rtt);
  gtk_widget_class_bind_template_callback (widget_class, format_clock);

  gtk_widget_class_install_action (widget_class, "send.start", NULL,
                                   chorus_send_page_start_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "send.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "send.start", NULL);
}

static void
chorus_send_page_init (ChorusSendPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  _chorus_button_set_label (self->send_button, gtk_button_get_label (self->send_button));

  self->sender = chorus_sender_new ();
  gtk_no_selection_set_model (self->selection, chorus_sender_get_acks (self->sender));

  g_signal_connect_object (self->sender, "notify::running", G_CALLBACK (on_running_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sender, "notify::n-acks",
                           G_CALLBACK (chorus_send_page_update_results), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sender, "failed", G_CALLBACK (on_failed), self,
                           G_CONNECT_SWAPPED);

  g_object_bind_property (self->loopback_switch, "active", self->sender, "loopback",
                          G_BINDING_SYNC_CREATE);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "send-group", self->group.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-port", self->port.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-ttl", self->ttl.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-message", self->message.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-wait", self->wait.row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-loopback", self->loopback_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-interface", self->interface_row, "interface-name",
                   G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->interface_row, "interface-name", self->sender, "interface",
                          G_BINDING_SYNC_CREATE);

  on_field_changed (self);
  chorus_send_page_update_results (self);
}

GtkWidget *
chorus_send_page_new (void)
{
  return g_object_new (CHORUS_TYPE_SEND_PAGE, NULL);
}

/**
 * chorus_send_page_get_sender:
 *
 * Returns: (transfer none): the sender the page drives
 */
ChorusSender *
chorus_send_page_get_sender (ChorusSendPage *self)
{
  g_return_val_if_fail (CHORUS_IS_SEND_PAGE (self), NULL);

  return self->sender;
}
