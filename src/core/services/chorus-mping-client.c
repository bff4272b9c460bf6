/* chorus-mping-client.c: asks a multicast ping server whether its
 * multicast reaches this host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client joins the group (for the server alone when the group is
 * source-specific, for any source otherwise: asmping), then sends the
 * server a query every interval, by unicast, to port 4321. The server
 * answers each query twice, with the same bytes: once by unicast to the
 * query's source address and port, and once to the group, at that same
 * port. So one socket, bound to an ephemeral port and joined to the
 * group, gets both answers; the address each was sent to (IP_PKTINFO)
 * tells the paths apart. Both answers leave the server with TTL (hop
 * limit) 64.
 *
 * Each path is a ChorusResponder: its statistics are those of a probe
 * run (chorus-stats.h), with the query's sequence number; a query
 * settles `wait` after it went out.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
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

G_DEFINE_FINAL_TYPE (ChorusMpingClient, chorus_mping_client, G_TYPE_OBJECT)

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

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_run (ChorusMpingClient *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  _chorus_reader_stop (&self->reader);

  g_clear_handle_id (&self->query_id, g_source_remove);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->fallback_id, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->batch, _chorus_batch_free);
  g_clear_pointer (&self->session_id, g_bytes_unref);

  if (self->socket != NULL)
    {
      g_socket_close (self->socket, NULL);
      g_clear_object (&self->socket);
    }
}

static void
chorus_mping_client_dispose (GObject *object)
{
  ChorusMpingClient *self = (ChorusMpingClient *) object;

  clear_run (self);
  self->running = FALSE;

  G_OBJECT_CLASS (chorus_mping_client_parent_class)->dispose (object);
}

static void
chorus_mping_client_finalize (GObject *object)
{
  ChorusMpingClient *self = (ChorusMpingClient *) object;

  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->run_group, g_free);
  g_clear_object (&self->server_address);
  g_clear_object (&self->group_address);
  g_clear_pointer (&self->send_times, g_array_unref);
  g_clear_pointer (&self->wire_times, g_array_unref);
  g_clear_object (&self->unicast);
  g_clear_object (&self->multicast);

  G_OBJECT_CLASS (chorus_mping_client_parent_class)->finalize (object);
}

static void
chorus_mping_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;
    case PROP_WAIT:
      g_value_set_double (value, self->wait);
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_PROTOCOL:
      g_value_set_int (value, self->protocol);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_PROTOCOL_USED:
      g_value_set_int (value, self->protocol_used);
      break;
    case PROP_UNICAST:
      g_value_set_object (value, self->unicast);
      break;
    case PROP_MULTICAST:
      g_value_set_object (value, self->multicast);
      break;
    case PROP_N_SENT:
      g_value_set_uint (value, self->send_times->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_mping_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      chorus_mping_client_set_server (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      chorus_mping_client_set_port (self, g_value_get_uint (value));
      break;
    case PROP_GROUP:
      chorus_mping_client_set_group (self, g_value_get_string (value));
      break;
    case PROP_COUNT:
      chorus_mping_client_set_count (self, g_value_get_uint (value));
      break;
    case PROP_INTERVAL:
      chorus_mping_client_set_interval (self, g_value_get_double (value));
      break;
    case PROP_WAIT:
      chorus_mping_client_set_wait (self, g_value_get_double (value));
      break;
    case PROP_INTERFACE:
      chorus_mping_client_set_interface (self, g_value_get_string (value));
      break;
    case PROP_PROTOCOL:
      chorus_mping_client_set_protocol (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_mping_client_class_init (ChorusMpingClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_mping_client_dispose;
  object_class->finalize = chorus_mping_client_finalize;
  object_class->get_property = chorus_mping_client_get_property;
  object_class->set_property = chorus_mping_client_set_property;

  /**
   * ChorusMpingClient:server:
   *
   * The server's IPv4 or IPv6 address; a link-local one names its
   * interface ("fe80::1%eth0").
   */
  properties[PROP_SERVER] = g_param_spec_string ("server", NULL, NULL, "", rw);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16,
                                             CHORUS_MPING_DEFAULT_PORT, rw);
  /**
   * ChorusMpingClient:group:
   *
   * The group to ask the server for; empty for the protocol's
   * source-specific group of the server's family (232.43.211.234,
   * ff3e::4321:1234). A source-specific group is joined for the server
   * alone, any other for any source.
   */
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, "", rw);
  /* 0: until stopped. */
  properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXINT, 0, rw);
  properties[PROP_INTERVAL] = g_param_spec_double ("interval", NULL, NULL, 0.01, 86400, 1, rw);
  /**
   * ChorusMpingClient:wait:
   *
   * Seconds a query's answers are awaited; later ones are late.
   */
  properties[PROP_WAIT] = g_param_spec_double ("wait", NULL, NULL, 0, 86400, 1, rw);
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  /* A #ChorusMpingProtocol. */
  properties[PROP_PROTOCOL] = g_param_spec_int ("protocol", NULL, NULL, CHORUS_MPING_PROTOCOL_AUTO,
                                                CHORUS_MPING_PROTOCOL_RFC6450,
                                                CHORUS_MPING_PROTOCOL_AUTO, rw);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  /**
   * ChorusMpingClient:protocol-used:
   *
   * The format the run speaks: %CHORUS_MPING_PROTOCOL_AUTO while auto is
   * still finding out.
   */
  properties[PROP_PROTOCOL_USED] =
    g_param_spec_int ("protocol-used", NULL, NULL, CHORUS_MPING_PROTOCOL_AUTO,
                      CHORUS_MPING_PROTOCOL_RFC6450, CHORUS_MPING_PROTOCOL_AUTO, ro);
  properties[PROP_UNICAST] =
    g_param_spec_object ("unicast", NULL, NULL, CHORUS_TYPE_RESPONDER, ro);
  properties[PROP_MULTICAST] =
    g_param_spec_object ("multicast", NULL, NULL, CHORUS_TYPE_RESPONDER, ro);
  properties[PROP_N_SENT] = g_param_spec_uint ("n-sent", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChorusMpingClient::query-sent:
   * @seq: the query's number, from 1
   */
  signals[QUERY_SENT] =
    g_signal_new ("query-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * ChorusMpingClient::reply-received:
   * @path: a #ChorusMpingPath
   * @seq: the query it answers
   * @rtt_usec: the round trip
   * @hops: routers on the way, -1 unknown
   * @hops_estimated: whether @hops is a guess from the arrival TTL
   * @ttl: the TTL it arrived with, -1 unknown
   * @verdict: a #ChorusAnswerVerdict
   */
  signals[REPLY_RECEIVED] =
    g_signal_new ("reply-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 7, G_TYPE_INT, G_TYPE_UINT, G_TYPE_INT64, G_TYPE_INT,
                  G_TYPE_BOOLEAN, G_TYPE_INT, G_TYPE_INT);

  /**
   * ChorusMpingClient::protocol-chosen:
   * @protocol: the #ChorusMpingProtocol the run speaks from now on
   */
  signals[PROTOCOL_CHOSEN] =
    g_signal_new ("protocol-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * ChorusMpingClient::updated:
   *
   * The paths' statistics moved (a query settled); at most every
   * 100 ms.
   */
  signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * ChorusMpingClient::failed:
   * @error: what went wrong after the run started; ::finished follows
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

/* The paths have indices of their own (0 and 1, as ChorusMpingPath), so
 * that a chart of the two draws them in two colours. */
static ChorusResponder *
new_path (const char      *address,
          ChorusMpingPath  path)
{
  return _chorus_responder_new (address, TRUE, path, 0, 1);
}

static void
chorus_mping_client_init (ChorusMpingClient *self)
{
  self->server = g_strdup ("");
  self->group = g_strdup ("");
  self->interface = g_strdup ("");
  self->port = CHORUS_MPING_DEFAULT_PORT;
  self->interval = 1;
  self->wait = 1;
  self->send_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->wire_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->unicast = new_path ("", CHORUS_MPING_PATH_UNICAST);
  self->multicast = new_path ("", CHORUS_MPING_PATH_MULTICAST);
}

ChorusMpingClient *
chorus_mping_client_new (void)
{
  return g_object_new (CHORUS_TYPE_MPING_CLIENT, NULL);
}

/* Setters: a change made during a run applies to the next run. */

const char *
chorus_mping_client_get_server (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return self->server;
}

void
chorus_mping_client_set_server (ChorusMpingClient *self,
                                const char        *server)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));

  if (_chorus_set_str (&self->server, server ? server : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
}

guint
chorus_mping_client_get_port (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->port;
}

void
chorus_mping_client_set_port (ChorusMpingClient *self,
                              guint              port)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));
  g_return_if_fail (port >= 1 && port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

const char *
chorus_mping_client_get_group (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return self->group;
}

void
chorus_mping_client_set_group (ChorusMpingClient *self,
                               const char        *group)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));

  if (_chorus_set_str (&self->group, group ? group : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

guint
chorus_mping_client_get_count (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->count;
}

void
chorus_mping_client_set_count (ChorusMpingClient *self,
                               guint              count)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));

  if (self->count == count)
    return;

  self->count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

