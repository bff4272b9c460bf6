/* test-receive-page.c: validation, settings and the messages view of the
 * Receive page
 *
 * These tests never start the receiver: they run in the machine's own
 * network namespace, where no group may be joined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-address.h"
#include "chorus-message.h"
#include "chorus-receive-page.h"
#include "chorus-ring-model.h"
#include "chorus-text.h"
#include "gui-test-utils.h"

#define CHILD(page, name) gui_test_child (GTK_WIDGET (page), CHORUS_TYPE_RECEIVE_PAGE, name)

static void
set_text (GtkWidget  *page,
          const char *row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (CHILD (page, row)), text);
}

static void
test_validation (void)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  GtkWidget *group_row = CHILD (page, "group_row");
  GtkWidget *button = CHILD (page, "toggle_button");
  GtkWidget *errors = CHILD (page, "errors_label");

  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Start Receiving");
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "group_row", "240.0.0.1");
  g_assert_true (gtk_widget_has_css_class (group_row, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (errors)),
                            "240.0.0.1 is not a multicast address"));
  g_assert_false (gtk_widget_get_sensitive (button));

  /* Screen readers hear the error on the row and on the text field in
   * it, which has the focus. */
  {
    GtkAccessible *const accessibles[] = {
      GTK_ACCESSIBLE (group_row),
      GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (group_row))),
    };
    const char *message = gtk_widget_get_tooltip_text (CHILD (page, "group_icon"));

    g_assert_nonnull (strstr (message, "240.0.0.1 is not a multicast address"));
    for (guint i = 0; i < G_N_ELEMENTS (accessibles); i++)
      {
        gtk_test_accessible_assert_state (accessibles[i], GTK_ACCESSIBLE_STATE_INVALID,
                                          GTK_ACCESSIBLE_INVALID_TRUE);
        gtk_test_accessible_assert_property (accessibles[i],
                                             GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message);
      }

    set_text (page, "group_row", "239.1.2.3");
    for (guint i = 0; i < G_N_ELEMENTS (accessibles); i++)
      {
        g_assert_false (gtk_test_accessible_has_state (accessibles[i],
                                                       GTK_ACCESSIBLE_STATE_INVALID));
        g_assert_false (gtk_test_accessible_has_property (accessibles[i],
                                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
      }
  }

  g_assert_false (gtk_widget_has_css_class (group_row, "error"));
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "port_row", "0");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "port_row"), "error"));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "port_row", "10000");
  g_assert_true (gtk_widget_get_sensitive (button));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

static const char *
label_text (GtkWidget  *page,
            const char *name)
{
  GtkWidget *label = CHILD (page, name);

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

/* What the group is, under its field: one group, or the first of many. */
static void
test_explain (void)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());

  set_text (page, "group_row", "224.0.0.251");
  g_assert_nonnull (strstr (label_text (page, "explain_label"), "mDNS"));
  g_assert_nonnull (strstr (label_text (page, "explain_label"), "link-local"));

  set_text (page, "group_row", "239.255.1.1");
  g_assert_nonnull (strstr (label_text (page, "explain_label"), "site-local"));

  set_text (page, "group_row", "ff05::4242");
  g_assert_nonnull (strstr (label_text (page, "explain_label"), "site-local"));
  g_assert_nonnull (strstr (label_text (page, "explain_label"), "33:33:00:00:42:42"));

  /* Warnings, in their own line; the Ethernet address every IPv4 group
   * shares with 31 others is none. */
  set_text (page, "group_row", "224.3.29.71");
  g_assert_null (label_text (page, "warning_label"));
  set_text (page, "group_row", "224.0.0.251");
  g_assert_nonnull (strstr (label_text (page, "warning_label"), "never routed"));
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "warning_label"), "warning"));

  set_text (page, "group_row", "239.1.1.1+9");
  g_assert_true (g_str_has_prefix (label_text (page, "explain_label"), "10 groups; the first: "));
  g_assert_false (gtk_widget_has_css_class (CHILD (page, "group_row"), "error"));

  set_text (page, "group_row", "239.1.1.1, 239.1.1.2");
  g_assert_true (g_str_has_prefix (label_text (page, "explain_label"), "2 groups; the first: "));

  /* An invalid group has its error, and no explanation. */
  set_text (page, "group_row", "239.1.1.1+2000");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "group_row"), "error"));
  g_assert_null (label_text (page, "explain_label"));
  g_assert_null (label_text (page, "warning_label"));

  /* A link-local IPv6 group needs an interface, chosen or in its zone. */
  set_text (page, "group_row", "ff02::4242");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "group_row"), "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (CHILD (page, "group_icon")),
                            "ff02::4242 is link-local: choose an interface"));
  g_assert_false (gtk_widget_get_sensitive (CHILD (page, "toggle_button")));
  set_text (page, "group_row", "ff02::4242%lo");
  g_assert_false (gtk_widget_has_css_class (CHILD (page, "group_row"), "error"));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_reset (settings, "receive-group");
  }
}

