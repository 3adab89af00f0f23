/* SPDX-License-Identifier: MIT */
/* Applications throughput (issue 3 §9): THREADS client threads for SECONDS, each looping
 * "POST /api/v1/applications" (a contractor manager applies for a new contractor_staff account,
 * with the identity declaration of 別表1) then "POST /api/v1/applications/{id}/approve" (the
 * project manager approves it). One libcurl easy handle per thread, so both requests reuse one
 * keep-alive connection. Prints key/value lines: pairs, pairs/s, p50/p99 latency per request
 * kind, and the count of every unexpected status (0 = transport error).
 * usage: applications BASE_URL CM_TOKEN PM_TOKEN ORG_ID THREADS SECONDS [TAG] */
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/str.h"

#define MAX_THREADS 256
#define MAX_STATUS  600
#define RESP_CAP    (256 * 1024)

enum kind { K_CREATE, K_APPROVE, K__MAX };
static const char *const kind_name[K__MAX] = {"create", "approve"};
static const long kind_want[K__MAX] = {201, 200};

struct cfg {
	const char *base, *cm_auth, *pm_auth, *org_id, *tag;
	double deadline; /* CLOCK_MONOTONIC seconds: no new pair starts after it */
};

/* The latencies of one kind, in ms, growing by doubling. */
struct lat {
	double *v;
	size_t n, cap;
};

struct resp {
	char *p;
	size_t n;
	int overflow;
};

struct worker {
	pthread_t th;
	int id;
	const struct cfg *cfg;
	long pairs, conns;
	long bad[K__MAX][MAX_STATUS];
	struct lat lat[K__MAX];
	char first_err[512];
	int oom;
};

static const char *const family[] = {"佐藤", "鈴木", "高橋", "田中"};
static const char *const family_kana[] = {"サトウ", "スズキ", "タカハシ", "タナカ"};
static const char *const given[] = {"花子", "太郎", "陽菜", "蓮"};
static const char *const given_kana[] = {"ハナコ", "タロウ", "ヒナ", "レン"};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Today in JST (UTC+9, no daylight saving): the server refuses a verified_on in the future. */
static void today_jst(char out[11])
{
	time_t t = time(NULL) + 9 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int lat_add(struct lat *l, double ms)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		double *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ms;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct resp *r = ctx;
	size_t len = size * nmemb;
	if (r->n + len + 1 > RESP_CAP) {
		r->overflow = 1;
		return len; /* keep reading, drop the rest: the status still counts */
	}
	memcpy(r->p + r->n, data, len);
	r->n += len;
	r->p[r->n] = 0;
	return len;
}

/* One request on the thread's handle; returns the status (0 on a transport error). */
static long post(struct worker *w, CURL *h, struct curl_slist *hdr, const char *url,
                 const char *body, struct resp *r, enum kind k)
{
	long status = 0;
	r->n = 0;
	r->p[0] = 0;
	r->overflow = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	double t0 = now_s();
	CURLcode rc = curl_easy_perform(h);
	double ms = (now_s() - t0) * 1000.0;
	long conns = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	/* New connections this transfer opened: > 0 means the server closed the last one. */
	if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK)
		w->conns += conns;
	if (lat_add(&w->lat[k], ms))
		w->oom = 1;
	if (status != kind_want[k]) {
		w->bad[k][status > 0 && status < MAX_STATUS ? status : 0]++;
		if (!w->first_err[0])
			snprintf(w->first_err, sizeof(w->first_err), "%s %ld %s: %.300s",
			         kind_name[k], status, rc == CURLE_OK ? "" : curl_easy_strerror(rc),
			         r->p);
	}
	return status;
}

static char *create_body(const struct worker *w, long n)
{
	char email[128], today[11];
	int i = (int)((n + w->id) % 4);
	today_jst(today);
	snprintf(email, sizeof(email), "bench-%s-%d-%ld@bench.example.go.jp", w->cfg->tag, w->id,
	         n);
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "kind",
	              "create", "email", email, "family_name", family[i], "given_name", given[i],
	              "family_kana", family_kana[i], "given_kana", given_kana[i], "role",
	              "contractor_staff", "org_id", w->cfg->org_id, "reason",
	              "ベンチマーク: 新規参画者のアカウント作成", "verified_on", today, "scope",
	              "contractor_nda", "system_name", "住民記録システム", "nda_confirmed", 1);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

/* The id of the application a 201 answered with, copied into out. */
static int created_id(const struct resp *r, char *out, size_t cap)
{
	json_t *o = json_loadb(r->p, r->n, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "id"));
	int rc = id && strlen(id) < cap && strspn(id, "0123456789abcdef") == strlen(id) ? 0 : -1;
	if (!rc)
		str_copy(out, cap, id);
	json_decref(o);
	return rc;
}

