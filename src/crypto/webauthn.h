/* SPDX-License-Identifier: MIT */
/* WebAuthn (W3C Web Authentication Level 2) as a second factor: challenges, the parsers of
 * clientDataJSON, authenticatorData and the CBOR attestationObject (every length bounded), and
 * the relying-party checks of registration (§7.1) and assertion (§7.2) with libfido2 doing the
 * COSE key decoding and signature verification. Knows nothing of users, stores or the web. */
#ifndef GCAS_CRYPTO_WEBAUTHN_H
#define GCAS_CRYPTO_WEBAUTHN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;

#define WEBAUTHN_CHALLENGE_BYTES 32
#define WEBAUTHN_CHALLENGE_SIZE  48    /* base64url of 32 bytes is 43 characters + NUL */
#define WEBAUTHN_CRED_ID_MAX     1023  /* §6.5.1: credentialIdLength is at most 1023 */
#define WEBAUTHN_CRED_ID_SIZE    1368  /* base64url of 1023 bytes (1364) + NUL, rounded */
#define WEBAUTHN_PUBKEY_SIZE     512   /* "<COSE alg>:<base64url raw key>" + NUL */
#define WEBAUTHN_INPUT_MAX       16384 /* any one decoded input; real ones are < 2 KiB */

/* authenticatorData flags (§6.1). */
#define WEBAUTHN_FLAG_UP 0x01u
#define WEBAUTHN_FLAG_UV 0x04u
#define WEBAUTHN_FLAG_AT 0x40u
#define WEBAUTHN_FLAG_ED 0x80u

/* The relying party: its id (the host of base_url, §5.1.2) and its origin (scheme://host[:port]
 * of base_url, what clientDataJSON.origin must equal). */
struct webauthn_rp {
	char id[256];
	char origin[320];
};

/* Derive the relying party from the configured public URL ("https://host[:port][/path]").
 * GCAS_ERR_INVALID when the URL is not http(s) or its host is empty or too long. */
enum gcas_err webauthn_rp_from_url(const char *base_url, struct webauthn_rp *out);

/* A fresh challenge: base64url of 32 random bytes (§13.4.3: at least 16). GCAS_ERR_CRYPTO when
 * the kernel gives no randomness. */
enum gcas_err webauthn_challenge_new(char out[WEBAUTHN_CHALLENGE_SIZE]);

/* clientDataJSON (§5.8.1), the fields the relying party checks. */
struct webauthn_client_data {
	char type[32];
	char challenge[128];
	char origin[320];
	int cross_origin;
};
/* Parse clientDataJSON bytes (UTF-8 JSON object). GCAS_ERR_INVALID when it is not a JSON object,
 * longer than WEBAUTHN_INPUT_MAX, or type/challenge/origin is missing, not a string or too long
 * for its field. */
enum gcas_err webauthn_client_data_parse(const void *json, size_t n,
                                         struct webauthn_client_data *out);

/* authenticatorData (§6.1). The pointers point into the parsed input, which must outlive out. */
struct webauthn_auth_data {
	unsigned char rp_id_hash[32];
	uint8_t flags;
	uint32_t sign_count;
	int attested; /* AT set: the fields below are filled */
	unsigned char aaguid[16];
	const unsigned char *cred_id;
	size_t cred_id_len;
	const unsigned char *cose_key;
	size_t cose_key_len;
};
/* Parse authenticatorData: 37 fixed bytes, then attested credential data when AT is set (its
 * COSE key is measured with libcbor), then extensions when ED is set (one CBOR map). Trailing
 * bytes are refused. GCAS_ERR_INVALID on any malformation or an input over WEBAUTHN_INPUT_MAX. */
enum gcas_err webauthn_auth_data_parse(const void *p, size_t n, struct webauthn_auth_data *out);

