/* chorus-probe-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-sender.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_PROBE_PAGE (chorus_probe_page_get_type ())

G_DECLARE_FINAL_TYPE (ChorusProbePage, chorus_probe_page, CHORUS, PROBE_PAGE, AdwBin)

GtkWidget    *chorus_probe_page_new        (void);
ChorusSender *chorus_probe_page_get_sender (ChorusProbePage *self);

G_END_DECLS
