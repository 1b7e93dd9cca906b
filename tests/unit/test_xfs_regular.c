// SPDX-License-Identifier: MIT
/*
 * The regular XFS path, white box (xfs-zoned/xfs_regular.c is included, so
 * its static functions can be called; the program then does not link the
 * library's copy):
 *
 * - the allocator: adjacent block first, first fit from the cursor,
 *   largest extent as the fallback;
 * - the refcount map: sharing and unsharing split records, the last
 *   unmapping frees;
 * - xfs_ioend_needs_wq_completion(): appends, unwritten and shared ioends
 *   go to the completion work, overwrites inside the on-disk size do not;
 * - the seed's error rule through XFS: ->writeback_range fails after a
 *   shared ioend was built; iomap_writepages() hands the error to
 *   xfs_writeback_submit(), which neither converts the COW blocks nor
 *   sends the bio, and the completion work cancels the ioend's COW range;
 * - direct writes (xfs_file_dio_write_aligned()): new blocks are unwritten
 *   until ->end_io (xfs_dio_write_end_io()) converts them and moves the
 *   size; a failed one leaves them unwritten, reading zeros.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../xfs-zoned/xfs_regular.c"

#include "blk.h"
#include "dev.h"
#include "event.h"

#define KiB 1024ull
#define BS_4K 4096

/* --- the allocator ------------------------------------------------------- */

/* The fork's first extent (zeros when it has none). */
static struct xfs_bmbt_irec first_ext(const struct xfs_ifork *ifp)
{
	struct xfs_iext_cursor cur;
	struct xfs_bmbt_irec r = { 0 };

	xfs_iext_first(ifp, &cur);
	xfs_iext_get_extent(ifp, &cur, &r);
	return r;
}

static struct xfs_rmount *free_space(uint64_t blocks)
{
	struct xfs_rmount *rmp = calloc(1, sizeof(*rmp));

	assert_non_null(rmp);
	rmp->m_dblocks = blocks;
	xfs_free_extent(rmp, 0, blocks);
	return rmp;
}

static void free_space_put(struct xfs_rmount *rmp)
{
	xfs_iext_destroy(&rmp->m_free);
	free(rmp->m_refc);
	free(rmp);
}

static void the_allocator_continues_at_the_target_block_when_it_is_free(void **state)
{
	struct xfs_rmount *rmp = free_space(100);
	uint64_t s;

	(void)state;
	assert_int_equal(xfs_alloc_extent(rmp, NULLFSBLOCK, 10, &s), 10);
	assert_int_equal(s, 0);
	assert_int_equal(xfs_alloc_extent(rmp, 50, 5, &s), 5);
	assert_int_equal(s, 50);
	/* the target is taken: first fit from the cursor (55) */
	assert_int_equal(xfs_alloc_extent(rmp, 0, 5, &s), 5);
	assert_int_equal(s, 55);
	free_space_put(rmp);
}

static void the_allocator_takes_the_first_extent_that_holds_the_request_from_the_cursor(void **state)
{
	struct xfs_rmount *rmp = free_space(100);
	uint64_t s;

	(void)state;
	/* free: [0,10) [20,25) [40,100); cursor at 30 */
	xfs_ifork_remove(&rmp->m_free, 10, 10, NULL, NULL);
	xfs_ifork_remove(&rmp->m_free, 25, 15, NULL, NULL);
	rmp->m_alloc_cursor = 30;
	assert_int_equal(xfs_alloc_extent(rmp, NULLFSBLOCK, 8, &s), 8);
	assert_int_equal(s, 40);
	/* the cursor wraps: [0,10) holds 8 blocks, [20,25) does not */
	rmp->m_alloc_cursor = 99;
	assert_int_equal(xfs_alloc_extent(rmp, NULLFSBLOCK, 8, &s), 8);
	assert_int_equal(s, 48);
	free_space_put(rmp);
}

