/* chorus-receive-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-probe.h"
#include "chorus-gui-utils-private.h"
#include "chorus-interface-row.h"
#include "chorus-receive-page.h"
#include "chorus-ring-model.h"
#include "chorus-slot-model.h"

struct _ChorusReceivePage
{
  AdwBin             parent_instance;

  ChorusReceiver    *receiver;
  ChorusSlotModel   *slots;
  GSettings         *settings;
  gboolean           stick_to_bottom;
  double             scroll_value;

  ChorusField        group;
  ChorusField        port;
  ChorusField        reply;
  ChorusField        name;
  ChorusField        sources;
  ChorusField        exclude;

  ChorusInterfaceRow *interface_row;
  GtkLabel          *explain_label;
  GtkLabel          *warning_label;

  AdwActionRow      *answer_row;
  GtkSwitch         *answer_switch;
  GtkLabel          *errors_label;
  GtkLabel          *status_label;
  GtkButton         *toggle_button;
  GtkStack          *results_stack;
  AdwStatusPage     *waiting_status;
  GtkLabel          *count_label;
  GtkLabel          *unanswered_label;
  AdwExpanderRow    *limits_row;
  GtkSpinButton     *rate_spin;
  GtkAdjustment     *rate_adjustment;
  GtkSwitch         *larger_switch;
  GtkLabel          *dropped_label;
  GtkScrolledWindow *scroller;
  GtkColumnView     *column_view;
  GtkColumnViewColumn *time_column;
  GtkColumnViewColumn *from_column;
  GtkColumnViewColumn *size_column;
  GtkColumnViewColumn *text_column;
  GtkNoSelection    *selection;
  GtkWidget         *sources_box;
  GtkNoSelection    *sources_selection;
  GtkWidget         *groups_box;
  GtkNoSelection    *groups_selection;
};

G_DEFINE_FINAL_TYPE (ChorusReceivePage, chorus_receive_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_INTERFACES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define MAX_GROUPS CHORUS_RECEIVER_MAX_GROUPS

static const char *
field_text (ChorusField *field)
{
  return gtk_editable_get_text (GTK_EDITABLE (field->row));
}

/* Checks a list of source addresses, separated by commas or spaces, as
 * the receiver reads them. Returns how many there are, or -1 with
 * @error set. */
static int
check_sources (const char     *text,
               GSocketFamily   family,
               GError        **error)
{
  g_auto(GStrv) items = g_strsplit_set (text, ", \t\n", -1);
  int n_sources = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (items[i][0] == '\0')
        continue;
      address = chorus_parse_source (items[i], family, error);
      if (address == NULL)
        return -1;
      n_sources++;
    }

  return n_sources;
}

/* The sources say whom to receive from, or whom to keep out; a
 * source-specific group needs the former and cannot have the latter. */
static void
check_source_fields (ChorusReceivePage  *self,
                     GPtrArray          *groups,
                     GError            **sources_error,
                     GError            **exclude_error)
{
  ChorusGroup *specific = NULL;
  GSocketFamily family;
  int n_sources;
  int n_excluded;

  /* Until the groups are valid, their family is not known. */
  if (groups == NULL)
    return;

  family = chorus_group_get_family (g_ptr_array_index (groups, 0));
  for (guint i = 0; i < groups->len && specific == NULL; i++)
    if (chorus_group_is_source_specific (g_ptr_array_index (groups, i)))
      specific = g_ptr_array_index (groups, i);

  n_sources = check_sources (field_text (&self->sources), family, sources_error);
  n_excluded = check_sources (field_text (&self->exclude), family, exclude_error);

  if (n_sources == 0 && specific != NULL)
    {
      g_autofree char *text = chorus_group_to_string (specific);

      g_set_error (sources_error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   /* Translators: %s is a group, such as 232.1.1.1 */
                   _("%s is a source-specific group: enter the senders to receive it from"),
                   text);
    }

  if (n_excluded > 0 && specific != NULL)
    {
      g_autofree char *text = chorus_group_to_string (specific);

      g_set_error (exclude_error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   /* Translators: %s is a group, such as 232.1.1.1 */
                   _("%s is a source-specific group: it comes from its sources only, so none "
                     "can be excluded"),
                   text);
    }
  else if (n_excluded > 0 && n_sources > 0)
    {
      g_set_error_literal (exclude_error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("Enter either the sources to receive from or the sources to "
                             "exclude, not both"));
    }
}

