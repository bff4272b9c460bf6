/* chorus-sender-run.c: a run: the socket, the probes on their timer, the deadline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chorus-sender-private.h"

static void update_responders (ChorusSender *self,
                               gboolean      settle_all);

static void
finish (ChorusSender *self)
{
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  if (!self->running)
    return;

  /* Probes still waiting when a run is stopped count for nothing. */
  update_responders (self, FALSE);

  _chorus_sender_clear_run (self);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_RUNNING]);
  g_signal_emit (self, _chorus_sender_signals[FINISHED], 0);
}

static void schedule_deadline (ChorusSender *self);

/* Sending failed: say so, send no more, and wait for answers to the probes
 * already out as if the last of them had been the last probe. */
static void
fail (ChorusSender *self,
      GError       *error)
{
  guint serial = self->run_serial;

  g_clear_handle_id (&self->probe_id, g_source_remove);
  self->send_failed = TRUE;
  g_signal_emit (self, _chorus_sender_signals[FAILED], 0, error);

  /* A ::failed handler ended the run. */
  if (!self->running || self->run_serial != serial)
    return;

  if (self->n_sent == 0)
    finish (self);
  else if (self->deadline_id == 0)
    schedule_deadline (self);
}

static gboolean
send_probe (ChorusSender  *self,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (self->run_message, &size);
  gint64 now = g_get_monotonic_time ();
  gssize sent;

  g_array_append_val (self->send_times, now);
  self->n_sent++;
  if (self->n_sent == 1)
    self->run_start = now;

  if (self->run_probe)
    {
      ChorusProbe probe = {
        .session = self->session,
        .seq = self->n_sent,
        .sent_usec = now,
        .ttl = self->run_ttl,
        .spread_ms = (guint32) (self->run_spread * 1000 + 0.5),
        .text = (const guint8 *) data,
        .text_size = size,
      };

      /* The size was checked when the run started. */
      size = chorus_probe_encode (&probe, self->probe_buffer, self->probe_buffer_size);
      data = (const char *) self->probe_buffer;
    }

  sent = g_socket_send_to (self->socket, self->destination, data ? data : "", size,
                           self->cancellable, &local_error);
  if (sent < 0)
    {
      g_autofree char *where = g_socket_connectable_to_string (
        G_SOCKET_CONNECTABLE (self->destination));

      g_array_set_size (self->send_times, self->send_times->len - 1);
      self->n_sent--;
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK, _("Could not send to %s: %s"), where,
                   local_error->message);
      return FALSE;
    }

  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_SENT]);
  g_signal_emit (self, _chorus_sender_signals[PROBE_SENT], 0, self->n_sent);

  return TRUE;
}

/* A probe's wait is over spread + wait after it went out. */
static gint64
settle_time (ChorusSender *self,
             guint32       seq)
{
  return _chorus_sender_send_time_of (self, seq)
         + (gint64) ((self->run_spread + self->run_wait) * G_USEC_PER_SEC);
}

static void
settle_until (ChorusSender *self,
              gint64        now,
              gboolean      all)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->responder_list));

  while (self->n_settled < self->n_sent
         && (all || settle_time (self, self->n_settled + 1) <= now))
    {
      self->n_settled++;
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ChorusResponder) responder = g_list_model_get_item (
            G_LIST_MODEL (self->responder_list), i);

          _chorus_responder_settle (responder, self->n_settled);
        }
    }

  _chorus_sender_trim_send_times (self);
}

/* Brings the responders' statistics up to date and announces them, at
 * most once per update interval whatever the rate of answers. */
static void
update_responders (ChorusSender *self,
                   gboolean      settle_all)
{
  GListModel *list = G_LIST_MODEL (self->responder_list);
  gint64 now = g_get_monotonic_time ();
  gint64 silent_after = (gint64) ((self->run_spread + self->run_wait
                                   + CHORUS_SILENT_INTERVALS * self->run_interval)
                                  * G_USEC_PER_SEC);
  guint n = g_list_model_get_n_items (list);
  gboolean changed = FALSE;

  settle_until (self, now, settle_all);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (list, i);

      if (self->running)
        _chorus_responder_judge_silence (responder, now, silent_after);
      changed |= _chorus_responder_flush (responder);
    }

  if (changed)
    g_signal_emit (self, _chorus_sender_signals[RESPONDERS_UPDATED], 0);
}

