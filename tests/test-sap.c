/* test-sap.c: SAP (RFC 2974) headers and announcements on byte vectors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-sap.h"

#define SDP "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=chorus\r\nc=IN IP4 239.1.2.3/16\r\nt=0 0\r\nm=video 5004 RTP/AVP 33\r\n"

static GBytes *
from_hex (const char *hex,
          const char *tail)
{
  gsize n = strlen (hex) / 2;
  gsize tail_size = tail != NULL ? strlen (tail) : 0;
  guint8 *bytes = g_malloc (MAX (n + tail_size, 1));

  g_assert_cmpuint (strlen (hex) % 2, ==, 0);
  for (gsize i = 0; i < n; i++)
    bytes[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  if (tail_size > 0)
    memcpy (bytes + n, tail, tail_size);
  return g_bytes_new_take (bytes, n + tail_size);
}

static gboolean
parse (GBytes          *bytes,
       ChorusSapHeader *header,
       GError         **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return chorus_sap_header_parse (data, size, header, error);
}

static const char *
payload_of (GBytes                *bytes,
            const ChorusSapHeader *header)
{
  return (const char *) g_bytes_get_data (bytes, NULL) + header->payload_offset;
}

static void
test_announce_ipv4 (void)
{
  /* V=1, IPv4, announce; no authentication; hash 0x1234; origin
   * 192.0.2.1; "application/sdp" and its NUL; the SDP. */
  g_autoptr(GBytes) bytes = from_hex ("20001234" "c0000201" "6170706c69636174696f6e2f73647000", SDP);
  g_autoptr(GError) error = NULL;
  ChorusSapHeader header;

  g_assert_true (parse (bytes, &header, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header.version, ==, 1);
  g_assert_false (header.ipv6);
  g_assert_false (header.reserved);
  g_assert_cmpint (header.type, ==, CHORUS_SAP_ANNOUNCE);
  g_assert_false (header.encrypted);
  g_assert_false (header.compressed);
  g_assert_cmpuint (header.auth_length, ==, 0);
  g_assert_null (header.auth);
  g_assert_cmphex (header.msg_id_hash, ==, 0x1234);
  g_assert_cmpuint (header.origin_size, ==, 4);
  g_assert_cmpmem (header.origin, 4, "\xc0\x00\x02\x01", 4);
  g_assert_cmpuint (header.payload_type_size, ==, 15);
  g_assert_cmpmem (header.payload_type, header.payload_type_size, "application/sdp", 15);
  g_assert_cmpuint (header.payload_offset, ==, 8 + 16);
  g_assert_cmpuint (header.payload_size, ==, strlen (SDP));
  g_assert_cmpmem (payload_of (bytes, &header), header.payload_size, SDP, strlen (SDP));
  g_assert_true (chorus_sap_header_is_readable (&header));
  g_assert_true (chorus_sap_header_is_sdp (&header));

  /* The reserved bit is ignored, as RFC 2974 asks receivers to. */
  {
    g_autoptr(GBytes) reserved = from_hex ("28001234" "c0000201" "6170706c69636174696f6e2f73647000", SDP);

    g_assert_true (parse (reserved, &header, &error));
    g_assert_true (header.reserved);
    g_assert_true (chorus_sap_header_is_sdp (&header));
  }
}

