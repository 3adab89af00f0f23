/* SPDX-License-Identifier: MIT */
/* The OpenID Connect use cases (svc/oidc.c) on a fixed clock: client registration (operator
 * only, audited, the secret shown once and stored hashed, redirect URIs checked), authorize →
 * token → userinfo, the ID token verified with our own keys, code replay (invalid_grant and
 * the first exchange's tokens revoked), wrong verifier / secret / client / redirect_uri and an
 * expired code (each changes nothing), refresh rotation with reuse detection, a disabled
 * account, revocation (RFC 7009) and the purge job. */
#include <jansson.h>
#include <stdlib.h>

#include "base/codec.h"
#include "crypto/token.h"
#include "signer/signer.h"
#include "svc/oidc.h"
#include "test_world.h"

#define VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define CB        "https://rp.example/cb"

static struct world W;

static enum gcas_err counts_tx(struct db *db, void *ctx)
{
	struct oidc_counts *n = ctx;
	struct arena *a = arena_new(0);
	enum gcas_err e = store_oidc_counts(db, a, n);
	arena_free(a);
	return e;
}

static struct oidc_counts counts(void)
{
	struct oidc_counts n = {0};
	store_run(W.w.env.st, counts_tx, &n);
	return n;
}

static int same(struct oidc_counts x, struct oidc_counts y)
{
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static int session_for(const char *account_id, struct arena *a, struct session_view *sv)
{
	char cookie[256], csrf[64];
	if (wt_login(&W.w, account_id, cookie, csrf))
		return -1;
	const char *tok = strchr(cookie, '=');
	return tok && svc_session_resolve(&W.w.env, a, tok + 1, sv) == GCAS_OK ? 0 : -1;
}

/* A code for account id at client k. */
static const char *code_for(struct arena *a, const char *id, const struct oidc_client *k,
                            const char *nonce)
{
	struct session_view sv;
	const char *code = NULL;
	struct oidc_authz_req r = {.client_id = k->client_id,
	                           .redirect_uri = CB,
	                           .response_type = "code",
	                           .scope = "openid email profile gcas",
	                           .nonce = nonce,
	                           .code_challenge = CHALLENGE,
	                           .code_challenge_method = "S256"};
	struct actor ac = world_actor(&W, id);
	if (session_for(id, a, &sv) ||
	    svc_oidc_authorize(&W.w.env, &ac, a, &sv, k, &r, &code) != GCAS_OK)
		return NULL;
	return code;
}

static struct oidc_token_req code_req(const struct oidc_client *k, const char *secret,
                                      const char *code)
{
	return (struct oidc_token_req){.grant_type = "authorization_code",
	                               .code = code,
	                               .redirect_uri = CB,
	                               .code_verifier = VERIFIER,
	                               .basic = 1,
	                               .basic_id = k->client_id,
	                               .basic_secret = secret};
}

static const char *token(struct arena *a, const struct oidc_token_req *r,
                         struct oidc_token_resp *out)
{
	struct oidc_error err = {0};
	enum gcas_err e = svc_oidc_token(&W.w.env, a, r, out, &err);
	if (e)
		return gcas_err_name(e);
	return err.error ? err.error : "";
}

static const char *userinfo(struct arena *a, const char *at, const char **json)
{
	struct oidc_error err = {0};
	enum gcas_err e = svc_oidc_userinfo(&W.w.env, a, at, json, &err);
	return e ? gcas_err_name(e) : err.error ? err.error : "";
}

static void test_register(struct arena *a, struct oidc_client *k, const char **secret,
                          struct oidc_client *pub)
{
	struct actor op = world_actor(&W, W.op), am = world_actor(&W, W.am1);
	struct verrs ve = {0};
	struct oidc_client_input in = {.name = "AWS", .redirect_uris = CB "\r\n\r\n" CB "2\n"};
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_oidc_client_register(&W.w.env, &am, a, &in, k, secret, &ve), GCAS_ERR_DENIED,
	       "an agency manager may not register clients");
	audit_wrote(&W, s0, "permission.denied", "denied", "  the refusal is audited");
	in.redirect_uris = "http://rp.example/cb";
	is_int(svc_oidc_client_register(&W.w.env, &op, a, &in, k, secret, &ve), GCAS_ERR_INVALID,
	       "plain http off loopback is refused");
	ok(verr_has(&ve, "redirect_uris"), "  on redirect_uris");
	ve.n = 0;
	in.redirect_uris = CB "#x";
	is_int(svc_oidc_client_register(&W.w.env, &op, a, &in, k, secret, &ve), GCAS_ERR_INVALID,
	       "a fragment is refused");
	ve.n = 0;
	in.redirect_uris = CB "\n" CB;
	is_int(svc_oidc_client_register(&W.w.env, &op, a, &in, k, secret, &ve), GCAS_ERR_INVALID,
	       "a repeated URI is refused");
	ve.n = 0;
	in.redirect_uris = CB "\r\n\r\n" CB "2\n";
	in.alg = "HS256";
	is_int(svc_oidc_client_register(&W.w.env, &op, a, &in, k, secret, &ve), GCAS_ERR_INVALID,
	       "HS256 is refused");
	ok(verr_has(&ve, "alg"), "  on alg");
	ve.n = 0;
	in.alg = NULL;
	s0 = world_audit_seq(&W);
	is_int(svc_oidc_client_register(&W.w.env, &op, a, &in, k, secret, &ve), GCAS_OK,
	       "the operator registers a confidential client");
	audit_wrote(&W, s0, "oidc.client_register", "ok", "  audited");
	is_str(k->redirect_uris, CB "\n" CB "2", "  redirect URIs normalised, one per line");
	is_str(k->auth_method, "client_secret_basic", "  Basic by default");
	is_str(k->id_token_alg, "RS256", "  RS256 by default");
	ok(*secret && strncmp(*secret, "gcas_cs_", 8) == 0, "  a secret is shown once");
	char h[TOKEN_KEY_SIZE], plain[SHA256_HEX_SIZE];
	token_key(*secret, h);
	token_hash(*secret, plain);
	ok(k->secret_hash && strcmp(k->secret_hash, h) == 0 && strcmp(k->secret_hash, *secret) &&
	       strcmp(k->secret_hash + 12, plain) == 0,
	   "  only its SHA-256 (after the issue time) is stored");
	const char *psec = "x";
	struct oidc_client_input pin = {.name = "CLI tool",
	                                .redirect_uris = "http://127.0.0.1:9999/cb\n" CB,
	                                .public_client = 1,
	                                .alg = "ES256"};
	is_int(svc_oidc_client_register(&W.w.env, &op, a, &pin, pub, &psec, &ve), GCAS_OK,
	       "a public client");
	ok(psec == NULL && pub->secret_hash == NULL, "  has no secret");
	is_str(pub->auth_method, "none", "  authenticates with none");
	struct oidc_client *list;
	size_t n = 0;
	is_int(svc_oidc_client_list(&W.w.env, &op, a, &list, &n), GCAS_OK, "list");
	is_int((long)n, 2, "  two clients");
	is_int(svc_oidc_client_list(&W.w.env, &am, a, &list, &n), GCAS_ERR_DENIED,
	       "  not for an agency manager");
}

