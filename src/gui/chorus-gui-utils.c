/* chorus-gui-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *clock = NULL;

  if (wall_usec <= 0)
    return g_strdup ("");

  utc = g_date_time_new_from_unix_utc (wall_usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  clock = g_date_time_format (local, "%H:%M:%S");

  return g_strdup_printf ("%s.%03d", clock, (int) ((wall_usec % G_USEC_PER_SEC) / 1000));
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
