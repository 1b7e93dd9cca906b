// SPDX-License-Identifier: MIT
/*
 * xfs-zoned benchmark: 4 KiB buffered writes per second through zoned XFS
 * writeback (reservation, delalloc, zoned writeback_range/submit, zone
 * allocation, zone appends, completion-time remap) on an emulated device
 * in tags mode; then the same with garbage collection active: random 4 KiB
 * overwrites of a file filling most of a small device, synced every 4 MiB
 * (xfs_zoned_gc_writes_per_s).
 */
#include <stdio.h>
#include <stdlib.h>
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

static int bench_gc(void)
{
	/* 32 zones of 1 MiB: 29 writable without GC; a 20 MiB file overwritten at random */
	const char *spec = "emu:zones=33,zone_size=1M,conv=1,data=tags";
	const struct zw_fs_ops *ops = &xfs_zoned_fs_ops;
	const uint64_t file_blocks = 20 * 256, writes = 1u << 15, sync_every = 1024;
	struct block_device bdev;
	struct sim_loop loop;
	struct mm_ctx mm;
	struct zw_dev *dev;
	struct zw_fs *fs;
	char err[256];
	uint64_t x = 88172645463325252ull;
	double t;

	if (zw_dev_open(spec, 0, &dev, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	mm_ctx_init(&mm, &loop, 1ull << 30, true);
	if (blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)) ||
	    ops->mount(&fs, &bdev, &mm, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	for (uint64_t b = 0; b < file_blocks; b += 256)
		if (ops->write(fs, "f", (loff_t)(b * 4096), 1 << 20, false, false) != 1 << 20) {
			fprintf(stderr, "bench: fill failed\n");
			return 1;
		}
	if (ops->sync(fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	t = now();
	for (uint64_t i = 0; i < writes; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		if (ops->write(fs, "f", (loff_t)(x % file_blocks * 4096), 4096, false, false) != 4096) {
			fprintf(stderr, "bench: gc write %llu failed\n", (unsigned long long)i);
			return 1;
		}
		if ((i + 1) % sync_every == 0 && ops->sync(fs)) {
			fprintf(stderr, "bench: sync failed\n");
			return 1;
		}
	}
	if (ops->sync(fs)) {
		fprintf(stderr, "bench: sync failed\n");
		return 1;
	}
	t = now() - t;
	printf("bench: xfs_zoned_gc_writes_per_s %.0f writes/s\n", writes / t);
	ops->unmount(fs);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	free(mm.mappings);
	zw_dev_close(dev);
	return 0;
}

int main(void)
{
	const char *spec = "emu:zones=512,zone_size=256M,data=tags,max_open=14";
	const struct zw_fs_ops *ops = &xfs_zoned_fs_ops;
	struct block_device bdev;
	struct sim_loop loop;
	struct mm_ctx mm;
	struct zw_dev *dev;
	struct zw_fs *fs;
	char err[256], name[16];
	const unsigned int files = 8, writes = 1u << 20;
	double t;

	if (zw_dev_open(spec, 0, &dev, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	mm_ctx_init(&mm, &loop, 1ull << 30, true);
	if (blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)) ||
	    ops->mount(&fs, &bdev, &mm, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	t = now();
	/* eight files written round robin, 4 KiB at a time; background writeback at 10% dirty */
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
	printf("bench: xfs_zoned_writes_per_s %.0f writes/s\n", writes / t);
	ops->unmount(fs);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	free(mm.mappings);
	zw_dev_close(dev);
	fflush(stdout);
	return bench_gc();
}
