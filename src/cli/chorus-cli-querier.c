/* chorus-cli-querier.c: chorus-cli querier, the IGMP and MLD queriers
 * of this host's links, the reports heard, and when memberships on a
 * switch that snoops will expire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With CAP_NET_RAW the watch opens its raw sockets, then the program
 * gives up every capability (capset(2) with empty sets, as ping does)
 * before it reads a single message. Without it, the program says so
 * and shows what /proc tells anyone (chorus-gmp-proc.h), and what that
 * cannot prove.
 */

#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <math.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chorus-address.h"
#include "chorus-cli-commands.h"
#include "chorus-cli-output.h"
#include "chorus-cli-run.h"
#include "chorus-error.h"
#include "chorus-gmp-proc.h"
#include "chorus-querier-watch.h"

enum {
  EXIT_HEARD = 0,
  EXIT_NOT_HEARD = 1,
};

/* Longer is surely a typo: a year. */
#define MAX_DURATION_S (365.0 * 24 * 3600)

typedef struct
{
  ChorusCliRun run;
  ChorusQuerierWatch *watch;
  guint duration_id;
  gboolean expect;
} Querier;

static const char *
family_name (int family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? "ipv6" : "ipv4";
}

static double
seconds (gint64 usec)
{
  return (double) usec / G_USEC_PER_SEC;
}

/* Capabilities */

/* Every capability, permitted, effective and inheritable, given up:
 * the sockets are open, nothing else needs them. */
static gboolean
drop_capabilities (void)
{
  struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

  return syscall (SYS_capset, &header, data) == 0;
}

/* Events */

static void
print_or_fail (ChorusCliRun *run,
               gboolean      printed)
{
  if (!printed)
    chorus_cli_run_output_failed (run);
}

static void
add_version (GString                 *line,
             const ChorusQuerierLink *link,
             guint                    version)
{
  g_string_append_printf (line, "%sv%u", chorus_querier_link_get_protocol (link), version);
}

static void
on_querier_changed (ChorusQuerierWatch      *watch,
                    const ChorusQuerierLink *link,
                    Querier                 *q)
{
  const ChorusQuerier *querier = &link->querier;
  g_autofree char *address = chorus_querier_link_address_to_string (link, querier->address);
  gint64 membership = chorus_querier_get_membership_interval_usec (querier);

  if (q->run.json)
    {
      GString *line = chorus_json_begin ("querier");

      chorus_json_add_string (line, "interface", link->interface);
      chorus_json_add_string (line, "family", family_name (link->family));
      chorus_json_add_string (line, "address", address);
      chorus_json_add_int (line, "version", querier->version);
      chorus_json_add_int (line, "max_resp_ms", querier->max_resp_ms);
      chorus_json_add_int (line, "qrv", querier->qrv);
      chorus_json_add_int (line, "qqi_s", querier->qqi_s);
      chorus_json_add_bool (line, "s_flag", querier->s_flag);
      if (querier->interval_usec > 0)
        chorus_json_add_fixed2 (line, "interval_s", seconds (querier->interval_usec));
      else
        chorus_json_add_null (line, "interval_s");
      chorus_json_add_fixed2 (line, "membership_interval_s", seconds (membership));
      print_or_fail (&q->run, chorus_json_print (line));
    }
  else
    {
      GString *line = chorus_cli_line_new ();

      g_string_append_printf (line, "%s: %s querier %s, ", link->interface,
                              chorus_querier_link_get_protocol (link), address);
      add_version (line, link, querier->version);
      g_string_append_printf (line, ", max response %.1f s", querier->max_resp_ms / 1000.0);
      if (querier->qrv > 0)
        g_string_append_printf (line, ", QRV %u", querier->qrv);
      if (querier->qqi_s > 0)
        g_string_append_printf (line, ", QQI %u s", querier->qqi_s);
      if (querier->s_flag)
        g_string_append (line, ", S flag");
      if (querier->interval_usec > 0)
        g_string_append_printf (line, ", every %.1f s", seconds (querier->interval_usec));
      g_string_append_printf (line, "; a switch that snoops keeps memberships %.1f s past a "
                              "query\n", seconds (membership));
      print_or_fail (&q->run, chorus_cli_print_line (line));
    }
}

