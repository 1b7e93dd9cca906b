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

void zw_pattern_fill(void *block, size_t size, uint64_t tag)
{
	uint64_t *w = block, seed = tag;
	size_t n = size / sizeof(uint64_t);

	if (tag == ZW_TAG_NONE) {
		memset(block, 0, size);
		return;
	}
	w[0] = tag;
	w[1] = ZW_PATTERN_MAGIC;
	for (size_t i = 2; i < n; i++)
		w[i] = splitmix64(&seed);
}

bool zw_pattern_decode(const void *block, size_t size, uint64_t *tag)
{
	const uint64_t *w = block;
	size_t n = size / sizeof(uint64_t);
	uint64_t seed;

	if (w[1] != ZW_PATTERN_MAGIC || w[0] == ZW_TAG_NONE) {
		for (size_t i = 0; i < n; i++)
			if (w[i])
				return false;
		*tag = ZW_TAG_NONE;
		return true;
	}
	seed = w[0];
	for (size_t i = 2; i < n; i++)
		if (w[i] != splitmix64(&seed))
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
