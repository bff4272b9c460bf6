/* chorus-monitor-config.c: what chorus-cli monitor checks, read from a
 * key file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-monitor-config.h"
#include "chorus-mping-client.h"

/* Scanning: where GKeyFile found what it found. */

struct _ChorusKeyFileLines
{
  GHashTable *lines; /* "group" or "group\x01key" -> line */
  GPtrArray *problems;
};

static void
problem_free (gpointer data)
{
  ChorusConfigProblem *problem = data;

  g_free (problem->message);
  g_free (problem);
}

static void
add_problem (GPtrArray  *problems,
             guint       line,
             const char *message)
{
  ChorusConfigProblem *problem = g_new0 (ChorusConfigProblem, 1);

  problem->line = line;
  problem->message = g_strdup (message);
  g_ptr_array_add (problems, problem);
}

static char *
key_of (const char *group,
        const char *key)
{
  return key ? g_strconcat (group, "\x01", key, NULL) : g_strdup (group);
}

/* The key file syntax as GKeyFile reads it: blank lines and # comments,
 * [group] headers, and key=value lines, spaces around the key ignored. */
ChorusKeyFileLines *
chorus_key_file_lines_scan (const char *text,
                            gsize       length)
{
  ChorusKeyFileLines *lines = g_new0 (ChorusKeyFileLines, 1);
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) split = g_strsplit (copy, "\n", -1);
  g_autofree char *group = NULL;
  /* Under a section already refused: its keys would only repeat that. */
  gboolean skipping = FALSE;

  lines->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines->problems = g_ptr_array_new_with_free_func (problem_free);

  for (guint i = 0; split[i] != NULL; i++)
    {
      guint line = i + 1;
      char *p = split[i];
      char *end;
      g_autofree char *id = NULL;

      g_strchug (p);
      end = p + strlen (p);
      if (end > p && end[-1] == '\r')
        *--end = '\0';

      if (*p == '\0' || *p == '#')
        continue;

      if (*p == '[')
        {
          g_strchomp (p);
          if (!g_str_has_suffix (p, "]") || strlen (p) < 3 || strchr (p + 1, '[') != NULL
              || strchr (p, ']') != p + strlen (p) - 1)
            {
              g_autofree char *message =
                g_strdup_printf (_("“%s” is not a section header: write it as [KIND NAME]"), p);

              add_problem (lines->problems, line, message);
              skipping = TRUE;
              continue;
            }
          g_free (group);
          group = g_strndup (p + 1, strlen (p) - 2);
          if (g_hash_table_contains (lines->lines, group))
            {
              g_autofree char *message =
                g_strdup_printf (_("Section [%s] is given twice (first on line %u): give each "
                                   "check a name of its own"),
                                 group, GPOINTER_TO_UINT (g_hash_table_lookup (lines->lines,
                                                                               group)));

              add_problem (lines->problems, line, message);
              skipping = TRUE;
              continue;
            }
          skipping = FALSE;
          g_hash_table_insert (lines->lines, g_strdup (group), GUINT_TO_POINTER (line));
          continue;
        }

      if (skipping)
        continue;

      end = strchr (p, '=');
      if (end == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a setting: write it as KEY=VALUE"), g_strchomp (p));

          add_problem (lines->problems, line, message);
          continue;
        }
      *end = '\0';
      g_strchomp (p);
      if (*p == '\0')
        {
          add_problem (lines->problems, line, _("A setting without a key: write it as KEY=VALUE"));
          continue;
        }
      if (group == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is outside any section: put it under the [KIND NAME] of its "
                               "check"), p);

          add_problem (lines->problems, line, message);
          continue;
        }

      id = key_of (group, p);
      if (g_hash_table_contains (lines->lines, id))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is given twice in [%s] (first on line %u): keep one"), p,
                             group, GPOINTER_TO_UINT (g_hash_table_lookup (lines->lines, id)));

          add_problem (lines->problems, line, message);
          continue;
        }
      g_hash_table_insert (lines->lines, g_steal_pointer (&id), GUINT_TO_POINTER (line));
    }

  return lines;
}

