/* chorus-mping-server.c: answers multicast ping (ssmping 0.9 and RFC 6450)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client asks by unicast; the server answers twice: by unicast, from
 * the very address the query was sent to (so that a client pinging one
 * of several addresses hears that one), and to a multicast group, from
 * that same address (the S of the client's (S,G)) and by way of the
 * interface the query came in on. Both leave with TTL (hop limit) 64,
 * from which the client tells how many hops each took.
 *
 * What a forged source address could make of this is kept small:
 *
 *  - the multicast answer goes to a multicast group only, never to a
 *    group of the local network control block nor an interface-local one;
 *  - no answer is larger than the query that caused it (a client asking
 *    for more is refused, unless the server allows larger answers);
 *  - each client address has its share of answers (GCRA, see
 *    chorus-reply-guard.c): CHORUS_MPING_SERVER_DEFAULT_RATE a second
 *    after a burst of CHORUS_MPING_SERVER_DEFAULT_BURST;
 *  - an address that floods (refused more than a burst's worth in a
 *    row) gets nothing for CHORUS_MPING_SERVER_PENALTY_USEC: a flood
 *    from a forged address has one burst, then silence. No more is
 *    possible: an ssmping 0.9 query carries nothing a forger could not
 *    write, so the first queries of an address are answered as any
 *    client's would be;
 *  - what is not a valid query is counted and never answered, answers
 *    least of all.
 */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>
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

G_DEFINE_FINAL_TYPE (ChorusMpingServer, chorus_mping_server, G_TYPE_OBJECT)

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

static GParamSpec *properties[N_PROPS];

const char *
chorus_mping_refusal_to_string (ChorusMpingRefusal refusal)
{
  switch (refusal)
    {
    case CHORUS_MPING_REFUSE_SOURCE:
      return "bad_source";
    case CHORUS_MPING_REFUSE_GROUP:
      return "bad_group";
    case CHORUS_MPING_REFUSE_SIZE:
      return "too_large";
    case CHORUS_MPING_REFUSE_RATE:
      return "rate_limited";
    case CHORUS_MPING_REFUSE_SESSION:
      return "unknown_session";
    case CHORUS_MPING_N_REFUSALS:
    default:
      return "unknown";
    }
}

