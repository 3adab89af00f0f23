/* SPDX-License-Identifier: MIT */
/* Shared between the signer's own files: key material (generation, encodings, JWK thumbprint,
 * the SAML certificate), the JWS primitives and the sealing AEAD. Nothing outside src/signer
 * includes this header. */
#ifndef GCAS_SIGNER_INTERNAL_H
#define GCAS_SIGNER_INTERNAL_H

#include <openssl/evp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "signer/signer.h"

/* --- signer.c --- */
struct keyset;
struct signer {
	struct store *st;
	unsigned char kek[32];
	unsigned char kkey[32]; /* subkey sealing the signing keys' private halves */
	int64_t ttl;
	pthread_mutex_t mu; /* guards cur, gen, loading and cn; never held while signing */
	struct keyset *cur;
	unsigned gen; /* bumped by signer_invalidate: a set loaded under an older gen is stale */
	int loading;
	char cn[256];
};
/* What a key does at now, from its times (see signer.h on rotation). */
enum key_state key_state_at(int destroyed, int64_t activate_at, int64_t retired_at, int64_t now);
/* The AAD binding a sealed private key to its row: "kid|use|alg". */
void key_aad(char *out, size_t cap, const char *kid, const char *use, const char *alg);

/* --- keymat.c --- */
/* A fresh key: RSA-2048 (RS256) or P-256 (ES256). CRYPTO. */
enum gcas_err km_generate(enum key_alg alg, EVP_PKEY **out);
/* The public JWK members of k (kty+n+e or kty+crv+x+y) as compact JSON text in out; the kid
 * (RFC 7638 thumbprint) into kid[64]. CRYPTO, NOMEM. */
enum gcas_err km_jwk(EVP_PKEY *k, char *out, size_t cap, char kid[64]);
/* PEM encodings (malloc'd text): SubjectPublicKeyInfo, PKCS#8 private key. */
enum gcas_err km_public_pem(EVP_PKEY *k, char **out);
enum gcas_err km_private_pem(EVP_PKEY *k, char **out);
/* PKCS#8 DER of the private key (malloc'd, the caller wipes and frees). */
enum gcas_err km_private_der(EVP_PKEY *k, unsigned char **der, size_t *len);
EVP_PKEY *km_from_private_der(const unsigned char *der, size_t len);
EVP_PKEY *km_from_public_pem(const char *pem);
/* A self-signed X.509 v3 certificate for a SAML key: CN = cn, SHA-256, valid ten years from
 * now; PEM, malloc'd. CRYPTO, NOMEM. */
enum gcas_err km_saml_cert(EVP_PKEY *k, const char *cn, int64_t now, char **pem);

/* --- jws.c --- */
/* A signing context for k with SHA-256 set, initialised once when the key is loaded: a
 * per-token EVP_DigestSignInit fetched the digest and the signature method from the provider
 * every time, under the provider store's locks. A context must not be used by two threads at
 * once (EVP_PKEY_CTX_new(3)): each signature works on an EVP_PKEY_CTX_dup of it. NULL on
 * failure. */
EVP_PKEY_CTX *jws_sign_ctx(EVP_PKEY *k);
/* Signature over data with c (a jws_sign_ctx or a duplicate of one, this thread's alone):
 * RS256 = RSASSA-PKCS1-v1_5 SHA-256; ES256 = ECDSA P-256 SHA-256 as the raw r||s of RFC 7518
 * §3.4 (64 bytes). sig holds 512 bytes. CRYPTO. */
enum gcas_err jws_sig_make(EVP_PKEY_CTX *c, enum key_alg alg, const void *data, size_t len,
                           unsigned char *sig, size_t *sig_len);
/* 0 when sig is a valid signature (same encodings), -1 otherwise. */
int jws_sig_check(EVP_PKEY *k, enum key_alg alg, const void *data, size_t len,
                  const unsigned char *sig, size_t sig_len);

/* --- seal.c --- */
/* A 32-byte subkey of kek for label (HMAC-SHA256(kek, label)), so sealed secrets of different
 * purposes and the signing keys never share a key. */
void seal_subkey(const unsigned char kek[32], const char *label, unsigned char out[32]);
/* XChaCha20-Poly1305 (libsodium, IETF): base64url(nonce || ciphertext || tag), malloc'd. */
enum gcas_err seal_text(const unsigned char key[32], const void *aad, size_t aad_len,
                        const void *plain, size_t len, char **out);
/* Inverse: *plain malloc'd (len + 1 bytes, NUL-terminated), the caller wipes and frees.
 * INVALID (not base64url or too short), CRYPTO (tag mismatch: tampered, wrong key or AAD). */
enum gcas_err seal_open(const unsigned char key[32], const void *aad, size_t aad_len,
                        const char *sealed, unsigned char **plain, size_t *len);

#endif
