/* SPDX-License-Identifier: MIT */
/* The Lasso boundary (issue 4 §4): everything SAML 2.0 that touches Lasso, libxml2 or xmlsec
 * lives behind this header. The identity provider side (metadata, Web Browser SSO responses for
 * SP-initiated and IdP-initiated sign-in, saml-profiles-2.0-os §4.1) and the service provider
 * side used by the local cloud's console. Nothing here reads the database: callers pass the
 * keys, the metadata and the person. Inbound messages pass saml_msg_decode first (size caps,
 * no DOCTYPE) before Lasso sees them. Thread-safe: Lasso servers are cached per thread. */
#ifndef GCAS_SSO_SAML_H
#define GCAS_SSO_SAML_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

/* An inbound message may be at most this big, base64-decoded and again after inflating. */
#define SAML_MSG_MAX (64u * 1024u)
/* IssueInstant and NotBefore may be off by this much (clocks drift; saml-profiles §4.1.4.2
 * leaves the allowance to the deployment). */
#define SAML_CLOCK_SKEW 180
/* saml-bindings §3.4.3 limits RelayState to 80 bytes for senders; receivers are lenient. */
#define SAML_RELAY_MAX 1024

#define SAML_NAMEID_PERSISTENT "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
#define SAML_NAMEID_EMAIL      "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
#define SAML_NAMEID_TRANSIENT  "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
#define SAML_ATTR_BASIC        "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
#define SAML_ATTR_URI          "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
#define SAML_BIND_REDIRECT_URN "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
#define SAML_BIND_POST_URN     "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"

enum saml_binding { SAML_BIND_REDIRECT, SAML_BIND_POST, SAML_BIND__MAX };
const char *saml_binding_name(enum saml_binding b); /* "redirect", "post" */
int saml_binding_parse(const char *s);              /* -1 when unknown */

/* lasso_init() once per process (pthread_once); later calls return its result. Every other
 * function calls it, so callers need not. Errors: CRYPTO. */
enum gcas_err saml_init(void);

/* ---- inbound guard ---- */

/* Decode a SAMLRequest / SAMLResponse value (already URL- or form-decoded): base64, then for
 * the Redirect binding raw DEFLATE (saml-bindings §3.4.4.1). Refused with INVALID: bad base64,
 * bad DEFLATE, more than SAML_MSG_MAX bytes at either step, a NUL byte (UTF-16 and friends),
 * or a DOCTYPE / ENTITY declaration (SAML never has one: entity expansion and external
 * entities die here). *xml (NUL-terminated, in a) and *len are the document. why (static
 * English) may be NULL. */
enum gcas_err saml_msg_decode(struct arena *a, const char *value, enum saml_binding b, char **xml,
                              size_t *len, const char **why);
/* 1 when xml[0..len) holds a DTD or entity declaration or a NUL byte; 0 otherwise. */
int saml_xml_refused(const char *xml, size_t len);
/* xs:dateTime in UTC ("2026-11-26T11:48:00Z", fractions ignored) to epoch seconds. 0 or -1. */
int saml_time_parse(const char *s, int64_t *out);
/* What a decoded message says of itself before Lasso reads it (strings in a; NULL when
 * absent): the root's first Issuer child, its ID and AssertionConsumerServiceURL attributes.
 * Errors: INVALID (not XML, no Issuer). */
struct saml_msg_head {
	const char *issuer, *id, *acs_url;
};
enum gcas_err saml_msg_head(struct arena *a, const char *xml, size_t len,
                            struct saml_msg_head *out);

/* ---- metadata ---- */

/* The identity provider: who we are and the key that signs at this moment. */
struct saml_idp {
	const char *entity_id; /* base_url + "/saml/metadata" */
	const char *sso_url;   /* base_url + "/saml/sso" (both bindings) */
	const char *kid;       /* the signing key's id: part of the server cache key */
	const char *key_pem, *cert_pem;
	const char *const *certs; /* every published certificate (PEM), active first */
	size_t ncerts;
};
/* IdPSSODescriptor metadata (saml-metadata-2.0-os §2.4.3) with every published certificate as
 * a signing KeyDescriptor (key rollover: SPs trust the next key before it signs), both SSO
 * bindings, persistent and emailAddress NameID formats. In a; NULL on OOM or a bad PEM. */
