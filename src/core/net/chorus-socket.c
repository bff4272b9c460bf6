/* chorus-socket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "chorus-error.h"
#include "chorus-socket-private.h"

/* Linux 4.20 and later; older headers may lack the name. */
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

/* Room for the control messages a datagram brings: a timestamp, the TTL
 * or hop limit, and where it was sent to. */
#define CONTROL_SIZE 256

struct _ChorusBatch
{
  guint n_slots;
  gsize slot_size;
  guint8 *buffers;
  guint8 *controls;
  struct iovec *vectors;
  struct mmsghdr *messages;
  ChorusDatagram *datagrams;
  guint n_datagrams;
};

/* The group (and source) as the protocol-independent requests take them. */
static void
fill_storage (struct sockaddr_storage *storage,
              GInetAddress            *address)
{
  memset (storage, 0, sizeof *storage);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) storage;

      in->sin_family = AF_INET;
      memcpy (&in->sin_addr, g_inet_address_to_bytes (address), sizeof in->sin_addr);
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) storage;

      in6->sin6_family = AF_INET6;
      memcpy (&in6->sin6_addr, g_inet_address_to_bytes (address), sizeof in6->sin6_addr);
    }
}

static int
level_of (GInetAddress *group)
{
  return g_inet_address_get_family (group) == G_SOCKET_FAMILY_IPV4 ? IPPROTO_IP : IPPROTO_IPV6;
}

/* option on (group, source), or on the group alone when source is NULL. */
static int
group_request (GSocket      *socket,
               int           option,
               GInetAddress *group,
               GInetAddress *source,
               guint         ifindex)
{
  if (source == NULL)
    {
      struct group_req request = { .gr_interface = ifindex };

      fill_storage (&request.gr_group, group);
      return setsockopt (g_socket_get_fd (socket), level_of (group), option, &request,
                         sizeof request);
    }
  else
    {
      struct group_source_req request = { .gsr_interface = ifindex };

      fill_storage (&request.gsr_group, group);
      fill_storage (&request.gsr_source, source);
      return setsockopt (g_socket_get_fd (socket), level_of (group), option, &request,
                         sizeof request);
    }
}

/*
 * _chorus_socket_join:
 * @source: (nullable): join for this source only (source-specific
 *   multicast); %NULL for any source
 * @ifindex: the interface to join on, or 0 for the routing table's choice
 *
 * Joins by interface index rather than name, so that an interface that
 * went away since it was checked fails the join (ENODEV) instead of
 * quietly becoming "any interface". Joining a group again for another
 * source adds that source.
 *
 * @no_room (out) (optional) is set when the join failed because the socket
 * holds as many groups (or sources) as the system allows one socket
 * (net.ipv4.igmp_max_memberships, 20 by default): another socket can
 * take more.
 */
gboolean
_chorus_socket_join (GSocket       *socket,
                     GInetAddress  *group,
                     GInetAddress  *source,
                     guint          ifindex,
                     gboolean      *no_room,
                     GError       **error)
{
  g_autofree char *group_text = g_inet_address_to_string (group);
  g_autofree char *source_text = source ? g_inet_address_to_string (source) : NULL;
  char name[IF_NAMESIZE] = "?";
  int saved_errno;

  if (no_room != NULL)
    *no_room = FALSE;

  if (group_request (socket, source ? MCAST_JOIN_SOURCE_GROUP : MCAST_JOIN_GROUP, group, source,
                     ifindex) == 0)
    return TRUE;

  saved_errno = errno;
  if (no_room != NULL)
    *no_room = saved_errno == ENOBUFS;
  if (ifindex != 0)
    if_indextoname (ifindex, name);

  if (source != NULL && ifindex != 0)
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                 _("Could not join %s for the source %s on %s: %s"), group_text, source_text,
                 name, g_strerror (saved_errno));
  else if (source != NULL)
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                 _("Could not join %s for the source %s: %s (does a route cover multicast?)"),
                 group_text, source_text, g_strerror (saved_errno));
  else if (ifindex != 0)
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not join %s on %s: %s"),
                 group_text, name, g_strerror (saved_errno));
  else
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                 _("Could not join %s: %s (does a route cover multicast?)"), group_text,
                 g_strerror (saved_errno));

  return FALSE;
}

