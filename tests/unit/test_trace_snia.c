// SPDX-License-Identifier: MIT
/* The SNIA-style traces: MSR Cambridge, Alibaba, Tencent CBS, FIU, SPC; units and errors. */
#include "trace_test.h"

static void msr_filetime_and_bytes(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("128166385295514663,hm,0,Read,3401457664,4096,3385\n"
		"128166385295614663,hm,1,Write,512,65536,120\n",
		NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "msr");
	assert_int_equal(run.n, 2);
	/* FILETIME: 100 ns ticks since 1601; the reader keeps Unix time in ns */
	assert_int_equal(run.rec[0].time_ns, (int64_t)(128166385295514663ull - 116444736000000000ull) * 100);
	assert_int_equal(run.rec[1].time_ns - run.rec[0].time_ns, 100000 * 100);
	assert_int_equal(run.rec[0].op, TRACE_OP_READ);
	assert_int_equal(run.rec[0].offset, 3401457664u);
	assert_int_equal(run.rec[0].len, 4096);
	assert_string_equal(run.rec[0].dev, "hm_0");
	assert_int_equal(run.rec[1].op, TRACE_OP_WRITE);
	assert_string_equal(run.rec[1].dev, "hm_1");
	/* a header line */
	tt_read("Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n"
		"128166385295514663,hm,0,Read,0,4096,3385\n", NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_int_equal(run.n, 1);
	assert_string_equal(run.format, "msr");
}

static void msr_errors(void **state)
{
	(void)state;
	struct tt_run run;
	const char *ok = "128166385295514663,hm,0,Read,0,4096,3385\n";
	char t[256];
	static const struct { const char *line, *field; } bad[] = {
		{ "12816638529551466x,hm,0,Read,0,4096,3385", "Timestamp" },
		{ "128166385295514663,hm,x,Read,0,4096,3385", "DiskNumber" },
		{ "128166385295514663,hm,0,Trim,0,4096,3385", "Type" },
		{ "128166385295514663,hm,0,Read,-1,4096,3385", "Offset" },
		{ "128166385295514663,hm,0,Read,0,0,3385", "Size" },
		{ "128166385295514663,hm,0,Read,0,4096,", "ResponseTime" },
		{ "128166385295514663,hm,0,Read,0,4096", NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "%s%s\n", ok, bad[i].line);
		tt_read(t, "msr", &run);
		tt_assert_error(&run, ":2:", bad[i].field);
	}
}

static void alibaba_microseconds_and_bytes(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("device_id,opcode,offset,length,timestamp\n"
		"0,R,126703661056,4096,1577808000000046\n"
		"12,W,8192,16384,1577808000000626\n",
		NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "alibaba");
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[0].time_ns, 1577808000000046ll * 1000);
	assert_int_equal(run.rec[0].op, TRACE_OP_READ);
	assert_int_equal(run.rec[0].offset, 126703661056ull);
	assert_int_equal(run.rec[1].op, TRACE_OP_WRITE);
	assert_int_equal(run.rec[1].len, 16384);
	assert_string_equal(run.rec[1].dev, "12");
	static const struct { const char *line, *field; } bad[] = {
		{ "x,W,0,4096,1", "device_id" }, { "0,T,0,4096,1", "opcode" }, { "0,W,y,4096,1", "offset" },
		{ "0,W,0,0,1", "length" },	 { "0,W,0,4096,1.5", "timestamp" }, { "0,W,0,4096", NULL },
	};
	char t[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "0,W,0,4096,1\n%s\n", bad[i].line);
		tt_read(t, "alibaba", &run);
		tt_assert_error(&run, ":2:", bad[i].field);
	}
}

static void tencent_sectors_seconds_iotype(void **state)
{
	(void)state;
	struct tt_run run;
	tt_read("1538323200,4247200,128,1,1058\n1538323199,13896880,16,0,1063\n", NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "tencent");
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[0].time_ns, 1538323200ll * 1000000000);
	assert_int_equal(run.rec[0].op, TRACE_OP_WRITE);	/* IOType 1 */
	assert_int_equal(run.rec[0].offset, 4247200ull * 512);
	assert_int_equal(run.rec[0].len, 128 * 512);
	assert_string_equal(run.rec[0].dev, "1058");
	assert_int_equal(run.rec[1].op, TRACE_OP_READ);	/* IOType 0 */
	assert_true(run.rec[1].time_ns < run.rec[0].time_ns);	/* kept unsorted */
	static const struct { const char *line, *field; } bad[] = {
		{ "x,0,8,1,1", "Timestamp" }, { "1,-8,8,1,1", "Offset" }, { "1,0,0,1,1", "Size" },
		{ "1,0,8,2,1", "IOType" },    { "1,0,8,1,v", "VolumeID" }, { "1,0,8,1", NULL },
	};
	char t[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "1,0,8,1,1\n%s\n", bad[i].line);
		tt_read(t, "tencent", &run);
		tt_assert_error(&run, ":2:", bad[i].field);
	}
}

