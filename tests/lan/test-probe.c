/* test-probe.c: chorus-cli probe on an impaired LAN, statistics checked exactly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Receivers (chorus-cli receive, the article's receiver) run on hosts,
 * chorus-cli probe --json on another; the links are impaired exactly
 * (testlan.h) so that every figure the prober and the receivers print
 * has one right value, given by docs/PROTOCOL.md, "Statistics".
 */

#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "testcli.h"

/* A probe run is a few seconds; a loaded machine may stretch it. */
#define PROBE_TIMEOUT 30000

/* chorus-cli probe --json ARGS… NULL on host, not awaited. */
static ChorusTestProc *
spawn_probe (Fixture *fx,
             guint    host,
             ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, "probe");
  g_ptr_array_add (argv, "--json");
  va_start (args, host);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
}

static void
await_exit (ChorusTestProc *proc,
            int             expected_status)
{
  g_autofree char *log = NULL;

  if (!chorus_test_proc_wait_exit (proc, PROBE_TIMEOUT))
    g_error ("%s still running after %d ms",
             g_subprocess_get_identifier (chorus_test_proc_get_subprocess (proc)), PROBE_TIMEOUT);
  log = chorus_test_proc_dup_stderr_text (proc);
  if (*log != '\0')
    g_test_message ("stderr: %s", log);
  g_assert_cmpint (chorus_test_proc_get_status (proc), ==, expected_status);
}

/* Stops a receiver as a person would, and returns what it printed. */
static GPtrArray *
stop_receiver (ChorusTestProc *receiver)
{
  chorus_test_proc_send_signal (receiver, SIGINT);
  await_exit (receiver, 0);

  return cli_json_events (receiver);
}

static const char *
event_name (JsonObject *object)
{
  return chorus_test_json_get_string (object, "event");
}

/* The last event of that kind from that address (for responders, the
 * final statistics); NULL when there is none. */
static JsonObject *
last_event_from (GPtrArray  *events,
                 const char *event,
                 const char *from)
{
  for (guint i = events->len; i > 0; i--)
    {
      JsonObject *object = g_ptr_array_index (events, i - 1);

      if (g_strcmp0 (event_name (object), event) == 0 &&
          g_strcmp0 (chorus_test_json_get_string (object, "from"), from) == 0)
        return object;
    }

  return NULL;
}

static guint
count_events_from (GPtrArray  *events,
                   const char *event,
                   const char *from)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *object = g_ptr_array_index (events, i);

      if (g_strcmp0 (event_name (object), event) == 0 &&
          (from == NULL || g_strcmp0 (chorus_test_json_get_string (object, "from"), from) == 0))
        n++;
    }

  return n;
}

/* The one final responder event from that address. */
static JsonObject *
responder_of (GPtrArray  *events,
              const char *from)
{
  JsonObject *responder = last_event_from (events, "responder", from);

  if (responder == NULL)
    g_error ("no responder event from %s", from);

  return responder;
}

/* The receiver's one "sender" event: its view of the prober. */
static JsonObject *
sender_of (GPtrArray *events)
{
  g_autoptr (GPtrArray) senders = chorus_test_json_filter (events, "sender");

  g_assert_cmpuint (senders->len, ==, 1);
  return g_ptr_array_index (senders, 0);
}

static double
get_number (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    g_error ("“%s” is not a number", member);

  return json_node_get_double (node);
}

/* Percentages are printed with two decimals: compare them exactly, in
 * hundredths. */
static gint64
get_hundredths (JsonObject *object,
                const char *member)
{
  double value = get_number (object, member) * 100;

  return (gint64) (value >= 0 ? value + 0.5 : value - 0.5);
}

static gboolean
get_bool (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    g_error ("“%s” is not a boolean", member);

  return json_node_get_boolean (node);
}

static gboolean
is_null (JsonObject *object,
         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node);
}

