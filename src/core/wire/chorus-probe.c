/* chorus-probe.c: the Chorus probe and answer on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A datagram is an 8-byte header and then fields, each a type byte, a
 * 16-bit big-endian length and the value, up to the end of the datagram.
 * docs/PROTOCOL.md is the reference; this file follows it to the letter.
 *
 * Readers are strict about what they know and blind to what they do not:
 * a known field with the wrong length, or twice, is an error, while an
 * unknown type (or one that belongs to the other kind) is skipped whole.
 * That is what lets a version 1 reader take a version 2 datagram.
 */

#include "config.h"

#include <string.h>

#include "chorus-probe.h"

enum
{
  FIELD_PAD         = 0,
  FIELD_SESSION     = 1,
  FIELD_SEQ         = 2,
  FIELD_SENT_TIME   = 3,
  FIELD_TTL         = 4,
  FIELD_SPREAD      = 5,
  FIELD_TEXT        = 6,
  FIELD_ARRIVED_TTL = 7,
  FIELD_HOLD        = 8,
  FIELD_NAME        = 9,
  N_FIELDS
};

#define FIELD_HEADER_SIZE 3
#define FIELD_MAX_VALUE   G_MAXUINT16

/* The length each field must have; 0 for any length. */
static const guint8 field_sizes[N_FIELDS] = {
  [FIELD_SESSION] = 8,
  [FIELD_SEQ] = 4,
  [FIELD_SENT_TIME] = 8,
  [FIELD_TTL] = 1,
  [FIELD_SPREAD] = 4,
  [FIELD_ARRIVED_TTL] = 1,
  [FIELD_HOLD] = 4,
};

#define BIT(field) (1u << (field))

/* Which fields each kind reads; the others are skipped like unknown ones. */
static const guint kind_fields[] = {
  [CHORUS_WIRE_PROBE] = BIT (FIELD_SESSION) | BIT (FIELD_SEQ) | BIT (FIELD_SENT_TIME)
                        | BIT (FIELD_TTL) | BIT (FIELD_SPREAD) | BIT (FIELD_TEXT),
  [CHORUS_WIRE_ANSWER] = BIT (FIELD_SESSION) | BIT (FIELD_SEQ) | BIT (FIELD_SENT_TIME)
                         | BIT (FIELD_ARRIVED_TTL) | BIT (FIELD_HOLD) | BIT (FIELD_NAME),
};

static const guint probe_required = BIT (FIELD_SESSION) | BIT (FIELD_SEQ)
                                    | BIT (FIELD_SENT_TIME) | BIT (FIELD_TTL);
static const guint answer_required = BIT (FIELD_SESSION) | BIT (FIELD_SEQ)
                                     | BIT (FIELD_SENT_TIME);

/* Size of each fixed part of an encoded datagram. */
#define PROBE_BASE_SIZE \
  (CHORUS_WIRE_HEADER_SIZE + 5 * FIELD_HEADER_SIZE + 8 + 4 + 8 + 1 + 4)
#define ANSWER_BASE_SIZE \
  (CHORUS_WIRE_HEADER_SIZE + 4 * FIELD_HEADER_SIZE + 8 + 4 + 8 + 4)
#define ANSWER_TTL_SIZE (FIELD_HEADER_SIZE + 1)

typedef struct
{
  guint present;
  const guint8 *value[N_FIELDS];
  gsize size[N_FIELDS];
} Fields;

static guint16
read_u16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint64
read_u64 (const guint8 *p)
{
  return (guint64) read_u32 (p) << 32 | read_u32 (p + 4);
}

