// SPDX-License-Identifier: MIT
/*
 * zonefs file operations (fs/zonefs/file.c): conventional files written
 * through the page cache with zonefs_writeback_range() and the generic
 * ioend_writeback_submit (the regular path of the 6.17 patch), sequential
 * files written only by direct writes at the write pointer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pattern.h"
#include "zonefs.h"

#define SBI(fs) ((struct zonefs_sb_info *)(fs))

static bool zonefs_zone_is_seq(const struct zonefs_zone *z)
{
	return !(z->z_flags & ZONEFS_ZONE_CNV);
}

/* S_IMMUTABLE: zones gone offline or read-only */
static bool zonefs_immutable(const struct zonefs_zone *z)
{
	return z->z_flags & (ZONEFS_ZONE_OFFLINE | ZONEFS_ZONE_READONLY);
}

/* --- conventional files: the page cache and iomap writeback ------------- */

/* zonefs_write_iomap_begin() for a conventional zone: its blocks, in place. */
static void zonefs_cnv_iomap_begin(struct inode *inode, loff_t offset, struct iomap *iomap)
{
	struct zonefs_inode_info *zi = inode->i_private;
	struct zonefs_zone *z = zi->i_zone;

	iomap->offset = offset - offset % (loff_t)zi->i_sbi->s_blocksize;
	iomap->type = IOMAP_MAPPED;
	iomap->flags = 0;
	iomap->addr = (z->z_sector << SECTOR_SHIFT) + (uint64_t)iomap->offset;
	iomap->length = z->z_capacity - (uint64_t)iomap->offset;
	iomap->bdev = zi->i_sbi->bdev;
}

/*
 * The event log's "file_map" for [pos, pos + count) of a file: where its
 * data lives, which in zonefs is always the file's zone at the same offset
 * (zonefs_write_iomap_begin(), zonefs_file_write_dio_end_io()), so zwsim
 * check can see that the data there is the file's (docs/check.md).
 */
static void zonefs_log_map(struct zonefs_inode_info *zi, loff_t pos, uint64_t count)
{
	zw_log_file_map(zi->i_sbi->bdev->log, zi->i_vnode.i_ino, (uint64_t)pos, count,
			zi->i_zone->z_sector + ((uint64_t)pos >> SECTOR_SHIFT), zi->i_sbi->s_blocksize);
}

/* zonefs_writeback_range() */
static ssize_t zonefs_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio,
				      uint64_t offset, unsigned int len, uint64_t end_pos)
{
	if ((loff_t)offset < wpc->iomap.offset ||
	    (loff_t)offset >= wpc->iomap.offset + (loff_t)wpc->iomap.length)
		zonefs_cnv_iomap_begin(wpc->inode, (loff_t)offset, &wpc->iomap);
	zonefs_log_map(wpc->inode->i_private, (loff_t)offset, len);
	return iomap_add_to_ioend(wpc, folio, (loff_t)offset, (loff_t)end_pos, len);
}

static const struct iomap_writeback_ops zonefs_writeback_ops = {
	.writeback_range = zonefs_writeback_range,
	.writeback_submit = ioend_writeback_submit,
};

static int zonefs_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct zonefs_inode_info *zi = mapping->host->i_private;
	struct iomap_writeback_ctx wpc = {
		.inode = mapping->host,
		.wbc = wbc,
		.ops = &zonefs_writeback_ops,
		.bdev = zi->i_sbi->bdev,
	};

	return iomap_writepages(&wpc);
}

static int zonefs_read_range(struct address_space *mapping, struct folio *folio, size_t off,
			     size_t len, void *buf)
{
	struct zonefs_inode_info *zi = mapping->host->i_private;
	struct blk_dio dio;

	blk_dio_sync(zi->i_sbi->bdev, REQ_OP_READ,
		     zi->i_zone->z_sector + ((uint64_t)folio_pos(folio) + off) / SECTOR_SIZE, len,
		     buf, 0, &dio);
	return blk_status_to_errno(dio.status);
}

