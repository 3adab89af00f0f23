/* SPDX-License-Identifier: MIT */
/* Small HTTP helpers shared by the adapter and the handlers. */
#include "web/http.h"

#include <string.h>
#include <strings.h>

const char *http_req_header(const struct http_req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *http_req_header_all(const struct http_req *r, const char *name)
{
	const char *all = NULL;
	for (size_t i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) != 0)
			continue;
		all = all ? arena_printf(r->a, "%s, %s", all, r->headers[i].value)
		          : r->headers[i].value;
	}
	return all;
}

const char *http_req_header_last(const struct http_req *r, const char *name)
{
	const char *last = NULL;
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			last = r->headers[i].value;
	return last;
}

int http_resp_header(struct http_resp *r, struct arena *a, const char *name, const char *value)
{
	if (r->nheaders >= HTTP_MAX_RESP_HEADERS)
		return -1;
	r->headers[r->nheaders].name = arena_strdup(a, name);
	r->headers[r->nheaders].value = arena_strdup(a, value);
	r->nheaders++;
	return 0;
}

void http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	buf_init(&r->body, 8u * 1024u * 1024u);
}

void http_resp_fini(struct http_resp *r)
{
	buf_free(&r->body);
}

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OTHER"};

const char *http_method_name(enum http_method m)
{
	return (unsigned)m <= HTTP_OTHER ? methods[m] : "OTHER";
}

enum http_method http_method_parse(const char *s)
{
	for (int i = 0; i < HTTP_OTHER; i++)
		if (s && strcmp(s, methods[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 428:
		return "Precondition Required";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Internal Server Error" : "Error";
	}
}
