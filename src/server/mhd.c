/* SPDX-License-Identifier: MIT */
/* The libmicrohttpd adapter — the only file that includes <microhttpd.h>. It turns each request
 * into a struct http_req (body read into a capped buffer, a fresh arena, a request id), calls
 * web_dispatch(), and queues the response. Thread pool with epoll; TLS when configured. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/rand.h"
#include "server/server.h"
#include "web/http.h"

struct conn_state {
	char *uri; /* raw request target from the URI log callback (path + query) */
	struct buf body;
	int too_large;
	int started; /* the first call only announces the request; the body follows */
	int64_t t0;
};

struct server {
	const struct env *env;
	const struct web_table *table; /* NULL: the main server's routes */
	struct MHD_Daemon *d;
};

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *con)
{
	(void)con;
	struct server *s = cls;
	struct conn_state *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return NULL;
	cs->uri = strdup(uri ? uri : "/");
	if (!cs->uri) {
		free(cs);
		return NULL; /* the request is then refused (on_request sees no state) */
	}
	buf_init(&cs->body, s->env->cfg->max_body);
	cs->t0 = clock_mono_ms();
	return cs;
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)con;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	buf_free(&cs->body);
	free(cs->uri);
	free(cs);
	*con_cls = NULL;
}

struct hdr_ctx {
	struct http_req *req;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	(void)kind;
	struct http_req *req = cls;
	if (req->nheaders >= HTTP_MAX_HEADERS)
		return MHD_YES;
	req->headers[req->nheaders].name = arena_strdup(req->a, key);
	req->headers[req->nheaders].value = arena_strdup(req->a, value ? value : "");
	req->nheaders++;
	return MHD_YES;
}

static const char *peer_address(struct arena *a, struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "-";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
			          sizeof(buf));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			          sizeof(buf));
	}
	return arena_strdup(a, buf);
}

