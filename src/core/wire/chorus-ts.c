/* chorus-ts.c: MPEG-2 transport stream packets and PSI tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The packet header (13818-1, 2.4.3.2):
 *
 *   sync_byte 8 (0x47) | TEI 1 | PUSI 1 | priority 1 | PID 13 |
 *   scrambling 2 | adaptation_field_control 2 | continuity_counter 4
 *
 * then the adaptation field (2.4.3.4) when adaptation_field_control is
 * 2 or 3, then the payload when it is 1 or 3. A PSI section starts
 * where the pointer_field of a packet with payload_unit_start says, and
 * may run on into the PID's next packets.
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-ts.h"

static guint16
read_u16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint64
read_pcr (const guint8 *p)
{
  guint64 base = (guint64) p[0] << 25 | (guint64) p[1] << 17 | (guint64) p[2] << 9
                 | (guint64) p[3] << 1 | p[4] >> 7;
  guint64 extension = (guint64) (p[4] & 1) << 8 | p[5];

  return base * 300 + extension;
}

/**
 * chorus_ts_packet_parse:
 * @data: (array length=size): at least one packet; only the first 188
 *   bytes are read
 * @packet: (out caller-allocates): filled only on success
 * @error: why @data does not start with a packet
 *
 * Returns: %TRUE if @data starts with a well-formed packet
 */
gboolean
chorus_ts_packet_parse (const guint8   *data,
                        gsize           size,
                        ChorusTsPacket *packet,
                        GError        **error)
{
  ChorusTsPacket result = { 0 };

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (packet != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size < CHORUS_TS_PACKET_SIZE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "%" G_GSIZE_FORMAT " bytes are too short for a transport stream packet, "
                   "which is %d", size, CHORUS_TS_PACKET_SIZE);
      return FALSE;
    }
  if (data[0] != CHORUS_TS_SYNC_BYTE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The packet starts with 0x%02X, not the sync byte 0x47", data[0]);
      return FALSE;
    }

  result.transport_error = (data[1] & 0x80) != 0;
  result.payload_unit_start = (data[1] & 0x40) != 0;
  result.transport_priority = (data[1] & 0x20) != 0;
  result.pid = read_u16 (data + 1) & 0x1fff;
  result.scrambling = data[3] >> 6;
  result.adaptation_field_control = (data[3] >> 4) & 3;
  result.continuity_counter = data[3] & 0x0f;
  result.has_adaptation = (result.adaptation_field_control & 2) != 0;
  result.has_payload = (result.adaptation_field_control & 1) != 0;
  result.payload_offset = 4;

  if (result.adaptation_field_control == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "PID %u: adaptation_field_control 00 is reserved", result.pid);
      return FALSE;
    }

  if (result.has_adaptation)
    {
      /* With a payload, the field leaves it at least a byte (182); alone,
       * it should fill the packet (183), and less is taken. */
      guint max = result.has_payload ? 182 : 183;
      const guint8 *field = data + 5;
      gsize length = data[4];

      if (length > max)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "PID %u: the adaptation field is %" G_GSIZE_FORMAT
                       " bytes long, more than the %u the packet leaves",
                       result.pid, length, max);
          return FALSE;
        }
      result.adaptation_length = (guint8) length;
      if (length > 0)
        {
          gsize needed = 1;

          result.discontinuity = (field[0] & 0x80) != 0;
          result.random_access = (field[0] & 0x40) != 0;
          result.es_priority = (field[0] & 0x20) != 0;
          result.has_pcr = (field[0] & 0x10) != 0;
          result.has_opcr = (field[0] & 0x08) != 0;
          needed += result.has_pcr ? 6 : 0;
          needed += result.has_opcr ? 6 : 0;
          if (needed > length)
            {
              g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "PID %u: the adaptation field flags a PCR or OPCR that its %"
                           G_GSIZE_FORMAT " bytes do not hold", result.pid, length);
              return FALSE;
            }
          if (result.has_pcr)
            result.pcr = read_pcr (field + 1);
          if (result.has_opcr)
            result.opcr = read_pcr (field + 1 + (result.has_pcr ? 6 : 0));
        }
      result.payload_offset = 5 + length;
    }

  result.payload_size = result.has_payload ? CHORUS_TS_PACKET_SIZE - result.payload_offset : 0;
  if (!result.has_payload)
    result.payload_offset = CHORUS_TS_PACKET_SIZE;

  *packet = result;
  return TRUE;
}

gboolean
chorus_ts_is_aligned (const guint8 *data,
                      gsize         size)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  if (size == 0 || size % CHORUS_TS_PACKET_SIZE != 0)
    return FALSE;
  for (gsize offset = 0; offset < size; offset += CHORUS_TS_PACKET_SIZE)
    if (data[offset] != CHORUS_TS_SYNC_BYTE)
      return FALSE;
  return TRUE;
}

