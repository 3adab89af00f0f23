/* SPDX-License-Identifier: MIT */
/* Structured logging: one JSON object per line on stderr (or a configured fd), with time, level,
 * message, request id and key/value fields. Thread-safe (each line is one write()). */
#ifndef GCAS_BASE_LOG_H
#define GCAS_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level l);
void log_set_fd(int fd);
/* Parse "debug|info|warn|error"; returns -1 when unknown. */
int log_level_parse(const char *s);
/* Request id for log lines written by this thread ("" to clear). Copied. */
void log_set_request_id(const char *rid);
/* Log msg with optional string fields given as key, value pairs ending in NULL:
 *   log_msg(LOG_INFO, "request", "path", "/x", "status", "200", NULL); */
void log_msg(enum log_level l, const char *msg, ...) __attribute__((sentinel));

#endif
