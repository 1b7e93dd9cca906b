/* SPDX-License-Identifier: MIT */
/*
 * A virtual clock and an event queue.  The kernel's concurrency (device
 * completions, completion work on workqueues) becomes events; the order in
 * which in-flight I/O completes is a policy, so ordering bugs can be
 * provoked on purpose and every run with the same seed is the same run.
 */
#ifndef ZWSIM_EVENT_H
#define ZWSIM_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*sim_event_fn)(void *arg);

enum sim_completion_policy {
	SIM_COMPLETE_FIFO,	/* in submission order (a device with a profile: by its latency) */
	SIM_COMPLETE_LATENCY,	/* after a modelled service time: the device's profile, or
				 * lat_base_ns + lat_per_4k_ns */
	SIM_COMPLETE_SHUFFLE,	/* in a seeded random order */
	/*
	 * a completion waits until nothing else is queued, then choose() picks
	 * which of those waiting runs (zwsim explore's schedules); not a
	 * command-line --order
	 */
	SIM_COMPLETE_CHOOSE,
};

struct sim_event {
	uint64_t time;		/* virtual nanoseconds */
	uint64_t seq;		/* ties break in scheduling order */
	sim_event_fn fn;
	void *arg;
};

/*
 * The queue is a binary min-heap on (time, seq) and, in front of it, a
 * ring of events scheduled in non-decreasing time: since seq only grows,
 * the ring is in (time, seq) order by construction, and the next event is
 * the earlier of the ring's first and the heap's top.  Completions (all at
 * now + 1 in FIFO order, mostly increasing times otherwise) go to the
 * ring at O(1); an event earlier than the ring's last (a wake-up at now +
 * 0 behind them) goes to the heap.  The order is exactly the heap's alone.
 */
struct sim_loop {
	uint64_t now;
	uint64_t seq;
	struct sim_event *heap;
	size_t nr;		/* events queued: in the heap and in the ring */
	size_t heap_nr, max;
	struct sim_event *ring;
	size_t ring_head, ring_nr, ring_max;	/* ring_max: a power of two */
	enum sim_completion_policy policy;
	uint64_t rng;		/* xorshift state, from the seed */
	/* latency model: base + per 4 KiB, in ns */
	uint64_t lat_base_ns, lat_per_4k_ns;
	uint64_t shuffle_window_ns;
	/*
	 * External completions (a real device's asynchronous I/O): when the
	 * queue is empty, sim_run_one() calls ext_poll(ext_arg), which waits
	 * for what is in flight and turns each completion into an event (at
	 * the current virtual time: sim_schedule(loop, 0, ...)).  It returns
	 * how many completions it reaped: 0 when nothing is in flight (the
	 * loop is done), or -errno.  NULL: none (emulated devices).
	 */
	int (*ext_poll)(void *arg);
	void *ext_arg;
	/* SIM_COMPLETE_CHOOSE: the completions waiting, in scheduling order, and the chooser (NULL: the first) */
	struct sim_event *pending;
	size_t pending_nr, pending_max;
	size_t (*choose)(void *arg, const struct sim_event *pending, size_t nr);
	void *choose_arg;
};

void sim_loop_init(struct sim_loop *loop, enum sim_completion_policy policy, uint64_t seed);
void sim_loop_free(struct sim_loop *loop);

/* Run @fn(@arg) @delay_ns from now.  0, or -ENOMEM. */
int sim_schedule(struct sim_loop *loop, uint64_t delay_ns, sim_event_fn fn, void *arg);
/* Schedule a device completion of @bytes by the loop's policy. */
int sim_schedule_completion(struct sim_loop *loop, uint64_t bytes, sim_event_fn fn, void *arg);
/*
 * The same for a command whose latency the device's profile gave
 * (struct zw_io's lat_ns; UINT64_MAX: none, the loop's own model).  A
 * profile's latency holds under the fifo and latency policies (naming a
 * profile asks for its time); shuffle still shuffles.
 */
int sim_schedule_completion_ns(struct sim_loop *loop, uint64_t bytes, uint64_t lat_ns,
			       sim_event_fn fn, void *arg);

/* The time of the next event; false when none is queued. */
bool sim_next_time(const struct sim_loop *loop, uint64_t *time);

/* Run the next event (polling ext_poll when the queue is empty); false when there is none. */
bool sim_run_one(struct sim_loop *loop);
/* Run events until none is left. */
void sim_run(struct sim_loop *loop);

/* A deterministic random number from the loop's seed. */
uint64_t sim_rand(struct sim_loop *loop);

int sim_policy_parse(const char *s, enum sim_completion_policy *p);
const char *sim_policy_name(enum sim_completion_policy p);

#endif
