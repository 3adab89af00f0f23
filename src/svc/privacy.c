/* SPDX-License-Identifier: MIT */
/* The operator's access purpose (R7.2, regulation §5.2.2): the categories, the checks of a
 * declared purpose and of the GCAS-Access-Purpose header, and the use case that records one
 * with the session, and purpose_read_recorded/purpose_record_read: the one rule for which reads
 * are recorded and how, used by every read use case (accounts, groups, assignments, review,
 * applications, BreakGlass). */
#include "svc/privacy.h"

#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "svc/audit.h"

/* §5.2.2 lists the only cases in which the operator may use or pass on user information. */
const struct purpose_label purpose_labels[PURPOSE__MAX] = {
    [PURPOSE_OPERATIONS] = {"operations", "GCASの整備、運用管理、サービス提供及び調整",
                            "Running GCAS (maintenance, operation, service and coordination)"},
    [PURPOSE_LEGAL] = {"legal", "法律又は政令に基づく開示義務",
                       "A disclosure required by law or cabinet order"},
    [PURPOSE_PUBLISHED] = {"published", "あらかじめ明示した目的", "A purpose published in advance"},
    [PURPOSE_AGREEMENT] = {"agreement", "利用機関の合意", "The agency agreed to the disclosure"},
    [PURPOSE_SECURITY] = {"security", "内閣、デジタル庁又は法執行機関の要請",
                          "A security request from the Cabinet, the Digital Agency or law "
                          "enforcement"},
};

const struct purpose_label *purpose_label_find(const char *key)
{
	if (!key)
		return NULL;
	for (int i = 0; i < PURPOSE__MAX; i++)
		if (strcmp(purpose_labels[i].key, key) == 0)
			return &purpose_labels[i];
	return NULL;
}

int purpose_needed(const struct actor *ac)
{
	/* Only a person: the system actor also has operator rights but reads for jobs and the
	 * CLI, whose runs are recorded by their own use cases. */
	return ac && !ac->subj.is_system && ac->subj.account_id && ac->subj.role == ROLE_OPERATOR;
}

int purpose_read_recorded(const struct actor *ac, const char *work)
{
	return purpose_needed(ac) && (ac->purpose || work);
}

/* {"category", "reason", extra...} as canonical JSON text in a. */
static char *read_detail(struct arena *a, const char *category, const char *reason,
                         const char *const *extra)
{
	size_t n = 0;
	while (extra && extra[n])
		n += 2;
	const char **kv = arena_alloc(a, (n + 5) * sizeof(*kv));
	if (!kv)
		return NULL;
	kv[0] = "category";
	kv[1] = category;
	kv[2] = "reason";
	kv[3] = reason;
	for (size_t i = 0; i < n; i++)
		kv[4 + i] = extra[i];
	kv[4 + n] = NULL;
	return audit_json_pairs(a, kv);
}

enum gcas_err purpose_record_read(const struct env *env, struct db *db, struct arena *a,
                                  const struct actor *ac, const char *work,
                                  const struct audit_event *ev, const char *const *extra)
{
	if (!purpose_read_recorded(ac, work))
		return GCAS_OK;
	/* A workflow read is the operator's duty itself (§5.2.2 「GCASの整備、運用管理、サービス
	 * 提供及び調整」): not asked for, but recorded under that case, naming the work item. */
	const char *category =
	    ac->purpose ? ac->purpose->category : purpose_labels[PURPOSE_OPERATIONS].key;
	const char *reason = ac->purpose ? ac->purpose->reason : work;
	struct audit_event rec = *ev;
	rec.detail = read_detail(a, category, reason, extra);
	if (!rec.detail)
		return GCAS_ERR_NOMEM;
	return db ? audit_append(db, a, ac, &rec) : audit_record(env, ac, &rec);
}

/* 1 when s holds a C0 control, DEL or a C1 control (U+0080..U+009F): a reason is one line of
 * text shown in the audit log, where such characters could forge or hide a line. */
static int has_control(const char *s)
{
	const char *p = s, *end = s + strlen(s);
	while (p < end) {
		int32_t cp = utf8_next(&p, end);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return 1;
	}
	return 0;
}