double
chorus_mping_client_get_interval (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->interval;
}

void
chorus_mping_client_set_interval (ChorusMpingClient *self,
                                  double             seconds)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));
  g_return_if_fail (seconds >= 0.01 && seconds <= 86400);

  if (self->interval == seconds)
    return;

  self->interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

double
chorus_mping_client_get_wait (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->wait;
}

void
chorus_mping_client_set_wait (ChorusMpingClient *self,
                              double             seconds)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));
  g_return_if_fail (seconds >= 0 && seconds <= 86400);

  if (self->wait == seconds)
    return;

  self->wait = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAIT]);
}

const char *
chorus_mping_client_get_interface (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return self->interface;
}

void
chorus_mping_client_set_interface (ChorusMpingClient *self,
                                   const char        *interface)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));

  if (_chorus_set_str (&self->interface, interface ? interface : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
}

ChorusMpingProtocol
chorus_mping_client_get_protocol (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), CHORUS_MPING_PROTOCOL_AUTO);

  return self->protocol;
}

void
chorus_mping_client_set_protocol (ChorusMpingClient   *self,
                                  ChorusMpingProtocol  protocol)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));
  g_return_if_fail (protocol <= CHORUS_MPING_PROTOCOL_RFC6450);

  if (self->protocol == protocol)
    return;

  self->protocol = protocol;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL]);
}

/* The wire formats, through chorus-mping.h. */

/* ssmpingd answers only groups it knows are meant for it: IPv4 groups
 * that end in .234, IPv6 groups that end in ::4321:1234. */
static gboolean
ssmping_serves_group (GInetAddress *group)
{
  static const guint8 suffix6[] = { 0x43, 0x21, 0x12, 0x34 };
  const guint8 *bytes = g_inet_address_to_bytes (group);

  if (g_inet_address_get_family (group) == G_SOCKET_FAMILY_IPV4)
    return bytes[3] == 234;

  return memcmp (bytes + 12, suffix6, sizeof suffix6) == 0;
}

static ChorusMpingGeneration
generation_of (ChorusMpingProtocol protocol)
{
  return protocol == CHORUS_MPING_PROTOCOL_SSMPING ? CHORUS_MPING_GENERATION_SSMPING
                                                   : CHORUS_MPING_GENERATION_RFC6450;
}

