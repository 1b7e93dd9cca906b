// SPDX-License-Identifier: MIT
/* block/fops.c: the block device's page cache, written back through iomap. */
#include "blkdev.h"

#include <errno.h>
#include <string.h>

struct sync_bio {
	bool done;
	blk_status_t status;
};

static void sync_bio_end_io(struct bio *bio)
{
	struct sync_bio *s = bio->bi_private;

	s->done = true;
	s->status = bio->bi_status;
	bio_put(bio);
}

int blkdev_read_sync(struct block_device *bdev, loff_t pos, size_t len, void *buf)
{
	struct bio *bio = bio_alloc(bdev, 1, REQ_OP_READ, REQ_SYNC);
	struct sync_bio s = { 0 };

	if (!bio)
		return -ENOMEM;
	bio->bi_iter.bi_sector = (sector_t)pos >> SECTOR_SHIFT;
	bio_add_data(bio, buf, 0, (uint32_t)len, NULL, 0);
	bio->bi_end_io = sync_bio_end_io;
	bio->bi_private = &s;
	submit_bio(bio);
	while (!s.done && sim_run_one(bdev->loop))
		;
	return s.done ? blk_status_to_errno(s.status) : -EIO;
}

/* blkdev_iomap_begin(): the device is its own mapping, from @offset to its end. */
static void blkdev_iomap_begin(struct inode *inode, loff_t offset, struct iomap *iomap)
{
	struct block_device *bdev = inode->i_private;

	iomap->bdev = bdev;
	iomap->offset = offset - offset % (loff_t)bdev->lim.logical_block_size;
	iomap->type = IOMAP_MAPPED;
	iomap->addr = (uint64_t)iomap->offset;
	iomap->length = (uint64_t)(inode->i_size - iomap->offset);
	iomap->flags = 0;
}

/* blkdev_writeback_range() */
static ssize_t blkdev_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio,
				      uint64_t offset, unsigned int len, uint64_t end_pos)
{
	loff_t isize = wpc->inode->i_size;

	if ((loff_t)offset >= isize)
		return -EIO;	/* WARN_ON_ONCE */
	if ((loff_t)offset < wpc->iomap.offset ||
	    (loff_t)offset >= wpc->iomap.offset + (loff_t)wpc->iomap.length)
		blkdev_iomap_begin(wpc->inode, (loff_t)offset, &wpc->iomap);
	return iomap_add_to_ioend(wpc, folio, (loff_t)offset, (loff_t)end_pos, len);
}

const struct iomap_writeback_ops blkdev_writeback_ops = {
	.writeback_range = blkdev_writeback_range,
	.writeback_submit = ioend_writeback_submit,
};

static int blkdev_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct iomap_writeback_ctx wpc = {
		.inode = mapping->host,
		.wbc = wbc,
		.ops = &blkdev_writeback_ops,
		.bdev = mapping->host->i_private,
	};

	return iomap_writepages(&wpc);
}

static int blkdev_read_range(struct address_space *mapping, struct folio *folio, size_t off,
			     size_t len, void *buf)
{
	return blkdev_read_sync(mapping->host->i_private, folio_pos(folio) + (loff_t)off, len, buf);
}

static const struct address_space_operations blkdev_aops = {
	.writepages = blkdev_writepages,
	.read_range = blkdev_read_range,
};

void blkdev_file_init(struct blkdev_file *bf, struct block_device *bdev, struct mm_ctx *mm)
{
	memset(bf, 0, sizeof(*bf));
	bf->bdev = bdev;
	inode_init(&bf->inode, mm, 1, (unsigned int)__builtin_ctz(bdev->lim.logical_block_size),
		   &blkdev_aops);
	bf->inode.i_private = bdev;
	bf->inode.i_size = (loff_t)(bdev->dev->geo.capacity << SECTOR_SHIFT);
	file_open(&bf->file, &bf->inode);
}

void blkdev_file_release(struct blkdev_file *bf)
{
	inode_release(&bf->inode);
}
