/* chorus-receiver.c: joins a group, keeps what arrives, answers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>
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

G_DEFINE_FINAL_TYPE (ChorusReceiver, chorus_receiver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_PORT,
  PROP_REPLY,
  PROP_ANSWER,
  PROP_INTERFACE,
  PROP_CAPACITY,
  PROP_LIMIT,
  PROP_RUNNING,
  PROP_MESSAGES,
  PROP_N_RECEIVED,
  PROP_N_REPLIED,
  PROP_N_IGNORED,
  PROP_N_UNANSWERED,
  PROP_REPLY_RATE,
  PROP_REPLY_BURST,
  PROP_ALLOW_LARGER_REPLIES,
  PROP_PROBLEM,
  PROP_UPDATE_INTERVAL,
  PROP_NAME,
  PROP_SOURCES,
  PROP_INCLUDE_SOURCES,
  PROP_EXCLUDE_SOURCES,
  PROP_GROUPS,
  N_PROPS
};

enum {
  MESSAGE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
listener_free (ChorusListener *listener)
{
  _chorus_reader_stop (&listener->reader);

  /* Closing the socket leaves its groups. */
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

static void
join_free (ChorusJoin *join)
{
  chorus_group_unref (join->group);
  g_object_unref (join->membership);
  g_free (join);
}

static guint
join_key_hash (gconstpointer key)
{
  const guint8 *bytes = key;
  guint hash = 5381;

  for (guint i = 0; i < 17; i++)
    hash = hash * 33 + bytes[i];

  return hash;
}

static gboolean
join_key_equal (gconstpointer a,
                gconstpointer b)
{
  return memcmp (a, b, 17) == 0;
}

static void
clear_socket (ChorusReceiver *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  self->socket = NULL;
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->join_table, g_hash_table_unref);
  g_clear_pointer (&self->joins, g_ptr_array_unref);
  g_clear_pointer (&self->include, g_ptr_array_unref);
  g_clear_pointer (&self->exclude, g_ptr_array_unref);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->batch, _chorus_batch_free);
  g_clear_pointer (&self->replies, g_free);
  g_clear_pointer (&self->guard, chorus_reply_guard_free);
  g_clear_pointer (&self->link_watch, _chorus_link_watch_free);
  g_clear_pointer (&self->last_address, g_ref_string_release);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->held, g_array_unref);
  if (self->held_source != NULL)
    {
      g_source_destroy (self->held_source);
      g_clear_pointer (&self->held_source, g_source_unref);
    }

  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
clear_flush_source (ChorusReceiver *self)
{
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
}

static void
staged_info_clear (gpointer data)
{
  ChorusStagedInfo *info = data;

  g_clear_pointer (&info->address, g_ref_string_release);
}

static GArray *
new_staged_infos (void)
{
  GArray *infos = g_array_new (FALSE, FALSE, sizeof (ChorusStagedInfo));

  g_array_set_clear_func (infos, staged_info_clear);

  return infos;
}

static guint
n_staged (ChorusReceiver *self)
{
  return self->staged->len + self->staged_infos->len;
}

static void
chorus_receiver_dispose (GObject *object)
{
  ChorusReceiver *self = (ChorusReceiver *) object;

  clear_socket (self);
  clear_flush_source (self);
  self->running = FALSE;

  G_OBJECT_CLASS (chorus_receiver_parent_class)->dispose (object);
}

static void
chorus_receiver_finalize (GObject *object)
{
  ChorusReceiver *self = (ChorusReceiver *) object;

  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->reply, g_free);
  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->staged, g_ptr_array_unref);
  g_clear_pointer (&self->staged_infos, g_array_unref);
  g_clear_pointer (&self->staged_bytes, g_byte_array_unref);
  g_clear_pointer (&self->spare_infos, g_array_unref);
  g_clear_pointer (&self->spare_bytes, g_byte_array_unref);
  if (self->message_destroy != NULL)
    self->message_destroy (self->message_data);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->source_table, g_hash_table_unref);
  g_clear_pointer (&self->include_sources, g_free);
  g_clear_pointer (&self->exclude_sources, g_free);
  g_clear_object (&self->sources);
  g_clear_object (&self->memberships);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (chorus_receiver_parent_class)->finalize (object);
}

