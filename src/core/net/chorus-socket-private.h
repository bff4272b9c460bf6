/* chorus-socket-private.h: what the sender and receiver share about sockets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

#include "chorus-sockaddr-private.h"
#include "chorus-pace.h"

G_BEGIN_DECLS

/* What the kernel buffers for us while the main loop is busy. Acks from
 * thousands of receivers land within a millisecond or two; every one that
 * does not fit here is lost, so ask for a lot and take what we get. */
#define CHORUS_RECEIVE_BUFFER_WANTED (32 * 1024 * 1024)

/* Payload read in one dispatch at most, besides a count: everything read
 * is held until it has been announced, so this bounds the memory a flood
 * of large datagrams can take (4096 datagrams of 64 KiB would be 256 MiB). */
#define CHORUS_DISPATCH_BYTES (2 * 1024 * 1024)
/* And time: a window waits at most about this long for its next frame. */
#define CHORUS_DISPATCH_USEC (8 * 1000)

/* One datagram as the kernel handed it over. The payload lives in the
 * batch's buffer: valid until the next receive on that batch. */
typedef struct
{
  const guint8 *data;
  gsize size;
  struct sockaddr_storage from;
  socklen_t from_size;
  /* Wall-clock arrival, from the kernel's timestamp when it gave one. */
  gint64 arrival_usec;
  /* The same moment on the g_get_monotonic_time() clock, for intervals
   * that a step of the wall clock must not bend. */
  gint64 arrival_monotonic;
  /* -1 when the kernel did not say. */
  int ttl;
  /* The address it was sent to (4 or 16 bytes), when the kernel said. */
  guint8 destination[16];
  guint8 destination_size;
  int ifindex;
  /* The DSCP it arrived with (IP_TOS, IPV6_TCLASS), -1 unknown. */
  int dscp;
  /* Datagrams the kernel dropped on this socket so far, its buffer
   * full (SO_RXQ_OVFL); -1 when the socket cannot say. */
  gint64 host_dropped;
} ChorusDatagram;



/* Reads a socket on the main loop, paced (see chorus-pace.c): as datagrams
 * come, behind drawing while busy, and, when @moderate, on ticks while a
 * stream is heavy. @func reads; at its end, if the reader still exists,
 * it calls _chorus_reader_schedule(). Embedded in its owner; the owner
 * outlives the reader. */
typedef struct
{
  GSocket *socket;
  GMainContext *context;
  GCancellable *cancellable;
  GSourceFunc func;
  gpointer data;
  /* Watching the socket; or, on ticks, reading it. One at a time. */
  GSource *source;
  GSource *tick;
  ChorusPace pace;
} ChorusReader;

void                  _chorus_reader_start        (ChorusReader    *reader,
                                                   GSocket         *socket,
                                                   GMainContext    *context,
                                                   GCancellable    *cancellable,
                                                   gboolean         moderate,
                                                   GSourceFunc      func,
                                                   gpointer         data);
void                  _chorus_reader_schedule     (ChorusReader    *reader,
                                                   gint64           started,
                                                   guint            handled,
                                                   gboolean         hit_limit);
void                  _chorus_reader_stop         (ChorusReader    *reader);
gboolean              _chorus_reader_is_ticking   (ChorusReader    *reader);

typedef struct _ChorusBatch ChorusBatch;

/* How a service wants its UDP socket (chorus-udp-socket.c). Start from
 * CHORUS_UDP_OPTIONS_INIT and set what differs. */
