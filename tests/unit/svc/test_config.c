/* SPDX-License-Identifier: MIT */
/* Configuration loading (svc/config_load.h): every key from an INI file, each kind of mistake
 * reported with its location and what was expected, environment over file, flags, the
 * cross-field checks, a print → load round trip, and docs/example files kept in step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "base/arena.h"
#include "svc/config_load.h"

static char dir[64];
static char ini_path[128];

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fwrite(text, 1, len, f);
	fclose(f);
}

/* Defaults, then the INI text as gcas.ini. */
static int load_text(struct config *c, struct arena *a, const char *text, struct config_problems *p)
{
	memset(p, 0, sizeof(*p));
	config_defaults(c);
	write_file(ini_path, text, strlen(text));
	return config_load_file(c, a, ini_path, 0, p);
}

/* 1 when some problem's location ends with where and its message contains msg. */
static int found(const struct config_problems *p, const char *where, const char *msg)
{
	size_t wl = strlen(where);
	for (int i = 0; i < p->n; i++) {
		size_t l = strlen(p->p[i].where);
		if (l >= wl && strcmp(p->p[i].where + l - wl, where) == 0 &&
		    strstr(p->p[i].msg, msg))
			return 1;
	}
	return 0;
}

static void dump(const struct config_problems *p)
{
	for (int i = 0; i < p->n; i++)
		printf("#   [%s] %s\n", p->p[i].where, p->p[i].msg);
}

#define has_problem(p, where, msg)                                                                 \
	do {                                                                                       \
		if (!ok(found(p, where, msg), "problem at %s: %s", where, msg))                    \
			dump(p);                                                                   \
	} while (0)

static int streq(const char *a, const char *b)
{
	return (a && b) ? strcmp(a, b) == 0 : a == b;
}

static int config_equal(const struct config *x, const struct config *y)
{
	return streq(x->db, y->db) && streq(x->listen, y->listen) && x->port == y->port &&
	       x->threads == y->threads && streq(x->tls_cert, y->tls_cert) &&
	       streq(x->tls_key, y->tls_key) && streq(x->trusted_proxies, y->trusted_proxies) &&
	       streq(x->base_url, y->base_url) && streq(x->issuer, y->issuer) &&
	       streq(x->log_level, y->log_level) && x->session_idle_ttl == y->session_idle_ttl &&
	       x->session_abs_ttl == y->session_abs_ttl && x->reauth_ttl == y->reauth_ttl &&
	       x->setup_link_ttl == y->setup_link_ttl && x->token_max_ttl == y->token_max_ttl &&
	       x->throttle_free == y->throttle_free && x->throttle_ip_free == y->throttle_ip_free &&
	       x->throttle_max_delay == y->throttle_max_delay && x->max_body == y->max_body &&
	       x->pw.opslimit == y->pw.opslimit && x->pw.memlimit == y->pw.memlimit &&
	       x->mail_retention == y->mail_retention && x->purpose_ttl == y->purpose_ttl &&
	       streq(x->breakglass_base_url, y->breakglass_base_url) &&
	       streq(x->audit_anchor_file, y->audit_anchor_file);
}

