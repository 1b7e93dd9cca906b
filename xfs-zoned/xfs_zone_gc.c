// SPDX-License-Identifier: MIT
/*
 * Zone garbage collection (fs/xfs/xfs_zone_gc.c, Linux 6.17): the GC
 * "thread" is an event on the simulation loop, woken like the kernel's
 * kthread.  Each run does, in order: finished writes (remap), finished
 * reads (write by zone append to the GC zone), zone resets, and new
 * chunks from the victim zone.  docs/xfs-zoned.md, "Garbage collection".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xfs_zoned.h"

/* A live extent of the victim: what the rmap would say (the model has no rmap). */
struct xfs_gc_rec {
	struct xfs_inode *ip;
	uint64_t off, startblock, len;
};

enum xfs_gc_state { XFS_GC_BIO_NEW, XFS_GC_BIO_DONE };

struct xfs_gc_chunk {
	struct xfs_gc_chunk *next;
	struct xfs_mount *mp;
	struct xfs_inode *ip;
	uint64_t offset, len;		/* file block, blocks */
	uint64_t old_startblock;
	sector_t new_daddr;
	bool is_seq;
	struct xfs_open_zone *oz;
	struct xfs_rtgroup *victim;
	void *buf;			/* the scratch space */
	enum xfs_gc_state state;
	blk_status_t status;
};

struct xfs_gc_list {
	struct xfs_gc_chunk *head, *tail;
};

struct xfs_zone_gc {
	bool scheduled;			/* the thread is woken: an event is queued */
	struct xfs_gc_list reading, writing;
	unsigned int resetting;		/* resets in flight */
	uint64_t scratch_used;		/* bytes of the XFS_ZONE_GC_NR_SCRATCH chunk buffers in use */
	/* the iterator over the victim's live extents (xfs_zone_gc_iter) */
	struct xfs_rtgroup *victim;
	struct xfs_gc_rec *recs;
	size_t nr_recs, rec_idx;
};

struct xfs_gc_reset {
	struct xfs_mount *mp;
	struct xfs_rtgroup *rtg;
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
	threshold = free / 100 * mp->m_zonegc_low_space + free % 100 * mp->m_zonegc_low_space / 100;
	return available < threshold;
}

