/* chorus-explain.c: what a multicast group is, in words
 *
 * The blocks and names follow IANA's multicast address registries: for
 * IPv4 RFC 5771, RFC 2365 (administrative scopes), RFC 3180 (GLOP) and
 * RFC 6034 (unicast-prefix-based); for IPv6 RFC 4291, RFC 3306, RFC 3956
 * (embedded RP), RFC 4607 (source-specific) and RFC 7346 (scopes). The
 * Ethernet addresses are those of RFC 1112 and RFC 2464.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "chorus-explain.h"

struct _ChorusExplanation
{
  ChorusGroup *group;
  ChorusScope scope;
  /* The block's name alone, and with its range. */
  char *block_name;
  char *block;
  char *name;
  char mac[18];
  GPtrArray *warnings;
  /* Facts worth knowing that call for nothing: every IPv4 group shares
   * its MAC with 31 others, so that is no warning. */
  GPtrArray *notes;
};

#define IPV4(a, b, c, d) (((guint32) (a) << 24) | ((b) << 16) | ((c) << 8) | (d))

typedef struct
{
  guint32 first;
  guint32 last;
  const char *name;
  const char *range;
} Ipv4Block;

/* All of 224.0.0.0/4, in order, without gaps. */
static const Ipv4Block ipv4_blocks[] = {
  { IPV4 (224, 0, 0, 0), IPV4 (224, 0, 0, 255), N_("Local Network Control Block"),
    "224.0.0.0/24" },
  { IPV4 (224, 0, 1, 0), IPV4 (224, 0, 1, 255), N_("Internetwork Control Block"),
    "224.0.1.0/24" },
  { IPV4 (224, 0, 2, 0), IPV4 (224, 0, 255, 255), N_("AD-HOC Block I"),
    "224.0.2.0–224.0.255.255" },
  { IPV4 (224, 1, 0, 0), IPV4 (224, 1, 255, 255), N_("Reserved"), "224.1.0.0/16" },
  { IPV4 (224, 2, 0, 0), IPV4 (224, 2, 255, 255), N_("SDP/SAP Block"), "224.2.0.0/16" },
  { IPV4 (224, 3, 0, 0), IPV4 (224, 4, 255, 255), N_("AD-HOC Block II"),
    "224.3.0.0–224.4.255.255" },
  { IPV4 (224, 5, 0, 0), IPV4 (224, 251, 255, 255), N_("Reserved"),
    "224.5.0.0–224.251.255.255" },
  { IPV4 (224, 252, 0, 0), IPV4 (224, 255, 255, 255), N_("DIS Transient Groups"),
    "224.252.0.0/14" },
  { IPV4 (225, 0, 0, 0), IPV4 (231, 255, 255, 255), N_("Reserved"),
    "225.0.0.0–231.255.255.255" },
  { IPV4 (232, 0, 0, 0), IPV4 (232, 255, 255, 255), N_("Source-Specific Multicast Block"),
    "232.0.0.0/8" },
  { IPV4 (233, 0, 0, 0), IPV4 (233, 251, 255, 255), N_("GLOP Block"),
    "233.0.0.0–233.251.255.255" },
  { IPV4 (233, 252, 0, 0), IPV4 (233, 255, 255, 255), N_("AD-HOC Block III"),
    "233.252.0.0/14" },
  { IPV4 (234, 0, 0, 0), IPV4 (234, 255, 255, 255), N_("Unicast-Prefix-based Block"),
    "234.0.0.0/8" },
  { IPV4 (235, 0, 0, 0), IPV4 (238, 255, 255, 255), N_("Reserved"),
    "235.0.0.0–238.255.255.255" },
  { IPV4 (239, 0, 0, 0), IPV4 (239, 255, 255, 255), N_("Administratively Scoped Block"),
    "239.0.0.0/8" },
};

typedef struct
{
  const char *address;
  const char *name;
} WellKnown;

