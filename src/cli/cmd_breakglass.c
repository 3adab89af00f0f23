/* SPDX-License-Identifier: MIT */
/* `gcas breakglass`: the BreakGlass listener (issue 4 §6, R4.5, regulation 5.6): its own routes,
 * sign-in and cookies on [breakglass] listen:port, and its own loop that revokes expired
 * emergency credentials and delivers mail — so emergency access keeps working, and ends on time,
 * while the main server and its SSO are down. Also `register`, `unregister`, `list` and `run`
 * for the operator at the console (acting as the system). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "cli/cli.h"
#include "server/server.h"
#include "svc/breakglass.h"
#include "svc/mail.h"
#include "web/web.h"

/* Seconds between runs of the listener's own loop: an emergency credential outlives its box by
 * at most this (plus the driver's time), and the requester's mail leaves this soon. */
#define BG_LOOP_PERIOD 5

static void usage(void)
{
	printf("usage: gcas breakglass [serve]\n"
	       "       gcas breakglass register --account EMAIL --env ENVIRONMENT_ID "
	       "--role requester|approver\n"
	       "       gcas breakglass unregister REGISTRATION_ID\n"
	       "       gcas breakglass list\n"
	       "       gcas breakglass run\n\n"
	       "Without a subcommand (or with serve): the BreakGlass listener on\n"
	       "[breakglass] listen and port (--breakglass-listen, --breakglass-port). It serves\n"
	       "only emergency access: its own sign-in, requests and approvals, and the local\n"
	       "cloud's emergency sign-in; it revokes credentials at expiry and delivers mail\n"
	       "itself, so it works while `gcas serve` (and SSO) is down. Links in its mail use\n"
	       "--base-url: give it this listener's public URL.\n"
	       "register / unregister / list act as the operator; run does one pass of the\n"
	       "expiry job (issue, revoke) now.\n");
}

/* ---- the listener's own loop ---- */

struct loop {
	const struct env *env;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	char owner[48];
};

struct lease_ctx {
	const char *name, *owner;
	int64_t now, until;
};

static enum gcas_err lease_tx(struct db *db, void *ctx)
{
	struct lease_ctx *c = ctx;
	return store_job_lease(db, c->name, c->owner, c->now, c->until);
}

/* Run job under the same lease name as the main server's job loop, so the two never run it at
 * once; this loop's lease is short, so the main server takes over when this listener stops. */
static void run_leased(struct loop *l, const char *name,
                       enum gcas_err (*fn)(const struct env *, int64_t *))
{
	int64_t now = clock_now(), n = 0;
	struct lease_ctx lc = {name, l->owner, now, now + BG_LOOP_PERIOD};
	if (store_tx(l->env->st, lease_tx, &lc) != GCAS_OK)
		return;
	enum gcas_err e = fn(l->env, &n);
	if (e || n) {
		char count[24];
		snprintf(count, sizeof(count), "%lld", (long long)n);
		log_msg(e ? LOG_ERROR : LOG_INFO, "job", "name", name, "result", gcas_err_name(e),
		        "count", count, NULL);
	}
}

