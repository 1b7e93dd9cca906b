// SPDX-License-Identifier: MIT
/* Block-layer limits: a bio is split at max_segments as well as at max_sectors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blk.h"
#include "dev.h"
#include "log.h"

struct done { int n; blk_status_t sts; };

static void end_io(struct bio *bio)
{
	struct done *d = bio->bi_private;

	d->n++;
	d->sts = bio->bi_status;
	bio_put(bio);
}

static void a_bio_with_more_segments_than_the_limit_is_split_at_the_limit(void **state)
{
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	char err[256], *logbuf = NULL;
	size_t loglen = 0;
	struct zw_log log = { 0 };
	struct done d = { 0 };
	struct bio *bio;

	(void)state;
	assert_int_equal(zw_dev_open("emu:zones=4,zone_size=1M,lba=512,max_sectors=2048,model=zns", 0,
				     &dev, err, sizeof(err)), 0);
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	log.f = open_memstream(&logbuf, &loglen);
	log.clock = &loop.now;
	assert_int_equal(blkdev_init(&bdev, dev, &loop, &log, err, sizeof(err)), 0);
	assert_int_equal(bdev.lim.max_segments, 128);
	bio = bio_alloc(&bdev, 200, REQ_OP_WRITE, 0);
	for (int i = 0; i < 200; i++)
		assert_true(bio_add_data(bio, NULL, 1000 + (uint64_t)i, 512, NULL, 0));
	bio->bi_iter.bi_sector = 2048;	/* zone 1 */
	bio->bi_end_io = end_io;
	bio->bi_private = &d;
	submit_bio(bio);
	sim_run(&loop);
	fflush(log.f);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.sts, BLK_STS_OK);
	/* 200 sectors in 200 segments: the first 128 go first, the rest after */
	assert_non_null(strstr(logbuf, "\"ev\":\"bio_split\",\"id\":2,\"op\":\"write\",\"sector\":2048,\"bytes\":65536"));
	fclose(log.f);
	free(logbuf);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_bio_with_more_segments_than_the_limit_is_split_at_the_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
