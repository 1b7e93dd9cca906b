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
#include <errno.h>
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

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14, include/uapi/asm-generic/mman-common.h */
#endif

/*
 * Fault in [@addr, @addr + @len) for writing in one call: the kernel fills
 * the page tables in a loop (madvise_populate()), where touching the pages
 * one by one takes a page fault, a trap, for each.  Under a hypervisor such a
 * trap costs many times the zeroing of the page: on the PVM guest of
 * docs/performance.md 512 MiB touched a page at a time came at 0.24-0.30
 * GB/s, populated at 3.7-4.0 GB/s (the first store to each page from user
 * space still traps there, at about 0.5 GB/s).  A hint only: a kernel
 * without it (EINVAL) or a failure leaves the pages to fault in as they are
 * touched.
 */
void page_populate(void *addr, size_t len)
{
	static bool unsupported;
	uintptr_t a = (uintptr_t)addr & ~(uintptr_t)(PAGE_SIZE - 1);

	if (__atomic_load_n(&unsupported, __ATOMIC_RELAXED) || !len)
		return;
	if (madvise((void *)a, (uintptr_t)addr + len - a, MADV_POPULATE_WRITE) && errno == EINVAL)
		__atomic_store_n(&unsupported, true, __ATOMIC_RELAXED);
}

#define HUGE_BYTES ((size_t)2 << 20)

static bool use_huge;

void page_alloc_set_huge(bool on)
{
	__atomic_store_n(&use_huge, on, __ATOMIC_RELAXED);
}

bool page_alloc_huge(void)
{
	return __atomic_load_n(&use_huge, __ATOMIC_RELAXED);
}

#ifndef PAGE_ALLOC_ASAN

/*
 * @size bytes of zeros from mmap(), 2 MiB aligned (so that the kernel can
 * map them with huge pages: the part of a larger mapping that is aligned,
 * the rest unmapped again), and marked MADV_HUGEPAGE.
 */
static void *map_huge(size_t size)
{
	size_t len = (size + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
	uint8_t *m = mmap(NULL, len + HUGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *a;

	if (m == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)m + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
	if (a > m)
		munmap(m, (size_t)(a - m));
	if (m + len + HUGE_BYTES > a + len)
		munmap(a + len, (size_t)(m + len + HUGE_BYTES - (a + len)));
	madvise(a, len, MADV_HUGEPAGE);
	return a;
}

#endif

/* Under AddressSanitizer always its own memory, to catch a write past the end. */
void *page_region_alloc(size_t size, bool huge)
{
#ifndef PAGE_ALLOC_ASAN
	if (huge)
		return map_huge(size);
#endif
	(void)huge;
	return calloc(1, size);
}

void page_region_free(void *addr, size_t size, bool huge)
{
#ifndef PAGE_ALLOC_ASAN
	if (huge && addr) {
		munmap(addr, (size + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1));
		return;
	}
#endif
	(void)size;
	(void)huge;
	free(addr);
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
		uint8_t *c = page_alloc_huge() ? map_huge(CHUNK_BYTES)
				 : mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (!c || c == MAP_FAILED)
			return NULL;
		page_populate(c, CHUNK_BYTES);	/* carved in order, so all of it is used soon */
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
