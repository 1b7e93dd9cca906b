/* SPDX-License-Identifier: MIT */
/*
 * The oracle of `zwsim fs --verify`: what each file must hold after a
 * workload, from the results of the calls alone (never from the file
 * system model's own state), and the byte-for-byte check of what the file
 * system reads back.
 *
 * Each file (each inode: a name unlinked and written again is a new one)
 * is its size and a map of byte ranges covering [0, size):
 *   data of ino N   written by a call that returned those bytes; the bytes
 *                   are those of the tagged blocks zw_tag_file(N, block) at
 *                   the same file offset (a reflink copies another file's
 *                   ranges, with their inode)
 *   zeros           never written: a hole, a gap a write or truncate
 *                   opened past EOF
 *   unknown         the oracle cannot know: data that was on the device
 *                   before the run (a device kept in a file), what a
 *                   truncate up exposes where the fs does not zero
 *                   (zonefs: a finished zone), ranges a writeback or I/O
 *                   error may have lost (below)
 *
 * Writeback errors (kernel semantics, as the model has them): a failed
 * writeback clears the dirty bit of the folios anyway (nothing is
 * redirtied), records the error in the mapping (errseq) and the folios stay
 * cached and uptodate, so the data reads back until the cache drops it,
 * and then the device's older content reads.  So every range a write put
 * in a file stays "unsynced" until an fsync of the file whose page cache
 * held it returns 0; an fsync returning an error, or a failed sync, turns
 * its unsynced ranges unknown.  A call that fails with anything else than
 * an error it returns before doing anything (-EINVAL, -ENOSPC, -EFBIG,
 * -EPERM, -EROFS, -ENOENT, -EBADF, -EBUSY, -EOPNOTSUPP) makes the range it
 * was to write unknown; after any failed call the file's size is taken
 * from the file system (zonefs makes it agree with the zone), and what it
 * grew by is unknown.
 */
#ifndef ZWSIM_FS_ORACLE_H
#define ZWSIM_FS_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum fso_kind { FSO_ZERO, FSO_DATA, FSO_UNKNOWN };

struct fso_seg {
	uint64_t start, end;	/* bytes [start, end) */
	enum fso_kind kind;
	uint64_t ino;		/* FSO_DATA: whose tags */
};

struct fso_file {
	char name[64];
	bool live;		/* false once unlinked (a new record takes the name) */
	uint64_t ino;
	uint64_t size;
	struct fso_seg *segs;	/* sorted, covering [0, size) */
	size_t nr_segs;
};

/* A range of file @file whose data sat in file @origin's page cache, not yet fsynced. */
struct fso_pending {
	size_t file, origin;	/* indexes of fs_oracle.files */
	uint64_t start, end;
};

/* How the oracle asks the file system about a file: stat(2) and read(2). */
struct fso_fs {
	/* 0 with the inode number and size, or -ENOENT */
	int (*stat)(void *arg, const char *name, uint64_t *ino, uint64_t *size);
	ssize_t (*read)(void *arg, const char *name, uint64_t off, size_t len, void *buf);
	void *arg;
};

struct fs_oracle {
	struct fso_fs fs;
	unsigned int blocksize;
	bool tags;		/* data=tags: whole blocks only (below) */
	bool fresh;		/* the device held nothing before: unknown old data reads as zeros */
	bool truncate_up_zeroes;	/* a truncate up exposes zeros (zonefs: unknown) */
	bool faults;		/* a fault was injected */
	struct fso_file *files;	/* every inode seen, live or unlinked */
	size_t nr_files;
	char (*seen)[64];	/* names looked up once */
	size_t nr_seen;
	struct fso_pending *pend;
	size_t nr_pend;
};

void fso_init(struct fs_oracle *o, const struct fso_fs *fs, unsigned int blocksize, bool tags, bool fresh,
	      bool truncate_up_zeroes);
void fso_free(struct fs_oracle *o);

/* Before each call, for each file it names: what a file there held before (its first call). */
void fso_before(struct fs_oracle *o, const char *name);

/*
 * The calls, each with what it returned.  fso_write_offset() before a
 * write(2) says where it writes (O_APPEND: at EOF); fso_write() after it.
 */
uint64_t fso_write_offset(struct fs_oracle *o, const char *name, uint64_t off, bool append);
void fso_write(struct fs_oracle *o, const char *name, uint64_t off, uint64_t len, ssize_t ret);
/* open, hint: calls that may create the file, and nothing else */
void fso_touch(struct fs_oracle *o, const char *name, int ret);
void fso_read(struct fs_oracle *o, const char *name, ssize_t ret);
void fso_truncate(struct fs_oracle *o, const char *name, uint64_t size, int ret);
void fso_unlink(struct fs_oracle *o, const char *name, int ret);
void fso_fsync(struct fs_oracle *o, const char *name, int ret);
void fso_sync(struct fs_oracle *o, int ret);
void fso_reflink(struct fs_oracle *o, const char *src, const char *dst, int ret);
void fso_fallocate(struct fs_oracle *o, const char *name, uint64_t off, uint64_t len, int ret);
void fso_inject(struct fs_oracle *o, int ret);

/* The live files, for the end: the tool fsyncs each (fso_fsync()) before fso_verify(). */
size_t fso_nr_files(const struct fs_oracle *o);
const char *fso_file_name(const struct fs_oracle *o, size_t i);	/* NULL: not live */

/*
 * After the workload's last call, the final sync and each file's fsync
 * (reported to the oracle), and with the page cache dropped: each file's
 * size (stat) and every byte (read) against the oracle.  0, or -1 with
 * the first mismatch in @err.  Ranges of files whose page cache is gone
 * (unlinked) and never fsynced turn unknown when a fault was injected.
 */
int fso_verify(struct fs_oracle *o, char *err, size_t errlen);

#endif
