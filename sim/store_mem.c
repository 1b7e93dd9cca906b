// SPDX-License-Identifier: MIT
/*
 * The in-memory data store of emu: devices.
 *
 * Bytes mode keeps a zone's bytes in one lazily allocated buffer (calloc of
 * a large size maps zero pages, so memory follows what was written).  A
 * reset zone's buffer is kept for the next zone to be written (a few, up to
 * ZONE_POOL_BYTES), since faulting fresh pages in costs the kernel several
 * times what copying the data does; the bytes its earlier zone left are
 * zeroed lazily, as far as a write skips over them or reads as zeros.  A
 * fresh buffer's pages are faulted in a step ahead of the writes, in one
 * system call a step (page_populate()), not one page fault a page.
 * Tags mode keeps only each block's tag: a sequential-write-required zone
 * as a list of extents (block i of an extent carries tag + i), any other
 * zone as a per-block array.  Memory then grows with the number of writes,
 * not with the bytes written, so a 20 TB SMR layout fits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "dev_internal.h"
#include "page_alloc.h"
#include "pattern.h"

struct tag_extent {
	uint64_t off;		/* first block, from the zone start */
	uint64_t nr;		/* blocks */
	uint64_t tag;		/* tag of the first block */
};

struct mem_zone {
	uint8_t *bytes;			/* bytes mode */
	uint64_t dirty;			/* bytes mode: past this, the buffer is zeros */
	uint64_t clean, stale;		/* a reused buffer: [clean, stale) still holds old bytes */
	uint64_t populated;		/* bytes mode: the pages before this were faulted in ahead */
	struct tag_extent *ext;		/* tags mode, write-required zones */
	uint32_t nr_ext, max_ext;
	uint64_t *tags;			/* tags mode, other zones: one per block */
};

/* Reset zones' buffers kept for reuse: at most ZONE_POOL_MAX, ZONE_POOL_BYTES in all. */
#define ZONE_POOL_MAX 8
#define ZONE_POOL_BYTES ((size_t)256 << 20)

/* A zone's pages are faulted in this far ahead of its writes, in one call (page_populate()). */
#define POPULATE_STEP ((uint64_t)2 << 20)

struct zone_buf {
	uint8_t *bytes;
	size_t size;
	uint64_t dirty;			/* past this, zeros */
	uint64_t populated;		/* faulted in ahead this far */
};

struct mem_store {
	struct mem_zone *zones;
	struct zone_buf pool[ZONE_POOL_MAX];
	unsigned int nr_pool;
	size_t pool_bytes;
	unsigned int lba_shift;
	bool huge;			/* zone buffers in huge pages (page_alloc_huge() at init) */
	void *block;			/* scratch block for encoding and decoding */
};

#define MEM(e) ((struct mem_store *)(e)->store_priv)

static size_t zone_bytes(const struct emu_dev *e, unsigned int zno)
{
	return (size_t)e->zm.zones[zno].len << SECTOR_SHIFT;
}

static bool zone_uses_extents(const struct emu_dev *e, unsigned int zno)
{
	return e->zm.zones[zno].type == BLK_ZONE_TYPE_SEQWRITE_REQ;
}

static blk_status_t oom(struct emu_dev *e, struct zone_result *res)
{
	zone_fail(res, e->zm.geo.model, ZERR_MEDIUM_WRITE, "out of memory for zone data");
	res->status = BLK_STS_RESOURCE;
	return res->status;
}

/* Append tags to a zone's extent list, merging with the last extent. */
static int ext_add(struct mem_zone *mz, uint64_t off, uint64_t tag)
{
	struct tag_extent *last = mz->nr_ext ? &mz->ext[mz->nr_ext - 1] : NULL;

	if (last && last->off + last->nr == off && last->tag + last->nr == tag) {
		last->nr++;
		return 0;
	}
	if (mz->nr_ext == mz->max_ext) {
		uint32_t max = mz->max_ext ? mz->max_ext * 2 : 4;
		struct tag_extent *n = realloc(mz->ext, max * sizeof(*n));

		if (!n)
			return -ENOMEM;
		mz->ext = n;
		mz->max_ext = max;
	}
	mz->ext[mz->nr_ext++] = (struct tag_extent){ .off = off, .nr = 1, .tag = tag };
	return 0;
}

/*
 * The tag of block @blk: the extents are sorted and do not overlap, so it
 * is in the last one starting at or before it, if anywhere.  Branch-free
 * halving (a conditional move a step): GC reads blocks at random.
 */
static uint64_t ext_lookup(const struct mem_zone *mz, uint64_t blk)
{
	const struct tag_extent *x = mz->ext;
	uint32_t n = mz->nr_ext;

	if (!n || blk < x[0].off)
		return ZW_TAG_NONE;
	while (n > 1) {
		uint32_t half = n / 2;

		x = x[half].off <= blk ? x + half : x;
		n -= half;
	}
	return blk < x->off + x->nr ? x->tag + (blk - x->off) : ZW_TAG_NONE;
}

