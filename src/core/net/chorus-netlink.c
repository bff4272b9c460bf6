/* chorus-netlink.c: parsing rtnetlink dumps of links and addresses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "chorus-netlink-private.h"
#include "chorus-text.h"

/*
 * _chorus_netlink_build_request:
 * @buffer: (out caller-allocates): CHORUS_NETLINK_REQUEST_SIZE bytes
 * @type: RTM_GETLINK or RTM_GETADDR
 *
 * Writes a request to dump every link, or every address of every family.
 *
 * Returns: its length
 */
gsize
_chorus_netlink_build_request (guint8  *buffer,
                               guint16  type,
                               guint32  seq)
{
  gsize body = type == RTM_GETADDR ? sizeof (struct ifaddrmsg) : sizeof (struct ifinfomsg);
  struct nlmsghdr header = {
    .nlmsg_len = NLMSG_LENGTH (body),
    .nlmsg_type = type,
    .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
    .nlmsg_seq = seq,
  };

  G_STATIC_ASSERT (NLMSG_LENGTH (sizeof (struct ifinfomsg)) <= CHORUS_NETLINK_REQUEST_SIZE);

  /* A zero body asks for every family and every interface. */
  memset (buffer, 0, CHORUS_NETLINK_REQUEST_SIZE);
  memcpy (buffer, &header, sizeof header);

  return header.nlmsg_len;
}

static void
link_info_free (ChorusLinkInfo *info)
{
  g_free (info->name);
  g_ptr_array_unref (info->addresses);
  g_free (info);
}

ChorusNetlinkDump *
_chorus_netlink_dump_new (void)
{
  ChorusNetlinkDump *dump = g_new0 (ChorusNetlinkDump, 1);

  dump->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_info_free);
  dump->by_index = g_hash_table_new (NULL, NULL);

  return dump;
}

void
_chorus_netlink_dump_free (ChorusNetlinkDump *dump)
{
  if (dump == NULL)
    return;

  g_hash_table_unref (dump->by_index);
  g_ptr_array_unref (dump->links);
  g_free (dump);
}

/* Walks the attributes in data[0..size), which need not be aligned.
 * Returns the next one's type, payload and length, or FALSE at the end
 * or at an attribute that does not fit. */
static gboolean
next_attribute (const guint8 **data,
                gsize         *size,
                guint16       *type,
                const guint8 **payload,
                gsize         *length)
{
  struct rtattr attribute;
  gsize step;

  if (*size < sizeof attribute)
    return FALSE;

  memcpy (&attribute, *data, sizeof attribute);
  if (attribute.rta_len < sizeof attribute || attribute.rta_len > *size)
    return FALSE;

  *type = attribute.rta_type & NLA_TYPE_MASK;
  *payload = *data + RTA_LENGTH (0);
  *length = attribute.rta_len - RTA_LENGTH (0);

  step = MIN (RTA_ALIGN (attribute.rta_len), *size);
  *data += step;
  *size -= step;

  return TRUE;
}

/* The kernel refuses only '/', ':' and white space in names: escape
 * sequences and bytes that are not UTF-8 have to be shown safely. A name
 * that needs nothing of the sort stays as it is, backslashes included,
 * so that it can be looked up and passed back. */
static char *
name_to_show (const guint8 *name,
              gsize         size)
{
  const char *text = (const char *) name;

  if (!g_utf8_validate_len (text, size, NULL))
    return chorus_text_escape (name, size);

  for (const char *p = text; p < text + size; p = g_utf8_next_char (p))
    if (!g_unichar_isgraph (g_utf8_get_char (p)))
      return chorus_text_escape (name, size);

  return g_strndup (text, size);
}

static void
parse_link (ChorusNetlinkDump *dump,
            const guint8      *body,
            gsize              size)
{
  struct ifinfomsg message;
  const guint8 *attributes;
  gsize remaining;
  guint16 type;
  const guint8 *payload;
  gsize length;
  g_autofree char *name = NULL;
  guint mtu = 0;
  ChorusLinkInfo *info;

  if (size < sizeof message)
    return;

  memcpy (&message, body, sizeof message);
  if (message.ifi_index <= 0)
    return;

  attributes = body + NLMSG_ALIGN (sizeof message);
  remaining = size - MIN (size, NLMSG_ALIGN (sizeof message));

  while (next_attribute (&attributes, &remaining, &type, &payload, &length))
    {
      if (type == IFLA_IFNAME && length > 0)
        {
          gsize n = strnlen ((const char *) payload, MIN (length, IFNAMSIZ));

          g_free (name);
          name = n > 0 ? name_to_show (payload, n) : NULL;
        }
      else if (type == IFLA_MTU && length >= sizeof (guint32))
        {
          guint32 value;

          memcpy (&value, payload, sizeof value);
          mtu = value;
        }
    }

  /* A link without a name is nothing we could offer or look up. */
  if (name == NULL)
    return;

  info = g_hash_table_lookup (dump->by_index, GUINT_TO_POINTER ((guint) message.ifi_index));
  if (info == NULL)
    {
      info = g_new0 (ChorusLinkInfo, 1);
      info->index = (guint) message.ifi_index;
      info->addresses = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (dump->links, info);
      g_hash_table_insert (dump->by_index, GUINT_TO_POINTER (info->index), info);
    }

  g_free (info->name);
  info->name = g_steal_pointer (&name);
  info->flags = message.ifi_flags;
  info->mtu = mtu;
}

