/* chorus-util-private.h: small helpers the core's types share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Replaces *field with a copy of value; TRUE if it changed. (GLib 2.76
 * has this as g_set_str(); we target 2.74.) */
static inline gboolean
_chorus_set_str (char       **field,
                 const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

G_END_DECLS
