/* SPDX-License-Identifier: MIT */
/* The registered system's vocabulary and record rules (issue 4 §1, R4.1), see core/system.h.
 * Storage names are stable identifiers; labels are what people read. */
#include "core/system.h"

#include <string.h>

#include "core/calendar.h"
#include "core/validate.h"

static const char *const lifecycle_names[SYS_LIFECYCLE__MAX] = {
    [SYS_PLANNING] = "planning",
    [SYS_BUILDING] = "building",
    [SYS_PRODUCTION] = "production",
    [SYS_RETIRED] = "retired",
};
static const char *const lifecycle_ja[SYS_LIFECYCLE__MAX] = {
    [SYS_PLANNING] = "企画",
    [SYS_BUILDING] = "構築",
    [SYS_PRODUCTION] = "本番運用",
    [SYS_RETIRED] = "廃止",
};
static const char *const lifecycle_en[SYS_LIFECYCLE__MAX] = {
    [SYS_PLANNING] = "Planning",
    [SYS_BUILDING] = "Building",
    [SYS_PRODUCTION] = "Production",
    [SYS_RETIRED] = "Retired",
};
static const char *const csp_names[CSP__MAX] = {
    [CSP_AWS] = "aws", [CSP_GCP] = "gcp",       [CSP_AZURE] = "azure",
    [CSP_OCI] = "oci", [CSP_SAKURA] = "sakura",
};
static const char *const csp_labels[CSP__MAX] = {
    [CSP_AWS] = "Amazon Web Services", [CSP_GCP] = "Google Cloud",
    [CSP_AZURE] = "Microsoft Azure",   [CSP_OCI] = "Oracle Cloud Infrastructure",
    [CSP_SAKURA] = "さくらのクラウド",
};
static const char *const env_names[SYSENV__MAX] = {
    [SYSENV_PRODUCTION] = "production",
    [SYSENV_STAGING] = "staging",
    [SYSENV_DEVELOPMENT] = "development",
};
static const char *const env_ja[SYSENV__MAX] = {
    [SYSENV_PRODUCTION] = "本番",
    [SYSENV_STAGING] = "検証",
    [SYSENV_DEVELOPMENT] = "開発",
};
static const char *const env_en[SYSENV__MAX] = {
    [SYSENV_PRODUCTION] = "Production",
    [SYSENV_STAGING] = "Staging",
    [SYSENV_DEVELOPMENT] = "Development",
};
static const char *const class_names[SYSCLASS__MAX] = {
    [SYSCLASS_C1] = "c1", [SYSCLASS_C2] = "c2", [SYSCLASS_C3] = "c3"};
static const char *const class_labels[SYSCLASS__MAX] = {
    [SYSCLASS_C1] = "機密性1", [SYSCLASS_C2] = "機密性2", [SYSCLASS_C3] = "機密性3"};

static int parse_in(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *sys_lifecycle_name(enum sys_lifecycle v)
{
	return (unsigned)v < SYS_LIFECYCLE__MAX ? lifecycle_names[v] : "unknown";
}
int sys_lifecycle_parse(const char *s)
{
	return parse_in(lifecycle_names, SYS_LIFECYCLE__MAX, s);
}
const char *sys_lifecycle_label(enum sys_lifecycle v, int english)
{
	if ((unsigned)v >= SYS_LIFECYCLE__MAX)
		return "?";
	return english ? lifecycle_en[v] : lifecycle_ja[v];
}
const char *sys_csp_name(enum sys_csp v)
{
	return (unsigned)v < CSP__MAX ? csp_names[v] : "unknown";
}
int sys_csp_parse(const char *s)
{
	return parse_in(csp_names, CSP__MAX, s);
}
const char *sys_csp_label(enum sys_csp v)
{
	return (unsigned)v < CSP__MAX ? csp_labels[v] : "?";
}
const char *sys_env_name(enum sys_env v)
{
	return (unsigned)v < SYSENV__MAX ? env_names[v] : "unknown";
}
int sys_env_parse(const char *s)
{
	return parse_in(env_names, SYSENV__MAX, s);
}
const char *sys_env_label(enum sys_env v, int english)
{
	if ((unsigned)v >= SYSENV__MAX)
		return "?";
	return english ? env_en[v] : env_ja[v];
}
const char *sys_class_name(enum sys_class v)
{
	return (unsigned)v < SYSCLASS__MAX ? class_names[v] : "unknown";
}
int sys_class_parse(const char *s)
{
	return parse_in(class_names, SYSCLASS__MAX, s);
}
const char *sys_class_label(enum sys_class v)
{
	return (unsigned)v < SYSCLASS__MAX ? class_labels[v] : "?";
}

char *system_set_format(struct arena *a, unsigned set, int csp)
{
	int n = csp ? CSP__MAX : SYSENV__MAX;
	char *s = arena_strdup(a, "");
	for (int i = 0; s && i < n; i++) {
		if (!(set & (1u << i)))
			continue;
		const char *name = csp ? csp_names[i] : env_names[i];
		s = *s ? arena_printf(a, "%s %s", s, name) : arena_strdup(a, name);
	}
	return s;
}

int system_set_parse(const char *s, int csp, unsigned *out)
{
	*out = 0;
	if (!s)
		return 0;
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		size_t len = strcspn(s, " ,");
		if (!len)
			break;
		char word[16];
		if (len >= sizeof(word))
			return -1;
		memcpy(word, s, len);
		word[len] = '\0';
		int v = csp ? sys_csp_parse(word) : sys_env_parse(word);
		if (v < 0)
			return -1;
		*out |= 1u << v;
		s += len;
	}
	return 0;
}