/*
 * _chorus_socket_block_source:
 *
 * Stops one source of a group joined for any source from reaching this
 * socket (the group's filter goes to exclude mode).
 */
gboolean
_chorus_socket_block_source (GSocket       *socket,
                             GInetAddress  *group,
                             GInetAddress  *source,
                             guint          ifindex,
                             GError       **error)
{
  int saved_errno;
  g_autofree char *group_text = NULL;
  g_autofree char *source_text = NULL;

  if (group_request (socket, MCAST_BLOCK_SOURCE, group, source, ifindex) == 0)
    return TRUE;

  saved_errno = errno;
  group_text = g_inet_address_to_string (group);
  source_text = g_inet_address_to_string (source);
  g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
               _("Could not keep out the source %s of %s: %s"), source_text, group_text,
               g_strerror (saved_errno));

  return FALSE;
}

/* Leaves what _chorus_socket_join() joined, every source of it, also on
 * an interface that has gone away since; errors do not matter here. */
void
_chorus_socket_leave (GSocket      *socket,
                      GInetAddress *group,
                      guint         ifindex)
{
  group_request (socket, MCAST_LEAVE_GROUP, group, NULL, ifindex);
}

/*
 * _chorus_link_get_state:
 * @name: an interface name
 * @ifindex: (out): its index now, 0 when it is gone
 *
 * Whether the interface can carry multicast now: there, up and with a
 * carrier.
 */
ChorusLinkState
_chorus_link_get_state (const char *name,
                        guint      *ifindex)
{
  struct ifreq request = { 0 };
  int fd;
  int result;

  *ifindex = strlen (name) < IF_NAMESIZE ? if_nametoindex (name) : 0;
  if (*ifindex == 0)
    return CHORUS_LINK_GONE;

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return CHORUS_LINK_UP;

  g_strlcpy (request.ifr_name, name, sizeof request.ifr_name);
  result = ioctl (fd, SIOCGIFFLAGS, &request);
  close (fd);

  if (result < 0)
    return errno == ENODEV ? CHORUS_LINK_GONE : CHORUS_LINK_UP;
  if (!(request.ifr_flags & IFF_UP))
    return CHORUS_LINK_DOWN;
  if (!(request.ifr_flags & IFF_RUNNING))
    return CHORUS_LINK_NO_CARRIER;

  return CHORUS_LINK_UP;
}

GArray *
_chorus_link_get_broadcasts (void)
{
  GArray *broadcasts = g_array_new (FALSE, FALSE, sizeof (guint32));
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) < 0)
    return broadcasts;

  for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
    {
      guint32 address, broadcast;

      if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET
          || !(i->ifa_flags & IFF_BROADCAST) || i->ifa_broadaddr == NULL)
        continue;

      address = ((struct sockaddr_in *) (void *) i->ifa_addr)->sin_addr.s_addr;
      broadcast = ((struct sockaddr_in *) (void *) i->ifa_broadaddr)->sin_addr.s_addr;

      /* An address configured without one reports itself (glibc), or
       * nothing, as its broadcast address. */
      if (broadcast != address && broadcast != 0)
        g_array_append_val (broadcasts, broadcast);
    }

  freeifaddrs (list);

  return broadcasts;
}

struct _ChorusLinkWatch
{
  GSocket *socket;
  GSource *source;
  GSourceFunc func;
  gpointer data;
};

static gboolean
on_link_message (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  ChorusLinkWatch *watch = user_data;
  char buffer[8192];

  /* What changed does not matter; the caller looks at what is now. */
  while (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) > 0)
    ;

  watch->func (watch->data);

  return G_SOURCE_CONTINUE;
}

ChorusLinkWatch *
_chorus_link_watch_new (GSourceFunc   func,
                        gpointer      data,
                        GError      **error)
{
  g_autoptr(ChorusLinkWatch) watch = g_new0 (ChorusLinkWatch, 1);
  struct sockaddr_nl local = {
    .nl_family = AF_NETLINK,
    .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
  };
  GMainContext *context;
  int fd;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0 || bind (fd, (struct sockaddr *) &local, sizeof local) < 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not watch the network interfaces: %s"), g_strerror (saved_errno));
      return NULL;
    }

  watch->socket = g_socket_new_from_fd (fd, error);
  if (watch->socket == NULL)
    {
      close (fd);
      return NULL;
    }

  g_socket_set_blocking (watch->socket, FALSE);
  watch->func = func;
  watch->data = data;
  watch->source = g_socket_create_source (watch->socket, G_IO_IN, NULL);
  g_source_set_callback (watch->source, G_SOURCE_FUNC (on_link_message), watch, NULL);
  context = g_main_context_ref_thread_default ();
  g_source_attach (watch->source, context);
  g_main_context_unref (context);

  return g_steal_pointer (&watch);
}

