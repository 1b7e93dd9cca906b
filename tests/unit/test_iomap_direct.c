// SPDX-License-Identifier: MIT
/*
 * Direct I/O through iomap_dio_rw() (fs/iomap/direct-io.c) with the fake
 * file system of fakefs.h: its extents are what ->iomap_begin returns.
 *
 * - one bio per mapping (and per BIO_MAX_VECS pages within one), each at
 *   the mapping's sector, flagged "dio" in the event log;
 * - an IOMAP_F_ANON_WRITE mapping has no sector: ->submit_io places it;
 *   without ->submit_io the block layer refuses it;
 * - ->end_io runs exactly once, with the bytes put in bios and the first
 *   error, and the call returns that error or the size;
 * - dirty cached data in the range is written back before the direct
 *   write, and the range is dropped from the cache before and after;
 * - a position or length not aligned to the logical block is -EINVAL;
 * - reads: holes read as zeros, nothing past EOF.
 */
#include "fakefs.h"

#define DEV		"emu:zones=8,zone_size=4M,conv=7"

/* What the fake ->submit_io and ->end_io saw. */
static struct {
	unsigned int nr_submit;
	loff_t submit_off[16];
	sector_t submit_sector[16];
	uint32_t submit_bytes[16];
	uint64_t place_at;		/* where ->submit_io puts an anonymous write (bytes) */
	bool cache_meanwhile;		/* ->submit_io caches a folio of the range (readahead, mmap) */
	unsigned int nr_end_io;
	ssize_t end_size;
	int end_error;
	int end_return;			/* what ->end_io returns when there was no error */
	unsigned int iomap_end_calls;
} rec;

static int fake_iomap_begin(struct inode *inode, loff_t pos, loff_t length, unsigned int flags,
			    struct iomap *iomap, struct iomap *srcmap)
{
	struct fake_fs *fs = FAKE(inode);

	(void)flags;
	(void)srcmap;
	(void)length;
	iomap->bdev = &fs->bdev;
	if (!fs->nr_ext) {
		iomap->offset = 0;
		iomap->length = UINT64_MAX / 4;
		iomap->type = IOMAP_MAPPED;
		return 0;
	}
	for (unsigned int i = 0; i < fs->nr_ext; i++) {
		const struct fake_ext *e = &fs->ext[i];

		if (pos >= e->offset && pos < e->offset + (loff_t)e->length) {
			iomap->offset = e->offset;
			iomap->length = e->length;
			iomap->addr = e->addr;
			iomap->type = e->type;
			iomap->flags = e->flags;
			return 0;
		}
	}
	return -EIO;
}

static int fake_iomap_end(struct inode *inode, loff_t pos, loff_t length, ssize_t written,
			  unsigned int flags, struct iomap *iomap)
{
	(void)inode, (void)pos, (void)length, (void)written, (void)flags, (void)iomap;
	rec.iomap_end_calls++;
	return 0;
}

static const struct iomap_ops fake_iomap_ops = {
	.iomap_begin = fake_iomap_begin,
	.iomap_end = fake_iomap_end,
};

/* A file system that places anonymous writes itself, at rec.place_at onwards. */
static void fake_submit_io(const struct iomap_iter *iter, struct bio *bio, loff_t file_offset)
{
	assert_true(rec.nr_submit < 16);
	rec.submit_off[rec.nr_submit] = file_offset;
	rec.submit_sector[rec.nr_submit] = bio->bi_iter.bi_sector;
	rec.submit_bytes[rec.nr_submit++] = bio->bi_iter.bi_size;
	if (iter->iomap.flags & IOMAP_F_ANON_WRITE) {
		bio->bi_iter.bi_sector = rec.place_at >> SECTOR_SHIFT;
		rec.place_at += bio->bi_iter.bi_size;
	}
	if (rec.cache_meanwhile) {
		struct folio *folio = filemap_get_write_folio(&iter->inode->i_data, file_offset, 4096);

		assert_non_null(folio);
		folio->flags |= PG_uptodate;
		folio_unlock(folio);
	}
	submit_bio(bio);
}

static int fake_end_io(struct kiocb *iocb, ssize_t size, int error, unsigned int flags)
{
	(void)iocb, (void)flags;
	rec.nr_end_io++;
	rec.end_size = size;
	rec.end_error = error;
	return error ? error : rec.end_return;
}

static const struct iomap_dio_ops fake_dio_ops = {
	.submit_io = fake_submit_io,
	.end_io = fake_end_io,
};

static const struct iomap_dio_ops fake_dio_ops_end_only = {
	.end_io = fake_end_io,
};

