/* chorus-receiver.c: joins a group, keeps what arrives, answers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>

#include "chorus-receiver-private.h"

G_DEFINE_FINAL_TYPE (ChorusReceiver, chorus_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_PORT,
  PROP_REPLY,
  PROP_ANSWER,
  PROP_INTERFACE,
  PROP_CAPACITY,
  PROP_LIMIT,
  PROP_RUNNING,
  PROP_MESSAGES,
  PROP_N_RECEIVED,
  PROP_N_REPLIED,
  PROP_N_IGNORED,
  PROP_N_UNANSWERED,
  PROP_REPLY_RATE,
  PROP_REPLY_BURST,
  PROP_ALLOW_LARGER_REPLIES,
  PROP_PROBLEM,
  PROP_UPDATE_INTERVAL,
  PROP_NAME,
  PROP_SOURCES,
  PROP_INCLUDE_SOURCES,
  PROP_EXCLUDE_SOURCES,
  PROP_GROUPS,
  N_PROPS
};

enum {
  MESSAGE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
listener_free (ChorusListener *listener)
{
  _chorus_reader_stop (&listener->reader);

  /* Closing the socket leaves its groups. */
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

static void
clear_socket (ChorusReceiver *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  self->socket = NULL;
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->join_table, g_hash_table_unref);
  g_clear_pointer (&self->joins, g_ptr_array_unref);
  g_clear_pointer (&self->include, g_ptr_array_unref);
  g_clear_pointer (&self->exclude, g_ptr_array_unref);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->batch, _chorus_batch_free);
  g_clear_pointer (&self->replies, g_free);
  g_clear_pointer (&self->guard, chorus_reply_guard_free);
  g_clear_pointer (&self->link_watch, _chorus_link_watch_free);
  g_clear_pointer (&self->last_address, g_ref_string_release);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->held, g_array_unref);
  if (self->held_source != NULL)
    {
      g_source_destroy (self->held_source);
      g_clear_pointer (&self->held_source, g_source_unref);
    }

  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
clear_flush_source (ChorusReceiver *self)
{
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
}

static void
staged_info_clear (gpointer data)
{
  ChorusStagedInfo *info = data;

  g_clear_pointer (&info->address, g_ref_string_release);
}

static GArray *
new_staged_infos (void)
{
  GArray *infos = g_array_new (FALSE, FALSE, sizeof (ChorusStagedInfo));

  g_array_set_clear_func (infos, staged_info_clear);

  return infos;
}

guint
_chorus_receiver_n_staged (ChorusReceiver *self)
{
  return self->staged->len + self->staged_infos->len;
}

static void
chorus_receiver_dispose (GObject *object)
{
  ChorusReceiver *self = (ChorusReceiver *) object;

  clear_socket (self);
  clear_flush_source (self);
  self->running = FALSE;

  G_OBJECT_CLASS (chorus_receiver_parent_class)->dispose (object);
}

static void
chorus_receiver_finalize (GObject *object)
{
  ChorusReceiver *self = (ChorusReceiver *) object;

  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->reply, g_free);
  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->staged, g_ptr_array_unref);
  g_clear_pointer (&self->staged_infos, g_array_unref);
  g_clear_pointer (&self->staged_bytes, g_byte_array_unref);
  g_clear_pointer (&self->spare_infos, g_array_unref);
  g_clear_pointer (&self->spare_bytes, g_byte_array_unref);
  if (self->message_destroy != NULL)
    self->message_destroy (self->message_data);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->source_table, g_hash_table_unref);
  g_clear_pointer (&self->include_sources, g_free);
  g_clear_pointer (&self->exclude_sources, g_free);
  g_clear_object (&self->sources);
  g_clear_object (&self->memberships);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (chorus_receiver_parent_class)->finalize (object);
}

