/* SPDX-License-Identifier: MIT */
/* Unit tests of src/crypto/webauthn.c with real attestations and assertions made by an OpenSSL
 * P-256 key (tests/lib/wa_authn.h): registration "none" and "packed" accepted; a wrong
 * challenge, origin, type, rpIdHash, unset UP, bad signature, malformed CBOR and a counter that
 * does not grow each refused; the browser JSON parser. */
#include <string.h>

#include "base/arena.h"
#include "crypto/webauthn.h"
#include "tap.h"
#include "wa_authn.h"

static const char *challenge = "q0pGkL2nHpmP3y1bK2dX9rVZlE7sT4uWcA8fJ6hN5oI";
static struct webauthn_rp rp;
static struct wa_key key, other;

static enum gcas_err reg(const char *type, const char *chal, const char *origin, const char *rp_id,
                         uint8_t flags, const char *fmt, struct webauthn_credential *cred)
{
	unsigned char ad[512], att[1024];
	char cdj[512];
	size_t adl, attl;
	wa_client_data(cdj, sizeof(cdj), type, chal, origin);
	adl = wa_auth_data(&key, rp_id, flags, 0, 1, ad);
	attl = wa_att_obj(&key, fmt, ad, adl, cdj, att);
	return webauthn_register_verify(&rp, challenge, cdj, strlen(cdj), att, attl, cred);
}

static void test_rp(void)
{
	struct webauthn_rp r;
	is_int(webauthn_rp_from_url("https://Gcas.Example.go.jp/app/", &r), GCAS_OK, "rp from url");
	is_str(r.id, "gcas.example.go.jp", "rp id is the lower-case host");
	is_str(r.origin, "https://gcas.example.go.jp", "origin drops the path");
	is_int(webauthn_rp_from_url("http://localhost:8080", &r), GCAS_OK, "with a port");
	is_str(r.id, "localhost", "rp id drops the port");
	is_str(r.origin, "http://localhost:8080", "origin keeps the port");
	is_int(webauthn_rp_from_url("ftp://x", &r), GCAS_ERR_INVALID, "non-http refused");
	is_int(webauthn_rp_from_url("https:///x", &r), GCAS_ERR_INVALID, "empty host refused");
}

static void test_challenge(void)
{
	char a[WEBAUTHN_CHALLENGE_SIZE], b[WEBAUTHN_CHALLENGE_SIZE];
	is_int(webauthn_challenge_new(a), GCAS_OK, "challenge");
	is_int(webauthn_challenge_new(b), GCAS_OK, "challenge 2");
	is_int((int)strlen(a), 43, "32 bytes base64url");
	ok(strcmp(a, b) != 0, "challenges differ");
}

static void test_client_data(void)
{
	struct webauthn_client_data cd;
	const char *j =
	    "{\"type\":\"webauthn.get\",\"challenge\":\"abc\",\"origin\":\"https://x\"}";
	is_int(webauthn_client_data_parse(j, strlen(j), &cd), GCAS_OK, "client data parses");
	is_str(cd.type, "webauthn.get", "type");
	is_str(cd.challenge, "abc", "challenge");
	is_str(cd.origin, "https://x", "origin");
	j = "{\"type\":\"webauthn.get\",\"challenge\":\"abc\"}";
	is_int(webauthn_client_data_parse(j, strlen(j), &cd), GCAS_ERR_INVALID, "no origin");
	j = "{\"type\":1,\"challenge\":\"abc\",\"origin\":\"o\"}";
	is_int(webauthn_client_data_parse(j, strlen(j), &cd), GCAS_ERR_INVALID, "type not a str");
	j = "{\"type\":\"a\",\"type\":\"b\",\"challenge\":\"abc\",\"origin\":\"o\"}";
	is_int(webauthn_client_data_parse(j, strlen(j), &cd), GCAS_ERR_INVALID, "duplicate key");
	j = "[1]";
	is_int(webauthn_client_data_parse(j, strlen(j), &cd), GCAS_ERR_INVALID, "not an object");
}

static void test_register(void)
{
	struct webauthn_credential c;
	char want_id[64];
	is_int(reg("webauthn.create", challenge, rp.origin, rp.id, 0x05, "none", &c), GCAS_OK,
	       "registration (none) accepted");
	b64url_encode(want_id, key.cred_id, sizeof(key.cred_id));
	is_str(c.id, want_id, "credential id base64url");
	ok(strncmp(c.public_key, "-7:", 3) == 0, "ES256 key stored as -7:...");
	is_int((int)c.sign_count, 0, "count 0");
	is_int(reg("webauthn.create", challenge, rp.origin, rp.id, 0x01, "packed", &c), GCAS_OK,
	       "registration (packed self attestation) accepted");
	is_int(reg("webauthn.create", "AAAAwrongchallenge", rp.origin, rp.id, 0x01, "none", &c),
	       GCAS_ERR_AUTH, "wrong challenge refused");
	is_int(reg("webauthn.create", challenge, "https://evil.example", rp.id, 0x01, "none", &c),
	       GCAS_ERR_AUTH, "wrong origin refused");
	is_int(reg("webauthn.get", challenge, rp.origin, rp.id, 0x01, "none", &c), GCAS_ERR_AUTH,
	       "wrong type refused");
	is_int(reg("webauthn.create", challenge, rp.origin, "evil.example", 0x01, "none", &c),
	       GCAS_ERR_AUTH, "wrong rpIdHash refused");
	is_int(reg("webauthn.create", challenge, rp.origin, rp.id, 0x04, "none", &c), GCAS_ERR_AUTH,
	       "UP unset refused");
	is_int(reg("webauthn.create", challenge, rp.origin, rp.id, 0x01, "fido-u2f", &c),
	       GCAS_ERR_INVALID, "unsupported format refused");
	ok(c.id[0] == '\0', "nothing filled on refusal");
}

