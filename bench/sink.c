/* sink.c: the bare receiver, the baseline for bench/receive-capacity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Joins a group and counts what arrives with as little between the
 * socket and the count as Linux allows: the receive buffer chorus-cli
 * asks for (32 MiB through SO_RCVBUFFORCE, which the kernel doubles),
 * blocking recvmmsg() in batches, no parsing, no output per datagram.
 * With -a it also answers each datagram with REPLY to its source, from
 * the same socket, a batch of answers per sendmmsg(): the bare twin of
 * an answering chorus-cli receive. With -S as well, the answers of a
 * batch to one sender leave as one segmented send (UDP_SEGMENT, at most
 * 64 segments each), as chorus-cli sends them: the least an answering
 * receiver can cost.
 *
 * Like chorus-cli it binds the wildcard address with SO_REUSEADDR, turns
 * IP_MULTICAST_ALL off and joins on the routed interface.
 *
 * Usage: sink [-g GROUP] [-p PORT] [-b RCVBUF] [-B BATCH] [-a [-S]] [-r REPLY]
 *
 * Prints "ready rcvbuf N" on stdout once it has joined (N: the buffer
 * the kernel granted). SIGUSR1 prints the counts so far, SIGTERM or
 * SIGINT prints them and exits 0:
 *   received N bytes B answered A batches K
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-netns.h"

#define MAX_BATCH 1024
#define SLOT_SIZE 2048
#define MAX_SEGMENTS 64

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t report_requested;

static void
on_stop (int signum)
{
  (void) signum;
  stop_requested = 1;
}

static void
on_report (int signum)
{
  (void) signum;
  report_requested = 1;
}

static void
die (const char *what)
{
  fprintf (stderr, "sink: %s: %s\n", what, strerror (errno));
  exit (1);
}

static void
usage (void)
{
  fprintf (stderr, "usage: sink [-g GROUP] [-p PORT] [-b RCVBUF] [-B BATCH] [-a [-S]] [-r REPLY]\n");
  exit (2);
}

/* Without SA_RESTART, so that a signal ends a blocking recvmmsg(). */
static void
catch (int signum,
       void (*handler) (int))
{
  struct sigaction sa = { 0 };

  sa.sa_handler = handler;
  sigemptyset (&sa.sa_mask);
  if (sigaction (signum, &sa, NULL) != 0)
    die ("sigaction");
}

