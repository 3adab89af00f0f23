/* SPDX-License-Identifier: MIT */
/* Mail to people (R5.5) and the rules for their addresses (R2.8): rendering templates into the
 * outbox inside the caller's transaction, the personal-address rule (role and list names, the
 * operator's blocklist, one account per address), set-up and verification links, and the
 * operator's blocklist use cases. Delivery is in mailer.c. */
#include "svc/mail.h"

#include <fnmatch.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/utf8.h"
#include "core/mime.h"
#include "core/validate.h"
#include "crypto/token.h"
#include "signer/signer.h"
#include "store/outbox.h"
#include "svc/audit.h"

#define MAIL_BODY_MAX    (256u * 1024u)
#define MAIL_SUBJECT_MAX 998 /* RFC 5322 §2.1.1 line limit, before encoding */
#define VAR_NAME_MAX     64
#define BLOCK_NOTE_MAX   200

/* ---- templates ---- */

static const struct mail_tmpl tmpl_setup = {
    .name = "account.setup",
    .subject_ja = "GCASアカウントの設定",
    .subject_en = "Set up your GCAS account",
    .body_ja = "{{name}} 様\n\n"
               "GCASのアカウントが発行されました。次のリンクからパスワードを設定してください。\n\n"
               "{{url}}\n\n"
               "このリンクは一度だけ使え、{{hours}}時間で無効になります。"
               "心当たりがない場合は、このメールを破棄してください。\n",
    .body_en = "Dear {{name}},\n\n"
               "A GCAS account has been issued to you. Set your password at this link:\n\n"
               "{{url}}\n\n"
               "The link works once and expires in {{hours}} hours. If you did not expect this "
               "message, please discard it.\n",
};

static const struct mail_tmpl tmpl_verify = {
    .name = "account.verify_email",
    .subject_ja = "GCAS: メールアドレスの確認",
    .subject_en = "GCAS: confirm your email address",
    .body_ja = "{{name}} 様\n\n"
               "GCASアカウントのメールアドレスをこのアドレスに変更する手続きが行われました。"
               "次のリンクを開き、確認ボタンを押すと変更が完了します。\n\n"
               "{{url}}\n\n"
               "このリンクは一度だけ使え、{{hours}}時間で無効になります。\n",
    .body_en = "Dear {{name}},\n\n"
               "Your GCAS account's email address is being changed to this address. Open the "
               "link below and press the confirm button to complete the change.\n\n"
               "{{url}}\n\n"
               "The link works once and expires in {{hours}} hours.\n",
};

/* The current address hears of a change too, so a hijacked change does not go unnoticed. */
static const struct mail_tmpl tmpl_change_notice = {
    .name = "account.email_change_notice",
    .subject_ja = "GCAS: メールアドレス変更の手続き",
    .subject_en = "GCAS: your email address is being changed",
    .body_ja = "{{name}} 様\n\n"
               "GCASアカウントのメールアドレスを {{new_email}} に変更する手続きが行われました。"
               "新しいアドレスで確認されるまで、このアドレスが使われます。"
               "心当たりがない場合は、管理者に連絡してください。\n",
    .body_en = "Dear {{name}},\n\n"
               "A change of your GCAS account's email address to {{new_email}} was requested. "
               "This address stays in use until the new one is confirmed. If you did not ask "
               "for this, contact your manager.\n",
};

static const char *var_get(const char *const *vars, const char *key, size_t klen)
{
	for (size_t i = 0; vars && vars[i] && vars[i + 1]; i += 2)
		if (strlen(vars[i]) == klen && memcmp(vars[i], key, klen) == 0)
			return vars[i + 1];
	return NULL;
}

