/* chorus-mping-client-read.c: reading the server's answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chorus-mping-client-private.h"

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
      || msg.generation != _chorus_mping_client_generation_of (self->protocol_used) || !is_ours (self, &msg)
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

  if (!_chorus_mping_client_send_init (self, &error))
    _chorus_mping_client_fail (self, error);
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
        _chorus_mping_client_fail (self, error);
      else
        {
          _chorus_mping_client_choose_protocol (self, CHORUS_MPING_PROTOCOL_RFC6450);
          _chorus_mping_client_start_queries (self);
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

  g_signal_emit (self, _chorus_mping_client_signals[REPLY_RECEIVED], 0, (int) path, (guint) seq, rtt, hops, estimated,
                 d->ttl, (int) verdict);
}

gboolean
_chorus_mping_client_on_socket_readable (gpointer user_data)
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
