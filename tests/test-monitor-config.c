/* test-monitor-config.c: chorus-cli monitor's configuration, every
 * problem with its line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-monitor-config.h"

static GPtrArray *
problems_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *problems = NULL;
  ChorusMonitorConfig *config = chorus_monitor_config_parse (text, strlen (text), &problems,
                                                             &error);

  g_assert_null (config);
  g_assert_nonnull (problems);
  g_assert_error (error, g_quark_from_static_string ("chorus-error-quark"), 4);
  return problems;
}

static void
assert_problem (GPtrArray  *problems,
                guint       index,
                guint       line,
                const char *needle)
{
  ChorusConfigProblem *problem;

  g_assert_cmpuint (index, <, problems->len);
  problem = g_ptr_array_index (problems, index);
  g_test_message ("line %u: %s", problem->line, problem->message);
  g_assert_cmpuint (problem->line, ==, line);
  if (strstr (problem->message, needle) == NULL)
    g_error ("“%s” lacks “%s”", problem->message, needle);
}

static void
test_scan (void)
{
  const char *text = "# comment\n"
                     "\n"
                     "[probe a]\n"
                     "  group = 239.1.1.1\r\n"
                     "port=1\n"
                     "just words\n"
                     "[probe a]\n"
                     "port=2\n"
                     "[probe b]\n"
                     "=value\n"
                     "[broken\n"
                     "port=3\n";
  g_autoptr(ChorusKeyFileLines) lines = chorus_key_file_lines_scan (text, strlen (text));
  GPtrArray *problems = chorus_key_file_lines_problems (lines);

  g_assert_cmpuint (chorus_key_file_lines_group (lines, "probe a"), ==, 3);
  g_assert_cmpuint (chorus_key_file_lines_key (lines, "probe a", "group"), ==, 4);
  g_assert_cmpuint (chorus_key_file_lines_key (lines, "probe a", "port"), ==, 5);
  g_assert_cmpuint (chorus_key_file_lines_key (lines, "probe a", "ttl"), ==, 0);
  g_assert_cmpuint (chorus_key_file_lines_group (lines, "missing"), ==, 0);
  g_assert_cmpuint (problems->len, ==, 4);
  assert_problem (problems, 0, 6, "not a setting");
  assert_problem (problems, 1, 7, "given twice");
  assert_problem (problems, 2, 10, "without a key");
  assert_problem (problems, 3, 11, "not a section header");
}

static void
test_good (void)
{
  const char *text = "[probe lan]\n"
                     "group=239.1.2.3\n"
                     "port=5000\n"
                     "interval=0.2\n"
                     "count=5\n"
                     "wait=0.5\n"
                     "spread=0\n"
                     "ttl=4\n"
                     "max-responders=50\n"
                     "\n"
                     "[ping server]\n"
                     "server=10.0.0.1\n"
                     "\n"
                     "[responder here]\n"
                     "group=239.1.2.3\n"
                     "port=5000\n"
                     "name=lab-1\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusMonitorConfig) config = chorus_monitor_config_parse (text, strlen (text), NULL,
                                                                       &error);
  const ChorusMonitorCheck *check;

  g_assert_no_error (error);
  g_assert_cmpuint (config->checks->len, ==, 3);

  check = chorus_monitor_config_find (config, "lan");
  g_assert_cmpint (check->kind, ==, CHORUS_CHECK_PROBE);
  g_assert_cmpstr (check->group, ==, "239.1.2.3");
  g_assert_cmpuint (check->port, ==, 5000);
  g_assert_cmpfloat (check->interval, ==, 0.2);
  g_assert_cmpuint (check->count, ==, 5);
  g_assert_cmpfloat (check->wait, ==, 0.5);
  g_assert_cmpuint (check->ttl, ==, 4);
  g_assert_cmpuint (check->max_series, ==, 50);
  g_assert_cmpuint (check->line, ==, 1);

  check = chorus_monitor_config_find (config, "server");
  g_assert_cmpint (check->kind, ==, CHORUS_CHECK_PING);
  g_assert_cmpstr (check->server, ==, "10.0.0.1");
  g_assert_cmpuint (check->port, ==, 4321);
  g_assert_cmpuint (check->count, ==, 5);

  check = chorus_monitor_config_find (config, "here");
  g_assert_cmpint (check->kind, ==, CHORUS_CHECK_RESPONDER);
  g_assert_cmpstr (check->reply_name, ==, "lab-1");
  g_assert_null (chorus_monitor_config_find (config, "nothing"));
}

static void
test_defaults (void)
{
  const char *text = "[probe plain]\n";
  g_autoptr(ChorusMonitorConfig) config = chorus_monitor_config_parse (text, strlen (text), NULL,
                                                                       NULL);
  const ChorusMonitorCheck *check = g_ptr_array_index (config->checks, 0);

  g_assert_null (check->group);
  g_assert_cmpuint (check->port, ==, 10000);
  g_assert_cmpuint (check->ttl, ==, 1);
  g_assert_cmpuint (check->count, ==, 5);
  g_assert_cmpfloat (check->interval, ==, 1);
  g_assert_cmpuint (check->max_series, ==, CHORUS_MONITOR_DEFAULT_MAX_SERIES);
}

/* Every bad key, bad value and unknown section, each on its line, all
 * in one go. */
