/* chorus-sender.c: sends probes to a group and collects who answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "chorus-ack-private.h"
#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-probe.h"
#include "chorus-reply-guard.h"
#include "chorus-responder-private.h"
#include "chorus-ring-model.h"
#include "chorus-sender.h"
#include "chorus-socket-private.h"
#include "chorus-util-private.h"

/* Datagrams read per system call, and at most per dispatch before the
 * main loop gets a turn (the source fires again while data waits). */
#define BATCH_SLOTS        64
#define MAX_PER_DISPATCH   8192
/* More than a probe's fields and padding weigh beside its text. */
#define PROBE_OVERHEAD     (CHORUS_WIRE_PROBE_MIN_SIZE + 64)

struct _ChorusSender
{
  GObject parent_instance;

  /* Settings */
  char *group;
  guint port;
  guint ttl;
  gboolean loopback;
  double wait;
  guint count;
  double interval;
  GBytes *message;
  char *text;
  char *interface;
  gboolean probe;
  double spread;
  guint update_interval;

  /* One run, from start to finish */
  GSocket *socket;
  ChorusReader reader;
  GCancellable *cancellable;
  GSocketAddress *destination;
  ChorusBatch *batch;
  /* The settings as they were when the run started. */
  GBytes *run_message;
  guint run_count;
  double run_wait;
  guint16 run_port;
  gboolean run_probe;
  double run_spread;
  double run_interval;
  guint8 run_ttl;
  guint64 session;
  gint64 run_start;
  guint8 *probe_buffer;
  gsize probe_buffer_size;
  guint tick_id;
  /* IPv4 broadcast addresses of this host when the run started. */
  GArray *broadcasts;
  /* Counts runs, so that code after a signal can tell whether a handler
   * ended this run (and perhaps started another). */
  guint run_serial;
  guint probe_id;
  guint deadline_id;
  /* When each probe went out, on the monotonic clock. */
  /* When probes times_first .. n_sent went out; older ones are let go
   * once they are long settled (see trim_send_times()). */
  GArray *send_times;
  guint32 times_first;
  guint32 n_sent;
  gint64 deadline;
  int receive_buffer;
  gboolean running;
  /* Sending failed: no more probes, but the wait for answers to those
   * already out goes on. */
  gboolean send_failed;

  /* Results, kept until the next run starts */
  ChorusRingModel *acks;
  guint n_ignored;
  /* Responders by address (and kind), and in order first heard; plain
   * sends list hosts only (NULL values), without statistics. */
  GHashTable *responders;
  GListStore *responder_list;
  guint n_settled;
  guint n_tagged;
  guint n_unlisted;
  gint64 rtt_min;
  gint64 rtt_max;
  gint64 rtt_sum;
  guint64 rtt_count;
};

G_DEFINE_FINAL_TYPE (ChorusSender, chorus_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_PORT,
  PROP_TTL,
  PROP_LOOPBACK,
  PROP_WAIT,
  PROP_COUNT,
  PROP_INTERVAL,
  PROP_MESSAGE,
  PROP_TEXT,
  PROP_INTERFACE,
  PROP_RUNNING,
  PROP_ACKS,
  PROP_N_SENT,
  PROP_N_ACKS,
  PROP_N_RESPONDERS,
  PROP_DEADLINE,
  PROP_CAPACITY,
  PROP_N_IGNORED,
  PROP_PROBE,
  PROP_SPREAD,
  PROP_UPDATE_INTERVAL,
  PROP_RESPONDERS,
  N_PROPS
};

enum {
  PROBE_SENT,
  ACK_RECEIVED,
  FAILED,
  FINISHED,
  RESPONDERS_UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_run (ChorusSender *self)
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

