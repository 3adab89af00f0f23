/* SPDX-License-Identifier: MIT */
/* The two JWS signature algorithms the signer uses (RFC 7518 §3.3 RS256 and §3.4 ES256). ECDSA
 * signatures travel in JWS as the fixed-length r||s pair, not OpenSSL's DER SEQUENCE, so they
 * are converted both ways here. */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>

#include "crypto/token.h"
#include "signer/internal.h"

/* P-256: each of r and s is 32 bytes (RFC 7518 §3.4). */
#define ES256_HALF 32

static enum gcas_err der_to_raw(const unsigned char *der, size_t len, unsigned char *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!es)
		return GCAS_ERR_CRYPTO;
	const BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG_get0(es, &r, &s);
	int ok = BN_bn2binpad(r, raw, ES256_HALF) == ES256_HALF &&
	         BN_bn2binpad(s, raw + ES256_HALF, ES256_HALF) == ES256_HALF;
	ECDSA_SIG_free(es);
	return ok ? GCAS_OK : GCAS_ERR_CRYPTO;
}

/* raw r||s → DER; *der is OPENSSL_malloc'd. -1 on failure. */
static int raw_to_der(const unsigned char *raw, unsigned char **der, int *len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, ES256_HALF, NULL);
	BIGNUM *s = BN_bin2bn(raw + ES256_HALF, ES256_HALF, NULL);
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return -1;
	}
	*der = NULL;
	*len = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	return *len > 0 ? 0 : -1;
}

EVP_PKEY_CTX *jws_sign_ctx(EVP_PKEY *k)
{
	EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL) : NULL;
	/* RSA's default padding is PKCS#1 v1.5 (RS256); the digest is named so that RSA wraps
	 * it in its DigestInfo and ECDSA checks its length. */
	if (c && EVP_PKEY_sign_init(c) == 1 && EVP_PKEY_get_size(k) <= 512 &&
	    EVP_PKEY_CTX_set_signature_md(c, sha256_method()) == 1)
		return c;
	EVP_PKEY_CTX_free(c);
	return NULL;
}

enum gcas_err jws_sig_make(EVP_PKEY_CTX *c, enum key_alg alg, const void *data, size_t len,
                           unsigned char *sig, size_t *sig_len)
{
	unsigned char h[32], der[EVP_MAX_MD_SIZE * 2 + 16];
	size_t n = alg == KEY_ALG_RS256 ? 512 : sizeof(der);
	if (!c || sha256_raw(data, len, h) ||
	    EVP_PKEY_sign(c, alg == KEY_ALG_RS256 ? sig : der, &n, h, sizeof(h)) != 1)
		return GCAS_ERR_CRYPTO;
	if (alg == KEY_ALG_RS256) {
		*sig_len = n;
		return GCAS_OK;
	}
	*sig_len = 2 * ES256_HALF;
	return der_to_raw(der, n, sig);
}

int jws_sig_check(EVP_PKEY *k, enum key_alg alg, const void *data, size_t len,
                  const unsigned char *sig, size_t sig_len)
{
	int rc = -1;
	unsigned char *der = NULL;
	int der_len = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, k, NULL) != 1)
		goto out;
	if (alg == KEY_ALG_RS256) {
		rc = EVP_DigestVerify(md, sig, sig_len, data, len) == 1 ? 0 : -1;
		goto out;
	}
	/* Anything but exactly 64 bytes is not an ES256 signature (a DER one included). */
	if (sig_len != 2 * ES256_HALF || raw_to_der(sig, &der, &der_len))
		goto out;
	rc = EVP_DigestVerify(md, der, (size_t)der_len, data, len) == 1 ? 0 : -1;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	return rc;
}
