/* fuzz-probe.c: the probe and answer parsers on any bytes
 *
 * The input is parsed as a probe and as an answer. Whatever the bytes,
 * the parsers stay inside them (ASan says so when they do not), agree
 * with chorus_wire_get_kind(), and hand back text and names that lie
 * inside the input. What parses is encoded again and must parse back to
 * the same values; an answer to it with a full name must fit in the
 * probe's size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-probe.h"
#include "fuzz.h"

/* Probe fields without text or pad: header and five fields. */
#define PROBE_BASE_SIZE 48

static gboolean
inside (const void *pointer,
        gsize       size,
        const void *data,
        gsize       data_size)
{
  const guint8 *p = pointer;
  const guint8 *start = data;

  return p >= start && size <= data_size && p - start <= (gssize) (data_size - size);
}

static void
check_probe (const guint8      *data,
             gsize              size,
             const ChorusProbe *probe,
             guint8            *buffer)
{
  static const char name[] = "a name of sixty-four bytes, the longest that an answer can carry";
  ChorusProbe back;
  ChorusAnswer answer;
  gsize encoded;

  G_STATIC_ASSERT (sizeof name - 1 == CHORUS_WIRE_NAME_MAX);
  fuzz_check (chorus_wire_get_kind (data, size) == CHORUS_WIRE_PROBE);
  fuzz_check (probe->seq != 0);
  fuzz_check ((probe->text == NULL) == (probe->text_size == 0));
  if (probe->text != NULL)
    fuzz_check (inside (probe->text, probe->text_size, data, size));

  encoded = chorus_probe_encode (probe, buffer, CHORUS_WIRE_MAX_SIZE);
  if (encoded == 0)
    {
      /* Only a text too long for the fields this writes, which a reader
       * need not have been sent, fails. */
      fuzz_check (PROBE_BASE_SIZE + 3 + probe->text_size > CHORUS_WIRE_MAX_SIZE);
      return;
    }

  fuzz_check (encoded >= CHORUS_WIRE_PROBE_MIN_SIZE && encoded <= CHORUS_WIRE_MAX_SIZE);
  fuzz_check (chorus_wire_get_kind (buffer, encoded) == CHORUS_WIRE_PROBE);
  fuzz_check (chorus_probe_parse (buffer, encoded, &back));
  fuzz_check (!chorus_answer_parse (buffer, encoded, &answer));
  fuzz_check (back.session == probe->session);
  fuzz_check (back.seq == probe->seq);
  fuzz_check (back.sent_usec == probe->sent_usec);
  fuzz_check (back.ttl == probe->ttl);
  fuzz_check (back.spread_ms == probe->spread_ms);
  fuzz_check (back.text_size == probe->text_size);
  fuzz_check (back.text_size == 0 || memcmp (back.text, probe->text, back.text_size) == 0);
  fuzz_check (back.text == NULL || inside (back.text, back.text_size, buffer, encoded));

  /* Whatever the probe, its answer carries a full name. */
  answer = (ChorusAnswer) {
    .session = probe->session,
    .seq = probe->seq,
    .sent_usec = probe->sent_usec,
    .ttl = probe->ttl,
    .hold_usec = G_MAXUINT32,
    .name = name,
    .name_size = sizeof name - 1,
  };
  {
    guint8 reply[CHORUS_WIRE_PROBE_MIN_SIZE];
    gsize reply_size = chorus_answer_encode (&answer, encoded, reply, sizeof reply);
    ChorusAnswer parsed;

    fuzz_check (reply_size > 0 && reply_size <= encoded);
    fuzz_check (chorus_answer_parse (reply, reply_size, &parsed));
    fuzz_check (parsed.name_size == CHORUS_WIRE_NAME_MAX);
  }
}

static void
check_answer (const guint8       *data,
              gsize               size,
              const ChorusAnswer *answer,
              guint8             *buffer)
{
  ChorusAnswer back;
  ChorusProbe probe;
  gsize encoded;
  gboolean valid_name;

  fuzz_check (chorus_wire_get_kind (data, size) == CHORUS_WIRE_ANSWER);
  fuzz_check (answer->seq != 0);
  fuzz_check (answer->ttl >= -1 && answer->ttl <= 255);
  fuzz_check ((answer->name == NULL) == (answer->name_size == 0));
  fuzz_check (answer->name_size <= CHORUS_WIRE_NAME_MAX);
  if (answer->name != NULL)
    fuzz_check (inside (answer->name, answer->name_size, data, size));

  encoded = chorus_answer_encode (answer, CHORUS_WIRE_MAX_SIZE, buffer, CHORUS_WIRE_MAX_SIZE);
  fuzz_check (encoded > 0);
  fuzz_check (chorus_wire_get_kind (buffer, encoded) == CHORUS_WIRE_ANSWER);
  fuzz_check (chorus_answer_parse (buffer, encoded, &back));
  fuzz_check (!chorus_probe_parse (buffer, encoded, &probe));
  fuzz_check (back.session == answer->session);
  fuzz_check (back.seq == answer->seq);
  fuzz_check (back.sent_usec == answer->sent_usec);
  fuzz_check (back.ttl == answer->ttl);
  fuzz_check (back.hold_usec == answer->hold_usec);
  fuzz_check (back.name == NULL || inside (back.name, back.name_size, buffer, encoded));

  /* A name that is UTF-8 comes back whole; another, its valid prefix. */
  valid_name = answer->name_size == 0
               || g_utf8_validate (answer->name, (gssize) answer->name_size, NULL);
  fuzz_check (back.name_size <= answer->name_size);
  fuzz_check (back.name_size == 0 || memcmp (back.name, answer->name, back.name_size) == 0);
  fuzz_check (back.name_size == 0 || g_utf8_validate (back.name, (gssize) back.name_size, NULL));
  if (valid_name)
    fuzz_check (back.name_size == answer->name_size);
  else
    fuzz_check (back.name_size < answer->name_size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static guint8 buffer[CHORUS_WIRE_MAX_SIZE];
  ChorusWireKind kind = chorus_wire_get_kind (data, size);
  ChorusProbe probe;
  ChorusAnswer answer;
  gboolean is_probe = chorus_probe_parse (data, size, &probe);
  gboolean is_answer = chorus_answer_parse (data, size, &answer);

  fuzz_check (kind == CHORUS_WIRE_NONE || kind == CHORUS_WIRE_PROBE || kind == CHORUS_WIRE_ANSWER);
  fuzz_check (!(is_probe && is_answer));
  fuzz_check (size <= CHORUS_WIRE_MAX_SIZE || (!is_probe && !is_answer));

  if (is_probe)
    check_probe (data, size, &probe, buffer);
  if (is_answer)
    check_answer (data, size, &answer, buffer);

  return 0;
}
