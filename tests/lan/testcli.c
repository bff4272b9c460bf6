/* testcli.c: running chorus-cli and the article's programs on a test LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <string.h>

#include "testcli.h"

const char *
cli_path (void)
{
  const char *path = g_getenv ("CHORUS_CLI");

  g_assert_nonnull (path);
  return path;
}

const char *
cli_python (void)
{
  const char *path = g_getenv ("CHORUS_PYTHON");

  return path != NULL ? path : "/usr/bin/python3";
}

static gboolean
fixture_init (Fixture *fx)
{
  memset (fx, 0, sizeof *fx);
  fx->members = g_ptr_array_new ();
  fx->member_hosts = g_array_new (FALSE, FALSE, sizeof (guint));
  if (!chorus_test_is_isolated ())
    {
      g_test_skip ("needs private network namespaces (run as root)");
      return FALSE;
    }

  return TRUE;
}

void
cli_fixture_setup (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  if (!fixture_init (fx))
    return;
  fx->lan = chorus_test_lan_new (GPOINTER_TO_UINT (data), &error);
  g_assert_no_error (error);
}

void
cli_fixture_setup_routed (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  guint n_a = GPOINTER_TO_UINT (data) >> 16;
  guint n_b = GPOINTER_TO_UINT (data) & 0xffff;

  if (!fixture_init (fx))
    return;
  fx->lan = chorus_test_lan_new_routed (n_a, n_b, &error);
  g_assert_no_error (error);
}

void
cli_fixture_teardown (Fixture       *fx,
                      gconstpointer  data)
{
  g_clear_pointer (&fx->lan, chorus_test_lan_free);
  g_clear_pointer (&fx->members, g_ptr_array_unref);
  g_clear_pointer (&fx->member_hosts, g_array_unref);
}

ChorusTestProc *
cli_spawn_argv (Fixture           *fx,
                guint              host,
                const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cmd = g_strjoinv (" ", (char **) argv);
  ChorusTestProc  *proc;

  g_test_message ("h%u$ %.200s", host, cmd);
  proc = chorus_test_lan_spawn (fx->lan, host, argv, &error);
  g_assert_no_error (error);

  return proc;
}

/* chorus-cli COMMAND ARGS… NULL on host */
ChorusTestProc *
cli_spawn_chorus (Fixture    *fx,
                  guint       host,
                  const char *command,
                  ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, (char *) command);
  va_start (args, command);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
}

/* The article's sender on host, with extra environment (NAME=VALUE…). */
ChorusTestProc *
cli_spawn_article_sender (Fixture *fx,
                          guint    host,
                          ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *dir = g_getenv ("CHORUS_ARTICLE_DIR");
  const char *arg;
  va_list     args;

  g_assert_nonnull (dir);
  g_ptr_array_add (argv, g_strdup ("env"));
  va_start (args, host);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, g_strdup (cli_python ()));
  g_ptr_array_add (argv, g_build_filename (dir, "multicast_sender.py", NULL));
  g_ptr_array_add (argv, NULL);

  return cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
}

/* Waits until a receiver just spawned on host can receive. */
void
cli_await_member (Fixture        *fx,
                  guint           host,
                  ChorusTestProc *proc)
{
  g_autofree char *log = NULL;
  guint            users = 1;

  /* The host's group membership counts every live receiver there. */
  for (guint i = 0; i < fx->members->len; i++)
    if (g_array_index (fx->member_hosts, guint, i) == host &&
        chorus_test_proc_get_status (g_ptr_array_index (fx->members, i)) == -1)
      users++;
  g_ptr_array_add (fx->members, proc);
  g_array_append_val (fx->member_hosts, host);

  if (chorus_test_proc_wait_joined (proc, GROUP, PORT, users, READY_TIMEOUT))
    return;
  log = chorus_test_proc_dup_stderr_text (proc);
  g_error ("receiver on h%u did not join %s:%u within %d ms (status %d): %s", host, GROUP, PORT,
           READY_TIMEOUT, chorus_test_proc_get_status (proc), log);
}

/* chorus-cli receive --json ARGS… on host, ready to receive. */
ChorusTestProc *
cli_start_receiver (Fixture *fx,
                    guint    host,
                    ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  ChorusTestProc *proc;
  const char     *arg;
  va_list         args;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, "receive");
  g_ptr_array_add (argv, "--json");
  va_start (args, host);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = cli_spawn_argv (fx, host, (const char *const *) argv->pdata);
  cli_await_member (fx, host, proc);
  /* The contract lets it announce "ready" once joined: take it when it
   * does, so that a test acts only once the receiver says it is set. */
  chorus_test_proc_wait_line (proc, FALSE, "\"ready\"", NULL, READY_TIMEOUT);

  return proc;
}

