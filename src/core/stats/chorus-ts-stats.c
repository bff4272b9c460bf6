/* chorus-ts-stats.c: an MPEG-2 transport stream as a receiver sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Continuity (13818-1, 2.4.3.3; TR 101 290 1.4): the counter of a PID
 * goes up by one, modulo 16, on each packet with a payload, and stays
 * on packets without one, which are not checked. A packet may come
 * twice in a row (one duplicate); a third copy, a skip or a step back
 * is one error, after which the counter is taken as it comes. A
 * discontinuity_indicator allows any value. The null PID is not
 * checked. The packets missing in a gap are (new − expected) mod 16: an
 * estimate, which undercounts gaps of 16 or more.
 *
 * The MDI (RFC 4445, 4.1) runs a virtual buffer over each interval:
 * before and after each datagram's TS bytes arrive, VB = bytes arrived
 * − drain rate × time since the interval started; DF = (max VB − min
 * VB) / drain rate. A steady stream's DF is the time of one datagram.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-ts-stats.h"

ChorusTsStats *
chorus_ts_stats_new (void)
{
  ChorusTsStats *stats = g_new0 (ChorusTsStats, 1);

  stats->pat_version = -1;
  stats->mdi_df_ms = -1;
  stats->mdi_df_max_ms = -1;
  stats->mdi_mlr = -1;
  stats->mdi_mlr_max = -1;
  chorus_psi_assembler_init (&stats->pat_assembler);
  for (guint i = 0; i < CHORUS_TS_MAX_PROGRAMS; i++)
    chorus_psi_assembler_init (&stats->pmt_assemblers[i]);
  return stats;
}

void
chorus_ts_stats_free (ChorusTsStats *stats)
{
  g_free (stats);
}

void
chorus_ts_stats_set_media_rate (ChorusTsStats *stats,
                                double         bps)
{
  g_return_if_fail (stats != NULL);
  g_return_if_fail (bps >= 0 && isfinite (bps));

  stats->media_rate_bps = bps;
}

const ChorusTsPidStats *
chorus_ts_stats_get_pid (const ChorusTsStats *stats,
                         guint                pid)
{
  g_return_val_if_fail (stats != NULL, NULL);

  if (pid >= CHORUS_TS_N_PIDS || stats->pids[pid].packets == 0)
    return NULL;
  return &stats->pids[pid];
}

const ChorusTsProgram *
chorus_ts_stats_find_program (const ChorusTsStats *stats,
                              guint                program_number)
{
  g_return_val_if_fail (stats != NULL, NULL);

  for (guint i = 0; i < stats->n_programs; i++)
    if (stats->programs[i].program_number == program_number)
      return &stats->programs[i];
  return NULL;
}

/* A section of a table we read: its CRC first, so that damage is
 * counted as such. */
static gboolean
read_section (ChorusTsStats    *stats,
              const guint8     *data,
              gsize             size,
              guint8            table_id,
              ChorusPsiSection *section)
{
  if (chorus_crc32_mpeg2 (data, size) != 0)
    {
      stats->crc_errors++;
      return FALSE;
    }
  if (!chorus_psi_section_parse (data, size, section, NULL))
    return FALSE;
  return section->table_id == table_id && section->current_next;
}

static void
on_pat (const guint8 *data,
        gsize         size,
        gpointer      user_data)
{
  ChorusTsStats *stats = user_data;
  ChorusPsiSection section;
  ChorusPat pat;

  if (!read_section (stats, data, size, CHORUS_PSI_TABLE_PAT, &section)
      || !chorus_pat_parse (&section, &pat, NULL))
    return;

  /* A new version replaces the programs; sections of one version add up. */
  if (stats->pat_version != pat.version)
    {
      stats->pat_version = pat.version;
      stats->n_programs = 0;
      stats->programs_dropped = 0;
      for (guint i = 0; i < CHORUS_TS_MAX_PROGRAMS; i++)
        chorus_psi_assembler_init (&stats->pmt_assemblers[i]);
    }

  for (guint i = 0; i < pat.n_programs; i++)
    {
      ChorusTsProgram *program = NULL;

      for (guint j = 0; j < stats->n_programs; j++)
        if (stats->programs[j].program_number == pat.programs[i].program_number)
          {
            program = &stats->programs[j];
            if (program->pmt_pid != pat.programs[i].pmt_pid)
              {
                program->pmt_pid = pat.programs[i].pmt_pid;
                program->have_pmt = FALSE;
                program->n_streams = 0;
                chorus_psi_assembler_init (&stats->pmt_assemblers[j]);
              }
          }
      if (program != NULL)
        continue;
      if (stats->n_programs == CHORUS_TS_MAX_PROGRAMS)
        {
          stats->programs_dropped++;
          continue;
        }
      program = &stats->programs[stats->n_programs];
      memset (program, 0, sizeof *program);
      program->program_number = pat.programs[i].program_number;
      program->pmt_pid = pat.programs[i].pmt_pid;
      chorus_psi_assembler_init (&stats->pmt_assemblers[stats->n_programs]);
      stats->n_programs++;
    }
  stats->programs_dropped = MAX (stats->programs_dropped, pat.n_dropped);
}

