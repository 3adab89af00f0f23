/* SPDX-License-Identifier: MIT */
/* The test SMTP server (see smtpsink.h). Deliberately small and strict enough to notice a
 * client that breaks the protocol: commands are CRLF lines, DATA ends at CRLF.CRLF. */
#include "smtpsink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define SINK_MAX_MSGS 64
#define SINK_LINE_MAX 4096
#define SINK_DATA_MAX (2 * 1024 * 1024)

struct smtpsink {
	int fd, port, stop, fail_next, refused;
	char url[64];
	pthread_t th;
	pthread_mutex_t mu;
	struct smtpsink_msg msgs[SINK_MAX_MSGS];
	size_t n;
};

struct conn {
	int fd;
	char in[8192];
	size_t len;
};

static void reply(struct conn *c, const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(c->fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* One CRLF (or LF) terminated line into out (without the line end); 1, or 0 at EOF/timeout. */
static int read_line(struct conn *c, char *out, size_t cap)
{
	for (;;) {
		char *nl = memchr(c->in, '\n', c->len);
		if (nl) {
			size_t k = (size_t)(nl - c->in);
			size_t m = k && c->in[k - 1] == '\r' ? k - 1 : k;
			if (m >= cap)
				m = cap - 1;
			memcpy(out, c->in, m);
			out[m] = '\0';
			memmove(c->in, nl + 1, c->len - k - 1);
			c->len -= k + 1;
			return 1;
		}
		if (c->len == sizeof(c->in))
			return 0;
		struct pollfd p = {c->fd, POLLIN, 0};
		if (poll(&p, 1, 5000) <= 0)
			return 0;
		ssize_t r = read(c->fd, c->in + c->len, sizeof(c->in) - c->len);
		if (r <= 0)
			return 0;
		c->len += (size_t)r;
	}
}

static char *dup_arg(const char *line, size_t skip)
{
	const char *p = line + skip;
	while (*p == ' ')
		p++;
	return strdup(p);
}

static void free_msg(struct smtpsink_msg *m)
{
	free(m->mail_from);
	for (size_t i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	free(m->data);
	memset(m, 0, sizeof(*m));
}

/* Read DATA up to "." alone on a line; undo dot-stuffing (RFC 5321 §4.5.2). */
static char *read_data(struct conn *c)
{
	size_t cap = 65536, len = 0;
	char *d = malloc(cap), line[SINK_LINE_MAX];
	if (!d)
		return NULL;
	d[0] = '\0';
	while (read_line(c, line, sizeof(line))) {
		if (strcmp(line, ".") == 0)
			return d;
		const char *l = line[0] == '.' ? line + 1 : line;
		size_t n = strlen(l);
		if (len + n + 3 > SINK_DATA_MAX)
			break;
		if (len + n + 3 > cap) {
			char *nd = realloc(d, cap * 2 + n);
			if (!nd)
				break;
			d = nd;
			cap = cap * 2 + n;
		}
		memcpy(d + len, l, n);
		len += n;
		memcpy(d + len, "\r\n", 3);
		len += 2;
	}
	free(d);
	return NULL;
}

static void session(struct smtpsink *s, int fd)
{
	struct conn c = {.fd = fd};
	struct smtpsink_msg m = {0};
	char line[SINK_LINE_MAX];
	reply(&c, "220 smtpsink ESMTP\r\n");
	while (read_line(&c, line, sizeof(line))) {
		if (!strncasecmp(line, "EHLO", 4) || !strncasecmp(line, "HELO", 4)) {
			reply(&c, "250-smtpsink\r\n250 8BITMIME\r\n");
		} else if (!strncasecmp(line, "MAIL FROM:", 10)) {
			pthread_mutex_lock(&s->mu);
			int fail = s->fail_next > 0;
			if (fail) {
				s->fail_next--;
				s->refused++;
			}
			pthread_mutex_unlock(&s->mu);
			if (fail) {
				reply(&c, "421 4.3.2 smtpsink: try again later\r\n");
				break;
			}
			free_msg(&m);
			m.mail_from = dup_arg(line, 10);
			reply(&c, "250 2.1.0 ok\r\n");
		} else if (!strncasecmp(line, "RCPT TO:", 8)) {
			if (!m.mail_from || m.nrcpt == 8) {
				reply(&c, "503 5.5.1 bad sequence\r\n");
				continue;
			}
			m.rcpt[m.nrcpt++] = dup_arg(line, 8);
			reply(&c, "250 2.1.5 ok\r\n");
		} else if (!strcasecmp(line, "DATA")) {
			if (!m.nrcpt) {
				reply(&c, "503 5.5.1 no recipients\r\n");
				continue;
			}
			reply(&c, "354 end with <CRLF>.<CRLF>\r\n");
			if (!(m.data = read_data(&c)))
				break;
			pthread_mutex_lock(&s->mu);
			if (s->n < SINK_MAX_MSGS) {
				s->msgs[s->n++] = m;
				memset(&m, 0, sizeof(m));
			}
			pthread_mutex_unlock(&s->mu);
			free_msg(&m);
			reply(&c, "250 2.0.0 queued\r\n");
		} else if (!strcasecmp(line, "RSET")) {
			free_msg(&m);
			reply(&c, "250 ok\r\n");
		} else if (!strcasecmp(line, "NOOP")) {
			reply(&c, "250 ok\r\n");
		} else if (!strcasecmp(line, "QUIT")) {
			reply(&c, "221 bye\r\n");
			break;
		} else {
			reply(&c, "502 5.5.2 not implemented\r\n");
		}
	}
	free_msg(&m);
	close(fd);
}

static void *serve(void *arg)
{
	struct smtpsink *s = arg;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		int stop = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		struct pollfd p = {s->fd, POLLIN, 0};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(s->fd, NULL, NULL);
		if (fd >= 0)
			session(s, fd);
	}
	return NULL;
}

struct smtpsink *smtpsink_start(void)
{
	struct smtpsink *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t sl = sizeof(sa);
	if (!s)
		return NULL;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(s->fd, 8) ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &sl))
		goto fail;
	s->port = ntohs(sa.sin_port);
	snprintf(s->url, sizeof(s->url), "smtp://127.0.0.1:%d", s->port);
	pthread_mutex_init(&s->mu, NULL);
	if (pthread_create(&s->th, NULL, serve, s)) {
		pthread_mutex_destroy(&s->mu);
		goto fail;
	}
	return s;
fail:
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return NULL;
}

int smtpsink_port(const struct smtpsink *s)
{
	return s->port;
}

const char *smtpsink_url(const struct smtpsink *s)
{
	return s->url;
}

void smtpsink_fail_next(struct smtpsink *s, int n)
{
	pthread_mutex_lock(&s->mu);
	s->fail_next = n;
	pthread_mutex_unlock(&s->mu);
}

size_t smtpsink_count(struct smtpsink *s)
{
	pthread_mutex_lock(&s->mu);
	size_t n = s->n;
	pthread_mutex_unlock(&s->mu);
	return n;
}

int smtpsink_refused(struct smtpsink *s)
{
	pthread_mutex_lock(&s->mu);
	int n = s->refused;
	pthread_mutex_unlock(&s->mu);
	return n;
}

int smtpsink_get(struct smtpsink *s, size_t i, struct smtpsink_msg *out)
{
	int rc = -1;
	pthread_mutex_lock(&s->mu);
	if (i < s->n) {
		*out = s->msgs[i];
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void smtpsink_stop(struct smtpsink *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	close(s->fd);
	for (size_t i = 0; i < s->n; i++)
		free_msg(&s->msgs[i]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