/* Checks every field and marks the invalid ones. Returns whether all are
 * valid, with the groups and port in @groups and @port. */
static gboolean
chorus_receive_page_check (ChorusReceivePage  *self,
                           GPtrArray         **groups,
                           guint16            *port)
{
  g_autoptr(GError) group_error = NULL;
  g_autoptr(GError) port_error = NULL;
  g_autoptr(GError) sources_error = NULL;
  g_autoptr(GError) exclude_error = NULL;
  g_autoptr(GError) reply_error = NULL;
  g_autoptr(GError) name_error = NULL;
  guint ifindex = chorus_interface_row_get_ifindex (self->interface_row);
  ChorusInterface *interface = chorus_interface_row_get_interface (self->interface_row);

  if (strlen (field_text (&self->name)) > CHORUS_WIRE_NAME_MAX)
    g_set_error (&name_error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                 /* Translators: %d is a number of bytes */
                 _("The answer name is at most %d bytes long"), CHORUS_WIRE_NAME_MAX);

  *groups = chorus_group_parse_list (field_text (&self->group), MAX_GROUPS, &group_error);
  for (guint i = 0; *groups != NULL && i < (*groups)->len; i++)
    if (!_chorus_check_interface (g_ptr_array_index (*groups, i), ifindex, &group_error))
      g_clear_pointer (groups, g_ptr_array_unref);

  chorus_parse_port (field_text (&self->port), port, &port_error);
  check_source_fields (self, *groups, &sources_error, &exclude_error);
  if (*groups != NULL)
    chorus_check_payload_size (g_ptr_array_index (*groups, 0), strlen (field_text (&self->reply)),
                               &reply_error);

  _chorus_explain_group (self->explain_label, self->warning_label,
                         *groups != NULL ? g_ptr_array_index (*groups, 0) : NULL,
                         *groups != NULL ? (*groups)->len : 0,
                         interface != NULL ? chorus_interface_get_mtu (interface) : 0, 0);

  {
    ChorusField *const fields[] = { &self->group, &self->port, &self->sources, &self->exclude,
                                    &self->reply, &self->name };
    const GError *const errors[] = { group_error, port_error, sources_error, exclude_error,
                                     reply_error, name_error };

    return _chorus_fields_report (fields, errors, G_N_ELEMENTS (fields), self->errors_label);
  }
}

static void
chorus_receive_page_update_action (ChorusReceivePage *self)
{
  g_autoptr(GPtrArray) groups = NULL;
  gboolean valid;
  guint16 port;

  valid = chorus_receive_page_check (self, &groups, &port);

  /* Stopping is always possible. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.toggle",
                                 valid || chorus_receiver_get_running (self->receiver));
}

static void
on_field_changed (ChorusReceivePage *self)
{
  chorus_receive_page_update_action (self);
}

/* The reply applies to a running receiver too, but only one that fits a
 * datagram to the group: until it does, the receiver keeps answering
 * with the last one that did. This follows the text property rather
 * than ::changed, which also reports the empty text that setting the
 * text passes through. */
static void
chorus_receive_page_push_reply (ChorusReceivePage *self)
{
  const char *reply = gtk_editable_get_text (GTK_EDITABLE (self->reply.row));
  g_autoptr(GPtrArray) groups = NULL;

  groups = chorus_group_parse_list (field_text (&self->group), MAX_GROUPS, NULL);
  if (groups != NULL
      && chorus_check_payload_size (g_ptr_array_index (groups, 0), strlen (reply), NULL))
    chorus_receiver_set_reply (self->receiver, reply);
}

/* The answer name applies to a running receiver too, once it fits. */
static void
chorus_receive_page_push_name (ChorusReceivePage *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name.row));

  if (strlen (name) <= CHORUS_WIRE_NAME_MAX)
    chorus_receiver_set_name (self->receiver, name);
}

/* The counts per group, for a run of more than one. */
static void
on_groups_changed (ChorusReceivePage *self)
{
  GListModel *groups = chorus_receiver_get_groups (self->receiver);

  gtk_widget_set_visible (self->groups_box, g_list_model_get_n_items (groups) > 1);
}

/* What the page says it listens on: the group and port, or how many
 * groups on which port. */
