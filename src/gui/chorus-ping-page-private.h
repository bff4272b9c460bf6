/* chorus-ping-page-private.h: what the page's tests reach into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-mping-client.h"
#include "chorus-ping-page.h"

G_BEGIN_DECLS

/* Shows @verdict at the top of the results: its words, an icon and a
 * colour per state, and @totals (may be NULL) beneath. @stopped_seconds
 * is how long ago multicast last arrived, for a stopped one. */
void _chorus_ping_page_show_verdict (ChorusPingPage     *self,
                                     ChorusMpingVerdict  verdict,
                                     const char         *server,
                                     double              stopped_seconds,
                                     const char         *totals);

G_END_DECLS
