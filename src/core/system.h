/* SPDX-License-Identifier: MIT */
/* The registered system of a project team (issue 4 §1, R4.1; regulation 1.2: one project team,
 * one system): its vocabulary (lifecycle, CSPs, environment kinds, 機密性 classes) and the rules
 * a record must satisfy. Pure: no I/O; the caller resolves contacts and the contractor first. */
#ifndef GCAS_CORE_SYSTEM_H
#define GCAS_CORE_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/model.h"

enum sys_lifecycle {
	SYS_PLANNING,   /* 企画 */
	SYS_BUILDING,   /* 構築 */
	SYS_PRODUCTION, /* 本番運用 */
	SYS_RETIRED,    /* 廃止 */
	SYS_LIFECYCLE__MAX
};

enum sys_csp { CSP_AWS, CSP_GCP, CSP_AZURE, CSP_OCI, CSP_SAKURA, CSP__MAX };

enum sys_env { SYSENV_PRODUCTION, SYSENV_STAGING, SYSENV_DEVELOPMENT, SYSENV__MAX };

/* 政府機関等の情報セキュリティ対策のための統一基準: 機密性1 (public), 2, 3 (most sensitive). */
enum sys_class { SYSCLASS_C1, SYSCLASS_C2, SYSCLASS_C3, SYSCLASS__MAX };

#define SYSTEM_CONTACTS_MAX   8
#define SYSTEM_NAME_MAX_CP    100
#define SYSTEM_TEXT_MAX_CP    2000
#define SYSTEM_BILLING_MAX_CP 100

struct system_rec {
	const char *id;
	const char *project_id, *agency_id; /* the project team and its agency */
	const char *name, *purpose;
	enum sys_lifecycle lifecycle;
	unsigned csps;                             /* bit per enum sys_csp */
	unsigned environments;                     /* bit per enum sys_env */
	const char *contacts[SYSTEM_CONTACTS_MAX]; /* account ids */
	size_t ncontacts;
	const char *contractor_id;             /* a contractor org of the project team, or NULL */
	const char *period_start, *period_end; /* "YYYY-MM-DD" (JST); end NULL = open-ended */
	enum sys_class classification;
	const char *billing_unit;
	int ci_cd;
	int64_t version;
	int64_t created_at, updated_at;
	const char *updated_by; /* account id of the last editor, NULL for the system */
};

/* Storage names ("planning", "aws", "production", "c2"); parse gives -1 when unknown. */
const char *sys_lifecycle_name(enum sys_lifecycle v);
int sys_lifecycle_parse(const char *s);
const char *sys_lifecycle_label(enum sys_lifecycle v, int english);
const char *sys_csp_name(enum sys_csp v);
int sys_csp_parse(const char *s);
const char *sys_csp_label(enum sys_csp v);
const char *sys_env_name(enum sys_env v);
int sys_env_parse(const char *s);
const char *sys_env_label(enum sys_env v, int english);
const char *sys_class_name(enum sys_class v);
int sys_class_parse(const char *s);
/* "機密性1".."機密性3" (the same in English: the term of the standard). */
const char *sys_class_label(enum sys_class v);

/* A bit set of names (enum sys_csp when csp != 0, else enum sys_env) as space-separated storage
 * names, in enum order; "" when empty. Arena-allocated; NULL on OOM. */
char *system_set_format(struct arena *a, unsigned set, int csp);
/* Parse space- or comma-separated storage names into a bit set. Returns 0, or -1 when a name is
 * unknown (the set then holds the names known so far). Duplicates are folded. */
int system_set_parse(const char *s, int csp, unsigned *out);

/* One refusal of system_validate: the field and the message in Japanese and English
 * (static strings). */
struct system_problem {
	const char *field, *ja, *en;
};

/* What the caller resolved around the record: for each contacts[i], the account found (NULL
 * when there is none), and the contractor org (NULL when contractor_id is NULL or unknown). */
struct system_refs {
	const struct account *contacts[SYSTEM_CONTACTS_MAX];
	const struct org *contractor;
};

/* Check the record: name (1..100 code points), purpose (1..2000), billing unit (1..100), no
 * Individual Number in free text, at least one CSP and one environment, development only when
 * ci_cd is on (development environments exist for the pipeline), period dates valid and start
 * <= end, 1..SYSTEM_CONTACTS_MAX contacts, each an active or pending account of the scope (the
 * project team, its contractors, or the agency's own staff), no contact twice, and the
 * contractor a contractor of this project team. Writes up to max problems, returns how many. */
size_t system_validate(const struct system_rec *r, const struct system_refs *refs,
                       struct system_problem *out, size_t max);

#endif
