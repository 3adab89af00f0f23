/* SPDX-License-Identifier: MIT */
/* Helpers of the R7.2 tests (test_access_purpose*.c): an API call with an optional
 * GCAS-Access-Purpose header, and the detail of the newest audit record of an action. */
#ifndef GCAS_TESTS_WEB_TEST_PURPOSE_H
#define GCAS_TESTS_WEB_TEST_PURPOSE_H

#include "svc/audit.h"
#include "test_pages.h"

/* A request with a bearer token, an optional GCAS-Access-Purpose header (NULL: none) and an
 * optional JSON body (POST when given). */
static inline int api_call(const char *token, const char *target, const char *purpose,
                           const char *json)
{
	char auth[200], hdr[600];
	const char *hdrs[3] = {auth, NULL, NULL};
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	if (purpose) {
		snprintf(hdr, sizeof(hdr), "GCAS-Access-Purpose: %s", purpose);
		hdrs[1] = hdr;
	}
	struct wt_resp r;
	free(BODY);
	free(LOCATION);
	BODY = LOCATION = NULL;
	if (wt_request(&W, json ? "POST" : "GET", target, NULL, json ? "application/json" : NULL,
	               json, hdrs, &r))
		return -1;
	BODY = pages_dup(r.body);
	int st = r.status;
	if (st == 428 && (!r.content_type || strcmp(r.content_type, "application/problem+json")))
		st = -428; /* a 428 must be problem+json */
	wt_resp_free(&r);
	return st;
}

/* The detail of the newest audit record of this action, or "" (static copy). */
static inline const char *last_detail(const char *action)
{
	static char out[2048];
	struct arena *a = arena_new(0);
	struct actor sys = actor_system("test");
	struct audit_filter f = {.action_prefix = action};
	struct page pg = {.limit = 1};
	struct audit_rec *recs = NULL;
	size_t n = 0;
	out[0] = '\0';
	if (svc_audit_list(&W.env, &sys, a, &f, &pg, &recs, &n) == GCAS_OK && n == 1 &&
	    recs[0].detail && strcmp(recs[0].action, action) == 0)
		snprintf(out, sizeof(out), "%s", recs[0].detail);
	arena_free(a);
	return out;
}

#endif
