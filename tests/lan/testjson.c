/* testjson.c: reading the JSON Lines that `chorus-cli --json` prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "testjson.h"

GPtrArray *
chorus_test_json_parse_lines (GPtrArray  *lines,
                              GError    **error)
{
  g_autoptr (GPtrArray) objects =
    g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (lines != NULL, NULL);

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      JsonNode   *root;

      if (!json_parser_load_from_data (parser, line, -1, error))
        {
          g_prefix_error (error, "line %u “%s”: ", i + 1, line);
          return NULL;
        }
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       "line %u “%s”: not a JSON object", i + 1, line);
          return NULL;
        }
      g_ptr_array_add (objects, json_object_ref (json_node_get_object (root)));
    }

  return g_steal_pointer (&objects);
}

GPtrArray *
chorus_test_json_filter (GPtrArray  *objects,
                         const char *event)
{
  GPtrArray *matching = g_ptr_array_new ();

  g_return_val_if_fail (objects != NULL, NULL);

  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *object = g_ptr_array_index (objects, i);

      if (g_strcmp0 (chorus_test_json_get_string (object, "event"), event) == 0)
        g_ptr_array_add (matching, object);
    }

  return matching;
}

const char *
chorus_test_json_get_string (JsonObject *object,
                             const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
chorus_test_json_get_int (JsonObject *object,
                          const char *member,
                          gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}
