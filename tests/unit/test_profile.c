// SPDX-License-Identifier: MIT
/*
 * Device profiles: each command costs what the profile's tables say, in
 * virtual time through the sim_loop, and a bad profile is refused with
 * its file and field named.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blk.h"
#include "dev.h"
#include "dev_profile.h"

#define US 1000ull
#define MS 1000000ull

/* A ZN540-profiled device of four 1 MiB zones (256 blocks of 4 KiB each). */
static struct zw_dev *zn540(void)
{
	struct zw_dev *dev;
	char err[512];

	assert_int_equal(zw_dev_open("emu:zones=4,zone_size=1M,conv=0,profile=zn540", 0, &dev, err,
				     sizeof(err)), 0);
	assert_non_null(dev->profile);
	return dev;
}

static uint64_t cmd(struct zw_dev *dev, enum req_op op, sector_t sector, unsigned int blocks,
		    unsigned int depth)
{
	struct zw_io io = { .op = op, .sector = sector, .nr_sectors = blocks * 8, .depth = depth };

	zw_dev_submit(dev, &io);
	assert_int_equal(io.res.status, BLK_STS_OK);
	return io.lat_ns;
}

static void a_reset_costs_the_tables_value_at_the_zones_occupancy(void **state)
{
	struct zw_dev *dev = zn540();

	(void)state;
	/* zone 0 half written, zone 1 a quarter, zone 2 full */
	cmd(dev, REQ_OP_WRITE, 0, 128, 1);
	cmd(dev, REQ_OP_WRITE, 2048, 64, 1);
	cmd(dev, REQ_OP_WRITE, 4096, 256, 1);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_RESET, 0, 0, 1), 11320 * US);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_RESET, 2048, 0, 1), 7880 * US);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_RESET, 4096, 0, 1), 15810 * US);
	/* an empty zone, never opened; and one opened explicitly with nothing written */
	assert_int_equal(cmd(dev, REQ_OP_ZONE_RESET, 0, 0, 1), 2300);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_OPEN, 6144, 0, 1), 9500);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_RESET, 6144, 0, 1), 1610 * US);
	zw_dev_close(dev);
}

static void a_finish_pads_by_what_is_left_and_the_reset_after_it_costs_what_was_written(void **state)
{
	struct zw_dev *dev = zn540();

	(void)state;
	cmd(dev, REQ_OP_WRITE, 0, 128, 1);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_FINISH, 0, 0, 1), 456650 * US);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_RESET, 0, 0, 1), 8490 * US);
	/* finishing an opened empty zone pads nothing */
	cmd(dev, REQ_OP_ZONE_OPEN, 2048, 0, 1);
	assert_int_equal(cmd(dev, REQ_OP_ZONE_FINISH, 2048, 0, 1), 13500);
	zw_dev_close(dev);
}

static void io_latency_follows_size_depth_and_the_implicit_open(void **state)
{
	struct zw_dev *dev = zn540();

	(void)state;
	/* the first write opens zone 0 implicitly: 11.4 + 2.1 us */
	assert_int_equal(cmd(dev, REQ_OP_WRITE, 0, 1, 1), 13500);
	assert_int_equal(cmd(dev, REQ_OP_WRITE, 8, 1, 1), 11400);
	assert_int_equal(cmd(dev, REQ_OP_WRITE, 16, 1, 4), 21500);
	/* appends by depth, from the one-zone table */
	assert_int_equal(cmd(dev, REQ_OP_ZONE_APPEND, 0, 1, 32), 240 * US);
	assert_int_equal(cmd(dev, REQ_OP_READ, 0, 1, 1), 72600);
	zw_dev_close(dev);
}

static void between_and_beyond_the_tables_latency_is_interpolated(void **state)
{
	struct dev_profile *p;
	struct dev_profile_zone_cmd c = { .op = REQ_OP_ZONE_RESET, .fill = 0.375 };
	char err[512];

	(void)state;
	assert_int_equal(dev_profile_load("zn540", &p, err, sizeof(err)), 0);
	assert_string_equal(p->name, "zn540");
	/* halfway between 25 % (7.88 ms) and 50 % (11.32 ms) */
	assert_int_equal(dev_profile_zone_ns(p, &c), 9600 * US);
	/* halfway between 4 KiB (11.4) and 8 KiB (11.2) writes; depth 3 between 2 (17) and 4 (30) appends */
	assert_int_equal(dev_profile_io_ns(p, REQ_OP_WRITE, 6144, 1, false), 11300);
	assert_int_equal(dev_profile_io_ns(p, REQ_OP_ZONE_APPEND, 4096, 3, false), 23500);
	/* past the last depth: saturated, latency in proportion to the depth */
	assert_int_equal(dev_profile_io_ns(p, REQ_OP_ZONE_APPEND, 4096, 1024, false), 7692 * US);
	/* past the last size: in proportion to the size */
	assert_int_equal(dev_profile_io_ns(p, REQ_OP_WRITE, 256 << 10, 1, false), 213 * US);
	/* below the first size: the first */
	assert_int_equal(dev_profile_io_ns(p, REQ_OP_READ, 512, 1, false), 72600);
	dev_profile_free(p);
}

