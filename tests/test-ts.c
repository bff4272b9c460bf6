/* test-ts.c: TS packets, PSI sections and TR 101 290 counters on byte vectors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-ts-stats.h"
#include "chorus-ts.h"

#define MS 1000
#define T0 ((gint64) 1000 * G_USEC_PER_SEC)
#define PCR_MS (CHORUS_TS_PCR_HZ / 1000)

typedef struct
{
  guint16  pid;
  guint8   cc;
  gboolean pusi;
  gboolean payload;      /* adaptation_field_control bit 0 */
  gboolean adaptation;   /* bit 1 */
  gboolean discontinuity;
  gboolean tei;
  gboolean has_pcr;
  guint64  pcr;          /* 27 MHz */
  const guint8 *data;    /* payload bytes; the rest is 0xFF stuffing */
  gsize    size;
} Spec;

/* Writes one 188-byte packet as @spec says. */
static void
make_packet (guint8     *out,
             const Spec *spec)
{
  gsize offset = 4;

  memset (out, 0xff, CHORUS_TS_PACKET_SIZE);
  out[0] = CHORUS_TS_SYNC_BYTE;
  out[1] = (guint8) ((spec->tei ? 0x80 : 0) | (spec->pusi ? 0x40 : 0) | (spec->pid >> 8));
  out[2] = spec->pid & 0xff;
  out[3] = (guint8) ((spec->adaptation ? 0x20 : 0) | (spec->payload ? 0x10 : 0) | (spec->cc & 0x0f));

  if (spec->adaptation)
    {
      /* Long enough for the PCR; with no payload, the whole packet. */
      gsize length = spec->payload ? (spec->has_pcr ? 7 : 1) : 183;

      out[4] = (guint8) length;
      out[5] = (guint8) ((spec->discontinuity ? 0x80 : 0) | (spec->has_pcr ? 0x10 : 0));
      if (spec->has_pcr)
        {
          guint64 base = spec->pcr / 300;
          guint extension = spec->pcr % 300;

          out[6] = (guint8) (base >> 25);
          out[7] = (guint8) (base >> 17);
          out[8] = (guint8) (base >> 9);
          out[9] = (guint8) (base >> 1);
          out[10] = (guint8) ((base & 1) << 7 | 0x7e | extension >> 8);
          out[11] = extension & 0xff;
        }
      offset = 5 + length;
    }
  if (spec->payload && spec->data != NULL)
    {
      g_assert_cmpuint (spec->size, <=, CHORUS_TS_PACKET_SIZE - offset);
      memcpy (out + offset, spec->data, spec->size);
    }
}

static void
add_spec (ChorusTsStats *stats,
          const Spec    *spec,
          gint64         arrival_usec)
{
  guint8 packet[CHORUS_TS_PACKET_SIZE];

  make_packet (packet, spec);
  chorus_ts_stats_add_datagram (stats, packet, sizeof packet, arrival_usec);
}

/* A payload packet of @pid with counter @cc. */
static void
add_cc (ChorusTsStats *stats,
        guint16        pid,
        guint          cc)
{
  Spec spec = { .pid = pid, .cc = cc & 0x0f, .payload = TRUE };

  add_spec (stats, &spec, T0);
}

/* A long-form section: the 8-byte header, @body, and its CRC_32. */
static gsize
make_section (guint8       *out,
              guint8        table_id,
              guint16       extension,
              guint8        version,
              const guint8 *body,
              gsize         body_size)
{
  gsize length = 5 + body_size + 4;
  guint32 crc;

  out[0] = table_id;
  out[1] = (guint8) (0xb0 | length >> 8);
  out[2] = length & 0xff;
  out[3] = extension >> 8;
  out[4] = extension & 0xff;
  out[5] = (guint8) (0xc1 | (version & 0x1f) << 1);
  out[6] = 0;
  out[7] = 0;
  memcpy (out + 8, body, body_size);
  crc = chorus_crc32_mpeg2 (out, 8 + body_size);
  out[8 + body_size] = crc >> 24;
  out[9 + body_size] = (crc >> 16) & 0xff;
  out[10 + body_size] = (crc >> 8) & 0xff;
  out[11 + body_size] = crc & 0xff;
  return 3 + length;
}

