/* SPDX-License-Identifier: MIT */
/* Authenticated encryption of secrets at rest: XChaCha20-Poly1305 (libsodium's IETF variant;
 * a 192-bit random nonce is safe to draw at random for every message) under subkeys of the
 * key_file key, one per label, with the caller's binding (kid|use|alg, a purpose) as AAD. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "signer/internal.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES
/* The largest secret sealed here (a PKCS#8 RSA-2048 key is ~1.2 KB). */
#define SEAL_MAX (64 * 1024)

void seal_subkey(const unsigned char kek[32], const char *label, unsigned char out[32])
{
	/* HMAC-SHA256 with the kek as key is a PRF: subkeys of distinct labels are independent
	 * (the construction of HKDF-Expand, RFC 5869 §2.3, for one block). */
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, kek, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)label, strlen(label));
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

enum gcas_err seal_text(const unsigned char key[32], const void *aad, size_t aad_len,
                        const void *plain, size_t len, char **out)
{
	*out = NULL;
	if (len > SEAL_MAX)
		return GCAS_ERR_INVALID;
	size_t n = NONCE + len + TAG;
	unsigned char *raw = malloc(n);
	if (!raw)
		return GCAS_ERR_NOMEM;
	randombytes_buf(raw, NONCE);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(raw + NONCE, &clen, plain, len, aad, aad_len,
	                                           NULL, raw, key);
	*out = malloc(b64url_len(n) + 1);
	if (*out)
		b64url_encode(*out, raw, n);
	free(raw);
	return *out ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err seal_open(const unsigned char key[32], const void *aad, size_t aad_len,
                        const char *sealed, unsigned char **plain, size_t *len)
{
	*plain = NULL;
	*len = 0;
	size_t slen = sealed ? strlen(sealed) : 0;
	if (slen < b64url_len(NONCE + TAG) || slen > b64url_len(NONCE + SEAL_MAX + TAG))
		return GCAS_ERR_INVALID;
	size_t cap = slen; /* decoded is shorter than encoded */
	unsigned char *raw = malloc(cap);
	if (!raw)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = GCAS_ERR_INVALID;
	long n = b64_decode(raw, cap, sealed, slen);
	if (n < (long)(NONCE + TAG))
		goto out;
	e = GCAS_ERR_NOMEM;
	*plain = malloc((size_t)n - NONCE - TAG + 1);
	if (!*plain)
		goto out;
	unsigned long long plen = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(*plain, &plen, NULL, raw + NONCE,
	                                               (unsigned long long)n - NONCE, aad, aad_len,
	                                               raw, key) != 0) {
		free(*plain);
		*plain = NULL;
		e = GCAS_ERR_CRYPTO;
		goto out;
	}
	(*plain)[plen] = '\0';
	*len = (size_t)plen;
	e = GCAS_OK;
out:
	free(raw);
	return e;
}