static void
on_query (ChorusQuerierWatch       *watch,
          const ChorusQuerierLink  *link,
          const ChorusQuerierQuery *query,
          Querier                  *q)
{
  if (q->run.json)
    {
      GString *line = chorus_json_begin ("query");

      chorus_json_add_string (line, "interface", link->interface);
      chorus_json_add_string (line, "family", family_name (link->family));
      chorus_json_add_string (line, "source", query->source);
      if (query->group != NULL)
        chorus_json_add_string (line, "group", query->group);
      else
        chorus_json_add_null (line, "group");
      chorus_json_add_int (line, "version", query->version);
      chorus_json_add_int (line, "max_resp_ms", query->max_resp_ms);
      chorus_json_add_int (line, "qrv", query->qrv);
      chorus_json_add_int (line, "qqi_s", query->qqi_s);
      chorus_json_add_bool (line, "s_flag", query->s_flag);
      chorus_json_add_int (line, "n_sources", query->n_sources);
      chorus_json_add_bool (line, "from_querier", query->from_querier);
      print_or_fail (&q->run, chorus_json_print (line));
    }
  else
    {
      GString *line = chorus_cli_line_new ();

      g_string_append_printf (line, "%s: ", link->interface);
      add_version (line, link, query->version);
      if (query->group == NULL)
        g_string_append (line, " general query");
      else if (query->n_sources > 0)
        g_string_append_printf (line, " query for %s from %u sources", query->group,
                                query->n_sources);
      else
        g_string_append_printf (line, " query for %s", query->group);
      g_string_append_printf (line, " from %s, max response %.1f s%s\n", query->source,
                              query->max_resp_ms / 1000.0,
                              query->from_querier ? "" : " (not the querier)");
      print_or_fail (&q->run, chorus_cli_print_line (line));
    }
}

static void
on_report (ChorusQuerierWatch        *watch,
           const ChorusQuerierLink   *link,
           const ChorusQuerierReport *report,
           Querier                   *q)
{
  guint listed = report->sources != NULL ? g_strv_length ((char **) report->sources) : 0;

  if (q->run.json)
    {
      GString *line = chorus_json_begin ("report");

      chorus_json_add_string (line, "interface", link->interface);
      chorus_json_add_string (line, "family", family_name (link->family));
      chorus_json_add_string (line, "host", report->host);
      chorus_json_add_string (line, "group", report->group);
      chorus_json_add_int (line, "version", report->version);
      chorus_json_add_string (line, "kind", report->kind);
      chorus_json_add_bool (line, "joins", report->joins);
      chorus_json_add_strv (line, "sources", report->sources);
      chorus_json_add_int (line, "n_sources", report->n_sources);
      print_or_fail (&q->run, chorus_json_print (line));
    }
  else
    {
      GString *line = chorus_cli_line_new ();

      g_string_append_printf (line, "%s: %s ", link->interface, report->host);
      if (g_str_equal (report->kind, "join"))
        g_string_append_printf (line, "joined %s", report->group);
      else if (g_str_equal (report->kind, "leave"))
        g_string_append_printf (line, "left %s", report->group);
      else
        {
          g_string_append_printf (line, "reports %s %s {", report->group, report->kind);
          for (guint i = 0; i < listed; i++)
            g_string_append_printf (line, "%s%s", i > 0 ? ", " : "", report->sources[i]);
          if (report->n_sources > listed)
            g_string_append_printf (line, ", and %u more", report->n_sources - listed);
          g_string_append_printf (line, "}: %s", report->joins ? "listens" : "stops listening");
        }
      g_string_append (line, " (");
      add_version (line, link, report->version);
      g_string_append (line, ")\n");
      print_or_fail (&q->run, chorus_cli_print_line (line));
    }
}

