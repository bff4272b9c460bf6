/* chorus-export.h: responders and answers as CSV or JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CHORUS_EXPORT_CSV,
  CHORUS_EXPORT_JSON,
} ChorusExportFormat;

GBytes *chorus_export_responders (GListModel         *responders,
                                  ChorusExportFormat  format);
GBytes *chorus_export_acks       (GListModel         *acks,
                                  ChorusExportFormat  format);

G_END_DECLS
