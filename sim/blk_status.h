/* SPDX-License-Identifier: MIT */
/*
 * Block-layer status codes, as include/linux/blk_types.h names them, and
 * their errno mapping from the blk_errors[] table in block/blk-core.c.
 */
#ifndef ZWSIM_BLK_STATUS_H
#define ZWSIM_BLK_STATUS_H

#include <stdint.h>

typedef uint64_t sector_t;		/* 512-byte units, as in the kernel */
#define SECTOR_SHIFT	9
#define SECTOR_SIZE	(1u << SECTOR_SHIFT)

typedef enum {
	BLK_STS_OK = 0,
	BLK_STS_NOTSUPP = 1,
	BLK_STS_TIMEOUT = 2,
	BLK_STS_NOSPC = 3,
	BLK_STS_TRANSPORT = 4,
	BLK_STS_TARGET = 5,
	BLK_STS_RESV_CONFLICT = 6,
	BLK_STS_MEDIUM = 7,
	BLK_STS_PROTECTION = 8,
	BLK_STS_RESOURCE = 9,
	BLK_STS_IOERR = 10,
	BLK_STS_AGAIN = 12,
	BLK_STS_DEV_RESOURCE = 13,
	BLK_STS_ZONE_OPEN_RESOURCE = 14,
	BLK_STS_ZONE_ACTIVE_RESOURCE = 15,
	BLK_STS_OFFLINE = 16,
	BLK_STS_INVAL = 19,
} blk_status_t;

/* "BLK_STS_IOERR"; "OK" for BLK_STS_OK, as the script and event log print it. */
const char *blk_status_name(blk_status_t sts);
/* blk_status_to_errno(): a negative errno, 0 for OK. */
int blk_status_to_errno(blk_status_t sts);
/* errno_to_blk_status(): the status behind a (negative) errno; IOERR when none is. */
blk_status_t errno_to_blk_status(int err);
/* "-EIO"; "0" for 0. */
const char *errno_name(int err);

#endif
