/* test-watch.c: chorus-cli watch and sap against real producers on the
 * test LAN: GStreamer's RTP payloaders, ffmpeg's MPEG-TS and RTP, SAP
 * announcements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Host 2 produces; hosts 1 and 3 watch. The impairments are the
 * harness's, on the watching host's link, so the counts are exact.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "testcli.h"

#define WATCH_GROUP "239.10.0.1"
#define WATCH_PORT  "5004"
#define PRODUCE_TIMEOUT 20000

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  if (path == NULL)
    {
      g_test_skip_printf ("%s is not installed", name);
      return FALSE;
    }
  return TRUE;
}

/* chorus-cli watch --json ARGS… on host, once it has joined group:port. */
static ChorusTestProc *
start_watch (Fixture    *fx,
             guint       host,
             const char *group,
             guint       port,
             ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  ChorusTestProc *proc;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, "watch");
  g_ptr_array_add (argv, "--json");
  va_start (args, port);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
  if (!chorus_test_proc_wait_joined (proc, group, port, 1, READY_TIMEOUT))
    {
      g_autofree char *log = chorus_test_proc_dup_stderr_text (proc);

      g_error ("watch on h%u never joined %s:%u: %s", host, group, port, log);
    }
  return proc;
}

/* Runs argv on host to its end, successfully. */
static void
produce (Fixture           *fx,
         guint              host,
         const char *const *argv)
{
  ChorusTestProc *proc = cli_spawn_argv (fx, host, argv);

  if (!chorus_test_proc_wait_exit (proc, PRODUCE_TIMEOUT))
    g_error ("%s did not finish", argv[0]);
  if (chorus_test_proc_get_status (proc) != 0)
    {
      g_autofree char *log = chorus_test_proc_dup_stderr_text (proc);

      g_error ("%s failed (%d): %s", argv[0], chorus_test_proc_get_status (proc), log);
    }
}

/* GStreamer's audio over RTP to group:port: @buffers buffers of 10 ms. */
static void
produce_gst_audio (Fixture    *fx,
                   const char *group,
                   const char *port,
                   const char *caps,
                   const char *payloader,
                   guint       buffers)
{
  g_autofree char *num_buffers = g_strdup_printf ("num-buffers=%u", buffers);
  g_autofree char *host = g_strdup_printf ("host=%s", group);
  g_autofree char *port_arg = g_strdup_printf ("port=%s", port);
  g_auto (GStrv) payload = g_strsplit (payloader, " ", -1);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, "gst-launch-1.0");
  g_ptr_array_add (argv, "-q");
  g_ptr_array_add (argv, "audiotestsrc");
  g_ptr_array_add (argv, "is-live=true");
  g_ptr_array_add (argv, num_buffers);
  g_ptr_array_add (argv, "samplesperbuffer=441");
  g_ptr_array_add (argv, "!");
  g_ptr_array_add (argv, (char *) caps);
  g_ptr_array_add (argv, "!");
  g_ptr_array_add (argv, "audioconvert");
  g_ptr_array_add (argv, "!");
  for (guint i = 0; payload[i] != NULL; i++)
    g_ptr_array_add (argv, payload[i]);
  g_ptr_array_add (argv, "!");
  g_ptr_array_add (argv, "udpsink");
  g_ptr_array_add (argv, host);
  g_ptr_array_add (argv, port_arg);
  g_ptr_array_add (argv, "auto-multicast=true");
  g_ptr_array_add (argv, "ttl-mc=1");
  g_ptr_array_add (argv, "multicast-iface=eth0");
  /* Expedited forwarding, as AES67 audio goes: watch reads it back. */
  g_ptr_array_add (argv, "qos-dscp=46");
  g_ptr_array_add (argv, NULL);

  produce (fx, 2, (const char *const *) argv->pdata);
}

/* Stops a watch with SIGINT and returns its events. */
static GPtrArray *
stop_watch (ChorusTestProc *proc,
            int             expected_status)
{
  chorus_test_proc_send_signal (proc, SIGINT);
  cli_await_exit (proc, expected_status);
  return cli_json_events (proc);
}

