/* SPDX-License-Identifier: MIT */
/* A real SAML service provider on Lasso, for the local cloud's console (issue 4 §4): it sends
 * AuthnRequests by the Redirect binding and validates Responses posted to its ACS — Lasso
 * checks the signature against our IdP's metadata, then this file checks what saml-profiles
 * §4.1.4.3 asks of an SP: issuer, status, a signed assertion, audience, recipient and times. */
#include <lasso/xml/misc_text_node.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/saml2_attribute.h>
#include <lasso/xml/saml-2.0/saml2_attribute_statement.h>
#include <lasso/xml/saml-2.0/saml2_attribute_value.h>
#include <lasso/xml/saml-2.0/saml2_audience_restriction.h>
#include <lasso/xml/saml-2.0/saml2_conditions.h>
#include <lasso/xml/saml-2.0/saml2_name_id.h>
#include <lasso/xml/saml-2.0/saml2_subject.h>
#include <lasso/xml/saml-2.0/saml2_subject_confirmation.h>
#include <lasso/xml/saml-2.0/saml2_subject_confirmation_data.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <lasso/xml/saml-2.0/samlp2_status.h>
#include <lasso/xml/saml-2.0/samlp2_status_code.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "sso/saml_internal.h"

#define SAML_NS_ASSERTION "urn:oasis:names:tc:SAML:2.0:assertion"
#define STATUS_SUCCESS    "urn:oasis:names:tc:SAML:2.0:status:Success"

struct sp_build {
	struct arena *a;
	const struct saml_sp_self *sp;
};

static enum gcas_err sp_build(void *ctx, struct saml_srv *out)
{
	struct sp_build *b = ctx;
	char *md = saml_sp_self_metadata(b->a, b->sp);
	if (!md || !b->sp->idp_metadata)
		return GCAS_ERR_NOMEM;
	/* The console's requests go unsigned (our IdP checks the ACS URL against this metadata
	 * instead); Lasso still wants a key to set up an SP. No certificate: loading one from
	 * memory leaks in xmlsec 1.2.37, and nothing here would show it. */
	LassoServer *srv = lasso_server_new_from_buffers(md, b->sp->key_pem, NULL, NULL);
	if (!srv)
		return GCAS_ERR_CRYPTO;
	if (lasso_server_add_provider_from_buffer(srv, LASSO_PROVIDER_ROLE_IDP, b->sp->idp_metadata,
	                                          NULL, NULL) != 0) {
		g_object_unref(srv);
		return GCAS_ERR_INVALID;
	}
	out->srv = srv;
	return GCAS_OK;
}

static void unref(void *p)
{
	g_object_unref(p);
}

/* A LassoLogin over this thread's server for sp, released with a. */
static enum gcas_err sp_login(struct arena *a, const struct saml_sp_self *sp, LassoLogin **out)
{
	enum gcas_err e = saml_init();
	if (e)
		return e;
	const char *key = arena_printf(a, "sp\x1f%s\x1f%s\x1f%s", sp->entity_id, sp->acs_url,
	                               sp->cache_key ? sp->cache_key : "");
	if (!key)
		return GCAS_ERR_NOMEM;
	struct sp_build b = {a, sp};
	struct saml_srv s;
	if ((e = saml_srv_get(key, sp_build, &b, &s)))
		return e;
	if (arena_defer(a, unref, s.srv))
		return GCAS_ERR_NOMEM;
	LassoLogin *l = lasso_login_new(s.srv);
	if (!l || arena_defer(a, unref, l))
		return GCAS_ERR_NOMEM;
	*out = l;
	return GCAS_OK;
}

static void set_str(char **dst, const char *src)
{
	g_free(*dst);
	*dst = g_strdup(src);
}

enum gcas_err saml_sp_login_url(struct arena *a, const struct saml_sp_self *sp,
                                const char *relay_state, const char **url, const char **request_id)
{
	LassoLogin *l;
	*url = *request_id = NULL;
	enum gcas_err e = sp_login(a, sp, &l);
	if (e)
		return e;
	LassoProfile *pr = LASSO_PROFILE(l);
	if (lasso_login_init_authn_request(l, (char *)sp->idp_entity_id,
	                                   LASSO_HTTP_METHOD_REDIRECT))
		return GCAS_ERR_INVALID;
	LassoSamlp2AuthnRequest *rq = LASSO_SAMLP2_AUTHN_REQUEST(pr->request);
	set_str(&rq->NameIDPolicy->Format, SAML_NAMEID_PERSISTENT);
	rq->NameIDPolicy->AllowCreate = TRUE;
	set_str(&rq->ProtocolBinding, SAML_BIND_POST_URN);
	set_str(&rq->AssertionConsumerServiceURL, sp->acs_url);
	lasso_profile_set_signature_hint(pr, LASSO_PROFILE_SIGNATURE_HINT_FORBID);
	if (relay_state)
		set_str(&pr->msg_relayState, relay_state);
	if (lasso_login_build_authn_request_msg(l) != 0 || !pr->msg_url)
		return GCAS_ERR_CRYPTO;
	*url = arena_strdup(a, pr->msg_url);
	*request_id = arena_strdup(a, LASSO_SAMLP2_REQUEST_ABSTRACT(rq)->ID);
	return *url && *request_id ? GCAS_OK : GCAS_ERR_NOMEM;
}

