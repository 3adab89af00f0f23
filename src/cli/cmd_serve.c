/* SPDX-License-Identifier: MIT */
/* `gcas serve`: the web server and the job thread, until SIGTERM/SIGINT. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "base/log.h"
#include "cli/cli.h"
#include "jobs/jobs.h"
#include "server/server.h"

int cmd_serve(struct cli *c)
{
	if (cli_flag(c, "help")) {
		printf(
		    "usage: gcas serve [--db URL] [--listen ADDR] [--port N] [--threads N]\n"
		    "                  [--tls-cert PEM --tls-key PEM]\n\n"
		    "Serves the web UI and the API. Refuses a database whose schema differs from\n"
		    "this binary's (run `gcas db migrate`). SIGTERM or SIGINT stops accepting,\n"
		    "finishes in-flight requests and closes the store.\n");
		return 0;
	}
	/* Block the stop signals in every thread; server_run waits for them with sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	c->serving = 1;
	int rc = cli_open_store(c, 1);
	/* The signing keys' key file must exist: serve never creates it (a node with a fresh
	 * file could not open the keys the others sealed); `gcas init` does. */
	if (rc || (rc = cli_audit_key(c, 0, 1)) || (rc = cli_open_signer(c)))
		return rc;
	struct jobs *j = jobs_start(&c->env);
	rc = server_run(&c->env);
	jobs_stop(j);
	log_msg(LOG_INFO, "stopped", NULL);
	cli_close_signer(c);
	return rc;
}

int cmd_jobs(struct cli *c)
{
	if (cli_flag(c, "help") || !cli_arg(c, 0)) {
		printf("usage: gcas jobs run\n\nRuns every background job once (each under its "
		       "lease, as the server would).\n");
		return cli_arg(c, 0) ? 0 : 64;
	}
	/* The jobs unseal what the signer sealed (SCIM tokens, emergency credentials): they get
	 * the signer, as under `gcas serve`. */
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)) || (rc = cli_open_signer(c)))
		return rc;
	int n = jobs_run_once(&c->env, "cli");
	printf("%d job(s) run\n", n);
	return 0;
}