static void test_every_key(struct arena *a)
{
	struct config c;
	struct config_problems p;
	int r = load_text(&c, a,
	                  "\xEF\xBB\xBF; gcas test configuration\r\n"
	                  "# every key, none at its default\n"
	                  "[server]\n"
	                  "listen = ::1\n"
	                  "  port=9443  \n"
	                  "threads = 8\r\n"
	                  "tls_cert = /etc/gcas/cert.pem\n"
	                  "tls_key = \"/etc/gcas/key#1.pem\"   # quoted: keeps the #\n"
	                  "trusted_proxies = 10.0.0.1, ::1 ,192.168.1.2\n"
	                  "base_url = https://gcas.example.go.jp/\n"
	                  "\n"
	                  "[database]\n"
	                  "url = 'postgresql://gcas@db.internal:5432/gcas'\n"
	                  "[session]\n"
	                  "idle_ttl = 15m\n"
	                  "absolute_ttl = 8h\n"
	                  "reauth_ttl = 120\n"
	                  "[security]\n"
	                  "setup_link_ttl = 2d\n"
	                  "token_max_ttl = 90d\n"
	                  "throttle_free = 3\n"
	                  "throttle_ip_free = 20\n"
	                  "throttle_max_delay = 10m ; an inline comment\n"
	                  "argon2_opslimit = 3\n"
	                  "argon2_memlimit = 64 MiB\n"
	                  "issuer = \"GCAS (staging)\"\n"
	                  "[LOG]\n"
	                  "Level = WARN\n"
	                  "[http]\n"
	                  "max_body = 512KiB\n",
	                  &p);
	is_int(r, 0, "full file loads without problems");
	is_int(p.n, 0, "no problems");
	if (p.n)
		dump(&p);
	is_str(c.listen, "::1", "server.listen");
	is_int(c.port, 9443, "server.port (no spaces around =, surrounding blanks)");
	is_int(c.threads, 8, "server.threads (CRLF line end)");
	is_str(c.tls_cert, "/etc/gcas/cert.pem", "server.tls_cert");
	is_str(c.tls_key, "/etc/gcas/key#1.pem", "server.tls_key (quoted, then a comment)");
	is_str(c.trusted_proxies, "10.0.0.1,::1,192.168.1.2", "server.trusted_proxies normalised");
	is_str(c.base_url, "https://gcas.example.go.jp", "server.base_url trailing / dropped");
	is_str(c.db, "postgresql://gcas@db.internal:5432/gcas", "database.url (single quotes)");
	is_int(c.session_idle_ttl, 15 * 60, "session.idle_ttl 15m");
	is_int(c.session_abs_ttl, 8 * 3600, "session.absolute_ttl 8h");
	is_int(c.reauth_ttl, 120, "session.reauth_ttl plain seconds");
	is_int(c.setup_link_ttl, 2 * 86400, "security.setup_link_ttl 2d");
	is_int(c.token_max_ttl, 90 * 86400, "security.token_max_ttl 90d");
	is_int(c.throttle_free, 3, "security.throttle_free");
	is_int(c.throttle_ip_free, 20, "security.throttle_ip_free");
	is_int(c.throttle_max_delay, 600, "security.throttle_max_delay (inline ; comment)");
	is_int(c.pw.opslimit, 3, "security.argon2_opslimit");
	is_int(c.pw.memlimit, 64 * 1024 * 1024, "security.argon2_memlimit '64 MiB'");
	is_str(c.issuer, "GCAS (staging)", "security.issuer");
	is_str(c.log_level, "warn", "log.level (section and key case-insensitive, value folded)");
	is_int(c.max_body, 512 * 1024, "http.max_body 512KiB");
	is_int(config_check(&c, &p), -1, "check: the TLS files do not exist");

	/* The remaining unit spellings. */
	r = load_text(&c, a,
	              "[session]\nidle_ttl = 45s\nabsolute_ttl = 1d\n[http]\nmax_body = 2048\n"
	              "[security]\nargon2_memlimit = 1GiB\nthrottle_max_delay=1h\n"
	              "issuer = a \"quoted\" name\n[server]\ntls_cert =\ntrusted_proxies = \"\"\n"
	              "[database]\nurl = sqlite:/var/lib/gcas/gcas.db\n",
	              &p);
	is_int(r, 0, "second file loads");
	if (p.n)
		dump(&p);
	is_int(c.session_idle_ttl, 45, "45s");
	is_int(c.session_abs_ttl, 86400, "1d");
	is_int(c.max_body, 2048, "plain bytes");
	is_int(c.pw.memlimit, 1024 * 1024 * 1024, "1GiB");
	is_int(c.throttle_max_delay, 3600, "1h");
	is_str(c.issuer, "a \"quoted\" name", "unquoted value keeps inner quotes");
	ok(c.tls_cert == NULL, "empty tls_cert means unset");
	is_str(c.trusted_proxies, "", "empty trusted_proxies");
	is_str(c.db, "sqlite:/var/lib/gcas/gcas.db", "sqlite DSN");
}

