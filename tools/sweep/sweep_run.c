// SPDX-License-Identifier: MIT
/*
 * One run: `zwsim replay ARGS --json` with stdout into OUT/runs/NAME.json.part
 * and stderr into OUT/logs/NAME.log; renamed to OUT/runs/NAME.json when the
 * replay ended (status 0, or 1 for a --verify mismatch) and its report is
 * complete JSON.  A run is done when that file is there and holds a whole
 * report; anything else (a .part left by a crash or a kill, a failure) is
 * done again on the next sweep.  OUT/logs/NAME.status says how the last
 * attempt ended.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep.h"

char *sweep_path(const struct sweep *sw, const char *sub, const char *name, const char *ext)
{
	if (!sub)
		return sw_asprintf("%s/%s%s", sw->out, name, ext);
	return sw_asprintf("%s/%s/%s%s", sw->out, sub, name, ext);
}

static int mkdir_p(const char *dir)
{
	char *d = sw_strdup(dir);

	for (char *s = d + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(d, 0777) && errno != EEXIST) {
				free(d);
				return -errno;
			}
			*s = '/';
		}
	if (mkdir(d, 0777) && errno != EEXIST) {
		free(d);
		return -errno;
	}
	free(d);
	return 0;
}

int sweep_mkdirs(const struct sweep *sw, char *err, size_t errlen)
{
	static const char *const subs[] = { "", "/runs", "/logs" };

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		char *d = sw_asprintf("%s%s", sw->out, subs[i]);
		int r = mkdir_p(d);

		if (r) {
			snprintf(err, errlen, "%s: %s", d, strerror(-r));
			free(d);
			return r;
		}
		free(d);
	}
	return 0;
}

/* A whole replay report: an object with the keys a report ends with. */
static bool report_valid(const char *path)
{
	json_object *o = json_object_from_file(path), *v;
	bool ok = o && json_object_is_type(o, json_type_object) &&
		  json_object_object_get_ex(o, "write_amplification", &v) &&
		  json_object_object_get_ex(o, "throughput", &v) &&
		  json_object_object_get_ex(o, "errors", &v) &&
		  json_object_object_get_ex(o, "zones", &v);

	json_object_put(o);
	return ok;
}

enum sweep_state sweep_state(const struct sweep *sw, size_t i)
{
	char *res = sweep_path(sw, "runs", sw->runs[i].name, ".json");
	char *st = sweep_path(sw, "logs", sw->runs[i].name, ".status");
	enum sweep_state s = RUN_PENDING;
	FILE *f;

	if (!access(res, F_OK) && report_valid(res))
		s = RUN_DONE;
	else if ((f = fopen(st, "r"))) {
		char line[64] = "";

		/* "started": running, or killed with its sweep; "exit 0|1": done, the result since removed */
		if (fgets(line, sizeof(line), f) && strncmp(line, "started", 7) && strcmp(line, "exit 0\n") &&
		    strcmp(line, "exit 1\n"))
			s = RUN_FAILED;
		fclose(f);
	}
	free(res);
	free(st);
	return s;
}

static void write_status(const struct sweep *sw, size_t i, const char *fmt, int v)
{
	char *st = sweep_path(sw, "logs", sw->runs[i].name, ".status");
	FILE *f = fopen(st, "w");

	if (f) {
		fprintf(f, fmt, v);
		fputc('\n', f);
		fclose(f);
	}
	free(st);
}

int sweep_start(const struct sweep *sw, size_t i, const char *zwsim)
{
	const struct sweep_run *r = &sw->runs[i];
	char *part = sweep_path(sw, "runs", r->name, ".json.part");
	char *log = sweep_path(sw, "logs", r->name, ".log");
	char *res = sweep_path(sw, "runs", r->name, ".json");
	int out, errfd;
	pid_t pid;

	unlink(res);	/* an invalid one: replaced */
	free(res);
	out = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	errfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	free(part);
	free(log);
	if (out < 0 || errfd < 0) {
		int e = errno;

		if (out >= 0)
			close(out);
		if (errfd >= 0)
			close(errfd);
		fprintf(stderr, "zwsim sweep: run %s: %s\n", r->name, strerror(e));
		return -e;
	}
	write_status(sw, i, "started", 0);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(out);
		close(errfd);
		return -e;
	}
	if (pid == 0) {
		char **argv = sw_calloc((size_t)r->argc + 3, sizeof(char *));
		int devnull = open("/dev/null", O_RDONLY);

		argv[0] = (char *)zwsim;
		argv[1] = (char *)"replay";
		for (int k = 0; k < r->argc; k++)
			argv[k + 2] = r->argv[k];
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out, 1);
		dup2(errfd, 2);
		setenv("ZWSIM_PROGRESS", "0", 1);
		execv(zwsim, argv);
		dprintf(2, "zwsim sweep: %s: %s\n", zwsim, strerror(errno));
		_exit(127);
	}
	close(out);
	close(errfd);
	return (int)pid;
}

int sweep_finish(const struct sweep *sw, size_t i, int status)
{
	const struct sweep_run *r = &sw->runs[i];
	char *part = sweep_path(sw, "runs", r->name, ".json.part");
	char *res = sweep_path(sw, "runs", r->name, ".json");
	int ret = -1;

	if (WIFSIGNALED(status)) {
		write_status(sw, i, "killed by signal %d", WTERMSIG(status));
	} else if (WEXITSTATUS(status) > 1) {
		write_status(sw, i, "exit %d", WEXITSTATUS(status));
	} else if (!report_valid(part)) {
		write_status(sw, i, "exit %d without a whole report", WEXITSTATUS(status));
	} else if (rename(part, res)) {
		write_status(sw, i, "rename failed: errno %d", errno);
	} else {
		write_status(sw, i, "exit %d", WEXITSTATUS(status));
		ret = 0;
	}
	free(part);
	free(res);
	return ret;
}

/* Single quotes for the shell, unless the word needs none. */
static void quote(FILE *f, const char *w)
{
	bool plain = *w;

	for (const char *c = w; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=,:+%@", *c))
			plain = false;
	if (plain) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (const char *c = w; *c; c++)
		if (*c == '\'')
			fputs("'\\''", f);
		else
			fputc(*c, f);
	fputc('\'', f);
}

char *sweep_command(const struct sweep *sw, size_t i, const char *zwsim, bool with_files)
{
	const struct sweep_run *r = &sw->runs[i];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	quote(f, zwsim);
	fputs(" replay", f);
	for (int k = 0; k < r->argc; k++) {
		fputc(' ', f);
		quote(f, r->argv[k]);
	}
	if (with_files) {
		char *part = sweep_path(sw, "runs", r->name, ".json.part");
		char *res = sweep_path(sw, "runs", r->name, ".json");
		char *log = sweep_path(sw, "logs", r->name, ".log");

		fputs(" > ", f);
		quote(f, part);
		fputs(" 2> ", f);
		quote(f, log);
		fputs(" && mv ", f);
		quote(f, part);
		fputc(' ', f);
		quote(f, res);
		free(part);
		free(res);
		free(log);
	}
	fclose(f);
	return buf;
}