static gboolean
on_tick (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  g_autoptr(ChorusSender) hold = g_object_ref (self);

  update_responders (self, FALSE);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  g_autoptr(ChorusSender) hold = g_object_ref (self);
  guint serial = self->run_serial;

  self->deadline_id = 0;

  /* Whatever the kernel already holds arrived within the wait. */
  if (self->socket != NULL)
    _chorus_sender_on_socket_readable (self);

  /* An ::ack-received handler ended this run and perhaps started another,
   * which is not ours to finish. */
  if (self->run_serial != serial)
    return G_SOURCE_REMOVE;

  /* Every probe's wait is over now. */
  update_responders (self, TRUE);

  if (self->run_serial == serial)
    finish (self);

  return G_SOURCE_REMOVE;
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

static void
schedule_deadline (ChorusSender *self)
{
  double wait = self->run_wait + self->run_spread;

  self->deadline = g_get_monotonic_time () + (gint64) (wait * G_USEC_PER_SEC);
  self->deadline_id = add_timeout (wait, on_deadline, self);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_DEADLINE]);
}

static gboolean
on_probe_timer (gpointer user_data)
{
  ChorusSender *self = CHORUS_SENDER (user_data);
  g_autoptr(ChorusSender) hold = g_object_ref (self);
  GSource *current = g_main_current_source ();
  g_autoptr(GError) error = NULL;

  if (!send_probe (self, &error))
    {
      self->probe_id = 0;
      fail (self, error);
      return G_SOURCE_REMOVE;
    }

  /* A ::probe-sent handler stopped this run: its timers are gone, and
   * probe_id may already belong to the next run. */
  if (g_source_is_destroyed (current))
    return G_SOURCE_REMOVE;

  if (self->run_count == 0 || self->n_sent < self->run_count)
    return G_SOURCE_CONTINUE;

  self->probe_id = 0;
  schedule_deadline (self);

  return G_SOURCE_REMOVE;
}

/*
 * The interface a run sends by way of: the one asked for, else the
 * group's zone ("ff02::1%eth0"), else 0 for the routing table's choice.
 * A group whose scope ends at the link (or the host) has no route to
 * choose: without an interface it is an error, before anything is sent.
 */
static gboolean
pick_interface (ChorusSender  *self,
                ChorusGroup   *group,
                guint         *ifindex,
                GError       **error)
{
  if (!chorus_parse_interface (self->interface, ifindex, error))
    return FALSE;

  if (*ifindex == 0)
    *ifindex = chorus_group_get_ifindex (group);

  return chorus_check_group_interface (group, *ifindex, error);
}

static gboolean
open_socket (ChorusSender  *self,
             ChorusGroup   *group,
             guint          ifindex,
             GError       **error)
{
  ChorusUdpOptions options = CHORUS_UDP_OPTIONS_INIT (chorus_group_get_family (group));
  ChorusUdpGranted granted;

  /* Any port for the answers, which come by unicast: no group anyone on
   * this host joined is ours (own_groups_only, as INIT has it). */
  options.ifindex = ifindex;
  options.multicast_ttl = (int) self->ttl;
  options.loopback = self->loopback;

  self->socket = _chorus_udp_socket_open (&options, &granted, error);
  if (self->socket == NULL)
    return FALSE;

  self->receive_buffer = granted.receive_buffer;

  return TRUE;
}

/* What one datagram of the run will weigh: a probe is the message with
 * its fields around it. */
static gsize
probe_size (ChorusSender *self)
{
  gsize size;
  const guint8 *text = g_bytes_get_data (self->message, &size);
  g_autofree guint8 *buffer = NULL;
  ChorusProbe probe = {
    .session = G_MAXUINT64,
    .seq = G_MAXUINT32,
    .sent_usec = G_MAXINT64,
    .text = text,
    .text_size = size,
  };
  gsize encoded;

  if (!self->probe)
    return size;

  buffer = g_malloc (size + PROBE_OVERHEAD);
  encoded = chorus_probe_encode (&probe, buffer, size + PROBE_OVERHEAD);

  /* Too large to encode at all: larger than any datagram. */
  return encoded > 0 ? encoded : size + PROBE_OVERHEAD;
}

