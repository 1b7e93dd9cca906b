// SPDX-License-Identifier: MIT
/*
 * Buffered I/O through the page cache and its writeback
 * (fs/iomap/buffered-io.c, Linux 6.17): per-block state of large folios,
 * buffered writes, iomap_writepages() and iomap_writeback_folio().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "iomap.h"
#include "log.h"
#include "pattern.h"

static unsigned int i_blocks_per_folio(const struct inode *inode, const struct folio *folio)
{
	return (unsigned int)(folio_size(folio) >> inode->i_blkbits);
}

/* ifs_alloc(): per-block state, only for folios with more than one block. */
static struct iomap_folio_state *ifs_alloc(struct inode *inode, struct folio *folio)
{
	unsigned int nr = i_blocks_per_folio(inode, folio);
	struct iomap_folio_state *ifs = folio->private;

	if (ifs || nr <= 1)
		return ifs;
	ifs = calloc(1, sizeof(*ifs) + 2 * nr);
	if (!ifs)
		return NULL;
	ifs->nr_blocks = nr;
	if (folio_test_uptodate(folio))
		memset(ifs->state, 1, nr);
	folio->private = ifs;
	return ifs;
}

static void ifs_set_range(struct iomap_folio_state *ifs, bool dirty, size_t off, size_t len,
			  unsigned int blkbits, uint8_t val)
{
	size_t first = off >> blkbits, last = (off + len - 1) >> blkbits;

	for (size_t b = first; b <= last && b < ifs->nr_blocks; b++)
		ifs->state[(dirty ? ifs->nr_blocks : 0) + b] = val;
}

static bool ifs_block_uptodate(const struct iomap_folio_state *ifs, size_t b)
{
	return ifs->state[b];
}

static bool ifs_all_uptodate(const struct iomap_folio_state *ifs)
{
	for (unsigned int b = 0; b < ifs->nr_blocks; b++)
		if (!ifs->state[b])
			return false;
	return true;
}

/*
 * Fill a block of a folio: zeros past EOF (__iomap_write_begin()), else
 * from storage; a tags-mode folio keeps the tag of the block read.
 */
static int iomap_read_block(struct inode *inode, struct folio *folio, size_t off)
{
	size_t bs = i_blocksize(inode);
	struct address_space *mapping = &inode->i_data;
	uint8_t *buf = folio->data ? folio->data + off : malloc(bs);
	uint64_t tag;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	if (folio_pos(folio) + (loff_t)off >= inode->i_size || !mapping->a_ops->read_range)
		memset(buf, 0, bs);
	else
		ret = mapping->a_ops->read_range(mapping, folio, off, bs, buf);
	if (!ret && !folio->data) {
		/* data a tags-mode cache cannot hold reads as an I/O error */
		if (zw_pattern_decode(buf, bs, &tag))
			folio->tags[off >> inode->i_blkbits] = tag;
		else
			ret = -EIO;
	}
	if (!folio->data)
		free(buf);
	return ret;
}

/*
 * Copy what the write carries into the folio: bytes, or tags (whole blocks
 * only; bytes given to a tags-mode cache must be tagged blocks).
 */
static int folio_copy_in(struct inode *inode, struct folio *folio, size_t off, size_t n,
			 const void *data, uint64_t tag, size_t done)
{
	unsigned int blkbits = inode->i_blkbits;
	size_t bs = i_blocksize(inode);

	if (folio->tags) {
		for (size_t b = 0; b < n >> blkbits; b++) {
			uint64_t t = tag + ((done >> blkbits) + b);

			if (data && !zw_pattern_decode((const char *)data + done + b * bs, bs, &t))
				return -EINVAL;
			folio->tags[(off >> blkbits) + b] = t;
		}
		return 0;
	}
	if (data) {
		zw_copy(folio->data + off, (const char *)data + done, n);
		return 0;
	}
	for (size_t b = 0; b < n >> blkbits; b++)
		zw_pattern_fill(folio->data + off + b * bs, bs, tag + ((done >> blkbits) + b));
	return 0;
}

