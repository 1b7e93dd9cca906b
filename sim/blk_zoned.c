// SPDX-License-Identifier: MIT
/*
 * Zone write plugging, as block/blk-zoned.c has it since Linux 6.13 (so in
 * 6.17): at most one write in flight per sequential zone, later writes
 * queued in order, the plug's own copy of the write pointer (advanced at
 * submission, so misplaced writes fail before the device sees them), zone
 * append emulated with writes for devices without it, and the
 * NEED_WP_UPDATE recovery after a failed write.
 *
 * Simplifications (docs/architecture.md): plugs sit in an array indexed by
 * zone instead of a hash with a mempool, so plug allocation never fails;
 * the work item that issues the next plugged bio is an event with no delay;
 * queued bios are not merged into larger requests.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "blk.h"
#include "log.h"

static unsigned int bio_zone_no(const struct bio *bio)
{
	return (unsigned int)(bio->bi_iter.bi_sector / bio->bi_bdev->zone_size);
}

static sector_t bio_offset_from_zone_start(const struct bio *bio)
{
	return bio->bi_iter.bi_sector % bio->bi_bdev->zone_size;
}

/* disk_zone_is_full(): the plug's wp is at the zone's capacity. */
static bool wplug_is_full(const struct block_device *bdev, const struct blk_zone_wplug *zwplug)
{
	return zwplug->wp_offset >= bdev->zone_capacity[zwplug->zone_no];
}

static void wplug_bio_list_add(struct blk_zone_wplug *zwplug, struct bio *bio)
{
	bio->bi_next = NULL;
	if (zwplug->bio_tail)
		zwplug->bio_tail->bi_next = bio;
	else
		zwplug->bio_head = bio;
	zwplug->bio_tail = bio;
}

static struct bio *wplug_bio_list_pop(struct blk_zone_wplug *zwplug)
{
	struct bio *bio = zwplug->bio_head;

	if (bio) {
		zwplug->bio_head = bio->bi_next;
		if (!zwplug->bio_head)
			zwplug->bio_tail = NULL;
		bio->bi_next = NULL;
	}
	return bio;
}

/* disk_zone_wplug_abort(): fail every plugged bio. */
static void disk_zone_wplug_abort(struct blk_zone_wplug *zwplug)
{
	struct bio *bio;

	while ((bio = wplug_bio_list_pop(zwplug))) {
		bio->bi_flags &= ~BIO_ZONE_WRITE_PLUGGING;
		zone_result_ok(&bio->bi_res);
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "aborted in the write plug of zone %u after an earlier write failed",
			 zwplug->zone_no);
		bio->bi_res.status = BLK_STS_IOERR;
		bio_io_error(bio);
	}
}

/*
 * disk_should_remove_zone_wplug(): idle plugs of empty or full zones go
 * away, also one awaiting a write pointer update (only PLUGGED keeps it):
 * a failed write that took the plug's write pointer to the zone's end
 * leaves no plug, and the next write to the zone starts a new one that
 * trusts it (Linux 7.0 block/blk-zoned.c; seen on 7.2: a write to such a
 * zone reaches the device, ZBC answers -EREMOTEIO).
 */
static void disk_zone_wplug_maybe_remove(struct block_device *bdev, struct blk_zone_wplug *zwplug)
{
	if ((zwplug->flags & BLK_ZONE_WPLUG_PLUGGED) || zwplug->bio_head)
		return;
	if (!(zwplug->flags & BLK_ZONE_WPLUG_DEAD) && zwplug->wp_offset && !wplug_is_full(bdev, zwplug))
		return;
	zw_log_plug(bdev->log, "zone_plug_remove", zwplug->zone_no, zwplug->wp_offset, NULL);
	bdev->zone_wplugs[zwplug->zone_no] = NULL;
	free(zwplug);
}

/*
 * Linux 7.2, disk_mark_zone_wplug_dead(): a plug whose zone is empty or full
 * by its count is dead, also while still in use; it goes when idle
 * (disk_zone_wplug_maybe_remove()).  6.17 has no such state.
 */
