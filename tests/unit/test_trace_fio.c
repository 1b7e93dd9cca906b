// SPDX-License-Identifier: MIT
/* fio iolog v2 and v3: hand-made logs with known answers (tools/trace/fmt_fio_iolog.c). */
#include "trace_test.h"

static void v3_timestamps_are_microseconds(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("fio version 3 iolog\n"
		"0 /dev/nullb0 add\n"
		"5 /dev/nullb0 open\n"
		"30 /dev/nullb0 write 0 4096\n"
		"57 /dev/nullb0 read 8192 512\n"
		"60 /dev/nullb0 trim 4096 2147483648\n"
		"61 /dev/nullb0 sync 0 0\n"
		"62 /dev/nullb0 datasync 0 0\n"
		"90 /dev/nullb0 close\n",
		NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "fio-iolog");
	assert_int_equal(run.n, 5);
	assert_int_equal(run.rec[0].op, TRACE_OP_WRITE);
	assert_int_equal(run.rec[0].time_ns, 30000);
	assert_int_equal(run.rec[0].len, 4096);
	assert_string_equal(run.rec[0].dev, "/dev/nullb0");
	assert_int_equal(run.rec[0].where, 4);
	assert_int_equal(run.rec[1].op, TRACE_OP_READ);
	assert_int_equal(run.rec[1].offset, 8192);
	assert_int_equal(run.rec[2].op, TRACE_OP_DISCARD);
	assert_int_equal(run.rec[2].len, 2147483648u);
	assert_int_equal(run.rec[3].op, TRACE_OP_FLUSH);
	assert_int_equal(run.rec[4].op, TRACE_OP_FLUSH);
	assert_int_equal(run.rec[4].time_ns, 62000);
}

/* wait N: as fio's read_iolog_get() does, N ms from the start of the job, never back */
static void v2_wait_is_ms_since_start(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("fio version 2 iolog\n"
		"f add\nf open\n"
		"f write 0 4096\n"
		"f wait 20 0\n"
		"f write 4096 4096\n"
		"f wait 5 0\n"
		"f write 8192 4096\n"
		"f wait 30 0\n"
		"f write 12288 4096\n"
		"f close\n",
		NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 4);
	assert_int_equal(run.rec[0].time_ns, 0);
	assert_int_equal(run.rec[1].time_ns, 20000000);
	assert_int_equal(run.rec[2].time_ns, 20000000);
	assert_int_equal(run.rec[3].time_ns, 30000000);
	assert_string_equal(run.rec[3].dev, "f");
}

static void malformed_logs(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("fio version 1 iolog\nf write 0 1\n", "fio-iolog", &run);
	assert_int_equal(run.rc, -2);
	assert_non_null(strstr(run.msg, "version"));
	assert_non_null(strstr(run.msg, ":1:"));
	tt_read("fio version 3 iolog\n1 f write 0 4096\nx f write 0 4096\n", NULL, &run);
	tt_assert_error(&run, ":3:", "timestamp");
	tt_read("fio version 3 iolog\n1 f write -4 4096\n", NULL, &run);
	tt_assert_error(&run, ":2:", "offset");
	tt_read("fio version 3 iolog\n1 f write 0 4k\n", NULL, &run);
	tt_assert_error(&run, ":2:", "length");
	tt_read("fio version 3 iolog\n1 f scribble 0 4096\n", NULL, &run);
	tt_assert_error(&run, ":2:", "action");
	tt_read("fio version 3 iolog\n1 f wait 10 0\n", NULL, &run);
	tt_assert_error(&run, ":2:", "action");
	tt_read("fio version 2 iolog\nf reopen\n", NULL, &run);
	tt_assert_error(&run, ":2:", "action");
	tt_read("fio version 2 iolog\nf write 0\n", NULL, &run);
	tt_assert_error(&run, ":2:", NULL);
	tt_read("fio version 2 iolog\nf write 0 0\n", NULL, &run);
	tt_assert_error(&run, ":2:", "length");
	tt_read("fio version 2 iolog\nf write 18446744073709551615 2\n", NULL, &run);
	tt_assert_error(&run, ":2:", "length");
}

/* a file name longer than rec->dev: its head, '~' and a hash; distinct names stay distinct */
static void long_file_names(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("fio version 3 iolog\n"
		"1 /dev/disk/by-id/nvme-WDC_ZN540_SERIAL_000000000001-part1 write 0 4096\n"
		"2 /dev/disk/by-id/nvme-WDC_ZN540_SERIAL_000000000002-part1 write 0 4096\n"
		"3 /dev/disk/by-id/nvme-WDC_ZN540_SERIAL_000000000001-part1 write 4096 4096\n",
		NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 3);
	assert_int_equal(strlen(run.rec[0].dev), 47);
	assert_memory_equal(run.rec[0].dev, "/dev/disk/by-id/nvme-WDC_ZN540_SERIAL_~", 39);
	assert_string_not_equal(run.rec[0].dev, run.rec[1].dev);
	assert_string_equal(run.rec[0].dev, run.rec[2].dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v3_timestamps_are_microseconds),
		cmocka_unit_test(v2_wait_is_ms_since_start),
		cmocka_unit_test(malformed_logs),
		cmocka_unit_test(long_file_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
