/* chorus-netlink-private.h: the kernel's list of interfaces, read from
 * rtnetlink dumps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading is split from parsing so that the parser can be tested, and
 * fuzzed, on bytes: _chorus_netlink_dump_parse() takes whatever one
 * recv() on a NETLINK_ROUTE socket returned, and never reads outside it.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Room for one request from _chorus_netlink_build_request(). */
#define CHORUS_NETLINK_REQUEST_SIZE 64

/* One interface as the dumps described it. */
typedef struct
{
  guint index;
  /* Valid UTF-8: a name that is not comes escaped. */
  char *name;
  /* IFF_UP, IFF_RUNNING, IFF_MULTICAST, IFF_LOOPBACK… */
  guint flags;
  guint mtu;
  /* "10.77.0.1/16", "fe80::1/64": IPv4 first, then IPv6, in the kernel's
   * order within each. */
  GPtrArray *addresses;
} ChorusLinkInfo;

typedef enum
{
  /* The reply goes on: read and parse the next datagram. */
  CHORUS_NETLINK_MORE,
  /* The request with this sequence number is answered in full. */
  CHORUS_NETLINK_DONE,
  /* The kernel refused it, or sent what we cannot read: see error. */
  CHORUS_NETLINK_FAILED,
} ChorusNetlinkStatus;

typedef struct
{
  /* ChorusLinkInfo, by index once _chorus_netlink_dump_finish() ran. */
  GPtrArray *links;
  GHashTable *by_index;
  /* The kernel's list changed while it was being dumped: ask again. */
  gboolean interrupted;
  /* An errno value once parsing failed. */
  int error;
} ChorusNetlinkDump;

gsize               _chorus_netlink_build_request (guint8             *buffer,
                                                   guint16             type,
                                                   guint32             seq);
ChorusNetlinkDump  *_chorus_netlink_dump_new      (void);
void                _chorus_netlink_dump_free     (ChorusNetlinkDump  *dump);
ChorusNetlinkStatus _chorus_netlink_dump_parse    (ChorusNetlinkDump  *dump,
                                                   guint32             seq,
                                                   const guint8       *data,
                                                   gsize               size);
void                _chorus_netlink_dump_finish   (ChorusNetlinkDump  *dump);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusNetlinkDump, _chorus_netlink_dump_free)

G_END_DECLS