static void the_block_layer_completes_at_the_profiles_virtual_time(void **state)
{
	struct zw_dev *dev = zn540();
	struct block_device bdev;
	struct sim_loop loop;
	struct blk_dio dio;
	char err[256];

	(void)state;
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	assert_int_equal(blkdev_init(&bdev, dev, &loop, NULL, err, sizeof(err)), 0);
	blk_dio_sync(&bdev, REQ_OP_WRITE, 0, 4096, NULL, 1, &dio);
	assert_int_equal(dio.status, BLK_STS_OK);
	assert_int_equal(loop.now, 13500);
	blk_dio_sync(&bdev, REQ_OP_ZONE_RESET, 0, 0, NULL, 0, &dio);
	assert_int_equal(dio.status, BLK_STS_OK);
	/* one block of 256 written: 1/256 of the zone, between 1 LBA and 6.25 % */
	assert_in_range(loop.now - 13500, 1700 * US, 5160 * US);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
}

static void the_profiles_geometry_fills_in_what_the_spec_leaves_out(void **state)
{
	struct zw_dev *dev;
	char err[512];

	(void)state;
	assert_int_equal(zw_dev_open("emu:zones=4,profile=zn540", 0, &dev, err, sizeof(err)), 0);
	assert_int_equal(dev->geo.zone_size, (2ull << 30) >> 9);
	assert_int_equal(dev->geo.zone_capacity, (1077ull << 20) >> 9);
	assert_int_equal(dev->geo.max_open, 14);
	assert_int_equal(dev->nr_zones, 4);
	zw_dev_close(dev);
	/* a spec's zone size takes the profile's capacity out too */
	assert_int_equal(zw_dev_open("emu:zones=4,zone_size=1M,max_open=2,profile=zn540", 0, &dev, err,
				     sizeof(err)), 0);
	assert_int_equal(dev->geo.zone_capacity, (1ull << 20) >> 9);
	assert_int_equal(dev->geo.max_open, 2);
	assert_int_equal(dev->geo.model, ZONE_MODEL_ZNS);
	zw_dev_close(dev);
}

static void a_file_device_keeps_its_geometry_and_takes_the_profiles_latency(void **state)
{
	char dir[] = "/tmp/zwsim-profile-XXXXXX", spec[128], err[512];
	struct zw_dev *dev;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(spec, sizeof(spec), "file:%s/z,zones=4,zone_size=1M", dir);
	assert_int_equal(zw_dev_open(spec, 0, &dev, err, sizeof(err)), 0);
	zw_dev_close(dev);
	/* the profile's geometry is only a default: the directory's own stays */
	snprintf(spec, sizeof(spec), "file:%s/z,profile=zn540", dir);
	assert_int_equal(zw_dev_open(spec, 0, &dev, err, sizeof(err)), 0);
	assert_int_equal(dev->nr_zones, 4);
	assert_int_equal(dev->geo.zone_size, 2048);
	assert_int_equal(cmd(dev, REQ_OP_READ, 0, 1, 1), 72600);
	zw_dev_close(dev);
	snprintf(spec, sizeof(spec), "rm -rf %s", dir);
	assert_int_equal(system(spec), 0);
}

static void refused(const char *text, const char *expect)
{
	struct dev_profile *p = (struct dev_profile *)1;
	char err[512];

	assert_int_equal(dev_profile_parse(text, strlen(text), "bad.json", &p, err, sizeof(err)), -EINVAL);
	assert_null(p);
	if (!strstr(err, expect))
		fail_msg("expected '%s' in: %s", expect, err);
}

#define GRID "{\"sizes\":[\"4k\"],\"us\":[10]}"

