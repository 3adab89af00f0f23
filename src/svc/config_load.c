/* SPDX-License-Identifier: MIT */
/* Configuration loading: one table describes every setting (INI section and key, flag, field,
 * type, range); the INI reader, the GCAS_* environment reader, the flag setter, config_check and
 * config_print all walk that table, so a value is judged the same way wherever it comes from.
 * Problems are collected (never printed, never fatal here) so one run reports every mistake. */
#include "svc/config_load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/str.h"
#include "base/utf8.h"

enum {
	LINE_CAP = 4096,        /* longest INI line, and longest value from env or a flag */
	FILE_CAP = 1024 * 1024, /* a configuration file is small; refuse to read a huge one */
	PROXIES_MAX = 64,       /* trusted proxy addresses */
	ISSUER_MAX = 100,       /* bytes; the issuer is shown in authenticator apps */
	ECHO_MAX = 48,          /* bytes of a bad value quoted back in a message */
	NAME_MAX_LEN = 64,      /* longest key, flag or environment name we compare */
	SUGGEST_FAR = 1000,     /* "no suggestion" distance */
};

#define KiB    1024LL
#define MiB    (1024LL * KiB)
#define GiB    (1024LL * MiB)
#define MINUTE 60LL
#define HOUR   (60LL * MINUTE)
#define DAY    (24LL * HOUR)

enum ktype {
	K_STR,   /* string checked by the key's check function */
	K_PATH,  /* file path; empty means unset (NULL) */
	K_URL,   /* base_url: http(s) URL, a trailing '/' is dropped on load */
	K_DSN,   /* database URL; its password is never echoed */
	K_LEVEL, /* log level name */
	K_INT,   /* int */
	K_U64,   /* unsigned long long */
	K_DUR,   /* int64_t seconds; accepts s, m, h, d */
	K_SIZE,  /* size_t bytes; accepts KiB, MiB, GiB */
};

/* A string check writes the whole message tail ("expected ..., got \"x\"") into why. */
typedef int (*str_check_fn)(const char *v, char *why, size_t n);

struct key {
	const char *section, *name, *flag, *alias;
	enum ktype type;
	size_t off;
	int64_t min, max; /* numbers: inclusive */
	str_check_fn check;
	int required; /* strings: NULL or "" is a problem in config_check */
};

static int check_listen(const char *v, char *why, size_t n);
static int check_proxies(const char *v, char *why, size_t n);
static int check_url(const char *v, char *why, size_t n);
static int check_url_or_empty(const char *v, char *why, size_t n);
static int check_dsn(const char *v, char *why, size_t n);
static int check_issuer(const char *v, char *why, size_t n);
static int check_driver(const char *v, char *why, size_t n);

#define F(field) offsetof(struct config, field)