int
main (int   argc,
      char *argv[])
{
  const char               *group = "224.3.29.71";
  const char               *reply = "ack";
  int                       port = 10000, rcvbuf = 32 * 1024 * 1024, batch = 256, answer = 0;
  int                       segment = 0;
  static char               repeated[MAX_SEGMENTS * SLOT_SIZE];
  size_t                    reply_size;
  static unsigned char      slots[MAX_BATCH][SLOT_SIZE];
  static struct sockaddr_in from[MAX_BATCH];
  static struct mmsghdr     msgs[MAX_BATCH], answers[MAX_BATCH];
  static struct iovec       iovs[MAX_BATCH], answer_iovs[MAX_BATCH];
  struct sockaddr_in        bind_to = { 0 };
  struct ip_mreqn           mreqn = { 0 };
  unsigned long long        received = 0, bytes = 0, answered = 0, batches = 0;
  int                       one = 1, zero = 0, granted = 0, fd, opt;
  socklen_t                 len = sizeof granted;

  while ((opt = getopt (argc, argv, "g:p:b:B:aSr:h")) != -1)
    switch (opt)
      {
      case 'g':
        group = optarg;
        break;
      case 'p':
        port = atoi (optarg);
        break;
      case 'b':
        rcvbuf = atoi (optarg);
        break;
      case 'B':
        batch = atoi (optarg);
        break;
      case 'a':
        answer = 1;
        break;
      case 'S':
        segment = 1;
        break;
      case 'r':
        reply = optarg;
        break;
      default:
        usage ();
      }
  reply_size = strlen (reply);
  if (optind != argc || port < 1 || port > 65535 || rcvbuf < 0 || batch < 1 ||
      batch > MAX_BATCH || (segment && !answer) || reply_size == 0 || reply_size > SLOT_SIZE)
    usage ();
  for (int i = 0; i < MAX_SEGMENTS; i++)
    memcpy (repeated + (size_t) i * reply_size, reply, reply_size);
  if (inet_pton (AF_INET, group, &mreqn.imr_multiaddr) != 1)
    {
      fprintf (stderr, "sink: %s is not an IPv4 address\n", group);
      return 2;
    }

  catch (SIGTERM, on_stop);
  catch (SIGINT, on_stop);
  catch (SIGUSR1, on_report);

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die ("socket");
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0 &&
      setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0)
    die ("SO_RCVBUF");
  bind_to.sin_family = AF_INET;
  bind_to.sin_port = htons (port);
  if (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt (fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero) != 0)
    die ("socket options");
  if (bind (fd, (struct sockaddr *) &bind_to, sizeof bind_to) != 0)
    die ("bind");
  if (setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreqn, sizeof mreqn) != 0)
    die ("IP_ADD_MEMBERSHIP");
  getsockopt (fd, SOL_SOCKET, SO_RCVBUF, &granted, &len);
  printf ("ready rcvbuf %d\n", granted);
  fflush (stdout);

  for (int i = 0; i < batch; i++)
    {
      iovs[i].iov_base = slots[i];
      iovs[i].iov_len = SLOT_SIZE;
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      answer_iovs[i].iov_base = (void *) reply;
      answer_iovs[i].iov_len = strlen (reply);
      answers[i].msg_hdr.msg_iov = &answer_iovs[i];
      answers[i].msg_hdr.msg_iovlen = 1;
      answers[i].msg_hdr.msg_name = &from[i];
      answers[i].msg_hdr.msg_namelen = sizeof from[i];
    }

  while (!stop_requested)
    {
      int n;

      if (report_requested)
        {
          report_requested = 0;
          printf ("received %llu bytes %llu answered %llu batches %llu\n", received, bytes,
                  answered, batches);
          fflush (stdout);
        }
      for (int i = 0; i < batch; i++)
        msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      /* Blocks for the first datagram, then takes what is queued. */
      n = recvmmsg (fd, msgs, (unsigned) batch, MSG_WAITFORONE, NULL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          die ("recvmmsg");
        }
      received += (unsigned) n;
      batches++;
      for (int i = 0; i < n; i++)
        bytes += msgs[i].msg_len;
      if (answer && segment)
        {
          /* Runs to one sender, each one message the kernel cuts into
           * datagrams of the reply's size. */
          for (int i = 0, j; i < n; i = j)
            {
              union
              {
                char buffer[CMSG_SPACE (sizeof (unsigned short))];
                struct cmsghdr align;
              } control;
              struct iovec iov;
              struct msghdr run = { 0 };
              unsigned short size = (unsigned short) reply_size;

              for (j = i + 1; j < n && j - i < MAX_SEGMENTS
                              && (size_t) (j - i + 1) * reply_size <= 60 * 1024
                              && memcmp (&from[j], &from[i], sizeof from[i]) == 0;
                   j++)
                ;
              iov.iov_base = repeated;
              iov.iov_len = (size_t) (j - i) * reply_size;
              run.msg_name = &from[i];
              run.msg_namelen = sizeof from[i];
              run.msg_iov = &iov;
              run.msg_iovlen = 1;
              if (j - i > 1)
                {
                  run.msg_control = control.buffer;
                  run.msg_controllen = sizeof control.buffer;
                  control.align.cmsg_level = SOL_UDP;
                  control.align.cmsg_type = UDP_SEGMENT;
                  control.align.cmsg_len = CMSG_LEN (sizeof size);
                  memcpy (CMSG_DATA (&control.align), &size, sizeof size);
                }
              /* As below: a failed answer is skipped, not counted. */
              if (sendmsg (fd, &run, MSG_DONTWAIT) >= 0)
                answered += (unsigned) (j - i);
            }
        }
      else if (answer)
        {
          int done = 0;

          /* A failed answer (a full send buffer, an unreachable sender)
           * is skipped, not counted and not retried, as chorus-cli does. */
          while (done < n)
            {
              int r = sendmmsg (fd, answers + done, (unsigned) (n - done), MSG_DONTWAIT);

              if (r < 0)
                {
                  if (errno != EINTR)
                    done++;
                  continue;
                }
              done += r;
              answered += (unsigned) r;
            }
        }
    }

  printf ("received %llu bytes %llu answered %llu batches %llu\n", received, bytes, answered,
          batches);
  close (fd);
  return 0;
}
