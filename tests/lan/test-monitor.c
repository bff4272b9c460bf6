/* test-monitor.c: chorus-cli monitor scraped by a real Prometheus, on a
 * private LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor runs on host 1 and serves on that host's loopback; so does
 * the Prometheus (Debian's prometheus package) this test starts, with a
 * configuration and a storage directory of its own, scraping every
 * second. Everything HTTP is asked from inside host 1's namespace, by a
 * small Python client, so that nothing listens beyond its loopback.
 * Responders run on the other hosts; the harness drops exactly every
 * fifth probe toward one of them.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "chorus-probe.h"
#include "testcli.h"

#define MONITOR_LISTEN "127.0.0.1:10432"
#define PROMETHEUS     "127.0.0.1:9090"

static const char fetch_py[] =
  "import sys, time, urllib.request, urllib.error\n"
  "request = urllib.request.Request(sys.argv[1],\n"
  "    headers=dict(h.split(': ', 1) for h in sys.argv[2:]))\n"
  "start = time.monotonic()\n"
  "try:\n"
  "    reply = urllib.request.urlopen(request, timeout=30)\n"
  "    status, body = reply.status, reply.read()\n"
  "except urllib.error.HTTPError as e:\n"
  "    status, body = e.code, e.read()\n"
  "except OSError as e:\n"
  "    status, body = 0, str(e).encode()\n"
  "sys.stderr.write('status %d elapsed %.3f\\n' % (status, time.monotonic() - start))\n"
  "sys.stdout.write(body.decode())\n";

typedef struct
{
  int status;
  double elapsed;
  char *body;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* GET url from host 1, with header ("Name: value") if not NULL. */
