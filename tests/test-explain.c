/* test-explain.c: what chorus_explain() says of a group
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <net/if.h>

#include "chorus-address.h"
#include "chorus-explain.h"

typedef struct
{
  const char *group;
  const char *scope;                /* the nick */
  const char *block;
  const char *name;                 /* NULL: none */
  const char *mac;
  gboolean source_specific;
  const char *warnings[5];          /* a part of each, in order; no more */
} ExplainCase;

#define SHARED(mac, a, b) \
  "31 other groups share the Ethernet address " mac ", such as " a " and " b

static const ExplainCase cases[] = {
  { "224.3.29.71", "global", "AD-HOC Block II (224.3.0.0–224.4.255.255)",
    "Chorus’s default group, the classic example", "01:00:5e:03:1d:47", FALSE,
    { SHARED ("01:00:5e:03:1d:47", "225.3.29.71", "224.131.29.71") } },
  { "224.0.0.1", "link-local", "Local Network Control Block (224.0.0.0/24)",
    "All hosts on this network", "01:00:5e:00:00:01", FALSE,
    { "224.0.0.0/24 is never routed, whatever the TTL",
      SHARED ("01:00:5e:00:00:01", "225.0.0.1", "224.128.0.1"),
      "224.0.0.1 is a well-known group, All hosts on this network: other software uses it" } },
  { "224.0.0.2", "link-local", "Local Network Control Block", "All routers on this network",
    "01:00:5e:00:00:02", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.5", "link-local", "Local Network Control Block", "OSPF: all routers",
    "01:00:5e:00:00:05", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.6", "link-local", "Local Network Control Block", "OSPF: designated routers",
    "01:00:5e:00:00:06", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.9", "link-local", "Local Network Control Block", "RIPv2 routers",
    "01:00:5e:00:00:09", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.13", "link-local", "Local Network Control Block", "All PIM routers",
    "01:00:5e:00:00:0d", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.18", "link-local", "Local Network Control Block", "VRRP", "01:00:5e:00:00:12", FALSE,
    { "never routed", "share", "well-known" } },
  { "224.0.0.22", "link-local", "Local Network Control Block", "IGMPv3 reports",
    "01:00:5e:00:00:16", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.251", "link-local", "Local Network Control Block", "mDNS (multicast DNS)",
    "01:00:5e:00:00:fb", FALSE, { "never routed", "share", "well-known" } },
  { "224.0.0.252", "link-local", "Local Network Control Block",
    "LLMNR (link-local name resolution)", "01:00:5e:00:00:fc", FALSE,
    { "never routed", "share", "well-known" } },
  { "224.0.0.200", "link-local", "Local Network Control Block", NULL, "01:00:5e:00:00:c8", FALSE,
    { "never routed", "share" } },
  { "224.0.1.1", "global", "Internetwork Control Block (224.0.1.0/24)", "NTP (network time)",
    "01:00:5e:00:01:01", FALSE, { "share", "well-known" } },
  { "224.0.1.129", "global", "Internetwork Control Block", "PTP (precision time)",
    "01:00:5e:00:01:81", FALSE, { "share", "well-known" } },
  { "224.0.2.1", "global", "AD-HOC Block I (224.0.2.0–224.0.255.255)", NULL, "01:00:5e:00:02:01",
    FALSE, { "share" } },
  { "224.1.0.1", "global", "Reserved (224.1.0.0/16)", NULL, "01:00:5e:01:00:01", FALSE,
    { "IANA keeps this block in reserve: for groups of your own use 239.0.0.0/8", "share" } },
  { "224.2.127.254", "global", "SDP/SAP Block (224.2.0.0/16)", "SAP session announcements",
    "01:00:5e:02:7f:fe", FALSE, { "share", "well-known" } },
  { "224.4.255.255", "global", "AD-HOC Block II", NULL, "01:00:5e:04:ff:ff", FALSE, { "share" } },
  { "224.5.0.0", "global", "Reserved (224.5.0.0–224.251.255.255)", NULL, "01:00:5e:05:00:00",
    FALSE, { "IANA keeps", "share" } },
  { "224.252.0.1", "global", "DIS Transient Groups (224.252.0.0/14)", NULL, "01:00:5e:7c:00:01",
    FALSE, { "share" } },
  /* The last bit the MAC drops, and a flood as wide as 224.0.0.1's. */
  { "225.0.0.1", "global", "Reserved (225.0.0.0–231.255.255.255)", NULL, "01:00:5e:00:00:01",
    FALSE,
    { "IANA keeps", SHARED ("01:00:5e:00:00:01", "224.0.0.1", "225.128.0.1"),
      "Its Ethernet address is that of 224.0.0.1, a link-local control group, so switches "
      "flood it" } },
  { "231.128.0.5", "global", "Reserved", NULL, "01:00:5e:00:00:05", FALSE,
    { "IANA keeps", "share", "that of 224.0.0.5" } },
  { "232.1.1.1", "global", "Source-Specific Multicast Block (232.0.0.0/8)", NULL,
    "01:00:5e:01:01:01", TRUE,
    { SHARED ("01:00:5e:01:01:01", "224.1.1.1", "232.129.1.1"),
      "Source-specific: receivers join it for one source" } },
  { "233.252.0.1", "global", "AD-HOC Block III (233.252.0.0/14)", NULL, "01:00:5e:7c:00:01",
    FALSE, { "share" } },
  { "233.1.2.3", "global", "GLOP Block (233.0.0.0–233.251.255.255)", NULL, "01:00:5e:01:02:03",
    FALSE, { "share" } },
  { "234.10.0.1", "global", "Unicast-Prefix-based Block (234.0.0.0/8)", NULL,
    "01:00:5e:0a:00:01", FALSE, { "share" } },
  { "236.1.1.1", "global", "Reserved (235.0.0.0–238.255.255.255)", NULL, "01:00:5e:01:01:01",
    FALSE, { "IANA keeps", "share" } },
  { "239.1.2.3", "administrative", "Administratively Scoped Block (239.0.0.0/8)", NULL,
    "01:00:5e:01:02:03", FALSE, { SHARED ("01:00:5e:01:02:03", "224.1.2.3", "239.129.2.3") } },
  { "239.192.1.1", "organization-local", "Administratively Scoped Block", NULL,
    "01:00:5e:40:01:01", FALSE, { "share" } },
  { "239.255.255.250", "site-local", "Administratively Scoped Block", "SSDP (UPnP discovery)",
    "01:00:5e:7f:ff:fa", FALSE, { "share", "well-known" } },
  { "239.128.0.1", "administrative", "Administratively Scoped Block", NULL, "01:00:5e:00:00:01",
    FALSE, { "share", "that of 224.0.0.1" } },
  { "239.255.255.255", "site-local", "Administratively Scoped Block", NULL, "01:00:5e:7f:ff:ff",
    FALSE, { SHARED ("01:00:5e:7f:ff:ff", "224.255.255.255", "239.127.255.255") } },

  { "ff02::1", "link-local", "Permanent groups (ff02::/16)", "All nodes on the link",
    "33:33:00:00:00:01", FALSE,
    { "Link-local: give the interface, as ff02::1%eth0 or with -I eth0",
      "ff02::1 is a well-known group, All nodes on the link" } },
  { "ff02::2", "link-local", "Permanent groups", "All routers on the link", "33:33:00:00:00:02",
    FALSE, { "Link-local", "well-known" } },
  { "ff02::fb", "link-local", "Permanent groups", "mDNS (multicast DNS)", "33:33:00:00:00:fb",
    FALSE, { "Link-local", "well-known" } },
  { "ff02::1:2", "link-local", "Permanent groups", "DHCPv6 relay agents and servers",
    "33:33:00:01:00:02", FALSE, { "Link-local", "well-known" } },
  { "ff02::16", "link-local", "Permanent groups", "MLDv2 reports", "33:33:00:00:00:16", FALSE,
    { "Link-local", "well-known" } },
  { "ff02::c", "link-local", "Permanent groups", "SSDP (UPnP discovery)", "33:33:00:00:00:0c",
    FALSE, { "Link-local", "well-known" } },
  { "ff05::c", "site-local", "Permanent groups (ff05::/16)", "SSDP (UPnP discovery)",
    "33:33:00:00:00:0c", FALSE, { "well-known" } },
  { "ff0e::101", "global", "Permanent groups (ff0e::/16)", "NTP (network time)",
    "33:33:00:00:01:01", FALSE, { "well-known" } },
  { "ff05::1:3", "site-local", "Permanent groups", "DHCPv6 servers", "33:33:00:01:00:03", FALSE,
    { "well-known" } },
  { "ff02::1:ff28:9c5a", "link-local", "Solicited-node groups (ff02::1:ff00:0/104)",
    "Neighbor Discovery for the addresses ending in 28:9c5a", "33:33:ff:28:9c:5a", FALSE,
    { "Link-local", "well-known" } },
  { "ff01::1", "interface-local", "Permanent groups (ff01::/16)", "All nodes on this host",
    "33:33:00:00:00:01", FALSE,
    { "Interface-local: it never leaves this host; give the interface, as ff01::1%lo",
      "well-known" } },
  { "ff02::4242", "link-local", "Permanent groups", NULL, "33:33:00:00:42:42", FALSE,
    { "Permanent groups (flag T clear) are IANA’s to assign: for a group of your own set the T "
      "flag, as in ff12::4242",
      "Link-local: give the interface, as ff02::4242%eth0" } },
  { "ff15::4242", "site-local", "Transient groups (ff15::/16)", NULL, "33:33:00:00:42:42", FALSE,
    { NULL } },
  { "ff18::1:2:3", "organization-local", "Transient groups (ff18::/16)", NULL,
    "33:33:00:02:00:03", FALSE, { NULL } },
  { "ff1e::1234:5678", "global", "Transient groups (ff1e::/16)", NULL, "33:33:12:34:56:78", FALSE,
    { NULL } },
  { "ff14::1", "admin-local", "Transient groups", NULL, "33:33:00:00:00:01", FALSE, { NULL } },
  { "ff13::1", "realm-local", "Transient groups", NULL, "33:33:00:00:00:01", FALSE, { NULL } },
  { "ff3e::8000:1", "global", "Source-Specific Multicast Block (ff3e::/96)", NULL,
    "33:33:80:00:00:01", TRUE, { "Source-specific" } },
  { "ff35::1", "site-local", "Source-Specific Multicast Block (ff35::/96)", NULL,
    "33:33:00:00:00:01", TRUE, { "Source-specific" } },
  { "ff3e::1:0:1", "global", "Reserved part of the source-specific range (ff3e::/32)", NULL,
    "33:33:00:00:00:01", FALSE, { "Only ff3x::/96 of the source-specific range" } },
  { "ff3e:30:2001:db8::1", "global", "Unicast-prefix-based groups (ff3e::/16)", NULL,
    "33:33:00:00:00:01", FALSE, { NULL } },
  { "ff7e:140:2001:db8::1", "global", "Embedded-RP groups (ff7e::/16)", NULL,
    "33:33:00:00:00:01", FALSE, { NULL } },
  { "ff2e::1", "global", "Groups with invalid flags (ff2e::/16)", NULL, "33:33:00:00:00:01",
    FALSE, { "Flags 2 are not a valid combination" } },
  { "ffee::1", "global", "Groups with invalid flags", NULL, "33:33:00:00:00:01", FALSE,
    { "Flags e are not a valid combination" } },
  { "ff10::1", "reserved", "Transient groups", NULL, "33:33:00:00:00:01", FALSE,
    { "Scope 0 is reserved: hosts must not send to it" } },
  { "ff1f::1", "reserved", "Transient groups", NULL, "33:33:00:00:00:01", FALSE,
    { "Scope f is reserved: routers treat it as global" } },
  { "ff17::1", "reserved", "Transient groups", NULL, "33:33:00:00:00:01", FALSE,
    { "Scope 7 is unassigned" } },
};

