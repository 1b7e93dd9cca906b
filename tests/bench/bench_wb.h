/* SPDX-License-Identifier: MIT */
/*
 * The writeback run bench_writeback and bench_bytes share: 4 KiB folios
 * dirtied through the block device client (iomap buffered writes), written
 * back (iomap writeback, ioends, bios, zone write plugs, the emulated
 * device), the clean cache dropped, round after round.
 */
#ifndef ZWSIM_BENCH_WB_H
#define ZWSIM_BENCH_WB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "blk.h"
#include "blkdev.h"
#include "dev.h"

/* Seconds on @clock (CLOCK_MONOTONIC: wall clock; CLOCK_PROCESS_CPUTIME_ID: CPU time) */
static inline double bench_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Dirty @batch 4 KiB folios with one-block writes, sync, drop the clean
 * cache, and go on through the device @spec @rounds times: the seconds the
 * writeback took (the sync part, on @clock); the folios it wrote in
 * *@folios.  Failures exit, named by @prog.
 */
static inline double bench_wb_run(const char *prog, const char *spec, unsigned int batch, unsigned int rounds,
				  clockid_t clock, uint64_t *folios)
{
	struct block_device bdev;
	struct blkdev_file bf;
	struct sim_loop loop;
	struct mm_ctx mm = { 0 };
	struct zw_dev *dev;
	double wb_time = 0;
	char err[256];
	loff_t pos = 0;

	*folios = 0;
	if (zw_dev_open(spec, 0, &dev, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		exit(1);
	}
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	if (blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		exit(1);
	}
	mm.loop = &loop;
	mm.tags = dev->data_mode == ZW_DATA_TAGS;
	blkdev_file_init(&bf, &bdev, &mm);
	for (unsigned int r = 0; r < rounds; r++) {
		struct writeback_control wbc = {
			.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
		};
		double t;

		for (unsigned int i = 0; i < batch; i++, pos += 4096)
			if (iomap_file_buffered_write(&bf.inode, pos, 4096, NULL, (uint64_t)pos >> 12) != 4096) {
				fprintf(stderr, "%s: buffered write failed at %lld\n", prog, (long long)pos);
				exit(1);
			}
		t = bench_seconds(clock);
		if (do_writepages(&bf.inode.i_data, &wbc)) {
			fprintf(stderr, "%s: writeback failed\n", prog);
			exit(1);
		}
		sim_run(&loop);
		wb_time += bench_seconds(clock) - t;
		*folios += batch;
		invalidate_mapping_pages(&bf.inode.i_data);
	}
	blkdev_file_release(&bf);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
	return wb_time;
}

#endif
