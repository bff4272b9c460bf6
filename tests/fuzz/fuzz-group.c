/* fuzz-group.c: chorus_group_parse() and chorus_group_parse_list() on any
 * text
 *
 * A group that parses is an IPv4 or IPv6 multicast group whose string
 * form, zone included, parses back to an equal group; a list that parses
 * reads back from its groups' strings to the same list; anything else is
 * a readable error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "chorus-address.h"
#include "chorus-error.h"
#include "fuzz.h"

/* Small enough to stay fast, big enough for ranges to matter. */
#define MAX_GROUPS 64

static void
check_group (ChorusGroup *group)
{
  g_autoptr(ChorusGroup) again = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GError) interface_error = NULL;
  g_autofree char *string = NULL;
  g_autofree char *string_again = NULL;
  GInetAddress *address = chorus_group_get_address (group);
  GSocketFamily family = chorus_group_get_family (group);
  const guint8 *bytes = g_inet_address_to_bytes (address);
  gsize max_payload = chorus_group_get_max_payload (group);

  fuzz_check (g_inet_address_get_is_multicast (address));
  fuzz_check (chorus_group_get_source (group) == NULL);

  string = chorus_group_to_string (group);
  fuzz_check_line (string);

  if (family == G_SOCKET_FAMILY_IPV4)
    {
      guint octets[4];
      char end;

      /* A dotted quad in 224.0.0.0/4, with no zone. */
      fuzz_check (sscanf (string, "%u.%u.%u.%u%c", &octets[0], &octets[1], &octets[2],
                          &octets[3], &end) == 4);
      fuzz_check (octets[0] >= 224 && octets[0] <= 239);
      for (guint i = 1; i < 4; i++)
        fuzz_check (octets[i] <= 255);
      fuzz_check (chorus_group_get_interface (group) == NULL);
      fuzz_check (chorus_group_get_ifindex (group) == 0);
      fuzz_check (!chorus_group_needs_interface (group));
      fuzz_check (chorus_group_is_source_specific (group) == (bytes[0] == 232));
      fuzz_check (max_payload == CHORUS_MAX_PAYLOAD_IPV4);
    }
  else
    {
      const char *interface = chorus_group_get_interface (group);

      fuzz_check (family == G_SOCKET_FAMILY_IPV6);
      fuzz_check (bytes[0] == 0xff);
      fuzz_check (g_str_has_prefix (string, "ff"));
      /* The zone is there exactly when it was given, by name. */
      fuzz_check ((interface == NULL) == (chorus_group_get_ifindex (group) == 0));
      fuzz_check ((strchr (string, '%') != NULL) == (interface != NULL));
      if (interface != NULL)
        fuzz_check (g_str_has_suffix (string, interface));
      fuzz_check (max_payload == CHORUS_MAX_PAYLOAD_IPV6);
    }

  fuzz_check ((guint) chorus_group_get_scope (group) <= CHORUS_SCOPE_RESERVED);
  fuzz_check (chorus_scope_get_nick (chorus_group_get_scope (group)) != NULL);

  /* A group that needs an interface and has none is refused, readably. */
  if (chorus_check_group_interface (group, 0, &interface_error))
    fuzz_check (!chorus_group_needs_interface (group) || chorus_group_get_ifindex (group) != 0);
  else
    {
      fuzz_check_error (interface_error);
      fuzz_check (interface_error->code == CHORUS_ERROR_INVALID_INTERFACE);
    }

  /* The string parses back to the same group, and to the same string. */
  again = chorus_group_parse (string, &again_error);
  fuzz_check (again != NULL && again_error == NULL);
  fuzz_check (chorus_group_equal (group, again));
  fuzz_check (chorus_group_equal (again, group));
  string_again = chorus_group_to_string (again);
  fuzz_check (g_str_equal (string, string_again));

  fuzz_check (chorus_check_payload_size (group, 0, NULL));
  fuzz_check (chorus_check_payload_size (group, max_payload, NULL));
  fuzz_check (!chorus_check_payload_size (group, max_payload + 1, NULL));
}

static void
check_list (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = chorus_group_parse_list (text, MAX_GROUPS, &error);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GString) joined = NULL;

  if (groups == NULL)
    {
      fuzz_check_error (error);
      fuzz_check (error->code == CHORUS_ERROR_INVALID_GROUP);
      return;
    }

  fuzz_check (error == NULL);
  fuzz_check (groups->len >= 1 && groups->len <= MAX_GROUPS);

  joined = g_string_new (NULL);
  for (guint i = 0; i < groups->len; i++)
    {
      ChorusGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *string = chorus_group_to_string (group);

      check_group (group);
      /* One family, and no group twice. */
      fuzz_check (chorus_group_get_family (group)
                  == chorus_group_get_family (g_ptr_array_index (groups, 0)));
      for (guint j = 0; j < i; j++)
        fuzz_check (!chorus_group_equal (group, g_ptr_array_index (groups, j)));

      g_string_append_printf (joined, "%s%s", i > 0 ? ", " : "", string);
    }

  /* The groups' strings, listed, are the same list. */
  again = chorus_group_parse_list (joined->str, MAX_GROUPS, NULL);
  fuzz_check (again != NULL && again->len == groups->len);
  for (guint i = 0; i < groups->len; i++)
    fuzz_check (chorus_group_equal (g_ptr_array_index (groups, i),
                                    g_ptr_array_index (again, i)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusGroup) group = chorus_group_parse (text, &error);

  if (group == NULL)
    {
      fuzz_check_error (error);
      fuzz_check (error->code == CHORUS_ERROR_INVALID_GROUP);
    }
  else
    {
      fuzz_check (error == NULL);
      check_group (group);
    }

  check_list (text);

  return 0;
}
