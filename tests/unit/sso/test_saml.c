/* SPDX-License-Identifier: MIT */
/* The Lasso boundary (src/sso/saml_*.c) without a database: the inbound guard against the
 * messages issue 4 §7 names (oversized, DOCTYPE / entity tricks, bad base64 or DEFLATE), IdP
 * metadata as Lasso reads it, SP metadata checks, SP-initiated (Redirect and POST) and
 * IdP-initiated responses checked by xmlsec's API and by a Lasso SP, and the local console's SP
 * refusing what saml-profiles §4.1.4.3 says it must. */
#include <ctype.h>
#include <time.h>
#include <zlib.h>

#include "base/arena.h"
#include "base/clock.h"
#include "saml_testkit.h"
#include "sso/saml.h"
#include "tap.h"

#define IDP_ENTITY "https://idp.test/saml/metadata"
#define SP_ENTITY  "https://sp.test/saml"
#define SP_ACS     "https://sp.test/saml/acs"

static struct tk_key idp_key;
static struct saml_idp idp;
static const char *certs[1];

static void setup_idp(void)
{
	if (tk_key_new(&idp_key, "idp.test"))
		exit(1);
	certs[0] = idp_key.cert_pem;
	idp = (struct saml_idp){.entity_id = IDP_ENTITY,
	                        .sso_url = "https://idp.test/saml/sso",
	                        .kid = "kid-1",
	                        .key_pem = idp_key.key_pem,
	                        .cert_pem = idp_key.cert_pem,
	                        .certs = certs,
	                        .ncerts = 1};
}

