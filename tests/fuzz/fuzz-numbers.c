/* fuzz-numbers.c: the port, TTL, count, seconds and interface parsers and
 * the payload size check on any text
 *
 * Each whole-number parser is held to a plain reference: optional white
 * space, decimal digits only, and the range. The seconds parser must give
 * a finite number in its range that prints and parses back the same. Every
 * failure is a readable error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <net/if.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "fuzz.h"

/* The reference: is @text, stripped, a decimal number from @min to @max? */
static gboolean
reference_in_range (const char *text,
                    guint64     min,
                    guint64     max,
                    guint64    *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  const char *digits = stripped;
  guint64 result = 0;

  if (*digits == '\0')
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  while (digits[0] == '0' && digits[1] != '\0')
    digits++;
  /* G_MAXINT64 has 19 digits; our ranges are far below. */
  if (strlen (digits) > 18)
    return FALSE;
  for (const char *p = digits; *p != '\0'; p++)
    result = result * 10 + (guint64) (*p - '0');

  *value = result;
  return result >= min && result <= max;
}

static void
check_port (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint16 port = 0;
  guint64 expected = 0;
  gboolean ok = chorus_parse_port (text, &port, &error);

  fuzz_check (ok == reference_in_range (text, 1, 65535, &expected));
  if (ok)
    fuzz_check (error == NULL && port == expected);
  else
    fuzz_check_error (error);
}

static void
check_ttl (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint8 ttl = 0;
  guint64 expected = 0;
  gboolean ok = chorus_parse_ttl (text, &ttl, &error);

  fuzz_check (ok == reference_in_range (text, 0, 255, &expected));
  if (ok)
    fuzz_check (error == NULL && ttl == expected);
  else
    fuzz_check_error (error);
}

static void
check_count (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint count = 0;
  guint64 expected = 0;
  gboolean ok = chorus_parse_count (text, &count, &error);

  fuzz_check (ok == reference_in_range (text, 1, G_MAXINT, &expected));
  if (ok)
    fuzz_check (error == NULL && count == expected);
  else
    fuzz_check_error (error);
}

static void
check_rate (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint rate = 0;
  guint64 expected = 0;
  gboolean ok = chorus_parse_rate (text, &rate, &error);

  fuzz_check (ok == reference_in_range (text, 0, CHORUS_MAX_REPLY_RATE, &expected));
  if (ok)
    fuzz_check (error == NULL && rate == expected);
  else
    fuzz_check_error (error);
}

static void
check_seconds (const char *text,
               double      minimum)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  double seconds = -1;
  char printed[G_ASCII_DTOSTR_BUF_SIZE];
  double again = -1;

  if (!chorus_parse_seconds (text, "Wait time", minimum, &seconds, NULL))
    {
      fuzz_check (!chorus_parse_seconds (text, "Wait time", minimum, &seconds, &error));
      fuzz_check_error (error);
      fuzz_check (error->code == CHORUS_ERROR_INVALID_VALUE);
      return;
    }

  fuzz_check (isfinite (seconds));
  fuzz_check (seconds >= minimum && seconds <= 24 * 60 * 60);
  /* Written as numbers are, with at most one comma for the point. */
  fuzz_check (strspn (stripped, "0123456789.,eE+-") == strlen (stripped));

  g_ascii_dtostr (printed, sizeof printed, seconds);
  fuzz_check (chorus_parse_seconds (printed, "Wait time", minimum, &again, NULL));
  fuzz_check (again == seconds);
}

static void
check_interface (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char name[IF_NAMESIZE];
  guint index = G_MAXUINT;

  if (!chorus_parse_interface (text, &index, &error))
    {
      fuzz_check_error (error);
      fuzz_check (stripped[0] != '\0');
      return;
    }

  fuzz_check (error == NULL);
  if (stripped[0] == '\0')
    {
      fuzz_check (index == 0);
      return;
    }

  /* An interface of this host, by the name given. */
  fuzz_check (index != 0);
  fuzz_check (if_indextoname (index, name) != NULL);
  fuzz_check (g_str_equal (name, stripped));
}

static void
check_payload_size (const uint8_t *data,
                    size_t         size)
{
  static ChorusGroup *group;
  g_autoptr(GError) error = NULL;
  gsize claimed = size;

  if (group == NULL)
    group = chorus_group_parse (CHORUS_DEFAULT_GROUP, NULL);

  /* The first bytes as a size, up to 4 GiB; the input's own size too. */
  if (size >= 4)
    claimed = (gsize) data[0] << 24 | (gsize) data[1] << 16 | (gsize) data[2] << 8 | data[3];

  fuzz_check (chorus_check_payload_size (group, size, NULL) == (size <= CHORUS_MAX_PAYLOAD_IPV4));
  if (chorus_check_payload_size (group, claimed, &error))
    fuzz_check (claimed <= CHORUS_MAX_PAYLOAD_IPV4 && error == NULL);
  else
    {
      fuzz_check (claimed > CHORUS_MAX_PAYLOAD_IPV4);
      fuzz_check_error (error);
      fuzz_check (error->code == CHORUS_ERROR_MESSAGE_TOO_LARGE);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);

  check_port (text);
  check_ttl (text);
  check_count (text);
  check_rate (text);
  check_seconds (text, 0);
  check_seconds (text, 0.001);
  check_interface (text);
  check_payload_size (data, size);

  return 0;
}