static void
on_warning (ChorusQuerierWatch      *watch,
            const ChorusQuerierLink *link,
            int                      warning,
            const char              *text,
            Querier                 *q)
{
  if (q->run.json)
    {
      GString *line = chorus_json_begin ("warning");

      chorus_json_add_string (line, "interface", link->interface);
      chorus_json_add_string (line, "family", family_name (link->family));
      chorus_json_add_string (line, "code", chorus_querier_warning_to_string (warning));
      chorus_json_add_string (line, "text", text);
      print_or_fail (&q->run, chorus_json_print (line));
    }
  else
    print_or_fail (&q->run, chorus_cli_print ("warning: %s\n", text));
}

/* The summary */

/* Whether every interface watched heard a querier of some family. */
static gboolean
every_interface_heard (ChorusQuerierWatch *watch)
{
  guint n = chorus_querier_watch_get_n_links (watch);

  if (n == 0)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const ChorusQuerierLink *link = chorus_querier_watch_get_link (watch, i);
      gboolean heard = FALSE;

      for (guint j = 0; j < n; j++)
        {
          const ChorusQuerierLink *other = chorus_querier_watch_get_link (watch, j);

          if (other->ifindex == link->ifindex && chorus_querier_link_heard_querier (other))
            heard = TRUE;
        }
      if (!heard)
        return FALSE;
    }

  return TRUE;
}

static GString *
link_json (const ChorusQuerierLink *link,
           gint64                   now)
{
  const ChorusQuerier *querier = &link->querier;
  GString *object = chorus_json_object_begin ();

  chorus_json_add_string (object, "interface", link->interface);
  chorus_json_add_string (object, "family", family_name (link->family));
  if (querier->present)
    {
      g_autofree char *address = chorus_querier_link_address_to_string (link, querier->address);

      chorus_json_add_string (object, "querier", address);
      chorus_json_add_int (object, "version", querier->version);
      chorus_json_add_fixed2 (object, "expires_in_s",
                              seconds (chorus_querier_get_expiry_usec (querier,
                                                                       querier->last_query_usec)
                                       - now));
    }
  else
    {
      chorus_json_add_null (object, "querier");
      chorus_json_add_null (object, "version");
      chorus_json_add_null (object, "expires_in_s");
    }
  if (querier->second_present)
    {
      g_autofree char *second = chorus_querier_link_address_to_string (link, querier->second);

      chorus_json_add_string (object, "second_querier", second);
    }
  else
    chorus_json_add_null (object, "second_querier");
  chorus_json_add_int (object, "queries", querier->queries);
  chorus_json_add_int (object, "general_queries", querier->general_queries);
  chorus_json_add_int (object, "reports", link->reports);
  chorus_json_add_int (object, "leaves", link->leaves);
  chorus_json_add_int (object, "v3_reports", link->v3_reports);
  chorus_json_add_int (object, "records", link->records);
  chorus_json_add_int (object, "sources_unlisted", link->sources_unlisted);
  chorus_json_add_int (object, "malformed", link->malformed);
  chorus_json_add_int (object, "ignored", link->ignored);

  return object;
}

static void
append_link_text (GString                 *out,
                  const ChorusQuerierLink *link,
                  gint64                   now)
{
  const ChorusQuerier *querier = &link->querier;

  g_string_append_printf (out, "%s %s: ", link->interface, chorus_querier_link_get_protocol (link));
  if (querier->present)
    {
      g_autofree char *address = chorus_querier_link_address_to_string (link, querier->address);
      gint64 left = chorus_querier_get_expiry_usec (querier, querier->last_query_usec) - now;

      g_string_append_printf (out, "querier %s (", address);
      add_version (out, link, querier->version);
      g_string_append (out, ")");
      if (querier->second_present)
        {
          g_autofree char *second = chorus_querier_link_address_to_string (link,
                                                                           querier->second);

          g_string_append_printf (out, ", and %s also queried", second);
        }
      if (left > 0)
        g_string_append_printf (out, "; memberships expire in %.1f s unless a query comes",
                                seconds (left));
      else
        g_string_append_printf (out, "; memberships expired %.1f s ago, no query since",
                                seconds (-left));
    }
  else
    g_string_append (out, "no querier heard");
  g_string_append_printf (out,
                          "\n  %" G_GUINT64_FORMAT " %s (%" G_GUINT64_FORMAT " general), %"
                          G_GUINT64_FORMAT " %s, %" G_GUINT64_FORMAT " %s, %" G_GUINT64_FORMAT
                          " v3 %s (%" G_GUINT64_FORMAT " %s)",
                          querier->queries, querier->queries == 1 ? "query" : "queries",
                          querier->general_queries, link->reports,
                          link->reports == 1 ? "join" : "joins", link->leaves,
                          link->leaves == 1 ? "leave" : "leaves", link->v3_reports,
                          link->v3_reports == 1 ? "report" : "reports", link->records,
                          link->records == 1 ? "record" : "records");
  if (link->malformed > 0)
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " malformed", link->malformed);
  if (link->ignored > 0)
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " ignored", link->ignored);
  g_string_append_c (out, '\n');
}

