// SPDX-License-Identifier: MIT
/*
 * writeback_iter() (mm/page-writeback.c): which dirty folios a writeback
 * pass visits, in which order, and when it stops: WB_SYNC_NONE at the
 * first error or when nr_to_write runs out, WB_SYNC_ALL through errors
 * and past nr_to_write, returning the first error; cyclic writeback
 * resuming where it stopped without wrapping around; folios under
 * writeback skipped or waited for.  Then, through iomap, folios past EOF.
 *
 * Most tests drive writeback_iter() by hand, as a ->writepages would, with
 * a per-folio result the test chooses.
 */
#include "fakefs.h"

#define DEV	"emu:zones=8,zone_size=4M,conv=7"

struct visit {
	pgoff_t index[64];
	unsigned int nr;
	int error;		/* what writeback_iter() left in *error at the end */
};

/* Walk writeback_iter() like a ->writepages; folio @fail_index[i] "fails" with @fail_err[i]. */
static void walk(struct fake_fs *fs, struct writeback_control *wbc, const pgoff_t *fail_index,
		 const int *fail_err, unsigned int nr_fail, struct visit *v)
{
	struct address_space *mapping = &fs->inode.i_data;
	struct folio *folio = NULL;
	int error = 0;

	memset(v, 0, sizeof(*v));
	while ((folio = writeback_iter(mapping, wbc, folio, &error))) {
		assert_true(folio_test_locked(folio));
		assert_false(folio_test_dirty(folio));	/* cleaned for I/O */
		assert_true(v->nr < 64);
		v->index[v->nr++] = folio->index;
		error = 0;
		for (unsigned int i = 0; i < nr_fail; i++)
			if (fail_index[i] == folio->index)
				error = fail_err[i];
		folio_unlock(folio);
	}
	v->error = error;
}

static void write_pages(struct fake_fs *fs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		fake_write(fs, (loff_t)i * 4 * KiB, 4 * KiB);
}

static bool dirty_at(struct fake_fs *fs, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(&fs->inode.i_data, index);

	assert_non_null(folio);
	return folio_test_dirty(folio);
}

static struct writeback_control wbc_of(enum writeback_sync_modes mode, long nr_to_write)
{
	return (struct writeback_control){
		.sync_mode = mode, .nr_to_write = nr_to_write, .range_start = 0,
		.range_end = INT64_MAX,
	};
}

static void background_writeback_stops_at_the_first_error(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 1024);
	const pgoff_t fail[] = { 2 };
	const int err[] = { -EIO };
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	walk(fs, &wbc, fail, err, 1, &v);
	assert_int_equal(v.nr, 3);
	assert_int_equal(v.index[2], 2);
	assert_int_equal(v.error, -EIO);
	assert_true(dirty_at(fs, 3));
	assert_true(dirty_at(fs, 4));
	fake_fs_free(fs);
}

static void background_writeback_stops_when_nr_to_write_runs_out(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 3);
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 3);
	assert_int_equal(v.error, 0);
	assert_int_equal(wbc.nr_to_write, 0);
	assert_false(dirty_at(fs, 2));
	assert_true(dirty_at(fs, 3));
	assert_true(dirty_at(fs, 4));
	fake_fs_free(fs);
}

static void nr_to_write_counts_pages_so_a_large_folio_uses_up_several(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 2);
	struct visit v;

	(void)state;
	fake_write(fs, 0, 16 * KiB);	/* 4 pages */
	fake_write(fs, 16 * KiB, 4 * KiB);
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 1);
	assert_int_equal(wbc.nr_to_write, -2);
	assert_true(dirty_at(fs, 4));
	fake_fs_free(fs);
}

static void integrity_writeback_goes_on_after_errors_and_returns_the_first(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1024);
	const pgoff_t fail[] = { 1, 3 };
	const int err[] = { -ENOSPC, -EIO };
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	walk(fs, &wbc, fail, err, 2, &v);
	assert_int_equal(v.nr, 5);
	assert_int_equal(v.error, -ENOSPC);
	for (pgoff_t i = 0; i < 5; i++)
		assert_false(dirty_at(fs, i));
	fake_fs_free(fs);
}

static void integrity_writeback_goes_past_nr_to_write(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1);
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 5);
	assert_int_equal(v.error, 0);
	fake_fs_free(fs);
}

static void an_error_does_not_outlive_its_writeback_pass(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1024);
	const pgoff_t fail[] = { 0 };
	const int err[] = { -EIO };
	struct visit v;

	(void)state;
	write_pages(fs, 2);
	walk(fs, &wbc, fail, err, 1, &v);
	assert_int_equal(v.error, -EIO);
	write_pages(fs, 2);
	wbc = wbc_of(WB_SYNC_ALL, 1024);
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 2);
	assert_int_equal(v.error, 0);
	fake_fs_free(fs);
}

