// SPDX-License-Identifier: MIT
/*
 * Open zones, zone selection, allocation and zone-append submission
 * (fs/xfs/xfs_zone_alloc.c, Linux 6.17).
 */
#include <errno.h>
#include <stdlib.h>

#include "xfs_zoned.h"

static void zi_list_del(struct xfs_mount *mp, struct xfs_open_zone *oz)
{
	if (oz->oz_prev)
		oz->oz_prev->oz_next = oz->oz_next;
	else
		mp->zi_open_head = oz->oz_next;
	if (oz->oz_next)
		oz->oz_next->oz_prev = oz->oz_prev;
	else
		mp->zi_open_tail = oz->oz_prev;
	oz->oz_prev = oz->oz_next = NULL;
}

static void zi_list_add_tail(struct xfs_mount *mp, struct xfs_open_zone *oz)
{
	oz->oz_prev = mp->zi_open_tail;
	oz->oz_next = NULL;
	if (mp->zi_open_tail)
		mp->zi_open_tail->oz_next = oz;
	else
		mp->zi_open_head = oz;
	mp->zi_open_tail = oz;
}

void xfs_open_zone_put(struct xfs_open_zone *oz)
{
	if (oz && --oz->oz_ref == 0)
		free(oz);
}

/*
 * xfs_good_hint_match(): long and extreme data share zones, medium its own,
 * and short, none and unset together.
 */
static bool xfs_good_hint_match(enum rw_hint zone_hint, enum rw_hint file_hint)
{
	switch (zone_hint) {
	case WRITE_LIFE_LONG:
	case WRITE_LIFE_EXTREME:
		return file_hint == WRITE_LIFE_LONG || file_hint == WRITE_LIFE_EXTREME;
	case WRITE_LIFE_MEDIUM:
		return file_hint == WRITE_LIFE_MEDIUM;
	default:
		return file_hint <= WRITE_LIFE_SHORT;
	}
}

/* Take a reference, adopt the file's hint if the zone has none, move it to the MRU end. */
static struct xfs_open_zone *xfs_use_zone(struct xfs_mount *mp, struct xfs_open_zone *oz,
					  enum rw_hint hint)
{
	oz->oz_ref++;
	if (oz->oz_write_hint == WRITE_LIFE_NOT_SET)
		oz->oz_write_hint = hint;
	zi_list_del(mp, oz);
	zi_list_add_tail(mp, oz);
	return oz;
}

static bool xfs_zone_has_space(const struct xfs_open_zone *oz)
{
	return oz->oz_allocated < oz->oz_rtg->rtg_blocks;
}

/* An open zone for @hint: least recently used first, or most recently for tight packing. */
static struct xfs_open_zone *xfs_select_open_zone(struct xfs_mount *mp, enum rw_hint hint,
						  bool mru, bool any)
{
	struct xfs_open_zone *oz;

	for (oz = mru ? mp->zi_open_tail : mp->zi_open_head; oz; oz = mru ? oz->oz_prev : oz->oz_next)
		if (xfs_zone_has_space(oz) && (any || xfs_good_hint_match(oz->oz_write_hint, hint)))
			return xfs_use_zone(mp, oz, hint);
	return NULL;
}

/*
 * xfs_open_zone(): the next free zone from the rotating cursor
 * (xfs_find_free_zone(): the cursor stays at the zone it found), opened at
 * write pointer 0.  A user zone goes on the open list (the list's
 * reference) and counts in nr_open; the GC zone does neither: its
 * reference is zi_open_gc_zone's.  A user zone comes back with a second
 * reference, the caller's.
 */
struct xfs_open_zone *xfs_open_zone(struct xfs_mount *mp, enum rw_hint hint, bool is_gc)
{
	struct xfs_open_zone *oz;
	unsigned int n = mp->m_nr_rtgroups;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int r = (mp->zi_free_zone_cursor + i) % n;
		struct xfs_rtgroup *rtg = &mp->m_rtgroups[r];

