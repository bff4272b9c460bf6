/* gui-test-utils.h: what the GUI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef gboolean (*GuiTestPredicate) (gpointer user_data);

void       gui_test_init            (int              *argc,
                                     char           ***argv);
gboolean   gui_test_wait            (GuiTestPredicate  predicate,
                                     gpointer          user_data,
                                     guint             timeout_ms);
void       gui_test_collect         (GtkWidget        *widget,
                                     GType             type,
                                     GPtrArray        *found);
GtkWidget *gui_test_window          (GtkWidget        *page);
GtkWidget *gui_test_child           (GtkWidget        *widget,
                                     GType             template_type,
                                     const char       *name);
gboolean   gui_test_press           (GtkWidget        *widget,
                                     guint             keyval,
                                     GdkModifierType   modifiers);

G_END_DECLS