static char *
chorus_receive_page_format_listening (ChorusReceivePage *self)
{
  GListModel *groups = chorus_receiver_get_groups (self->receiver);
  guint n_groups = g_list_model_get_n_items (groups);
  guint port = chorus_receiver_get_port (self->receiver);
  g_autoptr(ChorusMembership) first = NULL;

  if (n_groups > 1)
    /* Translators: %u are a number of groups, then a port */
    return g_strdup_printf (ngettext ("%u group on port %u", "%u groups on port %u", n_groups),
                            n_groups, port);

  first = n_groups == 1 ? g_list_model_get_item (groups, 0) : NULL;
  return _chorus_format_endpoint (first != NULL ? chorus_membership_get_group (first)
                                                : chorus_receiver_get_group (self->receiver),
                                  port);
}

static void
on_sources_changed (ChorusReceivePage *self)
{
  GListModel *sources = chorus_receiver_get_sources (self->receiver);

  gtk_widget_set_visible (self->sources_box, g_list_model_get_n_items (sources) > 0);
}

/* The collapsed row says what the limits are. */
static void
chorus_receive_page_update_limits (ChorusReceivePage *self)
{
  guint rate = (guint) chorus_receiver_get_reply_rate (self->receiver);
  gboolean larger = chorus_receiver_get_allow_larger_replies (self->receiver);
  g_autofree char *summary = NULL;

  if (rate == 0 && larger)
    summary = g_strdup (_("No limit"));
  else if (rate == 0)
    summary = g_strdup (_("Never larger than the message"));
  else if (larger)
    /* Translators: %u is a number of answers */
    summary = g_strdup_printf (ngettext ("At most %u a second to one sender",
                                         "At most %u a second to one sender", rate),
                               rate);
  else
    /* Translators: %u is a number of answers */
    summary = g_strdup_printf (ngettext ("At most %u a second to one sender, never larger than "
                                         "the message",
                                         "At most %u a second to one sender, never larger than "
                                         "the message",
                                         rate),
                               rate);

  adw_expander_row_set_subtitle (self->limits_row, summary);
}

static char *
format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

/* Why messages went unanswered: the reply guard's reasons, as numbers. */
static void
chorus_receive_page_update_unanswered (ChorusReceivePage *self)
{
  guint64 rate = chorus_receiver_get_n_refused (self->receiver, CHORUS_REPLY_REFUSE_RATE);
  guint64 size = chorus_receiver_get_n_refused (self->receiver, CHORUS_REPLY_REFUSE_SIZE);
  guint64 source = chorus_receiver_get_n_refused (self->receiver, CHORUS_REPLY_REFUSE_SOURCE);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  g_autofree char *label = NULL;

  if (rate > 0)
    {
      g_autofree char *n = format_count (rate);

      /* Translators: %s is a number of messages */
      g_ptr_array_add (reasons, g_strdup_printf (_("%s over the limit per sender"), n));
    }
  if (size > 0)
    {
      g_autofree char *n = format_count (size);

      /* Translators: %s is a number of messages */
      g_ptr_array_add (reasons, g_strdup_printf (_("%s smaller than the reply"), n));
    }
  if (source > 0)
    {
      g_autofree char *n = format_count (source);

      /* Translators: %s is a number of messages */
      g_ptr_array_add (reasons,
                       g_strdup_printf (_("%s from an address that cannot be answered"), n));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->unanswered_label), reasons->len > 0);
  if (reasons->len == 0)
    return;

  g_ptr_array_add (reasons, NULL);
  /* Translators: what separates two reasons in the list below */
  list = g_strjoinv (_(", "), (char **) reasons->pdata);
  /* Translators: %s lists reasons, such as “3 over the limit per sender” */
  label = g_strdup_printf (_("Not answered: %s"), list);
  gtk_label_set_text (self->unanswered_label, label);
}

static void
chorus_receive_page_update_counts (ChorusReceivePage *self)
{
  guint64 received = chorus_receiver_get_n_received (self->receiver);
  guint64 replied = chorus_receiver_get_n_replied (self->receiver);
  guint64 unanswered = chorus_receiver_get_n_unanswered (self->receiver);
  /* Grouped digits as the locale writes them: a flood runs into the
   * hundreds of thousands. */
  g_autofree char *received_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, received);
  g_autofree char *replied_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, replied);
  g_autofree char *unanswered_text = g_strdup_printf ("%'" G_GUINT64_FORMAT, unanswered);
  g_autofree char *label = NULL;
  gulong n = (gulong) MIN (received, G_MAXULONG);

  if (unanswered > 0)
    /* Translators: “12 messages received, 10 answered, 2 not answered” */
    label = g_strdup_printf (ngettext ("%s message received, %s answered, %s not answered",
                                       "%s messages received, %s answered, %s not answered", n),
                             received_text, replied_text, unanswered_text);
  else if (replied > 0)
    /* Translators: “12 messages received, 12 answered” */
    label = g_strdup_printf (ngettext ("%s message received, %s answered",
                                       "%s messages received, %s answered", n),
                             received_text, replied_text);
  else
    label = g_strdup_printf (ngettext ("%s message received", "%s messages received", n),
                             received_text);

  gtk_label_set_text (self->count_label, label);
  chorus_receive_page_update_unanswered (self);
}

