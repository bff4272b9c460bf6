/* chorus-rtp.c: the RTP fixed header (RFC 3550, section 5.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 *
 * Everything a length says must lie inside the datagram; nothing past
 * @size is read.
 */

#include "config.h"

#include "chorus-error.h"
#include "chorus-rtp.h"

static guint16
read_u16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/**
 * chorus_rtp_header_parse:
 * @data: (array length=size): a UDP payload
 * @header: (out caller-allocates): the header, filled only on success
 * @error: why @data is not an RTP packet
 *
 * Checks the version, that the CSRCs, the extension and the padding fit
 * in @data, and that the payload type is not one of 72–76, which RFC
 * 5761 reserves because with the marker bit they read as RTCP.
 *
 * Returns: %TRUE if @data is an RTP packet
 */
gboolean
chorus_rtp_header_parse (const guint8    *data,
                         gsize            size,
                         ChorusRtpHeader *header,
                         GError         **error)
{
  ChorusRtpHeader result = { 0 };
  gsize offset = CHORUS_RTP_HEADER_SIZE;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size < CHORUS_RTP_HEADER_SIZE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "%" G_GSIZE_FORMAT " bytes are too short for an RTP header, which takes %d",
                   size, CHORUS_RTP_HEADER_SIZE);
      return FALSE;
    }

  result.version = data[0] >> 6;
  if (result.version != CHORUS_RTP_VERSION)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "RTP version %u is not the version 2 of RFC 3550", result.version);
      return FALSE;
    }
  result.padding = (data[0] & 0x20) != 0;
  result.extension = (data[0] & 0x10) != 0;
  result.csrc_count = data[0] & 0x0f;
  result.marker = (data[1] & 0x80) != 0;
  result.payload_type = data[1] & 0x7f;
  result.seq = read_u16 (data + 2);
  result.timestamp = read_u32 (data + 4);
  result.ssrc = read_u32 (data + 8);

  if (result.payload_type >= 72 && result.payload_type <= 76)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "Payload type %u is reserved (RFC 5761): the packet is RTCP "
                   "(packet type %u), not RTP",
                   result.payload_type, data[1]);
      return FALSE;
    }

  if (size - offset < 4u * result.csrc_count)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The RTP header lists %u CSRCs, more than its %" G_GSIZE_FORMAT
                   " bytes hold", result.csrc_count, size);
      return FALSE;
    }
  for (guint i = 0; i < result.csrc_count; i++, offset += 4)
    result.csrc[i] = read_u32 (data + offset);

  if (result.extension)
    {
      gsize words;

      if (size - offset < 4)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "The RTP header says an extension follows, but the packet "
                       "ends before its header");
          return FALSE;
        }
      result.extension_profile = read_u16 (data + offset);
      words = read_u16 (data + offset + 2);
      offset += 4;
      if (size - offset < 4 * words)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "The RTP header extension is %" G_GSIZE_FORMAT
                       " bytes long, more than the packet holds", 4 * words);
          return FALSE;
        }
      result.extension_size = 4 * words;
      offset += 4 * words;
    }

  result.payload_offset = offset;
  result.payload_size = size - offset;

  if (result.padding)
    {
      /* The last byte counts the padding, itself included. */
      gsize count = data[size - 1];

      if (count == 0 || count > result.payload_size)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       "The RTP padding is %" G_GSIZE_FORMAT " bytes, but 1 to %"
                       G_GSIZE_FORMAT " would fit after the header",
                       count, result.payload_size);
          return FALSE;
        }
      result.padding_size = count;
      result.payload_size -= count;
    }

  *header = result;
  return TRUE;
}

typedef struct
{
  const char *name;
  guint32     clock_rate;
} PayloadType;

/* RFC 3551, tables 4 (audio) and 5 (video). G722 is 8000 on purpose:
 * the RFC keeps the clock rate of the original specification, in error,
 * for compatibility. */
static const PayloadType static_payload_types[] = {
  [0] = { "PCMU", 8000 },
  [3] = { "GSM", 8000 },
  [4] = { "G723", 8000 },
  [5] = { "DVI4", 8000 },
  [6] = { "DVI4", 16000 },
  [7] = { "LPC", 8000 },
  [8] = { "PCMA", 8000 },
  [9] = { "G722", 8000 },
  [10] = { "L16", 44100 },
  [11] = { "L16", 44100 },
  [12] = { "QCELP", 8000 },
  [13] = { "CN", 8000 },
  [14] = { "MPA", 90000 },
  [15] = { "G728", 8000 },
  [16] = { "DVI4", 11025 },
  [17] = { "DVI4", 22050 },
  [18] = { "G729", 8000 },
  [25] = { "CelB", 90000 },
  [26] = { "JPEG", 90000 },
  [28] = { "nv", 90000 },
  [31] = { "H261", 90000 },
  [32] = { "MPV", 90000 },
  [33] = { "MP2T", 90000 },
  [34] = { "H263", 90000 },
};

guint32
chorus_rtp_payload_type_clock_rate (guint payload_type)
{
  if (payload_type >= G_N_ELEMENTS (static_payload_types))
    return 0;
  return static_payload_types[payload_type].clock_rate;
}

const char *
chorus_rtp_payload_type_name (guint payload_type)
{
  if (payload_type >= G_N_ELEMENTS (static_payload_types))
    return NULL;
  return static_payload_types[payload_type].name;
}
