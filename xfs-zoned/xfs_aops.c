// SPDX-License-Identifier: MIT
/*
 * Zoned XFS writeback and completion (fs/xfs/xfs_aops.c, Linux 6.17; a
 * failed write shuts down as Linux 7.2 does, xfs_end_ioend()): the
 * two ops of the seed patch, xfs_end_bio() taking the sector the device
 * chose, per-inode completion work, and xfs_zoned_end_io() remapping the
 * file to where its data landed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xfs_zoned.h"

/* --- extent forks ----------------------------------------------------- */

/*
 * Whether @right continues @left in the file and on disk and may join it:
 * at most XFS_MAX_BMBT_EXTLEN blocks, and, in the data fork (@mp set),
 * never across realtime groups (xfs_bmap_same_rtgroup(): even where two
 * zones are adjacent on disk, an extent stays in one group).
 */
static bool xfs_ifork_contiguous(const struct xfs_mount *mp, const struct xfs_bmbt_irec *left,
				 const struct xfs_bmbt_irec *right)
{
	return left->br_startoff + left->br_blockcount == right->br_startoff &&
	       left->br_startblock + left->br_blockcount == right->br_startblock &&
	       left->br_blockcount + right->br_blockcount <= XFS_MAX_BMBT_EXTLEN &&
	       (!mp || xfs_rtb_to_rtg(mp, left->br_startblock) ==
			       xfs_rtb_to_rtg(mp, right->br_startblock));
}

/*
 * Insert @rec over the hole before the extent under @cur (the first one
 * after the hole, or past the end), merging it with its left and right
 * neighbours where they continue it (xfs_bmap_add_extent_hole_real(),
 * xfs_bmap_add_extent_hole_delay()).
 */
static int xfs_ifork_insert_at(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur, struct xfs_bmbt_irec rec,
			       const struct xfs_mount *mp)
{
	struct xfs_iext_cursor pcur = *cur;
	struct xfs_bmbt_irec next, prev;
	bool have_next = xfs_iext_get_extent(ifp, cur, &next), have_prev;

	xfs_iext_prev(ifp, &pcur);
	have_prev = xfs_iext_get_extent(ifp, &pcur, &prev);
	if (have_prev && xfs_ifork_contiguous(mp, &prev, &rec)) {
		prev.br_blockcount += rec.br_blockcount;
		if (have_next && xfs_ifork_contiguous(mp, &prev, &next)) {
			prev.br_blockcount += next.br_blockcount;
			xfs_iext_update_extent(ifp, &pcur, &prev);
			xfs_iext_remove(ifp, cur);
			return 0;
		}
		xfs_iext_update_extent(ifp, &pcur, &prev);
		return 0;
	}
	if (have_next && xfs_ifork_contiguous(mp, &rec, &next)) {
		next.br_startoff = rec.br_startoff;
		next.br_startblock = rec.br_startblock;
		next.br_blockcount += rec.br_blockcount;
		xfs_iext_update_extent(ifp, cur, &next);
		return 0;
	}
	return xfs_iext_insert(ifp, cur, &rec);
}

/*
 * Insert @rec (over a hole), merging it with its neighbours; @mp: the data
 * fork, whose extents stay within a realtime group; NULL for delalloc.
 */
int xfs_ifork_insert(struct xfs_ifork *ifp, struct xfs_bmbt_irec rec, const struct xfs_mount *mp)
{
	struct xfs_iext_cursor cur;

	/* the first extent after the hole (none covers it) */
	xfs_iext_lookup_extent(ifp, rec.br_startoff, &cur, NULL);
	return xfs_ifork_insert_at(ifp, &cur, rec, mp);
}

/*
 * Unmap [off, off + len) from the extent under @cur on (the one containing
 * @off or the first after it); @cur ends at the first extent after the
 * range, where a mapping of it would be inserted.
 */
static void xfs_ifork_remove_at(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur, uint64_t off, uint64_t len,
				void (*freed)(struct xfs_mount *mp, uint64_t startblock, uint64_t n),
				struct xfs_mount *mp)
{
	uint64_t end = off + len;
	struct xfs_bmbt_irec r;