static void test_register_bad_cbor(void)
{
	unsigned char ad[512], att[1024];
	char cdj[512];
	size_t adl, attl;
	struct webauthn_credential c;
	struct webauthn_attestation at;
	wa_client_data(cdj, sizeof(cdj), "webauthn.create", challenge, rp.origin);
	adl = wa_auth_data(&key, rp.id, 0x01, 0, 1, ad);
	attl = wa_att_obj(&key, "packed", ad, adl, cdj, att);
	is_int(webauthn_attestation_parse(att, attl, &at), GCAS_OK, "attestation parses");
	is_str(at.fmt, "packed", "fmt");
	is_int((int)at.alg, -7, "alg");
	is_int((int)at.ad.cred_id_len, 16, "cred id length");
	is_int((int)at.ad.cose_key_len, 77, "COSE key measured");
	webauthn_attestation_free(&at);
	is_int(webauthn_attestation_parse(att, attl - 1, &at), GCAS_ERR_INVALID, "truncated");
	webauthn_attestation_free(&at);
	att[attl] = 0x00;
	is_int(webauthn_attestation_parse(att, attl + 1, &at), GCAS_ERR_INVALID, "trailing byte");
	webauthn_attestation_free(&at);
	/* Lengths declared far beyond the input are refused before libcbor allocates for them. */
	static const unsigned char huge[] = {0xa1, 0x63, 'f',  'm',  't',  0x9b, 0x00,
	                                     0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00};
	is_int(webauthn_attestation_parse(huge, sizeof(huge), &at), GCAS_ERR_INVALID,
	       "an array declaring 2^37 items in 14 bytes");
	webauthn_attestation_free(&at);
	static const unsigned char indef[] = {0xbf, 0x63, 'f', 'm', 't', 0x64,
	                                      'n',  'o',  'n', 'e', 0xff};
	is_int(webauthn_attestation_parse(indef, sizeof(indef), &at), GCAS_ERR_INVALID,
	       "indefinite-length map (not CTAP2 canonical)");
	webauthn_attestation_free(&at);
	/* Flip a byte of the signed authData: the packed signature no longer verifies. */
	att[attl - 1] ^= 0x01;
	is_int(webauthn_register_verify(&rp, challenge, cdj, strlen(cdj), att, attl, &c),
	       GCAS_ERR_AUTH, "packed signature over changed data refused");
	/* A credential id length pointing past the end. */
	ad[53] = 0xff;
	is_int(webauthn_auth_data_parse(ad, adl, &at.ad), GCAS_ERR_INVALID, "cred id overrun");
	is_int(webauthn_auth_data_parse(ad, 36, &at.ad), GCAS_ERR_INVALID, "short authData");
	adl = wa_auth_data(&key, rp.id, 0x01, 7, 0, ad);
	is_int(webauthn_auth_data_parse(ad, adl, &at.ad), GCAS_OK, "assertion authData");
	is_int((int)at.ad.sign_count, 7, "signCount big-endian");
	is_int(webauthn_auth_data_parse(ad, adl + 1, &at.ad), GCAS_ERR_INVALID, "trailing");
}

static enum gcas_err sign_in(const struct wa_key *k, const char *pubkey, const char *type,
                             const char *chal, const char *origin, const char *rp_id, uint8_t flags,
                             uint32_t count, int64_t stored, uint32_t *nc)
{
	unsigned char ad[64], sig[128];
	char cdj[512];
	struct webauthn_assertion in;
	wa_client_data(cdj, sizeof(cdj), type, chal, origin);
	in.auth_data_len = wa_auth_data(k, rp_id, flags, count, 0, ad);
	in.sig_len = wa_sign(k, ad, in.auth_data_len, cdj, sig, sizeof(sig));
	in.auth_data = ad;
	in.sig = sig;
	in.client_data = cdj;
	in.client_data_len = strlen(cdj);
	return webauthn_assert_verify(&rp, challenge, pubkey, stored, &in, nc);
}