static int var_name_ok(const char *k, size_t n)
{
	if (n == 0 || n > VAR_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)k[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		         (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
		if (!ok)
			return 0;
	}
	return 1;
}

/* Append t with every {{name}} replaced by its value (a missing one renders empty). Text that
 * only looks like a placeholder ("{{ x }}", unterminated) is copied as it is. */
static void render(struct buf *b, const char *t, const char *const *vars)
{
	while (t && *t) {
		const char *open = strstr(t, "{{");
		if (!open) {
			buf_puts(b, t);
			return;
		}
		const char *close = strstr(open + 2, "}}");
		size_t klen = close ? (size_t)(close - open - 2) : 0;
		if (!close || !var_name_ok(open + 2, klen)) {
			buf_append(b, t, (size_t)(open - t) + 2);
			t = open + 2;
			continue;
		}
		buf_append(b, t, (size_t)(open - t));
		const char *v = var_get(vars, open + 2, klen);
		if (v)
			buf_puts(b, v);
		t = close + 2;
	}
}

static void footer(struct buf *b, const struct env *env)
{
	buf_puts(b, "\n-- \nGCAS (Government Cloud Assistant Service)\n");
	buf_puts(b, env->cfg->base_url ? env->cfg->base_url : "");
	/* 規程2.4: mail goes only to the work address tied to the account; say so. */
	buf_puts(b, "\nこのアドレスはGCASアカウントに紐づく職場メールアドレスです (規程2.4)\n"
	            "This is the work address tied to a GCAS account (regulation 2.4).\n");
}

enum gcas_err mail_render(const struct env *env, struct arena *a, const char *to,
                          const char *account_id, const struct mail_tmpl *t,
                          const char *const *vars, struct outbox_msg *out)
{
	char addr[VALIDATE_EMAIL_MAX + 1];
	struct buf subj, body;
	enum gcas_err e = GCAS_ERR_INVALID;
	/* One addr-spec, nothing else: no display name, no second recipient, no CR/LF that would
	 * start a header of its own (header injection). */
	if (!t || !t->name || !to || mime_has_crlf(to) || validate_email(to, addr, sizeof(addr)))
		return GCAS_ERR_INVALID;
	buf_init(&subj, MAIL_SUBJECT_MAX);
	buf_init(&body, MAIL_BODY_MAX);
	render(&subj, t->subject_ja, vars);
	if (t->subject_en && *t->subject_en) {
		buf_puts(&subj, " / ");
		render(&subj, t->subject_en, vars);
	}
	render(&body, t->body_ja, vars);
	buf_puts(&body, "\n---- English ----\n\n");
	render(&body, t->body_en, vars);
	footer(&body, env);
	if (subj.failed || body.failed) {
		e = GCAS_ERR_NOMEM;
		goto out;
	}
	/* A variable carrying CR/LF into the subject would forge headers: refuse it. */
	if (!subj.data || mime_has_crlf(subj.data) || !utf8_valid_text(subj.data, subj.len) ||
	    !utf8_valid_text(body.data, body.len))
		goto out;
	char id[33];
	if (rand_id(id)) {
		e = GCAS_ERR_CRYPTO;
		goto out;
	}
	*out = (struct outbox_msg){.id = arena_strdup(a, id),
	                           .to_addr = arena_strdup(a, addr),
	                           .account_id = account_id,
	                           .template_name = t->name,
	                           .subject = arena_memdup(a, subj.data, subj.len + 1),
	                           .body = arena_memdup(a, body.data, body.len + 1),
	                           .created_at = clock_now()};
	e = out->id && out->to_addr && out->subject && out->body ? GCAS_OK : GCAS_ERR_NOMEM;
out:
	buf_free(&subj);
	buf_free(&body);
	return e;
}

enum gcas_err mail_enqueue(struct db *db, const struct env *env, struct arena *a, const char *to,
                           const char *account_id, const struct mail_tmpl *t,
                           const char *const *vars)
{
	struct outbox_msg m;
	enum gcas_err e = mail_render(env, a, to, account_id, t, vars, &m);
	return e ? e : store_outbox_insert(db, &m);
}

const char mail_erased_body[] =
    "（この通知には認証情報が含まれていたため、送信後に本文を消去しました）\n"
    "(This message carried a credential; its body was erased after sending.)\n";

/* Seal the rendered body under the signer's key (purpose "mail"), as auth.c seals TOTP secrets:
 * a copy of the database or of a backup then holds no usable credential, even while the message
 * waits for the relay. */
enum gcas_err mail_enqueue_secret(struct db *db, const struct env *env, struct arena *a,
                                  const char *to, const char *account_id, const struct mail_tmpl *t,
                                  const char *const *vars)
{
	struct outbox_msg m;
	char *sealed = NULL;
	enum gcas_err e = mail_render(env, a, to, account_id, t, vars, &m);
	if (e)
		return e;
	m.sensitive = 1;
	if (env->signer) {
		e = signer_seal(env->signer, a, "mail", m.body, strlen(m.body), &sealed);
		if (e)
			return e;
		m.body = arena_printf(a, MAIL_SEALED "%s", sealed);
		if (!m.body)
			return GCAS_ERR_NOMEM;
	}
	return store_outbox_insert(db, &m);
}

enum gcas_err mail_body_open(const struct env *env, struct arena *a, const struct outbox_msg *m,
                             const char **body)
{
	char *plain = NULL;
	size_t len = 0;
	*body = m->body;
	/* Only a sensitive row can be sealed: an ordinary body that happens to start with the
	 * prefix is delivered as written. */
	if (!m->sensitive || !m->body || strncmp(m->body, MAIL_SEALED, strlen(MAIL_SEALED)) != 0)
		return GCAS_OK;
	*body = NULL;
	if (!env->signer)
		return GCAS_ERR_CRYPTO;
	enum gcas_err e =
	    signer_unseal(env->signer, a, "mail", m->body + strlen(MAIL_SEALED), &plain, &len);
	if (e)
		return e;
	/* The sealed text was a NUL-free rendered body; one with a NUL inside is not ours. */
	if (strlen(plain) != len)
		return GCAS_ERR_CRYPTO;
	*body = plain;
	return GCAS_OK;
}

/* ---- the personal-address rule (R2.8) ---- */

static int blocked(struct db *db, struct arena *a, const char *addr, enum gcas_err *err)
{
	struct blocklist_row *rows;
	size_t n = 0;
	*err = store_blocklist_list(db, a, 0, &rows, &n);
	if (*err)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char *pat = arena_strdup(a, rows[i].pattern);
		if (!pat) {
			*err = GCAS_ERR_NOMEM;
			return 0;
		}
		str_lower(pat);
		/* Exact entries are globs without wildcards; addr is already lower case. */
		if (fnmatch(pat, addr, 0) == 0)
			return 1;
	}
	return 0;
}

