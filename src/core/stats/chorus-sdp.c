/* chorus-sdp.c: what an SDP (RFC 4566) says to watch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GstSDPMessage reads the values; it keeps no line numbers, so the text
 * is scanned beside it to find the line each error is about.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gst/sdp/sdp.h>
#include <stdlib.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "chorus-rtp.h"
#include "chorus-sdp.h"
#include "chorus-text.h"

/* Where the lines are: for each, its type letter and the m= section it
 * is in (-1 for the session part). */
typedef struct
{
  GPtrArray *lines;   /* char *, without the line end */
  GArray    *media;   /* int per line */
} SdpLines;

static void
sdp_lines_init (SdpLines   *lines,
                const char *text,
                gsize       size)
{
  int media = -1;
  gsize start = 0;

  lines->lines = g_ptr_array_new_with_free_func (g_free);
  lines->media = g_array_new (FALSE, FALSE, sizeof (int));

  while (start < size)
    {
      gsize end = start;
      gsize stop;
      char *line;

      while (end < size && text[end] != '\n')
        end++;
      stop = end;
      if (stop > start && text[stop - 1] == '\r')
        stop--;
      line = g_strndup (text + start, stop - start);
      if (g_str_has_prefix (line, "m="))
        media++;
      g_ptr_array_add (lines->lines, line);
      g_array_append_val (lines->media, media);
      start = end + 1;
    }
}

static void
sdp_lines_clear (SdpLines *lines)
{
  g_clear_pointer (&lines->lines, g_ptr_array_unref);
  g_clear_pointer (&lines->media, g_array_unref);
}

/* The line number (from 1) of the first line of @media (-1: the session
 * part) that starts with @prefix; 0 if there is none. */
static guint
find_line (const SdpLines *lines,
           int             media,
           const char     *prefix)
{
  for (guint i = 0; i < lines->lines->len; i++)
    if (g_array_index (lines->media, int, i) == media
        && g_str_has_prefix (g_ptr_array_index (lines->lines, i), prefix))
      return i + 1;

  return 0;
}

static const char *
line_text (const SdpLines *lines,
           guint           number)
{
  return g_ptr_array_index (lines->lines, number - 1);
}

G_GNUC_PRINTF (4, 5)
static void
set_line_error (GError        **error,
                const SdpLines *lines,
                guint           number,
                const char     *format,
                ...)
{
  g_autofree char *message = NULL;
  g_autofree char *shown = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (number == 0)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE, message);
      return;
    }

  /* As written, but with nothing a terminal would act on, and short. */
  {
    const char *line = line_text (lines, number);
    const char *end = g_utf8_offset_to_pointer (line, MIN (g_utf8_strlen (line, -1), 80));

    shown = chorus_text_escape ((const guint8 *) line, end - line);
  }
  g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE, _("SDP line %u (“%s”): %s"),
               number, shown, message);
}

void
chorus_sdp_free (ChorusSdp *sdp)
{
  if (sdp == NULL)
    return;

  g_free (sdp->name);
  g_free (sdp->origin);
  g_free (sdp->origin_address);
  g_free (sdp->session_id);
  g_free (sdp->session_version);
  g_clear_pointer (&sdp->targets, g_ptr_array_unref);
  g_strfreev (sdp->dup);
  g_free (sdp);
}

const ChorusWatchTarget *
chorus_sdp_find_mid (const ChorusSdp *sdp,
                     const char      *mid)
{
  g_return_val_if_fail (sdp != NULL, NULL);

  for (guint i = 0; mid != NULL && i < sdp->targets->len; i++)
    {
      const ChorusWatchTarget *target = g_ptr_array_index (sdp->targets, i);

      if (g_strcmp0 (target->mid, mid) == 0)
        return target;
    }

  return NULL;
}

/* a=source-filter (RFC 4570): "incl IN IP4 232.1.1.1 192.0.2.1 …", the
 * destination "*" for any. Sets the target's sources or excluded ones
 * if the filter is about its group. */
