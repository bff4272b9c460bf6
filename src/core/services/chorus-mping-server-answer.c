/* chorus-mping-server-answer.c: reading queries and inits, and answering them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include "chorus-mping-server-private.h"

/* Answers */

/* The control message that makes an answer leave from @from (the
 * address the query was sent to) by way of @ifindex. */
static gsize
fill_pktinfo (void         *control,
              gsize         control_size,
              const guint8 *from,
              gsize         from_size,
              int           ifindex)
{
  struct msghdr header = { .msg_control = control, .msg_controllen = control_size };
  struct cmsghdr *c;

  memset (control, 0, control_size);
  c = CMSG_FIRSTHDR (&header);

  if (from_size == 4)
    {
      struct in_pktinfo info = { .ipi_ifindex = ifindex };

      memcpy (&info.ipi_spec_dst, from, 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN (sizeof info);
      memcpy (CMSG_DATA (c), &info, sizeof info);
      return CMSG_SPACE (sizeof info);
    }

  if (from_size == 16)
    {
      struct in6_pktinfo info = { .ipi6_ifindex = (unsigned int) ifindex };

      memcpy (&info.ipi6_addr, from, 16);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN (sizeof info);
      memcpy (CMSG_DATA (c), &info, sizeof info);
      return CMSG_SPACE (sizeof info);
    }

  return 0;
}

/* Sends one answer; a full buffer or an unreachable client costs that
 * answer, never the serving. */
static gboolean
send_answer (GSocket              *socket,
             const ChorusDatagram *query,
             const void           *to,
             socklen_t             to_size,
             const guint8         *data,
             gsize                 size)
{
  union
  {
    struct cmsghdr align;
    guint8 bytes[CMSG_SPACE (sizeof (struct in6_pktinfo))];
  } control;
  struct iovec vector = { .iov_base = (void *) data, .iov_len = size };
  struct msghdr header = {
    .msg_name = (void *) to,
    .msg_namelen = to_size,
    .msg_iov = &vector,
    .msg_iovlen = 1,
  };
  gssize sent;

  /* Without the system's word on where the query went, the routing
   * table picks the source. */
  if (query->destination_size != 0)
    {
      header.msg_control = &control;
      header.msg_controllen = fill_pktinfo (&control, sizeof control, query->destination,
                                            query->destination_size, query->ifindex);
    }

  do
    sent = sendmsg (g_socket_get_fd (socket), &header, MSG_DONTWAIT);
  while (sent < 0 && errno == EINTR);

  if (sent < 0)
    {
      g_debug ("Could not answer: %s", g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/* Whether answers may go to @group (4 or 16 bytes). */
static gboolean
group_is_allowed (const guint8 *group,
                  gsize         group_size)
{
  if (group_size == 4)
    /* 224.0.0.0/24 is for routing protocols and the like, never for
     * answers. */
    return group[0] >= 224 && group[0] <= 239 && !(group[0] == 224 && group[1] == 0
                                                   && group[2] == 0);

  if (group_size == 16)
    {
      guint scope = group[1] & 0x0f;

      /* Reserved and interface-local scopes reach nobody else. */
      return group[0] == 0xff && scope != 0 && scope != 1 && scope != 15;
    }

  return FALSE;
}

/* Where the multicast copy of an answer goes: @group at @port. */
static void
fill_group_address (struct sockaddr_storage *to,
                    socklen_t               *to_size,
                    const guint8            *group,
                    gsize                    group_size,
                    guint16                  port,
                    int                      ifindex)
{
  memset (to, 0, sizeof *to);

  if (group_size == 4)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) to;

      in->sin_family = AF_INET;
      in->sin_port = g_htons (port);
      memcpy (&in->sin_addr, group, 4);
      *to_size = sizeof *in;
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) to;
      guint scope = group[1] & 0x0f;

      in6->sin6_family = AF_INET6;
      in6->sin6_port = g_htons (port);
      memcpy (&in6->sin6_addr, group, 16);
      /* A link-local group is the link the query came by. */
      if (scope == 2)
        in6->sin6_scope_id = (guint32) ifindex;
      *to_size = sizeof *in6;
    }
}

/* Queries */

static void
refuse (ChorusMpingServer  *self,
        ChorusMpingRefusal  refusal)
{
  self->n_refused[refusal]++;
}

/* Asks the reply guard whether @d may have @answer_size bytes back, as
 * if it were @allowance bytes larger; refusals are counted. */
static gboolean
may_answer (ChorusMpingServer    *self,
            const ChorusDatagram *d,
            gsize                 answer_size,
            gsize                 allowance)
{
  const guint8 *source;
  gsize source_size;
  guint16 port;

  source = _chorus_datagram_get_source (d, &source_size, &port);
  switch (chorus_reply_guard_check (self->guard, source, source_size, port, d->size + allowance,
                                    answer_size, d->arrival_monotonic))
    {
    case CHORUS_REPLY_ANSWER:
      return TRUE;
    case CHORUS_REPLY_REFUSE_SOURCE:
      refuse (self, CHORUS_MPING_REFUSE_SOURCE);
      return FALSE;
    case CHORUS_REPLY_REFUSE_SIZE:
      refuse (self, CHORUS_MPING_REFUSE_SIZE);
      return FALSE;
    case CHORUS_REPLY_REFUSE_RATE:
    case CHORUS_REPLY_N_VERDICTS:
    default:
      refuse (self, CHORUS_MPING_REFUSE_RATE);
      return FALSE;
    }
}

/* What the server says of itself when a client asks. */
static const char *
server_info (void)
{
  return "Chorus " PACKAGE_VERSION;
}

/* Whether @address (the one a query was sent to) is one of ours that an
 * answer can come from: not a group, not a broadcast address. */
static gboolean
is_own_unicast (ChorusMpingServer *self,
                const guint8      *address,
                gsize              address_size)
{
  if (!chorus_reply_address_is_unicast (address, address_size))
    return FALSE;

  if (address_size == 4)
    for (guint i = 0; i < self->broadcasts->len; i++)
      if (memcmp (&g_array_index (self->broadcasts, guint32, i), address, 4) == 0)
        return FALSE;

  return TRUE;
}

/* The group the answers to @query go to: the one asked for, or the
 * protocol's own for the family the query came by. NULL (and counted)
 * when answers must not go there. */
static GInetAddress *
group_for (ChorusMpingServer        *self,
           const ChorusDatagram     *d,
           const ChorusMpingMessage *query)
{
  GSocketFamily family = d->from.ss_family == AF_INET ? G_SOCKET_FAMILY_IPV4
                                                      : G_SOCKET_FAMILY_IPV6;
  g_autoptr(GInetAddress) group = chorus_mping_message_choose_group (query, family);

  if (group == NULL
      || !group_is_allowed (g_inet_address_to_bytes (group),
                            g_inet_address_get_native_size (group)))
    {
      refuse (self, CHORUS_MPING_REFUSE_GROUP);
      return NULL;
    }

  return g_steal_pointer (&group);
}

/* Encodes @message and sends it back to where @d came from, if it is at
 * most @allowance bytes larger; FALSE if it could not be encoded or the
 * reply guard refused it (counted), or the system would not send it. */
static gboolean
answer_unicast (ChorusMpingServer        *self,
                ChorusListener           *listener,
                const ChorusDatagram     *d,
                const ChorusMpingMessage *message,
                gsize                     allowance,
                gsize                    *size)
{
  *size = chorus_mping_encode (message, self->answer, G_MAXUINT16 + 1);
  if (*size == 0)
    {
      refuse (self, CHORUS_MPING_REFUSE_SIZE);
      return FALSE;
    }

  if (!may_answer (self, d, *size, allowance))
    return FALSE;

  return send_answer (listener->socket, d, &d->from, d->from_size, self->answer, *size);
}

/* An RFC 6450 query in a session we do not know: the client is told,
 * with a Server Response that has no session, to start again. */
static void
reject_session (ChorusMpingServer        *self,
                ChorusListener           *listener,
                const ChorusDatagram     *d,
                const ChorusMpingMessage *query)
{
  ChorusMpingMessage init = *query;
  ChorusMpingMessage response;
  gsize size;

  refuse (self, CHORUS_MPING_REFUSE_SESSION);

  /* The response is built as for an init of the same client. */
  init.type = CHORUS_MPING_TYPE_INIT;
  if (chorus_mping_make_server_response (&init, NULL, NULL, 0, NULL, &response, NULL))
    answer_unicast (self, listener, d, &response, 0, &size);
}

static void
handle_query (ChorusMpingServer        *self,
              ChorusListener           *listener,
              const ChorusDatagram     *d,
              const ChorusMpingMessage *query)
{
  g_autoptr(GInetAddress) group = NULL;
  struct sockaddr_storage to;
  socklen_t to_size;
  ChorusMpingMessage answer;
  gsize size, source_size;
  guint16 port;

  if (query->generation == CHORUS_MPING_GENERATION_RFC6450
      && CHORUS_MPING_HAS (query, CHORUS_MPING_OPTION_SESSION_ID)
      && _chorus_mping_server_find_session (self, d, query->session_id, query->session_id_size) == NULL)
    {
      reject_session (self, listener, d, query);
      _chorus_mping_server_count_client (self, d, query->generation, NULL, FALSE);
      return;
    }

  group = group_for (self, d, query);
  if (group == NULL
      || !chorus_mping_make_answer (query, server_info (), g_get_real_time (), &answer, NULL))
    {
      /* make_answer only fails on what is no query: parse took it as one. */
      _chorus_mping_server_count_client (self, d, query->generation, group, FALSE);
      return;
    }

  /* What the server says of itself is a courtesy (ssmping -v asks for
   * it): left out rather than let the answer outgrow the query. */
  if (CHORUS_MPING_HAS (&answer, CHORUS_MPING_OPTION_SERVER_INFO) && !self->allow_larger
      && chorus_mping_encoded_size (&answer) > d->size)
    chorus_mping_make_answer (query, NULL, g_get_real_time (), &answer, NULL);

  if (!answer_unicast (self, listener, d, &answer, 0, &size))
    {
      _chorus_mping_server_count_client (self, d, query->generation, group, FALSE);
      return;
    }

  /* The same bytes to the group, at the port the client asked from: the
   * client listens there for both. */
  _chorus_datagram_get_source (d, &source_size, &port);
  fill_group_address (&to, &to_size, g_inet_address_to_bytes (group),
                      g_inet_address_get_native_size (group), port, d->ifindex);
  send_answer (listener->socket, d, &to, to_size, self->answer, size);

  self->n_answered++;
  _chorus_mping_server_count_client (self, d, query->generation, group, TRUE);
}

/* An RFC 6450 init: a Server Response with a new session, by unicast. */
static void
handle_init (ChorusMpingServer        *self,
             ChorusListener           *listener,
             const ChorusDatagram     *d,
             const ChorusMpingMessage *init)
{
  g_autoptr(GInetAddress) group = NULL;
  ChorusMpingMessage response;
  ChorusSession *session;
  gboolean ok = TRUE;
  gsize size;

  group = group_for (self, d, init);
  if (group == NULL)
    {
      _chorus_mping_server_count_client (self, d, init->generation, NULL, FALSE);
      return;
    }

  session = _chorus_mping_server_open_session (self, d);
  if (session == NULL)
    {
      refuse (self, CHORUS_MPING_REFUSE_RATE);
      return;
    }

  /* The response must add a session and the group to what the init
   * carried, so it may outgrow it by that much; what the server says of
   * itself is left out rather than outgrow it more. */
  if (!chorus_mping_make_server_response (init, group, session->id,
                                          sizeof session->id, server_info (), &response, NULL))
    ok = FALSE;
  else if (CHORUS_MPING_HAS (&response, CHORUS_MPING_OPTION_SERVER_INFO) && !self->allow_larger
           && chorus_mping_encoded_size (&response) > d->size + CHORUS_MPING_SERVER_RESPONSE_ALLOWANCE)
    ok = chorus_mping_make_server_response (init, group, session->id,
                                            sizeof session->id, NULL, &response, NULL);
  if (!ok || !answer_unicast (self, listener, d, &response, CHORUS_MPING_SERVER_RESPONSE_ALLOWANCE,
                              &size))
    {
      g_hash_table_remove (self->sessions, session->id);
      _chorus_mping_server_count_client (self, d, init->generation, group, FALSE);
      return;
    }

  self->n_answered++;
  _chorus_mping_server_count_client (self, d, init->generation, group, TRUE);
}

static void
handle_datagram (ChorusMpingServer    *self,
                 ChorusListener       *listener,
                 const ChorusDatagram *d)
{
  ChorusMpingMessage message;

  self->n_queries++;

  /* Queries come to one of our addresses; one sent to a group or a
   * broadcast address is no query to us (and its address no source for
   * an answer). */
  if (!chorus_mping_parse (d->data, d->size, &message, NULL)
      || (d->destination_size != 0 && !is_own_unicast (self, d->destination,
                                                       d->destination_size)))
    {
      self->n_invalid++;
      return;
    }

  if (message.type == CHORUS_MPING_TYPE_QUERY)
    handle_query (self, listener, d, &message);
  else if (message.type == CHORUS_MPING_TYPE_INIT
           && message.generation == CHORUS_MPING_GENERATION_RFC6450)
    handle_init (self, listener, d, &message);
  else
    /* Answers and server responses are never answered: two servers must
     * not keep each other busy. */
    self->n_invalid++;
}

static void
flush_counts (ChorusMpingServer *self)
{
  guint64 unanswered = chorus_mping_server_get_n_unanswered (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChorusMpingClientSession) client =
        g_list_model_get_item (G_LIST_MODEL (self->clients), i);

      _chorus_mping_client_session_flush (client);
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->n_queries != self->notified[0])
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_N_QUERIES]);
  if (self->n_answered != self->notified[1])
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_N_ANSWERED]);
  if (self->n_invalid != self->notified[2])
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_N_INVALID]);
  if (unanswered != self->notified_unanswered)
    g_object_notify_by_pspec (G_OBJECT (self), _chorus_mping_server_properties[PROP_N_UNANSWERED]);
  self->notified[0] = self->n_queries;
  self->notified[1] = self->n_answered;
  self->notified[2] = self->n_invalid;
  self->notified_unanswered = unanswered;
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
_chorus_mping_server_on_socket_readable (gpointer user_data)
{
  ChorusListener *listener = user_data;
  ChorusMpingServer *self = listener->self;
  GSocket *socket = listener->socket;
  g_autoptr(ChorusMpingServer) hold = g_object_ref (self);
  gint64 started = g_get_monotonic_time ();
  guint handled = 0;
  gsize bytes = 0;

  while (handled < MAX_PER_DISPATCH && bytes < CHORUS_DISPATCH_BYTES
         && g_get_monotonic_time () - started < CHORUS_DISPATCH_USEC)
    {
      g_autoptr(GError) error = NULL;
      int n = _chorus_batch_receive (self->batch, socket, &error);

      if (n < 0)
        {
          g_debug ("Receiving: %s", error->message);
          break;
        }
      if (n == 0)
        break;

      handled += n;
      for (int i = 0; i < n; i++)
        {
          const ChorusDatagram *d = _chorus_batch_get (self->batch, i);

          bytes += d->size;
          /* Queries that came by another interface are not ours to hear. */
          if (self->ifindex != 0 && d->ifindex != 0 && (guint) d->ifindex != self->ifindex)
            continue;
          handle_datagram (self, listener, d);
        }

      /* Short of a full batch, the socket was empty (see the receiver). */
      if (n < BATCH_SLOTS)
        break;
    }

  /* Handlers may stop the server. */
  flush_counts (self);

  if (self->running)
    _chorus_reader_schedule (&listener->reader, started, handled,
                             handled >= MAX_PER_DISPATCH || bytes >= CHORUS_DISPATCH_BYTES
                               || g_get_monotonic_time () - started >= CHORUS_DISPATCH_USEC);

  return G_SOURCE_CONTINUE;
}

/* Running */

gboolean
_chorus_mping_server_add_listener (ChorusMpingServer  *self,
                                   GSocketFamily       family,
                                   GError            **error)
{
  ChorusUdpOptions options = CHORUS_UDP_OPTIONS_INIT (family);
  g_autoptr(GSocket) socket = NULL;
  ChorusListener *listener;

  /* Not shared: two servers on one port would answer every query twice.
   * Answers leave with TTL 64, unicast and multicast, so that the client
   * can count hops. It joins no group, and IP_MULTICAST_ALL stays as
   * the system has it. */
  options.port = (guint16) self->port;
  options.unicast_ttl = CHORUS_MPING_TTL;
  options.multicast_ttl = CHORUS_MPING_TTL;
  options.own_groups_only = FALSE;
  options.send_buffer = SEND_BUFFER_WANTED;

  socket = _chorus_udp_socket_open (&options, NULL, error);
  if (socket == NULL)
    return FALSE;

  listener = g_new0 (ChorusListener, 1);
  listener->self = self;
  listener->socket = g_steal_pointer (&socket);
  g_ptr_array_add (self->listeners, listener);

  return TRUE;
}