/* The senders to receive from, or to exclude: addresses of the groups'
 * family; a source-specific group needs some and cannot exclude any. */
static void
test_sources (void)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  GtkWidget *button = CHILD (page, "toggle_button");
  GtkWidget *sources = CHILD (page, "sources_row");
  GtkWidget *exclude = CHILD (page, "exclude_row");

  set_text (page, "group_row", "239.1.2.3");
  g_assert_false (gtk_widget_has_css_class (sources, "error"));
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Missing for a source-specific group. */
  set_text (page, "group_row", "232.1.1.1");
  g_assert_true (gtk_widget_has_css_class (sources, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (CHILD (page, "sources_icon")),
                            "232.1.1.1 is a source-specific group"));
  g_assert_false (gtk_widget_get_sensitive (button));

  set_text (page, "sources_row", "192.0.2.1, 192.0.2.2");
  g_assert_false (gtk_widget_has_css_class (sources, "error"));
  g_assert_true (gtk_widget_get_sensitive (button));

  /* The wrong family. */
  set_text (page, "sources_row", "2001:db8::1");
  g_assert_true (gtk_widget_has_css_class (sources, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (CHILD (page, "sources_icon")),
                            "2001:db8::1 is IPv6"));
  g_assert_false (gtk_widget_get_sensitive (button));

  set_text (page, "group_row", "ff3e::1234");
  g_assert_false (gtk_widget_has_css_class (sources, "error"));
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "sources_row", "not-an-address");
  g_assert_true (gtk_widget_has_css_class (sources, "error"));
  g_assert_false (gtk_widget_get_sensitive (button));

  /* Nothing to exclude from a source-specific group. */
  set_text (page, "sources_row", "2001:db8::1");
  set_text (page, "exclude_row", "2001:db8::2");
  g_assert_true (gtk_widget_has_css_class (exclude, "error"));
  g_assert_false (gtk_widget_get_sensitive (button));

  /* Either list, not both. */
  set_text (page, "group_row", "ff15::1234");
  g_assert_true (gtk_widget_has_css_class (exclude, "error"));
  set_text (page, "sources_row", "");
  g_assert_false (gtk_widget_has_css_class (exclude, "error"));
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "exclude_row", "192.0.2.9");
  g_assert_true (gtk_widget_has_css_class (exclude, "error"));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_reset (settings, "receive-group");
    g_settings_reset (settings, "receive-sources");
    g_settings_reset (settings, "receive-exclude-sources");
  }
}

static void
on_reply_changed (ChorusReceiver *receiver)
{
  g_assert_cmpuint (strlen (chorus_receiver_get_reply (receiver)), <=, CHORUS_MAX_PAYLOAD_IPV4);
}

/* Only a reply that fits a datagram reaches the receiver, which may be
 * running: the one that last did stays until then. */
