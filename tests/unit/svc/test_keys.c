/* SPDX-License-Identifier: MIT */
/* Signing-key use cases (svc/keys.c, issue 4 §4): only the operator (or the system) manages
 * keys, every other role is refused and the refusal audited; each change writes one audit record
 * naming use/alg/kid and never key material; bad input is refused with field messages and
 * changes nothing; and the flows the CLI runs (init's first keys, list, rotate with the default
 * delay, revoke) behave on a fixed clock. */
#include <stdlib.h>
#include <unistd.h>

#include "base/codec.h"
#include "crypto/totp.h"
#include "signer/signer.h"
#include "store/keys.h"
#include "svc/auth.h"
#include "svc/keys.h"
#include "test_world.h"

static struct world W;

static size_t key_count(void)
{
	struct arena *a = arena_new(0);
	struct actor op = actor_system("count");
	struct key_info *v;
	size_t n = 0;
	if (svc_keys_list(&W.w.env, &op, a, &v, &n))
		n = (size_t)-1;
	arena_free(a);
	return n;
}

static enum key_state state_of(const char *kid)
{
	struct arena *a = arena_new(0);
	struct actor op = actor_system("count");
	struct key_info *v;
	size_t n = 0;
	enum key_state st = KEY_STATE__MAX;
	svc_keys_list(&W.w.env, &op, a, &v, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].kid, kid) == 0)
			st = v[i].state;
	arena_free(a);
	return st;
}

/* The kid the signer signs RS256 with now. */
static void signing_kid(char kid[64])
{
	char *jws = NULL;
	kid[0] = '\0';
	if (signer_jws_sign(W.w.env.signer, W.now, KEY_ALG_RS256, NULL, "{}", 2, &jws))
		return;
	char hdr[256];
	const char *dot = strchr(jws, '.');
	long n = b64_decode(hdr, sizeof(hdr) - 1, jws, (size_t)(dot - jws));
	hdr[n < 0 ? 0 : n] = '\0';
	const char *k = strstr(hdr, "\"kid\":\"");
	if (k)
		snprintf(kid, 64, "%.43s", k + 7);
	free(jws);
}

static void test_matrix(void)
{
	const char *refused[] = {W.am1, W.as1, W.pm1, W.ps1, W.cm1, W.cs1, W.am2};
	size_t before = key_count();
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct arena *a = arena_new(0);
		struct actor ac = world_actor(&W, refused[i]);
		struct verrs ve = {0};
		struct key_info *v;
		size_t n;
		char kid[64];
		int64_t s0 = world_audit_seq(&W);
		is_int(svc_keys_list(&W.w.env, &ac, a, &v, &n), GCAS_ERR_DENIED, "%s: list refused",
		       role_name(ac.subj.role));
		audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
		s0 = world_audit_seq(&W);
		is_int(svc_keys_generate(&W.w.env, &ac, a, "oidc", "RS256", 0, kid, &ve),
		       GCAS_ERR_DENIED, "  generate refused");
		audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
		is_int(svc_keys_rotate(&W.w.env, &ac, a, "oidc", "RS256", -1, kid, &ve),
		       GCAS_ERR_DENIED, "  rotate refused");
		is_int(svc_keys_revoke(&W.w.env, &ac, a, "x"), GCAS_ERR_DENIED, "  revoke refused");
		int made = 0;
		is_int(svc_keys_bootstrap(&W.w.env, &ac, &made), GCAS_ERR_DENIED,
		       "  bootstrap refused");
		arena_free(a);
	}
	is_int((int)key_count(), (int)before, "no key was made by a refused call");
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op);
	struct key_info *v;
	size_t n = 0;
	is_int(svc_keys_list(&W.w.env, &op, a, &v, &n), GCAS_OK, "the operator lists the keys");
	is_int((int)n, 3, "  the three keys of the harness");
	ok(n && v[0].public_pem && strstr(v[0].public_pem, "BEGIN PUBLIC KEY"),
	   "  with their public keys");
	arena_free(a);
}

