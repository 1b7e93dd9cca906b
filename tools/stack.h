/* SPDX-License-Identifier: MIT */
/*
 * What every command runs on: a device, the simulation loop, the event log
 * and (for emulated devices) the block-layer model.  One place to open and
 * close it all, with the commands' error messages.
 */
#ifndef ZWSIM_STACK_H
#define ZWSIM_STACK_H

#include <stdbool.h>
#include <stdio.h>

#include "blk.h"
#include "dev.h"
#include "event.h"
#include "log.h"

struct zw_stack_opts {
	const char *cmd;		/* "zone run", "writeback": for messages */
	const char *spec;
	unsigned int dev_flags;		/* ZW_DEV_FORCE */
	const char *log;		/* path, "-" for stdout, NULL for none */
	enum sim_completion_policy order;
	uint64_t seed;
	bool raw;			/* no block-layer model */
	bool model_on_real;		/* the block-layer model on a real device too (file system models) */
	const char *emulated_only;	/* refuse real devices, saying why */
	/* the log's stream replaced by what this returns (zwsim fs --check), or NULL */
	FILE *(*log_filter)(FILE *f, void *arg);
	void *log_filter_arg;
	enum blk_kernel_rules kernel;	/* the block-layer model's rules (--kernel) */
	bool complete_inline;		/* commands complete before the next is submitted (zone commands) */
};

struct zw_stack {
	struct zw_dev *dev;
	struct sim_loop loop;
	struct zw_log log;		/* log.f NULL: no log */
	struct block_device bdev;
	struct block_device *bdevp;	/* NULL without the block-layer model */
};

static inline struct zw_log *zw_stack_log(struct zw_stack *s)
{
	return s->log.f ? &s->log : NULL;
}

/* A script named on the command line ("-": standard input); NULL after saying why. */
FILE *zw_script_open(const char *cmd, const char *path);
void zw_script_close(FILE *f);
/*
 * Split a script line into words in place ('#' starts a comment).  Keeps
 * at most @max words in @w; returns how many there were, so a caller sees
 * more than @max as too many.
 */
int zw_split_words(char *line, char **w, int max);

/*
 * The block layer's switches in a device spec (struct blk_opts):
 * zone_wplug=0|1 (plugging, on by default) and ordered_zone_append=0|1
 * (off by default, as zloop's).  Copies @spec without them to @out and
 * sets @bo; 0, or -1 with a message in @err.
 */
int zw_spec_blk_opts(const char *spec, struct blk_opts *bo, char *out, size_t outlen, char *err,
		     size_t errlen);

/* Called on the simulation loop as soon as it is made, when set (zwsim explore's schedules). */
extern void (*zw_stack_loop_hook)(struct sim_loop *loop);

/* Open it all.  0, or the exit status after saying why on stderr. */
int zw_stack_open(struct zw_stack *s, const struct zw_stack_opts *o);
void zw_stack_close(struct zw_stack *s);

#endif
