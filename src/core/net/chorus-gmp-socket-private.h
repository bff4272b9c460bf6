/* chorus-gmp-socket-private.h: the raw sockets that IGMP and MLD are
 * read from, and the interfaces they are read on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  guint index;
  char *name;
} ChorusGmpInterface;

GArray   *_chorus_gmp_list_interfaces     (const char     *only,
                                           int             fd,
                                           guint           max,
                                           GError        **error);
GSocket  *_chorus_gmp_socket_open         (GSocketFamily   family,
                                           GError        **error);
gboolean  _chorus_gmp_socket_join_reports (GSocket        *socket,
                                           GSocketFamily   family,
                                           guint           ifindex,
                                           GError        **error);

G_END_DECLS
