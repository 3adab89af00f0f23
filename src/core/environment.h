/* SPDX-License-Identifier: MIT */
/* CSP environments and the requests that create or delete them (issue 4 §2, S6, R4.2): their
 * states, the rules a request must satisfy against the project team's registered system, and the
 * retry schedule of provisioning. Pure: no I/O. */
#ifndef GCAS_CORE_ENVIRONMENT_H
#define GCAS_CORE_ENVIRONMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/system.h"

enum env_state { ENV_PROVISIONING, ENV_ACTIVE, ENV_CLOSING, ENV_CLOSED, ENV_FAILED, ENV__MAX };
enum envreq_kind { ENVREQ_CREATE, ENVREQ_DELETE, ENVREQ_KIND__MAX };
enum envreq_state {
	ENVREQ_SUBMITTED,
	ENVREQ_APPROVED,
	ENVREQ_REJECTED,
	ENVREQ_FULFILLED,
	ENVREQ_FAILED,
	ENVREQ__MAX
};

/* Provisioning retries (issue 4 §2): the first retry a minute after a failure, doubling, and
 * the request is failed for good after this many attempts. */
#define ENV_MAX_ATTEMPTS  8
#define ENV_RETRY_BASE    60
#define ENV_DUE_BUSINESS  5 /* R2.3: fulfilled within 5 business days of approval */
#define ENV_REASON_MAX_CP 2000

struct environment {
	const char *id, *project_id, *agency_id, *system_id;
	enum sys_csp csp;
	enum sys_env kind;
	enum env_state state;
	const char *driver;                    /* "local" or "exec" */
	const char *external_id, *console_url; /* NULL until provisioned */
	int64_t created_at, closed_at;         /* closed_at 0 while open */
	/* From the driver at provisioning (migration 0008); NULL when it gave none. */
	const char *scim_url, *scim_token_sealed; /* §3 SCIM push target, token sealed by signer */
	const char *saml_entity_id, *saml_acs_url; /* §4 the console's SAML service provider */
};

struct env_request {
	const char *id;
	enum envreq_kind kind;
	const char *project_id, *agency_id, *system_id;
	const char
	    *environment_id; /* delete: the environment; create: set once provisioning starts */
	enum sys_csp csp;
	enum sys_env env_kind;
	const char *reason;
	enum envreq_state state;
	const char *applicant_id, *decided_by;
	int64_t decided_at;
	const char *due_on; /* "YYYY-MM-DD" JST, set on approval */
	const char *idempotency_key;
	int64_t attempts, next_attempt_at, lease_until;
	const char *last_error;
	int64_t created_at, updated_at;
};

struct env_request_event {
	const char *request_id;
	int64_t seq, at;
	const char *actor_id; /* NULL for the system */
	const char *event, *note;
};

/* Storage names ("provisioning", "create", "submitted"); parse gives -1 when unknown. */
const char *env_state_name(enum env_state v);
int env_state_parse(const char *s);
const char *env_state_label(enum env_state v, int english);
const char *envreq_kind_name(enum envreq_kind v);
int envreq_kind_parse(const char *s);
const char *envreq_kind_label(enum envreq_kind v, int english);
const char *envreq_state_name(enum envreq_state v);
int envreq_state_parse(const char *s);
const char *envreq_state_label(enum envreq_state v, int english);

/* Check a create request against the registered system sys: the CSP is one the system
 * registered, development only when the system runs CI/CD (development environments exist
 * for the pipeline), and reason is 1..ENV_REASON_MAX_CP code points of text without an
 * Individual Number. Writes up to max problems (struct system_problem), returns how many. */
size_t environment_check(const struct system_rec *sys, enum sys_csp csp, enum sys_env kind,
                         const char *reason, struct system_problem *out, size_t max);

/* Seconds to wait before attempt number attempts + 1, given attempts (>= 1) failed so far:
 * 60, 120, 240, ... (doubling from a minute). */
int64_t environment_retry_delay(int64_t attempts);

#endif
