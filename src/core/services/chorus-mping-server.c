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

#include "chorus-mping-server-private.h"

G_DEFINE_FINAL_TYPE (ChorusMpingServer, chorus_mping_server, G_TYPE_OBJECT)

GParamSpec *_chorus_mping_server_properties[N_PROPS];

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

  _chorus_mping_server_properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16,
                                             CHORUS_MPING_SERVER_DEFAULT_PORT, rw);
  /**
   * ChorusMpingServer:interface:
   *
   * Answer only queries that arrive on this interface; empty for any.
   */
  _chorus_mping_server_properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, "", rw);
  /**
   * ChorusMpingServer:family:
   *
   * %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6 for one of them,
   * %G_SOCKET_FAMILY_INVALID for both (IPv6 where the host has it).
   */
  _chorus_mping_server_properties[PROP_FAMILY] = g_param_spec_enum ("family", NULL, NULL, G_TYPE_SOCKET_FAMILY,
                                               G_SOCKET_FAMILY_INVALID, rw);
  /**
   * ChorusMpingServer:rate:
   *
   * Queries answered per second to one client address; 0 for no limit.
   */
  _chorus_mping_server_properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, 1e6,
                                               CHORUS_MPING_SERVER_DEFAULT_RATE, rw);
  _chorus_mping_server_properties[PROP_BURST] = g_param_spec_uint ("burst", NULL, NULL, 1, G_MAXINT,
                                              CHORUS_MPING_SERVER_DEFAULT_BURST, rw);
  /**
   * ChorusMpingServer:allow-larger:
   *
   * Pad answers to what the client asks for even past the query's size.
   * Off by default: a forged query must not buy a larger answer.
   */
  _chorus_mping_server_properties[PROP_ALLOW_LARGER] = g_param_spec_boolean ("allow-larger", NULL, NULL, FALSE, rw);
  _chorus_mping_server_properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   ro | G_PARAM_EXPLICIT_NOTIFY);
  _chorus_mping_server_properties[PROP_N_QUERIES] = g_param_spec_uint64 ("n-queries", NULL, NULL, 0, G_MAXUINT64, 0,
                                                    ro | G_PARAM_EXPLICIT_NOTIFY);
  _chorus_mping_server_properties[PROP_N_ANSWERED] = g_param_spec_uint64 ("n-answered", NULL, NULL, 0, G_MAXUINT64, 0,
                                                     ro | G_PARAM_EXPLICIT_NOTIFY);
  _chorus_mping_server_properties[PROP_N_INVALID] = g_param_spec_uint64 ("n-invalid", NULL, NULL, 0, G_MAXUINT64, 0,
                                                    ro | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * ChorusMpingServer:n-unanswered:
   *
   * Valid queries refused, for every reason (see
   * chorus_mping_server_get_n_refused()).
   */
  _chorus_mping_server_properties[PROP_N_UNANSWERED] = g_param_spec_uint64 ("n-unanswered", NULL, NULL, 0,
                                                       G_MAXUINT64, 0,
                                                       ro | G_PARAM_EXPLICIT_NOTIFY);
  _chorus_mping_server_properties[PROP_CLIENTS] = g_param_spec_object ("clients", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, N_PROPS, _chorus_mping_server_properties);
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
      && !_chorus_mping_server_add_listener (self, G_SOCKET_FAMILY_IPV4, error))
    {
      clear_run (self);
      return FALSE;
    }
  if (self->family != G_SOCKET_FAMILY_IPV4)
    {
      g_autoptr(GError) local_error = NULL;

      /* Both: a host without IPv6 is served over IPv4. */
      if (!_chorus_mping_server_add_listener (self, G_SOCKET_FAMILY_IPV6, &local_error))
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
  self->sessions = g_hash_table_new_full (_chorus_mping_server_session_id_hash, _chorus_mping_server_session_id_equal, NULL, g_free);
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
                            self->cancellable, FALSE, _chorus_mping_server_on_socket_readable, listener);
    }

  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_RUNNING]);

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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_RUNNING]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_PORT]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_INTERFACE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_FAMILY]);
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
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_RATE]);
  if (self->burst != burst)
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_BURST]);
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
