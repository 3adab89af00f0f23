/* SPDX-License-Identifier: MIT */
/* SAML metadata (saml-metadata-2.0-os): our IdP's EntityDescriptor, SP metadata checked at
 * registration and synthesised for consoles a driver describes, and the per-thread cache of
 * Lasso servers built from them (a LassoServer costs tens of milliseconds to build). */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "sso/saml_internal.h"

#define MD_NS "urn:oasis:names:tc:SAML:2.0:metadata"

enum gcas_err saml_xml_put(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		const char *r = NULL;
		switch (*s) {
		case '&':
			r = "&amp;";
			break;
		case '<':
			r = "&lt;";
			break;
		case '>':
			r = "&gt;";
			break;
		case '"':
			r = "&quot;";
			break;
		case '\'':
			r = "&apos;";
			break;
		default:
			break;
		}
		enum gcas_err e = r ? buf_puts(b, r) : buf_putc(b, *s);
		if (e)
			return e;
	}
	return GCAS_OK;
}

enum gcas_err saml_lasso_err(int rc)
{
	int v = rc < 0 ? -rc : rc;
	/* errors.h: 101..199 are the ds: (XML signature) family. */
	if (v > 100 && v < 200)
		return GCAS_ERR_AUTH;
	return GCAS_ERR_INVALID;
}

char *saml_pem_body(struct arena *a, const char *pem)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	const char *s = pem ? strstr(pem, begin) : NULL;
	if (!s)
		return NULL;
	s += sizeof(begin) - 1;
	const char *e = strstr(s, "-----END CERTIFICATE-----");
	if (!e)
		return NULL;
	char *out = arena_alloc(a, (size_t)(e - s) + 1);
	if (!out)
		return NULL;
	size_t k = 0;
	for (const char *p = s; p < e; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			out[k++] = *p;
	out[k] = '\0';
	return k ? out : NULL;
}

static char *buf_to_arena(struct arena *a, struct buf *b)
{
	char *r = b->failed ? NULL : arena_strdup(a, b->data ? b->data : "");
	buf_free(b);
	return r;
}

char *saml_idp_metadata(struct arena *a, const struct saml_idp *idp)
{
	struct buf b;
	buf_init(&b, 1024 * 1024);
	buf_puts(
	    &b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"" MD_NS
	        "\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"");
	saml_xml_put(&b, idp->entity_id);
	/* saml-metadata §2.4.3: we accept unsigned requests (the ACS URL is checked against
	 * the SP's metadata instead); a signature, when sent, is verified. */
	buf_puts(&b, "\">\n<md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" "
	             "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n");
	for (size_t i = 0; i < idp->ncerts; i++) {
		char *body = saml_pem_body(a, idp->certs[i]);
		if (!body) {
			buf_free(&b);
			return NULL;
		}
		buf_puts(&b, "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data>"
		             "<ds:X509Certificate>");
		buf_puts(&b, body);
		buf_puts(&b,
		         "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n");
	}
	buf_puts(&b, "<md:NameIDFormat>" SAML_NAMEID_PERSISTENT "</md:NameIDFormat>\n"
	             "<md:NameIDFormat>" SAML_NAMEID_EMAIL "</md:NameIDFormat>\n"
	             "<md:NameIDFormat>" SAML_NAMEID_TRANSIENT "</md:NameIDFormat>\n");
	static const char *const binds[] = {SAML_BIND_REDIRECT_URN, SAML_BIND_POST_URN};
	for (size_t i = 0; i < 2; i++) {
		buf_printf(&b, "<md:SingleSignOnService Binding=\"%s\" Location=\"", binds[i]);
		saml_xml_put(&b, idp->sso_url);
		buf_puts(&b, "\"/>\n");
	}
	buf_puts(&b, "</md:IDPSSODescriptor>\n</md:EntityDescriptor>\n");
	return buf_to_arena(a, &b);
}

/* An SPSSODescriptor with one HTTP-POST ACS and no key: for consoles that send unsigned
 * requests (the local cloud's, and consoles a driver describes by entity id and ACS URL). */
static char *sp_metadata(struct arena *a, const char *entity_id, const char *acs_url)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	buf_puts(
	    &b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"" MD_NS
	        "\" entityID=\"");
	saml_xml_put(&b, entity_id);
	buf_puts(&b, "\">\n<md:SPSSODescriptor AuthnRequestsSigned=\"false\" "
	             "WantAssertionsSigned=\"true\" "
	             "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
	             "<md:NameIDFormat>" SAML_NAMEID_PERSISTENT "</md:NameIDFormat>\n"
	             "<md:AssertionConsumerService index=\"0\" isDefault=\"true\" "
	             "Binding=\"" SAML_BIND_POST_URN "\" Location=\"");
	saml_xml_put(&b, acs_url);
	buf_puts(&b, "\"/>\n</md:SPSSODescriptor>\n</md:EntityDescriptor>\n");
	return buf_to_arena(a, &b);
}