  clear_run (self);
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

  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, CHORUS_DEFAULT_GROUP, rw);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, CHORUS_DEFAULT_PORT, rw);
  properties[PROP_TTL] = g_param_spec_uint ("ttl", NULL, NULL, 0, 255, CHORUS_DEFAULT_TTL, rw);
  properties[PROP_LOOPBACK] = g_param_spec_boolean ("loopback", NULL, NULL, TRUE, rw);
  properties[PROP_WAIT] = g_param_spec_double ("wait", NULL, NULL, 0, 86400, 1, rw);
  /* 0: until stopped. */
  properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXINT, 1, rw);
  properties[PROP_INTERVAL] = g_param_spec_double ("interval", NULL, NULL, 0.001, 86400, 1, rw);
  properties[PROP_MESSAGE] = g_param_spec_boxed ("message", NULL, NULL, G_TYPE_BYTES, rw);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, CHORUS_DEFAULT_MESSAGE, rw);
  /**
   * ChorusSender:interface:
   *
   * The network interface probes leave by, such as "eth0"; empty for the
   * one the routing table picks for the group.
   */
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_ACKS] = g_param_spec_object ("acks", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_SENT] = g_param_spec_uint ("n-sent", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_ACKS] = g_param_spec_uint ("n-acks", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_RESPONDERS] =
    g_param_spec_uint ("n-responders", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_DEADLINE] =
    g_param_spec_int64 ("deadline", NULL, NULL, 0, G_MAXINT64, 0, ro);
  /**
   * ChorusSender:capacity:
   *
   * How many acks the acks model keeps, the newest; n-acks counts them all.
   */
  properties[PROP_CAPACITY] =
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
  properties[PROP_N_IGNORED] = g_param_spec_uint ("n-ignored", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * ChorusSender:probe:
   *
   * Send Chorus probes (docs/PROTOCOL.md) that carry the message as their
   * text, instead of the bare message: Chorus receivers then answer with
   * the probe's number, so loss, duplicates and order are exact.
   */
  properties[PROP_PROBE] = g_param_spec_boolean ("probe", NULL, NULL, FALSE, rw);
  /**
   * ChorusSender:spread:
   *
   * Seconds over which Chorus receivers spread their answers to each
   * probe; a probe's answers are awaited spread + wait seconds.
   */
  properties[PROP_SPREAD] = g_param_spec_double ("spread", NULL, NULL, 0, 10, 0, rw);
  /**
   * ChorusSender:update-interval:
   *
   * Milliseconds between updates of the responders' properties and
   * ::responders-updated, however fast answers arrive.
   */
  properties[PROP_UPDATE_INTERVAL] =
    g_param_spec_uint ("update-interval", NULL, NULL, 10, 60000, 250, rw);
  properties[PROP_RESPONDERS] =
    g_param_spec_object ("responders", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChorusSender::probe-sent:
   * @probe: the probe's number, from 1
   */
  signals[PROBE_SENT] =
    g_signal_new ("probe-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * ChorusSender::ack-received:
   * @ack: the answer, already in the acks model
   */
  signals[ACK_RECEIVED] =
    g_signal_new ("ack-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, CHORUS_TYPE_ACK);

  /**
   * ChorusSender::failed:
   * @error: what went wrong after the run started; ::finished follows
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * ChorusSender::finished:
   *
   * The wait after the last probe is over (or the run was stopped).
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * ChorusSender::responders-updated:
   *
   * The responders' statistics moved; emitted at most once per
   * update-interval.
   */
  signals[RESPONDERS_UPDATED] =
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
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TTL]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOPBACK]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAIT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
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
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
}

static void update_responders (ChorusSender *self,
                               gboolean      settle_all);

static void
finish (ChorusSender *self)
{
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  if (!self->running)
    return;

  /* Probes still waiting when a run is stopped count for nothing. */
  update_responders (self, FALSE);

  clear_run (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void schedule_deadline (ChorusSender *self);

/* Sending failed: say so, send no more, and wait for answers to the probes
 * already out as if the last of them had been the last probe. */
static void
fail (ChorusSender *self,
      GError       *error)
{
  guint serial = self->run_serial;

  g_clear_handle_id (&self->probe_id, g_source_remove);
  self->send_failed = TRUE;
  g_signal_emit (self, signals[FAILED], 0, error);

  /* A ::failed handler ended the run. */
  if (!self->running || self->run_serial != serial)
    return;

  if (self->n_sent == 0)
    finish (self);
  else if (self->deadline_id == 0)
    schedule_deadline (self);
}

/* The probe an answer belongs to is the last one sent before it arrived.
 * Replies carry no sequence number (the article's receivers only say
 * "ack"), so an answer that is slower than the interval is counted
 * against the probe after its own. */
static gboolean
is_broadcast (ChorusSender *self,
              const guint8 *address,
              gsize         size)
{
  guint32 value;

  if (size != 4 || self->broadcasts == NULL)
    return FALSE;

  memcpy (&value, address, sizeof value);
  if (value == G_MAXUINT32)
    return TRUE;

  for (guint i = 0; i < self->broadcasts->len; i++)
    if (g_array_index (self->broadcasts, guint32, i) == value)
      return TRUE;

  return FALSE;
}

/* An answer comes from the group's port (receivers answer from the port
 * they listen on), from an address that can send, to this host's own
 * unicast address. Anything else reaching this port is not one. */
static gboolean
can_be_answer (ChorusSender         *self,
               const ChorusDatagram *d)
{
  gsize size;
  guint16 port;
  const guint8 *from = _chorus_datagram_get_source (d, &size, &port);

  if (port != self->run_port || !chorus_reply_address_is_unicast (from, size))
    return FALSE;

  /* Sent to a multicast or broadcast address, not to this host. */
  if (d->destination_size != 0
      && (!chorus_reply_address_is_unicast (d->destination, d->destination_size)
          || is_broadcast (self, d->destination, d->destination_size)))
    return FALSE;

  return TRUE;
}

/* When probe @seq went out, or -1 if it was never sent or is long gone. */
static gint64
send_time_of (ChorusSender *self,
              guint32       seq)
{
  if (seq < self->times_first || seq > self->n_sent)
    return -1;

  return g_array_index (self->send_times, gint64, seq - self->times_first);
}

/* A run that probes until stopped would keep a send time per probe for
 * ever: keep those the statistics can still use (a window's worth before
 * the last settled probe), letting the rest go a window at a time. */
static void
trim_send_times (ChorusSender *self)
{
  guint32 keep_from;

  if (self->n_settled <= 2 * CHORUS_SEQ_WINDOW
      || self->n_settled - 2 * CHORUS_SEQ_WINDOW < self->times_first)
    return;

  keep_from = self->n_settled - CHORUS_SEQ_WINDOW;
  g_array_remove_range (self->send_times, 0, keep_from - self->times_first);
  self->times_first = keep_from;
}

/* A forged flood must not grow the table without end: past the limit,
 * new hosts are counted, not listed. A host answering both ways (a
 * Chorus receiver and a classic one) is two responders. */
static ChorusResponder *
lookup_responder (ChorusSender       *self,
                  GInetSocketAddress *address,
                  gboolean            tagged)
{
  /* With its zone, for a link-local responder. */
  g_autofree char *text = _chorus_socket_address_to_string (address);
  g_autofree char *key = g_strconcat (text, tagged ? "" : " classic", NULL);
  ChorusResponder *responder = g_hash_table_lookup (self->responders, key);
  guint32 sent = self->n_sent;

  if (responder != NULL)
    return responder;

  if (g_hash_table_size (self->responders) >= CHORUS_SENDER_MAX_RESPONDERS)
    {
      if (!g_hash_table_contains (self->responders, key))
        self->n_unlisted++;
      return NULL;
    }

  /* Plain sends count hosts; statistics are for probes. */
  if (!self->run_probe)
    {
      g_hash_table_insert (self->responders, g_steal_pointer (&key), NULL);
      return NULL;
    }

  responder = _chorus_responder_new (text, tagged, g_hash_table_size (self->responders),
                                     self->n_settled,
                                     sent > CHORUS_RESPONDER_HISTORY
                                       ? sent - CHORUS_RESPONDER_HISTORY + 1 : 1);
  g_hash_table_insert (self->responders, g_steal_pointer (&key), responder);
  g_list_store_append (self->responder_list, responder);
  g_object_unref (responder);

  if (tagged)
    self->n_tagged++;

  return responder;
}

static guint
probe_for_arrival (ChorusSender *self,
                   gint64        arrival)
{
  for (guint i = self->send_times->len; i > 0; i--)
    if (g_array_index (self->send_times, gint64, i - 1) <= arrival)
      return self->times_first + i - 1;

  return self->n_sent > 0 ? self->times_first : 0;
}

/* Reads one answer into an ack and the responder's statistics. FALSE if
 * it is no answer to this run. */
static gboolean
take_answer (ChorusSender         *self,
             const ChorusDatagram *d,
             GPtrArray            *fresh)
{
  g_autoptr(GInetSocketAddress) from = NULL;
  g_autoptr(GBytes) payload = NULL;
  ChorusResponder *responder;
  ChorusAnswerVerdict verdict = CHORUS_ANSWER_RECEIVED;
  ChorusAnswer answer = { 0, };
  ChorusAck *ack;
  gboolean tagged = FALSE;
  gboolean estimated = FALSE;
  guint32 seq;
  gint64 rtt;
  int hops;

  if (self->run_probe && chorus_wire_get_kind (d->data, d->size) != CHORUS_WIRE_NONE)
    {
      /* Chorus speaks; it must be about one of our probes, exactly. */
      if (!chorus_answer_parse (d->data, d->size, &answer)
          || answer.session != self->session
          || send_time_of (self, answer.seq) < 0
          || answer.sent_usec != send_time_of (self, answer.seq))
        return FALSE;

      tagged = TRUE;
    }

  if (tagged)
    {
      seq = answer.seq;
      rtt = d->arrival_monotonic - send_time_of (self, seq)
            - answer.hold_usec;
      hops = answer.ttl >= 0 && answer.ttl <= self->run_ttl ? self->run_ttl - answer.ttl : -1;
    }
  else
    {
      /* Classic answers say nothing of their probe: it is the last one
       * sent before they arrived. */
      seq = probe_for_arrival (self, d->arrival_monotonic);
      /* Before the first probe went out, nothing can be an answer. */
      if (seq == 0)
        return FALSE;
      rtt = d->arrival_monotonic - send_time_of (self, seq);
      hops = chorus_hops_estimate (d->ttl);
      estimated = hops >= 0;
    }

  rtt = MAX (rtt, 0);
  from = _chorus_datagram_dup_from (d);
  payload = _chorus_datagram_dup_payload (d);

  responder = lookup_responder (self, from, tagged);
  if (responder != NULL)
    {
      verdict = _chorus_responder_answer (responder, seq, self->n_sent, rtt,
                                          d->arrival_monotonic, self->run_start);
      if (hops >= 0)
        _chorus_responder_set_hops (responder, hops, estimated);
      if (tagged)
        _chorus_responder_set_name (responder, answer.name, answer.name_size);
    }

  ack = chorus_ack_new (from, payload, seq, rtt, d->arrival_usec, d->ttl);
  _chorus_ack_set_answer (ack, tagged, hops, estimated, answer.hold_usec, answer.name,
                          answer.name_size, verdict);
  g_ptr_array_add (fresh, ack);

  if (verdict == CHORUS_ANSWER_RECEIVED)
    {
      self->rtt_min = MIN (self->rtt_min, rtt);
      self->rtt_max = MAX (self->rtt_max, rtt);
      self->rtt_sum += rtt;
      self->rtt_count++;
    }

  return TRUE;
}

static gboolean
on_socket_readable (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  /* A handler may drop the last reference to us. */
  g_autoptr(ChorusSender) hold = g_object_ref (self);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_responders = chorus_sender_get_n_responders (self);
  guint old_ignored = self->n_ignored;
  guint serial = self->run_serial;
  gint64 started = g_get_monotonic_time ();
  gboolean hit_limit;
  guint handled = 0;
  gsize bytes = 0;

  while (handled < MAX_PER_DISPATCH && bytes < CHORUS_DISPATCH_BYTES)
    {
      g_autoptr(GError) error = NULL;
      int n = _chorus_batch_receive (self->batch, self->socket, &error);

      if (n < 0)
        {
          /* A queued ICMP error, for instance: report it, keep listening. */
          g_debug ("Receiving acks: %s", error->message);
          break;
        }

      if (n == 0)
        break;

      handled += n;

      for (int i = 0; i < n; i++)
        {
          const ChorusDatagram *d = _chorus_batch_get (self->batch, i);
          bytes += d->size;

          if (!can_be_answer (self, d))
            {
              self->n_ignored++;
              continue;
            }

          if (!take_answer (self, d, fresh))
            self->n_ignored++;
        }

      /* Short of a full batch, the socket was empty (see the receiver). */
      if (n < BATCH_SLOTS)
        break;
    }

  /* Paced as the receiver's sockets are: behind drawing and input while
   * a flood lasts, on ticks while answers stream in (see chorus-pace.c).
   * Answers carry the kernel's arrival time, so a tick's wait does not
   * lengthen a round trip. */
  hit_limit = handled >= MAX_PER_DISPATCH || bytes >= CHORUS_DISPATCH_BYTES;
  if (self->running && self->run_serial == serial)
    _chorus_reader_schedule (&self->reader, started, handled, hit_limit);

  if (self->n_ignored != old_ignored)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IGNORED]);

  if (fresh->len == 0)
    return G_SOURCE_CONTINUE;

  /* The whole batch goes into the model at once, then is announced; views
   * update once per drain, not once per datagram. */
  chorus_ring_model_append_many (self->acks, fresh->pdata, fresh->len);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACKS]);
  if (chorus_sender_get_n_responders (self) != old_responders)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RESPONDERS]);

  /* A handler may end this run, and start another: these acks are not
   * the new run's. */
  for (guint i = 0; i < fresh->len && self->running && self->run_serial == serial; i++)
    g_signal_emit (self, signals[ACK_RECEIVED], 0, g_ptr_array_index (fresh, i));

  return G_SOURCE_CONTINUE;
}

