/* chorus-window.c
 *
 * The activities in a sidebar, the page of the one chosen beside it.
 * Narrower than both, the leaflet folds: the list alone, then the page
 * over it with a back button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "chorus-activity-row.h"
#include "chorus-interface-list.h"
#include "chorus-ping-page.h"
#include "chorus-probe-page.h"
#include "chorus-receive-page.h"
#include "chorus-send-page.h"
#include "chorus-window.h"

struct _ChorusWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkListBox           *sidebar_list;
  GtkWidget            *content;
  AdwWindowTitle       *content_title;
  AdwViewStack         *stack;
  GtkWidget            *serving_button;
  GtkWidget            *sidebar_serving_button;
  AdwToastOverlay      *toast_overlay;
  ChorusInterfaceList  *interfaces;

  ChorusActivityRow    *send_row;
  ChorusActivityRow    *probe_row;
  ChorusActivityRow    *receive_row;
  ChorusActivityRow    *ping_row;
  ChorusSendPage       *send_page;
  ChorusProbePage      *probe_page;
  ChorusReceivePage    *receive_page;
  ChorusPingPage       *ping_page;
};

G_DEFINE_FINAL_TYPE (ChorusWindow, chorus_window, ADW_TYPE_APPLICATION_WINDOW)

ChorusWindow *
chorus_window_new (ChorusApplication *application)
{
  g_return_val_if_fail (CHORUS_IS_APPLICATION (application), NULL);

  return g_object_new (CHORUS_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static ChorusActivityRow *
find_row (ChorusWindow *self,
          const char   *page_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (CHORUS_IS_ACTIVITY_ROW (child)
          && g_strcmp0 (chorus_activity_row_get_page_name (CHORUS_ACTIVITY_ROW (child)),
                        page_name) == 0)
        return CHORUS_ACTIVITY_ROW (child);
    }

  return NULL;
}

/* A heading above the first row of each section. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  const char *section = chorus_activity_row_get_section (CHORUS_ACTIVITY_ROW (row));
  GtkWidget *header;

  if (before != NULL
      && g_strcmp0 (section, chorus_activity_row_get_section (CHORUS_ACTIVITY_ROW (before))) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_list_box_row_get_header (row);
  if (header == NULL)
    {
      header = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_widget_add_css_class (header, "heading");
      gtk_widget_add_css_class (header, "dim-label");
      /* In line with the rows' icons. */
      gtk_widget_set_margin_start (header, 14);
      gtk_widget_set_margin_end (header, 14);
      gtk_widget_set_margin_bottom (header, 6);
      gtk_list_box_row_set_header (row, header);
    }
  gtk_label_set_text (GTK_LABEL (header), section);
  gtk_widget_set_margin_top (header, before != NULL ? 18 : 6);
}

/* The stack's page is the one source of what is shown: the row, the
 * title and the setting follow it. */
static void
on_visible_child_changed (ChorusWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);
  ChorusActivityRow *row = find_row (self, name);

  if (row == NULL)
    return;

  gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));
  adw_window_title_set_title (self->content_title, chorus_activity_row_get_title (row));
  g_settings_set_string (self->settings, "last-activity", name);
}

/* Arrow keys move the selection: the page follows, unfolded in sight. */
static void
on_row_selected (ChorusWindow  *self,
                 GtkListBoxRow *row)
{
  const char *name;

  if (row == NULL)
    return;

  name = chorus_activity_row_get_page_name (CHORUS_ACTIVITY_ROW (row));
  adw_view_stack_set_visible_child_name (self->stack, name);
}

/* Keyboard focus to the first widget of the page shown. */
static void
focus_page (ChorusWindow *self)
{
  GtkWidget *page = adw_view_stack_get_visible_child (self->stack);

  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

/* Shows @row's page; folded, over the list, with the focus in it. */
static void
show_row (ChorusWindow      *self,
          ChorusActivityRow *row,
          gboolean           focus)
{
  adw_view_stack_set_visible_child_name (self->stack, chorus_activity_row_get_page_name (row));

  if (adw_leaflet_get_folded (self->leaflet))
    {
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      /* The row that had the focus goes out of sight. */
      focus = TRUE;
    }

  if (focus)
    focus_page (self);
}

static void
chorus_window_show_page_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  ChorusWindow *self = CHORUS_WINDOW (widget);
  ChorusActivityRow *row = find_row (self, g_variant_get_string (parameter, NULL));

  if (row != NULL)
    show_row (self, row, FALSE);
}

/* Alt+N: the Nth activity, counted from 1, with the focus in its page. */
static void
chorus_window_show_activity_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  ChorusWindow *self = CHORUS_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar_list,
                                                      g_variant_get_int32 (parameter) - 1);

  if (row != NULL)
    show_row (self, CHORUS_ACTIVITY_ROW (row), TRUE);
}

static void
chorus_window_back_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ChorusWindow *self = CHORUS_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->sidebar_list);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* Ctrl+Enter wherever the focus is: the start or stop of the page
 * shown, by its own action. Folded over the list, the page comes into
 * sight first. */
