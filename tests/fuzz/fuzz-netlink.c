/* fuzz-netlink.c: the rtnetlink dump parser on any bytes
 *
 * What one recv() on a NETLINK_ROUTE socket returns is parsed by
 * _chorus_netlink_dump_parse(): links, then addresses. The kernel writes
 * those bytes, but the parser must stay inside them whatever they are,
 * and keep only links and addresses that can be shown and looked up.
 *
 * The input is parsed as one datagram answering request 1, then again
 * as two datagrams, split where its first byte says (for the kernel's
 * bytes, after the first message), as a dump goes on over several.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "chorus-netlink-private.h"
#include "fuzz.h"

static void
check_dump (ChorusNetlinkDump   *dump,
            ChorusNetlinkStatus  status)
{
  guint previous = 0;

  fuzz_check (status == CHORUS_NETLINK_MORE || status == CHORUS_NETLINK_DONE
              || status == CHORUS_NETLINK_FAILED);
  fuzz_check ((status == CHORUS_NETLINK_FAILED) == (dump->error != 0));
  fuzz_check (dump->error >= 0);

  _chorus_netlink_dump_finish (dump);
  fuzz_check (dump->links->len == g_hash_table_size (dump->by_index));

  for (guint i = 0; i < dump->links->len; i++)
    {
      const ChorusLinkInfo *info = g_ptr_array_index (dump->links, i);
      gboolean ipv6 = FALSE;

      /* By index, each once. */
      fuzz_check (info->index > previous);
      previous = info->index;

      fuzz_check (info->name != NULL && info->name[0] != '\0');
      fuzz_check (g_utf8_validate (info->name, -1, NULL));

      for (guint j = 0; j < info->addresses->len; j++)
        {
          const char *address = g_ptr_array_index (info->addresses, j);
          const char *slash = strchr (address, '/');
          g_autofree char *host = NULL;
          g_autoptr(GInetAddress) parsed = NULL;
          guint64 prefix;

          fuzz_check (slash != NULL);
          host = g_strndup (address, slash - address);
          parsed = g_inet_address_new_from_string (host);
          fuzz_check (parsed != NULL);
          fuzz_check (g_ascii_string_to_unsigned (slash + 1, 10, 0, 128, &prefix, NULL));

          /* IPv4 first. */
          if (g_inet_address_get_family (parsed) == G_SOCKET_FAMILY_IPV6)
            ipv6 = TRUE;
          else
            fuzz_check (!ipv6 && prefix <= 32);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* Aligned as a receive buffer is, and exactly as long as the input. */
  g_autofree guint8 *buffer = g_malloc (size > 0 ? size : 1);
  g_autoptr(ChorusNetlinkDump) whole = _chorus_netlink_dump_new ();
  g_autoptr(ChorusNetlinkDump) split = _chorus_netlink_dump_new ();
  ChorusNetlinkStatus status;
  gsize first;

  if (size > 0)
    memcpy (buffer, data, size);

  status = _chorus_netlink_dump_parse (whole, 1, buffer, size);
  check_dump (whole, status);

  first = size > 0 ? MIN (size, (gsize) data[0]) : 0;
  status = _chorus_netlink_dump_parse (split, 1, buffer, first);
  if (status == CHORUS_NETLINK_MORE)
    status = _chorus_netlink_dump_parse (split, 1, buffer + first, size - first);
  check_dump (split, status);

  return 0;
}
