/* test-probe.c: the probe and answer on the wire, byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-probe.h"

#define SESSION   G_GUINT64_CONSTANT (0x0123456789abcdef)
#define SENT_USEC G_GINT64_CONSTANT (1700000000000000)

/* The examples of docs/PROTOCOL.md. */
static const guint8 example_probe[128] = {
  0x43, 0x48, 0x4f, 0x52, 0x01, 0x01, 0x00, 0x00,
  0x01, 0x00, 0x08, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
  0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
  0x03, 0x00, 0x08, 0x00, 0x06, 0x0a, 0x24, 0x18, 0x1e, 0x40, 0x00,
  0x04, 0x00, 0x01, 0x04,
  0x05, 0x00, 0x04, 0x00, 0x00, 0x01, 0xf4,
  0x06, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o',
  0x00, 0x00, 0x45,
  /* and 69 zero bytes */
};

static const guint8 example_answer[] = {
  0x43, 0x48, 0x4f, 0x52, 0x01, 0x02, 0x00, 0x00,
  0x01, 0x00, 0x08, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
  0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
  0x03, 0x00, 0x08, 0x00, 0x06, 0x0a, 0x24, 0x18, 0x1e, 0x40, 0x00,
  0x07, 0x00, 0x01, 0x03,
  0x08, 0x00, 0x04, 0x00, 0x01, 0xe2, 0x40,
  0x09, 0x00, 0x07, 'k', 'i', 't', 'c', 'h', 'e', 'n',
};

/* Builders for hand-made datagrams. */

static GByteArray *
datagram_new (guint8 version,
              guint8 kind)
{
  GByteArray *bytes = g_byte_array_new ();
  const guint8 header[] = { 'C', 'H', 'O', 'R', version, kind, 0, 0 };

  g_byte_array_append (bytes, header, sizeof header);
  return bytes;
}

static void
put_field (GByteArray *bytes,
           guint8      type,
           const void *value,
           gsize       length)
{
  const guint8 head[] = { type, (guint8) (length >> 8), (guint8) length };

  g_byte_array_append (bytes, head, sizeof head);
  if (length > 0)
    g_byte_array_append (bytes, value, (guint) length);
}

static void
put_uint (GByteArray *bytes,
          guint8      type,
          guint64     value,
          gsize       length)
{
  guint8 be[8];

  for (gsize i = 0; i < length; i++)
    be[i] = (guint8) (value >> (8 * (length - 1 - i)));
  put_field (bytes, type, be, length);
}

/* Fields by number, with the value the examples use. */
static void
put_standard (GByteArray *bytes,
              guint8      type)
{
  switch (type)
    {
    case 1:
      put_uint (bytes, 1, SESSION, 8);
      break;
    case 2:
      put_uint (bytes, 2, 1, 4);
      break;
    case 3:
      put_uint (bytes, 3, (guint64) SENT_USEC, 8);
      break;
    case 4:
      put_uint (bytes, 4, 4, 1);
      break;
    case 5:
      put_uint (bytes, 5, 500, 4);
      break;
    case 6:
      put_field (bytes, 6, "hello", 5);
      break;
    case 7:
      put_uint (bytes, 7, 3, 1);
      break;
    case 8:
      put_uint (bytes, 8, 123456, 4);
      break;
    case 9:
      put_field (bytes, 9, "kitchen", 7);
      break;
    default:
      g_assert_not_reached ();
    }
}

static const guint8 probe_fields[] = { 1, 2, 3, 4, 5, 6 };
static const guint8 answer_fields[] = { 1, 2, 3, 7, 8, 9 };

/* Parses from a heap copy of exactly @size bytes, so that ASan sees any
 * read past the end. */
static gboolean
parse_probe (const guint8 *data,
             gsize         size,
             ChorusProbe  *probe)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);
  gboolean ok = chorus_probe_parse (copy, size, probe);

  /* The text points into the copy, which is going away. */
  if (ok && probe->text != NULL)
    {
      g_assert_true (probe->text >= copy && probe->text + probe->text_size <= copy + size);
      probe->text = data + (probe->text - copy);
    }
  return ok;
}

static gboolean
parse_answer (const guint8 *data,
              gsize         size,
              ChorusAnswer *answer)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);
  gboolean ok = chorus_answer_parse (copy, size, answer);

  if (ok && answer->name != NULL)
    {
      const char *start = (const char *) copy;

      g_assert_true (answer->name >= start && answer->name + answer->name_size <= start + size);
      answer->name = (const char *) data + (answer->name - start);
    }
  return ok;
}

