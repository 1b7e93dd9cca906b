// SPDX-License-Identifier: MIT
/*
 * bios and their way to the device: bio_alloc(), bio_split(), bio_chain(),
 * bio_endio() (block/bio.c), submit_bio() with its checks
 * (submit_bio_noacct(), blk_check_zone_append() in block/blk-core.c) and
 * splitting at the queue limits (__bio_split_to_limits() in
 * block/blk-merge.c), dispatch to the zw_dev and completion as an event.
 */
#include "blk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "log.h"
#include "mm.h"
#include "pattern.h"

/* BLK_DEF_MAX_SECTORS_CAP: the soft limit on I/O size the kernel applies. */
#define BLK_DEF_MAX_SECTORS_CAP	2560u
/* BLK_MAX_SEGMENTS: the segments of one request when the driver sets no other limit. */
#define BLK_MAX_SEGMENTS	128u

/*
 * Freed bios are kept for the next allocation of their size class (a power
 * of two), as the kernel's bio_sets keep their slabs and mempools:
 * writeback of scattered blocks allocates a full-size bio (BIO_MAX_VECS
 * segments: an ioend) per block, GC two small ones per chunk, and giving
 * each back to the allocator made it grow and trim the heap (page faults)
 * at every sync.  Not with AddressSanitizer, which should see every free.
 * One thread: the simulation's.
 */
#if defined(__SANITIZE_ADDRESS__)
static const unsigned int bio_cache_max = 0;
#else
static const unsigned int bio_cache_max = 4096;
#endif
#define BIO_CACHE_MIN_SHIFT	7
#define BIO_CACHE_CLASSES	12	/* 128 bytes to 256 KiB */

static struct bio_cache {
	unsigned int nr;
	void *head;		/* the first word of each free block links the next */
} bio_cache[BIO_CACHE_CLASSES];

/*
 * The size class of an allocation of @size bytes (the smallest c with
 * 1 << (c + BIO_CACHE_MIN_SHIFT) >= @size); BIO_CACHE_CLASSES: none.
 */
static unsigned int bio_cache_class(size_t size)
{
	/* bits: ceil(log2(size)) */
	unsigned int bits = size <= 1 ? 0 : 64 - (unsigned int)__builtin_clzll((unsigned long long)size - 1);

	if (bits <= BIO_CACHE_MIN_SHIFT)
		return 0;
	return bits - BIO_CACHE_MIN_SHIFT < BIO_CACHE_CLASSES ? bits - BIO_CACHE_MIN_SHIFT : BIO_CACHE_CLASSES;
}

static void *bio_cache_get(unsigned int c)
{
	void *mem;

	if (c >= BIO_CACHE_CLASSES || !bio_cache[c].head)
		return NULL;
	mem = bio_cache[c].head;
	memcpy(&bio_cache[c].head, mem, sizeof(void *));
	bio_cache[c].nr--;
	return mem;
}

static bool bio_cache_put(void *mem, unsigned int c)
{
	if (c >= BIO_CACHE_CLASSES || bio_cache[c].nr >= bio_cache_max)
		return false;
	memcpy(mem, &bio_cache[c].head, sizeof(void *));
	bio_cache[c].head = mem;
	bio_cache[c].nr++;
	return true;
}

static size_t bio_alloc_size(unsigned int nr_vecs, size_t front_pad)
{
	size_t size = front_pad + sizeof(struct bio) + nr_vecs * sizeof(struct bio_vec);
	unsigned int c = bio_cache_class(size);

	/* a cached size is its class's */
	return c < BIO_CACHE_CLASSES ? (size_t)1 << (c + BIO_CACHE_MIN_SHIFT) : size;
}

struct bio *bio_alloc_bioset(struct block_device *bdev, unsigned int nr_vecs, enum req_op op,
			     uint32_t opf, size_t front_pad)
{
	struct bio *bio;
	char *mem = NULL;

	if (nr_vecs > BIO_MAX_VECS)
		nr_vecs = BIO_MAX_VECS;
	/*
	 * The bio (and what the caller keeps in front of it) starts zeroed; the
	 * segment table is filled as segments are added (bio_init() does not
	 * clear bvecs either): a 256-segment table left untouched costs no
	 * clearing of memory and no page faults.
	 */
	mem = bio_cache_get(bio_cache_class(bio_alloc_size(nr_vecs, front_pad)));
	if (!mem)
		mem = malloc(bio_alloc_size(nr_vecs, front_pad));
	if (!mem)
		return NULL;
	memset(mem, 0, front_pad + sizeof(*bio));
	bio = (struct bio *)(mem + front_pad);
	bio->bi_front_pad = (uint32_t)front_pad;
	bio->bi_bdev = bdev;
	bio->bi_op = op;
	bio->bi_opf = opf;
	bio->bi_max_vecs = (uint16_t)nr_vecs;
	bio->bi_io_vec = (struct bio_vec *)(bio + 1);
	bio->__bi_remaining = 1;
	return bio;
}

