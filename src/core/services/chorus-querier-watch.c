/* chorus-querier-watch.c: listens to IGMP and MLD on this host's links:
 * who the querier is, who reports what, what will expire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two raw sockets, read on the main loop: IGMP (the IPv4 header comes
 * with each message, IP_PKTINFO says the interface) and ICMPv6 filtered
 * to the four MLD types (IPV6_RECVPKTINFO). Queries go to 224.0.0.1 and
 * ff02::1, which every host has joined; v3 reports go to 224.0.0.22 and
 * ff02::16, leaves to 224.0.0.2 and ff02::2, so the watch joins those on
 * each interface. IGMPv1/v2 and MLDv1 reports go to the group reported:
 * the kernel hands them to a raw socket only when this host is a member
 * of that group too (ip_check_mc_rcu(), ip6_mc_input()), so those joins
 * are heard for this host's groups only.
 *
 * Memory stays bounded whatever the link carries: per link, the model
 * keeps the querier and one second querier; reports are announced one
 * message at a time and never kept, their sources listed up to
 * CHORUS_QUERIER_WATCH_MAX_LISTED_SOURCES and counted beyond.
 */

#define _GNU_SOURCE
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "chorus-error.h"
#include "chorus-gmp.h"
#include "chorus-gmp-socket-private.h"
#include "chorus-querier-watch.h"
#include "chorus-socket-private.h"
#include "chorus-util-private.h"

#define BATCH_SLOTS      16
#define MAX_PER_DISPATCH 4096
/* An IPv4 header is 20 to 60 bytes. */
#define IPV4_HEADER_MIN  20

#define IGMP_QUERY       0x11
#define IGMP_V1_REPORT   0x12
#define IGMP_V2_REPORT   0x16
#define IGMP_V2_LEAVE    0x17
#define IGMP_V3_REPORT   0x22

typedef struct
{
  ChorusQuerierLink pub;
  char *name;
  /* What was last announced, to tell a change. */
  gboolean announced;
  guint announced_version;
  guint announced_max_resp_ms;
  guint announced_qrv;
  guint announced_qqi_s;
  gboolean announced_s_flag;
  gboolean announced_interval;
  /* Warnings given, each until it no longer holds. */
  gboolean warned_silence;
  gboolean warned_second;
} Link;

typedef struct
{
  ChorusQuerierWatch *self;
  GSocket *socket;
  int family;
  ChorusReader reader;
} Listener;

struct _ChorusQuerierWatch
{
  GObject parent_instance;

  char *interface;
  GSocketFamily family;