/* Every setting. Ranges are part of the contract documented in docs/config.md. */
static const struct key keys[] = {
    {"server", "listen", "listen", NULL, K_STR, F(listen), 0, 0, check_listen, 1},
    {"server", "port", "port", "GCAS_PORT", K_INT, F(port), 1, 65535, NULL, 0},
    /* One database connection per worker thread; 64 is far past what one node needs. */
    {"server", "threads", "threads", NULL, K_INT, F(threads), 1, 64, NULL, 0},
    {"server", "tls_cert", "tls-cert", NULL, K_PATH, F(tls_cert), 0, 0, NULL, 0},
    {"server", "tls_key", "tls-key", NULL, K_PATH, F(tls_key), 0, 0, NULL, 0},
    {"server", "trusted_proxies", "trusted-proxies", NULL, K_STR, F(trusted_proxies), 0, 0,
     check_proxies, 0},
    {"server", "base_url", "base-url", NULL, K_URL, F(base_url), 0, 0, check_url, 1},
    {"database", "url", "db", "GCAS_DB", K_DSN, F(db), 0, 0, check_dsn, 1},
    {"session", "idle_ttl", "idle-ttl", NULL, K_DUR, F(session_idle_ttl), 1, DAY, NULL, 0},
    {"session", "absolute_ttl", "absolute-ttl", NULL, K_DUR, F(session_abs_ttl), 1, 30 * DAY, NULL,
     0},
    {"session", "reauth_ttl", "reauth-ttl", NULL, K_DUR, F(reauth_ttl), 1, DAY, NULL, 0},
    {"security", "setup_link_ttl", "setup-link-ttl", NULL, K_DUR, F(setup_link_ttl), 1, 30 * DAY,
     NULL, 0},
    {"security", "token_max_ttl", "token-max-ttl", NULL, K_DUR, F(token_max_ttl), 1, 3650 * DAY,
     NULL, 0},
    {"security", "throttle_free", "throttle-free", NULL, K_INT, F(throttle_free), 0, 1000, NULL, 0},
    {"security", "throttle_ip_free", "throttle-ip-free", NULL, K_INT, F(throttle_ip_free), 0,
     100000, NULL, 0},
    /* NIST SP 800-63B §5.2.2 requires rate limiting, so a zero (no delay) is refused. */
    {"security", "throttle_max_delay", "throttle-max-delay", NULL, K_DUR, F(throttle_max_delay), 1,
     DAY, NULL, 0},
    {"security", "argon2_opslimit", "argon2-opslimit", NULL, K_U64, F(pw.opslimit),
     crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_OPSLIMIT_MAX, NULL, 0},
    {"security", "argon2_memlimit", "argon2-memlimit", NULL, K_SIZE, F(pw.memlimit),
     crypto_pwhash_argon2id_MEMLIMIT_MIN, (int64_t)crypto_pwhash_argon2id_MEMLIMIT_MAX, NULL, 0},
    {"security", "issuer", "issuer", NULL, K_STR, F(issuer), 0, 0, check_issuer, 1},
    /* The key that seals audit records (R6.4): kept outside the database, shared by nodes. */
    {"security", "audit_key_file", "audit-key-file", NULL, K_PATH, F(audit_key_file), 0, 0, NULL,
     1},
    /* R6.4: the chain's last seq and hash, kept outside the database so a restored backup or a
     * cut tail with its head rewound is still caught; one file per node, empty: none. */
    {"audit", "anchor_file", "audit-anchor-file", NULL, K_PATH, F(audit_anchor_file), 0, 0, NULL,
     0},
    {"mail", "from", "mail-from", NULL, K_STR, F(mail_from), 0, 0, NULL, 1},
    {"mail", "smtp_url", "smtp-url", NULL, K_STR, F(smtp_url), 0, 0, NULL, 0},
    {"mail", "dir", "mail-dir", NULL, K_PATH, F(mail_dir), 0, 0, NULL, 0},
    /* Sent and failed messages hold names and addresses: kept long enough to answer "was I
     * told?", then deleted rather than kept for ever. */
    {"mail", "retention", "mail-retention", NULL, K_DUR, F(mail_retention), DAY, 3650 * DAY, NULL,
     0},
    /* R7.2 (regulation §5.2.2): long enough for one inquiry, short enough that a purpose is
     * not left standing for the rest of the working day. */
    {"privacy", "purpose_ttl", "purpose-ttl", NULL, K_DUR, F(purpose_ttl), 60, DAY, NULL, 0},
    {"lifecycle", "auto_fulfil", "auto-fulfil", NULL, K_INT, F(auto_fulfil), 0, 1, NULL, 0},
    /* R2.4 says 90 days; the operator may only tighten within reason. */
    {"lifecycle", "inactivity_days", "inactivity-days", NULL, K_INT, F(inactivity_days), 1, 3650,
     NULL, 0},
    /* issue 4 §2: one provisioning driver per CSP; an exec command may run at most a day. */
    {"provision", "aws", "provision-aws", NULL, K_STR, F(provision[0]), 0, 0, check_driver, 1},
    {"provision", "gcp", "provision-gcp", NULL, K_STR, F(provision[1]), 0, 0, check_driver, 1},
    {"provision", "azure", "provision-azure", NULL, K_STR, F(provision[2]), 0, 0, check_driver, 1},
    {"provision", "oci", "provision-oci", NULL, K_STR, F(provision[3]), 0, 0, check_driver, 1},
    {"provision", "sakura", "provision-sakura", NULL, K_STR, F(provision[4]), 0, 0, check_driver,
     1},
    {"provision", "timeout", "provision-timeout", NULL, K_DUR, F(provision_timeout), 1, DAY, NULL,
     0},
    /* issue 4 §4: signing keys and token lifetimes */
    {"keys", "key_file", "keys-key-file", NULL, K_PATH, F(keys_key_file), 0, 0, NULL, 0},
    {"oidc", "code_ttl", "oidc-code-ttl", NULL, K_DUR, F(oidc_code_ttl), 10, 600, NULL, 0},
    {"oidc", "access_ttl", "oidc-access-ttl", NULL, K_DUR, F(oidc_access_ttl), 60, DAY, NULL, 0},
    {"oidc", "refresh_ttl", "oidc-refresh-ttl", NULL, K_DUR, F(oidc_refresh_ttl), 300, 90 * DAY,
     NULL, 0},
    {"saml", "assertion_ttl", "saml-assertion-ttl", NULL, K_DUR, F(saml_assertion_ttl), 30, 3600,
     NULL, 0},
    {"saml", "session_duration", "saml-session-duration", NULL, K_DUR, F(saml_session_duration),
     900, 43200, NULL, 0},
    /* issue 4 §3 */
    {"scim", "interval", "scim-interval", NULL, K_DUR, F(scim_interval), 1, DAY, NULL, 0},
    {"scim", "timeout", "scim-timeout", NULL, K_DUR, F(scim_timeout), 1, 600, NULL, 0},
    /* issue 4 §6 */
    {"breakglass", "listen", "breakglass-listen", NULL, K_STR, F(breakglass_listen), 0, 0,
     check_listen, 1},
    {"breakglass", "port", "breakglass-port", NULL, K_INT, F(breakglass_port), 1, 65535, NULL, 0},
    {"breakglass", "max_ttl", "breakglass-max-ttl", NULL, K_DUR, F(breakglass_max_ttl), 300, DAY,
     NULL, 0},
    /* The listener is reached at its own address; empty: links use server.base_url. */
    {"breakglass", "base_url", "breakglass-base-url", NULL, K_URL, F(breakglass_base_url), 0, 0,
     check_url_or_empty, 0},
    {"log", "level", "log-level", NULL, K_LEVEL, F(log_level), 0, 0, NULL, 1},
    {"http", "max_body", "max-body", NULL, K_SIZE, F(max_body), KiB, 64 * MiB, NULL, 0},
};

#undef F

enum { NKEYS = sizeof(keys) / sizeof(keys[0]) };

static const char *const sections[] = {
    "server",    "database", "session", "security", "audit", "mail",       "privacy", "lifecycle",
    "provision", "keys",     "oidc",    "saml",     "scim",  "breakglass", "log",     "http"};
enum { NSECTIONS = sizeof(sections) / sizeof(sections[0]) };

/* In the order of enum log_level (base/log.h), so the stored literal is what log_level_parse
 * accepts. */
static const char *const level_names[] = {"debug", "info", "warn", "error"};
_Static_assert(LOG_DEBUG == 0 && LOG_INFO == 1 && LOG_WARN == 2 && LOG_ERROR == 3,
               "level_names follows enum log_level");

/* ---- problems ---------------------------------------------------------------------------- */

static int problems_total(const struct config_problems *p)
{
	return p->n + p->dropped;
}

/* Keep the end of a long location (the file name and line number are what matter). */
static void where_set(char *dst, size_t cap, const char *where)
{
	size_t len = strlen(where);
	if (len < cap) {
		memcpy(dst, where, len + 1);
		return;
	}
	const char *tail = where + len - (cap - 4); /* room for "…" (3 bytes) and the NUL */
	while ((*tail & 0xC0) == 0x80)              /* don't start inside a UTF-8 sequence */
		tail++;
	memcpy(dst, "\xE2\x80\xA6", 3);
	str_copy(dst + 3, cap - 3, tail);
}

