/* chorus-probe.h: the Chorus probe and answer on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks. docs/PROTOCOL.md
 * describes the layout these read and write.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every Chorus datagram starts with these four bytes. */
#define CHORUS_WIRE_MAGIC        "CHOR"
#define CHORUS_WIRE_MAGIC_SIZE   4
/* The version this code writes; readers accept any version from 1 up
 * and skip fields they do not know. */
#define CHORUS_WIRE_VERSION      1
/* Magic, version, kind and two reserved bytes. */
#define CHORUS_WIRE_HEADER_SIZE  8
/* The largest UDP payload over IPv4; nothing larger is read or written. */
#define CHORUS_WIRE_MAX_SIZE     65507
/* The longest name an answer carries, in bytes. */
#define CHORUS_WIRE_NAME_MAX     64
/* Probes are padded to at least this size so that an answer with a
 * full name is never larger than the probe that asked for it. */
#define CHORUS_WIRE_PROBE_MIN_SIZE 128

typedef enum
{
  CHORUS_WIRE_NONE   = 0,
  CHORUS_WIRE_PROBE  = 1,
  CHORUS_WIRE_ANSWER = 2,
} ChorusWireKind;

typedef struct
{
  guint64       session;    /* random per run */
  guint32       seq;        /* from 1, one per probe */
  gint64        sent_usec;  /* the sender's clock; echoed, never interpreted */
  guint8        ttl;        /* TTL / hop limit the probe was sent with */
  guint32       spread_ms;  /* answer window: answer after a random hold in [0, spread) */
  const guint8 *text;       /* the typed message; borrowed, may be NULL */
  gsize         text_size;
} ChorusProbe;

typedef struct
{
  guint64       session;    /* echoed from the probe */
  guint32       seq;        /* echoed */
  gint64        sent_usec;  /* echoed */
  int           ttl;        /* TTL the probe arrived with, -1 if unknown */
  guint32       hold_usec;  /* how long the receiver held the answer */
  const char   *name;       /* the receiver's name; borrowed, not NUL-terminated, may be NULL */
  gsize         name_size;
} ChorusAnswer;

ChorusWireKind chorus_wire_get_kind     (const guint8      *data,
                                         gsize              size);

gboolean       chorus_probe_parse       (const guint8      *data,
                                         gsize              size,
                                         ChorusProbe       *probe);
gsize          chorus_probe_encode      (const ChorusProbe *probe,
                                         guint8            *buffer,
                                         gsize              buffer_size);

gboolean       chorus_answer_parse      (const guint8      *data,
                                         gsize              size,
                                         ChorusAnswer      *answer);
gsize          chorus_answer_encode     (const ChorusAnswer *answer,
                                         gsize              max_size,
                                         guint8            *buffer,
                                         gsize              buffer_size);

G_END_DECLS