static void
chorus_receiver_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ChorusReceiver *self = CHORUS_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_REPLY:
      g_value_set_string (value, self->reply);
      break;
    case PROP_ANSWER:
      g_value_set_boolean (value, self->answer);
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, chorus_ring_model_get_capacity (self->messages));
      break;
    case PROP_LIMIT:
      g_value_set_uint64 (value, self->limit);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;
    case PROP_N_RECEIVED:
      g_value_set_uint64 (value, self->n_received);
      break;
    case PROP_N_REPLIED:
      g_value_set_uint64 (value, self->n_replied);
      break;
    case PROP_N_IGNORED:
      g_value_set_uint64 (value, self->n_ignored);
      break;
    case PROP_N_UNANSWERED:
      g_value_set_uint64 (value, chorus_receiver_get_n_unanswered (self));
      break;
    case PROP_REPLY_RATE:
      g_value_set_double (value, self->reply_rate);
      break;
    case PROP_REPLY_BURST:
      g_value_set_uint (value, self->reply_burst);
      break;
    case PROP_ALLOW_LARGER_REPLIES:
      g_value_set_boolean (value, self->allow_larger);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    case PROP_UPDATE_INTERVAL:
      g_value_set_uint (value, self->update_interval);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SOURCES:
      g_value_set_object (value, self->sources);
      break;
    case PROP_INCLUDE_SOURCES:
      g_value_set_string (value, self->include_sources);
      break;
    case PROP_EXCLUDE_SOURCES:
      g_value_set_string (value, self->exclude_sources);
      break;
    case PROP_GROUPS:
      g_value_set_object (value, self->memberships);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_receiver_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ChorusReceiver *self = CHORUS_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      chorus_receiver_set_group (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      chorus_receiver_set_port (self, g_value_get_uint (value));
      break;
    case PROP_REPLY:
      chorus_receiver_set_reply (self, g_value_get_string (value));
      break;
    case PROP_ANSWER:
      chorus_receiver_set_answer (self, g_value_get_boolean (value));
      break;
    case PROP_INTERFACE:
      chorus_receiver_set_interface (self, g_value_get_string (value));
      break;
    case PROP_CAPACITY:
      chorus_ring_model_set_capacity (self->messages, g_value_get_uint (value));
      break;
    case PROP_LIMIT:
      self->limit = g_value_get_uint64 (value);
      break;
    case PROP_REPLY_RATE:
      chorus_receiver_set_reply_rate (self, g_value_get_double (value), self->reply_burst);
      break;
    case PROP_REPLY_BURST:
      chorus_receiver_set_reply_rate (self, self->reply_rate, g_value_get_uint (value));
      break;
    case PROP_ALLOW_LARGER_REPLIES:
      chorus_receiver_set_allow_larger_replies (self, g_value_get_boolean (value));
      break;
    case PROP_UPDATE_INTERVAL:
      self->update_interval = g_value_get_uint (value);
      break;
    case PROP_NAME:
      chorus_receiver_set_name (self, g_value_get_string (value));
      break;
    case PROP_INCLUDE_SOURCES:
      chorus_receiver_set_include_sources (self, g_value_get_string (value));
      break;
    case PROP_EXCLUDE_SOURCES:
      chorus_receiver_set_exclude_sources (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_receiver_class_init (ChorusReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_receiver_dispose;
  object_class->finalize = chorus_receiver_finalize;
  object_class->get_property = chorus_receiver_get_property;
  object_class->set_property = chorus_receiver_set_property;

  /**
   * ChorusReceiver:group:
   *
   * The groups to join, all on the port: one ("239.1.1.1",
   * "ff02::4242%eth0"), or several of one family, separated by commas or
   * spaces, with ranges ("239.1.1.1+9" is ten groups); at most
   * %CHORUS_RECEIVER_MAX_GROUPS. See #ChorusReceiver:groups.
   */
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, CHORUS_DEFAULT_GROUP, rw);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, CHORUS_DEFAULT_PORT, rw);
  properties[PROP_REPLY] = g_param_spec_string ("reply", NULL, NULL, CHORUS_DEFAULT_REPLY, rw);
  properties[PROP_ANSWER] = g_param_spec_boolean ("answer", NULL, NULL, TRUE, rw);
  /**
   * ChorusReceiver:interface:
   *
   * The network interface to join the group on, such as "eth0"; empty for
   * the one the routing table picks for the group.
   */
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, CHORUS_RING_MODEL_MAX_CAPACITY,
                       CHORUS_RECEIVER_DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * ChorusReceiver:limit:
   *
   * Stop by itself after this many messages in one run (0: never).
   * Nothing past the limit is kept or answered.
   */
  properties[PROP_LIMIT] =
    g_param_spec_uint64 ("limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_RECEIVED] =
    g_param_spec_uint64 ("n-received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_REPLIED] =
    g_param_spec_uint64 ("n-replied", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_IGNORED] =
    g_param_spec_uint64 ("n-ignored", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * ChorusReceiver:n-unanswered:
   *
   * Messages received but not answered though answering is on: the reply
   * guard refused them (see chorus_receiver_get_n_refused()).
   */
  properties[PROP_N_UNANSWERED] =
    g_param_spec_uint64 ("n-unanswered", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * ChorusReceiver:reply-rate:
   *
   * Answers per second to one source address; 0 for no limit. Takes
   * effect at once.
   */
  properties[PROP_REPLY_RATE] =
    g_param_spec_double ("reply-rate", NULL, NULL, 0, 1e6, CHORUS_REPLY_DEFAULT_RATE, rw);
  /**
   * ChorusReceiver:reply-burst:
   *
   * Answers one source may have at once before the rate applies.
   */
  properties[PROP_REPLY_BURST] =
    g_param_spec_uint ("reply-burst", NULL, NULL, 1, G_MAXINT, CHORUS_REPLY_DEFAULT_BURST, rw);
  /**
   * ChorusReceiver:allow-larger-replies:
   *
   * Whether an answer may be larger than the message it answers. Off, a
   * receiver can never amplify what someone sends it in another's name.
   */
  properties[PROP_ALLOW_LARGER_REPLIES] =
    g_param_spec_boolean ("allow-larger-replies", NULL, NULL, FALSE, rw);
  /**
   * ChorusReceiver:problem:
   *
   * While running: why nothing can arrive now (the interface went away or
   * down), or %NULL. The receiver joins again by itself once it can.
   */
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, ro);
  /**
   * ChorusReceiver:update-interval:
   *
   * Milliseconds to gather messages before they go into the messages
   * model and are announced, with the counts; 0 (the default) for at
   * once, after each read. A window sets it so that a flood redraws it a
   * few times a second, not after every read. Reading and answering never
   * wait; a full ring's worth is announced at once.
   */
  properties[PROP_UPDATE_INTERVAL] =
    g_param_spec_uint ("update-interval", NULL, NULL, 0, 10000, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /**
   * ChorusReceiver:name:
   *
   * The name answers to Chorus probes carry (at most 64 bytes of it);
   * empty for the host's name.
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", rw);
  properties[PROP_SOURCES] = g_param_spec_object ("sources", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * ChorusReceiver:include-sources:
   *
   * Source-specific multicast: the only senders to receive the groups
   * from, addresses separated by commas or spaces; empty for any sender.
   * Source-specific groups (232.0.0.0/8, ff3x::) need at least one.
   * Takes effect at the next start, which checks it.
   */
  properties[PROP_INCLUDE_SOURCES] = g_param_spec_string ("include-sources", NULL, NULL, "", rw);
  /**
   * ChorusReceiver:exclude-sources:
   *
   * Senders whose datagrams to the groups are kept out, addresses
   * separated by commas or spaces; not for source-specific groups, and
   * not together with #ChorusReceiver:include-sources.
   */
  properties[PROP_EXCLUDE_SOURCES] = g_param_spec_string ("exclude-sources", NULL, NULL, "", rw);
  /**
   * ChorusReceiver:groups:
   *
   * A #GListModel of #ChorusMembership: the groups of the current or last
   * run, whether each could be joined, and what each received.
   */
  properties[PROP_GROUPS] = g_param_spec_object ("groups", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChorusReceiver::message-received:
   * @message: what arrived, already in the messages model
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, CHORUS_TYPE_MESSAGE);
}

static void
chorus_receiver_init (ChorusReceiver *self)
{
  self->group = g_strdup (CHORUS_DEFAULT_GROUP);
  self->port = CHORUS_DEFAULT_PORT;
  self->reply = g_strdup (CHORUS_DEFAULT_REPLY);
  self->interface = g_strdup ("");
  self->answer = TRUE;
  self->reply_rate = CHORUS_REPLY_DEFAULT_RATE;
  self->reply_burst = CHORUS_REPLY_DEFAULT_BURST;
  self->messages = chorus_ring_model_new (CHORUS_TYPE_MESSAGE, CHORUS_RECEIVER_DEFAULT_CAPACITY);
  self->staged = g_ptr_array_new_with_free_func (g_object_unref);
  self->staged_infos = new_staged_infos ();
  self->staged_bytes = g_byte_array_new ();
  self->name = g_strdup ("");
  self->source_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sources = g_list_store_new (CHORUS_TYPE_SOURCE);
  self->memberships = g_list_store_new (CHORUS_TYPE_MEMBERSHIP);
  self->include_sources = g_strdup ("");
  self->exclude_sources = g_strdup ("");
}

ChorusReceiver *
chorus_receiver_new (void)
{
  return g_object_new (CHORUS_TYPE_RECEIVER, NULL);
}

const char *
chorus_receiver_get_group (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->group;
}

/* Group and port take effect at the next start. */
void
chorus_receiver_set_group (ChorusReceiver *self,
                           const char     *group)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->group, group))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

guint
chorus_receiver_get_port (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->port;
}

void
chorus_receiver_set_port (ChorusReceiver *self,
                          guint           port)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));
  g_return_if_fail (port >= 1 && port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

const char *
chorus_receiver_get_reply (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->reply;
}

/* Reply text and answering take effect at once, also while running. */
void
chorus_receiver_set_reply (ChorusReceiver *self,
                           const char     *reply)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (reply == NULL)
    reply = "";

  if (_chorus_set_str (&self->reply, reply))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY]);
}

gboolean
chorus_receiver_get_answer (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);

  return self->answer;
}

void
chorus_receiver_set_answer (ChorusReceiver *self,
                            gboolean        answer)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  answer = !!answer;
  if (self->answer == answer)
    return;

  self->answer = answer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWER]);
}

const char *
chorus_receiver_get_interface (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->interface;
}

void
chorus_receiver_set_interface (ChorusReceiver *self,
                               const char     *interface)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (interface == NULL)
    interface = "";

  if (_chorus_set_str (&self->interface, interface))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
}

