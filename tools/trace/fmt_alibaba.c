// SPDX-License-Identifier: MIT
/*
 * Alibaba block traces (2020, alibaba/block-traces README), io_traces.csv:
 *
 *   device_id,opcode,offset,length,timestamp
 *   0,R,126703661056,4096,1577808000000046
 *
 * opcode R or W; offset and length bytes; timestamp microseconds since the
 * Unix epoch.  The volume is the device_id.  A header line is allowed
 * (public readers disagree on whether the files have one).
 */
#include <strings.h>

#include "trace_int.h"

static int ali_probe_line(size_t i, char **f)
{
	uint64_t v;
	if (i == 0 && !strcasecmp(f[0], "device_id"))
		return 0;
	if (trace_u64(f[0], &v) || trace_u64(f[2], &v) || trace_u64(f[3], &v) || trace_u64(f[4], &v) ||
	    (strcasecmp(f[1], "R") && strcasecmp(f[1], "W")))
		return -1;
	return 1;
}

static int ali_record(struct trace_reader *r, char **f, struct trace_rec *rec, struct trace_err *err)
{
	if (r->line == 1 && !strcasecmp(f[0], "device_id"))
		return 0;
	uint64_t dev, off, len, us;
	if (trace_u64(f[0], &dev))
		return trace_bad(r, err, "device_id", "'%s' is not a number", f[0]);
	if (!strcasecmp(f[1], "W"))
		rec->op = TRACE_OP_WRITE;
	else if (!strcasecmp(f[1], "R"))
		rec->op = TRACE_OP_READ;
	else
		return trace_bad(r, err, "opcode", "'%s' is not R or W", f[1]);
	if (trace_u64(f[2], &off))
		return trace_bad(r, err, "offset", "'%s' is not a number of bytes", f[2]);
	if (trace_u64(f[3], &len) || !len)
		return trace_bad(r, err, "length", "'%s' is not a number of bytes", f[3]);
	if (len > UINT64_MAX - off)
		return trace_bad(r, err, "length", "beyond 2^64 bytes");
	if (trace_u64(f[4], &us) || us > (uint64_t)INT64_MAX / 1000)
		return trace_bad(r, err, "timestamp", "'%s' is not a number of microseconds", f[4]);
	rec->time_ns = (int64_t)us * 1000;
	rec->offset = off;
	rec->len = len;
	snprintf(rec->dev, sizeof(rec->dev), "%llu", (unsigned long long)dev);
	return 1;
}

static const struct trace_csv ali_csv = {
	.nfields = 5,
	.names = "device_id,opcode,offset,length,timestamp",
	.probe_line = ali_probe_line,
	.record = ali_record,
};

static int ali_probe(const unsigned char *head, size_t len)
{
	return trace_csv_probe(&ali_csv, head, len) ? 80 : 0;
}

static int ali_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	return trace_csv_next(&ali_csv, r, rec, err);
}

const struct trace_format trace_fmt_alibaba = {
	.name = "alibaba",
	.summary = "Alibaba block traces CSV: bytes, microseconds, R/W",
	.probe = ali_probe,
	.open = trace_stateless_open,
	.next = ali_next,
	.close = trace_stateless_close,
};
