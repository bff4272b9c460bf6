/* test-sdp.c: what SDP texts say to watch, and the lines errors name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-sdp.h"
#include "chorus-watch-target.h"

static ChorusSdp *
parse (const char *text,
       GError    **error)
{
  return chorus_sdp_parse (text, strlen (text), error);
}

/* What GStreamer's RTP audio and an AES67 announcement look like. */
static void
test_sdp_aes67 (void)
{
  const char *text =
    "v=0\r\n"
    "o=- 1423986 1423994 IN IP4 192.0.2.10\r\n"
    "s=Stage mics\r\n"
    "c=IN IP4 239.69.1.2/32\r\n"
    "t=0 0\r\n"
    "a=source-filter: incl IN IP4 239.69.1.2 192.0.2.10\r\n"
    "m=audio 5004 RTP/AVP 98\r\n"
    "b=AS:2400\r\n"
    "a=rtpmap:98 L24/48000/2\r\n"
    "a=ptime:1\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSdp) sdp = parse (text, &error);
  const ChorusWatchTarget *target;

  g_assert_no_error (error);
  g_assert_cmpstr (sdp->name, ==, "Stage mics");
  g_assert_cmpstr (sdp->origin_address, ==, "192.0.2.10");
  g_assert_cmpstr (sdp->session_id, ==, "1423986");
  g_assert_cmpuint (sdp->targets->len, ==, 1);
  target = g_ptr_array_index (sdp->targets, 0);
  g_assert_cmpstr (target->group, ==, "239.69.1.2");
  g_assert_cmpuint (target->port, ==, 5004);
  g_assert_cmpstr (target->sources, ==, "192.0.2.10");
  g_assert_null (target->excluded);
  g_assert_cmpint (target->kind, ==, CHORUS_FLOW_KIND_RTP);
  g_assert_cmpint (target->payload_type, ==, 98);
  g_assert_cmpuint (target->clock_rate, ==, 48000);
  g_assert_cmpstr (target->encoding, ==, "L24/48000/2");
  g_assert_cmpstr (target->media, ==, "audio");
  g_assert_cmpfloat (target->rate_bps, ==, 2400000);
  g_assert_null (sdp->dup);
}

/* ST 2022-7: two legs, each with its own c= and filter, named by mid. */
static void
test_sdp_dup (void)
{
  const char *text =
    "v=0\n"
    "o=- 7 7 IN IP4 192.0.2.1\n"
    "s=Camera 1\n"
    "t=0 0\n"
    "a=group:DUP primary secondary\n"
    "m=video 5000 RTP/AVP 33\n"
    "c=IN IP4 239.1.1.1/64\n"
    "a=source-filter: incl IN IP4 239.1.1.1 192.0.2.1\n"
    "a=mid:primary\n"
    "m=video 5002 RTP/AVP 33\n"
    "c=IN IP4 239.2.1.1/64\n"
    "a=source-filter: excl IN IP4 * 192.0.2.99 192.0.2.98\n"
    "b=TIAS:20000000\n"
    "a=mid:secondary\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSdp) sdp = parse (text, &error);
  const ChorusWatchTarget *a, *b;

  g_assert_no_error (error);
  g_assert_cmpuint (sdp->targets->len, ==, 2);
  g_assert_nonnull (sdp->dup);
  g_assert_cmpstr (sdp->dup[0], ==, "primary");
  g_assert_cmpstr (sdp->dup[1], ==, "secondary");
  g_assert_null (sdp->dup[2]);
  a = chorus_sdp_find_mid (sdp, "primary");
  b = chorus_sdp_find_mid (sdp, "secondary");
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a->group, ==, "239.1.1.1");
  g_assert_cmpuint (a->port, ==, 5000);
  g_assert_cmpstr (a->sources, ==, "192.0.2.1");
  g_assert_cmpint (a->kind, ==, CHORUS_FLOW_KIND_RTP_TS);
  g_assert_cmpuint (a->clock_rate, ==, 90000);
  g_assert_cmpstr (b->group, ==, "239.2.1.1");
  g_assert_null (b->sources);
  g_assert_cmpstr (b->excluded, ==, "192.0.2.99,192.0.2.98");
  g_assert_cmpfloat (b->rate_bps, ==, 20000000);
  g_assert_null (chorus_sdp_find_mid (sdp, "third"));
}

/* What ffmpeg -sdp_file writes, and IPv6. */
static void
test_sdp_ffmpeg_ipv6 (void)
{
  const char *text =
    "v=0\n"
    "o=- 0 0 IN IP6 ::1\n"
    "s=No Name\n"
    "c=IN IP6 ff15::1:2\n"
    "t=0 0\n"
    "a=tool:libavformat 59.27.100\n"
    "m=audio 5006 RTP/AVP 97\n"
    "b=AS:705\n"
    "a=rtpmap:97 L16/44100/1\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSdp) sdp = parse (text, &error);
  const ChorusWatchTarget *target;

  g_assert_no_error (error);
  target = g_ptr_array_index (sdp->targets, 0);
  g_assert_cmpstr (target->group, ==, "ff15::1:2");
  g_assert_cmpuint (target->port, ==, 5006);
  g_assert_cmpuint (target->clock_rate, ==, 44100);
  g_assert_cmpint (target->payload_type, ==, 97);
}

