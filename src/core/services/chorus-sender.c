/* chorus-sender.c: sends probes to a group and collects who answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include "chorus-sender-private.h"

G_DEFINE_FINAL_TYPE (ChorusSender, chorus_sender, G_TYPE_OBJECT)

GParamSpec *_chorus_sender_properties[N_PROPS];
guint _chorus_sender_signals[N_SIGNALS];

void
_chorus_sender_clear_run (ChorusSender *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  _chorus_reader_stop (&self->reader);

  g_clear_handle_id (&self->probe_id, g_source_remove);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->probe_buffer, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->batch, _chorus_batch_free);
  g_clear_pointer (&self->run_message, g_bytes_unref);
  g_clear_pointer (&self->broadcasts, g_array_unref);

  if (self->socket != NULL)
    {
      g_socket_close (self->socket, NULL);
      g_clear_object (&self->socket);
    }
}

static void
chorus_sender_dispose (GObject *object)
{
  ChorusSender *self = (ChorusSender *) object;

  _chorus_sender_clear_run (self);
  self->running = FALSE;

  G_OBJECT_CLASS (chorus_sender_parent_class)->dispose (object);
}

static void
chorus_sender_finalize (GObject *object)
{
  ChorusSender *self = (ChorusSender *) object;

  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->message, g_bytes_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->send_times, g_array_unref);
  g_clear_pointer (&self->responders, g_hash_table_unref);
  g_clear_object (&self->responder_list);
  g_clear_object (&self->acks);

  G_OBJECT_CLASS (chorus_sender_parent_class)->finalize (object);
}

static void
chorus_sender_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChorusSender *self = CHORUS_SENDER (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_TTL:
      g_value_set_uint (value, self->ttl);
      break;
    case PROP_LOOPBACK:
      g_value_set_boolean (value, self->loopback);
      break;
    case PROP_WAIT:
      g_value_set_double (value, self->wait);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;
    case PROP_MESSAGE:
      g_value_set_boxed (value, self->message);
      break;
    case PROP_TEXT:
      g_value_set_string (value, chorus_sender_get_text (self));
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_ACKS:
      g_value_set_object (value, self->acks);
      break;
    case PROP_N_SENT:
      g_value_set_uint (value, chorus_sender_get_n_sent (self));
      break;
    case PROP_N_ACKS:
      g_value_set_uint (value, chorus_sender_get_n_acks (self));
      break;
    case PROP_N_RESPONDERS:
      g_value_set_uint (value, chorus_sender_get_n_responders (self));
      break;
    case PROP_DEADLINE:
      g_value_set_int64 (value, self->deadline);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, chorus_ring_model_get_capacity (self->acks));
      break;
    case PROP_N_IGNORED:
      g_value_set_uint (value, self->n_ignored);
      break;
    case PROP_PROBE:
      g_value_set_boolean (value, self->probe);
      break;
    case PROP_SPREAD:
      g_value_set_double (value, self->spread);
      break;
    case PROP_UPDATE_INTERVAL:
      g_value_set_uint (value, self->update_interval);
      break;
    case PROP_RESPONDERS:
      g_value_set_object (value, self->responder_list);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_sender_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ChorusSender *self = CHORUS_SENDER (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      chorus_sender_set_group (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      chorus_sender_set_port (self, g_value_get_uint (value));
      break;
    case PROP_TTL:
      chorus_sender_set_ttl (self, g_value_get_uint (value));
      break;
    case PROP_LOOPBACK:
      chorus_sender_set_loopback (self, g_value_get_boolean (value));
      break;
    case PROP_WAIT:
      chorus_sender_set_wait (self, g_value_get_double (value));
      break;
    case PROP_COUNT:
      chorus_sender_set_count (self, g_value_get_uint (value));
      break;
    case PROP_INTERVAL:
      chorus_sender_set_interval (self, g_value_get_double (value));
      break;
    case PROP_MESSAGE:
      chorus_sender_set_message (self, g_value_get_boxed (value));
      break;
    case PROP_TEXT:
      chorus_sender_set_text (self, g_value_get_string (value));
      break;
    case PROP_INTERFACE:
      chorus_sender_set_interface (self, g_value_get_string (value));
      break;
    case PROP_CAPACITY:
      chorus_ring_model_set_capacity (self->acks, g_value_get_uint (value));
      break;
    case PROP_PROBE:
      chorus_sender_set_probe (self, g_value_get_boolean (value));
      break;
    case PROP_SPREAD:
      chorus_sender_set_spread (self, g_value_get_double (value));
      break;
    case PROP_UPDATE_INTERVAL:
      chorus_sender_set_update_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_sender_class_init (ChorusSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_sender_dispose;
  object_class->finalize = chorus_sender_finalize;
  object_class->get_property = chorus_sender_get_property;
  object_class->set_property = chorus_sender_set_property;

  _chorus_sender_properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, CHORUS_DEFAULT_GROUP, rw);
  _chorus_sender_properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, CHORUS_DEFAULT_PORT, rw);
  _chorus_sender_properties[PROP_TTL] = g_param_spec_uint ("ttl", NULL, NULL, 0, 255, CHORUS_DEFAULT_TTL, rw);
  _chorus_sender_properties[PROP_LOOPBACK] = g_param_spec_boolean ("loopback", NULL, NULL, TRUE, rw);
  _chorus_sender_properties[PROP_WAIT] = g_param_spec_double ("wait", NULL, NULL, 0, 86400, 1, rw);
  /* 0: until stopped. */
  _chorus_sender_properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXINT, 1, rw);
  _chorus_sender_properties[PROP_INTERVAL] = g_param_spec_double ("interval", NULL, NULL, 0.001, 86400, 1, rw);
  _chorus_sender_properties[PROP_MESSAGE] = g_param_spec_boxed ("message", NULL, NULL, G_TYPE_BYTES, rw);
  _chorus_sender_properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, CHORUS_DEFAULT_MESSAGE, rw);
  /**
   * ChorusSender:interface:
   *
   * The network interface probes leave by, such as "eth0"; empty for the
   * one the routing table picks for the group.
   */
  _chorus_sender_properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  _chorus_sender_properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  _chorus_sender_properties[PROP_ACKS] = g_param_spec_object ("acks", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  _chorus_sender_properties[PROP_N_SENT] = g_param_spec_uint ("n-sent", NULL, NULL, 0, G_MAXUINT, 0, ro);
  _chorus_sender_properties[PROP_N_ACKS] = g_param_spec_uint ("n-acks", NULL, NULL, 0, G_MAXUINT, 0, ro);
  _chorus_sender_properties[PROP_N_RESPONDERS] =
    g_param_spec_uint ("n-responders", NULL, NULL, 0, G_MAXUINT, 0, ro);
  _chorus_sender_properties[PROP_DEADLINE] =
    g_param_spec_int64 ("deadline", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /**
   * ChorusSender:capacity:
   *
   * How many acks the acks model keeps, the newest; n-acks counts them all.
   */
  _chorus_sender_properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, CHORUS_RING_MODEL_MAX_CAPACITY,
                       CHORUS_SENDER_DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * ChorusSender:n-ignored:
   *
   * Datagrams that reached the sender's port but cannot be answers: from
   * another port than the group's, from a source that cannot have
   * answered, or sent to a multicast or broadcast address.
   */
  _chorus_sender_properties[PROP_N_IGNORED] = g_param_spec_uint ("n-ignored", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * ChorusSender:probe:
   *
   * Send Chorus probes (docs/PROTOCOL.md) that carry the message as their
   * text, instead of the bare message: Chorus receivers then answer with
   * the probe's number, so loss, duplicates and order are exact.
   */
  _chorus_sender_properties[PROP_PROBE] = g_param_spec_boolean ("probe", NULL, NULL, FALSE, rw);
  /**
   * ChorusSender:spread:
   *
   * Seconds over which Chorus receivers spread their answers to each
   * probe; a probe's answers are awaited spread + wait seconds.
   */
  _chorus_sender_properties[PROP_SPREAD] = g_param_spec_double ("spread", NULL, NULL, 0, 10, 0, rw);
  /**
   * ChorusSender:update-interval:
   *
   * Milliseconds between updates of the responders' properties and
   * ::responders-updated, however fast answers arrive.
   */
  _chorus_sender_properties[PROP_UPDATE_INTERVAL] =
    g_param_spec_uint ("update-interval", NULL, NULL, 10, 60000, 250, rw);
  _chorus_sender_properties[PROP_RESPONDERS] =
    g_param_spec_object ("responders", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, _chorus_sender_properties);

  /**
   * ChorusSender::probe-sent:
   * @probe: the probe's number, from 1
   */
  _chorus_sender_signals[PROBE_SENT] =
    g_signal_new ("probe-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * ChorusSender::ack-received:
   * @ack: the answer, already in the acks model
   */
  _chorus_sender_signals[ACK_RECEIVED] =
    g_signal_new ("ack-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, CHORUS_TYPE_ACK);

  /**
   * ChorusSender::failed:
   * @error: what went wrong after the run started; ::finished follows
   */
  _chorus_sender_signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * ChorusSender::finished:
   *
   * The wait after the last probe is over (or the run was stopped).
   */
  _chorus_sender_signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * ChorusSender::responders-updated:
   *
   * The responders' statistics moved; emitted at most once per
   * update-interval.
   */
  _chorus_sender_signals[RESPONDERS_UPDATED] =
    g_signal_new ("responders-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
chorus_sender_init (ChorusSender *self)
{
  self->group = g_strdup (CHORUS_DEFAULT_GROUP);
  self->interface = g_strdup ("");
  self->port = CHORUS_DEFAULT_PORT;
  self->ttl = CHORUS_DEFAULT_TTL;
  self->loopback = TRUE;
  self->wait = 1;
  self->count = 1;
  self->interval = 1;
  self->message = g_bytes_new_static (CHORUS_DEFAULT_MESSAGE, strlen (CHORUS_DEFAULT_MESSAGE));
  self->acks = chorus_ring_model_new (CHORUS_TYPE_ACK, CHORUS_SENDER_DEFAULT_CAPACITY);
  self->responders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->responder_list = g_list_store_new (CHORUS_TYPE_RESPONDER);
  self->update_interval = 250;
  self->send_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->times_first = 1;
}

ChorusSender *
chorus_sender_new (void)
{
  return g_object_new (CHORUS_TYPE_SENDER, NULL);
}

/* Setters: a change made during a run applies to the next run. */

const char *
chorus_sender_get_group (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), NULL);

  return self->group;
}

void
chorus_sender_set_group (ChorusSender *self,
                         const char   *group)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  if (_chorus_set_str (&self->group, group))
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_GROUP]);
}

guint
chorus_sender_get_port (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->port;
}

void
chorus_sender_set_port (ChorusSender *self,
                        guint         port)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));
  g_return_if_fail (port >= 1 && port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_PORT]);
}

