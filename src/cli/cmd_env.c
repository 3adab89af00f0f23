/* SPDX-License-Identifier: MIT */
/* `gcas env`: CSP environments from the command line (issue 4 §2, S6). Listing, approving,
 * rejecting and fulfilling run as the operator (the system actor); a request is a manager's, so
 * `env request` / `env delete` act as the account named by --as, with the same checks and audit
 * records as on the web. Exit 0 on success, 64 on bad usage, 65/66/1 from cli_fail, 75 when a
 * fulfilment attempt failed and is retried later. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "svc/environments.h"

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	        "usage: gcas env list [--project ID]\n"
	        "       gcas env requests [--state submitted|approved|rejected|fulfilled|failed]"
	        " [--project ID]\n"
	        "       gcas env request --as EMAIL --project ID --csp aws|gcp|azure|oci|sakura\n"
	        "                        --kind production|staging|development --reason TEXT"
	        " [--key KEY]\n"
	        "       gcas env delete ENV_ID --as EMAIL --reason TEXT\n"
	        "       gcas env approve REQUEST_ID [--note TEXT]\n"
	        "       gcas env reject REQUEST_ID --reason TEXT\n"
	        "       gcas env fulfil REQUEST_ID\n\n"
	        "Requests are made by an agency or project manager (--as: their address; the\n"
	        "account must be active). The operator approves; fulfilment is due 5 business\n"
	        "days after approval (R2.3) and runs through the CSP's provisioning driver.\n");
	return rc;
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_request(const struct env_request *r)
{
	printf("%s\t%s\t%s\t%s %s\tproject %s\tenvironment %s\tdue %s\tattempts %lld", r->id,
	       envreq_kind_name(r->kind), envreq_state_name(r->state), sys_csp_name(r->csp),
	       sys_env_name(r->env_kind), r->project_id, dash(r->environment_id), dash(r->due_on),
	       (long long)r->attempts);
	if (r->last_error)
		printf("\terror %s", r->last_error);
	putchar('\n');
}

static int env_list(struct cli *c, const struct actor *sys)
{
	struct page pg = {.limit = 500};
	for (;;) {
		struct environment *v;
		size_t n;
		enum gcas_err e =
		    svc_environment_list(&c->env, sys, c->a, cli_opt(c, "project"), &pg, &v, &n);
		if (e)
			return cli_fail("cannot list environments", e, NULL);
		for (size_t i = 0; i < n; i++) {
			char when[24];
			clock_fmt_jst(when, v[i].created_at);
			printf("%s\t%s\t%s %s\tproject %s\t%s\t%s\t%s\n", v[i].id,
			       env_state_name(v[i].state), sys_csp_name(v[i].csp),
			       sys_env_name(v[i].kind), v[i].project_id, v[i].driver,
			       dash(v[i].external_id), when);
		}
		if (!pg.next)
			return 0;
		pg.after = pg.next;
	}
}

static int env_requests(struct cli *c, const struct actor *sys)
{
	const char *state = cli_opt(c, "state");
	if (state && envreq_state_parse(state) < 0) {
		fprintf(stderr, "gcas env requests: unknown state \"%s\"\n", state);
		return usage(64);
	}
	struct page pg = {.limit = 500};
	for (;;) {
		struct env_request *v;
		size_t n;
		enum gcas_err e = svc_env_request_list(&c->env, sys, c->a, cli_opt(c, "project"),
		                                       state, &pg, &v, &n);
		if (e)
			return cli_fail("cannot list environment requests", e, NULL);
		for (size_t i = 0; i < n; i++)
			print_request(&v[i]);
		if (!pg.next)
			return 0;
		pg.after = pg.next;
	}
}

/* The manager named by --as. 0 or an exit status. */
static int applicant(struct cli *c, const char *verb, struct account *acc, struct actor *ac)
{
	const char *as = cli_opt(c, "as");
	if (!as || !*as) {
		fprintf(stderr, "gcas env %s: say whose request it is (--as EMAIL)\n", verb);
		return 64;
	}
	enum gcas_err e = svc_env_applicant(&c->env, c->a, as, acc, ac);
	if (e == GCAS_ERR_DENIED) {
		fprintf(stderr,
		        "gcas env %s: %s is not an active agency or project manager; only they may "
		        "request environments\n",
		        verb, as);
		return 77;
	}
	return e ? cli_fail("cannot find the applicant", e, NULL) : 0;
}

