// SPDX-License-Identifier: MIT
/*
 * Large folios: the folio sizes buffered writes get
 * (__filemap_get_folio() with fgf_set_order(len)), and writeback of a
 * large folio that several extents map: one ioend per extent, and the
 * folio leaves writeback only when every byte of it has completed
 * (iomap_folio_state.write_bytes_pending).
 */
#include "fakefs.h"

#define DEV	"emu:zones=8,zone_size=4M,conv=7"

static struct folio *folio_at(struct fake_fs *fs, loff_t pos)
{
	return filemap_get_folio(&fs->inode.i_data, (pgoff_t)pos >> PAGE_SHIFT);
}

/* Every folio is naturally aligned, and together they cover [pos, pos + len) without gaps. */
static void assert_folios_tile(struct fake_fs *fs, loff_t pos, size_t len)
{
	struct address_space *mapping = &fs->inode.i_data;
	loff_t next = pos;

	for (size_t i = 0; i < mapping->nr_folios; i++) {
		struct folio *folio = mapping->folios[i];

		assert_int_equal(folio->index & (folio_nr_pages(folio) - 1), 0);
		assert_int_equal(folio_pos(folio), next);
		next += (loff_t)folio_size(folio);
	}
	assert_int_equal(next, pos + (loff_t)len);
}

static void a_2MiB_aligned_buffered_write_gets_one_order_9_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct folio *folio;

	(void)state;
	fake_write(fs, 2 * MiB, 2 * MiB);
	assert_int_equal(fs->inode.i_data.nr_folios, 1);
	folio = fs->inode.i_data.folios[0];
	assert_int_equal(folio->order, 9);
	assert_int_equal(folio_size(folio), 2 * MiB);
	assert_int_equal(folio_pos(folio), 2 * MiB);
	assert_true(folio_test_dirty(folio));
	assert_non_null(folio->private);	/* 512 blocks: per-block state */
	fake_fs_free(fs);
}

static void a_write_larger_than_2MiB_gets_folios_of_at_most_2MiB(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 6 * MiB);
	assert_int_equal(fs->inode.i_data.nr_folios, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(fs->inode.i_data.folios[i]->order, MAX_PAGECACHE_ORDER);
	fake_fs_free(fs);
}

static void a_2MiB_write_at_an_unaligned_offset_gets_smaller_aligned_folios(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct address_space *mapping = &fs->inode.i_data;

	(void)state;
	fake_write(fs, 4 * KiB, 2 * MiB);
	assert_true(mapping->nr_folios > 1);
	for (size_t i = 0; i < mapping->nr_folios; i++)
		assert_true(mapping->folios[i]->order < 9);
	assert_int_equal(mapping->folios[0]->order, 0);	/* index 1: only a page is aligned */
	assert_int_equal(mapping->folios[1]->order, 1);	/* index 2: two pages */
	assert_int_equal(mapping->folios[2]->order, 2);	/* index 4: four */
	assert_folios_tile(fs, 4 * KiB, 2 * MiB);
	fake_fs_free(fs);
}

static void a_small_write_gets_a_single_page_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 64 * KiB, 100);
	assert_int_equal(fs->inode.i_data.nr_folios, 2);
	assert_int_equal(fs->inode.i_data.folios[0]->order, 0);
	assert_int_equal(fs->inode.i_data.folios[1]->order, 0);
	assert_null(fs->inode.i_data.folios[0]->private);	/* one block: no per-block state */
	fake_fs_free(fs);
}

static void a_16KiB_aligned_write_gets_an_order_2_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 16 * KiB, 16 * KiB);
	assert_int_equal(fs->inode.i_data.nr_folios, 1);
	assert_int_equal(fs->inode.i_data.folios[0]->order, 2);
	fake_fs_free(fs);
}

static void a_write_that_is_not_a_power_of_two_gets_the_order_below(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 24 * KiB);	/* ilog2(24k) = 14: a 16 KiB folio, then 8 KiB */
	assert_int_equal(fs->inode.i_data.nr_folios, 2);
	assert_int_equal(fs->inode.i_data.folios[0]->order, 2);
	assert_int_equal(fs->inode.i_data.folios[1]->order, 1);
	assert_folios_tile(fs, 0, 24 * KiB);
	fake_fs_free(fs);
}

