// SPDX-License-Identifier: MIT
/*
 * The page cache: folios in an address_space (mm/filemap.c), dirty and
 * writeback state, writeback_iter() (mm/page-writeback.c), errseq
 * (lib/errseq.c), fsync and truncate.
 */
#include "mm.h"
#include "page_alloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* --- errseq: lib/errseq.c ---------------------------------------------- */

#define MAX_ERRNO	4095
#define ERRSEQ_SHIFT	12			/* ilog2(MAX_ERRNO + 1) */
#define ERRSEQ_SEEN	(1u << ERRSEQ_SHIFT)
#define ERRSEQ_CTR_INC	(1u << (ERRSEQ_SHIFT + 1))

errseq_t errseq_set(errseq_t *eseq, int err)
{
	errseq_t old = *eseq, new;

	if (!err || -err > MAX_ERRNO)
		return old;
	new = (old & ~(MAX_ERRNO | ERRSEQ_SEEN)) | (errseq_t)-err;
	/* Only move the counter if someone saw the previous error. */
	if (old & ERRSEQ_SEEN)
		new += ERRSEQ_CTR_INC;
	*eseq = new;
	return new;
}

errseq_t errseq_sample(errseq_t *eseq)
{
	errseq_t old = *eseq;

	/* An error nobody has seen yet must reach this sampler too. */
	if (!(old & ERRSEQ_SEEN))
		old = 0;
	return old;
}

int errseq_check_and_advance(errseq_t *eseq, errseq_t *since)
{
	errseq_t old = *eseq, new;

	if (old == *since)
		return 0;
	new = old | ERRSEQ_SEEN;
	*eseq = new;
	*since = new;
	return -(int)(new & MAX_ERRNO);
}

void mapping_set_error(struct address_space *mapping, int error)
{
	if (!error)
		return;
	errseq_set(&mapping->wb_err, error);
	/* the legacy bits too, for filemap_check_errors() */
	mapping->flags |= error == -ENOSPC ? AS_ENOSPC : AS_EIO;
}

/* filemap_check_errors(): the legacy bits, reported once and cleared. */
static int filemap_check_errors(struct address_space *mapping)
{
	int ret = 0;

	if (mapping->flags & AS_ENOSPC)
		ret = -ENOSPC;
	if (mapping->flags & AS_EIO)
		ret = -EIO;
	mapping->flags &= ~(AS_EIO | AS_ENOSPC);
	return ret;
}

void file_open(struct file *file, struct inode *inode)
{
	file->f_inode = inode;
	file->f_wb_err = errseq_sample(&inode->i_data.wb_err);
}

int file_check_and_advance_wb_err(struct file *file)
{
	/* it stands in for filemap_check_errors(), so it clears the legacy bits too */
	file->f_inode->i_data.flags &= ~(AS_EIO | AS_ENOSPC);
	return errseq_check_and_advance(&file->f_inode->i_data.wb_err, &file->f_wb_err);
}

/* --- folios ------------------------------------------------------------ */

void inode_init(struct inode *inode, struct mm_ctx *mm, uint64_t ino, unsigned int blkbits,
		const struct address_space_operations *a_ops)
{
	memset(inode, 0, sizeof(*inode));
	inode->i_ino = ino;
	inode->i_blkbits = blkbits;
	inode->i_data.host = inode;
	inode->i_data.mm = mm;
	inode->i_data.a_ops = a_ops;
	inode->i_data.max_order = MAX_PAGECACHE_ORDER;
	if (mm) {
		struct address_space **n = realloc(mm->mappings,
						   (mm->nr_mappings + 1) * sizeof(*n));

		if (n) {
			mm->mappings = n;
			mm->mappings[mm->nr_mappings++] = &inode->i_data;
		}
	}
}

void mm_ctx_init(struct mm_ctx *mm, struct sim_loop *loop, uint64_t memory, bool tags)
{
	memset(mm, 0, sizeof(*mm));
	mm->loop = loop;
	mm->tags = tags;
	mm->dirty_background_pages = memory / 10 / PAGE_SIZE;
	mm->dirty_limit_pages = memory / 5 / PAGE_SIZE;
	mm->writeback_interval_ns = 5000000000ull;
	mm->dirty_expire_ns = 30000000000ull;
	mm->next_flush_ns = mm->writeback_interval_ns;
	mm->min_writeback_pages = MIN_WRITEBACK_PAGES;
	mm->avg_write_bandwidth = INIT_BW;
}