typedef struct
{
  ChorusTsStats *stats;
  guint16        pid;
} PmtContext;

static void
on_pmt (const guint8 *data,
        gsize         size,
        gpointer      user_data)
{
  PmtContext *context = user_data;
  ChorusTsStats *stats = context->stats;
  ChorusPsiSection section;
  ChorusPmt pmt;

  if (!read_section (stats, data, size, CHORUS_PSI_TABLE_PMT, &section)
      || !chorus_pmt_parse (&section, &pmt, NULL))
    return;

  for (guint i = 0; i < stats->n_programs; i++)
    {
      ChorusTsProgram *program = &stats->programs[i];

      if (program->program_number != pmt.program_number || program->pmt_pid != context->pid)
        continue;
      program->have_pmt = TRUE;
      program->pmt_version = pmt.version;
      program->pcr_pid = pmt.pcr_pid;
      program->n_streams = pmt.n_streams;
      memcpy (program->streams, pmt.streams, sizeof pmt.streams);
    }
}

/* TR 101 290 1.4; returns the packets the break says are missing. */
static guint
check_continuity (ChorusTsStats        *stats,
                  ChorusTsPidStats     *pid,
                  const ChorusTsPacket *packet)
{
  guint8 cc = packet->continuity_counter;
  guint8 expected = (pid->last_cc + 1) & 0x0f;
  guint missing;

  if (packet->pid == CHORUS_TS_NULL_PID || !packet->has_payload)
    return 0;

  if (!pid->cc_valid || packet->discontinuity)
    {
      pid->cc_valid = TRUE;
      pid->duplicated = FALSE;
      pid->last_cc = cc;
      return 0;
    }
  if (cc == expected)
    {
      pid->duplicated = FALSE;
      pid->last_cc = cc;
      return 0;
    }
  if (cc == pid->last_cc && !pid->duplicated)
    {
      pid->duplicated = TRUE;
      return 0;
    }

  /* One error for the break, then take the counter as it comes. A
   * third copy of a packet misses none. */
  missing = cc == pid->last_cc ? 0 : (cc - expected) & 0x0f;
  pid->cc_errors++;
  pid->missing += missing;
  stats->cc_errors++;
  stats->ts_missing += missing;
  pid->duplicated = FALSE;
  pid->last_cc = cc;
  return missing;
}

/* TR 101 290 2.3a and 2.3b. */
static void
check_pcr (ChorusTsStats        *stats,
           ChorusTsPidStats     *pid,
           const ChorusTsPacket *packet,
           gint64                arrival_usec)
{
  if (!packet->has_pcr)
    return;

  pid->pcr = TRUE;
  if (pid->have_pcr)
    {
      guint64 step = (packet->pcr + CHORUS_TS_PCR_MODULO - pid->last_pcr % CHORUS_TS_PCR_MODULO)
                     % CHORUS_TS_PCR_MODULO;

      if (arrival_usec - pid->last_pcr_usec > CHORUS_TS_PCR_REPETITION_USEC)
        stats->pcr_repetition_errors++;
      /* Backwards is a step of nearly the whole modulo. */
      if (!packet->discontinuity && step > CHORUS_TS_PCR_DISCONTINUITY)
        stats->pcr_discontinuities++;
    }
  pid->have_pcr = TRUE;
  pid->last_pcr = packet->pcr;
  pid->last_pcr_usec = arrival_usec;
}

