/* SPDX-License-Identifier: MIT */
/* Random bearer secrets and recovery codes, SHA-256 and HMAC-SHA256 through OpenSSL's one-shot
 * EVP interfaces (no deprecated low-level calls). */
#include "crypto/token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/codec.h"
#include "base/rand.h"
#include "base/utf8.h"

/* 31 symbols: digits 2-9 and a-z without i, l, o (confused with 1, 1 and 0 when read aloud or
 * copied from paper). */
static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
#define ALPHABET_N (sizeof(recovery_alphabet) - 1)
#define GROUPS     3
#define GROUP_LEN  4
/* Bytes of typed input considered at most: generous for spaces and full-width forms. */
#define RECOVERY_INPUT_MAX 256

_Static_assert(ALPHABET_N == 31, "recovery alphabet");
_Static_assert(GROUPS *(GROUP_LEN + 1) <= RECOVERY_CODE_SIZE, "recovery code fits");

enum gcas_err token_new(char *out, size_t cap, const char *prefix)
{
	unsigned char raw[TOKEN_RANDOM_BYTES];
	size_t plen = prefix ? strlen(prefix) : 0;
	if (!out)
		return GCAS_ERR_INVALID;
	if (cap == 0 || cap < plen + TOKEN_B64_CHARS + 1) {
		if (cap)
			out[0] = '\0';
		return GCAS_ERR_INVALID;
	}
	if (rand_bytes(raw, sizeof(raw)) != 0) {
		out[0] = '\0';
		return GCAS_ERR_CRYPTO;
	}
	memcpy(out, prefix ? prefix : "", plen);
	b64url_encode(out + plen, raw, sizeof(raw));
	explicit_bzero(raw, sizeof(raw));
	return GCAS_OK;
}

enum gcas_err token_new_ordered(char *out, size_t cap, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	char rnd[TOKEN_B64_CHARS + 1];
	struct timespec ts;
	if (!out)
		return GCAS_ERR_INVALID;
	if (cap < plen + TOKEN_ORDERED_EXTRA + 1) {
		if (cap)
			out[0] = '\0';
		return GCAS_ERR_INVALID;
	}
	enum gcas_err e = token_new(rnd, sizeof(rnd), "");
	if (e || clock_gettime(CLOCK_REALTIME, &ts)) {
		out[0] = '\0';
		return e ? e : GCAS_ERR_CRYPTO;
	}
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	memcpy(out, prefix ? prefix : "", plen);
	for (int i = 11; i >= 0; i--, ms >>= 4)
		out[plen + (size_t)i] = "0123456789abcdef"[ms & 15];
	out[plen + 12] = '.';
	memcpy(out + plen + 13, rnd, sizeof(rnd));
	explicit_bzero(rnd, sizeof(rnd));
	return GCAS_OK;
}

static int is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

enum gcas_err token_key(const char *token, char out[TOKEN_KEY_SIZE])
{
	const char *dot = token ? strrchr(token, '.') : NULL;
	int ordered = dot && dot - token >= 12 && strlen(dot + 1) == TOKEN_B64_CHARS;
	for (int i = 1; ordered && i <= 12; i++)
		ordered = is_lower_hex(dot[-i]);
	if (!ordered)
		return token_hash(token, out);
	memcpy(out, dot - 12, 12);
	return token_hash(token, out + 12);
}

