/* chorus-gmp-socket.c: the raw sockets that IGMP and MLD are read
 * from, and the interfaces they are read on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-gmp-socket-private.h"

/* Every query and report of the links comes here: room for a burst. */
#define RECEIVE_BUFFER (1024 * 1024)

static void
interface_clear (ChorusGmpInterface *interface)
{
  g_free (interface->name);
}

static gint
compare_interfaces (gconstpointer a,
                    gconstpointer b)
{
  const ChorusGmpInterface *x = a;
  const ChorusGmpInterface *y = b;

  return x->index < y->index ? -1 : x->index > y->index;
}

/* What a bridge port receives goes up on the bridge: the port itself
 * delivers nothing to a socket. */
static gboolean
is_bridge_port (const char *name)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", name, "brport", NULL);

  return g_file_test (path, G_FILE_TEST_IS_DIR);
}

/**
 * _chorus_gmp_list_interfaces:
 * @only: (nullable): the interface named by the user
 * @fd: any socket, for SIOCGIFFLAGS
 * @max: at most this many
 *
 * The interfaces to watch: @only, or every one that is up and carries
 * multicast, loopback, bridge ports and bond slaves aside, by index.
 *
 * Returns: (element-type ChorusGmpInterface): the interfaces, or %NULL
 *   with @error set
 */
GArray *
_chorus_gmp_list_interfaces (const char  *only,
                             int          fd,
                             guint        max,
                             GError     **error)
{
  GArray *interfaces = g_array_new (FALSE, FALSE, sizeof (ChorusGmpInterface));
  struct if_nameindex *names;

  g_array_set_clear_func (interfaces, (GDestroyNotify) interface_clear);

  if (only != NULL)
    {
      ChorusGmpInterface interface;

      if (!chorus_parse_interface (only, &interface.index, error))
        {
          g_array_unref (interfaces);
          return NULL;
        }
      interface.name = g_strdup (only);
      g_array_append_val (interfaces, interface);
      return interfaces;
    }

  names = if_nameindex ();
  if (names == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not list the network interfaces: %s"), g_strerror (saved_errno));
      g_array_unref (interfaces);
      return NULL;
    }

  for (struct if_nameindex *n = names; n->if_index != 0 && n->if_name != NULL; n++)
    {
      struct ifreq request = { 0 };
      ChorusGmpInterface interface;

      if (interfaces->len >= max)
        break;
      g_strlcpy (request.ifr_name, n->if_name, sizeof request.ifr_name);
      if (ioctl (fd, SIOCGIFFLAGS, &request) < 0)
        continue;
      if (!(request.ifr_flags & IFF_UP) || !(request.ifr_flags & IFF_MULTICAST)
          || (request.ifr_flags & (IFF_LOOPBACK | IFF_SLAVE)) || is_bridge_port (n->if_name))
        continue;

      interface.index = n->if_index;
      interface.name = g_strdup (n->if_name);
      g_array_append_val (interfaces, interface);
    }
  if_freenameindex (names);

  g_array_sort (interfaces, compare_interfaces);

  return interfaces;
}

static GSocket *
open_raw (GSocketFamily   family,
          GError        **error)
{
  const char *protocol = family == G_SOCKET_FAMILY_IPV4 ? "IGMP" : "MLD";
  g_autoptr(GError) local_error = NULL;
  GSocket *wrapped;
  int saved_errno;
  int fd;

  /* GSocket makes no raw sockets of its own; it wraps one. */
  fd = socket (family == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6,
               SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
               family == G_SOCKET_FAMILY_IPV4 ? IPPROTO_IGMP : IPPROTO_ICMPV6);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == EPERM || saved_errno == EACCES)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     _("Listening to %s needs the CAP_NET_RAW capability: run as root, or give "
                       "it to the program with “setcap cap_net_raw+ep”"),
                     protocol);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not listen to %s: %s"),
                     protocol, g_strerror (saved_errno));
      return NULL;
    }

  wrapped = g_socket_new_from_fd (fd, &local_error);
  if (wrapped == NULL)
    {
      close (fd);
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not listen to %s: %s"),
                   protocol, local_error->message);
      return NULL;
    }
  g_socket_set_blocking (wrapped, FALSE);
  /* Every query and report of the link comes here: room for a burst. */
  g_socket_set_option (wrapped, SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER, NULL);

  return wrapped;
}

static gboolean
set_up_ipv4 (GSocket  *socket,
             GError  **error)
{
  if (!g_socket_set_option (socket, IPPROTO_IP, IP_PKTINFO, 1, error))
    return FALSE;
  /* Our own reports, as the kernel sends them, are this host's. */
  g_socket_set_option (socket, IPPROTO_IP, IP_MULTICAST_LOOP, 1, NULL);

  return TRUE;
}

static gboolean
set_up_ipv6 (GSocket  *socket,
             GError  **error)
{
  struct icmp6_filter filter;

  ICMP6_FILTER_SETBLOCKALL (&filter);
  ICMP6_FILTER_SETPASS (MLD_LISTENER_QUERY, &filter);
  ICMP6_FILTER_SETPASS (MLD_LISTENER_REPORT, &filter);
  ICMP6_FILTER_SETPASS (MLD_LISTENER_REDUCTION, &filter);
  ICMP6_FILTER_SETPASS (143, &filter); /* MLDv2 report */
  if (setsockopt (g_socket_get_fd (socket), IPPROTO_ICMPV6, ICMP6_FILTER, &filter,
                  sizeof filter) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not filter ICMPv6 to MLD: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return g_socket_set_option (socket, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, error);
}

/* Joins what v3 reports and leaves go to, on one interface. */
gboolean
_chorus_gmp_socket_join_reports (GSocket       *socket,
                                 GSocketFamily  family,
                                 guint          ifindex,
                                 GError       **error)
{
  static const char *const groups4[] = { "224.0.0.22", "224.0.0.2" };
  static const char *const groups6[] = { "ff02::16", "ff02::2" };
  const char *const *groups = family == G_SOCKET_FAMILY_IPV4 ? groups4 : groups6;
  int fd = g_socket_get_fd (socket);

  for (guint i = 0; i < 2; i++)
    {
      int result;

      if (family == G_SOCKET_FAMILY_IPV4)
        {
          struct ip_mreqn request = { .imr_ifindex = (int) ifindex };

          inet_pton (AF_INET, groups[i], &request.imr_multiaddr);
          result = setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request);
        }
      else
        {
          struct ipv6_mreq request = { .ipv6mr_interface = ifindex };

          inet_pton (AF_INET6, groups[i], &request.ipv6mr_multiaddr);
          result = setsockopt (fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request, sizeof request);
        }
      if (result < 0 && errno != EADDRINUSE)
        {
          int saved_errno = errno;

          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not join %s: %s"),
                       groups[i], g_strerror (saved_errno));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * _chorus_gmp_socket_open:
 *
 * A raw IGMP socket with IP_PKTINFO, or a raw ICMPv6 socket that takes
 * MLD only, with IPV6_RECVPKTINFO; non-blocking. Without CAP_NET_RAW,
 * G_IO_ERROR_PERMISSION_DENIED with how to grant it.
 */
GSocket *
_chorus_gmp_socket_open (GSocketFamily   family,
                         GError        **error)
{
  g_autoptr(GSocket) socket = open_raw (family, error);

  if (socket == NULL)
    return NULL;
  if (family == G_SOCKET_FAMILY_IPV4 ? !set_up_ipv4 (socket, error)
                                     : !set_up_ipv6 (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}
