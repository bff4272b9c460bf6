/* chorus-querier.h: who the querier of a link is, as its queries tell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure bookkeeping over the queries heard on one interface for one
 * family (IGMP or MLD): no sockets, no clocks (every time is passed in,
 * in microseconds on one monotonic clock). It follows the election of
 * RFC 3376 §6.6.2 and RFC 3810 §7.6.2 as an observer sees it: the lowest
 * address that sent a general query within the Other Querier Present
 * Interval is the querier; a higher one heard meanwhile is a second
 * querier, which should have stopped.
 */

#pragma once

#include <glib.h>

#include "chorus-gmp.h"

G_BEGIN_DECLS

/* The RFCs' defaults, used where the querier does not say (IGMPv2, MLDv1). */
#define CHORUS_QUERIER_DEFAULT_QRV      2
#define CHORUS_QUERIER_DEFAULT_QI_S     125
#define CHORUS_QUERIER_DEFAULT_QRI_MS   10000

typedef enum
{
  CHORUS_QUERIER_NOTHING      = 0,
  CHORUS_QUERIER_ELECTED      = 1 << 0, /* a first querier, or a new one */
  CHORUS_QUERIER_SECOND       = 1 << 1, /* another one queried while the querier was present */
  CHORUS_QUERIER_NEW_VERSION  = 1 << 2, /* the querier now speaks another version */
} ChorusQuerierChange;

typedef struct
{
  int     family;           /* G_SOCKET_FAMILY_IPV4 or _IPV6 */
  gboolean present;         /* a querier was heard */
  guint8  address[16];      /* the querier's */
  guint   version;
  guint   max_resp_ms;
  guint   qrv;              /* as it says; 0 for none */
  guint   qqi_s;            /* as it says; 0 for none */
  gboolean s_flag;
  gint64  last_query_usec;  /* its last general query */
  gint64  interval_usec;    /* between its last two general queries; 0 before */
  guint64 queries;          /* every query heard, from anyone */
  guint64 general_queries;
  /* The last other address that queried while the querier was present. */
  gboolean second_present;
  guint8  second[16];
  gint64  second_usec;
} ChorusQuerier;

void                chorus_querier_init          (ChorusQuerier          *querier,
                                                  int                     family);
/* Takes a query from @source (4 or 16 bytes, by family) heard at
 * @now_usec; returns what changed. Messages that are not queries, or of
 * the other family, change nothing. */
ChorusQuerierChange chorus_querier_take_query    (ChorusQuerier          *querier,
                                                  const guint8           *source,
                                                  const ChorusGmpMessage *query,
                                                  gint64                  now_usec);
/* Robustness variable and query interval in force: the querier's own,
 * else what was observed, else the defaults. */
guint               chorus_querier_get_qrv       (const ChorusQuerier    *querier);
gint64              chorus_querier_get_query_interval_usec (const ChorusQuerier *querier);
/* Group Membership Interval (RFC 3376 §8.4, RFC 3810 §9.4): QRV × QI + QRI.
 * A switch that snoops forgets a membership this long after its last
 * report: 260 s with the defaults. */
gint64              chorus_querier_get_membership_interval_usec (const ChorusQuerier *querier);
/* Other Querier Present Interval (§8.5, §9.5): QRV × QI + QRI / 2. */
gint64              chorus_querier_get_other_present_usec (const ChorusQuerier *querier);
/* When a membership last reported at @reported_usec expires if no query
 * comes to refresh it. */
gint64              chorus_querier_get_expiry_usec (const ChorusQuerier  *querier,
                                                    gint64                reported_usec);
/* Whether the querier is still present at @now_usec: it queried within
 * the Other Querier Present Interval. */
gboolean            chorus_querier_is_present    (const ChorusQuerier    *querier,
                                                  gint64                  now_usec);

/* Orders two addresses of @size bytes as numbers, as the election does. */
int                 chorus_querier_compare_addresses (const guint8       *a,
                                                      const guint8       *b,
                                                      gsize               size);

G_END_DECLS