  GPtrArray *links;      /* Link */
  GPtrArray *listeners;  /* Listener */
  ChorusBatch *batch;
  GCancellable *cancellable;
  GMainContext *context;
  GSource *tick;
  gint64 started_usec;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (ChorusQuerierWatch, chorus_querier_watch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INTERFACE,
  PROP_FAMILY,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SIGNAL_QUERY,
  SIGNAL_QUERIER_CHANGED,
  SIGNAL_REPORT,
  SIGNAL_WARNING,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char *
chorus_querier_warning_to_string (ChorusQuerierWarning warning)
{
  switch (warning)
    {
    case CHORUS_QUERIER_WARNING_NO_QUERIER:
      return "no-querier";
    case CHORUS_QUERIER_WARNING_QUERIER_CHANGED:
      return "querier-changed";
    case CHORUS_QUERIER_WARNING_VERSION_MISMATCH:
      return "version-mismatch";
    case CHORUS_QUERIER_WARNING_TWO_QUERIERS:
      return "two-queriers";
    default:
      return "unknown";
    }
}

static gsize
address_size (int family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;
}

const char *
chorus_querier_link_get_protocol (const ChorusQuerierLink *link)
{
  g_return_val_if_fail (link != NULL, NULL);

  return link->family == G_SOCKET_FAMILY_IPV6 ? "MLD" : "IGMP";
}

char *
chorus_querier_link_address_to_string (const ChorusQuerierLink *link,
                                       const guint8            *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  g_return_val_if_fail (link != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  inet = g_inet_address_new_from_bytes (address, link->family);
  return g_inet_address_to_string (inet);
}

gboolean
chorus_querier_link_heard_querier (const ChorusQuerierLink *link)
{
  g_return_val_if_fail (link != NULL, FALSE);

  return link->querier.present;
}

static void
link_free (Link *link)
{
  g_free (link->name);
  g_free (link);
}

static void
listener_free (Listener *listener)
{
  _chorus_reader_stop (&listener->reader);
  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

static void
clear_run (ChorusQuerierWatch *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  if (self->tick != NULL)
    {
      g_source_destroy (self->tick);
      g_clear_pointer (&self->tick, g_source_unref);
    }
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->batch, _chorus_batch_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
}

static void
chorus_querier_watch_dispose (GObject *object)
{
  ChorusQuerierWatch *self = (ChorusQuerierWatch *) object;

  clear_run (self);
  self->running = FALSE;

  G_OBJECT_CLASS (chorus_querier_watch_parent_class)->dispose (object);
}

static void
chorus_querier_watch_finalize (GObject *object)
{
  ChorusQuerierWatch *self = (ChorusQuerierWatch *) object;

  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_free (self->interface);

  G_OBJECT_CLASS (chorus_querier_watch_parent_class)->finalize (object);
}

static void
chorus_querier_watch_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ChorusQuerierWatch *self = CHORUS_QUERIER_WATCH (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_FAMILY:
      g_value_set_enum (value, self->family);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_querier_watch_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ChorusQuerierWatch *self = CHORUS_QUERIER_WATCH (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      chorus_querier_watch_set_interface (self, g_value_get_string (value));
      break;
    case PROP_FAMILY:
      chorus_querier_watch_set_family (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_querier_watch_class_init (ChorusQuerierWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chorus_querier_watch_dispose;
  object_class->finalize = chorus_querier_watch_finalize;
  object_class->get_property = chorus_querier_watch_get_property;
  object_class->set_property = chorus_querier_watch_set_property;

  properties[PROP_INTERFACE] =
    g_param_spec_string ("interface", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAMILY] =
    g_param_spec_enum ("family", NULL, NULL, G_TYPE_SOCKET_FAMILY, G_SOCKET_FAMILY_INVALID,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChorusQuerierWatch::query:
   * @link: (type gpointer): the ChorusQuerierLink it came on
   * @query: (type gpointer): the ChorusQuerierQuery
   */
  signals[SIGNAL_QUERY] =
    g_signal_new ("query", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  /**
   * ChorusQuerierWatch::querier-changed:
   * @link: (type gpointer): the ChorusQuerierLink
   *
   * A querier was elected, or the querier's version or timers changed,
   * or the interval between its queries became known.
   */
  signals[SIGNAL_QUERIER_CHANGED] =
    g_signal_new ("querier-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * ChorusQuerierWatch::report:
   * @link: (type gpointer): the ChorusQuerierLink
   * @report: (type gpointer): the ChorusQuerierReport
   */
  signals[SIGNAL_REPORT] =
    g_signal_new ("report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  /**
   * ChorusQuerierWatch::warning:
   * @link: (type gpointer): the ChorusQuerierLink
   * @warning: a ChorusQuerierWarning
   * @text: what it means, in a sentence
   */
  signals[SIGNAL_WARNING] =
    g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_INT, G_TYPE_STRING);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
chorus_querier_watch_init (ChorusQuerierWatch *self)
{
  self->family = G_SOCKET_FAMILY_INVALID;
  self->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
}

ChorusQuerierWatch *
chorus_querier_watch_new (void)
{
  return g_object_new (CHORUS_TYPE_QUERIER_WATCH, NULL);
}

const char *
chorus_querier_watch_get_interface (ChorusQuerierWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), NULL);

  return self->interface;
}

void
chorus_querier_watch_set_interface (ChorusQuerierWatch *self,
                                    const char         *interface)
{
  g_return_if_fail (CHORUS_IS_QUERIER_WATCH (self));

  if (interface != NULL && interface[0] == '\0')
    interface = NULL;
  if (_chorus_set_str (&self->interface, interface))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE]);
}

GSocketFamily
chorus_querier_watch_get_family (ChorusQuerierWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), G_SOCKET_FAMILY_INVALID);

  return self->family;
}

void
chorus_querier_watch_set_family (ChorusQuerierWatch *self,
                                 GSocketFamily       family)
{
  g_return_if_fail (CHORUS_IS_QUERIER_WATCH (self));
  g_return_if_fail (family == G_SOCKET_FAMILY_INVALID || family == G_SOCKET_FAMILY_IPV4
                    || family == G_SOCKET_FAMILY_IPV6);

  if (self->family == family)
    return;
  self->family = family;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAMILY]);
}

gboolean
chorus_querier_watch_get_running (ChorusQuerierWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), FALSE);

  return self->running;
}

guint
chorus_querier_watch_get_n_links (ChorusQuerierWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), 0);

  return self->links->len;
}

