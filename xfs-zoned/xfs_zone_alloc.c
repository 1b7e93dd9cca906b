// SPDX-License-Identifier: MIT
/*
 * Open zones, zone selection, allocation and zone-append submission
 * (fs/xfs/xfs_zone_alloc.c: Linux 7.2 by default, 6.17 with kernel=6.17;
 * see enum xfs_kernel_rules).
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
 * How well an open zone's data and a file's data go together, as newer
 * kernels score it (xfs_zone_alloc_score): ANY is a last resort, OK a fit,
 * GOOD a fit worth skipping a new zone for.
 */
enum xfs_zone_alloc_score { XFS_ZONE_ALLOC_ANY, XFS_ZONE_ALLOC_OK, XFS_ZONE_ALLOC_GOOD };

/*
 * Newer kernels: xfs_zoned_hint_score[zone][file], in its newest form
 * (the matrix's first posting, September 2025, scored more pairs).
 * GOOD: short with short, medium with medium.  OK: unset with unset, none
 * with none, long and extreme together.  Any other pair: ANY.
 */
static unsigned int xfs_zoned_hint_score(enum rw_hint zone_hint, enum rw_hint file_hint)
{
	switch (zone_hint) {
	case WRITE_LIFE_NOT_SET:
	case WRITE_LIFE_NONE:
		return file_hint == zone_hint ? XFS_ZONE_ALLOC_OK : XFS_ZONE_ALLOC_ANY;
	case WRITE_LIFE_SHORT:
	case WRITE_LIFE_MEDIUM:
		return file_hint == zone_hint ? XFS_ZONE_ALLOC_GOOD : XFS_ZONE_ALLOC_ANY;
	case WRITE_LIFE_LONG:
	case WRITE_LIFE_EXTREME:
		return file_hint == WRITE_LIFE_LONG || file_hint == WRITE_LIFE_EXTREME ?
		       XFS_ZONE_ALLOC_OK : XFS_ZONE_ALLOC_ANY;
	}
	return XFS_ZONE_ALLOC_ANY;
}

/*
 * Linux 6.17: xfs_good_hint_match(): long and extreme data share zones,
 * medium its own, and short, none and unset together.  There is no score:
 * a pass either wants a good match or takes any zone.
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

/* The zone's score for the file's data, by the mount's kernel rules. */
static unsigned int xfs_zone_score(const struct xfs_mount *mp, enum rw_hint zone_hint,
				   enum rw_hint file_hint)
{
	if (mp->m_kernel == XFS_KERNEL_6_17)
		return xfs_good_hint_match(zone_hint, file_hint) ? XFS_ZONE_ALLOC_GOOD : XFS_ZONE_ALLOC_ANY;
	return xfs_zoned_hint_score(zone_hint, file_hint);
}

static bool xfs_zone_has_space(const struct xfs_open_zone *oz)
{
	return oz->oz_allocated < oz->oz_rtg->rtg_blocks;
}

/*
 * xfs_try_use_zone(): a zone with space whose score for the file's data
 * is at least @goodness: take a reference, give the zone the file's hint
 * if it has none (and the file has one), move it to the MRU end.
 */
static bool xfs_try_use_zone(struct xfs_mount *mp, struct xfs_open_zone *oz, enum rw_hint file_hint,
			     unsigned int goodness)
{
	if (!xfs_zone_has_space(oz) || xfs_zone_score(mp, oz->oz_write_hint, file_hint) < goodness)
		return false;
	oz->oz_ref++;
	if (file_hint != WRITE_LIFE_NOT_SET && oz->oz_write_hint == WRITE_LIFE_NOT_SET)
		oz->oz_write_hint = file_hint;
	zi_list_del(mp, oz);
	zi_list_add_tail(mp, oz);
	return true;
}

/* xfs_select_open_zone_lru(): least recently used first */
static struct xfs_open_zone *xfs_select_open_zone_lru(struct xfs_mount *mp, enum rw_hint file_hint,
						      unsigned int goodness)
{
	for (struct xfs_open_zone *oz = mp->zi_open_head; oz; oz = oz->oz_next)
		if (xfs_try_use_zone(mp, oz, file_hint, goodness))
			return oz;
	return NULL;
}

/*
 * xfs_select_open_zone_mru(): most recently used first, for tight
 * packing.  Newer kernels want at least XFS_ZONE_ALLOC_OK here, 6.17 a
 * good match.
 */
static struct xfs_open_zone *xfs_select_open_zone_mru(struct xfs_mount *mp, enum rw_hint file_hint)
{
	unsigned int goodness = mp->m_kernel == XFS_KERNEL_6_17 ? XFS_ZONE_ALLOC_GOOD : XFS_ZONE_ALLOC_OK;

	for (struct xfs_open_zone *oz = mp->zi_open_tail; oz; oz = oz->oz_prev)
		if (xfs_try_use_zone(mp, oz, file_hint, goodness))
			return oz;
	return NULL;
}

