// SPDX-License-Identifier: MIT
/* The event queue: a binary min-heap on (time, seq) behind a ring of events in time order (event.h). */
#include "event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void sim_loop_init(struct sim_loop *loop, enum sim_completion_policy policy, uint64_t seed)
{
	memset(loop, 0, sizeof(*loop));
	loop->policy = policy;
	loop->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	loop->lat_base_ns = 20000;		/* 20 us a command */
	loop->lat_per_4k_ns = 2000;		/* ~2 GB/s */
	loop->shuffle_window_ns = 100000;
}

void sim_loop_free(struct sim_loop *loop)
{
	free(loop->heap);
	free(loop->ring);
	free(loop->pending);
	loop->pending = NULL;
	loop->pending_nr = loop->pending_max = 0;
	loop->heap = loop->ring = NULL;
	loop->nr = loop->heap_nr = loop->max = 0;
	loop->ring_head = loop->ring_nr = loop->ring_max = 0;
}

uint64_t sim_rand(struct sim_loop *loop)
{
	uint64_t x = loop->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	loop->rng = x;
	return x;
}

static bool ev_before(const struct sim_event *a, const struct sim_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static int heap_push(struct sim_loop *loop, struct sim_event ev)
{
	size_t i;

	if (loop->heap_nr == loop->max) {
		size_t max = loop->max ? loop->max * 2 : 64;
		struct sim_event *n = realloc(loop->heap, max * sizeof(*n));

		if (!n)
			return -ENOMEM;
		loop->heap = n;
		loop->max = max;
	}
	for (i = loop->heap_nr++; i; i = (i - 1) / 2) {
		struct sim_event *parent = &loop->heap[(i - 1) / 2];

		if (!ev_before(&ev, parent))
			break;
		loop->heap[i] = *parent;
	}
	loop->heap[i] = ev;
	return 0;
}

static struct sim_event heap_pop(struct sim_loop *loop)
{
	struct sim_event ev = loop->heap[0], last = loop->heap[--loop->heap_nr];
	size_t i = 0;

	while (loop->heap_nr) {
		size_t c = 2 * i + 1;

		if (c >= loop->heap_nr)
			break;
		if (c + 1 < loop->heap_nr && ev_before(&loop->heap[c + 1], &loop->heap[c]))
			c++;
		if (!ev_before(&loop->heap[c], &last))
			break;
		loop->heap[i] = loop->heap[c];
		i = c;
	}
	if (loop->heap_nr)
		loop->heap[i] = last;
	return ev;
}

static struct sim_event *ring_at(const struct sim_loop *loop, size_t i)
{
	return &loop->ring[(loop->ring_head + i) & (loop->ring_max - 1)];
}

static int ring_push(struct sim_loop *loop, struct sim_event ev)
{
	if (loop->ring_nr == loop->ring_max) {
		size_t max = loop->ring_max ? loop->ring_max * 2 : 64;
		struct sim_event *n = malloc(max * sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < loop->ring_nr; i++)
			n[i] = *ring_at(loop, i);
		free(loop->ring);
		loop->ring = n;
		loop->ring_head = 0;
		loop->ring_max = max;
	}
	*ring_at(loop, loop->ring_nr++) = ev;
	return 0;
}

int sim_schedule(struct sim_loop *loop, uint64_t delay_ns, sim_event_fn fn, void *arg)
{
	struct sim_event ev = { loop->now + delay_ns, loop->seq++, fn, arg };
	int ret;

	/* in time order behind the ring's last: the ring; else the heap */
	if (!loop->ring_nr || ev.time >= ring_at(loop, loop->ring_nr - 1)->time)
		ret = ring_push(loop, ev);
	else
		ret = heap_push(loop, ev);
	if (!ret)
		loop->nr++;
	return ret;
}

/* The next event: the ring's first or the heap's top, whichever is earlier. */
static bool next_from_ring(const struct sim_loop *loop)
{
	return loop->ring_nr && (!loop->heap_nr || ev_before(ring_at(loop, 0), &loop->heap[0]));
}

bool sim_next_time(const struct sim_loop *loop, uint64_t *time)
{
	if (!loop->nr)
		return false;
	if (loop->nr == loop->pending_nr) {
		*time = loop->now + 1;	/* a chosen completion runs next */
		return true;
	}
	*time = next_from_ring(loop) ? ring_at(loop, 0)->time : loop->heap[0].time;
	return true;
}

int sim_schedule_completion(struct sim_loop *loop, uint64_t bytes, sim_event_fn fn, void *arg)
{
	return sim_schedule_completion_ns(loop, bytes, UINT64_MAX, fn, arg);
}

int sim_schedule_completion_ns(struct sim_loop *loop, uint64_t bytes, uint64_t lat_ns,
			       sim_event_fn fn, void *arg)
{
	uint64_t delay;

	if (lat_ns != UINT64_MAX && loop->policy != SIM_COMPLETE_SHUFFLE)
		/* never at the instant of submission: completions come after it */
		return sim_schedule(loop, lat_ns ? lat_ns : 1, fn, arg);
	switch (loop->policy) {
	case SIM_COMPLETE_LATENCY:
		delay = loop->lat_base_ns + (bytes + 4095) / 4096 * loop->lat_per_4k_ns;
		break;
	case SIM_COMPLETE_SHUFFLE:
		delay = 1 + sim_rand(loop) % loop->shuffle_window_ns;
		break;
	case SIM_COMPLETE_CHOOSE:
		if (loop->pending_nr == loop->pending_max) {
			size_t max = loop->pending_max ? loop->pending_max * 2 : 64;
			struct sim_event *n = realloc(loop->pending, max * sizeof(*n));

			if (!n)
				return -ENOMEM;
			loop->pending = n;
			loop->pending_max = max;
		}
		loop->pending[loop->pending_nr++] = (struct sim_event){ loop->now + 1, loop->seq++, fn, arg };
		loop->nr++;
		return 0;
	default:
		delay = 1;	/* equal delays: the sequence number keeps submission order */
		break;
	}
	return sim_schedule(loop, delay, fn, arg);
}

bool sim_run_one(struct sim_loop *loop)
{
	struct sim_event ev;

	while (!loop->nr) {
		/* reaped completions may have scheduled nothing: poll again */
		if (!loop->ext_poll || loop->ext_poll(loop->ext_arg) <= 0)
			return false;
	}
	if (loop->nr == loop->pending_nr) {
		/* only completions wait: the chooser picks one */
		size_t i = loop->choose && loop->pending_nr > 1
				   ? loop->choose(loop->choose_arg, loop->pending, loop->pending_nr) : 0;

		if (i >= loop->pending_nr)
			i = 0;
		ev = loop->pending[i];
		memmove(&loop->pending[i], &loop->pending[i + 1],
			(loop->pending_nr - i - 1) * sizeof(*loop->pending));
		loop->pending_nr--;
		ev.time = loop->now + 1;
	} else if (next_from_ring(loop)) {
		ev = *ring_at(loop, 0);
		loop->ring_head = (loop->ring_head + 1) & (loop->ring_max - 1);
		loop->ring_nr--;
	} else {
		ev = heap_pop(loop);
	}
	loop->nr--;
	if (ev.time > loop->now)
		loop->now = ev.time;
	ev.fn(ev.arg);
	return true;
}

void sim_run(struct sim_loop *loop)
{
	while (sim_run_one(loop))
		;
}

static const char *const policy_names[] = {
	[SIM_COMPLETE_FIFO] = "fifo",
	[SIM_COMPLETE_LATENCY] = "latency",
	[SIM_COMPLETE_SHUFFLE] = "shuffle",
};

int sim_policy_parse(const char *s, enum sim_completion_policy *p)
{
	for (unsigned int i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (!strcmp(s, policy_names[i])) {
			*p = (enum sim_completion_policy)i;
			return 0;
		}
	return -EINVAL;
}

const char *sim_policy_name(enum sim_completion_policy p)
{
	return p <= SIM_COMPLETE_SHUFFLE ? policy_names[p] : "unknown";
}
