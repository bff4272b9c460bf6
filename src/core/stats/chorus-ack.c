/* chorus-ack.c: one answer to a probe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-ack-private.h"
#include "chorus-sockaddr-private.h"
#include "chorus-text.h"

struct _ChorusAck
{
  GObject parent_instance;

  GInetSocketAddress *from;
  char *address;
  GBytes *payload;
  char *text;
  guint probe;
  gint64 rtt_usec;
  gint64 arrival_usec;
  int ttl;

  /* Chorus answers only, but for the estimate of hops. */
  gboolean tagged;
  int hops;
  gboolean hops_estimated;
  gint64 hold_usec;
  char *name;
  ChorusAnswerVerdict verdict;
};

G_DEFINE_FINAL_TYPE (ChorusAck, chorus_ack, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_TEXT,
  PROP_PROBE,
  PROP_RTT_MS,
  PROP_ARRIVAL,
  PROP_TTL,
  PROP_TAGGED,
  PROP_HOPS,
  PROP_HOLD_MS,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chorus_ack_finalize (GObject *object)
{
  ChorusAck *self = (ChorusAck *) object;

  g_clear_object (&self->from);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (chorus_ack_parent_class)->finalize (object);
}

static void
chorus_ack_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ChorusAck *self = CHORUS_ACK (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, chorus_ack_get_address (self));
      break;
    case PROP_PORT:
      g_value_set_uint (value, chorus_ack_get_port (self));
      break;
    case PROP_TEXT:
      g_value_set_string (value, chorus_ack_get_text (self));
      break;
    case PROP_PROBE:
      g_value_set_uint (value, self->probe);
      break;
    case PROP_RTT_MS:
      g_value_set_double (value, chorus_ack_get_rtt_ms (self));
      break;
    case PROP_ARRIVAL:
      g_value_set_int64 (value, self->arrival_usec);
      break;
    case PROP_TTL:
      g_value_set_int (value, self->ttl);
      break;
    case PROP_TAGGED:
      g_value_set_boolean (value, self->tagged);
      break;
    case PROP_HOPS:
      g_value_set_int (value, self->hops);
      break;
    case PROP_HOLD_MS:
      g_value_set_double (value, self->hold_usec / 1000.0);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_ack_class_init (ChorusAckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chorus_ack_finalize;
  object_class->get_property = chorus_ack_get_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBE] =
    g_param_spec_uint ("probe", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RTT_MS] =
    g_param_spec_double ("rtt-ms", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ARRIVAL] =
    g_param_spec_int64 ("arrival", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TTL] =
    g_param_spec_int ("ttl", NULL, NULL, -1, 255, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TAGGED] =
    g_param_spec_boolean ("tagged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOPS] =
    g_param_spec_int ("hops", NULL, NULL, -1, 255, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOLD_MS] =
    g_param_spec_double ("hold-ms", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_ack_init (ChorusAck *self)
{
  self->hops = -1;
}

/**
 * chorus_ack_new:
 * @from: who answered
 * @payload: what it answered
 * @probe: the number of the probe it answers, from 1
 * @rtt_usec: microseconds from that probe's send to the answer's arrival
 * @arrival_usec: wall-clock arrival, as g_get_real_time()
 * @ttl: the TTL the answer arrived with, or -1
 */
ChorusAck *
chorus_ack_new (GInetSocketAddress *from,
                GBytes             *payload,
                guint               probe,
                gint64              rtt_usec,
                gint64              arrival_usec,
                int                 ttl)
{
  ChorusAck *self;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (from), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  self = g_object_new (CHORUS_TYPE_ACK, NULL);
  self->from = g_object_ref (from);
  self->payload = g_bytes_ref (payload);
  self->probe = probe;
  self->rtt_usec = MAX (rtt_usec, 0);
  self->arrival_usec = arrival_usec;
  self->ttl = ttl;

  return self;
}

/**
 * chorus_ack_get_from:
 *
 * Returns: (transfer none): who answered
 */
GInetSocketAddress *
chorus_ack_get_from (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), NULL);

  return self->from;
}

/**
 * chorus_ack_get_address:
 *
 * Returns: the responder's IP address as text, with its zone if it is
 *   a link-local IPv6 address ("fe80::1%eth0")
 */
const char *
chorus_ack_get_address (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), NULL);

  if (self->address == NULL)
    self->address = _chorus_socket_address_to_string (self->from);

  return self->address;
}

