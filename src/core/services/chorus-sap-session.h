/* chorus-sap-session.h: one session SAP announces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-sdp.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_SAP_SESSION (chorus_sap_session_get_type ())

G_DECLARE_FINAL_TYPE (ChorusSapSession, chorus_sap_session, CHORUS, SAP_SESSION, GObject)

/* The SDP's o= line, without its version; or, for an SDP that does not
 * parse, the SAP origin and message identifier hash. */
const char      *chorus_sap_session_get_key        (ChorusSapSession *self);
/* The SAP header's originating source. */
const char      *chorus_sap_session_get_origin     (ChorusSapSession *self);
/* The address the last announcement came from. */
const char      *chorus_sap_session_get_announcer  (ChorusSapSession *self);
guint            chorus_sap_session_get_msg_id_hash (ChorusSapSession *self);
/* The SDP as announced (UTF-8 checked: NULL when it is not text). */
const char      *chorus_sap_session_get_sdp_text   (ChorusSapSession *self);
/* NULL when the SDP was refused; then get_error says why. */
const ChorusSdp *chorus_sap_session_get_sdp        (ChorusSapSession *self);
const char      *chorus_sap_session_get_error      (ChorusSapSession *self);
/* Seconds between its last two announcements; 0 before the second. */
double           chorus_sap_session_get_interval   (ChorusSapSession *self);
/* Monotonic µs of the last announcement. */
gint64           chorus_sap_session_get_last_heard (ChorusSapSession *self);
guint64          chorus_sap_session_get_n_announcements (ChorusSapSession *self);

G_END_DECLS
