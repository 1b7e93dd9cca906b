// SPDX-License-Identifier: MIT
#include "pattern.h"

#include <stdlib.h>
#include <string.h>

#define ZW_PATTERN_MAGIC 0x5a5753494d544147ull	/* "ZWSIMTAG" */

/* splitmix64: a fast, well-mixed stream from one seed. */
static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Word i (from 2) of a tagged block is the splitmix64 output of step i - 1
 * from the tag: splitmix64's state only adds its constant, so every word is
 * mix(tag + (i - 1) * gamma) and the words are independent of each other.
 * Filling and checking them that way (8 lanes at once where the CPU has
 * AVX-512's 64-bit multiply) gives the same bytes as stepping the stream,
 * a block at memory speed rather than at the multiplier's latency.
 */
#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ull

static inline uint64_t splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Words [2, n) of @tag's block: written to @w (check == false), or compared with @w (nonzero if any differs). */
static inline uint64_t pattern_words_generic(uint64_t *w, size_t n, uint64_t tag, bool check)
{
	uint64_t diff = 0;

	for (size_t i = 2; i < n; i++) {
		uint64_t v = splitmix64_mix(tag + (i - 1) * SPLITMIX_GAMMA);

		if (check)
			diff |= w[i] ^ v;
		else
			w[i] = v;
	}
	return diff;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PATTERN_AVX512 1
typedef uint64_t v8u64 __attribute__((vector_size(64)));

__attribute__((target("avx512f,avx512dq")))
static uint64_t pattern_words_avx512(uint64_t *w, size_t n, uint64_t tag, bool check)
{
	v8u64 z0, step = { 0 }, diff = { 0 };
	size_t i = 2;
	uint64_t rest;

	for (int l = 0; l < 8; l++)
		z0[l] = tag + (uint64_t)(1 + l) * SPLITMIX_GAMMA;
	step += 8 * SPLITMIX_GAMMA;
	for (; i + 8 <= n; i += 8, z0 += step) {
		v8u64 z = z0, v;

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		if (check) {
			memcpy(&v, &w[i], sizeof(v));
			diff |= v ^ z;
		} else {
			memcpy(&w[i], &z, sizeof(z));
		}
	}
	rest = 0;
	for (int l = 0; l < 8; l++)
		rest |= diff[l];
	for (; i < n; i++) {
		uint64_t v = splitmix64_mix(tag + (i - 1) * SPLITMIX_GAMMA);

		if (check)
			rest |= w[i] ^ v;
		else
			w[i] = v;
	}
	return rest;
}
#endif

static uint64_t pattern_words(uint64_t *w, size_t n, uint64_t tag, bool check)
{
#ifdef PATTERN_AVX512
	/* libgcc's CPU model, read once at start-up: two tests of a bit */
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
		return pattern_words_avx512(w, n, tag, check);
#endif
	return pattern_words_generic(w, n, tag, check);
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
	pattern_words(w, n, tag, false);
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
	if (pattern_words((uint64_t *)w, n, w[0], true))
		return false;
	*tag = w[0];
	return true;
}

bool zw_pattern_partial_ok(const void *block, size_t size, const uint64_t *tags, size_t nr_tags)
{
	const uint8_t *b = block;
	uint64_t seeds_small[8], *seeds = nr_tags <= 8 ? seeds_small : malloc(nr_tags * sizeof(*seeds));
	bool ok = seeds != NULL;

	for (size_t t = 0; ok && t < nr_tags; t++)
		seeds[t] = tags[t];
	/* word by word, each tag's word of its block beside the one read */
	for (size_t i = 0; ok && i < size / sizeof(uint64_t); i++) {
		for (size_t k = 0; ok && k < sizeof(uint64_t); k++) {
			uint8_t c = b[i * sizeof(uint64_t) + k];

			ok = !c;
			for (size_t t = 0; !ok && t < nr_tags; t++) {
				uint64_t w = tags[t] == ZW_TAG_NONE ? 0 : i == 0 ? tags[t] : i == 1 ? ZW_PATTERN_MAGIC : 0;
				uint64_t s0 = seeds[t];

				if (tags[t] != ZW_TAG_NONE && i >= 2)
					w = splitmix64(&s0);	/* the word, without moving on yet */
				ok = ((const uint8_t *)&w)[k] == c;
			}
		}
		for (size_t t = 0; i >= 2 && t < nr_tags; t++)
			(void)splitmix64(&seeds[t]);
	}
	if (seeds != seeds_small)
		free(seeds);
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
