/* chorus-gui-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chorus-error.h"
#include "chorus-explain.h"
#include "chorus-gui-utils-private.h"

/*
 * _chorus_field_set_error:
 * @field: an entry row and the warning icon among its suffixes
 * @error: (nullable): why the text is not valid, or %NULL when it is
 *
 * Marks the row the way GNOME marks invalid input: the `error` style
 * class, a warning icon whose tooltip is the message, and the message as
 * the accessible description of the row and of the text field inside it,
 * which is what has the focus, so that screen readers say it too.
 */
void
_chorus_field_set_error (ChorusField  *field,
                         const GError *error)
{
  GtkAccessible *accessibles[2];

  g_return_if_fail (field != NULL);
  g_return_if_fail (ADW_IS_ENTRY_ROW (field->row));

  accessibles[0] = GTK_ACCESSIBLE (field->row);
  accessibles[1] = GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (field->row)));

  if (error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (field->row), "error");
      gtk_widget_set_tooltip_text (field->icon, error->message);
      gtk_widget_set_visible (field->icon, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field->icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, error->message, -1);
      for (guint i = 0; i < G_N_ELEMENTS (accessibles); i++)
        {
          gtk_accessible_update_property (accessibles[i], GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                          error->message, -1);
          gtk_accessible_update_state (accessibles[i], GTK_ACCESSIBLE_STATE_INVALID,
                                       GTK_ACCESSIBLE_INVALID_TRUE, -1);
        }
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (field->row), "error");
      gtk_widget_set_tooltip_text (field->icon, NULL);
      gtk_widget_set_visible (field->icon, FALSE);
      for (guint i = 0; i < G_N_ELEMENTS (accessibles); i++)
        {
          gtk_accessible_reset_property (accessibles[i], GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
          gtk_accessible_reset_state (accessibles[i], GTK_ACCESSIBLE_STATE_INVALID);
        }
    }
}

/*
 * _chorus_fields_report:
 * @fields: (array length=n_fields): the fields of a page
 * @errors: (array length=n_fields): what is wrong with each, or %NULL
 * @summary: the label under the form that lists every message
 *
 * Marks each field and shows all the messages under the form.
 *
 * Returns: %TRUE if every field is valid
 */
gboolean
_chorus_fields_report (ChorusField  *const *fields,
                       const GError *const *errors,
                       guint         n_fields,
                       GtkLabel     *summary)
{
  g_autoptr(GString) messages = g_string_new (NULL);

  for (guint i = 0; i < n_fields; i++)
    {
      _chorus_field_set_error (fields[i], errors[i]);

      if (errors[i] == NULL)
        continue;
      if (messages->len > 0)
        g_string_append_c (messages, '\n');
      g_string_append (messages, errors[i]->message);
    }

  gtk_label_set_text (summary, messages->str);
  gtk_widget_set_visible (GTK_WIDGET (summary), messages->len > 0);

  return messages->len == 0;
}

gboolean
_chorus_field_has_error (ChorusField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return gtk_widget_has_css_class (GTK_WIDGET (field->row), "error");
}

/*
 * _chorus_button_set_label:
 * @button: a button
 * @label: its label, with a mnemonic underscore
 *
 * GTK 4.8 names a button after both its label property, underscore
 * included, and the label inside it: “_Send Send”. The button's name is
 * set to the label as read instead, so that screen readers (and the
 * AT-SPI tests) hear “Send”.
 */
void
_chorus_button_set_label (GtkButton  *button,
                          const char *label)
{
  g_autoptr(GString) plain = g_string_new (NULL);

  g_return_if_fail (GTK_IS_BUTTON (button));
  g_return_if_fail (label != NULL);

  gtk_button_set_label (button, label);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_' && gtk_button_get_use_underline (button))
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (plain, *p);
    }

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  plain->str, -1);
}

/*
 * _chorus_show_toast:
 * @widget: a widget inside the window's toast overlay
 * @message: plain text, shown literally
 */
