/* SPDX-License-Identifier: MIT */
/* Domain validation: work email addresses (and role-address detection), person names and their
 * kana readings, organisation names, local government codes, ministry codes, free text, and the
 * Individual Number detector. Pure: no I/O, no allocation. Messages in Japanese and English. */
#include "core/validate.h"

#include <stdint.h>
#include <string.h>

#include "base/utf8.h"

struct msg {
	const char *ja;
	const char *en;
};

/* Japanese first (the service's users are Japanese civil servants), polite and specific. */
static const struct msg msgs[VP__MAX] = {
    [VP_OK] = {"問題はありません。", "No problem."},
    [VP_EMPTY] = {"値を入力してください。", "Please enter a value."},
    [VP_TOO_LONG] = {"文字数が上限を超えています。短くしてください。",
                     "The text is too long. Please shorten it."},
    [VP_BAD_UTF8] = {"文字コードが正しくありません。UTF-8 で入力してください。",
                     "The text is not valid UTF-8."},
    [VP_CONTROL_CHAR] = {"使用できない制御文字が含まれています。",
                         "The text contains control characters that are not allowed."},
    [VP_INVISIBLE_CHAR] = {"表示されない文字（ゼロ幅文字や書字方向の制御文字）が含まれています。",
                           "The text contains invisible characters (zero-width or text-direction "
                           "controls)."},
    [VP_EDGE_SPACE] = {"先頭または末尾の空白を削除してください。",
                       "Please remove the spaces at the beginning or end."},
    [VP_EMAIL_FORMAT] = {"メールアドレスの形式が正しくありません。",
                         "The email address is not valid."},
    [VP_EMAIL_TOO_LONG] = {"メールアドレスが長すぎます（254文字以内）。",
                           "The email address is too long (at most 254 characters)."},
    [VP_EMAIL_LOCAL_TOO_LONG] = {"メールアドレスの「@」より前の部分が長すぎます（64文字以内）。",
                                 "The part of the email address before \"@\" is too long (at most "
                                 "64 characters)."},
    [VP_EMAIL_LOCAL_CHARS] = {"メールアドレスの「@」より前の部分に使用できない文字が含まれています"
                              "（半角英数字と一部の記号のみ使用できます）。",
                              "The part of the email address before \"@\" contains characters that "
                              "are not allowed (ASCII letters, digits and some symbols only)."},
    [VP_EMAIL_LOCAL_DOTS] = {"メールアドレスの「@」より前の部分で、ピリオドが先頭・末尾にあるか、"
                             "連続しています。",
                             "The part of the email address before \"@\" must not start or end "
                             "with a period or contain two periods in a row."},
    [VP_EMAIL_DOMAIN] = {"メールアドレスの「@」より後の部分（ドメイン）の形式が正しくありません"
                         "（半角英数字とハイフンのみ使用できます）。",
                         "The domain of the email address (after \"@\") is not valid (ASCII "
                         "letters, digits and hyphens only)."},
    [VP_EMAIL_DOMAIN_LABELS] = {"メールアドレスのドメインが不完全です（例: example.go.jp）。",
                                "The domain of the email address is incomplete (for example: "
                                "example.go.jp)."},
    [VP_EMAIL_TLD] = {"メールアドレスのドメインの末尾（トップレベルドメイン）が正しくありません。",
                      "The last part of the email domain (the top-level domain) is not valid."},
    [VP_EMAIL_ROLE] = {"共有のメールアドレス（info@ など）は登録できません。"
                       "ご本人の業務用メールアドレスを入力してください。",
                       "Shared addresses (such as info@) cannot be registered. Please enter your "
                       "own work email address."},
    [VP_NAME_PUNCT] = {"氏名に使用できない記号が含まれています（使用できる記号は空白・ハイフン・"
                       "アポストロフィ・ピリオドのみです）。",
                       "The name contains symbols that are not allowed (only spaces, hyphens, "
                       "apostrophes and periods)."},
    [VP_KANA_CHARS] = {"フリガナは全角カタカナまたはひらがなで入力してください。",
                       "Please enter the reading in full-width katakana or hiragana."},
    [VP_LG_FORMAT] = {"地方公共団体コードは半角数字6桁で入力してください。",
                      "The local government code must be 6 digits."},
    [VP_LG_PREFECTURE] =
        {"地方公共団体コードの先頭2桁（都道府県番号）は 01〜47 で入力してください。",
         "The first two digits of the local government code must be a "
         "prefecture number from 01 to 47."},
    [VP_LG_CHECK_DIGIT] = {"地方公共団体コードの6桁目（検査数字）が正しくありません。"
                           "コードをご確認ください。",
                           "The check digit (6th digit) of the local government code is wrong. "
                           "Please check the code."},
    [VP_MINISTRY_CODE] = {"府省コードは英小文字で始まる2〜32文字の半角英小文字・数字・ハイフンで"
                          "入力してください。",
                          "The ministry code must be 2 to 32 lower-case letters, digits or "
                          "hyphens, starting with a letter."},
    [VP_INDIVIDUAL_NUMBER] = {"個人番号（マイナンバー）と思われる12桁の番号が含まれています。"
                              "個人番号は入力しないでください。",
                              "The text appears to contain an Individual Number (My Number). "
                              "Please do not enter it."},
};

