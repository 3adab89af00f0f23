/* SPDX-License-Identifier: MIT */
/* Shared by the subcommands of the gcas binary: parsed configuration, an arena, the store. */
#ifndef GCAS_CLI_CLI_H
#define GCAS_CLI_CLI_H

#include <stdio.h>

#include "svc/config_load.h"
#include "svc/env.h"

struct cli {
	struct config cfg;
	struct arena *a;
	struct env env;
	/* the subcommand's own arguments, configuration flags removed */
	int argc;
	char **argv;
	/* problems found while loading the file, environment and flags */
	struct config_problems load_problems;
	/* set by a command that serves HTTP before it opens the store: a connection per worker */
	int serving;
};

/* Open the store named by the configuration (creating var/ for the default SQLite path). With
 * check_schema, refuse a database whose schema differs from the binary's. A serving command
 * gets one connection per worker thread and the writer's; any other command two (one to read,
 * one to write), so a one-shot command does not open 17 PostgreSQL sessions. 0 or exit
 * status. */
int cli_open_store(struct cli *c, int check_schema);
void cli_close_store(struct cli *c);
/* Load the audit sealing key (cfg.audit_key_file, 64 hex digits) and hand it to the audit log.
 * create: make a new random key when the file is missing (gcas init). required: a missing key
 * is an error (every command that writes audit records). 0 or an exit status. */
int cli_audit_key(struct cli *c, int create, int required);
/* The key encrypting signing keys at rest ([keys] key_file), into c->cfg.keys_key; create and
 * required as for cli_audit_key. */
int cli_keys_key(struct cli *c, int create, int required);
/* Load the key file (required: `gcas init` creates it) and open the signer over the open store
 * into c->env.signer (issue 4 §4). 0 or an exit status. cli_close_store frees it too. */
int cli_open_signer(struct cli *c);
void cli_close_signer(struct cli *c);
/* Find "--name value" or "--name=value" among the subcommand's arguments; NULL when absent. */
const char *cli_opt(struct cli *c, const char *name);
/* 1 when the bare flag "--name" is present. */
int cli_flag(struct cli *c, const char *name);
/* The i-th positional argument (not starting with "--"), or NULL. */
const char *cli_arg(struct cli *c, int i);
/* Print use-case field errors, one per line, in English then Japanese. */
void cli_print_verrs(const struct verrs *ve);
/* Message and exit status for a use-case error. */
int cli_fail(const char *what, enum gcas_err e, const struct verrs *ve);

int cmd_serve(struct cli *c);
int cmd_init(struct cli *c);
int cmd_db(struct cli *c);
int cmd_org(struct cli *c);
int cmd_user(struct cli *c);
int cmd_audit(struct cli *c);
int cmd_config(struct cli *c);
int cmd_jobs(struct cli *c);
int cmd_calendar(struct cli *c);
int cmd_mail(struct cli *c);
int cmd_import(struct cli *c);
int cmd_review(struct cli *c);
int cmd_keys(struct cli *c);
int cmd_sso(struct cli *c);
int cmd_sso_client(struct cli *c); /* cmd_sso_client.c: OIDC relying parties */
int cmd_sso_sp(struct cli *c);     /* cmd_sso_sp.c: SAML service providers */
int cmd_env(struct cli *c);
int cmd_assign(struct cli *c);
int cmd_breakglass(struct cli *c);

#endif
