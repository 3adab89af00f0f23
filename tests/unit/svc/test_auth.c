/* SPDX-License-Identifier: MIT */
/* Sign-in and sessions (svc/auth.c, R3.1) on a fixed clock: one answer (GCAS_ERR_AUTH) for every
 * failed sign-in with the internal reason audited; growing delays per account and per client
 * address (NIST SP 800-63B §5.2.2); TOTP codes within ±1 step used once (RFC 6238 §5.2) and
 * recovery codes used once; a new session id at each step; idle (30 min) and absolute (12 h)
 * timeouts; server-side sign-out and suspension; re-authentication; password change and
 * set-up links; enrolment replacing the old authenticator. */
#include "base/codec.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "test_world.h"

static struct world W;

static const struct client cl_main = {"198.51.100.1", "auth-test"};

/* The 6-digit code of a base32 secret at a TOTP step. */
static const char *code_at(const char *secret_b32, int64_t step, char out[8])
{
	unsigned char key[64];
	long n = base32_decode(key, sizeof(key), secret_b32, strlen(secret_b32));
	long c = n > 0 ? totp_code(key, (size_t)n, step) : -1;
	snprintf(out, 8, "%06d", (int)(c < 0 ? 0 : c % 1000000));
	return out;
}

static int64_t step_now(void)
{
	return totp_step(W.now);
}

static enum gcas_err pw(const char *email, const char *password, const struct client *cl,
                        char *token)
{
	int need = -1;
	return svc_signin_password(&W.w.env, cl, email, password, token, &need);
}

static enum gcas_err resolve(const char *token, struct arena *a, struct session_view *sv)
{
	return svc_session_resolve(&W.w.env, a, token, sv);
}

/* Both factors with the fixture authenticator; moves the clock to a fresh TOTP step first so a
 * code is never reused by accident. token receives the final session. */
static int full_signin(const char *email, const char *secret, char *token)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	char t1[SESSION_TOKEN_SIZE], code[8];
	int rc = -1;
	world_tick(&W, TOTP_PERIOD);
	if (pw(email, WT_PASSWORD, &cl_main, t1) || resolve(t1, a, &sv))
		goto out;
	if (svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(secret, step_now(), code), token))
		goto out;
	rc = 0;
out:
	arena_free(a);
	return rc;
}

/* The last audit record's detail holds "reason":"why". */
static void last_reason(const char *action, const char *why, const char *msg)
{
	struct arena *a = arena_new(0);
	struct audit_rec r = world_audit_last(&W, a);
	char want[96];
	snprintf(want, sizeof(want), "\"reason\":\"%s\"", why);
	if (!ok(strcmp(r.action, action) == 0 && strstr(r.detail, want), "%s", msg))
		printf("#   last record: %s %s\n", r.action, r.detail);
	arena_free(a);
}

static void test_password_step(void)
{
	struct arena *a = arena_new(0);
	char tok[SESSION_TOKEN_SIZE] = "", tok2[SESSION_TOKEN_SIZE] = "";
	int need = -1;
	struct session_view sv;
	int64_t sess = world_sessions(&W), s0 = world_audit_seq(&W);
	is_int(
	    svc_signin_password(&W.w.env, &cl_main, "am1@digital.go.jp", WT_PASSWORD, tok, &need),
	    GCAS_OK, "password sign-in succeeds");
	is_int(need, 0, "  an account with an authenticator need not enrol");
	ok(strlen(tok) >= 40, "  a session token is returned");
	is_int(world_sessions(&W), sess + 1, "  one session row");
	audit_wrote(&W, s0, "signin.password", "ok", "  signin.password recorded");
	is_int(resolve(tok, a, &sv), GCAS_OK, "  the session resolves");
	is_str(sv.acc.id, W.am1, "  to the account");
	is_int(sv.mfa_done, 0, "  with the second factor still missing");
	is_int(sv.has_totp, 1, "  and an authenticator to ask for");
	is_int(
	    svc_signin_password(&W.w.env, &cl_main, "AM1@Digital.GO.JP", WT_PASSWORD, tok2, &need),
	    GCAS_OK, "the address is matched case-insensitively");
	ok(strcmp(tok, tok2) != 0, "  and every sign-in gets a new session id");
	arena_free(a);
}

