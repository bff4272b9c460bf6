/* chorus-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHORUS_ERROR (chorus_error_quark ())

/**
 * ChorusError:
 * @CHORUS_ERROR_INVALID_GROUP: the text is not a usable multicast group
 * @CHORUS_ERROR_INVALID_PORT: the port is not 1–65535
 * @CHORUS_ERROR_INVALID_TTL: the TTL is not 0–255
 * @CHORUS_ERROR_MESSAGE_TOO_LARGE: the payload does not fit one datagram
 * @CHORUS_ERROR_INVALID_VALUE: another option (wait, count, interval, …) is out of range
 * @CHORUS_ERROR_UNSUPPORTED: the request is valid but not supported yet
 * @CHORUS_ERROR_NETWORK: the system refused a socket operation
 * @CHORUS_ERROR_BUSY: the service is already running
 * @CHORUS_ERROR_INVALID_INTERFACE: the group and the interface chosen do
 *   not go together (a link-local group without one, two that disagree)
 * @CHORUS_ERROR_MALFORMED: bytes from the network that do not parse as
 *   what they claim to be (a truncated header, a bad checksum)
 */
typedef enum
{
  CHORUS_ERROR_INVALID_GROUP,
  CHORUS_ERROR_INVALID_PORT,
  CHORUS_ERROR_INVALID_TTL,
  CHORUS_ERROR_MESSAGE_TOO_LARGE,
  CHORUS_ERROR_INVALID_VALUE,
  CHORUS_ERROR_UNSUPPORTED,
  CHORUS_ERROR_NETWORK,
  CHORUS_ERROR_BUSY,
  CHORUS_ERROR_INVALID_INTERFACE,
  CHORUS_ERROR_MALFORMED,
} ChorusError;

GQuark chorus_error_quark (void);

G_END_DECLS
