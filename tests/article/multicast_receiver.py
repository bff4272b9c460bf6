#!/usr/bin/python3
# multicast_receiver.py: Python 3 port of the multicast receiver from the
# classic socket-programming article Chorus grew from. It behaves like the
# original byte for byte: it binds ('', 10000), joins 224.3.29.71 on all
# interfaces, and answers every datagram with 'ack' to its sender. Chorus
# tests use it as the reference peer.
#
# Copyright the Chorus authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Optional overrides, through the environment only, so that the defaults
# stay the article's: CHORUS_ARTICLE_GROUP, CHORUS_ARTICLE_PORT.

import os
import socket
import struct
import sys


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def show(data):
    return data.decode('utf-8', errors='backslashreplace')


multicast_group = os.environ.get('CHORUS_ARTICLE_GROUP', '224.3.29.71')
server_address = ('', int(os.environ.get('CHORUS_ARTICLE_PORT', '10000')))

# Create the socket
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# Bind to the server address
sock.bind(server_address)

# Tell the operating system to add the socket to the multicast group
# on all interfaces.
group = socket.inet_aton(multicast_group)
mreq = struct.pack('4sL', group, socket.INADDR_ANY)
sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)

# Receive/respond loop
while True:
    log('\nwaiting to receive message')
    data, address = sock.recvfrom(1024)

    log('received %s bytes from %s' % (len(data), address))
    log(show(data))

    log('sending acknowledgement to', address)
    sock.sendto(b'ack', address)
