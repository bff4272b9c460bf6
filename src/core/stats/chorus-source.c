/* chorus-source.c: one prober a receiver hears, and how well
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-source-private.h"

struct _ChorusSource
{
  GObject parent_instance;

  char *address;
  guint16 port;
  guint64 session;
  ChorusSenderStats stats;
  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (ChorusSource, chorus_source, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_SESSION,
  PROP_RECEIVED,
  PROP_LOST,
  PROP_LOSS,
  PROP_DUPLICATES,
  PROP_REORDERED,
  PROP_TTL,
  PROP_RATE,
  PROP_LAST_HEARD,
  N_PROPS
};

#define FIRST_STAT_PROP PROP_RECEIVED

static GParamSpec *properties[N_PROPS];

static void
chorus_source_finalize (GObject *object)
{
  ChorusSource *self = (ChorusSource *) object;

  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (chorus_source_parent_class)->finalize (object);
}

static void
chorus_source_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChorusSource *self = CHORUS_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_SESSION:
      g_value_set_uint64 (value, self->session);
      break;
    case PROP_RECEIVED:
      g_value_set_uint64 (value, self->stats.received);
      break;
    case PROP_LOST:
      g_value_set_uint64 (value, self->stats.lost);
      break;
    case PROP_LOSS:
      g_value_set_double (value, chorus_source_get_loss (self));
      break;
    case PROP_DUPLICATES:
      g_value_set_uint64 (value, self->stats.duplicates);
      break;
    case PROP_REORDERED:
      g_value_set_uint64 (value, self->stats.reordered);
      break;
    case PROP_TTL:
      g_value_set_int (value, self->stats.ttl);
      break;
    case PROP_RATE:
      g_value_set_double (value, chorus_source_get_rate (self));
      break;
    case PROP_LAST_HEARD:
      g_value_set_int64 (value, self->stats.last_usec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_source_class_init (ChorusSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = chorus_source_finalize;
  object_class->get_property = chorus_source_get_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, ro);
  properties[PROP_SESSION] = g_param_spec_uint64 ("session", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECEIVED] = g_param_spec_uint64 ("received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LOST] = g_param_spec_uint64 ("lost", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /* Per cent of the probes sent since the first one heard. */
  properties[PROP_LOSS] = g_param_spec_double ("loss", NULL, NULL, 0, 100, 0, ro);
  properties[PROP_DUPLICATES] = g_param_spec_uint64 ("duplicates", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_REORDERED] = g_param_spec_uint64 ("reordered", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_TTL] = g_param_spec_int ("ttl", NULL, NULL, -1, 255, -1, ro);
  /* Probes a second. */
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /* The receiver's arrival clock (g_get_real_time()), of the last probe. */
  properties[PROP_LAST_HEARD] = g_param_spec_int64 ("last-heard", NULL, NULL, 0, G_MAXINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_source_init (ChorusSource *self)
{
  chorus_sender_stats_init (&self->stats);
}

ChorusSource *
_chorus_source_new (const char *address,
                    guint16     port,
                    guint64     session)
{
  ChorusSource *self = g_object_new (CHORUS_TYPE_SOURCE, NULL);

  self->address = g_strdup (address);
  self->port = port;
  self->session = session;

  return self;
}

ChorusAnswerVerdict
_chorus_source_probe (ChorusSource *self,
                      guint32       seq,
                      int           ttl,
                      gint64        arrival_usec)
{
  ChorusAnswerVerdict verdict = chorus_sender_stats_probe (&self->stats, seq, ttl, arrival_usec);

  if (verdict != CHORUS_ANSWER_INVALID)
    self->dirty = TRUE;

  return verdict;
}

/* Announces what changed since the last call, in one go. */
gboolean
_chorus_source_flush (ChorusSource *self)
{
  if (!self->dirty)
    return FALSE;

  self->dirty = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = FIRST_STAT_PROP; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

const char *
chorus_source_get_address (ChorusSource *self)
{
  g_return_val_if_fail (CHORUS_IS_SOURCE (self), NULL);

  return self->address;
}

guint16
chorus_source_get_port (ChorusSource *self)
{
  g_return_val_if_fail (CHORUS_IS_SOURCE (self), 0);

  return self->port;
}

guint64
chorus_source_get_session (ChorusSource *self)
{
  g_return_val_if_fail (CHORUS_IS_SOURCE (self), 0);

  return self->session;
}

const ChorusSenderStats *
chorus_source_get_stats (ChorusSource *self)
{
  g_return_val_if_fail (CHORUS_IS_SOURCE (self), NULL);

  return &self->stats;
}

double
chorus_source_get_rate (ChorusSource *self)
{
  g_return_val_if_fail (CHORUS_IS_SOURCE (self), 0);

  return chorus_sender_stats_get_rate (&self->stats);
}

/**
 * chorus_source_get_loss:
 *
 * Returns: per cent of the probes from the first heard to the highest
 *   that did not arrive (duplicates aside)
 */
double
chorus_source_get_loss (ChorusSource *self)
{
  guint64 expected;

  g_return_val_if_fail (CHORUS_IS_SOURCE (self), 0);

  expected = self->stats.received + self->stats.lost;
  if (expected == 0)
    return 0;

  return 100.0 * self->stats.lost / expected;
}
