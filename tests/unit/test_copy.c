// SPDX-License-Identifier: MIT
/*
 * The data path's copy (sim/copy.c): memcpy()'s result for every length
 * around its vector steps and the small-copy cut-off, at every alignment of
 * either side, touching nothing outside the destination's range.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "copy.h"

#define GUARD 64

static void copy_is_memcpy(void **state)
{
	static uint8_t src[9000 + 64], want[9000 + 64 + 2 * GUARD], got[sizeof(want)];
	const size_t lens[] = { 0, 1, 31, 255, 511, 512, 513, 575, 576, 639, 640, 1023, 4095, 4096, 4097, 8191, 9000 };

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 131 + 7);
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
		for (size_t so = 0; so < 64; so += 7)
			for (size_t d = 0; d < 64; d += 5) {
				memset(want, 0xa5, sizeof(want));
				memset(got, 0xa5, sizeof(got));
				memcpy(want + GUARD + d, src + so, lens[l]);
				zw_copy(got + GUARD + d, src + so, lens[l]);
				assert_memory_equal(got, want, sizeof(want));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_is_memcpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
