/* SPDX-License-Identifier: MIT */
/*
 * The page cache, as much of it as writeback needs: folios of one page up
 * to 2 MiB (include/linux/mm.h, mm/filemap.c), the dirty and writeback
 * flags, struct address_space with its folios in index order, struct
 * writeback_control and writeback_iter() (mm/page-writeback.c), and mapping
 * errors reported through errseq (lib/errseq.c).
 */
#ifndef ZWSIM_MM_H
#define ZWSIM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1u << PAGE_SHIFT)
#define MAX_PAGECACHE_ORDER	9	/* 2 MiB folios with 4 KiB pages */

typedef int64_t loff_t;
typedef uint64_t pgoff_t;

/* folio->flags (PG_*) */
#define PG_locked	(1u << 0)
#define PG_uptodate	(1u << 1)
#define PG_dirty	(1u << 2)
#define PG_writeback	(1u << 3)

struct address_space;
struct inode;
struct writeback_control;

struct folio {
	struct address_space *mapping;	/* NULL once truncated away */
	pgoff_t index;			/* first page */
	unsigned int order;
	unsigned int flags;
	void *private;			/* struct iomap_folio_state */
	uint8_t *data;			/* bytes mode: folio_size() bytes */
	uint64_t *tags;			/* tags mode: one tag per block */
};

static inline size_t folio_size(const struct folio *folio)
{
	return (size_t)PAGE_SIZE << folio->order;
}

static inline loff_t folio_pos(const struct folio *folio)
{
	return (loff_t)(folio->index << PAGE_SHIFT);
}

static inline unsigned long folio_nr_pages(const struct folio *folio)
{
	return 1ul << folio->order;
}

static inline pgoff_t folio_next_index(const struct folio *folio)
{
	return folio->index + folio_nr_pages(folio);
}

static inline bool folio_test_dirty(const struct folio *f) { return f->flags & PG_dirty; }
static inline bool folio_test_writeback(const struct folio *f) { return f->flags & PG_writeback; }
static inline bool folio_test_uptodate(const struct folio *f) { return f->flags & PG_uptodate; }
static inline bool folio_test_locked(const struct folio *f) { return f->flags & PG_locked; }

/* errseq_t (lib/errseq.c): an error and a counter that moves when it is seen and set again. */
typedef uint32_t errseq_t;

errseq_t errseq_set(errseq_t *eseq, int err);
errseq_t errseq_sample(errseq_t *eseq);
int errseq_check_and_advance(errseq_t *eseq, errseq_t *since);

enum writeback_sync_modes {
	WB_SYNC_NONE,	/* do not wait on anything: background writeback */
	WB_SYNC_ALL,	/* wait on every folio: data integrity (fsync, sync) */
};

/* Where the page cache's memory and clock come from: one per simulated machine. */
struct zw_log;

struct mm_ctx {
	struct sim_loop *loop;
	struct zw_log *log;		/* folio and writeback events, or NULL */
	uint64_t nr_dirty_pages;	/* over every mapping */
	uint64_t nr_writeback_pages;
	bool tags;			/* keep block tags instead of bytes */
	/*
	 * The dirty-limit policy (mm/page-writeback.c): past the background
	 * threshold the flusher writes back (WB_SYNC_NONE) until below it;
	 * past the limit a writer waits; every interval the flusher writes
	 * back mappings dirtied longer ago than the expiry.  0 turns a rule off.
	 */
	uint64_t dirty_background_pages;
	uint64_t dirty_limit_pages;
	uint64_t writeback_interval_ns;
	uint64_t dirty_expire_ns;
	uint64_t next_flush_ns;
	struct address_space **mappings;	/* the bdi's dirty inodes, simplified */
	size_t nr_mappings;
	uint64_t dirty_seq;		/* counts mappings going dirty: the b_dirty order */
	/*
	 * The flusher's WB_SYNC_NONE chunk (writeback_chunk_size()): the
	 * super block's minimum (sb->s_min_writeback_pages: one file system
	 * per machine here) and the device's estimated write bandwidth
	 * (wb->avg_write_bandwidth, pages a second: the kernel's starting
	 * estimate, INIT_BW; it has no clock to measure one).
	 */
	uint64_t min_writeback_pages;
	uint64_t avg_write_bandwidth;
};

