/* chorus-gui-utils-private.h: what the pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-address.h"

G_BEGIN_DECLS

typedef struct
{
  AdwEntryRow *row;
  GtkWidget   *icon;
} ChorusField;

void      _chorus_field_set_error     (ChorusField  *field,
                                       const GError *error);
gboolean  _chorus_field_has_error     (ChorusField  *field);
gboolean  _chorus_fields_report       (ChorusField  *const *fields,
                                       const GError *const *errors,
                                       guint         n_fields,
                                       GtkLabel     *summary);
void      _chorus_button_set_label    (GtkButton    *button,
                                       const char   *label);
void      _chorus_show_toast          (GtkWidget    *widget,
                                       const char   *message);
char     *_chorus_format_clock        (gint64        wall_usec);
char     *_chorus_format_endpoint     (const char   *address,
                                       guint         port);
gboolean  _chorus_check_interface     (ChorusGroup  *group,
                                       guint         ifindex,
                                       GError      **error);
void      _chorus_explain_group       (GtkLabel     *explain,
                                       GtkLabel     *warning,
                                       ChorusGroup  *group,
                                       guint         n_groups,
                                       guint         mtu,
                                       gsize         payload);

G_END_DECLS
