/* chorus-address.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <net/if.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-text.h"

struct _ChorusGroup
{
  GInetAddress *address;
  GInetAddress *source;
  /* The zone, "%eth0" in ff02::1%eth0: the interface by name and index,
   * or NULL and 0. */
  char *interface;
  guint ifindex;
};

G_DEFINE_BOXED_TYPE (ChorusGroup, chorus_group, chorus_group_ref, chorus_group_unref)

static ChorusGroup *
chorus_group_new (GInetAddress *address,
                  GInetAddress *source,
                  const char   *interface,
                  guint         ifindex)
{
  ChorusGroup *self = g_atomic_rc_box_new0 (ChorusGroup);

  self->address = g_object_ref (address);
  self->source = source ? g_object_ref (source) : NULL;
  self->interface = g_strdup (interface);
  self->ifindex = ifindex;

  return self;
}

static void
chorus_group_clear (ChorusGroup *self)
{
  g_clear_object (&self->address);
  g_clear_object (&self->source);
  g_clear_pointer (&self->interface, g_free);
}

ChorusGroup *
chorus_group_ref (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
chorus_group_unref (ChorusGroup *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) chorus_group_clear);
}

/* What a person typed, as an error message may quote it: one line, no
 * control characters, and short, whatever was pasted. A long text is cut
 * after at most 39 characters, never inside an escape, so that what is
 * shown still reads back as chorus_text_escape() says. */
static char *
shown_input (const char *stripped)
{
  g_autofree char *escaped = chorus_text_escape ((const guint8 *) stripped, strlen (stripped));
  const char *p = escaped;
  guint n_chars = 0;

  if (g_utf8_strlen (escaped, -1) <= 40)
    return g_steal_pointer (&escaped);

  while (*p != '\0')
    {
      const char *next = g_utf8_next_char (p);
      guint width = 1;

      /* An escape is ASCII, one byte a character, and goes whole. */
      if (*p == '\\')
        {
          if (p[1] == 'x')
            next = p + 4;
          else if (p[1] == 'u')
            next = strchr (p, '}') + 1;
          else
            next = p + 2;
          width = next - p;
        }

      if (n_chars + width > 39)
        break;
      n_chars += width;
      p = next;
    }

  /* The cut keeps escaped[0, p); the ellipsis says there was more. */
  escaped[p - escaped] = '\0';
  return g_strconcat (escaped, "…", NULL);
}

/* The index of the interface called exactly @name, or 0. The kernel
 * drops an alias label ("lo:x" finds lo): only the name itself counts. */
static guint
interface_index (const char *name)
{
  char found_name[IF_NAMESIZE];
  guint index;

  if (strlen (name) >= IF_NAMESIZE)
    return 0;

  index = if_nametoindex (name);
  if (index != 0 && (if_indextoname (index, found_name) == NULL || strcmp (found_name, name) != 0))
    return 0;

  return index;
}

/* The zone of an IPv6 group, the text after "%": an interface name, or
 * its index in decimal. */
static gboolean
parse_zone (const char  *zone,
            const char  *shown,
            char       **interface,
            guint       *ifindex,
            GError     **error)
{
  g_autofree char *shown_zone = shown_input (zone);
  char name[IF_NAMESIZE];

  if (zone[0] == '\0')
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("“%s” ends with “%%”: give an interface after it, as in ff02::4242%%eth0"),
                   shown);
      return FALSE;
    }

  if (strspn (zone, "0123456789") == strlen (zone))
    {
      guint64 index = g_ascii_strtoull (zone, NULL, 10);

      if (index == 0 || index > G_MAXUINT || if_indextoname ((guint) index, name) == NULL)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("This computer has no network interface number %s (in %s)"), shown_zone,
                       shown);
          return FALSE;
        }

      *interface = g_strdup (name);
      *ifindex = (guint) index;
      return TRUE;
    }

  *ifindex = interface_index (zone);
  if (*ifindex == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("This computer has no network interface called “%s” (in %s)"), shown_zone,
                   shown);
      return FALSE;
    }

  *interface = g_strdup (zone);
  return TRUE;
}

