/* test-hardening.c: chorus-cli under faults and abuse, on a private LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Faults: output that cannot be written, signals at every stage, a route
 * or an interface that goes away mid-run, a port taken without sharing,
 * a receiver killed mid-burst. Abuse: forged datagrams put on the LAN's
 * bridge with any source address and port (chorus_test_inject_udp()),
 * against a receiver (it must not become a reflector or an amplifier)
 * and against a sender (it must not take them for answers, nor grow).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcli.h"

/* What the victim of a reflection attack is: the test process itself. */
#define VICTIM_PORT 40000

static void
run_ip (Fixture    *fx,
        guint       host,
        const char *command)
{
  g_autofree char *line = g_strdup_printf ("ip -n %s %s",
                                           chorus_test_lan_get_netns (fx->lan, host), command);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_test_message ("# %s", line);
  g_spawn_command_line_sync (line, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s: %s", line, err);
}

/* chorus-cli COMMAND ARGS… with stdout sent where redirect says (a shell
 * redirection such as ">/dev/full" or ">&-"). */
static ChorusTestProc *
spawn_redirected (Fixture    *fx,
                  guint       host,
                  const char *redirect,
                  const char *args)
{
  g_autofree char *script = g_strdup_printf ("exec \"$0\" %s %s", args, redirect);
  const char *argv[] = { "/bin/sh", "-c", script, cli_path (), NULL };

  return cli_spawn_argv (fx, host, argv);
}

static void
assert_stderr_says (ChorusTestProc *proc,
                    const char     *needle)
{
  g_autofree char *text = chorus_test_proc_dup_stderr_text (proc);

  if (strstr (text, needle) == NULL)
    g_error ("stderr lacks “%s”:\n%s", needle, text);
}

static void
await_exit_within (ChorusTestProc *proc,
                   guint           timeout_ms)
{
  if (!chorus_test_proc_wait_exit (proc, timeout_ms))
    {
      g_autofree char *text = chorus_test_proc_dup_stderr_text (proc);

      chorus_test_proc_send_signal (proc, SIGKILL);
      g_error ("still running after %u ms (a hang):\n%s", timeout_ms, text);
    }
}

/* Finding 1: stdout full or closed made send hang forever, deaf to
 * SIGINT and SIGTERM; receive answered once and exited 0. */
static void
test_output_fails (Fixture       *fx,
                   gconstpointer  data)
{
  const struct
  {
    const char *redirect;
    const char *args;
    const char *says;
  } cases[] = {
    { ">/dev/full", "send", "could not write the output: No space left on device" },
    { ">/dev/full", "send --json", "could not write the output: No space left on device" },
    { ">&-", "send", "could not write the output: Bad file descriptor" },
    { ">&-", "send --json", "could not write the output: Bad file descriptor" },
    { ">/dev/full", "send -c 3 -i 0.1 -w 5", "No space left on device" },
    { ">/dev/full", "receive --json", "could not write the output: No space left on device" },
    { ">&-", "receive --json", "could not write the output: Bad file descriptor" },
  };

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 2, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ChorusTestProc *proc = spawn_redirected (fx, 1, cases[i].redirect, cases[i].args);

      await_exit_within (proc, 5000);
      g_assert_cmpint (chorus_test_proc_get_status (proc), ==, 1);
      assert_stderr_says (proc, cases[i].says);
    }

  /* Human receive lines: the first message cannot be printed. */
  {
    ChorusTestProc *receiver = spawn_redirected (fx, 3, ">/dev/full", "receive");
    ChorusTestProc *sender;

    g_assert_true (chorus_test_proc_wait_joined (receiver, GROUP, PORT, 1, READY_TIMEOUT));
    sender = cli_spawn_chorus (fx, 1, "send", "-w", "0.3", NULL);
    cli_await_exit (sender, 0);
    await_exit_within (receiver, 5000);
    g_assert_cmpint (chorus_test_proc_get_status (receiver), ==, 1);
    assert_stderr_says (receiver, "could not write the output: No space left on device");
  }
}

/* SIGINT and SIGTERM end send while probing and while waiting, and
 * receive before and after messages, each with its summary and the
 * documented status; a signal at once never leaves a process behind. */
