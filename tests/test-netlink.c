/* test-netlink.c: the rtnetlink dump parser on bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "chorus-interface-private.h"
#include "chorus-netlink-private.h"

#define SEQ 41

/* Datagrams as the kernel writes them: messages of a header, a body and
 * attributes, each padded to four bytes. */

static void
pad (GByteArray *bytes)
{
  static const guint8 zeros[4] = { 0 };

  g_byte_array_append (bytes, zeros, NLMSG_ALIGN (bytes->len) - bytes->len);
}

/* Starts a message; returns where its header is, for end_message(). */
static guint
begin_message (GByteArray   *bytes,
               guint16       type,
               guint16       flags,
               guint32       seq,
               gconstpointer body,
               gsize         body_size)
{
  struct nlmsghdr header = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq };
  guint start = bytes->len;

  g_byte_array_append (bytes, (const guint8 *) &header, sizeof header);
  g_byte_array_append (bytes, body, body_size);
  pad (bytes);

  return start;
}

static void
add_attribute (GByteArray   *bytes,
               guint16       type,
               gconstpointer payload,
               gsize         size)
{
  struct rtattr attribute = { .rta_len = RTA_LENGTH (size), .rta_type = type };

  g_byte_array_append (bytes, (const guint8 *) &attribute, sizeof attribute);
  g_byte_array_append (bytes, payload, size);
  pad (bytes);
}

static void
end_message (GByteArray *bytes,
             guint       start)
{
  guint32 length = bytes->len - start;

  memcpy (bytes->data + start, &length, sizeof length);
}

static void
add_link (GByteArray *bytes,
          guint32     seq,
          int         index,
          const char *name,
          guint       flags,
          guint32     mtu)
{
  struct ifinfomsg body = { .ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = flags };
  guint start = begin_message (bytes, RTM_NEWLINK, NLM_F_MULTI, seq, &body, sizeof body);

  if (name != NULL)
    add_attribute (bytes, IFLA_IFNAME, name, strlen (name) + 1);
  add_attribute (bytes, IFLA_MTU, &mtu, sizeof mtu);
  end_message (bytes, start);
}

static void
add_address (GByteArray *bytes,
             guint32     seq,
             int         family,
             guint       index,
             guint       prefix,
             const char *local,
             const char *address)
{
  struct ifaddrmsg body = {
    .ifa_family = family,
    .ifa_prefixlen = prefix,
    .ifa_index = index,
  };
  guint start = begin_message (bytes, RTM_NEWADDR, NLM_F_MULTI, seq, &body, sizeof body);
  gsize size = family == AF_INET ? 4 : 16;

  if (address != NULL)
    {
      g_autoptr(GInetAddress) parsed = g_inet_address_new_from_string (address);

      add_attribute (bytes, IFA_ADDRESS, g_inet_address_to_bytes (parsed), size);
    }
  if (local != NULL)
    {
      g_autoptr(GInetAddress) parsed = g_inet_address_new_from_string (local);

      add_attribute (bytes, IFA_LOCAL, g_inet_address_to_bytes (parsed), size);
    }
  end_message (bytes, start);
}

static void
add_done (GByteArray *bytes,
          guint32     seq,
          int         error)
{
  guint start = begin_message (bytes, NLMSG_DONE, NLM_F_MULTI, seq, &error, sizeof error);

  end_message (bytes, start);
}

static void
add_error (GByteArray *bytes,
           guint32     seq,
           int         error)
{
  struct nlmsgerr body = { .error = error };
  guint start = begin_message (bytes, NLMSG_ERROR, 0, seq, &body, sizeof body);

  end_message (bytes, start);
}

static ChorusNetlinkStatus
parse (ChorusNetlinkDump *dump,
       GByteArray        *bytes)
{
  /* Copied, so that ASan or valgrind see a read past the end. */
  g_autofree guint8 *copy = g_memdup2 (bytes->data, bytes->len);

  return _chorus_netlink_dump_parse (dump, SEQ, copy, bytes->len);
}