static void
listener_free (ChorusListener *listener)
{
  _chorus_reader_stop (&listener->reader);

  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

static void
clear_run (ChorusMpingServer *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->batch, _chorus_batch_free);
  g_clear_pointer (&self->guard, chorus_reply_guard_free);
  g_clear_pointer (&self->broadcasts, g_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->answer, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
chorus_mping_server_dispose (GObject *object)
{
  ChorusMpingServer *self = (ChorusMpingServer *) object;

  clear_run (self);
  self->running = FALSE;

  G_OBJECT_CLASS (chorus_mping_server_parent_class)->dispose (object);
}

static void
chorus_mping_server_finalize (GObject *object)
{
  ChorusMpingServer *self = (ChorusMpingServer *) object;

  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->client_table, g_hash_table_unref);
  g_clear_object (&self->clients);

  G_OBJECT_CLASS (chorus_mping_server_parent_class)->finalize (object);
}

static void
chorus_mping_server_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChorusMpingServer *self = CHORUS_MPING_SERVER (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_FAMILY:
      g_value_set_enum (value, self->family);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_BURST:
      g_value_set_uint (value, self->burst);
      break;
    case PROP_ALLOW_LARGER:
      g_value_set_boolean (value, self->allow_larger);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_N_QUERIES:
      g_value_set_uint64 (value, self->n_queries);
      break;
    case PROP_N_ANSWERED:
      g_value_set_uint64 (value, self->n_answered);
      break;
    case PROP_N_INVALID:
      g_value_set_uint64 (value, self->n_invalid);
      break;
    case PROP_N_UNANSWERED:
      g_value_set_uint64 (value, chorus_mping_server_get_n_unanswered (self));
      break;
    case PROP_CLIENTS:
      g_value_set_object (value, self->clients);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_mping_server_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ChorusMpingServer *self = CHORUS_MPING_SERVER (object);

  switch (prop_id)
    {
    case PROP_PORT:
      chorus_mping_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_INTERFACE:
      chorus_mping_server_set_interface (self, g_value_get_string (value));
      break;
    case PROP_FAMILY:
      chorus_mping_server_set_family (self, g_value_get_enum (value));
      break;
    case PROP_RATE:
      chorus_mping_server_set_rate (self, g_value_get_double (value), self->burst);
      break;
    case PROP_BURST:
      chorus_mping_server_set_rate (self, self->rate, g_value_get_uint (value));
      break;
    case PROP_ALLOW_LARGER:
      if (self->allow_larger != g_value_get_boolean (value))
        {
          self->allow_larger = g_value_get_boolean (value);
          if (self->guard != NULL)
            chorus_reply_guard_set_allow_larger (self->guard, self->allow_larger);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_mping_server_class_init (ChorusMpingServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_mping_server_dispose;
  object_class->finalize = chorus_mping_server_finalize;
  object_class->get_property = chorus_mping_server_get_property;
  object_class->set_property = chorus_mping_server_set_property;

  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16,
                                             CHORUS_MPING_SERVER_DEFAULT_PORT, rw);
  /**
   * ChorusMpingServer:interface:
   *
   * Answer only queries that arrive on this interface; empty for any.
   */
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  /**
   * ChorusMpingServer:family:
   *
   * %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6 for one of them,
   * %G_SOCKET_FAMILY_INVALID for both (IPv6 where the host has it).
   */
  properties[PROP_FAMILY] = g_param_spec_enum ("family", NULL, NULL, G_TYPE_SOCKET_FAMILY,
                                               G_SOCKET_FAMILY_INVALID, rw);
  /**
   * ChorusMpingServer:rate:
   *
   * Queries answered per second to one client address; 0 for no limit.
   */
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, 1e6,
                                               CHORUS_MPING_SERVER_DEFAULT_RATE, rw);
  properties[PROP_BURST] = g_param_spec_uint ("burst", NULL, NULL, 1, G_MAXINT,
                                              CHORUS_MPING_SERVER_DEFAULT_BURST, rw);
  /**
   * ChorusMpingServer:allow-larger:
   *
   * Pad answers to what the client asks for even past the query's size.
   * Off by default: a forged query must not buy a larger answer.
   */
  properties[PROP_ALLOW_LARGER] = g_param_spec_boolean ("allow-larger", NULL, NULL, FALSE, rw);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_QUERIES] = g_param_spec_uint64 ("n-queries", NULL, NULL, 0, G_MAXUINT64, 0,
                                                    ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ANSWERED] = g_param_spec_uint64 ("n-answered", NULL, NULL, 0, G_MAXUINT64, 0,
                                                     ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_INVALID] = g_param_spec_uint64 ("n-invalid", NULL, NULL, 0, G_MAXUINT64, 0,
                                                    ro | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * ChorusMpingServer:n-unanswered:
   *
   * Valid queries refused, for every reason (see
   * chorus_mping_server_get_n_refused()).
   */
  properties[PROP_N_UNANSWERED] = g_param_spec_uint64 ("n-unanswered", NULL, NULL, 0,
                                                       G_MAXUINT64, 0,
                                                       ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CLIENTS] = g_param_spec_object ("clients", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_mping_server_init (ChorusMpingServer *self)
{
  self->port = CHORUS_MPING_SERVER_DEFAULT_PORT;
  self->interface = g_strdup ("");
  self->family = G_SOCKET_FAMILY_INVALID;
  self->rate = CHORUS_MPING_SERVER_DEFAULT_RATE;
  self->burst = CHORUS_MPING_SERVER_DEFAULT_BURST;
  self->client_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->clients = g_list_store_new (CHORUS_TYPE_MPING_CLIENT_SESSION);
}

ChorusMpingServer *
chorus_mping_server_new (void)
{
  return g_object_new (CHORUS_TYPE_MPING_SERVER, NULL);
}

/* Answers */

/* The control message that makes an answer leave from @from (the
 * address the query was sent to) by way of @ifindex. */
static gsize
fill_pktinfo (void         *control,
              gsize         control_size,
              const guint8 *from,
              gsize         from_size,
              int           ifindex)
{
  struct msghdr header = { .msg_control = control, .msg_controllen = control_size };
  struct cmsghdr *c;

  memset (control, 0, control_size);
  c = CMSG_FIRSTHDR (&header);

  if (from_size == 4)
    {
      struct in_pktinfo info = { .ipi_ifindex = ifindex };

      memcpy (&info.ipi_spec_dst, from, 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN (sizeof info);
      memcpy (CMSG_DATA (c), &info, sizeof info);
      return CMSG_SPACE (sizeof info);
    }

  if (from_size == 16)
    {
      struct in6_pktinfo info = { .ipi6_ifindex = (unsigned int) ifindex };

      memcpy (&info.ipi6_addr, from, 16);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN (sizeof info);
      memcpy (CMSG_DATA (c), &info, sizeof info);
      return CMSG_SPACE (sizeof info);
    }

  return 0;
}

/* Sends one answer; a full buffer or an unreachable client costs that
 * answer, never the serving. */
static gboolean
send_answer (GSocket              *socket,
             const ChorusDatagram *query,
             const void           *to,
             socklen_t             to_size,
             const guint8         *data,
             gsize                 size)
{
  union
  {
    struct cmsghdr align;
    guint8 bytes[CMSG_SPACE (sizeof (struct in6_pktinfo))];
  } control;
  struct iovec vector = { .iov_base = (void *) data, .iov_len = size };
  struct msghdr header = {
    .msg_name = (void *) to,
    .msg_namelen = to_size,
    .msg_iov = &vector,
    .msg_iovlen = 1,
  };
  gssize sent;

  /* Without the system's word on where the query went, the routing
   * table picks the source. */
  if (query->destination_size != 0)
    {
      header.msg_control = &control;
      header.msg_controllen = fill_pktinfo (&control, sizeof control, query->destination,
                                            query->destination_size, query->ifindex);
    }

  do
    sent = sendmsg (g_socket_get_fd (socket), &header, MSG_DONTWAIT);
  while (sent < 0 && errno == EINTR);

  if (sent < 0)
    {
      g_debug ("Could not answer: %s", g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/* Whether answers may go to @group (4 or 16 bytes). */
static gboolean
group_is_allowed (const guint8 *group,
                  gsize         group_size)
{
  if (group_size == 4)
    /* 224.0.0.0/24 is for routing protocols and the like, never for
     * answers. */
    return group[0] >= 224 && group[0] <= 239 && !(group[0] == 224 && group[1] == 0
                                                   && group[2] == 0);

  if (group_size == 16)
    {
      guint scope = group[1] & 0x0f;

      /* Reserved and interface-local scopes reach nobody else. */
      return group[0] == 0xff && scope != 0 && scope != 1 && scope != 15;
    }

  return FALSE;
}

/* Where the multicast copy of an answer goes: @group at @port. */
static void
fill_group_address (struct sockaddr_storage *to,
                    socklen_t               *to_size,
                    const guint8            *group,
                    gsize                    group_size,
                    guint16                  port,
                    int                      ifindex)
{
  memset (to, 0, sizeof *to);

  if (group_size == 4)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) to;

      in->sin_family = AF_INET;
      in->sin_port = g_htons (port);
      memcpy (&in->sin_addr, group, 4);
      *to_size = sizeof *in;
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) to;
      guint scope = group[1] & 0x0f;

      in6->sin6_family = AF_INET6;
      in6->sin6_port = g_htons (port);
      memcpy (&in6->sin6_addr, group, 16);
      /* A link-local group is the link the query came by. */
      if (scope == 2)
        in6->sin6_scope_id = (guint32) ifindex;
      *to_size = sizeof *in6;
    }
}

/* Clients */

/* The client that sent @d; a new one (not yet listed, *fresh set) if
 * @create and there is room. */
static ChorusMpingClientSession *
lookup_client (ChorusMpingServer     *self,
               const ChorusDatagram  *d,
               ChorusMpingGeneration  generation,
               gboolean               create,
               gboolean              *fresh)
{
  g_autofree char *address = _chorus_sockaddr_to_string ((const struct sockaddr *) &d->from,
                                                         d->from_size);
  gsize source_size;
  guint16 port;
  g_autofree char *key = NULL;
  ChorusMpingClientSession *client;

  *fresh = FALSE;
  _chorus_datagram_get_source (d, &source_size, &port);
  key = g_strdup_printf ("%s %u %d", address, port, generation);
  client = g_hash_table_lookup (self->client_table, key);
  if (client != NULL || !create
      || g_hash_table_size (self->client_table) >= CHORUS_MPING_SERVER_MAX_CLIENTS)
    return client;

  client = _chorus_mping_client_session_new (address, port, generation, d->arrival_usec);
  g_hash_table_insert (self->client_table, g_steal_pointer (&key), client);
  *fresh = TRUE;

  return client;
}

/* RFC 6450 sessions */

static gboolean
session_is_idle (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  const ChorusSession *session = value;
  const gint64 *now = user_data;

  return *now - session->last_used > SESSION_IDLE_USEC;
}

/* Sessions are looked up by their id, random bytes: the first four
 * are hash enough. */
static guint
session_id_hash (gconstpointer key)
{
  guint hash;

  memcpy (&hash, key, sizeof hash);
  return hash;
}

static gboolean
session_id_equal (gconstpointer a,
                  gconstpointer b)
{
  return memcmp (a, b, CHORUS_MPING_SESSION_ID_SIZE) == 0;
}

static gboolean
session_id_is_zero (const guint8 *id)
{
  static const guint8 zero[CHORUS_MPING_SESSION_ID_SIZE] = { 0 };

  return memcmp (id, zero, sizeof zero) == 0;
}

/* A new session for the client that sent @d; NULL when the table is
 * full of sessions in use. */
static ChorusSession *
open_session (ChorusMpingServer    *self,
              const ChorusDatagram *d)
{
  ChorusSession *session;
  const guint8 *source;
  gsize source_size;
  guint16 port;
  gint64 now = d->arrival_monotonic;

  if (g_hash_table_size (self->sessions) >= MAX_SESSIONS)
    {
      /* A sweep a second at most: a flood of inits costs little. */
      if (now - self->last_sweep < G_USEC_PER_SEC)
        return NULL;
      self->last_sweep = now;
      g_hash_table_foreach_remove (self->sessions, session_is_idle, &now);
      if (g_hash_table_size (self->sessions) >= MAX_SESSIONS)
        return NULL;
    }

  source = _chorus_datagram_get_source (d, &source_size, &port);
  session = g_new0 (ChorusSession, 1);
  /* Unguessable, so that a forger cannot use someone else's. */
  do
    {
      if (getrandom (session->id, sizeof session->id, 0) != sizeof session->id)
        for (gsize i = 0; i < sizeof session->id; i += sizeof (guint32))
          {
            guint32 word = g_random_int ();

            memcpy (session->id + i, &word, sizeof word);
          }
    }
  while (session_id_is_zero (session->id) || g_hash_table_contains (self->sessions, session->id));
  memcpy (session->client, source, source_size);
  session->client_size = (guint8) source_size;
  session->last_used = now;
  g_hash_table_insert (self->sessions, session->id, session);

  return session;
}

/* The session whose id is @id (@id_size bytes) if this server gave it
 * to the client that sent @d. An id of another length is none of ours. */
static ChorusSession *
find_session (ChorusMpingServer    *self,
              const ChorusDatagram *d,
              const guint8         *id,
              gsize                 id_size)
{
  ChorusSession *session;
  const guint8 *source;
  gsize source_size;
  guint16 port;

  if (id_size != CHORUS_MPING_SESSION_ID_SIZE)
    return NULL;
  session = g_hash_table_lookup (self->sessions, id);
  source = _chorus_datagram_get_source (d, &source_size, &port);
  if (session == NULL || session->client_size != source_size
      || memcmp (session->client, source, source_size) != 0)
    return NULL;

  session->last_used = d->arrival_monotonic;
  return session;
}

/* Queries */

static void
refuse (ChorusMpingServer  *self,
        ChorusMpingRefusal  refusal)
{
  self->n_refused[refusal]++;
}

/* Asks the reply guard whether @d may have @answer_size bytes back, as
 * if it were @allowance bytes larger; refusals are counted. */
static gboolean
may_answer (ChorusMpingServer    *self,
            const ChorusDatagram *d,
            gsize                 answer_size,
            gsize                 allowance)
{
  const guint8 *source;
  gsize source_size;
  guint16 port;

  source = _chorus_datagram_get_source (d, &source_size, &port);
  switch (chorus_reply_guard_check (self->guard, source, source_size, port, d->size + allowance,
                                    answer_size, d->arrival_monotonic))
    {
    case CHORUS_REPLY_ANSWER:
      return TRUE;
    case CHORUS_REPLY_REFUSE_SOURCE:
      refuse (self, CHORUS_MPING_REFUSE_SOURCE);
      return FALSE;
    case CHORUS_REPLY_REFUSE_SIZE:
      refuse (self, CHORUS_MPING_REFUSE_SIZE);
      return FALSE;
    case CHORUS_REPLY_REFUSE_RATE:
    case CHORUS_REPLY_N_VERDICTS:
    default:
      refuse (self, CHORUS_MPING_REFUSE_RATE);
      return FALSE;
    }
}

/* What the server says of itself when a client asks. */
static const char *
server_info (void)
{
  return "Chorus " PACKAGE_VERSION;
}

/* Whether @address (the one a query was sent to) is one of ours that an
 * answer can come from: not a group, not a broadcast address. */
static gboolean
is_own_unicast (ChorusMpingServer *self,
                const guint8      *address,
                gsize              address_size)
{
  if (!chorus_reply_address_is_unicast (address, address_size))
    return FALSE;

  if (address_size == 4)
    for (guint i = 0; i < self->broadcasts->len; i++)
      if (memcmp (&g_array_index (self->broadcasts, guint32, i), address, 4) == 0)
        return FALSE;

  return TRUE;
}

/* The group the answers to @query go to: the one asked for, or the
 * protocol's own for the family the query came by. NULL (and counted)
 * when answers must not go there. */
static GInetAddress *
group_for (ChorusMpingServer        *self,
           const ChorusDatagram     *d,
           const ChorusMpingMessage *query)
{
  GSocketFamily family = d->from.ss_family == AF_INET ? G_SOCKET_FAMILY_IPV4
                                                      : G_SOCKET_FAMILY_IPV6;
  g_autoptr(GInetAddress) group = chorus_mping_message_choose_group (query, family);

  if (group == NULL
      || !group_is_allowed (g_inet_address_to_bytes (group),
                            g_inet_address_get_native_size (group)))
    {
      refuse (self, CHORUS_MPING_REFUSE_GROUP);
      return NULL;
    }

  return g_steal_pointer (&group);
}

/* Counts a query for the client that sent it; a client is listed once it
 * has had an answer. */
static void
count_client (ChorusMpingServer     *self,
              const ChorusDatagram  *d,
              ChorusMpingGeneration  generation,
              GInetAddress          *group,
              gboolean               answered)
{
  g_autofree char *group_text = group != NULL ? g_inet_address_to_string (group) : NULL;
  ChorusMpingClientSession *client;
  gboolean fresh;

  client = lookup_client (self, d, generation, answered, &fresh);
  if (client == NULL)
    return;

  _chorus_mping_client_session_query (client, group_text, answered, d->arrival_usec);
  /* Listed once it has its group: whoever watches the list sees it whole. */
  if (fresh)
    g_list_store_append (self->clients, client);
}

/* Encodes @message and sends it back to where @d came from, if it is at
 * most @allowance bytes larger; FALSE if it could not be encoded or the
 * reply guard refused it (counted), or the system would not send it. */
static gboolean
answer_unicast (ChorusMpingServer        *self,
                ChorusListener           *listener,
                const ChorusDatagram     *d,
                const ChorusMpingMessage *message,
                gsize                     allowance,
                gsize                    *size)
{
  *size = chorus_mping_encode (message, self->answer, G_MAXUINT16 + 1);
  if (*size == 0)
    {
      refuse (self, CHORUS_MPING_REFUSE_SIZE);
      return FALSE;
    }

  if (!may_answer (self, d, *size, allowance))
    return FALSE;

  return send_answer (listener->socket, d, &d->from, d->from_size, self->answer, *size);
}

/* An RFC 6450 query in a session we do not know: the client is told,
 * with a Server Response that has no session, to start again. */
static void
reject_session (ChorusMpingServer        *self,
                ChorusListener           *listener,
                const ChorusDatagram     *d,
                const ChorusMpingMessage *query)
{
  ChorusMpingMessage init = *query;
  ChorusMpingMessage response;
  gsize size;

  refuse (self, CHORUS_MPING_REFUSE_SESSION);

  /* The response is built as for an init of the same client. */
  init.type = CHORUS_MPING_TYPE_INIT;
  if (chorus_mping_make_server_response (&init, NULL, NULL, 0, NULL, &response, NULL))
    answer_unicast (self, listener, d, &response, 0, &size);
}

static void
handle_query (ChorusMpingServer        *self,
              ChorusListener           *listener,
              const ChorusDatagram     *d,
              const ChorusMpingMessage *query)
{
  g_autoptr(GInetAddress) group = NULL;
  struct sockaddr_storage to;
  socklen_t to_size;
  ChorusMpingMessage answer;
  gsize size, source_size;
  guint16 port;

  if (query->generation == CHORUS_MPING_GENERATION_RFC6450
      && CHORUS_MPING_HAS (query, CHORUS_MPING_OPTION_SESSION_ID)
      && find_session (self, d, query->session_id, query->session_id_size) == NULL)
    {
      reject_session (self, listener, d, query);
      count_client (self, d, query->generation, NULL, FALSE);
      return;
    }

  group = group_for (self, d, query);
  if (group == NULL
      || !chorus_mping_make_answer (query, server_info (), g_get_real_time (), &answer, NULL))
    {
      /* make_answer only fails on what is no query: parse took it as one. */
      count_client (self, d, query->generation, group, FALSE);
      return;
    }

  /* What the server says of itself is a courtesy (ssmping -v asks for
   * it): left out rather than let the answer outgrow the query. */
  if (CHORUS_MPING_HAS (&answer, CHORUS_MPING_OPTION_SERVER_INFO) && !self->allow_larger
      && chorus_mping_encoded_size (&answer) > d->size)
    chorus_mping_make_answer (query, NULL, g_get_real_time (), &answer, NULL);

  if (!answer_unicast (self, listener, d, &answer, 0, &size))
    {
      count_client (self, d, query->generation, group, FALSE);
      return;
    }

  /* The same bytes to the group, at the port the client asked from: the
   * client listens there for both. */
  _chorus_datagram_get_source (d, &source_size, &port);
  fill_group_address (&to, &to_size, g_inet_address_to_bytes (group),
                      g_inet_address_get_native_size (group), port, d->ifindex);
  send_answer (listener->socket, d, &to, to_size, self->answer, size);

  self->n_answered++;
  count_client (self, d, query->generation, group, TRUE);
}

/* An RFC 6450 init: a Server Response with a new session, by unicast. */
static void
handle_init (ChorusMpingServer        *self,
             ChorusListener           *listener,
             const ChorusDatagram     *d,
             const ChorusMpingMessage *init)
{
  g_autoptr(GInetAddress) group = NULL;
  ChorusMpingMessage response;
  ChorusSession *session;
  gboolean ok = TRUE;
  gsize size;

  group = group_for (self, d, init);
  if (group == NULL)
    {
      count_client (self, d, init->generation, NULL, FALSE);
      return;
    }

  session = open_session (self, d);
  if (session == NULL)
    {
      refuse (self, CHORUS_MPING_REFUSE_RATE);
      return;
    }

  /* The response must add a session and the group to what the init
   * carried, so it may outgrow it by that much; what the server says of
   * itself is left out rather than outgrow it more. */
  if (!chorus_mping_make_server_response (init, group, session->id,
                                          sizeof session->id, server_info (), &response, NULL))
    ok = FALSE;
  else if (CHORUS_MPING_HAS (&response, CHORUS_MPING_OPTION_SERVER_INFO) && !self->allow_larger
           && chorus_mping_encoded_size (&response) > d->size + CHORUS_MPING_SERVER_RESPONSE_ALLOWANCE)
    ok = chorus_mping_make_server_response (init, group, session->id,
                                            sizeof session->id, NULL, &response, NULL);
  if (!ok || !answer_unicast (self, listener, d, &response, CHORUS_MPING_SERVER_RESPONSE_ALLOWANCE,
                              &size))
    {
      g_hash_table_remove (self->sessions, session->id);
      count_client (self, d, init->generation, group, FALSE);
      return;
    }

  self->n_answered++;
  count_client (self, d, init->generation, group, TRUE);
}

static void
handle_datagram (ChorusMpingServer    *self,
                 ChorusListener       *listener,
                 const ChorusDatagram *d)
{
  ChorusMpingMessage message;

  self->n_queries++;

  /* Queries come to one of our addresses; one sent to a group or a
   * broadcast address is no query to us (and its address no source for
   * an answer). */
  if (!chorus_mping_parse (d->data, d->size, &message, NULL)
      || (d->destination_size != 0 && !is_own_unicast (self, d->destination,
                                                       d->destination_size)))
    {
      self->n_invalid++;
      return;
    }

  if (message.type == CHORUS_MPING_TYPE_QUERY)
    handle_query (self, listener, d, &message);
  else if (message.type == CHORUS_MPING_TYPE_INIT
           && message.generation == CHORUS_MPING_GENERATION_RFC6450)
    handle_init (self, listener, d, &message);
  else
    /* Answers and server responses are never answered: two servers must
     * not keep each other busy. */
    self->n_invalid++;
}

static void
flush_counts (ChorusMpingServer *self)
{
  guint64 unanswered = chorus_mping_server_get_n_unanswered (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusMpingClientSession) client =
        g_list_model_get_item (G_LIST_MODEL (self->clients), i);

      _chorus_mping_client_session_flush (client);
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->n_queries != self->notified[0])
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_QUERIES]);
  if (self->n_answered != self->notified[1])
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ANSWERED]);
  if (self->n_invalid != self->notified[2])
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_INVALID]);
  if (unanswered != self->notified_unanswered)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNANSWERED]);
  self->notified[0] = self->n_queries;
  self->notified[1] = self->n_answered;
  self->notified[2] = self->n_invalid;
  self->notified_unanswered = unanswered;
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
on_socket_readable (gpointer user_data)
{
  ChorusListener *listener = user_data;
  ChorusMpingServer *self = listener->self;
  GSocket *socket = listener->socket;
  g_autoptr(ChorusMpingServer) hold = g_object_ref (self);
  gint64 started = g_get_monotonic_time ();
  guint handled = 0;
  gsize bytes = 0;

  while (handled < MAX_PER_DISPATCH && bytes < CHORUS_DISPATCH_BYTES
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
      for (int i = 0; i < n; i++)
        {
          const ChorusDatagram *d = _chorus_batch_get (self->batch, i);

          bytes += d->size;
          /* Queries that came by another interface are not ours to hear. */
          if (self->ifindex != 0 && d->ifindex != 0 && (guint) d->ifindex != self->ifindex)
            continue;
          handle_datagram (self, listener, d);
        }

      /* Short of a full batch, the socket was empty (see the receiver). */
      if (n < BATCH_SLOTS)
        break;
    }

  /* Handlers may stop the server. */
  flush_counts (self);

  if (self->running)
    _chorus_reader_schedule (&listener->reader, started, handled,
                             handled >= MAX_PER_DISPATCH || bytes >= CHORUS_DISPATCH_BYTES
                               || g_get_monotonic_time () - started >= CHORUS_DISPATCH_USEC);

  return G_SOURCE_CONTINUE;
}

