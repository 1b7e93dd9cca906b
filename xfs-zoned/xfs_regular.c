// SPDX-License-Identifier: MIT
/*
 * The regular (non-zoned) XFS path on a conventional device, as Linux 6.17
 * writes it back (fs/xfs/xfs_aops.c xfs_writeback_range(),
 * xfs_map_blocks(), xfs_writeback_submit(), xfs_end_ioend();
 * xfs_reflink.c; xfs_iomap.c; libxfs/xfs_bmap.c delalloc conversion).
 *
 * Buffered writes leave delalloc in the data fork over holes, delalloc in
 * the COW fork over shared blocks, and nothing over unshared blocks (those
 * are overwritten in place).  Writeback maps each range COW fork first;
 * delalloc is converted to real blocks there (the whole delalloc extent at
 * once, from a simple first-fit allocator); COW blocks are allocated
 * unwritten and converted to written at submission
 * (xfs_reflink_convert_cow()); ioends that are shared, unwritten or extend
 * the on-disk size complete in the inode's completion work (xfs_end_bio(),
 * shared with the zoned path in xfs_aops.c), the rest in bio context.
 * docs/xfs.md.
 *
 * The inode and mount are xfs-zoned's (struct xfs_inode, struct
 * xfs_mount, the fork helpers of xfs_aops.c), each wrapped with what only
 * this path needs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pattern.h"
#include "xfs_zoned.h"

/* A refcount btree record (libxfs/xfs_refcount.c): device blocks held by @refcount >= 2 mappings. */
struct xfs_refc_rec {
	uint64_t rc_startblock, rc_blockcount;
	uint32_t rc_refcount;
};

struct xfs_rmount {
	struct xfs_mount m;		/* first: xfs-zoned's code sees a struct xfs_mount */
	uint64_t m_dblocks;		/* data blocks: the whole device */
	int64_t m_fdblocks;		/* free blocks less delalloc reservations (XC_FREE_BLOCKS) */
	struct xfs_ifork m_free;	/* free extents: br_startoff == br_startblock (the bnobt) */
	uint64_t m_alloc_cursor;	/* where the next first-fit search starts */
	struct xfs_refc_rec *m_refc;	/* sorted, not overlapping; refcount 1 has no record */
	size_t m_nr_refc, m_max_refc;
	uint64_t s_cow_remapped, s_unwritten_converted;
};

struct xfs_rinode {
	struct xfs_inode i;		/* first: i_vnode.i_private points at it */
	/* the data fork: i.i_df holds real extents; these the rest of its state */
	struct xfs_ifork i_delay;	/* delalloc (br_startblock == br_startoff, no blocks) */
	struct xfs_ifork i_unwritten;	/* parts of i_df in XFS_EXT_UNWRITTEN state */
	/* the COW fork: i.i_cowfp holds real (allocated) extents */
	struct xfs_ifork i_cowdelay;	/* COW delalloc */
	struct xfs_ifork i_cowunw;	/* parts of i_cowfp still unwritten */
	/* for --verify only: blocks whose data came from another file (reflink) */
	struct xfs_ifork i_tagsrc;	/* br_startblock: the tag block br_startoff should carry */
};

#define RMP(mp) ((struct xfs_rmount *)(mp))
#define RI(ip) ((struct xfs_rinode *)(ip))
#define MAXOFF (UINT64_MAX / 4)
#define XFS_DEFAULT_COWEXTSZ_HINT 32	/* blocks (libxfs/xfs_format.h) */

/* --- fork lookups ------------------------------------------------------- */