/*
 * xfs_open_zone(): a free zone, opened at write pointer 0.  Which one:
 * newer kernels take the free zone with the lowest index (the start of a
 * disk is its fast end); Linux 6.17 the next one from a rotating cursor
 * (xfs_find_free_zone(): the cursor stays at the zone it found, and the
 * search wraps to 0).  A user zone goes on the open list (the list's
 * reference) and counts in nr_open; the GC zone does neither: its
 * reference is zi_open_gc_zone's.  A user zone comes back with a second
 * reference, the caller's.
 */
struct xfs_open_zone *xfs_open_zone(struct xfs_mount *mp, enum rw_hint hint, bool is_gc)
{
	struct xfs_open_zone *oz;
	unsigned int n = mp->m_nr_rtgroups;
	unsigned int first = mp->m_kernel == XFS_KERNEL_6_17 ? mp->zi_free_zone_cursor : 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int r = (first + i) % n;
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
 * needs, and a free zone besides GC's spare (XFS_GC_ZONES -
 * XFS_OPEN_GC_ZONES); opening a zone uses up free space, so GC is woken if
 * it is needed now.  The same in 6.17 and newer kernels.
 */
static struct xfs_open_zone *xfs_try_open_zone(struct xfs_mount *mp, enum rw_hint hint)
{
	struct xfs_open_zone *oz;

	if (mp->zi_nr_open_zones >= mp->m_max_open_zones - XFS_OPEN_GC_ZONES ||
	    mp->zi_nr_free_zones < XFS_GC_ZONES - XFS_OPEN_GC_ZONES)
		return NULL;
	oz = xfs_open_zone(mp, hint, false);
	if (oz && xfs_zoned_need_gc(mp))
		xfs_zone_gc_wake(mp);
	return oz;
}

/*
 * xfs_select_zone_nowait(), newer kernels (Linux 7.2): every file first
 * looks for a zone its data fits really well (XFS_ZONE_ALLOC_GOOD, least
 * recently used first); a file to pack tightly then for the most recently
 * used zone that fits at least OK; then a new zone; then a zone that fits
 * OK; then the least recently used zone, whatever its hint.
 */
static struct xfs_open_zone *xfs_select_zone_nowait_newest(struct xfs_mount *mp, enum rw_hint hint,
							   bool pack_tight)
{
	struct xfs_open_zone *oz = xfs_select_open_zone_lru(mp, hint, XFS_ZONE_ALLOC_GOOD);

	if (!oz && pack_tight)
		oz = xfs_select_open_zone_mru(mp, hint);
	if (!oz)
		oz = xfs_try_open_zone(mp, hint);
	if (!oz)
		oz = xfs_select_open_zone_lru(mp, hint, XFS_ZONE_ALLOC_OK);
	if (!oz)
		oz = xfs_select_open_zone_lru(mp, hint, XFS_ZONE_ALLOC_ANY);
	return oz;
}

/*
 * xfs_select_zone_nowait(), Linux 6.17: medium, short and none data look
 * for a good match first (xfs_colocate_eagerly(), least recently used
 * first); otherwise a file to pack tightly looks for the most recently
 * used good match; then a new zone; then other hinted data a good match
 * after all; then a zone good for unset data; then any zone.  The last two
 * passes look as unset data, so they give no zone the file's hint.
 */
static struct xfs_open_zone *xfs_select_zone_nowait_617(struct xfs_mount *mp, enum rw_hint hint,
							bool pack_tight)
{
	bool eager = hint == WRITE_LIFE_MEDIUM || hint == WRITE_LIFE_SHORT || hint == WRITE_LIFE_NONE;
	struct xfs_open_zone *oz = NULL;

	if (eager)
		oz = xfs_select_open_zone_lru(mp, hint, XFS_ZONE_ALLOC_GOOD);
	else if (pack_tight)
		oz = xfs_select_open_zone_mru(mp, hint);
	if (!oz)
		oz = xfs_try_open_zone(mp, hint);
	if (!oz && hint != WRITE_LIFE_NOT_SET && !eager)
		oz = xfs_select_open_zone_lru(mp, hint, XFS_ZONE_ALLOC_GOOD);
	if (!oz)
		oz = xfs_select_open_zone_lru(mp, WRITE_LIFE_NOT_SET, XFS_ZONE_ALLOC_GOOD);
	if (!oz)
		oz = xfs_select_open_zone_lru(mp, WRITE_LIFE_NOT_SET, XFS_ZONE_ALLOC_ANY);
	return oz;
}

/* xfs_select_zone_nowait(): @hint is xfs_inode_write_hint() (unset with nolifetime) */
static struct xfs_open_zone *xfs_select_zone_nowait(struct xfs_mount *mp, enum rw_hint hint,
						    bool pack_tight)
{
	if (mp->m_kernel == XFS_KERNEL_6_17)
		return xfs_select_zone_nowait_617(mp, hint, pack_tight);
	return xfs_select_zone_nowait_newest(mp, hint, pack_tight);
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

	/* the newer kernel stops waiting once shut down (6.17 would wait on: the model cannot) */
	while (!oz && !mp->m_shutdown) {
		if (xfs_zoned_need_gc(mp))
			xfs_zone_gc_wake_waiter(mp, &seen);
		if (!sim_run_one(mp->m_bdev->loop))
			break;
		oz = xfs_select_zone_nowait(mp, hint, pack_tight);
	}
	return oz;
}