void
_chorus_link_watch_free (ChorusLinkWatch *watch)
{
  if (watch == NULL)
    return;

  if (watch->source != NULL)
    {
      g_source_destroy (watch->source);
      g_source_unref (watch->source);
    }
  if (watch->socket != NULL)
    {
      g_socket_close (watch->socket, NULL);
      g_object_unref (watch->socket);
    }
  g_free (watch);
}

int
_chorus_socket_get_int (GSocket *socket,
                        int      level,
                        int      option)
{
  int value = -1;

  if (!g_socket_get_option (socket, level, option, &value, NULL))
    return -1;

  return value;
}

static gboolean
reader_tick_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  g_source_set_ready_time (source, -1);

  return callback (user_data);
}

static GSourceFuncs reader_tick_funcs = {
  .dispatch = reader_tick_dispatch,
};

static gboolean
on_reader_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  ChorusReader *reader = user_data;

  reader->func (reader->data);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_reader_tick (gpointer user_data)
{
  ChorusReader *reader = user_data;

  reader->func (reader->data);

  return G_SOURCE_CONTINUE;
}

static void
reader_watch (ChorusReader *reader)
{
  reader->source = g_socket_create_source (reader->socket, G_IO_IN, reader->cancellable);
  g_source_set_priority (reader->source, reader->pace.priority);
  g_source_set_callback (reader->source, G_SOURCE_FUNC (on_reader_ready), reader, NULL);
  g_source_attach (reader->source, reader->context);
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/**
 * _chorus_reader_start:
 * @socket: (transfer none): kept open by the owner while the reader runs
 * @context: where to read it; held until the reader stops
 * @cancellable: (nullable): stops the watching early
 * @moderate: whether a heavy stream may be read on ticks
 * @func: reads; called with @data
 *
 * Starts watching @socket.
 */
void
_chorus_reader_start (ChorusReader *reader,
                      GSocket      *socket,
                      GMainContext *context,
                      GCancellable *cancellable,
                      gboolean      moderate,
                      GSourceFunc   func,
                      gpointer      data)
{
  g_assert (reader->source == NULL && reader->tick == NULL);

  reader->socket = socket;
  reader->context = g_main_context_ref (context);
  reader->cancellable = cancellable;
  reader->func = func;
  reader->data = data;
  chorus_pace_init (&reader->pace, moderate);
  reader_watch (reader);
}

/**
 * _chorus_reader_schedule:
 * @started: when the read began, on the monotonic clock
 * @handled: datagrams it read
 * @hit_limit: it stopped at its own limits with data still waiting
 *
 * After a read: when the next one comes, and before what. Called from the
 * dispatch of the source it may replace; destroying that one is allowed.
 */
void
_chorus_reader_schedule (ChorusReader *reader,
                         gint64        started,
                         guint         handled,
                         gboolean      hit_limit)
{
  gint64 now = g_get_monotonic_time ();
  GSource *current;

  if (reader->source == NULL && reader->tick == NULL)
    return;

  chorus_pace_update (&reader->pace, started, now, handled, hit_limit);

  if (reader->pace.next_read_usec < 0 && reader->tick != NULL)
    {
      clear_source (&reader->tick);
      reader_watch (reader);
      g_debug ("Traffic is light again: reading as datagrams come");
    }
  else if (reader->pace.next_read_usec >= 0 && reader->source != NULL)
    {
      clear_source (&reader->source);
      reader->tick = g_source_new (&reader_tick_funcs, sizeof (GSource));
      g_source_set_callback (reader->tick, on_reader_tick, reader, NULL);
      g_source_attach (reader->tick, reader->context);
      g_debug ("A heavy stream: reading on ticks of %d to %d microseconds",
               CHORUS_PACE_TICK_MIN_USEC, CHORUS_PACE_TICK_MAX_USEC);
    }

  /* Setting either wakes the main loop up: only when it changes. */
  current = reader->tick != NULL ? reader->tick : reader->source;
  if (g_source_get_priority (current) != reader->pace.priority)
    g_source_set_priority (current, reader->pace.priority);
  if (reader->tick != NULL)
    g_source_set_ready_time (reader->tick, now + reader->pace.next_read_usec);
}

/* Stops reading; the reader may be started again. */
void
_chorus_reader_stop (ChorusReader *reader)
{
  clear_source (&reader->source);
  clear_source (&reader->tick);
  g_clear_pointer (&reader->context, g_main_context_unref);
}

/* Whether a heavy stream is being read on ticks. */
gboolean
_chorus_reader_is_ticking (ChorusReader *reader)
{
  return reader->tick != NULL;
}

ChorusBatch *
_chorus_batch_new (guint n_slots,
                   gsize slot_size)
{
  ChorusBatch *batch = g_new0 (ChorusBatch, 1);

  g_assert (n_slots > 0);
  g_assert (slot_size > 0);

  batch->n_slots = n_slots;
  batch->slot_size = slot_size;
  batch->buffers = g_malloc (n_slots * slot_size);
  batch->controls = g_malloc0 (n_slots * CONTROL_SIZE);
  batch->vectors = g_new0 (struct iovec, n_slots);
  batch->messages = g_new0 (struct mmsghdr, n_slots);
  batch->datagrams = g_new0 (ChorusDatagram, n_slots);

  return batch;
}

void
_chorus_batch_free (ChorusBatch *batch)
{
  if (batch == NULL)
    return;

  g_free (batch->buffers);
  g_free (batch->controls);
  g_free (batch->vectors);
  g_free (batch->messages);
  g_free (batch->datagrams);
  g_free (batch);
}

/*
 * _chorus_datagram_parse_control:
 * @control: (array length=size): the control messages of one datagram, as
 *   recvmsg() left them
 *
 * Reads the kernel's timestamp, the TTL or hop limit and the destination
 * address into @d. Anything else, and anything too short, is skipped.
 */
void
_chorus_datagram_parse_control (ChorusDatagram *d,
                                void           *control,
                                gsize           size)
{
  struct msghdr header = { .msg_control = control, .msg_controllen = size };

  for (struct cmsghdr *c = CMSG_FIRSTHDR (&header); c != NULL; c = CMSG_NXTHDR (&header, c))
    {
      gsize offset = (guint8 *) c - (guint8 *) control;
      gsize length;
      const void *data = CMSG_DATA (c);

      /* The kernel writes these; still, never read past what it wrote. */
      if (c->cmsg_len < CMSG_LEN (0) || c->cmsg_len > size - offset)
        break;
      length = c->cmsg_len - CMSG_LEN (0);

      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS
          && length >= sizeof (struct timespec))
        {
          struct timespec ts;

          memcpy (&ts, data, sizeof ts);
          /* A time that does not fit is no time: keep the clock's. */
          if (ts.tv_sec >= 0 && ts.tv_sec < G_MAXINT64 / G_USEC_PER_SEC - 1 && ts.tv_nsec >= 0
              && ts.tv_nsec < 1000000000)
            d->arrival_usec = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
        }
      else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
               || (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
        {
          int ttl;

          if (length < sizeof ttl)
            continue;
          memcpy (&ttl, data, sizeof ttl);
          d->ttl = CLAMP (ttl, -1, 255);
        }
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL && length >= 4)
        {
          guint32 dropped;

          memcpy (&dropped, data, sizeof dropped);
          d->host_dropped = dropped;
        }
      else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS && length >= 1)
        {
          d->dscp = ((const guint8 *) data)[0] >> 2;
        }
      else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS
               && length >= sizeof (int))
        {
          int tclass;

          memcpy (&tclass, data, sizeof tclass);
          d->dscp = (tclass & 0xff) >> 2;
        }
      else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO
               && length >= sizeof (struct in_pktinfo))
        {
          struct in_pktinfo info;

          memcpy (&info, data, sizeof info);
          memcpy (d->destination, &info.ipi_addr, 4);
          d->destination_size = 4;
          d->ifindex = info.ipi_ifindex;
        }
      else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO
               && length >= sizeof (struct in6_pktinfo))
        {
          struct in6_pktinfo info;

          memcpy (&info, data, sizeof info);
          memcpy (d->destination, &info.ipi6_addr, 16);
          d->destination_size = 16;
          d->ifindex = (int) info.ipi6_ifindex;
        }
    }
}

