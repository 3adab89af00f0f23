/* SPDX-License-Identifier: MIT */
/* SAML 2.0 use cases, see svc/saml.h: service provider registration, the identity provider's
 * sign-in flows (SP-initiated, pending until sign-in, IdP-initiated, console sign-in) and the
 * local cloud console's service provider. The Lasso work (parsing, signing) happens outside
 * the transactions; each flow's state change (replay cache, pending row, audit record) is one
 * transaction. */
#include "svc/saml.h"

#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "core/system.h"
#include "crypto/token.h"
#include "signer/signer.h"
#include "store/assignments.h"
#include "store/environments.h"
#include "store/local_scim.h"
#include "svc/accounts.h"
#include "svc/audit.h"

#define AWS_ROLE_ATTR      "https://aws.amazon.com/SAML/Attributes/Role"
#define AWS_SESSION_NAME   "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
#define AWS_SESSION_LENGTH "https://aws.amazon.com/SAML/Attributes/SessionDuration"
#define SP_LIST_MAX        500

/* ---- shared ---- */

/* base_url without a trailing slash ("" when unset: relative URLs, tests). */
static const char *base(const struct env *env, struct arena *a)
{
	const char *b = env->cfg->base_url ? env->cfg->base_url : "";
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	return arena_strndup(a, b, n);
}

static enum gcas_err idp_load(const struct env *env, struct arena *a, int64_t now,
                              struct saml_idp *idp)
{
	struct signer_saml k;
	if (!env->signer)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = signer_saml_current(env->signer, now, a, &k);
	if (e)
		return e;
	const char *b = base(env, a);
	*idp = (struct saml_idp){.entity_id = arena_printf(a, "%s/saml/metadata", b),
	                         .sso_url = arena_printf(a, "%s/saml/sso", b),
	                         .kid = k.kid,
	                         .key_pem = k.key_pem,
	                         .cert_pem = k.cert_pem,
	                         .certs = k.certs,
	                         .ncerts = k.ncerts};
	return idp->entity_id && idp->sso_url ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err svc_saml_metadata(const struct env *env, struct arena *a, const char **xml)
{
	struct saml_idp idp;
	*xml = NULL;
	enum gcas_err e = idp_load(env, a, clock_now(), &idp);
	if (e)
		return e;
	*xml = saml_idp_metadata(a, &idp);
	return *xml ? GCAS_OK : GCAS_ERR_CRYPTO;
}

static int refuse_set(struct saml_answer *out, const char *en, const char *ja)
{
	out->why = en;
	out->why_ja = ja;
	return 0;
}

/* ---- service providers ---- */

static int may_manage(const struct actor *ac)
{
	struct target t = {0};
	return policy_allows(&ac->subj, ACT_SSO_CLIENT_MANAGE, &t);
}

static const char *blank_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* An IAM name (role or SAML provider): 1..128 of [A-Za-z0-9+=,.@_-] (AWS IAM quotas). */
static int iam_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 128)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-") ==
	       n;
}

static void sp_validate(struct arena *a, const struct saml_sp_input *in, struct saml_sp_rec *r,
                        struct verrs *ve)
{
	struct saml_sp_meta m;
	const char *why = NULL;
	if (saml_sp_meta_check(a, in->metadata, &m, &why))
		verr_add(
		    ve, "metadata",
		    "メタデータを読み取れません(SAML 2.0 の SP メタデータを貼り付けてください)",
		    why ? arena_printf(a, "The metadata was refused: %s", why)
		        : "The metadata was refused");
	r->entity_id = m.entity_id;
	r->metadata = in->metadata;
	r->name = in->name ? str_trim(arena_strdup(a, in->name)) : NULL;
	if (!r->name || !*r->name || strlen(r->name) > 200)
		verr_add(ve, "name", "名前を200文字以内で入力してください",
		         "Enter a name of at most 200 characters");
	r->csp = blank_null(in->csp);
	if (r->csp && sys_csp_parse(r->csp) < 0)
		verr_add(ve, "csp", "CSP は aws, gcp, azure, oci, sakura から選んでください",
		         "The CSP is one of aws, gcp, azure, oci, sakura");
	r->profile = blank_null(in->profile) ? in->profile : "generic";
	if (strcmp(r->profile, "aws") != 0 && strcmp(r->profile, "generic") != 0) {
		verr_add(ve, "profile", "プロファイルは aws か generic です",
		         "The profile is aws or generic");
		return;
	}
	if (strcmp(r->profile, "aws") != 0)
		return;
	r->aws_provider_name = blank_null(in->provider);
	r->aws_admin_role = blank_null(in->admin_role);
	r->aws_general_role = blank_null(in->general_role);
	static const char ja[] = "IAM の名前(英数字と +=,.@_- の128文字以内)を入力してください";
	static const char en[] = "Enter an IAM name (up to 128 of letters, digits and +=,.@_-)";
	if (!iam_name_ok(r->aws_provider_name))
		verr_add(ve, "provider", ja, en);
	if (!iam_name_ok(r->aws_admin_role))
		verr_add(ve, "admin_role", ja, en);
	if (!iam_name_ok(r->aws_general_role))
		verr_add(ve, "general_role", ja, en);
}

