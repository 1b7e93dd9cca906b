/* SPDX-License-Identifier: MIT */
/*
 * The file-level interface the file system models offer `zwsim fs`: the
 * system calls a workload makes, by file name.  Each returns what the call
 * would (bytes, 0, or a negative errno).
 */
#ifndef ZWSIM_VFS_H
#define ZWSIM_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "mm.h"

struct block_device;
struct zw_fs;

/* Write hints (enum rw_hint, include/linux/rw_hint.h) */
enum rw_hint {
	WRITE_LIFE_NOT_SET = 0,
	WRITE_LIFE_NONE,
	WRITE_LIFE_SHORT,
	WRITE_LIFE_MEDIUM,
	WRITE_LIFE_LONG,
	WRITE_LIFE_EXTREME,
};

struct zw_fs_ops {
	const char *name;
	/* Mount on @bdev (formatting it first if it holds no such file system). */
	int (*mount)(struct zw_fs **fsp, struct block_device *bdev, struct mm_ctx *mm,
		     const char *options, char *err, size_t errlen);
	void (*unmount)(struct zw_fs *fs);
	int (*open)(struct zw_fs *fs, const char *name);
	int (*close)(struct zw_fs *fs, const char *name);
	/* A write(2) at @off (or at EOF with @append), buffered or O_DIRECT. */
	ssize_t (*write)(struct zw_fs *fs, const char *name, loff_t off, size_t len, bool direct,
			 bool append);
	ssize_t (*read)(struct zw_fs *fs, const char *name, loff_t off, size_t len, void *buf);
	int (*truncate)(struct zw_fs *fs, const char *name, loff_t size);
	int (*unlink)(struct zw_fs *fs, const char *name);
	int (*fsync)(struct zw_fs *fs, const char *name);
	int (*sync)(struct zw_fs *fs);
	int (*hint)(struct zw_fs *fs, const char *name, enum rw_hint hint);
	/* Each file's size and extents: {NAME: {"size", "extents": [{off, len, zone, zone_off}]}} */
	void (*report)(struct zw_fs *fs, json_object *files);
	/* optional: file-system statistics for the report's "stats" object */
	void (*stats)(struct zw_fs *fs, json_object *stats);
	/* Read every file back through its mapping; 0, or -1 with the first mismatch. */
	int (*verify)(struct zw_fs *fs, char *err, size_t errlen);
	/* optional (NULL: the tool answers -EOPNOTSUPP): FICLONE, @dst shares all of @src's blocks */
	int (*reflink)(struct zw_fs *fs, const char *src, const char *dst);
	/* optional (NULL: -EOPNOTSUPP): fallocate(2) mode 0, unwritten preallocation */
	int (*fallocate)(struct zw_fs *fs, const char *name, loff_t off, loff_t len);
	/*
	 * optional (NULL: --verify checks no file's content): stat(2), the
	 * file's inode number (its data's tags are zw_tag_file(ino, block))
	 * and size; 0, or -ENOENT.
	 */
	int (*stat)(struct zw_fs *fs, const char *name, uint64_t *ino, loff_t *size);
	/* optional: shut down (XFS's xfs_force_shutdown()): every file call fails with -EIO */
	bool (*shut_down)(struct zw_fs *fs);
	/*
	 * optional: after script operation @op (0: the mount), append to
	 * @series a row of the file system's state counts when they changed
	 * since its last row (the report's "zones_over_time").
	 */
	void (*sample)(struct zw_fs *fs, json_object *series, uint64_t op);
};

extern const struct zw_fs_ops zonefs_fs_ops;
extern const struct zw_fs_ops xfs_zoned_fs_ops;
extern const struct zw_fs_ops xfs_fs_ops;

#endif
