// SPDX-License-Identifier: MIT
#include "pattern.h"

#include <stdlib.h>
#include <string.h>

#define ZW_PATTERN_MAGIC 0x5a5753494d544147ull	/* "ZWSIMTAG" */
#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ull

/* splitmix64's output function: a well-mixed word from any 64-bit input. */
static inline uint64_t splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Word i (from 2) of a tagged block is pattern_base(i) ^ pattern_key(tag):
 * one well-mixed word a position, the same in every block, changed by one
 * well-mixed word a tag.  Every word still depends on the tag and on its
 * place, so a torn, shifted or foreign block fails the check, and a block is
 * made (and checked) as fast as memory moves: a table's word and one XOR,
 * not two multiplies a word (0.7 us a 4 KiB block without AVX-512, as in
 * the VM tier's guest, against 0.06 us for a memcpy of it).
 */
#define PATTERN_TABLE_WORDS 8192	/* the base of blocks up to 64 KiB */

static uint64_t pattern_table[PATTERN_TABLE_WORDS];

static inline uint64_t pattern_base(size_t i)
{
	return splitmix64_mix(ZW_PATTERN_MAGIC + i * SPLITMIX_GAMMA);
}

static inline uint64_t pattern_key(uint64_t tag)
{
	return splitmix64_mix(tag);
}

/* Made at load, before any thread: 8192 words, a few microseconds. */
__attribute__((constructor))
static void pattern_table_init(void)
{
	for (size_t i = 0; i < PATTERN_TABLE_WORDS; i++)
		pattern_table[i] = pattern_base(i);
}

/* The word @i of @tag's block, i >= 2. */
static inline uint64_t pattern_word(size_t i, uint64_t key)
{
	return (i < PATTERN_TABLE_WORDS ? pattern_table[i] : pattern_base(i)) ^ key;
}

/*
 * The loops over the table, four vectors a step: in the VM tier's guest
 * (QEMU TCG, where every guest instruction costs) the fill of a 4 KiB block
 * took 2.9-3.1 us with one 16-byte vector a step, 1.8-2.0 us with four, and
 * 1.1-1.3 us with four 32-byte (AVX2) ones, a memcpy()'s time; on the build
 * machine 0.08, 0.05 and 0.03 us (docs/performance.md).  Each returns the
 * index it stopped at; the caller does the rest a word at a time.
 */
#define PATTERN_LOOPS(suffix, vtype)							\
static size_t pattern_fill_##suffix(uint64_t *w, size_t i, size_t end, uint64_t key)	\
{											\
	const size_t vw = sizeof(vtype) / sizeof(uint64_t);				\
	vtype k;									\
											\
	for (size_t j = 0; j < vw; j++)							\
		k[j] = key;								\
	for (; i + 4 * vw <= end; i += 4 * vw) {					\
		vtype a, b, c, d;							\
											\
		memcpy(&a, &pattern_table[i], sizeof(a));				\
		memcpy(&b, &pattern_table[i + vw], sizeof(b));				\
		memcpy(&c, &pattern_table[i + 2 * vw], sizeof(c));			\
		memcpy(&d, &pattern_table[i + 3 * vw], sizeof(d));			\
		a ^= k, b ^= k, c ^= k, d ^= k;						\
		memcpy(&w[i], &a, sizeof(a));						\
		memcpy(&w[i + vw], &b, sizeof(b));					\
		memcpy(&w[i + 2 * vw], &c, sizeof(c));					\
		memcpy(&w[i + 3 * vw], &d, sizeof(d));					\
	}										\
	return i;									\
}											\
											\
static size_t pattern_diff_##suffix(const uint64_t *w, size_t i, size_t end, uint64_t key, \
				    uint64_t *diff)					\
{											\
	const size_t vw = sizeof(vtype) / sizeof(uint64_t);				\
	vtype k, acc;									\
											\
	for (size_t j = 0; j < vw; j++)							\
		k[j] = key, acc[j] = 0;							\
	for (; i + 4 * vw <= end; i += 4 * vw) {					\
		vtype a, b, c, d, x, y, z, v;						\
											\
		memcpy(&a, &pattern_table[i], sizeof(a));				\
		memcpy(&b, &pattern_table[i + vw], sizeof(b));				\
		memcpy(&c, &pattern_table[i + 2 * vw], sizeof(c));			\
		memcpy(&d, &pattern_table[i + 3 * vw], sizeof(d));			\
		memcpy(&x, &w[i], sizeof(x));						\
		memcpy(&y, &w[i + vw], sizeof(y));					\
		memcpy(&z, &w[i + 2 * vw], sizeof(z));					\
		memcpy(&v, &w[i + 3 * vw], sizeof(v));					\
		acc |= (a ^ x ^ k) | (b ^ y ^ k) | (c ^ z ^ k) | (d ^ v ^ k);		\
	}										\
	for (size_t j = 0; j < vw; j++)							\
		*diff |= acc[j];							\
	return i;									\
}