static void
message_init (ChorusMpingClient     *self,
              ChorusMpingMessage    *msg,
              ChorusMpingGeneration  generation,
              ChorusMpingType        type)
{
  chorus_mping_message_init (msg, generation, type);
  msg->present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_CLIENT_ID);
  msg->client_id = self->client_id;
  msg->client_id_size = sizeof self->client_id;
}

static gsize
encode_query (ChorusMpingClient *self,
              guint32            seq,
              gint64             wire_time,
              guint8            *buffer,
              gsize              size)
{
  ChorusMpingMessage msg;

  message_init (self, &msg, generation_of (self->protocol_used), CHORUS_MPING_TYPE_QUERY);
  msg.present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_SEQ)
                 | CHORUS_MPING_BIT (CHORUS_MPING_OPTION_CLIENT_TIMESTAMP);
  msg.seq = seq;
  msg.client_sec = (guint32) (wire_time / G_USEC_PER_SEC);
  msg.client_usec = (guint32) (wire_time % G_USEC_PER_SEC);
  /* Always named, also the default: what is answered is then what was
   * joined, whatever the server's default. */
  chorus_mping_message_set_group (&msg, self->group_address);
  if (self->session_id != NULL)
    {
      msg.present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_SESSION_ID);
      msg.session_id = g_bytes_get_data (self->session_id, &msg.session_id_size);
    }

  return chorus_mping_encode (&msg, buffer, size);
}

static gboolean
is_ours (ChorusMpingClient        *self,
         const ChorusMpingMessage *msg)
{
  return msg->client_id_size == sizeof self->client_id
         && memcmp (msg->client_id, self->client_id, sizeof self->client_id) == 0;
}

/* An answer to one of this run's queries, in the format the run speaks;
 * FALSE for anything else. @ttl_sent is the TTL the server says it sent
 * the answer with, -1 when it does not say. */
static gboolean
parse_answer (ChorusMpingClient *self,
              const guint8      *data,
              gsize              size,
              guint32           *seq,
              int               *ttl_sent)
{
  ChorusMpingMessage msg;
  gint64 wire_time;

  if (!chorus_mping_parse (data, size, &msg, NULL) || msg.type != CHORUS_MPING_TYPE_ANSWER
      || msg.generation != generation_of (self->protocol_used) || !is_ours (self, &msg)
      || !CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_SEQ)
      || !CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_CLIENT_TIMESTAMP)
      || msg.seq == 0 || msg.seq > self->wire_times->len)
    return FALSE;

  wire_time = (gint64) msg.client_sec * G_USEC_PER_SEC + msg.client_usec;
  if (wire_time != g_array_index (self->wire_times, gint64, msg.seq - 1))
    return FALSE;

  *seq = msg.seq;
  *ttl_sent = CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_TTL) ? msg.ttl : -1;
  return TRUE;
}

/* Why an RFC 6450 server's response gives no session for the group
 * joined: it names no group (it refused; omping then names the groups it
 * serves as a Prefix), or another one. */
static void
set_refusal (ChorusMpingClient        *self,
             const ChorusMpingMessage *msg,
             GError                  **error)
{
  g_autoptr(GInetAddress) group = chorus_mping_message_get_group (msg);
  g_autofree char *prefix = chorus_mping_message_dup_prefix (msg);

  if (group != NULL)
    {
      g_autofree char *text = g_inet_address_to_string (group);

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("%s answers to %s, not to %s, the group asked for: ask for %s"),
                   self->server, text, self->run_group, text);
    }
  else if (prefix != NULL)
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                 _("%s refused the multicast ping for %s: it answers for %s only, ask for a "
                   "group in it"),
                 self->server, self->run_group, prefix);
  else
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                 _("%s refused the multicast ping (omping, for one, answers only the hosts "
                   "named on its command line)"),
                 self->server);
}

/* Whether @data is the RFC 6450 server's response to one of our inits.
 * If so, and it gives a session for the group joined, the session is
 * kept; otherwise @error says why it gives none. */
static gboolean
take_server_response (ChorusMpingClient  *self,
                      const guint8       *data,
                      gsize               size,
                      GError            **error)
{
  ChorusMpingMessage msg;
  g_autoptr(GInetAddress) group = NULL;

  if (!chorus_mping_parse (data, size, &msg, NULL)
      || msg.type != CHORUS_MPING_TYPE_SERVER_RESPONSE
      || msg.generation != CHORUS_MPING_GENERATION_RFC6450 || !is_ours (self, &msg))
    return FALSE;

  group = chorus_mping_message_get_group (&msg);
  if (group == NULL || !g_inet_address_equal (group, self->group_address))
    {
      set_refusal (self, &msg, error);
      return TRUE;
    }

  g_clear_pointer (&self->session_id, g_bytes_unref);
  if (CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_SESSION_ID))
    self->session_id = g_bytes_new (msg.session_id, msg.session_id_size);

  return TRUE;
}

static gboolean
send_bytes (ChorusMpingClient  *self,
            const guint8       *data,
            gsize               size,
            GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_socket_send_to (self->socket, self->destination, (const char *) data, size,
                        self->cancellable, &local_error) >= 0)
    return TRUE;

  g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not send to %s: %s"),
               self->server, local_error->message);
  return FALSE;
}

/* The run */

static void
announce (ChorusMpingClient *self)
{
  gboolean changed = _chorus_responder_flush (self->unicast);

  changed |= _chorus_responder_flush (self->multicast);
  if (changed)
    g_signal_emit (self, signals[UPDATED], 0);
}

