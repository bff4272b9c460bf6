/* chorus-mping-client-private.h: what the files of chorus-mping-client share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-mping-client.h"
#include "chorus-mping.h"
#include "chorus-responder-private.h"
#include "chorus-socket-private.h"
#include "chorus-util-private.h"

G_BEGIN_DECLS

#define BATCH_SLOTS      16
/* The server's answers carry the query; queries are small. */
#define SLOT_SIZE        4096
#define QUERY_SIZE       1024
/* What an RFC 6450 init weighs, padded. */
#define INIT_SIZE        256
/* What the server sends with: hops are counted down from it. */
#define SERVER_TTL       64
/* Statistics settle and are announced this often while running. */
#define TICK_MSEC        100

struct _ChorusMpingClient
{
  GObject parent_instance;

  /* Settings */
  char *server;
  guint port;
  char *group;
  guint count;
  double interval;
  double wait;
  char *interface;
  ChorusMpingProtocol protocol;

  /* One run */
  GSocket *socket;
  ChorusReader reader;
  GCancellable *cancellable;
  ChorusBatch *batch;
  GInetAddress *server_address;
  GInetAddress *group_address;
  GSocketAddress *destination;
  char *run_group;
  gboolean source_specific;
  ChorusMpingProtocol run_protocol;
  /* AUTO until the server's format is known. */
  ChorusMpingProtocol protocol_used;
  guint16 run_port;
  guint n_inits;
  gint64 last_init;
  guint8 client_id[4];
  GBytes *session_id;
  guint run_count;
  double run_interval;
  double run_wait;
  /* Per query: when it left, on the monotonic clock, and the timestamp
   * it carried, which the answers echo. */
  GArray *send_times;
  GArray *wire_times;
  gint64 run_start;
  guint n_settled;
  guint n_ignored;
  guint query_id;
  guint deadline_id;
  guint tick_id;
  guint fallback_id;
  guint run_serial;
  gboolean running;

  ChorusResponder *unicast;
  ChorusResponder *multicast;
};

enum {
  PROP_0,
  PROP_SERVER,
  PROP_PORT,
  PROP_GROUP,
  PROP_COUNT,
  PROP_INTERVAL,
  PROP_WAIT,
  PROP_INTERFACE,
  PROP_PROTOCOL,
  PROP_RUNNING,
  PROP_PROTOCOL_USED,
  PROP_UNICAST,
  PROP_MULTICAST,
  PROP_N_SENT,
  N_PROPS
};

enum {
  QUERY_SENT,
  REPLY_RECEIVED,
  PROTOCOL_CHOSEN,
  UPDATED,
  FAILED,
  FINISHED,
  N_SIGNALS
};

extern GParamSpec *_chorus_mping_client_properties[N_PROPS];
extern guint _chorus_mping_client_signals[N_SIGNALS];

void                   _chorus_mping_client_clear_run            (ChorusMpingClient *self);
ChorusResponder       *_chorus_mping_client_new_path             (const char      *address,
                                                                  ChorusMpingPath  path);
gboolean               _chorus_mping_client_ssmping_serves_group (GInetAddress *group);
ChorusMpingGeneration  _chorus_mping_client_generation_of        (ChorusMpingProtocol protocol);
void                   _chorus_mping_client_finish               (ChorusMpingClient *self);
void                   _chorus_mping_client_fail                 (ChorusMpingClient *self,
                                                                  GError            *error);
guint                  _chorus_mping_client_add_timeout          (double       seconds,
                                                                  GSourceFunc  func,
                                                                  gpointer     data);
void                   _chorus_mping_client_choose_protocol      (ChorusMpingClient   *self,
                                                                  ChorusMpingProtocol  protocol);
gboolean               _chorus_mping_client_on_tick              (gpointer user_data);
void                   _chorus_mping_client_start_queries        (ChorusMpingClient *self);
gboolean               _chorus_mping_client_send_init            (ChorusMpingClient  *self,
                                                                  GError            **error);
gboolean               _chorus_mping_client_on_fallback          (gpointer user_data);
gboolean               _chorus_mping_client_on_init_timer        (gpointer user_data);
gboolean               _chorus_mping_client_on_socket_readable   (gpointer user_data);

G_END_DECLS
