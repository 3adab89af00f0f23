/* SPDX-License-Identifier: MIT */
/* Sign-in, second factors and sessions. The expensive password check runs outside any
 * transaction; the outcome (throttle state, session, audit record) is written in one. */
#include "svc/auth.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "core/throttle.h"
#include "base/utf8.h"
#include "core/validate.h"
#include "crypto/webauthn.h"
#include "signer/signer.h"
#include "store/outbox.h"
#include "svc/audit.h"

static struct throttle_rule rule_account(const struct env *env)
{
	return (struct throttle_rule){env->cfg->throttle_free, env->cfg->throttle_max_delay, 86400};
}

static struct throttle_rule rule_ip(const struct env *env)
{
	return (struct throttle_rule){env->cfg->throttle_ip_free, env->cfg->throttle_max_delay,
	                              3600};
}

static struct actor actor_for(const struct client *cl, const struct account *acc, const char *label)
{
	struct actor ac = {0};
	if (acc)
		actor_from_account(&ac, acc);
	else
		ac.label = label;
	ac.ip = cl ? cl->ip : NULL;
	ac.request_id = cl ? cl->request_id : NULL;
	return ac;
}

/* A new session row for acc; the cookie value goes to token, only its hash to the store. */
static enum gcas_err session_new(struct db *db, const struct env *env, const struct account *acc,
                                 const char *ip, const char *lang, int64_t mfa_at, char *token)
{
	char hash[SHA256_HEX_SIZE], csrf[SESSION_TOKEN_SIZE];
	int64_t now = clock_now();
	if (token_new(token, SESSION_TOKEN_SIZE, "") || token_hash(token, hash) ||
	    token_new(csrf, sizeof(csrf), ""))
		return GCAS_ERR_CRYPTO;
	struct session s = {
	    .id_hash = hash,
	    .account_id = acc->id,
	    .csrf = csrf,
	    .lang = lang,
	    .ip = ip,
	    .created_at = now,
	    .last_seen_at = now,
	    .expires_at = now + env->cfg->session_abs_ttl,
	    .mfa_at = mfa_at,
	    .reauth_at = mfa_at,
	};
	return store_session_insert(db, &s);
}

/* ---- password step ---- */

/* Throttling is decided before the password is checked, in a transaction that holds both
 * counters: an attempt is refused when either key is locked, and otherwise counted as a failure
 * up front, so a burst of parallel guesses is counted in full (each one costs a hash). A right
 * password then takes its count back. */
struct pw_read {
	const struct env *env;
	struct arena *a;
	const char *email, *ip;
	struct account acc;
	int found;
	int locked;       /* either counter is locked: refused without checking the password */
	int ip_locked;    /* the address's counter: nothing about any account to hide */
	int64_t failures; /* the account's count after this attempt */
};

static void throttle_keys(const char *email, const char *ip, char *kacc, size_t acap, char *kip,
                          size_t icap)
{
	snprintf(kacc, acap, "acct:%s", email);
	snprintf(kip, icap, "ip:%s", ip ? ip : "-");
}

static enum gcas_err pw_claim_tx(struct db *db, void *ctx)
{
	struct pw_read *c = ctx;
	char kacc[320], kip[128];
	struct throttle_state ta, ti;
	int64_t now = clock_now();
	enum gcas_err e = store_account_get_by_email(db, c->a, c->email, &c->acc);
	if (e && e != GCAS_ERR_NOTFOUND)
		return e;
	c->found = e == GCAS_OK;
	throttle_keys(c->email, c->ip, kacc, sizeof(kacc), kip, sizeof(kip));
	if ((e = store_throttle_lock(db, kacc, &ta)) || (e = store_throttle_lock(db, kip, &ti)))
		return e;
	c->ip_locked = throttle_locked(&ti, now);
	c->locked = throttle_locked(&ta, now) || c->ip_locked;
	c->failures = ta.failures;
	if (c->locked)
		return GCAS_OK; /* refused without a check, and not counted again */
	struct throttle_rule ra = rule_account(c->env), ri = rule_ip(c->env);
	throttle_fail(&ta, &ra, now);
	throttle_fail(&ti, &ri, now);
	c->failures = ta.failures;
	if ((e = store_throttle_put(db, kacc, &ta)))
		return e;
	return store_throttle_put(db, kip, &ti);
}

struct pw_write {
	const struct env *env;
	struct arena *a;
	const struct client *cl;
	struct pw_read *r;
	int ok;
	const char *why; /* internal reason, audit only */
	const char *rehash;
	char *token;
	int need_enrol;
};

/* 1 when the account has a confirmed authenticator; also 1 when that cannot be read, so a
 * database error never opens the enrolment path to a password-only session (fail closed). */
/* Which confirmed second factors the account has, from one listing. When the listing fails the
 * account counts as having TOTP (it is then asked for a code, never let through unenrolled) and
 * no security key. */
static void factor_flags(struct db *db, struct arena *a, const char *account_id, int *totp,
                         int *webauthn)
{
	struct factor *f;
	size_t n;
	*totp = 1;
	*webauthn = 0;
	if (store_factor_list(db, a, account_id, &f, &n))
		return;
	*totp = 0;
	for (size_t i = 0; i < n; i++) {
		*totp |= f[i].kind == FACTOR_TOTP && f[i].confirmed;
		*webauthn |= f[i].kind == FACTOR_WEBAUTHN && f[i].confirmed;
	}
}

static int has_confirmed_totp(struct db *db, struct arena *a, const char *account_id)
{
	int totp, webauthn;
	factor_flags(db, a, account_id, &totp, &webauthn);
	return totp;
}

static enum gcas_err pw_write_tx(struct db *db, void *ctx)
{
	struct pw_write *c = ctx;
	struct pw_read *r = c->r;
	int64_t now = clock_now();
	char kacc[320], kip[128];
	throttle_keys(r->email, c->cl->ip, kacc, sizeof(kacc), kip, sizeof(kip));
	const struct account *acc = r->found ? &r->acc : NULL;
	struct actor ac = actor_for(c->cl, acc, r->email);
	enum gcas_err e;
	if (!c->ok) {
		/* Already counted by pw_claim_tx. */
		char detail[160];
		snprintf(detail, sizeof(detail), "{\"reason\":\"%s\",\"failures\":%lld}", c->why,
		         (long long)r->failures);
		struct audit_event ev = {
		    "signin.failure", "account", acc ? acc->id : NULL, acc ? acc->agency_id : NULL,
		    "failure",        detail};
		return audit_append(db, c->a, &ac, &ev);
	}
	/* Success: the account starts afresh; the address gets back the attempt counted for it. */
	struct throttle_state ti;
	if ((e = store_throttle_clear(db, kacc)) || (e = store_throttle_lock(db, kip, &ti)))
		return e;
	if (ti.failures > 0) {
		ti.failures--;
		if ((e = store_throttle_put(db, kip, &ti)))
			return e;
	}
	if (c->rehash && (e = store_account_set_password(db, acc->id, c->rehash, now)))
		return e;
	if ((e = session_new(db, c->env, acc, c->cl->ip, NULL, 0, c->token)))
		return e;
	c->need_enrol = !has_confirmed_totp(db, c->a, acc->id);
	struct audit_event ev = {"signin.password", "account", acc->id, acc->agency_id, NULL, NULL};
	return audit_append(db, c->a, &ac, &ev);
}

