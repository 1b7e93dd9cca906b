// SPDX-License-Identifier: MIT
/* blktrace binary: hand-made records of versions 7 and 8 in both byte orders, per-CPU files merged
 * (fmt_blktrace.c). */
#include "trace_test.h"

enum { Q = 1, D = 7, C = 8, CGROUP = 0x100 };
#define TC(x) ((uint32_t)(x) << 16)
enum { READ = 1, WRITE = 2, FLUSH = 4, SYNC = 8, QUEUE = 0x10, ISSUE = 0x40, COMPLETE = 0x80, PC = 0x200,
       NOTIFY = 0x400, AHEAD = 0x800, META = 0x1000, DISCARD = 0x2000, FUA = 0x8000 };

struct buf {
	unsigned char b[8192];
	size_t n;
};

static void put(struct buf *o, const void *p, size_t n, bool swap)
{
	unsigned char t[8];
	memcpy(t, p, n);
	if (swap)
		for (size_t i = 0; i < n / 2; i++) {
			unsigned char c = t[i];
			t[i] = t[n - 1 - i];
			t[n - 1 - i] = c;
		}
	memcpy(o->b + o->n, t, n);
	o->n += n;
}

/* The version rec() writes: 7 struct blk_io_trace, 8 struct blk_io_trace2 */
static int rec_version = 7;

/* One record of @version: v8 has pid before a 64-bit action and 12 bytes of padding */
static void rec_v(struct buf *o, int version, bool swap, uint64_t time, uint64_t sector, uint32_t bytes,
		  uint64_t action, uint32_t dev, uint16_t pdu_len)
{
	uint32_t magic = 0x65617400u | (uint32_t)version, seq = 1, pid = 42, cpu = 0, action32 = (uint32_t)action;
	uint16_t error = 0;
	put(o, &magic, 4, swap);
	put(o, &seq, 4, swap);
	put(o, &time, 8, swap);
	put(o, &sector, 8, swap);
	put(o, &bytes, 4, swap);
	if (version == 8) {
		put(o, &pid, 4, swap);
		put(o, &action, 8, swap);
	} else {
		put(o, &action32, 4, swap);
		put(o, &pid, 4, swap);
	}
	put(o, &dev, 4, swap);
	put(o, &cpu, 4, swap);
	put(o, &error, 2, swap);
	put(o, &pdu_len, 2, swap);
	if (version == 8) {
		memset(o->b + o->n, 0, 12);	/* pad */
		o->n += 12;
	}
	memset(o->b + o->n, 0xab, pdu_len);
	o->n += pdu_len;
}

static void rec2(struct buf *o, bool swap, uint64_t time, uint64_t sector, uint32_t bytes, uint64_t action,
		 uint32_t dev, uint16_t pdu_len)
{
	rec_v(o, 8, swap, time, sector, bytes, action, dev, pdu_len);
}

static void rec(struct buf *o, bool swap, uint64_t time, uint64_t sector, uint32_t bytes, uint32_t action,
		uint32_t dev, uint16_t pdu_len)
{
	rec_v(o, rec_version, swap, time, sector, bytes, action, dev, pdu_len);
}

#define DEV(ma, mi) (((uint32_t)(ma) << 20) | (mi))

static void capture(struct buf *o, bool swap)
{
	o->n = 0;
	rec(o, swap, 1000, 0, 0, TC(NOTIFY) | 0, 0, 16);			/* TN_PROCESS "comm" */
	rec(o, swap, 2000, 2048, 4096, TC(WRITE | SYNC | QUEUE) | Q, DEV(259, 1), 0);
	rec(o, swap, 2100, 2048, 4096, TC(WRITE | SYNC | ISSUE) | D, DEV(259, 1), 0);
	rec(o, swap, 2500, 2048, 4096, TC(WRITE | SYNC | COMPLETE) | C, DEV(259, 1), 0);
	rec(o, swap, 3000, 100, 512, TC(READ | AHEAD | QUEUE) | Q, DEV(259, 1), 0);
	rec(o, swap, 4000, 8, 1 << 20, TC(WRITE | DISCARD | QUEUE) | Q, DEV(259, 1), 0);
	rec(o, swap, 5000, 0, 0, TC(READ | FLUSH | QUEUE) | Q, DEV(259, 1), 0);		/* FN */
	rec(o, swap, 6000, 64, 8192, TC(WRITE | FLUSH | FUA | META | QUEUE) | Q | CGROUP, DEV(8, 16), 8);
	rec(o, swap, 7000, 0, 0, TC(QUEUE) | 9, DEV(8, 16), 0);				/* plug */
	rec(o, swap, 8000, 0, 512, TC(WRITE | PC | QUEUE) | Q, DEV(8, 16), 10);		/* passthrough */
}