const char *validate_msg(enum vproblem p, int english)
{
	if ((unsigned)p >= VP__MAX || !msgs[p].ja)
		return english ? "The input is not valid." : "入力内容が正しくありません。";
	return english ? msgs[p].en : msgs[p].ja;
}

/* ---- character classes ---- */

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int to_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* C0 controls, DEL and C1 controls (Unicode general category Cc). */
static int is_control(int32_t c)
{
	return c < 0x20 || (c >= 0x7F && c < 0xA0);
}

/* Invisible format characters (category Cf) that let a name display as something else:
 * zero-width characters, bidi embeddings/overrides/isolates (the "Trojan Source" trick,
 * CVE-2021-42574), soft hyphen and the BOM. Refused in names, which other people read. */
static int is_invisible(int32_t c)
{
	return c == 0x00AD || c == 0x061C || c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF;
}

static int is_space_cp(int32_t c)
{
	return c == ' ' || c == 0x3000;
}

/* RFC 5322 §3.2.3 atext. */
static int is_atext(int c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* ---- shared checks ---- */

/* NULL/empty, UTF-8 validity and the code point range [1, max_cp]. */
static enum vproblem check_length(const char *s, size_t max_cp)
{
	long n;
	if (!s || !*s)
		return VP_EMPTY;
	n = utf8_count(s, strlen(s));
	if (n < 0)
		return VP_BAD_UTF8;
	if ((size_t)n > max_cp)
		return VP_TOO_LONG;
	return VP_OK;
}

/* First and last code points of valid, non-empty UTF-8 are not spaces (ASCII or U+3000). */
static enum vproblem check_edges(const char *s)
{
	const char *p = s, *end = s + strlen(s);
	int32_t first = utf8_next(&p, end), last = first;
	while (p < end)
		last = utf8_next(&p, end);
	if (is_space_cp(first) || is_space_cp(last))
		return VP_EDGE_SPACE;
	return VP_OK;
}

/* ---- email ---- */

/* Local part: ASCII dot-atom (RFC 5322 §3.2.3). Quoted strings and obsolete forms are refused:
 * mail systems and people both handle the plain form only. */
static enum vproblem check_local(const char *l, size_t n)
{
	if (n > VALIDATE_EMAIL_LOCAL_MAX) /* RFC 5321 §4.5.3.1.1 */
		return VP_EMAIL_LOCAL_TOO_LONG;
	for (size_t i = 0; i < n; i++) {
		if (l[i] == '.' && (i == 0 || i == n - 1 || l[i - 1] == '.'))
			return VP_EMAIL_LOCAL_DOTS;
		if (l[i] != '.' && !is_atext((unsigned char)l[i]))
			return VP_EMAIL_LOCAL_CHARS;
	}
	return VP_OK;
}

/* An IDNA A-label: "xn--" and at least one more character (RFC 5890 §2.3.2.1). */
static int is_a_label(const char *l, size_t n)
{
	return n > 4 && to_lower(l[0]) == 'x' && to_lower(l[1]) == 'n' && l[2] == '-' &&
	       l[3] == '-';
}

/* One LDH label (RFC 1035 §2.3.1, RFC 5890 §2.3.1): 1-63 letters, digits and hyphens, no hyphen
 * at either end; hyphens in both the 3rd and 4th positions only in an A-label (RFC 5891
 * §4.2.3.1), which keeps "ab--x" style reserved labels out. */
static enum vproblem check_label(const char *l, size_t n)
{
	if (n == 0 || n > 63 || l[0] == '-' || l[n - 1] == '-')
		return VP_EMAIL_DOMAIN;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];
		if (!is_alpha(c) && !is_digit(c) && c != '-')
			return VP_EMAIL_DOMAIN;
	}
	if (n >= 4 && l[2] == '-' && l[3] == '-' && !is_a_label(l, n))
		return VP_EMAIL_DOMAIN;
	return VP_OK;
}