struct bio *bio_alloc(struct block_device *bdev, unsigned int nr_vecs, enum req_op op,
		      uint32_t opf)
{
	return bio_alloc_bioset(bdev, nr_vecs, op, opf, 0);
}

void bio_put(struct bio *bio)
{
	char *mem;

	if (!bio)
		return;
	mem = (char *)bio - bio->bi_front_pad;
	if (!bio_cache_put(mem, bio_cache_class(bio_alloc_size(bio->bi_max_vecs, bio->bi_front_pad))))
		free(mem);
}

void bio_reset(struct bio *bio, struct block_device *bdev, enum req_op op, uint32_t opf)
{
	uint16_t max_vecs = bio->bi_max_vecs;
	uint32_t front_pad = bio->bi_front_pad;

	/* what bio_alloc_bioset() leaves (the front pad is the owner's) */
	memset(bio, 0, sizeof(*bio));
	bio->bi_front_pad = front_pad;
	bio->bi_bdev = bdev;
	bio->bi_op = op;
	bio->bi_opf = opf;
	bio->bi_max_vecs = max_vecs;
	bio->bi_io_vec = (struct bio_vec *)(bio + 1);
	bio->__bi_remaining = 1;
}

bool bio_add_data(struct bio *bio, void *data, uint64_t tag, uint32_t len, void *folio,
		  uint32_t offset)
{
	if (bio->bi_vcnt >= bio->bi_max_vecs || bio->bi_iter.bi_size > UINT32_MAX - len)
		return false;
	bio->bi_io_vec[bio->bi_vcnt++] = (struct bio_vec){
		.bv_data = data, .bv_tag = tag, .bv_len = len, .bv_folio = folio, .bv_offset = offset,
	};
	bio->bi_iter.bi_size += len;
	return true;
}

/*
 * The segment at the iterator, trimmed to what is left of it: data and tag
 * moved on by the bytes already consumed (whole logical blocks).
 */
static struct bio_vec bio_iter_bvec(const struct bio *bio, const struct bvec_iter *iter)
{
	struct bio_vec bv = bio->bi_io_vec[iter->bi_idx];
	uint32_t done = iter->bi_bvec_done;

	if (bv.bv_data)
		bv.bv_data = (char *)bv.bv_data + done;
	else if (bv.bv_tags)
		bv.bv_tags += done / bio->bi_bdev->lim.logical_block_size;
	else
		bv.bv_tag += done / bio->bi_bdev->lim.logical_block_size;
	bv.bv_offset += done;
	bv.bv_len -= done;
	return bv;
}

static void bio_iter_advance(const struct bio *bio, struct bvec_iter *iter, uint32_t bytes)
{
	iter->bi_sector += bytes >> SECTOR_SHIFT;
	iter->bi_size -= bytes;
	while (bytes) {
		uint32_t left = bio->bi_io_vec[iter->bi_idx].bv_len - iter->bi_bvec_done;
		uint32_t n = bytes < left ? bytes : left;

		iter->bi_bvec_done += n;
		bytes -= n;
		if (iter->bi_bvec_done == bio->bi_io_vec[iter->bi_idx].bv_len) {
			iter->bi_idx++;
			iter->bi_bvec_done = 0;
		}
	}
}

struct bio *bio_split_bioset(struct bio *bio, uint32_t sectors, size_t front_pad)
{
	uint32_t bytes = sectors << SECTOR_SHIFT, done = 0;
	struct bvec_iter iter = bio->bi_iter;
	struct bio *split;

	split = bio_alloc_bioset(bio->bi_bdev, bio->bi_vcnt - bio->bi_iter.bi_idx, bio->bi_op,
				 bio->bi_opf, front_pad);
	if (!split)
		return NULL;
	split->bi_write_hint = bio->bi_write_hint;
	split->bi_flags |= bio->bi_flags & BIO_DIO;
	split->bi_iter.bi_sector = bio->bi_iter.bi_sector;
	while (done < bytes) {
		struct bio_vec bv = bio_iter_bvec(bio, &iter);
		uint32_t n = bv.bv_len < bytes - done ? bv.bv_len : bytes - done;

		bio_add_data(split, bv.bv_data, bv.bv_tag, n, bv.bv_folio, bv.bv_offset);
		split->bi_io_vec[split->bi_vcnt - 1].bv_tags = bv.bv_tags;
		bio_iter_advance(bio, &iter, n);
		done += n;
	}
	bio->bi_iter = iter;
	return split;
}