static int env_request(struct cli *c, int delete)
{
	struct account acc;
	struct actor ac;
	struct env_request r;
	struct verrs ve = {0};
	const char *verb = delete ? "delete" : "request";
	const char *target = delete ? cli_arg(c, 1) : cli_opt(c, "project");
	if (!target || !*target) {
		fprintf(stderr, "gcas env %s: say which %s\n", verb,
		        delete ? "environment (its id)" : "project team (--project ID)");
		return usage(64);
	}
	int rc = applicant(c, verb, &acc, &ac);
	if (rc)
		return rc;
	struct env_request_input in = {cli_opt(c, "csp"), cli_opt(c, "kind"), cli_opt(c, "reason"),
	                               cli_opt(c, "key")};
	enum gcas_err e = delete ? svc_env_request_delete(&c->env, &ac, c->a, target, &in, &r, &ve)
	                         : svc_env_request_create(&c->env, &ac, c->a, target, &in, &r, &ve);
	if (e)
		return cli_fail(delete ? "cannot request the deletion"
		                       : "cannot request the environment",
		                e, &ve);
	print_request(&r);
	return 0;
}

static int env_decide(struct cli *c, const struct actor *sys, int approve)
{
	const char *id = cli_arg(c, 1), *note = cli_opt(c, approve ? "note" : "reason");
	struct env_request r;
	if (!id) {
		fprintf(stderr, "gcas env %s: say which request (its id)\n",
		        approve ? "approve" : "reject");
		return usage(64);
	}
	/* A rejection is explained to the applicant (the note goes into the mail). */
	if (!approve && (!note || !*note)) {
		fprintf(stderr, "gcas env reject: give the reason (--reason TEXT)\n");
		return 64;
	}
	enum gcas_err e = svc_env_request_decide(&c->env, sys, c->a, id, approve, note, &r);
	if (e == GCAS_ERR_CONFLICT) {
		fprintf(stderr, "gcas env %s: the request is not awaiting a decision\n",
		        approve ? "approve" : "reject");
		return 65;
	}
	if (e)
		return cli_fail(approve ? "cannot approve" : "cannot reject", e, NULL);
	print_request(&r);
	return 0;
}

static int env_fulfil(struct cli *c, const struct actor *sys)
{
	const char *id = cli_arg(c, 1);
	struct env_request r;
	if (!id) {
		fprintf(stderr, "gcas env fulfil: say which request (its id)\n");
		return usage(64);
	}
	enum gcas_err e = svc_env_request_fulfil(&c->env, sys, c->a, id, &r);
	if (e == GCAS_ERR_CONFLICT) {
		fprintf(stderr, "gcas env fulfil: the request is not approved, or an attempt is "
		                "running now\n");
		return 65;
	}
	if (e)
		return cli_fail("cannot fulfil", e, NULL);
	print_request(&r);
	if (r.state == ENVREQ_FULFILLED)
		return 0;
	fprintf(stderr, "gcas env fulfil: the driver failed: %s%s\n", dash(r.last_error),
	        r.state == ENVREQ_FAILED ? " (no more attempts)" : " (it will be retried)");
	return r.state == ENVREQ_FAILED ? 1 : 75;
}

int cmd_env(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help"))
		return usage(0);
	if (!sub)
		return usage(64);
	static const char *const subs[] = {"list",    "requests", "request", "delete",
	                                   "approve", "reject",   "fulfil"};
	int known = 0;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		known |= strcmp(sub, subs[i]) == 0;
	if (!known) {
		fprintf(stderr, "gcas env: unknown subcommand \"%s\"\n", sub);
		return usage(64);
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "list") == 0)
		return env_list(c, &sys);
	if (strcmp(sub, "requests") == 0)
		return env_requests(c, &sys);
	if (strcmp(sub, "request") == 0 || strcmp(sub, "delete") == 0)
		return env_request(c, strcmp(sub, "delete") == 0);
	/* The driver may return a SCIM token, kept sealed under [keys] key_file as `gcas serve`
	 * would (svc/environments.c). */
	if (strcmp(sub, "fulfil") == 0)
		return (rc = cli_open_signer(c)) ? rc : env_fulfil(c, &sys);
	return env_decide(c, &sys, strcmp(sub, "approve") == 0);
}