enum gcas_err svc_signin_password(const struct env *env, const struct client *cl, const char *email,
                                  const char *password, char *token, int *need_enrol)
{
	char norm[256];
	enum gcas_err e;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	/* An address that is not even valid cannot be an account, but still costs a hash. */
	if (!email || !password || validate_email(email, norm, sizeof(norm)) != VP_OK)
		str_copy(norm, sizeof(norm), "invalid@invalid.invalid");
	struct pw_read r = {.env = env, .a = a, .email = norm, .ip = cl->ip};
	if ((e = store_tx(env->st, pw_claim_tx, &r)))
		goto out;
	struct pw_write w = {.env = env, .a = a, .cl = cl, .r = &r, .token = token};
	/* One argon2id computation on every path, so timing says nothing about the account. */
	if (r.locked) {
		/* A locked account still costs a hash so timing does not tell it apart; a locked
		 * address is refused at once (it reveals nothing about an account, and a flood from
		 * one address must not keep the CPUs busy). */
		if (!r.ip_locked)
			password_verify_dummy(password ? password : "", &env->cfg->pw);
		w.why = "throttled";
	} else if (!r.found || !r.acc.password_hash) {
		password_verify_dummy(password ? password : "", &env->cfg->pw);
		w.why = r.found ? "no_password" : "unknown_account";
	} else if (password_verify(r.acc.password_hash, password ? password : "") != GCAS_OK) {
		w.why = "bad_password";
	} else if (r.acc.status != ACCOUNT_ACTIVE && r.acc.status != ACCOUNT_PENDING) {
		w.why = "account_disabled";
	} else {
		w.ok = 1;
		if (password_needs_rehash(r.acc.password_hash, &env->cfg->pw)) {
			char *h = arena_alloc(a, PASSWORD_HASH_SIZE);
			if (h && password_hash(password, &env->cfg->pw, h) == GCAS_OK)
				w.rehash = h;
		}
	}
	if ((e = store_tx(env->st, pw_write_tx, &w)))
		goto out;
	e = w.ok ? GCAS_OK : GCAS_ERR_AUTH;
	if (need_enrol)
		*need_enrol = w.need_enrol;
out:
	arena_free(a);
	return e;
}

/* ---- sessions ---- */

struct resolve_ctx {
	const struct env *env;
	struct arena *a;
	const char *hash;
	struct session_view *out;
	int touch;
};

static enum gcas_err resolve_tx(struct db *db, void *ctx)
{
	struct resolve_ctx *c = ctx;
	int64_t now = clock_now();
	enum gcas_err e = store_session_get(db, c->a, c->hash, &c->out->s);
	if (e)
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_AUTH : e;
	const struct session *s = &c->out->s;
	if (s->expires_at <= now || s->last_seen_at + c->env->cfg->session_idle_ttl <= now)
		return GCAS_ERR_AUTH;
	if ((e = store_account_get(db, c->a, s->account_id, &c->out->acc)))
		return e == GCAS_ERR_NOTFOUND ? GCAS_ERR_AUTH : e;
	if (c->out->acc.status != ACCOUNT_ACTIVE && c->out->acc.status != ACCOUNT_PENDING)
		return GCAS_ERR_AUTH;
	c->out->mfa_done = s->mfa_at > 0;
	factor_flags(db, c->a, s->account_id, &c->out->has_totp, &c->out->has_webauthn);
	/* Touch at most once a minute: the idle timeout does not need more precision, and
	 * every write costs a transaction. */
	c->touch = now - s->last_seen_at >= 60;
	return GCAS_OK;
}

static enum gcas_err touch_tx(struct db *db, void *ctx)
{
	struct resolve_ctx *c = ctx;
	return store_session_touch(db, c->hash, clock_now());
}

static enum gcas_err delete_tx(struct db *db, void *ctx)
{
	return store_session_delete(db, ctx);
}

enum gcas_err svc_session_resolve(const struct env *env, struct arena *a, const char *token,
                                  struct session_view *out)
{
	char hash[SHA256_HEX_SIZE];
	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) < 20 || strlen(token) > 128 || token_hash(token, hash))
		return GCAS_ERR_AUTH;
	struct resolve_ctx c = {env, a, hash, out, 0};
	enum gcas_err e = store_run(env->st, resolve_tx, &c);
	if (e == GCAS_ERR_AUTH) {
		/* Server-side end: a dead session is removed, not just ignored. */
		store_tx(env->st, delete_tx, hash);
		return e;
	}
	if (e)
		return e;
	if (c.touch)
		store_tx(env->st, touch_tx, &c);
	return GCAS_OK;
}

/* ---- second factor ---- */

/* ---- TOTP secrets at rest (issue 4 §4) ----
 * With a signer, a new TOTP secret is stored sealed (signer_seal, purpose "totp") as "s1:" +
 * the sealed text, so a copy of the database does not give away anyone's second factor. Rows
 * written before (plain base32, which never contains ':') keep working. */
#define TOTP_SEALED "s1:"

/* The value to store for a new secret: sealed when there is a signer, else the secret. */
static const char *totp_stored(struct signer *s, struct arena *a, const char *secret)
{
	char *sealed = NULL;
	if (!s)
		return secret;
	if (signer_seal(s, a, "totp", secret, strlen(secret), &sealed))
		return NULL;
	return arena_printf(a, TOTP_SEALED "%s", sealed);
}

/* The secret of a stored value; NULL when it is sealed and cannot be opened (no signer, or
 * another key_file: logged, and the factor then matches no code). */