/* Sends @n answers from slot @first, one datagram each, in as few system
 * calls as the kernel takes. A full send buffer or an unreachable sender
 * costs those answers, never the receiving. */
static void
send_each (ChorusReceiver *self,
           guint           first,
           guint           n)
{
  int fd = g_socket_get_fd (self->socket);
  guint done = 0;

  while (done < n)
    {
      int sent = sendmmsg (fd, self->replies->messages + first + done, n - done, MSG_DONTWAIT);

      if (sent < 0 && errno == EINTR)
        continue;

      if (sent <= 0)
        {
          /* The first one failed (an unreachable sender, a full buffer):
           * drop it and go on with the others. */
          g_debug ("Could not answer: %s", g_strerror (errno));
          done++;
          continue;
        }

      done += (guint) sent;
      self->n_replied += (guint) sent;
    }
}

static gboolean
same_destination (ChorusReplies *replies,
                  guint          a,
                  guint          b)
{
  return replies->messages[a].msg_hdr.msg_namelen == replies->messages[b].msg_hdr.msg_namelen
         && memcmp (&replies->to[a], &replies->to[b], replies->messages[a].msg_hdr.msg_namelen) == 0;
}

/* Groups the batch into runs of answers of one size to one sender; a run
 * of more than one goes as one message the kernel cuts into datagrams
 * (UDP_SEGMENT), the same datagrams as one message each, at the cost of
 * one. Returns the number of runs. */
static guint
group_runs (ChorusReplies *replies)
{
  guint n_runs = 0;

  for (guint i = 0, j; i < replies->n; i = j)
    {
      gsize size = replies->vectors[i].iov_len;
      struct msghdr *run = &replies->runs[n_runs].msg_hdr;

      for (j = i + 1;
           j < replies->n && size > 0 && size <= GSO_MAX_SEGMENT
           && replies->vectors[j].iov_len == size && (j - i + 1) * size <= GSO_MAX_BYTES
           && same_destination (replies, i, j);
           j++)
        ;

      *run = replies->messages[i].msg_hdr;
      run->msg_iovlen = j - i;
      if (j - i > 1)
        {
          struct cmsghdr *control = &replies->run_control[n_runs].align;
          guint16 segment = (guint16) size;

          run->msg_control = replies->run_control[n_runs].buffer;
          run->msg_controllen = sizeof replies->run_control[n_runs].buffer;
          control->cmsg_level = SOL_UDP;
          control->cmsg_type = UDP_SEGMENT;
          control->cmsg_len = CMSG_LEN (sizeof segment);
          memcpy (CMSG_DATA (control), &segment, sizeof segment);
        }
      replies->run_first[n_runs] = i;
      replies->run_length[n_runs] = j - i;
      n_runs++;
    }

  return n_runs;
}

/* Kernels since 4.18 segment UDP sends; older ones would ignore the
 * control message and send one large datagram, so ask first. */
static gboolean
can_segment (GSocket *socket)
{
  int segment = 0;

  return setsockopt (g_socket_get_fd (socket), SOL_UDP, UDP_SEGMENT, &segment,
                     sizeof segment) == 0;
}

/* Sends the answers queued for one batch, in one system call where it
 * can. */
static void
flush_replies (ChorusReceiver *self)
{
  ChorusReplies *replies = self->replies;
  int fd = g_socket_get_fd (self->socket);
  guint n_runs;
  guint done = 0;

  if (!replies->gso || replies->n < 2 || (n_runs = group_runs (replies)) == replies->n)
    {
      send_each (self, 0, replies->n);
      replies->n = 0;
      return;
    }

  while (done < n_runs)
    {
      int sent = sendmmsg (fd, replies->runs + done, n_runs - done, MSG_DONTWAIT);

      if (sent < 0 && errno == EINTR)
        continue;

      if (sent <= 0)
        {
          int saved_errno = errno;

          /* A device or path that cannot take a segmented send (EIO: no
           * checksum offload; EINVAL: a smaller MTU): the run goes one
           * datagram at a time. Otherwise, as send_each() does, the run
           * is dropped. */
          if (saved_errno == EIO || saved_errno == EINVAL)
            {
              g_debug ("Segmented answers refused (%s); sending one by one",
                       g_strerror (saved_errno));
              if (saved_errno == EIO)
                replies->gso = FALSE;
              send_each (self, replies->run_first[done], replies->run_length[done]);
            }
          else
            g_debug ("Could not answer: %s", g_strerror (saved_errno));
          done++;
          continue;
        }

      for (int k = 0; k < sent; k++)
        self->n_replied += replies->run_length[done + (guint) k];
      done += (guint) sent;
    }

  replies->n = 0;
}

/* Whether the reply guard lets @d be answered with @reply_size bytes;
 * refusals are counted. */
static gboolean
may_answer (ChorusReceiver       *self,
            const ChorusDatagram *d,
            gsize                 reply_size)
{
  ChorusReplyVerdict verdict;
  const guint8 *source;
  gsize source_size;
  guint16 port;

  source = _chorus_datagram_get_source (d, &source_size, &port);
  verdict = chorus_reply_guard_check (self->guard, source, source_size, port, d->size,
                                      reply_size, d->arrival_monotonic);
  if (verdict != CHORUS_REPLY_ANSWER)
    {
      self->n_unanswered[verdict]++;
      return FALSE;
    }

  return TRUE;
}

/* Takes the next slot of the batch of answers, for @to. */
static guint
stage_reply (ChorusReplies         *replies,
             const void            *to,
             socklen_t              to_size,
             const void            *data,
             gsize                  size)
{
  guint slot = replies->n++;

  memcpy (&replies->to[slot], to, to_size);
  replies->vectors[slot] = (struct iovec) { .iov_base = (void *) data, .iov_len = size };
  replies->messages[slot] = (struct mmsghdr) {
    .msg_hdr = {
      .msg_name = &replies->to[slot],
      .msg_namelen = to_size,
      .msg_iov = &replies->vectors[slot],
      .msg_iovlen = 1,
    },
  };

  return slot;
}

/* Queues the plain answer to @d if the reply guard allows it. */
static void
answer (ChorusReceiver       *self,
        const ChorusDatagram *d,
        gsize                 reply_size)
{
  if (may_answer (self, d, reply_size))
    stage_reply (self->replies, &d->from, d->from_size, self->reply, reply_size);
}

static const char *
answer_name (ChorusReceiver *self)
{
  return self->name[0] != '\0' ? self->name : g_get_host_name ();
}

/* Encodes the answer to a held probe into the next slot of the batch. */
static void
stage_answer (ChorusReceiver   *self,
              const ChorusHeld *held,
              gint64            now)
{
  ChorusReplies *replies = self->replies;
  const char *name = answer_name (self);
  ChorusAnswer answer = {
    .session = held->session,
    .seq = held->seq,
    .sent_usec = held->sent_usec,
    .ttl = held->ttl,
    .hold_usec = (guint32) CLAMP (now - held->arrival, 0, G_MAXUINT32),
    .name = name,
    .name_size = strlen (name),
  };
  guint slot = replies->n;
  gsize size = chorus_answer_encode (&answer, held->max_size, replies->answers[slot],
                                     sizeof replies->answers[slot]);

  if (size > 0)
    stage_reply (replies, &held->to, held->to_size, replies->answers[slot], size);
}

