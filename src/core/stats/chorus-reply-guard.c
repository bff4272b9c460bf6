/* chorus-reply-guard.c: who may be answered, how much and how often
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A receiver answers whatever address a datagram claims to come from, and
 * UDP source addresses are easy to forge. So that a Chorus receiver can
 * never be used to flood someone else, an answer goes out only if:
 *
 *  - the source is a unicast address and port that could have asked;
 *  - the answer is no larger than the datagram that caused it (unless the
 *    user allowed more);
 *  - the source has not used up its share: a generic cell rate algorithm
 *    (GCRA) per source address, `burst` answers at once, then `rate` per
 *    second;
 *  - the source is not flooding: with a penalty set, a source refused
 *    more than `burst` times in a row gets nothing at all for `penalty`,
 *    whatever its rate meanwhile. A flood from a forged address then has
 *    its first burst and no more; a client that keeps to its rate is
 *    never refused, let alone penalised.
 *
 * Pure: no sockets, no clock of its own; the caller passes the time.
 */

#include "config.h"

#include <string.h>

#include "chorus-reply-guard.h"

typedef struct
{
  guint8 size;
  guint8 bytes[16];
  /* The theoretical arrival time of the next answer, on the caller's
   * clock: the source is within its share while this is not further
   * ahead of now than the burst allows. */
  gint64 tat;
  /* Refusals in a row since the last answer, and whether those have
   * earned the penalty that is running (tat then lies beyond it). */
  guint n_refused;
  gboolean penalised;
} Source;

struct _ChorusReplyGuard
{
  double rate;
  guint burst;
  gboolean allow_larger;
  /* Derived from rate and burst, in microseconds. */
  gint64 interval;
  gint64 tolerance;
  gint64 penalty;

  GHashTable *sources;
  gint64 last_sweep;
  guint32 *broadcasts;
  guint n_broadcasts;
};

static guint
source_hash (gconstpointer key)
{
  const Source *source = key;
  guint hash = 2166136261u;

  for (guint i = 0; i < source->size; i++)
    hash = (hash ^ source->bytes[i]) * 16777619u;

  return hash;
}

static gboolean
source_equal (gconstpointer a,
              gconstpointer b)
{
  const Source *x = a;
  const Source *y = b;

  return x->size == y->size && memcmp (x->bytes, y->bytes, x->size) == 0;
}

ChorusReplyGuard *
chorus_reply_guard_new (void)
{
  ChorusReplyGuard *guard = g_new0 (ChorusReplyGuard, 1);

  guard->sources = g_hash_table_new_full (source_hash, source_equal, g_free, NULL);
  guard->last_sweep = G_MININT64;
  chorus_reply_guard_set_rate (guard, CHORUS_REPLY_DEFAULT_RATE, CHORUS_REPLY_DEFAULT_BURST);

  return guard;
}

void
chorus_reply_guard_free (ChorusReplyGuard *guard)
{
  if (guard == NULL)
    return;

  g_hash_table_unref (guard->sources);
  g_free (guard->broadcasts);
  g_free (guard);
}

/**
 * chorus_reply_guard_set_rate:
 * @per_second: answers per second to one source; 0 for no limit
 * @burst: how many answers one source may have at once (at least 1)
 *
 * Forgets what each source has had so far.
 */
void
chorus_reply_guard_set_rate (ChorusReplyGuard *guard,
                             double            per_second,
                             guint             burst)
{
  g_return_if_fail (guard != NULL);
  g_return_if_fail (per_second >= 0 && per_second <= 1e6);

  guard->rate = per_second;
  guard->burst = MAX (burst, 1);
  guard->interval = per_second > 0 ? MAX ((gint64) (G_USEC_PER_SEC / per_second + 0.5), 1) : 0;
  guard->tolerance = guard->interval * (gint64) (guard->burst - 1);
  g_hash_table_remove_all (guard->sources);
}

/**
 * chorus_reply_guard_set_penalty:
 * @penalty_usec: how long a flooding source goes unanswered; 0 (the
 *   default) for never
 *
 * A source refused for its rate more than `burst` times in a row is
 * flooding: it is refused everything for @penalty_usec from then on, and
 * gets its share back one answer at a time after that.
 */
void
chorus_reply_guard_set_penalty (ChorusReplyGuard *guard,
                                gint64            penalty_usec)
{
  g_return_if_fail (guard != NULL);
  g_return_if_fail (penalty_usec >= 0);

  guard->penalty = penalty_usec;
}

void
chorus_reply_guard_set_allow_larger (ChorusReplyGuard *guard,
                                     gboolean          allow)
{
  g_return_if_fail (guard != NULL);

  guard->allow_larger = !!allow;
}

/**
 * chorus_reply_guard_set_broadcasts:
 * @addresses: (array length=n_addresses): IPv4 broadcast addresses of the
 *   host's interfaces, in network byte order
 *
 * Sources that are one of these are never answered (255.255.255.255 never
 * is, whatever this says).
 */
void
chorus_reply_guard_set_broadcasts (ChorusReplyGuard *guard,
                                   const guint32    *addresses,
                                   guint             n_addresses)
{
  g_return_if_fail (guard != NULL);
  g_return_if_fail (addresses != NULL || n_addresses == 0);

  g_clear_pointer (&guard->broadcasts, g_free);
  guard->broadcasts = g_memdup2 (addresses, n_addresses * sizeof *addresses);
  guard->n_broadcasts = n_addresses;
}

