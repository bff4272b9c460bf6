/* chorus-packet-info-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CHORUS_PACKET_INFO_TIMESTAMP,
  CHORUS_PACKET_INFO_TTL,
  CHORUS_PACKET_INFO_DESTINATION,
} ChorusPacketInfoKind;

#define CHORUS_TYPE_PACKET_INFO (chorus_packet_info_get_type ())

/* The ancillary data Chorus asks the kernel for: when a datagram arrived
 * (SO_TIMESTAMPNS), with what TTL (IP_RECVTTL) and to which address and
 * interface (IP_PKTINFO). GIO deserializes control messages through
 * subclasses of GSocketControlMessage; this is ours. */
G_DECLARE_FINAL_TYPE (ChorusPacketInfo, chorus_packet_info, CHORUS, PACKET_INFO,
                      GSocketControlMessage)

ChorusPacketInfoKind  chorus_packet_info_get_kind        (ChorusPacketInfo *self);
gint64                chorus_packet_info_get_time        (ChorusPacketInfo *self);
int                   chorus_packet_info_get_ttl         (ChorusPacketInfo *self);
GInetAddress         *chorus_packet_info_get_destination (ChorusPacketInfo *self);
int                   chorus_packet_info_get_ifindex     (ChorusPacketInfo *self);

G_END_DECLS
