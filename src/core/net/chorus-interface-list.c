/* chorus-interface-list.c: this host's network interfaces, kept up to date
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of ChorusInterface, sorted by index. The kernel is asked
 * for every link, then every address (two rtnetlink dumps, read without
 * blocking as they arrive), and the model is brought in line with the
 * answer: items that stay are updated in place and notify what changed,
 * the others come and go with items-changed. Whenever the kernel says an
 * interface or address changed, the dumps run again; changes that come
 * while they run make one more round once they are over.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "chorus-error.h"
#include "chorus-interface-list.h"
#include "chorus-interface-private.h"
#include "chorus-netlink-private.h"
#include "chorus-socket-private.h"

/* More than the kernel puts in one datagram of a dump (32 KiB at most). */
#define BUFFER_SIZE (64 * 1024)
/* Dumps the kernel said were inconsistent, or lost, in a row before we
 * say so rather than ask again. */
#define MAX_RETRIES 8

struct _ChorusInterfaceList
{
  GObject parent_instance;

  /* ChorusInterface, by index. */
  GPtrArray *items;

  ChorusLinkWatch *watch;
  GSocket *socket;
  GSource *source;
  guint8 *buffer;

  /* The dump under way, or NULL. */
  ChorusNetlinkDump *dump;
  guint32 seq;
  gboolean reading_addresses;
  /* Something changed since the dump under way began. */
  gboolean again;
  guint retries;

  gboolean loaded;
  char *problem;
};

static void chorus_interface_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChorusInterfaceList, chorus_interface_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chorus_interface_list_model_init))