static void
on_finished (ChorusQuerierWatch *watch,
             Querier            *q)
{
  gint64 now = g_get_monotonic_time ();
  gint64 elapsed = now - chorus_querier_watch_get_started_usec (watch);
  guint n = chorus_querier_watch_get_n_links (watch);
  gboolean printed;

  g_clear_handle_id (&q->duration_id, g_source_remove);
  chorus_cli_run_finish (&q->run);
  if (q->run.write_errno != 0)
    return;

  if (q->run.json)
    {
      GString *line = chorus_json_begin ("summary");
      g_autoptr(GPtrArray) links = g_ptr_array_new ();

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (links, link_json (chorus_querier_watch_get_link (watch, i), now));
      chorus_json_add_bool (line, "privileged", TRUE);
      chorus_json_add_fixed2 (line, "duration_s", seconds (elapsed));
      chorus_json_add_objects (line, "links", links);
      chorus_json_add_bool (line, "every_interface_heard", every_interface_heard (watch));
      printed = chorus_json_print (line);
    }
  else
    {
      GString *out = chorus_cli_line_new ();

      g_string_append_printf (out, "\n--- IGMP and MLD queriers, %.1f s ---\n", seconds (elapsed));
      if (n == 0)
        g_string_append (out, "no interface watched\n");
      for (guint i = 0; i < n; i++)
        append_link_text (out, chorus_querier_watch_get_link (watch, i), now);
      printed = chorus_cli_print_line (out);
    }

  if (!printed)
    chorus_cli_run_write_failed (&q->run);
}

static gboolean
on_duration (gpointer user_data)
{
  Querier *q = user_data;

  q->duration_id = 0;
  q->run.stop (q->run.service);

  return G_SOURCE_REMOVE;
}

/* Without the privilege: what /proc says */

typedef struct
{
  guint index;
  char *name;
  gboolean mld_known;
  guint64 mld_queries;
} ProcInterface;

static void
proc_interface_clear (ProcInterface *interface)
{
  g_free (interface->name);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static gboolean
read_mld_queries (const char *name,
                  guint64    *value)
{
  g_autofree char *path = g_build_filename ("/proc/net/dev_snmp6", name, NULL);
  g_autofree char *text = read_text (path);

  return text != NULL && chorus_gmp_proc_parse_snmp6 (text, "Icmp6InGroupMembQueries", value);
}

static int
read_force_version (const char *family,
                    const char *name,
                    const char *file)
{
  g_autofree char *path = g_build_filename ("/proc/sys/net", family, "conf", name, file, NULL);
  g_autofree char *text = read_text (path);

  return text != NULL ? chorus_gmp_proc_parse_force_version (text) : -1;
}

/* IFF_UP, IFF_LOOPBACK, IFF_MULTICAST as /sys has them. */
static gboolean
is_watchable (const char *name)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", name, "flags", NULL);
  g_autofree char *text = read_text (path);
  guint64 flags;

  if (text == NULL)
    return FALSE;
  flags = g_ascii_strtoull (text, NULL, 16);
  g_free (path);
  path = g_build_filename ("/sys/class/net", name, "brport", NULL);
  return (flags & IFF_UP) && (flags & IFF_MULTICAST) && !(flags & (IFF_LOOPBACK | IFF_SLAVE))
         && !g_file_test (path, G_FILE_TEST_IS_DIR);
}

