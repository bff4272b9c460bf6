/* chorus-gmp-proc.c: what /proc tells an unprivileged process about
 * IGMP and MLD on this host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The formats, as net/ipv4/igmp.c and net/ipv6/mcast.c print them:
 *
 *   /proc/net/igmp       "%d\t%-10s: %5d %7s" per interface (index, name,
 *                        count, Querier), then "\t\t\t\t%08X %5d %d:%08lX\t\t%d"
 *                        per group: the address as the 32-bit number its
 *                        network-order bytes make in host byte order
 *                        (224.0.0.1 is 010000E0 on x86), users, timer,
 *                        reporter
 *   /proc/net/igmp6      "%-4d %-15s %pi6 %5d %08X %ld": index, name,
 *                        address in 32 hex digits, users, flags, timer
 *   /proc/net/mcfilter   a header, then "%3d %6.6s 0x%08x 0x%08x %6lu %6lu":
 *                        index, name cut to 6 characters, group and source
 *                        in network order, include and exclude counts
 *   /proc/net/mcfilter6  the same with %pi6 addresses
 *
 * Names may be cut, so interfaces are matched by index.
 */

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-gmp-proc.h"

static void
source_free (ChorusGmpProcSource *source)
{
  g_free (source->address);
  g_free (source);
}

static void
group_free (ChorusGmpProcGroup *group)
{
  g_ptr_array_unref (group->sources);
  g_free (group->group);
  g_free (group);
}

static void
link_free (ChorusGmpProcLink *link)
{
  g_ptr_array_unref (link->groups);
  g_free (link->name);
  g_free (link);
}

ChorusGmpProc *
chorus_gmp_proc_new (void)
{
  ChorusGmpProc *proc = g_new0 (ChorusGmpProc, 1);

  proc->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);

  return proc;
}

void
chorus_gmp_proc_free (ChorusGmpProc *proc)
{
  if (proc == NULL)
    return;

  g_ptr_array_unref (proc->links);
  g_free (proc);
}

ChorusGmpProcLink *
chorus_gmp_proc_lookup (ChorusGmpProc *proc,
                        guint          ifindex)
{
  g_return_val_if_fail (proc != NULL, NULL);

  for (guint i = 0; i < proc->links->len; i++)
    {
      ChorusGmpProcLink *link = g_ptr_array_index (proc->links, i);

      if (link->ifindex == ifindex)
        return link;
    }

  return NULL;
}

/* The link of @ifindex; made if new, and named @name unless it has a
 * longer name already (mcfilter cuts names). */
static ChorusGmpProcLink *
ensure_link (ChorusGmpProc *proc,
             guint          ifindex,
             const char    *name)
{
  ChorusGmpProcLink *link = chorus_gmp_proc_lookup (proc, ifindex);

  if (link == NULL)
    {
      link = g_new0 (ChorusGmpProcLink, 1);
      link->ifindex = ifindex;
      link->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
      g_ptr_array_add (proc->links, link);
    }
  if (link->name == NULL || strlen (name) > strlen (link->name))
    {
      g_free (link->name);
      link->name = g_strdup (name);
    }

  return link;
}

static ChorusGmpProcGroup *
ensure_group (ChorusGmpProcLink *link,
              int                family,
              const char        *address)
{
  ChorusGmpProcGroup *group;

  for (guint i = 0; i < link->groups->len; i++)
    {
      group = g_ptr_array_index (link->groups, i);
      if (group->family == family && g_str_equal (group->group, address))
        return group;
    }

  group = g_new0 (ChorusGmpProcGroup, 1);
  group->family = family;
  group->group = g_strdup (address);
  group->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) source_free);
  g_ptr_array_add (link->groups, group);

  return group;
}

static gboolean
bad_line (GError    **error,
          const char *file,
          guint       number,
          const char *line)
{
  g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED,
               "Line %u of %s does not read as the kernel writes it: “%s”", number, file, line);
  return FALSE;
}

