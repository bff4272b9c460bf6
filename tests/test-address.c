/* test-address.c: what counts as a group, a port, a TTL, a size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <net/if.h>

#include "chorus-address.h"
#include "chorus-error.h"

typedef struct
{
  const char *text;
  const char *canonical;   /* NULL: invalid */
  int code;
  const char *message;     /* a part the message must contain */
} GroupCase;

static const GroupCase group_cases[] = {
  { "224.3.29.71", "224.3.29.71" },
  { "  224.3.29.71\t", "224.3.29.71" },
  { "224.0.0.0", "224.0.0.0" },
  { "230.255.255.255", "230.255.255.255" },
  /* The article stops at 230.255.255.255; 224.0.0.0/4 goes on to 239. */
  { "231.0.0.1", "231.0.0.1" },
  { "239.255.255.255", "239.255.255.255" },
  { "240.0.0.1", NULL, CHORUS_ERROR_INVALID_GROUP,
    "240.0.0.1 is not a multicast address: IPv4 groups are 224.0.0.0 to 239.255.255.255" },
  { "223.255.255.255", NULL, CHORUS_ERROR_INVALID_GROUP, "223.255.255.255 is not a multicast" },
  { "10.0.0.1", NULL, CHORUS_ERROR_INVALID_GROUP, "10.0.0.1 is not a multicast address" },
  { "255.255.255.255", NULL, CHORUS_ERROR_INVALID_GROUP, "not a multicast address" },
  { "", NULL, CHORUS_ERROR_INVALID_GROUP, "Enter a multicast group" },
  { "   ", NULL, CHORUS_ERROR_INVALID_GROUP, "Enter a multicast group" },
  { "banana", NULL, CHORUS_ERROR_INVALID_GROUP, "“banana” is not an IP address" },
  { "224.3.29", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.256", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.71:10000", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.71 x", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "<b>224.3.29.71</b>", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  /* What was typed is quoted on one line, without control characters. */
  { "\x1b[31mred", NULL, CHORUS_ERROR_INVALID_GROUP, "“\\x1b[31mred” is not an IP address" },
  { "a\nb", NULL, CHORUS_ERROR_INVALID_GROUP, "“a\\nb” is not an IP address" },
  /* A long text is cut short, but never inside an escape. */
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x1b[31m", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is not an IP address" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x80\xae" "cba", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is not an IP address" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\\", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is not an IP address" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\\\\", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\\…” is not an IP address" },
  { "::1", NULL, CHORUS_ERROR_INVALID_GROUP, "::1 is not a multicast address: IPv6 groups start with ff" },
  { "fe80::1", NULL, CHORUS_ERROR_INVALID_GROUP, "IPv6 groups start with ff" },
  { "::ffff:224.3.29.71", NULL, CHORUS_ERROR_INVALID_GROUP, "IPv6 groups start with ff" },
  { "[ff02::1]", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.71%lo", NULL, CHORUS_ERROR_INVALID_GROUP,
    "224.3.29.71%lo: only IPv6 groups name an interface after “%”" },
  { "10.0.0.1%lo", NULL, CHORUS_ERROR_INVALID_GROUP, "10.0.0.1%lo is not a multicast address" },
  { "ff02::1%", NULL, CHORUS_ERROR_INVALID_GROUP, "“ff02::1%” ends with “%”: give an interface" },
  { "ff02::1%no-such-if0", NULL, CHORUS_ERROR_INVALID_GROUP,
    "This computer has no network interface called “no-such-if0” (in ff02::1%no-such-if0)" },
  { "ff02::1%lo:0", NULL, CHORUS_ERROR_INVALID_GROUP, "no network interface called “lo:0”" },
  { "ff02::1%a-name-longer-than-ifnamsiz", NULL, CHORUS_ERROR_INVALID_GROUP,
    "no network interface called" },
  { "ff02::1%0", NULL, CHORUS_ERROR_INVALID_GROUP, "no network interface number 0" },
  { "ff02::1%4000000", NULL, CHORUS_ERROR_INVALID_GROUP, "no network interface number 4000000" },
  { "ff02::1%99999999999999999999999", NULL, CHORUS_ERROR_INVALID_GROUP,
    "no network interface number" },
  { "ff02::1%lo%lo", NULL, CHORUS_ERROR_INVALID_GROUP, "no network interface called “lo%lo”" },
  { "ff02::1%\x1b[31m", NULL, CHORUS_ERROR_INVALID_GROUP, "called “\\x1b[31m”" },
  { "%lo", NULL, CHORUS_ERROR_INVALID_GROUP, "“%lo” is not an IP address" },
};

typedef struct
{
  const char *text;
  const char *canonical;
  ChorusScope scope;
  gboolean source_specific;
  gboolean needs_interface;
} Ipv6Case;

static const Ipv6Case ipv6_cases[] = {
  { "ff02::1", "ff02::1", CHORUS_SCOPE_LINK_LOCAL, FALSE, TRUE },
  { " FF02:0:0:0:0:0:0:4242 ", "ff02::4242", CHORUS_SCOPE_LINK_LOCAL, FALSE, TRUE },
  { "ff01::1", "ff01::1", CHORUS_SCOPE_INTERFACE_LOCAL, FALSE, TRUE },
  { "ff03::1", "ff03::1", CHORUS_SCOPE_REALM_LOCAL, FALSE, FALSE },
  { "ff04::1", "ff04::1", CHORUS_SCOPE_ADMIN_LOCAL, FALSE, FALSE },
  { "ff05::c", "ff05::c", CHORUS_SCOPE_SITE_LOCAL, FALSE, FALSE },
  { "ff08::1", "ff08::1", CHORUS_SCOPE_ORGANIZATION_LOCAL, FALSE, FALSE },
  { "ff0e::101", "ff0e::101", CHORUS_SCOPE_GLOBAL, FALSE, FALSE },
  { "ff00::1", "ff00::1", CHORUS_SCOPE_RESERVED, FALSE, FALSE },
  { "ff0f::1", "ff0f::1", CHORUS_SCOPE_RESERVED, FALSE, FALSE },
  { "ff06::1", "ff06::1", CHORUS_SCOPE_RESERVED, FALSE, FALSE },
  { "ff0d::1", "ff0d::1", CHORUS_SCOPE_RESERVED, FALSE, FALSE },
  /* Flags are the high four bits of the second byte, scope the low. */
  { "ff15::1", "ff15::1", CHORUS_SCOPE_SITE_LOCAL, FALSE, FALSE },
  { "ff12::1", "ff12::1", CHORUS_SCOPE_LINK_LOCAL, FALSE, TRUE },
  { "ff7e:140:2001:db8::1", "ff7e:140:2001:db8::1", CHORUS_SCOPE_GLOBAL, FALSE, FALSE },
  /* RFC 4607: ff3x::/96 is source-specific; the rest of ff3x::/32 is not
   * usable as such. */
  { "ff3e::8000:1", "ff3e::8000:1", CHORUS_SCOPE_GLOBAL, TRUE, FALSE },
  { "ff35::1", "ff35::1", CHORUS_SCOPE_SITE_LOCAL, TRUE, FALSE },
  { "ff32::1", "ff32::1", CHORUS_SCOPE_LINK_LOCAL, TRUE, TRUE },
  { "ff3e:0:0:0:0:1::1", "ff3e::1:0:1", CHORUS_SCOPE_GLOBAL, FALSE, FALSE },
  { "ff3e:30:2001:db8::1", "ff3e:30:2001:db8::1", CHORUS_SCOPE_GLOBAL, FALSE, FALSE },
  { "ff2e::1", "ff2e::1", CHORUS_SCOPE_GLOBAL, FALSE, FALSE },
  { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    CHORUS_SCOPE_RESERVED, FALSE, FALSE },
};

static void
test_group_ipv6 (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ipv6_cases); i++)
    {
      const Ipv6Case *c = &ipv6_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(ChorusGroup) group = chorus_group_parse (c->text, &error);
      g_autofree char *text = NULL;

      g_test_message ("group “%s”", c->text);
      g_assert_no_error (error);
      text = chorus_group_to_string (group);
      g_assert_cmpstr (text, ==, c->canonical);
      g_assert_cmpint (chorus_group_get_family (group), ==, G_SOCKET_FAMILY_IPV6);
      g_assert_cmpuint (chorus_group_get_max_payload (group), ==, 65527);
      g_assert_cmpint (chorus_group_get_scope (group), ==, c->scope);
      g_assert_cmpint (chorus_group_is_source_specific (group), ==, c->source_specific);
      g_assert_cmpint (chorus_group_needs_interface (group), ==, c->needs_interface);
      g_assert_null (chorus_group_get_interface (group));
      g_assert_cmpuint (chorus_group_get_ifindex (group), ==, 0);
      g_assert_null (chorus_group_get_source (group));
    }
}

