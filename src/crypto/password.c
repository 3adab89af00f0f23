/* SPDX-License-Identifier: MIT */
/* Password hashing (argon2id via libsodium) and the NIST SP 800-63B §5.1.1.2 choice policy.
 * The common-password list (data/common-passwords.txt, John the Ripper's password.lst) is
 * embedded at build time by tools/embed.py and indexed into a sorted array on first use. */
#include "crypto/password.h"

#include <pthread.h>
#include <errno.h>
#include <unistd.h>
#include <semaphore.h>
#include <sodium.h>
#include <uninorm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/codec.h"
#include "base/rand.h"
#include "base/utf8.h"

_Static_assert(PASSWORD_HASH_SIZE == crypto_pwhash_STRBYTES, "hash buffer matches libsodium");

/* Generated from data/common-passwords.txt by tools/embed.py (see src/crypto/meson.build). */
extern const unsigned char gcas_common_passwords[];
extern const unsigned long gcas_common_passwords_len;

/* Context words and their parts are only considered from this many code points (the brief's
 * "length >= 4"); shorter ones would refuse too many unrelated passwords. */
#define CONTEXT_MIN_CHARS 4
/* A list word must keep at least this many bytes once a digit/symbol tail is stripped. */
#define STEM_MIN_BYTES 4
/* A lower-cased password: at most 128 code points of at most 4 bytes. */
#define LOWER_CAP (PASSWORD_MAX_CHARS * 4 + 1)
/* Longest context word considered (an email address is at most 254 bytes, RFC 5321 §4.5.3.1). */
#define WORD_CAP 512

struct pw_params password_params_default(void)
{
	/* OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1 (libsodium's
	 * argon2id always uses one lane). */
	struct pw_params p = {.opslimit = 2, .memlimit = 19u * 1024u * 1024u};
	return p;
}

static int sodium_ready(void)
{
	/* sodium_init() is idempotent and thread-safe; it returns 1 when already initialised. */
	return sodium_init() >= 0;
}

static int params_valid(const struct pw_params *params)
{
	return params && params->opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
	       params->opslimit <= crypto_pwhash_argon2id_OPSLIMIT_MAX &&
	       params->memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
	       params->memlimit <= crypto_pwhash_argon2id_MEMLIMIT_MAX;
}

/* At most one argon2id computation per CPU at a time: more cannot finish sooner, and each holds
 * memlimit bytes, so this bounds the memory a burst of sign-ins takes (bench/memory.sh: 4
 * workers hashing at once peaked at 98 MB) and keeps a flood from starving other requests. */
static sem_t slots;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void slots_init(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	sem_init(&slots, 0, (unsigned)(n < 1 ? 1 : n > 64 ? 64 : n));
}

static void slot_take(void)
{
	pthread_once(&slots_once, slots_init);
	while (sem_wait(&slots) != 0 && errno == EINTR)
		;
}

static void slot_give(void)
{
	sem_post(&slots);
}

/* NIST SP 800-63B §5.1.1.2: apply NFKC before hashing, so a password typed with full-width
 * letters, or with kana composed differently by another input method, is the same password.
 * Returns a malloc'd copy (the caller wipes and frees it), or NULL. */
static char *nfkc(const char *pw)
{
	size_t n = 0;
	uint8_t *r = u8_normalize(UNINORM_NFKC, (const uint8_t *)pw, strlen(pw), NULL, &n);
	if (!r)
		return NULL;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, r, n);
		s[n] = '\0';
	}
	explicit_bzero(r, n);
	free(r);
	return s;
}