static void
settle_until (ChorusMpingClient *self,
              gint64             now,
              gboolean           all)
{
  gint64 wait = (gint64) (self->run_wait * G_USEC_PER_SEC);

  while (self->n_settled < self->send_times->len
         && (all || g_array_index (self->send_times, gint64, self->n_settled) + wait <= now))
    {
      self->n_settled++;
      _chorus_responder_settle (self->unicast, self->n_settled);
      _chorus_responder_settle (self->multicast, self->n_settled);
    }
}

/* A path is silent once it missed SILENT_INTERVALS queries beyond the
 * wait, as a prober's hosts are: the verdict is what is true now. */
static void
judge_silence (ChorusMpingClient *self,
               gint64             now)
{
  gint64 limit = (gint64) ((self->run_wait + CHORUS_SILENT_INTERVALS * self->run_interval)
                           * G_USEC_PER_SEC);

  _chorus_responder_judge_silence (self->unicast, now, limit);
  _chorus_responder_judge_silence (self->multicast, now, limit);
}

static void
finish (ChorusMpingClient *self)
{
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  if (!self->running)
    return;

  /* Queries still waiting when a run is stopped count for nothing. The
   * paths are judged as they stand at the end. */
  judge_silence (self, g_get_monotonic_time ());
  announce (self);

  clear_run (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
fail (ChorusMpingClient *self,
      GError            *error)
{
  guint serial = self->run_serial;

  g_signal_emit (self, signals[FAILED], 0, error);
  if (self->running && self->run_serial == serial)
    finish (self);
}

static guint
add_timeout (double       seconds,
             GSourceFunc  func,
             gpointer     data)
{
  g_autoptr(GSource) source = g_timeout_source_new ((guint) (seconds * 1000 + 0.5));
  GMainContext *context = g_main_context_ref_thread_default ();
  guint id;

  g_source_set_callback (source, func, data, NULL);
  id = g_source_attach (source, context);
  g_main_context_unref (context);

  return id;
}

static gboolean
send_query (ChorusMpingClient  *self,
            GError            **error)
{
  guint8 buffer[QUERY_SIZE];
  gint64 now = g_get_monotonic_time ();
  gint64 wire_time = g_get_real_time ();
  guint32 seq = self->send_times->len + 1;
  gsize size;

  /* Two queries within a microsecond of the wall clock would carry the
   * same timestamp: keep them apart, answers are matched by it. */
  if (self->wire_times->len > 0)
    wire_time = MAX (wire_time, g_array_index (self->wire_times, gint64,
                                               self->wire_times->len - 1) + 1);

  size = encode_query (self, seq, wire_time, buffer, sizeof buffer);
  if (size == 0)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED,
                           _("Could not write the query"));
      return FALSE;
    }

  if (!send_bytes (self, buffer, size, error))
    return FALSE;

  g_array_append_val (self->send_times, now);
  g_array_append_val (self->wire_times, wire_time);
  if (seq == 1)
    self->run_start = now;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SENT]);
  g_signal_emit (self, signals[QUERY_SENT], 0, seq);

  return TRUE;
}

static void start_queries (ChorusMpingClient *self);
static gboolean send_init (ChorusMpingClient  *self,
                           GError            **error);

static void
choose_protocol (ChorusMpingClient   *self,
                 ChorusMpingProtocol  protocol)
{
  g_clear_handle_id (&self->fallback_id, g_source_remove);
  g_clear_handle_id (&self->query_id, g_source_remove);
  self->protocol_used = protocol;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_USED]);
  g_signal_emit (self, signals[PROTOCOL_CHOSEN], 0, protocol);
}

/* A Server Response while the queries go: to a later init (the server's
 * session then is the new one), or the server's word that it does not
 * know the session (it restarted, or forgot it: omping sends a response
 * without a group). Then the client starts again with an init, as
 * omping's does, at most one a second: servers ignore inits that come
 * closer together. TRUE if @d was a response of ours. */
static gboolean
retake_server_response (ChorusMpingClient    *self,
                        const ChorusDatagram *d)
{
  g_autoptr(GError) refusal = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = d->arrival_monotonic;

  if (!take_server_response (self, d->data, d->size, &refusal))
    return FALSE;
  if (refusal == NULL)
    return TRUE;

  g_debug ("Starting the session again: %s", refusal->message);
  g_clear_pointer (&self->session_id, g_bytes_unref);
  if (self->last_init != 0
      && now - self->last_init < (gint64) (CHORUS_MPING_PROBE_SECONDS * G_USEC_PER_SEC))
    return TRUE;

  if (!send_init (self, &error))
    fail (self, error);
  return TRUE;
}

/* Hops from the TTL an answer arrived with. The server says what it sent
 * with (RFC 6450), or is known to send with 64 (ssmpingd): exact. A
 * unicast answer that does not say is estimated from the usual initial
 * TTLs, as ssmping does. */
static int
hops_of (ChorusMpingPath  path,
         int              ttl,
         int              ttl_sent,
         gboolean        *estimated)
{
  *estimated = FALSE;

  if (ttl < 0)
    return -1;

  if (ttl_sent < 0 && path == CHORUS_MPING_PATH_UNICAST)
    {
      int hops = chorus_hops_estimate (ttl);

      *estimated = hops >= 0;
      return hops;
    }

  if (ttl_sent < 0)
    ttl_sent = CHORUS_MPING_TTL;

  return ttl <= ttl_sent ? ttl_sent - ttl : -1;
}

