/* chorus-cli-sender.h: what send and probe share, a sender set up from
 * the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chorus-cli-options.h"
#include "chorus-sender.h"

G_BEGIN_DECLS

gboolean      chorus_cli_take_message (int                argc,
                                       char             **argv,
                                       const char       **message,
                                       GError           **error);
ChorusSender *chorus_cli_sender_new   (ChorusCliOptions  *options,
                                       const char        *message);

G_END_DECLS
