/* chorus-receiver-answer.c: answering probes: the reply guard, held answers, batched sends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include "chorus-receiver-private.h"

/* Sends @n answers from slot @first, one datagram each, in as few system
 * calls as the kernel takes. A full send buffer or an unreachable sender
 * costs those answers, never the receiving. */
static void
send_each (ChorusReceiver *self,
           guint           first,
           guint           n)
{
  int fd = g_socket_get_fd (self->socket);
  guint done = 0;

  while (done < n)
    {
      int sent = sendmmsg (fd, self->replies->messages + first + done, n - done, MSG_DONTWAIT);

      if (sent < 0 && errno == EINTR)
        continue;

      if (sent <= 0)
        {
          /* The first one failed (an unreachable sender, a full buffer):
           * drop it and go on with the others. */
          g_debug ("Could not answer: %s", g_strerror (errno));
          done++;
          continue;
        }

      done += (guint) sent;
      self->n_replied += (guint) sent;
    }
}

static gboolean
same_destination (ChorusReplies *replies,
                  guint          a,
                  guint          b)
{
  return replies->messages[a].msg_hdr.msg_namelen == replies->messages[b].msg_hdr.msg_namelen
         && memcmp (&replies->to[a], &replies->to[b], replies->messages[a].msg_hdr.msg_namelen) == 0;
}

/* Groups the batch into runs of answers of one size to one sender; a run
 * of more than one goes as one message the kernel cuts into datagrams
 * (UDP_SEGMENT), the same datagrams as one message each, at the cost of
 * one. Returns the number of runs. */
static guint
group_runs (ChorusReplies *replies)
{
  guint n_runs = 0;

  for (guint i = 0, j; i < replies->n; i = j)
    {
      gsize size = replies->vectors[i].iov_len;
      struct msghdr *run = &replies->runs[n_runs].msg_hdr;

      for (j = i + 1;
           j < replies->n && size > 0 && size <= GSO_MAX_SEGMENT
           && replies->vectors[j].iov_len == size && (j - i + 1) * size <= GSO_MAX_BYTES
           && same_destination (replies, i, j);
           j++)
        ;

      *run = replies->messages[i].msg_hdr;
      run->msg_iovlen = j - i;
      if (j - i > 1)
        {
          struct cmsghdr *control = &replies->run_control[n_runs].align;
          guint16 segment = (guint16) size;

          run->msg_control = replies->run_control[n_runs].buffer;
          run->msg_controllen = sizeof replies->run_control[n_runs].buffer;
          control->cmsg_level = SOL_UDP;
          control->cmsg_type = UDP_SEGMENT;
          control->cmsg_len = CMSG_LEN (sizeof segment);
          memcpy (CMSG_DATA (control), &segment, sizeof segment);
        }
      replies->run_first[n_runs] = i;
      replies->run_length[n_runs] = j - i;
      n_runs++;
    }

  return n_runs;
}

/* Kernels since 4.18 segment UDP sends; older ones would ignore the
 * control message and send one large datagram, so ask first. */
gboolean
_chorus_receiver_can_segment (GSocket *socket)
{
  int segment = 0;

  return setsockopt (g_socket_get_fd (socket), SOL_UDP, UDP_SEGMENT, &segment,
                     sizeof segment) == 0;
}

/* Sends the answers queued for one batch, in one system call where it
 * can. */
void
_chorus_receiver_flush_replies (ChorusReceiver *self)
{
  ChorusReplies *replies = self->replies;
  int fd = g_socket_get_fd (self->socket);
  guint n_runs;
  guint done = 0;

  if (!replies->gso || replies->n < 2 || (n_runs = group_runs (replies)) == replies->n)
    {
      send_each (self, 0, replies->n);
      replies->n = 0;
      return;
    }

  while (done < n_runs)
    {
      int sent = sendmmsg (fd, replies->runs + done, n_runs - done, MSG_DONTWAIT);

      if (sent < 0 && errno == EINTR)
        continue;

      if (sent <= 0)
        {
          int saved_errno = errno;

          /* A device or path that cannot take a segmented send (EIO: no
           * checksum offload; EINVAL: a smaller MTU): the run goes one
           * datagram at a time. Otherwise, as send_each() does, the run
           * is dropped. */
          if (saved_errno == EIO || saved_errno == EINVAL)
            {
              g_debug ("Segmented answers refused (%s); sending one by one",
                       g_strerror (saved_errno));
              if (saved_errno == EIO)
                replies->gso = FALSE;
              send_each (self, replies->run_first[done], replies->run_length[done]);
            }
          else
            g_debug ("Could not answer: %s", g_strerror (saved_errno));
          done++;
          continue;
        }

      for (int k = 0; k < sent; k++)
        self->n_replied += replies->run_length[done + (guint) k];
      done += (guint) sent;
    }

  replies->n = 0;
}

