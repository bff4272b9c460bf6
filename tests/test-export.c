/* test-export.c: responders and answers saved as CSV and JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "chorus-ack-private.h"
#include "chorus-export.h"
#include "chorus-responder-private.h"

#define RESPONDERS_HEADER                                                                          \
  "address,name,tagged,sent,received,lost,loss_pct,loss_since_first_pct,duplicates,reordered,"     \
  "late,rtt_min_ms,rtt_avg_ms,rtt_max_ms,rtt_mdev_ms,jitter_ms,hops,hops_estimated,first_seq,"     \
  "join_ms,silent\r\n"

#define ACKS_HEADER                                                                                \
  "from,port,seq,tagged,verdict,rtt_ms,hops,hops_estimated,delay_ms,name,ttl,text\r\n"

#define RUN_START 1000000

/* Heard probes 1 and 2 in time (1 ms and 3 ms), 2 twice, 3 only after
 * its wait: 3 sent, 2 received, 1 lost, 1 duplicate, 1 late. */
static ChorusResponder *
make_busy_responder (void)
{
  ChorusResponder *responder = _chorus_responder_new ("192.0.2.1", TRUE, 0, 0, 1);

  g_assert_cmpint (_chorus_responder_answer (responder, 1, 1, 1000, RUN_START + 1000, RUN_START),
                   ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (_chorus_responder_answer (responder, 2, 2, 3000, RUN_START + 103000, RUN_START),
                   ==, CHORUS_ANSWER_RECEIVED);
  g_assert_cmpint (_chorus_responder_answer (responder, 2, 2, 3500, RUN_START + 103500, RUN_START),
                   ==, CHORUS_ANSWER_DUPLICATE);
  for (guint32 seq = 1; seq <= 3; seq++)
    _chorus_responder_settle (responder, seq);
  g_assert_cmpint (_chorus_responder_answer (responder, 3, 3, 900000, RUN_START + 1100000,
                                             RUN_START),
                   ==, CHORUS_ANSWER_LATE);
  _chorus_responder_set_hops (responder, 2, FALSE);
  _chorus_responder_set_name (responder, "alpha", 5);

  return responder;
}

/* Never heard during the three probes it was counted for. */
static ChorusResponder *
make_silent_responder (void)
{
  ChorusResponder *responder = _chorus_responder_new ("2001:db8::7", FALSE, 1, 3, 1);

  _chorus_responder_set_silent (responder, TRUE);

  return responder;
}

static GListModel *
make_model (GType    item_type,
            gpointer first,
            ...)
{
  GListStore *store = g_list_store_new (item_type);
  va_list args;

  va_start (args, first);
  for (gpointer item = first; item != NULL; item = va_arg (args, gpointer))
    {
      g_list_store_append (store, item);
      g_object_unref (item);
    }
  va_end (args);

  return G_LIST_MODEL (store);
}

static ChorusAck *
make_ack (const char *address,
          guint16     port,
          const char *payload,
          gsize       size,
          guint       probe,
          gint64      rtt_usec,
          int         ttl)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (inet, port);
  g_autoptr(GBytes) bytes = g_bytes_new (payload, size);

  return chorus_ack_new (G_INET_SOCKET_ADDRESS (from), bytes, probe, rtt_usec, 0, ttl);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize size;
  const char *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &size);
  /* Text: no NUL inside, and UTF-8 throughout. */
  g_assert_null (memchr (data, '\0', size));
  g_assert_true (g_utf8_validate (data, size, NULL));

  return g_strndup (data, size);
}

static char *
export_responders (GListModel         *model,
                   ChorusExportFormat  format)
{
  g_autoptr(GBytes) bytes = chorus_export_responders (model, format);

  return bytes_to_string (bytes);
}

static char *
export_acks (GListModel         *model,
             ChorusExportFormat  format)
{
  g_autoptr(GBytes) bytes = chorus_export_acks (model, format);

  return bytes_to_string (bytes);
}

