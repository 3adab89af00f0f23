/* SPDX-License-Identifier: MIT */
/* The identity store of the `local` simulated cloud (issue 4 §3): the users and groups that
 * gcas's SCIM client pushes to a local environment, served at /local-cloud/{id}/scim/v2, and
 * read by the local console's SAML service provider to decide who may enter. */
#ifndef GCAS_STORE_LOCAL_SCIM_H
#define GCAS_STORE_LOCAL_SCIM_H

#include <stdint.h>

#include "store/store.h"

struct local_scim_user {
	const char *id;             /* the SCIM id the local cloud gave */
	const char *environment_id; /* gcas environment whose cloud account holds it */
	const char *user_name;      /* SCIM userName (gcas pushes the email) */
	const char *external_id;    /* SCIM externalId (gcas pushes the account id) */
	const char *display_name, *given_name, *family_name, *email;
	int active;
	int64_t version; /* ETag W/"version" */
	int64_t created_at, updated_at;
};

/* NOTFOUND when environment_id has no user of that userName (case-insensitive, RFC 7643 §4.1.1).
 */
enum gcas_err store_local_scim_user_by_name(struct db *db, struct arena *a,
                                            const char *environment_id, const char *user_name,
                                            struct local_scim_user *out);
/* The names of the groups of environment_id that user_id belongs to (SAML role mapping). */
enum gcas_err store_local_scim_user_groups(struct db *db, struct arena *a,
                                           const char *environment_id, const char *user_id,
                                           const char ***names, size_t *n);

#endif
