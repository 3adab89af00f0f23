/* SPDX-License-Identifier: MIT */
/* Key material for the signer: RSA-2048 and P-256 generation (OpenSSL 3 EVP), the public JWK
 * and its RFC 7638 thumbprint (the kid), PEM/DER encodings, and the self-signed certificate a
 * SAML key is published with. */
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/rand.h"
#include "signer/internal.h"

enum gcas_err km_generate(enum key_alg alg, EVP_PKEY **out)
{
	/* RSA-2048 is what RS256 verifiers expect (RFC 7518 §3.3: at least 2048 bits); P-256 is
	 * the curve of ES256 (§3.4). */
	*out = alg == KEY_ALG_ES256 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
	                            : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	return *out ? GCAS_OK : GCAS_ERR_CRYPTO;
}

/* A big-number parameter of k as base64url of its big-endian bytes, left-padded to pad bytes
 * (EC coordinates are fixed-length, RFC 7518 §6.2.1.2; RSA n and e are minimal, §6.3.1). */
static int bn_b64(EVP_PKEY *k, const char *name, int pad, char *out, size_t cap)
{
	BIGNUM *bn = NULL;
	unsigned char raw[1024];
	int rc = -1;
	if (!EVP_PKEY_get_bn_param(k, name, &bn))
		return -1;
	int n = pad ? pad : BN_num_bytes(bn);
	if (n <= 0 || (size_t)n > sizeof(raw) || b64url_len((size_t)n) + 1 > cap)
		goto out;
	if (BN_bn2binpad(bn, raw, n) != n)
		goto out;
	b64url_encode(out, raw, (size_t)n);
	rc = 0;
out:
	BN_free(bn);
	return rc;
}

/* SHA-256 of the canonical members, base64url (RFC 7638 §3). */
static void thumb(const char *canon, char kid[64])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)canon, strlen(canon));
	b64url_encode(kid, h, sizeof(h));
}

enum gcas_err km_jwk(EVP_PKEY *k, char *out, size_t cap, char kid[64])
{
	char a[1024], b[1024];
	int n;
	/* RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace; the
	 * same text is the start of our JWKS entry. */
	if (EVP_PKEY_is_a(k, "RSA")) {
		if (bn_b64(k, OSSL_PKEY_PARAM_RSA_E, 0, a, sizeof(a)) ||
		    bn_b64(k, OSSL_PKEY_PARAM_RSA_N, 0, b, sizeof(b)))
			return GCAS_ERR_CRYPTO;
		n = snprintf(out, cap, "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", a, b);
	} else if (EVP_PKEY_is_a(k, "EC")) {
		if (bn_b64(k, OSSL_PKEY_PARAM_EC_PUB_X, 32, a, sizeof(a)) ||
		    bn_b64(k, OSSL_PKEY_PARAM_EC_PUB_Y, 32, b, sizeof(b)))
			return GCAS_ERR_CRYPTO;
		n = snprintf(out, cap,
		             "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", a, b);
	} else {
		return GCAS_ERR_CRYPTO;
	}
	if (n < 0 || (size_t)n >= cap)
		return GCAS_ERR_NOMEM;
	thumb(out, kid);
	return GCAS_OK;
}

/* A member value may go into the canonical text verbatim: printable ASCII without '"' or '\'
 * (every value RFC 7638 hashes is base64url or a curve name). */
