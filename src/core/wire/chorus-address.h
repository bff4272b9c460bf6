/* chorus-address.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHORUS_DEFAULT_GROUP   "224.3.29.71"
#define CHORUS_DEFAULT_PORT    10000
#define CHORUS_DEFAULT_TTL     1
#define CHORUS_DEFAULT_MESSAGE "very important data"
#define CHORUS_DEFAULT_REPLY   "ack"

/* 65535 minus the 20-byte IPv4 header and the 8-byte UDP header. */
#define CHORUS_MAX_PAYLOAD_IPV4 65507
/* 65535 minus the 8-byte UDP header (the IPv6 header is not counted in
 * the payload length). */
#define CHORUS_MAX_PAYLOAD_IPV6 65527

#define CHORUS_TYPE_GROUP (chorus_group_get_type ())

/**
 * ChorusScope:
 * @CHORUS_SCOPE_INTERFACE_LOCAL: IPv6 scope 1 (ff01::): this interface only
 * @CHORUS_SCOPE_LINK_LOCAL: IPv6 scope 2 (ff02::); IPv4 224.0.0.0/24,
 *   which routers never forward (RFC 5771)
 * @CHORUS_SCOPE_REALM_LOCAL: IPv6 scope 3 (ff03::, RFC 7346)
 * @CHORUS_SCOPE_ADMIN_LOCAL: IPv6 scope 4 (ff04::); no IPv4 counterpart
 * @CHORUS_SCOPE_SITE_LOCAL: IPv6 scope 5 (ff05::); IPv4 239.255.0.0/16,
 *   the IPv4 Local Scope of RFC 2365
 * @CHORUS_SCOPE_ORGANIZATION_LOCAL: IPv6 scope 8 (ff08::); IPv4
 *   239.192.0.0/14 (RFC 2365)
 * @CHORUS_SCOPE_ADMINISTRATIVE: the rest of 239.0.0.0/8: administratively
 *   scoped, with boundaries each network sets (RFC 2365); IPv4 only
 * @CHORUS_SCOPE_GLOBAL: IPv6 scope 14 (ff0e::); every other IPv4 group
 * @CHORUS_SCOPE_RESERVED: IPv6 scopes 0 and 15 (reserved) and the
 *   unassigned ones (6, 7, 9 to 13)
 *
 * How far a group reaches. An IPv6 group says it in its scope field, the
 * low four bits of its second byte; an IPv4 group by the block it is in.
 */
typedef enum
{
  CHORUS_SCOPE_INTERFACE_LOCAL,
  CHORUS_SCOPE_LINK_LOCAL,
  CHORUS_SCOPE_REALM_LOCAL,
  CHORUS_SCOPE_ADMIN_LOCAL,
  CHORUS_SCOPE_SITE_LOCAL,
  CHORUS_SCOPE_ORGANIZATION_LOCAL,
  CHORUS_SCOPE_ADMINISTRATIVE,
  CHORUS_SCOPE_GLOBAL,
  CHORUS_SCOPE_RESERVED,
} ChorusScope;

/**
 * ChorusGroup:
 *
 * A validated multicast group: the group address and, for source-specific
 * multicast, the one source it is joined for. Immutable and reference
 * counted; the family (IPv4 or IPv6) follows from the address, so code that
 * deals in groups never assumes IPv4.
 */
typedef struct _ChorusGroup ChorusGroup;

GType           chorus_group_get_type        (void) G_GNUC_CONST;
ChorusGroup    *chorus_group_parse           (const char   *text,
                                              GError      **error);
GPtrArray      *chorus_group_parse_list      (const char   *text,
                                              guint         max_groups,
                                              GError      **error);
ChorusGroup    *chorus_group_ref             (ChorusGroup  *self);
void            chorus_group_unref           (ChorusGroup  *self);
GInetAddress   *chorus_group_get_address     (ChorusGroup  *self);
GInetAddress   *chorus_group_get_source      (ChorusGroup  *self);
GSocketFamily   chorus_group_get_family      (ChorusGroup  *self);
gsize           chorus_group_get_max_payload (ChorusGroup  *self);
const char     *chorus_group_get_interface   (ChorusGroup  *self);
guint           chorus_group_get_ifindex     (ChorusGroup  *self);
ChorusScope     chorus_group_get_scope       (ChorusGroup  *self);
gboolean        chorus_group_is_source_specific (ChorusGroup *self);
gboolean        chorus_group_needs_interface (ChorusGroup  *self);
gboolean        chorus_check_group_interface (ChorusGroup  *group,
                                              guint         ifindex,
                                              GError      **error);
GInetAddress   *chorus_parse_source          (const char   *text,
                                              GSocketFamily family,
                                              GError      **error);
const char     *chorus_scope_get_nick        (ChorusScope   scope);
char           *chorus_group_to_string       (ChorusGroup  *self);
gboolean        chorus_group_equal           (ChorusGroup  *a,
                                              ChorusGroup  *b);

gboolean        chorus_parse_port            (const char   *text,
                                              guint16      *port,
                                              GError      **error);
gboolean        chorus_parse_ttl             (const char   *text,
                                              guint8       *ttl,
                                              GError      **error);
gboolean        chorus_parse_count           (const char   *text,
                                              guint        *count,
                                              GError      **error);
gboolean        chorus_parse_probe_count     (const char   *text,
                                              guint        *count,
                                              GError      **error);
/* Answers a second to one source, at most. */
#define CHORUS_MAX_REPLY_RATE 1000000
gboolean        chorus_parse_rate            (const char   *text,
                                              guint        *rate,
                                              GError      **error);
gboolean        chorus_parse_seconds         (const char   *text,
                                              const char   *what,
                                              double        minimum,
                                              double       *seconds,
                                              GError      **error);
gboolean        chorus_parse_interface       (const char   *text,
                                              guint        *index,
                                              GError      **error);
gboolean        chorus_check_payload_size    (ChorusGroup  *group,
                                              gsize         size,
                                              GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusGroup, chorus_group_unref)

G_END_DECLS
