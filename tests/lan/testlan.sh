# testlan.sh: the shell twin of testlan.c, sourced by testlan-shell and
# bench/ack-burst. Same names, addresses and MACs as the C harness.
#
# The switch. testlan_build makes br0 flood every multicast frame to
# every port, unless TESTLAN_SWITCH says otherwise (as ChorusTestSwitch
# does in C, see testlan.h):
#   TESTLAN_SWITCH=flood        the default: no snooping
#   TESTLAN_SWITCH=querier      snooping IGMP and MLD, br0 is the querier
#   TESTLAN_SWITCH=no-querier   snooping, and no host ever hears a query
#                               (an nftables table of ours drops br0's)
# and, when snooping, these (milliseconds, multiples of 10; defaults):
#   TESTLAN_IGMP_VERSION (2 or 3)          TESTLAN_MLD_VERSION (1 or 2)
#   TESTLAN_QUERY_INTERVAL_MS (1000, the kernel's minimum)
#   TESTLAN_QUERY_RESPONSE_INTERVAL_MS (500)
#   TESTLAN_MEMBERSHIP_INTERVAL_MS (3000)  TESTLAN_LAST_MEMBER_INTERVAL_MS (200)
#   TESTLAN_QUERIER_INTERVAL_MS (2500)     TESTLAN_STARTUP_QUERY_INTERVAL_MS (1000)
# A snooping LAN's host I also has fd77::I and fe80::I, br0 fd77::fe and
# fe80::fe (all without DAD). `testlan_members GROUP` prints the hosts
# whose ports are in GROUP by br0's own table.
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
  testlan_switch "$n"
}

# testlan_switch N: br0 and the hosts as TESTLAN_SWITCH says; the same
# order as testlan.c's configure_switch(), for the same bridge quirks:
# the querier comes last, and only once its timers are set (a bridge
# that becomes querier floods as long as its response interval was
# then), and br0 has an address to send MLD queries from.
testlan_switch () {
  local n=$1 i cs=() name value
  case ${TESTLAN_SWITCH:-flood} in
    flood) return 0 ;;
    querier | no-querier) ;;
    *)
      echo "testlan: TESTLAN_SWITCH=$TESTLAN_SWITCH: flood, querier or no-querier" >&2
      return 1
      ;;
  esac
  for name in QUERY_INTERVAL:1000 QUERY_RESPONSE_INTERVAL:500 MEMBERSHIP_INTERVAL:3000 \
    LAST_MEMBER_INTERVAL:200 QUERIER_INTERVAL:2500 STARTUP_QUERY_INTERVAL:1000; do
    value=TESTLAN_${name%%:*}_MS
    value=${!value:-${name#*:}}
    if ((value % 10 != 0)); then
      echo "testlan: $value ms for ${name%%:*}: not a multiple of 10" >&2
      return 1
    fi
    cs+=("$((value / 10))")
  done
  for ((i = 1; i <= n; i++)); do
    printf '%s\n' "addr add fd77::$i/64 dev eth0 nodad" "addr add fe80::$i/64 dev eth0 nodad" |
      ip -n chorus-h$i -batch - || return 1
  done
  if [[ $TESTLAN_SWITCH == no-querier ]]; then
    printf '%s\n' "table bridge chorus_switch {" "  chain mute {" \
      "    type filter hook output priority 0; policy accept;" \
      "    igmp type membership-query drop" "    icmpv6 type mld-listener-query drop" \
      "  }" "}" | nft -f - || return 1
  fi
  {
    echo "addr add fd77::fe/64 dev br0 nodad"
    echo "addr add fe80::fe/64 dev br0 nodad"
    echo "link set br0 type bridge mcast_snooping 1" \
      "mcast_igmp_version ${TESTLAN_IGMP_VERSION:-2} mcast_mld_version ${TESTLAN_MLD_VERSION:-1}" \
      "mcast_query_interval ${cs[0]} mcast_query_response_interval ${cs[1]}" \
      "mcast_membership_interval ${cs[2]} mcast_last_member_interval ${cs[3]}" \
      "mcast_querier_interval ${cs[4]} mcast_startup_query_interval ${cs[5]}"
    echo "link set br0 type bridge mcast_query_use_ifaddr 1 mcast_querier 1"
  } | ip -batch - || return 1
  # Until snooping is in force.
  sleep "$(((cs[1] + 10) / 100)).$(printf '%02d' $(((cs[1] + 10) % 100)))"
}

# testlan_members GROUP: the hosts whose ports br0 has in GROUP, by number.
testlan_members () {
  bridge mdb show dev br0 | awk -v grp="$1" '
    { for (i = 1; i < NF; i++) { if ($i == "port") port = $(i + 1); if ($i == "grp") g = $(i + 1) } }
    g == grp && port ~ /^vh[0-9]+$/ { sub(/^vh/, "", port); print port }' | sort -n | xargs
}

# lan_exec I CMD…: runs CMD in host I's network namespace.
lan_exec () {
  local i=$1
  shift
  nsenter --net=/run/netns/chorus-h$i -- "$@"
}
