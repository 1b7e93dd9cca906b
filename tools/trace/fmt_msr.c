// SPDX-License-Identifier: MIT
/*
 * MSR Cambridge (SNIA IOTTA, FAST'08), one CSV line a request:
 *
 *   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
 *   128166385295514663,hm,0,Read,3401457664,4096,3385
 *
 * Timestamp is a Windows FILETIME (100 ns ticks since 1601-01-01 UTC),
 * turned into ns since the Unix epoch; Type Read or Write; Offset and Size
 * bytes (the SNIA README).  The volume is HOST_DISK, as the trace's file
 * names spell it (hm_0).  A header line is allowed.
 */
#include <stdlib.h>
#include <strings.h>

#include "trace_int.h"

#define FILETIME_UNIX_EPOCH 116444736000000000ull	/* 1970-01-01 in FILETIME ticks */

static int msr_line(char *l, char **f)
{
	return (int)trace_split(l, ',', f, 8);
}

static int msr_probe(const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[16], *f[8];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 16), good = 0;
	uint64_t v;
	for (size_t i = 0; i < n; i++) {
		if (msr_line(lines[i], f) != 7)
			return 0;
		if (trace_u64(f[0], &v)) {
			if (i == 0)
				continue;	/* a header */
			return 0;
		}
		if (strcasecmp(f[3], "Read") && strcasecmp(f[3], "Write"))
			return 0;
		good++;
	}
	return good ? 80 : 0;
}

static int msr_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	(void)o;
	(void)err;
	r->priv = r;	/* no state */
	return 0;
}

static int msr_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	char *l, *f[8];
	while ((l = trace_getline(r, err))) {
		if (!*l)
			continue;
		rec->where = r->line;
		int n = msr_line(l, f);
		if (n != 7)
			return trace_bad(r, err, NULL, "%d fields (Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime)", n);
		uint64_t ft, off, len, disk;
		if (trace_u64(f[0], &ft)) {
			if (r->line == 1 && !strcasecmp(f[0], "Timestamp"))
				continue;
			return trace_bad(r, err, "Timestamp", "'%s' is not a FILETIME (100 ns ticks)", f[0]);
		}
		int64_t d = (int64_t)(ft - FILETIME_UNIX_EPOCH);
		if (ft > (uint64_t)INT64_MAX || d > INT64_MAX / 100 || d < INT64_MIN / 100)
			return trace_bad(r, err, "Timestamp", "%s is out of range", f[0]);
		rec->time_ns = d * 100;
		if (trace_u64(f[2], &disk))
			return trace_bad(r, err, "DiskNumber", "'%s' is not a number", f[2]);
		if (!strcasecmp(f[3], "Write"))
			rec->op = TRACE_OP_WRITE;
		else if (!strcasecmp(f[3], "Read"))
			rec->op = TRACE_OP_READ;
		else
			return trace_bad(r, err, "Type", "'%s' is not Read or Write", f[3]);
		if (trace_u64(f[4], &off))
			return trace_bad(r, err, "Offset", "'%s' is not a number of bytes", f[4]);
		if (trace_u64(f[5], &len) || !len)
			return trace_bad(r, err, "Size", "'%s' is not a number of bytes", f[5]);
		if (len > UINT64_MAX - off)
			return trace_bad(r, err, "Size", "beyond 2^64 bytes");
		uint64_t rt;
		if (trace_u64(f[6], &rt))
			return trace_bad(r, err, "ResponseTime", "'%s' is not a number", f[6]);
		rec->offset = off;
		rec->len = len;
		char vol[320];
		int vl = snprintf(vol, sizeof(vol), "%.290s_%llu", f[1], (unsigned long long)disk);
		trace_set_dev(rec, vol, (size_t)vl);
		return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void msr_close(struct trace_reader *r)
{
	r->priv = NULL;
}

const struct trace_format trace_fmt_msr = {
	.name = "msr",
	.summary = "MSR Cambridge CSV (SNIA): FILETIME, bytes, Read/Write",
	.probe = msr_probe,
	.open = msr_open,
	.next = msr_next,
	.close = msr_close,
};
