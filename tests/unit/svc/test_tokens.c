/* SPDX-License-Identifier: MIT */
/* Personal API tokens (svc/tokens.c): creation needs a fresh re-authentication and a session (a
 * token never mints a token), names, scopes and lifetimes are checked, the secret is shown once
 * and only its hash kept, and svc_token_resolve refuses revoked, expired, unknown and
 * disabled-account tokens. Revoking is limited to one's own tokens. */
#include "crypto/token.h"
#include "test_world.h"

static struct world W;

/* A signed-in session for the account, resolved as the web layer would. */
static int session_for(const char *account_id, struct arena *a, struct session_view *sv)
{
	char cookie[256], csrf[64];
	if (wt_login(&W.w, account_id, cookie, csrf))
		return -1;
	const char *tok = strchr(cookie, '=');
	return tok && svc_session_resolve(&W.w.env, a, tok + 1, sv) == GCAS_OK ? 0 : -1;
}

struct tok_count {
	struct arena *a;
	const char *account_id;
	struct api_token *t;
	size_t n;
};

static enum gcas_err tok_list_tx(struct db *db, void *ctx)
{
	struct tok_count *c = ctx;
	return store_token_list(db, c->a, c->account_id, &c->t, &c->n);
}

static long token_rows(const char *account_id)
{
	struct arena *a = arena_new(0);
	struct tok_count c = {a, account_id, NULL, 0};
	long n = store_run(W.w.env.st, tok_list_tx, &c) ? -1 : (long)c.n;
	arena_free(a);
	return n;
}

static void test_create(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	struct api_token t = {0};
	const char *secret = NULL;
	struct verrs ve = {0};
	struct actor ps1 = world_actor(&W, W.ps1);
	if (!ok(session_for(W.ps1, a, &sv) == 0, "a fresh session for project staff"))
		return;
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_token_create(&W.w.env, &ps1, a, &sv, "CI デプロイ", "read write", 30, &t,
	                        &secret, &ve),
	       GCAS_OK, "a fresh session creates a token");
	audit_wrote(&W, s0, "token.create", "ok", "  token.create recorded");
	ok(secret && strncmp(secret, API_TOKEN_PREFIX, strlen(API_TOKEN_PREFIX)) == 0,
	   "  the secret carries the gcas_pat_ prefix (secret scanners)");
	char h[SHA256_HEX_SIZE];
	token_hash(secret ? secret : "", h);
	is_str(t.token_hash, h, "  only its SHA-256 is kept");
	ok(!strstr(t.token_hash, secret ? secret : "x"), "  not the secret itself");
	is_str(t.scopes, "read write", "  with its scopes");
	is_int(t.expires_at, W.now + 30 * 86400, "  expiring after 30 days");
	is_int(token_rows(W.ps1), 1, "  one row");

	struct account acc;
	struct api_token got;
	is_int(svc_token_resolve(&W.w.env, a, secret, &acc, &got), GCAS_OK, "the token resolves");
	is_str(acc.id, W.ps1, "  to its account");
	ok(token_has_scope(got.scopes, "write") && token_has_scope(got.scopes, "read"),
	   "  with read and write");

	/* Refused inputs: no row, no audit record. */
	struct {
		const char *name, *scopes;
		int64_t days;
		const char *field, *what;
	} bad[] = {
	    {"", "read", 30, "name", "an empty name"},
	    {"x\x01y", "read", 30, "name", "a name with a control character"},
	    {"ok", "admin", 30, "scopes", "an unknown scope"},
	    {"ok", "read write admin", 30, "scopes", "an extra scope"},
	    {"ok", "read", 0, "ttl_days", "a lifetime of 0 days"},
	    {"ok", "read", 366, "ttl_days", "a lifetime over the maximum (365 days)"},
	    {"ok", "read", -5, "ttl_days", "a negative lifetime"},
	};
	long rows = token_rows(W.ps1);
	s0 = world_audit_seq(&W);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ve = (struct verrs){0};
		is_int(svc_token_create(&W.w.env, &ps1, a, &sv, bad[i].name, bad[i].scopes,
		                        bad[i].days, &t, &secret, &ve),
		       GCAS_ERR_INVALID, "%s is refused", bad[i].what);
		ok(verr_has(&ve, bad[i].field), "  on the %s field", bad[i].field);
	}
	is_int(token_rows(W.ps1), rows, "no row for refused input");
	audit_none(&W, s0, "and no audit record");

	ve = (struct verrs){0};
	is_int(svc_token_create(&W.w.env, &ps1, a, &sv, "既定", "", 365, &t, &secret, &ve), GCAS_OK,
	       "no scope given means read only; 365 days is allowed");
	is_str(t.scopes, "read", "  read only");
	ve = (struct verrs){0};
	is_int(
	    svc_token_create(&W.w.env, &ps1, a, &sv, "順不同", "write read", 1, &t, &secret, &ve),
	    GCAS_OK, "\"write read\" is accepted");
	is_str(t.scopes, "read write", "  and stored as \"read write\"");

	/* Freshness: a re-authentication older than reauth_ttl no longer suffices. */
	world_tick(&W, W.w.cfg.reauth_ttl + 1);
	rows = token_rows(W.ps1);
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_token_create(&W.w.env, &ps1, a, &sv, "古い", "read", 30, &t, &secret, &ve),
	       GCAS_ERR_DENIED, "a stale re-authentication is refused");
	ve = (struct verrs){0};
	is_int(
	    svc_token_create(&W.w.env, &ps1, a, NULL, "トークン経由", "read", 30, &t, &secret, &ve),
	    GCAS_ERR_DENIED, "without a session (a token-authenticated request) it is refused");
	struct client cl = {"192.0.2.60", "tok"};
	is_int(svc_reauth(&W.w.env, &cl, &sv, WT_PASSWORD), GCAS_OK, "re-authenticating");
	ve = (struct verrs){0};
	is_int(svc_token_create(&W.w.env, &ps1, a, &sv, "新しい", "read", 30, &t, &secret, &ve),
	       GCAS_OK, "  makes creation possible again");
	is_int(token_rows(W.ps1), rows + 1, "only that one row was added");

	/* Only one's own signed-in session creates tokens. */
	struct session_view other;
	session_for(W.ps1, a, &other);
	ve = (struct verrs){0};
	struct actor sys = actor_system("job");
	is_int(svc_token_create(&W.w.env, &sys, a, &other, "system", "read", 30, &t, &secret, &ve),
	       GCAS_ERR_DENIED, "the system actor (no account) cannot create tokens");
	struct actor cs1 = world_actor(&W, W.cs1);
	ve = (struct verrs){0};
	is_int(svc_token_create(&W.w.env, &cs1, a, &other, "他人", "read", 30, &t, &secret, &ve),
	       GCAS_ERR_DENIED, "nor can one person use another's session to mint a token");
	arena_free(a);
}

