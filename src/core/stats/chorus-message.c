/* chorus-message.c: one datagram a receiver heard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "chorus-sockaddr-private.h"
#include "chorus-message-private.h"
#include "chorus-text.h"

struct _ChorusMessage
{
  GObject parent_instance;

  /* The sender as the kernel gave it; the object only when asked for. */
  union
  {
    struct sockaddr any;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
  } native;
  GInetSocketAddress *from;
  /* A GRefString: the messages of one sender share it. */
  char *address;
  GBytes *payload;
  char *text;
  gint64 arrival_usec;
  int ttl;
  guint64 serial;
  /* The group it was sent to (interned), or NULL when unknown. */
  const char *group;
  /* A Chorus probe: its payload is the probe's text. */
  gboolean probe;
  guint64 session;
  guint32 seq;
};

G_DEFINE_FINAL_TYPE (ChorusMessage, chorus_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_SIZE,
  PROP_TEXT,
  PROP_ARRIVAL,
  PROP_TTL,
  PROP_SERIAL,
  PROP_GROUP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chorus_message_finalize (GObject *object)
{
  ChorusMessage *self = (ChorusMessage *) object;

  g_clear_object (&self->from);
  g_clear_pointer (&self->address, g_ref_string_release);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (chorus_message_parent_class)->finalize (object);
}

static void
chorus_message_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ChorusMessage *self = CHORUS_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, chorus_message_get_address (self));
      break;
    case PROP_PORT:
      g_value_set_uint (value, chorus_message_get_port (self));
      break;
    case PROP_SIZE:
      g_value_set_uint (value, chorus_message_get_size (self));
      break;
    case PROP_TEXT:
      g_value_set_string (value, chorus_message_get_text (self));
      break;
    case PROP_ARRIVAL:
      g_value_set_int64 (value, self->arrival_usec);
      break;
    case PROP_TTL:
      g_value_set_int (value, self->ttl);
      break;
    case PROP_SERIAL:
      g_value_set_uint64 (value, self->serial);
      break;
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_message_class_init (ChorusMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chorus_message_finalize;
  object_class->get_property = chorus_message_get_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_uint ("size", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ARRIVAL] =
    g_param_spec_int64 ("arrival", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TTL] =
    g_param_spec_int ("ttl", NULL, NULL, -1, 255, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERIAL] =
    g_param_spec_uint64 ("serial", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GROUP] =
    g_param_spec_string ("group", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_message_init (ChorusMessage *self)
{
}

/**
 * chorus_message_new:
 * @from: the sender
 * @payload: the datagram's payload, exactly as received
 * @arrival_usec: wall-clock arrival, as g_get_real_time()
 * @ttl: the TTL it arrived with, or -1
 * @serial: its number among what the receiver heard, from 1
 */
ChorusMessage *
chorus_message_new (GInetSocketAddress *from,
                    GBytes             *payload,
                    gint64              arrival_usec,
                    int                 ttl,
                    guint64             serial)
{
  ChorusMessage *self;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (from), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  self = g_object_new (CHORUS_TYPE_MESSAGE, NULL);
  self->from = g_object_ref (from);
  g_socket_address_to_native (G_SOCKET_ADDRESS (from), &self->native, sizeof self->native, NULL);
  self->payload = g_bytes_ref (payload);
  self->arrival_usec = arrival_usec;
  self->ttl = ttl;
  self->serial = serial;

  return self;
}

/*
 * _chorus_message_new_native:
 * @from: the sender, a struct sockaddr_in or sockaddr_in6
 * @payload: (transfer full): what arrived
 *
 * What a receiver makes for each datagram: the address objects are made
 * only if someone asks for them.
 */
ChorusMessage *
_chorus_message_new_native (const struct sockaddr *from,
                            gsize                  from_size,
                            GBytes                *payload,
                            gint64                 arrival_usec,
                            int                    ttl,
                            guint64                serial)
{
  ChorusMessage *self = g_object_new (CHORUS_TYPE_MESSAGE, NULL);

  memcpy (&self->native, from, MIN (from_size, sizeof self->native));
  self->payload = payload;
  self->arrival_usec = arrival_usec;
  self->ttl = ttl;
  self->serial = serial;

  return self;
}

/**
 * chorus_message_get_from:
 *
 * Returns: (transfer none): the sender
 */
GInetSocketAddress *
chorus_message_get_from (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), NULL);

  if (self->from == NULL)
    self->from = G_INET_SOCKET_ADDRESS (
      g_socket_address_new_from_native (&self->native, self->native.any.sa_family == AF_INET6
                                                         ? sizeof self->native.in6
                                                         : sizeof self->native.in));

  return self->from;
}

const char *
chorus_message_get_address (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), NULL);

  /* A link-local sender comes with its zone: "fe80::1%eth0". */
  if (self->address == NULL)
    {
      g_autofree char *text = _chorus_sockaddr_to_string (&self->native.any, sizeof self->native);

      self->address = g_ref_string_new (text);
    }

  return self->address;
}

/* @address: (transfer full): a GRefString, the sender as
 * chorus_message_get_address() would write it */
void
_chorus_message_set_address (ChorusMessage *self,
                             char          *address)
{
  g_clear_pointer (&self->address, g_ref_string_release);
  self->address = address;
}

guint16
chorus_message_get_port (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), 0);

  return g_ntohs (self->native.any.sa_family == AF_INET6 ? self->native.in6.sin6_port
                                                           : self->native.in.sin_port);
}

/**
 * chorus_message_get_payload:
 *
 * Returns: (transfer none): the bytes exactly as received
 */
GBytes *
chorus_message_get_payload (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), NULL);

  return self->payload;
}

gsize
chorus_message_get_size (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), 0);

  return g_bytes_get_size (self->payload);
}

/**
 * chorus_message_get_text:
 *
 * Returns: the payload as one line of plain text, see chorus_text_escape()
 */
const char *
chorus_message_get_text (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), NULL);

  if (self->text == NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->payload, &size);

      self->text = chorus_text_escape (data, size);
    }

  return self->text;
}

gint64
chorus_message_get_arrival (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), 0);

  return self->arrival_usec;
}

int
chorus_message_get_ttl (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), -1);

  return self->ttl;
}

guint64
chorus_message_get_serial (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), 0);

  return self->serial;
}

/* @group: an interned string, see g_intern_string() */
void
_chorus_message_set_group (ChorusMessage *self,
                           const char    *group)
{
  self->group = group;
}

/**
 * chorus_message_get_group:
 *
 * Returns: (nullable): the group the datagram was sent to, as the
 *   receiver was given it (one of its groups), or %NULL if the system did
 *   not say
 */
const char *
chorus_message_get_group (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), NULL);

  return self->group;
}

void
_chorus_message_set_probe (ChorusMessage *self,
                           guint64        session,
                           guint32        seq)
{
  self->probe = TRUE;
  self->session = session;
  self->seq = seq;
}

/**
 * chorus_message_get_probe:
 *
 * Returns: %TRUE if the datagram was a Chorus probe; the payload is then
 *   the text it carried
 */
gboolean
chorus_message_get_probe (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), FALSE);

  return self->probe;
}

guint64
chorus_message_get_session (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), 0);

  return self->session;
}

guint32
chorus_message_get_seq (ChorusMessage *self)
{
  g_return_val_if_fail (CHORUS_IS_MESSAGE (self), 0);

  return self->seq;
}
