/* fuzz.h: what every fuzz harness shares
 *
 * Each harness is one LLVMFuzzerTestOneInput(). build-aux/fuzz links it
 * with libFuzzer and the sanitizers; replay.c runs it over its committed
 * corpus in the ordinary test suite.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <gio/gio.h>

G_BEGIN_DECLS

int  LLVMFuzzerInitialize          (int           *argc,
                                    char        ***argv);
int  LLVMFuzzerTestOneInput        (const uint8_t *data,
                                    size_t         size);

/* A check that holds in every build, unlike g_assert() with
 * G_DISABLE_ASSERT. A failure aborts, which libFuzzer reports as a crash
 * with its input (GLib's fatal errors raise SIGTRAP, which it ignores). */
#define fuzz_check(expr) \
  G_STMT_START { \
    if G_LIKELY (expr) ; else \
      fuzz_fail (__FILE__, __LINE__, G_STRFUNC, #expr); \
  } G_STMT_END

G_NORETURN
void fuzz_fail                     (const char    *file,
                                    int            line,
                                    const char    *function,
                                    const char    *message);
void fuzz_check_line               (const char    *text);
void fuzz_check_error              (const GError  *error);

G_END_DECLS