/* xfs_is_zonegc_running(): woken, or with I/O or resets to finish. */
bool xfs_zone_gc_running(struct xfs_mount *mp)
{
	struct xfs_zone_gc *gc = mp->zi_gc;

	return gc && (gc->scheduled || gc->reading.head || gc->writing.head || gc->resetting ||
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

static int xfs_gc_rec_cmp(const void *a, const void *b)
{
	const struct xfs_gc_rec *x = a, *y = b;

	if (x->ip->i_vnode.i_ino != y->ip->i_vnode.i_ino)
		return x->ip->i_vnode.i_ino < y->ip->i_vnode.i_ino ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * The victim's live extents, sorted by (inode, offset) as
 * xfs_zone_gc_query() sorts its batch of rmap records; from the data forks.
 */
static bool xfs_zone_gc_query(struct xfs_mount *mp, struct xfs_zone_gc *gc, struct xfs_rtgroup *rtg)
{
	uint64_t end = rtg->rtg_start + rtg->rtg_blocks;

	gc->nr_recs = gc->rec_idx = 0;
	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		struct xfs_inode *ip = mp->m_inodes[i];
		struct xfs_iext_cursor icur;
		struct xfs_bmbt_irec got;

		if (!ip->exists)
			continue;
		for_each_xfs_iext(&ip->i_df, &icur, &got) {
			const struct xfs_bmbt_irec *r = &got;
			struct xfs_gc_rec *n;

			if (r->br_startblock < rtg->rtg_start || r->br_startblock >= end)
				continue;
			n = realloc(gc->recs, (gc->nr_recs + 1) * sizeof(*n));
			if (!n)
				return false;
			gc->recs = n;
			gc->recs[gc->nr_recs++] = (struct xfs_gc_rec){
				.ip = ip, .off = r->br_startoff, .startblock = r->br_startblock,
				.len = r->br_blockcount,
			};
		}
	}
	qsort(gc->recs, gc->nr_recs, sizeof(*gc->recs), xfs_gc_rec_cmp);
	return true;
}

/*
 * xfs_zone_gc_select_victim() / xfs_zone_gc_pick_victim_from(): the first
 * non-empty used bucket from 0; in it the least used zone, skipping zones
 * waiting for a reset (used 0) and zones GC still reads from; in bucket 0
 * any zone under 1% used will do.
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

			if (rtg->rtg_bucket != (int)bucket || rtg->rtg_used == 0 ||
			    rtg->rtg_used >= victim_used || rtg->rtg_gccount)
				continue;
			victim = rtg;
			victim_used = rtg->rtg_used;
			if (bucket == 0 && victim_used < rtg->rtg_blocks / 100)
				break;
		}
	}
	if (!victim || !xfs_zone_gc_query(mp, gc, victim))
		return false;
	gc->victim = victim;
	return true;
}

/* --- chunks --------------------------------------------------------------- */

/*
 * xfs_zone_gc_iter_next(): the next run of the victim still live in its
 * file (the rmap is current: a record the file no longer maps there is
 * not returned).  Clears the victim when there is none.
 */
static bool xfs_zone_gc_iter_next(struct xfs_mount *mp, struct xfs_zone_gc *gc, struct xfs_gc_rec *out)
{
	(void)mp;
	while (gc->rec_idx < gc->nr_recs) {
		struct xfs_gc_rec *rec = &gc->recs[gc->rec_idx];
		struct xfs_inode *ip = rec->ip;
		struct xfs_iext_cursor icur;
		struct xfs_bmbt_irec r;
		uint64_t live = 0;

		if (!rec->len) {
			gc->rec_idx++;
			continue;
		}
		if (ip->exists && xfs_iext_lookup_extent(&ip->i_df, rec->off, &icur, &r) &&
		    r.br_startoff <= rec->off &&
		    r.br_startblock + (rec->off - r.br_startoff) == rec->startblock) {
			live = r.br_startoff + r.br_blockcount - rec->off;
			if (live > rec->len)
				live = rec->len;
		}
		if (live) {
			*out = *rec;
			out->len = live;
			return true;
		}
		/* not live here any more: the next block */
		rec->off++;
		rec->startblock++;
		rec->len--;
	}
	gc->victim = NULL;
	return false;
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
 * xfs_zone_gc_alloc_blocks(): GC allocates from the reserved pools of
 * both counters, never from the general ones a writer may be waiting for.
 */
static struct xfs_open_zone *xfs_zone_gc_alloc_blocks(struct xfs_mount *mp, uint64_t *count,
						      sector_t *daddr, bool *is_seq)
{
	struct xfs_open_zone *oz = xfs_zone_gc_ensure_target(mp);
	struct xfs_rtgroup *rtg;

	if (!oz)
		return NULL;
	rtg = oz->oz_rtg;
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

static void xfs_zone_gc_end_io(struct bio *bio)
{
	struct xfs_gc_chunk *chunk = bio->bi_private;

	chunk->status = bio->bi_status;
	if (bio->bi_op == REQ_OP_ZONE_APPEND)
		chunk->new_daddr = bio->bi_iter.bi_sector;
	chunk->state = XFS_GC_BIO_DONE;
	bio_put(bio);
	xfs_zone_gc_wake(chunk->mp);
}

static void xfs_zone_gc_submit(struct xfs_gc_chunk *chunk, enum req_op op, sector_t sector)
{
	struct xfs_mount *mp = chunk->mp;
	struct bio *bio = bio_alloc(mp->m_bdev, 1, op, 0);

	chunk->state = XFS_GC_BIO_NEW;
	if (!bio) {
		chunk->status = BLK_STS_RESOURCE;
		chunk->state = XFS_GC_BIO_DONE;
		return;
	}
	bio->bi_iter.bi_sector = sector;
	bio_add_data(bio, chunk->buf, 0, (uint32_t)(chunk->len * mp->m_blocksize), NULL, 0);
	bio->bi_end_io = xfs_zone_gc_end_io;
	bio->bi_private = chunk;
	submit_bio(bio);
}

/* Chunks of at most 1 MiB, within the scratch space and the device's append limit. */
static uint64_t xfs_zone_gc_max_blocks(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	uint64_t bytes = XFS_GC_CHUNK_SIZE;
	uint64_t scratch = (uint64_t)XFS_ZONE_GC_NR_SCRATCH * XFS_GC_CHUNK_SIZE - gc->scratch_used;
	uint64_t append = (uint64_t)mp->m_bdev->lim.max_zone_append_sectors << SECTOR_SHIFT;

	if (scratch < bytes)
		bytes = scratch;
	if (append && append < bytes)
		bytes = append;
	return bytes / mp->m_blocksize;
}

/* xfs_zone_gc_start_chunk(): read the next live run of the victim. */
static bool xfs_zone_gc_start_chunk(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	struct xfs_gc_chunk *chunk;
	struct xfs_open_zone *oz;
	struct xfs_gc_rec rec;
	uint64_t count = xfs_zone_gc_max_blocks(mp, gc);
	sector_t daddr;
	bool is_seq;

	if (mp->m_shutdown || !count || !gc->victim || !xfs_zone_gc_iter_next(mp, gc, &rec))
		return false;
	if (count > rec.len)
		count = rec.len;
	oz = xfs_zone_gc_alloc_blocks(mp, &count, &daddr, &is_seq);
	if (!oz)
		return false;
	chunk = calloc(1, sizeof(*chunk));
	if (chunk)
		chunk->buf = malloc(count * mp->m_blocksize);
	if (!chunk || !chunk->buf) {
		free(chunk);
		xfs_zone_gc_shutdown(mp);
		return false;
	}
	chunk->mp = mp;
	chunk->ip = rec.ip;
	chunk->offset = rec.off;
	chunk->len = count;
	chunk->old_startblock = rec.startblock;
	chunk->new_daddr = daddr;
	chunk->is_seq = is_seq;
	chunk->oz = oz;
	chunk->victim = gc->victim;
	chunk->victim->rtg_gccount++;
	mp->zi_gc_progress++;
	gc->scratch_used += count * mp->m_blocksize;
	xfs_zone_gc_iter_advance(gc, count);
	xfs_gc_list_add(&gc->reading, chunk);
	xfs_zone_gc_submit(chunk, REQ_OP_READ, rec.startblock * mp->m_blkbb);
	return true;
}

/* xfs_zone_gc_write_chunk(): the data read goes to the GC zone, by zone append. */
static void xfs_zone_gc_write_chunk(struct xfs_mount *mp, struct xfs_gc_chunk *chunk)
{
	(void)mp;
	xfs_gc_list_add(&mp->zi_gc->writing, chunk);
	if (chunk->status) {
		chunk->state = XFS_GC_BIO_DONE;
		return;
	}
	xfs_zone_gc_submit(chunk, chunk->is_seq ? REQ_OP_ZONE_APPEND : REQ_OP_WRITE, chunk->new_daddr);
}

/* xfs_zone_gc_finish_chunk(): remap where the file still maps the old blocks. */
static void xfs_zone_gc_finish_chunk(struct xfs_mount *mp, struct xfs_gc_chunk *chunk)
{
	struct xfs_zone_gc *gc = mp->zi_gc;

	if (chunk->status) {
		xfs_zone_gc_shutdown(mp);
	} else {
		mp->s_gc_bytes += chunk->len * mp->m_blocksize;
		xfs_zoned_end_io(chunk->ip, (loff_t)(chunk->offset * mp->m_blocksize),
				 chunk->len * mp->m_blocksize, chunk->new_daddr, chunk->oz,
				 chunk->old_startblock);
	}
	chunk->victim->rtg_gccount--;
	mp->zi_gc_progress++;
	gc->scratch_used -= chunk->len * mp->m_blocksize;
	xfs_open_zone_put(chunk->oz);
	free(chunk->buf);
	free(chunk);
}

/* --- resets --------------------------------------------------------------- */

/* xfs_zone_gc_finish_reset(): the zone is free again, its space available. */
static void xfs_zone_gc_reset_end_io(struct bio *bio)
{
	struct xfs_gc_reset *r = bio->bi_private;
	struct xfs_mount *mp = r->mp;
	struct xfs_rtgroup *rtg = r->rtg;

	mp->zi_gc->resetting--;
	mp->zi_gc_progress++;
	if (bio->bi_status) {
		xfs_zone_gc_shutdown(mp);
	} else {
		rtg->rtg_state = XFS_RTG_FREE;
		rtg->rtg_used = 0;
		mp->zi_nr_free_zones++;
		mp->s_zone_resets++;
		xfs_zoned_add_available(mp, (int64_t)rtg->rtg_blocks);
	}
	bio_put(bio);
	free(r);
	xfs_zone_gc_wake(mp);
}

/*
 * xfs_zone_gc_reset_zones(): REQ_OP_ZONE_RESET for each zone on the reset
 * list.  A zone GC still reads from waits for those reads.
 */
static void xfs_zone_gc_reset_zones(struct xfs_mount *mp)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < mp->zi_nr_reset; i++) {
		struct xfs_rtgroup *rtg = &mp->m_rtgroups[mp->zi_reset_list[i]];
		struct xfs_gc_reset *r;
		struct bio *bio;

		if (rtg->rtg_gccount) {
			mp->zi_reset_list[kept++] = mp->zi_reset_list[i];
			continue;
		}
		rtg->rtg_on_reset_list = false;
		r = malloc(sizeof(*r));
		bio = r ? bio_alloc(mp->m_bdev, 1, REQ_OP_ZONE_RESET, 0) : NULL;
		if (!bio) {
			free(r);
			xfs_zone_gc_shutdown(mp);
			continue;
		}
		r->mp = mp;
		r->rtg = rtg;
		bio->bi_iter.bi_sector = rtg->rtg_start * mp->m_blkbb;
		bio->bi_end_io = xfs_zone_gc_reset_end_io;
		bio->bi_private = r;
		mp->zi_gc->resetting++;
		submit_bio(bio);
	}
	mp->zi_nr_reset = kept;
}

/* --- the thread ----------------------------------------------------------- */

/* xfs_zone_gc_should_start_new_work() */
static bool xfs_zone_gc_should_start_new_work(struct xfs_mount *mp, struct xfs_zone_gc *gc)
{
	if (mp->m_shutdown || !xfs_zone_gc_max_blocks(mp, gc))
		return false;
	if (!gc->victim) {
		if (!xfs_zoned_need_gc(mp))
			return false;
		if (!xfs_zone_gc_select_victim(mp, gc))
			return false;
	}
	return true;
}

/* xfs_zoned_gcd() / xfs_zone_gc_handle_work(): one wake-up's work, in the kernel's order. */
static void xfs_zoned_gcd(void *arg)
{
	struct xfs_mount *mp = arg;
	struct xfs_zone_gc *gc = mp->zi_gc;

	gc->scheduled = false;
	while (gc->writing.head && gc->writing.head->state == XFS_GC_BIO_DONE)
		xfs_zone_gc_finish_chunk(mp, xfs_gc_list_pop(&gc->writing));
	while (gc->reading.head && gc->reading.head->state == XFS_GC_BIO_DONE)
		xfs_zone_gc_write_chunk(mp, xfs_gc_list_pop(&gc->reading));
	if (mp->zi_nr_reset && !mp->m_shutdown)
		xfs_zone_gc_reset_zones(mp);
	if (xfs_zone_gc_should_start_new_work(mp, gc))
		while (xfs_zone_gc_start_chunk(mp, gc))
			;
	/* a write that could not be submitted at once ended here: go on */
	if ((gc->writing.head && gc->writing.head->state == XFS_GC_BIO_DONE) ||
	    (gc->reading.head && gc->reading.head->state == XFS_GC_BIO_DONE))
		xfs_zone_gc_wake(mp);
}

int xfs_zone_gc_mount(struct xfs_mount *mp)
{
	mp->zi_gc = calloc(1, sizeof(*mp->zi_gc));
	mp->zi_reset_list = calloc(mp->m_nr_rtgroups ? mp->m_nr_rtgroups : 1, sizeof(*mp->zi_reset_list));
	if (!mp->zi_gc || !mp->zi_reset_list)
		return -ENOMEM;
	for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++)
		mp->m_rtgroups[g].rtg_bucket = -1;
	return 0;
}

void xfs_zone_gc_unmount(struct xfs_mount *mp)
{
	struct xfs_zone_gc *gc = mp->zi_gc;

	if (gc) {
		/* the loop has run dry: no I/O is in flight; chunks left (after a shutdown) go */
		while (gc->reading.head) {
			struct xfs_gc_chunk *c = xfs_gc_list_pop(&gc->reading);

			xfs_open_zone_put(c->oz);
			free(c->buf);
			free(c);
		}
		while (gc->writing.head) {
			struct xfs_gc_chunk *c = xfs_gc_list_pop(&gc->writing);

			xfs_open_zone_put(c->oz);
			free(c->buf);
			free(c);
		}
		free(gc->recs);
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
