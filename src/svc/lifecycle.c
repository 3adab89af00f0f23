/* SPDX-License-Identifier: MIT */
/* What happens to accounts over time: the inactivity sweep (R2.4, 別表1), departures (R2.6) and
 * organisations ending their use (R2.9). The sweeps work in batches of BATCH accounts, one
 * transaction each, so memory stays flat over a million accounts and a failure loses one batch;
 * every change is a conditional UPDATE (store/stmt_lifecycle.h), so a sweep run twice, or on two
 * nodes at once, disables and mails each account once. The inactivity sweep changes, audits
 * and mails a batch with a handful of statements (one round trip each on PostgreSQL), walks by
 * agency so each manager gets one digest per sweep, and the person still gets their own mail. */
#include "svc/lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/str.h"
#include "core/calendar.h"
#include "store/lifecycle.h"
#include "store/outbox.h"
#include "svc/accounts.h"
#include "svc/applications.h"
#include "svc/audit.h"
#include "svc/calendar.h"
#include "svc/mail.h"

#define BATCH 2000 /* accounts per transaction: fewer commits, memory still flat */
#define DAY   86400

/* ---- mail templates (R5.5: to the address tied to the account) ------------------------------ */

static const struct mail_tmpl tmpl_disabled = {
    "inactivity.disabled", "GCASアカウントを無効にしました（{{days}}日間未使用）",
    "Your GCAS account was disabled ({{days}} days unused)",
    "{{name}} 様\n\nGCASアカウント（{{email}}）は{{days}}日間利用がなかったため、規程 "
    "別表1に基づき無効にしました。\n引き続き利用する場合は、所属の管理者に再有効化の申請を"
    "依頼してください。\n",
    "Dear {{name}},\n\nYour GCAS account ({{email}}) was not used for {{days}} days and has been "
    "disabled under the regulation (appendix 1).\nTo use it again, ask your manager to apply "
    "for it to be re-enabled.\n"};

static const struct mail_tmpl tmpl_warn = {
    "inactivity.warning", "GCASアカウントはあと{{left}}日で無効になります",
    "Your GCAS account will be disabled in {{left}} days",
    "{{name}} 様\n\nGCASアカウント（{{email}}）は最後の利用から{{used}}日が経過しました。"
    "{{days}}日間利用がないアカウントは規程 別表1に基づき無効になります。\n"
    "あと{{left}}日以内にサインインすると、引き続き利用できます。\n",
    "Dear {{name}},\n\nYour GCAS account ({{email}}) has not been used for {{used}} days. "
    "Accounts unused for {{days}} days are disabled under the regulation (appendix 1).\n"
    "Sign in within {{left}} days to keep it.\n"};

/* Managers get one digest per sweep listing their accounts disabled or about to be, not a mail
 * per account: a manager of a hundred people would otherwise receive a hundred mails a day. */
static const struct mail_tmpl tmpl_digest = {
    "inactivity.manager.digest", "管理対象のGCASアカウントの無効化と無効化予告（{{count}}件）",
    "GCAS accounts you manage: disabled or to be disabled ({{count}})",
    "規程 別表1により、{{days}}日間利用がないGCASアカウントは無効になります。管理対象の次の"
    "アカウントを無効にしたか、まもなく無効になります。\n\n{{list}}\n"
    "無効にしたアカウントが引き続き必要な場合は再有効化を、不要な場合は削除を申請して"
    "ください。予告したアカウントは、期限までに本人がサインインすれば引き続き利用できます。\n",
    "Under the regulation (appendix 1), GCAS accounts not used for {{days}} days are disabled. "
    "These accounts you manage have been disabled or will be soon:\n\n{{list_en}}\n"
    "Apply to re-enable a disabled account if it is still needed, or to delete it if not. An "
    "account to be disabled stays usable if its owner signs in before then.\n"};

/* ---- managers ---------------------------------------------------------------------------- */

