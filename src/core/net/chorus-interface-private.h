/* chorus-interface-private.h: what the interface list feeds an interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-interface.h"
#include "chorus-netlink-private.h"

G_BEGIN_DECLS

ChorusInterface *_chorus_interface_new    (const ChorusLinkInfo *info);
void             _chorus_interface_update (ChorusInterface      *self,
                                           const ChorusLinkInfo *info);

G_END_DECLS
