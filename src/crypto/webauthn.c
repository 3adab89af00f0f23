/* SPDX-License-Identifier: MIT */
/* WebAuthn relying-party verification: jansson for clientDataJSON and the posted credential,
 * libcbor for the attestationObject and for measuring the COSE key in authenticatorData,
 * libfido2 for decoding the COSE key and verifying attestation and assertion signatures. */
#include "crypto/webauthn.h"

#include <cbor.h>
#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/es384.h>
#include <fido/rs256.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/codec.h"
#include "base/rand.h"
#include "base/str.h"

#define AUTH_DATA_FIXED 37  /* rpIdHash 32 + flags 1 + signCount 4 (§6.1) */
#define ATTESTED_FIXED  18  /* aaguid 16 + credentialIdLength 2 (§6.5.1) */
#define RAW_KEY_MAX     300 /* libfido2's raw RS256 key is 259 bytes, the largest */

static pthread_once_t fido_once = PTHREAD_ONCE_INIT;

static void fido_init_once(void)
{
	fido_init(0);
}

enum gcas_err webauthn_rp_from_url(const char *base_url, struct webauthn_rp *out)
{
	const char *host, *end, *p;
	size_t hlen, olen;
	memset(out, 0, sizeof(*out));
	if (!base_url)
		return GCAS_ERR_INVALID;
	if (str_starts(base_url, "https://"))
		host = base_url + 8;
	else if (str_starts(base_url, "http://"))
		host = base_url + 7;
	else
		return GCAS_ERR_INVALID;
	end = host + strcspn(host, "/?#");
	/* The rp id is the host without the port (§5.1.2 "RP ID": a valid domain string). */
	p = memchr(host, ':', (size_t)(end - host));
	hlen = (size_t)((p ? p : end) - host);
	olen = (size_t)(end - base_url);
	if (hlen == 0 || hlen >= sizeof(out->id) || olen >= sizeof(out->origin) || host[0] == '[')
		return GCAS_ERR_INVALID;
	memcpy(out->id, host, hlen);
	memcpy(out->origin, base_url, olen);
	str_lower(out->id);
	str_lower(out->origin);
	return GCAS_OK;
}

enum gcas_err webauthn_challenge_new(char out[WEBAUTHN_CHALLENGE_SIZE])
{
	unsigned char raw[WEBAUTHN_CHALLENGE_BYTES];
	out[0] = '\0';
	if (rand_bytes(raw, sizeof(raw)) != 0)
		return GCAS_ERR_CRYPTO;
	b64url_encode(out, raw, sizeof(raw));
	return GCAS_OK;
}

static int json_str_into(json_t *o, const char *key, char *dst, size_t cap)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v) || json_string_length(v) >= cap)
		return -1;
	if (strlen(json_string_value(v)) != json_string_length(v))
		return -1; /* an embedded NUL */
	return str_copy(dst, cap, json_string_value(v)) == 0 ? 0 : -1;
}

enum gcas_err webauthn_client_data_parse(const void *json, size_t n,
                                         struct webauthn_client_data *out)
{
	json_t *root = NULL, *co;
	enum gcas_err rc = GCAS_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!json || n == 0 || n > WEBAUTHN_INPUT_MAX)
		return GCAS_ERR_INVALID;
	root = json_loadb(json, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root))
		goto out;
	if (json_str_into(root, "type", out->type, sizeof(out->type)) != 0 ||
	    json_str_into(root, "challenge", out->challenge, sizeof(out->challenge)) != 0 ||
	    json_str_into(root, "origin", out->origin, sizeof(out->origin)) != 0)
		goto out;
	co = json_object_get(root, "crossOrigin");
	out->cross_origin = json_is_true(co);
	rc = GCAS_OK;
out:
	json_decref(root);
	return rc;
}

#define CBOR_MAX_DEPTH 8 /* attestationObject nests 3 deep (map, attStmt, x5c array) */

/* Read the argument of a CBOR head (RFC 8949 §3) at p[*off]; -1 when truncated or reserved,
 * and for indefinite lengths (CTAP2 canonical CBOR has none). */
