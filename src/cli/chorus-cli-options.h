/* chorus-cli-options.h: the options several chorus-cli commands take,
 * each defined once, with one help text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "chorus-address.h"

G_BEGIN_DECLS

/* What -I names. */
typedef enum
{
  CHORUS_CLI_SENDS,   /* the interface to send by */
  CHORUS_CLI_JOINS,   /* the interface to join on */
  CHORUS_CLI_ANSWERS, /* the interface queries must come in on */
} ChorusCliRole;

/* What -c, -i and -w mean. */
typedef enum
{
  /* A few probes (one by default), then the replies. */
  CHORUS_CLI_TIMING_BURST,
  /* Until interrupted (-c 0, the default), each probe's answers apart. */
  CHORUS_CLI_TIMING_STREAM,
} ChorusCliTiming;

/* A command, as its help and its shared options speak of it. */
typedef struct
{
  const char *name;
  /* For g_option_context_new() and g_option_context_set_description(). */
  const char *parameter_string;
  const char *description;
  ChorusCliRole role;
  ChorusCliTiming timing;
  /* What it sends, for the timing options' help: "probe" and "probes". */
  const char *sends;
  const char *sends_plural;
  /* Whose statistics --report prints. */
  const char *reports_on;
  guint16 default_port;
} ChorusCliCommand;

typedef enum
{
  CHORUS_CLI_OPTION_END = 0,
  CHORUS_CLI_OPTION_GROUP,       /* -g ADDR, one group */
  CHORUS_CLI_OPTION_PORT,        /* -p PORT */
  CHORUS_CLI_OPTION_TTL,         /* -t N */
  CHORUS_CLI_OPTION_INTERFACE,   /* -I NAME */
  CHORUS_CLI_OPTION_NO_LOOPBACK, /* --no-loopback */
  CHORUS_CLI_OPTION_COUNT,       /* -c N */
  CHORUS_CLI_OPTION_INTERVAL,    /* -i SECONDS */
  CHORUS_CLI_OPTION_WAIT,        /* -w SECONDS */
  CHORUS_CLI_OPTION_REPORT,      /* -r, --report SECONDS (-r if the command has no -r) */
  CHORUS_CLI_OPTION_EXPECT,      /* --expect N */
  CHORUS_CLI_OPTION_JSON,        /* --json */
} ChorusCliOption;

typedef struct
{
  const ChorusCliCommand *command;

  /* As given; NULL when not. */
  char *group_text;
  char *port_text;
  char *ttl_text;
  char *interface;
  char *count_text;
  char *interval_text;
  char *wait_text;
  char *report_text;
  char *expect_text;
  gboolean no_loopback;
  gboolean json;

  /* Once checked: the values, or the defaults. */
  ChorusGroup *group;
  guint16 port;
  guint8 ttl;
  guint ifindex;
  guint count;
  double interval;
  double wait;
  double report;
  guint expect;

  /*< private >*/
  GArray *entries;
  GPtrArray *texts;
  GOptionContext *context;
} ChorusCliOptions;

ChorusCliOptions *chorus_cli_options_new         (const ChorusCliCommand *command);
void              chorus_cli_options_free        (ChorusCliOptions       *options);
void              chorus_cli_options_add         (ChorusCliOptions       *options,
                                                  ChorusCliOption         first,
                                                  ...);
void              chorus_cli_options_add_entries (ChorusCliOptions       *options,
                                                  const GOptionEntry     *entries);
gboolean          chorus_cli_options_parse       (ChorusCliOptions       *options,
                                                  int                    *argc,
                                                  char                 ***argv,
                                                  GError                **error);
gboolean          chorus_cli_options_check       (ChorusCliOptions       *options,
                                                  GError                **error,
                                                  ChorusCliOption         first,
                                                  ...);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusCliOptions, chorus_cli_options_free)

G_END_DECLS