static void check_capture(const struct tt_run *run)
{
	assert_int_equal(run->rc, 0);
	assert_string_equal(run->format, "blktrace");
	assert_int_equal(run->n, 5);
	assert_int_equal(run->rec[0].op, TRACE_OP_WRITE);
	assert_int_equal(run->rec[0].time_ns, 2000);
	assert_int_equal(run->rec[0].offset, 2048 * 512);
	assert_int_equal(run->rec[0].len, 4096);
	assert_int_equal(run->rec[0].flags, TRACE_F_SYNC);
	assert_string_equal(run->rec[0].dev, "259,1");
	assert_int_equal(run->rec[0].where, 2);
	assert_int_equal(run->rec[1].op, TRACE_OP_READ);
	assert_int_equal(run->rec[1].flags, TRACE_F_AHEAD);
	assert_int_equal(run->rec[2].op, TRACE_OP_DISCARD);
	assert_int_equal(run->rec[2].len, 1 << 20);
	assert_int_equal(run->rec[3].op, TRACE_OP_FLUSH);
	assert_int_equal(run->rec[3].flags, TRACE_F_PREFLUSH);
	assert_int_equal(run->rec[4].op, TRACE_OP_WRITE);
	assert_int_equal(run->rec[4].flags, TRACE_F_PREFLUSH | TRACE_F_FUA | TRACE_F_META);
	assert_string_equal(run->rec[4].dev, "8,16");
}

static void both_byte_orders(void **state)
{
	(void)state;
	struct buf o;
	struct tt_run run;
	struct trace_opts q = { .action = 'Q' };
	for (int swap = 0; swap < 2; swap++) {
		capture(&o, swap);
		tt_read_opts(o.b, o.n, NULL, &q, &run);
		check_capture(&run);
	}
}

/* The cgroup bit does not hide the event; a preflush+FUA write, device 8,16 */
static void q_with_cgroup_and_flags(void **state)
{
	(void)state;
	struct buf o;
	struct tt_run run;
	o.n = 0;
	rec(&o, false, 6000, 64, 8192, TC(WRITE | FLUSH | FUA | META | QUEUE) | Q | CGROUP, DEV(8, 16), 8);
	struct trace_opts q = { .action = 'Q' };
	tt_read_opts(o.b, o.n, "blktrace", &q, &run);
	assert_int_equal(run.n, 1);
	assert_int_equal(run.rec[0].op, TRACE_OP_WRITE);
	assert_int_equal(run.rec[0].flags, TRACE_F_PREFLUSH | TRACE_F_FUA | TRACE_F_META);
	assert_int_equal(run.rec[0].offset, 64 * 512);
	assert_string_equal(run.rec[0].dev, "8,16");
}

static void d_and_c_actions(void **state)
{
	(void)state;
	struct buf o;
	struct tt_run run;
	struct trace_opts d = { .action = 'D' }, c = { .action = 'C' };
	for (rec_version = 7; rec_version <= 8; rec_version++) {
		capture(&o, rec_version == 8);
		tt_read_opts(o.b, o.n, NULL, &d, &run);
		assert_int_equal(run.n, 1);
		assert_int_equal(run.rec[0].time_ns, 2100);
		tt_read_opts(o.b, o.n, NULL, &c, &run);
		assert_int_equal(run.n, 1);
		assert_int_equal(run.rec[0].time_ns, 2500);
		assert_int_equal(run.rec[0].where, 4);
	}
	rec_version = 7;
}