/* The held answers form a binary heap on their due time. */
static void
held_push (GArray     *heap,
           ChorusHeld *held)
{
  guint i = heap->len;

  g_array_append_val (heap, *held);
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      ChorusHeld *a = &g_array_index (heap, ChorusHeld, parent);
      ChorusHeld *b = &g_array_index (heap, ChorusHeld, i);
      ChorusHeld swap;

      if (a->due <= b->due)
        break;

      swap = *a;
      *a = *b;
      *b = swap;
      i = parent;
    }
}

static void
held_pop (GArray     *heap,
          ChorusHeld *out)
{
  guint i = 0;

  *out = g_array_index (heap, ChorusHeld, 0);
  g_array_index (heap, ChorusHeld, 0) = g_array_index (heap, ChorusHeld, heap->len - 1);
  g_array_set_size (heap, heap->len - 1);

  for (;;)
    {
      guint left = 2 * i + 1;
      guint right = left + 1;
      guint least = i;
      ChorusHeld swap;

      if (left < heap->len
          && g_array_index (heap, ChorusHeld, left).due < g_array_index (heap, ChorusHeld, least).due)
        least = left;
      if (right < heap->len
          && g_array_index (heap, ChorusHeld, right).due < g_array_index (heap, ChorusHeld, least).due)
        least = right;
      if (least == i)
        break;

      swap = g_array_index (heap, ChorusHeld, i);
      g_array_index (heap, ChorusHeld, i) = g_array_index (heap, ChorusHeld, least);
      g_array_index (heap, ChorusHeld, least) = swap;
      i = least;
    }
}

static void arm_held (ChorusReceiver *self);

/* Sends every held answer whose time has come, a batch at a time. */
static gboolean
on_held_due (gpointer user_data)
{
  ChorusReceiver *self = CHORUS_RECEIVER (user_data);
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&self->held_source, g_source_unref);
  self->held_source_due = 0;

  while (self->held->len > 0 && g_array_index (self->held, ChorusHeld, 0).due <= now)
    {
      ChorusHeld held;

      held_pop (self->held, &held);
      stage_answer (self, &held, now);
      if (self->replies->n == BATCH_SLOTS)
        flush_replies (self);
    }

  if (self->replies->n > 0)
    flush_replies (self);

  arm_held (self);

  return G_SOURCE_REMOVE;
}

/* Sets the timer for the first held answer, if it is not set already. */
static void
arm_held (ChorusReceiver *self)
{
  gint64 due;

  if (self->held->len == 0)
    return;

  due = g_array_index (self->held, ChorusHeld, 0).due;
  if (self->held_source != NULL && self->held_source_due <= due)
    return;

  if (self->held_source != NULL)
    {
      g_source_destroy (self->held_source);
      g_clear_pointer (&self->held_source, g_source_unref);
    }

  /* Ready at the due time on the monotonic clock: no rounding to
   * milliseconds that would stretch short holds. */
  self->held_source = g_timeout_source_new (0);
  g_source_set_ready_time (self->held_source, due);
  g_source_set_callback (self->held_source, on_held_due, self, NULL);
  g_source_attach (self->held_source, self->context);
  self->held_source_due = due;
}

/* Follows the prober that sent @probe, if there is room. */
static void
follow_source (ChorusReceiver       *self,
               const ChorusDatagram *d,
               const ChorusProbe    *probe)
{
  g_autoptr(GInetSocketAddress) from = _chorus_datagram_dup_from (d);
  g_autofree char *address = _chorus_socket_address_to_string (from);
  guint16 port = g_inet_socket_address_get_port (from);
  g_autofree char *key = g_strdup_printf ("%s %u %" G_GINT64_MODIFIER "x", address, port,
                                          probe->session);
  ChorusSource *source = g_hash_table_lookup (self->source_table, key);

  if (source == NULL)
    {
      if (g_hash_table_size (self->source_table) >= MAX_SOURCES)
        return;

      source = _chorus_source_new (address, port, probe->session);
      g_hash_table_insert (self->source_table, g_steal_pointer (&key), source);
      g_list_store_append (self->sources, source);
      g_object_unref (source);
    }

  _chorus_source_probe (source, probe->seq, d->ttl, d->arrival_usec);
}

/* Answers a Chorus probe with a Chorus answer: at once, or after a random
 * part of the spread it asks for. */
static void
answer_probe (ChorusReceiver       *self,
              const ChorusDatagram *d,
              const ChorusProbe    *probe)
{
  gint64 spread = MIN ((gint64) probe->spread_ms * 1000, MAX_SPREAD_USEC);
  ChorusHeld held = {
    .arrival = d->arrival_monotonic,
    .to_size = d->from_size,
    /* Never larger than the probe; names are cut to fit. */
    .max_size = self->allow_larger ? CHORUS_WIRE_PROBE_MIN_SIZE : MIN (d->size, CHORUS_WIRE_PROBE_MIN_SIZE),
    .session = probe->session,
    .seq = probe->seq,
    .sent_usec = probe->sent_usec,
    .ttl = d->ttl,
  };
  const char *name = answer_name (self);
  ChorusAnswer answer = {
    .session = probe->session,
    .seq = probe->seq,
    .sent_usec = probe->sent_usec,
    .ttl = d->ttl,
    .name = name,
    .name_size = strlen (name),
  };
  guint8 scratch[CHORUS_WIRE_PROBE_MIN_SIZE];
  gsize size = chorus_answer_encode (&answer, held.max_size, scratch, sizeof scratch);

  memcpy (&held.to, &d->from, d->from_size);

  if (size == 0 || !may_answer (self, d, size))
    return;

  if (spread <= 0)
    {
      stage_answer (self, &held, g_get_monotonic_time ());
      return;
    }

  if (self->held->len >= MAX_HELD)
    {
      self->n_unanswered[CHORUS_REPLY_REFUSE_RATE]++;
      return;
    }

  held.due = d->arrival_monotonic + g_random_int_range (0, (gint32) spread);
  held_push (self->held, &held);
  arm_held (self);
}

static gboolean
limit_reached (ChorusReceiver *self)
{
  return self->limit > 0 && self->n_received - self->n_received_at_start >= self->limit;
}

/* Puts what was read into the model, says what changed, and announces
 * each message. */
