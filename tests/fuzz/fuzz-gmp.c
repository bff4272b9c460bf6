/* fuzz-gmp.c: the IGMP and MLD parsers, and the querier, on any bytes
 *
 * The input is read once as IGMP and once as MLD. Whatever the bytes,
 * the parsers stay inside them, every record handed back lies inside
 * the message, the records never run past what the report holds, and
 * the querier they feed keeps its rules: the querier is the lowest
 * address present, and its intervals follow from its timers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-gmp.h"
#include "chorus-querier.h"
#include "fuzz.h"

static gboolean
inside (const guint8 *pointer,
        gsize         size,
        const guint8 *data,
        gsize         data_size)
{
  if (pointer == NULL)
    return size == 0;
  return pointer >= data && size <= data_size && (gsize) (pointer - data) <= data_size - size;
}

static void
check (const uint8_t *data,
       size_t         size,
       gboolean       ipv6)
{
  static ChorusQuerier querier[2];
  static gboolean ready;
  gsize address_size = ipv6 ? 16 : 4;
  ChorusGmpMessage message;
  ChorusGmpRecord record;
  g_autoptr (GError) error = NULL;
  gsize offset = 0;
  guint n = 0;
  guint8 source[16] = { 0 };

  if (!ready)
    {
      chorus_querier_init (&querier[0], G_SOCKET_FAMILY_IPV4);
      chorus_querier_init (&querier[1], G_SOCKET_FAMILY_IPV6);
      ready = TRUE;
    }

  if (!(ipv6 ? chorus_mld_parse : chorus_igmp_parse) (data, size, &message, &error))
    {
      fuzz_check (error != NULL);
      return;
    }
  fuzz_check (error == NULL);
  fuzz_check (message.family == (ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4));
  fuzz_check (message.version >= 1 && message.version <= 3);
  fuzz_check (inside (message.sources, message.n_sources * address_size, data, size));
  fuzz_check (inside (message.records, message.records_size, data, size));
  fuzz_check (message.n_sources <= CHORUS_GMP_MAX_SOURCES);

  while (chorus_gmp_next_record (&message, &offset, &record, &error))
    {
      fuzz_check (inside (record.sources, record.n_sources * address_size, data, size));
      fuzz_check (offset <= message.records_size);
      fuzz_check (record.type >= CHORUS_GMP_MODE_IS_INCLUDE
                  && record.type <= CHORUS_GMP_BLOCK_OLD_SOURCES);
      fuzz_check (chorus_gmp_record_type_to_string (record.type) != NULL);
      n++;
    }
  if (error != NULL)
    fuzz_check (error->domain != 0 && error->message != NULL);
  /* Each record is at least 8 (IGMP) or 20 (MLD) bytes. */
  fuzz_check (n <= message.records_size / (4 + address_size));

  if (message.kind != CHORUS_GMP_QUERY)
    return;

  /* Queries from an address the input picks, at a time it picks. */
  memcpy (source, data, MIN (size, address_size));
  {
    ChorusQuerier *q = &querier[ipv6];
    gint64 now = (gint64) (size > 4 ? data[4] : 0) * G_USEC_PER_SEC + q->last_query_usec;
    ChorusQuerierChange change = chorus_querier_take_query (q, source, &message, now);

    fuzz_check (q->present);
    if (change & CHORUS_QUERIER_SECOND)
      fuzz_check (chorus_querier_compare_addresses (q->address, source, address_size) < 0);
    else
      fuzz_check (memcmp (q->address, source, address_size) == 0);
    fuzz_check (chorus_querier_get_membership_interval_usec (q)
                >= chorus_querier_get_other_present_usec (q));
    fuzz_check (chorus_querier_get_qrv (q) >= 1);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check (data, size, FALSE);
  check (data, size, TRUE);

  return 0;
}
