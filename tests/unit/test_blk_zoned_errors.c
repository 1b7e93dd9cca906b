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

/* The block layer as zwsim zone run sets it up: commands complete inline, 7.2's rules. */
static void rig_open_rules(struct rig *r, const char *spec, enum blk_kernel_rules kernel)
{
	char err[256];

	assert_int_equal(zw_dev_open(spec, 0, &r->dev, err, sizeof(err)), 0);
	sim_loop_init(&r->loop, SIM_COMPLETE_FIFO, 1);
	assert_int_equal(blkdev_init(&r->bdev, r->dev, &r->loop, NULL, err, sizeof(err)), 0);
	r->bdev.kernel = kernel;
	r->bdev.complete_inline = true;
	r->lbs = r->dev->geo.lba_size >> SECTOR_SHIFT;
}

static void rig_open(struct rig *r, const char *spec)
{
	rig_open_rules(r, spec, BLK_KERNEL_7_2);
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

/* ZBC (tcmu-runner file_zbc in the VM tier): no native zone append, the plugs emulate it */
#define ZBC_SMALL "emu:model=zbc,zones=4,zone_size=4M,max_open=2"

/*
 * Class 2(a) on a device that emulates zone append, Linux 7.2: the plug's
 * own refusal of a misplaced write does not put it in recovery, so the
 * next write at the write pointer goes on without a report (VM tier, ZBC:
 * `write 3 403 1` -EIO then `write 3 401 294` OK); with 6.17's rules
 * (--kernel 6.17) the refused bio completes as a plugged one and
 * blk_zone_write_plug_bio_endio() sets NEED_WP_UPDATE.
 */
static void a_refusal_by_the_plug_needs_no_report_on_zbc_but_did_on_6_17(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, ZBC_SMALL);
	assert_int_equal(rig_write(&r, 3, 0, 4), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 3, 9, 1), BLK_STS_IOERR);
	assert_int_equal(rig_write(&r, 3, 4, 1), BLK_STS_OK);
	rig_close(&r);

	rig_open_rules(&r, ZBC_SMALL, BLK_KERNEL_6_17);
	assert_int_equal(rig_write(&r, 3, 0, 4), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 3, 9, 1), BLK_STS_IOERR);
	assert_int_equal(rig_write(&r, 3, 4, 1), BLK_STS_IOERR);
	rig_close(&r);
}

/*
 * Class 4: a write into a full ZBC zone has no plug to stop it (the plug
 * went when the zone was finished), so a new plug trusts the write and the
 * disk answers with its sense, 5h/24h/00h: BLK_STS_TARGET, -EREMOTEIO
 * (sd's scsi_io_completion()); a write at the write pointer of a closed
 * zone succeeds (the disk opens it again).  And a failed write that took
 * the plug's write pointer to the zone end leaves no plug behind
 * (disk_should_remove_zone_wplug() does not look at NEED_WP_UPDATE): the
 * next misplaced write reaches the disk too.
 */
static void zbc_writes_to_full_zones_reach_the_disk_and_closed_zones_take_writes(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, ZBC_SMALL);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 1), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 1, 5, 1), BLK_STS_TARGET);
	assert_int_equal(rig_write(&r, 2, 0, 3), BLK_STS_OK);
	assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_CLOSE, 2), BLK_STS_OK);
	assert_int_equal(rig_write(&r, 2, 3, 1), BLK_STS_OK);
	assert_int_equal(dev_wp(&r, 2), 4);
	/* zone 3 empty: a write at its last block fails at the disk, the plug goes */
	assert_int_equal(rig_write(&r, 3, 1023, 1), BLK_STS_TARGET);
	assert_int_equal(rig_write(&r, 3, 2, 1), BLK_STS_TARGET);
	rig_close(&r);
}