static void
test_scope_ipv4 (void)
{
  struct {
    const char *text;
    ChorusScope scope;
    gboolean source_specific;
  } cases[] = {
    { "224.0.0.0", CHORUS_SCOPE_LINK_LOCAL },
    { "224.0.0.251", CHORUS_SCOPE_LINK_LOCAL },
    { "224.0.0.255", CHORUS_SCOPE_LINK_LOCAL },
    { "224.0.1.1", CHORUS_SCOPE_GLOBAL },
    { "224.3.29.71", CHORUS_SCOPE_GLOBAL },
    { "231.255.255.255", CHORUS_SCOPE_GLOBAL },
    { "232.0.0.0", CHORUS_SCOPE_GLOBAL, TRUE },
    { "232.255.255.255", CHORUS_SCOPE_GLOBAL, TRUE },
    { "233.0.0.1", CHORUS_SCOPE_GLOBAL },
    { "238.255.255.255", CHORUS_SCOPE_GLOBAL },
    { "239.0.0.0", CHORUS_SCOPE_ADMINISTRATIVE },
    { "239.191.255.255", CHORUS_SCOPE_ADMINISTRATIVE },
    { "239.192.0.0", CHORUS_SCOPE_ORGANIZATION_LOCAL },
    { "239.195.255.255", CHORUS_SCOPE_ORGANIZATION_LOCAL },
    { "239.196.0.0", CHORUS_SCOPE_ADMINISTRATIVE },
    { "239.254.255.255", CHORUS_SCOPE_ADMINISTRATIVE },
    { "239.255.0.0", CHORUS_SCOPE_SITE_LOCAL },
    { "239.255.255.250", CHORUS_SCOPE_SITE_LOCAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ChorusGroup) group = chorus_group_parse (cases[i].text, NULL);

      g_test_message ("group “%s”", cases[i].text);
      g_assert_cmpint (chorus_group_get_scope (group), ==, cases[i].scope);
      g_assert_cmpint (chorus_group_is_source_specific (group), ==, cases[i].source_specific);
      /* IPv4 has no zones: the routing table picks the interface. */
      g_assert_false (chorus_group_needs_interface (group));
      g_assert_true (chorus_check_group_interface (group, 0, NULL));
    }
}