const ChorusQuerierLink *
chorus_querier_watch_get_link (ChorusQuerierWatch *self,
                               guint               index)
{
  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), NULL);
  g_return_val_if_fail (index < self->links->len, NULL);

  return &((Link *) g_ptr_array_index (self->links, index))->pub;
}

gint64
chorus_querier_watch_get_started_usec (ChorusQuerierWatch *self)
{
  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), 0);

  return self->started_usec;
}

static Link *
find_link (ChorusQuerierWatch *self,
           guint               ifindex,
           int                 family)
{
  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = g_ptr_array_index (self->links, i);

      if (link->pub.ifindex == ifindex && link->pub.family == family)
        return link;
    }

  return NULL;
}

/* Warnings */

static void
warn (ChorusQuerierWatch   *self,
      Link                 *link,
      ChorusQuerierWarning  warning,
      const char           *text)
{
  g_signal_emit (self, signals[SIGNAL_WARNING], 0, &link->pub, (int) warning, text);
}

static gboolean
speaks_old_version (const ChorusQuerierLink *link)
{
  return link->family == G_SOCKET_FAMILY_IPV6 ? link->querier.version < 2
                                              : link->querier.version < 3;
}

static void
warn_old_version (ChorusQuerierWatch *self,
                  Link               *link)
{
  g_autofree char *address = chorus_querier_link_address_to_string (&link->pub,
                                                                    link->pub.querier.address);
  g_autofree char *text = NULL;

  /* TRANSLATORS: the querier on eth0 (10.0.0.1) speaks IGMPv2 (or MLDv1) */
  text = g_strdup_printf (_("The querier on %s (%s) speaks %sv%u: source-specific joins will "
                            "not work on this segment"),
                          link->name, address, chorus_querier_link_get_protocol (&link->pub),
                          link->pub.querier.version);
  warn (self, link, CHORUS_QUERIER_WARNING_VERSION_MISMATCH, text);
}

static void
warn_silence (ChorusQuerierWatch *self,
              Link               *link,
              gint64              now)
{
  const ChorusQuerier *querier = &link->pub.querier;
  gint64 membership_s = chorus_querier_get_membership_interval_usec (querier) / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  if (querier->queries == 0)
    {
      gint64 silent_s = (now - self->started_usec + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC;

      text = g_strdup_printf (_("No %s querier heard on %s for %u s: a switch that snoops will "
                                "stop forwarding your groups about %u s after their last report"),
                              chorus_querier_link_get_protocol (&link->pub), link->name,
                              (guint) MIN (silent_s, G_MAXUINT), (guint) MIN (membership_s,
                                                                               G_MAXUINT));
      if (now - self->started_usec < (gint64) CHORUS_QUERIER_DEFAULT_QI_S * G_USEC_PER_SEC)
        {
          g_autofree char *whole = NULL;

          /* TRANSLATORS: the first %s is the sentence above; then "125" */
          whole = g_strdup_printf (_("%s (a querier with the default timers asks every %u s, "
                                     "so a shorter watch proves little)"),
                                   text, CHORUS_QUERIER_DEFAULT_QI_S);
          g_free (text);
          text = g_steal_pointer (&whole);
        }
    }
  else
    {
      g_autofree char *address = chorus_querier_link_address_to_string (&link->pub,
                                                                        querier->address);
      gint64 silent_s = (now - querier->last_query_usec) / G_USEC_PER_SEC;

      text = g_strdup_printf (_("The %s querier on %s (%s) has been silent for %u s: a switch "
                                "that snoops will stop forwarding your groups about %u s after "
                                "their last report"),
                              chorus_querier_link_get_protocol (&link->pub), link->name, address,
                              (guint) MIN (silent_s, G_MAXUINT), (guint) MIN (membership_s,
                                                                               G_MAXUINT));
    }

  link->warned_silence = TRUE;
  warn (self, link, CHORUS_QUERIER_WARNING_NO_QUERIER, text);
}

static gboolean
on_tick (gpointer user_data)
{
  ChorusQuerierWatch *self = user_data;
  g_autoptr(ChorusQuerierWatch) hold = g_object_ref (self);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; self->running && i < self->links->len; i++)
    {
      Link *link = g_ptr_array_index (self->links, i);
      const ChorusQuerier *querier = &link->pub.querier;

      if (link->warned_second
          && now - querier->second_usec > chorus_querier_get_other_present_usec (querier))
        link->warned_second = FALSE;

      if (link->warned_silence)
        continue;
      if ((querier->queries == 0 && now - self->started_usec >= CHORUS_QUERIER_WATCH_SILENCE_USEC)
          || (querier->present && !chorus_querier_is_present (querier, now)))
        warn_silence (self, link, now);
    }

  return G_SOURCE_CONTINUE;
}