static void
test_explain (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ExplainCase *c = &cases[i];
      g_autoptr(ChorusGroup) group = chorus_group_parse (c->group, NULL);
      g_autoptr(ChorusExplanation) explanation = NULL;
      const char *const *warnings;
      const char *const *notes;
      guint n_expected = 0;
      guint n_notes = 0;
      guint n_warnings;

      g_test_message ("explain %s", c->group);
      g_assert_nonnull (group);
      explanation = chorus_explain (group, 0, 0);

      g_assert_true (chorus_explanation_get_group (explanation) == group);
      g_assert_cmpstr (chorus_explanation_get_family (explanation), ==,
                       strchr (c->group, ':') ? "ipv6" : "ipv4");
      g_assert_cmpstr (chorus_scope_get_nick (chorus_explanation_get_scope (explanation)), ==,
                       c->scope);
      g_assert_nonnull (strstr (chorus_explanation_get_block (explanation), c->block));
      g_assert_cmpstr (chorus_explanation_get_name (explanation), ==, c->name);
      g_assert_cmpstr (chorus_explanation_get_mac (explanation), ==, c->mac);
      g_assert_cmpint (chorus_explanation_is_source_specific (explanation), ==,
                       c->source_specific);

      /* The Ethernet address shared with 31 others is a note; the rest
       * are warnings, in order. */
      warnings = chorus_explanation_get_warnings (explanation);
      notes = chorus_explanation_get_notes (explanation);
      n_warnings = g_strv_length ((char **) warnings);
      for (guint j = 0; j < n_warnings; j++)
        g_test_message ("  warning: %s", warnings[j]);
      for (guint j = 0; j < G_N_ELEMENTS (c->warnings) && c->warnings[j] != NULL; j++)
        {
          if (g_str_equal (c->warnings[j], "share")
              || g_str_has_prefix (c->warnings[j], "31 other groups share"))
            {
              g_assert_nonnull (notes[0]);
              g_assert_nonnull (strstr (notes[0], c->warnings[j]));
              n_notes++;
              continue;
            }
          g_assert_cmpuint (n_expected, <, n_warnings);
          g_assert_nonnull (strstr (warnings[n_expected], c->warnings[j]));
          n_expected++;
        }
      g_assert_cmpuint (n_warnings, ==, n_expected);
      g_assert_cmpuint (g_strv_length ((char **) notes), ==, n_notes);
    }
}