static void
fetch (Fixture    *fx,
       const char *url,
       const char *header,
       Reply      *reply)
{
  const char *argv[] = { cli_python (), "-c", fetch_py, url, header, NULL };
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  proc = chorus_test_lan_spawnv (fx->lan, 1, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_object_unref (proc);
  if (sscanf (err, "status %d elapsed %lf", &reply->status, &reply->elapsed) != 2)
    g_error ("fetching %s: %s", url, err);
  reply->body = g_steal_pointer (&out);
}

static char *
metrics (Fixture *fx)
{
  g_auto (Reply) reply = { 0 };

  fetch (fx, "http://" MONITOR_LISTEN "/metrics", NULL, &reply);
  g_assert_cmpint (reply.status, ==, 200);
  return g_steal_pointer (&reply.body);
}

static char *
write_temp (const char *dir,
            const char *name,
            const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* The monitor on host 1, once it serves. */
static ChorusTestProc *
start_monitor (Fixture    *fx,
               const char *config)
{
  ChorusTestProc *proc = cli_spawn_chorus (fx, 1, "monitor", "--listen", MONITOR_LISTEN, config,
                                           NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_auto (Reply) reply = { 0 };

      fetch (fx, "http://" MONITOR_LISTEN "/metrics", NULL, &reply);
      if (reply.status == 200)
        return proc;
      if (g_get_monotonic_time () > deadline || chorus_test_proc_get_status (proc) >= 0)
        {
          g_autofree char *text = chorus_test_proc_dup_stderr_text (proc);

          g_error ("the monitor does not serve: %s", text);
        }
      g_usleep (100 * 1000);
    }
}


/* The one value of an instant query, or NULL when it has no result. */
static char *
query (Fixture    *fx,
       const char *promql)
{
  g_autofree char *escaped = g_uri_escape_string (promql, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("http://" PROMETHEUS "/api/v1/query?query=%s", escaped);
  g_auto (Reply) reply = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *data;
  JsonArray *result;

  fetch (fx, url, NULL, &reply);
  if (reply.status != 200)
    return NULL;
  json_parser_load_from_data (parser, reply.body, -1, &error);
  g_assert_no_error (error);
  data = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                        "data");
  result = json_object_get_array_member (data, "result");
  if (json_array_get_length (result) == 0)
    return NULL;
  return g_strdup (json_array_get_string_element (
    json_object_get_array_member (json_array_get_object_element (result, 0), "value"), 1));
}

/* Until promql has the value wanted, or timeout_s pass; the last value. */
static char *
await_value (Fixture    *fx,
             const char *promql,
             const char *wanted,
             guint       timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;
  char *value = NULL;

  do
    {
      g_free (value);
      value = query (fx, promql);
      if (g_strcmp0 (value, wanted) == 0)
        break;
      g_usleep (500 * 1000);
    }
  while (g_get_monotonic_time () < deadline);

  g_test_message ("%s = %s", promql, value ? value : "(nothing)");
  return value;
}

static const char probe_config[] =
  "# written by test-monitor\n"
  "[probe lan]\n"
  "group=" GROUP "\n"
  "port=10000\n"
  "count=5\n"
  "interval=0.1\n"
  "wait=0.5\n";

static void
test_prometheus (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *prom_config = NULL;
  g_autofree char *storage = NULL;
  g_autofree char *storage_arg = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *value = NULL;
  g_autofree char *scrape = NULL;
  ChorusTestProc *monitor, *prometheus, *check;
  gint64 deadline;

  SKIP_WITHOUT_LAN (fx);

  if (!g_file_test ("/usr/bin/prometheus", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("needs Prometheus (Debian package prometheus)");
      return;
    }

  dir = g_dir_make_tmp ("chorus-monitor-XXXXXX", &error);
  g_assert_no_error (error);
  storage = g_build_filename (dir, "tsdb", NULL);
  config = write_temp (dir, "monitor.conf", probe_config);
  prom_config = write_temp (dir, "prometheus.yml",
                            "global:\n"
                            "  scrape_interval: 1s\n"
                            "  scrape_timeout: 1s\n"
                            "  evaluation_interval: 1s\n"
                            "scrape_configs:\n"
                            "  - job_name: chorus\n"
                            "    static_configs:\n"
                            "      - targets: ['" MONITOR_LISTEN "']\n");

  cli_start_receiver (fx, 2, NULL);
  cli_start_receiver (fx, 3, NULL);
  /* Probes 5, 10, 15… toward host 2 are lost: the fifth of every round. */
  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_TOWARD_HOST, 5, &error);
  g_assert_no_error (error);

  monitor = start_monitor (fx, config);

  config_arg = g_strdup_printf ("--config.file=%s", prom_config);
  storage_arg = g_strdup_printf ("--storage.tsdb.path=%s", storage);
  {
    const char *argv[] = { "/usr/bin/prometheus", config_arg, storage_arg,
                           "--web.listen-address=" PROMETHEUS, "--log.level=warn", NULL };

    prometheus = cli_spawn_argv (fx, 1, argv);
  }

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_auto (Reply) reply = { 0 };

      fetch (fx, "http://" PROMETHEUS "/-/ready", NULL, &reply);
      if (reply.status == 200)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
    }

  /* A few rounds in. */
  value = await_value (fx, "up{job=\"chorus\"}", "1", 20);
  g_assert_cmpstr (value, ==, "1");
  g_clear_pointer (&value, g_free);
  value = await_value (fx, "sum(chorus_probe_sent_total{responder=\"10.77.0.2\"}) >= bool 20",
                       "1", 30);
  g_clear_pointer (&value, g_free);

  value = await_value (fx, "chorus_probe_loss_ratio{check=\"lan\",responder=\"10.77.0.2\"}",
                       "0.2", 10);
  g_assert_cmpstr (value, ==, "0.2");
  g_clear_pointer (&value, g_free);
  value = query (fx, "chorus_probe_loss_ratio{check=\"lan\",responder=\"10.77.0.3\"}");
  g_assert_cmpstr (value, ==, "0");
  g_clear_pointer (&value, g_free);

  /* Every answer in time has its round trip in the histogram. */
  value = query (fx, "count(chorus_probe_rtt_seconds_count == chorus_probe_answers_total)");
  g_assert_cmpstr (value, ==, "2");
  g_clear_pointer (&value, g_free);
  value = query (fx, "count(chorus_probe_answers_total > 0)");
  g_assert_cmpstr (value, ==, "2");
  g_clear_pointer (&value, g_free);
  value = query (fx, "chorus_probe_responders{check=\"lan\"}");
  g_assert_cmpstr (value, ==, "2");
  g_clear_pointer (&value, g_free);
  value = query (fx, "chorus_up{check=\"lan\"} + on() chorus_build_info");
  g_assert_cmpstr (value, ==, "2");
  g_clear_pointer (&value, g_free);

  /* promtool on a scrape: no error, no warning. */
  scrape = metrics (fx);
  g_test_message ("a scrape:\n%s", scrape);
  {
    g_autofree char *path = write_temp (dir, "scrape.txt", scrape);
    g_autofree char *script = g_strdup_printf ("promtool check metrics < '%s' 2>&1", path);
    const char *argv[] = { "/bin/sh", "-c", script, NULL };

    check = cli_spawn_argv (fx, 1, argv);
    cli_await_exit (check, 0);
    for (guint i = 0; i < chorus_test_proc_get_stdout (check)->len; i++)
      g_test_message ("promtool: %s", (char *) g_ptr_array_index (chorus_test_proc_get_stdout (check), i));
    g_assert_cmpuint (chorus_test_proc_get_stdout (check)->len, ==, 0);
  }

  chorus_test_proc_send_signal (prometheus, SIGTERM);
  g_assert_true (chorus_test_proc_wait_exit (prometheus, 15000));
  chorus_test_proc_send_signal (monitor, SIGTERM);
  cli_await_exit (monitor, 0);

  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

/* --check: every bad key, bad value and unknown section, with its line;
 * exit 2. SIGHUP: a bad file keeps the old checks; a good one replaces
 * them. SIGTERM: a clean stop. */
static void
test_config_errors_and_reload (Fixture       *fx,
                               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *scrape = NULL;
  ChorusTestProc *proc, *monitor;
  const char *expected[] = {
    ":3: port: Port 0 is out of range",
    ":4: Unknown key “colour” in [probe lan]",
    ":5: Unknown section [probes x]",
    ":6: [watch NAME] checks",
    ":7: [querier NAME] checks",
    ":9: count: “many” is not a count",
    ":10: “nonsense” is not a setting",
  };

  SKIP_WITHOUT_LAN (fx);

  dir = g_dir_make_tmp ("chorus-monitor-XXXXXX", &error);
  g_assert_no_error (error);
  bad = write_temp (dir, "bad.conf",
                    "[probe lan]\n"
                    "group=" GROUP "\n"
                    "port=0\n"
                    "colour=red\n"
                    "[probes x]\n"
                    "[watch stream]\n"
                    "[querier segment]\n"
                    "[ping srv]\n"
                    "count=many\n"
                    "nonsense\n");

  proc = cli_spawn_chorus (fx, 1, "monitor", "--check", bad, NULL);
  cli_await_exit (proc, 2);
  text = chorus_test_proc_dup_stderr_text (proc);
  g_test_message ("%s", text);
  /* The scan's problem is said first and alone, as the rest would be
   * read wrong. */
  g_assert_nonnull (strstr (text, "bad.conf:10: “nonsense” is not a setting"));
  g_clear_pointer (&text, g_free);

  g_file_set_contents (bad,
                       "[probe lan]\n"
                       "group=" GROUP "\n"
                       "port=0\n"
                       "colour=red\n"
                       "[probes x]\n"
                       "[watch stream]\n"
                       "[querier segment]\n"
                       "[ping srv]\n"
                       "count=many\n", -1, &error);
  g_assert_no_error (error);
  proc = cli_spawn_chorus (fx, 1, "monitor", "--check", bad, NULL);
  cli_await_exit (proc, 2);
  text = chorus_test_proc_dup_stderr_text (proc);
  g_test_message ("%s", text);
  for (guint i = 0; i + 1 < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("--check does not say “%s”:\n%s", expected[i], text);
  g_clear_pointer (&text, g_free);

  /* A good file: 0, and the monitor runs it. */
  config = write_temp (dir, "monitor.conf", probe_config);
  proc = cli_spawn_chorus (fx, 1, "monitor", "--check", config, NULL);
  cli_await_exit (proc, 0);

  cli_start_receiver (fx, 2, NULL);
  monitor = start_monitor (fx, config);

  /* A bad file on SIGHUP: said, and the old checks go on. */
  g_file_set_contents (config, "[probe lan]\nport=99999\n", -1, &error);
  g_assert_no_error (error);
  chorus_test_proc_send_signal (monitor, SIGHUP);
  g_assert_nonnull (chorus_test_proc_wait_line (monitor, TRUE, "not reloaded", NULL, 5000));
  g_assert_nonnull (chorus_test_proc_wait_line (monitor, TRUE, ":2: port:", NULL, 0));
  scrape = metrics (fx);
  g_assert_nonnull (strstr (scrape, "chorus_up{check=\"lan\",kind=\"probe\"} 1"));
  g_clear_pointer (&scrape, g_free);

  /* A good one: the new checks. */
  g_file_set_contents (config,
                       "[probe other]\ngroup=" GROUP "\ncount=2\ninterval=0.1\nwait=0.3\n", -1,
                       &error);
  g_assert_no_error (error);
  chorus_test_proc_send_signal (monitor, SIGHUP);
  g_assert_nonnull (chorus_test_proc_wait_line (monitor, TRUE, "reloaded: 1 checks", NULL, 5000));
  scrape = metrics (fx);
  g_assert_null (strstr (scrape, "check=\"lan\""));
  g_assert_nonnull (strstr (scrape, "chorus_up{check=\"other\",kind=\"probe\"} 1"));

  /* Nothing but metrics. */
  {
    g_auto (Reply) reply = { 0 };

    fetch (fx, "http://" MONITOR_LISTEN "/", NULL, &reply);
    g_assert_cmpint (reply.status, ==, 404);
    reply_clear (&reply);
    fetch (fx, "http://" MONITOR_LISTEN "/probe?check=nothing", NULL, &reply);
    g_assert_cmpint (reply.status, ==, 400);
  }

  chorus_test_proc_send_signal (monitor, SIGTERM);
  cli_await_exit (monitor, 0);

  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

/* A forged answer to the probe just sent: the probe's session, number and
 * send time echoed, from source:PORT. */
static void
forge_answers (Fixture            *fx,
               ChorusTestInjector *injector,
               GBytes             *probe_bytes,
               guint16             sender_port,
               guint               n)
{
  ChorusProbe probe;
  ChorusAnswer answer = { 0 };
  guint8 buffer[256];
  gsize size;

  g_assert_true (chorus_probe_parse (g_bytes_get_data (probe_bytes, NULL),
                                     g_bytes_get_size (probe_bytes), &probe));
  answer.session = probe.session;
  answer.seq = probe.seq;
  answer.sent_usec = probe.sent_usec;
  answer.ttl = 1;
  size = chorus_answer_encode (&answer, sizeof buffer, buffer, sizeof buffer);
  g_assert_cmpuint (size, >, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *source = g_strdup_printf ("10.77.%u.%u", 10 + i / 250, 1 + i % 250);

      chorus_test_inject_udp (injector, source, PORT, chorus_test_lan_get_address (fx->lan, 1),
                              sender_port, buffer, size, &error);
      g_assert_no_error (error);
      if (i % 20 == 19)
        g_usleep (1000);
    }
}

static guint
count_lines (const char *text,
             const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      n++;
  return n;
}

/* 20,000 forged answers, each from another address: 100 series and the
 * one other, the rest counted as dropped. And a /probe whose scrape
 * times out before its probes are done answers in time. */
static void
test_flood_and_probe_timeout (Fixture       *fx,
                              gconstpointer  data)
{
  enum { N_FORGED = 20000 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ChorusTestInjector) injector = NULL;
  g_autoptr (ChorusTestCapture) capture = NULL;
  g_autoptr (JsonObject) message = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *scrape = NULL;
  ChorusTestProc *receiver, *monitor;
  guint16 sender_port;
  GPtrArray *payloads;
  const char *dropped;
  gint64 deadline;

  SKIP_WITHOUT_LAN (fx);

  dir = g_dir_make_tmp ("chorus-monitor-XXXXXX", &error);
  g_assert_no_error (error);
  config = write_temp (dir, "monitor.conf",
                       "[probe flood]\n"
                       "group=" GROUP "\n"
                       "count=4\n"
                       "interval=1\n"
                       "wait=5\n"
                       "max-responders=100\n");

  receiver = cli_start_receiver (fx, 2, NULL);
  capture = chorus_test_capture_new_toward (fx->lan, 2, &error);
  g_assert_no_error (error);
  injector = chorus_test_injector_new (fx->lan, &error);
  g_assert_no_error (error);
  monitor = start_monitor (fx, config);

  message = cli_await_message (fx, receiver, NULL, NULL);
  sender_port = (guint16) chorus_test_json_get_int (message, "port", 0);
  g_assert_cmpuint (sender_port, >, 0);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (chorus_test_capture_poll (capture) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  payloads = chorus_test_capture_get_payloads (capture);
  forge_answers (fx, injector, g_ptr_array_index (payloads, payloads->len - 1), sender_port,
                 N_FORGED);

  /* The round ends (4 s of probes, 5 s of wait) and is counted. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_clear_pointer (&scrape, g_free);
      scrape = metrics (fx);
      if (strstr (scrape, "chorus_series_dropped_total{check=\"flood\"} 0\n") == NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (500 * 1000);
    }

  dropped = strstr (scrape, "chorus_series_dropped_total{check=\"flood\"} ");
  g_assert_nonnull (dropped);
  g_test_message ("%.60s; %u sent series", dropped,
                  count_lines (scrape, "chorus_probe_sent_total{check=\"flood\""));
  /* The true responder and 99 forged ones, then the one other. */
  g_assert_cmpuint (count_lines (scrape, "chorus_probe_sent_total{check=\"flood\""), ==, 101);
  g_assert_cmpuint (count_lines (scrape, "chorus_probe_answers_total{check=\"flood\""), ==, 101);
  g_assert_nonnull (strstr (scrape, "responder=\"other\""));
  /* Nearly every forged one past the first 99 (a few may be lost on the way). */
  g_assert_cmpuint (g_ascii_strtoull (dropped + strlen ("chorus_series_dropped_total{check=\"flood\"} "),
                                      NULL, 10), >=, (N_FORGED - 99) * 95 / 100);
  /* 101 series of some 3 KiB each (their histograms), whatever the flood. */
  g_assert_cmpuint (strlen (scrape), <, 512 * 1024);

  /* /probe with 20 s of probes and a 2 s scrape timeout: in time, with
   * the answers so far. */
  {
    g_auto (Reply) reply = { 0 };

    fetch (fx, "http://" MONITOR_LISTEN "/probe?group=" GROUP "&port=10000&count=20&interval=1",
           "X-Prometheus-Scrape-Timeout-Seconds: 2", &reply);
    g_test_message ("/probe in %.3f s:\n%s", reply.elapsed, reply.body);
    g_assert_cmpint (reply.status, ==, 200);
    g_assert_cmpfloat (reply.elapsed, <, 2.0);
    g_assert_nonnull (strstr (reply.body, "\nprobe_success 1\n"));
    g_assert_nonnull (strstr (reply.body, "\nprobe_duration_seconds 1."));
    g_assert_nonnull (strstr (reply.body, "responder=\"10.77.0.2\""));
  }

  chorus_test_proc_send_signal (monitor, SIGTERM);
  cli_await_exit (monitor, 0);

  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/monitor/prometheus", Fixture, GUINT_TO_POINTER (3), cli_fixture_setup,
              test_prometheus, cli_fixture_teardown);
  g_test_add ("/monitor/config-errors-and-reload", Fixture, GUINT_TO_POINTER (2),
              cli_fixture_setup, test_config_errors_and_reload, cli_fixture_teardown);
  g_test_add ("/monitor/flood-and-probe-timeout", Fixture, GUINT_TO_POINTER (2),
              cli_fixture_setup, test_flood_and_probe_timeout, cli_fixture_teardown);

  return g_test_run ();
}