static ChorusLinkInfo *
link_at (ChorusNetlinkDump *dump,
         guint              i)
{
  g_assert_cmpuint (i, <, dump->links->len);
  return g_ptr_array_index (dump->links, i);
}

static void
assert_addresses (ChorusLinkInfo *info,
                  ...)
{
  va_list args;
  const char *expected;
  guint i = 0;

  va_start (args, info);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (i, <, info->addresses->len);
      g_assert_cmpstr (g_ptr_array_index (info->addresses, i), ==, expected);
      i++;
    }
  va_end (args);
  g_assert_cmpuint (info->addresses->len, ==, i);
}

static void
test_request (void)
{
  guint8 buffer[CHORUS_NETLINK_REQUEST_SIZE];
  struct nlmsghdr header;
  gsize size;

  size = _chorus_netlink_build_request (buffer, RTM_GETLINK, 7);
  g_assert_cmpuint (size, ==, NLMSG_LENGTH (sizeof (struct ifinfomsg)));
  memcpy (&header, buffer, sizeof header);
  g_assert_cmpuint (header.nlmsg_len, ==, size);
  g_assert_cmpuint (header.nlmsg_type, ==, RTM_GETLINK);
  g_assert_cmpuint (header.nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_DUMP);
  g_assert_cmpuint (header.nlmsg_seq, ==, 7);
  for (gsize i = sizeof header; i < size; i++)
    g_assert_cmpuint (buffer[i], ==, 0);

  size = _chorus_netlink_build_request (buffer, RTM_GETADDR, 8);
  g_assert_cmpuint (size, ==, NLMSG_LENGTH (sizeof (struct ifaddrmsg)));
  memcpy (&header, buffer, sizeof header);
  g_assert_cmpuint (header.nlmsg_type, ==, RTM_GETADDR);
  g_assert_cmpuint (header.nlmsg_seq, ==, 8);
}

static void
test_links_and_addresses (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) links = g_byte_array_new ();
  g_autoptr(GByteArray) more = g_byte_array_new ();
  g_autoptr(GByteArray) addresses = g_byte_array_new ();
  ChorusLinkInfo *info;

  add_link (links, SEQ, 2, "eth0", IFF_UP | IFF_RUNNING | IFF_MULTICAST | IFF_BROADCAST, 1500);
  add_link (links, SEQ, 1, "lo", IFF_UP | IFF_RUNNING | IFF_LOOPBACK, 65536);
  g_assert_cmpint (parse (dump, links), ==, CHORUS_NETLINK_MORE);
  /* A dump goes on over several datagrams. */
  add_link (more, SEQ, 5, "dummy0", IFF_BROADCAST | IFF_NOARP, 1400);
  add_done (more, SEQ, 0);
  g_assert_cmpint (parse (dump, more), ==, CHORUS_NETLINK_DONE);

  /* IPv6 first here: the parser puts IPv4 first. */
  add_address (addresses, SEQ, AF_INET6, 2, 64, NULL, "fe80::1");
  add_address (addresses, SEQ, AF_INET, 2, 16, "10.77.0.1", "10.77.0.1");
  add_address (addresses, SEQ, AF_INET6, 2, 64, NULL, "2001:db8::1");
  add_address (addresses, SEQ, AF_INET, 2, 24, "192.0.2.1", NULL);
  add_address (addresses, SEQ, AF_INET, 1, 8, "127.0.0.1", "127.0.0.1");
  add_address (addresses, SEQ, AF_INET6, 1, 128, NULL, "::1");
  add_done (addresses, SEQ, 0);
  g_assert_cmpint (parse (dump, addresses), ==, CHORUS_NETLINK_DONE);
  g_assert_false (dump->interrupted);

  _chorus_netlink_dump_finish (dump);
  g_assert_cmpuint (dump->links->len, ==, 3);

  info = link_at (dump, 0);
  g_assert_cmpuint (info->index, ==, 1);
  g_assert_cmpstr (info->name, ==, "lo");
  g_assert_cmpuint (info->mtu, ==, 65536);
  g_assert_true (info->flags & IFF_LOOPBACK);
  assert_addresses (info, "127.0.0.1/8", "::1/128", NULL);

  info = link_at (dump, 1);
  g_assert_cmpuint (info->index, ==, 2);
  g_assert_cmpstr (info->name, ==, "eth0");
  g_assert_cmpuint (info->mtu, ==, 1500);
  g_assert_cmpuint (info->flags, ==, IFF_UP | IFF_RUNNING | IFF_MULTICAST | IFF_BROADCAST);
  assert_addresses (info, "10.77.0.1/16", "192.0.2.1/24", "fe80::1/64", "2001:db8::1/64", NULL);

  info = link_at (dump, 2);
  g_assert_cmpuint (info->index, ==, 5);
  g_assert_cmpstr (info->name, ==, "dummy0");
  g_assert_cmpuint (info->mtu, ==, 1400);
  g_assert_false (info->flags & IFF_UP);
  assert_addresses (info, NULL);
}

