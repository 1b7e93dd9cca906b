// SPDX-License-Identifier: MIT
/*
 * zwsim zone gen: seeded random zone scripts that reach the places where
 * devices and the block layer disagree most easily (issue 10): offsets at
 * and near the write pointer, the zone capacity and the zone end; writes
 * that cross the capacity or into the next zone; writes longer than
 * max_sectors (split by the block layer); writes right after a refused or
 * failed one; full, closed, read-only and offline zones; every management
 * operation; zone appends, also too long ones.
 *
 * Each operation is run on the device as it is drawn (on the device alone,
 * one command each, with no report between operations: cheap, which
 * matters in the VM tier's guest, where the scripts are drawn), so the next
 * one can follow the zone's state: its write pointer, whether the last
 * operation failed.  The state is the device's without the block layer
 * (a split write makes no partial progress here), near enough to aim at.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk.h"
#include "stack.h"
#include "zone_script.h"

struct gen {
	struct zw_dev *dev;
	struct block_device *bdev;
	struct sim_loop rng;
	FILE *sink;		/* the lines of the operations run while drawing */
	struct zs_opts o;
	uint64_t lbs;		/* sectors a block */
	uint64_t zsz, cap;	/* blocks: zone size, capacity */
	uint64_t max_blocks;	/* the device's largest command */
	uint64_t app_blocks;	/* the largest zone append (emulated: max_sectors) */
	int failed_zone;	/* the zone of the last failed operation, or -1 */
};

static uint64_t rnd(struct gen *g, uint64_t n)
{
	return n ? sim_rand(&g->rng) % n : 0;
}

static bool chance(struct gen *g, unsigned int percent)
{
	return rnd(g, 100) < percent;
}

static void zone_of(struct gen *g, unsigned int zno, struct blk_zone *z)
{
	zw_dev_report_zones(g->dev, zno, 1, z);
}

/* The zone's write pointer in blocks (0 for zones without one, the capacity when full). */
static uint64_t wp_of(struct gen *g, const struct blk_zone *z)
{
	if (z->cond == BLK_ZONE_COND_FULL)
		return z->capacity / g->lbs;
	if (!zone_is_seq(z) || z->wp == ZONE_WP_INVALID)
		return 0;
	return (z->wp - z->start) / g->lbs;
}

/* A zone: often one that is open or closed (for close, finish, limits), else any. */
static unsigned int pick_zone(struct gen *g, bool prefer_active)
{
	if (prefer_active && chance(g, 60)) {
		unsigned int n = g->dev->nr_zones, start = (unsigned int)rnd(g, n);

		for (unsigned int i = 0; i < n; i++) {
			struct blk_zone z;
			unsigned int zno = (start + i) % n;

			zone_of(g, zno, &z);
			if (z.cond == BLK_ZONE_COND_IMP_OPEN || z.cond == BLK_ZONE_COND_EXP_OPEN ||
			    z.cond == BLK_ZONE_COND_CLOSED)
				return zno;
		}
	}
	return (unsigned int)rnd(g, g->dev->nr_zones);
}

/* Run one operation (its words) on the device and print it; true when it failed. */
static bool emit(struct gen *g, const char *line)
{
	char buf[128], *w[9], err[256];
	struct zs_script s;
	int argc, ret;

	printf("%s\n", line);
	snprintf(buf, sizeof(buf), "%s", line);
	argc = zw_split_words(buf, w, 8);
	if (zs_parse_words(argc, w, g->dev, &s, err, sizeof(err))) {
		/* cannot happen: the generator makes only valid operations */
		fprintf(stderr, "zwsim zone gen: internal: %s: %s\n", line, err);
		exit(EXIT_FAILURE);
	}
	ret = zs_run(g->dev, g->bdev, &s, &g->o, g->sink);
	zs_free(&s);
	return ret > 0;
}

/* Blocks for a write of zone @z at @off: short, long (split), or crossing an end. */
static uint64_t write_len(struct gen *g, unsigned int zno, uint64_t off)
{
	uint64_t dev_end = g->dev->geo.capacity / g->lbs, at = zno * g->zsz + off, n;
	unsigned int k = (unsigned int)rnd(g, 100);

	if (k < 55)
		n = 1 + rnd(g, 8);
	else if (k < 80)
		n = g->max_blocks + 1 + rnd(g, g->max_blocks + 8);	/* longer than max_sectors */
	else if (k < 90 && off < g->cap)
		n = g->cap - off + 1 + rnd(g, 4);			/* across the capacity */
	else
		n = g->zsz - (off % g->zsz) + 1 + rnd(g, 8);		/* into the next zone */
	/* a long one to the capacity end would be tens of MiB: keep it to a few commands */
	if (n > 4 * g->max_blocks + 16)
		n = 1 + rnd(g, 4 * g->max_blocks + 16);
	if (at + n > dev_end)
		n = dev_end - at;
	return n ? n : 1;
}

