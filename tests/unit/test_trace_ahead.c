// SPDX-License-Identifier: MIT
/*
 * The trace read ahead on a thread (tools/trace/trace_ahead.c): the same
 * records in the same order as trace_next() alone, across many batches;
 * a reader's error after the records before it, with the same message;
 * --skip-bad's count final after the stop; an early stop ends the thread.
 */
#include "trace_test.h"
#include "trace_ahead.h"

/* a fio iolog v2 of @n writes, the line of write @bad (0: none) malformed */
static char *iolog(unsigned int n, unsigned int bad, size_t *len)
{
	size_t cap = (size_t)n * 40 + 64, o = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	o += (size_t)snprintf(s + o, cap - o, "fio version 2 iolog\nd add\nd open\n");
	for (unsigned int i = 1; i <= n; i++)
		o += (size_t)snprintf(s + o, cap - o, i == bad ? "d write 4096x 4096\n" : "d write %u %u\n",
				      i * 4096, 512 * (i % 8 + 1));
	*len = o;
	return s;
}

struct seq {
	struct trace_rec *rec;
	size_t n;
	int rc;
	char msg[256];
	uint64_t skipped;
};

/* every record of @path, with the read ahead or without; @stop_after: stop early */
static void read_all(const char *path, bool ahead, bool skip_bad, size_t stop_after, struct seq *q)
{
	struct trace_opts o = { .action = 'Q', .skip_bad = skip_bad };
	const char *paths[] = { path };
	struct trace_err err;
	struct trace_reader *r = trace_open(paths, 1, NULL, &o, &err);
	struct trace_ahead *a;
	struct trace_rec rec;
	size_t cap = 1024;

	assert_non_null(r);
	memset(q, 0, sizeof(*q));
	q->rec = malloc(cap * sizeof(*q->rec));
	a = ahead ? trace_ahead_start(r) : NULL;
	assert_true(!ahead || a);
	while ((q->rc = a ? trace_ahead_next(a, &rec, &err) : trace_next(r, &rec, &err)) == 1) {
		if (q->n == cap)
			q->rec = realloc(q->rec, (cap *= 2) * sizeof(*q->rec));
		q->rec[q->n++] = rec;
		if (stop_after && q->n == stop_after)
			break;
	}
	trace_ahead_stop(a);
	snprintf(q->msg, sizeof(q->msg), "%s", q->rc < 0 ? err.msg : "");
	q->skipped = trace_skipped(r);
	trace_close(r);
}

static void assert_same(const struct seq *x, const struct seq *y)
{
	assert_int_equal(x->n, y->n);
	assert_int_equal(x->rc, y->rc);
	assert_string_equal(x->msg, y->msg);
	assert_int_equal(x->skipped, y->skipped);
	for (size_t i = 0; i < x->n; i++)
		assert_memory_equal(&x->rec[i], &y->rec[i], sizeof(x->rec[i]));
}

static void run_case(unsigned int n, unsigned int bad, bool skip_bad, size_t stop_after, struct seq *ahead)
{
	size_t len;
	char *text = iolog(n, bad, &len), *p = tt_file(text, len);
	struct seq plain;

	read_all(p, false, skip_bad, stop_after, &plain);
	read_all(p, true, skip_bad, stop_after, ahead);
	assert_same(&plain, ahead);
	free(plain.rec);
	unlink(p);
	free(p);
	free(text);
}

/* 5,000 records: ten batches, the last one part full */
static void the_same_records_in_the_same_order(void **state)
{
	(void)state;
	struct seq q;

	run_case(5000, 0, false, 0, &q);
	assert_int_equal(q.n, 5000);
	assert_int_equal(q.rc, 0);
	assert_int_equal(q.rec[4999].offset, 5000u * 4096);
	assert_int_equal(q.rec[4999].where, 5003);
	free(q.rec);
}

/* a malformed line deep in the trace: the records before it, then its error */
static void an_error_comes_after_the_records_before_it(void **state)
{
	(void)state;
	struct seq q;

	run_case(5000, 3333, false, 0, &q);
	assert_int_equal(q.n, 3332);
	assert_int_equal(q.rc, -1);
	assert_non_null(strstr(q.msg, ":3336:"));
	free(q.rec);
}

/* --skip-bad: counted by the reader, and the count is final after the stop */
static void skipped_records_are_counted(void **state)
{
	(void)state;
	struct seq q;

	run_case(5000, 1234, true, 0, &q);
	assert_int_equal(q.n, 4999);
	assert_int_equal(q.rc, 0);
	assert_int_equal(q.skipped, 1);
	free(q.rec);
}

/* the replay stops early (a failed record): the thread ends, nothing leaks or hangs */
static void an_early_stop_ends_the_thread(void **state)
{
	(void)state;
	struct seq q;

	for (size_t stop = 1; stop <= 4097; stop += 1024) {
		run_case(200000, 0, false, stop, &q);
		assert_int_equal(q.n, stop);
		free(q.rec);
	}
}

/* an empty trace: the end at once */
static void an_empty_trace_ends_at_once(void **state)
{
	(void)state;
	struct seq q;

	run_case(0, 0, false, 0, &q);
	assert_int_equal(q.n, 0);
	assert_int_equal(q.rc, 0);
	free(q.rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_same_records_in_the_same_order),
		cmocka_unit_test(an_error_comes_after_the_records_before_it),
		cmocka_unit_test(skipped_records_are_counted),
		cmocka_unit_test(an_early_stop_ends_the_thread),
		cmocka_unit_test(an_empty_trace_ends_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