/* What is hashed: the NFKC form, or the bytes as given when they are not valid UTF-8. */
static char *hash_input(const char *pw)
{
	char *s = nfkc(pw);
	return s ? s : strdup(pw);
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static int pw_usable(const char *pw)
{
	return pw && strnlen(pw, PASSWORD_MAX_BYTES + 1) <= PASSWORD_MAX_BYTES;
}

enum gcas_err password_hash(const char *pw, const struct pw_params *params,
                            char out[PASSWORD_HASH_SIZE])
{
	if (!pw_usable(pw) || !params_valid(params))
		return GCAS_ERR_INVALID;
	if (!sodium_ready())
		return GCAS_ERR_CRYPTO;
	/* The encoded string carries algorithm, version, m, t and salt, so old hashes keep
	 * verifying after the parameters are raised. */
	char *in = hash_input(pw);
	if (!in)
		return GCAS_ERR_NOMEM;
	slot_take();
	int rc = crypto_pwhash_str_alg(out, in, strlen(in), params->opslimit, params->memlimit,
	                               crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	wipe_free(in);
	if (rc != 0)
		return GCAS_ERR_NOMEM; /* libsodium fails here only when it cannot allocate */
	return GCAS_OK;
}

enum gcas_err password_verify(const char *encoded, const char *pw)
{
	if (!encoded || !pw_usable(pw) || !sodium_ready())
		return GCAS_ERR_AUTH;
	char *in = hash_input(pw);
	if (!in)
		return GCAS_ERR_AUTH;
	slot_take();
	int rc = crypto_pwhash_str_verify(encoded, in, strlen(in));
	slot_give();
	wipe_free(in);
	return rc != 0 ? GCAS_ERR_AUTH : GCAS_OK;
}

int password_needs_rehash(const char *encoded, const struct pw_params *params)
{
	if (!encoded || !params_valid(params) || !sodium_ready())
		return 1;
	/* The argon2id-specific check returns -1 for argon2i encodings, which we also migrate. */
	return crypto_pwhash_argon2id_str_needs_rehash(encoded, params->opslimit,
	                                               params->memlimit) != 0;
}

/* The dummy hash for unknown users: made once per parameter set, under a lock. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[PASSWORD_HASH_SIZE];
static struct pw_params dummy_params;
static int dummy_ready;

static int dummy_get(const struct pw_params *params, char out[PASSWORD_HASH_SIZE])
{
	int ok = 0;
	pthread_mutex_lock(&dummy_lock);
	if (!dummy_ready || dummy_params.opslimit != params->opslimit ||
	    dummy_params.memlimit != params->memlimit) {
		/* A random secret nobody knows: no password can ever match the dummy. */
		unsigned char secret[32];
		char secret_hex[2 * sizeof(secret) + 1];
		dummy_ready = 0;
		if (rand_bytes(secret, sizeof(secret)) != 0)
			goto out;
		hex_encode(secret_hex, secret, sizeof(secret));
		explicit_bzero(secret, sizeof(secret));
		if (password_hash(secret_hex, params, dummy_hash) == GCAS_OK) {
			dummy_params = *params;
			dummy_ready = 1;
		}
		explicit_bzero(secret_hex, sizeof(secret_hex));
	}
	if (dummy_ready) {
		memcpy(out, dummy_hash, PASSWORD_HASH_SIZE);
		ok = 1;
	}
out:
	pthread_mutex_unlock(&dummy_lock);
	return ok;
}

enum gcas_err password_verify_dummy(const char *pw, const struct pw_params *params)
{
	char hash[PASSWORD_HASH_SIZE];
	/* Mirror password_verify's early refusals so both paths cost the same for them too. */
	if (!pw_usable(pw) || !params_valid(params) || !sodium_ready())
		return GCAS_ERR_AUTH;
	if (dummy_get(params, hash)) {
		/* The outcome is irrelevant (it cannot match); only the time spent matters. */
		char *in = hash_input(pw); /* the same work as a real verify, normalisation too */
		slot_take();
		int burnt = in ? crypto_pwhash_str_verify(hash, in, strlen(in)) : -1;
		slot_give();
		wipe_free(in);
		(void)burnt;
	}
	return GCAS_ERR_AUTH;
}

/* ---- the common-password list ---- */

struct entry {
	const char *s;
	size_t len;
};

static struct entry *common_index;
static size_t common_count;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

/* Calls fn for each list line: '#' comment lines and blank lines are skipped, a trailing CR is
 * dropped. */
