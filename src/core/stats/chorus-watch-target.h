/* chorus-watch-target.h: one stream to watch: a group, a port, and what
 * is known of what it carries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the command line (GROUP[:PORT]), or from an SDP (chorus-sdp.h).
 * A plain struct, owned by whoever holds it.
 */

#pragma once

#include <glib.h>

#include "chorus-flow-kind.h"

G_BEGIN_DECLS

typedef struct
{
  char           *group;          /* one multicast group, as Chorus writes it */
  guint16         port;
  char           *sources;        /* source-specific: addresses separated by commas; NULL */
  char           *excluded;       /* sources kept out; NULL */
  ChorusFlowKind  kind;           /* what it carries; AUTO: tell from the datagrams */
  int             payload_type;   /* RTP: the first format; -1 unknown */
  guint32         clock_rate;     /* RTP: Hz, from a=rtpmap; 0 unknown */
  char           *encoding;       /* a=rtpmap's encoding, "L24/48000/2"; NULL */
  char           *media;          /* m='s media, "audio"; NULL */
  char           *mid;            /* a=mid; NULL */
  double          rate_bps;       /* b=AS or b=TIAS; 0 unknown */
} ChorusWatchTarget;

ChorusWatchTarget *chorus_watch_target_new  (const char              *group,
                                             guint16                  port);
ChorusWatchTarget *chorus_watch_target_copy (const ChorusWatchTarget *target);
void               chorus_watch_target_free (ChorusWatchTarget       *target);

/* GROUP[:PORT] items separated by commas or white space, each GROUP a
 * group or a range as chorus_group_parse_list() takes them; an IPv6
 * group with a port is written [GROUP]:PORT. Items without a port get
 * @default_port. Returns ChorusWatchTarget, one per group, or NULL. */
GPtrArray         *chorus_watch_target_parse_list (const char *text,
                                                   guint16     default_port,
                                                   guint       max_targets,
                                                   GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusWatchTarget, chorus_watch_target_free)

G_END_DECLS