static void
chorus_receiver_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ChorusReceiver *self = CHORUS_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_REPLY:
      g_value_set_string (value, self->reply);
      break;
    case PROP_ANSWER:
      g_value_set_boolean (value, self->answer);
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, chorus_ring_model_get_capacity (self->messages));
      break;
    case PROP_LIMIT:
      g_value_set_uint64 (value, self->limit);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;
    case PROP_N_RECEIVED:
      g_value_set_uint64 (value, self->n_received);
      break;
    case PROP_N_REPLIED:
      g_value_set_uint64 (value, self->n_replied);
      break;
    case PROP_N_IGNORED:
      g_value_set_uint64 (value, self->n_ignored);
      break;
    case PROP_N_UNANSWERED:
      g_value_set_uint64 (value, chorus_receiver_get_n_unanswered (self));
      break;
    case PROP_REPLY_RATE:
      g_value_set_double (value, self->reply_rate);
      break;
    case PROP_REPLY_BURST:
      g_value_set_uint (value, self->reply_burst);
      break;
    case PROP_ALLOW_LARGER_REPLIES:
      g_value_set_boolean (value, self->allow_larger);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_UPDATE_INTERVAL:
      g_value_set_uint (value, self->update_interval);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SOURCES:
      g_value_set_object (value, self->sources);
      break;
    case PROP_INCLUDE_SOURCES:
      g_value_set_string (value, self->include_sources);
      break;
    case PROP_EXCLUDE_SOURCES:
      g_value_set_string (value, self->exclude_sources);
      break;
    case PROP_GROUPS:
      g_value_set_object (value, self->memberships);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_receiver_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ChorusReceiver *self = CHORUS_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      chorus_receiver_set_group (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      chorus_receiver_set_port (self, g_value_get_uint (value));
      break;
    case PROP_REPLY:
      chorus_receiver_set_reply (self, g_value_get_string (value));
      break;
    case PROP_ANSWER:
      chorus_receiver_set_answer (self, g_value_get_boolean (value));
      break;
    case PROP_INTERFACE:
      chorus_receiver_set_interface (self, g_value_get_string (value));
      break;
    case PROP_CAPACITY:
      chorus_ring_model_set_capacity (self->messages, g_value_get_uint (value));
      break;
    case PROP_LIMIT:
      self->limit = g_value_get_uint64 (value);
      break;
    case PROP_REPLY_RATE:
      chorus_receiver_set_reply_rate (self, g_value_get_double (value), self->reply_burst);
      break;
    case PROP_REPLY_BURST:
      chorus_receiver_set_reply_rate (self, self->reply_rate, g_value_get_uint (value));
      break;
    case PROP_ALLOW_LARGER_REPLIES:
      chorus_receiver_set_allow_larger_replies (self, g_value_get_boolean (value));
      break;
    case PROP_UPDATE_INTERVAL:
      self->update_interval = g_value_get_uint (value);
      break;
    case PROP_NAME:
      chorus_receiver_set_name (self, g_value_get_string (value));
      break;
    case PROP_INCLUDE_SOURCES:
      chorus_receiver_set_include_sources (self, g_value_get_string (value));
      break;
    case PROP_EXCLUDE_SOURCES:
      chorus_receiver_set_exclude_sources (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_receiver_class_init (ChorusReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_receiver_dispose;
  object_class->finalize = chorus_receiver_finalize;
  object_class->get_property = chorus_receiver_get_property;
  object_class->set_property = chorus_receiver_set_property;

  /**
   * ChorusReceiver:group:
   *
   * The groups to join, all on the port: one ("239.1.1.1",
   * "ff02::4242%eth0"), or several of one family, separated by commas or
   * spaces, with ranges ("239.1.1.1+9" is ten groups); at most
   * %CHORUS_RECEIVER_MAX_GROUPS. See #ChorusReceiver:groups.
   */
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, CHORUS_DEFAULT_GROUP, rw);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, CHORUS_DEFAULT_PORT, rw);
  properties[PROP_REPLY] = g_param_spec_string ("reply", NULL, NULL, CHORUS_DEFAULT_REPLY, rw);
  properties[PROP_ANSWER] = g_param_spec_boolean ("answer", NULL, NULL, TRUE, rw);
  /**
   * ChorusReceiver:interface:
   *
   * The network interface to join the group on, such as "eth0"; empty for
   * the one the routing table picks for the group.
   */
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, CHORUS_RING_MODEL_MAX_CAPACITY,
                       CHORUS_RECEIVER_DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * ChorusReceiver:limit:
   *
   * Stop by itself after this many messages in one run (0: never).
   * Nothing past the limit is kept or answered.
   */
  properties[PROP_LIMIT] =
    g_param_spec_uint64 ("limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_RECEIVED] =
    g_param_spec_uint64 ("n-received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_REPLIED] =
    g_param_spec_uint64 ("n-replied", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_IGNORED] =
    g_param_spec_uint64 ("n-ignored", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * ChorusReceiver:n-unanswered:
   *
   * Messages received but not answered though answering is on: the reply
   * guard refused them (see chorus_receiver_get_n_refused()).
   */
  properties[PROP_N_UNANSWERED] =
    g_param_spec_uint64 ("n-unanswered", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * ChorusReceiver:reply-rate:
   *
   * Answers per second to one source address; 0 for no limit. Takes
   * effect at once.
   */
  properties[PROP_REPLY_RATE] =
    g_param_spec_double ("reply-rate", NULL, NULL, 0, 1e6, CHORUS_REPLY_DEFAULT_RATE, rw);
  /**
   * ChorusReceiver:reply-burst:
   *
   * Answers one source may have at once before the rate applies.
   */
  properties[PROP_REPLY_BURST] =
    g_param_spec_uint ("reply-burst", NULL, NULL, 1, G_MAXINT, CHORUS_REPLY_DEFAULT_BURST, rw);
  /**
   * ChorusReceiver:allow-larger-replies:
   *
   * Whether an answer may be larger than the message it answers. Off, a
   * receiver can never amplify what someone sends it in another's name.
   */
  properties[PROP_ALLOW_LARGER_REPLIES] =
    g_param_spec_boolean ("allow-larger-replies", NULL, NULL, FALSE, rw);
  /**
   * ChorusReceiver:problem:
   *
   * While running: why nothing can arrive now (the interface went away or
   * down), or %NULL. The receiver joins again by itself once it can.
   */
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, ro);
  /**
   * ChorusReceiver:update-interval:
   *
   * Milliseconds to gather messages before they go into the messages
   * model and are announced, with the counts; 0 (the default) for at
   * once, after each read. A window sets it so that a flood redraws it a
   * few times a second, not after every read. Reading and answering never
   * wait; a full ring's worth is announced at once.
   */
  properties[PROP_UPDATE_INTERVAL] =
    g_param_spec_uint ("update-interval", NULL, NULL, 0, 10000, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * ChorusReceiver:name:
   *
   * The name answers to Chorus probes carry (at most 64 bytes of it);
   * empty for the host's name.
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", rw);
  properties[PROP_SOURCES] = g_param_spec_object ("sources", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * ChorusReceiver:include-sources:
   *
   * Source-specific multicast: the only senders to receive the groups
   * from, addresses separated by commas or spaces; empty for any sender.
   * Source-specific groups (232.0.0.0/8, ff3x::) need at least one.
   * Takes effect at the next start, which checks it.
   */
  properties[PROP_INCLUDE_SOURCES] = g_param_spec_string ("include-sources", NULL, NULL, "", rw);
  /**
   * ChorusReceiver:exclude-sources:
   *
   * Senders whose datagrams to the groups are kept out, addresses
   * separated by commas or spaces; not for source-specific groups, and
   * not together with #ChorusReceiver:include-sources.
   */
  properties[PROP_EXCLUDE_SOURCES] = g_param_spec_string ("exclude-sources", NULL, NULL, "", rw);
  /**
   * ChorusReceiver:groups:
   *
   * A #GListModel of #ChorusMembership: the groups of the current or last
   * run, whether each could be joined, and what each received.
   */
  properties[PROP_GROUPS] = g_param_spec_object ("groups", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChorusReceiver::message-received:
   * @message: what arrived, already in the messages model
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, CHORUS_TYPE_MESSAGE);
}

static void
chorus_receiver_init (ChorusReceiver *self)
{
  self->group = g_strdup (CHORUS_DEFAULT_GROUP);
  self->port = CHORUS_DEFAULT_PORT;
  self->reply = g_strdup (CHORUS_DEFAULT_REPLY);
  self->interface = g_strdup ("");
  self->answer = TRUE;
  self->reply_rate = CHORUS_REPLY_DEFAULT_RATE;
  self->reply_burst = CHORUS_REPLY_DEFAULT_BURST;
  self->messages = chorus_ring_model_new (CHORUS_TYPE_MESSAGE, CHORUS_RECEIVER_DEFAULT_CAPACITY);
  self->staged = g_ptr_array_new_with_free_func (g_object_unref);
  self->staged_infos = new_staged_infos ();
  self->staged_bytes = g_byte_array_new ();
  self->name = g_strdup ("");
  self->source_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sources = g_list_store_new (CHORUS_TYPE_SOURCE);
  self->memberships = g_list_store_new (CHORUS_TYPE_MEMBERSHIP);
  self->include_sources = g_strdup ("");
  self->exclude_sources = g_strdup ("");
}

ChorusReceiver *
chorus_receiver_new (void)
{
  return g_object_new (CHORUS_TYPE_RECEIVER, NULL);
}

const char *
chorus_receiver_get_group (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->group;
}

/* Group and port take effect at the next start. */
void
chorus_receiver_set_group (ChorusReceiver *self,
                           const char     *group)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->group, group))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

guint
chorus_receiver_get_port (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->port;
}

void
chorus_receiver_set_port (ChorusReceiver *self,
                          guint           port)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));
  g_return_if_fail (port >= 1 && port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

const char *
chorus_receiver_get_reply (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->reply;
}

/* Reply text and answering take effect at once, also while running. */
void
chorus_receiver_set_reply (ChorusReceiver *self,
                           const char     *reply)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (reply == NULL)
    reply = "";

  if (_chorus_set_str (&self->reply, reply))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY]);
}

