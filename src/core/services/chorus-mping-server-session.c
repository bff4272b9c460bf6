/* chorus-mping-server-session.c: the clients a server hears and their sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include "chorus-mping-server-private.h"

/* Clients */

/* The client that sent @d; a new one (not yet listed, *fresh set) if
 * @create and there is room. */
static ChorusMpingClientSession *
lookup_client (ChorusMpingServer     *self,
               const ChorusDatagram  *d,
               ChorusMpingGeneration  generation,
               gboolean               create,
               gboolean              *fresh)
{
  g_autofree char *address = _chorus_sockaddr_to_string ((const struct sockaddr *) &d->from,
                                                         d->from_size);
  gsize source_size;
  guint16 port;
  g_autofree char *key = NULL;
  ChorusMpingClientSession *client;

  *fresh = FALSE;
  _chorus_datagram_get_source (d, &source_size, &port);
  key = g_strdup_printf ("%s %u %d", address, port, generation);
  client = g_hash_table_lookup (self->client_table, key);
  if (client != NULL || !create
      || g_hash_table_size (self->client_table) >= CHORUS_MPING_SERVER_MAX_CLIENTS)
    return client;

  client = _chorus_mping_client_session_new (address, port, generation, d->arrival_usec);
  g_hash_table_insert (self->client_table, g_steal_pointer (&key), client);
  *fresh = TRUE;

  return client;
}

/* RFC 6450 sessions */

static gboolean
session_is_idle (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  const ChorusSession *session = value;
  const gint64 *now = user_data;

  return *now - session->last_used > SESSION_IDLE_USEC;
}

/* Sessions are looked up by their id, random bytes: the first four
 * are hash enough. */
guint
_chorus_mping_server_session_id_hash (gconstpointer key)
{
  guint hash;

  memcpy (&hash, key, sizeof hash);
  return hash;
}

gboolean
_chorus_mping_server_session_id_equal (gconstpointer a,
                                       gconstpointer b)
{
  return memcmp (a, b, CHORUS_MPING_SESSION_ID_SIZE) == 0;
}

static gboolean
session_id_is_zero (const guint8 *id)
{
  static const guint8 zero[CHORUS_MPING_SESSION_ID_SIZE] = { 0 };

  return memcmp (id, zero, sizeof zero) == 0;
}

/* A new session for the client that sent @d; NULL when the table is
 * full of sessions in use. */
ChorusSession *
_chorus_mping_server_open_session (ChorusMpingServer    *self,
                                   const ChorusDatagram *d)
{
  ChorusSession *session;
  const guint8 *source;
  gsize source_size;
  guint16 port;
  gint64 now = d->arrival_monotonic;

  if (g_hash_table_size (self->sessions) >= MAX_SESSIONS)
    {
      /* A sweep a second at most: a flood of inits costs little. */
      if (now - self->last_sweep < G_USEC_PER_SEC)
        return NULL;
      self->last_sweep = now;
      g_hash_table_foreach_remove (self->sessions, session_is_idle, &now);
      if (g_hash_table_size (self->sessions) >= MAX_SESSIONS)
        return NULL;
    }

  source = _chorus_datagram_get_source (d, &source_size, &port);
  session = g_new0 (ChorusSession, 1);
  /* Unguessable, so that a forger cannot use someone else's. */
  do
    {
      if (getrandom (session->id, sizeof session->id, 0) != sizeof session->id)
        for (gsize i = 0; i < sizeof session->id; i += sizeof (guint32))
          {
            guint32 word = g_random_int ();

            memcpy (session->id + i, &word, sizeof word);
          }
    }
  while (session_id_is_zero (session->id) || g_hash_table_contains (self->sessions, session->id));
  memcpy (session->client, source, source_size);
  session->client_size = (guint8) source_size;
  session->last_used = now;
  g_hash_table_insert (self->sessions, session->id, session);

  return session;
}

/* The session whose id is @id (@id_size bytes) if this server gave it
 * to the client that sent @d. An id of another length is none of ours. */
ChorusSession *
_chorus_mping_server_find_session (ChorusMpingServer    *self,
                                   const ChorusDatagram *d,
                                   const guint8         *id,
                                   gsize                 id_size)
{
  ChorusSession *session;
  const guint8 *source;
  gsize source_size;
  guint16 port;

  if (id_size != CHORUS_MPING_SESSION_ID_SIZE)
    return NULL;
  session = g_hash_table_lookup (self->sessions, id);
  source = _chorus_datagram_get_source (d, &source_size, &port);
  if (session == NULL || session->client_size != source_size
      || memcmp (session->client, source, source_size) != 0)
    return NULL;

  session->last_used = d->arrival_monotonic;
  return session;
}

/* Counts a query for the client that sent it; a client is listed once it
 * has had an answer. */
void
_chorus_mping_server_count_client (ChorusMpingServer     *self,
                                   const ChorusDatagram  *d,
                                   ChorusMpingGeneration  generation,
                                   GInetAddress          *group,
                                   gboolean               answered)
{
  g_autofree char *group_text = group != NULL ? g_inet_address_to_string (group) : NULL;
  ChorusMpingClientSession *client;
  gboolean fresh;

  client = lookup_client (self, d, generation, answered, &fresh);
  if (client == NULL)
    return;

  _chorus_mping_client_session_query (client, group_text, answered, d->arrival_usec);
  /* Listed once it has its group: whoever watches the list sees it whole. */
  if (fresh)
    g_list_store_append (self->clients, client);
}
