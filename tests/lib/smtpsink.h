/* SPDX-License-Identifier: MIT */
/* A tiny SMTP server for tests (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
 * on 127.0.0.1 and a kernel-chosen port, run in its own thread. It records each accepted
 * message's envelope and DATA (dot-unstuffed), and can be told to refuse the next transactions
 * with a 4xx reply, to test retries. One client at a time. */
#ifndef GCAS_TESTS_SMTPSINK_H
#define GCAS_TESTS_SMTPSINK_H

#include <stddef.h>

struct smtpsink;

struct smtpsink_msg {
	char *mail_from; /* the MAIL FROM argument as sent, e.g. "<a@b>" */
	char *rcpt[8];   /* RCPT TO arguments */
	size_t nrcpt;
	char *data; /* DATA with CRLF line ends, without the final ".\r\n" */
};

/* Start listening; NULL on failure. */
struct smtpsink *smtpsink_start(void);
int smtpsink_port(const struct smtpsink *s);
/* "smtp://127.0.0.1:PORT" (static storage inside s). */
const char *smtpsink_url(const struct smtpsink *s);
/* The next n MAIL FROM commands are answered "421 ..." and the connection closed. */
void smtpsink_fail_next(struct smtpsink *s, int n);
/* Messages accepted so far. get copies message i into out (strings owned by s, valid until
 * smtpsink_stop); 0, or -1 when there is no such message. */
size_t smtpsink_count(struct smtpsink *s);
int smtpsink_get(struct smtpsink *s, size_t i, struct smtpsink_msg *out);
/* Number of connections refused with 421 so far. */
int smtpsink_refused(struct smtpsink *s);
void smtpsink_stop(struct smtpsink *s);

#endif
