/* SPDX-License-Identifier: MIT */
/* Personal settings: the profile; credential changes only after a fresh re-authentication
 * (otherwise the page points to /reauth and a POST is sent there); changing the password;
 * replacing the authenticator (wrong code re-renders, right code shows new recovery codes);
 * personal API tokens created (secret shown once), listed and revoked. */
#include "base/clock.h"
#include "base/codec.h"
#include "crypto/totp.h"
#include "test_pages.h"

/* The current TOTP code for the base32 secret shown on the enrolment page ("ABCD EFGH ..."). */
static const char *code_from_page(const char *body, char out[24])
{
	char secret[128], key[80];
	size_t n = 0;
	const char *p = body ? strstr(body, "qr-box__secret\">") : NULL;
	out[0] = '\0';
	if (!p)
		return out;
	for (p += 16; *p && *p != '<' && n < sizeof(secret) - 1; p++)
		if (*p != ' ')
			secret[n++] = *p;
	secret[n] = '\0';
	long kl = base32_decode(key, sizeof(key), secret, n);
	long code = kl > 0 ? totp_code(key, (size_t)kl, totp_step(clock_now())) : -1;
	if (code >= 0)
		snprintf(out, 24, "%06ld", code % 1000000);
	return out;
}

/* The double-submit CSRF cookie value set by GET /signin, into out (128 bytes). */
static const char *anon_csrf(char *out)
{
	const char *p = COOKIES ? strstr(COOKIES, "gcas_csrf=") : NULL;
	size_t n = p ? strcspn(p + 10, ";\n") : 0;
	out[0] = '\0';
	if (n > 0 && n < 128) {
		memcpy(out, p + 10, n);
		out[n] = '\0';
	}
	return out;
}