/* On a point-to-point link IFA_ADDRESS is the other end. */
static void
test_point_to_point (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  add_link (bytes, SEQ, 3, "tun0", IFF_UP | IFF_POINTOPOINT | IFF_MULTICAST, 1420);
  add_address (bytes, SEQ, AF_INET, 3, 32, "10.8.0.2", "10.8.0.1");
  add_address (bytes, SEQ, AF_INET6, 3, 128, "fd00::2", "fd00::1");
  g_assert_cmpint (parse (dump, bytes), ==, CHORUS_NETLINK_MORE);
  assert_addresses (link_at (dump, 0), "10.8.0.2/32", "fd00::2/128", NULL);
}

/* Answers to an earlier request, given up, are not this one's. */
static void
test_other_sequence (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  add_link (bytes, SEQ - 2, 7, "old0", IFF_UP, 1500);
  add_done (bytes, SEQ - 2, 0);
  add_link (bytes, SEQ, 8, "new0", IFF_UP, 1500);
  g_assert_cmpint (parse (dump, bytes), ==, CHORUS_NETLINK_MORE);
  g_assert_cmpuint (dump->links->len, ==, 1);
  g_assert_cmpstr (link_at (dump, 0)->name, ==, "new0");
}

static void
test_errors (void)
{
  g_autoptr(ChorusNetlinkDump) refused = _chorus_netlink_dump_new ();
  g_autoptr(ChorusNetlinkDump) acked = _chorus_netlink_dump_new ();
  g_autoptr(ChorusNetlinkDump) done_error = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GByteArray) ack = g_byte_array_new ();
  g_autoptr(GByteArray) done = g_byte_array_new ();

  add_error (bytes, SEQ, -EPERM);
  g_assert_cmpint (parse (refused, bytes), ==, CHORUS_NETLINK_FAILED);
  g_assert_cmpint (refused->error, ==, EPERM);

  /* An acknowledgement is no failure, and no end. */
  add_error (ack, SEQ, 0);
  add_link (ack, SEQ, 2, "eth0", IFF_UP, 1500);
  g_assert_cmpint (parse (acked, ack), ==, CHORUS_NETLINK_MORE);
  g_assert_cmpint (acked->error, ==, 0);
  g_assert_cmpuint (acked->links->len, ==, 1);

  add_done (done, SEQ, -EINTR);
  g_assert_cmpint (parse (done_error, done), ==, CHORUS_NETLINK_FAILED);
  g_assert_cmpint (done_error->error, ==, EINTR);
}

static void
test_interrupted (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  struct nlmsghdr header;

  add_link (bytes, SEQ, 2, "eth0", IFF_UP, 1500);
  add_done (bytes, SEQ, 0);
  memcpy (&header, bytes->data, sizeof header);
  header.nlmsg_flags |= NLM_F_DUMP_INTR;
  memcpy (bytes->data, &header, sizeof header);

  g_assert_cmpint (parse (dump, bytes), ==, CHORUS_NETLINK_DONE);
  g_assert_true (dump->interrupted);
}

