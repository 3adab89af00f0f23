/* SPDX-License-Identifier: MIT */
/* Every handler named in the route table (routes.c). page_* render HTML, api_* answer JSON,
 * plain_* serve health, metrics and static files. */
#ifndef GCAS_WEB_HANDLERS_H
#define GCAS_WEB_HANDLERS_H

#include "web/web.h"

#define H(name) void name(struct web_ctx *c);
/* clang-format off */
#define HANDLERS(X) \
	X(plain_healthz) \
	X(plain_readyz) \
	X(plain_metrics) \
	X(plain_static) \
	X(page_home) \
	X(page_signin_form) \
	X(page_signin) \
	X(page_factor_form) \
	X(page_factor) \
	X(page_enrol_form) \
	X(page_enrol) \
	X(page_signout) \
	X(page_setup_form) \
	X(page_setup) \
	X(page_reauth_form) \
	X(page_reauth) \
	X(page_orgs) \
	X(page_org_new_form) \
	X(page_org_new) \
	X(page_org) \
	X(page_org_rename) \
	X(page_accounts) \
	X(page_account_new_form) \
	X(page_account_new) \
	X(page_account) \
	X(page_account_edit_form) \
	X(page_account_edit) \
	X(page_account_status) \
	X(page_account_reset) \
	X(page_account_setup_link) \
	X(page_groups) \
	X(page_group) \
	X(page_group_member_add) \
	X(page_group_member_remove) \
	X(page_audit) \
	X(page_settings) \
	X(page_settings_password) \
	X(page_settings_totp_form) \
	X(page_settings_totp) \
	X(page_settings_token_create) \
	X(page_settings_token_revoke) \
	X(page_access_purpose_form) \
	X(page_access_purpose) \
	X(api_openapi) \
	X(api_me) \
	X(api_orgs_list) \
	X(api_orgs_create) \
	X(api_org_get) \
	X(api_org_update) \
	X(api_accounts_list) \
	X(api_accounts_create) \
	X(api_account_get) \
	X(api_account_update) \
	X(api_account_disable) \
	X(api_account_enable) \
	X(api_account_delete) \
	X(api_account_reset_factors) \
	X(api_account_setup_link) \
	X(api_groups_list) \
	X(api_group_get) \
	X(api_group_member_add) \
	X(api_group_member_remove) \
	X(api_audit_list) \
	X(api_tokens_list) \
	X(api_token_revoke) \
	HANDLERS_APPLICATIONS(X) \
	HANDLERS_LIFECYCLE(X) \
	HANDLERS_REVIEW(X) \
	HANDLERS_IMPORT(X) \
	HANDLERS_MAIL(X) \
	HANDLERS_CALENDAR(X) \
	HANDLERS_SYSTEMS(X) \
	HANDLERS_ENVIRONMENTS(X) \
	HANDLERS_WEBAUTHN(X) \
	HANDLERS_KEYS(X) \
	HANDLERS_OIDC(X) \
	HANDLERS_SAML(X) \
	HANDLERS_ASSIGNMENTS(X) \
	HANDLERS_SCIM(X) \
	HANDLERS_BREAKGLASS(X)
/* applications: page_applications.c, api_applications.c */
#define HANDLERS_APPLICATIONS(X) \
	X(page_applications) \
	X(page_applications_queue) \
	X(page_application_new_form) \
	X(page_application_new) \
	X(page_application) \
	X(page_application_action) \
	X(page_application_declaration) \
	X(page_slo_report) \
	X(api_applications_list) \
	X(api_applications_create) \
	X(api_application_get) \
	X(api_application_submit) \
	X(api_application_withdraw) \
	X(api_application_approve) \
	X(api_application_reject) \
	X(api_application_fulfil) \
	X(api_application_fail) \
	X(api_slo_report)
/* departures, organisations ending: page_lifecycle.c, api_lifecycle.c */
#define HANDLERS_LIFECYCLE(X) \
	X(page_departure_form) \
	X(page_departure) \
	X(page_org_end_form) \
	X(page_org_end) \
	X(api_account_departure) \
	X(api_org_end)
/* periodic review: page_review.c, api_review.c */
#define HANDLERS_REVIEW(X) \
	X(page_reviews) \
	X(page_review_new_form) \
	X(page_review_new) \
	X(page_review) \
	X(page_review_export) \
	X(page_review_close) \
	X(page_review_decide) \
	X(api_reviews_list) \
	X(api_reviews_create) \
	X(api_review_items) \
	X(api_review_decide)
/* bulk onboarding: page_import.c, api_import.c */
#define HANDLERS_IMPORT(X) \
	X(page_import_form) \
	X(page_import_upload) \
	X(page_import_template) \
	X(api_imports_create)
/* address verification, blocklist: page_mail.c, api_mail.c */
#define HANDLERS_MAIL(X) \
	X(page_verify_form) \
	X(page_verify) \
	X(page_mail_blocklist) \
	X(page_mail_block_add) \
	X(page_mail_block_remove) \
	X(api_mail_blocks_list) \
	X(api_mail_blocks_create) \
	X(api_mail_block_remove)
/* holidays: page_calendar.c, api_calendar.c */
#define HANDLERS_CALENDAR(X) \
	X(page_calendar) \
	X(page_calendar_import) \
	X(api_calendar_get) \
	X(api_calendar_business_days) \
	X(api_calendar_import)
/* system registration: page_systems.c, api_systems.c */
#define HANDLERS_SYSTEMS(X) \
	X(page_systems) \
	X(page_system_form) \
	X(page_system_save) \
	X(page_system_history) \
	X(api_systems_list) \
	X(api_system_get) \
	X(api_system_put) \
	X(api_system_history)