static void test_failures(void)
{
	struct arena *a = arena_new(0);
	struct client cl = {"198.51.100.20", "fail"};
	char tok[SESSION_TOKEN_SIZE];
	struct verrs ve = {0};
	int64_t sess = world_sessions(&W), s0 = world_audit_seq(&W);

	is_int(pw("nobody@digital.go.jp", WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "unknown address: GCAS_ERR_AUTH");
	audit_wrote(&W, s0, "signin.failure", "failure", "  signin.failure recorded");
	last_reason("signin.failure", "unknown_account", "  with reason unknown_account");
	s0 = world_audit_seq(&W);
	is_int(pw("as1@digital.go.jp", "wrong horse battery staple", &cl, tok), GCAS_ERR_AUTH,
	       "wrong password: the same GCAS_ERR_AUTH");
	audit_wrote(&W, s0, "signin.failure", "failure", "  signin.failure recorded");
	last_reason("signin.failure", "bad_password", "  with reason bad_password");
	struct audit_rec r = world_audit_last(&W, a);
	is_str(r.target_id, W.as1, "  naming the account");
	is_str(r.ip, cl.ip, "  and the client address");

	struct actor am2 = world_actor(&W, W.am2);
	is_int(svc_account_set_status(&W.w.env, &am2, a, W.as2, ACCOUNT_OP_DISABLE, "休職", &ve),
	       GCAS_OK, "(an account is disabled)");
	s0 = world_audit_seq(&W);
	is_int(pw("as2@city.chiyoda.lg.jp", WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "disabled account with the right password: the same GCAS_ERR_AUTH");
	last_reason("signin.failure", "account_disabled", "  with reason account_disabled");

	struct actor op = world_actor(&W, W.op); /* issues directly (別表3) */
	struct account fresh;
	const char *link;
	struct account_input in = world_person("not.set.up@digital.go.jp", "agency_staff", W.ag1);
	ve = (struct verrs){0};
	svc_account_create(&W.w.env, &op, a, &in, &fresh, &link, &ve);
	is_int(pw("not.set.up@digital.go.jp", "", &cl, tok), GCAS_ERR_AUTH,
	       "an account without a password yet: the same GCAS_ERR_AUTH");
	last_reason("signin.failure", "no_password", "  with reason no_password");
	is_int(pw("not an address", WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "a malformed address: the same GCAS_ERR_AUTH");
	is_int(pw(NULL, NULL, &cl, tok), GCAS_ERR_AUTH, "NULL inputs: the same GCAS_ERR_AUTH");
	is_int(world_sessions(&W), sess, "no failure created a session");
	arena_free(a);
}

static void test_throttle_account(void)
{
	struct client cl = {"198.51.100.30", "throttle"};
	char tok[SESSION_TOKEN_SIZE];
	const char *email = "ps1@digital.go.jp", *bad = "not the password at all";
	int free_n = W.w.cfg.throttle_free, early = 0;
	for (int i = 0; i < free_n; i++)
		early |= pw(email, bad, &cl, tok) != GCAS_ERR_AUTH;
	ok(!early, "%d wrong passwords are refused", free_n);
	last_reason("signin.failure", "bad_password", "  each checked (not throttled)");
	is_int(pw(email, bad, &cl, tok), GCAS_ERR_AUTH, "failure %d", free_n + 1);
	last_reason("signin.failure", "bad_password",
	            "  is still checked: the free failures are allowed");
	/* Now locked for 2 s: the right password is refused without being checked. */
	world_tick(&W, 1);
	is_int(pw(email, WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "1 s later the right password is refused (locked for 2 s)");
	last_reason("signin.failure", "throttled", "  with reason throttled");
	world_tick(&W, 1);
	is_int(pw(email, bad, &cl, tok), GCAS_ERR_AUTH,
	       "2 s later: checked again, wrong once more");
	last_reason("signin.failure", "bad_password", "  (the 2 s lock is over)");
	world_tick(&W, 3);
	is_int(pw(email, WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "3 s later the right password is still refused (now locked for 4 s)");
	last_reason("signin.failure", "throttled", "  throttled");
	world_tick(&W, 1);
	is_int(pw(email, bad, &cl, tok), GCAS_ERR_AUTH, "4 s after: checked again, wrong again");
	last_reason("signin.failure", "bad_password", "  (the 4 s lock is over)");
	world_tick(&W, 7);
	is_int(pw(email, WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "7 s later the right password is refused (now locked for 8 s)");
	world_tick(&W, 1);
	is_int(pw(email, WT_PASSWORD, &cl, tok), GCAS_OK,
	       "after 8 s the right password is accepted");
	is_int(pw(email, bad, &cl, tok), GCAS_ERR_AUTH, "a success clears the count:");
	is_int(pw(email, WT_PASSWORD, &cl, tok), GCAS_OK, "  one failure later nothing is locked");
	/* Another account is not affected by ps1's lock. */
	is_int(pw("pm1@digital.go.jp", WT_PASSWORD, &cl, tok), GCAS_OK,
	       "another account from the same address is unaffected");
}

static void test_throttle_ip(void)
{
	struct client cl = {"203.0.113.9", "spray"}, other = {"203.0.113.10", "other"};
	char tok[SESSION_TOKEN_SIZE];
	int saved = W.w.cfg.throttle_ip_free;
	W.w.cfg.throttle_ip_free = 3;
	const char *targets[] = {"pm1@digital.go.jp", "cm1@ichiji.co.jp", "cm1b@niji.co.jp",
	                         "ps2@digital.go.jp"};
	int refused = 0;
	for (int i = 0; i < 4; i++)
		refused += pw(targets[i], "password spraying attempt", &cl, tok) == GCAS_ERR_AUTH;
	is_int(refused, 4, "one wrong password for each of 4 accounts from one address");
	is_int(pw("cs1@ichiji.co.jp", WT_PASSWORD, &cl, tok), GCAS_ERR_AUTH,
	       "a fifth account's right password from that address is refused (address locked)");
	last_reason("signin.failure", "throttled", "  with reason throttled");
	is_int(pw("cs1@ichiji.co.jp", WT_PASSWORD, &other, tok), GCAS_OK,
	       "the same account from another address is accepted");
	world_tick(&W, 2);
	is_int(pw("cm1@ichiji.co.jp", WT_PASSWORD, &cl, tok), GCAS_OK,
	       "after 2 s the address may sign in again");
	W.w.cfg.throttle_ip_free = saved;
}

static void test_second_factor(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	char t1[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE] = "", code[8];
	const char *email = "pm1@digital.go.jp", *sec = WT_TOTP_SECRET;
	world_tick(&W, TOTP_PERIOD);
	int64_t s = step_now();
	pw(email, WT_PASSWORD, &cl_main, t1);
	is_int(resolve(t1, a, &sv), GCAS_OK, "password step done");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s - 2, code), t2),
	       GCAS_ERR_AUTH, "a code two steps old is refused");
	audit_wrote(&W, s0, "signin.factor_failure", "failure", "  signin.factor_failure recorded");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s + 2, code), t2),
	       GCAS_ERR_AUTH, "a code two steps ahead is refused");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, "12a456", t2), GCAS_ERR_AUTH,
	       "a malformed code is refused");
	is_int(resolve(t1, a, &sv), GCAS_OK, "the half-signed-in session survives wrong codes");
	int64_t sess = world_sessions(&W);
	s0 = world_audit_seq(&W);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s - 1, code), t2), GCAS_OK,
	       "the previous step's code is accepted (one step of drift)");
	audit_wrote(&W, s0, "signin.success", "ok", "  signin.success recorded");
	ok(strlen(t2) >= 40 && strcmp(t1, t2) != 0, "  the session id is rotated");
	is_int(resolve(t1, a, &sv), GCAS_ERR_AUTH, "  the old id no longer resolves");
	is_int(resolve(t2, a, &sv), GCAS_OK, "  the new one does");
	is_int(sv.mfa_done, 1, "  with the second factor done");
	is_int(world_sessions(&W), sess, "  and the old row is gone, not kept");

	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s - 1, code), t2),
	       GCAS_ERR_AUTH, "the same code again is refused (used once)");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s, code), t2), GCAS_OK,
	       "the current step's code is accepted");
	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s, code), t2), GCAS_ERR_AUTH,
	       "the current code again is refused");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s + 1, code), t2), GCAS_OK,
	       "the next step's code is accepted (one step of drift)");
	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s + 1, code), t2),
	       GCAS_ERR_AUTH, "and not twice");

	/* Wrong codes are throttled too. */
	world_tick(&W, 2 * TOTP_PERIOD);
	s = step_now();
	int refused = 0;
	for (int i = 0; i <= W.w.cfg.throttle_free; i++)
		refused += svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s - 5 - i, code),
		                             t2) == GCAS_ERR_AUTH;
	is_int(refused, W.w.cfg.throttle_free + 1, "%d wrong codes in a row",
	       W.w.cfg.throttle_free + 1);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s, code), t2), GCAS_ERR_AUTH,
	       "lock the factor: the right code is refused at once");
	last_reason("signin.factor_failure", "throttled", "  with reason throttled");
	world_tick(&W, 2);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(sec, s, code), t2), GCAS_OK,
	       "  and accepted 2 s later");
	arena_free(a);
}