static void
test_truncated (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  add_link (bytes, SEQ, 2, "eth0", IFF_UP, 1500);
  add_done (bytes, SEQ, 0);

  /* Cut anywhere: never a read past the end, and a failure unless the
   * cut falls between messages. */
  for (guint size = 0; size < bytes->len; size++)
    {
      g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
      g_autofree guint8 *copy = g_memdup2 (bytes->data, size);
      ChorusNetlinkStatus status = _chorus_netlink_dump_parse (dump, SEQ, copy, size);

      g_assert_cmpint (status, !=, CHORUS_NETLINK_DONE);
      if (status == CHORUS_NETLINK_FAILED)
        g_assert_cmpint (dump->error, ==, EPROTO);
    }
}

static void
test_odd_links (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  struct ifinfomsg body = { .ifi_index = 9, .ifi_flags = IFF_UP };
  guint start;

  /* No name, no index, index 0: nothing to offer. */
  add_link (bytes, SEQ, 4, NULL, IFF_UP, 1500);
  add_link (bytes, SEQ, 0, "zero", IFF_UP, 1500);
  add_link (bytes, SEQ, -3, "negative", IFF_UP, 1500);

  /* A name without its NUL, and with an escape sequence in it. */
  start = begin_message (bytes, RTM_NEWLINK, NLM_F_MULTI, SEQ, &body, sizeof body);
  add_attribute (bytes, IFLA_IFNAME, "e\x1b[1mx", 6);
  end_message (bytes, start);

  /* An attribute that claims more than the message holds: the rest of
   * the message is skipped, what came before stays. */
  body.ifi_index = 10;
  start = begin_message (bytes, RTM_NEWLINK, NLM_F_MULTI, SEQ, &body, sizeof body);
  add_attribute (bytes, IFLA_IFNAME, "big0", 5);
  {
    struct rtattr attribute = { .rta_len = 200, .rta_type = IFLA_MTU };

    g_byte_array_append (bytes, (const guint8 *) &attribute, sizeof attribute);
  }
  end_message (bytes, start);

  /* The same index twice: the later one wins. */
  add_link (bytes, SEQ, 11, "before", IFF_UP, 1500);
  add_link (bytes, SEQ, 11, "after", 0, 9000);

  /* Nothing to escape: kept as the kernel has it, to be looked up. */
  add_link (bytes, SEQ, 12, "back\\slash", 0, 1500);
  add_link (bytes, SEQ, 13, "tést€", 0, 1500);

  g_assert_cmpint (parse (dump, bytes), ==, CHORUS_NETLINK_MORE);
  _chorus_netlink_dump_finish (dump);

  g_assert_cmpuint (dump->links->len, ==, 5);
  g_assert_cmpuint (link_at (dump, 0)->index, ==, 9);
  g_assert_true (g_utf8_validate (link_at (dump, 0)->name, -1, NULL));
  g_assert_null (strchr (link_at (dump, 0)->name, '\x1b'));
  g_assert_cmpstr (link_at (dump, 1)->name, ==, "big0");
  g_assert_cmpuint (link_at (dump, 1)->mtu, ==, 0);
  g_assert_cmpstr (link_at (dump, 2)->name, ==, "after");
  g_assert_cmpuint (link_at (dump, 2)->mtu, ==, 9000);
  g_assert_cmpuint (link_at (dump, 2)->flags, ==, 0);
  g_assert_cmpstr (link_at (dump, 3)->name, ==, "back\\slash");
  g_assert_cmpstr (link_at (dump, 4)->name, ==, "tést€");
}

