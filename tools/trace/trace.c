// SPDX-License-Identifier: MIT
/*
 * trace_open/next/close: the format told from the content (or forced),
 * the paths read one after the other (or merged by the format), malformed
 * records counted under --skip-bad.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace_int.h"

static const char *const op_names[] = {
	[TRACE_OP_WRITE] = "write", [TRACE_OP_READ] = "read", [TRACE_OP_DISCARD] = "discard",
	[TRACE_OP_FLUSH] = "flush", [TRACE_OP_FS] = "fs",
};

const char *trace_op_name(enum trace_op op)
{
	return (unsigned)op < sizeof(op_names) / sizeof(op_names[0]) ? op_names[op] : "?";
}

int trace_bad(const struct trace_reader *r, struct trace_err *err, const char *field, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (field)
		snprintf(err->msg, sizeof(err->msg), "%s:%llu: field '%s': %s", r->name,
			 (unsigned long long)r->line, field, what);
	else
		snprintf(err->msg, sizeof(err->msg), "%s:%llu: %s", r->name, (unsigned long long)r->line,
			 what);
	return TRACE_BAD;
}

int trace_rwbs_op(char cls, unsigned int flags, struct trace_rec *rec)
{
	rec->flags = flags;
	switch (cls) {
	case 'D':
		rec->op = TRACE_OP_DISCARD;
		return 1;
	case 'R':
		rec->op = TRACE_OP_READ;
		return rec->len > 0;
	case 'W':
		if (rec->len) {
			rec->op = TRACE_OP_WRITE;
			return 1;
		}
		/* an empty write is the flush of a preflush/FUA sequence */
		if (!(flags & (TRACE_F_PREFLUSH | TRACE_F_FUA)))
			return 0;
		break;
	case 'N':
		if (!(flags & TRACE_F_PREFLUSH))
			return 0;
		break;
	default:
		return 0;
	}
	rec->op = TRACE_OP_FLUSH;
	rec->offset = rec->len = 0;
	return 1;
}

void trace_set_dev(struct trace_rec *rec, const char *name, size_t len)
{
	if (len < sizeof(rec->dev)) {
		memcpy(rec->dev, name, len);
		rec->dev[len] = 0;
		return;
	}
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	snprintf(rec->dev, sizeof(rec->dev), "%.38s~%08x", name, h);
}

static const struct trace_format *find_format(const char *name)
{
	for (size_t i = 0; i < trace_nformats; i++)
		if (!strcmp(trace_formats[i]->name, name))
			return trace_formats[i];
	return NULL;
}

static const struct trace_format *detect(struct trace_stream *s, struct trace_err *err)
{
	size_t len;
	const unsigned char *head = ts_peek(s, TRACE_PROBE_SIZE, &len, err);
	const struct trace_format *best = NULL;
	int best_score = 0;

	if (!head)
		return NULL;
	for (size_t i = 0; i < trace_nformats; i++) {
		int sc = trace_formats[i]->probe(head, len);
		if (sc > best_score) {
			best_score = sc;
			best = trace_formats[i];
		}
	}
	if (!best)
		snprintf(err->msg, sizeof(err->msg),
			 "%s: not a trace format zwsim knows (give --format; 'zwsim trace --help' lists them)",
			 ts_name(s));
	return best;
}

static bool exists(const char *p)
{
	struct stat st;
	return !stat(p, &st);
}

/*
 * Whether @p can be opened twice and read from its start each time: a
 * regular file can; standard input, a FIFO, a process substitution's
 * /dev/fd/N or a character device cannot (the bytes a first open read for
 * the format's probe would be gone for the second).
 */
static bool rereadable(const char *p)
{
	struct stat st;

	return strcmp(p, "-") && !stat(p, &st) && S_ISREG(st.st_mode);
}

/*
 * A blktrace capture named as blkparse names it: DEV stands for
 * DEV.blktrace.0, DEV.blktrace.1, ... up to the first missing CPU number
 * (blkparse.c do_file(): the scan stops at the first file that is absent).
 */