static void the_allocator_falls_back_to_the_largest_free_extent(void **state)
{
	struct xfs_rmount *rmp = free_space(30);
	uint64_t s;

	(void)state;
	/* free: [0,5) [10,17) [25,30) */
	xfs_ifork_remove(&rmp->m_free, 5, 5, NULL, NULL);
	xfs_ifork_remove(&rmp->m_free, 17, 8, NULL, NULL);
	assert_int_equal(xfs_alloc_extent(rmp, NULLFSBLOCK, 20, &s), 7);
	assert_int_equal(s, 10);
	free_space_put(rmp);
}

/* --- the refcount map ---------------------------------------------------- */

static void sharing_part_of_an_extent_splits_the_record_and_the_last_unmapping_frees(void **state)
{
	struct xfs_rmount *rmp = free_space(100);
	uint64_t s, run;

	(void)state;
	assert_int_equal(xfs_alloc_extent(rmp, NULLFSBLOCK, 10, &s), 10);
	rmp->m_fdblocks -= 10;
	xfs_refcount_adjust(rmp, 0, 10, 1);		/* a reflink of all ten */
	xfs_refcount_adjust(rmp, 2, 3, 1);		/* a third mapping of 2..4 */
	assert_int_equal(xfs_refc_get(rmp, 0, &run), 2);
	assert_int_equal(run, 2);
	assert_int_equal(xfs_refc_get(rmp, 3, &run), 3);
	assert_int_equal(run, 2);
	assert_int_equal(xfs_refc_get(rmp, 5, &run), 2);
	assert_int_equal(run, 5);
	/* the two whole mappings go: 0-1 and 5-9 are free, 2-4 keep one mapping (no record) */
	for (int i = 0; i < 2; i++)
		xfs_refcount_adjust(rmp, 0, 10, -1);
	assert_int_equal(rmp->m_fdblocks, 97);
	assert_int_equal(rmp->m_nr_refc, 0);
	assert_int_equal(rmp->m_free.if_nextents, 2);	/* [0,2) and [5,100) */
	xfs_refcount_adjust(rmp, 2, 3, -1);
	assert_int_equal(rmp->m_fdblocks, 100);
	assert_int_equal(rmp->m_nr_refc, 0);
	assert_int_equal(rmp->m_free.if_nextents, 1);
	free_space_put(rmp);
}

/* --- a mounted file system ----------------------------------------------- */

struct rig {
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	struct mm_ctx mm;
	struct zw_fs *fs;
	struct xfs_mount *mp;
};

static struct rig *rig_new(const char *spec)
{
	struct rig *r = calloc(1, sizeof(*r));
	char err[512];

	assert_non_null(r);
	if (zw_dev_open(spec, 0, &r->dev, err, sizeof(err)))
		fail_msg("zw_dev_open(%s): %s", spec, err);
	sim_loop_init(&r->loop, SIM_COMPLETE_FIFO, 0);
	if (blkdev_init(&r->bdev, r->dev, &r->loop, NULL, err, sizeof(err)))
		fail_msg("blkdev_init: %s", err);
	mm_ctx_init(&r->mm, &r->loop, 1ull << 30, r->dev->data_mode == ZW_DATA_TAGS);
	if (xfs_fs_ops.mount(&r->fs, &r->bdev, &r->mm, NULL, err, sizeof(err)))
		fail_msg("mount: %s", err);
	r->mp = MP(r->fs);
	return r;
}

static void rig_free(struct rig *r)
{
	xfs_fs_ops.unmount(r->fs);
	sim_run(&r->loop);
	free(r->mm.mappings);
	blkdev_free(&r->bdev);
	sim_loop_free(&r->loop);
	zw_dev_close(r->dev);
	free(r);
}

static void a_zoned_device_is_refused_with_the_reason(void **state)
{
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	struct mm_ctx mm;
	struct zw_fs *fs;
	char err[512];

	(void)state;
	assert_int_equal(zw_dev_open("emu:zones=4,zone_size=1M,conv=1", 0, &dev, err, sizeof(err)), 0);
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 0);
	assert_int_equal(blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)), 0);
	mm_ctx_init(&mm, &loop, 1ull << 30, false);
	assert_int_equal(xfs_fs_ops.mount(&fs, &bdev, &mm, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "zone 1 is sequential"));
	free(mm.mappings);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
}

