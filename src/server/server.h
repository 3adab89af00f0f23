/* SPDX-License-Identifier: MIT */
/* The HTTP server: the libmicrohttpd adapter, the background job loop, and signal handling.
 * server_run() returns when SIGTERM or SIGINT arrives, after in-flight requests finished. */
#ifndef GCAS_SERVER_SERVER_H
#define GCAS_SERVER_SERVER_H

#include "svc/env.h"

/* Serve until SIGTERM/SIGINT. Returns 0 on a clean stop, 1 when the listener could not start
 * (reason logged). The signals must be blocked in every thread before it is called. */
int server_run(const struct env *env);

#endif
