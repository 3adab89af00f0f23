/* SPDX-License-Identifier: MIT */
/* The SCIM push (see svc/scim_push.h). One environment at a time, under a lease in the jobs
 * table ("scim_push:<environment id>") so two nodes never push the same environment at once:
 * read the desired users, the links (what was last pushed) and the queue in one read; make
 * sure the two groups exist; check drift when the interval has passed; push each user whose
 * attributes or membership differ from what was pushed, then the membership changes of each
 * group in PATCHes of at most 100; write links, queue outcomes and sync marks in one
 * transaction. No transaction is held open across a SCIM request. */
#include "svc/scim_push.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "crypto/token.h"
#include "signer/signer.h"
#include "store/scim_push.h"
#include "svc/audit.h"

#define TARGETS_PER_RUN 200
#define LEASE_TTL       600 /* a push run of one environment outlives no request timeout */
#define SEAL_PURPOSE    "scim-token"

static const char *const group_names[ASG_PRIV__MAX] = {
    [ASG_PRIV_ADMIN] = SCIM_GROUP_ADMIN, [ASG_PRIV_GENERAL] = SCIM_GROUP_GENERAL};

/* One user of the environment: desired (d), pushed (l), queued (q). */
struct pu {
	const char *key; /* account id */
	const struct scim_desired *d;
	const struct scim_link *l;
	const struct scim_qentry *q;
	int want_active;
	const char *want_group; /* NULL: member of none */
	char hash[SHA256_HEX_SIZE];
	const char *remote_id;
	const char *pushed_group;
	int push, drifted, failed, touched;
	const char *error;
};

struct grp {
	const char *name;
	const struct scim_link *l;
	const char *remote_id;
	int failed, touched;
	const char *error;
};

struct run {
	const struct env *env;
	const struct scim_push_opts *o;
	struct scim_push_report *rep;
	struct arena *a;
	const char *env_id;
	int64_t now, read_at;
	struct scim_target t;
	struct scim_desired *d;
	size_t nd;
	struct scim_link *l;
	size_t nl;
	struct scim_qentry *q;
	size_t nq;
	struct pu *u;
	size_t nu;
	struct grp g[ASG_PRIV__MAX];
	int env_due;    /* an "env" queue entry is due: every user is re-asserted */
	int drift;      /* the drift check ran */
	struct buf fix; /* what was corrected, one line each */
	const char *env_error;
	struct scim_client c;
};

static char owner_id[64];

static void note(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct run *r, const char *fmt, ...)
{
	if (!r->o->note)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->o->note(r->o->note_ctx, r->env_id, line);
}

static void corrected(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void corrected(struct run *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->fix.len)
		buf_puts(&r->fix, "; ");
	buf_puts(&r->fix, line);
	r->rep->corrected++;
	if (r->o->note)
		r->o->note(r->o->note_ctx, r->env_id, line);
}

static const char *err_text(struct run *r, enum gcas_err e)
{
	if (r->c.err.status)
		return arena_printf(r->a, "HTTP %ld%s%s: %s", r->c.err.status,
		                    r->c.err.scim_type[0] ? " " : "", r->c.err.scim_type,
		                    r->c.err.detail);
	return arena_printf(r->a, "%s: %s", gcas_err_name(e), r->c.err.detail);
}

/* ---- reading ---- */

static int cmp_link(const void *x, const void *y)
{
	const struct scim_link *a = x, *b = y;
	int k = strcmp(a->kind, b->kind);
	return k ? k : strcmp(a->local_key, b->local_key);
}

static int cmp_desired(const void *x, const void *y)
{
	return strcmp(((const struct scim_desired *)x)->account_id,
	              ((const struct scim_desired *)y)->account_id);
}

static enum gcas_err read_tx(struct db *db, void *ctx)
{
	struct run *r = ctx;
	enum gcas_err e = store_scim_target_get(db, r->a, r->env_id, &r->t);
	if (!e)
		e = store_scim_desired_users(db, r->a, r->env_id, &r->d, &r->nd);
	if (!e)
		e = store_scim_link_list(db, r->a, r->env_id, &r->l, &r->nl);
	if (!e)
		e = store_scim_queue_list(db, r->a, r->env_id, &r->q, &r->nq);
	return e;
}

static const struct scim_link *find_link(struct run *r, const char *kind, const char *key)
{
	struct scim_link k = {.kind = kind, .local_key = key};
	return r->nl ? bsearch(&k, r->l, r->nl, sizeof(*r->l), cmp_link) : NULL;
}

static const struct scim_qentry *find_q(struct run *r, const char *op, const char *key)
{
	for (size_t i = 0; i < r->nq; i++)
		if (strcmp(r->q[i].op, op) == 0 && strcmp(r->q[i].key, key) == 0)
			return &r->q[i];
	return NULL;
}

