// SPDX-License-Identifier: MIT
/*
 * Writeback errors with the mandatory ->writeback_submit (the 6.17 seed
 * patch "iomap: hide ioends from the generic writeback code"):
 *
 * - a ->writeback_range that fails part way: iomap_writepages() still
 *   calls ->writeback_submit, with the error, which ends the bio with that
 *   status without sending it; every folio leaves writeback, nothing is
 *   redirtied, and fsync reports the error once per file (errseq);
 * - ops without ->writeback_submit are refused;
 * - errors from the device at completion reach fsync the same way;
 * - the generic ioend_writeback_submit() cannot place IOMAP_F_ANON_WRITE
 *   ioends and fails them with -EIO.
 */
#include "fakefs.h"

#include "blkdev.h"

#define DEV		"emu:zones=8,zone_size=4M,conv=7"
#define SEQ_START	(7 * 4 * MiB)

/*
 * A 2 MiB folio mapped by two extents; ->writeback_range fails at the
 * second, after the first half was added to an ioend.
 */
static struct fake_fs *large_folio_failing_half_way(int error)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	fake_add_ext(fs, 0, 1 * MiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 1 * MiB, 1 * MiB, 1 * MiB, IOMAP_MAPPED, 0);
	fake_fail_at(fs, 1 * MiB, error);
	fake_write(fs, 0, 2 * MiB);
	assert_int_equal(fs->inode.i_data.nr_folios, 1);
	assert_int_equal(fs->inode.i_data.folios[0]->order, 9);
	return fs;
}

static void a_writeback_range_error_is_handed_to_writeback_submit(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);

	(void)state;
	assert_int_equal(fake_sync(fs), -ENOSPC);
	assert_int_equal(fs->nr_range, 2);
	assert_int_equal(fs->range_pos[1], 1 * MiB);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].error, -ENOSPC);
	assert_int_equal(fs->sub[0].offset, 0);
	assert_int_equal(fs->sub[0].size, 1 * MiB);	/* the half that was mapped */
	fake_fs_free(fs);
}

static void the_failed_ioend_ends_with_that_status_without_reaching_the_device(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);
	const char *log;
	json_object *o;

	(void)state;
	assert_int_equal(fake_sync(fs), -ENOSPC);
	log = fake_log(fs);
	assert_int_equal(log_count(log, "bio_submit"), 0);
	assert_int_equal(log_count(log, "bio_end"), 1);
	o = log_event_nth(log, "bio_end", 0);
	assert_string_equal(json_str(o, "status"), "BLK_STS_NOSPC");
	assert_int_equal(json_int(o, "bytes"), 1 * MiB);
	json_object_put(o);
	o = log_event_nth(log, "ioend_submit", 0);
	assert_string_equal(json_str(o, "error"), "-ENOSPC");
	json_object_put(o);
	assert_int_equal(fs->bdev.nr_device_cmds, 0);
	assert_true(fake_dev_zero(fs, 0, 2 * MiB));
	fake_fs_free(fs);
}

static void every_folio_leaves_writeback_after_a_writeback_range_error(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);
	struct folio *folio = fs->inode.i_data.folios[0];
	struct iomap_folio_state *ifs = folio->private;

	(void)state;
	assert_int_equal(fake_sync(fs), -ENOSPC);
	assert_no_folio_busy(fs);
	assert_non_null(ifs);
	assert_int_equal(ifs->write_bytes_pending, 0);
	assert_int_equal(log_count(fake_log(fs), "folio_writeback_start"), 1);
	assert_int_equal(log_count(fake_log(fs), "folio_writeback_end"), 1);
	fake_fs_free(fs);
}

static void nothing_is_redirtied_after_a_writeback_range_error(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);

	(void)state;
	assert_int_equal(fake_sync(fs), -ENOSPC);
	assert_nothing_dirty(fs);
	/* so the next writeback has nothing to do */
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_range, 2);
	assert_int_equal(fs->nr_sub, 1);
	fake_fs_free(fs);
}

