/* chorus-cli-options.c: the options several chorus-cli commands take
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdarg.h>

#include "chorus-cli-options.h"

ChorusCliOptions *
chorus_cli_options_new (const ChorusCliCommand *command)
{
  ChorusCliOptions *options = g_new0 (ChorusCliOptions, 1);

  options->command = command;
  options->port = command->default_port;
  options->ttl = CHORUS_DEFAULT_TTL;
  options->count = command->timing == CHORUS_CLI_TIMING_BURST ? 1 : 0;
  options->interval = 1;
  options->wait = 1;
  options->expect = 1;
  options->entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  options->texts = g_ptr_array_new_with_free_func (g_free);
  options->context = g_option_context_new (command->parameter_string);
  if (command->description != NULL)
    g_option_context_set_description (options->context, command->description);

  return options;
}

void
chorus_cli_options_free (ChorusCliOptions *options)
{
  g_free (options->group_text);
  g_free (options->port_text);
  g_free (options->ttl_text);
  g_free (options->interface);
  g_free (options->count_text);
  g_free (options->interval_text);
  g_free (options->wait_text);
  g_free (options->report_text);
  g_free (options->expect_text);
  g_clear_pointer (&options->group, chorus_group_unref);
  g_option_context_free (options->context);
  g_array_unref (options->entries);
  g_ptr_array_unref (options->texts);
  g_free (options);
}

/* A help text of ours, kept as long as the options are. */
static const char *
keep_text (ChorusCliOptions *options,
           char             *text)
{
  g_ptr_array_add (options->texts, text);
  return text;
}

static const char *
capitalized (ChorusCliOptions *options,
             const char       *text)
{
  char *copy = g_strdup (text);

  copy[0] = g_ascii_toupper (copy[0]);
  return keep_text (options, copy);
}

/* A short name the command already gave one of its own is left out. */
static char
free_short_name (ChorusCliOptions *options,
                 char              short_name)
{
  for (guint i = 0; i < options->entries->len; i++)
    if (g_array_index (options->entries, GOptionEntry, i).short_name == short_name)
      return 0;

  return short_name;
}

static const char *
interface_help (ChorusCliRole role)
{
  switch (role)
    {
    case CHORUS_CLI_SENDS:
      return "Send by way of this network interface (default: as routed)";
    case CHORUS_CLI_JOINS:
      return "Join on this network interface (default: as routed)";
    case CHORUS_CLI_ANSWERS:
    default:
      return "Answer only queries that arrive on this network interface";
    }
}

static GOptionEntry
make_entry (ChorusCliOptions *options,
            ChorusCliOption   option)
{
  const ChorusCliCommand *command = options->command;
  gboolean burst = command->timing == CHORUS_CLI_TIMING_BURST;
  const char *text;

  switch (option)
    {
    case CHORUS_CLI_OPTION_GROUP:
      return (GOptionEntry) { "group", 'g', 0, G_OPTION_ARG_STRING, &options->group_text,
                              "Multicast group (default " CHORUS_DEFAULT_GROUP ")", "ADDR" };
    case CHORUS_CLI_OPTION_PORT:
      text = keep_text (options, g_strdup_printf ("UDP port (default %u)",
                                                  command->default_port));
      return (GOptionEntry) { "port", 'p', 0, G_OPTION_ARG_STRING, &options->port_text, text,
                              "PORT" };
    case CHORUS_CLI_OPTION_TTL:
      return (GOptionEntry) { "ttl", 't', 0, G_OPTION_ARG_STRING, &options->ttl_text,
                              "Time to live, 0–255 (default 1)", "N" };
    case CHORUS_CLI_OPTION_INTERFACE:
      return (GOptionEntry) { "interface", 'I', 0, G_OPTION_ARG_STRING, &options->interface,
                              interface_help (command->role), "NAME" };
    case CHORUS_CLI_OPTION_NO_LOOPBACK:
      text = keep_text (options, g_strdup_printf ("Receivers on this host do not get the %s",
                                                  command->sends_plural));
      return (GOptionEntry) { "no-loopback", 0, 0, G_OPTION_ARG_NONE, &options->no_loopback,
                              text, NULL };
    case CHORUS_CLI_OPTION_COUNT:
      text = keep_text (options, g_strdup_printf (burst ? "%s to send (default 1)"
                                                        : "%s to send; 0 until interrupted "
                                                          "(default 0)",
                                                  capitalized (options, command->sends_plural)));
      return (GOptionEntry) { "count", 'c', 0, G_OPTION_ARG_STRING, &options->count_text, text,
                              "N" };
    case CHORUS_CLI_OPTION_INTERVAL:
      text = keep_text (options, g_strdup_printf (burst ? "Seconds between %s (default 1)"
                                                        : "Seconds between %s, at least 0.01 "
                                                          "(default 1)",
                                                  command->sends_plural));
      return (GOptionEntry) { "interval", 'i', 0, G_OPTION_ARG_STRING, &options->interval_text,
                              text, "SECONDS" };
    case CHORUS_CLI_OPTION_WAIT:
      text = keep_text (options, g_strdup_printf (burst ? "Seconds to collect replies after the "
                                                          "last %s (default 1)"
                                                        : "Seconds to wait for a %s's answers "
                                                          "(default 1)",
                                                  command->sends));
      return (GOptionEntry) { "wait", 'w', 0, G_OPTION_ARG_STRING, &options->wait_text, text,
                              "SECONDS" };
    case CHORUS_CLI_OPTION_REPORT:
      text = keep_text (options, g_strdup_printf ("Print every %s's statistics this often while "
                                                  "running", command->reports_on));
      return (GOptionEntry) { "report", free_short_name (options, 'r'), 0, G_OPTION_ARG_STRING,
                              &options->report_text, text, "SECONDS" };
    case CHORUS_CLI_OPTION_EXPECT:
      return (GOptionEntry) { "expect", 0, 0, G_OPTION_ARG_STRING, &options->expect_text,
                              "Exit 1 unless at least N hosts answered (default 1)", "N" };
    case CHORUS_CLI_OPTION_JSON:
      return (GOptionEntry) { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
                              "Print JSON Lines", NULL };
    case CHORUS_CLI_OPTION_END:
    default:
      g_assert_not_reached ();
    }
}