static void *loop_main(void *arg)
{
	struct loop *l = arg;
	pthread_mutex_lock(&l->mu);
	while (!l->stop) {
		pthread_mutex_unlock(&l->mu);
		run_leased(l, "breakglass_expiry", svc_bg_run);
		run_leased(l, "mail_deliver", svc_mail_deliver);
		pthread_mutex_lock(&l->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += BG_LOOP_PERIOD;
		while (!l->stop && pthread_cond_timedwait(&l->cv, &l->mu, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

static int serve(struct cli *c)
{
	struct loop l = {.env = &c->env};
	char host[32] = "node";
	gethostname(host, sizeof(host) - 1);
	snprintf(l.owner, sizeof(l.owner), "bg-%.24s-%d", host, (int)getpid());
	pthread_mutex_init(&l.mu, NULL);
	pthread_cond_init(&l.cv, NULL);
	int started = pthread_create(&l.th, NULL, loop_main, &l) == 0;
	if (!started)
		log_msg(LOG_ERROR, "cannot start the breakglass loop", NULL);
	int rc = started ? server_run_table(&c->env, c->cfg.breakglass_listen,
	                                    c->cfg.breakglass_port, &web_bg_table)
	                 : 1;
	if (started) {
		pthread_mutex_lock(&l.mu);
		l.stop = 1;
		pthread_cond_broadcast(&l.cv);
		pthread_mutex_unlock(&l.mu);
		pthread_join(l.th, NULL);
	}
	log_msg(LOG_INFO, "stopped", NULL);
	pthread_mutex_destroy(&l.mu);
	pthread_cond_destroy(&l.cv);
	return rc;
}

/* ---- console subcommands ---- */

static int do_register(struct cli *c, const struct actor *sys)
{
	struct bg_register_input in = {cli_opt(c, "account"), cli_opt(c, "env"),
	                               cli_opt(c, "role")};
	struct bg_registration r;
	struct verrs ve = {0};
	enum gcas_err e = svc_bg_register(&c->env, sys, c->a, &in, &r, &ve);
	if (e)
		return cli_fail("cannot register", e, &ve);
	printf("%s\t%s\t%s\t%s\n", r.id, r.email, r.environment_id, bg_role_name(r.role));
	return 0;
}

static int do_unregister(struct cli *c, const struct actor *sys)
{
	enum gcas_err e = svc_bg_unregister(&c->env, sys, c->a, cli_arg(c, 1));
	if (e)
		return cli_fail("cannot unregister", e, NULL);
	printf("unregistered\n");
	return 0;
}

static int do_list(struct cli *c, const struct actor *sys)
{
	struct bg_registration *regs;
	size_t n = 0;
	enum gcas_err e = svc_bg_registrations(&c->env, sys, c->a, 0, NULL, &regs, &n);
	if (e)
		return cli_fail("cannot list registrations", e, NULL);
	printf("# registrations: id, account, environment, role\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\n", regs[i].id, regs[i].email, regs[i].environment_id,
		       bg_role_name(regs[i].role));
	printf("# requests: id, state, requester, environment, expires (JST), last error\n");
	struct page pg = {.limit = 500};
	for (;;) {
		struct bg_request *r;
		if ((e = svc_bg_list(&c->env, sys, c->a, &pg, &r, &n)))
			return cli_fail("cannot list requests", e, NULL);
		for (size_t i = 0; i < n; i++) {
			char when[24] = "-";
			if (r[i].expires_at)
				clock_fmt_jst(when, r[i].expires_at);
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", r[i].id, bg_state_name(r[i].state),
			       r[i].requester_email ? r[i].requester_email : "-",
			       r[i].environment_id, when, r[i].last_error ? r[i].last_error : "");
		}
		if (!pg.next)
			return 0;
		pg.after = pg.next;
	}
}

static int do_run(struct cli *c)
{
	int64_t n = 0;
	enum gcas_err e = svc_bg_run(&c->env, &n);
	if (e)
		return cli_fail("breakglass run failed", e, NULL);
	printf("%lld request(s) tried\n", (long long)n);
	return 0;
}

int cmd_breakglass(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help")) {
		usage();
		return 0;
	}
	int listener = !sub || strcmp(sub, "serve") == 0;
	if (!listener && strcmp(sub, "register") != 0 && strcmp(sub, "unregister") != 0 &&
	    strcmp(sub, "list") != 0 && strcmp(sub, "run") != 0) {
		usage();
		return 64;
	}
	if (listener) {
		/* Block the stop signals in every thread; the server waits for them. */
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		signal(SIGPIPE, SIG_IGN);
		c->serving = 1;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	if (listener)
		return serve(c);
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "register") == 0)
		return do_register(c, &sys);
	if (strcmp(sub, "unregister") == 0)
		return do_unregister(c, &sys);
	if (strcmp(sub, "list") == 0)
		return do_list(c, &sys);
	return do_run(c);
}