static void test_file_errors(struct arena *a)
{
	struct config c;
	struct config_problems p;
	int r = load_text(&c, a,
	                  "[server]\n"                        /* 1 */
	                  "port = 80a\n"                      /* 2 */
	                  "prot = 81\n"                       /* 3 */
	                  "issuer = X\n"                      /* 4 */
	                  "port = 82\n"                       /* 5 */
	                  "threads = 0\n"                     /* 6 */
	                  "listen = localhost\n"              /* 7 */
	                  "trusted_proxies = 10.0.0.0/8\n"    /* 8 */
	                  "base_url = ftp://x\n"              /* 9 */
	                  "tls_cert = \"unterminated\n"       /* 10 */
	                  "tls_key = \"a\" b\n"               /* 11 */
	                  "just some words\n"                 /* 12 */
	                  "= 5\n"                             /* 13 */
	                  "[serevr]\n"                        /* 14 */
	                  "port = 1\n"                        /* 15: skipped, header reported */
	                  "[session\n"                        /* 16 */
	                  "[session] extra\n"                 /* 17 */
	                  "idle_ttl = 30 minutes\n"           /* 18 */
	                  "absolute_ttl = -1h\n"              /* 19 */
	                  "[http]\n"                          /* 20 */
	                  "max_body = 1MB\n"                  /* 21 */
	                  "[security]\n"                      /* 22 */
	                  "argon2_memlimit = 4KiB\n"          /* 23 */
	                  "argon2_opslimit = 0\n"             /* 24 */
	                  "issuer = a:b\n"                    /* 25 */
	                  "[log]\n"                           /* 26 */
	                  "level = verbose\n"                 /* 27 */
	                  "[database]\n"                      /* 28 */
	                  "url = mysql://root:hunter2@x/db\n" /* 29 */
	                  "[weird]\n"                         /* 30 */
	                  "timeout = 5\n"                     /* 31: skipped */
	                  "[security]\n"                      /* 32 */
	                  "throttle_free =\n"                 /* 33 */
	                  "[session]\n"                       /* 34 */
	                  "reauth_ttl = 5M\n"                 /* 35 */
	                  "[security]\n"                      /* 36 */
	                  "throttle_ip_free = 100001\n",      /* 37 */
	                  &p);
	is_int(r, -1, "bad file: -1");
	has_problem(&p, "gcas.ini:2",
	            "port: expected an integer 1\xE2\x80\x93"
	            "65535, got \"80a\"");
	has_problem(&p, "gcas.ini:3", "unknown key \"prot\" in [server]; did you mean \"port\"?");
	has_problem(&p, "gcas.ini:4",
	            "unknown key \"issuer\" in [server]; it belongs in [security]");
	has_problem(&p, "gcas.ini:5", "duplicate key \"port\" (already set on line 2)");
	has_problem(&p, "gcas.ini:6",
	            "threads: expected an integer 1\xE2\x80\x93"
	            "64, got \"0\"");
	has_problem(&p, "gcas.ini:7", "listen: expected an IPv4 or IPv6 address");
	has_problem(&p, "gcas.ini:8", "\"10.0.0.0/8\" is a CIDR range");
	has_problem(&p, "gcas.ini:9", "base_url: expected an http:// or https:// URL");
	has_problem(&p, "gcas.ini:10", "unterminated \" quote");
	has_problem(&p, "gcas.ini:11", "unexpected text after the closing \" quote");
	has_problem(&p, "gcas.ini:12",
	            "expected key = value or [section], got \"just some words\"");
	has_problem(&p, "gcas.ini:13", "missing key before \"=\"");
	has_problem(&p, "gcas.ini:14", "unknown section [serevr]; did you mean [server]?");
	ok(!found(&p, "gcas.ini:15", ""), "keys of an unknown section are not reported again");
	has_problem(&p, "gcas.ini:16", "section header needs a closing ]");
	has_problem(&p, "gcas.ini:17", "unexpected text after [session]");
	has_problem(&p, "gcas.ini:18",
	            "idle_ttl: expected a duration 1s\xE2\x80\x93"
	            "1d");
	has_problem(&p, "gcas.ini:18", "got \"30 minutes\"");
	has_problem(&p, "gcas.ini:19", "absolute_ttl: expected a duration");
	has_problem(&p, "gcas.ini:21",
	            "max_body: expected a size 1KiB\xE2\x80\x93"
	            "64MiB");
	has_problem(&p, "gcas.ini:21", "units are 1024-based: write KiB, MiB or GiB");
	has_problem(&p, "gcas.ini:23", "argon2_memlimit: expected a size 8KiB");
	has_problem(&p, "gcas.ini:24",
	            "argon2_opslimit: expected an integer 1\xE2\x80\x93"
	            "4294967295");
	has_problem(&p, "gcas.ini:25", "issuer: must not contain \":\"");
	has_problem(&p, "gcas.ini:27",
	            "level: expected one of debug, info, warn, error, got \"verbose\"");
	has_problem(&p, "gcas.ini:29", "url: expected sqlite:PATH or postgresql://");
	has_problem(&p, "gcas.ini:29", "mysql://root:***@x/db");
	has_problem(&p, "gcas.ini:30", "unknown section [weird]; sections are [server]");
	ok(!found(&p, "gcas.ini:31", ""), "keys of an unknown section are skipped");
	has_problem(&p, "gcas.ini:33",
	            "throttle_free: expected an integer 0\xE2\x80\x93"
	            "1000, got \"\"");
	has_problem(&p, "gcas.ini:35", "units are lower-case s, m, h, d");
	has_problem(&p, "gcas.ini:37",
	            "throttle_ip_free: expected an integer 0\xE2\x80\x93"
	            "100000, got \"100001\"");
	int leaked = 0;
	for (int i = 0; i < p.n; i++)
		leaked |= strstr(p.p[i].msg, "hunter2") != NULL;
	ok(!leaked, "a DSN password is never echoed");
	is_int(p.n, 27, "one problem per bad line, no more (27)");
	is_int(c.port, 8080, "bad and duplicate values leave the field alone");
	is_int(c.threads, 16, "threads untouched");
	is_str(c.listen, "127.0.0.1", "listen untouched");
	is_str(c.log_level, "info", "level untouched");
	is_str(c.db, "sqlite:var/gcas.db", "url untouched");

	load_text(&c, a, "port = 1\nnonsense = 2\n[server]\n", &p);
	has_problem(&p, "gcas.ini:1", "\"port\" is outside any section; put it under [server]");
	has_problem(&p, "gcas.ini:2", "unknown key \"nonsense\" outside any section");

	load_text(&c, a, "[security]\nidle_ttl = 5m\nthrotle_free = 2\nxyzzy = 1\n", &p);
	has_problem(&p, "gcas.ini:2",
	            "unknown key \"idle_ttl\" in [security]; it belongs in [session]");
	has_problem(&p, "gcas.ini:3", "did you mean \"throttle_free\"?");
	has_problem(&p, "gcas.ini:4", "its keys are setup_link_ttl, token_max_ttl");

	/* Bytes that are not text. */
	static const char bin[] = "[server]\nlisten = \xC3\x28\nport = 1\0002\n";
	memset(&p, 0, sizeof(p));
	config_defaults(&c);
	write_file(ini_path, bin, sizeof(bin) - 1);
	config_load_file(&c, a, ini_path, 0, &p);
	has_problem(&p, "gcas.ini:2", "not valid UTF-8");
	has_problem(&p, "gcas.ini:3", "NUL byte");
	is_int(c.port, 8080, "a line with a NUL is not applied");

	char *big = malloc(6000);
	memcpy(big, "[server]\nissuer = ", 18);
	memset(big + 18, 'x', 5000);
	memcpy(big + 5018, "\nport = 1234\n", 14);
	load_text(&c, a, big, &p);
	free(big);
	has_problem(&p, "gcas.ini:2", "line longer than 4095 bytes");
	is_int(c.port, 1234, "reading continues after an overlong line");

	/* Missing files. */
	memset(&p, 0, sizeof(p));
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/nope.ini", dir);
	is_int(config_load_file(&c, a, missing, 1, &p), 0, "a missing optional file is fine");
	is_int(p.n, 0, "and adds no problem");
	is_int(config_load_file(&c, a, missing, 0, &p), -1, "a missing required file is a problem");
	has_problem(&p, "nope.ini", "cannot open the configuration file: No such file");

	/* A long path keeps its tail. */
	memset(&p, 0, sizeof(p));
	char longpath[300];
	snprintf(longpath, sizeof(longpath), "%s/%0200d/gcas.ini", dir, 0);
	config_load_file(&c, a, longpath, 0, &p);
	ok(p.n == 1 && strncmp(p.p[0].where, "\xE2\x80\xA6", 3) == 0 &&
	       strstr(p.p[0].where, "/gcas.ini"),
	   "long locations are shortened from the left: %s", p.n ? p.p[0].where : "");

	/* More mistakes than the list holds. */
	char many[2048] = "[server]\n";
	for (int i = 0; i < 70; i++)
		memcpy(many + 9 + 2 * i, "x\n", 3);
	load_text(&c, a, many, &p);
	is_int(p.n, CONFIG_PROBLEMS_MAX, "the list holds 64 problems");
	is_int(p.dropped, 6, "and counts the rest");
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	config_problems_print(&p, m);
	fclose(m);
	has_str(text, "gcas.ini:2: expected key = value or [section], got \"x\"\n", "printed form");
	has_str(text, "(6 more problems not shown)\n", "dropped count printed");
	free(text);
}

