/* test-gmp-proc.c: the /proc files of IGMP and MLD, on sample contents
 *
 * The samples are what Linux 6.1 printed on x86-64 for a host that had
 * joined 239.1.2.3 for any source, (10.0.0.1, 232.1.1.1) and, over
 * IPv6, (2001:db8::1, ff3e::1234).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-gmp-proc.h"

/* /proc/net/igmp prints group addresses in host byte order. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define HEX_224_0_0_1   "010000E0"
#define HEX_239_1_2_3   "030201EF"
#define HEX_232_1_1_1   "010101E8"
#else
#define HEX_224_0_0_1   "E0000001"
#define HEX_239_1_2_3   "EF010203"
#define HEX_232_1_1_1   "E8010101"
#endif

static const char igmp[] =
  "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
  "1\tlo        :     1      V3\n"
  "\t\t\t\t" HEX_224_0_0_1 "     1 0:00000000\t\t0\n"
  "2\teth0      :     3      V2\n"
  "\t\t\t\t" HEX_232_1_1_1 "     1 0:00000000\t\t0\n"
  "\t\t\t\t" HEX_239_1_2_3 "     2 1:000001F4\t\t1\n"
  "\t\t\t\t" HEX_224_0_0_1 "     1 0:00000000\t\t0\n"
  "17\tveth0123456789:     0      V3\n";

static const char igmp6[] =
  "1    lo              ff020000000000000000000000000001     1 0000000C 0\n"
  "2    eth0            ff3e0000000000000000000000001234     1 00000004 0\n"
  "2    eth0            ff020000000000000000000000000001     1 0000000C 0\n";

static const char mcfilter[] =
  "Idx Device        MCA        SRC    INC    EXC\n"
  "  2   eth0 0xe8010101 0x0a000001      1      0\n";

static const char mcfilter6[] =
  "Idx Device                Multicast Address                   Source Address    INC    EXC\n"
  "  2   eth0 ff3e0000000000000000000000001234 20010db8000000000000000000000001      1      0\n";

static const char snmp6[] =
  "Ip6InReceives                   \t12\n"
  "Icmp6InGroupMembQueries         \t7\n"
  "Icmp6InGroupMembResponses       \t0\n"
  "Icmp6InMLDv2Reports             \t3\n";

static ChorusGmpProcGroup *
group_of (ChorusGmpProcLink *link,
          const char        *address)
{
  for (guint i = 0; i < link->groups->len; i++)
    {
      ChorusGmpProcGroup *group = g_ptr_array_index (link->groups, i);

      if (g_str_equal (group->group, address))
        return group;
    }

  return NULL;
}

static void
test_memberships (void)
{
  g_autoptr(ChorusGmpProc) proc = chorus_gmp_proc_new ();
  g_autoptr(GError) error = NULL;
  ChorusGmpProcLink *lo, *eth0, *veth;
  ChorusGmpProcGroup *group;
  ChorusGmpProcSource *source;

  g_assert_true (chorus_gmp_proc_add_igmp (proc, igmp, &error));
  g_assert_no_error (error);
  g_assert_true (chorus_gmp_proc_add_igmp6 (proc, igmp6, &error));
  g_assert_no_error (error);
  g_assert_true (chorus_gmp_proc_add_mcfilter (proc, mcfilter, &error));
  g_assert_no_error (error);
  g_assert_true (chorus_gmp_proc_add_mcfilter6 (proc, mcfilter6, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (proc->links->len, ==, 3);
  lo = chorus_gmp_proc_lookup (proc, 1);
  eth0 = chorus_gmp_proc_lookup (proc, 2);
  veth = chorus_gmp_proc_lookup (proc, 17);
  g_assert_nonnull (lo);
  g_assert_nonnull (eth0);
  g_assert_nonnull (veth);
  g_assert_null (chorus_gmp_proc_lookup (proc, 3));

  g_assert_cmpstr (lo->name, ==, "lo");
  g_assert_cmpuint (lo->igmp_querier_version, ==, 3);
  g_assert_cmpuint (lo->groups->len, ==, 2);
  g_assert_nonnull (group_of (lo, "224.0.0.1"));
  g_assert_nonnull (group_of (lo, "ff02::1"));

  /* The colon comes right after a name of ten characters or more. */
  g_assert_cmpstr (veth->name, ==, "veth0123456789");
  g_assert_cmpuint (veth->groups->len, ==, 0);

  g_assert_cmpstr (eth0->name, ==, "eth0");
  g_assert_cmpuint (eth0->igmp_querier_version, ==, 2);
  g_assert_cmpuint (eth0->groups->len, ==, 5);
  group = group_of (eth0, "239.1.2.3");
  g_assert_nonnull (group);
  g_assert_cmpint (group->family, ==, G_SOCKET_FAMILY_IPV4);
  g_assert_cmpuint (group->users, ==, 2);
  g_assert_cmpuint (group->sources->len, ==, 0);

  group = group_of (eth0, "232.1.1.1");
  g_assert_nonnull (group);
  g_assert_cmpuint (group->sources->len, ==, 1);
  source = g_ptr_array_index (group->sources, 0);
  g_assert_cmpstr (source->address, ==, "10.0.0.1");
  g_assert_cmpuint (source->include, ==, 1);
  g_assert_cmpuint (source->exclude, ==, 0);

  group = group_of (eth0, "ff3e::1234");
  g_assert_nonnull (group);
  g_assert_cmpint (group->family, ==, G_SOCKET_FAMILY_IPV6);
  g_assert_cmpuint (group->sources->len, ==, 1);
  source = g_ptr_array_index (group->sources, 0);
  g_assert_cmpstr (source->address, ==, "2001:db8::1");
}

