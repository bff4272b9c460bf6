/* test-exposition.c: the Prometheus text format, as Prometheus parses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include "chorus-exposition.h"

static void
test_values (void)
{
  static const struct {
    double value;
    const char *expected;
  } cases[] = {
    { 0, "0" },
    { -0.0, "0" },
    { 1, "1" },
    { 20000, "20000" },
    { 0.2, "0.2" },
    { 0.00005, "5e-05" },
    { 1.0 / 3, "0.3333333333333333" },
    { 26.2144, "26.2144" },
    { 1e300, "1e+300" },
    { -2.5, "-2.5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      chorus_exposition_append_value (out, cases[i].value);
      g_assert_cmpstr (out->str, ==, cases[i].expected);
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);

    chorus_exposition_append_value (out, NAN);
    g_string_append_c (out, ' ');
    chorus_exposition_append_value (out, INFINITY);
    g_string_append_c (out, ' ');
    chorus_exposition_append_value (out, -INFINITY);
    g_assert_cmpstr (out->str, ==, "NaN +Inf -Inf");
  }
}

/* A label value from the network (a responder's name) cannot end its
 * quotes, add a label or a line. */
static void
test_label_escaping (void)
{
  const char *labels[] = { "check", "lan", "name", "a\\b\"c\nd", NULL };
  g_autoptr(GString) out = g_string_new (NULL);

  chorus_exposition_sample (out, "chorus_probe_hops", labels, 3);
  g_assert_cmpstr (out->str, ==, "chorus_probe_hops{check=\"lan\",name=\"a\\\\b\\\"c\\nd\"} 3\n");

  g_string_truncate (out, 0);
  chorus_exposition_append_label_value (out, "bad \xff utf-8 ✓");
  g_assert_true (g_utf8_validate (out->str, -1, NULL));
  g_assert_cmpstr (out->str, ==, "bad \xef\xbf\xbd utf-8 ✓");
}

static void
test_names (void)
{
  g_assert_true (chorus_exposition_name_is_valid ("chorus_probe_sent_total"));
  g_assert_true (chorus_exposition_name_is_valid ("job:rule:ratio"));
  g_assert_false (chorus_exposition_name_is_valid ("9lives"));
  g_assert_false (chorus_exposition_name_is_valid ("with-dash"));
  g_assert_false (chorus_exposition_name_is_valid (""));
  g_assert_true (chorus_exposition_label_is_valid ("responder"));
  g_assert_false (chorus_exposition_label_is_valid ("__name__"));
  g_assert_false (chorus_exposition_label_is_valid ("a:b"));
}

static void
test_family_and_samples (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  chorus_exposition_family (out, "chorus_up", CHORUS_METRIC_GAUGE,
                            "Whether a check runs: 1, or 0\\n after \\ a failure\nsecond line");
  chorus_exposition_sample (out, "chorus_up", NULL, 1);
  g_assert_cmpstr (out->str, ==,
                   "# HELP chorus_up Whether a check runs: 1, or 0\\\\n after \\\\ a failure\\n"
                   "second line\n"
                   "# TYPE chorus_up gauge\n"
                   "chorus_up 1\n");
}

static void
test_histogram (void)
{
  const double bounds[] = { 0.001, 0.01, 0.1 };
  const guint64 counts[] = { 2, 0, 3 };
  const char *labels[] = { "check", "lan", NULL };
  g_autoptr(GString) out = g_string_new (NULL);

  chorus_exposition_histogram (out, "chorus_probe_rtt_seconds", labels, bounds, counts, 3, 0.25,
                               6);
  g_assert_cmpstr (out->str, ==,
                   "chorus_probe_rtt_seconds_bucket{check=\"lan\",le=\"0.001\"} 2\n"
                   "chorus_probe_rtt_seconds_bucket{check=\"lan\",le=\"0.01\"} 2\n"
                   "chorus_probe_rtt_seconds_bucket{check=\"lan\",le=\"0.1\"} 5\n"
                   "chorus_probe_rtt_seconds_bucket{check=\"lan\",le=\"+Inf\"} 6\n"
                   "chorus_probe_rtt_seconds_sum{check=\"lan\"} 0.25\n"
                   "chorus_probe_rtt_seconds_count{check=\"lan\"} 6\n");

  /* smokeping_prober's buckets, ascending. */
  g_assert_cmpfloat (chorus_exposition_rtt_bounds[0], ==, 0.00005);
  for (guint i = 1; i < CHORUS_EXPOSITION_RTT_BUCKETS; i++)
    g_assert_cmpfloat (chorus_exposition_rtt_bounds[i], ==, 2 * chorus_exposition_rtt_bounds[i - 1]);
}

/* A decimal comma in the locale must not reach the output. */
static void
test_locale (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *old = setlocale (LC_NUMERIC, NULL);
  g_autofree char *saved = g_strdup (old);

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("no de_DE.UTF-8 locale");
      return;
    }
  chorus_exposition_append_value (out, 0.5);
  setlocale (LC_NUMERIC, saved);
  g_assert_cmpstr (out->str, ==, "0.5");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/exposition/values", test_values);
  g_test_add_func ("/exposition/label-escaping", test_label_escaping);
  g_test_add_func ("/exposition/names", test_names);
  g_test_add_func ("/exposition/family-and-samples", test_family_and_samples);
  g_test_add_func ("/exposition/histogram", test_histogram);
  g_test_add_func ("/exposition/locale", test_locale);

  return g_test_run ();
}
