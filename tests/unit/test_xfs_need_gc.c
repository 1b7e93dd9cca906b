// SPDX-License-Identifier: MIT
/*
 * xfs_zoned_need_gc() (fs/xfs/xfs_zone_gc.c): GC only with something
 * reclaimable; below (max_open - 1) zones of available blocks; or below
 * zonegc_low_space percent of the free blocks, computed as the kernel does
 * (div_s64_rem(): the remainder counts only at 100%).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../xfs-zoned/xfs_zoned.h"

static struct xfs_rtgroup rtg = { .rtg_blocks = 256 };

/* An open limit of 4 (3 zones for user data, 768 blocks) or of 2 (256 blocks) */
static struct xfs_mount mount_with(int64_t available, int64_t free, unsigned int pct, bool reclaimable)
{
	struct xfs_mount mp = {
		.m_rtgroups = &rtg, .m_nr_rtgroups = 1, .m_max_open_zones = pct ? 2 : 4,
		.m_free_rtavailable = available, .m_free_rtextents = free, .m_zonegc_low_space = pct,
	};

	mp.zi_used_bucket_entries[3] = reclaimable;
	return mp;
}

static void nothing_reclaimable_no_gc(void **state)
{
	struct xfs_mount mp = mount_with(0, 10000, 100, false);

	(void)state;
	assert_false(xfs_zoned_need_gc(&mp));
}

static void below_the_open_zones_worth_of_space(void **state)
{
	/* (4 - 1) zones of 256 blocks */
	struct xfs_mount below = mount_with(767, 10000, 0, true), at = mount_with(768, 10000, 0, true);

	(void)state;
	assert_true(xfs_zoned_need_gc(&below));
	assert_false(xfs_zoned_need_gc(&at));
}

static void the_percentage_drops_the_remainder_below_100(void **state)
{
	/* 50% of 1199 free blocks: 11 * 50 + 99 * (50 / 100) = 550, not 599 */
	struct xfs_mount a = mount_with(1000, 1199, 50, true);
	struct xfs_mount b = mount_with(549, 1199, 50, true);
	struct xfs_mount c = mount_with(550, 1199, 50, true);

	(void)state;
	assert_false(xfs_zoned_need_gc(&a));
	assert_true(xfs_zoned_need_gc(&b));
	assert_false(xfs_zoned_need_gc(&c));
}

static void at_100_percent_every_free_block_counts(void **state)
{
	struct xfs_mount a = mount_with(1198, 1199, 100, true), b = mount_with(1199, 1199, 100, true);

	(void)state;
	assert_true(xfs_zoned_need_gc(&a));
	assert_false(xfs_zoned_need_gc(&b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_reclaimable_no_gc),
		cmocka_unit_test(below_the_open_zones_worth_of_space),
		cmocka_unit_test(the_percentage_drops_the_remainder_below_100),
		cmocka_unit_test(at_100_percent_every_free_block_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
