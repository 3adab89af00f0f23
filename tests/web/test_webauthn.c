/* SPDX-License-Identifier: MIT */
/* Security keys (WebAuthn) through the real dispatcher with a software authenticator
 * (tests/lib/wa_authn.h): registration needs a fresh re-authentication, a challenge is single
 * use, the same credential id is refused the second time; sign-in offers the key at the factor
 * step and completes with a valid assertion; wrong origin, a replayed challenge, an expired
 * challenge and a counter that does not advance (clone) are refused and audited; a key is
 * removed; a TOTP user's factor page still works without script. */
#include "base/clock.h"
#include "base/codec.h"
#include "crypto/totp.h"
#include "crypto/webauthn.h"
#include "svc/auth.h"
#include "test_pages.h"
#include "wa_authn.h"

#define ORIGIN "https://gcas.example.go.jp"
#define RP_ID  "gcas.example.go.jp"

static struct wa_key key;

/* The challenge inside the HTML-escaped options JSON of the last page, into out. */
static const char *challenge_of(const char *body, char *out, size_t cap)
{
	const char *p = body ? strstr(body, "&quot;challenge&quot;:&quot;") : NULL;
	size_t n;
	out[0] = '\0';
	if (!p)
		return out;
	p += strlen("&quot;challenge&quot;:&quot;");
	n = strcspn(p, "&");
	if (n < cap) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
	return out;
}

/* Browser JSON of a registration answering the challenge on the last page. */
static const char *registration(const char *origin)
{
	static char json[4096];
	char ch[128], cdj[512];
	unsigned char ad[512], att[1024];
	challenge_of(BODY, ch, sizeof(ch));
	wa_client_data(cdj, sizeof(cdj), "webauthn.create", ch, origin);
	size_t adl = wa_auth_data(&key, RP_ID, 0x01, 0, 1, ad);
	size_t attl = wa_att_obj(&key, "none", ad, adl, cdj, att);
	wa_json(json, sizeof(json), &key, cdj, att, attl, NULL, 0, NULL, 0);
	return json;
}

/* Browser JSON of an assertion answering the challenge on the last page. */
static const char *assertion(const char *origin, uint32_t count)
{
	static char json[4096];
	char ch[128], cdj[512];
	unsigned char ad[64], sig[128];
	challenge_of(BODY, ch, sizeof(ch));
	wa_client_data(cdj, sizeof(cdj), "webauthn.get", ch, origin);
	size_t adl = wa_auth_data(&key, RP_ID, 0x01, count, 0, ad);
	size_t sl = wa_sign(&key, ad, adl, cdj, sig, sizeof(sig));
	wa_json(json, sizeof(json), &key, cdj, NULL, 0, ad, adl, sig, sl);
	return json;
}

/* The session cookie ("gcas_session=...") set by the last response, into p->cookie. */
static int take_session(struct who *p)
{
	const char *s = COOKIES ? strstr(COOKIES, "gcas_session=") : NULL;
	size_t n = s ? strcspn(s, ";\n") : 0;
	if (!n || n >= sizeof(p->cookie))
		return -1;
	memcpy(p->cookie, s, n);
	p->cookie[n] = '\0';
	return 0;
}

/* Password step as a fresh browser: GET /signin for the CSRF cookie, POST the form. */
static int password_step(const char *email, struct who *p)
{
	char csrf[128] = "";
	memset(p, 0, sizeof(*p));
	if (get(NULL, "/signin") != 200)
		return -1;
	const char *s = COOKIES ? strstr(COOKIES, "gcas_csrf=") : NULL;
	size_t n = s ? strcspn(s + 10, ";\n") : 0;
	if (!n || n >= sizeof(csrf))
		return -1;
	memcpy(csrf, s + 10, n);
	csrf[n] = '\0';
	char ck[200];
	snprintf(ck, sizeof(ck), "gcas_csrf=%s", csrf);
	if (request("POST", "/signin", ck,
	            form("csrf", csrf, "email", email, "password", WT_PASSWORD, NULL)) != 303)
		return -1;
	if (take_session(p))
		return -1;
	/* The partial session's CSRF token is on its pages. */
	if (get(p, "/signin/factor") != 200)
		return -1;
	s = BODY ? strstr(BODY, "name=\"csrf\" value=\"") : NULL;
	n = s ? strcspn(s + 19, "\"") : 0;
	if (!n || n >= sizeof(p->csrf))
		return -1;
	memcpy(p->csrf, s + 19, n);
	p->csrf[n] = '\0';
	return 0;
}