typedef uint64_t v2u64 __attribute__((vector_size(16)));	/* SSE2: every x86-64 */
PATTERN_LOOPS(sse2, v2u64)

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
typedef uint64_t v4u64 __attribute__((vector_size(32)));

#pragma GCC push_options
#pragma GCC target("avx2")
PATTERN_LOOPS(avx2, v4u64)
#pragma GCC pop_options
#define HAVE_PATTERN_AVX2 1
#endif

/* the widest loops this CPU has, chosen once (zw_pattern_use_loops() for tests) */
static bool pattern_avx2;

__attribute__((constructor))
static void pattern_loops_init(void)
{
#ifdef HAVE_PATTERN_AVX2
	pattern_avx2 = __builtin_cpu_supports("avx2");
#endif
}

bool zw_pattern_use_loops(const char *name)
{
	if (!strcmp(name, "sse2")) {
		pattern_avx2 = false;
		return true;
	}
#ifdef HAVE_PATTERN_AVX2
	if (!strcmp(name, "avx2") && __builtin_cpu_supports("avx2")) {
		pattern_avx2 = true;
		return true;
	}
#endif
	return false;
}

/* Words [2, n) of the block keyed @key written to @w. */
static void pattern_words_fill(uint64_t *w, size_t n, uint64_t key)
{
	size_t end = n < PATTERN_TABLE_WORDS ? n : PATTERN_TABLE_WORDS, i;

#ifdef HAVE_PATTERN_AVX2
	if (pattern_avx2)
		i = pattern_fill_avx2(w, 2, end, key);
	else
#endif
		i = pattern_fill_sse2(w, 2, end, key);
	for (; i < n; i++)
		w[i] = pattern_word(i, key);
}

/* Nonzero if any of words [2, n) of @w is not the block keyed @key's. */
static uint64_t pattern_words_diff(const uint64_t *w, size_t n, uint64_t key)
{
	size_t end = n < PATTERN_TABLE_WORDS ? n : PATTERN_TABLE_WORDS, i;
	uint64_t rest = 0;

#ifdef HAVE_PATTERN_AVX2
	if (pattern_avx2)
		i = pattern_diff_avx2(w, 2, end, key, &rest);
	else
#endif
		i = pattern_diff_sse2(w, 2, end, key, &rest);
	for (; i < n; i++)
		rest |= w[i] ^ pattern_word(i, key);
	return rest;
}

void zw_pattern_fill(void *block, size_t size, uint64_t tag)
{
	uint64_t *w = block;
	size_t n = size / sizeof(uint64_t);

	if (tag == ZW_TAG_NONE) {
		memset(block, 0, size);
		return;
	}
	w[0] = tag;
	w[1] = ZW_PATTERN_MAGIC;
	pattern_words_fill(w, n, pattern_key(tag));
}

bool zw_pattern_decode(const void *block, size_t size, uint64_t *tag)
{
	const uint64_t *w = block;
	size_t n = size / sizeof(uint64_t);

	if (w[1] != ZW_PATTERN_MAGIC || w[0] == ZW_TAG_NONE) {
		for (size_t i = 0; i < n; i++)
			if (w[i])
				return false;
		*tag = ZW_TAG_NONE;
		return true;
	}
	if (pattern_words_diff(w, n, pattern_key(w[0])))
		return false;
	*tag = w[0];
	return true;
}

/* Word @i of @tag's block (0 for the untagged block). */
static uint64_t pattern_word_of(size_t i, uint64_t tag)
{
	if (tag == ZW_TAG_NONE)
		return 0;
	return i == 0 ? tag : i == 1 ? ZW_PATTERN_MAGIC : pattern_word(i, pattern_key(tag));
}

bool zw_pattern_partial_ok(const void *block, size_t size, const uint64_t *tags, size_t nr_tags)
{
	const uint8_t *b = block;
	uint64_t words_small[8], *words = nr_tags <= 8 ? words_small : malloc(nr_tags * sizeof(*words));
	bool ok = words != NULL;

	/* word by word, each tag's word of its block beside the one read */
	for (size_t i = 0; ok && i < size / sizeof(uint64_t); i++) {
		for (size_t t = 0; t < nr_tags; t++)
			words[t] = pattern_word_of(i, tags[t]);
		for (size_t k = 0; ok && k < sizeof(uint64_t); k++) {
			uint8_t c = b[i * sizeof(uint64_t) + k];

			ok = !c;
			for (size_t t = 0; !ok && t < nr_tags; t++)
				ok = ((const uint8_t *)&words[t])[k] == c;
		}
	}
	if (words != words_small)
		free(words);
	return ok;
}

bool zw_pattern_is_unwritten_fill(const void *block, size_t size)
{
	const uint64_t *w = block;

	for (size_t i = 0; i < size / sizeof(uint64_t); i++)
		if (w[i] != ~0ull)
			return false;
	return true;
}