/* SHA-256 fetched from the provider once for the process. EVP_sha256() names the algorithm
 * only, so each EVP_Digest with it fetches it again (OpenSSL 3 "implicit fetch"): 2 % of the
 * server's CPU on a token exchange, which hashes several tokens. Never freed: it lives as long
 * as the process, like the default provider it comes from. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

const EVP_MD *sha256_method(void)
{
	pthread_once(&sha256_once, sha256_fetch);
	return sha256_md ? sha256_md : EVP_sha256();
}

enum gcas_err sha256_raw(const void *p, size_t n, unsigned char out[32])
{
	static const unsigned char empty[1];
	unsigned int md_len = 0;
	const EVP_MD *md = sha256_method();
	if (!EVP_Digest(n ? p : empty, n, out, &md_len, md, NULL) || md_len != 32)
		return GCAS_ERR_CRYPTO;
	return GCAS_OK;
}

enum gcas_err sha256_hex(const void *p, size_t n, char out[SHA256_HEX_SIZE])
{
	unsigned char md[32];
	out[0] = '\0';
	if (sha256_raw(p, n, md))
		return GCAS_ERR_CRYPTO;
	hex_encode(out, md, 32);
	return GCAS_OK;
}

enum gcas_err token_hash(const char *token, char out[SHA256_HEX_SIZE])
{
	if (!token) {
		out[0] = '\0';
		return GCAS_ERR_CRYPTO;
	}
	return sha256_hex(token, strlen(token), out);
}

enum gcas_err hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                          unsigned char out[32])
{
	static const unsigned char empty[1];
	unsigned int len = 0;
	if (key_len > 0x7fffffff)
		return GCAS_ERR_CRYPTO; /* HMAC() takes an int key length */
	if (!HMAC(EVP_sha256(), key_len ? key : empty, (int)key_len, msg_len ? msg : empty, msg_len,
	          out, &len) ||
	    len != 32)
		return GCAS_ERR_CRYPTO;
	return GCAS_OK;
}

/* Uniform symbol by rejection sampling over single bytes (248 = 8 * 31), so no symbol is more
 * likely than another; unlike rand_uniform() a kernel failure is reported, not turned into 0. */
static int recovery_symbol(char *out)
{
	unsigned char b;
	do {
		if (rand_bytes(&b, 1) != 0)
			return -1;
	} while (b >= 8 * ALPHABET_N);
	*out = recovery_alphabet[b % ALPHABET_N];
	return 0;
}

enum gcas_err recovery_codes_new(char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE])
{
	for (int c = 0; c < RECOVERY_CODES; c++) {
		char *p = codes[c];
		for (int g = 0; g < GROUPS; g++) {
			for (int i = 0; i < GROUP_LEN; i++) {
				if (recovery_symbol(p++) != 0)
					goto out;
			}
			*p++ = g + 1 < GROUPS ? '-' : '\0';
		}
	}
	return GCAS_OK;
out:
	/* Only reached on failure: never hand out a partly random set. */
	explicit_bzero(codes, sizeof(char[RECOVERY_CODES][RECOVERY_CODE_SIZE]));
	return GCAS_ERR_CRYPTO;
}

static int is_dash_or_space(int32_t c)
{
	return c == ' ' || c == '-' || c == 0x3000 || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
	       c == 0x30FC || c == 0xFF70;
}

enum gcas_err recovery_code_normalise(const char *in, char out[RECOVERY_CODE_SIZE])
{
	enum gcas_err res = GCAS_ERR_INVALID;
	const char *p, *end;
	size_t n = 0, len;
	out[0] = '\0';
	if (!in)
		return GCAS_ERR_INVALID;
	len = strnlen(in, RECOVERY_INPUT_MAX + 1);
	if (len > RECOVERY_INPUT_MAX)
		return GCAS_ERR_INVALID;
	p = in;
	end = in + len;
	while (p < end) {
		int32_t c = utf8_next(&p, end);
		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFEE0; /* full-width ASCII → ASCII */
		if (is_dash_or_space(c))
			continue;
		if (c < 0x21 || c > 0x7e || n + 1 >= RECOVERY_CODE_SIZE)
			goto out; /* invalid UTF-8 (-1), control, other non-ASCII, or too long */
		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
	}
	if (n > 0)
		res = GCAS_OK;
out:
	out[res == GCAS_OK ? n : 0] = '\0';
	if (res != GCAS_OK)
		explicit_bzero(out, RECOVERY_CODE_SIZE);
	return res;
}