static struct curl_slist *headers(const char *auth)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct curl_slist *h2 = h ? curl_slist_append(h, "Accept: application/json") : NULL;
	struct curl_slist *h3 = h2 ? curl_slist_append(h2, auth) : NULL;
	if (!h3)
		curl_slist_free_all(h);
	return h3;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	const struct cfg *c = w->cfg;
	CURL *h = curl_easy_init();
	struct curl_slist *cm = headers(c->cm_auth), *pm = headers(c->pm_auth);
	struct resp r = {.p = malloc(RESP_CAP)};
	char create_url[512], approve_url[512], id[65];
	snprintf(create_url, sizeof(create_url), "%s/api/v1/applications", c->base);
	if (!h || !cm || !pm || !r.p) {
		w->oom = 1;
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	for (long n = 0; now_s() < c->deadline; n++) {
		char *body = create_body(w, n);
		if (!body) {
			w->oom = 1;
			break;
		}
		long st = post(w, h, cm, create_url, body, &r, K_CREATE);
		free(body);
		if (st != 201)
			continue;
		if (created_id(&r, id, sizeof(id))) {
			w->bad[K_CREATE][0]++;
			continue;
		}
		snprintf(approve_url, sizeof(approve_url), "%s/api/v1/applications/%s/approve",
		         c->base, id);
		if (post(w, h, pm, approve_url, "", &r, K_APPROVE) == 200)
			w->pairs++;
	}
out:
	free(r.p);
	curl_slist_free_all(cm);
	curl_slist_free_all(pm);
	curl_easy_cleanup(h);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(const struct lat *l, double p)
{
	if (!l->n)
		return 0;
	size_t i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[i];
}

/* Merge every thread's latencies of kind k into one sorted list. */
static int merge(struct worker *ws, int n, enum kind k, struct lat *out)
{
	for (int t = 0; t < n; t++)
		for (size_t i = 0; i < ws[t].lat[k].n; i++)
			if (lat_add(out, ws[t].lat[k].v[i]))
				return -1;
	if (out->n)
		qsort(out->v, out->n, sizeof(double), cmp_double);
	return 0;
}

static long arg_long(const char *s, long lo, long hi)
{
	int64_t v;
	return str_to_i64(s, &v) == 0 && v >= lo && v <= hi ? (long)v : -1;
}

static void report(struct worker *ws, int n, double elapsed)
{
	long pairs = 0, errors = 0, conns = 0;
	for (int t = 0; t < n; t++) {
		pairs += ws[t].pairs;
		conns += ws[t].conns;
	}
	printf("pairs %ld\nelapsed_s %.3f\npairs_per_s %.2f\nconnections %ld\n", pairs, elapsed,
	       elapsed > 0 ? (double)pairs / elapsed : 0, conns);
	for (int k = 0; k < K__MAX; k++) {
		struct lat all = {0};
		if (merge(ws, n, (enum kind)k, &all))
			fprintf(stderr, "applications: out of memory merging latencies\n");
		printf("%s_requests %zu\n%s_p50_ms %.2f\n%s_p99_ms %.2f\n", kind_name[k], all.n,
		       kind_name[k], pct(&all, 0.50), kind_name[k], pct(&all, 0.99));
		free(all.v);
		for (int s = 0; s < MAX_STATUS; s++) {
			long sum = 0;
			for (int t = 0; t < n; t++)
				sum += ws[t].bad[k][s];
			if (sum)
				printf("error_%s_status_%d %ld\n", kind_name[k], s, sum);
			errors += sum;
		}
	}
	printf("errors %ld\n", errors);
	for (int t = 0; t < n; t++)
		if (ws[t].first_err[0]) {
			printf("first_error %s\n", ws[t].first_err);
			break;
		}
}

int main(int argc, char **argv)
{
	if (argc != 7 && argc != 8) {
		fprintf(stderr,
		        "usage: %s BASE_URL CM_TOKEN PM_TOKEN ORG_ID THREADS SECONDS [TAG]\n",
		        argv[0]);
		return 2;
	}
	long threads = arg_long(argv[5], 1, MAX_THREADS), secs = arg_long(argv[6], 1, 3600);
	if (threads < 0 || secs < 0 || strncmp(argv[1], "http://127.0.0.1:", 17) != 0) {
		fprintf(stderr, "applications: THREADS 1..%d, SECONDS 1..3600, a loopback URL\n",
		        MAX_THREADS);
		return 2;
	}
	char cm_auth[256], pm_auth[256];
	snprintf(cm_auth, sizeof(cm_auth), "Authorization: Bearer %s", argv[2]);
	snprintf(pm_auth, sizeof(pm_auth), "Authorization: Bearer %s", argv[3]);
	struct cfg cfg = {.base = argv[1],
	                  .cm_auth = cm_auth,
	                  .pm_auth = pm_auth,
	                  .org_id = argv[4],
	                  .tag = argc == 8 ? argv[7] : "r"};
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return 1;
	struct worker *ws = calloc((size_t)threads, sizeof(*ws));
	int rc = 1, started = 0;
	if (!ws)
		goto out;
	double t0 = now_s();
	cfg.deadline = t0 + (double)secs;
	for (; started < threads; started++) {
		ws[started].id = started;
		ws[started].cfg = &cfg;
		if (pthread_create(&ws[started].th, NULL, run, &ws[started]))
			break;
	}
	for (int t = 0; t < started; t++)
		pthread_join(ws[t].th, NULL);
	/* Up to the last pair's end: the pairs begun before the deadline all finish. */
	double elapsed = now_s() - t0;
	int oom = 0;
	for (int t = 0; t < started; t++)
		oom |= ws[t].oom;
	report(ws, started, elapsed);
	rc = started == threads && !oom ? 0 : 1;
	if (rc)
		fprintf(stderr, "applications: %d of %ld threads started%s\n", started, threads,
		        oom ? ", out of memory" : "");
out:
	for (int t = 0; ws && t < started; t++)
		for (int k = 0; k < K__MAX; k++)
			free(ws[t].lat[k].v);
	free(ws);
	curl_global_cleanup();
	return rc;
}
