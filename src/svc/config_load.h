/* SPDX-License-Identifier: MIT */
/* Loading struct config (svc/env.h): an INI file, then GCAS_* environment variables, then
 * command-line flags, each overriding the one before; semantic checks across fields; and printing
 * the effective configuration back as INI. Every setting is described once, in a table in
 * config_load.c; docs/config.md and etc/gcas.ini.example document the same keys. */
#ifndef GCAS_SVC_CONFIG_LOAD_H
#define GCAS_SVC_CONFIG_LOAD_H

#include <stdio.h>

#include "base/arena.h"
#include "svc/env.h"

/* One thing wrong with the configuration: where it came from ("etc/gcas.ini:12",
 * "GCAS_SERVER_PORT", "--port", or "server.port" for config_check) and what was expected. A long
 * file path is shortened from the left ("…/etc/gcas.ini:12"). Values that may hold a password
 * (database.url) are shown with the password replaced by "***". */
struct config_problem {
	char where[96];
	char msg[256];
};

#define CONFIG_PROBLEMS_MAX 64
/* Problems accumulate across calls; zero-initialise once ({0}). Past CONFIG_PROBLEMS_MAX they are
 * counted in dropped instead of stored. */
struct config_problems {
	struct config_problem p[CONFIG_PROBLEMS_MAX];
	int n;
	int dropped;
};

/* Environment variable naming the INI file. It is not a setting, so config_load_env skips it;
 * the CLI reads it (after --config) with config_env_path(). */
#define CONFIG_ENV_PATH "GCAS_CONFIG"

/* Apply the INI file at path onto c (fields not in the file keep their values). A missing file
 * (ENOENT) is a problem unless optional is non-zero; any other I/O error is always a problem.
 * Every bad line becomes a problem located "path:line" and leaves its field unchanged; loading
 * continues so one run reports every mistake. Strings stored in c are copied into a (which must
 * outlive c). Returns 0 when this call added no problem, -1 when it added one or more. */
int config_load_file(struct config *c, struct arena *a, const char *path, int optional,
                     struct config_problems *out);

/* Apply GCAS_<SECTION>_<KEY> variables (GCAS_SERVER_PORT, GCAS_DATABASE_URL, ...) and the aliases
 * GCAS_PORT and GCAS_DB from envp, a NULL-terminated "NAME=value" array (NULL = environ). The
 * full name wins over its alias; the two set to different values is a problem. An unknown GCAS_*
 * name is a problem with a suggestion; CONFIG_ENV_PATH and the test-tooling names GCAS_TEST_*,
 * GCAS_PG_* are skipped. Other variables are ignored. Strings are copied into a.
 * Returns 0 when this call added no problem, -1 otherwise. */
int config_load_env(struct config *c, struct arena *a, char **envp, struct config_problems *out);

/* config_defaults(c), then config_load_file(path, optional) when path is non-NULL, then
 * config_load_env(envp). Returns 0 when no problem was added, -1 otherwise. */
int config_load(struct config *c, struct arena *a, const char *path, int optional, char **envp,
                struct config_problems *out);

/* Set one key from a flag or a program. key is "section.key" ("server.port") or the flag name
 * ("port", "db", "log-level", "tls-cert"; '_' and '-' are interchangeable). where labels a problem
 * (e.g. "--port"); NULL means "--<key>". The value is checked exactly as in a file. Unknown key:
 * a problem with a suggestion. Returns 0 when applied, -1 when a problem was added. */
int config_set(struct config *c, struct arena *a, const char *key, const char *value,
               const char *where, struct config_problems *out);

/* Recognise argv[*i] as a configuration flag: "--port=9000" or "--port 9000" (the value is the
 * next argument, which must not start with "--"). Returns 0 and leaves *i alone when argv[*i] is
 * not a configuration flag (the caller handles its own flags such as --config). Otherwise applies
 * it with config_set, advances *i past the flag and its value, and returns 1; a missing value or a
 * bad one is recorded in out (check out->n). */
int config_flag_parse(struct config *c, struct arena *a, int argc, char **argv, int *i,
                      struct config_problems *out);

/* Value of CONFIG_ENV_PATH in envp (NULL = environ), or NULL when unset or empty. Points into
 * envp. */
const char *config_env_path(char **envp);

/* Semantic checks of a finished configuration: every field's own range and form (as the loaders
 * check them, so a struct built in code is judged the same way), plus: tls_cert and tls_key both
 * set or both empty, and both readable regular files; session idle_ttl <= absolute_ttl and
 * reauth_ttl <= absolute_ttl. Problems are located by "section.key". Reads the TLS files but
 * changes nothing. Returns 0 when this call added no problem, -1 otherwise. */
int config_check(const struct config *c, struct config_problems *out);

/* Write the configuration as an INI file that config_load_file reads back to an equal struct
 * (durations and sizes in their largest exact unit, strings quoted). The exception: a password in
 * database.url is printed as "***" so the output can be shown and logged. */
void config_print(const struct config *c, FILE *out);

/* Write each problem as "where: msg\n", then "(N more problems not shown)" when some were
 * dropped. */
void config_problems_print(const struct config_problems *p, FILE *out);

#endif
