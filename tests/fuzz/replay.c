/* replay.c: runs a fuzz harness over files, as a TAP test
 *
 *   replay-NAME PATH…
 *
 * Each PATH is an input or a directory of inputs (its regular files, in
 * name order). Each input is one test point; a harness that finds a fault
 * aborts, and the test fails with it. This is how the committed corpora
 * run with the ordinary test suite, built like any other test, without
 * libFuzzer or sanitizers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
add_inputs (GPtrArray  *inputs,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) children = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (inputs, g_strdup (path));
      return;
    }

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  children = g_ptr_array_new ();
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (children, child);
      else
        g_free (child);
    }

  g_ptr_array_sort (children, compare_paths);
  for (guint i = 0; i < children->len; i++)
    g_ptr_array_add (inputs, children->pdata[i]);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);

  if (argc < 2)
    {
      g_printerr ("Usage: %s PATH…\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    add_inputs (inputs, argv[i]);

  LLVMFuzzerInitialize (&argc, &argv);

  /* An empty corpus proves nothing: say so rather than pass. */
  if (inputs->len == 0)
    {
      printf ("1..0 # SKIP no inputs\n");
      return 0;
    }

  printf ("1..%u\n", inputs->len);
  fflush (stdout);

  for (guint i = 0; i < inputs->len; i++)
    {
      const char *path = inputs->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize size;

      if (!g_file_get_contents (path, &contents, &size, &error))
        {
          printf ("not ok %u %s # %s\n", i + 1, path, error->message);
          return 1;
        }

      /* A buffer of its own, never NULL, as libFuzzer passes them. */
      {
        g_autofree guint8 *copy = g_malloc (MAX (size, 1));

        memcpy (copy, contents, size);

        LLVMFuzzerTestOneInput (copy, size);
      }

      printf ("ok %u %s (%" G_GSIZE_FORMAT " bytes)\n", i + 1, path, size);
      fflush (stdout);
    }

  return 0;
}
