/* SPDX-License-Identifier: MIT */
/* Account use cases. Each: validate → authorise against the matrix → one transaction with the
 * change and its audit record. */
#include "svc/accounts.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "core/validate.h"
#include "crypto/token.h"
#include "store/applications.h"
#include "svc/accounts_tx.h"
#include "svc/audit.h"
#include "svc/auth.h"
#include "svc/mail.h"
#include "svc/privacy.h"

struct target account_target(const struct account *acc)
{
	struct target t = {.has_role = 1,
	                   .role = acc->role,
	                   .account_id = acc->id,
	                   .org_id = acc->org_id,
	                   .agency_id = acc->agency_id,
	                   .project_id = acc->project_id};
	return t;
}

void account_check_person(struct arena *a, struct account_input *in, struct verrs *ve,
                          char *email_out, size_t email_cap)
{
	enum vproblem p = validate_email(in->email, email_out, email_cap);
	if (p)
		verr_add(ve, "email", validate_msg(p, 0), validate_msg(p, 1));
	else if (validate_email_is_role_address(email_out))
		/* R2.8: only a personal address; shared and list addresses are refused. */
		verr_add(ve, "email", validate_msg(VP_EMAIL_ROLE, 0),
		         validate_msg(VP_EMAIL_ROLE, 1));
	static const char *const fields[] = {"family_name", "given_name", "family_kana",
	                                     "given_kana"};
	const char **vals[] = {&in->family_name, &in->given_name, &in->family_kana,
	                       &in->given_kana};
	for (int i = 0; i < 4; i++) {
		int kana = i >= 2;
		p = validate_person_name(*vals[i], kana);
		if (p) {
			verr_add(ve, fields[i], validate_msg(p, 0), validate_msg(p, 1));
			continue;
		}
		if (!kana)
			continue;
		/* Readings are kept in katakana whichever kana was typed. */
		size_t cap = strlen(*vals[i]) + 1;
		char *k = arena_alloc(a, cap);
		if (k && validate_kana_normalise(*vals[i], k, cap) == VP_OK)
			*vals[i] = k;
	}
}

