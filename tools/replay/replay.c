// SPDX-License-Identifier: MIT
/*
 * The replay engine's core: the target opened, each record mapped and
 * issued at its time, the end (drain, final sync, --verify).
 *
 * Time.  On an emulated device the clock is the simulation's: device
 * commands complete after the latency model's service time (the loop's
 * latency policy), so a record's latency and the replay's duration are
 * what the modelled device gives.  On a real device (zbd:, nvme:) the
 * clock is the monotonic wall clock: measured, not simulated.
 *
 * Arrival.  By default each record is issued as soon as the previous one
 * allows (as fast as possible: fio's replay_no_stall, btreplay -N).  With
 * --speed N or --strict, record i is due at start + (t_i - t_0) / N,
 * measured from the first record (an absolute schedule, as SimpleSSD's
 * strict mode and btreplay's genesis: lateness is not carried as fio's
 * iolog_delay() carries it); the replay waits until then when it is early,
 * and counts how late it was when it is not (the lag).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay.h"

#define REPLAY_MEMORY (1ull << 30)		/* the simulated machine's memory */
#define REPLAY_CACHE_PAGES (REPLAY_MEMORY / 2 / 4096)

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t replay_now(const struct replay *rp)
{
	return rp->real ? mono_ns() - rp->wall0 : rp->st.loop.now;
}

int replay_open(struct replay *rp, const struct replay_opts *o, const struct zw_stack_opts *so)
{
	char err[512];
	int ret;

	memset(rp, 0, sizeof(*rp));
	rp->o = *o;
	if (!rp->o.qd)
		rp->o.qd = 1;
	if (!rp->o.remap.div)
		rp->o.remap.div = 1;
	rp->raw = !strcmp(o->fsname, "raw");
	rp->zonefs = !strcmp(o->fsname, "zonefs");
	ret = zw_stack_open(&rp->st, so);
	if (ret)
		return ret;
	rp->real = rp->st.dev->real;
	rp->wall0 = mono_ns();
	if (rp->real && !(so->dev_flags & ZW_DEV_FORCE)) {
		fprintf(stderr, "zwsim %s: %s is a real device, which the replay writes: say --force to allow it\n",
			o->cmd, so->spec);
		zw_stack_close(&rp->st);
		return EXIT_USAGE;
	}
	rp->bdev = rp->st.bdevp;
	replay_dev_wrap(rp);
	if (!rp->cdev) {
		fprintf(stderr, "zwsim %s: out of memory\n", o->cmd);
		zw_stack_close(&rp->st);
		return EXIT_OPFAIL;
	}
	rp->log = rp->st.log.f;
	if (rp->raw) {
		if (replay_raw_init(rp)) {
			fprintf(stderr, "zwsim %s: out of memory\n", o->cmd);
			replay_close(rp);
			return EXIT_OPFAIL;
		}
		return 0;
	}
	rp->run = (struct fs_run){ .ops = fs_type_find(o->fsname), .dev = rp->inner, .cmd = o->cmd };
	if (!rp->run.ops) {
		fprintf(stderr, "zwsim %s: --fs %s: accepted: xfs-zoned, zonefs, xfs, raw\n", o->cmd, o->fsname);
		replay_close(rp);
		return EXIT_USAGE;
	}
	mm_ctx_init(&rp->mm, &rp->st.loop, REPLAY_MEMORY, rp->inner->data_mode == ZW_DATA_TAGS);
	rp->mm.log = zw_stack_log(&rp->st);
	if (o->verify && rp->run.ops->stat)
		fs_run_oracle_init(&rp->run, &rp->oracle, rp->bdev);
	if (rp->run.ops->mount(&rp->run.fs, rp->bdev, &rp->mm, o->mount, err, sizeof(err))) {
		fprintf(stderr, "zwsim %s: mount: %s\n", o->cmd, err);
		replay_close(rp);
		return EXIT_USAGE;
	}
	rp->mounted = true;
	return 0;
}

/* Run the simulation (or wait) until the clock reads @t. */
static void wait_until(struct replay *rp, uint64_t t)
{
	if (rp->real) {
		uint64_t now = replay_now(rp);

		if (t > now) {
			struct timespec ts = { .tv_sec = (time_t)((t - now) / 1000000000ull),
					       .tv_nsec = (long)((t - now) % 1000000000ull) };

			nanosleep(&ts, NULL);
		}
		return;
	}
	/* events due before @t run; then the clock moves on to @t */
	for (;;) {
		uint64_t next;

		if (!sim_next_time(&rp->st.loop, &next) || next > t)
			break;
		sim_run_one(&rp->st.loop);
	}
	if (rp->st.loop.now < t)
		rp->st.loop.now = t;
}

void replay_log_record(struct replay *rp, uint64_t recno, enum replay_kind k, uint64_t off, uint64_t len,
		       uint64_t latency, int err)
{
	if (!rp->log)
		return;
	fprintf(rp->log, "{\"t\":%" PRIu64 ",\"ev\":\"replay_record\",\"n\":%" PRIu64 ",\"op\":\"%s\","
		"\"offset\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"latency_ns\":%" PRIu64 ",\"ret\":\"%s\"}\n",
		replay_now(rp), recno, replay_kind_name(k), off, len, latency, err ? errno_name(err) : "0");
}