/**
 * chorus_group_parse:
 * @text: what a person typed, such as "224.3.29.71" or "ff02::4242%eth0"
 * @error: a location for a #GError
 *
 * Validates @text as a multicast group: an IPv4 group in 224.0.0.0/4 or
 * an IPv6 group in ff00::/8. An IPv6 group may name an interface after a
 * "%" (its zone), by name or by index; that interface must exist. An
 * IPv4 group takes no zone. Surrounding white space is ignored. The error
 * message says what is wrong and what would be right.
 *
 * Returns: (transfer full) (nullable): the group, or %NULL with @error set
 */
ChorusGroup *
chorus_group_parse (const char  *text,
                    GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *interface = NULL;
  guint ifindex = 0;
  char *zone;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (text ? text : ""));
  shown = shown_input (stripped);

  if (stripped[0] == '\0')
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("Enter a multicast group, such as %s"), CHORUS_DEFAULT_GROUP);
      return NULL;
    }

  /* The address ends where the zone begins. */
  zone = strchr (stripped, '%');
  if (zone != NULL)
    *zone++ = '\0';

  address = g_inet_address_new_from_string (stripped);

  if (address == NULL)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("“%s” is not an IP address: enter a multicast group such as %s"), shown,
                   CHORUS_DEFAULT_GROUP);
      return NULL;
    }

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      /* ff00::/8 */
      if (!g_inet_address_get_is_multicast (address))
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("%s is not a multicast address: IPv6 groups start with ff"), shown);
          return NULL;
        }

      if (zone != NULL && !parse_zone (zone, shown, &interface, &ifindex, error))
        return NULL;

      return chorus_group_new (address, NULL, interface, ifindex);
    }

  /* 224.0.0.0/4: the top four bits are 1110. */
  if (!g_inet_address_get_is_multicast (address))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("%s is not a multicast address: IPv4 groups are 224.0.0.0 to 239.255.255.255"),
                   shown);
      return NULL;
    }

  if (zone != NULL)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("%s: only IPv6 groups name an interface after “%%”; choose the interface "
                     "of an IPv4 group on its own (-I on the command line)"),
                   shown);
      return NULL;
    }

  return chorus_group_new (address, NULL, NULL, 0);
}

/* @group moved on by @n addresses, with the same zone; %NULL if that
 * leaves its block: IPv4 multicast space, or for IPv6 the group's own
 * flags and scope (the first two bytes, which a carry would change). */
static ChorusGroup *
group_offset (ChorusGroup *group,
              guint64      n)
{
  g_autoptr(GInetAddress) address = NULL;
  const guint8 *bytes = g_inet_address_to_bytes (group->address);
  guint8 moved[16];

  if (chorus_group_get_family (group) == G_SOCKET_FAMILY_IPV4)
    {
      guint64 value = ((guint64) bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];

      value += n;
      if (value > 0xefffffff)
        return NULL;

      for (guint i = 0; i < 4; i++)
        moved[i] = (guint8) (value >> (8 * (3 - i)));
      address = g_inet_address_new_from_bytes (moved, G_SOCKET_FAMILY_IPV4);
    }
  else
    {
      guint64 carry = n;

      memcpy (moved, bytes, 16);
      for (int i = 15; i >= 2 && carry != 0; i--)
        {
          carry += moved[i];
          moved[i] = (guint8) (carry & 0xff);
          carry >>= 8;
        }
      if (carry != 0)
        return NULL;

      address = g_inet_address_new_from_bytes (moved, G_SOCKET_FAMILY_IPV6);
    }

  return chorus_group_new (address, group->source, group->interface, group->ifindex);
}