char *saml_idp_metadata(struct arena *a, const struct saml_idp *idp);

/* What registration needs to know of an SP's metadata. */
struct saml_sp_meta {
	const char *entity_id;
	const char **acs; /* HTTP-POST AssertionConsumerService locations, in document order */
	size_t nacs;
	int wants_email; /* its first NameIDFormat is emailAddress */
	/* Its signing certificates (base64 DER, whitespace removed) and whether it promises to
	 * sign its AuthnRequests (AuthnRequestsSigned, saml-metadata §2.4.4). */
	const char **certs;
	size_t ncerts;
	int requests_signed;
};
/* Check an SP's metadata: a well-formed EntityDescriptor with an SPSSODescriptor and at least
 * one HTTP-POST AssertionConsumerService at an http(s) URL, accepted by Lasso as an SP. No
 * DOCTYPE, at most SAML_MSG_MAX bytes. INVALID with why (static English). */
enum gcas_err saml_sp_meta_check(struct arena *a, const char *xml, struct saml_sp_meta *out,
                                 const char **why);
/* Minimal SP metadata for a console whose driver gave only its entity id and ACS URL (an
 * SPSSODescriptor with one HTTP-POST ACS, unsigned requests). In a; NULL on OOM. */
char *saml_sp_meta_minimal(struct arena *a, const char *entity_id, const char *acs_url);

/* ---- the identity provider ---- */

/* An SP as the IdP sees it. key names this version of the SP for the per-thread cache of
 * Lasso servers: it must change whenever metadata does (e.g. "sp:<id>:<rev>"). */
struct saml_sp_ref {
	const char *key;
	const char *entity_id;
	const char *metadata;
};

/* What the AuthnRequest asked for (strings in the caller's arena). */
struct saml_authn_info {
	const char *id;            /* the request's ID (the Response's InResponseTo) */
	const char *issuer;        /* the SP's entity id */
	int64_t issue_instant;     /* 0 when unreadable */
	const char *acs_url;       /* AssertionConsumerServiceURL, NULL when not given */
	const char *nameid_format; /* NameIDPolicy Format, NULL when not given */
	int force_authn;           /* ForceAuthn="true": the person signs in afresh */
	int is_passive;            /* IsPassive="true": no page may be shown */
	/* Why it cannot be answered with an assertion (a second-level status, saml-core §3.2.2.2)
	 * though it is genuine, or NULL: a Version other than 2.0 (SAML_STATUS_VERSION_MISMATCH),
	 * a NameIDPolicy Format this IdP does not issue (InvalidNameIDPolicy). */
	const char *unanswerable;
};

struct saml_login; /* one sign-in being answered; released with the arena */

/* SP-initiated (saml-profiles §4.1.4.1): Lasso parses msg (Redirect: the raw query string,
 * whose signature it verifies when there is one; POST: the SAMLRequest value) against sp's
 * metadata. The ACS URL asked for (head->acs_url, from saml_msg_head, checked before Lasso
 * runs, and again as Lasso read it) must be one of the metadata's HTTP-POST endpoints.
 * Freshness and replay are the caller's (it has the clock and the store). Errors: INVALID
 * (malformed, wrong issuer, ACS URL not in the metadata: *why says which), AUTH (a signature
 * that does not verify, or none where the SP's metadata promises one), CRYPTO (the key, the
 * metadata), NOMEM. */
enum gcas_err saml_login_begin(struct arena *a, const struct saml_idp *idp,
                               const struct saml_sp_ref *sp, enum saml_binding b, const char *msg,
                               const struct saml_msg_head *head, struct saml_login **out,
                               struct saml_authn_info *info, const char **why);
/* IdP-initiated (unsolicited response, saml-profiles §4.1.5) to sp's default HTTP-POST ACS;
 * nameid_format NULL: persistent, or emailAddress when the SP's metadata asks for it. */
enum gcas_err saml_login_begin_idp(struct arena *a, const struct saml_idp *idp,
                                   const struct saml_sp_ref *sp, const char *nameid_format,
                                   struct saml_login **out);