static void only_appends_unwritten_and_shared_ioends_need_the_completion_work(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	struct xfs_rinode *ri = xfs_lookup_regular(r->mp, "f", true);
	struct iomap_ioend ioend = { .io_inode = &ri->i.i_vnode, .io_offset = 0, .io_size = 8 * KiB };

	(void)state;
	ri->i.i_disk_size = 8 * KiB;
	assert_false(xfs_ioend_needs_wq_completion(&ioend));
	ioend.io_size = 8 * KiB + 1;			/* past the on-disk size */
	assert_true(xfs_ioend_needs_wq_completion(&ioend));
	ioend.io_size = 4 * KiB;
	ioend.io_flags = IOMAP_IOEND_UNWRITTEN;
	assert_true(xfs_ioend_needs_wq_completion(&ioend));
	ioend.io_flags = IOMAP_IOEND_SHARED;
	assert_true(xfs_ioend_needs_wq_completion(&ioend));
	ioend.io_flags = IOMAP_IOEND_BOUNDARY;
	assert_false(xfs_ioend_needs_wq_completion(&ioend));
	rig_free(r);
}

/* ->writeback_range failing at fail_pos and beyond, xfs_writeback_range() before it */
static loff_t fail_pos;

static ssize_t failing_writeback_range(struct iomap_writeback_ctx *wpc, struct folio *folio, uint64_t pos,
				       unsigned int len, uint64_t end_pos)
{
	if ((loff_t)pos >= fail_pos)
		return -EIO;
	if ((loff_t)(pos + len) > fail_pos)
		len = (unsigned int)(fail_pos - (loff_t)pos);
	return xfs_writeback_range(wpc, folio, pos, len, end_pos);
}

static int submitted_error;

static int recording_writeback_submit(struct iomap_writeback_ctx *wpc, int error)
{
	struct iomap_ioend *ioend = wpc->wb_ctx;

	submitted_error = error;
	assert_int_equal(ioend->io_flags & IOMAP_IOEND_SHARED, IOMAP_IOEND_SHARED);
	return xfs_writeback_submit(wpc, error);
}

static void a_writeback_error_after_a_shared_ioend_cancels_its_cow_range(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	struct xfs_rinode *b;
	const struct iomap_writeback_ops ops = {
		.writeback_range = failing_writeback_range,
		.writeback_submit = recording_writeback_submit,
	};
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
	};
	struct iomap_writeback_ctx wpc = { .wbc = &wbc, .ops = &ops, .bdev = &r->bdev };
	struct address_space *mapping;

	(void)state;
	assert_int_equal(xfs_fs_ops.write(r->fs, "a", 0, 16 * KiB, false, false), 16 * KiB);
	assert_int_equal(xfs_fs_ops.reflink(r->fs, "a", "b"), 0);	/* a on blocks 0-3, shared */
	assert_int_equal(xfs_fs_ops.write(r->fs, "b", 0, 16 * KiB, false, false), 16 * KiB);
	b = xfs_lookup_regular(r->mp, "b", false);
	/* the COW reservation: blocks 0-31 (the 32-block COW extent size hint) */
	assert_int_equal(b->i_cowdelay.if_nextents, 1);
	assert_int_equal(first_ext(&b->i_cowdelay).br_blockcount, 32);
	assert_int_equal(RMP(r->mp)->m_fdblocks, 4096 - 4 - 32);

	/* writeback maps [0, 8k) out of place (the whole COW delalloc becomes blocks 4-35), then fails */
	fail_pos = 8 * KiB;
	wpc.inode = &b->i.i_vnode;
	mapping = &b->i.i_vnode.i_data;
	assert_int_equal(iomap_writepages(&wpc), -EIO);
	assert_int_equal(submitted_error, -EIO);
	/* not converted, not sent: the COW blocks are still unwritten and no write reached the device */
	assert_int_equal(b->i_cowunw.if_nextents, 1);
	assert_int_equal(first_ext(&b->i_cowunw).br_blockcount, 32);
	sim_run(&r->loop);

	/* the completion work cancelled [0, 8k): blocks 4-5 are free again, 6-35 stay in the COW fork */
	assert_int_equal(b->i.i_cowfp.if_nextents, 1);
	assert_int_equal(first_ext(&b->i.i_cowfp).br_startoff, 2);
	assert_int_equal(first_ext(&b->i.i_cowfp).br_startblock, 6);
	assert_int_equal(first_ext(&b->i.i_cowfp).br_blockcount, 30);
	assert_int_equal(RMP(r->mp)->m_fdblocks, 4096 - 4 - 30);
	/* b still maps a's blocks; nothing was remapped */
	assert_int_equal(b->i.i_df.if_nextents, 1);
	assert_int_equal(first_ext(&b->i.i_df).br_startblock, 0);
	assert_int_equal(RMP(r->mp)->s_cow_remapped, 0);
	/* every folio left writeback; fsync reports the error once */
	for (size_t i = 0; i < mapping->nr_folios; i++)
		assert_false(folio_test_writeback(mapping->folios[i]));
	assert_int_equal(xfs_fs_ops.fsync(r->fs, "b"), -EIO);
	assert_int_equal(xfs_fs_ops.fsync(r->fs, "b"), 0);
	rig_free(r);
}