static const WellKnown ipv4_names[] = {
  { "224.0.0.0", N_("Base address (reserved)") },
  { "224.0.0.1", N_("All hosts on this network") },
  { "224.0.0.2", N_("All routers on this network") },
  { "224.0.0.4", N_("DVMRP routers") },
  { "224.0.0.5", N_("OSPF: all routers") },
  { "224.0.0.6", N_("OSPF: designated routers") },
  { "224.0.0.9", N_("RIPv2 routers") },
  { "224.0.0.10", N_("EIGRP routers") },
  { "224.0.0.13", N_("All PIM routers") },
  { "224.0.0.18", N_("VRRP") },
  { "224.0.0.22", N_("IGMPv3 reports") },
  { "224.0.0.102", N_("HSRP version 2 and GLBP") },
  { "224.0.0.107", N_("PTP peer delay measurement") },
  { "224.0.0.251", N_("mDNS (multicast DNS)") },
  { "224.0.0.252", N_("LLMNR (link-local name resolution)") },
  { "224.0.1.1", N_("NTP (network time)") },
  { "224.0.1.39", N_("Cisco Auto-RP announcements") },
  { "224.0.1.40", N_("Cisco Auto-RP discovery") },
  { "224.0.1.129", N_("PTP (precision time)") },
  { "224.2.127.254", N_("SAP session announcements") },
  { CHORUS_DEFAULT_GROUP, N_("Chorus’s default group, the classic example") },
  { "239.255.255.250", N_("SSDP (UPnP discovery)") },
  { "239.255.255.253", N_("SLP (service location)") },
};

static const WellKnown ipv6_names[] = {
  { "ff01::1", N_("All nodes on this host") },
  { "ff01::2", N_("All routers on this host") },
  { "ff02::1", N_("All nodes on the link") },
  { "ff02::2", N_("All routers on the link") },
  { "ff02::5", N_("OSPFv3: all routers") },
  { "ff02::6", N_("OSPFv3: designated routers") },
  { "ff02::9", N_("RIPng routers") },
  { "ff02::a", N_("EIGRP routers") },
  { "ff02::d", N_("All PIM routers") },
  { "ff02::12", N_("VRRP") },
  { "ff02::16", N_("MLDv2 reports") },
  { "ff02::6b", N_("PTP peer delay measurement") },
  { "ff02::1:2", N_("DHCPv6 relay agents and servers") },
  { "ff02::1:3", N_("LLMNR (link-local name resolution)") },
  { "ff05::2", N_("All routers in the site") },
  { "ff05::1:3", N_("DHCPv6 servers") },
};

/* Permanent groups whose meaning holds at every scope (ff0X::…). */
static const struct
{
  guint16 id;
  const char *name;
} ipv6_any_scope_names[] = {
  { 0x00c, N_("SSDP (UPnP discovery)") },
  { 0x0fb, N_("mDNS (multicast DNS)") },
  { 0x101, N_("NTP (network time)") },
  { 0x181, N_("PTP (precision time)") },
};

static const char *
scope_text (ChorusScope scope)
{
  switch (scope)
    {
    case CHORUS_SCOPE_INTERFACE_LOCAL:
      return _("interface-local");
    case CHORUS_SCOPE_LINK_LOCAL:
      return _("link-local");
    case CHORUS_SCOPE_REALM_LOCAL:
      return _("realm-local");
    case CHORUS_SCOPE_ADMIN_LOCAL:
      return _("admin-local");
    case CHORUS_SCOPE_SITE_LOCAL:
      return _("site-local");
    case CHORUS_SCOPE_ORGANIZATION_LOCAL:
      return _("organization-local");
    case CHORUS_SCOPE_ADMINISTRATIVE:
      return _("administratively scoped");
    case CHORUS_SCOPE_GLOBAL:
      return _("global");
    case CHORUS_SCOPE_RESERVED:
    default:
      return _("reserved scope");
    }
}

static void
warn (ChorusExplanation *self,
      char              *warning)
{
  g_ptr_array_add (self->warnings, warning);
}

static void
set_block (ChorusExplanation *self,
           const char        *name,
           const char        *range)
{
  self->block_name = g_strdup (name);
  self->block = g_strdup_printf ("%s (%s)", name, range);
}

