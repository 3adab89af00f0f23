/* SPDX-License-Identifier: MIT */
/* Opaque secrets: bearer tokens and session ids (256 random bits, base64url), their storage
 * hashes (SHA-256: high-entropy secrets need no slow hash), HMAC-SHA256, and one-time recovery
 * codes for users who lose their second factor. */
#ifndef GCAS_CRYPTO_TOKEN_H
#define GCAS_CRYPTO_TOKEN_H

#include <openssl/types.h>
#include <stddef.h>

#include "base/err.h"

#define TOKEN_RANDOM_BYTES 32
#define TOKEN_B64_CHARS    43 /* base64url of 32 bytes, unpadded */
#define SHA256_HEX_SIZE    65 /* 64 hex digits + NUL */
#define RECOVERY_CODES     10
#define RECOVERY_CODE_SIZE 20 /* "abcd-efgh-jkmn" is 14 characters + NUL; room to spare */

/* out = prefix + base64url(32 random bytes), NUL-terminated; e.g. prefix "gcas_pat_" for API
 * tokens (the prefix lets secret scanners recognise leaked tokens), "" or NULL for session ids.
 * GCAS_ERR_INVALID when cap < strlen(prefix) + 44 (out is then set to ""), GCAS_ERR_CRYPTO when
 * the kernel gives no randomness. */
enum gcas_err token_new(char *out, size_t cap, const char *prefix);

/* An ordered token: prefix + 12 hex digits of the current time in milliseconds + "." +
 * base64url(32 random bytes). The time is not secret (the 256 random bits are); it makes
 * token_key() ascend with issue time, so the B-tree that stores the keys of many short-lived
 * grants (OIDC codes, access and refresh tokens) grows at its end instead of dirtying a random
 * page per insert. Errors as token_new; cap >= strlen(prefix) + TOKEN_ORDERED_EXTRA + 1. */
#define TOKEN_ORDERED_EXTRA (12 + 1 + TOKEN_B64_CHARS)
#define TOKEN_KEY_SIZE      (12 + SHA256_HEX_SIZE) /* 12 hex + 64 hex + NUL */
enum gcas_err token_new_ordered(char *out, size_t cap, const char *prefix);

/* Storage key of a token: for an ordered token its 12 time digits followed by token_hash();
 * for any other token token_hash() alone. Same errors as token_hash. */
enum gcas_err token_key(const char *token, char out[TOKEN_KEY_SIZE]);

/* Storage form of a token: lowercase hex SHA-256 of its bytes (prefix included). A fast hash is
 * right here because a 256-bit random token cannot be guessed offline (unlike a password).
 * GCAS_OK or GCAS_ERR_CRYPTO (out is then ""). */
enum gcas_err token_hash(const char *token, char out[SHA256_HEX_SIZE]);

/* SHA-256 as fetched from the provider once for the process (never NULL). */
const EVP_MD *sha256_method(void);

/* SHA-256 of p[0..n) into out[32]. GCAS_OK or GCAS_ERR_CRYPTO. */
enum gcas_err sha256_raw(const void *p, size_t n, unsigned char out[32]);

/* Lowercase hex SHA-256 of p[0..n). GCAS_OK or GCAS_ERR_CRYPTO (out is then ""). */
enum gcas_err sha256_hex(const void *p, size_t n, char out[SHA256_HEX_SIZE]);

/* HMAC-SHA256 (RFC 2104) of msg under key into out[32]. GCAS_OK or GCAS_ERR_CRYPTO. */
enum gcas_err hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                          unsigned char out[32]);

/* Ten fresh recovery codes "xxxx-xxxx-xxxx" of 12 symbols from a 31-symbol alphabet without the
 * look-alikes 0 o 1 l i (about 59 bits each). Show them once; store only a keyed hash of the
 * normalised form (hmac_sha256 under a server key, or password_hash). GCAS_OK or
 * GCAS_ERR_CRYPTO. */
enum gcas_err recovery_codes_new(char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE]);

/* Normalise a typed recovery code for comparison: full-width ASCII (U+FF01..U+FF5E, from
 * Japanese IMEs) folded to ASCII, lower-cased, spaces and dashes removed (ASCII ' ' and '-',
 * ideographic space, U+2010..U+2015, U+2212, and the long-vowel marks U+30FC/U+FF70 that IMEs
 * type for '-'). GCAS_OK, or GCAS_ERR_INVALID when the result is empty, longer than
 * RECOVERY_CODE_SIZE - 1, or holds anything else outside printable ASCII (out is then ""). */
enum gcas_err recovery_code_normalise(const char *in, char out[RECOVERY_CODE_SIZE]);

#endif