gboolean
chorus_receiver_get_answer (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);

  return self->answer;
}

void
chorus_receiver_set_answer (ChorusReceiver *self,
                            gboolean        answer)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  answer = !!answer;
  if (self->answer == answer)
    return;

  self->answer = answer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWER]);
}

const char *
chorus_receiver_get_interface (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->interface;
}

void
chorus_receiver_set_interface (ChorusReceiver *self,
                               const char     *interface)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (interface == NULL)
    interface = "";

  if (_chorus_set_str (&self->interface, interface))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
}

/* Puts what was read into the model, says what changed, and announces
 * each message. */
void
_chorus_receiver_flush_staged (ChorusReceiver *self)
{
  g_autoptr(GPtrArray) staged = g_steal_pointer (&self->staged);
  g_autoptr(GArray) infos = g_steal_pointer (&self->staged_infos);
  g_autoptr(GByteArray) bytes = g_steal_pointer (&self->staged_bytes);
  guint serial = self->run_serial;
  guint64 unanswered = chorus_receiver_get_n_unanswered (self);

  self->staged = g_ptr_array_new_with_free_func (g_object_unref);
  /* A handler may stage more (a run it starts) while these are lent. */
  self->staged_infos = self->spare_infos != NULL ? g_steal_pointer (&self->spare_infos)
                                                 : new_staged_infos ();
  self->staged_bytes = self->spare_bytes != NULL ? g_steal_pointer (&self->spare_bytes)
                                                 : g_byte_array_new ();
  clear_flush_source (self);

  if (staged->len > 0)
    chorus_ring_model_append_many (self->messages, staged->pdata, staged->len);

  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->sources)); i < n; i++)
    {
      g_autoptr(ChorusSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      _chorus_source_flush (source);
    }

  for (guint i = 0; self->joins != NULL && i < self->joins->len; i++)
    {
      ChorusJoin *join = g_ptr_array_index (self->joins, i);

      if (join->dirty)
        {
          join->dirty = FALSE;
          _chorus_membership_flush (join->membership);
        }
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->n_received != self->notified_received)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECEIVED]);
  if (self->n_replied != self->notified_replied)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REPLIED]);
  if (self->n_ignored != self->notified_ignored)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IGNORED]);
  if (unanswered != self->notified_unanswered)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNANSWERED]);
  self->notified_received = self->n_received;
  self->notified_replied = self->n_replied;
  self->notified_ignored = self->n_ignored;
  self->notified_unanswered = unanswered;
  g_object_thaw_notify (G_OBJECT (self));

  /* A handler may stop this run, and start another: these messages are
   * not the new run's. */
  for (guint i = 0; i < staged->len && self->running && self->run_serial == serial; i++)
    g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, g_ptr_array_index (staged, i));

  for (guint i = 0; i < infos->len && self->running && self->run_serial == serial; i++)
    {
      const ChorusStagedInfo *staged_info = &g_array_index (infos, ChorusStagedInfo, i);
      ChorusMessageInfo info = {
        .address = staged_info->address,
        .port = staged_info->port,
        .group = staged_info->group,
        /* Never an offset from no buffer at all: only empty payloads. */
        .data = bytes->len > 0 ? bytes->data + staged_info->offset : (const guint8 *) "",
        .size = staged_info->size,
        .arrival_usec = staged_info->arrival_usec,
        .ttl = staged_info->ttl,
        .serial = staged_info->serial,
        .probe = staged_info->probe,
        .session = staged_info->session,
        .seq = staged_info->seq,
        .dscp = staged_info->dscp,
        .host_dropped = staged_info->host_dropped,
      };

      self->message_func (self, &info, self->message_data);
    }

  /* Kept for the next flush, unless a handler's run took their place. */
  g_array_set_size (infos, 0);
  g_byte_array_set_size (bytes, 0);
  if (self->spare_infos == NULL)
    {
      self->spare_infos = g_steal_pointer (&infos);
      self->spare_bytes = g_steal_pointer (&bytes);
    }
}

