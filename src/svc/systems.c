/* SPDX-License-Identifier: MIT */
/* System registration use cases (issue 4 §1, R4.1), see svc/systems.h. Authorise → parse and
 * validate (core/system.c, with contacts and contractor read in the same transaction) → change,
 * history row and audit record together. */
#include "svc/systems.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "core/validate.h"
#include "svc/audit.h"
#include "svc/orgs.h"
#include "svc/privacy.h"

struct target system_target(const char *project_id, const char *agency_id)
{
	struct target t = {.org_id = project_id, .agency_id = agency_id, .project_id = project_id};
	return t;
}

/* The project team itself: NOTFOUND unless id names one. */
static enum gcas_err load_team(struct db *db, struct arena *a, const char *id, struct org *o)
{
	if (!id || !*id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_org_get(db, a, id, o);
	if (e)
		return e;
	return o->kind == ORG_PROJECT ? GCAS_OK : GCAS_ERR_NOTFOUND;
}

char *svc_system_json(struct arena *a, const struct system_rec *r)
{
	json_t *csps = json_array(), *envs = json_array(), *contacts = json_array();
	for (int i = 0; i < CSP__MAX; i++)
		if (r->csps & (1u << i))
			json_array_append_new(csps, json_string(sys_csp_name((enum sys_csp)i)));
	for (int i = 0; i < SYSENV__MAX; i++)
		if (r->environments & (1u << i))
			json_array_append_new(envs, json_string(sys_env_name((enum sys_env)i)));
	for (size_t i = 0; i < r->ncontacts; i++)
		json_array_append_new(contacts, json_string(r->contacts[i]));
	json_t *o = json_pack(
	    "{s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:o, s:o, s:o, s:s?, s:s?, s:s?, s:s, s:s?, s:b, "
	    "s:I, s:I, s:I, s:s?}",
	    "id", r->id, "project_id", r->project_id, "agency_id", r->agency_id, "name", r->name,
	    "purpose", r->purpose, "lifecycle", sys_lifecycle_name(r->lifecycle), "csps", csps,
	    "environments", envs, "contacts", contacts, "contractor_id", r->contractor_id,
	    "period_start", r->period_start, "period_end", r->period_end, "classification",
	    sys_class_name(r->classification), "billing_unit", r->billing_unit, "ci_cd", r->ci_cd,
	    "version", (json_int_t)r->version, "created_at", (json_int_t)r->created_at,
	    "updated_at", (json_int_t)r->updated_at, "updated_by", r->updated_by);
	if (!o)
		return NULL; /* json_pack released the arrays it was given ("o" steals) */
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	char *copy = text ? arena_strdup(a, text) : NULL;
	free(text);
	return copy;
}

/* ---- parsing the input into a record ---- */

static int is_sep(char ch)
{
	return ch == ' ' || ch == ',' || ch == '\n' || ch == '\r' || ch == '\t';
}

/* Split a contacts list; more than SYSTEM_CONTACTS_MAX is reported, not truncated silently. */
static int split_contacts(struct arena *a, const char *s, struct system_rec *r)
{
	r->ncontacts = 0;
	while (s && *s) {
		while (*s && is_sep(*s))
			s++;
		size_t len = 0;
		while (s[len] && !is_sep(s[len]))
			len++;
		if (!len)
			break;
		if (r->ncontacts == SYSTEM_CONTACTS_MAX)
			return -1;
		char *w = arena_alloc(a, len + 1);
		if (!w)
			return -1;
		memcpy(w, s, len);
		r->contacts[r->ncontacts++] = w;
		s += len;
	}
	return 0;
}

static const char *blank_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* Fill r's fields from in; unknown names are reported in ve (and leave an out-of-range value
 * that system_validate does not report twice). */
static void parse_input(struct arena *a, const struct system_input *in, struct system_rec *r,
                        struct verrs *ve)
{
	r->name = in->name;
	r->purpose = in->purpose;
	r->contractor_id = blank_null(in->contractor_id);
	r->period_start = in->period_start;
	r->period_end = blank_null(in->period_end);
	r->billing_unit = in->billing_unit;
	r->ci_cd = in->ci_cd != 0;
	int v = sys_lifecycle_parse(in->lifecycle);
	r->lifecycle = v < 0 ? SYS_LIFECYCLE__MAX : (enum sys_lifecycle)v;
	v = sys_class_parse(in->classification);
	r->classification = v < 0 ? SYSCLASS__MAX : (enum sys_class)v;
	if (system_set_parse(in->csps, 1, &r->csps))
		verr_add(ve, "csps",
		         "クラウドサービスは aws, gcp, azure, oci, sakura から選んでください",
		         "Cloud service providers are aws, gcp, azure, oci or sakura");
	if (system_set_parse(in->environments, 0, &r->environments))
		verr_add(ve, "environments",
		         "環境は production, staging, development から選んでください",
		         "Environments are production, staging or development");
	if (split_contacts(a, in->contacts, r))
		verr_add(ve, "contacts", "連絡先は8人までです", "At most eight contacts");
}

