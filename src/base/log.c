/* SPDX-License-Identifier: MIT */
/* JSON-lines logger. Each line is built in a local buffer and written with one write() so lines
 * from several threads never interleave. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/str.h"
#include "base/utf8.h"

static enum log_level min_level = LOG_INFO;
static int log_fd = 2;
static _Thread_local char request_id[40];

void log_set_level(enum log_level l)
{
	min_level = l;
}

void log_set_fd(int fd)
{
	log_fd = fd;
}

int log_level_parse(const char *s)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void log_set_request_id(const char *rid)
{
	str_copy(request_id, sizeof(request_id), rid ? rid : "");
}

/* Append s as a JSON string body (without quotes), escaping what RFC 8259 §7 requires and
 * replacing invalid UTF-8 with U+FFFD, so a hostile request never makes a line unparseable. */
static size_t put_json(char *out, size_t o, size_t cap, const char *s)
{
	const char *p = s, *end = s + strlen(s);
	while (p < end && o + 7 < cap) {
		const char *start = p;
		int32_t c = utf8_next(&p, end);
		if (c < 0) {
			p = start + 1;
			o += (size_t)snprintf(out + o, cap - o, "\\ufffd");
		} else if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", (unsigned)c);
		} else {
			size_t n = (size_t)(p - start);
			if (o + n + 7 >= cap)
				break;
			memcpy(out + o, start, n);
			o += n;
		}
	}
	return o;
}

static size_t put_raw(char *out, size_t o, size_t cap, const char *s)
{
	for (; *s && o + 1 < cap; s++)
		out[o++] = *s;
	return o;
}

void log_msg(enum log_level l, const char *msg, ...)
{
	static const char *const lv[] = {"debug", "info", "warn", "error"};
	char line[4096], ts[32];
	size_t o = 0, cap = sizeof(line) - 2;
	if (l < min_level)
		return;
	clock_fmt_utc(ts, clock_now());
	o = put_raw(line, o, cap, "{\"ts\":\"");
	o = put_raw(line, o, cap, ts);
	o = put_raw(line, o, cap, "\",\"level\":\"");
	o = put_raw(line, o, cap, lv[l]);
	o = put_raw(line, o, cap, "\",\"msg\":\"");
	o = put_json(line, o, cap, msg);
	o = put_raw(line, o, cap, "\"");
	if (request_id[0]) {
		o = put_raw(line, o, cap, ",\"request_id\":\"");
		o = put_json(line, o, cap, request_id);
		o = put_raw(line, o, cap, "\"");
	}
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		o = put_raw(line, o, cap, ",\"");
		o = put_json(line, o, cap, k);
		o = put_raw(line, o, cap, "\":\"");
		o = put_json(line, o, cap, v ? v : "");
		o = put_raw(line, o, cap, "\"");
	}
	va_end(ap);
	o = put_raw(line, o, cap + 1, "}");
	line[o++] = '\n';
	ssize_t w = write(log_fd, line, o);
	(void)w;
}
