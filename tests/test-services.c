/* test-services.c: sender and receiver in one process, on a private
 * loopback-only network namespace
 *
 * Loopback delivers multicast whatever IP_MULTICAST_LOOP says, so
 * --no-loopback is tested on the LAN (tests/lan/test-cli.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chorus-error.h"
#include "chorus-probe.h"
#include "chorus-receiver.h"
#include "chorus-ring-model.h"
#include "chorus-sender.h"
#include "testlan.h"

#define GROUP       "224.3.29.71"
#define OTHER_GROUP "224.3.29.72"

/* Spins the default context until *flag is set or the deadline passes. */
static void
spin_until (const gboolean *flag,
            double          seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Spins for a while whatever happens, so that late datagrams get a chance
 * to show up where they must not. */
static void
spin_for (double seconds)
{
  gboolean never = FALSE;

  spin_until (&never, seconds);
}

static ChorusReceiver *
start_receiver (const char *group,
                guint       port)
{
  g_autoptr(GError) error = NULL;
  ChorusReceiver *receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                           "group", group,
                                           "port", port,
                                           NULL);

  chorus_receiver_start (receiver, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_receiver_get_running (receiver));

  return receiver;
}

static void
on_finished (ChorusSender *sender,
             gboolean     *finished)
{
  *finished = TRUE;
}

/* Runs the sender to the end of its wait. */
static void
run_sender (ChorusSender *sender)
{
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;
  gulong id = g_signal_connect (sender, "finished", G_CALLBACK (on_finished), &finished);

  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  g_assert_true (chorus_sender_get_running (sender));

  spin_until (&finished, 30);
  g_assert_true (finished);
  g_assert_false (chorus_sender_get_running (sender));
  g_signal_handler_disconnect (sender, id);
}

static ChorusSender *
new_sender (const char *group,
            guint       port,
            double      wait)
{
  return g_object_new (CHORUS_TYPE_SENDER,
                       "group", group,
                       "port", port,
                       "wait", wait,
                       NULL);
}

static void
test_send_receive (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10000);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10000, 0.5);
  g_autoptr(ChorusAck) ack = NULL;
  g_autoptr(ChorusMessage) message = NULL;
  GListModel *acks = chorus_sender_get_acks (sender);
  gint64 before = g_get_real_time ();
  gsize size;
  const char *data;

  run_sender (sender);

  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (acks), ==, 1);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 1);
  g_assert_cmpuint (chorus_sender_get_n_responders (sender), ==, 1);

  ack = g_list_model_get_item (acks, 0);
  g_assert_cmpuint (chorus_ack_get_port (ack), ==, 10000);
  g_assert_cmpstr (chorus_ack_get_text (ack), ==, "ack");
  g_assert_cmpuint (g_bytes_get_size (chorus_ack_get_payload (ack)), ==, 3);
  g_assert_cmpuint (chorus_ack_get_probe (ack), ==, 1);
  g_assert_cmpint (chorus_ack_get_rtt_usec (ack), >, 0);
  g_assert_cmpint (chorus_ack_get_rtt_usec (ack), <, 500000);
  g_assert_cmpint (chorus_ack_get_arrival (ack), >=, before);
  g_assert_cmpint (chorus_ack_get_ttl (ack), >, 0);
  g_assert_cmpint (chorus_sender_get_rtt_min_usec (sender), ==, chorus_ack_get_rtt_usec (ack));
  g_assert_cmpint (chorus_sender_get_receive_buffer (sender), >, 0);

  /* The message arrives byte for byte: 19 bytes, no terminating NUL. */
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 1);
  g_assert_cmpuint (chorus_receiver_get_n_replied (receiver), ==, 1);
  message = g_list_model_get_item (chorus_receiver_get_messages (receiver), 0);
  data = g_bytes_get_data (chorus_message_get_payload (message), &size);
  g_assert_cmpmem (data, size, "very important data", 19);
  g_assert_cmpuint (chorus_message_get_serial (message), ==, 1);
  g_assert_cmpint (chorus_message_get_ttl (message), ==, 1);
}

static void
count_signal (gpointer  instance,
              gpointer  item,
              guint    *counter)
{
  (*counter)++;
}

static void
count_signal_swapped (guint *counter)
{
  (*counter)++;
}

static void
test_probes (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10001);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10001, 0.3);
  GListModel *acks = chorus_sender_get_acks (sender);
  guint n_probe_signals = 0;
  guint n_ack_signals = 0;

  g_object_set (sender, "count", 3, "interval", 0.1, NULL);
  g_signal_connect (sender, "probe-sent", G_CALLBACK (count_signal), &n_probe_signals);
  g_signal_connect (sender, "ack-received", G_CALLBACK (count_signal), &n_ack_signals);
  run_sender (sender);

  g_assert_cmpuint (n_probe_signals, ==, 3);
  g_assert_cmpuint (n_ack_signals, ==, 3);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (acks), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(ChorusAck) ack = g_list_model_get_item (acks, i);
      g_assert_cmpuint (chorus_ack_get_probe (ack), ==, i + 1);
    }

  /* A new run starts from nothing. */
  g_object_set (sender, "count", 1, NULL);
  run_sender (sender);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (acks), ==, 1);
}

static void
test_shared_port (void)
{
  g_autoptr(ChorusReceiver) a = start_receiver (GROUP, 10002);
  g_autoptr(ChorusReceiver) b = start_receiver (GROUP, 10002);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10002, 0.5);

  g_object_set (b, "reply", "second", NULL);
  run_sender (sender);

  g_assert_cmpuint (chorus_receiver_get_n_received (a), ==, 1);
  g_assert_cmpuint (chorus_receiver_get_n_received (b), ==, 1);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 2);
  /* Two answers, one host. */
  g_assert_cmpuint (chorus_sender_get_n_responders (sender), ==, 1);
}

