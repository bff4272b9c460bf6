/* chorus-cli-explain.c: chorus-cli explain, what a group address is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-options.h"
#include "chorus-cli-output.h"
#include "chorus-cli-run.h"
#include "chorus-error.h"
#include "chorus-explain.h"

enum {
  EXIT_OK = 0,
  EXIT_OUTPUT = 1,
};

/* A whole number of bytes from @minimum to @maximum. */
static gboolean
parse_bytes (const char  *text,
             const char  *what,
             guint64      minimum,
             guint64      maximum,
             guint64     *value,
             GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (!g_ascii_string_to_unsigned (stripped, 10, minimum, maximum, value, NULL))
    {
      g_autofree char *shown = g_strescape (stripped, NULL);

      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("%s “%s” is not valid: use a number of bytes from %lu to %lu"), what, shown,
                   (unsigned long) minimum, (unsigned long) maximum);
      return FALSE;
    }

  return TRUE;
}

static gboolean
print_json (ChorusExplanation *explanation)
{
  GString *line = chorus_json_begin ("explain");
  g_autofree char *group = chorus_group_to_string (chorus_explanation_get_group (explanation));
  const char *name = chorus_explanation_get_name (explanation);

  chorus_json_add_string (line, "group", group);
  chorus_json_add_string (line, "family", chorus_explanation_get_family (explanation));
  chorus_json_add_string (line, "scope",
                          chorus_scope_get_nick (chorus_explanation_get_scope (explanation)));
  chorus_json_add_string (line, "block", chorus_explanation_get_block (explanation));
  if (name != NULL)
    chorus_json_add_string (line, "name", name);
  else
    chorus_json_add_null (line, "name");
  chorus_json_add_bool (line, "source_specific",
                        chorus_explanation_is_source_specific (explanation));
  chorus_json_add_string (line, "mac", chorus_explanation_get_mac (explanation));
  chorus_json_add_strv (line, "warnings", chorus_explanation_get_warnings (explanation));
  chorus_json_add_strv (line, "notes", chorus_explanation_get_notes (explanation));

  return chorus_json_print (line);
}

static gboolean
print_text (ChorusExplanation *explanation)
{
  ChorusGroup *group = chorus_explanation_get_group (explanation);
  g_autofree char *text = chorus_group_to_string (group);
  const char *name = chorus_explanation_get_name (explanation);
  const char *const *warnings = chorus_explanation_get_warnings (explanation);
  const char *const *notes = chorus_explanation_get_notes (explanation);
  gboolean printed;

  printed = chorus_cli_print ("%s\n"
                              "  family:          %s\n"
                              "  scope:           %s\n"
                              "  block:           %s\n"
                              "  name:            %s\n"
                              "  source-specific: %s\n"
                              "  Ethernet:        %s\n",
                              text,
                              chorus_group_get_family (group) == G_SOCKET_FAMILY_IPV6 ? "IPv6"
                                                                                      : "IPv4",
                              chorus_explanation_get_scope_text (explanation),
                              chorus_explanation_get_block (explanation),
                              name ? name : "—",
                              chorus_explanation_is_source_specific (explanation) ? "yes" : "no",
                              chorus_explanation_get_mac (explanation));

  for (guint i = 0; printed && warnings[i] != NULL; i++)
    printed = chorus_cli_print ("  warning: %s\n", warnings[i]);
  for (guint i = 0; printed && notes[i] != NULL; i++)
    printed = chorus_cli_print ("  note: %s\n", notes[i]);

  return printed;
}

static const ChorusCliCommand explain_command = {
  .name = "explain",
  .parameter_string = "ADDR — what a multicast group is, and what to watch out for",
  .description =
    "ADDR is an IPv4 or IPv6 group, with its interface for IPv6 if any (ff02::1%eth0).\n"
    "Nothing is sent: the answer comes from the address alone.\n"
    "\n"
    "Exit status: 0 if ADDR is a multicast group; 1 if the output could not be written;\n"
    "2 for invalid input.",
};

int
chorus_cli_explain (int    argc,
                    char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&explain_command);
  g_autofree char *mtu_text = NULL;
  g_autofree char *size_text = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "mtu", 0, 0, G_OPTION_ARG_STRING, &mtu_text,
      "The link's MTU, to tell whether a message of --size fragments", "BYTES" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_text, "The size of the messages sent", "BYTES" },
    /* One object, not JSON Lines. */
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusGroup) group = NULL;
  g_autoptr(ChorusExplanation) explanation = NULL;
  guint64 mtu = 0;
  guint64 size = 0;
  gboolean printed;

  chorus_cli_options_add_entries (options, entries);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error))
    return chorus_cli_invalid ("explain", error);

  if (argc != 3)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("Give one group to explain, such as 239.1.2.3 or ff05::1:3"));
      return chorus_cli_invalid ("explain", error);
    }

  if (!(group = chorus_group_parse (argv[2], &error))
      || (mtu_text && !parse_bytes (mtu_text, _("MTU"), 68, 65535, &mtu, &error))
      || (size_text
          && !parse_bytes (size_text, _("Size"), 0, G_MAXUINT32, &size, &error)))
    return chorus_cli_invalid ("explain", error);

  explanation = chorus_explain (group, (guint) mtu, (gsize) size);

  printed = json ? print_json (explanation) : print_text (explanation);
  if (!printed || !chorus_cli_flush ())
    {
      g_printerr ("chorus-cli explain: could not write the output: %s\n",
                  g_strerror (errno != 0 ? errno : EIO));
      return EXIT_OUTPUT;
    }

  return EXIT_OK;
}