ssize_t iomap_file_buffered_write(struct inode *inode, loff_t pos, size_t len, const void *data,
				  uint64_t tag)
{
	struct address_space *mapping = &inode->i_data;
	size_t bs = i_blocksize(inode), done = 0;

	if (pos < 0)
		return -EINVAL;
	/* Tags describe whole blocks, and a tagged write is its own data. */
	if ((mapping->mm->tags || !data) && ((size_t)pos % bs || len % bs))
		return -EINVAL;
	while (done < len) {
		/* each folio gets all of its part of [pos, pos + len) (folio_copy_in()) */
		struct folio *folio = filemap_get_write_folio_fill(mapping, pos, len - done);
		struct iomap_folio_state *ifs;
		size_t off, n;

		if (!folio)
			return done ? (ssize_t)done : -ENOMEM;
		off = (size_t)(pos - folio_pos(folio));
		n = folio_size(folio) - off < len - done ? folio_size(folio) - off : len - done;
		folio_lock(folio);
		ifs = ifs_alloc(inode, folio);
		if (!ifs && i_blocks_per_folio(inode, folio) > 1) {
			folio_unlock(folio);
			return done ? (ssize_t)done : -ENOMEM;
		}
		/* Partial blocks at either end must be read first unless uptodate. */
		if (folio->data && (off % bs || (off + n) % bs)) {
			size_t heads[2] = { off - off % bs, (off + n - 1) - (off + n - 1) % bs };

			for (int i = 0; i < 2; i++) {
				bool partial = i ? (off + n) % bs : off % bs;
				bool uptodate = ifs ? ifs_block_uptodate(ifs, heads[i] / bs)
						    : folio_test_uptodate(folio);

				if (partial && !uptodate && iomap_read_block(inode, folio, heads[i])) {
					folio_unlock(folio);
					return done ? (ssize_t)done : -EIO;
				}
			}
		}
		if (folio_copy_in(inode, folio, off, n, data, tag, done)) {
			folio_unlock(folio);
			return done ? (ssize_t)done : -EINVAL;
		}
		if (ifs) {
			ifs_set_range(ifs, false, off, n, inode->i_blkbits, 1);
			ifs_set_range(ifs, true, off, n, inode->i_blkbits, 1);
			/* a large folio already uptodate needs no scan of its blocks */
			if (!folio_test_uptodate(folio) && ifs_all_uptodate(ifs))
				folio->flags |= PG_uptodate;
		} else {
			folio->flags |= PG_uptodate;
		}
		folio_mark_dirty(folio);
		folio_unlock(folio);
		pos += (loff_t)n;
		done += n;
		if (pos > inode->i_size)
			inode->i_size = pos;
	}
	balance_dirty_pages(mapping->mm);
	return (ssize_t)done;
}

