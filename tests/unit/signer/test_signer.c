/* SPDX-License-Identifier: MIT */
/* The signer (src/signer): JWS checked by independent verifiers (cjose, and OpenSSL with our own
 * r||s conversion), the JWKS against RFC 7638's thumbprint vector, the rotation timeline, revoke,
 * refusals by signer_jws_verify, sealing at rest (wrong key, swapped rows, purpose binding) and
 * the SAML key and certificate. */
#include <cjose/cjose.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/codec.h"
#include "signer/signer.h"
#include "store/keys.h"
#include "tap.h"
#include "webtest.h"

static struct wt W;

/* A TAP comment line. */
__attribute__((format(printf, 1, 2))) static void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	va_end(ap);
}
#define T0 2000000000LL /* 2033-05-18: after the harness keys were made */

/* --- small helpers --- */

struct parts {
	char hdr[1024], payload[4096];
	unsigned char sig[1024];
	long sig_len;
};

static int split(const char *jws, struct parts *p)
{
	const char *d1 = strchr(jws, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d2 || strchr(d2 + 1, '.'))
		return -1;
	long h = b64_decode(p->hdr, sizeof(p->hdr) - 1, jws, (size_t)(d1 - jws));
	long b = b64_decode(p->payload, sizeof(p->payload) - 1, d1 + 1, (size_t)(d2 - d1 - 1));
	p->sig_len = b64_decode(p->sig, sizeof(p->sig), d2 + 1, strlen(d2 + 1));
	if (h < 0 || b < 0 || p->sig_len < 0)
		return -1;
	p->hdr[h] = p->payload[b] = '\0';
	return 0;
}

static const char *hdr_str(const struct parts *p, const char *name, char *out, size_t cap)
{
	json_t *j = json_loads(p->hdr, 0, NULL);
	const char *v = json_string_value(json_object_get(j, name));
	if (v)
		snprintf(out, cap, "%s", v);
	json_decref(j);
	return v ? out : NULL;
}

/* The JWKS entry of kid as JSON text (malloc'd) or NULL. */
static char *jwks_entry(const char *jwks, const char *kid)
{
	json_t *j = json_loads(jwks, 0, NULL);
	json_t *keys = json_object_get(j, "keys"), *k;
	size_t i;
	char *out = NULL;
	json_array_foreach(keys, i, k)
	{
		if (!out && strcmp(json_string_value(json_object_get(k, "kid")), kid) == 0)
			out = json_dumps(k, JSON_COMPACT);
	}
	json_decref(j);
	return out;
}

static int jwks_has(struct signer *s, int64_t now, const char *kid)
{
	char *jwks = NULL;
	if (signer_jwks(s, now, &jwks))
		return -1;
	char *e = jwks_entry(jwks, kid);
	free(jwks);
	free(e);
	return e != NULL;
}

static int cjose_ok(const char *jws, const char *jwk_json, const char *payload)
{
	cjose_err err;
	cjose_jwk_t *jwk = cjose_jwk_import(jwk_json, strlen(jwk_json), &err);
	cjose_jws_t *obj = cjose_jws_import(jws, strlen(jws), &err);
	uint8_t *pt = NULL;
	size_t ptlen = 0;
	int ok = jwk && obj && cjose_jws_verify(obj, jwk, &err) &&
	         cjose_jws_get_plaintext(obj, &pt, &ptlen, &err) && ptlen == strlen(payload) &&
	         memcmp(pt, payload, ptlen) == 0;
	if (!ok)
		diag("cjose: %s", err.message ? err.message : "?");
	cjose_jws_release(obj);
	cjose_jwk_release(jwk);
	return ok;
}

/* The public key of kid, from the key list (PEM), as OpenSSL sees it. */
struct pem_ctx {
	const char *kid;
	char pem[4096];
	char cert[8192];
	struct key_info ki;
};

static enum gcas_err pem_tx(struct db *db, void *ctx)
{
	struct pem_ctx *c = ctx;
	struct arena *a = arena_new(0);
	struct key_info *v = NULL;
	size_t n = 0;
	enum gcas_err e = signer_key_list(db, a, &v, &n);
	c->pem[0] = c->cert[0] = '\0';
	for (size_t i = 0; !e && i < n; i++)
		if (strcmp(v[i].kid, c->kid) == 0) {
			snprintf(c->pem, sizeof(c->pem), "%s", v[i].public_pem);
			snprintf(c->cert, sizeof(c->cert), "%s",
			         v[i].cert_pem ? v[i].cert_pem : "");
			c->ki = v[i];
			c->ki.kid = c->kid;
			c->ki.public_pem = c->ki.cert_pem = NULL;
		}
	arena_free(a);
	return e;
}

