/* SPDX-License-Identifier: MIT */
/*
 * The three layers a lesson runs on, each the real library: zone
 * operations through the block layer, the block device's page cache with
 * iomap writeback, or system calls on a file system model.  Every step's
 * bios, splits, zone-plug waits and ioends come from the event log.
 */
#ifndef ZWSIM_TEACH_LAYERS_H
#define ZWSIM_TEACH_LAYERS_H

#include <stdio.h>

#include "blk.h"
#include "blkdev.h"
#include "dev.h"
#include "event.h"
#include "lesson.h"
#include "log.h"
#include "mm.h"
#include "teach.h"
#include "vfs.h"

/* A bio that failed during the step (the first one), from the event log. */
struct teach_failed_bio {
	char op[24], status[40], reason[192], zone_err[32];
	unsigned long long sector, bytes;
};

struct teach_ctx {
	const struct lesson *l;
	struct zw_dev *dev;
	struct sim_loop loop;
	struct zw_log log;
	char *logbuf;
	size_t loglen, logpos;
	struct block_device bdev;
	bool have_bdev, have_loop;
	struct mm_ctx mm;
	struct blkdev_file bf;
	bool have_bf;
	const struct zw_fs_ops *fsops;
	struct zw_fs *fs;
	void *ops;		/* each step's parsed operation, by layer */
	char (*open_files)[64];
	size_t nr_open;
	/* this step, from the log */
	char events[1024];	/* a few lines telling what the block layer saw */
	bool have_failed;
	struct teach_failed_bio failed;
};

/*
 * Open the device (@spec: the lesson's, or another personality's of it)
 * and the layer, and check every step's operation.  0, or 2 after saying why.
 */
int teach_open(struct teach_ctx *c, const struct lesson *l, const char *spec);
void teach_close(struct teach_ctx *c);
/* Run step @i; its outcome in @oc.  0, or 2 after saying why (a fault that could not be injected). */
int teach_exec(struct teach_ctx *c, size_t i, struct teach_outcome *oc);
/* The zones as they are now: @zones holds c->dev->nr_zones. */
void teach_zones(struct teach_ctx *c, struct blk_zone *zones);

#endif
