/* chorus-mping.h: multicast ping (ssmping 0.9 and RFC 6450) on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes: no sockets, no clocks. Both generations
 * share UDP port 4321 and one layout: a message type byte, then options,
 * each a 16-bit type, a 16-bit length and the value, all big-endian.
 * RFC 6450 messages carry a Version option (2) first; ssmping 0.9
 * messages carry none. docs/PROTOCOL.md, "Multicast ping", is the
 * reference.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHORUS_MPING_PORT          4321
/* Where a server sends the multicast copy of an answer by default. */
#define CHORUS_MPING_GROUP_IPV4    "232.43.211.234"
#define CHORUS_MPING_GROUP_IPV6    "ff3e::4321:1234"
/* TTL / hop limit a server sends its answers with, so that a client
 * can tell how many hops they crossed. */
#define CHORUS_MPING_TTL           64
/* The version RFC 6450 messages carry. */
#define CHORUS_MPING_VERSION       2
/* Nothing larger is read or written (the largest UDP payload over IPv4). */
#define CHORUS_MPING_MAX_SIZE      65507
/* Options of types this code does not know are kept (to be echoed), up
 * to this many; a message with more is rejected. */
#define CHORUS_MPING_MAX_UNKNOWN   8
/* Type byte and one option header. */
#define CHORUS_MPING_OPTION_HEADER_SIZE 4
/* The Session ID a server gives out. omping (0.0.5) gives 16 bytes, and
 * its client echoes exactly 16 in every query whatever length it was
 * given, so a server must give out 16 too. */
#define CHORUS_MPING_SESSION_ID_SIZE 16

typedef enum
{
  CHORUS_MPING_GENERATION_NONE    = 0,  /* neither: not a multicast ping */
  CHORUS_MPING_GENERATION_SSMPING = 1,  /* ssmping/asmping 0.9: no Version option */
  CHORUS_MPING_GENERATION_RFC6450 = 2,  /* RFC 6450 / omping: Version option first */
} ChorusMpingGeneration;

/* The type byte; the same values in both generations. ssmping 0.9 only
 * knows QUERY and ANSWER. */
typedef enum
{
  CHORUS_MPING_TYPE_NONE            = 0,
  CHORUS_MPING_TYPE_ANSWER          = 'A',  /* 0x41, echo reply */
  CHORUS_MPING_TYPE_INIT            = 'I',  /* 0x49, RFC 6450 only */
  CHORUS_MPING_TYPE_QUERY           = 'Q',  /* 0x51, echo request */
  CHORUS_MPING_TYPE_SERVER_RESPONSE = 'S',  /* 0x53, RFC 6450 only */
} ChorusMpingType;

/* Option types, as on the wire. */
typedef enum
{
  CHORUS_MPING_OPTION_VERSION          = 0,   /* u8, RFC 6450 only, must be first */
  CHORUS_MPING_OPTION_CLIENT_ID        = 1,   /* bytes (ssmping 0.9: the client's pid, 4 bytes) */
  CHORUS_MPING_OPTION_SEQ              = 2,   /* u32 */
  CHORUS_MPING_OPTION_CLIENT_TIMESTAMP = 3,   /* u32 seconds, u32 microseconds */
  CHORUS_MPING_OPTION_GROUP            = 4,   /* family, address (see ChorusMpingAddress) */
  CHORUS_MPING_OPTION_OPTION_REQUEST   = 5,   /* list of u16 option types (ssmping 0.9: empty = server info) */
  CHORUS_MPING_OPTION_SERVER_INFO      = 6,   /* bytes, text */
  CHORUS_MPING_OPTION_SIZE             = 7,   /* u16, answer size asked for (ssmping 0.9) */
  CHORUS_MPING_OPTION_PAD              = 8,   /* bytes, ignored (ssmping 0.9) */
  CHORUS_MPING_OPTION_TTL              = 9,   /* u8, TTL the answer was sent with (RFC 6450) */
  CHORUS_MPING_OPTION_PREFIX           = 10,  /* u16 family, u8 length, address bytes (RFC 6450) */
  CHORUS_MPING_OPTION_SESSION_ID       = 11,  /* bytes (RFC 6450) */
  CHORUS_MPING_OPTION_SERVER_TIMESTAMP = 12,  /* u32 seconds, u32 microseconds (RFC 6450) */
  CHORUS_MPING_N_OPTIONS
} ChorusMpingOptionType;

/* Bit of @type in ChorusMpingMessage.present. */
#define CHORUS_MPING_BIT(type) (1u << (type))
#define CHORUS_MPING_HAS(msg, type) (((msg)->present & CHORUS_MPING_BIT (type)) != 0)

/* An address as the Group and Prefix options carry it. */
typedef struct
{
  GSocketFamily family;      /* G_SOCKET_FAMILY_IPV4 or _IPV6 */
  guint8        bytes[16];   /* network order; the first 4 for IPv4 */
} ChorusMpingAddress;

/* An option of a type this code does not know: echoed as it came. */
typedef struct
{
  guint16       type;
  guint16       size;
  const guint8 *value;       /* borrowed */
} ChorusMpingOption;

/* One message of either generation. Variable fields point into the
 * parsed bytes (or, when encoding, wherever the caller keeps them) and
 * are never NUL-terminated. A field counts only when its bit is in
 * @present; parse sets exactly the bits of the options it read. */