/* The top-level domain: alphabetic (no registry TLD has digits, RFC 3696 §2) or an A-label. */
static enum vproblem check_tld(const char *l, size_t n)
{
	if (is_a_label(l, n))
		return VP_OK;
	if (n < 2)
		return VP_EMAIL_TLD;
	for (size_t i = 0; i < n; i++)
		if (!is_alpha((unsigned char)l[i]))
			return VP_EMAIL_TLD;
	return VP_OK;
}

static enum vproblem check_domain(const char *d, size_t n)
{
	size_t labels = 0, start = 0, last = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && d[i] != '.')
			continue;
		enum vproblem p = check_label(d + start, i - start);
		if (p)
			return p;
		labels++;
		last = start;
		start = i + 1;
	}
	/* A work address is never at a bare TLD or a single-label intranet host. */
	if (labels < 2)
		return VP_EMAIL_DOMAIN_LABELS;
	return check_tld(d + last, n - last);
}

enum vproblem validate_email(const char *s, char *normalised, size_t cap)
{
	enum vproblem p;
	const char *at;
	size_t n;
	if (normalised && cap)
		normalised[0] = '\0';
	if (!s || !*s)
		return VP_EMPTY;
	n = strnlen(s, VALIDATE_EMAIL_MAX + 1);
	if (n > VALIDATE_EMAIL_MAX) /* RFC 5321 §4.5.3.1.3: 256-octet path minus "<>" */
		return VP_EMAIL_TOO_LONG;
	at = memchr(s, '@', n);
	if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
		return VP_EMAIL_FORMAT;
	p = check_local(s, (size_t)(at - s));
	if (p)
		return p;
	p = check_domain(at + 1, (size_t)(s + n - at - 1));
	if (p)
		return p;
	if (!normalised)
		return VP_OK;
	if (cap < n + 1)
		return VP_TOO_LONG;
	/* Domains are case-insensitive (RFC 1035 §2.3.3). Local parts may be case-sensitive in
	 * principle (RFC 5321 §2.4) but no mail system we deliver to treats them so, and one
	 * account per person needs one spelling per address. */
	for (size_t i = 0; i < n; i++)
		normalised[i] = (char)to_lower((unsigned char)s[i]);
	normalised[n] = '\0';
	return VP_OK;
}

/* Role and list local parts, after folding '.' and '_' to '-'. Japanese government offices use
 * romanised section names for shared mailboxes (総務 soumu, 事務 jimu, 代表 daihyo, 受付
 * uketsuke, 広報 kouhou, 問合せ toiawase ...). */