static void
test_odd_addresses (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  struct ifaddrmsg body = { .ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = 2 };
  guint start;

  add_link (bytes, SEQ, 2, "eth0", IFF_UP, 1500);
  /* Of a link the link dump did not have. */
  add_address (bytes, SEQ, AF_INET, 3, 24, "192.0.2.3", NULL);
  /* Prefixes longer than the address. */
  add_address (bytes, SEQ, AF_INET, 2, 33, "192.0.2.4", NULL);
  add_address (bytes, SEQ, AF_INET6, 2, 129, "2001:db8::4", NULL);
  /* The same twice. */
  add_address (bytes, SEQ, AF_INET, 2, 24, "192.0.2.1", NULL);
  add_address (bytes, SEQ, AF_INET, 2, 24, "192.0.2.1", NULL);
  /* An address too short for its family, and another family. */
  start = begin_message (bytes, RTM_NEWADDR, NLM_F_MULTI, SEQ, &body, sizeof body);
  add_attribute (bytes, IFA_LOCAL, "\xc0\x00", 2);
  end_message (bytes, start);
  body.ifa_family = AF_PACKET;
  start = begin_message (bytes, RTM_NEWADDR, NLM_F_MULTI, SEQ, &body, sizeof body);
  add_attribute (bytes, IFA_LOCAL, "\xc0\x00\x02\x09", 4);
  end_message (bytes, start);

  g_assert_cmpint (parse (dump, bytes), ==, CHORUS_NETLINK_MORE);
  assert_addresses (link_at (dump, 0), "192.0.2.1/24", NULL);
}

/* A link message as a little-endian kernel wrote it: lo, index 1, up,
 * loopback and running, MTU 65536. */
static const guint8 kernel_lo[] = {
  0x30, 0x00, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00,  /* length 48, RTM_NEWLINK, NLM_F_MULTI */
  0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* seq 41, port 0 */
  0x00, 0x00, 0x04, 0x03, 0x01, 0x00, 0x00, 0x00,  /* AF_UNSPEC, ARPHRD_LOOPBACK, index 1 */
  0x49, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,  /* flags UP|LOOPBACK|RUNNING|LOWER_UP */
  0x07, 0x00, 0x03, 0x00, 0x6c, 0x6f, 0x00, 0x00,  /* IFLA_IFNAME "lo" */
  0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00,  /* IFLA_MTU 65536 */
  0x14, 0x00, 0x00, 0x00,                          /* then NLMSG_DONE, */
  0x03, 0x00, 0x02, 0x00, 0x29, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* error 0 */
};

static void
test_kernel_bytes (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autofree guint8 *copy = NULL;
  ChorusLinkInfo *info;

  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    {
      g_test_skip ("the bytes are little-endian");
      return;
    }

  copy = g_memdup2 (kernel_lo, sizeof kernel_lo);
  g_assert_cmpint (_chorus_netlink_dump_parse (dump, SEQ, copy, sizeof kernel_lo), ==,
                   CHORUS_NETLINK_DONE);
  info = link_at (dump, 0);
  g_assert_cmpuint (info->index, ==, 1);
  g_assert_cmpstr (info->name, ==, "lo");
  g_assert_cmpuint (info->mtu, ==, 65536);
  g_assert_cmpuint (info->flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING), ==,
                    IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
}

typedef struct
{
  GPtrArray *names;
} Notified;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Notified   *notified)
{
  g_ptr_array_add (notified->names, g_strdup (pspec->name));
}

static gboolean
was_notified (Notified   *notified,
              const char *name)
{
  return g_ptr_array_find_with_equal_func (notified->names, name, g_str_equal, NULL);
}

