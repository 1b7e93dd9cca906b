// SPDX-License-Identifier: MIT
/*
 * Mounting the xfs-zoned model and the file calls a workload makes
 * (fs/xfs/xfs_zone_alloc.c xfs_mount_zones(), xfs_file.c, xfs_zone_space_resv.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "xfs_zoned.h"

#define MP(fs) ((struct xfs_mount *)(fs))
#define EFSCORRUPTED EUCLEAN	/* as the kernel defines it */

/*
 * xfs_max_open_zones(): max(2, min((rtgroups - 5) / 2 + 2, rtgroups / 4)):
 * an open data zone needs a spare, and at most a quarter of the zones open.
 */
static unsigned int xfs_max_open_zones(unsigned int rgcount)
{
	unsigned int a = rgcount > XFS_MIN_ZONES ? (rgcount - XFS_MIN_ZONES) / 2 + 2 : 2;
	unsigned int b = rgcount / 4;
	unsigned int m = a < b ? a : b;

	return m > 2 ? m : 2;
}

static int xfs_parse_options(struct xfs_mount *mp, const char *options, unsigned int *max_open,
			     char *err, size_t errlen)
{
	char *copy, *tok, *save = NULL;
	int ret = 0;

	if (!options || !*options)
		return 0;
	copy = strdup(options);
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "nolifetime")) {
			mp->m_nolifetime = true;
		} else if (!strncmp(tok, "kernel=", 7)) {
			/* zwsim's own: whose zone selection rules (enum xfs_kernel_rules) */
			if (!strcmp(tok + 7, "7.2")) {
				mp->m_kernel = XFS_KERNEL_NEWEST;
			} else if (!strcmp(tok + 7, "6.17")) {
				mp->m_kernel = XFS_KERNEL_6_17;
			} else {
				snprintf(err, errlen, "xfs: kernel=%s: the model has the rules of kernel=7.2 (the default) and kernel=6.17", tok + 7);
				ret = -EINVAL;
			}
		} else if (!strncmp(tok, "max_open_zones=", 15)) {
			*max_open = (unsigned int)strtoul(tok + 15, NULL, 10);
		} else if (!strcmp(tok, "prior_data=live")) {
			mp->m_prior_data_deleted = false;
		} else if (!strcmp(tok, "prior_data=deleted")) {
			mp->m_prior_data_deleted = true;
		} else if (!strncmp(tok, "zonegc_low_space=", 17)) {
			/* /sys/fs/xfs/<dev>/zoned/zonegc_low_space: a percentage, 0..100 */
			char *end;
			unsigned long v = strtoul(tok + 17, &end, 10);

			if (!tok[17] || *end || v > 100) {
				snprintf(err, errlen, "xfs: zonegc_low_space=%s: a percentage from 0 to 100", tok + 17);
				ret = -EINVAL;
			}
			mp->m_zonegc_low_space = (unsigned int)v;
		} else {
			snprintf(err, errlen, "xfs: unknown mount option '%s' (accepted: nolifetime, max_open_zones=N, zonegc_low_space=N, kernel=7.2|6.17, prior_data=live|deleted)", tok);
			ret = -EINVAL;
		}
	}
	free(copy);
	return ret;
}

struct xfs_init_zones {
	uint64_t available;		/* free zones, open zones' tails */
	uint64_t reclaimable;		/* written, no longer used */
};

/*
 * xfs_init_zone(): a group's state from its zone and its used blocks.  The
 * used count is the rmap's (rtg_rmap(rtg)->i_used_blocks); the model keeps
 * no metadata on the device, so it cannot tell which written blocks are
 * still owned: with prior_data=live (the default) every written block is
 * (the kernel would find rmap records for them, of files the model does
 * not know: never freed, never moved by GC); with prior_data=deleted none
 * is (the files were deleted before the unmount).  Then, as the kernel:
 * a full zone with nothing used is reset now (the reset that was pending
 * when the file system went down); empty: free; partly written: open
 * again at its write pointer (counting against the open limit, not in a
 * bucket), the written part less the used blocks reclaimable; full with
 * unused blocks: in its bucket, reclaimable.
 */
static int xfs_init_zone(struct xfs_mount *mp, struct xfs_rtgroup *rtg, const struct blk_zone *zone,
			 struct xfs_init_zones *iz, char *err, size_t errlen)
{
	uint64_t wp = zone->cond == BLK_ZONE_COND_FULL ? rtg->rtg_blocks :
		      zone->cond == BLK_ZONE_COND_EMPTY ? 0 : (zone->wp - zone->start) / mp->m_blkbb;
	uint64_t used = mp->m_prior_data_deleted ? 0 : wp;

