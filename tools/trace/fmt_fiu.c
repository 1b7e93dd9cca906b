// SPDX-License-Identifier: MIT
/*
 * FIU traces (SRCMap, I/O deduplication: homes, mail, web-vm), one line a
 * request, blank separated:
 *
 *   TS PID PROCESS LBA SIZE RW MAJOR MINOR DIGEST
 *   89966527996712 6134 gzip 40515192 8 R 6 0 0be2ec4b1ea64b0bc9e3d2b7d0e1bfc6
 *
 * TS nanoseconds; LBA and SIZE 512-byte blocks; RW W or R; the digest is
 * MD5 in hex per 512 bytes (homes: 8 of them for 4 KiB) or per 4 KiB
 * (mail, web-vm), so any length of hex is taken.  The device is
 * MAJOR,MINOR.  PROCESS is the fields between PID and LBA (a name may
 * hold blanks).
 */
#include <ctype.h>
#include <string.h>

#include "trace_int.h"

static bool is_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

static int fiu_probe(const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[16], *f[32];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 16);
	uint64_t v;
	for (size_t i = 0; i < n; i++) {
		size_t k = trace_split(lines[i], ' ', f, 32);
		if (k < 9 || trace_u64(f[0], &v) || trace_u64(f[k - 6], &v) || !is_hex(f[k - 1]) ||
		    (f[k - 4][0] != 'R' && f[k - 4][0] != 'W') || f[k - 4][1])
			return 0;
	}
	return n ? 80 : 0;
}

static int fiu_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	(void)o;
	(void)err;
	r->priv = r;
	return 0;
}

static int fiu_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	char *l, *f[32];
	while ((l = trace_getline(r, err))) {
		size_t n = trace_split(l, ' ', f, 32);
		if (!n)
			continue;
		rec->where = r->line;
		if (n < 9)
			return trace_bad(r, err, NULL, "%zu fields (TS PID PROCESS LBA SIZE RW MAJOR MINOR DIGEST)", n);
		uint64_t ts, pid, lba, size, maj, min;
		char **t = f + n - 6;	/* LBA SIZE RW MAJOR MINOR DIGEST */
		if (trace_u64(f[0], &ts) || ts > INT64_MAX)
			return trace_bad(r, err, "ts", "'%s' is not a number of nanoseconds", f[0]);
		if (trace_u64(f[1], &pid))
			return trace_bad(r, err, "pid", "'%s' is not a number", f[1]);
		if (trace_u64(t[0], &lba) || lba > UINT64_MAX / 512)
			return trace_bad(r, err, "lba", "'%s' is not a number of 512-byte blocks", t[0]);
		if (trace_u64(t[1], &size) || !size || size > (UINT64_MAX - lba * 512) / 512)
			return trace_bad(r, err, "size", "'%s' is not a number of 512-byte blocks", t[1]);
		if (!strcmp(t[2], "W"))
			rec->op = TRACE_OP_WRITE;
		else if (!strcmp(t[2], "R"))
			rec->op = TRACE_OP_READ;
		else
			return trace_bad(r, err, "rw", "'%s' is not W or R", t[2]);
		if (trace_u64(t[3], &maj) || maj > 4095)
			return trace_bad(r, err, "major", "'%s' is not a device major number", t[3]);
		if (trace_u64(t[4], &min) || min > 0xfffff)
			return trace_bad(r, err, "minor", "'%s' is not a device minor number", t[4]);
		if (!is_hex(t[5]))
			return trace_bad(r, err, "digest", "'%.20s' is not hexadecimal", t[5]);
		rec->time_ns = (int64_t)ts;
		rec->offset = lba * 512;
		rec->len = size * 512;
		snprintf(rec->dev, sizeof(rec->dev), "%llu,%llu", (unsigned long long)maj, (unsigned long long)min);
		return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void fiu_close(struct trace_reader *r)
{
	r->priv = NULL;
}

const struct trace_format trace_fmt_fiu = {
	.name = "fiu",
	.summary = "FIU SRCMap/IODedup: ns, 512-byte blocks, W/R, a digest per block",
	.probe = fiu_probe,
	.open = fiu_open,
	.next = fiu_next,
	.close = fiu_close,
};
