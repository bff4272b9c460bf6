/* delay-relay.c: hold every frame between two interfaces for a while
 *
 * Usage: delay-relay IFACE_A IFACE_B MSEC_A_TO_B MSEC_B_TO_A
 *
 * The kernel here has no netem. The test LAN takes a host's bridge port
 * out of the bridge and puts this relay between it and a new port: each
 * frame read on one side goes out on the other after the given delay, in
 * the order it came. Prints "ready" once both sides are open.
 *
 * A frame a veth hands to a packet socket may carry an unfinished UDP
 * checksum (the sender left it to offload); the relay finishes it, or the
 * other side would drop the datagram.
 *
 * It only ever moves frames between the two interfaces it is given, and
 * refuses to run but on the private test network (TESTLAN_OUTER_NS names
 * the namespace the test started from).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../bench/bench-netns.h"
#include "frame-sum.h"

#define FRAME_MAX (65536 + 64)
#define QUEUE_MAX 100000

typedef struct
{
  gint64 due;
  gsize size;
  guint8 data[];
} Frame;

typedef struct
{
  int fd;
  int ifindex;
  gint64 delay;
  /* Frames read on this side, waiting to go out on the other. */
  GQueue queue;
} Side;

static int
open_side (const char *name,
           Side       *side)
{
  struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons (ETH_P_ALL) };
  int one = 1;
  int buffer = 8 * 1024 * 1024;

  side->ifindex = (int) if_nametoindex (name);
  if (side->ifindex == 0)
    return -1;

  side->fd = socket (AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons (ETH_P_ALL));
  if (side->fd < 0)
    return -1;

  sll.sll_ifindex = side->ifindex;
  setsockopt (side->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
  setsockopt (side->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);
  /* Our own sends on this side are not frames to relay. */
  setsockopt (side->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);

  return bind (side->fd, (struct sockaddr *) &sll, sizeof sll);
}

/* Computes the UDP checksum of an unfragmented IPv4 datagram afresh. */
static void
finish_udp_checksum (guint8 *frame,
                     gsize   size)
{
  struct ether_header *eth = (struct ether_header *) frame;
  guint8 *ip = frame + sizeof *eth;
  gsize ip_header;
  guint16 total;
  guint8 *udp;
  gsize udp_size;
  guint32 sum;
  guint16 check;

  if (size < sizeof *eth + 20 || ntohs (eth->ether_type) != ETHERTYPE_IP)
    return;

  ip_header = (gsize) (ip[0] & 0x0f) * 4;
  total = (guint16) (ip[2] << 8 | ip[3]);
  /* Not UDP, a fragment, or cut short: leave it as it is. */
  if (ip[9] != IPPROTO_UDP || ((ip[6] & 0x3f) | ip[7]) != 0 || ip_header < 20
      || total > size - sizeof *eth || total < ip_header + 8)
    return;

  udp = ip + ip_header;
  udp_size = total - ip_header;
  udp[6] = udp[7] = 0;
  sum = frame_sum16 (ip + 12, 8, 0);
  sum += IPPROTO_UDP + (guint32) udp_size;
  sum = frame_sum16 (udp, udp_size, sum);
  check = frame_fold (sum);
  if (check == 0)
    check = 0xffff;
  udp[6] = (guint8) (check >> 8);
  udp[7] = (guint8) check;
}

static void
read_side (Side *from)
{
  guint8 buffer[FRAME_MAX];
  gssize n;

  while ((n = recv (from->fd, buffer, sizeof buffer, MSG_TRUNC)) >= 0)
    {
      Frame *frame;

      if ((gsize) n > sizeof buffer || from->queue.length >= QUEUE_MAX)
        continue;

      frame = g_malloc (sizeof *frame + (gsize) n);
      frame->due = g_get_monotonic_time () + from->delay;
      frame->size = (gsize) n;
      memcpy (frame->data, buffer, (gsize) n);
      finish_udp_checksum (frame->data, frame->size);
      g_queue_push_tail (&from->queue, frame);
    }
}

/* Sends what is due from @from's queue out of @to; returns the time the
 * next frame is due, or G_MAXINT64. */
static gint64
write_due (Side *from,
           Side *to)
{
  gint64 now = g_get_monotonic_time ();
  Frame *frame;

  while ((frame = g_queue_peek_head (&from->queue)) != NULL && frame->due <= now)
    {
      struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_ifindex = to->ifindex,
        .sll_halen = ETH_ALEN,
      };

      memcpy (sll.sll_addr, frame->data, ETH_ALEN);
      if (sendto (to->fd, frame->data, frame->size, 0, (struct sockaddr *) &sll, sizeof sll) < 0
          && errno == EAGAIN)
        return now + 1000;

      g_free (g_queue_pop_head (&from->queue));
    }

  return frame != NULL ? frame->due : G_MAXINT64;
}

int
main (int    argc,
      char **argv)
{
  Side sides[2] = { { 0 } };

  if (argc != 5)
    {
      fprintf (stderr, "Usage: delay-relay IFACE_A IFACE_B MSEC_A_TO_B MSEC_B_TO_A\n");
      return 2;
    }

  for (int i = 0; i < 2; i++)
    {
      g_queue_init (&sides[i].queue);
      sides[i].delay = g_ascii_strtoll (argv[3 + i], NULL, 10) * 1000;
      if (open_side (argv[1 + i], &sides[i]) < 0)
        {
          fprintf (stderr, "delay-relay: %s: %s\n", argv[1 + i], g_strerror (errno));
          return 1;
        }
    }

  printf ("ready\n");
  fflush (stdout);

  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = sides[0].fd, .events = POLLIN },
        { .fd = sides[1].fd, .events = POLLIN },
      };
      gint64 next = MIN (write_due (&sides[0], &sides[1]), write_due (&sides[1], &sides[0]));
      int timeout = -1;

      if (next != G_MAXINT64)
        timeout = (int) CLAMP ((next - g_get_monotonic_time () + 999) / 1000, 0, 1000);

      if (poll (fds, 2, timeout) < 0 && errno != EINTR)
        return 1;

      for (int i = 0; i < 2; i++)
        if (fds[i].revents & POLLIN)
          read_side (&sides[i]);
    }
}