static enum MHD_Result send_response(struct MHD_Connection *con, const struct http_resp *resp,
                                     int head)
{
	struct MHD_Response *r;
	if (resp->static_body)
		r = MHD_create_response_from_buffer(resp->static_len, (void *)resp->static_body,
		                                    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(
		    resp->body.len, resp->body.data ? resp->body.data : "", MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	(void)head; /* libmicrohttpd omits the body of HEAD responses itself */
	if (resp->content_type)
		MHD_add_response_header(r, "Content-Type", resp->content_type);
	for (size_t i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	enum MHD_Result ret = MHD_queue_response(con, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* CPU time used by this thread, in microseconds. */
static int64_t thread_cpu_us(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	(void)url;
	(void)version;
	struct server *s = cls;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return MHD_NO;
	if (!cs->started) {
		cs->started = 1;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Keep reading past the cap (so the client gets an answer) but stop storing. */
		if (!cs->too_large && buf_append(&cs->body, upload_data, *upload_data_size))
			cs->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	struct arena *a = arena_new(16u * 1024u * 1024u);
	if (!a)
		return MHD_NO;
	struct http_req req = {.a = a};
	struct http_resp resp;
	char rid[17];
	unsigned char rb[8];
	rand_bytes(rb, sizeof(rb));
	hex_encode(rid, rb, sizeof(rb));
	req.request_id = rid;
	log_set_request_id(rid);
	req.method = http_method_parse(method);
	char *q = strchr(cs->uri, '?');
	req.path = q ? arena_strndup(a, cs->uri, (size_t)(q - cs->uri)) : arena_strdup(a, cs->uri);
	req.query = q ? arena_strdup(a, q + 1) : "";
	req.body = cs->body.data;
	req.body_len = cs->body.len;
	req.body_too_large = cs->too_large;
	req.peer_ip = peer_address(a, con);
	req.tls = s->env->cfg->tls_cert && s->env->cfg->tls_key;
	MHD_get_connection_values(con, MHD_HEADER_KIND, collect_header, &req);
	http_resp_init(&resp);
	int64_t cpu0 = thread_cpu_us();
	web_dispatch_table(s->env, s->table, &req, &resp);
	/* libmicrohttpd keeps a connection on the worker that accepted it, and a worker busy
	 * hashing a password accepts nothing: under load new connections pile onto whichever
	 * worker is free at that moment, and every sign-in on them then runs on one core. A
	 * request that kept its worker's CPU this busy (argon2id) ends its connection, so the
	 * client's next one lands on a free worker (bench/signin.sh: 0.52 → 0.93 of the hash
	 * rate). CPU time, not wall time: a request that waited on the database left the worker
	 * free to serve others, and closing it would only cost the client a reconnect (bench/
	 * applications.sh saw one reconnect per request on PostgreSQL). */
	if (thread_cpu_us() - cpu0 >= 5000)
		http_resp_header(&resp, a, "Connection", "close");
	enum MHD_Result ret = send_response(con, &resp, req.method == HTTP_HEAD);
	char status[8], ms[24];
	snprintf(status, sizeof(status), "%d", resp.status);
	snprintf(ms, sizeof(ms), "%lld", (long long)(clock_mono_ms() - cs->t0));
	log_msg(LOG_INFO, "request", "method", method, "path", req.path ? req.path : "", "status",
	        status, "ms", ms, "client", req.peer_ip, NULL);
	log_set_request_id("");
	http_resp_fini(&resp);
	arena_free(a);
	return ret;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_msg(LOG_WARN, "libmicrohttpd", "detail", msg, NULL);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;
	if (!f)
		return NULL;
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

int server_run(const struct env *env)
{
	return server_run_table(env, env->cfg->listen, env->cfg->port, NULL);
}

int server_run_table(const struct env *env, const char *address, int port,
                     const struct web_table *table)
{
	const struct config *cfg = env->cfg;
	struct server s = {.env = env, .table = table};
	struct sockaddr_in6 a6 = {0};
	struct sockaddr_in a4 = {0};
	const struct sockaddr *sa;
	char *cert = NULL, *key = NULL;
	if (inet_pton(AF_INET, address, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, address, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		sa = (const struct sockaddr *)&a6;
	} else {
		log_msg(LOG_ERROR, "listen address is not an IP address", "listen", address, NULL);
		return 1;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
	                 (sa->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	int tls = cfg->tls_cert && *cfg->tls_cert && cfg->tls_key && *cfg->tls_key;
	if (tls) {
		cert = slurp(cfg->tls_cert);
		key = slurp(cfg->tls_key);
		if (!cert || !key) {
			log_msg(LOG_ERROR, "cannot read the TLS certificate or key", "cert",
			        cfg->tls_cert, "key", cfg->tls_key, NULL);
			free(cert);
			free(key);
			return 1;
		}
		flags |= MHD_USE_TLS;
	}
	/* MHD_OPTION_ARRAY so the TLS options are passed only when TLS is on, and the logger
	 * comes first (it must, to catch errors about the options after it). */
	struct MHD_OptionItem ops[16];
	int k = 0;
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, (void *)sa};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logger, &s};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, &s};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 1000, NULL};
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, 200, NULL};
	if (tls) {
		ops[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
		ops[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
	}
	ops[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	/* MHD_USE_ITC lets MHD_quiesce_daemon stop accepting while workers finish. */
	s.d = MHD_start_daemon(flags | MHD_USE_ITC, (uint16_t)port, NULL, NULL, on_request, &s,
	                       MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	if (!s.d) {
		char pbuf[8];
		snprintf(pbuf, sizeof(pbuf), "%d", port);
		log_msg(LOG_ERROR, "cannot start the HTTP listener", "listen", address, "port",
		        pbuf, "error", strerror(errno), NULL);
		free(cert);
		free(key);
		return 1;
	}
	char pbuf[8];
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	log_msg(LOG_INFO, "listening", "address", address, "port", pbuf, "scheme",
	        tls ? "https" : "http", "store", store_engine(env->st), NULL);
	sigset_t set;
	int sig = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigwait(&set, &sig);
	log_msg(LOG_INFO, "stopping", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT", NULL);
	/* Stop accepting, let in-flight requests finish (bounded), then stop. */
	MHD_quiesce_daemon(s.d);
	for (int i = 0; i < 100; i++) {
		const union MHD_DaemonInfo *di =
		    MHD_get_daemon_info(s.d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!di || di->num_connections == 0)
			break;
		usleep(100 * 1000);
	}
	MHD_stop_daemon(s.d);
	free(cert);
	free(key);
	/* "stopped" is the caller's to say, once its background threads have ended too. */
	log_msg(LOG_INFO, "listener stopped", NULL);
	return 0;
}
