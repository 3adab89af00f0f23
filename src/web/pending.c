/* SPDX-License-Identifier: MIT */
/* Handlers being written: each answers 501 until its file replaces it. Delete this file
   when it is empty. */
#include "web/handlers.h"

static void pending(struct web_ctx *c)
{
	web_problem(c, 501, "Not Implemented", "This operation is being built.", NULL);
}

void page_orgs(struct web_ctx *c)
{
	pending(c);
}

void page_org_new_form(struct web_ctx *c)
{
	pending(c);
}

void page_org_new(struct web_ctx *c)
{
	pending(c);
}

void page_org(struct web_ctx *c)
{
	pending(c);
}

void page_org_rename(struct web_ctx *c)
{
	pending(c);
}

void page_accounts(struct web_ctx *c)
{
	pending(c);
}

void page_account_new_form(struct web_ctx *c)
{
	pending(c);
}

void page_account_new(struct web_ctx *c)
{
	pending(c);
}

void page_account(struct web_ctx *c)
{
	pending(c);
}

void page_account_edit_form(struct web_ctx *c)
{
	pending(c);
}

void page_account_edit(struct web_ctx *c)
{
	pending(c);
}

void page_account_status(struct web_ctx *c)
{
	pending(c);
}

void page_account_reset(struct web_ctx *c)
{
	pending(c);
}

void page_account_setup_link(struct web_ctx *c)
{
	pending(c);
}

void page_groups(struct web_ctx *c)
{
	pending(c);
}

void page_group(struct web_ctx *c)
{
	pending(c);
}

void page_group_member_add(struct web_ctx *c)
{
	pending(c);
}

void page_group_member_remove(struct web_ctx *c)
{
	pending(c);
}

void page_audit(struct web_ctx *c)
{
	pending(c);
}

void page_settings(struct web_ctx *c)
{
	pending(c);
}

void page_settings_password(struct web_ctx *c)
{
	pending(c);
}

void page_settings_totp_form(struct web_ctx *c)
{
	pending(c);
}

void page_settings_totp(struct web_ctx *c)
{
	pending(c);
}

void page_settings_token_create(struct web_ctx *c)
{
	pending(c);
}

void page_settings_token_revoke(struct web_ctx *c)
{
	pending(c);
}

void api_openapi(struct web_ctx *c)
{
	pending(c);
}

void api_me(struct web_ctx *c)
{
	pending(c);
}

void api_orgs_list(struct web_ctx *c)
{
	pending(c);
}

void api_orgs_create(struct web_ctx *c)
{
	pending(c);
}

void api_org_get(struct web_ctx *c)
{
	pending(c);
}

void api_org_update(struct web_ctx *c)
{
	pending(c);
}

void api_accounts_list(struct web_ctx *c)
{
	pending(c);
}

void api_accounts_create(struct web_ctx *c)
{
	pending(c);
}

void api_account_get(struct web_ctx *c)
{
	pending(c);
}

void api_account_update(struct web_ctx *c)
{
	pending(c);
}

void api_account_disable(struct web_ctx *c)
{
	pending(c);
}

void api_account_enable(struct web_ctx *c)
{
	pending(c);
}

void api_account_delete(struct web_ctx *c)
{
	pending(c);
}

void api_account_reset_factors(struct web_ctx *c)
{
	pending(c);
}

void api_account_setup_link(struct web_ctx *c)
{
	pending(c);
}

void api_groups_list(struct web_ctx *c)
{
	pending(c);
}

void api_group_get(struct web_ctx *c)
{
	pending(c);
}

void api_group_member_add(struct web_ctx *c)
{
	pending(c);
}

void api_group_member_remove(struct web_ctx *c)
{
	pending(c);
}

void api_audit_list(struct web_ctx *c)
{
	pending(c);
}

void api_tokens_list(struct web_ctx *c)
{
	pending(c);
}

void api_token_revoke(struct web_ctx *c)
{
	pending(c);
}