ssize_t iomap_file_buffered_read(struct inode *inode, loff_t pos, size_t len, void *buf)
{
	struct address_space *mapping = &inode->i_data;
	size_t done = 0, bs = i_blocksize(inode);

	if (pos >= inode->i_size)
		return 0;
	if ((loff_t)len > inode->i_size - pos)
		len = (size_t)(inode->i_size - pos);
	while (done < len) {
		loff_t p = pos + (loff_t)done;
		struct folio *folio = filemap_get_folio(mapping, (pgoff_t)p >> PAGE_SHIFT);
		size_t off, n;

		if (!folio) {
			/* Not cached: read around it from storage, a page at a time. */
			folio = filemap_get_write_folio(mapping, p, PAGE_SIZE);
			if (!folio)
				return done ? (ssize_t)done : -ENOMEM;
		}
		off = (size_t)(p - folio_pos(folio));
		n = folio_size(folio) - off < len - done ? folio_size(folio) - off : len - done;
		if (!folio_test_uptodate(folio)) {
			struct iomap_folio_state *ifs = ifs_alloc(inode, folio);

			for (size_t b = off / bs; b <= (off + n - 1) / bs; b++) {
				if (ifs ? ifs_block_uptodate(ifs, b) : false)
					continue;
				/*
				 * filemap_read(): a failed readahead is followed by
				 * one ->read_folio of its own, so an error that does
				 * not repeat is not seen.
				 */
				if (iomap_read_block(inode, folio, b * bs) &&
				    iomap_read_block(inode, folio, b * bs))
					return done ? (ssize_t)done : -EIO;
				if (ifs)
					ifs->state[b] = 1;
			}
			if (!ifs || ifs_all_uptodate(ifs))
				folio->flags |= PG_uptodate;
		}
		if (folio->data) {
			zw_copy((char *)buf + done, folio->data + off, n);
		} else {
			/* the blocks' bytes rebuilt from their tags; a read need not be block aligned */
			for (size_t p0 = off; p0 < off + n;) {
				size_t b = p0 / bs, in = p0 % bs, m = bs - in < off + n - p0 ? bs - in : off + n - p0;

				if (!in && m == bs) {
					zw_pattern_fill((char *)buf + done + (p0 - off), bs, folio->tags[b]);
				} else {
					uint8_t *tmp = malloc(bs);

					if (!tmp)
						return done ? (ssize_t)done : -ENOMEM;
					zw_pattern_fill(tmp, bs, folio->tags[b]);
					memcpy((char *)buf + done + (p0 - off), tmp + in, m);
					free(tmp);
				}
				p0 += m;
			}
		}
		done += n;
	}
	return (ssize_t)done;
}

/* --- writeback ---------------------------------------------------------- */

int iomap_writeback_ops_check(const struct iomap_writeback_ops *ops, char *err, size_t errlen)
{
	if (!ops || !ops->writeback_range) {
		snprintf(err, errlen, "iomap_writeback_ops without ->writeback_range");
		return -EINVAL;
	}
	if (!ops->writeback_submit) {
		snprintf(err, errlen, "iomap_writeback_ops without ->writeback_submit: it is mandatory since Linux 6.17 (use ioend_writeback_submit for the generic path)");
		return -EINVAL;
	}
	return 0;
}

/*
 * iomap_writeback_handle_eof(): a folio wholly past EOF is not written;
 * one straddling it is zeroed past EOF and written up to it.
 */
static bool iomap_writeback_handle_eof(struct folio *folio, struct inode *inode, uint64_t *end_pos)
{
	uint64_t isize = (uint64_t)inode->i_size;

	if (*end_pos > isize) {
		size_t poff = (size_t)(isize - (uint64_t)folio_pos(folio));
		pgoff_t end_index = isize >> PAGE_SHIFT;

		if (folio->index > end_index || (folio->index == end_index && !(isize % PAGE_SIZE)))
			return false;
		if (folio->data && poff < folio_size(folio))
			memset(folio->data + poff, 0, folio_size(folio) - poff);
		*end_pos = isize;
	}
	return true;
}

/* iomap_find_dirty_range(): the next run of dirty blocks in [*pos, end). */
static unsigned int iomap_find_dirty_range(struct folio *folio, uint64_t *pos, uint64_t end)
{
	struct iomap_folio_state *ifs = folio->private;
	struct inode *inode = folio->mapping->host;
	unsigned int blkbits = inode->i_blkbits;
	uint64_t fpos = (uint64_t)folio_pos(folio);
	size_t first, last, start_blk, end_blk;

	if (*pos >= end)
		return 0;
	if (!ifs)
		return (unsigned int)(end - *pos);
	first = (size_t)(*pos - fpos) >> blkbits;
	last = (size_t)((end - 1 - fpos) >> blkbits);
	for (start_blk = first; start_blk <= last; start_blk++)
		if (ifs->state[ifs->nr_blocks + start_blk])
			break;
	if (start_blk > last)
		return 0;
	for (end_blk = start_blk; end_blk <= last; end_blk++)
		if (!ifs->state[ifs->nr_blocks + end_blk])
			break;
	*pos = fpos + ((uint64_t)start_blk << blkbits);
	return (unsigned int)((end_blk - start_blk) << blkbits);
}

