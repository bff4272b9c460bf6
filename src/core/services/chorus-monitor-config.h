/* chorus-monitor-config.h: what chorus-cli monitor checks, read from a
 * key file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One section a check, "[KIND NAME]", with the keys and ranges of the
 * command-line options of the same name. Reading is pure (no sockets):
 * every problem is reported with its line, all of them at once.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Series one check keeps by default: responders past it share one. */
#define CHORUS_MONITOR_DEFAULT_MAX_SERIES 1000
#define CHORUS_MONITOR_MAX_SERIES_LIMIT   100000

typedef enum
{
  CHORUS_CHECK_PROBE,     /* [probe NAME]: rounds of Chorus probes to a group */
  CHORUS_CHECK_PING,      /* [ping NAME]: rounds of multicast ping queries to a server */
  CHORUS_CHECK_RESPONDER, /* [responder NAME]: a receiver that answers probes */
  CHORUS_CHECK_WATCH,     /* [watch NAME]: not in this version */
  CHORUS_CHECK_QUERIER,   /* [querier NAME]: not in this version */
} ChorusCheckKind;

typedef struct
{
  ChorusCheckKind kind;
  char *name;
  guint line;           /* of its [section] */

  /* probe, ping and responder */
  char *group;          /* as written; NULL: the kind's default */
  guint16 port;
  char *interface;      /* NULL: as routed */
  /* probe and ping: a round is count probes, interval apart, then wait */
  guint count;
  double interval;
  double wait;
  /* probe */
  double spread;
  guint8 ttl;
  guint max_series;
  /* ping */
  char *server;
  int protocol;         /* a ChorusMpingProtocol */
  /* responder: the name its answers carry (NULL: the host name) */
  char *reply_name;
} ChorusMonitorCheck;

typedef struct
{
  GPtrArray *checks;    /* ChorusMonitorCheck, in the file's order */
} ChorusMonitorConfig;

/* A problem and where: line 0 for the file as a whole. */
typedef struct
{
  guint line;
  char *message;
} ChorusConfigProblem;

/* Where each section and key of a key file is, which GKeyFile does not
 * say, and the lines that are neither. */
typedef struct _ChorusKeyFileLines ChorusKeyFileLines;

ChorusKeyFileLines  *chorus_key_file_lines_scan     (const char          *text,
                                                     gsize                length);
void                 chorus_key_file_lines_free     (ChorusKeyFileLines  *lines);
/* 0 when not found. */
guint                chorus_key_file_lines_group    (ChorusKeyFileLines  *lines,
                                                     const char          *group);
guint                chorus_key_file_lines_key      (ChorusKeyFileLines  *lines,
                                                     const char          *group,
                                                     const char          *key);
/* ChorusConfigProblem: lines that are no key file (no "=", a bad
 * section header), a section or key given twice. */
GPtrArray           *chorus_key_file_lines_problems (ChorusKeyFileLines  *lines);

const char          *chorus_check_kind_to_string    (ChorusCheckKind      kind);

/* NULL when anything is wrong: then *problems holds every problem (and
 * error says how many, with the first). */
ChorusMonitorConfig *chorus_monitor_config_parse    (const char          *text,
                                                     gsize                length,
                                                     GPtrArray          **problems,
                                                     GError             **error);
ChorusMonitorConfig *chorus_monitor_config_load     (const char          *path,
                                                     GPtrArray          **problems,
                                                     GError             **error);
void                 chorus_monitor_config_free     (ChorusMonitorConfig *config);
const ChorusMonitorCheck *chorus_monitor_config_find (ChorusMonitorConfig *config,
                                                      const char          *name);
ChorusMonitorCheck  *chorus_monitor_check_copy      (const ChorusMonitorCheck *check);
void                 chorus_monitor_check_free      (ChorusMonitorCheck  *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusKeyFileLines, chorus_key_file_lines_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusMonitorConfig, chorus_monitor_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusMonitorCheck, chorus_monitor_check_free)

G_END_DECLS
