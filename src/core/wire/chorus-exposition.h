/* chorus-exposition.h: the Prometheus text format (version 0.0.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions that append to a GString: no sockets, no clocks. A
 * family is its HELP and TYPE lines, then its samples; labels are given
 * as NULL-terminated name, value pairs, values escaped here.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What GET /metrics answers with. */
#define CHORUS_EXPOSITION_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

typedef enum
{
  CHORUS_METRIC_COUNTER,
  CHORUS_METRIC_GAUGE,
  CHORUS_METRIC_HISTOGRAM,
} ChorusMetricType;

/* The round trip buckets, in seconds: those of smokeping_prober, 50 µs
 * doubling up to 26.2 s. */
#define CHORUS_EXPOSITION_RTT_BUCKETS 20
extern const double chorus_exposition_rtt_bounds[CHORUS_EXPOSITION_RTT_BUCKETS];

gboolean chorus_exposition_name_is_valid  (const char       *name);
gboolean chorus_exposition_label_is_valid (const char       *name);
void     chorus_exposition_append_label_value (GString      *out,
                                               const char   *value);
void     chorus_exposition_append_value   (GString          *out,
                                           double            value);
void     chorus_exposition_family         (GString          *out,
                                           const char       *name,
                                           ChorusMetricType  type,
                                           const char       *help);
void     chorus_exposition_sample         (GString          *out,
                                           const char       *name,
                                           const char      **labels,
                                           double            value);
/* counts[i] are the observations at or below bounds[i] and above the
 * bound before (not cumulative: the +Inf bucket is count). */
void     chorus_exposition_histogram      (GString          *out,
                                           const char       *name,
                                           const char      **labels,
                                           const double     *bounds,
                                           const guint64    *counts,
                                           guint             n_bounds,
                                           double            sum,
                                           guint64           count);

G_END_DECLS
