/* SPDX-License-Identifier: MIT */
/*
 * The block layer between a user of a device and the device: bio checks
 * and splitting (block/blk-core.c, block/blk-merge.c), zone write plugging
 * (block/blk-zoned.c, as of Linux 6.17), and dispatch to a zw_dev whose
 * completions arrive as events on a sim_loop.
 */
#ifndef ZWSIM_BLK_H
#define ZWSIM_BLK_H

#include <stdbool.h>
#include <stdio.h>

#include "bio.h"
#include "dev.h"
#include "event.h"

struct zw_log;

/* struct queue_limits, the part that shapes I/O to a zoned device. */
struct queue_limits {
	unsigned int logical_block_size;
	unsigned int max_hw_sectors;
	unsigned int max_sectors;		/* split size, rounded to the block */
	unsigned int max_segments;		/* segments in one command */
	unsigned int chunk_sectors;		/* the zone size: bios never cross it */
	unsigned int max_hw_zone_append_sectors;	/* the driver's; 0: emulated */
	unsigned int max_zone_append_sectors;	/* what users may send */
	unsigned int max_open_zones, max_active_zones;
};

/* Zone write plug flags (BLK_ZONE_WPLUG_*) */
#define BLK_ZONE_WPLUG_PLUGGED		(1u << 0)
#define BLK_ZONE_WPLUG_NEED_WP_UPDATE	(1u << 1)
/*
 * Linux 7.2's BLK_ZONE_WPLUG_DEAD: the zone went empty or full (a reset,
 * finish or report said so, or an unplug found it so) while the plug was
 * still in use; it goes once idle, whatever its write pointer has become
 * by then (disk_mark_zone_wplug_dead(), the last disk_put_zone_wplug()).
 */
#define BLK_ZONE_WPLUG_DEAD		(1u << 2)

struct blk_zone_wplug {
	unsigned int zone_no;
	unsigned int flags;
	sector_t wp_offset;		/* sectors from the zone start, advanced at submission */
	struct bio *bio_head, *bio_tail;	/* plugged bios, FIFO */
};

/*
 * Whose block-layer rules the model follows where kernels differ (zwsim's
 * `--kernel 7.2|6.17`, like the xfs mount option kernel=): Linux 7.2, the VM
 * tier's kernel, by default.  docs/zone-model.md, "Kernel versions".
 */
enum blk_kernel_rules {
	BLK_KERNEL_7_2 = 0,
	BLK_KERNEL_6_17,
};

/*
 * zwsim's switches, to show what the kernel's ordering guarantees are for
 * (docs/check.md); set after blkdev_init(), both false by default.
 */
struct blk_opts {
	/* no zone write plugging: writes to a zone go to the device as they come, several in flight */
	bool no_zone_wplug;
	/*
	 * zone appends processed in submission order, like zloop's
	 * ordered_zone_append; off: an emulated device processes each append
	 * when it completes, in the completion policy's order
	 */
	bool ordered_zone_append;
};

struct block_device {
	struct zw_dev *dev;
	enum blk_kernel_rules kernel;
	/*
	 * Commands complete before the next one is submitted (the device
	 * finishes them in the submitter's context): see blk_dispatch().
	 */
	bool complete_inline;
	/*
	 * zwsim's completion races (zwsim zone run --race): with
	 * complete_inline, a failed plugged write is a race point, numbered in
	 * order from 0, and race[n] chooses how it completes against the
	 * submitter (BLK_RACE_*; past the string's end, or NULL: inline).  On
	 * a device that completes in an interrupt (QEMU's NVMe, tcmu-runner's
	 * ZBC) the kernel can take any of them (docs/fidelity.md, "Zone
	 * scripts").  nr_races counts the points met; late_finish, 1 + the
	 * zone whose request is finished after the next submission
	 * (BLK_RACE_FINISH_LATE), or after the next write whole
	 * (late_finish_whole: BLK_RACE_FINISH_AFTER_WRITE), 0 for none;
	 * submit_depth, submit_bio() calls under way.
	 */
	const char *race;
	unsigned int nr_races;
	unsigned int late_finish;
	bool late_finish_whole;
	unsigned int submit_depth;
	struct blk_opts opts;
	struct sim_loop *loop;
	struct zw_log *log;
	struct queue_limits lim;
	unsigned int nr_zones;
	uint8_t *zone_is_seq;			/* conv_zones_bitmap, inverted */
	sector_t *zone_capacity;		/* per zone, for the plug's fullness test */
	sector_t zone_size;
	struct blk_zone_wplug **zone_wplugs;	/* indexed by zone (the kernel hashes) */
	void *scratch;				/* gathering segments for the device */
	size_t scratch_len;
	uint64_t next_bio_id;
	unsigned int nr_inflight;		/* commands at the device */
	uint64_t nr_device_cmds;
	/*
	 * Called as each command the device was given completes, with the
	 * virtual time from its dispatch to its end (a statistic, not the
	 * kernel's: zwsim replay's device latencies); NULL: none.
	 */
	void (*on_complete)(void *arg, const struct bio *bio, uint64_t ns);
	void *on_complete_arg;
};