/*
 * _chorus_batch_receive:
 *
 * Reads up to the batch's number of datagrams in one system call, straight
 * into the batch's buffers: no object, no allocation per datagram.
 *
 * Returns: how many were read (then _chorus_batch_get() them; they stay
 *   valid until the next call), 0 when none was waiting, or -1 with @error
 *   set
 */
int
_chorus_batch_receive (ChorusBatch  *batch,
                       GSocket      *socket,
                       GError      **error)
{
  gint64 now;
  gint64 wall_minus_monotonic;
  int n;

  batch->n_datagrams = 0;

  for (guint i = 0; i < batch->n_slots; i++)
    {
      ChorusDatagram *d = &batch->datagrams[i];

      batch->vectors[i].iov_base = batch->buffers + i * batch->slot_size;
      batch->vectors[i].iov_len = batch->slot_size;
      batch->messages[i].msg_hdr = (struct msghdr) {
        .msg_name = &d->from,
        .msg_namelen = sizeof d->from,
        .msg_iov = &batch->vectors[i],
        .msg_iovlen = 1,
        .msg_control = batch->controls + i * CONTROL_SIZE,
        .msg_controllen = CONTROL_SIZE,
      };
    }

  do
    n = recvmmsg (g_socket_get_fd (socket), batch->messages, batch->n_slots, MSG_DONTWAIT, NULL);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)
        return 0;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s", g_strerror (saved_errno));
      return -1;
    }

  now = g_get_real_time ();
  wall_minus_monotonic = now - g_get_monotonic_time ();

  for (int i = 0; i < n; i++)
    {
      ChorusDatagram *d = &batch->datagrams[i];
      struct msghdr *m = &batch->messages[i].msg_hdr;

      d->data = batch->vectors[i].iov_base;
      d->size = batch->messages[i].msg_len;
      d->from_size = m->msg_namelen;
      d->arrival_usec = now;
      d->ttl = -1;
      d->dscp = -1;
      d->host_dropped = g_object_get_data (G_OBJECT (socket), "chorus-rxq-ovfl") ? 0 : -1;
      d->destination_size = 0;
      d->ifindex = 0;
      if (!(m->msg_flags & MSG_CTRUNC))
        _chorus_datagram_parse_control (d, m->msg_control, m->msg_controllen);
      d->arrival_monotonic = d->arrival_usec - wall_minus_monotonic;
    }

  batch->n_datagrams = n;

  return n;
}