static int cbor_head(const unsigned char *p, size_t n, size_t *off, unsigned *major, uint64_t *arg)
{
	unsigned ai;
	size_t len;
	if (*off >= n)
		return -1;
	*major = p[*off] >> 5;
	ai = p[*off] & 0x1f;
	(*off)++;
	if (ai < 24) {
		*arg = ai;
		return 0;
	}
	if (ai > 27)
		return -1;
	len = (size_t)1 << (ai - 24);
	if (n - *off < len)
		return -1;
	*arg = 0;
	for (size_t i = 0; i < len; i++)
		*arg = *arg << 8 | p[(*off)++];
	return 0;
}

/* Walk one well-formed CBOR item from p[*off] without allocating. Every declared length is
 * checked against the bytes that remain before anything trusts it: libcbor allocates arrays
 * and maps by their declared size, so a 10-byte input could ask it for gigabytes. */
static int cbor_skip(const unsigned char *p, size_t n, size_t *off, int depth)
{
	unsigned major;
	uint64_t arg;
	if (depth > CBOR_MAX_DEPTH || cbor_head(p, n, off, &major, &arg) != 0)
		return -1;
	switch (major) {
	case 0: /* unsigned, negative integers and simple values/floats: the head is all */
	case 1:
	case 7:
		return 0;
	case 2: /* byte and text strings */
	case 3:
		if (arg > n - *off)
			return -1;
		*off += (size_t)arg;
		return 0;
	case 6: /* a tag and its item */
		return cbor_skip(p, n, off, depth + 1);
	default: /* 4 array, 5 map: each item needs at least one byte */
		if (major == 5 && arg > (n - *off) / 2)
			return -1;
		if (arg > n - *off)
			return -1;
		for (uint64_t i = 0; i < (major == 5 ? 2 * arg : arg); i++)
			if (cbor_skip(p, n, off, depth + 1) != 0)
				return -1;
		return 0;
	}
}

/* Length of the one well-formed CBOR item at the start of p[0..n) (a map when want_map), or 0
 * when there is none. */
static size_t cbor_item_len(const unsigned char *p, size_t n, int want_map)
{
	size_t off = 0;
	if (n == 0 || (want_map && (p[0] >> 5) != 5))
		return 0;
	return cbor_skip(p, n, &off, 0) == 0 ? off : 0;
}

enum gcas_err webauthn_auth_data_parse(const void *data, size_t n, struct webauthn_auth_data *out)
{
	const unsigned char *p = data;
	size_t off = AUTH_DATA_FIXED, len;
	memset(out, 0, sizeof(*out));
	if (!p || n < AUTH_DATA_FIXED || n > WEBAUTHN_INPUT_MAX)
		return GCAS_ERR_INVALID;
	memcpy(out->rp_id_hash, p, 32);
	out->flags = p[32];
	out->sign_count =
	    (uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 | (uint32_t)p[35] << 8 | (uint32_t)p[36];
	if (out->flags & WEBAUTHN_FLAG_AT) {
		if (n - off < ATTESTED_FIXED)
			return GCAS_ERR_INVALID;
		memcpy(out->aaguid, p + off, 16);
		len = (size_t)p[off + 16] << 8 | p[off + 17];
		off += ATTESTED_FIXED;
		if (len == 0 || len > WEBAUTHN_CRED_ID_MAX || n - off < len)
			return GCAS_ERR_INVALID;
		out->cred_id = p + off;
		out->cred_id_len = len;
		off += len;
		len = cbor_item_len(p + off, n - off, 1);
		if (len == 0)
			return GCAS_ERR_INVALID;
		out->cose_key = p + off;
		out->cose_key_len = len;
		out->attested = 1;
		off += len;
	}
	if (out->flags & WEBAUTHN_FLAG_ED) {
		len = cbor_item_len(p + off, n - off, 1);
		if (len == 0)
			return GCAS_ERR_INVALID;
		off += len;
	}
	return off == n ? GCAS_OK : GCAS_ERR_INVALID;
}

void webauthn_attestation_free(struct webauthn_attestation *att)
{
	cbor_item_t *it;
	if (!att)
		return;
	it = att->item_;
	if (it)
		cbor_decref(&it);
	free(att->att_stmt_cbor);
	att->item_ = NULL;
	att->att_stmt_cbor = NULL;
}

static int text_is(cbor_item_t *k, const char *s)
{
	size_t l = strlen(s);
	return cbor_isa_string(k) && cbor_string_is_definite(k) && cbor_string_length(k) == l &&
	       memcmp(cbor_string_handle(k), s, l) == 0;
}

static int bytes_of(cbor_item_t *v, const unsigned char **p, size_t *n)
{
	if (!cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v))
		return -1;
	*p = cbor_bytestring_handle(v);
	*n = cbor_bytestring_length(v);
	return *p || *n == 0 ? 0 : -1;
}