static void
assert_example_probe (const ChorusProbe *probe)
{
  g_assert_cmpuint (probe->session, ==, SESSION);
  g_assert_cmpuint (probe->seq, ==, 1);
  g_assert_cmpint (probe->sent_usec, ==, SENT_USEC);
  g_assert_cmpuint (probe->ttl, ==, 4);
  g_assert_cmpuint (probe->spread_ms, ==, 500);
  g_assert_cmpmem (probe->text, probe->text_size, "hello", 5);
}

static void
assert_example_answer (const ChorusAnswer *answer)
{
  g_assert_cmpuint (answer->session, ==, SESSION);
  g_assert_cmpuint (answer->seq, ==, 1);
  g_assert_cmpint (answer->sent_usec, ==, SENT_USEC);
  g_assert_cmpint (answer->ttl, ==, 3);
  g_assert_cmpuint (answer->hold_usec, ==, 123456);
  g_assert_cmpmem (answer->name, answer->name_size, "kitchen", 7);
}

static void
test_parse_probe_bytes (void)
{
  /* Written by hand: fields in another order, a pad in the middle, no
   * spread and no text. */
  const guint8 bytes[] = {
    'C', 'H', 'O', 'R', 1, 1, 0xaa, 0xbb,
    0x04, 0x00, 0x01, 0xff,
    0x03, 0x00, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0x00, 0x00, 0x02, 0x00, 0x00,
    0x02, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
    0x01, 0x00, 0x08, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
    0x00, 0x00, 0x00,
  };
  ChorusProbe probe;

  g_assert_cmpint (chorus_wire_get_kind (bytes, sizeof bytes), ==, CHORUS_WIRE_PROBE);
  g_assert_true (parse_probe (bytes, sizeof bytes, &probe));
  g_assert_cmpuint (probe.session, ==, G_GUINT64_CONSTANT (0xffeeddccbbaa9988));
  g_assert_cmpuint (probe.seq, ==, 0xdeadbeef);
  g_assert_cmpint (probe.sent_usec, ==, -2);
  g_assert_cmpuint (probe.ttl, ==, 255);
  g_assert_cmpuint (probe.spread_ms, ==, 0);
  g_assert_null (probe.text);
  g_assert_cmpuint (probe.text_size, ==, 0);

  /* The documented example. */
  g_assert_true (parse_probe (example_probe, sizeof example_probe, &probe));
  assert_example_probe (&probe);
  g_assert_true (probe.text == example_probe + 51);
}

static void
test_parse_answer_bytes (void)
{
  const guint8 bytes[] = {
    'C', 'H', 'O', 'R', 1, 2, 0, 0,
    0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x07,
    0x09, 0x00, 0x03, 'o', 'v', 'n',
    0x01, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 42,
    0x03, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xe8,
  };
  ChorusAnswer answer;

  g_assert_cmpint (chorus_wire_get_kind (bytes, sizeof bytes), ==, CHORUS_WIRE_ANSWER);
  g_assert_true (parse_answer (bytes, sizeof bytes, &answer));
  g_assert_cmpuint (answer.session, ==, 42);
  g_assert_cmpuint (answer.seq, ==, 7);
  g_assert_cmpint (answer.sent_usec, ==, 1000);
  g_assert_cmpint (answer.ttl, ==, -1);
  g_assert_cmpuint (answer.hold_usec, ==, 0);
  g_assert_cmpmem (answer.name, answer.name_size, "ovn", 3);
  g_assert_true ((const guint8 *) answer.name == bytes + 18);

  g_assert_true (parse_answer (example_answer, sizeof example_answer, &answer));
  assert_example_answer (&answer);
}

static void
test_encode_probe_example (void)
{
  const ChorusProbe probe = {
    .session = SESSION,
    .seq = 1,
    .sent_usec = SENT_USEC,
    .ttl = 4,
    .spread_ms = 500,
    .text = (const guint8 *) "hello",
    .text_size = 5,
  };
  guint8 buffer[256];
  ChorusProbe back;

  memset (buffer, 0xa5, sizeof buffer);
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, sizeof buffer), ==, 128);
  g_assert_cmpmem (buffer, 128, example_probe, sizeof example_probe);

  g_assert_true (parse_probe (buffer, 128, &back));
  assert_example_probe (&back);
}

static void
test_encode_answer_example (void)
{
  const ChorusAnswer answer = {
    .session = SESSION,
    .seq = 1,
    .sent_usec = SENT_USEC,
    .ttl = 3,
    .hold_usec = 123456,
    .name = "kitchen",
    .name_size = 7,
  };
  guint8 buffer[256];
  ChorusAnswer back;
  gsize size;

  size = chorus_answer_encode (&answer, 128, buffer, sizeof buffer);
  g_assert_cmpmem (buffer, size, example_answer, sizeof example_answer);

  g_assert_true (parse_answer (buffer, size, &back));
  assert_example_answer (&back);
}