/* Three CPU files merged by time, a tie to the earlier file; CPU 1 swapped (another host) */
static void per_cpu_files_merged(void **state)
{
	(void)state;
	struct buf a = { .n = 0 }, b = { .n = 0 }, c = { .n = 0 };
	rec(&a, false, 10, 0, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&a, false, 30, 1, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&a, false, 50, 2, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&b, true, 20, 3, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&b, true, 30, 4, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&c, false, 5, 0, 0, TC(NOTIFY) | 1, 0, 8);
	rec(&c, false, 40, 5, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	char *pa = tt_file(a.b, a.n), *pb = tt_file(b.b, b.n), *pc = tt_file(c.b, c.n), *pe = tt_file("", 0);
	const char *paths[] = { pa, pe, pb, pc };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 4, NULL, NULL, &err);
	assert_non_null(r);
	struct trace_rec x;
	uint64_t want_sector[] = { 0, 3, 1, 4, 5, 2 };
	for (int i = 0; i < 6; i++) {
		assert_int_equal(trace_next(r, &x, &err), 1);
		assert_int_equal(x.offset, want_sector[i] * 512);
	}
	assert_int_equal(trace_next(r, &x, &err), 0);
	trace_close(r);
	for (size_t i = 0; i < 4; i++) {
		unlink(paths[i]);
		free((void *)paths[i]);
	}
}

static void malformed_records(void **state)
{
	(void)state;
	struct buf o;
	struct tt_run run;
	struct trace_opts q = { .action = 'Q' };
	capture(&o, false);
	/* cut inside the 7th record's header */
	tt_read_opts(o.b, 48 * 6 + 16 + 20, NULL, &q, &run);
	tt_assert_error(&run, "record 7", "magic");
	/* cut inside the first record's payload */
	tt_read_opts(o.b, 48 + 4, NULL, &q, &run);
	tt_assert_error(&run, "record 1", "pdu_len");
	/* a bad magic in record 3 */
	capture(&o, false);
	o.b[48 + 16 + 48 + 3] = 0x12;
	tt_read_opts(o.b, o.n, NULL, &q, &run);
	tt_assert_error(&run, "record 3", "magic");
	/* version 8 */
	capture(&o, false);
	o.b[48 + 16] = 0x08;
	tt_read_opts(o.b, o.n, NULL, &q, &run);
	tt_assert_error(&run, "record 2", "version");
	/* --skip-bad counts a cut record at the end and keeps what came before */
	capture(&o, false);
	struct trace_opts sb = { .action = 'Q', .skip_bad = true };
	tt_read_opts(o.b, o.n - 20, NULL, &sb, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 5);
	assert_int_equal(run.skipped, 1);
}

/* v8: the same capture in struct blk_io_trace2, both byte orders (D and C: d_and_c_actions) */
static void version8_both_byte_orders(void **state)
{
	(void)state;
	struct buf o;
	struct tt_run run;
	struct trace_opts q = { .action = 'Q' };
	rec_version = 8;
	for (int swap = 0; swap < 2; swap++) {
		capture(&o, swap);
		assert_int_equal(o.n, 10 * 64 + 16 + 8 + 10);
		tt_read_opts(o.b, o.n, NULL, &q, &run);
		check_capture(&run);
		assert_int_equal(run.zops.total, 0);
	}
	rec_version = 7;
}

#define TC2(x) ((uint64_t)(x) << 16)
enum { ZA = 1 << 16, ZR = 1 << 17, ZRA = 1 << 18, ZF = 1 << 19, ZO = 1 << 20, ZC = 1 << 21,
       ZONE_PLUG = 18, ZONE_UNPLUG = 19 };

/* v8's zone operations are counted by kind, not returned; a discard category wins over them
 * (fill_rwbs() tests D first); zone plug events are no Q, D or C */