gboolean
_chorus_receiver_on_flush_timeout (gpointer user_data)
{
  ChorusReceiver *self = CHORUS_RECEIVER (user_data);
  g_autoptr(ChorusReceiver) hold = g_object_ref (self);

  _chorus_receiver_flush_staged (self);

  return G_SOURCE_REMOVE;
}

void
_chorus_receiver_set_problem (ChorusReceiver *self,
                              char           *problem)
{
  g_free (self->problem);
  self->problem = problem;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

/**
 * chorus_receiver_start:
 * @error: a location for a #GError
 *
 * Binds the port (shared with other receivers on this host), joins the
 * group and starts listening on the thread-default main context.
 *
 * Returns: %TRUE when listening; otherwise @error says why
 */
gboolean
chorus_receiver_start (ChorusReceiver  *self,
                       GError         **error)
{
  g_autoptr(GPtrArray) memberships = NULL;
  g_autoptr(GError) local_error = NULL;
  GSocketFamily family;

  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already receiving"));
      return FALSE;
    }

  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  if (!_chorus_receiver_prepare_run (self, &family, error) || !_chorus_receiver_join_all (self, family, error))
    {
      clear_socket (self);
      return FALSE;
    }

  memberships = g_ptr_array_new ();
  for (guint i = 0; i < self->joins->len; i++)
    g_ptr_array_add (memberships, ((ChorusJoin *) g_ptr_array_index (self->joins, i))->membership);
  g_list_store_splice (self->memberships, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->memberships)),
                       memberships->pdata, memberships->len);

  self->n_received_at_start = self->n_received;
  self->cancellable = g_cancellable_new ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, G_MAXUINT16 + 1);
  self->replies = g_new0 (ChorusReplies, 1);
  self->replies->gso = _chorus_receiver_can_segment (self->socket);
  self->held = g_array_new (FALSE, FALSE, sizeof (ChorusHeld));
  g_hash_table_remove_all (self->source_table);
  g_list_store_remove_all (self->sources);
  self->guard = chorus_reply_guard_new ();
  chorus_reply_guard_set_rate (self->guard, self->reply_rate, self->reply_burst);
  chorus_reply_guard_set_allow_larger (self->guard, self->allow_larger);
  _chorus_receiver_update_broadcasts (self);

  /* Without it the receiver still works; it just cannot tell when its
   * interface goes away. */
  self->link_watch = _chorus_link_watch_new (_chorus_receiver_on_links_changed, self, &local_error);
  if (self->link_watch == NULL)
    g_debug ("%s", local_error->message);

  self->context = g_main_context_ref_thread_default ();
  for (guint i = 0; i < self->listeners->len; i++)
    {
      ChorusListener *listener = g_ptr_array_index (self->listeners, i);

      _chorus_reader_start (&listener->reader, listener->socket, self->context,
                            self->cancellable, TRUE, _chorus_receiver_on_socket_readable, listener);
    }

  self->running = TRUE;
  self->run_serial++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

