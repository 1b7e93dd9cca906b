// SPDX-License-Identifier: MIT
/*
 * zwsim check's throughput: a large event log made by the model (regular
 * writes and zone appends over many zones, zone resets), then read and
 * checked line by line as `zwsim check` does.  Prints the rate at which
 * the model wrote the log and the rate at which the checker reads it: the
 * check is cheaper than the run when the second is the higher.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blk.h"
#include "check/check.h"
#include "check/read.h"
#include "dev.h"
#include "log.h"

#define SPEC	"emu:zones=256,zone_size=4M,data=tags"
#define ROUNDS	2

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The log of a run: every zone filled with 4 KiB writes or appends, then reset. */
static char *make_log(size_t *len, uint64_t *lines, double *secs)
{
	struct zw_dev *dev;
	struct sim_loop loop;
	struct block_device bdev;
	struct zw_log log = { 0 };
	struct blk_opts bo = { 0 };
	char err[256], *buf = NULL;
	double t0;

	if (zw_dev_open(SPEC, 0, &dev, err, sizeof(err))) {
		fprintf(stderr, "bench_check: %s\n", err);
		exit(1);
	}
	sim_loop_init(&loop, SIM_COMPLETE_FIFO, 1);
	log.f = open_memstream(&buf, len);
	log.clock = &loop.now;
	dev->log = &log;
	if (!log.f || blkdev_init(&bdev, dev, &loop, &log, err, sizeof(err))) {
		fprintf(stderr, "bench_check: %s\n", err);
		exit(1);
	}
	t0 = now();
	zw_log_device(&log, dev, &bo);
	for (int round = 0; round < ROUNDS; round++)
		for (unsigned int z = 0; z < dev->nr_zones; z++) {
			sector_t start = (sector_t)z * bdev.zone_size;
			struct blk_dio dio;

			for (sector_t off = 0; off < bdev.zone_size; off += 64)
				blk_dio_sync(&bdev, (z + round) % 2 ? REQ_OP_ZONE_APPEND : REQ_OP_WRITE,
					     (z + round) % 2 ? start : start + off, 32768, NULL, off, &dio);
			blk_dio_sync(&bdev, REQ_OP_ZONE_RESET, start, 0, NULL, 0, &dio);
		}
	fflush(log.f);
	*secs = now() - t0;
	fclose(log.f);
	blkdev_free(&bdev);
	sim_loop_free(&loop);
	zw_dev_close(dev);
	*lines = 0;
	for (size_t i = 0; i < *len; i++)
		*lines += buf[i] == '\n';
	return buf;
}

int main(void)
{
	double gen_secs, best = 0;
	uint64_t lines, events = 0, viol = 0;
	size_t len;
	char *log = make_log(&len, &lines, &gen_secs);

	for (int rep = 0; rep < 3; rep++) {
		struct chk_log *l = chk_log_new();
		char err[256];
		uint64_t n = 0;
		double t0 = now(), s;

		for (char *p = log, *nl; p < log + len; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(log + len - p));
			if (!nl)
				break;
			if (chk_log_line(l, p, (size_t)(nl - p), ++n, err, sizeof(err))) {
				fprintf(stderr, "bench_check: line %" PRIu64 ": %s\n", n, err);
				return 1;
			}
		}
		s = now() - t0;
		if (!best || s < best)
			best = s;
		events = chk_nr_events(chk_log_checker(l));
		viol = chk_nr_violations(chk_log_checker(l));
		chk_log_free(l);
	}
	if (viol) {
		fprintf(stderr, "bench_check: the model's own log has %" PRIu64 " violations\n", viol);
		return 1;
	}
	printf("bench: check_log_lines %" PRIu64 " lines\n", lines);
	printf("bench: check_model_log_lines_per_s %.0f lines/s\n", (double)lines / gen_secs);
	printf("bench: check_lines_per_s %.0f lines/s\n", (double)lines / best);
	printf("bench: check_events_per_s %.0f events/s\n", (double)events / best);
	free(log);
	return 0;
}