static EVP_PKEY *public_of(const char *kid)
{
	struct pem_ctx c = {.kid = kid};
	if (store_run(W.env.st, pem_tx, &c) || !c.pem[0])
		return NULL;
	BIO *b = BIO_new_mem_buf(c.pem, -1);
	EVP_PKEY *k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

static enum key_state state_of(const char *kid)
{
	struct pem_ctx c = {.kid = kid};
	c.ki.state = KEY_STATE__MAX;
	if (store_run(W.env.st, pem_tx, &c))
		return KEY_STATE__MAX;
	return c.ki.state;
}

/* OpenSSL verification of a compact JWS, with the raw r||s → DER conversion done here. */
static int openssl_ok(const char *jws, EVP_PKEY *k, int es256)
{
	struct parts p;
	const char *d2 = strrchr(jws, '.');
	unsigned char *der = NULL;
	int der_len = 0, ok = 0;
	if (!k || split(jws, &p))
		return 0;
	const unsigned char *sig = p.sig;
	size_t sig_len = (size_t)p.sig_len;
	if (es256) {
		if (p.sig_len != 64)
			return 0;
		ECDSA_SIG *es = ECDSA_SIG_new();
		ECDSA_SIG_set0(es, BN_bin2bn(p.sig, 32, NULL), BN_bin2bn(p.sig + 32, 32, NULL));
		der_len = i2d_ECDSA_SIG(es, &der);
		ECDSA_SIG_free(es);
		sig = der;
		sig_len = (size_t)der_len;
	}
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1)
		ok = EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)jws,
		                      (size_t)(d2 - jws)) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	return ok;
}

static char *b64u(const char *s)
{
	char *o = malloc(b64url_len(strlen(s)) + 1);
	b64url_encode(o, s, strlen(s));
	return o;
}

/* header.payload.sig from pieces (for forged tokens). */
static char *forge(const char *hdr, const char *payload, const char *sig_b64)
{
	char *h = b64u(hdr), *p = b64u(payload);
	size_t n = strlen(h) + strlen(p) + strlen(sig_b64) + 3;
	char *o = malloc(n);
	snprintf(o, n, "%s.%s.%s", h, p, sig_b64);
	free(h);
	free(p);
	return o;
}

static enum gcas_err verify(struct signer *s, int64_t now, const char *jws)
{
	char *pl = NULL;
	size_t n = 0;
	enum gcas_err e = signer_jws_verify(s, now, jws, strlen(jws), &pl, &n);
	free(pl);
	return e;
}

static char *sign(struct signer *s, int64_t now, enum key_alg alg, const char *payload)
{
	char *out = NULL;
	enum gcas_err e = signer_jws_sign(s, now, alg, "JWT", payload, strlen(payload), &out);
	if (e)
		diag("sign: %s", gcas_err_name(e));
	return out;
}

static const char *kid_of(const char *jws, char *kid)
{
	struct parts p;
	if (split(jws, &p))
		return NULL;
	return hdr_str(&p, "kid", kid, 64);
}

/* --- key management in a transaction --- */

struct km {
	struct signer *s;
	int64_t now, delay, grace, activate_at;
	enum key_use use;
	enum key_alg alg;
	const char *kid_in;
	char kid[64];
	int op; /* 0 generate, 1 rotate, 2 revoke */
};

static enum gcas_err km_tx(struct db *db, void *ctx)
{
	struct km *k = ctx;
	if (k->op == 0)
		return signer_key_generate(k->s, db, k->now, k->use, k->alg, k->activate_at,
		                           k->kid);
	if (k->op == 1)
		return signer_key_rotate(k->s, db, k->now, k->use, k->alg, k->delay, k->grace,
		                         k->kid);
	return signer_key_revoke(k->s, db, k->now, k->kid_in);
}

static enum gcas_err km_run(struct km *k)
{
	enum gcas_err e = store_tx(W.env.st, km_tx, k);
	signer_invalidate(k->s);
	return e;
}

/* --- tests --- */