static void version8_zone_ops(void **state)
{
	(void)state;
	struct buf o = { .n = 0 };
	struct tt_run run;
	for (int swap = 0; swap < 2; swap++) {
		o.n = 0;
		rec2(&o, swap, 100, 1 << 19, 0, TC2(WRITE | ZR | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 200, 0, 0, TC2(WRITE | ZRA | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 300, 1 << 19, 65536, TC2(WRITE | ZA | FUA | QUEUE) | Q | CGROUP, DEV(259, 1), 8);
		rec2(&o, swap, 310, 1 << 19, 4096, TC2(WRITE | ZA | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 400, 2 << 19, 0, TC2(WRITE | ZF | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 500, 3 << 19, 0, TC2(WRITE | ZO | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 600, 3 << 19, 0, TC2(WRITE | ZC | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 700, 8, 4096, TC2(WRITE | QUEUE) | ZONE_PLUG, DEV(259, 1), 0);
		rec2(&o, swap, 800, 8, 4096, TC2(WRITE | QUEUE) | ZONE_UNPLUG, DEV(259, 1), 0);
		rec2(&o, swap, 900, 8, 4096, TC2(WRITE | DISCARD | ZR | QUEUE) | Q, DEV(259, 1), 0);
		rec2(&o, swap, 950, 16, 8192, TC2(WRITE | ZA | ISSUE) | D, DEV(259, 1), 0);
		rec2(&o, swap, 1000, 24, 4096, TC2(WRITE | SYNC | QUEUE) | Q, DEV(259, 1), 0);
		struct trace_opts q = { .action = 'Q' };
		tt_read_opts(o.b, o.n, NULL, &q, &run);
		assert_int_equal(run.rc, 0);
		assert_int_equal(run.n, 2);
		assert_int_equal(run.rec[0].op, TRACE_OP_DISCARD);
		assert_int_equal(run.rec[0].time_ns, 900);
		assert_int_equal(run.rec[0].where, 10);
		assert_int_equal(run.rec[1].op, TRACE_OP_WRITE);
		assert_int_equal(run.rec[1].offset, 24 * 512);
		assert_int_equal(run.rec[1].flags, TRACE_F_SYNC);
		assert_int_equal(run.rec[1].where, 12);
		assert_int_equal(run.zops.total, 7);
		assert_int_equal(run.zops.n[TRACE_ZOP_APPEND], 2);
		assert_int_equal(run.zops.bytes[TRACE_ZOP_APPEND], 65536 + 4096);
		assert_int_equal(run.zops.n[TRACE_ZOP_RESET], 1);
		assert_int_equal(run.zops.n[TRACE_ZOP_RESET_ALL], 1);
		assert_int_equal(run.zops.n[TRACE_ZOP_FINISH], 1);
		assert_int_equal(run.zops.n[TRACE_ZOP_OPEN], 1);
		assert_int_equal(run.zops.n[TRACE_ZOP_CLOSE], 1);
		assert_int_equal(run.zops.bytes[TRACE_ZOP_RESET], 0);
	}
	/* the string the commands print */
	char *p = tt_file(o.b, o.n);
	const char *paths[] = { p };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 1, NULL, NULL, &err);
	assert_non_null(r);
	struct trace_rec x;
	while (trace_next(r, &x, &err) == 1)
		;
	char s[256];
	assert_int_equal(trace_zone_ops_str(r, s, sizeof(s)), 7);
	assert_string_equal(s, "2 zone-append (69632 bytes), 1 zone-reset, 1 zone-reset-all, 1 zone-finish, "
			       "1 zone-open, 1 zone-close");
	trace_close(r);
	unlink(p);
	free(p);
}

/* --action C: a zone append's completion counts once; the kernel's BLK_TA_ZONE_APPEND (the
 * COMPLETE event without the COMPLETE category, blk_add_trace_zone_update_request()) is not a second */
static void version8_zone_append_completion(void **state)
{
	(void)state;
	struct buf o = { .n = 0 };
	struct tt_run run;
	rec2(&o, false, 100, 1 << 19, 65536, TC2(WRITE | ZA | QUEUE) | Q, DEV(8, 0), 0);
	rec2(&o, false, 900, (1 << 19) + 64, 65536, TC2(WRITE | ZA | COMPLETE | 0x100) | C, DEV(8, 0), 0);
	rec2(&o, false, 900, (1 << 19) + 64, 65536, TC2(WRITE | ZA | 0x100) | C, DEV(8, 0), 0);
	rec2(&o, false, 950, 8, 4096, TC2(WRITE | COMPLETE | 0x100) | C, DEV(8, 0), 0);
	struct trace_opts c = { .action = 'C' };
	tt_read_opts(o.b, o.n, NULL, &c, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 1);
	assert_int_equal(run.rec[0].offset, 8 * 512);
	assert_int_equal(run.zops.total, 1);
	assert_int_equal(run.zops.n[TRACE_ZOP_APPEND], 1);
	assert_int_equal(run.zops.bytes[TRACE_ZOP_APPEND], 65536);
	/* a v7 trace has no zone categories: its action's high 16 bits are all v1 categories */
	o.n = 0;
	rec(&o, false, 100, 8, 4096, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	tt_read_opts(o.b, o.n, NULL, NULL, &run);
	assert_int_equal(run.n, 1);
	assert_int_equal(run.zops.total, 0);
}

/* A file of one version; the other in it, an unknown version, a cut v8 header are errors */
static void version8_malformed(void **state)
{
	(void)state;
	struct buf o;
	struct tt_run run;
	struct trace_opts q = { .action = 'Q' };
	/* a v7 record after v8 ones, and the other way round */
	o.n = 0;
	rec2(&o, false, 100, 8, 4096, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec2(&o, false, 200, 16, 4096, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&o, false, 300, 24, 4096, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	tt_read_opts(o.b, o.n, NULL, &q, &run);
	tt_assert_error(&run, "record 3", "version");
	assert_non_null(strstr(run.msg, "version 7 after version 8"));
	assert_int_equal(run.n, 2);
	o.n = 0;
	rec(&o, true, 100, 8, 4096, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec2(&o, true, 200, 16, 4096, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	tt_read_opts(o.b, o.n, NULL, &q, &run);
	tt_assert_error(&run, "record 2", "version");
	assert_non_null(strstr(run.msg, "version 8 after version 7"));
	/* the message names the file */
	assert_non_null(strstr(run.msg, "/tmp/zwsim-trace-test-"));
	/* version 9 */
	o.n = 0;
	rec2(&o, false, 100, 8, 4096, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	o.b[0] = 0x09;
	tt_read_opts(o.b, o.n, NULL, &q, &run);
	tt_assert_error(&run, "record 1", "version");
	/* cut inside the 16 bytes v8 has past v7's 48 */
	o.n = 0;
	rec2(&o, false, 100, 8, 4096, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec2(&o, false, 200, 16, 4096, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	tt_read_opts(o.b, 64 + 56, NULL, &q, &run);
	tt_assert_error(&run, "record 2", NULL);
	assert_non_null(strstr(run.msg, "cut short"));
	/* cut in a v8 payload (a cgroup id) */
	o.n = 0;
	rec2(&o, false, 100, 8, 4096, TC2(WRITE | QUEUE) | Q | CGROUP, DEV(8, 0), 8);
	tt_read_opts(o.b, 64 + 4, NULL, &q, &run);
	tt_assert_error(&run, "record 1", "pdu_len");
}

/* The files of one capture may each be of their version: a v8 file and a v7 file merged by time */
static void version8_merged_with_version7(void **state)
{
	(void)state;
	struct buf a = { .n = 0 }, b = { .n = 0 };
	rec2(&a, false, 10, 0, 512, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec2(&a, false, 25, 0, 0, TC2(WRITE | ZR | QUEUE) | Q, DEV(8, 0), 0);
	rec2(&a, false, 30, 1, 512, TC2(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&b, true, 20, 2, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	rec(&b, true, 30, 3, 512, TC(WRITE | QUEUE) | Q, DEV(8, 0), 0);
	char *pa = tt_file(a.b, a.n), *pb = tt_file(b.b, b.n);
	const char *paths[] = { pb, pa };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 2, NULL, NULL, &err);
	assert_non_null(r);
	struct trace_rec x;
	uint64_t want_sector[] = { 0, 2, 3, 1 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(trace_next(r, &x, &err), 1);
		assert_int_equal(x.offset, want_sector[i] * 512);
	}
	assert_int_equal(trace_next(r, &x, &err), 0);
	assert_int_equal(trace_zone_ops(r)->n[TRACE_ZOP_RESET], 1);
	trace_close(r);
	unlink(pa);
	unlink(pb);
	free(pa);
	free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_byte_orders),
		cmocka_unit_test(q_with_cgroup_and_flags),
		cmocka_unit_test(d_and_c_actions),
		cmocka_unit_test(per_cpu_files_merged),
		cmocka_unit_test(malformed_records),
		cmocka_unit_test(version8_both_byte_orders),
		cmocka_unit_test(version8_zone_ops),
		cmocka_unit_test(version8_zone_append_completion),
		cmocka_unit_test(version8_malformed),
		cmocka_unit_test(version8_merged_with_version7),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
