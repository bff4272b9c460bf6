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
};

G_DEFINE_BOXED_TYPE (ChorusGroup, chorus_group, chorus_group_ref, chorus_group_unref)

static ChorusGroup *
chorus_group_new (GInetAddress *address,
                  GInetAddress *source)
{
  ChorusGroup *self = g_atomic_rc_box_new0 (ChorusGroup);

  self->address = g_object_ref (address);
  self->source = source ? g_object_ref (source) : NULL;

  return self;
}

static void
chorus_group_clear (ChorusGroup *self)
{
  g_clear_object (&self->address);
  g_clear_object (&self->source);
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

/**
 * chorus_group_parse:
 * @text: what a person typed, such as "224.3.29.71"
 * @error: a location for a #GError
 *
 * Validates @text as a multicast group. Surrounding white space is
 * ignored. The error message says what is wrong and what would be right.
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

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (text ? text : ""));
  shown = shown_input (stripped);

  if (stripped[0] == '\0')
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("Enter a multicast group, such as %s"), CHORUS_DEFAULT_GROUP);
      return NULL;
    }

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
      if (g_inet_address_get_is_multicast (address))
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED,
                     _("%s is an IPv6 group: only IPv4 groups (224.0.0.0 to 239.255.255.255) "
                       "are supported so far"),
                     shown);
      else
        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                     _("%s is not a multicast address: IPv6 groups start with ff"),
                     shown);
      return NULL;
    }

  /* 224.0.0.0/4: the top four bits are 1110. */
  if (!g_inet_address_get_is_multicast (address))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP,
                   _("%s is not a multicast address: IPv4 groups are 224.0.0.0 to 239.255.255.255"),
                   shown);
      return NULL;
    }

  return chorus_group_new (address, NULL);
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
  if (!g_inet_address_equal (a->address, b->address))
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