static void
test_round_trip (void)
{
  static const guint8 text[] = { 0, 0xff, '\n', 0xc3, 0x28, 'x' };
  const ChorusProbe probes[] = {
    { 0, 1, 0, 0, 0, NULL, 0 },
    { G_MAXUINT64, G_MAXUINT32, G_MININT64, 255, G_MAXUINT32, text, sizeof text },
    { 1, 2, G_MAXINT64, 1, 10000, (const guint8 *) "very important data", 19 },
  };
  const ChorusAnswer answers[] = {
    { 0, 1, 0, -1, 0, NULL, 0 },
    { G_MAXUINT64, G_MAXUINT32, G_MININT64, 0, G_MAXUINT32, "Ω", 2 },
    { 1, 2, G_MAXINT64, 255, 1, "host.example", 12 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
    {
      guint8 buffer[CHORUS_WIRE_MAX_SIZE];
      gsize size = chorus_probe_encode (&probes[i], buffer, sizeof buffer);
      ChorusProbe back;

      g_assert_cmpuint (size, >=, CHORUS_WIRE_PROBE_MIN_SIZE);
      g_assert_cmpint (chorus_wire_get_kind (buffer, size), ==, CHORUS_WIRE_PROBE);
      g_assert_true (parse_probe (buffer, size, &back));
      g_assert_cmpuint (back.session, ==, probes[i].session);
      g_assert_cmpuint (back.seq, ==, probes[i].seq);
      g_assert_cmpint (back.sent_usec, ==, probes[i].sent_usec);
      g_assert_cmpuint (back.ttl, ==, probes[i].ttl);
      g_assert_cmpuint (back.spread_ms, ==, probes[i].spread_ms);
      g_assert_cmpmem (back.text, back.text_size, probes[i].text, probes[i].text_size);
    }

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      guint8 buffer[128];
      gsize size = chorus_answer_encode (&answers[i], sizeof buffer, buffer, sizeof buffer);
      ChorusAnswer back;

      g_assert_cmpuint (size, >, 0);
      g_assert_cmpint (chorus_wire_get_kind (buffer, size), ==, CHORUS_WIRE_ANSWER);
      g_assert_true (parse_answer (buffer, size, &back));
      g_assert_cmpuint (back.session, ==, answers[i].session);
      g_assert_cmpuint (back.seq, ==, answers[i].seq);
      g_assert_cmpint (back.sent_usec, ==, answers[i].sent_usec);
      g_assert_cmpint (back.ttl, ==, answers[i].ttl);
      g_assert_cmpuint (back.hold_usec, ==, answers[i].hold_usec);
      g_assert_cmpmem (back.name, back.name_size, answers[i].name, answers[i].name_size);
    }

  /* A TTL out of range is not sent: unknown. */
  {
    const ChorusAnswer odd = { 1, 1, 0, 300, 0, NULL, 0 };
    guint8 buffer[128];
    gsize size = chorus_answer_encode (&odd, sizeof buffer, buffer, sizeof buffer);
    ChorusAnswer back;

    g_assert_cmpuint (size, ==, 44);
    g_assert_true (parse_answer (buffer, size, &back));
    g_assert_cmpint (back.ttl, ==, -1);
  }
}

static void
test_later_version (void)
{
  const guint8 unknown[] = { 1, 2, 3, 4, 5 };
  g_autoptr(GByteArray) probe = datagram_new (2, CHORUS_WIRE_PROBE);
  g_autoptr(GByteArray) answer = datagram_new (2, CHORUS_WIRE_ANSWER);
  g_autoptr(GByteArray) newest = NULL;
  ChorusProbe p;
  ChorusAnswer a;

  put_field (probe, 200, unknown, sizeof unknown);
  for (guint i = 0; i < G_N_ELEMENTS (probe_fields); i++)
    put_standard (probe, probe_fields[i]);
  put_field (probe, 200, unknown, sizeof unknown);
  put_field (probe, 255, NULL, 0);
  g_assert_true (parse_probe (probe->data, probe->len, &p));
  assert_example_probe (&p);

  put_field (answer, 200, unknown, sizeof unknown);
  for (guint i = 0; i < G_N_ELEMENTS (answer_fields); i++)
    put_standard (answer, answer_fields[i]);
  put_field (answer, 10, unknown, sizeof unknown);
  g_assert_true (parse_answer (answer->data, answer->len, &a));
  assert_example_answer (&a);

  newest = datagram_new (255, CHORUS_WIRE_ANSWER);
  for (guint i = 0; i < G_N_ELEMENTS (answer_fields); i++)
    put_standard (newest, answer_fields[i]);
  g_assert_true (parse_answer (newest->data, newest->len, &a));
}

static void
test_other_kind_ignored (void)
{
  const char *long_name = "a name far longer than any name may be, longer than sixty-four bytes";
  g_autoptr(GByteArray) probe = datagram_new (1, CHORUS_WIRE_PROBE);
  g_autoptr(GByteArray) answer = datagram_new (1, CHORUS_WIRE_ANSWER);
  ChorusProbe p;
  ChorusAnswer a;

  /* An answer's fields in a probe, even malformed or twice, are skipped. */
  for (guint i = 0; i < G_N_ELEMENTS (probe_fields); i++)
    put_standard (probe, probe_fields[i]);
  put_uint (probe, 8, 1, 2);
  put_uint (probe, 8, 1, 2);
  put_uint (probe, 7, 1, 4);
  put_field (probe, 9, long_name, strlen (long_name));
  g_assert_true (parse_probe (probe->data, probe->len, &p));
  assert_example_probe (&p);

  for (guint i = 0; i < G_N_ELEMENTS (answer_fields); i++)
    put_standard (answer, answer_fields[i]);
  put_field (answer, 6, "text", 4);
  put_field (answer, 6, "text", 4);
  put_uint (answer, 4, 1, 3);
  put_uint (answer, 5, 1, 1);
  g_assert_true (parse_answer (answer->data, answer->len, &a));
  assert_example_answer (&a);
}

static void
test_get_kind (void)
{
  const guint8 plain[] = "very important data";
  guint8 header[8] = { 'C', 'H', 'O', 'R', 1, 1, 0, 0 };

  g_assert_cmpint (chorus_wire_get_kind (NULL, 0), ==, CHORUS_WIRE_NONE);
  g_assert_cmpint (chorus_wire_get_kind (plain, sizeof plain - 1), ==, CHORUS_WIRE_NONE);
  g_assert_cmpint (chorus_wire_get_kind ((const guint8 *) "ack", 3), ==, CHORUS_WIRE_NONE);
  g_assert_cmpint (chorus_wire_get_kind (header, 7), ==, CHORUS_WIRE_NONE);
  /* Only the header counts: no fields at all is still a probe. */
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_PROBE);
  header[5] = 2;
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_ANSWER);
  header[5] = 3;
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_NONE);
  header[5] = 0;
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_NONE);
  header[5] = 1;
  header[4] = 0;
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_NONE);
  header[4] = 200;
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_PROBE);
  header[0] = 'c';
  g_assert_cmpint (chorus_wire_get_kind (header, 8), ==, CHORUS_WIRE_NONE);
}