/**
 * chorus_receiver_stop:
 *
 * Leaves the group and closes the port. What was received stays in the
 * messages model.
 */
void
chorus_receiver_stop (ChorusReceiver *self)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (!self->running)
    return;

  /* What was read is the run's: into the model and announced. A handler
   * may stop the run meanwhile, or stop it and start another. */
  if (_chorus_receiver_n_staged (self) > 0 || self->flush_source != NULL)
    {
      guint serial = self->run_serial;

      _chorus_receiver_flush_staged (self);
      if (!self->running || self->run_serial != serial)
        return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->problem != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  clear_socket (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
chorus_receiver_get_running (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);

  return self->running;
}

/**
 * chorus_receiver_get_messages:
 *
 * Returns: (transfer none): a #GListModel of #ChorusMessage, oldest first,
 *   holding at most the capacity; see #ChorusRingModel:dropped
 */
GListModel *
chorus_receiver_get_messages (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return G_LIST_MODEL (self->messages);
}

guint64
chorus_receiver_get_n_received (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->n_received;
}

guint64
chorus_receiver_get_n_replied (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->n_replied;
}

guint64
chorus_receiver_get_n_dropped (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return chorus_ring_model_get_dropped (self->messages);
}

guint64
chorus_receiver_get_n_ignored (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->n_ignored;
}

/**
 * chorus_receiver_get_n_unanswered:
 *
 * Returns: messages that answering would have answered but the reply
 *   guard refused, for every reason
 */
guint64
chorus_receiver_get_n_unanswered (ChorusReceiver *self)
{
  guint64 n = 0;

  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  for (guint i = CHORUS_REPLY_ANSWER + 1; i < CHORUS_REPLY_N_VERDICTS; i++)
    n += self->n_unanswered[i];

  return n;
}

/**
 * chorus_receiver_get_n_refused:
 * @verdict: why
 *
 * Returns: messages not answered for that reason
 */
guint64
chorus_receiver_get_n_refused (ChorusReceiver     *self,
                               ChorusReplyVerdict  verdict)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);
  g_return_val_if_fail (verdict < CHORUS_REPLY_N_VERDICTS, 0);

  return verdict == CHORUS_REPLY_ANSWER ? self->n_replied : self->n_unanswered[verdict];
}

