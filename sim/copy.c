// SPDX-License-Identifier: MIT
#include "copy.h"

#include <stdint.h>
#include <string.h>

/*
 * Why not memcpy(): glibc 2.36 copies 2 KiB and more with `rep movsb`
 * (its x86_rep_movsb_threshold), and on the AMD EPYC build machines under
 * their hypervisor that ran at 2.4 GB/s copying written-back folios into
 * zone buffers, where a loop of 32-byte moves does 8-9 GB/s: the bytes-mode
 * replay spent half its CPU time in that one memcpy
 * (GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=4194304 halved its user
 * time; docs/performance.md).  Vector moves are as fast as `rep movsb`
 * where that is fast, so one loop serves every machine.
 */
#define COPY_MIN 512	/* below this glibc's small-copy code is best */

typedef uint8_t v16u8 __attribute__((vector_size(16)));

/* the loop must stay a loop: GCC would otherwise turn it back into memcpy() */
#if defined(__GNUC__) && !defined(__clang__)
#define COPY_KEEP_LOOP __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define COPY_KEEP_LOOP
#endif

#define COPY_LOOP(name, vtype)								\
COPY_KEEP_LOOP										\
static size_t name(uint8_t *d, const uint8_t *s, size_t n)				\
{											\
	const size_t w = sizeof(vtype);							\
	size_t i = 0;									\
											\
	for (; i + 4 * w <= n; i += 4 * w) {						\
		vtype a, b, c, e;							\
											\
		memcpy(&a, s + i, w);							\
		memcpy(&b, s + i + w, w);						\
		memcpy(&c, s + i + 2 * w, w);						\
		memcpy(&e, s + i + 3 * w, w);						\
		memcpy(d + i, &a, w);							\
		memcpy(d + i + w, &b, w);						\
		memcpy(d + i + 2 * w, &c, w);						\
		memcpy(d + i + 3 * w, &e, w);						\
	}										\
	return i;									\
}

COPY_LOOP(copy_sse2, v16u8)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
typedef uint8_t v32u8 __attribute__((vector_size(32)));

__attribute__((target("avx2")))
COPY_LOOP(copy_avx2, v32u8)
#define HAVE_COPY_AVX2 1
#endif

void zw_copy(void *dst, const void *src, size_t n)
{
	size_t done;

	if (n < COPY_MIN) {
		memcpy(dst, src, n);
		return;
	}
#ifdef HAVE_COPY_AVX2
	if (__builtin_cpu_supports("avx2"))
		done = copy_avx2(dst, src, n);
	else
#endif
		done = copy_sse2(dst, src, n);
	memcpy((uint8_t *)dst + done, (const uint8_t *)src + done, n - done);
}
