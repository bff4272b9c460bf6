/* test-reply-guard.c: who may be answered, how much and how often
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>

#include "chorus-reply-guard.h"

#define SECOND G_USEC_PER_SEC

static ChorusReplyVerdict
check4 (ChorusReplyGuard *guard,
        const char       *address,
        guint16           port,
        gsize             request_size,
        gsize             reply_size,
        gint64            now)
{
  guint8 bytes[4];

  g_assert_cmpint (inet_pton (AF_INET, address, bytes), ==, 1);
  return chorus_reply_guard_check (guard, bytes, sizeof bytes, port, request_size, reply_size,
                                   now);
}

static ChorusReplyVerdict
check6 (ChorusReplyGuard *guard,
        const char       *address,
        guint16           port)
{
  guint8 bytes[16];

  g_assert_cmpint (inet_pton (AF_INET6, address, bytes), ==, 1);
  return chorus_reply_guard_check (guard, bytes, sizeof bytes, port, 3, 3, 0);
}

static void
test_sources (void)
{
  g_autoptr(ChorusReplyGuard) guard = chorus_reply_guard_new ();
  guint32 directed = inet_addr ("10.77.255.255");
  const struct
  {
    const char *address;
    guint16 port;
    ChorusReplyVerdict verdict;
  } cases[] = {
    { "10.77.0.1", 10000, CHORUS_REPLY_ANSWER },
    { "192.0.2.1", 1, CHORUS_REPLY_ANSWER },
    { "223.255.255.254", 65535, CHORUS_REPLY_ANSWER },
    { "10.77.0.1", 0, CHORUS_REPLY_REFUSE_SOURCE },
    { "0.0.0.0", 10000, CHORUS_REPLY_REFUSE_SOURCE },
    { "0.1.2.3", 10000, CHORUS_REPLY_REFUSE_SOURCE },
    { "224.0.0.1", 10000, CHORUS_REPLY_REFUSE_SOURCE },
    { "239.255.255.250", 1900, CHORUS_REPLY_REFUSE_SOURCE },
    { "240.0.0.1", 10000, CHORUS_REPLY_REFUSE_SOURCE },
    { "255.255.255.255", 10000, CHORUS_REPLY_REFUSE_SOURCE },
    { "10.77.255.255", 10000, CHORUS_REPLY_REFUSE_SOURCE },
  };

  chorus_reply_guard_set_broadcasts (guard, &directed, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s port %u", cases[i].address, cases[i].port);
      g_assert_cmpint (check4 (guard, cases[i].address, cases[i].port, 3, 3, i), ==,
                       cases[i].verdict);
    }

  g_assert_cmpint (check6 (guard, "2001:db8::1", 4321), ==, CHORUS_REPLY_ANSWER);
  g_assert_cmpint (check6 (guard, "fe80::1", 4321), ==, CHORUS_REPLY_ANSWER);
  g_assert_cmpint (check6 (guard, "::", 4321), ==, CHORUS_REPLY_REFUSE_SOURCE);
  g_assert_cmpint (check6 (guard, "ff02::1", 4321), ==, CHORUS_REPLY_REFUSE_SOURCE);
  g_assert_cmpint (check6 (guard, "ff3e::4321:1234", 4321), ==, CHORUS_REPLY_REFUSE_SOURCE);
  g_assert_cmpint (check6 (guard, "::ffff:224.0.0.1", 4321), ==, CHORUS_REPLY_REFUSE_SOURCE);
  g_assert_cmpint (check6 (guard, "::ffff:10.0.0.1", 4321), ==, CHORUS_REPLY_ANSWER);
  g_assert_cmpint (check6 (guard, "2001:db8::1", 0), ==, CHORUS_REPLY_REFUSE_SOURCE);

  /* Malformed addresses are never answered. */
  g_assert_cmpint (chorus_reply_guard_check (guard, (const guint8 *) "abc", 3, 1, 3, 3, 0), ==,
                   CHORUS_REPLY_REFUSE_SOURCE);
  g_assert_cmpint (chorus_reply_guard_check (guard, NULL, 0, 1, 3, 3, 0), ==,
                   CHORUS_REPLY_REFUSE_SOURCE);
}