static void test_recovery_and_enrolment(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	char tok[SESSION_TOKEN_SIZE], t1[SESSION_TOKEN_SIZE], code[8];
	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE], codes2[RECOVERY_CODES][RECOVERY_CODE_SIZE];
	const char *email = "cm1@ichiji.co.jp";
	struct totp_enrolment en = {0}, en2 = {0};
	if (!ok(full_signin(email, WT_TOTP_SECRET, tok) == 0,
	        "signed in with the first authenticator"))
		return;
	resolve(tok, a, &sv);
	is_int(svc_totp_begin(&W.w.env, a, &sv, &en), GCAS_OK, "enrolment of a new one begins");
	ok(en.secret_b32 && strlen(en.secret_b32) == 32, "  a 160-bit base32 secret");
	has_str(en.uri, "otpauth://totp/", "  and its otpauth URI");
	has_str(en.uri, en.secret_b32 ? en.secret_b32 : "?", "  carrying the secret");
	is_int(svc_totp_begin(&W.w.env, a, &sv, &en2), GCAS_OK, "beginning again");
	is_str(en2.secret_b32, en.secret_b32, "  shows the same pending secret");
	char s2[40];
	snprintf(s2, sizeof(s2), "%s", en.secret_b32 ? en.secret_b32 : "");
	tok[0] = 'x';
	is_int(svc_totp_confirm(&W.w.env, &cl_main, &sv, code_at(s2, step_now() - 3, code), codes,
	                        tok),
	       GCAS_ERR_AUTH, "a wrong confirmation code is refused");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_totp_confirm(&W.w.env, &cl_main, &sv, code_at(s2, step_now(), code), codes, tok),
	       GCAS_OK, "the right one confirms the new authenticator");
	ok(world_audit_seq(&W) == s0 + 1, "  with one audit record (factor.totp_enrolled)");
	is_str(tok, "", "  a signed-in session is not rotated");
	int distinct = 1;
	for (int i = 0; i < RECOVERY_CODES; i++)
		for (int j = i + 1; j < RECOVERY_CODES; j++)
			distinct &= strcmp(codes[i], codes[j]) != 0;
	ok(distinct && strlen(codes[0]) >= 12, "  ten distinct recovery codes");

	world_tick(&W, TOTP_PERIOD);
	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(WT_TOTP_SECRET, step_now(), code),
	                         tok),
	       GCAS_ERR_AUTH, "the replaced authenticator no longer works");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(s2, step_now(), code), tok),
	       GCAS_OK, "the new one does");

	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	s0 = world_audit_seq(&W);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, codes[0], tok), GCAS_OK,
	       "a recovery code signs in");
	has_str(world_audit_last(&W, a).detail, "recovery_code", "  recorded as a recovery code");
	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, codes[0], tok), GCAS_ERR_AUTH,
	       "the same recovery code is refused the second time");
	char typed[RECOVERY_CODE_SIZE + 4];
	size_t k = 0;
	for (const char *p = codes[1]; *p && k + 1 < sizeof(typed); p++)
		typed[k++] = *p == '-' ? ' ' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	typed[k] = '\0';
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, typed, tok), GCAS_OK,
	       "another one typed in capitals with spaces works once");

	/* Enrolling again replaces the authenticator and all recovery codes. */
	resolve(tok, a, &sv);
	struct totp_enrolment en3 = {0};
	svc_totp_begin(&W.w.env, a, &sv, &en3);
	ok(en3.secret_b32 && strcmp(en3.secret_b32, s2) != 0, "a second enrolment: a new secret");
	char s3[40];
	snprintf(s3, sizeof(s3), "%s", en3.secret_b32 ? en3.secret_b32 : "");
	is_int(
	    svc_totp_confirm(&W.w.env, &cl_main, &sv, code_at(s3, step_now(), code), codes2, tok),
	    GCAS_OK, "  confirmed");
	world_tick(&W, TOTP_PERIOD);
	pw(email, WT_PASSWORD, &cl_main, t1);
	resolve(t1, a, &sv);
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, codes[2], tok), GCAS_ERR_AUTH,
	       "an unused recovery code of the old set is refused");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, code_at(s2, step_now(), code), tok),
	       GCAS_ERR_AUTH, "so is the previous authenticator");
	is_int(svc_signin_factor(&W.w.env, &cl_main, &sv, codes2[0], tok), GCAS_OK,
	       "a code of the new set works");

	/* Changing factors needs a fresh re-authentication. */
	world_tick(&W, W.w.cfg.reauth_ttl + 1);
	resolve(tok, a, &sv);
	struct totp_enrolment en4 = {0};
	svc_totp_begin(&W.w.env, a, &sv, &en4);
	char s4[40];
	snprintf(s4, sizeof(s4), "%s", en4.secret_b32 ? en4.secret_b32 : "");
	is_int(
	    svc_totp_confirm(&W.w.env, &cl_main, &sv, code_at(s4, step_now(), code), codes2, tok),
	    GCAS_ERR_DENIED, "confirming without a fresh re-authentication is refused");
	arena_free(a);
}

