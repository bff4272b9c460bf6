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
ChorusGroup    *chorus_group_ref             (ChorusGroup  *self);
void            chorus_group_unref           (ChorusGroup  *self);
GInetAddress   *chorus_group_get_address     (ChorusGroup  *self);
GInetAddress   *chorus_group_get_source      (ChorusGroup  *self);
GSocketFamily   chorus_group_get_family      (ChorusGroup  *self);
gsize           chorus_group_get_max_payload (ChorusGroup  *self);
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
