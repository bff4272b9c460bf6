/* fuzz-sap.c: the SAP header parser and builder, and stream kind names, on any bytes
 *
 * Whatever the bytes, the parser stays inside them, and what it reads
 * lies inside them, in order: header, origin, authentication data,
 * payload type, payload. A readable message built again from what was
 * read parses back to the same. The input is also a stream kind name,
 * which parses or fails with an error a person can read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-flow-kind.h"
#include "chorus-sap.h"
#include "fuzz.h"

static void
check_rebuilt (const guint8          *data,
               const ChorusSapHeader *header)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *type = NULL;
  ChorusSapMessage message = {
    .type = header->type,
    .ipv6 = header->ipv6,
    .msg_id_hash = header->msg_id_hash,
    .payload = data + header->payload_offset,
    .payload_size = header->payload_size,
  };
  ChorusSapHeader back;
  gsize size;
  const guint8 *rebuilt;

  memcpy (message.origin, header->origin, sizeof message.origin);
  if (header->payload_type != NULL)
    message.payload_type = type = g_strndup (header->payload_type, header->payload_type_size);

  bytes = chorus_sap_message_build (&message, &error);
  if (bytes == NULL)
    {
      fuzz_check_error (error);
      return;
    }
  rebuilt = g_bytes_get_data (bytes, &size);
  fuzz_check (size <= CHORUS_SAP_MAX_ANNOUNCEMENT);
  fuzz_check (chorus_sap_header_parse (rebuilt, size, &back, &error));
  fuzz_check (back.type == header->type && back.ipv6 == header->ipv6);
  fuzz_check (back.msg_id_hash == header->msg_id_hash);
  fuzz_check (memcmp (back.origin, header->origin, header->origin_size) == 0);
  fuzz_check (back.payload_type != NULL);
  fuzz_check (back.payload_size == header->payload_size);
  fuzz_check (memcmp (rebuilt + back.payload_offset, data + header->payload_offset, back.payload_size) == 0);
  fuzz_check (chorus_sap_header_is_sdp (&back) == chorus_sap_header_is_sdp (header));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ChorusSapHeader header;
  ChorusFlowKind kind;

  if (chorus_sap_header_parse (data, size, &header, &error))
    {
      gsize after_auth = 4 + header.origin_size + 4 * (gsize) header.auth_length;

      fuzz_check (header.version == CHORUS_SAP_VERSION);
      fuzz_check (header.origin_size == (header.ipv6 ? 16 : 4));
      fuzz_check ((header.auth != NULL) == (header.auth_length > 0));
      fuzz_check (header.auth == NULL || header.auth == data + 4 + header.origin_size);
      fuzz_check (header.payload_offset + header.payload_size == size);
      if (header.payload_type != NULL)
        {
          fuzz_check (chorus_sap_header_is_readable (&header));
          fuzz_check ((const guint8 *) header.payload_type == data + after_auth);
          fuzz_check (header.payload_type_size > 0);
          fuzz_check (memchr (header.payload_type, '\0', header.payload_type_size) == NULL);
          fuzz_check (data[after_auth + header.payload_type_size] == '\0');
          fuzz_check (header.payload_offset == after_auth + header.payload_type_size + 1);
        }
      else
        {
          fuzz_check (header.payload_offset == after_auth);
          if (chorus_sap_header_is_readable (&header))
            fuzz_check (header.payload_size >= 3 && memcmp (data + after_auth, "v=0", 3) == 0);
        }
      if (chorus_sap_header_is_readable (&header) && header.auth_length == 0)
        check_rebuilt (data, &header);
    }
  else
    fuzz_check_error (error);
  g_clear_error (&error);

  text = g_strndup ((const char *) data, size);
  if (chorus_flow_kind_parse (text, &kind, &error))
    fuzz_check (g_ascii_strcasecmp (chorus_flow_kind_to_string (kind), text) == 0);
  else
    fuzz_check_error (error);

  return 0;
}