/* Whether the reply guard lets @d be answered with @reply_size bytes;
 * refusals are counted. */
static gboolean
may_answer (ChorusReceiver       *self,
            const ChorusDatagram *d,
            gsize                 reply_size)
{
  ChorusReplyVerdict verdict;
  const guint8 *source;
  gsize source_size;
  guint16 port;

  source = _chorus_datagram_get_source (d, &source_size, &port);
  verdict = chorus_reply_guard_check (self->guard, source, source_size, port, d->size,
                                      reply_size, d->arrival_monotonic);
  if (verdict != CHORUS_REPLY_ANSWER)
    {
      self->n_unanswered[verdict]++;
      return FALSE;
    }

  return TRUE;
}

/* Takes the next slot of the batch of answers, for @to. */
static guint
stage_reply (ChorusReplies         *replies,
             const void            *to,
             socklen_t              to_size,
             const void            *data,
             gsize                  size)
{
  guint slot = replies->n++;

  memcpy (&replies->to[slot], to, to_size);
  replies->vectors[slot] = (struct iovec) { .iov_base = (void *) data, .iov_len = size };
  replies->messages[slot] = (struct mmsghdr) {
    .msg_hdr = {
      .msg_name = &replies->to[slot],
      .msg_namelen = to_size,
      .msg_iov = &replies->vectors[slot],
      .msg_iovlen = 1,
    },
  };

  return slot;
}

/* Queues the plain answer to @d if the reply guard allows it. */
void
_chorus_receiver_answer (ChorusReceiver       *self,
                         const ChorusDatagram *d,
                         gsize                 reply_size)
{
  if (may_answer (self, d, reply_size))
    stage_reply (self->replies, &d->from, d->from_size, self->reply, reply_size);
}

static const char *
answer_name (ChorusReceiver *self)
{
  return self->name[0] != '\0' ? self->name : g_get_host_name ();
}

/* Encodes the answer to a held probe into the next slot of the batch. */
static void
stage_answer (ChorusReceiver   *self,
              const ChorusHeld *held,
              gint64            now)
{
  ChorusReplies *replies = self->replies;
  const char *name = answer_name (self);
  ChorusAnswer answer = {
    .session = held->session,
    .seq = held->seq,
    .sent_usec = held->sent_usec,
    .ttl = held->ttl,
    .hold_usec = (guint32) CLAMP (now - held->arrival, 0, G_MAXUINT32),
    .name = name,
    .name_size = strlen (name),
  };
  guint slot = replies->n;
  gsize size = chorus_answer_encode (&answer, held->max_size, replies->answers[slot],
                                     sizeof replies->answers[slot]);

  if (size > 0)
    stage_reply (replies, &held->to, held->to_size, replies->answers[slot], size);
}

/* The held answers form a binary heap on their due time. */
static void
held_push (GArray     *heap,
           ChorusHeld *held)
{
  guint i = heap->len;

  g_array_append_val (heap, *held);
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      ChorusHeld *a = &g_array_index (heap, ChorusHeld, parent);
      ChorusHeld *b = &g_array_index (heap, ChorusHeld, i);
      ChorusHeld swap;

      if (a->due <= b->due)
        break;

      swap = *a;
      *a = *b;
      *b = swap;
      i = parent;
    }
}