static void unwritten_blocks_read_as_zeros_until_written_back(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	uint8_t *buf = malloc(16 * KiB), *zero = calloc(1, 16 * KiB);
	struct xfs_rinode *u;

	(void)state;
	/* the whole device holds an old file's data (the cursor wraps to block 0): it must not show */
	assert_int_equal(xfs_fs_ops.write(r->fs, "old", 0, 16 * 1024 * KiB, true, false), 16 * 1024 * KiB);
	assert_int_equal(xfs_fs_ops.unlink(r->fs, "old"), 0);
	assert_int_equal(xfs_fs_ops.fallocate(r->fs, "u", 0, 16 * KiB), 0);
	u = xfs_lookup_regular(r->mp, "u", false);
	assert_int_equal(first_ext(&u->i.i_df).br_startblock, 0);	/* the old file's blocks */
	assert_int_equal(xfs_fs_ops.read(r->fs, "u", 0, 16 * KiB, buf), 16 * KiB);
	assert_memory_equal(buf, zero, 16 * KiB);
	free(buf);
	free(zero);
	rig_free(r);
}

static void a_reflinked_file_reads_the_source_data_from_the_shared_blocks(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	uint8_t *buf = malloc(BS_4K);
	struct xfs_rinode *a;
	uint64_t tag;

	(void)state;
	assert_int_equal(xfs_fs_ops.write(r->fs, "a", 0, 16 * KiB, false, false), 16 * KiB);
	assert_int_equal(xfs_fs_ops.reflink(r->fs, "a", "b"), 0);
	a = xfs_lookup_regular(r->mp, "a", false);
	/* b has no page cache: the read goes to a's blocks */
	assert_int_equal(xfs_fs_ops.read(r->fs, "b", 8 * KiB, BS_4K, buf), BS_4K);
	assert_true(zw_pattern_decode(buf, BS_4K, &tag));
	assert_int_equal(tag, zw_tag_file(a->i.i_vnode.i_ino, 2));
	free(buf);
	rig_free(r);
}

/* --- direct writes ------------------------------------------------------------- */

/* What xfs_dio_write_end_io() saw and did, for the wrapper below. */
static struct {
	loff_t size_before, size_after, disk_size_after;
	uint64_t unwritten_before, unwritten_after;
	int error;
	unsigned int flags;
	int calls;
} endio;