static enum gcas_err new_setup_link(struct db *db, const struct env *env, struct arena *a,
                                    const char *account_id, const char **link)
{
	char tok[64], hash[SHA256_HEX_SIZE];
	int64_t now = clock_now();
	if (token_new(tok, sizeof(tok), "") || token_hash(tok, hash))
		return GCAS_ERR_CRYPTO;
	enum gcas_err e = store_link_revoke_account(db, account_id, now);
	if (!e)
		e = store_link_insert(db, hash, account_id, "setup", now,
		                      now + env->cfg->setup_link_ttl);
	if (e)
		return e;
	*link = arena_strdup(a, tok);
	return *link ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err account_org_for_role(struct db *db, struct arena *a, const char *org_id,
                                   enum role role, struct org *o, struct verrs *ve)
{
	enum gcas_err e = store_org_get(db, a, org_id ? org_id : "", o);
	if (e == GCAS_ERR_NOTFOUND) {
		verr_add(ve, "org_id", "所属組織が見つかりません",
		         "The organisation was not found");
		return GCAS_ERR_INVALID;
	}
	if (e)
		return e;
	/* R2.9: an organisation that ended its use (or whose agency or team did) takes no one. */
	int ended = 0;
	if ((e = store_app_org_ended(db, o->id, &ended)))
		return e;
	if (ended) {
		verr_add(ve, "org_id", "この組織は利用を終了しています",
		         "This organisation has ended its use");
		return GCAS_ERR_INVALID;
	}
	/* R1.2: a role lives in one kind of organisation; project roles in one project team. */
	if (role_org_kind(role) != o->kind) {
		verr_add(ve, "role", "この役割はこの組織に所属できません",
		         "This role cannot belong to this kind of organisation");
		return GCAS_ERR_INVALID;
	}
	return GCAS_OK;
}

enum gcas_err account_create_tx(struct db *db, const struct env *env, const struct actor *ac,
                                struct arena *a, const struct account_new *nw, struct account *out,
                                struct verrs *ve)
{
	const struct org *o = nw->org;
	int64_t now = clock_now();
	char *id = arena_alloc(a, 33);
	if (!id || rand_id(id))
		return GCAS_ERR_NOMEM;
	*out = (struct account){.id = id,
	                        .email = nw->email,
	                        .family_name = nw->in->family_name,
	                        .given_name = nw->in->given_name,
	                        .family_kana = nw->in->family_kana,
	                        .given_kana = nw->in->given_kana,
	                        .role = nw->role,
	                        .org_id = o->id,
	                        .agency_id = o->agency_id,
	                        .project_id = o->project_id,
	                        .status = ACCOUNT_PENDING,
	                        .password_hash = nw->password_hash,
	                        .created_at = now,
	                        .updated_at = now,
	                        .version = 1,
	                        .email_verified_at = nw->email_verified_at};
	/* Look for a clash first: on PostgreSQL a failed INSERT aborts the transaction. */
	struct account other;
	enum gcas_err e = store_account_get_by_email(db, a, nw->email, &other);
	if (e == GCAS_OK)
		e = GCAS_ERR_CONFLICT;
	else if (e == GCAS_ERR_NOTFOUND)
		e = store_account_insert(db, out);
	if (e == GCAS_ERR_CONFLICT) {
		verr_add(ve, "email", "このメールアドレスは既に使われています",
		         "This email address is already in use");
		return e;
	}
	if (e)
		return e;
	/* Members of an agency join its PMO group; project and contractor roles the system
	 * group of their project team (別表2 ②). */
	const char *group_org = o->kind == ORG_CONTRACTOR ? o->project_id : o->id;
	struct group g;
	if (o->kind != ORG_OPERATOR) {
		if ((e = store_group_of_org(db, a, group_org, &g)))
			return e;
		struct membership m = {.group_id = g.id,
		                       .account_id = id,
		                       .added_by = ac->acc ? ac->acc->id : NULL,
		                       .added_at = now};
		if ((e = store_member_add(db, &m)))
			return e;
	}
	if (nw->setup_link && (e = new_setup_link(db, env, a, id, nw->setup_link)))
		return e;
	if (nw->setup_link && nw->mail_setup &&
	    (e = mail_send_setup_link(db, env, a, out, *nw->setup_link)))
		return e;
	char *detail = audit_json(a, "role", role_name(nw->role), "org_id", o->id, "application_id",
	                          nw->application_id, NULL);
	struct audit_event ev = {nw->audit_action, "account", id, o->agency_id, NULL, detail};
	return audit_append(db, a, ac, &ev);
}

struct create_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const struct account_input *in;
	enum role role;
	const char *email;
	struct account *out;
	const char **link;
	struct verrs *ve;
	const char *password_hash; /* bootstrap only */
	int bootstrap;
	const char *denied_agency;
};

static enum gcas_err bootstrap_org(struct db *db, struct create_ctx *c, struct org *o)
{
	int64_t nops, now = clock_now();
	enum gcas_err e = store_operator_count(db, &nops);
	if (e)
		return e;
	if (nops > 0)
		return GCAS_ERR_CONFLICT;
	e = store_org_operator(db, c->a, o);
	if (e != GCAS_ERR_NOTFOUND)
		return e;
	char *oid = arena_alloc(c->a, 33);
	if (!oid || rand_id(oid))
		return GCAS_ERR_NOMEM;
	*o = (struct org){.id = oid,
	                  .kind = ORG_OPERATOR,
	                  .name = "ガバメントクラウドチーム",
	                  .created_at = now,
	                  .updated_at = now};
	return store_org_insert(db, o);
}