static uint8_t *gen_buf(loff_t pos, size_t len, unsigned int gen)
{
	uint8_t *buf = malloc(len);

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = fake_byte((uint64_t)pos + i, gen);
	return buf;
}

/* A direct write of generation @gen at @pos; what iomap_dio_rw() returned. */
static ssize_t dio_write(struct fake_fs *fs, const struct iomap_dio_ops *dops, loff_t pos, size_t len,
			 unsigned int gen)
{
	uint8_t *buf = gen_buf(pos, len, gen);
	struct kiocb iocb = { .ki_filp = &fs->file, .ki_pos = pos, .ki_flags = IOCB_DIRECT };
	struct iov_iter iter = { .write = true, .buf = buf, .count = len };
	ssize_t ret = iomap_dio_rw(&iocb, &iter, &fake_iomap_ops, dops, 0, NULL, 0);

	if (ret > 0)
		assert_int_equal(iocb.ki_pos, pos + ret);
	else
		assert_int_equal(iocb.ki_pos, pos);
	free(buf);
	return ret;
}

static struct fake_fs *setup(void)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	memset(&rec, 0, sizeof(rec));
	assert_int_equal(fs->bdev.lim.logical_block_size, 4096);
	return fs;
}

/* The n-th dio bio_submit of the log. */
static json_object *dio_bio_submit(const char *log, unsigned int n)
{
	for (unsigned int i = 0;; i++) {
		json_object *o = log_event_nth(log, "bio_submit", i), *v;

		if (!o)
			return NULL;
		if (json_object_object_get_ex(o, "dio", &v) && json_object_get_boolean(v) && !n--)
			return o;
		json_object_put(o);
	}
}

static unsigned int count_dio_bios(const char *log)
{
	unsigned int n = 0;
	json_object *o;

	while ((o = dio_bio_submit(log, n))) {
		json_object_put(o);
		n++;
	}
	return n;
}

/* --- bios per mapping ------------------------------------------------------------ */

static void each_mapping_gets_its_own_bio_at_its_own_sector(void **state)
{
	struct fake_fs *fs = setup();
	json_object *o;

	(void)state;
	/* file [0, 64k) at 1 MiB, [64k, 128k) at 256 KiB: not contiguous on disk */
	fake_add_ext(fs, 0, 64 * KiB, 1 * MiB, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 64 * KiB, 64 * KiB, 256 * KiB, IOMAP_MAPPED, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops_end_only, 0, 128 * KiB, 1), 128 * KiB);
	assert_int_equal(count_dio_bios(fake_log(fs)), 2);
	o = dio_bio_submit(fake_log(fs), 0);
	assert_int_equal(json_int(o, "sector"), 1 * MiB / 512);
	assert_int_equal(json_int(o, "bytes"), 64 * KiB);
	assert_string_equal(json_str(o, "op"), "write");
	json_object_put(o);
	o = dio_bio_submit(fake_log(fs), 1);
	assert_int_equal(json_int(o, "sector"), 256 * KiB / 512);
	assert_int_equal(json_int(o, "bytes"), 64 * KiB);
	json_object_put(o);
	assert_true(fake_dev_holds(fs, 1 * MiB, 0, 64 * KiB, 1));
	assert_true(fake_dev_holds(fs, 256 * KiB, 64 * KiB, 64 * KiB, 1));
	assert_int_equal(rec.iomap_end_calls, 2);
	fake_fs_free(fs);
}

static void a_mapping_larger_than_a_bio_is_cut_at_bio_max_vecs_pages(void **state)
{
	struct fake_fs *fs = setup();
	json_object *o;

	(void)state;
	/* one mapping of 1.5 MiB: a 1 MiB bio (256 pages), then 512 KiB */
	fake_add_ext(fs, 0, 1536 * KiB, 2 * MiB, IOMAP_MAPPED, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops_end_only, 0, 1536 * KiB, 2), 1536 * KiB);
	assert_int_equal(count_dio_bios(fake_log(fs)), 2);
	o = dio_bio_submit(fake_log(fs), 0);
	assert_int_equal(json_int(o, "bytes"), 1 * MiB);
	assert_int_equal(json_int(o, "sector"), 2 * MiB / 512);
	json_object_put(o);
	o = dio_bio_submit(fake_log(fs), 1);
	assert_int_equal(json_int(o, "bytes"), 512 * KiB);
	assert_int_equal(json_int(o, "sector"), 3 * MiB / 512);
	json_object_put(o);
	assert_true(fake_dev_holds(fs, 2 * MiB, 0, 1536 * KiB, 2));
	assert_int_equal(rec.iomap_end_calls, 1);
	fake_fs_free(fs);
}