/* How many acks arrived from that address for each seq (counts[seq],
 * seq from 1 to n), and of those how many were verdict "received". */
static void
count_acks (GPtrArray  *events,
            const char *from,
            guint      *counts,
            guint      *received,
            guint       n)
{
  memset (counts, 0, (n + 1) * sizeof *counts);
  memset (received, 0, (n + 1) * sizeof *received);
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *object = g_ptr_array_index (events, i);
      gint64      seq;

      if (g_strcmp0 (event_name (object), "ack") != 0 ||
          g_strcmp0 (chorus_test_json_get_string (object, "from"), from) != 0)
        continue;
      seq = chorus_test_json_get_int (object, "seq", -1);
      g_assert_cmpint (seq, >=, 1);
      g_assert_cmpint (seq, <=, n);
      counts[seq]++;
      if (g_strcmp0 (chorus_test_json_get_string (object, "verdict"), "received") == 0)
        received[seq]++;
    }
}

static void
assert_responder_counts (JsonObject *responder,
                         gint64      sent,
                         gint64      received,
                         gint64      loss_hundredths,
                         gint64      duplicates)
{
  g_assert_cmpint (chorus_test_json_get_int (responder, "sent", -1), ==, sent);
  g_assert_cmpint (chorus_test_json_get_int (responder, "received", -1), ==, received);
  g_assert_cmpint (get_hundredths (responder, "loss_pct"), ==, loss_hundredths);
  g_assert_cmpint (chorus_test_json_get_int (responder, "duplicates", -1), ==, duplicates);
  g_assert_cmpint (chorus_test_json_get_int (responder, "late", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (responder, "reordered", -1), ==, 0);
}

/* Every fifth probe is lost on its way to h1 (5, 10… 50), h2 gets them
 * all: the prober counts exactly 20 % loss for h1 and none for h2, and
 * h1's own view of the prober agrees, except for the last probe, which
 * it cannot know was ever sent. */
static void
test_exact_loss (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) r1_events = NULL;
  g_autoptr (GPtrArray) r2_events = NULL;
  ChorusTestProc *r1, *r2, *prober;
  JsonObject     *responder, *sender, *summary;
  guint           counts[51], received[51];

  SKIP_WITHOUT_LAN (fx);

  r1 = cli_start_receiver (fx, 1, NULL);
  r2 = cli_start_receiver (fx, 2, NULL);
  chorus_test_lan_drop_every (fx->lan, 1, CHORUS_TEST_TOWARD_HOST, 5, &error);
  g_assert_no_error (error);

  prober = spawn_probe (fx, 3, "-c", "50", "-i", "0.02", "-w", "1", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);
  r1_events = stop_receiver (r1);
  r2_events = stop_receiver (r2);

  g_assert_cmpuint (count_events_from (events, "sent", NULL), ==, 50);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 50);
  g_assert_cmpint (chorus_test_json_get_int (summary, "settled", -1), ==, 50);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==, 90);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 2);
  g_assert_cmpint (chorus_test_json_get_int (summary, "heard", -1), ==, 2);

  responder = responder_of (events, "10.77.0.1");
  assert_responder_counts (responder, 50, 40, 2000, 0);
  g_assert_cmpint (get_hundredths (responder, "loss_since_first_pct"), ==, 2000);
  g_assert_cmpint (chorus_test_json_get_int (responder, "first_seq", -1), ==, 1);
  count_acks (events, "10.77.0.1", counts, received, 50);
  for (guint seq = 1; seq <= 50; seq++)
    {
      g_assert_cmpuint (counts[seq], ==, seq % 5 == 0 ? 0 : 1);
      g_assert_cmpuint (received[seq], ==, counts[seq]);
    }

  responder = responder_of (events, "10.77.0.2");
  assert_responder_counts (responder, 50, 50, 0, 0);
  count_acks (events, "10.77.0.2", counts, received, 50);
  for (guint seq = 1; seq <= 50; seq++)
    g_assert_cmpuint (received[seq], ==, 1);

  /* Lost counts the gaps below the highest seq seen, 49: 5, 10… 45. */
  sender = sender_of (r1_events);
  g_assert_cmpint (chorus_test_json_get_int (sender, "received", -1), ==, 40);
  g_assert_cmpint (chorus_test_json_get_int (sender, "lost", -1), ==, 9);
  /* 9 of the 49 it knows of. */
  g_assert_cmpint (get_hundredths (sender, "loss_pct"), ==, 1837);
  g_assert_cmpint (chorus_test_json_get_int (sender, "duplicates", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (sender, "reordered", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (sender, "first_seq", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (sender, "last_seq", -1), ==, 49);
  g_assert_cmpstr (chorus_test_json_get_string (sender, "from"), ==, "10.77.0.3");
  g_assert_cmpuint (count_events_from (r1_events, "message", NULL), ==, 40);

  sender = sender_of (r2_events);
  g_assert_cmpint (chorus_test_json_get_int (sender, "received", -1), ==, 50);
  g_assert_cmpint (chorus_test_json_get_int (sender, "lost", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (sender, "last_seq", -1), ==, 50);
}

/* Every fourth answer from h2 is lost on its way back: the prober sees
 * 25 % loss, while h2 itself got every probe. */
static void
test_loss_on_way_back (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) r2_events = NULL;
  ChorusTestProc *r2, *prober;
  JsonObject     *responder, *sender;
  guint           counts[41], received[41];

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 1, NULL);
  r2 = cli_start_receiver (fx, 2, NULL);
  chorus_test_lan_drop_every (fx->lan, 2, CHORUS_TEST_FROM_HOST, 4, &error);
  g_assert_no_error (error);

  prober = spawn_probe (fx, 3, "-c", "40", "-i", "0.02", "-w", "1", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);
  r2_events = stop_receiver (r2);

  responder = responder_of (events, "10.77.0.2");
  assert_responder_counts (responder, 40, 30, 2500, 0);
  count_acks (events, "10.77.0.2", counts, received, 40);
  for (guint seq = 1; seq <= 40; seq++)
    g_assert_cmpuint (received[seq], ==, seq % 4 == 0 ? 0 : 1);

  assert_responder_counts (responder_of (events, "10.77.0.1"), 40, 40, 0, 0);

  sender = sender_of (r2_events);
  g_assert_cmpint (chorus_test_json_get_int (sender, "received", -1), ==, 40);
  g_assert_cmpint (chorus_test_json_get_int (sender, "lost", -1), ==, 0);
  g_assert_cmpint (get_hundredths (sender, "loss_pct"), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (sender, "duplicates", -1), ==, 0);
}

/* Every probe reaches h1 twice; h1 answers both copies, and the second
 * answer to each probe is a duplicate, never one more received. */
static void
test_duplicates (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) r1_events = NULL;
  ChorusTestProc *r1, *prober;
  JsonObject     *sender;
  guint           counts[21], received[21];

  SKIP_WITHOUT_LAN (fx);

  r1 = cli_start_receiver (fx, 1, NULL);
  chorus_test_lan_duplicate (fx->lan, 1, CHORUS_TEST_TOWARD_HOST, &error);
  g_assert_no_error (error);

  prober = spawn_probe (fx, 2, "-c", "20", "-i", "0.05", "-w", "1", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  assert_responder_counts (responder_of (events, "10.77.0.1"), 20, 20, 0, 20);
  count_acks (events, "10.77.0.1", counts, received, 20);
  for (guint seq = 1; seq <= 20; seq++)
    {
      g_assert_cmpuint (counts[seq], ==, 2);
      g_assert_cmpuint (received[seq], ==, 1);
    }
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "acks", -1), ==, 40);

  r1_events = stop_receiver (r1);
  sender = sender_of (r1_events);
  g_assert_cmpint (chorus_test_json_get_int (sender, "received", -1), ==, 20);
  g_assert_cmpint (chorus_test_json_get_int (sender, "duplicates", -1), ==, 20);
  g_assert_cmpint (chorus_test_json_get_int (sender, "lost", -1), ==, 0);
  g_assert_cmpuint (count_events_from (r1_events, "message", NULL), ==, 40);
}

