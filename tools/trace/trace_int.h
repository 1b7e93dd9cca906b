/* SPDX-License-Identifier: MIT */
/*
 * What the trace readers share and nobody else sees: the open reader, the
 * stream layer (trace_stream.c), and the helpers of the text readers
 * (trace_text.c).
 */
#ifndef ZWSIM_TRACE_INT_H
#define ZWSIM_TRACE_INT_H

#include <stdarg.h>
#include <stdio.h>

#include "trace.h"

/* How much of the data the probes see */
#define TRACE_PROBE_SIZE (64u << 10)

/* A format's next(): the record at r->where is malformed; the reader can go on (--skip-bad). */
#define TRACE_BAD (-2)

struct trace_reader {
	const struct trace_format *fmt;
	struct trace_opts opts;
	char **paths;
	size_t npaths, cur;		/* the file being read (formats that do not merge paths) */
	struct trace_stream *s;		/* paths[cur], opened by trace_open */
	const char *name;		/* paths[cur] for messages ("-": "<stdin>") */
	uint64_t line;			/* text: the line just read (1-based) */
	uint64_t skipped;
	struct trace_zone_ops zops;	/* zone operations read but not returned (trace_zone_ops()) */
	uint64_t actions[3];		/* blktrace, blkparse: Q, D and C events read (trace_action_hint()) */
	void *priv;			/* the format's state */
	bool done;
};

/* --- trace_stream.c: plain bytes from a file or pipe, decompressed --- */
/* @path "-": standard input.  Compression is detected from the first bytes. */
struct trace_stream *ts_open(const char *path, struct trace_err *err);
const char *ts_name(const struct trace_stream *s);
/* The compression ("plain", "gzip", "zstd", "xz", "bzip2"). */
const char *ts_kind(const struct trace_stream *s);
/* The first bytes (up to @want, fewer at the end of the data), without consuming them. */
const unsigned char *ts_peek(struct trace_stream *s, size_t want, size_t *len, struct trace_err *err);
/* Up to @n bytes into @dst: @n, fewer at the end, -1 on error. */
long ts_read(struct trace_stream *s, void *dst, size_t n, struct trace_err *err);
/* The next line without its end (\n, \r\n), NUL-terminated, valid until the
 * next call; NULL at the end (err->msg empty) or on error. */
char *ts_line(struct trace_stream *s, size_t *len, struct trace_err *err);
void ts_close(struct trace_stream *s);

/* --- trace.c --- */
/* blktrace, blkparse: an event of action @a ('Q', 'D', 'C'; others ignored) was read. */
void trace_count_action(struct trace_reader *r, char a);
/* "FILE:WHERE: field 'FIELD': ..." into @err; returns TRACE_BAD. */
int trace_bad(const struct trace_reader *r, struct trace_err *err, const char *field,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* RWBS as blkparse's fill_rwbs() builds it: @cls 'D', 'W', 'R' or 'N' and
 * TRACE_F_* flags, into rec->op; 0: not a request a replay can issue (a
 * no-data operation without a flush, an empty write without flush or FUA). */
int trace_rwbs_op(char cls, unsigned int flags, struct trace_rec *rec);

/* rec->dev = @name (@len bytes); a name too long for it keeps its first 38
 * bytes, '~' and 8 hex digits of a hash of the whole (distinct names stay
 * distinct, the same name always gives the same) */
void trace_set_dev(struct trace_rec *rec, const char *name, size_t len);

/* --- trace_text.c: line-oriented formats --- */
/* The next line of r->s, r->line counted; NULL at the end or on error (err->msg set). */
char *trace_getline(struct trace_reader *r, struct trace_err *err);
/* Split @line in place at @sep (' ': runs of blanks) into at most @max fields; the count. */
size_t trace_split(char *line, char sep, char **f, size_t max);
/* Decimal, no sign, the whole string: 0 ok, -1 not a number or out of range. */
int trace_u64(const char *s, uint64_t *v);
int trace_i64(const char *s, int64_t *v);
/* A decimal number of seconds, "S" or "S.FFF" (digits past the ninth dropped), into ns. */
int trace_secs_ns(const char *s, int64_t *ns);
/* The lines of @head (probe input) into @lines (split in a copy): how many complete ones. */
size_t trace_head_lines(const unsigned char *head, size_t len, char *copy, size_t cap,
			char **lines, size_t max);
/* a*b and a+b into *out without overflow: 0 ok. */
int trace_mul_u64(uint64_t a, uint64_t b, uint64_t *out);

/* --- trace_csv.c: CSV formats of a fixed number of fields, one request a line --- */
struct trace_csv {
	size_t nfields;
	const char *names;	/* the fields, for the field-count error: "device_id,opcode,..." */
	/* Line @i of the probe's head, split: 1 a request, 0 a line to pass over (a header), -1 not this format. */
	int (*probe_line)(size_t i, char **f);
	/* A line's fields (trimmed) into @rec: 1 a record, 0 none (a header), TRACE_BAD (trace_bad()). */
	int (*record)(struct trace_reader *r, char **f, struct trace_rec *rec, struct trace_err *err);
};
/* How many of @head's lines are requests; 0 when any line is not this format. */
size_t trace_csv_probe(const struct trace_csv *c, const unsigned char *head, size_t len);
/* A format's next() for @c. */
int trace_csv_next(const struct trace_csv *c, struct trace_reader *r, struct trace_rec *rec,
		   struct trace_err *err);
/* open() and close() of a reader that keeps no state. */
int trace_stateless_open(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err);
void trace_stateless_close(struct trace_reader *r);

#endif
