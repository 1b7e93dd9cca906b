// SPDX-License-Identifier: MIT
/*
 * The flusher's works over several dirty files (fs/fs-writeback.c, Linux
 * 7.2), as sync(2) and the dirty thresholds start them:
 *
 * - writeback_chunk_size(): WB_SYNC_ALL writes an inode whole; WB_SYNC_NONE
 *   min(avg_write_bandwidth / 2, dirty limit / DIRTY_SCOPE, the work's pages
 *   left) rounded down after adding the super block's minimum chunk
 *   (s_min_writeback_pages: 4 MiB, or what the file system set).
 * - writeback_sb_inodes() with requeue_inode(): each inode of b_io in turn,
 *   oldest dirtied first (queue_io(), __mark_inode_dirty()), one chunk each;
 *   an inode with its chunk used up and pages left goes to b_more_io and
 *   comes round again after the others.
 * - ksys_sync(): wakeup_flusher_threads() (wb_check_start_all(): WB_SYNC_NONE,
 *   every page dirty now) before the WB_SYNC_ALL pass of sync_inodes_sb().
 * - wb_check_background_flush(): background writeback stops once the dirty
 *   pages are at or below the background threshold (wb_over_bg_thresh()).
 *
 * Each file's ->writepages here records which file it wrote, how many
 * pages and in which sync mode, so the order and the chunks are visible.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "event.h"
#include "mm.h"

struct call {
	uint64_t ino;
	long pages;
	enum writeback_sync_modes mode;
};

static struct call calls[256];
static unsigned int nr_calls;

static int record_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct folio *folio = NULL;
	long pages = 0;
	int error = 0;

	while ((folio = writeback_iter(mapping, wbc, folio, &error))) {
		pages += (long)folio_nr_pages(folio);
		folio_unlock(folio);
	}
	assert_true(nr_calls < 256);
	calls[nr_calls++] = (struct call){ mapping->host->i_ino, pages, wbc->sync_mode };
	return error;
}

static const struct address_space_operations record_aops = { .writepages = record_writepages };

struct machine {
	struct sim_loop loop;
	struct mm_ctx mm;
	struct inode inode[4];
	unsigned int nr;
};

static void machine_init(struct machine *m, unsigned int nr_files)
{
	memset(m, 0, sizeof(*m));
	sim_loop_init(&m->loop, SIM_COMPLETE_FIFO, 0);
	mm_ctx_init(&m->mm, &m->loop, 1ull << 30, false);
	m->nr = nr_files;
	for (unsigned int i = 0; i < nr_files; i++) {
		inode_init(&m->inode[i], &m->mm, 100 + i, PAGE_SHIFT, &record_aops);
		m->inode[i].i_data.max_order = 0;	/* one page a folio: pages are folios */
	}
	nr_calls = 0;
}

static void machine_free(struct machine *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		inode_release(&m->inode[i]);
}

/* Dirty @pages pages of file @i from page @first on, as a buffered write would. */
static void dirty(struct machine *m, unsigned int i, pgoff_t first, unsigned long pages)
{
	struct inode *inode = &m->inode[i];

	for (pgoff_t p = first; p < first + pages; p++) {
		struct folio *folio = filemap_get_write_folio(&inode->i_data, (loff_t)p << PAGE_SHIFT, PAGE_SIZE);

		assert_non_null(folio);
		folio->flags |= PG_uptodate;
		folio_mark_dirty(folio);
		if (inode->i_size < (loff_t)(p + 1) << PAGE_SHIFT)
			inode->i_size = (loff_t)(p + 1) << PAGE_SHIFT;
	}
}

static void expect_call(unsigned int n, uint64_t ino, long pages, enum writeback_sync_modes mode)
{
	assert_true(n < nr_calls);
	assert_int_equal(calls[n].ino, ino);
	assert_int_equal(calls[n].pages, pages);
	assert_int_equal(calls[n].mode, mode);
}

/* writeback_chunk_size(): the three limits, the rounding, and WB_SYNC_ALL */
static void chunk_size_follows_bandwidth_dirty_limit_and_minimum(void **state)
{
	struct mm_ctx mm;

	(void)state;
	mm_ctx_init(&mm, NULL, 1ull << 30, false);
	mm.dirty_limit_pages = 52416;			/* 20% of 1 GiB, as domain_dirty_limits() */
	/* dirty limit / 8 = 6552 < bandwidth / 2 = 12800: (6552 + 1024) rounded down to 1024s */
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_NONE, LONG_MAX), 7168);
	/* the work's pages left are a limit too */
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_NONE, 100), 1024);
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_NONE, 3000), 3072);
	/* a large dirty limit: half the bandwidth, 12800 + 1024 rounded down */
	mm.dirty_limit_pages = 1u << 20;
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_NONE, LONG_MAX), 13312);
	/* a zone of 64 MiB as the minimum (zoned XFS): never less than a zone */
	mm.min_writeback_pages = 16384;
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_NONE, LONG_MAX), 16384);
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_NONE, 10), 16384);
	/* WB_SYNC_ALL: the whole inode */
	assert_int_equal(writeback_chunk_size(&mm, WB_SYNC_ALL, 10), LONG_MAX);
}

