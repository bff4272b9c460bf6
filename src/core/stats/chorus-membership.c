/* chorus-membership.c: one group a receiver joined, and what came by it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-membership-private.h"
#include "chorus-util-private.h"

struct _ChorusMembership
{
  GObject parent_instance;

  char *group;
  gboolean joined;
  char *problem;
  guint64 received;
  guint64 notified_received;
};

G_DEFINE_FINAL_TYPE (ChorusMembership, chorus_membership, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_JOINED,
  PROP_PROBLEM,
  PROP_RECEIVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chorus_membership_finalize (GObject *object)
{
  ChorusMembership *self = (ChorusMembership *) object;

  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (chorus_membership_parent_class)->finalize (object);
}

static void
chorus_membership_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChorusMembership *self = CHORUS_MEMBERSHIP (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_JOINED:
      g_value_set_boolean (value, self->joined);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_RECEIVED:
      g_value_set_uint64 (value, self->notified_received);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_membership_class_init (ChorusMembershipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = chorus_membership_finalize;
  object_class->get_property = chorus_membership_get_property;

  /**
   * ChorusMembership:group:
   *
   * The group, as text ("239.1.1.1", "ff02::4242%eth0").
   */
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, NULL, ro);
  /**
   * ChorusMembership:joined:
   *
   * Whether the receiver is a member now: %FALSE when joining failed.
   */
  properties[PROP_JOINED] = g_param_spec_boolean ("joined", NULL, NULL, FALSE, ro);
  /**
   * ChorusMembership:problem:
   *
   * Why the group could not be joined, or a source not kept out; %NULL
   * when all went well.
   */
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, ro);
  /**
   * ChorusMembership:received:
   *
   * Messages received for this group in this run, as last announced by
   * the receiver.
   */
  properties[PROP_RECEIVED] = g_param_spec_uint64 ("received", NULL, NULL, 0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_membership_init (ChorusMembership *self)
{
}

ChorusMembership *
_chorus_membership_new (const char *group)
{
  ChorusMembership *self = g_object_new (CHORUS_TYPE_MEMBERSHIP, NULL);

  self->group = g_strdup (group);

  return self;
}

void
_chorus_membership_set_joined (ChorusMembership *self,
                               gboolean          joined)
{
  joined = !!joined;
  if (self->joined == joined)
    return;

  self->joined = joined;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOINED]);
}

void
_chorus_membership_set_problem (ChorusMembership *self,
                                const char       *problem)
{
  if (_chorus_set_str (&self->problem, problem))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

void
_chorus_membership_count (ChorusMembership *self)
{
  self->received++;
}

void
_chorus_membership_flush (ChorusMembership *self)
{
  if (self->received == self->notified_received)
    return;

  self->notified_received = self->received;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECEIVED]);
}

const char *
chorus_membership_get_group (ChorusMembership *self)
{
  g_return_val_if_fail (CHORUS_IS_MEMBERSHIP (self), NULL);

  return self->group;
}

gboolean
chorus_membership_get_joined (ChorusMembership *self)
{
  g_return_val_if_fail (CHORUS_IS_MEMBERSHIP (self), FALSE);

  return self->joined;
}

/**
 * chorus_membership_get_problem:
 *
 * Returns: (nullable): why the group could not be joined (or one of its
 *   sources not kept out), or %NULL
 */
const char *
chorus_membership_get_problem (ChorusMembership *self)
{
  g_return_val_if_fail (CHORUS_IS_MEMBERSHIP (self), NULL);

  return self->problem;
}

/**
 * chorus_membership_get_received:
 *
 * Returns: messages received for this group in the receiver's current
 *   or last run, also those not yet announced
 */
guint64
chorus_membership_get_received (ChorusMembership *self)
{
  g_return_val_if_fail (CHORUS_IS_MEMBERSHIP (self), 0);

  return self->received;
}