static gboolean
send_probe (ChorusSender  *self,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (self->run_message, &size);
  gint64 now = g_get_monotonic_time ();
  gssize sent;

  g_array_append_val (self->send_times, now);
  self->n_sent++;
  if (self->n_sent == 1)
    self->run_start = now;

  if (self->run_probe)
    {
      ChorusProbe probe = {
        .session = self->session,
        .seq = self->n_sent,
        .sent_usec = now,
        .ttl = self->run_ttl,
        .spread_ms = (guint32) (self->run_spread * 1000 + 0.5),
        .text = (const guint8 *) data,
        .text_size = size,
      };

      /* The size was checked when the run started. */
      size = chorus_probe_encode (&probe, self->probe_buffer, self->probe_buffer_size);
      data = (const char *) self->probe_buffer;
    }

  sent = g_socket_send_to (self->socket, self->destination, data ? data : "", size,
                           self->cancellable, &local_error);
  if (sent < 0)
    {
      g_autofree char *where = g_socket_connectable_to_string (
        G_SOCKET_CONNECTABLE (self->destination));

      g_array_set_size (self->send_times, self->send_times->len - 1);
      self->n_sent--;
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not send to %s: %s"), where,
                   local_error->message);
      return FALSE;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SENT]);
  g_signal_emit (self, signals[PROBE_SENT], 0, self->n_sent);

  return TRUE;
}