static enum gcas_err create_tx(struct db *db, void *ctx)
{
	struct create_ctx *c = ctx;
	struct org o;
	enum gcas_err e;
	if (c->bootstrap)
		e = bootstrap_org(db, c, &o);
	else
		e = account_org_for_role(db, c->a, c->in->org_id, c->role, &o, c->ve);
	if (e)
		return e;
	if (c->bootstrap && role_org_kind(c->role) != o.kind)
		return GCAS_ERR_INTERNAL;
	struct target t = {.has_role = 1,
	                   .role = c->role,
	                   .org_id = o.id,
	                   .agency_id = o.agency_id,
	                   .project_id = o.project_id};
	/* the account does not exist yet: never "self" */
	if (!c->bootstrap && !policy_allows(&c->ac->subj, ACT_ACCOUNT_CREATE, &t)) {
		c->denied_agency = o.agency_id;
		return GCAS_ERR_DENIED;
	}
	struct account_new nw = {
	    .in = c->in,
	    .role = c->role,
	    .org = &o,
	    .email = c->email,
	    /* Bootstrap: the operator typed the address and the password at the console. */
	    .email_verified_at = c->bootstrap ? clock_now() : 0,
	    .password_hash = c->password_hash,
	    .setup_link = c->link,
	    /* The operator's direct issue shows the link and mails it to the person too. */
	    .mail_setup = !c->bootstrap,
	    .audit_action = c->bootstrap ? "account.bootstrap" : "account.create",
	};
	return account_create_tx(db, c->env, c->ac, c->a, &nw, c->out, c->ve);
}