/* Running */

static gboolean
add_listener (ChorusMpingServer  *self,
              GSocketFamily       family,
              GError            **error)
{
  ChorusUdpOptions options = CHORUS_UDP_OPTIONS_INIT (family);
  g_autoptr(GSocket) socket = NULL;
  ChorusListener *listener;

  /* Not shared: two servers on one port would answer every query twice.
   * Answers leave with TTL 64, unicast and multicast, so that the client
   * can count hops. It joins no group, and IP_MULTICAST_ALL stays as
   * the system has it. */
  options.port = (guint16) self->port;
  options.unicast_ttl = CHORUS_MPING_TTL;
  options.multicast_ttl = CHORUS_MPING_TTL;
  options.own_groups_only = FALSE;
  options.send_buffer = SEND_BUFFER_WANTED;

  socket = _chorus_udp_socket_open (&options, NULL, error);
  if (socket == NULL)
    return FALSE;

  listener = g_new0 (ChorusListener, 1);
  listener->self = self;
  listener->socket = g_steal_pointer (&socket);
  g_ptr_array_add (self->listeners, listener);

  return TRUE;
}

/**
 * chorus_mping_server_start:
 * @error: a location for a #GError
 *
 * Listens on the port, IPv4 and IPv6 (or the one family set), on the
 * thread-default main context.
 *
 * Returns: %TRUE when serving; otherwise @error says why
 */