void replay_issued(struct replay *rp)
{
	if (rp->s.timed) {
		uint64_t now = replay_now(rp);

		lat_add(&rp->s.lag, now > rp->due_ns ? now - rp->due_ns : 0);
	}
	/* the first record issued, whichever it is (those before it may have been skipped) */
	if (!rp->s.have_first) {
		rp->s.have_first = true;
		rp->s.first_ns = replay_now(rp);
	}
}

/*
 * The model keeps every folio it ever cached; the kernel's reclaim drops
 * clean ones when memory runs short.  So that a long replay's memory
 * follows what is dirty, not what was ever written, clean folios not under
 * writeback are dropped (invalidate_mapping_pages(), as reclaim would)
 * when the cache holds more than half the simulated machine's memory.
 */
static void replay_reclaim(struct replay *rp)
{
	uint64_t cached = 0;

	for (size_t i = 0; i < rp->mm.nr_mappings; i++)
		cached += rp->mm.mappings[i]->nr_folios;
	if (cached <= REPLAY_CACHE_PAGES)
		return;
	for (size_t i = 0; i < rp->mm.nr_mappings; i++)
		invalidate_mapping_pages(rp->mm.mappings[i]);
}

static enum replay_kind kind_of(enum trace_op op)
{
	switch (op) {
	case TRACE_OP_WRITE: return RK_WRITE;
	case TRACE_OP_READ: return RK_READ;
	case TRACE_OP_DISCARD: return RK_DISCARD;
	case TRACE_OP_FLUSH: return RK_FLUSH;
	default: return RK_FS;
	}
}

/* The target's size, for --remap wrap=dev. */
static uint64_t target_size(const struct replay *rp)
{
	return rp->inner->geo.capacity << SECTOR_SHIFT;
}

int replay_record(struct replay *rp, const struct trace_rec *rec, const char *name)
{
	enum replay_kind k = kind_of(rec->op);
	const struct replay_remap *m = &rp->o.remap;
	double speed = rp->o.speed > 0 ? rp->o.speed : 1.0;
	uint64_t off = rec->offset;
	int ret = 0;

	rp->nrec++;
	rp->s.read[k]++;
	if (rp->o.volume && k != RK_FS && strcmp(rec->dev, rp->o.volume)) {
		rp->s.skipped_volume++;
		goto out;
	}
	if (k == RK_FS && rp->raw) {
		rp->s.skipped_unsupported++;
		goto out;
	}
	if (k != RK_FS && k != RK_FLUSH) {
		unsigned int lbs = rp->bdev->lim.logical_block_size;
		uint64_t wrap = m->wrap == UINT64_MAX ? target_size(rp) : m->wrap;

		if (off < m->base) {
			rp->s.skipped_range++;
			goto out;
		}
		off -= m->base;
		if (m->div > 1)
			off = off / m->div / lbs * lbs;
		if (wrap)
			off %= wrap;
	}
	if (rp->o.speed > 0 || rp->o.strict) {
		rp->s.timed = true;
		if (!rp->have_t0) {
			rp->have_t0 = true;
			rp->t0 = rec->time_ns;
			rp->start_ns = replay_now(rp);
		}
		rp->due_ns = rp->start_ns +
			     (rec->time_ns > rp->t0 ? (uint64_t)((double)(rec->time_ns - rp->t0) / speed) : 0);
		if (replay_now(rp) < rp->due_ns)
			wait_until(rp, rp->due_ns);
	}
	if (k == RK_FS)
		ret = replay_fs_line(rp, rec, name);
	else if (rp->raw)
		ret = replay_raw_record(rp, rec, off, name);
	else
		ret = replay_fs_record(rp, rec, off, name);
	if (!ret && !rp->raw && !(rp->nrec & 4095))
		replay_reclaim(rp);
	if (!ret && rp->after_record)
		ret = rp->after_record(rp, rec, rp->hook_arg);
out:
	if (!ret && rp->o.inject && rp->nrec == rp->o.inject_at) {
		char err[256];

		if (zw_dev_inject(rp->inner, rp->o.inject, err, sizeof(err))) {
			fprintf(stderr, "zwsim %s: --inject %s: %s\n", rp->o.cmd, rp->o.inject, err);
			return EXIT_USAGE;
		}
	}
	return ret;
}

int replay_finish(struct replay *rp, char *err, size_t errlen)
{
	if (rp->raw) {
		replay_raw_drain(rp);
	} else {
		if (!rp->o.no_sync) {
			struct fs_op op = { .kind = F_SYNC };

			fs_run_op(&rp->run, &op, NULL, 0);
		}
		sim_run(&rp->st.loop);
	}
	rp->s.last_ns = replay_now(rp);
	rp->replay_read_bytes = rp->ds.read_bytes;
	if (!rp->o.verify)
		return 0;
	/* --verify's reads are no part of the replay's device latencies, as of its bytes read */
	if (rp->st.bdevp)
		rp->st.bdevp->on_complete = NULL;
	if (rp->raw)
		return replay_raw_verify(rp, err, errlen) ? 1 : 0;
	return fs_run_verify(&rp->run, &rp->mm, err, errlen) ? 1 : 0;
}

void replay_close(struct replay *rp)
{
	if (rp->mounted)
		rp->run.ops->unmount(rp->run.fs);
	if (rp->run.oracle)
		fso_free(rp->run.oracle);
	free(rp->mm.mappings);
	free(rp->run.open_files);
	replay_fs_free(rp);
	replay_raw_free(rp);
	free(rp->s.errs);
	replay_dev_unwrap(rp);
	zw_stack_close(&rp->st);
}
