/* fuzz-group.c: chorus_group_parse() on any text
 *
 * A group that parses is an IPv4 multicast group whose string form
 * parses back to an equal group; anything else is a readable error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusGroup) group = chorus_group_parse (text, &error);
  g_autoptr(ChorusGroup) again = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autofree char *string = NULL;
  g_autofree char *string_again = NULL;
  guint octets[4];
  char end;

  if (group == NULL)
    {
      fuzz_check_error (error);
      fuzz_check (error->code == CHORUS_ERROR_INVALID_GROUP
                  || error->code == CHORUS_ERROR_UNSUPPORTED);
      return 0;
    }

  fuzz_check (error == NULL);
  fuzz_check (chorus_group_get_family (group) == G_SOCKET_FAMILY_IPV4);
  fuzz_check (g_inet_address_get_is_multicast (chorus_group_get_address (group)));
  fuzz_check (chorus_group_get_source (group) == NULL);

  /* The string form is a dotted quad in 224.0.0.0/4... */
  string = chorus_group_to_string (group);
  fuzz_check (sscanf (string, "%u.%u.%u.%u%c", &octets[0], &octets[1], &octets[2], &octets[3],
                      &end) == 4);
  fuzz_check (octets[0] >= 224 && octets[0] <= 239);
  for (guint i = 1; i < 4; i++)
    fuzz_check (octets[i] <= 255);

  /* ...that parses back to the same group, and to the same string. */
  again = chorus_group_parse (string, &again_error);
  fuzz_check (again != NULL && again_error == NULL);
  fuzz_check (chorus_group_equal (group, again));
  fuzz_check (chorus_group_equal (again, group));
  string_again = chorus_group_to_string (again);
  fuzz_check (g_str_equal (string, string_again));

  fuzz_check (chorus_group_get_max_payload (group) == CHORUS_MAX_PAYLOAD_IPV4);
  fuzz_check (chorus_check_payload_size (group, 0, NULL));
  fuzz_check (chorus_check_payload_size (group, CHORUS_MAX_PAYLOAD_IPV4, NULL));
  fuzz_check (!chorus_check_payload_size (group, CHORUS_MAX_PAYLOAD_IPV4 + 1, NULL));

  return 0;
}
