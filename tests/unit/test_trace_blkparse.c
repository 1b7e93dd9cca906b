// SPDX-License-Identifier: MIT
/* blkparse text: hand-made lines with known answers (tools/trace/fmt_blkparse.c). */
#include "trace_test.h"

static const char capture[] =
	"#Maj,Mn CPU SeqNo Seconds PID Act RWBS\n"
	"  8,16   1        1     0.000000000  4711  Q  WS 2048 + 8 [fio]\n"
	"  8,16   1        2     0.000001000  4711  G  WS 2048 + 8 [fio]\n"
	"  8,16   1        3     0.000002000  4711  D  WS 2048 + 8 [fio]\n"
	"  8,16   0        1     0.000010000     0  C  WS 2048 + 8 [0]\n"
	"  8,16   1        4     0.000020000  4711  Q   R 100 + 16 [fio]\n"
	"  8,16   1        5     0.000030000  4711  Q   D 4096 + 2048 [fio]\n"
	"  8,16   1        6     0.000040000   812  Q FWFS [jbd2/sda1-8]\n"
	"  8,16   1        7     0.000050000   812  Q WFSM 8 + 8 [jbd2/sda1-8]\n"
	"  8,16   1        8     0.000060000   812  Q FWS 16 + 8 [kworker]\n"
	"  8,16   1        9     0.000070000   812  Q  RA 64 + 8 [cat]\n"
	"  8,16   1       10     0.000080000   812  P   N [cat]\n"
	"  8,16   1       11     1.000000000   812  Q   N [zone-open]\n"
	"259,0    3       12     2.500000001  999  Q  FN [sync]\n"
	"  8,16   1       13     3.000000000  999  D   N 0 (00 ..) [kworker/u65:0]\n"
	"  8,16   1       14     3.000000001  999  Q   W 0 (2a 00) [sg_dd]\n"
	"CPU0 (8,16):\n"
	" Reads Queued:           1,        8KiB\t Writes Queued:           4,       16KiB\n"
	"Total (8,16):\n"
	"Events (8,16): 15 entries\n"
	"Skips: 0 forward (0 -   0.0%)\n"
	"Input file sdb.blktrace.0 added\n";

static void q_events_decoded(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read(capture, NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "blkparse");
	assert_int_equal(run.n, 8);
	/* WS 2048 + 8: sectors and the count both 512 bytes */
	assert_int_equal(run.rec[0].op, TRACE_OP_WRITE);
	assert_int_equal(run.rec[0].offset, 2048 * 512);
	assert_int_equal(run.rec[0].len, 8 * 512);
	assert_int_equal(run.rec[0].flags, TRACE_F_SYNC);
	assert_string_equal(run.rec[0].dev, "8,16");
	assert_int_equal(run.rec[0].where, 2);
	assert_int_equal(run.rec[1].op, TRACE_OP_READ);
	assert_int_equal(run.rec[1].time_ns, 20000);
	assert_int_equal(run.rec[1].len, 16 * 512);
	assert_int_equal(run.rec[2].op, TRACE_OP_DISCARD);
	assert_int_equal(run.rec[2].len, 2048 * 512);
	/* FWFS without a sector: an empty preflush+FUA write, i.e. a flush */
	assert_int_equal(run.rec[3].op, TRACE_OP_FLUSH);
	assert_int_equal(run.rec[3].flags, TRACE_F_PREFLUSH | TRACE_F_FUA | TRACE_F_SYNC);
	assert_int_equal(run.rec[3].len, 0);
	/* WFSM: FUA, sync, meta */
	assert_int_equal(run.rec[4].op, TRACE_OP_WRITE);
	assert_int_equal(run.rec[4].flags, TRACE_F_FUA | TRACE_F_SYNC | TRACE_F_META);
	/* FWS: a write with a preflush */
	assert_int_equal(run.rec[5].flags, TRACE_F_PREFLUSH | TRACE_F_SYNC);
	assert_int_equal(run.rec[5].offset, 16 * 512);
	assert_int_equal(run.rec[6].op, TRACE_OP_READ);
	assert_int_equal(run.rec[6].flags, TRACE_F_AHEAD);
	/* Q N without a flush (line 12) is no request; FN is a flush */
	assert_int_equal(run.rec[7].op, TRACE_OP_FLUSH);
	assert_string_equal(run.rec[7].dev, "259,0");
	assert_int_equal(run.rec[7].where, 14);
}