ChorusWireKind
chorus_wire_get_kind (const guint8 *data,
                      gsize         size)
{
  g_return_val_if_fail (data != NULL || size == 0, CHORUS_WIRE_NONE);

  if (size < CHORUS_WIRE_HEADER_SIZE)
    return CHORUS_WIRE_NONE;
  if (memcmp (data, CHORUS_WIRE_MAGIC, CHORUS_WIRE_MAGIC_SIZE) != 0)
    return CHORUS_WIRE_NONE;
  if (data[4] < 1)
    return CHORUS_WIRE_NONE;

  switch (data[5])
    {
    case CHORUS_WIRE_PROBE:
      return CHORUS_WIRE_PROBE;
    case CHORUS_WIRE_ANSWER:
      return CHORUS_WIRE_ANSWER;
    default:
      return CHORUS_WIRE_NONE;
    }
}

/* Reads the fields of a datagram of @kind into @fields. Every value
 * points into @data and lies wholly inside it. */
static gboolean
read_fields (const guint8   *data,
             gsize           size,
             ChorusWireKind  kind,
             Fields         *fields)
{
  gsize offset = CHORUS_WIRE_HEADER_SIZE;

  memset (fields, 0, sizeof *fields);

  if (size > CHORUS_WIRE_MAX_SIZE)
    return FALSE;
  if (chorus_wire_get_kind (data, size) != kind)
    return FALSE;

  while (offset < size)
    {
      guint8 type;
      gsize length;

      if (size - offset < FIELD_HEADER_SIZE)
        return FALSE;

      type = data[offset];
      length = read_u16 (data + offset + 1);
      offset += FIELD_HEADER_SIZE;

      if (length > size - offset)
        return FALSE;

      if (type < N_FIELDS && (kind_fields[kind] & BIT (type)) != 0)
        {
          if ((fields->present & BIT (type)) != 0)
            return FALSE;
          if (field_sizes[type] != 0 && length != field_sizes[type])
            return FALSE;
          if (type == FIELD_NAME && length > CHORUS_WIRE_NAME_MAX)
            return FALSE;

          fields->present |= BIT (type);
          fields->value[type] = data + offset;
          fields->size[type] = length;
        }

      offset += length;
    }

  return TRUE;
}

/**
 * chorus_probe_parse:
 * @data: (array length=size): a datagram
 * @probe: (out caller-allocates): the probe, filled only on success; its
 *   text points into @data (%NULL when there is none, or it is empty)
 *
 * Returns: %TRUE if @data is a well-formed probe
 */
gboolean
chorus_probe_parse (const guint8 *data,
                    gsize         size,
                    ChorusProbe  *probe)
{
  Fields fields;
  ChorusProbe result = { 0 };

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (probe != NULL, FALSE);

  if (!read_fields (data, size, CHORUS_WIRE_PROBE, &fields))
    return FALSE;
  if ((fields.present & probe_required) != probe_required)
    return FALSE;

  result.session = read_u64 (fields.value[FIELD_SESSION]);
  result.seq = read_u32 (fields.value[FIELD_SEQ]);
  result.sent_usec = (gint64) read_u64 (fields.value[FIELD_SENT_TIME]);
  result.ttl = fields.value[FIELD_TTL][0];
  if (fields.present & BIT (FIELD_SPREAD))
    result.spread_ms = read_u32 (fields.value[FIELD_SPREAD]);
  if (fields.size[FIELD_TEXT] > 0)
    {
      result.text = fields.value[FIELD_TEXT];
      result.text_size = fields.size[FIELD_TEXT];
    }

  if (result.seq == 0)
    return FALSE;

  *probe = result;
  return TRUE;
}

/**
 * chorus_answer_parse:
 * @data: (array length=size): a datagram
 * @answer: (out caller-allocates): the answer, filled only on success; its
 *   name points into @data (%NULL when there is none, or it is empty) and
 *   is whatever bytes the receiver sent: check it before showing it
 *
 * Returns: %TRUE if @data is a well-formed answer
 */
