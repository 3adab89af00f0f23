/* SPDX-License-Identifier: MIT */
/* Names of the error codes, for logs. */
#include "base/err.h"

static const char *const names[GCAS_ERR__MAX] = {
    [GCAS_OK] = "ok",
    [GCAS_ERR_NOMEM] = "nomem",
    [GCAS_ERR_INVALID] = "invalid",
    [GCAS_ERR_NOTFOUND] = "notfound",
    [GCAS_ERR_CONFLICT] = "conflict",
    [GCAS_ERR_DENIED] = "denied",
    [GCAS_ERR_AUTH] = "auth",
    [GCAS_ERR_BUSY] = "busy",
    [GCAS_ERR_DB] = "db",
    [GCAS_ERR_IO] = "io",
    [GCAS_ERR_CRYPTO] = "crypto",
    [GCAS_ERR_INTERNAL] = "internal",
};

const char *gcas_err_name(enum gcas_err e)
{
	if ((unsigned)e >= GCAS_ERR__MAX || !names[e])
		return "unknown";
	return names[e];
}
