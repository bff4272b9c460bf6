/* chorus-mping.c: multicast ping (ssmping 0.9 and RFC 6450) on the wire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message is a type byte and then options, each a 16-bit type, a
 * 16-bit length and the value, up to the end of the datagram. The two
 * generations differ in three places: RFC 6450 carries a Version option
 * first, its Group and Prefix options give the family in 16 bits (the
 * IANA address family number) where ssmping 0.9 gives it in 8, and
 * ssmping 0.9 only knows queries and answers. docs/PROTOCOL.md is the
 * reference.
 *
 * Readers are strict about the options they know (length, once only)
 * and keep the others whole, since a server echoes them.
 */

#include "config.h"

#include <string.h>

#include "chorus-error.h"
#include "chorus-mping.h"

/* IANA address family numbers, as the Group and Prefix options carry them. */
#define AFI_IPV4 1
#define AFI_IPV6 2

#define BIT(type) CHORUS_MPING_BIT (type)

/* Options only a server writes: a server does not echo them. */
static const guint server_options[] = {
  [CHORUS_MPING_GENERATION_SSMPING] = BIT (CHORUS_MPING_OPTION_SERVER_INFO)
                                      | BIT (CHORUS_MPING_OPTION_PAD),
  [CHORUS_MPING_GENERATION_RFC6450] = BIT (CHORUS_MPING_OPTION_SERVER_INFO)
                                      | BIT (CHORUS_MPING_OPTION_PREFIX)
                                      | BIT (CHORUS_MPING_OPTION_SESSION_ID)
                                      | BIT (CHORUS_MPING_OPTION_TTL)
                                      | BIT (CHORUS_MPING_OPTION_SERVER_TIMESTAMP),
};

/* The order each generation's reference implementation writes options
 * in; unknown options go where -1 is. */
static const int ssmping_order[] = {
  CHORUS_MPING_OPTION_CLIENT_ID, CHORUS_MPING_OPTION_SEQ,
  CHORUS_MPING_OPTION_CLIENT_TIMESTAMP, CHORUS_MPING_OPTION_OPTION_REQUEST,
  CHORUS_MPING_OPTION_SIZE, CHORUS_MPING_OPTION_GROUP, -1,
  CHORUS_MPING_OPTION_TTL, CHORUS_MPING_OPTION_PREFIX,
  CHORUS_MPING_OPTION_SESSION_ID, CHORUS_MPING_OPTION_SERVER_TIMESTAMP,
  CHORUS_MPING_OPTION_SERVER_INFO, CHORUS_MPING_OPTION_PAD,
};
static const int rfc6450_order[] = {
  CHORUS_MPING_OPTION_VERSION, CHORUS_MPING_OPTION_CLIENT_ID,
  CHORUS_MPING_OPTION_SEQ, CHORUS_MPING_OPTION_CLIENT_TIMESTAMP,
  CHORUS_MPING_OPTION_GROUP, CHORUS_MPING_OPTION_OPTION_REQUEST,
  CHORUS_MPING_OPTION_SIZE, -1, CHORUS_MPING_OPTION_SERVER_INFO,
  CHORUS_MPING_OPTION_PREFIX, CHORUS_MPING_OPTION_SESSION_ID,
  CHORUS_MPING_OPTION_TTL, CHORUS_MPING_OPTION_SERVER_TIMESTAMP,
  CHORUS_MPING_OPTION_PAD,
};
G_STATIC_ASSERT (G_N_ELEMENTS (ssmping_order) == CHORUS_MPING_N_OPTIONS);
G_STATIC_ASSERT (G_N_ELEMENTS (rfc6450_order) == CHORUS_MPING_N_OPTIONS + 1);

static guint16
read_u16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
write_u16 (guint8  *p,
           guint16  value)
{
  p[0] = value >> 8;
  p[1] = value & 0xff;
}

static void
write_u32 (guint8  *p,
           guint32  value)
{
  write_u16 (p, value >> 16);
  write_u16 (p + 2, value & 0xffff);
}

static gboolean
is_type (guint8 byte)
{
  return byte == CHORUS_MPING_TYPE_ANSWER || byte == CHORUS_MPING_TYPE_INIT
         || byte == CHORUS_MPING_TYPE_QUERY || byte == CHORUS_MPING_TYPE_SERVER_RESPONSE;
}