static void
flush_staged (ChorusReceiver *self)
{
  g_autoptr(GPtrArray) staged = g_steal_pointer (&self->staged);
  g_autoptr(GArray) infos = g_steal_pointer (&self->staged_infos);
  g_autoptr(GByteArray) bytes = g_steal_pointer (&self->staged_bytes);
  guint serial = self->run_serial;
  guint64 unanswered = chorus_receiver_get_n_unanswered (self);

  self->staged = g_ptr_array_new_with_free_func (g_object_unref);
  /* A handler may stage more (a run it starts) while these are lent. */
  self->staged_infos = self->spare_infos != NULL ? g_steal_pointer (&self->spare_infos)
                                                 : new_staged_infos ();
  self->staged_bytes = self->spare_bytes != NULL ? g_steal_pointer (&self->spare_bytes)
                                                 : g_byte_array_new ();
  clear_flush_source (self);

  if (staged->len > 0)
    chorus_ring_model_append_many (self->messages, staged->pdata, staged->len);

  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->sources)); i < n; i++)
    {
      g_autoptr(ChorusSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      _chorus_source_flush (source);
    }

  for (guint i = 0; self->joins != NULL && i < self->joins->len; i++)
    {
      ChorusJoin *join = g_ptr_array_index (self->joins, i);

      if (join->dirty)
        {
          join->dirty = FALSE;
          _chorus_membership_flush (join->membership);
        }
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->n_received != self->notified_received)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECEIVED]);
  if (self->n_replied != self->notified_replied)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REPLIED]);
  if (self->n_ignored != self->notified_ignored)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_IGNORED]);
  if (unanswered != self->notified_unanswered)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNANSWERED]);
  self->notified_received = self->n_received;
  self->notified_replied = self->n_replied;
  self->notified_ignored = self->n_ignored;
  self->notified_unanswered = unanswered;
  g_object_thaw_notify (G_OBJECT (self));

  /* A handler may stop this run, and start another: these messages are
   * not the new run's. */
  for (guint i = 0; i < staged->len && self->running && self->run_serial == serial; i++)
    g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, g_ptr_array_index (staged, i));

  for (guint i = 0; i < infos->len && self->running && self->run_serial == serial; i++)
    {
      const ChorusStagedInfo *staged_info = &g_array_index (infos, ChorusStagedInfo, i);
      ChorusMessageInfo info = {
        .address = staged_info->address,
        .port = staged_info->port,
        .group = staged_info->group,
        /* Never an offset from no buffer at all: only empty payloads. */
        .data = bytes->len > 0 ? bytes->data + staged_info->offset : (const guint8 *) "",
        .size = staged_info->size,
        .arrival_usec = staged_info->arrival_usec,
        .ttl = staged_info->ttl,
        .serial = staged_info->serial,
        .probe = staged_info->probe,
        .session = staged_info->session,
        .seq = staged_info->seq,
        .dscp = staged_info->dscp,
        .host_dropped = staged_info->host_dropped,
      };

      self->message_func (self, &info, self->message_data);
    }

  /* Kept for the next flush, unless a handler's run took their place. */
  g_array_set_size (infos, 0);
  g_byte_array_set_size (bytes, 0);
  if (self->spare_infos == NULL)
    {
      self->spare_infos = g_steal_pointer (&infos);
      self->spare_bytes = g_steal_pointer (&bytes);
    }
}

static gboolean
on_flush_timeout (gpointer user_data)
{
  ChorusReceiver *self = CHORUS_RECEIVER (user_data);
  g_autoptr(ChorusReceiver) hold = g_object_ref (self);

  flush_staged (self);

  return G_SOURCE_REMOVE;
}

/* The group a datagram was sent to; NULL if it is none of ours. */
static ChorusJoin *
lookup_join (ChorusReceiver       *self,
             const ChorusDatagram *d)
{
  guint8 key[17] = { 0 };

  /* Without the system's word, a receiver of one group takes it as
   * sent to that group. */
  if (d->destination_size == 0)
    return self->joins->len == 1 ? g_ptr_array_index (self->joins, 0) : NULL;

  key[0] = d->destination_size;
  memcpy (key + 1, d->destination, MIN (d->destination_size, 16));

  return g_hash_table_lookup (self->join_table, key);
}

/* @d's sender as text, for its message. Link-local senders are written
 * afresh each time: their zone is an interface's name, which may change. */
static char *
sender_text (ChorusReceiver       *self,
             const ChorusDatagram *d)
{
  const struct sockaddr *from = (const struct sockaddr *) &d->from;

  if (from->sa_family == AF_INET6 && d->from_size >= sizeof (struct sockaddr_in6)
      && ((const struct sockaddr_in6 *) (const void *) from)->sin6_scope_id != 0)
    return NULL;

  if (self->last_address == NULL || d->from_size != self->last_from_size
      || memcmp (&d->from, &self->last_from, d->from_size) != 0)
    {
      g_autofree char *text = _chorus_sockaddr_to_string (from, d->from_size);

      g_clear_pointer (&self->last_address, g_ref_string_release);
      self->last_address = g_ref_string_new (text);
      memcpy (&self->last_from, &d->from, d->from_size);
      self->last_from_size = d->from_size;
    }

  return g_ref_string_acquire (self->last_address);
}

/* A message for @d, which sent @payload. */
static ChorusMessage *
new_message (ChorusReceiver       *self,
             const ChorusDatagram *d,
             GBytes               *payload,
             ChorusJoin           *join)
{
  ChorusMessage *message = _chorus_message_new_native ((const struct sockaddr *) &d->from,
                                                       d->from_size, payload, d->arrival_usec,
                                                       d->ttl, self->n_received);
  char *address = sender_text (self, d);

  if (address != NULL)
    _chorus_message_set_address (message, address);
  _chorus_message_set_group (message, join != NULL ? join->text : NULL);

  return message;
}

/* Stages what @d brought (@data: its payload, or a probe's text): as a
 * message object in @fresh, or for the message function. */
static void
stage_message (ChorusReceiver       *self,
               GPtrArray            *fresh,
               const ChorusDatagram *d,
               const guint8         *data,
               gsize                 size,
               ChorusJoin           *join,
               const ChorusProbe    *probe)
{
  const struct sockaddr *from = (const struct sockaddr *) &d->from;
  ChorusStagedInfo info;
  guint16 port;
  gsize address_size;

  if (self->message_func == NULL)
    {
      ChorusMessage *message = new_message (self, d, g_bytes_new (data, size), join);

      if (probe != NULL)
        _chorus_message_set_probe (message, probe->session, probe->seq);
      g_ptr_array_add (fresh, message);
      return;
    }

  _chorus_datagram_get_source (d, &address_size, &port);
  info = (ChorusStagedInfo) {
    .address = sender_text (self, d),
    .group = join != NULL ? join->text : NULL,
    .offset = self->staged_bytes->len,
    .size = size,
    .arrival_usec = d->arrival_usec,
    .serial = self->n_received,
    .session = probe != NULL ? probe->session : 0,
    .seq = probe != NULL ? probe->seq : 0,
    .ttl = d->ttl,
    .dscp = d->dscp,
    .host_dropped = d->host_dropped,
    .port = port,
    .probe = probe != NULL,
  };

  /* A link-local sender, with its zone, as chorus_message_get_address()
   * writes it. */
  if (info.address == NULL)
    {
      g_autofree char *text = _chorus_sockaddr_to_string (from, d->from_size);

      info.address = g_ref_string_new (text);
    }

  g_byte_array_append (self->staged_bytes, data, (guint) size);
  g_array_append_val (self->staged_infos, info);
}