static void
on_dropped_changed (ChorusReceivePage *self)
{
  ChorusRingModel *messages = CHORUS_RING_MODEL (chorus_receiver_get_messages (self->receiver));
  guint64 dropped = chorus_ring_model_get_dropped (messages);
  g_autofree char *number = g_strdup_printf ("%'" G_GUINT64_FORMAT, dropped);
  g_autofree char *label = NULL;

  /* Translators: %s is a number; the list keeps only the newest messages */
  label = g_strdup_printf (ngettext ("%s older message dropped", "%s older messages dropped",
                                     (gulong) MIN (dropped, G_MAXULONG)),
                           number);
  gtk_label_set_text (self->dropped_label, label);
  gtk_widget_set_visible (GTK_WIDGET (self->dropped_label), dropped > 0);
}

static void
chorus_receive_page_update_stack (ChorusReceivePage *self)
{
  GListModel *messages = chorus_receiver_get_messages (self->receiver);
  const char *page;

  /* Messages stay readable once the receiver stops. */
  if (g_list_model_get_n_items (messages) > 0)
    page = "list";
  else if (chorus_receiver_get_running (self->receiver))
    page = "waiting";
  else
    page = "empty";

  gtk_stack_set_visible_child_name (self->results_stack, page);
}

/* The one place that decides whether the group and port can be edited:
 * not under a running receiver, which has joined them, nor when the
 * settings are locked down. Their settings bindings leave sensitivity
 * alone. */
static void
chorus_receive_page_update_sensitivity (ChorusReceivePage *self)
{
  gboolean running = chorus_receiver_get_running (self->receiver);

  gtk_widget_set_sensitive (GTK_WIDGET (self->group.row),
                            !running && g_settings_is_writable (self->settings,
                                                                "receive-group"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->port.row),
                            !running && g_settings_is_writable (self->settings,
                                                                "receive-port"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->interface_row),
                            !running && g_settings_is_writable (self->settings,
                                                                "receive-interface"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sources.row),
                            !running && g_settings_is_writable (self->settings,
                                                                "receive-sources"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->exclude.row),
                            !running && g_settings_is_writable (self->settings,
                                                                "receive-exclude-sources"));
}

/* The interface went away or down under the running receiver: say so
 * where the page says what it listens on; back to that once rejoined. */
static void
on_problem_changed (ChorusReceivePage *self)
{
  const char *problem = chorus_receiver_get_problem (self->receiver);
  g_autofree char *endpoint = NULL;
  g_autofree char *status = NULL;

  if (!chorus_receiver_get_running (self->receiver))
    return;

  if (problem != NULL)
    {
      /* Translators: %s says what happened, such as “The interface eth0 is down” */
      status = g_strdup_printf (_("%s. Nothing arrives until it is back."), problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "warning");
    }
  else
    {
      endpoint = chorus_receive_page_format_listening (self);
      /* Translators: %s is a group and port, such as 224.3.29.71:10000 */
      status = g_strdup_printf (_("Listening on %s"), endpoint);
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");
    }

  gtk_label_set_text (self->status_label, status);
}

