/* SPDX-License-Identifier: MIT */
/* The identity provider on Lasso (saml-profiles-2.0-os §4.1, Web Browser SSO): an AuthnRequest
 * is parsed (and its signature, if any, verified) by Lasso against the SP's metadata, the ACS
 * URL it names is checked against that metadata, and the Response carries one assertion with
 * the conditions and attributes the caller decided. Lasso builds the Response unsigned; the
 * assertion and then the Response are signed here (enveloped XML signatures, exclusive C14N,
 * SHA-256 digests, RSA-SHA256: never SHA-1, xmldsig-core1 §6.4.2 deprecates it) with a key
 * loaded once per thread and server, which is most of what a response costs besides RSA. */
#include <lasso/key.h>
#include <lasso/xml/misc_text_node.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/saml2_attribute.h>
#include <lasso/xml/saml-2.0/saml2_attribute_statement.h>
#include <lasso/xml/saml-2.0/saml2_attribute_value.h>
#include <lasso/xml/saml-2.0/saml2_name_id.h>
#include <lasso/xml/saml-2.0/saml2_subject.h>
#include <lasso/xml/saml-2.0/saml2_subject_confirmation.h>
#include <lasso/xml/saml-2.0/saml2_subject_confirmation_data.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <lasso/xml/saml-2.0/samlp2_status_response.h>
#include <lasso/saml-2.0/saml2_helper.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/rand.h"
#include "sso/saml_internal.h"

/* This thread's signing state for one cached server (tied to the LassoServer's lifetime by
 * g_object_set_data_full): the private key decoded once, an RSA signing context initialised
 * once and reused (PKCS #1 v1.5 with SHA-256, what RSA-SHA256 means: RFC 6931 §2.3.2), the
 * certificate's base64 for KeyInfo, and SHA-256 fetched once. Used by one thread only. */
struct idp_signer {
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *ctx;
	EVP_MD *sha256;
	char *cert_b64;
};
#define SIGNER_KEY "gcas-idp-signer"

struct saml_login {
	struct arena *a;
	LassoLogin *login;
	LassoServer *srv;
	struct idp_signer *signer;
	const char *sp_entity_id;
	const char **acs; /* the SP's HTTP-POST ACS URLs (arena copies) */
	size_t nacs;
	const char **certs; /* the SP's signing certificates (arena copies, base64 DER) */
	size_t ncerts;
	int requests_signed;
	const char *nameid_format; /* what goes out: persistent or emailAddress */
};

struct idp_build {
	struct arena *a;
	const struct saml_idp *idp;
	const struct saml_sp_ref *sp;
};

static void signer_free(gpointer p)
{
	struct idp_signer *s = p;
	EVP_PKEY_CTX_free(s->ctx);
	EVP_PKEY_free(s->pkey);
	EVP_MD_free(s->sha256);
	free(s->cert_b64);
	free(s);
}

/* Never prompt for a passphrase: the signer hands out unencrypted PEM. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static struct idp_signer *signer_new(struct arena *a, const struct saml_idp *idp)
{
	struct idp_signer *s = calloc(1, sizeof(*s));
	BIO *bio = s ? BIO_new_mem_buf(idp->key_pem, -1) : NULL;
	const char *cert = saml_pem_body(a, idp->cert_pem);
	if (bio && cert) {
		s->pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
		s->cert_b64 = strdup(cert);
		s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	}
	BIO_free(bio);
	if (s && s->pkey && EVP_PKEY_get_base_id(s->pkey) == EVP_PKEY_RSA)
		s->ctx = EVP_PKEY_CTX_new(s->pkey, NULL);
	if (s && s->ctx && s->cert_b64 && s->sha256 && EVP_PKEY_sign_init(s->ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(s->ctx, RSA_PKCS1_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_signature_md(s->ctx, s->sha256) == 1)
		return s;
	if (s)
		signer_free(s);
	return NULL;
}

static enum gcas_err idp_build(void *ctx, struct saml_srv *out)
{
	struct idp_build *b = ctx;
	struct saml_sp_meta m;
	const char *why;
	char *md = saml_idp_metadata(b->a, b->idp);
	if (!md)
		return GCAS_ERR_CRYPTO;
	if (saml_xml_refused(b->sp->metadata, strlen(b->sp->metadata)) ||
	    saml_meta_parse_sp(b->a, b->sp->metadata, &m, &why))
		return GCAS_ERR_INVALID;
	LassoServer *srv =
	    lasso_server_new_from_buffers(md, b->idp->key_pem, NULL, b->idp->cert_pem);
	if (!srv)
		return GCAS_ERR_CRYPTO;
	srv->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
	if (lasso_server_add_provider_from_buffer(srv, LASSO_PROVIDER_ROLE_SP, b->sp->metadata,
	                                          NULL, NULL) != 0) {
		g_object_unref(srv);
		return GCAS_ERR_INVALID;
	}
	/* Lasso signs through xmlsec, which per signature duplicates the key, asks OpenSSL for
	 * the RSA parameters several times over and writes the public key into KeyInfo: as much
	 * work again as the RSA operation. The responses are signed here instead (sign_response),
	 * with this key loaded once. */
	struct idp_signer *sg = signer_new(b->a, b->idp);
	/* Lasso still sets a signing key on every assertion it builds (then dropped, see
	 * saml_login_respond); left to itself it would decode the PEM key each time (an OpenSSL 3
	 * decoder per response). A key loaded once and set for this SP is merely referenced. */
	LassoProvider *p = lasso_server_get_provider(srv, m.entity_id);
	LassoKey *key =
	    lasso_key_new_for_signature_from_memory(b->idp->key_pem, strlen(b->idp->key_pem), NULL,
	                                            LASSO_SIGNATURE_METHOD_RSA_SHA256, NULL);
	int bad = !sg || !p || !key || lasso_provider_set_server_signing_key(p, key) != 0;
	if (key)
		g_object_unref(key);
	if (bad) {
		if (sg)
			signer_free(sg);
		g_object_unref(srv);
		return GCAS_ERR_CRYPTO;
	}
	g_object_set_data_full(G_OBJECT(srv), SIGNER_KEY, sg, signer_free);
	out->srv = srv;
	out->wants_email = m.wants_email;
	out->requests_signed = m.requests_signed;
	if (!saml_strv_dup(m.acs, m.nacs, &out->acs, &out->nacs) &&
	    !saml_strv_dup(m.certs, m.ncerts, &out->certs, &out->ncerts))
		return GCAS_OK;
	saml_strv_free(out->acs, out->nacs);
	g_object_unref(srv);
	*out = (struct saml_srv){0};
	return GCAS_ERR_NOMEM;
}

