/* chorus-responder.c: one host answering a run of probes, and how well
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-responder-private.h"
#include "chorus-text.h"

struct _ChorusResponder
{
  GObject parent_instance;

  char *address;
  char *name;
  gboolean tagged;
  gboolean silent;
  guint index;

  ChorusResponderStats stats;
  /* The statistics as last announced: a flush notifies only what moved. */
  ChorusResponderStats announced;

  /* Round trips by sequence number, a ring over the last probes: it grows
   * with the run up to HISTORY, so that a host heard once costs little. */
  gint32 *history;
  guint32 history_size;
  guint32 history_first;
  guint32 history_last;

  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (ChorusResponder, chorus_responder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_NAME,
  PROP_TAGGED,
  PROP_INDEX,
  PROP_SILENT,
  PROP_SENT,
  PROP_RECEIVED,
  PROP_LOST,
  PROP_LOSS,
  PROP_DUPLICATES,
  PROP_REORDERED,
  PROP_LATE,
  PROP_RTT_AVG,
  PROP_RTT_MIN,
  PROP_RTT_MAX,
  PROP_RTT_MDEV,
  PROP_JITTER,
  PROP_HOPS,
  PROP_HOPS_ESTIMATED,
  PROP_JOIN,
  PROP_LAST_HEARD,
  N_PROPS
};

/* Everything that moves with an answer or a settled probe. */
#define FIRST_STAT_PROP PROP_SENT

static GParamSpec *properties[N_PROPS];

static void
chorus_responder_finalize (GObject *object)
{
  ChorusResponder *self = (ChorusResponder *) object;

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->history, g_free);

  G_OBJECT_CLASS (chorus_responder_parent_class)->finalize (object);
}