static void test_thumbprint(void)
{
	/* RFC 7638 §3.1 */
	const char *jwk = "{\"kty\":\"RSA\",\"n\":"
	                  "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1"
	                  "RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-"
	                  "5JsGY4Hc5n9yBXArwl93lqt7_RN5w6"
	                  "Cf0h4QyQ5v-65YGjQR0_"
	                  "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbI"
	                  "SD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
	                  "xBniIqbw0Ls1jF44-csFCur-kEgU8aw"
	                  "apJzKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
	char kid[64] = "";
	is_int(signer_jwk_thumbprint(jwk, kid), GCAS_OK, "RFC 7638 §3.1 JWK: thumbprint computed");
	is_str(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", "  equals the RFC's value");
	is_int(signer_jwk_thumbprint("{\"kty\":\"RSA\",\"n\":\"abc\"}", kid), GCAS_ERR_INVALID,
	       "a JWK missing e is refused");
	is_int(signer_jwk_thumbprint("{\"kty\":\"oct\",\"k\":\"abc\"}", kid), GCAS_ERR_INVALID,
	       "an unsupported kty is refused");
	is_int(signer_jwk_thumbprint("not json", kid), GCAS_ERR_INVALID, "non-JSON is refused");
	is_int(signer_jwk_thumbprint(
	           "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\\\"b\",\"y\":\"c\"}", kid),
	       GCAS_ERR_INVALID, "a member that would need escaping is refused");
}

static void test_names(void)
{
	enum key_use u;
	enum key_alg a;
	ok(key_use_parse("saml", &u) == 0 && u == KEY_USE_SAML, "use names parse");
	ok(key_alg_parse("ES256", &a) == 0 && a == KEY_ALG_ES256, "alg names parse");
	is_int(key_alg_parse("none", &a), -1, "alg none is not an alg");
	is_int(key_alg_parse("HS256", &a), -1, "HS256 is not one of ours");
	is_str(key_state_name(KEY_RETIRED), "retired", "state names");
}

static void test_jws(int64_t now)
{
	const char *payload = "{\"iss\":\"https://gcas.example\",\"sub\":\"u1\",\"n\":\"日本\"}";
	char *jwks = NULL, kid[64], buf[64];
	struct parts p;
	is_int(signer_jwks(W.env.signer, now, &jwks), GCAS_OK, "JWKS built");
	json_t *j = json_loads(jwks ? jwks : "", 0, NULL);
	is_int((int)json_array_size(json_object_get(j, "keys")), 2,
	       "  two OIDC keys published (the SAML key is not in the JWKS)");
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(j, "keys"), i, k)
	{
		const char *kty = json_string_value(json_object_get(k, "kty"));
		char *txt = json_dumps(k, JSON_COMPACT);
		char tp[64] = "";
		signer_jwk_thumbprint(txt, tp);
		is_str(json_string_value(json_object_get(k, "kid")), tp,
		       "  kid is the RFC 7638 thumbprint of the entry");
		is_str(json_string_value(json_object_get(k, "use")), "sig", "  use sig");
		if (strcmp(kty, "RSA") == 0) {
			ok(json_is_string(json_object_get(k, "n")) &&
			       json_is_string(json_object_get(k, "e")),
			   "  RSA entry has n and e");
			is_str(json_string_value(json_object_get(k, "alg")), "RS256",
			       "  alg RS256");
			is_int((int)strlen(json_string_value(json_object_get(k, "n"))), 342,
			       "  n is 2048 bits (342 base64url chars)");
		} else {
			is_str(kty, "EC", "  the other is EC");
			is_str(json_string_value(json_object_get(k, "crv")), "P-256",
			       "  crv P-256");
			ok(strlen(json_string_value(json_object_get(k, "x"))) == 43 &&
			       strlen(json_string_value(json_object_get(k, "y"))) == 43,
			   "  x and y are 32 bytes each");
			is_str(json_string_value(json_object_get(k, "alg")), "ES256",
			       "  alg ES256");
		}
		ok(!json_object_get(k, "d") && !json_object_get(k, "p"), "  no private members");
		free(txt);
	}
	json_decref(j);

	for (int alg = 0; alg < 2; alg++) {
		const char *an = alg ? "ES256" : "RS256";
		char *jws = sign(W.env.signer, now, (enum key_alg)alg, payload);
		ok(jws != NULL, "%s: signed", an);
		if (!jws)
			continue;
		ok(split(jws, &p) == 0, "  compact serialisation: three base64url parts");
		is_str(hdr_str(&p, "alg", buf, sizeof(buf)), an, "  header alg");
		is_str(hdr_str(&p, "typ", buf, sizeof(buf)), "JWT", "  header typ");
		ok(kid_of(jws, kid) != NULL, "  header has a kid");
		is_str(p.payload, payload, "  payload as given");
		if (alg)
			is_int((int)p.sig_len, 64, "  ES256 signature is raw r||s, 64 bytes");
		else
			is_int((int)p.sig_len, 256, "  RS256 signature is 256 bytes");
		char *entry = jwks ? jwks_entry(jwks, kid) : NULL;
		ok(entry && cjose_ok(jws, entry, payload),
		   "  cjose verifies it with the JWKS entry");
		EVP_PKEY *pk = public_of(kid);
		ok(openssl_ok(jws, pk, alg), "  OpenSSL verifies it with the public key");
		EVP_PKEY_free(pk);
		char *pl = NULL;
		size_t pll = 0;
		is_int(signer_jws_verify(W.env.signer, now, jws, strlen(jws), &pl, &pll), GCAS_OK,
		       "  signer_jws_verify accepts it");
		ok(pl && pll == strlen(payload) && memcmp(pl, payload, pll) == 0,
		   "  and returns the payload");
		free(pl);
		/* A flipped bit anywhere is refused. */
		char *bad = strdup(jws);
		char *last = strrchr(bad, '.') + 5;
		*last = *last == 'A' ? 'B' : 'A';
		is_int(verify(W.env.signer, now, bad), GCAS_ERR_AUTH,
		       "  a flipped signature bit: AUTH");
		ok(!cjose_ok(bad, entry ? entry : "{}", payload), "  cjose refuses it too");
		free(bad);
		bad = strdup(jws);
		char *mid = strchr(bad, '.') + 3;
		*mid = *mid == 'A' ? 'B' : 'A';
		is_int(verify(W.env.signer, now, bad), GCAS_ERR_AUTH,
		       "  a flipped payload bit: AUTH");
		free(bad);
		free(entry);
		free(jws);
	}

	/* Forged headers. */
	char *rs = sign(W.env.signer, now, KEY_ALG_RS256, payload);
	char rkid[64] = "", hdr[256];
	kid_of(rs ? rs : "", rkid);
	const char *sig = rs ? strrchr(rs, '.') + 1 : "";
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"none\",\"kid\":\"%s\"}", rkid);
	char *f = forge(hdr, payload, "");
	is_int(verify(W.env.signer, now, f), GCAS_ERR_AUTH, "alg none: AUTH");
	free(f);
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"kid\":\"%s\"}", rkid);
	f = forge(hdr, payload, sig);
	is_int(verify(W.env.signer, now, f), GCAS_ERR_AUTH, "alg HS256: AUTH");
	free(f);
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", rkid);
	f = forge(hdr, payload, sig);
	is_int(verify(W.env.signer, now, f), GCAS_ERR_AUTH, "an RSA kid claimed as ES256: AUTH");
	free(f);
	f = forge("{\"alg\":\"RS256\",\"kid\":\"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs\"}",
	          payload, sig);
	is_int(verify(W.env.signer, now, f), GCAS_ERR_AUTH, "an unknown kid: AUTH");
	free(f);
	f = forge("{\"alg\":\"RS256\"}", payload, sig);
	is_int(verify(W.env.signer, now, f), GCAS_ERR_AUTH, "no kid: AUTH");
	free(f);
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"kid\":\"%s\",\"crit\":[\"exp\"]}", rkid);
	f = forge(hdr, payload, sig);
	is_int(verify(W.env.signer, now, f), GCAS_ERR_AUTH, "a crit header: AUTH");
	free(f);
	is_int(verify(W.env.signer, now, "a.b"), GCAS_ERR_INVALID, "two parts: INVALID");
	is_int(verify(W.env.signer, now, "a.b.c.d"), GCAS_ERR_INVALID, "four parts: INVALID");
	is_int(verify(W.env.signer, now, "e30=.e30.AA"), GCAS_ERR_INVALID, "padding: INVALID");
	is_int(verify(W.env.signer, now, "bm90IGpzb24.e30.AA"), GCAS_ERR_INVALID,
	       "a header that is not JSON: INVALID");
	char *out = NULL;
	is_int(signer_jws_sign(W.env.signer, now, KEY_ALG_RS256, "a\"b", "{}", 2, &out),
	       GCAS_ERR_INVALID, "a typ that would need escaping is refused");
	is_int(signer_jws_sign(W.env.signer, now, KEY_ALG_RS256, NULL, "{}", 2, &out), GCAS_OK,
	       "typ NULL: signed");
	struct parts q;
	ok(out && split(out, &q) == 0 && !strstr(q.hdr, "typ"), "  header without typ");
	free(out);
	free(rs);
	free(jwks);
}