static void
take_datagram (ChorusMpingClient    *self,
               const ChorusDatagram *d)
{
  g_autoptr(GInetSocketAddress) from = _chorus_datagram_dup_from (d);
  GInetAddress *from_address = g_inet_socket_address_get_address (from);
  ChorusMpingPath path;
  ChorusResponder *responder;
  ChorusAnswerVerdict verdict;
  gboolean estimated;
  guint32 seq;
  gint64 rtt;
  int ttl_sent;
  int hops;

  /* Both answers come from the server's port; the multicast one to the
   * group, the other to this host. */
  if (!g_inet_address_equal (from_address, self->server_address)
      || g_inet_socket_address_get_port (from) != self->run_port || d->destination_size == 0)
    {
      self->n_ignored++;
      return;
    }

  if (d->destination_size == g_inet_address_get_native_size (self->group_address)
      && memcmp (d->destination, g_inet_address_to_bytes (self->group_address),
                 d->destination_size) == 0)
    path = CHORUS_MPING_PATH_MULTICAST;
  else if (d->destination_size == 4 ? (d->destination[0] & 0xf0) == 0xe0
                                    : d->destination[0] == 0xff)
    {
      /* Another group this socket did not join. */
      self->n_ignored++;
      return;
    }
  else
    path = CHORUS_MPING_PATH_UNICAST;

  if (self->protocol_used == CHORUS_MPING_PROTOCOL_AUTO)
    {
      g_autoptr(GError) error = NULL;

      if (path != CHORUS_MPING_PATH_UNICAST
          || !take_server_response (self, d->data, d->size, &error))
        self->n_ignored++;
      else if (error != NULL)
        fail (self, error);
      else
        {
          choose_protocol (self, CHORUS_MPING_PROTOCOL_RFC6450);
          start_queries (self);
        }
      return;
    }

  if (self->protocol_used == CHORUS_MPING_PROTOCOL_RFC6450 && path == CHORUS_MPING_PATH_UNICAST
      && retake_server_response (self, d))
    return;

  if (!parse_answer (self, d->data, d->size, &seq, &ttl_sent))
    {
      self->n_ignored++;
      return;
    }

  rtt = MAX (d->arrival_monotonic - g_array_index (self->send_times, gint64, seq - 1), 0);
  hops = hops_of (path, d->ttl, ttl_sent, &estimated);
  responder = path == CHORUS_MPING_PATH_MULTICAST ? self->multicast : self->unicast;
  verdict = _chorus_responder_answer (responder, seq, self->send_times->len, rtt,
                                      d->arrival_monotonic, self->run_start);
  if (hops >= 0 && verdict == CHORUS_ANSWER_RECEIVED)
    _chorus_responder_set_hops (responder, hops, estimated);

  g_signal_emit (self, signals[REPLY_RECEIVED], 0, (int) path, (guint) seq, rtt, hops, estimated,
                 d->ttl, (int) verdict);
}

static gboolean
on_socket_readable (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);
  guint serial = self->run_serial;
  gint64 started = g_get_monotonic_time ();
  guint handled = 0;
  guint round;

  /* Two answers a query: nothing here can flood but a forger, whom the
   * kernel's buffer limits; still, give the loop a turn now and then. */
  for (round = 0; round < 64; round++)
    {
      g_autoptr(GError) error = NULL;
      int n = _chorus_batch_receive (self->batch, self->socket, &error);

      if (n < 0)
        {
          /* A queued ICMP error (the server's port is closed, say). */
          g_debug ("Receiving answers: %s", error->message);
          break;
        }
      if (n == 0)
        break;

      handled += n;
      for (int i = 0; i < n; i++)
        {
          take_datagram (self, _chorus_batch_get (self->batch, i));
          /* A handler ended the run. */
          if (!self->running || self->run_serial != serial)
            return G_SOURCE_CONTINUE;
        }

      /* Short of a full batch, the socket was empty (see the receiver). */
      if (n < BATCH_SLOTS)
        break;
    }

  _chorus_reader_schedule (&self->reader, started, handled, round == 64);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);
  guint serial = self->run_serial;

  self->deadline_id = 0;

  /* Whatever the kernel already holds arrived within the wait. */
  if (self->socket != NULL)
    on_socket_readable (self);
  if (!self->running || self->run_serial != serial)
    return G_SOURCE_REMOVE;

  settle_until (self, 0, TRUE);
  finish (self);

  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);
  gint64 now = g_get_monotonic_time ();

  settle_until (self, now, FALSE);
  judge_silence (self, now);
  announce (self);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_query_timer (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);
  GSource *current = g_main_current_source ();
  g_autoptr(GError) error = NULL;

  if (!send_query (self, &error))
    {
      self->query_id = 0;
      fail (self, error);
      return G_SOURCE_REMOVE;
    }

  /* A ::query-sent handler stopped the run. */
  if (g_source_is_destroyed (current))
    return G_SOURCE_REMOVE;

  if (self->run_count == 0 || self->send_times->len < self->run_count)
    return G_SOURCE_CONTINUE;

  self->query_id = 0;
  self->deadline_id = add_timeout (self->run_wait, on_deadline, self);

  return G_SOURCE_REMOVE;
}

/* The format is known: the first query now, the others every interval. */
static void
start_queries (ChorusMpingClient *self)
{
  g_autoptr(GError) error = NULL;
  guint serial = self->run_serial;

  if (!send_query (self, &error))
    {
      fail (self, error);
      return;
    }

  /* A ::query-sent handler ended the run. */
  if (!self->running || self->run_serial != serial)
    return;

  if (self->run_count == 1)
    self->deadline_id = add_timeout (self->run_wait, on_deadline, self);
  else
    self->query_id = add_timeout (self->run_interval, on_query_timer, self);
}

