/* SPDX-License-Identifier: MIT */
/* The operator's signing-keys page (issue 4 §4): every OIDC and SAML key with its state and
 * times, a rotation form and a revoke button per key. Only the operator (ACT_KEYS_MANAGE)
 * reaches it; the use cases decide again and audit. The CLI (`gcas keys`) does the same. */
#include <string.h>

#include "base/str.h"
#include "svc/keys.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/page_shared.h"

#define KEYS_PATH "/keys"

static const struct pages_done done[] = {
    {"rotated", "鍵をローテーションしました。新しい鍵は待ち時間の後に署名を始めます。",
     "The key was rotated. The new key starts signing after the delay."},
    {"revoked", "鍵を失効させました。", "The key was revoked."},
};

/* The three kinds of key, as the rotation form offers them ("use alg"). */
static const struct form_option kind_opts[] = {
    {"oidc RS256", "OIDC RS256"},
    {"oidc ES256", "OIDC ES256"},
    {"saml RS256", "SAML RS256"},
};

static const char *state_kind(enum key_state s)
{
	static const char *const k[] = {"info", "success", "neutral", "error"};
	return (unsigned)s < KEY_STATE__MAX ? k[s] : "neutral";
}

static const char *state_label(struct web_ctx *c, enum key_state s)
{
	switch (s) {
	case KEY_PENDING:
		return T(c, "公開済み・署名前", "Published, not signing yet");
	case KEY_ACTIVE:
		return T(c, "署名中", "Signing");
	case KEY_RETIRED:
		return T(c, "退役（公開のみ）", "Retired (published only)");
	default:
		return T(c, "失効", "Revoked");
	}
}

static void key_table(struct web_ctx *c, const struct key_info *k, size_t n)
{
	struct buf *b = &c->resp->body;
	const char *heads[] = {T(c, "鍵ID（kid）", "Key ID (kid)"),
	                       T(c, "用途", "Use"),
	                       T(c, "方式", "Algorithm"),
	                       T(c, "状態", "State"),
	                       T(c, "作成", "Created"),
	                       T(c, "署名開始", "Signs from"),
	                       T(c, "退役", "Retires"),
	                       T(c, "公開終了", "Published until"),
	                       T(c, "操作", "Actions")};
	if (!n) {
		html_printf(b, "<p>%s</p>\n",
		            T(c, "鍵がありません。`gcas keys generate` で作成してください。",
		              "There are no keys. Create them with `gcas keys generate`."));
		return;
	}
	ui_table_begin(b, "signing-keys", T(c, "署名鍵", "Signing keys"), heads, 9);
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>", k[i].kid,
		            k[i].use == KEY_USE_SAML ? "SAML" : "OIDC", key_alg_name(k[i].alg));
		ui_badge(b, state_kind(k[i].state), state_label(c, k[i].state));
		html_printf(b,
		            "</td><td class=\"nowrap\">%s</td><td class=\"nowrap\">%s</td>"
		            "<td class=\"nowrap\">%s</td><td class=\"nowrap\">%s</td><td>",
		            pages_jst(c, k[i].created_at), pages_jst(c, k[i].activate_at),
		            pages_jst(c, k[i].retired_at), pages_jst(c, k[i].publish_until));
		if (k[i].state != KEY_DESTROYED) {
			pages_form_begin(c, arena_printf(c->a, KEYS_PATH "/%s/revoke", k[i].kid),
			                 NULL);
			html_printf(
			    b,
			    "<button type=\"submit\" class=\"btn btn--secondary btn--sm\">%s"
			    "<span class=\"visually-hidden\"> %s</span></button></form>",
			    T(c, "失効させる", "Revoke"), k[i].kid);
		}
		html_lit(b, "</td></tr>\n");
	}
	ui_table_end(b);
}