gboolean
chorus_mping_server_start (ChorusMpingServer  *self,
                           GError            **error)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already serving"));
      return FALSE;
    }

  self->ifindex = 0;
  if (!chorus_parse_interface (self->interface, &self->ifindex, error))
    return FALSE;

  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  if (self->family != G_SOCKET_FAMILY_IPV6
      && !add_listener (self, G_SOCKET_FAMILY_IPV4, error))
    {
      clear_run (self);
      return FALSE;
    }
  if (self->family != G_SOCKET_FAMILY_IPV4)
    {
      g_autoptr(GError) local_error = NULL;

      /* Both: a host without IPv6 is served over IPv4. */
      if (!add_listener (self, G_SOCKET_FAMILY_IPV6, &local_error))
        {
          if (self->family == G_SOCKET_FAMILY_IPV6)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              clear_run (self);
              return FALSE;
            }
          g_debug ("Serving IPv4 only: %s", local_error->message);
        }
    }

  self->cancellable = g_cancellable_new ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, G_MAXUINT16 + 1);
  self->answer = g_malloc (G_MAXUINT16 + 1);
  self->sessions = g_hash_table_new_full (session_id_hash, session_id_equal, NULL, g_free);
  self->last_sweep = G_MININT64 / 2;
  self->guard = chorus_reply_guard_new ();
  chorus_reply_guard_set_penalty (self->guard, CHORUS_MPING_SERVER_PENALTY_USEC);
  chorus_reply_guard_set_rate (self->guard, self->rate, self->burst);
  chorus_reply_guard_set_allow_larger (self->guard, self->allow_larger);
  self->broadcasts = _chorus_link_get_broadcasts ();
  chorus_reply_guard_set_broadcasts (self->guard,
                                     (const guint32 *) (void *) self->broadcasts->data,
                                     self->broadcasts->len);

  self->context = g_main_context_ref_thread_default ();
  for (guint i = 0; i < self->listeners->len; i++)
    {
      ChorusListener *listener = g_ptr_array_index (self->listeners, i);

      /* Not moderated: a client's round trip includes our wait. */
      _chorus_reader_start (&listener->reader, listener->socket, self->context,
                            self->cancellable, FALSE, on_socket_readable, listener);
    }

  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