/* CSP environments: page_environments.c, page_local_cloud.c, api_environments.c */
#define HANDLERS_ENVIRONMENTS(X) \
	X(page_environments) \
	X(page_environment_new_form) \
	X(page_environment_new) \
	X(page_environment) \
	X(page_environment_delete) \
	X(page_env_request) \
	X(page_env_request_decide) \
	X(page_env_request_fulfil) \
	X(page_local_cloud) \
	X(api_environments_list) \
	X(api_environment_get) \
	X(api_environment_delete_request) \
	X(api_env_requests_list) \
	X(api_env_request_create) \
	X(api_env_request_get) \
	X(api_env_request_approve) \
	X(api_env_request_reject) \
	X(api_env_request_fulfil)
/* security keys (WebAuthn): page_auth.c, page_settings.c */
#define HANDLERS_WEBAUTHN(X) \
	X(page_signin_webauthn_form) \
	X(page_signin_webauthn) \
	X(page_settings_webauthn_form) \
	X(page_settings_webauthn) \
	X(page_settings_webauthn_remove)
/* keys: page_keys.c, api_keys.c */
#define HANDLERS_KEYS(X) \
	X(page_keys) \
	X(page_keys_rotate) \
	X(page_keys_revoke)
/* oidc: proto_oidc.c (discovery, jwks, authorize, token, userinfo), page_oidc_clients.c */
#define HANDLERS_OIDC(X) \
	X(proto_oidc_discovery) \
	X(proto_oidc_jwks) \
	X(proto_oidc_authorize) \
	X(proto_oidc_token) \
	X(proto_oidc_userinfo) \
	X(proto_oidc_revoke) \
	X(page_oidc_clients) \
	X(page_oidc_client_new_form) \
	X(page_oidc_client_new) \
	X(page_oidc_client_disable)
/* saml: proto_saml.c (metadata, SSO, IdP-initiated), page_saml_sps.c, page_local_cloud_saml.c */
#define HANDLERS_SAML(X) \
	X(proto_saml_metadata) \
	X(proto_saml_sso_get) \
	X(proto_saml_sso_post) \
	X(proto_saml_continue) \
	X(proto_saml_idp_initiated) \
	X(page_console_signin) \
	X(page_saml_sps) \
	X(page_saml_sp_new_form) \
	X(page_saml_sp_new) \
	X(page_saml_sp_disable) \
	X(proto_local_saml_metadata) \
	X(proto_local_saml_login) \
	X(proto_local_saml_acs)
/* assignments and console: page_assignments.c, page_console.c, api_assignments.c */
#define HANDLERS_ASSIGNMENTS(X) \
	X(page_assignments) \
	X(page_assignment_add) \
	X(page_assignment_privilege) \
	X(page_assignment_revoke) \
	X(page_console) \
	X(api_assignments_list) \
	X(api_assignments_create) \
	X(api_assignment_revoke)
/* scim: proto_scim.c (/scim/v2 and /local-cloud/{id}/scim/v2) */
#define HANDLERS_SCIM(X) \
	X(proto_scim_spc) \
	X(proto_scim_schemas) \
	X(proto_scim_schema) \
	X(proto_scim_types) \
	X(proto_scim_type) \
	X(proto_scim_list) \
	X(proto_scim_create) \
	X(proto_scim_search) \
	X(proto_scim_get) \
	X(proto_scim_replace) \
	X(proto_scim_patch) \
	X(proto_scim_delete)
/* breakglass: page_breakglass.c (main server views; the listener has its own table) */
#define HANDLERS_BREAKGLASS(X) \
	X(page_breakglass) \
	X(page_breakglass_register) \
	X(page_breakglass_unregister) \
	X(page_breakglass_request) \
	X(page_local_cloud_bg_form) \
	X(page_local_cloud_bg_signin) \
	X(page_bg_home) \
	X(page_bg_signin_form) \
	X(page_bg_signin) \
	X(page_bg_enrol) \
	X(page_bg_signout) \
	X(page_bg_request_form) \
	X(page_bg_request) \
	X(page_bg_request_view) \
	X(page_bg_decide) \
	X(page_bg_revoke) \
	X(page_bg_issue)
/* clang-format on */
HANDLERS(H)
#undef H

/* R7.2 (page_access_purpose.c): the operator's purpose for reading user information. Each gate
 * returns 0 when the request may go on — having set c->ac.purpose (arena) for an operator, so
 * the read use case audits it — or -1 once it has answered: a page sends an operator without a
 * live session purpose to /access-purpose?next=<this page> (303); an API request needs the
 * GCAS-Access-Purpose header ("<category>; <reason>") or, with a session, the session's purpose,
 * else 428 problem+json. Other roles pass untouched. */
int purpose_gate_page(struct web_ctx *c);
/* As purpose_gate_page, the form returning to next (a same-site path): for a POST whose
 * re-rendered page shows user information, returning to the page the form was on. */
int purpose_gate_page_next(struct web_ctx *c, const char *next);
/* Where no purpose is asked for (a page showing user information only in part, a workflow
 * read): sets c->ac.purpose from an API request's GCAS-Access-Purpose header (a bad one is
 * answered 428 as by purpose_gate_api) or else the session's live purpose, when there is one;
 * never redirects. 0, or -1 once it has answered (428, a store failure). */
int purpose_peek(struct web_ctx *c);
int purpose_gate_api(struct web_ctx *c);
/* A page's notice of the declared purpose (c->ac.purpose) and when it ends; nothing when none. */
void purpose_notice(struct web_ctx *c);

/* The route_fail_fn of the OAuth token and revocation endpoints (proto_oidc.c) and of the
 * SCIM endpoints (proto_scim.c). */
void proto_oidc_bad_input(struct web_ctx *c, int status, const char *detail);
void proto_scim_bad_input(struct web_ctx *c, int status, const char *detail);

#endif
