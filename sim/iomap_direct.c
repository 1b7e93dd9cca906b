// SPDX-License-Identifier: MIT
/*
 * Direct I/O through iomap (fs/iomap/direct-io.c, Linux 6.17), synchronous
 * only: the range is walked through the file system's ->iomap_begin /
 * ->iomap_end, each mapping becomes bios of at most BIO_MAX_VECS pages
 * (iomap_dio_bio_iter()), which go to the file system's ->submit_io or to
 * submit_bio(); the caller waits for the last one by running the
 * simulation and then completes the dio once (iomap_dio_complete()).
 * docs/direct-io.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blk.h"
#include "iomap.h"
#include "log.h"

/* A bio holds at most BIO_MAX_VECS pages of the caller's buffer (bio_iov_vecs_to_alloc()). */
#define DIO_MAX_BIO_BYTES	((uint64_t)BIO_MAX_VECS * PAGE_SIZE)

static uint64_t dio_next_id;

/* iomap_dio_set_error(): the first error stays. */
static void iomap_dio_set_error(struct iomap_dio *dio, int error)
{
	if (!dio->error)
		dio->error = error;
}

/* iomap_length(): what of the range the current mapping covers. */
static uint64_t iomap_iter_length(const struct iomap_iter *iter)
{
	uint64_t end = (uint64_t)(iter->iomap.offset - iter->pos) + iter->iomap.length;

	return end < iter->len ? end : iter->len;
}

void iomap_dio_bio_end_io(struct bio *bio)
{
	struct iomap_dio *dio = bio->bi_private;

	if (bio->bi_status)
		iomap_dio_set_error(dio, blk_status_to_errno(bio->bi_status));
	dio->ref--;	/* the waiter sees 0 and completes the dio (iomap_dio_done()) */
	bio_put(bio);
}

uint32_t iomap_finish_ioend_direct(struct iomap_ioend *ioend)
{
	struct iomap_dio *dio = ioend->io_bio.bi_private;
	uint32_t vecs = ioend->io_bio.bi_vcnt;

	if (ioend->io_error)
		iomap_dio_set_error(dio, ioend->io_error);
	dio->ref--;
	bio_put(&ioend->io_bio);
	return vecs;
}

/* iomap_dio_submit_bio(): one more bio in flight; the file system's submission if it has one. */
static void iomap_dio_submit_bio(const struct iomap_iter *iter, struct iomap_dio *dio,
				 struct bio *bio, loff_t pos)
{
	dio->ref++;
	if (dio->dops && dio->dops->submit_io)
		dio->dops->submit_io(iter, bio, pos);
	else
		/*
		 * An anonymous write has no sector here: the kernel warns
		 * (WARN_ON_ONCE) and the block layer refuses the bio.
		 */
		submit_bio(bio);
}

/* The caller's buffer at its current position, as a segment: bytes or the next block's tag. */
static void iov_iter_segment(const struct iov_iter *iter, unsigned int lbs, void **data,
			     uint64_t *tag)
{
	*data = iter->buf ? (char *)iter->buf + iter->done : NULL;
	*tag = iter->tag + iter->done / lbs;
}

static void iov_iter_advance(struct iov_iter *iter, size_t n)
{
	iter->done += n;
	iter->count -= n;
}

/*
 * iomap_dio_bio_iter(): bios for the part of the range this mapping
 * covers, each at the mapping's sector for its position (none for an
 * anonymous write: ->submit_io places it).  Position and length must be
 * aligned to the logical block size (the file system block size with
 * IOMAP_DIO_FSBLOCK_ALIGNED), else -EINVAL.  Returns the bytes submitted,
 * 0 when an earlier bio already failed, or -errno.
 */
static int64_t iomap_dio_bio_iter(struct iomap_iter *iter, struct iomap_dio *dio)
{
	const struct iomap *iomap = &iter->iomap;
	struct inode *inode = iter->inode;
	unsigned int lbs = iomap->bdev->lim.logical_block_size;
	unsigned int alignment = dio->flags & IOMAP_DIO_FSBLOCK_ALIGNED ? i_blocksize(inode) : lbs;
	uint64_t length = iomap_iter_length(iter), copied = 0;
	bool write = dio->flags & IOMAP_DIO_WRITE;
	loff_t pos = iter->pos;

	if (((uint64_t)pos | length) & (alignment - 1))
		return -EINVAL;
	if (write && iomap->type == IOMAP_UNWRITTEN)
		dio->flags |= IOMAP_DIO_UNWRITTEN;
	if (write && (iomap->flags & IOMAP_F_SHARED))
		dio->flags |= IOMAP_DIO_COW;
	while (copied < length) {
		uint64_t n = length - copied < DIO_MAX_BIO_BYTES ? length - copied : DIO_MAX_BIO_BYTES;
		struct bio *bio;
		void *data;
		uint64_t tag;

		/* A bio already failed (its completion ran while we submitted): stop here. */
		if (dio->error)
			return 0;
		bio = bio_alloc_bioset(iomap->bdev, 1, write ? REQ_OP_WRITE : REQ_OP_READ, REQ_SYNC,
				       dio->dops ? dio->dops->bio_front_pad : 0);
		if (!bio)
			return copied ? (int64_t)copied : -ENOMEM;
		bio->bi_iter.bi_sector = iomap_sector(iomap, pos);
		bio->bi_write_hint = inode->i_write_hint;
		bio->bi_private = dio;
		bio->bi_end_io = iomap_dio_bio_end_io;
		bio->bi_flags |= BIO_DIO;
		iov_iter_segment(dio->iter, lbs, &data, &tag);
		bio_add_data(bio, data, tag, (uint32_t)n, NULL, 0);
		iov_iter_advance(dio->iter, (size_t)n);
		dio->size += (loff_t)n;
		copied += n;
		iomap_dio_submit_bio(iter, dio, bio, pos);
		pos += (loff_t)n;
	}
	return (int64_t)copied;
}

