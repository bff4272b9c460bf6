/* fuzz-rtp.c: the RTP header parser and the flow classifier on any bytes
 *
 * Whatever the bytes, the parser stays inside them (ASan says so when
 * it does not) and what it accepts adds up: header, CSRCs, extension,
 * payload and padding are the datagram, in that order. The classifier
 * agrees with the parsers it is built on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-flow-kind.h"
#include "chorus-probe.h"
#include "chorus-rtp.h"
#include "chorus-ts.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  ChorusRtpHeader header;
  ChorusFlowKind kind;
  guint32 ssrc = 0;
  guint16 seq = 0;

  if (chorus_rtp_header_parse (data, size, &header, &error))
    {
      gsize fixed = CHORUS_RTP_HEADER_SIZE + 4 * header.csrc_count
                    + (header.extension ? 4 + header.extension_size : 0);

      fuzz_check (error == NULL);
      fuzz_check (header.version == CHORUS_RTP_VERSION);
      fuzz_check (header.csrc_count <= CHORUS_RTP_MAX_CSRC);
      fuzz_check (header.payload_type < 128);
      fuzz_check (header.payload_type < 72 || header.payload_type > 76);
      fuzz_check (header.payload_offset == fixed);
      fuzz_check (header.payload_offset + header.payload_size + header.padding_size == size);
      fuzz_check (header.padding == (header.padding_size > 0));
      fuzz_check (header.extension_size % 4 == 0);
      fuzz_check (header.seq == (data[2] << 8 | data[3]));
      fuzz_check (header.ssrc == ((guint32) data[8] << 24 | (guint32) data[9] << 16
                                  | (guint32) data[10] << 8 | data[11]));
      if (chorus_rtp_payload_type_clock_rate (header.payload_type) != 0)
        fuzz_check (chorus_rtp_payload_type_name (header.payload_type) != NULL);
    }
  else
    {
      fuzz_check_error (error);
    }

  kind = chorus_flow_kind_of_datagram (data, size, &ssrc, &seq);
  fuzz_check (kind != CHORUS_FLOW_KIND_AUTO);
  switch (kind)
    {
    case CHORUS_FLOW_KIND_CHORUS:
      fuzz_check (chorus_wire_get_kind (data, size) != CHORUS_WIRE_NONE);
      break;
    case CHORUS_FLOW_KIND_TS:
      fuzz_check (chorus_ts_is_aligned (data, size));
      break;
    case CHORUS_FLOW_KIND_RTP:
    case CHORUS_FLOW_KIND_RTP_TS:
      fuzz_check (error == NULL);
      fuzz_check (ssrc == header.ssrc && seq == header.seq);
      fuzz_check ((kind == CHORUS_FLOW_KIND_RTP_TS)
                  == chorus_ts_is_aligned (data + header.payload_offset, header.payload_size));
      break;
    case CHORUS_FLOW_KIND_UDP:
      fuzz_check (error != NULL);
      fuzz_check (!chorus_ts_is_aligned (data, size));
      break;
    default:
      fuzz_fail (__FILE__, __LINE__, G_STRFUNC, "a kind of datagram");
    }

  return 0;
}