/* Messages */

static void
announce_querier (ChorusQuerierWatch *self,
                  Link               *link)
{
  const ChorusQuerier *querier = &link->pub.querier;

  link->announced = TRUE;
  link->announced_version = querier->version;
  link->announced_max_resp_ms = querier->max_resp_ms;
  link->announced_qrv = querier->qrv;
  link->announced_qqi_s = querier->qqi_s;
  link->announced_s_flag = querier->s_flag;
  link->announced_interval = querier->interval_usec > 0;
  g_signal_emit (self, signals[SIGNAL_QUERIER_CHANGED], 0, &link->pub);
}

static gboolean
timers_changed (const Link *link)
{
  const ChorusQuerier *querier = &link->pub.querier;

  return link->announced_max_resp_ms != querier->max_resp_ms
         || link->announced_qrv != querier->qrv || link->announced_qqi_s != querier->qqi_s
         || link->announced_s_flag != querier->s_flag
         || link->announced_interval != (querier->interval_usec > 0);
}

static gboolean
is_link_local6 (const guint8 *address)
{
  return address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
}

static void
take_query (ChorusQuerierWatch     *self,
            Link                   *link,
            const guint8           *source,
            const ChorusGmpMessage *message,
            gint64                  now)
{
  ChorusQuerier *querier = &link->pub.querier;
  gsize size = address_size (link->pub.family);
  static const guint8 zero[16];
  gboolean had_querier = querier->present;
  guint8 before[16];
  g_autofree char *source_text = NULL;
  g_autofree char *group_text = NULL;
  ChorusQuerierChange change;
  ChorusQuerierQuery query;

  /* RFC 3810 §5.1.14: an MLD query from no link-local address is to be
   * dropped; hosts do. */
  if (link->pub.family == G_SOCKET_FAMILY_IPV6 && !is_link_local6 (source))
    {
      link->pub.ignored++;
      return;
    }

  memcpy (before, querier->address, size);
  change = chorus_querier_take_query (querier, source, message, now);
  link->warned_silence = FALSE;

  source_text = chorus_querier_link_address_to_string (&link->pub, source);
  if (memcmp (message->group, zero, size) != 0)
    group_text = chorus_querier_link_address_to_string (&link->pub, message->group);

  query = (ChorusQuerierQuery) {
    .source = source_text,
    .group = group_text,
    .version = message->version,
    .max_resp_ms = message->max_resp_ms,
    .qrv = message->qrv,
    .qqi_s = message->qqi_s,
    .s_flag = message->s_flag,
    .n_sources = message->n_sources,
    .from_querier = querier->present && memcmp (querier->address, source, size) == 0,
  };
  g_signal_emit (self, signals[SIGNAL_QUERY], 0, &link->pub, &query);

  if (change & CHORUS_QUERIER_ELECTED)
    {
      if (had_querier)
        {
          g_autofree char *old = chorus_querier_link_address_to_string (&link->pub, before);
          g_autofree char *text = NULL;

          /* TRANSLATORS: The IGMP querier on eth0 changed from 10.0.0.7 to 10.0.0.1 */
          text = g_strdup_printf (_("The %s querier on %s changed from %s to %s"),
                                  chorus_querier_link_get_protocol (&link->pub), link->name, old,
                                  source_text);
          warn (self, link, CHORUS_QUERIER_WARNING_QUERIER_CHANGED, text);
        }
      announce_querier (self, link);
      if (speaks_old_version (&link->pub))
        warn_old_version (self, link);
    }
  else if (change & CHORUS_QUERIER_NEW_VERSION)
    {
      guint old_version = link->announced_version;

      announce_querier (self, link);
      if (speaks_old_version (&link->pub))
        warn_old_version (self, link);
      else
        {
          g_autofree char *text = NULL;

          /* TRANSLATORS: The querier on eth0 (10.0.0.1) now speaks IGMPv3, not IGMPv2 */
          text = g_strdup_printf (_("The querier on %s (%s) now speaks %sv%u, not %sv%u"),
                                  link->name, source_text,
                                  chorus_querier_link_get_protocol (&link->pub), querier->version,
                                  chorus_querier_link_get_protocol (&link->pub), old_version);
          warn (self, link, CHORUS_QUERIER_WARNING_VERSION_MISMATCH, text);
        }
    }
  else if (query.from_querier && timers_changed (link))
    announce_querier (self, link);

  /* One warning while a second querier lasts, however many addresses
   * take turns at it (a flood of forged queries). */
  if ((change & CHORUS_QUERIER_SECOND) && !link->warned_second)
    {
      g_autofree char *first = chorus_querier_link_address_to_string (&link->pub,
                                                                      querier->address);
      g_autofree char *second = chorus_querier_link_address_to_string (&link->pub,
                                                                       querier->second);
      g_autofree char *text = NULL;

      /* TRANSLATORS: Two queriers on eth0 (10.0.0.1, 10.0.0.7): 10.0.0.7 should… */
      text = g_strdup_printf (_("Two queriers on %s (%s, %s): %s should have stopped querying "
                                "once it heard the lower address"),
                              link->name, first, second, second);
      link->warned_second = TRUE;
      warn (self, link, CHORUS_QUERIER_WARNING_TWO_QUERIERS, text);
    }
}