static gboolean
on_socket_readable (gpointer user_data)
{
  ChorusListener *listener = user_data;
  ChorusReceiver *self = listener->self;
  GSocket *socket = listener->socket;
  /* A handler may drop the last reference to us. */
  g_autoptr(ChorusReceiver) hold = g_object_ref (self);
  GPtrArray *fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint serial = self->run_serial;
  gint64 started = g_get_monotonic_time ();
  gsize reply_size = strlen (self->reply);
  guint handled = 0;
  gsize bytes = 0;

  while (handled < MAX_PER_DISPATCH && bytes < CHORUS_DISPATCH_BYTES && !limit_reached (self)
         && g_get_monotonic_time () - started < CHORUS_DISPATCH_USEC)
    {
      g_autoptr(GError) error = NULL;
      int n = _chorus_batch_receive (self->batch, socket, &error);

      if (n < 0)
        {
          g_debug ("Receiving: %s", error->message);
          break;
        }

      if (n == 0)
        break;

      handled += n;

      for (int i = 0; i < n && !limit_reached (self); i++)
        {
          const ChorusDatagram *d = _chorus_batch_get (self->batch, i);
          ChorusWireKind kind;
          ChorusProbe probe;
          ChorusJoin *join;

          bytes += d->size;

          /* The socket is bound to the wildcard address so that replies
           * leave from the group's port, as the article's receiver does;
           * so it could also hear unicast to that port. Keep to the groups. */
          join = lookup_join (self, d);
          if (join == NULL && d->destination_size != 0)
            {
              self->n_ignored++;
              continue;
            }

          self->n_received++;
          if (join != NULL)
            {
              _chorus_membership_count (join->membership);
              join->dirty = TRUE;
            }
          kind = chorus_wire_get_kind (d->data, d->size);

          if (kind == CHORUS_WIRE_PROBE && chorus_probe_parse (d->data, d->size, &probe))
            {
              stage_message (self, fresh, d, probe.text, probe.text_size, join, &probe);
              follow_source (self, d, &probe);

              if (self->answer)
                answer_probe (self, d, &probe);

              if (self->replies->n == BATCH_SLOTS)
                flush_replies (self);
              continue;
            }

          stage_message (self, fresh, d, d->data, d->size, join, NULL);

          /* Another's Chorus answer, sent to the group: nothing to say. */
          if (self->answer && kind != CHORUS_WIRE_ANSWER)
            answer (self, d, reply_size);
        }

      if (self->replies->n > 0)
        flush_replies (self);

      /* Short of a full batch, the socket was empty: asking again would
       * only cost a system call. What comes meanwhile wakes us again. */
      if (n < BATCH_SLOTS)
        break;
    }

  g_ptr_array_extend_and_steal (self->staged, g_steal_pointer (&fresh));

  if (self->update_interval == 0
      || n_staged (self) >= chorus_ring_model_get_capacity (self->messages)
      || limit_reached (self))
    flush_staged (self);
  else if (self->flush_source == NULL)
    {
      /* On the context the socket is read on. */
      self->flush_source = g_timeout_source_new (self->update_interval);
      g_source_set_callback (self->flush_source, on_flush_timeout, self, NULL);
      g_source_attach (self->flush_source, self->context);
    }

  if (self->running && self->run_serial == serial && limit_reached (self))
    chorus_receiver_stop (self);

  if (self->running && self->run_serial == serial)
    _chorus_reader_schedule (&listener->reader, started, handled,
                             handled >= MAX_PER_DISPATCH || bytes >= CHORUS_DISPATCH_BYTES
                               || g_get_monotonic_time () - started >= CHORUS_DISPATCH_USEC);

  return G_SOURCE_CONTINUE;
}

/* Another socket on the port, for the groups the others have no room for. */
static ChorusListener *
add_listener (ChorusReceiver  *self,
              GSocketFamily    family,
              GError         **error)
{
  g_autoptr(GInetAddress) any = g_inet_address_new_any (family);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (any, self->port);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocket) socket = NULL;
  ChorusListener *listener;

  socket = _chorus_socket_new_udp (family, error);
  if (socket == NULL)
    return NULL;

  /* Each socket hears only the groups it joined itself, by the sources
   * it chose. */
  _chorus_socket_set_multicast_all (socket, FALSE);

  /* Shared, so that several receivers on one host can use the port. */
  if (!g_socket_bind (socket, local, TRUE, &local_error))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not listen on port %u: %s"), self->port, local_error->message);
      return NULL;
    }

  /* The own-group filter depends on it. */
  if ((family == G_SOCKET_FAMILY_IPV4
       && _chorus_socket_get_int (socket, IPPROTO_IP, IP_PKTINFO) <= 0)
      || (family == G_SOCKET_FAMILY_IPV6
          && _chorus_socket_get_int (socket, IPPROTO_IPV6, IPV6_RECVPKTINFO) <= 0))
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                           _("The system cannot tell this receiver which address a datagram "
                             "was sent to"));
      return NULL;
    }

  listener = g_new0 (ChorusListener, 1);
  listener->self = self;
  listener->socket = g_steal_pointer (&socket);
  g_ptr_array_add (self->listeners, listener);
  if (self->socket == NULL)
    self->socket = listener->socket;

  return listener;
}

/* Joins @join on @socket: for each of the included sources, or for any
 * source with the excluded ones kept out. The group is joined if any
 * join worked; the first failure is its problem. */
