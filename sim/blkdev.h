/* SPDX-License-Identifier: MIT */
/*
 * The block device's own page cache (block/fops.c with iomap): one inode
 * whose size is the device's, mapped 1:1 onto it, written back through
 * iomap with the generic ioend_writeback_submit.
 */
#ifndef ZWSIM_BLKDEV_H
#define ZWSIM_BLKDEV_H

#include "blk.h"
#include "iomap.h"
#include "mm.h"

struct blkdev_file {
	struct inode inode;
	struct file file;
	struct block_device *bdev;
};

void blkdev_file_init(struct blkdev_file *bf, struct block_device *bdev, struct mm_ctx *mm);
void blkdev_file_release(struct blkdev_file *bf);

/* The ops blkdev registers (exported for tests of the mandatory-op rule). */
extern const struct iomap_writeback_ops blkdev_writeback_ops;

/*
 * A synchronous read through the block layer, straight from the device
 * (what filling a page-cache folio does).  0, or a negative errno.
 */
int blkdev_read_sync(struct block_device *bdev, loff_t pos, size_t len, void *buf);

#endif