void
chorus_key_file_lines_free (ChorusKeyFileLines *lines)
{
  g_hash_table_unref (lines->lines);
  g_ptr_array_unref (lines->problems);
  g_free (lines);
}

guint
chorus_key_file_lines_group (ChorusKeyFileLines *lines,
                             const char         *group)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (lines->lines, group));
}

guint
chorus_key_file_lines_key (ChorusKeyFileLines *lines,
                           const char         *group,
                           const char         *key)
{
  g_autofree char *id = key_of (group, key);

  return GPOINTER_TO_UINT (g_hash_table_lookup (lines->lines, id));
}

GPtrArray *
chorus_key_file_lines_problems (ChorusKeyFileLines *lines)
{
  return lines->problems;
}

/* The checks: a table of kinds, each with its keys. */

typedef gboolean (*KeyParser) (ChorusMonitorCheck  *check,
                               const char          *value,
                               GError             **error);

typedef struct
{
  const char *key;
  KeyParser parse;
} KeySpec;

typedef struct
{
  const char *name;
  ChorusCheckKind kind;
  /* NULL for a kind that this version refuses, with why. */
  const KeySpec *keys;
  const char *unavailable;
  void (*defaults) (ChorusMonitorCheck *check);
  /* What no single key can tell; the problem is on the section's line. */
  gboolean (*finish) (ChorusMonitorCheck *check,
                      GError            **error);
} KindSpec;

static gboolean
parse_group (ChorusMonitorCheck  *check,
             const char          *value,
             GError             **error)
{
  g_autoptr(ChorusGroup) group = chorus_group_parse (value, error);

  if (group == NULL)
    return FALSE;
  g_free (check->group);
  check->group = chorus_group_to_string (group);
  return TRUE;
}

static gboolean
parse_port (ChorusMonitorCheck  *check,
            const char          *value,
            GError             **error)
{
  return chorus_parse_port (value, &check->port, error);
}

static gboolean
parse_ttl (ChorusMonitorCheck  *check,
           const char          *value,
           GError             **error)
{
  return chorus_parse_ttl (value, &check->ttl, error);
}

static gboolean
parse_interface (ChorusMonitorCheck  *check,
                 const char          *value,
                 GError             **error)
{
  guint index = 0;

  if (!chorus_parse_interface (value, &index, error))
    return FALSE;
  g_free (check->interface);
  check->interface = g_strdup (value);
  return TRUE;
}

static gboolean
parse_count (ChorusMonitorCheck  *check,
             const char          *value,
             GError             **error)
{
  return chorus_parse_count (value, &check->count, error);
}

static gboolean
parse_interval (ChorusMonitorCheck  *check,
                const char          *value,
                GError             **error)
{
  return chorus_parse_seconds (value, _("Interval"), 0.01, &check->interval, error);
}

static gboolean
parse_wait (ChorusMonitorCheck  *check,
            const char          *value,
            GError             **error)
{
  return chorus_parse_seconds (value, _("Wait time"), 0, &check->wait, error);
}

