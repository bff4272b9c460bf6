/* chorus-pace.h: when a receiving socket is read, and before what
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A busy stretch longer than this steps behind drawing and input. */
#define CHORUS_PACE_BUSY_USEC  (10 * 1000)
/* A dispatch that starts within this long of the last one's end belongs
 * to the same busy stretch. */
#define CHORUS_PACE_QUIET_USEC (5 * 1000)

/* Moderation: from this many datagrams a second (measured over a window)
 * the socket is read once a tick instead of at every wake-up, and below
 * the lower rate it is read at once again. A tick lasts long enough to
 * collect about TICK_DATAGRAMS at the rate the last one found, within
 * these bounds. */
#define CHORUS_PACE_TICK_MIN_USEC  1000
#define CHORUS_PACE_TICK_MAX_USEC  4000
#define CHORUS_PACE_TICK_DATAGRAMS 64
#define CHORUS_PACE_WINDOW_USEC (10 * 1000)
#define CHORUS_PACE_RATE_ON     10000
#define CHORUS_PACE_RATE_OFF    2000

typedef struct
{
  /* G_PRIORITY_HIGH while traffic is light, G_PRIORITY_LOW while busy. */
  int priority;
  /* When the current run of back-to-back dispatches began, or 0. */
  gint64 busy_since;
  gint64 last_end;

  /* Whether reading may be moderated at all. */
  gboolean moderate;
  /* How long after a read the next one waits: -1 to read when the socket
   * is ready, 0 at once, else that many microseconds. */
  gint64 next_read_usec;
  /* The rate window of the unmoderated mode. */
  gint64 window_start;
  guint64 window_datagrams;
} ChorusPace;

void chorus_pace_init   (ChorusPace *pace,
                         gboolean    moderate);
void chorus_pace_update (ChorusPace *pace,
                         gint64      started,
                         gint64      now,
                         guint       handled,
                         gboolean    hit_limit);

G_END_DECLS