ChorusMpingGeneration
chorus_mping_detect (const guint8 *data,
                     gsize         size)
{
  g_return_val_if_fail (data != NULL || size == 0, CHORUS_MPING_GENERATION_NONE);

  if (size < 1 || !is_type (data[0]))
    return CHORUS_MPING_GENERATION_NONE;
  /* An RFC 6450 message starts with its Version option: type 0. No
   * ssmping 0.9 option has type 0. */
  if (size >= 1 + CHORUS_MPING_OPTION_HEADER_SIZE
      && read_u16 (data + 1) == CHORUS_MPING_OPTION_VERSION)
    return CHORUS_MPING_GENERATION_RFC6450;
  if (data[0] == CHORUS_MPING_TYPE_QUERY || data[0] == CHORUS_MPING_TYPE_ANSWER)
    return CHORUS_MPING_GENERATION_SSMPING;
  return CHORUS_MPING_GENERATION_NONE;
}

void
chorus_mping_message_init (ChorusMpingMessage    *msg,
                           ChorusMpingGeneration  generation,
                           ChorusMpingType        type)
{
  g_return_if_fail (msg != NULL);

  memset (msg, 0, sizeof *msg);
  msg->generation = generation;
  msg->type = type;
  if (generation == CHORUS_MPING_GENERATION_RFC6450)
    {
      msg->version = CHORUS_MPING_VERSION;
      msg->present |= BIT (CHORUS_MPING_OPTION_VERSION);
    }
}

static gboolean
fail (GError     **error,
      int          code,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      int          code,
      const char  *format,
      ...)
{
  va_list args;

  if (error != NULL)
    {
      va_start (args, format);
      *error = g_error_new_valist (CHORUS_ERROR, code, format, args);
      va_end (args);
    }
  return FALSE;
}

/* Family width in bytes: 1 in ssmping 0.9, 2 in RFC 6450. */
static gsize
family_width (ChorusMpingGeneration generation)
{
  return generation == CHORUS_MPING_GENERATION_SSMPING ? 1 : 2;
}

static gsize
address_size (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV4 ? 4 : family == G_SOCKET_FAMILY_IPV6 ? 16 : 0;
}

static gboolean
read_family (const guint8          *value,
             ChorusMpingGeneration  generation,
             GSocketFamily         *family)
{
  guint afi = family_width (generation) == 1 ? value[0] : read_u16 (value);

  *family = afi == AFI_IPV4 ? G_SOCKET_FAMILY_IPV4
            : afi == AFI_IPV6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_INVALID;
  return *family != G_SOCKET_FAMILY_INVALID;
}

static gboolean
is_multicast (const ChorusMpingAddress *address)
{
  if (address->family == G_SOCKET_FAMILY_IPV4)
    return (address->bytes[0] & 0xf0) == 0xe0;
  if (address->family == G_SOCKET_FAMILY_IPV6)
    return address->bytes[0] == 0xff;
  return FALSE;
}

/* Reads one known option's value into @out; FALSE if its length or
 * content is wrong for its type. */