static gboolean
parse_spread (ChorusMonitorCheck  *check,
              const char          *value,
              GError             **error)
{
  if (!chorus_parse_seconds (value, _("Spread"), 0, &check->spread, error))
    return FALSE;
  if (check->spread > 10)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("The spread is at most 10 seconds"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_max_series (ChorusMonitorCheck  *check,
                  const char          *value,
                  GError             **error)
{
  if (!chorus_parse_count (value, &check->max_series, error))
    return FALSE;
  if (check->max_series > CHORUS_MONITOR_MAX_SERIES_LIMIT)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("At most %u responders can have series of their own"),
                   CHORUS_MONITOR_MAX_SERIES_LIMIT);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_server (ChorusMonitorCheck  *check,
              const char          *value,
              GError             **error)
{
  g_autoptr(GInetAddress) address = NULL;
  guint scope_id = 0;

  address = chorus_mping_parse_server (value, &scope_id, error);
  if (address == NULL)
    return FALSE;
  g_free (check->server);
  check->server = g_strstrip (g_strdup (value));
  return TRUE;
}

static gboolean
parse_protocol (ChorusMonitorCheck  *check,
                const char          *value,
                GError             **error)
{
  ChorusMpingProtocol protocol;

  if (!chorus_mping_protocol_parse (value, &protocol, error))
    return FALSE;
  check->protocol = protocol;
  return TRUE;
}

static gboolean
parse_reply_name (ChorusMonitorCheck  *check,
                  const char          *value,
                  GError             **error)
{
  if (value[0] == '\0' || strlen (value) > 64 || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("A responder's name is 1 to 64 bytes of UTF-8"));
      return FALSE;
    }
  g_free (check->reply_name);
  check->reply_name = g_strdup (value);
  return TRUE;
}

static const KeySpec probe_keys[] = {
  { "group", parse_group },
  { "port", parse_port },
  { "ttl", parse_ttl },
  { "interface", parse_interface },
  { "count", parse_count },
  { "interval", parse_interval },
  { "wait", parse_wait },
  { "spread", parse_spread },
  { "max-responders", parse_max_series },
  { NULL }
};

static const KeySpec ping_keys[] = {
  { "server", parse_server },
  { "group", parse_group },
  { "port", parse_port },
  { "interface", parse_interface },
  { "count", parse_count },
  { "interval", parse_interval },
  { "wait", parse_wait },
  { "protocol", parse_protocol },
  { NULL }
};

static const KeySpec responder_keys[] = {
  { "group", parse_group },
  { "port", parse_port },
  { "interface", parse_interface },
  { "name", parse_reply_name },
  { NULL }
};

static void
probe_defaults (ChorusMonitorCheck *check)
{
  check->port = CHORUS_DEFAULT_PORT;
  check->ttl = CHORUS_DEFAULT_TTL;
  check->count = 5;
  check->interval = 1;
  check->wait = 1;
  check->max_series = CHORUS_MONITOR_DEFAULT_MAX_SERIES;
}

static void
ping_defaults (ChorusMonitorCheck *check)
{
  check->port = CHORUS_MPING_DEFAULT_PORT;
  check->count = 5;
  check->interval = 1;
  check->wait = 1;
  check->max_series = 2;
}

static void
responder_defaults (ChorusMonitorCheck *check)
{
  check->port = CHORUS_DEFAULT_PORT;
}

static gboolean
probe_finish (ChorusMonitorCheck  *check,
              GError             **error)
{
  g_autoptr(ChorusGroup) group = chorus_group_parse (check->group ? check->group
                                                                  : CHORUS_DEFAULT_GROUP, error);
  guint ifindex = 0;

  if (group == NULL)
    return FALSE;
  if (check->interface != NULL && !chorus_parse_interface (check->interface, &ifindex, error))
    return FALSE;
  return chorus_check_group_interface (group, ifindex, error);
}

static gboolean
ping_finish (ChorusMonitorCheck  *check,
             GError             **error)
{
  if (check->server == NULL)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("A ping check needs server=ADDR: the multicast ping server to ask"));
      return FALSE;
    }
  return TRUE;
}

static const KindSpec kinds[] = {
  { "probe", CHORUS_CHECK_PROBE, probe_keys, NULL, probe_defaults, probe_finish },
  { "ping", CHORUS_CHECK_PING, ping_keys, NULL, ping_defaults, ping_finish },
  { "responder", CHORUS_CHECK_RESPONDER, responder_keys, NULL, responder_defaults, probe_finish },
  { "watch", CHORUS_CHECK_WATCH, NULL,
    N_("[watch NAME] checks (a stream's health) are not in this version of Chorus yet"), NULL,
    NULL },
  { "querier", CHORUS_CHECK_QUERIER, NULL,
    N_("[querier NAME] checks (is there an IGMP/MLD querier?) are not in this version of Chorus "
       "yet"), NULL, NULL },
};