static void folios_come_in_index_order_whatever_order_they_were_written_in(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1024);
	const pgoff_t order[] = { 7, 0, 5, 2, 9, 1 };
	const pgoff_t want[] = { 0, 1, 2, 5, 7, 9 };
	struct visit v;

	(void)state;
	for (unsigned int i = 0; i < 6; i++)
		fake_write(fs, (loff_t)order[i] * 4 * KiB, 4 * KiB);
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 6);
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(v.index[i], want[i]);
	fake_fs_free(fs);
}

static void clean_folios_are_not_visited(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1024);
	struct visit v;

	(void)state;
	write_pages(fs, 4);
	assert_int_equal(fake_sync(fs), 0);
	fake_write_gen(fs, 8 * KiB, 4 * KiB, 1);
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 1);
	assert_int_equal(v.index[0], 2);
	fake_fs_free(fs);
}

static void only_folios_in_the_range_are_visited(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1024);
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	wbc.range_start = 4 * KiB;
	wbc.range_end = 12 * KiB - 1;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 2);
	assert_int_equal(v.index[0], 1);
	assert_int_equal(v.index[1], 2);
	assert_true(dirty_at(fs, 0));
	assert_true(dirty_at(fs, 3));
	fake_fs_free(fs);
}

/*
 * filemap_get_folios_tag() finds a large folio from any index inside it,
 * so a range that starts in the middle of one writes that folio.
 */
static void a_range_starting_inside_a_large_folio_includes_that_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_ALL, 1024);
	struct visit v;

	(void)state;
	fake_write(fs, 0, 16 * KiB);
	fake_write(fs, 16 * KiB, 4 * KiB);
	wbc.range_start = 8 * KiB;
	wbc.range_end = 12 * KiB - 1;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 1);
	assert_int_equal(v.index[0], 0);
	assert_true(dirty_at(fs, 4));
	fake_fs_free(fs);
}

/* --- cyclic writeback ----------------------------------------------------- */

static void a_cyclic_cursor_inside_a_large_folio_includes_that_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 1024);
	struct visit v;

	(void)state;
	/* the cursor was left at page 2 when smaller folios were cached there */
	fake_write(fs, 0, 16 * KiB);
	fs->inode.i_data.writeback_index = 2;
	wbc.range_cyclic = true;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 1);
	assert_int_equal(v.index[0], 0);
	fake_fs_free(fs);
}


static void cyclic_writeback_resumes_where_it_stopped(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc;
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	wbc = wbc_of(WB_SYNC_NONE, 2);
	wbc.range_cyclic = true;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 2);
	assert_int_equal(v.index[0], 0);
	assert_int_equal(fs->inode.i_data.writeback_index, 2);

	fake_write_gen(fs, 0, 4 * KiB, 1);	/* dirty again, behind the cursor */
	wbc = wbc_of(WB_SYNC_NONE, 2);
	wbc.range_cyclic = true;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 2);
	assert_int_equal(v.index[0], 2);
	assert_int_equal(v.index[1], 3);
	assert_int_equal(fs->inode.i_data.writeback_index, 4);

	wbc = wbc_of(WB_SYNC_NONE, 2);
	wbc.range_cyclic = true;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 1);
	assert_int_equal(v.index[0], 4);
	/* it ran out of folios: the next pass starts over */
	assert_int_equal(fs->inode.i_data.writeback_index, 0);
	assert_true(dirty_at(fs, 0));
	fake_fs_free(fs);
}

static void cyclic_writeback_does_not_wrap_around(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 1024);
	struct visit v;

	(void)state;
	write_pages(fs, 5);
	fs->inode.i_data.writeback_index = 3;
	wbc.range_cyclic = true;
	walk(fs, &wbc, NULL, NULL, 0, &v);
	assert_int_equal(v.nr, 2);
	assert_int_equal(v.index[0], 3);
	assert_int_equal(v.index[1], 4);
	assert_int_equal(fs->inode.i_data.writeback_index, 0);
	for (pgoff_t i = 0; i < 3; i++)
		assert_true(dirty_at(fs, i));
	fake_fs_free(fs);
}

static void cyclic_writeback_stopped_by_an_error_resumes_after_the_failed_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 1024);
	const pgoff_t fail[] = { 1 };
	const int err[] = { -EIO };
	struct visit v;

	(void)state;
	write_pages(fs, 4);
	wbc.range_cyclic = true;
	walk(fs, &wbc, fail, err, 1, &v);
	assert_int_equal(v.nr, 2);
	assert_int_equal(fs->inode.i_data.writeback_index, 2);
	fake_fs_free(fs);
}

/* --- folios under writeback --------------------------------------------------- */