static gboolean
read_option (ChorusMpingMessage  *out,
             guint16              type,
             const guint8        *value,
             gsize                length,
             GError             **error)
{
  gsize width = family_width (out->generation);

  switch (type)
    {
    case CHORUS_MPING_OPTION_VERSION:
      if (length != 1)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Version option is %zu bytes long, not 1", length);
      out->version = value[0];
      if (out->version != CHORUS_MPING_VERSION)
        return fail (error, CHORUS_ERROR_UNSUPPORTED,
                     "Multicast ping version %u is not supported: only version %u is",
                     out->version, CHORUS_MPING_VERSION);
      return TRUE;
    case CHORUS_MPING_OPTION_CLIENT_ID:
      if (length == 0)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Client ID option is empty");
      out->client_id = value;
      out->client_id_size = length;
      return TRUE;
    case CHORUS_MPING_OPTION_SEQ:
      if (length != 4)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Sequence Number option is %zu bytes long, not 4", length);
      out->seq = read_u32 (value);
      return TRUE;
    case CHORUS_MPING_OPTION_CLIENT_TIMESTAMP:
    case CHORUS_MPING_OPTION_SERVER_TIMESTAMP:
      if (length != 8)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "A Timestamp option is %zu bytes long, not 8", length);
      if (type == CHORUS_MPING_OPTION_CLIENT_TIMESTAMP)
        {
          out->client_sec = read_u32 (value);
          out->client_usec = read_u32 (value + 4);
        }
      else
        {
          out->server_sec = read_u32 (value);
          out->server_usec = read_u32 (value + 4);
        }
      return TRUE;
    case CHORUS_MPING_OPTION_GROUP:
      if (length < width || !read_family (value, out->generation, &out->group.family)
          || length != width + address_size (out->group.family))
        return fail (error, CHORUS_ERROR_INVALID_VALUE,
                     "The Group option is not an IPv4 or IPv6 address");
      memcpy (out->group.bytes, value + width, length - width);
      if (!is_multicast (&out->group))
        return fail (error, CHORUS_ERROR_INVALID_GROUP, "The Group option is not a multicast address");
      return TRUE;
    case CHORUS_MPING_OPTION_OPTION_REQUEST:
      if (length % 2 != 0)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Option Request option is %zu bytes long, not a whole number of 16-bit types", length);
      if (length == 0 && out->generation == CHORUS_MPING_GENERATION_RFC6450)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Option Request option is empty");
      out->option_request = length > 0 ? value : NULL;
      out->option_request_size = length;
      return TRUE;
    case CHORUS_MPING_OPTION_SERVER_INFO:
      out->server_info = length > 0 ? value : NULL;
      out->server_info_size = length;
      return TRUE;
    case CHORUS_MPING_OPTION_SIZE:
      if (length != 2)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Size option is %zu bytes long, not 2", length);
      out->size = read_u16 (value);
      return TRUE;
    case CHORUS_MPING_OPTION_PAD:
      out->pad = length > 0 ? value : NULL;
      out->pad_size = length;
      return TRUE;
    case CHORUS_MPING_OPTION_TTL:
      if (length != 1)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The TTL option is %zu bytes long, not 1", length);
      out->ttl = value[0];
      return TRUE;
    case CHORUS_MPING_OPTION_PREFIX:
      {
        gsize full;

        if (length < width + 1 || !read_family (value, out->generation, &out->prefix.family))
          return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Prefix option is not an IPv4 or IPv6 prefix");
        full = address_size (out->prefix.family);
        out->prefix_length = value[width];
        /* The address bytes cover the prefix length and no more than an address. */
        if (out->prefix_length > full * 8 || length - width - 1 > full
            || (length - width - 1) * 8 < out->prefix_length)
          return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Prefix option's length does not match its prefix");
        out->prefix_size = length - width - 1;
        memcpy (out->prefix.bytes, value + width + 1, out->prefix_size);
        return TRUE;
      }
    case CHORUS_MPING_OPTION_SESSION_ID:
      if (length == 0)
        return fail (error, CHORUS_ERROR_INVALID_VALUE, "The Session ID option is empty");
      out->session_id = value;
      out->session_id_size = length;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* The options each type must carry. */
static guint
required_options (ChorusMpingGeneration generation,
                  ChorusMpingType       type)
{
  guint echo = BIT (CHORUS_MPING_OPTION_SEQ) | BIT (CHORUS_MPING_OPTION_CLIENT_TIMESTAMP)
               | BIT (CHORUS_MPING_OPTION_GROUP);
  guint version = generation == CHORUS_MPING_GENERATION_RFC6450 ? BIT (CHORUS_MPING_OPTION_VERSION) : 0;

  switch (type)
    {
    case CHORUS_MPING_TYPE_QUERY:
    case CHORUS_MPING_TYPE_ANSWER:
      return version | echo;
    case CHORUS_MPING_TYPE_INIT:
    case CHORUS_MPING_TYPE_SERVER_RESPONSE:
      return version | BIT (CHORUS_MPING_OPTION_CLIENT_ID);
    case CHORUS_MPING_TYPE_NONE:
    default:
      return 0;
    }
}

static const char *
option_name (guint type)
{
  static const char *const names[CHORUS_MPING_N_OPTIONS] = {
    "Version", "Client ID", "Sequence Number", "Client Timestamp", "Group",
    "Option Request", "Server Information", "Size", "Pad", "TTL", "Prefix",
    "Session ID", "Server Timestamp",
  };

  return type < CHORUS_MPING_N_OPTIONS ? names[type] : "unknown";
}

gboolean
chorus_mping_parse (const guint8        *data,
                    gsize                size,
                    ChorusMpingMessage  *out,
                    GError             **error)
{
  ChorusMpingGeneration generation;
  guint missing;
  gsize offset = 1;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);

  if (size > CHORUS_MPING_MAX_SIZE)
    return fail (error, CHORUS_ERROR_MESSAGE_TOO_LARGE,
                 "A multicast ping of %zu bytes is larger than a datagram", size);
  generation = chorus_mping_detect (data, size);
  if (generation == CHORUS_MPING_GENERATION_NONE)
    return fail (error, CHORUS_ERROR_INVALID_VALUE, "Not a multicast ping message");

  out->generation = generation;
  out->type = data[0];

  while (offset < size)
    {
      guint16 type;
      gsize length;

      if (size - offset < CHORUS_MPING_OPTION_HEADER_SIZE)
        return fail (error, CHORUS_ERROR_INVALID_VALUE,
                     "An option header is cut short at byte %zu", offset);
      type = read_u16 (data + offset);
      length = read_u16 (data + offset + 2);
      offset += CHORUS_MPING_OPTION_HEADER_SIZE;
      if (length > size - offset)
        return fail (error, CHORUS_ERROR_INVALID_VALUE,
                     "Option %u says %zu bytes but only %zu follow", type, length, size - offset);

      /* ssmping 0.9 knows no Version option: there, type 0 is unknown. */
      if (type < CHORUS_MPING_N_OPTIONS
          && !(type == CHORUS_MPING_OPTION_VERSION && generation == CHORUS_MPING_GENERATION_SSMPING))
        {
          if (out->present & BIT (type))
            return fail (error, CHORUS_ERROR_INVALID_VALUE,
                         "The %s option is given twice", option_name (type));
          if (!read_option (out, type, data + offset, length, error))
            return FALSE;
          out->present |= BIT (type);
        }
      else
        {
          ChorusMpingOption *option;

          if (out->n_unknown >= CHORUS_MPING_MAX_UNKNOWN)
            return fail (error, CHORUS_ERROR_INVALID_VALUE,
                         "More than %u options of unknown types", CHORUS_MPING_MAX_UNKNOWN);
          option = &out->unknown[out->n_unknown++];
          option->type = type;
          option->size = length;
          option->value = length > 0 ? data + offset : NULL;
        }
      offset += length;
    }

  missing = required_options (generation, out->type) & ~out->present;
  if (missing != 0)
    return fail (error, CHORUS_ERROR_INVALID_VALUE,
                 "The %s option is missing", option_name (g_bit_nth_lsf (missing, -1)));
  return TRUE;
}