long writeback_chunk_size(const struct mm_ctx *mm, enum writeback_sync_modes sync_mode, long nr_pages)
{
	long pages, min_pages = mm->min_writeback_pages ? (long)mm->min_writeback_pages : (long)MIN_WRITEBACK_PAGES;

	/* WB_SYNC_ALL writes each inode in one go (livelock avoidance by tagging). */
	if (sync_mode == WB_SYNC_ALL)
		return LONG_MAX;
	/*
	 * WB_SYNC_NONE: half a second of the device's estimated bandwidth, at
	 * most an eighth of the dirty limit (DIRTY_SCOPE) and what the work
	 * has left, then rounded up past the super block's minimum chunk
	 * (7.2: sb->s_min_writeback_pages, which zoned XFS sets to a zone).
	 */
	pages = (long)(mm->avg_write_bandwidth / 2);
	if (mm->dirty_limit_pages && (long)(mm->dirty_limit_pages / DIRTY_SCOPE) < pages)
		pages = (long)(mm->dirty_limit_pages / DIRTY_SCOPE);
	if (nr_pages < pages)
		pages = nr_pages;
	return (pages + min_pages) / min_pages * min_pages;
}

/* The mappings a work takes, in the order they went dirty (the b_io queue). */
static int by_dirtied_seq(const void *a, const void *b)
{
	const struct address_space *x = *(struct address_space *const *)a;
	const struct address_space *y = *(struct address_space *const *)b;

	return x->dirtied_seq < y->dirtied_seq ? -1 : x->dirtied_seq > y->dirtied_seq;
}

static bool wb_over_bg_thresh(const struct mm_ctx *mm)
{
	return mm->dirty_background_pages && mm->nr_dirty_pages > mm->dirty_background_pages;
}

/*
 * queue_io() (move_expired_inodes()): the dirty mappings, oldest dirtied
 * first; a kupdate work takes only those dirty for longer than the expiry.
 */
static size_t queue_io(struct mm_ctx *mm, const struct wb_writeback_work *work,
		       struct address_space **io)
{
	size_t n = 0;

	for (size_t i = 0; i < mm->nr_mappings; i++) {
		struct address_space *mapping = mm->mappings[i];

		if (!mapping->nr_dirty)
			continue;
		if (work->for_kupdate && mm->loop &&
		    mm->loop->now < mapping->dirtied_when + mm->dirty_expire_ns)
			continue;
		io[n++] = mapping;
	}
	qsort(io, n, sizeof(*io), by_dirtied_seq);
	return n;
}

long wb_writeback(struct mm_ctx *mm, struct wb_writeback_work *work)
{
	long start = work->nr_pages;
	struct address_space **io;
	size_t n;

	if (!mm->nr_mappings)
		return 0;
	io = malloc(mm->nr_mappings * sizeof(*io));
	if (!io)
		return 0;
	n = queue_io(mm, work, io);
	/*
	 * writeback_sb_inodes(): each mapping in turn gets one chunk
	 * (writeback_chunk_size()); one still dirty with its chunk used up
	 * goes to b_more_io (requeue_inode(): requeue_io()) and has its next
	 * turn after every other mapping of the queue has had one; one that
	 * stopped short of its chunk (an error) is left for a later work
	 * (redirty_tail()).  wb_writeback() stops when the work's pages are
	 * used up, or, in the background, once below the threshold.
	 */
	while (n) {
		size_t more = 0;

		for (size_t i = 0; i < n; i++) {
			struct address_space *mapping = io[i];
			long chunk;
			struct writeback_control wbc = {
				.sync_mode = work->sync_mode, .range_cyclic = true, .range_end = INT64_MAX,
			};

			if (work->nr_pages <= 0 || (work->for_background && !wb_over_bg_thresh(mm))) {
				n = 0;
				more = 0;
				break;
			}
			if (!mapping->nr_dirty)
				continue;
			chunk = writeback_chunk_size(mm, work->sync_mode, work->nr_pages);
			wbc.nr_to_write = chunk;
			do_writepages(mapping, &wbc);
			work->nr_pages -= chunk - wbc.nr_to_write;
			if (mapping->nr_dirty && wbc.nr_to_write <= 0)
				io[more++] = mapping;
		}
		n = more;
	}
	free(io);
	return start - work->nr_pages;
}

void wakeup_flusher_threads(struct mm_ctx *mm)
{
	/* wb_check_start_all(): every page dirty now, WB_SYNC_NONE */
	struct wb_writeback_work work = {
		.nr_pages = (long)mm->nr_dirty_pages, .sync_mode = WB_SYNC_NONE,
	};

	if (work.nr_pages)
		wb_writeback(mm, &work);
}

