/* chorus-activity-row.h: an activity of the window's sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CHORUS_TYPE_ACTIVITY_ROW (chorus_activity_row_get_type ())

G_DECLARE_FINAL_TYPE (ChorusActivityRow, chorus_activity_row, CHORUS, ACTIVITY_ROW, GtkListBoxRow)

GtkWidget  *chorus_activity_row_new              (void);
const char *chorus_activity_row_get_page_name    (ChorusActivityRow *self);
const char *chorus_activity_row_get_title        (ChorusActivityRow *self);
const char *chorus_activity_row_get_section      (ChorusActivityRow *self);
const char *chorus_activity_row_get_start_action (ChorusActivityRow *self);
gboolean    chorus_activity_row_get_running      (ChorusActivityRow *self);
void        chorus_activity_row_set_running      (ChorusActivityRow *self,
                                                  gboolean           running);

G_END_DECLS
