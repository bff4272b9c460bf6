/* test-send-page.c: validation, settings and the acks view of the Send page
 *
 * These tests never start the sender: they run in the machine's own
 * network namespace, where nothing may be sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-ack.h"
#include "chorus-ring-model.h"
#include "chorus-send-page.h"
#include "chorus-text.h"
#include "gui-test-utils.h"

#define CHILD(page, name) gui_test_child (GTK_WIDGET (page), CHORUS_TYPE_SEND_PAGE, name)

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
  GtkWidget *page = gui_test_window (chorus_send_page_new ());
  GtkWidget *group_row = CHILD (page, "group_row");
  GtkWidget *group_icon = CHILD (page, "group_icon");
  GtkWidget *errors = CHILD (page, "errors_label");
  GtkWidget *button = CHILD (page, "send_button");
  const char *tooltip;

  /* The defaults are valid. */
  g_assert_false (gtk_widget_has_css_class (group_row, "error"));
  g_assert_false (gtk_widget_get_visible (errors));
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "group_row", "240.0.0.1");
  g_assert_true (gtk_widget_has_css_class (group_row, "error"));
  g_assert_true (gtk_widget_get_visible (group_icon));
  tooltip = gtk_widget_get_tooltip_text (group_icon);
  g_assert_nonnull (strstr (tooltip, "240.0.0.1 is not a multicast address"));
  g_assert_true (gtk_widget_get_visible (errors));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (errors)),
                            "240.0.0.1 is not a multicast address"));
  g_assert_false (gtk_widget_get_sensitive (button));

  set_text (page, "group_row", "239.1.2.3");
  g_assert_false (gtk_widget_has_css_class (group_row, "error"));
  g_assert_false (gtk_widget_get_visible (group_icon));
  g_assert_false (gtk_widget_get_visible (errors));
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Every other field blocks sending too, and says why. */
  set_text (page, "port_row", "70000");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "port_row"), "error"));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "port_row", "4321");
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "ttl_row", "256");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "ttl_row"), "error"));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "ttl_row", "0");
  g_assert_true (gtk_widget_get_sensitive (button));

  set_text (page, "wait_row", "-1");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "wait_row"), "error"));
  g_assert_false (gtk_widget_get_sensitive (button));
  set_text (page, "wait_row", "0.5");
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Two invalid fields: both messages show. */
  set_text (page, "group_row", "");
  set_text (page, "port_row", "x");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (errors)), "Enter a multicast group"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (errors)), "“x” is not a port number"));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *page;
  GtkWidget *loopback;

  g_settings_set_string (settings, "send-group", "239.9.9.9");
  page = gui_test_window (chorus_send_page_new ());
  loopback = CHILD (page, "loopback_switch");

  /* Setting to field. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "group_row"))), ==,
                   "239.9.9.9");
  g_settings_set_string (settings, "send-message", "hello");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "message_row"))), ==,
                   "hello");
  g_settings_set_boolean (settings, "send-loopback", FALSE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (loopback)));
  g_assert_false (chorus_sender_get_loopback (chorus_send_page_get_sender (CHORUS_SEND_PAGE (page))));

  /* Field to setting. */
  set_text (page, "port_row", "12345");
  g_assert_cmpstr (g_settings_get_string (settings, "send-port"), ==, "12345");
  set_text (page, "ttl_row", "4");
  g_assert_cmpstr (g_settings_get_string (settings, "send-ttl"), ==, "4");
  set_text (page, "wait_row", "2.5");
  g_assert_cmpstr (g_settings_get_string (settings, "send-wait"), ==, "2.5");
  set_text (page, "group_row", "224.1.1.1");
  g_assert_cmpstr (g_settings_get_string (settings, "send-group"), ==, "224.1.1.1");
  gtk_switch_set_active (GTK_SWITCH (loopback), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "send-loopback"));

  /* A half-typed value is kept as typed, not lost or clamped. */
  set_text (page, "port_row", "12a");
  g_assert_cmpstr (g_settings_get_string (settings, "send-port"), ==, "12a");
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  page = gui_test_window (chorus_send_page_new ());
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (page, "port_row"))), ==, "12a");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "port_row"), "error"));
  g_assert_false (gtk_widget_get_sensitive (CHILD (page, "send_button")));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  g_settings_reset (settings, "send-group");
  g_settings_reset (settings, "send-port");
  g_settings_reset (settings, "send-ttl");
  g_settings_reset (settings, "send-wait");
  g_settings_reset (settings, "send-message");
  g_settings_reset (settings, "send-loopback");
}

static void
test_empty_state (void)
{
  GtkWidget *page = gui_test_window (chorus_send_page_new ());

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (CHILD (page, "results_stack"))),
                   ==, "empty");
  g_assert_false (gtk_widget_get_visible (CHILD (page, "progress_bar")));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
}