struct sp_ctx {
	const struct actor *ac;
	struct arena *a;
	struct saml_sp_rec *r;
	struct verrs *ve;
	const char *id;
	struct saml_sp_rec *list;
	size_t n;
};

static enum gcas_err register_tx(struct db *db, void *ctx)
{
	struct sp_ctx *x = ctx;
	struct saml_sp_rec old;
	enum gcas_err e = store_saml_sp_by_entity(db, x->a, x->r->entity_id, &old);
	int revive = !e && old.disabled_at;
	if (e != GCAS_ERR_NOTFOUND && !revive) {
		if (!e)
			verr_add(x->ve, "metadata", "この entityID の SP は登録済みです",
			         "A service provider with this entityID is registered already");
		return e ? e : GCAS_ERR_CONFLICT;
	}
	if (x->r->csp &&
	    (e = store_saml_sp_for_csp(db, x->a, x->r->csp, &old)) != GCAS_ERR_NOTFOUND) {
		if (!e)
			verr_add(
			    x->ve, "csp",
			    "この CSP の既定の SP は登録済みです(先に無効にしてください)",
			    "This CSP has a default service provider already (disable it first)");
		return e ? e : GCAS_ERR_CONFLICT;
	}
	/* A disabled SP registered again keeps its row (and id): new metadata, rev + 1. */
	if (revive) {
		x->r->id = old.id;
		x->r->rev = old.rev + 1;
	}
	if ((e = revive ? store_saml_sp_revive(db, x->r) : store_saml_sp_insert(db, x->r)))
		return e;
	char *detail = audit_json(x->a, "entity_id", x->r->entity_id, "name", x->r->name, "csp",
	                          x->r->csp, "profile", x->r->profile, NULL);
	struct audit_event ev = {"saml.sp_register", "saml_sp", x->r->id, NULL, NULL, detail};
	return audit_append(db, x->a, x->ac, &ev);
}

enum gcas_err svc_saml_sp_register(const struct env *env, const struct actor *ac, struct arena *a,
                                   const struct saml_sp_input *in, struct saml_sp_rec *out,
                                   struct verrs *ve)
{
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "saml_sp", NULL, NULL);
	*out = (struct saml_sp_rec){0};
	sp_validate(a, in, out, ve);
	if (ve->n)
		return GCAS_ERR_INVALID;
	char *id = arena_alloc(a, 33);
	if (!id || rand_id(id))
		return GCAS_ERR_CRYPTO;
	out->id = id;
	out->rev = 1;
	out->created_by = ac->acc ? ac->acc->id : NULL;
	out->created_at = clock_now();
	struct sp_ctx x = {.ac = ac, .a = a, .r = out, .ve = ve};
	return store_tx(env->st, register_tx, &x);
}

static enum gcas_err list_tx(struct db *db, void *ctx)
{
	struct sp_ctx *x = ctx;
	return store_saml_sp_list(db, x->a, &x->list, &x->n);
}

enum gcas_err svc_saml_sp_list(const struct env *env, const struct actor *ac, struct arena *a,
                               struct saml_sp_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "saml_sp", NULL, NULL);
	struct sp_ctx x = {.a = a};
	enum gcas_err e = store_run(env->st, list_tx, &x);
	*out = x.list;
	*n = x.n;
	return e;
}

static enum gcas_err get_tx(struct db *db, void *ctx)
{
	struct sp_ctx *x = ctx;
	return store_saml_sp_get(db, x->a, x->id, x->r);
}

enum gcas_err svc_saml_sp_get(const struct env *env, const struct actor *ac, struct arena *a,
                              const char *id, struct saml_sp_rec *out)
{
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "saml_sp", id, NULL);
	struct sp_ctx x = {.a = a, .id = id, .r = out};
	return store_run(env->st, get_tx, &x);
}

static enum gcas_err disable_tx(struct db *db, void *ctx)
{
	struct sp_ctx *x = ctx;
	struct saml_sp_rec r;
	enum gcas_err e = store_saml_sp_get(db, x->a, x->id, &r);
	if (e)
		return e;
	if ((e = store_saml_sp_disable(db, x->id, clock_now())))
		return e;
	char *detail = audit_json(x->a, "entity_id", r.entity_id, "name", r.name, NULL);
	struct audit_event ev = {"saml.sp_disable", "saml_sp", x->id, NULL, NULL, detail};
	return audit_append(db, x->a, x->ac, &ev);
}

enum gcas_err svc_saml_sp_disable(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *id)
{
	if (!may_manage(ac))
		return audit_denied(env, ac, ACT_SSO_CLIENT_MANAGE, "saml_sp", id, NULL);
	struct sp_ctx x = {.ac = ac, .a = a, .id = id};
	return id && *id ? store_tx(env->st, disable_tx, &x) : GCAS_ERR_NOTFOUND;
}

/* ---- who the IdP is talking to ---- */

/* The SP of an entity id: a registered, active one, or the console of an active environment
 * as its driver described it (entity id and ACS URL only). */
struct sp_target {
	struct saml_sp_ref ref;
	struct saml_sp_rec rec; /* registered: rec.id set */
	struct environment en;  /* an environment's console: en.id set */
};