/* xfs_iext_lookup_extent(): the extent holding @off, or NULL; *@next: start of the next one after @off. */
static const struct xfs_bmbt_irec *xfs_iext_find(const struct xfs_ifork *ifp, uint64_t off, uint64_t *next)
{
	struct xfs_iext_cursor cur;
	const struct xfs_bmbt_irec *r;

	if (next)
		*next = MAXOFF;
	if (!xfs_iext_lookup_extent(ifp, off, &cur, NULL))
		return NULL;
	r = xfs_iext_rec(ifp, &cur);
	if (r->br_startoff <= off)
		return r;
	if (next)
		*next = r->br_startoff;
	return NULL;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* --- free space: a simple allocator ------------------------------------- */

static void xfs_free_extent(struct xfs_rmount *rmp, uint64_t start, uint64_t n)
{
	xfs_ifork_insert(&rmp->m_free, (struct xfs_bmbt_irec){ .br_startoff = start, .br_blockcount = n,
							     .br_startblock = start }, NULL);
	rmp->m_fdblocks += (int64_t)n;
}

/*
 * Allocate up to @want blocks: exactly at @target if that block is free
 * (xfs_bmap_adjacent(): continue the file's previous extent), else the
 * first free extent from the cursor on (wrapping once) that holds all of
 * @want, else the largest free extent (the caller comes back for the
 * rest).  The blocks allocated (0: none free), the first in *@start.
 * XFS's allocator (xfs_alloc_vextent_*) works per allocation group with
 * by-block and by-size btrees and a locality target; see docs/xfs.md.
 */
static uint64_t xfs_alloc_extent(struct xfs_rmount *rmp, uint64_t target, uint64_t want, uint64_t *start)
{
	struct xfs_ifork *fr = &rmp->m_free;
	const struct xfs_bmbt_irec *r = NULL, *best = NULL;
	struct xfs_iext_cursor cur;
	uint64_t s, n;

	if (want > XFS_MAX_BMBT_EXTLEN)
		want = XFS_MAX_BMBT_EXTLEN;
	if (target != NULLFSBLOCK)
		r = xfs_iext_find(fr, target, NULL);
	if (r) {
		s = target;
		n = min_u64(want, r->br_startoff + r->br_blockcount - target);
	} else {
		r = NULL;
		for (int pass = 0; pass < 2 && !r; pass++)
			for (xfs_iext_first(fr, &cur); xfs_iext_rec(fr, &cur); xfs_iext_next(fr, &cur)) {
				const struct xfs_bmbt_irec *e = xfs_iext_rec(fr, &cur);

				if (pass == 0 && e->br_startoff + e->br_blockcount <= rmp->m_alloc_cursor)
					continue;
				if (!best || e->br_blockcount > best->br_blockcount)
					best = e;
				if (e->br_blockcount >= want) {
					r = e;
					break;
				}
			}
		if (!r)
			r = best;
		if (!r)
			return 0;
		s = r->br_startoff;
		/* in the extent the cursor falls in, start at the cursor if all of @want fits from there */
		if (rmp->m_alloc_cursor > s && rmp->m_alloc_cursor + want <= r->br_startoff + r->br_blockcount)
			s = rmp->m_alloc_cursor;
		n = min_u64(want, r->br_startoff + r->br_blockcount - s);
	}
	xfs_ifork_remove(fr, s, n, NULL, NULL);
	rmp->m_alloc_cursor = s + n;
	*start = s;
	return n;
}

/* --- the refcount btree --------------------------------------------------- */

/* The refcount of device block @blk (1 without a record) and how many blocks from it share it. */
static uint32_t xfs_refc_get(const struct xfs_rmount *rmp, uint64_t blk, uint64_t *run)
{
	*run = MAXOFF;
	for (size_t i = 0; i < rmp->m_nr_refc; i++) {
		const struct xfs_refc_rec *r = &rmp->m_refc[i];

		if (r->rc_startblock + r->rc_blockcount <= blk)
			continue;
		if (r->rc_startblock <= blk) {
			*run = r->rc_startblock + r->rc_blockcount - blk;
			return r->rc_refcount;
		}
		*run = r->rc_startblock - blk;
		break;
	}
	return 1;
}

/* Set the refcount of [start, start + len) (no record for 1). */
static int xfs_refc_set(struct xfs_rmount *rmp, uint64_t start, uint64_t len, uint32_t refcount)
{
	uint64_t end = start + len;
	size_t i = 0;

	/* cut away what records cover the range */
	while (i < rmp->m_nr_refc) {
		struct xfs_refc_rec *r = &rmp->m_refc[i];
		uint64_t rend = r->rc_startblock + r->rc_blockcount;

		if (rend <= start || r->rc_startblock >= end) {
			i++;
			continue;
		}
		if (r->rc_startblock < start && rend > end) {
			struct xfs_refc_rec tail = { end, rend - end, r->rc_refcount };

			r->rc_blockcount = start - r->rc_startblock;
			if (rmp->m_nr_refc == rmp->m_max_refc) {
				size_t max = rmp->m_max_refc ? rmp->m_max_refc * 2 : 16;
				struct xfs_refc_rec *n = realloc(rmp->m_refc, max * sizeof(*n));

				if (!n)
					return -ENOMEM;
				rmp->m_refc = n;
				rmp->m_max_refc = max;
			}
			memmove(&rmp->m_refc[i + 2], &rmp->m_refc[i + 1],
				(rmp->m_nr_refc - i - 1) * sizeof(*rmp->m_refc));
			rmp->m_refc[i + 1] = tail;
			rmp->m_nr_refc++;
			break;
		}
		if (r->rc_startblock < start) {
			r->rc_blockcount = start - r->rc_startblock;
			i++;
		} else if (rend > end) {
			r->rc_blockcount = rend - end;
			r->rc_startblock = end;
			i++;
		} else {
			memmove(r, r + 1, (rmp->m_nr_refc - i - 1) * sizeof(*r));
			rmp->m_nr_refc--;
		}
	}
	if (refcount < 2)
		return 0;
	for (i = 0; i < rmp->m_nr_refc && rmp->m_refc[i].rc_startblock < start; i++)
		;
	if (rmp->m_nr_refc == rmp->m_max_refc) {
		size_t max = rmp->m_max_refc ? rmp->m_max_refc * 2 : 16;
		struct xfs_refc_rec *n = realloc(rmp->m_refc, max * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rmp->m_refc = n;
		rmp->m_max_refc = max;
	}
	memmove(&rmp->m_refc[i + 1], &rmp->m_refc[i], (rmp->m_nr_refc - i) * sizeof(*rmp->m_refc));
	rmp->m_refc[i] = (struct xfs_refc_rec){ start, len, refcount };
	rmp->m_nr_refc++;
	return 0;
}

/*
 * One more (@delta 1) or one fewer (-1) mapping of [start, start + n):
 * blocks no mapping holds any more are freed (xfs_refcount_increase_extent(),
 * xfs_refcount_decrease_extent(), then xfs_free_extent_later()).
 */
static void xfs_refcount_adjust(struct xfs_rmount *rmp, uint64_t start, uint64_t n, int delta)
{
	while (n) {
		uint64_t run;
		uint32_t rc = xfs_refc_get(rmp, start, &run);
		uint64_t len = min_u64(run, n);

		if (delta < 0 && rc == 1) {
			xfs_free_extent(rmp, start, len);
		} else {
			xfs_refc_set(rmp, start, len, (uint32_t)((int)rc + delta));
		}
		start += len;
		n -= len;
	}
}

/* The data fork stops mapping these blocks (xfs_bmap_unmap_extent() + the refcount or free). */
static void xfs_release_blocks(struct xfs_mount *mp, uint64_t start, uint64_t n)
{
	xfs_refcount_adjust(RMP(mp), start, n, -1);
}

/* Delalloc cut away gives its reservation back (xfs_bmap_del_extent_delay()). */
static void xfs_delalloc_unreserve(struct xfs_mount *mp, uint64_t start, uint64_t n)
{
	(void)start;
	RMP(mp)->m_fdblocks += (int64_t)n;
}

static bool xfs_block_shared(const struct xfs_rmount *rmp, uint64_t blk)
{
	uint64_t run;

	return xfs_refc_get(rmp, blk, &run) >= 2;
}

/* --- delalloc conversion ------------------------------------------------ */

/* xfs_bmap_adjacent(): the block after the file's extent that ends at @off, if there is one. */
static uint64_t xfs_alloc_target(const struct xfs_ifork *ifp, uint64_t off)
{
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec r;

	if (off && xfs_iext_lookup_extent(ifp, off - 1, &cur, &r) &&
	    r.br_startoff + r.br_blockcount == off)
		return r.br_startblock + r.br_blockcount;
	return NULLFSBLOCK;
}

/*
 * xfs_bmapi_convert_delalloc() / xfs_bmapi_convert_one_delalloc():
 * allocate real blocks for the delalloc extent holding block @off, the
 * whole extent from its start (as much as one free extent gives, again
 * until @off is covered).  Both forks get unwritten extents
 * (XFS_BMAPI_PREALLOC, which xfs_bmapi_allocate() turns into
 * XFS_EXT_UNWRITTEN): data fork blocks become written only when the write
 * completed (so a crash or a failed write never exposes stale blocks), COW
 * fork blocks when their I/O is submitted (xfs_reflink_convert_cow()).
 * The delalloc reservation pays for the blocks.
 */
static int xfs_bmapi_convert_delalloc(struct xfs_rinode *ri, bool cow, uint64_t off)
{
	struct xfs_rmount *rmp = RMP(ri->i.i_mount);
	struct xfs_ifork *delay = cow ? &ri->i_cowdelay : &ri->i_delay;
	struct xfs_ifork *real = cow ? &ri->i.i_cowfp : &ri->i.i_df;

	for (;;) {
		const struct xfs_bmbt_irec *d = xfs_iext_find(delay, off, NULL);
		uint64_t start, n, blk;

		if (!d)
			return 0;
		start = d->br_startoff;
		n = xfs_alloc_extent(rmp, xfs_alloc_target(real, start), d->br_blockcount, &blk);
		if (!n)
			return -ENOSPC;
		xfs_ifork_remove(delay, start, n, NULL, NULL);
		xfs_ifork_insert(real, (struct xfs_bmbt_irec){ start, n, blk }, NULL);
		xfs_ifork_insert(cow ? &ri->i_cowunw : &ri->i_unwritten, (struct xfs_bmbt_irec){ start, n, blk },
				 NULL);
		if (start + n > off)
			return 0;
	}
}

/* --- writeback ------------------------------------------------------------ */

/*
 * Fill @iomap from real extent @r at block @off, up to @end: MAPPED, or
 * UNWRITTEN over the part @unw marks so (xfs_bmbt_to_iomap()).
 */
static void xfs_bmbt_to_iomap(struct xfs_mount *mp, struct iomap *iomap, const struct xfs_bmbt_irec *r,
			      const struct xfs_ifork *unw, uint64_t off, uint64_t end, uint16_t flags)
{
	uint64_t unext;
	const struct xfs_bmbt_irec *u = xfs_iext_find(unw, off, &unext);

	end = min_u64(end, r->br_startoff + r->br_blockcount);
	if (u)
		end = min_u64(end, u->br_startoff + u->br_blockcount);
	else
		end = min_u64(end, unext);
	iomap->type = u ? IOMAP_UNWRITTEN : IOMAP_MAPPED;
	iomap->flags = flags;
	iomap->offset = (loff_t)(off * mp->m_blocksize);
	iomap->length = (end - off) * mp->m_blocksize;
	iomap->addr = (r->br_startblock + off - r->br_startoff) * mp->m_blocksize;
	iomap->bdev = mp->m_bdev;
}

/*
 * xfs_map_blocks(): the COW fork first: an extent there at @offset (real
 * or delalloc) is where the data goes, out of place, as a shared mapping
 * (delalloc converted first).  Otherwise the data fork, trimmed before the
 * next COW extent: delalloc is converted; a hole maps nothing.
 */
static int xfs_map_blocks(struct xfs_rinode *ri, loff_t offset, unsigned int len, struct iomap *iomap)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + len + mp->m_blocksize - 1) / mp->m_blocksize;
	uint64_t cnext, cdnext, dnext, ddnext, cow_start;
	const struct xfs_bmbt_irec *r;
	int error;

	if (mp->m_shutdown)
		return -EIO;
	memset(iomap, 0, sizeof(*iomap));
	r = xfs_iext_find(&ri->i.i_cowfp, off, &cnext);
	if (!r && xfs_iext_find(&ri->i_cowdelay, off, &cdnext)) {
		error = xfs_bmapi_convert_delalloc(ri, true, off);
		if (error)
			return error;
		r = xfs_iext_find(&ri->i.i_cowfp, off, &cnext);
	}
	if (r) {
		/* IOMAP_F_SHARED: the ioend is IOMAP_IOEND_SHARED and remaps at completion */
		xfs_bmbt_to_iomap(mp, iomap, r, &ri->i_cowunw, off, MAXOFF, IOMAP_F_SHARED);
		return 0;
	}
	xfs_iext_find(&ri->i_cowdelay, off, &cdnext);
	cow_start = min_u64(cnext, cdnext);
	r = xfs_iext_find(&ri->i.i_df, off, &dnext);
	if (!r && xfs_iext_find(&ri->i_delay, off, &ddnext)) {
		error = xfs_bmapi_convert_delalloc(ri, false, off);
		if (error)
			return error;
		r = xfs_iext_find(&ri->i.i_df, off, &dnext);
	}
	if (r) {
		xfs_bmbt_to_iomap(mp, iomap, r, &ri->i_unwritten, off, cow_start, 0);
		return 0;
	}
	xfs_iext_find(&ri->i_delay, off, &ddnext);
	end = min_u64(min_u64(end, cow_start), min_u64(dnext, ddnext));
	iomap->type = IOMAP_HOLE;
	iomap->offset = (loff_t)(off * mp->m_blocksize);
	iomap->length = (end > off ? end - off : 1) * mp->m_blocksize;
	iomap->addr = IOMAP_NULL_ADDR;
	iomap->bdev = mp->m_bdev;
	return 0;
}

/* xfs_discard_folio(): a failed mapping punches the data fork's delalloc from @pos to the folio's end. */
static void xfs_discard_folio(struct xfs_rinode *ri, struct folio *folio, loff_t pos)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t from = (uint64_t)pos / mp->m_blocksize;
	uint64_t to = ((uint64_t)folio_pos(folio) + folio_size(folio)) / mp->m_blocksize;

	if (to > from)
		xfs_ifork_remove(&ri->i_delay, from, to - from, xfs_delalloc_unreserve, mp);
}

/* xfs_writeback_range() */
static ssize_t xfs_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio, uint64_t offset,
				   unsigned int len, uint64_t end_pos)
{
	struct xfs_rinode *ri = wpc->inode->i_private;
	ssize_t ret = xfs_map_blocks(ri, (loff_t)offset, len, &wpc->iomap);

	if (!ret)
		ret = iomap_add_to_ioend(wpc, folio, (loff_t)offset, (loff_t)end_pos, len);
	if (ret < 0)
		xfs_discard_folio(ri, folio, (loff_t)offset);
	return ret;
}

/*
 * xfs_reflink_convert_cow(): the COW fork's blocks under an ioend about to
 * be written become written extents (XFS_BMAPI_CONVERT), so completion
 * remaps exactly them.
 */
static int xfs_reflink_convert_cow(struct xfs_rinode *ri, loff_t offset, size_t count)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + count + mp->m_blocksize - 1) / mp->m_blocksize;

	xfs_ifork_remove(&ri->i_cowunw, off, end - off, NULL, NULL);
	return 0;
}