static void
explain_ipv4 (ChorusExplanation *self,
              const guint8      *bytes,
              const char        *text)
{
  guint32 value = IPV4 (bytes[0], bytes[1], bytes[2], bytes[3]);
  gboolean reserved = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (ipv4_blocks); i++)
    {
      if (value < ipv4_blocks[i].first || value > ipv4_blocks[i].last)
        continue;
      set_block (self, _(ipv4_blocks[i].name), ipv4_blocks[i].range);
      reserved = g_str_equal (ipv4_blocks[i].name, N_("Reserved"));
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (ipv4_names); i++)
    if (g_str_equal (text, ipv4_names[i].address))
      self->name = g_strdup (_(ipv4_names[i].name));

  /* RFC 1112: 01:00:5e, a zero bit, and the low 23 bits of the group. */
  g_snprintf (self->mac, sizeof self->mac, "01:00:5e:%02x:%02x:%02x", bytes[1] & 0x7f, bytes[2],
              bytes[3]);

  if (self->scope == CHORUS_SCOPE_LINK_LOCAL)
    warn (self, g_strdup (_("224.0.0.0/24 is never routed, whatever the TTL: only hosts on this "
                            "network hear it")));

  if (reserved)
    warn (self, g_strdup (_("IANA keeps this block in reserve: for groups of your own use "
                            "239.0.0.0/8 on a private network, or 232.0.0.0/8 with a source")));

  /* The five bits the MAC drops make 32 groups of one MAC. */
  {
    g_autofree char *first = g_strdup_printf ("%u.%u.%u.%u", bytes[0] == 224 ? 225 : 224,
                                              bytes[1], bytes[2], bytes[3]);
    g_autofree char *second = g_strdup_printf ("%u.%u.%u.%u", bytes[0], bytes[1] ^ 0x80,
                                               bytes[2], bytes[3]);

    g_ptr_array_add (self->notes,
                     g_strdup_printf (_("%u other groups share the Ethernet address %s, such as %s "
                                   "and %s: hosts that join one of them get this group’s "
                                   "frames too, and drop them in software"),
                                 31, self->mac, first, second));
  }

  /* Switches flood the MACs of 224.0.0.0/24 to every port, snooping or
   * not, and with them every group that shares one. */
  if ((bytes[1] & 0x7f) == 0 && bytes[2] == 0 && self->scope != CHORUS_SCOPE_LINK_LOCAL)
    {
      g_autofree char *control = g_strdup_printf ("224.0.0.%u", bytes[3]);

      warn (self, g_strdup_printf (_("Its Ethernet address is that of %s, a link-local control "
                                     "group, so switches flood it to every port even with IGMP "
                                     "snooping: avoid groups of the form x.0.0.y and "
                                     "x.128.0.y"),
                                   control));
    }
}