	while (xfs_iext_get_extent(ifp, cur, &r)) {
		uint64_t rend = r.br_startoff + r.br_blockcount;
		uint64_t s = r.br_startoff > off ? r.br_startoff : off;
		uint64_t e = rend < end ? rend : end;

		if (s >= e)
			break;		/* the first extent past the range */
		if (freed)
			freed(mp, r.br_startblock + (s - r.br_startoff), e - s);
		if (s > r.br_startoff && e < rend) {
			/* a hole in the middle: split the extent */
			struct xfs_bmbt_irec tail = {
				.br_startoff = e, .br_blockcount = rend - e,
				.br_startblock = r.br_startblock + (e - r.br_startoff),
			};

			r.br_blockcount = s - r.br_startoff;
			xfs_iext_update_extent(ifp, cur, &r);
			/* the split leaves two extents (xfs_bmap_del_extent_real()): no merge */
			xfs_iext_next(ifp, cur);
			xfs_iext_insert(ifp, cur, &tail);
			return;
		}
		if (s > r.br_startoff) {
			r.br_blockcount = s - r.br_startoff;
			xfs_iext_update_extent(ifp, cur, &r);
			xfs_iext_next(ifp, cur);
		} else if (e < rend) {
			r.br_startblock += e - r.br_startoff;
			r.br_blockcount = rend - e;
			r.br_startoff = e;
			xfs_iext_update_extent(ifp, cur, &r);
			break;
		} else {
			xfs_iext_remove(ifp, cur);
		}
	}
}

/* Unmap [off, off + len): the parts of extents there go (and their blocks, through @freed). */
void xfs_ifork_remove(struct xfs_ifork *ifp, uint64_t off, uint64_t len,
		      void (*freed)(struct xfs_mount *mp, uint64_t startblock, uint64_t n),
		      struct xfs_mount *mp)
{
	struct xfs_iext_cursor cur;

	xfs_iext_lookup_extent(ifp, off, &cur, NULL);
	xfs_ifork_remove_at(ifp, &cur, off, len, freed, mp);
}

/*
 * xfs_ifork_replace() from @cur, where xfs_iext_lookup_extent() of
 * rec.br_startoff left it.
 */
static void xfs_ifork_replace_at(struct xfs_ifork *ifp, struct xfs_iext_cursor *cur, struct xfs_bmbt_irec rec,
				 void (*freed)(struct xfs_mount *mp, uint64_t startblock, uint64_t n),
				 struct xfs_mount *mp)
{
	struct xfs_iext_cursor pcur = *cur, ncur = *cur;
	struct xfs_bmbt_irec r, prev, next;

	/*
	 * @rec replaces exactly the extent under @cur and joins neither
	 * neighbour (GC moving a one-block extent, an overwrite of one): the
	 * record changes in place.  The fork is the one removing and
	 * inserting would leave, without moving the leaf's records twice.
	 */
	if (xfs_iext_get_extent(ifp, cur, &r) && r.br_startoff == rec.br_startoff &&
	    r.br_blockcount == rec.br_blockcount) {
		xfs_iext_prev(ifp, &pcur);
		xfs_iext_next(ifp, &ncur);
		if (!(xfs_iext_get_extent(ifp, &pcur, &prev) && xfs_ifork_contiguous(mp, &prev, &rec)) &&
		    !(xfs_iext_get_extent(ifp, &ncur, &next) && xfs_ifork_contiguous(mp, &rec, &next))) {
			if (freed)
				freed(mp, r.br_startblock, r.br_blockcount);
			xfs_iext_update_extent(ifp, cur, &rec);
			return;
		}
	}
	xfs_ifork_remove_at(ifp, cur, rec.br_startoff, rec.br_blockcount, freed, mp);
	xfs_ifork_insert_at(ifp, cur, rec, mp);
}

/* Map @rec over whatever is mapped there, freeing it: xfs_ifork_remove() then xfs_ifork_insert(), one lookup. */
void xfs_ifork_replace(struct xfs_ifork *ifp, struct xfs_bmbt_irec rec,
		       void (*freed)(struct xfs_mount *mp, uint64_t startblock, uint64_t n),
		       struct xfs_mount *mp)
{
	struct xfs_iext_cursor cur;

