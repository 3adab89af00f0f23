/* SPDX-License-Identifier: MIT */
/* Account pages: the scoped list with its filters, issuing an account (the operator issues
 * directly, roles offered per the certification chain, form errors kept, the set-up link shown
 * once and working; managers are sent to the application form, 別表1), the detail view's
 * actions (managers disable and reset, and apply for the rest), disabling (which ends the
 * person's session), enabling, editing with the version check, and refusals across agencies
 * (403, recorded, nothing changed). */
#include "test_pages.h"

/* Copy the token of the first "/setup/<token>" in body into out (128 bytes). */
static const char *setup_token(const char *body, char *out)
{
	const char *p = body ? strstr(body, "/setup/") : NULL;
	size_t n = p ? strcspn(p + 7, "\"<& ") : 0;
	out[0] = '\0';
	if (p && n > 0 && n < 128) {
		memcpy(out, p + 7, n);
		out[n] = '\0';
	}
	return out;
}

/* The value of the hidden version field. */
static const char *version_of(const char *body, char *out)
{
	const char *p = body ? strstr(body, "name=\"version\" value=\"") : NULL;
	size_t n = p ? strspn(p + 22, "0123456789") : 0;
	out[0] = '\0';
	if (n > 0 && n < 20) {
		memcpy(out, p + 22, n);
		out[n] = '\0';
	}
	return out;
}