static void login_free(void *p)
{
	struct saml_login *l = p;
	if (l->login)
		g_object_unref(l->login);
	if (l->srv)
		g_object_unref(l->srv);
}

/* A saml_login over this thread's server for (idp key, sp version), owned by a. */
static enum gcas_err login_new(struct arena *a, const struct saml_idp *idp,
                               const struct saml_sp_ref *sp, struct saml_login **out)
{
	enum gcas_err e = saml_init();
	if (e)
		return e;
	struct saml_login *l = arena_alloc(a, sizeof(*l));
	const char *key = arena_printf(a, "idp\x1f%s\x1f%s\x1f%s", idp->entity_id,
	                               idp->kid ? idp->kid : "", sp->key);
	if (!l || !key)
		return GCAS_ERR_NOMEM;
	struct idp_build b = {a, idp, sp};
	struct saml_srv s;
	if ((e = saml_srv_get(key, idp_build, &b, &s)))
		return e;
	l->a = a;
	l->srv = s.srv;
	if (arena_defer(a, login_free, l))
		return GCAS_ERR_NOMEM;
	l->signer = g_object_get_data(G_OBJECT(l->srv), SIGNER_KEY);
	if (!l->signer)
		return GCAS_ERR_INTERNAL;
	l->acs = arena_alloc(a, (s.nacs + 1) * sizeof(*l->acs));
	if (!l->acs)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < s.nacs; i++)
		if (!(l->acs[l->nacs++] = arena_strdup(a, s.acs[i])))
			return GCAS_ERR_NOMEM;
	l->certs = arena_alloc(a, (s.ncerts + 1) * sizeof(*l->certs));
	if (!l->certs)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < s.ncerts; i++)
		if (!(l->certs[l->ncerts++] = arena_strdup(a, s.certs[i])))
			return GCAS_ERR_NOMEM;
	l->requests_signed = s.requests_signed;
	l->login = lasso_login_new(l->srv);
	if (!l->login)
		return GCAS_ERR_NOMEM;
	l->sp_entity_id = arena_strdup(a, sp->entity_id);
	l->nameid_format = s.wants_email ? SAML_NAMEID_EMAIL : SAML_NAMEID_PERSISTENT;
	/* saml-profiles §4.1.3.5: the Response and the assertion are signed, whatever the SP's
	 * metadata says about wanting it; by sign_response, so Lasso itself signs nothing. */
	lasso_profile_set_signature_hint(LASSO_PROFILE(l->login),
	                                 LASSO_PROFILE_SIGNATURE_HINT_FORBID);
	*out = l;
	return GCAS_OK;
}

/* Replace a Lasso-owned string (g_malloc'd) with a copy of src. */
static void set_str(char **dst, const char *src)
{
	g_free(*dst);
	*dst = g_strdup(src);
}

static int acs_known(const struct saml_login *l, const char *url)
{
	for (size_t i = 0; url && i < l->nacs; i++)
		if (strcmp(l->acs[i], url) == 0)
			return 1;
	return 0;
}

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* ---- the Redirect binding's signature (saml-bindings §3.4.4.1) ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) ('+' is a space) into a; NULL on a bad escape or a NUL. */
static char *pct_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; out && i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 2 < n + 1 ? hexval(s[i + 1]) : -1,
			    lo = hi >= 0 ? hexval(s[i + 2]) : -1;
			if (lo < 0)
				return NULL;
			c = hi * 16 + lo;
			i += 2;
		}
		if (!c)
			return NULL;
		out[k++] = (char)c;
	}
	return out;
}