/*
 * The first dio bio's status is the whole write's (blkdev_bio_end_io()):
 * `write 1 1023 264` on ZBC is two bios (1 MiB, then 8 blocks); the first
 * one's front in zone 1 fails at the disk (not at the empty zone's write
 * pointer), which makes the first bio's status TARGET at once
 * (__bio_chain_endio()); its rest in zone 2 then completes with that error,
 * so zone 2's plug fails the second bio (-EIO: aborted, or refused when it
 * comes later): the write still reports -EREMOTEIO (VM tier, ZBC, seed 7).
 */
static void the_first_dio_bio_error_wins_over_an_aborted_later_bio(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, ZBC_SMALL);
	assert_int_equal(rig_write(&r, 1, 1023, 264), BLK_STS_TARGET);
	rig_close(&r);
}

/*
 * Class 3: which error a split write reports when a part hits the active
 * limit.  The parent bio's own device error replaces the chained one
 * (req_bio_endio() sets bi_status on error), as does a plug's refusal
 * (bio_io_error()): `write 7 1021 32` (3 blocks past zone 7's capacity,
 * refused, then 29 at the start of the empty zone 8, refused by the device
 * at the active limit) is -EOVERFLOW; `write 9 0 35` (31 + 4 blocks into an
 * empty zone at the limit) is -EIO: the front completes first, so the plug
 * refuses the rest (were it queued, it would be aborted: -EIO too).  As the
 * VM tier shows them (null_blk small zones+limits).
 */
static void a_split_write_at_the_active_limit_reports_as_linux_does(void **state)
{
	static const char *const specs[] = {
		"emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_open=3,max_active=5,max_sectors=248",
		"emu:model=zns,zones=16,zone_size=4M,zone_cap=3M,max_open=3,max_active=5,max_sectors=248",
	};

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct rig r;

		rig_open(&r, specs[i]);
		for (unsigned int z = 2; z < 7; z++)
			assert_int_equal(rig_write(&r, z, 0, 1), BLK_STS_OK);
		assert_int_equal(rig_write(&r, 7, 1021, 32), BLK_STS_ZONE_ACTIVE_RESOURCE);
		assert_int_equal(rig_write(&r, 9, 0, 35), BLK_STS_IOERR);
		rig_close(&r);
	}
}

/*
 * null_blk completes a command before the block layer submits the next
 * part of a split write (blk_dispatch(), complete_inline): `write 8 766 48`
 * into an empty zone fails at its front (not at the write pointer), whose
 * plug, its write pointer past the capacity, goes; the rest then makes a
 * new plug that is full, refuses it, and (native zone append) awaits an
 * update: `write 8 0 60` fails -EIO, as on Linux 7.2 (VM tier, null_blk
 * small zones+limits, seed 3, no reports).  Were the rest queued behind
 * the front (a device completing later), it would be aborted and the next
 * write would succeed.
 */
static void null_blk_completes_before_the_next_part_is_submitted(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, "emu:model=nullblk,zones=16,zone_size=4M,zone_cap=3M,conv=2,max_sectors=248");
	assert_int_equal(rig_write(&r, 8, 766, 48), BLK_STS_IOERR);
	assert_int_equal(rig_write(&r, 8, 0, 60), BLK_STS_IOERR);
	r.bdev.complete_inline = false;
	report(&r, 0, r.dev->nr_zones);
	assert_int_equal(rig_write(&r, 9, 766, 48), BLK_STS_IOERR);
	assert_int_equal(rig_write(&r, 9, 0, 60), BLK_STS_OK);
	rig_close(&r);
}

/*
 * The completion orders of a race point (zwsim zone run --race).  A failed
 * front of a split write (the same write as above, on ZNS): inline, the
 * rest meets a plug gone, makes a full new one that refuses it and awaits
 * an update, so the next write at 0 fails; completed late (BLK_RACE_LATE,
 * the device completing after the submitter went on) it finds the rest
 * queued and aborts it, no plug is left and the next write succeeds (QEMU's
 * ZNS, seed 2 of the VM tier: `write 9 12286 370` then `write 9 0 199`);
 * finished late (BLK_RACE_FINISH_LATE) the rest is refused from the plug's
 * list, and the idle plug, full by its count, goes (7.2): the next write
 * succeeds too.  Each point met is counted.
 */
