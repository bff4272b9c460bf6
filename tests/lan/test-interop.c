/* test-interop.c: chorus-cli against the article's own programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The article's Python sender and receiver (ported as they are, in
 * tests/article/) are the reference peers: chorus-cli must be a drop-in
 * replacement for either side.
 */

#include <string.h>

#include "testcli.h"

/* chorus-cli send against the article's receivers on h2 and h3. */
static void
test_cli_sends (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  ChorusTestProc *receivers[4];
  ChorusTestProc *sender;
  gboolean        seen[4] = { FALSE };

  SKIP_WITHOUT_LAN (fx);

  receivers[2] = cli_spawn_article_receiver (fx, 2);
  receivers[3] = cli_spawn_article_receiver (fx, 3);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", NULL);
  cli_await_exit (sender, 0);

  events = cli_json_events (sender);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 2);
  for (guint i = 0; i < acks->len; i++)
    {
      JsonObject *ack = g_ptr_array_index (acks, i);
      const char *from = chorus_test_json_get_string (ack, "from");

      if (g_strcmp0 (from, "10.77.0.2") == 0)
        seen[2] = TRUE;
      else if (g_strcmp0 (from, "10.77.0.3") == 0)
        seen[3] = TRUE;
      else
        g_error ("ack from unexpected %s", from);
      g_assert_cmpint (chorus_test_json_get_int (ack, "port", -1), ==, PORT);
      g_assert_cmpstr (chorus_test_json_get_string (ack, "data"), ==, "ack");
    }
  g_assert_true (seen[2] && seen[3]);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "acks", -1), ==, 2);

  /* Exactly the article's 19 bytes: no trailing NUL. */
  for (guint host = 2; host <= 3; host++)
    {
      g_assert_nonnull (chorus_test_proc_wait_line (
        receivers[host], TRUE, "received 19 bytes from ('10.77.0.1', ", NULL, EXIT_TIMEOUT));
      g_assert_nonnull (
        chorus_test_proc_wait_line (receivers[host], TRUE, ARTICLE_DATA, NULL, EXIT_TIMEOUT));
    }
}

/* The article's sender against chorus-cli receive on h2 and h3. */
static void
test_cli_receives (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *log = NULL;
  ChorusTestProc  *receivers[4];
  ChorusTestProc  *sender;

  SKIP_WITHOUT_LAN (fx);

  receivers[2] = cli_start_receiver (fx, 2, NULL);
  receivers[3] = cli_start_receiver (fx, 3, NULL);
  sender = cli_spawn_article_sender (fx, 1, NULL);
  cli_await_exit (sender, 0);

  log = chorus_test_proc_dup_stderr_text (sender);
  g_assert_nonnull (strstr (log, "sending \"very important data\"\n"));
  g_assert_nonnull (strstr (log, "received \"ack\" from ('10.77.0.2', 10000)\n"));
  g_assert_nonnull (strstr (log, "received \"ack\" from ('10.77.0.3', 10000)\n"));
  g_assert_nonnull (strstr (log, "timed out, no more responses\n"));

  for (guint host = 2; host <= 3; host++)
    {
      g_autoptr (JsonObject) message = NULL;
      guint n = 0;

      message = cli_await_message (fx, receivers[host], ARTICLE_DATA, &n);
      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpint (chorus_test_json_get_int (message, "bytes", -1), ==, 19);
      g_assert_cmpstr (chorus_test_json_get_string (message, "from"), ==, "10.77.0.1");
      g_assert_null (json_object_get_member (message, "data_hex"));
    }
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/interop/cli-sends-to-article", Fixture, GUINT_TO_POINTER (3), cli_fixture_setup,
              test_cli_sends, cli_fixture_teardown);
  g_test_add ("/interop/article-sends-to-cli", Fixture, GUINT_TO_POINTER (3), cli_fixture_setup,
              test_cli_receives, cli_fixture_teardown);

  return g_test_run ();
}