static int int_of(cbor_item_t *v, int64_t *out)
{
	uint64_t u;
	if (!cbor_isa_uint(v) && !cbor_isa_negint(v))
		return -1;
	u = cbor_get_int(v);
	if (u > INT32_MAX)
		return -1;
	*out = cbor_isa_uint(v) ? (int64_t)u : -1 - (int64_t)u;
	return 0;
}

/* attStmt for "packed" (§8.2): alg, sig, optional x5c (first certificate used). */
static enum gcas_err parse_att_stmt(cbor_item_t *m, struct webauthn_attestation *out)
{
	struct cbor_pair *pairs = cbor_map_handle(m);
	size_t n = cbor_map_size(m);
	for (size_t i = 0; i < n; i++) {
		cbor_item_t *k = pairs[i].key, *v = pairs[i].value;
		if (text_is(k, "alg")) {
			if (int_of(v, &out->alg) != 0)
				return GCAS_ERR_INVALID;
		} else if (text_is(k, "sig")) {
			if (bytes_of(v, &out->sig, &out->sig_len) != 0)
				return GCAS_ERR_INVALID;
		} else if (text_is(k, "x5c")) {
			if (!cbor_isa_array(v) || cbor_array_size(v) == 0 ||
			    bytes_of(cbor_array_handle(v)[0], &out->x5c, &out->x5c_len) != 0)
				return GCAS_ERR_INVALID;
		}
	}
	return GCAS_OK;
}

static enum gcas_err parse_att_members(cbor_item_t *root, struct webauthn_attestation *out)
{
	struct cbor_pair *pairs;
	cbor_item_t *stmt = NULL;
	size_t n, len = 0;
	int have_fmt = 0, have_ad = 0;
	if (!cbor_isa_map(root) || !cbor_map_is_definite(root))
		return GCAS_ERR_INVALID;
	pairs = cbor_map_handle(root);
	n = cbor_map_size(root);
	for (size_t i = 0; i < n; i++) {
		cbor_item_t *k = pairs[i].key, *v = pairs[i].value;
		if (text_is(k, "fmt")) {
			if (have_fmt++ || !cbor_isa_string(v) || !cbor_string_is_definite(v) ||
			    cbor_string_length(v) == 0 || cbor_string_length(v) >= sizeof(out->fmt))
				return GCAS_ERR_INVALID;
			memcpy(out->fmt, cbor_string_handle(v), cbor_string_length(v));
			if (memchr(out->fmt, '\0', cbor_string_length(v)))
				return GCAS_ERR_INVALID;
		} else if (text_is(k, "attStmt")) {
			if (stmt || !cbor_isa_map(v) || !cbor_map_is_definite(v))
				return GCAS_ERR_INVALID;
			stmt = v;
		} else if (text_is(k, "authData")) {
			if (have_ad++ || bytes_of(v, &out->auth_data, &out->auth_data_len) != 0)
				return GCAS_ERR_INVALID;
		}
	}
	if (!have_fmt || !have_ad || !stmt || parse_att_stmt(stmt, out) != GCAS_OK)
		return GCAS_ERR_INVALID;
	if (cbor_serialize_alloc(stmt, &out->att_stmt_cbor, &len) == 0)
		return GCAS_ERR_NOMEM;
	out->att_stmt_cbor_len = len;
	if (webauthn_auth_data_parse(out->auth_data, out->auth_data_len, &out->ad) != GCAS_OK)
		return GCAS_ERR_INVALID;
	return out->ad.attested ? GCAS_OK : GCAS_ERR_INVALID;
}

enum gcas_err webauthn_attestation_parse(const void *p, size_t n, struct webauthn_attestation *out)
{
	struct cbor_load_result res;
	cbor_item_t *root;
	memset(out, 0, sizeof(*out));
	if (!p || n == 0 || n > WEBAUTHN_INPUT_MAX || cbor_item_len(p, n, 1) != n)
		return GCAS_ERR_INVALID;
	root = cbor_load(p, n, &res);
	if (!root)
		return res.error.code == CBOR_ERR_MEMERROR ? GCAS_ERR_NOMEM : GCAS_ERR_INVALID;
	out->item_ = root;
	if (res.error.code != CBOR_ERR_NONE || res.read != n)
		return GCAS_ERR_INVALID;
	return parse_att_members(root, out);
}

