// SPDX-License-Identifier: MIT
/* Synchronous direct I/O and zone commands through the block layer. */
#include <stdio.h>
#include <string.h>

#include "blk.h"

#define DIO_MAX_BYTES ((uint64_t)BIO_MAX_VECS * 4096)

/*
 * blkdev_bio_end_io() (block/fops.c, Linux 7.0): the dio's status is its
 * first bio's (the dio embeds it), and another bio's error counts only
 * while that one has none.  The first bio's status is set as soon as one
 * of its split parts fails (__bio_chain_endio()), before the first bio
 * itself completes: so a part of the first bio that failed at the device
 * wins over the -EIO of a later bio aborted in a zone write plug because
 * of that failure, even though the aborted one completes first.
 */
static void blk_dio_end_io(struct bio *bio)
{
	struct blk_dio *dio = bio->bi_private;

	if (!dio->status && dio->first && dio->first != bio && dio->first->bi_status) {
		dio->status = dio->first->bi_status;
		dio->res = dio->first->bi_res;
	}
	if (bio->bi_status && !dio->status) {
		dio->status = bio->bi_status;
		dio->res = bio->bi_res;
	}
	if (bio == dio->first)
		dio->first = NULL;
	dio->sector = bio->bi_iter.bi_sector;
	dio->remaining--;
	bio_put(bio);
}

void blk_dio_sync(struct block_device *bdev, enum req_op op, sector_t sector, uint64_t bytes,
		  void *buf, uint64_t tag, struct blk_dio *dio)
{
	unsigned int lbs = bdev->lim.logical_block_size;
	uint64_t done = 0;

	memset(dio, 0, sizeof(*dio));
	zone_result_ok(&dio->res);
	do {
		/* An append or a zone command is one bio; a read or write, bios of up to 1 MiB. */
		uint64_t n = op == REQ_OP_WRITE || op == REQ_OP_READ ?
			     (bytes - done < DIO_MAX_BYTES ? bytes - done : DIO_MAX_BYTES) : bytes;
		struct bio *bio = bio_alloc(bdev, 1, op, REQ_SYNC);

		if (!bio) {
			dio->status = BLK_STS_RESOURCE;
			snprintf(dio->res.reason, sizeof(dio->res.reason), "out of memory for a bio");
			break;
		}
		bio->bi_iter.bi_sector = sector + (done >> SECTOR_SHIFT);
		if (n)
			bio_add_data(bio, buf ? (char *)buf + done : NULL, tag + done / lbs,
				     (uint32_t)n, NULL, 0);
		bio->bi_end_io = blk_dio_end_io;
		bio->bi_private = dio;
		if (!done)
			dio->first = bio;
		dio->remaining++;
		submit_bio(bio);
		done += n;
	} while (done < bytes);
	while (dio->remaining && sim_run_one(bdev->loop))
		;
	if (dio->remaining) {
		dio->status = BLK_STS_IOERR;
		snprintf(dio->res.reason, sizeof(dio->res.reason), "internal: I/O never completed");
	}
	/* The caller goes on once its I/O is done; other completions stay queued. */
}