static void a_bad_profile_is_refused_with_its_file_and_field(void **state)
{
	(void)state;
	refused("{\"name\":\"x\"", "bad.json:1: not JSON");
	refused("{\n\"a\":\n}", "bad.json:3: not JSON");
	refused("{\"read\":" GRID ",\"write\":" GRID "}", "bad.json: zwsim_profile: missing");
	refused("{\"zwsim_profile\":2,\"read\":" GRID ",\"write\":" GRID "}", "zwsim_profile: version 2");
	refused("{\"zwsim_profile\":1,\"write\":" GRID "}", "bad.json: read: missing");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":" GRID ",\"reste\":{}}",
		"(top): unknown key \"reste\"");
	refused("{\"zwsim_profile\":1,\"read\":{\"sizes\":[\"4k\"],\"depths\":[1,2,4],\"us\":[[1,2]]},\"write\":" GRID "}",
		"bad.json: read.us[0]: 2 values for 3 depths");
	refused("{\"zwsim_profile\":1,\"read\":{\"sizes\":[\"8k\",\"4k\"],\"us\":[1,2]},\"write\":" GRID "}",
		"read.sizes[1]: sizes must increase");
	refused("{\"zwsim_profile\":1,\"read\":{\"sizes\":[\"4q\"],\"us\":[1]},\"write\":" GRID "}",
		"read.sizes[0]: '4q' is not a size");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":{\"sizes\":[4096],\"us\":[-1]}}",
		"write.us[0][0]: -1 is out of range");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":{\"sizes\":[4096],\"us\":[1],\"ms\":[1]}}",
		"write: needs exactly one of");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":" GRID ",\"reset\":{\"fill\":[0,1.5],\"ms\":[1,2]}}",
		"reset.fill[1]: 1.5 is out of range");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":" GRID ",\"finish\":{\"fill\":[0,1],\"ms\":[1]}}",
		"finish.ms: 1 values for 2 fill points");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":" GRID ",\"open_us\":\"fast\"}",
		"open_us: expected a number, found string");
	refused("{\"zwsim_profile\":1,\"read\":" GRID ",\"write\":" GRID ",\"device\":\"zones=0\"}",
		"bad.json: device: zones=0");
}

static void a_profile_is_found_by_name_or_path_and_a_missing_one_says_where_it_looked(void **state)
{
	struct dev_profile *p;
	struct zw_dev *dev;
	char err[1024];

	(void)state;
	assert_int_equal(dev_profile_load("nullblk", &p, err, sizeof(err)), 0);
	assert_int_equal(dev_profile_io_ns(p, REQ_OP_WRITE, 1 << 20, 64, false), 10 * US);
	dev_profile_free(p);
	assert_int_equal(dev_profile_load("no-such-profile", &p, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no no-such-profile.json in "));
	assert_non_null(strstr(err, "/profiles"));
	assert_int_equal(dev_profile_load("/nonexistent/x.json", &p, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.json: No such file"));
	assert_int_not_equal(zw_dev_open("emu:zones=4,profile=../x", 0, &dev, err, sizeof(err)), 0);
	assert_int_not_equal(zw_dev_open("emu:zones=4,profile=bad name", 0, &dev, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "a name is letters"));
}

static void the_smr_disk_pays_a_seek_off_the_heads_position(void **state)
{
	struct zw_dev *dev;
	char err[512];

	(void)state;
	assert_int_equal(zw_dev_open("emu:zones=4,zone_size=1M,profile=hm-smr", 0, &dev, err, sizeof(err)), 0);
	/* lba=512: a 4 KiB write is 8 blocks of 512 bytes */
	{
		struct zw_io a = { .op = REQ_OP_WRITE, .sector = 0, .nr_sectors = 8 };
		struct zw_io b = { .op = REQ_OP_WRITE, .sector = 8, .nr_sectors = 8 };
		struct zw_io c = { .op = REQ_OP_WRITE, .sector = 2048, .nr_sectors = 8 };

		zw_dev_submit(dev, &a);
		zw_dev_submit(dev, &b);
		zw_dev_submit(dev, &c);
		assert_int_equal(b.lat_ns, 60 * US);		/* streaming on */
		assert_int_equal(c.lat_ns, 8560 * US);		/* another zone: a seek */
		assert_int_equal(a.lat_ns, 60 * US);		/* the head starts at 0 */
	}
	zw_dev_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reset_costs_the_tables_value_at_the_zones_occupancy),
		cmocka_unit_test(a_finish_pads_by_what_is_left_and_the_reset_after_it_costs_what_was_written),
		cmocka_unit_test(io_latency_follows_size_depth_and_the_implicit_open),
		cmocka_unit_test(between_and_beyond_the_tables_latency_is_interpolated),
		cmocka_unit_test(the_block_layer_completes_at_the_profiles_virtual_time),
		cmocka_unit_test(the_profiles_geometry_fills_in_what_the_spec_leaves_out),
		cmocka_unit_test(a_file_device_keeps_its_geometry_and_takes_the_profiles_latency),
		cmocka_unit_test(a_bad_profile_is_refused_with_its_file_and_field),
		cmocka_unit_test(a_profile_is_found_by_name_or_path_and_a_missing_one_says_where_it_looked),
		cmocka_unit_test(the_smr_disk_pays_a_seek_off_the_heads_position),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