static gboolean
send_init (ChorusMpingClient  *self,
           GError            **error)
{
  guint8 buffer[QUERY_SIZE];
  ChorusMpingMessage msg;
  gsize size;

  message_init (self, &msg, CHORUS_MPING_GENERATION_RFC6450, CHORUS_MPING_TYPE_INIT);
  chorus_mping_message_set_group (&msg, self->group_address);
  /* The groups the client takes, this one alone. omping's server wants
   * its own group inside a Prefix, and refuses an init without one. */
  chorus_mping_message_set_prefix (&msg, self->group_address,
                                   g_inet_address_get_native_size (self->group_address) * 8);
  /* A server that never answers with more than it was sent (chorus-cli
   * serve) needs room for its response: group, session and its name. */
  msg.present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_PAD);
  msg.pad_size = INIT_SIZE - chorus_mping_encoded_size (&msg);
  size = chorus_mping_encode (&msg, buffer, sizeof buffer);
  if (size == 0)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED,
                           _("Could not write the query"));
      return FALSE;
    }

  self->last_init = g_get_monotonic_time ();
  return send_bytes (self, buffer, size, error);
}

/* Auto: the server did not answer RFC 6450's init in time. */
static gboolean
on_fallback (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);

  self->fallback_id = 0;

  if (!ssmping_serves_group (self->group_address))
    {
      g_autoptr(GError) error = NULL;

      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("%s did not answer in the format of RFC 6450, and servers of the older "
                     "ssmping format only answer for groups that end in .234 (IPv4) or "
                     "::4321:1234 (IPv6), which %s does not"),
                   self->server, self->run_group);
      fail (self, error);
      return G_SOURCE_REMOVE;
    }

  choose_protocol (self, CHORUS_MPING_PROTOCOL_SSMPING);
  start_queries (self);

  return G_SOURCE_REMOVE;
}

/* RFC 6450 asked for: the init again every interval until the server
 * answers, for as long as the queries would have taken. */
static gboolean
on_init_timer (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);
  g_autoptr(GError) error = NULL;

  self->n_inits++;
  if (self->run_count != 0 && self->n_inits > self->run_count)
    {
      self->query_id = 0;
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("%s did not answer in the format of RFC 6450"), self->server);
      fail (self, error);
      return G_SOURCE_REMOVE;
    }

  if (!send_init (self, &error))
    {
      self->query_id = 0;
      fail (self, error);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* "192.0.2.1", "2001:db8::1", "fe80::1%eth0": a unicast address, and the
 * interface index its zone names (0 for none). */
static GInetAddress *
parse_server (const char  *text,
              guint       *scope_id,
              GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autoptr(GInetAddress) address = NULL;
  char *zone = strchr (stripped, '%');

  *scope_id = 0;

  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("Give the address of the server, such as 192.0.2.1 or 2001:db8::1"));
      return NULL;
    }

  if (zone != NULL)
    *zone++ = '\0';

  address = g_inet_address_new_from_string (stripped);
  if (address == NULL || (zone != NULL && g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6))
    {
      g_autofree char *shown = g_strescape (text, NULL);

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("“%s” is not an IP address: give the address of the server, such as "
                     "192.0.2.1 or 2001:db8::1"),
                   shown);
      return NULL;
    }

  if (g_inet_address_get_is_multicast (address) || g_inet_address_get_is_any (address)
      || (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4
          && memcmp (g_inet_address_to_bytes (address), "\xff\xff\xff\xff", 4) == 0))
    {
      g_autofree char *shown = g_inet_address_to_string (address);

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s cannot be a server: give the unicast address of one host"), shown);
      return NULL;
    }

  if (zone != NULL && !chorus_parse_interface (zone, scope_id, error))
    return NULL;

  if (zone == NULL && g_inet_address_get_is_link_local (address))
    {
      g_autofree char *shown = g_inet_address_to_string (address);

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s is a link-local address: say on which interface, such as %s%%eth0"),
                   shown, shown);
      return NULL;
    }

  return g_steal_pointer (&address);
}

/**
 * chorus_mping_parse_server:
 * @text: an address as typed, such as 192.0.2.1 or fe80::1%eth0
 * @scope_id: (out) (optional): the interface its zone names, 0 for none
 * @error: a location for a #GError
 *
 * Checks a server address as chorus_mping_client_start() does, so that a
 * form can say what is wrong before the run.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL and @error
 */
GInetAddress *
chorus_mping_parse_server (const char  *text,
                           guint       *scope_id,
                           GError     **error)
{
  guint ignored;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_server (text, scope_id != NULL ? scope_id : &ignored, error);
}

GInetAddress *
chorus_mping_default_group (GSocketFamily family)
{
  return g_inet_address_new_from_string (family == G_SOCKET_FAMILY_IPV6 ? CHORUS_MPING_GROUP_IPV6
                                                                        : CHORUS_MPING_GROUP_IPV4);
}

/* The group to join: the one asked for, in the server's family, or the
 * protocol's default for that family. */
static ChorusGroup *
pick_group (ChorusMpingClient  *self,
            GSocketFamily       family,
            GError            **error)
{
  g_autoptr(ChorusGroup) group = NULL;
  g_autofree char *text = NULL;

  if (self->group[0] == '\0')
    {
      g_autoptr(GInetAddress) address = chorus_mping_default_group (family);

      text = g_inet_address_to_string (address);
    }
  else
    text = g_strdup (self->group);

  group = chorus_group_parse (text, error);
  if (group == NULL)
    return NULL;

  if (chorus_group_get_family (group) != family)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   family == G_SOCKET_FAMILY_IPV6
                     ? _("%s is an IPv4 group and the server an IPv6 address: give a group and "
                         "a server of the same family")
                     : _("%s is an IPv6 group and the server an IPv4 address: give a group and "
                         "a server of the same family"),
                   text);
      return NULL;
    }

  /* The group's source, if it names one, is the server: nobody else
   * answers here. */
  if (chorus_group_get_source (group) != NULL
      && !g_inet_address_equal (chorus_group_get_source (group), self->server_address))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("The group names a source other than the server: the answers to the "
                     "multicast ping come from the server"));
      return NULL;
    }

  if (self->protocol == CHORUS_MPING_PROTOCOL_SSMPING
      && !ssmping_serves_group (chorus_group_get_address (group)))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("ssmpingd only answers for groups that end in .234 (IPv4) or ::4321:1234 "
                     "(IPv6), such as %s"),
                   family == G_SOCKET_FAMILY_IPV6 ? "ff3e::4321:1234" : "239.1.2.234");
      return NULL;
    }

  return g_steal_pointer (&group);
}

