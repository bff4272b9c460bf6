/* chorus-mping-server-private.h: what the files of chorus-mping-server share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-mping.h"
#include "chorus-mping-client-session-private.h"
#include "chorus-mping-server.h"
#include "chorus-reply-guard.h"
#include "chorus-socket-private.h"
#include "chorus-util-private.h"

G_BEGIN_DECLS

#define BATCH_SLOTS      32
#define MAX_PER_DISPATCH 4096
/* RFC 6450 sessions remembered at once, and how long an idle one is. */
#define MAX_SESSIONS     4096
/* Answers to clients whose link address is still being resolved wait in
 * the kernel, charged to the socket: a flood of queries from forged
 * neighbours would otherwise fill the send buffer, and every answer,
 * real clients' too, would fail until resolution gives up (seconds). */
#define SEND_BUFFER_WANTED (4 * 1024 * 1024)
#define SESSION_IDLE_USEC (5 * 60 * G_USEC_PER_SEC)

typedef struct
{
  ChorusMpingServer *self;
  GSocket *socket;
  ChorusReader reader;
} ChorusListener;

/* An RFC 6450 session this server gave out: the client it is for, and
 * when it was last used. */
typedef struct
{
  guint8 id[CHORUS_MPING_SESSION_ID_SIZE];
  guint8 client[16];
  guint8 client_size;
  gint64 last_used;
} ChorusSession;

struct _ChorusMpingServer
{
  GObject parent_instance;

  /* Settings */
  guint port;
  char *interface;
  GSocketFamily family;
  double rate;
  guint burst;
  gboolean allow_larger;

  /* While running */
  GPtrArray *listeners;
  GMainContext *context;
  GCancellable *cancellable;
  ChorusBatch *batch;
  ChorusReplyGuard *guard;
  /* IPv4 broadcast addresses of this host, network order. */
  GArray *broadcasts;
  guint ifindex;
  GHashTable *sessions;
  gint64 last_sweep;
  /* One answer at a time: never larger than the query it answers. */
  guint8 *answer;
  gboolean running;

  /* Results */
  guint64 n_queries;
  guint64 n_answered;
  guint64 n_invalid;
  guint64 n_refused[CHORUS_MPING_N_REFUSALS];
  guint64 notified[3];
  guint64 notified_unanswered;
  /* Clients by "address port generation", and in the order first heard. */
  GHashTable *client_table;
  GListStore *clients;
};

enum {
  PROP_0,
  PROP_PORT,
  PROP_INTERFACE,
  PROP_FAMILY,
  PROP_RATE,
  PROP_BURST,
  PROP_ALLOW_LARGER,
  PROP_RUNNING,
  PROP_N_QUERIES,
  PROP_N_ANSWERED,
  PROP_N_INVALID,
  PROP_N_UNANSWERED,
  PROP_CLIENTS,
  N_PROPS
};

extern GParamSpec *_chorus_mping_server_properties[N_PROPS];

gboolean       _chorus_mping_server_on_socket_readable (gpointer user_data);
gboolean       _chorus_mping_server_add_listener       (ChorusMpingServer  *self,
                                                        GSocketFamily       family,
                                                        GError            **error);
guint          _chorus_mping_server_session_id_hash    (gconstpointer key);
gboolean       _chorus_mping_server_session_id_equal   (gconstpointer a,
                                                        gconstpointer b);
ChorusSession *_chorus_mping_server_open_session       (ChorusMpingServer    *self,
                                                        const ChorusDatagram *d);
ChorusSession *_chorus_mping_server_find_session       (ChorusMpingServer    *self,
                                                        const ChorusDatagram *d,
                                                        const guint8         *id,
                                                        gsize                 id_size);
void           _chorus_mping_server_count_client       (ChorusMpingServer     *self,
                                                        const ChorusDatagram  *d,
                                                        ChorusMpingGeneration  generation,
                                                        GInetAddress          *group,
                                                        gboolean               answered);

G_END_DECLS
