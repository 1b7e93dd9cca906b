// SPDX-License-Identifier: MIT
/*
 * Zone garbage collection (fs/xfs/xfs_zone_gc.c): the GC "thread" is an
 * event on the simulation loop, woken like the kernel's kthread.  Each run
 * does, in the order of the newest kernel's xfs_zone_gc_handle_work():
 * zone resets (submitted), finished resets, finished writes (remap),
 * finished reads (written by zone append to the GC zone), and new chunks
 * from the victim zone.  docs/xfs-zoned.md, "Garbage collection".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfs_zoned.h"

/* A record of the victim's rmap: an extent of a file there (the model has no rmap btree). */
struct xfs_gc_rec {
	struct xfs_inode *ip;
	uint64_t off, startblock, len;
};

#define XFS_ZONE_GC_RECS	1024	/* rmap records queried at a time */

enum xfs_gc_state { XFS_GC_BIO_NEW, XFS_GC_BIO_DONE };

/* A chunk (struct xfs_gc_bio); a zone reset uses one too. */
struct xfs_gc_chunk {
	struct xfs_gc_chunk *next;
	struct xfs_mount *mp;
	struct xfs_inode *ip;
	uint64_t offset, len;		/* file block, blocks */
	uint64_t old_startblock;
	sector_t new_daddr;
	bool is_seq;
	struct xfs_open_zone *oz;
	struct xfs_rtgroup *victim;	/* for a reset: the zone reset */
	/*
	 * The chunk's data: its part of the scratch ring in the kernel; here
	 * a buffer of its own (bytes, or a tag per block in tags mode), the
	 * ring being kept as head and tail only.
	 */
	void *buf;
	uint64_t *tags;
	struct bio *bio;		/* read, then reset for the write (the kernel's chunk->bio) */
	enum xfs_gc_state state;
	blk_status_t status;
};

struct xfs_gc_list {
	struct xfs_gc_chunk *head, *tail;
};

struct xfs_zone_gc {
	bool scheduled;			/* the thread is woken: an event is queued */
	struct xfs_gc_list reading, writing, resetting;
	struct xfs_gc_chunk *free_chunks;	/* done with, for the next (the kernel's bio_set) */
	/*
	 * The scratch ring (7.2: "xfs: rework zone GC buffer management"):
	 * XFS_GC_NR_BUFS buffers of XFS_GC_BUF_SIZE used as one ring; chunks
	 * take space at the head and give it back at the tail as they finish,
	 * in order.  Bytes; head and tail only grow.
	 */
	unsigned int scratch_size, scratch_head, scratch_tail;
	/* the iterator over the victim's rmap records (struct xfs_zone_gc_iter) */
	struct xfs_rtgroup *victim;
	uint64_t next_startblock;	/* in the group: where the next query starts */
	struct xfs_gc_rec *recs;	/* this batch, sorted by (inode, offset) */
	struct xfs_gc_rec *sort_tmp;	/* max_recs records, for sorting them */
	size_t nr_recs, rec_idx, max_recs;
};