static void a_race_point_completes_as_it_is_told(void **state)
{
	static const struct {
		const char *race;
		blk_status_t next;
	} cases[] = {
		{ "", BLK_STS_IOERR }, { "0", BLK_STS_IOERR }, { "2", BLK_STS_OK }, { "1", BLK_STS_OK },
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig r;

		rig_open(&r, "emu:model=zns,zones=16,zone_size=4M,zone_cap=3M,max_sectors=248");
		r.bdev.race = cases[i].race;
		assert_int_equal(rig_write(&r, 8, 766, 48), BLK_STS_IOERR);
		assert_int_equal(r.bdev.nr_races, 1);
		assert_int_equal(rig_write(&r, 8, 0, 60), cases[i].next);
		assert_int_equal(dev_wp(&r, 8), cases[i].next == BLK_STS_OK ? 60 : 0);
		rig_close(&r);
	}
}

/*
 * A program woken by a failed write issues its next one before the block
 * layer has finished the request (BLK_RACE_FINISH_LATE; tcmu-runner's ZBC,
 * seed 18 of the VM tier, no reports): `write 15 1020 4` at the end of the
 * empty last zone reaches the disk (-EREMOTEIO); the next `write 15 0 159`
 * meets its plug still plugged and is refused from the list (-EIO), the
 * idle plug goes, and `write 15 0 145` starts a new one and is written.
 * Inline, the plug goes first: 159 blocks written, 145 refused (not at the
 * write pointer).
 */
static void a_write_after_a_failed_one_can_meet_its_plug_still_plugged(void **state)
{
	static const char *const races[] = { "", "1" };

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct rig r;

		rig_open(&r, "emu:model=zbc,zones=16,zone_size=4M,conv=2,max_open=4");
		r.bdev.race = races[i];
		assert_int_equal(rig_write(&r, 15, 1020, 4), BLK_STS_TARGET);
		assert_int_equal(rig_write(&r, 15, 0, 159), i ? BLK_STS_IOERR : BLK_STS_OK);
		assert_int_equal(rig_write(&r, 15, 0, 145), i ? BLK_STS_OK : BLK_STS_IOERR);
		assert_int_equal(dev_wp(&r, 15), i ? 145 : 159);
		rig_close(&r);
	}
}

/*
 * Linux 7.2's dead plugs (BLK_ZONE_WPLUG_DEAD), as tcmu-runner's ZBC disk
 * showed them (seed 5 of the VM tier, about one run in a hundred): a write
 * into an empty zone off its write pointer reaches the disk and fails; the
 * program, woken, reports the zones before the block layer has finished
 * the request, which marks the plug of the now empty zone dead but keeps
 * it; the next write, split across the full zone before and this one,
 * revives it at sector 0 and queues its parts behind it; the late finish
 * (BLK_RACE_FINISH_AFTER_WRITE) finds the zone empty by the plug's count
 * and marks it dead again; the parts are written (205 blocks) and the plug
 * then goes, so a write off the write pointer at the zone's end starts a
 * new plug at its own offset and reaches the disk (-EREMOTEIO) where the
 * inline order's plug refuses it (-EIO).  6.17 had no dead plugs: its plug
 * survives, -EIO either way.
 */
