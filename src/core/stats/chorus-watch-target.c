/* chorus-watch-target.c: one stream to watch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-watch-target.h"

ChorusWatchTarget *
chorus_watch_target_new (const char *group,
                         guint16     port)
{
  ChorusWatchTarget *target = g_new0 (ChorusWatchTarget, 1);

  g_return_val_if_fail (group != NULL, NULL);

  target->group = g_strdup (group);
  target->port = port;
  target->kind = CHORUS_FLOW_KIND_AUTO;
  target->payload_type = -1;

  return target;
}

ChorusWatchTarget *
chorus_watch_target_copy (const ChorusWatchTarget *target)
{
  ChorusWatchTarget *copy;

  g_return_val_if_fail (target != NULL, NULL);

  copy = g_memdup2 (target, sizeof *target);
  copy->group = g_strdup (target->group);
  copy->sources = g_strdup (target->sources);
  copy->excluded = g_strdup (target->excluded);
  copy->encoding = g_strdup (target->encoding);
  copy->media = g_strdup (target->media);
  copy->mid = g_strdup (target->mid);

  return copy;
}

void
chorus_watch_target_free (ChorusWatchTarget *target)
{
  if (target == NULL)
    return;

  g_free (target->group);
  g_free (target->sources);
  g_free (target->excluded);
  g_free (target->encoding);
  g_free (target->media);
  g_free (target->mid);
  g_free (target);
}

/* Splits "G:P", "[G6]:P", "G6" or "G" into the group text and the port. */
static gboolean
split_port (const char  *item,
            char       **group,
            guint16     *port,
            GError     **error)
{
  const char *colon = NULL;

  if (item[0] == '[')
    {
      const char *close = strchr (item, ']');

      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("“%s” is not a group: write an IPv6 group with a port as "
                         "[ff15::1]:5004"),
                       item);
          return FALSE;
        }
      *group = g_strndup (item + 1, close - item - 1);
      colon = close[1] == ':' ? close + 1 : NULL;
    }
  else if ((colon = strchr (item, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    {
      *group = g_strndup (item, colon - item);
    }
  else
    {
      /* No colon, or an IPv6 group without a port. */
      *group = g_strdup (item);
      colon = NULL;
    }

  if (colon != NULL && !chorus_parse_port (colon + 1, port, error))
    {
      g_clear_pointer (group, g_free);
      return FALSE;
    }

  return TRUE;
}

GPtrArray *
chorus_watch_target_parse_list (const char *text,
                                guint16     default_port,
                                guint       max_targets,
                                GError    **error)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (
    (GDestroyNotify) chorus_watch_target_free);
  g_auto(GStrv) items = g_strsplit_set (text ? text : "", ", \t\n\v\f\r", -1);

  g_return_val_if_fail (max_targets > 0, NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *group_text = NULL;
      g_autoptr(GPtrArray) groups = NULL;
      guint16 port = default_port;

      if (items[i][0] == '\0')
        continue;
      if (!split_port (items[i], &group_text, &port, error))
        return NULL;
      groups = chorus_group_parse_list (group_text, max_targets, error);
      if (groups == NULL)
        return NULL;

      for (guint j = 0; j < groups->len; j++)
        {
          g_autofree char *name = chorus_group_to_string (g_ptr_array_index (groups, j));

          if (targets->len >= max_targets)
            {
              g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("At most %u groups can be watched at once"), max_targets);
              return NULL;
            }
          g_ptr_array_add (targets, chorus_watch_target_new (name, port));
        }
    }

  if (targets->len == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("Enter a multicast group to watch, such as 239.1.1.1:5004"));
      return NULL;
    }

  return g_steal_pointer (&targets);
}
