/* chorus-sdp.h: what an SDP (RFC 4566) says to watch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure: text in, watch targets out. Read with GStreamer's GstSDPMessage;
 * errors name the line they are about, counted from 1.
 */

#pragma once

#include <glib.h>

#include "chorus-watch-target.h"

G_BEGIN_DECLS

/* Larger SDP files are refused: SAP's are at most a datagram. */
#define CHORUS_SDP_MAX_SIZE (64 * 1024)

typedef struct
{
  char      *name;            /* s=, as written (may be any bytes that are UTF-8) */
  char      *origin;          /* o=, after "o=" */
  char      *origin_address;  /* o='s unicast address */
  char      *session_id;      /* o='s sess-id and sess-version */
  char      *session_version;
  GPtrArray *targets;         /* ChorusWatchTarget, one per m= line, in order */
  char     **dup;             /* a=group:DUP's mids (SMPTE ST 2022-7); NULL */
} ChorusSdp;

ChorusSdp *chorus_sdp_parse (const char *text,
                             gsize       size,
                             GError    **error);
void       chorus_sdp_free  (ChorusSdp  *sdp);
/* The target of @mid, or NULL. */
const ChorusWatchTarget *chorus_sdp_find_mid (const ChorusSdp *sdp,
                                              const char      *mid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusSdp, chorus_sdp_free)

G_END_DECLS