static const char *totp_plain(struct signer *s, struct arena *a, const struct factor *f)
{
	char *plain = NULL;
	size_t len = 0;
	if (!f->secret || strncmp(f->secret, TOTP_SEALED, strlen(TOTP_SEALED)) != 0)
		return f->secret;
	if (!s || signer_unseal(s, a, "totp", f->secret + strlen(TOTP_SEALED), &plain, &len)) {
		log_msg(LOG_ERROR, "a sealed TOTP secret cannot be opened", "factor", f->id, NULL);
		return NULL;
	}
	return plain;
}

struct factor_ctx {
	const struct env *env;
	struct arena *a;
	const struct client *cl;
	struct session_view *sv;
	const char *code;
	char *token;
	int ok;
	const char *why;
	/* enrolment */
	const char *secret;
	char (*codes)[RECOVERY_CODE_SIZE];
	/* a WebAuthn assertion (browser JSON) instead of a code */
	const char *wa_json;
};

/* ---- WebAuthn challenges ---- */

/* A pending challenge is an unconfirmed 'webauthn' factor row whose label binds it to one
 * session and one ceremony ("reg:" or "get:" + the session's id hash) and whose secret is the
 * challenge. Keeping it server side makes it single use: the finish step deletes it first. */
static void wa_pending_label(const struct session_view *sv, const char *kind, char *out, size_t cap)
{
	snprintf(out, cap, "%s:%s", kind, sv->s.id_hash);
}

static int is_webauthn_key(const struct factor *f)
{
	return f->kind == FACTOR_WEBAUTHN && f->confirmed && f->credential_id && f->public_key;
}

/* Delete the account's pending challenges; keep (a copy of) the one labelled want, if any and
 * still fresh, in *challenge. */
static enum gcas_err wa_take_challenge(struct db *db, struct arena *a, const char *account_id,
                                       const char *want, const char **challenge)
{
	struct factor *f;
	size_t n;
	int64_t now = clock_now();
	enum gcas_err e = store_factor_list(db, a, account_id, &f, &n);
	*challenge = NULL;
	for (size_t i = 0; !e && i < n; i++) {
		if (f[i].kind != FACTOR_WEBAUTHN || f[i].confirmed)
			continue;
		if (want && f[i].label && strcmp(f[i].label, want) == 0 &&
		    now - f[i].created_at <= SVC_WEBAUTHN_TTL && now >= f[i].created_at)
			*challenge = f[i].secret;
		e = store_factor_delete(db, f[i].id, account_id);
	}
	return e;
}

static enum gcas_err wa_new_challenge(struct db *db, struct arena *a, const struct session_view *sv,
                                      const char *kind, const char **challenge)
{
	char id[33], label[128], ch[WEBAUTHN_CHALLENGE_SIZE];
	const char *ignored;
	enum gcas_err e = wa_take_challenge(db, a, sv->acc.id, NULL, &ignored);
	if (e)
		return e;
	if (rand_id(id) || webauthn_challenge_new(ch))
		return GCAS_ERR_CRYPTO;
	wa_pending_label(sv, kind, label, sizeof(label));
	struct factor nf = {.id = id,
	                    .account_id = sv->acc.id,
	                    .kind = FACTOR_WEBAUTHN,
	                    .label = label,
	                    .secret = ch,
	                    .created_at = clock_now()};
	if ((e = store_factor_insert(db, &nf)))
		return e;
	*challenge = arena_strdup(a, ch);
	return *challenge ? GCAS_OK : GCAS_ERR_NOMEM;
}

/* The second factor as a security key (§7.2), inside factor_tx's transaction. */
static enum gcas_err check_webauthn(struct db *db, struct factor_ctx *c)
{
	char want[128];
	const char *challenge;
	struct webauthn_response r;
	struct webauthn_rp rp;
	struct factor *f;
	size_t n;
	uint32_t count;
	wa_pending_label(c->sv, "get", want, sizeof(want));
	enum gcas_err e = wa_take_challenge(db, c->a, c->sv->acc.id, want, &challenge);
	if (e)
		return e;
	c->why = "webauthn_no_challenge";
	if (!challenge)
		return GCAS_OK;
	c->why = "webauthn_malformed";
	if (webauthn_response_parse(c->a, c->wa_json, strlen(c->wa_json), &r) != GCAS_OK ||
	    !r.auth_data || !r.sig || webauthn_rp_from_url(c->env->cfg->base_url, &rp) != GCAS_OK)
		return GCAS_OK;
	if ((e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n)))
		return e;
	const struct factor *key = NULL;
	for (size_t i = 0; i < n && !key; i++)
		if (is_webauthn_key(&f[i]) && strcmp(f[i].credential_id, r.id) == 0)
			key = &f[i];
	c->why = "webauthn_unknown_key";
	if (!key)
		return GCAS_OK;
	struct webauthn_assertion in = {r.client_data,     r.auth_data,     r.sig,
	                                r.client_data_len, r.auth_data_len, r.sig_len};
	e = webauthn_assert_verify(&rp, challenge, key->public_key, key->sign_count, &in, &count);
	if (e == GCAS_OK)
		e = store_factor_use_count(db, key->id, count, clock_now());
	if (e == GCAS_ERR_CONFLICT) {
		/* §6.1.1: a counter that did not advance suggests a cloned authenticator. */
		log_msg(LOG_WARN, "webauthn counter did not advance", "account", c->sv->acc.id,
		        "factor", key->id, NULL);
		c->why = "webauthn_clone_suspected";
		return GCAS_OK;
	}
	if (e == GCAS_ERR_DB || e == GCAS_ERR_BUSY)
		return e;
	c->why = "webauthn_failed";
	if (e != GCAS_OK)
		return GCAS_OK;
	c->ok = 1;
	c->why = "webauthn";
	return GCAS_OK;
}

/* Try the code against the account's factors inside the transaction (so a code is consumed
 * exactly once even with two requests racing). */