static void
test_packet_parse (void)
{
  g_autoptr(GError) error = NULL;
  guint8 data[CHORUS_TS_PACKET_SIZE];
  ChorusTsPacket packet;
  /* 2^33 − 1 in the base and 299 in the extension: the largest PCR. */
  Spec spec = { .pid = 0x100, .cc = 9, .pusi = TRUE, .payload = TRUE, .adaptation = TRUE,
                .discontinuity = TRUE, .has_pcr = TRUE, .pcr = CHORUS_TS_PCR_MODULO - 1 };

  make_packet (data, &spec);
  g_assert_true (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (packet.pid, ==, 0x100);
  g_assert_cmpuint (packet.continuity_counter, ==, 9);
  g_assert_true (packet.payload_unit_start);
  g_assert_false (packet.transport_error);
  g_assert_cmpuint (packet.adaptation_field_control, ==, 3);
  g_assert_true (packet.has_adaptation);
  g_assert_true (packet.has_payload);
  g_assert_cmpuint (packet.adaptation_length, ==, 7);
  g_assert_true (packet.discontinuity);
  g_assert_true (packet.has_pcr);
  g_assert_false (packet.has_opcr);
  g_assert_cmpuint (packet.pcr, ==, CHORUS_TS_PCR_MODULO - 1);
  g_assert_cmpuint (packet.payload_offset, ==, 12);
  g_assert_cmpuint (packet.payload_size, ==, 176);

  /* By hand: PID 0x1FFF, payload only, counter 0; PCR base 1, ext 2. */
  memset (data, 0xff, sizeof data);
  memcpy (data, "\x47\x1f\xff\x10", 4);
  g_assert_true (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_cmpuint (packet.pid, ==, CHORUS_TS_NULL_PID);
  g_assert_cmpuint (packet.payload_offset, ==, 4);
  g_assert_cmpuint (packet.payload_size, ==, 184);
  g_assert_false (packet.has_adaptation);

  memcpy (data, "\x47\x01\x00\x20\xb7\x10\x00\x00\x00\x00\xfe\x02", 12);
  g_assert_true (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_true (packet.has_pcr);
  g_assert_cmpuint (packet.pcr, ==, 1 * 300 + 2);
  g_assert_false (packet.has_payload);
  g_assert_cmpuint (packet.payload_size, ==, 0);

  /* Refused. */
  g_assert_false (chorus_ts_packet_parse (data, 187, &packet, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  data[0] = 0x48;
  g_assert_false (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_cmpstr (error->message, ==, "The packet starts with 0x48, not the sync byte 0x47");
  g_clear_error (&error);
  data[0] = 0x47;

  data[3] = 0x00;  /* adaptation_field_control 00 */
  g_assert_false (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  data[3] = 0x30;  /* both, and a field of 183 leaves no payload byte */
  data[4] = 183;
  g_assert_false (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  data[3] = 0x20;  /* field alone, 184 */
  data[4] = 184;
  g_assert_false (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_clear_error (&error);

  data[4] = 3;     /* a PCR flagged in 3 bytes */
  data[5] = 0x10;
  g_assert_false (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  data[4] = 0;     /* an empty field is one stuffing byte */
  data[3] = 0x30;
  g_assert_true (chorus_ts_packet_parse (data, sizeof data, &packet, &error));
  g_assert_false (packet.has_pcr);
  g_assert_cmpuint (packet.payload_offset, ==, 5);

  /* Alignment. */
  {
    guint8 two[2 * CHORUS_TS_PACKET_SIZE] = { 0 };

    two[0] = two[CHORUS_TS_PACKET_SIZE] = 0x47;
    g_assert_true (chorus_ts_is_aligned (two, sizeof two));
    g_assert_false (chorus_ts_is_aligned (two, sizeof two - 1));
    g_assert_false (chorus_ts_is_aligned (two, 0));
    two[CHORUS_TS_PACKET_SIZE] = 0x46;
    g_assert_false (chorus_ts_is_aligned (two, sizeof two));
  }
}

static void
test_crc (void)
{
  /* FFmpeg's PAT: program 1 in PMT PID 0x1000, CRC 0x2AB104B2. */
  static const guint8 pat[] = { 0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00,
                                0x00, 0x01, 0xf0, 0x00, 0x2a, 0xb1, 0x04, 0xb2 };

  /* The check value of CRC-32/MPEG-2. */
  g_assert_cmphex (chorus_crc32_mpeg2 ((const guint8 *) "123456789", 9), ==, 0x0376e6e7);
  g_assert_cmphex (chorus_crc32_mpeg2 (pat, 12), ==, 0x2ab104b2);
  g_assert_cmphex (chorus_crc32_mpeg2 (pat, sizeof pat), ==, 0);
  g_assert_cmphex (chorus_crc32_mpeg2 (NULL, 0), ==, 0xffffffff);
}

static void
test_pat_pmt_parse (void)
{
  static const guint8 pat_bytes[] = { 0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00,
                                      0x00, 0x01, 0xf0, 0x00, 0x2a, 0xb1, 0x04, 0xb2 };
  /* Program 0 (the network PID 0x10), programs 1 and 2. */
  static const guint8 pat_body[] = { 0x00, 0x00, 0xe0, 0x10,
                                     0x00, 0x01, 0xe1, 0x00,
                                     0x00, 0x02, 0xe2, 0x00 };
  /* PCR PID 0x101, a 3-byte descriptor in program_info; H.264 on
   * 0x101 with a 2-byte descriptor, AAC (0x0F) on 0x102. */
  static const guint8 pmt_body[] = { 0xe1, 0x01, 0xf0, 0x03, 0x0e, 0x01, 0x00,
                                     0x1b, 0xe1, 0x01, 0xf0, 0x02, 0x52, 0x00,
                                     0x0f, 0xe1, 0x02, 0xf0, 0x00 };
  g_autoptr(GError) error = NULL;
  guint8 section_bytes[CHORUS_PSI_MAX_SECTION];
  ChorusPsiSection section;
  ChorusPat pat;
  ChorusPmt pmt;
  gsize size;

  g_assert_true (chorus_psi_section_parse (pat_bytes, sizeof pat_bytes, &section, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (section.table_id, ==, 0);
  g_assert_cmpuint (section.table_id_extension, ==, 1);
  g_assert_cmpuint (section.version, ==, 0);
  g_assert_true (section.current_next);
  g_assert_cmpuint (section.size, ==, 16);
  g_assert_cmpuint (section.body_size, ==, 4);
  g_assert_true (chorus_pat_parse (&section, &pat, &error));
  g_assert_cmpuint (pat.n_programs, ==, 1);
  g_assert_cmpuint (pat.programs[0].program_number, ==, 1);
  g_assert_cmphex (pat.programs[0].pmt_pid, ==, 0x1000);
  g_assert_cmpint (pat.network_pid, ==, -1);

  size = make_section (section_bytes, 0, 0x4242, 5, pat_body, sizeof pat_body);
  g_assert_true (chorus_psi_section_parse (section_bytes, size, &section, &error));
  g_assert_true (chorus_pat_parse (&section, &pat, &error));
  g_assert_cmpuint (pat.transport_stream_id, ==, 0x4242);
  g_assert_cmpuint (pat.version, ==, 5);
  g_assert_cmpint (pat.network_pid, ==, 0x10);
  g_assert_cmpuint (pat.n_programs, ==, 2);
  g_assert_cmphex (pat.programs[1].pmt_pid, ==, 0x200);
  g_assert_false (chorus_pmt_parse (&section, &pmt, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  /* One bit flipped anywhere: the CRC says so. */
  section_bytes[9] ^= 0x04;
  g_assert_false (chorus_psi_section_parse (section_bytes, size, &section, &error));
  g_assert_cmpstr (error->message, ==, "Table 0x00: the section's CRC_32 is wrong: it was damaged on the way");
  g_clear_error (&error);
  section_bytes[9] ^= 0x04;
  /* Cut short. */
  g_assert_false (chorus_psi_section_parse (section_bytes, size - 1, &section, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  size = make_section (section_bytes, 2, 1, 3, pmt_body, sizeof pmt_body);
  g_assert_true (chorus_psi_section_parse (section_bytes, size, &section, &error));
  g_assert_true (chorus_pmt_parse (&section, &pmt, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pmt.program_number, ==, 1);
  g_assert_cmpuint (pmt.version, ==, 3);
  g_assert_cmphex (pmt.pcr_pid, ==, 0x101);
  g_assert_cmpuint (pmt.n_streams, ==, 2);
  g_assert_cmphex (pmt.streams[0].stream_type, ==, 0x1b);
  g_assert_cmphex (pmt.streams[0].pid, ==, 0x101);
  g_assert_cmphex (pmt.streams[1].stream_type, ==, 0x0f);
  g_assert_cmphex (pmt.streams[1].pid, ==, 0x102);

  /* An ES_info_length past the end. */
  {
    guint8 bad[sizeof pmt_body];

    memcpy (bad, pmt_body, sizeof bad);
    bad[18] = 0x01;
    size = make_section (section_bytes, 2, 1, 3, bad, sizeof bad);
    g_assert_true (chorus_psi_section_parse (section_bytes, size, &section, &error));
    g_assert_false (chorus_pmt_parse (&section, &pmt, &error));
    g_assert_cmpstr (error->message, ==, "Program 1: ES_info_length 1 runs past the end of the PMT");
    g_clear_error (&error);
  }
}

typedef struct
{
  guint  count;
  gsize  sizes[8];
  guint8 first[8];
} Collected;

static void
collect (const guint8 *section,
         gsize         size,
         gpointer      user_data)
{
  Collected *collected = user_data;

  g_assert_cmpuint (chorus_crc32_mpeg2 (section, size), ==, 0);
  collected->sizes[collected->count] = size;
  collected->first[collected->count] = section[4];
  collected->count++;
}

static void
push (ChorusPsiAssembler *assembler,
      const Spec         *spec,
      Collected          *collected)
{
  guint8 data[CHORUS_TS_PACKET_SIZE];
  ChorusTsPacket packet;

  make_packet (data, spec);
  g_assert_true (chorus_ts_packet_parse (data, sizeof data, &packet, NULL));
  chorus_psi_assembler_push (assembler, data, &packet, collect, collected);
}

static void
test_assembler (void)
{
  guint8 body[300];
  guint8 section[CHORUS_PSI_MAX_SECTION];
  guint8 payload[CHORUS_TS_PACKET_SIZE];
  ChorusPsiAssembler assembler;
  Collected collected = { 0 };
  gsize size;

  /* A 312-byte PAT across two packets: 183 bytes after the pointer
   * field, then 129. */
  for (guint i = 0; i < sizeof body; i += 4)
    {
      body[i] = 0;
      body[i + 1] = (guint8) (i / 4 + 1);
      body[i + 2] = 0xe1;
      body[i + 3] = (guint8) i;
    }
  size = make_section (section, 0, 7, 0, body, sizeof body);
  g_assert_cmpuint (size, ==, 312);

  chorus_psi_assembler_init (&assembler);
  payload[0] = 0;
  memcpy (payload + 1, section, 183);
  push (&assembler, &(Spec) { .pid = 0, .cc = 0, .pusi = TRUE, .payload = TRUE,
                              .data = payload, .size = 184 }, &collected);
  g_assert_cmpuint (collected.count, ==, 0);
  push (&assembler, &(Spec) { .pid = 0, .cc = 1, .payload = TRUE,
                              .data = section + 183, .size = size - 183 }, &collected);
  g_assert_cmpuint (collected.count, ==, 1);
  g_assert_cmpuint (collected.sizes[0], ==, 312);

  /* The same with the second packet duplicated: no change. Then with
   * it lost: the next start drops the section in progress. */
  collected.count = 0;
  chorus_psi_assembler_init (&assembler);
  push (&assembler, &(Spec) { .pid = 0, .cc = 0, .pusi = TRUE, .payload = TRUE,
                              .data = payload, .size = 184 }, &collected);
  push (&assembler, &(Spec) { .pid = 0, .cc = 0, .pusi = TRUE, .payload = TRUE,
                              .data = payload, .size = 184 }, &collected);
  push (&assembler, &(Spec) { .pid = 0, .cc = 1, .payload = TRUE,
                              .data = section + 183, .size = size - 183 }, &collected);
  g_assert_cmpuint (collected.count, ==, 1);
  g_assert_cmpuint (assembler.dropped, ==, 0);

  collected.count = 0;
  push (&assembler, &(Spec) { .pid = 0, .cc = 2, .pusi = TRUE, .payload = TRUE,
                              .data = payload, .size = 184 }, &collected);
  push (&assembler, &(Spec) { .pid = 0, .cc = 4, .payload = TRUE,
                              .data = section + 183, .size = size - 183 }, &collected);
  g_assert_cmpuint (collected.count, ==, 0);
  g_assert_cmpuint (assembler.dropped, ==, 1);

  /* The pointer field: the end of the long section, then two short
   * ones in the same packet. */
  {
    static const guint8 one[] = { 0x00, 0x01, 0xe1, 0x00 };
    guint8 b[32];
    gsize b_size = make_section (b, 0, 0x0b, 1, one, sizeof one);
    gsize n = 0;

    collected.count = 0;
    chorus_psi_assembler_init (&assembler);
    payload[0] = 0;
    memcpy (payload + 1, section, 183);
    push (&assembler, &(Spec) { .pid = 0, .cc = 5, .pusi = TRUE, .payload = TRUE,
                                .data = payload, .size = 184 }, &collected);
    g_assert_cmpuint (collected.count, ==, 0);
    payload[n++] = (guint8) (size - 183);
    memcpy (payload + n, section + 183, size - 183);
    n += size - 183;
    memcpy (payload + n, b, b_size);
    n += b_size;
    memcpy (payload + n, b, b_size);
    n += b_size;
    push (&assembler, &(Spec) { .pid = 0, .cc = 6, .pusi = TRUE, .payload = TRUE,
                                .data = payload, .size = n }, &collected);
    g_assert_cmpuint (collected.count, ==, 3);
    g_assert_cmpuint (collected.sizes[0], ==, 312);
    g_assert_cmpuint (collected.first[0], ==, 7);
    g_assert_cmpuint (collected.sizes[1], ==, b_size);
    g_assert_cmpuint (collected.first[1], ==, 0x0b);
    g_assert_cmpuint (collected.sizes[2], ==, b_size);
    g_assert_cmpuint (assembler.dropped, ==, 0);
  }
}

static void
test_cc_none (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();

  for (guint i = 0; i < 100; i++)
    {
      add_cc (stats, 0x100, i);
      add_cc (stats, 0x101, i + 7);
    }
  g_assert_cmpuint (stats->ts_packets, ==, 200);
  g_assert_cmpuint (stats->cc_errors, ==, 0);
  g_assert_cmpuint (stats->ts_missing, ==, 0);
  g_assert_cmpuint (stats->n_pids, ==, 2);
  g_assert_cmpuint (chorus_ts_stats_get_pid (stats, 0x100)->packets, ==, 100);
  g_assert_null (chorus_ts_stats_get_pid (stats, 0x102));
  g_assert_null (chorus_ts_stats_get_pid (stats, 9000));
  g_assert_cmpuint (stats->sync_errors, ==, 0);
}

static void
test_cc_dropped (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();
  const ChorusTsPidStats *pid;

  /* 0 … 9, then 12 (10 and 11 lost), 13, then 15 (14 lost), then a
   * wrap: 0, 1. Two breaks, three packets missing. */
  for (guint i = 0; i < 10; i++)
    add_cc (stats, 0x100, i);
  add_cc (stats, 0x100, 12);
  add_cc (stats, 0x100, 13);
  add_cc (stats, 0x100, 15);
  add_cc (stats, 0x100, 0);
  add_cc (stats, 0x100, 1);

  pid = chorus_ts_stats_get_pid (stats, 0x100);
  g_assert_cmpuint (pid->cc_errors, ==, 2);
  g_assert_cmpuint (pid->missing, ==, 3);
  g_assert_cmpuint (stats->cc_errors, ==, 2);
  g_assert_cmpuint (stats->ts_missing, ==, 3);

  /* Every fourth packet of 64 dropped: 15 breaks (the last drop is at
   * the end), 15 missing. */
  {
    g_autoptr(ChorusTsStats) other = chorus_ts_stats_new ();

    for (guint i = 0; i < 64; i++)
      if (i % 4 != 3)
        add_cc (other, 0x200, i);
    g_assert_cmpuint (other->cc_errors, ==, 15);
    g_assert_cmpuint (other->ts_missing, ==, 15);
  }
}

static void
test_cc_duplicate (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();

  /* One duplicate is legal. */
  add_cc (stats, 0x100, 4);
  add_cc (stats, 0x100, 5);
  add_cc (stats, 0x100, 5);
  add_cc (stats, 0x100, 6);
  g_assert_cmpuint (stats->cc_errors, ==, 0);

  /* A packet three times is not: one error, nothing missing. */
  add_cc (stats, 0x100, 6);
  add_cc (stats, 0x100, 6);
  g_assert_cmpuint (stats->cc_errors, ==, 1);
  g_assert_cmpuint (stats->ts_missing, ==, 0);
  add_cc (stats, 0x100, 7);
  g_assert_cmpuint (stats->cc_errors, ==, 1);

  /* Packets without payload do not advance the counter. */
  add_spec (stats, &(Spec) { .pid = 0x100, .cc = 7, .adaptation = TRUE }, T0);
  add_spec (stats, &(Spec) { .pid = 0x100, .cc = 3, .adaptation = TRUE }, T0);
  add_cc (stats, 0x100, 8);
  g_assert_cmpuint (stats->cc_errors, ==, 1);
}

static void
test_cc_discontinuity (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();

  add_cc (stats, 0x100, 0);
  add_cc (stats, 0x100, 1);
  /* A jump the stream announces. */
  add_spec (stats, &(Spec) { .pid = 0x100, .cc = 9, .payload = TRUE, .adaptation = TRUE,
                             .discontinuity = TRUE }, T0);
  add_cc (stats, 0x100, 10);
  g_assert_cmpuint (stats->cc_errors, ==, 0);
  /* The same jump unannounced. */
  add_cc (stats, 0x100, 3);
  g_assert_cmpuint (stats->cc_errors, ==, 1);
  g_assert_cmpuint (stats->ts_missing, ==, 8);

  /* A damaged packet (transport_error_indicator) is not judged. */
  add_spec (stats, &(Spec) { .pid = 0x100, .cc = 12, .payload = TRUE, .tei = TRUE }, T0);
  add_cc (stats, 0x100, 4);
  g_assert_cmpuint (stats->cc_errors, ==, 1);
  g_assert_cmpuint (stats->transport_errors, ==, 1);
}

static void
test_null_pid (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();

  for (guint i = 0; i < 20; i++)
    add_cc (stats, CHORUS_TS_NULL_PID, i * 7);
  g_assert_cmpuint (stats->cc_errors, ==, 0);
  g_assert_cmpuint (chorus_ts_stats_get_pid (stats, CHORUS_TS_NULL_PID)->packets, ==, 20);
  g_assert_cmpuint (chorus_ts_stats_get_pid (stats, CHORUS_TS_NULL_PID)->cc_errors, ==, 0);
}

static void
add_pcr (ChorusTsStats *stats,
         guint         *cc,
         guint64        pcr,
         gboolean       discontinuity,
         gint64         arrival_usec)
{
  Spec spec = { .pid = 0x101, .cc = (*cc)++ & 0x0f, .payload = TRUE, .adaptation = TRUE,
                .has_pcr = TRUE, .pcr = pcr, .discontinuity = discontinuity };

  add_spec (stats, &spec, arrival_usec);
}

static void
test_pcr (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();
  guint cc = 0;
  guint64 pcr = CHORUS_TS_PCR_MODULO - 100 * PCR_MS;

  /* Every 30 ms, in arrival and in value, across the PCR's wrap. */
  for (guint i = 0; i < 10; i++)
    add_pcr (stats, &cc, (pcr + i * 30 * PCR_MS) % CHORUS_TS_PCR_MODULO, FALSE, T0 + i * 30 * MS);
  g_assert_true (chorus_ts_stats_get_pid (stats, 0x101)->pcr);
  g_assert_cmpuint (stats->pcr_repetition_errors, ==, 0);
  g_assert_cmpuint (stats->pcr_discontinuities, ==, 0);

  /* 40 ms is still in time; 41 ms is not. */
  pcr = (pcr + 9 * 30 * PCR_MS) % CHORUS_TS_PCR_MODULO;
  add_pcr (stats, &cc, pcr += 40 * PCR_MS, FALSE, T0 + 310 * MS);
  g_assert_cmpuint (stats->pcr_repetition_errors, ==, 0);
  add_pcr (stats, &cc, pcr += 41 * PCR_MS, FALSE, T0 + 351 * MS);
  g_assert_cmpuint (stats->pcr_repetition_errors, ==, 1);
  g_assert_cmpuint (stats->pcr_discontinuities, ==, 0);

  /* A jump of 200 ms in value (arriving in time): a discontinuity;
   * then one back by 10 ms; then a jump the stream announces. */
  add_pcr (stats, &cc, pcr += 200 * PCR_MS, FALSE, T0 + 371 * MS);
  g_assert_cmpuint (stats->pcr_discontinuities, ==, 1);
  add_pcr (stats, &cc, pcr -= 10 * PCR_MS, FALSE, T0 + 391 * MS);
  g_assert_cmpuint (stats->pcr_discontinuities, ==, 2);
  add_pcr (stats, &cc, pcr += 5000 * PCR_MS, TRUE, T0 + 411 * MS);
  g_assert_cmpuint (stats->pcr_discontinuities, ==, 2);
  add_pcr (stats, &cc, pcr += 100 * PCR_MS, FALSE, T0 + 431 * MS);
  g_assert_cmpuint (stats->pcr_discontinuities, ==, 2);
  g_assert_cmpuint (stats->pcr_repetition_errors, ==, 1);
  g_assert_cmpuint (stats->cc_errors, ==, 0);
}

/* Puts @section in one packet of @pid, after a pointer field of 0. */
static void
add_section (ChorusTsStats *stats,
             guint16        pid,
             guint          cc,
             const guint8  *section,
             gsize          size)
{
  guint8 payload[CHORUS_TS_PACKET_SIZE];

  payload[0] = 0;
  memcpy (payload + 1, section, size);
  add_spec (stats, &(Spec) { .pid = pid, .cc = cc, .pusi = TRUE, .payload = TRUE,
                             .data = payload, .size = size + 1 }, T0);
}

static void
test_programs (void)
{
  static const guint8 pat_body[] = { 0x00, 0x00, 0xe0, 0x10,
                                     0x00, 0x01, 0xe1, 0x00,
                                     0x00, 0x02, 0xe2, 0x00 };
  static const guint8 pmt1_body[] = { 0xe1, 0x01, 0xf0, 0x00,
                                      0x1b, 0xe1, 0x01, 0xf0, 0x00,
                                      0x0f, 0xe1, 0x02, 0xf0, 0x00 };
  static const guint8 pmt2_body[] = { 0xe2, 0x01, 0xf0, 0x00,
                                      0x02, 0xe2, 0x01, 0xf0, 0x00 };
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();
  guint8 section[CHORUS_PSI_MAX_SECTION];
  const ChorusTsProgram *program;
  gsize size;

  /* A PMT before the PAT is not read: nothing says whose it is. */
  size = make_section (section, 2, 1, 0, pmt1_body, sizeof pmt1_body);
  add_section (stats, 0x100, 0, section, size);
  g_assert_cmpuint (stats->n_programs, ==, 0);

  size = make_section (section, 0, 1, 0, pat_body, sizeof pat_body);
  add_section (stats, 0, 0, section, size);
  g_assert_cmpuint (stats->n_programs, ==, 2);
  g_assert_cmpuint (stats->programs[0].program_number, ==, 1);
  g_assert_cmphex (stats->programs[0].pmt_pid, ==, 0x100);
  g_assert_false (stats->programs[0].have_pmt);
  g_assert_cmphex (stats->programs[1].pmt_pid, ==, 0x200);

  size = make_section (section, 2, 1, 0, pmt1_body, sizeof pmt1_body);
  add_section (stats, 0x100, 1, section, size);
  size = make_section (section, 2, 2, 4, pmt2_body, sizeof pmt2_body);
  add_section (stats, 0x200, 0, section, size);

  program = chorus_ts_stats_find_program (stats, 1);
  g_assert_nonnull (program);
  g_assert_true (program->have_pmt);
  g_assert_cmphex (program->pcr_pid, ==, 0x101);
  g_assert_cmpuint (program->n_streams, ==, 2);
  g_assert_cmphex (program->streams[0].stream_type, ==, 0x1b);
  g_assert_cmphex (program->streams[0].pid, ==, 0x101);
  g_assert_cmphex (program->streams[1].stream_type, ==, 0x0f);
  g_assert_cmphex (program->streams[1].pid, ==, 0x102);
  program = chorus_ts_stats_find_program (stats, 2);
  g_assert_true (program->have_pmt);
  g_assert_cmpuint (program->pmt_version, ==, 4);
  g_assert_cmpuint (program->n_streams, ==, 1);
  g_assert_cmphex (program->streams[0].stream_type, ==, 0x02);
  g_assert_null (chorus_ts_stats_find_program (stats, 3));
  g_assert_cmpuint (stats->crc_errors, ==, 0);

  /* A damaged PMT: counted, and the program keeps what it had. */
  size = make_section (section, 2, 2, 5, pmt1_body, sizeof pmt1_body);
  section[12] ^= 0x01;
  add_section (stats, 0x200, 1, section, size);
  g_assert_cmpuint (stats->crc_errors, ==, 1);
  program = chorus_ts_stats_find_program (stats, 2);
  g_assert_cmpuint (program->pmt_version, ==, 4);
  g_assert_cmpuint (program->n_streams, ==, 1);

  /* A new PAT version with program 2 alone. */
  size = make_section (section, 0, 1, 1, pat_body + 8, 4);
  add_section (stats, 0, 1, section, size);
  g_assert_cmpuint (stats->n_programs, ==, 1);
  g_assert_cmpuint (stats->programs[0].program_number, ==, 2);
  g_assert_false (stats->programs[0].have_pmt);
}

static void
test_sync (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();
  guint8 data[3 * CHORUS_TS_PACKET_SIZE + 10];

  for (guint i = 0; i < 3; i++)
    make_packet (data + i * CHORUS_TS_PACKET_SIZE, &(Spec) { .pid = 0x100, .cc = i, .payload = TRUE });
  memset (data + 3 * CHORUS_TS_PACKET_SIZE, 0x47, 10);
  data[CHORUS_TS_PACKET_SIZE] = 0xb8;

  /* The second unit lost its sync byte; 10 bytes trail. */
  chorus_ts_stats_add_datagram (stats, data, sizeof data, T0);
  g_assert_cmpuint (stats->ts_packets, ==, 2);
  g_assert_cmpuint (stats->sync_errors, ==, 2);
  g_assert_cmpuint (stats->cc_errors, ==, 1);
  g_assert_cmpuint (stats->ts_missing, ==, 1);

  /* Reserved adaptation_field_control: synced, but malformed. */
  data[3] = 0x03;
  chorus_ts_stats_add_datagram (stats, data, CHORUS_TS_PACKET_SIZE, T0);
  g_assert_cmpuint (stats->ts_packets, ==, 3);
  g_assert_cmpuint (stats->malformed, ==, 1);
}

/* Datagrams of 7 packets (1316 bytes) every 10 ms from T0, @n of them;
 * the one at @late_index comes @late_usec late. Every 5th of the
 * packets of datagram @lossy_index is lost. */
static void
run_cbr (ChorusTsStats *stats,
         guint          first,
         guint          n,
         guint          late_index,
         gint64         late_usec,
         guint          lossy_index)
{
  guint8 data[7 * CHORUS_TS_PACKET_SIZE];

  for (guint d = first; d < first + n; d++)
    {
      gsize size = 0;

      for (guint p = 0; p < 7; p++)
        {
          guint index = d * 7 + p;

          if (d == lossy_index && p % 5 == 0)
            continue;
          make_packet (data + size, &(Spec) { .pid = 0x100, .cc = index & 0x0f, .payload = TRUE });
          size += CHORUS_TS_PACKET_SIZE;
        }
      chorus_ts_stats_add_datagram (stats, data, size,
                                    T0 + d * 10 * MS + (d == late_index ? late_usec : 0));
    }
}

static void
test_mdi (void)
{
  g_autoptr(ChorusTsStats) stats = chorus_ts_stats_new ();

  /* 1316 bytes every 10 ms: 1,052,800 bit/s. Steady, the DF is the time
   * of one datagram: 10 ms. */
  chorus_ts_stats_set_media_rate (stats, 1316 * 8 * 100);
  run_cbr (stats, 0, 100, G_MAXUINT, 0, G_MAXUINT);
  g_assert_cmpfloat (stats->mdi_df_ms, ==, -1);
  g_assert_cmpint (stats->mdi_mlr, ==, -1);
  chorus_ts_stats_tick (stats, T0 + 999 * MS);
  g_assert_cmpfloat (stats->mdi_df_ms, ==, -1);
  chorus_ts_stats_tick (stats, T0 + 1000 * MS);
  g_assert_cmpfloat_with_epsilon (stats->mdi_df_ms, 10, 1e-9);
  g_assert_cmpint (stats->mdi_mlr, ==, 0);
  g_assert_cmpfloat (stats->mdi_rate_bps, ==, 1052800);

  /* One datagram 5 ms late: the buffer runs 658 bytes short before it,
   * so VB spans −658 to 1316: 15 ms. Datagram 150 loses 2 of its 7. */
  run_cbr (stats, 100, 100, 120, 5 * MS, 150);
  chorus_ts_stats_tick (stats, T0 + 2000 * MS);
  g_assert_cmpfloat_with_epsilon (stats->mdi_df_ms, 15, 1e-9);
  g_assert_cmpint (stats->mdi_mlr, ==, 2);
  g_assert_cmpuint (stats->ts_missing, ==, 2);
  g_assert_cmpfloat_with_epsilon (stats->mdi_df_max_ms, 15, 1e-9);

  /* Without a given rate, the first interval has none; the second
   * drains at the first's: 7 packets every 10 ms, 10 ms again. */
  {
    g_autoptr(ChorusTsStats) measured = chorus_ts_stats_new ();

    run_cbr (measured, 0, 100, G_MAXUINT, 0, G_MAXUINT);
    run_cbr (measured, 100, 100, G_MAXUINT, 0, G_MAXUINT);
    g_assert_cmpfloat (measured->mdi_df_ms, ==, -1);
    g_assert_cmpint (measured->mdi_mlr, ==, 0);
    chorus_ts_stats_tick (measured, T0 + 2000 * MS);
    g_assert_cmpfloat_with_epsilon (measured->mdi_df_ms, 10, 1e-9);
    g_assert_cmpfloat_with_epsilon (measured->mdi_rate_bps, 1052800, 1e-6);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ts/packet/parse", test_packet_parse);
  g_test_add_func ("/ts/crc", test_crc);
  g_test_add_func ("/ts/psi/pat-pmt", test_pat_pmt_parse);
  g_test_add_func ("/ts/psi/assembler", test_assembler);
  g_test_add_func ("/ts/stats/cc-none", test_cc_none);
  g_test_add_func ("/ts/stats/cc-dropped", test_cc_dropped);
  g_test_add_func ("/ts/stats/cc-duplicate", test_cc_duplicate);
  g_test_add_func ("/ts/stats/cc-discontinuity", test_cc_discontinuity);
  g_test_add_func ("/ts/stats/null-pid", test_null_pid);
  g_test_add_func ("/ts/stats/pcr", test_pcr);
  g_test_add_func ("/ts/stats/programs", test_programs);
  g_test_add_func ("/ts/stats/sync", test_sync);
  g_test_add_func ("/ts/stats/mdi", test_mdi);

  return g_test_run ();
}