static void
test_signals_every_stage (Fixture       *fx,
                          gconstpointer  data)
{
  ChorusTestProc *receiver, *proc;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonObject) message = NULL;
  JsonObject *summary;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, NULL);

  /* While probing. */
  proc = cli_spawn_chorus (fx, 1, "send", "--json", "-c", "100", "-i", "0.1", NULL);
  g_assert_nonnull (chorus_test_proc_wait_line (proc, FALSE, "\"event\":\"ack\"", NULL, 5000));
  chorus_test_proc_send_signal (proc, SIGINT);
  cli_await_exit (proc, 0);
  events = cli_json_events (proc);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), <, 100);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* While waiting after the last probe. */
  proc = cli_spawn_chorus (fx, 1, "send", "--json", "-w", "60", NULL);
  g_assert_nonnull (chorus_test_proc_wait_line (proc, FALSE, "\"event\":\"ack\"", NULL, 5000));
  chorus_test_proc_send_signal (proc, SIGTERM);
  cli_await_exit (proc, 0);
  events = cli_json_events (proc);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "acks", -1), ==, 1);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* With nothing answered: 1. */
  proc = cli_spawn_chorus (fx, 1, "send", "--json", "-p", "10001", "-w", "60", NULL);
  g_assert_nonnull (chorus_test_proc_wait_line (proc, FALSE, "\"event\":\"sent\"", NULL, 5000));
  chorus_test_proc_send_signal (proc, SIGINT);
  cli_await_exit (proc, 1);

  /* At once, before it may even have set up its handlers. */
  for (guint i = 0; i < 5; i++)
    {
      proc = i % 2 ? cli_spawn_chorus (fx, 1, "receive", NULL)
                   : cli_spawn_chorus (fx, 1, "send", "-w", "60", NULL);
      chorus_test_proc_send_signal (proc, i % 2 ? SIGINT : SIGTERM);
      await_exit_within (proc, 5000);
    }

  /* A receiver after messages: a clean stop, with its summary. */
  proc = cli_spawn_chorus (fx, 1, "send", "-w", "0.3", NULL);
  cli_await_exit (proc, 0);
  message = cli_await_messages (fx, receiver, ARTICLE_DATA, 3, NULL);
  chorus_test_proc_send_signal (receiver, SIGINT);
  cli_await_exit (receiver, 0);
  events = cli_json_events (receiver);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "received", -1), ==,
                   cli_count_events (receiver, "message"));
  g_assert_cmpint (chorus_test_json_get_int (summary, "replied", -1), ==,
                   cli_count_events (receiver, "message"));
  g_assert_cmpint (chorus_test_json_get_int (summary, "unanswered", -1), ==, 0);
}

/* Finding 4: the network refuses mid-run. The error is said, the status
 * is 1, and the answers to the probes already out are still awaited. */
static void
refused_mid_run (Fixture    *fx,
                 const char *interface,
                 const char *ip_command)
{
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *sender;
  JsonObject *summary;
  gint64 refused_at;
  double waited;

  cli_start_receiver (fx, 2, NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-c", "10", "-i", "0.2", "-w", "1",
                             interface ? "-I" : NULL, interface, NULL);
  g_assert_nonnull (chorus_test_proc_wait_line (sender, FALSE, "\"event\":\"ack\"", NULL, 5000));
  run_ip (fx, 1, ip_command);

  g_assert_nonnull (chorus_test_proc_wait_line (sender, TRUE, "Could not send", NULL, 5000));
  refused_at = g_get_monotonic_time ();
  cli_await_exit (sender, 1);
  waited = (g_get_monotonic_time () - refused_at) / (double) G_USEC_PER_SEC;

  /* The wait after the last probe that went out is 1 s. */
  g_assert_cmpfloat (waited, >=, 0.7);
  events = cli_json_events (sender);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), <, 10);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), >=, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==,
                   chorus_test_json_get_int (summary, "sent", -1));
}

static void
test_route_gone_mid_send (Fixture       *fx,
                          gconstpointer  data)
{
  SKIP_WITHOUT_LAN (fx);

  refused_mid_run (fx, NULL, "route del 224.0.0.0/4");
}

static void
test_interface_down_mid_send (Fixture       *fx,
                              gconstpointer  data)
{
  SKIP_WITHOUT_LAN (fx);

  refused_mid_run (fx, "eth0", "link set eth0 down");
}

/* Finding 7: the interface of a receiver goes down and comes back. It
 * says so, joins again, and goes on counting. */