/* An interface tells what changed, and only that. */
static void
test_interface_update (void)
{
  g_autoptr(ChorusNetlinkDump) dump = _chorus_netlink_dump_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(ChorusInterface) interface = NULL;
  Notified notified = { g_ptr_array_new_with_free_func (g_free) };
  ChorusLinkInfo *info;

  add_link (bytes, SEQ, 2, "eth0", IFF_UP | IFF_RUNNING | IFF_MULTICAST, 1500);
  add_address (bytes, SEQ, AF_INET, 2, 16, "10.77.0.1", NULL);
  add_address (bytes, SEQ, AF_INET6, 2, 64, NULL, "fe80::1");
  g_assert_cmpint (parse (dump, bytes), ==, CHORUS_NETLINK_MORE);
  info = link_at (dump, 0);

  interface = _chorus_interface_new (info);
  g_assert_cmpstr (chorus_interface_get_name (interface), ==, "eth0");
  g_assert_cmpuint (chorus_interface_get_index (interface), ==, 2);
  g_assert_true (chorus_interface_get_up (interface));
  g_assert_true (chorus_interface_get_running (interface));
  g_assert_true (chorus_interface_get_multicast (interface));
  g_assert_false (chorus_interface_get_loopback (interface));
  g_assert_cmpuint (chorus_interface_get_mtu (interface), ==, 1500);
  g_assert_cmpstrv (chorus_interface_get_addresses (interface),
                    ((const char *[]) { "10.77.0.1/16", "fe80::1/64", NULL }));
  g_assert_cmpstr (chorus_interface_get_label (interface), ==, "eth0 — 10.77.0.1, fe80::1");

  g_signal_connect (interface, "notify", G_CALLBACK (on_notify), &notified);

  /* The same again: nothing. */
  _chorus_interface_update (interface, info);
  g_assert_cmpuint (notified.names->len, ==, 0);

  /* Flags shown nowhere: nothing either. */
  info->flags |= IFF_PROMISC;
  _chorus_interface_update (interface, info);
  g_assert_cmpuint (notified.names->len, ==, 0);

  /* Down: no longer running either. */
  info->flags &= ~IFF_UP;
  _chorus_interface_update (interface, info);
  g_assert_false (chorus_interface_get_up (interface));
  g_assert_false (chorus_interface_get_running (interface));
  g_assert_true (was_notified (&notified, "up"));
  g_assert_true (was_notified (&notified, "running"));
  g_assert_cmpuint (notified.names->len, ==, 2);
  g_ptr_array_set_size (notified.names, 0);

  info->mtu = 9000;
  _chorus_interface_update (interface, info);
  g_assert_cmpuint (chorus_interface_get_mtu (interface), ==, 9000);
  g_assert_true (was_notified (&notified, "mtu"));
  g_assert_cmpuint (notified.names->len, ==, 1);
  g_ptr_array_set_size (notified.names, 0);

  g_ptr_array_remove_index (info->addresses, 1);
  _chorus_interface_update (interface, info);
  g_assert_cmpstrv (chorus_interface_get_addresses (interface),
                    ((const char *[]) { "10.77.0.1/16", NULL }));
  g_assert_cmpstr (chorus_interface_get_label (interface), ==, "eth0 — 10.77.0.1");
  g_assert_true (was_notified (&notified, "addresses"));
  g_assert_true (was_notified (&notified, "label"));
  g_assert_cmpuint (notified.names->len, ==, 2);
  g_ptr_array_set_size (notified.names, 0);

  g_ptr_array_set_size (info->addresses, 0);
  g_free (info->name);
  info->name = g_strdup ("lan0");
  _chorus_interface_update (interface, info);
  g_assert_cmpstr (chorus_interface_get_label (interface), ==, "lan0");
  g_assert_true (was_notified (&notified, "name"));
  g_assert_true (was_notified (&notified, "addresses"));
  g_assert_true (was_notified (&notified, "label"));
  g_assert_cmpuint (notified.names->len, ==, 3);

  g_ptr_array_unref (notified.names);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/netlink/request", test_request);
  g_test_add_func ("/netlink/links-and-addresses", test_links_and_addresses);
  g_test_add_func ("/netlink/point-to-point", test_point_to_point);
  g_test_add_func ("/netlink/other-sequence", test_other_sequence);
  g_test_add_func ("/netlink/errors", test_errors);
  g_test_add_func ("/netlink/interrupted", test_interrupted);
  g_test_add_func ("/netlink/truncated", test_truncated);
  g_test_add_func ("/netlink/odd-links", test_odd_links);
  g_test_add_func ("/netlink/odd-addresses", test_odd_addresses);
  g_test_add_func ("/netlink/kernel-bytes", test_kernel_bytes);
  g_test_add_func ("/netlink/interface-update", test_interface_update);

  return g_test_run ();
}
