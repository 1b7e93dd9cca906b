// SPDX-License-Identifier: MIT
/*
 * xfs-zoned benchmark: 4 KiB buffered writes per second through zoned XFS
 * writeback (reservation, delalloc, zoned writeback_range/submit, zone
 * allocation, zone appends, completion-time remap) on an emulated device
 * in tags mode.  Garbage collection is not modelled yet, so there is no
 * xfs_zoned_gc_writes_per_s figure.
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
	return 0;
}