/* --verify: [offset, offset + count) now holds this file's own data, not a reflinked file's. */
static void xfs_tagsrc_forget(struct xfs_rinode *ri, loff_t offset, size_t count)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + count + mp->m_blocksize - 1) / mp->m_blocksize;

	xfs_ifork_remove(&ri->i_tagsrc, off, end - off, NULL, NULL);
}

/*
 * The event log's "file_map" for [offset, offset + count) once its data is
 * written: each data-fork extent under it, where it lives, so zwsim check
 * sees that the data there is this file's (docs/check.md).  Logged at I/O
 * completion: after xfs_reflink_end_cow() moved COW blocks into the data
 * fork and xfs_iomap_write_unwritten() converted the rest, and for writes
 * in place when the bio ends.
 */
static void xfs_log_mapping(struct xfs_rinode *ri, loff_t offset, size_t count)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + count + mp->m_blocksize - 1) / mp->m_blocksize;

	if (!mp->m_bdev->log)
		return;
	while (off < end) {
		uint64_t next;
		const struct xfs_bmbt_irec *r = xfs_iext_find(&ri->i.i_df, off, &next);
		uint64_t n;

		if (!r) {
			off = next;
			continue;
		}
		n = min_u64(end, r->br_startoff + r->br_blockcount) - off;
		zw_log_file_map(mp->m_bdev->log, ri->i.i_vnode.i_ino, off * mp->m_blocksize, n * mp->m_blocksize,
				(r->br_startblock + off - r->br_startoff) * mp->m_blkbb, mp->m_blocksize);
		off += n;
	}
}

/* A writeback bio that completes in bio context (xfs_ioend_needs_wq_completion() false): its mapping stands. */
static void xfs_end_bio_inplace(struct bio *bio)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);

	if (!bio->bi_status)
		xfs_log_mapping(ioend->io_inode->i_private, ioend->io_offset, ioend->io_size);
	ioend_writeback_end_bio(bio);
}

/* xfs_ioend_is_append() */
static bool xfs_ioend_is_append(const struct iomap_ioend *ioend)
{
	const struct xfs_inode *ip = ioend->io_inode->i_private;

	return ioend->io_offset + (loff_t)ioend->io_size > ip->i_disk_size;
}

/* xfs_ioend_needs_wq_completion(): a size change or extent manipulation needs a transaction. */
static bool xfs_ioend_needs_wq_completion(const struct iomap_ioend *ioend)
{
	if (xfs_ioend_is_append(ioend))
		return true;
	if (ioend->io_flags & (IOMAP_IOEND_UNWRITTEN | IOMAP_IOEND_SHARED))
		return true;
	if (ioend->io_flags & IOMAP_IOEND_DONTCACHE)
		return true;
	return false;
}

/*
 * xfs_writeback_submit(), as the 6.17 patch has it: convert the COW
 * range of a shared ioend, send ioends that need a transaction to the
 * completion work, then the generic submit (which, with an error, ends
 * the bio with it: the completion then runs as for a failed write).
 */
static int xfs_writeback_submit(struct iomap_writeback_ctx *wpc, int error)
{
	struct iomap_ioend *ioend = wpc->wb_ctx;
	struct xfs_rinode *ri = ioend->io_inode->i_private;

	if (!error && (ioend->io_flags & IOMAP_IOEND_SHARED))
		error = xfs_reflink_convert_cow(ri, ioend->io_offset, ioend->io_size);
	if (xfs_ioend_needs_wq_completion(ioend)) {
		ioend->io_bio.bi_end_io = xfs_end_bio;
		/* simulator: make the deferral visible in the event log */
		zw_log_ioend(wpc->inode->i_data.mm->log, "ioend_defer", ioend, wpc->nr_folios, error);
	} else if (ri->i.i_mount->m_bdev->log) {
		/* simulator: the file_map event when the bio ends (ioend_writeback_end_bio() then) */
		ioend->io_bio.bi_end_io = xfs_end_bio_inplace;
	}
	if (!error) {
		ri->i.i_mount->s_device_bytes += ioend->io_bio.bi_iter.bi_size;
		/* --verify: data written in place (or to new blocks) is this file's own from now on */
		if (!(ioend->io_flags & IOMAP_IOEND_SHARED))
			xfs_tagsrc_forget(ri, ioend->io_offset, ioend->io_size);
	}
	return ioend_writeback_submit(wpc, error);
}

static const struct iomap_writeback_ops xfs_writeback_ops = {
	.writeback_range = xfs_writeback_range,
	.writeback_submit = xfs_writeback_submit,
};

/* xfs_vm_writepages(), not zoned */
static int xfs_vm_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct xfs_inode *ip = mapping->host->i_private;
	struct iomap_writeback_ctx wpc = {
		.inode = mapping->host,
		.wbc = wbc,
		.ops = &xfs_writeback_ops,
		.bdev = ip->i_mount->m_bdev,
	};

	return iomap_writepages(&wpc);
}

/* --- completion ------------------------------------------------------------ */

/*
 * xfs_reflink_end_cow(): the written COW blocks under [offset, offset +
 * count) replace the data fork's mapping there; the old blocks lose a
 * reference (freed unless another file still shares them), delalloc
 * there gives back its reservation.  COW blocks
 * still unwritten (never submitted) stay in the COW fork.
 */
static void xfs_reflink_end_cow(struct xfs_rinode *ri, loff_t offset, size_t count)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + count + mp->m_blocksize - 1) / mp->m_blocksize;

	while (off < end) {
		uint64_t next, unext;
		const struct xfs_bmbt_irec *r = xfs_iext_find(&ri->i.i_cowfp, off, &next);
		const struct xfs_bmbt_irec *u;
		struct xfs_bmbt_irec got;
		uint64_t n;

		if (!r) {
			off = next;
			continue;
		}
		n = min_u64(end, r->br_startoff + r->br_blockcount) - off;
		u = xfs_iext_find(&ri->i_cowunw, off, &unext);
		if (u) {	/* unwritten: not this I/O's */
			off = min_u64(off + n, u->br_startoff + u->br_blockcount);
			continue;
		}
		n = min_u64(n, unext - off);
		got = (struct xfs_bmbt_irec){ off, n, r->br_startblock + off - r->br_startoff };
		xfs_ifork_remove(&ri->i.i_cowfp, off, n, NULL, NULL);
		xfs_ifork_remove(&ri->i.i_df, off, n, xfs_release_blocks, mp);
		xfs_ifork_remove(&ri->i_unwritten, off, n, NULL, NULL);
		/* delalloc the data fork had there is released (xfs_reflink_end_cow_extent(): xfs_bunmapi()) */
		xfs_ifork_remove(&ri->i_delay, off, n, xfs_delalloc_unreserve, mp);
		xfs_ifork_insert(&ri->i.i_df, got, NULL);
		RMP(mp)->s_cow_remapped += n;
		off += n;
	}
}

/*
 * xfs_reflink_cancel_cow_range(cancel_real = true): the COW fork gives up
 * [offset, offset + count): delalloc returns its reservation, real blocks
 * are freed.
 */
static void xfs_reflink_cancel_cow_range(struct xfs_rinode *ri, loff_t offset, uint64_t count)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t n = (count + mp->m_blocksize - 1) / mp->m_blocksize;

	xfs_ifork_remove(&ri->i_cowdelay, off, n, xfs_delalloc_unreserve, mp);
	xfs_ifork_remove(&ri->i.i_cowfp, off, n, xfs_release_blocks, mp);
	xfs_ifork_remove(&ri->i_cowunw, off, n, NULL, NULL);
}

/* The blocks of [off, end) that @ifp maps. */
static uint64_t xfs_iext_count_range(const struct xfs_ifork *ifp, uint64_t off, uint64_t end)
{
	uint64_t n = 0, next;

	while (off < end) {
		const struct xfs_bmbt_irec *r = xfs_iext_find(ifp, off, &next);

		if (!r) {
			off = next;
			continue;
		}
		n += min_u64(end, r->br_startoff + r->br_blockcount) - off;
		off = r->br_startoff + r->br_blockcount;
	}
	return n;
}

/*
 * xfs_iomap_write_unwritten(): the range's extents become written (a
 * direct write's range may also hold written blocks: only the unwritten
 * ones count as converted).
 */
static void xfs_iomap_write_unwritten(struct xfs_rinode *ri, loff_t offset, size_t count)
{
	struct xfs_mount *mp = ri->i.i_mount;
	uint64_t off = (uint64_t)offset / mp->m_blocksize;
	uint64_t end = ((uint64_t)offset + count + mp->m_blocksize - 1) / mp->m_blocksize;

	RMP(mp)->s_unwritten_converted += xfs_iext_count_range(&ri->i_unwritten, off, end);
	xfs_ifork_remove(&ri->i_unwritten, off, end - off, NULL, NULL);
}

/* xfs_setfilesize() with xfs_new_eof(): the on-disk size grows to what was written, never past i_size. */
static void xfs_setfilesize(struct xfs_inode *ip, loff_t offset, size_t size)
{
	loff_t isize = offset + (loff_t)size;

	if (isize > ip->i_vnode.i_size)
		isize = ip->i_vnode.i_size;
	if (isize > ip->i_disk_size)
		ip->i_disk_size = isize;
}

/*
 * xfs_end_ioend() of the regular path, from the inode's completion work
 * (xfs_end_io() in xfs_aops.c sorts and merges first).  On error: a
 * shared ioend cancels its COW range and punches the data fork's
 * delalloc there; nothing is converted and the size stays.
 */