static int add_path(struct trace_reader *r, size_t *cap, const char *p)
{
	if (r->npaths == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		char **np = realloc(r->paths, nc * sizeof(*np));
		if (!np)
			return -1;
		r->paths = np;
		*cap = nc;
	}
	if (!(r->paths[r->npaths] = strdup(p)))
		return -1;
	r->npaths++;
	return 0;
}

static int expand_paths(struct trace_reader *r, const char *const *paths, size_t npaths)
{
	size_t cap = 0;
	for (size_t i = 0; i < npaths; i++) {
		char cpu0[4096];
		snprintf(cpu0, sizeof(cpu0), "%s.blktrace.0", paths[i]);
		if (strcmp(paths[i], "-") && !exists(paths[i]) && exists(cpu0)) {
			for (unsigned c = 0;; c++) {
				snprintf(cpu0, sizeof(cpu0), "%s.blktrace.%u", paths[i], c);
				if (!exists(cpu0))
					break;
				if (add_path(r, &cap, cpu0))
					return -1;
			}
		} else if (add_path(r, &cap, paths[i])) {
			return -1;
		}
	}
	return 0;
}

/* The format of the first of the paths that is not empty (a capture's CPU files may be) */
static const struct trace_format *detect_paths(struct trace_reader *r, struct trace_err *err)
{
	for (size_t i = 0; i < r->npaths; i++) {
		struct trace_stream *s = ts_open(r->paths[i], err);
		size_t len;
		if (!s)
			return NULL;
		if (!ts_peek(s, 1, &len, err)) {
			ts_close(s);
			return NULL;
		}
		if (len || i + 1 == r->npaths) {
			const struct trace_format *f = detect(s, err);
			ts_close(s);
			return f;
		}
		ts_close(s);
	}
	return NULL;
}

/* Open r->paths[r->cur] and the format's state on it. */
static int open_current(struct trace_reader *r, const char *format, struct trace_err *err)
{
	if (!r->fmt) {
		if (format) {
			r->fmt = find_format(format);
			if (!r->fmt) {
				snprintf(err->msg, sizeof(err->msg),
					 "unknown trace format '%s' ('zwsim trace --help' lists them)", format);
				return -1;
			}
		} else {
			bool once = false;	/* a pipe can be read once only: detected as it is read */
			for (size_t i = 0; i < r->npaths; i++)
				once |= !rereadable(r->paths[i]);
			if (!once && !(r->fmt = detect_paths(r, err)))
				return -1;
		}
	}
	for (;;) {
		r->s = ts_open(r->paths[r->cur], err);
		if (!r->s)
			return -1;
		size_t len = 1;
		/* an empty file among several read in turn holds nothing: the next one */
		if (r->fmt && !r->fmt->merge_paths && r->cur + 1 < r->npaths && !ts_peek(r->s, 1, &len, err))
			return -1;
		if (len)
			break;
		ts_close(r->s);
		r->s = NULL;
		r->cur++;
	}
	r->name = ts_name(r->s);
	r->line = 0;
	if (!r->fmt && !(r->fmt = detect(r->s, err)))	/* a pipe: detected as it is read */
		return -1;
	return r->fmt->open(r, &r->opts, err) < 0 ? -1 : 0;
}

struct trace_reader *trace_open(const char *const *paths, size_t npaths, const char *format,
				const struct trace_opts *o, struct trace_err *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	err->msg[0] = 0;
	if (!r || !npaths || expand_paths(r, paths, npaths)) {
		snprintf(err->msg, sizeof(err->msg), npaths ? "out of memory" : "no trace given");
		goto fail;
	}
	if (o)
		r->opts = *o;
	if (!r->opts.action)
		r->opts.action = 'Q';
	if (!strchr("QDC", r->opts.action)) {
		snprintf(err->msg, sizeof(err->msg), "--action %c: Q, D or C", r->opts.action);
		goto fail;
	}
	if (!r->opts.block_size)
		r->opts.block_size = 512;
	if (open_current(r, format, err) < 0) {
		r->fmt = r->fmt && r->priv ? r->fmt : NULL;
		goto fail;
	}
	return r;
fail:
	trace_close(r);
	return NULL;
}

