/* frame-sum.h: the internet checksum, for the test LAN's frame relays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * delay-relay.c and mcast-forwarder.c both finish UDP checksums that a
 * veth left to offload; the sums are the same.
 */

#pragma once

#include <glib.h>

/* Adds @data to @sum as 16-bit big-endian words (RFC 1071). */
static inline guint32
frame_sum16 (const guint8 *data,
             gsize         size,
             guint32       sum)
{
  for (gsize i = 0; i + 1 < size; i += 2)
    sum += (guint32) (data[i] << 8 | data[i + 1]);
  if (size % 2 == 1)
    sum += (guint32) (data[size - 1] << 8);

  return sum;
}

/* Folds @sum to 16 bits and complements it. */
static inline guint16
frame_fold (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (guint16) ~sum;
}