static gboolean
add_list_item (GPtrArray   *groups,
               GHashTable  *seen,
               const char  *item,
               guint        max_groups,
               GError     **error)
{
  g_autofree char *shown = shown_input (item);
  g_autofree char *group_text = NULL;
  g_autoptr(ChorusGroup) first = NULL;
  const char *plus = strrchr (item, '+');
  guint64 more = 0;

  if (plus != NULL)
    {
      const char *count = plus + 1;

      if (count[0] == '\0' || strspn (count, "0123456789") != strlen (count))
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("“%s”: after “+” give how many more groups follow, as in 239.1.1.1+9"),
                       shown);
          return FALSE;
        }
      if (plus == item)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("“%s”: give the first group before “+”, as in 239.1.1.1+9"), shown);
          return FALSE;
        }

      /* Past max_groups the exact number no longer matters. */
      more = strlen (count) > 12 ? G_MAXUINT64 : g_ascii_strtoull (count, NULL, 10);
      if (more >= max_groups)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("%s is more groups than the %u a list may have"), shown, max_groups);
          return FALSE;
        }

      group_text = g_strndup (item, plus - item);
    }
  else
    {
      group_text = g_strdup (item);
    }

  if (!(first = chorus_group_parse (group_text, error)))
    return FALSE;

  if (groups->len > 0
      && chorus_group_get_family (g_ptr_array_index (groups, 0)) != chorus_group_get_family (first))
    {
      g_autofree char *earlier = chorus_group_to_string (g_ptr_array_index (groups, 0));

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("%s and %s are not both IPv4 or both IPv6: the groups of one list share "
                     "one socket, so give groups of one family"),
                   earlier, shown);
      return FALSE;
    }

  for (guint64 i = 0; i <= more; i++)
    {
      g_autoptr(ChorusGroup) group = i == 0 ? chorus_group_ref (first) : group_offset (first, i);
      char *text;

      if (group == NULL)
        {
          if (chorus_group_get_family (first) == G_SOCKET_FAMILY_IPV4)
            g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                         _("%s goes past 239.255.255.255, the last IPv4 group"), shown);
          else
            {
              g_autoptr(GInetAddress) last = NULL;
              g_autofree char *last_text = NULL;
              guint8 bytes[16];

              /* The last group with the same flags and scope. */
              memcpy (bytes, g_inet_address_to_bytes (first->address), 2);
              memset (bytes + 2, 0xff, 14);
              last = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
              last_text = g_inet_address_to_string (last);
              g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                           _("%s goes past %s, the last group with the same flags and scope"),
                           shown, last_text);
            }
          return FALSE;
        }

      /* A group given twice is joined once: the first place counts. */
      text = chorus_group_to_string (group);
      if (!g_hash_table_add (seen, text))
        continue;

      if (groups->len == max_groups)
        {
          g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                       _("The list has more than %u groups: give %u at most"), max_groups,
                       max_groups);
          return FALSE;
        }

      g_ptr_array_add (groups, g_steal_pointer (&group));
    }

  return TRUE;
}

/**
 * chorus_group_parse_list:
 * @text: groups separated by commas and/or white space, such as
 *   "239.1.1.1, 239.1.1.7" or "ff15::1+3"
 * @max_groups: the most groups the list may hold, at least 1
 * @error: a location for a #GError
 *
 * Each item is a group as chorus_group_parse() takes it, or a range
 * GROUP+N: that group and the N that follow it (239.1.1.1+9 is ten
 * groups). A range counts up in the low bits; it must not leave IPv4
 * multicast space, or for IPv6 change the group's flags and scope. All
 * the groups are of one family, since one socket joins them. A group that
 * comes again is dropped: the list keeps its first place. Empty @text
 * fails as chorus_group_parse() does.
 *
 * Returns: (transfer full) (element-type ChorusGroup) (nullable): the
 *   groups in the order given, or %NULL with @error set
 */