static void test_sessions(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	char tok[SESSION_TOKEN_SIZE], tok2[SESSION_TOKEN_SIZE], tok3[SESSION_TOKEN_SIZE];
	const char *email = "ps1@digital.go.jp";
	int64_t idle = W.w.cfg.session_idle_ttl, abs_ttl = W.w.cfg.session_abs_ttl;
	is_int(idle, 30 * 60, "idle timeout is 30 minutes by default");
	is_int(abs_ttl, 12 * 3600, "absolute timeout is 12 hours by default");

	full_signin(email, WT_TOTP_SECRET, tok);
	world_tick(&W, idle - 1);
	is_int(resolve(tok, a, &sv), GCAS_OK, "a session used within 30 minutes lives on");
	world_tick(&W, idle - 1);
	is_int(resolve(tok, a, &sv), GCAS_OK, "  and on (each use restarts the idle clock)");
	int64_t sess = world_sessions(&W);
	world_tick(&W, idle);
	is_int(resolve(tok, a, &sv), GCAS_ERR_AUTH, "30 minutes idle end it");
	is_int(world_sessions(&W), sess - 1, "  and its row is deleted, server-side");

	full_signin(email, WT_TOTP_SECRET, tok);
	int alive = 1;
	int64_t lived = 0;
	while (lived + 20 * 60 < abs_ttl) {
		world_tick(&W, 20 * 60);
		lived += 20 * 60;
		alive &= resolve(tok, a, &sv) == GCAS_OK;
	}
	ok(alive, "a session used every 20 minutes lives %lld minutes", (long long)lived / 60);
	world_tick(&W, abs_ttl - lived);
	is_int(resolve(tok, a, &sv), GCAS_ERR_AUTH, "but ends 12 hours after sign-in however used");

	/* Sign-out ends it on the server. */
	full_signin(email, WT_TOTP_SECRET, tok);
	resolve(tok, a, &sv);
	sess = world_sessions(&W);
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_signout(&W.w.env, &cl_main, &sv), GCAS_OK, "sign-out");
	audit_wrote(&W, s0, "signout", "ok", "  recorded");
	is_int(resolve(tok, a, &sv), GCAS_ERR_AUTH, "  the token no longer resolves");
	is_int(world_sessions(&W), sess - 1, "  its row is gone");

	/* Disabling the account ends all its sessions at once. */
	full_signin("ps2@digital.go.jp", WT_TOTP_SECRET, tok);
	full_signin("ps2@digital.go.jp", WT_TOTP_SECRET, tok2);
	pw("ps2@digital.go.jp", WT_PASSWORD, &cl_main, tok3);
	ok(resolve(tok, a, &sv) == GCAS_OK && resolve(tok2, a, &sv) == GCAS_OK &&
	       resolve(tok3, a, &sv) == GCAS_OK,
	   "three live sessions of ps2");
	sess = world_sessions(&W);
	struct actor pm2 = world_actor(&W, W.pm2);
	struct verrs ve = {0};
	is_int(svc_account_set_status(&W.w.env, &pm2, a, W.ps2, ACCOUNT_OP_DISABLE, "休職", &ve),
	       GCAS_OK, "its project manager disables ps2");
	ok(resolve(tok, a, &sv) == GCAS_ERR_AUTH && resolve(tok2, a, &sv) == GCAS_ERR_AUTH &&
	       resolve(tok3, a, &sv) == GCAS_ERR_AUTH,
	   "  every one of its sessions ends at once");
	is_int(world_sessions(&W), sess - 3, "  their rows are deleted");
	arena_free(a);
}