const char *
chorus_check_kind_to_string (ChorusCheckKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].kind == kind)
      return kinds[i].name;
  g_return_val_if_reached (NULL);
}

static const KindSpec *
find_kind (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].name, name))
      return &kinds[i];
  return NULL;
}

/* Check names go in labels and in /probe?check=NAME. */
static gboolean
name_is_valid (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static char *
kind_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].keys != NULL)
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", kinds[i].name);
  return g_string_free (names, FALSE);
}

static char *
key_names (const KeySpec *keys)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; keys[i].key != NULL; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", keys[i].key);
  return g_string_free (names, FALSE);
}

static void
add_problemf (GPtrArray  *problems,
              guint       line,
              const char *format,
              ...) G_GNUC_PRINTF (3, 4);

static void
add_problemf (GPtrArray  *problems,
              guint       line,
              const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  add_problem (problems, line, message);
}

static ChorusMonitorCheck *
parse_section (GKeyFile           *file,
               ChorusKeyFileLines *lines,
               const char         *section,
               GPtrArray          *problems)
{
  guint line = chorus_key_file_lines_group (lines, section);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *kind_name = NULL;
  const char *space = strchr (section, ' ');
  const KindSpec *kind;
  ChorusMonitorCheck *check;
  gboolean ok = TRUE;

  if (space == NULL)
    {
      g_autofree char *names = kind_names ();

      add_problemf (problems, line,
                    _("Section [%s] names no check: write [KIND NAME], KIND one of %s"), section,
                    names);
      return NULL;
    }

  kind_name = g_strndup (section, space - section);
  kind = find_kind (kind_name);
  if (kind == NULL)
    {
      g_autofree char *names = kind_names ();

      add_problemf (problems, line, _("Unknown section [%s]: the kinds of check are %s"), section,
                    names);
      return NULL;
    }
  if (kind->keys == NULL)
    {
      add_problem (problems, line, _(kind->unavailable));
      return NULL;
    }
  if (!name_is_valid (space + 1))
    {
      add_problemf (problems, line,
                    _("“%s” is not a check name: use 1 to 64 letters, digits, “-”, “_” or “.”"),
                    space + 1);
      return NULL;
    }

  check = g_new0 (ChorusMonitorCheck, 1);
  check->kind = kind->kind;
  check->name = g_strdup (space + 1);
  check->line = line;
  kind->defaults (check);

  keys = g_key_file_get_keys (file, section, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      guint key_line = chorus_key_file_lines_key (lines, section, keys[i]);
      const KeySpec *spec = NULL;
      g_autofree char *value = NULL;

      for (guint k = 0; kind->keys[k].key != NULL; k++)
        if (g_str_equal (kind->keys[k].key, keys[i]))
          spec = &kind->keys[k];

      if (spec == NULL)
        {
          g_autofree char *names = key_names (kind->keys);

          add_problemf (problems, key_line, _("Unknown key “%s” in [%s]: a %s check takes %s"),
                        keys[i], section, kind->name, names);
          ok = FALSE;
          continue;
        }

      value = g_key_file_get_string (file, section, keys[i], &error);
      if (value == NULL || !spec->parse (check, value, &error))
        {
          add_problemf (problems, key_line, "%s: %s", keys[i], error->message);
          g_clear_error (&error);
          ok = FALSE;
        }
    }

  if (ok && kind->finish != NULL && !kind->finish (check, &error))
    {
      add_problem (problems, line, error->message);
      ok = FALSE;
    }

  if (!ok)
    g_clear_pointer (&check, chorus_monitor_check_free);
  return check;
}

static gint
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const ChorusConfigProblem *pa = *(ChorusConfigProblem **) a;
  const ChorusConfigProblem *pb = *(ChorusConfigProblem **) b;

  return (pa->line > pb->line) - (pa->line < pb->line);
}

