/* SPDX-License-Identifier: MIT */
/* Passwords (memorized secrets) per NIST SP 800-63B §5.1.1.2: argon2id hashing through libsodium,
 * a dummy verification so an unknown user costs the same time as a known one, and the choice
 * policy (length in code points, common-password blocklist, context words, trivial patterns; no
 * composition rules). Knows nothing of users, stores or the web. */
#ifndef GCAS_CRYPTO_PASSWORD_H
#define GCAS_CRYPTO_PASSWORD_H

#include <stddef.h>

#include "base/err.h"

/* Size of an encoded hash buffer, NUL included (libsodium's crypto_pwhash_STRBYTES). */
#define PASSWORD_HASH_SIZE 128
/* Passwords longer than this many bytes are refused outright by hash and verify (128 code points
 * of 4 bytes fit; the cap bounds the work an anonymous request can ask for). */
#define PASSWORD_MAX_BYTES 1024

/* argon2id cost. The encoded hash records its own parameters, so raising these later only makes
 * password_needs_rehash() say 1 at the next successful login. */
struct pw_params {
	unsigned long long opslimit; /* passes; libsodium's argon2id minimum is 1 */
	size_t memlimit;             /* bytes; libsodium's argon2id minimum is 8192 */
};

/* Production default: OWASP Password Storage Cheat Sheet's argon2id floor (m = 19 MiB, t = 2,
 * p = 1), which keeps a worker pool of logins affordable on a small node. */
struct pw_params password_params_default(void);

/* Hash pw with argon2id and a fresh random salt into out (NUL-terminated "$argon2id$v=19$..."
 * string). Errors: GCAS_ERR_INVALID when pw is NULL or longer than PASSWORD_MAX_BYTES or the
 * params are below libsodium's minimum; GCAS_ERR_NOMEM when libsodium cannot allocate memlimit;
 * GCAS_ERR_CRYPTO when libsodium cannot initialise. Thread-safe. */
enum gcas_err password_hash(const char *pw, const struct pw_params *params,
                            char out[PASSWORD_HASH_SIZE]);

/* Check pw against an encoded hash (argon2id or argon2i). GCAS_OK on a match; GCAS_ERR_AUTH on a
 * mismatch, a malformed encoding, a NULL argument or a too-long pw. Time is dominated by the
 * parameters stored in the encoding. Thread-safe. */
enum gcas_err password_verify(const char *encoded, const char *pw);

/* 1 when encoded was not made by argon2id with exactly these params (so a successful login should
 * store a fresh hash), or is malformed; 0 when it is current. */
int password_needs_rehash(const char *encoded, const struct pw_params *params);

/* Burn the time of one real verification and return GCAS_ERR_AUTH. Call it when the account is
 * unknown so response time does not reveal whether it exists. The dummy hash (of a random
 * secret nobody knows) is computed lazily on first use and again only when params change;
 * thread-safe. */
enum gcas_err password_verify_dummy(const char *pw, const struct pw_params *params);

/* What is wrong with a newly chosen password; the first problem found, in this order. */
enum pw_problem {
	PW_OK = 0,
	PW_INVALID_UTF8, /* not valid UTF-8, or contains a control character */
	PW_TOO_SHORT,    /* fewer than 8 code points (§5.1.1.2: at least 8) */
	PW_TOO_LONG,     /* more than 128 code points (§5.1.1.2: accept at least 64) */
	PW_REPETITIVE,   /* one repeated character, a short repeated unit, or a run like 12345678 */
	PW_COMMON,       /* on the common-password list, alone or followed by digits/symbols */
	PW_CONTEXT,      /* equals or contains a context word (email local part, name) */
	PW_PROBLEM__MAX
};

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128

/* Judge pw. context_words is a NULL-terminated array (or NULL) of service-specific words such as
 * the user's email address and names; an email contributes its local part, and each word also
 * contributes its parts split at space . _ - +. Words (or parts) shorter than 4 code points are
 * ignored. Comparisons are ASCII case-insensitive. The common-password list is embedded in the
 * binary and indexed once on first use (thread-safe). Never fails: a NULL pw is PW_INVALID_UTF8. */
enum pw_problem password_check_policy(const char *pw, const char *const *context_words);

/* Message for a problem, Japanese by default, English when english is non-zero. Static storage;
 * never NULL (an out-of-range value gets a generic message). */
const char *password_problem_msg(enum pw_problem p, int english);

#endif
