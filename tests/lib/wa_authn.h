/* SPDX-License-Identifier: MIT */
/* A software WebAuthn authenticator for tests: an OpenSSL EC P-256 key that builds real
 * authenticatorData, attestationObjects ("none" or "packed" self attestation) and assertion
 * signatures, and the browser's JSON form of them (as static/webauthn.js posts it).
 * Header-only; every function is static. */
#ifndef GCAS_TESTS_WA_AUTHN_H
#define GCAS_TESTS_WA_AUTHN_H

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"

struct wa_key {
	EVP_PKEY *pk;
	unsigned char x[32], y[32];
	unsigned char cred_id[16];
};

static int wa_key_new(struct wa_key *k, unsigned char id_byte)
{
	BIGNUM *bx = NULL, *by = NULL;
	int rc = -1;
	memset(k, 0, sizeof(*k));
	k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!k->pk)
		return -1;
	if (!EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_EC_PUB_X, &bx) ||
	    !EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_EC_PUB_Y, &by))
		goto out;
	if (BN_bn2binpad(bx, k->x, 32) != 32 || BN_bn2binpad(by, k->y, 32) != 32)
		goto out;
	memset(k->cred_id, id_byte, sizeof(k->cred_id));
	rc = 0;
out:
	BN_free(bx);
	BN_free(by);
	return rc;
}

static void wa_key_free(struct wa_key *k)
{
	EVP_PKEY_free(k->pk);
	k->pk = NULL;
}

/* authenticatorData for rp_id; with the attested credential data (COSE EC2 key) when attested. */
static size_t wa_auth_data(const struct wa_key *k, const char *rp_id, uint8_t flags, uint32_t count,
                           int attested, unsigned char *out)
{
	size_t n = 0;
	SHA256((const unsigned char *)rp_id, strlen(rp_id), out);
	n = 32;
	out[n++] = (unsigned char)(flags | (attested ? 0x40 : 0));
	out[n++] = (unsigned char)(count >> 24);
	out[n++] = (unsigned char)(count >> 16);
	out[n++] = (unsigned char)(count >> 8);
	out[n++] = (unsigned char)count;
	if (!attested)
		return n;
	memset(out + n, 0, 16); /* AAGUID */
	n += 16;
	out[n++] = 0;
	out[n++] = sizeof(k->cred_id);
	memcpy(out + n, k->cred_id, sizeof(k->cred_id));
	n += sizeof(k->cred_id);
	/* COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y} (RFC 8152 §13.1.1) */
	static const unsigned char head[] = {0xa5, 0x01, 0x02, 0x03, 0x26,
	                                     0x20, 0x01, 0x21, 0x58, 0x20};
	memcpy(out + n, head, sizeof(head));
	n += sizeof(head);
	memcpy(out + n, k->x, 32);
	n += 32;
	out[n++] = 0x22;
	out[n++] = 0x58;
	out[n++] = 0x20;
	memcpy(out + n, k->y, 32);
	n += 32;
	return n;
}

/* DER ECDSA-SHA256 signature over authData || SHA-256(clientDataJSON) (§6.3.3). */
static size_t wa_sign(const struct wa_key *k, const unsigned char *ad, size_t ad_len,
                      const char *cdj, unsigned char *sig, size_t cap)
{
	unsigned char msg[4096];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t sl = cap;
	if (!md || ad_len + 32 > sizeof(msg))
		return 0;
	memcpy(msg, ad, ad_len);
	SHA256((const unsigned char *)cdj, strlen(cdj), msg + ad_len);
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pk) != 1 ||
	    EVP_DigestSign(md, sig, &sl, msg, ad_len + 32) != 1)
		sl = 0;
	EVP_MD_CTX_free(md);
	return sl;
}

static size_t wa_cbor_head(unsigned char *out, unsigned major, size_t len)
{
	if (len < 24) {
		out[0] = (unsigned char)(major << 5 | len);
		return 1;
	}
	if (len < 256) {
		out[0] = (unsigned char)(major << 5 | 24);
		out[1] = (unsigned char)len;
		return 2;
	}
	out[0] = (unsigned char)(major << 5 | 25);
	out[1] = (unsigned char)(len >> 8);
	out[2] = (unsigned char)len;
	return 3;
}

static size_t wa_cbor_text(unsigned char *out, const char *s)
{
	size_t n = wa_cbor_head(out, 3, strlen(s));
	memcpy(out + n, s, strlen(s));
	return n + strlen(s);
}

/* attestationObject {fmt, attStmt, authData}; fmt "packed" signs with the credential key (self
 * attestation, §8.2), anything else gets an empty attStmt. */
static size_t wa_att_obj(const struct wa_key *k, const char *fmt, const unsigned char *ad,
                         size_t ad_len, const char *cdj, unsigned char *out)
{
	size_t n = 0;
	out[n++] = 0xa3;
	n += wa_cbor_text(out + n, "fmt");
	n += wa_cbor_text(out + n, fmt);
	n += wa_cbor_text(out + n, "attStmt");
	if (strcmp(fmt, "packed") == 0) {
		unsigned char sig[128];
		size_t sl = wa_sign(k, ad, ad_len, cdj, sig, sizeof(sig));
		out[n++] = 0xa2;
		n += wa_cbor_text(out + n, "alg");
		out[n++] = 0x26; /* -7 */
		n += wa_cbor_text(out + n, "sig");
		n += wa_cbor_head(out + n, 2, sl);
		memcpy(out + n, sig, sl);
		n += sl;
	} else {
		out[n++] = 0xa0;
	}
	n += wa_cbor_text(out + n, "authData");
	n += wa_cbor_head(out + n, 2, ad_len);
	memcpy(out + n, ad, ad_len);
	return n + ad_len;
}

static void wa_client_data(char *out, size_t cap, const char *type, const char *challenge,
                           const char *origin)
{
	snprintf(out, cap,
	         "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\","
	         "\"crossOrigin\":false}",
	         type, challenge, origin);
}

static void wa_cat(char *out, size_t cap, size_t *n, const char *s)
{
	size_t l = strlen(s);
	if (*n + l >= cap)
		l = cap - *n - 1;
	memcpy(out + *n, s, l);
	*n += l;
	out[*n] = '\0';
}

/* The browser JSON for a registration (att != NULL) or an assertion (sig != NULL). */
static void wa_json(char *out, size_t cap, const struct wa_key *k, const char *cdj,
                    const unsigned char *att, size_t att_len, const unsigned char *ad,
                    size_t ad_len, const unsigned char *sig, size_t sig_len)
{
	char id[64], c[2048], x[2048], y[512];
	size_t n = 0;
	out[0] = '\0';
	b64url_encode(id, k->cred_id, sizeof(k->cred_id));
	b64url_encode(c, cdj, strlen(cdj));
	wa_cat(out, cap, &n, "{\"id\":\"");
	wa_cat(out, cap, &n, id);
	wa_cat(out, cap, &n, "\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"");
	wa_cat(out, cap, &n, c);
	if (att) {
		b64url_encode(x, att, att_len);
		wa_cat(out, cap, &n, "\",\"attestationObject\":\"");
		wa_cat(out, cap, &n, x);
	} else {
		b64url_encode(x, ad, ad_len);
		b64url_encode(y, sig, sig_len);
		wa_cat(out, cap, &n, "\",\"authenticatorData\":\"");
		wa_cat(out, cap, &n, x);
		wa_cat(out, cap, &n, "\",\"signature\":\"");
		wa_cat(out, cap, &n, y);
	}
	wa_cat(out, cap, &n, "\"}}");
}

#endif
