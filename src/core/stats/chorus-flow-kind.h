/* chorus-flow-kind.h: what a UDP flow carries, told from its first datagrams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CHORUS_FLOW_KIND_AUTO,    /* not told yet (or, as a choice: tell it) */
  CHORUS_FLOW_KIND_RTP,
  CHORUS_FLOW_KIND_TS,      /* MPEG-TS straight over UDP */
  CHORUS_FLOW_KIND_RTP_TS,  /* MPEG-TS in RTP (RFC 2250) */
  CHORUS_FLOW_KIND_CHORUS,  /* Chorus probes and answers */
  CHORUS_FLOW_KIND_UDP,     /* anything else */
} ChorusFlowKind;

/* Datagrams in a row that look the same decide a kind; a Chorus
 * datagram decides at once. Past MAX_PACKETS undecided, it is UDP. */
#define CHORUS_FLOW_KIND_PACKETS     3
#define CHORUS_FLOW_KIND_MAX_PACKETS 16

/* "auto", "rtp", "ts", "rtp-ts", "chorus", "udp". */
const char     *chorus_flow_kind_to_string (ChorusFlowKind  kind);
gboolean        chorus_flow_kind_parse     (const char     *text,
                                            ChorusFlowKind *kind,
                                            GError        **error);

/* How one datagram looks, never AUTO; @ssrc and @seq are set for RTP
 * and RTP-TS, and may be NULL. */
ChorusFlowKind  chorus_flow_kind_of_datagram (const guint8   *data,
                                              gsize           size,
                                              guint32        *ssrc,
                                              guint16        *seq);

typedef struct
{
  ChorusFlowKind kind;        /* AUTO until decided, then for good */
  /* private */
  ChorusFlowKind candidate;
  guint32        ssrc;
  guint16        seq;
  guint          streak;
  guint          seen;
} ChorusFlowClassifier;

void            chorus_flow_classifier_init (ChorusFlowClassifier *classifier);
/* Returns the kind, AUTO while undecided. */
ChorusFlowKind  chorus_flow_classifier_add  (ChorusFlowClassifier *classifier,
                                             const guint8         *data,
                                             gsize                 size);

G_END_DECLS