static blk_status_t mem_write_tags(struct emu_dev *e, unsigned int zno, uint64_t blk,
				   uint64_t nr_blk, const uint8_t *buf, uint64_t tag,
				   struct zone_result *res)
{
	struct mem_store *ms = MEM(e);
	struct mem_zone *mz = &ms->zones[zno];
	size_t bs = e->zm.geo.lba_size;

	if (!zone_uses_extents(e, zno) && !mz->tags) {
		mz->tags = calloc(zone_bytes(e, zno) / bs, sizeof(*mz->tags));
		if (!mz->tags)
			return oom(e, res);
	}
	for (uint64_t i = 0; i < nr_blk; i++) {
		uint64_t t = tag ? tag + i : ZW_TAG_NONE;

		if (buf && !zw_pattern_decode(buf + i * bs, bs, &t))
			return zone_fail(res, e->zm.geo.model, ZERR_NOTSUPP,
					 "data=tags keeps only tagged blocks, and block %" PRIu64
					 " of this write carries other data (use data=bytes)", i);
		if (!zone_uses_extents(e, zno))
			mz->tags[blk + i] = t;
		else if (ext_add(mz, blk + i, t))
			return oom(e, res);
	}
	return BLK_STS_OK;
}

/* A zone's buffer: a reset zone's of the same size if one is kept, else fresh zeros. */
static int zone_buf_get(struct mem_store *ms, struct mem_zone *mz, size_t size)
{
	for (unsigned int i = ms->nr_pool; i-- > 0;) {
		if (ms->pool[i].size != size)
			continue;
		mz->bytes = ms->pool[i].bytes;
		mz->dirty = mz->stale = ms->pool[i].dirty;
		mz->populated = ms->pool[i].populated;
		mz->clean = 0;
		ms->pool_bytes -= size;
		ms->pool[i] = ms->pool[--ms->nr_pool];
		return 0;
	}
	mz->bytes = page_region_alloc(size, ms->huge);
	return mz->bytes ? 0 : -ENOMEM;
}

static void zone_buf_put(struct mem_store *ms, struct mem_zone *mz, size_t size)
{
	if (ms->nr_pool < ZONE_POOL_MAX && ms->pool_bytes + size <= ZONE_POOL_BYTES) {
		ms->pool[ms->nr_pool++] = (struct zone_buf){ mz->bytes, size, mz->dirty, mz->populated };
		ms->pool_bytes += size;
	} else {
		page_region_free(mz->bytes, size, ms->huge);
	}
	mz->bytes = NULL;
}

/*
 * Bytes [@a, @b) of the zone (of @size bytes) are about to be written: fault
 * in the pages up to the next POPULATE_STEP boundary past them if they are
 * not yet, and zero what a reused buffer still holds before them.  Memory
 * still follows what was written, give or take a step.
 */
static void zone_buf_write(struct mem_zone *mz, uint64_t a, uint64_t b, uint64_t size)
{
	if (b > mz->populated) {
		uint64_t from = a & ~(POPULATE_STEP - 1), to = (b + POPULATE_STEP - 1) & ~(POPULATE_STEP - 1);

		from = from > mz->populated ? from : mz->populated;
		to = to < size ? to : size;
		page_populate(mz->bytes + from, to - from);
		mz->populated = to;
	}
	if (mz->clean < mz->stale && a > mz->clean)
		memset(mz->bytes + mz->clean, 0, (a < mz->stale ? a : mz->stale) - mz->clean);
	if (b > mz->clean)
		mz->clean = b;
	if (b > mz->dirty)
		mz->dirty = b;
}

static blk_status_t mem_write(struct emu_dev *e, unsigned int zno, sector_t off,
			      unsigned int nr, const void *buf, uint64_t tag,
			      struct zone_result *res)
{
	struct mem_store *ms = MEM(e);
	struct mem_zone *mz = &ms->zones[zno];
	size_t bs = e->zm.geo.lba_size;
	uint8_t *dst;

	if (e->cfg.data_mode == ZW_DATA_TAGS)
		return mem_write_tags(e, zno, (off << SECTOR_SHIFT) >> ms->lba_shift,
				      ((uint64_t)nr << SECTOR_SHIFT) >> ms->lba_shift, buf, tag, res);
	if (!mz->bytes && zone_buf_get(ms, mz, zone_bytes(e, zno)))
		return oom(e, res);
	dst = mz->bytes + (off << SECTOR_SHIFT);
	zone_buf_write(mz, off << SECTOR_SHIFT, (off + nr) << SECTOR_SHIFT, zone_bytes(e, zno));
	if (buf) {
		zw_copy(dst, buf, (size_t)nr << SECTOR_SHIFT);
		return BLK_STS_OK;
	}
	for (size_t i = 0; i < ((size_t)nr << SECTOR_SHIFT) / bs; i++)
		zw_pattern_fill(dst + i * bs, bs, tag + i);
	return BLK_STS_OK;
}