guint16
chorus_ack_get_port (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), 0);

  return g_inet_socket_address_get_port (self->from);
}

/**
 * chorus_ack_get_payload:
 *
 * Returns: (transfer none): the bytes of the answer, exactly as received
 */
GBytes *
chorus_ack_get_payload (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), NULL);

  return self->payload;
}

/**
 * chorus_ack_get_text:
 *
 * Returns: the answer as one line of plain text, see chorus_text_escape()
 */
const char *
chorus_ack_get_text (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), NULL);

  /* A Chorus answer is binary; its name is what it says. */
  if (self->text == NULL && self->tagged)
    self->text = g_strdup (self->name != NULL ? self->name : "");

  if (self->text == NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->payload, &size);

      self->text = chorus_text_escape (data, size);
    }

  return self->text;
}

guint
chorus_ack_get_probe (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), 0);

  return self->probe;
}

gint64
chorus_ack_get_rtt_usec (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), 0);

  return self->rtt_usec;
}

double
chorus_ack_get_rtt_ms (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), 0);

  return self->rtt_usec / 1000.0;
}

gint64
chorus_ack_get_arrival (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), 0);

  return self->arrival_usec;
}

int
chorus_ack_get_ttl (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), -1);

  return self->ttl;
}

/*
 * _chorus_ack_set_answer:
 * @tagged: the answer names its probe (a Chorus answer)
 * @hops: hops from the sender to the responder, or -1
 * @hops_estimated: @hops comes from the arrival TTL alone
 * @hold_usec: how long the responder held the answer
 * @name: (nullable): the responder's name, as received
 * @verdict: received, duplicate or late
 */
void
_chorus_ack_set_answer (ChorusAck           *self,
                        gboolean             tagged,
                        int                  hops,
                        gboolean             hops_estimated,
                        gint64               hold_usec,
                        const char          *name,
                        gsize                name_size,
                        ChorusAnswerVerdict  verdict)
{
  self->tagged = !!tagged;
  self->hops = hops;
  self->hops_estimated = !!hops_estimated;
  self->hold_usec = MAX (hold_usec, 0);
  self->verdict = verdict;
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->text, g_free);
  if (name != NULL && name_size > 0)
    self->name = chorus_text_escape ((const guint8 *) name, name_size);
}

gboolean
chorus_ack_get_tagged (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), FALSE);

  return self->tagged;
}

/**
 * chorus_ack_get_hops:
 *
 * Returns: routers between the sender and the responder: exact for a
 *   Chorus answer that carries the probe's arrival TTL, estimated from the
 *   answer's own TTL otherwise (see chorus_ack_get_hops_estimated()), -1
 *   when unknown
 */
int
chorus_ack_get_hops (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), -1);

  return self->hops;
}

gboolean
chorus_ack_get_hops_estimated (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), FALSE);

  return self->hops_estimated;
}

gint64
chorus_ack_get_hold_usec (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), 0);

  return self->hold_usec;
}

/**
 * chorus_ack_get_name:
 *
 * Returns: (nullable): the name a Chorus responder gave, escaped so that it
 *   is safe to show
 */
const char *
chorus_ack_get_name (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), NULL);

  return self->name;
}

ChorusAnswerVerdict
chorus_ack_get_verdict (ChorusAck *self)
{
  g_return_val_if_fail (CHORUS_IS_ACK (self), CHORUS_ANSWER_RECEIVED);

  return self->verdict;
}
