// SPDX-License-Identifier: MIT
/*
 * Building ioends (iomap_add_to_ioend(), fs/iomap/ioend.c in Linux 6.17):
 * one test per reason iomap_can_add_to_ioend() gives for starting a new
 * ioend, the bio-full rule and the end-of-file clamp of io_size; then the
 * completion-time helpers file systems use: iomap_sort_ioends(),
 * iomap_ioend_try_merge() and iomap_split_ioend().
 *
 * The fake file system (fakefs.h) maps folio ranges to extents each test
 * chooses, and its ->writeback_submit records the ioend it is handed
 * before the generic ioend_writeback_submit() sends it.
 */
#include "fakefs.h"

#include "blkdev.h"

/* Seven conventional zones (any write order) and one sequential zone (7). */
#define DEV		"emu:zones=8,zone_size=4M,conv=7"
#define SEQ_ZONE	7
#define SEQ_START	(7 * 4 * MiB)

static void assert_sub(const struct fake_submit *s, loff_t offset, size_t size, uint32_t bio_bytes,
		       uint16_t flags)
{
	assert_int_equal(s->offset, offset);
	assert_int_equal(s->size, size);
	assert_int_equal(s->bio_bytes, bio_bytes);
	assert_int_equal(s->flags, flags);
	assert_int_equal(s->error, 0);
}

/* --- why a new ioend starts ----------------------------------------------- */

static void a_boundary_mapping_starts_a_new_ioend_at_its_start(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_MAPPED, IOMAP_F_BOUNDARY);
	fake_write(fs, 0, 16 * KiB);	/* one 16 KiB folio */
	assert_int_equal(fake_sync(fs), 0);

	/* file and disk are contiguous: only the boundary separates them */
	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 8 * KiB, 8 * KiB, 0);
	assert_sub(&fs->sub[1], 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_IOEND_BOUNDARY);
	assert_true(fake_dev_holds(fs, 0, 0, 16 * KiB, 0));
	fake_fs_free(fs);
}

static void the_same_mappings_without_a_boundary_make_one_ioend(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_sub(&fs->sub[0], 0, 16 * KiB, 16 * KiB, 0);
	/* two ranges of one folio that follow each other share one segment */
	assert_int_equal(fs->sub[0].segments, 1);
	fake_fs_free(fs);
}

static void a_boundary_mapping_splits_only_at_its_own_start(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 16 * KiB, 0, IOMAP_MAPPED, IOMAP_F_BOUNDARY);
	fake_write(fs, 0, 8 * KiB);	/* two 8 KiB folios in the one mapping */
	fake_write(fs, 8 * KiB, 8 * KiB);
	assert_int_equal(fs->inode.i_data.nr_folios, 2);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_sub(&fs->sub[0], 0, 16 * KiB, 16 * KiB, IOMAP_IOEND_BOUNDARY);
	assert_int_equal(fs->sub[0].nr_folios, 2);
	fake_fs_free(fs);
}

static void an_unwritten_mapping_after_a_written_one_starts_a_new_ioend(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_UNWRITTEN, 0);
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 8 * KiB, 8 * KiB, 0);
	assert_sub(&fs->sub[1], 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_IOEND_UNWRITTEN);
	fake_fs_free(fs);
}

static void a_shared_mapping_after_a_written_one_starts_a_new_ioend(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_MAPPED, IOMAP_F_SHARED);
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 8 * KiB, 8 * KiB, 0);
	assert_sub(&fs->sub[1], 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_IOEND_SHARED);
	fake_fs_free(fs);
}

static void a_shared_unwritten_mapping_after_an_unwritten_one_starts_a_new_ioend(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_UNWRITTEN, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_UNWRITTEN, IOMAP_F_SHARED);
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 8 * KiB, 8 * KiB, IOMAP_IOEND_UNWRITTEN);
	assert_sub(&fs->sub[1], 8 * KiB, 8 * KiB, 8 * KiB,
		   IOMAP_IOEND_UNWRITTEN | IOMAP_IOEND_SHARED);
	fake_fs_free(fs);
}

static void mappings_with_the_same_nomerge_flags_share_an_ioend(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_UNWRITTEN, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_UNWRITTEN, 0);
	fake_write(fs, 0, 16 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_sub(&fs->sub[0], 0, 16 * KiB, 16 * KiB, IOMAP_IOEND_UNWRITTEN);
	fake_fs_free(fs);
}