/* A probe's wait is over spread + wait after it went out. */
static gint64
settle_time (ChorusSender *self,
             guint32       seq)
{
  return send_time_of (self, seq)
         + (gint64) ((self->run_spread + self->run_wait) * G_USEC_PER_SEC);
}

static void
settle_until (ChorusSender *self,
              gint64        now,
              gboolean      all)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->responder_list));

  while (self->n_settled < self->n_sent
         && (all || settle_time (self, self->n_settled + 1) <= now))
    {
      self->n_settled++;
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ChorusResponder) responder = g_list_model_get_item (
            G_LIST_MODEL (self->responder_list), i);

          _chorus_responder_settle (responder, self->n_settled);
        }
    }

  trim_send_times (self);
}

/* Brings the responders' statistics up to date and announces them, at
 * most once per update interval whatever the rate of answers. */
static void
update_responders (ChorusSender *self,
                   gboolean      settle_all)
{
  GListModel *list = G_LIST_MODEL (self->responder_list);
  gint64 now = g_get_monotonic_time ();
  gint64 silent_after = (gint64) ((self->run_spread + self->run_wait
                                   + CHORUS_SILENT_INTERVALS * self->run_interval)
                                  * G_USEC_PER_SEC);
  guint n = g_list_model_get_n_items (list);
  gboolean changed = FALSE;

  settle_until (self, now, settle_all);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (list, i);

      if (self->running)
        _chorus_responder_judge_silence (responder, now, silent_after);
      changed |= _chorus_responder_flush (responder);
    }

  if (changed)
    g_signal_emit (self, signals[RESPONDERS_UPDATED], 0);
}