gboolean
chorus_answer_parse (const guint8 *data,
                     gsize         size,
                     ChorusAnswer *answer)
{
  Fields fields;
  ChorusAnswer result = { .ttl = -1 };

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  if (!read_fields (data, size, CHORUS_WIRE_ANSWER, &fields))
    return FALSE;
  if ((fields.present & answer_required) != answer_required)
    return FALSE;

  result.session = read_u64 (fields.value[FIELD_SESSION]);
  result.seq = read_u32 (fields.value[FIELD_SEQ]);
  result.sent_usec = (gint64) read_u64 (fields.value[FIELD_SENT_TIME]);
  if (fields.present & BIT (FIELD_ARRIVED_TTL))
    result.ttl = fields.value[FIELD_ARRIVED_TTL][0];
  if (fields.present & BIT (FIELD_HOLD))
    result.hold_usec = read_u32 (fields.value[FIELD_HOLD]);
  if (fields.size[FIELD_NAME] > 0)
    {
      result.name = (const char *) fields.value[FIELD_NAME];
      result.name_size = fields.size[FIELD_NAME];
    }

  if (result.seq == 0)
    return FALSE;

  *answer = result;
  return TRUE;
}

/* Writing: the callers work out the whole size first and check it
 * against the buffer, so these never check anything. */

static guint8 *
write_header (guint8         *p,
              ChorusWireKind  kind)
{
  memcpy (p, CHORUS_WIRE_MAGIC, CHORUS_WIRE_MAGIC_SIZE);
  p[4] = CHORUS_WIRE_VERSION;
  p[5] = kind;
  p[6] = 0;
  p[7] = 0;

  return p + CHORUS_WIRE_HEADER_SIZE;
}

static guint8 *
write_field (guint8       *p,
             guint8        type,
             const guint8 *value,
             gsize         length)
{
  p[0] = type;
  p[1] = (guint8) (length >> 8);
  p[2] = (guint8) length;
  if (length > 0)
    {
      if (value != NULL)
        memcpy (p + FIELD_HEADER_SIZE, value, length);
      else
        memset (p + FIELD_HEADER_SIZE, 0, length);
    }

  return p + FIELD_HEADER_SIZE + length;
}

static guint8 *
write_uint (guint8  *p,
            guint8   type,
            guint64  value,
            gsize    length)
{
  guint8 bytes[8];

  for (gsize i = 0; i < length; i++)
    bytes[i] = (guint8) (value >> (8 * (length - 1 - i)));

  return write_field (p, type, bytes, length);
}

/**
 * chorus_probe_encode:
 * @probe: the probe; its seq must not be 0
 * @buffer: (array length=buffer_size): where to write it
 *
 * Writes @probe, padded to at least %CHORUS_WIRE_PROBE_MIN_SIZE bytes:
 * exactly that many, except that a probe 1 or 2 bytes short of it gets
 * an empty pad and ends up 1 or 2 bytes longer (a pad field is at least
 * 3 bytes).
 *
 * Returns: the size written, or 0 if @probe is invalid or does not fit
 *   in @buffer_size or %CHORUS_WIRE_MAX_SIZE bytes
 */
gsize
chorus_probe_encode (const ChorusProbe *probe,
                     guint8            *buffer,
                     gsize              buffer_size)
{
  gsize size = PROBE_BASE_SIZE;
  gsize pad = 0;
  gboolean padded = FALSE;
  guint8 *p;

  g_return_val_if_fail (probe != NULL, 0);
  g_return_val_if_fail (probe->text != NULL || probe->text_size == 0, 0);
  g_return_val_if_fail (buffer != NULL || buffer_size == 0, 0);

  if (probe->seq == 0)
    return 0;
  /* Checked before adding, so that no size can wrap around. */
  if (probe->text_size > CHORUS_WIRE_MAX_SIZE)
    return 0;

  if (probe->text_size > 0)
    size += FIELD_HEADER_SIZE + probe->text_size;

  if (size < CHORUS_WIRE_PROBE_MIN_SIZE)
    {
      gsize gap = CHORUS_WIRE_PROBE_MIN_SIZE - size;

      padded = TRUE;
      pad = gap >= FIELD_HEADER_SIZE ? gap - FIELD_HEADER_SIZE : 0;
      size += FIELD_HEADER_SIZE + pad;
    }

  if (size > CHORUS_WIRE_MAX_SIZE || size > buffer_size)
    return 0;

  p = write_header (buffer, CHORUS_WIRE_PROBE);
  p = write_uint (p, FIELD_SESSION, probe->session, 8);
  p = write_uint (p, FIELD_SEQ, probe->seq, 4);
  p = write_uint (p, FIELD_SENT_TIME, (guint64) probe->sent_usec, 8);
  p = write_uint (p, FIELD_TTL, probe->ttl, 1);
  p = write_uint (p, FIELD_SPREAD, probe->spread_ms, 4);
  if (probe->text_size > 0)
    p = write_field (p, FIELD_TEXT, probe->text, probe->text_size);
  if (padded)
    p = write_field (p, FIELD_PAD, NULL, pad);

  g_assert ((gsize) (p - buffer) == size);

  return size;
}

