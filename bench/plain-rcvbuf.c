/* plain-rcvbuf.c: a sender with the system's default receive buffer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preloaded (LD_PRELOAD) by bench/ack-burst into a sender, it refuses
 * every request to size a socket's receive buffer (SO_RCVBUF,
 * SO_RCVBUFFORCE) with EPERM, as a system that allowed no larger buffer
 * would: the socket keeps net.core.rmem_default. This is how the bench
 * compares Chorus's own buffer with the default without touching the
 * machine's settings (net.core.rmem_max and rmem_default are not per
 * network namespace, and root passes rmem_max with SO_RCVBUFFORCE
 * anyway). Chorus carries on without its buffer, as it does whenever the
 * system refuses it.
 */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>

#include "bench-netns.h"

typedef int (*SetsockoptFunc) (int, int, int, const void *, socklen_t);

int
setsockopt (int         fd,
            int         level,
            int         name,
            const void *value,
            socklen_t   size)
{
  static SetsockoptFunc real_setsockopt;

  if (level == SOL_SOCKET && (name == SO_RCVBUF || name == SO_RCVBUFFORCE))
    {
      errno = EPERM;
      return -1;
    }

  if (real_setsockopt == NULL)
    real_setsockopt = (SetsockoptFunc) dlsym (RTLD_NEXT, "setsockopt");

  return real_setsockopt (fd, level, name, value, size);
}