/**
 * chorus_mping_server_stop:
 *
 * Closes the port. The counts and clients stay.
 */
void
chorus_mping_server_stop (ChorusMpingServer *self)
{
  g_return_if_fail (CHORUS_IS_MPING_SERVER (self));

  if (!self->running)
    return;

  clear_run (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
chorus_mping_server_get_running (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), FALSE);

  return self->running;
}

/* Settings */

guint
chorus_mping_server_get_port (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  return self->port;
}

void
chorus_mping_server_set_port (ChorusMpingServer *self,
                              guint              port)
{
  g_return_if_fail (CHORUS_IS_MPING_SERVER (self));
  g_return_if_fail (port >= 1 && port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

const char *
chorus_mping_server_get_interface (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), NULL);

  return self->interface;
}

void
chorus_mping_server_set_interface (ChorusMpingServer *self,
                                   const char        *interface)
{
  g_return_if_fail (CHORUS_IS_MPING_SERVER (self));

  if (_chorus_set_str (&self->interface, interface != NULL ? interface : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
}

GSocketFamily
chorus_mping_server_get_family (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), G_SOCKET_FAMILY_INVALID);

  return self->family;
}

void
chorus_mping_server_set_family (ChorusMpingServer *self,
                                GSocketFamily      family)
{
  g_return_if_fail (CHORUS_IS_MPING_SERVER (self));
  g_return_if_fail (family == G_SOCKET_FAMILY_INVALID || family == G_SOCKET_FAMILY_IPV4
                    || family == G_SOCKET_FAMILY_IPV6);

  if (self->family == family)
    return;

  self->family = family;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAMILY]);
}

