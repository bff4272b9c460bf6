/* chorus-watch.c: join groups and measure every flow that arrives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One #ChorusReceiver per port and source filter (a receiver has one of
 * each), lending each datagram to chorus_watch's message function; no
 * datagram is kept. Flows are looked up by their four-tuple.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-flow-private.h"
#include "chorus-membership.h"
#include "chorus-receiver.h"
#include "chorus-watch.h"

/* How often what waits on time is closed (the MDI's 1 s intervals). */
#define TICK_MSEC 250

typedef struct
{
  ChorusWatch *watch;          /* unowned */
  ChorusReceiver *receiver;
  GHashTable *targets;         /* group text → ChorusWatchTarget (owned by the watch) */
  const ChorusWatchTarget *only;
  guint receive_buffer;        /* granted at the start */
  guint16 port;
} WatchReceiver;

struct _ChorusWatch
{
  GObject parent_instance;

  char *interface;
  ChorusFlowKind kind;
  GPtrArray *targets;          /* ChorusWatchTarget */
  GHashTable *watched;         /* "group|port" */
  GPtrArray *receivers;        /* WatchReceiver */
  GListStore *flows;
  GHashTable *flow_table;      /* "source|sport|group|port" → ChorusFlow (the newest SSRC) */
  GString *key;
  guint ts_room;
  guint n_ts_unkept;
  guint64 n_received;
  guint64 n_unkept;
  gboolean running;
  GSource *tick;
};

G_DEFINE_FINAL_TYPE (ChorusWatch, chorus_watch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum
{
  FLOW_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
watch_receiver_free (WatchReceiver *wr)
{
  chorus_receiver_set_message_func (wr->receiver, NULL, NULL, NULL);
  chorus_receiver_stop (wr->receiver);
  g_clear_object (&wr->receiver);
  g_clear_pointer (&wr->targets, g_hash_table_unref);
  g_free (wr);
}

static void
chorus_watch_dispose (GObject *object)
{
  ChorusWatch *self = CHORUS_WATCH (object);

  chorus_watch_stop (self);
  g_clear_pointer (&self->receivers, g_ptr_array_unref);

  G_OBJECT_CLASS (chorus_watch_parent_class)->dispose (object);
}

static void
chorus_watch_finalize (GObject *object)
{
  ChorusWatch *self = CHORUS_WATCH (object);

  g_free (self->interface);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->flow_table, g_hash_table_unref);
  g_clear_object (&self->flows);
  g_string_free (self->key, TRUE);

  G_OBJECT_CLASS (chorus_watch_parent_class)->finalize (object);
}

static void
chorus_watch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChorusWatch *self = CHORUS_WATCH (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_watch_class_init (ChorusWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chorus_watch_dispose;
  object_class->finalize = chorus_watch_finalize;
  object_class->get_property = chorus_watch_get_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChorusWatch::flow-added:
   * @flow: the #ChorusFlow first heard (its kind perhaps not yet decided)
   */
  signals[FLOW_ADDED] =
    g_signal_new ("flow-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CHORUS_TYPE_FLOW);
}

static void
chorus_watch_init (ChorusWatch *self)
{
  self->interface = g_strdup ("");
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) chorus_watch_target_free);
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->receivers = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_receiver_free);
  self->flows = g_list_store_new (CHORUS_TYPE_FLOW);
  self->flow_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->key = g_string_sized_new (128);
  self->ts_room = CHORUS_WATCH_MAX_TS_FLOWS;
}

ChorusWatch *
chorus_watch_new (void)
{
  return g_object_new (CHORUS_TYPE_WATCH, NULL);
}

const char *
chorus_watch_get_interface (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), NULL);
  return self->interface;
}

void
chorus_watch_set_interface (ChorusWatch *self,
                            const char  *interface)
{
  g_return_if_fail (CHORUS_IS_WATCH (self));
  g_return_if_fail (!self->running);

  g_free (self->interface);
  self->interface = g_strdup (interface ? interface : "");
}

ChorusFlowKind
chorus_watch_get_kind (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), CHORUS_FLOW_KIND_AUTO);
  return self->kind;
}

void
chorus_watch_set_kind (ChorusWatch    *self,
                       ChorusFlowKind  kind)
{
  g_return_if_fail (CHORUS_IS_WATCH (self));
  self->kind = kind;
}

