/* SPDX-License-Identifier: MIT */
/*
 * The zwsim fs script: its lines parsed into operations (docs/fs-command.md)
 * and run on a mounted file system model, as one thread of a program makes
 * the calls.  `zwsim fs` runs a whole script; `zwsim replay` runs the lines
 * of a file-level trace (--format fs) one at a time.
 */
#ifndef ZWSIM_FS_SCRIPT_H
#define ZWSIM_FS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json.h>

#include "blk.h"
#include "mm.h"
#include "vfs.h"

struct fs_oracle;

enum fs_kind { F_OPEN, F_CLOSE, F_WRITE, F_DWRITE, F_APPEND, F_READ, F_TRUNCATE, F_UNLINK,
	       F_FSYNC, F_SYNC, F_HINT, F_INJECT, F_REFLINK, F_FALLOCATE, F_NR_KINDS };

struct fs_op {
	enum fs_kind kind;
	unsigned int line;
	char file[64];
	char arg[64];
	uint64_t off, len, call;
	char text[192];
};

/* The operation's script word ("write", "fsync", ...). */
const char *fs_kind_name(enum fs_kind kind);

/* The file system model named @name (zonefs, xfs-zoned, xfs), or NULL. */
const struct zw_fs_ops *fs_type_find(const char *name);

/*
 * Parse one script line in place ('#' comments).  1 with @op filled (its
 * text the words joined by one space), 0 for a blank line, -1 with why in
 * @why.
 */
int fs_parse_text(char *line, struct fs_op *op, char *why, size_t wlen);

/* A whole script; @cmd names the command in messages.  0, or -1 after saying why. */
int fs_parse_script(FILE *f, const char *cmd, const char *name, struct fs_op **opsp, size_t *nrp);

struct fs_run {
	const struct zw_fs_ops *ops;
	struct zw_fs *fs;
	struct zw_dev *dev;
	const char *cmd;		/* "fs", "replay": for notes */
	char (*open_files)[64];
	size_t nr_open;
	struct fs_oracle *oracle;	/* --verify: what every file must hold */
	json_object *series;		/* the fs's state counts over the run (zw_fs_ops.sample) */
	bool told_tags;			/* the data=tags note was printed */
};

/*
 * Run one operation; its result as the script's output says it into @res
 * (NULL: not formatted).  Returns what it came to: bytes (writes, reads),
 * 0, or a negative errno (a write that failed after some calls: the error).
 */
long fs_run_op(struct fs_run *r, const struct fs_op *op, char *res, size_t rlen);

/* --verify's oracle, over the file system of @r on @bdev. */
void fs_run_oracle_init(struct fs_run *r, struct fs_oracle *o, struct block_device *bdev);

/*
 * --verify, after the workload: sync, fsync every file, drop the page
 * cache, read everything back and compare; then the file system's own
 * check.  0, or -1 with the first mismatch in @err.
 */
int fs_run_verify(struct fs_run *r, struct mm_ctx *mm, char *err, size_t errlen);

/* The device's zone report as zwsim fs --json has it: [{"zone", "cond", "wp"}]. */
json_object *fs_report_zones(struct block_device *bdev);

/* The end report: {"files", "zones", "stats"} (docs/fs-command.md). */
json_object *fs_report_json(struct fs_run *r, struct block_device *bdev);

/* The same as text: "# files" and "# zones". */
void fs_report_print(FILE *f, json_object *top);

#endif
