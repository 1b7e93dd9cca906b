// SPDX-License-Identifier: MIT
/*
 * fio iolog, versions 2 and 3 (fio's iolog.c read_iolog(), HOWTO "Trace
 * file format"):
 *
 *   fio version 2 iolog            fio version 3 iolog
 *   /dev/sdb add                   0 /dev/sdb add
 *   /dev/sdb open                  12 /dev/sdb open
 *   /dev/sdb write 0 4096          30 /dev/sdb write 0 4096
 *   /dev/sdb wait 20 0             57 /dev/sdb trim 4096 8192
 *   /dev/sdb close                 90 /dev/sdb close
 *
 * Offsets and lengths are bytes.  File actions (add, open, close) are no
 * requests.  sync and datasync are flushes of the file; trim a discard.
 * The v3 timestamp is microseconds since the log was opened (iolog.c
 * log_io_u(): utime_since_now()).
 *
 * `wait` (v2 only) has two meanings in fio: HOWTO says microseconds
 * relative to the previous wait; the code (read_iolog_get()) compares the
 * value with mtime_since_genesis() and sleeps the rest, i.e. milliseconds
 * since the job began.  We follow the code, since that is what `fio
 * --read_iolog` does with the log: a wait N puts the requests after it at
 * N ms from the start, or leaves them where they are if the log is already
 * past that time.  v2 requests carry no time of their own.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_int.h"

struct fio_state {
	int version;
	int64_t now;		/* v2: the time the last wait reached */
};

static int fio_version(const char *l)
{
	if (!strncmp(l, "fio version 2 iolog", 19))
		return 2;
	if (!strncmp(l, "fio version 3 iolog", 19))
		return 3;
	return 0;
}

static int fio_probe(const unsigned char *head, size_t len)
{
	char l[24] = "";
	memcpy(l, head, len < 23 ? len : 23);
	return fio_version(l) ? 100 : 0;
}

static int fio_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	(void)o;
	struct fio_state *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	r->priv = st;
	char *l = trace_getline(r, err);
	if (!l) {
		if (!err->msg[0])
			snprintf(err->msg, sizeof(err->msg), "%s: empty (no 'fio version N iolog' line)",
				 r->name);
		return -1;
	}
	st->version = fio_version(l);
	if (!st->version) {
		trace_bad(r, err, "version", "'%.40s' is not 'fio version 2 iolog' or 'fio version 3 iolog'", l);
		return -1;
	}
	return 0;
}

static int fio_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	struct fio_state *st = r->priv;
	char *l, *f[8];

	while ((l = trace_getline(r, err))) {
		size_t n = trace_split(l, ' ', f, 8), b = st->version == 3;
		if (!n)
			continue;
		rec->where = r->line;
		if (n != 2 + b && n != 4 + b)
			return trace_bad(r, err, NULL, "%zu fields (iolog v%d: %s)", n, st->version,
					 b ? "TIME FILE ACTION [OFFSET LENGTH]" : "FILE ACTION [OFFSET LENGTH]");
		if (b) {
			uint64_t us;
			if (trace_u64(f[0], &us) || us > (uint64_t)INT64_MAX / 1000)
				return trace_bad(r, err, "timestamp", "'%s' is not a number of microseconds", f[0]);
			rec->time_ns = (int64_t)us * 1000;
		} else {
			rec->time_ns = st->now;
		}
		const char *file = f[b], *act = f[b + 1];
		trace_set_dev(rec, file, strlen(file));
		if (n == 2 + b) {
			if (strcmp(act, "add") && strcmp(act, "open") && strcmp(act, "close"))
				return trace_bad(r, err, "action", "'%s' is not a file action (add, open, close)", act);
			continue;
		}
		uint64_t off, len;
		if (trace_u64(f[b + 2], &off))
			return trace_bad(r, err, "offset", "'%s' is not a number", f[b + 2]);
		if (trace_u64(f[b + 3], &len))
			return trace_bad(r, err, "length", "'%s' is not a number", f[b + 3]);
		if (!strcmp(act, "wait") && !b) {
			if (off > (uint64_t)INT64_MAX / 1000000)
				return trace_bad(r, err, "offset", "wait %s ms is too long", f[b + 2]);
			if ((int64_t)off * 1000000 > st->now)
				st->now = (int64_t)off * 1000000;
			continue;
		}
		if (len > UINT64_MAX - off)
			return trace_bad(r, err, "length", "beyond 2^64 bytes");
		rec->offset = off;
		rec->len = len;
		if (!strcmp(act, "write"))
			rec->op = TRACE_OP_WRITE;
		else if (!strcmp(act, "read"))
			rec->op = TRACE_OP_READ;
		else if (!strcmp(act, "trim"))
			rec->op = TRACE_OP_DISCARD;
		else if (!strcmp(act, "sync") || !strcmp(act, "datasync")) {
			rec->op = TRACE_OP_FLUSH;
			rec->offset = rec->len = 0;
		} else
			return trace_bad(r, err, "action", "'%s' is not read, write, trim, sync, datasync%s", act,
					 b ? "" : " or wait");
		if (rec->op != TRACE_OP_FLUSH && !rec->len)
			return trace_bad(r, err, "length", "0 bytes to %s", act);
		return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void fio_close(struct trace_reader *r)
{
	free(r->priv);
	r->priv = NULL;
}

const struct trace_format trace_fmt_fio_iolog = {
	.name = "fio-iolog",
	.summary = "fio iolog v2 and v3 (write_iolog): bytes, v3 times in microseconds",
	.probe = fio_probe,
	.open = fio_open,
	.next = fio_next,
	.close = fio_close,
};
