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
 * xfs_try_open_zone(): only while an open slot is left besides the one GC
 * needs, and a free zone besides GC's spare; the next free zone from the
 * rotating cursor.
 */
static struct xfs_open_zone *xfs_try_open_zone(struct xfs_mount *mp, enum rw_hint hint)
{
	struct xfs_open_zone *oz;
	unsigned int n = mp->m_nr_rtgroups;

	if (mp->zi_nr_open_zones >= mp->m_max_open_zones - 1 || mp->zi_nr_free_zones < 2)
		return NULL;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int r = (mp->zi_free_zone_cursor + i) % n;
		struct xfs_rtgroup *rtg = &mp->m_rtgroups[r];

		if (rtg->rtg_state != XFS_RTG_FREE)
			continue;
		oz = calloc(1, sizeof(*oz));
		if (!oz)
			return NULL;
		/* xfs_find_free_zone(): the cursor stays at the zone it found */
		mp->zi_free_zone_cursor = r;
		mp->zi_nr_free_zones--;
		rtg->rtg_state = XFS_RTG_OPEN;
		rtg->rtg_open_zone = oz;
		oz->oz_rtg = rtg;
		oz->oz_ref = 1;		/* the open list's */
		oz->oz_write_hint = hint;
		mp->zi_nr_open_zones++;
		zi_list_add_tail(mp, oz);
		oz->oz_ref++;		/* the caller's */
		return oz;
	}
	return NULL;
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
 * marks a zone full (xfs_open_zone_mark_full() wakes it) and retries; it
 * does not fail.  Here: run the device's completions one by one and retry.
 * Only when nothing is left in flight (the kernel would wait for GC, which
 * is not modelled) is there no zone.
 */
struct xfs_open_zone *xfs_select_zone(struct xfs_mount *mp, enum rw_hint hint, bool pack_tight)
{
	struct xfs_open_zone *oz = xfs_select_zone_nowait(mp, hint, pack_tight);

	while (!oz && sim_run_one(mp->m_bdev->loop))
		oz = xfs_select_zone_nowait(mp, hint, pack_tight);
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
	const struct xfs_bmbt_irec *got = NULL;

	if (!fblock)
		return NULL;
	for (size_t i = 0; i < ip->i_df.if_nextents && ip->i_df.if_ext[i].br_startoff < fblock; i++)
		got = &ip->i_df.if_ext[i];
	if (!got)
		return NULL;
	for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++) {
		struct xfs_rtgroup *rtg = &mp->m_rtgroups[g];

		if (got->br_startblock >= rtg->rtg_start &&
		    got->br_startblock < rtg->rtg_start + rtg->rtg_blocks) {
			if (!rtg->rtg_open_zone)
				return NULL;
			rtg->rtg_open_zone->oz_ref++;
			return rtg->rtg_open_zone;
		}
	}
	return NULL;
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
	/* No zone has space: the kernel waits for GC, which this model does not have yet. */
	ioend->io_bio.bi_status = BLK_STS_NOSPC;
	bio_endio(&ioend->io_bio);
}

/* The zone is written to its capacity: it leaves the open list. */
static void xfs_zone_mark_full(struct xfs_mount *mp, struct xfs_open_zone *oz)
{
	struct xfs_rtgroup *rtg = oz->oz_rtg;

	rtg->rtg_open_zone = NULL;
	rtg->rtg_state = XFS_RTG_FULL;
	zi_list_del(mp, oz);
	mp->zi_nr_open_zones--;
	xfs_open_zone_put(oz);	/* the open list's reference */
}

void xfs_zone_record_written(struct xfs_mount *mp, struct xfs_open_zone *oz, uint64_t n)
{
	oz->oz_written += n;
	oz->oz_rtg->rtg_used += n;
	if (oz->oz_written == oz->oz_rtg->rtg_blocks)
		xfs_zone_mark_full(mp, oz);
}

/* xfs_zone_free_blocks(): overwritten or deleted data gives its blocks back to the first counter only. */
void xfs_zone_free_blocks(struct xfs_mount *mp, uint64_t startblock, uint64_t n)
{
	for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++) {
		struct xfs_rtgroup *rtg = &mp->m_rtgroups[g];

		if (startblock >= rtg->rtg_start && startblock < rtg->rtg_start + rtg->rtg_blocks) {
			rtg->rtg_used -= n < rtg->rtg_used ? n : rtg->rtg_used;
			break;
		}
	}
	mp->m_free_rtextents += (int64_t)n;
}