static void a_file_offset_gap_starts_a_new_ioend_though_the_disk_is_contiguous(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	/* file [0,4k) and [8k,12k) sit next to each other on disk */
	fake_add_ext(fs, 0, 4 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 4 * KiB, 4 * KiB, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 8 * KiB, 4 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[0].sector, 0);
	assert_sub(&fs->sub[1], 8 * KiB, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[1].sector, 8);
	assert_true(fake_dev_holds(fs, 4 * KiB, 8 * KiB, 4 * KiB, 0));
	fake_fs_free(fs);
}

static void two_dirty_runs_in_one_large_folio_make_two_ioends(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 16 * KiB, 0, IOMAP_MAPPED, 0);
	fake_write_gen(fs, 0, 16 * KiB, 0);
	assert_int_equal(fake_sync(fs), 0);
	fs->nr_sub = 0;
	/* dirty blocks 0 and 2 of the 16 KiB folio again: two runs */
	fake_write_gen(fs, 0, 4 * KiB, 1);
	fake_write_gen(fs, 8 * KiB, 4 * KiB, 1);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 4 * KiB, 4 * KiB, 0);
	assert_sub(&fs->sub[1], 8 * KiB, 4 * KiB, 4 * KiB, 0);
	assert_true(fake_dev_holds(fs, 0, 0, 4 * KiB, 1));
	assert_true(fake_dev_holds(fs, 4 * KiB, 4 * KiB, 4 * KiB, 0));
	assert_true(fake_dev_holds(fs, 8 * KiB, 8 * KiB, 4 * KiB, 1));
	fake_fs_free(fs);
}

static void a_disk_sector_gap_starts_a_new_ioend_though_the_file_is_contiguous(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 4 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 4 * KiB, 4 * KiB, 64 * KiB, IOMAP_MAPPED, 0);
	fake_write(fs, 0, 8 * KiB);	/* one 8 KiB folio */
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[0].sector, 0);
	assert_sub(&fs->sub[1], 4 * KiB, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[1].sector, 64 * KiB >> SECTOR_SHIFT);
	assert_true(fake_dev_holds(fs, 64 * KiB, 4 * KiB, 4 * KiB, 0));
	assert_true(fake_dev_zero(fs, 4 * KiB, 4 * KiB));
	fake_fs_free(fs);
}

static void an_anonymous_write_ignores_the_disk_sector_gap(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	/* the addresses differ, but an anonymous write has none yet */
	fake_add_ext(fs, 0, 4 * KiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fake_add_ext(fs, 4 * KiB, 4 * KiB, 64 * KiB, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fs->mode = FAKE_SUBMIT_APPEND;
	fs->append_zone = SEQ_ZONE;
	fs->append_max_len = UINT32_MAX;
	fake_write(fs, 0, 8 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_sub(&fs->sub[0], 0, 8 * KiB, 8 * KiB, 0);
	assert_int_equal(fs->sub[0].sector, UINT64_MAX);	/* iomap_sector() of an anonymous write */
	assert_int_equal(fs->nr_end, 1);
	assert_int_equal(fs->end[0].sector, SEQ_START >> SECTOR_SHIFT);
	assert_true(fake_dev_holds(fs, SEQ_START, 0, 8 * KiB, 0));
	fake_fs_free(fs);
}

static void an_anonymous_write_still_starts_a_new_ioend_at_a_file_gap(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fs->mode = FAKE_SUBMIT_APPEND;
	fs->append_zone = SEQ_ZONE;
	fs->append_max_len = UINT32_MAX;
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 8 * KiB, 4 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 4 * KiB, 4 * KiB, 0);
	assert_sub(&fs->sub[1], 8 * KiB, 4 * KiB, 4 * KiB, 0);
	/* appended one after the other */
	assert_true(fake_dev_holds(fs, SEQ_START, 0, 4 * KiB, 0));
	assert_true(fake_dev_holds(fs, SEQ_START + 4 * KiB, 8 * KiB, 4 * KiB, 0));
	fake_fs_free(fs);
}

/*
 * zwsim's bio_add_folio() gives every folio its own segment, so a bio fills
 * (BIO_MAX_VECS = 256 folios) long before an ioend holds IOEND_BATCH_SIZE
 * (4096): the batch rule is reached by presetting wpc->nr_folios from
 * ->writeback_range, as if the ioend held that many folios already.
 */
static void an_ioend_holding_IOEND_BATCH_SIZE_folios_takes_no_more(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 4 * KiB, 4 * KiB);
	fs->preset = true;
	fs->preset_pos = 4 * KiB;
	fs->preset_nr_folios = IOEND_BATCH_SIZE;
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[0].nr_folios, IOEND_BATCH_SIZE);
	assert_sub(&fs->sub[1], 4 * KiB, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[1].nr_folios, 1);
	fake_fs_free(fs);
}