enum {
  PROP_0,
  PROP_LOADED,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_dump (ChorusInterfaceList *self);

static GType
chorus_interface_list_get_item_type (GListModel *model)
{
  return CHORUS_TYPE_INTERFACE;
}

static guint
chorus_interface_list_get_n_items (GListModel *model)
{
  return CHORUS_INTERFACE_LIST (model)->items->len;
}

static gpointer
chorus_interface_list_get_item (GListModel *model,
                                guint       position)
{
  ChorusInterfaceList *self = CHORUS_INTERFACE_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
chorus_interface_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chorus_interface_list_get_item_type;
  iface->get_n_items = chorus_interface_list_get_n_items;
  iface->get_item = chorus_interface_list_get_item;
}

static void
set_problem (ChorusInterfaceList *self,
             const char          *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;

  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
set_problem_errno (ChorusInterfaceList *self,
                   int                  error)
{
  g_autofree char *problem = g_strdup_printf (_("Could not list the network interfaces: %s"),
                                              g_strerror (error));

  set_problem (self, problem);
}

/* Brings the items in line with the dump, sorted by index as they are:
 * one pass over both. */
static void
apply_dump (ChorusInterfaceList *self,
            ChorusNetlinkDump   *dump)
{
  GPtrArray *links = dump->links;
  guint i = 0;
  guint j = 0;

  while (i < self->items->len || j < links->len)
    {
      ChorusInterface *item = i < self->items->len ? g_ptr_array_index (self->items, i) : NULL;
      const ChorusLinkInfo *info = j < links->len ? g_ptr_array_index (links, j) : NULL;
      guint index = item != NULL ? chorus_interface_get_index (item) : 0;

      if (item != NULL && (info == NULL || index < info->index))
        {
          g_ptr_array_remove_index (self->items, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        }
      else if (item == NULL || info->index < index)
        {
          g_ptr_array_insert (self->items, (int) i, _chorus_interface_new (info));
          g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
          i++;
          j++;
        }
      else
        {
          _chorus_interface_update (item, info);
          i++;
          j++;
        }
    }
}

static gboolean
send_request (ChorusInterfaceList *self,
              guint16              type)
{
  guint8 request[CHORUS_NETLINK_REQUEST_SIZE];
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  gsize size;
  ssize_t sent;

  self->seq++;
  size = _chorus_netlink_build_request (request, type, self->seq);

  do
    sent = sendto (g_socket_get_fd (self->socket), request, size, MSG_DONTWAIT,
                   (struct sockaddr *) &kernel, sizeof kernel);
  while (sent < 0 && errno == EINTR);

  if (sent < 0)
    {
      set_problem_errno (self, errno);
      return FALSE;
    }

  return TRUE;
}

/* The dump is over, answered or not: start the next one if something
 * changed meanwhile, or if this one must be done again. */
static void
end_dump (ChorusInterfaceList *self,
          gboolean             retry)
{
  g_clear_pointer (&self->dump, _chorus_netlink_dump_free);

  if (retry && self->retries < MAX_RETRIES)
    {
      self->retries++;
      self->again = TRUE;
    }
  else if (retry)
    {
      set_problem_errno (self, EAGAIN);
    }

  if (self->again)
    start_dump (self);
}

static void
dump_answered (ChorusInterfaceList *self)
{
  if (!self->reading_addresses)
    {
      self->reading_addresses = TRUE;
      if (!send_request (self, RTM_GETADDR))
        end_dump (self, FALSE);
      return;
    }

  if (self->dump->interrupted)
    {
      end_dump (self, TRUE);
      return;
    }

  _chorus_netlink_dump_finish (self->dump);
  apply_dump (self, self->dump);
  self->retries = 0;
  set_problem (self, NULL);

  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }

  end_dump (self, FALSE);
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  ChorusInterfaceList *self = user_data;

  for (;;)
    {
      ssize_t n = recv (g_socket_get_fd (socket), self->buffer, BUFFER_SIZE,
                        MSG_DONTWAIT | MSG_TRUNC);
      ChorusNetlinkStatus status;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;

      if (n < 0 || n > BUFFER_SIZE)
        {
          int error = n < 0 ? errno : EMSGSIZE;

          /* ENOBUFS: part of the answer was lost; ask again. */
          if (self->dump != NULL)
            {
              if (error != ENOBUFS)
                set_problem_errno (self, error);
              end_dump (self, error == ENOBUFS);
            }
          if (n < 0 && error != ENOBUFS)
            break;
          continue;
        }

      /* Late answers to a dump given up: nobody waits for them. */
      if (self->dump == NULL)
        continue;

      status = _chorus_netlink_dump_parse (self->dump, self->seq, self->buffer, (gsize) n);
      if (status == CHORUS_NETLINK_DONE)
        {
          dump_answered (self);
        }
      else if (status == CHORUS_NETLINK_FAILED)
        {
          int error = self->dump->error;

          /* EINTR: the kernel's list changed under the dump. */
          if (error != EINTR)
            set_problem_errno (self, error);
          end_dump (self, error == EINTR);
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
start_dump (ChorusInterfaceList *self)
{
  if (self->socket == NULL)
    return;

  if (self->dump != NULL)
    {
      self->again = TRUE;
      return;
    }

  self->again = FALSE;
  self->dump = _chorus_netlink_dump_new ();
  self->reading_addresses = FALSE;

  if (!send_request (self, RTM_GETLINK))
    g_clear_pointer (&self->dump, _chorus_netlink_dump_free);
}

static gboolean
on_links_changed (gpointer user_data)
{
  start_dump (user_data);

  return G_SOURCE_CONTINUE;
}

static gboolean
open_socket (ChorusInterfaceList  *self,
             GError              **error)
{
  struct sockaddr_nl local = { .nl_family = AF_NETLINK };
  GMainContext *context;
  int fd;

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0 || bind (fd, (struct sockaddr *) &local, sizeof local) < 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_NETWORK,
                   _("Could not list the network interfaces: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  self->socket = g_socket_new_from_fd (fd, error);
  if (self->socket == NULL)
    {
      close (fd);
      return FALSE;
    }

  g_socket_set_blocking (self->socket, FALSE);
  self->buffer = g_malloc (BUFFER_SIZE);
  self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, G_SOURCE_FUNC (on_readable), self, NULL);
  context = g_main_context_ref_thread_default ();
  g_source_attach (self->source, context);
  g_main_context_unref (context);

  return TRUE;
}

static void
chorus_interface_list_constructed (GObject *object)
{
  ChorusInterfaceList *self = CHORUS_INTERFACE_LIST (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (chorus_interface_list_parent_class)->constructed (object);

  /* Watch first: a change while the first dump runs is then not missed. */
  self->watch = _chorus_link_watch_new (on_links_changed, self, &error);
  if (self->watch == NULL || !open_socket (self, &error))
    {
      set_problem (self, error->message);
      return;
    }

  start_dump (self);
}

static void
chorus_interface_list_dispose (GObject *object)
{
  ChorusInterfaceList *self = CHORUS_INTERFACE_LIST (object);

  g_clear_pointer (&self->watch, _chorus_link_watch_free);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->socket != NULL)
    {
      g_socket_close (self->socket, NULL);
      g_clear_object (&self->socket);
    }
  g_clear_pointer (&self->dump, _chorus_netlink_dump_free);
  g_ptr_array_set_size (self->items, 0);

  G_OBJECT_CLASS (chorus_interface_list_parent_class)->dispose (object);
}

static void
chorus_interface_list_finalize (GObject *object)
{
  ChorusInterfaceList *self = CHORUS_INTERFACE_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->buffer, g_free);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (chorus_interface_list_parent_class)->finalize (object);
}

static void
chorus_interface_list_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ChorusInterfaceList *self = CHORUS_INTERFACE_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chorus_interface_list_class_init (ChorusInterfaceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = chorus_interface_list_constructed;
  object_class->dispose = chorus_interface_list_dispose;
  object_class->finalize = chorus_interface_list_finalize;
  object_class->get_property = chorus_interface_list_get_property;

  /* The kernel's first answer is in; until then the list is empty. */
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  /* Why the list is not, or no longer, kept up to date; NULL while it is. */
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chorus_interface_list_init (ChorusInterfaceList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * chorus_interface_list_new:
 *
 * Starts listing the interfaces on the thread-default main context; the
 * list fills once that context runs (see #ChorusInterfaceList:loaded).
 */
ChorusInterfaceList *
chorus_interface_list_new (void)
{
  return g_object_new (CHORUS_TYPE_INTERFACE_LIST, NULL);
}

gboolean
chorus_interface_list_get_loaded (ChorusInterfaceList *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_LIST (self), FALSE);

  return self->loaded;
}

const char *
chorus_interface_list_get_problem (ChorusInterfaceList *self)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_LIST (self), NULL);

  return self->problem;
}

/**
 * chorus_interface_list_lookup:
 *
 * Returns: (transfer none) (nullable): the interface called @name now
 */
ChorusInterface *
chorus_interface_list_lookup (ChorusInterfaceList *self,
                              const char          *name)
{
  g_return_val_if_fail (CHORUS_IS_INTERFACE_LIST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      ChorusInterface *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (chorus_interface_get_name (item), name) == 0)
        return item;
    }

  return NULL;
}