void xfs_end_ioend_regular(struct iomap_ioend *ioend)
{
	struct xfs_rinode *ri = ioend->io_inode->i_private;
	struct xfs_mount *mp = ri->i.i_mount;
	int error = blk_status_to_errno(ioend->io_bio.bi_status);
	loff_t offset = ioend->io_offset;
	size_t size = ioend->io_size;

	if (mp->m_shutdown)
		error = -EIO;
	zw_log_ioend(ioend->io_inode->i_data.mm->log, "ioend_work", ioend, 0, error);
	if (error) {
		if (ioend->io_flags & IOMAP_IOEND_SHARED) {
			uint64_t off = (uint64_t)offset / mp->m_blocksize;
			uint64_t n = (size + mp->m_blocksize - 1) / mp->m_blocksize;

			xfs_reflink_cancel_cow_range(ri, offset, size);
			xfs_ifork_remove(&ri->i_delay, off, n, xfs_delalloc_unreserve, mp);
		}
		goto done;
	}
	if (ioend->io_flags & IOMAP_IOEND_SHARED) {
		xfs_reflink_end_cow(ri, offset, size);
		xfs_tagsrc_forget(ri, offset, size);
	} else if (ioend->io_flags & IOMAP_IOEND_UNWRITTEN)
		xfs_iomap_write_unwritten(ri, offset, size);
	if (!(ioend->io_flags & IOMAP_IOEND_DIRECT) && offset + (loff_t)size > ri->i.i_disk_size)
		xfs_setfilesize(&ri->i, offset, size);
	xfs_log_mapping(ri, offset, size);
done:
	iomap_finish_ioends(ioend, error);
}

/* --- reads ------------------------------------------------------------------ */

/* The data fork: written blocks are read, holes and unwritten blocks read as zeros. */
static int xfs_read_range(struct address_space *mapping, struct folio *folio, size_t off, size_t len,
			  void *buf)
{
	struct xfs_rinode *ri = mapping->host->i_private;
	struct xfs_mount *mp = ri->i.i_mount;
	unsigned int bs = mp->m_blocksize;
	uint64_t pos = (uint64_t)folio_pos(folio) + off;

	memset(buf, 0, len);
	for (size_t done = 0; done < len;) {
		uint64_t fblock = (pos + done) / bs;
		size_t boff = (size_t)((pos + done) % bs), n = bs - boff;
		const struct xfs_bmbt_irec *r = xfs_iext_find(&ri->i.i_df, fblock, NULL);

		if (n > len - done)
			n = len - done;
		if (r && !xfs_iext_find(&ri->i_unwritten, fblock, NULL)) {
			struct blk_dio dio;
			int err;

			blk_dio_sync(mp->m_bdev, REQ_OP_READ,
				     (r->br_startblock + fblock - r->br_startoff) * mp->m_blkbb + boff / 512, n,
				     (char *)buf + done, 0, &dio);
			err = blk_status_to_errno(dio.status);
			if (err)
				return err;
		}
		done += n;
	}
	return 0;
}

static const struct address_space_operations xfs_regular_aops = {
	.writepages = xfs_vm_writepages,
	.read_range = xfs_read_range,
};

/* --- mount and file calls ---------------------------------------------------- */

#define MP(fs) ((struct xfs_mount *)(fs))

/*
 * Mount on a conventional device: every zone conventional (a regular
 * device, emu:zoned=0).  A zoned device is refused: mkfs.xfs would need a
 * realtime device for its sequential zones (zoned XFS: --fs xfs-zoned).
 * The whole device is data space, all free.
 */
static int xfs_mount_regular(struct zw_fs **fsp, struct block_device *bdev, struct mm_ctx *mm,
			     const char *options, char *err, size_t errlen)
{
	struct xfs_rmount *rmp;
	uint64_t sectors = 0;

	for (unsigned int i = 0; i < bdev->nr_zones; i++) {
		if (bdev->zone_is_seq[i]) {
			snprintf(err, errlen,
				 "xfs: zone %u is sequential: the regular xfs path needs a conventional device "
				 "(e.g. emu:zoned=0,size=1G); on a zoned device mkfs.xfs puts the data on a "
				 "realtime device (--fs xfs-zoned)", i);
			return -EINVAL;
		}
		sectors += bdev->zone_capacity[i];
	}
	if (options && *options) {
		snprintf(err, errlen, "xfs: unknown mount option '%s' (the regular path takes none)", options);
		return -EINVAL;
	}
	rmp = calloc(1, sizeof(*rmp));
	if (!rmp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rmp->m.m_bdev = bdev;
	rmp->m.m_mm = mm;
	rmp->m.m_blocksize = bdev->lim.logical_block_size;
	rmp->m.m_blkbb = rmp->m.m_blocksize >> SECTOR_SHIFT;
	rmp->m.m_next_ino = 128;
	rmp->m.m_regular = true;
	rmp->m_dblocks = sectors / rmp->m.m_blkbb;
	for (uint64_t b = 0; b < rmp->m_dblocks; b += XFS_MAX_BMBT_EXTLEN)
		xfs_free_extent(rmp, b, min_u64(XFS_MAX_BMBT_EXTLEN, rmp->m_dblocks - b));
	*fsp = (struct zw_fs *)rmp;
	return 0;
}

static struct xfs_rinode *xfs_lookup_regular(struct xfs_mount *mp, const char *name, bool create)
{
	struct xfs_rinode *ri;
	struct xfs_inode **n;

	for (size_t i = 0; i < mp->m_nr_inodes; i++)
		if (mp->m_inodes[i]->exists && !strcmp(mp->m_inodes[i]->name, name))
			return RI(mp->m_inodes[i]);
	if (!create || strlen(name) >= sizeof(ri->i.name))
		return NULL;
	n = realloc(mp->m_inodes, (mp->m_nr_inodes + 1) * sizeof(*n));
	ri = calloc(1, sizeof(*ri));
	if (!n || !ri) {
		free(ri);
		if (n)
			mp->m_inodes = n;
		return NULL;
	}
	mp->m_inodes = n;
	mp->m_inodes[mp->m_nr_inodes++] = &ri->i;
	snprintf(ri->i.name, sizeof(ri->i.name), "%s", name);
	ri->i.exists = true;
	ri->i.i_mount = mp;
	inode_init(&ri->i.i_vnode, mp->m_mm, mp->m_next_ino++, (unsigned int)__builtin_ctz(mp->m_blocksize),
		   &xfs_regular_aops);
	ri->i.i_vnode.i_private = ri;
	file_open(&ri->i.i_file, &ri->i.i_vnode);
	return ri;
}

static int xfs_open_regular(struct zw_fs *fs, const char *name)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, true);

	if (!ri)
		return -ENOMEM;
	ri->i.i_wr_opens++;
	return 0;
}

static int xfs_close_regular(struct zw_fs *fs, const char *name)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, false);

	if (!ri || !ri->i.i_wr_opens)
		return -EBADF;
	ri->i.i_wr_opens--;
	return 0;
}

/* filemap_write_and_wait(): write back everything dirty and wait for it, completions included. */
static int xfs_flush_regular(struct xfs_rinode *ri)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
	};
	int err = do_writepages(&ri->i.i_vnode.i_data, &wbc);

	sim_run(ri->i.i_mount->m_bdev->loop);
	return err;
}

/* What a buffered write needs at file block @b (xfs_buffered_write_iomap_begin()). */
enum xfs_wr_need { XFS_WR_NOTHING, XFS_WR_DELAY, XFS_WR_COWDELAY };

static enum xfs_wr_need xfs_write_need(const struct xfs_rinode *ri, uint64_t b)
{
	const struct xfs_rmount *rmp = RMP(ri->i.i_mount);
	const struct xfs_bmbt_irec *r;

	/* already staged for copy on write */
	if (xfs_iext_find(&ri->i.i_cowfp, b, NULL) || xfs_iext_find(&ri->i_cowdelay, b, NULL))
		return XFS_WR_NOTHING;
	r = xfs_iext_find(&ri->i.i_df, b, NULL);
	if (r)	/* a shared block is written out of place (xfs_reflink_allocate_cow()); else in place */
		return xfs_block_shared(rmp, r->br_startblock + b - r->br_startoff) ? XFS_WR_COWDELAY
										    : XFS_WR_NOTHING;
	return xfs_iext_find(&ri->i_delay, b, NULL) ? XFS_WR_NOTHING : XFS_WR_DELAY;
}

/*
 * The COW reservation for the shared blocks [s, e), grown to the COW extent
 * size hint (xfs_bmapi_reserve_delalloc() -> xfs_bmap_extsize_align() with
 * xfs_get_cowextsz_hint(): XFS_DEFAULT_COWEXTSZ_HINT, 32 blocks, when the
 * inode sets none) without overlapping what the COW fork already holds or
 * the reservations @res made before it in the same write.
 */
/* Keep the aligned range [*as, *ae) clear of another mapping [xs, xe) outside [s, e). */
static void xfs_cow_extsize_clip(uint64_t xs, uint64_t xe, uint64_t s, uint64_t e, uint64_t *as, uint64_t *ae)
{
	if (xe <= s && xe > *as)
		*as = xe;
	if (xs >= e && xs < *ae)
		*ae = xs;
}

