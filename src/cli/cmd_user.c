/* SPDX-License-Identifier: MIT */
/* `gcas user`: accounts from the command line, acting as the operator (so the certification
 * chain applies: the operator issues operators and agency managers). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/accounts.h"

static void print_link(struct cli *c, const char *link)
{
	printf("set-up link (shown once): %s/setup/%s\n", c->cfg.base_url, link);
}

int cmd_user(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf("usage: gcas user create --email ADDR --role ROLE --org ORG_ID\n"
		       "                        --family-name N --given-name N --family-kana K "
		       "--given-kana K\n"
		       "       gcas user list [--org ORG_ID]\n"
		       "       gcas user disable ID --reason TEXT | enable ID | delete ID --reason "
		       "TEXT\n"
		       "       gcas user setup-link ID\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	struct verrs ve = {0};
	enum gcas_err e;
	if (strcmp(sub, "create") == 0) {
		struct account_input in = {.email = cli_opt(c, "email"),
		                           .role = cli_opt(c, "role"),
		                           .org_id = cli_opt(c, "org"),
		                           .family_name = cli_opt(c, "family-name"),
		                           .given_name = cli_opt(c, "given-name"),
		                           .family_kana = cli_opt(c, "family-kana"),
		                           .given_kana = cli_opt(c, "given-kana")};
		struct account acc;
		const char *link = NULL;
		if ((e = svc_account_create(&c->env, &sys, c->a, &in, &acc, &link, &ve)))
			return cli_fail("cannot create the account", e, &ve);
		printf("%s\n", acc.id);
		print_link(c, link);
		return 0;
	}
	if (strcmp(sub, "list") == 0) {
		struct account_filter f = {.org_id = cli_opt(c, "org"), .role = -1, .status = -1};
		struct page pg = {.limit = 500};
		for (;;) {
			struct account *a;
			size_t n;
			if ((e = svc_account_list(&c->env, &sys, c->a, &f, &pg, &a, &n)))
				return cli_fail("cannot list accounts", e, NULL);
			for (size_t i = 0; i < n; i++)
				printf("%s\t%s\t%s\t%s\t%s %s\n", a[i].id, a[i].email,
				       role_name(a[i].role), account_status_name(a[i].status),
				       a[i].family_name, a[i].given_name);
			if (!pg.next)
				break;
			pg.after = pg.next;
		}
		return 0;
	}
	const char *id = cli_arg(c, 1);
	if (!id) {
		fprintf(stderr, "gcas user %s: give the account id\n", sub);
		return 64;
	}
	if (strcmp(sub, "setup-link") == 0) {
		const char *link;
		if ((e = svc_account_setup_link(&c->env, &sys, c->a, id, &link)))
			return cli_fail("cannot issue a set-up link", e, NULL);
		print_link(c, link);
		return 0;
	}
	static const struct {
		const char *name;
		enum account_op op;
	} ops[] = {{"disable", ACCOUNT_OP_DISABLE},
	           {"enable", ACCOUNT_OP_ENABLE},
	           {"delete", ACCOUNT_OP_DELETE}};
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(sub, ops[i].name) != 0)
			continue;
		if ((e = svc_account_set_status(&c->env, &sys, c->a, id, ops[i].op,
		                                cli_opt(c, "reason"), &ve)))
			return cli_fail("cannot change the account", e, &ve);
		printf("%s: %sd\n", id, ops[i].name);
		return 0;
	}
	fprintf(stderr, "gcas user: unknown subcommand \"%s\"\n", sub);
	return 64;
}
