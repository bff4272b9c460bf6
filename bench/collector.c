/* collector.c: the bare baseline for bench/ack-burst
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends one datagram to a multicast group, then counts every reply that
 * arrives within a fixed time, with as little between the socket and the
 * count as Linux allows: a huge receive buffer, recvmmsg() in batches,
 * no parsing, no output per reply. Whatever a real sender collects is
 * measured against this.
 *
 * Usage: collector [-g GROUP] [-p PORT] [-w SECONDS] [-b RCVBUF] [-m MESSAGE]
 * Prints: acks N responders N dropped N rcvbuf N
 * (dropped: replies the kernel discarded for lack of buffer space.)
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-netns.h"

#define BATCH       256
#define SLOT_SIZE   64
#define MAX_SOURCES 65536

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die (const char *what)
{
  fprintf (stderr, "collector: %s: %s\n", what, strerror (errno));
  exit (1);
}

static int
compare_u32 (const void *a,
             const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  const char               *group = "224.3.29.71";
  const char               *message = "very important data";
  int                       port = 10000;
  double                    wait = 2.0;
  int                       rcvbuf = 32 * 1024 * 1024;
  int                       one = 1;
  unsigned char             ttl = 1, loop = 1;
  static char               slots[BATCH][SLOT_SIZE];
  static struct sockaddr_in from[BATCH];
  static struct mmsghdr     msgs[BATCH];
  static struct iovec       iovs[BATCH];
  static uint32_t           sources[MAX_SOURCES];
  char                      control[BATCH][CMSG_SPACE (sizeof (uint32_t))];
  struct sockaddr_in        to = { 0 };
  unsigned long             acks = 0, n_sources = 0, responders = 0;
  uint32_t                  dropped = 0;
  socklen_t                 len;
  double                    deadline;
  int                       fd, opt;

  while ((opt = getopt (argc, argv, "g:p:w:b:m:")) != -1)
    switch (opt)
      {
      case 'g':
        group = optarg;
        break;
      case 'p':
        port = atoi (optarg);
        break;
      case 'w':
        wait = atof (optarg);
        break;
      case 'b':
        rcvbuf = atoi (optarg);
        break;
      case 'm':
        message = optarg;
        break;
      default:
        fprintf (stderr,
                 "usage: collector [-g GROUP] [-p PORT] [-w SECONDS] [-b RCVBUF] [-m MESSAGE]\n");
        return 2;
      }

  to.sin_family = AF_INET;
  to.sin_port = htons (port);
  if (inet_pton (AF_INET, group, &to.sin_addr) != 1)
    {
      fprintf (stderr, "collector: bad group %s\n", group);
      return 2;
    }

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die ("socket");
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0 &&
      setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0)
    die ("SO_RCVBUF");
  /* The kernel's count of datagrams dropped on this socket, per read. */
  setsockopt (fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  if (setsockopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
      setsockopt (fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0)
    die ("multicast options");

  for (int i = 0; i < BATCH; i++)
    {
      iovs[i].iov_base = slots[i];
      iovs[i].iov_len = SLOT_SIZE;
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_control = control[i];
    }

  if (sendto (fd, message, strlen (message), 0, (struct sockaddr *) &to, sizeof to) < 0)
    die ("sendto");

  deadline = now () + wait;
  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      double        left = deadline - now ();
      int           n;

      if (left <= 0)
        break;
      if (poll (&pfd, 1, (int) (left * 1000) + 1) <= 0)
        continue;

      for (int i = 0; i < BATCH; i++)
        {
          msgs[i].msg_hdr.msg_namelen = sizeof from[i];
          msgs[i].msg_hdr.msg_controllen = sizeof control[i];
        }
      n = recvmmsg (fd, msgs, BATCH, MSG_DONTWAIT, NULL);
      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            continue;
          die ("recvmmsg");
        }
      for (int i = 0; i < n; i++)
        {
          struct cmsghdr *c;

          for (c = CMSG_FIRSTHDR (&msgs[i].msg_hdr); c != NULL;
               c = CMSG_NXTHDR (&msgs[i].msg_hdr, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
              memcpy (&dropped, CMSG_DATA (c), sizeof dropped);
          if (n_sources < MAX_SOURCES)
            sources[n_sources++] = from[i].sin_addr.s_addr;
        }
      acks += n;
    }

  qsort (sources, n_sources, sizeof sources[0], compare_u32);
  for (unsigned long i = 0; i < n_sources; i++)
    if (i == 0 || sources[i] != sources[i - 1])
      responders++;

  len = sizeof rcvbuf;
  getsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
  printf ("acks %lu responders %lu dropped %u rcvbuf %d\n", acks, responders, dropped, rcvbuf);
  close (fd);

  return 0;
}