static enum gcas_err create(const struct env *env, const struct actor *ac, struct arena *a,
                            const struct account_input *in_orig, struct account *out,
                            const char **link, struct verrs *ve, const char *password_hash,
                            int bootstrap)
{
	struct account_input in = *in_orig;
	char *email = arena_alloc(a, 256);
	int role = bootstrap ? ROLE_OPERATOR : role_parse(in.role);
	if (!email)
		return GCAS_ERR_NOMEM;
	if (role < 0)
		verr_add(ve, "role", "役割を選んでください", "Choose a role");
	else if (!bootstrap && !policy_role_can(ac->subj.role, ACT_ACCOUNT_CREATE))
		return audit_denied(env, ac, ACT_ACCOUNT_CREATE, "account", NULL, NULL);
	account_check_person(a, &in, ve, email, 256);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct create_ctx c = {env, ac,   a,  &in,           (enum role)role, email,
	                       out, link, ve, password_hash, bootstrap,       NULL};
	enum gcas_err e = store_tx(env->st, create_tx, &c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(env, ac, ACT_ACCOUNT_CREATE, "account", NULL, c.denied_agency);
	return e;
}

enum gcas_err svc_account_create(const struct env *env, const struct actor *ac, struct arena *a,
                                 const struct account_input *in, struct account *out,
                                 const char **setup_link, struct verrs *ve)
{
	return create(env, ac, a, in, out, setup_link, ve, NULL, 0);
}

enum gcas_err svc_bootstrap_operator(const struct env *env, struct arena *a,
                                     const struct account_input *in, const char *password,
                                     struct account *out, struct verrs *ve)
{
	struct account probe = {
	    .email = in->email, .family_name = in->family_name, .given_name = in->given_name};
	char hash[PASSWORD_HASH_SIZE];
	if (!svc_password_acceptable(&probe, password, ve))
		return GCAS_ERR_INVALID;
	if (password_hash(password, &env->cfg->pw, hash))
		return GCAS_ERR_CRYPTO;
	struct actor sys = actor_system("gcas init");
	return create(env, &sys, a, in, out, NULL, ve, arena_strdup(a, hash), 1);
}

/* Load the target account and ask the matrix; DENIED is audited by the caller. */
struct op_ctx {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	const char *id;
	enum action act;
	struct account acc;
	const char *denied_agency;
	/* operation specifics */
	int64_t version;
	const struct account_input *in;
	const char *email;
	enum account_op op;
	const char *reason;
	const char **link;
	struct verrs *ve;
};

static enum gcas_err load_allowed(struct db *db, struct op_ctx *c)
{
	enum gcas_err e = store_account_get(db, c->a, c->id, &c->acc);
	if (e)
		return e;
	if (c->acc.status == ACCOUNT_DELETED && c->act != ACT_ACCOUNT_VIEW)
		return GCAS_ERR_NOTFOUND;
	struct target t = account_target(&c->acc);
	if (!policy_allows(&c->ac->subj, c->act, &t)) {
		c->denied_agency = c->acc.agency_id;
		return GCAS_ERR_DENIED;
	}
	return GCAS_OK;
}

static enum gcas_err run_op(struct op_ctx *c, store_tx_fn fn, int write)
{
	enum gcas_err e = write ? store_tx(c->env->st, fn, c) : store_run(c->env->st, fn, c);
	if (e == GCAS_ERR_DENIED)
		return audit_denied(c->env, c->ac, c->act, "account", c->id, c->denied_agency);
	return e;
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	enum gcas_err e = load_allowed(db, c);
	if (e)
		return e;
	/* R7.2 (regulation §5.2.2): an operator's read is recorded with the purpose declared
	 * (svc/privacy.h decides who); filed under the account's agency, so its managers see who
	 * looked at their people. */
	struct audit_event ev = {"account.view",   "account", c->acc.id,
	                         c->acc.agency_id, NULL,      NULL};
	return purpose_record_read(c->env, db, c->a, c->ac, NULL, &ev, NULL);
}

enum gcas_err svc_account_get(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *id, struct account *out)
{
	struct op_ctx c = {.env = env, .ac = ac, .a = a, .id = id, .act = ACT_ACCOUNT_VIEW};
	/* The read and its record are one transaction: no record, no read. */
	enum gcas_err e = run_op(&c, get_tx, purpose_read_recorded(ac, NULL));
	if (!e)
		*out = c.acc;
	return e;
}

static enum gcas_err update_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	enum gcas_err e = load_allowed(db, c);
	if (e)
		return e;
	/* Look for a clash first: on PostgreSQL a failed UPDATE aborts the transaction, so the
	 * reason could not be asked afterwards. */
	struct account other;
	e = store_account_get_by_email(db, c->a, c->email, &other);
	if (e == GCAS_OK && strcmp(other.id, c->acc.id) != 0) {
		verr_add(c->ve, "email", "このメールアドレスは既に使われています",
		         "This email address is already in use");
		return GCAS_ERR_CONFLICT;
	}
	if (e && e != GCAS_ERR_NOTFOUND)
		return e;
	struct account upd = c->acc;
	upd.email = c->email;
	upd.family_name = c->in->family_name;
	upd.given_name = c->in->given_name;
	upd.family_kana = c->in->family_kana;
	upd.given_kana = c->in->given_kana;
	upd.version = c->version;
	e = store_account_update(db, &upd, clock_now());
	if (e == GCAS_ERR_CONFLICT) {
		verr_add(c->ve, "version",
		         "他の人がこのアカウントを変更しました。読み込み直してください",
		         "Someone else changed this account; reload and try again");
		return e;
	}
	if (e)
		return e;
	char *detail = arena_printf(c->a, "{\"email_changed\":%s}",
	                            strcmp(c->acc.email, c->email) ? "true" : "false");
	struct audit_event ev = {"account.update", "account", c->id,
	                         c->acc.agency_id, NULL,      detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_account_update(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *id, int64_t version,
                                 const struct account_input *in_orig, struct verrs *ve)
{
	struct account_input in = *in_orig;
	char *email = arena_alloc(a, 256);
	if (!email)
		return GCAS_ERR_NOMEM;
	account_check_person(a, &in, ve, email, 256);
	if (ve->n)
		return GCAS_ERR_INVALID;
	struct op_ctx c = {.env = env,
	                   .ac = ac,
	                   .a = a,
	                   .id = id,
	                   .act = ACT_ACCOUNT_UPDATE,
	                   .version = version,
	                   .in = &in,
	                   .email = email,
	                   .ve = ve};
	return run_op(&c, update_tx, 1);
}

enum gcas_err account_status_tx(struct db *db, const struct actor *ac, struct arena *a,
                                const struct account *acc, enum account_op op, const char *reason,
                                const char *application_id, struct verrs *ve)
{
	static const enum account_status next[] = {ACCOUNT_DISABLED, ACCOUNT_ACTIVE,
	                                           ACCOUNT_DELETED};
	static const char *const names[] = {"account.disable", "account.enable", "account.delete"};
	struct verrs scratch = {0};
	int64_t now = clock_now();
	enum gcas_err e;
	if ((unsigned)op > ACCOUNT_OP_DELETE)
		return GCAS_ERR_INVALID;
	if (!ve)
		ve = &scratch;
	if (acc->status == ACCOUNT_DELETED)
		return GCAS_ERR_NOTFOUND;
	enum account_status to = next[op];
	if (op == ACCOUNT_OP_ENABLE) {
		if (acc->status != ACCOUNT_DISABLED) {
			verr_add(ve, "status", "無効なアカウントではありません",
			         "The account is not disabled");
			return GCAS_ERR_CONFLICT;
		}
		/* Re-enabling a never-activated account returns it to pending, not active; either
		 * way a fresh inactivity period starts (R2.4), or the daily sweep would disable it
		 * again at once. */
		if (!acc->activated_at)
			to = ACCOUNT_PENDING;
		e = store_account_reenable(db, acc->id, to, now);
	} else if (op == ACCOUNT_OP_DISABLE && acc->status == ACCOUNT_DISABLED) {
		verr_add(ve, "status", "既に無効です", "The account is already disabled");
		return GCAS_ERR_CONFLICT;
	} else {
		e = store_account_set_status(db, acc->id, to, reason, now);
	}
	if (e)
		return e;
	if (op != ACCOUNT_OP_ENABLE) {
		/* Disabling ends access at once, server-side: sessions, API tokens, set-up links.
		 */
		if ((e = store_session_delete_account(db, acc->id)) ||
		    (e = store_token_revoke_account(db, acc->id, now)) ||
		    (e = store_link_revoke_account(db, acc->id, now)))
			return e;
	}
	if (op == ACCOUNT_OP_DELETE && (e = store_member_remove_all(db, acc->id)))
		return e;
	char *detail = application_id
	                   ? audit_json(a, "reason", reason, "application_id", application_id, NULL)
	                   : audit_json(a, "reason", reason, NULL);
	struct audit_event ev = {names[op], "account", acc->id, acc->agency_id, NULL, detail};
	return audit_append(db, a, ac, &ev);
}

static enum gcas_err status_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	enum gcas_err e = load_allowed(db, c);
	if (e)
		return e;
	return account_status_tx(db, c->ac, c->a, &c->acc, c->op, c->reason, NULL, c->ve);
}

enum gcas_err account_change_tx(struct db *db, const struct env *env, const struct actor *ac,
                                struct arena *a, const struct account *upd,
                                const char *application_id)
{
	int64_t now = clock_now();
	enum gcas_err e = store_account_change(db, upd, now);
	if (e)
		return e;
	/* R2.8: a new address is used only once it has answered its verification link. */
	if (upd->pending_email && (e = mail_send_verification(db, env, a, upd, now)))
		return e;
	char *detail = audit_json(a, "role", role_name(upd->role), "pending_email",
	                          upd->pending_email ? "true" : "false", "application_id",
	                          application_id, NULL);
	struct audit_event ev = {"account.update", "account", upd->id,
	                         upd->agency_id,   NULL,      detail};
	return audit_append(db, a, ac, &ev);
}

static const enum action op_action[] = {ACT_ACCOUNT_DISABLE, ACT_ACCOUNT_ENABLE,
                                        ACT_ACCOUNT_DELETE};

enum gcas_err svc_account_set_status(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *id, enum account_op op, const char *reason,
                                     struct verrs *ve)
{
	if ((unsigned)op > ACCOUNT_OP_DELETE)
		return GCAS_ERR_INVALID;
	if (op != ACCOUNT_OP_ENABLE) {
		enum vproblem p = validate_text(reason, 500, 1);
		if (p || !reason || !*reason)
			verr_add(ve, "reason", "理由を入力してください（500文字以内）",
			         "Give a reason (at most 500 characters)");
		else if (validate_individual_number_in(reason))
			verr_add(ve, "reason", validate_msg(VP_INDIVIDUAL_NUMBER, 0),
			         validate_msg(VP_INDIVIDUAL_NUMBER, 1));
		if (ve->n)
			return GCAS_ERR_INVALID;
	}
	struct op_ctx c = {.env = env,
	                   .ac = ac,
	                   .a = a,
	                   .id = id,
	                   .act = op_action[op],
	                   .op = op,
	                   .reason = reason,
	                   .ve = ve};
	return run_op(&c, status_tx, 1);
}

static enum gcas_err reset_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	enum gcas_err e = load_allowed(db, c);
	if (e)
		return e;
	if ((e = store_factor_delete_all(db, c->id, -1)) ||
	    (e = store_session_delete_account(db, c->id)))
		return e;
	struct audit_event ev = {"account.reset_factors", "account", c->id,
	                         c->acc.agency_id,        NULL,      NULL};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_account_reset_factors(const struct env *env, const struct actor *ac,
                                        struct arena *a, const char *id)
{
	struct op_ctx c = {
	    .env = env, .ac = ac, .a = a, .id = id, .act = ACT_ACCOUNT_RESET_FACTORS};
	return run_op(&c, reset_tx, 1);
}

static enum gcas_err link_tx(struct db *db, void *ctx)
{
	struct op_ctx *c = ctx;
	enum gcas_err e = load_allowed(db, c);
	if (e)
		return e;
	if (c->acc.status != ACCOUNT_PENDING && c->acc.status != ACCOUNT_ACTIVE)
		return GCAS_ERR_CONFLICT;
	if ((e = new_setup_link(db, c->env, c->a, c->id, c->link)))
		return e;
	struct audit_event ev = {"account.setup_link", "account", c->id,
	                         c->acc.agency_id,     NULL,      NULL};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_account_setup_link(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *id, const char **link)
{
	/* Issuing a set-up link lets someone choose the account's password: the same right as
	 * changing the account. */
	struct op_ctx c = {
	    .env = env, .ac = ac, .a = a, .id = id, .act = ACT_ACCOUNT_UPDATE, .link = link};
	return run_op(&c, link_tx, 1);
}

struct list_ctx {
	struct arena *a;
	struct account_filter *f;
	struct page *pg;
	struct account *out;
	size_t n;
};

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct list_ctx *c = ctx;
	return store_account_list(db, c->a, c->f, c->pg, &c->out, &c->n);
}

/* R7.2: the operator's list read, recorded with its query and the number of accounts shown
 * (their names are in the list, so the record says how many people were seen and how). The
 * rows are handed out only once the record is written. */
static enum gcas_err audit_list(const struct env *env, const struct actor *ac, struct arena *a,
                                const struct account_filter *f, size_t count)
{
	const char *role = f->role >= 0 ? role_name((enum role)f->role) : NULL;
	const char *status =
	    f->status >= 0 ? account_status_name((enum account_status)f->status) : NULL;
	const char *extra[] = {"q",  f->q,     "org_id", f->org_id, "role",
	                       role, "status", status,   "count",   arena_printf(a, "%zu", count),
	                       NULL};
	struct audit_event ev = {"account.list", "account", NULL, NULL, NULL, NULL};
	return purpose_record_read(env, NULL, a, ac, NULL, &ev, extra);
}

enum gcas_err svc_account_list(const struct env *env, const struct actor *ac, struct arena *a,
                               struct account_filter *f, struct page *pg, struct account **out,
                               size_t *n)
{
	*out = NULL;
	*n = 0;
	/* Narrow the query to the widest scope the role can see (R7.1), then let the matrix
	 * decide row by row. */
	switch (ac->subj.role) {
	case ROLE_OPERATOR:
		break;
	case ROLE_AGENCY_MANAGER:
	case ROLE_AGENCY_STAFF:
		f->agency_id = ac->subj.agency_id;
		break;
	case ROLE_CONTRACTOR_STAFF:
		/* Contractor staff see only their own account (R7.1). */
		f->id = ac->subj.account_id;
		f->agency_id = ac->subj.agency_id;
		break;
	default:
		f->agency_id = ac->subj.agency_id;
		f->project_id = ac->subj.project_id;
		break;
	}
	if (ac->subj.role != ROLE_OPERATOR && !f->agency_id)
		return GCAS_OK;
	struct list_ctx c = {a, f, pg, NULL, 0};
	enum gcas_err e = store_run(env->st, list_tx, &c);
	if (e)
		return e;
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct target t = account_target(&c.out[i]);
		if (policy_allows(&ac->subj, ACT_ACCOUNT_VIEW, &t))
			c.out[k++] = c.out[i];
	}
	if ((e = audit_list(env, ac, a, f, k)))
		return e;
	*out = c.out;
	*n = k;
	return GCAS_OK;
}
