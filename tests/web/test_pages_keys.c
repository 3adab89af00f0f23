/* SPDX-License-Identifier: MIT */
/* The signing-keys page (issue 4 §4): the operator sees every key and the nav entry, nobody
 * else does (403, audited); a rotation with a bad delay re-renders with its message and the
 * value typed (422); a rotation publishes a pending key (audited); a second one while it is
 * pending is refused with a message; revoke works once and then 404; the forms need the CSRF
 * token. */
#include "base/clock.h"
#include "signer/signer.h"
#include "test_pages.h"

static struct who op, am, pm;
static char ag[33], pj[33];

static void test_view(void)
{
	is_int(get(&op, "/"), 200, "operator home");
	has_str(BODY, "href=\"/keys\"", "  the nav links to /keys");
	is_int(get(&am, "/"), 200, "agency manager home");
	lacks_str(BODY, "href=\"/keys\"", "  no /keys link for an agency manager");
	is_int(get(&op, "/keys"), 200, "the operator opens /keys");
	has_str(BODY, "署名鍵", "  the title");
	is_int(count_of(BODY, "/revoke\""), 3, "  three keys, each with a revoke button");
	has_str(BODY, "OIDC", "  OIDC keys");
	has_str(BODY, "SAML", "  the SAML key");
	has_str(BODY, "ES256", "  the ES256 key");
	has_str(BODY, "署名中", "  state shown");
	has_str(BODY, "action=\"/keys/rotate\"", "  the rotation form");
	has_str(BODY, "name=\"csrf\"", "  with the CSRF field");
	lacks_str(BODY, "PRIVATE", "  no private key material");
	is_int(get(&op, "/keys?lang=en"), 200, "in English");
	has_str(BODY, "Signing keys", "  the English title");
	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&am, "/keys"), 403, "an agency manager: 403");
	is_int(get(&pm, "/keys"), 403, "a project manager: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), d0 + 2, "  both audited");
	is_int(get(NULL, "/keys"), 303, "signed out: to the sign-in page");
}

static void test_rotate(void)
{
	is_int(post(&op, "/keys/rotate", form("kind", "oidc RS256", "delay", "60", NULL)), 403,
	       "rotation without the CSRF token: 403");
	is_int(post(&op, "/keys/rotate",
	            form("csrf", op.csrf, "kind", "oidc RS256", "delay", "soon", NULL)),
	       422, "a delay that is not a number: 422");
	has_str(BODY, "待ち時間は秒数（整数）で入力してください", "  the message");
	has_str(BODY, "value=\"soon\"", "  the value typed is kept");
	is_int(post(&op, "/keys/rotate",
	            form("csrf", op.csrf, "kind", "saml ES256", "delay", "60", NULL)),
	       422, "SAML ES256: 422");
	has_str(BODY, "SAML の鍵は RS256 だけです", "  the message");
	is_int(post(&op, "/keys/rotate?lang=en",
	            form("csrf", op.csrf, "kind", "x", "delay", "60", NULL)),
	       422, "an unknown kind: 422");
	has_str(BODY, "Choose the kind of key", "  the English message");
	is_int(wt_audit_count(&W, "keys.rotate", NULL), 0, "  nothing rotated");
	is_int(post(&am, "/keys/rotate",
	            form("csrf", am.csrf, "kind", "oidc RS256", "delay", "60", NULL)),
	       403, "an agency manager may not rotate: 403");
	is_int(post(&op, "/keys/rotate",
	            form("csrf", op.csrf, "kind", "oidc ES256", "delay", "60", NULL)),
	       303, "the operator rotates OIDC ES256");
	has_str(LOCATION, "/keys?done=rotated", "  back to the list with a confirmation");
	is_int(wt_audit_count(&W, "keys.rotate", "ok"), 1, "  audited");
	is_int(get(&op, "/keys?done=rotated"), 200, "the list");
	has_str(BODY, "鍵をローテーションしました", "  confirms");
	has_str(BODY, "公開済み・署名前", "  a pending key");
	is_int(count_of(BODY, "/revoke\""), 4, "  four keys now");
	is_int(post(&op, "/keys/rotate",
	            form("csrf", op.csrf, "kind", "oidc ES256", "delay", "60", NULL)),
	       422, "rotating again while it is pending: 422");
	has_str(BODY, "前のローテーションの新しい鍵がまだ有効になっていません", "  the message");
}

static void test_revoke(void)
{
	struct arena *a = arena_new(0);
	struct signer_saml sm;
	ok(signer_saml_current(W.env.signer, clock_now(), a, &sm) == GCAS_OK, "the SAML key");
	const char *url = fmt("/keys/%s/revoke", sm.kid ? sm.kid : "x");
	char path[128];
	snprintf(path, sizeof(path), "%s", url);
	is_int(post(&am, path, form("csrf", am.csrf, NULL)), 403, "an agency manager: 403");
	is_int(post(&op, path, form("csrf", op.csrf, NULL)), 303, "the operator revokes it");
	has_str(LOCATION, "done=revoked", "  confirmed");
	is_int(wt_audit_count(&W, "keys.revoke", "ok"), 1, "  audited");
	is_int(post(&op, path, form("csrf", op.csrf, NULL)), 404, "revoking it again: 404");
	is_int(post(&op, "/keys/nope/revoke", form("csrf", op.csrf, NULL)), 404,
	       "an unknown kid: 404");
	is_int(get(&op, "/keys"), 200, "the list");
	has_str(BODY, "失効", "  shows it revoked");
	is_int(count_of(BODY, "/revoke\""), 3, "  without a revoke button for it");
	arena_free(a);
}

int main(void)
{
	char op_org[33];
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", ag) == 0 &&
	       wt_org(&W, ORG_PROJECT, ag, "甲市 住民記録", NULL, pj) == 0,
	   "an operator, an agency and a team");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, ag, "mgr@a.example.jp", &am) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0,
	   "people signed in");
	test_view();
	test_rotate();
	test_revoke();
	pages_done();
	return tap_done();
}
