/* SPDX-License-Identifier: MIT */
/* The SAML identity provider in-process (issue 4 §4, §7): metadata read by Lasso; a test SP
 * (Lasso's own API, signing its requests) registered on the operator's page, then SP-initiated
 * sign-in by the Redirect and POST bindings, before and after signing in, with the Response's
 * signatures verified by xmlsec's API and its conditions and AWS attributes checked; the POST
 * page's CSP; IdP-initiated sign-in; console sign-in refused without an assignment and across
 * agencies (403, audited); every bad input of §7 refused with nothing stored; and the local
 * cloud's console as a real SP: login → IdP → ACS → the console page shows the person, with
 * replays, unprovisioned and deactivated users refused. */
#include "base/clock.h"
#include "base/rand.h"
#include "core/environment.h"
#include "saml_testkit.h"
#include "signer/signer.h"
#include "store/assignments.h"
#include "store/environments.h"
#include "sso/saml.h"
#include "store/saml.h"
#include "store/scim.h"
#include "store/systems.h"
#include "svc/provision.h"
#include "test_pages.h"
#include "web/http.h"
#include <zlib.h>

#define SP_ENTITY "https://sp.test/saml"
#define SP_ACS    "https://sp.test/saml/acs"
#define IDP       "http://127.0.0.1:8080/saml/metadata"
#define AWS_ROLE  "https://aws.amazon.com/SAML/Attributes/Role"

static struct who op, pm, ps, mb;
static char a[33], pj[33], b[33], pjb[33], env_aws[33], env_local[33];
static const char *cloud_id = "gcas-local-000000000077";
static struct tk_sp sp;
static char idp_cert[4096];

/* ---- plumbing ---- */

/* x-www-form-urlencoded of any length (malloc'd), from key/value pairs ending in NULL. */
__attribute__((sentinel)) static char *big_form(const char *key, ...)
{
	size_t cap = 1024, n = 0;
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		cap += strlen(k) + 3 * strlen(va_arg(ap, const char *)) + 2;
	va_end(ap);
	char *out = malloc(cap);
	out[0] = '\0';
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const unsigned char *v = va_arg(ap, const unsigned char *);
		n += (size_t)snprintf(out + n, cap - n, "%s%s=", n ? "&" : "", k);
		for (; *v; v++) {
			if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
			    (*v >= '0' && *v <= '9') || *v == '-' || *v == '.' || *v == '_')
				out[n++] = (char)*v;
			else
				n += (size_t)snprintf(out + n, cap - n, "%%%02X", *v);
		}
		out[n] = '\0';
	}
	va_end(ap);
	return out;
}

/* One request with a cookie header; returns the status. */
static int req(const char *method, const char *target, const char *cookie, const char *body)
{
	return request(method, target, cookie, body);
}

/* The value of cookie name in the last response's Set-Cookie headers (static), or NULL. */
static const char *set_cookie(const char *name)
{
	static char v[1024];
	char pat[256];
	snprintf(pat, sizeof(pat), "%s=", name);
	for (const char *p = COOKIES ? strstr(COOKIES, pat) : NULL; p; p = strstr(p + 1, pat)) {
		if (p != COOKIES && p[-1] != '\n')
			continue;
		p += strlen(pat);
		size_t n = strcspn(p, ";\n");
		if (n >= sizeof(v))
			return NULL;
		memcpy(v, p, n);
		v[n] = '\0';
		return v;
	}
	return NULL;
}

/* The value="" of the hidden input name in BODY (malloc'd) or NULL. */
static char *hidden(const char *name)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
	const char *p = BODY ? strstr(BODY, pat) : NULL;
	if (!p)
		return NULL;
	p += strlen(pat);
	return strndup(p, strcspn(p, "\""));
}

/* The Content-Security-Policy the dispatcher sends for this request (web_dispatch directly:
 * the harness keeps only Location and Set-Cookie). */
static char *csp_of(const char *target, const char *cookie)
{
	struct arena *ar = arena_new(0);
	struct http_req rq = {.a = ar, .method = HTTP_GET, .peer_ip = "127.0.0.1"};
	const char *q = strchr(target, '?');
	rq.path = q ? arena_strndup(ar, target, (size_t)(q - target)) : target;
	rq.query = q ? q + 1 : "";
	rq.headers[rq.nheaders++] = (struct http_header){"Cookie", cookie};
	struct http_resp rs;
	http_resp_init(&rs);
	web_dispatch(&W.env, &rq, &rs);
	char *out = NULL;
	for (size_t i = 0; i < rs.nheaders; i++)
		if (strcmp(rs.headers[i].name, "Content-Security-Policy") == 0)
			out = strdup(rs.headers[i].value);
	http_resp_fini(&rs);
	arena_free(ar);
	return out;
}

static enum gcas_err count_tx(struct db *db, void *ctx)
{
	return store_saml_stored_count(db, ctx);
}

static long stored(void)
{
	int64_t n = -1;
	return store_run(W.env.st, count_tx, &n) ? -1 : (long)n;
}

/* ---- fixtures ---- */

