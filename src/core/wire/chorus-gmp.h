/* chorus-gmp.h: the group management protocols on the wire, IGMP and MLD
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks. IGMP (RFC 1112,
 * 2236, 3376) as a raw IGMP socket reads it after the IPv4 header; MLD
 * (RFC 2710, 3810) as a raw ICMPv6 socket reads it, whose checksum the
 * kernel has already checked. docs/PROTOCOL.md says what is read and
 * what is refused.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A v3 report or query names at most this many sources in one message
 * of the largest size (65535 bytes of IPv4 over 4-byte addresses). */
#define CHORUS_GMP_MAX_SOURCES 16380

typedef enum
{
  CHORUS_GMP_QUERY,      /* a general or group(-and-source)-specific query */
  CHORUS_GMP_REPORT,     /* IGMPv1/v2 report, MLDv1 report: a join */
  CHORUS_GMP_LEAVE,      /* IGMPv2 leave, MLDv1 done */
  CHORUS_GMP_V3_REPORT,  /* IGMPv3 or MLDv2 report: records */
} ChorusGmpKind;

/* RFC 3376 §4.2.12, RFC 3810 §5.2.12. */
typedef enum
{
  CHORUS_GMP_MODE_IS_INCLUDE    = 1,
  CHORUS_GMP_MODE_IS_EXCLUDE    = 2,
  CHORUS_GMP_CHANGE_TO_INCLUDE  = 3,
  CHORUS_GMP_CHANGE_TO_EXCLUDE  = 4,
  CHORUS_GMP_ALLOW_NEW_SOURCES  = 5,
  CHORUS_GMP_BLOCK_OLD_SOURCES  = 6,
} ChorusGmpRecordType;

typedef struct
{
  int           family;        /* G_SOCKET_FAMILY_IPV4 or _IPV6 */
  ChorusGmpKind kind;
  guint         version;       /* IGMP 1, 2, 3; MLD 1, 2 */
  guint8        group[16];     /* 4 bytes for IPv4; all zero in a general query */
  /* Queries */
  guint         max_resp_ms;   /* decoded; IGMPv1 queries say 0 and mean 10 s */
  gboolean      s_flag;        /* v3: suppress router-side processing */
  guint         qrv;           /* v3: robustness variable, 0 when the querier says none */
  guint         qqi_s;         /* v3: querier's query interval, decoded; 0 when none */
  /* Sources of a v3 query, or records of a v3 report; borrowed. */
  guint         n_sources;
  const guint8 *sources;
  guint         n_records;
  const guint8 *records;
  gsize         records_size;
} ChorusGmpMessage;

typedef struct
{
  ChorusGmpRecordType type;
  guint8              group[16];
  guint               n_sources;
  const guint8       *sources;  /* n_sources addresses of 4 or 16 bytes; borrowed */
} ChorusGmpRecord;

gboolean    chorus_igmp_parse           (const guint8           *data,
                                         gsize                   size,
                                         ChorusGmpMessage       *message,
                                         GError                **error);
gboolean    chorus_mld_parse            (const guint8           *data,
                                         gsize                   size,
                                         ChorusGmpMessage       *message,
                                         GError                **error);
/* Reads the record at *offset of a v3 report (0 for the first) and moves
 * *offset past it. FALSE at the end, or with @error for a record that
 * does not fit: the records before it stand. */
gboolean    chorus_gmp_next_record      (const ChorusGmpMessage *message,
                                         gsize                  *offset,
                                         ChorusGmpRecord        *record,
                                         GError                **error);

/* The codes of RFC 3376 §4.1.1 and §4.1.7 (8 bits: tenths of a second
 * for Max Resp Code, seconds for QQIC) and of RFC 3810 §5.1.3 (16 bits,
 * milliseconds). */
guint       chorus_gmp_decode_code8     (guint8                  code);
guint       chorus_gmp_decode_code16    (guint16                 code);
/* The smallest code that means at least @value (the largest if none). */
guint8      chorus_gmp_encode_code8     (guint                   value);

/* "is-include", "is-exclude", "to-include", "to-exclude", "allow",
 * "block": as the CLI's JSON says them. */
const char *chorus_gmp_record_type_to_string (ChorusGmpRecordType type);
/* Whether the record means that the host listens (as a v2 join does):
 * every type but an include of no sources, or a block. */
gboolean    chorus_gmp_record_is_join   (const ChorusGmpRecord  *record);

/* The internet checksum of RFC 1071 over @data, folded; 0 for data that
 * carries a correct one. */
guint16     chorus_gmp_checksum         (const guint8           *data,
                                         gsize                   size);

G_END_DECLS