/* The attribute statements of as, as saml_attr (text values only), in a. */
static enum gcas_err read_attrs(struct arena *a, LassoSaml2Assertion *as, struct saml_sp_result *r)
{
	size_t cap = 0;
	for (GList *s = as->AttributeStatement; s; s = s->next)
		cap += g_list_length(LASSO_SAML2_ATTRIBUTE_STATEMENT(s->data)->Attribute);
	r->attrs = arena_alloc(a, (cap + 1) * sizeof(*r->attrs));
	if (!r->attrs)
		return GCAS_ERR_NOMEM;
	for (GList *s = as->AttributeStatement; s; s = s->next) {
		for (GList *t = LASSO_SAML2_ATTRIBUTE_STATEMENT(s->data)->Attribute; t;
		     t = t->next) {
			LassoSaml2Attribute *at = t->data;
			struct saml_attr *o = &r->attrs[r->nattrs++];
			size_t nv = g_list_length(at->AttributeValue);
			const char **vals = arena_alloc(a, (nv + 1) * sizeof(*vals));
			if (!vals)
				return GCAS_ERR_NOMEM;
			o->name = arena_strdup(a, at->Name ? at->Name : "");
			o->format = at->NameFormat ? arena_strdup(a, at->NameFormat) : NULL;
			for (GList *v = at->AttributeValue; v; v = v->next) {
				GList *any = LASSO_IS_SAML2_ATTRIBUTE_VALUE(v->data)
				                 ? LASSO_SAML2_ATTRIBUTE_VALUE(v->data)->any
				                 : NULL;
				if (any && LASSO_IS_MISC_TEXT_NODE(any->data) &&
				    LASSO_MISC_TEXT_NODE(any->data)->content)
					vals[o->nvalues++] = arena_strdup(
					    a, LASSO_MISC_TEXT_NODE(any->data)->content);
			}
			o->values = vals;
		}
	}
	return GCAS_OK;
}

static int audience_ok(LassoSaml2Conditions *c, const char *entity_id)
{
	/* saml-core §2.5.1.4: every AudienceRestriction must name us. */
	int seen = 0;
	for (GList *l = c->AudienceRestriction; l; l = l->next) {
		LassoSaml2AudienceRestriction *ar = l->data;
		if (!ar->Audience || strcmp(ar->Audience, entity_id) != 0)
			return 0;
		seen = 1;
	}
	return seen;
}

/* NotBefore - skew <= now < NotOnOrAfter (saml-core §2.5.1.2); NULL bounds are open. */
static int window_ok(const char *nb, const char *noa, int64_t now, int need_end, int64_t *end_out)
{
	int64_t t;
	if (nb && (saml_time_parse(nb, &t) || now + SAML_CLOCK_SKEW < t))
		return 0;
	if (!noa)
		return !need_end;
	if (saml_time_parse(noa, &t) || now >= t)
		return 0;
	if (end_out && (*end_out == 0 || t < *end_out))
		*end_out = t;
	return 1;
}

/* saml-profiles §4.1.4.3 on the one assertion. */
static enum gcas_err check_assertion(struct arena *a, const struct saml_sp_self *sp,
                                     LassoSaml2Assertion *as, int64_t now, struct saml_sp_result *r,
                                     const char **why)
{
	*why = "the assertion is not issued by our identity provider";
	if (!as->Issuer || !as->Issuer->content ||
	    strcmp(as->Issuer->content, sp->idp_entity_id) != 0)
		return GCAS_ERR_INVALID;
	*why = "the assertion's audience is not this service provider";
	if (!as->Conditions || !audience_ok(as->Conditions, sp->entity_id))
		return GCAS_ERR_INVALID;
	*why = "the assertion is not yet valid or has expired";
	if (!window_ok(as->Conditions->NotBefore, as->Conditions->NotOnOrAfter, now, 1,
	               &r->not_on_or_after))
		return GCAS_ERR_INVALID;
	LassoSaml2Subject *sj = as->Subject;
	LassoSaml2SubjectConfirmation *sc = sj ? sj->SubjectConfirmation : NULL;
	LassoSaml2SubjectConfirmationData *d = sc ? sc->SubjectConfirmationData : NULL;
	*why = "the assertion has no bearer subject confirmation for this ACS";
	if (!d || !sc->Method || strcmp(sc->Method, "urn:oasis:names:tc:SAML:2.0:cm:bearer") != 0 ||
	    !d->Recipient || strcmp(d->Recipient, sp->acs_url) != 0)
		return GCAS_ERR_INVALID;
	*why = "the subject confirmation has expired";
	if (!window_ok(d->NotBefore, d->NotOnOrAfter, now, 1, &r->not_on_or_after))
		return GCAS_ERR_INVALID;
	*why = "the assertion has no NameID";
	if (!sj->NameID || !sj->NameID->content || !*sj->NameID->content)
		return GCAS_ERR_INVALID;
	*why = "the subject confirmation answers another request than the Response";
	if (r->in_response_to &&
	    (!d->InResponseTo || strcmp(d->InResponseTo, r->in_response_to) != 0))
		return GCAS_ERR_INVALID;
	r->assertion_id = arena_strdup(a, as->ID ? as->ID : "");
	r->name_id = arena_strdup(a, sj->NameID->content);
	r->name_id_format = sj->NameID->Format ? arena_strdup(a, sj->NameID->Format) : NULL;
	*why = NULL;
	return read_attrs(a, as, r);
}