static void
test_reject_header (void)
{
  g_autofree guint8 *probe = g_memdup2 (example_probe, sizeof example_probe);
  g_autofree guint8 *answer = g_memdup2 (example_answer, sizeof example_answer);
  ChorusProbe p;
  ChorusAnswer a;

  g_assert_false (chorus_probe_parse (NULL, 0, &p));
  g_assert_false (chorus_answer_parse (NULL, 0, &a));
  g_assert_false (parse_probe (example_probe, 7, &p));
  g_assert_false (parse_answer (example_answer, 7, &a));
  g_assert_false (parse_probe (example_probe, 4, &p));

  /* Each parser takes its own kind only. */
  g_assert_false (chorus_probe_parse (answer, sizeof example_answer, &p));
  g_assert_false (chorus_answer_parse (probe, sizeof example_probe, &a));

  probe[3] = 'r';
  g_assert_false (chorus_probe_parse (probe, sizeof example_probe, &p));
  probe[3] = 'R';
  probe[4] = 0;
  g_assert_false (chorus_probe_parse (probe, sizeof example_probe, &p));
  probe[4] = 1;
  probe[5] = 3;
  g_assert_false (chorus_probe_parse (probe, sizeof example_probe, &p));
  probe[5] = 1;
  /* The reserved bytes are not looked at. */
  probe[6] = probe[7] = 0xff;
  g_assert_true (chorus_probe_parse (probe, sizeof example_probe, &p));

  answer[4] = 0;
  g_assert_false (chorus_answer_parse (answer, sizeof example_answer, &a));
}

