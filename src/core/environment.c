/* SPDX-License-Identifier: MIT */
/* The vocabulary and rules of CSP environments and their requests (issue 4 §2, S6), see
 * core/environment.h. Storage names are stable identifiers; labels are what people read. */
#include "core/environment.h"

#include <string.h>

#include "core/validate.h"

static const char *const state_names[ENV__MAX] = {
    [ENV_PROVISIONING] = "provisioning",
    [ENV_ACTIVE] = "active",
    [ENV_CLOSING] = "closing",
    [ENV_CLOSED] = "closed",
    [ENV_FAILED] = "failed",
};
static const char *const state_ja[ENV__MAX] = {
    [ENV_PROVISIONING] = "作成中", [ENV_ACTIVE] = "利用中", [ENV_CLOSING] = "削除中",
    [ENV_CLOSED] = "削除済み",     [ENV_FAILED] = "失敗",
};
static const char *const state_en[ENV__MAX] = {
    [ENV_PROVISIONING] = "Provisioning",
    [ENV_ACTIVE] = "Active",
    [ENV_CLOSING] = "Closing",
    [ENV_CLOSED] = "Closed",
    [ENV_FAILED] = "Failed",
};
static const char *const kind_names[ENVREQ_KIND__MAX] = {
    [ENVREQ_CREATE] = "create", [ENVREQ_DELETE] = "delete"};
static const char *const kind_ja[ENVREQ_KIND__MAX] = {
    [ENVREQ_CREATE] = "作成", [ENVREQ_DELETE] = "削除"};
static const char *const kind_en[ENVREQ_KIND__MAX] = {
    [ENVREQ_CREATE] = "Create", [ENVREQ_DELETE] = "Delete"};
static const char *const rstate_names[ENVREQ__MAX] = {
    [ENVREQ_SUBMITTED] = "submitted", [ENVREQ_APPROVED] = "approved",
    [ENVREQ_REJECTED] = "rejected",   [ENVREQ_FULFILLED] = "fulfilled",
    [ENVREQ_FAILED] = "failed",
};
static const char *const rstate_ja[ENVREQ__MAX] = {
    [ENVREQ_SUBMITTED] = "申請中", [ENVREQ_APPROVED] = "承認済み", [ENVREQ_REJECTED] = "却下",
    [ENVREQ_FULFILLED] = "完了",   [ENVREQ_FAILED] = "失敗",
};
static const char *const rstate_en[ENVREQ__MAX] = {
    [ENVREQ_SUBMITTED] = "Submitted", [ENVREQ_APPROVED] = "Approved",
    [ENVREQ_REJECTED] = "Rejected",   [ENVREQ_FULFILLED] = "Fulfilled",
    [ENVREQ_FAILED] = "Failed",
};

static int parse_in(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static const char *pick(const char *const *names, int n, int v)
{
	return v >= 0 && v < n ? names[v] : "?";
}

const char *env_state_name(enum env_state v)
{
	return pick(state_names, ENV__MAX, (int)v);
}
int env_state_parse(const char *s)
{
	return parse_in(state_names, ENV__MAX, s);
}
const char *env_state_label(enum env_state v, int english)
{
	return pick(english ? state_en : state_ja, ENV__MAX, (int)v);
}
const char *envreq_kind_name(enum envreq_kind v)
{
	return pick(kind_names, ENVREQ_KIND__MAX, (int)v);
}
int envreq_kind_parse(const char *s)
{
	return parse_in(kind_names, ENVREQ_KIND__MAX, s);
}
const char *envreq_kind_label(enum envreq_kind v, int english)
{
	return pick(english ? kind_en : kind_ja, ENVREQ_KIND__MAX, (int)v);
}
const char *envreq_state_name(enum envreq_state v)
{
	return pick(rstate_names, ENVREQ__MAX, (int)v);
}
int envreq_state_parse(const char *s)
{
	return parse_in(rstate_names, ENVREQ__MAX, s);
}
const char *envreq_state_label(enum envreq_state v, int english)
{
	return pick(english ? rstate_en : rstate_ja, ENVREQ__MAX, (int)v);
}

static size_t add(struct system_problem *out, size_t n, size_t max, const char *field,
                  const char *ja, const char *en)
{
	if (n < max)
		out[n] = (struct system_problem){field, ja, en};
	return n < max ? n + 1 : n;
}

size_t environment_check(const struct system_rec *sys, enum sys_csp csp, enum sys_env kind,
                         const char *reason, struct system_problem *out, size_t max)
{
	size_t n = 0;
	if ((unsigned)csp >= CSP__MAX)
		n = add(out, n, max, "csp", "クラウドサービスを選んでください",
		        "Choose a cloud service provider");
	else if (!(sys->csps & (1u << csp)))
		/* issue 4 §2: an environment is opened only on a CSP the system registered (R4.1).
		 */
		n = add(
		    out, n, max, "csp",
		    "システム情報に登録されていないクラウドサービスです。先にシステム情報を更新して"
		    "ください",
		    "The system has not registered this cloud service provider; update the "
		    "system record first");
	if ((unsigned)kind >= SYSENV__MAX)
		n = add(out, n, max, "kind", "環境の種類を選んでください",
		        "Choose an environment type");
	else if (kind == SYSENV_DEVELOPMENT && !sys->ci_cd)
		/* issue 4 §2: development environments exist for the CI/CD pipeline only. */
		n = add(out, n, max, "kind",
		        "開発環境は CI/CD を運用するシステムだけが申請できます",
		        "A development environment is only for a system that runs CI/CD");
	enum vproblem v =
	    reason && *reason ? validate_text(reason, ENV_REASON_MAX_CP, 1) : VP_EMPTY;
	if (v == VP_EMPTY)
		n = add(out, n, max, "reason", "理由を入力してください", "Enter the reason");
	else if (v != VP_OK)
		n = add(out, n, max, "reason", "理由は2000文字までの文章で入力してください",
		        "The reason is text of at most 2000 characters");
	else if (validate_individual_number_in(reason))
		n = add(out, n, max, "reason", "個人番号（マイナンバー）は入力できません",
		        "Do not enter an Individual Number (My Number)");
	return n;
}

int64_t environment_retry_delay(int64_t attempts)
{
	if (attempts < 1)
		attempts = 1;
	if (attempts > 20)
		attempts = 20; /* no overflow; far past ENV_MAX_ATTEMPTS anyway */
	return (int64_t)ENV_RETRY_BASE << (attempts - 1);
}
