/* chorus-cli-interfaces.c: chorus-cli interfaces, this host's network
 * interfaces and what they can carry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "chorus-cli-commands.h"
#include "chorus-cli-options.h"
#include "chorus-cli-output.h"
#include "chorus-cli-run.h"
#include "chorus-error.h"
#include "chorus-interface-list.h"

/* The kernel answers within milliseconds; this is for a kernel that
 * does not answer at all. */
#define LOAD_TIMEOUT_SECONDS 10

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;

  return G_SOURCE_REMOVE;
}

static const char *
state_of (ChorusInterface *interface)
{
  if (!chorus_interface_get_up (interface))
    return "down";
  if (!chorus_interface_get_running (interface))
    return "no carrier";
  return "up";
}

static gboolean
print_json (ChorusInterface *interface)
{
  GString *line = chorus_json_begin ("interface");

  chorus_json_add_string (line, "name", chorus_interface_get_name (interface));
  chorus_json_add_int (line, "index", chorus_interface_get_index (interface));
  chorus_json_add_bool (line, "up", chorus_interface_get_up (interface));
  chorus_json_add_bool (line, "multicast", chorus_interface_get_multicast (interface));
  chorus_json_add_int (line, "mtu", chorus_interface_get_mtu (interface));
  chorus_json_add_strv (line, "addresses", chorus_interface_get_addresses (interface));

  return chorus_json_print (line);
}

/* Pads @text to @width characters, as a terminal shows them. */
static void
append_cell (GString    *line,
             const char *text,
             guint       width)
{
  glong length = g_utf8_strlen (text, -1);

  g_string_append (line, text);
  for (glong i = length; i < (glong) width + 2; i++)
    g_string_append_c (line, ' ');
}

static gboolean
print_table (GPtrArray *shown)
{
  guint name_width = strlen ("NAME");
  guint state_width = strlen ("no carrier");
  gboolean ok;

  for (guint i = 0; i < shown->len; i++)
    name_width = MAX (name_width, (guint) g_utf8_strlen (chorus_interface_get_name (
                                                          g_ptr_array_index (shown, i)), -1));

  {
    GString *line = g_string_new (NULL);

    append_cell (line, "NAME", name_width);
    append_cell (line, "INDEX", 5);
    append_cell (line, "STATE", state_width);
    append_cell (line, "MULTICAST", 9);
    append_cell (line, "MTU", 5);
    g_string_append (line, "ADDRESSES\n");
    ok = chorus_cli_print_line (line);
  }

  for (guint i = 0; i < shown->len && ok; i++)
    {
      ChorusInterface *interface = g_ptr_array_index (shown, i);
      const char * const *addresses = chorus_interface_get_addresses (interface);
      g_autofree char *index = g_strdup_printf ("%u", chorus_interface_get_index (interface));
      g_autofree char *mtu = g_strdup_printf ("%u", chorus_interface_get_mtu (interface));
      g_autofree char *joined = g_strjoinv (" ", (char **) addresses);
      GString *line = g_string_new (NULL);

      append_cell (line, chorus_interface_get_name (interface), name_width);
      append_cell (line, index, 5);
      append_cell (line, state_of (interface), state_width);
      append_cell (line, chorus_interface_get_multicast (interface) ? "yes" : "no", 9);
      append_cell (line, mtu, 5);
      g_string_append (line, addresses[0] != NULL ? joined : "-");
      g_string_append_c (line, '\n');
      ok = chorus_cli_print_line (line);
    }

  return ok;
}

static const ChorusCliCommand interfaces_command = {
  .name = "interfaces",
  .parameter_string = "— list this host's network interfaces",
  .description =
    "Lists every interface, by index: its name, whether it is up (and has a carrier),\n"
    "whether it can carry multicast, its MTU and its addresses. The names are those\n"
    "that --interface takes.\n"
    "\n"
    "Exit status: 0 when listed; 1 if the interfaces could not be read or the output\n"
    "could not be written; 2 for invalid input.",
};

int
chorus_cli_interfaces (int    argc,
                       char **argv)
{
  g_autoptr(ChorusCliOptions) options = chorus_cli_options_new (&interfaces_command);
  gboolean multicast_only = FALSE;
  const GOptionEntry entries[] = {
    { "multicast", 'm', 0, G_OPTION_ARG_NONE, &multicast_only,
      "List only the interfaces that can carry multicast", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusInterfaceList) list = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean timed_out = FALSE;
  guint timeout_id;
  gboolean ok = TRUE;

  chorus_cli_options_add_entries (options, entries);
  chorus_cli_options_add (options, CHORUS_CLI_OPTION_JSON, CHORUS_CLI_OPTION_END);

  if (!chorus_cli_options_parse (options, &argc, &argv, &error) || argc > 2)
    {
      if (error == NULL)
        g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                     "Unexpected argument “%s”", argv[2]);
      return chorus_cli_invalid ("interfaces", error);
    }

  list = chorus_interface_list_new ();
  timeout_id = g_timeout_add_seconds (LOAD_TIMEOUT_SECONDS, on_timeout, &timed_out);
  while (!chorus_interface_list_get_loaded (list)
         && chorus_interface_list_get_problem (list) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);

  if (!chorus_interface_list_get_loaded (list))
    {
      const char *problem = chorus_interface_list_get_problem (list);

      g_printerr ("chorus-cli interfaces: %s\n",
                  problem != NULL ? problem : "The kernel did not list the network interfaces");
      return 1;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(ChorusInterface) interface = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (!multicast_only || chorus_interface_get_multicast (interface))
        g_ptr_array_add (shown, g_steal_pointer (&interface));
    }

  if (options->json)
    {
      for (guint i = 0; i < shown->len && ok; i++)
        ok = print_json (g_ptr_array_index (shown, i));
    }
  else
    {
      ok = print_table (shown);
    }

  if (!ok || !chorus_cli_flush ())
    {
      g_printerr ("chorus-cli interfaces: could not write the output: %s\n",
                  g_strerror (errno != 0 ? errno : EIO));
      return 1;
    }

  return 0;
}
