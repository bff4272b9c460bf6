/* chorus-receiver-private.h: what the files of chorus-receiver share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-membership-private.h"
#include "chorus-message-private.h"
#include "chorus-receiver.h"
#include "chorus-reply-guard.h"
#include "chorus-probe.h"
#include "chorus-ring-model.h"
#include "chorus-source-private.h"
#include "chorus-socket-private.h"
#include "chorus-util-private.h"

G_BEGIN_DECLS

#define BATCH_SLOTS      32
#define MAX_PER_DISPATCH 4096
/* A probe may ask for its answers to be spread over at most this long,
 * and at most this many answers wait at once; past that, the answers are
 * refused as over the rate. */
#define MAX_SPREAD_USEC  (10 * G_USEC_PER_SEC)
#define MAX_HELD         65536
/* Probers followed at once; more are answered, not followed. */
#define MAX_SOURCES      1024

/* Answers to one sender, of one size, that leave as one buffer cut into
 * datagrams by the kernel (UDP segmentation offload): each at most this
 * large, to stay under any path's MTU (IPv6 guarantees 1280 bytes), and
 * this much in all. */
#define GSO_MAX_SEGMENT 1200
#define GSO_MAX_BYTES   (60 * 1024)

/* The answers to one batch, sent with one sendmmsg(). */
typedef struct
{
  struct mmsghdr messages[BATCH_SLOTS];
  struct iovec vectors[BATCH_SLOTS];
  struct sockaddr_storage to[BATCH_SLOTS];
  /* Chorus answers, encoded per slot. */
  guint8 answers[BATCH_SLOTS][CHORUS_WIRE_PROBE_MIN_SIZE];
  guint n;

  /* Whether the socket can segment (UDP_SEGMENT); and the batch as runs
   * of answers of one size to one sender: a message, the first slot and
   * the length of each, and the segment size when it is longer than one. */
  gboolean gso;
  struct mmsghdr runs[BATCH_SLOTS];
  guint run_first[BATCH_SLOTS];
  guint run_length[BATCH_SLOTS];
  union
  {
    char buffer[CMSG_SPACE (sizeof (guint16))];
    struct cmsghdr align;
  } run_control[BATCH_SLOTS];
} ChorusReplies;

/* An answer to a probe, held until its time (a random part of the
 * probe's spread) comes. */
typedef struct
{
  gint64 due;
  gint64 arrival;
  struct sockaddr_storage to;
  socklen_t to_size;
  gsize max_size;
  guint64 session;
  guint32 seq;
  gint64 sent_usec;
  int ttl;
} ChorusHeld;

/* A message staged for the message function (see
 * chorus_receiver_set_message_func()); its payload waits in
 * staged_bytes, at @offset. */
typedef struct
{
  /* A GRefString. */
  char *address;
  const char *group;
  gsize offset;
  gsize size;
  gint64 arrival_usec;
  guint64 serial;
  guint64 session;
  guint32 seq;
  int ttl;
  int dscp;
  gint64 host_dropped;
  guint16 port;
  gboolean probe;
} ChorusStagedInfo;

/* One socket of a run. All are bound to the port; there are more than
 * one only when the groups are more than the system lets one socket join
 * (for IPv4, net.ipv4.igmp_max_memberships: 20 by default). */
typedef struct
{
  ChorusReceiver *self;
  GSocket *socket;
  ChorusReader reader;
} ChorusListener;

/* One group of a run: how it is joined and what it received. */
typedef struct
{
  ChorusGroup *group;
  /* The group as text, interned: messages point at it. */
  const char *text;
  ChorusMembership *membership;
  /* The interface it is joined on, 0 for the routing table's choice. */
  guint ifindex;
  /* The listener's socket it is joined on (not owned), NULL if joining
   * failed. */
  GSocket *socket;
  /* Counted since the last announcement. */
  gboolean dirty;
  /* The destination address that means this group: its size, then the
   * address, zero-padded; the key of the receiver's join table. */
  guint8 key[17];
} ChorusJoin;

struct _ChorusReceiver
{
  GObject parent_instance;

  /* Settings */
  char *group;
  guint port;
  char *reply;
  gboolean answer;
  guint64 limit;
  char *interface;
  double reply_rate;
  guint reply_burst;
  gboolean allow_larger;
  guint update_interval;
  char *name;
  char *include_sources;
  char *exclude_sources;