void balance_dirty_pages(struct mm_ctx *mm)
{
	/*
	 * The flusher: background writeback until below the threshold
	 * (wb_start_background_writeback(), then wb_check_background_flush()).
	 */
	if (wb_over_bg_thresh(mm))
		wb_writeback(mm, &(struct wb_writeback_work){
			.nr_pages = LONG_MAX, .sync_mode = WB_SYNC_NONE, .for_background = true,
		});
	/* The writer: throttled while dirty and writeback pages are over the limit. */
	while (mm->dirty_limit_pages &&
	       mm->nr_dirty_pages + mm->nr_writeback_pages > mm->dirty_limit_pages &&
	       sim_run_one(mm->loop))
		;
	if (mm->writeback_interval_ns && mm->loop->now >= mm->next_flush_ns)
		mm_advance(mm, 0);
}

void mm_advance(struct mm_ctx *mm, uint64_t ns)
{
	uint64_t until = mm->loop->now + ns;

	for (;;) {
		uint64_t next;

		/* Completions due before the next flush (or the end) happen first. */
		while (sim_next_time(mm->loop, &next) && next <= until &&
		       (!mm->writeback_interval_ns || next <= mm->next_flush_ns))
			sim_run_one(mm->loop);
		if (!mm->writeback_interval_ns || mm->next_flush_ns > until)
			break;
		if (mm->loop->now < mm->next_flush_ns)
			mm->loop->now = mm->next_flush_ns;
		/* wb_check_old_data_flush(): a kupdate work of every dirty page, expired mappings only */
		wb_writeback(mm, &(struct wb_writeback_work){
			.nr_pages = (long)mm->nr_dirty_pages, .sync_mode = WB_SYNC_NONE, .for_kupdate = true,
		});
		mm->next_flush_ns += mm->writeback_interval_ns;
	}
	if (mm->loop->now < until)
		mm->loop->now = until;
}