int mail_address_acceptable(struct db *db, struct arena *a, const char *email,
                            const char *except_account_id, const char *field, struct verrs *ve,
                            enum gcas_err *err)
{
	char addr[VALIDATE_EMAIL_MAX + 1];
	*err = GCAS_OK;
	enum vproblem p = validate_email(email, addr, sizeof(addr));
	if (p) {
		verr_add(ve, field, validate_msg(p, 0), validate_msg(p, 1));
		return 0;
	}
	if (validate_email_is_list_address(addr)) {
		verr_add(
		    ve, field, "メーリングリストや共用のアドレスは登録できません (規程 別表1)",
		    "Mailing lists and shared addresses cannot be registered (regulation, table "
		    "1)");
		return 0;
	}
	if (blocked(db, a, addr, err)) {
		verr_add(
		    ve, field,
		    "このアドレスは共用アドレスとして登録が禁止されています (規程 別表1)",
		    "This address is on the list of shared addresses that cannot be registered "
		    "(regulation, table 1)");
		return 0;
	}
	if (*err)
		return 0;
	int64_t n = 0;
	if ((*err = store_email_in_use(db, addr, except_account_id, &n)))
		return 0;
	if (n > 0) {
		verr_add(ve, field, "このメールアドレスは既に別のアカウントで使われています",
		         "This email address is already used by another account");
		return 0;
	}
	return 1;
}

