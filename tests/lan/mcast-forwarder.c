/* mcast-forwarder.c: the test router's multicast forwarding, where the
 * kernel has none
 *
 * Usage: mcast-forwarder ROUTE…
 *   ROUTE is "IN GROUP/LEN OUT" for (*,G) or "IN SOURCE GROUP/LEN OUT"
 *   for (S,G), one argument each: a datagram to a group under GROUP/LEN
 *   (from SOURCE) that arrives on interface IN leaves by interface OUT.
 *
 * A kernel built without CONFIG_IP_MROUTE and CONFIG_IPV6_MROUTE cannot
 * forward a multicast datagram, whatever smcrouted asks of it. The test
 * LAN then runs this in its router's namespace instead, with the routes
 * it would have given smcrouted, and it does what the kernel would do
 * with them (ipmr and ip6mr, with a TTL threshold of 1 on every leg):
 *
 *  - it reads every multicast frame arriving on a leg, with a packet
 *    socket for IPv4 and one for IPv6 (unicast stays with the kernel's
 *    forwarding); sockets of one protocol see frames after the netdev
 *    ingress hook, so nftables there can stop multicast at the router,
 *    as the forward hook would for the kernel's routing;
 *  - IPv4: it forwards a datagram to a routed group only when the TTL is
 *    more than 1, with the TTL one less and the header checksum made
 *    anew; never one to 224.0.0.0/24, the local network's own groups;
 *  - IPv6: only when the hop limit is more than 1 and the group's scope
 *    is wider than link-local, with the hop limit one less; never one
 *    whose source is link-local;
 *  - the source address stays, the frame's source MAC becomes the
 *    outgoing leg's and its destination the group's MAC;
 *  - a frame a veth hands to a packet socket may carry the UDP checksum
 *    left to offload (only the pseudo-header sum in the field): the far
 *    host would drop it, so the forwarder writes the real one, IPv4 and
 *    IPv6, where the kernel says it is not done.
 *
 * It prints "ready" once every leg is open; on SIGTERM, what it did, on
 * stderr. It refuses to run but on the private test network
 * (TESTLAN_OUTER_NS names the namespace the test started from).
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
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../bench/bench-netns.h"
#include "frame-sum.h"

#define FRAME_MAX (65536 + 64)
#define MAX_LEGS  8

/* The two protocols a leg reads, each with its own socket. */
static const guint16 protocols[] = { ETHERTYPE_IP, ETHERTYPE_IPV6 };

typedef struct
{
  char   name[IF_NAMESIZE];
  int    ifindex;
  int    fd[G_N_ELEMENTS (protocols)];
  guint8 mac[ETH_ALEN];
} Leg;

typedef struct
{
  int       family;
  guint     in;  /* index into legs */
  guint     out;
  gboolean  any_source;
  guint8    source[16];
  guint8    group[16];
  guint     prefix;
} Route;

typedef struct
{
  guint64 forwarded;
  guint64 low_ttl;    /* TTL or hop limit 1 (or 0) */
  guint64 unrouted;   /* no route for it from this leg */
  guint64 malformed;
  guint64 send_failed;
} Counters;

static Leg legs[MAX_LEGS];
static guint n_legs;
static GArray *routes;
static Counters counters;
static volatile sig_atomic_t stopping;

/* Counts a frame that is not forwarded; returns the empty set of legs. */
static guint
drop (guint64 *counter)
{
  (*counter)++;

  return 0;
}

static void
on_term (int signum)
{
  stopping = 1;
}

static guint
leg_named (const char *name)
{
  for (guint i = 0; i < n_legs; i++)
    if (strcmp (legs[i].name, name) == 0)
      return i;

  if (n_legs == MAX_LEGS || strlen (name) >= IF_NAMESIZE)
    {
      fprintf (stderr, "mcast-forwarder: %s: too many legs or too long a name\n", name);
      exit (2);
    }
  g_strlcpy (legs[n_legs].name, name, IF_NAMESIZE);

  return n_legs++;
}

