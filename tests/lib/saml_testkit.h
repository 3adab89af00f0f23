/* SPDX-License-Identifier: MIT */
/* SAML test kit (header-only, for the SAML unit and web tests): RSA keys with self-signed
 * certificates made by OpenSSL, a third-party-style service provider driven through Lasso's
 * own API (it signs its AuthnRequests and knows nothing of gcas's code), XPath look-ups, and a
 * signature check with xmlsec's API that shares nothing with the code under test but the
 * library. */
#ifndef GCAS_TESTS_SAML_TESTKIT_H
#define GCAS_TESTS_SAML_TESTKIT_H

#include <lasso/lasso.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include "base/codec.h"

struct tk_key {
	char key_pem[4096];
	char cert_pem[4096];
};

static int tk_bio_str(BIO *b, char *out, size_t cap)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	if (n <= 0 || (size_t)n >= cap)
		return -1;
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	return 0;
}

/* A fresh RSA-2048 key and a self-signed SHA-256 certificate for CN=cn. 0 or -1. */
static int tk_key_new(struct tk_key *k, const char *cn)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	BIO *bk = BIO_new(BIO_s_mem()), *bc = BIO_new(BIO_s_mem());
	int rc = -1;
	if (!pk || !x || !bk || !bc)
		goto out;
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650);
	X509_set_pubkey(x, pk);
	X509_NAME *nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, nm);
	if (!X509_sign(x, pk, EVP_sha256()) ||
	    !PEM_write_bio_PrivateKey(bk, pk, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(bc, x))
		goto out;
	rc = tk_bio_str(bk, k->key_pem, sizeof(k->key_pem)) |
	     tk_bio_str(bc, k->cert_pem, sizeof(k->cert_pem));
out:
	BIO_free(bk);
	BIO_free(bc);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

/* The base64 body of a PEM certificate (static buffer). */
static const char *tk_cert_b64(const char *pem)
{
	static char out[4096];
	const char *s = strstr(pem, "-----\n") + 6, *e = strstr(s, "-----END");
	size_t k = 0;
	for (const char *p = s; p < e && k + 1 < sizeof(out); p++)
		if (*p != '\n')
			out[k++] = *p;
	out[k] = '\0';
	return out;
}

/* A service provider as a third party would run it: Lasso's documented API only. */
struct tk_sp {
	char entity_id[256], acs[256];
	struct tk_key key;
	char metadata[16384];
	LassoServer *srv;
};

/* Metadata of an SP that signs requests and wants signed assertions; email = 1: its first
 * NameIDFormat is emailAddress. */
static int tk_sp_init(struct tk_sp *sp, const char *entity_id, const char *acs, int email)
{
	snprintf(sp->entity_id, sizeof(sp->entity_id), "%s", entity_id);
	snprintf(sp->acs, sizeof(sp->acs), "%s", acs);
	if (tk_key_new(&sp->key, "test-sp"))
		return -1;
	int n = snprintf(
	    sp->metadata, sizeof(sp->metadata),
	    "<?xml version=\"1.0\"?>\n<md:EntityDescriptor "
	    "xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
	    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"%s\">"
	    "<md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\" "
	    "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
	    "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s"
	    "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
	    "<md:NameIDFormat>urn:oasis:names:tc:SAML:%s</md:NameIDFormat>"
	    "<md:AssertionConsumerService index=\"0\" isDefault=\"true\" "
	    "Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"%s\"/>"
	    "</md:SPSSODescriptor></md:EntityDescriptor>\n",
	    entity_id, tk_cert_b64(sp->key.cert_pem),
	    email ? "1.1:nameid-format:emailAddress" : "2.0:nameid-format:persistent", acs);
	return n > 0 && (size_t)n < sizeof(sp->metadata) ? 0 : -1;
}

/* Trust the IdP of idp_metadata (call once the IdP's metadata is known; Lasso initialised by
 * the caller, once: saml_init). */
static int tk_sp_trust(struct tk_sp *sp, const char *idp_metadata)
{
	/* No certificate for Lasso (its signatures carry the key value instead): loading one
	 * from memory leaks in xmlsec 1.2.37, and verifiers use the metadata's anyway. */
	sp->srv = lasso_server_new_from_buffers(sp->metadata, sp->key.key_pem, NULL, NULL);
	if (!sp->srv)
		return -1;
	sp->srv->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
	return lasso_server_add_provider_from_buffer(sp->srv, LASSO_PROVIDER_ROLE_IDP, idp_metadata,
	                                             NULL, NULL);
}

/* When set, the next requests carry ForceAuthn="true" / IsPassive="true" (saml-core
 * §3.4.1). */
static int tk_force_authn, tk_is_passive;

/* A signed AuthnRequest for idp_entity. post = 0: *out is the Redirect URL's query string
 * (what follows '?'); post = 1: the base64 SAMLRequest. acs: the AssertionConsumerServiceURL
 * to ask for (NULL: none); issue_instant: overrides Lasso's (NULL: keep); id_out: the
 * request's ID. Strings malloc'd. 0 or -1. */
static int tk_sp_request(struct tk_sp *sp, const char *idp_entity, int post, const char *acs,
                         const char *issue_instant, const char *nameid_format, char **out,
                         char **id_out)
{
	LassoLogin *l = lasso_login_new(sp->srv);
	int rc = lasso_login_init_authn_request(
	    l, (char *)idp_entity, post ? LASSO_HTTP_METHOD_POST : LASSO_HTTP_METHOD_REDIRECT);
	if (rc) {
		g_object_unref(l);
		return -1;
	}
	LassoSamlp2AuthnRequest *rq = LASSO_SAMLP2_AUTHN_REQUEST(LASSO_PROFILE(l)->request);
	g_free(rq->NameIDPolicy->Format);
	rq->NameIDPolicy->Format = g_strdup(
	    nameid_format ? nameid_format : "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
	rq->NameIDPolicy->AllowCreate = TRUE;
	rq->ProtocolBinding = g_strdup("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
	if (acs)
		rq->AssertionConsumerServiceURL = g_strdup(acs);
	rq->ForceAuthn = tk_force_authn ? TRUE : FALSE;
	rq->IsPassive = tk_is_passive ? TRUE : FALSE;
	if (issue_instant) {
		g_free(LASSO_SAMLP2_REQUEST_ABSTRACT(rq)->IssueInstant);
		LASSO_SAMLP2_REQUEST_ABSTRACT(rq)->IssueInstant = g_strdup(issue_instant);
	}
	LASSO_PROFILE(l)->msg_relayState = g_strdup("state-42");
	rc = lasso_login_build_authn_request_msg(l);
	if (!rc) {
		const char *m = LASSO_PROFILE(l)->msg_url;
		*out = strdup(post ? LASSO_PROFILE(l)->msg_body : strchr(m, '?') + 1);
		*id_out = strdup(LASSO_SAMLP2_REQUEST_ABSTRACT(rq)->ID);
	}
	g_object_unref(l);
	return rc ? -1 : 0;
}

/* Lasso, as the SP, accepts the Response (signature, conditions as Lasso sees them). */
static int tk_sp_accepts(struct tk_sp *sp, const char *b64)
{
	LassoLogin *l = lasso_login_new(sp->srv);
	int rc = lasso_login_process_authn_response_msg(l, (char *)b64);
	if (!rc)
		rc = lasso_login_accept_sso(l);
	g_object_unref(l);
	return rc;
}

/* ---- XML inspection ---- */

/* Base64 to a NUL-terminated malloc'd string. */
static char *tk_b64_text(const char *b64)
{
	size_t n = strlen(b64);
	char *out = malloc(n + 1);
	long k = out ? b64_decode(out, n, b64, n) : -1;
	if (k < 0) {
		free(out);
		return NULL;
	}
	out[k] = '\0';
	return out;
}

static xmlDocPtr tk_parse(const char *xml)
{
	return xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL, XML_PARSE_NONET);
}

/* The string value of an XPath over doc (prefixes samlp, saml, md, ds), malloc'd or NULL. */
static char *tk_xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(x, BAD_CAST "samlp", BAD_CAST "urn:oasis:names:tc:SAML:2.0:protocol");
	xmlXPathRegisterNs(x, BAD_CAST "saml", BAD_CAST "urn:oasis:names:tc:SAML:2.0:assertion");
	xmlXPathRegisterNs(x, BAD_CAST "md", BAD_CAST "urn:oasis:names:tc:SAML:2.0:metadata");
	xmlXPathRegisterNs(x, BAD_CAST "ds", BAD_CAST "http://www.w3.org/2000/09/xmldsig#");
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, x);
	char *out = NULL;
	if (r) {
		xmlChar *s = xmlXPathCastToString(r);
		if (s && *s)
			out = strdup((const char *)s);
		xmlFree(s);
		xmlXPathFreeObject(r);
	}
	xmlXPathFreeContext(x);
	return out;
}

