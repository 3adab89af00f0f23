/* SPDX-License-Identifier: MIT */
/* Hash-chained audit records: hash = SHA-256(prev_hash || "\n" || canonical JSON). */
#include "svc/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <jansson.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fileio.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/str.h"
#include "crypto/token.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *audit_json_pairs(struct arena *a, const char *const *kv)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (size_t i = 0; kv && kv[i]; i += 2)
		json_object_set_new(o, kv[i], str_or_null(kv[i + 1]));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	char *copy = s ? arena_strdup(a, s) : NULL;
	free(s);
	return copy;
}

char *audit_json(struct arena *a, ...)
{
	va_list ap, n;
	va_start(ap, a);
	va_copy(n, ap);
	size_t count = 0;
	while (va_arg(n, const char *)) {
		(void)va_arg(n, const char *);
		count += 2;
	}
	va_end(n);
	const char **kv = arena_alloc(a, (count + 1) * sizeof(*kv));
	for (size_t i = 0; kv && i < count; i++)
		kv[i] = va_arg(ap, const char *);
	va_end(ap);
	if (!kv)
		return NULL;
	kv[count] = NULL;
	return audit_json_pairs(a, kv);
}

char *audit_canonical(struct arena *a, const struct audit_rec *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "at", json_integer(r->at));
	json_object_set_new(o, "actor_id", str_or_null(r->actor_id));
	json_object_set_new(o, "actor_label", str_or_null(r->actor_label));
	json_object_set_new(o, "action", str_or_null(r->action));
	json_object_set_new(o, "target_type", str_or_null(r->target_type));
	json_object_set_new(o, "target_id", str_or_null(r->target_id));
	json_object_set_new(o, "agency_id", str_or_null(r->agency_id));
	json_object_set_new(o, "outcome", str_or_null(r->outcome));
	json_object_set_new(o, "detail", str_or_null(r->detail));
	json_object_set_new(o, "ip", str_or_null(r->ip));
	json_object_set_new(o, "request_id", str_or_null(r->request_id));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		return NULL;
	char *copy = arena_strdup(a, s);
	free(s);
	return copy;
}

static unsigned char seal_key[32];
static int seal_key_set;

void audit_set_key(const unsigned char *key, size_t len)
{
	seal_key_set = key && len == sizeof(seal_key);
	if (seal_key_set)
		memcpy(seal_key, key, sizeof(seal_key));
	else
		explicit_bzero(seal_key, sizeof(seal_key));
}

/* The seal: HMAC-SHA256(key, hash) in hex; out[65]. -1 without a key. */
static int seal(const char *hash, char out[65])
{
	unsigned char mac[32];
	if (!seal_key_set || !hash ||
	    hmac_sha256(seal_key, sizeof(seal_key), hash, strlen(hash), mac) != GCAS_OK)
		return -1;
	hex_encode(out, mac, sizeof(mac));
	return 0;
}

static enum gcas_err chain_hash(struct arena *a, const struct audit_rec *r, char out[65])
{
	char *canon = audit_canonical(a, r);
	if (!canon)
		return GCAS_ERR_NOMEM;
	char *msg = arena_printf(a, "%s\n%s", r->prev_hash, canon);
	if (!msg)
		return GCAS_ERR_NOMEM;
	return sha256_hex(msg, strlen(msg), out);
}

/* Fill r for event ev following (seq, prev) and chain it: hash and seal into the arena. */
static enum gcas_err chain_one(struct arena *a, const struct actor *ac,
                               const struct audit_event *ev, int64_t seq, const char *prev,
                               int64_t at, struct audit_rec *out)
{
	struct audit_rec r = {
	    .seq = seq + 1,
	    .at = at,
	    .actor_id = ac && ac->acc ? ac->acc->id : NULL,
	    .actor_label = ac && ac->label ? ac->label : "system",
	    .action = ev->action,
	    .target_type = ev->target_type,
	    .target_id = ev->target_id,
	    .agency_id = ev->agency_id,
	    .outcome = ev->outcome ? ev->outcome : "ok",
	    .detail = ev->detail ? ev->detail : "{}",
	    .ip = ac ? ac->ip : NULL,
	    .request_id = ac ? ac->request_id : NULL,
	    .prev_hash = prev,
	};
	char hash[65], mac[65];
	enum gcas_err e = chain_hash(a, &r, hash);
	if (e)
		return e;
	r.hash = arena_strdup(a, hash);
	r.mac = seal(hash, mac) == 0 ? arena_strdup(a, mac) : NULL;
	if (!r.hash || (seal_key_set && !r.mac))
		return GCAS_ERR_NOMEM;
	*out = r;
	return GCAS_OK;
}

