/* SPDX-License-Identifier: MIT */
/* Unit tests of src/crypto: RFC 6238 Appendix B TOTP vectors, FIPS 180-2 SHA-256 "abc", RFC 4231
 * HMAC-SHA256, argon2id hash/verify/rehash, the SP 800-63B password policy, TOTP drift and
 * replay, enrolment URI and QR SVG, tokens and recovery codes. */
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/codec.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "crypto/totp.h"
#include "tap.h"

/* libsodium's argon2id minimum, so the suite stays fast. */
static const struct pw_params small = {.opslimit = 1, .memlimit = 8192};

static const char rfc_key[] = "12345678901234567890";
static const char rfc_key_b32[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static void test_totp_vectors(void)
{
	/* RFC 6238 Appendix B, SHA1 column (T0 = 0, X = 30, 8 digits). */
	static const struct {
		long long t;
		long code;
	} v[] = {
	    {59, 94287082},         {1111111109, 7081804},  {1111111111, 14050471},
	    {1234567890, 89005924}, {2000000000, 69279037}, {20000000000LL, 65353130},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t step = totp_step(v[i].t);
		is_int(totp_code_digits(rfc_key, 20, step, 8), v[i].code, "RFC 6238 SHA1 T=%lld",
		       v[i].t);
		/* Truncation is modulo 10^digits, so the 6-digit code is the vector's last six. */
		is_int(totp_code(rfc_key, 20, step), v[i].code % 1000000, "6-digit code T=%lld",
		       v[i].t);
	}
	is_int(totp_step(59), 1, "step of T=59 is 1");
	is_int(totp_step(-1), -1, "steps floor before the epoch");
	is_int(totp_code_digits(rfc_key, 20, 1, 9), -1, "9 digits refused");
	is_int(totp_code(rfc_key, 20, -1), -1, "negative step refused");
}

/* The 6-digit code at step s as text. */
static void code_at(char out[7], int64_t s)
{
	long c = totp_code(rfc_key, 20, s);
	for (int i = 5; i >= 0; i--, c /= 10)
		out[i] = (char)('0' + c % 10);
	out[6] = '\0';
}

static void test_totp_verify(void)
{
	const int64_t now = 1111111111, s = totp_step(now);
	int64_t m = -7;
	char c[7];

	code_at(c, s);
	ok(totp_verify(rfc_key_b32, c, now, -1, &m) == GCAS_OK && m == s, "current code accepted");
	ok(totp_verify(rfc_key_b32, c, now, m, &m) == GCAS_ERR_AUTH, "same code refused on reuse");
	ok(totp_verify(rfc_key_b32, c, now, s + 5, NULL) == GCAS_ERR_AUTH,
	   "code of a step before the last used one refused");
	code_at(c, s - 1);
	ok(totp_verify(rfc_key_b32, c, now, -1, &m) == GCAS_OK && m == s - 1, "drift -1 accepted");
	code_at(c, s + 1);
	ok(totp_verify(rfc_key_b32, c, now, -1, &m) == GCAS_OK && m == s + 1, "drift +1 accepted");
	ok(totp_verify(rfc_key_b32, c, now, s, &m) == GCAS_OK && m == s + 1,
	   "next step accepted after the current one was used");
	code_at(c, s + 2);
	ok(totp_verify(rfc_key_b32, c, now, -1, &m) == GCAS_ERR_AUTH, "drift +2 refused");
	code_at(c, s - 2);
	ok(totp_verify(rfc_key_b32, c, now, -1, &m) == GCAS_ERR_AUTH, "drift -2 refused");

	code_at(c, s);
	char spaced[16] = {c[0], c[1], c[2], ' ', c[3], c[4], c[5], '\0'};
	ok(totp_verify(rfc_key_b32, spaced, now, -1, &m) == GCAS_OK, "\"123 456\" form accepted");
	/* Full-width digits from a Japanese IME: U+FF10 + d is EF BC 90+d. */
	char wide[32];
	for (int i = 0; i < 6; i++) {
		wide[3 * i] = (char)0xEF;
		wide[3 * i + 1] = (char)0xBC;
		wide[3 * i + 2] = (char)(0x90 + (c[i] - '0'));
	}
	wide[18] = '\0';
	ok(totp_verify(rfc_key_b32, wide, now, -1, &m) == GCAS_OK, "full-width digits accepted");

	char bad[7];
	memcpy(bad, c, sizeof(bad));
	bad[2] = 'a';
	ok(totp_verify(rfc_key_b32, bad, now, -1, &m) == GCAS_ERR_AUTH, "non-digit refused");
	ok(totp_verify(rfc_key_b32, "12345", now, -1, &m) == GCAS_ERR_AUTH, "5 digits refused");
	char longer[8];
	memcpy(longer, c, 6);
	longer[6] = '0';
	longer[7] = '\0';
	ok(totp_verify(rfc_key_b32, longer, now, -1, &m) == GCAS_ERR_AUTH, "7 digits refused");
	ok(totp_verify(rfc_key_b32, "", now, -1, &m) == GCAS_ERR_AUTH, "empty refused");
	ok(totp_verify(rfc_key_b32, NULL, now, -1, &m) == GCAS_ERR_AUTH, "NULL refused");
	ok(totp_verify("GEZDGNBV", c, now, -1, &m) == GCAS_ERR_INVALID, "40-bit secret refused");
	ok(totp_verify("not base32!", c, now, -1, &m) == GCAS_ERR_INVALID, "junk secret refused");

	char secret[TOTP_SECRET_B32_SIZE], secret2[TOTP_SECRET_B32_SIZE];
	unsigned char raw[32];
	ok(totp_secret_new(secret) == GCAS_OK && strlen(secret) == 32, "new secret: 32 chars");
	ok(base32_decode(raw, sizeof(raw), secret, strlen(secret)) == 20, "new secret: 20 bytes");
	totp_secret_new(secret2);
	ok(strcmp(secret, secret2) != 0, "new secrets differ");
}

static void test_totp_uri_qr(void)
{
	struct arena *a = arena_new(0);
	char *uri = totp_uri(a, "GCAS デジタル庁", "taro@example.go.jp", rfc_key_b32);
	is_str(uri,
	       "otpauth://totp/GCAS%20%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB%E5%BA%81:"
	       "taro%40example.go.jp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	       "&issuer=GCAS%20%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB%E5%BA%81"
	       "&algorithm=SHA1&digits=6&period=30",
	       "otpauth URI percent-encodes issuer and label");
	is_str(
	    totp_uri(a, NULL, "a:b", rfc_key_b32),
	    "otpauth://totp/a%3Ab?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6"
	    "&period=30",
	    "no issuer: label only, colon encoded");
	ok(totp_uri(a, "x", "y", "abc&d=1") == NULL, "non-base32 secret refused");

	char *svg = totp_qr_svg(a, uri, "二要素認証の設定用QRコード \"<>");
	ok(svg && strncmp(svg, "<svg", 4) == 0, "QR SVG starts with <svg");
	has_str(svg, "role=\"img\"", "QR SVG has role=img");
	has_str(svg, "aria-label=\"二要素認証の設定用QRコード &quot;&lt;&gt;\"",
	        "QR SVG carries the escaped aria-label");
	has_str(svg, "shape-rendering=\"crispEdges\"", "crisp edges");
	has_str(svg, "fill=\"#fff\"", "white background");
	has_str(svg, "fill=\"#000\"", "black modules");
	/* The top-left finder pattern's first row is 7 dark modules starting after the 4-module
	 * quiet zone. */
	has_str(svg, "d=\"M4 4h7v1h-7z", "finder pattern after a 4-module quiet zone");
	ok(svg && strcmp(svg + strlen(svg) - 6, "</svg>") == 0, "SVG is closed");

	char *huge = arena_alloc(a, 5001);
	memset(huge, 'x', 5000);
	ok(totp_qr_svg(a, huge, NULL) == NULL, "text too long for a QR code refused");
	arena_free(a);
}

static void test_hashes(void)
{
	char hex[SHA256_HEX_SIZE];
	unsigned char mac[32];
	ok(sha256_hex("abc", 3, hex) == GCAS_OK, "sha256 ok");
	/* FIPS 180-2 Appendix B.1. */
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "SHA-256(\"abc\")");
	sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	       "SHA-256 of empty input");
	/* RFC 4231 §4.3, test case 2. */
	const char *data = "what do ya want for nothing?";
	ok(hmac_sha256("Jefe", 4, data, strlen(data), mac) == GCAS_OK, "hmac ok");
	hex_encode(hex, mac, 32);
	is_str(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	       "RFC 4231 test case 2");
}