static gboolean
parse_uint (const char *text,
            int         base,
            guint64     max,
            guint64    *value)
{
  char *end = NULL;
  guint64 parsed;

  if (text == NULL || text[0] == '\0' || text[0] == '-' || text[0] == '+')
    return FALSE;
  if (base == 16 && g_str_has_prefix (text, "0x"))
    text += 2;
  if (!g_ascii_isxdigit (text[0]))
    return FALSE;

  parsed = g_ascii_strtoull (text, &end, base);
  if (end == text || *end != '\0' || parsed > max)
    return FALSE;

  *value = parsed;
  return TRUE;
}

static char *
ipv4_text (guint32 network_order)
{
  g_autoptr(GInetAddress) address
    = g_inet_address_new_from_bytes ((const guint8 *) &network_order, G_SOCKET_FAMILY_IPV4);

  return g_inet_address_to_string (address);
}

/* 32 hex digits, as %pi6 prints them. */
static char *
ipv6_text (const char *hex)
{
  guint8 bytes[16];
  g_autoptr(GInetAddress) address = NULL;

  if (strlen (hex) != 32)
    return NULL;
  for (guint i = 0; i < 16; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return NULL;
      bytes[i] = (guint8) (high << 4 | low);
    }
  address = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);

  return g_inet_address_to_string (address);
}

/* The fields of a line, split on blanks. */
static char **
fields_of (const char *line)
{
  g_auto(GStrv) parts = g_strsplit_set (line, " \t", -1);
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (fields, g_strdup (parts[i]));
  g_ptr_array_add (fields, NULL);

  return (char **) g_ptr_array_free (fields, FALSE);
}