static gboolean
on_tick (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  g_autoptr(ChorusSender) hold = g_object_ref (self);

  update_responders (self, FALSE);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  g_autoptr(ChorusSender) hold = g_object_ref (self);
  guint serial = self->run_serial;

  self->deadline_id = 0;

  /* Whatever the kernel already holds arrived within the wait. */
  if (self->socket != NULL)
    on_socket_readable (self);

  /* An ::ack-received handler ended this run and perhaps started another,
   * which is not ours to finish. */
  if (self->run_serial != serial)
    return G_SOURCE_REMOVE;

  /* Every probe's wait is over now. */
  update_responders (self, TRUE);

  if (self->run_serial == serial)
    finish (self);

  return G_SOURCE_REMOVE;
}

static guint
add_timeout (double       seconds,
             GSourceFunc  func,
             gpointer     data)
{
  g_autoptr(GSource) source = g_timeout_source_new ((guint) (seconds * 1000 + 0.5));
  GMainContext *context = g_main_context_ref_thread_default ();
  guint id;

  g_source_set_callback (source, func, data, NULL);
  id = g_source_attach (source, context);
  g_main_context_unref (context);

  return id;
}

static void
schedule_deadline (ChorusSender *self)
{
  double wait = self->run_wait + self->run_spread;

  self->deadline = g_get_monotonic_time () + (gint64) (wait * G_USEC_PER_SEC);
  self->deadline_id = add_timeout (wait, on_deadline, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEADLINE]);
}