__attribute__((format(printf, 3, 4))) static void
problem_add(struct config_problems *out, const char *where, const char *fmt, ...)
{
	if (out->n >= CONFIG_PROBLEMS_MAX) {
		out->dropped++;
		return;
	}
	struct config_problem *p = &out->p[out->n++];
	va_list ap;
	where_set(p->where, sizeof(p->where), where ? where : "");
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

void config_problems_print(const struct config_problems *p, FILE *out)
{
	for (int i = 0; i < p->n; i++)
		fprintf(out, "%s: %s\n", p->p[i].where, p->p[i].msg);
	if (p->dropped)
		fprintf(out, "(%d more problems not shown)\n", p->dropped);
}

/* ---- small helpers ----------------------------------------------------------------------- */

/* A value quoted for a message: at most ECHO_MAX bytes, non-printable bytes as \xNN, so a
 * message is one safe line whatever the input was. */
static const char *echo(const char *v, char *buf, size_t cap)
{
	size_t o = 0, i = 0;
	buf[o++] = '"';
	for (; v[i] && i < ECHO_MAX && o + 6 < cap; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch < 0x20 || ch == 0x7F || ch == '"' || ch == '\\')
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02X", ch);
		else
			buf[o++] = (char)ch;
	}
	if (v[i] && o + 5 < cap) {
		memcpy(buf + o, "\xE2\x80\xA6", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* Replace the password of a postgresql:// (or any scheme://) URL (userinfo "user:pw@" and a
 * "password=" query parameter) by "***", so DSNs can appear in messages and in config_print output.
 */
struct out_text {
	char *p;
	size_t n, cap;
};

/* Append what fits, leaving room for the NUL. */
static void out_put(struct out_text *o, const char *s, size_t len)
{
	if (o->n + len >= o->cap)
		len = o->cap - o->n - 1;
	memcpy(o->p + o->n, s, len);
	o->n += len;
	o->p[o->n] = '\0';
}

static void dsn_redact(const char *dsn, char *out, size_t cap)
{
	struct out_text o = {out, 0, cap};
	const char *s = dsn, *scheme_end = strstr(dsn, "://");
	out[0] = '\0';
	if (!scheme_end) { /* sqlite:PATH has no password; any scheme:// URL may carry one */
		out_put(&o, dsn, strlen(dsn));
		return;
	}
	/* userinfo: scheme://user:password@host (RFC 3986 §3.2.1) */
	const char *auth = scheme_end + 3, *at = NULL;
	size_t alen = strcspn(auth, "/?#");
	for (const char *q = auth; q < auth + alen; q++)
		if (*q == '@')
			at = q;
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon) {
		out_put(&o, s, (size_t)(colon + 1 - s));
		out_put(&o, "***", 3);
		s = at;
	}
	/* libpq query parameter: ...?password=secret&... (q starts past "://" and never before s,
	 * so q[-1] exists and q - s >= 0) */
	for (const char *q = s == dsn ? auth : s; *q; q++) {
		if ((q[-1] != '?' && q[-1] != '&') || strncmp(q, "password=", 9) != 0)
			continue;
		out_put(&o, s, (size_t)(q + 9 - s));
		out_put(&o, "***", 3);
		s = q + 9 + strcspn(q + 9, "&#");
		q = s - 1; /* resume at the '&' that ends the value */
	}
	out_put(&o, s, strlen(s));
}

/* Value of a key quoted for a message, with a DSN's password hidden. */
static const char *echo_value(const struct key *k, const char *v, char *buf, size_t cap)
{
	char red[LINE_CAP + 8];
	if (k->type != K_DSN)
		return echo(v, buf, cap);
	dsn_redact(v, red, sizeof(red));
	return echo(red, buf, cap);
}

static void lower_copy(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i = 0;
	for (; i < n && i + 1 < cap; i++) {
		char ch = src[i];
		dst[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
	}
	dst[i] = '\0';
}

/* Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so "prot" is one
 * edit from "port"), ASCII case-insensitive. Long words are simply "far". */
static int edit_distance(const char *a, const char *b)
{
	int row[3][NAME_MAX_LEN + 1];
	size_t la = strlen(a), lb = strlen(b);
	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return SUGGEST_FAR;
	int *pp = row[0], *p = row[1], *cur = row[2];
	for (size_t j = 0; j <= lb; j++)
		p[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = a[i - 1] | 0x20,
			    cb = b[j - 1] | 0x20; /* ASCII fold; '_'|0x20 = DEL */
			int cost =
			    (a[i - 1] == b[j - 1] || (ca == cb && ca >= 'a' && ca <= 'z')) ? 0 : 1;
			int v = p[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
		int *t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb];
}

struct best {
	char s[NAME_MAX_LEN + 8];
	int d;
};

/* Remember cand when it is within a typo's reach of word and nearer than what we have. */
static void best_try(struct best *b, const char *word, const char *cand)
{
	size_t l = strlen(cand);
	int limit = l <= 4 ? 1 : l <= 8 ? 2 : 3;
	int d = edit_distance(word, cand);
	if (d <= limit && d < b->d) {
		b->d = d;
		str_copy(b->s, sizeof(b->s), cand);
	}
}

static void env_name(const struct key *k, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "GCAS_%s_%s", k->section, k->name);
	for (int i = 0; i < n && (size_t)i < cap; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 32);
}

static const char **str_field(struct config *c, const struct key *k)
{
	return (const char **)(void *)((char *)c + k->off);
}

static const char *str_get(const struct config *c, const struct key *k)
{
	return *(const char *const *)(const void *)((const char *)c + k->off);
}

static void num_set(struct config *c, const struct key *k, int64_t v)
{
	void *f = (char *)c + k->off;
	switch (k->type) {
	case K_INT:
		*(int *)f = (int)v;
		break;
	case K_U64:
		*(unsigned long long *)f = (unsigned long long)v;
		break;
	case K_DUR:
		*(int64_t *)f = v;
		break;
	case K_SIZE:
		*(size_t *)f = (size_t)v;
		break;
	default:
		break;
	}
}

/* The field's value; unsigned values beyond INT64_MAX come back as INT64_MAX (out of range). */
static int64_t num_get(const struct config *c, const struct key *k)
{
	const void *f = (const char *)c + k->off;
	unsigned long long u;
	switch (k->type) {
	case K_INT:
		return *(const int *)f;
	case K_DUR:
		return *(const int64_t *)f;
	case K_U64:
		u = *(const unsigned long long *)f;
		return u > INT64_MAX ? INT64_MAX : (int64_t)u;
	case K_SIZE:
		u = *(const size_t *)f;
		return u > INT64_MAX ? INT64_MAX : (int64_t)u;
	default:
		return 0;
	}
}

/* Largest exact unit: 1800 → "30m", 90 → "90s", 19922944 → "19MiB". */
static const char *fmt_num(const struct key *k, int64_t v, char *buf, size_t cap)
{
	static const struct {
		int64_t div;
		const char *unit;
	} dur[] = {{DAY, "d"}, {HOUR, "h"}, {MINUTE, "m"}},
	  size[] = {{GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}};
	int is_dur = k->type == K_DUR, is_size = k->type == K_SIZE;
	for (size_t i = 0; (is_dur || is_size) && v != 0 && i < 3; i++) {
		int64_t d = is_dur ? dur[i].div : size[i].div;
		if (v % d == 0) {
			snprintf(buf, cap, "%" PRId64 "%s", v / d,
			         is_dur ? dur[i].unit : size[i].unit);
			return buf;
		}
	}
	snprintf(buf, cap, "%" PRId64 "%s", v, is_dur ? "s" : "");
	return buf;
}

/* ---- string checks (shared by the loaders and config_check) ------------------------------ */

static int is_ip(const char *s)
{
	unsigned char addr[16];
	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

static int check_listen(const char *v, char *why, size_t n)
{
	char e[ECHO_MAX + 16];
	if (is_ip(v))
		return 0;
	snprintf(why, n,
	         "expected an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::1 (host names "
	         "are not resolved), got %s",
	         echo(v, e, sizeof(e)));
	return -1;
}

/* Comma-separated addresses, spaces around commas allowed; empty = trust no proxy. Only exact
 * addresses: X-Forwarded-For is believed only from these hosts, and a range is too easy to make
 * wider than meant. */
static int check_proxies(const char *v, char *why, size_t n)
{
	char item[64], e[ECHO_MAX + 16];
	int count = 0;
	const char *p = v;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		if (len >= sizeof(item))
			len = sizeof(item) - 1;
		memcpy(item, p, len);
		item[len] = '\0';
		str_trim(item);
		if (!*item) {
			snprintf(why, n,
			         "expected comma-separated IPv4/IPv6 addresses, got an empty "
			         "entry (a doubled or trailing comma)");
			return -1;
		}
		if (strchr(item, '/')) {
			snprintf(why, n,
			         "%s is a CIDR range; ranges are not supported, list each proxy "
			         "address",
			         echo(item, e, sizeof(e)));
			return -1;
		}
		if (!is_ip(item)) {
			snprintf(
			    why, n,
			    "expected comma-separated IPv4/IPv6 addresses, %s is not an address",
			    echo(item, e, sizeof(e)));
			return -1;
		}
		if (++count > PROXIES_MAX) {
			snprintf(why, n, "more than %d addresses", PROXIES_MAX);
			return -1;
		}
		p += strcspn(p, ",");
		if (!*p)
			return 0;
		p++;
	}
}

/* Links shown to people are base_url + path, so it is an absolute http(s) URL without userinfo
 * (RFC 3986 §3.2.1: credentials in a URL are deprecated), query or fragment, and without a
 * trailing slash. */
static int check_url(const char *v, char *why, size_t n)
{
	char e[ECHO_MAX + 16];
	const char *expect =
	    "expected an http:// or https:// URL such as https://gcas.example.go.jp "
	    "(no user, query or fragment)";
	const char *rest = str_starts(v, "https://")  ? v + 8
	                   : str_starts(v, "http://") ? v + 7
	                                              : NULL;
	if (!rest)
		goto bad;
	size_t alen = strcspn(rest, "/?#");
	const char *host_end = rest + alen;
	if (alen == 0 || strpbrk(v, "?#@ \t\\"))
		goto bad;
	/* host: a DNS name, an IPv4 address, or [IPv6]; then an optional :port */
	const char *port = NULL;
	if (*rest == '[') {
		const char *close = memchr(rest, ']', alen);
		char addr[64];
		unsigned char bin[16];
		if (!close || (size_t)(close - rest - 1) >= sizeof(addr))
			goto bad;
		memcpy(addr, rest + 1, (size_t)(close - rest - 1));
		addr[close - rest - 1] = '\0';
		if (inet_pton(AF_INET6, addr, bin) != 1)
			goto bad;
		if (close + 1 < host_end && close[1] != ':')
			goto bad;
		port = close + 1 < host_end ? close + 2 : NULL;
	} else {
		const char *colon = memchr(rest, ':', alen);
		const char *hend = colon ? colon : host_end;
		if (hend == rest)
			goto bad;
		for (const char *q = rest; q < hend; q++)
			if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			      (*q >= '0' && *q <= '9') || *q == '-' || *q == '.'))
				goto bad;
		port = colon ? colon + 1 : NULL;
	}
	if (port) {
		int64_t pn = 0;
		char digits[8];
		size_t plen = (size_t)(host_end - port);
		if (plen == 0 || plen >= sizeof(digits))
			goto bad;
		memcpy(digits, port, plen);
		digits[plen] = '\0';
		if (str_to_i64(digits, &pn) || pn < 1 || pn > 65535)
			goto bad;
	}
	if (v[strlen(v) - 1] == '/') {
		snprintf(why, n, "must not end with \"/\" (links are base_url + \"/path\"), got %s",
		         echo(v, e, sizeof(e)));
		return -1;
	}
	return 0;
bad:
	snprintf(why, n, "%s, got %s", expect, echo(v, e, sizeof(e)));
	return -1;
}

