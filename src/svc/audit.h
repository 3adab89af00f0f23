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
/* The same from an array of pairs ending in NULL (for details assembled from parts). */
char *audit_json_pairs(struct arena *a, const char *const *kv);

/* Canonical JSON of a record (sorted keys, compact; hashes excluded), arena-allocated. */
char *audit_canonical(struct arena *a, const struct audit_rec *r);

/* Walk the whole chain. Writes one line per problem to out ("seq 12: hash mismatch (record
 * edited)"), and the totals. Returns GCAS_OK when intact, GCAS_ERR_CONFLICT when broken. */
enum gcas_err audit_verify(struct store *st, FILE *out, int64_t *checked);
/* ---- The anchor (R6.4): the chain's end, kept outside the database ----------------------
 * A database restored from a backup, or a tail cut off with the head row rewound, is still a
 * valid chain, only shorter; the anchor file remembers how far the chain had reached. It holds
 * one line, "gcas-audit-anchor-v1 SEQ HASH AT MAC", MAC = HMAC-SHA256 under the audit key (the
 * one audit_set_key set) of the line before " MAC", so only a holder of that key can forge or
 * lower it. Each node keeps its own file. */
struct audit_anchor {
	int64_t seq;
	char hash[65]; /* the record's chain hash, hex */
	int64_t at;    /* when the anchor was written (epoch seconds) */
};

/* Read and authenticate the anchor file at path into *out. GCAS_ERR_NOTFOUND: no such file;
 * GCAS_ERR_INVALID: not one anchor line; GCAS_ERR_AUTH: the HMAC does not match, or no audit
 * key is set (nothing can be authenticated then); GCAS_ERR_IO: unreadable. */
enum gcas_err audit_anchor_read(const char *path, struct audit_anchor *out);

/* Move the anchor at path forward to the database's head, atomically (a temporary file in the
 * same directory, fsync, rename, fsync of the directory; mode 0600) and only forward: the file
 * is left as it is, with a warning logged, when it is ahead of the database or the record at
 * its seq now has another hash (GCAS_ERR_CONFLICT), when it is not genuine (GCAS_ERR_AUTH) or
 * not an anchor (GCAS_ERR_INVALID). Writers on one directory are serialised (flock on it).
 * *moved is 1 when the file was written, 0 when it already held the head, the log is empty,
 * or path is NULL or empty (no anchor configured). out (may be NULL) receives what the file
 * now holds. GCAS_ERR_AUTH without an audit key; GCAS_ERR_IO when it cannot be written (no
 * temporary file is left behind). */
enum gcas_err audit_anchor_write(struct store *st, const char *path, struct audit_anchor *out,
                                 int *moved);

/* Check the database against the anchor file at path, one line per finding to out: the file
 * is not genuine, the log was rolled back (it ends before the anchor's seq), or the record at
 * the anchor's seq is missing or was rewritten. GCAS_ERR_CONFLICT on any of those; GCAS_OK
 * when the log reaches the anchor with the same hash, and also (with a note) when path is
 * NULL or empty, the file does not exist, or no audit key is set. Store errors as they come. */
enum gcas_err audit_verify_anchor(struct store *st, const char *path, FILE *out);

/* Write every record as JSON Lines (with prev_hash and hash) for independent auditors. */
enum gcas_err audit_export(struct store *st, FILE *out, int64_t *written);

/* Listing for the UI/API, scoped by the permission matrix: the operator sees everything, an
 * agency manager only records of their agency. DENIED otherwise. */
enum gcas_err svc_audit_list(const struct env *env, const struct actor *ac, struct arena *a,
                             struct audit_filter *f, struct page *pg, struct audit_rec **out,
                             size_t *n);

#endif
