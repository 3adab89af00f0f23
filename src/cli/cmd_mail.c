/* SPDX-License-Identifier: MIT */
/* `gcas mail`: the operator's blocklist of list and shared addresses (R2.8) and a one-off run
 * of outbox delivery (R5.5), e.g. to flush the queue after the SMTP relay was down. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/mail.h"
#include "store/outbox.h"

static int usage(int rc)
{
	printf("usage: gcas mail block add PATTERN [--note TEXT]\n"
	       "       gcas mail block list\n"
	       "       gcas mail block remove ID\n"
	       "       gcas mail deliver\n\n"
	       "PATTERN is an address or a glob (* ? [...]) such as \"ml-*@example.go.jp\";\n"
	       "matching addresses are refused for accounts (規程 別表1). `deliver` sends every\n"
	       "due message of the outbox once (SMTP when mail.smtp_url is set, else .eml files\n"
	       "in mail.dir) and prints the counts.\n");
	return rc;
}

static int block(struct cli *c, const struct actor *sys)
{
	const char *op = cli_arg(c, 1);
	if (!op)
		return usage(64);
	if (strcmp(op, "add") == 0) {
		const char *pattern = cli_arg(c, 2);
		struct verrs ve = {0};
		if (!pattern)
			return usage(64);
		enum gcas_err e =
		    svc_mail_block_add(&c->env, sys, c->a, pattern, cli_opt(c, "note"), &ve);
		if (e)
			return cli_fail("cannot add the pattern", e, &ve);
		printf("added %s\n", pattern);
		return 0;
	}
	if (strcmp(op, "list") == 0) {
		struct mail_block *m;
		size_t n;
		enum gcas_err e = svc_mail_block_list(&c->env, sys, c->a, &m, &n);
		if (e)
			return cli_fail("cannot list the blocklist", e, NULL);
		for (size_t i = 0; i < n; i++)
			printf("%s\t%s\t%s\n", m[i].id, m[i].pattern, m[i].note ? m[i].note : "");
		return 0;
	}
	if (strcmp(op, "remove") == 0) {
		const char *id = cli_arg(c, 2);
		if (!id)
			return usage(64);
		enum gcas_err e = svc_mail_block_remove(&c->env, sys, c->a, id);
		if (e)
			return cli_fail("cannot remove the pattern", e, NULL);
		printf("removed %s\n", id);
		return 0;
	}
	fprintf(stderr, "gcas mail block: unknown operation \"%s\"\n", op);
	return 64;
}

struct count_ctx {
	int64_t queued, sent, failed;
};

static enum gcas_err count_tx(struct db *db, void *ctx)
{
	struct count_ctx *k = ctx;
	enum gcas_err e = store_outbox_count(db, "queued", &k->queued);
	if (!e)
		e = store_outbox_count(db, "sent", &k->sent);
	if (!e)
		e = store_outbox_count(db, "failed", &k->failed);
	return e;
}

static int deliver(struct cli *c)
{
	int64_t sent = 0;
	struct count_ctx k = {0};
	enum gcas_err e = svc_mail_deliver(&c->env, &sent);
	if (e)
		return cli_fail("delivery stopped", e, NULL);
	if ((e = store_run(c->env.st, count_tx, &k)))
		return cli_fail("cannot count the outbox", e, NULL);
	printf("delivered %lld now; outbox: %lld queued, %lld sent, %lld failed\n", (long long)sent,
	       (long long)k.queued, (long long)k.sent, (long long)k.failed);
	return 0;
}

int cmd_mail(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub)
		return usage(sub ? 0 : 64);
	if (strcmp(sub, "block") != 0 && strcmp(sub, "deliver") != 0) {
		fprintf(stderr, "gcas mail: unknown subcommand \"%s\"\n", sub);
		return 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	/* Mail that carries a secret is stored sealed: delivering it needs the signer. */
	if (strcmp(sub, "deliver") == 0 && (rc = cli_open_signer(c)))
		return rc;
	struct actor sys = actor_system("cli");
	return strcmp(sub, "block") == 0 ? block(c, &sys) : deliver(c);
}
