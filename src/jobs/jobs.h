/* SPDX-License-Identifier: MIT */
/* Background jobs: a thread that runs periodic sweeps, each under a lease in the database so that
 * with several nodes only one runs a given job at a time. */
#ifndef GCAS_JOBS_JOBS_H
#define GCAS_JOBS_JOBS_H

#include "svc/env.h"

struct jobs;

/* Start the job thread. NULL when it cannot start (logged). */
struct jobs *jobs_start(const struct env *env);
/* Ask the thread to stop and wait for it. NULL is ok. */
void jobs_stop(struct jobs *j);
/* Run every due job once now (tests, `gcas jobs run`). Returns the number run. */
int jobs_run_once(const struct env *env, const char *owner);

#endif