static void doc_free(void *p)
{
	xmlFreeDoc(p);
}

static int is_el(xmlNodePtr n, const char *name, const char *ns)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
	       strcmp((const char *)n->ns->href, ns) == 0;
}

/* The assertion is signed (not only the Response that carries it). Lasso has already verified
 * every signature it found against the IdP's keys; this makes an unsigned assertion inside a
 * signed Response fail too, as our metadata's WantAssertionsSigned promises. 1 when signed. */
static int assertion_signed(struct arena *a, const char *xml, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "response.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || arena_defer(a, doc_free, doc))
		return 0;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
		if (!is_el(n, "Assertion", SAML_NS_ASSERTION))
			continue;
		for (xmlNodePtr k = n->children; k; k = k->next)
			if (is_el(k, "Signature", "http://www.w3.org/2000/09/xmldsig#"))
				return 1;
		return 0;
	}
	return 0;
}

enum gcas_err saml_sp_accept(struct arena *a, const struct saml_sp_self *sp, const char *b64,
                             int64_t now, struct saml_sp_result *out, const char **why)
{
	const char *dummy;
	char *xml;
	size_t len;
	LassoLogin *l;
	if (!why)
		why = &dummy;
	*out = (struct saml_sp_result){0};
	enum gcas_err e = saml_msg_decode(a, b64, SAML_BIND_POST, &xml, &len, why);
	if (e)
		return e;
	if ((e = sp_login(a, sp, &l)))
		return e;
	LassoProfile *pr = LASSO_PROFILE(l);
	lasso_profile_set_signature_verify_hint(pr, LASSO_PROFILE_SIGNATURE_VERIFY_HINT_FORCE);
	int rc = lasso_login_process_authn_response_msg(l, (char *)b64);
	*why = "the Response was refused by Lasso (signature, issuer or format)";
	if (rc != 0)
		return saml_lasso_err(rc);
	*why = "the Response is not a signed SAML 2.0 Response from our identity provider";
	if (!LASSO_IS_SAMLP2_RESPONSE(pr->response) || !pr->remote_providerID ||
	    strcmp(pr->remote_providerID, sp->idp_entity_id) != 0 || pr->signature_status != 0)
		return GCAS_ERR_AUTH;
	LassoSamlp2Response *rs = LASSO_SAMLP2_RESPONSE(pr->response);
	LassoSamlp2StatusResponse *sr = LASSO_SAMLP2_STATUS_RESPONSE(rs);
	*why = "the Response's status is not Success";
	if (!sr->Status || !sr->Status->StatusCode || !sr->Status->StatusCode->Value ||
	    strcmp(sr->Status->StatusCode->Value, STATUS_SUCCESS) != 0)
		return GCAS_ERR_INVALID;
	*why = "the Response's Destination is not this ACS";
	if (sr->Destination && strcmp(sr->Destination, sp->acs_url) != 0)
		return GCAS_ERR_INVALID;
	*why = "the Response must carry exactly one signed assertion";
	if (g_list_length(rs->Assertion) != 1 || rs->EncryptedAssertion ||
	    !assertion_signed(a, xml, len))
		return GCAS_ERR_INVALID;
	out->response_id = arena_strdup(a, sr->ID ? sr->ID : "");
	out->in_response_to = sr->InResponseTo ? arena_strdup(a, sr->InResponseTo) : NULL;
	return check_assertion(a, sp, rs->Assertion->data, now, out, why);
}

const char *saml_sp_attr(const struct saml_sp_result *r, const char *name)
{
	for (size_t i = 0; i < r->nattrs; i++)
		if (strcmp(r->attrs[i].name, name) == 0 && r->attrs[i].nvalues)
			return r->attrs[i].values[0];
	return NULL;
}