/* The article's receiver answers probes as it answers anything: it is
 * counted, untagged, its hops estimated, beside a named Chorus receiver. */
static void
test_classic_beside_tagged (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  ChorusTestProc *article, *prober;
  JsonObject     *responder, *summary;
  GPtrArray      *log;
  guint           n_classic = 0, n_tagged = 0, n_heard = 0;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 1, "--name", "kitchen", NULL);
  article = cli_spawn_article_receiver (fx, 3);

  prober = spawn_probe (fx, 2, "-c", "5", "-i", "0.1", "-w", "1", "hello", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  responder = responder_of (events, "10.77.0.3");
  g_assert_false (get_bool (responder, "tagged"));
  g_assert_true (get_bool (responder, "hops_estimated"));
  g_assert_cmpint (chorus_test_json_get_int (responder, "hops", -1), ==, 0);
  g_assert_true (is_null (responder, "name"));
  assert_responder_counts (responder, 5, 5, 0, 0);

  responder = responder_of (events, "10.77.0.1");
  g_assert_true (get_bool (responder, "tagged"));
  g_assert_false (get_bool (responder, "hops_estimated"));
  g_assert_cmpint (chorus_test_json_get_int (responder, "hops", -1), ==, 0);
  g_assert_cmpstr (chorus_test_json_get_string (responder, "name"), ==, "kitchen");
  assert_responder_counts (responder, 5, 5, 0, 0);

  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 10);
  for (guint i = 0; i < acks->len; i++)
    {
      JsonObject *ack = g_ptr_array_index (acks, i);

      if (g_strcmp0 (chorus_test_json_get_string (ack, "from"), "10.77.0.3") == 0)
        {
          g_assert_false (get_bool (ack, "tagged"));
          g_assert_true (is_null (ack, "name"));
          n_classic++;
        }
      else
        {
          g_assert_true (get_bool (ack, "tagged"));
          g_assert_cmpstr (chorus_test_json_get_string (ack, "name"), ==, "kitchen");
          n_tagged++;
        }
    }
  g_assert_cmpuint (n_classic, ==, 5);
  g_assert_cmpuint (n_tagged, ==, 5);

  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "tagged", -1), ==, 1);
  g_assert_cmpint (chorus_test_json_get_int (summary, "untagged", -1), ==, 1);

  /* It heard every probe, whole: 128 bytes each. */
  g_assert_nonnull (chorus_test_proc_wait_line (
    article, TRUE, "sending acknowledgement to ('10.77.0.2', ", NULL, EXIT_TIMEOUT));
  log = chorus_test_proc_get_stderr (article);
  for (guint i = 0; i < log->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (log, i), "received 128 bytes from ('10.77.0.2', "))
      n_heard++;
  g_assert_cmpuint (n_heard, ==, 5);
}