		if (rtg->rtg_state != XFS_RTG_FREE)
			continue;
		oz = calloc(1, sizeof(*oz));
		if (!oz)
			return NULL;
		mp->zi_free_zone_cursor = r;
		mp->zi_nr_free_zones--;
		rtg->rtg_state = XFS_RTG_OPEN;
		rtg->rtg_open_zone = oz;
		oz->oz_rtg = rtg;
		oz->oz_ref = 1;		/* the open list's, or zi_open_gc_zone's */
		oz->oz_write_hint = hint;
		oz->oz_is_gc = is_gc;
		if (is_gc)
			return oz;
		mp->zi_nr_open_zones++;
		zi_list_add_tail(mp, oz);
		oz->oz_ref++;		/* the caller's */
		return oz;
	}
	return NULL;
}

/*
 * xfs_try_open_zone(): only while an open slot is left besides the one GC
 * needs, and a free zone besides GC's spare; opening a zone uses up free
 * space, so GC is woken if it is needed now.
 */
static struct xfs_open_zone *xfs_try_open_zone(struct xfs_mount *mp, enum rw_hint hint)
{
	struct xfs_open_zone *oz;

	if (mp->zi_nr_open_zones >= mp->m_max_open_zones - XFS_OPEN_GC_ZONES || mp->zi_nr_free_zones < 2)
		return NULL;
	oz = xfs_open_zone(mp, hint, false);
	if (oz && xfs_zoned_need_gc(mp))
		xfs_zone_gc_wake(mp);
	return oz;
}

/* xfs_select_zone_nowait() */
static struct xfs_open_zone *xfs_select_zone_nowait(struct xfs_mount *mp, enum rw_hint hint,
						    bool pack_tight)
{
	struct xfs_open_zone *oz = NULL;

	if (mp->m_nolifetime)
		hint = WRITE_LIFE_NOT_SET;
	/* (a) a zone already open for this kind of data */
	if (hint == WRITE_LIFE_MEDIUM || hint == WRITE_LIFE_SHORT || hint == WRITE_LIFE_NONE)
		oz = xfs_select_open_zone(mp, hint, false, false);
	else if (pack_tight)
		oz = xfs_select_open_zone(mp, hint, true, false);
	/* (b) a new zone */
	if (!oz)
		oz = xfs_try_open_zone(mp, hint);
	/* (c) a good match after all, (d) an unhinted zone, (e) any zone with space */
	if (!oz && hint != WRITE_LIFE_NOT_SET)
		oz = xfs_select_open_zone(mp, hint, false, false);
	if (!oz)
		oz = xfs_select_open_zone(mp, WRITE_LIFE_NOT_SET, false, false);
	if (!oz)
		oz = xfs_select_open_zone(mp, hint, false, true);
	return oz;
}

/*
 * xfs_select_zone(): when no zone has space and none can be opened, the
 * kernel sleeps on zi_zone_wait (TASK_UNINTERRUPTIBLE) until a completion
 * marks a zone full (xfs_open_zone_mark_full() wakes it) or GC resets
 * one, and retries; it does not fail.  Here: run the simulation's events
 * (completions, the GC work) one by one and retry.  Only when nothing is
 * left to run is there no zone.
 */
struct xfs_open_zone *xfs_select_zone(struct xfs_mount *mp, enum rw_hint hint, bool pack_tight)
{
	struct xfs_open_zone *oz = xfs_select_zone_nowait(mp, hint, pack_tight);
	uint64_t seen = UINT64_MAX;

	while (!oz) {
		if (xfs_zoned_need_gc(mp))
			xfs_zone_gc_wake_waiter(mp, &seen);
		if (!sim_run_one(mp->m_bdev->loop))
			break;
		oz = xfs_select_zone_nowait(mp, hint, pack_tight);
	}
	return oz;
}

