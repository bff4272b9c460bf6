/* chorus-sap.h: Session Announcement Protocol messages (RFC 2974)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks. A SAP message is a
 * header (version 1, flags, authentication length, message identifier
 * hash, originating source), optional authentication data, an optional
 * payload type ("application/sdp", NUL-terminated) and the payload.
 * docs/PROTOCOL.md, "SAP", says what is checked.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CHORUS_SAP_VERSION       1
/* The well-known port and the global-scope IPv4 group (RFC 2974, 3). */
#define CHORUS_SAP_PORT          9875
#define CHORUS_SAP_GROUP_IPV4    "224.2.127.254"
#define CHORUS_SAP_PAYLOAD_SDP   "application/sdp"
/* RFC 2974, 6: announcements SHOULD NOT be larger than 1 KB. The
 * builder refuses larger ones; the parser reads up to a datagram. */
#define CHORUS_SAP_MAX_ANNOUNCEMENT 1024
#define CHORUS_SAP_MAX_SIZE      65507

typedef enum
{
  CHORUS_SAP_ANNOUNCE = 0,
  CHORUS_SAP_DELETE   = 1,
} ChorusSapMessageType;

typedef struct
{
  guint8               version;
  gboolean             ipv6;              /* the A bit: the origin is 16 bytes */
  gboolean             reserved;          /* the R bit: ignored, as receivers must */
  ChorusSapMessageType type;
  gboolean             encrypted;         /* E: the payload (and its type) cannot be read */
  gboolean             compressed;        /* C: zlib; not inflated here */
  guint8               auth_length;       /* in 32-bit words */
  const guint8        *auth;              /* borrowed; NULL when auth_length is 0 */
  guint16              msg_id_hash;       /* 0 is allowed, though RFC 2974 says SHOULD NOT */
  guint8               origin[16];        /* network order; the first 4 for IPv4 */
  gsize                origin_size;       /* 4 or 16 */
  const char          *payload_type;      /* borrowed, not NUL-terminated; NULL when absent or unreadable */
  gsize                payload_type_size;
  gsize                payload_offset;
  gsize                payload_size;
} ChorusSapHeader;

gboolean chorus_sap_header_parse     (const guint8          *data,
                                      gsize                  size,
                                      ChorusSapHeader       *header,
                                      GError               **error);
/* Neither encrypted nor compressed: the payload type and payload are
 * what they say. */
gboolean chorus_sap_header_is_readable (const ChorusSapHeader *header);
/* Readable, and an SDP: its payload type is application/sdp or absent. */
gboolean chorus_sap_header_is_sdp    (const ChorusSapHeader *header);

typedef struct
{
  ChorusSapMessageType type;
  gboolean             ipv6;
  guint8               origin[16];        /* the first 4 bytes for IPv4 */
  guint16              msg_id_hash;       /* not 0 */
  const char          *payload_type;      /* NULL: application/sdp */
  const guint8        *payload;
  gsize                payload_size;
} ChorusSapMessage;

/* An unauthenticated, unencrypted, uncompressed message, with its
 * payload type always written. */
GBytes  *chorus_sap_message_build    (const ChorusSapMessage *message,
                                      GError                **error);

G_END_DECLS
