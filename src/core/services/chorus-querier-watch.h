/* chorus-querier-watch.h: listens to IGMP and MLD on this host's links:
 * who the querier is, who reports what, what will expire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-querier.h"

G_BEGIN_DECLS

/* Sources of one group record listed in a "report" at most; the others
 * are counted (a v3 report may name thousands). */
#define CHORUS_QUERIER_WATCH_MAX_LISTED_SOURCES 64
/* Interfaces watched at most, each for IPv4 and IPv6. */
#define CHORUS_QUERIER_WATCH_MAX_INTERFACES 256
/* No query heard for this long on a link, and the "no-querier" warning
 * comes (the default query interval and query response interval,
 * 125 s + 10 s: a querier with the defaults has asked by then). A run
 * that ends sooner warns at its end for the links that heard none. */
#define CHORUS_QUERIER_WATCH_SILENCE_USEC                                                    \
  ((gint64) CHORUS_QUERIER_DEFAULT_QI_S * G_USEC_PER_SEC                                     \
   + (gint64) CHORUS_QUERIER_DEFAULT_QRI_MS * 1000)

typedef enum
{
  /* No query heard on a link for CHORUS_QUERIER_WATCH_SILENCE_USEC (or
   * the whole run, if shorter), or the querier went silent. */
  CHORUS_QUERIER_WARNING_NO_QUERIER,
  /* Another address became the querier. */
  CHORUS_QUERIER_WARNING_QUERIER_CHANGED,
  /* The querier speaks IGMPv1/v2 or MLDv1, which source-specific joins
   * need more than; or it changed version. */
  CHORUS_QUERIER_WARNING_VERSION_MISMATCH,
  /* A second address queried while the querier was present. */
  CHORUS_QUERIER_WARNING_TWO_QUERIERS,
} ChorusQuerierWarning;

/* "no-querier", "querier-changed", "version-mismatch", "two-queriers". */
const char *chorus_querier_warning_to_string (ChorusQuerierWarning warning);

/* One interface and one family as watched. Read-only; valid while the
 * watch lives. */
typedef struct
{
  const char   *interface;
  guint         ifindex;
  int           family;            /* G_SOCKET_FAMILY_IPV4 or _IPV6 */
  ChorusQuerier querier;           /* the election, as heard */
  guint64       reports;           /* v1/v2 reports (joins) */
  guint64       leaves;            /* v2 leaves, MLDv1 dones */
  guint64       v3_reports;
  guint64       records;           /* group records of v3 reports */
  guint64       sources_unlisted;  /* beyond CHORUS_QUERIER_WATCH_MAX_LISTED_SOURCES */
  guint64       malformed;         /* refused by the codec: truncated, bad checksum… */
  guint64       ignored;           /* not group management (DVMRP, mtrace), or an MLD query
                                    * from no link-local address (RFC 3810 §5.1.14) */
} ChorusQuerierLink;

/* A query as heard; strings borrowed for the signal's emission. */
typedef struct
{
  const char *source;
  const char *group;      /* NULL for a general query */
  guint       version;
  guint       max_resp_ms;
  guint       qrv;
  guint       qqi_s;
  gboolean    s_flag;
  guint       n_sources;  /* of a group-and-source-specific query */
  gboolean    from_querier;
} ChorusQuerierQuery;

/* One report: a v1/v2 join or leave, or one record of a v3 report. */
typedef struct
{
  const char         *host;
  const char         *group;
  guint               version;
  /* "join", "leave", or chorus_gmp_record_type_to_string()'s. */
  const char         *kind;
  /* Whether the host listens to the group after it (as a join says). */
  gboolean            joins;
  /* At most CHORUS_QUERIER_WATCH_MAX_LISTED_SOURCES, NULL-terminated. */
  const char * const *sources;
  guint               n_sources;  /* in the record, listed or not */
} ChorusQuerierReport;

#define CHORUS_TYPE_QUERIER_WATCH (chorus_querier_watch_get_type ())

G_DECLARE_FINAL_TYPE (ChorusQuerierWatch, chorus_querier_watch, CHORUS, QUERIER_WATCH, GObject)

ChorusQuerierWatch      *chorus_querier_watch_new           (void);
/* NULL (the default) for every interface that is up and carries
 * multicast, loopback, bridge ports and bond slaves aside. */
const char              *chorus_querier_watch_get_interface (ChorusQuerierWatch  *self);
void                     chorus_querier_watch_set_interface (ChorusQuerierWatch  *self,
                                                             const char          *interface);
/* G_SOCKET_FAMILY_INVALID (the default) for IGMP and MLD. */
GSocketFamily            chorus_querier_watch_get_family    (ChorusQuerierWatch  *self);
void                     chorus_querier_watch_set_family    (ChorusQuerierWatch  *self,
                                                             GSocketFamily        family);

/* Opens the raw sockets and joins what reports and leaves are sent to,
 * on the thread-default main context. Needs CAP_NET_RAW: without it,
 * G_IO_ERROR_PERMISSION_DENIED. An unknown interface is
 * CHORUS_ERROR_INVALID_VALUE. */
gboolean                 chorus_querier_watch_start         (ChorusQuerierWatch  *self,
                                                             GError             **error);
/* Closes the sockets, warns "no-querier" for the links that heard no
 * query, then emits "finished". The links and counts stay. */
void                     chorus_querier_watch_stop          (ChorusQuerierWatch  *self);
gboolean                 chorus_querier_watch_get_running   (ChorusQuerierWatch  *self);

/* The links watched, interfaces in index order, IPv4 before IPv6. */
guint                    chorus_querier_watch_get_n_links   (ChorusQuerierWatch  *self);
const ChorusQuerierLink *chorus_querier_watch_get_link      (ChorusQuerierWatch  *self,
                                                             guint                index);
/* When the watch started, on the monotonic clock. */
gint64                   chorus_querier_watch_get_started_usec (ChorusQuerierWatch *self);
/* Whether the link heard a query while watched. */
gboolean                 chorus_querier_link_heard_querier  (const ChorusQuerierLink *link);
/* The protocol's name: "IGMP" or "MLD". */
const char              *chorus_querier_link_get_protocol   (const ChorusQuerierLink *link);
/* Text of an address of the link's family (4 or 16 bytes). */
char                    *chorus_querier_link_address_to_string (const ChorusQuerierLink *link,
                                                                const guint8            *address);

G_END_DECLS