  /* While running */
  GPtrArray *listeners;
  /* The first listener's socket, which answers leave by (all are bound
   * to the port, so any would do). */
  GSocket *socket;
  GMainContext *context;
  GCancellable *cancellable;
  ChorusBatch *batch;
  ChorusReplies *replies;
  /* Messages read but not yet in the model nor announced, and the timer
   * that will put them there (see ChorusReceiver:update-interval). */
  GPtrArray *staged;
  GSource *flush_source;
  /* Instead of message objects: the message function, what waits for it
   * (ChorusStagedInfo, and their payloads one after another), and a
   * spare pair of arrays to take their place while it runs. */
  ChorusMessageFunc message_func;
  gpointer message_data;
  GDestroyNotify message_destroy;
  GArray *staged_infos;
  GByteArray *staged_bytes;
  GArray *spare_infos;
  GByteArray *spare_bytes;
  /* The counts as last announced. */
  guint64 notified_received;
  guint64 notified_replied;
  guint64 notified_ignored;
  guint64 notified_unanswered;
  /* The groups of the run (ChorusJoin), also by destination address. */
  GPtrArray *joins;
  GHashTable *join_table;
  /* Sources to receive from (source-specific joins), or to keep out,
   * GInetAddress; empty for neither. */
  GPtrArray *include;
  GPtrArray *exclude;
  ChorusReplyGuard *guard;
  ChorusLinkWatch *link_watch;
  /* The last sender and its address as text (a GRefString), which its
   * messages share: a flood comes mostly from a few. */
  struct sockaddr_storage last_from;
  socklen_t last_from_size;
  char *last_address;
  /* Answers waiting for their time: a binary heap on ChorusHeld.due, and
   * the timer for the first of them. */
  GArray *held;
  GSource *held_source;
  gint64 held_source_due;
  /* The interface joined on, 0 for the routing table's choice. */
  guint ifindex;
  /* Why nothing can arrive now, or NULL. */
  char *problem;
  /* Counts runs, so that code after a signal can tell whether a handler
   * ended this run (and perhaps started another). */
  guint run_serial;
  gboolean running;

  /* Results */
  ChorusRingModel *messages;
  guint64 n_received;
  guint64 n_replied;
  guint64 n_ignored;
  guint64 n_unanswered[CHORUS_REPLY_N_VERDICTS];
  /* Probers heard this run, by address, port and session. */
  GHashTable *source_table;
  GListStore *sources;
  /* The run's groups, ChorusMembership, in the order given. */
  GListStore *memberships;
  /* n_received when this run started: the limit counts per run. */
  guint64 n_received_at_start;
};

guint           _chorus_receiver_n_staged           (ChorusReceiver *self);
void            _chorus_receiver_flush_staged       (ChorusReceiver *self);
gboolean        _chorus_receiver_on_flush_timeout   (gpointer user_data);
void            _chorus_receiver_set_problem        (ChorusReceiver *self,
                                                     char           *problem);
gboolean        _chorus_receiver_join_all           (ChorusReceiver  *self,
                                                     GSocketFamily    family,
                                                     GError         **error);
void            _chorus_receiver_update_broadcasts  (ChorusReceiver *self);
gboolean        _chorus_receiver_on_links_changed   (gpointer user_data);
gboolean        _chorus_receiver_prepare_run        (ChorusReceiver  *self,
                                                     GSocketFamily   *family,
                                                     GError         **error);
gboolean        _chorus_receiver_can_segment        (GSocket *socket);
void            _chorus_receiver_flush_replies      (ChorusReceiver *self);
void            _chorus_receiver_answer             (ChorusReceiver       *self,
                                                     const ChorusDatagram *d,
                                                     gsize                 reply_size);
void            _chorus_receiver_answer_probe       (ChorusReceiver       *self,
                                                     const ChorusDatagram *d,
                                                     const ChorusProbe    *probe);
gboolean        _chorus_receiver_on_socket_readable (gpointer user_data);
ChorusListener *_chorus_receiver_add_listener       (ChorusReceiver  *self,
                                                     GSocketFamily    family,
                                                     GError         **error);

G_END_DECLS