/* The attributes a user is pushed with; the hash of them decides whether anything changed. */
static void user_of(const struct pu *p, struct arena *a, struct scim_user *u)
{
	*u = (struct scim_user){.active = p->want_active};
	if (!p->d)
		return; /* only "active": false is sent for someone no longer assigned */
	u->user_name = p->d->email;
	u->external_id = p->d->account_id;
	u->given_name = p->d->given_name;
	u->family_name = p->d->family_name;
	u->email = p->d->email;
	u->display_name = arena_printf(a, "%s %s", p->d->family_name, p->d->given_name);
}

static void hash_user(struct pu *p, struct arena *a)
{
	struct scim_user u;
	user_of(p, a, &u);
	const char *s =
	    arena_printf(a, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d",
	                 u.user_name ? u.user_name : "", u.external_id ? u.external_id : "",
	                 u.display_name ? u.display_name : "", u.given_name ? u.given_name : "",
	                 u.family_name ? u.family_name : "", u.email ? u.email : "", u.active);
	if (!s || sha256_hex(s, strlen(s), p->hash))
		p->hash[0] = '\0';
}

/* Desired and pushed users merged by account id (both sorted). */
static enum gcas_err build_users(struct run *r)
{
	size_t nlu = 0, first = r->nl;
	for (size_t i = 0; i < r->nl; i++)
		if (strcmp(r->l[i].kind, "user") == 0) {
			nlu++;
			if (first == r->nl)
				first = i;
		}
	r->u = arena_alloc(r->a, (r->nd + nlu + 1) * sizeof(*r->u));
	if (!r->u)
		return GCAS_ERR_NOMEM;
	/* 'closing' is still in use: its users go when it closes. */
	int env_open = r->t.state == ENV_ACTIVE || r->t.state == ENV_CLOSING;
	size_t i = 0, j = first, end = first + nlu;
	while (i < r->nd || j < end) {
		int c = i >= r->nd ? 1
		        : j >= end ? -1
		                   : strcmp(r->d[i].account_id, r->l[j].local_key);
		struct pu *p = &r->u[r->nu++];
		*p = (struct pu){0};
		if (c <= 0)
			p->d = &r->d[i++];
		if (c >= 0)
			p->l = &r->l[j++];
		p->key = p->d ? p->d->account_id : p->l->local_key;
		p->want_active = p->d && env_open && p->d->status == ACCOUNT_ACTIVE;
		p->want_group = p->want_active ? group_names[p->d->priv] : NULL;
		p->remote_id = p->l ? p->l->remote_id : NULL;
		p->pushed_group = p->l ? p->l->pushed_group : NULL;
		p->q = find_q(r, "user", p->key);
		hash_user(p, r->a);
	}
	return GCAS_OK;
}

