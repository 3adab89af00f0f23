/* SPDX-License-Identifier: MIT */
/* R7.2 (regulation §5.2.2): the operator uses user information only where strictly necessary,
 * and says why. The purposes the regulation allows are the categories; an operator declares one
 * with a reason for their session (it holds privacy.purpose_ttl or until sign-out), or sends it
 * with each API request, and every read of user information is audited with it. */
#ifndef GCAS_SVC_PRIVACY_H
#define GCAS_SVC_PRIVACY_H

#include "svc/audit.h"
#include "svc/env.h"

#define PURPOSE_REASON_MAX 200 /* code points */

/* The five cases of §5.2.2 in the regulation's order. */
enum purpose_cat {
	PURPOSE_OPERATIONS, /* GCASの整備、運用管理、サービス提供及び調整 */
	PURPOSE_LEGAL,      /* 法律又は政令に基づく開示義務 */
	PURPOSE_PUBLISHED,  /* あらかじめ明示した目的 */
	PURPOSE_AGREEMENT,  /* 利用機関の合意 */
	PURPOSE_SECURITY,   /* 内閣、デジタル庁又は法執行機関の要請 */
	PURPOSE__MAX
};

struct purpose_label {
	const char *key; /* stored, audited and sent in the GCAS-Access-Purpose header */
	const char *ja, *en;
};
/* Indexed by enum purpose_cat. */
extern const struct purpose_label purpose_labels[PURPOSE__MAX];

/* A declared purpose. until: when a session's purpose lapses; 0 for one given with a single
 * request (the API header). Strings are borrowed (arena or static). */
struct access_purpose {
	const char *category;
	const char *reason;
	int64_t until;
};

/* The label of a category key, or NULL when the key is not one of purpose_labels. */
const struct purpose_label *purpose_label_find(const char *key);

/* 1 when the actor must declare a purpose before reading user information: a signed-in
 * operator. The system actor (CLI, jobs) and the agency-side roles (R7.1: their own agency's
 * people) need none. */
int purpose_needed(const struct actor *ac);

/* 1 when ac's read of user information is to be recorded (R7.2): a signed-in operator
 * (purpose_needed) with a declared purpose (ac->purpose), or, for a workflow read (work
 * non-NULL: the item the operator's duty is about, "application <id>"), any signed-in operator.
 * 0 for agency-side readers of their own agency (R7.1) and for the system. The one place that
 * decides; every read use case asks it. */
int purpose_read_recorded(const struct actor *ac, const char *work);

/* Record ac's read of user information when purpose_read_recorded(ac, work): an audit record
 * like ev (action, target, agency, outcome; ev->detail is ignored) whose detail holds
 * "category" and "reason" — ac->purpose's, or for a workflow read without one "operations"
 * (§5.2.2: running GCAS) with work as the reason — then the pairs of extra (key, value, ...,
 * NULL; may be NULL; a NULL value is written as null). Appended inside db's transaction, or
 * (db NULL) in a transaction of its own. GCAS_OK with nothing written when no record is due;
 * GCAS_ERR_NOMEM; store errors. */
enum gcas_err purpose_record_read(const struct env *env, struct db *db, struct arena *a,
                                  const struct actor *ac, const char *work,
                                  const struct audit_event *ev, const char *const *extra);

/* Check a category key and a reason (1..PURPOSE_REASON_MAX code points of valid UTF-8 without
 * control characters). Adds one message per bad field ("purpose", "reason") to ve; returns 0
 * when both are good, -1 otherwise. */
int purpose_check(const char *category, const char *reason, struct verrs *ve);

/* Parse a GCAS-Access-Purpose header value "<category>; <reason>" (blanks around either part
 * are ignored) into out (strings in a; until 0). GCAS_ERR_INVALID with messages in ve when it is
 * missing, malformed or fails purpose_check; GCAS_ERR_NOMEM. */
enum gcas_err purpose_parse_header(struct arena *a, const char *value, struct access_purpose *out,
                                   struct verrs *ve);

/* Declare the purpose of the session session_hash for the next cfg->purpose_ttl seconds,
 * replacing any earlier one, and audit it (privacy.purpose, with category and reason) in the
 * same transaction. Operator only: others get GCAS_ERR_DENIED (audited as a refusal).
 * GCAS_ERR_INVALID with messages in ve for a bad category or reason (nothing stored);
 * GCAS_ERR_NOTFOUND when the session is gone. out (may be NULL) receives the purpose. */
enum gcas_err svc_purpose_declare(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *session_hash, const char *category,
                                  const char *reason, struct access_purpose *out, struct verrs *ve);

/* The session's purpose while it holds (strings in a). GCAS_ERR_NOTFOUND when none was declared,
 * it has lapsed, or the session is gone. */
enum gcas_err svc_purpose_current(const struct env *env, struct arena *a, const char *session_hash,
                                  struct access_purpose *out);

#endif