static void fsync_reports_a_writeback_range_error_once(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);

	(void)state;
	assert_int_equal(vfs_fsync(&fs->file), -ENOSPC);
	assert_no_folio_busy(fs);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void fsync_reports_an_EIO_from_writeback_range_once_and_the_folio_is_not_left_behind(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-EIO);

	(void)state;
	/* with -EIO, filemap_write_and_wait_range() does not wait: nothing may be left in flight */
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_no_folio_busy(fs);
	assert_int_equal(fs->loop.nr, 0);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void a_file_opened_before_the_error_sees_it_once_too(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);
	struct file early, late;

	(void)state;
	file_open(&early, &fs->inode);
	assert_int_equal(fake_sync(fs), -ENOSPC);	/* background flusher, nobody's fsync */
	assert_int_equal(vfs_fsync(&fs->file), -ENOSPC);
	assert_int_equal(vfs_fsync(&early), -ENOSPC);
	assert_int_equal(vfs_fsync(&early), 0);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	/* opened after the error was reported: nothing to report */
	file_open(&late, &fs->inode);
	assert_int_equal(vfs_fsync(&late), 0);
	fake_fs_free(fs);
}

static void a_file_opened_after_an_unseen_error_still_sees_it(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);
	struct file late;

	(void)state;
	assert_int_equal(fake_sync(fs), -ENOSPC);
	file_open(&late, &fs->inode);	/* errseq_sample(): an unseen error is not skipped */
	assert_int_equal(vfs_fsync(&late), -ENOSPC);
	assert_int_equal(vfs_fsync(&late), 0);
	fake_fs_free(fs);
}

static void a_new_error_after_one_was_reported_is_reported_again(void **state)
{
	struct fake_fs *fs = large_folio_failing_half_way(-ENOSPC);

	(void)state;
	assert_int_equal(vfs_fsync(&fs->file), -ENOSPC);
	fake_write_gen(fs, 0, 4 * KiB, 1);
	fs->fail_error[0] = -EIO;
	fs->fail_pos[0] = 0;
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

/* --- the mandatory op ------------------------------------------------------- */

static ssize_t some_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio,
				    uint64_t pos, unsigned int len, uint64_t end_pos)
{
	return iomap_add_to_ioend(wpc, folio, (loff_t)pos, (loff_t)end_pos, len);
}

static void ops_without_writeback_submit_are_refused_with_a_clear_message(void **state)
{
	const struct iomap_writeback_ops ops = { .writeback_range = some_writeback_range };
	char msg[256] = "";

	(void)state;
	assert_int_equal(iomap_writeback_ops_check(&ops, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "->writeback_submit"));
	assert_non_null(strstr(msg, "mandatory"));
}

static void ops_without_writeback_range_are_refused(void **state)
{
	const struct iomap_writeback_ops ops = { .writeback_submit = ioend_writeback_submit };
	char msg[256] = "";

	(void)state;
	assert_int_equal(iomap_writeback_ops_check(&ops, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "->writeback_range"));
	assert_int_equal(iomap_writeback_ops_check(NULL, msg, sizeof(msg)), -EINVAL);
}

static void the_block_device_ops_pass_the_check(void **state)
{
	char msg[256] = "";

	(void)state;
	assert_int_equal(iomap_writeback_ops_check(&blkdev_writeback_ops, msg, sizeof(msg)), 0);
	assert_ptr_equal(blkdev_writeback_ops.writeback_submit, ioend_writeback_submit);
}

static void writepages_with_ops_without_writeback_submit_returns_EINVAL_and_touches_nothing(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct folio *folio;

	(void)state;
	fs->ops.writeback_submit = NULL;
	fake_write(fs, 0, 16 * KiB);
	folio = fs->inode.i_data.folios[0];
	assert_int_equal(fake_sync(fs), -EINVAL);
	assert_int_equal(fs->nr_range, 0);
	assert_true(folio_test_dirty(folio));
	assert_false(folio_test_writeback(folio));
	assert_false(folio_test_locked(folio));
	assert_int_equal(log_count(fake_log(fs), "folio_writeback_start"), 0);
	fake_fs_free(fs);
}

