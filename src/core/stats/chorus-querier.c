/* chorus-querier.c: who the querier of a link is, as its queries tell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "chorus-querier.h"

static gsize
address_size (const ChorusQuerier *querier)
{
  return querier->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;
}

static gboolean
is_general (const ChorusGmpMessage *query)
{
  static const guint8 zero[16];

  return memcmp (query->group, zero, sizeof zero) == 0;
}

void
chorus_querier_init (ChorusQuerier *querier,
                     int            family)
{
  g_return_if_fail (querier != NULL);
  g_return_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6);

  memset (querier, 0, sizeof *querier);
  querier->family = family;
}

int
chorus_querier_compare_addresses (const guint8 *a,
                                  const guint8 *b,
                                  gsize         size)
{
  return memcmp (a, b, size);
}

guint
chorus_querier_get_qrv (const ChorusQuerier *querier)
{
  g_return_val_if_fail (querier != NULL, CHORUS_QUERIER_DEFAULT_QRV);

  return querier->present && querier->qrv > 0 ? querier->qrv : CHORUS_QUERIER_DEFAULT_QRV;
}

gint64
chorus_querier_get_query_interval_usec (const ChorusQuerier *querier)
{
  g_return_val_if_fail (querier != NULL, 0);

  if (querier->present && querier->qqi_s > 0)
    return (gint64) querier->qqi_s * G_USEC_PER_SEC;
  if (querier->present && querier->interval_usec > 0)
    return querier->interval_usec;

  return (gint64) CHORUS_QUERIER_DEFAULT_QI_S * G_USEC_PER_SEC;
}

static gint64
response_interval_usec (const ChorusQuerier *querier)
{
  return (gint64) (querier->present ? querier->max_resp_ms : CHORUS_QUERIER_DEFAULT_QRI_MS) * 1000;
}

gint64
chorus_querier_get_membership_interval_usec (const ChorusQuerier *querier)
{
  g_return_val_if_fail (querier != NULL, 0);

  return chorus_querier_get_qrv (querier) * chorus_querier_get_query_interval_usec (querier)
         + response_interval_usec (querier);
}

gint64
chorus_querier_get_other_present_usec (const ChorusQuerier *querier)
{
  g_return_val_if_fail (querier != NULL, 0);

  return chorus_querier_get_qrv (querier) * chorus_querier_get_query_interval_usec (querier)
         + response_interval_usec (querier) / 2;
}

gint64
chorus_querier_get_expiry_usec (const ChorusQuerier *querier,
                                gint64               reported_usec)
{
  g_return_val_if_fail (querier != NULL, 0);

  return reported_usec + chorus_querier_get_membership_interval_usec (querier);
}

gboolean
chorus_querier_is_present (const ChorusQuerier *querier,
                           gint64               now_usec)
{
  g_return_val_if_fail (querier != NULL, FALSE);

  return querier->present
         && now_usec - querier->last_query_usec <= chorus_querier_get_other_present_usec (querier);
}

static void
take_timers (ChorusQuerier          *querier,
             const ChorusGmpMessage *query)
{
  querier->version = query->version;
  querier->max_resp_ms = query->max_resp_ms;
  querier->qrv = query->qrv;
  querier->qqi_s = query->qqi_s;
  querier->s_flag = query->s_flag;
}

/**
 * chorus_querier_take_query:
 *
 * A query from an address below the querier's takes over, as the
 * election says; so does any query once the querier has been silent for
 * the Other Querier Present Interval. A query from above, meanwhile,
 * comes from a second querier (one that has not heard the first, or
 * does not follow the election).
 */
ChorusQuerierChange
chorus_querier_take_query (ChorusQuerier          *querier,
                           const guint8           *source,
                           const ChorusGmpMessage *query,
                           gint64                  now_usec)
{
  gsize size;
  int order;
  guint version;
  ChorusQuerierChange change = CHORUS_QUERIER_NOTHING;

  g_return_val_if_fail (querier != NULL, CHORUS_QUERIER_NOTHING);
  g_return_val_if_fail (source != NULL, CHORUS_QUERIER_NOTHING);
  g_return_val_if_fail (query != NULL, CHORUS_QUERIER_NOTHING);

  if (query->kind != CHORUS_GMP_QUERY || query->family != querier->family)
    return CHORUS_QUERIER_NOTHING;

  size = address_size (querier);
  querier->queries++;
  if (is_general (query))
    querier->general_queries++;

  order = querier->present ? chorus_querier_compare_addresses (source, querier->address, size) : -1;
  if (order > 0 && chorus_querier_is_present (querier, now_usec))
    {
      memcpy (querier->second, source, size);
      querier->second_usec = now_usec;
      querier->second_present = TRUE;
      return CHORUS_QUERIER_SECOND;
    }

  if (order != 0)
    {
      /* A new querier: the one before, if any, is second while it lasts. */
      if (querier->present && chorus_querier_is_present (querier, now_usec))
        {
          memcpy (querier->second, querier->address, size);
          querier->second_usec = querier->last_query_usec;
          querier->second_present = TRUE;
        }
      else
        querier->second_present = FALSE;
      memcpy (querier->address, source, size);
      querier->present = TRUE;
      querier->interval_usec = 0;
      querier->last_query_usec = 0;
      change |= CHORUS_QUERIER_ELECTED;
    }

  version = querier->version;
  take_timers (querier, query);
  if (!(change & CHORUS_QUERIER_ELECTED) && version != query->version)
    change |= CHORUS_QUERIER_NEW_VERSION;

  if (is_general (query))
    {
      if (querier->last_query_usec > 0)
        querier->interval_usec = now_usec - querier->last_query_usec;
      querier->last_query_usec = now_usec;
    }
  else if (querier->last_query_usec == 0)
    querier->last_query_usec = now_usec;

  return change;
}
