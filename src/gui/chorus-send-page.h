/* chorus-send-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-sender.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_SEND_PAGE (chorus_send_page_get_type ())

G_DECLARE_FINAL_TYPE (ChorusSendPage, chorus_send_page, CHORUS, SEND_PAGE, AdwBin)

GtkWidget    *chorus_send_page_new        (void);
ChorusSender *chorus_send_page_get_sender (ChorusSendPage *self);

G_END_DECLS