/* Read what the record refers to, then run the record rules. Contacts named by email are
 * replaced by their account ids (what is stored). */
static enum gcas_err resolve_validate(struct db *db, struct arena *a, struct system_rec *r,
                                      struct verrs *ve)
{
	struct system_refs refs = {0};
	enum gcas_err e;
	for (size_t i = 0; i < r->ncontacts; i++) {
		struct account *acc = arena_alloc(a, sizeof(*acc));
		char norm[256];
		if (!acc)
			return GCAS_ERR_NOMEM;
		if (strchr(r->contacts[i], '@')) {
			if (validate_email(r->contacts[i], norm, sizeof(norm)) != VP_OK)
				continue;
			e = store_account_get_by_email(db, a, norm, acc);
		} else {
			e = store_account_get(db, a, r->contacts[i], acc);
		}
		if (e == GCAS_ERR_NOTFOUND)
			continue;
		if (e)
			return e;
		refs.contacts[i] = acc;
		r->contacts[i] = acc->id;
	}
	struct org *co = arena_alloc(a, sizeof(*co));
	if (!co)
		return GCAS_ERR_NOMEM;
	if (r->contractor_id) {
		e = store_org_get(db, a, r->contractor_id, co);
		if (e && e != GCAS_ERR_NOTFOUND)
			return e;
		refs.contractor = e ? NULL : co;
	}
	struct system_problem probs[VERR_MAX];
	size_t n = system_validate(r, &refs, probs, VERR_MAX);
	for (size_t i = 0; i < n; i++) {
		int dup = 0; /* parse_input may have reported the field already */
		for (size_t j = 0; j < ve->n; j++)
			dup |= strcmp(ve->e[j].field, probs[i].field) == 0;
		if (!dup)
			verr_add(ve, probs[i].field, probs[i].ja, probs[i].en);
	}
	return ve->n ? GCAS_ERR_INVALID : GCAS_OK;
}

static enum gcas_err keep_history(struct db *db, struct arena *a, const struct system_rec *r)
{
	char *json = svc_system_json(a, r);
	if (!json)
		return GCAS_ERR_NOMEM;
	struct system_history_row h = {r->id, r->version, r->updated_by, r->updated_at, json};
	return store_system_history_insert(db, &h);
}

/* ---- register and update: one transaction each ---- */

struct edit_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *project_id;
	int64_t version; /* update: the version the editor read; register: 0 */
	const struct system_input *in;
	struct system_rec *out;
	struct verrs *ve;
	const char *agency_id; /* out: for a refusal's audit record */
};

static enum gcas_err edit_tx(struct db *db, void *ctx)
{
	struct edit_ctx *c = ctx;
	struct org team;
	struct system_rec old;
	enum gcas_err e = load_team(db, c->a, c->project_id, &team);
	if (e)
		return e;
	c->agency_id = team.agency_id;
	struct target t = system_target(team.id, team.agency_id);
	if (!policy_allows(&c->ac->subj, ACT_SYSTEM_EDIT, &t))
		return GCAS_ERR_DENIED;
	c->ve->n = 0; /* store_tx may run this again */
	e = store_system_get_by_project(db, c->a, team.id, &old);
	if (e && e != GCAS_ERR_NOTFOUND)
		return e;
	int registering = c->version == 0;
	if (registering && e == GCAS_OK) {
		/* Regulation 1.2: a project team is one registered system. */
		verr_add(c->ve, "project_id",
		         "このプロジェクトチームのシステムは既に登録されています",
		         "This project team has already registered its system");
		return GCAS_ERR_CONFLICT;
	}
	if (!registering && e == GCAS_ERR_NOTFOUND)
		return GCAS_ERR_NOTFOUND;
	if (!registering && old.version != c->version) {
		verr_add(c->ve, "version",
		         "他の人が先に更新しました。最新の内容を確かめてからやり直してください",
		         "Someone else changed it first; check the current record and try again");
		return GCAS_ERR_CONFLICT;
	}
	int64_t now = clock_now();
	struct system_rec *r = c->out;
	*r = (struct system_rec){.project_id = team.id, .agency_id = team.agency_id};
	parse_input(c->a, c->in, r, c->ve);
	if ((e = resolve_validate(db, c->a, r, c->ve)))
		return e;
	r->updated_at = now;
	r->updated_by = c->ac->acc ? c->ac->acc->id : NULL;
	if (registering) {
		char *id = arena_alloc(c->a, 33);
		if (!id || rand_id(id))
			return GCAS_ERR_NOMEM;
		r->id = id;
		r->version = 1;
		r->created_at = now;
		e = store_system_insert(db, r);
	} else {
		r->id = old.id;
		r->version = old.version;
		r->created_at = old.created_at;
		e = store_system_update(db, r, now);
		r->version = old.version + 1;
	}
	if (e == GCAS_ERR_NOTFOUND)
		e = GCAS_ERR_CONFLICT; /* the version moved on between the read and the write */
	if (e || (e = keep_history(db, c->a, r)))
		return e;
	char *detail = arena_printf(c->a, "{\"version\":%lld}", (long long)r->version);
	struct audit_event ev = {registering ? "system.register" : "system.update",
	                         "system",
	                         r->id,
	                         r->agency_id,
	                         NULL,
	                         detail};
	return audit_append(db, c->a, c->ac, &ev);
}

