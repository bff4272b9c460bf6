/* chorus-rtp.h: the RTP fixed header (RFC 3550, section 5.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks. docs/PROTOCOL.md,
 * "RTP", says what is checked and why.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CHORUS_RTP_VERSION      2
/* The fixed header, without CSRCs or an extension. */
#define CHORUS_RTP_HEADER_SIZE  12
#define CHORUS_RTP_MAX_CSRC     15
/* RFC 3551's static payload type of MPEG-2 transport streams. */
#define CHORUS_RTP_PT_MP2T      33

typedef struct
{
  guint8   version;
  gboolean padding;
  gboolean extension;
  guint8   csrc_count;
  gboolean marker;
  guint8   payload_type;
  guint16  seq;
  guint32  timestamp;
  guint32  ssrc;
  guint32  csrc[CHORUS_RTP_MAX_CSRC];
  guint16  extension_profile;   /* "defined by profile", when extension */
  gsize    extension_size;      /* bytes of extension data after its 4-byte header */
  gsize    padding_size;        /* bytes of padding at the end, the count byte included */
  gsize    payload_offset;      /* from the start of the datagram */
  gsize    payload_size;
} ChorusRtpHeader;

gboolean    chorus_rtp_header_parse            (const guint8    *data,
                                                gsize            size,
                                                ChorusRtpHeader *header,
                                                GError         **error);

/* RFC 3551, tables 4 and 5: the clock rate of a static payload type in
 * Hz, or 0 for a dynamic, reserved or unassigned one. */
guint32     chorus_rtp_payload_type_clock_rate (guint            payload_type);
/* Its encoding name ("PCMU", "MP2T", …), or NULL. */
const char *chorus_rtp_payload_type_name       (guint            payload_type);

G_END_DECLS