static void
test_summary (void)
{
  static const struct
  {
    const char *group;
    const char *summary;
  } summaries[] = {
    { "239.192.1.1", "Administratively Scoped Block · organization-local · 01:00:5e:40:01:01" },
    { "224.0.0.251", "mDNS (multicast DNS) · link-local · 01:00:5e:00:00:fb" },
    { "ff15::4242", "Transient groups · site-local · 33:33:00:00:42:42" },
    { "232.1.1.1", "Source-Specific Multicast Block · global · 01:00:5e:01:01:01" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (summaries); i++)
    {
      g_autoptr(ChorusGroup) group = chorus_group_parse (summaries[i].group, NULL);
      g_autoptr(ChorusExplanation) explanation = chorus_explain (group, 0, 0);
      g_autofree char *summary = chorus_explanation_get_summary (explanation);

      g_assert_cmpstr (summary, ==, summaries[i].summary);
      g_assert_null (strchr (summary, '\n'));
    }
}

static void
test_zone (void)
{
  g_autoptr(ChorusGroup) group = NULL;
  g_autoptr(ChorusExplanation) explanation = NULL;
  const char *const *warnings;

  if (if_nametoindex ("lo") == 0)
    {
      g_test_skip ("no loopback interface called lo");
      return;
    }

  /* With its interface, a link-local group needs no warning about it. */
  group = chorus_group_parse ("ff12::4242%lo", NULL);
  explanation = chorus_explain (group, 0, 0);
  warnings = chorus_explanation_get_warnings (explanation);
  g_assert_null (warnings[0]);

  g_clear_pointer (&explanation, chorus_explanation_free);
  g_clear_pointer (&group, chorus_group_unref);
  group = chorus_group_parse ("ff01::1%lo", NULL);
  explanation = chorus_explain (group, 0, 0);
  warnings = chorus_explanation_get_warnings (explanation);
  g_assert_cmpstr (warnings[0], ==, "Interface-local: it never leaves this host");
}

static void
test_fragments (void)
{
  static const struct
  {
    const char *group;
    guint mtu;
    gsize payload;
    const char *warning;    /* NULL: none about the size */
  } sizes[] = {
    { "239.1.2.3", 1500, 1472, NULL },
    { "239.1.2.3", 1500, 1473,
      "A 1473-byte message does not fit one packet on a 1500-byte MTU (1472 bytes at most): "
      "it goes in fragments" },
    { "ff15::1", 1500, 1452, NULL },
    { "ff15::1", 1500, 1453, "(1452 bytes at most)" },
    { "ff15::1", 1280, 1233, "on a 1280-byte MTU (1232 bytes at most)" },
    { "239.1.2.3", 68, 41, "(40 bytes at most)" },
    /* Unknown MTU or size: nothing to say. */
    { "239.1.2.3", 0, 9000, NULL },
    { "239.1.2.3", 1500, 0, NULL },
    /* Past what one datagram carries, whatever the MTU. */
    { "239.1.2.3", 0, 65508, "The message is 65508 bytes: one IPv4 datagram carries at most" },
    { "ff15::1", 9000, 65528, "one IPv6 datagram carries at most 65527 bytes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(ChorusGroup) group = chorus_group_parse (sizes[i].group, NULL);
      g_autoptr(ChorusExplanation) explanation =
        chorus_explain (group, sizes[i].mtu, sizes[i].payload);
      const char *const *warnings = chorus_explanation_get_warnings (explanation);
      const char *last = NULL;

      g_test_message ("%s, MTU %u, %zu bytes", sizes[i].group, sizes[i].mtu, sizes[i].payload);
      for (guint j = 0; warnings[j] != NULL; j++)
        last = warnings[j];

      if (sizes[i].warning == NULL)
        g_assert_true (last == NULL || (strstr (last, "fragments") == NULL
                                        && strstr (last, "datagram") == NULL));
      else
        g_assert_nonnull (strstr (last, sizes[i].warning));
    }
}

/* The MAC drops the top 5 of the 28 bits that vary: 32 groups a MAC. */
static void
test_mac_sharing (void)
{
  g_autoptr(ChorusGroup) group = chorus_group_parse ("224.3.29.71", NULL);
  g_autoptr(ChorusExplanation) explanation = chorus_explain (group, 0, 0);
  guint n_same = 0;

  for (guint first = 224; first <= 239; first++)
    for (guint high = 0; high < 2; high++)
      {
        g_autofree char *text = g_strdup_printf ("%u.%u.29.71", first, 3 | (high << 7));
        g_autoptr(ChorusGroup) other = chorus_group_parse (text, NULL);
        g_autoptr(ChorusExplanation) other_explanation = chorus_explain (other, 0, 0);

        n_same += g_str_equal (chorus_explanation_get_mac (other_explanation),
                               chorus_explanation_get_mac (explanation));
      }

  g_assert_cmpuint (n_same, ==, 32);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/explain/table", test_explain);
  g_test_add_func ("/explain/summary", test_summary);
  g_test_add_func ("/explain/zone", test_zone);
  g_test_add_func ("/explain/fragments", test_fragments);
  g_test_add_func ("/explain/mac-sharing", test_mac_sharing);

  return g_test_run ();
}