static void
test_scope_nick (void)
{
  g_assert_cmpstr (chorus_scope_get_nick (CHORUS_SCOPE_INTERFACE_LOCAL), ==, "interface-local");
  g_assert_cmpstr (chorus_scope_get_nick (CHORUS_SCOPE_LINK_LOCAL), ==, "link-local");
  g_assert_cmpstr (chorus_scope_get_nick (CHORUS_SCOPE_ORGANIZATION_LOCAL), ==,
                   "organization-local");
  g_assert_cmpstr (chorus_scope_get_nick (CHORUS_SCOPE_ADMINISTRATIVE), ==, "administrative");
  g_assert_cmpstr (chorus_scope_get_nick (CHORUS_SCOPE_RESERVED), ==, "reserved");
}

static void
test_zone (void)
{
  guint lo = if_nametoindex ("lo");
  g_autofree char *by_index = NULL;
  g_autoptr(ChorusGroup) named = NULL;
  g_autoptr(ChorusGroup) numbered = NULL;
  g_autoptr(ChorusGroup) plain = NULL;
  g_autofree char *text = NULL;

  if (lo == 0)
    {
      g_test_skip ("no loopback interface called lo");
      return;
    }

  named = chorus_group_parse (" ff02::4242%lo ", NULL);
  g_assert_nonnull (named);
  g_assert_cmpstr (chorus_group_get_interface (named), ==, "lo");
  g_assert_cmpuint (chorus_group_get_ifindex (named), ==, lo);
  text = chorus_group_to_string (named);
  g_assert_cmpstr (text, ==, "ff02::4242%lo");

  /* An index names the same interface, and reads back by name. */
  by_index = g_strdup_printf ("ff02::4242%%%u", lo);
  numbered = chorus_group_parse (by_index, NULL);
  g_assert_nonnull (numbered);
  g_assert_cmpstr (chorus_group_get_interface (numbered), ==, "lo");
  g_assert_true (chorus_group_equal (named, numbered));

  /* The zone is part of the group: the same address elsewhere differs. */
  plain = chorus_group_parse ("ff02::4242", NULL);
  g_assert_false (chorus_group_equal (named, plain));

  /* A global group may name its interface too. */
  g_clear_pointer (&named, chorus_group_unref);
  named = chorus_group_parse ("ff0e::1%lo", NULL);
  g_assert_nonnull (named);
  g_assert_cmpuint (chorus_group_get_ifindex (named), ==, lo);
}