/* Declare every ID attribute (SAML's signatures reference elements by ID). */
static void tk_mark_ids(xmlDocPtr doc, xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlAttrPtr a = xmlHasProp(n, BAD_CAST "ID");
		if (a) {
			xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
			if (v && !xmlGetID(doc, v))
				xmlAddID(NULL, doc, v, a);
			xmlFree(v);
		}
		tk_mark_ids(doc, n->children);
	}
}

/* Verify the ds:Signature that is a direct child of the element at parent_xpath with the
 * certificate cert_pem, using xmlsec's API directly. 1 verified, 0 not. */
static int tk_xmlsec_verify(const char *xml, const char *parent_xpath, const char *cert_pem)
{
	xmlDocPtr doc = tk_parse(xml);
	if (!doc)
		return 0;
	tk_mark_ids(doc, xmlDocGetRootElement(doc));
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(x, BAD_CAST "samlp", BAD_CAST "urn:oasis:names:tc:SAML:2.0:protocol");
	xmlXPathRegisterNs(x, BAD_CAST "saml", BAD_CAST "urn:oasis:names:tc:SAML:2.0:assertion");
	xmlXPathRegisterNs(x, BAD_CAST "ds", BAD_CAST "http://www.w3.org/2000/09/xmldsig#");
	char expr[256];
	snprintf(expr, sizeof(expr), "%s/ds:Signature", parent_xpath);
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, x);
	int okv = 0;
	if (r && r->nodesetval && r->nodesetval->nodeNr == 1) {
		xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
		ctx->signKey =
		    xmlSecCryptoAppKeyLoadMemory((const xmlSecByte *)cert_pem, strlen(cert_pem),
		                                 xmlSecKeyDataFormatCertPem, NULL, NULL, NULL);
		if (ctx->signKey && xmlSecDSigCtxVerify(ctx, r->nodesetval->nodeTab[0]) == 0)
			okv = ctx->status == xmlSecDSigStatusSucceeded;
		xmlSecDSigCtxDestroy(ctx);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	return okv;
}

#endif