static void test_rotation(void)
{
	char k1[64] = "", k2[64] = "", buf[64];
	char *t1 = sign(W.env.signer, T0, KEY_ALG_RS256, "{\"t\":1}");
	kid_of(t1 ? t1 : "", k1);
	struct km r = {.s = W.env.signer,
	               .now = T0,
	               .op = 1,
	               .use = KEY_USE_OIDC,
	               .alg = KEY_ALG_RS256,
	               .delay = 60,
	               .grace = 600};
	is_int(km_run(&r), GCAS_OK, "rotate OIDC RS256: delay 60 s, grace 600 s");
	memcpy(k2, r.kid, sizeof(k2));
	ok(strlen(k2) == 43 && strcmp(k1, k2) != 0, "  a new kid");
	clock_fix(T0);
	is_int(state_of(k2), KEY_PENDING, "  the new key is pending");
	is_int(state_of(k1), KEY_ACTIVE, "  the old key is still active");
	is_int(jwks_has(W.env.signer, T0, k2), 1, "  the pending key is published at once");
	char *t = sign(W.env.signer, T0 + 59, KEY_ALG_RS256, "{}");
	is_str(kid_of(t ? t : "", buf), k1, "  but not used: the old key signs until activate_at");
	free(t);
	struct km again = r;
	is_int(km_run(&again), GCAS_ERR_CONFLICT,
	       "  a second rotation while one is pending: CONFLICT");
	t = sign(W.env.signer, T0 + 60, KEY_ALG_RS256, "{\"t\":2}");
	is_str(kid_of(t ? t : "", buf), k2, "after activate_at the new key signs");
	is_int(verify(W.env.signer, T0 + 61, t ? t : ""), GCAS_OK, "  and its tokens verify");
	clock_fix(T0 + 60);
	is_int(state_of(k2), KEY_ACTIVE, "  listed active");
	is_int(state_of(k1), KEY_RETIRED, "  the old key listed retired");
	is_int(jwks_has(W.env.signer, T0 + 659, k1), 1, "  the retired key stays published");
	is_int(verify(W.env.signer, T0 + 659, t1 ? t1 : ""), GCAS_OK,
	       "  and what it signed still verifies within the grace");
	is_int(jwks_has(W.env.signer, T0 + 660, k1), 0, "at publish_until it leaves the JWKS");
	is_int(verify(W.env.signer, T0 + 660, t1 ? t1 : ""), GCAS_ERR_AUTH,
	       "  and its tokens no longer verify");
	is_int(jwks_has(W.env.signer, T0 + 660, k2), 1, "  the new key is still there");

	/* Revoke: gone at once. */
	struct km v = {.s = W.env.signer, .now = T0 + 100, .op = 2, .kid_in = k2};
	is_int(km_run(&v), GCAS_OK, "revoke the active key");
	is_int(jwks_has(W.env.signer, T0 + 100, k2), 0, "  it leaves the JWKS at once");
	is_int(verify(W.env.signer, T0 + 100, t ? t : ""), GCAS_ERR_AUTH,
	       "  its tokens stop verifying");
	char *none = NULL;
	is_int(signer_jws_sign(W.env.signer, T0 + 100, KEY_ALG_RS256, NULL, "{}", 2, &none),
	       GCAS_ERR_NOTFOUND, "  nothing signs RS256 now (NOTFOUND)");
	clock_fix(T0 + 100);
	is_int(state_of(k2), KEY_DESTROYED, "  listed destroyed");
	is_int(km_run(&v), GCAS_ERR_NOTFOUND, "  revoking it again: NOTFOUND");
	v.kid_in = "no-such-kid";
	is_int(km_run(&v), GCAS_ERR_NOTFOUND, "revoking an unknown kid: NOTFOUND");
	/* With nothing active, a rotation's key signs at once. */
	struct km r2 = r;
	r2.now = T0 + 700;
	is_int(km_run(&r2), GCAS_OK, "rotate with no active key");
	free(t);
	t = sign(W.env.signer, T0 + 700, KEY_ALG_RS256, "{}");
	is_str(kid_of(t ? t : "", buf), r2.kid, "  the new key signs at once");
	clock_fix(T0 + 700);
	is_int(state_of(k1), KEY_DESTROYED,
	       "  the key retired past its publication was erased on the way");
	free(t);
	free(t1);
	struct km g = {
	    .s = W.env.signer, .now = T0 + 700, .op = 0, .use = KEY_USE_SAML, .alg = KEY_ALG_ES256};
	is_int(km_run(&g), GCAS_ERR_INVALID, "a SAML ES256 key is refused");
	clock_fix(-1);
}