static void disk_zone_wplug_mark_dead_if_done(struct block_device *bdev, struct blk_zone_wplug *zwplug)
{
	if (bdev->kernel != BLK_KERNEL_6_17 && (!zwplug->wp_offset || wplug_is_full(bdev, zwplug)))
		zwplug->flags |= BLK_ZONE_WPLUG_DEAD;
}

/* disk_zone_wplug_set_wp_offset(): a known write pointer puts the plug back in a good state. */
static void disk_zone_wplug_set_wp_offset(struct block_device *bdev,
					  struct blk_zone_wplug *zwplug, sector_t wp_offset)
{
	zwplug->flags &= ~BLK_ZONE_WPLUG_NEED_WP_UPDATE;
	zwplug->wp_offset = wp_offset;
	disk_zone_wplug_mark_dead_if_done(bdev, zwplug);
	disk_zone_wplug_abort(zwplug);
	zw_log_plug(bdev->log, "zone_plug_wp", zwplug->zone_no, wp_offset, NULL);
	if (!(zwplug->flags & BLK_ZONE_WPLUG_PLUGGED))
		disk_zone_wplug_maybe_remove(bdev, zwplug);
}

/* blk_zone_wp_offset(): what a zone report says the write pointer is. */
static sector_t blk_zone_wp_offset(const struct blk_zone *zone)
{
	switch (zone->cond) {
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
	case BLK_ZONE_COND_CLOSED:
		return zone->wp - zone->start;
	case BLK_ZONE_COND_EMPTY:
		return 0;
	default:
		return UINT32_MAX;	/* full, read-only, offline: treated as full */
	}
}

static struct blk_zone_wplug *disk_get_and_alloc_zone_wplug(struct block_device *bdev,
							    unsigned int zno, sector_t wp_offset)
{
	struct blk_zone_wplug *zwplug = bdev->zone_wplugs[zno];

	if (zwplug)
		return zwplug;
	zwplug = calloc(1, sizeof(*zwplug));
	if (!zwplug)
		return NULL;
	zwplug->zone_no = zno;
	/* A new plug trusts the first write: its offset becomes the plug's wp. */
	zwplug->wp_offset = wp_offset;
	bdev->zone_wplugs[zno] = zwplug;
	zw_log_plug(bdev->log, "zone_plug_new", zno, wp_offset, NULL);
	return zwplug;
}

void blk_zone_wplug_sync(struct block_device *bdev, const struct blk_zone *zone,
			 unsigned int zno)
{
	struct blk_zone_wplug *zwplug = bdev->zone_wplugs[zno];

	if (zwplug && (zwplug->flags & BLK_ZONE_WPLUG_NEED_WP_UPDATE))
		disk_zone_wplug_set_wp_offset(bdev, zwplug, blk_zone_wp_offset(zone));
}

/* blk_zone_wplug_prepare_bio(): false when the bio must fail. */
static bool blk_zone_wplug_prepare_bio(struct blk_zone_wplug *zwplug, struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	if (zwplug->flags & BLK_ZONE_WPLUG_NEED_WP_UPDATE) {
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "zone %u's write plug awaits a write pointer update (a zone report, reset or finish) after a failed write",
			 zwplug->zone_no);
		return false;
	}
	if (wplug_is_full(bdev, zwplug)) {
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "zone %u is full according to its write plug", zwplug->zone_no);
		return false;
	}
	if (bio->bi_op == REQ_OP_ZONE_APPEND) {
		/* Emulated append: a write at the plug's wp, flagged to turn back at completion. */
		bio->bi_op = REQ_OP_WRITE;
		bio->bi_opf |= REQ_NOMERGE;
		bio->bi_iter.bi_sector += zwplug->wp_offset;
		bio->bi_flags |= BIO_EMULATES_ZONE_APPEND;
	} else if (bio_offset_from_zone_start(bio) != zwplug->wp_offset) {
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "write at sector %" PRIu64 " is not at the write pointer %" PRIu64 " of zone %u (the zone write plug refuses it)",
			 bio->bi_iter.bi_sector,
			 (sector_t)zwplug->zone_no * bdev->zone_size + zwplug->wp_offset, zwplug->zone_no);
		return false;
	}
	/* Optimistic: the plug's wp moves at submission. */
	zwplug->wp_offset += bio_sectors(bio);
	return true;
}