/* The one flow (and its final stats) the events speak of. */
static JsonObject *
only_event (GPtrArray  *events,
            const char *event,
            gboolean    final)
{
  g_autoptr (GPtrArray) matches = chorus_test_json_filter (events, event);
  JsonObject *found = NULL;

  for (guint i = 0; i < matches->len; i++)
    {
      JsonObject *object = g_ptr_array_index (matches, i);

      if (final && !json_object_has_member (object, "final"))
        continue;
      g_assert_null (found);
      found = object;
    }
  g_assert_nonnull (found);
  return found;
}

static double
get_double (JsonObject *object,
            const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  g_assert_nonnull (node);
  g_assert_false (JSON_NODE_HOLDS_NULL (node));
  return json_node_get_double (node);
}

static gboolean
is_null (JsonObject *object,
         const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node);
}

/* Every stats field of the contract is there. */
static void
assert_contract (JsonObject *stats,
                 gboolean    rtp,
                 gboolean    ts)
{
  const char *every[] = {
    "group", "port", "source", "kind", "packets", "bytes", "rate_pps", "bitrate_bps",
    "avg_bitrate_bps", "iat_min_ms", "iat_avg_ms", "iat_max_ms", "iat_p99_ms", "max_burst",
    "longest_gap_ms", "ttl", "dscp", "host_dropped",
  };
  const char *of_rtp[] = {
    "ssrc", "payload_type", "clock_rate", "expected", "received", "lost", "loss_pct",
    "duplicates", "reordered", "jitter_ms", "seq_restarts",
  };
  const char *of_ts[] = {
    "ts_packets", "sync_errors", "pids", "cc_errors", "ts_missing", "pcr_repetition_errors",
    "pcr_discontinuities", "programs", "mdi_df_ms", "mdi_mlr",
  };

  for (guint i = 0; i < G_N_ELEMENTS (every); i++)
    g_assert_true (json_object_has_member (stats, every[i]));
  for (guint i = 0; rtp && i < G_N_ELEMENTS (of_rtp); i++)
    g_assert_true (json_object_has_member (stats, of_rtp[i]));
  for (guint i = 0; ts && i < G_N_ELEMENTS (of_ts); i++)
    g_assert_true (json_object_has_member (stats, of_ts[i]));
}

/* L16 stereo at 44.1 kHz is RFC 3551's static payload type 10: kind,
 * payload type and clock rate without an SDP; nothing lost; the bitrate
 * is the audio's plus the RTP headers, within 1 %. */
static void
test_gst_l16 (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *watch;
  JsonObject *flow, *stats;
  gint64 packets, bytes;
  double expected_bps;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("gst-launch-1.0"))
    return;

  watch = start_watch (fx, 1, WATCH_GROUP, 5004, WATCH_GROUP ":" WATCH_PORT, NULL);
  produce_gst_audio (fx, WATCH_GROUP, WATCH_PORT,
                     "audio/x-raw,rate=44100,channels=2,format=S16LE", "rtpL16pay pt=10", 150);
  events = stop_watch (watch, 0);

  flow = only_event (events, "flow", FALSE);
  g_assert_cmpstr (chorus_test_json_get_string (flow, "kind"), ==, "rtp");
  g_assert_cmpstr (chorus_test_json_get_string (flow, "source"), ==, "10.77.0.2");
  g_assert_cmpint (chorus_test_json_get_int (flow, "payload_type", -1), ==, 10);
  g_assert_cmpint (chorus_test_json_get_int (flow, "clock_rate", -1), ==, 44100);

  stats = only_event (events, "stats", TRUE);
  assert_contract (stats, TRUE, FALSE);
  packets = chorus_test_json_get_int (stats, "packets", -1);
  bytes = chorus_test_json_get_int (stats, "bytes", -1);
  g_assert_cmpint (packets, >=, 150);
  g_assert_cmpint (chorus_test_json_get_int (stats, "received", -1), ==, packets);
  g_assert_cmpint (chorus_test_json_get_int (stats, "expected", -1), ==, packets);
  g_assert_cmpint (chorus_test_json_get_int (stats, "lost", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "duplicates", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "ttl", -1), ==, 1);
  g_assert_cmpfloat (get_double (stats, "jitter_ms"), >=, 0);
  /* The DSCP as sent; nothing dropped for want of buffer. */
  g_assert_cmpint (chorus_test_json_get_int (stats, "dscp", -1), ==, 46);
  g_assert_cmpint (chorus_test_json_get_int (stats, "host_dropped", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "receive_buffer", 0), >,
                   0);

  /* 44100 × 2 × 16 bit/s of audio, and 12 bytes of header a packet. */
  expected_bps = 44100.0 * 32 * (double) bytes / (double) (bytes - 12 * packets);
  g_test_message ("avg bitrate %.0f, expected %.0f", get_double (stats, "avg_bitrate_bps"),
                  expected_bps);
  g_assert_cmpfloat (fabs (get_double (stats, "avg_bitrate_bps") - expected_bps) / expected_bps,
                     <, 0.01);
}