/* base64(raw DEFLATE(s)) as the Redirect binding sends it; malloc'd. */
static char *deflate_b64(const char *s, size_t len)
{
	uLong cap = compressBound(len) + 64;
	unsigned char *z = malloc(cap);
	z_stream st = {0};
	deflateInit2(&st, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
	st.next_in = (unsigned char *)s;
	st.avail_in = (uInt)len;
	st.next_out = z;
	st.avail_out = (uInt)cap;
	deflate(&st, Z_FINISH);
	size_t n = cap - st.avail_out;
	deflateEnd(&st);
	char *out = malloc(b64_len(n) + 1);
	b64_encode(out, z, n);
	free(z);
	return out;
}

/* A query value percent-encoded (RFC 3986: unreserved characters kept). */
static const char *pct(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *w = out;
	for (; out && *s; s++)
		if (isalnum((unsigned char)*s) || strchr("-._~", *s))
			*w++ = *s;
		else
			w += sprintf(w, "%%%02X", (unsigned char)*s);
	if (out)
		*w = '\0';
	return out;
}

/* A Redirect query carrying xml, signed with k as saml-bindings §3.4.4.1 says. */
static const char *signed_query(struct arena *a, const struct tk_key *k, const char *xml)
{
	char *z = deflate_b64(xml, strlen(xml));
	const char *data =
	    arena_printf(a, "SAMLRequest=%s&SigAlg=%s", pct(a, z),
	                 pct(a, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
	free(z);
	BIO *b = BIO_new_mem_buf(k->key_pem, -1);
	EVP_PKEY *pk = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sig[512];
	size_t sl = sizeof(sig);
	int ok_sig = pk && md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
	             EVP_DigestSign(md, sig, &sl, (const unsigned char *)data, strlen(data)) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	BIO_free(b);
	char *s64 = ok_sig ? arena_alloc(a, b64_len(sl) + 1) : NULL;
	if (!s64)
		return data;
	b64_encode(s64, sig, sl);
	return arena_printf(a, "%s&Signature=%s", data, pct(a, s64));
}

static char *plain_b64(const char *s)
{
	char *out = malloc(b64_len(strlen(s)) + 1);
	b64_encode(out, s, strlen(s));
	return out;
}

/* The head of a request as the web layer reads it: the SAMLRequest parameter of a Redirect
 * query string (percent-decoded), or the POST value. */
static struct saml_msg_head head_of(struct arena *a, const char *msg, int post)
{
	struct saml_msg_head h = {0};
	char *v = NULL;
	if (post) {
		v = arena_strdup(a, msg);
	} else {
		const char *p = strstr(msg, "SAMLRequest=") + 12;
		size_t n = strcspn(p, "&");
		v = arena_alloc(a, n + 1);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '%' && i + 2 < n + 1) {
				char hx[3] = {p[i + 1], p[i + 2], 0};
				v[k++] = (char)strtol(hx, NULL, 16);
				i += 2;
			} else {
				v[k++] = p[i] == '+' ? ' ' : p[i];
			}
		}
	}
	char *xml;
	size_t len;
	if (saml_msg_decode(a, v, post ? SAML_BIND_POST : SAML_BIND_REDIRECT, &xml, &len, NULL) ==
	    GCAS_OK)
		saml_msg_head(a, xml, len, &h);
	return h;
}

static void test_guard(void)
{
	struct arena *a = arena_new(0);
	char *xml;
	size_t len;
	const char *why;
	const char *good =
	    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
	    " ID=\"x\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:"
	    "assertion\">https://sp.test/saml</saml:Issuer></samlp:AuthnRequest>";
	char *v = deflate_b64(good, strlen(good));
	is_int(saml_msg_decode(a, v, SAML_BIND_REDIRECT, &xml, &len, &why), GCAS_OK,
	       "a deflated request decodes");
	is_str(xml, good, "to the document sent");
	struct saml_msg_head h;
	is_int(saml_msg_head(a, xml, len, &h), GCAS_OK, "its head is read");
	is_str(h.issuer, SP_ENTITY, "the SP's entity id");
	is_str(h.id, "x", "the ID");
	free(v);
	v = plain_b64(good);
	is_int(saml_msg_decode(a, v, SAML_BIND_POST, &xml, &len, NULL), GCAS_OK,
	       "a POST request decodes");
	is_int(saml_msg_decode(a, v, SAML_BIND_REDIRECT, &xml, &len, &why), GCAS_ERR_INVALID,
	       "undeflated data on the Redirect binding is refused");
	free(v);

	/* A deflate bomb: 1 MiB of spaces compresses to about a kilobyte. */
	size_t big = 1024 * 1024;
	char *bomb = malloc(big + 1);
	memset(bomb, ' ', big);
	bomb[0] = '<';
	bomb[big] = '\0';
	v = deflate_b64(bomb, big);
	ok(strlen(v) < 8192, "the bomb is small on the wire (%zu bytes)", strlen(v));
	is_int(saml_msg_decode(a, v, SAML_BIND_REDIRECT, &xml, &len, &why), GCAS_ERR_INVALID,
	       "a request inflating past 64 KiB is refused");
	has_str(why, "64 KiB", "saying so");
	free(v);
	bomb[70 * 1024] = '\0';
	v = plain_b64(bomb);
	is_int(saml_msg_decode(a, v, SAML_BIND_POST, &xml, &len, &why), GCAS_ERR_INVALID,
	       "a 70 KiB POST request is refused");
	free(v);
	free(bomb);

	static const char *const evil[] = {
	    /* billion laughs */
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
	    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><samlp:AuthnRequest "
	    "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&lol2;</samlp:AuthnRequest>",
	    /* external entity */
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
	    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&xxe;"
	    "</samlp:AuthnRequest>",
	    /* lower case, after a comment */
	    "<!-- x --><!doctype r SYSTEM \"http://evil.test/x.dtd\"><r/>",
	};
	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		v = deflate_b64(evil[i], strlen(evil[i]));
		is_int(saml_msg_decode(a, v, SAML_BIND_REDIRECT, &xml, &len, &why),
		       GCAS_ERR_INVALID, "entity trick %zu refused (Redirect)", i);
		has_str(why, "DOCTYPE", "as a DOCTYPE");
		free(v);
		v = plain_b64(evil[i]);
		is_int(saml_msg_decode(a, v, SAML_BIND_POST, &xml, &len, NULL), GCAS_ERR_INVALID,
		       "entity trick %zu refused (POST)", i);
		free(v);
	}
	/* UTF-16 hides "<!DOCTYPE" from a byte search: NULs are refused. */
	static const char u16[] = "<\0r\0/\0>\0";
	char u16b64[64];
	b64_encode(u16b64, u16, sizeof(u16) - 1);
	is_int(saml_msg_decode(a, u16b64, SAML_BIND_POST, &xml, &len, NULL), GCAS_ERR_INVALID,
	       "UTF-16 is refused");
	is_int(saml_msg_decode(a, "!!!notbase64", SAML_BIND_POST, &xml, &len, &why),
	       GCAS_ERR_INVALID, "bad base64 is refused");
	has_str(why, "base64", "as base64");
	is_int(saml_msg_decode(a, "AAAAAAAA", SAML_BIND_REDIRECT, &xml, &len, &why),
	       GCAS_ERR_INVALID, "bad DEFLATE is refused");
	is_int(saml_msg_decode(a, "", SAML_BIND_POST, &xml, &len, NULL), GCAS_ERR_INVALID,
	       "an empty message is refused");

	int64_t t;
	is_int(saml_time_parse("2026-11-26T11:48:00Z", &t), 0, "xs:dateTime parses");
	is_int(t, 1795693680, "to the epoch second");
	is_int(saml_time_parse("2026-11-26T11:48:00.123Z", &t), 0, "with fractions");
	is_int(saml_time_parse("2026-11-26T11:48:00+09:00", &t), -1, "offsets are refused");
	arena_free(a);
}