static void register_system(const struct who *p, const char *team, const char *contact)
{
	is_int(
	    post(p, fmt("/orgs/%s/system", team),
	         fmt("%s&csps=aws&environments=production",
	             form("csrf", p->csrf, "name", "住民記録システム", "purpose", "住民票",
	                  "lifecycle", "building", "contacts", contact, "period_start",
	                  "2026-04-01", "classification", "c2", "billing_unit", "市民課", NULL))),
	    303, "system of a team registered");
}

struct mk {
	struct arena *ar;
};

static enum gcas_err fixtures_tx(struct db *db, void *ctx)
{
	struct mk *m = ctx;
	struct system_rec s;
	enum gcas_err e = store_system_get_by_project(db, m->ar, pj, &s);
	if (e)
		return e;
	struct environment en = {.id = env_aws,
	                         .project_id = pj,
	                         .agency_id = a,
	                         .system_id = s.id,
	                         .csp = CSP_AWS,
	                         .kind = SYSENV_PRODUCTION,
	                         .state = ENV_ACTIVE,
	                         .driver = "exec",
	                         .external_id = "123456789012",
	                         .created_at = 1767225600};
	if ((e = store_environment_insert(db, &en)))
		return e;
	struct local_cloud_acct lc = {.id = cloud_id,
	                              .idempotency_key = "k-77",
	                              .csp = "aws",
	                              .kind = "production",
	                              .project_id = pj,
	                              .label = env_local,
	                              .created_at = 1767225600};
	if ((e = store_local_cloud_insert(db, &lc)))
		return e;
	en.id = env_local;
	en.driver = "local";
	en.external_id = cloud_id;
	en.saml_entity_id =
	    arena_printf(m->ar, "http://127.0.0.1:8080/local-cloud/%s/saml", cloud_id);
	en.saml_acs_url =
	    arena_printf(m->ar, "http://127.0.0.1:8080/local-cloud/%s/saml/acs", cloud_id);
	if ((e = store_environment_insert(db, &en)))
		return e;
	struct {
		const char *acc, *env;
		enum asg_priv p;
	} as[] = {{pm.id, env_aws, ASG_PRIV_ADMIN},
	          {ps.id, env_local, ASG_PRIV_GENERAL},
	          {pm.id, env_local, ASG_PRIV_ADMIN}};
	for (size_t i = 0; i < 3; i++) {
		char id[33];
		rand_id(id);
		struct assignment r = {.id = arena_strdup(m->ar, id),
		                       .account_id = as[i].acc,
		                       .environment_id = as[i].env,
		                       .project_id = pj,
		                       .agency_id = a,
		                       .priv = as[i].p,
		                       .active = 1,
		                       .created_at = 1767225600};
		if ((e = store_assignment_insert(db, &r)))
			return e;
	}
	/* ps is provisioned in the local cloud's identity store; pm is not. */
	struct local_scim_user_row u = {.u = {.id = "u-ps",
	                                      .environment_id = env_local,
	                                      .user_name = "ps@a.example.jp",
	                                      .external_id = ps.id,
	                                      .display_name = "住民 花子",
	                                      .email = "ps@a.example.jp",
	                                      .active = 1,
	                                      .created_at = 1767225600,
	                                      .updated_at = 1767225600},
	                                .doc = "{}"};
	return store_local_scim_user_insert(db, &u);
}

static void fixtures(void)
{
	char op_org[33];
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0 &&
	       wt_org(&W, ORG_PROJECT, b, "乙省 基盤", NULL, pjb) == 0,
	   "two agencies with a team each");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_PROJECT_MANAGER, pj, "pm@a.example.jp", &pm) == 0 &&
	       person(ROLE_PROJECT_STAFF, pj, "ps@a.example.jp", &ps) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0,
	   "people signed in");
	register_system(&pm, pj, "pm@a.example.jp");
	rand_id(env_aws);
	rand_id(env_local);
	struct mk m = {arena_new(0)};
	is_int(store_tx(W.env.st, fixtures_tx, &m), GCAS_OK,
	       "an AWS environment, a local cloud environment, assignments, a local user");
	arena_free(m.ar);
	struct arena *ar = arena_new(0);
	struct signer_saml k;
	is_int(signer_saml_current(W.env.signer, clock_now(), ar, &k), GCAS_OK,
	       "the harness has a SAML key");
	snprintf(idp_cert, sizeof(idp_cert), "%s", k.cert_pem);
	arena_free(ar);
}

/* ---- metadata and registration ---- */