static void an_ioend_one_folio_short_of_IOEND_BATCH_SIZE_takes_the_next(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 4 * KiB, 4 * KiB);
	fs->preset = true;
	fs->preset_pos = 4 * KiB;
	fs->preset_nr_folios = IOEND_BATCH_SIZE - 1;
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_sub(&fs->sub[0], 0, 8 * KiB, 8 * KiB, 0);
	assert_int_equal(fs->sub[0].nr_folios, IOEND_BATCH_SIZE);
	fake_fs_free(fs);
}

static void a_bio_full_at_BIO_MAX_VECS_segments_starts_a_new_ioend(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	for (unsigned int i = 0; i <= BIO_MAX_VECS; i++)
		fake_write(fs, (loff_t)i * 4 * KiB, 4 * KiB);	/* 257 single-page folios */
	assert_int_equal(fs->inode.i_data.nr_folios, BIO_MAX_VECS + 1);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 2);
	assert_sub(&fs->sub[0], 0, BIO_MAX_VECS * 4 * KiB, BIO_MAX_VECS * 4 * KiB, 0);
	assert_int_equal(fs->sub[0].segments, BIO_MAX_VECS);
	assert_int_equal(fs->sub[0].nr_folios, BIO_MAX_VECS);
	assert_sub(&fs->sub[1], BIO_MAX_VECS * 4 * KiB, 4 * KiB, 4 * KiB, 0);
	assert_int_equal(fs->sub[1].segments, 1);
	assert_int_equal(fs->sub[1].sector, BIO_MAX_VECS * 8);
	assert_true(fake_dev_holds(fs, 0, 0, (BIO_MAX_VECS + 1) * 4 * KiB, 0));
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

static void an_appending_folio_clamps_io_size_at_eof_below_the_bio_bytes(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	fake_write(fs, 0, 1000);
	assert_int_equal(fs->inode.i_size, 1000);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].size, 1000);
	assert_int_equal(fs->sub[0].bio_bytes, 4 * KiB);	/* the whole block goes */
	assert_true(fake_dev_holds(fs, 0, 0, 1000, 0));
	assert_true(fake_dev_zero(fs, 1000, 4 * KiB - 1000));
	fake_fs_free(fs);
}

static void with_small_blocks_the_bio_carries_whole_blocks_past_eof(void **state)
{
	struct fake_fs *fs = fake_fs_new("emu:zones=8,zone_size=4M,conv=7,lba=512", 9);

	(void)state;
	fake_write(fs, 0, 1000);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->sub[0].size, 1000);
	assert_int_equal(fs->sub[0].bio_bytes, 1024);	/* round_up(EOF, block size) */
	assert_true(fake_dev_holds(fs, 0, 0, 1000, 0));
	assert_true(fake_dev_zero(fs, 1000, 24));
	assert_true(fake_dev_zero(fs, 1024, 3072));	/* the rest of the folio is not written */
	fake_fs_free(fs);
}

static void every_ioend_shows_as_an_ioend_submit_line_in_the_event_log(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	const char *log;

	(void)state;
	fake_add_ext(fs, 0, 4 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 4 * KiB, 12 * KiB, 64 * KiB, IOMAP_UNWRITTEN, 0);
	fake_write(fs, 0, 4 * KiB);
	fake_write(fs, 4 * KiB, 4 * KiB);
	fake_write(fs, 8 * KiB, 8 * KiB);
	assert_int_equal(fake_sync(fs), 0);

	log = fake_log(fs);
	assert_int_equal(fs->nr_sub, 2);
	assert_int_equal(log_count(log, "ioend_submit"), 2);
	for (unsigned int i = 0; i < 2; i++) {
		json_object *o = log_event_nth(log, "ioend_submit", i);

		assert_non_null(o);
		assert_int_equal(json_int(o, "ino"), 42);
		assert_int_equal(json_int(o, "offset"), fs->sub[i].offset);
		assert_int_equal(json_int(o, "size"), fs->sub[i].size);
		assert_int_equal(json_int(o, "bio_bytes"), fs->sub[i].bio_bytes);
		assert_int_equal(json_int(o, "sector"), fs->sub[i].sector);
		assert_int_equal(json_int(o, "segments"), fs->sub[i].segments);
		assert_int_equal(json_int(o, "folios"), fs->sub[i].nr_folios);
		assert_int_equal(json_int(o, "flags"), fs->sub[i].flags);
		json_object_put(o);
	}
	assert_int_equal(fs->sub[1].offset, 4 * KiB);
	assert_int_equal(fs->sub[1].size, 12 * KiB);
	assert_int_equal(fs->sub[1].segments, 2);
	assert_int_equal(fs->sub[1].nr_folios, 2);
	fake_fs_free(fs);
}