static const char *const role_names[] = {
    "abuse",      "accounting",    "admin",     "administrator", "all",        "billing",
    "cert",       "contact",       "csirt",     "daihyo",        "daihyou",    "do-not-reply",
    "donotreply", "group",         "help",      "helpdesk",      "hostmaster", "hr",
    "info",       "information",   "inquiry",   "inquiries",     "it",         "jimu",
    "jinji",      "kanri",         "keiri",     "kohou",         "kouhou",     "list",
    "mail",       "mailer-daemon", "ml",        "no-reply",      "nobody",     "noc",
    "noreply",    "office",        "otoiawase", "postmaster",    "privacy",    "root",
    "sales",      "security",      "soc",       "somu",          "somuka",     "soumu",
    "soumuka",    "staff",         "support",   "sysadmin",      "system",     "team",
    "toiawase",   "uketsuke",      "webmaster",
};

int validate_email_is_role_address(const char *normalised)
{
	char local[VALIDATE_EMAIL_LOCAL_MAX + 1];
	size_t n = 0;
	const char *s = normalised;
	if (!s)
		return 0;
	/* Stop at '@' or at a "+tag" sub-address: "info+x@" is still info@. */
	for (; s[n] && s[n] != '@' && s[n] != '+'; n++) {
		if (n >= VALIDATE_EMAIL_LOCAL_MAX)
			return 0;
		local[n] =
		    (char)((s[n] == '.' || s[n] == '_') ? '-' : to_lower((unsigned char)s[n]));
	}
	/* "admin2", "info-01": numbered copies of a role are still roles. */
	while (n > 0 && is_digit(local[n - 1]))
		n--;
	while (n > 0 && local[n - 1] == '-')
		n--;
	local[n] = '\0';
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(local, role_names[i]) == 0)
			return 1;
	return 0;
}

/* Shared names not in role_names, and the markers a mailing list carries in its name. */
static const char *const list_names[] = {"kikaku", "kikakuka", "mailing-list", "everyone"};
static const char *const list_prefixes[] = {"ml-", "list-"};
static const char *const list_suffixes[] = {"-ml", "-list", "-all"};