static void
chorus_responder_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChorusResponder *self = CHORUS_RESPONDER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_NAME:
      g_value_set_string (value, chorus_responder_get_name (self));
      break;
    case PROP_TAGGED:
      g_value_set_boolean (value, self->tagged);
      break;
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_SILENT:
      g_value_set_boolean (value, self->silent);
      break;
    case PROP_SENT:
      g_value_set_uint64 (value, self->stats.sent);
      break;
    case PROP_RECEIVED:
      g_value_set_uint64 (value, self->stats.received);
      break;
    case PROP_LOST:
      g_value_set_uint64 (value, self->stats.lost);
      break;
    case PROP_LOSS:
      g_value_set_double (value, chorus_responder_get_loss (self));
      break;
    case PROP_DUPLICATES:
      g_value_set_uint64 (value, self->stats.duplicates);
      break;
    case PROP_REORDERED:
      g_value_set_uint64 (value, self->stats.reordered);
      break;
    case PROP_LATE:
      g_value_set_uint64 (value, self->stats.late);
      break;
    case PROP_RTT_AVG:
      g_value_set_double (value, chorus_responder_get_rtt_avg_ms (self));
      break;
    case PROP_RTT_MIN:
      g_value_set_double (value, chorus_responder_get_rtt_min_ms (self));
      break;
    case PROP_RTT_MAX:
      g_value_set_double (value, chorus_responder_get_rtt_max_ms (self));
      break;
    case PROP_RTT_MDEV:
      g_value_set_double (value, chorus_responder_get_rtt_mdev_ms (self));
      break;
    case PROP_JITTER:
      g_value_set_double (value, chorus_responder_get_jitter_ms (self));
      break;
    case PROP_HOPS:
      g_value_set_int (value, self->stats.hops);
      break;
    case PROP_HOPS_ESTIMATED:
      g_value_set_boolean (value, self->stats.hops_estimated);
      break;
    case PROP_JOIN:
      g_value_set_double (value, chorus_responder_get_join_ms (self));
      break;
    case PROP_LAST_HEARD:
      g_value_set_int64 (value, self->stats.last_heard_usec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_responder_class_init (ChorusResponderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = chorus_responder_finalize;
  object_class->get_property = chorus_responder_get_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  /* What the host calls itself (tagged answers only), made safe to show. */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  /* Answers carry the probe's sequence number; untagged ones (classic
   * receivers answering anything) are matched to probes by time. */
  properties[PROP_TAGGED] = g_param_spec_boolean ("tagged", NULL, NULL, FALSE, ro);
  /* Order of first answer in the run, from 0: a stable colour. */
  properties[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SILENT] = g_param_spec_boolean ("silent", NULL, NULL, FALSE, ro);
  properties[PROP_SENT] = g_param_spec_uint64 ("sent", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RECEIVED] = g_param_spec_uint64 ("received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LOST] = g_param_spec_uint64 ("lost", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /* Per cent of settled probes. */
  properties[PROP_LOSS] = g_param_spec_double ("loss", NULL, NULL, 0, 100, 0, ro);
  properties[PROP_DUPLICATES] = g_param_spec_uint64 ("duplicates", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_REORDERED] = g_param_spec_uint64 ("reordered", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_LATE] = g_param_spec_uint64 ("late", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /* Milliseconds. */
  properties[PROP_RTT_AVG] = g_param_spec_double ("rtt-avg", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_RTT_MIN] = g_param_spec_double ("rtt-min", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_RTT_MAX] = g_param_spec_double ("rtt-max", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_RTT_MDEV] = g_param_spec_double ("rtt-mdev", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_JITTER] = g_param_spec_double ("jitter", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /* -1 while unknown. */
  properties[PROP_HOPS] = g_param_spec_int ("hops", NULL, NULL, -1, 255, -1, ro);
  properties[PROP_HOPS_ESTIMATED] = g_param_spec_boolean ("hops-estimated", NULL, NULL, FALSE, ro);
  /* Milliseconds from the run's first probe to the first answer; -1 before. */
  properties[PROP_JOIN] = g_param_spec_double ("join", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  /* On the g_get_monotonic_time() clock; 0 before the first answer. */
  properties[PROP_LAST_HEARD] = g_param_spec_int64 ("last-heard", NULL, NULL, 0, G_MAXINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_responder_init (ChorusResponder *self)
{
}

static gint32 *
history_slot (ChorusResponder *self,
              guint32          seq)
{
  return &self->history[seq % self->history_size];
}

/* Makes the ring hold at least @n entries (at most HISTORY), keeping what
 * it holds. */
static void
history_reserve (ChorusResponder *self,
                 guint32          n)
{
  guint32 size = MAX (self->history_size, 16);
  gint32 *history;

  n = MIN (n, CHORUS_RESPONDER_HISTORY);
  if (n <= self->history_size)
    return;

  while (size < n)
    size = MIN (size * 2, CHORUS_RESPONDER_HISTORY);

  history = g_new (gint32, size);
  for (guint32 seq = self->history_first; seq <= self->history_last && self->history_size > 0;
       seq++)
    history[seq % size] = *history_slot (self, seq);

  g_free (self->history);
  self->history = history;
  self->history_size = size;
}

/* Makes room in the history for probes up to @seq. */
static void
history_extend (ChorusResponder *self,
                guint32          seq)
{
  if (seq >= self->history_first)
    history_reserve (self, seq - self->history_first + 1);

  while (self->history_last < seq)
    {
      self->history_last++;
      *history_slot (self, self->history_last) = CHORUS_RTT_PENDING;
    }

  /* An empty history has history_last = history_first - 1. */
  if (self->history_last >= self->history_first
      && self->history_last - self->history_first >= CHORUS_RESPONDER_HISTORY)
    self->history_first = self->history_last - CHORUS_RESPONDER_HISTORY + 1;
}

static gboolean
history_holds (ChorusResponder *self,
               guint32          seq)
{
  return seq >= self->history_first && seq <= self->history_last;
}

/*
 * _chorus_responder_new:
 * @settled_upto: probes 1 .. this were over before the host was first heard
 * @history_from: the first probe the history shows (the run's first
 *   probe still in view)
 */
ChorusResponder *
_chorus_responder_new (const char *address,
                       gboolean    tagged,
                       guint       index,
                       guint32     settled_upto,
                       guint32     history_from)
{
  ChorusResponder *self = g_object_new (CHORUS_TYPE_RESPONDER, NULL);

  self->address = g_strdup (address);
  self->tagged = !!tagged;
  self->index = index;
  chorus_responder_stats_init (&self->stats, settled_upto);
  self->announced = self->stats;

  /* Probes over before the host was heard are lost in the history too. */
  self->history_first = MAX (history_from, 1);
  self->history_last = self->history_first - 1;
  history_extend (self, settled_upto);
  for (guint32 seq = self->history_first; seq <= self->history_last; seq++)
    *history_slot (self, seq) = CHORUS_RTT_LOST;

  return self;
}

ChorusAnswerVerdict
_chorus_responder_answer (ChorusResponder *self,
                          guint32          seq,
                          guint32          highest_sent,
                          gint64           rtt_usec,
                          gint64           arrival_usec,
                          gint64           run_start_usec)
{
  ChorusAnswerVerdict verdict;

  verdict = chorus_responder_stats_answer (&self->stats, seq, highest_sent, rtt_usec,
                                           arrival_usec, run_start_usec);
  if (verdict == CHORUS_ANSWER_INVALID)
    return verdict;

  self->dirty = TRUE;

  if (verdict == CHORUS_ANSWER_RECEIVED)
    {
      history_extend (self, seq);
      if (history_holds (self, seq))
        *history_slot (self, seq) = (gint32) CLAMP (rtt_usec, 0, G_MAXINT32);
    }

  if (self->silent)
    {
      self->silent = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SILENT]);
    }

  return verdict;
}

void
_chorus_responder_settle (ChorusResponder *self,
                          guint32          seq)
{
  chorus_responder_stats_settle (&self->stats, seq);

  history_extend (self, seq);
  if (history_holds (self, seq) && *history_slot (self, seq) == CHORUS_RTT_PENDING)
    *history_slot (self, seq) = CHORUS_RTT_LOST;

  self->dirty = TRUE;
}

void
_chorus_responder_set_hops (ChorusResponder *self,
                            int              hops,
                            gboolean         estimated)
{
  if (self->stats.hops == hops && self->stats.hops_estimated == !!estimated)
    return;

  chorus_responder_stats_set_hops (&self->stats, hops, !!estimated);
  self->dirty = TRUE;
}

void
_chorus_responder_set_name (ChorusResponder *self,
                            const char      *name,
                            gsize            size)
{
  g_autofree char *shown = NULL;

  if (size == 0)
    return;

  shown = chorus_text_escape ((const guint8 *) name, size);
  if (g_strcmp0 (shown, self->name) == 0)
    return;

  g_free (self->name);
  self->name = g_steal_pointer (&shown);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

void
_chorus_responder_set_silent (ChorusResponder *self,
                              gboolean         silent)
{
  silent = !!silent;
  if (self->silent == silent)
    return;

  self->silent = silent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SILENT]);
}

/* Silent once its last answer is older than @limit_usec. */
void
_chorus_responder_judge_silence (ChorusResponder *self,
                                 gint64           now_usec,
                                 gint64           limit_usec)
{
  ChorusReach reach = chorus_responder_stats_get_reach (&self->stats, now_usec, limit_usec);

  _chorus_responder_set_silent (self, reach == CHORUS_REACH_STOPPED);
}

/* Whether statistic @prop_id reads differently from @now than from
 * @before. */
static gboolean
stat_changed (guint                       prop_id,
              const ChorusResponderStats *before,
              const ChorusResponderStats *now)
{
  switch (prop_id)
    {
    case PROP_SENT:
      return before->sent != now->sent;
    case PROP_RECEIVED:
      return before->received != now->received;
    case PROP_LOST:
      return before->lost != now->lost;
    case PROP_LOSS:
      return chorus_responder_stats_get_loss (before) != chorus_responder_stats_get_loss (now);
    case PROP_DUPLICATES:
      return before->duplicates != now->duplicates;
    case PROP_REORDERED:
      return before->reordered != now->reordered;
    case PROP_LATE:
      return before->late != now->late;
    case PROP_RTT_AVG:
      return chorus_responder_stats_get_rtt_avg (before)
             != chorus_responder_stats_get_rtt_avg (now);
    /* Both read 0 until the first round trip. */
    case PROP_RTT_MIN:
      return (before->rtt_count > 0) != (now->rtt_count > 0)
             || before->rtt_min_usec != now->rtt_min_usec;
    case PROP_RTT_MAX:
      return (before->rtt_count > 0) != (now->rtt_count > 0)
             || before->rtt_max_usec != now->rtt_max_usec;
    case PROP_RTT_MDEV:
      return chorus_responder_stats_get_rtt_mdev (before)
             != chorus_responder_stats_get_rtt_mdev (now);
    case PROP_JITTER:
      return before->jitter_usec != now->jitter_usec;
    case PROP_HOPS:
      return before->hops != now->hops;
    case PROP_HOPS_ESTIMATED:
      return before->hops_estimated != now->hops_estimated;
    case PROP_JOIN:
      return before->join_usec != now->join_usec;
    case PROP_LAST_HEARD:
      return before->last_heard_usec != now->last_heard_usec;
    default:
      g_assert_not_reached ();
    }
}

gboolean
_chorus_responder_flush (ChorusResponder *self)
{
  if (!self->dirty)
    return FALSE;

  self->dirty = FALSE;

  /* With a thousand hosts, every notification reaches the table's
   * bindings: those that would read the same are left out. */
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = FIRST_STAT_PROP; i < N_PROPS; i++)
    if (stat_changed (i, &self->announced, &self->stats))
      g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));

  self->announced = self->stats;

  /* The history moved too, even where no figure did. */
  return TRUE;
}

const char *
chorus_responder_get_address (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), NULL);

  return self->address;
}