static void xfs_cow_extsize_align(const struct xfs_rinode *ri, uint64_t s, uint64_t e,
				  const struct xfs_bmbt_irec *res, size_t nres, uint64_t *as, uint64_t *ae)
{
	const struct xfs_ifork *forks[] = { &ri->i.i_cowfp, &ri->i_cowdelay };

	*as = s - s % XFS_DEFAULT_COWEXTSZ_HINT;
	*ae = (e + XFS_DEFAULT_COWEXTSZ_HINT - 1) / XFS_DEFAULT_COWEXTSZ_HINT * XFS_DEFAULT_COWEXTSZ_HINT;
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec x;

	for (size_t f = 0; f < 2; f++)
		for_each_xfs_iext(forks[f], &cur, &x)
			xfs_cow_extsize_clip(x.br_startoff, x.br_startoff + x.br_blockcount, s, e, as, ae);
	for (size_t i = 0; i < nres; i++)
		xfs_cow_extsize_clip(res[i].br_startoff, res[i].br_startoff + res[i].br_blockcount, s, e, as, ae);
}

/* Is block @b in one of the reservations @res? */
static bool xfs_in_res(const struct xfs_bmbt_irec *res, size_t nres, uint64_t b)
{
	for (size_t i = 0; i < nres; i++)
		if (b >= res[i].br_startoff && b < res[i].br_startoff + res[i].br_blockcount)
			return true;
	return false;
}

static int xfs_res_add(struct xfs_bmbt_irec **res, size_t *nres, uint64_t start, uint64_t len)
{
	struct xfs_bmbt_irec *n = realloc(*res, (*nres + 1) * sizeof(**res));

	if (!n)
		return -ENOMEM;
	*res = n;
	n[(*nres)++] = (struct xfs_bmbt_irec){ start, len, start };
	return 0;
}

/*
 * A buffered write (xfs_buffered_write_iomap_begin(), one mapping after
 * the other from the start of the write): delalloc over holes (data
 * fork); over shared blocks delalloc in the COW fork, grown to the COW
 * extent size hint around them, so that neighbouring blocks are unshared
 * (copied on write) too once written; nothing where the COW fork already
 * covers the block (shared or not: "found_cow"), nor over unshared mapped
 * blocks.  Every new delalloc block is reserved from the free blocks
 * (xfs_bmapi_reserve_delalloc(): -ENOSPC when they do not cover it; the
 * kernel retries once after freeing speculative preallocations, the model
 * fails the call), then the page cache.
 */
static ssize_t xfs_buffered_write_regular_data(struct xfs_rinode *ri, loff_t pos, size_t count,
					       const uint8_t *data)
{
	struct xfs_mount *mp = ri->i.i_mount;
	struct xfs_rmount *rmp = RMP(mp);
	unsigned int bs = mp->m_blocksize;
	uint64_t first = (uint64_t)pos / bs, last = ((uint64_t)pos + count - 1) / bs;
	int64_t need = 0;
	size_t skip = (size_t)((uint64_t)pos - first * bs), ncow = 0, ndelay = 0;
	struct xfs_bmbt_irec *cow = NULL, *delay = NULL;
	uint8_t *buf = NULL;
	ssize_t ret = 0;

	for (uint64_t b = first; b <= last && !ret;) {
		enum xfs_wr_need w = xfs_in_res(cow, ncow, b) ? XFS_WR_NOTHING : xfs_write_need(ri, b);
		uint64_t e = b + 1, as, ae;

		if (w == XFS_WR_NOTHING) {
			b++;
			continue;
		}
		while (e <= last && !xfs_in_res(cow, ncow, e) && xfs_write_need(ri, e) == w)
			e++;
		if (w == XFS_WR_DELAY) {
			ret = xfs_res_add(&delay, &ndelay, b, e - b);
			need += (int64_t)(e - b);
		} else {
			xfs_cow_extsize_align(ri, b, e, cow, ncow, &as, &ae);
			ret = xfs_res_add(&cow, &ncow, as, ae - as);
			need += (int64_t)(ae - as);
		}
		b = e;
	}
	if (!ret && need > rmp->m_fdblocks)
		ret = -ENOSPC;
	for (size_t i = 0; !ret && i < ndelay; i++)
		xfs_ifork_insert(&ri->i_delay, delay[i], NULL);
	for (size_t i = 0; !ret && i < ncow; i++)
		xfs_ifork_insert(&ri->i_cowdelay, cow[i], NULL);
	free(delay);
	free(cow);
	if (ret)
		return ret;
	rmp->m_fdblocks -= need;
	if (!data && (skip || count % bs)) {
		buf = malloc((size_t)(last - first + 1) * bs);
		if (!buf)
			return -ENOMEM;
		for (uint64_t b = first; b <= last; b++)
			zw_pattern_fill(buf + (b - first) * bs, bs, zw_tag_file(ri->i.i_vnode.i_ino, b));
	}
	ret = iomap_file_buffered_write(&ri->i.i_vnode, pos, count, data ? data : buf ? buf + skip : NULL,
					zw_tag_file(ri->i.i_vnode.i_ino, first));
	free(buf);
	if (ret > 0 && !data)
		mp->s_user_bytes += (uint64_t)ret;
	return ret;
}

/* A buffered write of the workload's data. */
static ssize_t xfs_buffered_write_regular(struct xfs_rinode *ri, loff_t pos, size_t count)
{
	return xfs_buffered_write_regular_data(ri, pos, count, NULL);
}

/*
 * xfs_setattr_size() -> xfs_truncate_page() (iomap_truncate_page()): a
 * truncate to the middle of a written block zeroes the rest of it through
 * the page cache (in place, or copied on write when shared), so that the
 * old bytes do not stay on the device.  Holes and unwritten blocks read
 * zeros; delalloc is a dirty folio whose tail truncate_setsize() zeroes.
 */
static int xfs_truncate_page_regular(struct xfs_rinode *ri, loff_t size)
{
	unsigned int bs = ri->i.i_mount->m_blocksize, tail = (unsigned int)((uint64_t)size % bs);
	uint64_t b = (uint64_t)size / bs;
	uint8_t *zeros;
	ssize_t ret;

	/* a tags-mode page cache holds blocks whole: the block keeps its tag (docs/fs-verify.md) */
	if (!tail || size >= ri->i.i_vnode.i_size || ri->i.i_vnode.i_data.mm->tags ||
	    !xfs_iext_find(&ri->i.i_df, b, NULL) ||
	    xfs_iext_find(&ri->i_unwritten, b, NULL) || xfs_iext_find(&ri->i_delay, b, NULL))
		return 0;
	zeros = calloc(1, bs - tail);
	if (!zeros)
		return -ENOMEM;
	ret = xfs_buffered_write_regular_data(ri, size, bs - tail, zeros);
	free(zeros);
	return ret < 0 ? (int)ret : 0;
}

/* --- direct writes ------------------------------------------------------------ */

/* xfs_direct_write_iomap_begin() allocates at most 1024 pages a mapping. */
#define XFS_DIO_MAX_ALLOC_BYTES	(1024ull * PAGE_SIZE)

/*
 * xfs_bmapi_write(XFS_BMAPI_PREALLOC, and XFS_BMAPI_COWFORK for @cow) for
 * one mapping: real unwritten blocks for [off, off + count), as far as one
 * free extent reaches.  Over delalloc (@delay; the caller keeps the range
 * inside the delalloc extent) only this part is allocated, unlike
 * writeback's conversion of the whole extent, and the delalloc
 * reservation pays for it; over a hole the free count does.  The blocks
 * allocated, or -ENOSPC.
 */
static int64_t xfs_bmapi_write_prealloc(struct xfs_rinode *ri, bool cow, uint64_t off, uint64_t count, bool delay)
{
	struct xfs_rmount *rmp = RMP(ri->i.i_mount);
	struct xfs_ifork *real = cow ? &ri->i.i_cowfp : &ri->i.i_df;
	uint64_t blk, n = xfs_alloc_extent(rmp, xfs_alloc_target(real, off), count, &blk);

	if (!n)
		return -ENOSPC;
	if (delay)
		xfs_ifork_remove(cow ? &ri->i_cowdelay : &ri->i_delay, off, n, NULL, NULL);
	else
		rmp->m_fdblocks -= (int64_t)n;
	xfs_ifork_insert(real, (struct xfs_bmbt_irec){ off, n, blk }, NULL);
	xfs_ifork_insert(cow ? &ri->i_cowunw : &ri->i_unwritten, (struct xfs_bmbt_irec){ off, n, blk }, NULL);
	return (int64_t)n;
}

/*
 * xfs_iomap_write_direct(): unwritten blocks for the data fork's hole (or
 * delalloc, @delay) at [off, off + count), one mapping.  Its transaction
 * reserves the blocks first: short of free blocks the mapping fails with
 * -ENOSPC (the model reserves no metadata blocks, and a delalloc range is
 * paid for by its own reservation).
 */
static int64_t xfs_iomap_write_direct(struct xfs_rinode *ri, uint64_t off, uint64_t count, bool delay)
{
	if (!delay && (int64_t)count > RMP(ri->i.i_mount)->m_fdblocks)
		return -ENOSPC;
	return xfs_bmapi_write_prealloc(ri, false, off, count, delay);
}

/*
 * xfs_reflink_allocate_cow(convert_now = true) for the direct write of
 * [off, *end), where the COW fork has an extent at @off or the data fork's
 * blocks there are shared (*end: where the data fork's mapping stops).  A
 * real COW extent at @off is used as it is (xfs_find_trim_cow_extent());
 * COW delalloc there is allocated for the range (its reservation pays);
 * otherwise new unwritten blocks are allocated for the aligned window of
 * the COW extent size hint around the range, all of it or -ENOSPC
 * (xfs_bmapi_write(XFS_BMAPI_COWFORK | XFS_BMAPI_PREALLOC), which
 * xfs_bmap_btalloc() aligns to xfs_get_cowextsz_hint(), as a buffered
 * write's reservation is).  The part under the write becomes written at
 * once (xfs_reflink_convert_unwritten()), so that the completion's
 * xfs_reflink_end_cow() remaps it.  *end is cut at the COW extent's end;
 * *blk: the device block of @off.
 */
