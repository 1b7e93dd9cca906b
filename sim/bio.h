/* SPDX-License-Identifier: MIT */
/*
 * struct bio, as include/linux/blk_types.h has it, reduced to what the
 * simulator needs: an operation and flags, a position and size (bi_iter),
 * data segments, a status, a completion callback, and chaining.
 *
 * A segment (bio_vec) carries either bytes or self-describing block tags
 * (sim/pattern.h): with bv_data NULL, its blocks carry bv_tags[0], [1]...
 * or, without bv_tags, bv_tag, bv_tag + 1...
 */
#ifndef ZWSIM_BIO_H
#define ZWSIM_BIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blk_status.h"
#include "req_op.h"
#include "zone.h"

#define BIO_MAX_VECS	256

/* Request flags (REQ_* in include/linux/blk_types.h) */
#define REQ_FUA		(1u << 0)
#define REQ_PREFLUSH	(1u << 1)
#define REQ_NOMERGE	(1u << 2)
#define REQ_SYNC	(1u << 3)

/* bio->bi_flags */
#define BIO_CHAIN			(1u << 0)
#define BIO_ZONE_WRITE_PLUGGING		(1u << 1)
#define BIO_EMULATES_ZONE_APPEND	(1u << 2)
/* zwsim: built by iomap's direct I/O (the event log says "dio"); splits inherit it */
#define BIO_DIO				(1u << 3)

struct bio;
struct block_device;
struct folio;
typedef void (bio_end_io_t)(struct bio *bio);

struct bio_vec {
	void *bv_data;		/* bytes, or NULL: tagged blocks */
	const uint64_t *bv_tags;	/* the blocks' tags (a folio's), or NULL: */
	uint64_t bv_tag;	/* tag of the segment's first block, the next ones follow */
	uint32_t bv_len;	/* bytes */
	void *bv_folio;		/* the page-cache folio, when there is one (opaque here) */
	uint32_t bv_offset;	/* offset in that folio */
};

/*
 * Where a bio stands: its table of segments never changes (completion
 * walks all of it, bio_for_each_folio_all()); splitting advances the
 * iterator instead (bvec_iter_advance()).
 */
struct bvec_iter {
	sector_t bi_sector;	/* device position; for a completed append, where the data landed */
	uint32_t bi_size;	/* bytes left */
	uint16_t bi_idx;	/* current segment */
	uint32_t bi_bvec_done;	/* bytes of it already consumed */
};

struct bio {
	enum req_op bi_op;
	uint32_t bi_opf;	/* REQ_* flags */
	uint32_t bi_flags;	/* BIO_* flags */
	struct bvec_iter bi_iter;
	blk_status_t bi_status;
	uint16_t bi_vcnt, bi_max_vecs;
	struct bio_vec *bi_io_vec;
	bio_end_io_t *bi_end_io;
	void *bi_private;
	struct block_device *bi_bdev;
	int __bi_remaining;	/* chained children not yet completed, + 1 */
	uint8_t bi_write_hint;
	struct bio *bi_next;	/* on a zone write plug's list */
	uint64_t bi_id;		/* for the event log: unique per block device */
	struct zone_result bi_res;	/* what the device said (reason, native code) */
	uint32_t bi_front_pad;		/* bytes allocated before the bio (bioset front_pad) */
	uint64_t bi_dispatch_ns;	/* the virtual time blk_dispatch() gave it to the device */
	/* the segments follow the bio in the same allocation */
};

static inline uint32_t bio_sectors(const struct bio *bio)
{
	return bio->bi_iter.bi_size >> SECTOR_SHIFT;
}

static inline sector_t bio_end_sector(const struct bio *bio)
{
	return bio->bi_iter.bi_sector + bio_sectors(bio);
}

static inline bool op_is_write(enum req_op op)
{
	return op == REQ_OP_WRITE || op == REQ_OP_ZONE_APPEND;
}

/* Allocate a bio with room for @nr_vecs segments (bio_alloc()). */
struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs, enum req_op op,
		      uint32_t opf);
/*
 * The same with @front_pad bytes before the bio, for a structure that
 * embeds the bio as its last member (bio_alloc_bioset() with a bioset's
 * front_pad, as iomap's ioends do).
 */
struct bio *bio_alloc_bioset(struct block_device *bdev, unsigned int nr_vecs, enum req_op op,
			     uint32_t opf, size_t front_pad);
/* Drop a bio (bio_put()); the completion callback owns its bio. */
void bio_put(struct bio *bio);
/*
 * bio_reset(): a completed bio made new for another I/O of @op, as a bio
 * of its size just allocated (no segments, no flags, no status), keeping
 * its memory and segment table.
 */
void bio_reset(struct bio *bio, struct block_device *bdev, enum req_op op, uint32_t opf);
/* Add a segment; false when the bio is full. */
bool bio_add_data(struct bio *bio, void *data, uint64_t tag, uint32_t len, void *folio,
		  uint32_t offset);
/* Add a folio range: its bytes or its blocks' tags (bio_add_folio()). */
bool bio_add_folio(struct bio *bio, struct folio *folio, size_t len, size_t off);
/* bio_split() with @front_pad bytes before the new bio (a bioset's front_pad). */
struct bio *bio_split_bioset(struct bio *bio, uint32_t sectors, size_t front_pad);
/*
 * Split off the first @sectors of @bio into a new bio, which is returned;
 * @bio keeps the rest (bio_split()).
 */
struct bio *bio_split(struct bio *bio, uint32_t sectors);
/* Make @parent complete only after @bio (bio_chain()). */
void bio_chain(struct bio *bio, struct bio *parent);
/* Complete a bio: chained parents first learn of it (bio_endio()). */
void bio_endio(struct bio *bio);
static inline void bio_io_error(struct bio *bio)
{
	bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}

#endif