/* ---- links ---- */

static const char *hours_of(struct arena *a, const struct env *env)
{
	int64_t h = env->cfg->setup_link_ttl / 3600;
	return arena_printf(a, "%lld", (long long)(h > 0 ? h : 1));
}

static const char *person(struct arena *a, const struct account *acc)
{
	return arena_printf(a, "%s %s", acc->family_name ? acc->family_name : "",
	                    acc->given_name ? acc->given_name : "");
}

enum gcas_err mail_send_setup_link(struct db *db, const struct env *env, struct arena *a,
                                   const struct account *acc, const char *link_token)
{
	if (!acc || !link_token || !*link_token)
		return GCAS_ERR_INVALID;
	const char *url = arena_printf(a, "%s/setup/%s", env->cfg->base_url, link_token);
	const char *name = person(a, acc), *hours = hours_of(a, env);
	if (!url || !name || !hours)
		return GCAS_ERR_NOMEM;
	const char *vars[] = {"name", name, "url", url, "hours", hours, "email", acc->email, NULL};
	return mail_enqueue(db, env, a, acc->email, acc->id, &tmpl_setup, vars);
}

enum gcas_err mail_send_verification(struct db *db, const struct env *env, struct arena *a,
                                     const struct account *acc, int64_t now)
{
	char tok[TOKEN_B64_CHARS + 8], hash[SHA256_HEX_SIZE];
	enum gcas_err e;
	if (!acc || !acc->pending_email)
		return GCAS_ERR_INVALID;
	if ((e = token_new(tok, sizeof(tok), NULL)) || (e = token_hash(tok, hash)))
		goto out;
	/* Only the newest link counts: an older one, mailed to an address since replaced, must
	 * not confirm the new address. */
	if ((e = store_link_revoke_purpose(db, acc->id, "verify", now)) ||
	    (e = store_link_insert(db, hash, acc->id, "verify", now,
	                           now + env->cfg->setup_link_ttl)))
		goto out;
	const char *url = arena_printf(a, "%s/verify/%s", env->cfg->base_url, tok);
	const char *name = person(a, acc), *hours = hours_of(a, env);
	if (!url || !name || !hours) {
		e = GCAS_ERR_NOMEM;
		goto out;
	}
	const char *vars[] = {"name", name, "url", url, "hours", hours, NULL};
	if ((e = mail_enqueue(db, env, a, acc->pending_email, acc->id, &tmpl_verify, vars)))
		goto out;
	if (acc->email && strcmp(acc->email, acc->pending_email) != 0) {
		const char *nvars[] = {"name", name, "new_email", acc->pending_email, NULL};
		e = mail_enqueue(db, env, a, acc->email, acc->id, &tmpl_change_notice, nvars);
	}
out:
	explicit_bzero(tok, sizeof(tok));
	return e;
}

struct verify_ctx {
	struct arena *a;
	const char *hash, *ip;
	int consume;
	struct account *out;
};