static void test_metadata_and_registration(void)
{
	is_int(get(NULL, "/saml/metadata"), 200, "GET /saml/metadata");
	LassoProvider *p =
	    lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_IDP, BODY, NULL, NULL);
	ok(p != NULL, "  Lasso reads it as an IdP's");
	is_str(p ? p->ProviderID : NULL, IDP, "  entity id");
	if (p)
		g_object_unref(p);
	has_str(BODY, tk_cert_b64(idp_cert), "  the signing certificate is listed");
	has_str(BODY, "bindings:HTTP-Redirect", "  Redirect binding");
	has_str(BODY, "bindings:HTTP-POST", "  POST binding");
	ok(tk_sp_init(&sp, SP_ENTITY, SP_ACS, 0) == 0 && tk_sp_trust(&sp, BODY) == 0,
	   "the test SP trusts the IdP's metadata");

	is_int(get(&pm, "/sso/sps"), 403, "a project manager may not see the SP list");
	is_int(get(&op, "/sso/sps"), 200, "the operator opens the SP list");
	has_str(BODY, "/sso/sps/new", "  with a link to register");
	has_str(BODY, "href=\"/sso/sps\"", "  in the navigation");
	is_int(get(&op, "/sso/sps/new"), 200, "the registration form");
	has_str(BODY, "enctype=\"multipart/form-data\"", "  takes uploads");
	char *body = big_form("csrf", op.csrf, "metadata", "<md:EntityDescriptor", "name",
	                      "AWS コンソール", "profile", "aws", NULL);
	is_int(post(&op, "/sso/sps/new", body), 422, "bad metadata: 422");
	has_str(BODY, "メタデータを読み取れません", "  the message");
	has_str(BODY, "value=\"AWS コンソール\"", "  the name typed is kept");
	has_str(BODY, "IAM の名前", "  the AWS names are asked for");
	free(body);
	long before = wt_audit_count(&W, "saml.sp_register", "ok");
	body = big_form("csrf", op.csrf, "metadata", sp.metadata, "name", "AWS コンソール", "csp",
	                "aws", "profile", "aws", "provider", "GCAS", "admin_role", "GcasAdmin",
	                "general_role", "GcasReadOnly", NULL);
	is_int(post(&op, "/sso/sps/new", body), 303, "the operator registers the test SP");
	has_str(LOCATION, "done=registered", "  confirmation");
	is_int(wt_audit_count(&W, "saml.sp_register", "ok"), before + 1, "  audited");
	is_int(post(&op, "/sso/sps/new", body), 422, "registering it again: 422");
	has_str(BODY, "登録済み", "  already registered");
	free(body);
	get(&op, "/sso/sps");
	has_str(BODY, SP_ENTITY, "the list shows it");
}

/* ---- SP-initiated ---- */

