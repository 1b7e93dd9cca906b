// SPDX-License-Identifier: MIT
/*
 * The event loop's external-completion hook (struct sim_loop ext_poll) with
 * a fake asynchronous device: completions reaped when the queue is empty
 * become events at the current virtual time, in completion order, between
 * the loop's own events; a device without an async path completes at
 * once (zw_dev_submit_async()); a loop without the hook is as before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "event.h"

/* A fake device: up to FAKE_QD in flight, reap completes them newest first. */
#define FAKE_QD 4

struct fake_dev {
	struct zw_dev dev;
	struct { struct zw_io *io; zw_io_done_fn done; void *arg; } q[FAKE_QD];
	unsigned int nr;
	unsigned int max_inflight, polls, waits;
};

static int fake_reap(struct zw_dev *dev, bool wait)
{
	struct fake_dev *f = (struct fake_dev *)dev;
	int n = 0;

	f->polls++;
	f->waits += wait;
	while (f->nr) {
		f->nr--;
		zone_result_ok(&f->q[f->nr].io->res);
		f->q[f->nr].done(f->q[f->nr].io, f->q[f->nr].arg);
		n++;
	}
	return n;
}

static int fake_submit_async(struct zw_dev *dev, struct zw_io *io, zw_io_done_fn done, void *arg)
{
	struct fake_dev *f = (struct fake_dev *)dev;

	if (f->nr == FAKE_QD)
		fake_reap(dev, true);
	f->q[f->nr].io = io;
	f->q[f->nr].done = done;
	f->q[f->nr].arg = arg;
	f->nr++;
	if (f->nr > f->max_inflight)
		f->max_inflight = f->nr;
	return 0;
}

static void fake_submit(struct zw_dev *dev, struct zw_io *io)
{
	(void)dev;
	zone_result_ok(&io->res);
	io->res.sector = io->sector;
}

static const struct zw_dev_ops fake_async_ops = {
	.kind = "fake",
	.submit = fake_submit,
	.submit_async = fake_submit_async,
	.reap = fake_reap,
};

static const struct zw_dev_ops fake_sync_ops = {
	.kind = "fake",
	.submit = fake_submit,
};

/* What ran, in order: "c<n>@<time>" for completions, "e<n>@<time>" for plain events. */
struct trace {
	struct sim_loop *loop;
	char log[512];
};

struct cookie {
	struct trace *t;
	unsigned int n;
	struct zw_io io;
};

static void note(struct trace *t, char kind, unsigned int n)
{
	size_t len = strlen(t->log);

	snprintf(t->log + len, sizeof(t->log) - len, "%s%c%u@%llu", len ? " " : "", kind, n,
		 (unsigned long long)t->loop->now);
}

static void completion_event(void *arg)
{
	struct cookie *c = arg;

	note(c->t, 'c', c->n);
}

static void plain_event(void *arg)
{
	struct cookie *c = arg;

	note(c->t, 'e', c->n);
}

/* The done callback: the completion becomes an event now. */
static void io_done(struct zw_io *io, void *arg)
{
	struct cookie *c = arg;

	(void)io;
	assert_int_equal(sim_schedule(c->t->loop, 0, completion_event, c), 0);
}

static void completions_become_events(void **state)
{
	struct fake_dev f = { .dev = { .ops = &fake_async_ops, .qd = FAKE_QD } };
	struct sim_loop loop;
	struct trace t = { .loop = &loop };
	struct cookie c[3] = { { &t, 0 }, { &t, 1 }, { &t, 2 } };
	struct cookie e = { &t, 9 };

	(void)state;
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	loop.ext_poll = zw_dev_loop_poll;
	loop.ext_arg = &f.dev;
	assert_int_equal(sim_schedule(&loop, 500, plain_event, &e), 0);
	for (unsigned int i = 0; i < 3; i++) {
		c[i].io.op = REQ_OP_WRITE;
		assert_int_equal(zw_dev_submit_async(&f.dev, &c[i].io, io_done, &c[i]), 0);
	}
	/* the loop's own event first (the queue is not empty), then the completions at its time */
	sim_run(&loop);
	assert_string_equal(t.log, "e9@500 c2@500 c1@500 c0@500");
	assert_int_equal(f.nr, 0);
	/* one wait reaped all three; the last poll found nothing in flight and ended the run */
	assert_int_equal(f.polls, 2);
	assert_int_equal(f.waits, 2);
	assert_false(sim_run_one(&loop));
	sim_loop_free(&loop);
}