static void test_resolve_and_revoke(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	struct api_token t1 = {0}, t2 = {0}, t3 = {0};
	const char *sec1 = NULL, *sec2 = NULL, *sec3 = NULL;
	struct verrs ve = {0};
	struct actor cm1 = world_actor(&W, W.cm1), cs1 = world_actor(&W, W.cs1);
	struct account acc;
	struct api_token got;
	session_for(W.cm1, a, &sv);
	svc_token_create(&W.w.env, &cm1, a, &sv, "一日", "read", 1, &t1, &sec1, &ve);
	svc_token_create(&W.w.env, &cm1, a, &sv, "取消用", "read", 30, &t2, &sec2, &ve);
	svc_token_create(&W.w.env, &cm1, a, &sv, "残す", "read write", 30, &t3, &sec3, &ve);
	ok(sec1 && sec2 && sec3, "three tokens");

	is_int(svc_token_resolve(&W.w.env, a, NULL, &acc, &got), GCAS_ERR_AUTH, "NULL is refused");
	is_int(svc_token_resolve(
	           &W.w.env, a, "gcas_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &acc, &got),
	       GCAS_ERR_AUTH, "an unknown token is refused");
	is_int(
	    svc_token_resolve(&W.w.env, a, sec1 ? sec1 + strlen(API_TOKEN_PREFIX) : "", &acc, &got),
	    GCAS_ERR_AUTH, "a token without its prefix is refused");

	/* Revoke: own tokens only. */
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_token_revoke(&W.w.env, &cs1, a, t2.id), GCAS_ERR_NOTFOUND,
	       "another person cannot revoke my token (not found for them)");
	audit_none(&W, s0, "  no audit record");
	is_int(svc_token_resolve(&W.w.env, a, sec2, &acc, &got), GCAS_OK, "  it still works");
	is_int(svc_token_revoke(&W.w.env, &cm1, a, t2.id), GCAS_OK, "I revoke my token");
	audit_wrote(&W, s0, "token.revoke", "ok", "  token.revoke recorded");
	is_int(svc_token_resolve(&W.w.env, a, sec2, &acc, &got), GCAS_ERR_AUTH,
	       "a revoked token is refused");
	s0 = world_audit_seq(&W);
	is_int(svc_token_revoke(&W.w.env, &cm1, a, t2.id), GCAS_ERR_NOTFOUND,
	       "revoking twice: not found");
	audit_none(&W, s0, "  no audit record");

	/* Expiry: a 1-day token ends exactly one day after its creation. */
	world_tick(&W, 86400 - 1);
	is_int(svc_token_resolve(&W.w.env, a, sec1, &acc, &got), GCAS_OK,
	       "a 1-day token works one second before its end");
	world_tick(&W, 1);
	is_int(svc_token_resolve(&W.w.env, a, sec1, &acc, &got), GCAS_ERR_AUTH,
	       "and is refused at its end");
	is_int(svc_token_resolve(&W.w.env, a, sec3, &acc, &got), GCAS_OK,
	       "a longer token still works");

	arena_free(a);
}

