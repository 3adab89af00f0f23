/* SPDX-License-Identifier: MIT */
/* The `exec` provisioning driver: runs the operator's command (e.g. a Terraform pipeline)
 * without a shell — posix_spawn with argv split on spaces, so nothing from a request is ever
 * interpreted — with the request JSON on stdin, and reads a JSON object back from stdout
 * ({"external_id": ..., "console_url": ...}, optionally "scim_url", "scim_token",
 * "saml_entity_id", "saml_acs_url"). A non-zero exit is a failure whose reason is the
 * first line of stderr; a command still running after [provision] timeout is killed. */
#include "svc/provision.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/str.h"

extern char **environ;

enum {
	ARGV_MAX = 32,       /* words of the configured command */
	OUT_CAP = 64 * 1024, /* stdout read at most (one JSON object) */
	ERR_CAP = 4096,      /* stderr kept (only its first line is used) */
	CMD_CAP = 1024,      /* longest command line */
};

/* What one run produced. */
struct run {
	char out[OUT_CAP + 1], err[ERR_CAP + 1];
	size_t nout, nerr;
	int status;    /* waitpid status */
	int timed_out; /* killed after the timeout */
};

/* Split cmd on spaces into argv (words point into buf). Returns the word count, 0 when empty or
 * too long. */