/* The shared options, in the order given, up to CHORUS_CLI_OPTION_END;
 * their order is the order of the help. */
void
chorus_cli_options_add (ChorusCliOptions *options,
                        ChorusCliOption   first,
                        ...)
{
  va_list args;

  va_start (args, first);
  for (ChorusCliOption option = first; option != CHORUS_CLI_OPTION_END;
       option = (ChorusCliOption) va_arg (args, int))
    {
      GOptionEntry entry = make_entry (options, option);

      g_array_append_val (options->entries, entry);
    }
  va_end (args);
}

/* The command's own, up to their { NULL }, after what is there. */
void
chorus_cli_options_add_entries (ChorusCliOptions   *options,
                                const GOptionEntry *entries)
{
  for (guint i = 0; entries[i].long_name != NULL; i++)
    g_array_append_val (options->entries, entries[i]);
}

gboolean
chorus_cli_options_parse (ChorusCliOptions   *options,
                          int                *argc,
                          char             ***argv,
                          GError            **error)
{
  g_option_context_add_main_entries (options->context,
                                     (const GOptionEntry *) (void *) options->entries->data,
                                     NULL);

  return g_option_context_parse (options->context, argc, argv, error);
}

static gboolean
check_one (ChorusCliOptions  *options,
           ChorusCliOption    option,
           GError           **error)
{
  gboolean burst = options->command->timing == CHORUS_CLI_TIMING_BURST;

  switch (option)
    {
    case CHORUS_CLI_OPTION_GROUP:
      g_clear_pointer (&options->group, chorus_group_unref);
      options->group = chorus_group_parse (options->group_text ? options->group_text
                                                               : CHORUS_DEFAULT_GROUP,
                                           error);
      return options->group != NULL;
    case CHORUS_CLI_OPTION_PORT:
      return !options->port_text || chorus_parse_port (options->port_text, &options->port, error);
    case CHORUS_CLI_OPTION_TTL:
      return !options->ttl_text || chorus_parse_ttl (options->ttl_text, &options->ttl, error);
    case CHORUS_CLI_OPTION_INTERFACE:
      return chorus_parse_interface (options->interface, &options->ifindex, error);
    case CHORUS_CLI_OPTION_COUNT:
      if (options->count_text == NULL)
        return TRUE;
      return burst ? chorus_parse_count (options->count_text, &options->count, error)
                   : chorus_parse_probe_count (options->count_text, &options->count, error);
    case CHORUS_CLI_OPTION_INTERVAL:
      return !options->interval_text
             || chorus_parse_seconds (options->interval_text, _("Interval"), burst ? 0.001 : 0.01,
                                      &options->interval, error);
    case CHORUS_CLI_OPTION_WAIT:
      return !options->wait_text
             || chorus_parse_seconds (options->wait_text, _("Wait time"), 0, &options->wait,
                                      error);
    case CHORUS_CLI_OPTION_REPORT:
      return !options->report_text
             || chorus_parse_seconds (options->report_text, _("Report interval"), 0.1,
                                      &options->report, error);
    case CHORUS_CLI_OPTION_EXPECT:
      return !options->expect_text
             || chorus_parse_count (options->expect_text, &options->expect, error);
    case CHORUS_CLI_OPTION_NO_LOOPBACK:
    case CHORUS_CLI_OPTION_JSON:
      return TRUE;
    case CHORUS_CLI_OPTION_END:
    default:
      g_assert_not_reached ();
    }
}

/* Checks the values given, in the order given (the first error is the one
 * said), up to CHORUS_CLI_OPTION_END. */
gboolean
chorus_cli_options_check (ChorusCliOptions  *options,
                          GError           **error,
                          ChorusCliOption    first,
                          ...)
{
  gboolean ok = TRUE;
  va_list args;

  va_start (args, first);
  for (ChorusCliOption option = first; ok && option != CHORUS_CLI_OPTION_END;
       option = (ChorusCliOption) va_arg (args, int))
    ok = check_one (options, option, error);
  va_end (args);

  return ok;
}