/* Address bytes a Prefix option carries: as many as parsed, and at
 * least enough for its length. */
static gsize
prefix_bytes (const ChorusMpingMessage *msg)
{
  return MAX (msg->prefix_size, (gsize) (msg->prefix_length + 7) / 8);
}

/* Value length of known option @type in @msg; FALSE if @msg's value
 * cannot be written. */
static gboolean
option_length (const ChorusMpingMessage *msg,
               guint                     type,
               gsize                    *length)
{
  gsize width = family_width (msg->generation);

  switch (type)
    {
    case CHORUS_MPING_OPTION_VERSION:
    case CHORUS_MPING_OPTION_TTL:
      *length = 1;
      break;
    case CHORUS_MPING_OPTION_CLIENT_ID:
      *length = msg->client_id_size;
      break;
    case CHORUS_MPING_OPTION_SEQ:
      *length = 4;
      break;
    case CHORUS_MPING_OPTION_CLIENT_TIMESTAMP:
    case CHORUS_MPING_OPTION_SERVER_TIMESTAMP:
      *length = 8;
      break;
    case CHORUS_MPING_OPTION_GROUP:
      if (!is_multicast (&msg->group))
        return FALSE;
      *length = width + address_size (msg->group.family);
      break;
    case CHORUS_MPING_OPTION_OPTION_REQUEST:
      if (msg->option_request_size % 2 != 0)
        return FALSE;
      *length = msg->option_request_size;
      break;
    case CHORUS_MPING_OPTION_SERVER_INFO:
      *length = msg->server_info_size;
      break;
    case CHORUS_MPING_OPTION_SIZE:
      *length = 2;
      break;
    case CHORUS_MPING_OPTION_PAD:
      *length = msg->pad_size;
      break;
    case CHORUS_MPING_OPTION_PREFIX:
      {
        gsize full = address_size (msg->prefix.family);

        if (full == 0 || msg->prefix_length > full * 8 || prefix_bytes (msg) > full)
          return FALSE;
        *length = width + 1 + prefix_bytes (msg);
        break;
      }
    case CHORUS_MPING_OPTION_SESSION_ID:
      *length = msg->session_id_size;
      break;
    default:
      g_assert_not_reached ();
    }
  return *length <= G_MAXUINT16;
}

