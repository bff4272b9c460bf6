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

#include "chorus-mping-client-private.h"

G_DEFINE_FINAL_TYPE (ChorusMpingClient, chorus_mping_client, G_TYPE_OBJECT)

GParamSpec *_chorus_mping_client_properties[N_PROPS];
guint _chorus_mping_client_signals[N_SIGNALS];

void
_chorus_mping_client_clear_run (ChorusMpingClient *self)
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

  _chorus_mping_client_clear_run (self);
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
  _chorus_mping_client_properties[PROP_SERVER] = g_param_spec_string ("server", NULL, NULL, "", rw);
  _chorus_mping_client_properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16,
                                             CHORUS_MPING_DEFAULT_PORT, rw);
  /**
   * ChorusMpingClient:group:
   *
   * The group to ask the server for; empty for the protocol's
   * source-specific group of the server's family (232.43.211.234,
   * ff3e::4321:1234). A source-specific group is joined for the server
   * alone, any other for any source.
   */
  _chorus_mping_client_properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, "", rw);
  /* 0: until stopped. */
  _chorus_mping_client_properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXINT, 0, rw);
  _chorus_mping_client_properties[PROP_INTERVAL] = g_param_spec_double ("interval", NULL, NULL, 0.01, 86400, 1, rw);
  /**
   * ChorusMpingClient:wait:
   *
   * Seconds a query's answers are awaited; later ones are late.
   */
  _chorus_mping_client_properties[PROP_WAIT] = g_param_spec_double ("wait", NULL, NULL, 0, 86400, 1, rw);
  _chorus_mping_client_properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  /* A #ChorusMpingProtocol. */
  _chorus_mping_client_properties[PROP_PROTOCOL] = g_param_spec_int ("protocol", NULL, NULL, CHORUS_MPING_PROTOCOL_AUTO,
                                                CHORUS_MPING_PROTOCOL_RFC6450,
                                                CHORUS_MPING_PROTOCOL_AUTO, rw);
  _chorus_mping_client_properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  /**
   * ChorusMpingClient:protocol-used:
   *
   * The format the run speaks: %CHORUS_MPING_PROTOCOL_AUTO while auto is
   * still finding out.
   */
  _chorus_mping_client_properties[PROP_PROTOCOL_USED] =
    g_param_spec_int ("protocol-used", NULL, NULL, CHORUS_MPING_PROTOCOL_AUTO,
                      CHORUS_MPING_PROTOCOL_RFC6450, CHORUS_MPING_PROTOCOL_AUTO, ro);
  _chorus_mping_client_properties[PROP_UNICAST] =
    g_param_spec_object ("unicast", NULL, NULL, CHORUS_TYPE_RESPONDER, ro);
  _chorus_mping_client_properties[PROP_MULTICAST] =
    g_param_spec_object ("multicast", NULL, NULL, CHORUS_TYPE_RESPONDER, ro);
  _chorus_mping_client_properties[PROP_N_SENT] = g_param_spec_uint ("n-sent", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, _chorus_mping_client_properties);

  /**
   * ChorusMpingClient::query-sent:
   * @seq: the query's number, from 1
   */
  _chorus_mping_client_signals[QUERY_SENT] =
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
  _chorus_mping_client_signals[REPLY_RECEIVED] =
    g_signal_new ("reply-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 7, G_TYPE_INT, G_TYPE_UINT, G_TYPE_INT64, G_TYPE_INT,
                  G_TYPE_BOOLEAN, G_TYPE_INT, G_TYPE_INT);

  /**
   * ChorusMpingClient::protocol-chosen:
   * @protocol: the #ChorusMpingProtocol the run speaks from now on
   */
  _chorus_mping_client_signals[PROTOCOL_CHOSEN] =
    g_signal_new ("protocol-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * ChorusMpingClient::updated:
   *
   * The paths' statistics moved (a query settled); at most every
   * 100 ms.
   */
  _chorus_mping_client_signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * ChorusMpingClient::failed:
   * @error: what went wrong after the run started; ::finished follows
   */
  _chorus_mping_client_signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  _chorus_mping_client_signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

/* The paths have indices of their own (0 and 1, as ChorusMpingPath), so
 * that a chart of the two draws them in two colours. */
ChorusResponder *
_chorus_mping_client_new_path (const char      *address,
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
  self->unicast = _chorus_mping_client_new_path ("", CHORUS_MPING_PATH_UNICAST);
  self->multicast = _chorus_mping_client_new_path ("", CHORUS_MPING_PATH_MULTICAST);
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
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_SERVER]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_PORT]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_GROUP]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_COUNT]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_INTERVAL]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_WAIT]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_INTERFACE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_PROTOCOL]);
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