static void test_saml(int64_t now)
{
	struct arena *a = arena_new(0);
	struct signer_saml sm;
	is_int(signer_saml_current(W.env.signer, now, a, &sm), GCAS_OK, "the SAML key");
	ok(sm.kid && strlen(sm.kid) == 43, "  has a kid");
	ok(sm.key_pem && strstr(sm.key_pem, "-----BEGIN PRIVATE KEY-----"), "  PKCS#8 PEM key");
	is_int((int)sm.ncerts, 1, "  one published certificate");
	ok(sm.ncerts && sm.certs[0] == sm.cert_pem, "  the active one first");
	BIO *b = BIO_new_mem_buf(sm.key_pem ? sm.key_pem : "", -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	b = BIO_new_mem_buf(sm.cert_pem ? sm.cert_pem : "", -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ok(k && EVP_PKEY_is_a(k, "RSA") && EVP_PKEY_get_bits(k) == 2048,
	   "  OpenSSL reads the key: RSA-2048");
	ok(x != NULL, "  OpenSSL parses the certificate");
	if (x && k) {
		is_int(X509_check_private_key(x, k), 1, "  the certificate matches the key");
		EVP_PKEY *pub = X509_get0_pubkey(x);
		is_int(X509_verify(x, pub), 1, "  self-signed: its signature verifies");
		is_int(X509_get_signature_nid(x), NID_sha256WithRSAEncryption,
		       "  SHA-256 with RSA");
		char cn[256] = "";
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
		ok(cn[0] && W.cfg.base_url && strstr(W.cfg.base_url, cn),
		   "  CN %s is the base_url host", cn);
		int days = 0, secs = 0;
		ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x));
		ok(days >= 3650 && days <= 3654, "  valid for ten years (%d days)", days);
		is_int(X509_get_version(x), 2, "  X.509 v3");
	}
	EVP_PKEY_free(k);
	X509_free(x);
	/* A SAML rotation with no delay: the new key signs now, the old certificate stays. */
	char old[64];
	snprintf(old, sizeof(old), "%s", sm.kid ? sm.kid : "");
	struct km r = {.s = W.env.signer,
	               .now = now,
	               .op = 1,
	               .use = KEY_USE_SAML,
	               .alg = KEY_ALG_RS256,
	               .delay = 0,
	               .grace = 600};
	is_int(km_run(&r), GCAS_OK, "rotate the SAML key with no delay");
	is_int(signer_saml_current(W.env.signer, now, a, &sm), GCAS_OK, "  the SAML key");
	is_str(sm.kid, r.kid, "  is the new one at once");
	is_int((int)sm.ncerts, 2, "  two certificates published (metadata keeps the old one)");
	ok(sm.ncerts == 2 && sm.certs[0] == sm.cert_pem && strcmp(sm.certs[0], sm.certs[1]) != 0,
	   "  the active one first");
	b = BIO_new_mem_buf(sm.cert_pem ? sm.cert_pem : "", -1);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	char cn[256] = "";
	if (x)
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	is_str(cn, "gcas.test.example", "  its CN is the host of base_url");
	X509_free(x);
	is_int(signer_saml_current(W.env.signer, now + 600, a, &sm), GCAS_OK, "after the grace");
	is_int((int)sm.ncerts, 1, "  only the new certificate is published");
	ok(strcmp(old, sm.kid) != 0, "  the old key is not used");
	arena_free(a);
}