/* include/linux/writeback.h, mm/backing-dev.c */
#define MIN_WRITEBACK_PAGES	(4096ul >> (PAGE_SHIFT - 10))	/* 4 MiB */
#define DIRTY_SCOPE		8
#define INIT_BW			(100ul << (20 - PAGE_SHIFT))	/* 100 MiB/s */

/* struct wb_writeback_work (fs/fs-writeback.c): one job of the flusher */
struct wb_writeback_work {
	long nr_pages;			/* pages to write; decremented */
	enum writeback_sync_modes sync_mode;
	bool for_background;		/* stop once below the background threshold */
	bool for_kupdate;		/* only mappings dirty for longer than the expiry */
};

/*
 * The kernel's defaults on a machine of @memory bytes: background writeback
 * at 10% dirty, writers throttled at 20%, a flush every 5 s of what has been
 * dirty for 30 s (dirty_background_ratio, dirty_ratio,
 * dirty_writeback_centisecs, dirty_expire_centisecs).
 */
void mm_ctx_init(struct mm_ctx *mm, struct sim_loop *loop, uint64_t memory, bool tags);
/* balance_dirty_pages(): called after a buffered write dirtied the cache. */
void balance_dirty_pages(struct mm_ctx *mm);
/* Let virtual time pass (run what completes), with the periodic flusher. */
void mm_advance(struct mm_ctx *mm, uint64_t ns);
/*
 * wb_writeback() (fs/fs-writeback.c): the flusher runs @work over the dirty
 * mappings in the order they went dirty, a chunk each in turn
 * (writeback_sb_inodes()), without waiting for the I/O.  Returns the pages
 * written.
 */
long wb_writeback(struct mm_ctx *mm, struct wb_writeback_work *work);
/*
 * The pages of one chunk for the flusher (writeback_chunk_size()): LONG_MAX
 * for WB_SYNC_ALL; for WB_SYNC_NONE min(bandwidth / 2, dirty limit /
 * DIRTY_SCOPE, @nr_pages) rounded down after adding the minimum chunk.
 */
long writeback_chunk_size(const struct mm_ctx *mm, enum writeback_sync_modes sync_mode, long nr_pages);
/*
 * What sync(2) starts before its data-integrity pass (ksys_sync():
 * wakeup_flusher_threads(WB_REASON_SYNC), run as wb_check_start_all()): a
 * WB_SYNC_NONE work of every page dirty now.  The file system's ->sync
 * then does the WB_SYNC_ALL pass (sync_inodes_sb()) and waits.
 */
void wakeup_flusher_threads(struct mm_ctx *mm);

struct address_space_operations {
	/* Write back dirty folios (->writepages). */
	int (*writepages)(struct address_space *mapping, struct writeback_control *wbc);
	/*
	 * Read the bytes of a folio range from storage into @buf (read_folio,
	 * simplified); the caller keeps them as bytes or as tags.
	 */
	int (*read_range)(struct address_space *mapping, struct folio *folio, size_t off, size_t len,
			  void *buf);
};

struct address_space {
	struct inode *host;
	struct mm_ctx *mm;
	const struct address_space_operations *a_ops;
	struct folio **folios;		/* sorted by index (the kernel: an xarray) */
	size_t nr_folios, max_folios;
	size_t lookup_hint;		/* filemap_get_folio(): where to look first */
	uint64_t nr_dirty;		/* dirty folios */
	errseq_t wb_err;
	pgoff_t writeback_index;	/* where cyclic writeback goes on */
	unsigned int min_order, max_order;	/* folio sizes the mapping allows */
	uint64_t dirtied_when;		/* virtual ns when it went from clean to dirty */
	uint64_t dirtied_seq;		/* mm->dirty_seq then: its place on b_dirty */
	unsigned long flags;		/* AS_EIO, AS_ENOSPC: the legacy error bits */
};

/* address_space->flags (enum mapping_flags) */
#define AS_EIO		(1ul << 0)
#define AS_ENOSPC	(1ul << 1)