static void
test_own_group_only (void)
{
  g_autoptr(ChorusReceiver) mine = start_receiver (GROUP, 10003);
  g_autoptr(ChorusReceiver) other = start_receiver (OTHER_GROUP, 10003);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10003, 0.3);
  g_autoptr(GSocket) plain = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) unicast = g_inet_socket_address_new (loopback, 10003);
  g_autoptr(GError) error = NULL;

  run_sender (sender);

  g_assert_cmpuint (chorus_receiver_get_n_received (mine), ==, 1);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 1);
  /* The host joined both groups; the other receiver still hears nothing. */
  g_assert_cmpuint (chorus_receiver_get_n_received (other), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chorus_receiver_get_messages (other)), ==, 0);

  /* Unicast to the shared port is not the group either. */
  plain = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                        &error);
  g_assert_no_error (error);
  g_socket_send_to (plain, unicast, "stray", 5, NULL, &error);
  g_assert_no_error (error);
  spin_for (0.3);
  g_assert_cmpuint (chorus_receiver_get_n_received (mine), ==, 1);
  g_assert_cmpuint (chorus_receiver_get_n_received (other), ==, 0);
  g_assert_cmpuint (chorus_receiver_get_n_ignored (mine) + chorus_receiver_get_n_ignored (other),
                    ==, 1);
}

static void
test_no_answer (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10004);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10004, 0.3);

  chorus_receiver_set_answer (receiver, FALSE);
  run_sender (sender);

  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 1);
  g_assert_cmpuint (chorus_receiver_get_n_replied (receiver), ==, 0);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 0);
  g_assert_cmpint (chorus_sender_get_rtt_min_usec (sender), ==, 0);
}

static void
test_limit_and_ring (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10006);
  g_autoptr(ChorusReceiver) limited = g_object_new (CHORUS_TYPE_RECEIVER,
                                                    "group", GROUP,
                                                    "port", 10006,
                                                    "limit", (guint64) 2,
                                                    NULL);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10006, 0.2);
  ChorusRingModel *ring = CHORUS_RING_MODEL (chorus_receiver_get_messages (receiver));
  g_autoptr(GError) error = NULL;

  g_object_set (receiver, "capacity", 3, NULL);
  chorus_receiver_start (limited, &error);
  g_assert_no_error (error);

  g_object_set (sender, "count", 5, "interval", 0.02, NULL);
  run_sender (sender);

  /* Five probes: the ring keeps three, the limited receiver stopped after
   * two and answered no more. */
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ring)), ==, 3);
  g_assert_cmpuint (chorus_receiver_get_n_dropped (receiver), ==, 2);
  g_assert_cmpuint (chorus_receiver_get_n_received (limited), ==, 2);
  g_assert_cmpuint (chorus_receiver_get_n_replied (limited), ==, 2);
  g_assert_false (chorus_receiver_get_running (limited));
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 5 + 2);
}

static void
test_burst (void)
{
  enum { N_RECEIVERS = 200 };
  ChorusReceiver *receivers[N_RECEIVERS];
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10007, 1);

  for (guint i = 0; i < N_RECEIVERS; i++)
    receivers[i] = start_receiver (GROUP, 10007);

  /* All answers land in the sender's buffer before it reads any; each
   * one must be counted. */
  run_sender (sender);

  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, N_RECEIVERS);
  g_assert_cmpuint (g_list_model_get_n_items (chorus_sender_get_acks (sender)), ==, N_RECEIVERS);

  for (guint i = 0; i < N_RECEIVERS; i++)
    g_object_unref (receivers[i]);
}

static void
test_errors (void)
{
  g_autoptr(ChorusSender) sender = new_sender ("240.0.0.1", 10008, 0.1);
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10008);
  g_autoptr(ChorusReceiver) bad = g_object_new (CHORUS_TYPE_RECEIVER, "group", "banana", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) too_big = g_bytes_new_take (g_malloc0 (65508), 65508);
  g_autoptr(GBytes) largest = g_bytes_new_take (g_malloc0 (65507), 65507);

  g_assert_false (chorus_sender_start (sender, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
  g_assert_false (chorus_sender_get_running (sender));
  g_clear_error (&error);

  chorus_sender_set_group (sender, GROUP);
  chorus_sender_set_message (sender, too_big);
  g_assert_false (chorus_sender_start (sender, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 0);

  /* The largest payload that fits goes out whole. */
  chorus_sender_set_message (sender, largest);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  g_assert_false (chorus_sender_start (sender, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_BUSY);
  g_clear_error (&error);
  chorus_sender_stop (sender);
  g_assert_false (chorus_sender_get_running (sender));
  spin_for (0.2);
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 1);
  {
    g_autoptr(ChorusMessage) message =
      g_list_model_get_item (chorus_receiver_get_messages (receiver), 0);
    g_assert_cmpuint (chorus_message_get_size (message), ==, 65507);
  }

  g_assert_false (chorus_receiver_start (bad, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
  g_assert_false (chorus_receiver_get_running (bad));
  g_clear_error (&error);

  g_assert_false (chorus_receiver_start (receiver, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_BUSY);
}

static void
test_stop_early (void)
{
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10009, 60);
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;

  g_signal_connect (sender, "finished", G_CALLBACK (on_finished), &finished);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chorus_sender_get_deadline (sender), >, g_get_monotonic_time ());
  chorus_sender_stop (sender);
  g_assert_true (finished);
  g_assert_false (chorus_sender_get_running (sender));
}

static void
stop_on_probe (ChorusSender *sender,
               guint         probe,
               gpointer      user_data)
{
  if (probe == GPOINTER_TO_UINT (user_data))
    chorus_sender_stop (sender);
}

static void
count_finished (ChorusSender *sender,
                guint        *counter)
{
  (*counter)++;
}

static void
test_stop_from_handler (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10010);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10010, 0.3);
  g_autoptr(GError) error = NULL;
  guint n_finished = 0;
  gulong id;

  g_signal_connect (sender, "finished", G_CALLBACK (count_finished), &n_finished);

  /* Stopped from the first probe's signal, inside start(). */
  id = g_signal_connect (sender, "probe-sent", G_CALLBACK (stop_on_probe), GUINT_TO_POINTER (1));
  g_object_set (sender, "count", 3, "interval", 0.05, NULL);
  g_assert_true (chorus_sender_start (sender, &error));
  g_assert_no_error (error);
  g_assert_false (chorus_sender_get_running (sender));
  spin_for (0.4);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 1);
  g_assert_cmpuint (n_finished, ==, 1);
  g_signal_handler_disconnect (sender, id);

  /* Stopped from the last probe's signal, inside the probe timer: no
   * deadline of that run may cut the next one short. */
  id = g_signal_connect (sender, "probe-sent", G_CALLBACK (stop_on_probe), GUINT_TO_POINTER (3));
  n_finished = 0;
  g_assert_true (chorus_sender_start (sender, &error));
  spin_for (0.4);
  g_assert_false (chorus_sender_get_running (sender));
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 3);
  g_assert_cmpuint (n_finished, ==, 1);
  g_signal_handler_disconnect (sender, id);

  g_object_set (sender, "count", 1, "wait", 0.6, NULL);
  g_assert_true (chorus_sender_start (sender, &error));
  spin_for (0.4);
  g_assert_true (chorus_sender_get_running (sender));
  chorus_sender_stop (sender);
}