char *saml_sp_meta_minimal(struct arena *a, const char *entity_id, const char *acs_url)
{
	return sp_metadata(a, entity_id, acs_url);
}

char *saml_sp_self_metadata(struct arena *a, const struct saml_sp_self *sp)
{
	return sp_metadata(a, sp->entity_id, sp->acs_url);
}

/* ---- parsing SP metadata ---- */

static int is_md(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
	       strcmp((const char *)n->ns->href, MD_NS) == 0;
}

static char *prop(struct arena *a, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *r = v ? arena_strdup(a, (const char *)v) : NULL;
	xmlFree(v);
	return r;
}

static int http_url(const char *s)
{
	return s && (str_starts(s, "https://") || str_starts(s, "http://")) && strlen(s) < 2048 &&
	       !strpbrk(s, " \"<>\r\n\t");
}

static void doc_free(void *p)
{
	xmlFreeDoc(p);
}

static int is_ds(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 && n->ns &&
	       strcmp((const char *)n->ns->href, "http://www.w3.org/2000/09/xmldsig#") == 0;
}

/* The first ds:X509Certificate under a KeyDescriptor (KeyInfo / X509Data), whitespace removed. */
static char *key_cert(struct arena *a, xmlNodePtr kd)
{
	for (xmlNodePtr ki = kd->children; ki; ki = ki->next) {
		if (!is_ds(ki, "KeyInfo"))
			continue;
		for (xmlNodePtr xd = ki->children; xd; xd = xd->next) {
			if (!is_ds(xd, "X509Data"))
				continue;
			for (xmlNodePtr c = xd->children; c; c = c->next) {
				if (!is_ds(c, "X509Certificate"))
					continue;
				xmlChar *t = xmlNodeGetContent(c);
				char *out = t ? arena_alloc(a, strlen((const char *)t) + 1) : NULL;
				size_t k = 0;
				for (const xmlChar *p = t; out && *p; p++)
					if (!strchr(" \t\r\n", *p))
						out[k++] = (char)*p;
				xmlFree(t);
				return k ? out : NULL;
			}
		}
	}
	return NULL;
}

/* Read the SPSSODescriptor's ACS endpoints and first NameIDFormat into m. */
static enum gcas_err read_sp_descriptor(struct arena *a, xmlNodePtr sp, struct saml_sp_meta *m,
                                        const char **why)
{
	size_t cap = 0, kcap = 0;
	for (xmlNodePtr n = sp->children; n; n = n->next) {
		cap += is_md(n, "AssertionConsumerService");
		kcap += is_md(n, "KeyDescriptor");
	}
	m->acs = arena_alloc(a, (cap + 1) * sizeof(*m->acs));
	m->certs = arena_alloc(a, (kcap + 1) * sizeof(*m->certs));
	if (!m->acs || !m->certs)
		return GCAS_ERR_NOMEM;
	char *signed_req = prop(a, sp, "AuthnRequestsSigned");
	m->requests_signed =
	    signed_req && (strcmp(signed_req, "true") == 0 || strcmp(signed_req, "1") == 0);
	int first_format = 1;
	for (xmlNodePtr n = sp->children; n; n = n->next) {
		if (is_md(n, "NameIDFormat") && first_format) {
			xmlChar *t = xmlNodeGetContent(n);
			m->wants_email = t && strcmp(str_trim((char *)t), SAML_NAMEID_EMAIL) == 0;
			xmlFree(t);
			first_format = 0;
		}
		if (is_md(n, "KeyDescriptor")) {
			/* saml-metadata §2.4.1.1: no use attribute means both signing and
			 * encryption. */
			char *use = prop(a, n, "use"), *cert = key_cert(a, n);
			if (cert && (!use || strcmp(use, "signing") == 0))
				m->certs[m->ncerts++] = cert;
			continue;
		}
		if (!is_md(n, "AssertionConsumerService"))
			continue;
		char *bind = prop(a, n, "Binding"), *loc = prop(a, n, "Location");
		if (!bind || strcmp(bind, SAML_BIND_POST_URN) != 0)
			continue; /* we answer by HTTP-POST only (saml-profiles §4.1.2) */
		*why = "an AssertionConsumerService Location is not an http(s) URL";
		if (!http_url(loc))
			return GCAS_ERR_INVALID;
		m->acs[m->nacs++] = loc;
	}
	*why = "the SPSSODescriptor has no HTTP-POST AssertionConsumerService";
	return m->nacs ? GCAS_OK : GCAS_ERR_INVALID;
}