static gboolean
open_socket (ChorusMpingClient  *self,
             ChorusGroup        *group,
             guint               ifindex,
             GError            **error)
{
  /* Any port: the server sends its multicast answers to the port the
   * queries come from. This socket's own groups only, as INIT has it. */
  ChorusUdpOptions options = CHORUS_UDP_OPTIONS_INIT (chorus_group_get_family (group));

  self->socket = _chorus_udp_socket_open (&options, NULL, error);
  if (self->socket == NULL)
    return FALSE;

  return _chorus_socket_join (self->socket, chorus_group_get_address (group),
                              self->source_specific ? self->server_address : NULL, ifindex, NULL,
                              error);
}

/**
 * chorus_mping_client_start:
 * @error: a location for a #GError
 *
 * Joins the group and starts asking the server: at once in the ssmping
 * format; in RFC 6450's, once the server answered its init (auto falls
 * back to the ssmping format after %CHORUS_MPING_PROBE_SECONDS without
 * an answer). Everything happens on the thread-default main context.
 *
 * Returns: %TRUE if the run started; otherwise @error says why (an
 *   invalid setting, %CHORUS_ERROR_INVALID_VALUE, or the system refused)
 */
gboolean
chorus_mping_client_start (ChorusMpingClient  *self,
                           GError            **error)
{
  g_autoptr(GInetAddress) server = NULL;
  g_autoptr(ChorusGroup) group = NULL;
  g_autoptr(GError) local_error = NULL;
  GMainContext *context;
  guint32 id = g_random_int ();
  guint scope_id;
  guint ifindex;
  guint serial;

  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already sending"));
      return FALSE;
    }

  server = parse_server (self->server, &scope_id, error);
  if (server == NULL)
    return FALSE;
  g_set_object (&self->server_address, server);

  group = pick_group (self, g_inet_address_get_family (server), error);
  if (group == NULL || !chorus_parse_interface (self->interface, &ifindex, error))
    return FALSE;

  /* The interface asked for, else the group's zone, else the server's. */
  if (ifindex == 0)
    ifindex = chorus_group_get_ifindex (group);
  if (ifindex == 0)
    ifindex = scope_id;
  if (!chorus_check_group_interface (group, ifindex, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));

  clear_run (self);
  g_set_object (&self->group_address, chorus_group_get_address (group));
  g_free (self->run_group);
  self->run_group = g_inet_address_to_string (self->group_address);
  /* RFC 4607: 232/8 and ff3x:: are for source-specific joins only. */
  self->source_specific = chorus_group_is_source_specific (group);
  self->run_protocol = self->protocol;
  self->protocol_used = CHORUS_MPING_PROTOCOL_AUTO;
  self->run_count = self->count;
  self->run_interval = self->interval;
  self->run_wait = self->wait;
  self->run_port = (guint16) self->port;
  self->run_start = 0;
  self->n_settled = 0;
  self->n_ignored = 0;
  self->n_inits = 0;
  self->last_init = 0;
  memcpy (self->client_id, &id, sizeof self->client_id);
  g_array_set_size (self->send_times, 0);
  g_array_set_size (self->wire_times, 0);
  {
    g_autofree char *address = g_inet_address_to_string (server);

    g_clear_object (&self->unicast);
    g_clear_object (&self->multicast);
    self->unicast = new_path (address, CHORUS_MPING_PATH_UNICAST);
    self->multicast = new_path (address, CHORUS_MPING_PATH_MULTICAST);
  }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNICAST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MULTICAST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_USED]);

  if (!open_socket (self, group, ifindex, error))
    {
      clear_run (self);
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }

  self->cancellable = g_cancellable_new ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, SLOT_SIZE);
  self->destination = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                    "address", server,
                                    "port", self->port,
                                    "scope-id", scope_id,
                                    NULL);

  context = g_main_context_ref_thread_default ();
  _chorus_reader_start (&self->reader, self->socket, context, self->cancellable, FALSE,
                        on_socket_readable, self);
  g_main_context_unref (context);

  self->running = TRUE;
  serial = ++self->run_serial;
  self->tick_id = add_timeout (TICK_MSEC / 1000.0, on_tick, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));

  switch (self->run_protocol)
    {
    case CHORUS_MPING_PROTOCOL_SSMPING:
      choose_protocol (self, CHORUS_MPING_PROTOCOL_SSMPING);
      if (self->running && self->run_serial == serial)
        start_queries (self);
      break;

    case CHORUS_MPING_PROTOCOL_AUTO:
      if (!send_init (self, &local_error))
        break;
      self->fallback_id = add_timeout (CHORUS_MPING_PROBE_SECONDS, on_fallback, self);
      break;

    case CHORUS_MPING_PROTOCOL_RFC6450:
    default:
      self->n_inits = 1;
      if (!send_init (self, &local_error))
        break;
      self->query_id = add_timeout (self->run_interval, on_init_timer, self);
      break;
    }

  /* Nothing could be sent at all: the run did not start. */
  if (local_error != NULL)
    {
      clear_run (self);
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * chorus_mping_client_stop:
 *
 * Ends the run now; ::finished is emitted if one was going.
 */
void
chorus_mping_client_stop (ChorusMpingClient *self)
{
  g_return_if_fail (CHORUS_IS_MPING_CLIENT (self));

  finish (self);
}

gboolean
chorus_mping_client_get_running (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), FALSE);

  return self->running;
}