/* Check a POST page's Response for the test SP. */
static void check_post(const char *in_response_to, const char *label)
{
	char *v = hidden("SAMLResponse");
	ok(v != NULL, "%s: a SAMLResponse form", label);
	if (!v)
		return;
	has_str(BODY, "action=\"" SP_ACS "\"", "%s: posted to the ACS", label);
	has_str(BODY, "/static/saml-post.js", "%s: auto-submitted by the static script", label);
	has_str(BODY, "続ける / Continue", "%s: with a visible button", label);
	char *xml = tk_b64_text(v);
	ok(tk_xmlsec_verify(xml, "/samlp:Response", idp_cert), "%s: xmlsec: Response signed",
	   label);
	ok(tk_xmlsec_verify(xml, "/samlp:Response/saml:Assertion", idp_cert),
	   "%s: xmlsec: assertion signed", label);
	xmlDocPtr d = tk_parse(xml);
	struct {
		const char *xp, *want, *what;
	} checks[] = {
	    {"string(//ds:SignatureMethod/@Algorithm)",
	     "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "RSA-SHA256"},
	    {"string(//saml:Audience)", SP_ENTITY, "Audience"},
	    {"string(//saml:SubjectConfirmationData/@Recipient)", SP_ACS, "Recipient"},
	    {"string(/samlp:Response/@InResponseTo)", in_response_to, "InResponseTo"},
	    {"string(//saml:Subject/saml:NameID)", pm.id, "persistent NameID = account id"},
	    {"string(//saml:Attribute[@Name='" AWS_ROLE "']/saml:AttributeValue)",
	     "arn:aws:iam::123456789012:role/GcasAdmin,arn:aws:iam::123456789012:saml-provider/"
	     "GCAS",
	     "AWS Role (admin assignment)"},
	    {"string(//saml:Attribute[@Name='https://aws.amazon.com/SAML/Attributes/"
	     "RoleSessionName']/saml:AttributeValue)",
	     "pm@a.example.jp", "RoleSessionName = email"},
	    {"string(//saml:Attribute[@Name='email']/saml:AttributeValue)", "pm@a.example.jp",
	     "email"},
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		char *got = tk_xpath(d, checks[i].xp);
		is_str(got, checks[i].want, "%s: %s", label, checks[i].what);
		free(got);
	}
	/* The page was built at most a second ago. */
	char want[32], want2[32];
	clock_fmt_utc(want, clock_now() + W.cfg.saml_assertion_ttl);
	clock_fmt_utc(want2, clock_now() - 1 + W.cfg.saml_assertion_ttl);
	char *got = tk_xpath(d, "string(//saml:Conditions/@NotOnOrAfter)");
	ok(got && (strcmp(got, want) == 0 || strcmp(got, want2) == 0),
	   "%s: NotOnOrAfter = now + saml_assertion_ttl (%s)", label, got ? got : "none");
	free(got);
	got = tk_xpath(d, "string(//saml:Attribute[@Name='https://aws.amazon.com/SAML/Attributes/"
	                  "SessionDuration']/saml:AttributeValue)");
	is_str(got, fmt("%lld", (long long)W.cfg.saml_session_duration), "%s: SessionDuration",
	       label);
	free(got);
	xmlFreeDoc(d);
	is_int(tk_sp_accepts(&sp, v), 0, "%s: the test SP (Lasso) accepts the Response", label);
	free(xml);
	free(v);
}

static void test_sp_initiated(void)
{
	char *msg, *id;
	long audits = wt_audit_count(&W, "saml.sso", "ok");
	ok(tk_sp_request(&sp, IDP, 0, SP_ACS, NULL, NULL, &msg, &id) == 0,
	   "a signed Redirect request");
	const char *url = fmt("/saml/sso?%s", msg);
	char *csp = csp_of(url, pm.cookie);
	has_str(csp, "form-action https://sp.test;",
	        "the POST page's CSP: form-action is the ACS origin");
	has_str(csp, "script-src 'self'", "  and scripts from us only");
	free(csp);
	/* csp_of consumed the request ID: a fresh one for the checked flow. */
	free(msg);
	free(id);
	tk_sp_request(&sp, IDP, 0, SP_ACS, NULL, NULL, &msg, &id);
	is_int(get(&pm, fmt("/saml/sso?%s", msg)), 200,
	       "Redirect binding, signed in: the POST page");
	check_post(id, "Redirect");
	has_str(BODY, "value=\"state-42\"", "  RelayState echoed");
	is_int(get(&pm, fmt("/saml/sso?%s", msg)), 400, "the same request again: refused (replay)");
	has_str(BODY, "再送", "  as a replay");
	is_int(wt_audit_count(&W, "saml.sso", "ok"), audits + 2, "sign-ins audited");
	free(msg);
	free(id);

	tk_sp_request(&sp, IDP, 1, NULL, NULL, NULL, &msg, &id);
	char *body = big_form("SAMLRequest", msg, "RelayState", "state-42", NULL);
	is_int(req("POST", "/saml/sso", pm.cookie, body), 200,
	       "POST binding, signed in: the POST page");
	check_post(id, "POST");
	free(body);
	free(msg);
	free(id);

	/* Not signed in: the request waits, sign-in, then /saml/continue. */
	tk_sp_request(&sp, IDP, 0, NULL, NULL, NULL, &msg, &id);
	long n0 = stored();
	int st = get(NULL, fmt("/saml/sso?%s", msg));
	ok(st == 302 || st == 303, "not signed in: sent to sign in (%d)", st);
	has_str(LOCATION, "/signin", "  to /signin");
	const char *ret = set_cookie("gcas_return");
	ok(ret != NULL, "  the way back is remembered");
	char back[256] = "";
	if (ret) {
		long k = b64_decode(back, sizeof(back) - 1, ret, strlen(ret));
		back[k > 0 ? k : 0] = '\0';
	}
	has_str(back, "/saml/continue?id=", "  it is /saml/continue");
	is_int(stored(), n0 + 2, "  the request is pending (and its ID in the replay cache)");
	is_int(get(&pm, back), 200, "after sign-in, /saml/continue answers");
	check_post(id, "continued");
	is_int(get(&pm, back), 400, "continuing twice: refused");
	free(msg);
	free(id);
}

/* The way back to /saml/continue that the last answer remembered (static). */
static const char *way_back(void)
{
	static char back[256];
	const char *ret = set_cookie("gcas_return");
	back[0] = '\0';
	if (ret) {
		long k = b64_decode(back, sizeof(back) - 1, ret, strlen(ret));
		back[k > 0 ? k : 0] = '\0';
	}
	return back;
}

/* saml-core §3.4.1 ForceAuthn: a person already signed in must sign in again; a session from
 * before the request does not answer it. */
static void test_force_authn(void)
{
	int64_t t0 = time(NULL);
	struct who old = pm, older = pm, fresh = pm;
	clock_fix(t0);
	ok(wt_login(&W, pm.id, old.cookie, old.csrf) == 0 &&
	       wt_login(&W, pm.id, older.cookie, older.csrf) == 0,
	   "ForceAuthn: two sessions of one person");
	clock_fix(t0 + 5);
	char *msg, *id;
	tk_force_authn = 1;
	tk_sp_request(&sp, IDP, 0, NULL, NULL, NULL, &msg, &id);
	int st = get(&old, fmt("/saml/sso?%s", msg));
	ok(st == 302 || st == 303, "ForceAuthn, signed in: sent to sign in again (%d)", st);
	has_str(LOCATION, "/signin", "  to /signin");
	char back[256];
	snprintf(back, sizeof(back), "%s", way_back());
	has_str(back, "/saml/continue?id=", "  to come back to /saml/continue");
	st = get(&old, "/console");
	ok(st == 302 || st == 303, "  the session that asked has ended (%d)", st);
	is_int(get(&older, back), 400, "  a session from before the request does not answer it");
	has_str(BODY, "再度のサインイン", "  which is said");
	free(msg);
	free(id);

	tk_sp_request(&sp, IDP, 0, NULL, NULL, NULL, &msg, &id);
	get(&older, fmt("/saml/sso?%s", msg));
	snprintf(back, sizeof(back), "%s", way_back());
	clock_fix(t0 + 10);
	ok(wt_login(&W, pm.id, fresh.cookie, fresh.csrf) == 0, "ForceAuthn: a fresh sign-in");
	is_int(get(&fresh, back), 200, "  answers the request");
	check_post(id, "ForceAuthn");
	tk_force_authn = 0;
	clock_fix(-1);
	free(msg);
	free(id);
}

/* A genuine request answered without an assertion: a signed Response to the ACS whose status
 * says why (saml-core §3.2.2.2). */
static void check_status(const char *top, const char *second, const char *in_response_to,
                         const char *label)
{
	char *v = hidden("SAMLResponse");
	ok(v != NULL, "%s: a SAMLResponse form", label);
	if (!v)
		return;
	has_str(BODY, "action=\"" SP_ACS "\"", "%s: posted to the ACS", label);
	char *xml = tk_b64_text(v);
	ok(tk_xmlsec_verify(xml, "/samlp:Response", idp_cert), "%s: xmlsec: Response signed",
	   label);
	xmlDocPtr d = tk_parse(xml);
	char *t = tk_xpath(d, "string(/samlp:Response/samlp:Status/samlp:StatusCode/@Value)");
	char *s2 = tk_xpath(
	    d, "string(/samlp:Response/samlp:Status/samlp:StatusCode/samlp:StatusCode/@Value)");
	char *n = tk_xpath(d, "string(count(//saml:Assertion))");
	char *irt = tk_xpath(d, "string(/samlp:Response/@InResponseTo)");
	is_str(t, top, "%s: status %s", label, top);
	is_str(s2, second, "%s: second-level %s", label, *second ? second : "(none)");
	is_str(n, "0", "%s: no assertion", label);
	is_str(irt, in_response_to, "%s: InResponseTo", label);
	free(t);
	free(s2);
	free(n);
	free(irt);
	xmlFreeDoc(d);
	free(xml);
	free(v);
}

#define ST "urn:oasis:names:tc:SAML:2.0:status:"

static void test_status_answers(void)
{
	char *msg, *id;
	tk_is_passive = 1;
	tk_sp_request(&sp, IDP, 0, NULL, NULL, NULL, &msg, &id);
	long n0 = stored();
	is_int(get(NULL, fmt("/saml/sso?%s", msg)), 200,
	       "IsPassive, not signed in: answered at once, no sign-in page");
	check_status(ST "Responder", ST "NoPassive", id, "IsPassive");
	is_int(stored(), n0, "  nothing kept");
	free(msg);
	free(id);
	tk_sp_request(&sp, IDP, 0, SP_ACS, NULL, NULL, &msg, &id);
	is_int(get(&pm, fmt("/saml/sso?%s", msg)), 200, "IsPassive, signed in: answered");
	check_post(id, "IsPassive signed in");
	tk_is_passive = 0;
	free(msg);
	free(id);

	/* transient (what mod_auth_mellon asks for): an opaque identifier, new each time. */
	char seen[2][64] = {"", ""};
	for (int i = 0; i < 2; i++) {
		tk_sp_request(&sp, IDP, 0, NULL, NULL, SAML_NAMEID_TRANSIENT, &msg, &id);
		is_int(get(&pm, fmt("/saml/sso?%s", msg)), 200, "a transient NameID asked for (%d)",
		       i + 1);
		char *v = hidden("SAMLResponse");
		char *xml = v ? tk_b64_text(v) : NULL;
		xmlDocPtr d = xml ? tk_parse(xml) : NULL;
		char *f = d ? tk_xpath(d, "string(//saml:Subject/saml:NameID/@Format)") : NULL;
		char *n = d ? tk_xpath(d, "string(//saml:Subject/saml:NameID)") : NULL;
		is_str(f, SAML_NAMEID_TRANSIENT, "  its Format is transient");
		ok(n && n[0] == '_' && strlen(n) == 33 && !strstr(n, pm.id), "  an opaque id (%s)",
		   n ? n : "none");
		snprintf(seen[i], sizeof(seen[i]), "%s", n ? n : "");
		free(f);
		free(n);
		if (d)
			xmlFreeDoc(d);
		free(xml);
		free(v);
		free(msg);
		free(id);
	}
	ok(strcmp(seen[0], seen[1]) != 0, "  a new one each time");

	tk_sp_request(&sp, IDP, 0, NULL, NULL, "urn:bogus", &msg, &id);
	is_int(get(&pm, fmt("/saml/sso?%s", msg)), 200, "a NameIDPolicy Format never issued");
	check_status(ST "Responder", ST "InvalidNameIDPolicy", id, "NameIDPolicy");
	free(msg);
	free(id);
}

/* ---- bad input (§7) ---- */

static char *deflate_b64(const char *s, size_t len)
{
	uLong cap = compressBound(len) + 64;
	unsigned char *z = malloc(cap);
	z_stream zs = {0};
	deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
	zs.next_in = (unsigned char *)s;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	size_t n = cap - zs.avail_out;
	deflateEnd(&zs);
	char *out = malloc(b64_len(n) + 1);
	b64_encode(out, z, n);
	free(z);
	return out;
}

static void refused_get(const char *query, const char *label)
{
	long n0 = stored(), a0 = wt_audit_count(&W, "saml.sso", NULL);
	is_int(get(&pm, fmt("/saml/sso?%s", query)), 400, "%s: 400", label);
	lacks_str(BODY, "SAMLResponse", "%s: no Response", label);
	is_int(stored(), n0, "%s: nothing stored", label);
	is_int(wt_audit_count(&W, "saml.sso", NULL), a0, "%s: no sign-in recorded", label);
}

static void refused_redirect_doc(const char *xml, const char *label)
{
	char *v = deflate_b64(xml, strlen(xml));
	char *q = big_form("SAMLRequest", v, NULL);
	refused_get(q, label);
	free(q);
	char *p64 = malloc(b64_len(strlen(xml)) + 1);
	b64_encode(p64, xml, strlen(xml));
	char *body = big_form("SAMLRequest", p64, NULL);
	long n0 = stored();
	is_int(req("POST", "/saml/sso", pm.cookie, body), 400, "%s (POST): 400", label);
	is_int(stored(), n0, "%s (POST): nothing stored", label);
	free(body);
	free(p64);
	free(v);
}

static void test_bad_input(void)
{
	char *msg, *id;
	struct tk_sp stranger;
	tk_sp_init(&stranger, "https://stranger.test/saml", "https://stranger.test/acs", 0);
	get(NULL, "/saml/metadata");
	tk_sp_trust(&stranger, BODY);
	tk_sp_request(&stranger, IDP, 0, NULL, NULL, NULL, &msg, &id);
	refused_get(msg, "an unknown SP");
	has_str(BODY, "登録されていません", "  not registered");
	free(msg);
	free(id);
	g_object_unref(stranger.srv);

	tk_sp_request(&sp, IDP, 0, "https://evil.test/acs", NULL, NULL, &msg, &id);
	refused_get(msg, "an ACS URL not in the metadata");
	free(msg);
	free(id);

	char stale[32];
	clock_fmt_utc(stale, clock_now() - 600);
	tk_sp_request(&sp, IDP, 0, NULL, stale, NULL, &msg, &id);
	refused_get(msg, "an IssueInstant 10 minutes old");
	has_str(BODY, "有効期限", "  expired");
	free(msg);
	free(id);
	clock_fmt_utc(stale, clock_now() + 600);
	tk_sp_request(&sp, IDP, 0, NULL, stale, NULL, &msg, &id);
	refused_get(msg, "an IssueInstant 10 minutes ahead");
	free(msg);
	free(id);

	/* A tampered Redirect request (its signature covers the query). */
	tk_sp_request(&sp, IDP, 0, NULL, NULL, NULL, &msg, &id);
	char *rs = strstr(msg, "RelayState=");
	rs[11] = 'X';
	refused_get(msg, "a tampered signed request");
	free(msg);
	free(id);

	size_t big = 1024 * 1024;
	char *bomb = malloc(big + 1);
	memset(bomb, ' ', big);
	memcpy(bomb, "<samlp:AuthnRequest", 19);
	bomb[big] = '\0';
	char *v = deflate_b64(bomb, big);
	char *q = big_form("SAMLRequest", v, NULL);
	refused_get(q, "a request inflating to 1 MiB");
	free(q);
	free(v);
	free(bomb);
	char *huge = malloc(100 * 1024);
	memset(huge, 'A', 100 * 1024 - 1);
	huge[100 * 1024 - 1] = '\0';
	char *body = big_form("SAMLRequest", huge, NULL);
	long n0 = stored();
	is_int(req("POST", "/saml/sso", pm.cookie, body), 400, "a 100 KiB POST request: 400");
	is_int(stored(), n0, "  nothing stored");
	free(body);
	free(huge);

	refused_redirect_doc(
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
	    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 "
	    "\"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
	    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" "
	    "Version=\"2.0\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
	    "&lol3;</saml:Issuer></samlp:AuthnRequest>",
	    "billion laughs");
	refused_redirect_doc(
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" "
	    "Version=\"2.0\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
	    "https://sp.test/saml</saml:Issuer>&xxe;</samlp:AuthnRequest>",
	    "an external entity");
	refused_get("SAMLRequest=%21%21%21not-base64%21%21", "malformed base64");
	refused_get("SAMLRequest=AAAAAAAAAAAA", "malformed DEFLATE");
	refused_get("RelayState=x", "no SAMLRequest at all");
	refused_redirect_doc(
	    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
	    "no Issuer");
}

/* ---- IdP-initiated and console sign-in ---- */

static void test_idp_initiated_and_console(void)
{
	long n0 = wt_audit_count(&W, "saml.idp_initiated", "ok");
	is_int(get(&pm, "/saml/idp-initiated?sp=" SP_ENTITY), 200, "IdP-initiated: the POST page");
	check_post(NULL, "IdP-initiated");
	is_int(wt_audit_count(&W, "saml.idp_initiated", "ok"), n0 + 1, "  audited");
	is_int(get(&pm, "/saml/idp-initiated?sp=https%3A%2F%2Fnobody.test"), 400,
	       "IdP-initiated to an unknown SP: 400");
	int st = get(NULL, "/saml/idp-initiated?sp=" SP_ENTITY);
	ok(st == 302 || st == 303, "IdP-initiated, not signed in: sent to sign in");

	long c0 = wt_audit_count(&W, "console.signin", "ok");
	is_int(post(&pm, fmt("/console/%s/signin", env_aws), form("csrf", pm.csrf, NULL)), 200,
	       "console sign-in to the AWS environment");
	check_post(NULL, "console");
	is_int(wt_audit_count(&W, "console.signin", "ok"), c0 + 1, "  audited console.signin");
	is_int(post(&pm, fmt("/console/%s/signin", env_aws), form("csrf", "wrong", NULL)), 403,
	       "  without the CSRF token: 403");
	long d0 = wt_audit_count(&W, "permission.denied", "denied");
	is_int(post(&ps, fmt("/console/%s/signin", env_aws), form("csrf", ps.csrf, NULL)), 403,
	       "no assignment: 403");
	lacks_str(BODY, "SAMLResponse", "  no Response");
	is_int(post(&mb, fmt("/console/%s/signin", env_aws), form("csrf", mb.csrf, NULL)), 403,
	       "another agency's manager: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), d0 + 2,
	       "  both refusals audited");
	is_int(wt_audit_count(&W, "console.signin", "ok"), c0 + 1, "  and no sign-in recorded");
	is_int(post(&pm, "/console/00000000000000000000000000000000/signin",
	            form("csrf", pm.csrf, NULL)),
	       404, "an unknown environment: 404");
}

/* ---- the local cloud's console as an SP ---- */

/* Follow login → IdP → POST page for who; the SAMLResponse (malloc'd) and the request
 * cookie. */
static char *local_login(const struct who *p, char *req_cookie, size_t cap)
{
	is_int(get(p, fmt("/local-cloud/%s/saml/login", cloud_id)), 303,
	       "the console's login sends to the IdP");
	has_str(LOCATION, "http://127.0.0.1:8080/saml/sso?SAMLRequest=", "  with an AuthnRequest");
	const char *rid = set_cookie(fmt("gcas_lcreq_%s", cloud_id));
	ok(rid != NULL, "  remembering the request's ID");
	snprintf(req_cookie, cap, "gcas_lcreq_%s=%s", cloud_id, rid ? rid : "");
	char *target = strdup(LOCATION ? LOCATION + strlen("http://127.0.0.1:8080") : "/");
	is_int(get(p, target), 200, "  the IdP answers with the POST page");
	free(target);
	has_str(BODY, fmt("action=\"http://127.0.0.1:8080/local-cloud/%s/saml/acs\"", cloud_id),
	        "  to the console's ACS");
	return hidden("SAMLResponse");
}

static void test_local_sp(void)
{
	char rc[256], ck[1024];
	is_int(get(NULL, fmt("/local-cloud/%s/saml/metadata", cloud_id)), 200,
	       "the console's SP metadata");
	LassoProvider *lp =
	    lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_SP, BODY, NULL, NULL);
	ok(lp != NULL, "  Lasso reads it as an SP's");
	if (lp)
		g_object_unref(lp);
	is_int(get(NULL, "/local-cloud/gcas-local-000000000000/saml/metadata"), 404,
	       "  an unknown cloud: 404");

	get(&ps, fmt("/local-cloud/%s", cloud_id));
	has_str(BODY, "誰もサインインしていません", "the console shows nobody signed in");
	has_str(BODY, fmt("/local-cloud/%s/saml/login", cloud_id), "  and a sign-in link");

	char *resp = local_login(&ps, rc, sizeof(rc));
	ok(resp != NULL, "ps gets a Response for the console");
	char *body = big_form("SAMLResponse", resp, NULL);
	snprintf(ck, sizeof(ck), "%s; %s", ps.cookie, rc);
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), ck, body), 303,
	       "the console's ACS accepts it");
	has_str(LOCATION, fmt("/local-cloud/%s", cloud_id), "  back to the console");
	const char *lc = set_cookie(fmt("gcas_lc_%s", cloud_id));
	ok(lc != NULL, "  with a console session");
	char sess[512];
	snprintf(sess, sizeof(sess), "%s; gcas_lc_%s=%s", ps.cookie, cloud_id, lc ? lc : "");
	is_int(req("GET", fmt("/local-cloud/%s", cloud_id), sess, NULL), 200, "the console page");
	has_str(BODY, "ps@a.example.jp", "  shows who is signed in");
	has_str(BODY, "一般権限", "  with the general role");
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), ck, body), 400,
	       "the same Response again: refused (replay)");
	free(body);
	free(resp);

	/* A Response for a request this browser did not send. */
	resp = local_login(&ps, rc, sizeof(rc));
	body = big_form("SAMLResponse", resp, NULL);
	snprintf(ck, sizeof(ck), "%s; gcas_lcreq_%s=_someotherid", ps.cookie, cloud_id);
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), ck, body), 400,
	       "InResponseTo of another request: refused");
	free(body);
	/* Tampered. */
	char *xml = tk_b64_text(resp);
	char *at = strstr(xml, ps.id);
	if (at)
		at[0] = at[0] == 'a' ? 'b' : 'a';
	char *t64 = malloc(b64_len(strlen(xml)) + 1);
	b64_encode(t64, xml, strlen(xml));
	body = big_form("SAMLResponse", t64, NULL);
	snprintf(ck, sizeof(ck), "%s; %s", ps.cookie, rc);
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), ck, body), 400,
	       "a tampered Response: refused");
	free(body);
	free(t64);
	free(xml);
	free(resp);

	/* Console sign-in (IdP-initiated) lands on the same ACS, unsolicited. */
	is_int(post(&ps, fmt("/console/%s/signin", env_local), form("csrf", ps.csrf, NULL)), 200,
	       "console sign-in to the local environment");
	resp = hidden("SAMLResponse");
	body = big_form("SAMLResponse", resp ? resp : "", NULL);
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), ps.cookie, body), 303,
	       "  the console accepts the unsolicited Response");
	free(body);
	free(resp);

	/* pm holds an assignment but is not provisioned in the local cloud. */
	is_int(post(&pm, fmt("/console/%s/signin", env_local), form("csrf", pm.csrf, NULL)), 200,
	       "pm's console sign-in to the local environment");
	resp = hidden("SAMLResponse");
	body = big_form("SAMLResponse", resp ? resp : "", NULL);
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), pm.cookie, body), 403,
	       "  the console refuses: not provisioned");
	has_str(BODY, "not provisioned", "  saying so");
	free(body);
	free(resp);
}

