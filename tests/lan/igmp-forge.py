#!/usr/bin/python3
# igmp-forge.py ADDRESS KIND [COUNT [INTERVAL]]: IGMP messages that the
# tests of chorus-cli querier need and a host's kernel never sends, sent
# from this host's ADDRESS (the interface's) into its own link, with TTL 1:
#
#   v2-query      an IGMPv2 general query, max response 1 s
#   v3-query      an IGMPv3 general query, max response 1 s, QRV 2, QQIC 1
#   truncated     6 bytes of a query
#   bad-checksum  an IGMPv2 general query whose checksum is off by one
#   dvmrp         a DVMRP probe (IGMP type 0x13): IGMP, not group management
#   big-v3-report an IGMPv3 report of one record, IS_IN 232.1.1.1, with
#                 5000 sources (20 KB: sent in fragments)
#   flood-sources IGMPv2 general queries from 10.77.200.0 down, one
#                 forged source address each (IP_HDRINCL)
#
# Only ever run inside the test LAN's namespaces.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def with_checksum(message):
    value = checksum(message)
    return message[:2] + struct.pack("!H", value) + message[4:]


def v2_query():
    return with_checksum(struct.pack("!BBH4s", 0x11, 10, 0, bytes(4)))


def v3_query():
    return with_checksum(struct.pack("!BBH4sBBH", 0x11, 10, 0, bytes(4), 2, 1, 0))


def big_v3_report(n_sources):
    record = struct.pack("!BBH4s", 1, 0, n_sources, socket.inet_aton("232.1.1.1"))
    record += b"".join(struct.pack("!I", 0x0A4E0000 + i) for i in range(n_sources))
    return with_checksum(struct.pack("!BBHHH", 0x22, 0, 0, 0, 1) + record)


def main():
    address, kind = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    destination = "224.0.0.1"

    if kind == "flood-sources":
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(address))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: IP_PMTUDISC_DONT

    if kind == "v2-query":
        message = v2_query()
    elif kind == "v3-query":
        message = v3_query()
    elif kind == "truncated":
        message = v2_query()[:6]
    elif kind == "bad-checksum":
        query = v2_query()
        message = query[:2] + struct.pack("!H", (struct.unpack("!H", query[2:4])[0] + 1) & 0xFFFF) + query[4:]
    elif kind == "dvmrp":
        message = with_checksum(struct.pack("!BBHI", 0x13, 0x01, 0, 0))
    elif kind == "big-v3-report":
        message = big_v3_report(5000)
        destination = "224.0.0.22"
    elif kind != "flood-sources":
        sys.exit("igmp-forge.py: unknown kind " + kind)

    for i in range(count):
        if kind == "flood-sources":
            source = struct.pack("!I", 0x0A4DC800 - i)  # 10.77.200.0, then lower
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0, 1, socket.IPPROTO_IGMP, 0,
                                 source, socket.inet_aton(destination))
            sock.sendto(header + v2_query(), (destination, 0))
        else:
            sock.sendto(message, (destination, 0))
        if interval > 0 and i + 1 < count:
            time.sleep(interval)


main()