/* --- anonymous writes -------------------------------------------------------------- */

static void an_anonymous_write_goes_to_submit_io_without_a_sector(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	fake_add_ext(fs, 0, 8 * MiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	rec.place_at = 3 * MiB;
	assert_int_equal(dio_write(fs, &fake_dio_ops, 16 * KiB, 1280 * KiB, 3), 1280 * KiB);
	assert_int_equal(rec.nr_submit, 2);
	assert_int_equal(rec.submit_off[0], 16 * KiB);
	assert_int_equal(rec.submit_bytes[0], 1 * MiB);
	assert_int_equal(rec.submit_off[1], 16 * KiB + 1 * MiB);
	assert_int_equal(rec.submit_bytes[1], 256 * KiB);
	assert_true(rec.submit_sector[0] == UINT64_MAX && rec.submit_sector[1] == UINT64_MAX);
	/* where ->submit_io put it */
	assert_true(fake_dev_holds(fs, 3 * MiB, 16 * KiB, 1280 * KiB, 3));
	fake_fs_free(fs);
}

static void without_submit_io_an_anonymous_write_is_refused_by_the_block_layer(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	fake_add_ext(fs, 0, 8 * MiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	assert_int_equal(dio_write(fs, &fake_dio_ops_end_only, 0, 64 * KiB, 1), -EIO);
	assert_int_equal(rec.nr_end_io, 1);
	assert_int_equal(rec.end_error, -EIO);
	assert_non_null(strstr(fake_log(fs), "beyond the end of the device"));
	fake_fs_free(fs);
}

/* --- ->end_io and the result ----------------------------------------------------- */

static void end_io_runs_once_with_the_whole_size(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 64 * KiB, 64 * KiB, 1 * MiB, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 128 * KiB, 4 * MiB, 2 * MiB, IOMAP_MAPPED, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 2 * MiB, 1), 2 * MiB);
	assert_int_equal(rec.nr_end_io, 1);
	assert_int_equal(rec.end_size, 2 * MiB);
	assert_int_equal(rec.end_error, 0);
	assert_int_equal(log_count(fake_log(fs), "dio_submit"), 1);
	assert_int_equal(log_count(fake_log(fs), "dio_end"), 1);
	fake_fs_free(fs);
}

static void a_device_error_on_one_bio_fails_the_whole_write_and_end_io_hears_it(void **state)
{
	struct fake_fs *fs = setup();
	char err[128];

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 64 * KiB, 64 * KiB, 1 * MiB, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 128 * KiB, 64 * KiB, 2 * MiB, IOMAP_MAPPED, 0);
	/* the second mapping's bio fails at the device */
	assert_int_equal(zw_dev_inject(fs->dev, "err=2048:8:once:write", err, sizeof(err)), 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 192 * KiB, 1), -EIO);
	assert_int_equal(rec.nr_end_io, 1);
	assert_int_equal(rec.end_error, -EIO);
	/* every bio was submitted before the first completion: the size counts all three */
	assert_int_equal(rec.end_size, 192 * KiB);
	assert_true(fake_dev_holds(fs, 0, 0, 64 * KiB, 1));
	assert_true(fake_dev_holds(fs, 2 * MiB, 128 * KiB, 64 * KiB, 1));
	fake_fs_free(fs);
}

static void an_end_io_error_is_the_result(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	rec.end_return = -ENOSPC;
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 8 * KiB, 1), -ENOSPC);
	assert_int_equal(rec.nr_end_io, 1);
	assert_int_equal(rec.end_error, 0);
	assert_int_equal(rec.end_size, 8 * KiB);
	fake_fs_free(fs);
}

static void an_iomap_begin_error_after_a_mapping_was_submitted_fails_the_write(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	/* [0, 64k) is mapped, [64k, ...) is not: ->iomap_begin fails there */
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 128 * KiB, 1), -EIO);
	assert_int_equal(rec.nr_end_io, 1);
	assert_int_equal(rec.end_error, -EIO);
	assert_int_equal(rec.end_size, 64 * KiB);
	fake_fs_free(fs);
}

/* --- the page cache around it ----------------------------------------------------- */

