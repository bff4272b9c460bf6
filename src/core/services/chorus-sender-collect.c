/* chorus-sender-collect.c: reading the answers and telling whose they are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-sender-private.h"

/* The probe an answer belongs to is the last one sent before it arrived.
 * Replies carry no sequence number (the article's receivers only say
 * "ack"), so an answer that is slower than the interval is counted
 * against the probe after its own. */
static gboolean
is_broadcast (ChorusSender *self,
              const guint8 *address,
              gsize         size)
{
  guint32 value;

  if (size != 4 || self->broadcasts == NULL)
    return FALSE;

  memcpy (&value, address, sizeof value);
  if (value == G_MAXUINT32)
    return TRUE;

  for (guint i = 0; i < self->broadcasts->len; i++)
    if (g_array_index (self->broadcasts, guint32, i) == value)
      return TRUE;

  return FALSE;
}

/* An answer comes from the group's port (receivers answer from the port
 * they listen on), from an address that can send, to this host's own
 * unicast address. Anything else reaching this port is not one. */
static gboolean
can_be_answer (ChorusSender         *self,
               const ChorusDatagram *d)
{
  gsize size;
  guint16 port;
  const guint8 *from = _chorus_datagram_get_source (d, &size, &port);

  if (port != self->run_port || !chorus_reply_address_is_unicast (from, size))
    return FALSE;

  /* Sent to a multicast or broadcast address, not to this host. */
  if (d->destination_size != 0
      && (!chorus_reply_address_is_unicast (d->destination, d->destination_size)
          || is_broadcast (self, d->destination, d->destination_size)))
    return FALSE;

  return TRUE;
}

/* When probe @seq went out, or -1 if it was never sent or is long gone. */
gint64
_chorus_sender_send_time_of (ChorusSender *self,
                             guint32       seq)
{
  if (seq < self->times_first || seq > self->n_sent)
    return -1;

  return g_array_index (self->send_times, gint64, seq - self->times_first);
}

/* A run that probes until stopped would keep a send time per probe for
 * ever: keep those the statistics can still use (a window's worth before
 * the last settled probe), letting the rest go a window at a time. */
void
_chorus_sender_trim_send_times (ChorusSender *self)
{
  guint32 keep_from;

  if (self->n_settled <= 2 * CHORUS_SEQ_WINDOW
      || self->n_settled - 2 * CHORUS_SEQ_WINDOW < self->times_first)
    return;

  keep_from = self->n_settled - CHORUS_SEQ_WINDOW;
  g_array_remove_range (self->send_times, 0, keep_from - self->times_first);
  self->times_first = keep_from;
}

/* A forged flood must not grow the table without end: past the limit,
 * new hosts are counted, not listed. A host answering both ways (a
 * Chorus receiver and a classic one) is two responders. */
static ChorusResponder *
lookup_responder (ChorusSender       *self,
                  GInetSocketAddress *address,
                  gboolean            tagged)
{
  /* With its zone, for a link-local responder. */
  g_autofree char *text = _chorus_socket_address_to_string (address);
  g_autofree char *key = g_strconcat (text, tagged ? "" : " classic", NULL);
  ChorusResponder *responder = g_hash_table_lookup (self->responders, key);
  guint32 sent = self->n_sent;

  if (responder != NULL)
    return responder;

  if (g_hash_table_size (self->responders) >= CHORUS_SENDER_MAX_RESPONDERS)
    {
      if (!g_hash_table_contains (self->responders, key))
        self->n_unlisted++;
      return NULL;
    }

  /* Plain sends count hosts; statistics are for probes. */
  if (!self->run_probe)
    {
      g_hash_table_insert (self->responders, g_steal_pointer (&key), NULL);
      return NULL;
    }

  responder = _chorus_responder_new (text, tagged, g_hash_table_size (self->responders),
                                     self->n_settled,
                                     sent > CHORUS_RESPONDER_HISTORY
                                       ? sent - CHORUS_RESPONDER_HISTORY + 1 : 1);
  g_hash_table_insert (self->responders, g_steal_pointer (&key), responder);
  g_list_store_append (self->responder_list, responder);
  g_object_unref (responder);

  if (tagged)
    self->n_tagged++;

  return responder;
}

static guint
probe_for_arrival (ChorusSender *self,
                   gint64        arrival)
{
  for (guint i = self->send_times->len; i > 0; i--)
    if (g_array_index (self->send_times, gint64, i - 1) <= arrival)
      return self->times_first + i - 1;

  return self->n_sent > 0 ? self->times_first : 0;
}

/* Reads one answer into an ack and the responder's statistics. FALSE if
 * it is no answer to this run. */
