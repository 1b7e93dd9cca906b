// SPDX-License-Identifier: MIT
/*
 * The block pattern (sim/pattern.c): a tagged block is its tag, the magic
 * word, then word i = mix(magic + i * gamma) ^ mix(tag), mix being
 * splitmix64's output function.  The fill takes the position's words from a
 * table (four vectors at a time: SSE2, and AVX2 where the CPU has it, each
 * tested) and computes them past it: it must give the definition's bytes
 * for every block size, also past the table's 64 KiB, and the decode must
 * refuse any block with one bit changed, in any word.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "pattern.h"

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* the block as the pattern is defined, word by word */
static void reference_fill(uint64_t *w, size_t n, uint64_t tag)
{
	const uint64_t magic = 0x5a5753494d544147ull;	/* "ZWSIMTAG" */

	w[0] = tag;
	w[1] = magic;
	for (size_t i = 2; i < n; i++)
		w[i] = mix(magic + i * 0x9e3779b97f4a7c15ull) ^ mix(tag);
}

static void test_fill_is_the_definition(void **state)
{
	static uint64_t want[16385], got[16385];	/* the largest block and one word past it */
	const size_t sizes[] = { 16, 24, 72, 512, 520, 4096, 4104, 8192, 16384, 65528, 65536, 65544, 131072 };
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
		/* any one bit changed, in the first, middle or last word after the magic */
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

/* every word of blocks of 512 B, 4 KiB and 4 KiB + 8, one at a time: whichever vector of a step holds it */
static void test_any_word_changed_is_refused(void **state)
{
	static uint64_t b[514];
	const size_t sizes[] = { 512, 4096, 4104 };
	uint64_t t;

	(void)state;
	for (unsigned int s = 0; s < 3; s++) {
		size_t n = sizes[s] / 8;

		zw_pattern_fill(b, sizes[s], 0x1234567 + s);
		assert_true(zw_pattern_decode(b, sizes[s], &t));
		for (size_t i = 0; i < n; i++) {
			b[i] ^= 1ull << (i % 64);
			assert_false(zw_pattern_decode(b, sizes[s], &t));
			b[i] ^= 1ull << (i % 64);
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
		cmocka_unit_test(test_fill_is_the_definition),
		cmocka_unit_test(test_any_word_changed_is_refused),
		cmocka_unit_test(test_untagged_block_is_zeros),
	};
	int failed;

	assert_true(zw_pattern_use_loops("sse2"));
	failed = cmocka_run_group_tests_name("sse2", tests, NULL, NULL);
	if (zw_pattern_use_loops("avx2"))
		failed |= cmocka_run_group_tests_name("avx2", tests, NULL, NULL);
	else	/* a build (clang's) or a CPU without the AVX2 loops: they are not there to test */
		fprintf(stderr, "test_pattern: NOTE: no AVX2 loops in this build or on this CPU: sse2 only\n");
	return failed;
}