static int xfs_reflink_allocate_cow(struct xfs_rinode *ri, uint64_t off, uint64_t *end, uint64_t *blk)
{
	struct xfs_rmount *rmp = RMP(ri->i.i_mount);
	const struct xfs_bmbt_irec *c = xfs_iext_find(&ri->i.i_cowfp, off, NULL);

	if (!c) {
		const struct xfs_bmbt_irec *d = xfs_iext_find(&ri->i_cowdelay, off, NULL);
		int64_t n = 0;

		if (d) {
			n = xfs_bmapi_write_prealloc(ri, true, off,
						     min_u64(*end, d->br_startoff + d->br_blockcount) - off, true);
			if (n < 0)
				return (int)n;
		} else {
			uint64_t as, ae;

			xfs_cow_extsize_align(ri, off, *end, NULL, 0, &as, &ae);
			if ((int64_t)(ae - as) > rmp->m_fdblocks)
				return -ENOSPC;
			for (uint64_t b = as; b < ae; b += (uint64_t)n) {
				n = xfs_bmapi_write_prealloc(ri, true, b, ae - b, false);
				if (n < 0)
					return (int)n;
			}
		}
		c = xfs_iext_find(&ri->i.i_cowfp, off, NULL);
		if (!c)
			return -EIO;	/* cannot happen: the allocation covers @off */
	}
	*end = min_u64(*end, c->br_startoff + c->br_blockcount);
	*blk = c->br_startblock + off - c->br_startoff;
	xfs_ifork_remove(&ri->i_cowunw, off, *end - off, NULL, NULL);
	return 0;
}

/*
 * Whether device block @blk is shared, and for how many blocks from it
 * that stays so (xfs_reflink_find_shared() with find_end_of_shared: a
 * shared run goes on across records of different refcounts).
 */
static bool xfs_shared_run(const struct xfs_rmount *rmp, uint64_t blk, uint64_t *run)
{
	uint64_t more;

	if (xfs_refc_get(rmp, blk, run) < 2)
		return false;
	while (*run < MAXOFF && xfs_refc_get(rmp, blk + *run, &more) >= 2)
		*run += more;
	return true;
}

/*
 * xfs_direct_write_iomap_begin() of a regular inode.  The data fork's
 * mapping at @offset (xfs_bmapi_read(): one extent in one state, or a hole
 * or delalloc up to the next extent) is cut before the next COW fork
 * extent and around shared blocks (xfs_find_trim_cow_extent(),
 * xfs_reflink_trim_around_shared()).  A COW fork extent at @offset, or
 * shared written blocks, send the write out of place, to the COW fork's
 * blocks with IOMAP_F_SHARED (xfs_reflink_allocate_cow()); unshared
 * written blocks (IOMAP_MAPPED) and unwritten ones (IOMAP_UNWRITTEN) are
 * written in place; a hole or delalloc first gets new unwritten blocks
 * (xfs_iomap_write_direct()), converted when the write completes.
 * IOMAP_NOWAIT refuses to allocate (-EAGAIN), as does
 * IOMAP_OVERWRITE_ONLY.
 */
static int xfs_direct_write_iomap_begin(struct inode *inode, loff_t offset, loff_t length, unsigned int flags,
					struct iomap *iomap, struct iomap *srcmap)
{
	struct xfs_rinode *ri = inode->i_private;
	struct xfs_mount *mp = ri->i.i_mount;
	unsigned int bs = mp->m_blocksize;
	uint64_t off = (uint64_t)offset / bs;
	uint64_t end = ((uint64_t)(offset + length) + bs - 1) / bs;
	uint64_t dnext, ddnext = MAXOFF, unext, cnext, cdnext = MAXOFF, run, blk = 0;
	const struct xfs_bmbt_irec *r, *d = NULL, *u = NULL;
	bool cow, shared = false;

	(void)srcmap;	/* only sub-block zeroing reads it */
	if (mp->m_shutdown)
		return -EIO;
	/* xfs_bmapi_read() */
	r = xfs_iext_find(&ri->i.i_df, off, &dnext);
	if (r) {
		u = xfs_iext_find(&ri->i_unwritten, off, &unext);
		end = min_u64(end, r->br_startoff + r->br_blockcount);
		end = min_u64(end, u ? u->br_startoff + u->br_blockcount : unext);
	} else {
		d = xfs_iext_find(&ri->i_delay, off, &ddnext);
		end = min_u64(end, d ? d->br_startoff + d->br_blockcount : min_u64(dnext, ddnext));
	}
	/* xfs_find_trim_cow_extent(), xfs_inode_need_cow() */
	cow = xfs_iext_find(&ri->i.i_cowfp, off, &cnext) || xfs_iext_find(&ri->i_cowdelay, off, &cdnext);
	if (!cow) {
		end = min_u64(end, min_u64(cnext, cdnext));
		if (r && !u) {	/* only written blocks count as shared */
			shared = xfs_shared_run(RMP(mp), r->br_startblock + off - r->br_startoff, &run);
			end = min_u64(end, off + run);
		}
	}
	if (cow || shared) {
		int error;

		if (flags & IOMAP_NOWAIT)
			return -EAGAIN;
		error = xfs_reflink_allocate_cow(ri, off, &end, &blk);
		if (error)
			return error;
		iomap->type = IOMAP_MAPPED;
		iomap->flags = IOMAP_F_SHARED;
		iomap->offset = (loff_t)(off * bs);
		iomap->length = (end - off) * bs;
		iomap->addr = blk * bs;
		iomap->bdev = mp->m_bdev;
		return 0;
	}
	if (!r) {
		int64_t n;

		if (flags & (IOMAP_NOWAIT | IOMAP_OVERWRITE_ONLY))
			return -EAGAIN;
		n = xfs_iomap_write_direct(ri, off, min_u64(end - off, XFS_DIO_MAX_ALLOC_BYTES / bs), d != NULL);
		if (n < 0)
			return (int)n;
		end = off + (uint64_t)n;
		r = xfs_iext_find(&ri->i.i_df, off, NULL);
	}
	xfs_bmbt_to_iomap(mp, iomap, r, &ri->i_unwritten, off, end, 0);
	return 0;
}

static const struct iomap_ops xfs_direct_write_iomap_ops = {
	.iomap_begin = xfs_direct_write_iomap_begin,
};

/*
 * xfs_dio_write_end_io() of a regular inode, once for the whole write:
 * -EIO after a shutdown; an error is returned as it is, with nothing
 * undone (new data-fork blocks stay unwritten and read as zeros; COW
 * blocks stay in the COW fork, written, for a later write to reuse or
 * truncate to free: no COW cancel here, unlike writeback's
 * xfs_end_ioend()).  On success: the COW blocks written replace the data
 * fork's (xfs_reflink_end_cow()); unwritten blocks become written, the
 * size moving up to the end of the write and the on-disk size after it
 * (xfs_iomap_write_unwritten(update_isize = true), xfs_new_eof()); with
 * nothing unwritten, a write past the size moves both
 * (xfs_dio_endio_set_isize()).
 */
static int xfs_dio_write_end_io(struct kiocb *iocb, ssize_t size, int error, unsigned int flags)
{
	struct inode *inode = iocb->ki_filp->f_inode;
	struct xfs_rinode *ri = inode->i_private;
	struct xfs_mount *mp = ri->i.i_mount;
	loff_t offset = iocb->ki_pos, end = offset + (loff_t)size;

	/* simulator: the bytes that went to the device (writeback counts its own at submission) */
	mp->s_device_bytes += (uint64_t)size;
	if (mp->m_shutdown)
		return -EIO;
	if (error || !size)
		return error;
	mp->s_user_bytes += (uint64_t)size;	/* XFS_STATS_ADD(xs_write_bytes) */
	/* --verify: the range holds this file's own data now */
	xfs_tagsrc_forget(ri, offset, (size_t)size);
	if (flags & IOMAP_DIO_COW)
		xfs_reflink_end_cow(ri, offset, (size_t)size);
	xfs_log_mapping(ri, offset, (size_t)size);
	if (flags & IOMAP_DIO_UNWRITTEN) {
		xfs_iomap_write_unwritten(ri, offset, (size_t)size);
		if (end > inode->i_size)
			inode->i_size = end;
		xfs_setfilesize(&ri->i, offset, (size_t)size);
		return 0;
	}
	if (end > inode->i_size) {
		inode->i_size = end;
		xfs_setfilesize(&ri->i, offset, (size_t)size);
	}
	return 0;
}

/* No ->submit_io: the bios go to submit_bio() and complete in bio context (iomap_dio_bio_end_io()). */
static const struct iomap_dio_ops xfs_dio_write_ops = {
	.end_io = xfs_dio_write_end_io,
};

/*
 * xfs_file_dio_write() -> xfs_file_dio_write_aligned() for a regular
 * inode: an O_DIRECT write of @count bytes at @pos (for O_APPEND the size
 * at issue, generic_write_checks()) through iomap_dio_rw(), which first
 * writes back and drops the cached range.  Misaligned to the logical
 * block size: -EINVAL.  (Aligned to it but not to the file system block,
 * the write would take xfs_file_dio_write_unaligned(); the model's file
 * system block is the logical block, so that never happens.)  Bytes
 * written, or -errno; -ENOTBLK: fall back to a buffered write.
 */