static void
emit_report (ChorusQuerierWatch *self,
             Link               *link,
             const char         *host,
             const guint8       *group,
             guint               version,
             const char         *kind,
             gboolean            joins,
             const guint8       *sources,
             guint               n_sources)
{
  gsize size = address_size (link->pub.family);
  guint listed = MIN (n_sources, CHORUS_QUERIER_WATCH_MAX_LISTED_SOURCES);
  const char *texts[CHORUS_QUERIER_WATCH_MAX_LISTED_SOURCES + 1];
  g_autofree char *group_text = chorus_querier_link_address_to_string (&link->pub, group);
  ChorusQuerierReport report;

  for (guint i = 0; i < listed; i++)
    texts[i] = chorus_querier_link_address_to_string (&link->pub, sources + i * size);
  texts[listed] = NULL;
  link->pub.sources_unlisted += n_sources - listed;

  report = (ChorusQuerierReport) {
    .host = host,
    .group = group_text,
    .version = version,
    .kind = kind,
    .joins = joins,
    .sources = texts,
    .n_sources = n_sources,
  };
  g_signal_emit (self, signals[SIGNAL_REPORT], 0, &link->pub, &report);

  for (guint i = 0; i < listed; i++)
    g_free ((char *) texts[i]);
}

static void
take_message (ChorusQuerierWatch *self,
              Link               *link,
              const guint8       *source,
              const guint8       *data,
              gsize               size,
              gint64              now)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  ChorusGmpMessage message;
  gboolean parsed;

  if (link->pub.family == G_SOCKET_FAMILY_IPV4)
    {
      /* Raw IGMP sockets also carry DVMRP, mtrace and PIMv1: not ours. */
      if (size > 0 && data[0] != IGMP_QUERY && data[0] != IGMP_V1_REPORT
          && data[0] != IGMP_V2_REPORT && data[0] != IGMP_V2_LEAVE && data[0] != IGMP_V3_REPORT)
        {
          link->pub.ignored++;
          return;
        }
      parsed = chorus_igmp_parse (data, size, &message, &error);
    }
  else
    parsed = chorus_mld_parse (data, size, &message, &error);

  if (!parsed)
    {
      link->pub.malformed++;
      g_debug ("%s on %s: %s", chorus_querier_link_get_protocol (&link->pub), link->name,
               error->message);
      return;
    }

  if (message.kind == CHORUS_GMP_QUERY)
    {
      take_query (self, link, source, &message, now);
      return;
    }

  host = chorus_querier_link_address_to_string (&link->pub, source);
  switch (message.kind)
    {
    case CHORUS_GMP_REPORT:
      link->pub.reports++;
      emit_report (self, link, host, message.group, message.version, "join", TRUE, NULL,
                   0);
      break;
    case CHORUS_GMP_LEAVE:
      link->pub.leaves++;
      emit_report (self, link, host, message.group, message.version, "leave", FALSE, NULL,
                   0);
      break;
    case CHORUS_GMP_V3_REPORT:
      {
        gsize offset = 0;
        ChorusGmpRecord record;

        link->pub.v3_reports++;
        while (self->running && chorus_gmp_next_record (&message, &offset, &record, &error))
          {
            link->pub.records++;
            emit_report (self, link, host, record.group, message.version,
                         chorus_gmp_record_type_to_string (record.type),
                         chorus_gmp_record_is_join (&record), record.sources, record.n_sources);
          }
        if (error != NULL)
          {
            link->pub.malformed++;
            g_debug ("%s on %s: %s", chorus_querier_link_get_protocol (&link->pub), link->name,
                     error->message);
          }
      }
      break;
    case CHORUS_GMP_QUERY:
    default:
      break;
    }
}

