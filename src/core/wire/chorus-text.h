/* chorus-text.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *chorus_text_escape          (const guint8 *data,
                                       gsize         size);
void      chorus_text_append_escaped  (GString      *out,
                                       const guint8 *data,
                                       gsize         size);
gsize     chorus_text_plain_span      (const guint8 *data,
                                       gsize         size);
char     *chorus_text_hex             (const guint8 *data,
                                       gsize         size);
gboolean  chorus_text_is_utf8         (const guint8 *data,
                                       gsize         size);

G_END_DECLS
