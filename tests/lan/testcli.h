/* testcli.h: running chorus-cli and the article's programs on a test LAN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by test-cli and test-interop. Nothing waits by sleeping:
 * receivers are awaited until they have joined (whether or not they say
 * so), and "nothing arrived" is proved by a canary sent afterwards on the
 * same path, which has to be the first thing that arrives.
 */

#pragma once

#include "testjson.h"
#include "testlan.h"

G_BEGIN_DECLS

#define GROUP          "224.3.29.71"
#define PORT           10000
#define ARTICLE_DATA   "very important data"
#define EXIT_TIMEOUT   15000
#define READY_TIMEOUT  5000

typedef struct
{
  ChorusTestLan *lan;
  GPtrArray *members;     /* receivers started, ChorusTestProc */
  GArray *member_hosts;   /* and their hosts */
} Fixture;

#define SKIP_WITHOUT_LAN(fx)                                                     \
  G_STMT_START                                                                   \
  {                                                                              \
    if ((fx)->lan == NULL)                                                       \
      return;                                                                    \
  }                                                                              \
  G_STMT_END


const char     *cli_path                   (void);
const char     *cli_python                 (void);
/* A LAN of GPOINTER_TO_UINT (data) hosts; skips without privilege. */
void            cli_fixture_setup          (Fixture            *fx,
                                            gconstpointer       data);
/* A routed LAN (chorus_test_lan_new_routed()) of n_a hosts on segment
 * A and n_b on segment B, for cli_fixture_setup_routed(). */
#define CLI_ROUTED(n_a, n_b) GUINT_TO_POINTER ((n_a) << 16 | (n_b))
void            cli_fixture_setup_routed   (Fixture            *fx,
                                            gconstpointer       data);
void            cli_fixture_teardown       (Fixture            *fx,
                                            gconstpointer       data);
ChorusTestProc *cli_spawn_argv             (Fixture            *fx,
                                            guint               host,
                                            const char * const *argv);
/* chorus-cli COMMAND ARGS… NULL on host. */
ChorusTestProc *cli_spawn_chorus           (Fixture            *fx,
                                            guint               host,
                                            const char         *command,
                                            ...) G_GNUC_NULL_TERMINATED;
/* chorus-cli receive --json ARGS… NULL on host, once it has joined. */
ChorusTestProc *cli_start_receiver         (Fixture            *fx,
                                            guint               host,
                                            ...) G_GNUC_NULL_TERMINATED;
/* The article's sender, with environment NAME=VALUE… NULL. */
ChorusTestProc *cli_spawn_article_sender   (Fixture            *fx,
                                            guint               host,
                                            ...) G_GNUC_NULL_TERMINATED;
/* The article's receiver, once it has joined. */
ChorusTestProc *cli_spawn_article_receiver (Fixture            *fx,
                                            guint               host);
/* Waits until a receiver just spawned on host has joined. */
void            cli_await_member           (Fixture            *fx,
                                            guint               host,
                                            ChorusTestProc     *proc);
/* Waits for exit, then asserts the status. */
void            cli_await_exit             (ChorusTestProc     *proc,
                                            int                 expected_status);
/* stdout as JSON objects; asserts every line is one. */
GPtrArray      *cli_json_events            (ChorusTestProc     *proc);
guint           cli_count_events           (ChorusTestProc     *proc,
                                            const char         *event);
/* The one "summary" among objects (asserted). */
JsonObject     *cli_summary_of             (GPtrArray          *objects);
/* Waits for a "message" event whose data is data (any, for NULL), and
 * at least n_wanted messages in all. Returns the first match (a new
 * reference) and, in n_total, the number of messages seen by then. */
JsonObject     *cli_await_messages         (Fixture            *fx,
                                            ChorusTestProc     *proc,
                                            const char         *data,
                                            guint               n_wanted,
                                            guint              *n_total);
JsonObject     *cli_await_message          (Fixture            *fx,
                                            ChorusTestProc     *proc,
                                            const char         *data,
                                            guint              *n_total);
/* Sends canary from host with the article's sender and waits until
 * receiver has it: whatever receiver got before arrived first. */
void            cli_send_canary            (Fixture            *fx,
                                            guint               host,
                                            ChorusTestProc     *receiver,
                                            const char         *canary,
                                            guint              *n_messages);

G_END_DECLS
