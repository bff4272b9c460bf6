/* chorus-mping.c: multicast ping (ssmping 0.9 and RFC 6450) on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A first stub so that the server and the client can build against the
 * API; the codec follows.
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-mping.h"

ChorusMpingGeneration
chorus_mping_detect (const guint8 *data,
                     gsize         size)
{
  g_return_val_if_fail (data != NULL || size == 0, CHORUS_MPING_GENERATION_NONE);
  return CHORUS_MPING_GENERATION_NONE;
}

void
chorus_mping_message_init (ChorusMpingMessage    *msg,
                           ChorusMpingGeneration  generation,
                           ChorusMpingType        type)
{
  g_return_if_fail (msg != NULL);

  memset (msg, 0, sizeof *msg);
  msg->generation = generation;
  msg->type = type;
  if (generation == CHORUS_MPING_GENERATION_RFC6450)
    {
      msg->version = CHORUS_MPING_VERSION;
      msg->present |= CHORUS_MPING_BIT (CHORUS_MPING_OPTION_VERSION);
    }
}

gboolean
chorus_mping_parse (const guint8        *data,
                    gsize                size,
                    ChorusMpingMessage  *out,
                    GError             **error)
{
  g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED, "Not implemented yet");
  return FALSE;
}

gsize
chorus_mping_encoded_size (const ChorusMpingMessage *msg)
{
  return 0;
}

gsize
chorus_mping_encode (const ChorusMpingMessage *msg,
                     guint8                   *buffer,
                     gsize                     size)
{
  return 0;
}

gboolean
chorus_mping_message_requests (const ChorusMpingMessage *msg,
                               ChorusMpingOptionType     type)
{
  return FALSE;
}

GInetAddress *
chorus_mping_message_get_group (const ChorusMpingMessage *msg)
{
  return NULL;
}

gboolean
chorus_mping_message_set_group (ChorusMpingMessage *msg,
                                GInetAddress       *group)
{
  return FALSE;
}

gboolean
chorus_mping_make_answer (const ChorusMpingMessage  *query,
                          const char                *server_info,
                          gint64                     now_usec,
                          ChorusMpingMessage        *answer,
                          GError                   **error)
{
  g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED, "Not implemented yet");
  return FALSE;
}

gboolean
chorus_mping_make_server_response (const ChorusMpingMessage  *init,
                                   GInetAddress              *group,
                                   const guint8              *session_id,
                                   gsize                      session_id_size,
                                   const char                *server_info,
                                   ChorusMpingMessage        *response,
                                   GError                   **error)
{
  g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_UNSUPPORTED, "Not implemented yet");
  return FALSE;
}