/*
 * Set up the block layer over @dev (blk_revalidate_disk_zones()).  0, or
 * -errno with a message.
 */
int blkdev_init(struct block_device *bdev, struct zw_dev *dev, struct sim_loop *loop,
		struct zw_log *log, char *err, size_t errlen);
void blkdev_free(struct block_device *bdev);
/* "7.2" or "6.17" to @rules; -1 for anything else. */
int blk_kernel_rules_parse(const char *s, enum blk_kernel_rules *rules);

/* submit_bio(): checks, splits, zone write plugging, then the device. */
void submit_bio(struct bio *bio);

/*
 * blkdev_report_zones(): a zone report from the device that also brings
 * zone write plugs waiting for a write pointer update back in sync
 * (disk_zone_wplug_sync_wp_offset()).  Returns the zones reported or -errno.
 */
/*
 * The orders a race point (struct block_device's race) can take:
 * BLK_RACE_INLINE, the command completes in the submitter's context before
 * anything else is submitted (null_queue_rq()); BLK_RACE_FINISH_LATE, its
 * bio ends (the program is woken: bio_endio()) but the block layer finishes
 * the request (blk_zone_write_plug_finish_request(): unplugging, the plug's
 * removal by disk_should_remove_zone_wplug()) only after the next bio is
 * submitted, which then meets the plug still plugged; BLK_RACE_LATE, the
 * whole completion comes after the submitter's next bios (the rest of a
 * split write, a direct I/O's next bio), which queue in the plug and are
 * aborted by the failure (disk_zone_wplug_abort()); BLK_RACE_FINISH_AFTER_WRITE,
 * as BLK_RACE_FINISH_LATE but the request is finished only once the
 * submitter's next write has been submitted whole, every part of its split
 * (the completing thread preempted by the program it woke: seen on
 * tcmu-runner's ZBC disk, docs/fidelity.md, "seed 5").
 */
enum { BLK_RACE_INLINE = '0', BLK_RACE_FINISH_LATE = '1', BLK_RACE_LATE = '2',
       BLK_RACE_FINISH_AFTER_WRITE = '3' };
/* A request BLK_RACE_FINISH_LATE left unfinished is finished now (at the end of a script). */
void blk_race_settle(struct block_device *bdev);

int blkdev_report_zones(struct block_device *bdev, unsigned int zno, unsigned int nr,
			struct blk_zone *zones);

/* The outcome of a synchronous direct I/O. */
struct blk_dio {
	unsigned int remaining;
	blk_status_t status;		/* the first error to complete */
	struct zone_result res;
	sector_t sector;		/* a zone append: where it landed */
	struct bio *first;		/* the first bio while in flight (its status is the dio's) */
};

/*
 * A synchronous direct I/O or zone command through the block layer, as a
 * program's pread/pwrite/ioctl makes it (__blkdev_direct_IO(),
 * blkdev_zone_mgmt()): reads and writes become bios of at most 1 MiB
 * (BIO_MAX_VECS pages), all submitted, then waited for; the first error to
 * complete is the one the caller sees.  @buf NULL writes tagged blocks
 * @tag, @tag + 1, ...
 */
void blk_dio_sync(struct block_device *bdev, enum req_op op, sector_t sector, uint64_t bytes,
		  void *buf, uint64_t tag, struct blk_dio *dio);

/* block/blk-zoned.c, used by blk_core.c */
bool blk_zone_plug_bio(struct bio *bio);
void blk_zone_write_plug_bio_endio(struct bio *bio);
void blk_zone_mgmt_bio_endio(struct bio *bio);
void blk_zone_write_plug_finish_request(struct block_device *bdev, unsigned int zno);
void blk_zone_wplug_sync(struct block_device *bdev, const struct blk_zone *zone,
			 unsigned int zno);
int blk_zone_wplugs_init(struct block_device *bdev, const struct blk_zone *zones);
void blk_zone_wplugs_free(struct block_device *bdev);
/* Hand a bio to the device; its completion comes back as an event. */
void blk_dispatch(struct bio *bio);

#endif
