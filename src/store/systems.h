/* SPDX-License-Identifier: MIT */
/* Typed store operations for registered systems (issue 4 §1, R4.1) and their history. Every
 * function runs inside the caller's transaction (store_tx / store_run); records read are
 * allocated in a. */
#ifndef GCAS_STORE_SYSTEMS_H
#define GCAS_STORE_SYSTEMS_H

#include <stdint.h>

#include "core/system.h"
#include "store/store.h"

/* One kept version of a record: who changed it, when, and the record's JSON as of then. */
struct system_history_row {
	const char *system_id;
	int64_t version;
	const char *changed_by; /* account id, NULL for the system */
	int64_t changed_at;
	const char *record; /* JSON object text */
};

/* Insert r (version as given, normally 1). CONFLICT when the project team already has one
 * (UNIQUE project_id) or the id exists. Errors: DB, NOMEM. */
enum gcas_err store_system_insert(struct db *db, const struct system_rec *r);
/* NOTFOUND when there is none. */
enum gcas_err store_system_get(struct db *db, struct arena *a, const char *id,
                               struct system_rec *out);
enum gcas_err store_system_get_by_project(struct db *db, struct arena *a, const char *project_id,
                                          struct system_rec *out);
/* Write r's fields when the stored version is still r->version; the stored version becomes
 * r->version + 1. NOTFOUND when the row is gone or the version moved on (the caller tells the
 * two apart by reading first in the same transaction). */
enum gcas_err store_system_update(struct db *db, const struct system_rec *r, int64_t at);
/* Systems in a scope, by name then id: agency_id / project_id NULL do not filter. Keyset paging
 * (see struct page). */
enum gcas_err store_system_list(struct db *db, struct arena *a, const char *agency_id,
                                const char *project_id, struct page *pg, struct system_rec **out,
                                size_t *n);
enum gcas_err store_system_history_insert(struct db *db, const struct system_history_row *h);
/* Newest first; the cursor is the last version returned. */
enum gcas_err store_system_history_list(struct db *db, struct arena *a, const char *system_id,
                                        struct page *pg, struct system_history_row **out,
                                        size_t *n);

#endif