static void blk_zone_wplug_fail(struct bio *bio)
{
	/* the plug's own refusal: no device code */
	bio->bi_res.nvme_status = 0;
	bio->bi_res.sense_key = bio->bi_res.asc = bio->bi_res.ascq = 0;
	bio->bi_res.status = BLK_STS_IOERR;
	bio_io_error(bio);
}

/*
 * A write the plug refuses at submission (blk_zone_wplug_prepare_bio()
 * failed in blk_zone_wplug_handle_write()): -EIO, and
 * - Linux 7.2: the bio is failed as no longer plugged, so the plug does not
 *   enter error recovery: the next write at the plug's write pointer goes
 *   on (observed on Linux 7.2.13 in the VM tier: a misplaced write to a
 *   partly written zone, then a write at its write pointer, succeeds with
 *   no zone report between them; docs/zone-model.md);
 * - Linux 6.17 (and the 7.0 source read, blob fd0ae47): the bio still
 *   carries BIO_ZONE_WRITE_PLUGGING when bio_io_error() completes it, so
 *   blk_zone_write_plug_bio_endio() sees an error and sets NEED_WP_UPDATE:
 *   every later write to the zone fails until a report, reset or finish.
 * A bio refused later, from the plug's list (blk_zone_wplug_bio_work()), is
 * failed unplugged by both (blk_zone_wplug_bio_io_error()).
 */
static void blk_zone_wplug_refuse(struct blk_zone_wplug *zwplug, struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	if (bdev->kernel == BLK_KERNEL_6_17 || bdev->lim.max_hw_zone_append_sectors) {
		blk_zone_wplug_fail(bio);
		return;
	}
	bio->bi_flags &= ~BIO_ZONE_WRITE_PLUGGING;
	blk_zone_wplug_fail(bio);
	/*
	 * And an idle plug that the refused write made for a full zone (its
	 * offset past the capacity) goes: the next write to the zone starts a
	 * new one (seen on 7.2: after a write between a zone's capacity and
	 * its end, a write at the start of the empty zone reaches null_blk).
	 */
	disk_zone_wplug_maybe_remove(bdev, zwplug);
}

/* blk_zone_wplug_handle_write() */
static bool blk_zone_wplug_handle_write(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	unsigned int zno = bio_zone_no(bio);
	struct blk_zone_wplug *zwplug;

	if (!bdev->zone_is_seq[zno]) {
		if (bio->bi_op == REQ_OP_ZONE_APPEND) {
			snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
				 "zone append to conventional zone %u", zno);
			blk_zone_wplug_fail(bio);
			return true;
		}
		return false;
	}
	if (bio_offset_from_zone_start(bio) + bio_sectors(bio) > bdev->zone_size) {
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "bio straddles the end of zone %u", zno);
		blk_zone_wplug_fail(bio);
		return true;
	}
	zwplug = disk_get_and_alloc_zone_wplug(bdev, zno, bio_offset_from_zone_start(bio));
	if (!zwplug) {
		blk_zone_wplug_fail(bio);
		return true;
	}
	/*
	 * disk_check_zone_wplug_dead() (7.2): a dead plug still in use comes
	 * back to life for a write into its empty zone with nothing queued
	 * (the zone reset, its last write not yet finished); any other write
	 * meeting it went to a full zone or raced a reset or finish: -EIO.
	 */
	if (zwplug->flags & BLK_ZONE_WPLUG_DEAD) {
		if (zwplug->wp_offset || zwplug->bio_head) {
			snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
				 "zone %u's write plug is dead (the zone went empty or full while writes to it were in flight)",
				 zno);
			blk_zone_wplug_fail(bio);
			return true;
		}
		zwplug->flags &= ~BLK_ZONE_WPLUG_DEAD;
		zw_log_plug(bdev->log, "zone_plug_revive", zno, zwplug->wp_offset, bio);
	}
	bio->bi_flags |= BIO_ZONE_WRITE_PLUGGING;
	if (zwplug->flags & BLK_ZONE_WPLUG_PLUGGED) {
		wplug_bio_list_add(zwplug, bio);
		zw_log_plug(bdev->log, "zone_plug_queue", zno, zwplug->wp_offset, bio);
		return true;
	}
	if (!blk_zone_wplug_prepare_bio(zwplug, bio)) {
		blk_zone_wplug_refuse(zwplug, bio);
		return true;
	}
	zwplug->flags |= BLK_ZONE_WPLUG_PLUGGED;
	return false;
}