const ChorusDatagram *
_chorus_batch_get (ChorusBatch *batch,
                   guint        index)
{
  g_return_val_if_fail (index < batch->n_datagrams, NULL);

  return &batch->datagrams[index];
}

/* The source address as bytes (4 or 16), its size and port; NULL for a
 * source of another family. */
const guint8 *
_chorus_datagram_get_source (const ChorusDatagram *d,
                             gsize                *size,
                             guint16              *port)
{
  if (d->from.ss_family == AF_INET && d->from_size >= sizeof (struct sockaddr_in))
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) &d->from;

      *size = 4;
      *port = g_ntohs (in->sin_port);
      return (const guint8 *) &in->sin_addr;
    }

  if (d->from.ss_family == AF_INET6 && d->from_size >= sizeof (struct sockaddr_in6))
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) &d->from;

      *size = 16;
      *port = g_ntohs (in6->sin6_port);
      return (const guint8 *) &in6->sin6_addr;
    }

  *size = 0;
  *port = 0;
  return NULL;
}

GInetSocketAddress *
_chorus_datagram_dup_from (const ChorusDatagram *d)
{
  return G_INET_SOCKET_ADDRESS (g_socket_address_new_from_native ((gpointer) &d->from,
                                                                  d->from_size));
}

GBytes *
_chorus_datagram_dup_payload (const ChorusDatagram *d)
{
  return g_bytes_new (d->data, d->size);
}