/**
 * chorus_reply_address_is_unicast:
 * @address: (array length=address_size): 4 bytes (IPv4) or 16 (IPv6), in
 *   network byte order
 *
 * Returns: %TRUE if @address can be the source of a request: not
 *   unspecified, not multicast, not broadcast, not in 0.0.0.0/8 or
 *   240.0.0.0/4. Interface broadcast addresses are the guard's business.
 */
gboolean
chorus_reply_address_is_unicast (const guint8 *address,
                                 gsize         address_size)
{
  static const guint8 unspecified6[16] = { 0 };

  if (address == NULL)
    return FALSE;

  if (address_size == 4)
    return address[0] != 0 && address[0] < 224;

  if (address_size == 16)
    {
      const guint8 v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (address, v4mapped, sizeof v4mapped) == 0)
        return chorus_reply_address_is_unicast (address + 12, 4);

      return address[0] != 0xff && memcmp (address, unspecified6, 16) != 0;
    }

  return FALSE;
}

static gboolean
is_broadcast (ChorusReplyGuard *guard,
              const guint8     *address,
              gsize             address_size)
{
  guint32 value;

  if (address_size != 4)
    return FALSE;

  memcpy (&value, address, sizeof value);
  for (guint i = 0; i < guard->n_broadcasts; i++)
    if (guard->broadcasts[i] == value)
      return TRUE;

  return FALSE;
}

/* Sources whose theoretical arrival time has passed are at full credit,
 * exactly as if they were new: forgetting them changes nothing. */
static gboolean
is_idle (gpointer key,
         gpointer value,
         gpointer user_data)
{
  const Source *source = key;
  const gint64 *now = user_data;

  return source->tat <= *now;
}

static gboolean
take_share (ChorusReplyGuard *guard,
            const guint8     *address,
            gsize             address_size,
            gint64            now)
{
  Source key = { .size = (guint8) address_size };
  Source *source;
  gint64 tat;

  if (guard->rate <= 0)
    return TRUE;

  memcpy (key.bytes, address, address_size);
  source = g_hash_table_lookup (guard->sources, &key);

  if (source == NULL)
    {
      if (g_hash_table_size (guard->sources) >= CHORUS_REPLY_MAX_SOURCES)
        {
          /* Sweep at most once per answer interval, so that a flood from
           * many addresses costs a sweep now and then, not per datagram. */
          if (guard->last_sweep != G_MININT64
              && now - guard->last_sweep < MAX (guard->interval, 1000))
            return FALSE;

          guard->last_sweep = now;
          g_hash_table_foreach_remove (guard->sources, is_idle, &now);
          if (g_hash_table_size (guard->sources) >= CHORUS_REPLY_MAX_SOURCES)
            return FALSE;
        }

      source = g_memdup2 (&key, sizeof key);
      source->tat = now;
      g_hash_table_add (guard->sources, source);
    }

  tat = MAX (source->tat, now);
  if (tat - now > guard->tolerance)
    {
      /* Refusals while a penalty runs do not lengthen it: a client that
       * flooded once and then keeps to its rate is heard again. */
      if (guard->penalty > 0 && !source->penalised && ++source->n_refused > guard->burst)
        {
          source->penalised = TRUE;
          source->tat = now + guard->tolerance + guard->penalty;
        }
      return FALSE;
    }

  source->n_refused = 0;
  source->penalised = FALSE;
  source->tat = tat + guard->interval;
  return TRUE;
}

/**
 * chorus_reply_guard_check:
 * @address: (array length=address_size): the source, 4 or 16 bytes
 * @port: the source port
 * @request_size: the payload that arrived, in bytes
 * @reply_size: the payload that would go back
 * @now_usec: the time now, on any clock that does not go back
 *
 * Decides whether to answer, and if so counts the answer against the
 * source's share.
 */
ChorusReplyVerdict
chorus_reply_guard_check (ChorusReplyGuard *guard,
                          const guint8     *address,
                          gsize             address_size,
                          guint16           port,
                          gsize             request_size,
                          gsize             reply_size,
                          gint64            now_usec)
{
  g_return_val_if_fail (guard != NULL, CHORUS_REPLY_REFUSE_SOURCE);

  if (port == 0 || !chorus_reply_address_is_unicast (address, address_size)
      || is_broadcast (guard, address, address_size))
    return CHORUS_REPLY_REFUSE_SOURCE;

  if (reply_size > request_size && !guard->allow_larger)
    return CHORUS_REPLY_REFUSE_SIZE;

  if (!take_share (guard, address, address_size, now_usec))
    return CHORUS_REPLY_REFUSE_RATE;

  return CHORUS_REPLY_ANSWER;
}

/* Sources remembered now, for tests and diagnostics. */
guint
chorus_reply_guard_get_n_sources (ChorusReplyGuard *guard)
{
  g_return_val_if_fail (guard != NULL, 0);

  return g_hash_table_size (guard->sources);
}

/* A stable name for each verdict, for JSON keys. */
const char *
chorus_reply_verdict_to_string (ChorusReplyVerdict verdict)
{
  switch (verdict)
    {
    case CHORUS_REPLY_ANSWER:
      return "answered";
    case CHORUS_REPLY_REFUSE_SOURCE:
      return "bad_source";
    case CHORUS_REPLY_REFUSE_SIZE:
      return "too_large";
    case CHORUS_REPLY_REFUSE_RATE:
      return "rate_limited";
    case CHORUS_REPLY_N_VERDICTS:
    default:
      return "unknown";
    }
}