static ChorusFlow *
new_flow (ChorusWatch             *self,
          WatchReceiver           *wr,
          const ChorusMessageInfo *info,
          const char              *group)
{
  const ChorusWatchTarget *target = wr->only;
  ChorusFlowKind kind = self->kind;
  ChorusFlow *flow;

  if (target == NULL)
    target = g_hash_table_lookup (wr->targets, group);
  if (kind == CHORUS_FLOW_KIND_AUTO && target != NULL)
    kind = target->kind;
  /* The receiver lends a probe's text, not its header. */
  if (info->probe)
    kind = CHORUS_FLOW_KIND_CHORUS;

  flow = _chorus_flow_new (info->address, info->port, group, wr->port, kind, target);
  g_hash_table_replace (self->flow_table, g_strdup (self->key->str), flow);
  g_list_store_append (self->flows, flow);

  return flow;
}

static void
on_message (ChorusReceiver          *receiver,
            const ChorusMessageInfo *info,
            gpointer                 user_data)
{
  WatchReceiver *wr = user_data;
  ChorusWatch *self = wr->watch;
  const char *group = info->group;
  ChorusFlow *flow;
  gboolean added = FALSE;

  if (group == NULL)
    group = wr->only != NULL ? wr->only->group : chorus_receiver_get_group (receiver);

  self->n_received++;
  g_string_printf (self->key, "%s|%u|%s|%u", info->address, info->port, group, wr->port);
  flow = g_hash_table_lookup (self->flow_table, self->key->str);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      if (flow == NULL)
        {
          if (g_list_model_get_n_items (G_LIST_MODEL (self->flows)) >= CHORUS_WATCH_MAX_FLOWS)
            {
              self->n_unkept++;
              return;
            }
          flow = new_flow (self, wr, info, group);
          added = TRUE;
        }

      if (_chorus_flow_add (flow, info->data, info->size, info->arrival_usec, info->ttl,
                            info->dscp, info->host_dropped, &self->ts_room)
          == CHORUS_FLOW_COUNTED)
        break;

      /* Another SSRC from the same source: a new flow, which takes the
       * old one's place in the table (the old one stays in the list). */
      flow = NULL;
    }

  if (added)
    {
      ChorusFlowKind kind = chorus_flow_get_kind (flow);

      if ((kind == CHORUS_FLOW_KIND_TS || kind == CHORUS_FLOW_KIND_RTP_TS)
          && chorus_flow_get_ts_stats (flow) == NULL)
        self->n_ts_unkept++;
      g_signal_emit (self, signals[FLOW_ADDED], 0, flow);
    }
}

static gboolean
on_tick (gpointer user_data)
{
  ChorusWatch *self = user_data;
  GListModel *flows = G_LIST_MODEL (self->flows);
  gint64 now = g_get_real_time ();

  for (guint i = 0, n = g_list_model_get_n_items (flows); i < n; i++)
    {
      g_autoptr(ChorusFlow) flow = g_list_model_get_item (flows, i);

      _chorus_flow_tick (flow, now);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
is_ipv6 (const char *group)
{
  return strchr (group, ':') != NULL;
}

/* A receiver for @targets (of one family, port and source filter). */
static WatchReceiver *
start_receiver (ChorusWatch  *self,
                GPtrArray    *targets,
                GError      **error)
{
  const ChorusWatchTarget *first = g_ptr_array_index (targets, 0);
  WatchReceiver *wr = g_new0 (WatchReceiver, 1);
  GString *groups = g_string_new (NULL);

  wr->watch = self;
  wr->port = first->port;
  wr->targets = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < targets->len; i++)
    {
      const ChorusWatchTarget *target = g_ptr_array_index (targets, i);

      g_hash_table_insert (wr->targets, target->group, (gpointer) target);
      g_string_append_printf (groups, "%s%s", i > 0 ? "," : "", target->group);
    }
  if (targets->len == 1)
    wr->only = first;

  wr->receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                               "group", groups->str,
                               "port", (guint) first->port,
                               "include-sources", first->sources ? first->sources : "",
                               "exclude-sources", first->excluded ? first->excluded : "",
                               "interface", self->interface,
                               "answer", FALSE,
                               "capacity", 1,
                               NULL);
  g_string_free (groups, TRUE);
  chorus_receiver_set_message_func (wr->receiver, on_message, wr, NULL);

  if (!chorus_receiver_start (wr->receiver, error))
    {
      watch_receiver_free (wr);
      return NULL;
    }
  wr->receive_buffer = chorus_receiver_get_receive_buffer (wr->receiver);

  return wr;
}

/* The receivers a list of targets needs: one per family, port and
 * source filter, each with at most CHORUS_RECEIVER_MAX_GROUPS. */