GPtrArray *
chorus_group_parse_list (const char  *text,
                         guint        max_groups,
                         GError     **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_auto(GStrv) items = NULL;

  g_return_val_if_fail (max_groups > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The separators are g_strstrip()'s white space, and the comma. */
  items = g_strsplit_set (text ? text : "", ", \t\n\v\f\r", -1);
  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) chorus_group_unref);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      if (items[i][0] == '\0')
        continue;
      if (!add_list_item (groups, seen, items[i], max_groups, error))
        return NULL;
    }

  if (groups->len == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("Enter a multicast group, such as %s"), CHORUS_DEFAULT_GROUP);
      return NULL;
    }

  return g_steal_pointer (&groups);
}

/**
 * chorus_group_get_address:
 *
 * Returns: (transfer none): the group address
 */
GInetAddress *
chorus_group_get_address (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->address;
}

/**
 * chorus_group_get_source:
 *
 * Returns: (transfer none) (nullable): the source of a source-specific
 *   group, or %NULL for any-source multicast
 */
GInetAddress *
chorus_group_get_source (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source;
}

GSocketFamily
chorus_group_get_family (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, G_SOCKET_FAMILY_INVALID);

  return g_inet_address_get_family (self->address);
}

/**
 * chorus_group_get_interface:
 *
 * Returns: (nullable): the interface the group's zone names
 *   ("eth0" for ff02::1%eth0), or %NULL
 */
const char *
chorus_group_get_interface (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->interface;
}

/**
 * chorus_group_get_ifindex:
 *
 * Returns: the index of the interface the group's zone names, or 0
 */
guint
chorus_group_get_ifindex (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ifindex;
}

/**
 * chorus_group_get_scope:
 *
 * For IPv6, the scope field. For IPv4, by block: 224.0.0.0/24 is
 * link-local (RFC 5771), 239.255.0.0/16 site-local (the IPv4 Local Scope
 * of RFC 2365), 239.192.0.0/14 organization-local, the rest of 239.0.0.0/8
 * administrative, and every other group global.
 *
 * Returns: how far the group reaches
 */
ChorusScope
chorus_group_get_scope (ChorusGroup *self)
{
  const guint8 *bytes;

  g_return_val_if_fail (self != NULL, CHORUS_SCOPE_RESERVED);

  bytes = g_inet_address_to_bytes (self->address);

  if (chorus_group_get_family (self) == G_SOCKET_FAMILY_IPV6)
    {
      switch (bytes[1] & 0x0f)
        {
        case 0x1:
          return CHORUS_SCOPE_INTERFACE_LOCAL;
        case 0x2:
          return CHORUS_SCOPE_LINK_LOCAL;
        case 0x3:
          return CHORUS_SCOPE_REALM_LOCAL;
        case 0x4:
          return CHORUS_SCOPE_ADMIN_LOCAL;
        case 0x5:
          return CHORUS_SCOPE_SITE_LOCAL;
        case 0x8:
          return CHORUS_SCOPE_ORGANIZATION_LOCAL;
        case 0xe:
          return CHORUS_SCOPE_GLOBAL;
        default:
          return CHORUS_SCOPE_RESERVED;
        }
    }

  if (bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0)
    return CHORUS_SCOPE_LINK_LOCAL;
  if (bytes[0] == 239 && bytes[1] == 255)
    return CHORUS_SCOPE_SITE_LOCAL;
  if (bytes[0] == 239 && (bytes[1] & 0xfc) == 192)
    return CHORUS_SCOPE_ORGANIZATION_LOCAL;
  if (bytes[0] == 239)
    return CHORUS_SCOPE_ADMINISTRATIVE;

  return CHORUS_SCOPE_GLOBAL;
}

/**
 * chorus_scope_get_nick:
 *
 * Returns: the scope as a stable ASCII word for machines, such as
 *   "link-local"; never translated
 */