static void dirty_cached_data_is_written_back_first_and_the_range_dropped(void **state)
{
	struct fake_fs *fs = setup();
	struct address_space *mapping = &fs->inode.i_data;
	const char *log;
	json_object *first_dio_bio, *first_wb;

	(void)state;
	/* 64 KiB dirty in the cache, generation 0; a clean cached folio outside the range */
	fake_write(fs, 0, 64 * KiB);
	fake_write(fs, 1 * MiB, 4 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	fake_write(fs, 0, 64 * KiB);
	assert_true(mapping->nr_dirty > 0);
	/* the direct write covers the middle 32 KiB */
	assert_int_equal(dio_write(fs, &fake_dio_ops, 16 * KiB, 32 * KiB, 1), 32 * KiB);
	log = fake_log(fs);
	/* the cached data went out before the direct write's bio */
	first_dio_bio = dio_bio_submit(log, 0);
	assert_non_null(first_dio_bio);
	first_wb = log_event_nth(log, "folio_writeback_start", 2);	/* two in the sync above */
	assert_non_null(first_wb);
	assert_true(json_int(first_wb, "t") <= json_int(first_dio_bio, "t"));
	assert_true(strstr(log, "\"ev\":\"folio_writeback_start\"") < strstr(log, "\"dio\":true"));
	json_object_put(first_dio_bio);
	json_object_put(first_wb);
	/* the range is no longer cached; the folio at 1 MiB is */
	for (size_t i = 0; i < mapping->nr_folios; i++) {
		loff_t p = folio_pos(mapping->folios[i]);

		assert_false(p < (loff_t)(48 * KiB) && p + (loff_t)folio_size(mapping->folios[i]) > (loff_t)(16 * KiB));
	}
	assert_non_null(filemap_get_folio(mapping, (1 * MiB) >> PAGE_SHIFT));
	/* the direct data won where it wrote, the cached data elsewhere */
	assert_true(fake_dev_holds(fs, 0, 0, 16 * KiB, 0));
	assert_true(fake_dev_holds(fs, 16 * KiB, 16 * KiB, 32 * KiB, 1));
	assert_true(fake_dev_holds(fs, 48 * KiB, 48 * KiB, 16 * KiB, 0));
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

static void what_was_cached_during_the_write_is_dropped_after_it(void **state)
{
	struct fake_fs *fs = setup();
	struct address_space *mapping = &fs->inode.i_data;

	(void)state;
	rec.cache_meanwhile = true;
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 16 * KiB, 1), 16 * KiB);
	assert_int_equal(mapping->nr_folios, 0);
	fake_fs_free(fs);
}

static void a_failed_direct_write_drops_the_cache_only_before(void **state)
{
	struct fake_fs *fs = setup();
	struct address_space *mapping = &fs->inode.i_data;
	char err[128];

	(void)state;
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(zw_dev_inject(fs->dev, "fail_write=1", err, sizeof(err)), 0);
	rec.cache_meanwhile = true;
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 16 * KiB, 1), -EIO);
	/* the folio written back before was dropped; the one cached during the write stays */
	assert_int_equal(mapping->nr_folios, 1);
	assert_int_equal(folio_pos(mapping->folios[0]), 0);
	assert_int_equal(folio_size(mapping->folios[0]), 4 * KiB);
	assert_true(fake_dev_holds(fs, 0, 0, 16 * KiB, 0));
	fake_fs_free(fs);
}

static void a_failed_write_back_of_the_cached_range_is_ENOTBLK_and_sends_nothing(void **state)
{
	struct fake_fs *fs = setup();
	char err[128];

	(void)state;
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(zw_dev_inject(fs->dev, "fail_write=1", err, sizeof(err)), 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 16 * KiB, 1), -ENOTBLK);
	assert_int_equal(count_dio_bios(fake_log(fs)), 0);
	/* the caller falls back to buffered I/O: ->end_io is not called */
	assert_int_equal(rec.nr_end_io, 0);
	/* reported once (AS_EIO cleared): the next direct write goes ahead */
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 16 * KiB, 1), 16 * KiB);
	/* fsync still reports it, once (errseq) */
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void a_dirty_folio_left_in_the_range_is_ENOTBLK(void **state)
{
	struct fake_fs *fs = setup();
	struct address_space *mapping = &fs->inode.i_data;

	(void)state;
	/* a folio the writeback cannot reach: dirty again while clean of I/O */
	fake_write(fs, 0, 4 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	mapping->a_ops = NULL;	/* no ->writepages: nothing writes it back */
	fake_write(fs, 0, 4 * KiB);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 4 * KiB, 1), -ENOTBLK);
	assert_int_equal(count_dio_bios(fake_log(fs)), 0);
	assert_true(folio_test_dirty(mapping->folios[0]));
	/* let the cleanup write it back */
	fs->inode.i_data.a_ops = &fake_aops;
	fake_fs_free(fs);
}

