/* chorus-sap-listener.c: listen to SAP (RFC 2974) and keep the sessions
 * it announces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two #ChorusReceiver (IPv4 and IPv6; a receiver has one family), never
 * answering, lend each announcement to on_message().
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-membership.h"
#include "chorus-receiver.h"
#include "chorus-sap.h"
#include "chorus-sap-listener.h"
#include "chorus-sap-session-private.h"
#include "chorus-text.h"

#define EXPIRY_CHECK_MSEC 250

struct _ChorusSapListener
{
  GObject parent_instance;

  char *interface;
  guint port;
  ChorusReceiver *receivers[2];
  GListStore *sessions;
  GHashTable *by_key;          /* key → ChorusSapSession */
  guint64 counts[CHORUS_SAP_N_COUNTS];
  GSource *expiry;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (ChorusSapListener, chorus_sap_listener, G_TYPE_OBJECT)

enum
{
  SESSION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
chorus_sap_listener_dispose (GObject *object)
{
  ChorusSapListener *self = CHORUS_SAP_LISTENER (object);

  chorus_sap_listener_stop (self);
  for (guint i = 0; i < G_N_ELEMENTS (self->receivers); i++)
    g_clear_object (&self->receivers[i]);

  G_OBJECT_CLASS (chorus_sap_listener_parent_class)->dispose (object);
}

static void
chorus_sap_listener_finalize (GObject *object)
{
  ChorusSapListener *self = CHORUS_SAP_LISTENER (object);

  g_free (self->interface);
  g_clear_object (&self->sessions);
  g_clear_pointer (&self->by_key, g_hash_table_unref);

  G_OBJECT_CLASS (chorus_sap_listener_parent_class)->finalize (object);
}

static void
chorus_sap_listener_class_init (ChorusSapListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chorus_sap_listener_dispose;
  object_class->finalize = chorus_sap_listener_finalize;

  /**
   * ChorusSapListener::session-changed:
   * @session: the #ChorusSapSession
   * @state: "new", "updated", "deleted" or "expired"; after the last
   *   two, the session is no longer in the model
   */
  signals[SESSION_CHANGED] =
    g_signal_new ("session-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, CHORUS_TYPE_SAP_SESSION, G_TYPE_STRING);
}

static void
chorus_sap_listener_init (ChorusSapListener *self)
{
  self->interface = g_strdup ("");
  self->port = CHORUS_SAP_PORT;
  self->sessions = g_list_store_new (CHORUS_TYPE_SAP_SESSION);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

ChorusSapListener *
chorus_sap_listener_new (void)
{
  return g_object_new (CHORUS_TYPE_SAP_LISTENER, NULL);
}

void
chorus_sap_listener_set_interface (ChorusSapListener *self,
                                   const char        *interface)
{
  g_return_if_fail (CHORUS_IS_SAP_LISTENER (self));
  g_free (self->interface);
  self->interface = g_strdup (interface ? interface : "");
}

void
chorus_sap_listener_set_port (ChorusSapListener *self,
                              guint              port)
{
  g_return_if_fail (CHORUS_IS_SAP_LISTENER (self));
  g_return_if_fail (port > 0 && port <= G_MAXUINT16);
  self->port = port;
}

const char *
chorus_sap_count_to_string (ChorusSapCount count)
{
  static const char *const names[] = {
    "announcements", "deletions", "compressed", "encrypted", "malformed", "not_sdp", "unkept",
  };

  g_return_val_if_fail (count < CHORUS_SAP_N_COUNTS, NULL);
  return names[count];
}

static void
remove_session (ChorusSapListener *self,
                ChorusSapSession  *session,
                const char        *state)
{
  g_autoptr(ChorusSapSession) held = g_object_ref (session);
  guint position;

  if (g_list_store_find (self->sessions, session, &position))
    g_list_store_remove (self->sessions, position);
  g_hash_table_remove (self->by_key, chorus_sap_session_get_key (session));
  g_signal_emit (self, signals[SESSION_CHANGED], 0, held, state);
}

/* o='s fields without the version: the session, whatever its version
 * (RFC 4566, 5.2). */
static char *
key_of_origin_line (const char *origin)
{
  g_auto(GStrv) words = g_strsplit_set (origin, " \t", -1);

  if (g_strv_length (words) < 6)
    return NULL;

  return g_strdup_printf ("o=%s %s %s %s %s", words[0], words[1], words[3], words[4], words[5]);
}

static char *
key_of_sap (const char *origin,
            guint       hash)
{
  return g_strdup_printf ("sap=%s/%u", origin, hash);
}

static void
handle_deletion (ChorusSapListener     *self,
                 const ChorusSapHeader *header,
                 const guint8          *data,
                 const char            *origin)
{
  g_autofree char *key = NULL;
  ChorusSapSession *session = NULL;

  self->counts[CHORUS_SAP_COUNT_DELETIONS]++;

  /* The payload is the SDP, or its o= line alone. */
  if (chorus_sap_header_is_readable (header) && header->payload_size > 0)
    {
      g_autofree char *text = g_strndup ((const char *) data + header->payload_offset,
                                         header->payload_size);
      char *o = g_str_has_prefix (text, "o=") ? text : strstr (text, "\no=");

      if (o != NULL)
        {
          g_autofree char *line = NULL;

          o += o[0] == '\n' ? 3 : 2;
          line = g_strndup (o, strcspn (o, "\r\n"));
          key = key_of_origin_line (line);
        }
    }

  if (key != NULL)
    session = g_hash_table_lookup (self->by_key, key);

  if (session == NULL)
    {
      /* The announcement it deletes had this origin and hash. */
      GListModel *sessions = G_LIST_MODEL (self->sessions);

      for (guint i = 0, n = g_list_model_get_n_items (sessions); i < n && session == NULL; i++)
        {
          g_autoptr(ChorusSapSession) s = g_list_model_get_item (sessions, i);

          if (chorus_sap_session_get_msg_id_hash (s) == header->msg_id_hash
              && g_strcmp0 (chorus_sap_session_get_origin (s), origin) == 0)
            session = s;
        }
    }

  if (session != NULL)
    remove_session (self, session, "deleted");
}

static void
on_message (ChorusReceiver          *receiver,
            const ChorusMessageInfo *info,
            gpointer                 user_data)
{
  ChorusSapListener *self = user_data;
  ChorusSapHeader header;
  g_autoptr(GInetAddress) origin_address = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *key = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSdp) sdp = NULL;
  ChorusSapSession *session;
  const char *text;
  gsize size;
  gboolean is_new = FALSE;
  gint64 now = g_get_monotonic_time ();

  if (info->probe || !chorus_sap_header_parse (info->data, info->size, &header, NULL))
    {
      self->counts[CHORUS_SAP_COUNT_MALFORMED]++;
      return;
    }

  origin_address = g_inet_address_new_from_bytes (header.origin, header.origin_size == 16
                                                                   ? G_SOCKET_FAMILY_IPV6
                                                                   : G_SOCKET_FAMILY_IPV4);
  origin = g_inet_address_to_string (origin_address);

  if (header.type == CHORUS_SAP_DELETE)
    {
      handle_deletion (self, &header, info->data, origin);
      return;
    }
  if (header.compressed)
    {
      self->counts[CHORUS_SAP_COUNT_COMPRESSED]++;
      return;
    }
  if (header.encrypted)
    {
      self->counts[CHORUS_SAP_COUNT_ENCRYPTED]++;
      return;
    }
  if (!chorus_sap_header_is_sdp (&header))
    {
      self->counts[CHORUS_SAP_COUNT_NOT_SDP]++;
      return;
    }
  self->counts[CHORUS_SAP_COUNT_ANNOUNCEMENTS]++;

  text = (const char *) info->data + header.payload_offset;
  size = header.payload_size;
  sdp = chorus_sdp_parse (text, size, &error);
  if (sdp != NULL && sdp->origin != NULL)
    key = key_of_origin_line (sdp->origin);
  if (key == NULL)
    key = key_of_sap (origin, header.msg_id_hash);
  /* Shown as it came, but never as bytes a terminal would act on. */
  if (!g_utf8_validate (text, size, NULL) || memchr (text, '\0', size) != NULL)
    {
      escaped = chorus_text_escape ((const guint8 *) text, size);
      text = escaped;
      size = strlen (escaped);
    }

  session = g_hash_table_lookup (self->by_key, key);
  if (session == NULL)
    {
      if (g_hash_table_size (self->by_key) >= CHORUS_SAP_MAX_SESSIONS)
        {
          self->counts[CHORUS_SAP_COUNT_UNKEPT]++;
          return;
        }
      session = _chorus_sap_session_new (key);
      g_hash_table_insert (self->by_key, g_strdup (key), session);
      g_list_store_append (self->sessions, session);
      is_new = TRUE;
    }

  if (_chorus_sap_session_update (session, origin, info->address, header.msg_id_hash, text, size,
                                  g_steal_pointer (&sdp), error ? error->message : NULL, now)
      || is_new)
    g_signal_emit (self, signals[SESSION_CHANGED], 0, session, is_new ? "new" : "updated");
}

static gboolean
on_expiry_check (gpointer user_data)
{
  ChorusSapListener *self = user_data;
  GListModel *sessions = G_LIST_MODEL (self->sessions);
  gint64 now = g_get_monotonic_time ();

  for (guint i = g_list_model_get_n_items (sessions); i-- > 0;)
    {
      g_autoptr(ChorusSapSession) session = g_list_model_get_item (sessions, i);

      if (now >= _chorus_sap_session_get_deadline (session))
        remove_session (self, session, "expired");
    }

  return G_SOURCE_CONTINUE;
}

static ChorusReceiver *
new_receiver (ChorusSapListener *self,
              const char        *groups)
{
  ChorusReceiver *receiver = g_object_new (CHORUS_TYPE_RECEIVER,
                                           "group", groups,
                                           "port", self->port,
                                           "interface", self->interface,
                                           "answer", FALSE,
                                           "capacity", 1,
                                           NULL);

  chorus_receiver_set_message_func (receiver, on_message, self, NULL);
  return receiver;
}

/**
 * chorus_sap_listener_start:
 *
 * Joins the IPv4 SAP groups, and the IPv6 ones where the system can: a
 * host without IPv6 still hears IPv4 SAP. Fails if the IPv4 groups
 * cannot be joined.
 */
gboolean
chorus_sap_listener_start (ChorusSapListener  *self,
                           GError            **error)
{
  GString *groups6 = g_string_new (NULL);
  g_autoptr(GError) error6 = NULL;
  /* Scopes 1 and 2 need an interface; 6, 7 and 9 to 13 are unassigned. */
  static const guint scopes[] = { 1, 2, 3, 4, 5, 8, 14 };

  g_return_val_if_fail (CHORUS_IS_SAP_LISTENER (self), FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_BUSY, _("Already listening"));
      return FALSE;
    }

  g_clear_object (&self->receivers[0]);
  self->receivers[0] = new_receiver (self, CHORUS_SAP_GROUP_LOCAL "," CHORUS_SAP_GROUP_IPV4
                                           "," CHORUS_SAP_GROUP_ORG);
  if (!chorus_receiver_start (self->receivers[0], error))
    {
      g_string_free (groups6, TRUE);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      if (scopes[i] <= 2 && self->interface[0] == '\0')
        continue;
      g_string_append_printf (groups6, "%sff0%x::2:7ffe", groups6->len > 0 ? "," : "",
                              scopes[i]);
    }
  g_clear_object (&self->receivers[1]);
  self->receivers[1] = new_receiver (self, groups6->str);
  g_string_free (groups6, TRUE);
  if (!chorus_receiver_start (self->receivers[1], &error6))
    {
      g_debug ("SAP over IPv6: %s", error6->message);
      g_clear_object (&self->receivers[1]);
    }

  self->expiry = g_timeout_source_new (EXPIRY_CHECK_MSEC);
  g_source_set_callback (self->expiry, on_expiry_check, self, NULL);
  g_source_attach (self->expiry, g_main_context_get_thread_default ());
  self->running = TRUE;

  return TRUE;
}

void
chorus_sap_listener_stop (ChorusSapListener *self)
{
  g_return_if_fail (CHORUS_IS_SAP_LISTENER (self));

  if (!self->running)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->receivers); i++)
    if (self->receivers[i] != NULL)
      chorus_receiver_stop (self->receivers[i]);
  if (self->expiry != NULL)
    {
      g_source_destroy (self->expiry);
      g_clear_pointer (&self->expiry, g_source_unref);
    }
  self->running = FALSE;
}