static int split_argv(const char *cmd, char *buf, size_t cap, char **argv)
{
	if (str_copy(buf, cap, cmd))
		return 0;
	int n = 0;
	for (char *p = buf; *p && n < ARGV_MAX - 1;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[n] = NULL;
	return n;
}

static void drain(int *fd, char *buf, size_t cap, size_t *len)
{
	char tmp[4096];
	ssize_t r = read(*fd, tmp, sizeof(tmp));
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	size_t room = cap - *len, take = (size_t)r < room ? (size_t)r : room;
	memcpy(buf + *len, tmp,
	       take); /* past the cap is read and dropped: the child never blocks */
	*len += take;
}

/* Feed input to the child and collect its output until both pipes close or the deadline. */
static void pump(struct run *r, int in_fd, int out_fd, int err_fd, const char *input,
                 int64_t deadline_ms)
{
	size_t off = 0, len = strlen(input);
	while (out_fd >= 0 || err_fd >= 0) {
		struct pollfd p[3] = {
		    {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
		int64_t left = deadline_ms - clock_mono_ms();
		if (left <= 0) {
			r->timed_out = 1;
			break;
		}
		if (poll(p, 3, left > 1000 ? 1000 : (int)left) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			drain(&out_fd, r->out, OUT_CAP, &r->nout);
		if (p[1].revents)
			drain(&err_fd, r->err, ERR_CAP, &r->nerr);
		if (in_fd >= 0 && p[2].revents) {
			ssize_t w =
			    (p[2].revents & POLLOUT) ? write(in_fd, input + off, len - off) : -1;
			if (w > 0)
				off += (size_t)w;
			if (w <= 0 || off == len) {
				close(in_fd); /* EOF tells the command the request is complete */
				in_fd = -1;
			}
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);
	r->out[r->nout] = '\0';
	r->err[r->nerr] = '\0';
}

/* Wait for the child within the same deadline: a command that closed its output but keeps
 * running (exec >/dev/null; sleep) would otherwise hold the job and its lease past the timeout,
 * and another node could claim the request and provision it a second time. */
static void reap(pid_t pid, struct run *r, int64_t deadline_ms)
{
	while (!r->timed_out) {
		pid_t w = waitpid(pid, &r->status, WNOHANG);
		if (w == pid)
			return;
		if (w < 0 && errno != EINTR)
			return;
		if (clock_mono_ms() >= deadline_ms) {
			r->timed_out = 1;
			break;
		}
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
}

static int pipe_cloexec(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

/* Run cmd with input on stdin; fills r. Returns GCAS_OK when it ran (whatever its exit status),
 * GCAS_ERR_IO when it could not be started. */
static enum gcas_err run_command(const char *cmd, const char *input, int64_t timeout_s,
                                 struct run *r, char *why, size_t whylen)
{
	char buf[CMD_CAP];
	char *argv[ARGV_MAX];
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
	enum gcas_err e = GCAS_ERR_IO;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid = -1;
	if (!split_argv(cmd, buf, sizeof(buf), argv)) {
		snprintf(why, whylen, "exec driver: no command configured");
		return GCAS_ERR_INVALID;
	}
	if (pipe_cloexec(in) || pipe_cloexec(out) || pipe_cloexec(err)) {
		snprintf(why, whylen, "exec driver: pipe: %s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawnattr_init(&at);
	/* Its own process group, so a timeout kills the whole pipeline, not only its first
	 * process; default signal dispositions so it can be stopped. */
	posix_spawnattr_setpgroup(&at, 0);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	int rc = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	in[0] = out[1] = err[1] = -1;
	if (rc != 0) {
		snprintf(why, whylen, "exec driver: cannot run %s: %s", argv[0], strerror(rc));
		goto out;
	}
	/* A child that exits without reading stdin must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	int64_t deadline = clock_mono_ms() + timeout_s * 1000;
	pump(r, in[1], out[0], err[0], input, deadline);
	in[1] = out[0] = err[0] = -1; /* pump closed them */
	reap(pid, r, deadline);
	e = GCAS_OK;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return e;
}

/* The first non-empty line of stderr, or a description of how the command ended. */
static void failure_reason(const struct run *r, int64_t timeout_s, char *why, size_t n)
{
	if (r->timed_out) {
		snprintf(why, n, "timed out after %llds", (long long)timeout_s);
		return;
	}
	const char *s = r->err;
	while (*s == '\n' || *s == '\r')
		s++;
	size_t len = strcspn(s, "\r\n");
	if (len) {
		snprintf(why, n, "%.*s", (int)len, s);
		return;
	}
	if (WIFEXITED(r->status))
		snprintf(why, n, "exit status %d", WEXITSTATUS(r->status));
	else
		snprintf(why, n, "killed by signal %d",
		         WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0);
}

/* The optional members a create may answer with (issue 4 §3, §4); see struct provision_result. */
struct opt_member {
	const char *name;
	size_t off, cap;
};
#define OM(f)                                                                                      \
	{                                                                                          \
#f, offsetof(struct provision_result, f),                                          \
		    sizeof(((struct provision_result *)0)->f)                                      \
	}
static const struct opt_member opt_members[] = {OM(scim_url), OM(scim_token), OM(saml_entity_id),
                                                OM(saml_acs_url)};
#undef OM

/* Copy the optional members of o into res. Absent or null: left empty. Anything but a string
 * that fits is refused (GCAS_ERR_IO, the reason in res->error): a half-read answer must not
 * leave an environment whose users can never be pushed without anyone noticing. */
static enum gcas_err read_optional(json_t *o, struct provision_result *res)
{
	for (size_t i = 0; i < sizeof(opt_members) / sizeof(opt_members[0]); i++) {
		const struct opt_member *m = &opt_members[i];
		json_t *v = json_object_get(o, m->name);
		char *dst = (char *)res + m->off;
		if (!v || json_is_null(v))
			continue;
		if (json_is_string(v) && !str_copy(dst, m->cap, json_string_value(v)))
			continue;
		dst[0] = '\0';
		snprintf(res->error, sizeof(res->error),
		         "exec driver: \"%s\" in stdout is not a string of at most %zu bytes",
		         m->name, m->cap - 1);
		return GCAS_ERR_IO;
	}
	return GCAS_OK;
}

static enum gcas_err exec_run(const struct env *env, const char *arg,
                              const struct provision_req *rq, struct provision_result *res,
                              int want_ids)
{
	int64_t timeout = env->cfg->provision_timeout > 0 ? env->cfg->provision_timeout : 300;
	char *input = provision_req_json(rq);
	struct run *r = calloc(1, sizeof(*r));
	enum gcas_err e = GCAS_ERR_NOMEM;
	json_t *o = NULL;
	if (!input || !r) {
		str_copy(res->error, sizeof(res->error), "exec driver: out of memory");
		goto out;
	}
	e = run_command(arg ? arg : "", input, timeout, r, res->error, sizeof(res->error));
	if (e)
		goto out;
	e = GCAS_ERR_IO;
	if (r->timed_out || !WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
		failure_reason(r, timeout, res->error, sizeof(res->error));
		goto out;
	}
	e = GCAS_OK;
	if (!want_ids)
		goto out;
	o = json_loadb(r->out, r->nout, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "external_id"));
	const char *url = json_string_value(json_object_get(o, "console_url"));
	if (!id || !*id || str_copy(res->external_id, sizeof(res->external_id), id) ||
	    str_copy(res->console_url, sizeof(res->console_url), url ? url : "")) {
		e = GCAS_ERR_IO;
		str_copy(res->error, sizeof(res->error),
		         "exec driver: stdout is not a JSON object with external_id");
		goto out;
	}
	e = read_optional(o, res);
out:
	json_decref(o);
	free(input);
	free(r);
	return e;
}

static enum gcas_err exec_create(const struct env *env, const char *arg,
                                 const struct provision_req *rq, struct provision_result *res)
{
	return exec_run(env, arg, rq, res, 1);
}

static enum gcas_err exec_close(const struct env *env, const char *arg,
                                const struct provision_req *rq, struct provision_result *res)
{
	return exec_run(env, arg, rq, res, 0);
}

/* §6 BreakGlass: {"action":"cred_issue"|"cred_revoke", ...} on stdin; an issue answers
 * {"credential_id": ..., "secret": ..., "login_url": ...} on stdout, a revoke only its exit
 * status (revoking what is gone must exit 0). */
static char *cred_req_json(const char *action, const struct provision_cred_req *rq)
{
	json_t *o =
	    json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:I, s:s?}", "action", action,
	              "request_id", rq->request_id, "idempotency_key", rq->idempotency_key,
	              "external_id", rq->external_id, "csp", sys_csp_name(rq->csp), "person_email",
	              rq->person_email, "privilege", rq->privilege, "expires_at",
	              (json_int_t)rq->expires_at, "credential_id", rq->credential_id);
	if (!o)
		return NULL;
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

static enum gcas_err exec_cred(const struct env *env, const char *arg,
                               const struct provision_cred_req *rq, struct provision_cred *res,
                               int issue)
{
	int64_t timeout = env->cfg->provision_timeout > 0 ? env->cfg->provision_timeout : 300;
	char *input = cred_req_json(issue ? "cred_issue" : "cred_revoke", rq);
	struct run *r = calloc(1, sizeof(*r));
	enum gcas_err e = GCAS_ERR_NOMEM;
	json_t *o = NULL;
	if (!input || !r) {
		str_copy(res->error, sizeof(res->error), "exec driver: out of memory");
		goto out;
	}
	e = run_command(arg ? arg : "", input, timeout, r, res->error, sizeof(res->error));
	if (e)
		goto out;
	e = GCAS_ERR_IO;
	if (r->timed_out || !WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
		failure_reason(r, timeout, res->error, sizeof(res->error));
		goto out;
	}
	e = GCAS_OK;
	if (!issue)
		goto out;
	o = json_loadb(r->out, r->nout, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "credential_id"));
	const char *secret = json_string_value(json_object_get(o, "secret"));
	const char *url = json_string_value(json_object_get(o, "login_url"));
	if (!id || !*id || !secret || !*secret ||
	    str_copy(res->credential_id, sizeof(res->credential_id), id) ||
	    str_copy(res->secret, sizeof(res->secret), secret) ||
	    str_copy(res->login_url, sizeof(res->login_url), url ? url : "")) {
		e = GCAS_ERR_IO;
		explicit_bzero(res->secret, sizeof(res->secret));
		str_copy(res->error, sizeof(res->error),
		         "exec driver: stdout is not a JSON object with credential_id and secret");
	}
out:
	json_decref(o);
	if (r)
		explicit_bzero(r->out, sizeof(r->out)); /* the secret passed through here */
	free(input);
	free(r);
	return e;
}

static enum gcas_err exec_cred_issue(const struct env *env, const char *arg,
                                     const struct provision_cred_req *rq,
                                     struct provision_cred *res)
{
	return exec_cred(env, arg, rq, res, 1);
}

static enum gcas_err exec_cred_revoke(const struct env *env, const char *arg,
                                      const struct provision_cred_req *rq,
                                      struct provision_cred *res)
{
	return exec_cred(env, arg, rq, res, 0);
}

const struct provision_driver provision_exec = {.name = "exec",
                                                .create = exec_create,
                                                .close = exec_close,
                                                .cred_issue = exec_cred_issue,
                                                .cred_revoke = exec_cred_revoke};