static void test_reauth(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	char tok[SESSION_TOKEN_SIZE];
	full_signin("pm1@digital.go.jp", WT_TOTP_SECRET, tok);
	resolve(tok, a, &sv);
	ok(svc_reauth_fresh(&W.w.env, &sv), "completing sign-in counts as a fresh authentication");
	world_tick(&W, W.w.cfg.reauth_ttl);
	resolve(tok, a, &sv);
	ok(svc_reauth_fresh(&W.w.env, &sv), "  still fresh at the end of the window (5 min)");
	world_tick(&W, 1);
	resolve(tok, a, &sv);
	ok(!svc_reauth_fresh(&W.w.env, &sv), "  stale one second later");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_reauth(&W.w.env, &cl_main, &sv, "wrong password here"), GCAS_ERR_AUTH,
	       "re-authenticating with a wrong password fails");
	audit_wrote(&W, s0, "reauth.failure", "failure", "  reauth.failure recorded");
	ok(!svc_reauth_fresh(&W.w.env, &sv), "  and leaves the session stale");
	s0 = world_audit_seq(&W);
	is_int(svc_reauth(&W.w.env, &cl_main, &sv, WT_PASSWORD), GCAS_OK,
	       "with the right password it succeeds");
	audit_wrote(&W, s0, "reauth.success", "ok", "  reauth.success recorded");
	ok(svc_reauth_fresh(&W.w.env, &sv), "  the session is fresh");
	resolve(tok, a, &sv);
	ok(svc_reauth_fresh(&W.w.env, &sv), "  and stays so when read again (stored)");
	arena_free(a);
}