static void flush_and_times(void **state)
{
	(void)state;
	struct tt_run run;
	static const char t[] = "259,0 3 12 2.500000001 999 Q FN [sync]\n"
				"259,0 3 13 2147483647.000000000 999 Q W 8 + 8 [x]\n"
				"259,0 3 14 2147483648.000000000 999 Q W 8 + 8 [x]\n";
	tt_read(t, NULL, &run);
	/* blkparse prints seconds through a 32-bit %d: a larger number is no blkparse time */
	tt_assert_error(&run, ":3:", "time");
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[0].op, TRACE_OP_FLUSH);
	assert_int_equal(run.rec[0].time_ns, 2500000001);
	assert_string_equal(run.rec[0].dev, "259,0");
	assert_int_equal(run.rec[1].time_ns, 2147483647ll * 1000000000);
}

/* 39,474,224 ns before genesis: 2^64 - 39474224 ns printed through %d seconds */
static void negative_relative_time(void **state)
{
	(void)state;
	struct tt_run run;
	static const char t[] = "1,0 13 1 1266874889.670077392 5 C WS 80896 + 1 [0]\n"
				"1,0 13 2 0.000010223 5 C WS 10408 + 1 [0]\n";
	struct trace_opts o = { .action = 'C' };
	tt_read_opts(t, strlen(t), NULL, &o, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[0].time_ns, -39474224);
	assert_int_equal(run.rec[0].len, 512);
	assert_int_equal(run.rec[1].time_ns, 10223);
}

static void action_d_and_c(void **state)
{
	(void)state;
	struct tt_run run;
	struct trace_opts o = { .action = 'D' };
	tt_read_opts(capture, strlen(capture), NULL, &o, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 1);	/* the passthrough D N 0 (00 ..) is not a request */
	assert_int_equal(run.rec[0].time_ns, 2000);
	o.action = 'C';
	tt_read_opts(capture, strlen(capture), NULL, &o, &run);
	assert_int_equal(run.n, 1);
	assert_int_equal(run.rec[0].time_ns, 10000);
	assert_int_equal(run.rec[0].len, 4096);
}

static void completion_without_length(void **state)
{
	(void)state;
	struct tt_run run;
	static const char c[] = "259,0 1 1 0.100000000 1 C WFS 575480360 [0]\n"
				"259,0 1 2 0.200000000 1 C FN 0 [0]\n";
	struct trace_opts o = { .action = 'C' };
	tt_read_opts(c, strlen(c), NULL, &o, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[0].op, TRACE_OP_FLUSH);
	assert_int_equal(run.rec[1].op, TRACE_OP_FLUSH);
}

static void malformed_lines(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("8,0 1 1 0.000000000 1 Q W 8 + 8 [a]\n8,0 1 x 0.000000001 1 Q W 8 + 8 [a]\n", "blkparse", &run);
	tt_assert_error(&run, ":2:", "sequence");
	tt_read("8,0 1 1 0.000000000 1 Q W 8 + 8 [a]\n8,0 1 2 0.5 1 Q W 8 + 8 [a]\n", "blkparse", &run);
	tt_assert_error(&run, ":2:", "time");
	tt_read("8,0 1 1 0.000000000 1 Q WX 8 + 8 [a]\n", "blkparse", &run);
	tt_assert_error(&run, ":1:", "rwbs");
	tt_read("8,0 1 1 0.000000000 1 Q W 8z + 8 [a]\n", "blkparse", &run);
	tt_assert_error(&run, ":1:", "sector");
	tt_read("8,0 1 1 0.000000000 1 Q W 8 + x [a]\n", "blkparse", &run);
	tt_assert_error(&run, ":1:", "sectors");
	tt_read("8,0 1 1 0.000000000 1 Q\n", "blkparse", &run);
	tt_assert_error(&run, ":1:", NULL);
	tt_read("8,0 1 1 0.000000000 1 Q W 36028797018963968 + 8 [a]\n", "blkparse", &run);
	tt_assert_error(&run, ":1:", "sector");
}

static void skip_bad_counts(void **state)
{
	(void)state;
	struct tt_run run;
	static const char t[] = "8,0 1 1 0.000000000 1 Q W 8 + 8 [a]\n"
				"8,0 1 2 zero 1 Q W 8 + 8 [a]\n"
				"8,0 1 3 0.000000002 1 Q W 16 + 8 [a]\n";
	struct trace_opts o = { .action = 'Q', .skip_bad = true };
	tt_read_opts(t, strlen(t), NULL, &o, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 2);
	assert_int_equal(run.skipped, 1);
	assert_int_equal(run.rec[1].where, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(q_events_decoded),
		cmocka_unit_test(flush_and_times),
		cmocka_unit_test(negative_relative_time),
		cmocka_unit_test(action_d_and_c),
		cmocka_unit_test(completion_without_length),
		cmocka_unit_test(malformed_lines),
		cmocka_unit_test(skip_bad_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
