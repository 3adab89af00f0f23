/* SPDX-License-Identifier: MIT */
/* One error enum for the whole program. Protocol errors (OAuth, SCIM, problem+json) are data,
 * not C errors: these say only what went wrong inside the program or its inputs. */
#ifndef GCAS_BASE_ERR_H
#define GCAS_BASE_ERR_H

enum gcas_err {
	GCAS_OK = 0,
	GCAS_ERR_NOMEM,    /* an allocation failed or a buffer cap was reached */
	GCAS_ERR_INVALID,  /* input failed validation */
	GCAS_ERR_NOTFOUND, /* no such row / object */
	GCAS_ERR_CONFLICT, /* unique constraint, stale version, state transition refused */
	GCAS_ERR_DENIED,   /* the permission matrix said no */
	GCAS_ERR_AUTH,     /* authentication failed */
	GCAS_ERR_BUSY,     /* transient: database busy / serialisation failure, retry */
	GCAS_ERR_DB,       /* database error that is not transient */
	GCAS_ERR_IO,       /* file or socket error */
	GCAS_ERR_CRYPTO,   /* a crypto library failed */
	GCAS_ERR_INTERNAL, /* a bug: an invariant did not hold */
	GCAS_ERR__MAX
};

/* Short stable name of an error, for logs ("nomem", "invalid", ...). Never NULL. */
const char *gcas_err_name(enum gcas_err e);

#endif