/* An offset in zone @z: at, near or past the write pointer, the capacity, the zone end. */
static uint64_t write_off(struct gen *g, const struct blk_zone *z)
{
	uint64_t wp = wp_of(g, z), len = z->len / g->lbs;
	unsigned int k = (unsigned int)rnd(g, 100);
	uint64_t off;

	if (k < 50)
		off = wp;
	else if (k < 58)
		off = wp + 1 + rnd(g, 3);
	else if (k < 63)
		off = wp ? wp - 1 : 0;
	else if (k < 75)
		off = g->cap - 1 - rnd(g, g->cap < 4 ? g->cap : 4);		/* near the capacity */
	else if (k < 80)
		off = g->cap;							/* at it */
	else if (k < 88)
		off = len - 1 - rnd(g, len < 3 ? len : 3);			/* near the zone end */
	else if (k < 93)
		off = 0;
	else
		off = rnd(g, len);
	return off < len ? off : len - 1;
}

static void gen_write(struct gen *g, unsigned int zno)
{
	struct blk_zone z;
	uint64_t off, n;
	char line[96];

	zone_of(g, zno, &z);
	off = write_off(g, &z);
	n = write_len(g, zno, off);
	snprintf(line, sizeof(line), "write %u %" PRIu64 " %" PRIu64, zno, off, n);
	g->failed_zone = emit(g, line) ? (int)zno : -1;
}

int zs_gen(struct zw_dev *dev, struct block_device *bdev, uint64_t seed, unsigned int nr_ops)
{
	static const char *const mgmt[] = { "open", "close", "finish", "reset" };
	struct gen g = {
		.dev = dev, .bdev = NULL, .lbs = dev->geo.lba_size >> SECTOR_SHIFT,
		.failed_zone = -1, .o = { .no_report = true },
	};

	(void)bdev;

	g.zsz = dev->geo.zone_size / g.lbs;
	g.cap = dev->geo.zone_capacity / g.lbs;
	g.max_blocks = dev->geo.max_hw_sectors / g.lbs;
	if (g.max_blocks > 2560 / g.lbs)
		g.max_blocks = 2560 / g.lbs;	/* BLK_DEF_MAX_SECTORS_CAP: the split size */
	if (!g.max_blocks)
		g.max_blocks = 1;
	g.app_blocks = (dev->geo.max_append_sectors ? dev->geo.max_append_sectors
						    : g.max_blocks * g.lbs) / g.lbs;
	g.sink = fopen("/dev/null", "w");
	if (!g.sink) {
		fprintf(stderr, "zwsim zone gen: cannot open /dev/null\n");
		return -1;
	}
	sim_loop_init(&g.rng, SIM_COMPLETE_SHUFFLE, seed ? seed : 1);
	printf("# zwsim zone gen --seed %" PRIu64 " --ops %u: a random zone script\n", seed, nr_ops);
	for (unsigned int i = 0; i < nr_ops; i++) {
		unsigned int kind = (unsigned int)rnd(&g, 100);
		char line[96];

		if (g.failed_zone >= 0 && chance(&g, 50)) {
			/* right after a refused or failed write: the same zone, or the next */
			unsigned int zno = (unsigned int)g.failed_zone;

			if (chance(&g, 30) && zno + 1 < dev->nr_zones)
				zno++;
			gen_write(&g, zno);
			continue;
		}
		if (kind < 45) {
			gen_write(&g, pick_zone(&g, false));
		} else if (kind < 55) {
			unsigned int zno = pick_zone(&g, false);
			uint64_t n = chance(&g, 85) ? 1 + rnd(&g, 8) : g.app_blocks + 1 - rnd(&g, 3);

			snprintf(line, sizeof(line), "append %u %" PRIu64, zno, n ? n : 1);
			g.failed_zone = emit(&g, line) ? (int)zno : -1;
		} else if (kind < 84) {
			unsigned int m = (unsigned int)rnd(&g, 4), zno = pick_zone(&g, m == 1 || m == 2);

			snprintf(line, sizeof(line), "%s %u", mgmt[m], zno);
			emit(&g, line);
			g.failed_zone = -1;
		} else if (kind < 86) {
			emit(&g, "reset all");
			g.failed_zone = -1;
		} else if (kind < 94) {
			unsigned int zno = pick_zone(&g, false);
			struct blk_zone z;
			uint64_t off, n, dev_end = dev->geo.capacity / g.lbs;

			zone_of(&g, zno, &z);
			off = chance(&g, 30) ? (z.len / g.lbs) - 1 - rnd(&g, 2) : rnd(&g, z.len / g.lbs);
			n = 1 + rnd(&g, chance(&g, 20) ? 2 * g.max_blocks : 8);
			if (zno * g.zsz + off + n > dev_end)
				n = dev_end - zno * g.zsz - off;
			snprintf(line, sizeof(line), "read %u %" PRIu64 " %" PRIu64, zno, off, n ? n : 1);
			emit(&g, line);
		} else {
			snprintf(line, sizeof(line), "report %u", pick_zone(&g, false));
			emit(&g, line);
		}
	}
	printf("report\n");
	sim_loop_free(&g.rng);
	fclose(g.sink);
	return 0;
}
