/* SPDX-License-Identifier: MIT */
/* The HTTP server: the libmicrohttpd adapter, the background job loop, and signal handling.
 * server_run() returns when SIGTERM or SIGINT arrives, after in-flight requests finished. */
#ifndef GCAS_SERVER_SERVER_H
#define GCAS_SERVER_SERVER_H

#include "svc/env.h"

/* Serve until SIGTERM/SIGINT. Returns 0 on a clean stop, 1 when the listener could not start
 * (reason logged). The signals must be blocked in every thread before it is called. */
int server_run(const struct env *env);
/* The same for another listener (issue 4 §6: `gcas breakglass`): its own address, port and
 * route table (web/web.h struct web_table; NULL: the main table). */
struct web_table;
int server_run_table(const struct env *env, const char *address, int port,
                     const struct web_table *table);

#endif