static int streq0(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Backing off (a retry not yet due) or given up: left alone until it is due or re-queued. */
static int held(const struct run *r, const struct pu *p)
{
	if (!p->q)
		return 0;
	return strcmp(p->q->state, "failed") == 0 || p->q->next_attempt_at > r->now;
}

/* ---- groups ---- */

static enum gcas_err ensure_group(struct run *r, struct grp *g)
{
	struct scim_group sg;
	if (g->remote_id)
		return GCAS_OK;
	enum gcas_err e = scim_group_find(&r->c, r->a, g->name, &sg);
	if (e == GCAS_ERR_NOTFOUND) {
		e = scim_group_create(&r->c, r->a, g->name, &sg);
		if (!e) {
			r->rep->groups_created++;
			note(r, "created group %s", g->name);
		}
	}
	if (e) {
		g->failed = 1;
		g->error = err_text(r, e);
		return e;
	}
	g->remote_id = sg.id;
	g->touched = 1;
	return GCAS_OK;
}

/* ---- drift ---- */

static void drift_check_failed(struct run *r, enum gcas_err e)
{
	/* A read that failed says nothing about the store: noted on the environment, and the
	 * next check tries again. */
	r->env_error = arena_printf(r->a, "drift check: %s", err_text(r, e));
}

static int user_differs(const struct scim_user *want, const struct scim_user *got)
{
	if (want->active != got->active)
		return 1;
	if (!want->user_name)
		return 0;
	return !streq0(want->user_name, got->user_name) ||
	       !streq0(want->given_name, got->given_name) ||
	       !streq0(want->family_name, got->family_name) || !streq0(want->email, got->email) ||
	       !streq0(want->display_name, got->display_name);
}

static void drift_user(struct run *r, struct pu *p)
{
	struct scim_user want, got;
	if (!p->remote_id || held(r, p))
		return;
	enum gcas_err e = scim_user_get(&r->c, r->a, p->remote_id, &got);
	if (e == GCAS_ERR_NOTFOUND) {
		/* Gone at the CSP: recreate it if it should be there; forget it otherwise. */
		p->remote_id = NULL;
		p->pushed_group = NULL;
		p->drifted = 1;
		if (p->want_active)
			corrected(r, "user %s was deleted at the CSP: created again",
			          p->d ? p->d->email : p->key);
		return;
	}
	if (e) {
		drift_check_failed(r, e);
		return;
	}
	user_of(p, r->a, &want);
	if (!user_differs(&want, &got))
		return;
	p->drifted = 1;
	corrected(r, "user %s differed at the CSP (%s): replaced", p->d ? p->d->email : p->key,
	          want.active != got.active ? "active" : "name or email");
}

static struct pu *user_by_remote(struct run *r, const char *remote_id)
{
	for (size_t i = 0; i < r->nu; i++)
		if (r->u[i].remote_id && strcmp(r->u[i].remote_id, remote_id) == 0)
			return &r->u[i];
	return NULL;
}

/* Extra members found by either check leave the group at once. */
static void remove_extra(struct run *r, struct grp *g, const char **extra, size_t nextra)
{
	enum gcas_err e;
	if (nextra && (e = scim_group_members(&r->c, g->remote_id, NULL, 0, extra, nextra))) {
		g->failed = 1;
		g->error = err_text(r, e);
	}
	r->rep->member_changes += (int64_t)nextra;
}

/* A member gcas pushed that the store no longer has is added again (pushed_group cleared). */
static void member_missing(struct run *r, struct pu *p, const struct grp *g)
{
	p->pushed_group = NULL;
	corrected(r, "%s was missing from group %s: added again", p->d ? p->d->email : p->key,
	          g->name);
}

/* A member the group should not have, unless it is about to be added anyway. 1: remove it. */
static int member_extra(struct run *r, const struct pu *p, const struct grp *g, const char *id)
{
	if (p && streq0(p->pushed_group, g->name))
		return 0;
	if (p && streq0(p->want_group, g->name) && !p->pushed_group)
		return 0;
	corrected(r, "%s was an extra member of group %s: removed", p && p->d ? p->d->email : id,
	          g->name);
	return 1;
}

/* A store that lists members: those missing are added again, the others removed. */
static void drift_listed(struct run *r, struct grp *g, const struct scim_group *sg)
{
	for (size_t i = 0; i < r->nu; i++) {
		struct pu *p = &r->u[i];
		if (!p->remote_id || !streq0(p->pushed_group, g->name))
			continue;
		int found = 0;
		for (size_t k = 0; k < sg->nmembers && !found; k++)
			found = strcmp(sg->members[k], p->remote_id) == 0;
		if (!found)
			member_missing(r, p, g);
	}
	const char **extra = arena_alloc(r->a, (sg->nmembers + 1) * sizeof(*extra));
	size_t nextra = 0;
	for (size_t k = 0; extra && k < sg->nmembers; k++)
		if (member_extra(r, user_by_remote(r, sg->members[k]), g, sg->members[k]))
			extra[nextra++] = sg->members[k];
	remove_extra(r, g, extra, nextra);
}

/* A group read with no members in it (AWS IAM Identity Center answers every group with an
 * empty list, or none): each user gcas manages there is asked about with the membership
 * filter, one request per user and group. Members gcas never pushed cannot be seen this way;
 * AWS offers no listing of them. A store that refuses the filter at the first question keeps
 * its (empty) list as the truth, when it gave one. */
static void drift_probed(struct run *r, struct grp *g, const struct scim_group *sg)
{
	const char **extra = arena_alloc(r->a, (r->nu + 1) * sizeof(*extra));
	size_t nextra = 0;
	int asked = 0;
	for (size_t i = 0; extra && i < r->nu; i++) {
		struct pu *p = &r->u[i];
		int is = 0;
		if (!p->remote_id)
			continue;
		enum gcas_err e =
		    scim_group_has_member(&r->c, r->a, g->remote_id, p->remote_id, &is);
		if (e == GCAS_ERR_INVALID && !asked) {
			if (sg->members_known)
				drift_listed(r, g, sg);
			return;
		}
		if (e) {
			drift_check_failed(r, e);
			return;
		}
		asked = 1;
		if (!is && streq0(p->pushed_group, g->name))
			member_missing(r, p, g);
		else if (is && member_extra(r, p, g, p->remote_id))
			extra[nextra++] = p->remote_id;
	}
	remove_extra(r, g, extra, nextra);
}

static void drift_group(struct run *r, struct grp *g)
{
	struct scim_group sg;
	if (!g->remote_id)
		return;
	enum gcas_err e = scim_group_get(&r->c, r->a, g->remote_id, &sg);
	if (e == GCAS_ERR_NOTFOUND) {
		corrected(r, "group %s was deleted at the CSP: created again", g->name);
		g->remote_id = NULL;
		for (size_t i = 0; i < r->nu; i++)
			if (streq0(r->u[i].pushed_group, g->name))
				r->u[i].pushed_group = NULL;
		ensure_group(r, g);
		return;
	}
	if (e) {
		drift_check_failed(r, e);
		return;
	}
	if (sg.members_known && sg.nmembers)
		drift_listed(r, g, &sg);
	else
		drift_probed(r, g, &sg);
}

/* ---- pushing users ---- */

/* Create first (one request for a new user); a 409 means it is already there — made by an
 * earlier run that lost its answer, or by hand — and it is found by userName and adopted. */
static enum gcas_err create_user(struct run *r, struct pu *p, const struct scim_user *u)
{
	struct scim_user got;
	enum gcas_err e = scim_user_create(&r->c, r->a, u, &got);
	if (!e) {
		p->remote_id = got.id;
		r->rep->users_created++;
		note(r, "created user %s", u->user_name);
		return GCAS_OK;
	}
	if (e != GCAS_ERR_CONFLICT)
		return e;
	if ((e = scim_user_find(&r->c, r->a, u->user_name, &got)))
		return e;
	p->remote_id = got.id;
	if ((e = scim_user_patch(&r->c, got.id, u)))
		return e;
	r->rep->users_updated++;
	note(r, "adopted user %s", u->user_name);
	return GCAS_OK;
}

static void push_user(struct run *r, struct pu *p)
{
	struct scim_user u;
	enum gcas_err e = GCAS_OK;
	user_of(p, r->a, &u);
	p->touched = 1;
	if (p->remote_id) {
		e = scim_user_patch(&r->c, p->remote_id, &u);
		if (e == GCAS_ERR_NOTFOUND) {
			p->remote_id = NULL;
			p->pushed_group = NULL;
			e = GCAS_OK;
		} else if (!e) {
			*(p->want_active ? &r->rep->users_updated : &r->rep->users_deactivated) +=
			    1;
			note(r, "%s user %s", p->want_active ? "updated" : "deactivated",
			     u.user_name ? u.user_name : p->key);
			return;
		}
	}
	if (!e && !p->remote_id && p->want_active)
		e = create_user(r, p, &u);
	if (e) {
		p->failed = 1;
		p->error = err_text(r, e);
	}
}

static int needs_push(const struct run *r, const struct pu *p)
{
	if (p->drifted || r->env_due || (p->q && !held(r, p)))
		return 1;
	if (!p->l)
		return p->want_active;
	if (!p->remote_id)
		return p->want_active;
	return strcmp(p->l->state, "pushed") != 0 || !streq0(p->l->pushed_hash, p->hash);
}

/* Adds and removes of group g for users not failed, in PATCHes of at most 100. */
static void push_members(struct run *r, struct grp *g)
{
	const char **add = arena_alloc(r->a, (r->nu + 1) * sizeof(*add));
	const char **rem = arena_alloc(r->a, (r->nu + 1) * sizeof(*rem));
	size_t na = 0, nr = 0;
	if (!add || !rem)
		return;
	for (size_t i = 0; i < r->nu; i++) {
		struct pu *p = &r->u[i];
		if (p->failed || !p->remote_id || held(r, p))
			continue;
		int want = streq0(p->want_group, g->name), has = streq0(p->pushed_group, g->name);
		if (want && !has)
			add[na++] = p->remote_id;
		else if (!want && has)
			rem[nr++] = p->remote_id;
	}
	if (!na && !nr)
		return;
	if (!g->remote_id) {
		g->failed = 1;
		g->error = g->error ? g->error : "the group could not be made";
	} else {
		enum gcas_err e = scim_group_members(&r->c, g->remote_id, add, na, rem, nr);
		if (e) {
			g->failed = 1;
			g->error = err_text(r, e);
		} else {
			r->rep->member_changes += (int64_t)(na + nr);
			note(r, "group %s: %zu added, %zu removed", g->name, na, nr);
		}
	}
	for (size_t i = 0; i < r->nu; i++) {
		struct pu *p = &r->u[i];
		if (p->failed || !p->remote_id || held(r, p))
			continue;
		int want = streq0(p->want_group, g->name), has = streq0(p->pushed_group, g->name);
		if (want == has)
			continue;
		p->touched = 1;
		if (g->failed) {
			p->failed = 1;
			p->error = g->error;
			continue;
		}
		p->pushed_group = want ? g->name : NULL;
	}
}

/* ---- recording ---- */

static const struct pu *find_user(const struct run *r, const char *key)
{
	for (size_t i = 0; i < r->nu; i++)
		if (strcmp(r->u[i].key, key) == 0)
			return &r->u[i];
	return NULL;
}

static int64_t backoff(int64_t attempts)
{
	int64_t d = SCIM_RETRY_BASE;
	for (int64_t i = 1; i < attempts && d < 86400; i++)
		d *= 2;
	return d;
}

static enum gcas_err record_user(struct db *db, struct run *r, struct pu *p)
{
	enum gcas_err e;
	struct scim_link l = {.environment_id = r->env_id,
	                      .kind = "user",
	                      .local_key = p->key,
	                      .remote_id = p->remote_id,
	                      .pushed_hash = p->l ? p->l->pushed_hash : NULL,
	                      .pushed_group = p->pushed_group,
	                      .state = p->l ? p->l->state : "pending",
	                      .last_error = NULL,
	                      .checked_at = r->drift ? r->now : (p->l ? p->l->checked_at : 0),
	                      .updated_at = r->now};
	if (!p->touched && !p->failed) {
		/* Only read back by the drift check (nothing sent): the link keeps what it says. */
		l = *p->l;
		l.checked_at = r->now;
		return store_scim_link_put(db, &l);
	}
	if (!p->failed) {
		if (!p->remote_id && !p->want_active) { /* nothing of it left at the CSP */
			if ((e = store_scim_link_delete(db, r->env_id, "user", p->key)))
				return e;
			return p->q ? store_scim_queue_done(db, r->env_id, "user", p->key,
			                                    r->read_at)
			            : GCAS_OK;
		}
		l.pushed_hash = p->hash;
		l.state = "pushed";
		if ((e = store_scim_link_put(db, &l)))
			return e;
		return p->q ? store_scim_queue_done(db, r->env_id, "user", p->key, r->read_at)
		            : GCAS_OK;
	}
	/* A failure: the queue entry counts the attempt (one is made for drift-found work). */
	struct scim_qentry q = {.environment_id = r->env_id, .op = "user", .key = p->key};
	if (!p->q && (e = store_scim_queue_add(db, r->env_id, "user", p->key, r->now)))
		return e;
	q.attempts = (p->q ? p->q->attempts : 0) + 1;
	q.last_error = p->error;
	q.state = q.attempts >= SCIM_MAX_ATTEMPTS ? "failed" : "pending";
	q.next_attempt_at = r->now + backoff(q.attempts);
	l.state = q.attempts >= SCIM_MAX_ATTEMPTS ? "failed" : l.state;
	l.last_error = p->error;
	if ((e = store_scim_queue_update(db, &q)))
		return e;
	r->rep->failures++;
	return store_scim_link_put(db, &l);
}

static enum gcas_err record_tx(struct db *db, void *ctx)
{
	struct run *r = ctx;
	enum gcas_err e = GCAS_OK;
	for (size_t i = 0; !e && i < ASG_PRIV__MAX; i++) {
		struct grp *g = &r->g[i];
		if (!g->touched || !g->remote_id)
			continue;
		struct scim_link l = {.environment_id = r->env_id,
		                      .kind = "group",
		                      .local_key = g->name,
		                      .remote_id = g->remote_id,
		                      .state = g->failed ? "failed" : "pushed",
		                      .last_error = g->failed ? g->error : NULL,
		                      .checked_at = r->drift ? r->now : 0,
		                      .updated_at = r->now};
		e = store_scim_link_put(db, &l);
	}
	for (size_t i = 0; !e && i < r->nu; i++)
		if (r->u[i].touched || r->u[i].failed || (r->drift && r->u[i].l))
			e = record_user(db, r, &r->u[i]);
	/* Queued for someone neither assigned nor ever pushed (assigned and revoked before a
	 * push): nothing to send. */
	for (size_t i = 0; !e && i < r->nq; i++)
		if (strcmp(r->q[i].op, "user") == 0 && !find_user(r, r->q[i].key))
			e = store_scim_queue_done(db, r->env_id, "user", r->q[i].key, r->read_at);
	const struct scim_qentry *envq = find_q(r, "env", "*");
	if (!e && envq && r->env_due && !r->env_error)
		e = store_scim_queue_done(db, r->env_id, "env", "*", r->read_at);
	else if (!e && envq && r->env_due) {
		/* The whole environment failed (no token, no answer): retried with backoff too. */
		struct scim_qentry q = *envq;
		q.attempts++;
		q.state = q.attempts >= SCIM_MAX_ATTEMPTS ? "failed" : "pending";
		q.next_attempt_at = r->now + backoff(q.attempts);
		q.lease_until = 0;
		q.last_error = r->env_error;
		e = store_scim_queue_update(db, &q);
	}
	if (e)
		return e;
	const char *fix = r->drift ? (r->fix.data ? r->fix.data : "") : NULL;
	if ((e = store_scim_sync_put(db, r->env_id, r->now, r->drift ? r->now : 0, r->env_error,
	                             fix)))
		return e;
	if (!r->fix.len)
		return GCAS_OK;
	/* What drift was corrected is part of the record of who could enter what (R6.4). */
	struct actor sys = actor_system("scim_push");
	const char *detail = audit_json(r->a, "corrected", r->fix.data, NULL);
	struct audit_event ev = {"scim.drift_corrected", "environment", r->env_id,
	                         r->t.agency_id,         NULL,          detail};
	return detail ? audit_append(db, r->a, &sys, &ev) : GCAS_ERR_NOMEM;
}

/* ---- one environment ---- */

struct lease_ctx {
	const char *name;
	int64_t now, until;
};

static enum gcas_err lease_tx(struct db *db, void *ctx)
{
	struct lease_ctx *c = ctx;
	return store_job_lease(db, c->name, owner_id, c->now, c->until);
}

/* Every due user (and the groups) failed for the same reason (no token, no transport). */
static void fail_all(struct run *r, const char *why)
{
	r->env_error = why;
	for (size_t i = 0; i < r->nu; i++) {
		struct pu *p = &r->u[i];
		if (!held(r, p) && needs_push(r, p)) {
			p->failed = 1;
			p->error = why;
		}
	}
}

static void push_env_body(struct run *r)
{
	int env_open = r->t.state == ENV_ACTIVE || r->t.state == ENV_CLOSING;
	int any_member = 0;
	for (size_t i = 0; i < r->nu; i++)
		any_member |= r->u[i].want_group != NULL || r->u[i].pushed_group != NULL;
	for (size_t i = 0; env_open && i < ASG_PRIV__MAX; i++)
		if (any_member || r->nu)
			ensure_group(r, &r->g[i]);
	int64_t interval = r->env->cfg->scim_interval > 0 ? r->env->cfg->scim_interval : 60;
	r->drift = env_open &&
	           (r->o->force || !r->t.last_drift_at || r->now - r->t.last_drift_at >= interval);
	for (size_t i = 0; r->drift && i < r->nu; i++)
		drift_user(r, &r->u[i]);
	for (size_t i = 0; r->drift && i < ASG_PRIV__MAX; i++)
		drift_group(r, &r->g[i]);
	for (size_t i = 0; i < r->nu; i++) {
		struct pu *p = &r->u[i];
		if (!p->failed && !held(r, p) && needs_push(r, p))
			push_user(r, p);
	}
	for (size_t i = 0; i < ASG_PRIV__MAX; i++)
		push_members(r, &r->g[i]);
}

static enum gcas_err push_env(const struct env *env, const struct scim_push_opts *o,
                              struct scim_push_report *rep, const char *env_id)
{
	struct run *r = NULL;
	struct scim_transport *own = NULL;
	struct arena *a = arena_new(0);
	enum gcas_err e = a ? GCAS_OK : GCAS_ERR_NOMEM;
	int64_t now = clock_now();
	struct lease_ctx lc = {NULL, now, now + LEASE_TTL};
	if (!e && !(lc.name = arena_printf(a, "scim_push:%s", env_id)))
		e = GCAS_ERR_NOMEM;
	if (!e && (e = store_tx(env->st, lease_tx, &lc)) == GCAS_ERR_CONFLICT) {
		e = GCAS_OK; /* another node is pushing it */
		goto out;
	}
	if (e || !(r = arena_alloc(a, sizeof(*r)))) {
		e = e ? e : GCAS_ERR_NOMEM;
		goto out;
	}
	*r = (struct run){
	    .env = env, .o = o, .rep = rep, .a = a, .env_id = env_id, .now = now, .read_at = now};
	buf_init(&r->fix, 64 * 1024);
	for (size_t i = 0; i < ASG_PRIV__MAX; i++)
		r->g[i].name = group_names[i];
	if ((e = store_run(env->st, read_tx, r)))
		goto out_lease;
	if (r->nl)
		qsort(r->l, r->nl, sizeof(*r->l), cmp_link);
	if (r->nd)
		qsort(r->d, r->nd, sizeof(*r->d), cmp_desired);
	for (size_t i = 0; i < ASG_PRIV__MAX; i++) {
		r->g[i].l = find_link(r, "group", r->g[i].name);
		r->g[i].remote_id = r->g[i].l ? r->g[i].l->remote_id : NULL;
	}
	const struct scim_qentry *envq = find_q(r, "env", "*");
	r->env_due = envq && strcmp(envq->state, "pending") == 0 && envq->next_attempt_at <= now;
	if ((e = build_users(r)))
		goto out_lease;
	rep->environments++;
	char *token = NULL;
	size_t tlen = 0;
	if (!env->signer || !r->t.scim_token_sealed ||
	    signer_unseal(env->signer, a, SEAL_PURPOSE, r->t.scim_token_sealed, &token, &tlen)) {
		fail_all(r, "the SCIM bearer token cannot be unsealed (keys key_file)");
	} else if (!o->transport && !(own = scim_transport_curl_new(env->cfg->scim_timeout))) {
		fail_all(r, "libcurl could not start");
	} else {
		scim_client_init(&r->c, o->transport ? o->transport : own, r->t.scim_url, token);
		push_env_body(r);
		rep->requests += r->c.requests;
	}
	if (token)
		explicit_bzero(token, tlen);
	e = store_tx(env->st, record_tx, r);
	if (e)
		log_msg(LOG_ERROR, "scim push: cannot record the outcome", "environment", env_id,
		        "error", gcas_err_name(e), NULL);
out_lease:
	/* Hand the lease back at once: the next run (on any node) need not wait for it. */
	lc.until = clock_now() - 1;
	store_tx(env->st, lease_tx, &lc);
out:
	scim_transport_free(own);
	if (r)
		buf_free(&r->fix);
	arena_free(a);
	return e;
}

struct due_ctx {
	struct arena *a;
	int64_t now, synced_before;
	const char *after;
	const char **ids;
	size_t n;
};

static enum gcas_err due_tx(struct db *db, void *ctx)
{
	struct due_ctx *c = ctx;
	return store_scim_targets_due(db, c->a, c->now, c->synced_before, c->after, TARGETS_PER_RUN,
	                              &c->ids, &c->n);
}

static void set_owner(void)
{
	if (owner_id[0])
		return;
	char host[40] = "node";
	gethostname(host, sizeof(host) - 1);
	snprintf(owner_id, sizeof(owner_id), "%.32s-%d-scim", host, (int)getpid());
}

static void report_add(struct scim_push_report *to, const struct scim_push_report *r)
{
	to->environments += r->environments;
	to->requests += r->requests;
	to->users_created += r->users_created;
	to->users_updated += r->users_updated;
	to->users_deactivated += r->users_deactivated;
	to->groups_created += r->groups_created;
	to->member_changes += r->member_changes;
	to->corrected += r->corrected;
	to->failures += r->failures;
}

/* Environments are independent (each its own lease, connection and records), so a batch is
 * shared among workers that take the next id in turn. */
struct batch {
	const struct env *env;
	const struct scim_push_opts *o;
	struct scim_push_report *rep;
	const char **ids;
	size_t n, next;
	enum gcas_err err;
	pthread_mutex_t mu;
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		size_t i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= b->n)
			return NULL;
		struct scim_push_report r = {0};
		enum gcas_err one = push_env(b->env, b->o, &r, b->ids[i]);
		if (one)
			log_msg(LOG_WARN, "scim push failed", "environment", b->ids[i], "error",
			        gcas_err_name(one), NULL);
		pthread_mutex_lock(&b->mu);
		report_add(b->rep, &r);
		if (one == GCAS_ERR_NOMEM || one == GCAS_ERR_DB)
			b->err = one;
		pthread_mutex_unlock(&b->mu);
	}
}