gboolean
chorus_sap_listener_get_running (ChorusSapListener *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_LISTENER (self), FALSE);
  return self->running;
}

GListModel *
chorus_sap_listener_get_sessions (ChorusSapListener *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_LISTENER (self), NULL);
  return G_LIST_MODEL (self->sessions);
}

guint64
chorus_sap_listener_get_count (ChorusSapListener *self,
                               ChorusSapCount     count)
{
  g_return_val_if_fail (CHORUS_IS_SAP_LISTENER (self), 0);
  g_return_val_if_fail (count < CHORUS_SAP_N_COUNTS, 0);
  return self->counts[count];
}

GStrv
chorus_sap_listener_dup_problems (ChorusSapListener *self)
{
  GPtrArray *problems = g_ptr_array_new ();

  g_return_val_if_fail (CHORUS_IS_SAP_LISTENER (self), NULL);

  for (guint r = 0; r < G_N_ELEMENTS (self->receivers); r++)
    {
      GListModel *groups;

      if (self->receivers[r] == NULL)
        continue;
      groups = chorus_receiver_get_groups (self->receivers[r]);
      for (guint j = 0, n = g_list_model_get_n_items (groups); j < n; j++)
        {
          g_autoptr(ChorusMembership) membership = g_list_model_get_item (groups, j);
          const char *problem = chorus_membership_get_problem (membership);

          if (problem != NULL)
            g_ptr_array_add (problems, g_strdup (problem));
        }
    }
  g_ptr_array_add (problems, NULL);

  return (GStrv) g_ptr_array_free (problems, FALSE);
}
