/* SPDX-License-Identifier: MIT */
/* Use cases for the OIDC and SAML signing keys (issue 4 §4): list, generate, rotate, revoke,
 * and the first keys `gcas init` makes. The operator's (ACT_KEYS_MANAGE); each change is one
 * transaction with its audit record ("keys.generate", "keys.rotate", "keys.revoke"; the detail
 * names use, alg and times, never key material). After the commit the local signer's cache is
 * dropped; other nodes pick the change up within the signer's refresh interval, which is why a
 * rotation's new key waits (delay) before it signs: see signer.h. */
#ifndef GCAS_SVC_KEYS_H
#define GCAS_SVC_KEYS_H

#include "signer/signer.h"
#include "svc/env.h"

/* The longest a rotation may wait, and the longest a generated key may wait to activate. */
#define KEYS_MAX_DELAY (30LL * 86400)

/* Every key, newest first, with its state at now. DENIED (audited). */
enum gcas_err svc_keys_list(const struct env *env, const struct actor *ac, struct arena *a,
                            struct key_info **out, size_t *n);
/* A new key of use ("oidc"|"saml") and alg ("RS256"|"ES256"; SAML keys are RS256). It signs
 * after delay seconds (0: at once; published from now either way). kid_out: 64 bytes.
 * INVALID with ve (fields "use", "alg", "delay"); DENIED (audited); CRYPTO; DB. */
enum gcas_err svc_keys_generate(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *use, const char *alg, int64_t delay, char kid_out[64],
                                struct verrs *ve);
/* Rotate use/alg: a new key published now and signing after delay seconds (delay < 0: the
 * default, svc_keys_default_delay), the current one retired then and published for
 * svc_keys_grace more. CONFLICT (also in ve) while an earlier rotation is still pending.
 * Otherwise as svc_keys_generate. */
enum gcas_err svc_keys_rotate(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *use, const char *alg, int64_t delay, char kid_out[64],
                              struct verrs *ve);
/* Revoke kid now (a compromised key): it stops signing and leaves the JWKS / metadata at once.
 * NOTFOUND (no such key, or revoked already); DENIED (audited). */
enum gcas_err svc_keys_revoke(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *kid);
/* `gcas init`: when there is no key at all, make the first OIDC RS256, OIDC ES256 and SAML keys
 * (active at once) in one transaction; *made = how many (0 when keys exist: idempotent).
 * DENIED unless the actor may manage keys. */
enum gcas_err svc_keys_bootstrap(const struct env *env, const struct actor *ac, int *made);

/* Two refresh intervals of the signer: every node has re-read the keys (and publishes the new
 * one) before it signs. */
int64_t svc_keys_default_delay(const struct env *env);
/* How long a retired key stays published: the longest lifetime of what it signed (access and
 * ID tokens: oidc_access_ttl; SAML assertions: saml_assertion_ttl) plus a minute for clocks. */
int64_t svc_keys_grace(const struct env *env);

#endif