/* The longest prefix of @name, at most @limit bytes, that is whole UTF-8
 * characters (a NUL byte counts as invalid and ends it). */
static gsize
utf8_prefix (const char *name,
             gsize       limit)
{
  const char *end;

  if (limit == 0)
    return 0;

  g_utf8_validate (name, (gssize) limit, &end);
  return (gsize) (end - name);
}

/**
 * chorus_answer_encode:
 * @answer: the answer; its seq must not be 0
 * @max_size: the largest the answer may be: the size of the probe it
 *   answers
 * @buffer: (array length=buffer_size): where to write it
 *
 * Writes @answer. The name is cut to %CHORUS_WIRE_NAME_MAX bytes, then
 * to what fits in @max_size and @buffer_size, always between UTF-8
 * characters; a name that is not valid UTF-8 keeps only its valid prefix.
 * The arrived TTL is written only if it is 0 to 255.
 *
 * Returns: the size written, or 0 if @answer is invalid or does not fit
 *   even without its name
 */
gsize
chorus_answer_encode (const ChorusAnswer *answer,
                      gsize               max_size,
                      guint8             *buffer,
                      gsize               buffer_size)
{
  gboolean has_ttl;
  gsize limit;
  gsize size = ANSWER_BASE_SIZE;
  gsize name_size = 0;
  guint8 *p;

  g_return_val_if_fail (answer != NULL, 0);
  g_return_val_if_fail (answer->name != NULL || answer->name_size == 0, 0);
  g_return_val_if_fail (buffer != NULL || buffer_size == 0, 0);

  if (answer->seq == 0)
    return 0;

  has_ttl = answer->ttl >= 0 && answer->ttl <= 255;
  if (has_ttl)
    size += ANSWER_TTL_SIZE;

  limit = MIN (MIN (max_size, buffer_size), CHORUS_WIRE_MAX_SIZE);
  if (size > limit)
    return 0;

  if (answer->name_size > 0 && limit - size > FIELD_HEADER_SIZE)
    {
      gsize room = MIN (limit - size - FIELD_HEADER_SIZE, CHORUS_WIRE_NAME_MAX);

      name_size = utf8_prefix (answer->name, MIN (answer->name_size, room));
      if (name_size > 0)
        size += FIELD_HEADER_SIZE + name_size;
    }

  p = write_header (buffer, CHORUS_WIRE_ANSWER);
  p = write_uint (p, FIELD_SESSION, answer->session, 8);
  p = write_uint (p, FIELD_SEQ, answer->seq, 4);
  p = write_uint (p, FIELD_SENT_TIME, (guint64) answer->sent_usec, 8);
  if (has_ttl)
    p = write_uint (p, FIELD_ARRIVED_TTL, (guint64) answer->ttl, 1);
  p = write_uint (p, FIELD_HOLD, answer->hold_usec, 4);
  if (name_size > 0)
    p = write_field (p, FIELD_NAME, (const guint8 *) answer->name, name_size);

  g_assert ((gsize) (p - buffer) == size);

  return size;
}