/* The local driver names the console's SP as the SP itself answers to. */
static void test_local_driver(void)
{
	struct provision_req rq = {.action = "create",
	                           .request_id = "r-saml",
	                           .idempotency_key = "k-saml-driver",
	                           .environment_id = env_local,
	                           .project_id = pj,
	                           .agency_id = a,
	                           .csp = CSP_AWS,
	                           .kind = SYSENV_PRODUCTION};
	struct provision_result res = {0};
	is_int(provision_local.create(&W.env, NULL, &rq, &res), GCAS_OK,
	       "the local driver creates");
	is_str(res.saml_entity_id,
	       fmt("http://127.0.0.1:8080/local-cloud/%s/saml", res.external_id),
	       "  and names the console's SAML entity id");
	is_str(res.saml_acs_url,
	       fmt("http://127.0.0.1:8080/local-cloud/%s/saml/acs", res.external_id),
	       "  and its ACS URL");
	is_int(get(NULL, fmt("/local-cloud/%s/saml/metadata", res.external_id)), 200,
	       "  the console's metadata");
	has_str(BODY, fmt("entityID=\"%s\"", res.saml_entity_id), "  says the same entity id");
	has_str(BODY, fmt("Location=\"%s\"", res.saml_acs_url), "  and ACS");
}