/* The raw (still encoded) value of key in query, or NULL; *len its length. */
static const char *raw_param(const char *query, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	for (const char *p = query; p && *p;) {
		size_t seg = strcspn(p, "&");
		if (seg > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			*len = seg - kl - 1;
			return p + kl + 1;
		}
		p += seg + (p[seg] == '&');
	}
	return NULL;
}

/* 1 when sig verifies over data with the certificate cert_b64 (base64 DER) and md. */
static int rsa_verify(const char *cert_b64, const EVP_MD *md, const unsigned char *data, size_t len,
                      const unsigned char *sig, size_t sig_len)
{
	unsigned char der[8192];
	long n = b64_decode(der, sizeof(der), cert_b64, strlen(cert_b64));
	const unsigned char *p = der;
	X509 *x = n > 0 ? d2i_X509(NULL, &p, n) : NULL;
	EVP_PKEY *pk = x ? X509_get0_pubkey(x) : NULL;
	EVP_MD_CTX *ctx = pk ? EVP_MD_CTX_new() : NULL;
	int ok = ctx && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	         EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) == 1 &&
	         EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	X509_free(x);
	return ok;
}

/* Verify a Redirect request's signature ourselves, against the SP's metadata certificates:
 * RSA-SHA256 or RSA-SHA512 only (xmldsig-core1 §6.4.2 deprecates SHA-1). *stripped is the
 * query without SigAlg and Signature, for Lasso (whose own check of query signatures leaks
 * memory on every request in 2.8). A request with no signature passes unless the metadata
 * says the SP signs its requests. AUTH / INVALID with *why. */
