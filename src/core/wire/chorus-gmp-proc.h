/* chorus-gmp-proc.h: what /proc tells an unprivileged process about
 * IGMP and MLD on this host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure parsers, text in and values out: the caller reads the files.
 * /proc/net/igmp and /proc/net/igmp6 list this host's own memberships,
 * /proc/net/mcfilter and /proc/net/mcfilter6 their sources,
 * /proc/net/dev_snmp6/IFACE counts the MLD messages an interface got,
 * and /proc/sys/net/ipv{4,6}/conf/IFACE/force_{igmp,mld}_version says
 * which version the interface is held to.
 *
 * What they do not prove: the Querier column of /proc/net/igmp says V3
 * unless an IGMPv1 or v2 query was heard lately, so V3 is what it says
 * on a segment with no querier at all. Only V1 or V2 proves that some
 * querier spoke. No file counts IGMP queries.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *address;
  /* Sockets of this host that include, and that exclude, the source. */
  guint64 include;
  guint64 exclude;
} ChorusGmpProcSource;

typedef struct
{
  int        family;   /* G_SOCKET_FAMILY_IPV4 or _IPV6 */
  char      *group;
  guint      users;
  GPtrArray *sources;  /* ChorusGmpProcSource */
} ChorusGmpProcGroup;

typedef struct
{
  guint      ifindex;
  char      *name;
  /* The Querier column of /proc/net/igmp: 1, 2 or 3 (see above), 0 when
   * the interface is not listed there. */
  guint      igmp_querier_version;
  GPtrArray *groups;   /* ChorusGmpProcGroup, in the order listed */
} ChorusGmpProcLink;

typedef struct
{
  GPtrArray *links;    /* ChorusGmpProcLink, in the order first listed */
} ChorusGmpProc;

ChorusGmpProc     *chorus_gmp_proc_new            (void);
void               chorus_gmp_proc_free           (ChorusGmpProc  *proc);
/* Each adds what one file lists. A line that does not parse is an error
 * naming it; the lines before it stand. */
gboolean           chorus_gmp_proc_add_igmp       (ChorusGmpProc  *proc,
                                                   const char     *text,
                                                   GError        **error);
gboolean           chorus_gmp_proc_add_igmp6      (ChorusGmpProc  *proc,
                                                   const char     *text,
                                                   GError        **error);
gboolean           chorus_gmp_proc_add_mcfilter   (ChorusGmpProc  *proc,
                                                   const char     *text,
                                                   GError        **error);
gboolean           chorus_gmp_proc_add_mcfilter6  (ChorusGmpProc  *proc,
                                                   const char     *text,
                                                   GError        **error);
ChorusGmpProcLink *chorus_gmp_proc_lookup         (ChorusGmpProc  *proc,
                                                   guint           ifindex);

/* The counter called @name in a /proc/net/dev_snmp6/IFACE file (such as
 * "Icmp6InGroupMembQueries"); FALSE when it is not there. */
gboolean           chorus_gmp_proc_parse_snmp6    (const char     *text,
                                                   const char     *name,
                                                   guint64        *value);
/* force_igmp_version or force_mld_version: 0 (none forced) to 3; -1
 * for text that is no such number. */
int                chorus_gmp_proc_parse_force_version (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusGmpProc, chorus_gmp_proc_free)

G_END_DECLS