/* Host 1 drops every 5th datagram: exactly a fifth of the sequence is
 * lost, and --max-loss 10 fails the run (exit 1). A dynamic payload
 * type has no clock rate without an SDP, so no jitter. */
static void
test_gst_l24_loss (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *watch;
  JsonObject *flow, *stats, *summary;
  gint64 expected;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("gst-launch-1.0"))
    return;

  watch = start_watch (fx, 1, WATCH_GROUP, 5004, "-g", WATCH_GROUP, "--max-loss", "10", NULL);
  chorus_test_lan_drop_every (fx->lan, 1, CHORUS_TEST_TOWARD_HOST, 5, &error);
  g_assert_no_error (error);
  produce_gst_audio (fx, WATCH_GROUP, WATCH_PORT, "audio/x-raw,rate=48000,channels=2",
                     "rtpL24pay", 100);
  events = stop_watch (watch, 1);

  flow = only_event (events, "flow", FALSE);
  g_assert_cmpstr (chorus_test_json_get_string (flow, "kind"), ==, "rtp");
  g_assert_cmpint (chorus_test_json_get_int (flow, "payload_type", -1), ==, 96);
  g_assert_cmpint (chorus_test_json_get_int (flow, "clock_rate", -1), ==, 0);

  stats = only_event (events, "stats", TRUE);
  expected = chorus_test_json_get_int (stats, "expected", -1);
  g_assert_cmpint (expected, >=, 100);
  g_assert_cmpint (chorus_test_json_get_int (stats, "lost", -1), ==, expected / 5);
  g_assert_cmpint (chorus_test_json_get_int (stats, "received", -1), ==,
                   chorus_test_json_get_int (stats, "packets", -1));
  g_assert_cmpint (chorus_test_json_get_int (stats, "received", -1), ==,
                   expected - expected / 5);
  g_assert_true (is_null (stats, "jitter_ms"));
  summary = cli_summary_of (events);
  g_assert_false (json_object_get_boolean_member (summary, "max_loss_met"));
}

/* Every datagram arrives twice: each counted once as received, and its
 * copy as a duplicate, never as received; nothing lost or reordered. */
static void
test_gst_duplicates (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *watch;
  JsonObject *stats;
  gint64 received;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("gst-launch-1.0"))
    return;

  watch = start_watch (fx, 1, WATCH_GROUP, 5004, WATCH_GROUP, NULL);
  chorus_test_lan_duplicate (fx->lan, 1, CHORUS_TEST_TOWARD_HOST, &error);
  g_assert_no_error (error);
  produce_gst_audio (fx, WATCH_GROUP, WATCH_PORT,
                     "audio/x-raw,rate=44100,channels=2,format=S16LE", "rtpL16pay pt=10", 60);
  events = stop_watch (watch, 0);

  stats = only_event (events, "stats", TRUE);
  received = chorus_test_json_get_int (stats, "received", -1);
  g_assert_cmpint (received, >=, 60);
  g_assert_cmpint (chorus_test_json_get_int (stats, "packets", -1), ==, 2 * received);
  /* The first packet's copy comes while the source is on probation
   * (RFC 3550, A.1), where a repeat restarts the probation instead of
   * counting as a duplicate: every later copy is one. */
  g_assert_cmpint (chorus_test_json_get_int (stats, "duplicates", -1), >=, received - 1);
  g_assert_cmpint (chorus_test_json_get_int (stats, "duplicates", -1), <=, received);
  g_assert_cmpint (chorus_test_json_get_int (stats, "expected", -1), ==, received);
  g_assert_cmpint (chorus_test_json_get_int (stats, "lost", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "reordered", -1), ==, 0);
}