	if (wp == rtg->rtg_blocks && used == 0) {
		/* xfs_zone_gc_reset_sync() */
		struct blk_dio dio;

		blk_dio_sync(mp->m_bdev, REQ_OP_ZONE_RESET, rtg->rtg_start * mp->m_blkbb, 0, NULL, 0, &dio);
		if (dio.status) {
			snprintf(err, errlen, "xfs: resetting zone %u at mount failed: %s", rtg->rtg_zno,
				 dio.res.reason[0] ? dio.res.reason : "I/O error");
			return blk_status_to_errno(dio.status);
		}
		mp->s_zone_resets++;
		wp = 0;
	}
	rtg->rtg_used = rtg->rtg_unowned = used;
	if (wp == 0) {
		rtg->rtg_state = XFS_RTG_FREE;
		mp->zi_nr_free_zones++;
		iz->available += rtg->rtg_blocks;
	} else if (wp < rtg->rtg_blocks) {
		/* open again, written up to its write pointer */
		struct xfs_open_zone *oz = calloc(1, sizeof(*oz));

		if (!oz) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		oz->oz_rtg = rtg;
		oz->oz_ref = 1;
		oz->oz_allocated = oz->oz_written = wp;
		rtg->rtg_state = XFS_RTG_OPEN;
		rtg->rtg_open_zone = oz;
		oz->oz_prev = mp->zi_open_tail;
		if (mp->zi_open_tail)
			mp->zi_open_tail->oz_next = oz;
		else
			mp->zi_open_head = oz;
		mp->zi_open_tail = oz;
		mp->zi_nr_open_zones++;
		iz->available += rtg->rtg_blocks - wp;
		iz->reclaimable += wp - used;
	} else {
		rtg->rtg_state = XFS_RTG_FULL;
		if (used < rtg->rtg_blocks) {
			xfs_zone_account_reclaimable(mp, rtg, rtg->rtg_blocks - used);
			iz->reclaimable += rtg->rtg_blocks - used;
		}
	}
	return 0;
}

/*
 * xfs_mount_zones(): one realtime group per sequential zone, its state
 * from the zone report and its used blocks (xfs_init_zone()), the two
 * free-space counters from them.  Conventional zones hold metadata.
 */