static void
add_address (ChorusLinkInfo *info,
             char           *text,
             gboolean        ipv6)
{
  guint position = info->addresses->len;

  for (guint i = 0; i < info->addresses->len; i++)
    {
      const char *other = g_ptr_array_index (info->addresses, i);

      if (g_str_equal (other, text))
        {
          g_free (text);
          return;
        }
      if (!ipv6 && position == info->addresses->len && strchr (other, ':') != NULL)
        position = i;
    }

  g_ptr_array_insert (info->addresses, (int) position, text);
}

static void
parse_address (ChorusNetlinkDump *dump,
               const guint8      *body,
               gsize              size)
{
  struct ifaddrmsg message;
  const guint8 *attributes;
  gsize remaining;
  guint16 type;
  const guint8 *payload;
  gsize length;
  const guint8 *local = NULL;
  const guint8 *address = NULL;
  const guint8 *shown;
  gsize wanted;
  guint max_prefix;
  ChorusLinkInfo *info;
  char text[INET6_ADDRSTRLEN];

  if (size < sizeof message)
    return;

  memcpy (&message, body, sizeof message);

  if (message.ifa_family == AF_INET)
    {
      wanted = 4;
      max_prefix = 32;
    }
  else if (message.ifa_family == AF_INET6)
    {
      wanted = 16;
      max_prefix = 128;
    }
  else
    return;

  if (message.ifa_prefixlen > max_prefix)
    return;

  info = g_hash_table_lookup (dump->by_index, GUINT_TO_POINTER (message.ifa_index));
  /* A link that came after the link dump: the next dump will have both. */
  if (info == NULL)
    return;

  attributes = body + NLMSG_ALIGN (sizeof message);
  remaining = size - MIN (size, NLMSG_ALIGN (sizeof message));

  while (next_attribute (&attributes, &remaining, &type, &payload, &length))
    {
      if (length < wanted)
        continue;
      if (type == IFA_LOCAL)
        local = payload;
      else if (type == IFA_ADDRESS)
        address = payload;
    }

  /* On a point-to-point link IFA_ADDRESS is the peer's, and IFA_LOCAL
   * ours; otherwise both are ours, or only IFA_ADDRESS is there. */
  shown = local != NULL ? local : address;
  if (shown == NULL)
    return;

  {
    guint8 bytes[16];

    memcpy (bytes, shown, wanted);
    if (inet_ntop (message.ifa_family, bytes, text, sizeof text) == NULL)
      return;
  }

  add_address (info, g_strdup_printf ("%s/%u", text, message.ifa_prefixlen),
               message.ifa_family == AF_INET6);
}

/* What an error message carries: a negative errno. */
static int
read_error (const guint8 *body,
            gsize         size)
{
  int error;

  if (size < sizeof error)
    return EPROTO;

  memcpy (&error, body, sizeof error);
  if (error >= 0)
    return 0;
  /* INT_MIN has no positive counterpart. */
  return error > -G_MAXINT ? -error : EPROTO;
}

/*
 * _chorus_netlink_dump_parse:
 * @seq: the sequence number of the request being answered; messages
 *   with another one (late answers to an earlier request) are skipped
 * @data: (array length=size): one datagram read from the socket
 *
 * Adds the links and addresses in @data to @dump. Messages of other
 * types, and attributes we do not know, are skipped; a message that
 * claims more bytes than there are ends the datagram as a failure.
 */
ChorusNetlinkStatus
_chorus_netlink_dump_parse (ChorusNetlinkDump *dump,
                            guint32            seq,
                            const guint8      *data,
                            gsize              size)
{
  g_return_val_if_fail (dump != NULL, CHORUS_NETLINK_FAILED);
  g_return_val_if_fail (data != NULL || size == 0, CHORUS_NETLINK_FAILED);

  while (size > 0)
    {
      struct nlmsghdr header;
      const guint8 *body;
      gsize body_size;
      gsize step;

      if (size < sizeof header)
        break;

      memcpy (&header, data, sizeof header);
      if (header.nlmsg_len < sizeof header || header.nlmsg_len > size)
        break;

      body = data + NLMSG_HDRLEN;
      body_size = header.nlmsg_len - MIN (header.nlmsg_len, NLMSG_HDRLEN);
      step = MIN (NLMSG_ALIGN (header.nlmsg_len), size);
      data += step;
      size -= step;

      if (header.nlmsg_seq != seq)
        continue;

      if (header.nlmsg_flags & NLM_F_DUMP_INTR)
        dump->interrupted = TRUE;

      switch (header.nlmsg_type)
        {
        case NLMSG_DONE:
          /* A dump can end with an error in place of its last part. */
          if (body_size >= sizeof (int) && (dump->error = read_error (body, body_size)) != 0)
            return CHORUS_NETLINK_FAILED;
          return CHORUS_NETLINK_DONE;

        case NLMSG_ERROR:
          dump->error = read_error (body, body_size);
          /* An acknowledgement, which we never ask for, ends nothing. */
          if (dump->error == 0)
            continue;
          return CHORUS_NETLINK_FAILED;

        case RTM_NEWLINK:
          parse_link (dump, body, body_size);
          break;

        case RTM_NEWADDR:
          parse_address (dump, body, body_size);
          break;

        default:
          break;
        }
    }

  if (size > 0)
    {
      dump->error = EPROTO;
      return CHORUS_NETLINK_FAILED;
    }

  return CHORUS_NETLINK_MORE;
}

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  const ChorusLinkInfo *x = *(ChorusLinkInfo * const *) a;
  const ChorusLinkInfo *y = *(ChorusLinkInfo * const *) b;

  return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts the links by index, as the kernel mostly but not always sends them. */
void
_chorus_netlink_dump_finish (ChorusNetlinkDump *dump)
{
  g_ptr_array_sort (dump->links, compare_index);
}