/**
 * chorus_responder_get_name:
 *
 * Returns: (nullable): the name the host gave in its answers, escaped so
 *   that it is safe to show, or %NULL
 */
const char *
chorus_responder_get_name (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), NULL);

  return self->name;
}

gboolean
chorus_responder_get_tagged (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), FALSE);

  return self->tagged;
}

gboolean
chorus_responder_get_silent (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), FALSE);

  return self->silent;
}

/**
 * chorus_responder_get_reach:
 *
 * Returns: whether the host answers now, as its service last judged it
 *   (see chorus_responder_stats_get_reach()): stopped while it is silent
 */
ChorusReach
chorus_responder_get_reach (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), CHORUS_REACH_WAITING);

  if (self->stats.last_heard_usec == 0)
    return self->stats.sent > 0 ? CHORUS_REACH_NEVER : CHORUS_REACH_WAITING;

  return self->silent ? CHORUS_REACH_STOPPED : CHORUS_REACH_NOW;
}

guint
chorus_responder_get_index (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return self->index;
}

const ChorusResponderStats *
chorus_responder_get_stats (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), NULL);

  return &self->stats;
}

double
chorus_responder_get_loss (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return chorus_responder_stats_get_loss (&self->stats);
}

double
chorus_responder_get_rtt_avg_ms (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return chorus_responder_stats_get_rtt_avg (&self->stats) / 1000.0;
}

