# testlan.sh: the shell twin of testlan.c, sourced by testlan-shell and
# bench/ack-burst. Same names, addresses and MACs as the C harness.
#
# SPDX-License-Identifier: GPL-3.0-or-later

TESTLAN_SELF=10.77.0.254
TESTLAN_SELF_MAC=02:77:00:00:00:fe
TESTLAN_MAX_HOSTS=1000          # a Linux bridge takes at most 1024 ports

# Host i is 10.77.0.i up to 253, then 10.77.(i/254).(i%254+1); all in /16.
testlan_addr () {
  if (($1 < 254)); then echo "10.77.0.$1"; else echo "10.77.$(($1 / 254)).$(($1 % 254 + 1))"; fi
}

testlan_mac () {
  printf '02:77:00:01:%02x:%02x\n' $(($1 >> 8)) $(($1 & 255))
}

# Refuses to go on in the machine's real network namespace: the caller
# records it in TESTLAN_OUTER_NS before `unshare`.
testlan_check_private () {
  if [[ -z $TESTLAN_OUTER_NS || $(readlink /proc/self/ns/net) == "$TESTLAN_OUTER_NS" ]]; then
    echo "testlan: refusing to run in the machine's own network namespace" >&2
    exit 1
  fi
}

# Call once, inside `unshare -m -n --propagation private`.
testlan_isolate () {
  testlan_check_private
  if ip -o link show | grep -qv ': lo:'; then
    echo "testlan: not a fresh network namespace, refusing" >&2
    exit 1
  fi
  mount --make-rprivate /
  mkdir -p /run/netns
  mount -t tmpfs -o mode=0755 testlan-netns /run/netns
  ip link set lo up multicast on
  # A high metric: the LAN's own route via br0 wins while the LAN exists.
  ip route add 224.0.0.0/4 dev lo metric 1024 src 127.0.0.1
}

# testlan_build N: bridge br0 here, hosts chorus-h1..N.
testlan_build () {
  local n=$1 i
  testlan_check_private
  {
    echo "link add br0 address $TESTLAN_SELF_MAC type bridge mcast_snooping 0"
    echo "link set br0 addrgenmode none"
    echo "addr add $TESTLAN_SELF/16 dev br0"
    echo "link set br0 up"
    echo "route add 224.0.0.0/4 dev br0"
    for ((i = 1; i <= n; i++)); do
      echo "netns add chorus-h$i"
      echo "link add vh$i type veth peer name eth0 address $(testlan_mac $i) netns chorus-h$i"
      echo "link set vh$i addrgenmode none master br0 up"
    done
  } | ip -batch - || return 1
  for ((i = 1; i <= n; i++)); do
    printf '%s\n' "link set lo up" "link set eth0 addrgenmode none" \
      "addr add $(testlan_addr $i)/16 dev eth0" "link set eth0 up" \
      "route add 224.0.0.0/4 dev eth0" \
      "neigh replace $TESTLAN_SELF lladdr $TESTLAN_SELF_MAC dev eth0 nud permanent" |
      ip -n chorus-h$i -batch - || return 1
  done
}

# lan_exec I CMD…: runs CMD in host I's network namespace.
lan_exec () {
  local i=$1
  shift
  nsenter --net=/run/netns/chorus-h$i -- "$@"
}
