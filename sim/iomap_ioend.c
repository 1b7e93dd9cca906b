// SPDX-License-Identifier: MIT
/*
 * ioends: building them from folio ranges (iomap_add_to_ioend()), the
 * generic submission (ioend_writeback_submit()), completion, and the
 * helpers file systems use at completion time: finishing chains, sorting
 * and merging, splitting (fs/iomap/ioend.c, buffered-io.c; Linux 6.17).
 */
#include <errno.h>
#include <stdlib.h>

#include "blk.h"
#include "iomap.h"
#include "log.h"

struct iomap_ioend *iomap_init_ioend(struct inode *inode, struct bio *bio, loff_t file_offset,
				     uint16_t ioend_flags)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);

	ioend->io_next = NULL;
	ioend->io_flags = ioend_flags;
	ioend->io_inode = inode;
	ioend->io_remaining = 1;
	ioend->io_error = 0;
	ioend->io_parent = NULL;
	ioend->io_size = bio->bi_iter.bi_size;
	ioend->io_offset = file_offset;
	ioend->io_sector = bio->bi_iter.bi_sector;
	ioend->io_private = NULL;
	return ioend;
}

static struct iomap_ioend *iomap_alloc_ioend(struct iomap_writeback_ctx *wpc, loff_t pos,
					     uint16_t ioend_flags)
{
	uint32_t opf = wpc->wbc->sync_mode == WB_SYNC_ALL ? REQ_SYNC : 0;
	struct bio *bio = bio_alloc_bioset(wpc->bdev, BIO_MAX_VECS, REQ_OP_WRITE, opf,
					   offsetof(struct iomap_ioend, io_bio));

	if (!bio)
		return NULL;
	bio->bi_iter.bi_sector = iomap_sector(&wpc->iomap, pos);
	bio->bi_write_hint = wpc->inode->i_write_hint;
	wpc->nr_folios = 0;
	return iomap_init_ioend(wpc->inode, bio, pos, ioend_flags);
}

/* iomap_can_add_to_ioend(): every reason to start a new ioend is here. */
static bool iomap_can_add_to_ioend(struct iomap_writeback_ctx *wpc, loff_t pos,
				   uint16_t ioend_flags)
{
	struct iomap_ioend *ioend = wpc->wb_ctx;

	if (ioend_flags & IOMAP_IOEND_BOUNDARY)
		return false;
	if ((ioend_flags & IOMAP_IOEND_NOMERGE_FLAGS) !=
	    (ioend->io_flags & IOMAP_IOEND_NOMERGE_FLAGS))
		return false;
	if (pos != ioend->io_offset + (loff_t)ioend->io_size)
		return false;
	/* An anonymous write has no disk address yet: only file contiguity matters. */
	if (!(wpc->iomap.flags & IOMAP_F_ANON_WRITE) &&
	    iomap_sector(&wpc->iomap, pos) != bio_end_sector(&ioend->io_bio))
		return false;
	/* Bound the folios one completion ends, for completion latency. */
	if (wpc->nr_folios >= IOEND_BATCH_SIZE)
		return false;
	return true;
}

ssize_t iomap_add_to_ioend(struct iomap_writeback_ctx *wpc, struct folio *folio, loff_t pos,
			   loff_t end_pos, unsigned int dirty_len)
{
	struct iomap_ioend *ioend = wpc->wb_ctx;
	struct iomap_folio_state *ifs = folio->private;
	size_t poff = (size_t)(pos - folio_pos(folio));
	uint16_t ioend_flags = 0;
	uint64_t left = (uint64_t)(wpc->iomap.offset + (loff_t)wpc->iomap.length - pos);
	unsigned int map_len = dirty_len < left ? dirty_len : (unsigned int)left;
	int error;

	switch (wpc->iomap.type) {
	case IOMAP_INLINE:
		return -EIO;	/* WARN_ON_ONCE in the kernel */
	case IOMAP_HOLE:
		return map_len;
	default:
		break;
	}
	if (wpc->iomap.type == IOMAP_UNWRITTEN)
		ioend_flags |= IOMAP_IOEND_UNWRITTEN;
	if (wpc->iomap.flags & IOMAP_F_SHARED)
		ioend_flags |= IOMAP_IOEND_SHARED;
	if (pos == wpc->iomap.offset && (wpc->iomap.flags & IOMAP_F_BOUNDARY))
		ioend_flags |= IOMAP_IOEND_BOUNDARY;

	if (!ioend || !iomap_can_add_to_ioend(wpc, pos, ioend_flags)) {
new_ioend:
		if (ioend) {
			error = wpc->ops->writeback_submit(wpc, 0);
			if (error) {
				/*
				 * The kernel leaves wb_ctx on the ioend its
				 * ->writeback_submit already ended, and
				 * iomap_writepages() would submit it again.
				 * zwsim's choice: the context is consumed.
				 */
				wpc->wb_ctx = NULL;
				return error;
			}
		}
		wpc->wb_ctx = ioend = iomap_alloc_ioend(wpc, pos, ioend_flags);
		if (!ioend)
			return -ENOMEM;
	}
	if (!bio_add_folio(&ioend->io_bio, folio, map_len, poff))
		goto new_ioend;
	if (ifs)
		ifs->write_bytes_pending += map_len;
	ioend->io_size += map_len;
	/* An ioend ends at EOF even when its bio carries the rest of the folio. */
	if (ioend->io_offset + (loff_t)ioend->io_size > end_pos)
		ioend->io_size = (size_t)(end_pos - ioend->io_offset);
	return map_len;
}