const char *
chorus_scope_get_nick (ChorusScope scope)
{
  static const char *const nicks[] = {
    [CHORUS_SCOPE_INTERFACE_LOCAL] = "interface-local",
    [CHORUS_SCOPE_LINK_LOCAL] = "link-local",
    [CHORUS_SCOPE_REALM_LOCAL] = "realm-local",
    [CHORUS_SCOPE_ADMIN_LOCAL] = "admin-local",
    [CHORUS_SCOPE_SITE_LOCAL] = "site-local",
    [CHORUS_SCOPE_ORGANIZATION_LOCAL] = "organization-local",
    [CHORUS_SCOPE_ADMINISTRATIVE] = "administrative",
    [CHORUS_SCOPE_GLOBAL] = "global",
    [CHORUS_SCOPE_RESERVED] = "reserved",
  };

  g_return_val_if_fail ((guint) scope < G_N_ELEMENTS (nicks), NULL);

  return nicks[scope];
}

/**
 * chorus_group_is_source_specific:
 *
 * Returns: %TRUE for a group of the source-specific multicast ranges of
 *   RFC 4607: 232.0.0.0/8, and ff3x::/96 (flags P and T set, prefix length
 *   and network prefix zero)
 */
gboolean
chorus_group_is_source_specific (ChorusGroup *self)
{
  const guint8 *bytes;

  g_return_val_if_fail (self != NULL, FALSE);

  bytes = g_inet_address_to_bytes (self->address);

  if (chorus_group_get_family (self) == G_SOCKET_FAMILY_IPV4)
    return bytes[0] == 232;

  if ((bytes[1] & 0xf0) != 0x30)
    return FALSE;
  for (guint i = 2; i < 12; i++)
    if (bytes[i] != 0)
      return FALSE;

  return TRUE;
}

/**
 * chorus_group_needs_interface:
 *
 * Returns: %TRUE for an IPv6 group of interface-local or link-local
 *   scope, which means nothing without the interface it is on
 */
gboolean
chorus_group_needs_interface (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (chorus_group_get_family (self) != G_SOCKET_FAMILY_IPV6)
    return FALSE;

  switch (chorus_group_get_scope (self))
    {
    case CHORUS_SCOPE_INTERFACE_LOCAL:
    case CHORUS_SCOPE_LINK_LOCAL:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * chorus_check_group_interface:
 * @group: a group
 * @ifindex: the interface chosen besides the group (-I), or 0
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @group and @ifindex go together: a group that needs
 *   an interface has one from its zone or from @ifindex, and a zone and
 *   @ifindex that are both given agree
 */
gboolean
chorus_check_group_interface (ChorusGroup  *group,
                              guint         ifindex,
                              GError      **error)
{
  g_autofree char *text = NULL;
  g_autofree char *address = NULL;

  g_return_val_if_fail (group != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = chorus_group_to_string (group);

  if (group->ifindex != 0 && ifindex != 0 && group->ifindex != ifindex)
    {
      char name[IF_NAMESIZE];

      if (if_indextoname (ifindex, name) == NULL)
        g_snprintf (name, sizeof name, "%u", ifindex);

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE,
                   _("%s is on %s, but the interface chosen is %s: choose %s, or leave out "
                     "one of them"),
                   text, group->interface, name, group->interface);
      return FALSE;
    }

  if (group->ifindex != 0 || ifindex != 0 || !chorus_group_needs_interface (group))
    return TRUE;

  address = g_inet_address_to_string (group->address);
  if (chorus_group_get_scope (group) == CHORUS_SCOPE_INTERFACE_LOCAL)
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE,
                 _("%s is interface-local: give an interface, as %s%%eth0 or with -I eth0"), text,
                 address);
  else
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE,
                 _("%s is link-local: give an interface, as %s%%eth0 or with -I eth0"), text,
                 address);
  return FALSE;
}

/**
 * chorus_parse_source:
 * @text: the address of the one host a source-specific group is joined
 *   for, such as "192.0.2.1"
 * @family: the family of the group
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): a unicast address of @family (not
 *   multicast, unspecified or broadcast), or %NULL with @error set
 */