/* The clientDataJSON checks common to both ceremonies (§7.1 steps 7-10, §7.2 steps 11-14). */
static enum gcas_err check_client_data(const struct webauthn_rp *rp, const char *challenge,
                                       const char *type, const void *cdj, size_t cdj_len)
{
	struct webauthn_client_data cd;
	enum gcas_err rc = webauthn_client_data_parse(cdj, cdj_len, &cd);
	if (rc != GCAS_OK)
		return rc;
	if (strcmp(cd.type, type) != 0 || !challenge || !challenge[0])
		return GCAS_ERR_AUTH;
	if (!ct_streq(cd.challenge, challenge))
		return GCAS_ERR_AUTH;
	if (strcmp(cd.origin, rp->origin) != 0 || cd.cross_origin)
		return GCAS_ERR_AUTH;
	return GCAS_OK;
}

/* §7.1 step 13 / §7.2 step 15: rpIdHash is SHA-256 of the rp id; step 14/16: UP is set. */
static enum gcas_err check_auth_data(const struct webauthn_rp *rp,
                                     const struct webauthn_auth_data *ad)
{
	unsigned char h[32];
	SHA256((const unsigned char *)rp->id, strlen(rp->id), h);
	if (!ct_equal(h, ad->rp_id_hash, sizeof(h)))
		return GCAS_ERR_AUTH;
	if (!(ad->flags & WEBAUTHN_FLAG_UP))
		return GCAS_ERR_AUTH;
	return GCAS_OK;
}

static const int cose_algs[] = {COSE_ES256, COSE_ES384, COSE_RS256, COSE_EDDSA};

/* Give libfido2 the credential; it decodes the COSE key only when the type matches the key's
 * alg, so try each supported one. Returns the cred or NULL. */
static fido_cred_t *cred_load(const struct webauthn_rp *rp, const unsigned char cdh[32],
                              const struct webauthn_attestation *att)
{
	for (size_t i = 0; i < sizeof(cose_algs) / sizeof(cose_algs[0]); i++) {
		fido_cred_t *c = fido_cred_new();
		if (!c)
			return NULL;
		if (fido_cred_set_type(c, cose_algs[i]) == FIDO_OK &&
		    fido_cred_set_rp(c, rp->id, NULL) == FIDO_OK &&
		    fido_cred_set_clientdata_hash(c, cdh, 32) == FIDO_OK &&
		    fido_cred_set_authdata_raw(c, att->auth_data, att->auth_data_len) == FIDO_OK)
			return c;
		fido_cred_free(&c);
	}
	return NULL;
}

static enum gcas_err verify_packed(fido_cred_t *c, const struct webauthn_attestation *att)
{
	int r;
	if (!att->sig || att->sig_len == 0 || att->alg == 0)
		return GCAS_ERR_AUTH;
	if (fido_cred_set_fmt(c, "packed") != FIDO_OK ||
	    fido_cred_set_attstmt(c, att->att_stmt_cbor, att->att_stmt_cbor_len) != FIDO_OK)
		return GCAS_ERR_AUTH;
	/* §8.2: with x5c the statement is signed by the attestation certificate's key, without
	 * it (self attestation) by the credential key itself, with the credential's alg. */
	r = att->x5c ? fido_cred_verify(c) : fido_cred_verify_self(c);
	return r == FIDO_OK ? GCAS_OK : GCAS_ERR_AUTH;
}

static enum gcas_err cred_export(const fido_cred_t *c, const struct webauthn_attestation *att,
                                 struct webauthn_credential *out)
{
	const unsigned char *pk = fido_cred_pubkey_ptr(c);
	size_t pk_len = fido_cred_pubkey_len(c);
	int n;
	if (!pk || pk_len == 0 || pk_len > RAW_KEY_MAX)
		return GCAS_ERR_INVALID;
	b64url_encode(out->id, att->ad.cred_id, att->ad.cred_id_len);
	n = snprintf(out->public_key, sizeof(out->public_key), "%d:", fido_cred_type(c));
	if (n <= 0 || (size_t)n + b64url_len(pk_len) >= sizeof(out->public_key))
		return GCAS_ERR_INVALID;
	b64url_encode(out->public_key + n, pk, pk_len);
	out->sign_count = att->ad.sign_count;
	out->flags = att->ad.flags;
	return GCAS_OK;
}