guint
chorus_sender_get_ttl (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->ttl;
}

void
chorus_sender_set_ttl (ChorusSender *self,
                       guint         ttl)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));
  g_return_if_fail (ttl <= 255);

  if (self->ttl == ttl)
    return;

  self->ttl = ttl;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_TTL]);
}

gboolean
chorus_sender_get_loopback (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), FALSE);

  return self->loopback;
}

void
chorus_sender_set_loopback (ChorusSender *self,
                            gboolean      loopback)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  loopback = !!loopback;
  if (self->loopback == loopback)
    return;

  self->loopback = loopback;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_LOOPBACK]);
}

double
chorus_sender_get_wait (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->wait;
}

void
chorus_sender_set_wait (ChorusSender *self,
                        double        seconds)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));
  g_return_if_fail (seconds >= 0 && seconds <= 86400);

  if (self->wait == seconds)
    return;

  self->wait = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_WAIT]);
}

guint
chorus_sender_get_count (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->count;
}

void
chorus_sender_set_count (ChorusSender *self,
                         guint         count)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  if (self->count == count)
    return;

  self->count = count;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_COUNT]);
}

double
chorus_sender_get_interval (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->interval;
}

void
chorus_sender_set_interval (ChorusSender *self,
                            double        seconds)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));
  g_return_if_fail (seconds >= 0.001 && seconds <= 86400);

  if (self->interval == seconds)
    return;

  self->interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_INTERVAL]);
}