double
chorus_receiver_get_reply_rate (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->reply_rate;
}

guint
chorus_receiver_get_reply_burst (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->reply_burst;
}

/**
 * chorus_receiver_set_reply_rate:
 * @per_second: answers per second to one source; 0 for no limit
 * @burst: answers one source may have at once (at least 1)
 *
 * Takes effect at once, also while running.
 */
void
chorus_receiver_set_reply_rate (ChorusReceiver *self,
                                double          per_second,
                                guint           burst)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));
  g_return_if_fail (per_second >= 0 && per_second <= 1e6);
  g_return_if_fail (burst >= 1);

  if (self->reply_rate == per_second && self->reply_burst == burst)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->reply_rate != per_second)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_RATE]);
  if (self->reply_burst != burst)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_BURST]);
  self->reply_rate = per_second;
  self->reply_burst = burst;
  if (self->guard != NULL)
    chorus_reply_guard_set_rate (self->guard, per_second, burst);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
chorus_receiver_get_allow_larger_replies (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);

  return self->allow_larger;
}

/* Takes effect at once, also while running. */
void
chorus_receiver_set_allow_larger_replies (ChorusReceiver *self,
                                          gboolean        allow)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  allow = !!allow;
  if (self->allow_larger == allow)
    return;

  self->allow_larger = allow;
  if (self->guard != NULL)
    chorus_reply_guard_set_allow_larger (self->guard, allow);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_LARGER_REPLIES]);
}