/* Answers spread over half a second: the delays fill the window, the
 * round trips do not grow, since the hold is taken out of them. */
static void
test_spread (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  ChorusTestProc *prober;
  double          max_delay = 0;

  SKIP_WITHOUT_LAN (fx);

  for (guint host = 1; host <= 3; host++)
    cli_start_receiver (fx, host, NULL);

  prober = spawn_probe (fx, 4, "-c", "4", "-i", "0.6", "-s", "0.5", "-w", "1", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 12);
  for (guint i = 0; i < acks->len; i++)
    {
      JsonObject *ack = g_ptr_array_index (acks, i);
      double      delay = get_number (ack, "delay_ms");

      g_assert_cmpstr (chorus_test_json_get_string (ack, "verdict"), ==, "received");
      g_assert_cmpfloat (delay, >=, 0);
      /* Held for a time drawn from [0, 500 ms); the hold reported is the
       * one actually waited, which a busy machine makes a little longer. */
      g_assert_cmpfloat (delay, <, 500 + 250);
      g_assert_cmpfloat (get_number (ack, "rtt_ms"), >=, 0);
      g_assert_cmpfloat (get_number (ack, "rtt_ms"), <, 50);
      max_delay = MAX (max_delay, delay);
    }
  g_assert_cmpfloat (max_delay, >, 100);

  for (guint host = 1; host <= 3; host++)
    {
      g_autofree char *from = g_strdup_printf ("10.77.0.%u", host);
      JsonObject      *responder = responder_of (events, from);

      assert_responder_counts (responder, 4, 4, 0, 0);
      g_assert_cmpfloat (get_number (responder, "rtt_max_ms"), <, 50);
    }
}