const struct address_space_operations zonefs_cnv_aops = {
	.writepages = zonefs_writepages,
	.read_range = zonefs_read_range,
};

/* --- open and close: zonefs_seq_file_write_open() / _close() ------------ */

int zonefs_open(struct zw_fs *fs, const char *name)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);
	struct zonefs_sb_info *sbi = SBI(fs);
	struct zonefs_zone *z;
	int ret;

	/* zonefs_lookup(): a name that is no file is -ENOENT, even with O_CREAT */
	if (!zi)
		return -ENOENT;
	z = zi->i_zone;
	/* inode_permission(MAY_WRITE): sb_permission()'s -EROFS, then IS_IMMUTABLE's -EPERM */
	if (sbi->s_rdonly)
		return -EROFS;
	if (zonefs_immutable(z))
		return -EPERM;
	if (zonefs_zone_is_seq(z) && !zi->i_wr_refcnt) {
		unsigned int wro = ++sbi->s_wro_seq_files;

		if (sbi->s_mount_opts & ZONEFS_MNTOPT_EXPLICIT_OPEN) {
			if (sbi->s_max_wro_seq_files && wro > sbi->s_max_wro_seq_files) {
				sbi->s_wro_seq_files--;
				return -EBUSY;
			}
			if ((uint64_t)zi->i_vnode.i_size < z->z_capacity) {
				ret = zonefs_inode_zone_mgmt(zi, REQ_OP_ZONE_OPEN);
				if (ret) {
					sbi->s_wro_seq_files--;
					return ret;
				}
				z->z_flags |= ZONEFS_ZONE_OPEN;
				zonefs_inode_account_active(zi);
			}
		}
	}
	zi->i_wr_refcnt++;
	return 0;
}

int zonefs_close(struct zw_fs *fs, const char *name)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);
	struct zonefs_sb_info *sbi = SBI(fs);
	struct zonefs_zone *z;

	if (!zi || !zi->i_wr_refcnt)
		return -EBADF;
	z = zi->i_zone;
	if (--zi->i_wr_refcnt || !zonefs_zone_is_seq(z))
		return 0;
	/* A zone zonefs opened is closed with the last writer (a reset if nothing was written). */
	if (z->z_flags & ZONEFS_ZONE_OPEN) {
		if (zonefs_inode_zone_mgmt(zi, REQ_OP_ZONE_CLOSE)) {
			zonefs_io_error(zi, false);
			/* Zones left open could exhaust the device: remount read-only. close(2) still succeeds. */
			if ((z->z_flags & ZONEFS_ZONE_OPEN) && !sbi->s_rdonly)
				sbi->s_rdonly = true;
			return 0;
		}
		z->z_flags &= ~ZONEFS_ZONE_OPEN;
		zonefs_inode_account_active(zi);
	}
	sbi->s_wro_seq_files--;
	return 0;
}

/* --- writes ----------------------------------------------------------- */

/* The file data a workload writes: each block carries the file and its block number. */
static uint8_t *file_pattern(unsigned int bs, uint64_t ino, loff_t pos, size_t len, size_t *skip)
{
	uint64_t first = (uint64_t)pos / bs, last = ((uint64_t)pos + len - 1) / bs;
	uint8_t *buf = malloc((size_t)(last - first + 1) * bs);

	if (!buf)
		return NULL;
	for (uint64_t b = first; b <= last; b++)
		zw_pattern_fill(buf + (b - first) * bs, bs, zw_tag_file(ino, b));
	*skip = (size_t)((uint64_t)pos - first * bs);
	return buf;
}

static ssize_t zonefs_file_buffered_write(struct zonefs_inode_info *zi, loff_t pos, size_t count);

