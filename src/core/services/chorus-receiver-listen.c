/* chorus-receiver-listen.c: reading the sockets, staging messages, following probers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include "chorus-receiver-private.h"

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

static gboolean
limit_reached (ChorusReceiver *self)
{
  return self->limit > 0 && self->n_received - self->n_received_at_start >= self->limit;
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

gboolean
_chorus_receiver_on_socket_readable (gpointer user_data)
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
                _chorus_receiver_answer_probe (self, d, &probe);

              if (self->replies->n == BATCH_SLOTS)
                _chorus_receiver_flush_replies (self);
              continue;
            }

          stage_message (self, fresh, d, d->data, d->size, join, NULL);

          /* Another's Chorus answer, sent to the group: nothing to say. */
          if (self->answer && kind != CHORUS_WIRE_ANSWER)
            _chorus_receiver_answer (self, d, reply_size);
        }

      if (self->replies->n > 0)
        _chorus_receiver_flush_replies (self);

      /* Short of a full batch, the socket was empty: asking again would
       * only cost a system call. What comes meanwhile wakes us again. */
      if (n < BATCH_SLOTS)
        break;
    }

  g_ptr_array_extend_and_steal (self->staged, g_steal_pointer (&fresh));

  if (self->update_interval == 0
      || _chorus_receiver_n_staged (self) >= chorus_ring_model_get_capacity (self->messages)
      || limit_reached (self))
    _chorus_receiver_flush_staged (self);
  else if (self->flush_source == NULL)
    {
      /* On the context the socket is read on. */
      self->flush_source = g_timeout_source_new (self->update_interval);
      g_source_set_callback (self->flush_source, _chorus_receiver_on_flush_timeout, self, NULL);
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
ChorusListener *
_chorus_receiver_add_listener (ChorusReceiver  *self,
                               GSocketFamily    family,
                               GError         **error)
{
  ChorusUdpOptions options = CHORUS_UDP_OPTIONS_INIT (family);
  g_autoptr(GSocket) socket = NULL;
  ChorusListener *listener;

  /* Each socket hears only the groups it joined itself, by the sources
   * it chose (own_groups_only, as INIT has it). Shared, so that several
   * receivers on one host can use the port; and the own-group filter
   * needs each datagram's destination. */
  options.port = (guint16) self->port;
  options.reuse_port = TRUE;
  options.need_destination = TRUE;

  socket = _chorus_udp_socket_open (&options, NULL, error);
  if (socket == NULL)
    return NULL;

  listener = g_new0 (ChorusListener, 1);
  listener->self = self;
  listener->socket = g_steal_pointer (&socket);
  g_ptr_array_add (self->listeners, listener);
  if (self->socket == NULL)
    self->socket = listener->socket;

  return listener;
}