/* The position of the first folio whose index is >= @index. */
static size_t folio_lower_bound(const struct address_space *mapping, pgoff_t index)
{
	size_t lo = 0, hi = mapping->nr_folios;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mapping->folios[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The same, looked for first at *@hint and just after it, where the last
 * answer was (a file read or written in order, writeback going through
 * it): two neighbouring folios to look at instead of a binary search's
 * ~log2(nr_folios) scattered ones.  Checked before use, so a hint left
 * by a since changed array only costs the search.
 */
static size_t folio_lower_bound_hint(const struct address_space *mapping, pgoff_t index, size_t *hint)
{
	struct folio *const *f = mapping->folios;
	size_t n = mapping->nr_folios;

	for (size_t c = *hint; c <= *hint + 1 && c <= n; c++)
		if ((c == n || f[c]->index >= index) && (!c || f[c - 1]->index < index)) {
			*hint = c;
			return c;
		}
	*hint = folio_lower_bound(mapping, index);
	return *hint;
}

struct folio *filemap_get_folio(struct address_space *mapping, pgoff_t index)
{
	size_t pos = folio_lower_bound_hint(mapping, index + 1, &mapping->lookup_hint);
	struct folio *folio;

	if (!pos)
		return NULL;
	folio = mapping->folios[pos - 1];
	return index < folio_next_index(folio) ? folio : NULL;
}

/* Is [index, index + nr) free of folios? */
static bool filemap_range_free(struct address_space *mapping, pgoff_t index, unsigned long nr)
{
	size_t pos = folio_lower_bound_hint(mapping, index, &mapping->lookup_hint);

	if (pos < mapping->nr_folios && mapping->folios[pos]->index < index + nr)
		return false;
	return !pos || folio_next_index(mapping->folios[pos - 1]) <= index;
}

/*
 * A new folio's bytes are zeros unless @fill: the write making it fills
 * them all first (the kernel never zeroes a page cache folio; what a
 * write does not cover, __iomap_write_begin() reads or zeroes).
 */
static struct folio *folio_alloc(struct address_space *mapping, pgoff_t index, unsigned int order,
				 bool fill)
{
	struct folio *folio = calloc(1, sizeof(*folio));
	size_t blocks = ((size_t)PAGE_SIZE << order) >> mapping->host->i_blkbits;

	if (!folio)
		return NULL;
	folio->mapping = mapping;
	folio->index = index;
	folio->order = order;
	if (mapping->mm->tags)
		folio->tags = calloc(blocks, sizeof(*folio->tags));
	else
		folio->data = page_alloc(order, !fill);
	if (!folio->tags && !folio->data) {
		free(folio);
		return NULL;
	}
	return folio;
}

static void folio_free(struct folio *folio)
{
	page_free(folio->data, folio->order);
	free(folio->tags);
	free(folio);
}

static int filemap_add_folio(struct address_space *mapping, struct folio *folio)
{
	size_t pos = folio_lower_bound_hint(mapping, folio->index, &mapping->lookup_hint);

	if (mapping->nr_folios == mapping->max_folios) {
		size_t max = mapping->max_folios ? mapping->max_folios * 2 : 64;
		struct folio **n = realloc(mapping->folios, max * sizeof(*n));

		if (!n)
			return -ENOMEM;
		mapping->folios = n;
		mapping->max_folios = max;
	}
	memmove(&mapping->folios[pos + 1], &mapping->folios[pos],
		(mapping->nr_folios - pos) * sizeof(*mapping->folios));
	mapping->folios[pos] = folio;
	mapping->nr_folios++;
	return 0;
}

static unsigned int ilog2_u64(uint64_t v)
{
	return 63u - (unsigned int)__builtin_clzll(v);
}

static struct folio *get_write_folio(struct address_space *mapping, loff_t pos, size_t len, bool fill)
{
	pgoff_t index = (pgoff_t)pos >> PAGE_SHIFT;
	struct folio *folio = filemap_get_folio(mapping, index);
	unsigned int order = 0;

	if (folio)
		return folio;
	/* fgf_set_order(): as large as the write, within what the mapping allows */
	if (len > PAGE_SIZE)
		order = ilog2_u64(len) - PAGE_SHIFT;
	if (order > mapping->max_order)
		order = mapping->max_order;
	/* __filemap_get_folio(): a folio must be naturally aligned */
	if (order && (index & ((1ul << order) - 1)))
		order = (unsigned int)__builtin_ctzll(index);
	if (order < mapping->min_order)
		order = mapping->min_order;
	/* Smaller and smaller until it fits between the folios already there. */
	for (;; order--) {
		pgoff_t start = index & ~((1ul << order) - 1);

		if (filemap_range_free(mapping, start, 1ul << order)) {
			loff_t fpos = (loff_t)start << PAGE_SHIFT;

			folio = folio_alloc(mapping, start, order,
					    fill && fpos >= pos &&
					    fpos + (loff_t)(PAGE_SIZE << order) <= pos + (loff_t)len);
			if (!folio)
				return NULL;
			if (filemap_add_folio(mapping, folio)) {
				folio_free(folio);
				return NULL;
			}
			return folio;
		}
		if (order == mapping->min_order)
			return NULL;
	}
}

struct folio *filemap_get_write_folio(struct address_space *mapping, loff_t pos, size_t len)
{
	return get_write_folio(mapping, pos, len, false);
}

struct folio *filemap_get_write_folio_fill(struct address_space *mapping, loff_t pos, size_t len)
{
	return get_write_folio(mapping, pos, len, true);
}

void folio_lock(struct folio *folio)
{
	folio->flags |= PG_locked;
}

void folio_unlock(struct folio *folio)
{
	folio->flags &= ~PG_locked;
}

bool folio_mark_dirty(struct folio *folio)
{
	if (folio->flags & PG_dirty)
		return false;
	folio->flags |= PG_dirty;
	if (folio->mapping) {
		if (!folio->mapping->nr_dirty++) {
			/* __mark_inode_dirty(I_DIRTY_PAGES): dirtied_when, and the tail of b_dirty */
			folio->mapping->dirtied_when = folio->mapping->mm->loop ?
						       folio->mapping->mm->loop->now : 0;
			folio->mapping->dirtied_seq = ++folio->mapping->mm->dirty_seq;
		}
		folio->mapping->mm->nr_dirty_pages += folio_nr_pages(folio);
	}
	return true;
}

bool folio_clear_dirty_for_io(struct folio *folio)
{
	if (!(folio->flags & PG_dirty))
		return false;
	folio->flags &= ~PG_dirty;
	if (folio->mapping) {
		folio->mapping->nr_dirty--;
		folio->mapping->mm->nr_dirty_pages -= folio_nr_pages(folio);
	}
	return true;
}

void folio_start_writeback(struct folio *folio)
{
	folio->flags |= PG_writeback;
	folio->mapping->mm->nr_writeback_pages += folio_nr_pages(folio);
}

void folio_end_writeback(struct folio *folio)
{
	folio->flags &= ~PG_writeback;
	if (folio->mapping)
		folio->mapping->mm->nr_writeback_pages -= folio_nr_pages(folio);
}

void folio_wait_writeback(struct folio *folio)
{
	struct sim_loop *loop = folio->mapping->mm->loop;

	while (folio_test_writeback(folio) && sim_run_one(loop))
		;
}

/* --- writeback: mm/page-writeback.c -------------------------------------- */

/* folio_prepare_writeback(): false when the folio is to be skipped. */
static bool folio_prepare_writeback(struct address_space *mapping,
				    struct writeback_control *wbc, struct folio *folio)
{
	if (folio->mapping != mapping || !folio_test_dirty(folio))
		return false;
	if (folio_test_writeback(folio)) {
		/* Background writeback skips it; integrity writeback waits. */
		if (wbc->sync_mode == WB_SYNC_NONE)
			return false;
		folio_wait_writeback(folio);
	}
	return true;
}

static struct folio *writeback_get_folio(struct address_space *mapping,
					 struct writeback_control *wbc)
{
	for (;;) {
		size_t pos = folio_lower_bound_hint(mapping, wbc->index, &wbc->pos);
		struct folio *folio;

		/*
		 * filemap_get_folios_tag() finds a large folio from any index
		 * inside it: a range (or a cyclic cursor) starting in the middle
		 * of one includes it.  Once a folio is taken, wbc->index is its
		 * end, so none is taken twice.
		 */
		if (pos && folio_next_index(mapping->folios[pos - 1]) > wbc->index)
			pos--;
		while (pos < mapping->nr_folios && !folio_test_dirty(mapping->folios[pos]))
			pos++;
		if (pos >= mapping->nr_folios || mapping->folios[pos]->index > wbc->end)
			return NULL;
		folio = mapping->folios[pos];
		wbc->index = folio_next_index(folio);
		folio_lock(folio);
		if (folio_prepare_writeback(mapping, wbc, folio) && folio_clear_dirty_for_io(folio))
			return folio;
		folio_unlock(folio);
	}
}

struct folio *writeback_iter(struct address_space *mapping, struct writeback_control *wbc,
			     struct folio *folio, int *error)
{
	if (!folio) {
		wbc->saved_err = *error = 0;
		if (wbc->range_cyclic) {
			wbc->index = mapping->writeback_index;
			wbc->end = UINT64_MAX;
		} else {
			wbc->index = (pgoff_t)wbc->range_start >> PAGE_SHIFT;
			wbc->end = (pgoff_t)wbc->range_end >> PAGE_SHIFT;
		}
	} else {
		wbc->nr_to_write -= (long)folio_nr_pages(folio);
		/*
		 * Integrity writeback goes on through errors and past
		 * nr_to_write, keeping the first error for the end;
		 * background writeback stops at either.
		 */
		if (wbc->sync_mode == WB_SYNC_ALL) {
			if (*error && !wbc->saved_err)
				wbc->saved_err = *error;
		} else if (*error || wbc->nr_to_write <= 0) {
			if (wbc->range_cyclic)
				mapping->writeback_index = folio_next_index(folio);
			return NULL;
		}
	}
	folio = writeback_get_folio(mapping, wbc);
	if (!folio) {
		/* Cyclic writeback does not wrap around: the next one starts over. */
		if (wbc->range_cyclic)
			mapping->writeback_index = 0;
		*error = wbc->saved_err;
		return NULL;
	}
	return folio;
}

int do_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	if (!mapping->nr_dirty || !mapping->a_ops || !mapping->a_ops->writepages)
		return 0;
	return mapping->a_ops->writepages(mapping, wbc);
}

/* Wait for writeback on every folio (__filemap_fdatawait_range()). */
static void filemap_fdatawait(struct address_space *mapping)
{
	for (size_t i = 0; i < mapping->nr_folios; i++)
		folio_wait_writeback(mapping->folios[i]);
}

int vfs_fsync(struct file *file)
{
	struct address_space *mapping = &file->f_inode->i_data;
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL,
		.nr_to_write = INT64_MAX,
		.range_start = 0,
		.range_end = INT64_MAX,
	};
	int err, err2;

	/* file_write_and_wait_range() */
	err = do_writepages(mapping, &wbc);
	if (err != -EIO)
		filemap_fdatawait(mapping);
	err2 = file_check_and_advance_wb_err(file);
	return err ? err : err2;
}