int main(void)
{
	char op_org[33], a[33], b[33], pj[33], tok[128], ver[24], newacc[33];
	struct who op, ma, ma2, sa, sa2, mb, sb;
	if (!ok(wt_open(&W) == 0, "harness opens a fresh store"))
		return tap_done();
	ok(wt_org(&W, ORG_OPERATOR, NULL, "ガバメントクラウドチーム", NULL, op_org) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "甲市", "131016", a) == 0 &&
	       wt_org(&W, ORG_PROJECT, a, "甲市 住民記録", NULL, pj) == 0 &&
	       wt_org(&W, ORG_AGENCY, NULL, "乙省", "otsu", b) == 0,
	   "operator org, agency A with a project team, agency B");
	ok(person(ROLE_OPERATOR, op_org, "op@gcas.example.jp", &op) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr@a.example.jp", &ma) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "staff@a.example.jp", &sa) == 0 &&
	       person(ROLE_AGENCY_STAFF, a, "staff2@a.example.jp", &sa2) == 0 &&
	       person(ROLE_AGENCY_MANAGER, b, "mgr@b.example.jp", &mb) == 0 &&
	       person(ROLE_AGENCY_STAFF, b, "staff@b.example.jp", &sb) == 0 &&
	       person(ROLE_AGENCY_MANAGER, a, "mgr2@a.example.jp", &ma2) == 0,
	   "people in both agencies, signed in");
	/* R7.2: the operator reads user information under a declared purpose. */
	is_int(post(&op, "/access-purpose",
	            form("csrf", op.csrf, "purpose", "operations", "reason", "test", NULL)),
	       303, "the operator declares a purpose");

	/* The list is scoped and filtered. */
	is_int(get(&ma, "/accounts"), 200, "A's manager: list");
	has_str(BODY, "staff@a.example.jp", "shows A's staff");
	lacks_str(BODY, "staff@b.example.jp", "not B's");
	has_str(BODY, "甲市", "names the organisation");
	has_str(BODY, "/applications/new?kind=create", "offers applying for an account");
	lacks_str(BODY, "href=\"/accounts/new", "not issuing one directly");
	is_int(get(&ma, "/accounts?q=staff2"), 200, "search");
	has_str(BODY, "staff2@a.example.jp", "finds the match");
	lacks_str(BODY, "mgr@a.example.jp", "and only it");
	is_int(get(&ma, "/accounts?role=agency_manager"), 200, "role filter");
	lacks_str(BODY, "staff@a.example.jp", "leaves other roles out");
	is_int(get(&ma, "/accounts?status=nonsense"), 400, "an unknown status: 400");
	is_int(get(&sa, "/accounts"), 200, "A's staff: list");
	lacks_str(BODY, "/accounts/new", "staff are not offered issuing");

	/* Managers apply; the operator issues directly, only what it certifies (2.2.2). */
	is_int(get(&ma, "/accounts/new"), 303, "A's manager: the issue form redirects");
	has_str(LOCATION, "/applications/new?kind=create", "to the create application");
	is_int(get(&ma, fmt("/accounts/new?org=%s", pj)), 303, "for the project team too");
	has_str(LOCATION, fmt("org=%s", pj), "keeping the organisation");
	is_int(get(&sa, "/accounts/new"), 403, "staff may issue nothing: 403");
	is_int(get(&op, "/accounts/new"), 200, "operator: issue form");
	has_str(BODY, "value=\"agency_manager\"", "the operator certifies agency managers");
	is_int(get(&op, fmt("/accounts/new?org=%s", a)), 200, "form for agency A");
	has_str(BODY, "value=\"agency_manager\"", "offers its manager");

	/* Bad input: 422, messages, typed values kept. */
	is_int(post(&op, "/accounts/new",
	            form("csrf", op.csrf, "email", "not-an-email", "family_name", "山田",
	                 "given_name", "花子", "family_kana", "やまだ", "given_kana", "ハナコ",
	                 "role", "agency_manager", "org_id", a, NULL)),
	       422, "a bad email: 422");
	has_str(BODY, "メールアドレスの形式が正しくありません", "the email message");
	has_str(BODY, "value=\"山田\"", "the family name is kept");
	has_str(BODY, "value=\"not-an-email\"", "the email is kept");
	has_str(BODY, "value=\"agency_manager\" selected", "the role stays chosen");
	is_int(post(&op, "/accounts/new",
	            form("csrf", op.csrf, "email", "yamada@a.example.jp", "family_name", "山田",
	                 "given_name", "花子", "family_kana", "ヤマダ", "given_kana", "ハナコ",
	                 "role", "operator", "org_id", a, NULL)),
	       422, "a role that does not belong in the organisation: 422");
	has_str(BODY, "選んだ組織では、この役割のアカウントは発行できません",
	        "says so by the role");
	is_int(post(&op, "/accounts/new",
	            form("csrf", op.csrf, "email", "yamada@a.example.jp", "family_name", "山田",
	                 "given_name", "花子", "family_kana", "ヤマダ", "given_kana", "ハナコ",
	                 "role", "agency_manager", NULL)),
	       422, "no organisation chosen: 422");
	has_str(BODY, "所属組織を選んでください", "asks for it");
	lacks_str(BODY, "役割を選んでください", "without complaining about the chosen role");

	/* CSRF missing, a manager issuing directly, another agency: refused, nothing created. */
	long created = wt_audit_count(&W, "account.create", NULL);
	is_int(post(&op, "/accounts/new",
	            form("email", "yamada@a.example.jp", "family_name", "山田", "given_name",
	                 "花子", "family_kana", "ヤマダ", "given_kana", "ハナコ", "role",
	                 "agency_manager", "org_id", a, NULL)),
	       403, "no CSRF token: 403");
	long denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(post(&ma, "/accounts/new",
	            form("csrf", ma.csrf, "email", "direct@a.example.jp", "family_name", "山田",
	                 "given_name", "花子", "family_kana", "ヤマダ", "given_kana", "ハナコ",
	                 "role", "agency_staff", "org_id", a, NULL)),
	       403, "a manager issuing directly, bypassing the application: 403");
	is_int(post(&mb, "/accounts/new",
	            form("csrf", mb.csrf, "email", "spy@a.example.jp", "family_name", "山田",
	                 "given_name", "花子", "family_kana", "ヤマダ", "given_kana", "ハナコ",
	                 "role", "agency_staff", "org_id", a, NULL)),
	       403, "B's manager issuing in agency A: 403");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 2, "both recorded");
	is_int(wt_audit_count(&W, "account.create", NULL), created, "nothing was created");

	/* Success: the set-up link is shown once and works. */
	is_int(post(&op, "/accounts/new",
	            form("csrf", op.csrf, "email", "yamada@a.example.jp", "family_name", "山田",
	                 "given_name", "花子", "family_kana", "やまだ", "given_kana", "はなこ",
	                 "role", "agency_manager", "org_id", a, NULL)),
	       200, "a valid account is issued");
	has_str(BODY, "アカウントを発行しました", "confirmation page");
	has_str(BODY, "今だけ表示されます", "warns that the link is shown once");
	has_str(BODY, "http://127.0.0.1:8080/setup/", "the link is under the base URL");
	setup_token(BODY, tok);
	ok(strlen(tok) >= 32, "a set-up token is shown");
	link_id(BODY, "/accounts/", "アカウントの詳細へ", newacc);
	ok(newacc[0], "links to the new account");
	is_int(get(NULL, fmt("/setup/%s", tok)), 200, "the set-up link opens");
	has_str(BODY, "yamada@a.example.jp", "for the new account");
	is_int(get(&op, fmt("/accounts/%s", newacc)), 200, "the new account's page");
	has_str(BODY, "ヤマダ ハナコ", "readings are kept in katakana");
	has_str(BODY, "有効化待ち", "status pending");
	is_int(post(&op, fmt("/accounts/%s/setup-link", newacc), form("csrf", op.csrf, NULL)), 200,
	       "a new set-up link");
	char tok2[128];
	setup_token(BODY, tok2);
	ok(tok2[0] && strcmp(tok, tok2) != 0, "is a different link");
	is_int(get(NULL, fmt("/setup/%s", tok)), 404, "the earlier link stops working");
	is_int(get(NULL, fmt("/setup/%s", tok2)), 200, "the new one works");

	/* Detail: actions follow the matrix; the rest is applied for. */
	is_int(get(&ma, fmt("/accounts/%s", sa.id)), 200, "A's manager: staff's page");
	has_str(BODY, "disable_reason", "offers disabling with a reason");
	has_str(BODY, "/reset-factors", "and resetting factors");
	lacks_str(BODY, "delete_reason", "not deleting directly");
	lacks_str(BODY, fmt("/accounts/%s/edit", sa.id), "nor editing directly");
	has_str(BODY, "kind=change", "but applying for a change");
	has_str(BODY, "kind=delete", "and for deletion");
	is_int(get(&sa2, fmt("/accounts/%s", sa.id)), 200, "a colleague may look");
	lacks_str(BODY, "disable_reason", "but is offered no actions");
	lacks_str(BODY, "/edit", "not even editing");
	lacks_str(BODY, "kind=change", "nor applying");

	/* Across agencies: refused, recorded, nothing changed. */
	denied = wt_audit_count(&W, "permission.denied", "denied");
	is_int(get(&ma, fmt("/accounts/%s", sb.id)), 403, "A's manager opening B's staff: 403");
	is_int(post(&ma, fmt("/accounts/%s/status", sb.id),
	            form("csrf", ma.csrf, "op", "disable", "disable_reason", "test", NULL)),
	       403, "disabling B's staff: 403");
	is_int(
	    post(&ma, fmt("/accounts/%s/edit", sb.id),
	         form("csrf", ma.csrf, "version", "1", "email", "x@b.example.jp", "family_name",
	              "乗", "given_name", "取", "family_kana", "ノリ", "given_kana", "トリ", NULL)),
	    403, "editing B's staff: 403");
	is_int(get(&ma, fmt("/accounts/%s/edit", sb.id)), 403, "the edit form too");
	is_int(wt_audit_count(&W, "permission.denied", "denied"), denied + 4, "all recorded");
	is_int(get(&sb, "/"), 200, "B's staff is still signed in");
	is_int(get(&mb, fmt("/accounts/%s", sb.id)), 200, "B's manager: the account");
	has_str(BODY, "staff@b.example.jp", "email unchanged");
	has_str(BODY, "badge--success", "still active");

	/* Disable: a reason is needed; then the person's session ends at once. */
	is_int(post(&ma, fmt("/accounts/%s/status", sa.id),
	            form("csrf", ma.csrf, "op", "disable", "disable_reason", "", NULL)),
	       422, "disabling without a reason: 422");
	has_str(BODY, "理由を入力してください", "asks for the reason");
	is_int(get(&sa, "/"), 200, "the person is still signed in");
	is_int(post(&ma, fmt("/accounts/%s/status", sa.id),
	            form("csrf", ma.csrf, "op", "disable", "disable_reason", "異動のため", NULL)),
	       303, "disabled with a reason");
	is_int(get(&sa, "/"), 303, "the person's cookie no longer works");
	is_str(LOCATION, "/signin", "they are sent to sign in");
	is_int(get(&ma, fmt("/accounts/%s?done=disabled", sa.id)), 200, "the account page");
	has_str(BODY, "異動のため", "shows the reason");
	lacks_str(BODY, "有効に戻す", "a manager does not enable directly");
	has_str(BODY, "kind=reenable", "but may apply to re-enable (別表1)");
	is_int(post(&ma, fmt("/accounts/%s/status", sa.id),
	            form("csrf", ma.csrf, "op", "disable", "disable_reason", "再度", NULL)),
	       409, "disabling twice: 409");
	has_str(BODY, "既に無効です", "says it is already disabled");
	is_int(post(&ma, fmt("/accounts/%s/status", sa.id),
	            form("csrf", ma.csrf, "op", "enable", NULL)),
	       403, "a manager enabling directly: 403");
	is_int(get(&op, fmt("/accounts/%s", sa.id)), 200, "the operator's view");
	has_str(BODY, "有効に戻す", "offers enabling");
	is_int(post(&op, fmt("/accounts/%s/status", sa.id),
	            form("csrf", op.csrf, "op", "enable", NULL)),
	       303, "the operator enables it again");
	is_int(get(&ma, fmt("/accounts/%s", sa.id)), 200, "the account page");
	has_str(BODY, "badge--success", "active again");

	/* Edit with optimistic concurrency (the operator, on an agency manager it certifies). */
	is_int(get(&op, fmt("/accounts/%s/edit", ma2.id)), 200, "edit form");
	version_of(BODY, ver);
	ok(ver[0], "carries the current version");
	is_int(post(&op, fmt("/accounts/%s/edit", ma2.id),
	            form("csrf", op.csrf, "version", ver, "email", "sato@a.example.jp",
	                 "family_name", "佐藤", "given_name", "一郎", "family_kana", "サトウ!",
	                 "given_kana", "イチロウ", NULL)),
	       422, "a bad reading: 422");
	has_str(BODY, "フリガナは全角カタカナまたはひらがなで", "says what is wrong");
	has_str(BODY, "value=\"佐藤\"", "keeps the typed name");
	is_int(post(&op, fmt("/accounts/%s/edit", ma2.id),
	            form("csrf", op.csrf, "version", ver, "email", "sato@a.example.jp",
	                 "family_name", "佐藤", "given_name", "一郎", "family_kana", "サトウ",
	                 "given_kana", "イチロウ", NULL)),
	       303, "the current version saves");
	is_int(get(&op, fmt("%s", LOCATION ? LOCATION : "/")), 200, "the account page");
	has_str(BODY, "アカウントを変更しました", "confirms");
	has_str(BODY, "佐藤 一郎", "with the new name");
	has_str(BODY, "sato@a.example.jp", "and email");
	is_int(post(&op, fmt("/accounts/%s/edit", ma2.id),
	            form("csrf", op.csrf, "version", ver, "email", "sato@a.example.jp",
	                 "family_name", "佐藤", "given_name", "二郎", "family_kana", "サトウ",
	                 "given_kana", "ジロウ", NULL)),
	       409, "a stale version: 409");
	has_str(BODY, "他の人がこのアカウントを変更しました", "with the conflict message");
	has_str(BODY, "value=\"二郎\"", "keeping what was typed");
	lacks_str(BODY, fmt("name=\"version\" value=\"%s\"", ver), "and the stored version now");
	is_int(get(&ma, fmt("/accounts/%s/edit", sa.id)), 403,
	       "a manager's direct edit form is refused (they apply)");

	/* Reset factors (a manager's, protective), delete (the operator's). */
	is_int(post(&ma, fmt("/accounts/%s/reset-factors", sa2.id), form("csrf", ma.csrf, NULL)),
	       303, "reset factors");
	is_int(get(&sa2, "/"), 303, "ends the person's session too");
	is_int(post(&ma, fmt("/accounts/%s/status", sa2.id),
	            form("csrf", ma.csrf, "op", "delete", "delete_reason", "退職", NULL)),
	       403, "a manager deleting directly: 403");
	is_int(post(&op, fmt("/accounts/%s/status", ma2.id),
	            form("csrf", op.csrf, "op", "delete", "delete_reason", "退職", NULL)),
	       303, "the operator deletes");
	is_int(get(&ma, "/accounts"), 200, "the list");
	lacks_str(BODY, "sato@a.example.jp", "leaves deleted accounts out");
	is_int(get(&ma, "/accounts?status=deleted"), 200, "unless asked");
	has_str(BODY, "sato@a.example.jp", "then shows them");

	/* English. */
	is_int(get(&ma, "/accounts?lang=en"), 200, "list in English");
	has_str(BODY, "Apply for an account", "English button");
	is_int(get(&ma, fmt("/accounts/%s?lang=en", sa.id)), 200, "detail in English");
	has_str(BODY, "Disable the account", "English action");
	is_int(get(&op, "/accounts/new?lang=en"), 200, "form in English");
	has_str(BODY, "Family name (kana reading)", "English labels");
	pages_done();
	return tap_done();
}