ChorusMpingProtocol
chorus_mping_client_get_protocol_used (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), CHORUS_MPING_PROTOCOL_AUTO);

  return self->protocol_used;
}

/**
 * chorus_mping_client_get_run_group:
 *
 * Returns: (nullable): the group the current or last run joined
 */
const char *
chorus_mping_client_get_run_group (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return self->run_group;
}

/**
 * chorus_mping_client_get_source_specific:
 *
 * Returns: whether the current or last run joined its group for the
 *   server alone (ssmping) rather than for any source (asmping)
 */
gboolean
chorus_mping_client_get_source_specific (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), FALSE);

  return self->source_specific;
}

/**
 * chorus_mping_client_get_unicast:
 *
 * Returns: (transfer none): the unicast answers of the current or last
 *   run, as one responder
 */
ChorusResponder *
chorus_mping_client_get_unicast (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return self->unicast;
}

/**
 * chorus_mping_client_get_multicast:
 *
 * Returns: (transfer none): the multicast answers of the current or
 *   last run; its join time is the time to the first multicast answer
 */
ChorusResponder *
chorus_mping_client_get_multicast (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return self->multicast;
}

ChorusResponder *
chorus_mping_client_get_path (ChorusMpingClient *self,
                              ChorusMpingPath    path)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), NULL);

  return path == CHORUS_MPING_PATH_MULTICAST ? self->multicast : self->unicast;
}

guint
chorus_mping_client_get_n_sent (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->send_times->len;
}

/**
 * chorus_mping_verdict_from_reach:
 *
 * Returns: the verdict of a run whose paths reach as given: multicast
 *   first, since it is what the run asks about
 */
ChorusMpingVerdict
chorus_mping_verdict_from_reach (ChorusReach unicast,
                                 ChorusReach multicast)
{
  if (multicast == CHORUS_REACH_NOW)
    return CHORUS_MPING_VERDICT_MULTICAST;
  if (multicast == CHORUS_REACH_STOPPED)
    return CHORUS_MPING_VERDICT_MULTICAST_STOPPED;
  if (unicast == CHORUS_REACH_NOW || unicast == CHORUS_REACH_STOPPED)
    return CHORUS_MPING_VERDICT_UNICAST_ONLY;
  if (unicast == CHORUS_REACH_NEVER || multicast == CHORUS_REACH_NEVER)
    return CHORUS_MPING_VERDICT_NO_ANSWER;

  return CHORUS_MPING_VERDICT_WAITING;
}

const char *
chorus_mping_verdict_get_nick (ChorusMpingVerdict verdict)
{
  switch (verdict)
    {
    case CHORUS_MPING_VERDICT_MULTICAST:
      return "multicast";
    case CHORUS_MPING_VERDICT_MULTICAST_STOPPED:
      return "multicast-stopped";
    case CHORUS_MPING_VERDICT_UNICAST_ONLY:
      return "unicast-only";
    case CHORUS_MPING_VERDICT_NO_ANSWER:
      return "no-answer";
    case CHORUS_MPING_VERDICT_WAITING:
    default:
      return "waiting";
    }
}

/**
 * chorus_mping_client_get_verdict:
 *
 * Returns: what the current or last run says now (at its end, for one
 *   that is over)
 */
ChorusMpingVerdict
chorus_mping_client_get_verdict (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), CHORUS_MPING_VERDICT_WAITING);

  return chorus_mping_verdict_from_reach (chorus_responder_get_reach (self->unicast),
                                          chorus_responder_get_reach (self->multicast));
}

/**
 * chorus_mping_client_get_n_settled:
 *
 * Returns: queries whose wait is over; loss is counted among these
 */
guint
chorus_mping_client_get_n_settled (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->n_settled;
}

/**
 * chorus_mping_client_get_n_ignored:
 *
 * Returns: datagrams that reached the client's port but were no answer
 *   to this run
 */
guint
chorus_mping_client_get_n_ignored (ChorusMpingClient *self)
{
  g_return_val_if_fail (CHORUS_IS_MPING_CLIENT (self), 0);

  return self->n_ignored;
}

const char *
chorus_mping_protocol_get_nick (ChorusMpingProtocol protocol)
{
  switch (protocol)
    {
    case CHORUS_MPING_PROTOCOL_SSMPING:
      return "ssmping";
    case CHORUS_MPING_PROTOCOL_RFC6450:
      return "rfc6450";
    case CHORUS_MPING_PROTOCOL_AUTO:
    default:
      return "auto";
    }
}

gboolean
chorus_mping_protocol_parse (const char          *text,
                             ChorusMpingProtocol *protocol,
                             GError             **error)
{
  for (ChorusMpingProtocol p = CHORUS_MPING_PROTOCOL_AUTO; p <= CHORUS_MPING_PROTOCOL_RFC6450; p++)
    if (g_strcmp0 (text, chorus_mping_protocol_get_nick (p)) == 0)
      {
        *protocol = p;
        return TRUE;
      }

  {
    g_autofree char *shown = g_strescape (text ? text : "", NULL);

    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                 _("“%s” is not a protocol: use auto, ssmping or rfc6450"), shown);
  }
  return FALSE;
}

const char *
chorus_mping_path_get_nick (ChorusMpingPath path)
{
  return path == CHORUS_MPING_PATH_MULTICAST ? "multicast" : "unicast";
}
