// SPDX-License-Identifier: MIT
/*
 * The page cache's memory (sim/page_alloc.c): page aligned blocks that
 * never overlap, zeros when asked for, a freed block taken again by the
 * next folio (a larger one split for smaller ones), and a new folio a
 * write does not fill whole holds zeros wherever the write did not go,
 * even on memory an earlier folio left dirty.  Under AddressSanitizer
 * there is no pool (every block is ASan's, so it sees each use after
 * free): the tests check that instead.
 */
#include "fakefs.h"
#include "page_alloc.h"

#define NBLK 96

static unsigned int order_of(unsigned int i)
{
	return (i * 7u) % (MAX_PAGECACHE_ORDER + 1);
}

static void blocks_are_page_aligned_and_never_overlap(void **state)
{
	uint8_t *b[NBLK];

	(void)state;
	for (unsigned int i = 0; i < NBLK; i++) {
		b[i] = page_alloc(order_of(i), false);
		assert_non_null(b[i]);
		assert_int_equal((uintptr_t)b[i] % PAGE_SIZE, 0);
		memset(b[i], (int)i, (size_t)PAGE_SIZE << order_of(i));
	}
	/* every other block freed and taken again (larger ones split), written with new bytes */
	for (unsigned int i = 0; i < NBLK; i += 2)
		page_free(b[i], order_of(i));
	for (unsigned int i = 0; i < NBLK; i += 2) {
		b[i] = page_alloc(order_of(i), false);
		assert_non_null(b[i]);
		memset(b[i], (int)(i + 128), (size_t)PAGE_SIZE << order_of(i));
	}
	for (unsigned int i = 0; i < NBLK; i++) {
		size_t n = (size_t)PAGE_SIZE << order_of(i);
		int c = i % 2 ? (int)i : (int)(i + 128);

		assert_int_equal(b[i][0], (uint8_t)c);
		assert_int_equal(b[i][n - 1], (uint8_t)c);
		for (size_t k = 0; k < n; k += 512)
			assert_int_equal(b[i][k], (uint8_t)c);
	}
	for (unsigned int i = 0; i < NBLK; i++)
		page_free(b[i], order_of(i));
}

static void a_block_asked_for_zeros_is_zeros_after_reuse(void **state)
{
	uint8_t *p, *q;

	(void)state;
	p = page_alloc(3, false);
	assert_non_null(p);
	memset(p, 0xff, 8 * PAGE_SIZE);
	page_free(p, 3);
	q = page_alloc(3, true);
	assert_non_null(q);
	for (size_t k = 0; k < 8 * PAGE_SIZE; k++)
		assert_int_equal(q[k], 0);
	page_free(q, 3);
}

static void a_freed_block_is_the_next_one_of_its_order(void **state)
{
	struct page_alloc_stats st0, st1;
	uint8_t *p, *q;

	(void)state;
	page_alloc_stats(&st0);
	p = page_alloc(0, false);
	assert_non_null(p);
	memset(p, 0xab, PAGE_SIZE);
	page_free(p, 0);
	q = page_alloc(0, false);
	page_alloc_stats(&st1);
	if (page_alloc_pooled()) {
		/* the same block, not zeroed (past the free list's link in its first word) */
		assert_ptr_equal(q, p);
		assert_int_equal(q[64], 0xab);
		assert_int_equal(q[PAGE_SIZE - 1], 0xab);
		assert_true(st1.chunk_bytes >= st0.chunk_bytes);
	} else {
		/* ASan's own memory: exactly the block in use is held */
		assert_int_equal(st1.chunk_bytes, st0.chunk_bytes + PAGE_SIZE);
		assert_int_equal(st1.free_bytes, 0);
	}
	page_free(q, 0);
}

static void a_free_2MiB_block_serves_512_pages_without_new_memory(void **state)
{
	struct page_alloc_stats st0, st1;
	uint8_t *big, *pages[512];

	(void)state;
	big = page_alloc(MAX_PAGECACHE_ORDER, false);
	assert_non_null(big);
	page_free(big, MAX_PAGECACHE_ORDER);
	page_alloc_stats(&st0);
	for (unsigned int i = 0; i < 512; i++) {
		pages[i] = page_alloc(0, false);
		assert_non_null(pages[i]);
	}
	page_alloc_stats(&st1);
	if (page_alloc_pooled()) {
		assert_int_equal(st1.chunk_bytes, st0.chunk_bytes);
		assert_int_equal(st0.free_bytes - st1.free_bytes, 512 * PAGE_SIZE);
	} else {
		assert_int_equal(st1.chunk_bytes, st0.chunk_bytes + 512 * PAGE_SIZE);
	}
	for (unsigned int i = 0; i < 512; i++)
		page_free(pages[i], 0);
}

/*
 * Bytes mode: folios full of 0xff dropped from the cache, then a write of
 * 100 bytes into a new page and one of a whole page: the first folio is
 * zeros around the write although its memory may be a dropped folio's
 * (__iomap_write_begin() zeroes the partial block past EOF), the second,
 * not zeroed when made, holds just what was written.
 */
static void a_new_folio_is_zeros_wherever_its_write_did_not_go(void **state)
{
	struct fake_fs *fs = fake_fs_new("emu:zones=8,zone_size=4M,conv=7,data=bytes", 12);
	struct address_space *mapping = &fs->inode.i_data;
	uint8_t ones[PAGE_SIZE], *d;
	struct folio *folio;

	(void)state;
	memset(ones, 0xff, sizeof(ones));
	for (loff_t pos = 0; pos < 64 * (loff_t)PAGE_SIZE; pos += PAGE_SIZE)
		assert_int_equal(iomap_file_buffered_write(&fs->inode, pos, PAGE_SIZE, ones, 0), PAGE_SIZE);
	truncate_setsize(&fs->inode, 0);
	assert_int_equal(mapping->nr_folios, 0);

	assert_int_equal(iomap_file_buffered_write(&fs->inode, 10, 100, ones, 0), 100);
	folio = filemap_get_folio(mapping, 0);
	assert_non_null(folio);
	d = folio->data;
	for (size_t k = 0; k < PAGE_SIZE; k++)
		assert_int_equal(d[k], k >= 10 && k < 110 ? 0xff : 0);

	memset(ones, 0x5a, sizeof(ones));
	assert_int_equal(iomap_file_buffered_write(&fs->inode, PAGE_SIZE, PAGE_SIZE, ones, 0), PAGE_SIZE);
	folio = filemap_get_folio(mapping, 1);
	assert_non_null(folio);
	assert_memory_equal(folio->data, ones, PAGE_SIZE);
	fake_fs_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_are_page_aligned_and_never_overlap),
		cmocka_unit_test(a_block_asked_for_zeros_is_zeros_after_reuse),
		cmocka_unit_test(a_freed_block_is_the_next_one_of_its_order),
		cmocka_unit_test(a_free_2MiB_block_serves_512_pages_without_new_memory),
		cmocka_unit_test(a_new_folio_is_zeros_wherever_its_write_did_not_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