static void common_each(void (*fn)(const char *s, size_t len, void *ctx), void *ctx)
{
	const char *p = (const char *)gcas_common_passwords;
	const char *end = p + gcas_common_passwords_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t len = (size_t)(e - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len && p[0] != '#')
			fn(p, len, ctx);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void count_one(const char *s, size_t len, void *ctx)
{
	(void)s;
	(void)len;
	(*(size_t *)ctx)++;
}

static void add_one(const char *s, size_t len, void *ctx)
{
	(void)ctx;
	common_index[common_count].s = s;
	common_index[common_count].len = len;
	common_count++;
}

static void common_build(void)
{
	size_t n = 0;
	common_each(count_one, &n);
	common_index = calloc(n ? n : 1, sizeof(*common_index));
	if (!common_index)
		return; /* common_lookup falls back to a linear scan: slower, never weaker */
	common_each(add_one, NULL);
	/* The file is committed sorted; sorting again keeps bsearch right after hand edits. */
	qsort(common_index, common_count, sizeof(*common_index), entry_cmp);
}

struct scan {
	struct entry key;
	int found;
};

static void scan_one(const char *s, size_t len, void *ctx)
{
	struct scan *sc = ctx;
	struct entry e = {s, len};
	if (entry_cmp(&e, &sc->key) == 0)
		sc->found = 1;
}

static int common_lookup(const char *s, size_t len)
{
	struct entry key = {s, len};
	pthread_once(&common_once, common_build);
	if (common_index)
		return bsearch(&key, common_index, common_count, sizeof(key), entry_cmp) != NULL;
	struct scan sc = {key, 0};
	common_each(scan_one, &sc);
	return sc.found;
}

/* ---- the policy ---- */

static int ascii_punct_or_digit(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	       (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* The list holds lower-cased entries; lower is already lower-cased. A list word followed by
 * digits or symbols ("password123", "dragon1985!") is what cracking rules try first
 * (append-digits rules), so the stem before such a tail is looked up too. */
static int is_common(const char *lower, size_t len)
{
	size_t stem = len;
	if (common_lookup(lower, len))
		return 1;
	while (stem > 0 && ascii_punct_or_digit((unsigned char)lower[stem - 1]))
		stem--;
	return stem < len && stem >= STEM_MIN_BYTES && common_lookup(lower, stem);
}

/* Successor within a trivial run: the next code point, with 9 → 0 so "1234567890" counts. */
static int run_next(int32_t a, int32_t b, int dir)
{
	if (a >= '0' && a <= '9' && b >= '0' && b <= '9')
		return (a - '0' + 10 + dir) % 10 == b - '0';
	return a + dir == b;
}

/* One character repeated, a unit of up to 4 characters repeated ("abababab", "12341234"), or an
 * ascending/descending run ("abcdefgh", "87654321"). cps are lower-cased code points. */
static int is_repetitive(const int32_t *cps, size_t n)
{
	for (size_t period = 1; period <= 4 && 2 * period <= n; period++) {
		size_t i = period;
		while (i < n && cps[i] == cps[i - period])
			i++;
		if (i == n)
			return 1;
	}
	for (int dir = -1; dir <= 1; dir += 2) {
		size_t i = 1;
		while (i < n && run_next(cps[i - 1], cps[i], dir))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

static void ascii_lower_into(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	dst[len] = '\0';
}

/* 1 when the password contains word[0..len), or the word contains the whole password: both
 * mean the secret is guessable from who the user is (§5.1.1.2 "context-specific words, such as
 * the name of the service, the username"). */
static int context_hit(const char *lower_pw, size_t pw_len, const char *word, size_t len)
{
	char w[WORD_CAP];
	long chars = utf8_count(word, len);
	if (chars < CONTEXT_MIN_CHARS || len >= sizeof(w))
		return 0;
	ascii_lower_into(w, word, len);
	if (strstr(lower_pw, w))
		return 1;
	return len >= pw_len && strstr(w, lower_pw) != NULL;
}

static int is_sep(char c)
{
	return c == ' ' || c == '.' || c == '_' || c == '-' || c == '+';
}

static int context_word_hit(const char *lower_pw, size_t pw_len, const char *word)
{
	const char *at = strchr(word, '@');
	size_t len = at ? (size_t)(at - word) : strlen(word);
	size_t i = 0;
	char joined[WORD_CAP];
	size_t jn = 0;
	if (len >= sizeof(joined))
		return 0; /* no real name or email is this long */
	if (context_hit(lower_pw, pw_len, word, len))
		return 1;
	/* "taro.yamada" also contributes "taroyamada", and "山田 太郎" contributes "山田太郎". */
	for (size_t k = 0; k < len; k++) {
		if (!is_sep(word[k]))
			joined[jn++] = word[k];
	}
	if (jn < len && context_hit(lower_pw, pw_len, joined, jn))
		return 1;
	/* ... and its parts "taro" and "yamada". */
	while (i < len) {
		size_t j = i;
		while (j < len && !is_sep(word[j]))
			j++;
		if (j - i < len && context_hit(lower_pw, pw_len, word + i, j - i))
			return 1;
		i = j + 1;
	}
	return 0;
}

enum pw_problem password_check_policy(const char *pw, const char *const *context_words)
{
	int32_t cps[PASSWORD_MAX_CHARS + 1];
	char lower[LOWER_CAP];
	enum pw_problem res = PW_OK;
	size_t n = 0, len;
	const char *p, *end;

	if (!pw)
		return PW_INVALID_UTF8;
	len = strlen(pw);
	p = pw;
	end = pw + len;
	/* Validate all of it first (invalid wins over too long); keep the first 129 code points. */
	while (p < end) {
		int32_t c = utf8_next(&p, end);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			return PW_INVALID_UTF8; /* invalid (-1) or a C0/DEL/C1 control */
		if (n <= PASSWORD_MAX_CHARS)
			cps[n] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
		n++;
	}
	if (n < PASSWORD_MIN_CHARS)
		return PW_TOO_SHORT;
	if (n > PASSWORD_MAX_CHARS)
		return PW_TOO_LONG;
	if (is_repetitive(cps, n))
		return PW_REPETITIVE;
	ascii_lower_into(lower, pw, len); /* len <= 4 * 128 here, so it fits */
	if (is_common(lower, len)) {
		res = PW_COMMON;
		goto out;
	}
	for (size_t i = 0; context_words && context_words[i]; i++) {
		if (context_word_hit(lower, len, context_words[i])) {
			res = PW_CONTEXT;
			goto out;
		}
	}
out:
	explicit_bzero(lower, sizeof(lower));
	explicit_bzero(cps, sizeof(cps));
	return res;
}

static const char *const msg_ja[PW_PROBLEM__MAX] = {
    [PW_OK] = "このパスワードは使用できます",
    [PW_INVALID_UTF8] = "パスワードに使用できない文字が含まれています",
    [PW_TOO_SHORT] = "パスワードは8文字以上にしてください",
    [PW_TOO_LONG] = "パスワードは128文字以内にしてください",
    [PW_REPETITIVE] = "同じ文字の繰り返しや「12345678」のような連続した文字列は使えません",
    [PW_COMMON] = "よく使われていて推測されやすいパスワードです。別のパスワードにしてください",
    [PW_CONTEXT] = "メールアドレスや氏名を含むパスワードは使えません",
};

static const char *const msg_en[PW_PROBLEM__MAX] = {
    [PW_OK] = "This password can be used.",
    [PW_INVALID_UTF8] = "The password contains characters that cannot be used.",
    [PW_TOO_SHORT] = "Use at least 8 characters.",
    [PW_TOO_LONG] = "Use at most 128 characters.",
    [PW_REPETITIVE] = "Do not use repeated characters or simple sequences such as 12345678.",
    [PW_COMMON] = "This password is commonly used and easy to guess. Choose another one.",
    [PW_CONTEXT] = "Do not use your email address or name in the password.",
};

const char *password_problem_msg(enum pw_problem p, int english)
{
	if ((unsigned)p >= PW_PROBLEM__MAX)
		return english ? "This password cannot be used." : "このパスワードは使用できません";
	return english ? msg_en[p] : msg_ja[p];
}