static void
test_check_group_interface (void)
{
  guint lo = if_nametoindex ("lo");
  g_autoptr(ChorusGroup) link = chorus_group_parse ("ff02::4242", NULL);
  g_autoptr(ChorusGroup) node = chorus_group_parse ("ff01::1", NULL);
  g_autoptr(ChorusGroup) site = chorus_group_parse ("ff05::4242", NULL);
  g_autoptr(ChorusGroup) zoned = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (chorus_check_group_interface (link, 0, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE);
  g_assert_cmpstr (error->message, ==,
                   "ff02::4242 is link-local: give an interface, as ff02::4242%eth0 "
                   "or with -I eth0");
  g_clear_error (&error);

  g_assert_false (chorus_check_group_interface (node, 0, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE);
  g_assert_nonnull (strstr (error->message, "ff01::1 is interface-local: give an interface"));
  g_clear_error (&error);

  g_assert_true (chorus_check_group_interface (site, 0, NULL));

  if (lo == 0)
    return;

  g_assert_true (chorus_check_group_interface (link, lo, NULL));
  g_assert_true (chorus_check_group_interface (site, lo, NULL));

  zoned = chorus_group_parse ("ff02::4242%lo", NULL);
  g_assert_true (chorus_check_group_interface (zoned, 0, NULL));
  g_assert_true (chorus_check_group_interface (zoned, lo, NULL));

  /* Two interfaces that disagree: say which, whether or not the other
   * still exists. */
  g_assert_false (chorus_check_group_interface (zoned, lo + 100000, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE);
  g_assert_nonnull (strstr (error->message, "ff02::4242%lo is on lo, but the interface chosen is"));
  g_assert_nonnull (strstr (error->message, "choose lo"));
}

typedef struct
{
  const char *text;
  guint max;
  const char *groups;   /* joined with ",", or NULL: invalid */
  const char *message;
} ListCase;

static const ListCase list_cases[] = {
  { "239.1.1.1", 10, "239.1.1.1" },
  { " 239.1.1.1, 239.1.1.7 ", 10, "239.1.1.1,239.1.1.7" },
  { "239.1.1.1 239.1.1.7\t224.3.29.71\n", 10, "239.1.1.1,239.1.1.7,224.3.29.71" },
  { "239.1.1.1,,239.1.1.2,", 10, "239.1.1.1,239.1.1.2" },
  { "239.1.1.1+2", 10, "239.1.1.1,239.1.1.2,239.1.1.3" },
  { "239.1.1.1+0", 10, "239.1.1.1" },
  { "239.1.1.1+9", 10,
    "239.1.1.1,239.1.1.2,239.1.1.3,239.1.1.4,239.1.1.5,239.1.1.6,239.1.1.7,239.1.1.8,239.1.1.9,"
    "239.1.1.10" },
  /* Counting carries into the next byte. */
  { "224.0.0.254+3", 10, "224.0.0.254,224.0.0.255,224.0.1.0,224.0.1.1" },
  { "239.255.255.254+1", 10, "239.255.255.254,239.255.255.255" },
  /* Duplicates are dropped; the first place counts. */
  { "239.1.1.3, 239.1.1.1+3", 10, "239.1.1.3,239.1.1.1,239.1.1.2,239.1.1.4" },
  { "239.1.1.1 239.1.1.1 239.1.1.1", 1, "239.1.1.1" },
  { "ff15::1+2", 10, "ff15::1,ff15::2,ff15::3" },
  { "ff15::ff+1, ff05::1", 10, "ff15::ff,ff15::100,ff05::1" },
  { "ff15::ffff:ffff:ffff:ffff+1", 10, "ff15::ffff:ffff:ffff:ffff,ff15:0:0:1::" },
  { "ff02::1%lo+1 ff02::1", 10, "ff02::1%lo,ff02::2%lo,ff02::1" },
  { "", 10, NULL, "Enter a multicast group, such as 224.3.29.71" },
  { " , ,", 10, NULL, "Enter a multicast group, such as 224.3.29.71" },
  { "239.1.1.1, banana", 10, NULL, "“banana” is not an IP address" },
  { "239.1.1.1, 10.0.0.1", 10, NULL, "10.0.0.1 is not a multicast address" },
  { "239.1.1.1, ff05::1", 10, NULL,
    "239.1.1.1 and ff05::1 are not both IPv4 or both IPv6: the groups of one list share one "
    "socket" },
  { "ff05::1 239.1.1.1+3", 10, NULL, "ff05::1 and 239.1.1.1+3 are not both IPv4 or both IPv6" },
  { "239.255.255.250+6", 10, NULL,
    "239.255.255.250+6 goes past 239.255.255.255, the last IPv4 group" },
  { "ff02:ffff:ffff:ffff:ffff:ffff:ffff:fffe+2", 10, NULL,
    "goes past ff02:ffff:ffff:ffff:ffff:ffff:ffff:ffff, the last group with the same flags" },
  { "239.1.1.1+", 10, NULL, "“239.1.1.1+”: after “+” give how many more groups follow" },
  { "239.1.1.1+x", 10, NULL, "after “+” give how many more groups follow, as in 239.1.1.1+9" },
  { "239.1.1.1+-1", 10, NULL, "after “+” give how many more groups follow" },
  { "239.1.1.1+1+1", 10, NULL, "“239.1.1.1+1” is not an IP address" },
  { "+9", 10, NULL, "“+9”: give the first group before “+”" },
  { "239.1.1.1+10", 10, NULL, "239.1.1.1+10 is more groups than the 10 a list may have" },
  { "239.1.1.1+99999999999999999999999", 10, NULL, "more groups than the 10 a list may have" },
  { "239.1.1.1+4294967295", 1000, NULL, "more groups than the 1000 a list may have" },
  { "239.1.1.1+8, 239.2.2.2", 10, "239.1.1.1,239.1.1.2,239.1.1.3,239.1.1.4,239.1.1.5,239.1.1.6,"
    "239.1.1.7,239.1.1.8,239.1.1.9,239.2.2.2" },
  { "239.1.1.1+8, 239.2.2.2 239.3.3.3", 10, NULL,
    "The list has more than 10 groups: give 10 at most" },
  { "239.1.1.1 239.1.1.2", 1, NULL, "The list has more than 1 groups" },
  { "224.3.29.71%lo", 10, NULL, "only IPv6 groups name an interface" },
};

static void
test_group_list (void)
{
  gboolean have_lo = if_nametoindex ("lo") != 0;

  for (guint i = 0; i < G_N_ELEMENTS (list_cases); i++)
    {
      const ListCase *c = &list_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) groups = NULL;

      if (!have_lo && strstr (c->text, "%lo") != NULL)
        continue;

      g_test_message ("list “%s”", c->text);
      groups = chorus_group_parse_list (c->text, c->max, &error);

      if (c->groups != NULL)
        {
          g_autoptr(GString) joined = g_string_new (NULL);

          g_assert_no_error (error);
          for (guint j = 0; j < groups->len; j++)
            {
              g_autofree char *text = chorus_group_to_string (g_ptr_array_index (groups, j));

              g_string_append_printf (joined, "%s%s", j > 0 ? "," : "", text);
            }
          g_assert_cmpstr (joined->str, ==, c->groups);
          g_assert_cmpuint (groups->len, <=, c->max);
        }
      else
        {
          g_assert_null (groups);
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

typedef struct
{
  const char *text;
  GSocketFamily family;
  const char *canonical;   /* NULL: invalid */
  const char *message;
} SourceCase;

static const SourceCase source_cases[] = {
  { "10.0.0.1", G_SOCKET_FAMILY_IPV4, "10.0.0.1" },
  { " 192.0.2.1 ", G_SOCKET_FAMILY_IPV4, "192.0.2.1" },
  { "127.0.0.1", G_SOCKET_FAMILY_IPV4, "127.0.0.1" },
  { "2001:DB8::1", G_SOCKET_FAMILY_IPV6, "2001:db8::1" },
  { "fe80::1", G_SOCKET_FAMILY_IPV6, "fe80::1" },
  { "::1", G_SOCKET_FAMILY_IPV6, "::1" },
  { "10.0.0.1", G_SOCKET_FAMILY_IPV6, NULL, "10.0.0.1 is IPv4: the group is IPv6" },
  { "2001:db8::1", G_SOCKET_FAMILY_IPV4, NULL, "2001:db8::1 is IPv6: the group is IPv4" },
  { "239.1.1.1", G_SOCKET_FAMILY_IPV4, NULL,
    "239.1.1.1 is a multicast address: the source is the unicast address" },
  { "ff02::1", G_SOCKET_FAMILY_IPV6, NULL, "ff02::1 is a multicast address" },
  { "0.0.0.0", G_SOCKET_FAMILY_IPV4, NULL, "0.0.0.0 is the unspecified address" },
  { "::", G_SOCKET_FAMILY_IPV6, NULL, ":: is the unspecified address" },
  { "255.255.255.255", G_SOCKET_FAMILY_IPV4, NULL, "255.255.255.255 is the broadcast address" },
  { "", G_SOCKET_FAMILY_IPV4, NULL, "Enter the address of the source, the host that sends, "
    "such as 192.0.2.1" },
  { " ", G_SOCKET_FAMILY_IPV6, NULL, "such as 2001:db8::1" },
  { "server", G_SOCKET_FAMILY_IPV4, NULL,
    "“server” is not an IP address: give the address of the host that sends" },
  { "fe80::1%lo", G_SOCKET_FAMILY_IPV6, NULL, "is not an IP address" },
};

static void
test_source (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (source_cases); i++)
    {
      const SourceCase *c = &source_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GInetAddress) source = chorus_parse_source (c->text, c->family, &error);

      g_test_message ("source “%s”", c->text);
      if (c->canonical != NULL)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          text = g_inet_address_to_string (source);
          g_assert_cmpstr (text, ==, c->canonical);
        }
      else
        {
          g_assert_null (source);
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

static void
test_group (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (group_cases); i++)
    {
      const GroupCase *c = &group_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(ChorusGroup) group = chorus_group_parse (c->text, &error);

      g_test_message ("group “%s”", c->text);

      if (c->canonical != NULL)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (group);
          text = chorus_group_to_string (group);
          g_assert_cmpstr (text, ==, c->canonical);
          g_assert_cmpint (chorus_group_get_family (group), ==, G_SOCKET_FAMILY_IPV4);
          g_assert_cmpuint (chorus_group_get_max_payload (group), ==, 65507);
          g_assert_null (chorus_group_get_source (group));
        }
      else
        {
          g_assert_null (group);
          g_assert_error (error, CHORUS_ERROR, c->code);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

static void
test_long_input (void)
{
  g_autofree char *pasted = g_strnfill (5000, '9');
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* A pasted novel is not echoed back whole. */
  g_assert_null (chorus_group_parse (pasted, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 120);
  g_assert_nonnull (strstr (error->message, "999…” is not an IP address"));
  g_clear_error (&error);

  g_assert_false (chorus_parse_port (pasted, &port, &error));
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 120);
}

static void
test_group_equal (void)
{
  g_autoptr(ChorusGroup) a = chorus_group_parse ("224.3.29.71", NULL);
  g_autoptr(ChorusGroup) b = chorus_group_parse (" 224.3.29.71 ", NULL);
  g_autoptr(ChorusGroup) c = chorus_group_parse ("224.3.29.72", NULL);

  g_assert_true (chorus_group_equal (a, b));
  g_assert_false (chorus_group_equal (a, c));
  g_assert_false (chorus_group_equal (a, NULL));
}

typedef struct
{
  const char *text;
  gint64 value;        /* -1: invalid */
  const char *message;
} NumberCase;

static const NumberCase port_cases[] = {
  { "1", 1 },
  { "10000", 10000 },
  { " 65535 ", 65535 },
  { "0", -1, "Port 0 is out of range: use a port from 1 to 65535" },
  { "65536", -1, "Port 65536 is out of range" },
  { "-1", -1, "Port -1 is out of range" },
  { "99999999999999999999999", -1, "out of range" },
  { "", -1, "Enter a port from 1 to 65535" },
  { "abc", -1, "“abc” is not a port number" },
  { "10.5", -1, "“10.5” is not a port number" },
  { "0x10", -1, "is not a port number" },
  { "+5", -1, "is not a port number" },
};

static const NumberCase ttl_cases[] = {
  { "0", 0 },
  { "1", 1 },
  { "255", 255 },
  { "256", -1, "TTL 256 is out of range: use 0 to 255" },
  { "-1", -1, "TTL -1 is out of range" },
  { "one", -1, "“one” is not a TTL" },
  { "", -1, "Enter a TTL from 0 to 255" },
};

static const NumberCase count_cases[] = {
  { "1", 1 },
  { "1000", 1000 },
  { "0", -1, "Count 0 is out of range" },
  { "-3", -1, "Count -3 is out of range" },
  { "many", -1, "“many” is not a count" },
};

static const NumberCase rate_cases[] = {
  { "0", 0 },
  { "100", 100 },
  { " 1000000 ", 1000000 },
  { "1000001", -1, "Rate 1000001 is out of range: use 0 to 1000000 answers a second" },
  { "-1", -1, "Rate -1 is out of range" },
  { "2.5", -1, "“2.5” is not a rate" },
  { "", -1, "is not a rate" },
  { "\e[31mred", -1, "“\\x1b[31mred” is not a rate" },
};

static void
test_rate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rate_cases); i++)
    {
      const NumberCase *c = &rate_cases[i];
      g_autoptr(GError) error = NULL;
      guint rate = 42;
      gboolean ok = chorus_parse_rate (c->text, &rate, &error);

      g_test_message ("rate “%s”", c->text);
      g_assert_cmpint (ok, ==, c->value >= 0);
      if (ok)
        g_assert_cmpint (rate, ==, c->value);
      else
        {
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, c->message));
          g_assert_cmpint (rate, ==, 42);
        }
    }
}

static void
test_port (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (port_cases); i++)
    {
      const NumberCase *c = &port_cases[i];
      g_autoptr(GError) error = NULL;
      guint16 port = 4242;
      gboolean ok = chorus_parse_port (c->text, &port, &error);

      g_test_message ("port “%s”", c->text);
      if (c->value >= 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (port, ==, c->value);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_PORT);
          g_assert_nonnull (strstr (error->message, c->message));
          g_assert_cmpint (port, ==, 4242);
        }
    }
}

