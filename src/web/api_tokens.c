/* SPDX-License-Identifier: MIT */
/* /api/v1/tokens: the caller's own personal API tokens (never their hashes). Creating one needs
 * a fresh re-authentication in the browser (settings page), so the API only lists and revokes. */
#include "svc/tokens.h"
#include "web/api_common.h"
#include "web/handlers.h"

void api_tokens_list(struct web_ctx *c)
{
	struct api_token *toks;
	size_t n;
	enum gcas_err e = svc_token_list(c->env, &c->ac, c->a, &toks, &n);
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(items, api_token_json(&toks[i]));
	/* A person has few tokens: one page, the list shape kept for uniformity. */
	api_list_send(c, items, NULL);
}

void api_token_revoke(struct web_ctx *c)
{
	/* Another person's token id is not found (the store scopes revocation to the caller). */
	enum gcas_err e = svc_token_revoke(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		api_fail(c, e, NULL);
		return;
	}
	api_no_content(c);
}