static void
on_running_changed (ChorusReceivePage *self)
{
  gboolean running = chorus_receiver_get_running (self->receiver);
  GtkWidget *button = GTK_WIDGET (self->toggle_button);

  chorus_receive_page_update_sensitivity (self);

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");

  if (running)
    {
      g_autofree char *endpoint = NULL;
      g_autofree char *status = NULL;
      g_autofree char *waiting = NULL;

      _chorus_button_set_label (self->toggle_button, _("_Stop Receiving"));
      gtk_widget_remove_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "destructive-action");

      endpoint = chorus_receive_page_format_listening (self);
      /* Translators: %s is a group and port, such as 224.3.29.71:10000 */
      status = g_strdup_printf (_("Listening on %s"), endpoint);
      gtk_label_set_text (self->status_label, status);
      /* The status page's description is markup. */
      waiting = g_markup_printf_escaped (
        /* Translators: %s is a group and port, such as 224.3.29.71:10000 */
        _("Listening on %s. Anything sent to the group appears here."), endpoint);
      adw_status_page_set_description (self->waiting_status, waiting);
    }
  else
    {
      _chorus_button_set_label (self->toggle_button, _("_Start Receiving"));
      gtk_widget_remove_css_class (button, "destructive-action");
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_label_set_text (self->status_label, _("Not receiving"));
    }

  chorus_receive_page_update_action (self);
  chorus_receive_page_update_stack (self);
}

static void
chorus_receive_page_toggle_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  ChorusReceivePage *self = CHORUS_RECEIVE_PAGE (widget);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  if (chorus_receiver_get_running (self->receiver))
    {
      chorus_receiver_stop (self->receiver);
      return;
    }

  if (!chorus_receive_page_check (self, &groups, &port))
    return;

  chorus_receiver_set_group (self->receiver,
                             gtk_editable_get_text (GTK_EDITABLE (self->group.row)));
  chorus_receiver_set_port (self->receiver, port);
  chorus_receiver_set_include_sources (self->receiver, field_text (&self->sources));
  chorus_receiver_set_exclude_sources (self->receiver, field_text (&self->exclude));
  chorus_receiver_set_reply (self->receiver,
                             gtk_editable_get_text (GTK_EDITABLE (self->reply.row)));

  if (!chorus_receiver_start (self->receiver, &error))
    {
      /* The whole message stays beside the button; the toast alerts. */
      gtk_label_set_text (self->status_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      _chorus_show_toast (GTK_WIDGET (self), error->message);
    }
}

/* Follows the newest message while the list is scrolled to the bottom,
 * and stays put once the user scrolls up to read. Only the user moves
 * the list away from the bottom, upwards: the list's own reactions (its
 * page growing or shrinking as the page around it lays out, rows added
 * at the end) leave it where it was or move it down, so only a move up
 * that ends short of the bottom stops the following. */
static void
on_scroll_value_changed (ChorusReceivePage *self,
                         GtkAdjustment     *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);

  if (value + page >= upper - 4)
    self->stick_to_bottom = TRUE;
  else if (value < self->scroll_value)
    self->stick_to_bottom = FALSE;
  self->scroll_value = value;

  /* Someone reading older messages is not pulled along by new ones. */
  chorus_slot_model_set_frozen (self->slots, !self->stick_to_bottom);
}

/* The list thawed by itself (its messages were cleared for a new run):
 * it follows the newest again. */
static void
on_slots_frozen_changed (ChorusReceivePage *self)
{
  if (!chorus_slot_model_get_frozen (self->slots))
    self->stick_to_bottom = TRUE;
}

static void
on_scroll_upper_changed (ChorusReceivePage *self,
                         GParamSpec        *pspec,
                         GtkAdjustment     *adjustment)
{
  /* Everything fits: there is no reading older messages to keep. */
  if (gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment) + 4)
    {
      self->stick_to_bottom = TRUE;
      chorus_slot_model_set_frozen (self->slots, FALSE);
    }

  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                            - gtk_adjustment_get_page_size (adjustment));
}

static void
on_messages_changed (ChorusReceivePage *self,
                     guint              position,
                     guint              removed,
                     guint              added,
                     GListModel        *messages)
{
  guint n_items = g_list_model_get_n_items (messages);

  chorus_receive_page_update_stack (self);

  /* The slots grew at the end: follow them, if following. (A full ring
   * changes what the slots hold, not how many there are: the view stays
   * at the bottom by itself.) The inner list view owns the action;
   * GtkColumnView has no scrolling API before GTK 4.12. */
  if (self->stick_to_bottom && added > 0 && n_items > 0)
    {
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_LIST_VIEW (child))
          gtk_widget_activate_action (child, "list.scroll-to-item", "u", n_items - 1);
    }
}

static char *
format_endpoint (gpointer    unused,
                 const char *address,
                 guint       port)
{
  return _chorus_format_endpoint (address, port);
}