static const int *
write_order (ChorusMpingGeneration generation,
             gsize                *n)
{
  if (generation == CHORUS_MPING_GENERATION_SSMPING)
    {
      *n = G_N_ELEMENTS (ssmping_order);
      return ssmping_order;
    }
  *n = G_N_ELEMENTS (rfc6450_order);
  return rfc6450_order;
}

static gboolean
is_writable (const ChorusMpingMessage *msg)
{
  if (msg->generation == CHORUS_MPING_GENERATION_SSMPING)
    return (msg->type == CHORUS_MPING_TYPE_QUERY || msg->type == CHORUS_MPING_TYPE_ANSWER)
           && (msg->present & BIT (CHORUS_MPING_OPTION_VERSION)) == 0;
  if (msg->generation == CHORUS_MPING_GENERATION_RFC6450)
    return is_type (msg->type) && (msg->present & BIT (CHORUS_MPING_OPTION_VERSION)) != 0;
  return FALSE;
}

gsize
chorus_mping_encoded_size (const ChorusMpingMessage *msg)
{
  gsize total = 1;

  g_return_val_if_fail (msg != NULL, 0);

  if (!is_writable (msg) || msg->n_unknown > CHORUS_MPING_MAX_UNKNOWN
      || (msg->present >> CHORUS_MPING_N_OPTIONS) != 0)
    return 0;
  for (guint type = 0; type < CHORUS_MPING_N_OPTIONS; type++)
    {
      gsize length;

      if (!(msg->present & BIT (type)))
        continue;
      if (!option_length (msg, type, &length))
        return 0;
      total += CHORUS_MPING_OPTION_HEADER_SIZE + length;
    }
  for (guint i = 0; i < msg->n_unknown; i++)
    total += CHORUS_MPING_OPTION_HEADER_SIZE + msg->unknown[i].size;

  return total <= CHORUS_MPING_MAX_SIZE ? total : 0;
}

static guint8 *
write_header (guint8 *p,
              guint   type,
              gsize   length)
{
  write_u16 (p, type);
  write_u16 (p + 2, length);
  return p + CHORUS_MPING_OPTION_HEADER_SIZE;
}

/* Copies @size bytes of @value, or zeros when @value is NULL. */
static guint8 *
write_bytes (guint8       *p,
             const guint8 *value,
             gsize         size)
{
  if (size == 0)
    return p;
  if (value != NULL)
    memcpy (p, value, size);
  else
    memset (p, 0, size);
  return p + size;
}

static guint8 *
write_address (guint8                   *p,
               ChorusMpingGeneration     generation,
               const ChorusMpingAddress *address,
               gsize                     n_bytes)
{
  guint afi = address->family == G_SOCKET_FAMILY_IPV4 ? AFI_IPV4 : AFI_IPV6;

  if (family_width (generation) == 1)
    *p++ = afi;
  else
    {
      write_u16 (p, afi);
      p += 2;
    }
  return write_bytes (p, address->bytes, n_bytes);
}

static guint8 *
write_option (guint8                   *p,
              const ChorusMpingMessage *msg,
              guint                     type)
{
  gsize length = 0;

  option_length (msg, type, &length);
  p = write_header (p, type, length);

  switch (type)
    {
    case CHORUS_MPING_OPTION_VERSION:
      *p++ = msg->version;
      break;
    case CHORUS_MPING_OPTION_TTL:
      *p++ = msg->ttl;
      break;
    case CHORUS_MPING_OPTION_CLIENT_ID:
      p = write_bytes (p, msg->client_id, length);
      break;
    case CHORUS_MPING_OPTION_SEQ:
      write_u32 (p, msg->seq);
      p += 4;
      break;
    case CHORUS_MPING_OPTION_CLIENT_TIMESTAMP:
      write_u32 (p, msg->client_sec);
      write_u32 (p + 4, msg->client_usec);
      p += 8;
      break;
    case CHORUS_MPING_OPTION_SERVER_TIMESTAMP:
      write_u32 (p, msg->server_sec);
      write_u32 (p + 4, msg->server_usec);
      p += 8;
      break;
    case CHORUS_MPING_OPTION_GROUP:
      p = write_address (p, msg->generation, &msg->group, address_size (msg->group.family));
      break;
    case CHORUS_MPING_OPTION_OPTION_REQUEST:
      p = write_bytes (p, msg->option_request, length);
      break;
    case CHORUS_MPING_OPTION_SERVER_INFO:
      p = write_bytes (p, msg->server_info, length);
      break;
    case CHORUS_MPING_OPTION_SIZE:
      write_u16 (p, msg->size);
      p += 2;
      break;
    case CHORUS_MPING_OPTION_PAD:
      p = write_bytes (p, msg->pad, length);
      break;
    case CHORUS_MPING_OPTION_PREFIX:
      p = write_address (p, msg->generation, &msg->prefix, 0);
      *p++ = msg->prefix_length;
      p = write_bytes (p, msg->prefix.bytes, prefix_bytes (msg));
      break;
    case CHORUS_MPING_OPTION_SESSION_ID:
      p = write_bytes (p, msg->session_id, length);
      break;
    default:
      g_assert_not_reached ();
    }
  return p;
}

