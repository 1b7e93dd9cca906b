// SPDX-License-Identifier: MIT
/* --format fs: zwsim fs script lines, optionally led by seconds (fmt_fs.c). */
#include "trace_test.h"

static void timestamps_and_lines(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("# a comment\n"
		"0 open a\n"
		"0.5 write a 0 1M\n"
		"\n"
		"   dwrite b 4096 64k   \n"
		"2.000000001 sync\n"
		"hint a long\n",
		NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "fs");
	assert_int_equal(run.n, 5);
	assert_int_equal(run.rec[0].op, TRACE_OP_FS);
	assert_string_equal(run.fs[0], "open a");
	assert_int_equal(run.rec[0].time_ns, 0);
	assert_string_equal(run.rec[0].dev, "a");
	assert_string_equal(run.fs[1], "write a 0 1M");
	assert_int_equal(run.rec[1].time_ns, 500000000);
	/* no timestamp: the time of the line before */
	assert_string_equal(run.fs[2], "dwrite b 4096 64k");
	assert_int_equal(run.rec[2].time_ns, 500000000);
	assert_string_equal(run.rec[2].dev, "b");
	assert_int_equal(run.rec[2].where, 5);
	assert_string_equal(run.fs[3], "sync");
	assert_string_equal(run.rec[3].dev, "");
	assert_int_equal(run.rec[3].time_ns, 2000000001);
	assert_string_equal(run.fs[4], "hint a long");
}

static void errors(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("open a\n1.5s write a 0 1\n", "fs", &run);
	tt_assert_error(&run, ":2:", "time");
	tt_read("open a\n1 scribble a\n", "fs", &run);
	tt_assert_error(&run, ":2:", "command");
	tt_read("open a\n1.\n", "fs", &run);
	tt_assert_error(&run, ":2:", "time");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timestamps_and_lines),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
