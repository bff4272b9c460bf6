/* chorus-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-application.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_WINDOW (chorus_window_get_type ())

G_DECLARE_FINAL_TYPE (ChorusWindow, chorus_window, CHORUS, WINDOW, AdwApplicationWindow)

ChorusWindow *chorus_window_new (ChorusApplication *application);

G_END_DECLS