static void keys_page(struct web_ctx *c, const struct key_info *k, size_t n, const struct verrs *ve)
{
	struct buf *b = &c->resp->body;
	struct field_error fe[VERR_MAX];
	size_t nfe = web_field_errors(c, ve, fe, VERR_MAX);
	static const char *const order[] = {"kind", "delay"};
	pages_sort_errors(fe, nfe, order, 2);
	pages_begin(c, "署名鍵", "Signing keys", done, sizeof(done) / sizeof(done[0]));
	html_printf(b, "<h1>%s</h1>\n", T(c, "署名鍵", "Signing keys"));
	html_printf(
	    b, "<p>%s</p>\n",
	    T(c,
	      "OpenID Connect のトークンと SAML の応答に署名する鍵です。秘密鍵は暗号化して"
	      "保存されています。ローテーションでは新しい鍵をすぐに公開し、待ち時間の後に"
	      "署名を切り替えます。古い鍵は、それで署名したものが失効するまで公開されます。",
	      "Keys signing OpenID Connect tokens and SAML responses; private keys are kept "
	      "encrypted. A rotation publishes the new key at once and switches signing to "
	      "it after the delay; the old key stays published until what it signed has "
	      "expired."));
	form_error_summary(b, c->lang, fe, nfe);
	key_table(c, k, n);
	html_printf(b, "<h2>%s</h2>\n", T(c, "ローテーション", "Rotate"));
	pages_form_begin(c, KEYS_PATH "/rotate", "form");
	const char *kind = web_form(c, "kind");
	struct form_field kf = {.name = "kind",
	                        .type = "select",
	                        .label = T(c, "鍵の種類", "Kind of key"),
	                        .value = *kind ? kind : "oidc RS256",
	                        .error = form_error_for(fe, nfe, "kind"),
	                        .required = 1,
	                        .options = kind_opts,
	                        .noptions = sizeof(kind_opts) / sizeof(kind_opts[0])};
	pages_field(c, &kf);
	const char *delay = web_form(c, "delay");
	struct form_field df = {
	    .name = "delay",
	    .label = T(c, "署名開始までの待ち時間（秒）", "Delay before it signs (seconds)"),
	    .hint = T(c,
	              "既定はキャッシュ更新間隔の2倍です。0 にするとすぐに切り替わります"
	              "（他のノードがまだ公開していない可能性があります）。",
	              "Default: twice the key refresh interval. 0 switches at once (other nodes "
	              "may not publish the new key yet)."),
	    .value = *delay ? delay
	                    : arena_printf(c->a, "%lld", (long long)svc_keys_default_delay(c->env)),
	    .error = form_error_for(fe, nfe, "delay"),
	    .required = 1,
	    .inputmode = "numeric",
	    .width_chars = 10};
	pages_field(c, &df);
	form_submit(b, T(c, "ローテーションする", "Rotate"), "primary");
	html_lit(b, "</form>\n");
	web_page_end(c);
}

static int show(struct web_ctx *c, const struct verrs *ve)
{
	struct key_info *k = NULL;
	size_t n = 0;
	enum gcas_err e = svc_keys_list(c->env, &c->ac, c->a, &k, &n);
	if (e) {
		web_fail(c, e);
		return -1;
	}
	keys_page(c, k, n, ve);
	return 0;
}

void page_keys(struct web_ctx *c)
{
	show(c, NULL);
}

void page_keys_rotate(struct web_ctx *c)
{
	struct verrs ve = {0};
	const char *kind = web_form(c, "kind"), *delay = web_form(c, "delay");
	char use[8] = "", alg[8] = "";
	int64_t d = -1;
	const char *sp = strchr(kind, ' ');
	if (!sp || (size_t)(sp - kind) >= sizeof(use) || str_copy(alg, sizeof(alg), sp + 1))
		verr_add(&ve, "kind", "鍵の種類を選んでください", "Choose the kind of key");
	else
		memcpy(use, kind, (size_t)(sp - kind));
	if (*delay && (strspn(delay, "0123456789") != strlen(delay) || str_to_i64(delay, &d)))
		verr_add(&ve, "delay", "待ち時間は秒数（整数）で入力してください",
		         "Enter the delay as a whole number of seconds");
	char kid[64];
	enum gcas_err e =
	    ve.n ? GCAS_ERR_INVALID : svc_keys_rotate(c->env, &c->ac, c->a, use, alg, d, kid, &ve);
	if ((e == GCAS_ERR_INVALID || e == GCAS_ERR_CONFLICT) && ve.n) {
		/* The form's fields are "kind" and "delay": a use/alg message belongs to kind. */
		for (size_t i = 0; i < ve.n; i++)
			if (strcmp(ve.e[i].field, "use") == 0 || strcmp(ve.e[i].field, "alg") == 0)
				ve.e[i].field = "kind";
		c->resp->status = 422;
		show(c, &ve);
		return;
	}
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, KEYS_PATH "?done=rotated");
}

void page_keys_revoke(struct web_ctx *c)
{
	enum gcas_err e = svc_keys_revoke(c->env, &c->ac, c->a, web_param(c, 0));
	if (e) {
		web_fail(c, e);
		return;
	}
	web_redirect(c, KEYS_PATH "?done=revoked");
}