/*
 * Linux 6.17: xfs_last_used_zone(): the open zone of the last extent
 * before @offset (xfs_iext_lookup_extent_before(): the one covering the
 * block before @offset, else the nearest one before it, across any hole),
 * to keep appending there; not the GC zone.  A zone without space is
 * fine: the allocation finds none and selects another.
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
	if (rtg->rtg_open_zone->oz_is_gc)
		return NULL;
	rtg->rtg_open_zone->oz_ref++;
	return rtg->rtg_open_zone;
}

/*
 * The zone the inode last selected, with a reference, whatever the offset
 * and whether the zone still has space (a full one is replaced at
 * allocation, which finds no space there); never the GC zone: only
 * selected user zones are cached.  Newer kernels keep it in the inode
 * (xfs_get_cached_zone(), xfs_set_cached_zone(): VFS_I(ip)->i_private,
 * held until the inode is evicted).  6.16 to 6.18 kept it in an MRU cache
 * keyed by inode number (xfs_cached_zone(),
 * xfs_zone_cache_create_association(): m_zone_cache), whose entries
 * expire about 5 s after their last use; the model has no time between a
 * script's calls, so its entries never expire here.
 */
static struct xfs_open_zone *xfs_get_cached_zone(struct xfs_inode *ip)
{
	struct xfs_open_zone *oz = ip->i_cached_zone;

	if (oz)
		oz->oz_ref++;
	return oz;
}

/* xfs_set_cached_zone() (6.17: xfs_zone_cache_create_association()): a reference to the new zone */
static void xfs_set_cached_zone(struct xfs_inode *ip, struct xfs_open_zone *oz)
{
	struct xfs_open_zone *old = ip->i_cached_zone;

	oz->oz_ref++;
	ip->i_cached_zone = oz;
	xfs_open_zone_put(old);
}

/* The inode goes: its cached zone's reference with it (xfs_fs_evict_inode()). */
void xfs_inode_drop_cached_zone(struct xfs_inode *ip)
{
	xfs_open_zone_put(ip->i_cached_zone);
	ip->i_cached_zone = NULL;
}

/*
 * xfs_zoned_pack_tight(): a file not open for write (nor append-only,
 * which the model has not) is packed tightly into the most recently used
 * zone: small files written after they were closed (an untar, a copy).
 * Newer kernels do not pack a file whose size reaches a zone's capacity:
 * it already fills a zone.
 */
static bool xfs_zoned_pack_tight(struct xfs_inode *ip)
{
	struct xfs_mount *mp = ip->i_mount;
	uint64_t zone_capacity = mp->m_rtgroups[0].rtg_blocks * mp->m_blocksize;

	if (mp->m_kernel != XFS_KERNEL_6_17 && (uint64_t)ip->i_vnode.i_size >= zone_capacity)
		return false;
	return !ip->i_wr_opens;
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

/* xfs_inode_write_hint(): the file's write hint, none with nolifetime */
static enum rw_hint xfs_inode_write_hint(const struct xfs_inode *ip)
{
	return ip->i_mount->m_nolifetime ? WRITE_LIFE_NOT_SET : (enum rw_hint)ip->i_vnode.i_write_hint;
}

/*
 * xfs_zone_alloc_and_submit(): @oz is the writeback context's zone (the
 * one this writeback last used; NULL at its start).  Without one, 6.17
 * first looks, at an offset past 0, for the open zone of the file's extent
 * before the offset (xfs_last_used_zone(), removed in 6.18); then both
 * take the zone cached for the inode, whatever the offset, and cache each
 * zone they select.
 */
void xfs_zone_alloc_and_submit(struct iomap_ioend *ioend, struct xfs_open_zone **oz)
{
	struct xfs_inode *ip = ioend->io_inode->i_private;
	struct xfs_mount *mp = ip->i_mount;
	bool pack_tight = xfs_zoned_pack_tight(ip), is_seq = true;
	uint64_t alloc_len;

	if (mp->m_shutdown)
		goto out_error;
	if (!*oz && mp->m_kernel == XFS_KERNEL_6_17 && ioend->io_offset)
		*oz = xfs_last_used_zone(ip, ioend->io_offset);
	if (!*oz)
		*oz = xfs_get_cached_zone(ip);
	if (!*oz) {
select_zone:
		*oz = xfs_select_zone(mp, xfs_inode_write_hint(ip), pack_tight);
		if (!*oz)
			goto out_error;
		xfs_set_cached_zone(ip, *oz);
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
	/*
	 * The kernel fails the bio with an I/O error (bio_io_error()): shut
	 * down, before or while waiting for a zone.  The model also lands here
	 * when no zone has space and nothing is left to run, GC included,
	 * where the kernel would wait for ever: -ENOSPC says so.
	 */
	ioend->io_bio.bi_status = mp->m_shutdown ? BLK_STS_IOERR : BLK_STS_NOSPC;
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
