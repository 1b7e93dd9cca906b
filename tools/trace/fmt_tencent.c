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

static int tc_probe_line(size_t i, char **f)
{
	(void)i;
	uint64_t v;
	for (int k = 0; k < 5; k++)
		if (trace_u64(f[k], &v))
			return -1;
	if ((f[3][0] != '0' && f[3][0] != '1') || f[3][1])
		return -1;
	return 1;
}

static int tc_record(struct trace_reader *r, char **f, struct trace_rec *rec, struct trace_err *err)
{
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

static const struct trace_csv tc_csv = {
	.nfields = 5,
	.names = "Timestamp,Offset,Size,IOType,VolumeID",
	.probe_line = tc_probe_line,
	.record = tc_record,
};

static int tc_probe(const unsigned char *head, size_t len)
{
	return trace_csv_probe(&tc_csv, head, len) ? 70 : 0;
}

static int tc_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	return trace_csv_next(&tc_csv, r, rec, err);
}

const struct trace_format trace_fmt_tencent = {
	.name = "tencent",
	.summary = "Tencent CBS CSV (SNIA): seconds, 512-byte sectors, IOType 0 read 1 write",
	.probe = tc_probe,
	.open = trace_stateless_open,
	.next = tc_next,
	.close = trace_stateless_close,
};