static void test_env(struct arena *a)
{
	struct config c;
	struct config_problems p;
	load_text(&c, a, "[server]\nport = 9000\nthreads = 2\n", &p);
	char *env1[] = {"HOME=/root",
	                "GCAS_SERVER_PORT=9100",
	                "GCAS_DB=sqlite:/tmp/alias.db",
	                "GCAS_SESSION_IDLE_TTL=10m",
	                "GCAS_CONFIG=/etc/gcas.ini",
	                "GCAS_TEST_PG=postgresql://x",
	                "GCAS_PG_PORT=55432",
	                "GCAS_HTTP_MAX_BODY=2MiB",
	                "GCAS_SECURITY_ARGON2_OPSLIMIT=4",
	                "GCAS_LOG_LEVEL=debug",
	                "GCAS_SERVER_TRUSTED_PROXIES=127.0.0.1",
	                NULL};
	is_int(config_load_env(&c, a, env1, &p), 0, "environment applies cleanly");
	if (p.n)
		dump(&p);
	is_int(c.port, 9100, "GCAS_SERVER_PORT overrides the file");
	is_int(c.threads, 2, "a key not in the environment keeps the file's value");
	is_str(c.db, "sqlite:/tmp/alias.db", "GCAS_DB alias");
	is_int(c.session_idle_ttl, 600, "GCAS_SESSION_IDLE_TTL");
	is_int(c.max_body, 2 * 1024 * 1024, "GCAS_HTTP_MAX_BODY");
	is_int(c.pw.opslimit, 4, "GCAS_SECURITY_ARGON2_OPSLIMIT");
	is_str(c.log_level, "debug", "GCAS_LOG_LEVEL");
	is_str(c.trusted_proxies, "127.0.0.1", "GCAS_SERVER_TRUSTED_PROXIES");
	is_str(config_env_path(env1), "/etc/gcas.ini", "config_env_path reads GCAS_CONFIG");

	char *env2[] = {"GCAS_PORT=7001",
	                "GCAS_SERVER_PORT=7002",
	                "GCAS_DATABASE_URL=sqlite:/tmp/full.db",
	                "GCAS_DB=sqlite:/tmp/full.db",
	                "GCAS_SERVER_PROT=1",
	                "GCAS_server_port=1",
	                "GCAS_NOTHING_LIKE_IT=1",
	                "GCAS_SESSION_IDLE_TTL=forever",
	                "GCAS_SERVER_TLS_KEY=\x01",
	                NULL};
	memset(&p, 0, sizeof(p));
	config_defaults(&c);
	is_int(config_load_env(&c, a, env2, &p), -1, "bad environment: -1");
	is_int(c.port, 7002, "the full name wins over the alias");
	has_problem(&p, "GCAS_PORT", "GCAS_PORT and GCAS_SERVER_PORT are both set, to different");
	ok(!found(&p, "GCAS_DB", ""), "alias and full name with the same value is fine");
	has_problem(&p, "GCAS_SERVER_PROT", "unknown setting; did you mean GCAS_SERVER_PORT?");
	has_problem(&p, "GCAS_server_port", "did you mean GCAS_SERVER_PORT?");
	has_problem(&p, "GCAS_NOTHING_LIKE_IT", "variables are GCAS_<SECTION>_<KEY>");
	has_problem(&p, "GCAS_SESSION_IDLE_TTL", "idle_ttl: expected a duration");
	has_problem(&p, "GCAS_SERVER_TLS_KEY", "expected UTF-8 text without control characters");
	is_int(c.session_idle_ttl, 1800, "a bad environment value is not applied");
	is_int(p.n, 6, "six problems");

	char *env3[] = {"GCAS_PORT=7003", "GCAS_DB=postgresql://u:s3cret@h/db x", NULL};
	memset(&p, 0, sizeof(p));
	config_defaults(&c);
	config_load_env(&c, a, env3, &p);
	is_int(c.port, 7003, "GCAS_PORT alone");
	has_problem(&p, "GCAS_DB", "url: expected sqlite:PATH or postgresql://");
	ok(p.n == 1 && !strstr(p.p[0].msg, "s3cret"), "password hidden: %s", p.n ? p.p[0].msg : "");
	ok(config_env_path(env3) == NULL, "no GCAS_CONFIG");

	/* config_load: defaults, file, environment. */
	write_file(ini_path, "[server]\nport = 9000\n", 21);
	char *env4[] = {"GCAS_PORT=9200", NULL};
	memset(&p, 0, sizeof(p));
	c.port = 1;
	is_int(config_load(&c, a, ini_path, 0, env4, &p), 0, "config_load");
	is_int(c.port, 9200, "config_load: environment over file over defaults");
	is_int(c.threads, 16, "config_load starts from defaults");
}