struct bio *bio_split(struct bio *bio, uint32_t sectors)
{
	return bio_split_bioset(bio, sectors, 0);
}

bool bio_add_folio(struct bio *bio, struct folio *folio, size_t len, size_t off)
{
	unsigned int lbs = folio->mapping->host ? i_blocksize(folio->mapping->host) : 4096;
	struct bio_vec *last = bio->bi_vcnt ? &bio->bi_io_vec[bio->bi_vcnt - 1] : NULL;

	/* A range that continues the last segment in the same folio joins it. */
	if (last && last->bv_folio == folio && last->bv_offset + last->bv_len == off &&
	    bio->bi_iter.bi_size <= UINT32_MAX - len) {
		last->bv_len += (uint32_t)len;
		bio->bi_iter.bi_size += (uint32_t)len;
		return true;
	}
	if (!bio_add_data(bio, folio->data ? folio->data + off : NULL, 0, (uint32_t)len, folio,
			  (uint32_t)off))
		return false;
	if (!folio->data)
		bio->bi_io_vec[bio->bi_vcnt - 1].bv_tags = folio->tags + off / lbs;
	return true;
}

static void bio_chain_endio(struct bio *bio)
{
	(void)bio;	/* never called: bio_endio() recognises it and walks up the chain */
}

void bio_chain(struct bio *bio, struct bio *parent)
{
	bio->bi_private = parent;
	bio->bi_end_io = bio_chain_endio;
	parent->__bi_remaining++;
	parent->bi_flags |= BIO_CHAIN;
}

/* bio_remaining_done(): a chained parent completes after its last child. */
static bool bio_remaining_done(struct bio *bio)
{
	if (!(bio->bi_flags & BIO_CHAIN))
		return true;
	if (--bio->__bi_remaining == 0) {
		bio->bi_flags &= ~BIO_CHAIN;
		return true;
	}
	return false;
}

void bio_endio(struct bio *bio)
{
again:
	if (!bio_remaining_done(bio))
		return;
	/* The plug learns of the completion (and aborts on error) before the owner does. */
	/* blk_zone_bio_endio() */
	if (bio->bi_op == REQ_OP_ZONE_RESET || bio->bi_op == REQ_OP_ZONE_RESET_ALL ||
	    bio->bi_op == REQ_OP_ZONE_FINISH) {
		if (bio->bi_bdev->nr_zones)
			blk_zone_mgmt_bio_endio(bio);
	} else if (bio->bi_flags & BIO_ZONE_WRITE_PLUGGING) {
		blk_zone_write_plug_bio_endio(bio);
	}
	zw_log_bio(bio->bi_bdev->log, "bio_end", bio);
	if (bio->bi_end_io == bio_chain_endio) {
		struct bio *parent = bio->bi_private;

		/* __bio_chain_endio(): the first error reaches the parent. */
		if (bio->bi_status && !parent->bi_status) {
			parent->bi_status = bio->bi_status;
			parent->bi_res = bio->bi_res;
		}
		bio_put(bio);
		bio = parent;
		goto again;
	}
	if (bio->bi_end_io)
		bio->bi_end_io(bio);
}

static void bio_fail(struct bio *bio, blk_status_t sts, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bio_fail(struct bio *bio, blk_status_t sts, const char *fmt, ...)
{
	va_list ap;

	zone_result_ok(&bio->bi_res);
	bio->bi_res.status = sts;
	va_start(ap, fmt);
	vsnprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason), fmt, ap);
	va_end(ap);
	bio->bi_status = sts;
	bio_endio(bio);
}

/* bio_check_eod() and blk_check_zone_append() */
static bool bio_check(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	sector_t sector = bio->bi_iter.bi_sector;
	unsigned int zno;

	if (bio->bi_op == REQ_OP_FLUSH || bio->bi_op == REQ_OP_ZONE_RESET_ALL)
		return true;
	if (sector >= bdev->dev->geo.capacity ||
	    bio_sectors(bio) > bdev->dev->geo.capacity - sector) {
		bio_fail(bio, BLK_STS_IOERR, "%s at sector %" PRIu64 " goes beyond the end of the device",
			 req_op_name(bio->bi_op), sector);
		return false;
	}
	if (bio->bi_op != REQ_OP_ZONE_APPEND)
		return true;
	zno = (unsigned int)(sector / bdev->zone_size);
	if (!bdev->zone_is_seq[zno] || sector % bdev->zone_size) {
		bio_fail(bio, BLK_STS_IOERR, "zone append at sector %" PRIu64 " is not at the start of a sequential zone",
			 sector);
		return false;
	}
	if (bio_sectors(bio) > bdev->lim.max_zone_append_sectors) {
		bio_fail(bio, BLK_STS_IOERR, "zone append of %u sectors exceeds max_zone_append_sectors %u",
			 bio_sectors(bio), bdev->lim.max_zone_append_sectors);
		return false;
	}
	bio->bi_opf |= REQ_NOMERGE;
	return true;
}

