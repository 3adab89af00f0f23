/* SPDX-License-Identifier: MIT */
/* Fuzz driver for the WebAuthn registration parsers in src/crypto/webauthn.c: the CBOR
 * attestationObject and the authenticatorData inside it, then the whole registration check.
 * Checks beyond "no crash": the authData pointers lie inside authData, the lengths
 * respect their caps (credential id <= 1023, fmt NUL-terminated and non-empty), and a
 * clientDataJSON whose challenge was never issued never passes. */
#include <string.h>

#include "crypto/webauthn.h"
#include "fuzz.h"

static int inside(const void *p, size_t n, const uint8_t *base, size_t size)
{
	const uint8_t *q = p;
	return q >= base && n <= size && q - base <= (long)(size - n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct webauthn_attestation att;
	struct webauthn_credential cred;
	struct webauthn_rp rp;
	static const char cdj[] = "{\"type\":\"webauthn.create\",\"challenge\":\"fuzz\","
	                          "\"origin\":\"https://fuzz.example\"}";
	enum gcas_err rc = webauthn_attestation_parse(data, size, &att);
	if (rc == GCAS_OK) {
		FUZZ_CHECK(att.fmt[0] != '\0' && memchr(att.fmt, '\0', sizeof(att.fmt)));
		FUZZ_CHECK(att.auth_data && att.auth_data_len < size); /* libcbor's copy */
		FUZZ_CHECK(att.ad.attested);
		FUZZ_CHECK(att.ad.cred_id_len >= 1 && att.ad.cred_id_len <= WEBAUTHN_CRED_ID_MAX);
		FUZZ_CHECK(
		    inside(att.ad.cred_id, att.ad.cred_id_len, att.auth_data, att.auth_data_len));
		FUZZ_CHECK(
		    inside(att.ad.cose_key, att.ad.cose_key_len, att.auth_data, att.auth_data_len));
		FUZZ_CHECK(att.sig_len < size && att.x5c_len < size);
	}
	webauthn_attestation_free(&att);
	/* The same bytes through the whole ceremony: a challenge nobody issued never verifies. */
	FUZZ_CHECK(webauthn_rp_from_url("https://fuzz.example", &rp) == GCAS_OK);
	rc = webauthn_register_verify(&rp, "issued", cdj, strlen(cdj), data, size, &cred);
	FUZZ_CHECK(rc == GCAS_ERR_AUTH);
	rc = webauthn_register_verify(&rp, "fuzz", cdj, strlen(cdj), data, size, &cred);
	if (rc == GCAS_OK)
		FUZZ_CHECK(cred.id[0] != '\0' && strchr(cred.public_key, ':') != NULL);
	else
		FUZZ_CHECK(cred.id[0] == '\0');
	return 0;
}
