/* SPDX-License-Identifier: MIT */
/* Key custody (issue 4 §4): the OIDC and SAML signing keys, kept in the database encrypted under
 * the key of [keys] key_file, decrypted only here. Callers sign through this module and never
 * hold an OIDC private key; SAML (Lasso) is the exception, it needs the PEM (see
 * signer_saml_current). Keys rotate without downtime: a new key is published before it signs,
 * and a retired key stays published until every token it signed has expired. */
#ifndef GCAS_SIGNER_SIGNER_H
#define GCAS_SIGNER_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "store/store.h"

enum key_use { KEY_USE_OIDC, KEY_USE_SAML, KEY_USE__MAX };
/* RS256 is what every RP and SP accepts (OIDC Core §15.1 makes it mandatory); ES256 is offered
 * to clients that register id_token_signed_response_alg = ES256. SAML keys are RSA only. */
enum key_alg { KEY_ALG_RS256, KEY_ALG_ES256, KEY_ALG__MAX };
/* pending: published, not yet signing (activates at activate_at); active: signs;
 * retired: no longer signs, published until publish_until; destroyed: private key wiped. */
enum key_state { KEY_PENDING, KEY_ACTIVE, KEY_RETIRED, KEY_DESTROYED, KEY_STATE__MAX };

const char *key_use_name(enum key_use u);            /* "oidc", "saml" */
const char *key_alg_name(enum key_alg a);            /* "RS256", "ES256" */
const char *key_state_name(enum key_state s);        /* "pending", ... */
int key_use_parse(const char *s, enum key_use *out); /* 0 or -1 */
int key_alg_parse(const char *s, enum key_alg *out);

/* A key as listed (no private material). Strings live in the arena given to the call. */
struct key_info {
	const char *kid; /* RFC 7638 JWK thumbprint, base64url */
	enum key_use use;
	enum key_alg alg;
	enum key_state state;
	const char *public_pem;
	const char *cert_pem; /* SAML: self-signed X.509 certificate; NULL for OIDC */
	int64_t created_at, activate_at, retired_at, publish_until; /* 0: not set */
};

struct signer;

/* Opens the signer over st with the key-encryption key kek (32 bytes; copied). Keys are read
 * lazily and re-read at most every refresh_ttl seconds (0: 30 s), so a rotation made by
 * `gcas keys` on any node reaches every node within that time. Thread-safe after open.
 * Errors: NOMEM. */
enum gcas_err signer_open(struct store *st, const unsigned char kek[32], int64_t refresh_ttl,
                          struct signer **out);
void signer_free(struct signer *s);
/* Drop the cache so the next call re-reads the keys (after a rotation on this node; call it
 * again after the transaction that changed the keys has committed). */
void signer_invalidate(struct signer *s);
/* The refresh interval given to signer_open (after its default was applied). */
int64_t signer_refresh_ttl(const struct signer *s);
/* The subject CN of the certificates of SAML keys generated from now on: the host of base_url
 * (e.g. "https://gcas.example.go.jp:8443/" → "gcas.example.go.jp"); "gcas" until set. */
void signer_set_cert_subject(struct signer *s, const char *base_url);
/* The RFC 7638 thumbprint (base64url SHA-256 of the required members in lexicographic order,
 * §3.2) of a JWK given as JSON text: kty RSA (e, n) or EC (crv, x, y). This is how every kid
 * here is made. Errors: INVALID (not a JWK of those kinds). */
enum gcas_err signer_jwk_thumbprint(const char *jwk_json, char kid_out[64]);

/* Compact JWS (RFC 7515 §7.1) over payload (a JSON object text) with the active key of use
 * OIDC and alg at now; header {"alg","kid","typ"} (typ NULL: omitted). *out is malloc'd, the
 * caller frees it. Errors: NOTFOUND (no active key of that alg: run `gcas keys generate`),
 * CRYPTO (decryption with the wrong key_file, signing failed), NOMEM. */
enum gcas_err signer_jws_sign(struct signer *s, int64_t now, enum key_alg alg, const char *typ,
                              const char *payload, size_t payload_len, char **out);
/* Verify a compact JWS signed by one of our published OIDC keys (id_token_hint, tests).
 * *payload (malloc'd) is the decoded payload. Errors: AUTH (bad signature, unknown kid, alg
 * "none" or not ours), INVALID (malformed), NOMEM. */
