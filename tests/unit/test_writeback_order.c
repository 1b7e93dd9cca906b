// SPDX-License-Identifier: MIT
/*
 * Completion order is a policy of the event loop: SIM_COMPLETE_SHUFFLE
 * completes in-flight I/O in an order drawn from one seed.  The same seed
 * must give the same run, byte for byte in the event log; another seed
 * another order, but (zone write plugs keeping each zone's writes in
 * order) the same data on the device.
 *
 * The workload runs through the block device's own page cache
 * (sim/blkdev.c, block/fops.c: blkdev_writeback_range() with the generic
 * ioend_writeback_submit()).
 */
#include "fakefs.h"

#include "blkdev.h"

/* Four conventional zones (writes in any order), four sequential. */
#define DEV	"emu:zones=8,zone_size=1M,conv=4"
#define ZONE	(1 * MiB)

struct run {
	char *log;
	size_t loglen;
	uint8_t *data;		/* the whole device afterwards */
	size_t size;
	int sync_err, fsync_err;
};

static void fill(uint8_t *buf, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = fake_byte(off + i, 0);
}

/* A buffered write of the test pattern, or (@bf NULL) the same bytes into @img. */
static void bwrite(struct blkdev_file *bf, uint8_t *img, uint64_t off, size_t len)
{
	uint8_t *buf;

	if (!bf) {
		fill(img + off, off, len);
		return;
	}
	buf = malloc(len);
	assert_non_null(buf);
	fill(buf, off, len);
	assert_int_equal(iomap_file_buffered_write(&bf->inode, (loff_t)off, len, buf, 0),
			 (ssize_t)len);
	free(buf);
}

/*
 * Scattered 4 KiB writes to the conventional zones (each its own ioend),
 * runs of 260 single-page folios to three sequential zones (two ioends
 * each: the first bio fills at 256 segments, the second waits in the
 * zone's plug), and a 256 KiB folio the block layer splits at max_sectors.
 */
static void workload(struct blkdev_file *bf, uint8_t *img)
{
	for (unsigned int z = 0; z < 4; z++)
		for (unsigned int i = 0; i < 12; i++)
			bwrite(bf, img, z * ZONE + (uint64_t)((i * 5) % 12) * 64 * KiB, 4 * KiB);
	for (unsigned int z = 4; z < 7; z++)
		for (unsigned int i = 0; i < 260; i++)
			bwrite(bf, img, z * ZONE + (uint64_t)i * 4 * KiB, 4 * KiB);
	bwrite(bf, img, 7 * ZONE, 256 * KiB);
}

static void run_workload(enum sim_completion_policy policy, uint64_t seed, struct run *r)
{
	struct zw_dev *dev;
	struct block_device bdev;
	struct sim_loop loop;
	struct mm_ctx mm = { 0 };
	struct zw_log log = { 0 };
	struct blkdev_file bf;
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL, .nr_to_write = INT64_MAX, .range_end = INT64_MAX,
	};
	char err[256];
	FILE *f;

	memset(r, 0, sizeof(*r));
	if (zw_dev_open(DEV, 0, &dev, err, sizeof(err)))
		fail_msg("%s", err);
	sim_loop_init(&loop, policy, seed);
	f = open_memstream(&r->log, &r->loglen);
	assert_non_null(f);
	log.f = f;
	log.clock = &loop.now;
	if (blkdev_init(&bdev, dev, &loop, &log, err, sizeof(err)))
		fail_msg("%s", err);
	mm.loop = &loop;
	mm.log = &log;
	blkdev_file_init(&bf, &bdev, &mm);

	workload(&bf, NULL);
	r->sync_err = do_writepages(&bf.inode.i_data, &wbc);
	sim_run(&loop);
	r->fsync_err = vfs_fsync(&bf.file);

	r->size = (size_t)(dev->geo.capacity << SECTOR_SHIFT);
	r->data = malloc(r->size);
	assert_non_null(r->data);
	for (unsigned int z = 0; z < dev->nr_zones; z++) {
		struct zw_io io = {
			.op = REQ_OP_READ,
			.sector = (sector_t)z * (ZONE >> SECTOR_SHIFT),
			.nr_sectors = ZONE >> SECTOR_SHIFT,
			.buf = r->data + z * ZONE,
		};

		zw_dev_submit(dev, &io);
		assert_int_equal(io.res.status, BLK_STS_OK);
	}
	blkdev_file_release(&bf);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	fclose(f);
	zw_dev_close(dev);
}