static void test_flags(struct arena *a)
{
	struct config c;
	struct config_problems p = {0};
	char *argv[] = {"gcas",     "serve",      "--port=9001", "--log-level", "debug",
	                "--config", "x.ini",      "--db",        "--threads",   "3",
	                "--prot=1", "--max_body", "2KiB",        "--issuer=",   NULL};
	int argc = 14, i = 2;
	config_defaults(&c);
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 1, "--port=9001 recognised");
	is_int(i, 3, "one argument consumed");
	is_int(c.port, 9001, "--port=9001 applied");
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 1, "--log-level debug");
	is_int(i, 5, "two arguments consumed");
	is_str(c.log_level, "debug", "log level applied");
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 0, "--config is not a setting");
	is_int(i, 5, "nothing consumed");
	i = 7;
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 1, "--db recognised");
	is_int(i, 8, "--db followed by a flag takes no value");
	has_problem(&p, "--db", "url: needs a value");
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 1, "--threads 3");
	is_int(c.threads, 3, "threads applied");
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 0, "--prot is left to the caller");
	i = 11;
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 1, "--max_body (underscore) 2KiB");
	is_int(c.max_body, 2048, "max_body applied");
	is_int(config_flag_parse(&c, a, argc, argv, &i, &p), 1, "--issuer=");
	has_problem(&p, "--issuer", "issuer: expected a name for authenticator apps");
	is_int(i, 14, "all consumed");

	is_int(config_set(&c, a, "prot", "1", NULL, &p), -1, "unknown setting");
	has_problem(&p, "--prot", "unknown setting; did you mean --port?");
	is_int(config_set(&c, a, "server.port", "7000", "test", &p), 0, "section.key form");
	is_int(c.port, 7000, "server.port applied");
	is_int(config_set(&c, a, "session.idle-ttl", "1h", NULL, &p), 0, "section.key with dash");
	is_int(c.session_idle_ttl, 3600, "idle ttl applied");
	is_int(config_set(&c, a, "tls_cert", "/x.pem", NULL, &p), 0, "flag with underscore");
	is_str(c.tls_cert, "/x.pem", "tls_cert applied");
	is_int(config_set(&c, a, "port", "99999", "--port", &p), -1, "out of range");
	has_problem(&p, "--port",
	            "port: expected an integer 1\xE2\x80\x93"
	            "65535, got \"99999\"");
	is_int(c.port, 7000, "a bad flag is not applied");
}

