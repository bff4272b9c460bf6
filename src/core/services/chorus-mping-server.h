/* chorus-mping-server.h: answers multicast ping (ssmping 0.9 and RFC 6450)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-mping.h"
#include "chorus-mping-client-session.h"

G_BEGIN_DECLS

#define CHORUS_MPING_SERVER_DEFAULT_PORT  CHORUS_MPING_PORT
/* Queries per second one client address has answered, and how many may
 * come at once. ssmping and asmping ask once a second; ten a second, ten
 * at once, leaves room for several clients behind one address. */
#define CHORUS_MPING_SERVER_DEFAULT_RATE  10.0
#define CHORUS_MPING_SERVER_DEFAULT_BURST 10
/* How long an address that floods (refused more than a burst's worth of
 * queries in a row) goes unanswered. */
#define CHORUS_MPING_SERVER_PENALTY_USEC  (10 * G_USEC_PER_SEC)
/* How much larger than its init an RFC 6450 Server Response may be: it
 * adds a session (CHORUS_MPING_SESSION_ID_SIZE bytes) and the group (a
 * 2-byte family and up to 16 address bytes) with their option headers,
 * which an init need not carry (omping's carries neither). */
#define CHORUS_MPING_SERVER_RESPONSE_ALLOWANCE \
  (2 * CHORUS_MPING_OPTION_HEADER_SIZE + CHORUS_MPING_SESSION_ID_SIZE + 2 + 16)
/* Clients listed at once; more are answered, not listed. */
#define CHORUS_MPING_SERVER_MAX_CLIENTS   1024

/* Why a valid query went unanswered. */
typedef enum
{
  /* A source that cannot have asked: multicast, broadcast, unspecified,
   * reserved, or port 0. */
  CHORUS_MPING_REFUSE_SOURCE,
  /* The group asked for is one answers must not go to: of the other
   * family, in 224.0.0.0/24 or of interface-local (or reserved) IPv6
   * scope. (A group that is not multicast makes the query invalid.) */
  CHORUS_MPING_REFUSE_GROUP,
  /* The answer would be larger than the query. */
  CHORUS_MPING_REFUSE_SIZE,
  /* The client has had its share of answers for now. */
  CHORUS_MPING_REFUSE_RATE,
  /* An RFC 6450 query in a session this server did not give out (or has
   * forgotten): the client is told to start again, nothing is echoed. */
  CHORUS_MPING_REFUSE_SESSION,
  CHORUS_MPING_N_REFUSALS
} ChorusMpingRefusal;

const char *chorus_mping_refusal_to_string (ChorusMpingRefusal refusal);

#define CHORUS_TYPE_MPING_SERVER (chorus_mping_server_get_type ())

G_DECLARE_FINAL_TYPE (ChorusMpingServer, chorus_mping_server, CHORUS, MPING_SERVER, GObject)

ChorusMpingServer *chorus_mping_server_new           (void);
guint              chorus_mping_server_get_port      (ChorusMpingServer  *self);
void               chorus_mping_server_set_port      (ChorusMpingServer  *self,
                                                      guint               port);
const char        *chorus_mping_server_get_interface (ChorusMpingServer  *self);
void               chorus_mping_server_set_interface (ChorusMpingServer  *self,
                                                      const char         *interface);
/* G_SOCKET_FAMILY_INVALID for both IPv4 and IPv6. */
GSocketFamily      chorus_mping_server_get_family    (ChorusMpingServer  *self);
void               chorus_mping_server_set_family    (ChorusMpingServer  *self,
                                                      GSocketFamily       family);
double             chorus_mping_server_get_rate      (ChorusMpingServer  *self);
guint              chorus_mping_server_get_burst     (ChorusMpingServer  *self);
void               chorus_mping_server_set_rate      (ChorusMpingServer  *self,
                                                      double              per_second,
                                                      guint               burst);

gboolean           chorus_mping_server_start         (ChorusMpingServer  *self,
                                                      GError            **error);
void               chorus_mping_server_stop          (ChorusMpingServer  *self);
gboolean           chorus_mping_server_get_running   (ChorusMpingServer  *self);

/* Datagrams read that were for this server (any kind). */
guint64            chorus_mping_server_get_n_queries  (ChorusMpingServer  *self);
/* Queries answered, each once however many datagrams its answer took. */
guint64            chorus_mping_server_get_n_answered (ChorusMpingServer  *self);
/* Datagrams that were no valid query: not answered. */
guint64            chorus_mping_server_get_n_invalid  (ChorusMpingServer  *self);
guint64            chorus_mping_server_get_n_refused  (ChorusMpingServer  *self,
                                                       ChorusMpingRefusal  refusal);
/* Every refusal together. */
guint64            chorus_mping_server_get_n_unanswered (ChorusMpingServer *self);
/* Clients (ChorusMpingClientSession), in the order first heard. */
GListModel        *chorus_mping_server_get_clients    (ChorusMpingServer  *self);

G_END_DECLS
