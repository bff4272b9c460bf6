/* test-reader.c: a socket read on the main loop, as datagrams come or on
 * ticks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Unicast on the loopback interface only: nothing here joins a group.
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chorus-socket-private.h"

/* What one read takes at most, as the services' batches. */
#define READ_LIMIT 64

typedef struct
{
  ChorusReader reader;
  GSocket *socket;
  int out;
  guint64 n_read;
  guint n_calls;
  gboolean ticked;
  /* Stops the reader from its own read, as a handler may. */
  gboolean stop_in_read;
  gboolean ticking_at_stop;
} Fixture;

static gboolean
on_read (gpointer user_data)
{
  Fixture *f = user_data;
  int fd = g_socket_get_fd (f->socket);
  gint64 started = g_get_monotonic_time ();
  guint handled = 0;
  char buffer[64];

  f->n_calls++;
  while (handled < READ_LIMIT && recv (fd, buffer, sizeof buffer, MSG_DONTWAIT) >= 0)
    handled++;
  f->n_read += handled;

  if (f->stop_in_read)
    {
      f->ticking_at_stop = _chorus_reader_is_ticking (&f->reader);
      f->stop_in_read = FALSE;
      _chorus_reader_stop (&f->reader);
    }
  _chorus_reader_schedule (&f->reader, started, handled, handled == READ_LIMIT);
  f->ticked |= _chorus_reader_is_ticking (&f->reader);

  return G_SOURCE_CONTINUE;
}

static void
fixture_set_up (Fixture  *f,
                gboolean  moderate)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t size = sizeof address;
  int in = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int buffer = 4 * 1024 * 1024;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (in, >=, 0);
  setsockopt (in, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  g_assert_no_errno (bind (in, (struct sockaddr *) &address, sizeof address));
  g_assert_no_errno (getsockname (in, (struct sockaddr *) &address, &size));

  f->out = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (f->out, >=, 0);
  g_assert_no_errno (connect (f->out, (struct sockaddr *) &address, sizeof address));

  f->socket = g_socket_new_from_fd (in, &error);
  g_assert_no_error (error);
  _chorus_reader_start (&f->reader, f->socket, g_main_context_default (), NULL, moderate,
                        on_read, f);
}

static void
fixture_tear_down (Fixture *f)
{
  _chorus_reader_stop (&f->reader);
  g_object_unref (f->socket);
  close (f->out);
}

static void
write_some (Fixture *f,
            guint    n)
{
  for (guint i = 0; i < n; i++)
    g_assert_no_errno (send (f->out, "x", 1, 0) == 1 ? 0 : -1);
}

static void
spin_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* 100 datagrams about every millisecond for @seconds: 100,000 a second,
 * 20,000 even if the machine stretches each sleep to five. */
static guint
stream (Fixture *f,
        double   seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint sent = 0;

  while (g_get_monotonic_time () < end)
    {
      write_some (f, 100);
      sent += 100;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return sent;
}

/* The stream for 0.2 s, then a moment: every datagram of it was read.
 * Returns how many were sent. */
static guint
stream_all_read (Fixture *f)
{
  guint sent = stream (f, 0.2);

  spin_for (0.1);
  g_assert_cmpuint (f->n_read, ==, sent);

  return sent;
}

/* Light traffic is read as it comes: one read for each datagram that
 * comes alone. */
static void
test_light (void)
{
  Fixture f = { 0 };

  fixture_set_up (&f, TRUE);
  for (guint i = 0; i < 5; i++)
    {
      write_some (&f, 1);
      spin_for (0.02);
      g_assert_cmpuint (f.n_read, ==, i + 1);
      g_assert_cmpuint (f.n_calls, ==, i + 1);
    }
  g_assert_false (f.ticked);
  fixture_tear_down (&f);
}

/* A heavy stream is read on ticks, every datagram of it; once it ends the
 * ticks stop, and a datagram that comes alone is read as it comes. */
static void
test_stream_then_alone (void)
{
  Fixture f = { 0 };
  guint sent;
  guint calls;

  fixture_set_up (&f, TRUE);
  sent = stream_all_read (&f);
  g_assert_true (f.ticked);
  g_assert_false (_chorus_reader_is_ticking (&f.reader));

  /* Watching again: nothing happens until something comes. */
  calls = f.n_calls;
  spin_for (0.05);
  g_assert_cmpuint (f.n_calls, ==, calls);
  write_some (&f, 1);
  spin_for (0.02);
  g_assert_cmpuint (f.n_read, ==, sent + 1);
  g_assert_cmpuint (f.n_calls, ==, calls + 1);
  fixture_tear_down (&f);
}

/* Unmoderated (a server whose clients time their round trips): the same
 * stream is read as it comes, never on ticks. */
static void
test_unmoderated (void)
{
  Fixture f = { 0 };

  fixture_set_up (&f, FALSE);
  stream_all_read (&f);
  g_assert_false (f.ticked);
  fixture_tear_down (&f);
}

/* Stopped from its own read, during a stream: no more reads, and
 * scheduling afterwards starts nothing. */
static void
test_stop_in_read (void)
{
  Fixture f = { 0 };

  fixture_set_up (&f, TRUE);
  stream (&f, 0.05);
  g_assert_true (f.ticked);
  /* The next tick finds these and stops it. */
  f.stop_in_read = TRUE;
  write_some (&f, 100);
  spin_for (0.02);
  g_assert_true (f.ticking_at_stop);
  g_assert_false (_chorus_reader_is_ticking (&f.reader));

  f.n_calls = 0;
  write_some (&f, 10);
  spin_for (0.05);
  g_assert_cmpuint (f.n_calls, ==, 0);
  fixture_tear_down (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reader/light", test_light);
  g_test_add_func ("/reader/stream-then-alone", test_stream_then_alone);
  g_test_add_func ("/reader/unmoderated", test_unmoderated);
  g_test_add_func ("/reader/stop-in-read", test_stop_in_read);

  return g_test_run ();
}