void blk_race_settle(struct block_device *bdev)
{
	unsigned int late = bdev->late_finish;

	if (!late)
		return;
	bdev->late_finish = 0;
	bdev->late_finish_whole = false;
	blk_zone_write_plug_finish_request(bdev, late - 1);
}

static void blk_submit_one(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	/* a request finished late (BLK_RACE_FINISH_LATE) is finished after this bio's submission */
	unsigned int late = bdev->late_finish_whole ? 0 : bdev->late_finish;

	if (late)
		bdev->late_finish = 0;
	if (!bdev->nr_zones || !blk_zone_plug_bio(bio))
		blk_dispatch(bio);
	if (late)
		blk_zone_write_plug_finish_request(bdev, late - 1);
}

/* The order a failed plugged write takes against the submitter (BLK_RACE_*). */
static int blk_race_choice(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	unsigned int n;

	if (!bdev->race || !bio->bi_status || !(bio->bi_flags & BIO_ZONE_WRITE_PLUGGING))
		return BLK_RACE_INLINE;
	n = bdev->nr_races++;
	if (n >= strlen(bdev->race))
		return BLK_RACE_INLINE;
	return bdev->race[n];
}

/*
 * get_max_io_size() and bio_split_rw_at(): up to max_sectors and
 * max_segments, never across a zone (chunk), whole blocks.
 */
static uint32_t bio_max_sectors(const struct bio *bio)
{
	const struct queue_limits *lim = &bio->bi_bdev->lim;
	uint64_t left = lim->chunk_sectors - bio->bi_iter.bi_sector % lim->chunk_sectors;
	uint32_t max = lim->max_sectors < left ? lim->max_sectors : (uint32_t)left;
	unsigned int nsegs = bio->bi_vcnt - bio->bi_iter.bi_idx;

	if (nsegs > lim->max_segments) {
		/* the bytes of the first max_segments segments left */
		uint64_t bytes = bio->bi_io_vec[bio->bi_iter.bi_idx].bv_len - bio->bi_iter.bi_bvec_done;

		for (unsigned int i = 1; i < lim->max_segments; i++)
			bytes += bio->bi_io_vec[bio->bi_iter.bi_idx + i].bv_len;
		if ((bytes >> SECTOR_SHIFT) < max)
			max = (uint32_t)(bytes >> SECTOR_SHIFT);
	}
	return max - max % (lim->logical_block_size >> SECTOR_SHIFT);
}

static void submit_bio_parts(struct bio *bio);

void submit_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	/* a request left unfinished before this write (not by one of its own parts) */
	bool settle = op_is_write(bio->bi_op) && !bdev->submit_depth && bdev->late_finish_whole;

	bdev->submit_depth++;
	submit_bio_parts(bio);
	/* BLK_RACE_FINISH_AFTER_WRITE: the late request is finished now that the write is in whole */
	if (!--bdev->submit_depth && settle)
		blk_race_settle(bdev);
}

static void submit_bio_parts(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	bio->bi_id = ++bdev->next_bio_id;
	bio->bi_status = BLK_STS_OK;
	zone_result_ok(&bio->bi_res);
	zw_log_bio(bdev->log, "bio_submit", bio);
	if (!bio_check(bio))
		return;
	if (bio->bi_op == REQ_OP_READ || bio->bi_op == REQ_OP_WRITE) {
		/* Split off the front while too big; the front goes first, as in the kernel. */
		for (;;) {
			uint32_t max = bio_max_sectors(bio);
			struct bio *split;

			if (bio_sectors(bio) <= max)
				break;
			split = bio_split(bio, max);
			if (!split) {
				bio_fail(bio, BLK_STS_RESOURCE, "out of memory splitting a bio");
				return;
			}
			split->bi_id = ++bdev->next_bio_id;
			bio_chain(split, bio);
			zw_log_bio_split(bdev->log, bio, split);
			blk_submit_one(split);
		}
	}
	blk_submit_one(bio);
}

/* --- the device ------------------------------------------------------- */

