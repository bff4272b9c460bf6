/* chorus-interface-list.h: this host's network interfaces, kept up to date
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-interface.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_INTERFACE_LIST (chorus_interface_list_get_type ())

G_DECLARE_FINAL_TYPE (ChorusInterfaceList, chorus_interface_list, CHORUS, INTERFACE_LIST, GObject)

ChorusInterfaceList *chorus_interface_list_new         (void);
gboolean             chorus_interface_list_get_loaded  (ChorusInterfaceList *self);
const char          *chorus_interface_list_get_problem (ChorusInterfaceList *self);
ChorusInterface     *chorus_interface_list_lookup      (ChorusInterfaceList *self,
                                                        const char          *name);

G_END_DECLS
