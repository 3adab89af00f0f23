/* SPDX-License-Identifier: MIT */
/* The in-process harness itself, and the pipeline's basics: health, redirects to sign-in,
 * security headers, a signed-in home page, and CSRF refusal. */
#include <string.h>

#include "tap.h"
#include "webtest.h"

int main(void)
{
	struct wt w;
	struct wt_resp r;
	char agency[33], mgr[33], cookie[256], csrf[64];
	if (!ok(wt_open(&w) == 0, "harness opens a fresh store"))
		return tap_done();
	wt_request(&w, "GET", "/healthz", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "healthz answers 200");
	has_str(r.body, "\"ok\"", "healthz body");
	wt_resp_free(&r);
	wt_request(&w, "GET", "/", NULL, NULL, NULL, NULL, &r);
	is_int(r.status, 303, "home without a session redirects");
	is_str(r.location, "/signin", "to the sign-in page");
	wt_resp_free(&r);
	ok(wt_org(&w, ORG_AGENCY, NULL, "デジタル庁", "digital", agency) == 0, "agency fixture");
	ok(wt_account(&w, ROLE_AGENCY_MANAGER, agency, "mgr@digital.go.jp", mgr) == 0,
	   "account fixture");
	ok(wt_login(&w, mgr, cookie, csrf) == 0, "session fixture");
	wt_request(&w, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "home with a session");
	has_str(r.body, "試験", "home greets the user by name");
	has_str(r.body, "利用機関GCAS責任者", "and shows the role");
	wt_resp_free(&r);
	wt_request(&w, "POST", "/signout", cookie, "application/x-www-form-urlencoded",
	           "csrf=wrong", NULL, &r);
	is_int(r.status, 403, "a wrong CSRF token is refused");
	wt_resp_free(&r);
	wt_request(&w, "GET", "/", cookie, NULL, NULL, NULL, &r);
	is_int(r.status, 200, "and the session survives the refused request");
	wt_resp_free(&r);
	wt_close(&w);
	return tap_done();
}