/* mcfilter cuts names to six characters: the longer one stays. */
static void
test_cut_names (void)
{
  g_autoptr(ChorusGmpProc) proc = chorus_gmp_proc_new ();
  g_autoptr(GError) error = NULL;

  static const char igmp_text[] =
    "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
    "5\tenp0s31f6 :     0      V3\n";
  static const char mcfilter_text[] =
    "Idx Device        MCA        SRC    INC    EXC\n"
    "  5 enp0s3 0xe8010101 0x0a000001      0      1\n";

  g_assert_true (chorus_gmp_proc_add_igmp (proc, igmp_text, &error));
  g_assert_true (chorus_gmp_proc_add_mcfilter (proc, mcfilter_text, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (proc->links->len, ==, 1);
  g_assert_cmpstr (chorus_gmp_proc_lookup (proc, 5)->name, ==, "enp0s31f6");
}

static void
test_empty (void)
{
  g_autoptr(ChorusGmpProc) proc = chorus_gmp_proc_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (chorus_gmp_proc_add_igmp (proc, "", &error));
  g_assert_true (chorus_gmp_proc_add_igmp6 (proc, "\n", &error));
  g_assert_true (chorus_gmp_proc_add_mcfilter (proc,
                                               "Idx Device        MCA        SRC    INC    EXC\n",
                                               &error));
  g_assert_no_error (error);
  g_assert_cmpuint (proc->links->len, ==, 0);
}

static void
test_malformed (void)
{
  static const char *const bad_igmp[] = {
    "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
    "\t\t\t\t010000E0     1 0:00000000\t\t0\n", /* a group before any interface */
    "x\teth0      :     1      V3\n",
    "2\teth0      :     1      V9\n",
    "2\teth0      :     1      V3\n\t\t\t\tZZ0000E0     1 0:00000000\t\t0\n",
    "2\teth0           1      V3\n",
  };
  static const char *const bad_igmp6[] = {
    "2    eth0            ff3e00000000000000000000000012     1 00000004 0\n",
    "2    eth0            ff3e000000000000000000000000123g     1 00000004 0\n",
    "-2    eth0            ff3e0000000000000000000000001234     1 00000004 0\n",
  };
  static const char *const bad_mcfilter[] = {
    "  2   eth0 e8010101 0x0a000001      1      0\n",
    "  2   eth0 0xe8010101 0x0a000001      1\n",
    "  2   eth0 0x1e8010101 0x0a000001      1      0\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_igmp); i++)
    {
      g_autoptr(ChorusGmpProc) proc = chorus_gmp_proc_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (chorus_gmp_proc_add_igmp (proc, bad_igmp[i], &error));
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, "/proc/net/igmp"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_igmp6); i++)
    {
      g_autoptr(ChorusGmpProc) proc = chorus_gmp_proc_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (chorus_gmp_proc_add_igmp6 (proc, bad_igmp6[i], &error));
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_mcfilter); i++)
    {
      g_autoptr(ChorusGmpProc) proc = chorus_gmp_proc_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (chorus_gmp_proc_add_mcfilter (proc, bad_mcfilter[i], &error));
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, "Line 1 of /proc/net/mcfilter"));
    }
}

static void
test_counters (void)
{
  guint64 value = 99;

  g_assert_true (chorus_gmp_proc_parse_snmp6 (snmp6, "Icmp6InGroupMembQueries", &value));
  g_assert_cmpuint (value, ==, 7);
  g_assert_true (chorus_gmp_proc_parse_snmp6 (snmp6, "Icmp6InMLDv2Reports", &value));
  g_assert_cmpuint (value, ==, 3);
  g_assert_false (chorus_gmp_proc_parse_snmp6 (snmp6, "Icmp6InGroupMemb", &value));
  g_assert_false (chorus_gmp_proc_parse_snmp6 ("Icmp6InGroupMembQueries x\n",
                                               "Icmp6InGroupMembQueries", &value));

  g_assert_cmpint (chorus_gmp_proc_parse_force_version ("0\n"), ==, 0);
  g_assert_cmpint (chorus_gmp_proc_parse_force_version ("2\n"), ==, 2);
  g_assert_cmpint (chorus_gmp_proc_parse_force_version ("3"), ==, 3);
  g_assert_cmpint (chorus_gmp_proc_parse_force_version ("4\n"), ==, -1);
  g_assert_cmpint (chorus_gmp_proc_parse_force_version ("-1\n"), ==, -1);
  g_assert_cmpint (chorus_gmp_proc_parse_force_version (""), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gmp-proc/memberships", test_memberships);
  g_test_add_func ("/gmp-proc/cut-names", test_cut_names);
  g_test_add_func ("/gmp-proc/empty", test_empty);
  g_test_add_func ("/gmp-proc/malformed", test_malformed);
  g_test_add_func ("/gmp-proc/counters", test_counters);

  return g_test_run ();
}