static void
test_reply_too_long (void)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  GtkWidget *reply_row = CHILD (page, "reply_row");
  g_autofree char *largest = g_strnfill (CHORUS_MAX_PAYLOAD_IPV4, 'x');
  g_autofree char *too_long = g_strnfill (CHORUS_MAX_PAYLOAD_IPV4 + 1, 'x');

  g_signal_connect (receiver, "notify::reply", G_CALLBACK (on_reply_changed), NULL);

  set_text (page, "group_row", "239.1.2.3");
  set_text (page, "reply_row", "pong");
  g_assert_cmpstr (chorus_receiver_get_reply (receiver), ==, "pong");

  set_text (page, "reply_row", too_long);
  g_assert_true (gtk_widget_has_css_class (reply_row, "error"));
  g_assert_cmpstr (chorus_receiver_get_reply (receiver), ==, "pong");

  /* Nor while the group is invalid, when the reply cannot be checked. */
  set_text (page, "group_row", "nowhere");
  set_text (page, "reply_row", "ack");
  g_assert_cmpstr (chorus_receiver_get_reply (receiver), ==, "pong");

  /* A valid group lets the waiting reply through. */
  set_text (page, "group_row", "239.1.2.3");
  g_assert_cmpstr (chorus_receiver_get_reply (receiver), ==, "ack");

  set_text (page, "reply_row", largest);
  g_assert_false (gtk_widget_has_css_class (reply_row, "error"));
  g_assert_cmpstr (chorus_receiver_get_reply (receiver), ==, largest);

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_reset (settings, "receive-group");
    g_settings_reset (settings, "receive-reply");
  }
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  GtkWidget *answer = CHILD (page, "answer_switch");

  g_settings_set_string (settings, "receive-group", "239.7.7.7");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "group_row"))), ==,
                   "239.7.7.7");
  g_settings_set_string (settings, "receive-reply", "pong");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "reply_row"))), ==, "pong");
  g_assert_cmpstr (chorus_receiver_get_reply (receiver), ==, "pong");
  g_settings_set_boolean (settings, "receive-answer", FALSE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (answer)));
  g_assert_false (chorus_receiver_get_answer (receiver));

  set_text (page, "port_row", "20000");
  g_assert_cmpstr (g_settings_get_string (settings, "receive-port"), ==, "20000");
  set_text (page, "group_row", "224.2.2.2");
  g_assert_cmpstr (g_settings_get_string (settings, "receive-group"), ==, "224.2.2.2");
  set_text (page, "reply_row", "got it");
  g_assert_cmpstr (g_settings_get_string (settings, "receive-reply"), ==, "got it");
  gtk_switch_set_active (GTK_SWITCH (answer), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "receive-answer"));

  /* The reply guard's settings, both ways, and on to the receiver. */
  g_assert_cmpfloat (chorus_receiver_get_reply_rate (receiver), ==, 100);
  g_assert_false (chorus_receiver_get_allow_larger_replies (receiver));
  g_settings_set_uint (settings, "receive-reply-rate", 5);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (CHILD (page, "rate_spin"))), ==,
                     5);
  g_assert_cmpfloat (chorus_receiver_get_reply_rate (receiver), ==, 5);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (CHILD (page, "limits_row"))),
                   ==, "At most 5 a second to one sender, never larger than the message");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (CHILD (page, "rate_spin")), 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "receive-reply-rate"), ==, 0);
  g_assert_cmpfloat (chorus_receiver_get_reply_rate (receiver), ==, 0);
  g_settings_set_boolean (settings, "receive-allow-larger-replies", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (CHILD (page, "larger_switch"))));
  g_assert_true (chorus_receiver_get_allow_larger_replies (receiver));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (CHILD (page, "limits_row"))),
                   ==, "No limit");
  gtk_switch_set_active (GTK_SWITCH (CHILD (page, "larger_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "receive-allow-larger-replies"));
  g_assert_false (chorus_receiver_get_allow_larger_replies (receiver));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  g_settings_reset (settings, "receive-group");
  g_settings_reset (settings, "receive-port");
  g_settings_reset (settings, "receive-reply");
  g_settings_reset (settings, "receive-answer");
  g_settings_reset (settings, "receive-reply-rate");
  g_settings_reset (settings, "receive-allow-larger-replies");
}

typedef struct
{
  GtkWidget *view;
  const char *expected;
} FindLabel;

/* A label, or an inscription (the text column's cells, whose size does
 * not depend on their text), showing exactly the expected text. */
static gboolean
has_label (gpointer user_data)
{
  FindLabel *find = user_data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) inscriptions = g_ptr_array_new ();

  gui_test_collect (find->view, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), find->expected) == 0)
      return TRUE;

  gui_test_collect (find->view, GTK_TYPE_INSCRIPTION, inscriptions);
  for (guint i = 0; i < inscriptions->len; i++)
    if (g_strcmp0 (gtk_inscription_get_text (inscriptions->pdata[i]), find->expected) == 0)
      return TRUE;

  return FALSE;
}

static GBytes *
make_payload (guint i)
{
  static const struct
  {
    const char *data;
    gsize size;
  } hostile[] = {
    { "<b>x</b>", 8 },
    { "&amp;", 5 },
    { "nul\0byte", 8 },
    { "\x1b[31mred", 8 },
    { "bad \xff\xfe utf-8", 14 },
    { "<span foreground=\"red\">", 23 },
  };

  if (i < G_N_ELEMENTS (hostile))
    return g_bytes_new (hostile[i].data, hostile[i].size);
  else
    {
      /* The largest IPv4 datagram, full of markup and control bytes. */
      guint8 *data = g_malloc (CHORUS_MAX_PAYLOAD_IPV4);

      for (gsize j = 0; j < CHORUS_MAX_PAYLOAD_IPV4; j++)
        data[j] = "<b>&x\x01</b>"[j % 10];

      return g_bytes_new_take (data, CHORUS_MAX_PAYLOAD_IPV4);
    }
}

#define N_PAYLOADS 7