static void
test_reject_missing (void)
{
  static const guint8 probe_required[] = { 1, 2, 3, 4 };
  static const guint8 answer_required[] = { 1, 2, 3 };

  for (guint skip = 0; skip < G_N_ELEMENTS (probe_fields); skip++)
    {
      g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_PROBE);
      gboolean required = memchr (probe_required, probe_fields[skip], 4) != NULL;
      ChorusProbe p;

      for (guint i = 0; i < G_N_ELEMENTS (probe_fields); i++)
        if (i != skip)
          put_standard (bytes, probe_fields[i]);
      g_test_message ("probe without field %u", probe_fields[skip]);
      g_assert_cmpint (parse_probe (bytes->data, bytes->len, &p), ==, !required);
    }

  for (guint skip = 0; skip < G_N_ELEMENTS (answer_fields); skip++)
    {
      g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_ANSWER);
      gboolean required = memchr (answer_required, answer_fields[skip], 3) != NULL;
      ChorusAnswer a;

      for (guint i = 0; i < G_N_ELEMENTS (answer_fields); i++)
        if (i != skip)
          put_standard (bytes, answer_fields[i]);
      g_test_message ("answer without field %u", answer_fields[skip]);
      g_assert_cmpint (parse_answer (bytes->data, bytes->len, &a), ==, !required);
    }
}

static void
test_reject_length (void)
{
  static const struct
  {
    guint8 kind;
    guint8 type;
    gsize size;
  } fixed[] = {
    { CHORUS_WIRE_PROBE, 1, 8 },  { CHORUS_WIRE_PROBE, 2, 4 },  { CHORUS_WIRE_PROBE, 3, 8 },
    { CHORUS_WIRE_PROBE, 4, 1 },  { CHORUS_WIRE_PROBE, 5, 4 },  { CHORUS_WIRE_ANSWER, 1, 8 },
    { CHORUS_WIRE_ANSWER, 2, 4 }, { CHORUS_WIRE_ANSWER, 3, 8 }, { CHORUS_WIRE_ANSWER, 7, 1 },
    { CHORUS_WIRE_ANSWER, 8, 4 },
  };
  static const guint8 value[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

  for (guint f = 0; f < G_N_ELEMENTS (fixed); f++)
    {
      const guint8 *fields = fixed[f].kind == CHORUS_WIRE_PROBE ? probe_fields : answer_fields;
      const gsize lengths[] = { 0, fixed[f].size - 1, fixed[f].size + 1, 16 };

      for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
        {
          g_autoptr(GByteArray) bytes = datagram_new (1, fixed[f].kind);
          ChorusProbe p;
          ChorusAnswer a;

          if (lengths[l] == fixed[f].size)
            continue;

          for (guint i = 0; i < G_N_ELEMENTS (probe_fields); i++)
            if (fields[i] == fixed[f].type)
              put_field (bytes, fixed[f].type, value, lengths[l]);
            else
              put_standard (bytes, fields[i]);

          g_test_message ("kind %u, field %u of %" G_GSIZE_FORMAT " bytes", fixed[f].kind,
                          fixed[f].type, lengths[l]);
          if (fixed[f].kind == CHORUS_WIRE_PROBE)
            g_assert_false (parse_probe (bytes->data, bytes->len, &p));
          else
            g_assert_false (parse_answer (bytes->data, bytes->len, &a));
        }
    }
}

static void
test_reject_duplicate (void)
{
  for (guint twice = 0; twice < G_N_ELEMENTS (probe_fields); twice++)
    {
      g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_PROBE);
      ChorusProbe p;

      for (guint i = 0; i < G_N_ELEMENTS (probe_fields); i++)
        put_standard (bytes, probe_fields[i]);
      put_standard (bytes, probe_fields[twice]);
      g_assert_false (parse_probe (bytes->data, bytes->len, &p));
    }

  for (guint twice = 0; twice < G_N_ELEMENTS (answer_fields); twice++)
    {
      g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_ANSWER);
      ChorusAnswer a;

      put_standard (bytes, answer_fields[twice]);
      for (guint i = 0; i < G_N_ELEMENTS (answer_fields); i++)
        put_standard (bytes, answer_fields[i]);
      g_assert_false (parse_answer (bytes->data, bytes->len, &a));
    }

  /* Pads, as many as you like. */
  {
    g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_PROBE);
    ChorusProbe p;

    put_field (bytes, 0, NULL, 0);
    for (guint i = 0; i < G_N_ELEMENTS (probe_fields); i++)
      {
        put_standard (bytes, probe_fields[i]);
        put_field (bytes, 0, "\0\0\0", 3);
      }
    g_assert_true (parse_probe (bytes->data, bytes->len, &p));
    assert_example_probe (&p);
  }
}

/* Every prefix of a valid datagram: parsed from a buffer of exactly that
 * size, and valid only where it ends between fields, after the required
 * ones. */
