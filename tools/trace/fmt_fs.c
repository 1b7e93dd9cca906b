// SPDX-License-Identifier: MIT
/*
 * The file-level format, zwsim's own: the `zwsim fs` script
 * (docs/fs-command.md), each line optionally led by a timestamp in
 * seconds (a decimal), so a replay issues it at that time:
 *
 *   # two files, the second written 1.5 s in
 *   0      open a
 *   0      write a 0 1M
 *   1.5    write b 0 64k
 *          sync
 *
 * A line without a timestamp keeps the time of the line before.  Each line
 * is passed on as a TRACE_OP_FS record, its text (without the timestamp)
 * in rec->fs_line and its file in rec->dev; the line is checked here only
 * for a known command: the fs command's own parser checks the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_int.h"

static const char *const fs_cmds[] = {
	"open", "close", "write", "dwrite", "append", "read", "truncate", "unlink", "fsync", "sync",
	"hint", "reflink", "fallocate", "inject",
};

struct fs_state {
	int64_t now;
};

static bool fs_cmd(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(fs_cmds) / sizeof(fs_cmds[0]); i++)
		if (strlen(fs_cmds[i]) == n && !strncmp(fs_cmds[i], w, n))
			return true;
	return false;
}

/* Split "[TS] CMD ARGS": *ts set if there is one; *cmd the command word; -1 no timestamp-like word */
static int fs_parse(char *l, int64_t *ts, bool *has_ts, char **cmd, size_t *cmdlen)
{
	while (*l == ' ' || *l == '\t')
		l++;
	char *e = l + strcspn(l, " \t");
	*has_ts = false;
	if (*l >= '0' && *l <= '9') {
		char save = *e;
		*e = 0;
		int bad = trace_secs_ns(l, ts);
		*e = save;
		if (bad)
			return -1;
		*has_ts = true;
		l = e + strspn(e, " \t");
		e = l + strcspn(l, " \t");
	}
	*cmd = l;
	*cmdlen = (size_t)(e - l);
	return 0;
}

static int fs_probe(const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[32];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 32), good = 0;
	for (size_t i = 0; i < n; i++) {
		char *l = lines[i] + strspn(lines[i], " \t"), *cmd;
		int64_t ts;
		bool has;
		size_t cl;
		if (!*l || *l == '#')
			continue;
		if (fs_parse(l, &ts, &has, &cmd, &cl) || !fs_cmd(cmd, cl))
			return 0;
		good++;
	}
	return good ? 40 : 0;
}

static int fs_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	(void)o;
	r->priv = calloc(1, sizeof(struct fs_state));
	if (!r->priv) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	return 0;
}

static int fs_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	struct fs_state *st = r->priv;
	char *l;
	while ((l = trace_getline(r, err))) {
		char *p = l + strspn(l, " \t"), *cmd;
		if (!*p || *p == '#')
			continue;
		rec->where = r->line;
		int64_t ts;
		bool has;
		size_t cl;
		if (fs_parse(p, &ts, &has, &cmd, &cl))
			return trace_bad(r, err, "time", "'%.*s' is not a number of seconds", (int)strcspn(p, " \t"), p);
		if (!fs_cmd(cmd, cl))
			return trace_bad(r, err, "command", "'%.*s' is not a zwsim fs command", (int)cl, cmd);
		if (has)
			st->now = ts;
		rec->time_ns = st->now;
		rec->op = TRACE_OP_FS;
		/* trailing blanks are no part of the line */
		char *end = cmd + strlen(cmd);
		while (end > cmd && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		rec->fs_line = cmd;
		const char *arg = cmd + cl + strspn(cmd + cl, " \t");
		size_t al = strcspn(arg, " \t");
		trace_set_dev(rec, arg, al);
		return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void fs_close(struct trace_reader *r)
{
	free(r->priv);
	r->priv = NULL;
}

const struct trace_format trace_fmt_fs = {
	.name = "fs",
	.summary = "zwsim fs script lines, each optionally led by seconds (docs/trace.md)",
	.probe = fs_probe,
	.open = fs_open,
	.next = fs_next,
	.close = fs_close,
};
