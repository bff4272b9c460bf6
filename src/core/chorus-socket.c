/* chorus-socket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

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

#include "chorus-error.h"
#include "chorus-packet-info-private.h"
#include "chorus-socket-private.h"

struct _ChorusBatch
{
  guint n_slots;
  gsize slot_size;
  guint8 *buffers;
  GInputVector *vectors;
  GInputMessage *messages;
  GSocketAddress **addresses;
  GSocketControlMessage ***controls;
  guint *n_controls;
  ChorusDatagram *datagrams;
  guint n_datagrams;
};

static void
enlarge_receive_buffer (GSocket *socket)
{
  g_autoptr(GError) error = NULL;

  /* SO_RCVBUFFORCE passes net.core.rmem_max for a process with
   * CAP_NET_ADMIN; everyone else gets SO_RCVBUF, capped at rmem_max. */
#ifdef SO_RCVBUFFORCE
  if (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUFFORCE, CHORUS_RECEIVE_BUFFER_WANTED,
                           NULL))
    return;
#endif

  if (!g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, CHORUS_RECEIVE_BUFFER_WANTED, &error))
    g_debug ("Could not enlarge the receive buffer: %s", error->message);
}

/*
 * _chorus_socket_new_udp:
 *
 * A non-blocking UDP socket that reports, with each datagram, the kernel's
 * arrival time, the TTL it arrived with and the address it was sent to,
 * and that buffers as much as the system allows.
 */
GSocket *
_chorus_socket_new_udp (GSocketFamily   family,
                        GError        **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Deserializing control messages only finds registered types. */
  g_type_ensure (CHORUS_TYPE_PACKET_INFO);

  socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &local_error);
  if (socket == NULL)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not create a UDP socket: %s"),
                   local_error->message);
      return NULL;
    }

  g_socket_set_blocking (socket, FALSE);
  enlarge_receive_buffer (socket);

  /* All three are conveniences: without them, times come from the main
   * loop and TTL and destination go unreported. */
  g_socket_set_option (socket, SOL_SOCKET, SO_TIMESTAMPNS, 1, NULL);
  if (family == G_SOCKET_FAMILY_IPV4)
    {
      g_socket_set_option (socket, IPPROTO_IP, IP_RECVTTL, 1, NULL);
      g_socket_set_option (socket, IPPROTO_IP, IP_PKTINFO, 1, NULL);
    }

  return g_steal_pointer (&socket);
}