static void
test_ttl (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ttl_cases); i++)
    {
      const NumberCase *c = &ttl_cases[i];
      g_autoptr(GError) error = NULL;
      guint8 ttl = 42;
      gboolean ok = chorus_parse_ttl (c->text, &ttl, &error);

      g_test_message ("ttl “%s”", c->text);
      if (c->value >= 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (ttl, ==, c->value);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_TTL);
          g_assert_nonnull (strstr (error->message, c->message));
          g_assert_cmpint (ttl, ==, 42);
        }
    }
}

static void
test_count (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (count_cases); i++)
    {
      const NumberCase *c = &count_cases[i];
      g_autoptr(GError) error = NULL;
      guint count = 0;
      gboolean ok = chorus_parse_count (c->text, &count, &error);

      g_test_message ("count “%s”", c->text);
      g_assert_cmpint (ok, ==, c->value >= 0);
      if (ok)
        g_assert_cmpint (count, ==, c->value);
      else
        {
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

static void
test_seconds (void)
{
  struct {
    const char *text;
    double minimum;
    double value;      /* < 0: invalid */
    const char *message;
  } cases[] = {
    { "1", 0, 1 },
    { "0", 0, 0 },
    { "0.25", 0, 0.25 },
    { " 2.5 ", 0.001, 2.5 },
    { "0,5", 0, 0.5 },
    { "1,5,0", 0, -1, "is not a number of seconds" },
    { "1,5.0", 0, -1, "is not a number of seconds" },
    { "-1", 0, -1, "Wait time cannot be negative" },
    { "0", 0.001, -1, "Wait time must be at least 0.001 seconds" },
    { "soon", 0, -1, "Wait time “soon” is not a number of seconds" },
    { "", 0, -1, "is not a number of seconds" },
    { "1s", 0, -1, "is not a number of seconds" },
    { "nan", 0, -1, "is not a number of seconds" },
    { "inf", 0, -1, "is not a number of seconds" },
    { "0x10", 0, -1, "is not a number of seconds" },
    { "\v1", 0, -1, "is not a number of seconds" },
    { "\v 0", 0, -1, "is not a number of seconds" },
    { "1e9", 0, -1, "is too long" },
    { "1e-3", 0, 0.001 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = -42;
      gboolean ok = chorus_parse_seconds (cases[i].text, "Wait time", cases[i].minimum, &value,
                                          &error);

      g_test_message ("seconds “%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].value >= 0);
      if (ok)
        g_assert_cmpfloat (value, ==, cases[i].value);
      else
        {
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, cases[i].message));
          g_assert_cmpfloat (value, ==, -42);
        }
    }
}

static void
test_payload_size (void)
{
  g_autoptr(ChorusGroup) group = chorus_group_parse ("224.3.29.71", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (chorus_check_payload_size (group, 0, NULL));
  g_assert_true (chorus_check_payload_size (group, 65507, NULL));
  g_assert_false (chorus_check_payload_size (group, 65508, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "The message is 65508 bytes: one IPv4 datagram carries at most 65507 bytes");
}

static void
test_interface (void)
{
  static const char *invalid[] = {
    "lo:", "lo:0", "lo:anything", "no-such-interface0", "a-name-longer-than-ifnamsiz", "lo lo",
  };
  guint index = 42;
  guint lo = if_nametoindex ("lo");

  g_assert_true (chorus_parse_interface (NULL, &index, NULL));
  g_assert_cmpuint (index, ==, 0);
  index = 42;
  g_assert_true (chorus_parse_interface (" ", &index, NULL));
  g_assert_cmpuint (index, ==, 0);

  if (lo != 0)
    {
      g_assert_true (chorus_parse_interface (" lo ", &index, NULL));
      g_assert_cmpuint (index, ==, lo);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("no network interface called “%s”", invalid[i]);

      index = 42;
      g_test_message ("interface “%s”", invalid[i]);
      g_assert_false (chorus_parse_interface (invalid[i], &index, &error));
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, expected));
      g_assert_cmpuint (index, ==, 42);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/group", test_group);
  g_test_add_func ("/address/group-ipv6", test_group_ipv6);
  g_test_add_func ("/address/scope-ipv4", test_scope_ipv4);
  g_test_add_func ("/address/scope-nick", test_scope_nick);
  g_test_add_func ("/address/zone", test_zone);
  g_test_add_func ("/address/check-group-interface", test_check_group_interface);
  g_test_add_func ("/address/group-list", test_group_list);
  g_test_add_func ("/address/source", test_source);
  g_test_add_func ("/address/group-equal", test_group_equal);
  g_test_add_func ("/address/long-input", test_long_input);
  g_test_add_func ("/address/port", test_port);
  g_test_add_func ("/address/ttl", test_ttl);
  g_test_add_func ("/address/count", test_count);
  g_test_add_func ("/address/rate", test_rate);
  g_test_add_func ("/address/seconds", test_seconds);
  g_test_add_func ("/address/payload-size", test_payload_size);
  g_test_add_func ("/address/interface", test_interface);

  return g_test_run ();
}
