/* chorus-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "chorus-application.h"
#include "chorus-window.h"

struct _ChorusApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (ChorusApplication, chorus_application, ADW_TYPE_APPLICATION)

ChorusApplication *
chorus_application_new (void)
{
  return g_object_new (CHORUS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/chorusapp/Chorus",
                       NULL);
}

static void
chorus_application_activate (GApplication *app)
{
  GtkWindow *window;

  g_assert (CHORUS_IS_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (chorus_window_new (CHORUS_APPLICATION (app)));

  gtk_window_present (window);
}

static void
chorus_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  ChorusApplication *self = user_data;
  /* The same name as developer-name, translated alike. */
  const char *developers[] = { _("The Chorus developers"), NULL };
  GtkWindow *window;

  g_assert (CHORUS_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Chorus"),
                         "application-icon", APP_ID,
                         "developer-name", developers[0],
                         "version", PACKAGE_VERSION,
                         "comments", _("Send to a multicast group and see who answers"),
                         "website", "https://github.com/chorusapp/chorus",
                         "issue-url", "https://github.com/chorusapp/chorus/issues",
                         "developers", developers,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
chorus_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  ChorusApplication *self = user_data;

  g_assert (CHORUS_IS_APPLICATION (self));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "quit", chorus_application_quit_action },
  { "about", chorus_application_about_action },
};

static void
chorus_application_startup (GApplication *app)
{
  ChorusApplication *self = CHORUS_APPLICATION (app);

  G_APPLICATION_CLASS (chorus_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
}

static void
chorus_application_class_init (ChorusApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = chorus_application_activate;
  app_class->startup = chorus_application_startup;
}

static void
chorus_application_init (ChorusApplication *self)
{
}