	xfs_iext_lookup_extent(ifp, rec.br_startoff, &cur, NULL);
	xfs_ifork_replace_at(ifp, &cur, rec, freed, mp);
}

/* --- writeback: the seed's two ops ------------------------------------ */

struct xfs_zoned_writepage_ctx {
	struct iomap_writeback_ctx ctx;
	struct xfs_open_zone *open_zone;
};

#define XFS_ZWPC(wpc) ((struct xfs_zoned_writepage_ctx *)(wpc))

/*
 * xfs_zoned_map_blocks(): the delalloc under @offset (in the COW fork) is
 * taken out (XFS_BMAPI_REMAP: the reservation stays consumed) and mapped
 * as an anonymous write with no disk address: the zone allocator places it
 * at submission.  No delalloc there (a truncate raced): a hole.
 */
static int xfs_zoned_map_blocks(struct xfs_inode *ip, loff_t offset, unsigned int count,
				struct iomap *iomap)
{
	struct xfs_mount *mp = ip->i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + count + mp->m_blocksize - 1) / mp->m_blocksize;
	struct xfs_ifork *cow = &ip->i_cowfp;
	struct xfs_iext_cursor icur;
	struct xfs_bmbt_irec got;

	/* a shut down file system writes nothing back: the folio's writeback fails */
	if (mp->m_shutdown)
		return -EIO;
	memset(iomap, 0, sizeof(*iomap));
	iomap->bdev = mp->m_bdev;
	iomap->addr = IOMAP_NULL_ADDR;
	if (xfs_iext_lookup_extent(cow, off, &icur, &got)) {
		if (got.br_startoff > off) {
			iomap->type = IOMAP_HOLE;
			iomap->offset = (loff_t)(off * mp->m_blocksize);
			iomap->length = (got.br_startoff - off) * mp->m_blocksize;
			return 0;
		}
		if (end > got.br_startoff + got.br_blockcount)
			end = got.br_startoff + got.br_blockcount;
		iomap->type = IOMAP_MAPPED;
		iomap->flags = IOMAP_F_ANON_WRITE;
		iomap->offset = (loff_t)(off * mp->m_blocksize);
		iomap->length = (end - off) * mp->m_blocksize;
		xfs_ifork_remove_at(cow, &icur, off, end - off, NULL, mp);
		return 0;
	}
	iomap->type = IOMAP_HOLE;
	iomap->offset = (loff_t)(off * mp->m_blocksize);
	iomap->length = count;
	return 0;
}

/* xfs_zoned_writeback_range() */
static ssize_t xfs_zoned_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio,
					 uint64_t offset, unsigned int len, uint64_t end_pos)
{
	int error = xfs_zoned_map_blocks(wpc->inode->i_private, (loff_t)offset, len, &wpc->iomap);

	if (error)
		return error;
	return iomap_add_to_ioend(wpc, folio, (loff_t)offset, (loff_t)end_pos, len);
}

/* xfs_zoned_writeback_submit(): exactly as the 6.17 patch has it. */
static int xfs_zoned_writeback_submit(struct iomap_writeback_ctx *wpc, int error)
{
	struct iomap_ioend *ioend = wpc->wb_ctx;

	ioend->io_bio.bi_end_io = xfs_end_bio;
	zw_log_ioend(wpc->inode->i_data.mm->log, "ioend_submit", ioend, wpc->nr_folios, error);
	if (error) {
		ioend->io_bio.bi_status = errno_to_blk_status(error);
		bio_endio(&ioend->io_bio);
		return error;
	}
	xfs_zone_alloc_and_submit(ioend, &XFS_ZWPC(wpc)->open_zone);
	return 0;
}

static const struct iomap_writeback_ops xfs_zoned_writeback_ops = {
	.writeback_range = xfs_zoned_writeback_range,
	.writeback_submit = xfs_zoned_writeback_submit,
};