gsize
chorus_mping_encode (const ChorusMpingMessage *msg,
                     guint8                   *buffer,
                     gsize                     size)
{
  gsize total, n;
  const int *order;
  guint8 *p = buffer;

  g_return_val_if_fail (msg != NULL, 0);
  g_return_val_if_fail (buffer != NULL || size == 0, 0);

  total = chorus_mping_encoded_size (msg);
  if (total == 0 || total > size)
    return 0;

  *p++ = msg->type;
  order = write_order (msg->generation, &n);
  for (gsize i = 0; i < n; i++)
    {
      if (order[i] < 0)
        {
          for (guint u = 0; u < msg->n_unknown; u++)
            {
              p = write_header (p, msg->unknown[u].type, msg->unknown[u].size);
              p = write_bytes (p, msg->unknown[u].value, msg->unknown[u].size);
            }
        }
      else if (msg->present & BIT (order[i]))
        p = write_option (p, msg, order[i]);
    }

  g_assert ((gsize) (p - buffer) == total);
  return total;
}

gboolean
chorus_mping_message_requests (const ChorusMpingMessage *msg,
                               ChorusMpingOptionType     type)
{
  g_return_val_if_fail (msg != NULL, FALSE);

  if (!(msg->present & BIT (CHORUS_MPING_OPTION_OPTION_REQUEST)))
    return FALSE;
  /* ssmping 0.9 -v sends an empty request and gets the server information. */
  if (msg->generation == CHORUS_MPING_GENERATION_SSMPING && msg->option_request_size == 0)
    return type == CHORUS_MPING_OPTION_SERVER_INFO;
  for (gsize i = 0; i + 1 < msg->option_request_size; i += 2)
    if (read_u16 (msg->option_request + i) == type)
      return TRUE;
  return FALSE;
}

GInetAddress *
chorus_mping_message_get_group (const ChorusMpingMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);

  if (!(msg->present & BIT (CHORUS_MPING_OPTION_GROUP)) || address_size (msg->group.family) == 0)
    return NULL;
  return g_inet_address_new_from_bytes (msg->group.bytes, msg->group.family);
}

gboolean
chorus_mping_message_set_prefix (ChorusMpingMessage *msg,
                                 GInetAddress       *group,
                                 guint               length)
{
  ChorusMpingAddress address = { 0 };
  gsize n;

  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (group), FALSE);

  address.family = g_inet_address_get_family (group);
  n = g_inet_address_get_native_size (group);
  if (n != address_size (address.family) || length > n * 8)
    return FALSE;
  memcpy (address.bytes, g_inet_address_to_bytes (group), n);
  if (!is_multicast (&address))
    return FALSE;
  msg->prefix = address;
  msg->prefix_length = (guint8) length;
  msg->prefix_size = n;
  msg->present |= BIT (CHORUS_MPING_OPTION_PREFIX);
  return TRUE;
}

char *
chorus_mping_message_dup_prefix (const ChorusMpingMessage *msg)
{
  guint8 bytes[16] = { 0 };
  gsize n;
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (msg != NULL, NULL);

  if (!(msg->present & BIT (CHORUS_MPING_OPTION_PREFIX)))
    return NULL;
  n = address_size (msg->prefix.family);
  if (n == 0)
    return NULL;
  memcpy (bytes, msg->prefix.bytes, MIN (msg->prefix_size, n));
  address = g_inet_address_new_from_bytes (bytes, msg->prefix.family);
  text = g_inet_address_to_string (address);
  return g_strdup_printf ("%s/%u", text, msg->prefix_length);
}