static gboolean
join_on (ChorusReceiver  *self,
         ChorusJoin      *join,
         GSocket         *socket,
         guint            ifindex,
         gboolean        *no_room,
         GError         **error)
{
  GInetAddress *address = chorus_group_get_address (join->group);
  g_autoptr(GError) first_error = NULL;
  gboolean joined = FALSE;

  *no_room = FALSE;

  if (self->include->len == 0)
    {
      if (!_chorus_socket_join (socket, address, NULL, ifindex, no_room, error))
        return FALSE;

      for (guint i = 0; i < self->exclude->len; i++)
        if (!_chorus_socket_block_source (socket, address, g_ptr_array_index (self->exclude, i),
                                          ifindex, first_error ? NULL : &first_error))
          continue;

      _chorus_membership_set_problem (join->membership,
                                      first_error ? first_error->message : NULL);
      return TRUE;
    }

  for (guint i = 0; i < self->include->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean full = FALSE;

      if (_chorus_socket_join (socket, address, g_ptr_array_index (self->include, i), ifindex,
                               &full, &local_error))
        {
          joined = TRUE;
          continue;
        }

      /* No room for the group at all: another socket may have some. */
      if (full && !joined && i == 0)
        {
          *no_room = TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (!joined)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  _chorus_membership_set_problem (join->membership, first_error ? first_error->message : NULL);
  return TRUE;
}

/* Joins every group of the run, opening sockets as needed. A group that
 * cannot be joined is reported in its membership and the others go on;
 * only when none can be joined, or a socket cannot be had at all, does
 * this fail. */
static gboolean
join_all (ChorusReceiver  *self,
          GSocketFamily    family,
          GError         **error)
{
  g_autoptr(GError) first_error = NULL;
  guint n_joined = 0;

  if (add_listener (self, family, error) == NULL)
    return FALSE;

  for (guint i = 0; i < self->joins->len; i++)
    {
      ChorusJoin *join = g_ptr_array_index (self->joins, i);
      ChorusListener *listener = g_ptr_array_index (self->listeners, self->listeners->len - 1);
      g_autoptr(GError) local_error = NULL;
      gboolean no_room;

      if (!join_on (self, join, listener->socket, join->ifindex, &no_room, &local_error)
          && no_room)
        {
          g_clear_error (&local_error);
          listener = add_listener (self, family, error);
          if (listener == NULL)
            return FALSE;
          join_on (self, join, listener->socket, join->ifindex, &no_room, &local_error);
        }

      if (local_error != NULL)
        {
          _chorus_membership_set_problem (join->membership, local_error->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }

      join->socket = listener->socket;
      _chorus_membership_set_joined (join->membership, TRUE);
      n_joined++;
    }

  if (n_joined == 0)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

static void
set_problem (ChorusReceiver *self,
             char           *problem)
{
  g_free (self->problem);
  self->problem = problem;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
update_broadcasts (ChorusReceiver *self)
{
  g_autoptr(GArray) broadcasts = _chorus_link_get_broadcasts ();

  chorus_reply_guard_set_broadcasts (self->guard, (const guint32 *) (void *) broadcasts->data,
                                     broadcasts->len);
}

/* An interface or address changed: if ours went away or down, say so; when
 * it is back, join again (on its new index, if it was made anew). */
static gboolean
on_links_changed (gpointer user_data)
{
  ChorusReceiver *self = CHORUS_RECEIVER (user_data);
  g_autoptr(GError) error = NULL;
  const char *watched;
  ChorusLinkState state;
  guint ifindex;

  update_broadcasts (self);

  /* The interface chosen, or else the one a group names (ff02::1%eth0). */
  watched = self->interface;
  if (watched[0] == '\0' && self->joins != NULL && self->joins->len > 0)
    {
      ChorusJoin *first = g_ptr_array_index (self->joins, 0);

      if (chorus_group_get_interface (first->group) != NULL)
        watched = chorus_group_get_interface (first->group);
    }

  if (watched[0] == '\0')
    return G_SOURCE_CONTINUE;

  state = _chorus_link_get_state (watched, &ifindex);

  if (state != CHORUS_LINK_UP)
    {
      if (self->problem == NULL)
        {
          if (state == CHORUS_LINK_GONE)
            set_problem (self, g_strdup_printf (_("The interface %s went away"), watched));
          else if (state == CHORUS_LINK_DOWN)
            set_problem (self, g_strdup_printf (_("The interface %s is down"), watched));
          else
            set_problem (self,
                         g_strdup_printf (_("The interface %s has no link"), watched));
        }
      return G_SOURCE_CONTINUE;
    }

  if (self->problem == NULL && ifindex == self->ifindex)
    return G_SOURCE_CONTINUE;

  /* The kernel keeps a membership across down and up but not across the
   * interface's removal; leaving first makes both cases one. Groups that
   * could not be joined at the start stay as they are. */
  for (guint i = 0; i < self->joins->len; i++)
    {
      ChorusJoin *join = g_ptr_array_index (self->joins, i);
      g_autoptr(GError) local_error = NULL;
      gboolean no_room;

      if (join->socket == NULL)
        continue;

      _chorus_socket_leave (join->socket, chorus_group_get_address (join->group), join->ifindex);
      join->ifindex = ifindex;
      if (!join_on (self, join, join->socket, ifindex, &no_room, &local_error) && error == NULL)
        error = g_steal_pointer (&local_error);
    }

  self->ifindex = ifindex;
  if (error != NULL)
    {
      set_problem (self, g_strdup (error->message));
      return G_SOURCE_CONTINUE;
    }

  set_problem (self, NULL);

  return G_SOURCE_CONTINUE;
}

/* Addresses separated by commas or white space, each of @family. */
static GPtrArray *
parse_sources (const char     *text,
               GSocketFamily   family,
               GError        **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) words = g_strsplit_set (text != NULL ? text : "", ", \t\n", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      GInetAddress *source;

      if (words[i][0] == '\0')
        continue;

      source = chorus_parse_source (words[i], family, error);
      if (source == NULL)
        return NULL;
      g_ptr_array_add (sources, source);
    }

  return g_steal_pointer (&sources);
}

/* Everything about the settings that can be wrong before a socket is
 * opened: groups, interface, sources. Fills the run's joins. */
static gboolean
prepare_run (ChorusReceiver  *self,
             GSocketFamily   *family,
             GError         **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  guint ifindex;

  groups = chorus_group_parse_list (self->group, CHORUS_RECEIVER_MAX_GROUPS, error);
  if (groups == NULL)
    return FALSE;

  if (!chorus_parse_interface (self->interface, &ifindex, error))
    return FALSE;

  *family = chorus_group_get_family (g_ptr_array_index (groups, 0));
  self->include = parse_sources (self->include_sources, *family, error);
  if (self->include == NULL)
    return FALSE;
  self->exclude = parse_sources (self->exclude_sources, *family, error);
  if (self->exclude == NULL)
    return FALSE;

  if (self->include->len > 0 && self->exclude->len > 0)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("Give either the sources to receive from or the sources to keep "
                             "out, not both"));
      return FALSE;
    }

  self->ifindex = ifindex;
  self->joins = g_ptr_array_new_with_free_func ((GDestroyNotify) join_free);
  self->join_table = g_hash_table_new (join_key_hash, join_key_equal);

  for (guint i = 0; i < groups->len; i++)
    {
      ChorusGroup *group = g_ptr_array_index (groups, i);
      GInetAddress *address = chorus_group_get_address (group);
      g_autofree char *text = chorus_group_to_string (group);
      gsize size = g_inet_address_get_native_size (address);
      guint group_ifindex = ifindex != 0 ? ifindex : chorus_group_get_ifindex (group);
      ChorusJoin *join;

      if (!chorus_check_group_interface (group, group_ifindex, error))
        return FALSE;

      if (chorus_group_is_source_specific (group) && self->include->len == 0)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       _("%s is a source-specific group: name the sources to receive it from"),
                       text);
          return FALSE;
        }

      if (chorus_group_is_source_specific (group) && self->exclude->len > 0)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       _("%s is a source-specific group: it is received from the sources "
                         "named for it, and none can be kept out"),
                       text);
          return FALSE;
        }

      join = g_new0 (ChorusJoin, 1);
      join->group = chorus_group_ref (group);
      join->text = g_intern_string (text);
      join->membership = _chorus_membership_new (text);
      join->ifindex = group_ifindex;
      join->key[0] = size;
      memcpy (join->key + 1, g_inet_address_to_bytes (address), MIN (size, 16));

      /* The same group twice is one membership. */
      if (g_hash_table_contains (self->join_table, join->key))
        {
          join_free (join);
          continue;
        }

      g_ptr_array_add (self->joins, join);
      g_hash_table_insert (self->join_table, join->key, join);
    }

  return TRUE;
}

/**
 * chorus_receiver_start:
 * @error: a location for a #GError
 *
 * Binds the port (shared with other receivers on this host), joins the
 * group and starts listening on the thread-default main context.
 *
 * Returns: %TRUE when listening; otherwise @error says why
 */
gboolean
chorus_receiver_start (ChorusReceiver  *self,
                       GError         **error)
{
  g_autoptr(GPtrArray) memberships = NULL;
  g_autoptr(GError) local_error = NULL;
  GSocketFamily family;

  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already receiving"));
      return FALSE;
    }

  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  if (!prepare_run (self, &family, error) || !join_all (self, family, error))
    {
      clear_socket (self);
      return FALSE;
    }

  memberships = g_ptr_array_new ();
  for (guint i = 0; i < self->joins->len; i++)
    g_ptr_array_add (memberships, ((ChorusJoin *) g_ptr_array_index (self->joins, i))->membership);
  g_list_store_splice (self->memberships, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->memberships)),
                       memberships->pdata, memberships->len);

  self->n_received_at_start = self->n_received;
  self->cancellable = g_cancellable_new ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, G_MAXUINT16 + 1);
  self->replies = g_new0 (ChorusReplies, 1);
  self->replies->gso = can_segment (self->socket);
  self->held = g_array_new (FALSE, FALSE, sizeof (ChorusHeld));
  g_hash_table_remove_all (self->source_table);
  g_list_store_remove_all (self->sources);
  self->guard = chorus_reply_guard_new ();
  chorus_reply_guard_set_rate (self->guard, self->reply_rate, self->reply_burst);
  chorus_reply_guard_set_allow_larger (self->guard, self->allow_larger);
  update_broadcasts (self);

  /* Without it the receiver still works; it just cannot tell when its
   * interface goes away. */
  self->link_watch = _chorus_link_watch_new (on_links_changed, self, &local_error);
  if (self->link_watch == NULL)
    g_debug ("%s", local_error->message);

  self->context = g_main_context_ref_thread_default ();
  for (guint i = 0; i < self->listeners->len; i++)
    {
      ChorusListener *listener = g_ptr_array_index (self->listeners, i);

      _chorus_reader_start (&listener->reader, listener->socket, self->context,
                            self->cancellable, TRUE, on_socket_readable, listener);
    }

  self->running = TRUE;
  self->run_serial++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