static void
test_reject_truncated (void)
{
  const gsize probe_valid[] = { 41, 48, 56, 128 };
  const gsize answer_valid[] = { 37, 41, 48, 58 };

  for (gsize n = 0; n <= sizeof example_probe; n++)
    {
      gboolean expected = FALSE;
      ChorusProbe p;

      for (guint i = 0; i < G_N_ELEMENTS (probe_valid); i++)
        expected |= n == probe_valid[i];
      g_test_message ("probe prefix of %" G_GSIZE_FORMAT " bytes", n);
      g_assert_cmpint (parse_probe (example_probe, n, &p), ==, expected);
    }

  for (gsize n = 0; n <= sizeof example_answer; n++)
    {
      gboolean expected = FALSE;
      ChorusAnswer a;

      for (guint i = 0; i < G_N_ELEMENTS (answer_valid); i++)
        expected |= n == answer_valid[i];
      g_test_message ("answer prefix of %" G_GSIZE_FORMAT " bytes", n);
      g_assert_cmpint (parse_answer (example_answer, n, &a), ==, expected);
    }

  /* One or two bytes of a field header at the end; a value that runs
   * past the end. */
  for (guint extra = 1; extra <= 3; extra++)
    {
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      const guint8 tail[] = { 0x00, 0x00, 0x01 };
      ChorusAnswer a;

      g_byte_array_append (bytes, example_answer, sizeof example_answer);
      g_byte_array_append (bytes, tail, extra);
      g_assert_false (parse_answer (bytes->data, bytes->len, &a));
    }
  {
    g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_PROBE);
    const guint8 runs_over[] = { 0x06, 0xff, 0xff, 'x' };
    ChorusProbe p;

    for (guint i = 0; i < 4; i++)
      put_standard (bytes, probe_fields[i]);
    g_byte_array_append (bytes, runs_over, sizeof runs_over);
    g_assert_false (parse_probe (bytes->data, bytes->len, &p));
  }
}

static void
test_reject_seq_zero (void)
{
  g_autoptr(GByteArray) probe = datagram_new (1, CHORUS_WIRE_PROBE);
  g_autoptr(GByteArray) answer = datagram_new (1, CHORUS_WIRE_ANSWER);
  const ChorusProbe zero_probe = { .session = 1, .seq = 0 };
  const ChorusAnswer zero_answer = { .session = 1, .seq = 0, .ttl = -1 };
  guint8 buffer[256];
  ChorusProbe p;
  ChorusAnswer a;

  put_uint (probe, 1, 1, 8);
  put_uint (probe, 2, 0, 4);
  put_uint (probe, 3, 1, 8);
  put_uint (probe, 4, 1, 1);
  g_assert_false (parse_probe (probe->data, probe->len, &p));

  put_uint (answer, 1, 1, 8);
  put_uint (answer, 2, 0, 4);
  put_uint (answer, 3, 1, 8);
  g_assert_false (parse_answer (answer->data, answer->len, &a));

  g_assert_cmpuint (chorus_probe_encode (&zero_probe, buffer, sizeof buffer), ==, 0);
  g_assert_cmpuint (chorus_answer_encode (&zero_answer, sizeof buffer, buffer, sizeof buffer), ==,
                    0);
}

static void
test_reject_long_name (void)
{
  char name[CHORUS_WIRE_NAME_MAX + 1];

  memset (name, 'n', sizeof name);
  for (gsize length = CHORUS_WIRE_NAME_MAX - 1; length <= CHORUS_WIRE_NAME_MAX + 1; length++)
    {
      g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_ANSWER);
      ChorusAnswer a;

      for (guint i = 0; i < 3; i++)
        put_standard (bytes, answer_fields[i]);
      put_field (bytes, 9, name, length);
      g_assert_cmpint (parse_answer (bytes->data, bytes->len, &a), ==,
                       length <= CHORUS_WIRE_NAME_MAX);
    }
}

static void
test_reject_oversize (void)
{
  for (gsize size = CHORUS_WIRE_MAX_SIZE; size <= CHORUS_WIRE_MAX_SIZE + 1; size++)
    {
      g_autoptr(GByteArray) bytes = datagram_new (1, CHORUS_WIRE_PROBE);
      g_autofree guint8 *text = g_malloc0 (size);
      ChorusProbe p;

      for (guint i = 0; i < 5; i++)
        put_standard (bytes, probe_fields[i]);
      put_field (bytes, 6, text, size - bytes->len - 3);
      g_assert_cmpuint (bytes->len, ==, size);
      g_assert_cmpint (parse_probe (bytes->data, bytes->len, &p), ==,
                       size <= CHORUS_WIRE_MAX_SIZE);
    }
}