int ioend_writeback_submit(struct iomap_writeback_ctx *wpc, int error)
{
	struct iomap_ioend *ioend = wpc->wb_ctx;

	if (!ioend->io_bio.bi_end_io)
		ioend->io_bio.bi_end_io = ioend_writeback_end_bio;
	/* The generic path cannot place anonymous writes (WARN_ON_ONCE). */
	if (wpc->iomap.flags & IOMAP_F_ANON_WRITE)
		error = -EIO;
	zw_log_ioend(wpc->inode->i_data.mm->log, "ioend_submit", ioend, wpc->nr_folios, error);
	if (error) {
		/* Cannot cancel: complete it with the error, so writeback ends and the error is recorded. */
		ioend->io_bio.bi_status = errno_to_blk_status(error);
		bio_endio(&ioend->io_bio);
		return error;
	}
	submit_bio(&ioend->io_bio);
	return 0;
}

void iomap_finish_folio_write(struct inode *inode, struct folio *folio)
{
	zw_log_folio(inode->i_data.mm->log, "folio_writeback_end", inode, folio);
	folio_end_writeback(folio);
}

/* A folio segment completed: end writeback when every byte of the folio has. */
static void iomap_finish_folio_range(struct inode *inode, struct folio *folio, size_t len)
{
	struct iomap_folio_state *ifs = folio->private;

	if (ifs) {
		ifs->write_bytes_pending -= (unsigned int)len;
		if (ifs->write_bytes_pending)
			return;
	}
	iomap_finish_folio_write(inode, folio);
}

/* iomap_finish_ioend_buffered(): ends writeback on every folio of the bio; frees the ioend. */
static uint32_t iomap_finish_ioend_buffered(struct iomap_ioend *ioend)
{
	struct inode *inode = ioend->io_inode;
	struct bio *bio = &ioend->io_bio;
	uint32_t folios = 0;

	if (ioend->io_error) {
		mapping_set_error(&inode->i_data, ioend->io_error);
		zw_log_wb_error(inode->i_data.mm->log, inode, ioend->io_offset, ioend->io_error);
	}
	/* bio_for_each_folio_all(): the whole segment table, whatever splitting did */
	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		iomap_finish_folio_range(inode, bio->bi_io_vec[i].bv_folio, bio->bi_io_vec[i].bv_len);
		folios++;
	}
	bio_put(bio);
	return folios;
}

void ioend_writeback_end_bio(struct bio *bio)
{
	struct iomap_ioend *ioend = iomap_ioend_from_bio(bio);

	ioend->io_error = blk_status_to_errno(bio->bi_status);
	iomap_finish_ioend_buffered(ioend);
}

/* iomap_finish_ioend(): a split child hands its error to the parent, which finishes last. */
static uint32_t iomap_finish_ioend(struct iomap_ioend *ioend, int error)
{
	if (ioend->io_parent) {
		struct bio *bio = &ioend->io_bio;

		ioend = ioend->io_parent;
		bio_put(bio);
	}
	if (error && !ioend->io_error)
		ioend->io_error = error;
	if (--ioend->io_remaining)
		return 0;
	if (ioend->io_flags & IOMAP_IOEND_DIRECT)
		return iomap_finish_ioend_direct(ioend);
	return iomap_finish_ioend_buffered(ioend);
}

uint32_t iomap_finish_ioends(struct iomap_ioend *ioend, int error)
{
	uint32_t completions = 0;

	while (ioend) {
		struct iomap_ioend *next = ioend->io_next;

		ioend->io_next = NULL;
		completions += iomap_finish_ioend(ioend, error);
		ioend = next;
	}
	return completions;
}