GInetAddress *
chorus_parse_source (const char     *text,
                     GSocketFamily   family,
                     GError        **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *shown = shown_input (stripped);
  g_autoptr(GInetAddress) address = NULL;
  const char *example;

  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  example = family == G_SOCKET_FAMILY_IPV6 ? "2001:db8::1" : "192.0.2.1";

  if (stripped[0] == '\0')
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("Enter the address of the source, the host that sends, such as %s"),
                   example);
      return NULL;
    }

  address = g_inet_address_new_from_string (stripped);

  if (address == NULL)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("“%s” is not an IP address: give the address of the host that sends, "
                     "such as %s"),
                   shown, example);
      return NULL;
    }

  if (g_inet_address_get_family (address) != family)
    {
      if (family == G_SOCKET_FAMILY_IPV6)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("%s is IPv4: the group is IPv6, so give an IPv6 source"), shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("%s is IPv6: the group is IPv4, so give an IPv4 source"), shown);
      return NULL;
    }

  if (g_inet_address_get_is_multicast (address))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s is a multicast address: the source is the unicast address of the host "
                     "that sends"),
                   shown);
      return NULL;
    }

  if (g_inet_address_get_is_any (address))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s is the unspecified address: the source is the unicast address of the "
                     "host that sends"),
                   shown);
      return NULL;
    }

  if (family == G_SOCKET_FAMILY_IPV4
      && memcmp (g_inet_address_to_bytes (address), "\xff\xff\xff\xff", 4) == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s is the broadcast address: the source is the unicast address of the "
                     "host that sends"),
                   shown);
      return NULL;
    }

  return g_steal_pointer (&address);
}

/**
 * chorus_group_get_max_payload:
 *
 * Returns: the largest UDP payload one datagram to this group can carry
 */
gsize
chorus_group_get_max_payload (ChorusGroup *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (chorus_group_get_family (self) == G_SOCKET_FAMILY_IPV6)
    return CHORUS_MAX_PAYLOAD_IPV6;

  return CHORUS_MAX_PAYLOAD_IPV4;
}

char *
chorus_group_to_string (ChorusGroup *self)
{
  g_autofree char *group = NULL;
  g_autofree char *source = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  group = g_inet_address_to_string (self->address);
  if (self->interface != NULL)
    {
      char *zoned = g_strconcat (group, "%", self->interface, NULL);

      g_free (group);
      group = zoned;
    }
  if (self->source == NULL)
    return g_steal_pointer (&group);

  source = g_inet_address_to_string (self->source);
  return g_strdup_printf ("%s@%s", group, source);
}

gboolean
chorus_group_equal (ChorusGroup *a,
                    ChorusGroup *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (!g_inet_address_equal (a->address, b->address) || a->ifindex != b->ifindex)
    return FALSE;
  if (a->source == NULL || b->source == NULL)
    return a->source == b->source;
  return g_inet_address_equal (a->source, b->source);
}

/* Parses a whole decimal number with nothing around it but white space.
 * Returns FALSE for anything else, including signs and overflow past
 * G_MAXUINT64, which callers report as out of range or not a number. */
static gboolean
parse_decimal (const char *text,
               char      **stripped_out,
               guint64    *value,
               gboolean   *is_number)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  guint64 result = 0;

  *is_number = stripped[0] != '\0';
  *value = 0;

  for (const char *p = stripped; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          /* "-1" is a number, just not one in range. */
          *is_number = (p == stripped && *p == '-' && p[1] != '\0');
          for (const char *q = p + 1; *is_number && *q != '\0'; q++)
            *is_number = g_ascii_isdigit (*q);
          *stripped_out = g_steal_pointer (&stripped);
          return FALSE;
        }

      if (result > (G_MAXUINT64 - (guint64) (*p - '0')) / 10)
        {
          *stripped_out = g_steal_pointer (&stripped);
          return FALSE;
        }

      result = result * 10 + (guint64) (*p - '0');
    }

  *value = result;
  *stripped_out = g_steal_pointer (&stripped);
  return *is_number;
}