static void
drop_last_ref (ChorusSender *sender,
               ChorusAck    *ack,
               gpointer      user_data)
{
  ChorusSender **slot = user_data;

  if (*slot != NULL)
    g_clear_object (slot);
}

static void
test_unref_from_handler (void)
{
  g_autoptr(ChorusReceiver) a = start_receiver (GROUP, 10011);
  g_autoptr(ChorusReceiver) b = start_receiver (GROUP, 10011);
  ChorusSender *sender = new_sender (GROUP, 10011, 0.3);
  g_autoptr(GError) error = NULL;

  g_object_add_weak_pointer (G_OBJECT (sender), (gpointer *) &sender);
  g_signal_connect (sender, "ack-received", G_CALLBACK (drop_last_ref), &sender);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);

  /* Two acks in one drain: the first handler frees the sender. */
  spin_for (0.5);
  g_assert_null (sender);
}

static void
test_limit_per_run (void)
{
  g_autoptr(ChorusReceiver) receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                                     "group", GROUP,
                                                     "port", 10012,
                                                     "limit", (guint64) 1,
                                                     NULL);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10012, 0.2);
  g_autoptr(GError) error = NULL;

  for (guint run = 1; run <= 2; run++)
    {
      chorus_receiver_start (receiver, &error);
      g_assert_no_error (error);
      run_sender (sender);
      g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 1);
      g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, run);
      g_assert_false (chorus_receiver_get_running (receiver));
    }
}

static void
test_message_fixed_per_run (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10013);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10013, 0.2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (65508), 65508);
  GListModel *messages = chorus_receiver_get_messages (receiver);

  g_object_set (sender, "count", 2, "interval", 0.1, "text", "first", NULL);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  /* Too large to send, and too late for this run anyway. */
  chorus_sender_set_message (sender, huge);
  spin_for (0.5);

  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ChorusMessage) message = g_list_model_get_item (messages, i);
      g_assert_cmpstr (chorus_message_get_text (message), ==, "first");
    }
}

static void
test_empty_payload (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10014);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10014, 0.3);
  g_autoptr(ChorusAck) ack = NULL;
  g_autoptr(ChorusMessage) message = NULL;

  /* Nothing out, nothing back: both still count. */
  chorus_sender_set_text (sender, "");
  chorus_receiver_set_reply (receiver, "");
  run_sender (sender);

  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 1);
  message = g_list_model_get_item (chorus_receiver_get_messages (receiver), 0);
  g_assert_cmpuint (chorus_message_get_size (message), ==, 0);
  g_assert_cmpstr (chorus_message_get_text (message), ==, "");
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 1);
  ack = g_list_model_get_item (chorus_sender_get_acks (sender), 0);
  g_assert_cmpuint (g_bytes_get_size (chorus_ack_get_payload (ack)), ==, 0);
  g_assert_cmpstr (chorus_ack_get_text (ack), ==, "");
}


/* A plain socket on the group's port, as a classic receiver has, that the
 * test drives by hand. */
static int
open_plain_member (guint port)
{
  struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct ip_mreqn mreq = { .imr_ifindex = 0 };
  struct timeval timeout = { .tv_sec = 5 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int one = 1;
  int buffer = 32 * 1024 * 1024;

  g_assert_cmpint (fd, >=, 0);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);
  inet_pton (AF_INET, GROUP, &mreq.imr_multiaddr);
  g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq), ==, 0);

  return fd;
}

/* Sends size bytes from fd to the group, n times. */
static void
send_to_group (int         fd,
               guint       port,
               const char *data,
               gsize       size,
               guint       n)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };

  inet_pton (AF_INET, GROUP, &to.sin_addr);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (sendto (fd, data, size, 0, (struct sockaddr *) &to, sizeof to), ==, size);
}

