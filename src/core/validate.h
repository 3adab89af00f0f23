/* SPDX-License-Identifier: MIT */
/* Domain validation of user input: work email addresses, person and organisation names (with kana
 * readings), local government codes (JIS X 0401/0402), our ministry codes, general free text, and
 * detection of the Individual Number (個人番号), which the regulation forbids us to store.
 * Pure functions: no I/O, no allocation, thread-safe. Messages come in Japanese and English. */
#ifndef GCAS_CORE_VALIDATE_H
#define GCAS_CORE_VALIDATE_H

#include <stddef.h>

/* What is wrong with an input. VP_OK (0) means valid. Each value has a message (validate_msg). */
enum vproblem {
	VP_OK = 0,
	VP_EMPTY,                /* NULL or "" where a value is required */
	VP_TOO_LONG,             /* more code points (or bytes) than allowed */
	VP_BAD_UTF8,             /* not valid UTF-8 (RFC 3629) */
	VP_CONTROL_CHAR,         /* C0/C1 control or DEL (tab/newline allowed only in multiline) */
	VP_INVISIBLE_CHAR,       /* zero-width, bidi override/isolate or BOM in a name */
	VP_EDGE_SPACE,           /* leading or trailing space */
	VP_EMAIL_FORMAT,         /* not exactly one '@', or an empty side */
	VP_EMAIL_TOO_LONG,       /* over 254 octets (RFC 5321 §4.5.3.1.3) */
	VP_EMAIL_LOCAL_TOO_LONG, /* local part over 64 octets (RFC 5321 §4.5.3.1.1) */
	VP_EMAIL_LOCAL_CHARS,    /* local part not ASCII atext (RFC 5322 §3.2.3) */
	VP_EMAIL_LOCAL_DOTS,     /* leading, trailing or doubled '.' in the local part */
	VP_EMAIL_DOMAIN,         /* a domain label is not LDH / too long / empty */
	VP_EMAIL_DOMAIN_LABELS,  /* the domain has a single label */
	VP_EMAIL_TLD,            /* the last label is neither alphabetic nor an A-label */
	VP_EMAIL_ROLE,           /* a shared role/list address (used by callers, R2.8) */
	VP_NAME_PUNCT,           /* ASCII punctuation other than space - ' . in a name */
	VP_KANA_CHARS,           /* a reading that is not full-width katakana/hiragana */
	VP_LG_FORMAT,            /* local government code is not 6 ASCII digits */
	VP_LG_PREFECTURE,        /* first two digits not 01-47 */
	VP_LG_CHECK_DIGIT,       /* 6th digit is not the JIS X 0402 check digit */
	VP_MINISTRY_CODE,        /* ministry code not [a-z][a-z0-9-]{1,31} */
	VP_INDIVIDUAL_NUMBER,    /* free text contains an Individual Number (used by callers) */
	VP__MAX
};

#define VALIDATE_EMAIL_MAX       254 /* octets; a normalised address fits in 255 bytes */
#define VALIDATE_EMAIL_LOCAL_MAX 64
#define VALIDATE_NAME_MAX_CP     50
#define VALIDATE_ORG_MAX_CP      100

/* The message for p: Japanese when english == 0, else English. A static string, never NULL
 * (an out-of-range p gives a generic message). */
const char *validate_msg(enum vproblem p, int english);

/* A personal work email address: local part an ASCII dot-atom (RFC 5322 §3.2.3; quoted strings
 * refused), <= 64 octets; domain of >= 2 LDH labels (RFC 1035 §2.3.1, RFC 5890 A-labels "xn--"
 * allowed), each <= 63 octets, the last alphabetic or an A-label; whole address <= 254 octets.
 * No surrounding whitespace is trimmed: the caller decides that. On VP_OK and normalised != NULL,
 * writes the address in lower case to normalised[cap] (cap >= strlen(s) + 1, at most 255 is ever
 * needed); a cap too small gives VP_TOO_LONG. On a problem normalised is set to "" when cap > 0. */
enum vproblem validate_email(const char *s, char *normalised, size_t cap);

/* 1 when the local part of an address (the text before '@', or all of it) is a common role or
 * mailing-list name (info, admin, noreply, soumu, ...), ignoring case, a "+tag" sub-address,
 * trailing digits, and treating '.', '_' and '-' alike. Used to refuse shared addresses
 * (regulation R2.8: personal work email only). NULL gives 0. */
int validate_email_is_role_address(const char *normalised);

/* R2.8 (規程 別表1), the rule for registering an address: 1 when validate_email_is_role_address
 * says so, or the local part is another shared name (kikaku 企画, ...), or it is marked as a
 * mailing list: it starts "ml-", "ml_", "ml.", "list-" or ends "-ml", "-list", "-all" ('.' and
 * '_' fold to '-' as above; a "+tag" is ignored). NULL gives 0. */
int validate_email_is_list_address(const char *normalised);

/* A family or given name. kana == 0 (the kanji-form field): 1-50 code points of valid UTF-8,
 * letters of any script, no controls or invisible format characters, no ASCII punctuation other
 * than space, hyphen, apostrophe and period, no leading/trailing space (ASCII or U+3000).
 * kana == 1 (the reading): 1-50 code points of full-width katakana U+30A1-U+30FA, ・ U+30FB,
 * ー U+30FC, hiragana U+3041-U+3096, ideographic space U+3000 or ASCII space, not at the edges.
 * Hiragana is accepted here; store the output of validate_kana_normalise. */
enum vproblem validate_person_name(const char *s, int kana);

/* Validates s as a kana reading (as validate_person_name(s, 1)) and writes it to out[cap] with
 * hiragana turned into katakana (U+3041-U+3096 -> U+30A1-U+30F6). Both are 3-byte UTF-8, so
 * the output has the input's length: cap must be >= strlen(s) + 1, else VP_TOO_LONG. On a problem
 * out is set to "" when cap > 0. */
enum vproblem validate_kana_normalise(const char *s, char *out, size_t cap);

/* An organisation or department name: 1-100 code points of valid UTF-8, no controls or invisible
 * format characters, no leading/trailing whitespace (ASCII or U+3000). */
enum vproblem validate_org_name(const char *s);

/* 全国地方公共団体コード (JIS X 0401 prefecture + JIS X 0402 municipality): exactly 6 ASCII
 * digits, the first two 01-47, the 6th the check digit of the first five. */
enum vproblem validate_lg_code(const char *s);

/* Our short code for a ministry or agency ("digital", "mhlw"): 2-32 characters of [a-z0-9-],
 * starting with a letter. Upper case is refused, not folded. */
enum vproblem validate_ministry_code(const char *s);

/* 1 when text contains what looks like an Individual Number: 12 digits (ASCII or full-width),
 * either one run of exactly 12 or three runs of exactly 4 joined by single separators (space,
 * U+3000, hyphen and its full-width and dash look-alikes), whose last digit is the check digit
 * of 総務省令第八十五号 第五条. Invalid UTF-8 bytes are skipped, not trusted. NULL gives 0.
 * Free-text fields are refused with VP_INDIVIDUAL_NUMBER when this returns 1. */
int validate_individual_number_in(const char *text);

/* General free text: valid UTF-8, no control characters (but \n \r \t when multiline != 0),
 * at most max_cp code points. "" is valid (whether a value is required is the caller's rule);
 * NULL gives VP_EMPTY. Does not look for the Individual Number: call that separately. */
enum vproblem validate_text(const char *s, size_t max_cp, int multiline);

#endif