static void blk_complete(void *arg)
{
	struct bio *bio = arg;
	struct block_device *bdev = bio->bi_bdev;
	bool plugged = bio->bi_flags & BIO_ZONE_WRITE_PLUGGING;
	unsigned int zno = (unsigned int)(bio->bi_iter.bi_sector / bdev->zone_size);

	bdev->nr_inflight--;
	if (bdev->on_complete)
		bdev->on_complete(bdev->on_complete_arg, bio, bdev->loop->now - bio->bi_dispatch_ns);
	bio_endio(bio);
	/* blk_zone_write_plug_finish_request(): the next plugged bio may go. */
	if (plugged)
		blk_zone_write_plug_finish_request(bdev, zno);
}

/* The segments a bio has left, from its iterator. */
static unsigned int bio_segments(const struct bio *bio)
{
	return bio->bi_iter.bi_size ? bio->bi_vcnt - bio->bi_iter.bi_idx : 0;
}

/*
 * A buffer for gathering segments, kept and grown: the device copies the
 * data at dispatch, so one per block device suffices, and the allocator is
 * not asked for (and the kernel does not clear) fresh pages for every bio.
 */
static void *blk_scratch(struct block_device *bdev, size_t len)
{
	if (len > bdev->scratch_len) {
		void *n = realloc(bdev->scratch, len);

		if (!n)
			return NULL;
		bdev->scratch = n;
		bdev->scratch_len = len;
	}
	return bdev->scratch;
}

/*
 * A multi-segment write of bytes to a device that takes them in pieces
 * (writes_segs): the segments themselves, not a gathered copy.  False when
 * a segment has no bytes or is not whole sectors: then gather_write().
 */
static bool segs_write(struct bio *bio, struct zw_io *io)
{
	struct bvec_iter iter = bio->bi_iter;
	struct zw_seg *segs;
	unsigned int n = 0;

	if (!bio->bi_bdev->dev->writes_segs)
		return false;
	for (unsigned int i = iter.bi_idx; i < bio->bi_vcnt; i++)
		if (!bio->bi_io_vec[i].bv_data || (bio->bi_io_vec[i].bv_len & (SECTOR_SIZE - 1)) ||
		    (i == iter.bi_idx && (iter.bi_bvec_done & (SECTOR_SIZE - 1))))
			return false;
	segs = blk_scratch(bio->bi_bdev, (size_t)(bio->bi_vcnt - iter.bi_idx) * sizeof(*segs));
	if (!segs)
		return false;
	while (iter.bi_size) {
		struct bio_vec bv = bio_iter_bvec(bio, &iter);
		uint32_t len = bv.bv_len < iter.bi_size ? bv.bv_len : iter.bi_size;

		segs[n++] = (struct zw_seg){ bv.bv_data, len };
		bio_iter_advance(bio, &iter, len);
	}
	io->segs = segs;
	io->nr_segs = n;
	return true;
}

/* Gather a multi-segment write into what a zw_io carries: tags, or bytes. */
static int gather_write(struct bio *bio, struct zw_io *io, void **tmp)
{
	unsigned int lbs = bio->bi_bdev->lim.logical_block_size;
	struct bvec_iter iter = bio->bi_iter;
	bool all_tags = true;
	size_t pos = 0;

	for (unsigned int i = iter.bi_idx; i < bio->bi_vcnt; i++)
		all_tags &= !bio->bi_io_vec[i].bv_data;
	if (all_tags) {
		uint64_t *tags = blk_scratch(bio->bi_bdev, bio->bi_iter.bi_size / lbs * sizeof(*tags));

		if (!tags)
			return -ENOMEM;
		while (iter.bi_size) {
			struct bio_vec bv = bio_iter_bvec(bio, &iter);
			uint32_t n = bv.bv_len < iter.bi_size ? bv.bv_len : iter.bi_size;

			for (uint32_t b = 0; b < n / lbs; b++)
				tags[pos++] = bv.bv_tags ? bv.bv_tags[b] : bv.bv_tag + b;
			bio_iter_advance(bio, &iter, n);
		}
		io->tags = tags;
		*tmp = tags;
		return 0;
	}
	io->buf = blk_scratch(bio->bi_bdev, bio->bi_iter.bi_size);
	if (!io->buf)
		return -ENOMEM;
	while (iter.bi_size) {
		struct bio_vec bv = bio_iter_bvec(bio, &iter);
		uint32_t n = bv.bv_len < iter.bi_size ? bv.bv_len : iter.bi_size;

		if (bv.bv_data)
			zw_copy((char *)io->buf + pos, bv.bv_data, n);
		else
			for (uint32_t b = 0; b < n / lbs; b++)
				zw_pattern_fill((char *)io->buf + pos + (size_t)b * lbs, lbs,
						bv.bv_tags ? bv.bv_tags[b] : bv.bv_tag + b);
		pos += n;
		bio_iter_advance(bio, &iter, n);
	}
	*tmp = io->buf;
	return 0;
}

