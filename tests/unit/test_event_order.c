// SPDX-License-Identifier: MIT
/*
 * The event queue's order: events run by (time, scheduling order), however
 * they are split between the ring of events scheduled in time order and
 * the heap behind it (sim/event.h); the clock follows; sim_next_time()
 * tells the next event's time.  Events schedule more events with delays of
 * 0, 1 and at random, under each completion policy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "event.h"

#define MAX_EVENTS 20000

struct order_test {
	struct sim_loop loop;
	struct ev {
		struct order_test *t;
		uint64_t time;		/* when it is due */
		unsigned int id;	/* scheduling order */
	} evs[MAX_EVENTS];
	unsigned int nr_scheduled;
	unsigned int ran[MAX_EVENTS];	/* ids, in the order they ran */
	unsigned int nr_ran;
	uint64_t rng;
};

static uint64_t next_rand(struct order_test *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static void run_event(void *arg);

static void schedule_one(struct order_test *t, bool completion)
{
	struct ev *e;
	uint64_t delay = 0, before = t->loop.seq;

	if (t->nr_scheduled == MAX_EVENTS)
		return;
	e = &t->evs[t->nr_scheduled];
	e->t = t;
	e->id = t->nr_scheduled++;
	if (completion) {
		assert_int_equal(sim_schedule_completion(&t->loop, 4096 * (next_rand(t) % 8 + 1), run_event, e), 0);
	} else {
		switch (next_rand(t) % 4) {
		case 0: delay = 0; break;
		case 1: delay = 1; break;
		default: delay = next_rand(t) % 1000; break;
		}
		assert_int_equal(sim_schedule(&t->loop, delay, run_event, e), 0);
	}
	assert_int_equal(t->loop.seq, before + 1);
	/* the due time is the queue's business; found when the event runs */
	e->time = UINT64_MAX;
}

static void run_event(void *arg)
{
	struct ev *e = arg;
	struct order_test *t = e->t;
	unsigned int children = (unsigned int)(next_rand(t) % 4);	/* 1.5 on average: it grows to MAX_EVENTS */

	e->time = t->loop.now;
	t->ran[t->nr_ran++] = e->id;
	for (unsigned int i = 0; i < children; i++)
		schedule_one(t, next_rand(t) % 2);
}

static void check_policy(enum sim_completion_policy policy)
{
	struct order_test *t = calloc(1, sizeof(*t));
	uint64_t next, prev_time = 0;

	assert_non_null(t);
	sim_loop_init(&t->loop, policy, 42);
	t->rng = 0x2545f4914f6cdd1dull;
	assert_false(sim_next_time(&t->loop, &next));
	for (unsigned int i = 0; i < 64; i++)
		schedule_one(t, i % 2);
	assert_int_equal(t->loop.nr, 64);
	while (sim_next_time(&t->loop, &next)) {
		unsigned int before = t->nr_ran;

		assert_true(next >= prev_time);
		assert_true(sim_run_one(&t->loop));
		assert_int_equal(t->nr_ran, before + 1);
		/* the event ran at the time sim_next_time() said, and the clock is there */
		assert_int_equal(t->evs[t->ran[before]].time, next);
		assert_int_equal(t->loop.now, next);
		prev_time = t->loop.now;
	}
	assert_false(sim_run_one(&t->loop));
	assert_int_equal(t->loop.nr, 0);
	assert_int_equal(t->nr_ran, t->nr_scheduled);
	assert_int_equal(t->nr_scheduled, MAX_EVENTS);
	/* (time, scheduling order) never goes back */
	for (unsigned int i = 1; i < t->nr_ran; i++) {
		const struct ev *a = &t->evs[t->ran[i - 1]], *b = &t->evs[t->ran[i]];

		assert_true(a->time < b->time || (a->time == b->time && a->id < b->id));
	}
	sim_loop_free(&t->loop);
	free(t);
}

static void fifo_runs_in_time_then_scheduling_order(void **state)
{
	(void)state;
	check_policy(SIM_COMPLETE_FIFO);
}

static void latency_runs_in_time_then_scheduling_order(void **state)
{
	(void)state;
	check_policy(SIM_COMPLETE_LATENCY);
}

static void shuffle_runs_in_time_then_scheduling_order(void **state)
{
	(void)state;
	check_policy(SIM_COMPLETE_SHUFFLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_runs_in_time_then_scheduling_order),
		cmocka_unit_test(latency_runs_in_time_then_scheduling_order),
		cmocka_unit_test(shuffle_runs_in_time_then_scheduling_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