static void
chorus_window_start_stop_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  ChorusWindow *self = CHORUS_WINDOW (widget);
  const char *name = adw_view_stack_get_visible_child_name (self->stack);
  ChorusActivityRow *row = find_row (self, name);
  const char *start_action;

  if (row == NULL)
    return;

  start_action = chorus_activity_row_get_start_action (row);
  if (start_action == NULL)
    return;

  if (adw_leaflet_get_folded (self->leaflet)
      && adw_leaflet_get_visible_child (self->leaflet) != self->content)
    show_row (self, row, FALSE);

  gtk_widget_activate_action (adw_view_stack_get_visible_child (self->stack), start_action, NULL);
}

static void
on_ping_running_changed (ChorusWindow *self)
{
  ChorusMpingClient *client = chorus_ping_page_get_client (self->ping_page);
  ChorusMpingServer *server = chorus_ping_page_get_server (self->ping_page);

  chorus_activity_row_set_running (self->ping_row,
                                   chorus_mping_client_get_running (client)
                                   || chorus_mping_server_get_running (server));
}

/* While the ping server has its port open to the network, the header
 * says so from every page, folded or not. */
static void
update_serving (ChorusWindow *self)
{
  ChorusMpingServer *server = chorus_ping_page_get_server (self->ping_page);
  gboolean serving = chorus_mping_server_get_running (server);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->serving_button, serving);
  gtk_widget_set_visible (self->sidebar_serving_button,
                          serving && adw_leaflet_get_folded (self->leaflet));
  if (!serving)
    return;

  /* Translators: %u is a UDP port number */
  text = g_strdup_printf (_("Answering multicast ping on port %u"),
                          chorus_mping_server_get_port (server));
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *button = i == 0 ? self->serving_button : self->sidebar_serving_button;

      gtk_widget_set_tooltip_text (button, text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                      -1);
    }
}

/* The last activity, if there is still such a page; else the first. */
static void
restore_activity (ChorusWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "last-activity");
  ChorusActivityRow *row = find_row (self, name);

  if (row == NULL)
    row = CHORUS_ACTIVITY_ROW (gtk_list_box_get_row_at_index (self->sidebar_list, 0));

  adw_view_stack_set_visible_child_name (self->stack, chorus_activity_row_get_page_name (row));
  on_visible_child_changed (self);
}

static void
chorus_window_dispose (GObject *object)
{
  ChorusWindow *self = CHORUS_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHORUS_TYPE_WINDOW);

  G_OBJECT_CLASS (chorus_window_parent_class)->dispose (object);
}

static void
chorus_window_finalize (GObject *object)
{
  ChorusWindow *self = CHORUS_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (chorus_window_parent_class)->finalize (object);
}

static void
chorus_window_class_init (ChorusWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chorus_window_dispose;
  object_class->finalize = chorus_window_finalize;

  g_type_ensure (CHORUS_TYPE_ACTIVITY_ROW);
  g_type_ensure (CHORUS_TYPE_INTERFACE_LIST);
  g_type_ensure (CHORUS_TYPE_SEND_PAGE);
  g_type_ensure (CHORUS_TYPE_RECEIVE_PAGE);
  g_type_ensure (CHORUS_TYPE_PROBE_PAGE);
  g_type_ensure (CHORUS_TYPE_PING_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/chorus-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, content);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, serving_button);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, sidebar_serving_button);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, interfaces);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, send_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, probe_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, receive_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, ping_row);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, send_page);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, probe_page);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, receive_page);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, ping_page);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s",
                                   chorus_window_show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-activity", "i",
                                   chorus_window_show_activity_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, chorus_window_back_action);
  gtk_widget_class_install_action (widget_class, "win.start-stop", NULL,
                                   chorus_window_start_stop_action);

  for (int i = 1; i <= 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, GDK_ALT_MASK,
                                         "win.show-activity", "i", i);
  /* The pages bind these too, for the focus inside them; the window's
   * serve wherever else it is. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.start-stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.start-stop", NULL);
}

static void
chorus_window_init (ChorusWindow *self)
{
  ChorusMpingServer *server;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);

  gtk_list_box_set_header_func (self->sidebar_list, update_header, NULL, NULL);
  g_signal_connect_object (self->sidebar_list, "row-selected", G_CALLBACK (on_row_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (on_visible_child_changed), self, G_CONNECT_SWAPPED);

  /* What runs shows on its row. */
  g_object_bind_property (chorus_send_page_get_sender (self->send_page), "running",
                          self->send_row, "running", G_BINDING_SYNC_CREATE);
  g_object_bind_property (chorus_probe_page_get_sender (self->probe_page), "running",
                          self->probe_row, "running", G_BINDING_SYNC_CREATE);
  g_object_bind_property (chorus_receive_page_get_receiver (self->receive_page), "running",
                          self->receive_row, "running", G_BINDING_SYNC_CREATE);
  server = chorus_ping_page_get_server (self->ping_page);
  g_signal_connect_object (chorus_ping_page_get_client (self->ping_page), "notify::running",
                           G_CALLBACK (on_ping_running_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::running", G_CALLBACK (on_ping_running_changed), self,
                           G_CONNECT_SWAPPED);
  on_ping_running_changed (self);

  g_signal_connect_object (server, "notify::running", G_CALLBACK (update_serving), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::port", G_CALLBACK (update_serving), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (update_serving), self,
                           G_CONNECT_SWAPPED);
  update_serving (self);

  restore_activity (self);
}