static enum gcas_err edit(const struct env *env, const struct actor *ac, struct arena *a,
                          const char *project_id, int64_t version, const struct system_input *in,
                          struct system_rec *out, struct verrs *ve)
{
	/* Refuse at once a role the matrix never lets edit a registration. */
	if (!policy_role_can(ac->subj.role, ACT_SYSTEM_EDIT))
		return audit_denied(env, ac, ACT_SYSTEM_EDIT, "org", project_id, NULL);
	struct edit_ctx c = {ac, a, project_id, version, in, out, ve, NULL};
	enum gcas_err e = store_tx(env->st, edit_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_SYSTEM_EDIT, "org", project_id, c.agency_id);
	return e;
}

enum gcas_err svc_system_register(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *project_id, const struct system_input *in,
                                  struct system_rec *out, struct verrs *ve)
{
	return edit(env, ac, a, project_id, 0, in, out, ve);
}

enum gcas_err svc_system_update(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *project_id, int64_t version,
                                const struct system_input *in, struct system_rec *out,
                                struct verrs *ve)
{
	if (version < 1) {
		verr_add(ve, "version", "版数がありません", "The version read is missing");
		return GCAS_ERR_INVALID;
	}
	return edit(env, ac, a, project_id, version, in, out, ve);
}

/* ---- reading ---- */

struct get_ctx {
	struct arena *a;
	const char *project_id, *id;
	struct system_rec *out;
	struct system_names *names;
	struct org team;
	int have_team, have_rec;
};

static void fill_names(struct db *db, struct get_ctx *c)
{
	struct system_names *x = c->names;
	struct org o;
	*x = (struct system_names){.project_name = c->team.name};
	if (c->out->contractor_id && store_org_get(db, c->a, c->out->contractor_id, &o) == GCAS_OK)
		x->contractor_name = o.name;
	for (size_t i = 0; i < c->out->ncontacts; i++) {
		struct account acc;
		if (store_account_get(db, c->a, c->out->contacts[i], &acc) == GCAS_OK)
			x->contact_emails[i] = acc.email;
	}
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct get_ctx *c = ctx;
	enum gcas_err e;
	if (c->id) {
		if ((e = store_system_get(db, c->a, c->id, c->out)))
			return e;
		c->have_rec = 1;
		c->project_id = c->out->project_id;
	}
	if ((e = load_team(db, c->a, c->project_id, &c->team)))
		return e;
	c->have_team = 1;
	if (!c->have_rec) {
		if ((e = store_system_get_by_project(db, c->a, c->team.id, c->out)))
			return e;
		c->have_rec = 1;
	}
	if (c->names)
		fill_names(db, c);
	return GCAS_OK;
}

static enum gcas_err get_common(const struct env *env, const struct actor *ac, struct get_ctx *c,
                                struct org *team)
{
	enum gcas_err e = store_run(env->st, get_tx, c);
	if (!c->have_team)
		return e;
	struct target t = system_target(c->team.id, c->team.agency_id);
	if (!policy_allows(&ac->subj, ACT_SYSTEM_VIEW, &t))
		return audit_denied(env, ac, ACT_SYSTEM_VIEW, "org", c->team.id, c->team.agency_id);
	if (team)
		*team = c->team;
	return e;
}

/* R7.2 (regulation §5.2.2): a registration names its contacts, people. Keeping registrations
 * right is the operator's duty itself (「GCASの整備、運用管理…」, R4.1), so nothing is asked,
 * but the operator's read is recorded, filed under the system's agency. */