/* On one LAN, a probe sent with TTL 5 arrives with TTL 5: no router,
 * hops 0, and known, not estimated. */
static void
test_hops_flat (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  g_autoptr (GPtrArray) r1_events = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  ChorusTestProc *r1, *prober;

  SKIP_WITHOUT_LAN (fx);

  r1 = cli_start_receiver (fx, 1, NULL);
  cli_start_receiver (fx, 2, NULL);
  prober = spawn_probe (fx, 3, "-c", "3", "-i", "0.05", "-t", "5", "-w", "1", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  for (guint host = 1; host <= 2; host++)
    {
      g_autofree char *from = g_strdup_printf ("10.77.0.%u", host);
      JsonObject      *responder = responder_of (events, from);

      g_assert_true (get_bool (responder, "tagged"));
      g_assert_cmpint (chorus_test_json_get_int (responder, "hops", -1), ==, 0);
      g_assert_false (get_bool (responder, "hops_estimated"));
      assert_responder_counts (responder, 3, 3, 0, 0);
    }
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 6);
  for (guint i = 0; i < acks->len; i++)
    {
      g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (acks, i), "hops", -1), ==, 0);
      g_assert_false (get_bool (g_ptr_array_index (acks, i), "hops_estimated"));
    }

  r1_events = stop_receiver (r1);
  messages = chorus_test_json_filter (r1_events, "message");
  g_assert_cmpuint (messages->len, ==, 3);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (messages, i), "ttl", -1), ==, 5);
  g_assert_cmpint (chorus_test_json_get_int (sender_of (r1_events), "ttl", -1), ==, 5);
}

/* The prober alone on segment B, behind the router (testlan.h). */
#define FAR_PROBER "10.78.0.1"

/* One router between the prober and the receivers: a probe sent with
 * TTL 5 arrives with 4, one hop, known exactly; the answers come back
 * through the router too. With TTL 1 nothing crosses. */