static GArray *
proc_interfaces (const char *only)
{
  GArray *interfaces = g_array_new (FALSE, FALSE, sizeof (ProcInterface));
  struct if_nameindex *names = if_nameindex ();

  g_array_set_clear_func (interfaces, (GDestroyNotify) proc_interface_clear);
  for (struct if_nameindex *n = names; n != NULL && n->if_index != 0; n++)
    {
      ProcInterface interface = { n->if_index, NULL, FALSE, 0 };

      if (only != NULL ? !g_str_equal (only, n->if_name) : !is_watchable (n->if_name))
        continue;
      interface.name = g_strdup (n->if_name);
      interface.mld_known = read_mld_queries (interface.name, &interface.mld_queries);
      g_array_append_val (interfaces, interface);
    }
  if (names != NULL)
    if_freenameindex (names);

  return interfaces;
}

static ChorusGmpProc *
read_memberships (void)
{
  static const struct
  {
    const char *path;
    gboolean (*add) (ChorusGmpProc *, const char *, GError **);
  } files[] = {
    { "/proc/net/igmp", chorus_gmp_proc_add_igmp },
    { "/proc/net/igmp6", chorus_gmp_proc_add_igmp6 },
    { "/proc/net/mcfilter", chorus_gmp_proc_add_mcfilter },
    { "/proc/net/mcfilter6", chorus_gmp_proc_add_mcfilter6 },
  };
  ChorusGmpProc *proc = chorus_gmp_proc_new ();

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *text = read_text (files[i].path);
      g_autoptr(GError) error = NULL;

      if (text != NULL && !files[i].add (proc, text, &error))
        g_printerr ("chorus-cli querier: %s\n", error->message);
    }

  return proc;
}

typedef struct
{
  ChorusCliRun run;
  guint duration_id;
} ProcRun;

static void
stop_proc_run (gpointer service)
{
  ProcRun *p = service;

  g_clear_handle_id (&p->duration_id, g_source_remove);
  chorus_cli_run_finish (&p->run);
}

static gboolean
on_proc_duration (gpointer user_data)
{
  ProcRun *p = user_data;

  p->duration_id = 0;
  stop_proc_run (p);

  return G_SOURCE_REMOVE;
}

static GString *
memberships_json (ChorusGmpProcLink *link,
                  GSocketFamily      family)
{
  GString *array = g_string_new ("[");
  gboolean first = TRUE;

  for (guint i = 0; link != NULL && i < link->groups->len; i++)
    {
      ChorusGmpProcGroup *group = g_ptr_array_index (link->groups, i);
      g_autoptr(GPtrArray) sources = g_ptr_array_new ();
      GString *object;

      if (family != G_SOCKET_FAMILY_INVALID && group->family != (int) family)
        continue;
      object = chorus_json_object_begin ();
      chorus_json_add_string (object, "group", group->group);
      chorus_json_add_string (object, "family", family_name (group->family));
      chorus_json_add_int (object, "users", group->users);
      for (guint s = 0; s < group->sources->len; s++)
        {
          ChorusGmpProcSource *source = g_ptr_array_index (group->sources, s);
          GString *entry = chorus_json_object_begin ();

          chorus_json_add_string (entry, "address", source->address);
          chorus_json_add_int (entry, "include", source->include);
          chorus_json_add_int (entry, "exclude", source->exclude);
          g_ptr_array_add (sources, entry);
        }
      chorus_json_add_objects (object, "sources", sources);
      g_string_append (array, first ? "" : ",");
      g_string_append_len (array, object->str, object->len);
      g_string_append_c (array, '}');
      g_string_free (object, TRUE);
      first = FALSE;
    }
  g_string_append_c (array, ']');

  return array;
}

static const char *
igmp_column_meaning (guint version)
{
  switch (version)
    {
    case 1:
      return "an IGMPv1 querier was heard lately";
    case 2:
      return "an IGMPv2 querier was heard lately";
    case 3:
      return "V3 is what it says when no IGMPv1 or v2 querier was heard: it proves nothing, "
             "an IGMPv3 querier or none";
    default:
      return "not listed";
    }
}