static gboolean
take_answer (ChorusSender         *self,
             const ChorusDatagram *d,
             GPtrArray            *fresh)
{
  g_autoptr(GInetSocketAddress) from = NULL;
  g_autoptr(GBytes) payload = NULL;
  ChorusResponder *responder;
  ChorusAnswerVerdict verdict = CHORUS_ANSWER_RECEIVED;
  ChorusAnswer answer = { 0, };
  ChorusAck *ack;
  gboolean tagged = FALSE;
  gboolean estimated = FALSE;
  guint32 seq;
  gint64 rtt;
  int hops;

  if (self->run_probe && chorus_wire_get_kind (d->data, d->size) != CHORUS_WIRE_NONE)
    {
      /* Chorus speaks; it must be about one of our probes, exactly. */
      if (!chorus_answer_parse (d->data, d->size, &answer)
          || answer.session != self->session
          || _chorus_sender_send_time_of (self, answer.seq) < 0
          || answer.sent_usec != _chorus_sender_send_time_of (self, answer.seq))
        return FALSE;

      tagged = TRUE;
    }

  if (tagged)
    {
      seq = answer.seq;
      rtt = d->arrival_monotonic - _chorus_sender_send_time_of (self, seq)
            - answer.hold_usec;
      hops = answer.ttl >= 0 && answer.ttl <= self->run_ttl ? self->run_ttl - answer.ttl : -1;
    }
  else
    {
      /* Classic answers say nothing of their probe: it is the last one
       * sent before they arrived. */
      seq = probe_for_arrival (self, d->arrival_monotonic);
      /* Before the first probe went out, nothing can be an answer. */
      if (seq == 0)
        return FALSE;
      rtt = d->arrival_monotonic - _chorus_sender_send_time_of (self, seq);
      hops = chorus_hops_estimate (d->ttl);
      estimated = hops >= 0;
    }

  rtt = MAX (rtt, 0);
  from = _chorus_datagram_dup_from (d);
  payload = _chorus_datagram_dup_payload (d);

  responder = lookup_responder (self, from, tagged);
  if (responder != NULL)
    {
      verdict = _chorus_responder_answer (responder, seq, self->n_sent, rtt,
                                          d->arrival_monotonic, self->run_start);
      if (hops >= 0)
        _chorus_responder_set_hops (responder, hops, estimated);
      if (tagged)
        _chorus_responder_set_name (responder, answer.name, answer.name_size);
    }

  ack = chorus_ack_new (from, payload, seq, rtt, d->arrival_usec, d->ttl);
  _chorus_ack_set_answer (ack, tagged, hops, estimated, answer.hold_usec, answer.name,
                          answer.name_size, verdict);
  g_ptr_array_add (fresh, ack);

  if (verdict == CHORUS_ANSWER_RECEIVED)
    {
      self->rtt_min = MIN (self->rtt_min, rtt);
      self->rtt_max = MAX (self->rtt_max, rtt);
      self->rtt_sum += rtt;
      self->rtt_count++;
    }

  return TRUE;
}

gboolean
_chorus_sender_on_socket_readable (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  /* A handler may drop the last reference to us. */
  g_autoptr(ChorusSender) hold = g_object_ref (self);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_responders = chorus_sender_get_n_responders (self);
  guint old_ignored = self->n_ignored;
  guint serial = self->run_serial;
  gint64 started = g_get_monotonic_time ();
  gboolean hit_limit;
  guint handled = 0;
  gsize bytes = 0;

  while (handled < MAX_PER_DISPATCH && bytes < CHORUS_DISPATCH_BYTES)
    {
      g_autoptr(GError) error = NULL;
      int n = _chorus_batch_receive (self->batch, self->socket, &error);

      if (n < 0)
        {
          /* A queued ICMP error, for instance: report it, keep listening. */
          g_debug ("Receiving acks: %s", error->message);
          break;
        }

      if (n == 0)
        break;

      handled += n;

      for (int i = 0; i < n; i++)
        {
          const ChorusDatagram *d = _chorus_batch_get (self->batch, i);
          bytes += d->size;

          if (!can_be_answer (self, d))
            {
              self->n_ignored++;
              continue;
            }

          if (!take_answer (self, d, fresh))
            self->n_ignored++;
        }

      /* Short of a full batch, the socket was empty (see the receiver). */
      if (n < BATCH_SLOTS)
        break;
    }

  /* Paced as the receiver's sockets are: behind drawing and input while
   * a flood lasts, on ticks while answers stream in (see chorus-pace.c).
   * Answers carry the kernel's arrival time, so a tick's wait does not
   * lengthen a round trip. */
  hit_limit = handled >= MAX_PER_DISPATCH || bytes >= CHORUS_DISPATCH_BYTES;
  if (self->running && self->run_serial == serial)
    _chorus_reader_schedule (&self->reader, started, handled, hit_limit);

  if (self->n_ignored != old_ignored)
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_IGNORED]);

  if (fresh->len == 0)
    return G_SOURCE_CONTINUE;

  /* The whole batch goes into the model at once, then is announced; views
   * update once per drain, not once per datagram. */
  chorus_ring_model_append_many (self->acks, fresh->pdata, fresh->len);

  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_ACKS]);
  if (chorus_sender_get_n_responders (self) != old_responders)
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_RESPONDERS]);

  /* A handler may end this run, and start another: these acks are not
   * the new run's. */
  for (guint i = 0; i < fresh->len && self->running && self->run_serial == serial; i++)
    g_signal_emit (self, _chorus_sender_signals[ACK_RECEIVED], 0, g_ptr_array_index (fresh, i));

  return G_SOURCE_CONTINUE;
}