static ssize_t xfs_file_dio_write_aligned(struct xfs_rinode *ri, loff_t pos, size_t count, bool append)
{
	struct xfs_mount *mp = ri->i.i_mount;
	struct kiocb iocb = {
		.ki_filp = &ri->i.i_file,
		.ki_pos = pos,
		.ki_flags = IOCB_DIRECT | (append ? IOCB_APPEND : 0),
	};
	struct iov_iter from = {
		.write = true,
		.buf = NULL,	/* the file's own blocks: a tag per block */
		.tag = zw_tag_file(ri->i.i_vnode.i_ino, (uint64_t)pos / mp->m_blocksize),
		.count = count,
	};

	if (!count)
		return 0;
	if (mp->m_shutdown)
		return -EIO;	/* xfs_file_write_iter() */
	if (((uint64_t)pos | count) & (mp->m_bdev->lim.logical_block_size - 1))
		return -EINVAL;
	return iomap_dio_rw(&iocb, &from, &xfs_direct_write_iomap_ops, &xfs_dio_write_ops, 0, NULL, 0);
}

static ssize_t xfs_write_regular(struct zw_fs *fs, const char *name, loff_t off, size_t len, bool direct,
				 bool append)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, true);
	ssize_t ret;

	if (!ri)
		return -ENOMEM;
	if (append)
		off = ri->i.i_vnode.i_size;
	/* xfs_file_write_iter(): O_DIRECT, unless the direct path says fall back (-ENOTBLK) */
	if (direct) {
		ret = xfs_file_dio_write_aligned(ri, off, len, append);
		if (ret != -ENOTBLK)
			return ret;
	}
	return xfs_buffered_write_regular(ri, off, len);
}

static ssize_t xfs_read_regular(struct zw_fs *fs, const char *name, loff_t off, size_t len, void *buf)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, false);

	return ri ? iomap_file_buffered_read(&ri->i.i_vnode, off, len, buf) : -ENOENT;
}

/* xfs_setattr_size() + xfs_itruncate_extents(): everything past the new EOF goes, both forks. */
static int xfs_truncate_regular(struct zw_fs *fs, const char *name, loff_t size)
{
	struct xfs_mount *mp = MP(fs);
	struct xfs_rinode *ri = xfs_lookup_regular(mp, name, false);
	uint64_t from, n = MAXOFF;
	int err;

	if (!ri)
		return -ENOENT;
	err = xfs_truncate_page_regular(ri, size);
	if (err)
		return err;
	from = ((uint64_t)size + mp->m_blocksize - 1) / mp->m_blocksize;
	truncate_setsize(&ri->i.i_vnode, size);
	xfs_ifork_remove(&ri->i.i_df, from, n, xfs_release_blocks, mp);
	xfs_ifork_remove(&ri->i_unwritten, from, n, NULL, NULL);
	xfs_ifork_remove(&ri->i_delay, from, n, xfs_delalloc_unreserve, mp);
	xfs_ifork_remove(&ri->i_cowdelay, from, n, xfs_delalloc_unreserve, mp);
	xfs_ifork_remove(&ri->i.i_cowfp, from, n, xfs_release_blocks, mp);
	xfs_ifork_remove(&ri->i_cowunw, from, n, NULL, NULL);
	xfs_ifork_remove(&ri->i_tagsrc, from, n, NULL, NULL);
	/* the on-disk size follows at once (the truncate transaction) */
	ri->i.i_disk_size = size;
	return 0;
}

static int xfs_unlink_regular(struct zw_fs *fs, const char *name)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, false);

	if (!ri)
		return -ENOENT;
	xfs_truncate_regular(fs, name, 0);
	ri->i.exists = false;
	return 0;
}

static int xfs_fsync_regular(struct zw_fs *fs, const char *name)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, false);

	return ri ? vfs_fsync(&ri->i.i_file) : -ENOENT;
}

static int xfs_sync_regular(struct zw_fs *fs)
{
	struct xfs_mount *mp = MP(fs);
	int ret = 0;

	/* ksys_sync(): the flusher's WB_SYNC_NONE pass, then sync_inodes_sb()'s WB_SYNC_ALL one */
	wakeup_flusher_threads(mp->m_mm);
	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		int err = xfs_flush_regular(RI(mp->m_inodes[i]));

		if (err && !ret)
			ret = err;
	}
	return ret;
}

static int xfs_hint_regular(struct zw_fs *fs, const char *name, enum rw_hint hint)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, true);

	if (!ri)
		return -ENOMEM;
	ri->i.i_vnode.i_write_hint = (uint8_t)hint;
	return 0;
}

/*
 * fallocate(2) mode 0 (xfs_alloc_file_space()): the holes in the range get
 * unwritten extents (XFS_BMAPI_PREALLOC), which read as zeros until
 * writeback of data there converts them at I/O completion; the size grows
 * to cover the range.  Delalloc and blocks already mapped stay as they
 * are.  -ENOSPC (nothing allocated) when the free blocks do not cover the
 * holes.
 */
static int xfs_fallocate_regular(struct zw_fs *fs, const char *name, loff_t off, loff_t len)
{
	struct xfs_mount *mp = MP(fs);
	struct xfs_rmount *rmp = RMP(mp);
	struct xfs_rinode *ri = xfs_lookup_regular(mp, name, true);
	uint64_t first, end;
	int64_t need = 0;

	if (!ri)
		return -ENOMEM;
	if (off < 0 || len <= 0)
		return -EINVAL;
	first = (uint64_t)off / mp->m_blocksize;
	end = ((uint64_t)(off + len) + mp->m_blocksize - 1) / mp->m_blocksize;
	for (uint64_t b = first; b < end; b++)
		need += !xfs_iext_find(&ri->i.i_df, b, NULL) && !xfs_iext_find(&ri->i_delay, b, NULL);
	if (need > rmp->m_fdblocks)
		return -ENOSPC;
	for (uint64_t b = first; b < end;) {
		uint64_t dnext, ddnext, hole_end, n, blk;

		if (xfs_iext_find(&ri->i.i_df, b, &dnext) || xfs_iext_find(&ri->i_delay, b, &ddnext)) {
			b++;
			continue;
		}
		xfs_iext_find(&ri->i_delay, b, &ddnext);
		hole_end = min_u64(end, min_u64(dnext, ddnext));
		n = xfs_alloc_extent(rmp, xfs_alloc_target(&ri->i.i_df, b), hole_end - b, &blk);
		if (!n)
			return -ENOSPC;
		rmp->m_fdblocks -= (int64_t)n;
		xfs_ifork_insert(&ri->i.i_df, (struct xfs_bmbt_irec){ b, n, blk }, NULL);
		xfs_ifork_insert(&ri->i_unwritten, (struct xfs_bmbt_irec){ b, n, blk }, NULL);
		b += n;
	}
	if (off + len > ri->i.i_vnode.i_size) {
		ri->i.i_vnode.i_size = off + len;
		ri->i.i_disk_size = off + len;	/* xfs_falloc_setsize(): a transaction */
	}
	return 0;
}

/* The tag --verify expects at block @b of @ri: another file's after a reflink, else its own. */
static uint64_t xfs_expected_tag(const struct xfs_rinode *ri, uint64_t b)
{
	const struct xfs_bmbt_irec *t = xfs_iext_find(&ri->i_tagsrc, b, NULL);

	return t ? t->br_startblock + (b - t->br_startoff) : zw_tag_file(ri->i.i_vnode.i_ino, b);
}

/*
 * FICLONE of @src onto @dst, as `cp --reflink=always SRC DST` does it:
 * @dst (created if needed) is truncated, @src's dirty data is written back
 * and waited for (xfs_reflink_remap_prep() -> filemap_write_and_wait_range()),
 * then every data-fork extent of @src is mapped into @dst too, each block's
 * refcount going up by one (xfs_reflink_remap_blocks()).  Unwritten
 * extents stay unwritten in both.
 */
static int xfs_reflink_regular(struct zw_fs *fs, const char *src, const char *dst)
{
	struct xfs_mount *mp = MP(fs);
	struct xfs_rinode *s = xfs_lookup_regular(mp, src, false), *d;
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec r;
	int err;

	if (!s)
		return -ENOENT;
	d = xfs_lookup_regular(mp, dst, true);
	if (!d)
		return -ENOMEM;
	if (d == s)
		return -EINVAL;
	err = xfs_flush_regular(s);
	if (err)
		return err;
	xfs_truncate_regular(fs, dst, 0);
	/*
	 * xfs_reflink_remap_extent(): only written extents are shared (their
	 * refcount goes up and they are mapped into @dst); unwritten ones read
	 * as zeros and become holes in @dst, as unwritten blocks are never
	 * shared (xfs_reflink_trim_around_shared() relies on it).
	 */
	for_each_xfs_iext(&s->i.i_df, &cur, &r) {
		uint64_t end = r.br_startoff + r.br_blockcount;

		for (uint64_t b = r.br_startoff, next, e; b < end; b = e) {
			const struct xfs_bmbt_irec *u = xfs_iext_find(&s->i_unwritten, b, &next);
			struct xfs_bmbt_irec w;

			if (u) {
				e = min_u64(end, u->br_startoff + u->br_blockcount);
				continue;
			}
			e = min_u64(end, next);
			w = (struct xfs_bmbt_irec){ b, e - b, r.br_startblock + (b - r.br_startoff) };
			xfs_ifork_insert(&d->i.i_df, w, NULL);
			xfs_refcount_adjust(RMP(mp), w.br_startblock, w.br_blockcount, 1);
			for (uint64_t x = b; x < e; x++)
				xfs_ifork_insert(&d->i_tagsrc, (struct xfs_bmbt_irec){ x, 1, xfs_expected_tag(s, x) },
						 NULL);
		}
	}
	d->i.i_vnode.i_size = s->i.i_vnode.i_size;
	d->i.i_disk_size = s->i.i_vnode.i_size;
	return 0;
}