guint32
chorus_crc32_mpeg2 (const guint8 *data,
                    gsize         size)
{
  guint32 crc = 0xffffffff;

  g_return_val_if_fail (data != NULL || size == 0, 0);

  for (gsize i = 0; i < size; i++)
    {
      crc ^= (guint32) data[i] << 24;
      for (int bit = 0; bit < 8; bit++)
        crc = crc & 0x80000000 ? crc << 1 ^ 0x04c11db7 : crc << 1;
    }
  return crc;
}

/* table_id to last_section_number; then the CRC_32 at the end. */
#define SECTION_HEADER_SIZE 8
#define SECTION_CRC_SIZE    4

/**
 * chorus_psi_section_parse:
 * @data: (array length=size): a section from its table_id; bytes past
 *   its end (stuffing, other sections) are not read
 *
 * Returns: %TRUE if @data starts with a whole long-form section whose
 *   CRC_32 is right
 */
gboolean
chorus_psi_section_parse (const guint8     *data,
                          gsize             size,
                          ChorusPsiSection *section,
                          GError          **error)
{
  gsize length;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size < 3)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "%" G_GSIZE_FORMAT " bytes are too short for a PSI section header", size);
      return FALSE;
    }
  if ((data[1] & 0x80) == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Table 0x%02X: a short-form section, where a PAT or PMT has the long form",
                   data[0]);
      return FALSE;
    }
  length = read_u16 (data + 1) & 0x0fff;
  if (length + 3 > CHORUS_PSI_MAX_SECTION || length < SECTION_HEADER_SIZE - 3 + SECTION_CRC_SIZE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Table 0x%02X: section_length %" G_GSIZE_FORMAT " is outside 9 to 1021",
                   data[0], length);
      return FALSE;
    }
  if (length + 3 > size)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Table 0x%02X: the section is %" G_GSIZE_FORMAT " bytes long, but only %"
                   G_GSIZE_FORMAT " are there", data[0], length + 3, size);
      return FALSE;
    }
  if (chorus_crc32_mpeg2 (data, length + 3) != 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Table 0x%02X: the section's CRC_32 is wrong: it was damaged on the way",
                   data[0]);
      return FALSE;
    }

  section->table_id = data[0];
  section->table_id_extension = read_u16 (data + 3);
  section->version = (data[5] >> 1) & 0x1f;
  section->current_next = data[5] & 1;
  section->section_number = data[6];
  section->last_section_number = data[7];
  section->body = data + SECTION_HEADER_SIZE;
  section->body_size = length + 3 - SECTION_HEADER_SIZE - SECTION_CRC_SIZE;
  section->size = length + 3;
  return TRUE;
}

gboolean
chorus_pat_parse (const ChorusPsiSection *section,
                  ChorusPat              *pat,
                  GError                **error)
{
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (pat != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (section->table_id != CHORUS_PSI_TABLE_PAT)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Table 0x%02X is not a PAT (table 0x00)", section->table_id);
      return FALSE;
    }
  if (section->body_size % 4 != 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The PAT's programs take %" G_GSIZE_FORMAT
                   " bytes, not a multiple of 4", section->body_size);
      return FALSE;
    }

  memset (pat, 0, sizeof *pat);
  pat->transport_stream_id = section->table_id_extension;
  pat->version = section->version;
  pat->network_pid = -1;

  for (gsize offset = 0; offset < section->body_size; offset += 4)
    {
      guint16 number = read_u16 (section->body + offset);
      guint16 pid = read_u16 (section->body + offset + 2) & 0x1fff;

      if (number == 0)
        pat->network_pid = pid;
      else if (pat->n_programs < CHORUS_TS_MAX_PROGRAMS)
        {
          pat->programs[pat->n_programs].program_number = number;
          pat->programs[pat->n_programs].pmt_pid = pid;
          pat->n_programs++;
        }
      else
        pat->n_dropped++;
    }
  return TRUE;
}

