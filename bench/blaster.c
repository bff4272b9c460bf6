/* blaster.c: a paced sender of numbered datagrams, for bench/soak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends COUNT datagrams of SIZE bytes to GROUP:PORT from one UDP socket,
 * in batches of BATCH through sendmmsg(), paced to RATE datagrams a
 * second. Pacing is by batch on CLOCK_MONOTONIC: batch k leaves at
 * start + k × BATCH / RATE (an absolute deadline, so a late wake-up is
 * caught up by the next batches instead of lowering the rate). Every
 * payload starts with its sequence number, 0 for the first:
 *
 *   -f binary  8 bytes, big-endian, then zero bytes (the default)
 *   -f text    16 decimal digits, zero-padded, then '.' bytes: valid
 *              UTF-8, so a receiver that prints text shows it as is
 *
 * A SIZE below 8 (or 16) keeps only the leading bytes of the number.
 *
 * Usage: blaster [-g GROUP] [-p PORT] [-t TTL] [-I IFNAME] [-s SIZE]
 *                [-r RATE] [-n COUNT] [-b BATCH] [-T SECONDS] [-f FORMAT]
 *   -g  destination, default 224.3.29.71 (any IPv4 address; a unicast
 *       one is sent to as such)
 *   -p  port, default 10000
 *   -t  multicast TTL, default 1
 *   -I  send multicast by way of this interface (default: as routed)
 *   -s  payload bytes, 0 to 65507, default 64
 *   -r  datagrams a second, default 10000; 0 sends as fast as it can
 *   -n  datagrams in all, default 1000
 *   -b  datagrams per sendmmsg(), 1 to 1024; default RATE/1000 (a batch
 *       a millisecond) between 1 and 256, or 256 unpaced
 *   -T  give up after this many seconds, default 600
 *
 * Prints one line on stdout when done:
 *   sent N seconds S rate R batches B late_max_ms L retries E
 * N: datagrams the kernel accepted (fewer than COUNT only after -T);
 * S: from the first send to the return of the last; R = N / S;
 * L: how far behind its deadline the worst batch left; E: sendmmsg()
 * calls that failed with ENOBUFS or EAGAIN and were retried.
 * The exit status is 0 if all COUNT were sent, 1 otherwise, 2 for
 * invalid options.
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-netns.h"

#define MAX_BATCH   1024
#define MAX_PAYLOAD 65507
#define SLOT_SIZE   2048

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_until (double when)
{
  struct timespec ts;

  ts.tv_sec = (time_t) when;
  ts.tv_nsec = (long) ((when - ts.tv_sec) * 1e9);
  if (ts.tv_nsec >= 1000000000L)
    {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static void
die (const char *what)
{
  fprintf (stderr, "blaster: %s: %s\n", what, strerror (errno));
  exit (1);
}

static void
usage (void)
{
  fprintf (stderr, "usage: blaster [-g GROUP] [-p PORT] [-t TTL] [-I IFNAME] [-s SIZE]\n"
                   "               [-r RATE] [-n COUNT] [-b BATCH] [-T SECONDS]"
                   " [-f binary|text]\n");
  exit (2);
}

/* A whole number from MIN to MAX, or a usage error. */
static long long
parse_number (const char *text,
              const char *what,
              long long   min,
              long long   max)
{
  char     *end;
  long long value;

  errno = 0;
  value = strtoll (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
    {
      fprintf (stderr, "blaster: %s must be a whole number from %lld to %lld, not “%s”\n", what,
               min, max, text);
      exit (2);
    }
  return value;
}

/* The sequence number SEQ at the start of a payload of SIZE bytes. */
static void
stamp (unsigned char *payload,
       size_t         size,
       uint64_t       seq,
       int            text)
{
  unsigned char number[17];
  size_t        width = text ? 16 : 8;

  if (text)
    snprintf ((char *) number, sizeof number, "%016llu", (unsigned long long) seq);
  else
    for (int i = 0; i < 8; i++)
      number[i] = (unsigned char) (seq >> (56 - 8 * i));
  memcpy (payload, number, size < width ? size : width);
}

int
main (int   argc,
      char *argv[])
{
  const char           *group = "224.3.29.71";
  const char           *ifname = NULL;
  int                   port = 10000, ttl = 1, text = 0;
  long long             size = 64, rate = 10000, count = 1000, batch = 0;
  double                limit = 600;
  static unsigned char  payloads[MAX_BATCH][SLOT_SIZE];
  static struct mmsghdr msgs[MAX_BATCH];
  static struct iovec   iovs[MAX_BATCH];
  unsigned char        *big = NULL;
  struct sockaddr_in    to = { 0 };
  unsigned char         ttl_byte;
  long long             sent = 0, batches = 0, retries = 0;
  double                start, end, late_max = 0;
  int                   fd, opt;

  while ((opt = getopt (argc, argv, "g:p:t:I:s:r:n:b:T:f:h")) != -1)
    switch (opt)
      {
      case 'g':
        group = optarg;
        break;
      case 'p':
        port = (int) parse_number (optarg, "the port", 1, 65535);
        break;
      case 't':
        ttl = (int) parse_number (optarg, "the TTL", 0, 255);
        break;
      case 'I':
        ifname = optarg;
        break;
      case 's':
        size = parse_number (optarg, "the size", 0, MAX_PAYLOAD);
        break;
      case 'r':
        rate = parse_number (optarg, "the rate", 0, 100000000);
        break;
      case 'n':
        count = parse_number (optarg, "the count", 1, 1000000000000LL);
        break;
      case 'b':
        batch = parse_number (optarg, "the batch", 1, MAX_BATCH);
        break;
      case 'T':
        limit = (double) parse_number (optarg, "the time limit", 1, 86400);
        break;
      case 'f':
        if (strcmp (optarg, "text") == 0)
          text = 1;
        else if (strcmp (optarg, "binary") == 0)
          text = 0;
        else
          usage ();
        break;
      default:
        usage ();
      }
  if (optind != argc)
    usage ();

  if (batch == 0)
    batch = rate == 0 ? 256 : rate / 1000 < 1 ? 1 : rate / 1000 > 256 ? 256 : rate / 1000;

  to.sin_family = AF_INET;
  to.sin_port = htons (port);
  if (inet_pton (AF_INET, group, &to.sin_addr) != 1)
    {
      fprintf (stderr, "blaster: %s is not an IPv4 address\n", group);
      return 2;
    }

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die ("socket");
  ttl_byte = (unsigned char) ttl;
  if (setsockopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl_byte, sizeof ttl_byte) != 0)
    die ("IP_MULTICAST_TTL");
  if (ifname != NULL)
    {
      struct ip_mreqn mreqn = { 0 };

      mreqn.imr_ifindex = (int) if_nametoindex (ifname);
      if (mreqn.imr_ifindex == 0)
        die (ifname);
      if (setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &mreqn, sizeof mreqn) != 0)
        die ("IP_MULTICAST_IF");
    }

  /* Payloads of up to 2 KiB get a slot each; a larger size shares one
   * buffer per batch position, which is stamped afresh every time. */
  if ((size_t) size > sizeof payloads[0])
    {
      big = calloc ((size_t) batch, (size_t) size);
      if (big == NULL)
        die ("calloc");
    }
  for (int i = 0; i < batch; i++)
    {
      unsigned char *payload = big ? big + (size_t) i * (size_t) size : payloads[i];

      if (text)
        memset (payload, '.', (size_t) size);
      iovs[i].iov_base = payload;
      iovs[i].iov_len = (size_t) size;
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &to;
      msgs[i].msg_hdr.msg_namelen = sizeof to;
    }

  start = now ();
  while (sent < count)
    {
      int n = (int) (count - sent < batch ? count - sent : batch);
      int done = 0;

      if (rate > 0)
        {
          double due = start + (double) sent / (double) rate;
          double t;

          sleep_until (due);
          t = now ();
          if (t - due > late_max)
            late_max = t - due;
        }
      if (now () - start > limit)
        break;

      for (int i = 0; i < n; i++)
        stamp (iovs[i].iov_base, (size_t) size, (uint64_t) (sent + i), text);

      /* sendmmsg() may stop early; the rest of the batch follows at once. */
      while (done < n)
        {
          int r = sendmmsg (fd, msgs + done, (unsigned) (n - done), 0);

          if (r < 0)
            {
              if (errno == EINTR)
                continue;
              if (errno != ENOBUFS && errno != EAGAIN)
                die ("sendmmsg");
              retries++;
              if (now () - start > limit)
                break;
              usleep (100);
              continue;
            }
          done += r;
        }
      sent += done;
      batches++;
      if (done < n)
        break;
    }
  end = now ();

  printf ("sent %lld seconds %.3f rate %.0f batches %lld late_max_ms %.3f retries %lld\n", sent,
          end - start, end > start ? sent / (end - start) : 0.0, batches, late_max * 1000, retries);
  free (big);
  close (fd);
  return sent == count ? 0 : 1;
}
