/* SPDX-License-Identifier: MIT */
/* Fuzz driver for the WebAuthn sign-in parsers in src/crypto/webauthn.c: the browser's JSON
 * response, clientDataJSON and authenticatorData, then the assertion check with a fixed key.
 * Checks beyond "no crash": pointers stay inside the input, decoded lengths respect
 * WEBAUTHN_INPUT_MAX, strings are NUL-terminated within their fields, and no input forges a
 * signature for the fixed public key. */
#include <string.h>

#include "base/arena.h"
#include "crypto/webauthn.h"
#include "fuzz.h"

/* An ES256 public key (x || y) nobody holds the private half of in this driver. */
static const char pubkey[] = "-7:HANYH7D4FNNw-eX6N0NmKUyWN75Opt-A7SEYCBzlF_RX2RcZvnCqrrwEiTRDnNd"
                             "vN1G6s1htPoikGyf7i4GAxw";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(0);
	struct webauthn_response r;
	struct webauthn_client_data cd;
	struct webauthn_auth_data ad;
	struct webauthn_assertion in;
	struct webauthn_rp rp;
	uint32_t nc = 1;
	enum gcas_err rc;
	if (!a)
		return 0;
	if (webauthn_auth_data_parse(data, size, &ad) == GCAS_OK) {
		FUZZ_CHECK(size >= 37);
		FUZZ_CHECK(!ad.attested ||
		           (ad.cred_id_len >= 1 && ad.cred_id_len <= WEBAUTHN_CRED_ID_MAX &&
		            ad.cose_key > ad.cred_id &&
		            ad.cose_key + ad.cose_key_len <= data + size));
	}
	if (webauthn_client_data_parse(data, size, &cd) == GCAS_OK) {
		FUZZ_CHECK(memchr(cd.type, '\0', sizeof(cd.type)) != NULL);
		FUZZ_CHECK(memchr(cd.challenge, '\0', sizeof(cd.challenge)) != NULL);
		FUZZ_CHECK(memchr(cd.origin, '\0', sizeof(cd.origin)) != NULL);
	}
	FUZZ_CHECK(webauthn_rp_from_url("https://fuzz.example", &rp) == GCAS_OK);
	rc = webauthn_response_parse(a, (const char *)data, size, &r);
	if (rc == GCAS_OK) {
		FUZZ_CHECK(r.id && r.id[0] && strlen(r.id) < WEBAUTHN_CRED_ID_SIZE);
		FUZZ_CHECK(r.client_data && r.client_data_len <= WEBAUTHN_INPUT_MAX);
		FUZZ_CHECK(r.auth_data_len <= WEBAUTHN_INPUT_MAX &&
		           r.sig_len <= WEBAUTHN_INPUT_MAX);
		FUZZ_CHECK(r.att_obj_len <= WEBAUTHN_INPUT_MAX);
		in.client_data = r.client_data;
		in.client_data_len = r.client_data_len;
		in.auth_data = r.auth_data;
		in.auth_data_len = r.auth_data_len;
		in.sig = r.sig;
		in.sig_len = r.sig_len;
		rc = webauthn_assert_verify(&rp, "fuzz", pubkey, 0, &in, &nc);
		FUZZ_CHECK(rc != GCAS_OK && rc != GCAS_ERR_CONFLICT);
		FUZZ_CHECK(nc == 0);
	}
	/* The raw bytes as authenticatorData with themselves as signature. */
	in.client_data = "{\"type\":\"webauthn.get\",\"challenge\":\"fuzz\","
	                 "\"origin\":\"https://fuzz.example\"}";
	in.client_data_len = strlen(in.client_data);
	in.auth_data = data;
	in.auth_data_len = size;
	in.sig = data;
	in.sig_len = size;
	rc = webauthn_assert_verify(&rp, "fuzz", pubkey, 0, &in, &nc);
	FUZZ_CHECK(rc != GCAS_OK && rc != GCAS_ERR_CONFLICT);
	arena_free(a);
	return 0;
}
