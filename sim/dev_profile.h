/* SPDX-License-Identifier: MIT */
/*
 * Device profiles: the emulated device's latency model as data.  A profile
 * is a JSON file a user copies and edits (profiles/NAME.json, documented in
 * docs/profiles.md), never compiled in.  It says what each command costs
 * in virtual time:
 *
 *   - reads, writes and zone appends: a table of mean latency by command
 *     size and by queue depth (the commands at the device, this one
 *     included), interpolated linearly on both axes;
 *   - a seek: what a read or write costs on top when it does not start
 *     where the previous one ended (a disk's head moves; 0 for flash);
 *   - zone management: reset, finish (by how full the zone was), open,
 *     close, and the surcharge of a write that opens its zone implicitly;
 *   - optionally the device's geometry and limits (spec keys), the
 *     defaults of a spec that names the profile.
 *
 * The device (dev_emu.c) asks dev_profile_io_ns() / dev_profile_zone_ns()
 * for each command's service time and hands it to the sim_loop, which
 * schedules the completion that far in virtual time (event.h).  No
 * randomness: the same commands always cost the same.
 */
#ifndef ZWSIM_DEV_PROFILE_H
#define ZWSIM_DEV_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "req_op.h"

/* Mean latency by size (rows) and queue depth (columns), in ns. */
struct dev_profile_grid {
	unsigned int nr_sizes, nr_depths;
	uint64_t *sizes;		/* bytes, increasing */
	double *depths;			/* increasing, from 1 */
	double *ns;			/* nr_sizes x nr_depths */
};

/* A latency as a function of how full the zone was (0 to 1 of its capacity). */
struct dev_profile_curve {
	unsigned int nr;
	double *fill;			/* increasing, 0 to 1 */
	double *ns;
};

enum dev_profile_io { DEV_PROFILE_READ, DEV_PROFILE_WRITE, DEV_PROFILE_APPEND, DEV_PROFILE_NR_IO };

struct dev_profile {
	char *name;			/* "zn540" */
	char *path;			/* the file it was read from */
	char *description;
	char *device;			/* spec keys: the device's geometry and limits, or NULL */
	struct dev_profile_grid io[DEV_PROFILE_NR_IO];	/* append: empty = as write */
	double flush_ns;
	double seek_ns;			/* a read or write not starting where the last one ended (a disk's head) */
	double imp_open_ns[DEV_PROFILE_NR_IO];	/* a write or append that opens its zone */
	double open_ns, close_ns;
	double reset_empty_ns;		/* reset of a zone that is empty */
	struct dev_profile_curve reset;	/* by written fraction */
	struct dev_profile_curve reset_finished;	/* a zone full by a finish: by what was written before it */
	struct dev_profile_curve finish;	/* by written fraction */
};

/* What the latency of a zone command depends on. */
struct dev_profile_zone_cmd {
	enum req_op op;			/* open, close, finish, reset */
	double fill;			/* written / zone capacity before the command */
	bool empty;			/* the zone was empty (never opened, or reset) */
	bool finished;			/* reset: the zone is full because it was finished */
};

/*
 * Parse a profile from @text (@len bytes; @file names it in messages).
 * 0, or -EINVAL with "FILE: FIELD: what is wrong" in @err.
 */
int dev_profile_parse(const char *text, size_t len, const char *file, struct dev_profile **out,
		      char *err, size_t errlen);

/*
 * Load the profile @name: a path (it has a '/' or ends in ".json"), or a
 * name looked up as NAME.json in dev_profile_dirs(), first match wins.
 * 0, or -errno with a message in @err.
 */
int dev_profile_load(const char *name, struct dev_profile **out, char *err, size_t errlen);
void dev_profile_free(struct dev_profile *p);

/*
 * Where profiles are found by name, in order, ':'-separated:
 * $ZWSIM_PROFILE_PATH, then the source tree's profiles/, then the
 * installed data directory's (both fixed at build time).  The one place
 * that knows; `zwsim` and zwsim-fio.so both use it.
 */
const char *dev_profile_dirs(char *buf, size_t len);

/* A read, write or zone append of @bytes with @depth commands at the device (>= 1). */
uint64_t dev_profile_io_ns(const struct dev_profile *p, enum req_op op, uint64_t bytes,
			   unsigned int depth, bool implicit_open);
/* A zone management command (reset-all: one reset per zone, summed by the caller). */
uint64_t dev_profile_zone_ns(const struct dev_profile *p, const struct dev_profile_zone_cmd *cmd);

#endif