static enum gcas_err redirect_verify(struct arena *a, const struct saml_login *l, const char *query,
                                     const char **stripped, int *has_sig, const char **why)
{
	size_t rl = 0, sl = 0, al = 0, gl = 0;
	const char *req = raw_param(query, "SAMLRequest", &rl);
	const char *relay = raw_param(query, "RelayState", &sl);
	const char *alg = raw_param(query, "SigAlg", &al),
	           *sig = raw_param(query, "Signature", &gl);
	*why = "the Redirect request has no SAMLRequest";
	if (!req)
		return GCAS_ERR_INVALID;
	*stripped = relay ? arena_printf(a, "SAMLRequest=%.*s&RelayState=%.*s", (int)rl, req,
	                                 (int)sl, relay)
	                  : arena_printf(a, "SAMLRequest=%.*s", (int)rl, req);
	if (!*stripped)
		return GCAS_ERR_NOMEM;
	*why = "the service provider signs its requests, and this one is not signed";
	*has_sig = sig || alg;
	if (!sig || !alg)
		return l->requests_signed ? GCAS_ERR_AUTH : GCAS_OK;
	const char *alg_s = pct_decode(a, alg, al), *sig_s = pct_decode(a, sig, gl);
	const EVP_MD *md = NULL;
	if (alg_s && strcmp(alg_s, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256") == 0)
		md = EVP_sha256();
	else if (alg_s && strcmp(alg_s, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512") == 0)
		md = EVP_sha512();
	*why = "the request's SigAlg is not RSA-SHA256 or RSA-SHA512";
	if (!md || !sig_s)
		return GCAS_ERR_AUTH;
	unsigned char bin[1024];
	long bl = b64_decode(bin, sizeof(bin), sig_s, strlen(sig_s));
	/* The signed octets: the parameters as they arrived, in this order (§3.4.4.1). */
	const char *data = arena_printf(a, "%s&SigAlg=%.*s", *stripped, (int)al, alg);
	*why = "the request's signature does not verify with the service provider's certificates";
	for (size_t i = 0; data && bl > 0 && i < l->ncerts; i++)
		if (rsa_verify(l->certs[i], md, (const unsigned char *)data, strlen(data), bin,
		               (size_t)bl))
			return GCAS_OK;
	return GCAS_ERR_AUTH;
}

enum gcas_err saml_login_begin(struct arena *a, const struct saml_idp *idp,
                               const struct saml_sp_ref *sp, enum saml_binding b, const char *msg,
                               const struct saml_msg_head *head, struct saml_login **out,
                               struct saml_authn_info *info, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*info = (struct saml_authn_info){0};
	*out = NULL;
	struct saml_login *l;
	*why = "the identity provider could not be set up for this service provider";
	enum gcas_err e = login_new(a, idp, sp, &l);
	if (e)
		return e;
	/* saml-profiles §4.1.4.1: the IdP MUST ensure the ACS location is the SP's; a URL not
	 * in its metadata is refused rather than trusted (checked before Lasso reads it). */
	*why = "the AssertionConsumerServiceURL is not in the service provider's metadata";
	if (head && head->acs_url && !acs_known(l, head->acs_url))
		return GCAS_ERR_INVALID;
	LassoProfile *pr = LASSO_PROFILE(l->login);
	/* Redirect: the query's signature is checked here and Lasso gets the query without it
	 * (told not to insist); POST: Lasso verifies the enveloped XML signature itself. */
	int has_sig = l->requests_signed;
	if (b == SAML_BIND_REDIRECT) {
		if ((e = redirect_verify(a, l, msg, &msg, &has_sig, why)))
			return e;
		lasso_profile_set_signature_verify_hint(pr,
		                                        LASSO_PROFILE_SIGNATURE_VERIFY_HINT_IGNORE);
	}
	int rc = lasso_login_process_authn_request_msg(l->login, (char *)msg);
	*why = "the AuthnRequest was refused (bad signature or not a valid request)";
	if (rc != 0)
		return saml_lasso_err(rc);
	*why = "the AuthnRequest is not from the service provider its Issuer names";
	if (!pr->remote_providerID || strcmp(pr->remote_providerID, sp->entity_id) != 0 ||
	    !LASSO_IS_SAMLP2_AUTHN_REQUEST(pr->request))
		return GCAS_ERR_INVALID;
	LassoSamlp2AuthnRequest *rq = LASSO_SAMLP2_AUTHN_REQUEST(pr->request);
	LassoSamlp2RequestAbstract *ra = LASSO_SAMLP2_REQUEST_ABSTRACT(rq);
	info->id = dup_or_null(a, ra->ID);
	info->issuer = dup_or_null(a, pr->remote_providerID);
	info->acs_url = dup_or_null(a, rq->AssertionConsumerServiceURL);
	info->force_authn = rq->ForceAuthn ? 1 : 0;
	info->is_passive = rq->IsPassive ? 1 : 0;
	/* saml-core §3.4.1.1: a Format this IdP cannot issue is InvalidNameIDPolicy; §3.2.2.2:
	 * a Version it does not speak is VersionMismatch. */
	const char *fmt = rq->NameIDPolicy ? rq->NameIDPolicy->Format : NULL;
	if (fmt && strcmp(fmt, SAML_NAMEID_EMAIL) && strcmp(fmt, SAML_NAMEID_PERSISTENT) &&
	    strcmp(fmt, SAML_NAMEID_TRANSIENT) &&
	    strcmp(fmt, "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"))
		info->unanswerable = SAML_STATUS_INVALID_NAMEID;
	if (!ra->Version || strcmp(ra->Version, "2.0") != 0)
		info->unanswerable = SAML_STATUS_VERSION_MISMATCH;
	if (rq->NameIDPolicy && rq->NameIDPolicy->Format)
		info->nameid_format = dup_or_null(a, rq->NameIDPolicy->Format);
	if (!ra->IssueInstant || saml_time_parse(ra->IssueInstant, &info->issue_instant))
		info->issue_instant = 0;
	/* saml-core §3.2.1: a Destination names where the request was sent, and a request sent
	 * elsewhere is discarded; bindings §3.4.5.2 and §3.5.5.2: a signed request carries one
	 * (or a signed request for another IdP could be replayed here). */
	*why = "the AuthnRequest's Destination is not this identity provider's SSO endpoint";
	if (ra->Destination && (!idp->sso_url || strcmp(ra->Destination, idp->sso_url) != 0))
		return GCAS_ERR_INVALID;
	*why = "the AuthnRequest is signed but names no Destination";
	if (has_sig && !ra->Destination)
		return GCAS_ERR_INVALID;
	*why = "the AuthnRequest has no ID";
	if (!info->id || !*info->id || strlen(info->id) > 256)
		return GCAS_ERR_INVALID;
	*why = "the AssertionConsumerServiceURL is not in the service provider's metadata";
	if (info->acs_url && !acs_known(l, info->acs_url))
		return GCAS_ERR_INVALID;
	*why = "the AuthnRequest asks for a binding other than HTTP-POST";
	if (rq->ProtocolBinding && strcmp(rq->ProtocolBinding, SAML_BIND_POST_URN) != 0)
		return GCAS_ERR_INVALID;
	if (info->nameid_format && strcmp(info->nameid_format, SAML_NAMEID_EMAIL) == 0)
		l->nameid_format = SAML_NAMEID_EMAIL;
	else if (info->nameid_format && strcmp(info->nameid_format, SAML_NAMEID_PERSISTENT) == 0)
		l->nameid_format = SAML_NAMEID_PERSISTENT;
	else if (info->nameid_format && strcmp(info->nameid_format, SAML_NAMEID_TRANSIENT) == 0)
		l->nameid_format = SAML_NAMEID_TRANSIENT;
	*why = NULL;
	*out = l;
	return GCAS_OK;
}

enum gcas_err saml_login_begin_idp(struct arena *a, const struct saml_idp *idp,
                                   const struct saml_sp_ref *sp, const char *nameid_format,
                                   struct saml_login **out)
{
	struct saml_login *l;
	*out = NULL;
	enum gcas_err e = login_new(a, idp, sp, &l);
	if (e)
		return e;
	if (nameid_format)
		l->nameid_format = strcmp(nameid_format, SAML_NAMEID_EMAIL) == 0
		                       ? SAML_NAMEID_EMAIL
		                       : SAML_NAMEID_PERSISTENT;
	if (lasso_login_init_idp_initiated_authn_request(l->login, (char *)sp->entity_id) != 0)
		return GCAS_ERR_INVALID;
	LassoSamlp2AuthnRequest *rq = LASSO_SAMLP2_AUTHN_REQUEST(LASSO_PROFILE(l->login)->request);
	set_str(&rq->NameIDPolicy->Format, SAML_NAMEID_PERSISTENT);
	rq->NameIDPolicy->AllowCreate = TRUE;
	set_str(&rq->ProtocolBinding, SAML_BIND_POST_URN);
	if (lasso_login_process_authn_request_msg(l->login, NULL) != 0)
		return GCAS_ERR_INVALID;
	*out = l;
	return GCAS_OK;
}

static LassoNode *text_value(const char *v)
{
	LassoSaml2AttributeValue *av = lasso_saml2_attribute_value_new();
	LassoMiscTextNode *t = lasso_misc_text_node_new_with_string(v);
	t->text_child = TRUE; /* a text child, not an element named after it */
	av->any = g_list_append(NULL, t);
	return LASSO_NODE(av);
}

static void add_attributes(LassoSaml2Assertion *as, const struct saml_subject *s)
{
	if (!s->nattrs)
		return;
	LassoSaml2AttributeStatement *st =
	    LASSO_SAML2_ATTRIBUTE_STATEMENT(lasso_saml2_attribute_statement_new());
	for (size_t i = 0; i < s->nattrs; i++) {
		const struct saml_attr *sa = &s->attrs[i];
		LassoSaml2Attribute *at = LASSO_SAML2_ATTRIBUTE(lasso_saml2_attribute_new());
		set_str(&at->Name, sa->name);
		set_str(&at->NameFormat, sa->format ? sa->format : SAML_ATTR_BASIC);
		for (size_t k = 0; k < sa->nvalues; k++)
			at->AttributeValue =
			    g_list_append(at->AttributeValue, text_value(sa->values[k]));
		st->Attribute = g_list_append(st->Attribute, at);
	}
	as->AttributeStatement = g_list_append(as->AttributeStatement, st);
}

/* The NameID the caller chose (saml-core §8.3.7 persistent: the account id, opaque and stable
 * per person; §8.3.2 emailAddress when the SP asks), in the subject and its confirmation. */
static enum gcas_err set_subject(struct saml_login *l, LassoSaml2Assertion *as,
                                 const struct saml_subject *s, const char *not_after)
{
	int email = strcmp(l->nameid_format, SAML_NAMEID_EMAIL) == 0;
	const char *v = email ? s->email : s->account_id;
	/* saml-core §8.3.8: a transient identifier is opaque and used once. */
	char once[34] = "_";
	if (strcmp(l->nameid_format, SAML_NAMEID_TRANSIENT) == 0) {
		if (rand_id(once + 1))
			return GCAS_ERR_CRYPTO;
		v = once;
	}
	if (!v || !*v || !as->Subject)
		return GCAS_ERR_INVALID;
	LassoSaml2NameID *nid = as->Subject->NameID;
	if (!nid) {
		nid = LASSO_SAML2_NAME_ID(lasso_saml2_name_id_new());
		as->Subject->NameID = nid;
	}
	set_str(&nid->content, v);
	set_str(&nid->Format, l->nameid_format);
	LassoSaml2SubjectConfirmation *sc = as->Subject->SubjectConfirmation;
	if (!sc || !sc->SubjectConfirmationData)
		return GCAS_ERR_INTERNAL;
	/* saml-profiles §4.1.4.2: bearer confirmation with NotOnOrAfter; Lasso adds Recipient
	 * (the ACS URL) and InResponseTo when it builds the Response. */
	set_str(&sc->SubjectConfirmationData->NotOnOrAfter, not_after);
	return GCAS_OK;
}

/* ---- enveloped signatures (xmldsig-core1 §3.1, saml-core §5.4) ---- */

#define DS_NS      "http://www.w3.org/2000/09/xmldsig#"
#define EXC_C14N   "http://www.w3.org/2001/10/xml-exc-c14n#"
#define SAMLP_NS   "urn:oasis:names:tc:SAML:2.0:protocol"
#define SAML_NS    "urn:oasis:names:tc:SAML:2.0:assertion"
#define SHA256_LEN 32

/* SignedInfo as exclusive C14N renders it (xml-exc-c14n §3: empty elements as start and end
 * tags, attributes in document order as there is one each, no whitespace), so the octets
 * signed are the octets written: saml-core §5.4.1 (one Reference to the element's ID), §5.4.3
 * (exclusive C14N), §5.4.4 (enveloped-signature then exclusive C14N, no other transforms).
 * Pieces: the start tag (with xmlns:ds as C14N puts it; in the document, Signature declares
 * it), up to the ID, up to the digest, the rest. */
#define SI_OPEN_C14N "<ds:SignedInfo xmlns:ds=\"" DS_NS "\">"
#define SIG_OPEN     "<ds:Signature xmlns:ds=\"" DS_NS "\"><ds:SignedInfo>"
#define SI_TO_ID                                                                                   \
	"<ds:CanonicalizationMethod Algorithm=\"" EXC_C14N "\"></ds:CanonicalizationMethod>"       \
	"<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\">"     \
	"</ds:SignatureMethod><ds:Reference URI=\"#"
#define SI_TO_DIGEST                                                                               \
	"\"><ds:Transforms><ds:Transform Algorithm=\"" DS_NS                                       \
	"enveloped-signature\"></ds:Transform>"                                                    \
	"<ds:Transform Algorithm=\"" EXC_C14N "\"></ds:Transform></ds:Transforms>"                 \
	"<ds:DigestMethod "                                                                        \
	"Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"></ds:DigestMethod>"                 \
	"<ds:DigestValue>"
#define SI_END "</ds:DigestValue></ds:Reference></ds:SignedInfo>"
/* KeyInfo names the certificate (what most SPs expect to find; verifiers use the one in our
 * metadata). */
#define SV_OPEN   "<ds:SignatureValue>"
#define SV_TO_CRT "</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
#define SIG_END   "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"

/* The concatenation of the strings in parts (NULL-terminated), in a: cheaper than a printf at
 * these sizes, which shows at a few thousand responses a second. */
static char *cat(struct arena *a, const char *const *parts)
{
	size_t n = 0;
	for (size_t i = 0; parts[i]; i++)
		n += strlen(parts[i]);
	char *out = arena_alloc(a, n + 1), *p = out;
	for (size_t i = 0; out && parts[i]; i++) {
		size_t k = strlen(parts[i]);
		memcpy(p, parts[i], k);
		p += k;
	}
	if (out)
		*p = '\0';
	return out;
}

static int is_el(xmlNodePtr n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->name, name) == 0 &&
	       strcmp((const char *)n->ns->href, ns) == 0;
}

static xmlNodePtr first_el(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

/* What a same-document reference to el selects (xmldsig-core1 §4.4.3.3: the element and its
 * descendants, comments dropped by the C14N that follows), for xmlC14NExecute: namespace and
 * attribute nodes by their element. */
static int in_subtree(void *el, xmlNodePtr node, xmlNodePtr parent)
{
	xmlNodePtr n = node && node->type != XML_NAMESPACE_DECL ? node : parent;
	for (; n; n = n->parent)
		if (n == (xmlNodePtr)el)
			return 1;
	return 0;
}

static int md_write(void *ctx, const char *buf, int len)
{
	return EVP_DigestUpdate(ctx, buf, (size_t)len) == 1 ? len : -1;
}

/* SHA-256 of the exclusive C14N (without comments, no inclusive prefixes) of el's subtree,
 * streamed into the digest; el holds no Signature yet, which is what the enveloped-signature
 * transform would leave of it once it does. */
static int c14n_digest(const struct idp_signer *sg, xmlNodePtr el, unsigned char *out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok = md && EVP_DigestInit_ex(md, sg->sha256, NULL) == 1;
	xmlOutputBufferPtr ob = ok ? xmlOutputBufferCreateIO(md_write, NULL, md, NULL) : NULL;
	ok =
	    ob && xmlC14NExecute(el->doc, in_subtree, el, XML_C14N_EXCLUSIVE_1_0, NULL, 0, ob) >= 0;
	if (ob && xmlOutputBufferClose(ob) < 0)
		ok = 0;
	ok = ok && EVP_DigestFinal_ex(md, out, &n) == 1 && n == SHA256_LEN;
	EVP_MD_CTX_free(md);
	return ok;
}

/* An ID usable in URI="#..." as written (Lasso's are "_" and hex): no escaping needed. */
static int id_plain(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	return n > 0 && n < 128 &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* The ds:Signature (text) for el, whose first child element is its Issuer: digest of el,
 * SignedInfo, RSA. *issuer_out is that Issuer, after which saml-core §5.4.1 / the schema put the
 * signature. */
static enum gcas_err sign_element(const struct saml_login *l, xmlNodePtr el, xmlNodePtr *issuer_out,
                                  const char **out)
{
	const struct idp_signer *sg = l->signer;
	xmlNodePtr issuer = first_el(el->children);
	xmlChar *id = xmlGetProp(el, BAD_CAST "ID");
	unsigned char dg[SHA256_LEN], h[SHA256_LEN], sig[1024];
	char dg_b64[64], sig_b64[1400];
	size_t sl = sizeof(sig);
	enum gcas_err e = GCAS_ERR_INTERNAL;
	/* Exactly one signature each: one already there means Lasso signed after all. */
	xmlNodePtr next = issuer ? first_el(issuer->next) : NULL;
	if (!is_el(issuer, SAML_NS, "Issuer") || is_el(next, DS_NS, "Signature") ||
	    !id_plain((const char *)id))
		goto out;
	e = GCAS_ERR_CRYPTO;
	if (!c14n_digest(sg, el, dg))
		goto out;
	b64_encode(dg_b64, dg, sizeof(dg));
	const char *ids = (const char *)id;
	const char *const si[] = {SI_OPEN_C14N, SI_TO_ID, ids, SI_TO_DIGEST, dg_b64, SI_END, NULL};
	const char *canon = cat(l->a, si);
	e = GCAS_ERR_NOMEM;
	if (!canon)
		goto out;
	e = GCAS_ERR_CRYPTO;
	if (EVP_Digest(canon, strlen(canon), h, NULL, sg->sha256, NULL) != 1 ||
	    EVP_PKEY_sign(sg->ctx, sig, &sl, h, sizeof(h)) != 1 || b64_len(sl) >= sizeof(sig_b64))
		goto out;
	b64_encode(sig_b64, sig, sl);
	const char *const parts[] = {SIG_OPEN, SI_TO_ID, ids,       SI_TO_DIGEST, dg_b64,  SI_END,
	                             SV_OPEN,  sig_b64,  SV_TO_CRT, sg->cert_b64, SIG_END, NULL};
	*out = cat(l->a, parts);
	*issuer_out = issuer;
	e = *out ? GCAS_OK : GCAS_ERR_NOMEM;
out:
	xmlFree(id);
	return e;
}

/* Put the signature text xml into the tree after issuer. */
static enum gcas_err sig_insert(xmlNodePtr issuer, const char *xml)
{
	xmlNodePtr lst = NULL;
	if (xmlParseInNodeContext(issuer->parent, xml, (int)strlen(xml),
	                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING,
	                          &lst) != XML_ERR_OK ||
	    !lst || !xmlAddNextSibling(issuer, lst)) {
		xmlFreeNodeList(lst);
		return GCAS_ERR_INTERNAL;
	}
	return GCAS_OK;
}

static void doc_free(void *p)
{
	xmlFreeDoc(p);
}

/* Lasso's unsigned Response (base64) signed: the assertion first, then the Response over it
 * (saml-profiles §4.1.3.5), serialized once and base64-encoded into *out. */
static enum gcas_err sign_response(const struct saml_login *l, const char *b64, int with_assertion,
                                   const char **out)
{
	size_t bl = strlen(b64);
	char *raw = arena_alloc(l->a, bl);
	long n = raw ? b64_decode(raw, bl, b64, bl) : -1;
	if (n <= 0)
		return raw ? GCAS_ERR_INTERNAL : GCAS_ERR_NOMEM;
	xmlDocPtr doc = xmlReadMemory(raw, (int)n, "response.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return GCAS_ERR_INTERNAL;
	if (arena_defer(l->a, doc_free, doc)) {
		xmlFreeDoc(doc);
		return GCAS_ERR_NOMEM;
	}
	xmlNodePtr resp = xmlDocGetRootElement(doc), as = NULL;
	if (!is_el(resp, SAMLP_NS, "Response"))
		return GCAS_ERR_INTERNAL;
	for (xmlNodePtr c = first_el(resp->children); c && !as; c = first_el(c->next))
		if (is_el(c, SAML_NS, "Assertion"))
			as = c;
	/* The assertion's signature goes into the tree: the Response's digest covers it. A
	 * Response with an error status carries none (saml_login_refuse). */
	xmlNodePtr issuer;
	const char *sig_as, *sig_resp;
	if ((as != NULL) != (with_assertion != 0))
		return GCAS_ERR_INTERNAL;
	enum gcas_err e;
	if (as && ((e = sign_element(l, as, &issuer, &sig_as)) || (e = sig_insert(issuer, sig_as))))
		return e;
	if ((e = sign_element(l, resp, &issuer, &sig_resp)))
		return e;
	xmlBufferPtr xb = xmlBufferCreate();
	if (!xb)
		return GCAS_ERR_NOMEM;
	/* The Response's signature is spliced into the text instead: right after the end tag of
	 * its Issuer, the first end tag in the document (an end tag cannot occur earlier: the
	 * start tags before it hold only attributes, and "<" in a value is escaped). */
	e = GCAS_ERR_INTERNAL;
	int len = xmlNodeDump(xb, doc, resp, 0, 0);
	const char *x = len > 0 ? (const char *)xmlBufferContent(xb) : NULL;
	const char *end = x ? strstr(x, "</") : NULL;
	const char *tag = issuer->ns->prefix
	                      ? arena_printf(l->a, "</%s:Issuer>", (const char *)issuer->ns->prefix)
	                      : "</Issuer>";
	size_t at =
	    end && tag && strncmp(end, tag, strlen(tag)) == 0 ? (size_t)(end - x) + strlen(tag) : 0;
	size_t sl = strlen(sig_resp), total = (size_t)len + sl;
	char *whole = at ? arena_alloc(l->a, total) : NULL;
	char *enc = whole ? arena_alloc(l->a, b64_len(total) + 1) : NULL;
	if (enc) {
		memcpy(whole, x, at);
		memcpy(whole + at, sig_resp, sl);
		memcpy(whole + at + sl, x + at, (size_t)len - at);
		b64_encode(enc, whole, total);
		*out = enc;
		e = GCAS_OK;
	} else if (at) {
		e = GCAS_ERR_NOMEM;
	}
	xmlBufferFree(xb);
	return e;
}

enum gcas_err saml_login_respond(struct saml_login *l, const struct saml_subject *s, int64_t now,
                                 int64_t ttl, struct saml_post *out)
{
	char t_now[32], t_before[32], t_after[32], t_authn[32];
	*out = (struct saml_post){0};
	clock_fmt_utc(t_now, now);
	clock_fmt_utc(t_before, now - SAML_CLOCK_SKEW);
	clock_fmt_utc(t_after, now + (ttl > 0 ? ttl : 300));
	clock_fmt_utc(t_authn, s->authn_at ? s->authn_at : now);
	if (lasso_login_validate_request_msg(l->login, TRUE, TRUE) != 0)
		return GCAS_ERR_INVALID;
	if (lasso_login_build_assertion(l->login,
	                                LASSO_SAML2_AUTHN_CONTEXT_PASSWORD_PROTECTED_TRANSPORT,
	                                t_authn, NULL, t_before, t_after) != 0)
		return GCAS_ERR_CRYPTO;
	LassoNode *node = lasso_login_get_assertion(l->login);
	if (!node || !LASSO_IS_SAML2_ASSERTION(node)) {
		if (node)
			g_object_unref(node);
		return GCAS_ERR_INTERNAL;
	}
	LassoSaml2Assertion *as = LASSO_SAML2_ASSERTION(node);
	set_str(&as->IssueInstant, t_now);
	/* Lasso set the assertion up to be signed by xmlsec when it is written out: the key sits
	 * in the node's private data (qdata "lasso_custom_element", what the unexported
	 * lasso_node_remove_signature clears in Lasso 2.8), the legacy fields beside it. Both go:
	 * the assertion is signed by sign_response instead (saml-profiles §4.1.3.5 still holds;
	 * sign_response refuses a document Lasso signed after all). */
	g_object_set_qdata(G_OBJECT(as), g_quark_from_static_string("lasso_custom_element"), NULL);
	as->sign_type = LASSO_SIGNATURE_TYPE_NONE;
	set_str(&as->private_key_file, NULL);
	set_str(&as->certificate_file, NULL);
	enum gcas_err e = set_subject(l, as, s, t_after);
	if (!e)
		add_attributes(as, s);
	g_object_unref(node);
	if (e)
		return e;
	if (lasso_login_build_authn_response_msg(l->login) != 0)
		return GCAS_ERR_CRYPTO;
	LassoProfile *pr = LASSO_PROFILE(l->login);
	/* The URL Lasso picked must be one of the metadata's endpoints (it is: defence in depth
	 * against a Lasso that would take the request's word for it). */
	if (!pr->msg_url || !pr->msg_body || !acs_known(l, pr->msg_url))
		return GCAS_ERR_INVALID;
	if ((e = sign_response(l, pr->msg_body, 1, &out->response_b64)))
		return e;
	out->acs_url = pr->msg_url;
	if (LASSO_IS_SAMLP2_STATUS_RESPONSE(pr->response))
		out->response_id = LASSO_SAMLP2_STATUS_RESPONSE(pr->response)->ID;
	return GCAS_OK;
}

enum gcas_err saml_login_refuse(struct saml_login *l, const char *status, struct saml_post *out)
{
	*out = (struct saml_post){0};
	LassoProfile *pr = LASSO_PROFILE(l->login);
	/* Lasso sets up the refusal (Responder, RequestDenied) for a sign-in that did not
	 * happen; its codes are then made the ones that say why. */
	lasso_login_validate_request_msg(l->login, FALSE, TRUE);
	if (!LASSO_IS_SAMLP2_STATUS_RESPONSE(pr->response))
		return GCAS_ERR_INTERNAL;
	LassoSamlp2Status *st = LASSO_SAMLP2_STATUS_RESPONSE(pr->response)->Status;
	if (!st || !st->StatusCode)
		return GCAS_ERR_INTERNAL;
	LassoSamlp2StatusCode *top = st->StatusCode;
	int version = strcmp(status, SAML_STATUS_VERSION_MISMATCH) == 0;
	set_str(&top->Value, version ? status : LASSO_SAML2_STATUS_CODE_RESPONDER);
	if (version) {
		if (top->StatusCode)
			g_object_unref(top->StatusCode);
		top->StatusCode = NULL;
	} else {
		if (!top->StatusCode)
			top->StatusCode = LASSO_SAMLP2_STATUS_CODE(lasso_samlp2_status_code_new());
		set_str(&top->StatusCode->Value, status);
	}
	if (lasso_login_build_authn_response_msg(l->login) != 0)
		return GCAS_ERR_CRYPTO;
	if (!pr->msg_url || !pr->msg_body || !acs_known(l, pr->msg_url))
		return GCAS_ERR_INVALID;
	enum gcas_err e = sign_response(l, pr->msg_body, 0, &out->response_b64);
	if (e)
		return e;
	out->acs_url = pr->msg_url;
	out->response_id = LASSO_SAMLP2_STATUS_RESPONSE(pr->response)->ID;
	return GCAS_OK;
}
