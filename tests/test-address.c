/* test-address.c: what counts as a group, a port, a TTL, a size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <net/if.h>

#include "chorus-address.h"
#include "chorus-error.h"

typedef struct
{
  const char *text;
  const char *canonical;   /* NULL: invalid */
  int code;
  const char *message;     /* a part the message must contain */
} GroupCase;

static const GroupCase group_cases[] = {
  { "224.3.29.71", "224.3.29.71" },
  { "  224.3.29.71\t", "224.3.29.71" },
  { "224.0.0.0", "224.0.0.0" },
  { "230.255.255.255", "230.255.255.255" },
  /* The article stops at 230.255.255.255; 224.0.0.0/4 goes on to 239. */
  { "231.0.0.1", "231.0.0.1" },
  { "239.255.255.255", "239.255.255.255" },
  { "240.0.0.1", NULL, CHORUS_ERROR_INVALID_GROUP,
    "240.0.0.1 is not a multicast address: IPv4 groups are 224.0.0.0 to 239.255.255.255" },
  { "223.255.255.255", NULL, CHORUS_ERROR_INVALID_GROUP, "223.255.255.255 is not a multicast" },
  { "10.0.0.1", NULL, CHORUS_ERROR_INVALID_GROUP, "10.0.0.1 is not a multicast address" },
  { "255.255.255.255", NULL, CHORUS_ERROR_INVALID_GROUP, "not a multicast address" },
  { "", NULL, CHORUS_ERROR_INVALID_GROUP, "Enter a multicast group" },
  { "   ", NULL, CHORUS_ERROR_INVALID_GROUP, "Enter a multicast group" },
  { "banana", NULL, CHORUS_ERROR_INVALID_GROUP, "“banana” is not an IP address" },
  { "224.3.29", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.256", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.71:10000", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "224.3.29.71 x", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  { "<b>224.3.29.71</b>", NULL, CHORUS_ERROR_INVALID_GROUP, "is not an IP address" },
  /* What was typed is quoted on one line, without control characters. */
  { "\x1b[31mred", NULL, CHORUS_ERROR_INVALID_GROUP, "“\\x1b[31mred” is not an IP address" },
  { "a\nb", NULL, CHORUS_ERROR_INVALID_GROUP, "“a\\nb” is not an IP address" },
  /* A long text is cut short, but never inside an escape. */
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x1b[31m", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is not an IP address" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x80\xae" "cba", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is not an IP address" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\\", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…” is not an IP address" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\\\\", NULL, CHORUS_ERROR_INVALID_GROUP,
    "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\\…” is not an IP address" },
  { "ff02::1", NULL, CHORUS_ERROR_UNSUPPORTED, "IPv6 group" },
  { "::1", NULL, CHORUS_ERROR_INVALID_GROUP, "IPv6 groups start with ff" },
};

static void
test_group (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (group_cases); i++)
    {
      const GroupCase *c = &group_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(ChorusGroup) group = chorus_group_parse (c->text, &error);

      g_test_message ("group “%s”", c->text);

      if (c->canonical != NULL)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (group);
          text = chorus_group_to_string (group);
          g_assert_cmpstr (text, ==, c->canonical);
          g_assert_cmpint (chorus_group_get_family (group), ==, G_SOCKET_FAMILY_IPV4);
          g_assert_cmpuint (chorus_group_get_max_payload (group), ==, 65507);
          g_assert_null (chorus_group_get_source (group));
        }
      else
        {
          g_assert_null (group);
          g_assert_error (error, CHORUS_ERROR, c->code);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

static void
test_long_input (void)
{
  g_autofree char *pasted = g_strnfill (5000, '9');
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* A pasted novel is not echoed back whole. */
  g_assert_null (chorus_group_parse (pasted, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_GROUP);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 120);
  g_assert_nonnull (strstr (error->message, "999…” is not an IP address"));
  g_clear_error (&error);

  g_assert_false (chorus_parse_port (pasted, &port, &error));
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 120);
}

static void
test_group_equal (void)
{
  g_autoptr(ChorusGroup) a = chorus_group_parse ("224.3.29.71", NULL);
  g_autoptr(ChorusGroup) b = chorus_group_parse (" 224.3.29.71 ", NULL);
  g_autoptr(ChorusGroup) c = chorus_group_parse ("224.3.29.72", NULL);

  g_assert_true (chorus_group_equal (a, b));
  g_assert_false (chorus_group_equal (a, c));
  g_assert_false (chorus_group_equal (a, NULL));
}

typedef struct
{
  const char *text;
  gint64 value;        /* -1: invalid */
  const char *message;
} NumberCase;

static const NumberCase port_cases[] = {
  { "1", 1 },
  { "10000", 10000 },
  { " 65535 ", 65535 },
  { "0", -1, "Port 0 is out of range: use a port from 1 to 65535" },
  { "65536", -1, "Port 65536 is out of range" },
  { "-1", -1, "Port -1 is out of range" },
  { "99999999999999999999999", -1, "out of range" },
  { "", -1, "Enter a port from 1 to 65535" },
  { "abc", -1, "“abc” is not a port number" },
  { "10.5", -1, "“10.5” is not a port number" },
  { "0x10", -1, "is not a port number" },
  { "+5", -1, "is not a port number" },
};

static const NumberCase ttl_cases[] = {
  { "0", 0 },
  { "1", 1 },
  { "255", 255 },
  { "256", -1, "TTL 256 is out of range: use 0 to 255" },
  { "-1", -1, "TTL -1 is out of range" },
  { "one", -1, "“one” is not a TTL" },
  { "", -1, "Enter a TTL from 0 to 255" },
};

static const NumberCase count_cases[] = {
  { "1", 1 },
  { "1000", 1000 },
  { "0", -1, "Count 0 is out of range" },
  { "-3", -1, "Count -3 is out of range" },
  { "many", -1, "“many” is not a count" },
};

static const NumberCase rate_cases[] = {
  { "0", 0 },
  { "100", 100 },
  { " 1000000 ", 1000000 },
  { "1000001", -1, "Rate 1000001 is out of range: use 0 to 1000000 answers a second" },
  { "-1", -1, "Rate -1 is out of range" },
  { "2.5", -1, "“2.5” is not a rate" },
  { "", -1, "is not a rate" },
  { "\e[31mred", -1, "“\\x1b[31mred” is not a rate" },
};

static void
test_rate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rate_cases); i++)
    {
      const NumberCase *c = &rate_cases[i];
      g_autoptr(GError) error = NULL;
      guint rate = 42;
      gboolean ok = chorus_parse_rate (c->text, &rate, &error);

      g_test_message ("rate “%s”", c->text);
      g_assert_cmpint (ok, ==, c->value >= 0);
      if (ok)
        g_assert_cmpint (rate, ==, c->value);
      else
        {
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, c->message));
          g_assert_cmpint (rate, ==, 42);
        }
    }
}