static void
append_force (GString    *out,
              const char *protocol,
              int         version)
{
  if (version < 0)
    g_string_append_printf (out, "%s version: unknown", protocol);
  else if (version == 0)
    g_string_append_printf (out, "%s version: not forced", protocol);
  else
    g_string_append_printf (out, "%s version: forced to %s%s%d", protocol, protocol,
                            "v", version);
}

static int
run_unprivileged (GError        *why,
                  const char    *interface,
                  GSocketFamily  family,
                  double         duration,
                  gboolean       json,
                  gboolean       expect)
{
  g_autoptr(GArray) start = proc_interfaces (interface);
  g_autoptr(ChorusGmpProc) memberships = NULL;
  ProcRun p = { { 0 } };
  gint64 started = g_get_monotonic_time ();
  gboolean all_proved = start->len > 0;
  gboolean printed = TRUE;
  int status;

  g_printerr ("chorus-cli querier: %s; showing what /proc tells any process instead\n",
              why->message);

  chorus_cli_run_begin (&p.run, "querier", json, &p, stop_proc_run);
  if (duration > 0)
    p.duration_id = g_timeout_add ((guint) MIN (duration * 1000 + 0.5, G_MAXUINT), on_proc_duration,
                                   &p);
  chorus_cli_run_loop (&p.run);
  chorus_cli_run_end (&p.run);

  memberships = read_memberships ();
  for (guint i = 0; i < start->len && p.run.write_errno == 0; i++)
    {
      const ProcInterface *before = &g_array_index (start, ProcInterface, i);
      ChorusGmpProcLink *link = chorus_gmp_proc_lookup (memberships, before->index);
      guint igmp_column = link != NULL ? link->igmp_querier_version : 0;
      int force_igmp = read_force_version ("ipv4", before->name, "force_igmp_version");
      int force_mld = read_force_version ("ipv6", before->name, "force_mld_version");
      guint64 now_queries = 0;
      gboolean mld_known = before->mld_known && read_mld_queries (before->name, &now_queries);
      guint64 during = mld_known && now_queries >= before->mld_queries
                         ? now_queries - before->mld_queries : 0;
      gboolean mld_proved = family != G_SOCKET_FAMILY_IPV4 && during > 0;
      gboolean igmp_proved = family != G_SOCKET_FAMILY_IPV6 && (igmp_column == 1
                                                                || igmp_column == 2);

      if (!mld_proved && !igmp_proved)
        all_proved = FALSE;

      if (json)
        {
          GString *line = chorus_json_begin ("proc");
          GString *groups = memberships_json (link, family);

          chorus_json_add_string (line, "interface", before->name);
          if (igmp_column > 0)
            {
              char column[3] = { 'V', (char) ('0' + igmp_column), '\0' };

              chorus_json_add_string (line, "igmp_querier_column", column);
            }
          else
            chorus_json_add_null (line, "igmp_querier_column");
          chorus_json_add_bool (line, "igmp_querier_proved", igmp_proved);
          if (mld_known)
            {
              chorus_json_add_int (line, "mld_queries", now_queries);
              chorus_json_add_int (line, "mld_queries_during_run", during);
            }
          else
            {
              chorus_json_add_null (line, "mld_queries");
              chorus_json_add_null (line, "mld_queries_during_run");
            }
          chorus_json_add_bool (line, "mld_querier_proved", mld_proved);
          if (force_igmp >= 0)
            chorus_json_add_int (line, "force_igmp_version", force_igmp);
          else
            chorus_json_add_null (line, "force_igmp_version");
          if (force_mld >= 0)
            chorus_json_add_int (line, "force_mld_version", force_mld);
          else
            chorus_json_add_null (line, "force_mld_version");
          g_string_append (line, ",\"memberships\":");
          g_string_append_len (line, groups->str, groups->len);
          g_string_free (groups, TRUE);
          printed = chorus_json_print (line);
        }
      else
        {
          GString *out = chorus_cli_line_new ();

          g_string_append_printf (out, "%s:\n", before->name);
          if (family != G_SOCKET_FAMILY_IPV6)
            g_string_append_printf (out, "  IGMP: /proc/net/igmp says V%u: %s\n", igmp_column,
                                    igmp_column_meaning (igmp_column));
          if (family != G_SOCKET_FAMILY_IPV4)
            {
              if (mld_known)
                g_string_append_printf (out,
                                        "  MLD: %" G_GUINT64_FORMAT " queries during the run (%"
                                        G_GUINT64_FORMAT " counted since the interface came): "
                                        "%s\n",
                                        during, now_queries,
                                        during > 0 ? "an MLD querier is there"
                                                   : "no MLD querier asked meanwhile");
              else
                g_string_append (out, "  MLD: no counts (no IPv6 on this interface)\n");
            }
          g_string_append (out, "  ");
          append_force (out, "IGMP", force_igmp);
          g_string_append (out, ", ");
          append_force (out, "MLD", force_mld);
          g_string_append_c (out, '\n');
          for (guint g = 0; link != NULL && g < link->groups->len; g++)
            {
              ChorusGmpProcGroup *group = g_ptr_array_index (link->groups, g);

              if (family != G_SOCKET_FAMILY_INVALID && group->family != (int) family)
                continue;
              g_string_append_printf (out, "  member of %s (%u socket%s)", group->group,
                                      group->users, group->users == 1 ? "" : "s");
              for (guint s = 0; s < group->sources->len; s++)
                {
                  ChorusGmpProcSource *source = g_ptr_array_index (group->sources, s);

                  g_string_append_printf (out, "%s%s%s", s == 0 ? ", sources " : ", ",
                                          source->address,
                                          source->exclude > 0 && source->include == 0
                                            ? " (excluded)" : "");
                }
              g_string_append_c (out, '\n');
            }
          printed = chorus_cli_print_line (out);
        }
      if (!printed)
        chorus_cli_run_write_failed (&p.run);
    }

  if (p.run.write_errno == 0)
    {
      if (json)
        {
          GString *line = chorus_json_begin ("summary");

          chorus_json_add_bool (line, "privileged", FALSE);
          chorus_json_add_fixed2 (line, "duration_s",
                                  seconds (g_get_monotonic_time () - started));
          chorus_json_add_int (line, "interfaces", start->len);
          chorus_json_add_bool (line, "every_interface_heard", all_proved);
          printed = chorus_json_print (line);
        }
      else
        printed = chorus_cli_print (
          "\nWithout CAP_NET_RAW, no query or report is read: /proc shows this host's own "
          "memberships and counts MLD queries, and no file counts IGMP queries.\n");
      if (!printed)
        chorus_cli_run_write_failed (&p.run);
    }

  status = chorus_cli_run_output_status (&p.run);
  chorus_cli_run_clear (&p.run);
  if (status >= 0)
    return status;

  return expect && !all_proved ? EXIT_NOT_HEARD : EXIT_HEARD;
}

