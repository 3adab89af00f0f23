/* SPDX-License-Identifier: MIT */
/* `gcas assign`: CSP users from the command line (issue 4 §3), acting as the system (operator
 * rights): add, list, revoke, sync (one SCIM push run, printing what was sent), and target
 * (point an environment's SCIM push at a URL with a bearer token read from a file). */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "cli/cli.h"
#include "svc/assignments.h"
#include "svc/scim_push.h"

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	        "usage: gcas assign add --env ID --email E --privilege admin|general\n"
	        "       gcas assign list --env ID [--all]\n"
	        "       gcas assign revoke ID\n"
	        "       gcas assign sync [--env ID] [--workers N (4)]\n"
	        "       gcas assign target --env ID --url URL --token-file FILE\n");
	return rc;
}

static int add(struct cli *c, const struct actor *sys)
{
	struct assignment as;
	struct verrs ve = {0};
	enum gcas_err e =
	    svc_assignment_add(&c->env, sys, c->a, cli_opt(c, "env"), cli_opt(c, "email"),
	                       cli_opt(c, "privilege"), &as, &ve);
	if (e)
		return cli_fail("cannot assign", e, &ve);
	printf("%s\t%s\t%s\n", as.id, as.account_email, asg_priv_name(as.priv));
	return 0;
}

static const char *state_word(const struct scim_env_status *st, const struct assignment *as)
{
	const struct scim_user_status *s = svc_scim_status_of(st, as->account_id);
	if (!as->active)
		return "revoked";
	if (!st->has_target)
		return "no-target";
	if (!s)
		return "pending";
	return s->state == SCIM_ST_PUSHED   ? "pushed"
	       : s->state == SCIM_ST_FAILED ? "failed"
	                                    : "pending";
}

static int list(struct cli *c, const struct actor *sys)
{
	struct assignment *v;
	struct scim_env_status st;
	size_t n = 0;
	const char *env_id = cli_opt(c, "env");
	enum gcas_err e =
	    svc_assignments_of_environment(&c->env, sys, c->a, env_id, !cli_flag(c, "all"), &v, &n);
	if (!e)
		e = svc_scim_status(&c->env, sys, c->a, env_id, &st);
	if (e)
		return cli_fail("cannot list assignments", e, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct scim_user_status *s = svc_scim_status_of(&st, v[i].account_id);
		printf("%s\t%s\t%s\t%s%s%s\n", v[i].id, v[i].account_email,
		       asg_priv_name(v[i].priv), state_word(&st, &v[i]), s && s->error ? "\t" : "",
		       s && s->error ? s->error : "");
	}
	return 0;
}

static int revoke(struct cli *c, const struct actor *sys)
{
	const char *id = cli_arg(c, 1);
	if (!id)
		return usage(64);
	enum gcas_err e = svc_assignment_revoke(&c->env, sys, c->a, id, NULL);
	if (e)
		return cli_fail("cannot revoke", e, NULL);
	printf("%s\trevoked\n", id);
	return 0;
}

static void print_note(void *ctx, const char *environment_id, const char *line)
{
	(void)ctx;
	printf("%s\t%s\n", environment_id, line);
}

static int push_once(struct cli *c)
{
	int64_t workers = 4;
	const char *w = cli_opt(c, "workers");
	if (w && (str_to_i64(w, &workers) || workers < 1 || workers > SCIM_WORKERS_MAX)) {
		fprintf(stderr, "gcas assign sync: --workers is 1..%d\n", SCIM_WORKERS_MAX);
		return 64;
	}
	struct scim_push_opts o = {.only_env = cli_opt(c, "env"),
	                           .workers = (int)workers,
	                           .force = 1,
	                           .note = print_note,
	                           .note_ctx = NULL};
	struct scim_push_report rep;
	int64_t t0 = clock_mono_ms();
	enum gcas_err e = svc_scim_push_run(&c->env, &o, &rep);
	if (e)
		return cli_fail("the push failed", e, NULL);
	printf("environments %lld, requests %lld, users created %lld, updated %lld, deactivated "
	       "%lld, groups created %lld, member changes %lld, corrected %lld, failures %lld, "
	       "%lld ms\n",
	       (long long)rep.environments, (long long)rep.requests, (long long)rep.users_created,
	       (long long)rep.users_updated, (long long)rep.users_deactivated,
	       (long long)rep.groups_created, (long long)rep.member_changes,
	       (long long)rep.corrected, (long long)rep.failures,
	       (long long)(clock_mono_ms() - t0));
	return rep.failures ? 1 : 0;
}

/* The token comes from a file (never the command line, which other users can read). */
static int target(struct cli *c, const struct actor *sys)
{
	const char *path = cli_opt(c, "token-file");
	char tok[512] = "";
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f || !fgets(tok, sizeof(tok), f)) {
		if (f)
			fclose(f);
		fprintf(stderr, "gcas assign target: cannot read --token-file\n");
		return 66;
	}
	fclose(f);
	str_trim(tok);
	enum gcas_err e =
	    svc_scim_target_set(&c->env, sys, cli_opt(c, "env"), cli_opt(c, "url"), tok);
	explicit_bzero(tok, sizeof(tok));
	if (e)
		return cli_fail("cannot set the SCIM target", e, NULL);
	printf("%s\t%s\n", cli_opt(c, "env"), cli_opt(c, "url"));
	return 0;
}

int cmd_assign(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help"))
		return usage(0);
	if (!sub)
		return usage(64);
	static const char *const subs[] = {"add", "list", "revoke", "sync", "target"};
	int known = 0;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		known |= strcmp(sub, subs[i]) == 0;
	if (!known) {
		fprintf(stderr, "gcas assign: unknown subcommand \"%s\"\n", sub);
		return usage(64);
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "add") == 0)
		return add(c, &sys);
	if (strcmp(sub, "list") == 0)
		return list(c, &sys);
	if (strcmp(sub, "revoke") == 0)
		return revoke(c, &sys);
	/* The push unseals each environment's SCIM token, and target seals one. */
	if ((rc = cli_open_signer(c)))
		return rc;
	return strcmp(sub, "sync") == 0 ? push_once(c) : target(c, &sys);
}
