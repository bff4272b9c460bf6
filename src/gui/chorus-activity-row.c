/* chorus-activity-row.c
 *
 * A row of the window's sidebar: the activity's icon and title, and a
 * dot while its service runs. It names the page it shows, the section it
 * is listed under and the page's action that starts or stops it; the
 * window reads them, so that a new activity is one row in its template.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "chorus-activity-row.h"

struct _ChorusActivityRow
{
  GtkListBoxRow  parent_instance;

  char          *page_name;
  char          *title;
  char          *icon_name;
  char          *section;
  char          *start_action;
  gboolean       running;
};

G_DEFINE_FINAL_TYPE (ChorusActivityRow, chorus_activity_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_PAGE_NAME,
  PROP_TITLE,
  PROP_ICON_NAME,
  PROP_SECTION,
  PROP_START_ACTION,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (ChorusActivityRow *self,
            char             **field,
            const char        *value,
            guint              prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* The row is read by its title, and says "Running" after it while the
 * dot shows. */
static void
update_accessible (ChorusActivityRow *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->title ? self->title : "",
                                  -1);
  if (self->running)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Running"),
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* The row's activation as an action of its own: assistive technologies
 * list a widget's actions, and a list box row has none otherwise. */
static void
chorus_activity_row_show_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  gtk_widget_activate (widget);
}

static void
chorus_activity_row_finalize (GObject *object)
{
  ChorusActivityRow *self = CHORUS_ACTIVITY_ROW (object);

  g_clear_pointer (&self->page_name, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->icon_name, g_free);
  g_clear_pointer (&self->section, g_free);
  g_clear_pointer (&self->start_action, g_free);

  G_OBJECT_CLASS (chorus_activity_row_parent_class)->finalize (object);
}

static void
chorus_activity_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CHORUS_TYPE_ACTIVITY_ROW);

  G_OBJECT_CLASS (chorus_activity_row_parent_class)->dispose (object);
}

static void
chorus_activity_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChorusActivityRow *self = CHORUS_ACTIVITY_ROW (object);

  switch (prop_id)
    {
    case PROP_PAGE_NAME:
      g_value_set_string (value, self->page_name);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_SECTION:
      g_value_set_string (value, self->section);
      break;
    case PROP_START_ACTION:
      g_value_set_string (value, self->start_action);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_activity_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ChorusActivityRow *self = CHORUS_ACTIVITY_ROW (object);

  switch (prop_id)
    {
    case PROP_PAGE_NAME:
      set_string (self, &self->page_name, g_value_get_string (value), prop_id);
      break;
    case PROP_TITLE:
      set_string (self, &self->title, g_value_get_string (value), prop_id);
      update_accessible (self);
      break;
    case PROP_ICON_NAME:
      set_string (self, &self->icon_name, g_value_get_string (value), prop_id);
      break;
    case PROP_SECTION:
      set_string (self, &self->section, g_value_get_string (value), prop_id);
      break;
    case PROP_START_ACTION:
      set_string (self, &self->start_action, g_value_get_string (value), prop_id);
      break;
    case PROP_RUNNING:
      chorus_activity_row_set_running (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_activity_row_class_init (ChorusActivityRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_activity_row_dispose;
  object_class->finalize = chorus_activity_row_finalize;
  object_class->get_property = chorus_activity_row_get_property;
  object_class->set_property = chorus_activity_row_set_property;

  /* The name of the page the row shows in the window's stack. */
  properties[PROP_PAGE_NAME] = g_param_spec_string ("page-name", NULL, NULL, NULL, rw);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, rw);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL, rw);
  /* The heading the row is listed under; rows of a section follow one
   * another. */
  properties[PROP_SECTION] = g_param_spec_string ("section", NULL, NULL, NULL, rw);
  /* The page's action that starts or stops it, such as "receive.toggle". */
  properties[PROP_START_ACTION] = g_param_spec_string ("start-action", NULL, NULL, NULL, rw);
  /* Whether the activity's service runs: the dot shows. */
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chorusapp/Chorus/ui/"
                                               "chorus-activity-row.ui");

  gtk_widget_class_install_action (widget_class, "activity.show", NULL,
                                   chorus_activity_row_show_action);
}

static void
chorus_activity_row_init (ChorusActivityRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
chorus_activity_row_new (void)
{
  return g_object_new (CHORUS_TYPE_ACTIVITY_ROW, NULL);
}

const char *
chorus_activity_row_get_page_name (ChorusActivityRow *self)
{
  g_return_val_if_fail (CHORUS_IS_ACTIVITY_ROW (self), NULL);

  return self->page_name;
}

const char *
chorus_activity_row_get_title (ChorusActivityRow *self)
{
  g_return_val_if_fail (CHORUS_IS_ACTIVITY_ROW (self), NULL);

  return self->title;
}

const char *
chorus_activity_row_get_section (ChorusActivityRow *self)
{
  g_return_val_if_fail (CHORUS_IS_ACTIVITY_ROW (self), NULL);

  return self->section;
}

const char *
chorus_activity_row_get_start_action (ChorusActivityRow *self)
{
  g_return_val_if_fail (CHORUS_IS_ACTIVITY_ROW (self), NULL);

  return self->start_action;
}

gboolean
chorus_activity_row_get_running (ChorusActivityRow *self)
{
  g_return_val_if_fail (CHORUS_IS_ACTIVITY_ROW (self), FALSE);

  return self->running;
}

void
chorus_activity_row_set_running (ChorusActivityRow *self,
                                 gboolean           running)
{
  g_return_if_fail (CHORUS_IS_ACTIVITY_ROW (self));

  running = !!running;
  if (self->running == running)
    return;

  self->running = running;
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}