void
_chorus_show_toast (GtkWidget  *widget,
                    const char *message)
{
  g_autofree char *escaped = NULL;
  GtkWidget *overlay;
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (message != NULL);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }

  /* A toast's title is Pango markup in libadwaita 1.2, and the message may
   * quote what the user typed. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

char *
_chorus_format_clock (gint64 wall_usec)
{
  /* Lists format thousands of times a second under a flood, nearly all
   * in the same second: the wall clock's second is formatted (a time
   * zone look-up) once, and only the milliseconds each time. Main
   * thread only, as every widget. */
  static gint64 cached_second = G_MININT64;
  static char cached_clock[32];
  gint64 second;

  if (wall_usec <= 0)
    return g_strdup ("");

  second = wall_usec / G_USEC_PER_SEC;
  if (second != cached_second)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (second);
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *clock = NULL;

      if (utc == NULL)
        return g_strdup ("");
      local = g_date_time_to_local (utc);
      clock = local != NULL ? g_date_time_format (local, "%H:%M:%S") : NULL;
      if (clock == NULL || strlen (clock) >= sizeof cached_clock)
        return g_strdup ("");
      memcpy (cached_clock, clock, strlen (clock) + 1);
      cached_second = second;
    }

  return g_strdup_printf ("%s.%03d", cached_clock, (int) ((wall_usec % G_USEC_PER_SEC) / 1000));
}

char *
_chorus_format_endpoint (const char *address,
                         guint       port)
{
  if (address == NULL)
    return g_strdup ("");

  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", address, port);

  return g_strdup_printf ("%s:%u", address, port);
}

/*
 * _chorus_check_interface:
 * @group: a valid group
 * @ifindex: the index of the interface chosen on the page, or 0
 *
 * Whether @group can be used with the interface chosen: a link-local or
 * interface-local IPv6 group needs one. The core's message speaks of the
 * command line's -I; the window has a row for it.
 */
gboolean
_chorus_check_interface (ChorusGroup  *group,
                         guint         ifindex,
                         GError      **error)
{
  g_autofree char *text = NULL;
  g_autofree char *address = NULL;

  g_return_val_if_fail (group != NULL, FALSE);

  if (ifindex != 0 || chorus_group_get_ifindex (group) != 0
      || !chorus_group_needs_interface (group))
    return chorus_check_group_interface (group, ifindex, error);

  text = chorus_group_to_string (group);
  address = g_inet_address_to_string (chorus_group_get_address (group));
  if (chorus_group_get_scope (group) == CHORUS_SCOPE_INTERFACE_LOCAL)
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE,
                 /* Translators: %s are an IPv6 group, then its address, as in ff01::1 */
                 _("%s is interface-local: choose an interface below, or write it as %s%%eth0"),
                 text, address);
  else
    g_set_error (error, CHORUS_ERROR, CHORUS_ERROR_INVALID_INTERFACE,
                 /* Translators: %s are an IPv6 group, then its address, as in ff02::1 */
                 _("%s is link-local: choose an interface below, or write it as %s%%eth0"), text,
                 address);

  return FALSE;
}

/*
 * _chorus_explain_group:
 * @explain: the line under the group field that says what the group is
 * @warning: the line under it for what to know before using it
 * @group: (nullable): the group typed, or its first one; %NULL while the
 *   field is not valid, whose error then says enough
 * @n_groups: how many groups were typed
 * @mtu: the chosen interface's MTU, or 0 when unknown
 * @payload: the size of what is sent, or 0 when unknown
 */
void
_chorus_explain_group (GtkLabel    *explain,
                       GtkLabel    *warning,
                       ChorusGroup *group,
                       guint        n_groups,
                       guint        mtu,
                       gsize        payload)
{
  g_autoptr(ChorusExplanation) explanation = NULL;
  g_autofree char *summary = NULL;
  const char *const *warnings;

  g_return_if_fail (GTK_IS_LABEL (explain));
  g_return_if_fail (GTK_IS_LABEL (warning));

  if (group == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (explain), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (warning), FALSE);
      return;
    }

  /* A size the group cannot carry is the message field's error already. */
  if (payload > chorus_group_get_max_payload (group))
    payload = 0;

  explanation = chorus_explain (group, mtu, payload);
  summary = chorus_explanation_get_summary (explanation);
  if (n_groups > 1)
    {
      g_autofree char *first = g_steal_pointer (&summary);

      /* Translators: %u is a number of groups, more than one; %s says
       * what the first one is */
      summary = g_strdup_printf (ngettext ("%u group; the first: %s", "%u groups; the first: %s",
                                           n_groups),
                                 n_groups, first);
    }
  gtk_label_set_text (explain, summary);
  gtk_widget_set_visible (GTK_WIDGET (explain), TRUE);

  warnings = chorus_explanation_get_warnings (explanation);
  gtk_label_set_text (warning, warnings[0] != NULL ? warnings[0] : "");
  gtk_widget_set_visible (GTK_WIDGET (warning), warnings[0] != NULL);
}