int purpose_check(const char *category, const char *reason, struct verrs *ve)
{
	int bad = 0;
	if (!purpose_label_find(category)) {
		verr_add(ve, "purpose", "利用目的を選んでください",
		         "Choose the purpose of the access");
		bad = 1;
	}
	size_t n = reason ? strlen(reason) : 0;
	if (n == 0) {
		verr_add(ve, "reason", "理由(問い合わせ番号など)を入力してください",
		         "Enter the reason (an inquiry or ticket number, for example)");
		return -1;
	}
	if (!utf8_valid(reason, n) || has_control(reason)) {
		verr_add(ve, "reason", "理由に使えない文字が含まれています",
		         "The reason contains characters that cannot be used");
		return -1;
	}
	if (utf8_count(reason, n) > PURPOSE_REASON_MAX) {
		verr_add(ve, "reason", "理由は200文字以内で入力してください",
		         "Enter the reason in 200 characters or fewer");
		return -1;
	}
	return bad ? -1 : 0;
}

static const char *trim(struct arena *a, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

enum gcas_err purpose_parse_header(struct arena *a, const char *value, struct access_purpose *out,
                                   struct verrs *ve)
{
	*out = (struct access_purpose){0};
	const char *semi = value ? strchr(value, ';') : NULL;
	if (!semi) {
		verr_add(ve, "GCAS-Access-Purpose",
		         "GCAS-Access-Purpose ヘッダーに「区分; 理由」を指定してください",
		         "Send the header GCAS-Access-Purpose: <category>; <reason>");
		return GCAS_ERR_INVALID;
	}
	const char *cat = trim(a, value, (size_t)(semi - value));
	const char *reason = trim(a, semi + 1, strlen(semi + 1));
	if (!cat || !reason)
		return GCAS_ERR_NOMEM;
	if (purpose_check(cat, reason, ve))
		return GCAS_ERR_INVALID;
	out->category = cat;
	out->reason = reason;
	return GCAS_OK;
}

struct declare_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *hash;
	struct access_purpose p;
};

static enum gcas_err declare_tx(struct db *db, void *ctx)
{
	struct declare_ctx *c = ctx;
	enum gcas_err e =
	    store_session_purpose_set(db, c->hash, c->p.category, c->p.reason, c->p.until);
	if (e)
		return e;
	char *detail = audit_json(c->a, "category", c->p.category, "reason", c->p.reason, NULL);
	if (!detail)
		return GCAS_ERR_NOMEM;
	/* Filed with no agency: the operator's own record (§5.2.2 binds the operator). */
	struct audit_event ev = {
	    "privacy.purpose", "account", c->ac->subj.account_id, NULL, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_purpose_declare(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *session_hash, const char *category,
                                  const char *reason, struct access_purpose *out, struct verrs *ve)
{
	if (!purpose_needed(ac)) {
		struct audit_event ev = {"privacy.purpose",  "account", ac->subj.account_id,
		                         ac->subj.agency_id, "denied",  NULL};
		audit_record(env, ac, &ev);
		return GCAS_ERR_DENIED;
	}
	if (!session_hash)
		return GCAS_ERR_NOTFOUND;
	if (purpose_check(category, reason, ve))
		return GCAS_ERR_INVALID;
	struct declare_ctx c = {
	    ac, a, session_hash, {category, reason, clock_now() + env->cfg->purpose_ttl}};
	enum gcas_err e = store_tx(env->st, declare_tx, &c);
	if (!e && out)
		*out = c.p;
	return e;
}

struct current_ctx {
	struct arena *a;
	const char *hash;
	struct session_purpose sp;
};

static enum gcas_err current_tx(struct db *db, void *ctx)
{
	struct current_ctx *c = ctx;
	return store_session_purpose_get(db, c->a, c->hash, &c->sp);
}

enum gcas_err svc_purpose_current(const struct env *env, struct arena *a, const char *session_hash,
                                  struct access_purpose *out)
{
	*out = (struct access_purpose){0};
	if (!session_hash)
		return GCAS_ERR_NOTFOUND;
	struct current_ctx c = {a, session_hash, {0}};
	enum gcas_err e = store_run(env->st, current_tx, &c);
	if (e)
		return e;
	/* A lapsed purpose is asked again; a stored category this build no longer knows is
	 * treated as none rather than trusted. */
	if (!c.sp.purpose || !c.sp.reason || c.sp.until <= clock_now() ||
	    !purpose_label_find(c.sp.purpose))
		return GCAS_ERR_NOTFOUND;
	*out = (struct access_purpose){c.sp.purpose, c.sp.reason, c.sp.until};
	return GCAS_OK;
}