static gboolean
apply_source_filter (ChorusWatchTarget *target,
                     const char        *value,
                     const SdpLines    *lines,
                     guint              number,
                     GError           **error)
{
  g_auto(GStrv) words = g_strsplit_set (value, " \t", -1);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  char **field;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (list, words[i]);

  if (list->len < 5 || (!g_str_equal (g_ptr_array_index (list, 0), "incl")
                        && !g_str_equal (g_ptr_array_index (list, 0), "excl")))
    {
      set_line_error (error, lines, number,
                      _("a source filter is “incl” or “excl”, IN, IP4 or IP6, the group "
                        "and the sources"));
      return FALSE;
    }

  if (!g_str_equal (g_ptr_array_index (list, 3), "*")
      && g_ascii_strcasecmp (g_ptr_array_index (list, 3), target->group) != 0)
    return TRUE;

  for (guint i = 4; i < list->len; i++)
    {
      const char *source = g_ptr_array_index (list, i);
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (source);

      if (address == NULL)
        {
          set_line_error (error, lines, number, _("“%s” is not an IP address"), source);
          return FALSE;
        }
      g_ptr_array_add (sources, g_strdup (source));
    }
  g_ptr_array_add (sources, NULL);

  field = g_str_equal (g_ptr_array_index (list, 0), "incl") ? &target->sources
                                                            : &target->excluded;
  g_free (*field);
  *field = g_strjoinv (",", (char **) sources->pdata);

  return TRUE;
}

/* The rate b= gives: AS in kbit/s, TIAS in bit/s; 0 without. */
static double
bandwidth_of (const GstSDPBandwidth *bandwidth)
{
  if (g_ascii_strcasecmp (bandwidth->bwtype, "TIAS") == 0)
    return bandwidth->bandwidth;
  if (g_ascii_strcasecmp (bandwidth->bwtype, "AS") == 0)
    return bandwidth->bandwidth * 1000.0;

  return 0;
}

/* What a=rtpmap says of @format: "96 L24/48000/2". */
static const char *
rtpmap_of (const GstSDPMedia *media,
           const char        *format)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *attribute = gst_sdp_media_get_attribute (media, i);
      gsize length = strlen (format);

      if (g_strcmp0 (attribute->key, "rtpmap") == 0 && attribute->value != NULL
          && strncmp (attribute->value, format, length) == 0
          && (attribute->value[length] == ' ' || attribute->value[length] == '\t'))
        return g_strchug ((char *) attribute->value + length);
    }

  return NULL;
}