static void test_seal(void)
{
	struct arena *a = arena_new(0);
	char *s1 = NULL, *s2 = NULL, *p = NULL;
	size_t n = 0;
	const char secret[] = "JBSWY3DPEHPK3PXP\0tail";
	is_int(signer_seal(W.env.signer, a, "totp", secret, sizeof(secret), &s1), GCAS_OK, "seal");
	signer_seal(W.env.signer, a, "totp", secret, sizeof(secret), &s2);
	ok(s1 && s2 && strcmp(s1, s2) != 0, "  a fresh nonce each time");
	ok(s1 && strspn(s1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	             strlen(s1),
	   "  base64url text");
	ok(s1 && !strstr(s1, "JBSW"), "  the secret does not show");
	is_int(signer_unseal(W.env.signer, a, "totp", s1 ? s1 : "", &p, &n), GCAS_OK, "unseal");
	ok(p && n == sizeof(secret) && memcmp(p, secret, n) == 0, "  round trip (binary-safe)");
	is_int(signer_unseal(W.env.signer, a, "scim", s1 ? s1 : "", &p, &n), GCAS_ERR_CRYPTO,
	       "another purpose cannot open it: CRYPTO");
	char *t = arena_strdup(a, s1 ? s1 : "");
	t[40] = t[40] == 'A' ? 'B' : 'A';
	is_int(signer_unseal(W.env.signer, a, "totp", t, &p, &n), GCAS_ERR_CRYPTO,
	       "a changed character: CRYPTO");
	is_int(signer_unseal(W.env.signer, a, "totp", "abc", &p, &n), GCAS_ERR_INVALID,
	       "too short: INVALID");
	is_int(signer_unseal(W.env.signer, a, "totp",
	                     "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
	                     "!!!!!!!!!!!!!!!!!!!!!!!!!",
	                     &p, &n),
	       GCAS_ERR_INVALID, "not base64url: INVALID");
	is_int(signer_seal(W.env.signer, a, "", "x", 1, &s2), GCAS_ERR_INVALID,
	       "an empty purpose: INVALID");
	is_int(signer_seal(W.env.signer, a, "totp", "", 0, &s2), GCAS_OK, "an empty secret seals");
	ok(signer_unseal(W.env.signer, a, "totp", s2, &p, &n) == GCAS_OK && n == 0 && p && !*p,
	   "  and opens empty");

	unsigned char other[32];
	memset(other, 0x11, sizeof(other));
	struct signer *wrong = NULL;
	signer_open(W.env.st, other, 0, &wrong);
	is_int(signer_unseal(wrong, a, "totp", s1 ? s1 : "", &p, &n), GCAS_ERR_CRYPTO,
	       "another key_file cannot open it: CRYPTO");
	char *jwks = NULL, *out = NULL;
	is_int(signer_jwks(wrong, T0, &jwks), GCAS_OK,
	       "with the wrong key_file the JWKS (public) still builds");
	free(jwks);
	is_int(signer_jws_sign(wrong, T0, KEY_ALG_ES256, NULL, "{}", 2, &out), GCAS_ERR_CRYPTO,
	       "  but signing fails: CRYPTO");
	struct signer_saml sm;
	is_int(signer_saml_current(wrong, T0, a, &sm), GCAS_ERR_CRYPTO, "  SAML too: CRYPTO");
	signer_free(wrong);
	arena_free(a);
}

/* Rows pieced together: each private key sealed for another kid, or its use changed. */
struct swap_ctx {
	struct store *st;
	struct key_row rows[8];
	size_t n;
	struct arena *a;
};

static enum gcas_err rows_tx(struct db *db, void *ctx)
{
	struct swap_ctx *c = ctx;
	struct key_row *v = NULL;
	size_t n = 0;
	enum gcas_err e = store_key_list(db, c->a, &v, &n);
	for (size_t i = 0; !e && i < n && c->n < 8; i++)
		if (strcmp(v[i].state, "destroyed") != 0)
			c->rows[c->n++] = v[i];
	return e;
}

static enum gcas_err insert_tx(struct db *db, void *ctx)
{
	struct swap_ctx *c = ctx;
	enum gcas_err e = GCAS_OK;
	for (size_t i = 0; !e && i < c->n; i++)
		e = store_key_insert(db, &c->rows[i]);
	return e;
}

static void test_swapped(void)
{
	struct swap_ctx c = {.a = arena_new(0)};
	store_run(W.env.st, rows_tx, &c);
	/* The OIDC RS256 and ES256 keys' sealed halves exchanged, and the SAML row relabelled. */
	struct key_row *rs = NULL, *es = NULL, *saml = NULL;
	for (size_t i = 0; i < c.n; i++) {
		if (strcmp(c.rows[i].use, "saml") == 0 && !saml)
			saml = &c.rows[i];
		else if (strcmp(c.rows[i].use, "oidc") == 0 &&
		         strcmp(c.rows[i].alg, "RS256") == 0 && !rs)
			rs = &c.rows[i];
		else if (strcmp(c.rows[i].use, "oidc") == 0 &&
		         strcmp(c.rows[i].alg, "ES256") == 0 && !es)
			es = &c.rows[i];
	}
	if (!ok(rs && es && saml, "rows to tamper with")) {
		arena_free(c.a);
		return;
	}
	struct swap_ctx t = {.a = c.a};
	t.rows[0] = *rs;
	t.rows[0].private_sealed = es->private_sealed;
	t.rows[1] = *es;
	t.rows[1].private_sealed = rs->private_sealed;
	t.rows[2] = *rs;
	t.rows[2].kid = saml->kid;
	t.rows[2].public_pem = saml->public_pem;
	t.rows[2].use = "oidc"; /* the SAML key offered as an OIDC one */
	t.rows[2].private_sealed = saml->private_sealed;
	t.rows[2].activate_at = 2;
	t.n = 3;
	char dir[] = "/tmp/gcas-signer-XXXXXX", dsn[128], why[256];
	int applied = 0;
	ok(mkdtemp(dir) != NULL, "a second database");
	snprintf(dsn, sizeof(dsn), "sqlite:%s/k.db", dir);
	struct store *st = store_open(dsn, 2, why, sizeof(why));
	ok(st && store_migrate(st, &applied, why, sizeof(why)) == GCAS_OK, "  migrated");
	struct signer *s = NULL;
	if (st && store_tx(st, insert_tx, &t) == GCAS_OK &&
	    signer_open(st, W.cfg.keys_key, 0, &s) == 0) {
		char *out = NULL;
		is_int(signer_jws_sign(s, T0, KEY_ALG_ES256, NULL, "{}", 2, &out), GCAS_ERR_CRYPTO,
		       "a private key sealed for another kid: CRYPTO");
		is_int(signer_jws_sign(s, T0, KEY_ALG_RS256, NULL, "{}", 2, &out), GCAS_ERR_CRYPTO,
		       "a SAML key's row relabelled OIDC: CRYPTO");
		free(out);
	} else {
		ok(0, "tampered rows inserted");
	}
	signer_free(s);
	store_close(st);
	char path[160];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/k.db%s", dir, sfx[i]);
		unlink(path);
	}
	rmdir(dir);
	arena_free(c.a);
}

