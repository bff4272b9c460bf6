/* chorus-interface-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The choices are one model made of three: "Automatic", the interfaces
 * that can carry multicast as they come and go, and, when the interface
 * chosen is not among them, that interface by name. A remembered choice
 * is shown for what it is ("eth9 (not present)") rather than quietly
 * becoming another one; starting then fails with the service's own
 * error, which names it.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "chorus-interface-row.h"

typedef enum
{
  ABSENT_UNKNOWN,      /* the list has not loaded yet */
  ABSENT_GONE,         /* no interface has that name */
  ABSENT_NO_MULTICAST, /* it is there, but cannot carry multicast */
} Absence;

struct _ChorusInterfaceRow
{
  AdwComboRow          parent_instance;

  ChorusInterfaceList *interfaces;
  /* One GtkStringObject with an empty string: "Automatic". */
  GListStore          *automatic;
  GtkFilterListModel  *present;
  /* The chosen interface when it is not in @present, or nothing. */
  GListStore          *absent;
  Absence              absence;
  GtkFlattenListModel *choices;

  char                *name;
  ChorusInterface     *interface;
  /* Above zero while the choices change under the selection, which then
   * moves by itself: that is no choice of the user's. */
  guint                syncing;
};

G_DEFINE_FINAL_TYPE (ChorusInterfaceRow, chorus_interface_row, ADW_TYPE_COMBO_ROW)

enum {
  PROP_0,
  PROP_INTERFACES,
  PROP_INTERFACE_NAME,
  PROP_INTERFACE,
  PROP_IFINDEX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
choice_label (GObject            *item,
              ChorusInterfaceRow *self)
{
  const char *name;

  if (CHORUS_IS_INTERFACE (item))
    return g_strdup (chorus_interface_get_label (CHORUS_INTERFACE (item)));

  name = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  if (name[0] == '\0')
    /* Translators: the interface the routing table chooses */
    return g_strdup (C_("interface", "Automatic"));

  switch (self->absence)
    {
    case ABSENT_GONE:
      /* Translators: an interface chosen before that is gone now, as in “eth9 (not present)” */
      return g_strdup_printf (_("%s (not present)"), name);
    case ABSENT_NO_MULTICAST:
      /* Translators: an interface chosen before that cannot carry multicast now */
      return g_strdup_printf (_("%s (no multicast)"), name);
    case ABSENT_UNKNOWN:
    default:
      return g_strdup (name);
    }
}

static const char *
choice_name (GObject *item)
{
  if (CHORUS_IS_INTERFACE (item))
    return chorus_interface_get_name (CHORUS_INTERFACE (item));

  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

/* The chosen interface among those offered, and where. The name is what
 * counts: an interface that went and came back is the same choice. */
static ChorusInterface *
find_present (ChorusInterfaceRow *self,
              guint              *position)
{
  GListModel *present = G_LIST_MODEL (self->present);
  guint n_items = g_list_model_get_n_items (present);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(ChorusInterface) item = g_list_model_get_item (present, i);

      if (g_strcmp0 (chorus_interface_get_name (item), self->name) == 0)
        {
          *position = i;
          return item;
        }
    }

  return NULL;
}

/* Brings the choices and the selection in line with the name. */
static void
chorus_interface_row_sync (ChorusInterfaceRow *self)
{
  ChorusInterface *interface = NULL;
  guint position = 0;
  guint selected;

  self->syncing++;

  if (self->name[0] != '\0')
    interface = find_present (self, &position);

  if (self->name[0] == '\0' || interface != NULL)
    {
      g_list_store_remove_all (self->absent);
      selected = self->name[0] == '\0' ? 0 : 1 + position;
    }
  else
    {
      Absence absence = ABSENT_UNKNOWN;
      GtkStringObject *shown = g_list_model_get_n_items (G_LIST_MODEL (self->absent)) > 0
                                 ? g_list_model_get_item (G_LIST_MODEL (self->absent), 0)
                                 : NULL;

      if (self->interfaces != NULL && chorus_interface_list_get_loaded (self->interfaces))
        absence = chorus_interface_list_lookup (self->interfaces, self->name) != NULL
                    ? ABSENT_NO_MULTICAST
                    : ABSENT_GONE;

      /* A new item, so that its label is made again. */
      if (shown == NULL || absence != self->absence
          || g_strcmp0 (gtk_string_object_get_string (shown), self->name) != 0)
        {
          g_autoptr(GtkStringObject) item = gtk_string_object_new (self->name);

          self->absence = absence;
          g_list_store_splice (self->absent, 0,
                               g_list_model_get_n_items (G_LIST_MODEL (self->absent)),
                               (gpointer *) &item, 1);
        }
      g_clear_object (&shown);

      selected = 1 + g_list_model_get_n_items (G_LIST_MODEL (self->present));
    }

  if (adw_combo_row_get_selected (ADW_COMBO_ROW (self)) != selected)
    adw_combo_row_set_selected (ADW_COMBO_ROW (self), selected);

  self->syncing--;

  if (interface == NULL && self->name[0] != '\0' && self->interfaces != NULL)
    interface = chorus_interface_list_lookup (self->interfaces, self->name);

  if (self->interface != interface)
    {
      guint old_index = self->interface != NULL ? chorus_interface_get_index (self->interface) : 0;
      guint new_index = interface != NULL ? chorus_interface_get_index (interface) : 0;

      g_set_object (&self->interface, interface);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
      if (old_index != new_index)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IFINDEX]);
    }
}

