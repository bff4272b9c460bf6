/* chorus-receiver-join.c: the run's groups, sources and memberships
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>

#include "chorus-receiver-private.h"

static void
join_free (ChorusJoin *join)
{
  chorus_group_unref (join->group);
  g_object_unref (join->membership);
  g_free (join);
}

static guint
join_key_hash (gconstpointer key)
{
  const guint8 *bytes = key;
  guint hash = 5381;

  for (guint i = 0; i < 17; i++)
    hash = hash * 33 + bytes[i];

  return hash;
}

static gboolean
join_key_equal (gconstpointer a,
                gconstpointer b)
{
  return memcmp (a, b, 17) == 0;
}

/* Joins @join on @socket: for each of the included sources, or for any
 * source with the excluded ones kept out. The group is joined if any
 * join worked; the first failure is its problem. */
static gboolean
join_on (ChorusReceiver  *self,
         ChorusJoin      *join,
         GSocket         *socket,
         guint            ifindex,
         gboolean        *no_room,
         GError         **error)
{
  GInetAddress *address = chorus_group_get_address (join->group);
  g_autoptr(GError) first_error = NULL;
  gboolean joined = FALSE;

  *no_room = FALSE;

  if (self->include->len == 0)
    {
      if (!_chorus_socket_join (socket, address, NULL, ifindex, no_room, error))
        return FALSE;

      for (guint i = 0; i < self->exclude->len; i++)
        if (!_chorus_socket_block_source (socket, address, g_ptr_array_index (self->exclude, i),
                                          ifindex, first_error ? NULL : &first_error))
          continue;

      _chorus_membership_set_problem (join->membership,
                                      first_error ? first_error->message : NULL);
      return TRUE;
    }

  for (guint i = 0; i < self->include->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean full = FALSE;

      if (_chorus_socket_join (socket, address, g_ptr_array_index (self->include, i), ifindex,
                               &full, &local_error))
        {
          joined = TRUE;
          continue;
        }

      /* No room for the group at all: another socket may have some. */
      if (full && !joined && i == 0)
        {
          *no_room = TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (!joined)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  _chorus_membership_set_problem (join->membership, first_error ? first_error->message : NULL);
  return TRUE;
}

/* Joins every group of the run, opening sockets as needed. A group that
 * cannot be joined is reported in its membership and the others go on;
 * only when none can be joined, or a socket cannot be had at all, does
 * this fail. */
gboolean
_chorus_receiver_join_all (ChorusReceiver  *self,
                           GSocketFamily    family,
                           GError         **error)
{
  g_autoptr(GError) first_error = NULL;
  guint n_joined = 0;

  if (_chorus_receiver_add_listener (self, family, error) == NULL)
    return FALSE;

  for (guint i = 0; i < self->joins->len; i++)
    {
      ChorusJoin *join = g_ptr_array_index (self->joins, i);
      ChorusListener *listener = g_ptr_array_index (self->listeners, self->listeners->len - 1);
      g_autoptr(GError) local_error = NULL;
      gboolean no_room;

      if (!join_on (self, join, listener->socket, join->ifindex, &no_room, &local_error)
          && no_room)
        {
          g_clear_error (&local_error);
          listener = _chorus_receiver_add_listener (self, family, error);
          if (listener == NULL)
            return FALSE;
          join_on (self, join, listener->socket, join->ifindex, &no_room, &local_error);
        }

      if (local_error != NULL)
        {
          _chorus_membership_set_problem (join->membership, local_error->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }

      join->socket = listener->socket;
      _chorus_membership_set_joined (join->membership, TRUE);
      n_joined++;
    }

  if (n_joined == 0)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

void
_chorus_receiver_update_broadcasts (ChorusReceiver *self)
{
  g_autoptr(GArray) broadcasts = _chorus_link_get_broadcasts ();

  chorus_reply_guard_set_broadcasts (self->guard, (const guint32 *) (void *) broadcasts->data,
                                     broadcasts->len);
}

/* An interface or address changed: if ours went away or down, say so; when
 * it is back, join again (on its new index, if it was made anew). */
gboolean
_chorus_receiver_on_links_changed (gpointer user_data)
{
  ChorusReceiver *self = CHORUS_RECEIVER (user_data);
  g_autoptr(GError) error = NULL;
  const char *watched;
  ChorusLinkState state;
  guint ifindex;

  _chorus_receiver_update_broadcasts (self);

  /* The interface chosen, or else the one a group names (ff02::1%eth0). */
  watched = self->interface;
  if (watched[0] == '\0' && self->joins != NULL && self->joins->len > 0)
    {
      ChorusJoin *first = g_ptr_array_index (self->joins, 0);

      if (chorus_group_get_interface (first->group) != NULL)
        watched = chorus_group_get_interface (first->group);
    }

  if (watched[0] == '\0')
    return G_SOURCE_CONTINUE;

  state = _chorus_link_get_state (watched, &ifindex);

  if (state != CHORUS_LINK_UP)
    {
      if (self->problem == NULL)
        {
          if (state == CHORUS_LINK_GONE)
            _chorus_receiver_set_problem (self, g_strdup_printf (_("The interface %s went away"), watched));
          else if (state == CHORUS_LINK_DOWN)
            _chorus_receiver_set_problem (self, g_strdup_printf (_("The interface %s is down"), watched));
          else
            _chorus_receiver_set_problem (self,
                                          g_strdup_printf (_("The interface %s has no link"), watched));
        }
      return G_SOURCE_CONTINUE;
    }

  if (self->problem == NULL && ifindex == self->ifindex)
    return G_SOURCE_CONTINUE;

  /* The kernel keeps a membership across down and up but not across the
   * interface's removal; leaving first makes both cases one. Groups that
   * could not be joined at the start stay as they are. */
  for (guint i = 0; i < self->joins->len; i++)
    {
      ChorusJoin *join = g_ptr_array_index (self->joins, i);
      g_autoptr(GError) local_error = NULL;
      gboolean no_room;

      if (join->socket == NULL)
        continue;

      _chorus_socket_leave (join->socket, chorus_group_get_address (join->group), join->ifindex);
      join->ifindex = ifindex;
      if (!join_on (self, join, join->socket, ifindex, &no_room, &local_error) && error == NULL)
        error = g_steal_pointer (&local_error);
    }

  self->ifindex = ifindex;
  if (error != NULL)
    {
      _chorus_receiver_set_problem (self, g_strdup (error->message));
      return G_SOURCE_CONTINUE;
    }

  _chorus_receiver_set_problem (self, NULL);

  return G_SOURCE_CONTINUE;
}

/* Addresses separated by commas or white space, each of @family. */
static GPtrArray *
parse_sources (const char     *text,
               GSocketFamily   family,
               GError        **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) words = g_strsplit_set (text != NULL ? text : "", ", \t\n", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      GInetAddress *source;

      if (words[i][0] == '\0')
        continue;

      source = chorus_parse_source (words[i], family, error);
      if (source == NULL)
        return NULL;
      g_ptr_array_add (sources, source);
    }

  return g_steal_pointer (&sources);
}

/* Everything about the settings that can be wrong before a socket is
 * opened: groups, interface, sources. Fills the run's joins. */
gboolean
_chorus_receiver_prepare_run (ChorusReceiver  *self,
                              GSocketFamily   *family,
                              GError         **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  guint ifindex;

  groups = chorus_group_parse_list (self->group, CHORUS_RECEIVER_MAX_GROUPS, error);
  if (groups == NULL)
    return FALSE;

  if (!chorus_parse_interface (self->interface, &ifindex, error))
    return FALSE;

  *family = chorus_group_get_family (g_ptr_array_index (groups, 0));
  self->include = parse_sources (self->include_sources, *family, error);
  if (self->include == NULL)
    return FALSE;
  self->exclude = parse_sources (self->exclude_sources, *family, error);
  if (self->exclude == NULL)
    return FALSE;

  if (self->include->len > 0 && self->exclude->len > 0)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("Give either the sources to receive from or the sources to keep "
                             "out, not both"));
      return FALSE;
    }

  self->ifindex = ifindex;
  self->joins = g_ptr_array_new_with_free_func ((GDestroyNotify) join_free);
  self->join_table = g_hash_table_new (join_key_hash, join_key_equal);

  for (guint i = 0; i < groups->len; i++)
    {
      ChorusGroup *group = g_ptr_array_index (groups, i);
      GInetAddress *address = chorus_group_get_address (group);
      g_autofree char *text = chorus_group_to_string (group);
      gsize size = g_inet_address_get_native_size (address);
      guint group_ifindex = ifindex != 0 ? ifindex : chorus_group_get_ifindex (group);
      ChorusJoin *join;

      if (!chorus_check_group_interface (group, group_ifindex, error))
        return FALSE;

      if (chorus_group_is_source_specific (group) && self->include->len == 0)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       _("%s is a source-specific group: name the sources to receive it from"),
                       text);
          return FALSE;
        }

      if (chorus_group_is_source_specific (group) && self->exclude->len > 0)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                       _("%s is a source-specific group: it is received from the sources "
                         "named for it, and none can be kept out"),
                       text);
          return FALSE;
        }

      join = g_new0 (ChorusJoin, 1);
      join->group = chorus_group_ref (group);
      join->text = g_intern_string (text);
      join->membership = _chorus_membership_new (text);
      join->ifindex = group_ifindex;
      join->key[0] = size;
      memcpy (join->key + 1, g_inet_address_to_bytes (address), MIN (size, 16));

      /* The same group twice is one membership. */
      if (g_hash_table_contains (self->join_table, join->key))
        {
          join_free (join);
          continue;
        }

      g_ptr_array_add (self->joins, join);
      g_hash_table_insert (self->join_table, join->key, join);
    }

  return TRUE;
}