static void run_free(struct run *r)
{
	free(r->log);
	free(r->data);
}

/* The ids of the bio_end lines, in log order. */
static unsigned int bio_end_ids(const char *log, int64_t *ids, unsigned int max)
{
	return log_collect_int(log, "bio_end", "id", ids, max);
}

static void the_workload_completes_without_errors_and_lands_every_byte(void **state)
{
	struct run r;
	uint8_t *img;

	(void)state;
	run_workload(SIM_COMPLETE_SHUFFLE, 42, &r);
	assert_int_equal(r.sync_err, 0);
	assert_int_equal(r.fsync_err, 0);
	assert_int_equal(log_count(r.log, "writeback_error"), 0);
	assert_int_equal(log_count(r.log, "bio_submit") + log_count(r.log, "bio_split"),
			 log_count(r.log, "bio_end"));
	img = calloc(1, r.size);
	assert_non_null(img);
	/* null_blk (the emu: default) reads 0xFF above a sequential zone's wp */
	memset(img + 4 * ZONE, 0xff, 4 * ZONE);
	workload(NULL, img);
	assert_memory_equal(r.data, img, r.size);
	free(img);
	run_free(&r);
}

static void the_same_seed_gives_a_byte_identical_event_log(void **state)
{
	struct run a, b;

	(void)state;
	run_workload(SIM_COMPLETE_SHUFFLE, 42, &a);
	run_workload(SIM_COMPLETE_SHUFFLE, 42, &b);
	assert_true(a.loglen > 0);
	assert_true(log_count(a.log, "ioend_submit") > 10);
	assert_int_equal(a.loglen, b.loglen);
	assert_memory_equal(a.log, b.log, a.loglen);
	assert_memory_equal(a.data, b.data, a.size);
	run_free(&a);
	run_free(&b);
}

static void shuffled_completions_leave_submission_order(void **state)
{
	static int64_t ids[4096];
	struct run r;
	unsigned int n;
	bool sorted = true;

	(void)state;
	run_workload(SIM_COMPLETE_SHUFFLE, 42, &r);
	n = bio_end_ids(r.log, ids, 4096);
	assert_true(n > 10);
	for (unsigned int i = 1; i < n; i++)
		sorted &= ids[i - 1] < ids[i];
	assert_false(sorted);
	run_free(&r);
}

static void a_different_seed_gives_another_order_and_the_same_device_contents(void **state)
{
	static int64_t ids_a[4096], ids_b[4096];
	struct run a, b;
	unsigned int na, nb;

	(void)state;
	run_workload(SIM_COMPLETE_SHUFFLE, 42, &a);
	run_workload(SIM_COMPLETE_SHUFFLE, 43, &b);
	na = bio_end_ids(a.log, ids_a, 4096);
	nb = bio_end_ids(b.log, ids_b, 4096);
	assert_int_equal(na, nb);
	assert_memory_not_equal(ids_a, ids_b, na * sizeof(*ids_a));
	assert_int_equal(a.size, b.size);
	assert_memory_equal(a.data, b.data, a.size);
	run_free(&a);
	run_free(&b);
}

static void shuffled_and_fifo_completions_leave_the_same_device_contents(void **state)
{
	struct run a, b;

	(void)state;
	run_workload(SIM_COMPLETE_SHUFFLE, 7, &a);
	run_workload(SIM_COMPLETE_FIFO, 0, &b);
	assert_int_equal(a.size, b.size);
	assert_memory_equal(a.data, b.data, a.size);
	assert_int_equal(b.fsync_err, 0);
	run_free(&a);
	run_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_workload_completes_without_errors_and_lands_every_byte),
		cmocka_unit_test(the_same_seed_gives_a_byte_identical_event_log),
		cmocka_unit_test(shuffled_completions_leave_submission_order),
		cmocka_unit_test(a_different_seed_gives_another_order_and_the_same_device_contents),
		cmocka_unit_test(shuffled_and_fifo_completions_leave_the_same_device_contents),
	};

	return _cmocka_run_group_tests("writeback_order", tests, sizeof(tests) / sizeof(tests[0]),
				       NULL, NULL) ? 1 : 0;
}