static void background_writeback_skips_a_folio_under_writeback_and_integrity_waits(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 1024);
	struct folio *folio;

	(void)state;
	fake_write_gen(fs, 0, 4 * KiB, 0);
	folio = fs->inode.i_data.folios[0];
	assert_int_equal(do_writepages(&fs->inode.i_data, &wbc), 0);	/* no completions run */
	assert_true(folio_test_writeback(folio));
	fake_write_gen(fs, 0, 4 * KiB, 1);	/* dirty again while under writeback */
	assert_true(folio_test_dirty(folio));

	wbc = wbc_of(WB_SYNC_NONE, 1024);
	assert_int_equal(do_writepages(&fs->inode.i_data, &wbc), 0);
	assert_int_equal(fs->nr_range, 1);	/* skipped */
	assert_true(folio_test_dirty(folio));

	wbc = wbc_of(WB_SYNC_ALL, 1024);
	assert_int_equal(do_writepages(&fs->inode.i_data, &wbc), 0);
	assert_int_equal(fs->nr_range, 2);	/* waited, then written */
	assert_false(folio_test_dirty(folio));
	sim_run(&fs->loop);
	assert_true(fake_dev_holds(fs, 0, 0, 4 * KiB, 1));
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

/* --- end of file, through iomap ------------------------------------------------ */

static void folios_wholly_past_eof_are_not_written(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	const char *log;
	json_object *o;

	(void)state;
	write_pages(fs, 3);
	fs->inode.i_size = 4 * KiB;	/* shrunk, the page cache not yet truncated */
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_range, 1);
	assert_int_equal(fs->range_pos[0], 0);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].size, 4 * KiB);
	log = fake_log(fs);
	assert_int_equal(log_count(log, "folio_writeback_start"), 1);
	o = log_event_nth(log, "folio_writeback_start", 0);
	assert_int_equal(json_int(o, "pos"), 0);
	json_object_put(o);
	assert_true(fake_dev_zero(fs, 4 * KiB, 8 * KiB));
	assert_no_folio_busy(fs);
	assert_nothing_dirty(fs);
	fake_fs_free(fs);
}

static void a_folio_straddling_eof_is_written_up_to_eof_and_zeroed_past_it(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 8 * KiB);	/* one 8 KiB folio */
	fs->inode.i_size = 6000;
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].size, 6000);
	assert_int_equal(fs->sub[0].bio_bytes, 8 * KiB);
	assert_true(fake_dev_holds(fs, 0, 0, 6000, 0));
	assert_true(fake_dev_zero(fs, 6000, 8 * KiB - 6000));
	fake_fs_free(fs);
}

static void a_folio_ending_exactly_at_eof_is_written_whole(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	write_pages(fs, 2);
	assert_int_equal(fs->inode.i_size, 8 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].size, 8 * KiB);
	fake_fs_free(fs);
}

static void background_writeback_through_iomap_ends_the_pending_ioend_with_the_error(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct writeback_control wbc = wbc_of(WB_SYNC_NONE, 1024);

	(void)state;
	write_pages(fs, 5);
	fake_fail_at(fs, 8 * KiB, -EIO);
	assert_int_equal(do_writepages(&fs->inode.i_data, &wbc), -EIO);
	sim_run(&fs->loop);
	/* folios 0 and 1 were in the pending ioend: iomap_writepages() submits it with the error */
	assert_int_equal(fs->nr_range, 3);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].offset, 0);
	assert_int_equal(fs->sub[0].size, 8 * KiB);
	assert_int_equal(fs->sub[0].error, -EIO);
	assert_int_equal(fs->bdev.nr_device_cmds, 0);
	assert_true(dirty_at(fs, 3));
	assert_true(dirty_at(fs, 4));
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(background_writeback_stops_at_the_first_error),
		cmocka_unit_test(background_writeback_stops_when_nr_to_write_runs_out),
		cmocka_unit_test(nr_to_write_counts_pages_so_a_large_folio_uses_up_several),
		cmocka_unit_test(integrity_writeback_goes_on_after_errors_and_returns_the_first),
		cmocka_unit_test(integrity_writeback_goes_past_nr_to_write),
		cmocka_unit_test(an_error_does_not_outlive_its_writeback_pass),
		cmocka_unit_test(folios_come_in_index_order_whatever_order_they_were_written_in),
		cmocka_unit_test(clean_folios_are_not_visited),
		cmocka_unit_test(only_folios_in_the_range_are_visited),
		cmocka_unit_test(a_range_starting_inside_a_large_folio_includes_that_folio),
		cmocka_unit_test(a_cyclic_cursor_inside_a_large_folio_includes_that_folio),
		cmocka_unit_test(cyclic_writeback_resumes_where_it_stopped),
		cmocka_unit_test(cyclic_writeback_does_not_wrap_around),
		cmocka_unit_test(cyclic_writeback_stopped_by_an_error_resumes_after_the_failed_folio),
		cmocka_unit_test(background_writeback_skips_a_folio_under_writeback_and_integrity_waits),
		cmocka_unit_test(folios_wholly_past_eof_are_not_written),
		cmocka_unit_test(a_folio_straddling_eof_is_written_up_to_eof_and_zeroed_past_it),
		cmocka_unit_test(a_folio_ending_exactly_at_eof_is_written_whole),
		cmocka_unit_test(background_writeback_through_iomap_ends_the_pending_ioend_with_the_error),
	};

	return _cmocka_run_group_tests("writeback_iter", tests, sizeof(tests) / sizeof(tests[0]),
				       NULL, NULL) ? 1 : 0;
}
