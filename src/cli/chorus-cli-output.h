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
void     chorus_json_add_strv     (GString            *line,
                                   const char         *key,
                                   const char * const *values);
void     chorus_json_add_int      (GString    *line,
                                   const char *key,
                                   gint64      value);
void     chorus_json_add_bool     (GString    *line,
                                   const char *key,
                                   gboolean    value);
void     chorus_json_add_null     (GString    *line,
                                   const char *key);
void     chorus_json_add_fixed2   (GString    *line,
                                   const char *key,
                                   double      value);
void     chorus_json_add_ms       (GString    *line,
                                   const char *key,
                                   gint64      usec);
void     chorus_json_add_optional_ms (GString    *line,
                                      const char *key,
                                      gboolean    known,
                                      gint64      usec);
void     chorus_json_add_payload  (GString    *line,
                                   GBytes     *payload);
void     chorus_json_add_payload_data (GString      *line,
                                       const guint8 *data,
                                       gsize         size);
gboolean chorus_json_append_text  (GString      *line,
                                   const guint8 *data,
                                   gsize         size,
                                   gboolean      strict);
/* @object, begun with chorus_json_object_begin() and filled with the
 * calls above, as the value of @key; frees @object. */
GString *chorus_json_object_begin (void);
void     chorus_json_add_object   (GString    *line,
                                   const char *key,
                                   GString    *object);
/* Each object of @objects (GString, from chorus_json_object_begin()),
 * in an array; frees them and empties @objects. */
void     chorus_json_add_objects  (GString    *line,
                                   const char *key,
                                   GPtrArray  *objects);
/* Both return FALSE once stdout is gone (a closed pipe, a full disk).
 * Lines wait in a buffer; chorus_cli_output_watch() writes them out once
 * per main loop iteration, chorus_cli_flush() at once. */
gboolean chorus_json_print        (GString    *line);

gboolean chorus_cli_print         (const char *format,
                                   ...) G_GNUC_PRINTF (1, 2);
void     chorus_cli_append_time   (GString    *line,
                                   gint64      realtime_usec);
void     chorus_cli_append_number (GString    *line,
                                   guint64     value);
void     chorus_cli_append_ms     (GString    *line,
                                   gint64      usec);
GString *chorus_cli_line_new      (void);
gboolean chorus_cli_print_line    (GString    *line);
gboolean chorus_cli_flush         (void);
guint    chorus_cli_output_watch  (GSourceFunc on_error,
                                   gpointer    user_data);

G_END_DECLS
