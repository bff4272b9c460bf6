/* test-cli-explain.c: chorus-cli explain, run as a program
 *
 * Needs no network: the answer comes from the address alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

/* Runs chorus-cli with @args; returns its exit status. */
static int
run_cli (const char *const  *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("CHORUS_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static JsonObject *
parse_one_line (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *newline = strchr (out, '\n');

  /* One object, on one line. */
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline + 1, ==, "");
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_json (void)
{
  const char *args[] = { "explain", "--json", "239.192.1.1", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *warnings;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  object = parse_one_line (out);

  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "explain");
  g_assert_cmpstr (json_object_get_string_member (object, "group"), ==, "239.192.1.1");
  g_assert_cmpstr (json_object_get_string_member (object, "family"), ==, "ipv4");
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, "organization-local");
  g_assert_cmpstr (json_object_get_string_member (object, "block"), ==,
                   "Administratively Scoped Block (239.0.0.0/8)");
  g_assert_true (json_object_has_member (object, "name"));
  g_assert_true (json_node_is_null (json_object_get_member (object, "name")));
  g_assert_false (json_object_get_boolean_member (object, "source_specific"));
  g_assert_cmpstr (json_object_get_string_member (object, "mac"), ==, "01:00:5e:40:01:01");
  /* Every IPv4 group shares its Ethernet address with 31 others: a
   * note, nothing to act on. */
  warnings = json_object_get_array_member (object, "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 0);
  warnings = json_object_get_array_member (object, "notes");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (warnings, 0), "31 other groups"));
}

static void
test_json_ipv6 (void)
{
  const char *args[] = { "explain", "--json", "--mtu=1280", "--size", "1400", "ff3e::8000:1",
                         NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *warnings;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  object = parse_one_line (out);
  g_assert_cmpstr (json_object_get_string_member (object, "family"), ==, "ipv6");
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==, "global");
  g_assert_true (json_object_get_boolean_member (object, "source_specific"));
  g_assert_cmpstr (json_object_get_string_member (object, "mac"), ==, "33:33:80:00:00:01");
  warnings = json_object_get_array_member (object, "warnings");
  g_assert_cmpuint (json_array_get_length (warnings), ==, 2);
  g_assert_nonnull (strstr (json_array_get_string_element (warnings, 0), "Source-specific"));
  g_assert_nonnull (strstr (json_array_get_string_element (warnings, 1), "1280-byte MTU"));
}

static void
test_text (void)
{
  const char *args[] = { "explain", "224.0.0.251", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "224.0.0.251\n"));
  g_assert_nonnull (strstr (out, "mDNS (multicast DNS)"));
  g_assert_nonnull (strstr (out, "01:00:5e:00:00:fb"));
  g_assert_nonnull (strstr (out, "warning: 224.0.0.0/24 is never routed"));
}

static void
test_invalid (void)
{
  static const struct
  {
    const char *args[5];
    const char *message;
  } cases[] = {
    { { "explain", "10.0.0.1" }, "10.0.0.1 is not a multicast address" },
    { { "explain", "--json", "banana" }, "“banana” is not an IP address" },
    { { "explain", "224.3.29.71%lo" }, "only IPv6 groups name an interface" },
    { { "explain" }, "Give one group to explain" },
    { { "explain", "239.1.1.1", "239.1.1.2" }, "Give one group to explain" },
    { { "explain", "--mtu=10", "239.1.1.1" }, "MTU “10” is not valid" },
    { { "explain", "--size=big", "239.1.1.1" }, "Size “big” is not valid" },
    { { "explain", "--no-such-option", "239.1.1.1" }, "no-such-option" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("case %u", i);
      g_assert_cmpint (run_cli (cases[i].args, &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "chorus-cli explain: "));
      g_assert_nonnull (strstr (err, cases[i].message));
    }
}

static void
test_usage (void)
{
  const char *args[] = { "--help", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "chorus-cli explain [OPTION…] ADDR"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-explain/json", test_json);
  g_test_add_func ("/cli-explain/json-ipv6", test_json_ipv6);
  g_test_add_func ("/cli-explain/text", test_text);
  g_test_add_func ("/cli-explain/invalid", test_invalid);
  g_test_add_func ("/cli-explain/usage", test_usage);

  return g_test_run ();
}
