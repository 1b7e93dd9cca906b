// SPDX-License-Identifier: MIT
/*
 * --fs raw: each record straight to the device through the block layer, as
 * a program's O_DIRECT pread/pwrite on the block device makes it
 * (__blkdev_direct_IO(), block/fops.c): bios of at most 1 MiB, all
 * submitted, the record done when the last completes, the first error the
 * one it fails with.  Up to --qd records are in flight.  Written blocks
 * carry the tag of the device block they were addressed to
 * (zw_tag_write()), so --verify can read every written block back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "replay.h"

#define RAW_BIO_MAX ((uint64_t)BIO_MAX_VECS * 4096)

struct replay_rawio {
	struct replay *rp;
	bool busy;
	enum replay_kind k;
	unsigned int remaining;
	blk_status_t status;
	char reason[192];
	uint64_t recno, start, off, len, done_bytes;
	struct trace_rec rec;
	const char *name;
};

int replay_raw_init(struct replay *rp)
{
	unsigned int qd = rp->o.qd ? rp->o.qd : 1;

	rp->ios = calloc(qd, sizeof(*rp->ios));
	if (!rp->ios)
		return -ENOMEM;
	if (rp->o.verify) {
		struct zw_dev *d = rp->inner;
		uint64_t zone_blocks = (d->geo.zone_size << SECTOR_SHIFT) / rp->bdev->lim.logical_block_size;
		struct blk_zone z;

		rp->conv_written = calloc((size_t)d->geo.nr_conv * ((zone_blocks + 63) / 64) + 1, 8);
		rp->seq_start = calloc(d->nr_zones + 1, sizeof(uint64_t));
		if (!rp->conv_written || !rp->seq_start)
			return -ENOMEM;
		for (unsigned int i = 0; i < d->nr_zones; i++)
			rp->seq_start[i] = zw_dev_report_zones(d, i, 1, &z) == 1 && zone_is_seq(&z) &&
							   z.wp != ZONE_WP_INVALID
						   ? z.wp - z.start
						   : 0;
	}
	return 0;
}

void replay_raw_free(struct replay *rp)
{
	free(rp->ios);
	free(rp->conv_written);
	free(rp->seq_start);
	rp->ios = NULL;
	rp->conv_written = NULL;
	rp->seq_start = NULL;
}

/* --verify: the blocks a write put in conventional zones (sequential ones: below the write pointer). */
static void mark_written(struct replay *rp, uint64_t off, uint64_t len)
{
	unsigned int lbs = rp->bdev->lim.logical_block_size;
	uint64_t zone_bytes = rp->inner->geo.zone_size << SECTOR_SHIFT;
	uint64_t zone_blocks = zone_bytes / lbs, words = (zone_blocks + 63) / 64;

	for (uint64_t b = off / lbs; b < (off + len) / lbs; b++) {
		uint64_t zno = b / zone_blocks, zb = b % zone_blocks;

		if (zno >= rp->inner->geo.nr_conv)
			break;
		rp->conv_written[zno * words + zb / 64] |= 1ull << (zb % 64);
	}
}

/* The record's last bio has completed. */
static void raw_io_done(struct replay_rawio *io)
{
	struct replay *rp = io->rp;
	uint64_t lat = replay_now(rp) - io->start;	/* one clock read: on a real device a system call */

	lat_add(&rp->s.lat[io->k], lat);
	replay_log_record(rp, io->recno, io->k, io->off, io->rec.len, lat,
			  io->status ? blk_status_to_errno(io->status) : 0);
	if (io->status) {
		replay_error(rp, io->k, NULL, io->recno, &io->rec, io->name, blk_status_to_errno(io->status),
			     io->reason);
	} else if (io->k == RK_WRITE) {
		rp->s.user_write_bytes += io->len;
		if (rp->conv_written)
			mark_written(rp, io->off, io->len);
	} else if (io->k == RK_READ) {
		rp->s.user_read_bytes += io->len;
	}
	io->busy = false;
	rp->inflight--;
}

