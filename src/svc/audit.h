/* SPDX-License-Identifier: MIT */
/* The tamper-evident audit log (R6.4, regulation 4.6). Each record carries the SHA-256 of the
 * previous record's hash and its own canonical JSON, so editing, deleting or reordering any
 * record breaks the chain from there on; the head row records the last seq so truncating the
 * tail is caught too. Records are appended in the same transaction as the change they describe. */
#ifndef GCAS_SVC_AUDIT_H
#define GCAS_SVC_AUDIT_H

#include <stdio.h>

#include "svc/env.h"

struct audit_event {
	const char *action;      /* "account.create", "signin.failure", ... */
	const char *target_type; /* "account", "org", "group", "session", "token" */
	const char *target_id;
	const char *agency_id; /* whose managers may read it; NULL = operator only */
	const char *outcome;   /* NULL = "ok" */
	const char *detail;    /* JSON object text; NULL = "{}" */
};

/* The key that seals every record (HMAC-SHA256 of its hash), kept outside the database so that
 * someone who can write to the database still cannot rewrite the chain unnoticed. Set once at
 * start-up, before any thread appends; NULL clears it (records are then left unsealed). */
void audit_set_key(const unsigned char *key, size_t len);

/* Append inside the caller's transaction. */
enum gcas_err audit_append(struct db *db, struct arena *a, const struct actor *ac,
                           const struct audit_event *ev);
/* Append n events (ev[0..n-1], in that order) inside the caller's transaction: each record is
 * chained and sealed as by audit_append, the head is locked and moved once, and the records are
 * written in one statement. */
enum gcas_err audit_append_batch(struct db *db, struct arena *a, const struct actor *ac,
                                 const struct audit_event *ev, size_t n);
/* Append in a transaction of its own: for events with no other change (a refused request, a
 * failed sign-in). */
enum gcas_err audit_record(const struct env *env, const struct actor *ac,
                           const struct audit_event *ev);
/* Record a refusal by the permission matrix and return GCAS_ERR_DENIED. The record is filed
 * under the actor's agency (it names the actor: R7.1); agency_id, the target's agency, is used
 * only when the actor has none (the operator). */
enum gcas_err audit_denied(const struct env *env, const struct actor *ac, enum action act,
                           const char *target_type, const char *target_id, const char *agency_id);

/* A detail object from string pairs ending in NULL: audit_json(a, "reason", r, NULL). NULL
 * values are written as null. Arena-allocated; NULL on OOM. */
char *audit_json(struct arena *a, ...) __attribute__((sentinel));

/* Canonical JSON of a record (sorted keys, compact; hashes excluded), arena-allocated. */
char *audit_canonical(struct arena *a, const struct audit_rec *r);

/* Walk the whole chain. Writes one line per problem to out ("seq 12: hash mismatch (record
 * edited)"), and the totals. Returns GCAS_OK when intact, GCAS_ERR_CONFLICT when broken. */
enum gcas_err audit_verify(struct store *st, FILE *out, int64_t *checked);
/* Write every record as JSON Lines (with prev_hash and hash) for independent auditors. */
enum gcas_err audit_export(struct store *st, FILE *out, int64_t *written);

/* Listing for the UI/API, scoped by the permission matrix: the operator sees everything, an
 * agency manager only records of their agency. DENIED otherwise. */
enum gcas_err svc_audit_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct audit_filter *f, struct page *pg, struct audit_rec **out,
                             size_t *n);

#endif