/* An optional URL (breakglass.base_url): empty means "use server.base_url". */
static int check_url_or_empty(const char *v, char *why, size_t n)
{
	return *v ? check_url(v, why, n) : 0;
}

/* The forms store_open() accepts; a bare file path (which it also takes) is refused here so the
 * engine is always explicit in configuration. */
static int check_dsn(const char *v, char *why, size_t n)
{
	char red[LINE_CAP + 8], e[ECHO_MAX + 16];
	const char *bad_char = strpbrk(v, " \t");
	if (str_starts(v, "sqlite:") && v[7] && !bad_char)
		return 0;
	if ((str_starts(v, "postgresql://") || str_starts(v, "postgres://")) && !bad_char)
		return 0;
	dsn_redact(v, red, sizeof(red));
	snprintf(why, n,
	         "expected sqlite:PATH or postgresql://[user[:password]@]host[:port]/dbname "
	         "(spaces written %%20), got %s",
	         echo(red, e, sizeof(e)));
	return -1;
}

/* Shown by authenticator apps and written into otpauth:// URIs, whose Key Uri Format says the
 * issuer may not contain a colon. */
static int check_issuer(const char *v, char *why, size_t n)
{
	char e[ECHO_MAX + 16];
	if (!*v) {
		snprintf(why, n, "expected a name for authenticator apps such as GCAS, got \"\"");
		return -1;
	}
	if (strchr(v, ':')) {
		snprintf(why, n, "must not contain \":\" (otpauth Key Uri Format), got %s",
		         echo(v, e, sizeof(e)));
		return -1;
	}
	if (strlen(v) > ISSUER_MAX) {
		snprintf(why, n, "longer than %d bytes", ISSUER_MAX);
		return -1;
	}
	return 0;
}

/* A provisioning driver (issue 4 §2): "local", or "exec:" and a command run without a shell
 * (its words split on spaces), so the first word must be an absolute path. */
static int check_driver(const char *v, char *why, size_t n)
{
	char e[ECHO_MAX + 16];
	if (strcmp(v, "local") == 0)
		return 0;
	if (strncmp(v, "exec:/", 6) == 0 && v[6] && v[6] != ' ')
		return 0;
	snprintf(why, n, "expected local or exec:/ABSOLUTE/COMMAND [ARGS], got %s",
	         echo(v, e, sizeof(e)));
	return -1;
}

/* ---- parsing one value ------------------------------------------------------------------- */

