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

/* The test process's own address on the LAN bridge, and its MAC. Hosts
 * carry a permanent neighbour entry for it, so that a burst of replies
 * to the test process never waits on ARP. */
#define CHORUS_TEST_LAN_SELF     "10.77.0.254"
#define CHORUS_TEST_LAN_SELF_MAC "02:77:00:00:00:fe"
/* A bridge takes at most 1024 ports. */
#define CHORUS_TEST_LAN_MAX_HOSTS 1000

/* A routed LAN's router, on segment A and on segment B. */
#define CHORUS_TEST_LAN_ROUTER_A  "10.77.0.253"
#define CHORUS_TEST_LAN_ROUTER_B  "10.78.0.253"
#define CHORUS_TEST_LAN_ROUTER_A6 "fd77::253"
#define CHORUS_TEST_LAN_ROUTER_B6 "fd78::253"
/* Hosts of one segment of a routed LAN: .1 to .252, below the router. */
#define CHORUS_TEST_LAN_MAX_SEGMENT_HOSTS 252

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
/* Two segments and a multicast router between them.
 *
 * Segment A is bridge br0 as on a flat LAN: hosts 1 to n_a, 10.77.0.i
 * and fd77::i, with the test process at CHORUS_TEST_LAN_SELF. Segment B
 * is bridge br1, which the test process is not on: hosts n_a + 1 to
 * n_a + n_b, 10.78.0.j and fd78::j for the jth of them. Every host has a
 * default route, IPv4 and IPv6, through the router.
 *
 * The router is one more host, numbered n_a + n_b + 1 (see
 * chorus_test_lan_get_router()); processes can be spawned there like on
 * any host. The kernel forwards unicast. Multicast goes by static (*,G)
 * routes both ways, which the kernel's multicast routing follows where
 * it has it (with smcrouted, Debian package smcroute, setting them), and
 * where it does not, our forwarder (tests/lan/mcast-forwarder.c, named
 * by CHORUS_MCAST_FORWARDER) by the same rules; CHORUS_TEST_ROUTER=kernel
 * or =forwarder forces one (kernel fails where the kernel cannot), and
 * the test log says which runs. The routes: 224.3.0.0/16,
 * 232.0.0.0/8, 239.0.0.0/8, ff05::/16, ff0e::/16, ff35::/16 and
 * ff3e::/16, with the kernel's TTL threshold of 1. So a datagram sent
 * with TTL (or hop limit) 1 stays on its segment, one sent with 2 or
 * more crosses with one less; sources are not filtered, so a
 * source-specific join is the receiver's own business, as on a LAN.
 * Routes are in place when this returns. */
ChorusTestLan  *chorus_test_lan_new_routed   (guint            n_a,
                                              guint            n_b,
                                              GError         **error);

/* The LAN's switch: how its bridges (br0, and br1 on a routed LAN)
 * forward multicast.
 *
 * Flooding is what chorus_test_lan_new() and _new_routed() build: no
 * snooping, every multicast frame to every port, so no membership can
 * be lost. The snooping modes make the bridges a switch that snoops
 * IGMP and MLD: a group reaches only the ports whose hosts have
 * reported it, and a port's membership lasts membership_interval_ms
 * after its host's last report. On a routed LAN, the router's ports
 * (vhr0, vhr1) are permanent multicast router ports: they get every
 * group, as a switch's ports toward a multicast router do.
 *
 * A snooping LAN also gives its hosts IPv6 addresses, without DAD, so
 * that they report MLD memberships from a usable link-local address:
 * on a flat LAN host i has fd77::i/64 and fe80::i/64 (see
 * chorus_test_lan_get_address6()), and br0 has CHORUS_TEST_LAN_SELF6
 * and fe80::fe (br1, on a routed LAN, fe80::fe alone), the link-local
 * address the bridge needs to send MLD queries from. */