/*
 * Scatter a read's data to its segments: bytes, or, for a segment of
 * tags, each block's tag decoded (false: a block that is no tagged block).
 */
static bool scatter_read(struct bio *bio, const char *buf)
{
	unsigned int lbs = bio->bi_bdev->lim.logical_block_size;
	struct bvec_iter iter = bio->bi_iter;
	size_t pos = 0;
	bool ok = true;

	while (iter.bi_size) {
		struct bio_vec bv = bio_iter_bvec(bio, &iter);
		uint32_t n = bv.bv_len < iter.bi_size ? bv.bv_len : iter.bi_size;

		if (bv.bv_data)
			zw_copy(bv.bv_data, buf + pos, n);
		else if (bv.bv_tags)
			for (uint32_t b = 0; b < n / lbs; b++)
				ok &= zw_pattern_decode(buf + pos + (size_t)b * lbs, lbs,
							(uint64_t *)bv.bv_tags + b);
		pos += n;
		bio_iter_advance(bio, &iter, n);
	}
	return ok;
}

/* A read into a buffer of tags (segments without bytes, with bv_tags: a tags-mode buffer). */
static bool bio_reads_tags(const struct bio *bio)
{
	uint32_t left = bio->bi_iter.bi_size, done = bio->bi_iter.bi_bvec_done;

	if (bio->bi_op != REQ_OP_READ)
		return false;
	/* the segments the iterator has left (trimming one changes neither pointer's being set) */
	for (unsigned int i = bio->bi_iter.bi_idx; left && i < bio->bi_vcnt; i++, done = 0) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];
		uint32_t n = bv->bv_len - done < left ? bv->bv_len - done : left;

		if (!bv->bv_data && bv->bv_tags)
			return true;
		left -= n;
	}
	return false;
}

/* *dst = *src, the reason to its end only (not all of its 192 bytes). */
static void zone_result_copy(struct zone_result *dst, const struct zone_result *src)
{
	dst->status = src->status;
	dst->nvme_status = src->nvme_status;
	dst->sense_key = src->sense_key;
	dst->asc = src->asc;
	dst->ascq = src->ascq;
	dst->sector = src->sector;
	dst->err = src->err;
	memcpy(dst->reason, src->reason, strnlen(src->reason, sizeof(src->reason) - 1) + 1);
	dst->reason[sizeof(dst->reason) - 1] = '\0';
}

/*
 * zwsim's switches (struct blk_opts): an emulated device that does not keep
 * the order of what it is given processes an append, or a write that no
 * plug holds back, only when the completion policy picks it, so the order
 * in which such commands complete is the order in which the device ran
 * them.  A real device has its own order.
 */
static bool blk_device_reorders(const struct bio *bio)
{
	const struct block_device *bdev = bio->bi_bdev;

	if (bdev->dev->real || !bdev->nr_zones)
		return false;
	/*
	 * A device with a latency profile times its commands itself
	 * (io.lat_ns, which the FIFO and latency policies honour): it runs an
	 * append when it is given it and completes it that long after, as a
	 * ZNS SSD's queue does.  Held back by the loop's own model instead,
	 * the append would be run and completed at one instant, in no time.
	 */
	if (bdev->dev->profile &&
	    (bdev->loop->policy == SIM_COMPLETE_FIFO || bdev->loop->policy == SIM_COMPLETE_LATENCY))
		return false;
	if (bio->bi_op == REQ_OP_ZONE_APPEND)
		return !bdev->opts.ordered_zone_append;
	return bio->bi_op == REQ_OP_WRITE && bdev->opts.no_zone_wplug;
}

static void blk_issue(struct bio *bio, bool now);

static void blk_issue_deferred(void *arg)
{
	struct bio *bio = arg;

	bio->bi_bdev->nr_inflight--;
	blk_issue(bio, true);
}

void blk_dispatch(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	bio->bi_dispatch_ns = bdev->loop->now;

	if (blk_device_reorders(bio)) {
		bdev->nr_inflight++;
		if (!sim_schedule_completion(bdev->loop, bio->bi_iter.bi_size, blk_issue_deferred, bio))
			return;
		bdev->nr_inflight--;
	}
	blk_issue(bio, false);
}