/* The command */

static gboolean
parse_duration (const char  *text,
                double      *duration,
                GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *end = NULL;
  double value = g_ascii_strtod (stripped, &end);

  if (stripped[0] == '\0' || *end != '\0' || !isfinite (value) || value <= 0
      || value > MAX_DURATION_S)
    {
      g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "The duration “%s” is not a number of seconds above 0 (and up to a year)",
                   text);
      return FALSE;
    }

  *duration = value;
  return TRUE;
}

static const char description[] =
  "Listens to IGMP and MLD on each interface: the querier (elected as routers elect it,\n"
  "lowest address first), its version and timers, how often it asks; the reports and\n"
  "leaves heard; and when memberships on a switch that snoops will expire if no query\n"
  "comes. Warns of no querier, two queriers, a querier that changed and one whose\n"
  "version rules out source-specific joins.\n"
  "\n"
  "Needs CAP_NET_RAW (root, or “setcap cap_net_raw+ep” on the program), which it gives\n"
  "up once its sockets are open. Without it, shows what /proc tells any process.\n"
  "\n"
  "Exit status: 0; 1 with --expect if an interface heard no querier, or when the\n"
  "network failed or the output could not be written; 2 for invalid input.";

int
chorus_cli_querier (int    argc,
                    char **argv)
{
  g_autofree char *interface = NULL;
  g_autofree char *duration_text = NULL;
  gboolean ipv4_only = FALSE;
  gboolean ipv6_only = FALSE;
  gboolean expect = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "interface", 'I', 0, G_OPTION_ARG_STRING, &interface,
      "Watch this interface (default: every multicast-capable one)", "NAME" },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &duration_text,
      "Stop after this long (default: until interrupted)", "SECONDS" },
    { "ipv4", '4', 0, G_OPTION_ARG_NONE, &ipv4_only, "IGMP only", NULL },
    { "ipv6", '6', 0, G_OPTION_ARG_NONE, &ipv6_only, "MLD only", NULL },
    { "expect", 0, 0, G_OPTION_ARG_NONE, &expect,
      "Exit 1 unless a querier was heard on every interface watched", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChorusQuerierWatch) watch = NULL;
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;
  double duration = 0;
  guint ifindex = 0;
  Querier q = { { 0 } };
  int status;

  context = g_option_context_new ("— the IGMP and MLD queriers of this host's links");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return chorus_cli_invalid ("querier", error);
  /* argv[1] is the command itself. */
  if (argc > 2)
    {
      g_set_error (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                   "“%s”: querier takes no arguments, only options", argv[2]);
      return chorus_cli_invalid ("querier", error);
    }
  if (ipv4_only && ipv6_only)
    {
      g_set_error_literal (&error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE,
                           "Give -4 (IGMP only) or -6 (MLD only), not both: without either, "
                           "both are watched");
      return chorus_cli_invalid ("querier", error);
    }
  family = ipv4_only ? G_SOCKET_FAMILY_IPV4 : ipv6_only ? G_SOCKET_FAMILY_IPV6
                                                        : G_SOCKET_FAMILY_INVALID;
  if ((duration_text != NULL && !parse_duration (duration_text, &duration, &error))
      || !chorus_parse_interface (interface, &ifindex, &error))
    return chorus_cli_invalid ("querier", error);

  watch = chorus_querier_watch_new ();
  chorus_querier_watch_set_interface (watch, interface);
  chorus_querier_watch_set_family (watch, family);

  if (!chorus_querier_watch_start (watch, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        return run_unprivileged (error, interface, family, duration, json, expect);
      if (g_error_matches (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_VALUE))
        return chorus_cli_invalid ("querier", error);
      g_printerr ("chorus-cli querier: %s\n", error->message);
      return EXIT_NOT_HEARD;
    }

  if (!drop_capabilities ())
    g_printerr ("chorus-cli querier: could not give up its capabilities: %s\n",
                g_strerror (errno));

  q.watch = watch;
  q.expect = expect;
  chorus_cli_run_begin (&q.run, "querier", json, watch,
                        (ChorusCliStopFunc) chorus_querier_watch_stop);
  g_signal_connect (watch, "querier-changed", G_CALLBACK (on_querier_changed), &q);
  g_signal_connect (watch, "query", G_CALLBACK (on_query), &q);
  g_signal_connect (watch, "report", G_CALLBACK (on_report), &q);
  g_signal_connect (watch, "warning", G_CALLBACK (on_warning), &q);
  g_signal_connect (watch, "finished", G_CALLBACK (on_finished), &q);

  if (chorus_querier_watch_get_n_links (watch) == 0)
    g_printerr ("chorus-cli querier: no interface is up and carries multicast\n");
  if (duration > 0)
    q.duration_id = g_timeout_add ((guint) MIN (duration * 1000 + 0.5, G_MAXUINT), on_duration,
                                   &q);

  chorus_cli_run_loop (&q.run);
  chorus_cli_run_end (&q.run);
  g_clear_handle_id (&q.duration_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (watch, &q);

  status = chorus_cli_run_output_status (&q.run);
  chorus_cli_run_clear (&q.run);
  if (status >= 0)
    return status;

  return expect && !every_interface_heard (watch) ? EXIT_NOT_HEARD : EXIT_HEARD;
}