static void
test_hops_routed (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) acks = NULL;
  ChorusTestProc *receivers[3];
  ChorusTestProc *prober;
  JsonObject     *summary;

  SKIP_WITHOUT_LAN (fx);

  receivers[1] = cli_start_receiver (fx, 1, NULL);
  receivers[2] = cli_start_receiver (fx, 2, NULL);

  prober = spawn_probe (fx, 3, "-c", "3", "-i", "0.05", "-w", "1", "-t", "5", NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  for (guint host = 1; host <= 2; host++)
    {
      g_autofree char *from = g_strdup_printf ("10.77.0.%u", host);
      JsonObject      *responder = responder_of (events, from);

      g_assert_true (get_bool (responder, "tagged"));
      g_assert_cmpint (chorus_test_json_get_int (responder, "hops", -1), ==, 1);
      g_assert_false (get_bool (responder, "hops_estimated"));
      assert_responder_counts (responder, 3, 3, 0, 0);
    }
  acks = chorus_test_json_filter (events, "ack");
  g_assert_cmpuint (acks->len, ==, 6);
  for (guint i = 0; i < acks->len; i++)
    {
      JsonObject *ack = g_ptr_array_index (acks, i);

      g_assert_cmpint (chorus_test_json_get_int (ack, "hops", -1), ==, 1);
      /* The answer crossed the router too. */
      g_assert_cmpint (chorus_test_json_get_int (ack, "ttl", -1), ==, 63);
    }
  g_clear_pointer (&events, g_ptr_array_unref);

  /* TTL 1: the router drops it, as it must. */
  prober = spawn_probe (fx, 3, "-c", "3", "-i", "0.05", "-w", "1", "-t", "1", NULL);
  await_exit (prober, 1);
  events = cli_json_events (prober);
  summary = cli_summary_of (events);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), ==, 3);
  g_assert_cmpint (chorus_test_json_get_int (summary, "acks", -1), ==, 0);
  g_assert_cmpint (chorus_test_json_get_int (summary, "responders", -1), ==, 0);

  for (guint host = 1; host <= 2; host++)
    {
      g_autoptr (GPtrArray) r_events = stop_receiver (receivers[host]);
      g_autoptr (GPtrArray) messages = chorus_test_json_filter (r_events, "message");
      JsonObject *sender = sender_of (r_events);

      g_assert_cmpuint (messages->len, ==, 3);
      for (guint i = 0; i < messages->len; i++)
        g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (messages, i), "ttl", -1), ==,
                         4);
      g_assert_cmpstr (chorus_test_json_get_string (sender, "from"), ==, FAR_PROBER);
      g_assert_cmpint (chorus_test_json_get_int (sender, "ttl", -1), ==, 4);
      g_assert_cmpint (chorus_test_json_get_int (sender, "received", -1), ==, 3);
    }
}

/* A receiver that joins a second into the run: it missed the first
 * probes, which counts as loss but not as loss since its first answer,
 * and its join latency is about when it came. */
static void
test_late_joiner (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) r2_events = NULL;
  ChorusTestProc *prober, *r2;
  JsonObject     *responder, *sender;
  gint64          first_seq;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 3, NULL);
  prober = spawn_probe (fx, 1, "-c", "40", "-i", "0.05", "-w", "1", NULL);
  /* Probe 10 went out 450 ms after probe 1 at the earliest. */
  g_assert_nonnull (chorus_test_proc_wait_line (prober, FALSE, "{\"event\":\"sent\",\"seq\":10,",
                                                NULL, PROBE_TIMEOUT));
  r2 = cli_start_receiver (fx, 2, NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  responder = responder_of (events, "10.77.0.2");
  first_seq = chorus_test_json_get_int (responder, "first_seq", -1);
  g_test_message ("late joiner: first_seq %" G_GINT64_FORMAT ", join %.3f ms", first_seq,
                  get_number (responder, "join_ms"));
  g_assert_cmpint (first_seq, >, 10);
  g_assert_cmpint (first_seq, <=, 40);
  g_assert_cmpint (chorus_test_json_get_int (responder, "sent", -1), ==, 40);
  g_assert_cmpint (chorus_test_json_get_int (responder, "received", -1), ==, 41 - first_seq);
  g_assert_cmpint (get_hundredths (responder, "loss_pct"), ==,
                   ((first_seq - 1) * 10000 + 20) / 40);
  g_assert_cmpint (get_hundredths (responder, "loss_pct"), >, 0);
  g_assert_cmpint (get_hundredths (responder, "loss_since_first_pct"), ==, 0);
  g_assert_cmpfloat (get_number (responder, "join_ms"), >=, 450);

  /* The one that was there from the start. */
  responder = responder_of (events, "10.77.0.3");
  g_assert_cmpint (chorus_test_json_get_int (responder, "first_seq", -1), ==, 1);
  assert_responder_counts (responder, 40, 40, 0, 0);
  g_assert_cmpfloat (get_number (responder, "join_ms"), <, 200);

  /* The late joiner's own view starts where it joined, with no gap. */
  r2_events = stop_receiver (r2);
  sender = sender_of (r2_events);
  g_assert_cmpint (chorus_test_json_get_int (sender, "first_seq", -1), ==, first_seq);
  g_assert_cmpint (chorus_test_json_get_int (sender, "last_seq", -1), ==, 40);
  g_assert_cmpint (chorus_test_json_get_int (sender, "received", -1), ==, 41 - first_seq);
  g_assert_cmpint (chorus_test_json_get_int (sender, "lost", -1), ==, 0);
}

