// SPDX-License-Identifier: MIT
/*
 * The emulated device's bytes store reuses a reset zone's buffer for the
 * next zone written (sim/store_mem.c): what the earlier zone left there
 * must never show.  Every zone reads exactly as it does on a twin device
 * that only ever saw the writes since the zone's last reset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dev.h"

#define ZSECT 2048u		/* 1 MiB zones */

static void io(struct zw_dev *dev, enum req_op op, sector_t sector, unsigned int nr, void *buf)
{
	struct zw_io c = { .op = op, .sector = sector, .nr_sectors = nr, .buf = buf };

	zw_dev_submit(dev, &c);
	assert_int_equal(c.res.status, BLK_STS_OK);
}

static void fill(struct zw_dev *dev, sector_t sector, unsigned int nr, int c)
{
	uint8_t *b = malloc((size_t)nr << 9);

	memset(b, c, (size_t)nr << 9);
	io(dev, REQ_OP_WRITE, sector, nr, b);
	free(b);
}

/* zone @zno reads the same on @dev as on @twin, and holds @c over sectors [@a, @b) */
static void expect(struct zw_dev *dev, struct zw_dev *twin, unsigned int zno, unsigned int a, unsigned int b,
		   int c)
{
	size_t len = (size_t)ZSECT << 9;
	uint8_t *r = malloc(len), *t = malloc(len);

	memset(r, 0xee, len);
	memset(t, 0xdd, len);
	io(dev, REQ_OP_READ, (sector_t)zno * ZSECT, ZSECT, r);
	io(twin, REQ_OP_READ, (sector_t)zno * ZSECT, ZSECT, t);
	assert_memory_equal(r, t, len);
	for (size_t i = (size_t)a << 9; i < (size_t)b << 9; i++)
		assert_int_equal(r[i], c);
	free(r);
	free(t);
}

static void test_reused_buffer_reads_zeros(void **state)
{
	const char *spec = "emu:zones=6,zone_size=1M,conv=1,data=bytes";
	struct zw_dev *dev, *twin;
	char err[256];

	(void)state;
	assert_int_equal(zw_dev_open(spec, 0, &dev, err, sizeof(err)), 0);
	assert_int_equal(zw_dev_open(spec, 0, &twin, err, sizeof(err)), 0);
	/* zones 1 and 2 written whole, then reset: their buffers are kept */
	fill(dev, 1 * ZSECT, ZSECT, 0xa1);
	fill(dev, 2 * ZSECT, ZSECT, 0xa2);
	io(dev, REQ_OP_ZONE_RESET, 1 * ZSECT, 0, NULL);
	io(dev, REQ_OP_ZONE_RESET, 2 * ZSECT, 0, NULL);
	expect(dev, twin, 1, 0, 0, 0);
	/* zone 3 takes one of them: a part written, the rest as on a fresh device */
	fill(dev, 3 * ZSECT, 64, 0x33);
	fill(twin, 3 * ZSECT, 64, 0x33);
	expect(dev, twin, 3, 0, 64, 0x33);
	fill(dev, 3 * ZSECT + 64, 8, 0x34);
	fill(twin, 3 * ZSECT + 64, 8, 0x34);
	expect(dev, twin, 3, 64, 72, 0x34);
	/* zone 4 the other, written whole */
	fill(dev, 4 * ZSECT, ZSECT, 0x44);
	fill(twin, 4 * ZSECT, ZSECT, 0x44);
	expect(dev, twin, 4, 0, ZSECT, 0x44);
	/* zone 3 reset and written again: nothing of its earlier writes */
	io(dev, REQ_OP_ZONE_RESET, 3 * ZSECT, 0, NULL);
	io(twin, REQ_OP_ZONE_RESET, 3 * ZSECT, 0, NULL);
	fill(dev, 3 * ZSECT, 8, 0x35);
	fill(twin, 3 * ZSECT, 8, 0x35);
	expect(dev, twin, 3, 0, 8, 0x35);
	/* the finished zone's unwritten part reads as the twin's */
	io(dev, REQ_OP_ZONE_FINISH, 3 * ZSECT, 0, NULL);
	io(twin, REQ_OP_ZONE_FINISH, 3 * ZSECT, 0, NULL);
	expect(dev, twin, 3, 0, 8, 0x35);
	zw_dev_close(dev);
	zw_dev_close(twin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reused_buffer_reads_zeros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