/* Datagrams waiting on fd, read and counted without blocking. */
static guint
drain_count (int    fd,
             gsize *bytes)
{
  char buffer[65536];
  guint n = 0;
  gssize len;

  while ((len = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) >= 0)
    {
      n++;
      if (bytes != NULL)
        *bytes += (gsize) len;
    }

  return n;
}

/* A Chorus receiver answers a run of probes with their numbers: the
 * sender keeps exact statistics per responder, the receiver per prober. */
static void
test_probe_mode (void)
{
  g_autoptr(ChorusReceiver) receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                                     "group", GROUP,
                                                     "port", 10040,
                                                     "name", "first-floor",
                                                     NULL);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10040, 0.3);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusResponder) responder = NULL;
  g_autoptr(ChorusSource) source = NULL;
  GListModel *acks = chorus_sender_get_acks (sender);
  GListModel *messages = chorus_receiver_get_messages (receiver);
  const ChorusResponderStats *stats;

  chorus_receiver_start (receiver, &error);
  g_assert_no_error (error);

  g_object_set (sender, "probe", TRUE, "count", 3, "interval", 0.05, "text", "hello", NULL);
  run_sender (sender);

  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 3);
  g_assert_cmpuint (chorus_sender_get_n_settled (sender), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (acks), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(ChorusAck) ack = g_list_model_get_item (acks, i);

      g_assert_true (chorus_ack_get_tagged (ack));
      g_assert_cmpuint (chorus_ack_get_probe (ack), ==, i + 1);
      g_assert_cmpstr (chorus_ack_get_name (ack), ==, "first-floor");
      g_assert_cmpint (chorus_ack_get_verdict (ack), ==, CHORUS_ANSWER_RECEIVED);
      /* Sent with TTL 1, arrived with TTL 1: no router between. */
      g_assert_cmpint (chorus_ack_get_hops (ack), ==, 0);
      g_assert_false (chorus_ack_get_hops_estimated (ack));
    }

  g_assert_cmpuint (g_list_model_get_n_items (chorus_sender_get_responders (sender)), ==, 1);
  responder = g_list_model_get_item (chorus_sender_get_responders (sender), 0);
  stats = chorus_responder_get_stats (responder);
  g_assert_true (chorus_responder_get_tagged (responder));
  g_assert_cmpstr (chorus_responder_get_name (responder), ==, "first-floor");
  g_assert_cmpuint (stats->sent, ==, 3);
  g_assert_cmpuint (stats->received, ==, 3);
  g_assert_cmpuint (stats->lost, ==, 0);
  g_assert_cmpuint (stats->duplicates, ==, 0);
  g_assert_cmpuint (stats->first_seq, ==, 1);
  g_assert_cmpint (stats->join_usec, >=, 0);
  g_assert_cmpint (chorus_responder_get_history_rtt (responder, 2), >=, 0);
  g_assert_cmpuint (chorus_sender_get_n_tagged (sender), ==, 1);
  g_assert_cmpuint (chorus_sender_get_n_untagged (sender), ==, 0);

  /* The receiver saw the probes as messages carrying the text, and
   * follows the prober. */
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(ChorusMessage) message = g_list_model_get_item (messages, i);

      g_assert_true (chorus_message_get_probe (message));
      g_assert_cmpuint (chorus_message_get_seq (message), ==, i + 1);
      g_assert_cmpuint (chorus_message_get_session (message), ==,
                        chorus_sender_get_session (sender));
      g_assert_cmpstr (chorus_message_get_text (message), ==, "hello");
    }

  g_assert_cmpuint (g_list_model_get_n_items (chorus_receiver_get_sources (receiver)), ==, 1);
  source = g_list_model_get_item (chorus_receiver_get_sources (receiver), 0);
  g_assert_cmpuint (chorus_source_get_session (source), ==, chorus_sender_get_session (sender));
  g_assert_cmpuint (chorus_source_get_stats (source)->received, ==, 3);
  g_assert_cmpuint (chorus_source_get_stats (source)->lost, ==, 0);
  g_assert_cmpint (chorus_source_get_stats (source)->ttl, ==, 1);
}

/* Thousands of probes: the sender lets the send times of long-settled
 * probes go, and every answer still finds its probe. */
static void
test_probe_long_run (void)
{
  g_autoptr(ChorusReceiver) receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                                     "group", GROUP,
                                                     "port", 10043,
                                                     "reply-rate", 0.0,
                                                     NULL);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10043, 0.05);
  g_autoptr(ChorusResponder) responder = NULL;
  g_autoptr(GError) error = NULL;
  const ChorusResponderStats *stats;
  const guint count = 2 * CHORUS_SEQ_WINDOW + 500;

  chorus_receiver_start (receiver, &error);
  g_assert_no_error (error);

  g_object_set (sender, "probe", TRUE, "count", count, "interval", 0.001, "capacity", 16, NULL);
  run_sender (sender);

  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, count);
  g_assert_cmpuint (chorus_sender_get_n_settled (sender), ==, count);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, count);
  g_assert_cmpuint (chorus_sender_get_n_ignored (sender), ==, 0);
  responder = g_list_model_get_item (chorus_sender_get_responders (sender), 0);
  stats = chorus_responder_get_stats (responder);
  g_assert_cmpuint (stats->sent, ==, count);
  g_assert_cmpuint (stats->received, ==, count);
  g_assert_cmpuint (stats->lost, ==, 0);
  g_assert_cmpuint (stats->late, ==, 0);
  g_assert_cmpint (chorus_responder_get_history_rtt (responder, count), >=, 0);
}

