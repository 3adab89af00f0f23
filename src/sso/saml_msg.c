/* SPDX-License-Identifier: MIT */
/* The guard in front of Lasso (issue 4 §7): inbound SAML messages are decoded here with size
 * caps at every step (base64, then DEFLATE for the Redirect binding, inflated by us so a small
 * "zip bomb" stops at SAML_MSG_MAX), and anything with a DTD is refused before any XML parser
 * runs. Also lasso_init, xs:dateTime parsing and the Issuer peek that picks the SP's metadata. */
#include "sso/saml.h"

#include <lasso/lasso.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "base/codec.h"
#include "base/log.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static enum gcas_err init_result = GCAS_ERR_CRYPTO;

/* Lasso reports through GLib's log: errors on inbound junk are expected and answered by the
 * caller, so they go to our log at debug level instead of stderr. */
static void lasso_log_sink(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer u)
{
	(void)domain;
	(void)level;
	(void)u;
	log_msg(LOG_DEBUG, "lasso", "detail", msg, NULL);
}

static void init_once_fn(void)
{
	if (lasso_init() != 0)
		return;
	g_log_set_handler("Lasso", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
	                  lasso_log_sink, NULL);
	init_result = GCAS_OK;
}

enum gcas_err saml_init(void)
{
	pthread_once(&init_once, init_once_fn);
	return init_result;
}

const char *saml_binding_name(enum saml_binding b)
{
	return b == SAML_BIND_POST ? "post" : "redirect";
}

int saml_binding_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "redirect") == 0)
		return SAML_BIND_REDIRECT;
	if (strcmp(s, "post") == 0)
		return SAML_BIND_POST;
	return -1;
}

/* Case-insensitive search for needle in hay[0..len). */
static int has_ci(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

int saml_xml_refused(const char *xml, size_t len)
{
	/* A NUL means another encoding (UTF-16/32) in which the checks below would see nothing;
	 * SAML documents are UTF-8 (saml-core §1.3.1 by way of XML's default). */
	if (memchr(xml, '\0', len))
		return 1;
	/* "<!DOCTYPE" and "<!ENTITY": the billion laughs and external entities need one of them
	 * (XML 1.0 §2.8, §4.2); saml-bindings §3.4.4 / §3.5.4 messages never carry a DTD. */
	return has_ci(xml, len, "<!DOCTYPE") || has_ci(xml, len, "<!ENTITY");
}

/* Raw DEFLATE (RFC 1951, no zlib header: saml-bindings §3.4.4.1) with a hard output cap. */
static enum gcas_err inflate_capped(struct arena *a, const unsigned char *in, size_t in_len,
                                    char **out, size_t *out_len)
{
	unsigned char *buf = arena_alloc(a, SAML_MSG_MAX + 1);
	if (!buf)
		return GCAS_ERR_NOMEM;
	z_stream z = {0};
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return GCAS_ERR_NOMEM;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)in_len;
	z.next_out = buf;
	z.avail_out = SAML_MSG_MAX + 1; /* one more: reaching it means "too big" */
	int rc = inflate(&z, Z_FINISH);
	size_t n = SAML_MSG_MAX + 1 - z.avail_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || n > SAML_MSG_MAX)
		return GCAS_ERR_INVALID;
	buf[n] = '\0';
	*out = (char *)buf;
	*out_len = n;
	return GCAS_OK;
}

enum gcas_err saml_msg_decode(struct arena *a, const char *value, enum saml_binding b, char **xml,
                              size_t *len, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*xml = NULL;
	*len = 0;
	*why = "the SAML message is missing";
	if (!value || !*value)
		return GCAS_ERR_INVALID;
	size_t vlen = strlen(value);
	*why = "the SAML message is too large";
	if (vlen > (SAML_MSG_MAX / 3 + 1) * 4 + 256) /* base64 of the cap, and line breaks */
		return GCAS_ERR_INVALID;
	unsigned char *raw = arena_alloc(a, SAML_MSG_MAX + 1);
	if (!raw)
		return GCAS_ERR_NOMEM;
	/* Some senders wrap base64 at 76 columns (RFC 2045); b64_decode takes none of that. */
	char *clean = arena_alloc(a, vlen + 1);
	if (!clean)
		return GCAS_ERR_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < vlen; i++)
		if (value[i] != '\r' && value[i] != '\n' && value[i] != ' ' && value[i] != '\t')
			clean[k++] = value[i];
	long n = b64_decode(raw, SAML_MSG_MAX, clean, k);
	*why = "the SAML message is not valid base64";
	if (n <= 0)
		return GCAS_ERR_INVALID;
	raw[n] = '\0';
	char *doc = (char *)raw;
	size_t doc_len = (size_t)n;
	if (b == SAML_BIND_REDIRECT) {
		enum gcas_err e = inflate_capped(a, raw, (size_t)n, &doc, &doc_len);
		*why = "the SAML message is not valid DEFLATE data or inflates past 64 KiB";
		if (e)
			return e;
	}
	*why = "the SAML message has a DOCTYPE or entity declaration, or is not UTF-8";
	if (saml_xml_refused(doc, doc_len))
		return GCAS_ERR_INVALID;
	*why = "the SAML message is not XML";
	if (doc_len == 0 || !memchr(doc, '<', doc_len))
		return GCAS_ERR_INVALID;
	*why = NULL;
	*xml = doc;
	*len = doc_len;
	return GCAS_OK;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int saml_time_parse(const char *s, int64_t *out)
{
	/* saml-core §1.3.3: xs:dateTime in UTC, "Z" without a time zone offset. */
	int y, mo, d, h, mi, se;
	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return -1;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi,
	                .tm_sec = se};
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* libxml2 documents are released with the arena. */
static void doc_free(void *p)
{
	xmlFreeDoc(p);
}

static const char *attr(struct arena *a, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	const char *r = v ? arena_strdup(a, (const char *)v) : NULL;
	xmlFree(v);
	return r;
}

enum gcas_err saml_msg_head(struct arena *a, const char *xml, size_t len, struct saml_msg_head *out)
{
	*out = (struct saml_msg_head){0};
	if (len > SAML_MSG_MAX || saml_xml_refused(xml, len))
		return GCAS_ERR_INVALID;
	/* No entity substitution, no network, no DTD loading: nothing to fetch, nothing to
	 * expand (the guard above already refused any DTD). */
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "saml.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return GCAS_ERR_INVALID;
	if (arena_defer(a, doc_free, doc))
		return GCAS_ERR_NOMEM;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root)
		return GCAS_ERR_INVALID;
	out->id = attr(a, root, "ID");
	out->acs_url = attr(a, root, "AssertionConsumerServiceURL");
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "Issuer") != 0)
			continue;
		xmlChar *t = xmlNodeGetContent(n);
		out->issuer = t ? arena_strdup(a, (const char *)t) : NULL;
		xmlFree(t);
		break;
	}
	return out->issuer && *out->issuer ? GCAS_OK : GCAS_ERR_INVALID;
}