/* --- sorting and merging at completion ------------------------------------- */

static struct iomap_ioend *mk_ioend(struct fake_fs *fs, loff_t offset, size_t size, sector_t sector,
				    uint16_t flags, blk_status_t status)
{
	struct bio *bio = bio_alloc_bioset(&fs->bdev, 1, REQ_OP_WRITE, 0,
					   offsetof(struct iomap_ioend, io_bio));
	struct iomap_ioend *ioend;
	size_t bytes = (size + 4095) & ~(size_t)4095;

	assert_non_null(bio);
	bio->bi_iter.bi_sector = sector;
	assert_true(bio_add_data(bio, NULL, 0, (uint32_t)bytes, NULL, 0));
	ioend = iomap_init_ioend(&fs->inode, bio, offset, flags);
	ioend->io_size = size;
	bio->bi_status = status;
	return ioend;
}

static struct iomap_ioend *mk_list(struct iomap_ioend **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		v[i]->io_next = i + 1 < n ? v[i + 1] : NULL;
	return n ? v[0] : NULL;
}

static unsigned int chain_len(const struct iomap_ioend *e)
{
	unsigned int n = 0;

	for (; e; e = e->io_next)
		n++;
	return n;
}

static void put_ioends(struct iomap_ioend **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		bio_put(&v[i]->io_bio);
}

/* Merge what follows v[0] in v[1..n) and return how many joined v[0]'s chain. */
static unsigned int merge_after_first(struct iomap_ioend **v, unsigned int n,
				      struct iomap_ioend **rest)
{
	struct iomap_ioend *list = mk_list(v, n);
	struct iomap_ioend *head = list;

	list = head->io_next;
	head->io_next = NULL;
	iomap_ioend_try_merge(head, &list);
	*rest = list;
	return chain_len(head) - 1;
}

static void sorting_orders_ioends_by_file_offset_and_keeps_ties_in_order(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[5], *e;
	const loff_t offs[5] = { 12288, 0, 8192, 0, 4096 };
	const unsigned int want[5] = { 1, 3, 4, 2, 0 };
	unsigned int i = 0;

	(void)state;
	for (unsigned int k = 0; k < 5; k++)
		v[k] = mk_ioend(fs, offs[k], 4096, k * 8, 0, BLK_STS_OK);
	e = iomap_sort_ioends(mk_list(v, 5));
	for (; e; e = e->io_next, i++) {
		assert_true(i < 5);
		assert_ptr_equal(e, v[want[i]]);
	}
	assert_int_equal(i, 5);
	put_ioends(v, 5);
	fake_fs_free(fs);
}

static void contiguous_ioends_merge_into_one_chain(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[3], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 100, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 8192, 108, 0, BLK_STS_OK);
	v[2] = mk_ioend(fs, 12288, 4096, 124, 0, BLK_STS_OK);
	assert_int_equal(merge_after_first(v, 3, &rest), 2);
	assert_null(rest);
	assert_ptr_equal(v[0]->io_next, v[1]);
	assert_ptr_equal(v[1]->io_next, v[2]);
	/* the head now stands for the whole chain (the kernel's io_size += next->io_size) */
	assert_int_equal(v[0]->io_offset, 0);
	assert_int_equal(v[0]->io_size, 16384);
	assert_int_equal(v[1]->io_size, 8192);
	put_ioends(v, 3);
	fake_fs_free(fs);
}

static void ioends_with_different_status_do_not_merge(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_IOERR);
	assert_int_equal(merge_after_first(v, 2, &rest), 0);
	assert_ptr_equal(rest, v[1]);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void ioends_with_the_same_error_status_merge(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_IOERR);
	v[1] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_IOERR);
	assert_int_equal(merge_after_first(v, 2, &rest), 1);
	assert_null(rest);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void a_boundary_ioend_does_not_merge_onto_the_one_before(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, IOMAP_IOEND_BOUNDARY, BLK_STS_OK);
	assert_int_equal(merge_after_first(v, 2, &rest), 0);
	assert_ptr_equal(rest, v[1]);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void a_boundary_ioend_takes_the_ioends_after_it(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, IOMAP_IOEND_BOUNDARY, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_OK);
	assert_int_equal(merge_after_first(v, 2, &rest), 1);
	assert_null(rest);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void ioends_with_different_nomerge_flags_do_not_merge(void **state)
{
	static const uint16_t flags[] = {
		IOMAP_IOEND_SHARED, IOMAP_IOEND_UNWRITTEN, IOMAP_IOEND_DIRECT, IOMAP_IOEND_DONTCACHE,
	};
	struct fake_fs *fs = fake_fs_new(DEV, 12);

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		struct iomap_ioend *v[2], *rest;

		v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
		v[1] = mk_ioend(fs, 4096, 4096, 8, flags[i], BLK_STS_OK);
		assert_int_equal(merge_after_first(v, 2, &rest), 0);
		assert_ptr_equal(rest, v[1]);
		put_ioends(v, 2);
	}
	fake_fs_free(fs);
}