static int xfs_zoned_mount(struct zw_fs **fsp, struct block_device *bdev, struct mm_ctx *mm,
			   const char *options, char *err, size_t errlen)
{
	struct xfs_mount *mp = calloc(1, sizeof(*mp));
	unsigned int nr = bdev->nr_zones, max_open = 0;
	struct blk_zone *zones;
	struct xfs_init_zones iz = { 0 };
	int ret;

	if (!mp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	mp->m_bdev = bdev;
	mp->m_mm = mm;
	mp->m_blocksize = bdev->lim.logical_block_size;
	mp->m_blkbb = mp->m_blocksize >> SECTOR_SHIFT;
	mp->m_next_ino = 128;
	ret = xfs_parse_options(mp, options, &max_open, err, errlen);
	zones = calloc(nr, sizeof(*zones));
	mp->m_rtgroups = calloc(nr, sizeof(*mp->m_rtgroups));
	mp->m_zone_rgno = malloc((nr ? nr : 1) * sizeof(*mp->m_zone_rgno));
	if (mp->m_zone_rgno)
		memset(mp->m_zone_rgno, 0xff, (nr ? nr : 1) * sizeof(*mp->m_zone_rgno));
	if (!ret && (!zones || !mp->m_rtgroups || !mp->m_zone_rgno)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (!ret && blkdev_report_zones(bdev, 0, nr, zones) != (int)nr) {
		snprintf(err, errlen, "xfs: zone report failed");
		ret = -EIO;
	}
	for (unsigned int i = 0; !ret && i < nr; i++) {
		struct xfs_rtgroup *rtg;

		if (zones[i].type == BLK_ZONE_TYPE_CONVENTIONAL)
			continue;
		if (zones[i].cond == BLK_ZONE_COND_READONLY || zones[i].cond == BLK_ZONE_COND_OFFLINE) {
			snprintf(err, errlen, "xfs: zone %u is %s: XFS refuses to mount", i,
				 zone_cond_name(zones[i].cond));
			ret = -EFSCORRUPTED;
			break;
		}
		mp->m_zone_rgno[i] = mp->m_nr_rtgroups;
		rtg = &mp->m_rtgroups[mp->m_nr_rtgroups++];
		rtg->rtg_zno = i;
		rtg->rtg_seq = true;
		rtg->rtg_start = zones[i].start / mp->m_blkbb;
		rtg->rtg_blocks = zones[i].capacity / mp->m_blkbb;
		rtg->rtg_bucket = -1;
		ret = xfs_init_zone(mp, rtg, &zones[i], &iz, err, errlen);
	}
	free(zones);
	if (!ret && mp->m_nr_rtgroups < XFS_MIN_ZONES) {
		snprintf(err, errlen, "xfs: %u sequential zones: zoned XFS needs at least %u", mp->m_nr_rtgroups,
			 XFS_MIN_ZONES);
		ret = -EFSCORRUPTED;
	}
	if (!ret) {
		/*
		 * xfs_calc_open_zones(): the mount option, else the device's
		 * limit, else a default: XFS_DEFAULT_MAX_OPEN_ZONES in newer
		 * kernels, xfs_max_open_zones() in 6.17; then never more than
		 * the device's limit or xfs_max_open_zones().
		 */
		unsigned int formula = xfs_max_open_zones(mp->m_nr_rtgroups);
		unsigned int dflt = mp->m_kernel == XFS_KERNEL_6_17 ? formula : XFS_DEFAULT_MAX_OPEN_ZONES;

		if (!max_open)
			max_open = bdev->lim.max_open_zones ? bdev->lim.max_open_zones : dflt;
		if (bdev->lim.max_open_zones && max_open > bdev->lim.max_open_zones)
			max_open = bdev->lim.max_open_zones;
		if (max_open > formula)
			max_open = formula;
		if (max_open < XFS_MIN_OPEN_ZONES) {
			snprintf(err, errlen, "xfs: %u open zones: zoned XFS needs at least %u", max_open,
				 XFS_MIN_OPEN_ZONES);
			ret = -EIO;
		}
		mp->m_max_open_zones = max_open;
		/*
		 * xfs_mount_zones() (7.2): the flusher writes a zone's capacity
		 * of an inode at a time (sb->s_min_writeback_pages), not the
		 * default 4 MiB, so files cached together are not cut into
		 * small pieces across zones.  Not in 6.17.
		 */
		if (mm && mp->m_kernel != XFS_KERNEL_6_17 && mp->m_nr_rtgroups) {
			uint64_t blocks = mp->m_rtgroups[0].rtg_blocks;

			if (blocks > XFS_MAX_BMBT_EXTLEN)
				blocks = XFS_MAX_BMBT_EXTLEN;
			mm->min_writeback_pages = blocks * mp->m_blocksize >> PAGE_SHIFT;
		}
	}
	if (!ret) {
		/*
		 * XC_FREE_RTAVAILABLE: the free zones and the open zones' tails;
		 * XC_FREE_RTEXTENTS: that and what is reclaimable.  Each less its
		 * reserved pool, which takes what there is up to its size
		 * (xfs_reserve_blocks()): GC allocates from the pools.
		 */
		int64_t avail = (int64_t)iz.available, extents = (int64_t)(iz.available + iz.reclaimable);
		int64_t gc_pool = (int64_t)(XFS_GC_ZONES * mp->m_rtgroups[0].rtg_blocks);
		int64_t resv_pool = (int64_t)(XFS_RESERVED_ZONES * mp->m_rtgroups[0].rtg_blocks);

		mp->m_resv_rtavailable_total = gc_pool;
		mp->m_resv_rtavailable = avail < gc_pool ? avail : gc_pool;
		mp->m_free_rtavailable = avail - mp->m_resv_rtavailable;
		mp->m_resv_rtextents_total = resv_pool;
		mp->m_resv_rtextents = extents < resv_pool ? extents : resv_pool;
		mp->m_free_rtextents = extents - mp->m_resv_rtextents;
		if (xfs_zone_gc_mount(mp)) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
		}
	}
	if (!ret && (!mp->zi_nr_free_zones || mp->zi_nr_open_zones == mp->m_max_open_zones)) {
		/*
		 * xfs_zone_gc_mount(): no free zone for GC, or the open limit
		 * reached by the zones found open: the open zone with the least
		 * allocated becomes the GC zone (xfs_zone_gc_steal_open()); none,
		 * and the mount fails.  Otherwise the model opens the GC zone
		 * when GC first needs it (the kernel opens it here).
		 */
		struct xfs_open_zone *found = NULL;

		for (struct xfs_open_zone *oz = mp->zi_open_head; oz; oz = oz->oz_next)
			if (!found || oz->oz_allocated < found->oz_allocated)
				found = oz;
		if (!found) {
			snprintf(err, errlen, "xfs: unable to allocate a zone for gc");
			ret = -EIO;
		} else {
			if (found->oz_prev)
				found->oz_prev->oz_next = found->oz_next;
			else
				mp->zi_open_head = found->oz_next;
			if (found->oz_next)
				found->oz_next->oz_prev = found->oz_prev;
			else
				mp->zi_open_tail = found->oz_prev;
			found->oz_prev = found->oz_next = NULL;
			found->oz_is_gc = true;
			mp->zi_nr_open_zones--;
			mp->zi_open_gc_zone = found;
		}
	}
	if (ret) {
		/* the zones found partly written were opened */
		while (mp->zi_open_head) {
			struct xfs_open_zone *oz = mp->zi_open_head;

			mp->zi_open_head = oz->oz_next;
			free(oz);
		}
		xfs_zone_gc_unmount(mp);
		free(mp->m_rtgroups);
		free(mp->m_zone_rgno);
		free(mp);
		return ret;
	}
	*fsp = (struct zw_fs *)mp;
	return 0;
}

static struct xfs_inode *xfs_lookup(struct xfs_mount *mp, const char *name, bool create)
{
	struct xfs_inode *ip, **n;

	for (size_t i = 0; i < mp->m_nr_inodes; i++)
		if (mp->m_inodes[i]->exists && !strcmp(mp->m_inodes[i]->name, name))
			return mp->m_inodes[i];
	if (!create || strlen(name) >= sizeof(ip->name))
		return NULL;
	n = realloc(mp->m_inodes, (mp->m_nr_inodes + 1) * sizeof(*n));
	ip = calloc(1, sizeof(*ip));
	if (!n || !ip) {
		free(ip);
		if (n)
			mp->m_inodes = n;
		return NULL;
	}
	mp->m_inodes = n;
	mp->m_inodes[mp->m_nr_inodes++] = ip;
	snprintf(ip->name, sizeof(ip->name), "%s", name);
	ip->exists = true;
	ip->i_mount = mp;
	inode_init(&ip->i_vnode, mp->m_mm, mp->m_next_ino++, (unsigned int)__builtin_ctz(mp->m_blocksize),
		   &xfs_zoned_aops);
	ip->i_vnode.i_private = ip;
	file_open(&ip->i_file, &ip->i_vnode);
	return ip;
}

static int xfs_open(struct zw_fs *fs, const char *name)
{
	struct xfs_inode *ip;

	if (MP(fs)->m_shutdown)
		return -EIO;	/* xfs_file_open(), xfs_create() */
	ip = xfs_lookup(MP(fs), name, true);
	if (!ip)
		return -ENOMEM;
	ip->i_wr_opens++;
	return 0;
}

static int xfs_close(struct zw_fs *fs, const char *name)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, false);

	if (!ip || !ip->i_wr_opens)
		return -EBADF;
	ip->i_wr_opens--;
	return 0;
}