static void test_register(struct who *me)
{
	int64_t ttl = W.cfg.reauth_ttl;
	W.cfg.reauth_ttl = -1;
	is_int(get(me, "/settings/webauthn"), 303, "registration page without re-authentication");
	is_str(LOCATION, "/reauth?next=%2Fsettings%2Fwebauthn", "is sent to /reauth");
	is_int(post(me, "/settings/webauthn", form("csrf", me->csrf, "credential", "{}", NULL)),
	       303, "and so is a POST");
	W.cfg.reauth_ttl = ttl;

	is_int(get(me, "/settings"), 200, "settings");
	has_str(BODY, "登録されたセキュリティキーはありません", "no keys yet");
	lacks_str(BODY, "webauthn.js", "the settings page loads no script");

	is_int(get(me, "/settings/webauthn"), 200, "registration page");
	has_str(BODY, "data-mode=\"create\"", "a create ceremony");
	has_str(BODY, "/static/webauthn.js", "with the static script");
	has_str(BODY, "&quot;rp&quot;:{&quot;id&quot;:&quot;" RP_ID "&quot;",
	        "rp id from base_url");
	lacks_str(BODY, "<script>", "no inline script");

	const char *good = registration(ORIGIN);
	char saved[4096];
	snprintf(saved, sizeof(saved), "%s", good);
	is_int(post(me, "/settings/webauthn",
	            form("csrf", me->csrf, "label", "青いキー", "credential", saved, NULL)),
	       303, "registration accepted");
	is_str(LOCATION, "/settings?done=webauthn_added", "back to settings");
	is_int((int)wt_audit_count(&W, "factor.webauthn_registered", NULL), 1, "audited");
	is_int(post(me, "/settings/webauthn",
	            form("csrf", me->csrf, "label", "青いキー", "credential", saved, NULL)),
	       422, "the same answer again: challenge already used");
	has_str(BODY, "確認できませんでした", "says so");
	has_str(BODY, "value=\"青いキー\"", "the typed name is kept");

	is_int(get(me, "/settings/webauthn"), 200, "registration page again");
	is_int(post(me, "/settings/webauthn",
	            form("csrf", me->csrf, "label", "again", "credential", registration(ORIGIN),
	                 NULL)),
	       422, "the same credential id twice");
	has_str(BODY, "既に登録されています", "is refused as a duplicate");
	is_int((int)wt_audit_count(&W, "factor.webauthn_refused", "failure"), 2,
	       "both refusals audited");

	is_int(get(me, "/settings/webauthn"), 200, "registration page again");
	is_int(post(me, "/settings/webauthn",
	            form("csrf", me->csrf, "label", "x", "credential",
	                 registration("https://evil.example"), NULL)),
	       422, "a registration from another origin is refused");
	is_int(get(me, "/settings/webauthn"), 200, "registration page again");
	is_int(post(me, "/settings/webauthn", form("csrf", me->csrf, "label", "x", NULL)), 422,
	       "no credential (no JavaScript)");
	has_str(BODY, "JavaScript", "explains that the key needs JavaScript");

	is_int(get(me, "/settings"), 200, "settings");
	has_str(BODY, "青いキー", "lists the key");
}