/* GSocket has no call for IP_MULTICAST_IF. */
gboolean
_chorus_socket_set_multicast_interface (GSocket  *socket,
                                        guint     ifindex,
                                        GError  **error)
{
  struct ip_mreqn mreq = { .imr_ifindex = (int) ifindex };
  char name[IF_NAMESIZE] = "";

  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_IPV4)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED,
                           _("Choosing the interface is supported for IPv4 only so far"));
      return FALSE;
    }

  if (setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) < 0)
    {
      int saved_errno = errno;

      if_indextoname (ifindex, name);
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not send by way of %s: %s"),
                   name, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/*
 * _chorus_socket_join:
 * @ifindex: the interface to join on, or 0 for the routing table's choice
 *
 * Joins by interface index rather than name, so that an interface that
 * went away since it was checked fails the join (ENODEV) instead of
 * quietly becoming "any interface".
 */
gboolean
_chorus_socket_join (GSocket       *socket,
                     GInetAddress  *group,
                     guint          ifindex,
                     GError       **error)
{
  struct ip_mreqn mreq = { .imr_ifindex = (int) ifindex };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *group_text = g_inet_address_to_string (group);

  if (ifindex == 0 || g_inet_address_get_family (group) != G_SOCKET_FAMILY_IPV4)
    {
      if (ifindex != 0)
        {
          g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED,
                               _("Choosing the interface is supported for IPv4 only so far"));
          return FALSE;
        }

      if (g_socket_join_multicast_group (socket, group, FALSE, NULL, &local_error))
        return TRUE;

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not join %s: %s (does a route cover multicast?)"), group_text,
                   local_error->message);
      return FALSE;
    }

  memcpy (&mreq.imr_multiaddr, g_inet_address_to_bytes (group), sizeof mreq.imr_multiaddr);

  if (setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0)
    {
      int saved_errno = errno;
      char name[IF_NAMESIZE] = "?";

      if_indextoname (ifindex, name);
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not join %s on %s: %s"),
                   group_text, name, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Leaves what _chorus_socket_join() joined, also on an interface that has
 * gone away since; errors do not matter here. */
void
_chorus_socket_leave (GSocket      *socket,
                      GInetAddress *group,
                      guint         ifindex)
{
  struct ip_mreqn mreq = { .imr_ifindex = (int) ifindex };

  if (g_inet_address_get_family (group) != G_SOCKET_FAMILY_IPV4)
    {
      g_socket_leave_multicast_group (socket, group, FALSE, NULL, NULL);
      return;
    }

  memcpy (&mreq.imr_multiaddr, g_inet_address_to_bytes (group), sizeof mreq.imr_multiaddr);
  setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof mreq);
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

/* A dispatch that starts within this long of the last one's end is part
 * of the same busy stretch: the socket was ready again at once. */
#define PACE_QUIET_USEC (5 * 1000)
/* A busy stretch longer than this steps behind drawing and input. At
 * most this long passes before a window gets its turn. */
#define PACE_BUSY_USEC (10 * 1000)

void
_chorus_pace_init (ChorusPace *pace,
                   GSource    *source)
{
  *pace = (ChorusPace) { .priority = G_PRIORITY_HIGH };
  g_source_set_priority (source, pace->priority);
}

/*
 * _chorus_pace_after_dispatch:
 * @started: when the dispatch began, on the monotonic clock
 * @handled: datagrams it read
 * @hit_limit: it stopped at its own limits with data still waiting
 *
 * A flood keeps a socket ready all the time, and a ready source at high
 * priority starves every source behind it: the application could neither
 * draw nor take input. So after about 10 ms of back-to-back dispatches
 * (or one that hit its limits) the source steps behind drawing and input;
 * once the main loop has had a quiet moment, it is back in front.
 */
void
_chorus_pace_after_dispatch (ChorusPace *pace,
                             GSource    *source,
                             gint64      started,
                             guint       handled,
                             gboolean    hit_limit)
{
  gint64 now = g_get_monotonic_time ();
  int priority;

  if (handled == 0)
    pace->busy_since = 0;
  else if (pace->busy_since == 0 || started - pace->last_end > PACE_QUIET_USEC)
    pace->busy_since = started;
  pace->last_end = now;

  priority = hit_limit || (pace->busy_since != 0 && now - pace->busy_since > PACE_BUSY_USEC)
               ? G_PRIORITY_LOW
               : G_PRIORITY_HIGH;

  /* Setting it wakes the main loop up: only when it changes. */
  if (priority != pace->priority && source != NULL && !g_source_is_destroyed (source))
    {
      pace->priority = priority;
      g_source_set_priority (source, priority);
    }
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
  batch->vectors = g_new0 (GInputVector, n_slots);
  batch->messages = g_new0 (GInputMessage, n_slots);
  batch->addresses = g_new0 (GSocketAddress *, n_slots);
  batch->controls = g_new0 (GSocketControlMessage **, n_slots);
  batch->n_controls = g_new0 (guint, n_slots);
  batch->datagrams = g_new0 (ChorusDatagram, n_slots);

  return batch;
}

static void
clear_datagrams (ChorusBatch *batch)
{
  for (guint i = 0; i < batch->n_datagrams; i++)
    {
      ChorusDatagram *d = &batch->datagrams[i];

      g_clear_object (&d->from);
      g_clear_pointer (&d->payload, g_bytes_unref);
      g_clear_object (&d->destination);
    }

  batch->n_datagrams = 0;
}

void
_chorus_batch_free (ChorusBatch *batch)
{
  if (batch == NULL)
    return;

  clear_datagrams (batch);
  g_free (batch->buffers);
  g_free (batch->vectors);
  g_free (batch->messages);
  g_free (batch->addresses);
  g_free (batch->controls);
  g_free (batch->n_controls);
  g_free (batch->datagrams);
  g_free (batch);
}

static void
take_controls (ChorusDatagram         *d,
               GSocketControlMessage **controls,
               guint                   n_controls)
{
  for (guint i = 0; i < n_controls; i++)
    {
      if (CHORUS_IS_PACKET_INFO (controls[i]))
        {
          ChorusPacketInfo *info = CHORUS_PACKET_INFO (controls[i]);

          switch (chorus_packet_info_get_kind (info))
            {
            case CHORUS_PACKET_INFO_TIMESTAMP:
              d->arrival_usec = chorus_packet_info_get_time (info);
              break;
            case CHORUS_PACKET_INFO_TTL:
              d->ttl = chorus_packet_info_get_ttl (info);
              break;
            case CHORUS_PACKET_INFO_DESTINATION:
              g_set_object (&d->destination, chorus_packet_info_get_destination (info));
              d->ifindex = chorus_packet_info_get_ifindex (info);
              break;
            default:
              g_assert_not_reached ();
            }
        }

      g_object_unref (controls[i]);
    }

  g_free (controls);
}

/*
 * _chorus_batch_receive:
 *
 * Reads up to the batch's number of datagrams in one system call.
 *
 * Returns: how many were read (then _chorus_batch_get() them), 0 when none
 *   was waiting, or -1 with @error set
 */
int
_chorus_batch_receive (ChorusBatch  *batch,
                       GSocket      *socket,
                       GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 now;
  gint64 wall_minus_monotonic;
  int n;

  clear_datagrams (batch);

  for (guint i = 0; i < batch->n_slots; i++)
    {
      batch->vectors[i].buffer = batch->buffers + i * batch->slot_size;
      batch->vectors[i].size = batch->slot_size;
      batch->addresses[i] = NULL;
      batch->controls[i] = NULL;
      batch->n_controls[i] = 0;
      batch->messages[i] = (GInputMessage) {
        .address = &batch->addresses[i],
        .vectors = &batch->vectors[i],
        .num_vectors = 1,
        .control_messages = &batch->controls[i],
        .num_control_messages = &batch->n_controls[i],
      };
    }

  n = g_socket_receive_messages (socket, batch->messages, batch->n_slots, 0, NULL, &local_error);

  if (n < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return 0;

      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }

  now = g_get_real_time ();
  wall_minus_monotonic = now - g_get_monotonic_time ();

  for (int i = 0; i < n; i++)
    {
      ChorusDatagram *d = &batch->datagrams[i];
      GInputMessage *m = &batch->messages[i];

      d->from = G_INET_SOCKET_ADDRESS (g_steal_pointer (&batch->addresses[i]));
      d->payload = g_bytes_new (batch->vectors[i].buffer, m->bytes_received);
      d->arrival_usec = now;
      d->ttl = -1;
      d->ifindex = 0;
      take_controls (d, batch->controls[i], batch->n_controls[i]);
      batch->controls[i] = NULL;
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