static int recording_dio_write_end_io(struct kiocb *iocb, ssize_t size, int error, unsigned int flags)
{
	struct xfs_rinode *ri = iocb->ki_filp->f_inode->i_private;
	int ret;

	endio.calls++;
	endio.error = error;
	endio.flags = flags;
	endio.size_before = ri->i.i_vnode.i_size;
	endio.unwritten_before = xfs_iext_count_range(&ri->i_unwritten, 0, MAXOFF);
	ret = xfs_dio_write_end_io(iocb, size, error, flags);
	endio.size_after = ri->i.i_vnode.i_size;
	endio.disk_size_after = ri->i.i_disk_size;
	endio.unwritten_after = xfs_iext_count_range(&ri->i_unwritten, 0, MAXOFF);
	return ret;
}

static const struct iomap_dio_ops recording_dio_write_ops = {
	.end_io = recording_dio_write_end_io,
};

/* A direct write of @len bytes at @pos through iomap_dio_rw(), ->end_io recorded. */
static ssize_t dio_write(struct xfs_rinode *ri, loff_t pos, size_t len)
{
	struct kiocb iocb = { .ki_filp = &ri->i.i_file, .ki_pos = pos, .ki_flags = IOCB_DIRECT };
	struct iov_iter from = {
		.write = true, .tag = zw_tag_file(ri->i.i_vnode.i_ino, (uint64_t)pos / BS_4K), .count = len,
	};

	memset(&endio, 0, sizeof(endio));
	return iomap_dio_rw(&iocb, &from, &xfs_direct_write_iomap_ops, &recording_dio_write_ops, 0, NULL, 0);
}

static void a_direct_write_past_eof_converts_its_new_blocks_and_moves_the_size_in_end_io(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	struct xfs_rinode *f = xfs_lookup_regular(r->mp, "f", true);

	(void)state;
	assert_int_equal(dio_write(f, 0, 64 * KiB), 64 * KiB);
	assert_int_equal(endio.calls, 1);
	assert_int_equal(endio.error, 0);
	assert_int_equal(endio.flags & (IOMAP_DIO_UNWRITTEN | IOMAP_DIO_COW), IOMAP_DIO_UNWRITTEN);
	/* the bios had completed with the blocks unwritten and the size still 0 */
	assert_int_equal(endio.unwritten_before, 16);
	assert_int_equal(endio.size_before, 0);
	/* ->end_io converted them and moved both sizes */
	assert_int_equal(endio.unwritten_after, 0);
	assert_int_equal(endio.size_after, 64 * KiB);
	assert_int_equal(endio.disk_size_after, 64 * KiB);
	assert_int_equal(RMP(r->mp)->s_unwritten_converted, 16);
	/* an overwrite in place: nothing to convert, the size stays */
	assert_int_equal(dio_write(f, 16 * KiB, 8 * KiB), 8 * KiB);
	assert_int_equal(endio.flags & (IOMAP_DIO_UNWRITTEN | IOMAP_DIO_COW), 0);
	assert_int_equal(endio.size_after, 64 * KiB);
	assert_int_equal(RMP(r->mp)->s_unwritten_converted, 16);
	rig_free(r);
}

static void a_failed_direct_write_into_a_hole_leaves_its_blocks_unwritten_reading_zeros(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	uint8_t *buf = malloc(64 * KiB), *zero = calloc(1, 64 * KiB);
	struct xfs_rinode *f;
	uint64_t converted;
	char err[256];

	(void)state;
	/* the whole device holds an old file's data (the cursor wraps to block 0): it must not show */
	assert_int_equal(xfs_fs_ops.write(r->fs, "old", 0, 16 * 1024 * KiB, true, false), 16 * 1024 * KiB);
	assert_int_equal(xfs_fs_ops.unlink(r->fs, "old"), 0);
	converted = RMP(r->mp)->s_unwritten_converted;
	f = xfs_lookup_regular(r->mp, "f", true);
	assert_int_equal(xfs_fs_ops.truncate(r->fs, "f", 64 * KiB), 0);	/* a 64 KiB hole */
	assert_int_equal(zw_dev_inject(r->dev, "fail_write=1", err, sizeof(err)), 0);
	assert_int_equal(dio_write(f, 0, 64 * KiB), -EIO);
	assert_int_equal(endio.error, -EIO);
	/* allocated on the old file's blocks, left unwritten: nothing converted */
	assert_int_equal(f->i.i_df.if_nextents, 1);
	assert_int_equal(first_ext(&f->i.i_df).br_startblock, 0);
	assert_int_equal(endio.unwritten_after, 16);
	assert_int_equal(RMP(r->mp)->s_unwritten_converted, converted);
	assert_int_equal(xfs_fs_ops.read(r->fs, "f", 0, 64 * KiB, buf), 64 * KiB);
	assert_memory_equal(buf, zero, 64 * KiB);
	free(buf);
	free(zero);
	rig_free(r);
}