static gboolean
on_probe_timer (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  g_autoptr(ChorusSender) hold = g_object_ref (self);
  GSource *current = g_main_current_source ();
  g_autoptr(GError) error = NULL;

  if (!send_probe (self, &error))
    {
      self->probe_id = 0;
      fail (self, error);
      return G_SOURCE_REMOVE;
    }

  /* A ::probe-sent handler stopped this run: its timers are gone, and
   * probe_id may already belong to the next run. */
  if (g_source_is_destroyed (current))
    return G_SOURCE_REMOVE;

  if (self->run_count == 0 || self->n_sent < self->run_count)
    return G_SOURCE_CONTINUE;

  self->probe_id = 0;
  schedule_deadline (self);

  return G_SOURCE_REMOVE;
}

/*
 * The interface a run sends by way of: the one asked for, else the
 * group's zone ("ff02::1%eth0"), else 0 for the routing table's choice.
 * A group whose scope ends at the link (or the host) has no route to
 * choose: without an interface it is an error, before anything is sent.
 */
static gboolean
pick_interface (ChorusSender  *self,
                ChorusGroup   *group,
                guint         *ifindex,
                GError       **error)
{
  if (!chorus_parse_interface (self->interface, ifindex, error))
    return FALSE;

  if (*ifindex == 0)
    *ifindex = chorus_group_get_ifindex (group);

  return chorus_check_group_interface (group, *ifindex, error);
}

static gboolean
open_socket (ChorusSender  *self,
             ChorusGroup   *group,
             guint          ifindex,
             GError       **error)
{
  ChorusUdpOptions options = CHORUS_UDP_OPTIONS_INIT (chorus_group_get_family (group));
  ChorusUdpGranted granted;

  /* Any port for the answers, which come by unicast: no group anyone on
   * this host joined is ours (own_groups_only, as INIT has it). */
  options.ifindex = ifindex;
  options.multicast_ttl = (int) self->ttl;
  options.loopback = self->loopback;

  self->socket = _chorus_udp_socket_open (&options, &granted, error);
  if (self->socket == NULL)
    return FALSE;

  self->receive_buffer = granted.receive_buffer;

  return TRUE;
}

/* What one datagram of the run will weigh: a probe is the message with
 * its fields around it. */
static gsize
probe_size (ChorusSender *self)
{
  gsize size;
  const guint8 *text = g_bytes_get_data (self->message, &size);
  g_autofree guint8 *buffer = NULL;
  ChorusProbe probe = {
    .session = G_MAXUINT64,
    .seq = G_MAXUINT32,
    .sent_usec = G_MAXINT64,
    .text = text,
    .text_size = size,
  };
  gsize encoded;

  if (!self->probe)
    return size;

  buffer = g_malloc (size + PROBE_OVERHEAD);
  encoded = chorus_probe_encode (&probe, buffer, size + PROBE_OVERHEAD);

  /* Too large to encode at all: larger than any datagram. */
  return encoded > 0 ? encoded : size + PROBE_OVERHEAD;
}