int validate_email_is_list_address(const char *normalised)
{
	char local[VALIDATE_EMAIL_LOCAL_MAX + 1];
	size_t n = 0;
	if (!normalised)
		return 0;
	if (validate_email_is_role_address(normalised))
		return 1;
	for (; normalised[n] && normalised[n] != '@' && normalised[n] != '+'; n++) {
		if (n >= VALIDATE_EMAIL_LOCAL_MAX)
			return 0;
		char ch = normalised[n];
		local[n] = (char)((ch == '.' || ch == '_') ? '-' : to_lower((unsigned char)ch));
	}
	local[n] = '\0';
	for (size_t i = 0; i < sizeof(list_names) / sizeof(list_names[0]); i++)
		if (strcmp(local, list_names[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(list_prefixes) / sizeof(list_prefixes[0]); i++)
		if (strncmp(local, list_prefixes[i], strlen(list_prefixes[i])) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(list_suffixes) / sizeof(list_suffixes[0]); i++) {
		size_t k = strlen(list_suffixes[i]);
		if (n > k && strcmp(local + n - k, list_suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/* ---- names ---- */

/* The reading of a name: full-width katakana U+30A1-U+30FA, ・ U+30FB, ー U+30FC, hiragana
 * U+3041-U+3096 (normalised later), and spaces between family and given name when typed in one. */
static int is_kana(int32_t c)
{
	return (c >= 0x30A1 && c <= 0x30FC) || (c >= 0x3041 && c <= 0x3096) || is_space_cp(c);
}

/* Letters of any script are allowed (foreign nationals' names); ASCII punctuation other than
 * space, hyphen, apostrophe and period is not (O'Brien, Jean-Luc, Jr.). */
static enum vproblem check_name_char(int32_t c, int kana)
{
	if (is_control(c))
		return VP_CONTROL_CHAR;
	if (is_invisible(c))
		return VP_INVISIBLE_CHAR;
	if (kana)
		return is_kana(c) ? VP_OK : VP_KANA_CHARS;
	if (c < 0x80 && !is_alpha(c) && !is_digit(c) && !strchr(" -'.", (int)c))
		return VP_NAME_PUNCT;
	return VP_OK;
}

enum vproblem validate_person_name(const char *s, int kana)
{
	enum vproblem p = check_length(s, VALIDATE_NAME_MAX_CP);
	const char *q, *end;
	if (p)
		return p;
	q = s;
	end = s + strlen(s);
	while (q < end) {
		p = check_name_char(utf8_next(&q, end), kana);
		if (p)
			return p;
	}
	return check_edges(s);
}

static void put_utf8_3(char *o, int32_t c)
{
	o[0] = (char)(0xE0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[2] = (char)(0x80 | (c & 0x3F));
}

enum vproblem validate_kana_normalise(const char *s, char *out, size_t cap)
{
	enum vproblem p;
	const char *q, *end;
	char *o = out;
	if (out && cap)
		out[0] = '\0';
	p = validate_person_name(s, 1);
	if (p)
		return p;
	if (!out || cap < strlen(s) + 1)
		return VP_TOO_LONG;
	q = s;
	end = s + strlen(s);
	while (q < end) {
		const char *from = q;
		int32_t c = utf8_next(&q, end);
		if (c >= 0x3041 && c <= 0x3096) {
			/* The katakana block mirrors hiragana 0x60 code points higher. */
			put_utf8_3(o, c + 0x60);
			o += 3;
			continue;
		}
		memcpy(o, from, (size_t)(q - from));
		o += q - from;
	}
	*o = '\0';
	return VP_OK;
}

enum vproblem validate_org_name(const char *s)
{
	enum vproblem p = check_length(s, VALIDATE_ORG_MAX_CP);
	const char *q, *end;
	if (p)
		return p;
	q = s;
	end = s + strlen(s);
	while (q < end) {
		int32_t c = utf8_next(&q, end);
		if (is_control(c))
			return VP_CONTROL_CHAR;
		if (is_invisible(c))
			return VP_INVISIBLE_CHAR;
	}
	return check_edges(s);
}

/* ---- codes ---- */

enum vproblem validate_lg_code(const char *s)
{
	int d[6], sum = 0, pref;
	if (!s || !*s)
		return VP_EMPTY;
	for (int i = 0; i < 6; i++) {
		if (!is_digit((unsigned char)s[i])) /* also stops at the NUL of a short code */
			return VP_LG_FORMAT;
		d[i] = s[i] - '0';
	}
	if (s[6])
		return VP_LG_FORMAT;
	/* JIS X 0401: prefectures are numbered 01 (北海道) to 47 (沖縄県). */
	pref = d[0] * 10 + d[1];
	if (pref < 1 || pref > 47)
		return VP_LG_PREFECTURE;
	/* JIS X 0402 check digit: weights 6..2, modulus 11, the last digit of 11 - remainder. */
	for (int i = 0; i < 5; i++)
		sum += d[i] * (6 - i);
	if (d[5] != (11 - sum % 11) % 10)
		return VP_LG_CHECK_DIGIT;
	return VP_OK;
}

enum vproblem validate_ministry_code(const char *s)
{
	size_t n;
	if (!s || !*s)
		return VP_EMPTY;
	n = strnlen(s, 33);
	if (n < 2 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return VP_MINISTRY_CODE;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(c >= 'a' && c <= 'z') && !is_digit(c) && c != '-')
			return VP_MINISTRY_CODE;
	}
	return VP_OK;
}

/* ---- Individual Number (個人番号) detection ---- */

enum { CL_OTHER = -1, CL_SEP = -2 };

/* Class of the next code point of untrusted text: its digit value (ASCII or full-width), CL_SEP
 * for a group separator, or CL_OTHER. An invalid byte is skipped as CL_OTHER so that broken
 * input cannot hide a number that follows it. People typing in Japanese input methods separate
 * groups with the ideographic space, full-width hyphen, dashes, minus or even ー, so all count. */
static int mn_class_next(const char **p, const char *end)
{
	int32_t c = utf8_next(p, end);
	if (c < 0) {
		(*p)++;
		return CL_OTHER;
	}
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 0xFF10 && c <= 0xFF19)
		return c - 0xFF10;
	if (c == ' ' || c == '-' || c == 0x3000 || c == 0xFF0D || (c >= 0x2010 && c <= 0x2015) ||
	    c == 0x2212 || c == 0x30FC || c == 0xFF70)
		return CL_SEP;
	return CL_OTHER;
}

/* Reads up to max digits into d and returns how many; *p ends just past the last digit. */
static int mn_read_digits(const char **p, const char *end, int *d, int max)
{
	int n = 0;
	while (n < max && *p < end) {
		const char *q = *p;
		int c = mn_class_next(&q, end);
		if (c < 0)
			break;
		d[n++] = c;
		*p = q;
	}
	return n;
}

static int mn_read_sep(const char **p, const char *end)
{
	return *p < end && mn_class_next(p, end) == CL_SEP;
}

/* 総務省令第八十五号 第五条: Pn is the n-th digit counting leftwards from the one before the
 * check digit, Qn = n + 1 (1 <= n <= 6) or n - 5 (7 <= n <= 11), R = sum(Pn * Qn) mod 11,
 * check = 0 when R <= 1, else 11 - R. */
static int mn_check_ok(const int *d)
{
	int sum = 0, r;
	for (int n = 1; n <= 11; n++)
		sum += d[11 - n] * (n <= 6 ? n + 1 : n - 5);
	r = sum % 11;
	return d[11] == (r <= 1 ? 0 : 11 - r);
}

/* At the start of a digit run: 12 digits not followed by another digit, or 4-4-4 groups with
 * single separators, the last group not followed by a digit, with a valid check digit. */
static int mn_match_at(const char *p, const char *end)
{
	int d[13];
	int n = mn_read_digits(&p, end, d, 13);
	if (n == 12)
		return mn_check_ok(d);
	if (n != 4 || !mn_read_sep(&p, end) || mn_read_digits(&p, end, d + 4, 5) != 4)
		return 0;
	if (!mn_read_sep(&p, end) || mn_read_digits(&p, end, d + 8, 5) != 4)
		return 0;
	return mn_check_ok(d);
}

int validate_individual_number_in(const char *text)
{
	const char *p, *end;
	int prev_digit = 0;
	if (!text)
		return 0;
	p = text;
	end = text + strlen(text);
	while (p < end) {
		const char *start = p;
		int c = mn_class_next(&p, end);
		/* Only where a digit run starts: a run inside a longer one is not a number. */
		if (c >= 0 && !prev_digit && mn_match_at(start, end))
			return 1;
		prev_digit = c >= 0;
	}
	return 0;
}

/* ---- free text ---- */

enum vproblem validate_text(const char *s, size_t max_cp, int multiline)
{
	const char *q, *end;
	long n;
	if (!s)
		return VP_EMPTY;
	end = s + strlen(s);
	n = utf8_count(s, (size_t)(end - s));
	if (n < 0)
		return VP_BAD_UTF8;
	if ((size_t)n > max_cp)
		return VP_TOO_LONG;
	for (q = s; q < end;) {
		int32_t c = utf8_next(&q, end);
		if (multiline && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (is_control(c))
			return VP_CONTROL_CHAR;
	}
	return VP_OK;
}