double
chorus_responder_get_rtt_min_ms (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return self->stats.rtt_count > 0 ? self->stats.rtt_min_usec / 1000.0 : 0;
}

double
chorus_responder_get_rtt_max_ms (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return self->stats.rtt_count > 0 ? self->stats.rtt_max_usec / 1000.0 : 0;
}

double
chorus_responder_get_rtt_mdev_ms (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return chorus_responder_stats_get_rtt_mdev (&self->stats) / 1000.0;
}

double
chorus_responder_get_jitter_ms (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return self->stats.jitter_usec / 1000.0;
}

double
chorus_responder_get_join_ms (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), -1);

  return self->stats.join_usec >= 0 ? self->stats.join_usec / 1000.0 : -1;
}

guint32
chorus_responder_get_history_first (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return self->history_first;
}

guint32
chorus_responder_get_history_last (ChorusResponder *self)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), 0);

  return self->history_last;
}

/**
 * chorus_responder_get_history_rtt:
 *
 * Returns: the round trip of probe @seq in µs, %CHORUS_RTT_LOST if its
 *   wait ended without an answer, %CHORUS_RTT_PENDING if it is still
 *   waiting or out of the history
 */
gint32
chorus_responder_get_history_rtt (ChorusResponder *self,
                                  guint32          seq)
{
  g_return_val_if_fail (CHORUS_IS_RESPONDER (self), CHORUS_RTT_PENDING);

  if (!history_holds (self, seq))
    return CHORUS_RTT_PENDING;

  return *history_slot (self, seq);
}