static int iomap_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio,
				 uint64_t pos, unsigned int rlen, uint64_t end_pos, bool *wb_pending)
{
	do {
		ssize_t ret = wpc->ops->writeback_range(wpc, folio, pos, rlen, end_pos);

		if (ret == 0 || ret > (ssize_t)rlen)
			return -EIO;	/* WARN_ON_ONCE in the kernel */
		if (ret < 0)
			return (int)ret;
		rlen -= (unsigned int)ret;
		pos += (uint64_t)ret;
		/* Holes are not written back: only the rest holds the folio in writeback. */
		if (wpc->iomap.type != IOMAP_HOLE)
			*wb_pending = true;
	} while (rlen);
	return 0;
}

static int iomap_writeback_folio(struct iomap_writeback_ctx *wpc, struct folio *folio)
{
	struct inode *inode = wpc->inode;
	struct iomap_folio_state *ifs = folio->private;
	uint64_t pos = (uint64_t)folio_pos(folio);
	uint64_t end_pos = pos + folio_size(folio), end_aligned;
	bool wb_pending = false;
	unsigned int rlen;
	int error = 0;

	if (!iomap_writeback_handle_eof(folio, inode, &end_pos))
		return 0;
	if (i_blocks_per_folio(inode, folio) > 1) {
		if (!ifs) {
			ifs = ifs_alloc(inode, folio);
			if (!ifs)
				return -ENOMEM;
			ifs_set_range(ifs, true, 0, (size_t)(end_pos - pos), inode->i_blkbits, 1);
		}
		/* A bias keeps completions from ending writeback before all is submitted. */
		ifs->write_bytes_pending += 1;
	}
	/* Set early: the completion of a one-block folio can come as soon as it is submitted. */
	folio_start_writeback(folio);
	zw_log_folio(inode->i_data.mm->log, "folio_writeback_start", inode, folio);

	end_aligned = (end_pos + i_blocksize(inode) - 1) & ~((uint64_t)i_blocksize(inode) - 1);
	while ((rlen = iomap_find_dirty_range(folio, &pos, end_aligned))) {
		error = iomap_writeback_range(wpc, folio, pos, rlen, end_pos, &wb_pending);
		if (error)
			break;
		pos += rlen;
	}
	if (wb_pending)
		wpc->nr_folios++;
	/* Every dirty bit goes, also on error: nothing is redirtied. */
	if (ifs)
		ifs_set_range(ifs, true, 0, folio_size(folio), inode->i_blkbits, 0);
	if (ifs) {
		if (--ifs->write_bytes_pending == 0)
			iomap_finish_folio_write(inode, folio);
	} else if (!wb_pending) {
		iomap_finish_folio_write(inode, folio);
	}
	if (error) {
		zw_log_wb_error(inode->i_data.mm->log, inode, (loff_t)pos, error);
		mapping_set_error(&inode->i_data, error);
	}
	return error;
}

int iomap_writepages(struct iomap_writeback_ctx *wpc)
{
	struct address_space *mapping = &wpc->inode->i_data;
	struct folio *folio = NULL;
	char msg[160];
	int error = 0;

	if (iomap_writeback_ops_check(wpc->ops, msg, sizeof(msg))) {
		fprintf(stderr, "zwsim: %s\n", msg);
		return -EINVAL;
	}
	while ((folio = writeback_iter(mapping, wpc->wbc, folio, &error))) {
		error = iomap_writeback_folio(wpc, folio);
		folio_unlock(folio);
	}
	/*
	 * Some of the submission may have failed after folios were marked for
	 * writeback: ->writeback_submit runs the completion with the error, so
	 * writeback clears and the file system sees the error.
	 */
	if (wpc->wb_ctx)
		return wpc->ops->writeback_submit(wpc, error);
	return error;
}