gboolean
chorus_gmp_proc_add_igmp (ChorusGmpProc  *proc,
                          const char     *text,
                          GError        **error)
{
  g_auto(GStrv) lines = NULL;
  ChorusGmpProcLink *link = NULL;

  g_return_val_if_fail (proc != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  lines = g_strsplit (text, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      g_auto(GStrv) fields = fields_of (lines[n]);
      guint n_fields = g_strv_length (fields);
      guint64 index, count, users, group;

      if (n_fields == 0 || (n == 0 && g_str_equal (fields[0], "Idx")))
        continue;

      if (lines[n][0] != '\t')
        {
          /* "2\teth0      :     1      V3"; a name of ten characters or
           * more has the colon right after it. */
          char *name = fields[1];
          guint next = 2;
          gsize length;

          if (n_fields < 4 || !parse_uint (fields[0], 10, G_MAXUINT, &index))
            return bad_line (error, "/proc/net/igmp", n + 1, lines[n]);
          length = strlen (name);
          if (length > 1 && name[length - 1] == ':')
            name[length - 1] = '\0';
          else if (g_str_equal (fields[2], ":"))
            next = 3;
          else
            return bad_line (error, "/proc/net/igmp", n + 1, lines[n]);
          if (next + 1 >= n_fields || !parse_uint (fields[next], 10, G_MAXUINT, &count)
              || strlen (fields[next + 1]) != 2 || fields[next + 1][0] != 'V'
              || fields[next + 1][1] < '1' || fields[next + 1][1] > '3')
            return bad_line (error, "/proc/net/igmp", n + 1, lines[n]);

          link = ensure_link (proc, (guint) index, name);
          link->igmp_querier_version = (guint) (fields[next + 1][1] - '0');
        }
      else
        {
          g_autofree char *address = NULL;
          guint32 value;

          if (link == NULL || n_fields < 2 || strlen (fields[0]) != 8
              || !parse_uint (fields[0], 16, G_MAXUINT32, &group)
              || !parse_uint (fields[1], 10, G_MAXUINT, &users))
            return bad_line (error, "/proc/net/igmp", n + 1, lines[n]);

          /* Host byte order: the bytes as they lie in memory. */
          value = (guint32) group;
          address = ipv4_text (value);
          ensure_group (link, G_SOCKET_FAMILY_IPV4, address)->users = (guint) users;
        }
    }

  return TRUE;
}

gboolean
chorus_gmp_proc_add_igmp6 (ChorusGmpProc  *proc,
                           const char     *text,
                           GError        **error)
{
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (proc != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  lines = g_strsplit (text, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      g_auto(GStrv) fields = fields_of (lines[n]);
      g_autofree char *address = NULL;
      guint64 index, users;
      ChorusGmpProcLink *link;

      if (fields[0] == NULL)
        continue;
      if (g_strv_length (fields) < 4 || !parse_uint (fields[0], 10, G_MAXUINT, &index)
          || (address = ipv6_text (fields[2])) == NULL
          || !parse_uint (fields[3], 10, G_MAXUINT, &users))
        return bad_line (error, "/proc/net/igmp6", n + 1, lines[n]);

      link = ensure_link (proc, (guint) index, fields[1]);
      ensure_group (link, G_SOCKET_FAMILY_IPV6, address)->users = (guint) users;
    }

  return TRUE;
}

static gboolean
add_mcfilter (ChorusGmpProc  *proc,
              const char     *text,
              int             family,
              GError        **error)
{
  const char *file = family == G_SOCKET_FAMILY_IPV4 ? "/proc/net/mcfilter" : "/proc/net/mcfilter6";
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint n = 0; lines[n] != NULL; n++)
    {
      g_auto(GStrv) fields = fields_of (lines[n]);
      g_autofree char *group = NULL;
      g_autofree char *source = NULL;
      guint64 index, include, exclude;
      ChorusGmpProcSource *entry;

      if (fields[0] == NULL || (n == 0 && g_str_equal (fields[0], "Idx")))
        continue;
      if (g_strv_length (fields) < 6 || !parse_uint (fields[0], 10, G_MAXUINT, &index)
          || !parse_uint (fields[4], 10, G_MAXUINT64, &include)
          || !parse_uint (fields[5], 10, G_MAXUINT64, &exclude))
        return bad_line (error, file, n + 1, lines[n]);

      if (family == G_SOCKET_FAMILY_IPV4)
        {
          guint64 g, s;

          if (!g_str_has_prefix (fields[2], "0x") || !g_str_has_prefix (fields[3], "0x")
              || !parse_uint (fields[2], 16, G_MAXUINT32, &g)
              || !parse_uint (fields[3], 16, G_MAXUINT32, &s))
            return bad_line (error, file, n + 1, lines[n]);
          group = ipv4_text (GUINT32_TO_BE ((guint32) g));
          source = ipv4_text (GUINT32_TO_BE ((guint32) s));
        }
      else if ((group = ipv6_text (fields[2])) == NULL || (source = ipv6_text (fields[3])) == NULL)
        return bad_line (error, file, n + 1, lines[n]);

      entry = g_new0 (ChorusGmpProcSource, 1);
      entry->address = g_steal_pointer (&source);
      entry->include = include;
      entry->exclude = exclude;
      g_ptr_array_add (ensure_group (ensure_link (proc, (guint) index, fields[1]), family, group)
                         ->sources,
                       entry);
    }

  return TRUE;
}

gboolean
chorus_gmp_proc_add_mcfilter (ChorusGmpProc  *proc,
                              const char     *text,
                              GError        **error)
{
  g_return_val_if_fail (proc != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  return add_mcfilter (proc, text, G_SOCKET_FAMILY_IPV4, error);
}

gboolean
chorus_gmp_proc_add_mcfilter6 (ChorusGmpProc  *proc,
                               const char     *text,
                               GError        **error)
{
  g_return_val_if_fail (proc != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  return add_mcfilter (proc, text, G_SOCKET_FAMILY_IPV6, error);
}

gboolean
chorus_gmp_proc_parse_snmp6 (const char *text,
                             const char *name,
                             guint64    *value)
{
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  lines = g_strsplit (text, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      g_auto(GStrv) fields = fields_of (lines[n]);

      if (fields[0] != NULL && fields[1] != NULL && g_str_equal (fields[0], name))
        return parse_uint (fields[1], 10, G_MAXUINT64, value);
    }

  return FALSE;
}

int
chorus_gmp_proc_parse_force_version (const char *text)
{
  g_autofree char *stripped = NULL;
  guint64 value;

  g_return_val_if_fail (text != NULL, -1);

  stripped = g_strstrip (g_strdup (text));
  if (!parse_uint (stripped, 10, 3, &value))
    return -1;

  return (int) value;
}