static enum gcas_err check_factor(struct db *db, struct factor_ctx *c)
{
	struct factor *f;
	size_t n;
	int64_t now = clock_now();
	if (c->wa_json)
		return check_webauthn(db, c);
	enum gcas_err e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n);
	if (e)
		return e;
	char digits[TOTP_DIGITS + 1];
	/* Anything that reads as six digits (full-width too, as Japanese input gives) is a TOTP
	 * code; everything else is tried as a recovery code. */
	if (totp_code_parse(c->code, digits) == 0) {
		for (size_t i = 0; i < n; i++) {
			int64_t step;
			if (f[i].kind != FACTOR_TOTP || !f[i].confirmed)
				continue;
			const char *secret = totp_plain(c->env->signer, c->a, &f[i]);
			if (!secret ||
			    totp_verify(secret, c->code, now, f[i].last_used_step, &step))
				continue;
			e = store_factor_use_step(db, f[i].id, step, now);
			if (e == GCAS_ERR_CONFLICT) {
				c->why = "totp_reused";
				return GCAS_OK;
			}
			if (e)
				return e;
			c->ok = 1;
			c->why = "totp";
			return GCAS_OK;
		}
		c->why = "totp_wrong";
		return GCAS_OK;
	}
	char norm[RECOVERY_CODE_SIZE], h[SHA256_HEX_SIZE];
	if (recovery_code_normalise(c->code, norm) || token_hash(norm, h)) {
		c->why = "malformed_code";
		return GCAS_OK;
	}
	for (size_t i = 0; i < n; i++) {
		if (f[i].kind != FACTOR_RECOVERY || f[i].used_at || !f[i].secret ||
		    !ct_streq(f[i].secret, h))
			continue;
		if ((e = store_factor_use_once(db, f[i].id, now)) == GCAS_ERR_CONFLICT) {
			c->why = "recovery_reused";
			return GCAS_OK;
		}
		if (e)
			return e;
		c->ok = 1;
		c->why = "recovery_code";
		return GCAS_OK;
	}
	c->why = "recovery_wrong";
	return GCAS_OK;
}

/* Finish the sign-in: a new session id with the second factor recorded (OWASP: renew the
 * session id at any privilege change), the old one deleted, the account marked signed in. */
static enum gcas_err complete_signin(struct db *db, struct factor_ctx *c)
{
	int64_t now = clock_now();
	enum gcas_err e = store_session_delete(db, c->sv->s.id_hash);
	if (!e)
		e = session_new(db, c->env, &c->sv->acc, c->cl->ip, c->sv->s.lang, now, c->token);
	if (!e)
		e = store_account_signed_in(db, c->sv->acc.id, now);
	return e;
}

static enum gcas_err factor_tx(struct db *db, void *ctx)
{
	struct factor_ctx *c = ctx;
	char key[64];
	int64_t now = clock_now();
	struct throttle_state t;
	struct actor ac = actor_for(c->cl, &c->sv->acc, NULL);
	snprintf(key, sizeof(key), "mfa:%s", c->sv->acc.id);
	enum gcas_err e = store_throttle_lock(db, key, &t);
	if (e)
		return e;
	c->ok = 0;
	if (throttle_locked(&t, now))
		c->why = "throttled";
	else if ((e = check_factor(db, c)))
		return e;
	if (!c->ok) {
		struct throttle_rule r = rule_account(c->env);
		if (!throttle_locked(&t, now))
			throttle_fail(&t, &r, now);
		if ((e = store_throttle_put(db, key, &t)))
			return e;
		char detail[96];
		snprintf(detail, sizeof(detail), "{\"reason\":\"%s\"}", c->why);
		struct audit_event ev = {"signin.factor_failure", "account", c->sv->acc.id,
		                         c->sv->acc.agency_id,    "failure", detail};
		return audit_append(db, c->a, &ac, &ev);
	}
	if ((e = store_throttle_clear(db, key)) || (e = complete_signin(db, c)))
		return e;
	char detail[96];
	snprintf(detail, sizeof(detail), "{\"factor\":\"%s\"}", c->why);
	struct audit_event ev = {"signin.success",     "account", c->sv->acc.id,
	                         c->sv->acc.agency_id, NULL,      detail};
	return audit_append(db, c->a, &ac, &ev);
}

enum gcas_err svc_signin_factor(const struct env *env, const struct client *cl,
                                struct session_view *sv, const char *code, char *token)
{
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct factor_ctx c = {env, a, cl, sv, code ? code : "", token, 0, NULL, NULL, NULL, NULL};
	enum gcas_err e = store_tx(env->st, factor_tx, &c);
	arena_free(a);
	if (e)
		return e;
	return c.ok ? GCAS_OK : GCAS_ERR_AUTH;
}

/* ---- TOTP enrolment ---- */

struct begin_ctx {
	struct arena *a;
	struct session_view *sv;
	const char *secret;
	struct signer *signer;
};

static enum gcas_err begin_tx(struct db *db, void *ctx)
{
	struct begin_ctx *c = ctx;
	struct factor *f;
	size_t n;
	enum gcas_err e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n);
	if (e)
		return e;
	/* A session that passed only the password may enrol only an account that has no
	 * authenticator yet; checked here, in the transaction, not just by the page. */
	for (size_t i = 0; !c->sv->mfa_done && i < n; i++)
		if (f[i].kind == FACTOR_TOTP && f[i].confirmed)
			return GCAS_ERR_DENIED;
	/* Keep showing the same pending secret until it is confirmed, so reloading the page does
	 * not invalidate an authenticator that was already scanned. */
	for (size_t i = 0; i < n; i++) {
		if (f[i].kind == FACTOR_TOTP && !f[i].confirmed) {
			c->secret = totp_plain(c->signer, c->a, &f[i]);
			if (c->secret)
				return GCAS_OK;
			/* Unreadable (another key_file): start over with a new secret. */
			if ((e = store_factor_delete(db, f[i].id, c->sv->acc.id)))
				return e;
		}
	}
	char id[33], secret[TOTP_SECRET_B32_SIZE];
	if (rand_id(id) || totp_secret_new(secret))
		return GCAS_ERR_CRYPTO;
	const char *stored = totp_stored(c->signer, c->a, secret);
	if (!stored)
		return GCAS_ERR_CRYPTO;
	struct factor nf = {.id = id,
	                    .account_id = c->sv->acc.id,
	                    .kind = FACTOR_TOTP,
	                    .label = "authenticator",
	                    .secret = stored,
	                    .created_at = clock_now()};
	if ((e = store_factor_insert(db, &nf)))
		return e;
	c->secret = arena_strdup(c->a, secret);
	return c->secret ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err svc_totp_begin(const struct env *env, struct arena *a, struct session_view *sv,
                             struct totp_enrolment *out)
{
	struct begin_ctx c = {a, sv, NULL, env->signer};
	enum gcas_err e = store_tx(env->st, begin_tx, &c);
	if (e)
		return e;
	out->secret_b32 = c.secret;
	out->uri = totp_uri(a, env->cfg->issuer, sv->acc.email, c.secret);
	return out->uri ? GCAS_OK : GCAS_ERR_NOMEM;
}