static void test_generate(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op);
	struct verrs ve = {0};
	char kid[64];
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_keys_generate(&W.w.env, &op, a, "oidc", "ES256", 120, kid, &ve), GCAS_OK,
	       "the operator generates an ES256 key signing in 120 s");
	audit_wrote(&W, s0, "keys.generate", "ok", "  audited");
	struct audit_rec r = world_audit_last(&W, a);
	is_str(r.target_id, kid, "  the record names the kid");
	is_str(r.actor_id, W.op, "  and the operator");
	has_str(r.detail, "\"alg\":\"ES256\"", "  detail has the alg");
	ok(!strstr(r.detail, "PRIVATE") && strlen(r.detail) < 200, "  and no key material");
	is_int(state_of(kid), KEY_PENDING, "  the key is pending");
	world_tick(&W, 120);
	is_int(state_of(kid), KEY_ACTIVE, "  and active after 120 s");

	struct {
		const char *use, *alg;
		int64_t delay;
		const char *field;
	} bad[] = {
	    {"ldap", "RS256", 0, "use"},    {"oidc", "HS256", 0, "alg"},
	    {"oidc", "none", 0, "alg"},     {"saml", "ES256", 0, "alg"},
	    {"oidc", "RS256", -1, "delay"}, {"oidc", "RS256", KEYS_MAX_DELAY + 1, "delay"},
	    {NULL, NULL, 0, "use"},
	};
	size_t before = key_count();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ve = (struct verrs){0};
		s0 = world_audit_seq(&W);
		is_int(svc_keys_generate(&W.w.env, &op, a, bad[i].use, bad[i].alg, bad[i].delay,
		                         kid, &ve),
		       GCAS_ERR_INVALID, "generate %s %s delay %lld: INVALID",
		       bad[i].use ? bad[i].use : "(none)", bad[i].alg ? bad[i].alg : "(none)",
		       (long long)bad[i].delay);
		ok(verr_has(&ve, bad[i].field), "  message on %s", bad[i].field);
		ok(ve.n && ve.e[0].ja && ve.e[0].en, "  in Japanese and English");
		audit_none(&W, s0, "  nothing audited");
	}
	is_int((int)key_count(), (int)before, "no key made by bad input");
	arena_free(a);
}