enum gcas_err audit_append(struct db *db, struct arena *a, const struct actor *ac,
                           const struct audit_event *ev)
{
	return audit_append_batch(db, a, ac, ev, 1);
}

enum gcas_err audit_append_batch(struct db *db, struct arena *a, const struct actor *ac,
                                 const struct audit_event *ev, size_t n)
{
	int64_t seq;
	const char *prev;
	if (n == 0)
		return GCAS_OK;
	/* The head is locked once for the batch; each record still follows the one before. */
	enum gcas_err e = store_audit_head(db, a, &seq, &prev);
	if (e)
		return e;
	struct audit_rec *r = arena_alloc(a, n * sizeof(*r));
	if (!r)
		return GCAS_ERR_NOMEM;
	int64_t now = clock_now();
	for (size_t i = 0; i < n; i++) {
		if ((e = chain_one(a, ac, &ev[i], seq, prev, now, &r[i])))
			return e;
		seq = r[i].seq;
		prev = r[i].hash;
	}
	return n == 1 ? store_audit_insert(db, r) : store_audit_insert_many(db, r, n);
}

struct rec_ctx {
	const struct actor *ac;
	const struct audit_event *ev;
	struct arena *a;
};

static enum gcas_err record_tx(struct db *db, void *ctx)
{
	struct rec_ctx *c = ctx;
	return audit_append(db, c->a, c->ac, c->ev);
}

enum gcas_err audit_record(const struct env *env, const struct actor *ac,
                           const struct audit_event *ev)
{
	struct arena *a = arena_new(64 * 1024);
	if (!a)
		return GCAS_ERR_NOMEM;
	struct rec_ctx c = {ac, ev, a};
	enum gcas_err e = store_tx(env->st, record_tx, &c);
	arena_free(a);
	return e;
}

enum gcas_err audit_denied(const struct env *env, const struct actor *ac, enum action act,
                           const char *target_type, const char *target_id, const char *agency_id)
{
	char detail[128];
	snprintf(detail, sizeof(detail), "{\"action\":\"%s\"}", action_name(act));
	/* R7.1: the record names the actor, so it belongs to the actor's agency (never shown to
	 * the agency they reached for); the target's agency only for the operator, who has none. */
	const char *owner = ac->subj.agency_id ? ac->subj.agency_id : agency_id;
	struct audit_event ev = {
	    "permission.denied", target_type, target_id, owner, "denied", detail};
	audit_record(env, ac, &ev);
	return GCAS_ERR_DENIED;
}

struct scan_ctx {
	struct arena *a;
	int64_t after;
	struct audit_rec *recs;
	size_t n;
};

static enum gcas_err scan_tx(struct db *db, void *ctx)
{
	struct scan_ctx *c = ctx;
	return store_audit_scan(db, c->a, c->after, 1000, &c->recs, &c->n);
}

struct head_ctx {
	struct arena *a;
	int64_t seq;
	const char *hash;
};

static enum gcas_err head_tx(struct db *db, void *ctx)
{
	struct head_ctx *h = ctx;
	return store_audit_head_read(db, h->a, &h->seq, &h->hash);
}