static enum gcas_err confirm_tx(struct db *db, void *ctx)
{
	struct factor_ctx *c = ctx;
	struct factor *f;
	size_t n;
	int64_t now = clock_now(), step;
	struct actor ac = actor_for(c->cl, &c->sv->acc, NULL);
	enum gcas_err e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n);
	if (e)
		return e;
	const struct factor *pending = NULL;
	for (size_t i = 0; i < n; i++) {
		if (f[i].kind == FACTOR_TOTP && f[i].confirmed && !c->sv->mfa_done)
			return GCAS_ERR_DENIED; /* see begin_tx */
		if (f[i].kind == FACTOR_TOTP && !f[i].confirmed)
			pending = &f[i];
	}
	c->ok = 0;
	const char *secret = pending ? totp_plain(c->env->signer, c->a, pending) : NULL;
	if (!secret || totp_verify(secret, c->code, now, 0, &step))
		return GCAS_OK;
	/* One authenticator per account: the new one replaces any earlier one, and new recovery
	 * codes replace the old ones. */
	for (size_t i = 0; i < n; i++)
		if (&f[i] != pending &&
		    (f[i].kind == FACTOR_TOTP || f[i].kind == FACTOR_RECOVERY) &&
		    (e = store_factor_delete(db, f[i].id, c->sv->acc.id)))
			return e;
	if ((e = store_factor_confirm(db, pending->id, now)) ||
	    (e = store_factor_use_step(db, pending->id, step, now)))
		return e;
	if (recovery_codes_new(c->codes))
		return GCAS_ERR_CRYPTO;
	for (int i = 0; i < RECOVERY_CODES; i++) {
		char id[33], norm[RECOVERY_CODE_SIZE], h[SHA256_HEX_SIZE];
		if (rand_id(id) || recovery_code_normalise(c->codes[i], norm) ||
		    token_hash(norm, h))
			return GCAS_ERR_CRYPTO;
		struct factor rf = {.id = id,
		                    .account_id = c->sv->acc.id,
		                    .kind = FACTOR_RECOVERY,
		                    .label = "recovery",
		                    .secret = h,
		                    .confirmed = 1,
		                    .created_at = now};
		if ((e = store_factor_insert(db, &rf)))
			return e;
	}
	struct audit_event ev = {"factor.totp_enrolled", "account", c->sv->acc.id,
	                         c->sv->acc.agency_id,   NULL,      NULL};
	if ((e = audit_append(db, c->a, &ac, &ev)))
		return e;
	c->ok = 1;
	if (c->sv->mfa_done) {
		c->token[0] = '\0';
		return GCAS_OK;
	}
	if ((e = complete_signin(db, c)))
		return e;
	struct audit_event ev2 = {
	    "signin.success",     "account", c->sv->acc.id,
	    c->sv->acc.agency_id, NULL,      "{\"factor\":\"totp_enrolment\"}"};
	return audit_append(db, c->a, &ac, &ev2);
}

enum gcas_err svc_totp_confirm(const struct env *env, const struct client *cl,
                               struct session_view *sv, const char *code,
                               char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE], char *token)
{
	/* Changing factors of a signed-in account needs a fresh re-authentication (issue §4). */
	if (sv->mfa_done && !svc_reauth_fresh(env, sv))
		return GCAS_ERR_DENIED;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct factor_ctx c = {env, a, cl, sv, code ? code : "", token, 0, NULL, NULL, codes, NULL};
	enum gcas_err e = store_tx(env->st, confirm_tx, &c);
	arena_free(a);
	if (e)
		return e;
	return c.ok ? GCAS_OK : GCAS_ERR_AUTH;
}

/* ---- WebAuthn security keys ---- */

/* Serialise j into a (jansson's copy freed), stealing the reference. */
static const char *json_into_arena(struct arena *a, json_t *j)
{
	char *txt = j ? json_dumps(j, JSON_COMPACT) : NULL;
	const char *out = txt ? arena_strdup(a, txt) : NULL;
	free(txt);
	json_decref(j);
	return out;
}

/* Credential descriptors (§5.10.3) of the account's keys, for exclude/allowCredentials. */
static json_t *wa_descriptors(const struct factor *f, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (is_webauthn_key(&f[i]))
			json_array_append_new(arr, json_pack("{s:s, s:s}", "type", "public-key",
			                                     "id", f[i].credential_id));
	return arr;
}

struct wa_begin_ctx {
	const struct env *env;
	struct arena *a;
	struct session_view *sv;
	int reg;
	const char *options;
};

static enum gcas_err wa_begin_tx(struct db *db, void *ctx)
{
	struct wa_begin_ctx *c = ctx;
	struct webauthn_rp rp;
	struct factor *f;
	size_t n, nkeys = 0;
	const char *challenge;
	json_t *j;
	enum gcas_err e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n);
	if (e)
		return e;
	for (size_t i = 0; i < n; i++)
		nkeys += is_webauthn_key(&f[i]);
	if (!c->reg && nkeys == 0)
		return GCAS_ERR_NOTFOUND;
	if (webauthn_rp_from_url(c->env->cfg->base_url, &rp) != GCAS_OK)
		return GCAS_ERR_INTERNAL;
	if ((e = wa_new_challenge(db, c->a, c->sv, c->reg ? "reg" : "get", &challenge)))
		return e;
	if (!c->reg) {
		/* §5.5: userVerification "discouraged": the password was the first factor. */
		j = json_pack("{s:s, s:s, s:o, s:s, s:i}", "challenge", challenge, "rpId", rp.id,
		              "allowCredentials", wa_descriptors(f, n), "userVerification",
		              "discouraged", "timeout", SVC_WEBAUTHN_TTL * 1000);
		c->options = json_into_arena(c->a, j);
		return c->options ? GCAS_OK : GCAS_ERR_NOMEM;
	}
	size_t idl = strlen(c->sv->acc.id);
	char *uid = arena_alloc(c->a, b64url_len(idl) + 1);
	if (!uid)
		return GCAS_ERR_NOMEM;
	b64url_encode(uid, c->sv->acc.id, idl);
	/* §5.4: ES256, EdDSA and RS256 cover every current authenticator; attestation "none"
	 * because a second factor proves possession, not the key's make. */
	j = json_pack(
	    "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:[{s:s, s:i}, {s:s, s:i}, {s:s, s:i}],"
	    " s:o, s:{s:s, s:s}, s:s, s:i}",
	    "challenge", challenge, "rp", "id", rp.id, "name", c->env->cfg->issuer, "user", "id",
	    uid, "name", c->sv->acc.email, "displayName", c->sv->acc.email, "pubKeyCredParams",
	    "type", "public-key", "alg", -7, "type", "public-key", "alg", -8, "type", "public-key",
	    "alg", -257, "excludeCredentials", wa_descriptors(f, n), "authenticatorSelection",
	    "residentKey", "discouraged", "userVerification", "discouraged", "attestation", "none",
	    "timeout", SVC_WEBAUTHN_TTL * 1000);
	c->options = json_into_arena(c->a, j);
	return c->options ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err svc_webauthn_register_begin(const struct env *env, struct arena *a,
                                          struct session_view *sv, const char **options_json)
{
	*options_json = NULL;
	if (!sv->mfa_done || !svc_reauth_fresh(env, sv))
		return GCAS_ERR_DENIED;
	struct wa_begin_ctx c = {env, a, sv, 1, NULL};
	enum gcas_err e = store_tx(env->st, wa_begin_tx, &c);
	if (!e)
		*options_json = c.options;
	return e;
}