/*
 * xfs_zoned_space_reserve(): @count blocks from XC_FREE_RTEXTENTS, or, for
 * a buffered write (XFS_ZR_GREEDY; a direct write takes all or nothing),
 * what is left there (if the count is above 1 and anything is left), then
 * the same count from XC_FREE_RTAVAILABLE, which is never cut
 * (xfs_zoned_reserve_available()): short of it, the writer wakes GC and
 * waits, and gives up with -ENOSPC only when nothing is reclaimable and GC
 * is idle.  The kernel sleeps until xfs_zoned_add_available() wakes it;
 * here the writer runs the simulation's events (completions, GC) one by
 * one and looks again.  -EIO after a shutdown.  The blocks reserved, or
 * -errno (with the first counter given back).
 */
int64_t xfs_zoned_space_reserve(struct xfs_mount *mp, int64_t count, bool greedy)
{
	uint64_t seen = UINT64_MAX;

	if (mp->m_shutdown)
		return -EIO;
	if (count > mp->m_free_rtextents) {
		if (!greedy || count <= 1 || mp->m_free_rtextents <= 0)
			return -ENOSPC;
		count = mp->m_free_rtextents;	/* xfs_zoned_reserve_extents_greedy() */
	}
	mp->m_free_rtextents -= count;
	while (count > mp->m_free_rtavailable) {
		if (mp->m_shutdown) {
			xfs_add_frextents(mp, count);
			return -EIO;
		}
		xfs_zone_gc_wake_waiter(mp, &seen);
		if ((!xfs_zone_any_reclaimable(mp) && !xfs_zone_gc_running(mp)) ||
		    !sim_run_one(mp->m_bdev->loop)) {
			xfs_add_frextents(mp, count);
			return -ENOSPC;
		}
	}
	mp->m_free_rtavailable -= count;
	return count;
}

void xfs_zoned_space_unreserve(struct xfs_mount *mp, int64_t n)
{
	xfs_add_frextents(mp, n);
	xfs_zoned_add_available(mp, n);
}

/*
 * Delalloc cut away before writeback (truncate, unlink) gives its
 * reservation back to both counters: xfs_reflink_cancel_cow_blocks() ->
 * xfs_bmap_del_extent_delay() without XFS_BMAPI_REMAP, which for a zoned
 * inode calls xfs_zoned_add_available() and xfs_add_frextents().
 */
static void xfs_delalloc_release(struct xfs_mount *mp, uint64_t startblock, uint64_t n)
{
	(void)startblock;
	xfs_zoned_space_unreserve(mp, (int64_t)n);
}

static int xfs_writeback_inode(struct xfs_inode *ip, enum writeback_sync_modes mode)
{
	struct writeback_control wbc = {
		.sync_mode = mode, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
	};
	int err = do_writepages(&ip->i_vnode.i_data, &wbc);

	sim_run(ip->i_mount->m_bdev->loop);
	return err;
}

/*
 * xfs_file_buffered_write_zoned(): reserve (xfs_zoned_write_space_reserve():
 * the count rounded up to blocks, plus one for a misaligned start and two
 * for zeroing around EOF), cut the write to what the reservation covers
 * (all of it: the extra blocks too), write into the page cache, return
 * what the new delalloc did not take.  A failed reservation returns its
 * error at once.
 */
/*
 * A buffered write of @count bytes at @pos: the workload's data, or @data
 * (the zeros of xfs_truncate_page(), not counted as the user's bytes).
 */