struct mgr_entry {
	enum role role;
	const char *scope; /* the id the role is narrowed by; "" for the operators; NULL = free */
	struct life_cand *list;
	size_t n;
};

/* Managers looked up during one batch, by (certifying role, scope). A batch holds whole
 * agencies and every scope lies inside one agency, so each scope is asked once per sweep, and
 * the cache lives in the batch's arena (memory stays flat). Open addressing over MGR_SLOTS;
 * once half full, lookups go to the database. */
#define MGR_SLOTS 8192
struct mgr_cache {
	struct mgr_entry *slot;
	size_t n;
};

static size_t str_hash(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211u; /* FNV-1a */
	return (size_t)h;
}

/* The certifying managers of an account (2.2.2, core/application.h role_certifier): the active
 * holders of the certifying role in the account's agency, project team or contractor; the
 * operators for an agency manager. */
static enum gcas_err managers_of(struct db *db, struct arena *a, struct mgr_cache *mc,
                                 const struct life_cand *acc, struct life_cand **out, size_t *n)
{
	int r = role_certifier(acc->role);
	*out = NULL;
	*n = 0;
	if (r < 0)
		return GCAS_OK;
	const char *ag = NULL, *pj = NULL, *org = NULL, *scope = "";
	if (r != ROLE_OPERATOR)
		ag = acc->agency_id;
	if (r == ROLE_AGENCY_MANAGER)
		scope = acc->agency_id;
	else if (r == ROLE_PROJECT_MANAGER)
		scope = pj = acc->project_id;
	else if (r == ROLE_CONTRACTOR_MANAGER)
		scope = org = acc->org_id;
	if (!scope || (r != ROLE_OPERATOR && !ag))
		return GCAS_OK; /* a broken scope must never widen to every holder of the role */
	size_t h = str_hash(1469598103934665603u ^ (uint64_t)r, scope) % MGR_SLOTS;
	struct mgr_entry *slot = NULL;
	for (size_t i = 0; mc->slot && i < MGR_SLOTS; i++) {
		struct mgr_entry *m = &mc->slot[(h + i) % MGR_SLOTS];
		if (!m->scope) {
			slot = m;
			break;
		}
		if (m->role == (enum role)r && strcmp(m->scope, scope) == 0) {
			*out = m->list;
			*n = m->n;
			return GCAS_OK;
		}
	}
	enum gcas_err e = store_life_managers(db, a, (enum role)r, ag, pj, org, out, n);
	if (!e && slot && mc->n < MGR_SLOTS / 2) {
		*slot = (struct mgr_entry){(enum role)r, scope, *out, *n};
		mc->n++;
	}
	return e;
}

/* ---- manager digests ------------------------------------------------------------------- */

struct dline {
	struct dline *next;
	const char *ja, *en;
};

struct digest {
	const struct life_cand *mgr; /* NULL = free slot */
	struct dline *head, **tail;
	size_t n;
};

/* One batch's digests by manager id; flushed into the outbox (same transaction) at the end of the
 * batch, or earlier when half full. */
#define DIGEST_SLOTS    8192
#define DIGEST_LIST_MAX (96u * 1024u) /* per language: the body stays under the mail cap */
struct digests {
	struct digest *slot;
	size_t n;
};

static enum gcas_err digest_add(struct digests *d, struct arena *a, const struct life_cand *mgr,
                                const char *ja, const char *en)
{
	size_t h = str_hash(1469598103934665603u, mgr->id) % DIGEST_SLOTS;
	struct digest *g = NULL;
	for (size_t i = 0; i < DIGEST_SLOTS; i++) {
		struct digest *m = &d->slot[(h + i) % DIGEST_SLOTS];
		if (!m->mgr || strcmp(m->mgr->id, mgr->id) == 0) {
			g = m;
			break;
		}
	}
	struct dline *l = arena_alloc(a, sizeof(*l));
	if (!g || !l)
		return GCAS_ERR_NOMEM;
	if (!g->mgr) {
		*g = (struct digest){.mgr = mgr, .head = NULL};
		g->tail = &g->head;
		d->n++;
	}
	*l = (struct dline){NULL, ja, en};
	*g->tail = l;
	g->tail = &l->next;
	g->n++;
	return GCAS_OK;
}

