/* chorus-mping-client-query.c: the init, the queries on their timer, the end of a run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chorus-mping-client-private.h"

/* The wire formats, through chorus-mping.h. */

/* ssmpingd answers only groups it knows are meant for it: IPv4 groups
 * that end in .234, IPv6 groups that end in ::4321:1234. */
gboolean
_chorus_mping_client_ssmping_serves_group (GInetAddress *group)
{
  static const guint8 suffix6[] = { 0x43, 0x21, 0x12, 0x34 };
  const guint8 *bytes = g_inet_address_to_bytes (group);

  if (g_inet_address_get_family (group) == G_SOCKET_FAMILY_IPV4)
    return bytes[3] == 234;

  return memcmp (bytes + 12, suffix6, sizeof suffix6) == 0;
}

ChorusMpingGeneration
_chorus_mping_client_generation_of (ChorusMpingProtocol protocol)
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

  message_init (self, &msg, _chorus_mping_client_generation_of (self->protocol_used), CHORUS_MPING_TYPE_QUERY);
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
    g_signal_emit (self, _chorus_mping_client_signals[UPDATED], 0);
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

void
_chorus_mping_client_finish (ChorusMpingClient *self)
{
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  if (!self->running)
    return;

  /* Queries still waiting when a run is stopped count for nothing. The
   * paths are judged as they stand at the end. */
  judge_silence (self, g_get_monotonic_time ());
  announce (self);

  _chorus_mping_client_clear_run (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_RUNNING]);
  g_signal_emit (self, _chorus_mping_client_signals[FINISHED], 0);
}

void
_chorus_mping_client_fail (ChorusMpingClient *self,
                           GError            *error)
{
  guint serial = self->run_serial;

  g_signal_emit (self, _chorus_mping_client_signals[FAILED], 0, error);
  if (self->running && self->run_serial == serial)
    _chorus_mping_client_finish (self);
}

guint
_chorus_mping_client_add_timeout (double       seconds,
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

  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_N_SENT]);
  g_signal_emit (self, _chorus_mping_client_signals[QUERY_SENT], 0, seq);

  return TRUE;
}

void
_chorus_mping_client_choose_protocol (ChorusMpingClient   *self,
                                      ChorusMpingProtocol  protocol)
{
  g_clear_handle_id (&self->fallback_id, g_source_remove);
  g_clear_handle_id (&self->query_id, g_source_remove);
  self->protocol_used = protocol;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_PROTOCOL_USED]);
  g_signal_emit (self, _chorus_mping_client_signals[PROTOCOL_CHOSEN], 0, protocol);
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
    _chorus_mping_client_on_socket_readable (self);
  if (!self->running || self->run_serial != serial)
    return G_SOURCE_REMOVE;

  settle_until (self, 0, TRUE);
  _chorus_mping_client_finish (self);

  return G_SOURCE_REMOVE;
}

gboolean
_chorus_mping_client_on_tick (gpointer user_data)
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
      _chorus_mping_client_fail (self, error);
      return G_SOURCE_REMOVE;
    }

  /* A ::query-sent handler stopped the run. */
  if (g_source_is_destroyed (current))
    return G_SOURCE_REMOVE;

  if (self->run_count == 0 || self->send_times->len < self->run_count)
    return G_SOURCE_CONTINUE;

  self->query_id = 0;
  self->deadline_id = _chorus_mping_client_add_timeout (self->run_wait, on_deadline, self);

  return G_SOURCE_REMOVE;
}

/* The format is known: the first query now, the others every interval. */
void
_chorus_mping_client_start_queries (ChorusMpingClient *self)
{
  g_autoptr(GError) error = NULL;
  guint serial = self->run_serial;

  if (!send_query (self, &error))
    {
      _chorus_mping_client_fail (self, error);
      return;
    }

  /* A ::query-sent handler ended the run. */
  if (!self->running || self->run_serial != serial)
    return;

  if (self->run_count == 1)
    self->deadline_id = _chorus_mping_client_add_timeout (self->run_wait, on_deadline, self);
  else
    self->query_id = _chorus_mping_client_add_timeout (self->run_interval, on_query_timer, self);
}

gboolean
_chorus_mping_client_send_init (ChorusMpingClient  *self,
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
gboolean
_chorus_mping_client_on_fallback (gpointer user_data)
{
  ChorusMpingClient *self = CHORUS_MPING_CLIENT (user_data);
  g_autoptr(ChorusMpingClient) hold = g_object_ref (self);

  self->fallback_id = 0;

  if (!_chorus_mping_client_ssmping_serves_group (self->group_address))
    {
      g_autoptr(GError) error = NULL;

      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("%s did not answer in the format of RFC 6450, and servers of the older "
                     "ssmping format only answer for groups that end in .234 (IPv4) or "
                     "::4321:1234 (IPv6), which %s does not"),
                   self->server, self->run_group);
      _chorus_mping_client_fail (self, error);
      return G_SOURCE_REMOVE;
    }

  _chorus_mping_client_choose_protocol (self, CHORUS_MPING_PROTOCOL_SSMPING);
  _chorus_mping_client_start_queries (self);

  return G_SOURCE_REMOVE;
}

/* RFC 6450 asked for: the init again every interval until the server
 * answers, for as long as the queries would have taken. */
gboolean
_chorus_mping_client_on_init_timer (gpointer user_data)
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
      _chorus_mping_client_fail (self, error);
      return G_SOURCE_REMOVE;
    }

  if (!_chorus_mping_client_send_init (self, &error))
    {
      self->query_id = 0;
      _chorus_mping_client_fail (self, error);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}