static enum gcas_err sp_from_env(struct db *db, struct arena *a, const char *env_id,
                                 struct sp_target *t)
{
	enum gcas_err e = store_environment_get(db, a, env_id, &t->en);
	if (e)
		return e;
	if (!t->en.saml_entity_id || !t->en.saml_acs_url)
		return GCAS_ERR_NOTFOUND;
	t->ref.entity_id = t->en.saml_entity_id;
	t->ref.metadata = saml_sp_meta_minimal(a, t->en.saml_entity_id, t->en.saml_acs_url);
	t->ref.key = arena_printf(a, "env:%s\x1f%s\x1f%s", t->en.id, t->en.saml_entity_id,
	                          t->en.saml_acs_url);
	return t->ref.metadata && t->ref.key ? GCAS_OK : GCAS_ERR_NOMEM;
}

static enum gcas_err sp_from_rec(struct arena *a, struct sp_target *t)
{
	if (t->rec.disabled_at)
		return GCAS_ERR_NOTFOUND;
	t->ref.entity_id = t->rec.entity_id;
	t->ref.metadata = t->rec.metadata;
	t->ref.key = arena_printf(a, "sp:%s:%lld", t->rec.id, (long long)t->rec.rev);
	return t->ref.key ? GCAS_OK : GCAS_ERR_NOMEM;
}

static enum gcas_err sp_resolve(struct db *db, struct arena *a, const char *entity_id,
                                int registered_only, struct sp_target *t)
{
	*t = (struct sp_target){0};
	enum gcas_err e = store_saml_sp_by_entity(db, a, entity_id, &t->rec);
	if (!e)
		return sp_from_rec(a, t);
	if (e != GCAS_ERR_NOTFOUND || registered_only)
		return e;
	t->rec = (struct saml_sp_rec){0};
	const char *env_id;
	if ((e = store_saml_env_by_entity(db, a, entity_id, &env_id)))
		return e;
	return sp_from_env(db, a, env_id, t);
}

/* ---- the person as the SP sees them ---- */

struct attr_list {
	struct saml_attr v[8];
	size_t n;
};

static void attr_add(struct arena *a, struct attr_list *l, const char *name, const char *format,
                     const char *const *values, size_t nvalues)
{
	if (l->n == sizeof(l->v) / sizeof(l->v[0]) || !nvalues)
		return;
	l->v[l->n++] = (struct saml_attr){name, format, values, nvalues};
	(void)a;
}

static void attr_one(struct arena *a, struct attr_list *l, const char *name, const char *format,
                     const char *value)
{
	const char **v = arena_alloc(a, sizeof(*v));
	if (!v || !value)
		return;
	v[0] = value;
	attr_add(a, l, name, format, v, 1);
}

/* The AWS Role value for an account at the CSP (AWS: "role ARN,provider ARN"). */
static const char *aws_role(struct arena *a, const struct saml_sp_rec *sp, const char *account,
                            enum asg_priv p)
{
	const char *role = p == ASG_PRIV_ADMIN ? sp->aws_admin_role : sp->aws_general_role;
	if (!account || !role || !sp->aws_provider_name)
		return NULL;
	return arena_printf(a, "arn:aws:iam::%s:role/%s,arn:aws:iam::%s:saml-provider/%s", account,
	                    role, account, sp->aws_provider_name);
}

/* What goes into the assertion for ac at t. only: the environment of a console sign-in (its
 * one privilege p); NULL: every active assignment of the person at the SP's CSP. */
static enum gcas_err subject_build(struct db *db, struct arena *a, const struct env *env,
                                   const struct actor *ac, const struct sp_target *t,
                                   const struct environment *only, enum asg_priv p,
                                   struct saml_subject *s)
{
	const struct account *acc = ac->acc;
	struct attr_list *l = arena_alloc(a, sizeof(*l));
	if (!l)
		return GCAS_ERR_NOMEM;
	s->account_id = acc->id;
	s->email = acc->email;
	attr_one(a, l, "email", NULL, acc->email);
	attr_one(a, l, "name", NULL, arena_printf(a, "%s %s", acc->family_name, acc->given_name));
	if (!t->rec.id || strcmp(t->rec.profile, "aws") != 0) {
		/* A console that is not AWS's learns the privilege by a plain attribute. */
		if (only)
			attr_one(a, l, "privilege", NULL, asg_priv_name(p));
		goto out;
	}
	const char **roles = NULL;
	size_t nroles = 0;
	if (only) {
		roles = arena_alloc(a, sizeof(*roles));
		if (roles && (roles[0] = aws_role(a, &t->rec, only->external_id, p)))
			nroles = 1;
	} else {
		struct assignment *as;
		size_t n;
		enum gcas_err e = store_assignments_of_account(db, a, acc->id, &as, &n);
		if (e)
			return e;
		const char *csp = t->rec.csp ? t->rec.csp : "aws";
		roles = arena_alloc(a, (n + 1) * sizeof(*roles));
		for (size_t i = 0; roles && i < n; i++) {
			struct environment en;
			if (!as[i].env_csp || strcmp(as[i].env_csp, csp) != 0)
				continue;
			/* An environment whose driver named its own console SP is entered there. */
			if ((e = store_environment_get(db, a, as[i].environment_id, &en)))
				return e;
			if (en.saml_entity_id && strcmp(en.saml_entity_id, t->rec.entity_id) != 0)
				continue;
			if ((roles[nroles] = aws_role(a, &t->rec, en.external_id, as[i].priv)))
				nroles++;
		}
	}
	/* AWS: Role values, RoleSessionName and SessionDuration (IAM User Guide, "Configure SAML
	 * assertions for the authentication response"). */
	attr_add(a, l, AWS_ROLE_ATTR, SAML_ATTR_URI, roles, nroles);
	attr_one(a, l, AWS_SESSION_NAME, SAML_ATTR_URI, acc->email);
	attr_one(a, l, AWS_SESSION_LENGTH, SAML_ATTR_URI,
	         arena_printf(a, "%lld", (long long)env->cfg->saml_session_duration));
out:
	s->attrs = l->v;
	s->nattrs = l->n;
	return GCAS_OK;
}

