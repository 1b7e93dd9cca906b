// SPDX-License-Identifier: MIT
/*
 * The block layer after errors (issue 10): a split write reports the first
 * error of any part; the zone write plug after a refused or failed write;
 * which zone reports bring plugs back in sync.
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

struct rig {
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	unsigned int lbs;	/* sectors a block */
};

static void rig_open(struct rig *r, const char *spec)
{
	char err[256];

	assert_int_equal(zw_dev_open(spec, 0, &r->dev, err, sizeof(err)), 0);
	sim_loop_init(&r->loop, SIM_COMPLETE_FIFO, 1);
	assert_int_equal(blkdev_init(&r->bdev, r->dev, &r->loop, NULL, err, sizeof(err)), 0);
	r->lbs = r->dev->geo.lba_size >> SECTOR_SHIFT;
}

static void rig_close(struct rig *r)
{
	blkdev_free(&r->bdev);
	sim_loop_free(&r->loop);
	zw_dev_close(r->dev);
}

/* A write of @blocks at block @off of zone @zno, as zwsim zone run makes it; its status. */
static blk_status_t rig_write(struct rig *r, unsigned int zno, uint64_t off, uint64_t blocks)
{
	struct blk_dio dio;

	blk_dio_sync(&r->bdev, REQ_OP_WRITE, zno * r->dev->geo.zone_size + off * r->lbs,
		     blocks * r->lbs << SECTOR_SHIFT, NULL, 1, &dio);
	return dio.status;
}

static blk_status_t rig_mgmt(struct rig *r, enum req_op op, unsigned int zno)
{
	struct blk_dio dio;

	blk_dio_sync(&r->bdev, op, zno * r->dev->geo.zone_size, 0, NULL, 0, &dio);
	return dio.status;
}

/* The zone's write pointer in blocks from its start, from the device (no plug resync). */
static uint64_t dev_wp(struct rig *r, unsigned int zno)
{
	struct blk_zone z;

	assert_int_equal(zw_dev_report_zones(r->dev, zno, 1, &z), 1);
	return (z.wp - z.start) / r->lbs;
}

static void report(struct rig *r, unsigned int zno, unsigned int nr)
{
	struct blk_zone *zones = calloc(nr, sizeof(*zones));

	assert_non_null(zones);
	assert_int_equal(blkdev_report_zones(&r->bdev, zno, nr, zones), (int)nr);
	free(zones);
}

/* null_blk, 4 MiB zones of 3 MiB capacity, 4 KiB blocks: the example device */
#define NULLB_SMALL "emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=3,max_active=5"

/*
 * Class 1: `finish 2` then `write 2 1023 8`.  The front (block 1023 of the
 * full zone 2) is refused by the plug; the rest lands in zone 3.  Linux
 * reports -EIO for the whole write: __bio_chain_endio() gives the parent the
 * first error, and the parent's own successful completion does not clear it.
 */
static void a_split_write_whose_first_part_fails_reports_that_error(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, NULLB_SMALL);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 2), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 2, 1023, 8), BLK_STS_IOERR);
	/* the part in zone 3 reached the device */
	assert_int_equal(dev_wp(&r, 3), 7);
	rig_close(&r);
}

/*
 * Class 2(a): the plug of zone 3 saw its bio (the parent) complete with the
 * chained error and awaits a write pointer update
 * (blk_zone_write_plug_bio_endio()): a write at zone 3's true write pointer
 * fails -EIO until a report of zone 3 (disk_zone_wplug_sync_wp_offset()).
 */
static void the_plug_of_the_next_zone_awaits_a_report_after_such_a_write(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, NULLB_SMALL);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 2), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 2, 1023, 8), BLK_STS_IOERR);
	assert_int_equal(rig_write(&r, 3, 7, 1), BLK_STS_IOERR);
	assert_int_equal(rig_write(&r, 3, 7, 1), BLK_STS_IOERR);
	assert_int_equal(dev_wp(&r, 3), 7);
	report(&r, 3, 1);
	assert_int_equal(rig_write(&r, 3, 7, 1), BLK_STS_OK);
	assert_int_equal(dev_wp(&r, 3), 8);
	rig_close(&r);
}

/*
 * Class 2(a), a refused write: a write not at the write pointer is refused
 * by the plug itself (blk_zone_wplug_prepare_bio()), which completes it
 * with an error as a plugged bio (blk_zone_wplug_handle_write(),
 * bio_io_error() with BIO_ZONE_WRITE_PLUGGING set), so the plug awaits an
 * update: the next write, at the true write pointer, fails too, even in an
 * empty zone at offset 0 after a reset-less refusal.
 */
static void a_refused_write_leaves_the_plug_awaiting_an_update(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, NULLB_SMALL);
	assert_int_equal(rig_write(&r, 4, 0, 1), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 4, 5, 1), BLK_STS_IOERR);	/* misplaced */
	assert_int_equal(rig_write(&r, 4, 1, 1), BLK_STS_IOERR);	/* at the wp, still refused */
	report(&r, 4, 1);
	assert_int_equal(rig_write(&r, 4, 1, 1), BLK_STS_OK);
	/* a reset brings it back as well (blk_zone_reset_bio_endio()) */
	assert_int_equal(rig_write(&r, 4, 9, 1), BLK_STS_IOERR);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_RESET, 4), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 4, 0, 1), BLK_STS_OK);
	/* and a finish (blk_zone_finish_bio_endio()): the zone is then full */
	assert_int_equal(rig_write(&r, 4, 9, 1), BLK_STS_IOERR);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 4), BLK_STS_OK);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_RESET, 4), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 4, 0, 1), BLK_STS_OK);
	rig_close(&r);
}

/*
 * Class 2(b): a report of the whole device resyncs every plug that needs it
 * (disk_report_zone() is called for each zone reported), a report of
 * another zone none.
 */
static void a_whole_device_report_resyncs_every_plug(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, NULLB_SMALL);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 2), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 2, 1023, 8), BLK_STS_IOERR);
	report(&r, 2, 1);			/* the named zone only */
	assert_int_equal(rig_write(&r, 3, 7, 1), BLK_STS_IOERR);
	report(&r, 0, r.dev->nr_zones);		/* every zone */
	assert_int_equal(rig_write(&r, 3, 7, 1), BLK_STS_OK);
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_split_write_whose_first_part_fails_reports_that_error),
		cmocka_unit_test(the_plug_of_the_next_zone_awaits_a_report_after_such_a_write),
		cmocka_unit_test(a_refused_write_leaves_the_plug_awaiting_an_update),
		cmocka_unit_test(a_whole_device_report_resyncs_every_plug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