static enum gcas_err run_batch(const struct env *env, const struct scim_push_opts *o,
                               struct scim_push_report *rep, const char **ids, size_t n)
{
	pthread_t th[SCIM_WORKERS_MAX];
	struct batch b = {env, o, rep, ids, n, 0, GCAS_OK, PTHREAD_MUTEX_INITIALIZER};
	int want = o->workers < 1                  ? 1
	           : o->workers > SCIM_WORKERS_MAX ? SCIM_WORKERS_MAX
	                                           : o->workers;
	int started = 0;
	for (int i = 1; i < want && (size_t)i < n; i++)
		if (pthread_create(&th[started], NULL, batch_worker, &b) == 0)
			started++;
	batch_worker(&b); /* this thread works too */
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&b.mu);
	return b.err;
}

enum gcas_err svc_scim_push_run(const struct env *env, const struct scim_push_opts *o,
                                struct scim_push_report *rep)
{
	static const struct scim_push_opts none = {0};
	struct scim_push_report tmp;
	o = o ? o : &none;
	rep = rep ? rep : &tmp;
	*rep = (struct scim_push_report){0};
	set_owner();
	if (o->only_env)
		return push_env(env, o, rep, o->only_env);
	int64_t start = clock_now();
	int64_t interval = env->cfg->scim_interval > 0 ? env->cfg->scim_interval : 60;
	/* force: every open environment (its last sync is before now + 1, whatever it is). The
	 * environments are walked once in id order, a batch at a time. */
	int64_t synced_before = o->force ? start + 1 : start - interval;
	char after[40] = "";
	enum gcas_err e = GCAS_OK;
	for (;;) {
		struct due_ctx c = {arena_new(0), clock_now(), synced_before, after, NULL, 0};
		e = c.a ? store_run(env->st, due_tx, &c) : GCAS_ERR_NOMEM;
		if (!e && c.n)
			e = run_batch(env, o, rep, c.ids, c.n);
		size_t n = c.n;
		if (n)
			str_copy(after, sizeof(after), c.ids[n - 1]);
		arena_free(c.a);
		if (e || n < TARGETS_PER_RUN)
			break;
	}
	return e;
}

