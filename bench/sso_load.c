/* SPDX-License-Identifier: MIT */
/* Load client for the console sign-in benchmarks (issue 4 §8): CLIENTS threads, one keep-alive
 * libcurl handle each, every thread signed in with its own gcas session cookie.
 *   flow     authorize (session) → code → token, complete flows per second
 *   redeem   codes made first (untimed), then only their redemption is timed
 *   refresh  one refresh token per thread, then refresh exchanges in a chain (rotation)
 *   saml     SP-initiated AuthnRequest (HTTP-Redirect, fresh ID each) → signed Response page
 * Prints "key value" lines: ops, seconds, rate, errors, p50_ms, p99_ms. Every response is
 * checked (a code in the Location, an id_token / refresh_token in the JSON, a SAMLResponse in
 * the page); anything else counts as an error.
 * usage: sso_load MODE BASE CLIENTS SECONDS COOKIES_FILE CLIENT_ID SECRET REDIRECT_URI
 *        [SAML_SP_ENTITY SAML_ACS]  (COOKIES_FILE: one "name=value" cookie per line) */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define MAXT      256
#define LAT_MAX   2000000
#define CODES_PER 400

enum mode { M_FLOW, M_REDEEM, M_REFRESH, M_SAML };

struct cfg {
	enum mode mode;
	const char *base, *client_id, *secret, *redirect, *sp_entity, *acs;
	int clients;
	double seconds;
	char *cookies[MAXT];
};

struct thr {
	const struct cfg *cf;
	int idx;
	CURL *h;
	char verifier[64], challenge[64];
	long ops, errors;
	double *lat;
	long nlat;
	char **codes;
	int ncodes;
	char refresh[256];
	pthread_t th;
};

static struct cfg g;
static volatile int go_flag;
static double t_end;

struct body {
	char *p;
	size_t n, cap;
};

static size_t on_data(char *d, size_t sz, size_t nm, void *u)
{
	struct body *b = u;
	size_t n = sz * nm;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *q = realloc(b->p, cap);
		if (!q)
			return 0;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void b64url(const unsigned char *in, size_t n, char *out, size_t cap)
{
	unsigned char tmp[512];
	int len = EVP_EncodeBlock(tmp, in, (int)n);
	size_t j = 0;
	for (int i = 0; i < len && j + 1 < cap; i++) {
		if (tmp[i] == '=')
			break;
		out[j++] = tmp[i] == '+' ? '-' : tmp[i] == '/' ? '_' : (char)tmp[i];
	}
	out[j] = '\0';
}

/* One request; status in *st, body in b (reset), Location copied to loc when asked. */
static int req(struct thr *t, const char *url, const char *post, struct body *b, long *st,
               char *loc, size_t loccap)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
	curl_easy_setopt(t->h, CURLOPT_URL, url);
	curl_easy_setopt(t->h, CURLOPT_WRITEDATA, b);
	if (post) {
		curl_easy_setopt(t->h, CURLOPT_POSTFIELDS, post);
	} else {
		curl_easy_setopt(t->h, CURLOPT_HTTPGET, 1L);
	}
	if (curl_easy_perform(t->h) != CURLE_OK)
		return -1;
	curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, st);
	if (loc) {
		char *l = NULL;
		loc[0] = '\0';
		curl_easy_getinfo(t->h, CURLINFO_REDIRECT_URL, &l);
		if (l)
			snprintf(loc, loccap, "%s", l);
	}
	return 0;
}

static int get_code(struct thr *t, struct body *b, char *code, size_t cap)
{
	char url[2048], loc[2048];
	long st = 0;
	snprintf(
	    url, sizeof(url),
	    "%s/oidc/authorize?response_type=code&client_id=%s&redirect_uri=%s&scope=openid%%20"
	    "email&state=s%d&nonce=n%d&code_challenge=%s&code_challenge_method=S256",
	    g.base, g.client_id, g.redirect, t->idx, t->idx, t->challenge);
	curl_easy_setopt(t->h, CURLOPT_HTTPHEADER, NULL);
	if (req(t, url, NULL, b, &st, loc, sizeof(loc)) || (st != 302 && st != 303))
		return -1;
	const char *c = strstr(loc, "code=");
	if (!c)
		return -1;
	c += 5;
	size_t n = strcspn(c, "&");
	if (n >= cap)
		return -1;
	memcpy(code, c, n);
	code[n] = '\0';
	return 0;
}

