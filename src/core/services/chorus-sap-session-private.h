/* chorus-sap-session-private.h: what the SAP listener does to its sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-sap-session.h"

G_BEGIN_DECLS

ChorusSapSession *_chorus_sap_session_new    (const char       *key);
/* An announcement: returns TRUE if its SDP is not the one before. */
gboolean          _chorus_sap_session_update (ChorusSapSession *self,
                                              const char       *origin,
                                              const char       *announcer,
                                              guint             msg_id_hash,
                                              const char       *sdp_text,
                                              gsize             sdp_size,
                                              ChorusSdp        *sdp,
                                              const char       *error,
                                              gint64            now_usec);
/* When it expires, in monotonic µs. */
gint64            _chorus_sap_session_get_deadline (ChorusSapSession *self);

G_END_DECLS
