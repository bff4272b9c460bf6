/* testlan.h: a private LAN of network namespaces for Chorus tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test that sends or joins multicast calls chorus_test_isolate()
 * first. From then on the whole test process lives in a network namespace
 * (and mount namespace) of its own: it cannot reach the machine's real
 * interfaces, whatever the test does afterwards. A ChorusTestLan then adds
 * hosts: one namespace each, joined by veth pairs to a bridge that lives in
 * the test process's own private namespace.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The test process's own address on the LAN bridge. */
#define CHORUS_TEST_LAN_SELF "10.77.0.254"

/**
 * chorus_test_isolate:
 *
 * Moves the calling process into fresh network and mount namespaces, with
 * only a loopback interface that is up and carries multicast
 * (224.0.0.0/4 routed to lo). Call before creating any socket, and before
 * any thread is started.
 *
 * Returns: %TRUE when isolated. When the process lacks the privilege, it
 * prints a loud notice and returns %FALSE; callers then skip every test.
 * When the environment variable CI is set, a failure is fatal instead: in
 * CI these tests must run.
 */
gboolean        chorus_test_isolate          (void);
gboolean        chorus_test_is_isolated      (void);

typedef struct _ChorusTestLan ChorusTestLan;

ChorusTestLan  *chorus_test_lan_new          (guint            n_hosts,
                                              GError         **error);
void            chorus_test_lan_free         (ChorusTestLan   *lan);
guint           chorus_test_lan_get_n_hosts  (ChorusTestLan   *lan);
/* Hosts are numbered from 1; host i has address 10.77.0.i. */
const char     *chorus_test_lan_get_address  (ChorusTestLan   *lan,
                                              guint            host);
const char     *chorus_test_lan_get_netns    (ChorusTestLan   *lan,
                                              guint            host);
/* Runs argv inside host's namespace. The child is killed if the test
 * process dies, and by chorus_test_lan_free() at the latest. */
GSubprocess    *chorus_test_lan_spawnv       (ChorusTestLan      *lan,
                                              guint               host,
                                              GSubprocessFlags    flags,
                                              const char * const *argv,
                                              GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusTestLan, chorus_test_lan_free)

G_END_DECLS