static int token(struct thr *t, struct body *b, const char *form)
{
	long st = 0;
	char url[1024];
	snprintf(url, sizeof(url), "%s/oidc/token", g.base);
	if (req(t, url, form, b, &st, NULL, 0) || st != 200 || !b->p)
		return -1;
	const char *r = strstr(b->p, "\"refresh_token\"");
	if (r) {
		r = strchr(r + 15, '"');
		if (r) {
			r++;
			size_t n = strcspn(r, "\"");
			if (n < sizeof(t->refresh)) {
				memcpy(t->refresh, r, n);
				t->refresh[n] = '\0';
			}
		}
	}
	return 0;
}

static int redeem(struct thr *t, struct body *b, const char *code)
{
	char form[2048];
	snprintf(form, sizeof(form),
	         "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s", code,
	         g.redirect, t->verifier);
	if (token(t, b, form))
		return -1;
	return strstr(b->p, "\"id_token\"") ? 0 : -1;
}

static int refresh_once(struct thr *t, struct body *b)
{
	char form[1024];
	snprintf(form, sizeof(form), "grant_type=refresh_token&refresh_token=%s", t->refresh);
	return token(t, b, form);
}

static int saml_once(struct thr *t, struct body *b, long seq)
{
	char xml[2048], when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(xml, sizeof(xml),
	         "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
	         "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_b%d_%ld_%ld\" "
	         "Version=\"2.0\" IssueInstant=\"%s\" AssertionConsumerServiceURL=\"%s\" "
	         "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">"
	         "<saml:Issuer>%s</saml:Issuer></samlp:AuthnRequest>",
	         t->idx, (long)now, seq, when, g.acs, g.sp_entity);
	unsigned char def[2048];
	z_stream z = {0};
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)xml;
	z.avail_in = (unsigned)strlen(xml);
	z.next_out = def;
	z.avail_out = sizeof(def);
	int zr = deflate(&z, Z_FINISH);
	size_t dn = z.total_out;
	deflateEnd(&z);
	if (zr != Z_STREAM_END)
		return -1;
	unsigned char b64[4096];
	EVP_EncodeBlock(b64, def, (int)dn);
	char *esc = curl_easy_escape(t->h, (const char *)b64, 0);
	char url[8192];
	snprintf(url, sizeof(url), "%s/saml/sso?SAMLRequest=%s", g.base, esc);
	curl_free(esc);
	long st = 0;
	if (req(t, url, NULL, b, &st, NULL, 0) || st != 200 || !b->p)
		return -1;
	return strstr(b->p, "SAMLResponse") ? 0 : -1;
}

static void record(struct thr *t, double t0, int bad)
{
	if (bad) {
		t->errors++;
		return;
	}
	t->ops++;
	if (t->nlat < LAT_MAX / g.clients)
		t->lat[t->nlat++] = (now_s() - t0) * 1000.0;
}