static void a_plug_made_dead_while_in_use_goes_once_idle(void **state)
{
	static const char spec[] = "emu:model=zbc,zones=16,zone_size=4M,conv=2,max_open=4,max_sectors=1024";
	static const struct {
		enum blk_kernel_rules rules;
		const char *race;
		blk_status_t last;
	} cases[] = {
		{ BLK_KERNEL_7_2, "", BLK_STS_IOERR },
		{ BLK_KERNEL_7_2, "1", BLK_STS_IOERR },	/* finished after the next bio only: the plug goes first */
		{ BLK_KERNEL_7_2, "3", BLK_STS_TARGET },
		{ BLK_KERNEL_6_17, "3", BLK_STS_IOERR },
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig r;

		rig_open_rules(&r, spec, cases[i].rules);
		r.bdev.race = cases[i].race;
		assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 2), BLK_STS_OK);
		assert_int_equal(rig_write(&r, 3, 3, 3), BLK_STS_TARGET);
		report(&r, 0, r.dev->nr_zones);
		assert_int_equal(rig_write(&r, 2, 1023, 206), BLK_STS_TARGET);
		assert_int_equal(dev_wp(&r, 3), 205);
		report(&r, 0, r.dev->nr_zones);
		assert_int_equal(r.bdev.zone_wplugs[3] != NULL, cases[i].last == BLK_STS_IOERR);
		assert_int_equal(rig_write(&r, 3, 1023, 2), cases[i].last);
		assert_int_equal(dev_wp(&r, 3), 205);
		rig_close(&r);
	}
}

/*
 * A finish that the device refuses (null_blk at its active limit) leaves
 * the zone's plug as it was, still awaiting an update: the plugs' write
 * pointers follow a reset or finish only when it succeeds
 * (blk_zone_mgmt_bio_endio(), Linux 7.0/7.2; VM tier, null_blk conv+limits,
 * seed 2).  6.17 set them at submission.
 */
static void a_refused_finish_leaves_the_plug_awaiting_an_update(void **state)
{
	static const char spec[] = "emu:model=nullblk,zones=16,zone_size=64k,conv=2,max_active=3";
	enum blk_kernel_rules rules[] = { BLK_KERNEL_7_2, BLK_KERNEL_6_17 };

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct rig r;

		rig_open_rules(&r, spec, rules[i]);
		for (unsigned int z = 3; z < 6; z++)	/* three active zones: the limit */
			assert_int_equal(rig_write(&r, z, 0, 1), BLK_STS_OK);
		/* the front in conventional zone 1 is written, the rest fails in zone 2 */
		assert_int_equal(rig_write(&r, 1, 14, 4), BLK_STS_ZONE_ACTIVE_RESOURCE);
		/* zone 2's plug awaits an update; its finish is refused at the limit */
		assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_FINISH, 2), BLK_STS_ZONE_ACTIVE_RESOURCE);
		assert_int_equal(rig_mgmt(&r, REQ_OP_ZONE_RESET, 3), BLK_STS_OK);
		assert_int_equal(rig_write(&r, 2, 0, 1),
				 rules[i] == BLK_KERNEL_7_2 ? BLK_STS_IOERR : BLK_STS_OK);
		rig_close(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_split_write_whose_first_part_fails_reports_that_error),
		cmocka_unit_test(the_plug_of_the_next_zone_awaits_a_report_after_such_a_write),
		cmocka_unit_test(a_refused_write_leaves_the_plug_awaiting_an_update),
		cmocka_unit_test(a_whole_device_report_resyncs_every_plug),
		cmocka_unit_test(a_refusal_by_the_plug_needs_no_report_on_zbc_but_did_on_6_17),
		cmocka_unit_test(zbc_writes_to_full_zones_reach_the_disk_and_closed_zones_take_writes),
		cmocka_unit_test(the_first_dio_bio_error_wins_over_an_aborted_later_bio),
		cmocka_unit_test(a_split_write_at_the_active_limit_reports_as_linux_does),
		cmocka_unit_test(null_blk_completes_before_the_next_part_is_submitted),
		cmocka_unit_test(a_race_point_completes_as_it_is_told),
		cmocka_unit_test(a_plug_made_dead_while_in_use_goes_once_idle),
		cmocka_unit_test(a_write_after_a_failed_one_can_meet_its_plug_still_plugged),
		cmocka_unit_test(a_refused_finish_leaves_the_plug_awaiting_an_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
