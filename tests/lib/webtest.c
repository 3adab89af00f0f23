/* SPDX-License-Identifier: MIT */
/* In-process web test harness (see webtest.h). */
#include "webtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/clock.h"
#include "base/rand.h"
#include "base/str.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "signer/signer.h"
#include "store/keys.h"
#include "store/store.h"
#include "svc/audit.h"

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Run one statement on the PostgreSQL server of dsn (test plumbing, not the program's SQL). */
static int pg_exec(const char *dsn, const char *sql)
{
	PGconn *pc = PQconnectdb(dsn);
	int ok = PQstatus(pc) == CONNECTION_OK;
	if (ok) {
		PQsetNoticeProcessor(pc, quiet, NULL); /* DROP ... CASCADE lists every table */
		PGresult *r = PQexec(pc, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "# webtest: %s: %s", sql, PQerrorMessage(pc));
		PQclear(r);
	} else {
		fprintf(stderr, "# webtest: %s", PQerrorMessage(pc));
	}
	PQfinish(pc);
	return ok ? 0 : -1;
}

/* With GCAS_TEST_DSN naming a PostgreSQL server, each test program gets a schema of its own
 * (search_path set through the connection's options), so programs running at once never see
 * each other's rows and every program starts from an empty database, as with SQLite. */
static int pg_private_schema(struct wt *w, const char *dsn)
{
	unsigned char r[8];
	char hex[17];
	rand_bytes(r, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	snprintf(w->schema, sizeof(w->schema), "wt_%s", hex);
	char sql[96];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", w->schema);
	if (pg_exec(dsn, sql))
		return -1;
	snprintf(w->pg_base, sizeof(w->pg_base), "%s", dsn);
	snprintf(w->dsn, sizeof(w->dsn), "%s%soptions=-csearch_path%%3D%s", dsn,
	         strchr(dsn, '?') ? "&" : "?", w->schema);
	return 0;
}

/* The harness's signing keys (issue 4 §4): one OIDC RS256, one OIDC ES256 and one SAML key,
 * active since the epoch so tests on any fixed clock can sign. RSA generation is slow, so the
 * rows made for the first wt_open of a program are kept and inserted again by later ones. */
static struct key_row wt_keys[3];
static size_t wt_nkeys;

static enum gcas_err keys_make_tx(struct db *db, void *ctx)
{
	struct wt *w = ctx;
	char kid[64];
	struct arena *a = NULL;
	struct key_row *rows = NULL;
	size_t n = 0;
	enum gcas_err e = GCAS_OK;
	for (size_t i = 0; !e && i < wt_nkeys; i++)
		e = store_key_insert(db, &wt_keys[i]);
	if (e || wt_nkeys)
		return e;
	e = signer_key_generate(w->env.signer, db, clock_now(), KEY_USE_OIDC, KEY_ALG_RS256, 0,
	                        kid);
	if (!e)
		e = signer_key_generate(w->env.signer, db, clock_now(), KEY_USE_OIDC, KEY_ALG_ES256,
		                        0, kid);
	if (!e)
		e = signer_key_generate(w->env.signer, db, clock_now(), KEY_USE_SAML, KEY_ALG_RS256,
		                        0, kid);
	a = e ? NULL : arena_new(0);
	if (!e && !a)
		e = GCAS_ERR_NOMEM;
	if (!e)
		e = store_key_list(db, a, &rows, &n);
	for (size_t i = 0; !e && i < n && i < 3; i++) {
		e = store_key_set_activate(db, rows[i].kid, 1);
		struct key_row *k = &wt_keys[i];
		*k = rows[i];
		k->activate_at = 1;
		k->kid = strdup(rows[i].kid);
		k->use = strdup(rows[i].use);
		k->alg = strdup(rows[i].alg);
		k->state = "active";
		k->public_pem = strdup(rows[i].public_pem);
		k->cert_pem = rows[i].cert_pem ? strdup(rows[i].cert_pem) : NULL;
		k->private_sealed = strdup(rows[i].private_sealed);
		k->created_by = NULL;
	}
	arena_free(a);
	return e;
}

static int wt_signer(struct wt *w)
{
	unsigned char kek[32];
	memset(kek, 0x4b, sizeof(kek)); /* a fixed test key, as the key file would give */
	memcpy(w->cfg.keys_key, kek, sizeof(kek));
	w->cfg.keys_key_set = 1;
	if (signer_open(w->env.st, kek, 0, &w->env.signer))
		return -1;
	signer_set_cert_subject(w->env.signer, w->cfg.base_url);
	enum gcas_err e = store_tx(w->env.st, keys_make_tx, w);
	if (e) {
		fprintf(stderr, "# wt_open: signing keys: %s\n", gcas_err_name(e));
		return -1;
	}
	if (!wt_nkeys)
		wt_nkeys = 3;
	signer_invalidate(w->env.signer);
	return 0;
}

int wt_open(struct wt *w)
{
	char why[256];
	int applied;
	memset(w, 0, sizeof(*w));
	config_defaults(&w->cfg);
	w->cfg.pw.opslimit = 1;
	w->cfg.pw.memlimit = 8192;
	str_copy(w->dir, sizeof(w->dir), "/tmp/gcas-wt-XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	const char *dsn = getenv("GCAS_TEST_DSN");
	if (dsn && str_starts(dsn, "postgres")) {
		if (pg_private_schema(w, dsn))
			return -1;
	} else if (dsn && *dsn)
		str_copy(w->dsn, sizeof(w->dsn), dsn);
	else
		snprintf(w->dsn, sizeof(w->dsn), "sqlite:%s/gcas.db", w->dir);
	w->cfg.db = w->dsn;
	w->env.cfg = &w->cfg;
	/* A fixed test key seals the audit records, as the CLI's key file does. */
	memset(w->cfg.audit_key, 0x5a, sizeof(w->cfg.audit_key));
	w->cfg.audit_key_set = 1;
	audit_set_key(w->cfg.audit_key, sizeof(w->cfg.audit_key));
	w->env.st = store_open(w->dsn, 4, why, sizeof(why));
	if (!w->env.st) {
		fprintf(stderr, "# wt_open: %s\n", why);
		return -1;
	}
	if (store_migrate(w->env.st, &applied, why, sizeof(why))) {
		fprintf(stderr, "# wt_open: migrate: %s\n", why);
		return -1;
	}
	return wt_signer(w);
}

void wt_close(struct wt *w)
{
	char cmd[300];
	signer_free(w->env.signer);
	w->env.signer = NULL;
	store_close(w->env.st);
	w->env.st = NULL;
	if (w->schema[0]) {
		snprintf(cmd, sizeof(cmd), "DROP SCHEMA %s CASCADE", w->schema);
		pg_exec(w->pg_base, cmd);
		w->schema[0] = 0;
	}
	if (w->dir[0] && strncmp(w->dir, "/tmp/gcas-wt-", 13) == 0) {
		snprintf(cmd, sizeof(cmd), "%s/gcas.db", w->dir);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/gcas.db-wal", w->dir);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/gcas.db-shm", w->dir);
		unlink(cmd);
		rmdir(w->dir);
	}
}

void wt_resp_free(struct wt_resp *r)
{
	arena_free(r->a);
	memset(r, 0, sizeof(*r));
}

int wt_request(struct wt *w, const char *method, const char *target, const char *cookie,
               const char *ctype, const char *body, const char *const *hdrs, struct wt_resp *out)
{
	struct arena *a = arena_new(0);
	struct http_req req = {.a = a};
	struct http_resp resp;
	memset(out, 0, sizeof(*out));
	if (!a)
		return -1;
	req.method = http_method_parse(method);
	const char *q = strchr(target, '?');
	req.path = q ? arena_strndup(a, target, (size_t)(q - target)) : target;
	req.query = q ? q + 1 : "";
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.peer_ip = "127.0.0.1";
	req.request_id = "test";
	if (cookie)
		req.headers[req.nheaders++] = (struct http_header){"Cookie", cookie};
	if (ctype)
		req.headers[req.nheaders++] = (struct http_header){"Content-Type", ctype};
	for (size_t i = 0; hdrs && hdrs[i] && req.nheaders < HTTP_MAX_HEADERS; i++) {
		const char *colon = strchr(hdrs[i], ':');
		if (!colon)
			continue;
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		req.headers[req.nheaders++] =
		    (struct http_header){arena_strndup(a, hdrs[i], (size_t)(colon - hdrs[i])), v};
	}
	http_resp_init(&resp);
	web_dispatch(&w->env, &req, &resp);
	out->a = a;
	out->status = resp.status;
	out->content_type = resp.content_type ? arena_strdup(a, resp.content_type) : NULL;
	if (resp.static_body)
		out->body = arena_memdup(a, resp.static_body, resp.static_len);
	else
		out->body = arena_strdup(a, resp.body.data ? resp.body.data : "");
	for (size_t i = 0; i < resp.nheaders; i++) {
		if (strcasecmp(resp.headers[i].name, "Location") == 0)
			out->location = arena_strdup(a, resp.headers[i].value);
		if (strcasecmp(resp.headers[i].name, "Set-Cookie") == 0)
			out->set_cookie =
			    out->set_cookie
			        ? arena_printf(a, "%s\n%s", out->set_cookie, resp.headers[i].value)
			        : arena_strdup(a, resp.headers[i].value);
	}
	http_resp_fini(&resp);
	return 0;
}

struct fx {
	const struct org *o;
	const struct account *acc;
	const struct factor *f;
	const struct session *s;
	const struct api_token *t;
	const struct group *g;
};

static enum gcas_err fx_tx(struct db *db, void *ctx)
{
	struct fx *f = ctx;
	enum gcas_err e = GCAS_OK;
	if (f->o && (e = store_org_insert(db, f->o)))
		return e;
	if (f->g && (e = store_group_insert(db, f->g)))
		return e;
	if (f->acc && (e = store_account_insert(db, f->acc)))
		return e;
	if (f->f && (e = store_factor_insert(db, f->f)))
		return e;
	if (f->s && (e = store_session_insert(db, f->s)))
		return e;
	if (f->t && (e = store_token_insert(db, f->t)))
		return e;
	return e;
}

struct org_get {
	struct arena *a;
	const char *id;
	struct org o;
};

static enum gcas_err org_get_tx(struct db *db, void *ctx)
{
	struct org_get *g = ctx;
	return store_org_get(db, g->a, g->id, &g->o);
}

int wt_org(struct wt *w, enum org_kind kind, const char *parent_id, const char *name,
           const char *code, char *out)
{
	struct arena *a = arena_new(0);
	struct org_get pg = {a, parent_id, {0}};
	int64_t now = clock_now();
	if (rand_id(out))
		return -1;
	if (parent_id && store_run(w->env.st, org_get_tx, &pg)) {
		arena_free(a);
		return -1;
	}
	struct org o = {
	    .id = out, .kind = kind, .name = name, .created_at = now, .updated_at = now};
	if (kind == ORG_AGENCY) {
		o.code = code;
		o.agency_type = code && strlen(code) == 6 ? "local" : "ministry";
		o.agency_id = out;
	} else if (kind == ORG_PROJECT) {
		o.parent_id = parent_id;
		o.agency_id = pg.o.agency_id;
		o.project_id = out;
	} else if (kind == ORG_CONTRACTOR) {
		o.parent_id = parent_id;
		o.agency_id = pg.o.agency_id;
		o.project_id = pg.o.project_id;
	}
	char gid[33];
	rand_id(gid);
	struct group g = {.id = gid,
	                  .kind = kind == ORG_AGENCY ? GROUP_PMO : GROUP_SYSTEM,
	                  .org_id = out,
	                  .agency_id = o.agency_id,
	                  .project_id = o.project_id,
	                  .name = name,
	                  .created_at = now};
	struct fx f = {.o = &o, .g = (kind == ORG_AGENCY || kind == ORG_PROJECT) ? &g : NULL};
	int rc = store_tx(w->env.st, fx_tx, &f) ? -1 : 0;
	arena_free(a);
	return rc;
}

int wt_account(struct wt *w, enum role role, const char *org_id, const char *email, char *out)
{
	struct arena *a = arena_new(0);
	struct org_get og = {a, org_id, {0}};
	char hash[PASSWORD_HASH_SIZE], fid[33];
	int64_t now = clock_now();
	int rc = -1;
	if (rand_id(out) || rand_id(fid) || store_run(w->env.st, org_get_tx, &og) ||
	    password_hash(WT_PASSWORD, &w->cfg.pw, hash))
		goto out;
	struct account acc = {.id = out,
	                      .email = email,
	                      .family_name = "試験",
	                      .given_name = "太郎",
	                      .family_kana = "シケン",
	                      .given_kana = "タロウ",
	                      .role = role,
	                      .org_id = og.o.id,
	                      .agency_id = og.o.agency_id,
	                      .project_id = og.o.project_id,
	                      .status = ACCOUNT_ACTIVE,
	                      .password_hash = hash,
	                      .created_at = now,
	                      .activated_at = now,
	                      .updated_at = now,
	                      .version = 1};
	struct factor f = {.id = fid,
	                   .account_id = out,
	                   .kind = FACTOR_TOTP,
	                   .label = "test",
	                   .secret = WT_TOTP_SECRET,
	                   .confirmed = 1,
	                   .created_at = now};
	struct fx fx = {.acc = &acc, .f = &f};
	rc = store_tx(w->env.st, fx_tx, &fx) ? -1 : 0;
out:
	arena_free(a);
	return rc;
}

int wt_login(struct wt *w, const char *account_id, char *cookie, char *csrf)
{
	char tok[64], hash[SHA256_HEX_SIZE];
	int64_t now = clock_now();
	if (token_new(tok, sizeof(tok), "") || token_hash(tok, hash) || token_new(csrf, 64, ""))
		return -1;
	struct session s = {.id_hash = hash,
	                    .account_id = account_id,
	                    .csrf = csrf,
	                    .ip = "127.0.0.1",
	                    .created_at = now,
	                    .last_seen_at = now,
	                    .expires_at = now + w->cfg.session_abs_ttl,
	                    .mfa_at = now,
	                    .reauth_at = now};
	struct fx fx = {.s = &s};
	snprintf(cookie, 256, "gcas_session=%s", tok);
	return store_tx(w->env.st, fx_tx, &fx) ? -1 : 0;
}

int wt_token(struct wt *w, const char *account_id, const char *scopes, char *token)
{
	char id[33], hash[SHA256_HEX_SIZE];
	int64_t now = clock_now();
	if (rand_id(id) || token_new(token, 128, "gcas_pat_") || token_hash(token, hash))
		return -1;
	struct api_token t = {.id = id,
	                      .account_id = account_id,
	                      .name = "test",
	                      .token_hash = hash,
	                      .scopes = scopes,
	                      .created_at = now,
	                      .expires_at = now + 86400};
	struct fx fx = {.t = &t};
	return store_tx(w->env.st, fx_tx, &fx) ? -1 : 0;
}

struct count_ctx {
	const char *action, *outcome;
	long n;
};

static enum gcas_err count_tx(struct db *db, void *ctx)
{
	struct count_ctx *c = ctx;
	int64_t after = 0;
	for (;;) {
		struct arena *a = arena_new(0);
		struct audit_rec *r;
		size_t n;
		enum gcas_err e = store_audit_scan(db, a, after, 500, &r, &n);
		if (e) {
			arena_free(a);
			return e;
		}
		for (size_t i = 0; i < n; i++) {
			if (strcmp(r[i].action, c->action) == 0 &&
			    (!c->outcome || strcmp(r[i].outcome, c->outcome) == 0))
				c->n++;
			after = r[i].seq;
		}
		arena_free(a);
		if (n < 500)
			return GCAS_OK;
	}
}

long wt_audit_count(struct wt *w, const char *action, const char *outcome)
{
	struct count_ctx c = {action, outcome, 0};
	if (store_run(w->env.st, count_tx, &c))
		return -1;
	return c.n;
}
