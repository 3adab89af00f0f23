/* SPDX-License-Identifier: MIT */
/* Shared by the files of the SAML module only (saml_*.c): the per-thread cache of Lasso
 * servers, metadata parsing and the small XML writing helpers. Not a public header. */
#ifndef GCAS_SSO_SAML_INTERNAL_H
#define GCAS_SSO_SAML_INTERNAL_H

#include <lasso/lasso.h>

#include "base/buf.h"
#include "sso/saml.h"

/* A cached server and what was learnt of its partner's metadata when it was built. The
 * strings are malloc'd and owned by the cache. */
struct saml_srv {
	LassoServer *srv;
	char **acs; /* the partner SP's HTTP-POST ACS URLs (IdP servers) */
	size_t nacs;
	char **certs; /* its signing certificates, base64 DER */
	size_t ncerts;
	int wants_email, requests_signed;
};
/* Copy n strings into a malloc'd array (*out, *nout); -1 on OOM (nothing left allocated). */
int saml_strv_dup(const char *const *v, size_t n, char ***out, size_t *nout);
void saml_strv_free(char **v, size_t n);
/* Build a server into out (srv referenced once, acs malloc'd); GCAS_OK or an error. */
typedef enum gcas_err (*saml_srv_build_fn)(void *ctx, struct saml_srv *out);
/* This thread's server for key, built by fn on a miss (the least recently used of a few slots
 * is evicted). *out gets a new reference to the server (g_object_unref it) and a borrowed view
 * of the ACS list, valid until the next call on this thread. Building a LassoServer parses
 * PEM keys and metadata (tens of milliseconds), hence the cache. */
enum gcas_err saml_srv_get(const char *key, saml_srv_build_fn fn, void *ctx, struct saml_srv *out);

/* Parse SP metadata (already checked for DTDs and size) into m, strings in a. INVALID with
 * why when it is not an SP's EntityDescriptor with an HTTP-POST ACS. */
enum gcas_err saml_meta_parse_sp(struct arena *a, const char *xml, struct saml_sp_meta *m,
                                 const char **why);
/* The base64 body of a PEM certificate (what ds:X509Certificate holds), in a; NULL when pem
 * holds no certificate. */
char *saml_pem_body(struct arena *a, const char *pem);
/* XML-escape s into b (text and attribute values). */
enum gcas_err saml_xml_put(struct buf *b, const char *s);
/* Lasso's result code as ours: signature problems are AUTH, the rest INVALID. */
enum gcas_err saml_lasso_err(int rc);

#endif