/* The device runs the command (bio_issue); @now: it completes at once. */
static void blk_issue(struct bio *bio, bool now)
{
	struct block_device *bdev = bio->bi_bdev;
	struct zw_io io;
	void *tmp = NULL;
	bool tag_read = bio_reads_tags(bio);

	/*
	 * Not an initializer: that would clear the 192 bytes of io.res.reason
	 * for every bio; a result's reason is a string, read to its end only.
	 */
	io.op = bio->bi_op;
	io.sector = bio->bi_iter.bi_sector;
	io.nr_sectors = bio_sectors(bio);
	io.buf = NULL;
	io.tag = 0;
	io.tags = NULL;
	io.rtags = NULL;
	io.segs = NULL;
	io.nr_segs = 0;
	io.depth = bdev->nr_inflight + 1;
	io.lat_ns = ZW_LAT_NONE;
	zone_result_ok(&io.res);
	io.res.sector = 0;

	if (tag_read && bio_segments(bio) == 1 && bdev->dev->reads_tags) {
		/* the device gives the tags themselves: no bytes made and decoded */
		io.rtags = (uint64_t *)bio_iter_bvec(bio, &bio->bi_iter).bv_tags;
	} else if (tag_read) {
		tmp = io.buf = blk_scratch(bdev, bio->bi_iter.bi_size);
		if (!tmp) {
			bio_fail(bio, BLK_STS_RESOURCE, "out of memory for a read");
			return;
		}
	} else if (bio_segments(bio) == 1) {
		struct bio_vec bv = bio_iter_bvec(bio, &bio->bi_iter);

		io.buf = bv.bv_data;
		io.tag = bv.bv_tag;
		io.tags = bv.bv_tags;
	} else if (bio_segments(bio) > 1 && op_is_write(bio->bi_op)) {
		if (!segs_write(bio, &io) && gather_write(bio, &io, &tmp)) {
			bio_fail(bio, BLK_STS_RESOURCE, "out of memory gathering a write");
			return;
		}
	} else if (bio_segments(bio) > 1) {
		tmp = io.buf = blk_scratch(bdev, bio->bi_iter.bi_size);
		if (!tmp) {
			bio_fail(bio, BLK_STS_RESOURCE, "out of memory for a read");
			return;
		}
	}
	bdev->nr_inflight++;
	bdev->nr_device_cmds++;
	zw_log_bio(bdev->log, "bio_issue", bio);
	zw_dev_submit(bdev->dev, &io);
	/*
	 * A successful command leaves the bio's status alone: a chained part
	 * that failed before it (a split front the zone write plug refused)
	 * has already given the bio its error, which the whole write reports
	 * (blk_update_request() and req_bio_endio() set bi_status only on an
	 * error; __bio_chain_endio() passes the first error up; Linux 7.0's
	 * block/blk-mq.c and block/bio.c).  The device's own error replaces it.
	 */
	if (io.res.status || !bio->bi_status) {
		bio->bi_status = io.res.status;
		zone_result_copy(&bio->bi_res, &io.res);
	}
	if (bio->bi_op == REQ_OP_ZONE_APPEND && !io.res.status)
		bio->bi_iter.bi_sector = io.sector;	/* the driver reports where the data went */
	if (bio->bi_op == REQ_OP_READ && (bio_segments(bio) > 1 || (tag_read && !io.rtags)) &&
	    !io.res.status && !scatter_read(bio, tmp)) {
		/* data a buffer of tags cannot hold */
		bio->bi_status = BLK_STS_IOERR;
		snprintf(bio->bi_res.reason, sizeof(bio->bi_res.reason),
			 "a block read into tags is no tagged block");
	}
	/*
	 * A command that completes before the next part of a split write is
	 * submitted (memory-backed null_blk: null_queue_rq() does the I/O and
	 * ends the request in the submitter's context; QEMU's ZNS and
	 * tcmu-runner's ZBC mostly do too, racing) lets that part see the
	 * result: after a failed front the plug awaits an update, or is gone
	 * if the failure took its write pointer to the zone's end, instead of
	 * holding the next part in its list (then aborted, -EIO).  What Linux
	 * 7.2 did in the VM tier: null_blk always, ZNS and ZBC in most cases
	 * (docs/zone-model.md, rule 3; docs/fidelity.md, "Zone scripts").
	 */
	if (now || bdev->complete_inline) {
		int choice = blk_race_choice(bio);

		switch (choice) {
		case BLK_RACE_FINISH_LATE:
		case BLK_RACE_FINISH_AFTER_WRITE: {
			bool whole = choice == BLK_RACE_FINISH_AFTER_WRITE;

			bdev->nr_inflight--;
			bio_endio(bio);
			blk_race_settle(bdev);	/* one at a time: an earlier one first */
			bdev->late_finish = (unsigned int)(io.sector / bdev->zone_size) + 1;
			bdev->late_finish_whole = whole;
			return;
		}
		case BLK_RACE_LATE:
			if (sim_schedule_completion_ns(bdev->loop, bio->bi_iter.bi_size, io.lat_ns, blk_complete, bio))
				break;
			return;
		default:
			break;
		}
		blk_complete(bio);
		return;
	}
	if (sim_schedule_completion_ns(bdev->loop, bio->bi_iter.bi_size, io.lat_ns, blk_complete, bio)) {
		bdev->nr_inflight--;
		blk_complete(bio);
	}
}

