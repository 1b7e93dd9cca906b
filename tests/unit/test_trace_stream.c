// SPDX-License-Identifier: MIT
/*
 * The stream layer and trace_open: gzip, zstd, xz and bzip2 told by their
 * magic (never the name), concatenated members, truncated data; detection
 * and --format; several paths read in turn.
 */
#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "trace_test.h"

/* A blkparse text of @n Q writes, 8 sectors each, sector 8*i */
static char *bp_text(int n, size_t *len)
{
	size_t cap = (size_t)n * 64 + 1;
	char *t = malloc(cap);
	size_t o = 0;
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(t + o, cap - o, "8,0 0 %d %d.%09d 1 Q W %d + 8 [x]\n", i + 1, i / 1000,
				      (i % 1000) * 1000, 8 * i);
	*len = o;
	return t;
}

static size_t gz(const char *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = cap - z.avail_out;
	deflateEnd(&z);
	return len;
}

static size_t compress_as(int kind, const char *in, size_t n, unsigned char *out, size_t cap)
{
	switch (kind) {
	case 0:
		return gz(in, n, out, cap);
	case 1: {
		size_t r = ZSTD_compress(out, cap, in, n, 3);
		assert_false(ZSTD_isError(r));
		return r;
	}
	case 2: {
		size_t pos = 0;
		assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)in, n, out,
							 &pos, cap),
				 LZMA_OK);
		return pos;
	}
	default: {
		unsigned int len = (unsigned int)cap;
		assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)in, (unsigned)n, 9, 0, 0),
				 BZ_OK);
		return len;
	}
	}
}

static void count_records(const void *data, size_t len, int want, const char *want_err)
{
	struct tt_run run;
	struct trace_opts o = { .action = 'Q' };
	char *p = tt_file(data, len);
	struct trace_err err;
	const char *paths[] = { p };
	struct trace_reader *r = trace_open(paths, 1, "blkparse", &o, &err);
	assert_non_null(r);
	struct trace_rec rec;
	int rc, n = 0;
	int64_t last = -1;
	while ((rc = trace_next(r, &rec, &err)) == 1) {
		assert_int_equal(rec.offset, (uint64_t)n * 8 * 512);
		assert_true(rec.time_ns > last);
		last = rec.time_ns;
		n++;
	}
	trace_close(r);
	unlink(p);
	free(p);
	(void)run;
	if (want_err) {
		assert_int_equal(rc, -1);
		if (!strstr(err.msg, want_err))
			fail_msg("'%s' lacks '%s'", err.msg, want_err);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(n, want);
	}
}

/* 40,000 lines: more than the stream's buffers, so refills cross lines */
static void every_compression_by_magic(void **state)
{
	(void)state;
	size_t len;
	char *t = bp_text(40000, &len);
	size_t cap = len + 65536;
	unsigned char *c = malloc(cap * 2);
	count_records(t, len, 40000, NULL);
	for (int kind = 0; kind < 4; kind++) {
		size_t n = compress_as(kind, t, len, c, cap);
		count_records(c, n, 40000, NULL);
		/* two members back to back read as one stream */
		memcpy(c + n, c, n);
		struct tt_run run;
		(void)run;
		char *p = tt_file(c, 2 * n);
		struct trace_err err;
		const char *paths[] = { p };
		struct trace_reader *r = trace_open(paths, 1, NULL, NULL, &err);
		assert_non_null(r);
		struct trace_rec rec;
		int k = 0, rc;
		while ((rc = trace_next(r, &rec, &err)) == 1)
			k++;
		assert_int_equal(rc, 0);
		assert_int_equal(k, 80000);
		trace_close(r);
		unlink(p);
		free(p);
		/* cut short: an error, never a silent end */
		count_records(c, n / 2, 0, "ends early");
	}
	free(c);
	free(t);
}

static void corrupt_compressed_data(void **state)
{
	(void)state;
	size_t len;
	char *t = bp_text(100, &len);
	unsigned char c[8192];
	size_t n = gz(t, len, c, sizeof(c));
	for (size_t i = 20; i < n - 8; i++)
		c[i] ^= 0x5a;
	count_records(c, n, 0, "gzip");
	free(t);
}

static void unknown_format_and_forced(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("hello world\nthis is not a trace\n", NULL, &run);
	assert_int_equal(run.rc, -2);
	assert_non_null(strstr(run.msg, "not a trace format"));
	tt_read("8,0 0 1 0.000000000 1 Q W 8 + 8 [x]\n", "no-such", &run);
	assert_int_equal(run.rc, -2);
	assert_non_null(strstr(run.msg, "no-such"));
	/* forced: a fio log read as blkparse has no events */
	tt_read("fio version 3 iolog\n1 f write 0 4096\n", "blkparse", &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 0);
	tt_read("", NULL, &run);
	assert_int_equal(run.rc, -2);
	struct trace_err err;
	const char *nopath[] = { "/nonexistent/trace" };
	assert_null(trace_open(nopath, 1, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "/nonexistent/trace"));
}

static void paths_read_in_turn(void **state)
{
	(void)state;
	char *a = tt_file("8,0 0 1 0.000000000 1 Q W 8 + 8 [x]\n", 36);
	char *b = tt_file("fio version 3 iolog\n7 f write 0 4096\n", 37);
	const char *paths[] = { a, b };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 2, NULL, NULL, &err);
	assert_non_null(r);
	struct trace_rec rec;
	assert_int_equal(trace_next(r, &rec, &err), 1);
	assert_string_equal(rec.dev, "8,0");
	/* the files are one trace: the second is read in the first one's format */
	int rc = trace_next(r, &rec, &err);
	assert_int_equal(rc, 0);	/* the fio log read as blkparse: no events */
	trace_close(r);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* the format comes from the first file that is not empty (a capture's idle CPU) */
static void empty_first_file(void **state)
{
	(void)state;
	char *a = tt_file("", 0);
	char *b = tt_file("fio version 3 iolog\n7 f write 0 4096\n", 37);
	const char *paths[] = { a, b };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 2, NULL, NULL, &err);
	assert_non_null(r);
	assert_string_equal(trace_format_name(r), "fio-iolog");
	struct trace_rec rec;
	assert_int_equal(trace_next(r, &rec, &err), 1);
	assert_int_equal(rec.time_ns, 7000);
	assert_int_equal(trace_next(r, &rec, &err), 0);
	trace_close(r);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

static void last_line_without_newline(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("fio version 3 iolog\n1 f write 0 4096\r\n2 f write 4096 4096", NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[1].offset, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_compression_by_magic),
		cmocka_unit_test(corrupt_compressed_data),
		cmocka_unit_test(unknown_format_and_forced),
		cmocka_unit_test(paths_read_in_turn),
		cmocka_unit_test(empty_first_file),
		cmocka_unit_test(last_line_without_newline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