/* zonefs_file_dio_write() */
static ssize_t zonefs_file_dio_write(struct zonefs_inode_info *zi, loff_t pos, size_t count)
{
	struct zonefs_sb_info *sbi = zi->i_sbi;
	struct zonefs_zone *z = zi->i_zone;
	struct inode *inode = &zi->i_vnode;
	unsigned int bs = sbi->s_blocksize;
	struct blk_dio dio;
	int ret;

	if (((uint64_t)pos | count) & (bs - 1))
		return -EINVAL;
	/* Sequential files take writes at the write pointer only, moved before the I/O. */
	if (zonefs_zone_is_seq(z)) {
		if ((uint64_t)pos != z->z_wpoffset)
			return -EINVAL;
		z->z_wpoffset += count;
		zonefs_inode_account_active(zi);
	} else {
		/*
		 * iomap_dio_rw() -> kiocb_invalidate_pages(): cached data of a
		 * conventional file reaches the device first, and is dropped,
		 * so that neither its writeback nor a later read undoes this
		 * write.  A failure sends the kernel back to buffered I/O.
		 */
		loff_t end = pos + (loff_t)count - 1;

		if (filemap_write_and_wait_range(&inode->i_data, pos, end) ||
		    invalidate_inode_pages2_range(&inode->i_data, (pgoff_t)pos >> PAGE_SHIFT,
						  (pgoff_t)end >> PAGE_SHIFT))
			return zonefs_file_buffered_write(zi, pos, count);
	}
	blk_dio_sync(sbi->bdev, REQ_OP_WRITE, z->z_sector + ((uint64_t)pos >> SECTOR_SHIFT), count,
		     NULL, zw_tag_file(inode->i_ino, (uint64_t)pos / bs), &dio);
	ret = blk_status_to_errno(dio.status);
	if (ret) {
		/* zonefs_file_write_dio_end_io() on error: the handler makes the file agree with the zone */
		zonefs_io_error(zi, true);
		return ret;
	}
	/* kiocb_invalidate_post_direct_write(): drop what was cached meanwhile */
	(void)invalidate_inode_pages2_range(&inode->i_data, (pgoff_t)pos >> PAGE_SHIFT,
					    (pgoff_t)(pos + (loff_t)count - 1) >> PAGE_SHIFT);
	if (pos + (loff_t)count > inode->i_size)
		inode->i_size = pos + (loff_t)count;
	zonefs_log_map(zi, pos, count);
	/* A file written to its capacity is full: no longer open, nor active. */
	if ((uint64_t)inode->i_size >= z->z_capacity && zonefs_zone_is_seq(z)) {
		z->z_flags &= ~ZONEFS_ZONE_OPEN;
		zonefs_inode_account_active(zi);
	}
	return (ssize_t)count;
}

static ssize_t zonefs_file_buffered_write(struct zonefs_inode_info *zi, loff_t pos, size_t count)
{
	unsigned int bs = zi->i_sbi->s_blocksize;
	size_t skip;
	uint8_t *buf;
	ssize_t ret;

	/* Direct IO writes only for sequential zone files */
	if (zonefs_zone_is_seq(zi->i_zone))
		return -EIO;
	buf = file_pattern(bs, zi->i_vnode.i_ino, pos, count, &skip);
	if (!buf)
		return -ENOMEM;
	ret = iomap_file_buffered_write(&zi->i_vnode, pos, count, buf + skip, 0);
	free(buf);
	if (ret == -EIO)
		zonefs_io_error(zi, true);
	return ret;
}

