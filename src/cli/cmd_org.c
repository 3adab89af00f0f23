/* SPDX-License-Identifier: MIT */
/* `gcas org`: organisations from the command line, acting as the operator. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svc/orgs.h"

int cmd_org(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (cli_flag(c, "help") || !sub) {
		printf(
		    "usage: gcas org create agency --name NAME --type ministry|local --code CODE\n"
		    "       gcas org create project --parent AGENCY_ID --name NAME\n"
		    "       gcas org create contractor --parent PROJECT_ID --name NAME\n"
		    "       gcas org list [--kind agency|project|contractor]\n\n"
		    "Local governments are identified by their 6-digit 全国地方公共団体コード\n"
		    "(check digit verified); ministries by a short code such as \"digital\".\n");
		return sub ? 0 : 64;
	}
	int rc = cli_open_store(c, 1);
	if (rc || (rc = cli_audit_key(c, 0, 1)))
		return rc;
	struct actor sys = actor_system("cli");
	if (strcmp(sub, "create") == 0) {
		const char *kind = cli_arg(c, 1);
		int k = kind ? org_kind_parse(kind) : -1;
		if (k != ORG_AGENCY && k != ORG_PROJECT && k != ORG_CONTRACTOR) {
			fprintf(stderr, "gcas org create: say agency, project or contractor\n");
			return 64;
		}
		struct org_input in = {.name = cli_opt(c, "name"),
		                       .agency_type = cli_opt(c, "type"),
		                       .code = cli_opt(c, "code"),
		                       .parent_id = cli_opt(c, "parent")};
		struct org o;
		struct verrs ve = {0};
		enum gcas_err e =
		    svc_org_create(&c->env, &sys, c->a, (enum org_kind)k, &in, &o, &ve);
		if (e)
			return cli_fail("cannot create the organisation", e, &ve);
		printf("%s\n", o.id);
		return 0;
	}
	if (strcmp(sub, "list") == 0) {
		const char *kind = cli_opt(c, "kind");
		struct page pg = {.limit = 500};
		for (;;) {
			struct org *o;
			size_t n;
			enum gcas_err e = svc_org_list(
			    &c->env, &sys, c->a, kind ? org_kind_parse(kind) : -1, &pg, &o, &n);
			if (e)
				return cli_fail("cannot list organisations", e, NULL);
			for (size_t i = 0; i < n; i++)
				printf("%s\t%s\t%s\t%s\n", o[i].id, org_kind_name(o[i].kind),
				       o[i].code ? o[i].code : "-", o[i].name);
			if (!pg.next)
				break;
			pg.after = pg.next;
		}
		return 0;
	}
	fprintf(stderr, "gcas org: unknown subcommand \"%s\"\n", sub);
	return 64;
}