static void
send_answer (int                       fd,
             const struct sockaddr_in *to,
             const ChorusAnswer       *answer)
{
  guint8 buffer[CHORUS_WIRE_PROBE_MIN_SIZE];
  gsize size = chorus_answer_encode (answer, sizeof buffer, buffer, sizeof buffer);

  g_assert_cmpuint (size, >, 0);
  g_assert_cmpint (sendto (fd, buffer, size, 0, (const struct sockaddr *) to, sizeof *to), ==,
                   size);
}

/* Only an answer to one of this run's probes, exactly as sent, counts as
 * a Chorus answer; a classic "ack" counts as classic. */
static void
test_probe_forged_answers (void)
{
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10041, 0.5);
  g_autoptr(GError) error = NULL;
  int fd = open_plain_member (10041);
  guint8 buffer[65536];
  struct sockaddr_in prober;
  socklen_t prober_size = sizeof prober;
  gboolean finished = FALSE;
  ChorusProbe probe;
  ChorusAnswer answer;
  gssize size = -1;
  GListModel *responders = chorus_sender_get_responders (sender);

  g_object_set (sender, "probe", TRUE, "count", 1, NULL);
  g_signal_connect (sender, "finished", G_CALLBACK (on_finished), &finished);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);

  size = recvfrom (fd, buffer, sizeof buffer, 0, (struct sockaddr *) &prober, &prober_size);
  g_assert_cmpint (size, >, 0);
  g_assert_true (chorus_probe_parse (buffer, (gsize) size, &probe));
  g_assert_cmpuint (probe.session, ==, chorus_sender_get_session (sender));
  g_assert_cmpuint (probe.seq, ==, 1);
  g_assert_cmpuint (probe.ttl, ==, 1);

  answer = (ChorusAnswer) {
    .session = probe.session,
    .seq = probe.seq,
    .sent_usec = probe.sent_usec,
    .ttl = 1,
    .name = "real",
    .name_size = 4,
  };

  /* Another run's session, another send time, a probe never sent. */
  answer.session++;
  send_answer (fd, &prober, &answer);
  answer.session--;
  answer.sent_usec++;
  send_answer (fd, &prober, &answer);
  answer.sent_usec--;
  answer.seq = 2;
  send_answer (fd, &prober, &answer);
  answer.seq = 1;
  /* Chorus's magic on a datagram that is no answer. */
  g_assert_cmpint (sendto (fd, "CHOR\x01\x02\0\0\x02", 9, 0, (struct sockaddr *) &prober,
                           sizeof prober), ==, 9);
  /* The real answer, twice, and a classic one. */
  send_answer (fd, &prober, &answer);
  send_answer (fd, &prober, &answer);
  g_assert_cmpint (sendto (fd, "ack", 3, 0, (struct sockaddr *) &prober, sizeof prober), ==, 3);

  spin_until (&finished, 10);
  g_assert_true (finished);
  close (fd);

  g_assert_cmpuint (chorus_sender_get_n_ignored (sender), ==, 4);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (responders), ==, 2);
  g_assert_cmpuint (chorus_sender_get_n_tagged (sender), ==, 1);
  g_assert_cmpuint (chorus_sender_get_n_untagged (sender), ==, 1);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (responders, i);
      const ChorusResponderStats *stats = chorus_responder_get_stats (responder);

      g_assert_cmpuint (stats->sent, ==, 1);
      g_assert_cmpuint (stats->received, ==, 1);
      g_assert_cmpuint (stats->lost, ==, 0);
      if (chorus_responder_get_tagged (responder))
        {
          g_assert_cmpstr (chorus_responder_get_name (responder), ==, "real");
          g_assert_cmpuint (stats->duplicates, ==, 1);
          g_assert_cmpint (stats->hops, ==, 0);
          g_assert_false (stats->hops_estimated);
        }
      else
        {
          g_assert_null (chorus_responder_get_name (responder));
          g_assert_cmpuint (stats->duplicates, ==, 0);
          /* Estimated from the answer's own TTL (64 on Linux). */
          g_assert_cmpint (stats->hops, ==, 0);
          g_assert_true (stats->hops_estimated);
        }
    }
}

/* Probing until stopped: probes still waiting when the run stops count
 * for nothing, the others are settled. */
static void
test_probe_until_stopped (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10042);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10042, 0.2);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusResponder) responder = NULL;
  guint updates = 0;

  g_object_set (sender, "probe", TRUE, "count", 0, "interval", 0.02, "update-interval", 50,
                NULL);
  g_signal_connect_swapped (sender, "responders-updated", G_CALLBACK (count_signal_swapped),
                            &updates);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  spin_for (0.6);
  g_assert_true (chorus_sender_get_running (sender));
  chorus_sender_stop (sender);

  g_assert_cmpuint (chorus_sender_get_n_sent (sender), >, 10);
  g_assert_cmpuint (chorus_sender_get_n_settled (sender), <, chorus_sender_get_n_sent (sender));
  g_assert_cmpuint (chorus_sender_get_n_settled (sender), >, 0);
  g_assert_cmpuint (updates, >, 2);

  responder = g_list_model_get_item (chorus_sender_get_responders (sender), 0);
  g_assert_nonnull (responder);
  g_assert_cmpuint (chorus_responder_get_stats (responder)->sent, ==,
                    chorus_sender_get_n_settled (sender));
  g_assert_cmpuint (chorus_responder_get_stats (responder)->lost, ==, 0);
  g_assert_false (chorus_responder_get_silent (responder));
}

typedef struct
{
  guint n_acks;
  guint restart_at;
  gboolean restarted;
} Restart;

static void
restart_on_ack (ChorusSender *sender,
                ChorusAck    *ack,
                Restart      *restart)
{
  g_autoptr(GError) error = NULL;

  if (++restart->n_acks != restart->restart_at)
    return;

  chorus_sender_stop (sender);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  restart->restarted = TRUE;
}