static void
on_choices_changing (ChorusInterfaceRow *self)
{
  self->syncing++;
}

static void
on_choices_changed (ChorusInterfaceRow *self)
{
  self->syncing--;
  if (self->syncing == 0)
    chorus_interface_row_sync (self);
}

static void
on_selected_changed (ChorusInterfaceRow *self)
{
  GObject *item;

  if (self->syncing > 0)
    return;

  item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (self));
  if (item == NULL)
    return;

  chorus_interface_row_set_interface_name (self, choice_name (item));
}

static void
chorus_interface_row_dispose (GObject *object)
{
  ChorusInterfaceRow *self = CHORUS_INTERFACE_ROW (object);

  if (self->choices != NULL)
    g_signal_handlers_disconnect_by_data (self->choices, self);
  g_clear_object (&self->interfaces);
  g_clear_object (&self->interface);

  G_OBJECT_CLASS (chorus_interface_row_parent_class)->dispose (object);
}

static void
chorus_interface_row_finalize (GObject *object)
{
  ChorusInterfaceRow *self = CHORUS_INTERFACE_ROW (object);

  g_clear_object (&self->choices);
  g_clear_object (&self->automatic);
  g_clear_object (&self->present);
  g_clear_object (&self->absent);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (chorus_interface_row_parent_class)->finalize (object);
}

