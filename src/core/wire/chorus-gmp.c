/* chorus-gmp.c: the group management protocols on the wire, IGMP and MLD
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-gmp.h"

/* IGMP types (RFC 3376 §4, RFC 2236 §2.1) */
#define IGMP_QUERY      0x11
#define IGMP_V1_REPORT  0x12
#define IGMP_V2_REPORT  0x16
#define IGMP_V2_LEAVE   0x17
#define IGMP_V3_REPORT  0x22

/* MLD types, ICMPv6 (RFC 2710 §3, RFC 3810 §5) */
#define MLD_QUERY       130
#define MLD_V1_REPORT   131
#define MLD_V1_DONE     132
#define MLD_V2_REPORT   143

/* An IGMPv1 query's Max Resp Code is 0, and means 10 s (RFC 2236 §2.2). */
#define IGMP_V1_MAX_RESP_MS 10000

static guint16
read16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static gboolean malformed (GError    **error,
                           const char *format,
                           ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError    **error,
           const char *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED, text);

  return FALSE;
}

guint16
chorus_gmp_checksum (const guint8 *data,
                     gsize         size)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < size; i += 2)
    sum += read16 (data + i);
  if (size % 2 == 1)
    sum += (guint32) data[size - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (guint16) ~sum;
}

/**
 * chorus_gmp_decode_code8:
 *
 * RFC 3376 §4.1.1: below 128 the code is the value; from 128 on, bits
 * 1eeemmmm mean (mant | 0x10) << (exp + 3).
 */
guint
chorus_gmp_decode_code8 (guint8 code)
{
  if (code < 128)
    return code;

  return ((guint) (code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}

/**
 * chorus_gmp_decode_code16:
 *
 * RFC 3810 §5.1.3: below 32768 the code is the value; from 32768 on,
 * bits 1eeemmmmmmmmmmmm mean (mant | 0x1000) << (exp + 3).
 */
guint
chorus_gmp_decode_code16 (guint16 code)
{
  if (code < 32768)
    return code;

  return ((guint) (code & 0x0fff) | 0x1000) << (((code >> 12) & 0x07) + 3);
}

guint8
chorus_gmp_encode_code8 (guint value)
{
  if (value < 128)
    return (guint8) value;

  for (guint exp = 0; exp < 8; exp++)
    for (guint mant = 0; mant < 16; mant++)
      if (((mant | 0x10) << (exp + 3)) >= value)
        return (guint8) (0x80 | exp << 4 | mant);

  return 0xff;
}

/* The v3 query's fields after its group: flags at @at, QQIC, the number
 * of sources and the sources, of @address_size bytes each. */
static gboolean
take_v3_query (ChorusGmpMessage *message,
               const guint8     *data,
               gsize             size,
               gsize             at,
               gsize             address_size,
               GError          **error)
{
  message->s_flag = (data[at] & 0x08) != 0;
  message->qrv = data[at] & 0x07;
  message->qqi_s = chorus_gmp_decode_code8 (data[at + 1]);
  message->n_sources = read16 (data + at + 2);
  if (message->n_sources > (size - at - 4) / address_size)
    return malformed (error, "a v3 query says %u sources, but %" G_GSIZE_FORMAT " bytes hold "
                      "only %" G_GSIZE_FORMAT, message->n_sources, size,
                      (size - at - 4) / address_size);
  message->sources = message->n_sources > 0 ? data + at + 4 : NULL;

  return TRUE;
}

/* A v3 report: its records follow the count at byte 6; each takes at
 * least @record_min bytes. */
static gboolean
take_v3_report (ChorusGmpMessage *message,
                const guint8     *data,
                gsize             size,
                gsize             record_min,
                GError          **error)
{
  message->kind = CHORUS_GMP_V3_REPORT;
  message->n_records = read16 (data + 6);
  message->records = data + 8;
  message->records_size = size - 8;
  if (message->n_records > message->records_size / record_min)
    return malformed (error, "a v3 report says %u records, but %" G_GSIZE_FORMAT " bytes cannot "
                      "hold them", message->n_records, size);

  return TRUE;
}

static gboolean
parse_igmp_query (const guint8     *data,
                  gsize             size,
                  ChorusGmpMessage *message,
                  GError          **error)
{
  /* RFC 3376 §7.1: 8 bytes and a code of 0 is v1, 8 bytes and a code is
   * v2, 12 or more is v3; anything else is ignored. */
  if (size == 8)
    {
      message->version = data[1] == 0 ? 1 : 2;
      message->max_resp_ms = data[1] == 0 ? IGMP_V1_MAX_RESP_MS : data[1] * 100u;
      return TRUE;
    }
  if (size < 12)
    return malformed (error, "an IGMP query of %" G_GSIZE_FORMAT " bytes is neither v1/v2 (8) "
                      "nor v3 (12 or more)", size);

  message->version = 3;
  message->max_resp_ms = chorus_gmp_decode_code8 (data[1]) * 100;

  return take_v3_query (message, data, size, 8, 4, error);
}

/**
 * chorus_igmp_parse:
 * @data: an IGMP message, as it follows the IPv4 header
 *
 * Refuses a message that is too short, whose checksum is wrong, or whose
 * counts do not fit it; types other than queries and reports are
 * refused too (they are not group management: DVMRP, mtrace).
 */
gboolean
chorus_igmp_parse (const guint8     *data,
                   gsize             size,
                   ChorusGmpMessage *message,
                   GError          **error)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (message, 0, sizeof *message);
  message->family = G_SOCKET_FAMILY_IPV4;

  if (size < 8)
    return malformed (error, "an IGMP message is at least 8 bytes, not %" G_GSIZE_FORMAT, size);
  if (chorus_gmp_checksum (data, size) != 0)
    return malformed (error, "the IGMP checksum is wrong");

  switch (data[0])
    {
    case IGMP_QUERY:
      message->kind = CHORUS_GMP_QUERY;
      memcpy (message->group, data + 4, 4);
      return parse_igmp_query (data, size, message, error);

    case IGMP_V1_REPORT:
    case IGMP_V2_REPORT:
    case IGMP_V2_LEAVE:
      message->kind = data[0] == IGMP_V2_LEAVE ? CHORUS_GMP_LEAVE : CHORUS_GMP_REPORT;
      message->version = data[0] == IGMP_V1_REPORT ? 1 : 2;
      memcpy (message->group, data + 4, 4);
      return TRUE;

    case IGMP_V3_REPORT:
      message->version = 3;
      /* A record is at least 8 bytes. */
      return take_v3_report (message, data, size, 8, error);

    default:
      return malformed (error, "IGMP type 0x%02x is not a query or a report", data[0]);
    }
}

/**
 * chorus_mld_parse:
 * @data: an ICMPv6 message
 *
 * The kernel checks an ICMPv6 checksum before a raw socket sees the
 * message; this does not.
 */
gboolean
chorus_mld_parse (const guint8     *data,
                  gsize             size,
                  ChorusGmpMessage *message,
                  GError          **error)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (message, 0, sizeof *message);
  message->family = G_SOCKET_FAMILY_IPV6;

  if (size < 8)
    return malformed (error, "an MLD message is at least 8 bytes, not %" G_GSIZE_FORMAT, size);

  switch (data[0])
    {
    case MLD_QUERY:
      message->kind = CHORUS_GMP_QUERY;
      /* RFC 3810 §8.1: 24 bytes is MLDv1, 28 or more MLDv2. */
      if (size == 24)
        {
          message->version = 1;
          message->max_resp_ms = read16 (data + 4);
          memcpy (message->group, data + 8, 16);
          return TRUE;
        }
      if (size < 28)
        return malformed (error, "an MLD query of %" G_GSIZE_FORMAT " bytes is neither v1 (24) "
                          "nor v2 (28 or more)", size);
      message->version = 2;
      message->max_resp_ms = chorus_gmp_decode_code16 (read16 (data + 4));
      memcpy (message->group, data + 8, 16);
      return take_v3_query (message, data, size, 24, 16, error);

    case MLD_V1_REPORT:
    case MLD_V1_DONE:
      if (size < 24)
        return malformed (error, "an MLDv1 message is 24 bytes, not %" G_GSIZE_FORMAT, size);
      message->kind = data[0] == MLD_V1_DONE ? CHORUS_GMP_LEAVE : CHORUS_GMP_REPORT;
      message->version = 1;
      memcpy (message->group, data + 8, 16);
      return TRUE;

    case MLD_V2_REPORT:
      message->version = 2;
      /* A record is at least 20 bytes. */
      return take_v3_report (message, data, size, 20, error);

    default:
      return malformed (error, "ICMPv6 type %u is not MLD", data[0]);
    }
}

