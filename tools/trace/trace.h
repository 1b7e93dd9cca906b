/* SPDX-License-Identifier: MIT */
/*
 * Trace readers: one normalized request stream from many trace formats.
 *
 * A reader is one file of tools/trace/ behind `struct trace_format` (probe,
 * open, next, close) and one row of the format table (trace_formats.c).
 * Every reader reads through `struct trace_stream` (trace_stream.c), which
 * undoes gzip, zstd, xz and bzip2 compression from files and pipes alike, so
 * a reader only ever sees plain bytes.  Readers stream: memory does not grow
 * with the trace's length.
 */
#ifndef ZWSIM_TRACE_H
#define ZWSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_op {
	TRACE_OP_WRITE,
	TRACE_OP_READ,
	TRACE_OP_DISCARD,
	TRACE_OP_FLUSH,
	TRACE_OP_FS,		/* --format fs: a file-level operation in rec->fs_line */
};

/* Request flags, as blktrace's RWBS letters name them */
enum {
	TRACE_F_FUA	 = 1u << 0,	/* F after the operation letter */
	TRACE_F_PREFLUSH = 1u << 1,	/* F before it */
	TRACE_F_SYNC	 = 1u << 2,	/* S */
	TRACE_F_META	 = 1u << 3,	/* M */
	TRACE_F_AHEAD	 = 1u << 4,	/* A: read-ahead */
};

/* One request, in bytes and nanoseconds whatever the trace's own units. */
struct trace_rec {
	int64_t time_ns;	/* the trace's time (readers keep the trace's origin) */
	enum trace_op op;
	unsigned int flags;	/* TRACE_F_* */
	uint64_t offset;	/* bytes */
	uint64_t len;		/* bytes */
	char dev[48];		/* "MAJ,MIN" for block traces, else the trace's volume/disk/file name */
	const char *fs_line;	/* TRACE_OP_FS: the zwsim fs script line (valid until the next call) */
	uint64_t where;		/* line number (text) or record number (binary) it came from */
};

struct trace_stream;		/* trace_stream.c: decompressing reader */
struct trace_reader;		/* an open trace: format + state */

/* Where an error was found: "FILE:LINE: field 'size': not a number" */
struct trace_err {
	char msg[256];
};

struct trace_opts {
	char action;		/* blktrace/blkparse: 'Q' (default), 'D' or 'C' */
	bool skip_bad;		/* count malformed records instead of failing */
	unsigned int block_size;	/* spc: the bytes of an LBA (0: 512) */
};

struct trace_format {
	const char *name;	/* "blkparse", "blktrace", "fio-iolog", "msr", "alibaba", "tencent", "fiu", "spc", "fs" */
	const char *summary;
	/* How sure (0 no .. 100 certain) that @head (the first bytes, decompressed) is this format. */
	int (*probe)(const unsigned char *head, size_t len);
	/* The state behind a reader (in r->priv: set by open, freed by close); next() fills @rec:
	 * 1 a record, 0 the end, -1 an error in @err (TRACE_BAD, trace_int.h: a malformed
	 * record the reader can go on after, which --skip-bad counts). */
	int (*open)(struct trace_reader *r, const struct trace_opts *o, struct trace_err *err);
	int (*next)(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err);
	void (*close)(struct trace_reader *r);
	/* open() reads all the paths at once (blktrace: per-CPU files merged by
	 * time); otherwise trace_next() reads the paths one after the other. */
	bool merge_paths;
};

/*
 * Open @paths (several only for one blktrace capture's per-CPU files,
 * which are merged by time); @format NULL: detected from the content.
 * "-" is standard input.  NULL with @err set.
 */
struct trace_reader *trace_open(const char *const *paths, size_t npaths, const char *format,
				const struct trace_opts *o, struct trace_err *err);
/* 1 a record, 0 the end, -1 an error (the reader is then done). */
int trace_next(struct trace_reader *r, struct trace_rec *rec, struct trace_err *err);
/* Malformed records skipped under skip_bad. */
uint64_t trace_skipped(const struct trace_reader *r);

/*
 * Zone operations a trace records that zwsim's request stream has no
 * operation for (blktrace version 8, struct blk_io_trace2): trace_next()
 * does not return them, it counts them here, by kind, with their bytes.
 */
enum trace_zone_op {
	TRACE_ZOP_APPEND, TRACE_ZOP_RESET, TRACE_ZOP_RESET_ALL, TRACE_ZOP_FINISH, TRACE_ZOP_OPEN,
	TRACE_ZOP_CLOSE, TRACE_ZOP_NR,
};
struct trace_zone_ops {
	uint64_t n[TRACE_ZOP_NR], bytes[TRACE_ZOP_NR];
	uint64_t total;		/* the sum of n[] */
};
const struct trace_zone_ops *trace_zone_ops(const struct trace_reader *r);
/* "zone-append", "zone-reset", "zone-reset-all", "zone-finish", "zone-open", "zone-close" */
const char *trace_zone_op_name(enum trace_zone_op op);
/* "2 zone-append (8192 bytes), 1 zone-reset" into @buf; the total (0: @buf "") */
uint64_t trace_zone_ops_str(const struct trace_reader *r, char *buf, size_t cap);
const char *trace_format_name(const struct trace_reader *r);
/*
 * After a blktrace or blkparse trace gave no request (@read 0): why, into
 * @buf ("no Q events in this trace; it has 1192 D and 1187 C events: try
 * --action D or C"), and true; false, @buf "", for any other trace.
 */
bool trace_action_hint(const struct trace_reader *r, uint64_t read, char *buf, size_t cap);
void trace_close(struct trace_reader *r);

/* The format table, for --help and --format. */
extern const struct trace_format *const trace_formats[];
extern const size_t trace_nformats;

const char *trace_op_name(enum trace_op op);

#endif