static enum gcas_err verify_tx(struct db *db, void *ctx)
{
	struct verify_ctx *c = ctx;
	int64_t now = clock_now();
	const char *acc_id;
	enum gcas_err e = c->consume
	                      ? store_link_use_purpose(db, c->a, c->hash, "verify", now, &acc_id)
	                      : store_link_peek_purpose(db, c->a, c->hash, "verify", now, &acc_id);
	if (e || (e = store_account_get(db, c->a, acc_id, c->out)))
		return e;
	struct account *acc = c->out;
	if (!acc->pending_email ||
	    (acc->status != ACCOUNT_ACTIVE && acc->status != ACCOUNT_PENDING))
		return GCAS_ERR_NOTFOUND;
	if (!c->consume)
		return GCAS_OK;
	/* R2.8: the address may have been registered elsewhere since the change was asked. */
	int64_t n = 0;
	if ((e = store_email_in_use(db, acc->pending_email, acc->id, &n)))
		return e;
	if (n > 0)
		return GCAS_ERR_CONFLICT;
	const char *previous = acc->email;
	if ((e = store_account_email_apply(db, acc->id, now)) ||
	    (e = store_account_get(db, c->a, acc->id, c->out)))
		return e;
	struct actor ac = {0};
	actor_from_account(&ac, c->out);
	ac.ip = c->ip;
	char *detail = audit_json(c->a, "previous", previous, "email", c->out->email, NULL);
	struct audit_event ev = {"account.email_verified", "account", acc->id,
	                         acc->agency_id,           NULL,      detail};
	return audit_append(db, c->a, &ac, &ev);
}

static enum gcas_err verify_run(const struct env *env, struct arena *a, const char *token,
                                const char *ip, int consume, struct account *out)
{
	char hash[SHA256_HEX_SIZE];
	if (!token || !*token || strlen(token) > 128 || token_hash(token, hash))
		return GCAS_ERR_NOTFOUND;
	struct verify_ctx c = {a, arena_strdup(a, hash), ip, consume, out};
	if (!c.hash)
		return GCAS_ERR_NOMEM;
	return consume ? store_tx(env->st, verify_tx, &c) : store_run(env->st, verify_tx, &c);
}

enum gcas_err svc_email_verify_peek(const struct env *env, struct arena *a, const char *token,
                                    struct account *out)
{
	return verify_run(env, a, token, NULL, 0, out);
}

enum gcas_err svc_email_verify(const struct env *env, struct arena *a, const char *token,
                               const char *ip, struct account *out)
{
	return verify_run(env, a, token, ip, 1, out);
}

/* ---- the operator's blocklist ---- */

static int allowed(const struct actor *ac)
{
	struct target t = {0};
	return policy_allows(&ac->subj, ACT_MAIL_BLOCKLIST, &t);
}

/* A pattern is an address or a glob over addresses (fnmatch: * ? [..]), lower case, printable
 * ASCII without spaces, with an '@' and a domain naming at least one letter (so no entry can
 * refuse every address). */
