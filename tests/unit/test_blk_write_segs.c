// SPDX-License-Identifier: MIT
/*
 * A multi-segment write to an emulated device in bytes mode goes to the
 * store segment by segment (zw_io.segs, sim/blk_core.c segs_write()), not
 * through a gathered copy: written back across a zone boundary of
 * conventional zones, from folios holding distinct bytes, every byte must
 * land where the gathered copy put it, and the device's bytes counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "blk.h"
#include "blkdev.h"
#include "dev.h"

#define LEN (256u << 10)	/* 64 folios of 4 KiB, across the 1 MiB zone boundary */
#define POS ((1u << 20) - (128u << 10))

static void test_segments_land_in_order(void **state)
{
	struct block_device bdev;
	struct blkdev_file bf;
	struct sim_loop loop;
	struct mm_ctx mm = { 0 };
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
	};
	struct zw_dev *dev;
	uint8_t *data = malloc(LEN), *back = malloc(LEN);
	char err[256];

	(void)state;
	for (size_t i = 0; i < LEN; i++)
		data[i] = (uint8_t)(i * 7 + i / 4096);
	assert_int_equal(zw_dev_open("emu:zones=8,zone_size=1M,conv=4,data=bytes", 0, &dev, err, sizeof(err)), 0);
	assert_true(dev->writes_segs);
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	assert_int_equal(blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)), 0);
	mm.loop = &loop;
	blkdev_file_init(&bf, &bdev, &mm);
	/* one 4 KiB write a folio, so the writeback's bios have a segment a folio */
	for (size_t off = 0; off < LEN; off += 4096)
		assert_int_equal(iomap_file_buffered_write(&bf.inode, POS + (loff_t)off, 4096, data + off, 0), 4096);
	assert_int_equal(do_writepages(&bf.inode.i_data, &wbc), 0);
	sim_run(&loop);
	{
		struct zw_io io = { .op = REQ_OP_READ, .sector = POS >> 9, .nr_sectors = LEN >> 9, .buf = back };

		zw_dev_submit(dev, &io);
		assert_int_equal(io.res.status, BLK_STS_OK);
	}
	assert_memory_equal(back, data, LEN);
	blkdev_file_release(&bf);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
	free(data);
	free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments_land_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
