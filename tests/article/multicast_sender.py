#!/usr/bin/python3
# multicast_sender.py: Python 3 port of the multicast sender from the
# classic socket-programming article Chorus grew from. It behaves like the
# original byte for byte: it sends 'very important data' (19 bytes) to
# 224.3.29.71:10000 with TTL 1, then prints every reply until none comes
# for 0.2 s. Chorus tests use it as the reference peer.
#
# Copyright the Chorus authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Optional overrides, through the environment only, so that the defaults
# stay the article's: CHORUS_ARTICLE_GROUP, CHORUS_ARTICLE_PORT,
# CHORUS_ARTICLE_MESSAGE (text) or CHORUS_ARTICLE_MESSAGE_HEX (raw bytes).

import os
import socket
import struct
import sys


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def show(data):
    return data.decode('utf-8', errors='backslashreplace')


message = b'very important data'
if 'CHORUS_ARTICLE_MESSAGE_HEX' in os.environ:
    message = bytes.fromhex(os.environ['CHORUS_ARTICLE_MESSAGE_HEX'])
elif 'CHORUS_ARTICLE_MESSAGE' in os.environ:
    message = os.environ['CHORUS_ARTICLE_MESSAGE'].encode('utf-8', 'surrogateescape')
multicast_group = (os.environ.get('CHORUS_ARTICLE_GROUP', '224.3.29.71'),
                   int(os.environ.get('CHORUS_ARTICLE_PORT', '10000')))

# Create the datagram socket
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# Set a timeout so the socket does not block indefinitely when trying
# to receive data.
sock.settimeout(0.2)

# Set the time-to-live for messages to 1 so they do not go past the
# local network segment.
ttl = struct.pack('b', 1)
sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)

try:

    # Send data to the multicast group
    log('sending "%s"' % show(message))
    sent = sock.sendto(message, multicast_group)

    # Look for responses from all recipients
    while True:
        log('waiting to receive')
        try:
            data, server = sock.recvfrom(16)
        except socket.timeout:
            log('timed out, no more responses')
            break
        else:
            log('received "%s" from %s' % (show(data), server))

finally:
    log('closing socket')
    sock.close()