static gboolean
start_targets (ChorusWatch  *self,
               GPtrArray    *targets,
               GError      **error)
{
  g_autoptr(GHashTable) sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < targets->len; i++)
    {
      const ChorusWatchTarget *target = g_ptr_array_index (targets, i);
      char *key = g_strdup_printf ("%d|%u|%s|%s", is_ipv6 (target->group), target->port,
                                   target->sources ? target->sources : "",
                                   target->excluded ? target->excluded : "");
      GPtrArray *set = g_hash_table_lookup (sets, key);

      if (set == NULL)
        {
          set = g_ptr_array_new ();
          g_hash_table_insert (sets, key, set);
          g_ptr_array_add (order, set);
        }
      else
        g_free (key);
      g_ptr_array_add (set, (gpointer) target);
    }

  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *set = g_ptr_array_index (order, i);
      WatchReceiver *wr = start_receiver (self, set, error);

      if (wr == NULL)
        return FALSE;
      g_ptr_array_add (self->receivers, wr);
    }

  return TRUE;
}

gboolean
chorus_watch_add_target (ChorusWatch              *self,
                         const ChorusWatchTarget  *target,
                         GError                  **error)
{
  g_autofree char *key = NULL;
  ChorusWatchTarget *copy;

  g_return_val_if_fail (CHORUS_IS_WATCH (self), FALSE);
  g_return_val_if_fail (target != NULL && target->group != NULL, FALSE);

  key = g_strdup_printf ("%s|%u", target->group, target->port);
  if (g_hash_table_contains (self->watched, key))
    return TRUE;

  if (self->targets->len >= CHORUS_WATCH_MAX_TARGETS)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("At most %u groups can be watched at once"), CHORUS_WATCH_MAX_TARGETS);
      return FALSE;
    }

  copy = chorus_watch_target_copy (target);
  if (self->running)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, copy);
      if (!start_targets (self, one, error))
        {
          chorus_watch_target_free (copy);
          return FALSE;
        }
    }

  g_ptr_array_add (self->targets, copy);
  g_hash_table_add (self->watched, g_steal_pointer (&key));

  return TRUE;
}

guint
chorus_watch_get_n_targets (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), 0);
  return self->targets->len;
}

gboolean
chorus_watch_start (ChorusWatch  *self,
                    GError      **error)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already watching"));
      return FALSE;
    }

  if (self->targets->len > 0 && !start_targets (self, self->targets, error))
    {
      g_ptr_array_set_size (self->receivers, 0);
      return FALSE;
    }

  self->tick = g_timeout_source_new (TICK_MSEC);
  g_source_set_callback (self->tick, on_tick, self, NULL);
  g_source_attach (self->tick, g_main_context_get_thread_default ());

  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

void
chorus_watch_stop (ChorusWatch *self)
{
  g_return_if_fail (CHORUS_IS_WATCH (self));

  if (!self->running)
    return;

  for (guint i = 0; i < self->receivers->len; i++)
    {
      WatchReceiver *wr = g_ptr_array_index (self->receivers, i);

      chorus_receiver_stop (wr->receiver);
    }
  if (self->tick != NULL)
    {
      g_source_destroy (self->tick);
      g_clear_pointer (&self->tick, g_source_unref);
    }

  /* What the last interval holds is reported too. */
  on_tick (self);

  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
chorus_watch_get_running (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), FALSE);
  return self->running;
}

GListModel *
chorus_watch_get_flows (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), NULL);
  return G_LIST_MODEL (self->flows);
}

guint64
chorus_watch_get_n_received (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), 0);
  return self->n_received;
}

guint64
chorus_watch_get_n_unkept (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), 0);
  return self->n_unkept;
}

guint
chorus_watch_get_n_ts_unkept (ChorusWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_WATCH (self), 0);
  return self->n_ts_unkept;
}

guint
chorus_watch_get_receive_buffer (ChorusWatch *self)
{
  guint largest = 0;

  g_return_val_if_fail (CHORUS_IS_WATCH (self), 0);

  for (guint i = 0; i < self->receivers->len; i++)
    {
      WatchReceiver *wr = g_ptr_array_index (self->receivers, i);

      largest = MAX (largest, wr->receive_buffer);
    }

  return largest;
}

GStrv
chorus_watch_dup_problems (ChorusWatch *self)
{
  GPtrArray *problems = g_ptr_array_new ();

  g_return_val_if_fail (CHORUS_IS_WATCH (self), NULL);

  for (guint i = 0; i < self->receivers->len; i++)
    {
      WatchReceiver *wr = g_ptr_array_index (self->receivers, i);
      GListModel *groups = chorus_receiver_get_groups (wr->receiver);

      for (guint j = 0, n = g_list_model_get_n_items (groups); j < n; j++)
        {
          g_autoptr(ChorusMembership) membership = g_list_model_get_item (groups, j);
          const char *problem = chorus_membership_get_problem (membership);

          if (problem != NULL)
            g_ptr_array_add (problems, g_strdup (problem));
        }
    }
  g_ptr_array_add (problems, NULL);

  return (GStrv) g_ptr_array_free (problems, FALSE);
}