struct saml_attr {
	const char *name, *format; /* format NULL: basic */
	const char *const *values;
	size_t nvalues;
};
struct saml_subject {
	const char *account_id; /* the persistent NameID (saml-core §8.3.7) */
	const char *email;      /* the emailAddress NameID when that format is asked for */
	int64_t authn_at;       /* when the person signed in (AuthnInstant) */
	const struct saml_attr *attrs;
	size_t nattrs;
};
/* The HTTP-POST binding's form (saml-bindings §3.5.4): where to post and what. */
struct saml_post {
	const char *acs_url;
	const char *response_b64; /* SAMLResponse */
	const char *response_id;
};
/* Build and sign the Response: one assertion for s with Audience = SP entity id, Recipient =
 * ACS URL, NotBefore = now - SAML_CLOCK_SKEW, NotOnOrAfter = now + ttl, InResponseTo when the
 * sign-in was SP-initiated, AuthnStatement and an AttributeStatement of s->attrs. Response
 * and assertion are each signed with RSA-SHA256 and SHA-256 digests. Errors: CRYPTO, NOMEM. */
enum gcas_err saml_login_respond(struct saml_login *l, const struct saml_subject *s, int64_t now,
                                 int64_t ttl, struct saml_post *out);

#define SAML_STATUS_VERSION_MISMATCH "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch"
#define SAML_STATUS_NO_PASSIVE       "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
#define SAML_STATUS_INVALID_NAMEID   "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy"
/* A Response that answers the request without an assertion (saml-core §3.2.2.2): status is
 * SAML_STATUS_VERSION_MISMATCH (a top-level code), or a second-level code under Responder
 * (NoPassive, InvalidNameIDPolicy). Signed like any Response. Errors: CRYPTO, NOMEM. */
enum gcas_err saml_login_refuse(struct saml_login *l, const char *status, struct saml_post *out);

/* ---- the service provider (the local cloud's console) ---- */

struct saml_sp_self {
	const char *entity_id, *acs_url; /* base_url + "/local-cloud/<id>/saml" and ".../acs" */
	const char *idp_entity_id;
	const char *idp_metadata; /* what saml_idp_metadata gives (every published cert) */
	const char *cache_key;    /* changes with the IdP's metadata (e.g. its certificates) */
	/* Lasso wants a key pair for an SP even when it signs nothing (requests go unsigned): the
	 * deployment's SAML key serves. */
	const char *key_pem, *cert_pem;
};
/* SPSSODescriptor metadata: unsigned requests, signed assertions wanted, one HTTP-POST ACS. */
char *saml_sp_self_metadata(struct arena *a, const struct saml_sp_self *sp);
/* An AuthnRequest to the IdP by the Redirect binding: *url (the IdP's SSO URL with SAMLRequest
 * and RelayState) and *request_id, in a. Errors: CRYPTO, NOMEM. */
enum gcas_err saml_sp_login_url(struct arena *a, const struct saml_sp_self *sp,
                                const char *relay_state, const char **url, const char **request_id);
/* What a validated Response said. */
struct saml_sp_result {
	const char *response_id, *assertion_id,
	    *in_response_to; /* in_response_to NULL: unsolicited */
	const char *name_id, *name_id_format;
	int64_t not_on_or_after; /* of the assertion: replay cache entries live this long */
	struct saml_attr *attrs;
	size_t nattrs;
};
/* Validate a SAMLResponse (HTTP-POST value): guard, then Lasso checks the signature against
 * the IdP's metadata; then here: status Success, issuer, a signed assertion, Audience = our
 * entity id, Recipient = our ACS URL, NotBefore - skew <= now < NotOnOrAfter (conditions and
 * subject confirmation). InResponseTo and replay are the caller's. Errors: INVALID (malformed,
 * a condition fails: *why), AUTH (signature), NOMEM. */
enum gcas_err saml_sp_accept(struct arena *a, const struct saml_sp_self *sp, const char *b64,
                             int64_t now, struct saml_sp_result *out, const char **why);
/* The first value of attribute name in r, or NULL. */
const char *saml_sp_attr(const struct saml_sp_result *r, const char *name);

/* Drop this thread's cached Lasso servers (tests; thread exit does it by itself). */
void saml_thread_cache_clear(void);

#endif
