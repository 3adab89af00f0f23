/* SPDX-License-Identifier: MIT */
/* The route table: every URL the server answers, its handler, what kind of response it gives,
 * and who may reach it. Order matters where patterns overlap ("/accounts/new" before
 * "/accounts/{id}"). The OpenAPI document is generated from the API rows of this table. */
#include "web/handlers.h"

#define PAGE(m, p, f, auth)                                                                        \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PAGE, auth, NULL, NULL, NULL, NULL                           \
	}
#define PLAIN(m, p, f)                                                                             \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PLAIN, AUTH_NONE, NULL, NULL, NULL, NULL                     \
	}
#define PROTO(m, p, f)                                                                             \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PROTO, AUTH_NONE, NULL, NULL, NULL, NULL                     \
	}
/* Protocol endpoints whose every error, even for input the dispatcher cannot read, is in the
 * protocol's format: OAuth 2.0 (RFC 6749 §5.2) and SCIM (RFC 7644 §3.12). */
#define OAUTH(m, p, f)                                                                             \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PROTO, AUTH_NONE, NULL, NULL, NULL, proto_oidc_bad_input     \
	}
#define SCIM(m, p, f)                                                                              \
	{                                                                                          \
		HTTP_##m, p, f, ROUTE_PROTO, AUTH_NONE, NULL, NULL, NULL, proto_scim_bad_input     \
	}