static void ioends_with_the_same_nomerge_flags_merge(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, IOMAP_IOEND_UNWRITTEN | IOMAP_IOEND_SHARED, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, IOMAP_IOEND_UNWRITTEN | IOMAP_IOEND_SHARED, BLK_STS_OK);
	assert_int_equal(merge_after_first(v, 2, &rest), 1);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void ioends_with_a_file_gap_do_not_merge(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 8192, 4096, 8, 0, BLK_STS_OK);	/* disk contiguous */
	assert_int_equal(merge_after_first(v, 2, &rest), 0);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void ioends_with_a_disk_gap_do_not_merge(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 16, 0, BLK_STS_OK);	/* file contiguous */
	assert_int_equal(merge_after_first(v, 2, &rest), 0);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void an_eof_clamped_ioend_does_not_merge_with_the_next(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[2], *rest;

	(void)state;
	/* its bio holds the whole block, io_size stops at EOF (1000) */
	v[0] = mk_ioend(fs, 0, 1000, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_OK);
	assert_int_equal(v[0]->io_bio.bi_iter.bi_size, 4096);
	assert_int_equal(merge_after_first(v, 2, &rest), 0);
	assert_ptr_equal(rest, v[1]);
	put_ioends(v, 2);
	fake_fs_free(fs);
}

static void merging_stops_at_the_first_ioend_that_cannot_merge(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[4], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_OK);
	v[2] = mk_ioend(fs, 8192, 4096, 64, 0, BLK_STS_OK);	/* disk gap */
	v[3] = mk_ioend(fs, 12288, 4096, 72, 0, BLK_STS_OK);	/* would follow v[2] */
	assert_int_equal(merge_after_first(v, 4, &rest), 1);
	assert_ptr_equal(rest, v[2]);
	assert_ptr_equal(v[2]->io_next, v[3]);
	put_ioends(v, 4);
	fake_fs_free(fs);
}

static void each_ioend_merged_must_continue_the_whole_chain_not_just_the_head(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[3], *rest;

	(void)state;
	/* v[2] follows v[1], not v[0] alone: it merges because the head grew */
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 8192, 8, 0, BLK_STS_OK);
	v[2] = mk_ioend(fs, 12288, 4096, 24, 0, BLK_STS_OK);
	assert_int_equal(merge_after_first(v, 3, &rest), 2);
	assert_int_equal(v[0]->io_size, 16384);
	put_ioends(v, 3);
	fake_fs_free(fs);
}

static void an_ioend_continuing_only_the_head_does_not_merge_after_the_chain_grew(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	struct iomap_ioend *v[3], *rest;

	(void)state;
	v[0] = mk_ioend(fs, 0, 4096, 0, 0, BLK_STS_OK);
	v[1] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_OK);
	v[2] = mk_ioend(fs, 4096, 4096, 8, 0, BLK_STS_OK);	/* a second v[1] */
	assert_int_equal(merge_after_first(v, 3, &rest), 1);
	assert_ptr_equal(rest, v[2]);
	assert_int_equal(v[0]->io_size, 8192);
	put_ioends(v, 3);
	fake_fs_free(fs);
}

/* xfs_end_io(): sort what completed, merge, finish each chain. */
static unsigned int fake_finish_deferred(struct fake_fs *fs, unsigned int *chains)
{
	struct iomap_ioend *list = iomap_sort_ioends(fs->deferred);
	unsigned int folios = 0;

	fs->deferred = NULL;
	*chains = 0;
	while (list) {
		struct iomap_ioend *head = list;

		list = head->io_next;
		head->io_next = NULL;
		iomap_ioend_try_merge(head, &list);
		folios += iomap_finish_ioends(head, blk_status_to_errno(head->io_bio.bi_status));
		(*chains)++;
	}
	return folios;
}