static void test_metadata(void)
{
	struct arena *a = arena_new(0);
	char *md = saml_idp_metadata(a, &idp);
	ok(md != NULL, "IdP metadata is written");
	LassoProvider *p = lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_IDP, md, NULL, NULL);
	ok(p != NULL, "Lasso reads it as an IdP");
	is_str(p ? p->ProviderID : NULL, IDP_ENTITY, "with our entity id");
	if (p)
		g_object_unref(p);
	xmlDocPtr d = tk_parse(md);
	char *c = tk_xpath(d, "string(//md:IDPSSODescriptor/md:KeyDescriptor[@use='signing']"
	                      "//ds:X509Certificate)");
	is_str(c, tk_cert_b64(idp_key.cert_pem), "the signing certificate is listed");
	free(c);
	c = tk_xpath(d, "count(//md:SingleSignOnService)");
	is_str(c, "2", "both SSO bindings are listed");
	free(c);
	xmlFreeDoc(d);

	struct tk_sp sp;
	tk_sp_init(&sp, SP_ENTITY, SP_ACS, 0);
	struct saml_sp_meta m;
	const char *why;
	is_int(saml_sp_meta_check(a, sp.metadata, &m, &why), GCAS_OK, "SP metadata is accepted");
	is_str(m.entity_id, SP_ENTITY, "its entity id is read");
	is_int(m.nacs, 1, "one ACS");
	is_str(m.nacs ? m.acs[0] : NULL, SP_ACS, "the ACS URL");
	is_int(saml_sp_meta_check(a, md, &m, &why), GCAS_ERR_INVALID,
	       "IdP metadata is not an SP's");
	has_str(why, "SPSSODescriptor", "saying why");
	is_int(saml_sp_meta_check(a, "<not-xml", &m, &why), GCAS_ERR_INVALID, "junk is refused");
	char evil[20000];
	snprintf(evil, sizeof(evil), "<!DOCTYPE x [<!ENTITY a \"b\">]>%s",
	         strstr(sp.metadata, "<md:"));
	is_int(saml_sp_meta_check(a, evil, &m, &why), GCAS_ERR_INVALID,
	       "metadata with a DOCTYPE is refused");
	char *noacs = saml_sp_meta_minimal(a, SP_ENTITY, "javascript:alert(1)");
	is_int(saml_sp_meta_check(a, noacs, &m, &why), GCAS_ERR_INVALID,
	       "an ACS that is not http(s) is refused");
	char *mini = saml_sp_meta_minimal(a, SP_ENTITY, SP_ACS);
	is_int(saml_sp_meta_check(a, mini, &m, &why), GCAS_OK, "minimal SP metadata is valid");
	arena_free(a);
}