static gsize
encode_name (const char   *name,
             int           ttl,
             gsize         max_size,
             gsize         buffer_size,
             ChorusAnswer *back)
{
  const ChorusAnswer answer = {
    .session = 9,
    .seq = 9,
    .sent_usec = 9,
    .ttl = ttl,
    .hold_usec = 9,
    .name = name,
    .name_size = strlen (name),
  };
  g_autofree guint8 *buffer = g_malloc (MAX (buffer_size, 1));
  gsize size = chorus_answer_encode (&answer, max_size, buffer, buffer_size);

  if (size == 0)
    return 0;

  g_assert_cmpuint (size, <=, MIN (max_size, buffer_size));
  g_assert_true (chorus_answer_parse (buffer, size, back));
  /* The buffer is going away; names are compared by their offset. */
  if (back->name != NULL)
    {
      g_assert_cmpmem (back->name, back->name_size, name, back->name_size);
      back->name = name;
    }
  return size;
}

static void
test_answer_cut (void)
{
  const char *ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+=abcdef";
  g_autoptr(GString) euros = g_string_new (NULL);
  ChorusAnswer back;

  /* A full name fits the smallest probe. */
  g_assert_cmpuint (encode_name (ascii, 255, 128, 128, &back), ==, 115);
  g_assert_cmpuint (back.name_size, ==, 64);

  /* Cut to what fits. */
  g_assert_cmpuint (encode_name (ascii, 1, 61, 128, &back), ==, 61);
  g_assert_cmpuint (back.name_size, ==, 10);
  g_assert_cmpuint (encode_name (ascii, 1, 128, 61, &back), ==, 61);
  g_assert_cmpuint (back.name_size, ==, 10);
  g_assert_cmpuint (encode_name (ascii, -1, 61, 128, &back), ==, 61);
  g_assert_cmpuint (back.name_size, ==, 14);
  /* No room for a single byte of name: none at all. */
  g_assert_cmpuint (encode_name (ascii, 1, 51, 128, &back), ==, 48);
  g_assert_null (back.name);
  g_assert_cmpuint (encode_name (ascii, 1, 48, 128, &back), ==, 48);
  g_assert_cmpuint (encode_name (ascii, -1, 44, 128, &back), ==, 44);
  /* No room for the answer itself. */
  g_assert_cmpuint (encode_name (ascii, 1, 47, 128, &back), ==, 0);
  g_assert_cmpuint (encode_name (ascii, 1, 128, 47, &back), ==, 0);
  g_assert_cmpuint (encode_name (ascii, -1, 43, 128, &back), ==, 0);
  g_assert_cmpuint (encode_name ("", 1, 0, 0, &back), ==, 0);

  /* Three-byte characters: never split. */
  for (guint i = 0; i < 30; i++)
    g_string_append (euros, "€");
  g_assert_cmpuint (encode_name (euros->str, 1, 128, 128, &back), ==, 48 + 3 + 63);
  g_assert_cmpuint (back.name_size, ==, 63);
  g_assert_cmpuint (encode_name (euros->str, 1, 61, 128, &back), ==, 48 + 3 + 9);
  g_assert_cmpuint (back.name_size, ==, 9);
  g_assert_cmpuint (encode_name (euros->str, 1, 53, 128, &back), ==, 48);
  g_assert_null (back.name);
  g_assert_cmpuint (encode_name ("a€", 1, 54, 128, &back), ==, 52);
  g_assert_cmpmem (back.name, back.name_size, "a", 1);
  g_assert_cmpuint (encode_name ("a€", 1, 55, 128, &back), ==, 55);
  g_assert_cmpmem (back.name, back.name_size, "a€", 4);

  /* Not UTF-8: its valid prefix only. */
  g_assert_cmpuint (encode_name ("ab\xff" "cd", 1, 128, 128, &back), ==, 53);
  g_assert_cmpmem (back.name, back.name_size, "ab", 2);
  g_assert_cmpuint (encode_name ("ab\xe2\x82" "cd", 1, 128, 128, &back), ==, 53);
  g_assert_cmpmem (back.name, back.name_size, "ab", 2);
  g_assert_cmpuint (encode_name ("\xc3", 1, 128, 128, &back), ==, 48);
  g_assert_null (back.name);

  /* Exactly the bytes it was given, no more: a name that is not
   * NUL-terminated. */
  {
    g_autofree char *name = g_memdup2 ("héllo", 3);
    const ChorusAnswer answer = { .session = 1, .seq = 1, .ttl = -1, .name = name, .name_size = 3 };
    guint8 buffer[128];
    gsize size = chorus_answer_encode (&answer, sizeof buffer, buffer, sizeof buffer);

    g_assert_cmpuint (size, ==, 44 + 3 + 3);
    g_assert_cmpmem (buffer + 47, 3, "h\xc3\xa9", 3);
  }
}