/* iomap_dio_hole_iter(): a read of a hole (or unwritten extent) is zeros. */
static int64_t iomap_dio_hole_iter(struct iomap_iter *iter, struct iomap_dio *dio)
{
	uint64_t length = iomap_iter_length(iter);

	if (!dio->iter->buf)
		return -EFAULT;
	memset((char *)dio->iter->buf + dio->iter->done, 0, (size_t)length);
	iov_iter_advance(dio->iter, (size_t)length);
	dio->size += (loff_t)length;
	return (int64_t)length;
}

/* iomap_dio_iter(): by mapping type. */
static int64_t iomap_dio_iter(struct iomap_iter *iter, struct iomap_dio *dio)
{
	bool write = dio->flags & IOMAP_DIO_WRITE;

	switch (iter->iomap.type) {
	case IOMAP_HOLE:
		return write ? -EIO : iomap_dio_hole_iter(iter, dio);	/* a write: WARN_ON_ONCE */
	case IOMAP_UNWRITTEN:
		return write ? iomap_dio_bio_iter(iter, dio) : iomap_dio_hole_iter(iter, dio);
	case IOMAP_MAPPED:
		return iomap_dio_bio_iter(iter, dio);
	case IOMAP_DELALLOC:
		/* "Direct I/O collision with buffered writes!" */
		return -EIO;
	default:
		/* inline data is not modelled; anything else is a WARN_ON_ONCE */
		return -EIO;
	}
}

/*
 * kiocb_invalidate_pages(): write back and drop the cached range before a
 * direct write.  A failure of either is the caller's cue to fall back to
 * buffered I/O (-ENOTBLK in __iomap_dio_rw()).
 */
static int kiocb_invalidate_pages(struct kiocb *iocb, size_t count)
{
	struct address_space *mapping = &iocb->ki_filp->f_inode->i_data;
	loff_t end = iocb->ki_pos + (loff_t)count - 1;
	int ret = filemap_write_and_wait_range(mapping, iocb->ki_pos, end);

	if (ret)
		return ret;
	return invalidate_inode_pages2_range(mapping, (pgoff_t)iocb->ki_pos >> PAGE_SHIFT,
					     (pgoff_t)end >> PAGE_SHIFT);
}

/*
 * kiocb_invalidate_post_direct_write(): drop what was cached meanwhile
 * (readahead, mmap); a failure only warns in the kernel
 * (dio_warn_stale_pagecache()).
 */
static void kiocb_invalidate_post_direct_write(struct kiocb *iocb, size_t count)
{
	struct address_space *mapping = &iocb->ki_filp->f_inode->i_data;

	(void)invalidate_inode_pages2_range(mapping, (pgoff_t)iocb->ki_pos >> PAGE_SHIFT,
					    (pgoff_t)(iocb->ki_pos + (loff_t)count - 1) >> PAGE_SHIFT);
}

static void iomap_dio_log_end(struct iomap_dio *dio, struct inode *inode, loff_t pos, int64_t ret)
{
	zw_log_dio(inode->i_data.mm->log, "dio_end", inode, dio->id, dio->flags & IOMAP_DIO_WRITE,
		   pos, (uint64_t)dio->size, &ret);
}

/*
 * iomap_dio_complete(): ->end_io once, with the bytes put in bios and the
 * first error; the call returns that error, or the size (a read cut at the
 * size the file had at issue).  Only a write that fully succeeded drops
 * the cache again.
 */