static gboolean
parse_prefix (const char *text,
              Route      *route)
{
  g_auto (GStrv) parts = g_strsplit (text, "/", 2);
  guint64 prefix;

  if (g_strv_length (parts) != 2)
    return FALSE;
  if (inet_pton (AF_INET, parts[0], route->group) == 1)
    route->family = AF_INET;
  else if (inet_pton (AF_INET6, parts[0], route->group) == 1)
    route->family = AF_INET6;
  else
    return FALSE;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 0, route->family == AF_INET ? 32 : 128, &prefix,
                                   NULL))
    return FALSE;
  route->prefix = (guint) prefix;

  return TRUE;
}

static void
parse_route (const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", 0);
  guint n = g_strv_length (words);
  Route route = { 0 };
  gboolean ok = n == 3 || n == 4;

  if (ok)
    {
      route.in = leg_named (words[0]);
      route.out = leg_named (words[n - 1]);
      route.any_source = n == 3;
      ok = parse_prefix (words[n - 2], &route) && route.in != route.out;
    }
  if (ok && n == 4)
    ok = inet_pton (route.family, words[1], route.source) == 1;
  if (!ok)
    {
      fprintf (stderr,
               "mcast-forwarder: “%s” is not a route: IN GROUP/LEN OUT or IN SOURCE GROUP/LEN OUT\n",
               text);
      exit (2);
    }

  g_array_append_val (routes, route);
}