static void
test_port (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (port_cases); i++)
    {
      const NumberCase *c = &port_cases[i];
      g_autoptr(GError) error = NULL;
      guint16 port = 4242;
      gboolean ok = chorus_parse_port (c->text, &port, &error);

      g_test_message ("port “%s”", c->text);
      if (c->value >= 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (port, ==, c->value);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_PORT);
          g_assert_nonnull (strstr (error->message, c->message));
          g_assert_cmpint (port, ==, 4242);
        }
    }
}

static void
test_ttl (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ttl_cases); i++)
    {
      const NumberCase *c = &ttl_cases[i];
      g_autoptr(GError) error = NULL;
      guint8 ttl = 42;
      gboolean ok = chorus_parse_ttl (c->text, &ttl, &error);

      g_test_message ("ttl “%s”", c->text);
      if (c->value >= 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (ttl, ==, c->value);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_TTL);
          g_assert_nonnull (strstr (error->message, c->message));
          g_assert_cmpint (ttl, ==, 42);
        }
    }
}

static void
test_count (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (count_cases); i++)
    {
      const NumberCase *c = &count_cases[i];
      g_autoptr(GError) error = NULL;
      guint count = 0;
      gboolean ok = chorus_parse_count (c->text, &count, &error);

      g_test_message ("count “%s”", c->text);
      g_assert_cmpint (ok, ==, c->value >= 0);
      if (ok)
        g_assert_cmpint (count, ==, c->value);
      else
        {
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }
}

