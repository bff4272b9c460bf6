/* chorus-cli-run.h: what every chorus-cli command that runs a service
 * does around it: the main loop, SIGINT and SIGTERM, output that can no
 * longer be written, reports on a timer and invalid input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Invalid input: the user's to fix. */
#define CHORUS_CLI_EXIT_INVALID 2

typedef struct _ChorusCliRun ChorusCliRun;

/* Stops @service; it says so (its "finished" signal, its "running"
 * property) and the command then ends the run. */
typedef void     (*ChorusCliStopFunc)   (gpointer service);
/* Prints a report; FALSE once the output could not be written. */
typedef gboolean (*ChorusCliReportFunc) (gpointer      service,
                                         ChorusCliRun *run);

struct _ChorusCliRun
{
  const char *command;
  gboolean json;
  gpointer service;
  ChorusCliStopFunc stop;
  GMainLoop *loop;
  /* The run ended (perhaps before the loop ever ran). */
  gboolean done;
  /* The service failed mid-run. */
  gboolean failed;
  /* Writing to stdout failed, with this errno. */
  int write_errno;
  guint output_watch;
  guint signal_ids[2];
  guint report_id;
  ChorusCliReportFunc report;
};

int  chorus_cli_invalid            (const char   *command,
                                    GError       *error);

void chorus_cli_run_begin          (ChorusCliRun      *run,
                                    const char        *command,
                                    gboolean           json,
                                    gpointer           service,
                                    ChorusCliStopFunc  stop);
void chorus_cli_run_report_every   (ChorusCliRun        *run,
                                    double               seconds,
                                    ChorusCliReportFunc  report);
void chorus_cli_run_loop           (ChorusCliRun *run);
void chorus_cli_run_finish         (ChorusCliRun *run);
void chorus_cli_run_write_failed   (ChorusCliRun *run);
void chorus_cli_run_output_failed  (ChorusCliRun *run);
void chorus_cli_run_on_failed      (gpointer      service,
                                    GError       *error,
                                    ChorusCliRun *run);
void chorus_cli_run_end            (ChorusCliRun *run);
int  chorus_cli_run_output_status  (ChorusCliRun *run);
void chorus_cli_run_clear          (ChorusCliRun *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChorusCliRun, chorus_cli_run_clear)

G_END_DECLS
