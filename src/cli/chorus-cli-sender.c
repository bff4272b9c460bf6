/* chorus-cli-sender.c: a sender set up from the command line, for send
 * and probe
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-cli-sender.h"
#include "chorus-error.h"

/* The optional MESSAGE after the options (argv[1] is the command);
 * @message keeps its default when there is none. */
gboolean
chorus_cli_take_message (int           argc,
                         char        **argv,
                         const char  **message,
                         GError      **error)
{
  if (argc > 3)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "Give the message as one argument (quote it if it has spaces)");
      return FALSE;
    }
  if (argc == 3)
    *message = argv[2];

  return TRUE;
}

/* @options checked: the group, port, TTL, interface and timing. */
ChorusSender *
chorus_cli_sender_new (ChorusCliOptions *options,
                       const char       *message)
{
  g_autofree char *group_text = chorus_group_to_string (options->group);

  return g_object_new (CHORUS_TYPE_SENDER,
                       "group", group_text,
                       "port", (guint) options->port,
                       "ttl", (guint) options->ttl,
                       "loopback", !options->no_loopback,
                       "wait", options->wait,
                       "count", options->count,
                       "interval", options->interval,
                       "text", message,
                       "interface", options->interface,
                       /* Printed as they come: keep few. */
                       "capacity", 16,
                       NULL);
}