static void a_direct_write_to_shared_blocks_is_remapped_in_end_io_and_not_cancelled_on_error(void **state)
{
	struct rig *r = rig_new("emu:zoned=0,size=16M,zone_size=4M");
	struct xfs_rinode *b;
	char err[256];

	(void)state;
	assert_int_equal(xfs_fs_ops.write(r->fs, "a", 0, 16 * KiB, false, false), 16 * KiB);
	assert_int_equal(xfs_fs_ops.reflink(r->fs, "a", "b"), 0);	/* blocks 0-3, shared */
	b = xfs_lookup_regular(r->mp, "b", false);
	assert_int_equal(zw_dev_inject(r->dev, "fail_write=1", err, sizeof(err)), 0);
	assert_int_equal(dio_write(b, 0, 8 * KiB), -EIO);
	assert_int_equal(endio.flags & IOMAP_DIO_COW, IOMAP_DIO_COW);
	/* the COW extent size hint's 32 blocks (at 4-35); the written part converted, kept */
	assert_int_equal(b->i.i_cowfp.if_nextents, 1);
	assert_int_equal(first_ext(&b->i.i_cowfp).br_startblock, 4);
	assert_int_equal(first_ext(&b->i.i_cowfp).br_blockcount, 32);
	assert_int_equal(xfs_iext_count_range(&b->i_cowunw, 0, MAXOFF), 30);
	assert_int_equal(first_ext(&b->i.i_df).br_startblock, 0);	/* not remapped */
	/* the retry reuses those COW blocks; ->end_io remaps them */
	assert_int_equal(dio_write(b, 0, 8 * KiB), 8 * KiB);
	assert_int_equal(first_ext(&b->i.i_df).br_startblock, 4);
	assert_int_equal(first_ext(&b->i.i_df).br_blockcount, 2);
	assert_int_equal(RMP(r->mp)->s_cow_remapped, 2);
	assert_int_equal(xfs_iext_count_range(&b->i.i_cowfp, 0, MAXOFF), 30);
	assert_int_equal(RMP(r->mp)->m_fdblocks, 4096 - 4 - 32);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_allocator_continues_at_the_target_block_when_it_is_free),
		cmocka_unit_test(the_allocator_takes_the_first_extent_that_holds_the_request_from_the_cursor),
		cmocka_unit_test(the_allocator_falls_back_to_the_largest_free_extent),
		cmocka_unit_test(sharing_part_of_an_extent_splits_the_record_and_the_last_unmapping_frees),
		cmocka_unit_test(a_zoned_device_is_refused_with_the_reason),
		cmocka_unit_test(only_appends_unwritten_and_shared_ioends_need_the_completion_work),
		cmocka_unit_test(a_writeback_error_after_a_shared_ioend_cancels_its_cow_range),
		cmocka_unit_test(unwritten_blocks_read_as_zeros_until_written_back),
		cmocka_unit_test(a_reflinked_file_reads_the_source_data_from_the_shared_blocks),
		cmocka_unit_test(a_direct_write_past_eof_converts_its_new_blocks_and_moves_the_size_in_end_io),
		cmocka_unit_test(a_failed_direct_write_into_a_hole_leaves_its_blocks_unwritten_reading_zeros),
		cmocka_unit_test(a_direct_write_to_shared_blocks_is_remapped_in_end_io_and_not_cancelled_on_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