static void *run(void *arg)
{
	struct thr *t = arg;
	struct body b = {0};
	char code[512];
	long seq = 0;
	while (!go_flag)
		;
	double deadline = t_end;
	if (g.mode == M_REDEEM) {
		for (int i = 0; i < t->ncodes; i++) {
			double t0 = now_s();
			record(t, t0, redeem(t, &b, t->codes[i]));
		}
		free(b.p);
		return NULL;
	}
	while (now_s() < deadline) {
		double t0 = now_s();
		int bad = 0;
		if (g.mode == M_FLOW)
			bad = get_code(t, &b, code, sizeof(code)) || redeem(t, &b, code);
		else if (g.mode == M_REFRESH)
			bad = refresh_once(t, &b);
		else
			bad = saml_once(t, &b, seq++);
		record(t, t0, bad);
	}
	free(b.p);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void setup_thread(struct thr *t, int i)
{
	t->cf = &g;
	t->idx = i;
	t->h = curl_easy_init();
	unsigned char rnd[32], dig[32];
	for (int k = 0; k < 32; k++)
		rnd[k] = (unsigned char)(i * 31 + k * 7 + 1);
	b64url(rnd, 32, t->verifier, sizeof(t->verifier));
	SHA256((const unsigned char *)t->verifier, strlen(t->verifier), dig);
	b64url(dig, 32, t->challenge, sizeof(t->challenge));
	curl_easy_setopt(t->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(t->h, CURLOPT_COOKIE, g.cookies[i]);
	curl_easy_setopt(t->h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(t->h, CURLOPT_TIMEOUT, 30L);
	if (g.mode != M_SAML) {
		curl_easy_setopt(t->h, CURLOPT_USERNAME, g.client_id);
		curl_easy_setopt(t->h, CURLOPT_PASSWORD, g.secret);
		curl_easy_setopt(t->h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	}
	t->lat = malloc(sizeof(double) * (size_t)(LAT_MAX / g.clients + 1));
}

int main(int argc, char **argv)
{
	if (argc < 9) {
		fprintf(stderr, "usage: sso_load flow|redeem|refresh|saml BASE CLIENTS SECONDS "
		                "COOKIES_FILE CLIENT_ID SECRET REDIRECT_URI [SP_ENTITY ACS]\n");
		return 64;
	}
	g.mode = strcmp(argv[1], "flow") == 0      ? M_FLOW
	         : strcmp(argv[1], "redeem") == 0  ? M_REDEEM
	         : strcmp(argv[1], "refresh") == 0 ? M_REFRESH
	                                           : M_SAML;
	g.base = argv[2];
	g.clients = (int)strtol(argv[3], NULL, 10);
	g.seconds = strtod(argv[4], NULL);
	g.client_id = argv[6];
	g.secret = argv[7];
	g.redirect = argv[8];
	g.sp_entity = argc > 9 ? argv[9] : "";
	g.acs = argc > 10 ? argv[10] : "";
	if (g.clients < 1 || g.clients > MAXT)
		return 64;
	FILE *f = fopen(argv[5], "r");
	if (!f)
		return 66;
	char line[1024];
	int nc = 0;
	while (nc < MAXT && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			g.cookies[nc++] = strdup(line);
	}
	fclose(f);
	if (nc < g.clients) {
		fprintf(stderr, "sso_load: %d cookies for %d clients\n", nc, g.clients);
		return 65;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	static struct thr th[MAXT];
	long prep_errors = 0;
	for (int i = 0; i < g.clients; i++) {
		setup_thread(&th[i], i);
		struct body b = {0};
		if (g.mode == M_REDEEM) {
			th[i].codes = calloc(CODES_PER, sizeof(char *));
			for (int k = 0; k < CODES_PER; k++) {
				char code[512];
				if (get_code(&th[i], &b, code, sizeof(code))) {
					prep_errors++;
					continue;
				}
				th[i].codes[th[i].ncodes++] = strdup(code);
			}
		} else if (g.mode == M_REFRESH) {
			char code[512];
			if (get_code(&th[i], &b, code, sizeof(code)) || redeem(&th[i], &b, code) ||
			    !th[i].refresh[0])
				prep_errors++;
		}
		free(b.p);
	}
	if (prep_errors)
		fprintf(stderr, "sso_load: %ld preparation errors\n", prep_errors);
	for (int i = 0; i < g.clients; i++)
		pthread_create(&th[i].th, NULL, run, &th[i]);
	double t0 = now_s();
	t_end = t0 + g.seconds;
	go_flag = 1;
	long ops = 0, errs = 0, nl = 0;
	for (int i = 0; i < g.clients; i++) {
		pthread_join(th[i].th, NULL);
		ops += th[i].ops;
		errs += th[i].errors;
		nl += th[i].nlat;
	}
	double el = now_s() - t0;
	double *all = malloc(sizeof(double) * (size_t)(nl + 1));
	long k = 0;
	for (int i = 0; i < g.clients; i++)
		for (long j = 0; j < th[i].nlat; j++)
			all[k++] = th[i].lat[j];
	qsort(all, (size_t)nl, sizeof(double), cmp);
	printf(
	    "mode %s\nclients %d\nops %ld\nseconds %.3f\nrate %.1f\nerrors %ld\nprep_errors %ld\n"
	    "p50_ms %.2f\np99_ms %.2f\n",
	    argv[1], g.clients, ops, el, ops / el, errs, prep_errors, nl ? all[nl / 2] : 0.0,
	    nl ? all[(long)(nl * 0.99)] : 0.0);
	return errs || prep_errors ? 1 : 0;
}