static void test_flow(struct arena *a, const struct oidc_client *k, const char *secret)
{
	struct oidc_token_resp t, t2;
	const char *code = code_for(a, W.ps1, k, "n-0S6");
	ok(code != NULL, "a signed-in person gets a code");
	audit_wrote(&W, world_audit_seq(&W) - 1, "oidc.authorize", "ok", "  audited");
	struct oidc_counts n0 = counts();
	struct oidc_token_req r = code_req(k, secret, code);
	is_str(token(a, &r, &t), "", "the code is exchanged");
	ok(t.access_token && t.refresh_token && t.id_token, "  for access, refresh and ID tokens");
	is_int(t.expires_in, W.w.cfg.oidc_access_ttl, "  expires_in");
	struct oidc_counts n1 = counts();
	ok(n1.codes_used == n0.codes_used + 1 && n1.access == n0.access + 1 &&
	       n1.refresh == n0.refresh + 1,
	   "  the code is spent; one access and one refresh token are stored");
	char *payload = NULL;
	size_t plen = 0;
	is_int(signer_jws_verify(W.w.env.signer, W.now, t.id_token, strlen(t.id_token), &payload,
	                         &plen),
	       GCAS_OK, "  the ID token verifies against our keys");
	json_error_t je;
	json_t *o = payload ? json_loadb(payload, plen, 0, &je) : NULL;
	is_str(json_string_value(json_object_get(o, "sub")), W.ps1, "  sub");
	is_str(json_string_value(json_object_get(o, "aud")), k->client_id, "  aud");
	is_str(json_string_value(json_object_get(o, "iss")), W.w.cfg.base_url, "  iss");
	is_str(json_string_value(json_object_get(o, "nonce")), "n-0S6", "  nonce");
	is_str(json_string_value(json_object_get(o, "email")), "ps1@digital.go.jp", "  email");
	json_decref(o);
	free(payload);
	const char *json = NULL;
	is_str(userinfo(a, t.access_token, &json), "", "userinfo");
	ok(json && strstr(json, W.ps1) && strstr(json, "ps1@digital.go.jp"), "  with the claims");

	/* RFC 6749 §4.1.2: the same code again. */
	int64_t s0 = world_audit_seq(&W);
	is_str(token(a, &r, &t2), "invalid_grant", "a code used twice: invalid_grant");
	audit_wrote(&W, s0, "oidc.code_reuse", "refused", "  audited");
	is_str(userinfo(a, t.access_token, &json), "invalid_token",
	       "  and the first exchange's access token is revoked");
	struct oidc_token_req rr = {.grant_type = "refresh_token",
	                            .refresh_token = t.refresh_token,
	                            .basic = 1,
	                            .basic_id = k->client_id,
	                            .basic_secret = secret};
	is_str(token(a, &rr, &t2), "invalid_grant", "  and its refresh token");
}