enum gcas_err audit_verify(struct store *st, FILE *out, int64_t *checked)
{
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int64_t expect = 1, problems = 0;
	*checked = 0;
	/* Read the head first and verify up to it: records appended while we read (the server
	 * keeps running) are after it and not our business, so they never look like tampering. */
	struct arena *ha = arena_new(0);
	struct head_ctx h = {.a = ha};
	enum gcas_err e = ha ? store_run(st, head_tx, &h) : GCAS_ERR_NOMEM;
	if (e) {
		arena_free(ha);
		return e;
	}
	int64_t last = h.seq;
	while (expect <= last) {
		struct arena *a = arena_new(0);
		struct scan_ctx c = {.a = a, .after = expect - 1};
		e = a ? store_run(st, scan_tx, &c) : GCAS_ERR_NOMEM;
		if (e) {
			arena_free(a);
			arena_free(ha);
			return e;
		}
		for (size_t i = 0; i < c.n && c.recs[i].seq <= last; i++) {
			struct audit_rec *r = &c.recs[i];
			char hh[65];
			if (r->seq != expect) {
				fprintf(out,
				        "seq %" PRId64 ": records %" PRId64 "..%" PRId64
				        " are missing (deleted)\n",
				        r->seq, expect, r->seq - 1);
				problems++;
			}
			if (strcmp(r->prev_hash, prev) != 0) {
				fprintf(out,
				        "seq %" PRId64 ": does not follow the previous record "
				        "(deleted or reordered records before it)\n",
				        r->seq);
				problems++;
			}
			if (chain_hash(a, r, hh) || strcmp(hh, r->hash) != 0) {
				fprintf(out, "seq %" PRId64 ": hash mismatch (record edited)\n",
				        r->seq);
				problems++;
			}
			char m[65];
			if (seal_key_set && !r->mac) {
				fprintf(out, "seq %" PRId64 ": not sealed\n", r->seq);
				problems++;
			} else if (seal_key_set && (seal(r->hash, m) || !ct_streq(m, r->mac))) {
				fprintf(out,
				        "seq %" PRId64
				        ": the seal does not match (rewritten without "
				        "the audit key)\n",
				        r->seq);
				problems++;
			}
			str_copy(prev, sizeof(prev), r->hash ? r->hash : "");
			expect = r->seq + 1;
			(*checked)++;
		}
		int more = c.n == 1000 && c.recs[c.n - 1].seq < last;
		arena_free(a);
		if (!more)
			break;
	}
	if (expect - 1 != last || strcmp(h.hash ? h.hash : "", prev) != 0) {
		fprintf(out,
		        "head: the log should end at seq %" PRId64 " but ends at %" PRId64
		        " (records removed from the end)\n",
		        last, expect - 1);
		problems++;
	}
	arena_free(ha);
	if (!seal_key_set)
		fprintf(out, "note: no audit key configured, so the seals were not checked\n");
	fprintf(out, "%" PRId64 " records checked, %" PRId64 " problems\n", *checked, problems);
	return problems ? GCAS_ERR_CONFLICT : GCAS_OK;
}

/* ---- the anchor (R6.4) ------------------------------------------------------------------- */

#define ANCHOR_TAG "gcas-audit-anchor-v1"
enum {
	ANCHOR_LINE_MAX = 256, /* tag, two numbers and two hashes fit in well under this */
	ANCHOR_PATH_MAX = 4096,
};

/* The signed part of an anchor line: everything before " MAC". -1 when it does not fit. */
static int anchor_body(const struct audit_anchor *an, char *out, size_t cap)
{
	int n =
	    snprintf(out, cap, ANCHOR_TAG " %" PRId64 " %s %" PRId64, an->seq, an->hash, an->at);
	return n > 0 && (size_t)n < cap ? n : -1;
}

/* HMAC-SHA256 of body under the audit key, hex. The tag that starts every body keeps this apart
 * from a record's seal (the HMAC of a bare hash), so no seal can pass for an anchor's MAC. */
static enum gcas_err anchor_mac(const char *body, char out[65])
{
	unsigned char mac[32];
	if (!seal_key_set)
		return GCAS_ERR_AUTH;
	enum gcas_err e = hmac_sha256(seal_key, sizeof(seal_key), body, strlen(body), mac);
	if (e)
		return e;
	hex_encode(out, mac, sizeof(mac));
	return GCAS_OK;
}

