/* chorus-probe-page-private.h: what the page's tests reach into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-probe-page.h"

G_BEGIN_DECLS

/* The page as it shows a run going (or not), without starting one: the
 * tests may not send. */
void _chorus_probe_page_show_running (ChorusProbePage *self,
                                      gboolean         running);

G_END_DECLS