double
chorus_mping_server_get_rate (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  return self->rate;
}

guint
chorus_mping_server_get_burst (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  return self->burst;
}

/**
 * chorus_mping_server_set_rate:
 * @per_second: queries answered per second to one client address; 0 for
 *   no limit
 * @burst: how many may be answered at once (at least 1)
 */
void
chorus_mping_server_set_rate (ChorusMpingServer *self,
                              double             per_second,
                              guint              burst)
{
  g_return_if_fail (CHORUS_IS_MPING_SERVER (self));
  g_return_if_fail (per_second >= 0 && per_second <= 1e6);

  burst = MAX (burst, 1);
  if (self->rate == per_second && self->burst == burst)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->rate != per_second)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  if (self->burst != burst)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BURST]);
  self->rate = per_second;
  self->burst = burst;
  if (self->guard != NULL)
    chorus_reply_guard_set_rate (self->guard, per_second, burst);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Results */

guint64
chorus_mping_server_get_n_queries (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  return self->n_queries;
}

guint64
chorus_mping_server_get_n_answered (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  return self->n_answered;
}

guint64
chorus_mping_server_get_n_invalid (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  return self->n_invalid;
}

guint64
chorus_mping_server_get_n_refused (ChorusMpingServer  *self,
                                   ChorusMpingRefusal  refusal)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);
  g_return_val_if_fail (refusal < CHORUS_MPING_N_REFUSALS, 0);

  return self->n_refused[refusal];
}

guint64
chorus_mping_server_get_n_unanswered (ChorusMpingServer *self)
{
  guint64 total = 0;

  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), 0);

  for (guint i = 0; i < CHORUS_MPING_N_REFUSALS; i++)
    total += self->n_refused[i];

  return total;
}

/**
 * chorus_mping_server_get_clients:
 *
 * Returns: (transfer none): a #GListModel of #ChorusMpingClientSession,
 *   in the order first answered; at most
 *   %CHORUS_MPING_SERVER_MAX_CLIENTS
 */
GListModel *
chorus_mping_server_get_clients (ChorusMpingServer *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_SERVER (self), NULL);

  return G_LIST_MODEL (self->clients);
}