static void
test_size (void)
{
  g_autoptr(ChorusReplyGuard) guard = chorus_reply_guard_new ();

  /* "ack" to the article's 19 bytes, and to exactly 3. */
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 19, 3, 0), ==, CHORUS_REPLY_ANSWER);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 3, 3, 0), ==, CHORUS_REPLY_ANSWER);
  /* Nothing to nothing is fine; anything to nothing is not. */
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 0, 0, 0), ==, CHORUS_REPLY_ANSWER);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 0, 3, 0), ==, CHORUS_REPLY_REFUSE_SIZE);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 2, 3, 0), ==, CHORUS_REPLY_REFUSE_SIZE);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 1, 65507, 0), ==, CHORUS_REPLY_REFUSE_SIZE);

  chorus_reply_guard_set_allow_larger (guard, TRUE);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 0, 3, 0), ==, CHORUS_REPLY_ANSWER);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 9, 1, 65507, 0), ==, CHORUS_REPLY_ANSWER);

  /* The source check comes first, whatever is allowed. */
  g_assert_cmpint (check4 (guard, "224.0.0.1", 9, 100, 3, 0), ==, CHORUS_REPLY_REFUSE_SOURCE);
}

static guint
answered (ChorusReplyGuard *guard,
          const char       *address,
          guint             n,
          gint64            now)
{
  guint yes = 0;

  for (guint i = 0; i < n; i++)
    if (check4 (guard, address, 10000, 19, 3, now) == CHORUS_REPLY_ANSWER)
      yes++;

  return yes;
}

static void
test_rate (void)
{
  g_autoptr(ChorusReplyGuard) guard = chorus_reply_guard_new ();

  /* Ten a second, five at once. */
  chorus_reply_guard_set_rate (guard, 10, 5);

  g_assert_cmpuint (answered (guard, "10.0.0.1", 20, 0), ==, 5);
  g_assert_cmpint (check4 (guard, "10.0.0.1", 1, 19, 3, 0), ==, CHORUS_REPLY_REFUSE_RATE);
  /* Each source has a share of its own. */
  g_assert_cmpuint (answered (guard, "10.0.0.2", 20, 0), ==, 5);

  /* One more every 100 ms. */
  g_assert_cmpuint (answered (guard, "10.0.0.1", 20, SECOND / 10 - 1), ==, 0);
  g_assert_cmpuint (answered (guard, "10.0.0.1", 20, SECOND / 10), ==, 1);
  g_assert_cmpuint (answered (guard, "10.0.0.1", 20, SECOND / 10 * 3), ==, 2);

  /* A source that keeps to the rate is always answered. */
  for (gint64 t = SECOND; t < 3 * SECOND; t += SECOND / 10)
    g_assert_cmpuint (answered (guard, "10.0.0.3", 1, t), ==, 1);

  /* After a quiet second the whole burst is back. */
  g_assert_cmpuint (answered (guard, "10.0.0.1", 20, 10 * SECOND), ==, 5);

  /* Over a long flood, rate × time + burst, and not one more. */
  {
    guint total = 0;

    for (gint64 t = 20 * SECOND; t < 30 * SECOND; t += SECOND / 1000)
      total += answered (guard, "10.0.0.4", 1, t);
    g_assert_cmpuint (total, ==, 5 + 10 * 10 - 1);
  }

  /* No limit at all when asked for none. */
  chorus_reply_guard_set_rate (guard, 0, 1);
  g_assert_cmpuint (answered (guard, "10.0.0.1", 10000, 0), ==, 10000);
  g_assert_cmpuint (chorus_reply_guard_get_n_sources (guard), ==, 0);
}

