/* chorus-mping-client.h: asks a multicast ping server whether its
 * multicast reaches this host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chorus-responder.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_MPING_CLIENT (chorus_mping_client_get_type ())

/* The port ssmpingd and RFC 6450 servers listen on. */
#define CHORUS_MPING_DEFAULT_PORT 4321
/* How long auto waits for an answer in the RFC 6450 format before it
 * speaks the older one. */
#define CHORUS_MPING_PROBE_SECONDS 1.0

/**
 * ChorusMpingProtocol:
 * @CHORUS_MPING_PROTOCOL_AUTO: RFC 6450 first; the older ssmping format
 *   if the server does not answer that within %CHORUS_MPING_PROBE_SECONDS
 * @CHORUS_MPING_PROTOCOL_SSMPING: the format of ssmping and asmping
 *   (Debian's ssmpingd answers it)
 * @CHORUS_MPING_PROTOCOL_RFC6450: the Multicast Ping Protocol of RFC 6450
 */
typedef enum
{
  CHORUS_MPING_PROTOCOL_AUTO,
  CHORUS_MPING_PROTOCOL_SSMPING,
  CHORUS_MPING_PROTOCOL_RFC6450,
} ChorusMpingProtocol;

/**
 * ChorusMpingPath:
 * @CHORUS_MPING_PATH_UNICAST: the answer the server sent to this host
 * @CHORUS_MPING_PATH_MULTICAST: the one it sent to the group
 */
typedef enum
{
  CHORUS_MPING_PATH_UNICAST,
  CHORUS_MPING_PATH_MULTICAST,
} ChorusMpingPath;

/**
 * ChorusMpingVerdict:
 * @CHORUS_MPING_VERDICT_WAITING: no query has settled yet
 * @CHORUS_MPING_VERDICT_MULTICAST: multicast answers arrive now
 * @CHORUS_MPING_VERDICT_MULTICAST_STOPPED: they did, and stopped (a
 *   snooping switch that stopped forwarding, a route gone)
 * @CHORUS_MPING_VERDICT_UNICAST_ONLY: no multicast answer ever, unicast
 *   ones did
 * @CHORUS_MPING_VERDICT_NO_ANSWER: the server never answered
 *
 * What a run says, true for its last few queries, not its totals.
 */
typedef enum
{
  CHORUS_MPING_VERDICT_WAITING,
  CHORUS_MPING_VERDICT_MULTICAST,
  CHORUS_MPING_VERDICT_MULTICAST_STOPPED,
  CHORUS_MPING_VERDICT_UNICAST_ONLY,
  CHORUS_MPING_VERDICT_NO_ANSWER,
} ChorusMpingVerdict;

ChorusMpingVerdict  chorus_mping_verdict_from_reach    (ChorusReach          unicast,
                                                        ChorusReach          multicast);
/* "waiting", "multicast", "multicast-stopped", "unicast-only", "no-answer". */
const char         *chorus_mping_verdict_get_nick      (ChorusMpingVerdict   verdict);

G_DECLARE_FINAL_TYPE (ChorusMpingClient, chorus_mping_client, CHORUS, MPING_CLIENT, GObject)

ChorusMpingClient  *chorus_mping_client_new            (void);

const char         *chorus_mping_client_get_server     (ChorusMpingClient   *self);
void                chorus_mping_client_set_server     (ChorusMpingClient   *self,
                                                        const char          *server);
guint               chorus_mping_client_get_port       (ChorusMpingClient   *self);
void                chorus_mping_client_set_port       (ChorusMpingClient   *self,
                                                        guint                port);
const char         *chorus_mping_client_get_group      (ChorusMpingClient   *self);
void                chorus_mping_client_set_group      (ChorusMpingClient   *self,
                                                        const char          *group);
guint               chorus_mping_client_get_count      (ChorusMpingClient   *self);
void                chorus_mping_client_set_count      (ChorusMpingClient   *self,
                                                        guint                count);
double              chorus_mping_client_get_interval   (ChorusMpingClient   *self);
void                chorus_mping_client_set_interval   (ChorusMpingClient   *self,
                                                        double               seconds);
double              chorus_mping_client_get_wait       (ChorusMpingClient   *self);
void                chorus_mping_client_set_wait       (ChorusMpingClient   *self,
                                                        double               seconds);
const char         *chorus_mping_client_get_interface  (ChorusMpingClient   *self);
void                chorus_mping_client_set_interface  (ChorusMpingClient   *self,
                                                        const char          *interface);
ChorusMpingProtocol chorus_mping_client_get_protocol   (ChorusMpingClient   *self);
void                chorus_mping_client_set_protocol   (ChorusMpingClient   *self,
                                                        ChorusMpingProtocol  protocol);

gboolean            chorus_mping_client_start          (ChorusMpingClient   *self,
                                                        GError             **error);
void                chorus_mping_client_stop           (ChorusMpingClient   *self);
gboolean            chorus_mping_client_get_running    (ChorusMpingClient   *self);

/* Of the current or last run. */
ChorusMpingProtocol chorus_mping_client_get_protocol_used (ChorusMpingClient *self);
const char         *chorus_mping_client_get_run_group  (ChorusMpingClient   *self);
gboolean            chorus_mping_client_get_source_specific (ChorusMpingClient *self);
ChorusResponder    *chorus_mping_client_get_unicast    (ChorusMpingClient   *self);
ChorusResponder    *chorus_mping_client_get_multicast  (ChorusMpingClient   *self);
ChorusResponder    *chorus_mping_client_get_path       (ChorusMpingClient   *self,
                                                        ChorusMpingPath      path);
guint               chorus_mping_client_get_n_sent     (ChorusMpingClient   *self);
guint               chorus_mping_client_get_n_settled  (ChorusMpingClient   *self);
guint               chorus_mping_client_get_n_ignored  (ChorusMpingClient   *self);
ChorusMpingVerdict  chorus_mping_client_get_verdict    (ChorusMpingClient   *self);

const char         *chorus_mping_protocol_get_nick     (ChorusMpingProtocol  protocol);
gboolean            chorus_mping_protocol_parse        (const char          *text,
                                                        ChorusMpingProtocol *protocol,
                                                        GError             **error);
const char         *chorus_mping_path_get_nick         (ChorusMpingPath      path);
GInetAddress       *chorus_mping_default_group         (GSocketFamily        family);
GInetAddress       *chorus_mping_parse_server          (const char          *text,
                                                        guint               *scope_id,
                                                        GError             **error);

G_END_DECLS
