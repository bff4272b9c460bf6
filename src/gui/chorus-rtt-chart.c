/* chorus-rtt-chart.c: round trips over time, one line per responder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "chorus-rtt-chart.h"

/* The last this many probes are in view, fewer when they do not fit at
 * two pixels each. */
#define MAX_PROBES     300
#define MIN_PROBES     10
#define PAD            6
#define LOST_HEIGHT    6
#define SWATCH         10
#define LEGEND_MAX     150
/* Past this many lines, they are drawn one pixel wide without
 * antialiasing: a texture more than lines by then. */
#define MANY_LINES     32

struct _ChorusRttChart
{
  GtkWidget        parent_instance;

  GListModel      *model;
  ChorusResponder *selected;
  double           interval;
  guint            n_legend;
};

G_DEFINE_FINAL_TYPE (ChorusRttChart, chorus_rtt_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SELECTED,
  PROP_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The GNOME palette: darker shades on the light style, lighter ones on
 * the dark style, in an order that keeps neighbours apart. */
static const guint32 palette_light[] = {
  0x1c71d8, 0xe66100, 0x26a269, 0x813d9c, 0xc01c28,
  0x865e3c, 0x1a5fb4, 0xc64600, 0x2ec27e, 0x613583,
};
static const guint32 palette_dark[] = {
  0x62a0ea, 0xffa348, 0x57e389, 0xc061cb, 0xf66151,
  0xcdab8f, 0x99c1f1, 0xf8e45c, 0x8ff0a4, 0xdc8add,
};

void
_chorus_rtt_chart_get_color (guint    index,
                             gboolean dark,
                             GdkRGBA *color)
{
  const guint32 *palette = dark ? palette_dark : palette_light;
  guint32 rgb = palette[index % G_N_ELEMENTS (palette_light)];

  color->red = ((rgb >> 16) & 0xff) / 255.0f;
  color->green = ((rgb >> 8) & 0xff) / 255.0f;
  color->blue = (rgb & 0xff) / 255.0f;
  color->alpha = 1;
}

GtkWidget *
chorus_rtt_chart_new (void)
{
  return g_object_new (CHORUS_TYPE_RTT_CHART, NULL);
}

static const char *
responder_label (ChorusResponder *responder)
{
  const char *name = chorus_responder_get_name (responder);

  return name != NULL && *name != '\0' ? name : chorus_responder_get_address (responder);
}

static void
chorus_rtt_chart_update_description (ChorusRttChart *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  g_autofree char *description = NULL;

  /* Translators: the chart's description for screen readers */
  description = g_strdup_printf (ngettext ("Round trip over time for %u host",
                                           "Round trip over time for %u hosts", n),
                                 n);
  if (self->selected != NULL)
    {
      g_autofree char *hosts = g_steal_pointer (&description);

      /* Translators: %s is the sentence above, then a host's name */
      description = g_strdup_printf (_("%s, %s highlighted"), hosts,
                                     responder_label (self->selected));
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

static void
on_items_changed (ChorusRttChart *self)
{
  chorus_rtt_chart_update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A step of 1, 2 or 5 times a power of ten, at least @raw. */
static double
nice_step (double raw)
{
  double power = pow (10, floor (log10 (raw)));
  double fraction = raw / power;

  if (fraction <= 1)
    return power;
  if (fraction <= 2)
    return 2 * power;
  if (fraction <= 5)
    return 5 * power;
  return 10 * power;
}

static const double time_steps[] = {
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
  7200, 21600, 43200, 86400,
};

static char *
format_time (double seconds,
             double step)
{
  guint total = (guint) llround (seconds);

  if (step < 1)
    /* Translators: a time on the chart's axis, in seconds */
    return g_strdup_printf (_("%.*f s"), step < 0.1 ? 2 : 1, seconds);
  if (total < 60)
    return g_strdup_printf (_("%u s"), total);
  if (total < 3600)
    return g_strdup_printf ("%u:%02u", total / 60, total % 60);
  return g_strdup_printf ("%u:%02u:%02u", total / 3600, (total / 60) % 60, total % 60);
}

static char *
format_ms (double ms,
           double step)
{
  int digits = step >= 1 ? 0 : (int) ceil (-log10 (step));

  /* Translators: a round trip on the chart's axis, in milliseconds */
  return g_strdup_printf (_("%.*f ms"), digits, ms);
}

static void
append_layout (GtkSnapshot    *snapshot,
               PangoLayout    *layout,
               float           x,
               float           y,
               const GdkRGBA  *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

typedef struct
{
  double   x;
  double   y;
  double   width;
  double   height;
  guint32  first;
  guint32  last;
  double   top_ms;
  /* The top of the strip of lost probes. */
  double   lost_y;
} Plot;

static inline double
plot_x (const Plot *plot,
        guint32     seq)
{
  if (plot->last == plot->first)
    return plot->x + plot->width;
  return plot->x + ((double) seq - plot->first) * plot->width / (double) (plot->last - plot->first);
}

static inline double
plot_y (const Plot *plot,
        gint32      rtt_usec)
{
  double y = plot->y + plot->height - rtt_usec / 1000.0 * plot->height / plot->top_ms;

  return MAX (y, plot->y);
}

/* One responder's line, its isolated points and its lost probes, on @cr
 * in its colour. Nothing is allocated per point. */
static void
draw_responder (cairo_t         *cr,
                const Plot      *plot,
                ChorusResponder *responder,
                const GdkRGBA   *color,
                double           line_width)
{
  guint32 first = MAX (plot->first, chorus_responder_get_history_first (responder));
  guint32 last = MIN (plot->last, chorus_responder_get_history_last (responder));
  double tick = MAX (2, plot->width / (double) MAX (plot->last - plot->first, 1));
  gint32 before = CHORUS_RTT_PENDING;

  if (first > last)
    return;

  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
  cairo_set_line_width (cr, line_width);

  for (guint32 seq = first; seq <= last; seq++)
    {
      gint32 rtt = chorus_responder_get_history_rtt (responder, seq);

      if (rtt < 0)
        {
          before = rtt;
          continue;
        }

      if (before >= 0)
        cairo_line_to (cr, plot_x (plot, seq), plot_y (plot, rtt));
      else
        cairo_move_to (cr, plot_x (plot, seq), plot_y (plot, rtt));
      before = rtt;
    }
  cairo_stroke (cr);

  /* Points with no neighbour to draw a line to, and the lost probes as
   * ticks in the strip above the plot. */
  before = CHORUS_RTT_PENDING;
  for (guint32 seq = first; seq <= last; seq++)
    {
      gint32 rtt = chorus_responder_get_history_rtt (responder, seq);
      gint32 after = seq < last ? chorus_responder_get_history_rtt (responder, seq + 1)
                                : CHORUS_RTT_PENDING;

      if (rtt == CHORUS_RTT_LOST)
        cairo_rectangle (cr, plot_x (plot, seq) - tick / 2, plot->lost_y, tick, LOST_HEIGHT);
      else if (rtt >= 0 && before < 0 && after < 0)
        cairo_rectangle (cr, plot_x (plot, seq) - line_width, plot_y (plot, rtt) - line_width,
                         2 * line_width, 2 * line_width);
      before = rtt;
    }
  cairo_fill (cr);
}

/* Many lines are drawn into pixels directly, one pixel wide and
 * without antialiasing: a few nanoseconds a point, where stroking with
 * cairo costs about a microsecond. */
typedef struct
{
  guint8 *pixels;
  int     width;
  int     height;
  double  x;
  double  y;
  double  scale;
} Canvas;

static inline guint
mul255 (guint a,
        guint b)
{
  guint t = a * b + 128;

  return (t + (t >> 8)) >> 8;
}

/* @src: premultiplied, in the canvas's byte order (B, G, R, A);
 * @coverage: how much of the pixel the line covers, 0 to 255 */
static inline void
canvas_put (Canvas       *canvas,
            int           x,
            int           y,
            const guint8 *src,
            guint         coverage)
{
  guint8 *p;
  guint alpha;

  if ((guint) x >= (guint) canvas->width || (guint) y >= (guint) canvas->height)
    return;

  p = canvas->pixels + ((gsize) y * canvas->width + x) * 4;
  if (coverage >= 255 && src[3] == 255)
    {
      memcpy (p, src, 4);
      return;
    }

  alpha = 255 - mul255 (src[3], coverage);
  for (guint i = 0; i < 4; i++)
    p[i] = (guint8) (mul255 (src[i], coverage) + mul255 (p[i], alpha));
}

/* An antialiased line a pixel wide from (x0, y0) to (x1, y1), in canvas
 * pixels (Xiaolin Wu's), without its first column or row, which the
 * line before it drew: a translucent line stays even at its joints. */
static void
canvas_line (Canvas       *canvas,
             double        x0,
             double        y0,
             double        x1,
             double        y1,
             const guint8 *src)
{
  gboolean steep = fabs (y1 - y0) > fabs (x1 - x0);
  double gradient;
  int from, to, step;

  if (steep)
    {
      double t;

      t = x0, x0 = y0, y0 = t;
      t = x1, x1 = y1, y1 = t;
    }

  from = (int) round (x0);
  to = (int) round (x1);
  if (from == to)
    return;

  step = from < to ? 1 : -1;
  gradient = (y1 - y0) / (x1 - x0);

  for (int i = from + step; i != to + step; i += step)
    {
      double y = y0 + gradient * (i - x0);
      int whole = (int) floor (y);
      guint below = (guint) ((y - whole) * 255);

      if (steep)
        {
          canvas_put (canvas, whole, i, src, 255 - below);
          canvas_put (canvas, whole + 1, i, src, below);
        }
      else
        {
          canvas_put (canvas, i, whole, src, 255 - below);
          canvas_put (canvas, i, whole + 1, src, below);
        }
    }
}

/* The same without antialiasing (Bresenham's), for many lines: a pixel
 * each step instead of two blended ones. */
static void
canvas_line_sharp (Canvas       *canvas,
                   int           x0,
                   int           y0,
                   int           x1,
                   int           y1,
                   const guint8 *src)
{
  int dx = ABS (x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -ABS (y1 - y0), sy = y0 < y1 ? 1 : -1;
  int error = dx + dy;

  while (x0 != x1 || y0 != y1)
    {
      int e2 = 2 * error;

      if (e2 >= dy)
        {
          error += dy;
          x0 += sx;
        }
      if (e2 <= dx)
        {
          error += dx;
          y0 += sy;
        }
      canvas_put (canvas, x0, y0, src, 255);
    }
}

static void
canvas_rect (Canvas       *canvas,
             int           x,
             int           y,
             int           width,
             int           height,
             const guint8 *src)
{
  for (int j = y; j < y + height; j++)
    for (int i = x; i < x + width; i++)
      canvas_put (canvas, i, j, src, 255);
}

static void
draw_responder_pixels (Canvas          *canvas,
                       const Plot      *plot,
                       ChorusResponder *responder,
                       const GdkRGBA   *color,
                       gboolean         sharp)
{
  guint32 first = MAX (plot->first, chorus_responder_get_history_first (responder));
  guint32 last = MIN (plot->last, chorus_responder_get_history_last (responder));
  int tick = MAX (2, (int) (canvas->scale * plot->width / MAX (plot->last - plot->first, 1)));
  int lost_y = (int) ((plot->lost_y - canvas->y) * canvas->scale);
  int lost_height = (int) (LOST_HEIGHT * canvas->scale);
  gboolean joined = FALSE;
  guint8 src[4];
  double px = 0, py = 0;

  src[3] = (guint8) (color->alpha * 255);
  src[2] = (guint8) (color->red * src[3]);
  src[1] = (guint8) (color->green * src[3]);
  src[0] = (guint8) (color->blue * src[3]);

  for (guint32 seq = first; seq <= last && first <= last; seq++)
    {
      gint32 rtt = chorus_responder_get_history_rtt (responder, seq);
      double x = (plot_x (plot, seq) - canvas->x) * canvas->scale;

      if (rtt >= 0)
        {
          double y = (plot_y (plot, rtt) - canvas->y) * canvas->scale;

          if (joined && sharp)
            canvas_line_sharp (canvas, (int) px, (int) py, (int) x, (int) y, src);
          else if (joined)
            canvas_line (canvas, px, py, x, y, src);
          else
            canvas_rect (canvas, (int) x, (int) y, 2, 2, src);
          px = x;
          py = y;
          joined = TRUE;
          continue;
        }

      joined = FALSE;
      if (rtt == CHORUS_RTT_LOST)
        canvas_rect (canvas, (int) x - tick / 2, lost_y, tick, lost_height, src);
    }
}

static void
chorus_rtt_chart_snapshot_lines (ChorusRttChart *self,
                                 GtkSnapshot    *snapshot,
                                 const Plot     *plot,
                                 gboolean        dark)
{
  guint n = g_list_model_get_n_items (self->model);
  gboolean many = TRUE;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (plot->x - PAD, plot->lost_y,
                                               plot->width + 2 * PAD,
                                               plot->y + plot->height + PAD - plot->lost_y);
  cairo_t *cr;

  if (many)
    {
      int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
      Canvas canvas = {
        .width = (int) ceil (bounds.size.width * scale),
        .height = (int) ceil (bounds.size.height * scale),
        .x = bounds.origin.x,
        .y = bounds.origin.y,
        .scale = scale,
      };
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      canvas.pixels = g_malloc0 ((gsize) canvas.width * canvas.height * 4);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ChorusResponder) responder = g_list_model_get_item (self->model, i);
          GdkRGBA color;

          if (responder == self->selected)
            continue;

          _chorus_rtt_chart_get_color (chorus_responder_get_index (responder), dark, &color);
          /* Dimmed towards the card's colour rather than made translucent:
           * opaque pixels are copied, not blended. */
          if (self->selected != NULL)
            {
              float towards = dark ? 0.19f : 1.0f;

              color.red = color.red * 0.3f + towards * 0.7f;
              color.green = color.green * 0.3f + towards * 0.7f;
              color.blue = color.blue * 0.3f + towards * 0.7f;
            }
          draw_responder_pixels (&canvas, plot, responder, &color, n > MANY_LINES);
        }

      bytes = g_bytes_new_take (canvas.pixels, (gsize) canvas.width * canvas.height * 4);
      texture = gdk_memory_texture_new (canvas.width, canvas.height,
                                        GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes,
                                        (gsize) canvas.width * 4);
      gtk_snapshot_append_texture (snapshot, texture, &bounds);

      if (self->selected == NULL)
        return;
    }

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < n && !many; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (self->model, i);
      GdkRGBA color;

      if (responder == self->selected)
        continue;

      _chorus_rtt_chart_get_color (chorus_responder_get_index (responder), dark, &color);
      if (self->selected != NULL)
        color.alpha = 0.3f;
      draw_responder (cr, plot, responder, &color, 1.5);
    }

  /* The selected line goes on top, thicker. */
  if (self->selected != NULL)
    {
      GdkRGBA color;

      _chorus_rtt_chart_get_color (chorus_responder_get_index (self->selected), dark, &color);
      draw_responder (cr, plot, self->selected, &color, 3);
    }

  cairo_destroy (cr);
}

/* The legend along the bottom, in at most @rows rows: the selected
 * responder first, then in order of first answer; “+N more” for those
 * that do not fit. Returns how many entries were drawn. */
static guint
chorus_rtt_chart_snapshot_legend (ChorusRttChart *self,
                                  GtkSnapshot    *snapshot,
                                  double          top,
                                  double          row_height,
                                  guint           rows,
                                  const GdkRGBA  *text_color,
                                  gboolean        dark)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  guint n = g_list_model_get_n_items (self->model);
  g_autoptr(PangoLayout) more = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  int more_width = 0;
  double x = PAD;
  guint row = 0;
  guint shown = 0;
  /* With a selection, it comes first and is skipped where it is. */
  guint n_entries = self->selected != NULL ? n + 1 : n;

  for (guint i = 0; i < n_entries; i++)
    {
      g_autoptr(ChorusResponder) responder = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      g_autofree char *more_text = NULL;
      GdkRGBA color;
      int text_width, text_height;
      double entry;

      if (self->selected != NULL)
        responder = i == 0 ? g_object_ref (self->selected)
                           : g_list_model_get_item (self->model, i - 1);
      else
        responder = g_list_model_get_item (self->model, i);
      if (responder == NULL || (i > 0 && responder == self->selected))
        continue;

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), responder_label (responder));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_width (layout, LEGEND_MAX * PANGO_SCALE);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      entry = SWATCH + 4 + text_width + 12;

      /* Room for “+N more” after this entry, on the last row. */
      more_text = g_strdup_printf (_("+%u more"), n - shown - 1);
      pango_layout_set_text (more, more_text, -1);
      pango_layout_get_pixel_size (more, &more_width, NULL);

      if (x > PAD && x + entry > width - PAD)
        {
          row++;
          x = PAD;
        }
      if (row >= rows
          || (row == rows - 1 && shown + 1 < n && x + entry + more_width > width - PAD))
        break;

      _chorus_rtt_chart_get_color (chorus_responder_get_index (responder), dark, &color);
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (x, top + row * row_height
                                                           + (row_height - SWATCH) / 2,
                                                      SWATCH, SWATCH));
      append_layout (snapshot, layout, x + SWATCH + 4,
                     top + row * row_height + (row_height - text_height) / 2, text_color);
      x += entry;
      shown++;
    }

  if (shown < n)
    {
      g_autofree char *more_text = g_strdup_printf (_("+%u more"), n - shown);
      int text_height;

      pango_layout_set_text (more, more_text, -1);
      pango_layout_get_pixel_size (more, NULL, &text_height);
      if (row >= rows)
        row = rows - 1;
      append_layout (snapshot, more, x, top + row * row_height + (row_height - text_height) / 2,
                     text_color);
    }

  return shown;
}

