/* chorus-cli-commands.h: chorus-cli's commands, a file each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each takes main()'s argc and argv as they are (argv[1] is the command)
 * and returns the exit status.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int chorus_cli_send (int    argc,
                     char **argv);
int chorus_cli_probe (int    argc,
                      char **argv);
int chorus_cli_receive (int    argc,
                        char **argv);
int chorus_cli_interfaces (int    argc,
                           char **argv);
int chorus_cli_explain (int    argc,
                        char **argv);
int chorus_cli_ping (int    argc,
                     char **argv);
int chorus_cli_serve (int    argc,
                      char **argv);
int chorus_cli_monitor (int    argc,
                        char **argv);
int chorus_cli_watch (int    argc,
                      char **argv);
int chorus_cli_sap (int    argc,
                    char **argv);
int chorus_cli_querier (int    argc,
                        char **argv);

G_END_DECLS