void
cli_await_exit (ChorusTestProc *proc,
                int             expected_status)
{
  g_autofree char *log = NULL;

  if (!chorus_test_proc_wait_exit (proc, EXIT_TIMEOUT))
    g_error ("%s still running after %d ms",
             g_subprocess_get_identifier (chorus_test_proc_get_subprocess (proc)), EXIT_TIMEOUT);
  log = chorus_test_proc_dup_stderr_text (proc);
  if (*log != '\0')
    g_test_message ("stderr: %s", log);
  g_assert_cmpint (chorus_test_proc_get_status (proc), ==, expected_status);
}

/* All stdout lines as JSON objects; every line must be one. */
GPtrArray *
cli_json_events (ChorusTestProc *proc)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *lines = chorus_test_proc_get_stdout (proc);
  GPtrArray *objects;

  for (guint i = 0; i < lines->len; i++)
    g_test_message ("stdout: %.300s", (const char *) g_ptr_array_index (lines, i));
  objects = chorus_test_json_parse_lines (lines, &error);
  g_assert_no_error (error);

  return objects;
}

guint
cli_count_events (ChorusTestProc *proc,
                  const char     *event)
{
  g_autoptr (GPtrArray) objects = cli_json_events (proc);
  g_autoptr (GPtrArray) matching = chorus_test_json_filter (objects, event);

  return matching->len;
}

/* The single summary of a send. */
JsonObject *
cli_summary_of (GPtrArray *objects)
{
  g_autoptr (GPtrArray) summaries = chorus_test_json_filter (objects, "summary");

  g_assert_cmpuint (summaries->len, ==, 1);
  return g_ptr_array_index (summaries, 0);
}

typedef struct
{
  ChorusTestProc *proc;
  const char     *data;
  guint           n_wanted;
  guint           n;
  JsonObject     *found;
} MessageWait;

static gboolean
check_messages (gpointer user_data)
{
  MessageWait *wait = user_data;
  GPtrArray   *lines = chorus_test_proc_get_stdout (wait->proc);
  g_autoptr (GPtrArray) objects = chorus_test_json_parse_lines (lines, NULL);
  g_autoptr (GPtrArray) messages = NULL;

  if (objects == NULL)
    return FALSE;
  messages = chorus_test_json_filter (objects, "message");
  wait->n = messages->len;
  g_clear_pointer (&wait->found, json_object_unref);
  if (messages->len < wait->n_wanted)
    return FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      JsonObject *message = g_ptr_array_index (messages, i);

      if (wait->data == NULL ||
          g_strcmp0 (chorus_test_json_get_string (message, "data"), wait->data) == 0)
        {
          wait->found = json_object_ref (message);
          return TRUE;
        }
    }
  return FALSE;
}

/* Waits for a "message" event whose data is data (any, for NULL), and
 * at least n_wanted messages in all. Returns the first match (a new
 * reference) and, in n_total, the number of messages seen by then. */
JsonObject *
cli_await_messages (Fixture        *fx,
                    ChorusTestProc *proc,
                    const char     *data,
                    guint           n_wanted,
                    guint          *n_total)
{
  MessageWait wait = { proc, data, n_wanted, 0, NULL };

  chorus_test_lan_spin_until (fx->lan, check_messages, &wait, EXIT_TIMEOUT);
  if (wait.found == NULL)
    g_error ("no message “%s” arrived within %d ms", data ? data : "(any)", EXIT_TIMEOUT);
  if (n_total != NULL)
    *n_total = wait.n;

  return wait.found;
}

JsonObject *
cli_await_message (Fixture        *fx,
                   ChorusTestProc *proc,
                   const char     *data,
                   guint          *n_total)
{
  return cli_await_messages (fx, proc, data, 0, n_total);
}

/* Sends a canary from host with the article's sender; returns once
 * receiver has it. Anything the receiver got before came first. */
void
cli_send_canary (Fixture        *fx,
                 guint           host,
                 ChorusTestProc *receiver,
                 const char     *canary,
                 guint          *n_messages)
{
  g_autofree char *env = g_strdup_printf ("CHORUS_ARTICLE_MESSAGE=%s", canary);
  g_autoptr (JsonObject) message = NULL;
  ChorusTestProc *sender;

  sender = cli_spawn_article_sender (fx, host, env, NULL);
  message = cli_await_message (fx, receiver, canary, n_messages);
  cli_await_exit (sender, 0);
}

/* The article's receiver on host, ready to receive. */
ChorusTestProc *
cli_spawn_article_receiver (Fixture *fx,
                            guint    host)
{
  const char      *dir = g_getenv ("CHORUS_ARTICLE_DIR");
  g_autofree char *script = NULL;
  const char      *argv[] = { cli_python (), NULL, NULL };
  ChorusTestProc  *proc;

  g_assert_nonnull (dir);
  script = g_build_filename (dir, "multicast_receiver.py", NULL);
  argv[1] = script;
  proc = cli_spawn_argv (fx, host, argv);
  cli_await_member (fx, host, proc);

  return proc;
}