static void deferred_completions_of_contiguous_ioends_merge_and_end_every_folio(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	unsigned int chains;

	(void)state;
	fs->mode = FAKE_SUBMIT_DEFER;
	for (unsigned int i = 0; i <= BIO_MAX_VECS; i++)
		fake_write(fs, (loff_t)i * 4 * KiB, 4 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fs->nr_sub, 2);	/* the bio filled up */
	/* the bios completed, the folios wait for the completion worker */
	assert_non_null(fs->deferred);
	assert_true(folio_test_writeback(fs->inode.i_data.folios[0]));
	assert_int_equal(fs->mm.nr_writeback_pages, BIO_MAX_VECS + 1);

	assert_int_equal(fake_finish_deferred(fs, &chains), BIO_MAX_VECS + 1);
	assert_int_equal(chains, 1);
	assert_no_folio_busy(fs);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void deferred_completions_across_a_boundary_finish_as_two_chains(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	unsigned int chains;

	(void)state;
	fs->mode = FAKE_SUBMIT_DEFER;
	fake_add_ext(fs, 0, 8 * KiB, 0, IOMAP_MAPPED, 0);
	fake_add_ext(fs, 8 * KiB, 8 * KiB, 8 * KiB, IOMAP_MAPPED, IOMAP_F_BOUNDARY);
	fake_write(fs, 0, 8 * KiB);
	fake_write(fs, 8 * KiB, 8 * KiB);
	assert_int_equal(fake_sync(fs), 0);
	assert_int_equal(fake_finish_deferred(fs, &chains), 2);
	assert_int_equal(chains, 2);
	assert_no_folio_busy(fs);
	fake_fs_free(fs);
}

/* --- splitting -------------------------------------------------------------- */

/* An ioend over @nr 4 KiB segments of @buf at file offset 0, sector @sector. */
static struct iomap_ioend *mk_split_ioend(struct fake_fs *fs, uint8_t *buf, unsigned int nr,
					  sector_t sector)
{
	struct bio *bio = bio_alloc_bioset(&fs->bdev, nr, REQ_OP_WRITE, 0,
					   offsetof(struct iomap_ioend, io_bio));

	assert_non_null(bio);
	bio->bi_iter.bi_sector = sector;
	for (unsigned int i = 0; i < nr; i++)
		assert_true(bio_add_data(bio, buf + i * 4096, 0, 4096, NULL, 0));
	return iomap_init_ioend(&fs->inode, bio, 0, IOMAP_IOEND_UNWRITTEN);
}

static void splitting_an_ioend_that_fits_returns_null(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	static uint8_t buf[4 * 4096];
	struct iomap_ioend *ioend = mk_split_ioend(fs, buf, 4, 800);

	(void)state;
	assert_null(iomap_split_ioend(ioend, 16384, false));
	assert_null(iomap_split_ioend(ioend, 16384, true));
	assert_int_equal(ioend->io_remaining, 1);
	assert_int_equal(ioend->io_size, 16384);
	bio_put(&ioend->io_bio);
	fake_fs_free(fs);
}

static void a_split_is_aligned_down_to_the_fs_block_and_links_the_child_to_its_parent(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	static uint8_t buf[4 * 4096];
	struct iomap_ioend *ioend = mk_split_ioend(fs, buf, 4, 800), *child;

	(void)state;
	child = iomap_split_ioend(ioend, 10000, false);	/* 10000 -> 8192 */
	assert_non_null(child);
	assert_ptr_equal(child->io_parent, ioend);
	assert_null(ioend->io_parent);
	assert_int_equal(ioend->io_remaining, 2);
	assert_int_equal(child->io_remaining, 1);
	assert_int_equal(child->io_offset, 0);
	assert_int_equal(child->io_size, 8192);
	assert_int_equal(child->io_bio.bi_iter.bi_size, 8192);
	assert_int_equal(child->io_sector, 800);
	assert_int_equal(child->io_bio.bi_iter.bi_sector, 800);
	assert_int_equal(child->io_flags, IOMAP_IOEND_UNWRITTEN);
	assert_int_equal(ioend->io_offset, 8192);
	assert_int_equal(ioend->io_size, 8192);
	assert_int_equal(ioend->io_bio.bi_iter.bi_size, 8192);
	assert_int_equal(ioend->io_sector, 816);
	assert_int_equal(ioend->io_bio.bi_iter.bi_sector, 816);
	/* the child carries the front of the data */
	assert_ptr_equal(child->io_bio.bi_io_vec[0].bv_data, buf);
	bio_put(&child->io_bio);
	bio_put(&ioend->io_bio);
	fake_fs_free(fs);
}

static void a_split_smaller_than_one_fs_block_does_not_happen(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	static uint8_t buf[4 * 4096];
	struct iomap_ioend *ioend = mk_split_ioend(fs, buf, 4, 800);

	(void)state;
	assert_null(iomap_split_ioend(ioend, 3000, false));
	assert_int_equal(ioend->io_remaining, 1);
	bio_put(&ioend->io_bio);
	fake_fs_free(fs);
}

static void an_append_split_keeps_io_sector_at_the_zone_start(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	static uint8_t buf[4 * 4096];
	sector_t zone = SEQ_START >> SECTOR_SHIFT;
	struct iomap_ioend *ioend = mk_split_ioend(fs, buf, 4, zone), *c1, *c2;

	(void)state;
	c1 = iomap_split_ioend(ioend, 4096, true);
	c2 = iomap_split_ioend(ioend, 4096, true);
	assert_non_null(c1);
	assert_non_null(c2);
	assert_int_equal(ioend->io_remaining, 3);
	assert_int_equal(c1->io_sector, zone);
	assert_int_equal(c2->io_sector, zone);
	assert_int_equal(ioend->io_sector, zone);
	assert_int_equal(c1->io_offset, 0);
	assert_int_equal(c2->io_offset, 4096);
	assert_int_equal(ioend->io_offset, 8192);
	assert_int_equal(ioend->io_size, 8192);
	assert_ptr_equal(c2->io_parent, ioend);
	bio_put(&c1->io_bio);
	bio_put(&c2->io_bio);
	bio_put(&ioend->io_bio);
	fake_fs_free(fs);
}

static void an_append_split_is_bounded_by_max_zone_append_sectors(void **state)
{
	struct fake_fs *fs = fake_fs_new("emu:zones=8,zone_size=4M,conv=7,max_append=8k", 12);
	static uint8_t buf[4 * 4096];
	struct iomap_ioend *ioend = mk_split_ioend(fs, buf, 4, SEQ_START >> SECTOR_SHIFT), *child;

	(void)state;
	assert_int_equal(fs->bdev.lim.max_zone_append_sectors, 16);
	/* a plain split of this size would not happen; an append must */
	assert_null(iomap_split_ioend(ioend, UINT32_MAX, false));
	child = iomap_split_ioend(ioend, UINT32_MAX, true);
	assert_non_null(child);
	assert_int_equal(child->io_size, 8192);
	assert_int_equal(ioend->io_size, 8192);
	assert_null(iomap_split_ioend(ioend, UINT32_MAX, true));
	bio_put(&child->io_bio);
	bio_put(&ioend->io_bio);
	fake_fs_free(fs);
}

static void split_appends_land_in_order_and_the_folios_end_writeback_with_the_last(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	sector_t zone = SEQ_START >> SECTOR_SHIFT;

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fs->mode = FAKE_SUBMIT_APPEND;
	fs->append_zone = SEQ_ZONE;
	fs->append_max_len = 4096;
	for (unsigned int i = 0; i < 4; i++)
		fake_write(fs, (loff_t)i * 4 * KiB, 4 * KiB);
	fs->track_folio = fs->inode.i_data.folios[0];
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_sub, 1);
	assert_int_equal(fs->nr_end, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(fs->end[i].split_child, i < 3);
		assert_int_equal(fs->end[i].offset, i * 4096);
		assert_int_equal(fs->end[i].sector, zone + i * 8);	/* where it landed */
		assert_int_equal(fs->end[i].error, 0);
		/* the parent's completion walks every segment: only it ends writeback */
		assert_int_equal(fs->end[i].folio_writeback, i < 3);
	}
	assert_true(fake_dev_holds(fs, SEQ_START, 0, 16 * KiB, 0));
	assert_no_folio_busy(fs);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

static void an_error_on_a_split_child_reaches_the_parent_and_fsync(void **state)
{
	struct fake_fs *fs = fake_fs_new(DEV, 12);
	sector_t zone = SEQ_START >> SECTOR_SHIFT;
	char err[128], fault[64];

	(void)state;
	fake_add_ext(fs, 0, 64 * KiB, 0, IOMAP_MAPPED, IOMAP_F_ANON_WRITE);
	fs->mode = FAKE_SUBMIT_APPEND;
	fs->append_zone = SEQ_ZONE;
	fs->append_max_len = 4096;
	for (unsigned int i = 0; i < 4; i++)
		fake_write(fs, (loff_t)i * 4 * KiB, 4 * KiB);
	snprintf(fault, sizeof(fault), "err=%llu:8:once", (unsigned long long)zone + 8);
	assert_int_equal(zw_dev_inject(fs->dev, fault, err, sizeof(err)), 0);
	assert_int_equal(fake_sync(fs), 0);

	assert_int_equal(fs->nr_end, 4);
	assert_true(fs->end[1].split_child);
	assert_int_equal(fs->end[0].error, 0);
	assert_int_equal(fs->end[1].error, -EIO);
	assert_int_equal(fs->end[2].error, 0);
	assert_int_equal(fs->end[3].error, 0);	/* the parent's own bio went well */
	assert_false(fs->end[3].split_child);
	assert_no_folio_busy(fs);
	assert_int_equal(vfs_fsync(&fs->file), -EIO);
	assert_int_equal(vfs_fsync(&fs->file), 0);
	fake_fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_boundary_mapping_starts_a_new_ioend_at_its_start),
		cmocka_unit_test(the_same_mappings_without_a_boundary_make_one_ioend),
		cmocka_unit_test(a_boundary_mapping_splits_only_at_its_own_start),
		cmocka_unit_test(an_unwritten_mapping_after_a_written_one_starts_a_new_ioend),
		cmocka_unit_test(a_shared_mapping_after_a_written_one_starts_a_new_ioend),
		cmocka_unit_test(a_shared_unwritten_mapping_after_an_unwritten_one_starts_a_new_ioend),
		cmocka_unit_test(mappings_with_the_same_nomerge_flags_share_an_ioend),
		cmocka_unit_test(a_file_offset_gap_starts_a_new_ioend_though_the_disk_is_contiguous),
		cmocka_unit_test(two_dirty_runs_in_one_large_folio_make_two_ioends),
		cmocka_unit_test(a_disk_sector_gap_starts_a_new_ioend_though_the_file_is_contiguous),
		cmocka_unit_test(an_anonymous_write_ignores_the_disk_sector_gap),
		cmocka_unit_test(an_anonymous_write_still_starts_a_new_ioend_at_a_file_gap),
		cmocka_unit_test(an_ioend_holding_IOEND_BATCH_SIZE_folios_takes_no_more),
		cmocka_unit_test(an_ioend_one_folio_short_of_IOEND_BATCH_SIZE_takes_the_next),
		cmocka_unit_test(a_bio_full_at_BIO_MAX_VECS_segments_starts_a_new_ioend),
		cmocka_unit_test(an_appending_folio_clamps_io_size_at_eof_below_the_bio_bytes),
		cmocka_unit_test(with_small_blocks_the_bio_carries_whole_blocks_past_eof),
		cmocka_unit_test(every_ioend_shows_as_an_ioend_submit_line_in_the_event_log),
		cmocka_unit_test(sorting_orders_ioends_by_file_offset_and_keeps_ties_in_order),
		cmocka_unit_test(contiguous_ioends_merge_into_one_chain),
		cmocka_unit_test(ioends_with_different_status_do_not_merge),
		cmocka_unit_test(ioends_with_the_same_error_status_merge),
		cmocka_unit_test(a_boundary_ioend_does_not_merge_onto_the_one_before),
		cmocka_unit_test(a_boundary_ioend_takes_the_ioends_after_it),
		cmocka_unit_test(ioends_with_different_nomerge_flags_do_not_merge),
		cmocka_unit_test(ioends_with_the_same_nomerge_flags_merge),
		cmocka_unit_test(ioends_with_a_file_gap_do_not_merge),
		cmocka_unit_test(ioends_with_a_disk_gap_do_not_merge),
		cmocka_unit_test(an_eof_clamped_ioend_does_not_merge_with_the_next),
		cmocka_unit_test(merging_stops_at_the_first_ioend_that_cannot_merge),
		cmocka_unit_test(each_ioend_merged_must_continue_the_whole_chain_not_just_the_head),
		cmocka_unit_test(an_ioend_continuing_only_the_head_does_not_merge_after_the_chain_grew),
		cmocka_unit_test(deferred_completions_of_contiguous_ioends_merge_and_end_every_folio),
		cmocka_unit_test(deferred_completions_across_a_boundary_finish_as_two_chains),
		cmocka_unit_test(splitting_an_ioend_that_fits_returns_null),
		cmocka_unit_test(a_split_is_aligned_down_to_the_fs_block_and_links_the_child_to_its_parent),
		cmocka_unit_test(a_split_smaller_than_one_fs_block_does_not_happen),
		cmocka_unit_test(an_append_split_keeps_io_sector_at_the_zone_start),
		cmocka_unit_test(an_append_split_is_bounded_by_max_zone_append_sectors),
		cmocka_unit_test(split_appends_land_in_order_and_the_folios_end_writeback_with_the_last),
		cmocka_unit_test(an_error_on_a_split_child_reaches_the_parent_and_fsync),
	};

	return _cmocka_run_group_tests("iomap_ioend", tests, sizeof(tests) / sizeof(tests[0]), NULL,
				       NULL) ? 1 : 0;
}