/**
 * chorus_receiver_get_problem:
 *
 * Returns: (nullable): why nothing can arrive now, or %NULL
 */
const char *
chorus_receiver_get_problem (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->problem;
}

const char *
chorus_receiver_get_name (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->name;
}

/**
 * chorus_receiver_set_name:
 * @name: (nullable): what answers to Chorus probes call this receiver;
 *   empty or %NULL for the host's name
 */
void
chorus_receiver_set_name (ChorusReceiver *self,
                          const char     *name)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->name, name != NULL ? name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * chorus_receiver_get_sources:
 *
 * Returns: (transfer none): a #GListModel of #ChorusSource: the probers
 *   heard in this run (one per session), in the order first heard
 */
GListModel *
chorus_receiver_get_sources (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return G_LIST_MODEL (self->sources);
}

const char *
chorus_receiver_get_include_sources (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->include_sources;
}

/**
 * chorus_receiver_set_include_sources:
 * @sources: (nullable): see #ChorusReceiver:include-sources
 */
void
chorus_receiver_set_include_sources (ChorusReceiver *self,
                                     const char     *sources)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->include_sources, sources != NULL ? sources : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_SOURCES]);
}

const char *
chorus_receiver_get_exclude_sources (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->exclude_sources;
}

/**
 * chorus_receiver_set_exclude_sources:
 * @sources: (nullable): see #ChorusReceiver:exclude-sources
 */
void
chorus_receiver_set_exclude_sources (ChorusReceiver *self,
                                     const char     *sources)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->exclude_sources, sources != NULL ? sources : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCLUDE_SOURCES]);
}

/**
 * chorus_receiver_get_receive_buffer:
 *
 * Returns: the largest receive buffer (SO_RCVBUF) a socket of the run
 *   was granted, in bytes; 0 when not running
 */
guint
chorus_receiver_get_receive_buffer (ChorusReceiver *self)
{
  int largest = 0;

  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  for (guint i = 0; self->running && self->listeners != NULL && i < self->listeners->len; i++)
    {
      ChorusListener *listener = g_ptr_array_index (self->listeners, i);

      largest = MAX (largest, _chorus_socket_get_int (listener->socket, SOL_SOCKET, SO_RCVBUF));
    }

  return (guint) largest;
}

/**
 * chorus_receiver_get_groups:
 *
 * Returns: (transfer none): a #GListModel of #ChorusMembership: the
 *   groups of the current or last run, in the order given
 */
GListModel *
chorus_receiver_get_groups (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return G_LIST_MODEL (self->memberships);
}

/**
 * chorus_receiver_set_message_func:
 * @func: (nullable): called for each message
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data when another function takes its
 *   place, or the receiver goes
 *
 * Instead of making a #ChorusMessage for each datagram, to keep in the
 * messages model and hand to #ChorusReceiver::message-received, calls
 * @func with what it would hold, in the same order and at the same
 * moments; the model stays empty. For programs that pass messages on and
 * keep none: it spares an object, a copy and a signal a datagram. Set it
 * while the receiver is stopped.
 */
void
chorus_receiver_set_message_func (ChorusReceiver    *self,
                                  ChorusMessageFunc  func,
                                  gpointer           user_data,
                                  GDestroyNotify     destroy)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));
  g_return_if_fail (!self->running);

  if (self->message_destroy != NULL)
    self->message_destroy (self->message_data);

  self->message_func = func;
  self->message_data = user_data;
  self->message_destroy = destroy;
}
