/* fuzz-explain.c: chorus_explain() of any group that parses
 *
 * The explanation never fails and reads as lines; its Ethernet address
 * holds the group's low bits (23 for IPv4, 32 for IPv6), and the 32 IPv4
 * groups that differ only in the bits the MAC drops all get the same one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chorus-address.h"
#include "chorus-explain.h"
#include "fuzz.h"

static void
check_explanation (ChorusExplanation *explanation)
{
  const char *const *warnings = chorus_explanation_get_warnings (explanation);
  g_autofree char *summary = chorus_explanation_get_summary (explanation);
  const char *name = chorus_explanation_get_name (explanation);

  fuzz_check_line (summary);
  fuzz_check_line (chorus_explanation_get_block (explanation));
  fuzz_check_line (chorus_explanation_get_scope_text (explanation));
  fuzz_check_line (chorus_explanation_get_mac (explanation));
  if (name != NULL)
    fuzz_check_line (name);
  fuzz_check (warnings != NULL);
  for (guint i = 0; warnings[i] != NULL; i++)
    fuzz_check_line (warnings[i]);
  fuzz_check (strstr (summary, chorus_explanation_get_mac (explanation)) != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);
  g_autoptr(ChorusGroup) group = chorus_group_parse (text, NULL);
  g_autoptr(ChorusExplanation) explanation = NULL;
  const guint8 *bytes;
  const char *mac;
  guint octets[6];
  guint mtu;

  if (group == NULL)
    return 0;

  /* The MTU and payload from the input's length, to vary them too. */
  mtu = size % 3 == 0 ? 0 : 68 + (guint) (size * 97 % 9000);
  explanation = chorus_explain (group, mtu, size * 211 % 70000);
  check_explanation (explanation);

  fuzz_check (chorus_explanation_get_group (explanation) == group);
  fuzz_check (chorus_explanation_get_scope (explanation) == chorus_group_get_scope (group));
  fuzz_check (chorus_explanation_is_source_specific (explanation)
              == chorus_group_is_source_specific (group));

  bytes = g_inet_address_to_bytes (chorus_group_get_address (group));
  mac = chorus_explanation_get_mac (explanation);
  fuzz_check (strlen (mac) == 17);
  fuzz_check (sscanf (mac, "%2x:%2x:%2x:%2x:%2x:%2x", &octets[0], &octets[1], &octets[2],
                      &octets[3], &octets[4], &octets[5]) == 6);

  if (chorus_group_get_family (group) == G_SOCKET_FAMILY_IPV4)
    {
      fuzz_check (g_str_equal (chorus_explanation_get_family (explanation), "ipv4"));
      fuzz_check (octets[0] == 0x01 && octets[1] == 0x00 && octets[2] == 0x5e);
      fuzz_check (octets[3] == (bytes[1] & 0x7fu) && octets[4] == bytes[2]
                  && octets[5] == bytes[3]);

      /* Every group of the 32 that share the low 23 bits: the same MAC. */
      for (guint first = 224; first <= 239; first++)
        for (guint high = 0; high < 2; high++)
          {
            g_autofree char *other_text = g_strdup_printf ("%u.%u.%u.%u", first,
                                                           (bytes[1] & 0x7fu) | (high << 7),
                                                           bytes[2], bytes[3]);
            g_autoptr(ChorusGroup) other = chorus_group_parse (other_text, NULL);
            g_autoptr(ChorusExplanation) other_explanation = NULL;

            fuzz_check (other != NULL);
            other_explanation = chorus_explain (other, 0, 0);
            fuzz_check (g_str_equal (chorus_explanation_get_mac (other_explanation), mac));
          }
    }
  else
    {
      fuzz_check (g_str_equal (chorus_explanation_get_family (explanation), "ipv6"));
      fuzz_check (octets[0] == 0x33 && octets[1] == 0x33);
      for (guint i = 0; i < 4; i++)
        fuzz_check (octets[2 + i] == bytes[12 + i]);
    }

  return 0;
}