gboolean
chorus_gmp_next_record (const ChorusGmpMessage *message,
                        gsize                  *offset,
                        ChorusGmpRecord        *record,
                        GError                **error)
{
  gsize address_size;
  gsize at;
  gsize aux;
  gsize length;

  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (offset != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  memset (record, 0, sizeof *record);
  if (message->kind != CHORUS_GMP_V3_REPORT || *offset >= message->records_size)
    return FALSE;

  address_size = message->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;
  at = *offset;
  if (message->records_size - at < 4 + address_size)
    return malformed (error, "a group record is cut short");

  record->type = message->records[at];
  aux = (gsize) message->records[at + 1] * 4;
  record->n_sources = read16 (message->records + at + 2);
  length = 4 + address_size + record->n_sources * address_size + aux;
  if (length > message->records_size - at)
    return malformed (error, "a group record of %u sources does not fit the report",
                      record->n_sources);
  if (record->type < CHORUS_GMP_MODE_IS_INCLUDE || record->type > CHORUS_GMP_BLOCK_OLD_SOURCES)
    return malformed (error, "group record type %u is unknown", (guint) record->type);

  memcpy (record->group, message->records + at + 4, address_size);
  record->sources = record->n_sources > 0 ? message->records + at + 4 + address_size : NULL;
  *offset = at + length;

  return TRUE;
}

const char *
chorus_gmp_record_type_to_string (ChorusGmpRecordType type)
{
  switch (type)
    {
    case CHORUS_GMP_MODE_IS_INCLUDE:
      return "is-include";
    case CHORUS_GMP_MODE_IS_EXCLUDE:
      return "is-exclude";
    case CHORUS_GMP_CHANGE_TO_INCLUDE:
      return "to-include";
    case CHORUS_GMP_CHANGE_TO_EXCLUDE:
      return "to-exclude";
    case CHORUS_GMP_ALLOW_NEW_SOURCES:
      return "allow";
    case CHORUS_GMP_BLOCK_OLD_SOURCES:
      return "block";
    default:
      return "unknown";
    }
}

gboolean
chorus_gmp_record_is_join (const ChorusGmpRecord *record)
{
  g_return_val_if_fail (record != NULL, FALSE);

  switch (record->type)
    {
    case CHORUS_GMP_MODE_IS_INCLUDE:
    case CHORUS_GMP_CHANGE_TO_INCLUDE:
      /* INCLUDE {} is a leave. */
      return record->n_sources > 0;
    case CHORUS_GMP_MODE_IS_EXCLUDE:
    case CHORUS_GMP_CHANGE_TO_EXCLUDE:
    case CHORUS_GMP_ALLOW_NEW_SOURCES:
      return TRUE;
    case CHORUS_GMP_BLOCK_OLD_SOURCES:
    default:
      return FALSE;
    }
}