/* The list of one digest in one language, cut at DIGEST_LIST_MAX with a count of the rest. */
static const char *digest_list(struct arena *a, const struct digest *g, int en)
{
	struct buf b;
	size_t shown = 0;
	buf_init(&b, DIGEST_LIST_MAX + 128);
	for (const struct dline *l = g->head; l; l = l->next) {
		const char *t = en ? l->en : l->ja;
		if (b.len + strlen(t) + 1 > DIGEST_LIST_MAX)
			break;
		buf_puts(&b, t);
		buf_putc(&b, '\n');
		shown++;
	}
	if (shown < g->n)
		buf_printf(&b, en ? "(and %zu more)\n" : "（ほか %zu 件）\n", g->n - shown);
	const char *s = b.failed || !b.data ? NULL : arena_strdup(a, b.data);
	buf_free(&b);
	return s;
}

static enum gcas_err digests_flush(struct db *db, const struct env *env, struct arena *a,
                                   struct digests *d, int days)
{
	struct outbox_msg *m = d->n ? arena_alloc(a, d->n * sizeof(*m)) : NULL;
	size_t k = 0;
	enum gcas_err e = GCAS_OK;
	char sdays[16];
	snprintf(sdays, sizeof(sdays), "%d", days);
	if (d->n && !m)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < DIGEST_SLOTS && !e; i++) {
		struct digest *g = &d->slot[i];
		if (!g->mgr)
			continue;
		const char *ja = digest_list(a, g, 0), *en = digest_list(a, g, 1);
		const char *count = arena_printf(a, "%zu", g->n);
		if (!ja || !en || !count) {
			e = GCAS_ERR_NOMEM;
			break;
		}
		const char *vars[] = {"count", count,     "days", sdays, "list",
		                      ja,      "list_en", en,     NULL};
		e = mail_render(env, a, g->mgr->email, g->mgr->id, &tmpl_digest, vars, &m[k++]);
	}
	if (!e)
		e = store_outbox_insert_many(db, m, k);
	memset(d->slot, 0, DIGEST_SLOTS * sizeof(*d->slot));
	d->n = 0;
	return e;
}

static const char *person_name(struct arena *a, const struct life_cand *c)
{
	return arena_printf(a, "%s %s", c->family_name ? c->family_name : "",
	                    c->given_name ? c->given_name : "");
}

/* Disabling ends access at once, server-side: sessions, API tokens and set-up links. */
static enum gcas_err end_access(struct db *db, const char *id, int64_t now)
{
	enum gcas_err e = store_session_delete_account(db, id);
	if (!e)
		e = store_token_revoke_account(db, id, now);
	if (!e)
		e = store_link_revoke_account(db, id, now);
	return e;
}

/* ---- the inactivity sweep ------------------------------------------------------------------ */

/* What a due account gets: disabled, or the later (3 days) or earlier (14 days) warning. */
enum due_kind { DUE_DISABLE, DUE_LATE, DUE_EARLY, DUE__MAX };

struct sweep {
	const struct env *env;
	struct arena *a;
	const struct actor *ac;
	const struct life_due *due;
	int days;    /* N = cfg.inactivity_days */
	int by_role; /* pass 2: the accounts the operators certify, by last use */
	int64_t now;
	char lo_agency[128]; /* pass 1 keyset (inclusive) */
	int64_t lo_at;       /* pass 2 keyset (inclusive) */
	/* per batch, reset at the start of each (store_tx may run it again) */
	size_t picked;
	int64_t changed, disabled;
	char next_agency[128];
	int64_t next_at;
};

