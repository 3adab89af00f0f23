/* SPDX-License-Identifier: MIT */
/* Byte encodings: hex, base64url (RFC 4648 §5, no padding), base64 (§4), base32 (§6, for TOTP
 * secrets). Output buffers are sized by the *_len helpers and always NUL-terminated. */
#ifndef GCAS_BASE_CODEC_H
#define GCAS_BASE_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* hex: out must hold 2*n+1 bytes. */
void hex_encode(char *out, const void *in, size_t n);
/* Decode exactly 2*n hex digits into out[n]. Returns 0 or -1 on a bad digit/length. */
int hex_decode(void *out, size_t n, const char *in, size_t in_len);

size_t b64url_len(size_t n); /* encoded length without NUL */
void b64url_encode(char *out, const void *in, size_t n);
size_t b64_len(size_t n);
void b64_encode(char *out, const void *in, size_t n);
/* Decode base64 or base64url (both alphabets, padding optional) into out (capacity cap).
 * Returns the decoded length, or -1 on bad input or overflow. */
long b64_decode(void *out, size_t cap, const char *in, size_t in_len);

size_t base32_len(size_t n); /* without padding */
void base32_encode(char *out, const void *in, size_t n);
/* Case-insensitive, spaces and '=' ignored. Returns decoded length or -1. */
long base32_decode(void *out, size_t cap, const char *in, size_t in_len);

/* Constant-time equality of two n-byte regions: 1 equal, 0 not. */
int ct_equal(const void *a, const void *b, size_t n);
/* Constant time in the length of b for NUL-terminated strings (a length mismatch is not leaked
 * through early exit). */
int ct_streq(const char *a, const char *b);

#endif
