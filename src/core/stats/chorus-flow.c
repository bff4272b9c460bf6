/* chorus-flow.c: one flow a watch hears
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chorus-flow-private.h"
#include "chorus-rtp.h"

/* While the kind is undecided, the RTP headers seen so far, so that a
 * flow that turns out to be RTP counts its first packets too. */
typedef struct
{
  ChorusRtpHeader header;
  gint64 arrival_usec;
  gboolean valid;
} HeldHeader;

struct _ChorusFlow
{
  GObject parent_instance;

  char *source;
  char *group;
  guint16 source_port;
  guint16 port;

  ChorusFlowKind kind;
  ChorusFlowClassifier classifier;
  guint32 clock_rate;      /* from the target; 0 unknown */
  int target_payload_type; /* the clock rate's payload type; -1 any */
  double media_rate_bps;

  ChorusFlowStats stats;
  ChorusRtpStats *rtp;
  ChorusTsStats *ts;
  guint64 n_malformed;
  gint64 host_dropped;

  HeldHeader held[CHORUS_FLOW_KIND_MAX_PACKETS];
  guint n_held;
};

G_DEFINE_FINAL_TYPE (ChorusFlow, chorus_flow, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chorus_flow_finalize (GObject *object)
{
  ChorusFlow *self = CHORUS_FLOW (object);

  g_free (self->source);
  g_free (self->group);
  g_free (self->rtp);
  g_clear_pointer (&self->ts, chorus_ts_stats_free);

  G_OBJECT_CLASS (chorus_flow_parent_class)->finalize (object);
}

static void
chorus_flow_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ChorusFlow *self = CHORUS_FLOW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_flow_class_init (ChorusFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chorus_flow_finalize;
  object_class->get_property = chorus_flow_get_property;

  /**
   * ChorusFlow:kind:
   *
   * A #ChorusFlowKind; %CHORUS_FLOW_KIND_AUTO until decided, then for good.
   */
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, CHORUS_FLOW_KIND_AUTO, CHORUS_FLOW_KIND_UDP,
                      CHORUS_FLOW_KIND_AUTO, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_flow_init (ChorusFlow *self)
{
  chorus_flow_stats_init (&self->stats);
  chorus_flow_classifier_init (&self->classifier);
  self->host_dropped = -1;
  self->target_payload_type = -1;
}

ChorusFlow *
_chorus_flow_new (const char              *source,
                  guint                    source_port,
                  const char              *group,
                  guint                    port,
                  ChorusFlowKind           kind,
                  const ChorusWatchTarget *target)
{
  ChorusFlow *self = g_object_new (CHORUS_TYPE_FLOW, NULL);

  self->source = g_strdup (source);
  self->source_port = (guint16) source_port;
  self->group = g_strdup (group);
  self->port = (guint16) port;
  /* Decided when the first datagram comes. */
  self->classifier.candidate = kind;
  if (target != NULL)
    {
      self->clock_rate = target->clock_rate;
      self->target_payload_type = target->payload_type;
      self->media_rate_bps = target->rate_bps;
    }

  return self;
}

static void
count_rtp (ChorusFlow            *self,
           const ChorusRtpHeader *header,
           gint64                 arrival_usec)
{
  if (self->rtp == NULL)
    {
      self->rtp = g_new0 (ChorusRtpStats, 1);
      chorus_rtp_stats_init (self->rtp);
      /* The SDP's rate is for its payload type; another keeps RFC 3551's. */
      if (self->clock_rate != 0
          && (self->target_payload_type < 0 || self->target_payload_type == header->payload_type))
        chorus_rtp_stats_set_clock_rate (self->rtp, self->clock_rate);
    }

  chorus_rtp_stats_add (self->rtp, header, arrival_usec);
}

static void
decide (ChorusFlow     *self,
        ChorusFlowKind  kind,
        guint          *ts_room)
{
  self->kind = kind;

  if ((kind == CHORUS_FLOW_KIND_TS || kind == CHORUS_FLOW_KIND_RTP_TS) && ts_room != NULL
      && *ts_room > 0)
    {
      (*ts_room)--;
      self->ts = chorus_ts_stats_new ();
      if (self->media_rate_bps > 0)
        chorus_ts_stats_set_media_rate (self->ts, self->media_rate_bps);
    }

  if (kind == CHORUS_FLOW_KIND_RTP || kind == CHORUS_FLOW_KIND_RTP_TS)
    {
      /* The packets that decided it, in the order they came, all of one
       * SSRC (the classifier saw to that for the last streak). */
      for (guint i = 0; i < self->n_held; i++)
        if (self->held[i].valid
            && (self->rtp == NULL || !chorus_rtp_stats_is_other_ssrc (self->rtp,
                                                                      self->held[i].header.ssrc)))
          count_rtp (self, &self->held[i].header, self->held[i].arrival_usec);
    }
  self->n_held = 0;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

ChorusFlowVerdict
_chorus_flow_add (ChorusFlow   *self,
                  const guint8 *data,
                  gsize         size,
                  gint64        arrival_usec,
                  int           ttl,
                  int           dscp,
                  gint64        host_dropped,
                  guint        *ts_room)
{
  ChorusRtpHeader header;
  gboolean is_rtp = FALSE;
  gboolean parsed = FALSE;

  g_return_val_if_fail (CHORUS_IS_FLOW (self), CHORUS_FLOW_COUNTED);

  if (self->kind == CHORUS_FLOW_KIND_RTP || self->kind == CHORUS_FLOW_KIND_RTP_TS
      || self->kind == CHORUS_FLOW_KIND_AUTO)
    {
      parsed = chorus_rtp_header_parse (data, size, &header, NULL);
      is_rtp = self->kind != CHORUS_FLOW_KIND_AUTO;
    }

  if (is_rtp && parsed && self->rtp != NULL && chorus_rtp_stats_is_other_ssrc (self->rtp,
                                                                               header.ssrc))
    return CHORUS_FLOW_OTHER_SSRC;

  chorus_flow_stats_add (&self->stats, size, arrival_usec, ttl, dscp);
  if (host_dropped >= 0)
    self->host_dropped = host_dropped;

  if (self->kind == CHORUS_FLOW_KIND_AUTO)
    {
      ChorusFlowKind given = self->classifier.candidate;
      ChorusFlowKind kind;

      if (given != CHORUS_FLOW_KIND_AUTO && self->stats.packets == 1)
        {
          /* Told, not guessed. */
          self->n_held = 0;
          decide (self, given, ts_room);
        }
      else
        {
          if (self->n_held < G_N_ELEMENTS (self->held))
            {
              self->held[self->n_held].header = header;
              self->held[self->n_held].valid = parsed;
              self->held[self->n_held].arrival_usec = arrival_usec;
              self->n_held++;
            }
          kind = chorus_flow_classifier_add (&self->classifier, data, size);
          if (kind == CHORUS_FLOW_KIND_AUTO)
            return CHORUS_FLOW_COUNTED;
          /* The held packets include this one. */
          decide (self, kind, ts_room);
          if (self->ts != NULL)
            goto ts;
          return CHORUS_FLOW_COUNTED;
        }
      parsed = self->kind == CHORUS_FLOW_KIND_RTP || self->kind == CHORUS_FLOW_KIND_RTP_TS
                 ? parsed
                 : FALSE;
      is_rtp = self->kind == CHORUS_FLOW_KIND_RTP || self->kind == CHORUS_FLOW_KIND_RTP_TS;
    }

  if (is_rtp)
    {
      if (!parsed)
        {
          self->n_malformed++;
          return CHORUS_FLOW_COUNTED;
        }
      count_rtp (self, &header, arrival_usec);
    }

ts:
  if (self->ts != NULL)
    {
      if (self->kind == CHORUS_FLOW_KIND_RTP_TS)
        {
          if (parsed)
            chorus_ts_stats_add_datagram (self->ts, data + header.payload_offset,
                                          header.payload_size, arrival_usec);
        }
      else
        chorus_ts_stats_add_datagram (self->ts, data, size, arrival_usec);
    }

  return CHORUS_FLOW_COUNTED;
}

void
_chorus_flow_tick (ChorusFlow *self,
                   gint64      now_usec)
{
  if (self->ts != NULL)
    chorus_ts_stats_tick (self->ts, now_usec);
}

gboolean
_chorus_flow_release_ts (ChorusFlow *self)
{
  if (self->ts == NULL)
    return FALSE;
  g_clear_pointer (&self->ts, chorus_ts_stats_free);
  return TRUE;
}

const char *
chorus_flow_get_source (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), NULL);
  return self->source;
}

guint
chorus_flow_get_source_port (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), 0);
  return self->source_port;
}

const char *
chorus_flow_get_group (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), NULL);
  return self->group;
}

guint
chorus_flow_get_port (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), 0);
  return self->port;
}

ChorusFlowKind
chorus_flow_get_kind (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), CHORUS_FLOW_KIND_AUTO);
  return self->kind;
}

const ChorusFlowStats *
chorus_flow_get_stats (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), NULL);
  return &self->stats;
}

const ChorusRtpStats *
chorus_flow_get_rtp_stats (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), NULL);
  return self->rtp;
}

guint64
chorus_flow_get_n_malformed (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), 0);
  return self->n_malformed;
}

const ChorusTsStats *
chorus_flow_get_ts_stats (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), NULL);
  return self->ts;
}

gint64
chorus_flow_get_host_dropped (ChorusFlow *self)
{
  g_return_val_if_fail (CHORUS_IS_FLOW (self), -1);
  return self->host_dropped;
}