/* A flood pushes the sender's source behind the deadline, which then
 * drains the rest itself; a handler restarts the sender from there. The
 * old run's acks must not be announced as the new run's, and the old
 * run's deadline must not end the new run. */
static void
test_restart_from_ack_handler (void)
{
  enum { FIRST_DISPATCH = 8192, EXTRA = 100 };
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10020, 0.05);
  Restart restart = { .restart_at = FIRST_DISPATCH + 1 };
  struct sockaddr_in from;
  socklen_t from_len = sizeof from;
  g_autoptr(GError) error = NULL;
  char probe[64];
  int fd = open_plain_member (10020);
  gint64 deadline;

  g_signal_connect (sender, "ack-received", G_CALLBACK (restart_on_ack), &restart);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);

  /* Answer the probe by hand, many times over, before the main loop
   * reads any of it; then let the deadline pass. */
  g_assert_cmpint (recvfrom (fd, probe, sizeof probe, 0, (struct sockaddr *) &from, &from_len),
                   >, 0);
  for (guint i = 0; i < FIRST_DISPATCH + EXTRA; i++)
    g_assert_cmpint (sendto (fd, "ack", 3, 0, (struct sockaddr *) &from, from_len), ==, 3);
  g_usleep (200 * 1000);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!restart.restarted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  g_assert_true (restart.restarted);
  /* Nothing of the old run after the restart, and the new run goes on. */
  g_assert_cmpuint (restart.n_acks, ==, restart.restart_at);
  g_assert_true (chorus_sender_get_running (sender));
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 0);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 1);

  spin_for (0.3);
  g_assert_false (chorus_sender_get_running (sender));
  g_assert_cmpuint (restart.n_acks, ==, restart.restart_at);
  close (fd);
}

typedef struct
{
  guint n_messages;
  gboolean restarted;
} ReceiverRestart;

static void
restart_on_message (ChorusReceiver  *receiver,
                    ChorusMessage   *message,
                    ReceiverRestart *restart)
{
  g_autoptr(GError) error = NULL;

  if (++restart->n_messages != 3)
    return;

  chorus_receiver_stop (receiver);
  chorus_receiver_start (receiver, &error);
  g_assert_no_error (error);
  restart->restarted = TRUE;
}

/* The receiver's emission loop, likewise. */
static void
test_restart_from_message_handler (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10021);
  ReceiverRestart restart = { 0 };
  int fd = open_plain_member (10022);

  g_signal_connect (receiver, "message-received", G_CALLBACK (restart_on_message), &restart);
  chorus_receiver_set_answer (receiver, FALSE);
  send_to_group (fd, 10021, "hello", 5, 10);
  g_usleep (100 * 1000);

  spin_for (0.3);
  g_assert_true (restart.restarted);
  g_assert_cmpuint (restart.n_messages, ==, 3);
  g_assert_true (chorus_receiver_get_running (receiver));

  /* The new run hears what comes next. */
  send_to_group (fd, 10021, "again", 5, 1);
  spin_for (0.3);
  g_assert_cmpuint (restart.n_messages, ==, 4);
  close (fd);
}

/* Count and wait changed during a run apply to the next run only. */
static void
test_settings_during_run (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10023);
  g_autoptr(ChorusSender) sender = new_sender (GROUP, 10023, 0.2);
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;
  gint64 started = g_get_monotonic_time ();

  g_signal_connect (sender, "finished", G_CALLBACK (on_finished), &finished);
  g_object_set (sender, "count", 3, "interval", 0.05, NULL);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  g_object_set (sender, "count", 1, "wait", 30.0, NULL);

  spin_until (&finished, 10);
  g_assert_true (finished);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 3);
  g_assert_cmpuint (chorus_sender_get_n_acks (sender), ==, 3);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);

  /* The next run takes them. */
  finished = FALSE;
  g_object_set (sender, "wait", 0.1, NULL);
  chorus_sender_start (sender, &error);
  g_assert_no_error (error);
  spin_until (&finished, 10);
  g_assert_cmpuint (chorus_sender_get_n_sent (sender), ==, 1);
}

/* Reads what waits on @fd: @n datagrams, each @reply exactly. */
static void
assert_answers (int         fd,
                const char *reply,
                guint       n)
{
  g_autofree char *buffer = g_malloc (65536);
  gssize len;
  guint count = 0;

  while ((len = recv (fd, buffer, 65536, MSG_DONTWAIT)) >= 0)
    {
      g_assert_cmpmem (buffer, len, reply, strlen (reply));
      count++;
    }
  g_assert_cmpuint (count, ==, n);
}

/* Answers to a burst from one sender leave together where they can (one
 * segmented send), and arrive as they always did: one datagram each,
 * each to its own sender, whatever their size. */
static void
test_answers_in_bursts (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10044);
  g_autofree char *medium = g_strnfill (1000, 'm');
  g_autofree char *large = g_strnfill (1300, 'l');
  const char *replies[] = { "ack", medium, large };
  int a = open_plain_member (10045);
  int b = open_plain_member (10046);

  chorus_receiver_set_reply_rate (receiver, 0, 1);
  chorus_receiver_set_allow_larger_replies (receiver, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      chorus_receiver_set_reply (receiver, replies[i]);
      /* All of it waits in the receiver's buffer before it reads any. */
      send_to_group (a, 10044, "x", 1, 40);
      send_to_group (b, 10044, "x", 1, 3);
      send_to_group (a, 10044, "x", 1, 5);
      send_to_group (b, 10044, "x", 1, 1);
      spin_for (0.3);

      assert_answers (a, replies[i], 45);
      assert_answers (b, replies[i], 4);
    }

  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 3 * 49);
  g_assert_cmpuint (chorus_receiver_get_n_replied (receiver), ==, 3 * 49);
  close (a);
  close (b);
}