/* blk_zone_wplug_handle_native_zone_append(): a plug here means writes and appends were mixed. */
static void blk_zone_wplug_handle_native_zone_append(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	struct blk_zone_wplug *zwplug = bdev->zone_wplugs[bio_zone_no(bio)];

	if (!zwplug)
		return;
	disk_zone_wplug_abort(zwplug);
	zwplug->flags &= ~BLK_ZONE_WPLUG_NEED_WP_UPDATE;
	if (!(zwplug->flags & BLK_ZONE_WPLUG_PLUGGED)) {
		zw_log_plug(bdev->log, "zone_plug_remove", zwplug->zone_no, zwplug->wp_offset, NULL);
		bdev->zone_wplugs[zwplug->zone_no] = NULL;
		free(zwplug);
	}
}

/* The plugs' write pointers after a reset, reset all or finish. */
static void blk_zone_mgmt_set_wp(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	switch (bio->bi_op) {
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_FINISH:
		if (bdev->zone_wplugs[bio_zone_no(bio)])
			disk_zone_wplug_set_wp_offset(bdev, bdev->zone_wplugs[bio_zone_no(bio)],
						      bio->bi_op == REQ_OP_ZONE_RESET ? 0 : bdev->zone_size);
		break;
	case REQ_OP_ZONE_RESET_ALL:
		for (unsigned int i = 0; i < bdev->nr_zones; i++)
			if (bdev->zone_wplugs[i])
				disk_zone_wplug_set_wp_offset(bdev, bdev->zone_wplugs[i], 0);
		break;
	default:
		break;
	}
}

/*
 * blk_zone_mgmt_bio_endio() (Linux 7.0, so 7.2): a reset, reset all or
 * finish sets the plugs' write pointers when it completes, and only if it
 * succeeded: a finish the device refuses (the active limit) leaves a plug
 * awaiting an update as it was.  6.17 set them at submission
 * (blk_zone_wplug_handle_reset_or_finish()), whatever the device said.
 */
void blk_zone_mgmt_bio_endio(struct bio *bio)
{
	if (bio->bi_bdev->kernel != BLK_KERNEL_6_17 && !bio->bi_status)
		blk_zone_mgmt_set_wp(bio);
}

/* blk_zone_wplug_handle_zone_mgmt() */
static bool blk_zone_wplug_handle_zone_mgmt(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	unsigned int zno = bio_zone_no(bio);

	if (bio->bi_op != REQ_OP_ZONE_RESET_ALL && !bdev->zone_is_seq[zno]) {
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "%s of conventional zone %u (the block layer refuses it)",
			 req_op_name(bio->bi_op), zno);
		blk_zone_wplug_fail(bio);
		return true;
	}
	if (bdev->kernel == BLK_KERNEL_6_17)
		blk_zone_mgmt_set_wp(bio);
	return false;
}

bool blk_zone_plug_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	switch (bio->bi_op) {
	case REQ_OP_ZONE_APPEND:
		if (bdev->lim.max_hw_zone_append_sectors) {
			blk_zone_wplug_handle_native_zone_append(bio);
			return false;
		}
		return blk_zone_wplug_handle_write(bio);
	case REQ_OP_WRITE:
		/* zwsim's switch: without plugging a write goes to the device at once */
		if (bdev->opts.no_zone_wplug)
			return false;
		return blk_zone_wplug_handle_write(bio);
	case REQ_OP_ZONE_RESET:
	case REQ_OP_ZONE_FINISH:
	case REQ_OP_ZONE_RESET_ALL:
		return blk_zone_wplug_handle_zone_mgmt(bio);
	default:
		return false;
	}
}

