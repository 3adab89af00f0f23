/* SPDX-License-Identifier: MIT */
/* Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits, 30 s steps,
 * as every authenticator app implements them. Also the otpauth:// enrolment URI and its QR code
 * as SVG. Pure functions of their inputs; the caller keeps the secret and the last used step. */
#ifndef GCAS_CRYPTO_TOTP_H
#define GCAS_CRYPTO_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;

#define TOTP_SECRET_BYTES    20 /* 160 bits: RFC 4226 §4 R6 recommends 160 */
#define TOTP_SECRET_B32_SIZE 33 /* base32 of 20 bytes is 32 characters, plus NUL */
#define TOTP_PERIOD          30 /* seconds per step, RFC 6238 §4.1 X */
#define TOTP_DIGITS          6

/* New random secret as unpadded upper-case base32 into out. GCAS_OK, or GCAS_ERR_CRYPTO when the
 * kernel gives no randomness. */
enum gcas_err totp_secret_new(char out[TOTP_SECRET_B32_SIZE]);

/* The step number of epoch time now: floor(now / 30) (RFC 6238 §4.2, T0 = 0). */
int64_t totp_step(int64_t now);

/* The 6-digit code (0..999999) for a raw key at a step, or -1 when HMAC fails or step < 0. */
long totp_code(const void *key, size_t key_len, int64_t step);

/* As totp_code with 6..8 digits; exists so tests can check the 8-digit vectors of RFC 6238
 * Appendix B. Production code uses totp_code. -1 when digits is out of range. */
long totp_code_digits(const void *key, size_t key_len, int64_t step, int digits);

/* Check a code typed by the user against a base32 secret at time now. Accepts the steps now-1,
 * now and now+1 (RFC 6238 §5.2: one step of clock drift each way) but only a step strictly
 * greater than last_used_step, so each code works once (§5.2: "MUST NOT accept the second
 * attempt"); pass -1 when nothing was used yet. The code must be 6 digits; ASCII or full-width
 * digits are accepted and ASCII/ideographic spaces ignored (Japanese IMEs produce both).
 * GCAS_OK with *matched_step set (store it as the new last_used_step); GCAS_ERR_AUTH for a wrong,
 * reused or malformed code; GCAS_ERR_INVALID when the secret is not base32 of at least 16 bytes
 * (RFC 4226 §4 R6: at least 128 bits). Compares in constant time. */
/* Read a typed code: 6 digits, ASCII or full-width, spaces (also U+3000) ignored. 0 and the
 * digits in out, or -1 when it is not a TOTP code. */
int totp_code_parse(const char *code, char out[TOTP_DIGITS + 1]);
enum gcas_err totp_verify(const char *secret_b32, const char *code, int64_t now,
                          int64_t last_used_step, int64_t *matched_step);

/* otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * (Google Authenticator Key URI Format), issuer and account percent-encoded (RFC 3986
 * unreserved characters kept). issuer may be NULL or "" to omit it. Allocated in a; NULL on
 * allocation failure, a NULL account_label, or a secret that is not base32. */
char *totp_uri(struct arena *a, const char *issuer, const char *account_label,
               const char *secret_b32);

/* The QR code (error correction level M) of text as a standalone SVG element: role="img" with
 * aria_label (XML-escaped; NULL gives a bilingual default), black modules on a white background,
 * a 4-module quiet zone (the minimum ISO/IEC 18004 requires), shape-rendering="crispEdges".
 * Allocated in a; NULL when text is NULL, too long for a QR code, or on allocation failure. */
char *totp_qr_svg(struct arena *a, const char *text, const char *aria_label);

#endif