static void
chorus_interface_row_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ChorusInterfaceRow *self = CHORUS_INTERFACE_ROW (object);

  switch (prop_id)
    {
    case PROP_INTERFACES:
      g_value_set_object (value, self->interfaces);
      break;
    case PROP_INTERFACE_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_INTERFACE:
      g_value_set_object (value, self->interface);
      break;
    case PROP_IFINDEX:
      g_value_set_uint (value, chorus_interface_row_get_ifindex (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_interface_row_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ChorusInterfaceRow *self = CHORUS_INTERFACE_ROW (object);

  switch (prop_id)
    {
    case PROP_INTERFACES:
      chorus_interface_row_set_interfaces (self, g_value_get_object (value));
      break;
    case PROP_INTERFACE_NAME:
      chorus_interface_row_set_interface_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_interface_row_class_init (ChorusInterfaceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_interface_row_dispose;
  object_class->finalize = chorus_interface_row_finalize;
  object_class->get_property = chorus_interface_row_get_property;
  object_class->set_property = chorus_interface_row_set_property;

  /* The host's interfaces, shared by the window's pages. */
  properties[PROP_INTERFACES] =
    g_param_spec_object ("interfaces", NULL, NULL, CHORUS_TYPE_INTERFACE_LIST, rw);
  /* The name of the interface chosen, empty for the routing table's choice. */
  properties[PROP_INTERFACE_NAME] = g_param_spec_string ("interface-name", NULL, NULL, "", rw);
  /* The interface chosen, when there is one by that name now. */
  properties[PROP_INTERFACE] =
    g_param_spec_object ("interface", NULL, NULL, CHORUS_TYPE_INTERFACE, ro);
  /* Its index, or 0. */
  properties[PROP_IFINDEX] = g_param_spec_uint ("ifindex", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_interface_row_init (ChorusInterfaceRow *self)
{
  g_autoptr(GtkStringObject) automatic = gtk_string_object_new ("");
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkExpression) multicast = NULL;
  g_autoptr(GtkExpression) label = NULL;

  self->name = g_strdup ("");
  self->automatic = g_list_store_new (G_TYPE_OBJECT);
  g_list_store_append (self->automatic, automatic);
  multicast = gtk_property_expression_new (CHORUS_TYPE_INTERFACE, NULL, "multicast");
  self->present = gtk_filter_list_model_new (NULL,
                                             GTK_FILTER (gtk_bool_filter_new (g_steal_pointer (&multicast))));
  self->absent = g_list_store_new (G_TYPE_OBJECT);
  g_list_store_append (parts, self->automatic);
  g_list_store_append (parts, self->present);
  g_list_store_append (parts, self->absent);
  self->choices = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));

  /* Before the row's own selection hears of a change, and after. */
  g_signal_connect_swapped (self->choices, "items-changed", G_CALLBACK (on_choices_changing),
                            self);
  g_signal_connect_data (self->choices, "items-changed", G_CALLBACK (on_choices_changed), self,
                         NULL, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  label = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (choice_label),
                                       self, NULL);
  adw_combo_row_set_expression (ADW_COMBO_ROW (self), label);
  adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (self), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Interface"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self), G_LIST_MODEL (self->choices));

  g_signal_connect (self, "notify::selected", G_CALLBACK (on_selected_changed), NULL);
  chorus_interface_row_sync (self);
}

GtkWidget *
chorus_interface_row_new (void)
{
  return g_object_new (CHORUS_TYPE_INTERFACE_ROW, NULL);
}

/**
 * chorus_interface_row_get_interfaces:
 *
 * Returns: (transfer none) (nullable): the interfaces offered
 */
ChorusInterfaceList *
chorus_interface_row_get_interfaces (ChorusInterfaceRow *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_ROW (self), NULL);

  return self->interfaces;
}

static void
on_loaded_changed (ChorusInterfaceRow *self)
{
  if (self->syncing == 0)
    chorus_interface_row_sync (self);
}

void
chorus_interface_row_set_interfaces (ChorusInterfaceRow  *self,
                                     ChorusInterfaceList *interfaces)
{
  g_return_if_fail (CHORUS_IS_INTERFACE_ROW (self));
  g_return_if_fail (interfaces == NULL || CHORUS_IS_INTERFACE_LIST (interfaces));

  if (self->interfaces == interfaces)
    return;

  if (self->interfaces != NULL)
    g_signal_handlers_disconnect_by_func (self->interfaces, on_loaded_changed, self);
  g_set_object (&self->interfaces, interfaces);
  if (interfaces != NULL)
    g_signal_connect_object (interfaces, "notify::loaded", G_CALLBACK (on_loaded_changed), self,
                             G_CONNECT_SWAPPED);

  gtk_filter_list_model_set_model (self->present, G_LIST_MODEL (interfaces));
  chorus_interface_row_sync (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACES]);
}

const char *
chorus_interface_row_get_interface_name (ChorusInterfaceRow *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_ROW (self), NULL);

  return self->name;
}

void
chorus_interface_row_set_interface_name (ChorusInterfaceRow *self,
                                         const char         *name)
{
  g_return_if_fail (CHORUS_IS_INTERFACE_ROW (self));

  if (name == NULL)
    name = "";

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  chorus_interface_row_sync (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_NAME]);
}

/**
 * chorus_interface_row_get_interface:
 *
 * Returns: (transfer none) (nullable): the interface chosen, if there is
 *   one by that name now
 */
ChorusInterface *
chorus_interface_row_get_interface (ChorusInterfaceRow *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_ROW (self), NULL);

  return self->interface;
}

guint
chorus_interface_row_get_ifindex (ChorusInterfaceRow *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_ROW (self), 0);

  return self->interface != NULL ? chorus_interface_get_index (self->interface) : 0;
}