static void
produce_ffmpeg_ts (Fixture    *fx,
                   const char *url)
{
  const char *argv[] = {
    "ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
    "testsrc=size=160x120:rate=25", "-t", "2", "-c:v", "mpeg2video", "-b:v", "400k",
    "-f", "mpegts", url, NULL,
  };

  produce (fx, 2, argv);
}

/* ffmpeg's MPEG-TS over UDP: kind ts, its PAT, PMT and PCR PID; host 1
 * drops every 10th datagram and sees continuity errors, host 3 none. */
static void
test_ffmpeg_ts (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lossy = NULL;
  g_autoptr (GPtrArray) clean = NULL;
  ChorusTestProc *w1, *w3;
  JsonObject *stats;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("ffmpeg"))
    return;

  w1 = start_watch (fx, 1, WATCH_GROUP, 5006, WATCH_GROUP ":5006", NULL);
  w3 = start_watch (fx, 3, WATCH_GROUP, 5006, WATCH_GROUP ":5006", NULL);
  chorus_test_lan_drop_every (fx->lan, 1, CHORUS_TEST_TOWARD_HOST, 10, &error);
  g_assert_no_error (error);
  produce_ffmpeg_ts (fx, "udp://" WATCH_GROUP ":5006?pkt_size=1316&ttl=1&localaddr=10.77.0.2");
  lossy = stop_watch (w1, 0);
  clean = stop_watch (w3, 0);

  stats = only_event (clean, "stats", TRUE);
  assert_contract (stats, FALSE, TRUE);
  g_assert_cmpstr (chorus_test_json_get_string (stats, "kind"), ==, "ts");
  /* The datagrams before the third, which decides the kind, are in the
   * flow's counts but not the TS ones: 7 packets each, as ffmpeg sends. */
  g_assert_cmpint (chorus_test_json_get_int (stats, "ts_packets", -1), ==,
                   chorus_test_json_get_int (stats, "bytes", -1) / 188 - 2 * 7);
  g_assert_cmpint (chorus_test_json_get_int (stats, "cc_errors", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "ts_missing", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "sync_errors", -1), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "programs")), ==,
                    1);

  stats = only_event (lossy, "stats", TRUE);
  g_assert_cmpstr (chorus_test_json_get_string (stats, "kind"), ==, "ts");
  g_assert_cmpint (chorus_test_json_get_int (stats, "cc_errors", -1), >, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "ts_missing", -1), >, 0);
}

/* --expect: a watch that hears nothing fails it (1), meets 0 (0). */
static void
test_expect (Fixture       *fx,
             gconstpointer  data)
{
  ChorusTestProc *watch;
  JsonObject *summary;
  g_autoptr (GPtrArray) events = NULL;

  SKIP_WITHOUT_LAN (fx);

  watch = cli_spawn_chorus (fx, 1, "watch", "--json", "-d", "0.5", "--expect", "1",
                            WATCH_GROUP, NULL);
  cli_await_exit (watch, 1);
  events = cli_json_events (watch);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "flows", -1), ==, 0);
  g_assert_false (json_object_get_boolean_member (summary, "expect_met"));

  watch = cli_spawn_chorus (fx, 1, "watch", "-d", "0.3", "--expect", "0", WATCH_GROUP, NULL);
  cli_await_exit (watch, 0);
}

