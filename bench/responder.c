/* responder.c: a light stand-in for many receivers, for bench/ack-burst
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * K sockets in one process, each bound to the port (SO_REUSEADDR) and
 * joined to the group, so that every datagram arrives K times; each copy
 * is answered with "ack" from its own socket, as K article receivers
 * would. Prints "ready K" on stdout once all have joined.
 *
 * Usage: responder [-g GROUP] [-p PORT] [-k SOCKETS] [-r REPLY]
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-netns.h"

#define MAX_SOCKETS 64

int
main (int   argc,
      char *argv[])
{
  const char        *group = "224.3.29.71";
  const char        *reply = "ack";
  int                port = 10000;
  int                k = 4;
  struct pollfd      fds[MAX_SOCKETS];
  struct sockaddr_in bind_to = { 0 };
  struct ip_mreq     mreq = { 0 };
  int                one = 1, opt;

  while ((opt = getopt (argc, argv, "g:p:k:r:")) != -1)
    switch (opt)
      {
      case 'g':
        group = optarg;
        break;
      case 'p':
        port = atoi (optarg);
        break;
      case 'k':
        k = atoi (optarg);
        break;
      case 'r':
        reply = optarg;
        break;
      default:
        fprintf (stderr, "usage: responder [-g GROUP] [-p PORT] [-k SOCKETS] [-r REPLY]\n");
        return 2;
      }
  if (k < 1 || k > MAX_SOCKETS || inet_pton (AF_INET, group, &mreq.imr_multiaddr) != 1)
    {
      fprintf (stderr, "responder: bad arguments\n");
      return 2;
    }

  bind_to.sin_family = AF_INET;
  bind_to.sin_port = htons (port);
  for (int i = 0; i < k; i++)
    {
      int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

      if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
          bind (fd, (struct sockaddr *) &bind_to, sizeof bind_to) != 0 ||
          setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
        {
          fprintf (stderr, "responder: socket %d: %s\n", i, strerror (errno));
          return 1;
        }
      fds[i].fd = fd;
      fds[i].events = POLLIN;
    }
  printf ("ready %d\n", k);
  fflush (stdout);

  for (;;)
    {
      if (poll (fds, k, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return 1;
        }
      for (int i = 0; i < k; i++)
        {
          struct sockaddr_in from;
          socklen_t          len = sizeof from;
          char               buffer[1024];

          if (!(fds[i].revents & POLLIN))
            continue;
          while (recvfrom (fds[i].fd, buffer, sizeof buffer, MSG_DONTWAIT,
                           (struct sockaddr *) &from, &len) >= 0)
            {
              sendto (fds[i].fd, reply, strlen (reply), 0, (struct sockaddr *) &from, len);
              len = sizeof from;
            }
        }
    }
}