static blk_status_t mem_read(struct emu_dev *e, unsigned int zno, sector_t off,
			     unsigned int nr, void *buf, struct zone_result *res)
{
	struct mem_store *ms = MEM(e);
	struct mem_zone *mz = &ms->zones[zno];
	size_t bs = e->zm.geo.lba_size, len = (size_t)nr << SECTOR_SHIFT;
	uint64_t blk = (off << SECTOR_SHIFT) >> ms->lba_shift;

	(void)res;
	if (e->cfg.data_mode == ZW_DATA_BYTES) {
		uint64_t a = off << SECTOR_SHIFT, b = a + len, lo, hi;

		if (!mz->bytes) {
			memset(buf, 0, len);
			return BLK_STS_OK;
		}
		zw_copy(buf, mz->bytes + a, len);
		/* what a reused buffer still holds of its earlier zone reads as zeros */
		lo = a > mz->clean ? a : mz->clean;
		hi = b < mz->stale ? b : mz->stale;
		if (lo < hi)
			memset((uint8_t *)buf + (lo - a), 0, hi - lo);
		return BLK_STS_OK;
	}
	for (size_t i = 0; i < len / bs; i++) {
		uint64_t t = ZW_TAG_NONE;

		if (zone_uses_extents(e, zno))
			t = ext_lookup(mz, blk + i);
		else if (mz->tags)
			t = mz->tags[blk + i];
		zw_pattern_fill((uint8_t *)buf + i * bs, bs, t);
	}
	return BLK_STS_OK;
}

static blk_status_t mem_read_tags(struct emu_dev *e, unsigned int zno, sector_t off,
				  unsigned int nr, uint64_t *tags, struct zone_result *res)
{
	struct mem_store *ms = MEM(e);
	struct mem_zone *mz = &ms->zones[zno];
	size_t bs = e->zm.geo.lba_size, len = (size_t)nr << SECTOR_SHIFT;
	uint64_t blk = (off << SECTOR_SHIFT) >> ms->lba_shift;

	(void)res;
	for (size_t i = 0; i < len / bs; i++) {
		uint64_t t = ZW_TAG_NONE;

		if (zone_uses_extents(e, zno))
			t = ext_lookup(mz, blk + i);
		else if (mz->tags)
			t = mz->tags[blk + i];
		tags[i] = t;
	}
	return BLK_STS_OK;
}

static int mem_reset(struct emu_dev *e, unsigned int zno)
{
	struct mem_store *ms = MEM(e);
	struct mem_zone *mz = &ms->zones[zno];

	if (mz->bytes)
		zone_buf_put(ms, mz, zone_bytes(e, zno));
	free(mz->ext);
	free(mz->tags);
	memset(mz, 0, sizeof(*mz));
	return 0;
}

static int mem_finish(struct emu_dev *e, unsigned int zno)
{
	(void)e;
	(void)zno;
	return 0;	/* unwritten blocks of a finished zone read as zeros already */
}

static int mem_flush(struct emu_dev *e)
{
	(void)e;
	return 0;
}

static void mem_free(struct emu_dev *e)
{
	struct mem_store *ms = MEM(e);

	if (!ms)
		return;
	for (unsigned int i = 0; ms->zones && i < e->zm.nr_zones; i++)
		mem_reset(e, i);
	for (unsigned int i = 0; i < ms->nr_pool; i++)
		page_region_free(ms->pool[i].bytes, ms->pool[i].size, ms->huge);
	free(ms->zones);
	free(ms->block);
	free(ms);
	e->store_priv = NULL;
}

static const struct emu_store_ops mem_store_ops = {
	.write = mem_write,
	.read = mem_read,
	.read_tags = mem_read_tags,
	.reset = mem_reset,
	.finish = mem_finish,
	.flush = mem_flush,
	.free = mem_free,
};

int emu_store_mem_init(struct emu_dev *e, char *err, size_t errlen)
{
	struct mem_store *ms = calloc(1, sizeof(*ms));

	e->store = &mem_store_ops;
	e->store_priv = ms;
	if (ms)
		ms->zones = calloc(e->zm.nr_zones, sizeof(*ms->zones));
	if (!ms || !ms->zones) {
		snprintf(err, errlen, "out of memory for %u zones", e->zm.nr_zones);
		return -ENOMEM;
	}
	ms->lba_shift = (unsigned int)__builtin_ctz(e->zm.geo.lba_size);
	ms->huge = page_alloc_huge();
	return 0;
}