static void test_rotate_revoke(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op);
	struct verrs ve = {0};
	char k1[64], k2[64], kid[64];
	signing_kid(k1);
	ok(k1[0], "an RS256 key signs");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_keys_rotate(&W.w.env, &op, a, "oidc", "RS256", -1, k2, &ve), GCAS_OK,
	       "rotate OIDC RS256 with the default delay");
	audit_wrote(&W, s0, "keys.rotate", "ok", "  audited");
	struct audit_rec r = world_audit_last(&W, a);
	has_str(r.detail, "\"grace\"", "  detail has the grace");
	is_int((int)svc_keys_default_delay(&W.w.env), 60, "  default delay: two refresh intervals");
	ok(svc_keys_grace(&W.w.env) >= W.w.cfg.oidc_access_ttl &&
	       svc_keys_grace(&W.w.env) >= W.w.cfg.saml_assertion_ttl,
	   "  grace covers access/ID tokens and SAML assertions");
	is_int(state_of(k2), KEY_PENDING, "  the new key is pending");
	signing_kid(kid);
	is_str(kid, k1, "  the old key still signs");
	ve = (struct verrs){0};
	s0 = world_audit_seq(&W);
	is_int(svc_keys_rotate(&W.w.env, &op, a, "oidc", "RS256", -1, kid, &ve), GCAS_ERR_CONFLICT,
	       "  rotating again before it activates: CONFLICT");
	ok(ve.n == 1, "  with a message");
	audit_none(&W, s0, "  nothing audited");
	world_tick(&W, 60);
	signing_kid(kid);
	is_str(kid, k2, "after the delay the new key signs");
	is_int(state_of(k1), KEY_RETIRED, "  the old one is retired");

	struct actor am = world_actor(&W, W.am1);
	s0 = world_audit_seq(&W);
	is_int(svc_keys_revoke(&W.w.env, &am, a, k2), GCAS_ERR_DENIED,
	       "an agency manager cannot revoke");
	audit_wrote(&W, s0, "permission.denied", "denied", "  refusal audited");
	is_int(state_of(k2), KEY_ACTIVE, "  the key is untouched");
	s0 = world_audit_seq(&W);
	is_int(svc_keys_revoke(&W.w.env, &op, a, k2), GCAS_OK, "the operator revokes it");
	audit_wrote(&W, s0, "keys.revoke", "ok", "  audited");
	is_int(state_of(k2), KEY_DESTROYED, "  destroyed");
	signing_kid(kid);
	is_str(kid, "", "  nothing signs RS256 any more");
	is_int(svc_keys_revoke(&W.w.env, &op, a, k2), GCAS_ERR_NOTFOUND,
	       "  revoking again: NOTFOUND");
	is_int(svc_keys_revoke(&W.w.env, &op, a, "nope"), GCAS_ERR_NOTFOUND,
	       "an unknown kid: NOTFOUND");
	ve = (struct verrs){0};
	is_int(svc_keys_generate(&W.w.env, &op, a, "oidc", "RS256", 0, kid, &ve), GCAS_OK,
	       "generate --now");
	char now_kid[64];
	signing_kid(now_kid);
	is_str(now_kid, kid, "  signs at once");
	arena_free(a);
}

/* `gcas init` on an empty database: three keys once, nothing the second time. */
static void test_bootstrap(void)
{
	char dir[] = "/tmp/gcas-keys-XXXXXX", dsn[128], why[256], path[160];
	int applied = 0, made = -1;
	ok(mkdtemp(dir) != NULL, "an empty database");
	snprintf(dsn, sizeof(dsn), "sqlite:%s/k.db", dir);
	struct env env = {.cfg = &W.w.cfg};
	env.st = store_open(dsn, 2, why, sizeof(why));
	ok(env.st && store_migrate(env.st, &applied, why, sizeof(why)) == GCAS_OK, "  migrated");
	ok(env.st && signer_open(env.st, W.w.cfg.keys_key, 0, &env.signer) == GCAS_OK,
	   "  signer opened");
	struct actor sys = actor_system("init");
	if (env.st && env.signer) {
		is_int(svc_keys_bootstrap(&env, &sys, &made), GCAS_OK, "bootstrap");
		is_int(made, 3, "  made the three first keys");
		char *jwks = NULL;
		signer_jwks(env.signer, W.now, &jwks);
		ok(jwks && strstr(jwks, "\"RS256\"") && strstr(jwks, "\"ES256\""),
		   "  OIDC RS256 and ES256 published");
		free(jwks);
		struct arena *a = arena_new(0);
		struct signer_saml sm;
		is_int(signer_saml_current(env.signer, W.now, a, &sm), GCAS_OK,
		       "  a SAML key signs");
		arena_free(a);
		is_int(svc_keys_bootstrap(&env, &sys, &made), GCAS_OK, "bootstrap again");
		is_int(made, 0, "  makes nothing (idempotent)");
	}
	signer_free(env.signer);
	store_close(env.st);
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/k.db%s", dir, sfx[i]);
		unlink(path);
	}
	rmdir(dir);
}

struct factors_ctx {
	struct arena *a;
	const char *account_id;
	struct factor *f;
	size_t n;
};

static enum gcas_err factors_tx(struct db *db, void *ctx)
{
	struct factors_ctx *c = ctx;
	return store_factor_list(db, c->a, c->account_id, &c->f, &c->n);
}