typedef enum
{
  CHORUS_TEST_SWITCH_FLOOD = 0,
  /* Snooping, with the bridge as the segment's querier: it asks for
   * memberships every query_interval_ms, hosts answer, memberships
   * stay. br0 queries from CHORUS_TEST_LAN_SELF and fe80::fe (br1
   * from 0.0.0.0 and fe80::fe). A leave ends a membership within last_member_interval_ms
   * times two (the bridge's last member count). */
  CHORUS_TEST_SWITCH_SNOOP_QUERIER,
  /* Snooping on a segment where no host ever hears a query, the
   * classic failure: memberships last membership_interval_ms after
   * the reports a host makes as it joins, then the group reaches no
   * one, member or not. (A Linux bridge that has no querier at all
   * floods every group instead, as a safeguard, so the bridge is the
   * querier here too, but an nftables rule of ours in the test's own
   * namespace drops every query it sends: the bridge snoops, the
   * hosts hear nothing, hosts keep their default versions IGMPv3 and
   * MLDv2.) Needs `nft` (Debian package nftables). */
  CHORUS_TEST_SWITCH_SNOOP_NO_QUERIER,
} ChorusTestSwitchMode;

/* A zero field takes the default named here. Times are milliseconds,
 * multiples of 10 (the bridge counts centiseconds); the kernel takes no
 * query interval below 1000 ms. Only mode counts when flooding. */
typedef struct
{
  ChorusTestSwitchMode mode;
  guint igmp_version;               /* of the bridge's queries: 2 (default) or 3 */
  guint mld_version;                /* 1 (default) or 2 */
  guint query_interval_ms;          /* 1000 */
  guint query_response_interval_ms; /* 500: a host answers within it */
  guint membership_interval_ms;     /* 3000 */
  guint last_member_interval_ms;    /* 200 */
  guint querier_interval_ms;        /* 2500: another querier's silence, until it counts as gone */
  guint startup_query_interval_ms;  /* 1000 */
} ChorusTestSwitch;

/* The IPv6 address of the test process on br0 of a snooping LAN. */
#define CHORUS_TEST_LAN_SELF6 "fd77::fe"

/* A LAN with the switch sw (NULL: flooding): flat when n_b is 0, as
 * from chorus_test_lan_new (n_a), otherwise routed, as from
 * chorus_test_lan_new_routed (n_a, n_b). Snooping is in force when
 * this returns (a bridge that has just become querier floods for
 * query_response_interval_ms first: that wait is done here). Errors
 * name a field of sw that cannot be. */
ChorusTestLan  *chorus_test_lan_new_full     (guint                   n_a,
                                              guint                   n_b,
                                              const ChorusTestSwitch *sw,
                                              GError                **error);
/* The LAN's switch, every default filled in. */
const ChorusTestSwitch *chorus_test_lan_get_switch (ChorusTestLan *lan);
/* The hosts whose bridge ports are members of group now, by the
 * bridge's own table (`bridge mdb show`): host numbers as guint,
 * ascending; the router counts as a host. Empty when flooding. */
GArray         *chorus_test_lan_get_members  (ChorusTestLan   *lan,
                                              const char      *group,
                                              GError         **error);
void            chorus_test_lan_free         (ChorusTestLan   *lan);
guint           chorus_test_lan_get_n_hosts  (ChorusTestLan   *lan);
/* The router's host number on a routed LAN, 0 on a flat one. Not
 * counted by _get_n_hosts(). */
guint           chorus_test_lan_get_router   (ChorusTestLan   *lan);

typedef enum
{
  CHORUS_TEST_ROUTER_NONE,      /* a flat LAN */
  CHORUS_TEST_ROUTER_KERNEL,    /* the kernel's multicast routing, set by smcrouted */
  CHORUS_TEST_ROUTER_FORWARDER, /* tests/lan/mcast-forwarder.c */
} ChorusTestRouter;

ChorusTestRouter chorus_test_lan_get_router_kind (ChorusTestLan *lan);
/* The router goes on forwarding unicast and stops forwarding multicast,
 * whichever router runs (nftables at its legs' ingress, for the routed
 * groups): the classic broken network. Routed LANs only. */
gboolean        chorus_test_lan_stop_routing_multicast (ChorusTestLan  *lan,
                                                        GError        **error);
/* 0 for segment A (br0), 1 for segment B (br1). The router is on both
 * and answers 0, like everything about it that is one address or port:
 * its leg on segment A. */