static enum gcas_err deactivate_tx(struct db *db, void *ctx)
{
	struct arena *ar = ctx;
	struct local_scim_user_row r;
	enum gcas_err e = store_local_scim_user_get(db, ar, env_local, "u-ps", &r);
	if (e)
		return e;
	r.u.active = 0;
	return store_local_scim_user_update(db, &r, r.u.version);
}

static void test_local_deactivated(void)
{
	struct arena *ar = arena_new(0);
	is_int(store_tx(W.env.st, deactivate_tx, ar), GCAS_OK,
	       "ps is deactivated in the local cloud");
	arena_free(ar);
	is_int(post(&ps, fmt("/console/%s/signin", env_local), form("csrf", ps.csrf, NULL)), 200,
	       "ps's console sign-in");
	char *resp = hidden("SAMLResponse");
	char *body = big_form("SAMLResponse", resp ? resp : "", NULL);
	is_int(req("POST", fmt("/local-cloud/%s/saml/acs", cloud_id), ps.cookie, body), 403,
	       "  the console refuses: deactivated");
	has_str(BODY, "deactivated", "  saying so");
	free(body);
	free(resp);
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	is_int(saml_init(), GCAS_OK, "Lasso initialises");
	fixtures();
	test_metadata_and_registration();
	test_sp_initiated();
	test_force_authn();
	test_status_answers();
	test_bad_input();
	test_idp_initiated_and_console();
	test_local_sp();
	test_local_deactivated();
	test_local_driver();
	g_object_unref(sp.srv);
	saml_thread_cache_clear();
	pages_done();
	return tap_done();
}