/* A new page, shown in a window of this size (the list lays out only
 * what a shown window has room for). */
static GtkWidget *
present_page (int width,
              int height)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (page));

  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);

  return page;
}

static void
test_messages_view (void)
{
  GtkWidget *page = present_page (900, 1000);
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  ChorusRingModel *messages = CHORUS_RING_MODEL (chorus_receiver_get_messages (receiver));
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("10.0.0.2");
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (address, 40000);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *view = CHILD (page, "column_view");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (CHILD (page, "results_stack"))),
                   ==, "empty");

  for (guint i = 0; i < N_PAYLOADS; i++)
    {
      g_autoptr(GBytes) payload = make_payload (i);
      g_autoptr(ChorusMessage) message = chorus_message_new (G_INET_SOCKET_ADDRESS (from),
                                                             payload, g_get_real_time (), 1, i);

      chorus_ring_model_append (messages, message);
    }

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (CHILD (page, "results_stack"))),
                   ==, "list");

  for (guint i = 0; i < N_PAYLOADS; i++)
    {
      g_autoptr(GBytes) payload = make_payload (i);
      g_autofree char *expected = chorus_text_escape (g_bytes_get_data (payload, NULL),
                                                      g_bytes_get_size (payload));
      FindLabel find = { view, expected };

      g_test_message ("looking for message %u", i);
      g_assert_true (gui_test_wait (has_label, &find, 5000));
    }

  {
    FindLabel size = { view, "65507 bytes" };
    FindLabel endpoint = { view, "10.0.0.2:40000" };

    g_assert_true (gui_test_wait (has_label, &size, 5000));
    g_assert_true (gui_test_wait (has_label, &endpoint, 5000));
  }

  gui_test_collect (view, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];

      g_assert_false (gtk_label_get_use_markup (label));
      g_assert_cmpstr (gtk_label_get_text (label), ==, gtk_label_get_label (label));
    }

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

static void
test_dropped (void)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  ChorusRingModel *messages = CHORUS_RING_MODEL (chorus_receiver_get_messages (receiver));
  GtkWidget *dropped = CHILD (page, "dropped_label");
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("10.0.0.3");
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (address, 40000);

  g_assert_false (gtk_widget_get_visible (dropped));

  chorus_ring_model_set_capacity (messages, 3);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GBytes) payload = g_bytes_new_static ("hi", 2);
      g_autoptr(ChorusMessage) message = chorus_message_new (G_INET_SOCKET_ADDRESS (from),
                                                             payload, g_get_real_time (), 1, i);

      chorus_ring_model_append (messages, message);
    }

  g_assert_true (gtk_widget_get_visible (dropped));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (dropped)), ==, "2 older messages dropped");

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

/* Which of the empty state, the waiting state and the list shows. The
 * receiver cannot start here, where no group may be joined: the running
 * state with no message is covered by the end-to-end test, in its own
 * network namespace. */
static void
test_results_stack (void)
{
  GtkWidget *page = gui_test_window (chorus_receive_page_new ());
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  ChorusRingModel *messages = CHORUS_RING_MODEL (chorus_receiver_get_messages (receiver));
  GtkStack *stack = GTK_STACK (CHILD (page, "results_stack"));
  AdwStatusPage *waiting = ADW_STATUS_PAGE (CHILD (page, "waiting_status"));
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("10.0.0.5");
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (address, 40000);
  g_autoptr(GBytes) payload = g_bytes_new_static ("hi", 2);
  g_autoptr(ChorusMessage) message = NULL;

  /* Idle, nothing received. */
  g_assert_false (chorus_receiver_get_running (receiver));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (waiting), ==, "Waiting for Messages");

  /* A notification alone changes nothing while the receiver is idle. */
  g_object_notify (G_OBJECT (receiver), "running");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  /* The messages model is the receiver's; filling it by hand stands in
   * for a run that cannot happen here. */
  message = chorus_message_new (G_INET_SOCKET_ADDRESS (from), payload, g_get_real_time (), 1, 0);
  chorus_ring_model_append (messages, message);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");

  /* As after a stop: the messages stay readable. */
  g_object_notify (G_OBJECT (receiver), "running");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

static gboolean
at_bottom (gpointer user_data)
{
  GtkAdjustment *adjustment = user_data;

  return gtk_adjustment_get_value (adjustment) > 0
         && gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
            >= gtk_adjustment_get_upper (adjustment) - 4;
}

static gboolean
never (gpointer user_data)
{
  return FALSE;
}