typedef struct
{
  GSocketFamily family;
  /* Bound to the family's wildcard address on this port; 0: any port. */
  guint16 port;
  /* Share the port with other sockets (g_socket_bind()'s allow_reuse). */
  gboolean reuse_port;
  /* IP_MULTICAST_IF or IPV6_MULTICAST_IF; 0: as routing chooses. */
  guint ifindex;
  /* IP_MULTICAST_TTL or IPV6_MULTICAST_HOPS; -1: the system's (1). */
  int multicast_ttl;
  /* IP_TTL or IPV6_UNICAST_HOPS; -1: the system's. */
  int unicast_ttl;
  /* IP_MULTICAST_LOOP or IPV6_MULTICAST_LOOP, 0 or 1; -1: the system's. */
  int loopback;
  /* IP_MULTICAST_ALL or IPV6_MULTICAST_ALL off: the socket hears only
   * the groups it joined itself, by the sources it chose. */
  gboolean own_groups_only;
  /* Bytes wanted (SO_RCVBUFFORCE, else SO_RCVBUF; likewise for sending);
   * 0: the system's. */
  int receive_buffer;
  int send_buffer;
  /* SO_TIMESTAMPNS: each datagram's arrival time from the kernel. */
  gboolean timestamps;
  /* Fail unless the kernel says where each datagram was sent to. */
  gboolean need_destination;
} ChorusUdpOptions;

#define CHORUS_UDP_OPTIONS_INIT(f)                                             \
  {                                                                            \
    .family = (f), .multicast_ttl = -1, .unicast_ttl = -1, .loopback = -1,    \
    .own_groups_only = TRUE, .receive_buffer = CHORUS_RECEIVE_BUFFER_WANTED,   \
    .timestamps = TRUE,                                                        \
  }

/* What the kernel granted, in bytes, as SO_RCVBUF and SO_SNDBUF read back. */
typedef struct
{
  int receive_buffer;
  int send_buffer;
} ChorusUdpGranted;

GSocket              *_chorus_udp_socket_open     (const ChorusUdpOptions  *options,
                                                   ChorusUdpGranted        *granted,
                                                   GError                 **error);
gboolean              _chorus_socket_join      (GSocket         *socket,
                                                GInetAddress    *group,
                                                GInetAddress    *source,
                                                guint            ifindex,
                                                gboolean        *no_room,
                                                GError         **error);
gboolean              _chorus_socket_block_source (GSocket      *socket,
                                                   GInetAddress *group,
                                                   GInetAddress *source,
                                                   guint         ifindex,
                                                   GError      **error);
void                  _chorus_socket_leave     (GSocket         *socket,
                                                GInetAddress    *group,
                                                guint            ifindex);
int                   _chorus_socket_get_int      (GSocket         *socket,
                                                   int              level,
                                                   int              option);

typedef enum
{
  CHORUS_LINK_UP,
  CHORUS_LINK_GONE,
  CHORUS_LINK_DOWN,
  CHORUS_LINK_NO_CARRIER,
} ChorusLinkState;

ChorusLinkState       _chorus_link_get_state      (const char      *name,
                                                   guint           *ifindex);
/* IPv4 broadcast addresses of this host's interfaces, network order. */
GArray               *_chorus_link_get_broadcasts (void);

/* Calls func (data) on the thread-default main context whenever a network
 * interface or address of this host changes. */
typedef struct _ChorusLinkWatch ChorusLinkWatch;

ChorusLinkWatch      *_chorus_link_watch_new      (GSourceFunc      func,
                                                   gpointer         data,
                                                   GError         **error);
void                  _chorus_link_watch_free     (ChorusLinkWatch *watch);

ChorusBatch          *_chorus_batch_new           (guint            n_slots,
                                                   gsize            slot_size);
void                  _chorus_batch_free          (ChorusBatch     *batch);
int                   _chorus_batch_receive       (ChorusBatch     *batch,
                                                   GSocket         *socket,
                                                   GError         **error);
const ChorusDatagram *_chorus_batch_get           (ChorusBatch     *batch,
                                                   guint            index);
void                  _chorus_datagram_parse_control (ChorusDatagram *d,
                                                      void           *control,
                                                      gsize           size);
const guint8         *_chorus_datagram_get_source (const ChorusDatagram *d,
                                                   gsize                *size,
                                                   guint16              *port);
GInetSocketAddress   *_chorus_datagram_dup_from   (const ChorusDatagram *d);
GBytes               *_chorus_datagram_dup_payload (const ChorusDatagram *d);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusBatch, _chorus_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusLinkWatch, _chorus_link_watch_free)

G_END_DECLS