ChorusMonitorConfig *
chorus_monitor_config_parse (const char  *text,
                             gsize        length,
                             GPtrArray  **problems_out,
                             GError     **error)
{
  g_autoptr(ChorusKeyFileLines) lines = chorus_key_file_lines_scan (text, length);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (problem_free);
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ChorusMonitorConfig) config = g_new0 (ChorusMonitorConfig, 1);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) groups = NULL;
  GPtrArray *scanned = chorus_key_file_lines_problems (lines);

  config->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) chorus_monitor_check_free);

  for (guint i = 0; i < scanned->len; i++)
    {
      ChorusConfigProblem *problem = g_ptr_array_index (scanned, i);

      add_problem (problems, problem->line, problem->message);
    }

  /* With the scan's problems said, GKeyFile's own refusal would only say
   * the first of them again, without its line. */
  if (problems->len == 0 && !g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE,
                                                        &local_error))
    add_problem (problems, 0, local_error->message);

  if (problems->len == 0)
    {
      groups = g_key_file_get_groups (file, NULL);
      if (groups[0] == NULL)
        add_problem (problems, 0, _("No checks: add a section such as [probe lan] with group="));
    }

  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      ChorusMonitorCheck *check = parse_section (file, lines, groups[i], problems);

      if (check == NULL)
        continue;
      if (g_hash_table_contains (names, check->name))
        {
          add_problemf (problems, check->line,
                        _("Two checks are called “%s”: each needs a name of its own, as it is "
                          "the check label of its metrics"), check->name);
          chorus_monitor_check_free (check);
          continue;
        }
      g_hash_table_add (names, check->name);
      g_ptr_array_add (config->checks, check);
    }

  if (problems->len > 0)
    {
      ChorusConfigProblem *first;

      g_ptr_array_sort (problems, compare_problems);
      first = g_ptr_array_index (problems, 0);
      {
        g_autofree char *where = first->line > 0 ? g_strdup_printf (_("line %u: "), first->line)
                                                 : g_strdup ("");
        g_autofree char *more = problems->len > 1
                                  ? g_strdup_printf (_(" (and %u more)"), problems->len - 1)
                                  : g_strdup ("");

        g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE, "%s%s%s", where,
                     first->message, more);
      }
      if (problems_out != NULL)
        *problems_out = g_steal_pointer (&problems);
      return NULL;
    }

  return g_steal_pointer (&config);
}

ChorusMonitorConfig *
chorus_monitor_config_load (const char  *path,
                            GPtrArray  **problems,
                            GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (!g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s is not UTF-8 text"), path);
      return NULL;
    }

  return chorus_monitor_config_parse (text, length, problems, error);
}

void
chorus_monitor_config_free (ChorusMonitorConfig *config)
{
  g_clear_pointer (&config->checks, g_ptr_array_unref);
  g_free (config);
}

const ChorusMonitorCheck *
chorus_monitor_config_find (ChorusMonitorConfig *config,
                            const char          *name)
{
  for (guint i = 0; i < config->checks->len; i++)
    {
      const ChorusMonitorCheck *check = g_ptr_array_index (config->checks, i);

      if (g_str_equal (check->name, name))
        return check;
    }
  return NULL;
}

ChorusMonitorCheck *
chorus_monitor_check_copy (const ChorusMonitorCheck *check)
{
  ChorusMonitorCheck *copy = g_memdup2 (check, sizeof *check);

  copy->name = g_strdup (check->name);
  copy->group = g_strdup (check->group);
  copy->interface = g_strdup (check->interface);
  copy->server = g_strdup (check->server);
  copy->reply_name = g_strdup (check->reply_name);
  return copy;
}

void
chorus_monitor_check_free (ChorusMonitorCheck *check)
{
  g_free (check->name);
  g_free (check->group);
  g_free (check->interface);
  g_free (check->server);
  g_free (check->reply_name);
  g_free (check);
}