static guint
add_packet (ChorusTsStats *stats,
            const guint8  *data,
            gint64         arrival_usec)
{
  ChorusTsPacket packet;
  ChorusTsPidStats *pid;
  guint missing;

  if (!chorus_ts_packet_parse (data, CHORUS_TS_PACKET_SIZE, &packet, NULL))
    {
      stats->malformed++;
      return 0;
    }

  pid = &stats->pids[packet.pid];
  if (pid->packets == 0)
    {
      pid->pid = packet.pid;
      stats->n_pids++;
    }
  pid->packets++;

  /* The header of a damaged packet cannot be trusted beyond its sync. */
  if (packet.transport_error)
    {
      stats->transport_errors++;
      return 0;
    }

  missing = check_continuity (stats, pid, &packet);
  check_pcr (stats, pid, &packet, arrival_usec);

  if (packet.pid == CHORUS_TS_PAT_PID)
    chorus_psi_assembler_push (&stats->pat_assembler, data, &packet, on_pat, stats);
  for (guint i = 0; i < stats->n_programs; i++)
    if (stats->programs[i].pmt_pid == packet.pid)
      {
        PmtContext context = { stats, packet.pid };

        chorus_psi_assembler_push (&stats->pmt_assemblers[i], data, &packet, on_pmt, &context);
      }

  return missing;
}

static void
close_interval (ChorusTsStats *stats,
                gint64         end_usec)
{
  double length = (double) (end_usec - stats->interval_start) / G_USEC_PER_SEC;

  if (stats->interval_rate > 0 && stats->vb_max >= stats->vb_min)
    {
      stats->mdi_df_ms = (stats->vb_max - stats->vb_min) / stats->interval_rate * 1000.0;
      stats->mdi_df_max_ms = MAX (stats->mdi_df_max_ms, stats->mdi_df_ms);
      stats->mdi_rate_bps = stats->interval_rate * 8;
    }
  stats->mdi_mlr = (gint64) stats->interval_missing;
  stats->mdi_mlr_max = MAX (stats->mdi_mlr_max, stats->mdi_mlr);
  stats->measured_rate = length > 0 ? stats->interval_bytes / length : 0;
  stats->interval_open = FALSE;
}

void
chorus_ts_stats_tick (ChorusTsStats *stats,
                      gint64         now_usec)
{
  g_return_if_fail (stats != NULL);

  if (stats->interval_open && now_usec - stats->interval_start >= CHORUS_TS_MDI_INTERVAL_USEC)
    close_interval (stats, now_usec);
}

static void
add_to_interval (ChorusTsStats *stats,
                 guint64        bytes,
                 guint64        missing,
                 gint64         arrival_usec)
{
  if (!stats->interval_open)
    {
      stats->interval_open = TRUE;
      stats->interval_start = arrival_usec;
      stats->interval_bytes = 0;
      stats->interval_missing = 0;
      stats->interval_rate = stats->media_rate_bps > 0 ? stats->media_rate_bps / 8 : stats->measured_rate;
      stats->vb_min = INFINITY;
      stats->vb_max = -INFINITY;
    }

  if (stats->interval_rate > 0)
    {
      double drained = stats->interval_rate * (double) (arrival_usec - stats->interval_start)
                       / G_USEC_PER_SEC;
      double before = (double) stats->interval_bytes - drained;

      stats->vb_min = MIN (stats->vb_min, before);
      stats->vb_max = MAX (stats->vb_max, before + (double) bytes);
    }
  stats->interval_bytes += bytes;
  stats->interval_missing += missing;
}

/**
 * chorus_ts_stats_add_datagram:
 * @data: (array length=size): TS packets, 188 bytes each
 * @arrival_usec: when the datagram arrived
 *
 * A unit of 188 bytes that does not start with the sync byte is a sync
 * error (TR 101 290 1.2), and so is a tail shorter than a packet.
 */
void
chorus_ts_stats_add_datagram (ChorusTsStats *stats,
                              const guint8  *data,
                              gsize          size,
                              gint64         arrival_usec)
{
  guint64 bytes = 0, missing = 0;
  gsize offset;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (data != NULL || size == 0);

  if (stats->interval_open)
    arrival_usec = MAX (arrival_usec, stats->interval_start);
  chorus_ts_stats_tick (stats, arrival_usec);

  for (offset = 0; size - offset >= CHORUS_TS_PACKET_SIZE; offset += CHORUS_TS_PACKET_SIZE)
    {
      if (data[offset] != CHORUS_TS_SYNC_BYTE)
        {
          stats->sync_errors++;
          continue;
        }
      stats->ts_packets++;
      bytes += CHORUS_TS_PACKET_SIZE;
      missing += add_packet (stats, data + offset, arrival_usec);
    }
  if (offset < size)
    stats->sync_errors++;

  if (bytes > 0)
    add_to_interval (stats, bytes, missing, arrival_usec);
}