/*
 * Each file: size, on-disk size, and its data-fork extents (written and
 * unwritten are separate extents, as in the bmbt), with the bytes of each
 * that other files share (refcount >= 2).
 */
static void xfs_report_regular(struct zw_fs *fs, json_object *files)
{
	struct xfs_mount *mp = MP(fs);
	struct xfs_rmount *rmp = RMP(mp);
	uint64_t zone_bytes = mp->m_bdev->zone_size << SECTOR_SHIFT;

	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		struct xfs_rinode *ri = RI(mp->m_inodes[i]);
		struct xfs_iext_cursor cur;
		struct xfs_bmbt_irec rec;
		json_object *f, *ext;

		if (!ri->i.exists)
			continue;
		f = json_object_new_object();
		ext = json_object_new_array();
		for_each_xfs_iext(&ri->i.i_df, &cur, &rec) {
			const struct xfs_bmbt_irec *r = &rec;

			for (uint64_t b = r->br_startoff; b < r->br_startoff + r->br_blockcount;) {
				uint64_t blk = r->br_startblock + b - r->br_startoff, run, unext, e, shared = 0;
				const struct xfs_bmbt_irec *u = xfs_iext_find(&ri->i_unwritten, b, &unext);
				uint64_t daddr = blk * mp->m_blocksize;
				json_object *o = json_object_new_object();

				e = min_u64(r->br_startoff + r->br_blockcount, u ? u->br_startoff + u->br_blockcount : unext);
				for (uint64_t x = blk; x < blk + (e - b); x += run) {
					uint32_t rc = xfs_refc_get(rmp, x, &run);

					run = min_u64(run, blk + (e - b) - x);
					if (rc >= 2)
						shared += run;
				}
				json_object_object_add(o, "off", json_object_new_int64((int64_t)(b * mp->m_blocksize)));
				json_object_object_add(o, "len", json_object_new_int64((int64_t)((e - b) * mp->m_blocksize)));
				json_object_object_add(o, "zone", json_object_new_int64((int64_t)(daddr / zone_bytes)));
				json_object_object_add(o, "zone_off", json_object_new_int64((int64_t)(daddr % zone_bytes)));
				json_object_object_add(o, "block", json_object_new_int64((int64_t)blk));
				json_object_object_add(o, "unwritten", json_object_new_boolean(u != NULL));
				json_object_object_add(o, "shared", json_object_new_int64((int64_t)(shared * mp->m_blocksize)));
				json_object_array_add(ext, o);
				b = e;
			}
		}
		json_object_object_add(f, "size", json_object_new_int64(ri->i.i_vnode.i_size));
		json_object_object_add(f, "disk_size", json_object_new_int64(ri->i.i_disk_size));
		json_object_object_add(f, "extents", ext);
		json_object_object_add(files, ri->i.name, f);
	}
}

static void xfs_stats_regular(struct zw_fs *fs, json_object *stats)
{
	struct xfs_mount *mp = MP(fs);
	struct xfs_rmount *rmp = RMP(mp);
	uint64_t free_blocks = 0, shared = 0, delalloc = 0, cow = 0;
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec r;

	for_each_xfs_iext(&rmp->m_free, &cur, &r)
		free_blocks += r.br_blockcount;
	for (size_t i = 0; i < rmp->m_nr_refc; i++)
		shared += rmp->m_refc[i].rc_blockcount;
	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		struct xfs_rinode *ri = RI(mp->m_inodes[i]);

		for_each_xfs_iext(&ri->i_delay, &cur, &r)
			delalloc += r.br_blockcount;
		for_each_xfs_iext(&ri->i_cowdelay, &cur, &r)
			delalloc += r.br_blockcount;
		for_each_xfs_iext(&ri->i.i_cowfp, &cur, &r)
			cow += r.br_blockcount;
	}
	json_object_object_add(stats, "user_bytes", json_object_new_uint64(mp->s_user_bytes));
	json_object_object_add(stats, "device_bytes", json_object_new_uint64(mp->s_device_bytes));
	json_object_object_add(stats, "write_amplification",
			       json_object_new_double(mp->s_user_bytes ?
						      (double)mp->s_device_bytes / (double)mp->s_user_bytes : 0.0));
	json_object_object_add(stats, "blocks", json_object_new_uint64(rmp->m_dblocks));
	json_object_object_add(stats, "free_blocks", json_object_new_uint64(free_blocks));
	json_object_object_add(stats, "fdblocks", json_object_new_int64(rmp->m_fdblocks));
	json_object_object_add(stats, "delalloc_blocks", json_object_new_uint64(delalloc));
	json_object_object_add(stats, "cow_blocks", json_object_new_uint64(cow));
	json_object_object_add(stats, "shared_blocks", json_object_new_uint64(shared));
	json_object_object_add(stats, "cow_remapped_blocks", json_object_new_uint64(rmp->s_cow_remapped));
	json_object_object_add(stats, "unwritten_converted_blocks",
			       json_object_new_uint64(rmp->s_unwritten_converted));
}

/*
 * A block written in part: each byte zero or the expected data's, or, for
 * a reflinked block rewritten in part (its bytes from two files), each
 * byte zero or some file's data for that block.
 */
static bool xfs_verify_partial(struct xfs_mount *mp, const void *buf, uint64_t b, uint64_t tag)
{
	uint64_t *tags;
	bool ok = zw_pattern_partial_ok(buf, mp->m_blocksize, &tag, 1);

	if (ok || !(tags = malloc(mp->m_nr_inodes * sizeof(*tags))))
		return ok;
	for (size_t i = 0; i < mp->m_nr_inodes; i++)
		tags[i] = zw_tag_file(mp->m_inodes[i]->i_vnode.i_ino, b);
	ok = zw_pattern_partial_ok(buf, mp->m_blocksize, tags, mp->m_nr_inodes);
	free(tags);
	return ok;
}

/* Every written block of every data fork holds the data its file should see there. */
static int xfs_verify_regular(struct zw_fs *fs, char *err, size_t errlen)
{
	struct xfs_mount *mp = MP(fs);
	unsigned int bs = mp->m_blocksize;
	void *buf = malloc(bs);

	for (size_t i = 0; buf && i < mp->m_nr_inodes; i++) {
		struct xfs_rinode *ri = RI(mp->m_inodes[i]);
		struct xfs_iext_cursor cur;
		struct xfs_bmbt_irec rec;

		if (!ri->i.exists)
			continue;
		for_each_xfs_iext(&ri->i.i_df, &cur, &rec) {
			const struct xfs_bmbt_irec *r = &rec;

			for (uint64_t b = 0; b < r->br_blockcount; b++) {
				struct blk_dio dio;
				uint64_t tag;

				if (xfs_iext_find(&ri->i_unwritten, r->br_startoff + b, NULL))
					continue;	/* reads as zeros */
				blk_dio_sync(mp->m_bdev, REQ_OP_READ, (r->br_startblock + b) * mp->m_blkbb, bs, buf, 0,
					     &dio);
				if (dio.status || ((!zw_pattern_decode(buf, bs, &tag) ||
				     tag != xfs_expected_tag(ri, r->br_startoff + b)) &&
				    !xfs_verify_partial(mp, buf, r->br_startoff + b, xfs_expected_tag(ri, r->br_startoff + b)))) {
					snprintf(err, errlen,
						 "%s: block %" PRIu64 " (device block %" PRIu64 ") is not what was written there",
						 ri->i.name, r->br_startoff + b, r->br_startblock + b);
					free(buf);
					return -1;
				}
			}
		}
	}
	free(buf);
	return 0;
}

/* stat(2) for `zwsim fs --verify`: inode number and size */
static int xfs_stat_regular(struct zw_fs *fs, const char *name, uint64_t *ino, loff_t *size)
{
	struct xfs_rinode *ri = xfs_lookup_regular(MP(fs), name, false);

	if (!ri)
		return -ENOENT;
	*ino = ri->i.i_vnode.i_ino;
	*size = ri->i.i_vnode.i_size;
	return 0;
}

static void xfs_unmount_regular(struct zw_fs *fs)
{
	struct xfs_mount *mp = MP(fs);
	struct xfs_rmount *rmp = RMP(mp);

	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		struct xfs_rinode *ri = RI(mp->m_inodes[i]);

		inode_release(&ri->i.i_vnode);
		xfs_iext_destroy(&ri->i.i_df);
		xfs_iext_destroy(&ri->i.i_cowfp);
		xfs_iext_destroy(&ri->i_delay);
		xfs_iext_destroy(&ri->i_unwritten);
		xfs_iext_destroy(&ri->i_cowdelay);
		xfs_iext_destroy(&ri->i_cowunw);
		xfs_iext_destroy(&ri->i_tagsrc);
		free(ri);
	}
	free(mp->m_inodes);
	xfs_iext_destroy(&rmp->m_free);
	free(rmp->m_refc);
	free(rmp);
}

const struct zw_fs_ops xfs_fs_ops = {
	.name = "xfs",
	.mount = xfs_mount_regular,
	.unmount = xfs_unmount_regular,
	.open = xfs_open_regular,
	.close = xfs_close_regular,
	.write = xfs_write_regular,
	.read = xfs_read_regular,
	.truncate = xfs_truncate_regular,
	.unlink = xfs_unlink_regular,
	.fsync = xfs_fsync_regular,
	.sync = xfs_sync_regular,
	.hint = xfs_hint_regular,
	.report = xfs_report_regular,
	.stats = xfs_stats_regular,
	.verify = xfs_verify_regular,
	.reflink = xfs_reflink_regular,
	.fallocate = xfs_fallocate_regular,
	.stat = xfs_stat_regular,
	.shut_down = xfs_shut_down,
};