gboolean
chorus_parse_port (const char  *text,
                   guint16     *port,
                   GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 value;
  gboolean is_number;

  g_return_val_if_fail (port != NULL, FALSE);

  if (!parse_decimal (text, &stripped, &value, &is_number) || value < 1 || value > 65535)
    {
      g_autofree char *shown = shown_input (stripped);

      if (stripped[0] == '\0')
        g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_PORT,
                             _("Enter a port from 1 to 65535"));
      else if (!is_number)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_PORT,
                     _("“%s” is not a port number: use a whole number from 1 to 65535"),
                     shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_PORT,
                     _("Port %s is out of range: use a port from 1 to 65535"), shown);
      return FALSE;
    }

  *port = (guint16) value;
  return TRUE;
}

gboolean
chorus_parse_ttl (const char  *text,
                  guint8      *ttl,
                  GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 value;
  gboolean is_number;

  g_return_val_if_fail (ttl != NULL, FALSE);

  if (!parse_decimal (text, &stripped, &value, &is_number) || value > 255)
    {
      g_autofree char *shown = shown_input (stripped);

      if (stripped[0] == '\0')
        g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_TTL,
                             _("Enter a TTL from 0 to 255 (1 stays on the local network)"));
      else if (!is_number)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_TTL,
                     _("“%s” is not a TTL: use a whole number from 0 to 255"), shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_TTL,
                     _("TTL %s is out of range: use 0 to 255 (1 stays on the local network)"),
                     shown);
      return FALSE;
    }

  *ttl = (guint8) value;
  return TRUE;
}

gboolean
chorus_parse_count (const char  *text,
                    guint       *count,
                    GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 value;
  gboolean is_number;

  g_return_val_if_fail (count != NULL, FALSE);

  if (!parse_decimal (text, &stripped, &value, &is_number) || value < 1 || value > G_MAXINT)
    {
      g_autofree char *shown = shown_input (stripped);

      if (!is_number)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("“%s” is not a count: use a whole number of at least 1"), shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("Count %s is out of range: use 1 to %d"), shown, G_MAXINT);
      return FALSE;
    }

  *count = (guint) value;
  return TRUE;
}

/**
 * chorus_parse_probe_count:
 * @text: how many probes, a whole number; "0" for until stopped
 * @count: (out): the value
 */
gboolean
chorus_parse_probe_count (const char  *text,
                          guint       *count,
                          GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 value;
  gboolean is_number;

  g_return_val_if_fail (count != NULL, FALSE);

  if (!parse_decimal (text, &stripped, &value, &is_number) || value > G_MAXINT)
    {
      g_autofree char *shown = shown_input (stripped);

      if (!is_number)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("“%s” is not a count: use a whole number, or 0 to go on until stopped"),
                     shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("Count %s is out of range: use 0 to %d"), shown, G_MAXINT);
      return FALSE;
    }

  *count = (guint) value;
  return TRUE;
}

/**
 * chorus_parse_rate:
 * @text: answers per second, a whole number; "0" for no limit
 * @rate: (out): the value
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @text is a whole number from 0 to 1,000,000
 */
gboolean
chorus_parse_rate (const char  *text,
                   guint       *rate,
                   GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 value;
  gboolean is_number;

  g_return_val_if_fail (rate != NULL, FALSE);

  if (!parse_decimal (text, &stripped, &value, &is_number) || value > CHORUS_MAX_REPLY_RATE)
    {
      g_autofree char *shown = shown_input (stripped);

      if (!is_number)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("“%s” is not a rate: use a whole number of answers a second, "
                       "or 0 for no limit"),
                     shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("Rate %s is out of range: use 0 to %d answers a second"), shown,
                     CHORUS_MAX_REPLY_RATE);
      return FALSE;
    }

  *rate = (guint) value;
  return TRUE;
}

