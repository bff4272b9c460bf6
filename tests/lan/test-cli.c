/* test-cli.c: chorus-cli on a private LAN, checked through its --json output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test builds a LAN of a few hosts (10.77.0.1, .2, …), runs the real
 * chorus-cli there and reads what it prints (see testcli.h).
 */

#include <signal.h>
#include <string.h>

#include "testcli.h"

/* The article's example: receivers on A and B, the sender on A. */
static void
test_article_ab (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  g_autoptr (JsonObject) m1 = NULL;
  g_autoptr (JsonObject) m2 = NULL;
  ChorusTestProc *r1, *r2, *sender;
  JsonObject     *summary;
  gboolean        seen[3] = { FALSE };

  SKIP_WITHOUT_LAN (fx);

  r1 = cli_start_receiver (fx, 1, NULL);
  r2 = cli_start_receiver (fx, 2, NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", NULL);
  cli_await_exit (sender, 0);

  events = cli_json_events (sender);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 2);
  for (guint i = 0; i < acks->len; i++)
    {
      JsonObject *ack = g_ptr_array_index (acks, i);
      const char *from = chorus_test_json_get_string (ack, "from");

      g_assert_nonnull (from);
      if (g_str_equal (from, "10.77.0.1"))
        seen[1] = TRUE;
      else if (g_str_equal (from, "10.77.0.2"))
        seen[2] = TRUE;
      else
        g_error ("ack from unexpected %s", from);
      g_assert_cmpint (chorus_test_json_get_int (ack, "port", -1), ==, PORT);
      g_assert_cmpstr (chorus_test_json_get_string (ack, "data"), ==, "ack");
    }
  g_assert_true (seen[1] && seen[2]);

  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==, 2);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 2);

  /* Both got the article's 19 bytes from A. */
  m1 = cli_await_message (fx, r1, ARTICLE_DATA, NULL);
  m2 = cli_await_message (fx, r2, ARTICLE_DATA, NULL);
  g_assert_cmpint (chorus_test_json_get_int (m1, "bytes", -1), ==, 19);
  g_assert_cmpint (chorus_test_json_get_int (m2, "bytes", -1), ==, 19);
  g_assert_cmpstr (chorus_test_json_get_string (m1, "from"), ==, "10.77.0.1");
  g_assert_cmpstr (chorus_test_json_get_string (m2, "from"), ==, "10.77.0.1");
}

static void
test_no_receivers (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *sender;
  JsonObject     *summary;

  SKIP_WITHOUT_LAN (fx);

  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-w", "0.5", NULL);
  cli_await_exit (sender, 1);
  events = cli_json_events (sender);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 0);
}

/* Each case must exit 2, say why on stderr, and send nothing: a capture
 * on h1's bridge port and a receiver on h2 both see only the canary
 * that follows them all. */
static void
test_invalid_send (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (ChorusTestCapture) capture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *oversize = g_strnfill (65508, 'x');
  const char      *cases[][3] = {
         { "-g", "240.0.0.1", NULL }, { "-g", "10.0.0.1", NULL }, { "-g", "banana", NULL },
         { "-p", "0", NULL },         { "-p", "65536", NULL },    { "-p", "-1", NULL },
         { "-t", "256", NULL },       { "-t", "-1", NULL },       { "-w", "-1", NULL },
         { "-c", "0", NULL },         { oversize, NULL, NULL },   { "--bogus", NULL, NULL },
  };
  ChorusTestProc *receiver;
  GPtrArray      *payloads;
  guint           n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  capture = chorus_test_capture_new (fx->lan, 1, &error);
  g_assert_no_error (error);
  receiver = cli_start_receiver (fx, 2, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *log = NULL;
      ChorusTestProc  *sender;

      g_test_message ("invalid case %u: %.20s %s", i, cases[i][0], cases[i][1] ? cases[i][1] : "");
      sender =
        cli_spawn_chorus (fx, 1, "send", "--json", "-w", "0.2", cases[i][0], cases[i][1], NULL);
      cli_await_exit (sender, 2);
      log = chorus_test_proc_dup_stderr_text (sender);
      g_assert_cmpstr (g_strstrip (log), !=, "");
      g_assert_cmpuint (cli_count_events (sender, "sent"), ==, 0);
      g_assert_cmpuint (cli_count_events (sender, "ack"), ==, 0);
    }

  cli_send_canary (fx, 1, receiver, "canary after invalid sends", &n_messages);
  g_assert_cmpuint (n_messages, ==, 1);
  g_assert_cmpuint (chorus_test_capture_poll (capture), ==, 1);
  payloads = chorus_test_capture_get_payloads (capture);
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (payloads, 0), NULL),
                   g_bytes_get_size (g_ptr_array_index (payloads, 0)), "canary after invalid sends",
                   strlen ("canary after invalid sends"));
}