/* @count messages, "m@first" onwards, as one receiver dispatch adds them. */
static void
append_numbered (ChorusRingModel *messages,
                 GSocketAddress  *from,
                 guint            first,
                 guint            count)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < first + count; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%u", i);
      g_autoptr(GBytes) payload = g_bytes_new (text, strlen (text));

      g_ptr_array_add (items, chorus_message_new (G_INET_SOCKET_ADDRESS (from), payload,
                                                  g_get_real_time (), 1, i));
    }
  chorus_ring_model_append_many (messages, items->pdata, items->len);
}

static void
append_batches (ChorusRingModel *messages,
                GSocketAddress  *from,
                guint64         *sequence,
                guint            n_batches)
{
  for (guint batch = 0; batch < n_batches; batch++)
    {
      append_numbered (messages, from, (guint) *sequence, 10);
      *sequence += 10;

      /* Let the list lay the batch out, as between two bursts. */
      gui_test_wait (never, NULL, 100);
    }
}

/* Once the ring is full, each batch removes rows at the front as many as
 * it adds at the end: the list must still follow the newest message. */
static void
test_follows_full_ring (void)
{
  GtkWidget *page = present_page (900, 700);
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  ChorusRingModel *messages = CHORUS_RING_MODEL (chorus_receiver_get_messages (receiver));
  GtkAdjustment *adjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (CHILD (page, "scroller")));
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("10.0.0.4");
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (address, 40000);
  guint64 sequence = 0;

  chorus_ring_model_set_capacity (messages, 60);
  append_batches (messages, from, &sequence, 12);
  g_assert_cmpuint (chorus_ring_model_get_dropped (messages), ==, 60);
  g_assert_true (gui_test_wait (at_bottom, adjustment, 5000));

  /* Scrolled up to read, the list stays put... */
  gtk_adjustment_set_value (adjustment, 0);
  append_batches (messages, from, &sequence, 3);
  g_assert_false (at_bottom (adjustment));

  /* ...until scrolled back to the bottom. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                          - gtk_adjustment_get_page_size (adjustment));
  append_batches (messages, from, &sequence, 3);
  g_assert_true (gui_test_wait (at_bottom, adjustment, 5000));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

/* A full ring turning under the list: the rows show the newest messages;
 * scrolled up to read, they keep what they showed, however many arrive,
 * until the list is back at the bottom. */
static void
test_freezes_while_reading (void)
{
  GtkWidget *page = present_page (900, 700);
  ChorusReceiver *receiver = chorus_receive_page_get_receiver (CHORUS_RECEIVE_PAGE (page));
  ChorusRingModel *messages = CHORUS_RING_MODEL (chorus_receiver_get_messages (receiver));
  GtkAdjustment *adjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (CHILD (page, "scroller")));
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("10.0.0.5");
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (address, 40000);
  GtkWidget *view = CHILD (page, "column_view");
  FindLabel oldest = { view, "m60" };
  FindLabel newest = { view, "m119" };
  FindLabel later = { view, "m149" };

  chorus_ring_model_set_capacity (messages, 60);
  for (guint i = 0; i < 120; i += 20)
    {
      append_numbered (messages, from, i, 20);
      gui_test_wait (never, NULL, 50);
    }
  g_assert_true (gui_test_wait (has_label, &newest, 5000));
  g_assert_true (gui_test_wait (at_bottom, adjustment, 5000));
  g_assert_true (has_label (&oldest));

  /* Scrolled up: what the rows show stays, the ring turning beneath. */
  gtk_adjustment_set_value (adjustment, 0);
  append_numbered (messages, from, 120, 30);
  gui_test_wait (never, NULL, 300);
  g_assert_true (has_label (&oldest));
  g_assert_true (has_label (&newest));
  g_assert_false (has_label (&later));

  /* Back at the bottom: the newest at once, the dropped ones gone. */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                          - gtk_adjustment_get_page_size (adjustment));
  g_assert_true (gui_test_wait (has_label, &later, 5000));
  g_assert_false (has_label (&oldest));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/receive-page/validation", test_validation);
  g_test_add_func ("/receive-page/reply-too-long", test_reply_too_long);
  g_test_add_func ("/receive-page/explain", test_explain);
  g_test_add_func ("/receive-page/sources", test_sources);
  g_test_add_func ("/receive-page/settings", test_settings);
  g_test_add_func ("/receive-page/messages-view", test_messages_view);
  g_test_add_func ("/receive-page/dropped", test_dropped);
  g_test_add_func ("/receive-page/results-stack", test_results_stack);
  g_test_add_func ("/receive-page/follows-full-ring", test_follows_full_ring);
  g_test_add_func ("/receive-page/freezes-while-reading", test_freezes_while_reading);

  return g_test_run ();
}
