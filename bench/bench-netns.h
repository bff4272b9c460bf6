/* bench-netns.h: benchmarks run only on a private test network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bench scripts run these programs inside network namespaces they
 * make themselves, and say which namespace they started from in
 * TESTLAN_OUTER_NS (as tests/lan/testlan.sh checks it). Started any other
 * way, one would send to or join a group on real interfaces: it refuses.
 */

#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs before main() in every program that includes this. */
__attribute__ ((constructor)) static void
bench_require_private_network (void)
{
  const char *outer = getenv ("TESTLAN_OUTER_NS");
  char mine[64] = "";
  ssize_t n = readlink ("/proc/self/ns/net", mine, sizeof mine - 1);

  if (n > 0)
    mine[n] = '\0';

  if (outer == NULL || outer[0] == '\0' || n <= 0 || strcmp (mine, outer) == 0)
    {
      fprintf (stderr,
               "%s: not on a private test network: run it through its bench/ script, "
               "which builds one of its own\n",
               program_invocation_short_name);
      exit (2);
    }
}
