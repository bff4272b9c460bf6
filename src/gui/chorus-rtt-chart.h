/* chorus-rtt-chart.h: round trips over time, one line per responder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chorus-responder.h"

G_BEGIN_DECLS

#define CHORUS_TYPE_RTT_CHART (chorus_rtt_chart_get_type ())

G_DECLARE_FINAL_TYPE (ChorusRttChart, chorus_rtt_chart, CHORUS, RTT_CHART, GtkWidget)

GtkWidget       *chorus_rtt_chart_new          (void);
GListModel      *chorus_rtt_chart_get_model    (ChorusRttChart  *self);
void             chorus_rtt_chart_set_model    (ChorusRttChart  *self,
                                                GListModel      *model);
ChorusResponder *chorus_rtt_chart_get_selected (ChorusRttChart  *self);
void             chorus_rtt_chart_set_selected (ChorusRttChart  *self,
                                                ChorusResponder *selected);
double           chorus_rtt_chart_get_interval (ChorusRttChart  *self);
void             chorus_rtt_chart_set_interval (ChorusRttChart  *self,
                                                double           seconds);
guint            chorus_rtt_chart_get_n_legend (ChorusRttChart  *self);

/* Shared with the table: the responder's colour in the current style. */
void             _chorus_rtt_chart_get_color   (guint            index,
                                                gboolean         dark,
                                                GdkRGBA         *color);

G_END_DECLS