static void test_tokens(void)
{
	char t1[80], t2[80], h[SHA256_HEX_SIZE], h2[SHA256_HEX_SIZE];
	ok(token_new(t1, sizeof(t1), "gcas_pat_") == GCAS_OK, "token_new ok");
	ok(strncmp(t1, "gcas_pat_", 9) == 0 && strlen(t1) == 9 + 43, "prefix + 43 base64url chars");
	ok(strspn(t1 + 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43,
	   "base64url alphabet only");
	ok(token_new(t2, sizeof(t2), "") == GCAS_OK && strlen(t2) == 43, "empty prefix");
	ok(strcmp(t1 + 9, t2) != 0, "tokens differ");
	ok(token_new(t2, 52, "gcas_pat_") == GCAS_ERR_INVALID && t2[0] == '\0',
	   "too small buffer refused");
	ok(token_new(t2, 53, "gcas_pat_") == GCAS_OK, "exact buffer accepted");
	token_hash(t1, h);
	sha256_hex(t1, strlen(t1), h2);
	ok(strlen(h) == 64 && strcmp(h, h2) == 0, "token_hash is SHA-256 hex of the token");

	char codes[RECOVERY_CODES][RECOVERY_CODE_SIZE], norm[RECOVERY_CODE_SIZE];
	int shape = 1, distinct = 1;
	ok(recovery_codes_new(codes) == GCAS_OK, "recovery codes made");
	for (int i = 0; i < RECOVERY_CODES; i++) {
		const char *c = codes[i];
		shape &= strlen(c) == 14 && c[4] == '-' && c[9] == '-' &&
		         strspn(c, "23456789abcdefghjkmnpqrstuvwxyz-") == 14;
		for (int j = 0; j < i; j++)
			distinct &= strcmp(codes[i], codes[j]) != 0;
	}
	ok(shape, "codes look like xxxx-xxxx-xxxx without 0 o 1 l i (first: %s)", codes[0]);
	ok(distinct, "codes are distinct");
	ok(recovery_code_normalise(codes[3], norm) == GCAS_OK && strlen(norm) == 12, "normalise");
	ok(recovery_code_normalise(" ABCD-efgh jkmn ", norm) == GCAS_OK, "normalise typed form");
	is_str(norm, "abcdefghjkmn", "lower-cased, spaces and dashes gone");
	/* Full-width "ＡＢＣＤ" + katakana long vowel "ー" + "efgh" + ideographic space + "jkmn".
	 */
	ok(recovery_code_normalise("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\xA4\xE3\x83\xBC"
	                           "efgh\xE3\x80\x80jkmn",
	                           norm) == GCAS_OK,
	   "full-width IME input accepted");
	is_str(norm, "abcdefghjkmn", "full-width input normalised");
	ok(recovery_code_normalise("---", norm) == GCAS_ERR_INVALID,
	   "empty after stripping refused");
	ok(recovery_code_normalise("abcdefghjkmnpqrstuvwxyz", norm) == GCAS_ERR_INVALID,
	   "too long refused");
	ok(recovery_code_normalise("abcd\x01", norm) == GCAS_ERR_INVALID, "control refused");
	ok(recovery_code_normalise("ab\xff", norm) == GCAS_ERR_INVALID && norm[0] == '\0',
	   "invalid UTF-8 refused");
}

static void test_password_hash(void)
{
	char enc[PASSWORD_HASH_SIZE], enc2[PASSWORD_HASH_SIZE];
	struct pw_params raised = {.opslimit = 2, .memlimit = 8192};
	struct pw_params def = password_params_default();
	ok(password_hash("correct horse battery staple", &small, enc) == GCAS_OK, "hash ok");
	ok(strncmp(enc, "$argon2id$v=19$m=8,t=1,p=1$", 27) == 0,
	   "argon2id encoding with params: %s", enc);
	ok(password_verify(enc, "correct horse battery staple") == GCAS_OK, "right password");
	ok(password_verify(enc, "correct horse battery stapl") == GCAS_ERR_AUTH, "wrong password");
	ok(password_verify(enc, "") == GCAS_ERR_AUTH, "empty password");
	ok(password_verify("$argon2id$junk", "x") == GCAS_ERR_AUTH, "malformed hash");
	/* NFKC (SP 800-63B §5.1.1.2): full-width letters and decomposed kana are the same
	 * password as their usual forms. */
	ok(password_verify(enc, "ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ ｓｔａｐｌｅ") == GCAS_OK,
	   "the same password typed in full-width letters verifies");
	char kana[PASSWORD_HASH_SIZE];
	ok(password_hash("がっこうのとしょかん", &small, kana) == GCAS_OK,
	   "hash a kana passphrase");
	ok(password_verify(kana, "か\u3099っこうのとしょかん") == GCAS_OK,
	   "it verifies typed with a combining voiced mark");
	ok(password_verify(kana, "かっこうのとしょかん") == GCAS_ERR_AUTH,
	   "but not without the voiced mark");
	ok(password_verify(NULL, "x") == GCAS_ERR_AUTH, "NULL hash");
	is_int(password_needs_rehash(enc, &small), 0, "same params: no rehash");
	is_int(password_needs_rehash(enc, &raised), 1, "raised params: rehash");
	is_int(password_needs_rehash("junk", &small), 1, "malformed: rehash");
	password_hash("correct horse battery staple", &small, enc2);
	ok(strcmp(enc, enc2) != 0, "salted: two hashes differ");
	ok(password_hash("x", &(struct pw_params){.opslimit = 0, .memlimit = 8192}, enc2) ==
	       GCAS_ERR_INVALID,
	   "params below libsodium's minimum refused");
	ok(def.opslimit >= 2 && def.memlimit >= 19u * 1024 * 1024, "default params: OWASP floor");

	char big[PASSWORD_MAX_BYTES + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(password_hash(big, &small, enc2) == GCAS_ERR_INVALID, "over-long password refused");
	is_int(password_verify_dummy("anything", &small), GCAS_ERR_AUTH, "dummy verify fails");
	is_int(password_verify_dummy("anything", &raised), GCAS_ERR_AUTH,
	       "dummy verify with other params fails");
}

static void test_policy(void)
{
	const char *ctx[] = {"Taro.Yamada@example.go.jp", "山田 太郎", "Abe", NULL};
	char s64[65], s128[130];
	const char *phrase = "Kasumigaseki to Tsukuba by the early train, then coffee at nine! ";
	for (int i = 0; i < 128; i++)
		s128[i] = phrase[i % strlen(phrase)];
	s128[128] = '\0';
	memcpy(s64, s128, 64);
	s64[64] = '\0';

	is_int(password_check_policy("Zq7#kP2", NULL), PW_TOO_SHORT, "7 chars too short");
	is_int(password_check_policy("Zq7#kP2w", NULL), PW_OK, "8 chars ok");
	is_int(password_check_policy(s64, ctx), PW_OK, "64 chars ok");
	is_int(password_check_policy(s128, NULL), PW_OK, "128 chars ok");
	s128[128] = 'x';
	s128[129] = '\0';
	is_int(password_check_policy(s128, NULL), PW_TOO_LONG, "129 chars too long");

	is_int(password_check_policy("password123", NULL), PW_COMMON, "password123 is common");
	is_int(password_check_policy("PassWord", NULL), PW_COMMON, "case-insensitive list match");
	is_int(password_check_policy("iloveyou", NULL), PW_COMMON, "iloveyou is common");
	is_int(password_check_policy("qwertyuiop", NULL), PW_COMMON, "qwertyuiop is common");
	is_int(password_check_policy("dragon1985!", NULL), PW_COMMON, "list word + digits");

	is_int(password_check_policy("yamada-no-himitsu", ctx), PW_CONTEXT, "name part refused");
	is_int(password_check_policy("xxTARO.YAMADAxx", ctx), PW_CONTEXT,
	       "email local part refused");
	is_int(password_check_policy("taro.yam", ctx), PW_CONTEXT,
	       "password inside the email local part refused");
	is_int(password_check_policy("わたしは山田太郎です", ctx), PW_CONTEXT,
	       "name with its space removed refused");
	is_int(password_check_policy("TaroYamada2024", ctx), PW_CONTEXT,
	       "local part with its dot removed refused");
	is_int(password_check_policy("山田さんのひみつです", ctx), PW_OK,
	       "2-character name parts are ignored");
	is_int(password_check_policy("abe-no-himitsu", ctx), PW_OK,
	       "3-letter context word ignored");
	is_int(password_check_policy("yamada-no-himitsu", NULL), PW_OK, "no context, no refusal");

	is_int(password_check_policy("にほんごのパスフレーズ", ctx), PW_OK,
	       "Japanese passphrase accepted");
	is_int(password_check_policy("にほんご", NULL), PW_TOO_SHORT,
	       "4 code points (12 bytes) too short");

	is_int(password_check_policy("aaaaaaaa", NULL), PW_REPETITIVE, "one repeated character");
	is_int(password_check_policy("12345678", NULL), PW_REPETITIVE, "12345678");
	is_int(password_check_policy("ABCDEFGH", NULL), PW_REPETITIVE, "abcdefgh");
	is_int(password_check_policy("9876543210", NULL), PW_REPETITIVE, "descending digits");
	is_int(password_check_policy("1234567890", NULL), PW_REPETITIVE, "digits wrapping to 0");
	is_int(password_check_policy("xyzxyzxyz", NULL), PW_REPETITIVE, "repeated unit");
	is_int(password_check_policy("ああああああああ", NULL), PW_REPETITIVE, "repeated kana");

	is_int(password_check_policy("abc\xff"
	                             "defghij",
	                             NULL),
	       PW_INVALID_UTF8, "invalid UTF-8");
	is_int(password_check_policy("abc\xed\xa0\x80"
	                             "defgh",
	                             NULL),
	       PW_INVALID_UTF8, "surrogate refused");
	is_int(password_check_policy("abc\tdefghij", NULL), PW_INVALID_UTF8, "control refused");
	is_int(password_check_policy(NULL, NULL), PW_INVALID_UTF8, "NULL refused");

	is_str(password_problem_msg(PW_TOO_SHORT, 0), "パスワードは8文字以上にしてください",
	       "Japanese message");
	is_str(password_problem_msg(PW_TOO_SHORT, 1), "Use at least 8 characters.",
	       "English message");
	int all = 1;
	for (int p = 0; p < PW_PROBLEM__MAX; p++)
		all &= password_problem_msg(p, 0) && *password_problem_msg(p, 0) &&
		       password_problem_msg(p, 1) && *password_problem_msg(p, 1);
	ok(all, "every problem has both messages");
	ok(password_problem_msg(PW_PROBLEM__MAX, 0) != NULL, "out-of-range problem has a message");
}

/* Ordered tokens (grant keys that ascend with issue time) and their storage keys. */
static void test_ordered_tokens(void)
{
	char t1[96], t2[96], k1[TOKEN_KEY_SIZE], k2[TOKEN_KEY_SIZE], h[SHA256_HEX_SIZE];
	ok(token_new_ordered(t1, sizeof(t1), "gcas_ac_") == GCAS_OK, "token_new_ordered ok");
	ok(strlen(t1) == 8 + 12 + 1 + 43 && t1[20] == '.' &&
	       strspn(t1 + 8, "0123456789abcdef") == 12,
	   "prefix + 12 hex time digits + '.' + 43 base64url chars (%s)", t1);
	ok(token_new_ordered(t2, 8 + TOKEN_ORDERED_EXTRA, "gcas_ac_") == GCAS_ERR_INVALID &&
	       t2[0] == '\0',
	   "a buffer one short is refused");
	struct timespec pause = {0, 3 * 1000 * 1000};
	nanosleep(&pause, NULL);
	ok(token_new_ordered(t2, sizeof(t2), "gcas_ac_") == GCAS_OK, "a second ordered token");
	ok(token_key(t1, k1) == GCAS_OK && token_key(t2, k2) == GCAS_OK, "keys made");
	sha256_hex(t1, strlen(t1), h);
	ok(strlen(k1) == 76 && strncmp(k1, t1 + 8, 12) == 0 && strcmp(k1 + 12, h) == 0,
	   "key = the time digits + SHA-256 hex of the whole token");
	ok(strcmp(k1, k2) < 0, "a later token has a greater key");
	t2[9] = 'G'; /* not lower-case hex: not an ordered token, so the plain hash */
	ok(token_key(t2, k2) == GCAS_OK && strlen(k2) == 64, "a look-alike keys as a plain hash");
	ok(token_key("gcas_at_bogus", k2) == GCAS_OK && strlen(k2) == 64,
	   "an old-style token keys as its plain hash");
	ok(token_key("000000000000.short", k2) == GCAS_OK && strlen(k2) == 64,
	   "a dot without 43 random characters after it: plain hash");
}

int main(void)
{
	test_totp_vectors();
	test_totp_verify();
	test_totp_uri_qr();
	test_hashes();
	test_tokens();
	test_ordered_tokens();
	test_password_hash();
	test_policy();
	return tap_done();
}