static void
handle_datagram (ChorusQuerierWatch   *self,
                 Listener             *listener,
                 const ChorusDatagram *d)
{
  const guint8 *data = d->data;
  gsize size = d->size;
  const guint8 *source;
  Link *link;

  if (d->ifindex <= 0)
    return;
  link = find_link (self, (guint) d->ifindex, listener->family);
  if (link == NULL)
    return;

  if (listener->family == G_SOCKET_FAMILY_IPV4)
    {
      gsize header, total;

      /* The IPv4 header comes first; the kernel has checked it. */
      if (size < IPV4_HEADER_MIN || data[0] >> 4 != 4)
        {
          link->pub.malformed++;
          return;
        }
      header = (gsize) (data[0] & 0x0f) * 4;
      total = (gsize) data[2] << 8 | data[3];
      if (header < IPV4_HEADER_MIN || header > size || total < header)
        {
          link->pub.malformed++;
          return;
        }
      source = data + 12;
      size = MIN (size, total) - header;
      data += header;
    }
  else
    {
      const struct sockaddr_in6 *from = (const struct sockaddr_in6 *) &d->from;

      if (d->from_size < sizeof *from || from->sin6_family != AF_INET6)
        return;
      source = (const guint8 *) &from->sin6_addr;
    }

  take_message (self, link, source, data, size, d->arrival_monotonic);
}

static gboolean
on_readable (gpointer user_data)
{
  Listener *listener = user_data;
  ChorusQuerierWatch *self = listener->self;
  g_autoptr(ChorusQuerierWatch) hold = g_object_ref (self);
  gint64 started = g_get_monotonic_time ();
  guint handled = 0;

  while (self->running && handled < MAX_PER_DISPATCH
         && g_get_monotonic_time () - started < CHORUS_DISPATCH_USEC)
    {
      g_autoptr(GError) error = NULL;
      int n = _chorus_batch_receive (self->batch, listener->socket, &error);

      if (n < 0)
        {
          g_debug ("Receiving: %s", error->message);
          break;
        }
      if (n == 0)
        break;

      handled += n;
      for (int i = 0; i < n && self->running; i++)
        handle_datagram (self, listener, _chorus_batch_get (self->batch, i));

      if (n < BATCH_SLOTS)
        break;
    }

  /* Handlers may have stopped the watch. */
  if (self->running)
    _chorus_reader_schedule (&listener->reader, started, handled,
                             handled >= MAX_PER_DISPATCH
                               || g_get_monotonic_time () - started >= CHORUS_DISPATCH_USEC);

  return G_SOURCE_CONTINUE;
}

/* Starting */

static void
add_listener (ChorusQuerierWatch *self,
              GSocket            *socket,
              int                 family)
{
  Listener *listener = g_new0 (Listener, 1);

  listener->self = self;
  listener->socket = socket;
  listener->family = family;
  g_ptr_array_add (self->listeners, listener);
}

/**
 * chorus_querier_watch_start:
 * @error: a location for a #GError
 *
 * Opens what it needs at once, so that the caller may give up its
 * privileges right after.
 *
 * Returns: %TRUE when watching; otherwise @error says why
 */