gboolean
chorus_pmt_parse (const ChorusPsiSection *section,
                  ChorusPmt              *pmt,
                  GError                **error)
{
  const guint8 *body;
  gsize size, info_length, offset;

  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (pmt != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  body = section->body;
  size = section->body_size;

  if (section->table_id != CHORUS_PSI_TABLE_PMT)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Table 0x%02X is not a PMT (table 0x02)", section->table_id);
      return FALSE;
    }
  if (size < 4)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Program %u: the PMT ends before its PCR PID and program_info_length",
                   section->table_id_extension);
      return FALSE;
    }
  info_length = read_u16 (body + 2) & 0x0fff;
  if (info_length > size - 4)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Program %u: program_info_length %" G_GSIZE_FORMAT
                   " runs past the end of the PMT", section->table_id_extension, info_length);
      return FALSE;
    }

  memset (pmt, 0, sizeof *pmt);
  pmt->program_number = section->table_id_extension;
  pmt->version = section->version;
  pmt->pcr_pid = read_u16 (body) & 0x1fff;

  for (offset = 4 + info_length; offset < size;)
    {
      gsize es_length;

      if (size - offset < 5)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "Program %u: the PMT ends inside a stream's entry",
                       section->table_id_extension);
          return FALSE;
        }
      es_length = read_u16 (body + offset + 3) & 0x0fff;
      if (es_length > size - offset - 5)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "Program %u: ES_info_length %" G_GSIZE_FORMAT
                       " runs past the end of the PMT", section->table_id_extension, es_length);
          return FALSE;
        }
      if (pmt->n_streams < CHORUS_TS_MAX_STREAMS)
        {
          pmt->streams[pmt->n_streams].stream_type = body[offset];
          pmt->streams[pmt->n_streams].pid = read_u16 (body + offset + 1) & 0x1fff;
          pmt->n_streams++;
        }
      else
        pmt->n_dropped++;
      offset += 5 + es_length;
    }
  return TRUE;
}

void
chorus_psi_assembler_init (ChorusPsiAssembler *assembler)
{
  g_return_if_fail (assembler != NULL);

  assembler->dropped = 0;
  assembler->active = FALSE;
  assembler->last_cc = -1;
  assembler->size = 0;
}

/* Adds the bytes of the section in progress from @data; hands it over
 * when it is whole. Returns how many bytes of @data it took. */
static gsize
append (ChorusPsiAssembler   *assembler,
        const guint8         *data,
        gsize                 size,
        ChorusPsiSectionFunc  func,
        gpointer              user_data)
{
  gsize taken = 0;
  gsize total;

  if (assembler->size < 3)
    {
      gsize n = MIN (size, 3 - assembler->size);

      memcpy (assembler->buffer + assembler->size, data, n);
      assembler->size += n;
      taken = n;
      if (assembler->size < 3)
        return taken;
    }

  total = 3 + (read_u16 (assembler->buffer + 1) & 0x0fff);
  if (total > CHORUS_PSI_MAX_SECTION)
    {
      assembler->dropped++;
      assembler->active = FALSE;
      return size;
    }

  {
    gsize n = MIN (size - taken, total - assembler->size);

    memcpy (assembler->buffer + assembler->size, data + taken, n);
    assembler->size += n;
    taken += n;
  }

  if (assembler->size == total)
    {
      assembler->active = FALSE;
      func (assembler->buffer, total, user_data);
    }
  return taken;
}

static void
start (ChorusPsiAssembler *assembler)
{
  assembler->active = TRUE;
  assembler->size = 0;
}

void
chorus_psi_assembler_push (ChorusPsiAssembler   *assembler,
                           const guint8         *data,
                           const ChorusTsPacket *packet,
                           ChorusPsiSectionFunc  func,
                           gpointer              user_data)
{
  const guint8 *payload;
  gsize size, offset;

  g_return_if_fail (assembler != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (packet != NULL);
  g_return_if_fail (func != NULL);

  if (!packet->has_payload || packet->payload_size == 0 || packet->transport_error
      || packet->payload_offset + packet->payload_size > CHORUS_TS_PACKET_SIZE)
    return;

  if (assembler->last_cc >= 0 && !packet->discontinuity)
    {
      if (packet->continuity_counter == assembler->last_cc)
        return;  /* a duplicate: already taken */
      if (packet->continuity_counter != ((assembler->last_cc + 1) & 0x0f) && assembler->active)
        {
          assembler->dropped++;
          assembler->active = FALSE;
        }
    }
  assembler->last_cc = packet->continuity_counter;

  payload = data + packet->payload_offset;
  size = packet->payload_size;

  if (!packet->payload_unit_start)
    {
      if (assembler->active)
        append (assembler, payload, size, func, user_data);
      return;
    }

  /* The pointer_field: the bytes before the new section end the one in
   * progress. */
  offset = 1 + payload[0];
  if (offset > size)
    {
      if (assembler->active)
        assembler->dropped++;
      assembler->active = FALSE;
      return;
    }
  if (assembler->active)
    {
      append (assembler, payload + 1, offset - 1, func, user_data);
      if (assembler->active)
        {
          /* It should have ended by now. */
          assembler->dropped++;
          assembler->active = FALSE;
        }
    }

  /* Then sections, one after the other, until stuffing (0xFF) or the
   * end of the packet, where the last may go on into the next. */
  while (offset < size && payload[offset] != 0xff)
    {
      start (assembler);
      offset += append (assembler, payload + offset, size - offset, func, user_data);
      if (assembler->active)
        break;
    }
}
