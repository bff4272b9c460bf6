/* chorus-ping-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-mping-client.h"
#include "chorus-mping-server.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_PING_PAGE (chorus_ping_page_get_type ())

G_DECLARE_FINAL_TYPE (ChorusPingPage, chorus_ping_page, CHORUS, PING_PAGE, AdwBin)

GtkWidget         *chorus_ping_page_new        (void);
ChorusMpingClient *chorus_ping_page_get_client (ChorusPingPage *self);
ChorusMpingServer *chorus_ping_page_get_server (ChorusPingPage *self);

G_END_DECLS