/* Whether the first @length bits of @a and @b agree. */
static gboolean
prefix_matches (const guint8 *a,
                const guint8 *b,
                guint         length)
{
  guint whole = length / 8, rest = length % 8;

  if (memcmp (a, b, whole) != 0)
    return FALSE;
  return rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

/**
 * chorus_mping_message_choose_group:
 * @msg: a query or an init
 * @family: the family the message came in over
 *
 * The group a server answers @msg to: its Group if it has one; else, for
 * an init with a Multicast Prefix (how an RFC 6450 client says which
 * groups it can use), the protocol's default group if the prefix covers
 * it and otherwise the prefix's own address, past its length cleared;
 * else the default group of @family.
 *
 * Returns: (transfer full) (nullable): the group, or %NULL if the group
 *   the message names is of another family than @family, or the prefix
 *   holds no multicast group.
 */
GInetAddress *
chorus_mping_message_choose_group (const ChorusMpingMessage *msg,
                                   GSocketFamily             family)
{
  g_autoptr(GInetAddress) fallback = NULL;
  ChorusMpingAddress address = { 0 };
  gsize n;

  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6, NULL);

  fallback = g_inet_address_new_from_string (family == G_SOCKET_FAMILY_IPV4
                                             ? CHORUS_MPING_GROUP_IPV4
                                             : CHORUS_MPING_GROUP_IPV6);

  if (msg->present & BIT (CHORUS_MPING_OPTION_GROUP))
    {
      if (msg->group.family != family)
        return NULL;
      return chorus_mping_message_get_group (msg);
    }

  if (!(msg->present & BIT (CHORUS_MPING_OPTION_PREFIX)))
    return g_steal_pointer (&fallback);

  n = address_size (msg->prefix.family);
  if (msg->prefix.family != family || n == 0 || msg->prefix_length > n * 8)
    return NULL;

  if (prefix_matches (msg->prefix.bytes, g_inet_address_to_bytes (fallback), msg->prefix_length))
    return g_steal_pointer (&fallback);

  address.family = family;
  memcpy (address.bytes, msg->prefix.bytes, MIN (msg->prefix_size, n));
  for (guint bit = msg->prefix_length; bit < n * 8; bit++)
    address.bytes[bit / 8] &= (guint8) ~(0x80 >> (bit % 8));
  if (!is_multicast (&address))
    return NULL;

  return g_inet_address_new_from_bytes (address.bytes, family);
}

gboolean
chorus_mping_message_set_group (ChorusMpingMessage *msg,
                                GInetAddress       *group)
{
  ChorusMpingAddress address = { 0 };
  gsize n;

  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (group), FALSE);

  address.family = g_inet_address_get_family (group);
  n = g_inet_address_get_native_size (group);
  if (n != address_size (address.family))
    return FALSE;
  memcpy (address.bytes, g_inet_address_to_bytes (group), n);
  if (!is_multicast (&address))
    return FALSE;
  msg->group = address;
  msg->present |= BIT (CHORUS_MPING_OPTION_GROUP);
  return TRUE;
}

/* Drops the options in @mask, values and all. */
static void
clear_options (ChorusMpingMessage *msg,
               guint               mask)
{
  ChorusMpingMessage empty = { 0 };

  if (mask & BIT (CHORUS_MPING_OPTION_SERVER_INFO))
    {
      msg->server_info = NULL;
      msg->server_info_size = 0;
    }
  if (mask & BIT (CHORUS_MPING_OPTION_PAD))
    {
      msg->pad = NULL;
      msg->pad_size = 0;
    }
  if (mask & BIT (CHORUS_MPING_OPTION_PREFIX))
    {
      msg->prefix = empty.prefix;
      msg->prefix_length = 0;
      msg->prefix_size = 0;
    }
  if (mask & BIT (CHORUS_MPING_OPTION_SESSION_ID))
    {
      msg->session_id = NULL;
      msg->session_id_size = 0;
    }
  if (mask & BIT (CHORUS_MPING_OPTION_TTL))
    msg->ttl = 0;
  if (mask & BIT (CHORUS_MPING_OPTION_SERVER_TIMESTAMP))
    msg->server_sec = msg->server_usec = 0;
  msg->present &= ~mask;
}

static void
set_server_info (ChorusMpingMessage *msg,
                 const char         *server_info)
{
  gsize n = server_info != NULL ? strlen (server_info) : 0;

  msg->present &= ~BIT (CHORUS_MPING_OPTION_SERVER_INFO);
  if (n == 0 || n > G_MAXUINT16)
    return;
  msg->server_info = (const guint8 *) server_info;
  msg->server_info_size = n;
  msg->present |= BIT (CHORUS_MPING_OPTION_SERVER_INFO);
}

