// SPDX-License-Identifier: MIT
/*
 * The ublk server's control commands (tools/ublk/ublk_ctl.c) on an
 * emulated device, without the kernel: an injected fault fails the next
 * I/O it touches, fresh gives an empty device of the same spec, and what
 * is not a command is refused with a message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "dev.h"
#include "ublk/ublk_ctl.h"

#define SPEC "emu:zones=4,zone_size=1M,conv=1"

static blk_status_t write_at(struct zw_dev *dev, sector_t sector)
{
	static char buf[4096];
	struct zw_io io = { .op = REQ_OP_WRITE, .sector = sector, .nr_sectors = 8, .buf = buf,
			    .depth = 1 };

	zw_dev_submit(dev, &io);
	return io.res.status;
}

static struct zw_dev *open_spec(void)
{
	struct zw_dev *dev;
	char err[256];

	assert_int_equal(zw_dev_open(SPEC, 0, &dev, err, sizeof(err)), 0);
	return dev;
}

static void inject_fails_the_next_write_once(void **state)
{
	struct zw_dev *dev = open_spec();
	char reply[256];

	(void)state;
	assert_int_equal(ublk_ctl_command(&dev, SPEC, "inject err=2048:8:once\n", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "0");
	assert_int_not_equal(write_at(dev, 2048), BLK_STS_OK);
	/* once: disarmed by the hit; the zone's wp did not move */
	assert_int_equal(write_at(dev, 2048), BLK_STS_OK);
	zw_dev_close(dev);
}

static void fresh_gives_an_empty_device(void **state)
{
	struct zw_dev *dev = open_spec(), *old = dev;
	struct blk_zone z;
	char reply[256];

	(void)state;
	assert_int_equal(write_at(dev, 2048), BLK_STS_OK);
	assert_int_equal(ublk_ctl_command(&dev, SPEC, "inject ro=2", reply, sizeof(reply)), 0);
	assert_int_equal(ublk_ctl_command(&dev, SPEC, "fresh", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "0");
	assert_ptr_not_equal(dev, old);
	assert_int_equal(zw_dev_report_zones(dev, 1, 1, &z), 1);
	assert_int_equal(z.cond, BLK_ZONE_COND_EMPTY);
	assert_int_equal(zw_dev_report_zones(dev, 2, 1, &z), 1);
	assert_int_equal(z.cond, BLK_ZONE_COND_EMPTY);
	zw_dev_close(dev);
}

static void bad_commands_are_refused(void **state)
{
	struct zw_dev *dev = open_spec();
	char reply[256];

	(void)state;
	assert_int_equal(ublk_ctl_command(&dev, SPEC, "inject ro=0", reply, sizeof(reply)), -EINVAL);
	assert_string_equal(reply, "-EINVAL conventional zone 0 cannot be made read-only");
	assert_int_equal(ublk_ctl_command(&dev, SPEC, "reboot", reply, sizeof(reply)), -EINVAL);
	assert_non_null(strstr(reply, "not a command"));
	assert_int_equal(ublk_ctl_command(&dev, "file:/tmp/x,zones=4,zone_size=1M", "fresh", reply,
					  sizeof(reply)), -EOPNOTSUPP);
	assert_int_equal(strncmp(reply, "-EOPNOTSUPP", 11), 0);
	zw_dev_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inject_fails_the_next_write_once),
		cmocka_unit_test(fresh_gives_an_empty_device),
		cmocka_unit_test(bad_commands_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
