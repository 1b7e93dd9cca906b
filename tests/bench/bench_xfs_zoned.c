// SPDX-License-Identifier: MIT
/*
 * xfs-zoned benchmark: 4 KiB buffered writes per second through zoned XFS
 * writeback (reservation, delalloc, zoned writeback_range/submit, zone
 * allocation, zone appends, completion-time remap) on an emulated device
 * in tags mode; then the same with garbage collection active: random 4 KiB
 * overwrites of a file filling most of a small device, synced every 4 MiB
 * (xfs_zoned_gc_writes_per_s, the worst case: every block GC moves is an
 * extent of its own), and files rewritten whole or in zone-sized ranges on
 * a device 75% full (xfs_zoned_gc_mixed_writes_per_s, GC with large
 * extents and a write amplification near 1.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blk.h"
#include "dev.h"
#include "vfs.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The model mounted on an emulated device, with everything under it. */
struct bench_fs {
	struct zw_dev *dev;
	struct sim_loop loop;
	struct mm_ctx mm;
	struct block_device bdev;
	struct zw_fs *fs;
};

static const struct zw_fs_ops *const ops = &xfs_zoned_fs_ops;

static void bench_mount(struct bench_fs *b, const char *spec)
{
	char err[256];

	if (zw_dev_open(spec, 0, &b->dev, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	sim_loop_init(&b->loop, SIM_COMPLETE_FIFO, 1);
	mm_ctx_init(&b->mm, &b->loop, 1ull << 30, true);
	if (blkdev_init(&b->bdev, b->dev, &b->loop, NULL, err, sizeof(err)) ||
	    ops->mount(&b->fs, &b->bdev, &b->mm, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
}

static void bench_unmount(struct bench_fs *b)
{
	ops->unmount(b->fs);
	blkdev_free(&b->bdev);
	sim_loop_free(&b->loop);
	free(b->mm.mappings);
	zw_dev_close(b->dev);
}

/* A figure of the file system's "stats" report, as a number. */
static double bench_stat(struct zw_fs *fs, const char *name)
{
	json_object *stats = json_object_new_object(), *v;
	double d = 0;

	ops->stats(fs, stats);
	if (json_object_object_get_ex(stats, name, &v))
		d = json_object_get_double(v);
	json_object_put(stats);
	return d;
}

/* What a GC run did: its rate and GC's own figures. */
struct gc_figures {
	double rate, moved_mib, resets, wa;
};

/* The counters a run's figures are taken from, at its start. */
struct gc_mark {
	uint64_t user, dev, gc;
	double resets, t;
};

static void gc_mark(struct zw_fs *fs, struct gc_mark *m)
{
	m->user = (uint64_t)bench_stat(fs, "user_bytes");
	m->dev = (uint64_t)bench_stat(fs, "device_bytes");
	m->gc = (uint64_t)bench_stat(fs, "gc_bytes");
	m->resets = bench_stat(fs, "zone_resets");
	m->t = now();
}

/* The run's figures since @m (after its last sync); GC must have moved data for them to mean anything. */
static int gc_figures_take(struct zw_fs *fs, const struct gc_mark *m, uint64_t writes, struct gc_figures *f)
{
	double t = now() - m->t;
	uint64_t user = (uint64_t)bench_stat(fs, "user_bytes") - m->user;
	uint64_t dev = (uint64_t)bench_stat(fs, "device_bytes") - m->dev;
	uint64_t gc = (uint64_t)bench_stat(fs, "gc_bytes") - m->gc;

	if (!gc) {
		fprintf(stderr, "bench: GC moved nothing\n");
		return 1;
	}
	f->rate = writes / t;
	f->moved_mib = gc / 1048576.0;
	f->resets = bench_stat(fs, "zone_resets") - m->resets;
	f->wa = (double)dev / (double)user;
	return 0;
}

/* Files f0..f(files-1) of @blocks each, written 1 MiB a call, then synced. */
static int bench_fill(struct zw_fs *fs, unsigned int files, uint64_t blocks)
{
	char name[16];

	for (unsigned int f = 0; f < files; f++) {
		snprintf(name, sizeof(name), "f%u", f);
		for (uint64_t blk = 0; blk < blocks; blk += 256)
			if (ops->write(fs, name, (loff_t)(blk * 4096), 1 << 20, false, false) != 1 << 20) {
				fprintf(stderr, "bench: fill failed\n");
				return 1;
			}
	}
	if (ops->sync(fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	return 0;
}

/* Write number @i: 4 KiB at @blk of @name, and a sync after every @sync_every of them. */
static int bench_write_block(struct zw_fs *fs, const char *name, uint64_t blk, uint64_t i, uint64_t sync_every)
{
	if (ops->write(fs, name, (loff_t)(blk * 4096), 4096, false, false) != 4096) {
		fprintf(stderr, "bench: write %llu failed\n", (unsigned long long)i);
		return 1;
	}
	if ((i + 1) % sync_every == 0 && ops->sync(fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	return 0;
}

/* The figure and GC's own: best of three runs (the workloads are deterministic). */
static int bench_gc_best_of_3(int (*run)(struct gc_figures *f), const char *name, bool resets)
{
	struct gc_figures f;
	double best = 0;

	for (int rep = 0; rep < 3; rep++) {
		if (run(&f))
			return 1;
		if (f.rate > best)
			best = f.rate;
	}
	printf("bench: xfs_zoned_%s_writes_per_s %.0f writes/s\n", name, best);
	printf("bench: xfs_zoned_%s_bytes_moved %.1f MiB\n", name, f.moved_mib);
	if (resets)
		printf("bench: xfs_zoned_%s_zone_resets %.0f resets\n", name, f.resets);
	printf("bench: xfs_zoned_%s_write_amplification %.2f ratio\n", name, f.wa);
	return 0;
}

/* One run of the GC workload: its rate, and what GC did. */
static int bench_gc_run(struct gc_figures *f)
{
	/*
	 * 32 zones of 1 MiB: 29 writable without GC; a 20 MiB file
	 * overwritten at random, 4 KiB at a time, synced every 4 MiB: 1 GiB
	 * of overwrites, fifty times the file.
	 */
	const uint64_t file_blocks = 20 * 256, writes = 1u << 18, sync_every = 1024;
	uint64_t x = 88172645463325252ull;
	struct gc_mark m;
	struct bench_fs b;

	bench_mount(&b, "emu:zones=33,zone_size=1M,conv=1,data=tags");
	if (bench_fill(b.fs, 1, file_blocks))
		return 1;
	gc_mark(b.fs, &m);
	for (uint64_t i = 0; i < writes; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		if (bench_write_block(b.fs, "f0", x % file_blocks, i, sync_every))
			return 1;
	}
	if (ops->sync(b.fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	if (gc_figures_take(b.fs, &m, writes, f))
		return 1;
	bench_unmount(&b);
	return 0;
}

/*
 * One run of the mixed GC workload: 8 files of 24 MiB on 64 zones of 4 MiB
 * (75% full); each step rewrites a random file whole (3 in 10) or 4 MiB of
 * it at a 1 MiB aligned offset, 4 KiB a write(2), synced every 4 MiB: 1 GiB.
 */
static int bench_gc_mixed_run(struct gc_figures *f)
{
	const unsigned int files = 8;
	const uint64_t file_blocks = 24 * 256, range_blocks = 4 * 256, writes = 1u << 18, sync_every = 1024;
	uint64_t x = 88172645463325252ull, i = 0;
	struct gc_mark m;
	struct bench_fs b;
	char name[16];

	bench_mount(&b, "emu:zones=65,zone_size=4M,conv=1,data=tags");
	if (bench_fill(b.fs, files, file_blocks))
		return 1;
	gc_mark(b.fs, &m);
	while (i < writes) {
		uint64_t start = 0, len = file_blocks;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		snprintf(name, sizeof(name), "f%u", (unsigned int)(x % files));
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (x % 10 >= 3) {
			/* 1 MiB aligned, so a range mostly straddles two zones: whole zones
			 * seldom die at once and GC has live data to move */
			start = (x >> 8) % ((file_blocks - range_blocks) / 256 + 1) * 256;
			len = range_blocks;
		}
		for (uint64_t k = 0; k < len && i < writes; k++, i++)
			if (bench_write_block(b.fs, name, start + k, i, sync_every))
				return 1;
	}
	if (ops->sync(b.fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	if (gc_figures_take(b.fs, &m, writes, f))
		return 1;
	bench_unmount(&b);
	return 0;
}

/* Eight files written round robin, 4 KiB at a time; background writeback at 10% dirty. */
static int bench_plain_run(double *rate)
{
	const unsigned int files = 8, writes = 1u << 20;
	struct bench_fs b;
	struct zw_fs *fs;
	char name[16];
	double t;

	bench_mount(&b, "emu:zones=512,zone_size=256M,data=tags,max_open=14");
	fs = b.fs;
	t = now();
	for (unsigned int i = 0; i < writes; i++) {
		snprintf(name, sizeof(name), "f%u", i % files);
		if (ops->write(fs, name, (loff_t)(i / files) * 4096, 4096, false, false) != 4096) {
			fprintf(stderr, "bench: write %u failed\n", i);
			return 1;
		}
	}
	if (ops->sync(fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	t = now() - t;
	*rate = writes / t;
	bench_unmount(&b);
	return 0;
}

int main(int argc, char **argv)
{
	double best = 0, rate;

	if (argc > 1 && !strcmp(argv[1], "gc"))
		return bench_gc_best_of_3(bench_gc_run, "gc", true);	/* alone (for profiling) */
	if (argc > 1 && !strcmp(argv[1], "gc-mixed"))
		return bench_gc_best_of_3(bench_gc_mixed_run, "gc_mixed", false);
	/* best of three runs, as for GC */
	for (int rep = 0; rep < 3; rep++) {
		if (bench_plain_run(&rate))
			return 1;
		if (rate > best)
			best = rate;
	}
	printf("bench: xfs_zoned_writes_per_s %.0f writes/s\n", best);
	fflush(stdout);
	if (bench_gc_best_of_3(bench_gc_run, "gc", true))
		return 1;
	fflush(stdout);
	return bench_gc_best_of_3(bench_gc_mixed_run, "gc_mixed", false);
}
