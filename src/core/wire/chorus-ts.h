/* chorus-ts.h: MPEG-2 transport stream packets and PSI tables (ISO/IEC 13818-1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks. A packet is 188
 * bytes: a 4-byte header, an optional adaptation field (discontinuity
 * indicator, PCR …) and the payload. PSI sections (the PAT, the PMTs)
 * run across packets: ChorusPsiAssembler puts them back together.
 * docs/PROTOCOL.md, "MPEG transport streams", says what is checked.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CHORUS_TS_PACKET_SIZE     188
#define CHORUS_TS_SYNC_BYTE       0x47
#define CHORUS_TS_PAT_PID         0x0000
#define CHORUS_TS_NULL_PID        0x1fff
#define CHORUS_TS_N_PIDS          8192
/* The PCR counts a 27 MHz clock, modulo 2^33 × 300. */
#define CHORUS_TS_PCR_HZ          27000000
#define CHORUS_TS_PCR_MODULO      (G_GUINT64_CONSTANT (8589934592) * 300)
/* A PAT or PMT section: section_length is at most 1021, so 1024 bytes
 * in all (13818-1, 2.4.4.3 and 2.4.4.8). */
#define CHORUS_PSI_MAX_SECTION    1024
/* What a PAT and a PMT are read into; entries past these are counted,
 * not kept. */
#define CHORUS_TS_MAX_PROGRAMS    64
#define CHORUS_TS_MAX_STREAMS     32

#define CHORUS_PSI_TABLE_PAT      0x00
#define CHORUS_PSI_TABLE_PMT      0x02

typedef struct
{
  gboolean transport_error;
  gboolean payload_unit_start;
  gboolean transport_priority;
  guint16  pid;
  guint8   scrambling;               /* transport_scrambling_control */
  guint8   adaptation_field_control; /* 1 payload, 2 adaptation field, 3 both */
  guint8   continuity_counter;
  gboolean has_adaptation;
  gboolean has_payload;
  /* The adaptation field, when there is one: */
  guint8   adaptation_length;        /* adaptation_field_length */
  gboolean discontinuity;            /* discontinuity_indicator */
  gboolean random_access;
  gboolean es_priority;
  gboolean has_pcr;
  guint64  pcr;                      /* 27 MHz: base × 300 + extension */
  gboolean has_opcr;
  guint64  opcr;
  gsize    payload_offset;           /* from the packet's start */
  gsize    payload_size;             /* 0 without a payload */
} ChorusTsPacket;

gboolean chorus_ts_packet_parse   (const guint8   *data,
                                   gsize           size,
                                   ChorusTsPacket *packet,
                                   GError        **error);
/* Whether @data is whole TS packets: a multiple of 188 bytes, not 0,
 * each starting with the sync byte. */
gboolean chorus_ts_is_aligned     (const guint8   *data,
                                   gsize           size);

/* The CRC of PSI sections (13818-1, annex A): polynomial 0x04C11DB7,
 * initial value 0xFFFFFFFF, no reflection, no final XOR. Over a whole
 * section, its CRC_32 included, it is 0. */
guint32  chorus_crc32_mpeg2       (const guint8   *data,
                                   gsize           size);

/* A long-form PSI section (section_syntax_indicator 1). */
typedef struct
{
  guint8        table_id;
  guint16       table_id_extension;  /* PAT: transport_stream_id; PMT: program_number */
  guint8        version;
  gboolean      current_next;
  guint8        section_number;
  guint8        last_section_number;
  const guint8 *body;                /* after the 8-byte header, before the CRC; borrowed */
  gsize         body_size;
  gsize         size;                /* the whole section: 3 + section_length */
} ChorusPsiSection;

gboolean chorus_psi_section_parse (const guint8     *data,
                                   gsize             size,
                                   ChorusPsiSection *section,
                                   GError          **error);

typedef struct
{
  guint16 program_number;
  guint16 pmt_pid;
} ChorusPatProgram;

typedef struct
{
  guint16          transport_stream_id;
  guint8           version;
  int              network_pid;      /* program 0's PID, -1 if none */
  guint            n_programs;
  guint            n_dropped;        /* past CHORUS_TS_MAX_PROGRAMS */
  ChorusPatProgram programs[CHORUS_TS_MAX_PROGRAMS];
} ChorusPat;

gboolean chorus_pat_parse         (const ChorusPsiSection *section,
                                   ChorusPat              *pat,
                                   GError                **error);

typedef struct
{
  guint8  stream_type;
  guint16 pid;
} ChorusPmtStream;

typedef struct
{
  guint16         program_number;
  guint8          version;
  guint16         pcr_pid;
  guint           n_streams;
  guint           n_dropped;         /* past CHORUS_TS_MAX_STREAMS */
  ChorusPmtStream streams[CHORUS_TS_MAX_STREAMS];
} ChorusPmt;

gboolean chorus_pmt_parse         (const ChorusPsiSection *section,
                                   ChorusPmt              *pmt,
                                   GError                **error);

/* Puts the sections of one PID back together from its packets. A
 * continuity break drops the section in progress; a duplicate packet
 * is skipped. */
typedef void (*ChorusPsiSectionFunc) (const guint8 *section,
                                      gsize         size,
                                      gpointer      user_data);

typedef struct
{
  guint64  dropped;                  /* sections cut by a break, or too long */
  /* private */
  gboolean active;
  int      last_cc;
  gsize    size;
  guint8   buffer[CHORUS_PSI_MAX_SECTION];
} ChorusPsiAssembler;

void     chorus_psi_assembler_init (ChorusPsiAssembler   *assembler);
/* @data is the packet @packet was parsed from. */
void     chorus_psi_assembler_push (ChorusPsiAssembler   *assembler,
                                    const guint8         *data,
                                    const ChorusTsPacket *packet,
                                    ChorusPsiSectionFunc  func,
                                    gpointer              user_data);

G_END_DECLS