static int pattern_ok(const char *p)
{
	size_t n = strlen(p);
	const char *at = strrchr(p, '@');
	if (n < 3 || n > VALIDATE_EMAIL_MAX || !at)
		return 0;
	for (const char *q = p; *q; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q > 0x7e)
			return 0;
	for (const char *q = at + 1; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			return 1;
	return 0;
}

struct block_ctx {
	const struct actor *ac;
	struct arena *a;
	struct blocklist_row row;
	struct verrs *ve;
};

static enum gcas_err block_add_tx(struct db *db, void *ctx)
{
	struct block_ctx *c = ctx;
	enum gcas_err e = store_blocklist_insert(db, &c->row);
	if (e == GCAS_ERR_CONFLICT)
		verr_add(c->ve, "pattern", "このパターンは既に登録されています",
		         "This pattern is already on the list");
	if (e)
		return e;
	char *detail = audit_json(c->a, "pattern", c->row.pattern, "note", c->row.note, NULL);
	struct audit_event ev = {"mail.block_add", "mail_blocklist", c->row.id, NULL, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_mail_block_add(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *pattern, const char *note, struct verrs *ve)
{
	if (!allowed(ac))
		return audit_denied(env, ac, ACT_MAIL_BLOCKLIST, "mail_blocklist", NULL, NULL);
	char *pat = arena_strdup(a, pattern ? pattern : "");
	char id[33];
	if (!pat)
		return GCAS_ERR_NOMEM;
	str_trim(pat);
	str_lower(pat);
	if (!*pat)
		verr_add(ve, "pattern", "パターンを入力してください", "Enter a pattern");
	else if (!pattern_ok(pat))
		verr_add(
		    ve, "pattern",
		    "アドレスか、* や ? を使ったパターン (例: ml-*@example.go.jp) を入力してくだ"
		    "さい",
		    "Enter an address, or a pattern using * and ? (e.g. ml-*@example.go.jp)");
	enum vproblem p = note ? validate_text(note, BLOCK_NOTE_MAX, 0) : VP_OK;
	if (p)
		verr_add(ve, "note", validate_msg(p, 0), validate_msg(p, 1));
	else if (note && validate_individual_number_in(note))
		verr_add(ve, "note", validate_msg(VP_INDIVIDUAL_NUMBER, 0),
		         validate_msg(VP_INDIVIDUAL_NUMBER, 1));
	if (ve->n)
		return GCAS_ERR_INVALID;
	if (rand_id(id))
		return GCAS_ERR_CRYPTO;
	struct block_ctx c = {ac, a, {0}, ve};
	c.row = (struct blocklist_row){.id = id,
	                               .pattern = pat,
	                               .note = note && *note ? note : NULL,
	                               .created_by = ac->acc ? ac->acc->id : ac->label,
	                               .created_at = clock_now()};
	enum gcas_err e = store_tx(env->st, block_add_tx, &c);
	return e == GCAS_ERR_CONFLICT ? GCAS_ERR_INVALID : e;
}

struct block_rm_ctx {
	const struct actor *ac;
	struct arena *a;
	const char *id;
};

static enum gcas_err block_remove_tx(struct db *db, void *ctx)
{
	struct block_rm_ctx *c = ctx;
	struct blocklist_row r;
	enum gcas_err e = store_blocklist_get(db, c->a, c->id, &r);
	if (e || (e = store_blocklist_delete(db, c->id)))
		return e;
	char *detail = audit_json(c->a, "pattern", r.pattern, NULL);
	struct audit_event ev = {"mail.block_remove", "mail_blocklist", c->id, NULL, NULL, detail};
	return audit_append(db, c->a, c->ac, &ev);
}

enum gcas_err svc_mail_block_remove(const struct env *env, const struct actor *ac, struct arena *a,
                                    const char *id)
{
	if (!allowed(ac))
		return audit_denied(env, ac, ACT_MAIL_BLOCKLIST, "mail_blocklist", id, NULL);
	if (!id || !*id || strlen(id) > 64)
		return GCAS_ERR_NOTFOUND;
	struct block_rm_ctx c = {ac, a, id};
	return store_tx(env->st, block_remove_tx, &c);
}

struct block_list_ctx {
	struct arena *a;
	struct blocklist_row *rows;
	size_t n;
};

static enum gcas_err block_list_tx(struct db *db, void *ctx)
{
	struct block_list_ctx *c = ctx;
	return store_blocklist_list(db, c->a, 0, &c->rows, &c->n);
}

enum gcas_err svc_mail_block_list(const struct env *env, const struct actor *ac, struct arena *a,
                                  struct mail_block **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!allowed(ac))
		return audit_denied(env, ac, ACT_MAIL_BLOCKLIST, "mail_blocklist", NULL, NULL);
	struct block_list_ctx c = {a, NULL, 0};
	enum gcas_err e = store_run(env->st, block_list_tx, &c);
	if (e)
		return e;
	struct mail_block *m = c.n ? arena_alloc(a, c.n * sizeof(*m)) : NULL;
	if (c.n && !m)
		return GCAS_ERR_NOMEM;
	for (size_t i = 0; i < c.n; i++)
		m[i] = (struct mail_block){c.rows[i].id, c.rows[i].pattern, c.rows[i].note,
		                           c.rows[i].created_by, c.rows[i].created_at};
	*out = m;
	*n = c.n;
	return GCAS_OK;
}