typedef struct
{
  /* What each message lent, as a message object; and for a probe its
   * session and sequence number, else NULL. */
  GPtrArray *messages;
  GPtrArray *probes;
} InfoLog;

static void
on_message_info (ChorusReceiver          *receiver,
                 const ChorusMessageInfo *info,
                 gpointer                 user_data)
{
  InfoLog *log = user_data;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (info->address);
  g_autoptr(GBytes) payload = g_bytes_new (info->data, info->size);
  g_autoptr(GSocketAddress) from = NULL;

  g_assert_nonnull (address);
  g_assert_cmpstr (info->group, ==, GROUP);
  from = g_inet_socket_address_new (address, info->port);
  g_ptr_array_add (log->messages,
                   chorus_message_new (G_INET_SOCKET_ADDRESS (from), payload,
                                       info->arrival_usec, info->ttl, info->serial));
  g_ptr_array_add (log->probes,
                   info->probe ? g_strdup_printf ("%" G_GINT64_MODIFIER "x %u",
                                                  info->session, info->seq)
                               : NULL);
}

/* With a message function, each message is lent to it instead of made
 * into an object: the same values, in the same order, and the model
 * stays empty. A second receiver on the port makes the objects. */
static void
test_message_func (void)
{
  g_autoptr(ChorusReceiver) objects = start_receiver (GROUP, 10049);
  g_autoptr(ChorusReceiver) lent = g_object_new (CHORUS_TYPE_RECEIVER,
                                                 "group", GROUP,
                                                 "port", 10049,
                                                 NULL);
  g_autoptr(ChorusSender) prober = new_sender (GROUP, 10049, 0.2);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  InfoLog log = { messages, probes };
  const guint8 binary[] = { 0xff, 0x00, 'a', 0xc3 };
  GListModel *model;
  guint n_probes = 0;
  int fd = open_plain_member (10050);

  chorus_receiver_set_message_func (lent, on_message_info, &log, NULL);
  chorus_receiver_start (lent, &error);
  g_assert_no_error (error);

  send_to_group (fd, 10049, "plain text", 10, 3);
  send_to_group (fd, 10049, (const char *) binary, sizeof binary, 1);
  send_to_group (fd, 10049, "", 0, 1);
  spin_for (0.2);
  g_object_set (prober, "probe", TRUE, "count", 2, "interval", 0.05, "text", "hello", NULL);
  run_sender (prober);
  spin_for (0.1);

  g_assert_cmpuint (chorus_receiver_get_n_received (lent), ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (chorus_receiver_get_messages (lent)), ==, 0);
  model = chorus_receiver_get_messages (objects);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 7);
  g_assert_cmpuint (messages->len, ==, 7);

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(ChorusMessage) want = g_list_model_get_item (model, i);
      ChorusMessage *got = g_ptr_array_index (messages, i);
      const char *probe = g_ptr_array_index (probes, i);

      g_assert_cmpstr (chorus_message_get_address (got), ==, chorus_message_get_address (want));
      g_assert_cmpuint (chorus_message_get_port (got), ==, chorus_message_get_port (want));
      g_assert_true (g_bytes_equal (chorus_message_get_payload (got),
                                    chorus_message_get_payload (want)));
      g_assert_cmpint (chorus_message_get_arrival (got), ==, chorus_message_get_arrival (want));
      g_assert_cmpint (chorus_message_get_ttl (got), ==, chorus_message_get_ttl (want));
      g_assert_cmpuint (chorus_message_get_serial (got), ==, chorus_message_get_serial (want));
      g_assert_cmpint (probe != NULL, ==, chorus_message_get_probe (want));
      if (probe != NULL)
        {
          g_autofree char *expected = g_strdup_printf ("%" G_GINT64_MODIFIER "x %u",
                                                       chorus_message_get_session (want),
                                                       chorus_message_get_seq (want));

          g_assert_cmpstr (probe, ==, expected);
          n_probes++;
        }
    }
  g_assert_cmpuint (n_probes, ==, 2);
  close (fd);
}

/* A heavy stream is read on ticks rather than at every wake-up (see
 * chorus-pace.c): every datagram of it is still read and answered, and so
 * is one that comes alone afterwards, once the receiver is back to
 * watching its socket. */
static void
test_stream_then_alone (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10047);
  int a = open_plain_member (10048);
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
  guint sent = 0;

  chorus_receiver_set_reply_rate (receiver, 0, 1);

  /* About 50,000 a second for 200 ms: far above the rate that turns
   * ticks on, for many windows. */
  while (g_get_monotonic_time () < end)
    {
      send_to_group (a, 10047, "ping", 4, 10);
      sent += 10;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  spin_for (0.2);
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, sent);
  g_assert_cmpuint (chorus_receiver_get_n_replied (receiver), ==, sent);
  assert_answers (a, "ack", sent);

  send_to_group (a, 10047, "pong", 4, 1);
  spin_for (0.2);
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, sent + 1);
  assert_answers (a, "ack", 1);
  close (a);
}