/* A target for the media section @index. */
static ChorusWatchTarget *
target_of_media (const GstSDPMessage *message,
                 guint                index,
                 const SdpLines      *lines,
                 GError             **error)
{
  const GstSDPMedia *media = gst_sdp_message_get_media (message, index);
  const GstSDPConnection *connection = NULL;
  g_autoptr(ChorusWatchTarget) target = NULL;
  g_autoptr(ChorusGroup) group = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *group_text = NULL;
  guint m_line = find_line (lines, index, "m=");
  guint c_line;
  const char *proto = gst_sdp_media_get_proto (media);
  const char *format = NULL;
  g_auto(GStrv) m_words = NULL;
  gint64 port;

  if (gst_sdp_media_connections_len (media) > 0)
    {
      connection = gst_sdp_media_get_connection (media, 0);
      c_line = find_line (lines, index, "c=");
    }
  else
    {
      connection = gst_sdp_message_get_connection (message);
      c_line = find_line (lines, -1, "c=");
    }

  if (connection == NULL || connection->address == NULL || connection->address[0] == '\0')
    {
      set_line_error (error, lines, m_line,
                      _("no connection address (c=) for this media, nor for the session"));
      return NULL;
    }

  group = chorus_group_parse (connection->address, &local_error);
  if (group == NULL)
    {
      set_line_error (error, lines, c_line, "%s", local_error->message);
      return NULL;
    }
  if (chorus_group_is_source_specific (group))
    {
      set_line_error (error, lines, c_line,
                      _("the connection address is a group alone; sources go in "
                        "a=source-filter"));
      return NULL;
    }

  /* GstSDPMedia reads the port with atoi(): read it again, strictly. */
  m_words = g_strsplit (line_text (lines, m_line) + 2, " ", 3);
  if (m_words[0] == NULL || m_words[1] == NULL)
    port = 0;
  else
    {
      g_autofree char *digits = g_strndup (m_words[1], strcspn (m_words[1], "/"));

      if (!g_ascii_string_to_signed (digits, 10, 1, 65535, &port, NULL))
        port = 0;
    }
  if (port == 0)
    {
      set_line_error (error, lines, m_line, _("the port must be a number from 1 to 65535"));
      return NULL;
    }

  group_text = chorus_group_to_string (group);
  target = chorus_watch_target_new (group_text, (guint16) port);
  target->media = g_strdup (gst_sdp_media_get_media (media));
  target->mid = g_strdup (gst_sdp_media_get_attribute_val (media, "mid"));

  if (gst_sdp_media_formats_len (media) > 0)
    format = gst_sdp_media_get_format (media, 0);

  if (proto != NULL && strstr (proto, "RTP") != NULL)
    {
      gint64 payload_type = -1;
      const char *rtpmap;

      target->kind = CHORUS_FLOW_KIND_RTP;
      if (format != NULL && g_ascii_string_to_signed (format, 10, 0, 127, &payload_type, NULL))
        {
          target->payload_type = (int) payload_type;
          target->clock_rate = chorus_rtp_payload_type_clock_rate ((guint) payload_type);
        }
      rtpmap = format != NULL ? rtpmap_of (media, format) : NULL;
      if (rtpmap != NULL)
        {
          const char *slash = strchr (rtpmap, '/');
          gint64 rate;

          target->encoding = g_strdup (rtpmap);
          if (slash != NULL)
            {
              g_autofree char *digits = g_strndup (slash + 1, strcspn (slash + 1, "/ "));

              if (g_ascii_string_to_signed (digits, 10, 1, G_MAXUINT32, &rate, NULL))
                target->clock_rate = (guint32) rate;
            }
        }
      if (target->payload_type == 33
          || (target->encoding != NULL && g_str_has_prefix (target->encoding, "MP2T/")))
        target->kind = CHORUS_FLOW_KIND_RTP_TS;
    }
  else if (proto != NULL && (g_ascii_strcasecmp (proto, "udp") == 0
                             || g_ascii_strcasecmp (proto, "UDP/TS") == 0)
           && format != NULL && (g_str_equal (format, "33") || g_str_equal (format, "MP2T")))
    {
      target->kind = CHORUS_FLOW_KIND_TS;
    }

  for (guint i = 0; i < gst_sdp_media_bandwidths_len (media); i++)
    if (target->rate_bps == 0)
      target->rate_bps = bandwidth_of (gst_sdp_media_get_bandwidth (media, i));
  if (gst_sdp_message_medias_len (message) == 1)
    for (guint i = 0; i < gst_sdp_message_bandwidths_len (message); i++)
      if (target->rate_bps == 0)
        target->rate_bps = bandwidth_of (gst_sdp_message_get_bandwidth (message, i));

  /* The session's filters first; the media's own take their place. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < lines->lines->len; i++)
      {
        const char *line = g_ptr_array_index (lines->lines, i);
        int level = pass == 0 ? -1 : (int) index;

        if (g_array_index (lines->media, int, i) == level
            && g_str_has_prefix (line, "a=source-filter:")
            && !apply_source_filter (target, line + strlen ("a=source-filter:"), lines, i + 1,
                                     error))
          return NULL;
      }

  return g_steal_pointer (&target);
}

/**
 * chorus_sdp_parse:
 * @text: the SDP; need not be NUL-terminated
 * @size: its length in bytes
 *
 * Reads what to watch from an SDP: each m= line becomes a target with
 * its connection address (the media's c=, or the session's), port,
 * a=source-filter, first payload type, a=rtpmap clock rate and b= rate.
 * Refuses, naming the line, an SDP without media, a media without a
 * connection address, one that is not multicast, a port out of range.
 *
 * Returns: (transfer full) (nullable): the SDP's session, or %NULL with
 *   @error set
 */
ChorusSdp *
chorus_sdp_parse (const char *text,
                  gsize       size,
                  GError    **error)
{
  g_autoptr(ChorusSdp) sdp = NULL;
  g_autofree char *copy = NULL;
  GstSDPMessage *message = NULL;
  SdpLines lines;
  const GstSDPOrigin *origin;
  const char *group;
  guint media_line;

  g_return_val_if_fail (text != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (size > CHORUS_SDP_MAX_SIZE)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   _("The SDP is %" G_GSIZE_FORMAT " bytes; Chorus reads at most %u"), size,
                   CHORUS_SDP_MAX_SIZE);
      return NULL;
    }
  if (memchr (text, '\0', size) != NULL || !g_utf8_validate (text, size, NULL))
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("The SDP is not text: it has a NUL byte or is not UTF-8"));
      return NULL;
    }

  copy = g_strndup (text, size);
  sdp_lines_init (&lines, copy, size);

  if (lines.lines->len == 0 || !g_str_has_prefix (line_text (&lines, 1), "v=0"))
    {
      set_line_error (error, &lines, lines.lines->len > 0 ? 1 : 0,
                      _("an SDP starts with v=0 (RFC 4566)"));
      sdp_lines_clear (&lines);
      return NULL;
    }

  if (gst_sdp_message_new_from_text (copy, &message) != GST_SDP_OK)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("The SDP could not be read"));
      sdp_lines_clear (&lines);
      return NULL;
    }

  media_line = find_line (&lines, 0, "m=");
  if (gst_sdp_message_medias_len (message) == 0 || media_line == 0)
    {
      g_set_error_literal (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           _("The SDP describes no media: it has no m= line"));
      goto fail;
    }

  sdp = g_new0 (ChorusSdp, 1);
  sdp->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) chorus_watch_target_free);
  sdp->name = g_strdup (gst_sdp_message_get_session_name (message));
  origin = gst_sdp_message_get_origin (message);
  if (origin != NULL && origin->sess_id != NULL)
    {
      guint o_line = find_line (&lines, -1, "o=");

      sdp->origin = o_line > 0 ? g_strdup (line_text (&lines, o_line) + 2) : NULL;
      sdp->origin_address = g_strdup (origin->addr);
      sdp->session_id = g_strdup (origin->sess_id);
      sdp->session_version = g_strdup (origin->sess_version);
    }

  for (guint i = 0; i < gst_sdp_message_medias_len (message); i++)
    {
      ChorusWatchTarget *target = target_of_media (message, i, &lines, error);

      if (target == NULL)
        goto fail;
      g_ptr_array_add (sdp->targets, target);
    }

  group = gst_sdp_message_get_attribute_val (message, "group");
  if (group != NULL && g_str_has_prefix (group, "DUP "))
    {
      g_auto(GStrv) mids = g_strsplit_set (group + 4, " \t", -1);
      GPtrArray *kept = g_ptr_array_new ();

      for (guint i = 0; mids[i] != NULL; i++)
        if (mids[i][0] != '\0')
          g_ptr_array_add (kept, g_strdup (mids[i]));
      g_ptr_array_add (kept, NULL);
      sdp->dup = (char **) g_ptr_array_free (kept, FALSE);
    }

  gst_sdp_message_free (message);
  sdp_lines_clear (&lines);
  return g_steal_pointer (&sdp);

fail:
  gst_sdp_message_free (message);
  sdp_lines_clear (&lines);
  return NULL;
}