static int is_hex64(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

/* Split line in place at single spaces into exactly n fields; 0 or -1. */
static int split_fields(char *line, char **f, int n)
{
	char *p = line;
	for (int i = 0; i < n - 1; i++) {
		char *sp = strchr(p, ' ');
		if (!sp)
			return -1;
		*sp = '\0';
		f[i] = p;
		p = sp + 1;
	}
	f[n - 1] = p;
	return strchr(p, ' ') ? -1 : 0;
}

enum gcas_err audit_anchor_read(const char *path, struct audit_anchor *out)
{
	char line[ANCHOR_LINE_MAX + 2];
	FILE *fp = fopen(path, "r");
	if (!fp)
		return errno == ENOENT ? GCAS_ERR_NOTFOUND : GCAS_ERR_IO;
	size_t n = fread(line, 1, sizeof(line) - 1, fp);
	int bad = ferror(fp);
	fclose(fp);
	if (bad)
		return GCAS_ERR_IO;
	line[n] = '\0';
	/* Exactly one line: text without NUL, one newline at the end and nothing after it. */
	if (n == 0 || n > ANCHOR_LINE_MAX || strlen(line) != n ||
	    strchr(line, '\n') != line + n - 1)
		return GCAS_ERR_INVALID;
	line[n - 1] = '\0';
	struct audit_anchor an = {0};
	char *f[5], body[ANCHOR_LINE_MAX], want[65];
	/* TAG SEQ HASH AT MAC */
	if (split_fields(line, f, 5) || strcmp(f[0], ANCHOR_TAG) != 0 ||
	    str_to_i64(f[1], &an.seq) || an.seq < 1 || !is_hex64(f[2]) ||
	    str_to_i64(f[3], &an.at) || !is_hex64(f[4]))
		return GCAS_ERR_INVALID;
	memcpy(an.hash, f[2], sizeof(an.hash));
	/* The MAC is over the canonical form, so "007" for 7 is not genuine either. */
	if (anchor_body(&an, body, sizeof(body)) < 0)
		return GCAS_ERR_INVALID;
	enum gcas_err e = anchor_mac(body, want);
	if (e)
		return e;
	if (!ct_streq(want, f[4]))
		return GCAS_ERR_AUTH;
	*out = an;
	return GCAS_OK;
}

/* The head and the record at seq `want` (NULL when it is not there), read together. */
struct anchor_ctx {
	struct arena *a;
	int64_t want; /* 0: only the head */
	int64_t head_seq;
	const char *head_hash;
	const struct audit_rec *rec;
};

static enum gcas_err anchor_tx(struct db *db, void *ctx)
{
	struct anchor_ctx *c = ctx;
	struct audit_rec *r = NULL;
	size_t n = 0;
	enum gcas_err e = store_audit_head_read(db, c->a, &c->head_seq, &c->head_hash);
	if (e || c->want < 1)
		return e;
	if ((e = store_audit_scan(db, c->a, c->want - 1, 1, &r, &n)))
		return e;
	c->rec = n == 1 && r[0].seq == c->want ? &r[0] : NULL;
	return GCAS_OK;
}

static enum gcas_err anchor_load(struct store *st, struct arena *a, int64_t want,
                                 struct anchor_ctx *c)
{
	*c = (struct anchor_ctx){.a = a, .want = want};
	return a ? store_run(st, anchor_tx, c) : GCAS_ERR_NOMEM;
}

/* The directory holding path, opened for flock and fsync; -1 on failure. */
static int anchor_dir_open(const char *path)
{
	char dir[ANCHOR_PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir))
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Replace path by line atomically: a temporary file beside it (mkstemp creates it 0600), fsync,
 * rename over path (atomic within one file system, POSIX rename()), then fsync the directory
 * so the rename itself survives a crash. The temporary file never outlives a failure. */
static enum gcas_err anchor_put(const char *path, int dirfd, const char *line)
{
	char tmp[ANCHOR_PATH_MAX + 16];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return GCAS_ERR_INVALID;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return GCAS_ERR_IO;
	int bad =
	    fchmod(fd, 0600) != 0 || fd_write_all(fd, line, strlen(line)) != 0 || fsync(fd) != 0;
	bad |= close(fd) != 0;
	if (!bad)
		bad = rename(tmp, path) != 0;
	if (bad) {
		unlink(tmp);
		return GCAS_ERR_IO;
	}
	return fsync(dirfd) == 0 ? GCAS_OK : GCAS_ERR_IO;
}

static void anchor_warn(const char *path, const char *why, int64_t anchor_seq, int64_t db_seq)
{
	char s1[24], s2[24];
	snprintf(s1, sizeof(s1), "%" PRId64, anchor_seq);
	snprintf(s2, sizeof(s2), "%" PRId64, db_seq);
	log_msg(LOG_WARN, "audit anchor left as it is", "path", path, "reason", why, "anchor_seq",
	        s1, "db_seq", s2, NULL);
}

/* Whether the file may move from old (NULL: none) to the head in c: only forward, and only
 * along the same chain (the record at old's seq still has old's hash). */
static enum gcas_err anchor_judge(const char *path, const struct audit_anchor *old,
                                  const struct anchor_ctx *c, int *write)
{
	*write = 0;
	if (c->head_seq < 1 || !c->head_hash)
		return GCAS_OK; /* an empty log: nothing to anchor yet */
	if (!old) {
		*write = 1;
		return GCAS_OK;
	}
	if (c->head_seq < old->seq) {
		anchor_warn(
		    path,
		    "the database's audit log ends before the anchor (a rollback, or an older "
		    "replica): run gcas audit verify",
		    old->seq, c->head_seq);
		return GCAS_ERR_CONFLICT;
	}
	if (!c->rec || !c->rec->hash || strcmp(c->rec->hash, old->hash) != 0) {
		anchor_warn(
		    path,
		    "the record at the anchor's seq is missing or has another hash: run gcas "
		    "audit verify",
		    old->seq, c->head_seq);
		return GCAS_ERR_CONFLICT;
	}
	*write = c->head_seq > old->seq;
	return GCAS_OK;
}

/* Under the directory lock: read the file and the database, judge, write. */
static enum gcas_err anchor_advance(struct store *st, const char *path, int dirfd,
                                    struct audit_anchor *out, int *moved)
{
	struct audit_anchor old = {0};
	struct anchor_ctx c;
	char body[ANCHOR_LINE_MAX], mac[65], line[ANCHOR_LINE_MAX + 80];
	int write = 0;
	enum gcas_err e = audit_anchor_read(path, &old);
	if (e && e != GCAS_ERR_NOTFOUND) {
		anchor_warn(path, "the file is not a genuine anchor: run gcas audit verify", 0, 0);
		return e;
	}
	const struct audit_anchor *have = e ? NULL : &old;
	struct arena *a = arena_new(0);
	e = anchor_load(st, a, have ? have->seq : 0, &c);
	if (!e)
		e = anchor_judge(path, have, &c, &write);
	if (e || !write) {
		if (!e && have)
			*out = old;
		arena_free(a);
		return e;
	}
	struct audit_anchor an = {.seq = c.head_seq, .at = clock_now()};
	str_copy(an.hash, sizeof(an.hash), c.head_hash);
	arena_free(a);
	if (anchor_body(&an, body, sizeof(body)) < 0 || (e = anchor_mac(body, mac)))
		return e ? e : GCAS_ERR_INTERNAL;
	snprintf(line, sizeof(line), "%s %s\n", body, mac);
	if ((e = anchor_put(path, dirfd, line)))
		return e;
	*out = an;
	*moved = 1;
	return GCAS_OK;
}

enum gcas_err audit_anchor_write(struct store *st, const char *path, struct audit_anchor *out,
                                 int *moved)
{
	struct audit_anchor ignored;
	*moved = 0;
	if (!path || !*path)
		return GCAS_OK;
	if (!seal_key_set)
		return GCAS_ERR_AUTH;
	if (!out)
		out = &ignored;
	*out = (struct audit_anchor){0};
	int dirfd = anchor_dir_open(path);
	if (dirfd < 0)
		return GCAS_ERR_IO;
	/* One writer at a time (the job and `gcas audit anchor` on one node): otherwise a slower
	 * writer holding an older head could rename its file over a newer one. */
	enum gcas_err e = GCAS_ERR_IO;
	if (flock(dirfd, LOCK_EX) == 0)
		e = anchor_advance(st, path, dirfd, out, moved);
	close(dirfd); /* releases the lock */
	return e;
}

/* The anchor against the database, as read in c. */
static enum gcas_err anchor_compare(const struct audit_anchor *an, const struct anchor_ctx *c,
                                    FILE *out)
{
	char t[32];
	clock_fmt_utc(t, an->at);
	if (c->head_seq < an->seq) {
		fprintf(out,
		        "anchor: the audit log was rolled back: it ends at %" PRId64
		        ", but reached %" PRId64 " at %s\n",
		        c->head_seq, an->seq, t);
		return GCAS_ERR_CONFLICT;
	}
	if (!c->rec || !c->rec->hash) {
		fprintf(out,
		        "anchor: seq %" PRId64 ", which the log had reached at %s, is missing "
		        "(deleted)\n",
		        an->seq, t);
		return GCAS_ERR_CONFLICT;
	}
	if (strcmp(c->rec->hash, an->hash) != 0) {
		fprintf(out,
		        "anchor: seq %" PRId64 " was rewritten: its hash is %s, but was %s at %s\n",
		        an->seq, c->rec->hash, an->hash, t);
		return GCAS_ERR_CONFLICT;
	}
	fprintf(out, "anchor: the log still reaches seq %" PRId64 " as it was at %s\n", an->seq, t);
	return GCAS_OK;
}

enum gcas_err audit_verify_anchor(struct store *st, const char *path, FILE *out)
{
	struct audit_anchor an;
	if (!path || !*path) {
		fprintf(out,
		        "note: no anchor file configured (audit.anchor_file), so a rollback of "
		        "the whole log cannot be seen\n");
		return GCAS_OK;
	}
	if (!seal_key_set) {
		fprintf(out, "note: no audit key configured, so the anchor was not checked\n");
		return GCAS_OK;
	}
	enum gcas_err e = audit_anchor_read(path, &an);
	if (e == GCAS_ERR_NOTFOUND) {
		fprintf(out, "note: no anchor file at %s yet (gcas audit anchor writes it)\n",
		        path);
		return GCAS_OK;
	}
	if (e == GCAS_ERR_AUTH) {
		fprintf(out,
		        "anchor: the anchor file is not genuine (%s: its HMAC does not match under "
		        "the audit key)\n",
		        path);
		return GCAS_ERR_CONFLICT;
	}
	if (e == GCAS_ERR_INVALID) {
		fprintf(out, "anchor: %s is not an audit anchor file (damaged or replaced)\n",
		        path);
		return GCAS_ERR_CONFLICT;
	}
	if (e)
		return e;
	struct arena *a = arena_new(0);
	struct anchor_ctx c;
	e = anchor_load(st, a, an.seq, &c);
	if (!e)
		e = anchor_compare(&an, &c, out);
	arena_free(a);
	return e;
}

enum gcas_err audit_export(struct store *st, FILE *out, int64_t *written)
{
	int64_t after = 0;
	*written = 0;
	for (;;) {
		struct arena *a = arena_new(0);
		struct scan_ctx c = {.a = a, .after = after};
		enum gcas_err e = a ? store_run(st, scan_tx, &c) : GCAS_ERR_NOMEM;
		if (e) {
			arena_free(a);
			return e;
		}
		for (size_t i = 0; i < c.n; i++) {
			struct audit_rec *r = &c.recs[i];
			char *canon = audit_canonical(a, r);
			if (!canon) {
				arena_free(a);
				return GCAS_ERR_NOMEM;
			}
			/* The canonical object plus the two chain fields, so an auditor can
			 * recompute every hash from the export alone. */
			canon[strlen(canon) - 1] = '\0';
			fprintf(out, "%s,\"prev_hash\":\"%s\",\"hash\":\"%s\",\"mac\":%s%s%s}\n",
			        canon, r->prev_hash, r->hash, r->mac ? "\"" : "",
			        r->mac ? r->mac : "null", r->mac ? "\"" : "");
			after = r->seq;
			(*written)++;
		}
		arena_free(a);
		if (c.n < 1000)
			break;
	}
	return ferror(out) ? GCAS_ERR_IO : GCAS_OK;
}

struct list_ctx {
	struct arena *a;
	const struct audit_filter *f;
	struct page *pg;
	struct audit_rec *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_audit_list(db, c->a, c->f, c->pg, &c->out, &c->n);
}

enum gcas_err svc_audit_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct audit_filter *f, struct page *pg, struct audit_rec **out,
                             size_t *n)
{
	*out = NULL;
	*n = 0;
	/* The operator reads everything; anyone else only what the matrix gives within their
	 * own agency, so the filter is narrowed to it whatever was asked. */
	if (ac->subj.role != ROLE_OPERATOR) {
		struct target t = {.org_id = ac->subj.agency_id, .agency_id = ac->subj.agency_id};
		if (!policy_allows(&ac->subj, ACT_AUDIT_VIEW, &t))
			return audit_denied(env, ac, ACT_AUDIT_VIEW, "audit", NULL, NULL);
		f->agency_id = ac->subj.agency_id;
	} else if (!policy_allows(&ac->subj, ACT_AUDIT_VIEW, NULL)) {
		return GCAS_ERR_DENIED;
	}
	struct list_ctx c = {a, f, pg, NULL, 0};
	enum gcas_err e = store_run(env->st, list_tx, &c);
	*out = c.out;
	*n = c.n;
	return e;
}