enum gcas_err saml_meta_parse_sp(struct arena *a, const char *xml, struct saml_sp_meta *m,
                                 const char **why)
{
	*m = (struct saml_sp_meta){0};
	*why = "the metadata is not well-formed XML";
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "metadata.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return GCAS_ERR_INVALID;
	if (arena_defer(a, doc_free, doc))
		return GCAS_ERR_NOMEM;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	*why = "the metadata's root is not an md:EntityDescriptor";
	if (!root || !is_md(root, "EntityDescriptor"))
		return GCAS_ERR_INVALID;
	m->entity_id = prop(a, root, "entityID");
	*why = "the EntityDescriptor has no entityID (or one over 1024 bytes)";
	if (!m->entity_id || !*m->entity_id || strlen(m->entity_id) > 1024)
		return GCAS_ERR_INVALID;
	for (xmlNodePtr n = root->children; n; n = n->next)
		if (is_md(n, "SPSSODescriptor"))
			return read_sp_descriptor(a, n, m, why);
	*why = "the metadata has no SPSSODescriptor";
	return GCAS_ERR_INVALID;
}

enum gcas_err saml_sp_meta_check(struct arena *a, const char *xml, struct saml_sp_meta *out,
                                 const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*out = (struct saml_sp_meta){0};
	*why = "the metadata is empty or larger than 64 KiB";
	if (!xml || !*xml || strlen(xml) > SAML_MSG_MAX)
		return GCAS_ERR_INVALID;
	*why = "the metadata has a DOCTYPE or entity declaration";
	if (saml_xml_refused(xml, strlen(xml)))
		return GCAS_ERR_INVALID;
	enum gcas_err e = saml_init();
	if (e)
		return e;
	if ((e = saml_meta_parse_sp(a, xml, out, why)))
		return e;
	/* What Lasso makes of it is what will be used: it must take it as an SP. */
	LassoProvider *p = lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_SP, xml, NULL, NULL);
	*why = "Lasso does not accept the metadata as a service provider's";
	if (!p)
		return GCAS_ERR_INVALID;
	int ok = p->ProviderID && strcmp(p->ProviderID, out->entity_id) == 0;
	g_object_unref(p);
	if (!ok)
		return GCAS_ERR_INVALID;
	*why = NULL;
	return GCAS_OK;
}

/* ---- the per-thread server cache ---- */

#define SRV_SLOTS 8

struct srv_slot {
	char *key;
	struct saml_srv s;
	uint64_t used;
};
struct srv_cache {
	struct srv_slot slot[SRV_SLOTS];
	uint64_t tick;
};

static pthread_key_t cache_tls;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

void saml_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int saml_strv_dup(const char *const *v, size_t n, char ***out, size_t *nout)
{
	*out = calloc(n + 1, sizeof(**out));
	*nout = 0;
	for (size_t i = 0; *out && i < n; i++) {
		if (!((*out)[i] = strdup(v[i])))
			break;
		(*nout)++;
	}
	if (*out && *nout == n)
		return 0;
	saml_strv_free(*out, *nout);
	*out = NULL;
	*nout = 0;
	return -1;
}

static void slot_clear(struct srv_slot *sl)
{
	if (sl->s.srv)
		g_object_unref(sl->s.srv);
	saml_strv_free(sl->s.acs, sl->s.nacs);
	saml_strv_free(sl->s.certs, sl->s.ncerts);
	free(sl->key);
	*sl = (struct srv_slot){0};
}

static void cache_destroy(void *p)
{
	struct srv_cache *c = p;
	for (size_t i = 0; c && i < SRV_SLOTS; i++)
		slot_clear(&c->slot[i]);
	free(c);
}

static void cache_key_make(void)
{
	(void)pthread_key_create(&cache_tls, cache_destroy);
}

static struct srv_cache *cache_get(void)
{
	pthread_once(&cache_once, cache_key_make);
	struct srv_cache *c = pthread_getspecific(cache_tls);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (c && pthread_setspecific(cache_tls, c)) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

void saml_thread_cache_clear(void)
{
	pthread_once(&cache_once, cache_key_make);
	struct srv_cache *c = pthread_getspecific(cache_tls);
	if (!c)
		return;
	cache_destroy(c);
	pthread_setspecific(cache_tls, NULL);
}

enum gcas_err saml_srv_get(const char *key, saml_srv_build_fn fn, void *ctx, struct saml_srv *out)
{
	struct srv_cache *c = cache_get();
	if (!c)
		return GCAS_ERR_NOMEM;
	struct srv_slot *victim = &c->slot[0];
	for (size_t i = 0; i < SRV_SLOTS; i++) {
		struct srv_slot *sl = &c->slot[i];
		if (sl->key && strcmp(sl->key, key) == 0) {
			sl->used = ++c->tick;
			*out = sl->s;
			g_object_ref(out->srv);
			return GCAS_OK;
		}
		if (!sl->key || sl->used < victim->used)
			victim = sl;
	}
	struct saml_srv fresh = {0};
	enum gcas_err e = fn(ctx, &fresh);
	if (e)
		return e;
	char *k = strdup(key);
	if (!k) {
		struct srv_slot tmp = {.s = fresh};
		slot_clear(&tmp);
		return GCAS_ERR_NOMEM;
	}
	slot_clear(victim);
	victim->key = k;
	victim->s = fresh;
	victim->used = ++c->tick;
	*out = fresh;
	g_object_ref(out->srv);
	return GCAS_OK;
}
