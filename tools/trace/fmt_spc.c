// SPDX-License-Identifier: MIT
/*
 * SPC trace format (SPC Trace File Format Specification 1.0.1; the UMass
 * Financial and WebSearch traces), one CSV line a request:
 *
 *   ASU,LBA,Size,Opcode,Timestamp[,more fields]
 *   0,303567,3584,w,0.000000
 *
 * ASU the application storage unit (its own address space: the volume);
 * LBA in blocks whose size the trace's description gives (--block-size,
 * 512 by default, as the UMass traces are read); Size bytes; Opcode r or w
 * in either case; Timestamp seconds from the start, as a decimal.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_int.h"

struct spc_state {
	uint64_t block;
};

static bool is_rw(const char *s)
{
	return s[0] && !s[1] && strchr("rRwW", s[0]);
}

static int spc_probe(const unsigned char *head, size_t len)
{
	static char copy[TRACE_PROBE_SIZE + 1];
	char *lines[16], *f[16];
	size_t n = trace_head_lines(head, len, copy, sizeof(copy), lines, 16);
	uint64_t v;
	int64_t t;
	for (size_t i = 0; i < n; i++) {
		size_t k = trace_split(lines[i], ',', f, 16);
		if (k < 5 || trace_u64(f[0], &v) || trace_u64(f[1], &v) || trace_u64(f[2], &v) || !is_rw(f[3]) ||
		    trace_secs_ns(f[4], &t))
			return 0;
	}
	return n ? 60 : 0;
}

static int spc_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err)
{
	struct spc_state *st = malloc(sizeof(*st));
	if (!st) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	st->block = o->block_size ? o->block_size : 512;
	r->priv = st;
	return 0;
}

static int spc_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err)
{
	struct spc_state *st = r->priv;
	char *l, *f[16];
	while ((l = trace_getline(r, err))) {
		if (!*l)
			continue;
		rec->where = r->line;
		size_t n = trace_split(l, ',', f, 16);
		if (n < 5)
			return trace_bad(r, err, NULL, "%zu fields (ASU,LBA,Size,Opcode,Timestamp)", n);
		uint64_t asu, lba, size, off;
		if (trace_u64(f[0], &asu))
			return trace_bad(r, err, "ASU", "'%s' is not a number", f[0]);
		if (trace_u64(f[1], &lba) || trace_mul_u64(lba, st->block, &off))
			return trace_bad(r, err, "LBA", "'%s' is not a number of %llu-byte blocks", f[1],
					 (unsigned long long)st->block);
		if (trace_u64(f[2], &size) || !size || size > UINT64_MAX - off)
			return trace_bad(r, err, "Size", "'%s' is not a number of bytes", f[2]);
		if (!is_rw(f[3]))
			return trace_bad(r, err, "Opcode", "'%s' is not r or w", f[3]);
		if (trace_secs_ns(f[4], &rec->time_ns))
			return trace_bad(r, err, "Timestamp", "'%s' is not a number of seconds", f[4]);
		rec->op = f[3][0] == 'w' || f[3][0] == 'W' ? TRACE_OP_WRITE : TRACE_OP_READ;
		rec->offset = off;
		rec->len = size;
		snprintf(rec->dev, sizeof(rec->dev), "%llu", (unsigned long long)asu);
		return 1;
	}
	return err->msg[0] ? -1 : 0;
}

static void spc_close(struct trace_reader *r)
{
	free(r->priv);
	r->priv = NULL;
}

const struct trace_format trace_fmt_spc = {
	.name = "spc",
	.summary = "SPC/UMass CSV: ASU, LBA in --block-size blocks (512), bytes, r/w, seconds",
	.probe = spc_probe,
	.open = spc_open,
	.next = spc_next,
	.close = spc_close,
};