static char *
format_source_count (gpointer unused,
                     guint64  n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static char *
format_loss (gpointer unused,
             double   loss)
{
  /* Translators: a loss in per cent */
  return g_strdup_printf (_("%.1f %%"), loss);
}

static char *
format_ttl (gpointer unused,
            int      ttl)
{
  return ttl < 0 ? g_strdup ("—") : g_strdup_printf ("%d", ttl);
}

static char *
format_rate (gpointer unused,
             double   rate)
{
  /* Translators: probes a second */
  return g_strdup_printf (_("%.1f/s"), rate);
}

static char *
format_size (gpointer unused,
             guint    size)
{
  /* Translators: the size of a message */
  return g_strdup_printf (ngettext ("%u byte", "%u bytes", size), size);
}

/* The message list's cells. The list shows the ring through slots
 * (ChorusSlotModel): under a flood its rows stay and what their slots
 * hold changes, so a cell is refilled when its slot's item changes.
 * Rows are still made as the list is scrolled: they are built here in a
 * few calls, where a builder template and expression watches per cell
 * made each new row cost milliseconds. */
typedef enum
{
  MESSAGE_TIME,
  MESSAGE_FROM,
  MESSAGE_SIZE,
  MESSAGE_TEXT,
} MessageColumn;

static void
on_message_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  /* Inscriptions size themselves by characters, not by their text:
   * rows scrolled in cost no text layout until they are drawn. */
  static const struct
  {
    int min_chars;
    int nat_chars;
    gboolean numeric;
  } columns[] = {
    [MESSAGE_TIME] = { 12, 12, TRUE },
    [MESSAGE_FROM] = { 12, 21, TRUE },
    [MESSAGE_SIZE] = { 8, 11, TRUE },
    [MESSAGE_TEXT] = { 12, 40, FALSE },
  };
  MessageColumn which = GPOINTER_TO_UINT (user_data);
  GtkWidget *child = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (child), 0);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (child), columns[which].min_chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (child), columns[which].nat_chars);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (child),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (columns[which].numeric)
    gtk_widget_add_css_class (child, "numeric");

  gtk_list_item_set_child (item, child);
  g_object_set_data (G_OBJECT (item), "column", GUINT_TO_POINTER (which));
}

/* Fills a cell from what its slot holds now. */
static void
fill_message_cell (GtkListItem *item)
{
  ChorusSlot *slot = gtk_list_item_get_item (item);
  ChorusMessage *message = slot != NULL ? chorus_slot_get_item (slot) : NULL;
  GtkInscription *child = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  g_autofree char *text = NULL;

  if (message == NULL)
    {
      gtk_inscription_set_text (child, NULL);
      return;
    }

  switch ((MessageColumn) GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "column")))
    {
    case MESSAGE_TIME:
      text = _chorus_format_clock (chorus_message_get_arrival (message));
      break;
    case MESSAGE_FROM:
      text = _chorus_format_endpoint (chorus_message_get_address (message),
                                      chorus_message_get_port (message));
      break;
    case MESSAGE_SIZE:
      text = format_size (NULL, (guint) chorus_message_get_size (message));
      break;
    case MESSAGE_TEXT:
    default:
      gtk_inscription_set_text (child, chorus_message_get_text (message));
      return;
    }

  gtk_inscription_set_text (child, text);
}

static void
on_message_slot_changed (ChorusSlot  *slot,
                         GParamSpec  *pspec,
                         GtkListItem *item)
{
  fill_message_cell (item);
}

static void
on_message_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  g_signal_connect_object (gtk_list_item_get_item (item), "notify::item",
                           G_CALLBACK (on_message_slot_changed), item, 0);
  fill_message_cell (item);
}

static void
on_message_unbind (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), on_message_slot_changed,
                                        item);
}

static void
set_message_factory (GtkColumnViewColumn *column,
                     MessageColumn        which)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (on_message_setup), GUINT_TO_POINTER (which));
  g_signal_connect (factory, "bind", G_CALLBACK (on_message_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_message_unbind), NULL);
  gtk_column_view_column_set_factory (column, factory);
}

static void
chorus_receive_page_dispose (GObject *object)
{
  ChorusReceivePage *self = CHORUS_RECEIVE_PAGE (object);

  if (self->receiver != NULL)
    chorus_receiver_stop (self->receiver);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHORUS_TYPE_RECEIVE_PAGE);

  G_OBJECT_CLASS (chorus_receive_page_parent_class)->dispose (object);
}