/* xfs_vm_writepages(), zoned */
static int xfs_zoned_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct xfs_inode *ip = mapping->host->i_private;
	struct xfs_zoned_writepage_ctx xc = {
		.ctx = {
			.inode = mapping->host,
			.wbc = wbc,
			.ops = &xfs_zoned_writeback_ops,
			.bdev = ip->i_mount->m_bdev,
		},
	};
	int error = iomap_writepages(&xc.ctx);

	xfs_open_zone_put(xc.open_zone);
	return error;
}

/* --- completion ---------------------------------------------------------- */

/*
 * Map [off, off + n) to @startblock, freeing what was mapped there
 * (xfs_zoned_map_extent()); @icur: NULL, or where a lookup of @off in the
 * data fork left its cursor (GC looked already).
 */
static void xfs_zoned_map_extent(struct xfs_inode *ip, uint64_t off, uint64_t n, uint64_t startblock,
				 struct xfs_open_zone *oz, struct xfs_iext_cursor *icur)
{
	struct xfs_mount *mp = ip->i_mount;
	struct xfs_bmbt_irec rec = { .br_startoff = off, .br_blockcount = n, .br_startblock = startblock };

	if (icur)
		xfs_ifork_replace_at(&ip->i_df, icur, rec, xfs_zone_free_blocks, mp);
	else
		xfs_ifork_replace(&ip->i_df, rec, xfs_zone_free_blocks, mp);
	xfs_rmap_map_extent(&oz->oz_rtg->rtg_rmap, startblock, n, ip, off);
	xfs_zone_record_written(mp, oz, n);
	zw_log_file_map(mp->m_bdev->log, ip->i_vnode.i_ino, off * mp->m_blocksize, n * mp->m_blocksize,
			startblock * mp->m_blkbb, mp->m_blocksize);
}

/*
 * xfs_zoned_end_io(): the file's data now lives where the device put it;
 * the blocks it replaces are freed.  One step per data-fork extent: for GC
 * (@old_startblock not NULLFSBLOCK) a part the file no longer maps at the
 * old location (overwritten, truncated or unlinked meanwhile) is skipped:
 * written, but free at once (xfs_zone_skip_blocks()).
 */
void xfs_zoned_end_io(struct xfs_inode *ip, loff_t offset, size_t size, sector_t daddr,
		      struct xfs_open_zone *oz, uint64_t old_startblock)
{
	struct xfs_mount *mp = ip->i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t n = (size + mp->m_blocksize - 1) / mp->m_blocksize;
	uint64_t startblock = daddr / mp->m_blkbb;

	mp->s_device_bytes += n * mp->m_blocksize;
	if (old_startblock == NULLFSBLOCK) {
		xfs_zoned_map_extent(ip, off, n, startblock, oz, NULL);
		if (offset + (loff_t)size > ip->i_disk_size)
			ip->i_disk_size = offset + (loff_t)size;
		return;
	}
	for (uint64_t done = 0; done < n;) {
		uint64_t p = off + done, len = n - done;
		struct xfs_iext_cursor icur;
		struct xfs_bmbt_irec got;
		bool live = false;

		if (xfs_iext_lookup_extent(&ip->i_df, p, &icur, &got)) {
			if (got.br_startoff > p) {
				if (got.br_startoff - p < len)
					len = got.br_startoff - p;	/* a hole up to the next extent */
			} else {
				if (got.br_startoff + got.br_blockcount - p < len)
					len = got.br_startoff + got.br_blockcount - p;
				live = ip->exists &&
				       got.br_startblock + (p - got.br_startoff) == old_startblock + done;
			}
		}
		if (live)
			xfs_zoned_map_extent(ip, p, len, startblock + done, oz, &icur);
		else
			xfs_zone_skip_blocks(mp, oz, len);
		done += len;
	}
}

/*
 * xfs_end_ioend() (6.17; xfs_end_ioend_write() since): remap on success;
 * either way the zone references go and the folios finish.  A failed write
 * (buffered or direct: both complete here) is not remapped; since Linux 7.2
 * it also shuts the file system down (commit f4f28ffe0924, "xfs: shut down
 * zoned file systems on writeback errors"): the open zone handed out blocks
 * that were never written and cannot take them back.  6.17 goes on, the
 * blocks lost and the zone left open.  BLK_STS_NOSPC is the model's own
 * (no zone and nothing left to run, where the kernel would wait for ever):
 * it shuts nothing down.
 */