typedef struct
{
  ChorusMpingGeneration generation;
  ChorusMpingType       type;
  guint                 present;           /* CHORUS_MPING_BIT (option) of each option carried */

  guint8                version;           /* RFC 6450: CHORUS_MPING_VERSION */
  const guint8         *client_id;
  gsize                 client_id_size;
  guint32               seq;
  guint32               client_sec;        /* client timestamp, echoed, never interpreted */
  guint32               client_usec;
  ChorusMpingAddress    group;
  const guint8         *option_request;    /* raw list of u16 option types */
  gsize                 option_request_size;
  const guint8         *server_info;
  gsize                 server_info_size;
  guint16               size;              /* answer size asked for (ssmping 0.9 -s) */
  const guint8         *pad;               /* NULL to write zeros */
  gsize                 pad_size;
  guint8                ttl;               /* in answers: the TTL the server sent with */
  ChorusMpingAddress    prefix;
  guint8                prefix_length;     /* bits */
  gsize                 prefix_size;       /* address bytes carried: at least (prefix_length + 7) / 8 */
  const guint8         *session_id;
  gsize                 session_id_size;
  guint32               server_sec;
  guint32               server_usec;

  ChorusMpingOption     unknown[CHORUS_MPING_MAX_UNKNOWN];
  guint                 n_unknown;
} ChorusMpingMessage;

/* Which generation @data is, from its first bytes alone: NONE unless the
 * type byte is a multicast ping type and, for RFC 6450, a Version option
 * follows it. It does not validate the rest. */
ChorusMpingGeneration chorus_mping_detect               (const guint8             *data,
                                                         gsize                     size);

/* Zeroes @msg and sets its generation and type; for RFC 6450 also the
 * Version option. */
void                  chorus_mping_message_init         (ChorusMpingMessage       *msg,
                                                         ChorusMpingGeneration     generation,
                                                         ChorusMpingType           type);

/* Reads @data into @out. Never reads outside @data. Rejects: a size over
 * CHORUS_MPING_MAX_SIZE, a truncated option, a known option with the
 * wrong length or given twice, an RFC 6450 version other than 2, more
 * than CHORUS_MPING_MAX_UNKNOWN unknown options, a Group that is not a
 * multicast address, and a message missing what its type requires. */
gboolean              chorus_mping_parse                (const guint8             *data,
                                                         gsize                     size,
                                                         ChorusMpingMessage       *out,
                                                         GError                  **error);

/* Size chorus_mping_encode() needs for @msg, 0 if @msg cannot be encoded
 * (a value over 65535 bytes, a bad group, a total over the maximum). */
gsize                 chorus_mping_encoded_size         (const ChorusMpingMessage *msg);

/* Writes @msg into @buffer; returns its size, or 0 if it does not fit or
 * cannot be encoded. The options are written in the order the
 * generation's reference implementation writes them. */
gsize                 chorus_mping_encode               (const ChorusMpingMessage *msg,
                                                         guint8                   *buffer,
                                                         gsize                     size);

/* Whether @msg's Option Request asks for option @type. For ssmping 0.9
 * an empty request asks for the server information. */
gboolean              chorus_mping_message_requests     (const ChorusMpingMessage *msg,
                                                         ChorusMpingOptionType     type);

/* The Group as a new GInetAddress, or NULL if @msg has none. */
GInetAddress         *chorus_mping_message_get_group    (const ChorusMpingMessage *msg);
/* Sets the Prefix (present bit and all): the first @length bits of
 * @group, all of its bytes carried, as omping writes it. FALSE (and
 * nothing set) if @group is not multicast or @length too long. */
gboolean              chorus_mping_message_set_prefix   (ChorusMpingMessage       *msg,
                                                         GInetAddress             *group,
                                                         guint                     length);
/* The Prefix as text, "232.43.211.234/32"; NULL if @msg has none. */
char                 *chorus_mping_message_dup_prefix   (const ChorusMpingMessage *msg);
/* The group a server answers @msg to (Group, else what an init's Prefix
 * allows, else the default group of @family); NULL if none fits. */
GInetAddress         *chorus_mping_message_choose_group (const ChorusMpingMessage *msg,
                                                         GSocketFamily             family);
/* Sets the Group (present bit and all) from @group; FALSE (and nothing
 * set) if it is not multicast. */
gboolean              chorus_mping_message_set_group    (ChorusMpingMessage       *msg,
                                                         GInetAddress             *group);

/* The answer a server sends (unicast and to the group) to @query, in
 * @query's generation. @answer borrows @query's and @server_info's
 * bytes. It echoes every option of the query, unknown ones included,
 * except those only a server writes; then:
 *   ssmping 0.9: server info if asked for, pad up to the size asked for;
 *   RFC 6450: TTL CHORUS_MPING_TTL, server timestamp (@now_usec, wall
 *   clock) if asked for.
 * Fails if @query is not a query. */
gboolean              chorus_mping_make_answer          (const ChorusMpingMessage *query,
                                                         const char               *server_info,
                                                         gint64                    now_usec,
                                                         ChorusMpingMessage       *answer,
                                                         GError                  **error);

/* The Server Response to an RFC 6450 @init: version, the client id (and
 * sequence number if any) echoed, @group (may be NULL), server info if
 * asked for, @session_id (may be NULL). Fails if @init is not an
 * RFC 6450 init. */
gboolean              chorus_mping_make_server_response (const ChorusMpingMessage *init,
                                                         GInetAddress             *group,
                                                         const guint8             *session_id,
                                                         gsize                     session_id_size,
                                                         const char               *server_info,
                                                         ChorusMpingMessage       *response,
                                                         GError                  **error);

G_END_DECLS