/* Hostile replies, as the acks list must show them: literally. */
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

typedef struct
{
  GtkWidget *view;
  const char *expected;
} FindLabel;

static gboolean
has_label (gpointer user_data)
{
  FindLabel *find = user_data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  gui_test_collect (find->view, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), find->expected) == 0)
      return TRUE;

  return FALSE;
}

static void
test_acks_view (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = chorus_send_page_new ();
  ChorusSender *sender = chorus_send_page_get_sender (CHORUS_SEND_PAGE (page));
  GListModel *acks = chorus_sender_get_acks (sender);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (loopback, 10000);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *view = CHILD (page, "column_view");
  GtkStack *stack = GTK_STACK (CHILD (page, "results_stack"));
  GtkLabel *count = GTK_LABEL (CHILD (page, "count_label"));

  /* The acks list is the core's; filling it by hand stands in for a run
   * that cannot happen here. */
  g_assert_true (CHORUS_IS_RING_MODEL (acks));

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 1000);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GBytes) payload = g_bytes_new (hostile[i].data, hostile[i].size);
      g_autoptr(ChorusAck) ack = chorus_ack_new (G_INET_SOCKET_ADDRESS (from), payload, 1,
                                                 1500, g_get_real_time (), 64);

      chorus_ring_model_append (CHORUS_RING_MODEL (acks), ack);
    }

  /* The page follows the sender's notifications, as during a run; the
   * sender never ran, so it knows no host. */
  g_object_notify (G_OBJECT (sender), "n-acks");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");
  g_assert_cmpstr (gtk_label_get_text (count), ==, "6 acks from 0 hosts");

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *expected = chorus_text_escape ((const guint8 *) hostile[i].data,
                                                      hostile[i].size);
      FindLabel find = { view, expected };

      g_test_message ("looking for %s", expected);
      g_assert_true (gui_test_wait (has_label, &find, 5000));
    }

  gui_test_collect (view, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];

      g_assert_false (gtk_label_get_use_markup (label));
      /* With markup off the text is the label, byte for byte. */
      g_assert_cmpstr (gtk_label_get_text (label), ==, gtk_label_get_label (label));
    }

  {
    FindLabel rtt = { view, "1.50 ms" };
    FindLabel endpoint = { view, "127.0.0.1:10000" };

    g_assert_true (gui_test_wait (has_label, &rtt, 5000));
    g_assert_true (gui_test_wait (has_label, &endpoint, 5000));
  }

  /* One ack left: the singular. */
  {
    g_autoptr(ChorusAck) first = g_list_model_get_item (acks, 0);

    chorus_ring_model_clear (CHORUS_RING_MODEL (acks));
    chorus_ring_model_append (CHORUS_RING_MODEL (acks), first);
  }
  g_object_notify (G_OBJECT (sender), "n-acks");
  g_assert_cmpstr (gtk_label_get_text (count), ==, "1 ack from 0 hosts");

  /* None at all, and nothing sent: back to the empty state. */
  chorus_ring_model_clear (CHORUS_RING_MODEL (acks));
  g_object_notify (G_OBJECT (sender), "n-acks");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_cmpstr (gtk_label_get_text (count), ==, "Waiting for answers…");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Under the group, what it is; a link-local IPv6 group needs an
 * interface. */
static void
test_explain (void)
{
  GtkWidget *page = gui_test_window (chorus_send_page_new ());
  GtkWidget *explain = CHILD (page, "explain_label");
  GtkWidget *warning = CHILD (page, "warning_label");

  set_text (page, "group_row", "224.0.0.251");
  g_assert_true (gtk_widget_get_visible (explain));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (explain)), "mDNS"));

  set_text (page, "group_row", "ff0e::4242");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (explain)), "global"));

  /* A permanent IPv6 group that is not assigned warns. */
  set_text (page, "group_row", "ff05::4242");
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_true (gtk_widget_has_css_class (warning, "warning"));

  set_text (page, "group_row", "ff02::4242");
  g_assert_true (gtk_widget_has_css_class (CHILD (page, "group_row"), "error"));
  g_assert_false (gtk_widget_get_visible (explain));
  g_assert_false (gtk_widget_get_sensitive (CHILD (page, "send_button")));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_reset (settings, "send-group");
  }
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/send-page/validation", test_validation);
  g_test_add_func ("/send-page/settings", test_settings);
  g_test_add_func ("/send-page/explain", test_explain);
  g_test_add_func ("/send-page/empty-state", test_empty_state);
  g_test_add_func ("/send-page/acks-view", test_acks_view);

  return g_test_run ();
}