struct probs {
	struct system_problem *out;
	size_t max, n;
};

static void add(struct probs *p, const char *field, const char *ja, const char *en)
{
	if (p->n < p->max)
		p->out[p->n] = (struct system_problem){field, ja, en};
	p->n++;
}

static void check_text(struct probs *p, const char *field, const char *s, size_t max_cp,
                       int multiline)
{
	enum vproblem v = (s && *s) ? validate_text(s, max_cp, multiline) : VP_EMPTY;
	if (v) {
		add(p, field, validate_msg(v, 0), validate_msg(v, 1));
		return;
	}
	/* Free text never carries an Individual Number (マイナンバー法 §19: no collection). */
	if (validate_individual_number_in(s))
		add(p, field, validate_msg(VP_INDIVIDUAL_NUMBER, 0),
		    validate_msg(VP_INDIVIDUAL_NUMBER, 1));
}

/* Strictly "YYYY-MM-DD" (ymd_parse also reads the CSV's "YYYY/M/D"; forms and the API do not). */
static int date_ok(const char *s, struct ymd *d)
{
	return s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' && ymd_parse(s, d) == 0;
}

static void check_period(struct probs *p, const struct system_rec *r)
{
	struct ymd start, end;
	int have_start = date_ok(r->period_start, &start);
	if (!have_start)
		add(p, "period_start", "利用開始日を YYYY-MM-DD の形で入力してください",
		    "Enter the start of the period as YYYY-MM-DD");
	if (!r->period_end || !*r->period_end)
		return;
	if (!date_ok(r->period_end, &end)) {
		add(p, "period_end", "利用終了日を YYYY-MM-DD の形で入力してください",
		    "Enter the end of the period as YYYY-MM-DD");
		return;
	}
	if (have_start && ymd_cmp(start, end) > 0)
		add(p, "period_end", "利用終了日は利用開始日以降にしてください",
		    "The end of the period must not be before its start");
}

/* The scope of a project team's contacts: its own people (and its contractors', whose
 * project_id is the team's), or the agency's own managers and staff. */
static int in_scope(const struct system_rec *r, const struct account *acc)
{
	if (acc->status != ACCOUNT_ACTIVE && acc->status != ACCOUNT_PENDING)
		return 0;
	if (acc->project_id)
		return r->project_id && strcmp(acc->project_id, r->project_id) == 0;
	return acc->agency_id && r->agency_id && strcmp(acc->agency_id, r->agency_id) == 0 &&
	       (acc->role == ROLE_AGENCY_MANAGER || acc->role == ROLE_AGENCY_STAFF);
}

static void check_contacts(struct probs *p, const struct system_rec *r,
                           const struct system_refs *refs)
{
	if (r->ncontacts == 0 || r->ncontacts > SYSTEM_CONTACTS_MAX) {
		add(p, "contacts", "連絡先を1人以上8人以下で指定してください",
		    "Name between one and eight contacts");
		return;
	}
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct account *acc = refs->contacts[i];
		if (!acc || !in_scope(r, acc)) {
			add(p, "contacts",
			    "連絡先は、このプロジェクトチーム（委託業者を含む）か利用機関の有効なア"
			    "カウントにしてください",
			    "Each contact must be an active account of this project team (or its "
			    "contractor) or of its agency");
			return;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->contacts[j], r->contacts[i]) == 0) {
				add(p, "contacts", "同じ連絡先が2回指定されています",
				    "The same contact is named twice");
				return;
			}
	}
}

size_t system_validate(const struct system_rec *r, const struct system_refs *refs,
                       struct system_problem *out, size_t max)
{
	struct probs p = {out, max, 0};
	check_text(&p, "name", r->name, SYSTEM_NAME_MAX_CP, 0);
	check_text(&p, "purpose", r->purpose, SYSTEM_TEXT_MAX_CP, 1);
	if ((unsigned)r->lifecycle >= SYS_LIFECYCLE__MAX)
		add(&p, "lifecycle", "ライフサイクルを選んでください",
		    "Choose the lifecycle stage");
	if (!(r->csps & ((1u << CSP__MAX) - 1)))
		add(&p, "csps", "利用するクラウドサービスを1つ以上選んでください",
		    "Choose at least one cloud service provider");
	if (!(r->environments & ((1u << SYSENV__MAX) - 1)))
		add(&p, "environments", "環境を1つ以上選んでください",
		    "Choose at least one environment");
	else if ((r->environments & (1u << SYSENV_DEVELOPMENT)) && !r->ci_cd)
		/* Issue 4 §1: development environments exist for the CI/CD pipeline; a system
		 * without one develops outside the government cloud. */
		add(&p, "environments", "開発環境は CI/CD を使う場合にだけ登録できます",
		    "A development environment may be registered only when the system runs CI/CD");
	check_contacts(&p, r, refs);
	if (r->contractor_id && *r->contractor_id) {
		const struct org *o = refs->contractor;
		if (!o || o->kind != ORG_CONTRACTOR || !o->parent_id ||
		    strcmp(o->parent_id, r->project_id ? r->project_id : "") != 0)
			add(&p, "contractor_id",
			    "委託業者は、このプロジェクトチームの委託業者から選んでください",
			    "The contractor must be one attached to this project team");
	}
	check_period(&p, r);
	if ((unsigned)r->classification >= SYSCLASS__MAX)
		add(&p, "classification", "データの機密性区分を選んでください",
		    "Choose the data classification");
	check_text(&p, "billing_unit", r->billing_unit, SYSTEM_BILLING_MAX_CP, 0);
	return p.n < max ? p.n : max;
}
