// SPDX-License-Identifier: MIT
/*
 * Memory for the page cache's bytes.  A folio's bytes came from calloc()
 * and went back with free(): a malloc chunk a folio, 16 bytes off a page
 * boundary (each 4 KiB folio on two pages, and its struct folio in between
 * its neighbours' bytes), zeroed although the write that made the folio was
 * about to fill it.  Here they are page aligned blocks carved one after the
 * other from 2 MiB chunks (mmap(): zeros, and no page is touched before the
 * folio is), and a freed block waits on its order's free list for the next
 * folio of that order, as the kernel's per-cpu page lists keep freed pages
 * for the next allocation (mm/page_alloc.c, free_frozen_pages(),
 * rmqueue_pcplist()); a larger free block is split for a smaller one
 * (expand()).  Unlike the kernel's buddy allocator, freed blocks are never
 * merged again and chunks are never given back: the memory kept is at most
 * what the page cache held at its largest, order by order.
 *
 * Under AddressSanitizer there is no pool: each block is ASan's own
 * (posix_memalign(), free()), so that a use of a freed folio's bytes or a
 * write past a folio's end is reported however soon the memory is taken
 * again, and a block not asked to be zeros holds ASan's malloc fill bytes,
 * not zeros: a reader of bytes no write has filled reads garbage there.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm.h"
#include "page_alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define PAGE_ALLOC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAGE_ALLOC_ASAN 1
#endif
#endif

static size_t order_bytes(unsigned int order)
{
	return (size_t)PAGE_SIZE << order;
}

#ifdef PAGE_ALLOC_ASAN

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static size_t held_bytes;

bool page_alloc_pooled(void)
{
	return false;
}

void *page_alloc(unsigned int order, bool zero)
{
	void *b;

	if (order > MAX_PAGECACHE_ORDER || posix_memalign(&b, PAGE_SIZE, order_bytes(order)))
		return NULL;
	if (zero)
		memset(b, 0, order_bytes(order));
	pthread_mutex_lock(&lock);
	held_bytes += order_bytes(order);
	pthread_mutex_unlock(&lock);
	return b;
}

void page_free(void *addr, unsigned int order)
{
	if (!addr)
		return;
	free(addr);
	pthread_mutex_lock(&lock);
	held_bytes -= order_bytes(order);
	pthread_mutex_unlock(&lock);
}

void page_alloc_stats(struct page_alloc_stats *st)
{
	pthread_mutex_lock(&lock);
	st->chunk_bytes = held_bytes;
	st->free_bytes = 0;
	pthread_mutex_unlock(&lock);
}

#else

#define CHUNK_BYTES ((size_t)PAGE_SIZE << MAX_PAGECACHE_ORDER)

/* A free block: its first word links it to the next of its order. */
struct free_block {
	struct free_block *next;
};

static struct {
	pthread_mutex_t lock;
	struct free_block *free[MAX_PAGECACHE_ORDER + 1];
	uint8_t *cur, *end;		/* what is left of the chunk being carved */
	size_t chunk_bytes, free_bytes;
} pa = { .lock = PTHREAD_MUTEX_INITIALIZER };

bool page_alloc_pooled(void)
{
	return true;
}

static void free_push(void *addr, unsigned int order)
{
	struct free_block *b = addr;

	b->next = pa.free[order];
	pa.free[order] = b;
	pa.free_bytes += order_bytes(order);
}

static void *free_pop(unsigned int order)
{
	struct free_block *b = pa.free[order];

	pa.free[order] = b->next;
	pa.free_bytes -= order_bytes(order);
	return b;
}

/* A block from the free lists: of @order, else a larger one split (its other halves freed). */
static void *take_free(unsigned int order)
{
	unsigned int o = order;
	uint8_t *b;

	while (o <= MAX_PAGECACHE_ORDER && !pa.free[o])
		o++;
	if (o > MAX_PAGECACHE_ORDER)
		return NULL;
	b = free_pop(o);
	/* expand(): keep the first half, free the second, down to @order */
	while (o-- > order)
		free_push(b + order_bytes(o), o);
	return b;
}

/* A block carved from the chunk, from a new chunk once this one is too short (its rest freed). */
static void *carve(unsigned int order)
{
	size_t size = order_bytes(order);
	void *b;

	if ((size_t)(pa.end - pa.cur) < size) {
		uint8_t *c = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (c == MAP_FAILED)
			return NULL;
		pa.free_bytes -= (size_t)(pa.end - pa.cur);
		for (unsigned int o = MAX_PAGECACHE_ORDER + 1; o-- > 0;)
			while ((size_t)(pa.end - pa.cur) >= order_bytes(o)) {
				free_push(pa.cur, o);
				pa.cur += order_bytes(o);
			}
		pa.cur = c;
		pa.end = c + CHUNK_BYTES;
		pa.chunk_bytes += CHUNK_BYTES;
		pa.free_bytes += CHUNK_BYTES;
	}
	b = pa.cur;
	pa.cur += size;
	pa.free_bytes -= size;
	return b;
}

void *page_alloc(unsigned int order, bool zero)
{
	bool fresh = false;
	void *b;

	if (order > MAX_PAGECACHE_ORDER)
		return NULL;
	pthread_mutex_lock(&pa.lock);
	b = take_free(order);
	if (!b) {
		b = carve(order);
		fresh = true;	/* never used: zeros from mmap() */
	}
	pthread_mutex_unlock(&pa.lock);
	if (b && zero && !fresh)
		memset(b, 0, order_bytes(order));
	return b;
}

void page_free(void *addr, unsigned int order)
{
	if (!addr)
		return;
	pthread_mutex_lock(&pa.lock);
	free_push(addr, order);
	pthread_mutex_unlock(&pa.lock);
}

void page_alloc_stats(struct page_alloc_stats *st)
{
	pthread_mutex_lock(&pa.lock);
	st->chunk_bytes = pa.chunk_bytes;
	st->free_bytes = pa.free_bytes;
	pthread_mutex_unlock(&pa.lock);
}

#endif
