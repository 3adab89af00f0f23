/* SPDX-License-Identifier: MIT */
/* Delivery of the outbox (R5.5): lease a batch of due messages, build each as an RFC 5322
 * message (core/mime), and hand it to the SMTP server with libcurl, or write it as a .eml file
 * into mail_dir when no server is configured (development, air-gapped installs). Failures are
 * retried with exponential backoff; after MAIL_MAX_ATTEMPTS the message is marked failed.
 * A sensitive message (one carrying a secret) is opened just before sending and its body erased
 * when it is sent or fails for good; sent and failed messages go after mail.retention. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "base/log.h"
#include "base/str.h"
#include "core/mime.h"
#include "store/outbox.h"
#include "svc/mail.h"

#define MAIL_BATCH        20
#define MAIL_ROUNDS       50  /* batches per run at most: the job runs again in 30 s */
#define MAIL_LEASE_TTL    900 /* a batch at 30 s per message fits well within it */
#define MAIL_MAX_ATTEMPTS 10
#define MAIL_BACKOFF_MIN  60    /* first retry after a minute, doubling ... */
#define MAIL_BACKOFF_MAX  21600 /* ... up to 6 hours */
#define MAIL_MSG_MAX      (1024u * 1024u)
#define MAIL_TIMEOUT      30L
#define PURGE_BATCH       500 /* rows per delete: short transactions beside the web's */
#define PURGE_ROUNDS      200 /* batches per run at most; the next run goes on */

/* Seconds to wait before the next attempt once attempts have failed (attempts >= 1). */
static int64_t backoff(int64_t attempts)
{
	int64_t d = MAIL_BACKOFF_MIN;
	for (int64_t i = 1; i < attempts && d < MAIL_BACKOFF_MAX; i++)
		d *= 2;
	return d < MAIL_BACKOFF_MAX ? d : MAIL_BACKOFF_MAX;
}

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct reader *r = ud;
	size_t n = size * nmemb;
	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

/* RFC 5321 via libcurl: MAIL FROM, RCPT TO, DATA. No proxy (the relay is on the inside), 30 s
 * timeouts so a hung server cannot stall the job, STARTTLS when offered (smtps:// for TLS). */
static int send_smtp(const struct env *env, const char *from, const char *to, const struct buf *msg,
                     char *why, size_t why_len)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct reader r = {msg->data, msg->len};
	struct curl_slist *rcpt = NULL;
	CURL *h = curl_easy_init();
	int rc = -1;
	if (!h || !(rcpt = curl_slist_append(NULL, to))) {
		snprintf(why, why_len, "libcurl: out of memory");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, env->cfg->smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, MAIL_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, MAIL_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &r);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		snprintf(why, why_len, "smtp %ld: %s", code,
		         errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(rcpt);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
	char p[4096];
	if (str_copy(p, sizeof(p), dir))
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0750) && errno != EEXIST ? -1 : 0;
}

/* <mail_dir>/<utc-time>-<id>.eml, written to a hidden temporary name first and renamed, so a
 * reader never sees half a message. */