ssize_t zonefs_write(struct zw_fs *fs, const char *name, loff_t off, size_t len, bool direct,
		     bool append)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);
	struct zonefs_zone *z;

	if (!zi)
		return -ENOENT;
	z = zi->i_zone;
	/* zonefs_file_write_iter() */
	if (zonefs_immutable(z))
		return -EPERM;
	if (zi->i_sbi->s_rdonly)
		return -EROFS;
	if ((uint64_t)off >= z->z_capacity && !append)
		return -EFBIG;
	/* zonefs_write_checks(): O_APPEND means the write pointer, and not on conventional files */
	if (append) {
		if (!zonefs_zone_is_seq(z))
			return -EINVAL;
		off = (loff_t)z->z_wpoffset;
	}
	if ((uint64_t)off >= z->z_capacity)
		return -EFBIG;
	if (len > z->z_capacity - (uint64_t)off)
		len = (size_t)(z->z_capacity - (uint64_t)off);
	if (direct)
		return zonefs_file_dio_write(zi, off, len);
	return zonefs_file_buffered_write(zi, off, len);
}

/*
 * A sequential file's data, read from its zone: the blocks around
 * [off, off + len), as a buffered read(2) does (no alignment asked).  When
 * that read (readahead) fails, each block is read again by itself, as
 * filemap_read() -> filemap_update_page() -> filemap_read_folio() does with
 * the folios readahead left !uptodate: the bytes before the first block
 * that fails again are returned, or -EIO.
 */
static ssize_t zonefs_seq_read(struct zonefs_inode_info *zi, loff_t off, size_t len, void *buf)
{
	unsigned int bs = zi->i_sbi->s_blocksize;
	uint64_t first = (uint64_t)off & ~(uint64_t)(bs - 1);
	uint64_t end = ((uint64_t)off + len + bs - 1) & ~(uint64_t)(bs - 1);
	char *blocks = malloc(end - first);
	sector_t sector = zi->i_zone->z_sector + (first >> SECTOR_SHIFT);
	struct blk_dio dio;
	uint64_t good = end - first;
	ssize_t ret;

	if (!blocks)
		return -ENOMEM;
	blk_dio_sync(zi->i_sbi->bdev, REQ_OP_READ, sector, (size_t)(end - first), blocks, 0, &dio);
	if (dio.status) {
		for (good = 0; good < end - first; good += bs) {
			blk_dio_sync(zi->i_sbi->bdev, REQ_OP_READ, sector + (good >> SECTOR_SHIFT), bs,
				     blocks + good, 0, &dio);
			if (dio.status)
				break;
		}
	}
	/* bytes of [off, off + len) in the blocks read */
	good = good > (uint64_t)off - first ? good - ((uint64_t)off - first) : 0;
	if (good > len)
		good = len;
	memcpy(buf, blocks + ((uint64_t)off - first), (size_t)good);
	ret = good ? (ssize_t)good : blk_status_to_errno(dio.status);
	free(blocks);
	return ret;
}

/* zonefs_file_read_iter(), for read(2) without O_DIRECT */
ssize_t zonefs_read(struct zw_fs *fs, const char *name, loff_t off, size_t len, void *buf)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);
	struct zonefs_zone *z;
	ssize_t ret;

	if (!zi)
		return -ENOENT;
	z = zi->i_zone;
	/* Offline zones cannot be read */
	if (zonefs_immutable(z) && !(z->z_mode & 0777))
		return -EPERM;
	if (off >= zi->i_vnode.i_size)
		return 0;
	if ((loff_t)len > zi->i_vnode.i_size - off)
		len = (size_t)(zi->i_vnode.i_size - off);
	if (!zonefs_zone_is_seq(z))
		ret = iomap_file_buffered_read(&zi->i_vnode, off, len, buf);
	else
		ret = zonefs_seq_read(zi, off, len, buf);
	/* generic_file_read_iter() failing with -EIO: the zone may have gone bad */
	if (ret == -EIO)
		zonefs_io_error(zi, false);
	return ret;
}