static char *
write_temp (const char *name,
            const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("chorus-watch-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A hand-written SDP: the dynamic payload type's clock rate from
 * a=rtpmap, so jitter; the source filter joins host 2 alone. */
static void
test_sdp_hand (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *path = write_temp ("stage.sdp",
                                      "v=0\r\n"
                                      "o=- 1 1 IN IP4 10.77.0.2\r\n"
                                      "s=Stage\r\n"
                                      "c=IN IP4 " WATCH_GROUP "/1\r\n"
                                      "t=0 0\r\n"
                                      "a=source-filter: incl IN IP4 " WATCH_GROUP " 10.77.0.2\r\n"
                                      "m=audio 5004 RTP/AVP 98\r\n"
                                      "a=rtpmap:98 L24/48000/2\r\n");
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *watch;
  JsonObject *flow, *stats;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("gst-launch-1.0"))
    return;

  watch = start_watch (fx, 1, WATCH_GROUP, 5004, "--sdp", path, NULL);
  produce_gst_audio (fx, WATCH_GROUP, WATCH_PORT, "audio/x-raw,rate=48000,channels=2",
                     "rtpL24pay pt=98", 60);
  events = stop_watch (watch, 0);

  flow = only_event (events, "flow", FALSE);
  g_assert_cmpstr (chorus_test_json_get_string (flow, "kind"), ==, "rtp");
  g_assert_cmpint (chorus_test_json_get_int (flow, "payload_type", -1), ==, 98);
  g_assert_cmpint (chorus_test_json_get_int (flow, "clock_rate", -1), ==, 48000);
  stats = only_event (events, "stats", TRUE);
  g_assert_cmpfloat (get_double (stats, "jitter_ms"), >=, 0);
  g_assert_cmpint (chorus_test_json_get_int (stats, "lost", -1), ==, 0);
}

/* The SDP ffmpeg writes for its RTP output, read from standard input. */
static void
test_sdp_ffmpeg (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *path = write_temp ("ffmpeg.sdp", "");
  g_autofree char *sdp = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  const char *make_sdp[] = {
    "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
    "sine=frequency=440:sample_rate=16000", "-t", "0.1", "-c:a", "pcm_s16be", "-f", "rtp",
    "-sdp_file", path, "rtp://" WATCH_GROUP ":5008?ttl=1&localaddr=10.77.0.2", NULL,
  };
  const char *stream[] = {
    "ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
    "sine=frequency=440:sample_rate=16000", "-t", "1.5", "-c:a", "pcm_s16be", "-f", "rtp",
    "rtp://" WATCH_GROUP ":5008?ttl=1&localaddr=10.77.0.2", NULL,
  };
  g_autofree char *shell = NULL;
  ChorusTestProc *watch;
  JsonObject *flow;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("ffmpeg"))
    return;

  /* A short run writes the SDP; the watch then reads it on stdin. */
  produce (fx, 2, make_sdp);
  g_file_get_contents (path, &sdp, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("ffmpeg's SDP:\n%s", sdp);
  g_assert_nonnull (strstr (sdp, "L16/16000"));

  shell = g_strdup_printf ("exec %s watch --json --sdp - < %s", cli_path (), path);
  {
    const char *argv[] = { "/bin/sh", "-c", shell, NULL };

    watch = cli_spawn_argv (fx, 1, argv);
    g_assert_true (chorus_test_proc_wait_joined (watch, WATCH_GROUP, 5008, 1, READY_TIMEOUT));
  }
  produce (fx, 2, stream);
  events = stop_watch (watch, 0);

  flow = only_event (events, "flow", FALSE);
  g_assert_cmpstr (chorus_test_json_get_string (flow, "kind"), ==, "rtp");
  g_assert_cmpint (chorus_test_json_get_int (flow, "port", -1), ==, 5008);
  g_assert_cmpint (chorus_test_json_get_int (flow, "clock_rate", -1), ==, 16000);
}

/* An SDP with a unicast connection address: refused naming its line,
 * exit 2, nothing joined. */
static void
test_sdp_invalid (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *path = write_temp ("bad.sdp",
                                      "v=0\n"
                                      "o=- 1 1 IN IP4 10.77.0.2\n"
                                      "s=Unicast\n"
                                      "c=IN IP4 10.77.0.2\n"
                                      "t=0 0\n"
                                      "m=audio 5004 RTP/AVP 0\n");
  g_autofree char *log = NULL;
  ChorusTestProc *watch;

  SKIP_WITHOUT_LAN (fx);

  watch = cli_spawn_chorus (fx, 1, "watch", "--json", "--sdp", path, NULL);
  cli_await_exit (watch, 2);
  log = chorus_test_proc_dup_stderr_text (watch);
  g_assert_nonnull (strstr (log, "SDP line 4"));
  g_assert_nonnull (strstr (log, "c=IN IP4 10.77.0.2"));
  g_assert_cmpuint (cli_count_events (watch, "ready"), ==, 0);
}

/* SAP announcements built here, sent from host 2 by python: session A
 * every 0.3 s, then deleted; session B (an ST 2022-7 pair) every 0.2 s
 * three times, then silent: it expires 2 s (ten intervals) later. */
static const char sap_announcer[] =
  "import socket, struct, sys, time\n"
  "A = ('v=0\\r\\no=- 100 1 IN IP4 10.77.0.2\\r\\ns=Stage \\x1b[31mmics\\r\\n'\n"
  "     'c=IN IP4 239.10.0.9/32\\r\\nt=0 0\\r\\n'\n"
  "     'a=source-filter: incl IN IP4 239.10.0.9 10.77.0.2\\r\\n'\n"
  "     'm=audio 5010 RTP/AVP 98\\r\\na=rtpmap:98 L24/48000/2\\r\\n')\n"
  "B = ('v=0\\r\\no=- 200 1 IN IP4 10.77.0.2\\r\\ns=Camera\\r\\nt=0 0\\r\\n'\n"
  "     'a=group:DUP p s\\r\\n'\n"
  "     'm=video 5000 RTP/AVP 33\\r\\nc=IN IP4 239.10.1.1/32\\r\\na=mid:p\\r\\n'\n"
  "     'm=video 5002 RTP/AVP 33\\r\\nc=IN IP4 239.10.2.1/32\\r\\na=mid:s\\r\\n')\n"
  "def sap(kind, h, text):\n"
  "    return (struct.pack('!BBH', 0x20 | (kind << 2), 0, h) + socket.inet_aton('10.77.0.2')\n"
  "            + b'application/sdp\\0' + text.encode())\n"
  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('10.77.0.2'))\n"
  "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)\n"
  "to = (sys.argv[1], 9875)\n"
  "for i in range(4):\n"
  "    s.sendto(sap(0, 0x1111, A), to)\n"
  "    if i < 3:\n"
  "        s.sendto(sap(0, 0x2222, B), to)\n"
  "    time.sleep(0.2 if i < 3 else 0.1)\n"
  "s.sendto(struct.pack('!BBH', 0x20, 0, 0x3333) + b'not sdp at all', to)\n"
  "s.sendto(struct.pack('!BBH', 0x21, 0, 0x4444) + socket.inet_aton('10.77.0.2') + b'zz', to)\n"
  "s.sendto(sap(1, 0x1111, 'o=- 100 1 IN IP4 10.77.0.2\\r\\n'), to)\n";