/* Threads signing at once while the cache is dropped under them (ASan/TSan food) and the rate. */
struct th {
	int n, fails;
	enum key_alg alg;
};

static void *signer_thread(void *arg)
{
	struct th *t = arg;
	for (int i = 0; i < t->n; i++) {
		char *out = NULL;
		if (signer_jws_sign(W.env.signer, T0 + 800, t->alg, "JWT", "{\"a\":1}", 7, &out))
			t->fails++;
		else if (verify(W.env.signer, T0 + 800, out) != GCAS_OK)
			t->fails++;
		free(out);
		if (i % 16 == 0)
			signer_invalidate(W.env.signer);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t tid[4];
	struct th t[4];
	for (int i = 0; i < 4; i++) {
		t[i] = (struct th){.n = 40, .alg = (enum key_alg)(i % 2)};
		pthread_create(&tid[i], NULL, signer_thread, &t[i]);
	}
	int fails = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		fails += t[i].fails;
	}
	is_int(fails, 0, "four threads sign and verify while the cache is dropped: no failure");
	int64_t t0 = clock_mono_ms();
	int n = 0;
	for (; n < 300 && clock_mono_ms() - t0 < 1500; n++) {
		char *out = NULL;
		signer_jws_sign(W.env.signer, T0 + 800, KEY_ALG_RS256, "JWT", "{\"a\":1}", 7, &out);
		free(out);
	}
	int64_t ms = clock_mono_ms() - t0;
	diag("RS256: %d signatures in %lld ms (%.0f/s on one thread)", n, (long long)ms,
	     ms ? n * 1000.0 / (double)ms : 0.0);
}

int main(void)
{
	if (!ok(wt_open(&W) == 0, "harness opens"))
		return tap_done();
	signer_set_cert_subject(W.env.signer, "https://gcas.test.example:8443/x");
	test_names();
	test_thumbprint();
	test_jws(T0);
	test_saml(T0);
	test_seal();
	test_swapped();
	test_rotation();
	test_threads();
	wt_close(&W);
	return tap_done();
}
