/* fuzz-ts.c: the TS packet and PSI parsers, and the TS statistics, on any bytes
 *
 * The input is parsed as a packet and as a PSI section (a PAT and a
 * PMT), then fed to a ChorusTsStats as datagrams: each starts with a
 * byte whose low 3 bits give the number of 188-byte packets (0 for a
 * short tail of up to 255 bytes, whose length is the next byte) and
 * whose high bits step the clock; with the first byte's low bit set,
 * every packet gets its sync byte, so that the fuzzer spends its time
 * on headers and sections rather than on finding 0x47. Whatever the
 * bytes, nothing reads outside them, and the counters add up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "chorus-ts-stats.h"
#include "chorus-ts.h"
#include "fuzz.h"

static void
check_parsers (const guint8 *data,
               gsize         size)
{
  g_autoptr(GError) error = NULL;
  ChorusTsPacket packet;
  ChorusPsiSection section;

  if (chorus_ts_packet_parse (data, size, &packet, &error))
    {
      fuzz_check (size >= CHORUS_TS_PACKET_SIZE && data[0] == CHORUS_TS_SYNC_BYTE);
      fuzz_check (packet.pid < CHORUS_TS_N_PIDS);
      fuzz_check (packet.continuity_counter < 16);
      fuzz_check (packet.payload_offset + packet.payload_size == CHORUS_TS_PACKET_SIZE);
      fuzz_check (packet.has_payload == (packet.payload_size > 0));
      fuzz_check (!packet.has_pcr || packet.pcr < CHORUS_TS_PCR_MODULO + 512 * 300);
    }
  else
    fuzz_check_error (error);
  g_clear_error (&error);

  if (chorus_psi_section_parse (data, size, &section, &error))
    {
      ChorusPat pat;
      ChorusPmt pmt;

      fuzz_check (section.size <= size && section.size <= CHORUS_PSI_MAX_SECTION);
      fuzz_check (section.body == data + 8);
      fuzz_check (section.body_size + 12 == section.size);
      fuzz_check (chorus_crc32_mpeg2 (data, section.size) == 0);

      if (chorus_pat_parse (&section, &pat, &error))
        {
          fuzz_check (pat.n_programs <= CHORUS_TS_MAX_PROGRAMS);
          fuzz_check (pat.n_programs + pat.n_dropped + (pat.network_pid >= 0) <= section.body_size / 4);
          for (guint i = 0; i < pat.n_programs; i++)
            fuzz_check (pat.programs[i].program_number != 0 && pat.programs[i].pmt_pid < CHORUS_TS_N_PIDS);
        }
      else
        fuzz_check_error (error);
      g_clear_error (&error);

      if (chorus_pmt_parse (&section, &pmt, &error))
        {
          fuzz_check (pmt.n_streams <= CHORUS_TS_MAX_STREAMS);
          fuzz_check (5 * (pmt.n_streams + pmt.n_dropped) + 4 <= section.body_size);
        }
      else
        fuzz_check_error (error);
    }
  else
    fuzz_check_error (error);
}

/* Every datagram; the PIDs (all 8192) with @pids, at the end. */
static void
check_stats (const ChorusTsStats *stats,
             guint64              units,
             guint64              tails,
             gboolean             pids)
{
  guint64 packets = 0, cc_errors = 0, missing = 0;
  guint n_pids = 0;

  fuzz_check (stats->ts_packets + stats->sync_errors == units + tails);
  fuzz_check (stats->ts_packets >= stats->malformed + stats->transport_errors);
  fuzz_check (stats->ts_missing <= 15 * stats->cc_errors);
  for (guint pid = 0; pids && pid < CHORUS_TS_N_PIDS; pid++)
    {
      const ChorusTsPidStats *p = chorus_ts_stats_get_pid (stats, pid);

      if (p == NULL)
        {
          fuzz_check (stats->pids[pid].cc_errors == 0 && !stats->pids[pid].pcr);
          continue;
        }
      fuzz_check (p->pid == pid);
      fuzz_check (p->cc_errors <= p->packets);
      fuzz_check (p->missing <= 15 * p->cc_errors);
      if (pid == CHORUS_TS_NULL_PID)
        fuzz_check (p->cc_errors == 0);
      n_pids++;
      packets += p->packets;
      cc_errors += p->cc_errors;
      missing += p->missing;
    }
  if (pids)
    {
      fuzz_check (n_pids == stats->n_pids);
      fuzz_check (packets + stats->malformed == stats->ts_packets);
      fuzz_check (cc_errors == stats->cc_errors);
      fuzz_check (missing == stats->ts_missing);
      fuzz_check (stats->transport_errors <= packets);
    }

  fuzz_check (stats->n_programs <= CHORUS_TS_MAX_PROGRAMS);
  for (guint i = 0; i < stats->n_programs; i++)
    {
      fuzz_check (stats->programs[i].n_streams <= CHORUS_TS_MAX_STREAMS);
      fuzz_check (stats->programs[i].program_number != 0);
      fuzz_check (chorus_ts_stats_find_program (stats, stats->programs[i].program_number) != NULL);
      if (!stats->programs[i].have_pmt)
        fuzz_check (stats->programs[i].n_streams == 0);
    }

  fuzz_check (stats->mdi_df_ms == -1 || (isfinite (stats->mdi_df_ms) && stats->mdi_df_ms >= 0));
  fuzz_check (stats->mdi_df_max_ms >= stats->mdi_df_ms);
  fuzz_check (stats->mdi_mlr >= -1 && stats->mdi_mlr_max >= stats->mdi_mlr);
  fuzz_check (stats->mdi_mlr <= (gint64) stats->ts_missing);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();
  guint8 datagram[7 * CHORUS_TS_PACKET_SIZE];
  gboolean force_sync;
  guint64 units = 0, tails = 0;
  gint64 now = G_USEC_PER_SEC;
  gsize i = 1;

  check_parsers (data, size);
  if (size == 0)
    return 0;

  force_sync = data[0] & 1;
  if (data[0] & 2)
    chorus_ts_stats_set_media_rate (stats, 1e6 * (data[0] >> 2));

  while (i < size)
    {
      guint8 op = data[i++];
      gsize n = op & 7;
      gsize length;

      now += (op >> 3) * 2000;
      if (n == 0)
        {
          if (i >= size)
            break;
          length = data[i++];
        }
      else
        length = n * CHORUS_TS_PACKET_SIZE;
      length = MIN (length, size - i);

      memcpy (datagram, data + i, length);
      i += length;
      if (force_sync)
        for (gsize offset = 0; offset < length; offset += CHORUS_TS_PACKET_SIZE)
          datagram[offset] = CHORUS_TS_SYNC_BYTE;

      chorus_ts_stats_add_datagram (stats, datagram, length, now);
      units += length / CHORUS_TS_PACKET_SIZE;
      tails += length % CHORUS_TS_PACKET_SIZE != 0;
      check_stats (stats, units, tails, FALSE);
    }

  chorus_ts_stats_tick (stats, now + 2 * G_USEC_PER_SEC);
  check_stats (stats, units, tails, TRUE);
  return 0;
}
