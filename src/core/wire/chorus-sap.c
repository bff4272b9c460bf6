/* chorus-sap.c: Session Announcement Protocol messages (RFC 2974, 5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | V=1 |A|R|T|E|C|   auth len    |         msg id hash           |
 * |        originating source (32 or 128 bits)                    |
 * |                    optional authentication data               |
 * |                      optional payload type                    |
 * |                                               |0|             |
 * |                         payload                               |
 *
 * The payload type is NUL-terminated text; a payload that starts with
 * "v=0" has none (SAPv1 left it out, and the payload is SDP). When the
 * message is encrypted or compressed, the payload type is inside the
 * transformed part, so it is not looked for.
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-sap.h"

#define FIXED_SIZE 4

gboolean
chorus_sap_header_parse (const guint8    *data,
                         gsize            size,
                         ChorusSapHeader *header,
                         GError         **error)
{
  ChorusSapHeader result = { 0 };
  gsize offset = FIXED_SIZE;
  gsize auth_size;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size > CHORUS_SAP_MAX_SIZE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE,
                   "A SAP message of %" G_GSIZE_FORMAT " bytes is larger than a datagram", size);
      return FALSE;
    }
  if (size < FIXED_SIZE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "%" G_GSIZE_FORMAT " bytes are too short for a SAP header", size);
      return FALSE;
    }

  result.version = data[0] >> 5;
  if (result.version != CHORUS_SAP_VERSION)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED,
                   "SAP version %u is not supported: RFC 2974 messages have version 1",
                   result.version);
      return FALSE;
    }
  result.ipv6 = (data[0] & 0x10) != 0;
  result.reserved = (data[0] & 0x08) != 0;
  result.type = data[0] & 0x04 ? CHORUS_SAP_DELETE : CHORUS_SAP_ANNOUNCE;
  result.encrypted = (data[0] & 0x02) != 0;
  result.compressed = (data[0] & 0x01) != 0;
  result.auth_length = data[1];
  result.msg_id_hash = (guint16) (data[2] << 8 | data[3]);
  result.origin_size = result.ipv6 ? 16 : 4;

  if (size - offset < result.origin_size)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The SAP message ends inside its %s originating source",
                   result.ipv6 ? "IPv6" : "IPv4");
      return FALSE;
    }
  memcpy (result.origin, data + offset, result.origin_size);
  offset += result.origin_size;

  auth_size = 4 * (gsize) result.auth_length;
  if (size - offset < auth_size)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The SAP message says it has %" G_GSIZE_FORMAT
                   " bytes of authentication data, more than it holds", auth_size);
      return FALSE;
    }
  if (auth_size > 0)
    result.auth = data + offset;
  offset += auth_size;

  if (!result.encrypted && !result.compressed)
    {
      const guint8 *rest = data + offset;
      gsize rest_size = size - offset;

      if (!(rest_size >= 3 && memcmp (rest, "v=0", 3) == 0))
        {
          const guint8 *nul = memchr (rest, '\0', rest_size);
          gsize length;

          if (nul == NULL)
            {
              g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "The SAP payload type is not ended by a NUL byte, "
                           "and the payload is not an SDP (v=0)");
              return FALSE;
            }
          length = nul - rest;
          if (length == 0)
            {
              g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "The SAP payload type is empty");
              return FALSE;
            }
          for (gsize i = 0; i < length; i++)
            if (rest[i] < 0x21 || rest[i] > 0x7e)
              {
                g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                             "The SAP payload type has a byte 0x%02X, where a MIME type "
                             "is printable ASCII", rest[i]);
                return FALSE;
              }
          result.payload_type = (const char *) rest;
          result.payload_type_size = length;
          offset += length + 1;
        }
    }

  result.payload_offset = offset;
  result.payload_size = size - offset;

  *header = result;
  return TRUE;
}

gboolean
chorus_sap_header_is_readable (const ChorusSapHeader *header)
{
  g_return_val_if_fail (header != NULL, FALSE);

  return !header->encrypted && !header->compressed;
}

gboolean
chorus_sap_header_is_sdp (const ChorusSapHeader *header)
{
  g_return_val_if_fail (header != NULL, FALSE);

  if (!chorus_sap_header_is_readable (header))
    return FALSE;
  if (header->payload_type == NULL)
    return TRUE;
  return header->payload_type_size == strlen (CHORUS_SAP_PAYLOAD_SDP)
         && g_ascii_strncasecmp (header->payload_type, CHORUS_SAP_PAYLOAD_SDP,
                                 header->payload_type_size) == 0;
}

GBytes *
chorus_sap_message_build (const ChorusSapMessage *message,
                          GError                **error)
{
  g_autoptr(GByteArray) out = NULL;
  const char *type;
  gsize origin_size, size;
  guint8 fixed[FIXED_SIZE];

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (message->payload != NULL || message->payload_size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  type = message->payload_type != NULL ? message->payload_type : CHORUS_SAP_PAYLOAD_SDP;
  origin_size = message->ipv6 ? 16 : 4;

  if (message->msg_id_hash == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "A SAP message identifier hash of 0 may be discarded by listeners "
                   "(RFC 2974): choose another");
      return NULL;
    }
  if (*type == '\0')
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The SAP payload type is empty: leave it unset for application/sdp");
      return NULL;
    }
  for (const char *p = type; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      {
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     "The SAP payload type must be printable ASCII without spaces, like "
                     "application/sdp");
        return NULL;
      }
  if (message->payload_size == 0 && message->type == CHORUS_SAP_ANNOUNCE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "A SAP announcement needs a payload: the session's description");
      return NULL;
    }

  size = FIXED_SIZE + origin_size + strlen (type) + 1 + message->payload_size;
  if (size > CHORUS_SAP_MAX_ANNOUNCEMENT)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE,
                   "A SAP message of %" G_GSIZE_FORMAT " bytes is larger than the %d "
                   "RFC 2974 allows: shorten the session description", size,
                   CHORUS_SAP_MAX_ANNOUNCEMENT);
      return NULL;
    }

  out = g_byte_array_sized_new (size);
  fixed[0] = (guint8) (CHORUS_SAP_VERSION << 5 | (message->ipv6 ? 0x10 : 0)
                       | (message->type == CHORUS_SAP_DELETE ? 0x04 : 0));
  fixed[1] = 0;
  fixed[2] = message->msg_id_hash >> 8;
  fixed[3] = message->msg_id_hash & 0xff;
  g_byte_array_append (out, fixed, sizeof fixed);
  g_byte_array_append (out, message->origin, origin_size);
  g_byte_array_append (out, (const guint8 *) type, strlen (type) + 1);
  if (message->payload_size > 0)
    g_byte_array_append (out, message->payload, message->payload_size);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