static void expect_number(const struct key *k, char *buf, size_t cap)
{
	char lo[32], hi[32];
	fmt_num(k, k->min, lo, sizeof(lo));
	fmt_num(k, k->max, hi, sizeof(hi));
	if (k->type == K_DUR)
		snprintf(
		    buf, cap,
		    "a duration %s\xE2\x80\x93%s (seconds, or a number ending in s, m, h or d, "
		    "e.g. 30m)",
		    lo, hi);
	else if (k->type == K_SIZE)
		snprintf(buf, cap,
		         "a size %s\xE2\x80\x93%s (bytes, or a number ending in KiB, MiB or GiB)",
		         lo, hi);
	else
		snprintf(buf, cap, "an integer %" PRId64 "\xE2\x80\x93%" PRId64, k->min, k->max);
}

/* Split "30m" / "19 MiB" into digits and unit, then scale with overflow checks. Returns 0, or -1
 * with *hint set when the unit is a near miss worth explaining. */
static int parse_scaled(const struct key *k, const char *s, int64_t *out, const char **hint)
{
	static const struct {
		const char *unit;
		int64_t mul;
	} dur[] = {{"s", 1}, {"m", MINUTE}, {"h", HOUR}, {"d", DAY}},
	  size[] = {{"b", 1}, {"kib", KiB}, {"mib", MiB}, {"gib", GiB}};
	char digits[24], unit[8];
	size_t nd = 0;
	while (s[nd] >= '0' && s[nd] <= '9')
		nd++;
	if (nd == 0 || nd >= sizeof(digits))
		return -1;
	memcpy(digits, s, nd);
	digits[nd] = '\0';
	const char *u = s + nd;
	while (k->type == K_SIZE && *u == ' ')
		u++;
	if (strlen(u) >= sizeof(unit))
		return -1;
	lower_copy(unit, sizeof(unit), u, strlen(u));
	int64_t v, mul = 0;
	if (str_to_i64(digits, &v))
		return -1;
	if (!*unit)
		mul = 1;
	for (size_t i = 0; i < 4 && !mul; i++) {
		if (k->type == K_DUR && strcmp(u, dur[i].unit) == 0) /* case matters: M is not m */
			mul = dur[i].mul;
		if (k->type == K_SIZE && strcmp(unit, size[i].unit) == 0)
			mul = size[i].mul;
	}
	if (!mul) {
		if (k->type == K_SIZE && (strcmp(unit, "kb") == 0 || strcmp(unit, "mb") == 0 ||
		                          strcmp(unit, "gb") == 0 || strcmp(unit, "k") == 0 ||
		                          strcmp(unit, "m") == 0 || strcmp(unit, "g") == 0))
			*hint = "; units are 1024-based: write KiB, MiB or GiB";
		if (k->type == K_DUR &&
		    (strcmp(unit, "min") == 0 || strcmp(u, "M") == 0 || strcmp(u, "H") == 0 ||
		     strcmp(u, "S") == 0 || strcmp(u, "D") == 0))
			*hint = "; units are lower-case s, m, h, d";
		return -1;
	}
	if (v > INT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* Parse raw for key k. Strings are stored through *str (copied into a when a is non-NULL; with a
 * NULL, only judged). On failure writes the message tail (after "key: ") into why. */
static int value_parse(const struct key *k, struct arena *a, const char *raw, int64_t *num,
                       const char **str, char *why, size_t n)
{
	char e[ECHO_MAX + 16], expect[160];
	const char *hint = "";
	size_t len = strlen(raw);
	int64_t v = 0;

	if (len >= LINE_CAP) {
		snprintf(why, n, "value longer than %d bytes", LINE_CAP - 1);
		return -1;
	}
	if (!utf8_valid_text(raw, len) || strpbrk(raw, "\t\r\n")) {
		snprintf(why, n, "expected UTF-8 text without control characters, got %s",
		         echo_value(k, raw, e, sizeof(e)));
		return -1;
	}
	switch (k->type) {
	case K_INT:
	case K_U64:
		if (str_to_i64(raw, &v) || v < k->min || v > k->max)
			goto bad_number;
		*num = v;
		return 0;
	case K_DUR:
	case K_SIZE:
		if (parse_scaled(k, raw, &v, &hint) || v < k->min || v > k->max)
			goto bad_number;
		*num = v;
		return 0;
	case K_LEVEL:
		for (size_t i = 0; i < 4; i++)
			if (str_ieq(raw, level_names[i])) {
				*str = level_names[i];
				return 0;
			}
		snprintf(why, n, "expected one of debug, info, warn, error, got %s",
		         echo(raw, e, sizeof(e)));
		return -1;
	case K_PATH:
		*str = NULL;
		if (!*raw)
			return 0;
		break;
	case K_URL:
		/* Forgive one habit: "https://host/" means "https://host". */
		while (a && len > 0 && raw[len - 1] == '/' && (len < 2 || raw[len - 2] != '/'))
			len--;
		break;
	default:
		break;
	}
	char *copy = a ? arena_strndup(a, raw, len) : NULL;
	if (a && !copy) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	const char *val = copy ? copy : raw;
	if (k->check && k->check(val, why, n))
		return -1;
	if (copy && k->check == check_proxies) {
		/* Store "a,b" whatever spacing was written, so users of the field split on ','. */
		size_t o = 0;
		for (size_t i = 0; copy[i]; i++)
			if (copy[i] != ' ' && copy[i] != '\t')
				copy[o++] = copy[i];
		copy[o] = '\0';
	}
	*str = val;
	return 0;

bad_number:
	expect_number(k, expect, sizeof(expect));
	snprintf(why, n, "expected %s, got %s%s", expect, echo(raw, e, sizeof(e)), hint);
	return -1;
}

/* Parse and store; a bad value becomes a problem at where and leaves the field unchanged. */
static int key_apply(struct config *c, struct arena *a, const struct key *k, const char *raw,
                     const char *where, struct config_problems *out)
{
	char why[224];
	int64_t num = 0;
	const char *str = NULL;
	if (value_parse(k, a, raw, &num, &str, why, sizeof(why))) {
		problem_add(out, where, "%s: %s", k->name, why);
		return -1;
	}
	if (k->type == K_INT || k->type == K_U64 || k->type == K_DUR || k->type == K_SIZE)
		num_set(c, k, num);
	else
		*str_field(c, k) = str;
	return 0;
}

/* ---- lookups ----------------------------------------------------------------------------- */

static int section_find(const char *name)
{
	for (int i = 0; i < NSECTIONS; i++)
		if (str_ieq(name, sections[i]))
			return i;
	return -1;
}

static const struct key *key_find(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if ((!section || strcmp(keys[i].section, section) == 0) &&
		    str_ieq(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/* "port", "log-level", "tls_cert" or "server.port" → key. */
static const struct key *key_find_flag(const char *name)
{
	char norm[NAME_MAX_LEN + 1];
	if (strlen(name) > NAME_MAX_LEN)
		return NULL;
	lower_copy(norm, sizeof(norm), name, strlen(name));
	char *dot = strchr(norm, '.');
	if (dot) {
		*dot = '\0';
		for (char *q = dot + 1; *q; q++)
			if (*q == '-')
				*q = '_';
		return key_find(norm, dot + 1);
	}
	for (char *q = norm; *q; q++)
		if (*q == '_')
			*q = '-';
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].flag, norm) == 0)
			return &keys[i];
	return NULL;
}

/* ---- INI file ---------------------------------------------------------------------------- */

enum { SEC_NONE = -1, SEC_UNKNOWN = -2 };

struct ini {
	struct config *c;
	struct arena *a;
	struct config_problems *out;
	const char *path;
	int line;
	int section; /* index into sections[], SEC_NONE before the first header, SEC_UNKNOWN after a
	                bad one (its keys are skipped: the header was already reported) */
	int first_line[NKEYS];
	char where[LINE_CAP];
};

static const char *ini_where(struct ini *s)
{
	snprintf(s->where, sizeof(s->where), "%s:%d", s->path, s->line);
	return s->where;
}

/* A comment starts at ';' or '#' at the start of the value or after white space, so a DSN or a
 * path may contain them unquoted ("a#b"). */
static int is_comment_at(const char *start, const char *p)
{
	return (*p == ';' || *p == '#') && (p == start || p[-1] == ' ' || p[-1] == '\t');
}

/* Rest of a line after a closing quote or a header's ']': only white space or a comment. */
static int rest_is_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return !*p || *p == ';' || *p == '#';
}

/* Value text after '=': unquoted (inline comment cut, trimmed) or in matching quotes, taken
 * verbatim up to the first quote followed by nothing but a comment. Modifies v; returns the value
 * or NULL with a problem recorded. */
static char *ini_value(struct ini *s, char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '"' || *v == '\'') {
		char q = *v;
		for (char *p = v + 1; *p; p++) {
			if (*p == q && rest_is_blank(p + 1)) {
				*p = '\0';
				return v + 1;
			}
		}
		if (strchr(v + 1, q))
			problem_add(
			    s->out, ini_where(s),
			    "unexpected text after the closing %c quote (a comment starts with ; "
			    "or #)",
			    q);
		else
			problem_add(s->out, ini_where(s), "unterminated %c quote", q);
		return NULL;
	}
	for (char *p = v; *p; p++)
		if (is_comment_at(v, p)) {
			*p = '\0';
			break;
		}
	return str_trim(v);
}

