/* chorus-mping-client-session.h: one multicast ping client a server hears
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-mping.h"

G_BEGIN_DECLS

/* "ssmping" or "rfc6450", for JSON and labels. */
const char *chorus_mping_generation_to_string (ChorusMpingGeneration generation);

#define CHORUS_TYPE_MPING_CLIENT_SESSION (chorus_mping_client_session_get_type ())

G_DECLARE_FINAL_TYPE (ChorusMpingClientSession, chorus_mping_client_session, CHORUS,
                      MPING_CLIENT_SESSION, GObject)

/* The client's address as people write it, and its port. */
const char           *chorus_mping_client_session_get_address    (ChorusMpingClientSession *self);
guint                 chorus_mping_client_session_get_port       (ChorusMpingClientSession *self);
ChorusMpingGeneration chorus_mping_client_session_get_generation (ChorusMpingClientSession *self);
/* The group its answers go to, as last asked for. */
const char           *chorus_mping_client_session_get_group      (ChorusMpingClientSession *self);
guint64               chorus_mping_client_session_get_n_queries  (ChorusMpingClientSession *self);
guint64               chorus_mping_client_session_get_n_answered (ChorusMpingClientSession *self);
/* Wall-clock times, in microseconds. */
gint64                chorus_mping_client_session_get_first_seen (ChorusMpingClientSession *self);
gint64                chorus_mping_client_session_get_last_seen  (ChorusMpingClientSession *self);

G_END_DECLS