/* Each completion submits the next I/O: the loop keeps polling until nothing is in flight. */
struct chain {
	struct trace *t;
	struct zw_dev *dev;
	struct zw_io io;
	unsigned int left, done;
};

static void chain_event(void *arg);

static void chain_done(struct zw_io *io, void *arg)
{
	struct chain *ch = arg;

	(void)io;
	assert_int_equal(sim_schedule(ch->t->loop, 0, chain_event, ch), 0);
}

static void chain_event(void *arg)
{
	struct chain *ch = arg;

	ch->done++;
	if (ch->left) {
		ch->left--;
		assert_int_equal(zw_dev_submit_async(ch->dev, &ch->io, chain_done, ch), 0);
	}
}

static void chained_io_runs_to_the_end(void **state)
{
	struct fake_dev f = { .dev = { .ops = &fake_async_ops, .qd = FAKE_QD } };
	struct sim_loop loop;
	struct trace t = { .loop = &loop };
	struct chain ch[6];

	(void)state;
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	loop.ext_poll = zw_dev_loop_poll;
	loop.ext_arg = &f.dev;
	for (unsigned int i = 0; i < 6; i++) {
		ch[i] = (struct chain){ .t = &t, .dev = &f.dev, .left = 10 };
		ch[i].io.op = REQ_OP_READ;
		/* more chains than the fake's depth: a full queue waits inside submit */
		assert_int_equal(zw_dev_submit_async(&f.dev, &ch[i].io, chain_done, &ch[i]), 0);
	}
	sim_run(&loop);
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(ch[i].done, 11);
	assert_true(f.max_inflight <= FAKE_QD);
	assert_int_equal(loop.now, 0);	/* completions take no virtual time */
	sim_loop_free(&loop);
}

/* A device without an async path: done runs before zw_dev_submit_async() returns. */
static void sync_device_completes_at_once(void **state)
{
	struct zw_dev dev = { .ops = &fake_sync_ops };
	struct sim_loop loop;
	struct trace t = { .loop = &loop };
	struct cookie c = { &t, 7 };

	(void)state;
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	loop.ext_poll = zw_dev_loop_poll;
	loop.ext_arg = &dev;
	c.io.op = REQ_OP_WRITE;
	c.io.sector = 64;
	assert_int_equal(zw_dev_submit_async(&dev, &c.io, io_done, &c), 0);
	assert_int_equal(loop.nr, 1);
	assert_int_equal(c.io.res.sector, 64);
	assert_int_equal(zw_dev_reap(&dev, true), 0);
	sim_run(&loop);
	assert_string_equal(t.log, "c7@0");
	sim_loop_free(&loop);
}

/* Without the hook, an empty queue ends the run as it always did. */
static void no_hook_no_change(void **state)
{
	struct sim_loop loop;
	struct trace t = { .loop = &loop };
	struct cookie e = { &t, 1 };

	(void)state;
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	assert_null(loop.ext_poll);
	assert_false(sim_run_one(&loop));
	assert_int_equal(sim_schedule_completion(&loop, 4096, plain_event, &e), 0);
	assert_true(sim_run_one(&loop));
	assert_false(sim_run_one(&loop));
	assert_string_equal(t.log, "e1@1");
	sim_loop_free(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(completions_become_events),
		cmocka_unit_test(chained_io_runs_to_the_end),
		cmocka_unit_test(sync_device_completes_at_once),
		cmocka_unit_test(no_hook_no_change),
	};

	return cmocka_run_group_tests_name("event_async", tests, NULL, NULL);
}
