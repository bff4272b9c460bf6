/* fuzz-control.c: the control-message parser on any bytes
 *
 * What recvmsg() leaves in a datagram's control buffer is parsed by
 * _chorus_datagram_parse_control(): the kernel's timestamp, TTL and
 * destination. Whatever the bytes, it must stay inside them (ASan says
 * so when it does not) and leave the datagram sane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-socket-private.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* Aligned as a control buffer is, and exactly as long as the input. */
  g_autofree guint8 *control = g_malloc (size > 0 ? size : 1);
  ChorusDatagram d = { .ttl = -1, .arrival_usec = 42 };

  if (size > 0)
    memcpy (control, data, size);

  _chorus_datagram_parse_control (&d, control, size);

  fuzz_check (d.ttl >= -1 && d.ttl <= 255);
  fuzz_check (d.arrival_usec >= 0);
  fuzz_check (d.destination_size == 0 || d.destination_size == 4 || d.destination_size == 16);

  return 0;
}