static void
chorus_rtt_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  ChorusRttChart *self = CHORUS_RTT_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  GdkRGBA text_color, dim_color, grid_color;
  double interval = self->interval > 0 ? self->interval : 1;
  double left, bottom, legend_height = 0, row_height, max_ms = 0, step, time_step;
  int text_width, text_height;
  guint32 last = 0;
  guint rows = 0, n_probes;
  Plot plot;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &text_color);
  dim_color = text_color;
  dim_color.alpha *= 0.7f;
  grid_color = text_color;
  grid_color.alpha *= 0.12f;

  pango_layout_set_text (layout, "0", -1);
  pango_layout_get_pixel_size (layout, NULL, &text_height);
  row_height = MAX (text_height, SWATCH) + 4;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusResponder) responder = g_list_model_get_item (self->model, i);

      last = MAX (last, chorus_responder_get_history_last (responder));
    }

  if (n > 0)
    {
      rows = width < 400 ? 1 : 2;
      legend_height = rows * row_height + PAD;
    }

  bottom = text_height + 4 + legend_height;

  /* The y axis labels are measured once the scale is known; a first
   * guess at their width sets how many probes fit. */
  left = PAD + 56;
  plot.width = MAX (width - left - 2 * PAD, 1);
  n_probes = CLAMP ((guint) (plot.width / 2), MIN_PROBES, MAX_PROBES);
  /* Early in a run the probes so far span the width; then the chart
   * scrolls. */
  plot.last = MAX (last, MIN_PROBES);
  n_probes = MIN (n_probes, plot.last);
  plot.first = plot.last - n_probes + 1;

  /* The scale fits the round trips but the highest 1 %: a single spike
   * would flatten every line. Quarter-octave buckets find them without
   * sorting; spikes above are drawn at the top edge. */
  {
    guint buckets[33 * 4] = { 0 };
    guint64 total = 0, seen = 0;
    gint32 highest = 0;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(ChorusResponder) responder = g_list_model_get_item (self->model, i);
        guint32 first = MAX (plot.first, chorus_responder_get_history_first (responder));
        guint32 upto = MIN (plot.last, chorus_responder_get_history_last (responder));

        for (guint32 seq = first; seq <= upto && upto > 0; seq++)
          {
            gint32 rtt = chorus_responder_get_history_rtt (responder, seq);
            guint octave;

            if (rtt < 0)
              continue;
            octave = g_bit_storage ((gulong) rtt | 4);
            buckets[octave * 4 + ((rtt >> (octave - 3)) & 3)]++;
            highest = MAX (highest, rtt);
            total++;
          }
      }

    max_ms = highest / 1000.0;
    for (guint b = 0; b < G_N_ELEMENTS (buckets) && total > 0; b++)
      {
        seen += buckets[b];
        if (seen * 100 >= total * 99)
          {
            /* The bucket's upper edge. */
            double edge = ldexp (4 + (b & 3) + 1, (int) (b / 4) - 3) / 1000.0;

            max_ms = MIN (max_ms, edge);
            break;
          }
      }
  }

  if (max_ms <= 0)
    max_ms = 1;
  step = nice_step (max_ms / 4);
  plot.top_ms = ceil (max_ms / step - 1e-9) * step;

  {
    g_autofree char *widest = format_ms (plot.top_ms, step);

    pango_layout_set_text (layout, widest, -1);
    pango_layout_get_pixel_size (layout, &text_width, NULL);
    left = PAD + text_width + PAD;
  }

  /* The strip of lost probes sits on the first line of text, the plot
   * below it, clear of its top label. */
  plot.x = left;
  plot.lost_y = PAD + (text_height - LOST_HEIGHT) / 2.0;
  plot.y = PAD + text_height * 1.5 + 2;
  plot.width = MAX (width - left - 2 * PAD, 1);
  plot.height = MAX (height - plot.y - bottom - PAD, 1);

  /* Grid and the round-trip scale. */
  for (double ms = 0; ms <= plot.top_ms + step / 2; ms += step)
    {
      g_autofree char *label = format_ms (ms, step);
      double y = plot.y + plot.height - ms * plot.height / plot.top_ms;

      gtk_snapshot_append_color (snapshot, &grid_color,
                                 &GRAPHENE_RECT_INIT (plot.x, round (y), plot.width, 1));
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      append_layout (snapshot, layout, left - PAD - text_width, y - text_height / 2.0, &dim_color);
    }

  /* The strip of lost probes, named. */
  pango_layout_set_text (layout, C_("chart", "lost"), -1);
  pango_layout_get_pixel_size (layout, &text_width, NULL);
  append_layout (snapshot, layout, left - PAD - text_width, PAD, &dim_color);

  /* The time axis: time since the run's first probe. */
  time_step = time_steps[G_N_ELEMENTS (time_steps) - 1];
  for (guint i = 0; i < G_N_ELEMENTS (time_steps); i++)
    if (time_steps[i] / interval * plot.width / MAX (plot.last - plot.first, 1) >= 72)
      {
        time_step = time_steps[i];
        break;
      }

  for (double t = ceil ((plot.first - 1) * interval / time_step - 1e-9) * time_step;
       t <= (plot.last - 1) * interval + 1e-9; t += time_step)
    {
      /* No “-0.0 s” from rounding. */
      g_autofree char *label = format_time (MAX (t, 0), time_step);
      double x = plot_x (&plot, 1) + t / interval * plot.width / MAX (plot.last - plot.first, 1);

      if (x < plot.x - 0.5)
        continue;

      gtk_snapshot_append_color (snapshot, &grid_color,
                                 &GRAPHENE_RECT_INIT (round (x), plot.y, 1, plot.height + 3));
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      append_layout (snapshot, layout,
                     CLAMP (x - text_width / 2.0, 0, width - text_width),
                     plot.y + plot.height + 4, &dim_color);
    }

  if (n > 0)
    chorus_rtt_chart_snapshot_lines (self, snapshot, &plot, dark);

  self->n_legend = 0;
  if (rows > 0)
    self->n_legend = chorus_rtt_chart_snapshot_legend (self, snapshot,
                                                       height - legend_height, row_height, rows,
                                                       &text_color, dark);
}

