/* chorus-interface.c: one network interface of this host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <net/if.h>

#include "chorus-interface-private.h"

struct _ChorusInterface
{
  GObject parent_instance;

  char *name;
  guint index;
  guint flags;
  guint mtu;
  GStrv addresses;
  char *label;
};

G_DEFINE_FINAL_TYPE (ChorusInterface, chorus_interface, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_INDEX,
  PROP_UP,
  PROP_RUNNING,
  PROP_MULTICAST,
  PROP_LOOPBACK,
  PROP_MTU,
  PROP_ADDRESSES,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chorus_interface_finalize (GObject *object)
{
  ChorusInterface *self = (ChorusInterface *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->addresses, g_strfreev);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (chorus_interface_parent_class)->finalize (object);
}

static void
chorus_interface_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChorusInterface *self = CHORUS_INTERFACE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_UP:
      g_value_set_boolean (value, chorus_interface_get_up (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, chorus_interface_get_running (self));
      break;
    case PROP_MULTICAST:
      g_value_set_boolean (value, chorus_interface_get_multicast (self));
      break;
    case PROP_LOOPBACK:
      g_value_set_boolean (value, chorus_interface_get_loopback (self));
      break;
    case PROP_MTU:
      g_value_set_uint (value, self->mtu);
      break;
    case PROP_ADDRESSES:
      g_value_set_boxed (value, self->addresses);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_interface_class_init (ChorusInterfaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = chorus_interface_finalize;
  object_class->get_property = chorus_interface_get_property;

  /* The kernel's name, "eth0"; one that cannot be shown as it is comes
   * escaped. */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  /* Stable while the interface exists; the list is sorted by it. */
  properties[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /* Switched on (IFF_UP). */
  properties[PROP_UP] = g_param_spec_boolean ("up", NULL, NULL, FALSE, ro);
  /* Up and with a carrier (IFF_RUNNING): it can carry traffic now. */
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  /* Can send and join multicast (IFF_MULTICAST): what a chooser offers. */
  properties[PROP_MULTICAST] = g_param_spec_boolean ("multicast", NULL, NULL, FALSE, ro);
  properties[PROP_LOOPBACK] = g_param_spec_boolean ("loopback", NULL, NULL, FALSE, ro);
  properties[PROP_MTU] = g_param_spec_uint ("mtu", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /* With their prefix length: "10.77.0.1/16", "fe80::1/64"; IPv4 first. */
  properties[PROP_ADDRESSES] = g_param_spec_boxed ("addresses", NULL, NULL, G_TYPE_STRV, ro);
  /* For a chooser: "eth0 — 10.77.0.1, fe80::1". */
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_interface_init (ChorusInterface *self)
{
  self->addresses = g_new0 (char *, 1);
}

static char *
make_label (const char         *name,
            const char * const *addresses)
{
  g_autoptr(GString) shown = g_string_new (NULL);

  if (addresses[0] == NULL)
    return g_strdup (name);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      const char *slash = strchr (addresses[i], '/');

      if (i > 0)
        g_string_append (shown, ", ");
      g_string_append_len (shown, addresses[i],
                           slash != NULL ? slash - addresses[i] : (gssize) strlen (addresses[i]));
    }

  /* Translators: an interface in a chooser, its name and its addresses,
   * as in "eth0 — 192.0.2.1, fe80::1". */
  return g_strdup_printf (_("%s — %s"), name, shown->str);
}

static gboolean
same_addresses (const char * const *addresses,
                GPtrArray          *other)
{
  guint i;

  for (i = 0; addresses[i] != NULL; i++)
    if (i >= other->len || !g_str_equal (addresses[i], g_ptr_array_index (other, i)))
      return FALSE;

  return i == other->len;
}

/*
 * _chorus_interface_update:
 *
 * Takes what @info says of the same interface, and notifies each
 * property that changed, all at once.
 */
void
_chorus_interface_update (ChorusInterface      *self,
                          const ChorusLinkInfo *info)
{
  GObject *object = G_OBJECT (self);
  /* Only these flags are shown: the others (IFF_PROMISC, IFF_ALLMULTI…)
   * change nothing anyone sees. */
  gboolean was[] = {
    chorus_interface_get_up (self),
    chorus_interface_get_running (self),
    chorus_interface_get_multicast (self),
    chorus_interface_get_loopback (self),
  };
  gboolean label_changed = FALSE;

  g_object_freeze_notify (object);

  if (self->index != info->index)
    {
      self->index = info->index;
      g_object_notify_by_pspec (object, properties[PROP_INDEX]);
    }

  if (g_strcmp0 (self->name, info->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (info->name);
      g_object_notify_by_pspec (object, properties[PROP_NAME]);
      label_changed = TRUE;
    }

  self->flags = info->flags;
  if (was[0] != chorus_interface_get_up (self))
    g_object_notify_by_pspec (object, properties[PROP_UP]);
  if (was[1] != chorus_interface_get_running (self))
    g_object_notify_by_pspec (object, properties[PROP_RUNNING]);
  if (was[2] != chorus_interface_get_multicast (self))
    g_object_notify_by_pspec (object, properties[PROP_MULTICAST]);
  if (was[3] != chorus_interface_get_loopback (self))
    g_object_notify_by_pspec (object, properties[PROP_LOOPBACK]);

  if (self->mtu != info->mtu)
    {
      self->mtu = info->mtu;
      g_object_notify_by_pspec (object, properties[PROP_MTU]);
    }

  if (!same_addresses ((const char * const *) self->addresses, info->addresses))
    {
      g_strfreev (self->addresses);
      self->addresses = g_new0 (char *, info->addresses->len + 1);
      for (guint i = 0; i < info->addresses->len; i++)
        self->addresses[i] = g_strdup (g_ptr_array_index (info->addresses, i));
      g_object_notify_by_pspec (object, properties[PROP_ADDRESSES]);
      label_changed = TRUE;
    }

  if (label_changed || self->label == NULL)
    {
      g_free (self->label);
      self->label = make_label (self->name, (const char * const *) self->addresses);
      g_object_notify_by_pspec (object, properties[PROP_LABEL]);
    }

  g_object_thaw_notify (object);
}

ChorusInterface *
_chorus_interface_new (const ChorusLinkInfo *info)
{
  ChorusInterface *self = g_object_new (CHORUS_TYPE_INTERFACE, NULL);

  _chorus_interface_update (self, info);

  return self;
}

const char *
chorus_interface_get_name (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), NULL);

  return self->name;
}

guint
chorus_interface_get_index (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), 0);

  return self->index;
}

gboolean
chorus_interface_get_up (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), FALSE);

  return (self->flags & IFF_UP) != 0;
}

gboolean
chorus_interface_get_running (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), FALSE);

  return (self->flags & IFF_UP) != 0 && (self->flags & IFF_RUNNING) != 0;
}

gboolean
chorus_interface_get_multicast (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), FALSE);

  return (self->flags & IFF_MULTICAST) != 0;
}

gboolean
chorus_interface_get_loopback (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), FALSE);

  return (self->flags & IFF_LOOPBACK) != 0;
}

guint
chorus_interface_get_mtu (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), 0);

  return self->mtu;
}

/* Returns: (transfer none): the addresses with their prefix length */
const char * const *
chorus_interface_get_addresses (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), NULL);

  return (const char * const *) self->addresses;
}

const char *
chorus_interface_get_label (ChorusInterface *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE (self), NULL);

  return self->label;
}