static void
test_delete_ipv6 (void)
{
  /* V=1, IPv6, delete; origin 2001:db8::1; no payload type: the
   * payload starts with v=0. */
  g_autoptr(GBytes) bytes = from_hex ("3400beef" "20010db8000000000000000000000001", SDP);
  g_autoptr(GError) error = NULL;
  ChorusSapHeader header;

  g_assert_true (parse (bytes, &header, &error));
  g_assert_no_error (error);
  g_assert_true (header.ipv6);
  g_assert_cmpint (header.type, ==, CHORUS_SAP_DELETE);
  g_assert_cmphex (header.msg_id_hash, ==, 0xbeef);
  g_assert_cmpuint (header.origin_size, ==, 16);
  g_assert_cmpmem (header.origin, 16,
                   "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
  g_assert_null (header.payload_type);
  g_assert_cmpuint (header.payload_offset, ==, 20);
  g_assert_cmpuint (header.payload_size, ==, strlen (SDP));
  g_assert_true (chorus_sap_header_is_sdp (&header));
}

static void
test_auth_skipped (void)
{
  /* Two words of authentication data, then the payload type. */
  g_autoptr(GBytes) bytes = from_hex ("20020001" "0a000001" "0102030405060708"
                                      "746578742f706c61696e00", "hello");
  g_autoptr(GError) error = NULL;
  ChorusSapHeader header;

  g_assert_true (parse (bytes, &header, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header.auth_length, ==, 2);
  g_assert_nonnull (header.auth);
  g_assert_cmpmem (header.auth, 8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  g_assert_cmpmem (header.payload_type, header.payload_type_size, "text/plain", 10);
  g_assert_cmpuint (header.payload_offset, ==, 4 + 4 + 8 + 11);
  g_assert_cmpmem (payload_of (bytes, &header), header.payload_size, "hello", 5);
  g_assert_true (chorus_sap_header_is_readable (&header));
  g_assert_false (chorus_sap_header_is_sdp (&header));
}

static void
test_compressed_encrypted (void)
{
  /* Compressed (C) and encrypted (E): flagged; the payload type is not
   * looked for (it is inside), the payload starts after the header. */
  static const char *const hex[] = { "21001111" "c0000201", "22001111" "c0000201", "23011111" "c0000201" "aabbccdd" };
  static const gsize offsets[] = { 8, 8, 12 };

  for (guint i = 0; i < G_N_ELEMENTS (hex); i++)
    {
      g_autoptr(GBytes) bytes = from_hex (hex[i], "\x78\x9c\x01\x02 no NUL in here");
      g_autoptr(GError) error = NULL;
      ChorusSapHeader header;

      g_assert_true (parse (bytes, &header, &error));
      g_assert_no_error (error);
      g_assert_cmpint (header.compressed, ==, i != 1);
      g_assert_cmpint (header.encrypted, ==, i != 0);
      g_assert_null (header.payload_type);
      g_assert_cmpuint (header.payload_offset, ==, offsets[i]);
      g_assert_cmpuint (header.payload_size, ==, 4 + strlen (" no NUL in here"));
      g_assert_false (chorus_sap_header_is_readable (&header));
      g_assert_false (chorus_sap_header_is_sdp (&header));
    }
}

static void
test_refused (void)
{
  static const struct
  {
    const char *hex;
    const char *tail;
    int         code;
  } refused[] = {
    { "", NULL, CHORUS_ERROR_INVALID_VALUE },
    { "200012", NULL, CHORUS_ERROR_INVALID_VALUE },
    { "20001234c00002", NULL, CHORUS_ERROR_INVALID_VALUE },                /* IPv4 origin cut */
    { "30001234c0000201c0000201", NULL, CHORUS_ERROR_INVALID_VALUE },      /* IPv6 origin cut */
    { "00001234c0000201", SDP, CHORUS_ERROR_UNSUPPORTED },                 /* version 0 */
    { "40001234c0000201", SDP, CHORUS_ERROR_UNSUPPORTED },                 /* version 2 */
    { "20021234c0000201aabbccdd", NULL, CHORUS_ERROR_INVALID_VALUE },      /* auth 8, 4 there */
    { "20001234c0000201", "application/sdp", CHORUS_ERROR_INVALID_VALUE }, /* type not ended */
    { "20001234c0000201", "", CHORUS_ERROR_INVALID_VALUE },                /* nothing after */
    { "20001234c000020100", SDP, CHORUS_ERROR_INVALID_VALUE },             /* empty type */
    { "20001234c0000201", "text plain\0", CHORUS_ERROR_INVALID_VALUE },    /* a space */
    { "20001234c0000201", "\x01\0", CHORUS_ERROR_INVALID_VALUE },          /* control */
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gsize tail_size = refused[i].tail != NULL ? strlen (refused[i].tail) : 0;
      g_autoptr(GBytes) hex = from_hex (refused[i].hex, NULL);
      g_autoptr(GByteArray) data = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      ChorusSapHeader header;

      g_byte_array_append (data, g_bytes_get_data (hex, NULL), g_bytes_get_size (hex));
      if (tail_size > 0)
        g_byte_array_append (data, (const guint8 *) refused[i].tail, tail_size);
      /* The two with a NUL in the tail keep it. */
      if (refused[i].tail != NULL && (refused[i].tail[0] == 't' || refused[i].tail[0] == '\x01'))
        g_byte_array_append (data, (const guint8 *) "", 1);

      g_test_message ("refused[%u]: %s", i, refused[i].hex);
      g_assert_false (chorus_sap_header_parse (data->data, data->len, &header, &error));
      g_assert_error (error, CHORUS_ERROR, refused[i].code);
    }

  {
    g_autoptr(GBytes) bytes = from_hex ("40001234c0000201", SDP);
    g_autoptr(GError) error = NULL;
    ChorusSapHeader header;

    g_assert_false (parse (bytes, &header, &error));
    g_assert_cmpstr (error->message, ==, "SAP version 2 is not supported: RFC 2974 messages have version 1");
  }
}

static void
test_build (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) expected = NULL;
  ChorusSapMessage message = {
    .type = CHORUS_SAP_ANNOUNCE,
    .origin = { 192, 0, 2, 1 },
    .msg_id_hash = 0x1234,
    .payload = (const guint8 *) SDP,
    .payload_size = strlen (SDP),
  };
  ChorusSapHeader header;

  bytes = chorus_sap_message_build (&message, &error);
  g_assert_no_error (error);
  expected = from_hex ("20001234" "c0000201" "6170706c69636174696f6e2f73647000", SDP);
  g_assert_true (g_bytes_equal (bytes, expected));
  g_assert_true (parse (bytes, &header, &error));
  g_assert_true (chorus_sap_header_is_sdp (&header));
  g_assert_cmpmem (payload_of (bytes, &header), header.payload_size, SDP, strlen (SDP));
  g_clear_pointer (&bytes, g_bytes_unref);

  /* A deletion from an IPv6 origin. */
  message.type = CHORUS_SAP_DELETE;
  message.ipv6 = TRUE;
  memcpy (message.origin, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
  bytes = chorus_sap_message_build (&message, &error);
  g_assert_no_error (error);
  g_assert_true (parse (bytes, &header, &error));
  g_assert_cmpint (header.type, ==, CHORUS_SAP_DELETE);
  g_assert_true (header.ipv6);
  g_assert_cmpmem (header.origin, 16, message.origin, 16);
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (bytes, NULL))[0], ==, 0x34);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Refused. */
  message.msg_id_hash = 0;
  g_assert_null (chorus_sap_message_build (&message, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  message.msg_id_hash = 1;

  message.payload_type = "application sdp";
  g_assert_null (chorus_sap_message_build (&message, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  message.payload_type = NULL;

  message.type = CHORUS_SAP_ANNOUNCE;
  message.payload_size = 0;
  g_assert_null (chorus_sap_message_build (&message, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  {
    g_autofree guint8 *big = g_malloc0 (1000);

    message.payload = big;
    message.payload_size = 1000;
    g_assert_null (chorus_sap_message_build (&message, &error));
    g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE);
    g_clear_error (&error);

    /* 4 + 16 + 16 + 988 = 1024: just fits. */
    message.payload_size = 988;
    bytes = chorus_sap_message_build (&message, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, CHORUS_SAP_MAX_ANNOUNCEMENT);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sap/announce-ipv4", test_announce_ipv4);
  g_test_add_func ("/sap/delete-ipv6", test_delete_ipv6);
  g_test_add_func ("/sap/auth-skipped", test_auth_skipped);
  g_test_add_func ("/sap/compressed-encrypted", test_compressed_encrypted);
  g_test_add_func ("/sap/refused", test_refused);
  g_test_add_func ("/sap/build", test_build);

  return g_test_run ();
}