static int write_eml(const struct env *env, const struct outbox_msg *m, const struct buf *msg,
                     char *why, size_t why_len)
{
	char stamp[24], path[4096], tmp[4096];
	const char *dir = env->cfg->mail_dir && *env->cfg->mail_dir ? env->cfg->mail_dir : ".";
	time_t t = (time_t)clock_now();
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return snprintf(why, why_len, "bad time"), -1;
	if (snprintf(path, sizeof(path), "%s/%s-%s.eml", dir, stamp, m->id) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s-%s.eml.tmp", dir, stamp, m->id) >= (int)sizeof(tmp))
		return snprintf(why, why_len, "mail_dir too long"), -1;
	if (make_dirs(dir))
		return snprintf(why, why_len, "mkdir %.200s: %s", dir, strerror(errno)), -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return snprintf(why, why_len, "open %.200s: %s", tmp, strerror(errno)), -1;
	int bad = fd_write_all(fd, msg->data, msg->len) || fsync(fd);
	int err = errno;
	if (close(fd) || bad || rename(tmp, path)) {
		snprintf(why, why_len, "write %.200s: %s", path, strerror(bad ? err : errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Build the RFC 5322 text of m. The From: of every notification is cfg->mail_from; the
 * Message-ID uses the outbox id (unique) at the sender's domain. */
static int build(const struct env *env, const struct outbox_msg *m, struct buf *msg, char *from,
                 size_t from_cap, char *why, size_t why_len)
{
	char display[256];
	if (mime_parse_mailbox(env->cfg->mail_from, display, sizeof(display), from, from_cap))
		return snprintf(why, why_len, "mail_from is not an address"), -1;
	const char *domain = strrchr(from, '@') + 1;
	char mid[320];
	snprintf(mid, sizeof(mid), "%s@%s", m->id, domain);
	struct mime_msg mm = {.from_display = display,
	                      .from_addr = from,
	                      .to_addr = m->to_addr,
	                      .subject = m->subject,
	                      .body = m->body,
	                      .message_id = mid,
	                      .date = clock_now(),
	                      .extra_name = "X-GCAS-Template",
	                      .extra_value = m->template_name};
	enum gcas_err e = mime_build(msg, &mm);
	if (e)
		return snprintf(why, why_len, "cannot build the message: %s", gcas_err_name(e)), -1;
	return 0;
}

static int deliver_one(const struct env *env, struct arena *a, const struct outbox_msg *stored,
                       char *why, size_t why_len)
{
	struct buf msg;
	char from[256];
	int rc;
	struct outbox_msg m = *stored;
	/* A sealed body is opened only here, in this run's arena, for the time of the send. */
	enum gcas_err e = mail_body_open(env, a, stored, &m.body);
	if (e)
		return snprintf(why, why_len, "the sealed body cannot be opened: %s",
		                gcas_err_name(e)),
		       -1;
	buf_init(&msg, MAIL_MSG_MAX);
	rc = build(env, &m, &msg, from, sizeof(from), why, why_len);
	if (rc)
		goto out;
	if (env->cfg->smtp_url && *env->cfg->smtp_url)
		rc = send_smtp(env, from, m.to_addr, &msg, why, why_len);
	else
		rc = write_eml(env, &m, &msg, why, why_len);
out:
	/* The built message holds the secret in clear: wipe it before the buffer is freed. */
	if (m.sensitive && msg.data)
		explicit_bzero(msg.data, msg.len);
	if (m.body != stored->body)
		explicit_bzero((char *)m.body, strlen(m.body));
	buf_free(&msg);
	return rc;
}

struct lease_ctx {
	struct arena *a;
	int64_t now;
	struct outbox_msg *msgs;
	size_t n;
};

static enum gcas_err lease_tx(struct db *db, void *ctx)
{
	struct lease_ctx *c = ctx;
	return store_outbox_lease(db, c->a, c->now, c->now + MAIL_LEASE_TTL, MAIL_BATCH, &c->msgs,
	                          &c->n);
}

struct result_ctx {
	const struct outbox_msg *m;
	int64_t now;
	int ok;
	const char *why;
	int64_t attempts;
	int failed;
	int defer; /* not attempted here: due again later, attempts unchanged */
};

static enum gcas_err result_tx(struct db *db, void *ctx)
{
	struct result_ctx *c = ctx;
	if (c->defer)
		return store_outbox_retry(db, c->m->id, c->m->attempts, c->now + MAIL_BACKOFF_MIN,
		                          c->why, 0);
	enum gcas_err e =
	    c->ok ? store_outbox_sent(db, c->m->id, c->now)
	          : store_outbox_retry(db, c->m->id, c->attempts, c->now + backoff(c->attempts),
	                               c->why, c->failed);
	/* Once delivered (or given up) the secret has no more use here: only a notice stays, in
	 * the same transaction, so no committed sent/failed row still holds it. */
	if (e || !c->m->sensitive || !(c->ok || c->failed))
		return e;
	return store_outbox_erase_body(db, c->m->id, mail_erased_body, NULL);
}

static enum gcas_err record(const struct env *env, const struct outbox_msg *m, int ok,
                            const char *why)
{
	struct result_ctx c = {m, clock_now(), ok, why, m->attempts + 1, 0, 0};
	char n[24];
	c.failed = !ok && c.attempts >= MAIL_MAX_ATTEMPTS;
	snprintf(n, sizeof(n), "%lld", (long long)c.attempts);
	if (c.failed)
		log_msg(LOG_ERROR, "mail delivery failed for good", "id", m->id, "template",
		        m->template_name, "attempts", n, "error", why, NULL);
	else if (!ok)
		log_msg(LOG_WARN, "mail delivery failed, will retry", "id", m->id, "template",
		        m->template_name, "attempts", n, "error", why, NULL);
	return store_tx(env->st, result_tx, &c);
}

/* A sealed body on a node without the signer (e.g. a process started without the key file):
 * this node cannot send it, but one that has the key can, so it is left for a minute without
 * counting an attempt; counting would let keyless runs exhaust its attempts and erase it. */
static int keyless(const struct env *env, const struct outbox_msg *m)
{
	return m->sensitive && !env->signer && m->body &&
	       strncmp(m->body, MAIL_SEALED, strlen(MAIL_SEALED)) == 0;
}

static enum gcas_err defer(const struct env *env, const struct outbox_msg *m)
{
	struct result_ctx c = {m, clock_now(), 0, "sealed body: no signer on this node", 0, 0, 1};
	log_msg(LOG_WARN, "a sealed message waits for a node with the signing key", "id", m->id,
	        "template", m->template_name, NULL);
	return store_tx(env->st, result_tx, &c);
}

enum gcas_err svc_mail_deliver(const struct env *env, int64_t *sent)
{
	enum gcas_err e = GCAS_OK;
	*sent = 0;
	for (int round = 0; round < MAIL_ROUNDS; round++) {
		struct arena *a = arena_new(0);
		if (!a)
			return GCAS_ERR_NOMEM;
		struct lease_ctx lc = {a, clock_now(), NULL, 0};
		e = store_tx(env->st, lease_tx, &lc);
		for (size_t i = 0; !e && i < lc.n; i++) {
			char why[512] = "";
			if (keyless(env, &lc.msgs[i])) {
				enum gcas_err de = defer(env, &lc.msgs[i]);
				if (de && de != GCAS_ERR_NOTFOUND)
					e = de;
				continue;
			}
			int ok = deliver_one(env, a, &lc.msgs[i], why, sizeof(why)) == 0;
			enum gcas_err re = record(env, &lc.msgs[i], ok, why);
			/* NOTFOUND: another node finished it after our lease lapsed; not an error.
			 */
			if (re && re != GCAS_ERR_NOTFOUND)
				e = re;
			else if (ok && !re)
				(*sent)++;
		}
		size_t n = lc.n;
		arena_free(a);
		if (e || n < MAIL_BATCH)
			break;
	}
	return e;
}

struct purge_ctx {
	int64_t before, n;
};

static enum gcas_err purge_tx(struct db *db, void *ctx)
{
	struct purge_ctx *c = ctx;
	return store_outbox_purge(db, c->before, PURGE_BATCH, &c->n);
}

enum gcas_err svc_mail_purge(const struct env *env, int64_t *n)
{
	enum gcas_err e = GCAS_OK;
	struct purge_ctx c = {clock_now() - env->cfg->mail_retention, 0};
	*n = 0;
	if (env->cfg->mail_retention <= 0)
		return GCAS_ERR_INVALID;
	/* One transaction per batch, so a large backlog never holds the write lock for long. */
	for (int round = 0; round < PURGE_ROUNDS; round++) {
		c.n = 0;
		if ((e = store_tx(env->st, purge_tx, &c)))
			break;
		*n += c.n;
		if (c.n < PURGE_BATCH)
			break;
	}
	return e;
}
