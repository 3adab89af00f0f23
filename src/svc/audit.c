/* SPDX-License-Identifier: MIT */
/* Hash-chained audit records: hash = SHA-256(prev_hash || "\n" || canonical JSON). */
#include "svc/audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <jansson.h>
#include <string.h>

#include "base/clock.h"
#include "base/codec.h"
#include "base/str.h"
#include "crypto/token.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *audit_json(struct arena *a, ...)
{
	json_t *o = json_object();
	va_list ap;
	va_start(ap, a);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		json_object_set_new(o, k, str_or_null(v));
	}
	va_end(ap);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	char *copy = s ? arena_strdup(a, s) : NULL;
	free(s);
	return copy;
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