enum gcas_err svc_scim_push_job(const struct env *env, int64_t *count)
{
	struct scim_push_report rep;
	enum gcas_err e = svc_scim_push_run(env, NULL, &rep);
	*count = rep.environments;
	return e;
}

/* ---- status for the pages ---- */

struct status_ctx {
	struct arena *a;
	const char *id;
	struct scim_target t;
	struct scim_link *l;
	size_t nl;
	struct scim_qentry *q;
	size_t nq;
};

static enum gcas_err status_tx(struct db *db, void *ctx)
{
	struct status_ctx *c = ctx;
	enum gcas_err e = store_scim_target_get(db, c->a, c->id, &c->t);
	if (!e)
		e = store_scim_link_list(db, c->a, c->id, &c->l, &c->nl);
	if (!e)
		e = store_scim_queue_list(db, c->a, c->id, &c->q, &c->nq);
	return e;
}

enum gcas_err svc_scim_status(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *environment_id, struct scim_env_status *out)
{
	struct status_ctx c = {.a = a, .id = environment_id};
	*out = (struct scim_env_status){0};
	if (!environment_id || !*environment_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, status_tx, &c);
	if (e)
		return e;
	struct target t = {
	    .org_id = c.t.project_id, .agency_id = c.t.agency_id, .project_id = c.t.project_id};
	if (!policy_allows(&ac->subj, ACT_ASSIGN_VIEW, &t))
		return audit_denied(env, ac, ACT_ASSIGN_VIEW, "environment", c.t.id, c.t.agency_id);
	out->has_target = c.t.scim_url && *c.t.scim_url;
	out->last_sync_at = c.t.last_sync_at;
	out->last_drift_at = c.t.last_drift_at;
	out->last_error = c.t.last_error;
	out->corrected = c.t.corrected;
	out->users = arena_alloc(a, (c.nl + c.nq + 1) * sizeof(*out->users));
	if (!out->users)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < c.nl; i++) {
		if (strcmp(c.l[i].kind, "user") != 0)
			continue;
		struct scim_user_status *s = &out->users[out->n++];
		*s = (struct scim_user_status){
		    .account_id = c.l[i].local_key,
		    .state = strcmp(c.l[i].state, "pushed") == 0   ? SCIM_ST_PUSHED
		             : strcmp(c.l[i].state, "failed") == 0 ? SCIM_ST_FAILED
		                                                   : SCIM_ST_PENDING,
		    .error = c.l[i].last_error,
		    .checked_at = c.l[i].checked_at};
	}
	/* A queue entry overrides: queued work is pending, given-up work failed. */
	for (size_t i = 0; i < c.nq; i++) {
		if (strcmp(c.q[i].op, "user") != 0)
			continue;
		struct scim_user_status *s =
		    (struct scim_user_status *)svc_scim_status_of(out, c.q[i].key);
		if (!s) {
			s = &out->users[out->n++];
			*s = (struct scim_user_status){.account_id = c.q[i].key};
		}
		s->state = strcmp(c.q[i].state, "failed") == 0 ? SCIM_ST_FAILED : SCIM_ST_PENDING;
		s->error = c.q[i].last_error;
		s->attempts = c.q[i].attempts;
		s->next_attempt_at = c.q[i].next_attempt_at;
	}
	return GCAS_OK;
}

