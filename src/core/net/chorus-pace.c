/* chorus-pace.c: when a receiving socket is read, and before what
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two decisions about a socket that may be flooded, made after each read
 * from what that read found; no clock and no main loop of its own, so it
 * can be tested on made-up times.
 *
 * Priority: a flood keeps a socket ready all the time, and a ready source
 * at high priority starves every source behind it, so that the
 * application could neither draw nor take input. After about 10 ms of
 * back-to-back reads (or one that stopped at its limits with data still
 * waiting) the socket steps behind drawing and input; once the main loop
 * has had a quiet moment, it is back in front.
 *
 * Moderation: woken for every datagram or two of a steady stream, a
 * receiver spends more on waking up (poll, the main loop, a system call
 * that finds the socket empty, a write of its output) than on the
 * datagrams. Network cards have the same problem and the same answer:
 * under load, collect for a moment and take everything at once, and the
 * longer the lighter the load (adaptive interrupt coalescing). Once a
 * window of 10 ms has brought 10,000 datagrams a second or more, the
 * socket is no longer watched: it is read on ticks, whatever is there,
 * and watched again as soon as a tick finds less than 2,000 a second.
 * The first tick is 1 ms; each next one is as long as it takes the rate
 * the last one found to bring 64 datagrams, from 1 ms (64,000 a second
 * and more) to 4 ms (16,000 a second and less): a wake-up is then shared
 * by 40 datagrams or more. A datagram waits at most 4 ms more while the
 * stream lasts, and not at all otherwise; what the services report of
 * it is timed by the kernel's arrival stamp, not by the read. A multicast ping server keeps
 * to watching: its clients time the round trip, our wait included.
 *
 * ChorusReader (chorus-socket.c) carries these decisions out on the main
 * loop for every socket the services read.
 */

#include "config.h"

#include "chorus-pace.h"

void
chorus_pace_init (ChorusPace *pace,
                  gboolean    moderate)
{
  *pace = (ChorusPace) {
    .priority = G_PRIORITY_HIGH,
    .moderate = moderate,
    .next_read_usec = -1,
  };
}

static void
update_moderation (ChorusPace *pace,
                   gint64      started,
                   gint64      now,
                   gint64      previous_end,
                   guint       handled,
                   gboolean    hit_limit)
{
  if (!pace->moderate)
    return;

  if (pace->next_read_usec >= 0)
    {
      /* Reading on ticks: the rate is what this tick found over the time
       * since the last read. */
      gint64 span = MAX (started - previous_end, 1);

      if (hit_limit)
        pace->next_read_usec = 0;
      else if ((guint64) handled * G_USEC_PER_SEC < (guint64) CHORUS_PACE_RATE_OFF * span)
        {
          pace->next_read_usec = -1;
          pace->window_start = now;
          pace->window_datagrams = 0;
        }
      else
        {
          /* handled > 0 here, the rate being at least RATE_OFF. */
          gint64 tick = span * CHORUS_PACE_TICK_DATAGRAMS / (gint64) handled;

          pace->next_read_usec = CLAMP (tick, CHORUS_PACE_TICK_MIN_USEC, CHORUS_PACE_TICK_MAX_USEC);
        }
      return;
    }

  if (pace->window_start == 0 || now < pace->window_start)
    {
      pace->window_start = started;
      pace->window_datagrams = 0;
    }
  pace->window_datagrams += handled;

  if (now - pace->window_start >= CHORUS_PACE_WINDOW_USEC)
    {
      gint64 span = now - pace->window_start;

      if (pace->window_datagrams * G_USEC_PER_SEC >= (guint64) CHORUS_PACE_RATE_ON * span)
        pace->next_read_usec = hit_limit ? 0 : CHORUS_PACE_TICK_MIN_USEC;
      pace->window_start = now;
      pace->window_datagrams = 0;
    }
}

/*
 * chorus_pace_update:
 * @started: when the read began, on the monotonic clock
 * @now: when it ended
 * @handled: datagrams it read
 * @hit_limit: it stopped at its own limits with data still waiting
 *
 * Sets @pace's priority and next_read_usec for what follows.
 */
void
chorus_pace_update (ChorusPace *pace,
                    gint64      started,
                    gint64      now,
                    guint       handled,
                    gboolean    hit_limit)
{
  gint64 previous_end = pace->last_end;

  if (handled == 0)
    pace->busy_since = 0;
  else if (pace->busy_since == 0 || started - pace->last_end > CHORUS_PACE_QUIET_USEC)
    pace->busy_since = started;
  pace->last_end = now;

  pace->priority = hit_limit || (pace->busy_since != 0
                                 && now - pace->busy_since > CHORUS_PACE_BUSY_USEC)
                     ? G_PRIORITY_LOW
                     : G_PRIORITY_HIGH;

  update_moderation (pace, started, now, previous_end, handled, hit_limit);
}