/*
 * sync(2): the flusher's WB_SYNC_NONE pass goes first, round robin in
 * chunks over the files in the order they were dirtied (b, then a, then
 * c), before any WB_SYNC_ALL writeback.
 */
static void sync_flusher_pass_round_robin_in_dirtied_order(void **state)
{
	struct machine m;

	(void)state;
	machine_init(&m, 3);
	m.mm.dirty_limit_pages = 52416;	/* chunks of 7168 pages */
	dirty(&m, 1, 0, 10000);		/* b first */
	dirty(&m, 0, 0, 8000);
	dirty(&m, 2, 0, 500);
	wakeup_flusher_threads(&m.mm);
	assert_int_equal(nr_calls, 5);
	expect_call(0, 101, 7168, WB_SYNC_NONE);	/* b: a chunk */
	expect_call(1, 100, 7168, WB_SYNC_NONE);	/* a: a chunk */
	expect_call(2, 102, 500, WB_SYNC_NONE);		/* c: all it has, clean: not requeued */
	expect_call(3, 101, 10000 - 7168, WB_SYNC_NONE);	/* b's next turn, from b_more_io */
	expect_call(4, 100, 8000 - 7168, WB_SYNC_NONE);
	assert_int_equal(m.mm.nr_dirty_pages, 0);
	machine_free(&m);
}

/* The work is of the pages dirty when sync started: it stops when they are written. */
static void sync_flusher_pass_writes_the_pages_dirty_at_its_start(void **state)
{
	struct machine m;

	(void)state;
	machine_init(&m, 2);
	m.mm.dirty_limit_pages = 52416;
	dirty(&m, 0, 0, 3000);
	dirty(&m, 1, 0, 3000);
	wakeup_flusher_threads(&m.mm);
	/* the first chunk is min(6552, 6000 left) + 1024 rounded down = 7168: all of a */
	expect_call(0, 100, 3000, WB_SYNC_NONE);
	/* then 3000 left: 3000 + 1024 rounded down to 3072: all of b */
	expect_call(1, 101, 3000, WB_SYNC_NONE);
	assert_int_equal(nr_calls, 2);
	machine_free(&m);
}

/* With zoned XFS's minimum chunk of a zone, a file smaller than a zone goes out whole, in order. */
static void zone_sized_minimum_chunk_writes_each_file_whole(void **state)
{
	struct machine m;

	(void)state;
	machine_init(&m, 3);
	m.mm.dirty_limit_pages = 52416;
	m.mm.min_writeback_pages = 16384;
	for (unsigned int i = 0; i < 3; i++)
		dirty(&m, i, 0, 15360);		/* 60 MiB each */
	wakeup_flusher_threads(&m.mm);
	assert_int_equal(nr_calls, 3);
	for (unsigned int i = 0; i < 3; i++)
		expect_call(i, 100 + i, 15360, WB_SYNC_NONE);
	machine_free(&m);
}

/* A file dirtied again after it was written goes to the back (b_dirty's tail). */
static void redirtied_file_goes_behind_the_others(void **state)
{
	struct machine m;

	(void)state;
	machine_init(&m, 2);
	dirty(&m, 0, 0, 10);
	wakeup_flusher_threads(&m.mm);
	dirty(&m, 1, 0, 10);
	dirty(&m, 0, 10, 10);
	nr_calls = 0;
	wakeup_flusher_threads(&m.mm);
	expect_call(0, 101, 10, WB_SYNC_NONE);
	expect_call(1, 100, 10, WB_SYNC_NONE);
	machine_free(&m);
}

/* Background writeback: chunks until at or below the background threshold, then it stops. */
static void background_writeback_stops_below_the_threshold(void **state)
{
	struct machine m;

	(void)state;
	machine_init(&m, 2);
	m.mm.dirty_limit_pages = 0;		/* no throttling of the writer */
	m.mm.dirty_background_pages = 2000;
	m.mm.writeback_interval_ns = 0;
	m.mm.min_writeback_pages = 1024;
	m.mm.avg_write_bandwidth = 2048;	/* chunks of (1024 + 1024) rounded: 2048 pages */
	dirty(&m, 0, 0, 3000);
	dirty(&m, 1, 0, 1500);
	balance_dirty_pages(&m.mm);
	/* 4500 dirty: a gets 2048 (2452 left, still over), then b 1500 (952 left): stop */
	assert_int_equal(nr_calls, 2);
	expect_call(0, 100, 2048, WB_SYNC_NONE);
	expect_call(1, 101, 1500, WB_SYNC_NONE);
	assert_int_equal(m.mm.nr_dirty_pages, 952);
	machine_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chunk_size_follows_bandwidth_dirty_limit_and_minimum),
		cmocka_unit_test(sync_flusher_pass_round_robin_in_dirtied_order),
		cmocka_unit_test(sync_flusher_pass_writes_the_pages_dirty_at_its_start),
		cmocka_unit_test(zone_sized_minimum_chunk_writes_each_file_whole),
		cmocka_unit_test(redirtied_file_goes_behind_the_others),
		cmocka_unit_test(background_writeback_stops_below_the_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
