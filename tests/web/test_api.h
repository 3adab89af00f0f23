/* SPDX-License-Identifier: MIT */
/* Helpers shared by the JSON API tests (test_api_*.c): one request with a bearer token or a
 * session, the response body parsed with jansson, and small accessors. Header-only: each test
 * program is a single translation unit. */
#ifndef GCAS_TESTS_WEB_TEST_API_H
#define GCAS_TESTS_WEB_TEST_API_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "webtest.h"

static struct wt W;
static json_t *J;      /* the last response body, parsed (NULL when not JSON) */
static char *BODY;     /* the last response body */
static char *LOCATION; /* its Location header or NULL */
static char *CTYPE;    /* its Content-Type or NULL */

/* A TAP diagnostic line. */
__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline void api_reset(void)
{
	json_decref(J);
	free(BODY);
	free(LOCATION);
	free(CTYPE);
	J = NULL;
	BODY = LOCATION = CTYPE = NULL;
}

/* One request. token: bearer token or NULL; cookie/csrf: a session (csrf sent as
 * X-CSRF-Token when not NULL); ctype/body: the request body or NULL. Returns the status. */
static inline int call_full(const char *method, const char *target, const char *token,
                            const char *cookie, const char *csrf, const char *ctype,
                            const char *body)
{
	struct wt_resp r;
	char auth[256], xcsrf[128];
	const char *hdrs[4];
	size_t n = 0;
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs[n++] = auth;
	}
	if (csrf) {
		snprintf(xcsrf, sizeof(xcsrf), "X-CSRF-Token: %s", csrf);
		hdrs[n++] = xcsrf;
	}
	hdrs[n] = NULL;
	api_reset();
	if (wt_request(&W, method, target, cookie, ctype, body, hdrs, &r))
		return -1;
	BODY = dup_or_null(r.body);
	LOCATION = dup_or_null(r.location);
	CTYPE = dup_or_null(r.content_type);
	J = r.body ? json_loads(r.body, 0, NULL) : NULL;
	int st = r.status;
	wt_resp_free(&r);
	return st;
}

/* With a bearer token and (when body != NULL) Content-Type: application/json. */
static inline int call(const char *method, const char *target, const char *token, const char *body)
{
	return call_full(method, target, token, NULL, NULL, body ? "application/json" : NULL, body);
}

/* A string member of J (or of o when not NULL); NULL when absent or not a string. */
static inline const char *jstr_in(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o ? o : J, key));
}

static inline const char *js(const char *key)
{
	return jstr_in(NULL, key);
}

static inline long long ji(const char *key)
{
	return (long long)json_integer_value(json_object_get(J, key));
}

/* 1 when J is a problem (RFC 9457) with this status and, when ptr != NULL, an errors entry
 * with that pointer. */
static inline int is_problem(int status, const char *ptr)
{
	if (!CTYPE || strcmp(CTYPE, "application/problem+json") != 0)
		return 0;
	if (json_integer_value(json_object_get(J, "status")) != status)
		return 0;
	if (!ptr)
		return 1;
	json_t *errs = json_object_get(J, "errors"), *e;
	size_t i;
	json_array_foreach(errs, i, e)
	{
		const char *p = json_string_value(json_object_get(e, "pointer"));
		if (p && strcmp(p, ptr) == 0)
			return 1;
	}
	return 0;
}

/* Number of items in J's "items" array (-1 when not a list). */
static inline long nitems(void)
{
	json_t *items = json_object_get(J, "items");
	return json_is_array(items) ? (long)json_array_size(items) : -1;
}

/* Copy a string member of J into out[33] (ids). */
static inline void take_id(const char *key, char *out)
{
	const char *v = js(key);
	snprintf(out, 33, "%s", v ? v : "");
}

#endif