static void xfs_end_ioend(struct iomap_ioend *ioend)
{
	struct xfs_inode *ip = ioend->io_inode->i_private;
	struct xfs_mount *mp = ip->i_mount;
	int error = blk_status_to_errno(ioend->io_bio.bi_status);

	if (mp->m_regular) {	/* !xfs_is_zoned_inode() */
		xfs_end_ioend_regular(ioend);
		return;
	}
	/* a shut down file system only cleans up, and says -EIO */
	if (mp->m_shutdown)
		error = -EIO;
	else if (error && ioend->io_bio.bi_status != BLK_STS_NOSPC && mp->m_kernel != XFS_KERNEL_6_17)
		mp->m_shutdown = true;	/* xfs_force_shutdown(mp, SHUTDOWN_META_IO_ERROR) */
	/* An error means no remap: the data went nowhere the file will look. */
	if (!error && ioend->io_private)
		xfs_zoned_end_io(ip, ioend->io_offset, ioend->io_size, ioend->io_sector, ioend->io_private,
				 NULLFSBLOCK);
	for (struct iomap_ioend *e = ioend; e; e = e->io_next)
		xfs_open_zone_put(e->io_private);
	iomap_finish_ioends(ioend, error);
}

/* xfs_end_io(): the inode's completion work: sort, merge, finish. */
static void xfs_end_io(void *arg)
{
	struct xfs_inode *ip = arg;
	struct iomap_ioend *list = iomap_sort_ioends(ip->i_ioend_list);

	ip->i_ioend_list = NULL;
	ip->i_ioend_work_queued = false;
	while (list) {
		struct iomap_ioend *ioend = list;

		list = ioend->io_next;
		ioend->io_next = NULL;
		iomap_ioend_try_merge(ioend, &list);
		xfs_end_ioend(ioend);
	}
}

/* xfs_end_bio(): take the location a zone append got, queue the ioend for the inode's work. */
void xfs_end_bio(struct bio *bio)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);
	struct xfs_inode *ip = ioend->io_inode->i_private;

	if (bio->bi_op == REQ_OP_ZONE_APPEND) {
		ioend->io_sector = bio->bi_iter.bi_sector;
		if (ioend->io_private &&
		    ioend->io_sector == ((struct xfs_open_zone *)ioend->io_private)->oz_rtg->rtg_start *
					ip->i_mount->m_blkbb)
			ioend->io_flags |= IOMAP_IOEND_BOUNDARY;
	}
	ioend->io_next = ip->i_ioend_list;
	ip->i_ioend_list = ioend;
	if (!ip->i_ioend_work_queued) {
		ip->i_ioend_work_queued = true;
		if (sim_schedule(ip->i_mount->m_bdev->loop, 0, xfs_end_io, ip))
			xfs_end_io(ip);
	}
}

static int xfs_zoned_read_range(struct address_space *mapping, struct folio *folio, size_t off,
				size_t len, void *buf)
{
	struct xfs_inode *ip = mapping->host->i_private;
	struct xfs_mount *mp = ip->i_mount;
	uint64_t fblock = ((uint64_t)folio_pos(folio) + off) / mp->m_blocksize;
	struct xfs_iext_cursor icur;
	struct xfs_bmbt_irec got;

	memset(buf, 0, len);
	if (xfs_iext_lookup_extent(&ip->i_df, fblock, &icur, &got) && got.br_startoff <= fblock) {
		struct blk_dio dio;

		blk_dio_sync(mp->m_bdev, REQ_OP_READ,
			     (got.br_startblock + fblock - got.br_startoff) * mp->m_blkbb, len,
			     buf, 0, &dio);
		return blk_status_to_errno(dio.status);
	}
	return 0;	/* a hole reads as zeros */
}

const struct address_space_operations xfs_zoned_aops = {
	.writepages = xfs_zoned_writepages,
	.read_range = xfs_zoned_read_range,
};
