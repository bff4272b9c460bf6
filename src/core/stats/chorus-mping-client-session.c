/* chorus-mping-client-session.c: one multicast ping client a server hears
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server counts into it as queries arrive and notifies once per
 * batch (_flush), so that a window bound to it redraws once per batch,
 * not per datagram.
 */

#include "config.h"

#include "chorus-mping-client-session-private.h"
#include "chorus-util-private.h"

struct _ChorusMpingClientSession
{
  GObject parent_instance;

  char *address;
  guint port;
  ChorusMpingGeneration generation;
  char *group;
  guint64 n_queries;
  guint64 n_answered;
  gint64 first_seen;
  gint64 last_seen;

  gboolean dirty;
  gboolean group_changed;
};

G_DEFINE_FINAL_TYPE (ChorusMpingClientSession, chorus_mping_client_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_GENERATION,
  PROP_GROUP,
  PROP_N_QUERIES,
  PROP_N_ANSWERED,
  PROP_FIRST_SEEN,
  PROP_LAST_SEEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
chorus_mping_generation_to_string (ChorusMpingGeneration generation)
{
  switch (generation)
    {
    case CHORUS_MPING_GENERATION_SSMPING:
      return "ssmping";
    case CHORUS_MPING_GENERATION_RFC6450:
      return "rfc6450";
    case CHORUS_MPING_GENERATION_NONE:
    default:
      return "none";
    }
}

static void
chorus_mping_client_session_finalize (GObject *object)
{
  ChorusMpingClientSession *self = (ChorusMpingClientSession *) object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->group, g_free);

  G_OBJECT_CLASS (chorus_mping_client_session_parent_class)->finalize (object);
}

static void
chorus_mping_client_session_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  ChorusMpingClientSession *self = CHORUS_MPING_CLIENT_SESSION (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_GENERATION:
      g_value_set_string (value, chorus_mping_generation_to_string (self->generation));
      break;
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_N_QUERIES:
      g_value_set_uint64 (value, self->n_queries);
      break;
    case PROP_N_ANSWERED:
      g_value_set_uint64 (value, self->n_answered);
      break;
    case PROP_FIRST_SEEN:
      g_value_set_int64 (value, self->first_seen);
      break;
    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_mping_client_session_class_init (ChorusMpingClientSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = chorus_mping_client_session_finalize;
  object_class->get_property = chorus_mping_client_session_get_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, ro);
  /* As text ("ssmping", "rfc6450"), for labels bound to it. */
  properties[PROP_GENERATION] = g_param_spec_string ("generation", NULL, NULL, NULL, ro);
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, NULL, ro);
  properties[PROP_N_QUERIES] = g_param_spec_uint64 ("n-queries", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_ANSWERED] =
    g_param_spec_uint64 ("n-answered", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_FIRST_SEEN] =
    g_param_spec_int64 ("first-seen", NULL, NULL, G_MININT64, G_MAXINT64, 0, ro);
  properties[PROP_LAST_SEEN] =
    g_param_spec_int64 ("last-seen", NULL, NULL, G_MININT64, G_MAXINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_mping_client_session_init (ChorusMpingClientSession *self)
{
}

ChorusMpingClientSession *
_chorus_mping_client_session_new (const char            *address,
                                  guint                  port,
                                  ChorusMpingGeneration  generation,
                                  gint64                 now_usec)
{
  ChorusMpingClientSession *self = g_object_new (CHORUS_TYPE_MPING_CLIENT_SESSION, NULL);

  self->address = g_strdup (address);
  self->port = port;
  self->generation = generation;
  self->first_seen = now_usec;
  self->last_seen = now_usec;

  return self;
}

void
_chorus_mping_client_session_query (ChorusMpingClientSession *self,
                                    const char               *group,
                                    gboolean                  answered,
                                    gint64                    now_usec)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self));

  self->n_queries++;
  if (answered)
    self->n_answered++;
  self->last_seen = MAX (self->last_seen, now_usec);
  if (group != NULL && _chorus_set_str (&self->group, group))
    self->group_changed = TRUE;
  self->dirty = TRUE;
}

void
_chorus_mping_client_session_flush (ChorusMpingClientSession *self)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self));

  if (!self->dirty)
    return;

  self->dirty = FALSE;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_QUERIES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ANSWERED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEEN]);
  if (self->group_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
  self->group_changed = FALSE;
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
chorus_mping_client_session_get_address (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), NULL);

  return self->address;
}

guint
chorus_mping_client_session_get_port (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), 0);

  return self->port;
}

ChorusMpingGeneration
chorus_mping_client_session_get_generation (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), CHORUS_MPING_GENERATION_SSMPING);

  return self->generation;
}

const char *
chorus_mping_client_session_get_group (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), NULL);

  return self->group;
}

guint64
chorus_mping_client_session_get_n_queries (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), 0);

  return self->n_queries;
}

guint64
chorus_mping_client_session_get_n_answered (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), 0);

  return self->n_answered;
}

gint64
chorus_mping_client_session_get_first_seen (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), 0);

  return self->first_seen;
}

gint64
chorus_mping_client_session_get_last_seen (ChorusMpingClientSession *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT_SESSION (self), 0);

  return self->last_seen;
}
