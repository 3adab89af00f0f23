/* SPDX-License-Identifier: MIT */
/* The route table: every URL the server answers, its handler, what kind of response it gives,
 * and who may reach it. Order matters where patterns overlap ("/accounts/new" before
 * "/accounts/{id}"). The OpenAPI document is generated from the API rows of this table. */
#include "web/handlers.h"

#define PAGE(m, p, f, auth)                                                                        \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PAGE, auth, NULL, NULL, NULL                                 \
	}
#define PLAIN(m, p, f)                                                                             \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PLAIN, AUTH_NONE, NULL, NULL, NULL                           \
	}
#define API(m, p, f, op, summary, scope)                                                           \
	{                                                                                          \
		HTTP_##m, "/api/v1" p, f, ROUTE_API, AUTH_FULL, op, summary, scope                 \
	}

const struct route web_routes[] = {
    PLAIN(GET, "/healthz", plain_healthz),
    PLAIN(GET, "/readyz", plain_readyz),
    PLAIN(GET, "/metrics", plain_metrics),
    PLAIN(GET, "/static/{name}", plain_static),

    PAGE(GET, "/", page_home, AUTH_FULL),
    PAGE(GET, "/signin", page_signin_form, AUTH_NONE),
    PAGE(POST, "/signin", page_signin, AUTH_NONE),
    PAGE(GET, "/signin/factor", page_factor_form, AUTH_PARTIAL),
    PAGE(POST, "/signin/factor", page_factor, AUTH_PARTIAL),
    PAGE(GET, "/signin/enrol", page_enrol_form, AUTH_PARTIAL),
    PAGE(POST, "/signin/enrol", page_enrol, AUTH_PARTIAL),
    PAGE(POST, "/signout", page_signout, AUTH_PARTIAL),
    PAGE(GET, "/setup/{token}", page_setup_form, AUTH_NONE),
    PAGE(POST, "/setup/{token}", page_setup, AUTH_NONE),
    PAGE(GET, "/reauth", page_reauth_form, AUTH_FULL),
    PAGE(POST, "/reauth", page_reauth, AUTH_FULL),

    PAGE(GET, "/orgs", page_orgs, AUTH_FULL),
    PAGE(GET, "/orgs/new", page_org_new_form, AUTH_FULL),
    PAGE(POST, "/orgs/new", page_org_new, AUTH_FULL),
    PAGE(GET, "/orgs/{id}", page_org, AUTH_FULL),
    PAGE(POST, "/orgs/{id}/rename", page_org_rename, AUTH_FULL),
    PAGE(GET, "/accounts", page_accounts, AUTH_FULL),
    PAGE(GET, "/accounts/new", page_account_new_form, AUTH_FULL),
    PAGE(POST, "/accounts/new", page_account_new, AUTH_FULL),
    PAGE(GET, "/accounts/{id}", page_account, AUTH_FULL),
    PAGE(GET, "/accounts/{id}/edit", page_account_edit_form, AUTH_FULL),
    PAGE(POST, "/accounts/{id}/edit", page_account_edit, AUTH_FULL),
    PAGE(POST, "/accounts/{id}/status", page_account_status, AUTH_FULL),
    PAGE(POST, "/accounts/{id}/reset-factors", page_account_reset, AUTH_FULL),
    PAGE(POST, "/accounts/{id}/setup-link", page_account_setup_link, AUTH_FULL),
    PAGE(GET, "/groups", page_groups, AUTH_FULL),
    PAGE(GET, "/groups/{id}", page_group, AUTH_FULL),
    PAGE(POST, "/groups/{id}/members", page_group_member_add, AUTH_FULL),
    PAGE(POST, "/groups/{id}/members/{account}/remove", page_group_member_remove, AUTH_FULL),
    PAGE(GET, "/audit", page_audit, AUTH_FULL),
    PAGE(GET, "/settings", page_settings, AUTH_FULL),
    PAGE(POST, "/settings/password", page_settings_password, AUTH_FULL),
    PAGE(GET, "/settings/totp", page_settings_totp_form, AUTH_FULL),
    PAGE(POST, "/settings/totp", page_settings_totp, AUTH_FULL),
    PAGE(POST, "/settings/tokens", page_settings_token_create, AUTH_FULL),
    PAGE(POST, "/settings/tokens/{id}/revoke", page_settings_token_revoke, AUTH_FULL),

    {HTTP_GET, "/api/v1/openapi.json", api_openapi, ROUTE_API, AUTH_NONE, "getOpenApi",
     "This API's OpenAPI 3.1 document", NULL},
    API(GET, "/me", api_me, "getMe", "The account of the caller", "read"),
    API(GET, "/orgs", api_orgs_list, "listOrgs", "Organisations the caller may see", "read"),
    API(POST, "/orgs", api_orgs_create, "createOrg", "Create an agency, project team or contractor",
        "write"),
    API(GET, "/orgs/{id}", api_org_get, "getOrg", "One organisation", "read"),
    API(PATCH, "/orgs/{id}", api_org_update, "updateOrg", "Rename an organisation", "write"),
    API(GET, "/accounts", api_accounts_list, "listAccounts", "Accounts the caller may see", "read"),
    API(POST, "/accounts", api_accounts_create, "createAccount",
        "Issue an account along the certification chain", "write"),
    API(GET, "/accounts/{id}", api_account_get, "getAccount", "One account", "read"),
    API(PATCH, "/accounts/{id}", api_account_update, "updateAccount",
        "Change an account's names or email", "write"),
    API(POST, "/accounts/{id}/disable", api_account_disable, "disableAccount",
        "Disable an account and end its sessions", "write"),
    API(POST, "/accounts/{id}/enable", api_account_enable, "enableAccount",
        "Re-enable a disabled account", "write"),
    API(POST, "/accounts/{id}/delete", api_account_delete, "deleteAccount", "Delete an account",
        "write"),
    API(POST, "/accounts/{id}/reset-factors", api_account_reset_factors, "resetAccountFactors",
        "Clear an account's second factors", "write"),
    API(POST, "/accounts/{id}/setup-link", api_account_setup_link, "createSetupLink",
        "Issue a new one-time set-up link", "write"),
    API(GET, "/groups", api_groups_list, "listGroups", "PMO and system groups the caller may see",
        "read"),
    API(GET, "/groups/{id}", api_group_get, "getGroup", "A group and its members", "read"),
    API(POST, "/groups/{id}/members", api_group_member_add, "addGroupMember",
        "Add a member to a group", "write"),
    API(DELETE, "/groups/{id}/members/{account}", api_group_member_remove, "removeGroupMember",
        "Remove a member from a group", "write"),
    API(GET, "/audit", api_audit_list, "listAudit", "Audit records the caller may read", "read"),
    API(GET, "/tokens", api_tokens_list, "listTokens", "The caller's personal API tokens", "read"),
    API(DELETE, "/tokens/{id}", api_token_revoke, "revokeToken",
        "Revoke one of the caller's tokens", "write"),

    /* -- applications: page_applications.c, api_applications.c -- */
    /* -- end applications -- */

    /* -- departures, organisations ending: page_lifecycle.c, api_lifecycle.c -- */
    /* -- end lifecycle -- */

    /* -- periodic review: page_review.c, api_review.c -- */
    /* -- end review -- */

    /* -- bulk onboarding: page_import.c -- */
    /* -- end import -- */

    /* -- address verification, blocklist: page_mail.c -- */
    /* -- end mail -- */

    /* -- holidays: page_calendar.c -- */
    /* -- end calendar -- */
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);
