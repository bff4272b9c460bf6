/* chorus-cli-output.h: how chorus-cli prints events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One JSON object on one line. Keys are ASCII literals from our code;
 * values are escaped here. */
GString *chorus_json_begin        (const char *event);
void     chorus_json_add_string   (GString    *line,
                                   const char *key,
                                   const char *value);
void     chorus_json_add_int      (GString    *line,
                                   const char *key,
                                   gint64      value);
void     chorus_json_add_ms       (GString    *line,
                                   const char *key,
                                   gint64      usec);
void     chorus_json_add_payload  (GString    *line,
                                   GBytes     *payload);
/* Both return FALSE once stdout is gone (a closed pipe, a full disk).
 * Lines wait in a buffer; chorus_cli_output_watch() writes them out once
 * per main loop iteration, chorus_cli_flush() at once. */
gboolean chorus_json_print        (GString    *line);

gboolean chorus_cli_print         (const char *format,
                                   ...) G_GNUC_PRINTF (1, 2);
char    *chorus_cli_format_time   (gint64      realtime_usec);
gboolean chorus_cli_flush         (void);
guint    chorus_cli_output_watch  (GSourceFunc on_error,
                                   gpointer    user_data);

G_END_DECLS
