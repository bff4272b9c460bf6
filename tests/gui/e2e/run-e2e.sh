#!/bin/bash
# run-e2e.sh BUILDDIR OUTDIR: the real `chorus` window on a private test LAN.
#
# Host 1 runs the application with its own Xvfb, D-Bus session and AT-SPI
# bus; hosts 2 and 3 run the article's Python receiver, host 2 also
# Debian's ssmpingd. test-e2e.py drives the window through AT-SPI and
# saves screenshots in OUTDIR.
#
# Everything happens in a fresh network namespace (unshare -n) built by
# tests/lan/testlan.sh: nothing is ever sent or joined on the machine's
# own network. Needs root (or unprivileged user namespaces), Xvfb,
# dbus-run-session, at-spi2-core, python3-pyatspi and ImageMagick.
#
# meson runs it once tests/lan/testlan.sh and tests/article/ are in the
# tree. By hand, CHORUS_TESTLAN_SH and CHORUS_ARTICLE_DIR may point at
# another checkout's: run-e2e.sh _build _build/e2e
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "$1" && pwd)
out=$2
testlan_sh=${CHORUS_TESTLAN_SH:-$top/tests/lan/testlan.sh}
article=${CHORUS_ARTICLE_DIR:-$top/tests/article}

skip () {
  if [[ -n ${CI:-} ]]; then
    echo "Bail out! $*"
    exit 1
  fi
  echo "1..0 # SKIP $*"
  exit 0
}

if [[ -z ${TESTLAN_INSIDE:-} ]]; then
  for tool in Xvfb dbus-run-session import xwininfo nsenter unshare ip /usr/bin/python3 \
              /usr/bin/ssmpingd /usr/bin/ssmping; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
  done
  /usr/bin/python3 -c 'import pyatspi' 2>/dev/null || skip "python3-pyatspi is not installed"
  [[ -f $testlan_sh ]] || skip "no test LAN harness at $testlan_sh"
  [[ -f $article/multicast_receiver.py ]] || skip "no article programs in $article"
  unshare -m -n --propagation private true 2>/dev/null || skip "cannot create network namespaces"

  mkdir -p "$out"
  TESTLAN_OUTER_NS=$(readlink /proc/self/ns/net) TESTLAN_INSIDE=1 \
    exec unshare -m -n --propagation private "$0" "$build" "$(cd "$out" && pwd)"
fi

# shellcheck source=/dev/null
. "$testlan_sh"
testlan_isolate
testlan_build 5

# IPv6 on every host: the addresses are set by hand (addrgenmode none),
# link-local and unique local, without duplicate address detection so
# that they are usable at once; every IPv6 group goes out by eth0.
for ((host = 1; host <= 5; host++)); do
  printf '%s\n' "addr add fe80::$host/64 dev eth0 nodad" "addr add fd77::$host/64 dev eth0 nodad" \
    "route replace ff00::/8 dev eth0" | ip -n "chorus-h$host" -batch - ||
    skip "cannot give the test LAN's hosts IPv6 addresses"
done

pids=()
private=
cleanup () {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [[ -n $private ]]; then
    # The document portal, started by the session, may still hold its FUSE
    # mount in the runtime directory.
    findmnt -rn -o TARGET | grep "^$private/" | sort -r | xargs -r umount -l 2>/dev/null || true
    rm -rf "$private" 2>/dev/null || true
  fi
  # The flood leaves megabytes of the receivers' chatter: keep the start.
  for host in 2 3; do
    truncate -s '<1M' "$out/chorus-receiver-h$host.log" 2>/dev/null || true
    truncate -s '<1M' "$out/article-receiver-h$host.log" 2>/dev/null || true
  done
}
trap cleanup EXIT

for host in 2 3; do
  # nsenter execs the receiver: $! is the receiver itself, for cleanup.
  nsenter --net="/run/netns/chorus-h$host" -- \
    /usr/bin/python3 -u "$article/multicast_receiver.py" \
    >/dev/null 2>"$out/article-receiver-h$host.log" &
  pids+=($!)
done

# Chorus receivers for the probe scenario, on a port of their own, on
# hosts 2 to 5.
for host in 2 3 4 5; do
  nsenter --net="/run/netns/chorus-h$host" -- \
    "$build/src/cli/chorus-cli" receive --port 10001 --name "lab-$host" \
    >/dev/null 2>"$out/chorus-receiver-h$host.log" &
  pids+=($!)
done
# Debian's ssmpingd on host 2, for the Ping page.
nsenter --net="/run/netns/chorus-h2" -- /usr/bin/ssmpingd \
  >"$out/ssmpingd-h2.log" 2>&1 &
pids+=($!)

# Host 5 never hears one probe in twelve (nftables on its own link:
# this kernel has no netem), so that its row and line show losses.
lan_exec 5 nft -f - <<'NFT' 2>"$out/nft.log" || true
table netdev chorus-e2e {
  chain impair {
    type filter hook ingress device "eth0" priority 0; policy accept;
    udp dport 10001 numgen inc mod 12 == 11 drop
  }
}
NFT

# Until both receivers have joined the article's group.
for _ in $(seq 100); do
  joined=0
  for host in 2 3; do
    ip -n "chorus-h$host" maddress show dev eth0 | grep -q 224.3.29.71 && joined=$((joined + 1))
  done
  ((joined == 2)) && break
  sleep 0.05
done

# A home and runtime directory of the session's own: at-spi-bus-launcher
# puts the accessibility bus socket in $XDG_RUNTIME_DIR/at-spi (else in
# ~/.cache/at-spi) and deletes it on exit, which would break any other
# session that uses the same path.
private=$(mktemp -d)
mkdir -m 700 "$private/runtime" "$private/home"
export XDG_RUNTIME_DIR=$private/runtime HOME=$private/home
unset XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME

export CHORUS_E2E_BUILD=$build CHORUS_E2E_OUT=$out CHORUS_E2E_ARTICLE=$article
export CHORUS_E2E_NETNS=/run/netns/chorus-h%d
# Only the test speaks TAP on stdout: the session bus and the services it
# starts (the AT-SPI registry says hello there) write to stderr.
lan_exec 1 dbus-run-session -- "$here/e2e-host.sh" 3>&1 1>&2