/* Re-authentication checks the password too, so it is rate-limited like sign-in, on the same
 * per-account counter (NIST SP 800-63B §5.2.2): a stolen session cookie gives no unlimited
 * guessing. */
static void test_reauth_throttle(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv;
	char tok[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE];
	const char *email = "cs1b@niji.co.jp";
	ok(full_signin(email, WT_TOTP_SECRET, tok) == 0, "signed in (cs1b)");
	is_int(resolve(tok, a, &sv), GCAS_OK, "  session resolves");
	is_int(svc_reauth(&W.w.env, &cl_main, &sv, WT_PASSWORD), GCAS_OK, "  re-auth works");
	int refused = 0, n = 2 * W.w.cfg.throttle_free;
	for (int i = 0; i < n; i++)
		refused += svc_reauth(&W.w.env, &cl_main, &sv, "guess number i") == GCAS_ERR_AUTH;
	is_int(refused, n, "%d wrong re-authentications are refused", n);
	is_int(svc_reauth(&W.w.env, &cl_main, &sv, WT_PASSWORD), GCAS_ERR_AUTH,
	       "  after them the right password is refused (throttled)");
	is_int(pw(email, WT_PASSWORD, &cl_main, t2), GCAS_ERR_AUTH,
	       "  and so is sign-in: the counter is the account's");
	world_tick(&W, 2);
	is_int(svc_reauth(&W.w.env, &cl_main, &sv, WT_PASSWORD), GCAS_OK,
	       "  2 s later the right password is accepted");
	ok(svc_reauth_fresh(&W.w.env, &sv), "  and the session is fresh");
	arena_free(a);
}

