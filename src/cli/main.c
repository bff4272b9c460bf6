/* main.c: chorus-cli, the headless front end: which command to run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "chorus-cli-commands.h"
#include "chorus-cli-run.h"

/* With stdin, stdout or stderr closed, the next file we open (a socket,
 * GLib's wake-up descriptor) would take its number, and our output would
 * go there. Hold each closed one with /dev/null, opened so that writing
 * to stdout still fails as it would have (EBADF): that ends the program
 * with a message, as any other write error does. */
static void
keep_standard_fds (void)
{
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    {
      int flags = fd == STDERR_FILENO ? O_WRONLY : O_RDONLY;
      int held;

      if (fcntl (fd, F_GETFD) >= 0 || errno != EBADF)
        continue;

      held = open ("/dev/null", flags | O_CLOEXEC);
      if (held >= 0 && held != fd)
        {
          dup2 (held, fd);
          close (held);
        }
    }
}

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  chorus-cli send [OPTION…] [MESSAGE]   send to a group and list who answers\n"
           "  chorus-cli probe [OPTION…] [MESSAGE]  probe a group: who hears it, and how well\n"
           "  chorus-cli receive [OPTION…]          join a group, show and answer what arrives\n"
           "  chorus-cli interfaces [OPTION…]       list the network interfaces\n"
           "  chorus-cli explain [OPTION…] ADDR     what a group address is, what to watch out for\n"
           "  chorus-cli ping [OPTION…] SERVER      does a multicast ping server's multicast reach us?\n"
           "  chorus-cli serve [OPTION…]            answer ssmping, asmping and RFC 6450 clients\n"
           "  chorus-cli monitor [OPTION…] CONFIG   run checks without end, serve their metrics\n"
           "  chorus-cli watch [OPTION…] [GROUP…]   measure the streams on groups: RTP, MPEG-TS, UDP\n"
           "  chorus-cli sap [OPTION…]              list the sessions SAP announces\n"
           "  chorus-cli querier [OPTION…]          the IGMP and MLD queriers, reports and expiry\n"
           "\n"
           "Run “chorus-cli COMMAND --help” for the options of a command.\n");
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("CHORUS_LOCALEDIR");

  /* meson devenv points CHORUS_LOCALEDIR at the build tree. */
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A reader that went away must not kill us mid-line. */
  signal (SIGPIPE, SIG_IGN);

  keep_standard_fds ();

  if (argc < 2)
    {
      usage (stderr);
      return CHORUS_CLI_EXIT_INVALID;
    }

  if (g_str_equal (argv[1], "send"))
    return chorus_cli_send (argc, argv);
  if (g_str_equal (argv[1], "probe"))
    return chorus_cli_probe (argc, argv);
  if (g_str_equal (argv[1], "receive"))
    return chorus_cli_receive (argc, argv);
  if (g_str_equal (argv[1], "interfaces"))
    return chorus_cli_interfaces (argc, argv);
  if (g_str_equal (argv[1], "explain"))
    return chorus_cli_explain (argc, argv);
  if (g_str_equal (argv[1], "ping"))
    return chorus_cli_ping (argc, argv);
  if (g_str_equal (argv[1], "serve"))
    return chorus_cli_serve (argc, argv);
  if (g_str_equal (argv[1], "monitor"))
    return chorus_cli_monitor (argc, argv);
  if (g_str_equal (argv[1], "watch"))
    return chorus_cli_watch (argc, argv);
  if (g_str_equal (argv[1], "sap"))
    return chorus_cli_sap (argc, argv);
  if (g_str_equal (argv[1], "querier"))
    return chorus_cli_querier (argc, argv);
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("chorus-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_printerr ("chorus-cli: unknown command “%s”\n", argv[1]);
  usage (stderr);
  return CHORUS_CLI_EXIT_INVALID;
}
