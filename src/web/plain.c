/* SPDX-License-Identifier: MIT */
/* Health, readiness, Prometheus metrics and the embedded static files. */
#include <stdatomic.h>
#include <string.h>

#include "base/clock.h"
#include "web/handlers.h"
#include "web/static_assets.h"

void plain_healthz(struct web_ctx *c)
{
	/* Liveness only: the process answers. Readiness checks the database. */
	c->resp->content_type = "application/json";
	c->resp->static_body = "{\"status\":\"ok\"}";
	c->resp->static_len = 15;
}

static enum gcas_err ready_tx(struct db *db, void *ctx)
{
	int64_t *n = ctx;
	return store_session_count(db, n);
}

void plain_readyz(struct web_ctx *c)
{
	int64_t n;
	int ok = store_run(c->env->st, ready_tx, &n) == GCAS_OK;
	c->resp->status = ok ? 200 : 503;
	c->resp->content_type = "application/json";
	buf_puts(&c->resp->body,
	         ok ? "{\"status\":\"ready\"}" : "{\"status\":\"database unavailable\"}");
}

void plain_static(struct web_ctx *c)
{
	const char *path = arena_printf(c->a, "/static/%s", web_param(c, 0));
	const struct static_asset *s = path ? static_asset_find(path) : NULL;
	if (!s) {
		c->resp->status = 404;
		c->resp->content_type = "text/plain; charset=utf-8";
		buf_puts(&c->resp->body, "not found\n");
		return;
	}
	char *etag = arena_printf(c->a, "\"%s\"", s->etag);
	const char *inm = http_req_header(c->req, "If-None-Match");
	http_resp_header(c->resp, c->a, "ETag", etag);
	http_resp_header(c->resp, c->a, "Cache-Control", "public, max-age=3600");
	if (inm && etag && strcmp(inm, etag) == 0) {
		c->resp->status = 304;
		return;
	}
	c->resp->content_type = s->content_type;
	c->resp->static_body = s->data;
	c->resp->static_len = s->len;
}

/* Request counters by status class and a latency histogram (microseconds). */
static const int64_t bounds_us[] = {500, 1000, 5000, 10000, 50000, 100000, 500000, 1000000};
#define NB (sizeof(bounds_us) / sizeof(bounds_us[0]))
static _Atomic uint64_t by_class[6];
static _Atomic uint64_t hist[NB + 1];
static _Atomic uint64_t sum_us;
static int64_t started_at;

void metrics_observe(int status, int64_t micros)
{
	int cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 0;
	atomic_fetch_add(&by_class[cls], 1);
	size_t i = 0;
	while (i < NB && micros > bounds_us[i])
		i++;
	atomic_fetch_add(&hist[i], 1);
	atomic_fetch_add(&sum_us, (uint64_t)(micros < 0 ? 0 : micros));
	if (!started_at)
		started_at = clock_now();
}

static enum gcas_err counts_tx(struct db *db, void *ctx)
{
	int64_t *v = ctx;
	enum gcas_err e = store_session_count(db, &v[0]);
	return e ? e : store_account_count(db, &v[1]);
}

void metrics_render(struct buf *b, const struct env *env)
{
	static const char *const cls[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
	buf_puts(b, "# HELP gcas_http_requests_total HTTP requests answered, by status class.\n"
	            "# TYPE gcas_http_requests_total counter\n");
	for (int i = 0; i < 6; i++)
		buf_printf(b, "gcas_http_requests_total{class=\"%s\"} %llu\n", cls[i],
		           (unsigned long long)atomic_load(&by_class[i]));
	buf_puts(b, "# HELP gcas_http_request_duration_seconds Time to answer a request.\n"
	            "# TYPE gcas_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t i = 0; i < NB; i++) {
		cum += atomic_load(&hist[i]);
		buf_printf(b, "gcas_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		           (double)bounds_us[i] / 1e6, (unsigned long long)cum);
	}
	cum += atomic_load(&hist[NB]);
	buf_printf(b, "gcas_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
	           (unsigned long long)cum);
	buf_printf(b, "gcas_http_request_duration_seconds_sum %g\n",
	           (double)atomic_load(&sum_us) / 1e6);
	buf_printf(b, "gcas_http_request_duration_seconds_count %llu\n", (unsigned long long)cum);
	int64_t v[2] = {0, 0};
	if (store_run(env->st, counts_tx, v) == GCAS_OK) {
		buf_printf(b,
		           "# HELP gcas_sessions Live sessions.\n# TYPE gcas_sessions gauge\n"
		           "gcas_sessions %lld\n",
		           (long long)v[0]);
		buf_printf(
		    b,
		    "# HELP gcas_accounts Accounts in the store.\n# TYPE gcas_accounts gauge\n"
		    "gcas_accounts %lld\n",
		    (long long)v[1]);
	}
}

void plain_metrics(struct web_ctx *c)
{
	/* Metrics are for the operator's monitoring: only from loopback or a trusted proxy. */
	if (strcmp(c->client_ip, "127.0.0.1") != 0 && strcmp(c->client_ip, "::1") != 0) {
		c->resp->status = 403;
		c->resp->content_type = "text/plain; charset=utf-8";
		buf_puts(&c->resp->body, "forbidden\n");
		return;
	}
	c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(&c->resp->body, c->env);
}
