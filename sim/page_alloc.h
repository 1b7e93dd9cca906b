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

/* False under AddressSanitizer: every block is then ASan's own malloc'ed memory. */
bool page_alloc_pooled(void);

struct page_alloc_stats {
	size_t chunk_bytes;	/* taken from the kernel and kept (ASan: the blocks in use) */
	size_t free_bytes;	/* of those, on the free lists or not yet carved (ASan: 0) */
};
void page_alloc_stats(struct page_alloc_stats *st);

#endif