static void test_refusals(struct arena *a, const struct oidc_client *k, const char *secret,
                          const struct oidc_client *pub)
{
	struct oidc_token_resp t;
	const char *code = code_for(a, W.ps1, k, NULL);
	struct oidc_counts n0 = counts();
	int64_t s0 = world_audit_seq(&W);
	struct oidc_token_req r = code_req(k, secret, code);
	r.code_verifier = "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	is_str(token(a, &r, &t), "invalid_grant", "a wrong PKCE verifier");
	r.code_verifier = NULL;
	is_str(token(a, &r, &t), "invalid_grant", "no verifier");
	r = code_req(k, "gcas_cs_wrong", code);
	is_str(token(a, &r, &t), "invalid_client", "a wrong secret");
	r = code_req(k, secret, code);
	r.basic = 0;
	r.client_id = k->client_id;
	r.client_secret = secret;
	is_str(token(a, &r, &t), "invalid_client", "client_secret_post for a Basic client");
	r = code_req(k, secret, code);
	r.client_secret = secret;
	is_str(token(a, &r, &t), "invalid_request", "two authentication methods at once");
	r = code_req(k, secret, code);
	r.redirect_uri = CB "2";
	is_str(token(a, &r, &t), "invalid_grant", "another registered redirect_uri");
	r = (struct oidc_token_req){.grant_type = "authorization_code",
	                            .code = code,
	                            .redirect_uri = CB,
	                            .code_verifier = VERIFIER,
	                            .client_id = pub->client_id};
	is_str(token(a, &r, &t), "invalid_grant", "client B redeeming client A's code");
	r.grant_type = "password";
	is_str(token(a, &r, &t), "unsupported_grant_type", "the password grant");
	ok(same(n0, counts()), "none of these changed anything");
	audit_none(&W, s0, "  nor wrote to the audit log");
	r = code_req(k, secret, code);
	is_str(token(a, &r, &t), "", "the code still works for its own client afterwards");

	const char *late = code_for(a, W.ps1, k, NULL);
	world_tick(&W, W.w.cfg.oidc_code_ttl);
	n0 = counts();
	r = code_req(k, secret, late);
	is_str(token(a, &r, &t), "invalid_grant", "an expired code");
	ok(same(n0, counts()), "  changes nothing");
}