/* Check a Response (base64) for sp: signatures by xmlsec, conditions by XPath. */
static void check_response(const char *b64, const char *in_response_to, int64_t now,
                           const char *name_id, const char *label)
{
	char *xml = tk_b64_text(b64);
	ok(xml != NULL, "%s: the Response is base64", label);
	if (!xml)
		return;
	ok(tk_xmlsec_verify(xml, "/samlp:Response", idp_key.cert_pem),
	   "%s: xmlsec verifies the Response's signature", label);
	ok(tk_xmlsec_verify(xml, "/samlp:Response/saml:Assertion", idp_key.cert_pem),
	   "%s: xmlsec verifies the assertion's signature", label);
	struct tk_key other;
	tk_key_new(&other, "other");
	ok(!tk_xmlsec_verify(xml, "/samlp:Response", other.cert_pem),
	   "%s: and not with another certificate", label);
	xmlDocPtr d = tk_parse(xml);
	char *v = tk_xpath(d, "string(//ds:SignatureMethod/@Algorithm)");
	is_str(v, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "%s: RSA-SHA256", label);
	free(v);
	v = tk_xpath(d, "count(//ds:SignatureMethod[contains(@Algorithm,'sha1')]) + "
	                "count(//ds:DigestMethod[contains(@Algorithm,'sha1')])");
	is_str(v, "0", "%s: no SHA-1 anywhere", label);
	free(v);
	v = tk_xpath(d, "string(//saml:AudienceRestriction/saml:Audience)");
	is_str(v, SP_ENTITY, "%s: Audience is the SP", label);
	free(v);
	v = tk_xpath(d, "string(//saml:SubjectConfirmationData/@Recipient)");
	is_str(v, SP_ACS, "%s: Recipient is the ACS", label);
	free(v);
	v = tk_xpath(d, "string(/samlp:Response/@Destination)");
	is_str(v, SP_ACS, "%s: Destination is the ACS", label);
	free(v);
	v = tk_xpath(d, "string(/samlp:Response/@InResponseTo)");
	is_str(v, in_response_to, "%s: InResponseTo", label);
	free(v);
	char want[32];
	clock_fmt_utc(want, now + 300);
	v = tk_xpath(d, "string(//saml:Conditions/@NotOnOrAfter)");
	is_str(v, want, "%s: NotOnOrAfter = now + ttl", label);
	free(v);
	v = tk_xpath(d, "string(//saml:SubjectConfirmationData/@NotOnOrAfter)");
	is_str(v, want, "%s: and on the subject confirmation", label);
	free(v);
	v = tk_xpath(d, "string(//saml:Subject/saml:NameID)");
	is_str(v, name_id, "%s: NameID", label);
	free(v);
	v = tk_xpath(d, "string(//saml:Attribute[@Name='https://aws.amazon.com/SAML/Attributes/"
	                "Role']/saml:AttributeValue[2])");
	is_str(v, "arn:aws:iam::222:role/R,arn:aws:iam::222:saml-provider/P",
	       "%s: second Role value", label);
	free(v);
	xmlFreeDoc(d);
	free(xml);
}

static const char *const roles[] = {"arn:aws:iam::111:role/R,arn:aws:iam::111:saml-provider/P",
                                    "arn:aws:iam::222:role/R,arn:aws:iam::222:saml-provider/P"};