/* ---- the sign-in flows ---- */

struct flow {
	const struct env *env;
	const struct actor *ac;
	struct arena *a;
	int64_t now, authn_at;
	struct sp_target t;
	struct saml_idp idp;
	struct saml_login *login;
	struct saml_authn_info info;
	/* for the transactions */
	const char *entity_id, *env_id;
	int need_assignment;
	struct assignment asg;
	struct saml_subject subj;
	const char *action; /* audit */
	struct saml_pending_rec pending;
	int replay; /* out: the request ID was seen before */
	int denied; /* out: no active assignment */
};

static enum gcas_err resolve_tx(struct db *db, void *ctx)
{
	struct flow *f = ctx;
	return sp_resolve(db, f->a, f->entity_id, 0, &f->t);
}

/* The person's attributes for f->t (console SPs need an active assignment to their
 * environment: the only privilege they are told). */
static enum gcas_err subject_tx(struct db *db, void *ctx)
{
	struct flow *f = ctx;
	f->denied = 0;
	if (!f->t.en.id)
		return subject_build(db, f->a, f->env, f->ac, &f->t, NULL, ASG_PRIV_GENERAL,
		                     &f->subj);
	enum gcas_err e =
	    store_assignment_get_active(db, f->a, f->ac->acc->id, f->t.en.id, &f->asg);
	if (e == GCAS_ERR_NOTFOUND) {
		f->denied = 1;
		return GCAS_OK;
	}
	if (e)
		return e;
	return subject_build(db, f->a, f->env, f->ac, &f->t, &f->t.en, f->asg.priv, &f->subj);
}

/* Commit a Response: remember the request ID (replay) and record the sign-in. */
static enum gcas_err commit_tx(struct db *db, void *ctx)
{
	struct flow *f = ctx;
	int fresh = 1;
	f->replay = 0;
	if (f->info.id && f->info.issue_instant) {
		int64_t from = f->info.issue_instant > f->now ? f->info.issue_instant : f->now;
		enum gcas_err e = store_saml_seen_add(db, f->entity_id, f->info.id,
		                                      from + SAML_CLOCK_SKEW, &fresh);
		if (e)
			return e;
		if (!fresh) {
			f->replay = 1;
			return GCAS_ERR_CONFLICT;
		}
	}
	char *detail = audit_json(f->a, "sp", f->entity_id, "environment", f->t.en.id, "privilege",
	                          f->t.en.id ? asg_priv_name(f->asg.priv) : NULL, "request_id",
	                          f->info.id, NULL);
	struct audit_event ev = {f->action,
	                         f->t.en.id ? "environment" : "saml_sp",
	                         f->t.en.id ? f->t.en.id : f->t.rec.id,
	                         f->t.en.id ? f->t.en.agency_id : NULL,
	                         NULL,
	                         detail};
	return audit_append(db, f->a, f->ac, &ev);
}

/* Keep the request until the person has signed in (the ID goes into the replay cache now). */
static enum gcas_err pending_tx(struct db *db, void *ctx)
{
	struct flow *f = ctx;
	int fresh;
	int64_t from = f->info.issue_instant > f->now ? f->info.issue_instant : f->now;
	enum gcas_err e =
	    store_saml_seen_add(db, f->entity_id, f->info.id, from + SAML_CLOCK_SKEW, &fresh);
	if (e)
		return e;
	if (!fresh) {
		f->replay = 1;
		return GCAS_ERR_CONFLICT;
	}
	/* Now and then, while here, forget what has expired (no job needed). */
	if (rand_uniform(64) == 0)
		(void)store_saml_pending_sweep(db, f->now - SAML_PENDING_TTL, NULL);
	return store_saml_pending_insert(db, &f->pending);
}

/* Build the Response for the signed-in person and commit it. */
static enum gcas_err answer(struct flow *f, struct saml_answer *out)
{
	enum gcas_err e = store_run(f->env->st, subject_tx, f);
	if (e)
		return e;
	if (f->denied) {
		refuse_set(out, "You hold no active assignment to this environment.",
		           "この環境への有効な割り当てがありません。");
		return audit_denied(f->env, f->ac, ACT_CONSOLE_USE, "environment", f->t.en.id,
		                    f->t.en.agency_id);
	}
	f->subj.authn_at = f->authn_at;
	/* Sign outside the transaction: RSA is the slow part. */
	if ((e = saml_login_respond(f->login, &f->subj, f->now, f->env->cfg->saml_assertion_ttl,
	                            &out->post)))
		return e;
	e = store_tx(f->env->st, commit_tx, f);
	if (e == GCAS_ERR_CONFLICT && f->replay)
		refuse_set(out, "This request was used before (replayed).",
		           "この要求は既に使われています(再送)。");
	if (e)
		out->post = (struct saml_post){0};
	return e;
}