static void a_write_into_a_cached_large_folio_reuses_it(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct folio *folio;

	(void)state;
	fake_write(fs, 0, 2 * MiB);
	folio = fs->inode.i_data.folios[0];
	assert_int_equal(fake_sync(fs), 0);
	fake_write_gen(fs, 8 * KiB, 4 * KiB, 1);
	assert_int_equal(fs->inode.i_data.nr_folios, 1);
	assert_ptr_equal(folio_at(fs, 8 * KiB), folio);
	assert_true(folio_test_dirty(folio));
	fake_fs_free(fs);
}

static void a_large_write_next_to_a_cached_folio_gets_folios_that_fit(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct address_space *mapping = &fs->inode.i_data;

	(void)state;
	fake_write(fs, 64 * KiB, 4 * KiB);	/* in the way of a 2 MiB folio at 0 */
	fake_write(fs, 0, 2 * MiB);
	for (size_t i = 0; i < mapping->nr_folios; i++)
		assert_true(mapping->folios[i]->order < 9);
	assert_folios_tile(fs, 0, 2 * MiB);
	fake_fs_free(fs);
}

/* --- writeback of a large folio --------------------------------------------- */

/* A 2 MiB folio at 0, mapped by four 512 KiB extents with disk gaps between them. */
static struct fake_fs *large_folio_over_four_extents(enum sim_completion_policy policy,
						     uint64_t seed)
{
	struct fake_fs *fs = fake_fs_new_ordered(DEV, 12, policy, seed);

	for (unsigned int i = 0; i < 4; i++)
		fake_add_ext(fs, (loff_t)i * 512 * KiB, 512 * KiB, (uint64_t)(3 - i) * 4 * MiB,
			     IOMAP_MAPPED, 0);
	fake_write(fs, 0, 2 * MiB);
	assert_int_equal(fs->inode.i_data.folios[0]->order, 9);
	fs->track_folio = fs->inode.i_data.folios[0];
	return fs;
}

static void a_large_folio_over_several_extents_makes_one_ioend_per_extent(void **state)
{
	struct fake_fs *fs = large_folio_over_four_extents(SIM_COMPLETE_FIFO, 0);

	(void)state;
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(fs->sub[i].offset, i * 512 * KiB);
		assert_int_equal(fs->sub[i].size, 512 * KiB);
		assert_int_equal(fs->sub[i].bio_bytes, 512 * KiB);
		assert_int_equal(fs->sub[i].segments, 1);
		assert_int_equal(fs->sub[i].sector, (3 - i) * 4 * MiB >> SECTOR_SHIFT);
		assert_true(fake_dev_holds(fs, (3 - i) * 4 * MiB, i * 512 * KiB, 512 * KiB, 0));
	}
	/* one folio, one writeback */
	assert_int_equal(log_count(fake_log(fs), "folio_writeback_start"), 1);
	assert_int_equal(log_count(fake_log(fs), "folio_writeback_end"), 1);
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

static void a_submitted_large_folio_has_all_its_bytes_pending_and_no_bias(void **state)
{
	struct fake_fs *fs = large_folio_over_four_extents(SIM_COMPLETE_FIFO, 0);
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
	};
	struct folio *folio = fs->track_folio;
	struct iomap_folio_state *ifs = folio->private;

	(void)state;
	assert_int_equal(do_writepages(&fs->inode.i_data, &wbc), 0);
	/* everything is submitted, nothing has completed yet: the bias is gone */
	assert_true(folio_test_writeback(folio));
	assert_false(folio_test_dirty(folio));
	assert_int_equal(ifs->write_bytes_pending, 2 * MiB);
	sim_run(&fs->loop);
	assert_false(folio_test_writeback(folio));
	assert_int_equal(ifs->write_bytes_pending, 0);
	fake_fs_free(fs);
}