enum gcas_err webauthn_register_verify(const struct webauthn_rp *rp, const char *challenge,
                                       const void *client_data, size_t client_data_len,
                                       const void *att_obj, size_t att_obj_len,
                                       struct webauthn_credential *out)
{
	struct webauthn_attestation att;
	unsigned char cdh[32];
	fido_cred_t *c = NULL;
	enum gcas_err rc;
	memset(out, 0, sizeof(*out));
	pthread_once(&fido_once, fido_init_once);
	rc = check_client_data(rp, challenge, "webauthn.create", client_data, client_data_len);
	if (rc != GCAS_OK)
		return rc;
	rc = webauthn_attestation_parse(att_obj, att_obj_len, &att);
	if (rc != GCAS_OK)
		goto out;
	rc = check_auth_data(rp, &att.ad);
	if (rc != GCAS_OK)
		goto out;
	SHA256(client_data, client_data_len, cdh);
	c = cred_load(rp, cdh, &att);
	rc = GCAS_ERR_INVALID;
	if (!c)
		goto out;
	if (strcmp(att.fmt, "packed") == 0)
		rc = verify_packed(c, &att);
	else if (strcmp(att.fmt, "none") == 0)
		rc = GCAS_OK; /* §8.7: nothing to verify; possession is proven at each sign-in */
	if (rc == GCAS_OK)
		rc = cred_export(c, &att, out);
out:
	fido_cred_free(&c);
	webauthn_attestation_free(&att);
	return rc;
}

/* Verify sig with the stored key "<alg>:<b64url raw>". */
static enum gcas_err assert_sig(const fido_assert_t *as, const char *public_key)
{
	unsigned char raw[RAW_KEY_MAX];
	const char *colon = strchr(public_key, ':');
	char algbuf[8];
	int64_t alg;
	long n;
	void *pk = NULL;
	int r = FIDO_ERR_INVALID_ARGUMENT;
	if (!colon || (size_t)(colon - public_key) >= sizeof(algbuf))
		return GCAS_ERR_INVALID;
	memcpy(algbuf, public_key, (size_t)(colon - public_key));
	algbuf[colon - public_key] = '\0';
	n = b64_decode(raw, sizeof(raw), colon + 1, strlen(colon + 1));
	if (str_to_i64(algbuf, &alg) != 0 || n <= 0)
		return GCAS_ERR_INVALID;
	switch (alg) {
	case COSE_ES256:
		pk = es256_pk_new();
		if (pk && es256_pk_from_ptr(pk, raw, (size_t)n) == FIDO_OK)
			r = fido_assert_verify(as, 0, COSE_ES256, pk);
		es256_pk_free((es256_pk_t **)&pk);
		break;
	case COSE_ES384:
		pk = es384_pk_new();
		if (pk && es384_pk_from_ptr(pk, raw, (size_t)n) == FIDO_OK)
			r = fido_assert_verify(as, 0, COSE_ES384, pk);
		es384_pk_free((es384_pk_t **)&pk);
		break;
	case COSE_RS256:
		pk = rs256_pk_new();
		if (pk && rs256_pk_from_ptr(pk, raw, (size_t)n) == FIDO_OK)
			r = fido_assert_verify(as, 0, COSE_RS256, pk);
		rs256_pk_free((rs256_pk_t **)&pk);
		break;
	case COSE_EDDSA:
		pk = eddsa_pk_new();
		if (pk && eddsa_pk_from_ptr(pk, raw, (size_t)n) == FIDO_OK)
			r = fido_assert_verify(as, 0, COSE_EDDSA, pk);
		eddsa_pk_free((eddsa_pk_t **)&pk);
		break;
	default:
		return GCAS_ERR_INVALID;
	}
	return r == FIDO_OK ? GCAS_OK : GCAS_ERR_AUTH;
}