static void ini_section(struct ini *s, char *p)
{
	char e[ECHO_MAX + 16];
	char *close = strchr(p, ']');
	if (!close) {
		problem_add(s->out, ini_where(s), "section header needs a closing ], got %s",
		            echo(p, e, sizeof(e)));
		s->section = SEC_UNKNOWN;
		return;
	}
	*close = '\0';
	if (!rest_is_blank(close + 1))
		problem_add(s->out, ini_where(s), "unexpected text after [%s]", str_trim(p + 1));
	char *name = str_trim(p + 1);
	s->section = section_find(name);
	if (s->section >= 0)
		return;
	s->section = SEC_UNKNOWN;
	struct best b = {.d = SUGGEST_FAR};
	for (int i = 0; i < NSECTIONS; i++)
		best_try(&b, name, sections[i]);
	if (b.d < SUGGEST_FAR)
		problem_add(s->out, ini_where(s), "unknown section [%s]; did you mean [%s]?", name,
		            b.s);
	else
		problem_add(s->out, ini_where(s),
		            "unknown section [%s]; sections are [server], [database], [session], "
		            "[security], [log], [http]",
		            name);
}

/* A key that is not in the current section: say where it belongs, or the nearest spelling. */
static void ini_unknown_key(struct ini *s, const char *key)
{
	const struct key *elsewhere = key_find(NULL, key);
	struct best b = {.d = SUGGEST_FAR};
	if (s->section == SEC_NONE) {
		if (elsewhere)
			problem_add(s->out, ini_where(s),
			            "\"%s\" is outside any section; put it under [%s]", key,
			            elsewhere->section);
		else
			problem_add(
			    s->out, ini_where(s),
			    "unknown key \"%s\" outside any section (start with a [section] "
			    "line)",
			    key);
		return;
	}
	const char *sec = sections[s->section];
	if (elsewhere) {
		problem_add(s->out, ini_where(s), "unknown key \"%s\" in [%s]; it belongs in [%s]",
		            key, sec, elsewhere->section);
		return;
	}
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, sec) == 0)
			best_try(&b, key, keys[i].name);
	if (b.d == SUGGEST_FAR)
		for (size_t i = 0; i < NKEYS; i++)
			best_try(&b, key, keys[i].name);
	if (b.d < SUGGEST_FAR) {
		const struct key *k = key_find(NULL, b.s);
		if (strcmp(k->section, sec) == 0)
			problem_add(s->out, ini_where(s),
			            "unknown key \"%s\" in [%s]; did you mean "
			            "\"%s\"?",
			            key, sec, b.s);
		else
			problem_add(s->out, ini_where(s),
			            "unknown key \"%s\" in [%s]; did you mean \"%s\" in [%s]?", key,
			            sec, b.s, k->section);
		return;
	}
	char list[200] = "";
	size_t o = 0;
	for (size_t i = 0; i < NKEYS && o < sizeof(list); i++)
		if (strcmp(keys[i].section, sec) == 0)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "",
			                      keys[i].name);
	problem_add(s->out, ini_where(s), "unknown key \"%s\" in [%s]; its keys are %s", key, sec,
	            list);
}

static void ini_line(struct ini *s, char *line)
{
	char e[ECHO_MAX + 16];
	char *p = str_trim(line);
	if (!*p || *p == ';' || *p == '#')
		return;
	if (*p == '[') {
		ini_section(s, p);
		return;
	}
	char *eq = strchr(p, '=');
	if (!eq) {
		problem_add(s->out, ini_where(s), "expected key = value or [section], got %s",
		            echo(p, e, sizeof(e)));
		return;
	}
	*eq = '\0';
	char *key = str_trim(p);
	if (!*key) {
		problem_add(s->out, ini_where(s), "missing key before \"=\"");
		return;
	}
	if (s->section == SEC_UNKNOWN)
		return;
	const struct key *k = s->section >= 0 ? key_find(sections[s->section], key) : NULL;
	if (!k) {
		ini_unknown_key(s, key);
		return;
	}
	size_t idx = (size_t)(k - keys);
	if (s->first_line[idx]) {
		problem_add(s->out, ini_where(s),
		            "duplicate key \"%s\" (already set on line %d); keep one", k->name,
		            s->first_line[idx]);
		return;
	}
	s->first_line[idx] = s->line;
	char *v = ini_value(s, eq + 1);
	if (v)
		key_apply(s->c, s->a, k, v, ini_where(s), s->out);
}