static int
open_socket (Leg     *leg,
             guint16  protocol)
{
  struct sockaddr_ll sll = {
    .sll_family = AF_PACKET,
    .sll_protocol = htons (protocol),
    .sll_ifindex = leg->ifindex,
  };
  struct packet_mreq mreq = { .mr_ifindex = leg->ifindex, .mr_type = PACKET_MR_ALLMULTI };
  int one = 1;
  int buffer = 8 * 1024 * 1024;
  int fd;

  fd = socket (AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons (protocol));
  if (fd < 0)
    return -1;

  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
  setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);
  /* What we send on a leg is not for us to forward again. */
  setsockopt (fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  /* Whether the checksum is finished comes with each frame. */
  setsockopt (fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
  setsockopt (fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq);

  if (bind (fd, (struct sockaddr *) &sll, sizeof sll) < 0)
    {
      int saved_errno = errno;

      close (fd);
      errno = saved_errno;
      return -1;
    }

  return fd;
}

static int
open_leg (Leg *leg)
{
  struct ifreq ifr = { 0 };

  leg->ifindex = (int) if_nametoindex (leg->name);
  if (leg->ifindex == 0)
    return -1;

  for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
    {
      leg->fd[p] = open_socket (leg, protocols[p]);
      if (leg->fd[p] < 0)
        return -1;
    }

  g_strlcpy (ifr.ifr_name, leg->name, IF_NAMESIZE);
  if (ioctl (leg->fd[0], SIOCGIFHWADDR, &ifr) < 0)
    return -1;
  memcpy (leg->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);

  return 0;
}

static gboolean
prefix_matches (const guint8 *address,
                const guint8 *prefix,
                guint         length)
{
  guint bytes = length / 8;
  guint bits = length % 8;

  if (memcmp (address, prefix, bytes) != 0)
    return FALSE;
  if (bits == 0)
    return TRUE;

  return ((address[bytes] ^ prefix[bytes]) & (guint8) (0xff << (8 - bits))) == 0;
}

/* The UDP checksum over the pseudo-header (source and destination, of
 * address_size bytes each, from addresses on) and the datagram. */
static void
write_udp_checksum (guint8       *udp,
                    gsize         udp_size,
                    const guint8 *addresses,
                    gsize         address_size)
{
  guint32 sum;
  guint16 check;

  udp[6] = udp[7] = 0;
  sum = frame_sum16 (addresses, 2 * address_size, 0);
  sum += IPPROTO_UDP + (guint32) udp_size;
  sum = frame_sum16 (udp, udp_size, sum);
  check = frame_fold (sum);
  if (check == 0)
    check = 0xffff;
  udp[6] = (guint8) (check >> 8);
  udp[7] = (guint8) check;
}

/* The legs a datagram from source to group that came in on leg in goes
 * out on, as a bit set; each at most once, as the kernel's routes do. */
static guint
lookup (int           family,
        guint         in,
        const guint8 *source,
        const guint8 *group)
{
  gsize size = family == AF_INET ? 4 : 16;
  guint out = 0;

  for (guint i = 0; i < routes->len; i++)
    {
      const Route *route = &g_array_index (routes, Route, i);

      if (route->family == family && route->in == in
          && prefix_matches (group, route->group, route->prefix)
          && (route->any_source || memcmp (source, route->source, size) == 0))
        out |= 1u << route->out;
    }

  return out;
}

/* Checks an IPv4 frame and makes it ready to forward; returns the legs it
 * goes out on, 0 for none. */
static guint
prepare_ipv4 (guint    in,
              guint8  *ip,
              gsize    size,
              gboolean checksum_unfinished,
              guint8   group_mac[ETH_ALEN])
{
  gsize header;
  gsize total;
  guint out;

  if (size < 20 || ip[0] >> 4 != 4)
    return drop (&counters.malformed);
  header = (gsize) (ip[0] & 0x0f) * 4;
  total = (gsize) (ip[2] << 8 | ip[3]);
  if (header < 20 || total < header || total > size
      || frame_fold (frame_sum16 (ip, header, 0)) != 0)
    return drop (&counters.malformed);
  /* 224.0.0.0/24 never leaves its link; neither does any other group here
   * without a route. */
  if (ip[16] >> 4 != 0xe || (ip[16] == 224 && ip[17] == 0 && ip[18] == 0))
    return drop (&counters.unrouted);
  out = lookup (AF_INET, in, ip + 12, ip + 16);
  if (out == 0)
    return drop (&counters.unrouted);
  if (ip[8] <= 1)
    return drop (&counters.low_ttl);

  ip[8]--;
  ip[10] = ip[11] = 0;
  {
    guint16 check = frame_fold (frame_sum16 (ip, header, 0));

    ip[10] = (guint8) (check >> 8);
    ip[11] = (guint8) check;
  }

  /* An unfragmented UDP datagram whose checksum the sender left to the
   * hardware. */
  if (checksum_unfinished && ip[9] == IPPROTO_UDP && ((ip[6] & 0x3f) | ip[7]) == 0
      && total >= header + 8)
    write_udp_checksum (ip + header, total - header, ip + 12, 4);

  group_mac[0] = 0x01;
  group_mac[1] = 0x00;
  group_mac[2] = 0x5e;
  group_mac[3] = ip[17] & 0x7f;
  group_mac[4] = ip[18];
  group_mac[5] = ip[19];

  return out;
}

static guint
prepare_ipv6 (guint    in,
              guint8  *ip,
              gsize    size,
              gboolean checksum_unfinished,
              guint8   group_mac[ETH_ALEN])
{
  gsize payload;
  guint scope;
  guint out;

  if (size < 40 || ip[0] >> 4 != 6)
    return drop (&counters.malformed);
  payload = (gsize) (ip[4] << 8 | ip[5]);
  if (40 + payload > size)
    return drop (&counters.malformed);
  scope = ip[25] & 0x0f;
  /* Interface- and link-local groups, and link-local sources, stay on
   * their link. */
  if (ip[24] != 0xff || scope <= 2 || (ip[8] == 0xfe && (ip[9] & 0xc0) == 0x80))
    return drop (&counters.unrouted);
  out = lookup (AF_INET6, in, ip + 8, ip + 24);
  if (out == 0)
    return drop (&counters.unrouted);
  if (ip[7] <= 1)
    return drop (&counters.low_ttl);

  ip[7]--;
  if (checksum_unfinished && ip[6] == IPPROTO_UDP && payload >= 8)
    write_udp_checksum (ip + 40, payload, ip + 8, 16);

  group_mac[0] = 0x33;
  group_mac[1] = 0x33;
  memcpy (group_mac + 2, ip + 36, 4);

  return out;
}

static void
forward (guint   protocol,
         guint8 *frame,
         gsize   size,
         guint   out)
{
  for (guint i = 0; i < n_legs; i++)
    {
      struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons (protocols[protocol]),
        .sll_ifindex = legs[i].ifindex,
        .sll_halen = ETH_ALEN,
      };

      if ((out & (1u << i)) == 0)
        continue;

      memcpy (frame + ETH_ALEN, legs[i].mac, ETH_ALEN);
      memcpy (sll.sll_addr, frame, ETH_ALEN);
      if (sendto (legs[i].fd[protocol], frame, size, 0, (struct sockaddr *) &sll, sizeof sll) < 0)
        counters.send_failed++;
      else
        counters.forwarded++;
    }
}