static void
test_invalid_receive (Fixture       *fx,
                      gconstpointer  data)
{
  const char *cases[][2] = {
    { "-g", "240.0.0.1" }, { "-g", "10.0.0.1" }, { "-g", "banana" },  { "-p", "0" },
    { "-p", "65536" },     { "-p", "-1" },       { "--bogus", NULL },
  };

  SKIP_WITHOUT_LAN (fx);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *log = NULL;
      ChorusTestProc  *receiver;

      receiver = cli_spawn_chorus (fx, 1, "receive", "--json", cases[i][0], cases[i][1], NULL);
      cli_await_exit (receiver, 2);
      log = chorus_test_proc_dup_stderr_text (receiver);
      g_assert_cmpstr (g_strstrip (log), !=, "");
      g_assert_cmpuint (cli_count_events (receiver, "ready"), ==, 0);
    }
}

static void
test_receive_count (Fixture       *fx,
                    gconstpointer  data)
{
  ChorusTestProc *receiver, *sender;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, "-c", "1", NULL);
  sender = cli_spawn_article_sender (fx, 1, NULL);
  cli_await_exit (receiver, 0);
  cli_await_exit (sender, 0);
  g_assert_cmpuint (cli_count_events (receiver, "message"), ==, 1);
  g_assert_nonnull (chorus_test_proc_wait_line (
    sender, TRUE, "received \"ack\" from ('10.77.0.2', 10000)", NULL, 0));
}

static void
test_receive_signals (Fixture       *fx,
                      gconstpointer  data)
{
  int signals[] = { SIGTERM, SIGINT };

  SKIP_WITHOUT_LAN (fx);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      ChorusTestProc *receiver = cli_start_receiver (fx, 1, NULL);

      chorus_test_proc_send_signal (receiver, signals[i]);
      cli_await_exit (receiver, 0);
    }
}

static void
test_no_reply (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *receiver, *sender;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, "--no-reply", NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-w", "0.5", NULL);
  cli_await_exit (sender, 1);
  events = cli_json_events (sender);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "acks", -1), ==, 0);
  /* It did arrive: silence is the receiver's choice. */
  message = cli_await_message (fx, receiver, ARTICLE_DATA, NULL);
}

static void
test_custom_reply (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  ChorusTestProc *sender;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 2, "--reply", "pong from h2", NULL);
  cli_start_receiver (fx, 3, "-r", "héllo ✓", NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", NULL);
  cli_await_exit (sender, 0);
  events = cli_json_events (sender);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 2);
  for (guint i = 0; i < acks->len; i++)
    {
      JsonObject *ack = g_ptr_array_index (acks, i);

      if (g_strcmp0 (chorus_test_json_get_string (ack, "from"), "10.77.0.2") == 0)
        g_assert_cmpstr (chorus_test_json_get_string (ack, "data"), ==, "pong from h2");
      else
        g_assert_cmpstr (chorus_test_json_get_string (ack, "data"), ==, "héllo ✓");
    }
}

/* Nothing out, nothing back: a zero-byte probe and a zero-byte ack are
 * still a message and an ack, with empty data. */