/* --- alignment ------------------------------------------------------------------------ */

static void a_misaligned_position_or_length_is_EINVAL_and_sends_nothing(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	assert_int_equal(dio_write(fs, &fake_dio_ops, 512, 4 * KiB, 1), -EINVAL);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 4 * KiB + 512, 1), -EINVAL);
	assert_int_equal(count_dio_bios(fake_log(fs)), 0);
	assert_int_equal(rec.nr_submit, 0);
	assert_int_equal(rec.nr_end_io, 2);
	assert_int_equal(rec.end_error, -EINVAL);
	assert_int_equal(rec.end_size, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 4 * KiB, 4 * KiB, 1), 4 * KiB);
	fake_fs_free(fs);
}

static void a_write_to_a_hole_mapping_is_EIO(void **state)
{
	struct fake_fs *fs = setup();

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_HOLE, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 4 * KiB, 1), -EIO);
	assert_int_equal(count_dio_bios(fake_log(fs)), 0);
	fake_fs_free(fs);
}

/* --- reads ---------------------------------------------------------------------------- */

static void a_read_fills_holes_with_zeros_and_stops_at_eof(void **state)
{
	struct fake_fs *fs = setup();
	uint8_t *buf = malloc(64 * KiB);
	struct kiocb iocb = { .ki_filp = &fs->file, .ki_pos = 0, .ki_flags = IOCB_DIRECT };
	struct iov_iter iter = { .write = false, .buf = buf, .count = 64 * KiB };

	(void)state;
	assert_non_null(buf);
	fake_add_ext(fs, 0, 16 * KiB, 1 * MiB, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 16 * KiB, 1 * MiB, 0, IOMAP_HOLE, 0);
	assert_int_equal(dio_write(fs, &fake_dio_ops, 0, 16 * KiB, 4), 16 * KiB);
	fs->inode.i_size = 24 * KiB;
	memset(buf, 0xff, 64 * KiB);
	/* the read of 64 KiB returns what is below EOF */
	assert_int_equal(iomap_dio_rw(&iocb, &iter, &fake_iomap_ops, NULL, 0, NULL, 0), 24 * KiB);
	assert_int_equal(iocb.ki_pos, 24 * KiB);
	for (size_t i = 0; i < 16 * KiB; i++)
		if (buf[i] != fake_byte(i, 4))
			fail_msg("byte %zu", i);
	for (size_t i = 16 * KiB; i < 24 * KiB; i++)
		if (buf[i])
			fail_msg("hole byte %zu is %u", i, buf[i]);
	/* at EOF: nothing */
	iocb.ki_pos = 24 * KiB;
	iter = (struct iov_iter){ .write = false, .buf = buf, .count = 4 * KiB };
	assert_int_equal(iomap_dio_rw(&iocb, &iter, &fake_iomap_ops, NULL, 0, NULL, 0), 0);
	free(buf);
	fake_fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_mapping_gets_its_own_bio_at_its_own_sector),
		cmocka_unit_test(a_mapping_larger_than_a_bio_is_cut_at_bio_max_vecs_pages),
		cmocka_unit_test(an_anonymous_write_goes_to_submit_io_without_a_sector),
		cmocka_unit_test(without_submit_io_an_anonymous_write_is_refused_by_the_block_layer),
		cmocka_unit_test(end_io_runs_once_with_the_whole_size),
		cmocka_unit_test(a_device_error_on_one_bio_fails_the_whole_write_and_end_io_hears_it),
		cmocka_unit_test(an_end_io_error_is_the_result),
		cmocka_unit_test(an_iomap_begin_error_after_a_mapping_was_submitted_fails_the_write),
		cmocka_unit_test(dirty_cached_data_is_written_back_first_and_the_range_dropped),
		cmocka_unit_test(what_was_cached_during_the_write_is_dropped_after_it),
		cmocka_unit_test(a_failed_direct_write_drops_the_cache_only_before),
		cmocka_unit_test(a_failed_write_back_of_the_cached_range_is_ENOTBLK_and_sends_nothing),
		cmocka_unit_test(a_dirty_folio_left_in_the_range_is_ENOTBLK),
		cmocka_unit_test(a_misaligned_position_or_length_is_EINVAL_and_sends_nothing),
		cmocka_unit_test(a_write_to_a_hole_mapping_is_EIO),
		cmocka_unit_test(a_read_fills_holes_with_zeros_and_stops_at_eof),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