static enum gcas_err flow_start(struct flow *f, const struct env *env, const struct actor *ac,
                                int64_t authn_at, struct arena *a, struct saml_answer *out)
{
	*out = (struct saml_answer){0};
	*f = (struct flow){.env = env, .ac = ac, .a = a, .now = clock_now(), .authn_at = authn_at};
	enum gcas_err e = idp_load(env, a, f->now, &f->idp);
	if (e)
		refuse_set(out, "The identity provider has no SAML signing key yet.",
		           "IdP の SAML 署名鍵がまだありません。");
	return e;
}

enum gcas_err svc_saml_sso(const struct env *env, const struct actor *ac, int64_t authn_at,
                           struct arena *a, enum saml_binding b, const char *value, const char *msg,
                           const char *relay_state, struct saml_answer *out)
{
	struct flow f;
	char *xml;
	size_t len;
	const char *why = NULL;
	struct saml_msg_head head;
	enum gcas_err e = flow_start(&f, env, ac, authn_at, a, out);
	if (e)
		return e;
	refuse_set(out, "The SAML request is malformed.", "SAML 要求の形式が正しくありません。");
	if ((e = saml_msg_decode(a, value, b, &xml, &len, &why)) ||
	    (e = saml_msg_head(a, xml, len, &head)))
		goto refused;
	why = "the RelayState is longer than 1024 bytes";
	if (relay_state && strlen(relay_state) > SAML_RELAY_MAX) {
		e = GCAS_ERR_INVALID;
		goto refused;
	}
	f.entity_id = head.issuer;
	refuse_set(out, "The service provider is not registered.",
	           "このサービスプロバイダは登録されていません。");
	why = "unknown service provider";
	if ((e = store_run(env->st, resolve_tx, &f)))
		goto refused;
	refuse_set(out, "The SAML request was refused.", "SAML 要求を受け付けられません。");
	if ((e = saml_login_begin(a, &f.idp, &f.t.ref, b, msg, &head, &f.login, &f.info, &why)))
		goto refused;
	/* saml-profiles §4.1.4.1 leaves freshness to the IdP: a request older (or newer) than
	 * the allowed skew is refused, so the replay cache need only remember that long. */
	why = "the IssueInstant is not within 3 minutes of now";
	if (!f.info.issue_instant || f.info.issue_instant < f.now - SAML_CLOCK_SKEW ||
	    f.info.issue_instant > f.now + SAML_CLOCK_SKEW) {
		refuse_set(out, "The SAML request has expired (or its clock is wrong).",
		           "SAML 要求の有効期限が切れています(または時刻がずれています)。");
		e = GCAS_ERR_INVALID;
		goto refused;
	}
	out->relay_state = relay_state;
	f.action = "saml.sso";
	/* saml-core §3.4.1 ForceAuthn: the IdP MUST authenticate the presenter directly rather
	 * than rely on the session: kept like a request from someone not signed in, and the web
	 * layer ends the session before sending them to sign in. */
	int signed_in = ac && ac->acc, fresh = signed_in && f.info.force_authn;
	/* Genuine but not to be answered with an assertion: the SP is told why at its ACS
	 * (saml-core §3.2.2.2). IsPassive (§3.4.1): a sign-in would need a page, which it forbids.
	 */
	const char *status = f.info.unanswerable;
	if (!status && f.info.is_passive && (!signed_in || fresh))
		status = SAML_STATUS_NO_PASSIVE;
	if (status) {
		log_msg(LOG_INFO, "saml request answered with a status", "status", status, "sp",
		        f.entity_id, NULL);
		return saml_login_refuse(f.login, status, &out->post);
	}
	if (signed_in && !fresh)
		return answer(&f, out);
	out->fresh_signin = fresh;
	char *pid = arena_alloc(a, 33);
	if (!pid || rand_id(pid))
		return GCAS_ERR_CRYPTO;
	f.pending = (struct saml_pending_rec){.id = pid,
	                                      .sp = f.entity_id,
	                                      .binding = saml_binding_name(b),
	                                      .request = msg,
	                                      .relay_state = relay_state,
	                                      .created_at = f.now};
	e = store_tx(env->st, pending_tx, &f);
	if (e == GCAS_ERR_CONFLICT && f.replay)
		refuse_set(out, "This request was used before (replayed).",
		           "この要求は既に使われています(再送)。");
	if (!e)
		out->pending_id = pid;
	return e;
refused:
	log_msg(LOG_INFO, "saml request refused", "why", why ? why : gcas_err_name(e), "sp",
	        f.entity_id ? f.entity_id : "-", NULL);
	return e;
}

static enum gcas_err take_tx(struct db *db, void *ctx)
{
	struct flow *f = ctx;
	return store_saml_pending_take(db, f->a, f->pending.id, &f->pending);
}