/* attestationObject (§6.5.4): CBOR map {fmt, attStmt, authData}. */
struct webauthn_attestation {
	char fmt[16];
	int64_t alg;                                /* attStmt.alg (packed), 0 when absent */
	const unsigned char *sig, *x5c, *auth_data; /* into the decoded item; x5c = first cert */
	size_t sig_len, x5c_len, auth_data_len;
	unsigned char *att_stmt_cbor; /* attStmt re-serialised (for libfido2), owned */
	size_t att_stmt_cbor_len;
	struct webauthn_auth_data ad;
	void *item_; /* the libcbor item the pointers point into */
};
/* Parse an attestationObject. On GCAS_OK release out with webauthn_attestation_free (also safe
 * after an error). GCAS_ERR_INVALID on bad CBOR, a missing/duplicate/ill-typed member, trailing
 * bytes, an authData without attested credential data, or an input over WEBAUTHN_INPUT_MAX;
 * GCAS_ERR_NOMEM when libcbor cannot allocate. */
enum gcas_err webauthn_attestation_parse(const void *p, size_t n, struct webauthn_attestation *out);
void webauthn_attestation_free(struct webauthn_attestation *att);

/* A registered credential, in the text form the store keeps. */
struct webauthn_credential {
	char id[WEBAUTHN_CRED_ID_SIZE];        /* base64url credential id */
	char public_key[WEBAUTHN_PUBKEY_SIZE]; /* "<COSE alg>:<base64url of libfido2's raw key>" */
	uint32_t sign_count;
	uint8_t flags;
};

/* Registration (§7.1 steps 7-21 that apply to attestation "none" and "packed"): clientDataJSON
 * type "webauthn.create", its challenge equals the issued one, origin equals rp->origin, not
 * cross-origin; rpIdHash = SHA-256(rp->id); UP set; attested credential data present with a key
 * libfido2 can decode (ES256, ES384, RS256, EdDSA); for "packed" the attestation signature
 * verifies (x5c or self attestation). Attestation trust is not judged (a second factor only
 * proves possession). GCAS_OK fills out; GCAS_ERR_AUTH on any failed check; GCAS_ERR_INVALID
 * when an input is malformed or the format is unsupported. */
enum gcas_err webauthn_register_verify(const struct webauthn_rp *rp, const char *challenge,
                                       const void *client_data, size_t client_data_len,
                                       const void *att_obj, size_t att_obj_len,
                                       struct webauthn_credential *out);

/* The parts of an assertion response. */
struct webauthn_assertion {
	const void *client_data, *auth_data, *sig;
	size_t client_data_len, auth_data_len, sig_len;
};
/* Sign-in (§7.2 steps 11-21): clientDataJSON type "webauthn.get", challenge, origin; rpIdHash;
 * UP set; the signature over authData || SHA-256(clientDataJSON) verifies with public_key (the
 * stored text form); then the signature counter (§6.1.1): when either the stored or the new
 * count is non-zero the new one must be strictly greater. GCAS_OK sets *new_count;
 * GCAS_ERR_CONFLICT when everything verified but the counter did not advance (a possible cloned
 * authenticator: refuse and audit); GCAS_ERR_AUTH on any other failed check; GCAS_ERR_INVALID
 * on malformed input or a malformed stored key. */
enum gcas_err webauthn_assert_verify(const struct webauthn_rp *rp, const char *challenge,
                                     const char *public_key, int64_t stored_count,
                                     const struct webauthn_assertion *in, uint32_t *new_count);

/* The JSON a browser's PublicKeyCredential becomes in static/webauthn.js:
 * {"id": b64url, "type": "public-key", "response": {"clientDataJSON": b64url,
 *  "attestationObject": b64url} | {"clientDataJSON", "authenticatorData", "signature"}}.
 * Decoded buffers live in the arena. */
struct webauthn_response {
	const char *id; /* base64url credential id as sent */
	unsigned char *client_data, *att_obj, *auth_data, *sig;
	size_t client_data_len, att_obj_len, auth_data_len, sig_len;
};
/* Parse the posted JSON. GCAS_ERR_INVALID when it is not such an object, type is not
 * "public-key", a member is not valid base64url, or a decoded member exceeds
 * WEBAUTHN_INPUT_MAX; att_obj or auth_data/sig may be absent (NULL, 0) — the caller checks the
 * ones its ceremony needs. GCAS_ERR_NOMEM when the arena is full. */
enum gcas_err webauthn_response_parse(struct arena *a, const char *json, size_t n,
                                      struct webauthn_response *out);

#endif