/* Defaults with one change must give exactly one problem, at where, saying msg. */
#define CHECK_ONE(field_change, where, msg)                                                        \
	do {                                                                                       \
		struct config c_;                                                                  \
		struct config_problems p_ = {0};                                                   \
		config_defaults(&c_);                                                              \
		field_change;                                                                      \
		is_int(config_check(&c_, &p_), -1, "check refuses: " #field_change);               \
		has_problem(&p_, where, msg);                                                      \
		if (p_.n != 1) {                                                                   \
			ok(0, "exactly one problem for " #field_change);                           \
			dump(&p_);                                                                 \
		}                                                                                  \
	} while (0)

static void test_check(void)
{
	struct config c;
	struct config_problems p = {0};
	config_defaults(&c);
	is_int(config_check(&c, &p), 0, "defaults pass the checks");
	if (p.n)
		dump(&p);

	char cert[128], key[128];
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	write_file(cert, "-----BEGIN CERTIFICATE-----\n", 28);
	write_file(key, "-----BEGIN PRIVATE KEY-----\n", 28);
	c.tls_cert = cert;
	c.tls_key = key;
	is_int(config_check(&c, &p), 0, "TLS with both files readable passes");

	CHECK_ONE(c_.tls_cert = cert, "server.tls_key", "tls_cert is set but tls_key is not");
	CHECK_ONE(c_.tls_key = key, "server.tls_cert", "tls_key is set but tls_cert is not");
	CHECK_ONE((c_.tls_cert = cert, c_.tls_key = "/nonexistent/key.pem"), "server.tls_key",
	          "tls_key: cannot read \"/nonexistent/key.pem\": No such file");
	CHECK_ONE((c_.tls_cert = dir, c_.tls_key = key), "server.tls_cert",
	          "is not a regular file");
	CHECK_ONE(c_.session_idle_ttl = 13 * 3600, "session.idle_ttl",
	          "idle_ttl (13h) is longer than absolute_ttl (12h)");
	CHECK_ONE(c_.reauth_ttl = 13 * 3600, "session.reauth_ttl",
	          "reauth_ttl (13h) is longer than absolute_ttl (12h)");
	CHECK_ONE(c_.port = 0, "server.port",
	          "port: expected an integer 1\xE2\x80\x93"
	          "65535, got \"0\"");
	CHECK_ONE(c_.threads = 65, "server.threads",
	          "threads: expected an integer 1\xE2\x80\x93"
	          "64");
	CHECK_ONE(c_.max_body = 512, "http.max_body", "got \"512\"");
	CHECK_ONE(c_.max_body = 128u << 20, "http.max_body", "got \"128MiB\"");
	CHECK_ONE(c_.pw.opslimit = 0, "security.argon2_opslimit", "expected an integer 1");
	CHECK_ONE(c_.pw.memlimit = 1024, "security.argon2_memlimit", "got \"1KiB\"");
	CHECK_ONE(c_.throttle_max_delay = 0, "security.throttle_max_delay", "got \"0s\"");
	CHECK_ONE(c_.throttle_free = -1, "security.throttle_free", "got \"-1\"");
	CHECK_ONE(c_.token_max_ttl = 3651LL * 86400, "security.token_max_ttl", "got \"3651d\"");
	CHECK_ONE(c_.base_url = "ftp://x", "server.base_url",
	          "expected an http:// or https:// URL");
	CHECK_ONE(c_.base_url = "https://user@host", "server.base_url", "no user");
	CHECK_ONE(c_.base_url = "https://host:99999", "server.base_url", "expected an http://");
	CHECK_ONE(c_.base_url = "https://host/", "server.base_url", "must not end with \"/\"");
	CHECK_ONE(c_.base_url = NULL, "server.base_url", "base_url: not set");
	CHECK_ONE(c_.trusted_proxies = "1.2.3.4,,5.6.7.8", "server.trusted_proxies",
	          "an empty entry");
	CHECK_ONE(c_.trusted_proxies = "1.2.3.4, proxy.local", "server.trusted_proxies",
	          "\"proxy.local\" is not an address");
	CHECK_ONE(c_.db = "mysql://x", "database.url", "expected sqlite:PATH or postgresql://");
	CHECK_ONE(c_.db = "sqlite:", "database.url", "expected sqlite:PATH");
	CHECK_ONE(c_.db = NULL, "database.url", "url: not set");
	CHECK_ONE(c_.listen = "localhost", "server.listen", "host names are not resolved");
	CHECK_ONE(c_.issuer = "", "security.issuer", "issuer: not set");
	CHECK_ONE(c_.issuer = "Agency: GCAS", "security.issuer", "must not contain \":\"");
	CHECK_ONE(c_.log_level = "INFO", "log.level", "expected lower case");
	CHECK_ONE(c_.log_level = "loud", "log.level", "expected one of debug, info, warn, error");

	/* Good values of the same fields. */
	config_defaults(&c);
	c.base_url = "https://[2001:db8::1]:8443/gcas";
	c.trusted_proxies = "10.0.0.1 , 2001:db8::2";
	c.db = "postgres://gcas:pw@db/gcas?sslmode=require";
	c.listen = "0.0.0.0";
	memset(&p, 0, sizeof(p));
	is_int(config_check(&c, &p), 0, "IPv6 URL, spaced proxy list, postgres:// pass");
	if (p.n)
		dump(&p);
}

static void test_round_trip(struct arena *a)
{
	struct config c, back;
	struct config_problems p = {0};
	char path[128];
	snprintf(path, sizeof(path), "%s/printed.ini", dir);

	config_defaults(&c);
	c.listen = "::";
	c.port = 443;
	c.threads = 16;
	c.tls_cert = "/etc/gcas/a;b.pem";
	c.tls_key = "/etc/gcas/key #2.pem";
	c.trusted_proxies = "10.0.0.1,::1";
	c.base_url = "https://gcas.example.go.jp";
	c.db = "postgresql://gcas@db.internal/gcas?sslmode=verify-full";
	c.issuer = "GCAS \"prod\" ; it's #1";
	c.log_level = "error";
	c.session_idle_ttl = 90;
	c.session_abs_ttl = 36 * 3600;
	c.reauth_ttl = 7 * 60;
	c.setup_link_ttl = 3 * 86400 + 1;
	c.token_max_ttl = 30 * 86400;
	c.throttle_free = 0;
	c.throttle_ip_free = 100000;
	c.throttle_max_delay = 86400;
	c.pw.opslimit = 4;
	c.pw.memlimit = 64 * 1024 * 1024 + 1024;
	c.max_body = 1536;

	FILE *f = fopen(path, "w");
	config_print(&c, f);
	fclose(f);
	config_defaults(&back);
	is_int(config_load_file(&back, a, path, 0, &p), 0, "printed configuration loads back");
	if (p.n)
		dump(&p);
	ok(config_equal(&c, &back), "round trip gives an equal configuration");
	is_str(back.issuer, c.issuer, "issuer with quotes, ; and # survives");
	is_str(back.tls_key, c.tls_key, "path with ' #' survives");
	is_int(back.pw.memlimit, c.pw.memlimit, "memlimit not a whole MiB survives");

	config_defaults(&c);
	f = fopen(path, "w");
	config_print(&c, f);
	fclose(f);
	config_defaults(&back);
	back.port = 1;
	back.tls_cert = "/x";
	memset(&p, 0, sizeof(p));
	is_int(config_load_file(&back, a, path, 0, &p), 0, "printed defaults load back");
	ok(config_equal(&c, &back), "defaults round trip (unset tls_cert stays unset)");

	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	c.db = "postgresql://gcas:hunter2@db/gcas?password=hunter3&sslmode=require";
	config_print(&c, m);
	fclose(m);
	has_str(text, "url = \"postgresql://gcas:***@db/gcas?password=***&sslmode=require\"",
	        "print hides DSN passwords");
	ok(!strstr(text, "hunter"), "no password in printed output");
	free(text);
	text = NULL;
	m = open_memstream(&text, &len);
	c.db = "postgres://u@h/db?sslmode=require&password=hunter4";
	config_print(&c, m);
	fclose(m);
	has_str(text, "url = \"postgres://u@h/db?sslmode=require&password=***\"",
	        "print hides a trailing password parameter");
	c.db = "postgresql://gcas@db/gcas";
	has_str(text, "[server]\nlisten = \"127.0.0.1\"\nport = 8080\n", "print layout");
	has_str(text, "idle_ttl = 30m\n", "durations in their largest unit");
	has_str(text, "argon2_memlimit = 19MiB\n", "sizes in their largest unit");
	free(text);
}

/* mail.retention (a duration of days) and breakglass.base_url (empty, or a URL like
 * server.base_url): defaults, files, flags, refusals, checks and the print round trip. */
static void test_mail_breakglass(struct arena *a)
{
	struct config c, back;
	struct config_problems p;
	config_defaults(&c);
	is_int(c.mail_retention, 30 * 86400, "mail.retention defaults to 30d");
	is_str(c.breakglass_base_url, "",
	       "breakglass.base_url defaults to empty (server.base_url)");
	int r = load_text(&c, a,
	                  "[mail]\nretention = 7d\n[breakglass]\n"
	                  "base_url = https://bg.example.go.jp:8444/\n",
	                  &p);
	is_int(r, 0, "mail.retention and breakglass.base_url load");
	if (p.n)
		dump(&p);
	is_int(c.mail_retention, 7 * 86400, "mail.retention 7d");
	is_str(c.breakglass_base_url, "https://bg.example.go.jp:8444",
	       "breakglass.base_url, trailing / dropped");
	is_int(config_check(&c, &p), 0, "and pass the checks");
	r = load_text(&c, a, "[breakglass]\nbase_url =\n", &p);
	is_int(r, 0, "an empty breakglass.base_url is accepted");
	is_str(c.breakglass_base_url, "", "  and stays empty");

	r = load_text(&c, a,
	              "[mail]\nretention = 12h\n[breakglass]\nbase_url = ftp://bg.example.go.jp\n",
	              &p);
	is_int(r, -1, "bad values refused");
	has_problem(&p, "gcas.ini:2",
	            "retention: expected a duration 1d\xE2\x80\x93"
	            "3650d");
	has_problem(&p, "gcas.ini:2", "got \"12h\"");
	has_problem(&p, "gcas.ini:4", "base_url: expected an http:// or https:// URL");
	is_int(p.n, 2, "  two problems");
	is_int(c.mail_retention, 30 * 86400, "  the retention is left alone");
	is_str(c.breakglass_base_url, "", "  and so is the URL");
	load_text(&c, a, "[breakglass]\nbase_url = https://user@bg.example.go.jp\n", &p);
	has_problem(&p, "gcas.ini:2", "(no user, query or fragment)");

	config_defaults(&c);
	is_int(config_set(&c, a, "mail-retention", "90d", "--mail-retention", &p), 0,
	       "--mail-retention");
	is_int(c.mail_retention, 90 * 86400, "  applied");
	is_int(config_set(&c, a, "breakglass-base-url", "http://10.0.0.5:8444",
	                  "--breakglass-base-url", &p),
	       0, "--breakglass-base-url");
	is_str(c.breakglass_base_url, "http://10.0.0.5:8444", "  applied");
	CHECK_ONE(c_.breakglass_base_url = "https://bg.example.go.jp/", "breakglass.base_url",
	          "must not end with \"/\"");
	CHECK_ONE(c_.mail_retention = 0, "mail.retention", "expected a duration 1d");

	char path[300];
	snprintf(path, sizeof(path), "%s/printed.ini", dir);
	FILE *f = fopen(path, "w");
	if (!ok(f != NULL, "print file opens"))
		return;
	config_print(&c, f);
	fclose(f);
	config_defaults(&back);
	p = (struct config_problems){0};
	is_int(config_load_file(&back, a, path, 0, &p), 0, "printed configuration loads back");
	is_int(back.mail_retention, 90 * 86400, "  mail.retention round trips (90d)");
	is_str(back.breakglass_base_url, "http://10.0.0.5:8444", "  breakglass.base_url too");
	config_defaults(&c);
	f = fopen(path, "w");
	config_print(&c, f);
	fclose(f);
	config_defaults(&back);
	back.breakglass_base_url = "https://stale.example";
	is_int(config_load_file(&back, a, path, 0, &p), 0, "printed defaults load back");
	is_str(back.breakglass_base_url, "", "  the empty URL round trips as empty");
}

/* privacy.purpose_ttl (R7.2): a duration of 1m-1d, 30m by default. */
static void test_privacy(struct arena *a)
{
	struct config c;
	struct config_problems p;
	config_defaults(&c);
	is_int(c.purpose_ttl, 30 * 60, "privacy.purpose_ttl defaults to 30m");
	is_int(load_text(&c, a, "[privacy]\npurpose_ttl = 2h\n", &p), 0,
	       "privacy.purpose_ttl loads");
	is_int(c.purpose_ttl, 2 * 3600, "  2h");
	is_int(load_text(&c, a, "[privacy]\npurpose_ttl = 30s\n", &p), -1,
	       "privacy.purpose_ttl below a minute is refused");
	is_int(load_text(&c, a, "[privacy]\npurpose_ttl = 2d\n", &p), -1,
	       "privacy.purpose_ttl above a day is refused");
	is_int(config_set(&c, a, "purpose-ttl", "45m", "--purpose-ttl", &p), 0, "--purpose-ttl");
	is_int(c.purpose_ttl, 45 * 60, "  applied");
}

/* audit.anchor_file (R6.4): a path next to the audit key by default; empty keeps no anchor. */
static void test_audit_anchor(struct arena *a)
{
	struct config c;
	struct config_problems p;
	config_defaults(&c);
	is_str(c.audit_anchor_file, "var/audit.anchor",
	       "audit.anchor_file defaults to var/audit.anchor");
	is_int(load_text(&c, a, "[audit]\nanchor_file = /var/lib/gcas/audit.anchor\n", &p), 0,
	       "audit.anchor_file loads");
	is_str(c.audit_anchor_file, "/var/lib/gcas/audit.anchor", "  the path");
	is_int(load_text(&c, a, "[audit]\nanchor_file =\n", &p), 0,
	       "an empty audit.anchor_file loads");
	ok(c.audit_anchor_file == NULL, "  as unset (no anchor on this node)");
	is_int(config_set(&c, a, "audit-anchor-file", "/srv/a.anchor", "--audit-anchor-file", &p),
	       0, "--audit-anchor-file");
	is_str(c.audit_anchor_file, "/srv/a.anchor", "  applied");
	is_int(load_text(&c, a, "[security]\nanchor_file = x\n", &p), -1,
	       "anchor_file under [security] is refused");
}

/* etc/gcas.ini.example is valid and says the defaults; docs/config.md names every key and its
 * environment variable. Keys are taken from config_print so a new key cannot go undocumented. */
static void test_docs(struct arena *a)
{
	struct config c, d;
	struct config_problems p = {0};
	config_defaults(&c);
	config_defaults(&d);
	is_int(config_load_file(&c, a, GCAS_SOURCE_ROOT "/etc/gcas.ini.example", 0, &p), 0,
	       "etc/gcas.ini.example loads without problems");
	if (p.n)
		dump(&p);
	ok(config_equal(&c, &d), "etc/gcas.ini.example states the defaults");

	FILE *f = fopen(GCAS_SOURCE_ROOT "/docs/config.md", "r");
	if (!ok(f != NULL, "docs/config.md exists"))
		return;
	static char doc[64 * 1024];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);

	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	config_print(&d, m);
	fclose(m);
	char section[32] = "";
	int keys = 0;
	for (char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char name[64], want[160], env[160];
		if (sscanf(line, "[%31[a-z]]", section) == 1)
			continue;
		if (sscanf(line, "%63[a-z0-9_] =", name) != 1)
			continue;
		keys++;
		snprintf(want, sizeof(want), "`%s.%s`", section, name);
		snprintf(env, sizeof(env), "GCAS_%s_%s", section, name);
		for (char *q = env; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
		ok(strstr(doc, want) && strstr(doc, env), "docs/config.md documents %s and %s",
		   want, env);
	}
	is_int(keys, 48, "48 keys printed");
	free(text);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/gcas-config-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(ini_path, sizeof(ini_path), "%s/gcas.ini", dir);
	struct arena *a = arena_new(0);

	test_every_key(a);
	test_file_errors(a);
	test_env(a);
	test_flags(a);
	test_check();
	test_round_trip(a);
	test_mail_breakglass(a);
	test_privacy(a);
	test_audit_anchor(a);
	test_docs(a);

	arena_free(a);
	char cmd[160];
	const char *files[] = {"gcas.ini", "cert.pem", "key.pem", "printed.ini"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, files[i]);
		unlink(cmd);
	}
	rmdir(dir);
	return tap_done();
}