enum gcas_err webauthn_assert_verify(const struct webauthn_rp *rp, const char *challenge,
                                     const char *public_key, int64_t stored_count,
                                     const struct webauthn_assertion *in, uint32_t *new_count)
{
	struct webauthn_auth_data ad;
	unsigned char cdh[32];
	fido_assert_t *as = NULL;
	enum gcas_err rc;
	*new_count = 0;
	pthread_once(&fido_once, fido_init_once);
	if (!public_key || !in->sig || in->sig_len == 0 || in->sig_len > WEBAUTHN_INPUT_MAX)
		return GCAS_ERR_INVALID;
	rc = check_client_data(rp, challenge, "webauthn.get", in->client_data, in->client_data_len);
	if (rc != GCAS_OK)
		return rc;
	rc = webauthn_auth_data_parse(in->auth_data, in->auth_data_len, &ad);
	if (rc != GCAS_OK)
		return rc;
	rc = check_auth_data(rp, &ad);
	if (rc != GCAS_OK)
		return rc;
	SHA256(in->client_data, in->client_data_len, cdh);
	as = fido_assert_new();
	rc = GCAS_ERR_NOMEM;
	if (!as)
		goto out;
	rc = GCAS_ERR_AUTH;
	if (fido_assert_set_rp(as, rp->id) != FIDO_OK ||
	    fido_assert_set_clientdata_hash(as, cdh, sizeof(cdh)) != FIDO_OK ||
	    fido_assert_set_count(as, 1) != FIDO_OK ||
	    fido_assert_set_authdata_raw(as, 0, in->auth_data, in->auth_data_len) != FIDO_OK ||
	    fido_assert_set_sig(as, 0, in->sig, in->sig_len) != FIDO_OK ||
	    fido_assert_set_up(as, FIDO_OPT_TRUE) != FIDO_OK)
		goto out;
	rc = assert_sig(as, public_key);
	if (rc != GCAS_OK)
		goto out;
	/* §6.1.1: a counter that does not grow means two copies of the key may exist. Both zero
	 * means the authenticator keeps no counter (common for platform keys). */
	if ((stored_count != 0 || ad.sign_count != 0) && (int64_t)ad.sign_count <= stored_count) {
		rc = GCAS_ERR_CONFLICT;
		goto out;
	}
	*new_count = ad.sign_count;
out:
	fido_assert_free(&as);
	return rc;
}

static enum gcas_err b64_member(struct arena *a, json_t *o, const char *key, unsigned char **p,
                                size_t *n)
{
	json_t *v = json_object_get(o, key);
	size_t sl;
	long got;
	*p = NULL;
	*n = 0;
	if (!v)
		return GCAS_OK;
	if (!json_is_string(v))
		return GCAS_ERR_INVALID;
	sl = json_string_length(v);
	if (sl == 0 || sl > (WEBAUTHN_INPUT_MAX / 3 + 1) * 4)
		return GCAS_ERR_INVALID;
	*p = arena_alloc(a, sl);
	if (!*p)
		return GCAS_ERR_NOMEM;
	got = b64_decode(*p, sl, json_string_value(v), sl);
	if (got <= 0 || (size_t)got > WEBAUTHN_INPUT_MAX)
		return GCAS_ERR_INVALID;
	*n = (size_t)got;
	return GCAS_OK;
}

enum gcas_err webauthn_response_parse(struct arena *a, const char *json, size_t n,
                                      struct webauthn_response *out)
{
	json_t *root = NULL, *resp, *id, *type;
	enum gcas_err rc = GCAS_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!json || n == 0 || n > 4 * WEBAUTHN_INPUT_MAX)
		return GCAS_ERR_INVALID;
	root = json_loadb(json, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root))
		goto out;
	id = json_object_get(root, "id");
	type = json_object_get(root, "type");
	resp = json_object_get(root, "response");
	if (!json_is_string(id) || json_string_length(id) == 0 ||
	    json_string_length(id) >= WEBAUTHN_CRED_ID_SIZE || !json_is_string(type) ||
	    strcmp(json_string_value(type), "public-key") != 0 || !json_is_object(resp))
		goto out;
	out->id = arena_strdup(a, json_string_value(id));
	rc = GCAS_ERR_NOMEM;
	if (!out->id)
		goto out;
	rc = b64_member(a, resp, "clientDataJSON", &out->client_data, &out->client_data_len);
	if (rc == GCAS_OK)
		rc = b64_member(a, resp, "attestationObject", &out->att_obj, &out->att_obj_len);
	if (rc == GCAS_OK)
		rc = b64_member(a, resp, "authenticatorData", &out->auth_data, &out->auth_data_len);
	if (rc == GCAS_OK)
		rc = b64_member(a, resp, "signature", &out->sig, &out->sig_len);
	if (rc == GCAS_OK && !out->client_data)
		rc = GCAS_ERR_INVALID;
out:
	json_decref(root);
	return rc;
}