static const char *code_at(const char *secret_b32, int64_t step, char out[8])
{
	unsigned char key[64];
	long n = base32_decode(key, sizeof(key), secret_b32, strlen(secret_b32));
	long c = n > 0 ? totp_code(key, (size_t)n, step) : -1;
	snprintf(out, 8, "%06d", (int)(c < 0 ? 0 : c % 1000000));
	return out;
}

/* TOTP secrets at rest: a new one is stored sealed ("s1:"), the plain rows of before still work
 * (the harness's accounts have one), and a sealed one needs the same key_file. */
static void test_totp_sealed(void)
{
	static const struct client cl = {"198.51.100.7", "keys-test"};
	struct arena *a = arena_new(0);
	char tok[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE], code[8];
	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE];
	struct session_view sv;
	struct totp_enrolment en = {0};
	int need = -1;
	world_tick(&W, 3600);
	is_int(svc_signin_password(&W.w.env, &cl, "cs1@ichiji.co.jp", WT_PASSWORD, tok, &need),
	       GCAS_OK, "password accepted");
	svc_session_resolve(&W.w.env, a, tok, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl, &sv,
	                         code_at(WT_TOTP_SECRET, totp_step(W.now), code), t2),
	       GCAS_OK, "a plain (pre-sealing) TOTP row still signs in");
	svc_session_resolve(&W.w.env, a, t2, &sv);
	is_int(svc_totp_begin(&W.w.env, a, &sv, &en), GCAS_OK, "a new authenticator");
	struct factors_ctx fc = {.a = a, .account_id = W.cs1};
	store_run(W.w.env.st, factors_tx, &fc);
	const struct factor *pending = NULL;
	for (size_t i = 0; i < fc.n; i++)
		if (fc.f[i].kind == FACTOR_TOTP && !fc.f[i].confirmed)
			pending = &fc.f[i];
	ok(pending && strncmp(pending->secret, "s1:", 3) == 0, "  is stored sealed (s1:)");
	ok(pending && en.secret_b32 && !strstr(pending->secret, en.secret_b32),
	   "  the secret does not show in the row");
	char sec[40];
	snprintf(sec, sizeof(sec), "%s", en.secret_b32 ? en.secret_b32 : "");
	struct totp_enrolment en2 = {0};
	svc_totp_begin(&W.w.env, a, &sv, &en2);
	is_str(en2.secret_b32, sec, "  beginning again shows the same (unsealed) secret");
	is_int(
	    svc_totp_confirm(&W.w.env, &cl, &sv, code_at(sec, totp_step(W.now), code), codes, t2),
	    GCAS_OK, "  confirmed with its code");
	world_tick(&W, 60);
	is_int(svc_signin_password(&W.w.env, &cl, "cs1@ichiji.co.jp", WT_PASSWORD, tok, &need),
	       GCAS_OK, "signing in again");
	svc_session_resolve(&W.w.env, a, tok, &sv);
	/* Another key_file cannot open it: the code is refused. */
	struct signer *mine = W.w.env.signer, *other = NULL;
	unsigned char k2[32];
	memset(k2, 0x22, sizeof(k2));
	signer_open(W.w.env.st, k2, 0, &other);
	W.w.env.signer = other;
	is_int(svc_signin_factor(&W.w.env, &cl, &sv, code_at(sec, totp_step(W.now), code), t2),
	       GCAS_ERR_AUTH, "  with another key_file the sealed secret matches nothing");
	W.w.env.signer = mine;
	signer_free(other);
	is_int(svc_signin_factor(&W.w.env, &cl, &sv, code_at(sec, totp_step(W.now) - 1, code), t2),
	       GCAS_OK, "  with the right one the sealed secret signs in");
	arena_free(a);
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "world opens"))
		return tap_done();
	test_matrix();
	test_generate();
	test_rotate_revoke();
	test_bootstrap();
	test_totp_sealed();
	world_close(&W);
	return tap_done();
}