enum gcas_err svc_saml_continue(const struct env *env, const struct actor *ac, int64_t authn_at,
                                struct arena *a, const char *pending_id, struct saml_answer *out)
{
	struct flow f;
	enum gcas_err e = flow_start(&f, env, ac, authn_at, a, out);
	if (e)
		return e;
	refuse_set(out, "This sign-in request has expired or was used already.",
	           "このサインイン要求は期限切れか、既に使われています。");
	if (!ac || !ac->acc || !pending_id || !*pending_id)
		return GCAS_ERR_NOTFOUND;
	f.pending.id = pending_id;
	if ((e = store_tx(env->st, take_tx, &f)))
		return e;
	int b = saml_binding_parse(f.pending.binding);
	if (b < 0 || f.pending.created_at < f.now - SAML_PENDING_TTL)
		return GCAS_ERR_NOTFOUND;
	f.entity_id = f.pending.sp;
	refuse_set(out, "The service provider is no longer registered.",
	           "このサービスプロバイダは登録されていません。");
	if ((e = store_run(env->st, resolve_tx, &f)))
		return e;
	/* Checked on arrival (freshness, replay, the ACS URL before Lasso); Lasso reads it again
	 * and its signature is verified again. The replay cache already holds its ID. */
	refuse_set(out, "The SAML request was refused.", "SAML 要求を受け付けられません。");
	if ((e = saml_login_begin(a, &f.idp, &f.t.ref, (enum saml_binding)b, f.pending.request,
	                          NULL, &f.login, &f.info, NULL)))
		return e;
	f.info.issue_instant = 0; /* not into the replay cache twice */
	/* ForceAuthn: the sign-in must be one made after the request arrived. */
	refuse_set(
	    out, "The service provider asks for a fresh sign-in; sign in again.",
	    "サービスプロバイダが再度のサインインを求めています。もう一度サインインしてください。");
	if (f.info.force_authn && authn_at < f.pending.created_at)
		return GCAS_ERR_AUTH;
	out->relay_state = f.pending.relay_state;
	f.action = "saml.sso";
	return answer(&f, out);
}

enum gcas_err svc_saml_idp_initiated(const struct env *env, const struct actor *ac,
                                     int64_t authn_at, struct arena *a, const char *entity_id,
                                     const char *relay_state, struct saml_answer *out)
{
	struct flow f;
	enum gcas_err e = flow_start(&f, env, ac, authn_at, a, out);
	if (e)
		return e;
	refuse_set(out, "The service provider is not registered.",
	           "このサービスプロバイダは登録されていません。");
	if (!ac || !ac->acc || !entity_id || !*entity_id)
		return GCAS_ERR_NOTFOUND;
	if (relay_state && strlen(relay_state) > SAML_RELAY_MAX)
		return GCAS_ERR_INVALID;
	struct target self = account_target(ac->acc);
	if (!policy_allows(&ac->subj, ACT_CONSOLE_USE, &self))
		return audit_denied(env, ac, ACT_CONSOLE_USE, "account", ac->acc->id, NULL);
	f.entity_id = entity_id;
	if ((e = store_run(env->st, resolve_tx, &f)))
		return e;
	if (!f.t.rec.id) /* an environment's console: through console sign-in only */
		return GCAS_ERR_NOTFOUND;
	if ((e = saml_login_begin_idp(a, &f.idp, &f.t.ref, NULL, &f.login)))
		return e;
	out->relay_state = relay_state;
	f.action = "saml.idp_initiated";
	return answer(&f, out);
}

struct console_ctx {
	struct flow *f;
	const char *env_id;
	int no_sp;
};

static enum gcas_err console_tx(struct db *db, void *ctx)
{
	struct console_ctx *c = ctx;
	struct flow *f = c->f;
	struct environment en;
	enum gcas_err e = store_environment_get(db, f->a, c->env_id, &en);
	if (e)
		return e;
	f->t = (struct sp_target){0};
	if (en.state != ENV_ACTIVE)
		return GCAS_ERR_NOTFOUND;
	e = store_assignment_get_active(db, f->a, f->ac->acc->id, en.id, &f->asg);
	if (e == GCAS_ERR_NOTFOUND) {
		f->t.en = en;
		f->denied = 1;
		return GCAS_OK;
	}
	if (e)
		return e;
	if (en.saml_entity_id && en.saml_acs_url) {
		e = sp_from_env(db, f->a, en.id, &f->t);
	} else {
		e = store_saml_sp_for_csp(db, f->a, sys_csp_name(en.csp), &f->t.rec);
		c->no_sp = e == GCAS_ERR_NOTFOUND;
		e = e ? e : sp_from_rec(f->a, &f->t);
	}
	if (e)
		return e;
	f->t.en = en;
	f->entity_id = f->t.ref.entity_id;
	return subject_build(db, f->a, f->env, f->ac, &f->t, &en, f->asg.priv, &f->subj);
}