gboolean
chorus_mping_make_answer (const ChorusMpingMessage  *query,
                          const char                *server_info,
                          gint64                     now_usec,
                          ChorusMpingMessage        *answer,
                          GError                   **error)
{
  g_return_val_if_fail (query != NULL, FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (query->type != CHORUS_MPING_TYPE_QUERY
      || (query->generation != CHORUS_MPING_GENERATION_SSMPING
          && query->generation != CHORUS_MPING_GENERATION_RFC6450))
    return fail (error, CHORUS_ERROR_INVALID_VALUE, "Only a multicast ping query is answered");

  *answer = *query;
  answer->type = CHORUS_MPING_TYPE_ANSWER;
  clear_options (answer, server_options[query->generation]);

  if (query->generation == CHORUS_MPING_GENERATION_SSMPING)
    {
      gsize natural;

      if (chorus_mping_message_requests (query, CHORUS_MPING_OPTION_SERVER_INFO))
        set_server_info (answer, server_info);
      /* Pad up to the size asked for, when the pad's header fits. */
      natural = chorus_mping_encoded_size (answer);
      if ((query->present & BIT (CHORUS_MPING_OPTION_SIZE)) && natural > 0
          && query->size >= natural + CHORUS_MPING_OPTION_HEADER_SIZE)
        {
          answer->pad = NULL;
          answer->pad_size = query->size - natural - CHORUS_MPING_OPTION_HEADER_SIZE;
          answer->present |= BIT (CHORUS_MPING_OPTION_PAD);
        }
    }
  else
    {
      answer->ttl = CHORUS_MPING_TTL;
      answer->present |= BIT (CHORUS_MPING_OPTION_TTL);
      if (chorus_mping_message_requests (query, CHORUS_MPING_OPTION_SERVER_TIMESTAMP))
        {
          gint64 now = MAX (now_usec, 0);

          answer->server_sec = (guint32) (now / G_USEC_PER_SEC);
          answer->server_usec = (guint32) (now % G_USEC_PER_SEC);
          answer->present |= BIT (CHORUS_MPING_OPTION_SERVER_TIMESTAMP);
        }
    }

  if (chorus_mping_encoded_size (answer) == 0)
    return fail (error, CHORUS_ERROR_MESSAGE_TOO_LARGE, "The answer would not fit a datagram");
  return TRUE;
}

gboolean
chorus_mping_make_server_response (const ChorusMpingMessage  *init,
                                   GInetAddress              *group,
                                   const guint8              *session_id,
                                   gsize                      session_id_size,
                                   const char                *server_info,
                                   ChorusMpingMessage        *response,
                                   GError                   **error)
{
  g_return_val_if_fail (init != NULL, FALSE);
  g_return_val_if_fail (group == NULL || G_IS_INET_ADDRESS (group), FALSE);
  g_return_val_if_fail (session_id != NULL || session_id_size == 0, FALSE);
  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (init->type != CHORUS_MPING_TYPE_INIT || init->generation != CHORUS_MPING_GENERATION_RFC6450)
    return fail (error, CHORUS_ERROR_INVALID_VALUE, "Only an RFC 6450 init gets a server response");
  if (session_id_size > G_MAXUINT16)
    return fail (error, CHORUS_ERROR_INVALID_VALUE, "The session ID is too long");

  chorus_mping_message_init (response, CHORUS_MPING_GENERATION_RFC6450,
                             CHORUS_MPING_TYPE_SERVER_RESPONSE);
  if (init->present & BIT (CHORUS_MPING_OPTION_CLIENT_ID))
    {
      response->client_id = init->client_id;
      response->client_id_size = init->client_id_size;
      response->present |= BIT (CHORUS_MPING_OPTION_CLIENT_ID);
    }
  if (init->present & BIT (CHORUS_MPING_OPTION_SEQ))
    {
      response->seq = init->seq;
      response->present |= BIT (CHORUS_MPING_OPTION_SEQ);
    }
  if (group != NULL && !chorus_mping_message_set_group (response, group))
    {
      g_autofree char *text = g_inet_address_to_string (group);

      return fail (error, CHORUS_ERROR_INVALID_GROUP, "%s is not a multicast address", text);
    }
  if (chorus_mping_message_requests (init, CHORUS_MPING_OPTION_SERVER_INFO))
    set_server_info (response, server_info);
  if (session_id_size > 0)
    {
      response->session_id = session_id;
      response->session_id_size = session_id_size;
      response->present |= BIT (CHORUS_MPING_OPTION_SESSION_ID);
    }
  return TRUE;
}