/* A day: a longer wait or interval is far more likely a typo than a plan,
 * and it keeps every derived microsecond count well inside gint64. */
#define MAX_SECONDS (24.0 * 60.0 * 60.0)

/**
 * chorus_parse_seconds:
 * @text: a number of seconds, such as "1" or "0.25"
 * @what: what the number is, capitalised, for the message ("Wait time")
 * @minimum: the smallest value accepted
 * @seconds: (out): the value
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @text is a finite number from @minimum to a day
 */
gboolean
chorus_parse_seconds (const char  *text,
                      const char  *what,
                      double       minimum,
                      double      *seconds,
                      GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *shown = shown_input (stripped);
  char *comma;
  char *end = NULL;
  double value;

  g_return_val_if_fail (what != NULL, FALSE);
  g_return_val_if_fail (seconds != NULL, FALSE);

  /* Half the world writes a half as 0,5. With no thousands separators in
   * a number of seconds, one comma can only be the decimal one. */
  comma = strchr (stripped, ',');
  if (comma != NULL && strchr (comma + 1, ',') == NULL && strchr (stripped, '.') == NULL)
    *comma = '.';

  value = g_ascii_strtod (stripped, &end);

  /* Decimal notation only: no hexadecimal, and nothing that strtod()
   * skips but g_strstrip() keeps, such as a leading vertical tab. */
  if (stripped[0] == '\0' || end == stripped || *end != '\0' || !isfinite (value)
      || strspn (stripped, "0123456789.eE+-") != strlen (stripped))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s “%s” is not a number of seconds: use a number such as 1 or 0.5"), what,
                   shown);
      return FALSE;
    }

  if (value < minimum)
    {
      if (minimum == 0)
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("%s cannot be negative"), what);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     _("%s must be at least %g seconds"), what, minimum);
      return FALSE;
    }

  if (value > MAX_SECONDS)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s %s is too long: use at most %.0f seconds (a day)"), what, shown,
                   MAX_SECONDS);
      return FALSE;
    }

  *seconds = value;
  return TRUE;
}

gboolean
chorus_check_payload_size (ChorusGroup  *group,
                           gsize         size,
                           GError      **error)
{
  gsize max_payload;

  g_return_val_if_fail (group != NULL, FALSE);

  max_payload = chorus_group_get_max_payload (group);

  if (size > max_payload)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE,
                   _("The message is %lu bytes: one %s datagram carries at most %lu bytes"),
                   (unsigned long) size,
                   chorus_group_get_family (group) == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4",
                   (unsigned long) max_payload);
      return FALSE;
    }

  return TRUE;
}

/**
 * chorus_parse_interface:
 * @text: (nullable): a network interface name, such as "eth0"; empty or
 *   %NULL for the one the routing table picks
 * @index: (out): the interface index, 0 for the routing table's choice
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @text is empty or names an interface of this host
 */
gboolean
chorus_parse_interface (const char  *text,
                        guint       *index,
                        GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  g_autofree char *shown = shown_input (stripped);
  char name[IF_NAMESIZE];
  guint found;

  g_return_val_if_fail (index != NULL, FALSE);

  if (stripped[0] == '\0')
    {
      *index = 0;
      return TRUE;
    }

  found = strlen (stripped) < IF_NAMESIZE ? if_nametoindex (stripped) : 0;

  /* The kernel drops an alias label: "lo:x" finds lo. Only the name
   * itself names the interface. */
  if (found != 0 && (if_indextoname (found, name) == NULL || strcmp (name, stripped) != 0))
    found = 0;

  if (found == 0)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("This computer has no network interface called “%s”"), shown);
      return FALSE;
    }

  *index = found;
  return TRUE;
}
