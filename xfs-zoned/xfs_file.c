// SPDX-License-Identifier: MIT
/*
 * Direct writes to zoned XFS (fs/xfs/xfs_file.c xfs_file_dio_write_zoned(),
 * xfs_dio_zoned_submit_io(), xfs_dio_write_end_io(); fs/xfs/xfs_iomap.c
 * xfs_zoned_direct_write_iomap_ops; Linux 6.17): space is reserved up
 * front, iomap maps the whole range as one anonymous write, each bio is
 * placed by the zone allocator when it is submitted (the open zone cached
 * across the bios of the write), and the file is remapped where the data
 * landed when each bio completes, through the same ioend completion as
 * writeback.  docs/xfs-zoned.md, docs/direct-io.md.
 */
#include <errno.h>

#include "pattern.h"
#include "xfs_zoned.h"

/*
 * xfs_zoned_direct_write_iomap_begin(): the space is reserved already and
 * blocks are allocated at submission, so the whole range is one mapping
 * with no address.  NOWAIT is refused: allocation may wait.
 */
static int xfs_zoned_direct_write_iomap_begin(struct inode *inode, loff_t offset, loff_t length,
					      unsigned int flags, struct iomap *iomap,
					      struct iomap *srcmap)
{
	struct xfs_inode *ip = inode->i_private;

	(void)srcmap;
	if (flags & IOMAP_NOWAIT)
		return -EAGAIN;
	iomap->type = IOMAP_MAPPED;
	iomap->flags = IOMAP_F_ANON_WRITE;
	iomap->bdev = ip->i_mount->m_bdev;
	iomap->offset = offset;
	iomap->length = (uint64_t)length;
	iomap->addr = 0;
	return 0;
}

static const struct iomap_ops xfs_zoned_direct_write_iomap_ops = {
	.iomap_begin = xfs_zoned_direct_write_iomap_begin,
};

/*
 * xfs_dio_zoned_submit_io(): the bio's blocks come out of the write's
 * reservation (more than reserved is corruption: shut down, fail the bio);
 * the bio becomes a direct ioend completed by xfs_end_bio(), and the zone
 * allocator places and submits it.
 */
static void xfs_dio_zoned_submit_io(const struct iomap_iter *iter, struct bio *bio, loff_t file_offset)
{
	struct xfs_inode *ip = iter->inode->i_private;
	struct xfs_mount *mp = ip->i_mount;
	struct xfs_zone_alloc_ctx *ac = iter->private;
	int64_t count_fsb = (int64_t)((bio->bi_iter.bi_size + mp->m_blocksize - 1) / mp->m_blocksize);
	struct iomap_ioend *ioend;

	if (count_fsb > ac->reserved_blocks) {
		mp->m_shutdown = true;	/* xfs_force_shutdown(SHUTDOWN_CORRUPT_INCORE) */
		bio_io_error(bio);
		return;
	}
	ac->reserved_blocks -= count_fsb;
	bio->bi_end_io = xfs_end_bio;
	ioend = iomap_init_ioend(iter->inode, bio, file_offset, IOMAP_IOEND_DIRECT);
	xfs_zone_alloc_and_submit(ioend, &ac->open_zone);
}

/*
 * xfs_dio_write_end_io() for a zoned inode: the remapping happened as each
 * ioend completed; what is left is the size (xfs_dio_endio_set_isize():
 * i_size and the on-disk size move up to the end of the write, never
 * down).  A shut-down file system fails the write.
 */
static int xfs_dio_write_end_io(struct kiocb *iocb, ssize_t size, int error, unsigned int flags)
{
	struct inode *inode = iocb->ki_filp->f_inode;
	struct xfs_inode *ip = inode->i_private;
	loff_t end = iocb->ki_pos + (loff_t)size;

	(void)flags;
	if (ip->i_mount->m_shutdown)
		return -EIO;
	if (error || !size)
		return error;
	ip->i_mount->s_user_bytes += (uint64_t)size;	/* XFS_STATS_ADD(xs_write_bytes) */
	if (end > inode->i_size)
		inode->i_size = end;
	if (end > ip->i_disk_size)
		ip->i_disk_size = end;	/* xfs_setfilesize() */
	return 0;
}

static const struct iomap_dio_ops xfs_dio_zoned_write_ops = {
	.bio_front_pad = offsetof(struct iomap_ioend, io_bio),	/* iomap_ioend_bioset */
	.submit_io = xfs_dio_zoned_submit_io,
	.end_io = xfs_dio_write_end_io,
};

ssize_t xfs_file_dio_write_zoned(struct xfs_inode *ip, loff_t pos, size_t count, bool append)
{
	struct xfs_mount *mp = ip->i_mount;
	unsigned int bs = mp->m_blocksize;
	struct xfs_zone_alloc_ctx ac = { 0 };
	struct kiocb iocb = {
		.ki_filp = &ip->i_file,
		.ki_pos = pos,
		.ki_flags = IOCB_DIRECT | (append ? IOCB_APPEND : 0),
	};
	struct iov_iter from = {
		.write = true,
		.buf = NULL,	/* the file's own blocks: tag per block */
		.tag = zw_tag_file(ip->i_vnode.i_ino, (uint64_t)pos / bs),
		.count = count,
	};
	int64_t got;
	ssize_t ret;

	if (!count)
		return 0;
	if (mp->m_shutdown)
		return -EIO;	/* xfs_file_write_iter() */
	/*
	 * xfs_file_dio_write(): misaligned to the logical block size is
	 * -EINVAL.  (Misaligned to the file system block only would take the
	 * unaligned path, which a zoned inode bounces to buffered I/O; here
	 * the two sizes are the same.)
	 */
	if (((uint64_t)pos | count) & (mp->m_bdev->lim.logical_block_size - 1))
		return -EINVAL;
	if (((uint64_t)pos | count) & (bs - 1))
		return -ENOTBLK;
	/*
	 * xfs_zoned_write_space_reserve() without XFS_ZR_GREEDY: the count in
	 * blocks, rounded up, plus one for a misaligned start and two for
	 * zeroing around EOF, all of it or -ENOSPC.
	 */
	got = xfs_zoned_space_reserve(mp, (int64_t)((count + bs - 1) / bs) + 1 + 2, false);
	if (got < 0)
		return got;
	ac.reserved_blocks = got;
	ret = iomap_dio_rw(&iocb, &from, &xfs_zoned_direct_write_iomap_ops, &xfs_dio_zoned_write_ops,
			   0, &ac, 0);
	/* xfs_zoned_space_unreserve(): what the bios did not take goes back, and the zone */
	if (ac.reserved_blocks > 0)
		xfs_zoned_space_unreserve(mp, ac.reserved_blocks);
	xfs_open_zone_put(ac.open_zone);
	return ret;
}
