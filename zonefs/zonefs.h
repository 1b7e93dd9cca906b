/* SPDX-License-Identifier: MIT */
/*
 * The zonefs model (fs/zonefs/, Linux 6.17): one file per zone.  Zone 0
 * holds the super block; the other conventional zones are files cnv/N,
 * written through the page cache, and the sequential zones are files seq/N,
 * written only by direct, appending writes.  docs/zonefs.md lists every
 * rule and the kernel function it follows.
 */
#ifndef ZWSIM_ZONEFS_H
#define ZWSIM_ZONEFS_H

#include "blk.h"
#include "iomap.h"
#include "mm.h"
#include "vfs.h"

/* zonefs_zone->z_flags */
#define ZONEFS_ZONE_INIT_MODE	(1u << 0)
#define ZONEFS_ZONE_OPEN	(1u << 1)
#define ZONEFS_ZONE_ACTIVE	(1u << 2)
#define ZONEFS_ZONE_OFFLINE	(1u << 3)
#define ZONEFS_ZONE_READONLY	(1u << 4)
#define ZONEFS_ZONE_CNV		(1u << 31)

/* Mount options (ZONEFS_MNTOPT_*) */
#define ZONEFS_MNTOPT_ERRORS_RO		(1u << 0)	/* errors=remount-ro (default) */
#define ZONEFS_MNTOPT_ERRORS_ZRO	(1u << 1)	/* errors=zone-ro */
#define ZONEFS_MNTOPT_ERRORS_ZOL	(1u << 2)	/* errors=zone-offline */
#define ZONEFS_MNTOPT_ERRORS_REPAIR	(1u << 3)	/* errors=repair */
#define ZONEFS_MNTOPT_EXPLICIT_OPEN	(1u << 4)
/*
 * The model's stand-in for mkzonefs's aggr_cnv feature (ZONEFS_F_AGGRCNV in
 * the super block): the conventional zones after zone 0 make one file, cnv/0.
 */
#define ZONEFS_MNTOPT_AGGR_CNV		(1u << 5)
#define ZONEFS_MNTOPT_ERRORS_MASK	0xfu

struct zonefs_zone {
	unsigned int z_flags;
	unsigned int z_zno;		/* the device zone */
	sector_t z_sector;		/* start */
	uint64_t z_size;		/* bytes */
	uint64_t z_capacity;		/* bytes: the file's maximum size */
	uint64_t z_wpoffset;		/* bytes: where the next write must go (sequential) */
	unsigned int z_mode;		/* permission bits, as zonefs shows them */
};

struct zonefs_sb_info;

struct zonefs_inode_info {
	struct inode i_vnode;
	struct zonefs_zone *i_zone;
	struct zonefs_sb_info *i_sbi;
	unsigned int i_wr_refcnt;	/* writable opens */
	struct file i_file;		/* the workload's view of the file, for fsync's errors */
	char name[24];			/* "cnv/3", "seq/12" */
};

struct zonefs_sb_info {
	struct block_device *bdev;
	struct mm_ctx *mm;
	unsigned int s_mount_opts;
	bool s_rdonly;			/* SB_RDONLY */
	unsigned int s_blocksize;
	uint64_t s_maxbytes;		/* the largest file capacity (sb->s_maxbytes) */
	struct zonefs_zone *zones;	/* every file's zone */
	struct zonefs_inode_info *inodes;
	unsigned int nr_files, nr_cnv;
	unsigned int s_max_wro_seq_files, s_wro_seq_files;
	unsigned int s_max_active_seq_files, s_active_seq_files;
};

#define ZONEFS_I(ino) ((struct zonefs_inode_info *)(ino))

/* super.c */
void zonefs_io_error(struct zonefs_inode_info *zi, bool write);
void zonefs_inode_account_active(struct zonefs_inode_info *zi);
int zonefs_inode_zone_mgmt(struct zonefs_inode_info *zi, enum req_op op);
struct zonefs_inode_info *zonefs_lookup(struct zonefs_sb_info *sbi, const char *name);

/* file.c */
extern const struct address_space_operations zonefs_cnv_aops;

#endif
