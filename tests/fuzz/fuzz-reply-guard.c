/* fuzz-reply-guard.c: the reply guard fed any sequence of datagrams
 *
 * The input is a list of records: settings now and then, and datagrams
 * with any source address (4 or 16 bytes, or a malformed length), port,
 * sizes and time step. Whatever the guard decides is held to the rules:
 * an answer goes only to a unicast source with a port, is never larger
 * than what caused it unless allowed, and no source gets more than its
 * burst plus its rate over the time since it was first answered. The
 * table of sources never outgrows its bound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-reply-guard.h"
#include "fuzz.h"

typedef struct
{
  gint64 first;
  guint64 answered;
} Share;

/* An independent statement of "can be answered". */
static gboolean
reference_unicast (const guint8 *address,
                   gsize         size)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  static const guint8 zero[16] = { 0 };

  if (size == 4)
    return address[0] != 0 && address[0] < 224;
  if (size == 16 && memcmp (address, mapped, 12) == 0)
    return address[12] != 0 && address[12] < 224;
  if (size == 16)
    return address[0] != 0xff && memcmp (address, zero, 16) != 0;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ChorusReplyGuard) guard = chorus_reply_guard_new ();
  g_autoptr(GHashTable) shares = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, g_free);
  double rate = CHORUS_REPLY_DEFAULT_RATE;
  guint burst = CHORUS_REPLY_DEFAULT_BURST;
  gboolean allow_larger = FALSE;
  gint64 now = 0;
  gsize i = 0;

  while (i < size)
    {
      guint8 kind = data[i++];

      if (kind >= 0xf0)
        {
          /* Settings: a rate of 0 to 255 a second (0: none), a burst,
           * larger answers allowed or not, a penalty for floods or none
           * (a penalty only ever refuses more: the bounds below hold). */
          if (i + 2 > size)
            break;
          rate = data[i];
          burst = MAX (data[i + 1], 1);
          allow_larger = (kind & 1) != 0;
          i += 2;
          chorus_reply_guard_set_rate (guard, rate, burst);
          chorus_reply_guard_set_allow_larger (guard, allow_larger);
          chorus_reply_guard_set_penalty (guard, (kind & 2) != 0 ? G_USEC_PER_SEC : 0);
          /* The guard forgets every share; so does the reference. */
          g_hash_table_remove_all (shares);
          continue;
        }

      {
        /* 4, 16, or another (malformed) length of address. */
        gsize address_size = kind % 3 == 0 ? 4 : kind % 3 == 1 ? 16 : kind % 17;
        const guint8 *address;
        guint16 port, request, reply, step;
        ChorusReplyVerdict verdict;

        if (i + address_size + 8 > size)
          break;
        address = data + i;
        i += address_size;
        port = (guint16) (data[i] << 8 | data[i + 1]);
        request = (guint16) (data[i + 2] << 8 | data[i + 3]);
        reply = (guint16) (data[i + 4] << 8 | data[i + 5]);
        step = (guint16) (data[i + 6] << 8 | data[i + 7]);
        i += 8;
        now += step * 100;

        verdict = chorus_reply_guard_check (guard, address, address_size, port, request, reply,
                                            now);
        fuzz_check (verdict < CHORUS_REPLY_N_VERDICTS);
        fuzz_check (chorus_reply_guard_get_n_sources (guard) <= CHORUS_REPLY_MAX_SOURCES);

        if (verdict != CHORUS_REPLY_ANSWER)
          continue;

        fuzz_check (port != 0);
        fuzz_check (reference_unicast (address, address_size));
        fuzz_check (reply <= request || allow_larger);

        if (rate > 0)
          {
            g_autoptr(GBytes) key = g_bytes_new (address, address_size);
            Share *share = g_hash_table_lookup (shares, key);
            double allowed;

            if (share == NULL)
              {
                share = g_new0 (Share, 1);
                share->first = now;
                g_hash_table_insert (shares, g_bytes_ref (key), share);
              }
            share->answered++;
            allowed = burst + rate * (now - share->first) / G_USEC_PER_SEC + 1;
            fuzz_check (share->answered <= allowed);
          }
      }
    }

  return 0;
}