enum gcas_err svc_webauthn_signin_begin(const struct env *env, struct arena *a,
                                        struct session_view *sv, const char **options_json)
{
	*options_json = NULL;
	if (sv->mfa_done)
		return GCAS_ERR_DENIED;
	struct wa_begin_ctx c = {env, a, sv, 0, NULL};
	enum gcas_err e = store_tx(env->st, wa_begin_tx, &c);
	if (!e)
		*options_json = c.options;
	return e;
}

struct wa_reg_ctx {
	const struct env *env;
	struct arena *a;
	const struct client *cl;
	struct session_view *sv;
	const char *json, *label;
	enum gcas_err result;
	const char *why;
};

/* Verify and store, or record why not; the challenge is consumed either way (the transaction
 * commits the deletion and the audit record). */
static enum gcas_err wa_reg_verify(struct db *db, struct wa_reg_ctx *c)
{
	char want[128], id[33];
	const char *challenge;
	struct webauthn_response r;
	struct webauthn_rp rp;
	struct webauthn_credential cred;
	int exists = 0;
	wa_pending_label(c->sv, "reg", want, sizeof(want));
	enum gcas_err e = wa_take_challenge(db, c->a, c->sv->acc.id, want, &challenge);
	if (e)
		return e;
	c->result = GCAS_ERR_AUTH;
	c->why = "no_challenge";
	if (!challenge)
		return GCAS_OK;
	c->result = GCAS_ERR_INVALID;
	c->why = "malformed";
	if (webauthn_response_parse(c->a, c->json, strlen(c->json), &r) != GCAS_OK || !r.att_obj)
		return GCAS_OK;
	if (webauthn_rp_from_url(c->env->cfg->base_url, &rp) != GCAS_OK)
		return GCAS_ERR_INTERNAL;
	e = webauthn_register_verify(&rp, challenge, r.client_data, r.client_data_len, r.att_obj,
	                             r.att_obj_len, &cred);
	c->result = e == GCAS_ERR_INVALID ? GCAS_ERR_INVALID : GCAS_ERR_AUTH;
	c->why = "verification_failed";
	if (e)
		return GCAS_OK;
	/* Checked before the INSERT: a failed statement would abort a PostgreSQL transaction,
	 * and the refusal must still be audited. The UNIQUE constraint backs this up. */
	if ((e = store_factor_credential_exists(db, cred.id, &exists)))
		return e;
	c->result = GCAS_ERR_CONFLICT;
	c->why = "duplicate_credential";
	if (exists)
		return GCAS_OK;
	if (rand_id(id))
		return GCAS_ERR_CRYPTO;
	struct factor nf = {.id = id,
	                    .account_id = c->sv->acc.id,
	                    .kind = FACTOR_WEBAUTHN,
	                    .label = c->label,
	                    .credential_id = cred.id,
	                    .public_key = cred.public_key,
	                    .sign_count = cred.sign_count,
	                    .confirmed = 1,
	                    .created_at = clock_now()};
	if ((e = store_factor_insert(db, &nf)))
		return e;
	c->result = GCAS_OK;
	c->why = NULL;
	return GCAS_OK;
}

static enum gcas_err wa_reg_tx(struct db *db, void *ctx)
{
	struct wa_reg_ctx *c = ctx;
	struct actor ac = actor_for(c->cl, &c->sv->acc, NULL);
	char detail[96];
	enum gcas_err e = wa_reg_verify(db, c);
	if (e)
		return e;
	snprintf(detail, sizeof(detail), "{\"reason\":\"%s\"}", c->why ? c->why : "");
	struct audit_event ev = {c->result ? "factor.webauthn_refused"
	                                   : "factor.webauthn_registered",
	                         "account",
	                         c->sv->acc.id,
	                         c->sv->acc.agency_id,
	                         c->result ? "failure" : NULL,
	                         c->result ? detail : NULL};
	return audit_append(db, c->a, &ac, &ev);
}

int svc_webauthn_label_ok(const char *label)
{
	size_t n = label ? strlen(label) : 0;
	long cps = n ? utf8_count(label, n) : 0;
	return n > 0 && utf8_valid_text(label, n) && !strpbrk(label, "\t\r\n") && cps >= 1 &&
	       cps <= SVC_WEBAUTHN_LABEL_MAX;
}

enum gcas_err svc_webauthn_register_finish(const struct env *env, const struct client *cl,
                                           struct session_view *sv, const char *response_json,
                                           const char *label)
{
	if (!sv->mfa_done || !svc_reauth_fresh(env, sv))
		return GCAS_ERR_DENIED;
	if (!label || !label[0])
		label = "セキュリティキー";
	if (!svc_webauthn_label_ok(label) || !response_json)
		return GCAS_ERR_INVALID;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct wa_reg_ctx c = {env, a, cl, sv, response_json, label, GCAS_ERR_INTERNAL, NULL};
	enum gcas_err e = store_tx(env->st, wa_reg_tx, &c);
	arena_free(a);
	return e ? e : c.result;
}

enum gcas_err svc_webauthn_signin_finish(const struct env *env, const struct client *cl,
                                         struct session_view *sv, const char *response_json,
                                         char *token)
{
	if (sv->mfa_done)
		return GCAS_ERR_AUTH;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct factor_ctx c = {
	    env, a, cl, sv, "", token, 0, NULL, NULL, NULL, response_json ? response_json : ""};
	enum gcas_err e = store_tx(env->st, factor_tx, &c);
	arena_free(a);
	if (e)
		return e;
	return c.ok ? GCAS_OK : GCAS_ERR_AUTH;
}