static void
chorus_receive_page_finalize (GObject *object)
{
  ChorusReceivePage *self = CHORUS_RECEIVE_PAGE (object);

  g_clear_object (&self->slots);
  g_clear_object (&self->receiver);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (chorus_receive_page_parent_class)->finalize (object);
}

static void
chorus_receive_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChorusReceivePage *self = CHORUS_RECEIVE_PAGE (object);

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
chorus_receive_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ChorusReceivePage *self = CHORUS_RECEIVE_PAGE (object);

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
chorus_receive_page_class_init (ChorusReceivePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chorus_receive_page_dispose;
  object_class->finalize = chorus_receive_page_finalize;
  object_class->get_property = chorus_receive_page_get_property;
  object_class->set_property = chorus_receive_page_set_property;

  /* The host's interfaces, to choose the one to join on. */
  properties[PROP_INTERFACES] =
    g_param_spec_object ("interfaces", NULL, NULL, CHORUS_TYPE_INTERFACE_LIST,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CHORUS_TYPE_INTERFACE_ROW);
  g_type_ensure (CHORUS_TYPE_MESSAGE);
  g_type_ensure (CHORUS_TYPE_MEMBERSHIP);
  g_type_ensure (CHORUS_TYPE_SOURCE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/chorus-receive-page.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "group_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, group.row));
  gtk_widget_class_bind_template_child_full (widget_class, "group_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, group.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "port_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, port.row));
  gtk_widget_class_bind_template_child_full (widget_class, "port_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, port.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "reply_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, reply.row));
  gtk_widget_class_bind_template_child_full (widget_class, "reply_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, reply.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "name_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, name.row));
  gtk_widget_class_bind_template_child_full (widget_class, "name_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, name.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "sources_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, sources.row));
  gtk_widget_class_bind_template_child_full (widget_class, "sources_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, sources.icon));
  gtk_widget_class_bind_template_child_full (widget_class, "exclude_row", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, exclude.row));
  gtk_widget_class_bind_template_child_full (widget_class, "exclude_icon", FALSE,
                                             G_STRUCT_OFFSET (ChorusReceivePage, exclude.icon));
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, interface_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, explain_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, sources_box);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, sources_selection);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, groups_box);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, groups_selection);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, answer_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, answer_switch);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, errors_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, toggle_button);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, waiting_status);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, count_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, unanswered_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, limits_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, rate_spin);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, rate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, larger_switch);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, column_view);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, time_column);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, from_column);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, size_column);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, text_column);
  gtk_widget_class_bind_template_child (widget_class, ChorusReceivePage, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, format_endpoint);
  gtk_widget_class_bind_template_callback_full (widget_class, "format_count",
                                                G_CALLBACK (format_source_count));
  gtk_widget_class_bind_template_callback (widget_class, format_loss);
  gtk_widget_class_bind_template_callback (widget_class, format_ttl);
  gtk_widget_class_bind_template_callback (widget_class, format_rate);

  gtk_widget_class_install_action (widget_class, "receive.toggle", NULL,
                                   chorus_receive_page_toggle_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "receive.toggle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "receive.toggle", NULL);
}