void blk_zone_write_plug_bio_endio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	struct blk_zone_wplug *zwplug = bdev->zone_wplugs[bio_zone_no(bio)];

	bio->bi_flags &= ~BIO_ZONE_WRITE_PLUGGING;
	if (bio->bi_flags & BIO_EMULATES_ZONE_APPEND) {
		/* bi_sector already says where the data went. */
		bio->bi_op = REQ_OP_ZONE_APPEND;
		bio->bi_flags &= ~BIO_EMULATES_ZONE_APPEND;
	}
	if (bio->bi_status && zwplug) {
		disk_zone_wplug_abort(zwplug);
		zwplug->flags |= BLK_ZONE_WPLUG_NEED_WP_UPDATE;
		zw_log_plug(bdev->log, "zone_plug_error", zwplug->zone_no, zwplug->wp_offset, bio);
	}
}

/* bio_work: issue the next plugged bio that passes preparation. */
static void blk_zone_wplug_bio_work(void *arg)
{
	struct blk_zone_wplug *zwplug = arg;
	struct block_device *bdev = NULL;
	struct bio *bio;

	while ((bio = wplug_bio_list_pop(zwplug))) {
		bdev = bio->bi_bdev;
		if (blk_zone_wplug_prepare_bio(zwplug, bio)) {
			blk_dispatch(bio);
			return;
		}
		/* blk_zone_wplug_bio_io_error(): failed as no longer plugged */
		bio->bi_flags &= ~BIO_ZONE_WRITE_PLUGGING;
		blk_zone_wplug_fail(bio);
	}
	zwplug->flags &= ~BLK_ZONE_WPLUG_PLUGGED;
	/*
	 * Every bio refused: the plug is idle, and on Linux 7.2 it goes if its
	 * zone is empty or full by its count (rule 2c), as after an unplug
	 * (disk_zone_wplug_unplug_bio()): seen on ZBC in the VM tier, a write
	 * queued behind a failed one at a zone's end, refused from the list,
	 * then the next write at the zone's start reaching the disk (7.0's
	 * blk_zone_wplug_bio_work() and 6.17 leave the plug).
	 */
	if (bdev && bdev->kernel != BLK_KERNEL_6_17)
		disk_zone_wplug_maybe_remove(bdev, zwplug);
}

void blk_zone_write_plug_finish_request(struct block_device *bdev, unsigned int zno)
{
	struct blk_zone_wplug *zwplug = bdev->zone_wplugs[zno];

	if (!zwplug)
		return;
	/* disk_zone_wplug_unplug_bio() (7.2): empty or full by its count, dead, queued bios or not */
	disk_zone_wplug_mark_dead_if_done(bdev, zwplug);
	if (zwplug->bio_head) {
		/* disk_zone_wplug_schedule_bio_work(): the next bio goes from a work item. */
		if (sim_schedule(bdev->loop, 0, blk_zone_wplug_bio_work, zwplug))
			blk_zone_wplug_bio_work(zwplug);
		return;
	}
	zwplug->flags &= ~BLK_ZONE_WPLUG_PLUGGED;
	disk_zone_wplug_maybe_remove(bdev, zwplug);
}

int blk_zone_wplugs_init(struct block_device *bdev, const struct blk_zone *zones)
{
	bdev->zone_wplugs = calloc(bdev->nr_zones, sizeof(*bdev->zone_wplugs));
	if (!bdev->zone_wplugs)
		return -1;
	/* blk_revalidate_zone_cb(): with emulated append, partly written zones get a plug. */
	if (bdev->lim.max_hw_zone_append_sectors)
		return 0;
	for (unsigned int i = 0; i < bdev->nr_zones; i++) {
		sector_t wp = blk_zone_wp_offset(&zones[i]);

		if (bdev->zone_is_seq[i] && wp && wp < bdev->zone_capacity[i] &&
		    !disk_get_and_alloc_zone_wplug(bdev, i, wp))
			return -1;
	}
	return 0;
}

void blk_zone_wplugs_free(struct block_device *bdev)
{
	for (unsigned int i = 0; bdev->zone_wplugs && i < bdev->nr_zones; i++)
		free(bdev->zone_wplugs[i]);
	free(bdev->zone_wplugs);
	bdev->zone_wplugs = NULL;
}