static void filemap_remove_at(struct address_space *mapping, size_t pos)
{
	struct folio *folio = mapping->folios[pos];

	folio_wait_writeback(folio);
	folio_clear_dirty_for_io(folio);
	memmove(&mapping->folios[pos], &mapping->folios[pos + 1],
		(mapping->nr_folios - pos - 1) * sizeof(*mapping->folios));
	mapping->nr_folios--;
	free(folio->private);	/* the iomap_folio_state (iomap_invalidate_folio()) */
	folio->mapping = NULL;
	folio_free(folio);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	struct address_space *mapping = &inode->i_data;
	pgoff_t first = (pgoff_t)(newsize + PAGE_SIZE - 1) >> PAGE_SHIFT;
	size_t pos;

	inode->i_size = newsize;
	/* The folio straddling the new size keeps its head; its tail reads as zeros. */
	pos = folio_lower_bound(mapping, first);
	if (pos > 0) {
		struct folio *folio = mapping->folios[pos - 1];
		loff_t end = folio_pos(folio) + (loff_t)folio_size(folio);

		if (end > newsize) {
			size_t off = (size_t)(newsize - folio_pos(folio));

			folio_wait_writeback(folio);
			if (folio->data)
				memset(folio->data + off, 0, folio_size(folio) - off);
			else
				for (size_t b = (off + i_blocksize(inode) - 1) >> inode->i_blkbits;
				     b < folio_size(folio) >> inode->i_blkbits; b++)
					folio->tags[b] = 0;
		}
	}
	while (mapping->nr_folios > pos)
		filemap_remove_at(mapping, mapping->nr_folios - 1);
}