static void a_large_folio_ends_writeback_only_after_its_last_ioend_completed(void **state)
{
	struct fake_fs *fs = large_folio_over_four_extents(SIM_COMPLETE_FIFO, 0);

	(void)state;
	fs->mode = FAKE_SUBMIT_TRACK;
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_end, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(fs->end[i].error, 0);
		assert_int_equal(fs->end[i].folio_pending, (3 - i) * 512 * KiB);
		assert_int_equal(fs->end[i].folio_writeback, i < 3);
	}
	fake_fs_free(fs);
}

static void shuffled_completions_still_end_a_large_folio_with_its_last_ioend(void **state)
{
	struct fake_fs *fs = large_folio_over_four_extents(SIM_COMPLETE_SHUFFLE, 12345);
	bool in_file_order = true;

	(void)state;
	fs->mode = FAKE_SUBMIT_TRACK;
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_end, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(fs->end[i].folio_pending, (3 - i) * 512 * KiB);
		assert_int_equal(fs->end[i].folio_writeback, i < 3);
		in_file_order &= fs->end[i].offset == (loff_t)(i * 512 * KiB);
	}
	assert_false(in_file_order);	/* this seed reorders them */
	fake_fs_free(fs);
}

static void a_hole_in_a_large_folio_is_not_written_and_does_not_hold_writeback(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 1 * MiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 1 * MiB, 1 * MiB, 1 * MiB, IOMAP_HOLE, 0);
	fake_write(fs, 0, 2 * MiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].size, 1 * MiB);
	assert_true(fake_dev_holds(fs, 0, 0, 1 * MiB, 0));
	assert_true(fake_dev_zero(fs, 1 * MiB, 1 * MiB));
	assert_no_folio_busy(fs);
	assert_nothing_dirty(fs);
	fake_fs_free(fs);
}

static void a_large_folio_that_is_all_hole_leaves_writeback_at_once(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 2 * MiB, 0, IOMAP_HOLE, 0);
	fake_write(fs, 0, 2 * MiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 0);
	assert_int_equal(log_count(fake_log(fs), "folio_writeback_end"), 1);
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

static void only_the_dirty_blocks_of_a_large_folio_are_written_again(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 2 * MiB);
	assert_int_equal(fake_sync(fs), 0);
	fs->nr_sub = 0;
	fake_write_gen(fs, 1 * MiB, 8 * KiB, 1);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].offset, 1 * MiB);
	assert_int_equal(fs->sub[0].size, 8 * KiB);
	assert_true(fake_dev_holds(fs, 1 * MiB, 1 * MiB, 8 * KiB, 1));
	assert_true(fake_dev_holds(fs, 1 * MiB + 8 * KiB, 1 * MiB + 8 * KiB, 8 * KiB, 0));
	fake_fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_2MiB_aligned_buffered_write_gets_one_order_9_folio),
		cmocka_unit_test(a_write_larger_than_2MiB_gets_folios_of_at_most_2MiB),
		cmocka_unit_test(a_2MiB_write_at_an_unaligned_offset_gets_smaller_aligned_folios),
		cmocka_unit_test(a_small_write_gets_a_single_page_folio),
		cmocka_unit_test(a_16KiB_aligned_write_gets_an_order_2_folio),
		cmocka_unit_test(a_write_that_is_not_a_power_of_two_gets_the_order_below),
		cmocka_unit_test(a_write_into_a_cached_large_folio_reuses_it),
		cmocka_unit_test(a_large_write_next_to_a_cached_folio_gets_folios_that_fit),
		cmocka_unit_test(a_large_folio_over_several_extents_makes_one_ioend_per_extent),
		cmocka_unit_test(a_submitted_large_folio_has_all_its_bytes_pending_and_no_bias),
		cmocka_unit_test(a_large_folio_ends_writeback_only_after_its_last_ioend_completed),
		cmocka_unit_test(shuffled_completions_still_end_a_large_folio_with_its_last_ioend),
		cmocka_unit_test(a_hole_in_a_large_folio_is_not_written_and_does_not_hold_writeback),
		cmocka_unit_test(a_large_folio_that_is_all_hole_leaves_writeback_at_once),
		cmocka_unit_test(only_the_dirty_blocks_of_a_large_folio_are_written_again),
	};

	return _cmocka_run_group_tests("iomap_large_folios", tests,
				       sizeof(tests) / sizeof(tests[0]), NULL, NULL) ? 1 : 0;
}