static void
explain_ipv6 (ChorusExplanation *self,
              const guint8      *bytes,
              const char        *text)
{
  guint flags = bytes[1] >> 4;
  guint scope = bytes[1] & 0x0f;
  g_autofree char *prefix = g_strdup_printf ("ff%02x::/16", bytes[1]);
  gboolean zero_prefix = TRUE;
  gboolean solicited_node;

  for (guint i = 2; i < 12; i++)
    zero_prefix = zero_prefix && bytes[i] == 0;

  /* ff02::1:ff00:0/104 */
  solicited_node = bytes[1] == 0x02 && bytes[12] == 0xff
                   && memcmp (bytes + 2, "\0\0\0\0\0\0\0\0\0\1", 10) == 0;

  /* The flags are 0RPT: R embeds a rendezvous point, P a unicast prefix,
   * T marks a transient group. */
  switch (flags)
    {
    case 0x0:
      if (solicited_node)
        set_block (self, _("Solicited-node groups"), "ff02::1:ff00:0/104");
      else
        set_block (self, _("Permanent groups"), prefix);
      break;
    case 0x1:
      set_block (self, _("Transient groups"), prefix);
      break;
    case 0x3:
      if (zero_prefix)
        {
          g_autofree char *ssm = g_strdup_printf ("ff%02x::/96", bytes[1]);

          set_block (self, _("Source-Specific Multicast Block"), ssm);
        }
      else if (bytes[3] == 0)
        {
          g_autofree char *ssm = g_strdup_printf ("ff%02x::/32", bytes[1]);

          set_block (self, _("Reserved part of the source-specific range"), ssm);
          warn (self, g_strdup (_("Only ff3x::/96 of the source-specific range ff3x::/32 is in "
                                  "use (RFC 4607): start the group with ff3x:: and put the "
                                  "group ID in the last 32 bits")));
        }
      else
        {
          set_block (self, _("Unicast-prefix-based groups"), prefix);
        }
      break;
    case 0x7:
      set_block (self, _("Embedded-RP groups"), prefix);
      break;
    default:
      set_block (self, _("Groups with invalid flags"), prefix);
      warn (self, g_strdup_printf (_("Flags %x are not a valid combination: the prefix flag "
                                     "needs the transient flag, the rendezvous-point flag "
                                     "needs both, and the high bit is reserved (RFC 3306, "
                                     "RFC 3956)"),
                                   flags));
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (ipv6_names); i++)
    if (g_str_equal (text, ipv6_names[i].address))
      self->name = g_strdup (_(ipv6_names[i].name));

  if (self->name == NULL && flags == 0 && memcmp (bytes + 2, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) == 0)
    {
      guint id = (bytes[14] << 8) | bytes[15];

      for (guint i = 0; i < G_N_ELEMENTS (ipv6_any_scope_names); i++)
        if (ipv6_any_scope_names[i].id == id)
          self->name = g_strdup (_(ipv6_any_scope_names[i].name));
    }

  if (self->name == NULL && solicited_node)
    self->name = g_strdup_printf (_("Neighbor Discovery for the addresses ending in %02x:%02x%02x"),
                                  bytes[13], bytes[14], bytes[15]);

  /* T clear: IANA's to assign. A group of one's own sets T. */
  if (self->name == NULL && flags == 0 && scope != 0x0 && scope != 0xf)
    {
      g_autoptr(GInetAddress) transient = NULL;
      g_autofree char *transient_text = NULL;
      guint8 with_t[16];

      memcpy (with_t, bytes, 16);
      with_t[1] |= 0x10;
      transient = g_inet_address_new_from_bytes (with_t, G_SOCKET_FAMILY_IPV6);
      transient_text = g_inet_address_to_string (transient);
      warn (self, g_strdup_printf (_("Permanent groups (flag T clear) are IANA’s to assign: for "
                                     "a group of your own set the T flag, as in %s"),
                                   transient_text));
    }

  /* RFC 2464: 33:33 and the low 32 bits of the group. */
  g_snprintf (self->mac, sizeof self->mac, "33:33:%02x:%02x:%02x:%02x", bytes[12], bytes[13],
              bytes[14], bytes[15]);

  if (chorus_group_get_ifindex (self->group) == 0)
    {
      g_autofree char *plain = g_inet_address_to_string (chorus_group_get_address (self->group));

      if (self->scope == CHORUS_SCOPE_LINK_LOCAL)
        warn (self, g_strdup_printf (_("Link-local: give the interface, as %s%%eth0 or with "
                                       "-I eth0"),
                                     plain));
      else if (self->scope == CHORUS_SCOPE_INTERFACE_LOCAL)
        warn (self, g_strdup_printf (_("Interface-local: it never leaves this host; give the "
                                       "interface, as %s%%lo or with -I lo"),
                                     plain));
    }
  else if (self->scope == CHORUS_SCOPE_INTERFACE_LOCAL)
    {
      warn (self, g_strdup (_("Interface-local: it never leaves this host")));
    }

  if (scope == 0x0)
    warn (self, g_strdup (_("Scope 0 is reserved: hosts must not send to it (RFC 4291)")));
  else if (scope == 0xf)
    warn (self, g_strdup (_("Scope f is reserved: routers treat it as global (RFC 4291)")));
  else if (self->scope == CHORUS_SCOPE_RESERVED)
    warn (self, g_strdup_printf (_("Scope %x is unassigned: it reaches only as far as your "
                                   "network’s administrators have set it to, if they have"),
                                 scope));
}

/**
 * chorus_explain:
 * @group: a group
 * @mtu: the MTU of the link the group is sent on, or 0 if unknown
 * @payload: the size of the messages sent, or 0 if unknown
 *
 * Returns: (transfer full): what @group is; with @mtu and @payload, a
 *   message that would fragment is among the warnings
 */