static ssize_t iomap_dio_complete(struct iomap_dio *dio, size_t done_before)
{
	const struct iomap_dio_ops *dops = dio->dops;
	struct kiocb *iocb = dio->iocb;
	struct inode *inode = iocb->ki_filp->f_inode;
	loff_t offset = iocb->ki_pos;
	ssize_t ret = dio->error;

	if (dops && dops->end_io)
		ret = dops->end_io(iocb, (ssize_t)dio->size, (int)ret, dio->flags);
	if (!ret) {
		ret = (ssize_t)dio->size;
		if (offset + ret > dio->i_size && !(dio->flags & IOMAP_DIO_WRITE))
			ret = (ssize_t)(dio->i_size - offset);
	}
	if (!dio->error && dio->size && (dio->flags & IOMAP_DIO_WRITE))
		kiocb_invalidate_post_direct_write(iocb, (size_t)dio->size);
	iomap_dio_log_end(dio, inode, offset, ret);
	if (ret > 0) {
		iocb->ki_pos += ret;
		ret += (ssize_t)done_before;
	}
	free(dio);
	return ret;
}

ssize_t iomap_dio_rw(struct kiocb *iocb, struct iov_iter *iter, const struct iomap_ops *ops,
		     const struct iomap_dio_ops *dops, unsigned int dio_flags, void *private,
		     size_t done_before)
{
	struct inode *inode = iocb->ki_filp->f_inode;
	struct sim_loop *loop = inode->i_data.mm->loop;
	struct iomap_iter it = {
		.inode = inode,
		.pos = iocb->ki_pos,
		.len = iter->count,
		.flags = IOMAP_DIRECT,
		.private = private,
	};
	struct iomap_dio *dio;
	int64_t ret = 0;

	if (!it.len)
		return 0;
	dio = calloc(1, sizeof(*dio));
	if (!dio)
		return -ENOMEM;
	dio->iocb = iocb;
	dio->iter = iter;
	dio->ref = 1;
	dio->i_size = inode->i_size;
	dio->dops = dops;
	dio->id = ++dio_next_id;
	if (dio_flags & IOMAP_DIO_FSBLOCK_ALIGNED)
		dio->flags |= IOMAP_DIO_FSBLOCK_ALIGNED;
	if (iocb->ki_flags & IOCB_NOWAIT)
		it.flags |= IOMAP_NOWAIT;
	zw_log_dio(inode->i_data.mm->log, "dio_submit", inode, dio->id, iter->write, it.pos, it.len,
		   NULL);

	if (!iter->write) {
		/* nothing to read at or past EOF */
		if (it.pos >= dio->i_size)
			goto out_free;
		/* kiocb_write_and_wait(): what is dirty in the range reaches storage first */
		ret = filemap_write_and_wait_range(&inode->i_data, it.pos, it.pos + (loff_t)it.len - 1);
		if (ret)
			goto out_free;
	} else {
		it.flags |= IOMAP_WRITE;
		dio->flags |= IOMAP_DIO_WRITE;
		if (dio_flags & IOMAP_DIO_OVERWRITE_ONLY) {
			ret = -EAGAIN;
			if (it.pos >= dio->i_size || it.pos + (loff_t)it.len > dio->i_size)
				goto out_free;
			it.flags |= IOMAP_OVERWRITE_ONLY;
		}
		ret = kiocb_invalidate_pages(iocb, it.len);
		if (ret) {
			/* fall back to buffered I/O */
			if (ret != -EAGAIN)
				ret = -ENOTBLK;
			goto out_free;
		}
	}

	/* iomap_iter(): map, do the part the mapping covers, ->iomap_end, on */
	while (it.len) {
		int64_t processed;
		uint64_t length;

		memset(&it.iomap, 0, sizeof(it.iomap));
		memset(&it.srcmap, 0, sizeof(it.srcmap));
		ret = ops->iomap_begin(inode, it.pos, (loff_t)it.len, it.flags, &it.iomap, &it.srcmap);
		if (ret)
			break;
		/* a mapping that does not cover the position is a file system bug (WARN_ON_ONCE) */
		if (it.iomap.offset > it.pos || !it.iomap.length || !it.iomap.bdev ||
		    it.iomap.offset + (loff_t)it.iomap.length <= it.pos) {
			ret = -EIO;
			break;
		}
		length = iomap_iter_length(&it);
		processed = iomap_dio_iter(&it, dio);
		if (ops->iomap_end) {
			int err = ops->iomap_end(inode, it.pos, (loff_t)length,
						 processed > 0 ? processed : 0, it.flags, &it.iomap);

			if (err && processed >= 0)
				processed = err;
		}
		if (processed <= 0) {
			ret = processed;
			break;
		}
		it.pos += processed;
		it.len -= (uint64_t)processed;
	}
	/* -ENOTBLK from ->iomap_begin: the caller goes on with buffered I/O after what is done */
	if (ret == -ENOTBLK)
		ret = 0;
	if (ret < 0)
		iomap_dio_set_error(dio, (int)ret);

	/* Drop the submission reference and wait for the bios (wait_for_completion). */
	dio->ref--;
	while (dio->ref > 0 && sim_run_one(loop))
		;
	if (dio->ref > 0)
		iomap_dio_set_error(dio, -EIO);	/* internal: the I/O never completed */
	return iomap_dio_complete(dio, done_before);

out_free:
	iomap_dio_log_end(dio, inode, it.pos, ret);
	free(dio);
	return (ssize_t)ret;
}