static ssize_t xfs_buffered_write_data(struct xfs_inode *ip, loff_t pos, size_t count, bool greedy,
				       const uint8_t *data)
{
	struct xfs_mount *mp = ip->i_mount;
	unsigned int bs = mp->m_blocksize;
	uint64_t first, last;
	int64_t got, consumed = 0;
	size_t skip;
	uint8_t *buf;
	ssize_t ret;

	got = xfs_zoned_space_reserve(mp, (int64_t)((count + bs - 1) / bs) + 1 + 2, greedy);
	if (got < 0)
		return got;
	/* iov_iter_truncate(from, XFS_FSB_TO_B(mp, ac.reserved_blocks) - (pos & m_blockmask)) */
	if ((uint64_t)got * bs - (uint64_t)pos % bs < count)
		count = (size_t)((uint64_t)got * bs - (uint64_t)pos % bs);
	first = (uint64_t)pos / bs;
	last = ((uint64_t)pos + count - 1) / bs;
	/* Whole blocks carry their tags (a file's blocks have consecutive tags); a partial one, bytes. */
	buf = NULL;
	skip = (size_t)((uint64_t)pos - first * bs);
	if (!data && (skip || count % bs)) {
		buf = malloc((size_t)(last - first + 1) * bs);
		if (!buf) {
			xfs_zoned_space_unreserve(mp, got);
			return -ENOMEM;
		}
		for (uint64_t b = first; b <= last; b++)
			zw_pattern_fill(buf + (b - first) * bs, bs, zw_tag_file(ip->i_vnode.i_ino, b));
	}
	/* New delalloc (in the COW fork) holds its block's reservation until it is written. */
	for (uint64_t b = first; b <= last; b++) {
		struct xfs_iext_cursor icur;
		struct xfs_bmbt_irec del;

		if (xfs_iext_lookup_extent(&ip->i_cowfp, b, &icur, &del) && del.br_startoff <= b) {
			b = del.br_startoff + del.br_blockcount - 1;	/* the rest of it is delalloc too */
			continue;
		}
		xfs_ifork_insert(&ip->i_cowfp, (struct xfs_bmbt_irec){ .br_startoff = b, .br_blockcount = 1,
								   .br_startblock = b }, NULL);
		consumed++;
	}
	ret = iomap_file_buffered_write(&ip->i_vnode, pos, count, data ? data : buf ? buf + skip : NULL,
					zw_tag_file(ip->i_vnode.i_ino, first));
	free(buf);
	/* What the new delalloc does not hold goes back: the 3 extra, and blocks already delalloc. */
	xfs_zoned_space_unreserve(mp, got - consumed);
	if (ret > 0 && !data)
		mp->s_user_bytes += (uint64_t)ret;
	return ret;
}

static ssize_t xfs_buffered_write(struct xfs_inode *ip, loff_t pos, size_t count, bool greedy)
{
	return xfs_buffered_write_data(ip, pos, count, greedy, NULL);
}

/*
 * xfs_setattr_size() -> xfs_truncate_page() (iomap_truncate_page()): a
 * truncate to the middle of a block zeroes the rest of that block through
 * the page cache, so that the data past the new size does not stay on the
 * device (and come back when the file grows again).  Only a block with
 * data on disk needs it: a hole reads zeros, and delalloc is a dirty folio
 * whose tail truncate_setsize() zeroes.  Zoned, the zeroed block is written
 * out of place like any other write; the kernel reserves its one block
 * (xfs_zoned_space_reserve(1)) in xfs_setattr_size(), the model as for a
 * write of that size.
 */
static int xfs_truncate_page(struct xfs_inode *ip, loff_t size)
{
	struct xfs_mount *mp = ip->i_mount;
	unsigned int bs = mp->m_blocksize, tail = (unsigned int)((uint64_t)size % bs);
	uint64_t b = (uint64_t)size / bs;
	struct xfs_iext_cursor icur;
	struct xfs_bmbt_irec got;
	uint8_t *zeros;
	ssize_t ret;

	/* a tags-mode page cache holds blocks whole: the block keeps its tag (docs/fs-verify.md) */
	if (!tail || size >= ip->i_vnode.i_size || ip->i_vnode.i_data.mm->tags ||
	    !xfs_iext_lookup_extent(&ip->i_df, b, &icur, &got) || got.br_startoff > b ||
	    (xfs_iext_lookup_extent(&ip->i_cowfp, b, &icur, &got) && got.br_startoff <= b))
		return 0;
	zeros = calloc(1, bs - tail);
	if (!zeros)
		return -ENOMEM;
	ret = xfs_buffered_write_data(ip, size, bs - tail, false, zeros);
	free(zeros);
	return ret < 0 ? (int)ret : 0;
}

/*
 * xfs_file_write_checks() -> xfs_file_write_zero_eof(): a write that starts
 * past EOF first zeroes from EOF to where it starts (xfs_zero_range(),
 * iomap_zero_range()).  Holes and delalloc read zeros already; what needs
 * it is data mapped past EOF, which a direct write leaves when it fails
 * after some of its pieces reached the device (its size never moved):
 * without the zeroing it would read back once the file grows over it.
 * The zeros go through the page cache and out of place, as any write.
 * (tags mode: not done, as xfs_truncate_page(): blocks are kept whole.)
 */
static int xfs_file_write_zero_eof(struct xfs_inode *ip, loff_t pos)
{
	unsigned int bs = ip->i_mount->m_blocksize;
	loff_t isize = ip->i_vnode.i_size;
	struct xfs_iext_cursor icur;
	struct xfs_bmbt_irec got;
	uint8_t *zeros = NULL;
	int ret = 0;

	if (pos <= isize || ip->i_vnode.i_data.mm->tags)
		return 0;
	for_each_xfs_iext(&ip->i_df, &icur, &got) {
		loff_t start = (loff_t)(got.br_startoff * bs), end = (loff_t)((got.br_startoff + got.br_blockcount) * bs);
		ssize_t n;

		if (end <= isize || start >= pos)
			continue;
		if (start < isize)
			start = isize;
		if (end > pos)
			end = pos;
		if (!zeros && !(zeros = calloc(1, (size_t)(end - start))))
			return -ENOMEM;
		n = xfs_buffered_write_data(ip, start, (size_t)(end - start), false, zeros);
		free(zeros);
		zeros = NULL;
		if (n < 0) {
			ret = (int)n;
			break;
		}
		/* the data fork changed under the cursor: look again from here */
		return ret ? ret : xfs_file_write_zero_eof(ip, pos);
	}
	return ret;
}

