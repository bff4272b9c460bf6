/* fuzz-mping.c: the multicast ping parser on any bytes
 *
 * Whatever the bytes, the parser stays inside them (ASan says so when it
 * does not), agrees with chorus_mping_detect(), and hands back variable
 * fields that lie inside the input. What parses encodes to exactly its
 * own size and parses back to the same values; a query's answer (and an
 * init's server response) encodes and parses too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-mping.h"
#include "fuzz.h"

static gboolean
inside (const void *pointer,
        gsize       size,
        const void *data,
        gsize       data_size)
{
  const guint8 *p = pointer;
  const guint8 *start = data;

  if (pointer == NULL)
    return size == 0;
  return p >= start && size <= data_size && p - start <= (gssize) (data_size - size);
}

static gboolean
same_bytes (const guint8 *a,
            gsize         a_size,
            const guint8 *b,
            gsize         b_size)
{
  return a_size == b_size && (a_size == 0 || a == NULL || b == NULL || memcmp (a, b, a_size) == 0);
}

static void
check_equal (const ChorusMpingMessage *a,
             const ChorusMpingMessage *b)
{
  fuzz_check (a->generation == b->generation);
  fuzz_check (a->type == b->type);
  fuzz_check (a->present == b->present);
  fuzz_check (a->version == b->version);
  fuzz_check (same_bytes (a->client_id, a->client_id_size, b->client_id, b->client_id_size));
  fuzz_check (a->seq == b->seq);
  fuzz_check (a->client_sec == b->client_sec && a->client_usec == b->client_usec);
  fuzz_check (memcmp (&a->group, &b->group, sizeof a->group) == 0);
  fuzz_check (same_bytes (a->option_request, a->option_request_size, b->option_request, b->option_request_size));
  fuzz_check (same_bytes (a->server_info, a->server_info_size, b->server_info, b->server_info_size));
  fuzz_check (a->size == b->size);
  fuzz_check (same_bytes (a->pad, a->pad_size, b->pad, b->pad_size));
  fuzz_check (a->ttl == b->ttl);
  fuzz_check (a->prefix_length == b->prefix_length);
  fuzz_check (a->prefix.family == b->prefix.family);
  fuzz_check (a->prefix_size == b->prefix_size);
  fuzz_check (memcmp (a->prefix.bytes, b->prefix.bytes, sizeof a->prefix.bytes) == 0);
  fuzz_check (same_bytes (a->session_id, a->session_id_size, b->session_id, b->session_id_size));
  fuzz_check (a->server_sec == b->server_sec && a->server_usec == b->server_usec);
  fuzz_check (a->n_unknown == b->n_unknown);
  for (guint i = 0; i < a->n_unknown; i++)
    {
      fuzz_check (a->unknown[i].type == b->unknown[i].type);
      fuzz_check (same_bytes (a->unknown[i].value, a->unknown[i].size,
                              b->unknown[i].value, b->unknown[i].size));
    }
}

static void
check_encodes (const ChorusMpingMessage *msg,
               guint8                   *buffer)
{
  gsize size = chorus_mping_encoded_size (msg);
  ChorusMpingMessage back;

  fuzz_check (size > 0);
  fuzz_check (chorus_mping_encode (msg, buffer, size - 1) == 0);
  fuzz_check (chorus_mping_encode (msg, buffer, size) == size);
  fuzz_check (chorus_mping_detect (buffer, size) == msg->generation);
  fuzz_check (chorus_mping_parse (buffer, size, &back, NULL));
  check_equal (msg, &back);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static guint8 buffer[CHORUS_MPING_MAX_SIZE];
  static guint8 reply[CHORUS_MPING_MAX_SIZE];
  ChorusMpingGeneration generation = chorus_mping_detect (data, size);
  ChorusMpingMessage msg, made;
  g_autoptr(GError) error = NULL;
  static const guint8 session[CHORUS_MPING_SESSION_ID_SIZE] = { 1, 2, 3 };
  g_autofree char *prefix = NULL;

  if (!chorus_mping_parse (data, size, &msg, &error))
    {
      fuzz_check (error != NULL);
      return 0;
    }
  fuzz_check (error == NULL);
  fuzz_check (generation != CHORUS_MPING_GENERATION_NONE && msg.generation == generation);
  fuzz_check (size <= CHORUS_MPING_MAX_SIZE);
  fuzz_check (inside (msg.client_id, msg.client_id_size, data, size));
  fuzz_check (inside (msg.option_request, msg.option_request_size, data, size));
  fuzz_check (inside (msg.server_info, msg.server_info_size, data, size));
  fuzz_check (inside (msg.pad, msg.pad_size, data, size));
  fuzz_check (inside (msg.session_id, msg.session_id_size, data, size));

  /* The group a server would answer: multicast, of the family asked
   * for, or none. */
  for (guint f = 0; f < 2; f++)
    {
      GSocketFamily family = f == 0 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;
      g_autoptr(GInetAddress) group = chorus_mping_message_choose_group (&msg, family);

      fuzz_check (group == NULL || (g_inet_address_get_is_multicast (group)
                                    && g_inet_address_get_family (group) == family));
    }
  for (guint i = 0; i < msg.n_unknown; i++)
    fuzz_check (inside (msg.unknown[i].value, msg.unknown[i].size, data, size));

  /* A Prefix reads back as text, "address/length", and only a Prefix. */
  prefix = chorus_mping_message_dup_prefix (&msg);
  fuzz_check ((prefix != NULL) == CHORUS_MPING_HAS (&msg, CHORUS_MPING_OPTION_PREFIX));
  fuzz_check (prefix == NULL || strchr (prefix, '/') != NULL);

  /* Parse → encode → parse gives the same message, of the same size. */
  fuzz_check (chorus_mping_encoded_size (&msg) == size);
  check_encodes (&msg, buffer);

  if (msg.type == CHORUS_MPING_TYPE_QUERY)
    {
      if (chorus_mping_make_answer (&msg, "chorus", G_GINT64_CONSTANT (1700000000000000), &made, NULL))
        {
          fuzz_check (made.type == CHORUS_MPING_TYPE_ANSWER);
          check_encodes (&made, reply);
        }
    }
  else if (msg.type == CHORUS_MPING_TYPE_INIT)
    {
      g_autoptr(GInetAddress) group = g_inet_address_new_from_string (CHORUS_MPING_GROUP_IPV4);

      fuzz_check (chorus_mping_make_server_response (&msg, group, session, sizeof session,
                                                     "chorus", &made, NULL));
      check_encodes (&made, reply);
    }

  return 0;
}