/**
 * chorus_sender_get_message:
 *
 * Returns: (transfer none): the payload each probe carries
 */
GBytes *
chorus_sender_get_message (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), NULL);

  return self->message;
}

/**
 * chorus_sender_set_message:
 * @message: (nullable): the payload, sent byte for byte; %NULL for none
 */
void
chorus_sender_set_message (ChorusSender *self,
                           GBytes       *message)
{
  g_autoptr(GBytes) empty = NULL;

  g_return_if_fail (CHORUS_IS_SENDER (self));

  if (message == NULL)
    message = empty = g_bytes_new_static ("", 0);

  if (self->message != NULL && g_bytes_equal (self->message, message))
    return;

  g_clear_pointer (&self->message, g_bytes_unref);
  g_clear_pointer (&self->text, g_free);
  self->message = g_bytes_ref (message);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_TEXT]);
}

/**
 * chorus_sender_get_text:
 *
 * Returns: the payload as a string, cut at the first NUL byte, if any
 */
const char *
chorus_sender_get_text (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), NULL);

  if (self->text == NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (self->message, &size);

      self->text = g_strndup (data, size);
    }

  return self->text;
}

/**
 * chorus_sender_set_text:
 * @text: the payload, sent as its bytes without a terminating NUL
 */
void
chorus_sender_set_text (ChorusSender *self,
                        const char   *text)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (CHORUS_IS_SENDER (self));

  if (text == NULL)
    text = "";

  bytes = g_bytes_new (text, strlen (text));
  chorus_sender_set_message (self, bytes);
}

const char *
chorus_sender_get_interface (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), NULL);

  return self->interface;
}

void
chorus_sender_set_interface (ChorusSender *self,
                             const char   *interface)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  if (interface == NULL)
    interface = "";

  if (_chorus_set_str (&self->interface, interface))
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_INTERFACE]);
}

