/* chorus-interface.h: one network interface of this host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHORUS_TYPE_INTERFACE (chorus_interface_get_type ())

G_DECLARE_FINAL_TYPE (ChorusInterface, chorus_interface, CHORUS, INTERFACE, GObject)

const char         *chorus_interface_get_name      (ChorusInterface *self);
guint               chorus_interface_get_index     (ChorusInterface *self);
gboolean            chorus_interface_get_up        (ChorusInterface *self);
gboolean            chorus_interface_get_running   (ChorusInterface *self);
gboolean            chorus_interface_get_multicast (ChorusInterface *self);
gboolean            chorus_interface_get_loopback  (ChorusInterface *self);
guint               chorus_interface_get_mtu       (ChorusInterface *self);
const char * const *chorus_interface_get_addresses (ChorusInterface *self);
const char         *chorus_interface_get_label     (ChorusInterface *self);

G_END_DECLS