static enum due_kind due_of(const struct life_due *d, int64_t last_active_at)
{
	if (last_active_at <= d->disable_cut)
		return DUE_DISABLE;
	return last_active_at <= d->late_cut ? DUE_LATE : DUE_EARLY;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* One changed account: its own mail, its audit record (disable), and a line in the digest of
 * each of its managers. */
static enum gcas_err sweep_one(struct db *db, struct sweep *s, struct mgr_cache *mc,
                               struct digests *dg, const struct life_cand *c, enum due_kind k,
                               struct outbox_msg *msg, struct audit_event *ev)
{
	int stage = k == DUE_DISABLE ? 0 : k == DUE_LATE ? s->due->late_stage : s->due->early_stage;
	char days[16], used[16], left[16];
	snprintf(days, sizeof(days), "%d", s->days);
	snprintf(used, sizeof(used), "%d", s->days - stage);
	snprintf(left, sizeof(left), "%d", stage);
	const char *name = person_name(s->a, c);
	const char *vars[] = {"name", name, "email", c->email, "days", days,
	                      "used", used, "left",  left,     NULL};
	enum gcas_err e = mail_render(s->env, s->a, c->email, c->id,
	                              k == DUE_DISABLE ? &tmpl_disabled : &tmpl_warn, vars, msg);
	if (e)
		return e;
	const char *ja, *en;
	if (k == DUE_DISABLE) {
		const char *detail =
		    arena_printf(s->a, "{\"days\":%d,\"reason\":\"inactivity\"}", s->days);
		*ev = (struct audit_event){"account.disable", "account", c->id,
		                           c->agency_id,      NULL,      detail};
		ja = arena_printf(s->a, "・%s（%s）: 無効にしました", name, c->email);
		en = arena_printf(s->a, "- %s <%s>: disabled", name, c->email);
	} else {
		ja = arena_printf(s->a, "・%s（%s）: あと%d日で無効になります", name, c->email,
		                  stage);
		en = arena_printf(s->a, "- %s <%s>: to be disabled in %d days", name, c->email,
		                  stage);
	}
	struct life_cand *mgr;
	size_t n;
	if (!ja || !en)
		return GCAS_ERR_NOMEM;
	if ((e = managers_of(db, s->a, mc, c, &mgr, &n)))
		return e;
	for (size_t i = 0; !e && i < n; i++) {
		if (dg->n >= DIGEST_SLOTS / 2)
			e = digests_flush(db, s->env, s->a, dg, s->days);
		if (!e)
			e = digest_add(dg, s->a, &mgr[i], ja, en);
	}
	return e;
}

static enum gcas_err pick(struct db *db, struct sweep *s, struct life_cand **c, size_t *n,
                          size_t *read)
{
	enum gcas_err e =
	    s->by_role ? store_life_inactive_pick_role(db, s->a, s->due, s->lo_at, BATCH, c, n)
	               : store_life_inactive_pick(db, s->a, s->due, s->lo_agency, BATCH, c, n);
	*read = *n;
	if (s->by_role)
		return e;
	/* A full batch ends inside an agency: leave that agency's rows to the next batch so its
	 * managers get one digest (unless the batch is that one agency alone). */
	if (e || *n < BATCH || strcmp((*c)[0].agency_id, (*c)[*n - 1].agency_id) == 0)
		return e;
	const char *last = (*c)[*n - 1].agency_id;
	while (*n > 1 && strcmp((*c)[*n - 1].agency_id, last) == 0)
		(*n)--;
	return GCAS_OK;
}

static enum gcas_err sweep_batch_tx(struct db *db, void *ctx)
{
	struct sweep *s = ctx;
	struct life_cand *c;
	size_t n, full, nid[DUE__MAX] = {0}, nch[DUE__MAX] = {0}, nm = 0, ne = 0;
	const char **ids[DUE__MAX], **ch[DUE__MAX] = {0};
	struct mgr_cache mc = {0};
	struct digests dg = {0};
	static const char reason_fmt[] = "%d日間利用がないため無効化 (規程 別表1)";
	s->picked = 0;
	s->changed = s->disabled = 0;
	enum gcas_err e = pick(db, s, &c, &n, &full);
	if (e || n == 0)
		return e;
	/* The next keyset: pass 1 the agency left to the next batch (or the last), pass 2 the
	 * last row's time. */
	if (str_copy(s->next_agency, sizeof(s->next_agency),
	             c[full - 1].agency_id ? c[full - 1].agency_id : ""))
		return GCAS_ERR_INTERNAL;
	s->next_at = c[n - 1].last_active_at;
	mc.slot = arena_alloc(s->a, MGR_SLOTS * sizeof(*mc.slot));
	dg.slot = arena_alloc(s->a, DIGEST_SLOTS * sizeof(*dg.slot));
	struct outbox_msg *msg = arena_alloc(s->a, n * sizeof(*msg));
	struct audit_event *ev = arena_alloc(s->a, n * sizeof(*ev));
	for (int k = 0; k < DUE__MAX; k++)
		ids[k] = arena_alloc(s->a, n * sizeof(*ids[k]));
	if (!mc.slot || !dg.slot || !msg || !ev || !ids[0] || !ids[1] || !ids[2])
		return GCAS_ERR_NOMEM;
	memset(mc.slot, 0, MGR_SLOTS * sizeof(*mc.slot));
	memset(dg.slot, 0, DIGEST_SLOTS * sizeof(*dg.slot));
	for (size_t i = 0; i < n; i++) {
		enum due_kind k = due_of(s->due, c[i].last_active_at);
		ids[k][nid[k]++] = c[i].id;
	}
	/* One statement per kind; RETURNING says which this node changed (another may have been
	 * first: it then audits and mails those). */
	const char *reason = arena_printf(s->a, reason_fmt, s->days);
	if ((e = store_life_inactive_disable_many(db, s->a, ids[DUE_DISABLE], nid[DUE_DISABLE],
	                                          s->due->disable_cut, reason, s->now,
	                                          &ch[DUE_DISABLE], &nch[DUE_DISABLE])) ||
	    (e = store_life_end_access_many(db, s->a, ch[DUE_DISABLE], nch[DUE_DISABLE], s->now)) ||
	    (e = store_life_inactive_warn_many(db, s->a, ids[DUE_LATE], nid[DUE_LATE],
	                                       s->due->late_cut, s->due->late_stage, &ch[DUE_LATE],
	                                       &nch[DUE_LATE])) ||
	    (e = store_life_inactive_warn_many(db, s->a, ids[DUE_EARLY], nid[DUE_EARLY],
	                                       s->due->early_cut, s->due->early_stage,
	                                       &ch[DUE_EARLY], &nch[DUE_EARLY])))
		return e;
	for (int k = 0; k < DUE__MAX; k++)
		if (nch[k])
			qsort(ch[k], nch[k], sizeof(*ch[k]), cmp_str);
	for (size_t i = 0; !e && i < n; i++) {
		enum due_kind k = due_of(s->due, c[i].last_active_at);
		if (!nch[k] || !bsearch(&c[i].id, ch[k], nch[k], sizeof(*ch[k]), cmp_str))
			continue;
		e = sweep_one(db, s, &mc, &dg, &c[i], k, &msg[nm++], &ev[ne]);
		ne += k == DUE_DISABLE;
	}
	if (e || (e = audit_append_batch(db, s->a, s->ac, ev, ne)) ||
	    (e = store_outbox_insert_many(db, msg, nm)) ||
	    (e = digests_flush(db, s->env, s->a, &dg, s->days)))
		return e;
	s->picked = full;
	s->changed = (int64_t)nm;
	s->disabled = (int64_t)ne;
	return GCAS_OK;
}

/* One pass, batch after batch. The keyset only moves forward and is inclusive; rows handled no
 * longer match the selection, so rows at the boundary are picked again only while they still
 * need handling. The keyset is taken from the last row handled (pass 1: the agency left to the
 * next batch, if any). */
static enum gcas_err sweep_pass(struct sweep *s, int64_t *total)
{
	for (;;) {
		s->a = arena_new(0);
		if (!s->a)
			return GCAS_ERR_NOMEM;
		enum gcas_err e = store_tx(s->env->st, sweep_batch_tx, s);
		arena_free(s->a);
		s->a = NULL;
		if (e)
			return e;
		*total += s->disabled;
		if (!s->picked)
			return GCAS_OK;
		int moved =
		    s->by_role ? s->next_at != s->lo_at : strcmp(s->next_agency, s->lo_agency) != 0;
		memcpy(s->lo_agency, s->next_agency, sizeof(s->lo_agency));
		s->lo_at = s->next_at;
		/* A short batch is the last. A full batch that changed nothing and did not move
		 * the keyset means another node holds these rows: it will finish them. */
		if (s->picked < BATCH || (s->changed == 0 && !moved))
			return GCAS_OK;
	}
}

enum gcas_err svc_inactivity_sweep(const struct env *env, int64_t *disabled)
{
	/* 別表1: the account of a person who has not used it for N days is disabled. Operators
	 * are never disabled automatically: the bootstrap operator is the one who re-enables
	 * everyone else, and locking them out would leave nobody able to (their accounts are
	 * reviewed by the operator team instead, R2.7). */
	int days = env->cfg->inactivity_days > 0 ? env->cfg->inactivity_days : 90;
	struct actor ac = actor_system("inactivity sweep");
	int64_t now = clock_now(), total = 0;
	/* An account is in the stage it is in now: one that missed a stage (the job did not run
	 * that day) gets only that one. A warning N is too short for says nothing (its window
	 * folds into the next). */
	struct life_due due = {.disable_cut = now - (int64_t)days * DAY,
	                       .late_stage = 3,
	                       .early_stage = 14,
	                       .by_operator = ROLE_AGENCY_MANAGER};
	due.late_cut = days > 3 ? now - (int64_t)(days - 3) * DAY : due.disable_cut;
	due.early_cut = days > 14 ? now - (int64_t)(days - 14) * DAY : due.late_cut;
	for (int r = 0; r < ROLE__MAX; r++)
		if (role_certifier((enum role)r) == ROLE_OPERATOR)
			due.by_operator = (enum role)r;
	enum gcas_err e = GCAS_OK;
	*disabled = 0;
	/* Pass 1 by agency, pass 2 the accounts the operators certify (one digest for them). */
	for (int pass = 0; !e && pass < 2; pass++) {
		struct sweep s = {.env = env,
		                  .ac = &ac,
		                  .due = &due,
		                  .days = days,
		                  .by_role = pass,
		                  .now = now,
		                  .lo_at = INT64_MIN / 2};
		e = sweep_pass(&s, &total);
	}
	*disabled = total;
	return e;
}

/* ---- departures (R2.6) ------------------------------------------------------------------- */

static enum gcas_err late_of(struct db *db, struct arena *a, struct ymd today, struct ymd dep,
                             int *late)
{
	struct calendar cal;
	enum gcas_err e = svc_calendar_load(db, a, &cal);
	if (e)
		return e;
	/* R2.6: applied later than 5 business days before the date (R2.10 calendar). */
	*late = ymd_cmp(today, calendar_add_business_days(&cal, dep, -5)) > 0;
	return GCAS_OK;
}

struct late_ctx {
	struct arena *a;
	struct ymd today, dep;
	int late;
};

static enum gcas_err late_tx(struct db *db, void *ctx)
{
	struct late_ctx *c = ctx;
	return late_of(db, c->a, c->today, c->dep, &c->late);
}

enum gcas_err svc_departure_late(const struct env *env, struct arena *a, const char *departure_on,
                                 int *late)
{
	struct late_ctx c = {.a = a, .today = ymd_of_epoch_jst(clock_now())};
	*late = 0;
	if (!departure_on || ymd_parse(departure_on, &c.dep) || !ymd_valid(c.dep))
		return GCAS_ERR_INVALID;
	enum gcas_err e = store_run(env->st, late_tx, &c);
	*late = c.late;
	return e;
}

struct dep_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id, *day, *reason;
	struct ymd today, dep;
	struct application *app;
	struct verrs *ve;
	const char *denied_agency;
};

