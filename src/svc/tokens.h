/* SPDX-License-Identifier: MIT */
/* Personal API tokens for automation: shown once, stored as a SHA-256 hash, scoped ("read",
 * "write"), expiring, revocable, and ended with the account. */
#ifndef GCAS_SVC_TOKENS_H
#define GCAS_SVC_TOKENS_H

#include "svc/auth.h"

#define API_TOKEN_PREFIX "gcas_pat_"

/* Create a token for the signed-in account (needs a fresh re-authentication). *secret gets the
 * token text, shown once. ttl_days 1..cfg->token_max_ttl/86400. */
enum gcas_err svc_token_create(const struct env *env, const struct actor *ac, struct arena *a,
                               const struct session_view *sv, const char *name, const char *scopes,
                               int64_t ttl_days, struct api_token *out, const char **secret,
                               struct verrs *ve);
enum gcas_err svc_token_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct api_token **out, size_t *n);
enum gcas_err svc_token_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                               const char *id);
/* Resolve "Authorization: Bearer <token>": the account must be active, the token unexpired and
 * unrevoked. Fills *acc and *tok. GCAS_ERR_AUTH otherwise. */
enum gcas_err svc_token_resolve(const struct env *env, struct arena *a, const char *secret,
                                struct account *acc, struct api_token *tok);
/* 1 when the token's scopes include scope. */
int token_has_scope(const char *scopes, const char *scope);

#endif