/* Disable directly in the store (no revocation), to prove resolve checks the account. */
static enum gcas_err disable_raw_tx(struct db *db, void *ctx)
{
	return store_account_set_status(db, ctx, ACCOUNT_DISABLED, "raw", clock_now());
}

static enum gcas_err enable_raw_tx(struct db *db, void *ctx)
{
	return store_account_set_status(db, ctx, ACCOUNT_ACTIVE, NULL, clock_now());
}

static void test_account_state(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	struct api_token t = {0}, t2 = {0};
	const char *sec = NULL, *sec2 = NULL;
	struct verrs ve = {0};
	struct actor pm2 = world_actor(&W, W.pm2), am1 = world_actor(&W, W.am1);
	struct account acc;
	struct api_token got;
	session_for(W.pm2, a, &sv);
	svc_token_create(&W.w.env, &pm2, a, &sv, "自動化", "read", 30, &t, &sec, &ve);
	is_int(svc_token_resolve(&W.w.env, a, sec, &acc, &got), GCAS_OK, "a token of pm2");
	store_tx(W.w.env.st, disable_raw_tx, W.pm2);
	is_int(svc_token_resolve(&W.w.env, a, sec, &acc, &got), GCAS_ERR_AUTH,
	       "refused while the account is disabled, even unrevoked");
	store_tx(W.w.env.st, enable_raw_tx, W.pm2);
	is_int(svc_token_resolve(&W.w.env, a, sec, &acc, &got), GCAS_OK,
	       "and accepted again once it is active");

	/* The use case: disabling revokes every token for good. */
	session_for(W.pm2, a, &sv);
	ve = (struct verrs){0};
	svc_token_create(&W.w.env, &pm2, a, &sv, "二つ目", "read", 30, &t2, &sec2, &ve);
	ve = (struct verrs){0};
	is_int(svc_account_set_status(&W.w.env, &am1, a, W.pm2, ACCOUNT_OP_DISABLE, "異動", &ve),
	       GCAS_OK, "the agency manager disables pm2");
	is_int(svc_token_resolve(&W.w.env, a, sec, &acc, &got), GCAS_ERR_AUTH,
	       "  its first token is refused");
	is_int(svc_token_resolve(&W.w.env, a, sec2, &acc, &got), GCAS_ERR_AUTH, "  and its second");
	ve = (struct verrs){0};
	/* Re-enabling is the operator's (別表3; managers apply for it). */
	struct actor op = world_actor(&W, W.op);
	svc_account_set_status(&W.w.env, &op, a, W.pm2, ACCOUNT_OP_ENABLE, NULL, &ve);
	is_int(svc_token_resolve(&W.w.env, a, sec2, &acc, &got), GCAS_ERR_AUTH,
	       "  re-enabling does not bring the tokens back (they were revoked)");

	/* Listing: one's own tokens only. */
	struct api_token *list;
	size_t n;
	struct actor cm1 = world_actor(&W, W.cm1), sys = actor_system("job");
	is_int(svc_token_list(&W.w.env, &cm1, a, &list, &n), GCAS_OK, "listing my tokens");
	int mine = 1;
	for (size_t i = 0; i < n; i++)
		mine &= strcmp(list[i].account_id, W.cm1) == 0;
	ok(n == 3 && mine, "  exactly my three (%zu)", n);
	is_int(svc_token_list(&W.w.env, &sys, a, &list, &n), GCAS_ERR_DENIED,
	       "the system actor has no tokens to list");
	arena_free(a);
}

static void test_scope_words(void)
{
	ok(token_has_scope("read write", "write"), "\"read write\" has write");
	ok(token_has_scope("read write", "read"), "and read");
	ok(!token_has_scope("read", "write"), "\"read\" has no write");
	ok(!token_has_scope("readwrite", "write"), "no substring matches");
	ok(!token_has_scope("read writer", "write"), "no prefix matches");
	ok(!token_has_scope(NULL, "read"), "NULL has nothing");
	ok(!token_has_scope("", "read"), "\"\" has nothing");
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "fixture world"))
		return tap_done();
	test_create();
	test_resolve_and_revoke();
	test_account_state();
	test_scope_words();
	world_close(&W);
	return tap_done();
}
