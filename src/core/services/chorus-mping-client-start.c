/* chorus-mping-client-start.c: the server, the group and the socket of a run; start and stop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "chorus-mping-client-private.h"

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
      && !_chorus_mping_client_ssmping_serves_group (chorus_group_get_address (group)))
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

  _chorus_mping_client_clear_run (self);
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
    self->unicast = _chorus_mping_client_new_path (address, CHORUS_MPING_PATH_UNICAST);
    self->multicast = _chorus_mping_client_new_path (address, CHORUS_MPING_PATH_MULTICAST);
  }
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_UNICAST]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_MULTICAST]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_N_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_PROTOCOL_USED]);

  if (!open_socket (self, group, ifindex, error))
    {
      _chorus_mping_client_clear_run (self);
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
                        _chorus_mping_client_on_socket_readable, self);
  g_main_context_unref (context);

  self->running = TRUE;
  serial = ++self->run_serial;
  self->tick_id = _chorus_mping_client_add_timeout (TICK_MSEC / 1000.0, _chorus_mping_client_on_tick, self);
  g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));

  switch (self->run_protocol)
    {
    case CHORUS_MPING_PROTOCOL_SSMPING:
      _chorus_mping_client_choose_protocol (self, CHORUS_MPING_PROTOCOL_SSMPING);
      if (self->running && self->run_serial == serial)
        _chorus_mping_client_start_queries (self);
      break;

    case CHORUS_MPING_PROTOCOL_AUTO:
      if (!_chorus_mping_client_send_init (self, &local_error))
        break;
      self->fallback_id = _chorus_mping_client_add_timeout (CHORUS_MPING_PROBE_SECONDS, _chorus_mping_client_on_fallback, self);
      break;

    case CHORUS_MPING_PROTOCOL_RFC6450:
    default:
      self->n_inits = 1;
      if (!_chorus_mping_client_send_init (self, &local_error))
        break;
      self->query_id = _chorus_mping_client_add_timeout (self->run_interval, _chorus_mping_client_on_init_timer, self);
      break;
    }

  /* Nothing could be sent at all: the run did not start. */
  if (local_error != NULL)
    {
      _chorus_mping_client_clear_run (self);
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_client_properties[PROP_RUNNING]);
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

  _chorus_mping_client_finish (self);
}
