/* chorus-cli-commands.h: the chorus-cli commands that live in files of
 * their own
 *
 * Each takes main()'s arguments, argv[1] being the command's name, and
 * returns the program's exit status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int chorus_cli_explain (int    argc,
                        char **argv);

G_END_DECLS