/**
 * chorus_sender_start:
 * @error: a location for a #GError
 *
 * Starts a run: sends the first probe now, the others every interval, and
 * collects answers until the wait after the last probe is over. Acks of
 * the previous run are cleared. Everything happens on the thread-default
 * main context; nothing here blocks.
 *
 * Returns: %TRUE if the first probe went out; otherwise @error says why
 *   (an invalid setting, or the system refused) and nothing was sent
 */
gboolean
chorus_sender_start (ChorusSender  *self,
                     GError       **error)
{
  g_autoptr(ChorusGroup) group = NULL;
  GMainContext *context;
  guint ifindex;
  guint serial;

  g_return_val_if_fail (CHORUS_IS_SENDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already sending"));
      return FALSE;
    }

  group = chorus_group_parse (self->group, error);
  if (group == NULL)
    return FALSE;

  if (!chorus_check_payload_size (group, probe_size (self), error)
      || !pick_interface (self, group, &ifindex, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));

  chorus_ring_model_clear (self->acks);
  self->n_ignored = 0;
  self->n_unlisted = 0;
  self->send_failed = FALSE;
  g_hash_table_remove_all (self->responders);
  g_list_store_remove_all (self->responder_list);
  self->n_settled = 0;
  self->n_tagged = 0;
  g_array_set_size (self->send_times, 0);
  self->times_first = 1;
  self->n_sent = 0;
  self->rtt_min = G_MAXINT64;
  self->rtt_max = self->rtt_sum = 0;
  self->rtt_count = 0;
  self->deadline = 0;
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_ACKS]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_RESPONDERS]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_N_IGNORED]);

  if (!open_socket (self, group, ifindex, error))
    {
      _chorus_sender_clear_run (self);
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }

  self->cancellable = g_cancellable_new ();
  self->run_message = g_bytes_ref (self->message);
  self->run_count = self->count;
  self->run_wait = self->wait;
  self->run_port = (guint16) self->port;
  self->run_probe = self->probe;
  self->run_spread = self->probe ? self->spread : 0;
  self->run_interval = self->interval;
  self->run_ttl = (guint8) self->ttl;
  self->session = ((guint64) g_random_int () << 32) | g_random_int ();
  self->run_start = 0;
  if (self->run_probe)
    {
      self->probe_buffer_size = g_bytes_get_size (self->message) + PROBE_OVERHEAD;
      self->probe_buffer = g_malloc (self->probe_buffer_size);
    }
  self->broadcasts = _chorus_link_get_broadcasts ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, G_MAXUINT16 + 1);
  /* A link-scope group is only defined together with its link. */
  self->destination = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                    "address", chorus_group_get_address (group),
                                    "port", self->port,
                                    "scope-id", chorus_group_needs_interface (group) ? ifindex : 0,
                                    NULL);

  /* Draining acks outranks drawing: a burst is read into memory first and
   * the views catch up afterwards. */
  context = g_main_context_ref_thread_default ();
  _chorus_reader_start (&self->reader, self->socket, context, self->cancellable, TRUE,
                        _chorus_sender_on_socket_readable, self);
  g_main_context_unref (context);

  self->running = TRUE;
  serial = ++self->run_serial;

  if (!send_probe (self, error))
    {
      _chorus_sender_clear_run (self);
      self->running = FALSE;
      g_object_thaw_notify (G_OBJECT (self));
      return FALSE;
    }

  /* A ::probe-sent handler stopped the run (and may have started another). */
  if (self->run_serial != serial || !self->running)
    {
      g_object_thaw_notify (G_OBJECT (self));
      return TRUE;
    }

  self->tick_id = add_timeout (self->update_interval / 1000.0, on_tick, self);

  if (self->run_count != 1)
    self->probe_id = add_timeout (self->interval, on_probe_timer, self);
  else
    schedule_deadline (self);

  g_object_notify_by_pspec (G_OBJECT (self), _chorus_sender_properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * chorus_sender_stop:
 *
 * Ends the run now; ::finished is emitted if one was going.
 */
void
chorus_sender_stop (ChorusSender *self)
{
  g_return_if_fail (CHORUS_IS_SENDER (self));

  finish (self);
}
