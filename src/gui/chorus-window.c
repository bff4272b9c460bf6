/* chorus-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

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

  AdwViewStack         *stack;
  AdwToastOverlay      *toast_overlay;
  ChorusInterfaceList  *interfaces;
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

static void
chorus_window_show_page_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  ChorusWindow *self = CHORUS_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
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

  g_type_ensure (CHORUS_TYPE_INTERFACE_LIST);
  g_type_ensure (CHORUS_TYPE_SEND_PAGE);
  g_type_ensure (CHORUS_TYPE_RECEIVE_PAGE);
  g_type_ensure (CHORUS_TYPE_PROBE_PAGE);
  g_type_ensure (CHORUS_TYPE_PING_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/chorus-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ChorusWindow, interfaces);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s",
                                   chorus_window_show_page_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.show-page", "s", "send");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.show-page", "s", "receive");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "win.show-page", "s", "probe");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK,
                                       "win.show-page", "s", "ping");
}

static void
chorus_window_init (ChorusWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);
}
