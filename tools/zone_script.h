/* SPDX-License-Identifier: MIT */
/*
 * Zone scripts: one zone operation a line, the format `zwsim zone run`
 * executes and that later runs unchanged on real devices.  See
 * docs/zone-scripts.md.
 */
#ifndef ZWSIM_ZONE_SCRIPT_H
#define ZWSIM_ZONE_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dev.h"

struct block_device;

enum zs_kind {
	ZS_OPEN, ZS_CLOSE, ZS_FINISH, ZS_RESET, ZS_RESET_ALL,
	ZS_WRITE, ZS_APPEND, ZS_READ, ZS_REPORT, ZS_REPORT_ALL,
	ZS_INJECT, ZS_FLUSH,
};

struct zs_op {
	enum zs_kind kind;
	unsigned int line;
	unsigned int zone;
	uint64_t off;		/* blocks from the zone start */
	uint64_t nr;		/* blocks */
	char *text;		/* the operation as written, blanks folded */
	char *arg;		/* inject: the fault */
};

struct zs_script {
	struct zs_op *ops;
	size_t nr;
};

struct zs_opts {
	bool explain;		/* add "# reason" to failed operations */
	bool json;		/* one JSON object per operation instead */
	bool verify;		/* reads check the data they return */
	bool no_report;		/* no zone report between operations (lines without cond/wp) */
	bool zbd_append;	/* appends as zbd: makes them: a zone report, a write at the wp */
};

/* Parse a whole script (nothing runs if any line is wrong).  0, or -1 with "NAME:LINE: why" in err. */
int zs_parse(FILE *f, const char *name, const struct zw_dev *dev, struct zs_script *s,
	     char *err, size_t errlen);
/* Parse one operation given as words (the single zone commands). */
int zs_parse_words(int argc, char **argv, const struct zw_dev *dev, struct zs_script *s,
		   char *err, size_t errlen);
/*
 * Run it through the block layer @bdev (NULL: straight to the device),
 * printing one line per operation to @out.  Returns the number of
 * operations that failed, -1 when a read did not verify, or -2 when a fault
 * could not be injected (the run stops there).
 */
int zs_run(struct zw_dev *dev, struct block_device *bdev, const struct zs_script *s,
	   const struct zs_opts *o, FILE *out);
void zs_free(struct zs_script *s);
/*
 * Print a seeded random script of @nr_ops operations for @dev (tools/zone_gen.c),
 * running each on it as drawn (through @bdev when not NULL).  0, or -1.
 */
int zs_gen(struct zw_dev *dev, struct block_device *bdev, uint64_t seed, unsigned int nr_ops);

/* One operation's outcome, for a caller that steps through a script (zwsim teach). */
struct zs_outcome {
	blk_status_t status;
	bool has_at;
	uint64_t at;		/* append: block where the data landed */
	struct zone_result res;	/* the device's (or block layer's) answer */
};
/*
 * Run one operation as zs_run() would (report and report-all do nothing
 * here).  0, or -1 when a fault could not be injected (said on stderr).
 */
int zs_run_op(struct zw_dev *dev, struct block_device *bdev, const struct zs_op *op,
	      struct zs_outcome *out);

#endif
