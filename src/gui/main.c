/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "chorus-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ChorusApplication) app = NULL;
  const char *localedir;

  /* `meson devenv` points this at the translations built in the tree. */
  localedir = g_getenv ("CHORUS_LOCALEDIR");
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Chorus"));

  app = chorus_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