/* --- errors from the device ------------------------------------------------- */

static void a_write_out_of_order_on_a_sequential_zone_fails_at_completion_and_reaches_fsync(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct blk_zone zone;
	const char *log;
	json_object *o;

	(void)state;
	/* the file lands 8 KiB into an empty sequential zone: not at its write pointer */
	fake_add_ext(fs, 0, 64 * KiB, SEQ_START + 8 * KiB, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 8 * KiB);
	assert_int_equal(fake_sync(fs), 0);	/* submission went well */

	log = fake_log(fs);
	assert_int_equal(log_count(log, "bio_submit"), 1);
	o = log_event_nth(log, "bio_end", 0);
	assert_string_equal(json_str(o, "status"), "BLK_STS_IOERR");
	assert_int_equal(json_int(o, "sector"), (SEQ_START + 8 * KiB) >> SECTOR_SHIFT);
	json_object_put(o);
	assert_int_equal(log_count(log, "writeback_error"), 1);
	assert_no_folio_busy(fs);
	assert_nothing_dirty(fs);
	assert_int_equal(zw_dev_report_zones(fs->dev, 7, 1, &zone), 1);
	assert_int_equal(zone.wp, zone.start);

	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void on_a_zbc_device_the_out_of_order_write_reports_EREMOTEIO(void **state)
{
	struct fake_fs *fs = fake_fs_new("emu:model=zbc,zones=8,zone_size=4M,conv=7", 12);

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, SEQ_START + 8 * KiB, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 8 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(vfs_fsync(&fs->file), -EREMOTEIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void a_write_at_the_write_pointer_of_a_sequential_zone_succeeds(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct blk_zone zone;

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, SEQ_START, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 8 * KiB);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	assert_int_equal(zw_dev_report_zones(fs->dev, 7, 1, &zone), 1);
	assert_int_equal(zone.wp, zone.start + 16);
	assert_true(fake_dev_holds(fs, SEQ_START, 0, 8 * KiB, 0));
	fake_fs_free(fs);
}

static void an_injected_device_error_fails_only_its_ioend_and_reaches_fsync_once(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	char err[128];

	(void)state;
	/* three ioends (disk gaps); the middle one's sectors fail once */
	fake_add_ext(fs, 0, 4 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 4 * KiB, 4 * KiB, 64 * KiB, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 4 * KiB, 128 * KiB, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 12 * KiB);
	assert_int_equal(zw_dev_inject(fs->dev, "err=128:8:once:write", err, sizeof(err)), 0);
	fs->mode = FAKE_SUBMIT_TRACK;
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_end, 3);
	assert_int_equal(fs->end[0].error, 0);
	assert_int_equal(fs->end[1].error, -EIO);
	assert_int_equal(fs->end[2].error, 0);
	assert_true(fake_dev_holds(fs, 0, 0, 4 * KiB, 0));
	assert_true(fake_dev_zero(fs, 64 * KiB, 4 * KiB));
	assert_true(fake_dev_holds(fs, 128 * KiB, 8 * KiB, 4 * KiB, 0));
	assert_no_folio_busy(fs);
	assert_nothing_dirty(fs);
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void an_injected_failure_of_a_split_off_part_fails_the_whole_ioend(void **state)
{
	/* max_sectors=16: the block layer splits the 32 KiB bio into four 8 KiB commands */
	struct fake_fs *fs = fake_fs_new("emu:zones=8,zone_size=4M,conv=7,max_sectors=16", 12);
	char err[128];

	(void)state;
	fake_write(fs, 0, 32 * KiB);
	assert_int_equal(zw_dev_inject(fs->dev, "fail_write=3", err, sizeof(err)), 0);
	fs->mode = FAKE_SUBMIT_TRACK;
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(log_count(fake_log(fs), "bio_split"), 3);
	assert_int_equal(fs->nr_end, 1);
	assert_int_equal(fs->end[0].error, -EIO);
	assert_no_folio_busy(fs);
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

/* --- anonymous writes and the generic submit ---------------------------------- */

static void ioend_writeback_submit_refuses_an_anonymous_write_with_EIO(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	const char *log;
	json_object *o;

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fake_write(fs, 0, 8 * KiB);
	assert_int_equal(fake_sync(fs), -EIO);

	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].error, 0);	/* the fs asked for a submission */
	log = fake_log(fs);
	assert_int_equal(log_count(log, "bio_submit"), 0);
	o = log_event_nth(log, "ioend_submit", 0);
	assert_string_equal(json_str(o, "error"), "-EIO");
	json_object_put(o);
	o = log_event_nth(log, "bio_end", 0);
	assert_string_equal(json_str(o, "status"), "BLK_STS_IOERR");
	json_object_put(o);
	assert_int_equal(fs->bdev.nr_device_cmds, 0);
	assert_no_folio_busy(fs);
	assert_nothing_dirty(fs);
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

/*
 * The kernel leaves wb_ctx on an ioend that ->writeback_submit already
 * ended when that fails inside iomap_add_to_ioend(), and would submit it a
 * second time from iomap_writepages(); zwsim consumes the context.  A
 * second submission would show as a second ioend_submit line (and as a
 * use after free under the sanitizers).
 */
static void a_submission_failing_inside_add_to_ioend_ends_that_ioend_exactly_once(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	const char *log;

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 8 * KiB, 4 * KiB);	/* a file gap: the first ioend is submitted early */
	assert_int_equal(fake_sync(fs), -EIO);

	log = fake_log(fs);
	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(log_count(log, "ioend_submit"), 1);
	assert_int_equal(log_count(log, "bio_end"), 1);
	assert_int_equal(log_count(log, "folio_writeback_start"), 2);
	assert_int_equal(log_count(log, "folio_writeback_end"), 2);
	assert_no_folio_busy(fs);
	assert_nothing_dirty(fs);
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_writeback_range_error_is_handed_to_writeback_submit),
		cmocka_unit_test(the_failed_ioend_ends_with_that_status_without_reaching_the_device),
		cmocka_unit_test(every_folio_leaves_writeback_after_a_writeback_range_error),
		cmocka_unit_test(nothing_is_redirtied_after_a_writeback_range_error),
		cmocka_unit_test(fsync_reports_a_writeback_range_error_once),
		cmocka_unit_test(fsync_reports_an_EIO_from_writeback_range_once_and_the_folio_is_not_left_behind),
		cmocka_unit_test(a_file_opened_before_the_error_sees_it_once_too),
		cmocka_unit_test(a_file_opened_after_an_unseen_error_still_sees_it),
		cmocka_unit_test(a_new_error_after_one_was_reported_is_reported_again),
		cmocka_unit_test(ops_without_writeback_submit_are_refused_with_a_clear_message),
		cmocka_unit_test(ops_without_writeback_range_are_refused),
		cmocka_unit_test(the_block_device_ops_pass_the_check),
		cmocka_unit_test(writepages_with_ops_without_writeback_submit_returns_EINVAL_and_touches_nothing),
		cmocka_unit_test(a_write_out_of_order_on_a_sequential_zone_fails_at_completion_and_reaches_fsync),
		cmocka_unit_test(on_a_zbc_device_the_out_of_order_write_reports_EREMOTEIO),
		cmocka_unit_test(a_write_at_the_write_pointer_of_a_sequential_zone_succeeds),
		cmocka_unit_test(an_injected_device_error_fails_only_its_ioend_and_reaches_fsync_once),
		cmocka_unit_test(an_injected_failure_of_a_split_off_part_fails_the_whole_ioend),
		cmocka_unit_test(ioend_writeback_submit_refuses_an_anonymous_write_with_EIO),
		cmocka_unit_test(a_submission_failing_inside_add_to_ioend_ends_that_ioend_exactly_once),
	};

	return _cmocka_run_group_tests("iomap_writeback_errors", tests,
				       sizeof(tests) / sizeof(tests[0]), NULL, NULL) ? 1 : 0;
}