/*
 * xfs_last_used_zone(): the open zone of the last extent before @offset
 * (xfs_iext_lookup_extent_before(): the one covering the block before
 * @offset, else the nearest one before it, across any hole), to keep
 * appending there.  A zone without space is fine: the allocation finds
 * none and selects another.
 */
struct xfs_open_zone *xfs_last_used_zone(struct xfs_inode *ip, loff_t offset)
{
	struct xfs_mount *mp = ip->i_mount;
	uint64_t fblock = ((uint64_t)offset + mp->m_blocksize - 1) / mp->m_blocksize;
	struct xfs_iext_cursor icur;
	struct xfs_bmbt_irec got;
	struct xfs_rtgroup *rtg;

	if (!fblock || !xfs_iext_lookup_extent_before(&ip->i_df, fblock, &icur, &got))
		return NULL;
	rtg = xfs_rtb_to_rtg(mp, got.br_startblock);
	if (!rtg || !rtg->rtg_open_zone)
		return NULL;
	rtg->rtg_open_zone->oz_ref++;
	return rtg->rtg_open_zone;
}

/* xfs_zone_alloc_blocks(): up to @count blocks from the zone; where they start. */
static uint64_t xfs_zone_alloc_blocks(struct xfs_open_zone *oz, uint64_t count, sector_t *sector,
				      bool *is_seq, unsigned int blkbb)
{
	struct xfs_rtgroup *rtg = oz->oz_rtg;
	uint64_t n = count;

	if (n > XFS_MAX_BMBT_EXTLEN)
		n = XFS_MAX_BMBT_EXTLEN;
	if (n > rtg->rtg_blocks - oz->oz_allocated)
		n = rtg->rtg_blocks - oz->oz_allocated;
	if (!n)
		return 0;
	*is_seq = rtg->rtg_seq;
	/* A zone append goes to the zone's start: the device says where at completion. */
	*sector = (rtg->rtg_start + (rtg->rtg_seq ? 0 : oz->oz_allocated)) * blkbb;
	oz->oz_allocated += n;
	return n;
}

/* xfs_submit_zoned_bio() */
static void xfs_submit_zoned_bio(struct iomap_ioend *ioend, struct xfs_open_zone *oz, bool is_seq)
{
	ioend->io_bio.bi_iter.bi_sector = ioend->io_sector;
	ioend->io_private = oz;
	oz->oz_ref++;
	if (is_seq) {
		ioend->io_bio.bi_op = REQ_OP_ZONE_APPEND;
	} else if (ioend->io_sector == oz->oz_rtg->rtg_start *
		   ((struct xfs_inode *)ioend->io_inode->i_private)->i_mount->m_blkbb) {
		ioend->io_flags |= IOMAP_IOEND_BOUNDARY;
	}
	submit_bio(&ioend->io_bio);
}

void xfs_zone_alloc_and_submit(struct iomap_ioend *ioend, struct xfs_open_zone **oz)
{
	struct xfs_inode *ip = ioend->io_inode->i_private;
	struct xfs_mount *mp = ip->i_mount;
	bool pack_tight = !ip->i_wr_opens, is_seq = true;
	uint64_t alloc_len;

	/* Appending to a file continues in the zone of its previous extent while it is open. */
	if (!*oz && ioend->io_offset)
		*oz = xfs_last_used_zone(ip, ioend->io_offset);
	if (!*oz) {
select_zone:
		*oz = xfs_select_zone(mp, (enum rw_hint)ip->i_vnode.i_write_hint, pack_tight);
		if (!*oz)
			goto out_error;
	}
	alloc_len = xfs_zone_alloc_blocks(*oz, (ioend->io_size + mp->m_blocksize - 1) / mp->m_blocksize,
					  &ioend->io_sector,
					  &is_seq, mp->m_blkbb);
	if (!alloc_len) {
		xfs_open_zone_put(*oz);
		goto select_zone;
	}
	alloc_len *= mp->m_blocksize;
	for (;;) {
		/* Split at the end of what the zone gave, and at the zone append limit. */
		struct iomap_ioend *split = iomap_split_ioend(ioend, (unsigned int)(alloc_len < UINT32_MAX ? alloc_len : UINT32_MAX), is_seq);

		if (!split)
			break;
		alloc_len -= split->io_bio.bi_iter.bi_size;
		xfs_submit_zoned_bio(split, *oz, is_seq);
		if (!alloc_len) {
			xfs_open_zone_put(*oz);
			goto select_zone;
		}
	}
	xfs_submit_zoned_bio(ioend, *oz, is_seq);
	return;
out_error:
	/* No zone has space and nothing is left to run (GC cannot free one either). */
	ioend->io_bio.bi_status = BLK_STS_NOSPC;
	bio_endio(&ioend->io_bio);
}

