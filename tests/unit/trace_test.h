/* SPDX-License-Identifier: MIT */
/* Helpers of the trace reader tests: a trace from a string, all its records. */
#ifndef ZWSIM_TRACE_TEST_H
#define ZWSIM_TRACE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace.h"

/* @data (@len bytes) in a new temporary file: its path, to free() and unlink() */
static inline char *tt_file(const void *data, size_t len)
{
	char *p = strdup("/tmp/zwsim-trace-test-XXXXXX");
	int fd = mkstemp(p);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return p;
}

struct tt_run {
	struct trace_rec rec[64];
	char fs[64][128];
	size_t n;
	int rc;			/* 0 the end, -1 an error (msg) */
	char msg[256];
	char format[16];
	uint64_t skipped;
	struct trace_zone_ops zops;	/* trace_zone_ops() at the end */
};

/* Read all of @text as @format (NULL: detected) into @run. */
static inline void tt_read_opts(const void *data, size_t len, const char *format,
				const struct trace_opts *o, struct tt_run *run)
{
	char *p = tt_file(data, len);
	struct trace_err err;
	const char *paths[] = { p };
	memset(run, 0, sizeof(*run));
	struct trace_reader *r = trace_open(paths, 1, format, o, &err);
	if (!r) {
		run->rc = -2;
		snprintf(run->msg, sizeof(run->msg), "%s", err.msg);
	} else {
		snprintf(run->format, sizeof(run->format), "%s", trace_format_name(r));
		struct trace_rec rec;
		while ((run->rc = trace_next(r, &rec, &err)) == 1) {
			assert_true(run->n < 64);
			if (rec.fs_line)
				snprintf(run->fs[run->n], sizeof(run->fs[0]), "%s", rec.fs_line);
			run->rec[run->n++] = rec;
		}
		if (run->rc < 0)
			snprintf(run->msg, sizeof(run->msg), "%s", err.msg);
		run->skipped = trace_skipped(r);
		run->zops = *trace_zone_ops(r);
		trace_close(r);
	}
	unlink(p);
	free(p);
}

static inline void tt_read(const char *text, const char *format, struct tt_run *run)
{
	struct trace_opts o = { .action = 'Q' };
	tt_read_opts(text, strlen(text), format, &o, run);
}

/* The error names the line (":N:") and the field */
static inline void tt_assert_error(const struct tt_run *run, const char *where, const char *field)
{
	assert_int_equal(run->rc, -1);
	if (!strstr(run->msg, where) || (field && !strstr(run->msg, field)))
		fail_msg("error '%s' should name '%s' and '%s'", run->msg, where, field ? field : "");
	assert_non_null(strstr(run->msg, "/tmp/zwsim-trace-test-"));
}

#endif
