/* SPDX-License-Identifier: MIT */
/* System information registration (issue 4 §1, R4.1): a project team registers its system (one
 * per team, regulation 1.2) and the three managers of its scope (別表2 ⑤) keep it current. Every
 * change is one transaction: the record under an optimistic version, a whole copy of it in the
 * history, and an audit record ("system.register" / "system.update"). */
#ifndef GCAS_SVC_SYSTEMS_H
#define GCAS_SVC_SYSTEMS_H

#include "core/system.h"
#include "store/systems.h"
#include "svc/env.h"

/* What a person typed (form or API), as text: the use case parses and validates it all, so the
 * form can show every message at once. Lists (csps, environments, contacts) are separated by
 * spaces, commas or new lines; a contact is an account id or an email address. Empty
 * contractor_id / period_end = none. */
struct system_input {
	const char *name, *purpose, *lifecycle;
	const char *csps, *environments, *contacts;
	const char *contractor_id, *period_start, *period_end;
	const char *classification, *billing_unit;
	int ci_cd;
};

/* Names to show next to a record's ids (arena strings; NULL when unknown). */
struct system_names {
	const char *project_name, *contractor_name;
	const char *contact_emails[SYSTEM_CONTACTS_MAX];
};

/* The registration of project team project_id. DENIED (audited) when the actor may not see
 * the team; NOTFOUND when there is no such team or it has no registration yet (then, if the
 * team exists and may be seen, *team is filled when team != NULL). names may be NULL. */
enum gcas_err svc_system_get(const struct env *env, const struct actor *ac, struct arena *a,
                             const char *project_id, struct system_rec *out,
                             struct system_names *names, struct org *team);
/* The same by the registration's own id. */
enum gcas_err svc_system_get_by_id(const struct env *env, const struct actor *ac, struct arena *a,
                                   const char *id, struct system_rec *out);
/* Registrations the actor may see, by name (the ACT_SYSTEM_VIEW scope pushed into SQL). */
enum gcas_err svc_system_list(const struct env *env, const struct actor *ac, struct arena *a,
                              struct page *pg, struct system_rec **out, size_t *n);
/* Register the team's system (version 1). INVALID with ve filled; DENIED (audited); NOTFOUND
 * (no such project team); CONFLICT when the team already has one (also in ve). */
enum gcas_err svc_system_register(const struct env *env, const struct actor *ac, struct arena *a,
                                  const char *project_id, const struct system_input *in,
                                  struct system_rec *out, struct verrs *ve);
/* Replace the registration's fields, provided version is still the stored one; out gets the
 * new record (version + 1). INVALID with ve; DENIED (audited); NOTFOUND (no registration);
 * CONFLICT when version is stale (also in ve, field "version"). */
enum gcas_err svc_system_update(const struct env *env, const struct actor *ac, struct arena *a,
                                const char *project_id, int64_t version,
                                const struct system_input *in, struct system_rec *out,
                                struct verrs *ve);
/* The kept versions of registration system_id, newest first (paged by version). DENIED
 * (audited); NOTFOUND. */
enum gcas_err svc_system_history(const struct env *env, const struct actor *ac, struct arena *a,
                                 const char *system_id, struct page *pg,
                                 struct system_history_row **out, size_t *n);
/* The contractors attached to the team (for the form's choice); empty when none. DENIED. */
enum gcas_err svc_system_contractors(const struct env *env, const struct actor *ac, struct arena *a,
                                     const char *project_id, struct org **out, size_t *n);
/* The record as a JSON object text (the history's format, the API's view). NULL on OOM. */
char *svc_system_json(struct arena *a, const struct system_rec *r);
/* Policy target of a registration or of a project team (the team's scope). */
struct target system_target(const char *project_id, const char *agency_id);

#endif