/* --- the free-space counters (xfs_add_freecounter()) ------------------ */

/* Freed space refills the reserved pool first, then the general counter. */
static void xfs_add_freecounter(int64_t *general, int64_t *res_avail, int64_t res_total, int64_t n)
{
	if (*res_avail < res_total) {
		int64_t used = res_total - *res_avail;

		if (n <= used) {
			*res_avail += n;
			return;
		}
		*res_avail = res_total;
		n -= used;
	}
	*general += n;
}

/* xfs_add_frextents(): XC_FREE_RTEXTENTS */
void xfs_add_frextents(struct xfs_mount *mp, int64_t n)
{
	xfs_add_freecounter(&mp->m_free_rtextents, &mp->m_resv_rtextents, mp->m_resv_rtextents_total, n);
}

/* xfs_zoned_add_available(): XC_FREE_RTAVAILABLE (waiters poll, see xfs_zoned_space_reserve()) */
void xfs_zoned_add_available(struct xfs_mount *mp, int64_t n)
{
	xfs_add_freecounter(&mp->m_free_rtavailable, &mp->m_resv_rtavailable, mp->m_resv_rtavailable_total, n);
}

/* --- reclaimable accounting (xfs_zone_account_reclaimable()) ------------- */

static unsigned int xfs_zone_bucket(const struct xfs_rtgroup *rtg, uint64_t used)
{
	return (unsigned int)(XFS_ZONE_USED_BUCKETS * used / rtg->rtg_blocks);
}

static void xfs_zone_remove_from_bucket(struct xfs_mount *mp, struct xfs_rtgroup *rtg)
{
	if (rtg->rtg_bucket >= 0)
		mp->zi_used_bucket_entries[rtg->rtg_bucket]--;
	rtg->rtg_bucket = -1;
}

static void xfs_zone_add_to_bucket(struct xfs_mount *mp, struct xfs_rtgroup *rtg, unsigned int bucket)
{
	rtg->rtg_bucket = (int)bucket;
	mp->zi_used_bucket_entries[bucket]++;
}

/*
 * xfs_zone_account_reclaimable(): @freed blocks of a full zone are no
 * longer used.  Nothing used: out of its bucket, onto the reset list, GC
 * woken.  Just full: into bucket 10 * used / blocks, marked RECLAIMABLE,
 * GC woken if needed.  Else: to its new bucket.
 */
void xfs_zone_account_reclaimable(struct xfs_mount *mp, struct xfs_rtgroup *rtg, uint64_t freed)
{
	uint64_t used = rtg->rtg_used;
	bool was_full = used + freed == rtg->rtg_blocks;

	if (used == 0) {
		xfs_zone_remove_from_bucket(mp, rtg);
		rtg->rtg_reclaimable = false;
		if (!rtg->rtg_on_reset_list) {
			rtg->rtg_on_reset_list = true;
			mp->zi_reset_list[mp->zi_nr_reset++] = (unsigned int)(rtg - mp->m_rtgroups);
		}
		xfs_zone_gc_wake(mp);
	} else if (was_full) {
		xfs_zone_add_to_bucket(mp, rtg, xfs_zone_bucket(rtg, used));
		rtg->rtg_reclaimable = true;
		if (xfs_zoned_need_gc(mp))
			xfs_zone_gc_wake(mp);
	} else if (rtg->rtg_bucket >= 0 && (unsigned int)rtg->rtg_bucket != xfs_zone_bucket(rtg, used)) {
		xfs_zone_remove_from_bucket(mp, rtg);
		xfs_zone_add_to_bucket(mp, rtg, xfs_zone_bucket(rtg, used));
	}
}