gboolean
chorus_sender_get_running (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), FALSE);

  return self->running;
}

/**
 * chorus_sender_get_acks:
 *
 * Returns: (transfer none): a #GListModel of #ChorusAck, in arrival order,
 *   for the current or last run
 */
GListModel *
chorus_sender_get_acks (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), NULL);

  return G_LIST_MODEL (self->acks);
}

guint
chorus_sender_get_n_sent (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->n_sent;
}

/**
 * chorus_sender_get_n_acks:
 *
 * Returns: every ack of the current or last run, also those the acks
 *   model no longer holds
 */
guint
chorus_sender_get_n_acks (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  /* The ring counts what it let go. */
  return g_list_model_get_n_items (G_LIST_MODEL (self->acks))
         + (guint) chorus_ring_model_get_dropped (self->acks);
}

guint
chorus_sender_get_n_ignored (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->n_ignored;
}

/**
 * chorus_sender_get_n_unlisted:
 *
 * Returns: hosts that answered after the responder table was full
 *   (%CHORUS_SENDER_MAX_RESPONDERS), each counted once per ack
 */
guint
chorus_sender_get_n_unlisted (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->n_unlisted;
}

/**
 * chorus_sender_get_send_failed:
 *
 * Returns: %TRUE if sending failed during the current or last run
 *   (::failed said why)
 */
gboolean
chorus_sender_get_send_failed (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), FALSE);

  return self->send_failed;
}

/**
 * chorus_sender_get_n_responders:
 *
 * Returns: how many distinct hosts answered
 */
guint
chorus_sender_get_n_responders (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return g_hash_table_size (self->responders);
}

/**
 * chorus_sender_get_deadline:
 *
 * Returns: when the wait after the last probe ends, on the
 *   g_get_monotonic_time() clock, or 0 while probes are still going out
 */
gint64
chorus_sender_get_deadline (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->deadline;
}

gint64
chorus_sender_get_rtt_min_usec (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->rtt_count > 0 ? self->rtt_min : 0;
}

gint64
chorus_sender_get_rtt_max_usec (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->rtt_max;
}

gint64
chorus_sender_get_rtt_avg_usec (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->rtt_count > 0 ? self->rtt_sum / (gint64) self->rtt_count : 0;
}

/**
 * chorus_sender_get_receive_buffer:
 *
 * Returns: the receive buffer the kernel granted for the last run, in
 *   bytes, or -1 if unknown
 */
int
chorus_sender_get_receive_buffer (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), -1);

  return self->receive_buffer;
}

gboolean
chorus_sender_get_probe (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), FALSE);

  return self->probe;
}

void
chorus_sender_set_probe (ChorusSender *self,
                         gboolean      probe)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  probe = !!probe;
  if (self->probe == probe)
    return;

  self->probe = probe;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_PROBE]);
}

double
chorus_sender_get_spread (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->spread;
}

void
chorus_sender_set_spread (ChorusSender *self,
                          double        seconds)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));
  g_return_if_fail (seconds >= 0 && seconds <= 10);

  if (self->spread == seconds)
    return;

  self->spread = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_SPREAD]);
}

guint
chorus_sender_get_update_interval (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->update_interval;
}

void
chorus_sender_set_update_interval (ChorusSender *self,
                                   guint         msec)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));
  g_return_if_fail (msec >= 10 && msec <= 60000);

  if (self->update_interval == msec)
    return;

  self->update_interval = msec;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_UPDATE_INTERVAL]);
}

/**
 * chorus_sender_get_responders:
 *
 * Returns: (transfer none): a #GListModel of #ChorusResponder, one per
 *   host (and kind of answer), in the order they were first heard
 */
GListModel *
chorus_sender_get_responders (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), NULL);

  return G_LIST_MODEL (self->responder_list);
}

/**
 * chorus_sender_get_session:
 *
 * Returns: the random session number of the current or last run's probes
 */
guint64
chorus_sender_get_session (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->session;
}

/**
 * chorus_sender_get_n_settled:
 *
 * Returns: probes whose wait is over; loss is counted among these
 */
guint
chorus_sender_get_n_settled (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->n_settled;
}

/**
 * chorus_sender_get_run_start:
 *
 * Returns: when the run's first probe went out, on the
 *   g_get_monotonic_time() clock; 0 before
 */
gint64
chorus_sender_get_run_start (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->run_start;
}

double
chorus_sender_get_run_interval (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->run_interval;
}

guint
chorus_sender_get_n_tagged (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return self->n_tagged;
}

guint
chorus_sender_get_n_untagged (ChorusSender *self)
{
  g_return_val_if_fail (CHORUS_IS_SENDER (self), 0);

  return g_hash_table_size (self->responders) - self->n_tagged;
}