int blkdev_report_zones(struct block_device *bdev, unsigned int zno, unsigned int nr,
			struct blk_zone *zones)
{
	/*
	 * A request finished late (BLK_RACE_FINISH_LATE) stays unfinished: a
	 * report does not wait for it, and resyncs its still plugged plug
	 * without removing it (disk_zone_wplug_set_wp_offset()).
	 */
	int n = zw_dev_report_zones(bdev->dev, zno, nr, zones);

	for (int i = 0; i < n; i++)
		blk_zone_wplug_sync(bdev, &zones[i], zno + (unsigned int)i);
	return n;
}

/* blk_validate_limits() and blk_revalidate_disk_zones(), for our devices. */
int blkdev_init(struct block_device *bdev, struct zw_dev *dev, struct sim_loop *loop,
		struct zw_log *log, char *err, size_t errlen)
{
	const struct zone_geometry *g = &dev->geo;
	struct queue_limits *lim = &bdev->lim;
	unsigned int lba_sectors = g->lba_size >> SECTOR_SHIFT, nr_seq;
	struct blk_zone *zones;

	memset(bdev, 0, sizeof(*bdev));
	bdev->dev = dev;
	bdev->loop = loop;
	bdev->log = log;
	bdev->nr_zones = dev->nr_zones;
	bdev->zone_size = g->zone_size;
	lim->logical_block_size = g->lba_size;
	lim->max_hw_sectors = g->max_hw_sectors - g->max_hw_sectors % lba_sectors;
	lim->max_sectors = lim->max_hw_sectors < BLK_DEF_MAX_SECTORS_CAP ? lim->max_hw_sectors
									 : BLK_DEF_MAX_SECTORS_CAP;
	lim->max_sectors -= lim->max_sectors % lba_sectors;
	lim->chunk_sectors = (unsigned int)g->zone_size;
	lim->max_segments = BLK_MAX_SEGMENTS;
	lim->max_hw_zone_append_sectors = g->max_append_sectors;
	/* Without native append the plugs emulate it with writes of up to max_sectors. */
	lim->max_zone_append_sectors = g->max_append_sectors ? g->max_append_sectors : lim->max_sectors;
	if (lim->max_zone_append_sectors > lim->chunk_sectors)
		lim->max_zone_append_sectors = lim->chunk_sectors;
	nr_seq = dev->nr_zones - g->nr_conv;
	/* disk_update_zone_resources(): limits that cannot bind are dropped. */
	lim->max_open_zones = g->max_open >= nr_seq ? 0 : g->max_open;
	lim->max_active_zones = g->max_active >= nr_seq ? 0 : g->max_active;

	zones = calloc(dev->nr_zones, sizeof(*zones));
	bdev->zone_is_seq = calloc(dev->nr_zones, 1);
	bdev->zone_capacity = calloc(dev->nr_zones, sizeof(*bdev->zone_capacity));
	if (!zones || !bdev->zone_is_seq || !bdev->zone_capacity ||
	    zw_dev_report_zones(dev, 0, dev->nr_zones, zones) != (int)dev->nr_zones) {
		free(zones);
		blkdev_free(bdev);
		snprintf(err, errlen, "cannot read the zones of the device");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < dev->nr_zones; i++) {
		bdev->zone_is_seq[i] = zone_is_seq(&zones[i]);
		bdev->zone_capacity[i] = zones[i].capacity;
	}
	if (blk_zone_wplugs_init(bdev, zones)) {
		free(zones);
		blkdev_free(bdev);
		snprintf(err, errlen, "out of memory for zone write plugs");
		return -ENOMEM;
	}
	free(zones);
	return 0;
}

int blk_kernel_rules_parse(const char *s, enum blk_kernel_rules *rules)
{
	if (!strcmp(s, "7.2"))
		*rules = BLK_KERNEL_7_2;
	else if (!strcmp(s, "6.17"))
		*rules = BLK_KERNEL_6_17;
	else
		return -1;
	return 0;
}

void blkdev_free(struct block_device *bdev)
{
	free(bdev->scratch);
	bdev->scratch = NULL;
	blk_zone_wplugs_free(bdev);
	free(bdev->zone_is_seq);
	free(bdev->zone_capacity);
	bdev->zone_is_seq = NULL;
	bdev->zone_capacity = NULL;
}
