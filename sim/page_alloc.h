/* SPDX-License-Identifier: MIT */
/*
 * Memory for the page cache's bytes (mm/page_alloc.c, much simplified):
 * blocks of PAGE_SIZE << order bytes, page aligned, carved from 2 MiB
 * chunks and kept on a free list per order once freed, for the next folio.
 */
#ifndef ZWSIM_PAGE_ALLOC_H
#define ZWSIM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A block of PAGE_SIZE << @order bytes (order <= MAX_PAGECACHE_ORDER), page
 * aligned: zeros if @zero (__GFP_ZERO), else whatever the block last held,
 * for a caller that writes all of it before anything reads it.  NULL when
 * out of memory.
 */
void *page_alloc(unsigned int order, bool zero);
/* Give back a block page_alloc() returned with the same @order (NULL: nothing). */
void page_free(void *addr, unsigned int order);

/*
 * Fault in the pages of [@addr, @addr + @len) for writing now, in one
 * system call, rather than one page fault a page later.  A hint: nothing
 * happens where the kernel cannot.
 */
void page_populate(void *addr, size_t len);

/*
 * Transparent huge pages (madvise(MADV_HUGEPAGE)) for the page cache's
 * chunks and for page_region_alloc()'s regions from now on: one fault and
 * one page table entry a 2 MiB block instead of 512.  Off by default: where
 * the kernel clears a huge page slowly (a guest whose host takes free 2 MiB
 * blocks back) it costs more than it saves (docs/performance.md).  No effect
 * under AddressSanitizer.
 */
void page_alloc_set_huge(bool on);
bool page_alloc_huge(void);

/*
 * A zeroed region of @size bytes for a large buffer (an emulated zone's
 * bytes), in huge pages if @huge (2 MiB aligned); page_region_free() with
 * the same @size and @huge gives it back.  NULL when out of memory.
 */
void *page_region_alloc(size_t size, bool huge);
void page_region_free(void *addr, size_t size, bool huge);

/* False under AddressSanitizer: every block is then ASan's own malloc'ed memory. */
bool page_alloc_pooled(void);

struct page_alloc_stats {
	size_t chunk_bytes;	/* taken from the kernel and kept (ASan: the blocks in use) */
	size_t free_bytes;	/* of those, on the free lists or not yet carved (ASan: 0) */
};
void page_alloc_stats(struct page_alloc_stats *st);

#endif