#define API(m, p, f, op, summary, scope)                                                           \
	{                                                                                          \
		HTTP_##m, "/api/v1" p, f, ROUTE_API, AUTH_FULL, op, summary, scope, NULL           \
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
    /* R7.2: the operator's purpose for reading user information (regulation §5.2.2) */
    PAGE(GET, "/access-purpose", page_access_purpose_form, AUTH_FULL),
    PAGE(POST, "/access-purpose", page_access_purpose, AUTH_FULL),

    {HTTP_GET, "/api/v1/openapi.json", api_openapi, ROUTE_API, AUTH_NONE, "getOpenApi",
     "This API's OpenAPI 3.1 document", NULL, NULL},
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
    PAGE(GET, "/applications", page_applications, AUTH_FULL),
    PAGE(GET, "/applications/queue", page_applications_queue, AUTH_FULL),
    PAGE(GET, "/applications/new", page_application_new_form, AUTH_FULL),
    PAGE(POST, "/applications/new", page_application_new, AUTH_FULL),
    PAGE(GET, "/applications/{id}", page_application, AUTH_FULL),
    PAGE(GET, "/applications/{id}/declaration", page_application_declaration, AUTH_FULL),
    PAGE(POST, "/applications/{id}/{op}", page_application_action, AUTH_FULL),
    PAGE(GET, "/reports/slo", page_slo_report, AUTH_FULL),
    API(GET, "/applications", api_applications_list, "listApplications",
        "Applications the caller may see (filters: state, kind, awaiting_me, queue, overdue)",
        "read"),
    API(POST, "/applications", api_applications_create, "createApplication",
        "Apply to create, change, delete or re-enable an account, or end an organisation's use",
        "write"),
    API(GET, "/applications/{id}", api_application_get, "getApplication",
        "One application with its history and identity declaration", "read"),
    API(POST, "/applications/{id}/submit", api_application_submit, "submitApplication",
        "Submit a draft application (the applicant)", "write"),
    API(POST, "/applications/{id}/withdraw", api_application_withdraw, "withdrawApplication",
        "Withdraw a draft or submitted application (the applicant)", "write"),
    API(POST, "/applications/{id}/approve", api_application_approve, "approveApplication",
        "Approve a contractor manager's application", "write"),
    API(POST, "/applications/{id}/reject", api_application_reject, "rejectApplication",
        "Reject an application with a reason", "write"),
    API(POST, "/applications/{id}/fulfil", api_application_fulfil, "fulfilApplication",
        "Carry out an approved application (the operator)", "write"),
    API(POST, "/applications/{id}/fail", api_application_fail, "failApplication",
        "Record that an approved application cannot be carried out", "write"),
    API(GET, "/reports/slo", api_slo_report, "getSloReport",
        "The monthly service-level report of applications (R2.3)", "read"),
    /* -- end applications -- */

    /* -- departures, organisations ending: page_lifecycle.c, api_lifecycle.c -- */
    PAGE(GET, "/accounts/{id}/departure", page_departure_form, AUTH_FULL),
    PAGE(POST, "/accounts/{id}/departure", page_departure, AUTH_FULL),
    PAGE(GET, "/orgs/{id}/end", page_org_end_form, AUTH_FULL),
    PAGE(POST, "/orgs/{id}/end", page_org_end, AUTH_FULL),
    API(POST, "/accounts/{id}/departure", api_account_departure, "recordDeparture",
        "Record a departure: date kept, groups left, deletion applied for (R2.6)", "write"),
    API(POST, "/orgs/{id}/end", api_org_end, "applyOrgEnd",
        "Apply for an agency or project team to end its use (R2.9)", "write"),
    /* -- end lifecycle -- */

    /* -- periodic review: page_review.c, api_review.c -- */
    PAGE(GET, "/reviews", page_reviews, AUTH_FULL),
    PAGE(GET, "/reviews/new", page_review_new_form, AUTH_FULL),
    PAGE(POST, "/reviews/new", page_review_new, AUTH_FULL),
    PAGE(GET, "/reviews/{id}", page_review, AUTH_FULL),
    PAGE(GET, "/reviews/{id}/export.csv", page_review_export, AUTH_FULL),
    PAGE(POST, "/reviews/{id}/close", page_review_close, AUTH_FULL),
    PAGE(POST, "/reviews/{id}/items/{item}/decide", page_review_decide, AUTH_FULL),
    API(GET, "/reviews", api_reviews_list, "listReviews",
        "Periodic review campaigns the caller takes part in", "read"),
    API(POST, "/reviews", api_reviews_create, "createReview",
        "Open a periodic review campaign (operator)", "write"),
    API(GET, "/reviews/{id}/items", api_review_items, "listReviewItems",
        "Items of a review campaign the caller may see", "read"),
    API(POST, "/reviews/{id}/items/{item}/decision", api_review_decide, "decideReviewItem",
        "Decide keep, change or remove on a review item", "write"),
    /* -- end review -- */

    /* -- bulk onboarding: page_import.c -- */
    PAGE(GET, "/import", page_import_form, AUTH_FULL),
    PAGE(GET, "/import/template.csv", page_import_template, AUTH_FULL),
    PAGE(POST, "/import", page_import_upload, AUTH_FULL),
    API(POST, "/imports", api_imports_create, "createImport",
        "Bulk onboarding: a text/csv body of people, one create application per row "
        "(all or nothing; ?dry_run=true writes nothing)",
        "write"),
    /* -- end import -- */

    /* -- address verification, blocklist: page_mail.c -- */
    PAGE(GET, "/verify/{token}", page_verify_form, AUTH_NONE),
    PAGE(POST, "/verify/{token}", page_verify, AUTH_NONE),
    PAGE(GET, "/admin/mail-blocklist", page_mail_blocklist, AUTH_FULL),
    PAGE(POST, "/admin/mail-blocklist", page_mail_block_add, AUTH_FULL),
    PAGE(POST, "/admin/mail-blocklist/{id}/remove", page_mail_block_remove, AUTH_FULL),
    API(GET, "/mail-blocklist", api_mail_blocks_list, "listMailBlocks",
        "Refused addresses and patterns (operator)", "read"),
    API(POST, "/mail-blocklist", api_mail_blocks_create, "createMailBlock",
        "Refuse an address or a pattern such as ml-*@example.go.jp (operator)", "write"),
    API(DELETE, "/mail-blocklist/{id}", api_mail_block_remove, "deleteMailBlock",
        "Remove an entry from the blocklist (operator)", "write"),
    /* -- end mail -- */

    /* -- holidays: page_calendar.c -- */
    PAGE(GET, "/calendar", page_calendar, AUTH_FULL),
    PAGE(POST, "/calendar/import", page_calendar_import, AUTH_FULL),
    API(GET, "/calendar", api_calendar_get, "getCalendar",
        "A year's national holidays (computed or imported) and its business days", "read"),
    API(GET, "/calendar/business-days", api_calendar_business_days, "addBusinessDays",
        "The date n business days after (or before) a date", "read"),
    API(POST, "/calendar/import", api_calendar_import, "importCalendar",
        "Import the Cabinet Office holiday list: a text/csv body, UTF-8 or Shift_JIS "
        "(operator)",
        "write"),
    /* -- end calendar -- */

    /* -- system registration: page_systems.c, api_systems.c -- */
    PAGE(GET, "/systems", page_systems, AUTH_FULL),
    PAGE(GET, "/systems/{id}/history", page_system_history, AUTH_FULL),
    PAGE(GET, "/orgs/{id}/system", page_system_form, AUTH_FULL),
    PAGE(POST, "/orgs/{id}/system", page_system_save, AUTH_FULL),
    API(GET, "/systems", api_systems_list, "listSystems",
        "Registered systems the caller may see (R4.1)", "read"),
    API(GET, "/systems/{id}/history", api_system_history, "listSystemHistory",
        "Every kept version of a registered system, newest first", "read"),
    API(GET, "/projects/{id}/system", api_system_get, "getSystem",
        "A project team's registered system; ETag is its version", "read"),
    API(PUT, "/projects/{id}/system", api_system_put, "putSystem",
        "Register (no If-Match) or replace (If-Match or version: the version read; stale "
        "answers 409) a project team's system",
        "write"),
    /* -- end systems -- */

    /* -- environments: page_environments.c, page_local_cloud.c, api_environments.c -- */
    PAGE(GET, "/environments", page_environments, AUTH_FULL),
    PAGE(GET, "/environments/new", page_environment_new_form, AUTH_FULL),
    PAGE(POST, "/environments/new", page_environment_new, AUTH_FULL),
    PAGE(GET, "/environments/requests/{id}", page_env_request, AUTH_FULL),
    PAGE(POST, "/environments/requests/{id}/decide", page_env_request_decide, AUTH_FULL),
    PAGE(POST, "/environments/requests/{id}/fulfil", page_env_request_fulfil, AUTH_FULL),
    PAGE(GET, "/environments/{id}", page_environment, AUTH_FULL),
    PAGE(POST, "/environments/{id}/delete", page_environment_delete, AUTH_FULL),
    PAGE(GET, "/local-cloud/{id}", page_local_cloud, AUTH_FULL),
    API(GET, "/environments", api_environments_list, "listEnvironments",
        "CSP environments the caller may see (issue 4 §2)", "read"),
    API(GET, "/environments/{id}", api_environment_get, "getEnvironment", "One CSP environment",
        "read"),
    API(POST, "/environments/{id}/delete", api_environment_delete_request,
        "requestEnvironmentDeletion", "Request an active environment's deletion", "write"),
    API(GET, "/environment-requests", api_env_requests_list, "listEnvironmentRequests",
        "Environment requests the caller may see, newest first", "read"),
    API(POST, "/environment-requests", api_env_request_create, "createEnvironmentRequest",
        "Request a new environment (Idempotency-Key: a repeat answers with the first)", "write"),
    API(GET, "/environment-requests/{id}", api_env_request_get, "getEnvironmentRequest",
        "One environment request with its history", "read"),
    API(POST, "/environment-requests/{id}/approve", api_env_request_approve,
        "approveEnvironmentRequest", "The operator approves (due in 5 business days)", "write"),
    API(POST, "/environment-requests/{id}/reject", api_env_request_reject,
        "rejectEnvironmentRequest", "The operator rejects", "write"),
    API(POST, "/environment-requests/{id}/fulfil", api_env_request_fulfil,
        "fulfilEnvironmentRequest", "The operator runs the provisioning driver now", "write"),
    /* -- end environments -- */

    /* -- security keys (WebAuthn): page_auth.c, page_settings.c -- */
    PAGE(GET, "/signin/webauthn", page_signin_webauthn_form, AUTH_PARTIAL),
    PAGE(POST, "/signin/webauthn", page_signin_webauthn, AUTH_PARTIAL),
    PAGE(GET, "/settings/webauthn", page_settings_webauthn_form, AUTH_FULL),
    PAGE(POST, "/settings/webauthn", page_settings_webauthn, AUTH_FULL),
    PAGE(POST, "/settings/webauthn/{id}/remove", page_settings_webauthn_remove, AUTH_FULL),
    /* -- end webauthn -- */

    /* -- signing keys: page_keys.c, api_keys.c -- */
    PAGE(GET, "/keys", page_keys, AUTH_FULL),
    PAGE(POST, "/keys/rotate", page_keys_rotate, AUTH_FULL),
    PAGE(POST, "/keys/{kid}/revoke", page_keys_revoke, AUTH_FULL),
    /* -- end keys -- */

    /* -- OpenID Connect provider: proto_oidc.c, page_oidc_clients.c -- */
    PROTO(GET, "/.well-known/openid-configuration", proto_oidc_discovery),
    PROTO(GET, "/oidc/jwks", proto_oidc_jwks),
    PROTO(GET, "/oidc/authorize", proto_oidc_authorize),
    PROTO(POST, "/oidc/authorize", proto_oidc_authorize),
    OAUTH(POST, "/oidc/token", proto_oidc_token),
    PROTO(GET, "/oidc/userinfo", proto_oidc_userinfo),
    PROTO(POST, "/oidc/userinfo", proto_oidc_userinfo),
    OAUTH(POST, "/oidc/revoke", proto_oidc_revoke),
    PAGE(GET, "/sso/clients", page_oidc_clients, AUTH_FULL),
    PAGE(GET, "/sso/clients/new", page_oidc_client_new_form, AUTH_FULL),
    PAGE(POST, "/sso/clients/new", page_oidc_client_new, AUTH_FULL),
    PAGE(POST, "/sso/clients/{id}/disable", page_oidc_client_disable, AUTH_FULL),
    /* -- end oidc -- */

    /* -- SAML identity provider: proto_saml.c, page_saml_sps.c, page_local_cloud_saml.c -- */
    PROTO(GET, "/saml/metadata", proto_saml_metadata),
    PROTO(GET, "/saml/sso", proto_saml_sso_get),
    PROTO(POST, "/saml/sso", proto_saml_sso_post),
    PROTO(GET, "/saml/continue", proto_saml_continue),
    PROTO(GET, "/saml/idp-initiated", proto_saml_idp_initiated),
    PAGE(POST, "/console/{id}/signin", page_console_signin, AUTH_FULL),
    PAGE(GET, "/sso/sps", page_saml_sps, AUTH_FULL),
    PAGE(GET, "/sso/sps/new", page_saml_sp_new_form, AUTH_FULL),
    PAGE(POST, "/sso/sps/new", page_saml_sp_new, AUTH_FULL),
    PAGE(POST, "/sso/sps/{id}/disable", page_saml_sp_disable, AUTH_FULL),
    PROTO(GET, "/local-cloud/{id}/saml/metadata", proto_local_saml_metadata),
    PROTO(GET, "/local-cloud/{id}/saml/login", proto_local_saml_login),
    PROTO(POST, "/local-cloud/{id}/saml/acs", proto_local_saml_acs),
    /* -- end saml -- */

    /* -- CSP users, console: page_assignments.c, page_console.c, api_assignments.c -- */
    PAGE(GET, "/environments/{id}/assignments", page_assignments, AUTH_FULL),
    PAGE(POST, "/environments/{id}/assignments", page_assignment_add, AUTH_FULL),
    PAGE(POST, "/environments/{id}/assignments/{aid}/privilege", page_assignment_privilege,
         AUTH_FULL),
    PAGE(POST, "/environments/{id}/assignments/{aid}/revoke", page_assignment_revoke, AUTH_FULL),
    PAGE(GET, "/console", page_console, AUTH_FULL),
    API(GET, "/environments/{id}/assignments", api_assignments_list, "listAssignments",
        "CSP users of an environment with their SCIM push state (issue 4 §3)", "read"),
    API(POST, "/environments/{id}/assignments", api_assignments_create, "createAssignment",
        "Assign a person to an environment with admin or general privilege", "write"),
    API(POST, "/environments/{id}/assignments/{aid}/revoke", api_assignment_revoke,
        "revokeAssignment", "Revoke an assignment (its CSP user goes inactive)", "write"),
    /* -- end assignments -- */

    /* -- SCIM 2.0 service provider: proto_scim.c -- */
    /* /scim/v2: the gcas directory for identity stores that pull (personal API token) */
    SCIM(GET, "/scim/v2/ServiceProviderConfig", proto_scim_spc),
    SCIM(GET, "/scim/v2/Schemas", proto_scim_schemas),
    SCIM(GET, "/scim/v2/Schemas/{id}", proto_scim_schema),
    SCIM(GET, "/scim/v2/ResourceTypes", proto_scim_types),
    SCIM(GET, "/scim/v2/ResourceTypes/{id}", proto_scim_type),
    SCIM(GET, "/scim/v2/Users", proto_scim_list),
    SCIM(POST, "/scim/v2/Users", proto_scim_create),
    SCIM(POST, "/scim/v2/Users/.search", proto_scim_search),
    SCIM(GET, "/scim/v2/Users/{id}", proto_scim_get),
    SCIM(PUT, "/scim/v2/Users/{id}", proto_scim_replace),
    SCIM(PATCH, "/scim/v2/Users/{id}", proto_scim_patch),
    SCIM(DELETE, "/scim/v2/Users/{id}", proto_scim_delete),
    SCIM(GET, "/scim/v2/Groups", proto_scim_list),
    SCIM(POST, "/scim/v2/Groups", proto_scim_create),
    SCIM(POST, "/scim/v2/Groups/.search", proto_scim_search),
    SCIM(GET, "/scim/v2/Groups/{id}", proto_scim_get),
    SCIM(PUT, "/scim/v2/Groups/{id}", proto_scim_replace),
    SCIM(PATCH, "/scim/v2/Groups/{id}", proto_scim_patch),
    SCIM(DELETE, "/scim/v2/Groups/{id}", proto_scim_delete),
    /* a local environment's identity store, where gcas's SCIM client pushes */
    SCIM(GET, "/local-cloud/{env}/scim/v2/ServiceProviderConfig", proto_scim_spc),
    SCIM(GET, "/local-cloud/{env}/scim/v2/Schemas", proto_scim_schemas),
    SCIM(GET, "/local-cloud/{env}/scim/v2/Schemas/{id}", proto_scim_schema),
    SCIM(GET, "/local-cloud/{env}/scim/v2/ResourceTypes", proto_scim_types),
    SCIM(GET, "/local-cloud/{env}/scim/v2/ResourceTypes/{id}", proto_scim_type),
    SCIM(GET, "/local-cloud/{env}/scim/v2/Users", proto_scim_list),
    SCIM(POST, "/local-cloud/{env}/scim/v2/Users", proto_scim_create),
    SCIM(POST, "/local-cloud/{env}/scim/v2/Users/.search", proto_scim_search),
    SCIM(GET, "/local-cloud/{env}/scim/v2/Users/{id}", proto_scim_get),
    SCIM(PUT, "/local-cloud/{env}/scim/v2/Users/{id}", proto_scim_replace),
    SCIM(PATCH, "/local-cloud/{env}/scim/v2/Users/{id}", proto_scim_patch),
    SCIM(DELETE, "/local-cloud/{env}/scim/v2/Users/{id}", proto_scim_delete),
    SCIM(GET, "/local-cloud/{env}/scim/v2/Groups", proto_scim_list),
    SCIM(POST, "/local-cloud/{env}/scim/v2/Groups", proto_scim_create),
    SCIM(POST, "/local-cloud/{env}/scim/v2/Groups/.search", proto_scim_search),
    SCIM(GET, "/local-cloud/{env}/scim/v2/Groups/{id}", proto_scim_get),
    SCIM(PUT, "/local-cloud/{env}/scim/v2/Groups/{id}", proto_scim_replace),
    SCIM(PATCH, "/local-cloud/{env}/scim/v2/Groups/{id}", proto_scim_patch),
    SCIM(DELETE, "/local-cloud/{env}/scim/v2/Groups/{id}", proto_scim_delete),
    /* -- end scim -- */

    /* -- BreakGlass records seen from the main server: page_breakglass.c -- */
    PAGE(GET, "/breakglass", page_breakglass, AUTH_FULL),
    PAGE(POST, "/breakglass/registrations", page_breakglass_register, AUTH_FULL),
    PAGE(POST, "/breakglass/registrations/{id}/remove", page_breakglass_unregister, AUTH_FULL),
    PAGE(GET, "/breakglass/requests/{id}", page_breakglass_request, AUTH_FULL),
    /* The local cloud's emergency sign-in (page_local_cloud_bg.c; the BreakGlass listener
     * serves it too, for when this server is down). */
    PAGE(GET, "/local-cloud/{id}/emergency-signin", page_local_cloud_bg_form, AUTH_NONE),
    PAGE(POST, "/local-cloud/{id}/emergency-signin", page_local_cloud_bg_signin, AUTH_NONE),
    /* -- end breakglass -- */
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);