enum gcas_err svc_saml_console_signin(const struct env *env, const struct actor *ac,
                                      int64_t authn_at, struct arena *a, const char *environment_id,
                                      struct saml_answer *out)
{
	struct flow f;
	enum gcas_err e = flow_start(&f, env, ac, authn_at, a, out);
	if (e)
		return e;
	if (!ac || !ac->acc)
		return audit_denied(env, ac, ACT_CONSOLE_USE, "environment", environment_id, NULL);
	struct target self = account_target(ac->acc);
	if (!policy_allows(&ac->subj, ACT_CONSOLE_USE, &self))
		return audit_denied(env, ac, ACT_CONSOLE_USE, "environment", environment_id, NULL);
	struct console_ctx c = {&f, environment_id, 0};
	refuse_set(out, "No such environment.", "環境が見つかりません。");
	if (!environment_id || !*environment_id)
		return GCAS_ERR_NOTFOUND;
	if ((e = store_run(env->st, console_tx, &c))) {
		if (c.no_sp) {
			refuse_set(out, "No console service provider is registered for this CSP.",
			           "この CSP のコンソール用 SP が登録されていません。");
			return GCAS_ERR_CONFLICT;
		}
		return e;
	}
	if (f.denied) {
		refuse_set(out, "You hold no active assignment to this environment.",
		           "この環境への有効な割り当てがありません。");
		return audit_denied(env, ac, ACT_CONSOLE_USE, "environment", environment_id,
		                    f.t.en.agency_id);
	}
	if ((e = saml_login_begin_idp(a, &f.idp, &f.t.ref, NULL, &f.login)))
		return e;
	f.subj.authn_at = authn_at;
	if ((e = saml_login_respond(f.login, &f.subj, f.now, env->cfg->saml_assertion_ttl,
	                            &out->post)))
		return e;
	f.action = "console.signin";
	return store_tx(env->st, commit_tx, &f);
}

/* ---- the local cloud's console ---- */

struct local_ctx {
	struct arena *a;
	const char *cloud_id, *token_hash;
	struct local_cloud_acct acct;
	struct local_cloud_session sess;
	const struct saml_sp_result *res;
	const char *user_name, *privilege, *display;
	int64_t now, ttl;
	int replay, not_provisioned, inactive;
	const char *sp_entity;
};

static enum gcas_err cloud_tx(struct db *db, void *ctx)
{
	struct local_ctx *c = ctx;
	return store_local_cloud_get(db, c->a, c->cloud_id, &c->acct);
}

static enum gcas_err local_self(const struct env *env, struct arena *a, const char *cloud_id,
                                struct saml_sp_self *sp, struct local_cloud_acct *acct)
{
	struct local_ctx c = {.a = a, .cloud_id = cloud_id};
	struct saml_idp idp;
	if (!cloud_id || !*cloud_id)
		return GCAS_ERR_NOTFOUND;
	enum gcas_err e = store_run(env->st, cloud_tx, &c);
	if (e || (e = idp_load(env, a, clock_now(), &idp)))
		return e;
	const char *b = base(env, a);
	const char *md = saml_idp_metadata(a, &idp);
	char h[SHA256_HEX_SIZE];
	if (!md || sha256_hex(md, strlen(md), h))
		return GCAS_ERR_CRYPTO;
	*sp = (struct saml_sp_self){
	    .entity_id = arena_printf(a, "%s/local-cloud/%s/saml", b, cloud_id),
	    .acs_url = arena_printf(a, "%s/local-cloud/%s/saml/acs", b, cloud_id),
	    .idp_entity_id = idp.entity_id,
	    .idp_metadata = md,
	    .cache_key = arena_strdup(a, h),
	    .key_pem = idp.key_pem,
	    .cert_pem = idp.cert_pem};
	if (acct)
		*acct = c.acct;
	return sp->entity_id && sp->acs_url && sp->cache_key ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err svc_local_saml_metadata(const struct env *env, struct arena *a, const char *cloud_id,
                                      const char **xml)
{
	struct saml_sp_self sp;
	*xml = NULL;
	enum gcas_err e = local_self(env, a, cloud_id, &sp, NULL);
	if (e)
		return e;
	*xml = saml_sp_self_metadata(a, &sp);
	return *xml ? GCAS_OK : GCAS_ERR_NOMEM;
}

enum gcas_err svc_local_saml_login(const struct env *env, struct arena *a, const char *cloud_id,
                                   const char **url, const char **request_id)
{
	struct saml_sp_self sp;
	*url = *request_id = NULL;
	enum gcas_err e = local_self(env, a, cloud_id, &sp, NULL);
	if (e)
		return e;
	return saml_sp_login_url(a, &sp, NULL, url, request_id);
}

/* The privilege the console grants: the assertion's, else the identity store's groups. */
static const char *privilege_of(struct db *db, struct local_ctx *c, const char *env_id,
                                const char *user_id)
{
	const char *p = saml_sp_attr(c->res, "privilege");
	if (p)
		return p;
	const char **names;
	size_t n;
	if (store_local_scim_user_groups(db, c->a, env_id, user_id, &names, &n))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strstr(names[i], "admin"))
			return "admin";
	return n ? "general" : NULL;
}