/* Read one line into buf (without the newline). Returns 1 for a line, 0 at end of file. Sets
 * *flags: 1 = longer than the buffer (the rest was skipped), 2 = contained a NUL byte. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *total, int *flags)
{
	size_t n = 0;
	int ch, any = 0;
	*flags = 0;
	while ((ch = getc(f)) != EOF) {
		any = 1;
		(*total)++;
		if (ch == '\n')
			break;
		if (ch == '\0')
			*flags |= 2;
		if (n + 1 < cap)
			buf[n++] = (char)ch;
		else
			*flags |= 1;
	}
	buf[n] = '\0';
	return any;
}

int config_load_file(struct config *c, struct arena *a, const char *path, int optional,
                     struct config_problems *out)
{
	int start = problems_total(out), flags;
	size_t total = 0;
	char line[LINE_CAP];
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && optional)
			return 0;
		problem_add(out, path, "cannot open the configuration file: %s", strerror(errno));
		return -1;
	}
	struct ini *s = calloc(1, sizeof(*s));
	if (!s) {
		problem_add(out, path, "out of memory");
		fclose(f);
		return -1;
	}
	*s = (struct ini){.c = c, .a = a, .out = out, .path = path, .section = SEC_NONE};
	while (read_line(f, line, sizeof(line), &total, &flags)) {
		s->line++;
		if (total > FILE_CAP) {
			problem_add(out, ini_where(s), "file larger than %d bytes; stopped reading",
			            FILE_CAP);
			break;
		}
		char *p = line;
		if (s->line == 1 && str_starts(p, "\xEF\xBB\xBF")) /* UTF-8 byte order mark */
			p += 3;
		if (flags & 1)
			problem_add(out, ini_where(s), "line longer than %d bytes", LINE_CAP - 1);
		else if (flags & 2)
			problem_add(out, ini_where(s), "line contains a NUL byte");
		else if (!utf8_valid(p, strlen(p)))
			problem_add(out, ini_where(s), "line is not valid UTF-8");
		else
			ini_line(s, p);
	}
	if (ferror(f))
		problem_add(out, path, "read error: %s", strerror(errno));
	fclose(f);
	free(s);
	return problems_total(out) > start ? -1 : 0;
}

/* ---- environment ------------------------------------------------------------------------- */

static int env_skipped(const char *name, size_t len)
{
	return (len == strlen(CONFIG_ENV_PATH) && memcmp(name, CONFIG_ENV_PATH, len) == 0) ||
	       str_starts(name, "GCAS_TEST_") || str_starts(name, "GCAS_PG_");
}

static void env_unknown(const char *name, struct config_problems *out)
{
	char ename[NAME_MAX_LEN + 8];
	struct best b = {.d = SUGGEST_FAR};
	for (size_t i = 0; i < NKEYS; i++) {
		env_name(&keys[i], ename, sizeof(ename));
		best_try(&b, name, ename);
		if (keys[i].alias)
			best_try(&b, name, keys[i].alias);
	}
	if (b.d < SUGGEST_FAR)
		problem_add(out, name, "unknown setting; did you mean %s?", b.s);
	else
		problem_add(out, name,
		            "unknown setting (variables are GCAS_<SECTION>_<KEY>, e.g. "
		            "GCAS_SERVER_PORT; see docs/config.md)");
}

/* Where the value of variable name goes: full[i] for GCAS_<SECTION>_<KEY>, alias[i] for an
 * alias; NULL when name is no setting. */
static const char **env_slot(const char *name, const char **full, const char **alias)
{
	char ename[NAME_MAX_LEN + 8];
	for (size_t i = 0; i < NKEYS; i++) {
		env_name(&keys[i], ename, sizeof(ename));
		if (strcmp(name, ename) == 0)
			return &full[i];
		if (keys[i].alias && strcmp(name, keys[i].alias) == 0)
			return &alias[i];
	}
	return NULL;
}

int config_load_env(struct config *c, struct arena *a, char **envp, struct config_problems *out)
{
	const char *full[NKEYS] = {0}, *alias[NKEYS] = {0};
	char name[NAME_MAX_LEN + 8], ename[NAME_MAX_LEN + 8];
	int start = problems_total(out);
	if (!envp)
		envp = environ;
	for (char **e = envp; *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!str_starts(*e, "GCAS_") || !eq)
			continue;
		size_t len = (size_t)(eq - *e);
		if (env_skipped(*e, len))
			continue;
		if (len >= sizeof(name)) {
			char where[96];
			snprintf(where, sizeof(where), "%.*s", (int)(len < 90 ? len : 90), *e);
			problem_add(out, where, "unknown setting (name too long)");
			continue;
		}
		memcpy(name, *e, len);
		name[len] = '\0';
		const char **slot = env_slot(name, full, alias);
		if (!slot)
			env_unknown(name, out);
		else if (!*slot) /* the first wins, as getenv() does */
			*slot = eq + 1;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		env_name(&keys[i], ename, sizeof(ename));
		if (full[i])
			key_apply(c, a, &keys[i], full[i], ename, out);
		else if (alias[i])
			key_apply(c, a, &keys[i], alias[i], keys[i].alias, out);
		if (full[i] && alias[i] && strcmp(full[i], alias[i]) != 0)
			problem_add(out, keys[i].alias,
			            "%s and %s are both set, to different values; unset one (%s is "
			            "used)",
			            keys[i].alias, ename, ename);
	}
	return problems_total(out) > start ? -1 : 0;
}

const char *config_env_path(char **envp)
{
	size_t len = strlen(CONFIG_ENV_PATH);
	if (!envp)
		envp = environ;
	for (char **e = envp; *e; e++)
		if (strncmp(*e, CONFIG_ENV_PATH, len) == 0 && (*e)[len] == '=')
			return (*e)[len + 1] ? *e + len + 1 : NULL;
	return NULL;
}

int config_load(struct config *c, struct arena *a, const char *path, int optional, char **envp,
                struct config_problems *out)
{
	int start = problems_total(out);
	config_defaults(c);
	if (path)
		config_load_file(c, a, path, optional, out);
	config_load_env(c, a, envp, out);
	return problems_total(out) > start ? -1 : 0;
}

