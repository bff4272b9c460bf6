/* chorus-interface-row.h: a combo row to choose the network interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-interface-list.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_INTERFACE_ROW (chorus_interface_row_get_type ())

G_DECLARE_FINAL_TYPE (ChorusInterfaceRow, chorus_interface_row, CHORUS, INTERFACE_ROW, AdwComboRow)

GtkWidget           *chorus_interface_row_new                (void);
ChorusInterfaceList *chorus_interface_row_get_interfaces     (ChorusInterfaceRow  *self);
void                 chorus_interface_row_set_interfaces     (ChorusInterfaceRow  *self,
                                                              ChorusInterfaceList *interfaces);
const char          *chorus_interface_row_get_interface_name (ChorusInterfaceRow  *self);
void                 chorus_interface_row_set_interface_name (ChorusInterfaceRow  *self,
                                                              const char          *name);
ChorusInterface     *chorus_interface_row_get_interface      (ChorusInterfaceRow  *self);
guint                chorus_interface_row_get_ifindex        (ChorusInterfaceRow  *self);

G_END_DECLS