static ssize_t xfs_write(struct zw_fs *fs, const char *name, loff_t off, size_t len, bool direct,
			 bool append)
{
	struct xfs_inode *ip;
	ssize_t ret;

	if (MP(fs)->m_shutdown)
		return -EIO;	/* xfs_file_open(), xfs_create(), xfs_file_write_iter(): nothing is made */
	ip = xfs_lookup(MP(fs), name, true);
	if (!ip)
		return -ENOMEM;
	if (append)
		off = ip->i_vnode.i_size;
	ret = xfs_file_write_zero_eof(ip, off);
	if (ret)
		return ret;
	/* xfs_file_write_iter(): O_DIRECT, unless the direct path says fall back (-ENOTBLK) */
	if (direct) {
		ret = xfs_file_dio_write_zoned(ip, off, len, append);
		if (ret != -ENOTBLK)
			return ret;
	}
	return xfs_buffered_write(ip, off, len, true);
}

static ssize_t xfs_read(struct zw_fs *fs, const char *name, loff_t off, size_t len, void *buf)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, false);

	if (MP(fs)->m_shutdown)
		return -EIO;	/* xfs_lookup(), xfs_file_read_iter() */
	return ip ? iomap_file_buffered_read(&ip->i_vnode, off, len, buf) : -ENOENT;
}

static int xfs_truncate(struct zw_fs *fs, const char *name, loff_t size)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, false);
	struct xfs_mount *mp = MP(fs);
	uint64_t from;
	int error;

	if (mp->m_shutdown)
		return -EIO;	/* xfs_lookup(), xfs_vn_change_ok() */
	if (!ip)
		return -ENOENT;
	error = xfs_truncate_page(ip, size);
	if (error)
		return error;
	from = ((uint64_t)size + mp->m_blocksize - 1) / mp->m_blocksize;
	truncate_setsize(&ip->i_vnode, size);
	xfs_ifork_remove(&ip->i_df, from, UINT64_MAX / 2, xfs_zone_free_blocks, mp);
	xfs_ifork_remove(&ip->i_cowfp, from, UINT64_MAX / 2, xfs_delalloc_release, mp);
	if (ip->i_disk_size > size)
		ip->i_disk_size = size;
	return 0;
}

static int xfs_unlink(struct zw_fs *fs, const char *name)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, false);

	if (MP(fs)->m_shutdown)
		return -EIO;	/* xfs_lookup(), xfs_remove() */
	if (!ip)
		return -ENOENT;
	xfs_truncate(fs, name, 0);
	ip->exists = false;
	/*
	 * xfs_fs_evict_inode() drops the inode's cached zone; an unlinked
	 * inode can no longer be written here (its name makes a new inode),
	 * so it goes now.
	 */
	xfs_inode_drop_cached_zone(ip);
	return 0;
}

static int xfs_fsync(struct zw_fs *fs, const char *name)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, false);
	int error;

	if (!ip)
		return MP(fs)->m_shutdown ? -EIO : -ENOENT;	/* xfs_lookup() */
	/* xfs_file_fsync(): the data first, then a shut down file system says -EIO */
	error = vfs_fsync(&ip->i_file);
	return error ? error : ip->i_mount->m_shutdown ? -EIO : 0;
}

static int xfs_sync(struct zw_fs *fs)
{
	struct xfs_mount *mp = MP(fs);
	int ret = 0;

	/* ksys_sync(): the flusher's WB_SYNC_NONE pass, then sync_inodes_sb()'s WB_SYNC_ALL one */
	wakeup_flusher_threads(mp->m_mm);
	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		int err = xfs_writeback_inode(mp->m_inodes[i], WB_SYNC_ALL);

		if (err && !ret)
			ret = err;
	}
	return ret;
}

static int xfs_hint(struct zw_fs *fs, const char *name, enum rw_hint hint)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, true);

	if (!ip)
		return -ENOMEM;
	ip->i_vnode.i_write_hint = (uint8_t)hint;
	return 0;
}