/* --expect N fails the run when fewer hosts answered. */
static void
test_expect (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *prober;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 1, NULL);
  cli_start_receiver (fx, 2, NULL);

  prober = spawn_probe (fx, 3, "-c", "2", "-i", "0.05", "-w", "0.5", "--expect", "3", NULL);
  await_exit (prober, 1);
  events = cli_json_events (prober);
  g_assert_cmpint (chorus_test_json_get_int (cli_summary_of (events), "heard", -1), ==, 2);

  prober = spawn_probe (fx, 3, "-c", "2", "-i", "0.05", "-w", "0.5", "--expect", "2", NULL);
  await_exit (prober, 0);
}

/* Invalid input exits 2, says why, and sends nothing: a capture on the
 * prober's link and a receiver see only the canary that follows. A probe
 * of exactly the largest size is fine. */
static void
test_invalid_probe (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr (ChorusTestCapture) capture = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) r2_events = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  /* A probe carries 51 bytes besides its text; the largest is 65,507. */
  g_autofree char *oversize = g_strnfill (65507 - 51 + 1, 'x');
  g_autofree char *largest = g_strnfill (65507 - 51, 'x');
  const char      *cases[][2] = {
    { "-i", "0.001" }, { "-i", "0.009" }, { "-s", "11" },     { "-s", "-1" },
    { "-c", "-1" },    { "-c", "many" },  { "--expect", "-1" }, { oversize, NULL },
  };
  ChorusTestProc *receiver, *prober;
  GPtrArray      *payloads;
  guint           n_messages = 0;

  SKIP_WITHOUT_LAN (fx);

  capture = chorus_test_capture_new (fx->lan, 1, &error);
  g_assert_no_error (error);
  receiver = cli_start_receiver (fx, 2, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *log = NULL;

      g_test_message ("invalid case %u: %.20s %s", i, cases[i][0], cases[i][1] ? cases[i][1] : "");
      prober = spawn_probe (fx, 1, "-c", "1", "-w", "0.2", cases[i][0], cases[i][1], NULL);
      await_exit (prober, 2);
      log = chorus_test_proc_dup_stderr_text (prober);
      g_assert_cmpstr (g_strstrip (log), !=, "");
      g_assert_cmpuint (cli_count_events (prober, "sent"), ==, 0);
    }

  cli_send_canary (fx, 1, receiver, "canary after invalid probes", &n_messages);
  g_assert_cmpuint (n_messages, ==, 1);
  g_assert_cmpuint (chorus_test_capture_poll (capture), ==, 1);
  payloads = chorus_test_capture_get_payloads (capture);
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (payloads, 0), NULL),
                   g_bytes_get_size (g_ptr_array_index (payloads, 0)),
                   "canary after invalid probes", strlen ("canary after invalid probes"));

  prober = spawn_probe (fx, 1, "-c", "1", "-w", "1", largest, NULL);
  await_exit (prober, 0);
  events = cli_json_events (prober);
  assert_responder_counts (responder_of (events, "10.77.0.2"), 1, 1, 0, 0);

  r2_events = stop_receiver (receiver);
  messages = chorus_test_json_filter (r2_events, "message");
  g_assert_cmpuint (messages->len, ==, 2);
  /* A probe's message is its text. */
  g_assert_cmpint (chorus_test_json_get_int (g_ptr_array_index (messages, 1), "bytes", -1), ==,
                   65507 - 51);
  g_assert_cmpstr (chorus_test_json_get_string (g_ptr_array_index (messages, 1), "data"), ==,
                   largest);
}

