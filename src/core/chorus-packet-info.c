/* chorus-packet-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "chorus-packet-info-private.h"

struct _ChorusPacketInfo
{
  GSocketControlMessage parent_instance;

  ChorusPacketInfoKind kind;
  gint64 time_usec;
  int ttl;
  GInetAddress *destination;
  int ifindex;
};

G_DEFINE_FINAL_TYPE (ChorusPacketInfo, chorus_packet_info, G_TYPE_SOCKET_CONTROL_MESSAGE)

static GSocketControlMessage *
chorus_packet_info_deserialize (int      level,
                                int      type,
                                gsize    size,
                                gpointer data)
{
  ChorusPacketInfo *self;

  if (level == SOL_SOCKET && type == SO_TIMESTAMPNS && size >= sizeof (struct timespec))
    {
      struct timespec ts;

      memcpy (&ts, data, sizeof ts);
      self = g_object_new (CHORUS_TYPE_PACKET_INFO, NULL);
      self->kind = CHORUS_PACKET_INFO_TIMESTAMP;
      self->time_usec = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
      return G_SOCKET_CONTROL_MESSAGE (self);
    }

  if (level == IPPROTO_IP && type == IP_TTL && size >= sizeof (int))
    {
      int ttl;

      memcpy (&ttl, data, sizeof ttl);
      self = g_object_new (CHORUS_TYPE_PACKET_INFO, NULL);
      self->kind = CHORUS_PACKET_INFO_TTL;
      self->ttl = ttl;
      return G_SOCKET_CONTROL_MESSAGE (self);
    }

  if (level == IPPROTO_IP && type == IP_PKTINFO && size >= sizeof (struct in_pktinfo))
    {
      struct in_pktinfo info;

      memcpy (&info, data, sizeof info);
      self = g_object_new (CHORUS_TYPE_PACKET_INFO, NULL);
      self->kind = CHORUS_PACKET_INFO_DESTINATION;
      self->destination = g_inet_address_new_from_bytes ((const guint8 *) &info.ipi_addr,
                                                         G_SOCKET_FAMILY_IPV4);
      self->ifindex = info.ipi_ifindex;
      return G_SOCKET_CONTROL_MESSAGE (self);
    }

  return NULL;
}

/* Only ever received, never sent: these describe an empty message. */
static gsize
chorus_packet_info_get_size (GSocketControlMessage *message)
{
  return 0;
}

static int
chorus_packet_info_get_level (GSocketControlMessage *message)
{
  return SOL_SOCKET;
}

static int
chorus_packet_info_get_msg_type (GSocketControlMessage *message)
{
  return SO_TIMESTAMPNS;
}

static void
chorus_packet_info_serialize (GSocketControlMessage *message,
                              gpointer               data)
{
}

static void
chorus_packet_info_finalize (GObject *object)
{
  ChorusPacketInfo *self = (ChorusPacketInfo *) object;

  g_clear_object (&self->destination);

  G_OBJECT_CLASS (chorus_packet_info_parent_class)->finalize (object);
}

static void
chorus_packet_info_class_init (ChorusPacketInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GSocketControlMessageClass *message_class = G_SOCKET_CONTROL_MESSAGE_CLASS (klass);

  object_class->finalize = chorus_packet_info_finalize;

  message_class->get_size = chorus_packet_info_get_size;
  message_class->get_level = chorus_packet_info_get_level;
  message_class->get_type = chorus_packet_info_get_msg_type;
  message_class->serialize = chorus_packet_info_serialize;
  message_class->deserialize = chorus_packet_info_deserialize;
}

static void
chorus_packet_info_init (ChorusPacketInfo *self)
{
  self->ttl = -1;
}

ChorusPacketInfoKind
chorus_packet_info_get_kind (ChorusPacketInfo *self)
{
  return self->kind;
}

gint64
chorus_packet_info_get_time (ChorusPacketInfo *self)
{
  return self->time_usec;
}

int
chorus_packet_info_get_ttl (ChorusPacketInfo *self)
{
  return self->ttl;
}

GInetAddress *
chorus_packet_info_get_destination (ChorusPacketInfo *self)
{
  return self->destination;
}

int
chorus_packet_info_get_ifindex (ChorusPacketInfo *self)
{
  return self->ifindex;
}
