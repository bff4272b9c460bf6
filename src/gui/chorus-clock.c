/* chorus-clock.c: a once-a-second clock that views can bind to
 *
 * “2 s ago” goes stale without anything in the model changing. A cell
 * binds to the clock's “now” as well as to the time it shows, and is
 * reformatted when either moves. The clock ticks only while held.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-clock.h"

struct _ChorusClock
{
  GObject parent_instance;

  gint64  now;
  guint   holds;
  guint   tick_id;
};

G_DEFINE_FINAL_TYPE (ChorusClock, chorus_clock, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
chorus_clock_tick (gpointer user_data)
{
  ChorusClock *self = user_data;

  self->now = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOW]);

  return G_SOURCE_CONTINUE;
}

static void
chorus_clock_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChorusClock *self = CHORUS_CLOCK (object);

  switch (prop_id)
    {
    case PROP_NOW:
      g_value_set_int64 (value, chorus_clock_get_now (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_clock_class_init (ChorusClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = chorus_clock_get_property;

  /* On the g_get_monotonic_time() clock, as of the last tick. */
  properties[PROP_NOW] =
    g_param_spec_int64 ("now", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_clock_init (ChorusClock *self)
{
  self->now = g_get_monotonic_time ();
}

/**
 * chorus_clock_get_default:
 *
 * Returns: (transfer none): the clock of the main thread
 */
ChorusClock *
chorus_clock_get_default (void)
{
  static ChorusClock *clock;

  if (clock == NULL)
    clock = g_object_new (CHORUS_TYPE_CLOCK, NULL);

  return clock;
}

gint64
chorus_clock_get_now (ChorusClock *self)
{
  g_return_val_if_fail (CHORUS_IS_CLOCK (self), 0);

  /* Not ticking: the time of asking. */
  if (self->tick_id == 0)
    self->now = g_get_monotonic_time ();

  return self->now;
}

void
chorus_clock_hold (ChorusClock *self)
{
  g_return_if_fail (CHORUS_IS_CLOCK (self));

  if (self->holds++ == 0)
    {
      self->tick_id = g_timeout_add_seconds (1, chorus_clock_tick, self);
      chorus_clock_tick (self);
    }
}

void
chorus_clock_release (ChorusClock *self)
{
  g_return_if_fail (CHORUS_IS_CLOCK (self));
  g_return_if_fail (self->holds > 0);

  if (--self->holds == 0)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}
