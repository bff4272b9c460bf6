/* chorus-stats.h: how well one host hears a run of probes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure bookkeeping, O(1) per event: no sockets, no clocks (every time is
 * passed in, in microseconds on one monotonic clock).
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Probes remembered per host for telling duplicates from late and
 * reordered answers; older answers count as late. */
#define CHORUS_SEQ_WINDOW 4096

typedef enum
{
  CHORUS_ANSWER_RECEIVED,   /* the first answer to a probe still waiting */
  CHORUS_ANSWER_DUPLICATE,  /* another answer to a probe already answered */
  CHORUS_ANSWER_LATE,       /* the first answer, after the probe's wait ended */
  CHORUS_ANSWER_INVALID,    /* a sequence number never sent */
} ChorusAnswerVerdict;

/* One responder, seen by the sender. A probe "settles" when its wait is
 * over; loss counts settled probes that were not answered in time. */
typedef struct
{
  guint64 sent;              /* settled probes (all of the run's) */
  guint64 received;          /* settled probes answered in time: received + lost = sent */
  guint64 lost;              /* settled probes not answered in time */
  guint64 sent_since_first;  /* settled probes from first_seq on */
  guint64 lost_since_first;
  guint64 duplicates;
  guint64 reordered;         /* received after an answer to a later probe */
  guint64 late;
  gint64  rtt_min_usec;
  gint64  rtt_max_usec;
  double  rtt_sum;           /* µs */
  double  rtt_sum_squares;   /* µs² */
  guint64 rtt_count;
  double  jitter_usec;       /* RFC 3550 interarrival jitter over round trips */
  gint64  last_rtt_usec;     /* -1 before the first */
  int     hops;              /* -1 unknown */
  gboolean hops_estimated;   /* from the arrival TTL alone */
  guint32 first_seq;         /* 0 before the first answer */
  guint32 highest_seq;
  gint64  join_usec;         /* first answer minus the run's first probe; -1 before */
  gint64  last_heard_usec;   /* arrival of the last answer; 0 before */
  /* private */
  guint32 settled_upto;      /* every seq <= this has settled */
  guint32 window_base;
  guint64 window[CHORUS_SEQ_WINDOW / 64];
} ChorusResponderStats;

void                chorus_responder_stats_init     (ChorusResponderStats *stats,
                                                     guint32               settled_upto);
ChorusAnswerVerdict chorus_responder_stats_answer   (ChorusResponderStats *stats,
                                                     guint32               seq,
                                                     guint32               highest_sent,
                                                     gint64                rtt_usec,
                                                     gint64                arrival_usec,
                                                     gint64                run_start_usec);
void                chorus_responder_stats_settle   (ChorusResponderStats *stats,
                                                     guint32               seq);
void                chorus_responder_stats_set_hops (ChorusResponderStats *stats,
                                                     int                   hops,
                                                     gboolean              estimated);
double              chorus_responder_stats_get_loss (const ChorusResponderStats *stats);
double              chorus_responder_stats_get_loss_since_first (const ChorusResponderStats *stats);
gint64              chorus_responder_stats_get_rtt_avg  (const ChorusResponderStats *stats);
gint64              chorus_responder_stats_get_rtt_mdev (const ChorusResponderStats *stats);

/* Whether a host (or a ping's path) answers now, judged by its last few
 * probes rather than the run's totals: a path that answered for minutes
 * and then stopped is not reaching anyone, whatever its share. */
typedef enum
{
  CHORUS_REACH_WAITING,  /* no probe has settled yet */
  CHORUS_REACH_NOW,      /* it answered within the limit */
  CHORUS_REACH_STOPPED,  /* it answered before, and nothing for longer than the limit */
  CHORUS_REACH_NEVER,    /* probes settled, none answered */
} ChorusReach;

/* Answers that stop for @limit_usec make a host silent: the services use
 * the probe's wait (and spread) plus SILENT_INTERVALS intervals. */
#define CHORUS_SILENT_INTERVALS 3

ChorusReach         chorus_responder_stats_get_reach (const ChorusResponderStats *stats,
                                                      gint64                      now_usec,
                                                      gint64                      limit_usec);
/* "waiting", "now", "stopped" or "never", for JSON. */
const char         *chorus_reach_to_string          (ChorusReach           reach);

/* One sender, seen by a receiver: a one-way monitor of its probes. */
typedef struct
{
  guint64 received;          /* unique probes */
  guint64 lost;              /* gaps in the sequence not (yet) filled */
  guint64 duplicates;
  guint64 reordered;         /* arrived after a later probe; fills a gap */
  int     ttl;               /* of the last probe, -1 unknown */
  guint32 first_seq;
  guint32 highest_seq;
  gint64  first_usec;        /* arrival of the first probe */
  gint64  last_usec;         /* arrival of the last */
  /* private */
  guint32 window_base;
  guint64 window[CHORUS_SEQ_WINDOW / 64];
} ChorusSenderStats;

void                chorus_sender_stats_init        (ChorusSenderStats    *stats);
ChorusAnswerVerdict chorus_sender_stats_probe       (ChorusSenderStats    *stats,
                                                     guint32               seq,
                                                     int                   ttl,
                                                     gint64                arrival_usec);
double              chorus_sender_stats_get_rate    (const ChorusSenderStats *stats);

const char         *chorus_answer_verdict_to_string (ChorusAnswerVerdict verdict);

/* ssmping's estimate: the smallest usual initial TTL (64, 128, 255) at or
 * above @ttl, minus @ttl; -1 for an unknown TTL. */
int                 chorus_hops_estimate            (int                   ttl);

G_END_DECLS