static enum gcas_err contacts_read(const struct env *env, const struct actor *ac, struct arena *a,
                                   const struct system_rec *r, const char *action)
{
	if (!r->ncontacts)
		return GCAS_OK;
	struct audit_event ev = {action, "system", r->id, r->agency_id, NULL, NULL};
	return purpose_record_read(env, NULL, a, ac, arena_printf(a, "system %s", r->id), &ev,
	                           NULL);
}

enum gcas_err svc_system_get(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *project_id, struct system_rec *out,
                             struct system_names *names, struct org *team)
{
	struct get_ctx c = {.a = a, .project_id = project_id, .out = out, .names = names};
	enum gcas_err e = get_common(env, ac, &c, team);
	return e ? e : contacts_read(env, ac, a, out, "system.view");
}

enum gcas_err svc_system_get_by_id(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *id, struct system_rec *out)
{
	if (!id || !*id)
		return GCAS_ERR_NOTFOUND;
	struct get_ctx c = {.a = a, .id = id, .out = out};
	return get_common(env, ac, &c, NULL);
}

struct list_ctx {
	struct arena *a;
	const char *agency_id, *project_id, *system_id;
	struct page *pg;
	struct system_rec *out;
	struct system_history_row *hist;
	struct org *orgs;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_system_list(db, c->a, c->agency_id, c->project_id, c->pg, &c->out, &c->n);
}

enum gcas_err svc_system_list(const struct env *env, const struct actor *ac, struct arena *a,
                              struct page *pg, struct system_rec **out, size_t *n)
{
	/* The widest scope ACT_SYSTEM_VIEW gives each role, as SQL filters (R7.1, as orgs). */
	struct list_ctx c = {.a = a, .pg = pg};
	*out = NULL;
	*n = 0;
	if (!policy_role_can(ac->subj.role, ACT_SYSTEM_VIEW))
		return GCAS_OK;
	switch (ac->subj.role) {
	case ROLE_OPERATOR:
		break;
	case ROLE_AGENCY_MANAGER:
	case ROLE_AGENCY_STAFF:
		c.agency_id = ac->subj.agency_id;
		break;
	default:
		c.project_id = ac->subj.project_id;
		break;
	}
	if (ac->subj.role != ROLE_OPERATOR && !c.agency_id && !c.project_id)
		return GCAS_OK;
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	size_t k = 0; /* the matrix has the last word on every row */
	for (size_t i = 0; i < c.n; i++) {
		struct target t = system_target(c.out[i].project_id, c.out[i].agency_id);
		if (policy_allows(&ac->subj, ACT_SYSTEM_VIEW, &t))
			c.out[k++] = c.out[i];
	}
	*out = c.out;
	*n = k;
	return GCAS_OK;
}

static enum gcas_err history_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_system_history_list(db, c->a, c->system_id, c->pg, &c->hist, &c->n);
}

enum gcas_err svc_system_history(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *system_id, struct page *pg,
                                 struct system_history_row **out, size_t *n)
{
	struct system_rec r;
	*out = NULL;
	*n = 0;
	enum gcas_err e = svc_system_get_by_id(env, ac, a, system_id, &r);
	if (e)
		return e;
	struct list_ctx c = {.a = a, .system_id = r.id, .pg = pg};
	if ((e = store_run(env->st, history_tx, &c)))
		return e;
	/* Earlier versions hold the contacts they had. */
	if ((e = contacts_read(env, ac, a, &r, "system.history")))
		return e;
	*out = c.hist;
	*n = c.n;
	return GCAS_OK;
}

static enum gcas_err contractors_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	struct org_filter f = {.project_id = c->project_id, .kind = ORG_CONTRACTOR};
	struct page pg = {.limit = 500};
	return store_org_list_filtered(db, c->a, &f, &pg, &c->orgs, &c->n);
}

enum gcas_err svc_system_contractors(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *project_id, struct org **out, size_t *n)
{
	struct target t = system_target(project_id, NULL);
	*out = NULL;
	*n = 0;
	/* Only the team's own scope reads it here; the form is shown to editors only. */
	struct list_ctx c = {.a = a, .project_id = project_id};
	enum gcas_err e = store_run(env->st, contractors_tx, &c);
	if (e)
		return e;
	if (c.n && (t.agency_id = c.orgs[0].agency_id) &&
	    !policy_allows(&ac->subj, ACT_SYSTEM_VIEW, &t))
		return GCAS_ERR_DENIED;
	*out = c.orgs;
	*n = c.n;
	return GCAS_OK;
}
