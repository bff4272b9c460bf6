/* chorus-cli-run.c: the main loop, signals and output errors of a
 * chorus-cli command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <errno.h>
#include <signal.h>

#include "chorus-cli-output.h"
#include "chorus-cli-run.h"

int
chorus_cli_invalid (const char *command,
                    GError     *error)
{
  g_printerr ("chorus-cli %s: %s\n", command, error->message);
  g_printerr ("Try “chorus-cli %s --help”.\n", command);
  return CHORUS_CLI_EXIT_INVALID;
}

static gboolean
on_output_error (gpointer user_data)
{
  ChorusCliRun *run = user_data;

  run->output_watch = 0;
  chorus_cli_run_output_failed (run);

  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_signal (gpointer user_data)
{
  ChorusCliRun *run = user_data;

  run->stop (run->service);

  return G_SOURCE_CONTINUE;
}

/* Output goes out once per burst (see chorus_cli_output_watch()); the
 * signals are watched from here on, before the service starts, as
 * whoever reads its first line may signal us at once. */
void
chorus_cli_run_begin (ChorusCliRun      *run,
                      const char        *command,
                      gboolean           json,
                      gpointer           service,
                      ChorusCliStopFunc  stop)
{
  run->command = command;
  run->json = json;
  run->service = service;
  run->stop = stop;
  run->loop = g_main_loop_new (NULL, FALSE);
  run->output_watch = chorus_cli_output_watch (on_output_error, run);
  run->signal_ids[0] = g_unix_signal_add (SIGINT, on_stop_signal, run);
  run->signal_ids[1] = g_unix_signal_add (SIGTERM, on_stop_signal, run);
}

static gboolean
on_report (gpointer user_data)
{
  ChorusCliRun *run = user_data;

  if (run->write_errno == 0 && !run->report (run->service, run))
    chorus_cli_run_output_failed (run);

  return G_SOURCE_CONTINUE;
}

/* Every @seconds while the loop runs; never when @seconds is 0. */
void
chorus_cli_run_report_every (ChorusCliRun        *run,
                             double               seconds,
                             ChorusCliReportFunc  report)
{
  run->report = report;
  if (seconds > 0)
    run->report_id = g_timeout_add ((guint) (seconds * 1000 + 0.5), on_report, run);
}

/* Runs the loop unless the run already ended: a quit before
 * g_main_loop_run() would be forgotten and the loop would run forever. */
void
chorus_cli_run_loop (ChorusCliRun *run)
{
  if (!run->done)
    g_main_loop_run (run->loop);
}

void
chorus_cli_run_finish (ChorusCliRun *run)
{
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

/* Remembers why the output could not be written, the first time. */
void
chorus_cli_run_write_failed (ChorusCliRun *run)
{
  if (run->write_errno == 0)
    run->write_errno = errno != 0 ? errno : EIO;
}

/* Printing failed: nobody reads us any more (a closed pipe, a full disk).
 * Remember why and stop rather than go on answering into the void. */
void
chorus_cli_run_output_failed (ChorusCliRun *run)
{
  chorus_cli_run_write_failed (run);
  run->stop (run->service);
}

/* A service's "failed" signal: the network refused mid-run. */
void
chorus_cli_run_on_failed (gpointer      service,
                          GError       *error,
                          ChorusCliRun *run)
{
  run->failed = TRUE;
  g_printerr ("chorus-cli %s: %s\n", run->command, error->message);
}

/* Once the loop is over: no more reports, signals are ours again. */
void
chorus_cli_run_end (ChorusCliRun *run)
{
  g_clear_handle_id (&run->report_id, g_source_remove);
  g_clear_handle_id (&run->signal_ids[0], g_source_remove);
  g_clear_handle_id (&run->signal_ids[1], g_source_remove);
}

/* The exit status after the last line, for the write error case; -1
 * when output went well. */
int
chorus_cli_run_output_status (ChorusCliRun *run)
{
  g_clear_handle_id (&run->output_watch, g_source_remove);

  /* What is still in the buffer, the summary for one. */
  if (run->write_errno == 0 && !chorus_cli_flush ())
    chorus_cli_run_write_failed (run);

  if (run->write_errno == 0)
    return -1;

  g_printerr ("chorus-cli %s: could not write the output: %s\n", run->command,
              g_strerror (run->write_errno));
  return 1;
}

/* Also what a command that could not start its service calls: nothing is
 * flushed. */
void
chorus_cli_run_clear (ChorusCliRun *run)
{
  chorus_cli_run_end (run);
  g_clear_handle_id (&run->output_watch, g_source_remove);
  g_clear_pointer (&run->loop, g_main_loop_unref);
}
