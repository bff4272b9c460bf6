/* chorus-sockaddr-private.h: socket addresses as people write them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

G_BEGIN_DECLS

char *_chorus_sockaddr_to_string       (const struct sockaddr *address,
                                        gsize                  size);
char *_chorus_socket_address_to_string (GInetSocketAddress    *address);

G_END_DECLS
