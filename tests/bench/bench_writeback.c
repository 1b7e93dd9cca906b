// SPDX-License-Identifier: MIT
/*
 * Writeback benchmarks: 4 KiB folios written back per second through the
 * block device client (iomap writeback, ioends, bios, zone write plugs, the
 * emulated device), in tags mode and with every byte kept, and the peak
 * memory of a run that writes far more than it keeps dirty at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "blk.h"
#include "blkdev.h"
#include "dev.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Dirty @batch 4 KiB folios with one-block writes, sync, drop the clean
 * cache, and go on through the device @rounds times; returns folios per
 * second of writeback (the sync part).
 */
static double run(const char *spec, unsigned int batch, unsigned int rounds)
{
	struct block_device bdev;
	struct blkdev_file bf;
	struct sim_loop loop;
	struct mm_ctx mm = { 0 };
	struct zw_dev *dev;
	double wb_time = 0;
	char err[256];
	uint64_t folios = 0;
	loff_t pos = 0;

	if (zw_dev_open(spec, 0, &dev, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	if (blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
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
				fprintf(stderr, "bench: buffered write failed at %lld\n", (long long)pos);
				exit(1);
			}
		t = now();
		if (do_writepages(&bf.inode.i_data, &wbc)) {
			fprintf(stderr, "bench: writeback failed\n");
			exit(1);
		}
		sim_run(&loop);
		wb_time += now() - t;
		folios += batch;
		invalidate_mapping_pages(&bf.inode.i_data);
	}
	blkdev_file_release(&bf);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
	return (double)folios / wb_time;
}

int main(void)
{
	struct rusage ru;

	/* 16 GiB written through 256 MiB of dirty cache at a time: memory must follow the dirty data. */
	printf("bench: blkdev_writeback_folios_per_s %.0f folios/s\n",
	       run("emu:zones=256,zone_size=256M,data=tags", 65536, 64));
	getrusage(RUSAGE_SELF, &ru);
	printf("bench: blkdev_writeback_peak_rss_mib %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	printf("bench: blkdev_writeback_folios_per_s_data %.0f folios/s\n",
	       run("emu:zones=16,zone_size=256M,data=bytes", 65536, 4));
	return 0;
}
