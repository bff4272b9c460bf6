/* chorus-sap-listener.h: listen to SAP (RFC 2974) and keep the sessions
 * it announces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Joins the SAP groups on port 9875: 239.255.255.255 (the IPv4 local
 * scope's, where AES67 and Dante announce), 224.2.127.254 (global) and
 * 239.195.255.255 (organization-local, VLC and ffmpeg's), and the IPv6
 * groups ff0X::2:7ffe of the scopes that can be joined (ff01 and ff02
 * only with an interface). Sessions are a #GListModel of
 * #ChorusSapSession, at most CHORUS_SAP_MAX_SESSIONS; one not announced
 * again within ten times its interval (an hour at most, and an hour
 * before its interval is known) expires; a deletion removes it.
 * "session-changed" says which and how: "new", "updated" (its SDP
 * changed), "deleted", "expired".
 */

#pragma once

#include <gio/gio.h>

#include "chorus-sap-session.h"

G_BEGIN_DECLS

#define CHORUS_SAP_MAX_SESSIONS 4096
#define CHORUS_SAP_GROUP_LOCAL  "239.255.255.255"
#define CHORUS_SAP_GROUP_ORG    "239.195.255.255"
/* A session's lifetime: this many of its intervals, up to an hour. */
#define CHORUS_SAP_TIMEOUT_INTERVALS 10
#define CHORUS_SAP_MAX_TIMEOUT_USEC  (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

#define CHORUS_TYPE_SAP_LISTENER (chorus_sap_listener_get_type ())

G_DECLARE_FINAL_TYPE (ChorusSapListener, chorus_sap_listener, CHORUS, SAP_LISTENER, GObject)

typedef enum
{
  CHORUS_SAP_COUNT_ANNOUNCEMENTS,   /* readable SDP announcements */
  CHORUS_SAP_COUNT_DELETIONS,
  CHORUS_SAP_COUNT_COMPRESSED,      /* counted, not parsed */
  CHORUS_SAP_COUNT_ENCRYPTED,       /* counted, not parsed */
  CHORUS_SAP_COUNT_MALFORMED,       /* not SAP */
  CHORUS_SAP_COUNT_NOT_SDP,         /* another payload type */
  CHORUS_SAP_COUNT_UNKEPT,          /* announcements of sessions past the table's room */
  CHORUS_SAP_N_COUNTS,
} ChorusSapCount;

ChorusSapListener *chorus_sap_listener_new           (void);
void               chorus_sap_listener_set_interface (ChorusSapListener  *self,
                                                      const char         *interface);
/* The port to listen on; CHORUS_SAP_PORT unless set (tests). */
void               chorus_sap_listener_set_port      (ChorusSapListener  *self,
                                                      guint               port);
gboolean           chorus_sap_listener_start         (ChorusSapListener  *self,
                                                      GError            **error);
void               chorus_sap_listener_stop          (ChorusSapListener  *self);
gboolean           chorus_sap_listener_get_running   (ChorusSapListener  *self);
GListModel        *chorus_sap_listener_get_sessions  (ChorusSapListener  *self);
guint64            chorus_sap_listener_get_count     (ChorusSapListener  *self,
                                                      ChorusSapCount      count);
const char        *chorus_sap_count_to_string        (ChorusSapCount      count);
/* Groups that could not be joined, a message each. */
GStrv              chorus_sap_listener_dup_problems  (ChorusSapListener  *self);

G_END_DECLS