const struct scim_user_status *svc_scim_status_of(const struct scim_env_status *st,
                                                  const char *account_id)
{
	for (size_t i = 0; account_id && i < st->n; i++)
		if (strcmp(st->users[i].account_id, account_id) == 0)
			return &st->users[i];
	return NULL;
}

/* ---- target (CLI, tests) ---- */

struct target_ctx {
	const char *id, *url, *sealed;
};

static enum gcas_err target_tx(struct db *db, void *ctx)
{
	struct target_ctx *c = ctx;
	enum gcas_err e = store_scim_target_set(db, c->id, c->url, c->sealed);
	if (e)
		return e;
	return store_scim_queue_add(db, c->id, "env", "*", clock_now());
}

enum gcas_err svc_scim_target_set(const struct env *env, const struct actor *ac,
                                  const char *environment_id, const char *url, const char *token)
{
	if (!ac->subj.is_system)
		return GCAS_ERR_DENIED;
	if (!env->signer)
		return GCAS_ERR_CRYPTO;
	struct arena *a = arena_new(0);
	char *sealed = NULL;
	enum gcas_err e = a ? GCAS_OK : GCAS_ERR_NOMEM;
	if (!e && token)
		e = signer_seal(env->signer, a, SEAL_PURPOSE, token, strlen(token), &sealed);
	struct target_ctx c = {environment_id, url, sealed};
	if (!e)
		e = store_tx(env->st, target_tx, &c);
	arena_free(a);
	return e;
}