static void
held_pop (GArray     *heap,
          ChorusHeld *out)
{
  guint i = 0;

  *out = g_array_index (heap, ChorusHeld, 0);
  g_array_index (heap, ChorusHeld, 0) = g_array_index (heap, ChorusHeld, heap->len - 1);
  g_array_set_size (heap, heap->len - 1);

  for (;;)
    {
      guint left = 2 * i + 1;
      guint right = left + 1;
      guint least = i;
      ChorusHeld swap;

      if (left < heap->len
          && g_array_index (heap, ChorusHeld, left).due < g_array_index (heap, ChorusHeld, least).due)
        least = left;
      if (right < heap->len
          && g_array_index (heap, ChorusHeld, right).due < g_array_index (heap, ChorusHeld, least).due)
        least = right;
      if (least == i)
        break;

      swap = g_array_index (heap, ChorusHeld, i);
      g_array_index (heap, ChorusHeld, i) = g_array_index (heap, ChorusHeld, least);
      g_array_index (heap, ChorusHeld, least) = swap;
      i = least;
    }
}

static void arm_held (ChorusReceiver *self);

/* Sends every held answer whose time has come, a batch at a time. */
static gboolean
on_held_due (gpointer user_data)
{
  ChorusReceiver *self = CHORUS_RECEIVER (user_data);
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&self->held_source, g_source_unref);
  self->held_source_due = 0;

  while (self->held->len > 0 && g_array_index (self->held, ChorusHeld, 0).due <= now)
    {
      ChorusHeld held;

      held_pop (self->held, &held);
      stage_answer (self, &held, now);
      if (self->replies->n == BATCH_SLOTS)
        _chorus_receiver_flush_replies (self);
    }

  if (self->replies->n > 0)
    _chorus_receiver_flush_replies (self);

  arm_held (self);

  return G_SOURCE_REMOVE;
}

/* Sets the timer for the first held answer, if it is not set already. */
static void
arm_held (ChorusReceiver *self)
{
  gint64 due;

  if (self->held->len == 0)
    return;

  due = g_array_index (self->held, ChorusHeld, 0).due;
  if (self->held_source != NULL && self->held_source_due <= due)
    return;

  if (self->held_source != NULL)
    {
      g_source_destroy (self->held_source);
      g_clear_pointer (&self->held_source, g_source_unref);
    }

  /* Ready at the due time on the monotonic clock: no rounding to
   * milliseconds that would stretch short holds. */
  self->held_source = g_timeout_source_new (0);
  g_source_set_ready_time (self->held_source, due);
  g_source_set_callback (self->held_source, on_held_due, self, NULL);
  g_source_attach (self->held_source, self->context);
  self->held_source_due = due;
}

/* Answers a Chorus probe with a Chorus answer: at once, or after a random
 * part of the spread it asks for. */
void
_chorus_receiver_answer_probe (ChorusReceiver       *self,
                               const ChorusDatagram *d,
                               const ChorusProbe    *probe)
{
  gint64 spread = MIN ((gint64) probe->spread_ms * 1000, MAX_SPREAD_USEC);
  ChorusHeld held = {
    .arrival = d->arrival_monotonic,
    .to_size = d->from_size,
    /* Never larger than the probe; names are cut to fit. */
    .max_size = self->allow_larger ? CHORUS_WIRE_PROBE_MIN_SIZE : MIN (d->size, CHORUS_WIRE_PROBE_MIN_SIZE),
    .session = probe->session,
    .seq = probe->seq,
    .sent_usec = probe->sent_usec,
    .ttl = d->ttl,
  };
  const char *name = answer_name (self);
  ChorusAnswer answer = {
    .session = probe->session,
    .seq = probe->seq,
    .sent_usec = probe->sent_usec,
    .ttl = d->ttl,
    .name = name,
    .name_size = strlen (name),
  };
  guint8 scratch[CHORUS_WIRE_PROBE_MIN_SIZE];
  gsize size = chorus_answer_encode (&answer, held.max_size, scratch, sizeof scratch);

  memcpy (&held.to, &d->from, d->from_size);

  if (size == 0 || !may_answer (self, d, size))
    return;

  if (spread <= 0)
    {
      stage_answer (self, &held, g_get_monotonic_time ());
      return;
    }

  if (self->held->len >= MAX_HELD)
    {
      self->n_unanswered[CHORUS_REPLY_REFUSE_RATE]++;
      return;
    }

  held.due = d->arrival_monotonic + g_random_int_range (0, (gint32) spread);
  held_push (self->held, &held);
  arm_held (self);
}
