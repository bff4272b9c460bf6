/* fuzz-pace.c: the pacing of a receiving socket fed any sequence of reads
 *
 * The first byte says whether reading may be moderated; then each record
 * of four bytes is one read: the quiet before it (up to 255 ms), how
 * long it took (up to 25 ms), how many datagrams it found (0 to 4095)
 * and whether it stopped at its limits. Times only go forward, from far
 * out on the clock. Whatever the pace decides is held to its rules:
 *
 * - the next read is at once (0), on a tick of 1 to 4 ms, or when the
 *   socket is ready (-1); never moderated when moderation is off; the
 *   first tick is the shortest;
 * - a read that hit its limits puts the socket behind drawing, and so
 *   does nothing else than a busy stretch; one that found nothing puts
 *   it in front;
 * - ticks start only after a window's worth of reads since they last
 *   stopped, which brought at least the rate that turns them on; they
 *   stop only after a tick that did not hit its limits and found less
 *   than the rate that turns them off;
 * - while ticking, a read that hit its limits is followed at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-pace.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  ChorusPace pace;
  gint64 t = G_GINT64_CONSTANT (1) << 50;
  gint64 previous_end = 0;
  gint64 since_off = 0;
  guint64 datagrams_since_off = 0;

  if (size < 1)
    return 0;

  chorus_pace_init (&pace, (data[0] & 1) != 0);
  fuzz_check (pace.next_read_usec == -1);
  fuzz_check (pace.priority == G_PRIORITY_HIGH);

  for (gsize i = 1; i + 4 <= size; i += 4)
    {
      gint64 started = t + (gint64) data[i] * 1000;
      gint64 now = started + (gint64) data[i + 1] * 100;
      guint handled = ((guint) data[i + 2] << 4 | data[i + 3] >> 4) & 0xfff;
      gboolean hit_limit = (data[i + 3] & 1) != 0;
      gboolean was_ticking = pace.next_read_usec >= 0;

      if (since_off == 0)
        since_off = started;

      chorus_pace_update (&pace, started, now, handled, hit_limit);
      datagrams_since_off += handled;

      fuzz_check (pace.next_read_usec == -1 || pace.next_read_usec == 0
                  || (pace.next_read_usec >= CHORUS_PACE_TICK_MIN_USEC
                      && pace.next_read_usec <= CHORUS_PACE_TICK_MAX_USEC));
      fuzz_check (pace.priority == G_PRIORITY_HIGH || pace.priority == G_PRIORITY_LOW);
      if (!pace.moderate)
        fuzz_check (pace.next_read_usec == -1);
      if (hit_limit)
        fuzz_check (pace.priority == G_PRIORITY_LOW);
      if (handled == 0 && !hit_limit)
        fuzz_check (pace.priority == G_PRIORITY_HIGH);

      if (!was_ticking && pace.next_read_usec >= 0)
        {
          fuzz_check (now - since_off >= CHORUS_PACE_WINDOW_USEC);
          fuzz_check (pace.next_read_usec == 0
                      || pace.next_read_usec == CHORUS_PACE_TICK_MIN_USEC);
          fuzz_check (datagrams_since_off * G_USEC_PER_SEC
                      >= (guint64) CHORUS_PACE_RATE_ON * CHORUS_PACE_WINDOW_USEC);
        }
      if (was_ticking && pace.next_read_usec < 0)
        {
          fuzz_check (!hit_limit);
          fuzz_check ((guint64) handled * G_USEC_PER_SEC
                      < (guint64) CHORUS_PACE_RATE_OFF * MAX (started - previous_end, 1));
          since_off = now;
          datagrams_since_off = 0;
        }
      if (was_ticking && hit_limit)
        fuzz_check (pace.next_read_usec == 0);

      previous_end = now;
      t = now;
    }

  return 0;
}