static JsonObject *
find_session (GPtrArray  *events,
              const char *state,
              const char *name)
{
  g_autoptr (GPtrArray) sessions = chorus_test_json_filter (events, "session");

  for (guint i = 0; i < sessions->len; i++)
    {
      JsonObject *session = g_ptr_array_index (sessions, i);

      if (g_strcmp0 (chorus_test_json_get_string (session, "state"), state) == 0
          && g_str_has_prefix (chorus_test_json_get_string (session, "name"), name))
        return session;
    }
  g_error ("no %s session %s", state, name);
  return NULL;
}

static void
test_sap (Fixture       *fx,
          gconstpointer  data)
{
  const char *announce[] = { cli_python (), "-c", sap_announcer, "239.255.255.255", NULL };
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *sap;
  JsonObject *session, *summary;
  JsonArray *dup;

  SKIP_WITHOUT_LAN (fx);

  sap = cli_spawn_chorus (fx, 1, "sap", "--json", "-d", "4.5", NULL);
  g_assert_true (chorus_test_proc_wait_joined (sap, "239.255.255.255", 9875, 1, READY_TIMEOUT));
  produce (fx, 2, announce);
  cli_await_exit (sap, 0);
  events = cli_json_events (sap);

  session = find_session (events, "new", "Stage");
  /* Shown literally: the escape byte is in the JSON string as it came. */
  g_assert_cmpstr (chorus_test_json_get_string (session, "name"), ==, "Stage \x1b[31mmics");
  g_assert_cmpstr (chorus_test_json_get_string (session, "group"), ==, "239.10.0.9");
  g_assert_cmpint (chorus_test_json_get_int (session, "port", -1), ==, 5010);
  g_assert_cmpstr (chorus_test_json_get_string (session, "source_filter"), ==, "10.77.0.2");
  g_assert_cmpstr (chorus_test_json_get_string (session, "media"), ==, "audio");
  g_assert_cmpstr (chorus_test_json_get_string (session, "encoding"), ==, "L24/48000/2");
  g_assert_cmpstr (chorus_test_json_get_string (session, "announcer"), ==, "10.77.0.2");
  g_assert_cmpstr (chorus_test_json_get_string (session, "origin"), ==, "10.77.0.2");
  g_assert_true (is_null (session, "dup"));
  g_assert_true (g_str_has_prefix (chorus_test_json_get_string (session, "sdp"), "v=0\r\n"));
  find_session (events, "deleted", "Stage");

  session = find_session (events, "new", "Camera");
  dup = json_object_get_array_member (session, "dup");
  g_assert_cmpuint (json_array_get_length (dup), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (dup, 0), ==, "239.10.1.1:5000");
  g_assert_cmpstr (json_array_get_string_element (dup, 1), ==, "239.10.2.1:5002");
  session = find_session (events, "expired", "Camera");
  g_assert_cmpfloat (get_double (session, "interval_s"), >=, 0.15);
  g_assert_cmpfloat (get_double (session, "interval_s"), <=, 0.5);

  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sessions", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (summary, "announcements", -1), ==, 7);
  g_assert_cmpint (chorus_test_json_get_int (summary, "deletions", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "compressed", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "malformed", -1), ==, 1);
}

