// SPDX-License-Identifier: MIT
/*
 * Reads into tags (a bio segment without bytes, with bv_tags): a tags-mode
 * emulated device hands the tags over; a bytes-mode one is read as bytes
 * and decoded; data that is no tagged block is an I/O error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blk.h"
#include "dev.h"
#include "pattern.h"

struct done { int n; blk_status_t sts; };

static void end_io(struct bio *bio)
{
	struct done *d = bio->bi_private;

	d->n++;
	d->sts = bio->bi_status;
	bio_put(bio);
}

static blk_status_t run_bio(struct block_device *bdev, struct sim_loop *loop, enum req_op op,
			    sector_t sector, uint32_t len, uint64_t tag, uint64_t *tags)
{
	struct done d = { 0 };
	struct bio *bio = bio_alloc(bdev, 1, op, 0);

	assert_true(bio_add_data(bio, NULL, tag, len, NULL, 0));
	bio->bi_io_vec[0].bv_tags = tags;
	bio->bi_iter.bi_sector = sector;
	bio->bi_end_io = end_io;
	bio->bi_private = &d;
	submit_bio(bio);
	sim_run(loop);
	assert_int_equal(d.n, 1);
	return d.sts;
}

static void read_tags_from(const char *spec, bool direct)
{
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	char err[256];
	uint64_t tags[8];

	assert_int_equal(zw_dev_open(spec, 0, &dev, err, sizeof(err)), 0);
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	assert_int_equal(blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)), 0);
	assert_int_equal(dev->reads_tags, direct);
	/* zone 1 (sector 2048): four tagged blocks at its start */
	assert_int_equal(run_bio(&bdev, &loop, REQ_OP_WRITE, 2048, 4 * 4096, 1000, NULL), BLK_STS_OK);
	memset(tags, 0xaa, sizeof(tags));
	assert_int_equal(run_bio(&bdev, &loop, REQ_OP_READ, 2048, 4 * 4096, 0, tags), BLK_STS_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(tags[i], 1000 + (uint64_t)i);
	/* never written: tag 0 (zeros) */
	assert_int_equal(run_bio(&bdev, &loop, REQ_OP_READ, 4096, 2 * 4096, 0, tags), BLK_STS_OK);
	assert_int_equal(tags[0], ZW_TAG_NONE);
	assert_int_equal(tags[1], ZW_TAG_NONE);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
}

static void a_tags_mode_device_reads_tags_directly(void **state)
{
	(void)state;
	read_tags_from("emu:zones=4,zone_size=1M,lba=4096,model=zns,data=tags", true);
}

static void a_bytes_mode_device_is_read_as_bytes_and_decoded(void **state)
{
	(void)state;
	read_tags_from("emu:zones=4,zone_size=1M,lba=4096,model=zns,data=bytes", false);
}

static void null_blk_fill_above_the_write_pointer_is_no_tag(void **state)
{
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	char err[256];
	uint64_t tags[4];

	(void)state;
	assert_int_equal(zw_dev_open("emu:zones=4,zone_size=1M,lba=4096,model=nullblk,data=tags", 0, &dev,
				     err, sizeof(err)), 0);
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	assert_int_equal(blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)), 0);
	assert_int_equal(run_bio(&bdev, &loop, REQ_OP_WRITE, 2048, 4096, 7, NULL), BLK_STS_OK);
	assert_int_equal(run_bio(&bdev, &loop, REQ_OP_READ, 2048, 4096, 0, tags), BLK_STS_OK);
	assert_int_equal(tags[0], 7);
	/* null_blk returns 0xFF above the write pointer: not a block a tag describes */
	assert_int_equal(run_bio(&bdev, &loop, REQ_OP_READ, 2048, 2 * 4096, 0, tags), BLK_STS_IOERR);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_tags_mode_device_reads_tags_directly),
		cmocka_unit_test(a_bytes_mode_device_is_read_as_bytes_and_decoded),
		cmocka_unit_test(null_blk_fill_above_the_write_pointer_is_no_tag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