static void
test_interface_down_mid_receive (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  ChorusTestProc *receiver;
  guint from = 0;
  guint n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_start_receiver (fx, 2, "-I", "eth0", NULL);
  cli_send_canary (fx, 1, receiver, "before", &n_messages);

  run_ip (fx, 2, "link set eth0 down");
  g_assert_nonnull (
    chorus_test_proc_wait_line (receiver, FALSE, "\"event\":\"warning\"", &from, 5000));
  run_ip (fx, 2, "link set eth0 up");
  g_assert_nonnull (
    chorus_test_proc_wait_line (receiver, FALSE, "\"event\":\"rejoined\"", &from, 10000));

  cli_send_canary (fx, 1, receiver, "after", &n_messages);
  g_assert_cmpuint (n_messages, ==, 2);

  chorus_test_proc_send_signal (receiver, SIGTERM);
  cli_await_exit (receiver, 0);
  events = cli_json_events (receiver);
  warnings = chorus_test_json_filter (events, "warning");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (chorus_test_json_get_string (g_ptr_array_index (warnings, 0),
                                                         "message"),
                            "eth0 is down"));
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "received", -1), ==, 2);
}

/* A port another program holds without sharing, and no multicast route:
 * a clear message and status 1, nothing hangs. */
static void
test_port_taken_and_no_route (Fixture       *fx,
                              gconstpointer  data)
{
  const char *holder_argv[] = {
    cli_python (), "-c",
    "import socket, time\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "s.bind(('', 10000))\n"
    "print('bound', flush=True)\n"
    "time.sleep(60)\n",
    NULL
  };
  ChorusTestProc *holder, *proc;

  SKIP_WITHOUT_LAN (fx);

  holder = cli_spawn_argv (fx, 1, holder_argv);
  g_assert_nonnull (chorus_test_proc_wait_line (holder, FALSE, "bound", NULL, 5000));
  proc = cli_spawn_chorus (fx, 1, "receive", NULL);
  cli_await_exit (proc, 1);
  assert_stderr_says (proc, "Could not listen on port 10000");
  chorus_test_proc_send_signal (holder, SIGKILL);

  run_ip (fx, 2, "route del 224.0.0.0/4");
  proc = cli_spawn_chorus (fx, 2, "send", NULL);
  cli_await_exit (proc, 1);
  assert_stderr_says (proc, "Could not send to 224.3.29.71:10000");
  proc = cli_spawn_chorus (fx, 2, "receive", NULL);
  cli_await_exit (proc, 1);
  assert_stderr_says (proc, "Could not join 224.3.29.71");
}

/* A receiver killed in the middle of a run: the sender carries on and
 * reports what it had. */
static void
test_receiver_killed_mid_burst (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *victim, *sender;
  JsonObject *summary;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 2, NULL);
  victim = cli_start_receiver (fx, 3, NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-c", "20", "-i", "0.05", "-w", "0.5", NULL);
  g_assert_true (chorus_test_proc_wait_lines (victim, 4, 5000));
  chorus_test_proc_send_signal (victim, SIGKILL);
  cli_await_exit (sender, 0);

  events = cli_json_events (sender);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 20);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 2);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), <, 40);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), >=, 23);
}

/* A UDP socket of the test process's own, standing for the victim whose
 * address forged datagrams carry. */
static int
open_victim (void)
{
  struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons (VICTIM_PORT) };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int buffer = 16 * 1024 * 1024;

  g_assert_cmpint (fd, >=, 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);

  return fd;
}

typedef struct
{
  guint datagrams[4];
  gsize bytes[4];
} Received;

/* Reads what reached the victim, by which host sent it. */
static void
drain_victim (int       fd,
              Received *received)
{
  char buffer[65536];
  struct sockaddr_in from;
  socklen_t from_len = sizeof from;
  gssize len;

  while ((len = recvfrom (fd, buffer, sizeof buffer, 0, (struct sockaddr *) &from, &from_len)) >= 0)
    {
      guint host = ntohl (from.sin_addr.s_addr) & 0xff;

      g_assert_cmpuint (host, <, G_N_ELEMENTS (received->datagrams));
      received->datagrams[host]++;
      received->bytes[host] += (gsize) len;
      from_len = sizeof from;
    }
  g_assert_cmpint (errno, ==, EAGAIN);
}

static gboolean
never (gpointer unused)
{
  return FALSE;
}

/* A pause of a millisecond in which the test keeps reading what its
 * processes print: a receiver blocked on a full stdout pipe stops
 * reading its socket, and would then drop what comes next. */
