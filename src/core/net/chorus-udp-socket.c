/* chorus-udp-socket.c: the one way core opens a UDP socket
 *
 * Every service's socket comes from _chorus_udp_socket_open(), so that
 * what the kernel is asked for (buffers, timestamps, the TTL, which
 * groups it hears) is chosen in one place, per socket, by name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "chorus-error.h"
#include "chorus-socket-private.h"

/* Linux 4.20 and later; older headers may lack the name. */
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

static void
enlarge_receive_buffer (GSocket *socket,
                        int      wanted)
{
  g_autoptr(GError) error = NULL;

  /* SO_RCVBUFFORCE passes net.core.rmem_max for a process with
   * CAP_NET_ADMIN; everyone else gets SO_RCVBUF, capped at rmem_max. */
#ifdef SO_RCVBUFFORCE
  if (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUFFORCE, wanted, NULL))
    return;
#endif

  if (!g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, wanted, &error))
    g_debug ("Could not enlarge the receive buffer: %s", error->message);
}

/*
 * new_udp:
 *
 * A non-blocking UDP socket that reports, with each datagram, the kernel's
 * arrival time, the TTL it arrived with and the address it was sent to,
 * (the time only when @timestamps).
 */
static GSocket *
new_udp (GSocketFamily   family,
         gboolean        timestamps,
         GError        **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) local_error = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &local_error);
  if (socket == NULL)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not create a UDP socket: %s"),
                   local_error->message);
      return NULL;
    }

  g_socket_set_blocking (socket, FALSE);

  /* All three are conveniences: without them, times come from the main
   * loop and TTL and destination go unreported. */
  if (timestamps)
    g_socket_set_option (socket, SOL_SOCKET, SO_TIMESTAMPNS, 1, NULL);
  /* The kernel's count of what it dropped for want of buffer; it comes
   * only once there is one, so 0 until then. */
  if (g_socket_set_option (socket, SOL_SOCKET, SO_RXQ_OVFL, 1, NULL))
    g_object_set_data (G_OBJECT (socket), "chorus-rxq-ovfl", GINT_TO_POINTER (1));
  if (family == G_SOCKET_FAMILY_IPV4)
    {
      g_socket_set_option (socket, IPPROTO_IP, IP_RECVTTL, 1, NULL);
      g_socket_set_option (socket, IPPROTO_IP, IP_RECVTOS, 1, NULL);
      g_socket_set_option (socket, IPPROTO_IP, IP_PKTINFO, 1, NULL);
    }
  else
    {
      /* IPv6 only: an IPv4 datagram would come as a mapped address,
       * without the IPv4 destination the group filter needs. */
      g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
      g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, NULL);
      g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVTCLASS, 1, NULL);
      g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, NULL);
    }

  return g_steal_pointer (&socket);
}

/*
 * set_multicast_all:
 *
 * Off, a socket gets only the groups it joined itself: Linux otherwise
 * hands a wildcard-bound socket every group any socket on the host
 * joined. Off also keeps a socket's own source filter its own.
 */
static void
set_multicast_all (GSocket  *socket,
                   gboolean  all)
{
#ifdef IP_MULTICAST_ALL
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV4)
    g_socket_set_option (socket, IPPROTO_IP, IP_MULTICAST_ALL, all, NULL);
  else
#endif
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_MULTICAST_ALL, all, NULL);
}

/* GSocket has no call for IP_MULTICAST_IF. */
static gboolean
set_multicast_interface (GSocket  *socket,
                         guint     ifindex,
                         GError  **error)
{
  struct ip_mreqn mreq = { .imr_ifindex = (int) ifindex };
  int index6 = (int) ifindex;
  char name[IF_NAMESIZE] = "";
  int result;

  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV4)
    result = setsockopt (g_socket_get_fd (socket), IPPROTO_IP, IP_MULTICAST_IF, &mreq,
                         sizeof mreq);
  else
    result = setsockopt (g_socket_get_fd (socket), IPPROTO_IPV6, IPV6_MULTICAST_IF, &index6,
                         sizeof index6);

  if (result < 0)
    {
      int saved_errno = errno;

      if_indextoname (ifindex, name);
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not send by way of %s: %s"),
                   name, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* SO_SNDBUFFORCE passes net.core.wmem_max for a process with
 * CAP_NET_ADMIN; everyone else gets SO_SNDBUF, capped at wmem_max. */
static void
enlarge_send_buffer (GSocket *socket,
                     int      wanted)
{
#ifdef SO_SNDBUFFORCE
  if (!g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUFFORCE, wanted, NULL))
#endif
    g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, wanted, NULL);
}

/* Whether the kernel will say, with each datagram, where it was sent. */
static gboolean
tells_destination (GSocket *socket)
{
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV4)
    return _chorus_socket_get_int (socket, IPPROTO_IP, IP_PKTINFO) > 0;

  return _chorus_socket_get_int (socket, IPPROTO_IPV6, IPV6_RECVPKTINFO) > 0;
}

/*
 * _chorus_udp_socket_open:
 * @options: what to ask of the kernel; start from CHORUS_UDP_OPTIONS_INIT
 * @granted: (out) (optional): the buffer sizes the kernel granted
 * @error: a location for a #GError
 *
 * A non-blocking UDP socket of @options->family, bound to the wildcard
 * address on @options->port, that reports with each datagram the TTL it
 * came with and where it was sent to (and, if asked, the kernel's arrival
 * time). An option left at its INIT value is left as the system has it.
 *
 * Returns: (transfer full): the socket, or %NULL with @error set
 */
GSocket *
_chorus_udp_socket_open (const ChorusUdpOptions  *options,
                         ChorusUdpGranted        *granted,
                         GError                 **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->family == G_SOCKET_FAMILY_IPV4
                        || options->family == G_SOCKET_FAMILY_IPV6, NULL);

  socket = new_udp (options->family, options->timestamps, error);
  if (socket == NULL)
    return NULL;

  if (options->receive_buffer > 0)
    enlarge_receive_buffer (socket, options->receive_buffer);
  if (options->send_buffer > 0)
    enlarge_send_buffer (socket, options->send_buffer);

  if (options->ifindex != 0 && !set_multicast_interface (socket, options->ifindex, error))
    return NULL;

  /* For IPv6 these are the hop limits and IPV6_MULTICAST_LOOP. */
  if (options->unicast_ttl >= 0)
    g_socket_set_ttl (socket, (guint) options->unicast_ttl);
  if (options->multicast_ttl >= 0)
    g_socket_set_multicast_ttl (socket, (guint) options->multicast_ttl);
  if (options->loopback >= 0)
    g_socket_set_multicast_loopback (socket, options->loopback != 0);

  if (options->own_groups_only)
    set_multicast_all (socket, FALSE);

  any = g_inet_address_new_any (options->family);
  local = g_inet_socket_address_new (any, options->port);
  if (!g_socket_bind (socket, local, options->reuse_port, &local_error))
    {
      if (options->port == 0)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                     _("Could not open a port for answers: %s"), local_error->message);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                     _("Could not listen on port %u: %s"), options->port,
                     local_error->message);
      return NULL;
    }

  if (options->need_destination && !tells_destination (socket))
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                           _("The system cannot tell this receiver which address a datagram "
                             "was sent to"));
      return NULL;
    }

  if (granted != NULL)
    {
      granted->receive_buffer = _chorus_socket_get_int (socket, SOL_SOCKET, SO_RCVBUF);
      granted->send_buffer = _chorus_socket_get_int (socket, SOL_SOCKET, SO_SNDBUF);
    }

  return g_steal_pointer (&socket);
}