static void raw_end_io(struct bio *bio)
{
	struct replay_rawio *io = bio->bi_private;

	if (bio->bi_status && !io->status) {
		io->status = bio->bi_status;
		snprintf(io->reason, sizeof(io->reason), "%s", bio->bi_res.reason);
	}
	bio_put(bio);
	if (!--io->remaining)
		raw_io_done(io);
}

static struct replay_rawio *get_slot(struct replay *rp)
{
	unsigned int qd = rp->o.qd ? rp->o.qd : 1;

	while (rp->inflight >= qd && sim_run_one(&rp->st.loop))
		;
	for (unsigned int i = 0; i < qd; i++)
		if (!rp->ios[i].busy)
			return &rp->ios[i];
	return NULL;
}

int replay_raw_record(struct replay *rp, const struct trace_rec *rec, uint64_t off, const char *name)
{
	unsigned int lbs = rp->bdev->lim.logical_block_size;
	enum replay_kind k = (enum replay_kind)rec->op;
	uint64_t size = rp->inner->geo.capacity << SECTOR_SHIFT, len = rec->len;
	struct replay_rawio *io;
	enum req_op op;
	uint32_t opf = REQ_SYNC;
	uint64_t done = 0;

	switch (rec->op) {
	case TRACE_OP_WRITE: op = REQ_OP_WRITE; break;
	case TRACE_OP_READ: op = REQ_OP_READ; break;
	case TRACE_OP_FLUSH: op = REQ_OP_FLUSH; break;
	default:
		rp->s.skipped_unsupported++;
		return 0;
	}
	/*
	 * The device's end, as blkdev_write_iter() and blkdev_read_iter()
	 * (block/fops.c) have it: a write from the end on is -ENOSPC, a read
	 * there reads nothing; one that runs past it is cut at the end.
	 */
	if (op != REQ_OP_FLUSH && off >= size) {
		replay_issued(rp);
		rp->s.replayed[k]++;
		lat_add(&rp->s.lat[k], 0);
		replay_log_record(rp, rp->nrec, k, off, rec->len, 0, op == REQ_OP_WRITE ? -ENOSPC : 0);
		if (op == REQ_OP_WRITE)
			replay_error(rp, k, NULL, rp->nrec, rec, name, -ENOSPC, "at or past the end of the device");
		return 0;
	}
	if (op != REQ_OP_FLUSH && off + len > size)
		len = size - off;
	io = get_slot(rp);
	if (!io) {
		fprintf(stderr, "zwsim %s: internal: no I/O completed with the queue full\n", rp->o.cmd);
		return EXIT_OPFAIL;
	}
	replay_issued(rp);
	rp->s.replayed[k]++;
	/*
	 * Field by field, not a compound literal: that would zero the whole
	 * slot, reason[] too, a record (in the VM tier's guest a `rep stos`
	 * of 45 words); reason is only read once status is set, and then set.
	 */
	io->rp = rp;
	io->busy = true;
	io->k = k;
	io->remaining = 0;
	io->status = BLK_STS_OK;
	io->reason[0] = '\0';
	io->recno = rp->nrec;
	io->start = replay_now(rp);
	io->off = off;
	io->len = len;
	io->done_bytes = 0;
	io->rec = *rec;
	io->rec.fs_line = NULL;
	io->name = name;
	/* blkdev_dio_invalid(): O_DIRECT wants the position and size aligned to the logical block */
	if (op != REQ_OP_FLUSH && (off % lbs || len % lbs || !len)) {
		lat_add(&rp->s.lat[k], 0);
		replay_log_record(rp, io->recno, k, off, rec->len, 0, -EINVAL);
		replay_error(rp, k, NULL, io->recno, rec, name, -EINVAL,
			     "position or size not a multiple of the logical block size");
		io->busy = false;
		return 0;
	}
	if (rec->flags & TRACE_F_FUA)
		opf |= REQ_FUA;
	if (rec->flags & TRACE_F_PREFLUSH)
		opf |= REQ_PREFLUSH;
	rp->inflight++;
	io->remaining = 1;	/* held until every bio is submitted */
	do {
		uint64_t n = op == REQ_OP_FLUSH ? 0 : (len - done < RAW_BIO_MAX ? len - done : RAW_BIO_MAX);
		struct bio *bio = bio_alloc(rp->bdev, 1, op, opf);

		if (!bio) {
			io->status = BLK_STS_RESOURCE;
			snprintf(io->reason, sizeof(io->reason), "out of memory for a bio");
			break;
		}
		bio->bi_iter.bi_sector = (off + done) >> SECTOR_SHIFT;
		if (n)
			bio_add_data(bio, NULL, zw_tag_write((off + done) / lbs), (uint32_t)n, NULL, 0);
		bio->bi_end_io = raw_end_io;
		bio->bi_private = io;
		io->remaining++;
		submit_bio(bio);
		done += n;
	} while (done < len);
	/* drop the submission's hold (the last bio may have completed already) */
	if (!--io->remaining)
		raw_io_done(io);
	return 0;
}