enum gcas_err signer_jws_verify(struct signer *s, int64_t now, const char *jws, size_t len,
                                char **payload, size_t *payload_len);
/* The JWK Set (RFC 7517 §5) of every published OIDC key at now (pending, active, retired
 * before publish_until), as JSON text; malloc'd. Errors: NOMEM, DB. */
enum gcas_err signer_jwks(struct signer *s, int64_t now, char **out);

/* The SAML key that signs at now: kid, private key PEM (PKCS#8, unencrypted) and certificate
 * PEM, copied into a; the key PEM is wiped by an arena_defer when a is freed. Never log it.
 * certs/ncerts: every published SAML certificate (for metadata), the active one first.
 * Errors: NOTFOUND, CRYPTO, NOMEM. */
struct signer_saml {
	const char *kid, *key_pem, *cert_pem;
	const char **certs;
	size_t ncerts;
};
enum gcas_err signer_saml_current(struct signer *s, int64_t now, struct arena *a,
                                  struct signer_saml *out);

/* Rotation without downtime. Every node caches the keys for refresh_ttl, so a key must be
 * visible to all of them before it signs, and every token signed with the old key must still
 * verify until it expires:
 *   t0            rotate: the new key K2 is inserted as pending with activate_at = t0 + delay
 *                 (delay >= 2 x refresh_ttl: every node has re-read the keys and publishes K2
 *                 in its JWKS / metadata before anything is signed with it); the active key K1
 *                 gets retired_at = t0 + delay and publish_until = t0 + delay + grace.
 *   t0 + delay    K2 signs, K1 stops signing (both decided by the times, on every node alike;
 *                 no second command, no node has to be told).
 *   ... + grace   K1 leaves the JWKS / metadata: grace is the longest lifetime of anything K1
 *                 signed (max of oidc_access_ttl, the ID-token lifetime, saml_assertion_ttl).
 * A compromised key is revoked instead: it stops signing and leaves the JWKS at once (its
 * tokens stop verifying, which is the point), and the private key is erased from the row.
 * The state column is the last state written; what a key does at a moment follows from its
 * times (pending before activate_at, active until retired_at, retired until publish_until).
 *
 * Key management (called by svc/keys.c inside its use case; audit is the caller's).
 * Generate: a new key of use/alg; with activate_at <= now it signs at once (first key), else it
 * is published now and signs from activate_at. Rotate: generate a pending key activating at
 * now + delay and retire the current active one at that moment, keeping it published for
 * grace seconds after (the longest lifetime of what it signed). kid_out: 64 bytes.
 * Errors: INVALID (SAML with ES256), CRYPTO, DB, NOMEM. */
enum gcas_err signer_key_generate(struct signer *s, struct db *db, int64_t now, enum key_use use,
                                  enum key_alg alg, int64_t activate_at, char kid_out[64]);
enum gcas_err signer_key_rotate(struct signer *s, struct db *db, int64_t now, enum key_use use,
                                enum key_alg alg, int64_t delay, int64_t grace, char kid_out[64]);
/* Rotate also fails with CONFLICT when a rotation of that use/alg is still pending (its new
 * key has not activated yet); with no active key to replace, the new key signs at once.
 * Stop using and publishing kid now (a compromised key). NOTFOUND (none, or revoked already). */
enum gcas_err signer_key_revoke(struct signer *s, struct db *db, int64_t now, const char *kid);
/* Every key, newest first; state is the one at clock_now(). */
enum gcas_err signer_key_list(struct db *db, struct arena *a, struct key_info **out, size_t *n);

/* Symmetric sealing of small secrets at rest (TOTP secrets, SCIM bearer tokens, emergency
 * credentials) under a key derived from kek for purpose (a short label, bound as AAD).
 * seal: *out is text (base64url) allocated in a. open: plaintext NUL-terminated in a.
 * Errors: CRYPTO (tampered or wrong key), INVALID, NOMEM. */
enum gcas_err signer_seal(struct signer *s, struct arena *a, const char *purpose, const void *plain,
                          size_t len, char **out);
enum gcas_err signer_unseal(struct signer *s, struct arena *a, const char *purpose,
                            const char *sealed, char **plain, size_t *len);

#endif