static void
pause_reading (ChorusTestLan *lan)
{
  chorus_test_lan_spin_until (lan, never, NULL, 1);
}

/* Puts n forged datagrams on the LAN, paced so that no queue on the way
 * drops any. */
static void
inject_many (ChorusTestLan      *lan,
             ChorusTestInjector *injector,
             const char         *source,
             guint16             source_port,
             const char         *destination,
             guint16             destination_port,
             const void         *payload,
             gsize               size,
             guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;

      chorus_test_inject_udp (injector, source, source_port, destination, destination_port,
                              payload, size, &error);
      g_assert_no_error (error);
      if (i % 20 == 19)
        pause_reading (lan);
    }
}

/* Finding 2: forged datagrams with a victim's address made receivers send
 * the victim up to ~2300 times the bytes. Now: nothing larger than what
 * caused it, within the rate, nothing to a source that cannot ask, and
 * every refusal counted. */
static void
test_spoofed_flood_against_receiver (Fixture       *fx,
                                     gconstpointer  data)
{
  g_autoptr (ChorusTestInjector) injector = NULL;
  g_autoptr (GPtrArray) plain_events = NULL;
  g_autoptr (GPtrArray) large_events = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *large_reply = g_strnfill (1400, 'x');
  const char *article = ARTICLE_DATA;
  ChorusTestProc *plain, *large;
  JsonObject *summary;
  Received received = { { 0 } };
  gsize injected_bytes = 0;
  gint64 started;
  double elapsed;
  int victim;

  SKIP_WITHOUT_LAN (fx);

  victim = open_victim ();
  plain = cli_start_receiver (fx, 1, NULL);
  large = cli_start_receiver (fx, 2, "--reply", large_reply, NULL);
  injector = chorus_test_injector_new (fx->lan, &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  /* Empty datagrams: any answer would be an amplification. */
  inject_many (fx->lan, injector, CHORUS_TEST_LAN_SELF, VICTIM_PORT, GROUP, PORT, "", 0, 200);
  /* The article's 19 bytes, far faster than the rate allows. */
  inject_many (fx->lan, injector, CHORUS_TEST_LAN_SELF, VICTIM_PORT, GROUP, PORT, article,
               strlen (article), 500);
  injected_bytes = 500 * strlen (article);
  /* Sources nobody can answer: port 0. */
  inject_many (fx->lan, injector, CHORUS_TEST_LAN_SELF, 0, GROUP, PORT, article, strlen (article), 50);
  elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  /* A canary from a real sender, after the flood: when it is in, so is
   * the flood, and every answer has left. */
  cli_send_canary (fx, 3, plain, "canary", NULL);
  cli_send_canary (fx, 3, large, "canary", NULL);
  g_usleep (200 * 1000);
  drain_victim (victim, &received);
  close (victim);

  g_test_message ("victim got %u datagrams (%" G_GSIZE_FORMAT " bytes) from host 1, %u from host 2"
                  " in %.3f s",
                  received.datagrams[1], received.bytes[1], received.datagrams[2], elapsed);

  /* Never more bytes than caused them, never the large reply. */
  g_assert_cmpuint (received.bytes[1], <=, injected_bytes);
  g_assert_cmpuint (received.bytes[1], ==, 3 * received.datagrams[1]);
  g_assert_cmpuint (received.datagrams[2], ==, 0);
  /* The default share: 100 at once, then 100 a second. */
  g_assert_cmpuint (received.datagrams[1], >=, 100);
  g_assert_cmpuint (received.datagrams[1], <=, 100 + (guint) (100 * elapsed) + 2);

  chorus_test_proc_send_signal (plain, SIGTERM);
  chorus_test_proc_send_signal (large, SIGTERM);
  cli_await_exit (plain, 0);
  cli_await_exit (large, 0);

  /* Every refusal counted, by reason. Each receiver also heard both
   * canaries; the plain one answered them. */
  plain_events = cli_json_events (plain);
  summary = cli_summary_of (plain_events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "received", -1), ==, 752);
  g_assert_cmpint (chorus_test_json_get_int (summary, "replied", -1), ==,
                   received.datagrams[1] + 2);
  g_assert_cmpint (chorus_test_json_get_int (summary, "too_large", -1), ==, 200);
  g_assert_cmpint (chorus_test_json_get_int (summary, "bad_source", -1), ==, 50);
  g_assert_cmpint (chorus_test_json_get_int (summary, "rate_limited", -1), ==,
                   500 - received.datagrams[1]);
  g_assert_cmpint (chorus_test_json_get_int (summary, "unanswered", -1), ==,
                   750 - received.datagrams[1]);

  large_events = cli_json_events (large);
  summary = cli_summary_of (large_events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "received", -1), ==, 752);
  g_assert_cmpint (chorus_test_json_get_int (summary, "replied", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (summary, "too_large", -1), ==, 702);
  g_assert_cmpint (chorus_test_json_get_int (summary, "bad_source", -1), ==, 50);
}