/* With --report, rounds of responder events come while probing, each
 * with more settled probes than the one before, then the final ones and
 * the summary once stopped. */
static void
test_report (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr (GPtrArray) events = NULL;
  ChorusTestProc *prober;
  JsonObject     *summary, *last;
  gint64          previous_sent = -1;
  guint           from = 0, n_responders = 0, last_sent_index = 0;

  SKIP_WITHOUT_LAN (fx);

  cli_start_receiver (fx, 1, NULL);
  prober = spawn_probe (fx, 2, "-c", "0", "-i", "0.05", "-r", "0.3", "-w", "0.2", NULL);
  for (guint round = 0; round < 3; round++)
    g_assert_nonnull (chorus_test_proc_wait_line (prober, FALSE, "{\"event\":\"responder\"",
                                                  &from, PROBE_TIMEOUT));
  chorus_test_proc_send_signal (prober, SIGINT);
  await_exit (prober, 0);
  events = cli_json_events (prober);

  summary = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (event_name (summary), ==, "summary");
  g_assert_true (summary == cli_summary_of (events));
  last = g_ptr_array_index (events, events->len - 2);
  g_assert_cmpstr (event_name (last), ==, "responder");
  g_assert_cmpint (chorus_test_json_get_int (last, "sent", -1), ==,
                   chorus_test_json_get_int (summary, "settled", -2));
  g_assert_cmpint (get_hundredths (last, "loss_pct"), ==, 0);

  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (event_name (g_ptr_array_index (events, i)), "sent") == 0)
      last_sent_index = i;
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (events, i);
      gint64      sent;

      if (g_strcmp0 (event_name (event), "responder") != 0)
        continue;
      g_assert_cmpstr (chorus_test_json_get_string (event, "from"), ==, "10.77.0.1");
      sent = chorus_test_json_get_int (event, "sent", -1);
      g_assert_cmpint (get_hundredths (event, "loss_pct"), ==, 0);
      /* Of the settled probes, none lost: all were received. */
      g_assert_cmpint (chorus_test_json_get_int (event, "received", -1), ==, sent);
      if (i < last_sent_index)
        {
          /* A report while probing: the run moved on since the last. */
          g_assert_cmpint (sent, >, previous_sent);
          n_responders++;
        }
      previous_sent = sent;
    }
  g_assert_cmpuint (n_responders, >=, 2);
  g_assert_cmpint (chorus_test_json_get_int (summary, "sent", -1), >=, 15);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can start a thread. */
  chorus_test_isolate ();

  g_test_init (&argc, &argv, NULL);

#define ADD(path, n_hosts, func)                                                                   \
  g_test_add ("/probe/" path, Fixture, GUINT_TO_POINTER (n_hosts), cli_fixture_setup, func,        \
              cli_fixture_teardown)

  ADD ("exact-loss", 3, test_exact_loss);
  ADD ("loss-on-way-back", 3, test_loss_on_way_back);
  ADD ("duplicates", 2, test_duplicates);
  ADD ("classic-beside-tagged", 3, test_classic_beside_tagged);
  ADD ("spread", 4, test_spread);
  ADD ("hops-flat", 3, test_hops_flat);
  g_test_add ("/probe/hops-routed", Fixture, CLI_ROUTED (2, 1), cli_fixture_setup_routed,
              test_hops_routed, cli_fixture_teardown);
  ADD ("late-joiner", 3, test_late_joiner);
  ADD ("expect", 3, test_expect);
  ADD ("invalid", 2, test_invalid_probe);
  ADD ("report", 2, test_report);

#undef ADD

  return g_test_run ();
}