/* iomap_ioend_can_merge() */
static bool iomap_ioend_can_merge(const struct iomap_ioend *ioend, const struct iomap_ioend *next)
{
	if (ioend->io_bio.bi_status != next->io_bio.bi_status)
		return false;
	if (next->io_flags & IOMAP_IOEND_BOUNDARY)
		return false;
	if ((ioend->io_flags & IOMAP_IOEND_NOMERGE_FLAGS) !=
	    (next->io_flags & IOMAP_IOEND_NOMERGE_FLAGS))
		return false;
	if (ioend->io_offset + (loff_t)ioend->io_size != next->io_offset)
		return false;
	/*
	 * Only merge what is contiguous on disk as well.  An ioend clamped at
	 * EOF has io_size below its bio, so it never merges with the next.
	 */
	if (ioend->io_sector + (ioend->io_size >> SECTOR_SHIFT) != next->io_sector)
		return false;
	return true;
}

/* The head grows by what it absorbs, so the next one must continue the whole. */
void iomap_ioend_try_merge(struct iomap_ioend *ioend, struct iomap_ioend **list)
{
	struct iomap_ioend *tail = ioend;

	while (tail->io_next)
		tail = tail->io_next;
	while (*list && iomap_ioend_can_merge(ioend, *list)) {
		struct iomap_ioend *next = *list;

		*list = next->io_next;
		next->io_next = NULL;
		tail->io_next = next;
		tail = next;
		ioend->io_size += next->io_size;
	}
}

struct ioend_pos {
	struct iomap_ioend *ioend;
	size_t idx;
};

/* By file offset; list_sort() is stable, so equal offsets keep their order. */
static int ioend_cmp(const void *a, const void *b)
{
	const struct ioend_pos *pa = a, *pb = b;

	if (pa->ioend->io_offset != pb->ioend->io_offset)
		return pa->ioend->io_offset < pb->ioend->io_offset ? -1 : 1;
	return pa->idx < pb->idx ? -1 : pa->idx > pb->idx;
}

struct iomap_ioend *iomap_sort_ioends(struct iomap_ioend *list)
{
	struct iomap_ioend *head = NULL;
	struct ioend_pos *arr;
	size_t n = 0, i;
	bool ascending = true, descending = true;

	for (struct iomap_ioend *e = list; e; e = e->io_next) {
		if (e->io_next) {
			ascending &= e->io_offset <= e->io_next->io_offset;
			descending &= e->io_offset > e->io_next->io_offset;
		}
		n++;
	}
	if (n < 2 || ascending)
		return list;
	if (descending) {
		/*
		 * Strictly descending (completions queued at the head, in
		 * submission order): reversed, the list is what the sort gives.
		 */
		while (list) {
			struct iomap_ioend *next = list->io_next;

			list->io_next = head;
			head = list;
			list = next;
		}
		return head;
	}
	arr = malloc(n * sizeof(*arr));
	if (!arr)
		return list;	/* unsorted still completes correctly */
	for (i = 0; list; list = list->io_next, i++)
		arr[i] = (struct ioend_pos){ list, i };
	qsort(arr, n, sizeof(*arr), ioend_cmp);
	for (i = n; i-- > 0;) {
		arr[i].ioend->io_next = head;
		head = arr[i].ioend;
	}
	free(arr);
	return head;
}

struct iomap_ioend *iomap_split_ioend(struct iomap_ioend *ioend, unsigned int max_len,
				      bool is_append)
{
	struct bio *bio = &ioend->io_bio;
	unsigned int blksize = i_blocksize(ioend->io_inode);
	struct iomap_ioend *split_ioend;
	struct bio *split;
	uint32_t sector_offset;

	if (is_append) {
		const struct queue_limits *lim = &bio->bi_bdev->lim;
		unsigned int max_append = lim->max_zone_append_sectors << SECTOR_SHIFT;

		if (max_append < max_len)
			max_len = max_append;
		/* bio_split_rw_at(): 0 when the bio fits the limits */
		if (bio->bi_iter.bi_size <= max_len)
			return NULL;
	} else if (bio->bi_iter.bi_size <= max_len) {
		return NULL;
	}
	/* The split must leave whole file system blocks on both sides. */
	sector_offset = (max_len - max_len % blksize) >> SECTOR_SHIFT;
	if (!sector_offset)
		return NULL;
	split = bio_split_bioset(bio, sector_offset, offsetof(struct iomap_ioend, io_bio));
	if (!split)
		return NULL;
	split->bi_private = bio->bi_private;
	split->bi_end_io = bio->bi_end_io;
	split->bi_write_hint = bio->bi_write_hint;

	split_ioend = iomap_init_ioend(ioend->io_inode, split, ioend->io_offset, ioend->io_flags);
	split_ioend->io_parent = ioend;
	ioend->io_remaining++;
	ioend->io_offset += split->bi_iter.bi_size;
	ioend->io_size -= split->bi_iter.bi_size < ioend->io_size ? split->bi_iter.bi_size
								   : ioend->io_size;
	split_ioend->io_sector = ioend->io_sector;
	/* An append's sector is the zone start for every piece: the device chooses. */
	if (!is_append)
		ioend->io_sector += split->bi_iter.bi_size >> SECTOR_SHIFT;
	return split_ioend;
}