/* The port a sender on host 1 answers from, as a receiver saw it. */
static guint16
sender_port (Fixture        *fx,
             ChorusTestProc *receiver)
{
  g_autoptr (JsonObject) message = cli_await_message (fx, receiver, ARTICLE_DATA, NULL);
  gint64 port = chorus_test_json_get_int (message, "port", -1);

  g_assert_cmpint (port, >, 0);
  return (guint16) port;
}

static char *
random_source (void)
{
  return g_strdup_printf ("10.77.%d.%d", g_random_int_range (1, 250),
                          g_random_int_range (1, 254));
}

static gsize
resident_kib (ChorusTestProc *proc,
              const char     *field)
{
  const char *pid = g_subprocess_get_identifier (chorus_test_proc_get_subprocess (proc));
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);

  return (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10);
}

/* Finding 3: a sender kept every datagram that reached its port as an
 * ack and every source as a responder. Datagrams that cannot be answers
 * are now ignored (counted); the responders stay the true ones. */
static void
test_forged_non_answers_against_sender (Fixture       *fx,
                                        gconstpointer  data)
{
  g_autoptr (ChorusTestInjector) injector = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  ChorusTestProc *receiver, *sender;
  JsonObject *summary;
  guint16 port;

  SKIP_WITHOUT_LAN (fx);

  injector = chorus_test_injector_new (fx->lan, &error);
  g_assert_no_error (error);
  receiver = cli_start_receiver (fx, 2, NULL);
  sender = cli_spawn_chorus (fx, 1, "send", "--json", "-w", "3", NULL);
  port = sender_port (fx, receiver);

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *source = random_source ();

      /* From any port but the group's. */
      chorus_test_inject_udp (injector, source, (guint16) g_random_int_range (1, 9999),
                              chorus_test_lan_get_address (fx->lan, 1), port, "ack", 3, &error);
      g_assert_no_error (error);
      /* From the group's port, but to the broadcast address. */
      chorus_test_inject_udp (injector, source, PORT, "255.255.255.255", port, "ack", 3, &error);
      g_assert_no_error (error);
      if (i % 10 == 9)
        pause_reading (fx->lan);
    }

  cli_await_exit (sender, 0);
  events = cli_json_events (sender);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "ignored", -1), ==, 2 * 2000);
  g_assert_cmpuint (cli_count_events (sender, "ack"), ==, 1);
}

/* Forged answers that look like real ones (from the group's port) cannot
 * be told apart; they still must not make the sender grow without end. */