static void test_assert(void)
{
	struct webauthn_credential c;
	uint32_t nc = 99;
	const char *g = "webauthn.get";
	if (reg("webauthn.create", challenge, rp.origin, rp.id, 0x01, "none", &c) != GCAS_OK) {
		ok(0, "registration for the assertion tests");
		return;
	}
	is_int(sign_in(&key, c.public_key, g, challenge, rp.origin, rp.id, 0x01, 5, 4, &nc),
	       GCAS_OK, "assertion accepted");
	is_int((int)nc, 5, "new count");
	is_int(sign_in(&key, c.public_key, g, challenge, rp.origin, rp.id, 0x05, 0, 0, &nc),
	       GCAS_OK, "both counters zero accepted");
	is_int(sign_in(&key, c.public_key, g, "wrong", rp.origin, rp.id, 0x01, 5, 4, &nc),
	       GCAS_ERR_AUTH, "wrong challenge refused");
	is_int(sign_in(&key, c.public_key, g, challenge, "https://gcas.example.go.jp.evil", rp.id,
	               0x01, 5, 4, &nc),
	       GCAS_ERR_AUTH, "wrong origin refused");
	is_int(sign_in(&key, c.public_key, "webauthn.create", challenge, rp.origin, rp.id, 0x01, 5,
	               4, &nc),
	       GCAS_ERR_AUTH, "wrong type refused");
	is_int(
	    sign_in(&key, c.public_key, g, challenge, rp.origin, "evil.example", 0x01, 5, 4, &nc),
	    GCAS_ERR_AUTH, "wrong rpIdHash refused");
	is_int(sign_in(&key, c.public_key, g, challenge, rp.origin, rp.id, 0x04, 5, 4, &nc),
	       GCAS_ERR_AUTH, "UP unset refused");
	is_int(sign_in(&other, c.public_key, g, challenge, rp.origin, rp.id, 0x01, 5, 4, &nc),
	       GCAS_ERR_AUTH, "signature by another key refused");
	is_int(sign_in(&key, c.public_key, g, challenge, rp.origin, rp.id, 0x01, 4, 4, &nc),
	       GCAS_ERR_CONFLICT, "counter equal to stored refused (clone)");
	is_int(sign_in(&key, c.public_key, g, challenge, rp.origin, rp.id, 0x01, 0, 9, &nc),
	       GCAS_ERR_CONFLICT, "counter back to zero refused (clone)");
	is_int(sign_in(&key, "-7:!!", g, challenge, rp.origin, rp.id, 0x01, 5, 4, &nc),
	       GCAS_ERR_INVALID, "malformed stored key");
	is_int(sign_in(&key, "-999:AAAA", g, challenge, rp.origin, rp.id, 0x01, 5, 4, &nc),
	       GCAS_ERR_INVALID, "unknown alg");
}

static void test_response_json(void)
{
	struct arena *a = arena_new(0);
	struct webauthn_response r;
	char json[4096];
	unsigned char ad[64], sig[128];
	const char *cdj = "{\"type\":\"webauthn.get\"}";
	size_t adl = wa_auth_data(&key, rp.id, 1, 3, 0, ad);
	size_t sl = wa_sign(&key, ad, adl, cdj, sig, sizeof(sig));
	wa_json(json, sizeof(json), &key, cdj, NULL, 0, ad, adl, sig, sl);
	is_int(webauthn_response_parse(a, json, strlen(json), &r), GCAS_OK, "response parses");
	is_int((int)r.auth_data_len, (int)adl, "authData decoded");
	is_int((int)r.sig_len, (int)sl, "signature decoded");
	ok(r.client_data_len == strlen(cdj) && memcmp(r.client_data, cdj, strlen(cdj)) == 0,
	   "clientDataJSON decoded");
	ok(r.att_obj == NULL, "no attestationObject");
	const char *bad =
	    "{\"id\":\"AA\",\"type\":\"password\",\"response\":{\"clientDataJSON\":\"e30\"}}";
	is_int(webauthn_response_parse(a, bad, strlen(bad), &r), GCAS_ERR_INVALID, "wrong type");
	bad = "{\"id\":\"AA\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"*\"}}";
	is_int(webauthn_response_parse(a, bad, strlen(bad), &r), GCAS_ERR_INVALID, "bad base64");
	bad = "{\"id\":\"AA\",\"type\":\"public-key\",\"response\":{}}";
	is_int(webauthn_response_parse(a, bad, strlen(bad), &r), GCAS_ERR_INVALID, "no clientData");
	arena_free(a);
}

int main(void)
{
	if (wa_key_new(&key, 0x11) != 0 || wa_key_new(&other, 0x22) != 0 ||
	    webauthn_rp_from_url("https://gcas.example.go.jp", &rp) != GCAS_OK) {
		ok(0, "test setup");
		return tap_done();
	}
	test_rp();
	test_challenge();
	test_client_data();
	test_register();
	test_register_bad_cbor();
	test_assert();
	test_response_json();
	wa_key_free(&key);
	wa_key_free(&other);
	return tap_done();
}