/* ---- flags ------------------------------------------------------------------------------- */

int config_set(struct config *c, struct arena *a, const char *key, const char *value,
               const char *where, struct config_problems *out)
{
	char label[NAME_MAX_LEN + 8];
	const struct key *k = key_find_flag(key);
	if (!where) {
		snprintf(label, sizeof(label), "--%.*s", NAME_MAX_LEN, key);
		where = label;
	}
	if (!k) {
		struct best b = {.d = SUGGEST_FAR};
		for (size_t i = 0; i < NKEYS; i++)
			best_try(&b, key, keys[i].flag);
		if (b.d < SUGGEST_FAR)
			problem_add(out, where, "unknown setting; did you mean --%s?", b.s);
		else
			problem_add(out, where, "unknown setting (see docs/config.md)");
		return -1;
	}
	if (!value) {
		problem_add(out, where, "%s: needs a value", k->name);
		return -1;
	}
	return key_apply(c, a, k, value, where, out);
}

int config_flag_parse(struct config *c, struct arena *a, int argc, char **argv, int *i,
                      struct config_problems *out)
{
	char name[NAME_MAX_LEN + 1], where[NAME_MAX_LEN + 4];
	const char *arg = argv[*i];
	if (!str_starts(arg, "--") || !arg[2])
		return 0;
	size_t len = strcspn(arg + 2, "=");
	if (len > NAME_MAX_LEN)
		return 0;
	memcpy(name, arg + 2, len);
	name[len] = '\0';
	if (!key_find_flag(name))
		return 0;
	snprintf(where, sizeof(where), "--%s", name);
	const char *value = NULL;
	if (arg[2 + len] == '=') {
		value = arg + 3 + len;
		*i += 1;
	} else if (*i + 1 < argc && !str_starts(argv[*i + 1], "--")) {
		value = argv[*i + 1];
		*i += 2;
	} else {
		*i += 1;
	}
	config_set(c, a, name, value, where, out);
	return 1;
}

/* ---- check ------------------------------------------------------------------------------- */

static void check_tls_file(const struct key *k, const char *path, struct config_problems *out)
{
	char where[NAME_MAX_LEN], e[ECHO_MAX + 16];
	struct stat st;
	snprintf(where, sizeof(where), "%s.%s", k->section, k->name);
	FILE *f = fopen(path, "re");
	if (!f) {
		problem_add(out, where, "%s: cannot read %s: %s", k->name, echo(path, e, sizeof(e)),
		            strerror(errno));
		return;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
		problem_add(out, where, "%s: %s is not a regular file", k->name,
		            echo(path, e, sizeof(e)));
	fclose(f);
}

int config_check(const struct config *c, struct config_problems *out)
{
	char where[NAME_MAX_LEN], why[224], num[32], a1[32], a2[32];
	int start = problems_total(out);
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		int64_t ignored;
		const char *str = NULL, *v;
		snprintf(where, sizeof(where), "%s.%s", k->section, k->name);
		if (k->type == K_INT || k->type == K_U64 || k->type == K_DUR || k->type == K_SIZE) {
			v = fmt_num(k, num_get(c, k), num, sizeof(num));
		} else {
			v = str_get(c, k);
			if (!v || !*v) {
				if (k->required)
					problem_add(out, where, "%s: not set", k->name);
				continue;
			}
		}
		if (value_parse(k, NULL, v, &ignored, &str, why, sizeof(why)))
			problem_add(out, where, "%s: %s", k->name, why);
		else if (k->type == K_LEVEL && strcmp(str, v) != 0) /* log_level_parse is exact */
			problem_add(out, where, "%s: expected lower case, got \"%s\"", k->name, v);
	}

	/* HTTPS needs both halves of the key pair; one alone is a half-finished edit. */
	const struct key *kc = key_find("server", "tls_cert"), *kk = key_find("server", "tls_key");
	int has_cert = c->tls_cert && *c->tls_cert, has_key = c->tls_key && *c->tls_key;
	if (has_cert != has_key)
		problem_add(out, has_cert ? "server.tls_key" : "server.tls_cert",
		            "%s is set but %s is not; set both (HTTPS) or neither (plain HTTP)",
		            has_cert ? "tls_cert" : "tls_key", has_cert ? "tls_key" : "tls_cert");
	if (has_cert)
		check_tls_file(kc, c->tls_cert, out);
	if (has_key)
		check_tls_file(kk, c->tls_key, out);

	/* A session ends at absolute_ttl whatever happens, so a longer idle or re-authentication
	 * window is a mistake in the file, not a setting. */
	const struct key *kabs = key_find("session", "absolute_ttl");
	int64_t abs_ttl = c->session_abs_ttl;
	fmt_num(kabs, abs_ttl, a2, sizeof(a2));
	if (c->session_idle_ttl > abs_ttl)
		problem_add(
		    out, "session.idle_ttl",
		    "idle_ttl (%s) is longer than absolute_ttl (%s); it must be <= absolute_ttl",
		    fmt_num(kabs, c->session_idle_ttl, a1, sizeof(a1)), a2);
	if (c->reauth_ttl > abs_ttl)
		problem_add(out, "session.reauth_ttl",
		            "reauth_ttl (%s) is longer than absolute_ttl (%s); it must be <= "
		            "absolute_ttl",
		            fmt_num(kabs, c->reauth_ttl, a1, sizeof(a1)), a2);
	return problems_total(out) > start ? -1 : 0;
}

/* ---- print ------------------------------------------------------------------------------- */

/* A quote character q can delimit v when no q inside v would end the value early (a q followed by
 * nothing but a comment); see ini_value. */
static int quote_fits(const char *v, char q)
{
	for (const char *p = strchr(v, q); p; p = strchr(p + 1, q))
		if (rest_is_blank(p + 1))
			return 0;
	return 1;
}

void config_print(const struct config *c, FILE *out)
{
	char num[32], red[LINE_CAP + 8];
	const char *section = NULL;
	fprintf(out, "# gcas effective configuration (docs/config.md describes every key)\n");
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (!section || strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(out, "\n[%s]\n", section);
		}
		if (k->type == K_INT || k->type == K_U64 || k->type == K_DUR || k->type == K_SIZE) {
			fprintf(out, "%s = %s\n", k->name,
			        fmt_num(k, num_get(c, k), num, sizeof(num)));
			continue;
		}
		const char *v = str_get(c, k);
		if (!v)
			v = "";
		if (k->type == K_DSN) {
			dsn_redact(v, red, sizeof(red));
			v = red;
		}
		char q = quote_fits(v, '"') ? '"' : '\'';
		fprintf(out, "%s = %c%s%c\n", k->name, q, v, q);
	}
}