void inode_release(struct inode *inode)
{
	struct address_space *mapping = &inode->i_data;
	struct mm_ctx *mm = mapping->mm;

	for (size_t i = 0; mm && i < mm->nr_mappings; i++)
		if (mm->mappings[i] == mapping) {
			mm->mappings[i] = mm->mappings[--mm->nr_mappings];
			break;
		}
	if (mm && !mm->nr_mappings) {
		free(mm->mappings);
		mm->mappings = NULL;
	}

	while (mapping->nr_folios)
		filemap_remove_at(mapping, mapping->nr_folios - 1);
	free(mapping->folios);
	mapping->folios = NULL;
	mapping->max_folios = 0;
}

size_t invalidate_mapping_pages(struct address_space *mapping)
{
	size_t kept = 0, dropped = 0;

	for (size_t i = 0; i < mapping->nr_folios; i++) {
		struct folio *folio = mapping->folios[i];

		if (folio->flags & (PG_dirty | PG_writeback | PG_locked)) {
			mapping->folios[kept++] = folio;
			continue;
		}
		free(folio->private);
		folio->mapping = NULL;
		folio_free(folio);
		dropped++;
	}
	mapping->nr_folios = kept;
	return dropped;
}

/* --- for direct I/O: ranged write-and-wait and invalidation ------------- */

int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL,
		.nr_to_write = INT64_MAX,
		.range_start = lstart,
		.range_end = lend,
	};
	int err, err2;

	if (lend < lstart)
		return 0;
	err = do_writepages(mapping, &wbc);
	/* __filemap_fdatawait_range(): every folio of the range off writeback */
	if (err != -EIO) {
		pgoff_t start = (pgoff_t)lstart >> PAGE_SHIFT, end = (pgoff_t)lend >> PAGE_SHIFT;
		size_t pos = folio_lower_bound(mapping, start);

		if (pos && folio_next_index(mapping->folios[pos - 1]) > start)
			pos--;
		for (; pos < mapping->nr_folios && mapping->folios[pos]->index <= end; pos++)
			folio_wait_writeback(mapping->folios[pos]);
	}
	/* an error a completion recorded (now or before) is reported here once */
	err2 = filemap_check_errors(mapping);
	return err ? err : err2;
}

int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	size_t pos = folio_lower_bound(mapping, start);
	int ret = 0;

	/* a large folio that starts before @start but reaches into the range */
	if (pos && folio_next_index(mapping->folios[pos - 1]) > start)
		pos--;
	while (pos < mapping->nr_folios && mapping->folios[pos]->index <= end) {
		struct folio *folio = mapping->folios[pos];

		folio_wait_writeback(folio);
		/* invalidate_complete_folio2(): a dirty folio stays, and the caller hears -EBUSY */
		if (folio_test_dirty(folio)) {
			ret = -EBUSY;
			pos++;
			continue;
		}
		filemap_remove_at(mapping, pos);
	}
	return ret;
}