static void
test_forged_answers_bounded (Fixture       *fx,
                             gconstpointer  data)
{
  enum { N_FORGED = 20000, SIZE = 1400 };
  g_autoptr (ChorusTestInjector) injector = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *payload = g_strnfill (SIZE, 'a');
  const char *asan_options = g_getenv ("ASAN_OPTIONS");
  ChorusTestProc *receiver, *sender;
  gsize start_kib, peak_kib;
  guint16 port;

  SKIP_WITHOUT_LAN (fx);

  injector = chorus_test_injector_new (fx->lan, &error);
  g_assert_no_error (error);
  receiver = cli_start_receiver (fx, 2, NULL);
  if (asan_options != NULL)
    {
      /* Under AddressSanitizer, freed memory waits in a quarantine of up
       * to 256 MiB: without it, what stays resident is what is held. */
      g_autofree char *options =
        g_strdup_printf ("ASAN_OPTIONS=%s:quarantine_size_mb=0:thread_local_quarantine_size_kb=0",
                         asan_options);
      const char *argv[] = { "env", options, cli_path (), "send", "-w", "4", NULL };

      sender = cli_spawn_argv (fx, 1, argv);
    }
  else
    sender = cli_spawn_chorus (fx, 1, "send", "-w", "4", NULL);
  port = sender_port (fx, receiver);
  start_kib = resident_kib (sender, "VmRSS:");

  for (guint i = 0; i < N_FORGED; i++)
    {
      /* Every one from another host than the last. */
      g_autofree char *source = g_strdup_printf ("10.77.%u.%u", 1 + i / 250, 1 + i % 250);

      chorus_test_inject_udp (injector, source, PORT, chorus_test_lan_get_address (fx->lan, 1),
                              port, payload, SIZE, &error);
      g_assert_no_error (error);
      if (i % 20 == 19)
        pause_reading (fx->lan);
    }

  /* Let it read them all, then look at its high-water mark. */
  g_assert_true (chorus_test_proc_wait_lines (sender, N_FORGED / 2, 10000));
  g_usleep (500 * 1000);
  peak_kib = resident_kib (sender, "VmHWM:");
  g_test_message ("sender's resident memory: %" G_GSIZE_FORMAT " KiB once running, peak %"
                  G_GSIZE_FORMAT " KiB after %u forged answers of %u bytes",
                  start_kib, peak_kib, N_FORGED, SIZE);
  /* 20,000 kept answers alone would be 28 MB (the code before grew by
   * 50 MB); a bounded sender grows by its batch and one dispatch. */
  g_assert_cmpuint (peak_kib - start_kib, <, 16 * 1024);

  cli_await_exit (sender, 0);
  /* The first 16384 hosts are listed, the others counted. */
  g_assert_nonnull (
    chorus_test_proc_wait_line (sender, FALSE, "from hosts past the first 16384 not listed", NULL, 0));
  g_assert_nonnull (chorus_test_proc_wait_line (sender, FALSE, "from 16384 hosts", NULL, 0));
}


/* Finding 8 through the real program: a payload that tries to forge the
 * rest of its human line (a quote, a fake sender, a newline, an escape
 * sequence, a bidi override, an invisible letter) is printed escaped, on
 * its one line. */
static void
test_hostile_human_lines (Fixture       *fx,
                          gconstpointer  data)
{
  /* x", from 10.0.0.9:1 <RLO> <U+3164> \x1b[2K\n"forged */
  const char *hex = "78222c2066726f6d2031302e302e302e393a3120e280aee385a41b5b324b0a22666f72676564";
  const char *expected = "bytes: \"x\\\", from 10.0.0.9:1 \\u{202e}\\u{3164}\\x1b[2K\\n\\\"forged\"";
  g_autofree char *env = g_strdup_printf ("CHORUS_ARTICLE_MESSAGE_HEX=%s", hex);
  ChorusTestProc *receiver, *sender;
  GPtrArray *lines;

  SKIP_WITHOUT_LAN (fx);

  receiver = cli_spawn_chorus (fx, 2, "receive", "-c", "1", NULL);
  g_assert_true (chorus_test_proc_wait_joined (receiver, GROUP, PORT, 1, READY_TIMEOUT));
  sender = cli_spawn_article_sender (fx, 1, env, NULL);
  cli_await_exit (sender, 0);
  cli_await_exit (receiver, 0);

  lines = chorus_test_proc_get_stdout (receiver);
  g_assert_cmpuint (lines->len, ==, 1);
  g_test_message ("%s", (const char *) g_ptr_array_index (lines, 0));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (lines, 0), expected));
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, n_hosts, func)                                                                   \
  g_test_add ("/hardening/" path, Fixture, GUINT_TO_POINTER (n_hosts), cli_fixture_setup, func,    \
              cli_fixture_teardown)

  ADD ("output-fails", 3, test_output_fails);
  ADD ("signals-every-stage", 2, test_signals_every_stage);
  ADD ("route-gone-mid-send", 2, test_route_gone_mid_send);
  ADD ("interface-down-mid-send", 2, test_interface_down_mid_send);
  ADD ("interface-down-mid-receive", 2, test_interface_down_mid_receive);
  ADD ("port-taken-and-no-route", 2, test_port_taken_and_no_route);
  ADD ("receiver-killed-mid-burst", 3, test_receiver_killed_mid_burst);
  ADD ("spoofed-flood-against-receiver", 3, test_spoofed_flood_against_receiver);
  ADD ("forged-non-answers-against-sender", 2, test_forged_non_answers_against_sender);
  ADD ("forged-answers-bounded", 2, test_forged_answers_bounded);
  ADD ("hostile-human-lines", 2, test_hostile_human_lines);

#undef ADD

  return g_test_run ();
}