static void
test_probe_padding (void)
{
  static const struct
  {
    gsize text_size;
    gsize size;
    gsize pad;
  } cases[] = {
    { 0, 128, 77 }, { 1, 128, 73 }, { 74, 128, 0 }, { 75, 129, 0 },
    { 76, 130, 0 }, { 77, 128, G_MAXSIZE }, { 200, 251, G_MAXSIZE },
  };
  g_autofree guint8 *text = g_malloc (256);

  memset (text, 't', 256);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ChorusProbe probe = {
        .session = 1,
        .seq = 1,
        .text = text,
        .text_size = cases[i].text_size,
      };
      guint8 buffer[512];
      gsize size = chorus_probe_encode (&probe, buffer, sizeof buffer);
      ChorusProbe back;
      gsize last = 48;

      g_test_message ("text of %" G_GSIZE_FORMAT " bytes", cases[i].text_size);
      g_assert_cmpuint (size, ==, cases[i].size);
      g_assert_true (parse_probe (buffer, size, &back));
      g_assert_cmpmem (back.text, back.text_size, text, cases[i].text_size);

      if (cases[i].text_size > 0)
        last += 3 + cases[i].text_size;
      if (cases[i].pad == G_MAXSIZE)
        {
          g_assert_cmpuint (last, ==, size);
          continue;
        }

      /* The pad is last, and zeros. */
      g_assert_cmpuint (last + 3 + cases[i].pad, ==, size);
      g_assert_cmpuint (buffer[last], ==, 0);
      g_assert_cmpuint (buffer[last + 1] << 8 | buffer[last + 2], ==, cases[i].pad);
      for (gsize j = last + 3; j < size; j++)
        g_assert_cmpuint (buffer[j], ==, 0);
    }
}

static void
test_probe_buffer (void)
{
  g_autofree guint8 *text = g_malloc0 (CHORUS_WIRE_MAX_SIZE + 1);
  g_autofree guint8 *buffer = g_malloc (CHORUS_WIRE_MAX_SIZE + 16);
  ChorusProbe probe = { .session = 1, .seq = 1, .text = text };

  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, 127), ==, 0);
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, 0), ==, 0);
  g_assert_cmpuint (chorus_probe_encode (&probe, NULL, 0), ==, 0);
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, 128), ==, 128);

  probe.text_size = 100;
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, 150), ==, 0);
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, 151), ==, 151);

  /* The largest text there is room for, and one byte more. */
  probe.text_size = CHORUS_WIRE_MAX_SIZE - 51;
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, CHORUS_WIRE_MAX_SIZE + 16), ==,
                    CHORUS_WIRE_MAX_SIZE);
  probe.text_size++;
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, CHORUS_WIRE_MAX_SIZE + 16), ==, 0);
  probe.text_size = CHORUS_WIRE_MAX_SIZE + 1;
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, CHORUS_WIRE_MAX_SIZE + 16), ==, 0);
  probe.text_size = G_MAXSIZE;
  g_assert_cmpuint (chorus_probe_encode (&probe, buffer, CHORUS_WIRE_MAX_SIZE + 16), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe/parse/probe-bytes", test_parse_probe_bytes);
  g_test_add_func ("/probe/parse/answer-bytes", test_parse_answer_bytes);
  g_test_add_func ("/probe/parse/later-version", test_later_version);
  g_test_add_func ("/probe/parse/other-kind-ignored", test_other_kind_ignored);
  g_test_add_func ("/probe/parse/get-kind", test_get_kind);
  g_test_add_func ("/probe/reject/header", test_reject_header);
  g_test_add_func ("/probe/reject/missing", test_reject_missing);
  g_test_add_func ("/probe/reject/length", test_reject_length);
  g_test_add_func ("/probe/reject/duplicate", test_reject_duplicate);
  g_test_add_func ("/probe/reject/truncated", test_reject_truncated);
  g_test_add_func ("/probe/reject/seq-zero", test_reject_seq_zero);
  g_test_add_func ("/probe/reject/long-name", test_reject_long_name);
  g_test_add_func ("/probe/reject/oversize", test_reject_oversize);
  g_test_add_func ("/probe/encode/probe-example", test_encode_probe_example);
  g_test_add_func ("/probe/encode/answer-example", test_encode_answer_example);
  g_test_add_func ("/probe/encode/round-trip", test_round_trip);
  g_test_add_func ("/probe/encode/answer-cut", test_answer_cut);
  g_test_add_func ("/probe/encode/probe-padding", test_probe_padding);
  g_test_add_func ("/probe/encode/probe-buffer", test_probe_buffer);

  return g_test_run ();
}