static void xfs_gc_list_add(struct xfs_gc_list *l, struct xfs_gc_chunk *c)
{
	c->next = NULL;
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

static struct xfs_gc_chunk *xfs_gc_list_pop(struct xfs_gc_list *l)
{
	struct xfs_gc_chunk *c = l->head;

	l->head = c->next;
	if (!l->head)
		l->tail = NULL;
	c->next = NULL;
	return c;
}

/* A zeroed chunk: one done with, or a new one. */
static struct xfs_gc_chunk *xfs_gc_chunk_alloc(struct xfs_zone_gc *gc)
{
	struct xfs_gc_chunk *c = gc->free_chunks;

	if (!c)
		return calloc(1, sizeof(*c));
	gc->free_chunks = c->next;
	memset(c, 0, sizeof(*c));
	return c;
}

static void xfs_gc_chunk_free(struct xfs_zone_gc *gc, struct xfs_gc_chunk *c)
{
	c->next = gc->free_chunks;
	gc->free_chunks = c;
}

bool xfs_zone_any_reclaimable(const struct xfs_mount *mp)
{
	for (unsigned int b = 0; b < XFS_ZONE_USED_BUCKETS; b++)
		if (mp->zi_used_bucket_entries[b])
			return true;
	return false;
}

/*
 * xfs_zoned_need_gc(): only with something reclaimable; when the space
 * writable without GC is below what the user's open zones could take
 * ((max_open - 1) zones), or below zonegc_low_space percent of the free
 * space.
 */
bool xfs_zoned_need_gc(struct xfs_mount *mp)
{
	int64_t available, free, threshold;

	if (!xfs_zone_any_reclaimable(mp))
		return false;
	available = mp->m_free_rtavailable;
	if (available < (int64_t)(mp->m_rtgroups[0].rtg_blocks *
				  (mp->m_max_open_zones - XFS_OPEN_GC_ZONES)))
		return true;
	free = mp->m_free_rtextents;
	/* as the kernel computes it: the remainder counts only at 100% (div_s64(low_space, 100)) */
	threshold = free / 100 * mp->m_zonegc_low_space + free % 100 * (mp->m_zonegc_low_space / 100);
	return available < threshold;
}

/* xfs_is_zonegc_running(): woken, or with I/O or resets to finish. */
bool xfs_zone_gc_running(struct xfs_mount *mp)
{
	struct xfs_zone_gc *gc = mp->zi_gc;

	return gc && (gc->scheduled || gc->reading.head || gc->writing.head || gc->resetting.head ||
		      mp->zi_nr_reset);
}

static void xfs_zoned_gcd(void *arg);

/* wake_up_process(zi->zi_gc_thread) */
void xfs_zone_gc_wake(struct xfs_mount *mp)
{
	struct xfs_zone_gc *gc = mp->zi_gc;

	if (!gc || gc->scheduled || mp->m_shutdown)
		return;
	gc->scheduled = true;
	if (sim_schedule(mp->m_bdev->loop, 0, xfs_zoned_gcd, mp))
		gc->scheduled = false;
}

/*
 * A waiting writer wakes GC when it is not running; in the simulation it
 * does so again only after GC changed something since (the kernel's
 * waiter would sleep on; here that would spin).
 */
void xfs_zone_gc_wake_waiter(struct xfs_mount *mp, uint64_t *seen)
{
	if (xfs_zone_gc_running(mp) || *seen == mp->zi_gc_progress)
		return;
	*seen = mp->zi_gc_progress;
	xfs_zone_gc_wake(mp);
}

/* Any GC I/O error: xfs_force_shutdown(SHUTDOWN_META_IO_ERROR). */
static void xfs_zone_gc_shutdown(struct xfs_mount *mp)
{
	mp->m_shutdown = true;
}

/* --- victim selection ----------------------------------------------------- */

static bool xfs_gc_rec_before(const struct xfs_gc_rec *x, const struct xfs_gc_rec *y)
{
	if (x->ip->i_vnode.i_ino != y->ip->i_vnode.i_ino)
		return x->ip->i_vnode.i_ino < y->ip->i_vnode.i_ino;
	return x->off < y->off;
}

/*
 * Sort @n records by (inode, offset), stably: a bottom-up merge sort over
 * runs made by insertion sort, with @tmp (@n records) to merge into.  The
 * order is the one the libc's qsort() (a stable merge sort) gave; this
 * one compares inline, where qsort() called a comparison function about
 * ten thousand times a batch.
 */
#define XFS_GC_SORT_RUN	16

static void xfs_gc_sort_recs(struct xfs_gc_rec *recs, struct xfs_gc_rec *tmp, size_t n)
{
	struct xfs_gc_rec *src = recs, *dst = tmp;

	for (size_t lo = 0; lo < n; lo += XFS_GC_SORT_RUN) {
		size_t hi = lo + XFS_GC_SORT_RUN < n ? lo + XFS_GC_SORT_RUN : n;

		for (size_t i = lo + 1; i < hi; i++) {
			struct xfs_gc_rec r = recs[i];
			size_t j = i;

			for (; j > lo && xfs_gc_rec_before(&r, &recs[j - 1]); j--)
				recs[j] = recs[j - 1];
			recs[j] = r;
		}
	}
	for (size_t w = XFS_GC_SORT_RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			/* equal keys: the left run's first, for stability */
			while (i < mid && j < hi)
				dst[k++] = xfs_gc_rec_before(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		/* the merged runs are the next pass's source */
		dst = src;
		src = dst == recs ? tmp : recs;
	}
	if (src != recs)
		memcpy(recs, src, n * sizeof(*recs));
}

/* The victim is done with: xfs_zone_gc_query()'s "done". */
static void xfs_zone_gc_iter_done(struct xfs_zone_gc *gc)
{
	gc->victim->rtg_gccount--;
	gc->victim = NULL;
}

/*
 * xfs_zone_gc_query(): the next XFS_ZONE_GC_RECS rmap records of the
 * victim from next_startblock on (the rmap is in disk order), then sorted
 * by (inode, offset) to defragment.  A record is as current as the
 * kernel's query would find it, and goes stale the same way while GC
 * works through the batch.
 */
static bool xfs_zone_gc_query(struct xfs_zone_gc *gc)
{
	struct xfs_rtgroup *rtg = gc->victim;
	uint64_t from = rtg->rtg_start + gc->next_startblock, end = rtg->rtg_start + rtg->rtg_blocks;
	struct xfs_rmapi_cursor cur;
	struct xfs_rmap_irec got;

	gc->nr_recs = gc->rec_idx = 0;
	if (gc->next_startblock == rtg->rtg_blocks) {
		xfs_zone_gc_iter_done(gc);
		return true;
	}
	/* the records from next_startblock on, in disk order: at most one batch and one more */
	for (bool ok = xfs_rmap_lookup(&rtg->rtg_rmap, from, &cur, &got); ok && got.rm_startblock < end &&
	     gc->nr_recs <= XFS_ZONE_GC_RECS; ok = xfs_rmap_next(&rtg->rtg_rmap, &cur, &got)) {
		if (gc->nr_recs == gc->max_recs) {
			size_t max = gc->max_recs ? gc->max_recs * 2 : 64;
			struct xfs_gc_rec *n = realloc(gc->recs, max * sizeof(*n));

			if (!n)
				return false;
			gc->recs = n;
			n = realloc(gc->sort_tmp, max * sizeof(*n));
			if (!n)
				return false;
			gc->sort_tmp = n;
			gc->max_recs = max;
		}
		gc->recs[gc->nr_recs++] = (struct xfs_gc_rec){
			.ip = got.rm_owner, .off = got.rm_offset, .startblock = got.rm_startblock,
			.len = got.rm_blockcount,
		};
	}
	if (gc->nr_recs > XFS_ZONE_GC_RECS) {
		/* a full batch: the query stops after the XFS_ZONE_GC_RECS-th record */
		gc->nr_recs = XFS_ZONE_GC_RECS;
		gc->next_startblock = gc->recs[gc->nr_recs - 1].startblock + gc->recs[gc->nr_recs - 1].len -
				      rtg->rtg_start;
	} else {
		gc->next_startblock = rtg->rtg_blocks;
		if (!gc->nr_recs) {
			xfs_zone_gc_iter_done(gc);
			return true;
		}
	}
	xfs_gc_sort_recs(gc->recs, gc->sort_tmp, gc->nr_recs);
	return true;
}

/*
 * xfs_zone_gc_select_victim() / xfs_zone_gc_pick_victim_from(): the first
 * non-empty used bucket from 0; in it the least used zone, skipping zones
 * waiting for a reset (used 0) and, in newer kernels (rtg_gccount), zones
 * GC still works on; in bucket 0 any zone under 1% used will do.  The
 * victim's iteration counts in its rtg_gccount (xfs_zone_gc_iter_init()).
 */
static bool xfs_zone_gc_select_victim(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	struct xfs_rtgroup *victim = NULL;

	if (!xfs_zone_any_reclaimable(mp))
		return false;
	for (unsigned int bucket = 0; bucket < XFS_ZONE_USED_BUCKETS && !victim; bucket++) {
		uint64_t victim_used = UINT64_MAX;

		if (!mp->zi_used_bucket_entries[bucket])
			continue;
		for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++) {
			struct xfs_rtgroup *rtg = &mp->m_rtgroups[g];

			if (rtg->rtg_bucket != (int)bucket || rtg->rtg_gccount || rtg->rtg_used == 0 ||
			    rtg->rtg_used >= victim_used)
				continue;
			/* the model only: nothing but blocks of files it does not know (found at mount) */
			if (rtg->rtg_used == rtg->rtg_unowned)
				continue;
			victim = rtg;
			victim_used = rtg->rtg_used;
			if (bucket == 0 && victim_used < rtg->rtg_blocks / 100)
				break;
		}
	}
	if (!victim)
		return false;
	gc->victim = victim;
	gc->next_startblock = 0;
	gc->nr_recs = gc->rec_idx = 0;
	victim->rtg_gccount++;
	return true;
}

/* --- chunks --------------------------------------------------------------- */

/*
 * xfs_zone_gc_iter_next(): the next record of the victim, querying the
 * next batch when this one is used up; records of files deleted meanwhile
 * are skipped (xfs_iget() fails with -ENOENT).  A record is not checked
 * against the file: the chunk's remap skips what was overwritten since.
 */
static bool xfs_zone_gc_iter_next(struct xfs_mount *mp, struct xfs_zone_gc *gc, struct xfs_gc_rec *out)
{
	if (!gc->victim)
		return false;
	for (;;) {
		if (gc->rec_idx == gc->nr_recs) {
			if (!xfs_zone_gc_query(gc)) {
				xfs_zone_gc_shutdown(mp);
				return false;
			}
			if (!gc->victim)
				return false;
		}
		if (gc->recs[gc->rec_idx].ip->exists)
			break;
		gc->rec_idx++;
	}
	*out = gc->recs[gc->rec_idx];
	return true;
}

static void xfs_zone_gc_iter_advance(struct xfs_zone_gc *gc, uint64_t n)
{
	struct xfs_gc_rec *rec = &gc->recs[gc->rec_idx];

	rec->off += n;
	rec->startblock += n;
	rec->len -= n;
	if (!rec->len)
		gc->rec_idx++;
}

/*
 * xfs_zone_gc_ensure_target() / xfs_zone_gc_select_target(): the GC zone;
 * a new one (any free zone) only when the current one is full and all its
 * writes are recorded.
 */
static struct xfs_open_zone *xfs_zone_gc_ensure_target(struct xfs_mount *mp)
{
	struct xfs_open_zone *oz = mp->zi_open_gc_zone;

	if (oz && oz->oz_allocated < oz->oz_rtg->rtg_blocks)
		return oz;
	if (oz)		/* full, its writes not all done: wait for them */
		return NULL;
	oz = xfs_open_zone(mp, WRITE_LIFE_NOT_SET, true);
	mp->zi_open_gc_zone = oz;
	return oz;
}

/*
 * xfs_zone_gc_scratch_available(): the ring's free bytes.  Head and tail
 * only grow (unsigned, wrapping), so a full ring is not taken for an empty
 * one: the fix the first version of the ring got in review (its head and
 * tail modulo the size read a full ring whose head wrapped to 0 as empty).
 */
static unsigned int xfs_zone_gc_scratch_available(struct xfs_zone_gc *gc)
{
	return gc->scratch_size - (gc->scratch_head - gc->scratch_tail);
}

/*
 * xfs_zone_gc_alloc_blocks(): up to what the scratch ring has free; GC
 * allocates from the reserved pools of both counters, never from the
 * general ones a writer may be waiting for.
 */
static struct xfs_open_zone *xfs_zone_gc_alloc_blocks(struct xfs_mount *mp, uint64_t *count,
						      sector_t *daddr, bool *is_seq)
{
	struct xfs_open_zone *oz = xfs_zone_gc_ensure_target(mp);
	uint64_t append = (uint64_t)mp->m_bdev->lim.max_zone_append_sectors << SECTOR_SHIFT;
	struct xfs_rtgroup *rtg;

	if (!oz)
		return NULL;
	rtg = oz->oz_rtg;
	if (*count > xfs_zone_gc_scratch_available(mp->zi_gc) / mp->m_blocksize)
		*count = xfs_zone_gc_scratch_available(mp->zi_gc) / mp->m_blocksize;
	/*
	 * The model cuts chunks at the append limit where the kernel splits
	 * their writes (xfs_zone_gc_split_write(): each piece a chunk of its
	 * own from then on, remapped on its own); the same pieces, each read
	 * alone.
	 */
	if (append && *count > append / mp->m_blocksize)
		*count = append / mp->m_blocksize;
	if (*count > rtg->rtg_blocks - oz->oz_allocated)
		*count = rtg->rtg_blocks - oz->oz_allocated;
	if ((int64_t)*count > mp->m_resv_rtextents)
		*count = mp->m_resv_rtextents > 0 ? (uint64_t)mp->m_resv_rtextents : 0;
	if ((int64_t)*count > mp->m_resv_rtavailable)
		*count = mp->m_resv_rtavailable > 0 ? (uint64_t)mp->m_resv_rtavailable : 0;
	if (!*count)
		return NULL;
	mp->m_resv_rtextents -= (int64_t)*count;
	mp->m_resv_rtavailable -= (int64_t)*count;
	*is_seq = rtg->rtg_seq;
	*daddr = (rtg->rtg_start + (rtg->rtg_seq ? 0 : oz->oz_allocated)) * mp->m_blkbb;
	oz->oz_allocated += *count;
	oz->oz_ref++;
	return oz;
}

/* The chunk keeps its bio: the write reuses the read's, and the chunk's end drops it. */
static void xfs_zone_gc_end_io(struct bio *bio)
{
	struct xfs_gc_chunk *chunk = bio->bi_private;

	chunk->status = bio->bi_status;
	if (bio->bi_op == REQ_OP_ZONE_APPEND)
		chunk->new_daddr = bio->bi_iter.bi_sector;
	chunk->state = XFS_GC_BIO_DONE;
	xfs_zone_gc_wake(chunk->mp);
}

/*
 * The chunk's bio on its data: bytes, or tags in tags mode.  The read's
 * bio is reset for the write (bio_reset(), as the kernel's
 * xfs_zone_gc_write_chunk() does).
 */
static void xfs_zone_gc_submit(struct xfs_gc_chunk *chunk, enum req_op op, sector_t sector)
{
	struct xfs_mount *mp = chunk->mp;
	uint32_t len = (uint32_t)(chunk->len * mp->m_blocksize);
	struct bio *bio = chunk->bio;

	if (bio)
		bio_reset(bio, mp->m_bdev, op, 0);
	else
		bio = chunk->bio = bio_alloc(mp->m_bdev, 1, op, 0);
	chunk->state = XFS_GC_BIO_NEW;
	if (!bio) {
		chunk->status = BLK_STS_RESOURCE;
		chunk->state = XFS_GC_BIO_DONE;
		return;
	}
	bio->bi_iter.bi_sector = sector;
	if (chunk->tags) {
		bio_add_data(bio, NULL, 0, len, NULL, 0);
		bio->bi_io_vec[0].bv_tags = chunk->tags;
	} else {
		bio_add_data(bio, chunk->buf, 0, len, NULL, 0);
	}
	bio->bi_end_io = xfs_zone_gc_end_io;
	bio->bi_private = chunk;
	submit_bio(bio);
}

/* xfs_zone_gc_start_chunk(): read the next record of the victim into the scratch ring. */
static bool xfs_zone_gc_start_chunk(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	struct xfs_gc_chunk *chunk;
	struct xfs_open_zone *oz;
	struct xfs_gc_rec rec;
	sector_t daddr;
	bool is_seq;

	if (mp->m_shutdown || !xfs_zone_gc_iter_next(mp, gc, &rec))
		return false;
	oz = xfs_zone_gc_alloc_blocks(mp, &rec.len, &daddr, &is_seq);
	if (!oz)
		return false;
	chunk = xfs_gc_chunk_alloc(gc);
	if (!chunk) {
		xfs_zone_gc_shutdown(mp);
		return false;
	}
	chunk->mp = mp;
	chunk->ip = rec.ip;
	chunk->offset = rec.off;
	chunk->len = rec.len;
	chunk->old_startblock = rec.startblock;
	chunk->new_daddr = daddr;
	chunk->is_seq = is_seq;
	chunk->oz = oz;
	chunk->victim = gc->victim;
	chunk->victim->rtg_gccount++;
	if (mp->m_mm->tags)
		chunk->tags = calloc(rec.len, sizeof(*chunk->tags));
	else
		chunk->buf = malloc(rec.len * mp->m_blocksize);
	if (!chunk->tags && !chunk->buf) {
		xfs_gc_chunk_free(gc, chunk);
		xfs_zone_gc_shutdown(mp);
		return false;
	}
	gc->scratch_head += (unsigned int)(rec.len * mp->m_blocksize);
	mp->zi_gc_progress++;
	xfs_zone_gc_iter_advance(gc, rec.len);
	xfs_gc_list_add(&gc->reading, chunk);
	xfs_zone_gc_submit(chunk, REQ_OP_READ, rec.startblock * mp->m_blkbb);
	return true;
}

/* xfs_zone_gc_free_chunk() */
static void xfs_zone_gc_free_chunk(struct xfs_mount *mp, struct xfs_gc_chunk *chunk)
{
	bio_put(chunk->bio);
	chunk->bio = NULL;
	free(chunk->buf);
	free(chunk->tags);
	chunk->buf = NULL;
	chunk->tags = NULL;
	chunk->victim->rtg_gccount--;
	mp->zi_gc_progress++;
	xfs_open_zone_put(chunk->oz);
	xfs_gc_chunk_free(mp->zi_gc, chunk);
}

/* xfs_zone_gc_write_chunk(): the data read goes to the GC zone, by zone append. */
static void xfs_zone_gc_write_chunk(struct xfs_mount *mp, struct xfs_gc_chunk *chunk)
{
	if (chunk->status)
		xfs_zone_gc_shutdown(mp);
	if (mp->m_shutdown) {
		xfs_zone_gc_free_chunk(mp, chunk);
		return;
	}
	xfs_gc_list_add(&mp->zi_gc->writing, chunk);
	xfs_zone_gc_submit(chunk, chunk->is_seq ? REQ_OP_ZONE_APPEND : REQ_OP_WRITE, chunk->new_daddr);
}

/*
 * xfs_zone_gc_finish_chunk(): its part of the scratch ring is free (the
 * tail moves: chunks finish in order); remap where the file still maps
 * the old blocks.
 */
static void xfs_zone_gc_finish_chunk(struct xfs_mount *mp, struct xfs_gc_chunk *chunk)
{
	if (chunk->status)
		xfs_zone_gc_shutdown(mp);
	if (mp->m_shutdown) {
		xfs_zone_gc_free_chunk(mp, chunk);
		return;
	}
	mp->zi_gc->scratch_tail += (unsigned int)(chunk->len * mp->m_blocksize);
	mp->s_gc_bytes += chunk->len * mp->m_blocksize;
	xfs_zoned_end_io(chunk->ip, (loff_t)(chunk->offset * mp->m_blocksize), chunk->len * mp->m_blocksize,
			 chunk->new_daddr, chunk->oz, chunk->old_startblock);
	xfs_zone_gc_free_chunk(mp, chunk);
}

/* --- resets --------------------------------------------------------------- */

static void xfs_zone_gc_reset_end_io(struct bio *bio)
{
	struct xfs_gc_chunk *r = bio->bi_private;

	r->status = bio->bi_status;
	r->state = XFS_GC_BIO_DONE;
	bio_put(bio);
	xfs_zone_gc_wake(r->mp);
}

/* xfs_zone_gc_finish_reset(): the zone is free again, its space available. */
static void xfs_zone_gc_finish_reset(struct xfs_mount *mp, struct xfs_gc_chunk *r)
{
	struct xfs_rtgroup *rtg = r->victim;

	mp->zi_gc_progress++;
	if (r->status) {
		xfs_zone_gc_shutdown(mp);
	} else {
		rtg->rtg_state = XFS_RTG_FREE;
		rtg->rtg_used = 0;
		mp->zi_nr_free_zones++;
		mp->s_zone_resets++;
		xfs_zoned_add_available(mp, (int64_t)rtg->rtg_blocks);
	}
	xfs_gc_chunk_free(mp->zi_gc, r);
}

/*
 * xfs_zone_gc_reset_zones(): REQ_OP_ZONE_RESET for each zone on the reset
 * list, last queued first (the kernel's list is a stack); they finish in
 * the GC thread (the resetting list).  No flush or log force before them.
 */
static void xfs_zone_gc_reset_zones(struct xfs_mount *mp)
{
	while (mp->zi_nr_reset) {
		struct xfs_rtgroup *rtg = &mp->m_rtgroups[mp->zi_reset_list[--mp->zi_nr_reset]];
		struct xfs_gc_chunk *r = xfs_gc_chunk_alloc(mp->zi_gc);
		struct bio *bio = r ? bio_alloc(mp->m_bdev, 1, REQ_OP_ZONE_RESET, 0) : NULL;

		rtg->rtg_on_reset_list = false;
		if (!bio) {
			if (r)
				xfs_gc_chunk_free(mp->zi_gc, r);
			xfs_zone_gc_shutdown(mp);
			continue;
		}
		r->mp = mp;
		r->victim = rtg;
		r->state = XFS_GC_BIO_NEW;
		xfs_gc_list_add(&mp->zi_gc->resetting, r);
		bio->bi_iter.bi_sector = rtg->rtg_start * mp->m_blkbb;
		bio->bi_end_io = xfs_zone_gc_reset_end_io;
		bio->bi_private = r;
		submit_bio(bio);
	}
}

/* --- the thread ----------------------------------------------------------- */

/*
 * xfs_zone_gc_space_available(): room in the scratch ring, and a GC zone
 * with space or one to be had.  The kernel's xfs_zone_gc_ensure_target()
 * opens the new zone here already; the model opens it at the first
 * allocation (docs/xfs-zoned.md).
 */
static bool xfs_zone_gc_space_available(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	struct xfs_open_zone *oz = mp->zi_open_gc_zone;

	if (oz && oz->oz_allocated == oz->oz_rtg->rtg_blocks)
		return false;	/* full: a new one only when its writes are done */
	if (!oz && !mp->zi_nr_free_zones)
		return false;
	return xfs_zone_gc_scratch_available(gc) >= mp->m_blocksize;
}

/* xfs_zone_gc_should_start_new_work() */
static bool xfs_zone_gc_should_start_new_work(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	if (mp->m_shutdown || !xfs_zone_gc_space_available(mp, gc))
		return false;
	if (!gc->victim) {
		if (!xfs_zoned_need_gc(mp))
			return false;
		if (!xfs_zone_gc_select_victim(mp, gc))
			return false;
	}
	return true;
}

static bool xfs_gc_list_done(const struct xfs_gc_list *l)
{
	return l->head && l->head->state == XFS_GC_BIO_DONE;
}

/* xfs_zoned_gcd() / xfs_zone_gc_handle_work(): one wake-up's work, in the kernel's order. */
static void xfs_zoned_gcd(void *arg)
{
	struct xfs_mount *mp = arg;
	struct xfs_zone_gc *gc = mp->zi_gc;

	gc->scheduled = false;
	if (mp->zi_nr_reset && !mp->m_shutdown)
		xfs_zone_gc_reset_zones(mp);
	while (xfs_gc_list_done(&gc->resetting))
		xfs_zone_gc_finish_reset(mp, xfs_gc_list_pop(&gc->resetting));
	while (xfs_gc_list_done(&gc->writing))
		xfs_zone_gc_finish_chunk(mp, xfs_gc_list_pop(&gc->writing));
	while (xfs_gc_list_done(&gc->reading))
		xfs_zone_gc_write_chunk(mp, xfs_gc_list_pop(&gc->reading));
	if (xfs_zone_gc_should_start_new_work(mp, gc))
		while (xfs_zone_gc_start_chunk(mp, gc))
			;
	/* a bio that could not be submitted ended at once, or a reset arrived: go on */
	if (xfs_gc_list_done(&gc->writing) || xfs_gc_list_done(&gc->reading) ||
	    xfs_gc_list_done(&gc->resetting) || (mp->zi_nr_reset && !mp->m_shutdown))
		xfs_zone_gc_wake(mp);
}

int xfs_zone_gc_mount(struct xfs_mount *mp)
{
	mp->zi_gc = calloc(1, sizeof(*mp->zi_gc));
	mp->zi_reset_list = calloc(mp->m_nr_rtgroups ? mp->m_nr_rtgroups : 1, sizeof(*mp->zi_reset_list));
	if (!mp->zi_gc || !mp->zi_reset_list)
		return -ENOMEM;
	mp->zi_gc->scratch_size = XFS_GC_BUF_SIZE * XFS_GC_NR_BUFS;
	return 0;
}

static void xfs_gc_list_free(struct xfs_gc_list *l)
{
	while (l->head) {
		struct xfs_gc_chunk *c = xfs_gc_list_pop(l);

		bio_put(c->bio);
		xfs_open_zone_put(c->oz);
		free(c->buf);
		free(c->tags);
		free(c);
	}
}

void xfs_zone_gc_unmount(struct xfs_mount *mp)
{
	struct xfs_zone_gc *gc = mp->zi_gc;

	if (gc) {
		/* the loop has run dry: no I/O is in flight; chunks left (after a shutdown) go */
		xfs_gc_list_free(&gc->reading);
		xfs_gc_list_free(&gc->writing);
		xfs_gc_list_free(&gc->resetting);
		while (gc->free_chunks) {
			struct xfs_gc_chunk *c = gc->free_chunks;

			gc->free_chunks = c->next;
			free(c);
		}
		free(gc->recs);
		free(gc->sort_tmp);
		free(gc);
		mp->zi_gc = NULL;
	}
	if (mp->zi_open_gc_zone) {
		mp->zi_open_gc_zone->oz_rtg->rtg_open_zone = NULL;
		xfs_open_zone_put(mp->zi_open_gc_zone);
		mp->zi_open_gc_zone = NULL;
	}
	free(mp->zi_reset_list);
	mp->zi_reset_list = NULL;
}
