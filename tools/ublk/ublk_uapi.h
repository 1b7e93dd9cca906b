/* SPDX-License-Identifier: MIT */
/*
 * The ublk UAPI zwsim needs, carried here because Debian 12's
 * linux-libc-dev (6.1) <linux/ublk_cmd.h> predates it: no ioctl-encoded
 * command codes, no USER_COPY or ZONED flags, no zoned parameters, no zone
 * op codes.  Names, numbers and layouts are the kernel's
 * (include/uapi/linux/ublk_cmd.h, Linux 6.6+; checked against 7.x);
 * struct blk_zone and the zone conditions come from <linux/blkzoned.h>,
 * which is part of the ublk UAPI.  Only what the server uses is here.
 */
#ifndef ZWSIM_UBLK_UAPI_H
#define ZWSIM_UBLK_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <stddef.h>

/* Control commands on /dev/ublk-control (a uring_cmd on an SQE128 ring). */
struct ublksrv_ctrl_cmd {
	__u32 dev_id;		/* U32_MAX with ADD_DEV: the kernel picks one */
	__u16 queue_id;		/* (__u16)-1 unless the command is for a queue */
	__u16 len;		/* bytes at addr */
	__u64 addr;
	__u64 data[1];		/* START_DEV: the server's pid */
	__u16 dev_path_len;
	__u16 pad;
	__u32 reserved;
};

struct ublksrv_ctrl_dev_info {
	__u16 nr_hw_queues;
	__u16 queue_depth;
	__u16 state;
	__u16 pad0;
	__u32 max_io_buf_bytes;
	__u32 dev_id;
	__s32 ublksrv_pid;
	__u32 pad1;
	__u64 flags;		/* UBLK_F_*: asked for, then what the kernel granted */
	__u64 ublksrv_flags;
	__u32 owner_uid;
	__u32 owner_gid;
	__u64 reserved1;
	__u64 reserved2;
};

#define UBLK_U_CMD_ADD_DEV	_IOWR('u', 0x04, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_DEL_DEV	_IOWR('u', 0x05, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_START_DEV	_IOWR('u', 0x06, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_STOP_DEV	_IOWR('u', 0x07, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_SET_PARAMS	_IOWR('u', 0x08, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_GET_FEATURES	_IOR('u', 0x13, struct ublksrv_ctrl_cmd)

#define UBLK_F_CMD_IOCTL_ENCODE	(1ULL << 6)
#define UBLK_F_USER_COPY	(1ULL << 7)	/* data by pread/pwrite on /dev/ublkcN */
#define UBLK_F_ZONED		(1ULL << 8)	/* needs USER_COPY (or zero copy) */

/* I/O commands on /dev/ublkcN (a uring_cmd; the payload in sqe->cmd). */
struct ublksrv_io_cmd {
	__u16 q_id;
	__u16 tag;
	__s32 result;		/* COMMIT: bytes done, or -errno */
	union {
		__u64 addr;		/* 0 with USER_COPY */
		__u64 zone_append_lba;	/* ZONE_APPEND: the sector the data landed at */
	};
};

#define UBLK_U_IO_FETCH_REQ		_IOWR('u', 0x20, struct ublksrv_io_cmd)
#define UBLK_U_IO_COMMIT_AND_FETCH_REQ	_IOWR('u', 0x21, struct ublksrv_io_cmd)

#define UBLK_IO_RES_OK		0
#define UBLK_IO_RES_ABORT	(-ENODEV)	/* the device is going away: no refetch */

/* Where a request's data sits on /dev/ublkcN with USER_COPY. */
#define UBLKSRV_IO_BUF_OFFSET	0x80000000ULL
#define UBLK_IO_BUF_BITS	25
#define UBLK_TAG_OFF		UBLK_IO_BUF_BITS
#define UBLK_TAG_BITS		16
#define UBLK_QID_OFF		(UBLK_TAG_OFF + UBLK_TAG_BITS)
#define UBLK_MAX_QUEUE_DEPTH	4096

/* One request, in the array the server maps read-only from /dev/ublkcN. */
struct ublksrv_io_desc {
	__u32 op_flags;		/* op in bits 0-7, UBLK_IO_F_* above */
	union {
		__u32 nr_sectors;
		__u32 nr_zones;	/* REPORT_ZONES */
	};
	__u64 start_sector;
	__u64 addr;
};

#define UBLK_IO_OP_READ		0
#define UBLK_IO_OP_WRITE	1
#define UBLK_IO_OP_FLUSH	2
#define UBLK_IO_OP_DISCARD	3
#define UBLK_IO_OP_WRITE_SAME	4
#define UBLK_IO_OP_WRITE_ZEROES	5
#define UBLK_IO_OP_ZONE_OPEN	10
#define UBLK_IO_OP_ZONE_CLOSE	11
#define UBLK_IO_OP_ZONE_FINISH	12
#define UBLK_IO_OP_ZONE_APPEND	13
#define UBLK_IO_OP_ZONE_RESET_ALL 14
#define UBLK_IO_OP_ZONE_RESET	15
#define UBLK_IO_OP_REPORT_ZONES	18

#define UBLK_IO_F_FUA		(1U << 13)

struct ublk_param_basic {
#define UBLK_ATTR_READ_ONLY	(1 << 0)
#define UBLK_ATTR_ROTATIONAL	(1 << 1)
#define UBLK_ATTR_VOLATILE_CACHE (1 << 2)
#define UBLK_ATTR_FUA		(1 << 3)
	__u32 attrs;
	__u8 logical_bs_shift;
	__u8 physical_bs_shift;
	__u8 io_opt_shift;
	__u8 io_min_shift;
	__u32 max_sectors;
	__u32 chunk_sectors;	/* zoned: the zone size */
	__u64 dev_sectors;
	__u64 virt_boundary_mask;
};

struct ublk_param_discard {
	__u32 discard_alignment;
	__u32 discard_granularity;
	__u32 max_discard_sectors;
	__u32 max_write_zeroes_sectors;
	__u16 max_discard_segments;
	__u16 reserved0;
};

struct ublk_param_devt {
	__u32 char_major;
	__u32 char_minor;
	__u32 disk_major;
	__u32 disk_minor;
};

struct ublk_param_zoned {
	__u32 max_open_zones;
	__u32 max_active_zones;
	__u32 max_zone_append_sectors;	/* must not be 0 */
	__u8 reserved[20];
};

/* The prefix of the kernel's struct ublk_params up to the zoned block (len says how much). */
struct ublk_params {
	__u32 len;
#define UBLK_PARAM_TYPE_BASIC	(1 << 0)
#define UBLK_PARAM_TYPE_DISCARD	(1 << 1)
#define UBLK_PARAM_TYPE_DEVT	(1 << 2)
#define UBLK_PARAM_TYPE_ZONED	(1 << 3)
	__u32 types;
	struct ublk_param_basic basic;
	struct ublk_param_discard discard;
	struct ublk_param_devt devt;
	struct ublk_param_zoned zoned;
};

_Static_assert(sizeof(struct ublksrv_ctrl_cmd) == 32, "ublksrv_ctrl_cmd");
_Static_assert(sizeof(struct ublksrv_ctrl_dev_info) == 64, "ublksrv_ctrl_dev_info");
_Static_assert(sizeof(struct ublksrv_io_cmd) == 16, "ublksrv_io_cmd");
_Static_assert(sizeof(struct ublksrv_io_desc) == 24, "ublksrv_io_desc");
_Static_assert(offsetof(struct ublk_params, zoned) == 76, "ublk_params layout");

#endif
