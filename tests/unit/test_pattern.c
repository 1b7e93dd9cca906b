// SPDX-License-Identifier: MIT
/*
 * The block pattern (sim/pattern.c): a tagged block is its tag, the magic
 * word and the splitmix64 stream seeded by the tag, one word after the
 * other.  The fill makes the words in closed form (eight at a time where
 * the CPU can): it must give the stream's bytes for every block size, and
 * the decode must refuse any block with one bit changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pattern.h"

/* the stream stepped word by word, as the pattern is defined */
static void reference_fill(uint64_t *w, size_t n, uint64_t tag)
{
	uint64_t x = tag;

	w[0] = tag;
	w[1] = 0x5a5753494d544147ull;	/* "ZWSIMTAG" */
	for (size_t i = 2; i < n; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		w[i] = z ^ (z >> 31);
	}
}

static void test_fill_is_the_stream(void **state)
{
	static uint64_t want[2049], got[2049];	/* the largest block and one word past it */
	const size_t sizes[] = { 16, 24, 72, 512, 520, 4096, 4104, 8192, 16384 };
	uint64_t tag = 1;

	(void)state;
	for (unsigned int k = 0; k < 3000; k++) {
		size_t size = sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
		uint64_t t;

		tag = tag * 6364136223846793005ull + 1442695040888963407ull;
		if (tag == ZW_TAG_NONE)
			continue;
		reference_fill(want, size / 8, tag);
		memset(got, 0xa5, sizeof(got));
		zw_pattern_fill(got, size, tag);
		assert_memory_equal(got, want, size);
		assert_int_equal(got[size / 8], 0xa5a5a5a5a5a5a5a5ull);	/* nothing past the block */
		assert_true(zw_pattern_decode(got, size, &t));
		assert_int_equal(t, tag);
		/* any one bit changed, in the first, middle or last word of the stream */
		if (size / 8 > 2) {
			const size_t at[] = { 2, size / 16 > 2 ? size / 16 : 2, size / 8 - 1 };

			for (unsigned int j = 0; j < 3; j++) {
				got[at[j]] ^= 1ull << (k % 64);
				assert_false(zw_pattern_decode(got, size, &t));
				got[at[j]] ^= 1ull << (k % 64);
			}
		}
	}
}

static void test_untagged_block_is_zeros(void **state)
{
	uint64_t b[512];
	uint64_t t = 1;

	(void)state;
	memset(b, 0xff, sizeof(b));
	zw_pattern_fill(b, sizeof(b), ZW_TAG_NONE);
	for (size_t i = 0; i < 512; i++)
		assert_int_equal(b[i], 0);
	assert_true(zw_pattern_decode(b, sizeof(b), &t));
	assert_int_equal(t, ZW_TAG_NONE);
	b[300] = 1;
	assert_false(zw_pattern_decode(b, sizeof(b), &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_is_the_stream),
		cmocka_unit_test(test_untagged_block_is_zeros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