static void
test_every_problem (void)
{
  const char *text = "[probe lan]\n"                 /* 1 */
                     "group=240.0.0.1\n"             /* 2: not multicast */
                     "port=70000\n"                  /* 3 */
                     "colour=blue\n"                 /* 4: unknown key */
                     "interval=0.001\n"              /* 5: below 0.01 */
                     "count=0\n"                     /* 6 */
                     "ttl=300\n"                     /* 7 */
                     "spread=11\n"                   /* 8 */
                     "max-responders=1000000\n"      /* 9 */
                     "interface=no-such-if0\n"       /* 10 */
                     "[pong x]\n"                    /* 11: unknown kind */
                     "[watch stream]\n"              /* 12: not yet */
                     "[querier lan]\n"               /* 13: not yet */
                     "[ping]\n"                      /* 14: no name */
                     "[ping srv]\n"                  /* 15: no server */
                     "port=1\n"                      /* 16 */
                     "[responder r]\n"               /* 17 */
                     "name=\n"                       /* 18 */
                     "wait=1\n"                      /* 19: not a responder's */
                     "[probe bad name!]\n"           /* 20 */
                     "[probe lan2]\n"                /* 21 */
                     "wait=soon\n";                  /* 22 */
  g_autoptr(GPtrArray) problems = problems_of (text);
  guint i = 0;

  assert_problem (problems, i++, 2, "240.0.0.1");
  assert_problem (problems, i++, 3, "port");
  assert_problem (problems, i++, 4, "Unknown key “colour” in [probe lan]");
  assert_problem (problems, i++, 5, "Interval");
  assert_problem (problems, i++, 6, "count");
  assert_problem (problems, i++, 7, "ttl");
  assert_problem (problems, i++, 8, "at most 10 seconds");
  assert_problem (problems, i++, 9, "At most 100000");
  assert_problem (problems, i++, 10, "no-such-if0");
  assert_problem (problems, i++, 11, "Unknown section [pong x]");
  assert_problem (problems, i++, 12, "not in this version");
  assert_problem (problems, i++, 13, "querier");
  assert_problem (problems, i++, 14, "names no check");
  assert_problem (problems, i++, 15, "server=");
  assert_problem (problems, i++, 18, "name");
  assert_problem (problems, i++, 19, "Unknown key “wait”");
  assert_problem (problems, i++, 20, "not a check name");
  assert_problem (problems, i++, 22, "Wait time");
  g_assert_cmpuint (problems->len, ==, i);
}

static void
test_duplicates_and_empty (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  const char *text = "[probe a]\n"
                     "port=1\n"
                     "port=2\n"
                     "[ping a]\n"
                     "server=10.0.0.1\n";

  /* The scan's problems are said first, and alone. */
  problems = problems_of (text);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, 3, "given twice");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Both sections parse, but one name serves only one check. */
  problems = problems_of ("[probe a]\n[ping a]\nserver=10.0.0.1\n");
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, 2, "Two checks are called “a”");
  g_clear_pointer (&problems, g_ptr_array_unref);

  problems = problems_of ("# nothing\n");
  assert_problem (problems, 0, 0, "No checks");
  g_clear_pointer (&problems, g_ptr_array_unref);

  problems = problems_of ("port=1\n");
  assert_problem (problems, 0, 1, "outside any section");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/monitor-config/scan", test_scan);
  g_test_add_func ("/monitor-config/good", test_good);
  g_test_add_func ("/monitor-config/defaults", test_defaults);
  g_test_add_func ("/monitor-config/every-problem", test_every_problem);
  g_test_add_func ("/monitor-config/duplicates-and-empty", test_duplicates_and_empty);

  return g_test_run ();
}