static void test_refresh(struct arena *a, const struct oidc_client *pub)
{
	struct oidc_token_resp t1, t2, t3;
	const char *code = code_for(a, W.pm1, pub, NULL);
	struct oidc_token_req r = {.grant_type = "authorization_code",
	                           .code = code,
	                           .redirect_uri = CB,
	                           .code_verifier = VERIFIER,
	                           .client_id = pub->client_id};
	is_str(token(a, &r, &t1), "", "a public client redeems with PKCE alone");
	struct oidc_token_req rr = {.grant_type = "refresh_token",
	                            .refresh_token = t1.refresh_token,
	                            .client_id = pub->client_id};
	world_tick(&W, 60);
	is_str(token(a, &rr, &t2), "", "refresh");
	ok(strcmp(t2.refresh_token, t1.refresh_token) != 0, "  rotates the refresh token");
	char *payload = NULL;
	size_t plen = 0;
	char hdr[256] = "";
	long hl = b64_decode(hdr, sizeof(hdr) - 1, t2.id_token, strcspn(t2.id_token, "."));
	if (hl > 0)
		hdr[hl] = '\0';
	ok(signer_jws_verify(W.w.env.signer, W.now, t2.id_token, strlen(t2.id_token), &payload,
	                     &plen) == GCAS_OK &&
	       strstr(hdr, "\"ES256\"") != NULL,
	   "  with a new ID token, signed ES256 as this client registered");
	free(payload);
	rr.scope = "openid email";
	rr.refresh_token = t2.refresh_token;
	struct oidc_counts n0 = counts();
	rr.scope = "openid admin";
	is_str(token(a, &rr, &t3), "invalid_scope", "a wider scope is refused");
	ok(same(n0, counts()), "  changing nothing");
	rr.scope = NULL;
	rr.refresh_token = t1.refresh_token;
	int64_t s0 = world_audit_seq(&W);
	is_str(token(a, &rr, &t3), "invalid_grant", "the rotated-out token again: invalid_grant");
	audit_wrote(&W, s0, "oidc.refresh_reuse", "refused", "  audited");
	rr.refresh_token = t2.refresh_token;
	is_str(token(a, &rr, &t3), "invalid_grant", "  and the family is revoked: the new one too");
	const char *json;
	is_str(userinfo(a, t2.access_token, &json), "invalid_token", "  with its access token");

	/* A disabled account's tokens stop working. */
	code = code_for(a, W.pm1, pub, NULL);
	r.code = code;
	is_str(token(a, &r, &t1), "", "a new grant");
	struct actor op = world_actor(&W, W.op);
	struct verrs ve = {0};
	ok(svc_account_set_status(&W.w.env, &op, a, W.pm1, ACCOUNT_OP_DISABLE, "退職", &ve) ==
	       GCAS_OK,
	   "the account is disabled");
	n0 = counts();
	rr.refresh_token = t1.refresh_token;
	is_str(token(a, &rr, &t3), "invalid_grant", "its refresh token is refused");
	is_str(userinfo(a, t1.access_token, &json), "invalid_token", "  and userinfo");
	ok(same(n0, counts()), "  changing nothing");
}

static void test_revoke_purge(struct arena *a, const struct oidc_client *k, const char *secret)
{
	struct oidc_token_resp t;
	struct oidc_error err;
	const char *json;
	struct oidc_token_req r = code_req(k, secret, code_for(a, W.as1, k, NULL));
	is_str(token(a, &r, &t), "", "a grant to revoke");
	struct oidc_token_req cl = {.basic = 1, .basic_id = k->client_id, .basic_secret = "bad"};
	is_int(svc_oidc_revoke(&W.w.env, a, &cl, t.refresh_token, &err), GCAS_OK, "revoke");
	is_str(err.error, "invalid_client", "  needs the client's credentials");
	cl.basic_secret = secret;
	is_int(svc_oidc_revoke(&W.w.env, a, &cl, "gcas_rt_unknown", &err), GCAS_OK,
	       "an unknown token");
	ok(err.error == NULL, "  is answered like a success (RFC 7009 §2.2)");
	is_str(userinfo(a, t.access_token, &json), "", "the access token still works");
	is_int(svc_oidc_revoke(&W.w.env, a, &cl, t.refresh_token, &err), GCAS_OK,
	       "revoking the refresh token");
	is_str(userinfo(a, t.access_token, &json), "invalid_token",
	       "  revokes its access token too (RFC 7009 §2.1)");
	struct actor op = world_actor(&W, W.op);
	is_int(svc_oidc_client_disable(&W.w.env, &op, a, k->client_id), GCAS_OK, "disable");
	is_int(svc_oidc_client_disable(&W.w.env, &op, a, k->client_id), GCAS_ERR_NOTFOUND,
	       "  twice: NOTFOUND");
	struct oidc_client tmp;
	is_int(svc_oidc_client_find(&W.w.env, a, k->client_id, &tmp), GCAS_ERR_NOTFOUND,
	       "  the authorization endpoint no longer finds it");
	world_tick(&W, W.w.cfg.oidc_refresh_ttl + 2 * 86400);
	int64_t n = 0;
	struct oidc_counts c0 = counts();
	is_int(svc_oidc_purge(&W.w.env, &n), GCAS_OK, "the purge job");
	struct oidc_counts c1 = counts();
	ok(n > 0 && c1.codes == 0 && c1.access == 0 && c1.refresh == 0 && c1.clients == c0.clients,
	   "  deletes expired codes and tokens, keeps clients");
}

int main(void)
{
	struct oidc_client k, pub;
	const char *secret = NULL;
	if (!ok(world_open(&W) == 0, "world"))
		return tap_done();
	struct arena *a = arena_new(0);
	test_register(a, &k, &secret, &pub);
	test_flow(a, &k, secret);
	test_refusals(a, &k, secret, &pub);
	test_refresh(a, &pub);
	test_revoke_purge(a, &k, secret);
	arena_free(a);
	world_close(&W);
	return tap_done();
}