static enum gcas_err departure_tx(struct db *db, void *ctx)
{
	struct dep_ctx *c = ctx;
	struct account acc;
	int late = 0;
	int64_t now = clock_now();
	enum gcas_err e = store_account_get(db, c->a, c->id, &acc);
	if (e)
		return e;
	if (acc.status == ACCOUNT_DELETED)
		return GCAS_ERR_NOTFOUND;
	struct target t = account_target(&acc);
	if (!policy_allows(&c->ac->subj, ACT_APP_APPLY, &t)) {
		c->denied_agency = acc.agency_id;
		return GCAS_ERR_DENIED;
	}
	/* The date is kept on the account (the departure job disables it after that day) and the
	 * person leaves every group at once: a leaver keeps no group's access meanwhile. */
	if ((e = store_life_set_departure(db, acc.id, c->day, now)) ||
	    (e = store_member_remove_all(db, acc.id)))
		return e;
	struct app_input in = {
	    .kind = "delete", .account_id = acc.id, .reason = c->reason, .departure_on = c->day};
	if ((e = app_create_tx(db, c->env, c->ac, c->a, &in, c->app, c->ve)))
		return e;
	if ((e = late_of(db, c->a, c->today, c->dep, &late)))
		return e;
	const char *detail =
	    arena_printf(c->a, "{\"application_id\":\"%s\",\"departure_on\":\"%s\",\"late\":%s}",
	                 c->app->id ? c->app->id : "", c->day, late ? "true" : "false");
	struct audit_event ev = {"account.departure", "account", acc.id,
	                         acc.agency_id,       NULL,      detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_departure(const struct env *env, const struct actor *ac, struct arena *a,
                            const char *account_id, const char *departure_on, const char *reason,
                            struct application *app, struct verrs *ve)
{
	struct dep_ctx c = {.env = env,
	                    .ac = ac,
	                    .a = a,
	                    .id = account_id ? account_id : "",
	                    .day = departure_on,
	                    .reason = reason,
	                    .today = ymd_of_epoch_jst(clock_now()),
	                    .app = app,
	                    .ve = ve};
	if (!policy_role_can(ac->subj.role, ACT_APP_APPLY))
		return audit_denied(env, ac, ACT_APP_APPLY, "account", account_id, NULL);
	if (!departure_on || !*departure_on)
		verr_add(ve, "departure_on", "離任日を入力してください",
		         "Enter the departure date");
	else if (ymd_parse(departure_on, &c.dep) || !ymd_valid(c.dep))
		verr_add(ve, "departure_on", "離任日は YYYY-MM-DD の形式の日付で入力してください",
		         "Enter the departure date as YYYY-MM-DD");
	else if (ymd_cmp(c.dep, c.today) < 0)
		verr_add(ve, "departure_on", "離任日に過去の日付は指定できません",
		         "The departure date cannot be in the past");
	if (!reason || !*reason)
		verr_add(ve, "reason", "理由を入力してください", "Enter the reason");
	if (ve->n)
		return GCAS_ERR_INVALID;
	/* Keep the canonical form "YYYY-MM-DD" whatever separator was typed. */
	char day[11];
	ymd_format(c.dep, day);
	c.day = arena_strdup(a, day);
	if (!c.day)
		return GCAS_ERR_NOMEM;
	enum gcas_err e = store_tx(env->st, departure_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_APP_APPLY, "account", account_id, c.denied_agency);
	return e;
}

struct dsweep {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *today;
	int64_t now;
	size_t picked;
	int64_t changed;
};

static enum gcas_err departed_batch_tx(struct db *db, void *ctx)
{
	struct dsweep *s = ctx;
	struct life_cand *cands;
	size_t n;
	static const char reason[] = "離任日経過 (規程 別表1)";
	s->picked = 0;
	s->changed = 0;
	enum gcas_err e = store_life_departed_pick(db, s->a, s->today, BATCH, &cands, &n);
	for (size_t i = 0; !e && i < n; i++) {
		int changed = 0;
		e = store_life_departed_disable(db, cands[i].id, s->today, reason, s->now,
		                                &changed);
		if (e || !changed)
			continue;
		s->changed++;
		if ((e = end_access(db, cands[i].id, s->now)))
			break;
		const char *detail = audit_json(s->a, "departure_on", cands[i].departure_on,
		                                "reason", "departure", NULL);
		struct audit_event ev = {"account.disable",  "account", cands[i].id,
		                         cands[i].agency_id, NULL,      detail};
		e = audit_append(db, s->a, s->ac, &ev);
	}
	if (!e)
		s->picked = n;
	return e;
}

enum gcas_err svc_departure_sweep(const struct env *env, int64_t *disabled)
{
	struct actor ac = actor_system("departure sweep");
	char today[11];
	int64_t now = clock_now();
	/* R2.6: access ends with the departure date, i.e. once that day is over in Japan: the
	 * first run on the next day (JST) disables the account. */
	ymd_format(ymd_of_epoch_jst(now), today);
	struct dsweep s = {.env = env, .ac = &ac, .today = today, .now = now};
	*disabled = 0;
	for (;;) {
		if (!(s.a = arena_new(0)))
			return GCAS_ERR_NOMEM;
		enum gcas_err e = store_tx(env->st, departed_batch_tx, &s);
		arena_free(s.a);
		if (e)
			return e;
		*disabled += s.changed;
		/* Handled rows drop out of the selection; a full batch with no change means
		 * another node is on them. */
		if (s.picked < BATCH || s.changed == 0)
			return GCAS_OK;
	}
}

/* ---- organisations ending their use (R2.9) ---------------------------------------------- */

enum gcas_err lifecycle_org_end_tx(struct db *db, const struct env *env, struct arena *a,
                                   const struct actor *ac, const char *org_id,
                                   const char *application_id, int64_t *deleted)
{
	struct org o;
	struct life_org_end r;
	int64_t now = clock_now();
	*deleted = 0;
	enum gcas_err e = store_org_get(db, a, org_id ? org_id : "", &o);
	if (e)
		return e;
	if (o.kind == ORG_OPERATOR)
		return GCAS_ERR_INVALID; /* the operator's own organisation never ends this way */
	/* 5.2.1: the user agency's information is the agency's to delete, so its accounts,
	 * factors, sessions, tokens, memberships and groups go. What stays is what the operator
	 * keeps for information security (5.2.1 first exception: logs and the information they
	 * rest on): the audit chain, the applications, and the organisation rows and account
	 * tombstones (ids, roles, no personal data) those records refer to. Open applications of
	 * the scope end, and the personal data they and the outbox carry goes too (R2.9). */
	e = app_org_end_cleanup_tx(db, env, ac, a, o.id, application_id);
	if (e)
		return e;
	e = store_life_org_end(db, o.id, "利用終了に伴い削除 (規程 5.2.1)", "削除済み",
	                       "サクジョズミ", now, &r);
	if (e)
		return e;
	const char *detail = arena_printf(
	    a,
	    "{\"accounts\":%lld,\"application_id\":\"%s\",\"groups\":%lld,\"memberships\":%lld,"
	    "\"orgs\":%lld,\"sessions\":%lld,\"tokens\":%lld}",
	    (long long)r.accounts, application_id ? application_id : "", (long long)r.groups,
	    (long long)r.memberships, (long long)r.orgs, (long long)r.sessions,
	    (long long)r.tokens);
	struct audit_event ev = {"org.end", "org", o.id, o.agency_id, NULL, detail};
	if ((e = audit_append(db, a, ac, &ev)))
		return e;
	*deleted = r.accounts;
	return GCAS_OK;
}