/* Parses @text, which must be a JSON array of @n_items objects. */
static JsonArray *
parse_array (const char *text,
             guint       n_items)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *array;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, n_items);
  for (guint i = 0; i < n_items; i++)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)));

  return json_array_ref (array);
}

static void
assert_null_member (JsonObject *object,
                    const char *key)
{
  g_assert_true (json_object_has_member (object, key));
  g_assert_true (json_object_get_null_member (object, key));
}

static void
test_responders_csv (void)
{
  g_autoptr(GListModel) model = make_model (CHORUS_TYPE_RESPONDER, make_busy_responder (),
                                            make_silent_responder (), NULL);
  g_autofree char *csv = export_responders (model, CHORUS_EXPORT_CSV);

  g_assert_cmpstr (csv, ==,
                   RESPONDERS_HEADER
                   "192.0.2.1,alpha,true,3,2,1,33.33,33.33,1,0,1,"
                   "1.000,2.000,3.000,1.000,0.125,2,false,1,1.000,false\r\n"
                   "2001:db8::7,,false,3,0,3,100.00,,0,0,0,,,,,,,false,,,true\r\n");
}

static void
test_responders_json (void)
{
  g_autoptr(GListModel) model = make_model (CHORUS_TYPE_RESPONDER, make_busy_responder (),
                                            make_silent_responder (), NULL);
  g_autofree char *json = export_responders (model, CHORUS_EXPORT_JSON);
  g_autoptr(JsonArray) array = NULL;
  JsonObject *busy;
  JsonObject *silent;

  g_assert_cmpstr (json, ==,
                   "[\n"
                   "  {\"address\":\"192.0.2.1\",\"name\":\"alpha\",\"tagged\":true,"
                   "\"sent\":3,\"received\":2,\"lost\":1,"
                   "\"loss_pct\":33.33,\"loss_since_first_pct\":33.33,"
                   "\"duplicates\":1,\"reordered\":0,\"late\":1,"
                   "\"rtt_min_ms\":1.000,\"rtt_avg_ms\":2.000,\"rtt_max_ms\":3.000,"
                   "\"rtt_mdev_ms\":1.000,\"jitter_ms\":0.125,"
                   "\"hops\":2,\"hops_estimated\":false,\"first_seq\":1,\"join_ms\":1.000,"
                   "\"silent\":false},\n"
                   "  {\"address\":\"2001:db8::7\",\"name\":null,\"tagged\":false,"
                   "\"sent\":3,\"received\":0,\"lost\":3,"
                   "\"loss_pct\":100.00,\"loss_since_first_pct\":null,"
                   "\"duplicates\":0,\"reordered\":0,\"late\":0,"
                   "\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null,"
                   "\"rtt_mdev_ms\":null,\"jitter_ms\":null,"
                   "\"hops\":null,\"hops_estimated\":false,\"first_seq\":null,\"join_ms\":null,"
                   "\"silent\":true}\n"
                   "]\n");

  array = parse_array (json, 2);

  busy = json_array_get_object_element (array, 0);
  g_assert_cmpuint (json_object_get_size (busy), ==, 21);
  g_assert_cmpstr (json_object_get_string_member (busy, "address"), ==, "192.0.2.1");
  g_assert_cmpstr (json_object_get_string_member (busy, "name"), ==, "alpha");
  g_assert_true (json_object_get_boolean_member (busy, "tagged"));
  g_assert_cmpint (json_object_get_int_member (busy, "sent"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (busy, "received"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (busy, "lost"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (busy, "loss_pct"), 33.33, 1e-9);
  g_assert_cmpint (json_object_get_int_member (busy, "duplicates"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (busy, "late"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (busy, "rtt_avg_ms"), 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (busy, "jitter_ms"), 0.125, 1e-9);
  g_assert_cmpint (json_object_get_int_member (busy, "hops"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (busy, "first_seq"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (busy, "join_ms"), 1.0, 1e-9);
  g_assert_false (json_object_get_boolean_member (busy, "silent"));

  silent = json_array_get_object_element (array, 1);
  g_assert_cmpuint (json_object_get_size (silent), ==, 21);
  g_assert_cmpstr (json_object_get_string_member (silent, "address"), ==, "2001:db8::7");
  assert_null_member (silent, "name");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (silent, "loss_pct"), 100.0, 1e-9);
  assert_null_member (silent, "loss_since_first_pct");
  assert_null_member (silent, "rtt_min_ms");
  assert_null_member (silent, "jitter_ms");
  assert_null_member (silent, "hops");
  assert_null_member (silent, "first_seq");
  assert_null_member (silent, "join_ms");
  g_assert_true (json_object_get_boolean_member (silent, "silent"));
}

static void
test_acks (void)
{
  g_autoptr(GListModel) model =
    make_model (CHORUS_TYPE_ACK, make_ack ("192.0.2.1", 4321, "hello", 5, 7, 1500, 62),
                make_ack ("2001:db8::7", 232, "a\"b\n", 4, 8, 250, -1), NULL);
  g_autofree char *csv = export_acks (model, CHORUS_EXPORT_CSV);
  g_autofree char *json = export_acks (model, CHORUS_EXPORT_JSON);
  g_autoptr(JsonArray) array = NULL;
  JsonObject *first;
  JsonObject *second;

  /* What an answer built from its bytes alone knows: not tagged, no
   * hops, hold or name. */
  g_assert_cmpstr (csv, ==,
                   ACKS_HEADER
                   "192.0.2.1,4321,7,false,received,1.500,,false,,,62,hello\r\n"
                   "2001:db8::7,232,8,false,received,0.250,,false,,,,\"a\\\"\"b\\n\"\r\n");
  g_assert_cmpstr (json, ==,
                   "[\n"
                   "  {\"from\":\"192.0.2.1\",\"port\":4321,\"seq\":7,\"tagged\":false,"
                   "\"verdict\":\"received\",\"rtt_ms\":1.500,\"hops\":null,"
                   "\"hops_estimated\":false,\"delay_ms\":null,\"name\":null,\"ttl\":62,"
                   "\"text\":\"hello\"},\n"
                   "  {\"from\":\"2001:db8::7\",\"port\":232,\"seq\":8,\"tagged\":false,"
                   "\"verdict\":\"received\",\"rtt_ms\":0.250,\"hops\":null,"
                   "\"hops_estimated\":false,\"delay_ms\":null,\"name\":null,\"ttl\":null,"
                   "\"text\":\"a\\\\\\\"b\\\\n\"}\n"
                   "]\n");

  array = parse_array (json, 2);

  first = json_array_get_object_element (array, 0);
  g_assert_cmpuint (json_object_get_size (first), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (first, "from"), ==, "192.0.2.1");
  g_assert_cmpint (json_object_get_int_member (first, "port"), ==, 4321);
  g_assert_cmpint (json_object_get_int_member (first, "seq"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (first, "verdict"), ==, "received");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (first, "rtt_ms"), 1.5, 1e-9);
  assert_null_member (first, "hops");
  g_assert_cmpint (json_object_get_int_member (first, "ttl"), ==, 62);
  g_assert_cmpstr (json_object_get_string_member (first, "text"), ==, "hello");

  /* The text is the payload as chorus_ack_get_text() shows it. */
  second = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (second, "text"), ==, "a\\\"b\\n");
  assert_null_member (second, "ttl");
}

/* A Chorus answer: it names its probe and its responder, and says how
 * long it was held. Its payload is binary: its text is the name. */
static void
test_tagged_acks (void)
{
  ChorusAck *received = make_ack ("192.0.2.1", 4321, "hello", 5, 7, 1500, 62);
  ChorusAck *duplicate = make_ack ("192.0.2.1", 4321, "hello", 5, 7, 1750, 62);
  ChorusAck *late = make_ack ("192.0.2.1", 4321, "hello", 5, 3, 2000250, 60);
  g_autoptr(GListModel) model = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonArray) array = NULL;
  JsonObject *first;

  _chorus_ack_set_answer (received, TRUE, 2, FALSE, 125, "al,pha", 6, CHORUS_ANSWER_RECEIVED);
  _chorus_ack_set_answer (duplicate, TRUE, 2, FALSE, 0, "al,pha", 6, CHORUS_ANSWER_DUPLICATE);
  _chorus_ack_set_answer (late, TRUE, 4, TRUE, 1000000, "=x", 2, CHORUS_ANSWER_LATE);
  model = make_model (CHORUS_TYPE_ACK, received, duplicate, late, NULL);
  csv = export_acks (model, CHORUS_EXPORT_CSV);
  json = export_acks (model, CHORUS_EXPORT_JSON);

  g_assert_cmpstr (csv, ==,
                   ACKS_HEADER
                   "192.0.2.1,4321,7,true,received,1.500,2,false,0.125,\"al,pha\",62,\"al,pha\"\r\n"
                   "192.0.2.1,4321,7,true,duplicate,1.750,2,false,0.000,\"al,pha\",62,\"al,pha\"\r\n"
                   "192.0.2.1,4321,3,true,late,2000.250,4,true,1000.000,'=x,60,'=x\r\n");
  g_assert_cmpstr (json, ==,
                   "[\n"
                   "  {\"from\":\"192.0.2.1\",\"port\":4321,\"seq\":7,\"tagged\":true,"
                   "\"verdict\":\"received\",\"rtt_ms\":1.500,\"hops\":2,"
                   "\"hops_estimated\":false,\"delay_ms\":0.125,\"name\":\"al,pha\",\"ttl\":62,"
                   "\"text\":\"al,pha\"},\n"
                   "  {\"from\":\"192.0.2.1\",\"port\":4321,\"seq\":7,\"tagged\":true,"
                   "\"verdict\":\"duplicate\",\"rtt_ms\":1.750,\"hops\":2,"
                   "\"hops_estimated\":false,\"delay_ms\":0.000,\"name\":\"al,pha\",\"ttl\":62,"
                   "\"text\":\"al,pha\"},\n"
                   "  {\"from\":\"192.0.2.1\",\"port\":4321,\"seq\":3,\"tagged\":true,"
                   "\"verdict\":\"late\",\"rtt_ms\":2000.250,\"hops\":4,"
                   "\"hops_estimated\":true,\"delay_ms\":1000.000,\"name\":\"=x\",\"ttl\":60,"
                   "\"text\":\"=x\"}\n"
                   "]\n");

  array = parse_array (json, 3);
  first = json_array_get_object_element (array, 0);
  g_assert_true (json_object_get_boolean_member (first, "tagged"));
  g_assert_cmpint (json_object_get_int_member (first, "hops"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (first, "delay_ms"), 0.125, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "al,pha");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                  "verdict"),
                   ==, "duplicate");
  /* The name is exported as is in JSON: no spreadsheet reads it. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2),
                                                  "name"),
                   ==, "=x");
}

static void
test_csv_escaping (void)
{
  static const struct
  {
    const char *name;
    const char *field;
  } cases[] = {
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    /* The name is escaped before it reaches the export: `\"` */
    { "say \"hi\"", "\"say \\\"\"hi\\\"\"\"" },
    /* Formulas are kept from running... */
    { "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\\\"\"x\\\"\")\"" },
    { "=1+1", "'=1+1" },
    { "+1", "'+1" },
    { "-1", "'-1" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "=1,2", "\"'=1,2\"" },
    /* ...but only at the start. */
    { "a=b", "a=b" },
    { "1-2", "1-2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ChorusResponder *responder = _chorus_responder_new ("192.0.2.9", TRUE, 0, 0, 1);
      g_autoptr(GListModel) model = NULL;
      g_autofree char *csv = NULL;
      g_autofree char *expected = NULL;

      _chorus_responder_set_name (responder, cases[i].name, strlen (cases[i].name));
      model = make_model (CHORUS_TYPE_RESPONDER, responder, NULL);
      csv = export_responders (model, CHORUS_EXPORT_CSV);
      expected = g_strconcat (RESPONDERS_HEADER "192.0.2.9,", cases[i].field,
                              ",true,0,0,0,,,0,0,0,,,,,,,false,,,false\r\n", NULL);
      g_assert_cmpstr (csv, ==, expected);
    }
}

/* Addresses are not escaped on their way in, so they carry the raw
 * characters that the CSV and JSON writers themselves must handle. */
static void
test_raw_characters (void)
{
  static const struct
  {
    const char *address;
    const char *csv;
    const char *json;
  } cases[] = {
    { "a\nb", "\"a\nb\"", "\"a\\u000ab\"" },
    { "a\r\nb", "\"a\r\nb\"", "\"a\\u000d\\u000ab\"" },
    { "\tx", "'\tx", "\"\\u0009x\"" },
    { "\rx", "\"'\rx\"", "\"\\u000dx\"" },
    { "q\"b\\s", "\"q\"\"b\\s\"", "\"q\\\"b\\\\s\"" },
    { "\x01\x1f\x7f", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
    { "h\xc3\xa9", "h\xc3\xa9", "\"h\xc3\xa9\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GListModel) model =
        make_model (CHORUS_TYPE_RESPONDER,
                    _chorus_responder_new (cases[i].address, FALSE, 0, 0, 1), NULL);
      g_autofree char *csv = export_responders (model, CHORUS_EXPORT_CSV);
      g_autofree char *json = export_responders (model, CHORUS_EXPORT_JSON);
      g_autofree char *expected_csv = NULL;
      g_autofree char *expected_json = NULL;
      g_autoptr(JsonArray) array = NULL;

      expected_csv = g_strconcat (RESPONDERS_HEADER, cases[i].csv,
                                  ",,false,0,0,0,,,0,0,0,,,,,,,false,,,false\r\n", NULL);
      g_assert_cmpstr (csv, ==, expected_csv);

      expected_json = g_strconcat ("[\n  {\"address\":", cases[i].json, ",", NULL);
      g_assert_true (g_str_has_prefix (json, expected_json));
      array = parse_array (json, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                      "address"),
                       ==, cases[i].address);
    }
}

static void
test_ack_text_formula (void)
{
  g_autoptr(GListModel) model =
    make_model (CHORUS_TYPE_ACK, make_ack ("192.0.2.1", 4321, "=1+2,3", 6, 1, 1000, 64),
                make_ack ("192.0.2.1", 4321, "-", 1, 2, 1000, 64), NULL);
  g_autofree char *csv = export_acks (model, CHORUS_EXPORT_CSV);

  g_assert_cmpstr (csv, ==,
                   ACKS_HEADER
                   "192.0.2.1,4321,1,false,received,1.000,,false,,,64,\"'=1+2,3\"\r\n"
                   "192.0.2.1,4321,2,false,received,1.000,,false,,,64,'-\r\n");
}

static void
test_empty (void)
{
  g_autoptr(GListModel) responders = G_LIST_MODEL (g_list_store_new (CHORUS_TYPE_RESPONDER));
  g_autoptr(GListModel) acks = G_LIST_MODEL (g_list_store_new (CHORUS_TYPE_ACK));
  g_autofree char *responders_csv = export_responders (responders, CHORUS_EXPORT_CSV);
  g_autofree char *responders_json = export_responders (responders, CHORUS_EXPORT_JSON);
  g_autofree char *acks_csv = export_acks (acks, CHORUS_EXPORT_CSV);
  g_autofree char *acks_json = export_acks (acks, CHORUS_EXPORT_JSON);
  g_autoptr(JsonArray) array = NULL;

  g_assert_cmpstr (responders_csv, ==, RESPONDERS_HEADER);
  g_assert_cmpstr (acks_csv, ==, ACKS_HEADER);
  g_assert_cmpstr (responders_json, ==, "[]\n");
  g_assert_cmpstr (acks_json, ==, "[]\n");

  array = parse_array (responders_json, 0);
}

static void
test_wrong_items (void)
{
  g_autoptr(GListModel) model = make_model (G_TYPE_OBJECT, make_silent_responder (),
                                            g_object_new (G_TYPE_OBJECT, NULL), NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*item 1 is not a ChorusResponder*");
  bytes = chorus_export_responders (model, CHORUS_EXPORT_CSV);
  g_test_assert_expected_messages ();
  g_assert_null (bytes);

  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*item 0 is not a ChorusAck*");
  bytes = chorus_export_acks (model, CHORUS_EXPORT_JSON);
  g_test_assert_expected_messages ();
  g_assert_null (bytes);
}

static void
remove_tree (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
}

/* Switches LC_NUMERIC to a locale whose decimal point is a comma. Debian
 * ships few locales compiled; without fr_FR, one is compiled into a
 * private directory with localedef (from the locales package).
 *
 * Returns: the directory to remove afterwards, "" if none, or %NULL if
 *   no such locale could be had */
static char *
use_decimal_comma (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  const char *argv[] = { "localedef", "-i", "fr_FR", "-f", "UTF-8", NULL, NULL };

  if (setlocale (LC_NUMERIC, "fr_FR.UTF-8") != NULL)
    return g_strdup ("");

  dir = g_dir_make_tmp ("test-export-XXXXXX", NULL);
  if (dir == NULL)
    return NULL;

  target = g_build_filename (dir, "fr_FR.UTF-8", NULL);
  argv[5] = target;
  /* localedef may warn and exit non-zero yet write a usable locale. */
  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
  g_setenv ("LOCPATH", dir, TRUE);

  if (setlocale (LC_NUMERIC, "fr_FR.UTF-8") == NULL)
    {
      g_unsetenv ("LOCPATH");
      remove_tree (dir);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

static void
test_decimal_comma_locale (void)
{
  g_autoptr(GListModel) responders = make_model (CHORUS_TYPE_RESPONDER, make_busy_responder (),
                                                 NULL);
  g_autoptr(GListModel) acks =
    make_model (CHORUS_TYPE_ACK, make_ack ("192.0.2.1", 4321, "hello", 5, 7, 1500, 62), NULL);
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *c_csv = export_responders (responders, CHORUS_EXPORT_CSV);
  g_autofree char *c_json = export_responders (responders, CHORUS_EXPORT_JSON);
  g_autofree char *c_acks = export_acks (acks, CHORUS_EXPORT_CSV);
  g_autofree char *dir = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autofree char *acks_csv = NULL;
  g_autofree char *probe = NULL;

  dir = use_decimal_comma ();
  if (dir == NULL)
    {
      g_test_skip ("no locale with a decimal comma (fr_FR.UTF-8), and localedef could not make one");
      return;
    }

  /* The locale is in force: printf would write a comma. */
  probe = g_strdup_printf ("%.2f", 1.5);
  g_assert_cmpstr (probe, ==, "1,50");

  csv = export_responders (responders, CHORUS_EXPORT_CSV);
  json = export_responders (responders, CHORUS_EXPORT_JSON);
  acks_csv = export_acks (acks, CHORUS_EXPORT_CSV);

  setlocale (LC_NUMERIC, saved);
  if (*dir != '\0')
    {
      g_unsetenv ("LOCPATH");
      remove_tree (dir);
    }

  g_assert_cmpstr (csv, ==, c_csv);
  g_assert_cmpstr (json, ==, c_json);
  g_assert_cmpstr (acks_csv, ==, c_acks);
  g_assert_nonnull (strstr (csv, ",33.33,33.33,"));
  g_assert_nonnull (strstr (acks_csv, ",1.500,"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/responders/csv", test_responders_csv);
  g_test_add_func ("/export/responders/json", test_responders_json);
  g_test_add_func ("/export/acks", test_acks);
  g_test_add_func ("/export/tagged-acks", test_tagged_acks);
  g_test_add_func ("/export/csv-escaping", test_csv_escaping);
  g_test_add_func ("/export/raw-characters", test_raw_characters);
  g_test_add_func ("/export/ack-text-formula", test_ack_text_formula);
  g_test_add_func ("/export/empty", test_empty);
  g_test_add_func ("/export/wrong-items", test_wrong_items);
  g_test_add_func ("/export/decimal-comma-locale", test_decimal_comma_locale);

  return g_test_run ();
}