int main(void)
{
	char a[33], other_tok[128], code[24], ck[128];
	struct who me, other;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &me) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "suzuki@a.example.jp", &other) == 0 &&
	       wt_token(&W, other.id, "read", other_tok) == 0,
	   "an agency, two people signed in, a token of the other person");

	is_int(get(&me, "/settings"), 200, "settings");
	has_str(BODY, "mgr@a.example.jp", "shows the profile");
	has_str(BODY, "利用機関GCAS責任者", "and the role");
	has_str(BODY, "action=\"/settings/password\"", "offers the password form (fresh sign-in)");
	has_str(BODY, "action=\"/settings/tokens\"", "and the token form");
	has_str(BODY, "APIトークンはありません", "no tokens yet");

	/* Without a fresh re-authentication: the way to /reauth instead of the forms. */
	int64_t ttl = W.cfg.reauth_ttl;
	W.cfg.reauth_ttl = -1;
	is_int(get(&me, "/settings"), 200, "settings after the re-authentication went stale");
	lacks_str(BODY, "action=\"/settings/password\"", "no password form");
	lacks_str(BODY, "action=\"/settings/tokens\"", "no token form");
	has_str(BODY, "/reauth?next=%2Fsettings", "a link to re-authenticate");
	is_int(post(&me, "/settings/password",
	            form("csrf", me.csrf, "password", "a long new passphrase", "password2",
	                 "a long new passphrase", NULL)),
	       303, "a password POST");
	is_str(LOCATION, "/reauth?next=%2Fsettings", "is sent to re-authenticate first");
	is_int(get(&me, "/settings/totp"), 303, "the authenticator page");
	is_str(LOCATION, "/reauth?next=%2Fsettings%2Ftotp", "too");
	is_int(post(&me, "/settings/tokens",
	            form("csrf", me.csrf, "name", "ci", "scopes", "read", "ttl_days", "30", NULL)),
	       303, "a token POST");
	is_str(LOCATION, "/reauth?next=%2Fsettings", "too");
	W.cfg.reauth_ttl = ttl;

	/* Tokens. */
	is_int(post(&me, "/settings/tokens",
	            form("csrf", me.csrf, "name", "夜間スクリプト", "scopes", "read write",
	                 "ttl_days", "0", NULL)),
	       422, "a lifetime of 0 days: 422");
	has_str(BODY, "有効期間の日数が範囲外です", "says so");
	has_str(BODY, "value=\"夜間スクリプト\"", "keeps the name");
	has_str(BODY, "value=\"read write\" checked", "keeps the scopes");
	is_int(post(&me, "/settings/tokens",
	            form("name", "ci", "scopes", "read", "ttl_days", "30", NULL)),
	       403, "no CSRF token: 403");
	is_int(post(&me, "/settings/tokens",
	            form("csrf", me.csrf, "name", "夜間スクリプト", "scopes", "read write",
	                 "ttl_days", "30", NULL)),
	       200, "a token is created");
	has_str(BODY, "gcas_pat_", "its secret is shown");
	has_str(BODY, "今だけ表示されます", "once, with a warning");
	has_str(BODY, "読み取り・書き込み", "with its scopes");
	is_int(get(&me, "/settings"), 200, "settings");
	has_str(BODY, "夜間スクリプト", "lists the token");
	lacks_str(BODY, "gcas_pat_", "without its secret");
	has_str(BODY, "/revoke", "with a revoke button");
	const char *rv = strstr(BODY, "/settings/tokens/");
	char tid[33] = "";
	if (rv && strspn(rv + 17, "0123456789abcdef") == 32) {
		memcpy(tid, rv + 17, 32);
		tid[32] = '\0';
	}
	ok(tid[0], "the token's id is in the revoke form");
	is_int(post(&other, fmt("/settings/tokens/%s/revoke", tid), form("csrf", other.csrf, NULL)),
	       404, "someone else cannot revoke it");
	is_int(post(&me, fmt("/settings/tokens/%s/revoke", tid), form("csrf", me.csrf, NULL)), 303,
	       "its owner revokes it");
	is_str(LOCATION, "/settings?done=revoked", "back to settings");
	is_int(get(&me, "/settings?done=revoked"), 200, "settings");
	has_str(BODY, "APIトークンを失効させました", "confirms");
	has_str(BODY, "badge--neutral\">失効", "the token shows as revoked");

	/* The authenticator. */
	is_int(get(&me, "/settings/totp"), 200, "the new authenticator page");
	has_str(BODY, "qr-box__secret", "shows a key");
	is_int(post(&me, "/settings/totp", form("csrf", me.csrf, "code", "000000", NULL)), 422,
	       "a wrong code: 422");
	has_str(BODY, "コードが正しくありません", "says so");
	code_from_page(BODY, code);
	ok(strlen(code) == 6, "a code computed from the shown key");
	is_int(post(&me, "/settings/totp", form("csrf", me.csrf, "code", code, NULL)), 200,
	       "the right code sets it up");
	has_str(BODY, "リカバリーコード", "new recovery codes are shown");
	is_int(get(&me, "/"), 200, "still signed in");

	/* The password. */
	is_int(post(&me, "/settings/password",
	            form("csrf", me.csrf, "password", "a long new passphrase", "password2",
	                 "something else", NULL)),
	       422, "a mismatched confirmation: 422");
	has_str(BODY, "確認用のパスワードが一致しません", "says so");
	is_int(post(&me, "/settings/password",
	            form("csrf", me.csrf, "password", "mgr", "password2", "mgr", NULL)),
	       422, "a password that breaks the policy: 422");
	has_str(BODY, "error-summary", "says why");
	lacks_str(BODY, "value=\"mgr\"", "and never echoes a password");
	is_int(post(&me, "/settings/password",
	            form("csrf", me.csrf, "password", "a long new passphrase", "password2",
	                 "a long new passphrase", NULL)),
	       200, "a good password is saved");
	has_str(BODY, "パスワードを変更しました", "and the page says so");
	has_str(BODY, "サインインは終了しました", "and that other sign-ins ended");
	is_int(get(NULL, "/signin"), 200, "the sign-in form");
	anon_csrf(ck);
	is_int(request("POST", "/signin", fmt("gcas_csrf=%s", ck),
	               form("csrf", ck, "email", "mgr@a.example.jp", "password",
	                    "a long new passphrase", NULL)),
	       303, "the new password signs in");
	is_str(LOCATION, "/signin/factor", "on to the second factor");
	is_int(get(&other, "/settings"), 200, "the other person is unaffected");

	/* English. */
	is_int(get(&other, "/settings?lang=en"), 200, "settings in English");
	has_str(BODY, "Personal API tokens", "English section");
	has_str(BODY, "Change your password", "English password section");
	pages_done();
	return tap_done();
}