static void xfs_report(struct zw_fs *fs, json_object *files)
{
	struct xfs_mount *mp = MP(fs);
	uint64_t zone_bytes = mp->m_bdev->zone_size << SECTOR_SHIFT;

	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		struct xfs_inode *ip = mp->m_inodes[i];
		struct xfs_iext_cursor icur;
		struct xfs_bmbt_irec got;
		json_object *f, *ext;

		if (!ip->exists)
			continue;
		f = json_object_new_object();
		ext = json_object_new_array();
		for_each_xfs_iext(&ip->i_df, &icur, &got) {
			const struct xfs_bmbt_irec *r = &got;
			uint64_t daddr = r->br_startblock * mp->m_blocksize;
			json_object *e = json_object_new_object();

			json_object_object_add(e, "off", json_object_new_int64((int64_t)(r->br_startoff * mp->m_blocksize)));
			json_object_object_add(e, "len", json_object_new_int64((int64_t)(r->br_blockcount * mp->m_blocksize)));
			json_object_object_add(e, "zone", json_object_new_int64((int64_t)(daddr / zone_bytes)));
			json_object_object_add(e, "zone_off", json_object_new_int64((int64_t)(daddr % zone_bytes)));
			json_object_array_add(ext, e);
		}
		json_object_object_add(f, "size", json_object_new_int64(ip->i_vnode.i_size));
		json_object_object_add(f, "extents", ext);
		json_object_object_add(files, ip->name, f);
	}
}

/* The rmap of the extent's group records exactly this mapping. */
static int xfs_verify_rmap(struct xfs_mount *mp, struct xfs_inode *ip, const struct xfs_bmbt_irec *r,
			   char *err, size_t errlen)
{
	struct xfs_rtgroup *rtg = xfs_rtb_to_rtg(mp, r->br_startblock);
	struct xfs_rmapi_cursor cur;
	struct xfs_rmap_irec rec;

	for (uint64_t b = r->br_startblock; b < r->br_startblock + r->br_blockcount;) {
		if (!rtg || !xfs_rmap_lookup(&rtg->rtg_rmap, b, &cur, &rec) || rec.rm_startblock > b ||
		    rec.rm_owner != ip || rec.rm_offset + (b - rec.rm_startblock) != r->br_startoff +
								       (b - r->br_startblock)) {
			snprintf(err, errlen, "%s: device block %" PRIu64 " is not in the rmap as the file's",
				 ip->name, b);
			return -1;
		}
		b = rec.rm_startblock + rec.rm_blockcount;
	}
	return 0;
}

/* Every mapped block holds the file's own data for that block; the rmap agrees. */
bool xfs_shut_down(struct zw_fs *fs)
{
	return MP(fs)->m_shutdown;
}

static int xfs_verify(struct zw_fs *fs, char *err, size_t errlen)
{
	struct xfs_mount *mp = MP(fs);
	unsigned int bs = mp->m_blocksize;
	void *buf = malloc(bs);

	for (size_t i = 0; buf && i < mp->m_nr_inodes; i++) {
		struct xfs_inode *ip = mp->m_inodes[i];

		struct xfs_iext_cursor icur;
		struct xfs_bmbt_irec got;

		if (!ip->exists)
			continue;
		for_each_xfs_iext(&ip->i_df, &icur, &got) {
			const struct xfs_bmbt_irec *r = &got;

			if (xfs_verify_rmap(mp, ip, r, err, errlen)) {
				free(buf);
				return -1;
			}
			for (uint64_t b = 0; b < r->br_blockcount; b++) {
				struct blk_dio dio;
				uint64_t tag;

				blk_dio_sync(mp->m_bdev, REQ_OP_READ, (r->br_startblock + b) * mp->m_blkbb, bs,
					     buf, 0, &dio);
				if (dio.status || ((!zw_pattern_decode(buf, bs, &tag) ||
				     tag != zw_tag_file(ip->i_vnode.i_ino, r->br_startoff + b)) &&
				    !zw_pattern_partial_ok(buf, bs, (uint64_t[]){ zw_tag_file(ip->i_vnode.i_ino, r->br_startoff + b) }, 1))) {
					snprintf(err, errlen, "%s: block %" PRIu64 " (device block %" PRIu64 ") is not what was written there",
						 ip->name, r->br_startoff + b, r->br_startblock + b);
					free(buf);
					return -1;
				}
			}
		}
	}
	free(buf);
	/* each group's used count: its rmap records, and what was found written at mount */
	for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++) {
		const struct xfs_rtgroup *rtg = &mp->m_rtgroups[g];
		struct xfs_rmapi_cursor cur;
		struct xfs_rmap_irec rec;
		uint64_t sum = rtg->rtg_unowned;

		for (bool ok = xfs_rmap_lookup(&rtg->rtg_rmap, 0, &cur, &rec); ok;
		     ok = xfs_rmap_next(&rtg->rtg_rmap, &cur, &rec))
			sum += rec.rm_blockcount;
		if (sum != rtg->rtg_used) {
			snprintf(err, errlen, "zone %u: %" PRIu64 " blocks used, the rmap holds %" PRIu64,
				 rtg->rtg_zno, rtg->rtg_used, sum);
			return -1;
		}
	}
	return 0;
}

/* stat(2) for `zwsim fs --verify`: inode number and size */
static int xfs_stat(struct zw_fs *fs, const char *name, uint64_t *ino, loff_t *size)
{
	struct xfs_inode *ip = xfs_lookup(MP(fs), name, false);

	if (!ip)
		return -ENOENT;
	*ino = ip->i_vnode.i_ino;
	*size = ip->i_vnode.i_size;
	return 0;
}

