// SPDX-License-Identifier: MIT
/*
 * blkparse text in its default format (blktrace's blkparse_fmt.c
 * process_default(), header "%D %2c %8s %5T.%9t %5p %2a %3d "):
 *
 *   8,16   1       7     0.000012345  4711  Q  WS 1048576 + 8 [fio]
 *
 * Sectors are 512 bytes and the number after '+' is sectors too
 * (blktrace.h t_sec(): bytes >> 9).  Only the events of the chosen action
 * (--action, default Q) are requests; every other line is skipped: the
 * other actions, the summary block at the end, "Input file ... added"
 * lines, '#' comments.  An event line is one whose first field is MAJ,MIN;
 * a malformed one is an error.
 *
 * Times are seconds.nanoseconds since blkparse's genesis (the earliest
 * event of its input).  An event before genesis has a negative 64-bit
 * time, which blkparse prints as an unsigned value whose seconds pass
 * through a 32-bit %d: 39.47 ms before genesis reads 1266874889.670077392.
 * Such values (within a day of 2^64 ns) are turned back into negative times.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_int.h"

/* The seconds of 2^64 - 1 ns, and their low 32 bits as %d shows them */
#define BP_WRAP_SECS	18446744073ull
#define BP_WRAP_SHOWN	(BP_WRAP_SECS & 0xffffffffull)
#define BP_WRAP_WINDOW	86400ull

struct blkparse_state {
	char action[2];
};

static bool is_devno(const char *s)
{
	const char *c = strchr(s, ',');
	uint64_t v;
	if (!c || c == s)
		return false;
	char maj[24];
	size_t n = (size_t)(c - s);
	if (n >= sizeof(maj))
		return false;
	memcpy(maj, s, n);
	maj[n] = 0;
	return !trace_u64(maj, &v) && !trace_u64(c + 1, &v);
}

/* "S.NNNNNNNNN" as blkparse prints it, into signed ns since genesis */
static int bp_time(const char *s, int64_t *ns)
{
	const char *dot = strchr(s, '.');
	char sec[24];
	int64_t shown;
	uint64_t frac;
	if (!dot || dot == s || (size_t)(dot - s) >= sizeof(sec) || strlen(dot + 1) != 9)
		return -1;
	memcpy(sec, s, (size_t)(dot - s));
	sec[dot - s] = 0;
	/* blkparse prints the seconds through a 32-bit %d */
	if (trace_i64(sec, &shown) || trace_u64(dot + 1, &frac) || shown > INT32_MAX || shown < INT32_MIN)
		return -1;
	uint64_t low32 = (uint64_t)shown & 0xffffffffull;
	if (low32 <= BP_WRAP_SHOWN && low32 > BP_WRAP_SHOWN - BP_WRAP_WINDOW) {
		uint64_t full = (BP_WRAP_SECS - (BP_WRAP_SHOWN - low32)) * 1000000000ull + frac;
		*ns = (int64_t)full;	/* two's complement: the time before genesis */
		return 0;
	}
	if (shown < 0)
		return -1;
	*ns = shown * 1000000000 + (int64_t)frac;
	return 0;
}

/* The RWBS field: F? (D|W|R|N) F? A? S? M? (blkparse_fmt.c fill_rwbs()) */
static int bp_rwbs(const char *s, char *cls, unsigned int *flags)
{
	*flags = 0;
	if (*s == 'F') {
		*flags |= TRACE_F_PREFLUSH;
		s++;
	}
	if (!*s || !strchr("DWRN", *s))
		return -1;
	*cls = *s++;
	if (*s == 'F') {
		*flags |= TRACE_F_FUA;
		s++;
	}
	if (*s == 'A') {
		*flags |= TRACE_F_AHEAD;
		s++;
	}
	if (*s == 'S') {
		*flags |= TRACE_F_SYNC;
		s++;
	}
	if (*s == 'M') {
		*flags |= TRACE_F_META;
		s++;
	}
	return *s ? -1 : 0;
}

static int blkparse_probe(const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[64], *f[8];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 64);
	int events = 0, bad = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = trace_split(lines[i], ' ', f, 8);
		if (!k || f[0][0] == '#' || !is_devno(f[0]))
			continue;
		int64_t t;
		uint64_t v;
		if (k < 7 || trace_u64(f[1], &v) || trace_u64(f[2], &v) || bp_time(f[3], &t))
			bad++;
		else
			events++;
	}
	return events && events >= bad ? 90 : 0;
}

static int blkparse_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	struct blkparse_state *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	st->action[0] = o->action;
	r->priv = st;
	return 0;
}

static int blkparse_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	struct blkparse_state *st = r->priv;
	char *l, *f[16];

	while ((l = trace_getline(r, err))) {
		size_t n = trace_split(l, ' ', f, 16);
		if (!n || !is_devno(f[0]))
			continue;	/* summary, "Input file ... added", comments */
		rec->where = r->line;
		if (n < 7)
			return trace_bad(r, err, NULL, "an event line of %zu fields (at least 7)", n);
		uint64_t v;
		if (trace_u64(f[1], &v))
			return trace_bad(r, err, "cpu", "'%s' is not a number", f[1]);
		if (trace_u64(f[2], &v))
			return trace_bad(r, err, "sequence", "'%s' is not a number", f[2]);
		if (bp_time(f[3], &rec->time_ns))
			return trace_bad(r, err, "time", "'%s' is not SECONDS.NANOSECONDS", f[3]);
		if (trace_u64(f[4], &v))
			return trace_bad(r, err, "pid", "'%s' is not a number", f[4]);
		if (!f[5][1])
			trace_count_action(r, f[5][0]);
		if (strcmp(f[5], st->action))
			continue;
		char cls;
		unsigned int flags;
		if (bp_rwbs(f[6], &cls, &flags))
			return trace_bad(r, err, "rwbs", "'%s' is not RWBS (F?[DWRN]F?A?S?M?)", f[6]);
		/* the tail: "SECTOR + N [..]", "SECTOR [err]", "[comm]", or a
		 * passthrough request's "BYTES (CDB) [..]" (no sector: not replayed) */
		uint64_t sector = 0, nsect = 0;
		if (n > 7 && f[7][0] != '[') {
			if (n > 8 && f[8][0] == '(')
				continue;
			if (trace_u64(f[7], &sector))
				return trace_bad(r, err, "sector", "'%s' is not a number", f[7]);
			if (n > 8 && !strcmp(f[8], "+")) {
				if (n < 10 || trace_u64(f[9], &nsect))
					return trace_bad(r, err, "sectors", "'%s' is not a number",
							 n < 10 ? "" : f[9]);
			} else if (n > 8 && f[8][0] != '[') {
				return trace_bad(r, err, "sectors", "'%s' where '+ N' or '[...]' belongs", f[8]);
			}
		}
		if (sector > UINT64_MAX / 512 || nsect > UINT64_MAX / 512 - sector)
			return trace_bad(r, err, "sector", "beyond 2^64 bytes");
		rec->offset = sector * 512;
		rec->len = nsect * 512;
		snprintf(rec->dev, sizeof(rec->dev), "%s", f[0]);
		if (trace_rwbs_op(cls, flags, rec))
			return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void blkparse_close(struct trace_reader *r)
{
	free(r->priv);
	r->priv = NULL;
}

const struct trace_format trace_fmt_blkparse = {
	.name = "blkparse",
	.summary = "blkparse text, default format (blktrace): --action Q|D|C",
	.probe = blkparse_probe,
	.open = blkparse_open,
	.next = blkparse_next,
	.close = blkparse_close,
};