/* zonefs_file_truncate(): to 0 resets the zone, to the capacity finishes it; nothing else. */
int zonefs_truncate(struct zw_fs *fs, const char *name, loff_t size)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);
	struct zonefs_zone *z;
	enum req_op op;
	int ret;

	if (!zi)
		return -ENOENT;
	z = zi->i_zone;
	/* vfs_truncate(): mnt_want_write()'s -EROFS first; zonefs_inode_setattr(): IS_IMMUTABLE */
	if (zi->i_sbi->s_rdonly)
		return -EROFS;
	if (zonefs_immutable(z))
		return -EPERM;
	/* setattr_prepare() -> inode_newsize_ok(): growing past s_maxbytes */
	if (size > zi->i_vnode.i_size && (uint64_t)size > zi->i_sbi->s_maxbytes)
		return -EFBIG;
	if (!zonefs_zone_is_seq(z))
		return -EPERM;
	if (!size)
		op = REQ_OP_ZONE_RESET;
	else if ((uint64_t)size == z->z_capacity)
		op = REQ_OP_ZONE_FINISH;
	else
		return -EPERM;
	if (size == zi->i_vnode.i_size)
		return 0;
	ret = zonefs_inode_zone_mgmt(zi, op);
	if (ret)
		return ret;
	/* An explicitly opened zone reset stays open for writing; a finished one is closed. */
	if (z->z_flags & ZONEFS_ZONE_OPEN) {
		if (!size)
			ret = zonefs_inode_zone_mgmt(zi, REQ_OP_ZONE_OPEN);
		else
			z->z_flags &= ~ZONEFS_ZONE_OPEN;
	}
	truncate_setsize(&zi->i_vnode, size);
	z->z_wpoffset = (uint64_t)size;
	zonefs_inode_account_active(zi);
	return ret;
}

/* do_unlinkat(): mnt_want_write()'s -EROFS, the lookup, then no ->unlink: -EPERM */
int zonefs_unlink(struct zw_fs *fs, const char *name)
{
	if (SBI(fs)->s_rdonly)
		return -EROFS;
	return zonefs_lookup(SBI(fs), name) ? -EPERM : -ENOENT;
}

/* zonefs_file_fsync(): a conventional file's dirty data, then a device cache flush. */
int zonefs_fsync(struct zw_fs *fs, const char *name)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);
	struct blk_dio dio;
	int ret = 0;

	if (!zi)
		return -ENOENT;
	if (zonefs_immutable(zi->i_zone))
		return -EPERM;
	if (!zonefs_zone_is_seq(zi->i_zone))
		ret = vfs_fsync(&zi->i_file);
	if (!ret) {
		blk_dio_sync(zi->i_sbi->bdev, REQ_OP_FLUSH, 0, 0, NULL, 0, &dio);
		ret = blk_status_to_errno(dio.status);
	}
	if (ret)
		zonefs_io_error(zi, true);
	return ret;
}

int zonefs_sync(struct zw_fs *fs)
{
	struct zonefs_sb_info *sbi = SBI(fs);
	struct blk_dio dio;
	int ret = 0;

	/* ksys_sync(): the flusher's WB_SYNC_NONE pass, then sync_inodes_sb()'s WB_SYNC_ALL one */
	wakeup_flusher_threads(sbi->mm);
	for (unsigned int i = 0; i < sbi->nr_files; i++) {
		struct writeback_control wbc = {
			.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
		};
		int err = do_writepages(&sbi->inodes[i].i_vnode.i_data, &wbc);

		if (err && !ret)
			ret = err;
	}
	sim_run(sbi->bdev->loop);
	blk_dio_sync(sbi->bdev, REQ_OP_FLUSH, 0, 0, NULL, 0, &dio);
	return ret ? ret : blk_status_to_errno(dio.status);
}

int zonefs_hint(struct zw_fs *fs, const char *name, enum rw_hint hint)
{
	struct zonefs_inode_info *zi = zonefs_lookup(SBI(fs), name);

	if (!zi)
		return -ENOENT;
	zi->i_vnode.i_write_hint = (uint8_t)hint;	/* F_SET_RW_HINT; zonefs places nothing by it */
	return 0;
}
