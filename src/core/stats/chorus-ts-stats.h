/* chorus-ts-stats.h: an MPEG-2 transport stream as a receiver sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure bookkeeping in a fixed size (about 500 KB, so on the heap): no
 * sockets, no clocks; arrival times are passed in, in µs on one
 * monotonic clock. Counts ETSI TR 101 290's sync (1.2), continuity
 * (1.4), PCR repetition and discontinuity (2.3a, 2.3b), CRC (2.2) and
 * transport (2.1) errors, reads the programs from the PAT and PMTs,
 * and measures RFC 4445's Media Delivery Index. Every PID (8192) has a
 * slot; programs are kept up to CHORUS_TS_MAX_PROGRAMS (64), streams up
 * to CHORUS_TS_MAX_STREAMS (32) a program.
 */

#pragma once

#include <glib.h>

#include "chorus-ts.h"

G_BEGIN_DECLS

/* TR 101 290 2.3a: PCRs of a PID more than 40 ms apart (here by
 * arrival time); 2.3b: PCR values more than 100 ms apart, or going
 * back, without a discontinuity_indicator. */
#define CHORUS_TS_PCR_REPETITION_USEC  40000
#define CHORUS_TS_PCR_DISCONTINUITY    (CHORUS_TS_PCR_HZ / 10)
/* RFC 4445's interval. */
#define CHORUS_TS_MDI_INTERVAL_USEC    G_USEC_PER_SEC

typedef struct
{
  guint16  pid;
  guint64  packets;
  guint64  cc_errors;
  guint64  missing;          /* packets the continuity gaps say were lost */
  gboolean pcr;              /* it carries PCRs */
  /* private */
  gboolean cc_valid;
  gboolean duplicated;       /* the last packet was the one legal repeat */
  guint8   last_cc;
  gboolean have_pcr;
  guint64  last_pcr;
  gint64   last_pcr_usec;
} ChorusTsPidStats;

typedef struct
{
  guint16         program_number;
  guint16         pmt_pid;
  gboolean        have_pmt;
  guint8          pmt_version;
  guint16         pcr_pid;
  guint           n_streams;
  ChorusPmtStream streams[CHORUS_TS_MAX_STREAMS];
} ChorusTsProgram;

typedef struct
{
  guint64          ts_packets;            /* packets with the sync byte */
  guint64          sync_errors;           /* 188-byte units without it, and datagram tails */
  guint64          malformed;             /* synced packets the header parser refused */
  guint64          transport_errors;      /* transport_error_indicator set */
  guint64          cc_errors;
  guint64          ts_missing;
  guint64          pcr_repetition_errors;
  guint64          pcr_discontinuities;
  guint64          crc_errors;            /* PAT and PMT sections */
  guint            n_pids;                /* PIDs seen */
  guint            n_programs;
  guint            programs_dropped;      /* in the PAT, past CHORUS_TS_MAX_PROGRAMS */
  ChorusTsProgram  programs[CHORUS_TS_MAX_PROGRAMS];
  /* RFC 4445, over the last whole interval of 1 s; -1 before the first
   * (or without a drain rate). */
  double           mdi_df_ms;
  double           mdi_df_max_ms;
  gint64           mdi_mlr;               /* TS packets lost in the interval */
  gint64           mdi_mlr_max;
  double           mdi_rate_bps;          /* the drain rate the DF used */
  ChorusTsPidStats pids[CHORUS_TS_N_PIDS];
  /* private */
  int                pat_version;
  double             media_rate_bps;      /* given; 0 measure */
  gboolean           interval_open;
  gint64             interval_start;
  guint64            interval_bytes;
  guint64            interval_missing;
  double             interval_rate;       /* bytes/s, for the VB of this interval */
  double             measured_rate;       /* bytes/s that arrived in the interval before */
  double             vb_min;
  double             vb_max;
  ChorusPsiAssembler pat_assembler;
  ChorusPsiAssembler pmt_assemblers[CHORUS_TS_MAX_PROGRAMS];
} ChorusTsStats;

ChorusTsStats          *chorus_ts_stats_new            (void);
void                    chorus_ts_stats_free           (ChorusTsStats *stats);
/* The stream's rate, when known (the SDP's b=, a configured CBR): the
 * MDI drains its virtual buffer at it. Without it, the drain rate of an
 * interval is the arrival rate of the one before. */
void                    chorus_ts_stats_set_media_rate (ChorusTsStats *stats,
                                                        double         bps);
/* One UDP payload (or an RTP payload): whole packets of 188 bytes. */
void                    chorus_ts_stats_add_datagram   (ChorusTsStats *stats,
                                                        const guint8  *data,
                                                        gsize          size,
                                                        gint64         arrival_usec);
/* Closes the MDI interval when @now_usec is past its end, so that a
 * stream that stops still reports. */
void                    chorus_ts_stats_tick           (ChorusTsStats *stats,
                                                        gint64         now_usec);
/* NULL for a PID never seen. */
const ChorusTsPidStats *chorus_ts_stats_get_pid        (const ChorusTsStats *stats,
                                                        guint                pid);
const ChorusTsProgram  *chorus_ts_stats_find_program   (const ChorusTsStats *stats,
                                                        guint                program_number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusTsStats, chorus_ts_stats_free)

G_END_DECLS