void replay_raw_drain(struct replay *rp)
{
	while (rp->inflight && sim_run_one(&rp->st.loop))
		;
	sim_run(&rp->st.loop);
}

/*
 * --verify on raw: read back every block the replay wrote (in sequential
 * zones, from the write pointer the run began at up to where it is now; in
 * conventional zones, each block a write succeeded on) and check that it
 * holds the tag of its own device block.
 */
int replay_raw_verify(struct replay *rp, char *err, size_t errlen)
{
	struct zw_dev *d = rp->inner;
	unsigned int lbs = rp->bdev->lim.logical_block_size;
	uint64_t zone_blocks = (d->geo.zone_size << SECTOR_SHIFT) / lbs, words = (zone_blocks + 63) / 64;
	uint64_t chunk = RAW_BIO_MAX, checked = 0;
	char *buf = malloc(chunk);
	struct blk_zone z;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned int zno = 0; zno < d->nr_zones; zno++) {
		uint64_t zstart, from, to;

		if (blkdev_report_zones(rp->bdev, zno, 1, &z) != 1)
			continue;
		zstart = (uint64_t)z.start << SECTOR_SHIFT;
		if (zone_is_seq(&z)) {
			if (z.wp == ZONE_WP_INVALID)
				continue;
			from = rp->seq_start[zno] << SECTOR_SHIFT;
			to = (uint64_t)(z.wp - z.start) << SECTOR_SHIFT;
		} else {
			from = 0;
			to = (uint64_t)z.len << SECTOR_SHIFT;
		}
		for (uint64_t at = from; at < to; at += chunk) {
			uint64_t n = to - at < chunk ? to - at : chunk;
			struct blk_dio dio;

			if (!zone_is_seq(&z)) {
				/* only ranges with a written block are read */
				bool any = false;

				for (uint64_t b = at / lbs; b < (at + n) / lbs && !any; b++)
					any = rp->conv_written[zno * words + b / 64] >> (b % 64) & 1;
				if (!any)
					continue;
			}
			blk_dio_sync(rp->bdev, REQ_OP_READ, (zstart + at) >> SECTOR_SHIFT, n, buf, 0, &dio);
			if (dio.status) {
				snprintf(err, errlen, "zone %u: reading %" PRIu64 "+%" PRIu64 ": %s (%s)", zno, zstart + at,
					 n, blk_status_name(dio.status), dio.res.reason);
				free(buf);
				return -1;
			}
			for (uint64_t o = 0; o < n; o += lbs) {
				uint64_t b = (zstart + at + o) / lbs, zb = (at + o) / lbs, tag = 0;

				if (!zone_is_seq(&z) && !(rp->conv_written[zno * words + zb / 64] >> (zb % 64) & 1))
					continue;
				checked++;
				if (!zw_pattern_decode(buf + o, lbs, &tag) || tag != zw_tag_write(b)) {
					snprintf(err, errlen,
						 "zone %u: the block at byte %" PRIu64 " (device block %" PRIu64 ") does not hold "
						 "what was written there (%s)", zno, zstart + at + o, b,
						 zw_pattern_decode(buf + o, lbs, &tag)
							 ? (tag ? "another block's data" : "zeros")
							 : "not a whole tagged block");
					free(buf);
					return -1;
				}
			}
		}
	}
	free(buf);
	rp->verified_blocks = checked;
	return 0;
}