ChorusExplanation *
chorus_explain (ChorusGroup *group,
                guint        mtu,
                gsize        payload)
{
  ChorusExplanation *self;
  const guint8 *bytes;
  g_autofree char *text = NULL;
  g_autoptr(GError) size_error = NULL;
  gboolean ipv6;

  g_return_val_if_fail (group != NULL, NULL);

  self = g_new0 (ChorusExplanation, 1);
  self->group = chorus_group_ref (group);
  self->scope = chorus_group_get_scope (group);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->notes = g_ptr_array_new_with_free_func (g_free);

  ipv6 = chorus_group_get_family (group) == G_SOCKET_FAMILY_IPV6;
  bytes = g_inet_address_to_bytes (chorus_group_get_address (group));
  text = g_inet_address_to_string (chorus_group_get_address (group));

  if (ipv6)
    explain_ipv6 (self, bytes, text);
  else
    explain_ipv4 (self, bytes, text);

  /* Someone else's protocol: a test of one's own belongs elsewhere. */
  if (self->name != NULL && !g_str_equal (text, CHORUS_DEFAULT_GROUP))
    warn (self, g_strdup_printf (_("%s is a well-known group, %s: other software uses it, so "
                                   "pick another for traffic of your own"),
                                 text, self->name));

  if (chorus_group_is_source_specific (group))
    warn (self, g_strdup (_("Source-specific: receivers join it for one source, the sender’s "
                            "address; without a source nothing arrives")));

  if (!chorus_check_payload_size (group, payload, &size_error))
    {
      warn (self, g_strdup (size_error->message));
    }
  else if (mtu > 0 && payload > 0)
    {
      /* The IP header, without options, and the UDP header. */
      gsize headers = (ipv6 ? 40 : 20) + 8;
      gsize room = mtu > headers ? mtu - headers : 0;

      if (payload > room)
        warn (self, g_strdup_printf (_("A %lu-byte message does not fit one packet on a "
                                       "%u-byte MTU (%lu bytes at most): it goes in fragments, "
                                       "and losing one loses the message"),
                                     (unsigned long) payload, mtu, (unsigned long) room));
    }

  g_ptr_array_add (self->warnings, NULL);
  g_ptr_array_add (self->notes, NULL);

  return self;
}

void
chorus_explanation_free (ChorusExplanation *self)
{
  g_return_if_fail (self != NULL);

  chorus_group_unref (self->group);
  g_free (self->block_name);
  g_free (self->block);
  g_free (self->name);
  g_ptr_array_unref (self->warnings);
  g_ptr_array_unref (self->notes);
  g_free (self);
}

/**
 * chorus_explanation_get_group:
 *
 * Returns: (transfer none): the group explained
 */
ChorusGroup *
chorus_explanation_get_group (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->group;
}

/**
 * chorus_explanation_get_family:
 *
 * Returns: "ipv4" or "ipv6", never translated
 */
const char *
chorus_explanation_get_family (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return chorus_group_get_family (self->group) == G_SOCKET_FAMILY_IPV6 ? "ipv6" : "ipv4";
}

ChorusScope
chorus_explanation_get_scope (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, CHORUS_SCOPE_RESERVED);

  return self->scope;
}

/**
 * chorus_explanation_get_scope_text:
 *
 * Returns: the scope in words, translated, such as "link-local"
 */
const char *
chorus_explanation_get_scope_text (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return scope_text (self->scope);
}

/**
 * chorus_explanation_get_block:
 *
 * Returns: the block of the address space the group is in, with its
 *   range, translated: "Administratively Scoped Block (239.0.0.0/8)"
 */
const char *
chorus_explanation_get_block (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->block;
}

/**
 * chorus_explanation_get_name:
 *
 * Returns: (nullable): what the group is known as ("mDNS (multicast
 *   DNS)"), translated, or %NULL for a group with no well-known use
 */
const char *
chorus_explanation_get_name (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

gboolean
chorus_explanation_is_source_specific (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return chorus_group_is_source_specific (self->group);
}

/**
 * chorus_explanation_get_mac:
 *
 * Returns: the Ethernet address frames to the group go to, such as
 *   "01:00:5e:03:1d:47"
 */
const char *
chorus_explanation_get_mac (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->mac;
}

/**
 * chorus_explanation_get_summary:
 *
 * Returns: (transfer full): one line for under a group field: what the
 *   group is, its scope and its Ethernet address, as "Administratively
 *   Scoped Block · organization-local · 01:00:5e:40:01:01"
 */
char *
chorus_explanation_get_summary (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* TRANSLATORS: what a group is, its scope, and its Ethernet address,
   * as "mDNS (multicast DNS) · link-local · 01:00:5e:00:00:fb". */
  return g_strdup_printf (_("%s · %s · %s"), self->name ? self->name : self->block_name,
                          scope_text (self->scope), self->mac);
}

/**
 * chorus_explanation_get_warnings:
 *
 * Returns: (transfer none) (array zero-terminated=1): what a person
 *   should know before using the group, translated, perhaps none
 */
const char *const *
chorus_explanation_get_warnings (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->warnings->pdata;
}

/**
 * chorus_explanation_get_notes:
 *
 * Returns: (transfer none) (array zero-terminated=1): facts about the
 *   group that call for nothing (the other groups that share its
 *   Ethernet address), translated, perhaps none
 */
const char *const *
chorus_explanation_get_notes (ChorusExplanation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *const *) self->notes->pdata;
}
