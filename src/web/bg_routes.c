/* SPDX-License-Identifier: MIT */
/* The BreakGlass listener's route table (`gcas breakglass`, issue 4 §6): only its own sign-in,
 * its request pages and the local cloud's emergency sign-in, under cookie names of its own so a
 * session of the main server is never a BreakGlass session (nor the reverse). None of these
 * routes depends on the SSO endpoints, which this listener does not serve at all. */
#include "web/handlers.h"

#define PAGE(m, p, f, auth)                                                                        \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PAGE, auth, NULL, NULL, NULL, NULL                           \
	}
#define PLAIN(m, p, f)                                                                             \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PLAIN, AUTH_NONE, NULL, NULL, NULL, NULL                     \
	}

static const struct route bg_routes[] = {
    PLAIN(GET, "/healthz", plain_healthz),
    PLAIN(GET, "/readyz", plain_readyz),
    PLAIN(GET, "/static/{name}", plain_static),

    PAGE(GET, "/", page_bg_home, AUTH_FULL),
    PAGE(GET, "/signin", page_bg_signin_form, AUTH_NONE),
    PAGE(POST, "/signin", page_bg_signin, AUTH_NONE),
    /* The second factor is the main listener's page: the same check, and with no return
     * cookie on this listener it lands on "/". */
    PAGE(GET, "/signin/factor", page_factor_form, AUTH_PARTIAL),
    PAGE(POST, "/signin/factor", page_factor, AUTH_PARTIAL),
    PAGE(GET, "/signin/enrol", page_bg_enrol, AUTH_PARTIAL),
    /* A security key as the second factor: the main server's pages work here unchanged (same
     * paths, this listener's cookies through web_session_cookie). */
    PAGE(GET, "/signin/webauthn", page_signin_webauthn_form, AUTH_PARTIAL),
    PAGE(POST, "/signin/webauthn", page_signin_webauthn, AUTH_PARTIAL),
    PAGE(POST, "/signout", page_bg_signout, AUTH_PARTIAL),

    PAGE(GET, "/requests/new", page_bg_request_form, AUTH_FULL),
    PAGE(POST, "/requests/new", page_bg_request, AUTH_FULL),
    PAGE(GET, "/requests/{id}", page_bg_request_view, AUTH_FULL),
    PAGE(POST, "/requests/{id}/decide", page_bg_decide, AUTH_FULL),
    PAGE(POST, "/requests/{id}/revoke", page_bg_revoke, AUTH_FULL),
    PAGE(POST, "/requests/{id}/issue", page_bg_issue, AUTH_FULL),

    /* The local driver's emergency sign-in, so the issued credential can be used while the
     * main server (and its SSO) is down. */
    PAGE(GET, "/local-cloud/{id}/emergency-signin", page_local_cloud_bg_form, AUTH_NONE),
    PAGE(POST, "/local-cloud/{id}/emergency-signin", page_local_cloud_bg_signin, AUTH_NONE),
};

static const struct nav_item bg_nav[] = {
    {"/", "緊急アクセス", "BreakGlass"},
    {"/requests/new", "申請する", "New request"},
};

const struct web_table web_bg_table = {
    bg_routes,
    sizeof(bg_routes) / sizeof(bg_routes[0]),
    "gcas_bg_session",
    "__Host-gcas_bg_session",
    "gcas_bg_csrf",
    "__Host-gcas_bg_csrf",
    bg_nav,
    sizeof(bg_nav) / sizeof(bg_nav[0]),
};