static void
chorus_receive_page_init (ChorusReceivePage *self)
{
  GListModel *messages;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->stick_to_bottom = TRUE;
  set_message_factory (self->time_column, MESSAGE_TIME);
  set_message_factory (self->from_column, MESSAGE_FROM);
  set_message_factory (self->size_column, MESSAGE_SIZE);
  set_message_factory (self->text_column, MESSAGE_TEXT);
  /* Under a flood, the list and counts change a few times a second, not
   * after every read: each change costs a relayout. */
  self->receiver = g_object_new (CHORUS_TYPE_RECEIVER, "update-interval", 100, NULL);
  messages = chorus_receiver_get_messages (self->receiver);
  self->slots = chorus_slot_model_new (CHORUS_RING_MODEL (messages));
  gtk_no_selection_set_model (self->selection, G_LIST_MODEL (self->slots));

  g_signal_connect_object (self->receiver, "notify::running", G_CALLBACK (on_running_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->receiver, "notify::n-received",
                           G_CALLBACK (chorus_receive_page_update_counts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->receiver, "notify::n-replied",
                           G_CALLBACK (chorus_receive_page_update_counts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->receiver, "notify::n-unanswered",
                           G_CALLBACK (chorus_receive_page_update_counts), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->receiver, "notify::problem", G_CALLBACK (on_problem_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (messages, "notify::dropped", G_CALLBACK (on_dropped_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (messages, "items-changed",
                           G_CALLBACK (chorus_receive_page_update_stack), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->slots, "notify::frozen", G_CALLBACK (on_slots_frozen_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->slots, "items-changed", G_CALLBACK (on_messages_changed), self,
                           G_CONNECT_SWAPPED);

  gtk_no_selection_set_model (self->sources_selection, chorus_receiver_get_sources (self->receiver));
  g_signal_connect_object (chorus_receiver_get_sources (self->receiver), "items-changed",
                           G_CALLBACK (on_sources_changed), self, G_CONNECT_SWAPPED);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_scroll_value_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (on_scroll_upper_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::page-size", G_CALLBACK (on_scroll_upper_changed),
                           self, G_CONNECT_SWAPPED);

  /* The reply and whether to answer apply to a running receiver too. */
  g_signal_connect_object (self->reply.row, "notify::text",
                           G_CALLBACK (chorus_receive_page_push_reply), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->group.row, "notify::text",
                           G_CALLBACK (chorus_receive_page_push_reply), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->answer_switch, "active", self->receiver, "answer",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->rate_adjustment, "value", self->receiver, "reply-rate",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->larger_switch, "active", self->receiver, "allow-larger-replies",
                          G_BINDING_SYNC_CREATE);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "receive-group", self->group.row, "text",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_settings_bind (self->settings, "receive-port", self->port.row, "text",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_signal_connect_object (self->settings, "writable-changed::receive-group",
                           G_CALLBACK (chorus_receive_page_update_sensitivity), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "writable-changed::receive-port",
                           G_CALLBACK (chorus_receive_page_update_sensitivity), self,
                           G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "receive-interface", self->interface_row, "interface-name",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_settings_bind (self->settings, "receive-sources", self->sources.row, "text",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_settings_bind (self->settings, "receive-exclude-sources", self->exclude.row, "text",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_signal_connect_object (self->settings, "writable-changed::receive-interface",
                           G_CALLBACK (chorus_receive_page_update_sensitivity), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "writable-changed::receive-sources",
                           G_CALLBACK (chorus_receive_page_update_sensitivity), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "writable-changed::receive-exclude-sources",
                           G_CALLBACK (chorus_receive_page_update_sensitivity), self,
                           G_CONNECT_SWAPPED);
  g_object_bind_property (self->interface_row, "interface-name", self->receiver, "interface",
                          G_BINDING_SYNC_CREATE);
  g_settings_bind (self->settings, "receive-reply", self->reply.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "receive-name", self->name.row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->name.row, "notify::text",
                           G_CALLBACK (chorus_receive_page_push_name), self, G_CONNECT_SWAPPED);
  /* Empty, answers carry the host name: shown where the name goes. */
  g_object_set (gtk_editable_get_delegate (GTK_EDITABLE (self->name.row)), "placeholder-text",
                g_get_host_name (), NULL);
  g_settings_bind (self->settings, "receive-answer", self->answer_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "receive-reply-rate", self->rate_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "receive-allow-larger-replies", self->larger_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->receiver, "notify::reply-rate",
                           G_CALLBACK (chorus_receive_page_update_limits), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->receiver, "notify::allow-larger-replies",
                           G_CALLBACK (chorus_receive_page_update_limits), self,
                           G_CONNECT_SWAPPED);
  chorus_receive_page_update_limits (self);

  chorus_receive_page_push_reply (self);
  chorus_receive_page_push_name (self);
  gtk_no_selection_set_model (self->groups_selection, chorus_receiver_get_groups (self->receiver));
  g_signal_connect_object (chorus_receiver_get_groups (self->receiver), "items-changed",
                           G_CALLBACK (on_groups_changed), self, G_CONNECT_SWAPPED);

  on_sources_changed (self);
  on_groups_changed (self);
  on_running_changed (self);
  chorus_receive_page_update_counts (self);
  on_dropped_changed (self);
}

GtkWidget *
chorus_receive_page_new (void)
{
  return g_object_new (CHORUS_TYPE_RECEIVE_PAGE, NULL);
}

/**
 * chorus_receive_page_get_receiver:
 *
 * Returns: (transfer none): the receiver the page drives
 */
ChorusReceiver *
chorus_receive_page_get_receiver (ChorusReceivePage *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVE_PAGE (self), NULL);

  return self->receiver;
}
