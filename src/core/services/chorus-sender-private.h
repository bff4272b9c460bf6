/* chorus-sender-private.h: what the files of chorus-sender share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "chorus-ack-private.h"
#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-probe.h"
#include "chorus-reply-guard.h"
#include "chorus-responder-private.h"
#include "chorus-ring-model.h"
#include "chorus-sender.h"
#include "chorus-socket-private.h"
#include "chorus-util-private.h"

G_BEGIN_DECLS

/* Datagrams read per system call, and at most per dispatch before the
 * main loop gets a turn (the source fires again while data waits). */
#define BATCH_SLOTS        64
#define MAX_PER_DISPATCH   8192
/* More than a probe's fields and padding weigh beside its text. */
#define PROBE_OVERHEAD     (CHORUS_WIRE_PROBE_MIN_SIZE + 64)

struct _ChorusSender
{
  GObject parent_instance;

  /* Settings */
  char *group;
  guint port;
  guint ttl;
  gboolean loopback;
  double wait;
  guint count;
  double interval;
  GBytes *message;
  char *text;
  char *interface;
  gboolean probe;
  double spread;
  guint update_interval;

  /* One run, from start to finish */
  GSocket *socket;
  ChorusReader reader;
  GCancellable *cancellable;
  GSocketAddress *destination;
  ChorusBatch *batch;
  /* The settings as they were when the run started. */
  GBytes *run_message;
  guint run_count;
  double run_wait;
  guint16 run_port;
  gboolean run_probe;
  double run_spread;
  double run_interval;
  guint8 run_ttl;
  guint64 session;
  gint64 run_start;
  guint8 *probe_buffer;
  gsize probe_buffer_size;
  guint tick_id;
  /* IPv4 broadcast addresses of this host when the run started. */
  GArray *broadcasts;
  /* Counts runs, so that code after a signal can tell whether a handler
   * ended this run (and perhaps started another). */
  guint run_serial;
  guint probe_id;
  guint deadline_id;
  /* When each probe went out, on the monotonic clock. */
  /* When probes times_first .. n_sent went out; older ones are let go
   * once they are long settled (see _chorus_sender_trim_send_times()). */
  GArray *send_times;
  guint32 times_first;
  guint32 n_sent;
  gint64 deadline;
  int receive_buffer;
  gboolean running;
  /* Sending failed: no more probes, but the wait for answers to those
   * already out goes on. */
  gboolean send_failed;

  /* Results, kept until the next run starts */
  ChorusRingModel *acks;
  guint n_ignored;
  /* Responders by address (and kind), and in order first heard; plain
   * sends list hosts only (NULL values), without statistics. */
  GHashTable *responders;
  GListStore *responder_list;
  guint n_settled;
  guint n_tagged;
  guint n_unlisted;
  gint64 rtt_min;
  gint64 rtt_max;
  gint64 rtt_sum;
  guint64 rtt_count;
};

enum {
  PROP_0,
  PROP_GROUP,
  PROP_PORT,
  PROP_TTL,
  PROP_LOOPBACK,
  PROP_WAIT,
  PROP_COUNT,
  PROP_INTERVAL,
  PROP_MESSAGE,
  PROP_TEXT,
  PROP_INTERFACE,
  PROP_RUNNING,
  PROP_ACKS,
  PROP_N_SENT,
  PROP_N_ACKS,
  PROP_N_RESPONDERS,
  PROP_DEADLINE,
  PROP_CAPACITY,
  PROP_N_IGNORED,
  PROP_PROBE,
  PROP_SPREAD,
  PROP_UPDATE_INTERVAL,
  PROP_RESPONDERS,
  N_PROPS
};

enum {
  PROBE_SENT,
  ACK_RECEIVED,
  FAILED,
  FINISHED,
  RESPONDERS_UPDATED,
  N_SIGNALS
};

extern GParamSpec *_chorus_sender_properties[N_PROPS];
extern guint _chorus_sender_signals[N_SIGNALS];

void      _chorus_sender_clear_run          (ChorusSender *self);
gint64    _chorus_sender_send_time_of       (ChorusSender *self,
                                             guint32       seq);
void      _chorus_sender_trim_send_times    (ChorusSender *self);
gboolean  _chorus_sender_on_socket_readable (gpointer user_data);

G_END_DECLS