static void
read_leg (guint in,
          guint protocol)
{
  static guint8 frame[FRAME_MAX];

  for (;;)
    {
      union
      {
        struct cmsghdr header;
        char buffer[CMSG_SPACE (sizeof (struct tpacket_auxdata))];
      } control;
      struct sockaddr_ll from;
      struct iovec iov = { frame, sizeof frame };
      struct msghdr msg = {
        .msg_name = &from,
        .msg_namelen = sizeof from,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = &control,
        .msg_controllen = sizeof control,
      };
      struct ether_header *eth = (struct ether_header *) frame;
      gboolean unfinished = FALSE;
      guint8 group_mac[ETH_ALEN];
      gssize n;
      guint out = 0;

      n = recvmsg (legs[in].fd[protocol], &msg, MSG_TRUNC);
      if (n < 0)
        return;
      if ((gsize) n > sizeof frame || (gsize) n < sizeof *eth
          || from.sll_pkttype != PACKET_MULTICAST)
        continue;

      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
        if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
          {
            struct tpacket_auxdata aux;

            memcpy (&aux, CMSG_DATA (c), sizeof aux);
            unfinished = (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
          }

      if (ntohs (eth->ether_type) != protocols[protocol])
        continue;
      if (protocols[protocol] == ETHERTYPE_IP)
        out = prepare_ipv4 (in, frame + sizeof *eth, (gsize) n - sizeof *eth, unfinished,
                            group_mac);
      else
        out = prepare_ipv6 (in, frame + sizeof *eth, (gsize) n - sizeof *eth, unfinished,
                            group_mac);
      if (out == 0)
        continue;

      memcpy (eth->ether_dhost, group_mac, ETH_ALEN);
      forward (protocol, frame, (gsize) n, out);
    }
}

int
main (int    argc,
      char **argv)
{
  struct pollfd fds[MAX_LEGS * G_N_ELEMENTS (protocols)];
  guint n_fds = 0;
  struct sigaction action = { .sa_handler = on_term };

  if (argc < 2)
    {
      fprintf (stderr, "Usage: mcast-forwarder ROUTE…\n"
                       "  ROUTE: \"IN GROUP/LEN OUT\" or \"IN SOURCE GROUP/LEN OUT\"\n");
      return 2;
    }

  routes = g_array_new (FALSE, TRUE, sizeof (Route));
  for (int i = 1; i < argc; i++)
    parse_route (argv[i]);

  for (guint i = 0; i < n_legs; i++)
    {
      if (open_leg (&legs[i]) < 0)
        {
          fprintf (stderr, "mcast-forwarder: %s: %s\n", legs[i].name, g_strerror (errno));
          return 1;
        }
      for (guint p = 0; p < G_N_ELEMENTS (protocols); p++)
        fds[n_fds++] = (struct pollfd) { .fd = legs[i].fd[p], .events = POLLIN };
    }

  sigaction (SIGTERM, &action, NULL);
  sigaction (SIGINT, &action, NULL);

  printf ("ready\n");
  fflush (stdout);

  while (!stopping)
    {
      if (poll (fds, n_fds, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          fprintf (stderr, "mcast-forwarder: poll: %s\n", g_strerror (errno));
          return 1;
        }
      for (guint f = 0; f < n_fds; f++)
        if (fds[f].revents & POLLIN)
          read_leg (f / G_N_ELEMENTS (protocols), f % G_N_ELEMENTS (protocols));
    }

  fprintf (stderr,
           "mcast-forwarder: forwarded %" G_GUINT64_FORMAT ", TTL too low %" G_GUINT64_FORMAT
           ", no route %" G_GUINT64_FORMAT ", malformed %" G_GUINT64_FORMAT
           ", failed to send %" G_GUINT64_FORMAT "\n",
           counters.forwarded, counters.low_ttl, counters.unrouted, counters.malformed,
           counters.send_failed);

  return 0;
}