static const char *plain_member(json_t *jwk, const char *name)
{
	const char *v = json_string_value(json_object_get(jwk, name));
	if (!v || !*v)
		return NULL;
	for (const char *p = v; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\')
			return NULL;
	return v;
}

enum gcas_err signer_jwk_thumbprint(const char *jwk_json, char kid[64])
{
	char canon[4096];
	int n = -1;
	enum gcas_err e = GCAS_ERR_INVALID;
	json_t *j = jwk_json ? json_loads(jwk_json, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *kty = plain_member(j, "kty");
	if (!json_is_object(j) || !kty)
		goto out;
	if (strcmp(kty, "RSA") == 0) {
		const char *ev = plain_member(j, "e"), *nv = plain_member(j, "n");
		if (ev && nv)
			n = snprintf(canon, sizeof(canon),
			             "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", ev, nv);
	} else if (strcmp(kty, "EC") == 0) {
		const char *c = plain_member(j, "crv"), *x = plain_member(j, "x");
		const char *y = plain_member(j, "y");
		if (c && x && y)
			n = snprintf(canon, sizeof(canon),
			             "{\"crv\":\"%s\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", c,
			             x, y);
	}
	if (n < 0 || (size_t)n >= sizeof(canon))
		goto out;
	thumb(canon, kid);
	e = GCAS_OK;
out:
	json_decref(j);
	return e;
}

/* The contents of a memory BIO as a malloc'd string. */
static enum gcas_err bio_text(BIO *bio, char **out)
{
	char *p = NULL;
	long n = BIO_get_mem_data(bio, &p);
	if (n <= 0)
		return GCAS_ERR_CRYPTO;
	*out = malloc((size_t)n + 1);
	if (!*out)
		return GCAS_ERR_NOMEM;
	memcpy(*out, p, (size_t)n);
	(*out)[n] = '\0';
	return GCAS_OK;
}

enum gcas_err km_public_pem(EVP_PKEY *k, char **out)
{
	enum gcas_err e = GCAS_ERR_CRYPTO;
	BIO *bio = BIO_new(BIO_s_mem());
	if (bio && PEM_write_bio_PUBKEY(bio, k))
		e = bio_text(bio, out);
	BIO_free(bio);
	return e;
}

enum gcas_err km_private_pem(EVP_PKEY *k, char **out)
{
	/* PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3. The memory
	 * BIO is cleared before it is freed so no copy of the key is left behind. */
	enum gcas_err e = GCAS_ERR_CRYPTO;
	BIO *bio = BIO_new(BIO_s_secmem());
	if (!bio)
		bio = BIO_new(BIO_s_mem());
	if (bio && PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL))
		e = bio_text(bio, out);
	if (bio) {
		char *p = NULL;
		long n = BIO_get_mem_data(bio, &p);
		if (n > 0)
			sodium_memzero(p, (size_t)n);
	}
	BIO_free(bio);
	return e;
}

enum gcas_err km_private_der(EVP_PKEY *k, unsigned char **der, size_t *len)
{
	*der = NULL;
	*len = 0;
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
	if (!p8)
		return GCAS_ERR_CRYPTO;
	unsigned char *p = NULL;
	int n = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (n <= 0)
		return GCAS_ERR_CRYPTO;
	/* Copy into plain malloc so the caller frees it like every other buffer here. */
	*der = malloc((size_t)n);
	if (*der) {
		memcpy(*der, p, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_clear_free(p, (size_t)n);
	return *der ? GCAS_OK : GCAS_ERR_NOMEM;
}

EVP_PKEY *km_from_private_der(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
	if (!p8)
		return NULL;
	EVP_PKEY *k = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return k;
}

EVP_PKEY *km_from_public_pem(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	return k;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	int ok = ex && X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return ok ? 0 : -1;
}

enum gcas_err km_saml_cert(EVP_PKEY *k, const char *cn, int64_t now, char **pem)
{
	/* SAML metadata carries the key as a certificate (SAML V2.0 Metadata §2.4.1.1); SPs use
	 * it only as a key container, so self-signed is what every IdP publishes. Ten years: a
	 * rotation, not the certificate's end, is what replaces it. */
	enum gcas_err e = GCAS_ERR_CRYPTO;
	unsigned char serial[16];
	X509 *x = X509_new();
	BIGNUM *bn = NULL;
	BIO *bio = NULL;
	if (!x || rand_bytes(serial, sizeof(serial)))
		goto out;
	serial[0] &= 0x7f; /* RFC 5280 §4.1.2.2: a positive integer, at most 20 octets */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	X509_NAME *name = X509_get_subject_name(x);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) || !X509_set_version(x, 2) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
	                                -1, 0) ||
	    !X509_set_issuer_name(x, name) || !X509_set_pubkey(x, k))
		goto out;
	if (!ASN1_TIME_set(X509_getm_notBefore(x), (time_t)now) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(now + 3653LL * 86400)))
		goto out;
	if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature") ||
	    add_ext(x, NID_subject_key_identifier, "hash"))
		goto out;
	if (!X509_sign(x, k, EVP_sha256()))
		goto out;
	bio = BIO_new(BIO_s_mem());
	if (bio && PEM_write_bio_X509(bio, x))
		e = bio_text(bio, pem);
out:
	BIO_free(bio);
	BN_free(bn);
	X509_free(x);
	return e;
}