int trace_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	err->msg[0] = 0;
	while (!r->done) {
		memset(rec, 0, sizeof(*rec));
		int rc = r->fmt->next(r, rec, err);
		if (rc == 1)
			return 1;
		if (rc == TRACE_BAD && r->opts.skip_bad) {
			r->skipped++;
			err->msg[0] = 0;
			continue;
		}
		if (rc < 0) {
			r->done = true;
			return -1;
		}
		/* the end of this file: the next one, unless the format read them all */
		if (r->fmt->merge_paths || r->cur + 1 >= r->npaths) {
			r->done = true;
			break;
		}
		r->fmt->close(r);
		r->priv = NULL;
		ts_close(r->s);
		r->s = NULL;
		r->cur++;
		if (open_current(r, NULL, err) < 0) {
			r->done = true;
			return -1;
		}
	}
	return 0;
}

uint64_t trace_skipped(const struct trace_reader *r)
{
	return r->skipped;
}

const struct trace_zone_ops *trace_zone_ops(const struct trace_reader *r)
{
	return &r->zops;
}

static const char *const zop_names[TRACE_ZOP_NR] = {
	[TRACE_ZOP_APPEND] = "zone-append", [TRACE_ZOP_RESET] = "zone-reset",
	[TRACE_ZOP_RESET_ALL] = "zone-reset-all", [TRACE_ZOP_FINISH] = "zone-finish",
	[TRACE_ZOP_OPEN] = "zone-open", [TRACE_ZOP_CLOSE] = "zone-close",
};

const char *trace_zone_op_name(enum trace_zone_op op)
{
	return (unsigned)op < TRACE_ZOP_NR ? zop_names[op] : "?";
}

uint64_t trace_zone_ops_str(const struct trace_reader *r, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = 0;
	for (int k = 0; k < TRACE_ZOP_NR; k++) {
		if (!r->zops.n[k])
			continue;
		int w = snprintf(buf + used, cap - used, "%s%llu %s", used ? ", " : "",
				 (unsigned long long)r->zops.n[k], zop_names[k]);
		if (w > 0 && (size_t)w < cap - used)
			used += (size_t)w;
		if (r->zops.bytes[k] && used < cap) {
			w = snprintf(buf + used, cap - used, " (%llu bytes)", (unsigned long long)r->zops.bytes[k]);
			if (w > 0 && (size_t)w < cap - used)
				used += (size_t)w;
		}
	}
	return r->zops.total;
}

static const char trace_actions[] = "QDC";	/* the order of r->actions[] */

void trace_count_action(struct trace_reader *r, char a)
{
	const char *p = a ? strchr(trace_actions, a) : NULL;

	if (p)
		r->actions[p - trace_actions]++;
}

bool trace_action_hint(const struct trace_reader *r, uint64_t read, char *buf, size_t cap)
{
	const char *acts = trace_actions, *fmt = trace_format_name(r);
	char others[96] = "", tries[16] = "";
	size_t used = 0, nt = 0;

	buf[0] = 0;
	if (read || r->zops.total || (strcmp(fmt, "blkparse") && strcmp(fmt, "blktrace")))
		return false;
	for (int i = 0; i < 3; i++) {
		if (acts[i] == r->opts.action || !r->actions[i])
			continue;
		int w = snprintf(others + used, sizeof(others) - used, "%s%llu %c", used ? " and " : "",
				 (unsigned long long)r->actions[i], acts[i]);
		if (w > 0 && (size_t)w < sizeof(others) - used)
			used += (size_t)w;
		nt += (size_t)snprintf(tries + nt, sizeof(tries) - nt, "%s%c", nt ? " or " : "", acts[i]);
	}
	if (used)
		snprintf(buf, cap, "no %c events in this trace; it has %s events: try --action %s", r->opts.action,
			 others, tries);
	else
		snprintf(buf, cap, "no Q, D or C events in this trace: nothing to replay");
	return true;
}

const char *trace_format_name(const struct trace_reader *r)
{
	return r->fmt ? r->fmt->name : "?";
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fmt && r->priv)
		r->fmt->close(r);
	ts_close(r->s);
	for (size_t i = 0; i < r->npaths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r);
}
