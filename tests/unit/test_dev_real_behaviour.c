// SPDX-License-Identifier: MIT
/*
 * What the conformance runs against real devices found (docs/real-devices.md):
 * memory-backed null_blk reads 0xFF above a zone's write pointer, and the
 * kernel refuses a passthrough command larger than max_hw_sectors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dev.h"

static struct zw_dev *open_dev(const char *spec)
{
	struct zw_dev *dev;
	char err[256];

	if (zw_dev_open(spec, 0, &dev, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	return dev;
}

static void io(struct zw_dev *dev, enum req_op op, sector_t sector, unsigned int nr, void *buf,
	       blk_status_t want)
{
	struct zw_io r = { .op = op, .sector = sector, .nr_sectors = nr, .buf = buf, .tag = 1 };

	zw_dev_submit(dev, &r);
	assert_int_equal(r.res.status, want);
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* null_transfer(): null_zone_valid_read_len() bytes, then nullb_fill_pattern() */
static void nullblk_reads_0xff_above_the_write_pointer(void **state)
{
	/* 1 MiB zones of 512-byte blocks, capacity 768 KiB; zone 0 conventional */
	struct zw_dev *dev = open_dev("emu:model=nullblk,zones=4,zone_size=1M,zone_cap=768k,conv=1,lba=512");
	struct zw_io fin = { .op = REQ_OP_ZONE_FINISH, .sector = 4096 };
	uint8_t *buf = malloc(2048 << 9);

	(void)state;
	assert_non_null(buf);
	io(dev, REQ_OP_WRITE, 2048, 8, NULL, BLK_STS_OK);	/* zone 1: wp 8 */
	io(dev, REQ_OP_READ, 2048, 16, buf, BLK_STS_OK);
	assert_false(all(buf, 8 << 9, 0xff));			/* written */
	assert_true(all(buf + (8 << 9), 8 << 9, 0xff));		/* above the wp */
	io(dev, REQ_OP_READ, 0, 8, buf, BLK_STS_OK);		/* conventional: zeros */
	assert_true(all(buf, 8 << 9, 0));
	io(dev, REQ_OP_READ, 4096, 16, buf, BLK_STS_OK);	/* empty zone 2 */
	assert_true(all(buf, 16 << 9, 0xff));
	/* finished: wp at the zone size, so unwritten blocks below it read as zeros */
	zw_dev_submit(dev, &fin);
	assert_int_equal(fin.res.status, BLK_STS_OK);
	io(dev, REQ_OP_READ, 4096, 2048, buf, BLK_STS_OK);
	assert_true(all(buf, 2048 << 9, 0));
	/* filled by writes: wp at the capacity, 0xFF between capacity and size */
	io(dev, REQ_OP_WRITE, 6144, 1536, NULL, BLK_STS_OK);
	io(dev, REQ_OP_READ, 6144 + 1535, 2, buf, BLK_STS_OK);
	assert_false(all(buf, 1 << 9, 0xff));
	assert_true(all(buf + (1 << 9), 1 << 9, 0xff));
	free(buf);
	zw_dev_close(dev);
}

static void other_personalities_read_zeros_above_the_write_pointer(void **state)
{
	static const char *const specs[] = {
		"emu:model=zns,zones=4,zone_size=1M,lba=512",
		"emu:model=zbc,zones=4,zone_size=1M,lba=512",
	};
	uint8_t buf[16 << 9];

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct zw_dev *dev = open_dev(specs[i]);

		io(dev, REQ_OP_WRITE, 2048, 8, NULL, BLK_STS_OK);
		io(dev, REQ_OP_READ, 2048, 16, buf, BLK_STS_OK);
		assert_true(all(buf + (8 << 9), 8 << 9, 0));
		zw_dev_close(dev);
	}
}

/* blk_rq_map_user_iov(): a passthrough buffer larger than max_hw_sectors is -EINVAL */
static void passthrough_refuses_a_command_larger_than_max_hw_sectors(void **state)
{
	struct zw_dev *dev = open_dev("emu:model=zns,zones=4,zone_size=1M,lba=512,max_sectors=64");
	struct zw_io big = { .op = REQ_OP_WRITE, .sector = 0, .nr_sectors = 72, .tag = 1 };
	struct zw_io fits = { .op = REQ_OP_WRITE, .sector = 0, .nr_sectors = 64, .tag = 1 };
	struct zw_io app = { .op = REQ_OP_ZONE_APPEND, .sector = 0, .nr_sectors = 72, .tag = 1 };

	(void)state;
	zw_dev_submit_passthrough(dev, &big);
	assert_int_equal(big.res.status, BLK_STS_INVAL);
	zw_dev_submit_passthrough(dev, &app);
	assert_int_equal(app.res.status, BLK_STS_INVAL);
	zw_dev_submit_passthrough(dev, &fits);
	assert_int_equal(fits.res.status, BLK_STS_OK);
	/* the device itself takes what it is given */
	big.sector = 64;
	zw_dev_submit(dev, &big);
	assert_int_equal(big.res.status, BLK_STS_OK);
	zw_dev_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nullblk_reads_0xff_above_the_write_pointer),
		cmocka_unit_test(other_personalities_read_zeros_above_the_write_pointer),
		cmocka_unit_test(passthrough_refuses_a_command_larger_than_max_hw_sectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