/*
 * xfs_open_zone_mark_full(): the zone is written to its capacity: it
 * leaves the open list (or stops being the GC zone), and what of it is no
 * longer used becomes reclaimable.
 */
static void xfs_zone_mark_full(struct xfs_mount *mp, struct xfs_open_zone *oz)
{
	struct xfs_rtgroup *rtg = oz->oz_rtg;

	rtg->rtg_open_zone = NULL;
	rtg->rtg_state = XFS_RTG_FULL;
	if (oz->oz_is_gc) {
		if (mp->zi_open_gc_zone == oz)
			mp->zi_open_gc_zone = NULL;
	} else {
		zi_list_del(mp, oz);
		mp->zi_nr_open_zones--;
	}
	xfs_open_zone_put(oz);	/* the open list's (or zi_open_gc_zone's) reference */
	if (rtg->rtg_used < rtg->rtg_blocks)
		xfs_zone_account_reclaimable(mp, rtg, rtg->rtg_blocks - rtg->rtg_used);
}

/* xfs_zone_record_blocks() */
void xfs_zone_record_written(struct xfs_mount *mp, struct xfs_open_zone *oz, uint64_t n)
{
	oz->oz_written += n;
	oz->oz_rtg->rtg_used += n;
	if (oz->oz_written == oz->oz_rtg->rtg_blocks)
		xfs_zone_mark_full(mp, oz);
}

/* xfs_zone_skip_blocks(): GC data the file no longer maps there: written, but free at once. */
void xfs_zone_skip_blocks(struct xfs_mount *mp, struct xfs_open_zone *oz, uint64_t n)
{
	oz->oz_written += n;
	xfs_add_frextents(mp, (int64_t)n);
	if (oz->oz_written == oz->oz_rtg->rtg_blocks)
		xfs_zone_mark_full(mp, oz);
}

/*
 * xfs_zone_free_blocks(): overwritten or deleted data gives its blocks
 * back to XC_FREE_RTEXTENTS only; a zone that is not open has its
 * reclaimable accounting updated (an open one is accounted when full).
 */
void xfs_zone_free_blocks(struct xfs_mount *mp, uint64_t startblock, uint64_t n)
{
	struct xfs_rtgroup *rtg = xfs_rtb_to_rtg(mp, startblock);

	if (rtg) {
		uint64_t k = n < rtg->rtg_used ? n : rtg->rtg_used;

		rtg->rtg_used -= k;
		xfs_rmap_unmap_extent(&rtg->rtg_rmap, startblock, n);
		if (!rtg->rtg_open_zone && k && rtg->rtg_state == XFS_RTG_FULL)
			xfs_zone_account_reclaimable(mp, rtg, k);
	}
	xfs_add_frextents(mp, (int64_t)n);
}

/* The realtime group (zone) of a device block; NULL outside them. */
struct xfs_rtgroup *xfs_rtb_to_rtg(const struct xfs_mount *mp, uint64_t blk)
{
	uint64_t zno = blk * mp->m_blkbb / mp->m_bdev->zone_size;
	struct xfs_rtgroup *rtg;

	if (zno >= mp->m_bdev->nr_zones || mp->m_zone_rgno[zno] == UINT32_MAX)
		return NULL;
	rtg = &mp->m_rtgroups[mp->m_zone_rgno[zno]];
	return blk >= rtg->rtg_start && blk < rtg->rtg_start + rtg->rtg_blocks ? rtg : NULL;
}