static void
chorus_rtt_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 480;
    }
  else
    {
      *minimum = 180;
      *natural = 260;
    }
}

static void
chorus_rtt_chart_dispose (GObject *object)
{
  ChorusRttChart *self = CHORUS_RTT_CHART (object);

  chorus_rtt_chart_set_model (self, NULL);
  g_clear_object (&self->selected);

  G_OBJECT_CLASS (chorus_rtt_chart_parent_class)->dispose (object);
}

static void
chorus_rtt_chart_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChorusRttChart *self = CHORUS_RTT_CHART (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_rtt_chart_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ChorusRttChart *self = CHORUS_RTT_CHART (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      chorus_rtt_chart_set_model (self, g_value_get_object (value));
      break;
    case PROP_SELECTED:
      chorus_rtt_chart_set_selected (self, g_value_get_object (value));
      break;
    case PROP_INTERVAL:
      chorus_rtt_chart_set_interval (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_rtt_chart_class_init (ChorusRttChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = chorus_rtt_chart_dispose;
  object_class->get_property = chorus_rtt_chart_get_property;
  object_class->set_property = chorus_rtt_chart_set_property;

  widget_class->snapshot = chorus_rtt_chart_snapshot;
  widget_class->measure = chorus_rtt_chart_measure;

  /* The responders to draw (ChorusResponder). */
  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL, rw);
  /* Drawn on top and thicker, the others dimmed. */
  properties[PROP_SELECTED] = g_param_spec_object ("selected", NULL, NULL,
                                                   CHORUS_TYPE_RESPONDER, rw);
  /* Seconds between probes: the time axis. */
  properties[PROP_INTERVAL] = g_param_spec_double ("interval", NULL, NULL, 0, G_MAXDOUBLE, 1, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "rttchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
chorus_rtt_chart_init (ChorusRttChart *self)
{
  self->interval = 1;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Round-Trip Chart"), -1);
  chorus_rtt_chart_update_description (self);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

GListModel *
chorus_rtt_chart_get_model (ChorusRttChart *self)
{
  g_return_val_if_fail (CHORUS_IS_RTT_CHART (self), NULL);

  return self->model;
}

void
chorus_rtt_chart_set_model (ChorusRttChart *self,
                            GListModel     *model)
{
  g_return_if_fail (CHORUS_IS_RTT_CHART (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, model);
  if (self->model != NULL)
    g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (on_items_changed), self);

  on_items_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ChorusResponder *
chorus_rtt_chart_get_selected (ChorusRttChart *self)
{
  g_return_val_if_fail (CHORUS_IS_RTT_CHART (self), NULL);

  return self->selected;
}

void
chorus_rtt_chart_set_selected (ChorusRttChart  *self,
                               ChorusResponder *selected)
{
  g_return_if_fail (CHORUS_IS_RTT_CHART (self));
  g_return_if_fail (selected == NULL || CHORUS_IS_RESPONDER (selected));

  if (!g_set_object (&self->selected, selected))
    return;

  chorus_rtt_chart_update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

double
chorus_rtt_chart_get_interval (ChorusRttChart *self)
{
  g_return_val_if_fail (CHORUS_IS_RTT_CHART (self), 1);

  return self->interval;
}

void
chorus_rtt_chart_set_interval (ChorusRttChart *self,
                               double          seconds)
{
  g_return_if_fail (CHORUS_IS_RTT_CHART (self));

  if (self->interval == seconds)
    return;

  self->interval = seconds;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

/*
 * chorus_rtt_chart_get_n_legend:
 *
 * Returns: how many responders the legend named when last drawn
 */
guint
chorus_rtt_chart_get_n_legend (ChorusRttChart *self)
{
  g_return_val_if_fail (CHORUS_IS_RTT_CHART (self), 0);

  return self->n_legend;
}
