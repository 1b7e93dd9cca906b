// SPDX-License-Identifier: MIT
/*
 * Zone model benchmarks: write checks, appends and management ops per
 * second on one core, and the time to report 100k zones.  Prints one
 * "bench: NAME VALUE UNIT" line per figure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dev.h"
#include "zone.h"

#define NR_ZONES	1024
#define ZONE_SECTORS	(1u << 16)	/* 32 MiB */
#define IO_SECTORS	8		/* one 4 KiB block */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void model_init(struct zone_model *zm, enum zone_personality p)
{
	struct zone_geometry g = {
		.model = p,
		.capacity = (sector_t)NR_ZONES * ZONE_SECTORS,
		.zone_size = ZONE_SECTORS,
		.zone_capacity = ZONE_SECTORS,
		.lba_size = 4096,
		.max_open = 14,
		.max_active = 14,
		.max_append_sectors = 1024,
	};
	char err[256];

	if (zone_model_init(zm, &g, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
}

/* Writes (or appends) of one block at the write pointer, 8 zones in turn, resetting full zones. */
static double bench_writes(enum req_op op, uint64_t n)
{
	struct zone_model zm;
	struct zone_result res;
	uint64_t failed = 0;
	double t;

	model_init(&zm, ZONE_MODEL_NULLBLK);
	t = now();
	for (uint64_t i = 0; i < n; i++) {
		struct blk_zone *z = &zm.zones[i & 7];
		sector_t sector = op == REQ_OP_ZONE_APPEND ? z->start : z->wp;

		if (zone_write_prepare(&zm, op, sector, IO_SECTORS, &res)) {
			failed++;
			continue;
		}
		zone_write_complete(&zm, res.sector, IO_SECTORS);
		if (z->cond == BLK_ZONE_COND_FULL)
			zone_mgmt(&zm, REQ_OP_ZONE_RESET, z->start, &res);
	}
	t = now() - t;
	zone_model_free(&zm);
	if (failed) {
		fprintf(stderr, "bench: %" PRIu64 " writes failed\n", failed);
		exit(1);
	}
	return (double)n / t;
}

static double bench_mgmt(uint64_t n)
{
	static const enum req_op cycle[] = {
		REQ_OP_ZONE_OPEN, REQ_OP_ZONE_FINISH, REQ_OP_ZONE_RESET,
	};
	struct zone_model zm;
	struct zone_result res;
	double t;

	model_init(&zm, ZONE_MODEL_NULLBLK);
	t = now();
	for (uint64_t i = 0; i < n; i++) {
		unsigned int zno = (unsigned int)((i / 3) % NR_ZONES);

		if (zone_mgmt(&zm, cycle[i % 3], (sector_t)zno * ZONE_SECTORS, &res)) {
			fprintf(stderr, "bench: %s\n", res.reason);
			exit(1);
		}
	}
	t = now() - t;
	zone_model_free(&zm);
	return (double)n / t;
}

/* A full report of a 100k-zone device (a 25 TB SMR layout of 256 MiB zones), best of 5. */
static double bench_report_100k(void)
{
	const char *spec = "emu:zones=100000,zone_size=256M,conv=100,data=tags";
	struct zw_dev *dev;
	struct blk_zone *zones;
	double best = 1e9;
	char err[256];

	if (zw_dev_open(spec, 0, &dev, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	zones = malloc(dev->nr_zones * sizeof(*zones));
	for (int r = 0; r < 5; r++) {
		double t = now();

		if (zw_dev_report_zones(dev, 0, dev->nr_zones, zones) != (int)dev->nr_zones)
			exit(1);
		t = now() - t;
		if (t < best)
			best = t;
	}
	free(zones);
	zw_dev_close(dev);
	return best * 1e3;
}

int main(void)
{
	printf("bench: zone_write_checks_per_s %.0f ops/s\n", bench_writes(REQ_OP_WRITE, 50000000));
	printf("bench: zone_appends_per_s %.0f ops/s\n", bench_writes(REQ_OP_ZONE_APPEND, 50000000));
	printf("bench: zone_mgmt_ops_per_s %.0f ops/s\n", bench_mgmt(30000000));
	printf("bench: zone_report_100k_ms %.3f ms\n", bench_report_100k());
	return 0;
}