static void test_password_change(void)
{
	struct arena *a = arena_new(0);
	struct session_view sv, svb;
	char ta[SESSION_TOKEN_SIZE], tb[SESSION_TOKEN_SIZE], tok[SESSION_TOKEN_SIZE];
	char id[33];
	const char *email = "kobayashi.hanako@digital.go.jp", *newpw = "violet tram umbrella 42";
	struct verrs ve = {0};
	ok(wt_account(&W.w, ROLE_PROJECT_STAFF, W.pj1, email, id) == 0, "an account (kobayashi)");
	full_signin(email, WT_TOTP_SECRET, ta);
	full_signin(email, WT_TOTP_SECRET, tb);
	world_tick(&W, W.w.cfg.reauth_ttl + 1);
	is_int(resolve(ta, a, &sv), GCAS_OK, "session A");
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_password_change(&W.w.env, &cl_main, &sv, newpw, &ve), GCAS_ERR_DENIED,
	       "changing the password needs a fresh re-authentication");
	audit_none(&W, s0, "  nothing recorded");
	svc_reauth(&W.w.env, &cl_main, &sv, WT_PASSWORD);
	s0 = world_audit_seq(&W);
	ve = (struct verrs){0};
	is_int(svc_password_change(&W.w.env, &cl_main, &sv, "password123", &ve), GCAS_ERR_INVALID,
	       "a common password is refused");
	is_str(ve.n ? ve.e[0].en : NULL, password_problem_msg(PW_COMMON, 1), "  as common");
	ve = (struct verrs){0};
	is_int(svc_password_change(&W.w.env, &cl_main, &sv, "Kobayashi-kiwi-2026", &ve),
	       GCAS_ERR_INVALID, "a password containing the address's local part is refused");
	is_str(ve.n ? ve.e[0].en : NULL, password_problem_msg(PW_CONTEXT, 1), "  as context");
	ve = (struct verrs){0};
	is_int(svc_password_change(&W.w.env, &cl_main, &sv, "short", &ve), GCAS_ERR_INVALID,
	       "a short password is refused");
	audit_none(&W, s0, "  none of the refusals is recorded or stored");
	is_int(pw(email, WT_PASSWORD, &cl_main, tok), GCAS_OK, "  the old password still works");

	ve = (struct verrs){0};
	s0 = world_audit_seq(&W);
	is_int(svc_password_change(&W.w.env, &cl_main, &sv, newpw, &ve), GCAS_OK,
	       "a good password is accepted");
	audit_wrote(&W, s0, "password.change", "ok", "  password.change recorded");
	is_int(resolve(tb, a, &svb), GCAS_ERR_AUTH, "  the other session is ended");
	is_int(resolve(tok, a, &svb), GCAS_ERR_AUTH, "  so is the half-signed-in one");
	is_int(resolve(ta, a, &svb), GCAS_OK,
	       "  the session that changed it continues (\"ends every other session\")");
	is_int(pw(email, WT_PASSWORD, &cl_main, tok), GCAS_ERR_AUTH, "  the old password fails");
	is_int(pw(email, newpw, &cl_main, tok), GCAS_OK, "  the new one works");
	arena_free(a);
}