static void
test_penalty (void)
{
  g_autoptr(ChorusReplyGuard) guard = chorus_reply_guard_new ();
  guint total = 0;

  /* Ten a second, five at once; a flood is shut out for ten seconds. */
  chorus_reply_guard_set_rate (guard, 10, 5);
  chorus_reply_guard_set_penalty (guard, 10 * SECOND);

  /* The burst, then five refusals in a row are still a client asking too
   * fast: 100 ms later it has its next answer. */
  g_assert_cmpuint (answered (guard, "10.0.0.1", 10, 0), ==, 5);
  g_assert_cmpuint (answered (guard, "10.0.0.1", 1, SECOND / 10), ==, 1);

  /* A client asking twice its rate is refused every other time and never
   * penalised: it has what a guard without a penalty gives it. */
  {
    g_autoptr(ChorusReplyGuard) lenient = chorus_reply_guard_new ();
    guint expected = 0;

    chorus_reply_guard_set_rate (lenient, 10, 5);
    for (gint64 t = SECOND; t < 4 * SECOND; t += SECOND / 20)
      {
        total += answered (guard, "10.0.0.2", 1, t);
        expected += answered (lenient, "10.0.0.2", 1, t);
      }
    g_assert_cmpuint (total, ==, expected);
    g_assert_cmpuint (total, ==, 30 + 4);
  }

  /* A flood: its burst, then the sixth refusal in a row shuts it out.
   * Polite queries later in the penalty are refused too, and do not
   * lengthen it. */
  g_assert_cmpuint (answered (guard, "10.0.0.3", 1000, 0), ==, 5);
  g_assert_cmpuint (answered (guard, "10.0.0.3", 1, SECOND), ==, 0);
  for (gint64 t = 2 * SECOND; t < 10 * SECOND; t += SECOND)
    g_assert_cmpuint (answered (guard, "10.0.0.3", 1, t), ==, 0);
  /* Its neighbour is not touched by it. */
  g_assert_cmpuint (answered (guard, "10.0.0.4", 1, SECOND), ==, 1);
  /* Ten seconds after the flood, answers again, at the rate. */
  g_assert_cmpuint (answered (guard, "10.0.0.3", 1, 10 * SECOND), ==, 1);
  g_assert_cmpuint (answered (guard, "10.0.0.3", 1, 10 * SECOND + SECOND / 10), ==, 1);

  /* A flood that never stops, 100 a second for a minute: its burst, one
   * more at its rate before the sixth refusal in a row, then one answer
   * at the end of each penalty (at 110, 120, 130, 140 and 150 s). */
  total = 0;
  for (gint64 t = 100 * SECOND; t < 160 * SECOND; t += SECOND / 100)
    total += answered (guard, "10.0.0.5", 1, t);
  g_assert_cmpuint (total, ==, 5 + 1 + 5);

  /* No penalty: the rate alone. */
  chorus_reply_guard_set_penalty (guard, 0);
  g_assert_cmpuint (answered (guard, "10.0.0.6", 1000, 0), ==, 5);
  g_assert_cmpuint (answered (guard, "10.0.0.6", 1, SECOND), ==, 1);
}

static void
test_many_sources (void)
{
  g_autoptr(ChorusReplyGuard) guard = chorus_reply_guard_new ();
  guint n_answered = 0;

  chorus_reply_guard_set_rate (guard, 1, 1);

  /* A flood from more addresses than the guard remembers: each one it
   * remembers gets its one answer; the rest are refused, never forgotten
   * early. */
  for (guint i = 0; i < 2 * CHORUS_REPLY_MAX_SOURCES; i++)
    {
      guint8 address[4] = { 10, 1, i >> 8, i & 0xff };

      if (chorus_reply_guard_check (guard, address, 4, 1, 3, 3, i) == CHORUS_REPLY_ANSWER)
        n_answered++;
    }
  g_assert_cmpuint (n_answered, ==, CHORUS_REPLY_MAX_SOURCES);
  g_assert_cmpuint (chorus_reply_guard_get_n_sources (guard), ==, CHORUS_REPLY_MAX_SOURCES);

  /* A second later every remembered source is back at full credit, so
   * the guard may forget them and take new ones. */
  {
    guint8 address[4] = { 10, 2, 0, 1 };

    g_assert_cmpint (chorus_reply_guard_check (guard, address, 4, 1, 3, 3, 3 * SECOND), ==,
                     CHORUS_REPLY_ANSWER);
    g_assert_cmpuint (chorus_reply_guard_get_n_sources (guard), ==, 1);
  }
}

static void
test_names (void)
{
  g_assert_cmpstr (chorus_reply_verdict_to_string (CHORUS_REPLY_ANSWER), ==, "answered");
  g_assert_cmpstr (chorus_reply_verdict_to_string (CHORUS_REPLY_REFUSE_SOURCE), ==, "bad_source");
  g_assert_cmpstr (chorus_reply_verdict_to_string (CHORUS_REPLY_REFUSE_SIZE), ==, "too_large");
  g_assert_cmpstr (chorus_reply_verdict_to_string (CHORUS_REPLY_REFUSE_RATE), ==, "rate_limited");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reply-guard/sources", test_sources);
  g_test_add_func ("/reply-guard/size", test_size);
  g_test_add_func ("/reply-guard/rate", test_rate);
  g_test_add_func ("/reply-guard/penalty", test_penalty);
  g_test_add_func ("/reply-guard/many-sources", test_many_sources);
  g_test_add_func ("/reply-guard/names", test_names);

  return g_test_run ();
}