static const char *const emails[] = {"taro@example.go.jp"};
static const struct saml_attr attrs[] = {
    {"email", NULL, emails, 1},
    {"https://aws.amazon.com/SAML/Attributes/Role", SAML_ATTR_URI, roles, 2},
};

static void test_sp_initiated(void)
{
	struct arena *a = arena_new(0);
	struct tk_sp sp;
	tk_sp_init(&sp, SP_ENTITY, SP_ACS, 0);
	char *idp_md = saml_idp_metadata(a, &idp);
	ok(tk_sp_trust(&sp, idp_md) == 0, "the test SP trusts our IdP's metadata");
	struct saml_sp_ref ref = {"sp:1:1", SP_ENTITY, sp.metadata};
	int64_t now = clock_now();
	struct saml_subject subj = {.account_id = "acct-0001",
	                            .email = "taro@example.go.jp",
	                            .authn_at = now - 60,
	                            .attrs = attrs,
	                            .nattrs = 2};
	for (int post = 0; post < 2; post++) {
		char *msg, *id;
		const char *label = post ? "POST" : "Redirect";
		ok(tk_sp_request(&sp, IDP_ENTITY, post, SP_ACS, NULL, NULL, &msg, &id) == 0,
		   "%s: the SP signs an AuthnRequest", label);
		struct saml_login *l;
		struct saml_authn_info info;
		const char *why;
		struct saml_msg_head h = head_of(a, msg, post);
		is_str(h.id, id, "%s: the guard reads its head", label);
		enum gcas_err e =
		    saml_login_begin(a, &idp, &ref, post ? SAML_BIND_POST : SAML_BIND_REDIRECT, msg,
		                     &h, &l, &info, &why);
		is_int(e, GCAS_OK, "%s: the IdP accepts it (%s)", label, why ? why : "");
		is_str(info.id, id, "%s: its ID is read", label);
		is_str(info.issuer, SP_ENTITY, "%s: its issuer", label);
		/* Lasso stamps it with the real clock (ours is fixed at the start). */
		ok(info.issue_instant > time(NULL) - 10 && info.issue_instant < time(NULL) + 10,
		   "%s: its IssueInstant", label);
		struct saml_post po;
		if (e == GCAS_OK) {
			is_int(saml_login_respond(l, &subj, now, 300, &po), GCAS_OK,
			       "%s: a Response is built", label);
			is_str(po.acs_url, SP_ACS, "%s: to the ACS", label);
			check_response(po.response_b64, id, now, "acct-0001", label);
			is_int(tk_sp_accepts(&sp, po.response_b64), 0,
			       "%s: the Lasso SP accepts it", label);
		}
		free(msg);
		free(id);
	}

	/* An ACS URL that is not in the metadata. */
	char *msg, *id;
	struct saml_login *l;
	struct saml_authn_info info;
	const char *why;
	tk_sp_request(&sp, IDP_ENTITY, 0, "https://evil.test/acs", NULL, NULL, &msg, &id);
	struct saml_msg_head eh = head_of(a, msg, 0);
	is_str(eh.acs_url, "https://evil.test/acs", "the head has the ACS URL asked for");
	is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, msg, &eh, &l, &info, &why),
	       GCAS_ERR_INVALID, "an ACS URL not in the metadata is refused");
	has_str(why, "metadata", "saying so");
	free(msg);
	free(id);

	/* saml-core §3.2.1: a request for another endpoint is discarded; bindings §3.4.5.2: a
	 * signed one must name where it was sent. Signed with the SP's own key, by hand. */
	static const struct {
		const char *dest;
		enum gcas_err want;
		const char *what;
	} dests[] = {
	    {" Destination=\"https://idp.test/saml/sso\"", GCAS_OK, "this IdP's"},
	    {" Destination=\"https://evil.test/saml/sso\"", GCAS_ERR_INVALID, "another"},
	    {" Destination=\"https://idp.test/saml/sso/\"", GCAS_ERR_INVALID, "a one-slash-longer"},
	    {"", GCAS_ERR_INVALID, "no"}};
	for (size_t i = 0; i < sizeof(dests) / sizeof(dests[0]); i++) {
		const char *xml = arena_printf(
		    a,
		    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
		    "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_dest%zu\" "
		    "Version=\"2.0\" IssueInstant=\"2026-11-27T00:00:00Z\"%s><saml:Issuer>%s"
		    "</saml:Issuer></samlp:AuthnRequest>",
		    i, dests[i].dest, SP_ENTITY);
		const char *q = signed_query(a, &sp.key, xml);
		is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, q,
		                        &(struct saml_msg_head){0}, &l, &info, &why),
		       dests[i].want, "a signed request with %s Destination: %s", dests[i].what,
		       dests[i].want ? "refused" : "accepted");
		if (dests[i].want)
			has_str(why, "Destination", "  saying why");
	}

	/* saml-core §3.2.2.2: a Version other than 2.0 is answered with VersionMismatch. */
	{
		const char *xml =
		    "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
		    "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_v1\" "
		    "Version=\"1.0\" IssueInstant=\"2026-11-27T00:00:00Z\" "
		    "Destination=\"https://idp.test/saml/sso\"><saml:Issuer>" SP_ENTITY
		    "</saml:Issuer></samlp:AuthnRequest>";
		enum gcas_err e = saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT,
		                                   signed_query(a, &sp.key, xml),
		                                   &(struct saml_msg_head){0}, &l, &info, &why);
		is_int(e, GCAS_OK, "a Version 1.0 request is read");
		is_str(info.unanswerable, SAML_STATUS_VERSION_MISMATCH,
		       "  as one to answer with VersionMismatch");
		struct saml_post vp;
		if (!e) {
			is_int(saml_login_refuse(l, info.unanswerable, &vp), GCAS_OK, "  answered");
			char *vx = tk_b64_text(vp.response_b64);
			xmlDocPtr vd = tk_parse(vx);
			char *code = tk_xpath(vd, "string(//samlp:StatusCode/@Value)");
			char *n = tk_xpath(vd, "string(count(//samlp:StatusCode))");
			is_str(code, SAML_STATUS_VERSION_MISMATCH,
			       "  with the top-level VersionMismatch");
			is_str(n, "1", "  and no second-level code");
			ok(strstr(vx, "Assertion") == NULL, "  and no assertion");
			free(code);
			free(n);
			xmlFreeDoc(vd);
			free(vx);
		}
	}

	/* A Redirect signature over other bytes. */
	tk_sp_request(&sp, IDP_ENTITY, 0, NULL, NULL, NULL, &msg, &id);
	char *rs = strstr(msg, "RelayState=");
	if (rs)
		rs[11] = rs[11] == 'x' ? 'y' : 'x';
	is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, msg, &(struct saml_msg_head){0},
	                        &l, &info, &why),
	       GCAS_ERR_AUTH, "a tampered Redirect request fails its signature");
	free(msg);
	free(id);

	/* Unsigned, from an SP whose metadata says it signs; and signed with SHA-1. */
	tk_sp_request(&sp, IDP_ENTITY, 0, NULL, NULL, NULL, &msg, &id);
	char *cut = strstr(msg, "&SigAlg=");
	char *sha1 = arena_printf(
	    a, "%.*s&SigAlg=http%%3A%%2F%%2Fwww.w3.org%%2F2000%%2F09%%2Fxmldsig%%23rsa-sha1%s",
	    (int)(cut - msg), msg, strstr(msg, "&Signature="));
	*cut = '\0';
	is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, msg, &(struct saml_msg_head){0},
	                        &l, &info, &why),
	       GCAS_ERR_AUTH, "an unsigned request from an SP that signs is refused");
	has_str(why, "not signed", "saying so");
	is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, sha1, &(struct saml_msg_head){0},
	                        &l, &info, &why),
	       GCAS_ERR_AUTH, "a request signed with RSA-SHA1 is refused");
	has_str(why, "SigAlg", "saying so");
	free(msg);
	free(id);

	/* emailAddress when the SP asks. */
	tk_sp_request(&sp, IDP_ENTITY, 0, NULL, NULL, SAML_NAMEID_EMAIL, &msg, &id);
	is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, msg, &(struct saml_msg_head){0},
	                        &l, &info, &why),
	       GCAS_OK, "a request for an emailAddress NameID is accepted");
	struct saml_post po;
	is_int(saml_login_respond(l, &subj, now, 300, &po), GCAS_OK, "and answered");
	char *xml = tk_b64_text(po.response_b64);
	xmlDocPtr d = tk_parse(xml);
	char *v = tk_xpath(d, "string(//saml:Subject/saml:NameID/@Format)");
	is_str(v, SAML_NAMEID_EMAIL, "with the emailAddress format");
	free(v);
	v = tk_xpath(d, "string(//saml:Subject/saml:NameID)");
	is_str(v, "taro@example.go.jp", "and the address");
	free(v);
	xmlFreeDoc(d);
	free(xml);
	free(msg);
	free(id);

	/* An SP whose metadata we do not have: the request names another issuer. */
	struct tk_sp stranger;
	tk_sp_init(&stranger, "https://stranger.test/saml", "https://stranger.test/acs", 0);
	tk_sp_trust(&stranger, idp_md);
	tk_sp_request(&stranger, IDP_ENTITY, 0, NULL, NULL, NULL, &msg, &id);
	ok(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, msg, &(struct saml_msg_head){0}, &l,
	                    &info, &why) != GCAS_OK,
	   "a request from another SP is refused against this SP's metadata");
	free(msg);
	free(id);
	g_object_unref(stranger.srv);

	/* IdP-initiated. */
	is_int(saml_login_begin_idp(a, &idp, &ref, NULL, &l), GCAS_OK, "IdP-initiated begins");
	is_int(saml_login_respond(l, &subj, now, 300, &po), GCAS_OK, "and is answered");
	check_response(po.response_b64, NULL, now, "acct-0001", "IdP-initiated");
	is_int(tk_sp_accepts(&sp, po.response_b64), 0, "the Lasso SP accepts the unsolicited one");
	g_object_unref(sp.srv);
	arena_free(a);
}