/**
 * chorus_sender_start:
 * @error: a location for a #GError
 *
 * Starts a run: sends the first probe now, the others every interval, and
 * collects answers until the wait after the last probe is over. Acks of
 * the previous run are cleared. Everything happens on the thread-default
 * main context; nothing here blocks.
 *
 * Returns: %TRUE if the first probe went out; otherwise @error says why
 *   (an invalid setting, or the system refused) and nothing was sent
 */
gboolean
chorus_sender_start (ChorusSender  *self,
                     GError       **error)
{
  g_autoptr(ChorusGroup) group = NULL;
  GMainContext *context;
  guint ifindex;
  guint serial;

  g_return_val_if_fail (CHORUS_IS_SENDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already sending"));
      return FALSE;
    }

  group = chorus_group_parse (self->group, error);
  if (group == NULL)
    return FALSE;

  if (!chorus_check_payload_size (group, probe_size (self), error)
      || !pick_interface (self, group, &ifindex, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));

  chorus_ring_model_clear (self->acks);
  self->n_ignored = 0;
  self->n_unlisted = 0;
  self->send_failed = FALSE;
  g_hash_table_remove_all (self->responders);
  g_list_store_remove_all (self->responder_list);
  self->n_settled = 0;
  self->n_tagged = 0;
  g_array_set_size (self->send_times, 0);
  self->times_first = 1;
  self->n_sent = 0;
  self->rtt_min = G_MAXINT64;
  self->rtt_max = self->rtt_sum = 0;
  self->rtt_count = 0;
  self->deadline = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ACKS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RESPONDERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IGNORED]);

  if (!open_socket (self, group, ifindex, error))
    {
      clear_run (self);
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }

  self->cancellable = g_cancellable_new ();
  self->run_message = g_bytes_ref (self->message);
  self->run_count = self->count;
  self->run_wait = self->wait;
  self->run_port = (guint16) self->port;
  self->run_probe = self->probe;
  self->run_spread = self->probe ? self->spread : 0;
  self->run_interval = self->interval;
  self->run_ttl = (guint8) self->ttl;
  self->session = ((guint64) g_random_int () << 32) | g_random_int ();
  self->run_start = 0;
  if (self->run_probe)
    {
      self->probe_buffer_size = g_bytes_get_size (self->message) + PROBE_OVERHEAD;
      self->probe_buffer = g_malloc (self->probe_buffer_size);
    }
  self->broadcasts = _chorus_link_get_broadcasts ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, G_MAXUINT16 + 1);
  /* A link-scope group is only defined together with its link. */
  self->destination = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                    "address", chorus_group_get_address (group),
                                    "port", self->port,
                                    "scope-id", chorus_group_needs_interface (group) ? ifindex : 0,
                                    NULL);

  /* Draining acks outranks drawing: a burst is read into memory first and
   * the views catch up afterwards. */
  context = g_main_context_ref_thread_default ();
  _chorus_reader_start (&self->reader, self->socket, context, self->cancellable, TRUE,
                        on_socket_readable, self);
  g_main_context_unref (context);

  self->running = TRUE;
  serial = ++self->run_serial;

  if (!send_probe (self, error))
    {
      clear_run (self);
      self->running = FALSE;
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }

  /* A ::probe-sent handler stopped the run (and may have started another). */
  if (self->run_serial != serial || !self->running)
    {
      g_object_thaw_notify (G_OBJECT (self));
      return TRUE;
    }

  self->tick_id = add_timeout (self->update_interval / 1000.0, on_tick, self);

  if (self->run_count != 1)
    self->probe_id = add_timeout (self->interval, on_probe_timer, self);
  else
    schedule_deadline (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * chorus_sender_stop:
 *
 * Ends the run now; ::finished is emitted if one was going.
 */
void
chorus_sender_stop (ChorusSender *self)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  finish (self);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPREAD]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATE_INTERVAL]);
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