gboolean
chorus_querier_watch_start (ChorusQuerierWatch  *self,
                            GError             **error)
{
  g_autoptr(GSocket) socket4 = NULL;
  g_autoptr(GSocket) socket6 = NULL;
  g_autoptr(GArray) interfaces = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CHORUS_IS_QUERIER_WATCH (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already watching"));
      return FALSE;
    }

  if (self->family != G_SOCKET_FAMILY_IPV6)
    {
      socket4 = _chorus_gmp_socket_open (G_SOCKET_FAMILY_IPV4, error);
      if (socket4 == NULL)
        return FALSE;
    }
  if (self->family != G_SOCKET_FAMILY_IPV4)
    {
      socket6 = _chorus_gmp_socket_open (G_SOCKET_FAMILY_IPV6, &local_error);
      if (socket6 == NULL)
        {
          /* Both: a host without IPv6 is watched over IPv4. */
          if (self->family == G_SOCKET_FAMILY_IPV6
              || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_debug ("Watching IGMP only: %s", local_error->message);
          g_clear_error (&local_error);
          g_clear_object (&socket6);
        }
    }

  interfaces = _chorus_gmp_list_interfaces (self->interface,
                                            g_socket_get_fd (socket4 != NULL ? socket4 : socket6),
                                            CHORUS_QUERIER_WATCH_MAX_INTERFACES, error);
  if (interfaces == NULL)
    return FALSE;

  g_ptr_array_set_size (self->links, 0);
  for (guint i = 0; i < interfaces->len; i++)
    {
      const ChorusGmpInterface *interface =
        &g_array_index (interfaces, ChorusGmpInterface, i);
      GSocket *sockets[] = { socket4, socket6 };
      const GSocketFamily families[] = { G_SOCKET_FAMILY_IPV4, G_SOCKET_FAMILY_IPV6 };

      for (guint f = 0; f < G_N_ELEMENTS (sockets); f++)
        {
          Link *link;

          if (sockets[f] == NULL)
            continue;
          if (!_chorus_gmp_socket_join_reports (sockets[f], families[f], interface->index,
                                                &local_error))
            {
              /* The interface named must work; of all of them, those that do. */
              if (self->interface != NULL)
                {
                  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                              interface->name);
                  g_ptr_array_set_size (self->links, 0);
                  return FALSE;
                }
              g_debug ("Not watching %s on %s: %s", families[f] == G_SOCKET_FAMILY_IPV4
                                                      ? "IGMP" : "MLD",
                       interface->name, local_error->message);
              g_clear_error (&local_error);
              continue;
            }

          link = g_new0 (Link, 1);
          link->name = g_strdup (interface->name);
          link->pub.interface = link->name;
          link->pub.ifindex = interface->index;
          link->pub.family = families[f];
          chorus_querier_init (&link->pub.querier, families[f]);
          g_ptr_array_add (self->links, link);
        }
    }

  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  if (socket4 != NULL)
    add_listener (self, g_steal_pointer (&socket4), G_SOCKET_FAMILY_IPV4);
  if (socket6 != NULL)
    add_listener (self, g_steal_pointer (&socket6), G_SOCKET_FAMILY_IPV6);

  self->cancellable = g_cancellable_new ();
  self->batch = _chorus_batch_new (BATCH_SLOTS, G_MAXUINT16 + 1);
  self->context = g_main_context_ref_thread_default ();
  self->started_usec = g_get_monotonic_time ();
  self->running = TRUE;

  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (self->listeners, i);

      _chorus_reader_start (&listener->reader, listener->socket, self->context,
                            self->cancellable, FALSE, on_readable, listener);
    }

  self->tick = g_timeout_source_new_seconds (1);
  g_source_set_callback (self->tick, on_tick, self, NULL);
  g_source_attach (self->tick, self->context);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

void
chorus_querier_watch_stop (ChorusQuerierWatch *self)
{
  g_autoptr(ChorusQuerierWatch) hold = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (CHORUS_IS_QUERIER_WATCH (self));

  if (!self->running)
    return;

  hold = g_object_ref (self);
  clear_run (self);
  self->running = FALSE;

  /* A watch shorter than the silence that warns: say at its end what
   * it did not hear. */
  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = g_ptr_array_index (self->links, i);

      if (link->pub.querier.queries == 0 && !link->warned_silence)
        warn_silence (self, link, now);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}