/* watch --sap joins what an announcement describes as it appears. */
static void
test_watch_sap (Fixture       *fx,
                gconstpointer  data)
{
  const char *announce[] = { cli_python (), "-c", sap_announcer, "239.255.255.255", NULL };
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *watch;
  JsonObject *flow;

  SKIP_WITHOUT_LAN (fx);
  if (!have_program ("gst-launch-1.0"))
    return;

  watch = start_watch (fx, 1, "239.255.255.255", 9875, "--sap", NULL);
  produce (fx, 2, announce);
  g_assert_true (chorus_test_proc_wait_joined (watch, "239.10.0.9", 5010, 1, READY_TIMEOUT));
  produce_gst_audio (fx, "239.10.0.9", "5010", "audio/x-raw,rate=48000,channels=2",
                     "rtpL24pay pt=98", 40);
  events = stop_watch (watch, 0);

  flow = only_event (events, "flow", FALSE);
  g_assert_cmpstr (chorus_test_json_get_string (flow, "group"), ==, "239.10.0.9");
  g_assert_cmpint (chorus_test_json_get_int (flow, "clock_rate", -1), ==, 48000);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, n_hosts, func)                                                                   \
  g_test_add ("/watch/" path, Fixture, GUINT_TO_POINTER (n_hosts), cli_fixture_setup, func,        \
              cli_fixture_teardown)

  ADD ("gst-l16", 2, test_gst_l16);
  ADD ("gst-l24-loss", 2, test_gst_l24_loss);
  ADD ("gst-duplicates", 2, test_gst_duplicates);
  ADD ("ffmpeg-ts", 3, test_ffmpeg_ts);
  ADD ("expect", 1, test_expect);
  ADD ("sdp-hand", 2, test_sdp_hand);
  ADD ("sdp-ffmpeg", 2, test_sdp_ffmpeg);
  ADD ("sdp-invalid", 1, test_sdp_invalid);
  ADD ("sap", 2, test_sap);
  ADD ("watch-sap", 2, test_watch_sap);

#undef ADD

  return g_test_run ();
}
