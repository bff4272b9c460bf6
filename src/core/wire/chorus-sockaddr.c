/* chorus-sockaddr.c: socket addresses as people write them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "chorus-sockaddr-private.h"

/*
 * _chorus_sockaddr_to_string:
 * @address: a struct sockaddr_in or sockaddr_in6
 *
 * The address as people write it; a link-local IPv6 address gets its
 * zone, the interface it is on: "fe80::1%eth0" (the index when the
 * interface has no name any more).
 */
char *
_chorus_sockaddr_to_string (const struct sockaddr *address,
                            gsize                  size)
{
  char text[INET6_ADDRSTRLEN] = "";

  if (address->sa_family == AF_INET6 && size >= sizeof (struct sockaddr_in6))
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) (const void *) address;
      char name[IF_NAMESIZE];

      inet_ntop (AF_INET6, &in6->sin6_addr, text, sizeof text);
      if (in6->sin6_scope_id == 0)
        return g_strdup (text);
      if (if_indextoname (in6->sin6_scope_id, name) != NULL)
        return g_strdup_printf ("%s%%%s", text, name);
      return g_strdup_printf ("%s%%%u", text, in6->sin6_scope_id);
    }

  if (address->sa_family == AF_INET && size >= sizeof (struct sockaddr_in))
    inet_ntop (AF_INET, &((const struct sockaddr_in *) (const void *) address)->sin_addr, text,
               sizeof text);

  return g_strdup (text);
}

/* The same for an address object. */
char *
_chorus_socket_address_to_string (GInetSocketAddress *address)
{
  struct sockaddr_storage native;

  if (!g_socket_address_to_native (G_SOCKET_ADDRESS (address), &native, sizeof native, NULL))
    return g_inet_address_to_string (g_inet_socket_address_get_address (address));

  return _chorus_sockaddr_to_string ((const struct sockaddr *) &native, sizeof native);
}