typedef struct
{
  const char *text;
  const char *message;
} Refused;

static void
test_sdp_refused (void)
{
  const Refused cases[] = {
    { "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nt=0 0\nm=audio 5004 RTP/AVP 0\n",
      "SDP line 5 (“m=audio 5004 RTP/AVP 0”): no connection address" },
    { "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nc=IN IP4 10.1.2.3\nt=0 0\nm=audio 5004 RTP/AVP 0\n",
      "SDP line 4 (“c=IN IP4 10.1.2.3”): " },
    { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 239.1.1.1\r\nt=0 0\r\n"
      "m=audio 70000 RTP/AVP 0\r\n",
      "SDP line 6 (“m=audio 70000 RTP/AVP 0”): the port" },
    { "v=0\ns=x\nc=IN IP4 239.1.1.1\nm=audio 0 RTP/AVP 0\n", "SDP line 4" },
    { "v=0\ns=x\nm=audio 5004 RTP/AVP 0\nc=IN IP4 239.1.1.1\n"
      "a=source-filter: incl IN IP4 239.1.1.1 nowhere\n",
      "SDP line 5 (“a=source-filter: incl IN IP4 239.1.1.1 nowhere”)" },
    { "hello\n", "SDP line 1 (“hello”): an SDP starts with v=0" },
    { "", "an SDP starts with v=0" },
    { "v=0\ns=no media\nc=IN IP4 239.1.1.1\n", "no media" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ChorusSdp) sdp = parse (cases[i].text, &error);

      g_assert_null (sdp);
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].message);
    }
}

/* Bytes that are not text, and a name shown literally. */
static void
test_sdp_hostile (void)
{
  const char nul[] = "v=0\ns=a\0b\nc=IN IP4 239.1.1.1\nm=audio 1 RTP/AVP 0\n";
  const char *text = "v=0\ns=\x1b[31mred\x1b[0m \"q\"\nc=IN IP4 239.1.1.1\nm=audio 1 udp x\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusSdp) sdp = NULL;
  g_autoptr(ChorusSdp) named = NULL;
  g_autofree char *huge = g_strnfill (CHORUS_SDP_MAX_SIZE + 1, 'a');

  sdp = chorus_sdp_parse (nul, sizeof nul - 1, &error);
  g_assert_null (sdp);
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  sdp = chorus_sdp_parse (huge, strlen (huge), &error);
  g_assert_null (sdp);
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  named = parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (named->name, ==, "\x1b[31mred\x1b[0m \"q\"");
  g_assert_cmpint (((ChorusWatchTarget *) g_ptr_array_index (named->targets, 0))->kind, ==,
                   CHORUS_FLOW_KIND_AUTO);
}

static void
test_target_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  const ChorusWatchTarget *t;

  targets = chorus_watch_target_parse_list ("239.1.1.1:6000, 239.2.2.2+2 [ff15::9]:7000,ff15::8",
                                            5004, 16, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 6);
  t = g_ptr_array_index (targets, 0);
  g_assert_cmpstr (t->group, ==, "239.1.1.1");
  g_assert_cmpuint (t->port, ==, 6000);
  t = g_ptr_array_index (targets, 3);
  g_assert_cmpstr (t->group, ==, "239.2.2.4");
  g_assert_cmpuint (t->port, ==, 5004);
  t = g_ptr_array_index (targets, 4);
  g_assert_cmpstr (t->group, ==, "ff15::9");
  g_assert_cmpuint (t->port, ==, 7000);
  t = g_ptr_array_index (targets, 5);
  g_assert_cmpstr (t->group, ==, "ff15::8");
  g_assert_cmpuint (t->port, ==, 5004);
  g_clear_pointer (&targets, g_ptr_array_unref);

  targets = chorus_watch_target_parse_list ("239.1.1.1:99999", 5004, 16, &error);
  g_assert_null (targets);
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_PORT);
  g_clear_error (&error);

  targets = chorus_watch_target_parse_list ("10.0.0.1", 5004, 16, &error);
  g_assert_null (targets);
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
  g_clear_error (&error);

  targets = chorus_watch_target_parse_list ("239.1.1.1+20", 5004, 16, &error);
  g_assert_null (targets);
  g_assert_nonnull (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sdp/aes67", test_sdp_aes67);
  g_test_add_func ("/sdp/dup", test_sdp_dup);
  g_test_add_func ("/sdp/ffmpeg-ipv6", test_sdp_ffmpeg_ipv6);
  g_test_add_func ("/sdp/refused", test_sdp_refused);
  g_test_add_func ("/sdp/hostile", test_sdp_hostile);
  g_test_add_func ("/watch-target/list", test_target_list);

  return g_test_run ();
}
