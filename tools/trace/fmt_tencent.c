// SPDX-License-Identifier: MIT
/*
 * Tencent CBS (SNIA IOTTA, ATC'20), one CSV line a request:
 *
 *   Timestamp,Offset,Size,IOType,VolumeID
 *   1538323200,4247200,128,1,1058
 *
 * Timestamp Unix seconds; Offset and Size 512-byte sectors; IOType 0 read,
 * 1 write (the Tencent README; some tools use the opposite polarity); the
 * volume is the VolumeID.  Times are whole seconds and not sorted in the
 * published files: they are passed on as they are.
 */
#include "trace_int.h"

static int tc_probe(const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[16], *f[8];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 16);
	uint64_t v;
	for (size_t i = 0; i < n; i++) {
		if (trace_split(lines[i], ',', f, 8) != 5)
			return 0;
		for (int k = 0; k < 5; k++)
			if (trace_u64(f[k], &v))
				return 0;
		if (f[3][0] != '0' && f[3][0] != '1')
			return 0;
		if (f[3][1])
			return 0;
	}
	return n ? 70 : 0;
}

static int tc_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	(void)o;
	(void)err;
	r->priv = r;
	return 0;
}

static int tc_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	char *l, *f[8];
	while ((l = trace_getline(r, err))) {
		if (!*l)
			continue;
		rec->where = r->line;
		size_t n = trace_split(l, ',', f, 8);
		if (n != 5)
			return trace_bad(r, err, NULL, "%zu fields (Timestamp,Offset,Size,IOType,VolumeID)", n);
		uint64_t ts, off, size, vol;
		if (trace_u64(f[0], &ts) || ts > (uint64_t)INT64_MAX / 1000000000)
			return trace_bad(r, err, "Timestamp", "'%s' is not Unix seconds", f[0]);
		if (trace_u64(f[1], &off) || off > UINT64_MAX / 512)
			return trace_bad(r, err, "Offset", "'%s' is not a number of sectors", f[1]);
		if (trace_u64(f[2], &size) || !size || size > (UINT64_MAX - off * 512) / 512)
			return trace_bad(r, err, "Size", "'%s' is not a number of sectors", f[2]);
		if (!f[3][0] || f[3][1] || (f[3][0] != '0' && f[3][0] != '1'))
			return trace_bad(r, err, "IOType", "'%s' is not 0 (read) or 1 (write)", f[3]);
		if (trace_u64(f[4], &vol))
			return trace_bad(r, err, "VolumeID", "'%s' is not a number", f[4]);
		rec->time_ns = (int64_t)ts * 1000000000;
		rec->op = f[3][0] == '1' ? TRACE_OP_WRITE : TRACE_OP_READ;
		rec->offset = off * 512;
		rec->len = size * 512;
		snprintf(rec->dev, sizeof(rec->dev), "%llu", (unsigned long long)vol);
		return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void tc_close(struct trace_reader *r)
{
	r->priv = NULL;
}

const struct trace_format trace_fmt_tencent = {
	.name = "tencent",
	.summary = "Tencent CBS CSV (SNIA): seconds, 512-byte sectors, IOType 0 read 1 write",
	.probe = tc_probe,
	.open = tc_open,
	.next = tc_next,
	.close = tc_close,
};