static void test_setup_links(void)
{
	struct arena *a = arena_new(0);
	struct actor op = world_actor(&W, W.op); /* issues directly (別表3) */
	struct account acc = {0}, peek = {0};
	const char *link = NULL, *late = NULL;
	struct verrs ve = {0};
	struct session_view sv;
	char tok[SESSION_TOKEN_SIZE], tok2[SESSION_TOKEN_SIZE], code[8];
	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE];
	const char *email = "hanamura.kaede@digital.go.jp", *good = "maple lantern river 7";
	struct account_input in = world_person(email, "agency_staff", W.ag1);
	is_int(svc_account_create(&W.w.env, &op, a, &in, &acc, &link, &ve), GCAS_OK,
	       "a new account with a set-up link");
	is_int(svc_setup_peek(&W.w.env, a, link, &peek), GCAS_OK, "the link is valid");
	is_str(peek.email, email, "  for that person");
	ve = (struct verrs){0};
	is_int(svc_setup_complete(&W.w.env, &cl_main, link, "Hanamura-kiwi-2026", &ve),
	       GCAS_ERR_INVALID, "a password holding the address's local part is refused");
	is_str(ve.n ? ve.e[0].en : NULL, password_problem_msg(PW_CONTEXT, 1), "  as context");
	is_int(svc_setup_peek(&W.w.env, a, link, &peek), GCAS_OK, "  and the link still works");
	ve = (struct verrs){0};
	int64_t s0 = world_audit_seq(&W);
	is_int(svc_setup_complete(&W.w.env, &cl_main, link, good, &ve), GCAS_OK,
	       "a good password is set through the link");
	audit_wrote(&W, s0, "password.setup", "ok", "  password.setup recorded");
	ve = (struct verrs){0};
	is_int(svc_setup_complete(&W.w.env, &cl_main, link, "another good pass 9", &ve),
	       GCAS_ERR_NOTFOUND, "the link works once");
	is_int(svc_setup_peek(&W.w.env, a, link, &peek), GCAS_ERR_NOTFOUND,
	       "  and is no longer valid");
	is_int(svc_setup_peek(&W.w.env, a, "not-a-link", &peek), GCAS_ERR_NOTFOUND,
	       "an unknown link is not found");

	/* First sign-in: enrol the authenticator, which completes the sign-in. */
	int need = 0;
	is_int(svc_signin_password(&W.w.env, &cl_main, email, good, tok, &need), GCAS_OK,
	       "the person signs in with the new password");
	is_int(need, 1, "  and must enrol a second factor");
	resolve(tok, a, &sv);
	is_int(sv.has_totp, 0, "  (no authenticator yet)");
	struct totp_enrolment en = {0};
	svc_totp_begin(&W.w.env, a, &sv, &en);
	char sec[40];
	snprintf(sec, sizeof(sec), "%s", en.secret_b32 ? en.secret_b32 : "");
	is_int(
	    svc_totp_confirm(&W.w.env, &cl_main, &sv, code_at(sec, step_now(), code), codes, tok2),
	    GCAS_OK, "confirming the authenticator");
	ok(strlen(tok2) >= 40 && strcmp(tok, tok2) != 0, "  completes the sign-in with a new id");
	is_int(resolve(tok, a, &sv), GCAS_ERR_AUTH, "  the password-step id is gone");
	is_int(resolve(tok2, a, &sv), GCAS_OK, "  the new one resolves");
	is_int(sv.mfa_done, 1, "  fully signed in");
	world_account(&W, a, acc.id, &peek);
	is_int(peek.status, ACCOUNT_ACTIVE, "  and the account is now active");

	/* Links expire after setup_link_ttl. */
	struct account acc2 = {0};
	in = world_person("late.starter@digital.go.jp", "agency_staff", W.ag1);
	ve = (struct verrs){0};
	svc_account_create(&W.w.env, &op, a, &in, &acc2, &late, &ve);
	world_tick(&W, W.w.cfg.setup_link_ttl - 1);
	is_int(svc_setup_peek(&W.w.env, a, late, &peek), GCAS_OK,
	       "a link is valid one second before its end (72 h)");
	world_tick(&W, 1);
	is_int(svc_setup_peek(&W.w.env, a, late, &peek), GCAS_ERR_NOTFOUND,
	       "and expired at its end");
	ve = (struct verrs){0};
	is_int(svc_setup_complete(&W.w.env, &cl_main, late, good, &ve), GCAS_ERR_NOTFOUND,
	       "  an expired link sets no password");

	/* The sweep removes what has expired. */
	int64_t sess = world_sessions(&W), deleted = -1;
	is_int(svc_session_sweep(&W.w.env, &deleted), GCAS_OK, "the session sweep runs");
	ok(sess > 0 && deleted == sess, "  and removes the %lld sessions idle for days",
	   (long long)sess);
	is_int(world_sessions(&W), 0, "  none left");
	arena_free(a);
}

int main(void)
{
	if (!ok(world_open(&W) == 0, "fixture world"))
		return tap_done();
	test_password_step();
	test_failures();
	test_throttle_account();
	test_throttle_ip();
	test_second_factor();
	test_recovery_and_enrolment();
	test_sessions();
	test_reauth();
	test_reauth_throttle();
	test_password_change();
	test_setup_links();
	world_close(&W);
	return tap_done();
}