static enum gcas_err acs_tx(struct db *db, void *ctx)
{
	struct local_ctx *c = ctx;
	int fresh;
	enum gcas_err e = store_saml_seen_add(db, c->sp_entity, c->res->assertion_id,
	                                      c->res->not_on_or_after, &fresh);
	if (e)
		return e;
	if (!fresh) {
		c->replay = 1;
		return GCAS_ERR_CONFLICT;
	}
	const char *env_id = c->acct.label && *c->acct.label ? c->acct.label : NULL;
	struct local_scim_user u;
	e = env_id ? store_local_scim_user_by_name(db, c->a, env_id, c->user_name, &u)
	           : GCAS_ERR_NOTFOUND;
	if (e == GCAS_ERR_NOTFOUND) {
		c->not_provisioned = 1;
		return GCAS_ERR_DENIED;
	}
	if (e)
		return e;
	if (!u.active) {
		c->inactive = 1;
		return GCAS_ERR_DENIED;
	}
	c->sess = (struct local_cloud_session){
	    .id_hash = c->token_hash,
	    .cloud_id = c->cloud_id,
	    .environment_id = env_id,
	    .user_name = u.user_name,
	    .display_name = u.display_name ? u.display_name : saml_sp_attr(c->res, "name"),
	    .privilege = privilege_of(db, c, env_id, u.id),
	    .name_id = c->res->name_id,
	    .created_at = c->now,
	    .expires_at = c->now + c->ttl};
	if (rand_uniform(64) == 0)
		(void)store_local_session_sweep(db, c->now, NULL);
	return store_local_session_insert(db, &c->sess);
}

enum gcas_err svc_local_saml_acs(const struct env *env, struct arena *a, const char *cloud_id,
                                 const char *saml_response, const char *request_id,
                                 const char **token, int64_t *ttl, const char **why)
{
	struct saml_sp_self sp;
	struct saml_sp_result res;
	struct local_ctx c = {.a = a, .cloud_id = cloud_id, .now = clock_now()};
	*token = NULL;
	*ttl = 0;
	*why = "no such local cloud account";
	enum gcas_err e = local_self(env, a, cloud_id, &sp, &c.acct);
	if (e)
		return e;
	if ((e = saml_sp_accept(a, &sp, saml_response, c.now, &res, why)))
		return e;
	/* saml-profiles §4.1.4.3: InResponseTo names a request this browser sent; a Response
	 * without it is unsolicited (IdP-initiated console sign-in), which we accept. */
	*why = "the Response answers a request this browser did not send";
	if (res.in_response_to && (!request_id || strcmp(res.in_response_to, request_id) != 0))
		return GCAS_ERR_INVALID;
	c.user_name = saml_sp_attr(&res, "email");
	if (!c.user_name && res.name_id_format &&
	    strcmp(res.name_id_format, SAML_NAMEID_EMAIL) == 0)
		c.user_name = res.name_id;
	*why = "the assertion carries no email address";
	if (!c.user_name)
		return GCAS_ERR_INVALID;
	char *tok = arena_alloc(a, TOKEN_B64_CHARS + 8);
	char h[SHA256_HEX_SIZE];
	if (!tok || token_new(tok, TOKEN_B64_CHARS + 8, NULL) || token_hash(tok, h))
		return GCAS_ERR_CRYPTO;
	c.token_hash = h;
	c.res = &res;
	c.sp_entity = sp.entity_id;
	int64_t d = env->cfg->saml_session_duration;
	c.ttl = d > 0 && d < 43200 ? d : 3600;
	e = store_tx(env->st, acs_tx, &c);
	if (c.replay)
		*why = "this assertion was used before (replayed)";
	else if (c.not_provisioned)
		*why = "not provisioned: the person is not a user of this cloud";
	else if (c.inactive)
		*why = "deactivated: the person's user at this cloud is deactivated";
	if (e)
		return e;
	*why = NULL;
	*token = tok;
	*ttl = c.ttl;
	return GCAS_OK;
}

static enum gcas_err session_tx(struct db *db, void *ctx)
{
	struct local_ctx *c = ctx;
	return store_local_session_get(db, c->a, c->token_hash, c->cloud_id, c->now, &c->sess);
}

enum gcas_err svc_local_session_get(const struct env *env, struct arena *a, const char *cloud_id,
                                    const char *token, struct local_cloud_session *out)
{
	char h[SHA256_HEX_SIZE];
	if (!token || !*token || !cloud_id || token_hash(token, h))
		return GCAS_ERR_NOTFOUND;
	struct local_ctx c = {.a = a, .cloud_id = cloud_id, .token_hash = h, .now = clock_now()};
	enum gcas_err e = store_run(env->st, session_tx, &c);
	if (!e)
		*out = c.sess;
	return e;
}

struct sweep_ctx {
	int64_t now, n;
};

static enum gcas_err sweep_tx(struct db *db, void *ctx)
{
	struct sweep_ctx *s = ctx;
	int64_t a = 0, b = 0, c = 0;
	enum gcas_err e = store_saml_seen_sweep(db, s->now, &a);
	if (!e)
		e = store_saml_pending_sweep(db, s->now - SAML_PENDING_TTL, &b);
	if (!e)
		e = store_local_session_sweep(db, s->now, &c);
	s->n = a + b + c;
	return e;
}

enum gcas_err svc_saml_sweep(const struct env *env, int64_t *deleted)
{
	struct sweep_ctx s = {clock_now(), 0};
	enum gcas_err e = store_tx(env->st, sweep_tx, &s);
	if (deleted)
		*deleted = s.n;
	return e;
}