static void
test_seconds (void)
{
  struct {
    const char *text;
    double minimum;
    double value;      /* < 0: invalid */
    const char *message;
  } cases[] = {
    { "1", 0, 1 },
    { "0", 0, 0 },
    { "0.25", 0, 0.25 },
    { " 2.5 ", 0.001, 2.5 },
    { "0,5", 0, 0.5 },
    { "1,5,0", 0, -1, "is not a number of seconds" },
    { "1,5.0", 0, -1, "is not a number of seconds" },
    { "-1", 0, -1, "Wait time cannot be negative" },
    { "0", 0.001, -1, "Wait time must be at least 0.001 seconds" },
    { "soon", 0, -1, "Wait time “soon” is not a number of seconds" },
    { "", 0, -1, "is not a number of seconds" },
    { "1s", 0, -1, "is not a number of seconds" },
    { "nan", 0, -1, "is not a number of seconds" },
    { "inf", 0, -1, "is not a number of seconds" },
    { "0x10", 0, -1, "is not a number of seconds" },
    { "\v1", 0, -1, "is not a number of seconds" },
    { "\v 0", 0, -1, "is not a number of seconds" },
    { "1e9", 0, -1, "is too long" },
    { "1e-3", 0, 0.001 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = -42;
      gboolean ok = chorus_parse_seconds (cases[i].text, "Wait time", cases[i].minimum, &value,
                                          &error);

      g_test_message ("seconds “%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].value >= 0);
      if (ok)
        g_assert_cmpfloat (value, ==, cases[i].value);
      else
        {
          g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, cases[i].message));
          g_assert_cmpfloat (value, ==, -42);
        }
    }
}

static void
test_payload_size (void)
{
  g_autoptr(ChorusGroup) group = chorus_group_parse ("224.3.29.71", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (chorus_check_payload_size (group, 0, NULL));
  g_assert_true (chorus_check_payload_size (group, 65507, NULL));
  g_assert_false (chorus_check_payload_size (group, 65508, &error));
  g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "The message is 65508 bytes: one IPv4 datagram carries at most 65507 bytes");
}

static void
test_interface (void)
{
  static const char *invalid[] = {
    "lo:", "lo:0", "lo:anything", "no-such-interface0", "a-name-longer-than-ifnamsiz", "lo lo",
  };
  guint index = 42;
  guint lo = if_nametoindex ("lo");

  g_assert_true (chorus_parse_interface (NULL, &index, NULL));
  g_assert_cmpuint (index, ==, 0);
  index = 42;
  g_assert_true (chorus_parse_interface (" ", &index, NULL));
  g_assert_cmpuint (index, ==, 0);

  if (lo != 0)
    {
      g_assert_true (chorus_parse_interface (" lo ", &index, NULL));
      g_assert_cmpuint (index, ==, lo);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("no network interface called “%s”", invalid[i]);

      index = 42;
      g_test_message ("interface “%s”", invalid[i]);
      g_assert_false (chorus_parse_interface (invalid[i], &index, &error));
      g_assert_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, expected));
      g_assert_cmpuint (index, ==, 42);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/group", test_group);
  g_test_add_func ("/address/group-equal", test_group_equal);
  g_test_add_func ("/address/long-input", test_long_input);
  g_test_add_func ("/address/port", test_port);
  g_test_add_func ("/address/ttl", test_ttl);
  g_test_add_func ("/address/count", test_count);
  g_test_add_func ("/address/rate", test_rate);
  g_test_add_func ("/address/seconds", test_seconds);
  g_test_add_func ("/address/payload-size", test_payload_size);
  g_test_add_func ("/address/interface", test_interface);

  return g_test_run ();
}