struct wa_list_ctx {
	struct arena *a;
	const struct session_view *sv;
	struct factor *f;
	size_t n;
};

static enum gcas_err wa_list_tx(struct db *db, void *ctx)
{
	struct wa_list_ctx *c = ctx;
	struct factor *f;
	size_t n, k = 0;
	enum gcas_err e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n);
	if (e)
		return e;
	for (size_t i = 0; i < n; i++)
		if (is_webauthn_key(&f[i]))
			f[k++] = f[i];
	c->f = f;
	c->n = k;
	return GCAS_OK;
}

enum gcas_err svc_webauthn_list(const struct env *env, struct arena *a,
                                const struct session_view *sv, struct factor **out, size_t *n)
{
	struct wa_list_ctx c = {a, sv, NULL, 0};
	enum gcas_err e = store_run(env->st, wa_list_tx, &c);
	*out = c.f;
	*n = e ? 0 : c.n;
	return e;
}

struct wa_remove_ctx {
	struct arena *a;
	const struct client *cl;
	const struct session_view *sv;
	const char *id;
};

static enum gcas_err wa_remove_tx(struct db *db, void *ctx)
{
	struct wa_remove_ctx *c = ctx;
	struct actor ac = actor_for(c->cl, &c->sv->acc, NULL);
	struct factor *f;
	size_t n;
	enum gcas_err e = store_factor_list(db, c->a, c->sv->acc.id, &f, &n);
	if (e)
		return e;
	const struct factor *key = NULL;
	for (size_t i = 0; i < n && !key; i++)
		if (is_webauthn_key(&f[i]) && strcmp(f[i].id, c->id) == 0)
			key = &f[i];
	if (!key)
		return GCAS_ERR_NOTFOUND;
	if ((e = store_factor_delete(db, key->id, c->sv->acc.id)))
		return e;
	struct audit_event ev = {"factor.webauthn_removed", "account", c->sv->acc.id,
	                         c->sv->acc.agency_id,      NULL,      NULL};
	return audit_append(db, c->a, &ac, &ev);
}

enum gcas_err svc_webauthn_remove(const struct env *env, const struct client *cl,
                                  struct session_view *sv, const char *factor_id)
{
	if (!sv->mfa_done || !svc_reauth_fresh(env, sv))
		return GCAS_ERR_DENIED;
	if (!factor_id)
		return GCAS_ERR_NOTFOUND;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct wa_remove_ctx c = {a, cl, sv, factor_id};
	enum gcas_err e = store_tx(env->st, wa_remove_tx, &c);
	arena_free(a);
	return e;
}

/* ---- sign-out, re-authentication, password change ---- */

struct simple_ctx {
	struct arena *a;
	const struct client *cl;
	const struct session_view *sv;
	const char *action;
};

static enum gcas_err signout_tx(struct db *db, void *ctx)
{
	struct simple_ctx *c = ctx;
	struct actor ac = actor_for(c->cl, &c->sv->acc, NULL);
	enum gcas_err e = store_session_delete(db, c->sv->s.id_hash);
	if (e)
		return e;
	struct audit_event ev = {c->action, "account", c->sv->acc.id, c->sv->acc.agency_id,
	                         NULL,      NULL};
	return audit_append(db, c->a, &ac, &ev);
}

enum gcas_err svc_signout(const struct env *env, const struct client *cl,
                          const struct session_view *sv)
{
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct simple_ctx c = {a, cl, sv, "signout"};
	enum gcas_err e = store_tx(env->st, signout_tx, &c);
	arena_free(a);
	return e;
}

int svc_reauth_fresh(const struct env *env, const struct session_view *sv)
{
	return sv->s.reauth_at > 0 && clock_now() - sv->s.reauth_at <= env->cfg->reauth_ttl;
}

struct reauth_ctx {
	const struct env *env;
	struct arena *a;
	const struct client *cl;
	const struct session_view *sv;
	int ok;
	struct throttle_state t;
};

/* The account's sign-in throttle also guards re-authentication, so a stolen session cannot be
 * used to guess the password faster than the sign-in page allows. */
static void reauth_key(const struct session_view *sv, char *key, size_t cap)
{
	snprintf(key, cap, "acct:%s", sv->acc.email);
}

/* Like sign-in: the attempt is counted before the password is checked (see pw_claim_tx). */
static enum gcas_err reauth_claim_tx(struct db *db, void *ctx)
{
	struct reauth_ctx *c = ctx;
	char key[320];
	int64_t now = clock_now();
	struct throttle_rule r = rule_account(c->env);
	reauth_key(c->sv, key, sizeof(key));
	enum gcas_err e = store_throttle_lock(db, key, &c->t);
	if (e || throttle_locked(&c->t, now))
		return e;
	struct throttle_state t = c->t;
	throttle_fail(&t, &r, now);
	return store_throttle_put(db, key, &t);
}

static enum gcas_err reauth_tx(struct db *db, void *ctx)
{
	struct reauth_ctx *c = ctx;
	struct actor ac = actor_for(c->cl, &c->sv->acc, NULL);
	int64_t now = clock_now();
	char key[320];
	enum gcas_err e;
	reauth_key(c->sv, key, sizeof(key));
	if (c->ok && ((e = store_throttle_clear(db, key)) ||
	              (e = store_session_reauth(db, c->sv->s.id_hash, now))))
		return e;
	struct audit_event ev = {c->ok ? "reauth.success" : "reauth.failure",
	                         "account",
	                         c->sv->acc.id,
	                         c->sv->acc.agency_id,
	                         c->ok ? NULL : "failure",
	                         NULL};
	return audit_append(db, c->a, &ac, &ev);
}

enum gcas_err svc_reauth(const struct env *env, const struct client *cl, struct session_view *sv,
                         const char *password)
{
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct reauth_ctx c = {env, a, cl, sv, 0, {0}};
	enum gcas_err e = store_tx(env->st, reauth_claim_tx, &c);
	if (e)
		goto out;
	if (throttle_locked(&c.t, clock_now()) || !sv->acc.password_hash || !password)
		password_verify_dummy(password ? password : "", &env->cfg->pw);
	else
		c.ok = password_verify(sv->acc.password_hash, password) == GCAS_OK;
	e = store_tx(env->st, reauth_tx, &c);
	if (!e && c.ok)
		sv->s.reauth_at = clock_now();
	if (!e && !c.ok)
		e = GCAS_ERR_AUTH;
out:
	arena_free(a);
	return e;
}