static void fiu_blocks_and_any_digest(void **state)
{
	(void)state;
	struct tt_run run;
	char homes[512];
	char d[257];
	for (int i = 0; i < 256; i++)
		d[i] = "0123456789abcdef"[i % 16];
	d[256] = 0;
	snprintf(homes, sizeof(homes),
		 "777599999908936 2552 kjournald 160806224 8 W 6 0 %s\n"
		 "89966527996712 6134 Web Content 40515192 8 R 3 16 0be2ec4b1ea64b0bc9e3d2b7d0e1bfc6\n",
		 d);
	tt_read(homes, NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "fiu");
	assert_int_equal(run.n, 2);
	assert_int_equal(run.rec[0].time_ns, 777599999908936ll);
	assert_int_equal(run.rec[0].offset, 160806224ull * 512);
	assert_int_equal(run.rec[0].len, 8 * 512);
	assert_int_equal(run.rec[0].op, TRACE_OP_WRITE);
	assert_string_equal(run.rec[0].dev, "6,0");
	/* a process name with a blank */
	assert_int_equal(run.rec[1].op, TRACE_OP_READ);
	assert_string_equal(run.rec[1].dev, "3,16");
	static const struct { const char *line, *field; } bad[] = {
		{ "x 1 p 0 8 W 6 0 ab", "ts" },	   { "1 x p 0 8 W 6 0 ab", "pid" },  { "1 1 p z 8 W 6 0 ab", "lba" },
		{ "1 1 p 0 0 W 6 0 ab", "size" },  { "1 1 p 0 8 X 6 0 ab", "rw" },   { "1 1 p 0 8 W m 0 ab", "major" },
		{ "1 1 p 0 8 W 6 n ab", "minor" }, { "1 1 p 0 8 W 6 0 xyz", "digest" }, { "1 1 p 0 8 W", NULL },
	};
	char t[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(t, sizeof(t), "1 1 p 0 8 W 6 0 ab\n%s\n", bad[i].line);
		tt_read(t, "fiu", &run);
		tt_assert_error(&run, ":2:", bad[i].field);
	}
}

static void spc_block_size_and_seconds(void **state)
{
	(void)state;
	struct tt_run run;
	static const char t[] = "0,303567,3584,w,0.000000\n1,12,512,R,1.25,extra,fields\n2,7,4096,W,3.000000001\n";
	tt_read(t, NULL, &run);
	assert_int_equal(run.rc, 0);
	assert_string_equal(run.format, "spc");
	assert_int_equal(run.n, 3);
	assert_int_equal(run.rec[0].op, TRACE_OP_WRITE);
	assert_int_equal(run.rec[0].offset, 303567ull * 512);
	assert_int_equal(run.rec[0].len, 3584);
	assert_string_equal(run.rec[0].dev, "0");
	assert_int_equal(run.rec[1].op, TRACE_OP_READ);
	assert_int_equal(run.rec[1].time_ns, 1250000000);
	assert_int_equal(run.rec[2].time_ns, 3000000001);
	struct trace_opts o = { .action = 'Q', .block_size = 4096 };
	tt_read_opts(t, strlen(t), NULL, &o, &run);
	assert_int_equal(run.rec[0].offset, 303567ull * 4096);
	assert_int_equal(run.rec[2].offset, 7 * 4096);
	static const struct { const char *line, *field; } bad[] = {
		{ "a,1,512,w,0", "ASU" },	{ "0,b,512,w,0", "LBA" },	  { "0,1,0,w,0", "Size" },
		{ "0,1,512,x,0", "Opcode" },	{ "0,1,512,w,1e3", "Timestamp" }, { "0,1,512,w", NULL },
		{ "0,36028797018963968,512,w,0", "LBA" },
	};
	char b[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(b, sizeof(b), "0,1,512,w,0\n%s\n", bad[i].line);
		tt_read(b, "spc", &run);
		tt_assert_error(&run, ":2:", bad[i].field);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msr_filetime_and_bytes),
		cmocka_unit_test(msr_errors),
		cmocka_unit_test(alibaba_microseconds_and_bytes),
		cmocka_unit_test(tencent_sectors_seconds_iotype),
		cmocka_unit_test(fiu_blocks_and_any_digest),
		cmocka_unit_test(spc_block_size_and_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
