/* SPDX-License-Identifier: MIT */
/* The gcas binary: one program with subcommands (serve, init, db, org, user, audit, config,
 * jobs). Configuration comes from the INI file (--config, $GCAS_CONFIG or etc/gcas.ini when
 * present), then GCAS_* environment variables, then flags. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "cli/cli.h"

static const struct {
	const char *name;
	int (*fn)(struct cli *c);
	const char *help;
} commands[] = {
    {"serve", cmd_serve, "run the web server and background jobs"},
    {"init", cmd_init, "create or migrate the database and the first operator (R1.3)"},
    {"db", cmd_db, "db migrate | db status: manage the schema"},
    {"org", cmd_org, "org create | org list: organisations"},
    {"user", cmd_user, "user create | list | disable | enable | setup-link: accounts"},
    {"audit", cmd_audit, "audit verify | export | anchor: the tamper-evident audit log"},
    {"config", cmd_config, "config check | config show: configuration"},
    {"jobs", cmd_jobs, "jobs run: run the background jobs once"},
    {"calendar", cmd_calendar, "calendar import FILE | show YEAR: holidays (R2.10)"},
    {"mail", cmd_mail, "mail block add|list|remove: refused list addresses (R2.8)"},
    {"import", cmd_import, "import accounts FILE.csv: bulk onboarding as applications"},
    {"review", cmd_review, "review open|list|export: periodic review campaigns (R2.7)"},
    {"keys", cmd_keys, "keys generate|list|rotate|revoke: OIDC and SAML signing keys (issue 4 §4)"},
    {"sso", cmd_sso,
     "sso client add|list|remove, sso sp add|list|remove: OIDC clients and SAML SPs"},
    {"env", cmd_env, "env list|request|approve|reject|fulfil: CSP environments (issue 4 §2)"},
    {"assign", cmd_assign,
     "assign add|list|revoke, assign sync: CSP users and their SCIM push (issue 4 §3)"},
    {"breakglass", cmd_breakglass,
     "breakglass: run the emergency-access listener; breakglass register|list"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: gcas [--config FILE] [--db URL] [--port N] ... COMMAND [ARGS]\n\n"
	             "GCAS, the Government Cloud Assistant Service.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nEvery command takes --help. Configuration flags (--db, --port, --listen, "
	             "--threads, --log-level, ...) go before or after the command; see "
	             "docs/config.md.\n");
}

/* glibc hands a thread arena's free top back to the kernel (madvise) once it passes the trim
 * threshold, 128 KiB by default. SQLite frees each savepoint's journal at RELEASE, so under
 * group commit that happened thousands of times a second, each madvise then re-faulted and
 * flushing the other core's TLB (perf, ES256 redemptions: 3.7 % of the server's CPU). A 1 MiB
 * threshold keeps at most that much idle per arena (glibc makes at most 8 per core). Setting
 * it turns off glibc's moving mmap threshold, so that one is fixed at 1 MiB too: blocks
 * below it come from the heap, as the moving threshold would have let them. An operator's
 * GLIBC_TUNABLES still decides. */
static void heap_tune(void)
{
	if (getenv("GLIBC_TUNABLES"))
		return;
	mallopt(M_TRIM_THRESHOLD, 1 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	struct config_problems probs = {0};
	const char *cfg_path = NULL, *cmd = NULL;
	/* With TZ unset, glibc stats /etc/localtime on every localtime() call, and Lasso stamps
	 * each message it formats with one, several per SAML request (perf: 1.4 % of the server's
	 * CPU there). Naming that same zone file keeps the zone and drops the stat. Set before
	 * any thread starts (setenv is not thread-safe). */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	heap_tune();
	c.a = arena_new(64u * 1024u * 1024u);
	if (!c.a)
		return 70;
	config_defaults(&c.cfg);
	/* First pass: only --config, so the file is applied before environment and flags. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			cfg_path = argv[++i];
		else if (str_starts(argv[i], "--config="))
			cfg_path = argv[i] + 9;
	}
	int optional = !cfg_path;
	if (!cfg_path)
		cfg_path = config_env_path(NULL);
	if (!cfg_path) {
		cfg_path = "etc/gcas.ini";
		optional = 1;
	}
	config_load(&c.cfg, c.a, cfg_path, optional, NULL, &probs);
	/* Second pass: configuration flags anywhere, the command name, and the rest for the
	 * subcommand. */
	char **rest = arena_alloc(c.a, sizeof(char *) * (size_t)(argc + 1));
	int nrest = 0, want_help = 0;
	for (int i = 1; i < argc;) {
		if (strcmp(argv[i], "--config") == 0) {
			i += 2;
			continue;
		}
		if (str_starts(argv[i], "--config=")) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "--now") == 0 && i + 1 < argc) {
			/* A shifted clock, for tests and rehearsals ("90 days later"): it starts at
			 * EPOCH and runs on, so a server started this way still sees time pass. */
			int64_t t;
			if (str_to_i64(argv[i + 1], &t) == 0)
				clock_start_at(t);
			i += 2;
			continue;
		}
		if (config_flag_parse(&c.cfg, c.a, argc, argv, &i, &probs))
			continue;
		if (!cmd && argv[i][0] != '-') {
			cmd = argv[i++];
			continue;
		}
		if (!cmd && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0))
			want_help = 1;
		rest[nrest++] = argv[i++];
	}
	rest[nrest] = NULL;
	c.argc = nrest;
	c.argv = rest;
	if (!cmd || strcmp(cmd, "help") == 0 || want_help) {
		usage(cmd || want_help ? stdout : stderr);
		arena_free(c.a);
		return cmd || want_help ? 0 : 64;
	}
	int lvl = log_level_parse(c.cfg.log_level ? c.cfg.log_level : "info");
	log_set_level(lvl < 0 ? LOG_INFO : (enum log_level)lvl);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(cmd, commands[i].name) != 0)
			continue;
		if (strcmp(cmd, "config") != 0 && probs.n) {
			fprintf(stderr, "gcas: the configuration has problems:\n");
			config_problems_print(&probs, stderr);
			arena_free(c.a);
			return 78; /* EX_CONFIG */
		}
		c.load_problems = probs;
		int rc = commands[i].fn(&c);
		cli_close_store(&c);
		arena_free(c.a);
		return rc;
	}
	fprintf(stderr, "gcas: unknown command \"%s\"\n\n", cmd);
	usage(stderr);
	arena_free(c.a);
	return 64;
}