static void
test_empty_payload (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *receiver;
  ChorusTestProc *sender;
  JsonObject     *ack;
  guint           n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, "--reply", "", NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "", NULL);
  cli_await_exit (sender, 0);

  events = cli_json_events (sender);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 1);
  ack = g_ptr_array_index (acks, 0);
  g_assert_cmpstr (chorus_test_json_get_string (ack, "data"), ==, "");
  g_assert_cmpint (chorus_test_json_get_int (ack, "bytes", -1), ==, 0);

  message = cli_await_message (fx, receiver, "", &n_messages);
  g_assert_nonnull (message);
  g_assert_cmpint (chorus_test_json_get_int (message, "bytes", -1), ==, 0);
  g_assert_cmpuint (n_messages, ==, 1);
}

static void
test_binary_payload (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr (JsonObject) message = NULL;
  g_autofree char *hex = NULL;
  ChorusTestProc  *receiver, *sender;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, NULL);
  /* Not UTF-8: a lone 0xff, a NUL, a truncated sequence. */
  sender = cli_spawn_article_sender (fx, 1, "CHORUS_ARTICLE_MESSAGE_HEX=ff00fe41c3", NULL);
  cli_await_exit (sender, 0);
  message = cli_await_message (fx, receiver, NULL, NULL);
  g_assert_cmpint (chorus_test_json_get_int (message, "bytes", -1), ==, 5);
  g_assert_nonnull (chorus_test_json_get_string (message, "data_hex"));
  hex = g_ascii_strdown (chorus_test_json_get_string (message, "data_hex"), -1);
  g_assert_cmpstr (hex, ==, "ff00fe41c3");
}

static void
test_no_loopback (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  ChorusTestProc *r1, *sender;
  guint           n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  r1 = cli_start_receiver (fx, 1, NULL);
  cli_start_receiver (fx, 2, NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "--no-loopback", NULL);
  cli_await_exit (sender, 0);
  events = cli_json_events (sender);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 1);
  g_assert_cmpstr (chorus_test_json_get_string (g_ptr_array_index (acks, 0), "from"), ==,
                   "10.77.0.2");

  /* h1's own receiver got nothing before a canary from h2. */
  cli_send_canary (fx, 2, r1, "canary from h2", &n_messages);
  g_assert_cmpuint (n_messages, ==, 1);
}

static void
test_count_interval (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *receiver, *sender;
  JsonObject     *summary;
  gint64          start, elapsed;
  guint           n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, NULL);
  start = g_get_monotonic_time ();
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-c", "3", "-i", "0.2", "-w", "0.5", NULL);
  cli_await_exit (sender, 0);
  elapsed = g_get_monotonic_time () - start;
  events = cli_json_events (sender);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 3);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==, 3);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 1);
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 3);
  for (guint i = 0; i < acks->len; i++)
    g_assert_cmpstr (chorus_test_json_get_string (g_ptr_array_index (acks, i), "from"), ==,
                     "10.77.0.2");
  /* Two intervals and the wait at least. */
  g_assert_cmpint (elapsed, >=, 900 * 1000);
  message = cli_await_messages (fx, receiver, NULL, 3, &n_messages);
  g_assert_cmpuint (n_messages, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, n_hosts, func)                                                                   \
  g_test_add ("/cli/" path, Fixture, GUINT_TO_POINTER (n_hosts), cli_fixture_setup, func,          \
              cli_fixture_teardown)

  ADD ("article-ab", 2, test_article_ab);
  ADD ("no-receivers", 2, test_no_receivers);
  ADD ("invalid-send", 2, test_invalid_send);
  ADD ("invalid-receive", 1, test_invalid_receive);
  ADD ("receive-count", 2, test_receive_count);
  ADD ("receive-signals", 1, test_receive_signals);
  ADD ("no-reply", 2, test_no_reply);
  ADD ("custom-reply", 3, test_custom_reply);
  ADD ("binary-payload", 2, test_binary_payload);
  ADD ("empty-payload", 2, test_empty_payload);
  ADD ("no-loopback", 2, test_no_loopback);
  ADD ("count-interval", 2, test_count_interval);

#undef ADD

  return g_test_run ();
}