guint           chorus_test_lan_get_segment  (ChorusTestLan   *lan,
                                              guint            host);
/* Hosts are numbered from 1; host i has address 10.77.0.i (from host 254
 * on, 10.77.(i/254).(i%254+1)); the LAN is 10.77.0.0/16. On a routed
 * LAN, see chorus_test_lan_new_routed(). */
const char     *chorus_test_lan_get_address  (ChorusTestLan   *lan,
                                              guint            host);
/* The host's IPv6 address on a routed or snooping LAN; NULL on a flat
 * flooding one, whose hosts have no IPv6 address at all. */
const char     *chorus_test_lan_get_address6 (ChorusTestLan   *lan,
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

/* Bridge port of host i in the test's own namespace ("vhI"; the
 * router's are vhr0 on br0 and vhr1 on br1). */
const char     *chorus_test_lan_get_port     (ChorusTestLan   *lan,
                                              guint            host);
/* The private main context every ChorusTestProc reports on. */
GMainContext   *chorus_test_lan_get_context  (ChorusTestLan   *lan);

/* A process spawned on a host with stdout and stderr collected line by
 * line. Owned by the LAN: valid until chorus_test_lan_free(). */
typedef struct _ChorusTestProc ChorusTestProc;

ChorusTestProc *chorus_test_lan_spawn        (ChorusTestLan      *lan,
                                              guint               host,
                                              const char * const *argv,
                                              GError            **error);
GSubprocess    *chorus_test_proc_get_subprocess (ChorusTestProc *proc);
/* Lines without their newline, as read so far. */
GPtrArray      *chorus_test_proc_get_stdout  (ChorusTestProc  *proc);
GPtrArray      *chorus_test_proc_get_stderr  (ChorusTestProc  *proc);
/* Both joined by newlines, for messages. */
char           *chorus_test_proc_dup_stderr_text (ChorusTestProc *proc);
/* Spins the LAN's context until a line of stdout (or stderr) containing
 * needle has been read, or until timeout_ms pass. Searches from line
 * *from on and leaves the index after the match there (pass NULL to
 * search from the start). Returns the line or NULL. */
const char     *chorus_test_proc_wait_line   (ChorusTestProc  *proc,
                                              gboolean         on_stderr,
                                              const char      *needle,
                                              guint           *from,
                                              guint            timeout_ms);
/* Until at least n lines of stdout. */
gboolean        chorus_test_proc_wait_lines  (ChorusTestProc  *proc,
                                              guint            n,
                                              guint            timeout_ms);
/* Spins until the process has exited and both pipes are at end of file.
 * FALSE on timeout (the process is then left running). */
gboolean        chorus_test_proc_wait_exit   (ChorusTestProc  *proc,
                                              guint            timeout_ms);
/* Exit status, or 128 + signal for a killed process; -1 while running. */
int             chorus_test_proc_get_status  (ChorusTestProc  *proc);
void            chorus_test_proc_send_signal (ChorusTestProc  *proc,
                                              int              signum);

/* Spins until proc owns a UDP socket bound to port and its host has
 * joined group at least min_users times (the "Users" of /proc/net/igmp,
 * or /proc/net/igmp6 for an IPv6 group, summed over interfaces): the
 * process is then ready to receive, whether or not it says so. Counts in
 * min_users the other members on that host. FALSE on timeout or when the
 * process exits. */
gboolean        chorus_test_proc_wait_joined (ChorusTestProc  *proc,
                                              const char      *group,
                                              guint            port,
                                              guint            min_users,
                                              guint            timeout_ms);

/* Spins the LAN's context until check (user_data) is TRUE or timeout_ms
 * pass; returns the last result of check. */
gboolean        chorus_test_lan_spin_until   (ChorusTestLan   *lan,
                                              gboolean       (*check) (gpointer user_data),
                                              gpointer         user_data,
                                              guint            timeout_ms);

/* UDP/IPv4 datagrams seen on a bridge port, coming from its host: proof
 * that a host sent something, or nothing. */
typedef struct _ChorusTestCapture ChorusTestCapture;

ChorusTestCapture *chorus_test_capture_new   (ChorusTestLan      *lan,
                                              guint               host,
                                              GError            **error);
/* Reads what has arrived; returns the number of UDP datagrams seen so far.
 * Each payload is kept as GBytes in the array from _get_payloads(). */
/* What the bridge sends the host instead: UDP datagrams over IPv4 or
 * IPv6, from anyone, as they leave the bridge for the host's link. The
 * proof of what a switch forwards to a port, and of what it does not. */
ChorusTestCapture *chorus_test_capture_new_toward (ChorusTestLan  *lan,
                                                   guint           host,
                                                   GError        **error);
guint           chorus_test_capture_poll     (ChorusTestCapture  *capture);
GPtrArray      *chorus_test_capture_get_payloads (ChorusTestCapture *capture);
void            chorus_test_capture_free     (ChorusTestCapture  *capture);

/* Forged UDP/IPv4 datagrams put on the LAN's bridge as if some host had
 * sent them, with any source address and port (0.0.0.0, broadcast,
 * multicast, port 0 included): the raw material of abuse tests. Frames
 * go to the bridge in the test's private namespace, so they can reach
 * nothing but the LAN's hosts. Unicast destinations get the broadcast
 * MAC, which Linux delivers to the host that has the address. */
typedef struct _ChorusTestInjector ChorusTestInjector;

ChorusTestInjector *chorus_test_injector_new (ChorusTestLan      *lan,
                                              GError            **error);
gboolean        chorus_test_inject_udp       (ChorusTestInjector *injector,
                                              const char         *source,
                                              guint16             source_port,
                                              const char         *destination,
                                              guint16             destination_port,
                                              const void         *payload,
                                              gsize               size,
                                              GError            **error);
void            chorus_test_injector_free    (ChorusTestInjector *injector);

/* Impairing a host's link, exactly and repeatably (no randomness, no
 * netem): nftables rules on the host's own link, in namespaces the LAN
 * made, never on a real interface. Only UDP/IPv4 datagrams count and are
 * touched, so ARP, IGMP and the like pass untouched and the counts stay
 * exact; a fragmented datagram counts by its first fragment.
 *
 * A host has at most one impairment per direction: setting one replaces
 * the one before in that direction (its count starts again from zero),
 * and chorus_test_lan_clear_impairment() removes both. They need `nft`
 * (Debian package nftables). */
typedef enum
{
  /* What the bridge sends the host: the host alone is impaired, the
   * other hosts get every multicast datagram. */
  CHORUS_TEST_TOWARD_HOST,
  /* What the host sends into the bridge. */
  CHORUS_TEST_FROM_HOST,
} ChorusTestDirection;

/* Drops the nth, 2nth, 3nth… UDP datagram (n >= 2), counting from 1 with
 * the first one to cross the link in that direction after the call: with
 * n = 5, datagrams 5, 10, 15… are lost and 1–4, 6–9… get through. The
 * sender is not told. */
gboolean        chorus_test_lan_drop_every   (ChorusTestLan        *lan,
                                              guint                 host,
                                              ChorusTestDirection   direction,
                                              guint                 n,
                                              GError              **error);
/* Every UDP datagram crosses the link twice, the two copies back to back. */
gboolean        chorus_test_lan_duplicate    (ChorusTestLan        *lan,
                                              guint                 host,
                                              ChorusTestDirection   direction,
                                              GError              **error);
/* Delays every frame toward the host by toward_msec and every frame from
 * it by from_msec (0 for none), in order, with a relay of ours
 * (tests/lan/delay-relay.c) put between the host's bridge port and the
 * bridge. Works beside the other impairments; a second call replaces the
 * delay. */
gboolean        chorus_test_lan_delay         (ChorusTestLan    *lan,
                                               guint             host,
                                               guint             toward_msec,
                                               guint             from_msec,
                                               GError          **error);
/* Removes every impairment of host, in both directions, delays too. */
gboolean        chorus_test_lan_clear_impairment (ChorusTestLan    *lan,
                                                  guint             host,
                                                  GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusTestLan, chorus_test_lan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusTestInjector, chorus_test_injector_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChorusTestCapture, chorus_test_capture_free)

G_END_DECLS