/* What the reply guard refuses is not answered, and is counted by reason. */
static void
test_reply_guard (void)
{
  g_autoptr(ChorusReceiver) receiver = start_receiver (GROUP, 10024);
  g_autofree char *big = g_strnfill (1000, 'x');
  int fd = open_plain_member (10025);
  gsize bytes = 0;
  guint answered;
  gint64 started;
  double elapsed;

  /* Nothing back for an empty datagram: "ack" is larger. */
  send_to_group (fd, 10024, "", 0, 20);
  spin_for (0.2);
  g_assert_cmpuint (drain_count (fd, NULL), ==, 0);
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 20);
  g_assert_cmpuint (chorus_receiver_get_n_refused (receiver, CHORUS_REPLY_REFUSE_SIZE), ==, 20);
  g_assert_cmpuint (chorus_receiver_get_n_unanswered (receiver), ==, 20);

  /* One a second, five at once: a flood from one source gets five. */
  chorus_receiver_set_reply_rate (receiver, 1, 5);
  started = g_get_monotonic_time ();
  send_to_group (fd, 10024, "very important data", 19, 300);
  spin_for (0.3);
  elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  answered = drain_count (fd, &bytes);
  g_assert_cmpuint (answered, >=, 5);
  g_assert_cmpuint (answered, <=, 5 + (guint) elapsed + 1);
  g_assert_cmpuint (bytes, ==, answered * 3);
  g_assert_cmpuint (chorus_receiver_get_n_replied (receiver), ==, answered);
  g_assert_cmpuint (chorus_receiver_get_n_refused (receiver, CHORUS_REPLY_REFUSE_RATE), ==,
                    300 - answered);

  /* A reply larger than the message only when allowed. */
  chorus_receiver_set_reply_rate (receiver, 0, 1);
  chorus_receiver_set_reply (receiver, big);
  send_to_group (fd, 10024, "small", 5, 1);
  spin_for (0.2);
  g_assert_cmpuint (drain_count (fd, NULL), ==, 0);
  chorus_receiver_set_allow_larger_replies (receiver, TRUE);
  send_to_group (fd, 10024, "small", 5, 1);
  spin_for (0.2);
  bytes = 0;
  g_assert_cmpuint (drain_count (fd, &bytes), ==, 1);
  g_assert_cmpuint (bytes, ==, 1000);
  close (fd);
}


/* With an update interval, messages reach the model and are announced a
 * few times a second; stopping announces what was read. */
static void
test_update_interval (void)
{
  g_autoptr(ChorusReceiver) receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                                     "group", GROUP,
                                                     "port", 10026,
                                                     "answer", FALSE,
                                                     "update-interval", 300,
                                                     NULL);
  GListModel *messages = chorus_receiver_get_messages (receiver);
  g_autoptr(GError) error = NULL;
  guint n_signals = 0;
  guint n_notifies = 0;
  int fd = open_plain_member (10027);

  g_signal_connect (receiver, "message-received", G_CALLBACK (count_signal), &n_signals);
  g_signal_connect_swapped (receiver, "notify::n-received", G_CALLBACK (count_signal_swapped),
                            &n_notifies);
  chorus_receiver_start (receiver, &error);
  g_assert_no_error (error);

  send_to_group (fd, 10026, "one", 3, 3);
  spin_for (0.1);
  /* Read and counted, not yet shown. */
  g_assert_cmpuint (chorus_receiver_get_n_received (receiver), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 0);
  g_assert_cmpuint (n_signals, ==, 0);

  spin_for (0.4);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 3);
  g_assert_cmpuint (n_signals, ==, 3);
  g_assert_cmpuint (n_notifies, ==, 1);

  send_to_group (fd, 10026, "two", 3, 2);
  spin_for (0.1);
  chorus_receiver_stop (receiver);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 5);
  g_assert_cmpuint (n_signals, ==, 5);
  spin_for (0.4);
  g_assert_cmpuint (n_signals, ==, 5);
  close (fd);
}

static void
skip_unisolated (void)
{
  g_test_skip ("needs a private network namespace (run as root, or set CI to make this fatal)");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!chorus_test_isolate ())
    {
      g_test_add_func ("/services/no-private-network", skip_unisolated);
      return g_test_run ();
    }

  g_test_add_func ("/services/send-receive", test_send_receive);
  g_test_add_func ("/services/probes", test_probes);
  g_test_add_func ("/services/shared-port", test_shared_port);
  g_test_add_func ("/services/own-group-only", test_own_group_only);
  g_test_add_func ("/services/no-answer", test_no_answer);
  g_test_add_func ("/services/limit-and-ring", test_limit_and_ring);
  g_test_add_func ("/services/burst", test_burst);
  g_test_add_func ("/services/errors", test_errors);
  g_test_add_func ("/services/stop-early", test_stop_early);
  g_test_add_func ("/services/stop-from-handler", test_stop_from_handler);
  g_test_add_func ("/services/unref-from-handler", test_unref_from_handler);
  g_test_add_func ("/services/limit-per-run", test_limit_per_run);
  g_test_add_func ("/services/message-fixed-per-run", test_message_fixed_per_run);
  g_test_add_func ("/services/empty-payload", test_empty_payload);
  g_test_add_func ("/services/restart-from-ack-handler", test_restart_from_ack_handler);
  g_test_add_func ("/services/restart-from-message-handler", test_restart_from_message_handler);
  g_test_add_func ("/services/settings-during-run", test_settings_during_run);
  g_test_add_func ("/services/reply-guard", test_reply_guard);
  g_test_add_func ("/services/answers-in-bursts", test_answers_in_bursts);
  g_test_add_func ("/services/stream-then-alone", test_stream_then_alone);
  g_test_add_func ("/services/message-func", test_message_func);
  g_test_add_func ("/services/update-interval", test_update_interval);
  g_test_add_func ("/services/probe-mode", test_probe_mode);
  g_test_add_func ("/services/probe-forged-answers", test_probe_forged_answers);
  g_test_add_func ("/services/probe-until-stopped", test_probe_until_stopped);
  g_test_add_func ("/services/probe-long-run", test_probe_long_run);

  return g_test_run ();
}