static void xfs_unmount(struct zw_fs *fs)
{
	struct xfs_mount *mp = MP(fs);

	for (size_t i = 0; i < mp->m_nr_inodes; i++) {
		xfs_inode_drop_cached_zone(mp->m_inodes[i]);
		inode_release(&mp->m_inodes[i]->i_vnode);
		xfs_iext_destroy(&mp->m_inodes[i]->i_df);
		xfs_iext_destroy(&mp->m_inodes[i]->i_cowfp);
		free(mp->m_inodes[i]);
	}
	while (mp->zi_open_head) {
		struct xfs_open_zone *oz = mp->zi_open_head;

		mp->zi_open_head = oz->oz_next;
		free(oz);
	}
	xfs_zone_gc_unmount(mp);
	for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++)
		xfs_rmap_destroy(&mp->m_rtgroups[g].rtg_rmap);
	free(mp->m_inodes);
	free(mp->m_rtgroups);
	free(mp->m_zone_rgno);
	free(mp);
}

/*
 * The "stats" object of the report: bytes the workload wrote (write(2)),
 * bytes of file data written to the device (writeback and GC), bytes GC
 * moved, zone resets, write amplification (device / user), and the
 * realtime groups by state.
 */
/* Zones by state: free, open (the GC zone included), full, reclaimable, waiting for a reset. */
static void xfs_zone_counts(const struct xfs_mount *mp, int64_t c[5])
{
	memset(c, 0, 5 * sizeof(*c));
	for (unsigned int g = 0; g < mp->m_nr_rtgroups; g++) {
		const struct xfs_rtgroup *rtg = &mp->m_rtgroups[g];

		c[0] += rtg->rtg_state == XFS_RTG_FREE;
		c[1] += rtg->rtg_state == XFS_RTG_OPEN;
		c[2] += rtg->rtg_state == XFS_RTG_FULL;
		c[3] += rtg->rtg_reclaimable;
		c[4] += rtg->rtg_on_reset_list;
	}
}

static const char *const xfs_zone_count_names[5] = { "free", "open", "full", "reclaimable", "reset_pending" };

/* A row of "zones_over_time" when the counts changed: the script operation, virtual time, the counts. */
static void xfs_sample(struct zw_fs *fs, json_object *series, uint64_t op)
{
	struct xfs_mount *mp = MP(fs);
	size_t n = json_object_array_length(series);
	json_object *row, *v;
	int64_t c[5];
	bool same = n > 0;

	xfs_zone_counts(mp, c);
	for (unsigned int i = 0; same && i < 5; i++)
		same = json_object_object_get_ex(json_object_array_get_idx(series, n - 1), xfs_zone_count_names[i], &v) &&
		       json_object_get_int64(v) == c[i];
	if (same)
		return;
	row = json_object_new_object();
	json_object_object_add(row, "op", json_object_new_uint64(op));
	json_object_object_add(row, "t", json_object_new_uint64(mp->m_bdev->loop->now));
	for (unsigned int i = 0; i < 5; i++)
		json_object_object_add(row, xfs_zone_count_names[i], json_object_new_int64(c[i]));
	json_object_array_add(series, row);
}

static void xfs_stats(struct zw_fs *fs, json_object *stats)
{
	struct xfs_mount *mp = MP(fs);
	json_object *zones = json_object_new_object();
	int64_t c[5];

	xfs_zone_counts(mp, c);
	json_object_object_add(stats, "user_bytes", json_object_new_uint64(mp->s_user_bytes));
	json_object_object_add(stats, "device_bytes", json_object_new_uint64(mp->s_device_bytes));
	json_object_object_add(stats, "gc_bytes", json_object_new_uint64(mp->s_gc_bytes));
	json_object_object_add(stats, "zone_resets", json_object_new_uint64(mp->s_zone_resets));
	json_object_object_add(stats, "write_amplification",
			       json_object_new_double(mp->s_user_bytes ?
						      (double)mp->s_device_bytes / (double)mp->s_user_bytes : 0.0));
	for (unsigned int i = 0; i < 5; i++)
		json_object_object_add(zones, xfs_zone_count_names[i], json_object_new_int64(c[i]));
	json_object_object_add(zones, "gc_zone", mp->zi_open_gc_zone ?
			       json_object_new_int64(mp->zi_open_gc_zone->oz_rtg->rtg_zno) : NULL);
	json_object_object_add(stats, "zones", zones);
	json_object_object_add(stats, "free_rtextents", json_object_new_int64(mp->m_free_rtextents));
	json_object_object_add(stats, "free_rtavailable", json_object_new_int64(mp->m_free_rtavailable));
	json_object_object_add(stats, "shutdown", json_object_new_boolean(mp->m_shutdown));
}

const struct zw_fs_ops xfs_zoned_fs_ops = {
	.name = "xfs-zoned",
	.mount = xfs_zoned_mount,
	.unmount = xfs_unmount,
	.open = xfs_open,
	.close = xfs_close,
	.write = xfs_write,
	.read = xfs_read,
	.truncate = xfs_truncate,
	.unlink = xfs_unlink,
	.fsync = xfs_fsync,
	.sync = xfs_sync,
	.hint = xfs_hint,
	.report = xfs_report,
	.stats = xfs_stats,
	.verify = xfs_verify,
	.stat = xfs_stat,
	.shut_down = xfs_shut_down,
	.sample = xfs_sample,
};
