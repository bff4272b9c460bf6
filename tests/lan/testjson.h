/* testjson.h: reading the JSON Lines that `chorus-cli --json` prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Parses every line as one JSON object. Returns an array of JsonObject,
 * or NULL with error naming the first line that is not an object. */
GPtrArray      *chorus_test_json_parse_lines (GPtrArray   *lines,
                                              GError     **error);
/* The objects whose "event" member is event (borrowed from objects). */
GPtrArray      *chorus_test_json_filter      (GPtrArray   *objects,
                                              const char  *event);
/* NULL when absent or not a string. */
const char     *chorus_test_json_get_string  (JsonObject  *object,
                                              const char  *member);
/* fallback when absent or not a number. */
gint64          chorus_test_json_get_int     (JsonObject  *object,
                                              const char  *member,
                                              gint64       fallback);

G_END_DECLS
