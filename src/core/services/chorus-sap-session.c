/* chorus-sap-session.c: one session SAP announces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-sap-listener.h"
#include "chorus-sap-session-private.h"

struct _ChorusSapSession
{
  GObject parent_instance;

  char *key;
  char *origin;
  char *announcer;
  guint msg_id_hash;
  char *sdp_text;
  gsize sdp_size;
  ChorusSdp *sdp;
  char *error;
  gint64 last_heard;
  double interval;
  guint64 n_announcements;
};

G_DEFINE_FINAL_TYPE (ChorusSapSession, chorus_sap_session, G_TYPE_OBJECT)

static void
chorus_sap_session_finalize (GObject *object)
{
  ChorusSapSession *self = CHORUS_SAP_SESSION (object);

  g_free (self->key);
  g_free (self->origin);
  g_free (self->announcer);
  g_free (self->sdp_text);
  g_clear_pointer (&self->sdp, chorus_sdp_free);
  g_free (self->error);

  G_OBJECT_CLASS (chorus_sap_session_parent_class)->finalize (object);
}

static void
chorus_sap_session_class_init (ChorusSapSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = chorus_sap_session_finalize;
}

static void
chorus_sap_session_init (ChorusSapSession *self)
{
}

ChorusSapSession *
_chorus_sap_session_new (const char *key)
{
  ChorusSapSession *self = g_object_new (CHORUS_TYPE_SAP_SESSION, NULL);

  self->key = g_strdup (key);

  return self;
}

gboolean
_chorus_sap_session_update (ChorusSapSession *self,
                            const char       *origin,
                            const char       *announcer,
                            guint             msg_id_hash,
                            const char       *sdp_text,
                            gsize             sdp_size,
                            ChorusSdp        *sdp,
                            const char       *error,
                            gint64            now_usec)
{
  gboolean changed = self->n_announcements > 0
                     && (self->sdp_size != sdp_size
                         || (sdp_size > 0 && memcmp (self->sdp_text, sdp_text, sdp_size) != 0));

  if (self->n_announcements > 0)
    self->interval = (double) (now_usec - self->last_heard) / G_USEC_PER_SEC;
  self->n_announcements++;
  self->last_heard = now_usec;
  self->msg_id_hash = msg_id_hash;
  g_free (self->origin);
  self->origin = g_strdup (origin);
  g_free (self->announcer);
  self->announcer = g_strdup (announcer);

  if (self->n_announcements == 1 || changed)
    {
      g_free (self->sdp_text);
      self->sdp_text = g_strndup (sdp_text, sdp_size);
      self->sdp_size = sdp_size;
      g_clear_pointer (&self->sdp, chorus_sdp_free);
      self->sdp = sdp;
      g_free (self->error);
      self->error = g_strdup (error);
    }
  else
    g_clear_pointer (&sdp, chorus_sdp_free);

  return changed;
}

gint64
_chorus_sap_session_get_deadline (ChorusSapSession *self)
{
  gint64 timeout = CHORUS_SAP_MAX_TIMEOUT_USEC;

  if (self->interval > 0)
    timeout = MIN (timeout, (gint64) (self->interval * CHORUS_SAP_TIMEOUT_INTERVALS
                                      * G_USEC_PER_SEC));

  return self->last_heard + timeout;
}

const char *
chorus_sap_session_get_key (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), NULL);
  return self->key;
}

const char *
chorus_sap_session_get_origin (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), NULL);
  return self->origin;
}

const char *
chorus_sap_session_get_announcer (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), NULL);
  return self->announcer;
}

guint
chorus_sap_session_get_msg_id_hash (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), 0);
  return self->msg_id_hash;
}

const char *
chorus_sap_session_get_sdp_text (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), NULL);
  return self->sdp_text;
}

const ChorusSdp *
chorus_sap_session_get_sdp (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), NULL);
  return self->sdp;
}

const char *
chorus_sap_session_get_error (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), NULL);
  return self->error;
}

double
chorus_sap_session_get_interval (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), 0);
  return self->interval;
}

gint64
chorus_sap_session_get_last_heard (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), 0);
  return self->last_heard;
}

guint64
chorus_sap_session_get_n_announcements (ChorusSapSession *self)
{
  g_return_val_if_fail (CHORUS_IS_SAP_SESSION (self), 0);
  return self->n_announcements;
}
