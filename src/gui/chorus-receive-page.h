/* chorus-receive-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-receiver.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_RECEIVE_PAGE (chorus_receive_page_get_type ())

G_DECLARE_FINAL_TYPE (ChorusReceivePage, chorus_receive_page, CHORUS, RECEIVE_PAGE, AdwBin)

GtkWidget      *chorus_receive_page_new          (void);
ChorusReceiver *chorus_receive_page_get_receiver (ChorusReceivePage *self);

G_END_DECLS