static void test_signin(const char *email)
{
	struct who p;
	if (!ok(password_step(email, &p) == 0, "password step"))
		return;
	has_str(BODY, "href=\"/signin/webauthn\"", "the factor step offers the security key");
	has_str(BODY, "name=\"code\"", "and still the TOTP form");
	lacks_str(BODY, "webauthn.js", "the factor page itself loads no script");

	is_int(get(&p, "/signin/webauthn"), 200, "security key page");
	has_str(BODY, "data-mode=\"get\"", "a get ceremony");
	has_str(BODY, "allowCredentials", "naming the account's keys");
	is_int(post(&p, "/signin/webauthn",
	            form("csrf", p.csrf, "credential", assertion("https://evil.example", 1), NULL)),
	       401, "wrong origin refused");
	long failures = wt_audit_count(&W, "signin.factor_failure", "failure");
	ok(failures >= 1, "and audited");
	has_str(BODY, "data-mode=\"get\"", "the page is shown again with a fresh challenge");
	/* An expired challenge. */
	clock_fix(clock_now());
	is_int(get(&p, "/signin/webauthn"), 200, "security key page");
	char late[4096];
	snprintf(late, sizeof(late), "%s", assertion(ORIGIN, 1));
	clock_fix(clock_now() + SVC_WEBAUTHN_TTL + 1);
	is_int(post(&p, "/signin/webauthn", form("csrf", p.csrf, "credential", late, NULL)), 401,
	       "an expired challenge is refused");
	clock_fix(-1);
	is_int(get(&p, "/signin/webauthn"), 200, "security key page, back in real time");
	const char *good = assertion(ORIGIN, 1);
	is_int(post(&p, "/signin/webauthn", form("csrf", p.csrf, "credential", good, NULL)), 303,
	       "a valid assertion completes the sign-in");
	is_str(LOCATION, "/", "to the home page");
	ok(take_session(&p) == 0, "with a new session cookie");
	is_int(get(&p, "/settings"), 200, "the new session is fully signed in");

	/* A second sign-in whose counter did not advance: a cloned key. */
	struct who q;
	if (!ok(password_step(email, &q) == 0, "password step again"))
		return;
	is_int(get(&q, "/signin/webauthn"), 200, "security key page");
	long before = wt_audit_count(&W, "signin.factor_failure", "failure");
	is_int(post(&q, "/signin/webauthn",
	            form("csrf", q.csrf, "credential", assertion(ORIGIN, 1), NULL)),
	       401, "a counter that did not advance is refused");
	is_int((int)wt_audit_count(&W, "signin.factor_failure", "failure"), (int)before + 1,
	       "and audited");
	is_int(post(&q, "/signin/webauthn",
	            form("csrf", q.csrf, "credential", assertion(ORIGIN, 2), NULL)),
	       303, "a higher counter passes");
}

static void test_remove(struct who *me)
{
	is_int(get(me, "/settings"), 200, "settings");
	const char *p = BODY ? strstr(BODY, "/settings/webauthn/") : NULL;
	char id[33] = "";
	if (p && strspn(p + 19, "0123456789abcdef") == 32) {
		memcpy(id, p + 19, 32);
		id[32] = '\0';
	}
	ok(id[0], "a remove form for the key");
	is_int(post(me, fmt("/settings/webauthn/%s/remove", "00000000000000000000000000000000"),
	            form("csrf", me->csrf, NULL)),
	       404, "someone else's / unknown key: not found");
	is_int(post(me, fmt("/settings/webauthn/%s/remove", id), form("csrf", me->csrf, NULL)), 303,
	       "removed");
	is_str(LOCATION, "/settings?done=webauthn_removed", "back to settings");
	is_int((int)wt_audit_count(&W, "factor.webauthn_removed", NULL), 1, "audited");
	is_int(get(me, "/settings"), 200, "settings");
	has_str(BODY, "登録されたセキュリティキーはありません", "no keys any more");
}

static void test_totp_user(const char *email)
{
	struct who p;
	if (!ok(password_step(email, &p) == 0, "a TOTP-only user's password step"))
		return;
	lacks_str(BODY, "/signin/webauthn", "no security key offered");
	is_int(get(&p, "/signin/webauthn"), 303, "the security key page");
	is_str(LOCATION, "/signin/factor", "sends them to the code form");
	char code[8], k[40];
	long kl = base32_decode(k, sizeof(k), WT_TOTP_SECRET, strlen(WT_TOTP_SECRET));
	long v = kl > 0 ? totp_code(k, (size_t)kl, totp_step(clock_now())) : -1;
	snprintf(code, sizeof(code), "%06ld", v % 1000000);
	is_int(post(&p, "/signin/factor", form("csrf", p.csrf, "code", code, NULL)), 303,
	       "the TOTP code still signs in without script");
}

int main(void)
{
	char a[33];
	struct who me;
	if (!ok(wt_open(&W) == 0 && wa_key_new(&key, 0x5a) == 0, "harness and a key"))
		return tap_done();
	W.cfg.base_url = ORIGIN;
	ok(wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "sato@a.example.jp", &me) == 0,
	   "an agency and a signed-in person");
	test_register(&me);
	test_signin("sato@a.example.jp");
	test_remove(&me);
	struct who other;
	ok(person(ROLE_AGENCY_STAFF, a, "kato@a.example.jp", &other) == 0, "a TOTP-only person");
	test_totp_user("kato@a.example.jp");
	wa_key_free(&key);
	pages_done();
	return tap_done();
}
