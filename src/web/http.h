/* SPDX-License-Identifier: MIT */
/* HTTP semantics independent of libmicrohttpd (h2o's lesson: handlers are tested without
 * sockets). The server adapter fills a struct http_req; web_dispatch() routes it and fills a
 * struct http_resp that the adapter sends. */
#ifndef GCAS_WEB_HTTP_H
#define GCAS_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "svc/env.h"

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

struct http_header {
	const char *name, *value;
};

#define HTTP_MAX_HEADERS 48

struct http_req {
	struct arena *a; /* per request; everything below lives in it */
	enum http_method method;
	const char *path;  /* raw path, without the query */
	const char *query; /* raw query string, "" when none */
	const char *body;
	size_t body_len;
	int body_too_large;  /* the adapter stopped reading at the configured cap */
	const char *peer_ip; /* the TCP peer */
	int tls;             /* served over TLS by us */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	const char *request_id;
};

#define HTTP_MAX_RESP_HEADERS 24

struct http_resp {
	int status;
	const char *content_type;
	struct http_header headers[HTTP_MAX_RESP_HEADERS];
	size_t nheaders;
	struct buf body;
	const void *static_body; /* when set, sent instead of body (not copied, not freed) */
	size_t static_len;
};

/* Case-insensitive header lookup; NULL when absent. */
const char *http_req_header(const struct http_req *r, const char *name);
/* Every field line of a header joined with ", " in order (RFC 9110 §5.3), or NULL. */
const char *http_req_header_all(const struct http_req *r, const char *name);
/* The last field line of a header, or NULL. */
const char *http_req_header_last(const struct http_req *r, const char *name);
/* Add a response header (copied into the arena). Returns -1 when full. */
int http_resp_header(struct http_resp *r, struct arena *a, const char *name, const char *value);
void http_resp_init(struct http_resp *r);
void http_resp_fini(struct http_resp *r);
const char *http_method_name(enum http_method m);
enum http_method http_method_parse(const char *s);
const char *http_status_text(int status);

/* The web layer's entry point: route, authenticate, check CSRF, run the handler, add security
 * headers. Never fails: every problem becomes a response. Thread-safe. */
void web_dispatch(const struct env *env, struct http_req *req, struct http_resp *resp);
/* The same over another listener's table (web/web.h struct web_table); NULL: the main one. */
struct web_table;
void web_dispatch_table(const struct env *env, const struct web_table *table, struct http_req *req,
                        struct http_resp *resp);

#endif