int svc_password_acceptable(const struct account *acc, const char *password, struct verrs *ve)
{
	char local[128] = "";
	const char *words[6] = {0};
	int nw = 0;
	if (acc) {
		const char *at = acc->email ? strchr(acc->email, '@') : NULL;
		if (at && (size_t)(at - acc->email) < sizeof(local)) {
			memcpy(local, acc->email, (size_t)(at - acc->email));
			local[at - acc->email] = '\0';
			words[nw++] = local;
		}
		if (acc->family_name)
			words[nw++] = acc->family_name;
		if (acc->given_name)
			words[nw++] = acc->given_name;
		if (acc->family_kana)
			words[nw++] = acc->family_kana;
		if (acc->given_kana)
			words[nw++] = acc->given_kana;
	}
	enum pw_problem p = password_check_policy(password ? password : "", words);
	if (p == PW_OK)
		return 1;
	verr_add(ve, "password", password_problem_msg(p, 0), password_problem_msg(p, 1));
	return 0;
}

struct pwchange_ctx {
	struct arena *a;
	const struct env *env;
	const struct client *cl;
	const struct account *acc;
	const char *hash;
	const char *keep_session; /* id hash of the session that stays, or NULL */
	const char *link_hash;    /* set-up link being used, or NULL */
	const char *action;
};

static enum gcas_err pwchange_tx(struct db *db, void *ctx)
{
	struct pwchange_ctx *c = ctx;
	int64_t now = clock_now();
	struct actor ac = actor_for(c->cl, c->acc, NULL);
	enum gcas_err e;
	if (c->link_hash) {
		const char *acc_id;
		/* Only a 'setup' link sets a password; a 'verify' link confirms an address. */
		if ((e = store_link_use_purpose(db, c->a, c->link_hash, "setup", now, &acc_id)))
			return e;
		if (strcmp(acc_id, c->acc->id) != 0)
			return GCAS_ERR_CONFLICT;
	}
	if ((e = store_account_set_password(db, c->acc->id, c->hash, now)))
		return e;
	/* R2.8: the set-up link was mailed to the account's address, so using it proves the
	 * person receives mail there. */
	if (c->link_hash && (e = store_account_email_verified(db, c->acc->id, now)))
		return e;
	/* A password set through a manager's link replaces whatever the account had: its API
	 * tokens end with it. */
	if (c->link_hash && (e = store_token_revoke_account(db, c->acc->id, now)))
		return e;
	/* A changed password ends every other session of the account; the one that changed it
	 * (if any) stays. */
	e = c->keep_session ? store_session_delete_others(db, c->acc->id, c->keep_session)
	                    : store_session_delete_account(db, c->acc->id);
	if (e)
		return e;
	struct audit_event ev = {c->action, "account", c->acc->id, c->acc->agency_id, NULL, NULL};
	return audit_append(db, c->a, &ac, &ev);
}

enum gcas_err svc_password_change(const struct env *env, const struct client *cl,
                                  struct session_view *sv, const char *new_password,
                                  struct verrs *ve)
{
	if (!svc_reauth_fresh(env, sv))
		return GCAS_ERR_DENIED;
	if (!svc_password_acceptable(&sv->acc, new_password, ve))
		return GCAS_ERR_INVALID;
	char hash[PASSWORD_HASH_SIZE];
	if (password_hash(new_password, &env->cfg->pw, hash))
		return GCAS_ERR_CRYPTO;
	struct arena *a = arena_new(0);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct pwchange_ctx c = {a,    env,           cl,   &sv->acc,
	                         hash, sv->s.id_hash, NULL, "password.change"};
	enum gcas_err e = store_tx(env->st, pwchange_tx, &c);
	arena_free(a);
	return e;
}

struct peek_ctx {
	struct arena *a;
	const char *hash;
	struct account *out;
};

static enum gcas_err peek_tx(struct db *db, void *ctx)
{
	struct peek_ctx *c = ctx;
	const char *acc_id;
	enum gcas_err e = store_link_peek_purpose(db, c->a, c->hash, "setup", clock_now(), &acc_id);
	if (e)
		return e;
	if ((e = store_account_get(db, c->a, acc_id, c->out)))
		return e;
	return c->out->status == ACCOUNT_PENDING || c->out->status == ACCOUNT_ACTIVE
	           ? GCAS_OK
	           : GCAS_ERR_NOTFOUND;
}

enum gcas_err svc_setup_peek(const struct env *env, struct arena *a, const char *link_token,
                             struct account *out)
{
	char hash[SHA256_HEX_SIZE];
	if (!link_token || strlen(link_token) > 128 || token_hash(link_token, hash))
		return GCAS_ERR_NOTFOUND;
	struct peek_ctx c = {a, arena_strdup(a, hash), out};
	return store_run(env->st, peek_tx, &c);
}

enum gcas_err svc_setup_complete(const struct env *env, const struct client *cl,
                                 const char *link_token, const char *password, struct verrs *ve)
{
	struct arena *a = arena_new(0);
	struct account acc;
	char hash[SHA256_HEX_SIZE], pw[PASSWORD_HASH_SIZE];
	enum gcas_err e = a ? svc_setup_peek(env, a, link_token, &acc) : GCAS_ERR_NOMEM;
	if (e)
		goto out;
	if (!svc_password_acceptable(&acc, password, ve)) {
		e = GCAS_ERR_INVALID;
		goto out;
	}
	if (token_hash(link_token, hash) || password_hash(password, &env->cfg->pw, pw)) {
		e = GCAS_ERR_CRYPTO;
		goto out;
	}
	struct pwchange_ctx c = {a, env, cl, &acc, pw, NULL, hash, "password.setup"};
	e = store_tx(env->st, pwchange_tx, &c);
out:
	arena_free(a);
	return e;
}

struct sweep_ctx {
	int64_t now, idle_before, deleted;
};

static enum gcas_err sweep_tx(struct db *db, void *ctx)
{
	struct sweep_ctx *c = ctx;
	int64_t counters = 0;
	enum gcas_err e = store_session_sweep(db, c->now, c->idle_before, &c->deleted);
	/* Throttle counters outlive their window (a day for accounts) only while locked. */
	if (!e)
		e = store_throttle_sweep(db, c->now, c->now - 86400, &counters);
	return e;
}

enum gcas_err svc_session_sweep(const struct env *env, int64_t *deleted)
{
	int64_t now = clock_now();
	struct sweep_ctx c = {now, now - env->cfg->session_idle_ttl, 0};
	enum gcas_err e = store_tx(env->st, sweep_tx, &c);
	*deleted = c.deleted;
	return e;
}