static void test_local_sp(void)
{
	struct arena *a = arena_new(0);
	char *idp_md = saml_idp_metadata(a, &idp);
	struct saml_sp_self self = {.entity_id = SP_ENTITY,
	                            .acs_url = SP_ACS,
	                            .idp_entity_id = IDP_ENTITY,
	                            .idp_metadata = idp_md,
	                            .cache_key = "kid-1",
	                            .key_pem = idp_key.key_pem,
	                            .cert_pem = idp_key.cert_pem};
	const char *url, *rid;
	is_int(saml_sp_login_url(a, &self, "rs", &url, &rid), GCAS_OK,
	       "the console SP builds a request");
	has_str(url, "https://idp.test/saml/sso?SAMLRequest=", "to our SSO URL");
	struct saml_sp_ref ref = {"env:x", SP_ENTITY, saml_sp_self_metadata(a, &self)};
	struct saml_login *l;
	struct saml_authn_info info;
	const char *why;
	struct saml_msg_head lh = head_of(a, strchr(url, '?') + 1, 0);
	is_int(saml_login_begin(a, &idp, &ref, SAML_BIND_REDIRECT, strchr(url, '?') + 1, &lh, &l,
	                        &info, &why),
	       GCAS_OK, "our IdP accepts the console's unsigned request");
	is_str(info.acs_url, SP_ACS, "which names its ACS");
	int64_t now = clock_now();
	struct saml_subject subj = {
	    .account_id = "acct-0001", .email = "taro@example.go.jp", .attrs = attrs, .nattrs = 1};
	struct saml_post po;
	is_int(saml_login_respond(l, &subj, now, 300, &po), GCAS_OK, "a Response is built");
	struct saml_sp_result r;
	is_int(saml_sp_accept(a, &self, po.response_b64, now, &r, &why), GCAS_OK,
	       "the console SP accepts it (%s)", why ? why : "");
	is_str(r.in_response_to, rid, "InResponseTo is its request");
	is_str(r.name_id, "acct-0001", "the NameID");
	is_str(saml_sp_attr(&r, "email"), "taro@example.go.jp", "the email attribute");
	is_int(r.not_on_or_after, now + 300, "valid until NotOnOrAfter");
	is_int(saml_sp_accept(a, &self, po.response_b64, now + 301, &r, &why), GCAS_ERR_INVALID,
	       "an expired Response is refused");
	has_str(why, "expired", "as expired");
	is_int(saml_sp_accept(a, &self, po.response_b64, now - 600, &r, &why), GCAS_ERR_INVALID,
	       "a Response not yet valid is refused");

	/* Tampered: one byte of the assertion changed. */
	char *xml = tk_b64_text(po.response_b64);
	char *nid = strstr(xml, "acct-0001");
	nid[8] = '2';
	char *b64 = plain_b64(xml);
	is_int(saml_sp_accept(a, &self, b64, now, &r, &why), GCAS_ERR_AUTH,
	       "a tampered Response fails its signature");
	free(b64);
	free(xml);

	/* A Response for another SP (valid signature, wrong audience and recipient). */
	struct tk_sp other;
	tk_sp_init(&other, "https://other.test/saml", "https://other.test/acs", 0);
	struct saml_sp_ref oref = {"sp:2:1", other.entity_id, other.metadata};
	is_int(saml_login_begin_idp(a, &idp, &oref, NULL, &l), GCAS_OK,
	       "IdP-initiated to another SP");
	is_int(saml_login_respond(l, &subj, now, 300, &po), GCAS_OK, "answered");
	is_int(saml_sp_accept(a, &self, po.response_b64, now, &r, &why), GCAS_ERR_INVALID,
	       "the console SP refuses a Response meant for another SP");

	/* Signed by a key that is not the IdP's. */
	struct tk_key rogue;
	tk_key_new(&rogue, "rogue");
	const char *rc[1] = {rogue.cert_pem};
	struct saml_idp fake = idp;
	fake.kid = "rogue";
	fake.key_pem = rogue.key_pem;
	fake.cert_pem = rogue.cert_pem;
	fake.certs = rc;
	is_int(saml_login_begin_idp(a, &fake, &ref, NULL, &l), GCAS_OK,
	       "a rogue IdP with our name");
	is_int(saml_login_respond(l, &subj, now, 300, &po), GCAS_OK, "answers");
	is_int(saml_sp_accept(a, &self, po.response_b64, now, &r, &why), GCAS_ERR_AUTH,
	       "the console SP refuses its signature");

	/* Key rollover: the IdP's metadata lists the next certificate too. */
	const char *both[2] = {idp_key.cert_pem, rogue.cert_pem};
	struct saml_idp roll = idp;
	roll.certs = both;
	roll.ncerts = 2;
	char *md2 = saml_idp_metadata(a, &roll);
	xmlDocPtr d = tk_parse(md2);
	char *v = tk_xpath(d, "count(//md:KeyDescriptor[@use='signing'])");
	is_str(v, "2", "rollover metadata lists both certificates");
	free(v);
	xmlFreeDoc(d);
	arena_free(a);
}

int main(void)
{
	clock_fix(time(NULL));
	is_int(saml_init(), GCAS_OK, "Lasso initialises");
	setup_idp();
	test_guard();
	test_metadata();
	test_sp_initiated();
	test_local_sp();
	saml_thread_cache_clear();
	return tap_done();
}