struct inode {
	uint64_t i_ino;
	loff_t i_size;
	unsigned int i_blkbits;
	uint8_t i_write_hint;
	struct address_space i_data;
	void *i_private;		/* the file system's inode */
};

static inline unsigned int i_blocksize(const struct inode *inode)
{
	return 1u << inode->i_blkbits;
}

/* A file opened on an inode: its own view of the mapping's errors. */
struct file {
	struct inode *f_inode;
	errseq_t f_wb_err;
};

struct writeback_control {
	long nr_to_write;		/* pages to write; decremented */
	loff_t range_start, range_end;	/* bytes, inclusive */
	enum writeback_sync_modes sync_mode;
	bool range_cyclic;		/* start where the last one stopped */
	/* writeback_iter()'s own state */
	pgoff_t index, end;
	size_t pos;			/* position in mapping->folios: where to look first */
	int saved_err;
};

void inode_init(struct inode *inode, struct mm_ctx *mm, uint64_t ino, unsigned int blkbits,
		const struct address_space_operations *a_ops);
/* Drop every folio (the inode goes away); waits for writeback first. */
void inode_release(struct inode *inode);

struct folio *filemap_get_folio(struct address_space *mapping, pgoff_t index);
/*
 * Find or make the folio for a buffered write of @len bytes at @pos
 * (__filemap_get_folio() with FGP_WRITEBEGIN and fgf_set_order(len)): a large
 * aligned write gets a large folio when the mapping allows it.
 */
struct folio *filemap_get_write_folio(struct address_space *mapping, loff_t pos, size_t len);
/*
 * The same for a write that fills all of [@pos, @pos + @len) before
 * anything reads it: a new folio wholly within the range is not zeroed.
 */
struct folio *filemap_get_write_folio_fill(struct address_space *mapping, loff_t pos, size_t len);

void folio_lock(struct folio *folio);
void folio_unlock(struct folio *folio);
/* Mark dirty (filemap_dirty_folio()): true when it was clean. */
bool folio_mark_dirty(struct folio *folio);
/* Clear dirty for writeback (folio_clear_dirty_for_io()): true when it was dirty. */
bool folio_clear_dirty_for_io(struct folio *folio);
void folio_start_writeback(struct folio *folio);
void folio_end_writeback(struct folio *folio);
/* Run the simulation until the folio is off writeback (folio_wait_writeback()). */
void folio_wait_writeback(struct folio *folio);

/* mapping_set_error(): record a writeback error for fsync to report. */
void mapping_set_error(struct address_space *mapping, int error);
/* file_check_and_advance_wb_err(): 0, or the error this file has not seen. */
int file_check_and_advance_wb_err(struct file *file);
void file_open(struct file *file, struct inode *inode);

/* writeback_iter(): the next folio to write back, locked and clean; NULL at the end. */
struct folio *writeback_iter(struct address_space *mapping, struct writeback_control *wbc,
			     struct folio *folio, int *error);
/* do_writepages() */
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
/* filemap_write_and_wait_range() then the errors for @file: what fsync returns. */
int vfs_fsync(struct file *file);
/*
 * Drop every clean folio not under writeback (invalidate_mapping_pages()),
 * as reclaim would: what was written back need not stay cached.  Returns
 * the folios dropped.
 */
size_t invalidate_mapping_pages(struct address_space *mapping);
/* Drop folios past @newsize, zero the tail of the last (truncate_setsize()). */
void truncate_setsize(struct inode *inode, loff_t newsize);

/*
 * Write back the dirty folios of bytes [@lstart, @lend] (WB_SYNC_ALL) and
 * wait until none of that range is under writeback
 * (filemap_write_and_wait_range()).  0, or what writeback returned.
 */
int filemap_write_and_wait_range(struct address_space *mapping, loff_t lstart, loff_t lend);
/*
 * Drop the folios of pages [@start, @end] after waiting for their
 * writeback (invalidate_inode_pages2_range()); a dirty folio stays and
 * makes it -EBUSY.  0 or -EBUSY.
 */
int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start, pgoff_t end);

#endif
