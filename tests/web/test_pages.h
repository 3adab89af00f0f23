/* SPDX-License-Identifier: MIT */
/* Helpers shared by the HTML page tests (test_pages_*.c): GET and form POST through the real
 * dispatcher with a signed-in person's cookie, form bodies built with percent-encoding, people
 * made with wt_account + wt_login, and finding ids in links of a page. Header-only: each test
 * program is a single translation unit. */
#ifndef GCAS_TESTS_WEB_TEST_PAGES_H
#define GCAS_TESTS_WEB_TEST_PAGES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "webtest.h"

static struct wt W;
static char *BODY;     /* the last response body */
static char *LOCATION; /* its Location header or NULL */
static char *COOKIES;  /* its Set-Cookie headers or NULL */

#define FORM_CT "application/x-www-form-urlencoded"

/* A signed-in person: account id, session cookie and the session's CSRF token. */
struct who {
	char id[33], cookie[256], csrf[64];
};

static inline char *pages_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline int request(const char *method, const char *target, const char *cookie,
                          const char *body)
{
	struct wt_resp r;
	free(BODY);
	free(LOCATION);
	free(COOKIES);
	BODY = LOCATION = COOKIES = NULL;
	if (wt_request(&W, method, target, cookie, body ? FORM_CT : NULL, body, NULL, &r))
		return -1;
	BODY = pages_dup(r.body);
	LOCATION = pages_dup(r.location);
	COOKIES = pages_dup(r.set_cookie);
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

static inline int get(const struct who *p, const char *target)
{
	return request("GET", target, p ? p->cookie : NULL, NULL);
}

static inline int post(const struct who *p, const char *target, const char *body)
{
	return request("POST", target, p ? p->cookie : NULL, body ? body : "");
}

/* printf into a rotating static buffer (8 slots), for paths and bodies. */
__attribute__((format(printf, 1, 2))) static inline const char *fmt(const char *f, ...)
{
	static char bufs[8][8192];
	static int i;
	char *out = bufs[i++ % 8];
	va_list ap;
	va_start(ap, f);
	vsnprintf(out, 8192, f, ap);
	va_end(ap);
	return out;
}

/* An x-www-form-urlencoded body from key/value pairs ending in NULL (values encoded). */
__attribute__((sentinel)) static inline const char *form(const char *key, ...)
{
	static char bufs[4][8192];
	static int i;
	char *out = bufs[i++ % 4];
	size_t n = 0;
	va_list ap;
	out[0] = '\0';
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		n += (size_t)snprintf(out + n, 8192 - n, "%s%s=", n ? "&" : "", k);
		for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p && n < 8000;
		     p++) {
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_')
				out[n++] = (char)*p;
			else
				n += (size_t)snprintf(out + n, 8192 - n, "%%%02X", *p);
		}
		out[n] = '\0';
	}
	va_end(ap);
	return out;
}

/* An active account with both factors and a signed-in session. */
static inline int person(enum role role, const char *org, const char *email, struct who *out)
{
	memset(out, 0, sizeof(*out));
	if (wt_account(&W, role, org, email, out->id))
		return -1;
	return wt_login(&W, out->id, out->cookie, out->csrf);
}

/* The 32-hex id in the first link "<prefix><id>" whose text is exactly text (the HTML-escaped
 * form). Returns out, or "" when there is none. */
static inline const char *link_id(const char *body, const char *prefix, const char *text,
                                  char out[33])
{
	size_t pl = strlen(prefix);
	out[0] = '\0';
	for (const char *p = body ? strstr(body, prefix) : NULL; p; p = strstr(p + 1, prefix)) {
		const char *id = p + pl;
		if (strspn(id, "0123456789abcdef") != 32 || id[32] != '"' || id[33] != '>')
			continue;
		if (strncmp(id + 34, text, strlen(text)) == 0 &&
		    strncmp(id + 34 + strlen(text), "</a>", 4) == 0) {
			memcpy(out, id, 32);
			out[32] = '\0';
			return out;
		}
	}
	return out;
}

/* Number of times needle occurs in hay. */
static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay ? strstr(hay, needle) : NULL; p; p = strstr(p + 1, needle))
		n++;
	return n;
}

#define lacks_str(hay, needle, ...) ok(!(hay) || !strstr((hay), (needle)), __VA_ARGS__)

static inline void pages_done(void)
{
	free(BODY);
	free(LOCATION);
	free(COOKIES);
	BODY = LOCATION = COOKIES = NULL;
	wt_close(&W);
}

#endif