/**
 * chorus_receiver_stop:
 *
 * Leaves the group and closes the port. What was received stays in the
 * messages model.
 */
void
chorus_receiver_stop (ChorusReceiver *self)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (!self->running)
    return;

  /* What was read is the run's: into the model and announced. A handler
   * may stop the run meanwhile, or stop it and start another. */
  if (n_staged (self) > 0 || self->flush_source != NULL)
    {
      guint serial = self->run_serial;

      flush_staged (self);
      if (!self->running || self->run_serial != serial)
        return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->problem != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  clear_socket (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
chorus_receiver_get_running (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);

  return self->running;
}

/**
 * chorus_receiver_get_messages:
 *
 * Returns: (transfer none): a #GListModel of #ChorusMessage, oldest first,
 *   holding at most the capacity; see #ChorusRingModel:dropped
 */
GListModel *
chorus_receiver_get_messages (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return G_LIST_MODEL (self->messages);
}

guint64
chorus_receiver_get_n_received (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->n_received;
}

guint64
chorus_receiver_get_n_replied (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->n_replied;
}

guint64
chorus_receiver_get_n_dropped (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return chorus_ring_model_get_dropped (self->messages);
}

guint64
chorus_receiver_get_n_ignored (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->n_ignored;
}

/**
 * chorus_receiver_get_n_unanswered:
 *
 * Returns: messages that answering would have answered but the reply
 *   guard refused, for every reason
 */
guint64
chorus_receiver_get_n_unanswered (ChorusReceiver *self)
{
  guint64 n = 0;

  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  for (guint i = CHORUS_REPLY_ANSWER + 1; i < CHORUS_REPLY_N_VERDICTS; i++)
    n += self->n_unanswered[i];

  return n;
}

/**
 * chorus_receiver_get_n_refused:
 * @verdict: why
 *
 * Returns: messages not answered for that reason
 */
guint64
chorus_receiver_get_n_refused (ChorusReceiver     *self,
                               ChorusReplyVerdict  verdict)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);
  g_return_val_if_fail (verdict < CHORUS_REPLY_N_VERDICTS, 0);

  return verdict == CHORUS_REPLY_ANSWER ? self->n_replied : self->n_unanswered[verdict];
}

double
chorus_receiver_get_reply_rate (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->reply_rate;
}

guint
chorus_receiver_get_reply_burst (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  return self->reply_burst;
}

/**
 * chorus_receiver_set_reply_rate:
 * @per_second: answers per second to one source; 0 for no limit
 * @burst: answers one source may have at once (at least 1)
 *
 * Takes effect at once, also while running.
 */
void
chorus_receiver_set_reply_rate (ChorusReceiver *self,
                                double          per_second,
                                guint           burst)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));
  g_return_if_fail (per_second >= 0 && per_second <= 1e6);
  g_return_if_fail (burst >= 1);

  if (self->reply_rate == per_second && self->reply_burst == burst)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->reply_rate != per_second)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_RATE]);
  if (self->reply_burst != burst)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_BURST]);
  self->reply_rate = per_second;
  self->reply_burst = burst;
  if (self->guard != NULL)
    chorus_reply_guard_set_rate (self->guard, per_second, burst);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
chorus_receiver_get_allow_larger_replies (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), FALSE);

  return self->allow_larger;
}

/* Takes effect at once, also while running. */
void
chorus_receiver_set_allow_larger_replies (ChorusReceiver *self,
                                          gboolean        allow)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  allow = !!allow;
  if (self->allow_larger == allow)
    return;

  self->allow_larger = allow;
  if (self->guard != NULL)
    chorus_reply_guard_set_allow_larger (self->guard, allow);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_LARGER_REPLIES]);
}

/**
 * chorus_receiver_get_problem:
 *
 * Returns: (nullable): why nothing can arrive now, or %NULL
 */
const char *
chorus_receiver_get_problem (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->problem;
}

const char *
chorus_receiver_get_name (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->name;
}

/**
 * chorus_receiver_set_name:
 * @name: (nullable): what answers to Chorus probes call this receiver;
 *   empty or %NULL for the host's name
 */
void
chorus_receiver_set_name (ChorusReceiver *self,
                          const char     *name)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->name, name != NULL ? name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * chorus_receiver_get_sources:
 *
 * Returns: (transfer none): a #GListModel of #ChorusSource: the probers
 *   heard in this run (one per session), in the order first heard
 */
GListModel *
chorus_receiver_get_sources (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return G_LIST_MODEL (self->sources);
}

const char *
chorus_receiver_get_include_sources (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->include_sources;
}

/**
 * chorus_receiver_set_include_sources:
 * @sources: (nullable): see #ChorusReceiver:include-sources
 */
void
chorus_receiver_set_include_sources (ChorusReceiver *self,
                                     const char     *sources)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->include_sources, sources != NULL ? sources : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_SOURCES]);
}

const char *
chorus_receiver_get_exclude_sources (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return self->exclude_sources;
}

/**
 * chorus_receiver_set_exclude_sources:
 * @sources: (nullable): see #ChorusReceiver:exclude-sources
 */
void
chorus_receiver_set_exclude_sources (ChorusReceiver *self,
                                     const char     *sources)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));

  if (_chorus_set_str (&self->exclude_sources, sources != NULL ? sources : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCLUDE_SOURCES]);
}

/**
 * chorus_receiver_get_receive_buffer:
 *
 * Returns: the largest receive buffer (SO_RCVBUF) a socket of the run
 *   was granted, in bytes; 0 when not running
 */
guint
chorus_receiver_get_receive_buffer (ChorusReceiver *self)
{
  int largest = 0;

  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), 0);

  for (guint i = 0; self->running && self->listeners != NULL && i < self->listeners->len; i++)
    {
      ChorusListener *listener = g_ptr_array_index (self->listeners, i);

      largest = MAX (largest, _chorus_socket_get_int (listener->socket, SOL_SOCKET, SO_RCVBUF));
    }

  return (guint) largest;
}

/**
 * chorus_receiver_get_groups:
 *
 * Returns: (transfer none): a #GListModel of #ChorusMembership: the
 *   groups of the current or last run, in the order given
 */
GListModel *
chorus_receiver_get_groups (ChorusReceiver *self)
{
  g_return_val_if_fail (CHORUS_IS_RECEIVER (self), NULL);

  return G_LIST_MODEL (self->memberships);
}

/**
 * chorus_receiver_set_message_func:
 * @func: (nullable): called for each message
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data when another function takes its
 *   place, or the receiver goes
 *
 * Instead of making a #ChorusMessage for each datagram, to keep in the
 * messages model and hand to #ChorusReceiver::message-received, calls
 * @func with what it would hold, in the same order and at the same
 * moments; the model stays empty. For programs that pass messages on and
 * keep none: it spares an object, a copy and a signal a datagram. Set it
 * while the receiver is stopped.
 */
void
chorus_receiver_set_message_func (ChorusReceiver    *self,
                                  ChorusMessageFunc  func,
                                  gpointer           user_data,
                                  GDestroyNotify     destroy)
{
  g_return_if_fail (CHORUS_IS_RECEIVER (self));
  g_return_if_fail (!self->running);

  if (self->message_destroy != NULL)
    self->message_destroy (self->message_data);

  self->message_func = func;
  self->message_data = user_data;
  self->message_destroy = destroy;
}
