// SPDX-License-Identifier: MIT
/*
 * The zone state machine, one table row per case.
 *
 * Part 1 is every cell of the transition table in
 * /work/shared/reference/zone-model.md (rows NOT_WP .. OFFLINE, columns
 * write at wp, append, OPEN, CLOSE, FINISH, RESET) for each personality.
 * Part 2 is the personality differences measured on real devices
 * (zone-model-observed.md, which wins where the two disagree): implicit
 * close victims, open and active limits, the ZNS auto-close side effect,
 * write pointers of full zones, appends, misplaced writes, reads.
 *
 * Every row reaches its starting state with real operations, runs one
 * command and checks: the status, its errno, the native code (NVMe status
 * for ZNS, sense data for ZBC), the reason text, the condition and write
 * pointer of every zone it names, that no other zone moved, that a failed
 * command changed nothing (unless the row documents a side effect), and
 * zone_model_check().  A failing row prints its name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone.h"

#define NB	ZONE_MODEL_NULLBLK
#define ZNS	ZONE_MODEL_ZNS
#define ZBC	ZONE_MODEL_ZBC

/* 4 KiB blocks (8 sectors), 1 MiB zones (2048 sectors), 8 zones. */
#define LBA		4096
#define ZS		2048
#define NZ		8
#define CAP_SHORT	1536	/* zone capacity below the zone size */
#define MAX_APPEND	1024

/*
 * Geometries.  null_blk and ZBC get one conventional zone (zone 0); ZNS
 * has none (zone_model_init refuses it), so zones 1..7 are sequential
 * everywhere and the rows use them.
 */
enum geo_kind {
	G_TABLE,	/* no limits, capacity = size */
	G_LIMITS,	/* max_open 2, max_active 3 (ZBC: no active limit) */
	G_LIMITS_EQ,	/* max_open 2 = max_active 2 */
	G_OPEN,		/* max_open 2, no active limit */
	G_CAP,		/* capacity 1536 < size 2048 (ZBC: capacity = size) */
	G_NOAPPEND,	/* null_blk without native zone append */
};

static struct zone_geometry geo_of(enum zone_personality p, enum geo_kind g)
{
	struct zone_geometry geo = {
		.model = p,
		.capacity = NZ * ZS,
		.zone_size = ZS,
		.zone_capacity = ZS,
		.nr_conv = p == ZNS ? 0 : 1,
		.lba_size = LBA,
		.max_append_sectors = MAX_APPEND,
	};

	switch (g) {
	case G_LIMITS:
		geo.max_open = 2;
		geo.max_active = p == ZBC ? 0 : 3;
		break;
	case G_LIMITS_EQ:
		geo.max_open = 2;
		geo.max_active = p == ZBC ? 0 : 2;
		break;
	case G_OPEN:
		geo.max_open = 2;
		break;
	case G_CAP:
		if (p != ZBC)
			geo.zone_capacity = CAP_SHORT;
		break;
	case G_NOAPPEND:
		geo.max_append_sectors = 0;
		break;
	case G_TABLE:
		break;
	}
	return geo;
}

/* One operation, on a zone; offsets and counts in sectors. */
enum op {
	X_NONE = 0,
	X_W,		/* write n at the zone's wp (its start if the wp is not inside); n 0: fill to capacity */
	X_WAT,		/* write n at zone start + off */
	X_WFAIL,	/* prepare a write at the wp, then the I/O fails: no complete */
	X_A,		/* zone append of n at zone start + off */
	X_OPEN,
	X_CLOSE,
	X_FINISH,
	X_RESET,
	X_RESET_ALL,
	X_RO,		/* zone_set_cond(READONLY) */
	X_OFFLINE,	/* zone_set_cond(OFFLINE) */
	X_READ,		/* zone_read_check of n at zone start + off */
};

struct step {
	enum op op;
	int zone;	/* ZT: the row's target zone */
	int64_t off;
	unsigned int n;
};

#define ZT	(-1)

#define S_W(z, n)		{ X_W, z, 0, n }
#define S_WAT(z, off, n)	{ X_WAT, z, off, n }
#define S_WFAIL(z, n)		{ X_WFAIL, z, 0, n }
#define S_A(z, n)		{ X_A, z, 0, n }
#define S_AAT(z, off, n)	{ X_A, z, off, n }
#define S_OPEN(z)		{ X_OPEN, z, 0, 0 }
#define S_CLOSE(z)		{ X_CLOSE, z, 0, 0 }
#define S_FINISH(z)		{ X_FINISH, z, 0, 0 }
#define S_RESET(z)		{ X_RESET, z, 0, 0 }
#define S_RESET_ALL		{ X_RESET_ALL, 0, 0, 0 }
#define S_RO(z)			{ X_RO, z, 0, 0 }
#define S_OFFLINE(z)		{ X_OFFLINE, z, 0, 0 }
#define S_READ(z, off, n)	{ X_READ, z, off, n }

/* Write pointer expectations: an offset from the zone start, or one of these. */
#define WP_INV	(-1)	/* ZONE_WP_INVALID */
#define WP_END	(-2)	/* start + len (the zone size) */
#define WP_CAP	(-3)	/* start + capacity */

#define C_NW	BLK_ZONE_COND_NOT_WP
#define C_EM	BLK_ZONE_COND_EMPTY
#define C_OI	BLK_ZONE_COND_IMP_OPEN
#define C_OE	BLK_ZONE_COND_EXP_OPEN
#define C_CL	BLK_ZONE_COND_CLOSED
#define C_FU	BLK_ZONE_COND_FULL
#define C_RO	BLK_ZONE_COND_READONLY
#define C_OL	BLK_ZONE_COND_OFFLINE

struct zexp {
	bool used;
	int zone;
	uint8_t cond;
	int64_t wp;
};

#define Z(z, c, wp)	{ true, z, c, wp }

/* How the transition table's rows are reached on the target zone. */
enum from {
	F_NONE = 0,	/* a part 2 row: its setup says */
	F_NOT_WP,	/* zone 0, conventional */
	F_EMPTY,
	F_IMP_OPEN,	/* write 8 */
	F_EXP_OPEN,	/* write 8, open */
	F_CLOSED,	/* write 8, close */
	F_FULL,		/* written to capacity */
	F_RO,		/* zone_set_cond(READONLY) */
	F_OFFLINE,	/* zone_set_cond(OFFLINE) */
};

#define MAX_SETUP	12
#define MAX_AFTER	8

struct row {
	const char *name;	/* part 2; part 1 names are generated */
	enum zone_personality p;
	enum geo_kind g;
	enum from from;
	struct step setup[MAX_SETUP];
	struct step cmd;
	blk_status_t sts;
	int err;		/* blk_status_to_errno(sts) */
	uint16_t nvme;		/* ZNS: (SCT << 8) | SC */
	uint8_t sk, asc, ascq;	/* ZBC sense */
	const char *reason;	/* failure: text the reason must contain (default "zone N") */
	const char *reason_exact;
	bool check_at;		/* append: where the data must land */
	int64_t at;
	struct zexp after[MAX_AFTER];
	bool side_effect;	/* a failure with a documented change (the ZNS auto-close) */
	const char *na;		/* the cell does not exist for this personality: why */
};

/* Status and errno go together, as blk_errors[] in block/blk-core.c has them. */
#define OK		.sts = BLK_STS_OK, .err = 0
#define E_IO		.sts = BLK_STS_IOERR, .err = -EIO
#define E_OPEN		.sts = BLK_STS_ZONE_OPEN_RESOURCE, .err = -ETOOMANYREFS
#define E_ACTIVE	.sts = BLK_STS_ZONE_ACTIVE_RESOURCE, .err = -EOVERFLOW
#define E_TARGET	.sts = BLK_STS_TARGET, .err = -EREMOTEIO
#define E_NOTSUPP	.sts = BLK_STS_NOTSUPP, .err = -EOPNOTSUPP
#define E_NOSPC		.sts = BLK_STS_NOSPC, .err = -ENOSPC
#define E_INVAL		.sts = BLK_STS_INVAL, .err = -EINVAL
#define NVME(sc)	.nvme = (sc)
#define SENSE(k, a, q)	.sk = (k), .asc = (a), .ascq = (q)
#define AT(off)		.check_at = true, .at = (off)
#define WHY(s)		.reason = (s)

/* ZBC sense data the model produces. */
#define SNS_UNALIGNED	SENSE(0x5, 0x21, 0x04)	/* ILLEGAL REQUEST, unaligned write command */
#define SNS_BOUNDARY	SENSE(0x5, 0x21, 0x05)	/* ILLEGAL REQUEST, write boundary violation */
#define SNS_LBA_RANGE	SENSE(0x5, 0x21, 0x00)	/* ILLEGAL REQUEST, LBA out of range */
#define SNS_INVAL_CDB	SENSE(0x5, 0x24, 0x00)	/* ILLEGAL REQUEST, invalid field in CDB */
#define SNS_OPCODE	SENSE(0x5, 0x20, 0x00)	/* ILLEGAL REQUEST, invalid command operation code */
#define SNS_ZONE_RES	SENSE(0x7, 0x55, 0x0E)	/* DATA PROTECT, insufficient zone resources */
#define SNS_ZONE_RO	SENSE(0x7, 0x27, 0x08)	/* DATA PROTECT, zone is read only */
#define SNS_ZONE_OFF	SENSE(0x7, 0x2C, 0x0E)	/* DATA PROTECT, zone is offline */

/* A cell of the transition table: command on the target zone, 8 sectors for writes. */
#define CELL(P, F, CMD, STS, COND, WP, ...) \
	{ .p = P, .g = G_TABLE, .from = F, .cmd = { CMD, ZT, 0, 8 }, STS, \
	  .after = { Z(ZT, COND, WP) }, ##__VA_ARGS__ }

#define NA_ZNS_CONV "NVMe ZNS namespaces have no conventional zones: zone_model_init must refuse conv=1"
#define NOT_WP_NA(CMD) \
	{ .p = ZNS, .g = G_TABLE, .from = F_NOT_WP, .cmd = { CMD, ZT, 0, 8 }, .na = NA_ZNS_CONV }

/*
 * Part 1: the transition table.  The target is zone 2 (sectors 4096..6143),
 * zone 0 for NOT_WP.  FULL is reached by writing the zone to its capacity
 * (= size here), so its wp is the zone end and "write at wp" writes at the
 * zone start; RO and OFFLINE have no wp either.
 */
static const struct row table[] = {
	/* ---- null_blk (drivers/block/null_blk/zoned.c) ---- */
	/* null_init_zoned_dev() sets a conventional zone's wp to its end. */
	CELL(NB, F_NOT_WP, X_W, OK, C_NW, WP_END),
	CELL(NB, F_NOT_WP, X_A, E_IO, C_NW, WP_END, WHY("conventional zone 0")),
	CELL(NB, F_NOT_WP, X_OPEN, E_IO, C_NW, WP_END, WHY("conventional zone 0")),
	CELL(NB, F_NOT_WP, X_CLOSE, E_IO, C_NW, WP_END, WHY("conventional zone 0")),
	CELL(NB, F_NOT_WP, X_FINISH, E_IO, C_NW, WP_END, WHY("conventional zone 0")),
	CELL(NB, F_NOT_WP, X_RESET, E_IO, C_NW, WP_END, WHY("conventional zone 0")),

	CELL(NB, F_EMPTY, X_W, OK, C_OI, 8),
	CELL(NB, F_EMPTY, X_A, OK, C_OI, 8, AT(0)),
	CELL(NB, F_EMPTY, X_OPEN, OK, C_OE, 0),
	CELL(NB, F_EMPTY, X_CLOSE, E_IO, C_EM, 0, WHY("cannot close zone 2: it is empty")),
	CELL(NB, F_EMPTY, X_FINISH, OK, C_FU, WP_END),
	CELL(NB, F_EMPTY, X_RESET, OK, C_EM, 0),

	CELL(NB, F_IMP_OPEN, X_W, OK, C_OI, 16),
	CELL(NB, F_IMP_OPEN, X_A, OK, C_OI, 16, AT(8)),
	CELL(NB, F_IMP_OPEN, X_OPEN, OK, C_OE, 8),
	CELL(NB, F_IMP_OPEN, X_CLOSE, OK, C_CL, 8),
	CELL(NB, F_IMP_OPEN, X_FINISH, OK, C_FU, WP_END),
	CELL(NB, F_IMP_OPEN, X_RESET, OK, C_EM, 0),

	CELL(NB, F_EXP_OPEN, X_W, OK, C_OE, 16),
	CELL(NB, F_EXP_OPEN, X_A, OK, C_OE, 16, AT(8)),
	CELL(NB, F_EXP_OPEN, X_OPEN, OK, C_OE, 8),
	CELL(NB, F_EXP_OPEN, X_CLOSE, OK, C_CL, 8),
	CELL(NB, F_EXP_OPEN, X_FINISH, OK, C_FU, WP_END),
	CELL(NB, F_EXP_OPEN, X_RESET, OK, C_EM, 0),

	CELL(NB, F_CLOSED, X_W, OK, C_OI, 16),
	CELL(NB, F_CLOSED, X_A, OK, C_OI, 16, AT(8)),
	CELL(NB, F_CLOSED, X_OPEN, OK, C_OE, 8),
	CELL(NB, F_CLOSED, X_CLOSE, OK, C_CL, 8),
	CELL(NB, F_CLOSED, X_FINISH, OK, C_FU, WP_END),
	CELL(NB, F_CLOSED, X_RESET, OK, C_EM, 0),

	CELL(NB, F_FULL, X_W, E_IO, C_FU, WP_END, WHY("write at sector 4096 to full zone 2")),
	CELL(NB, F_FULL, X_A, E_IO, C_FU, WP_END, WHY("zone 2 is full")),
	CELL(NB, F_FULL, X_OPEN, E_IO, C_FU, WP_END, WHY("cannot open zone 2: it is full")),
	CELL(NB, F_FULL, X_CLOSE, E_IO, C_FU, WP_END, WHY("cannot close zone 2: it is full")),
	CELL(NB, F_FULL, X_FINISH, OK, C_FU, WP_END),
	CELL(NB, F_FULL, X_RESET, OK, C_EM, 0),

	CELL(NB, F_RO, X_W, E_IO, C_RO, WP_INV, WHY("zone 2 is read-only")),
	CELL(NB, F_RO, X_A, E_IO, C_RO, WP_INV, WHY("zone 2 is read-only")),
	CELL(NB, F_RO, X_OPEN, E_IO, C_RO, WP_INV, WHY("cannot open zone 2: it is read-only")),
	CELL(NB, F_RO, X_CLOSE, E_IO, C_RO, WP_INV, WHY("cannot close zone 2: it is read-only")),
	CELL(NB, F_RO, X_FINISH, E_IO, C_RO, WP_INV, WHY("cannot finish zone 2: it is read-only")),
	CELL(NB, F_RO, X_RESET, E_IO, C_RO, WP_INV, WHY("cannot reset zone 2: it is read-only")),

	CELL(NB, F_OFFLINE, X_W, E_IO, C_OL, WP_INV, WHY("zone 2 is offline")),
	CELL(NB, F_OFFLINE, X_A, E_IO, C_OL, WP_INV, WHY("zone 2 is offline")),
	CELL(NB, F_OFFLINE, X_OPEN, E_IO, C_OL, WP_INV, WHY("cannot open zone 2: it is offline")),
	CELL(NB, F_OFFLINE, X_CLOSE, E_IO, C_OL, WP_INV, WHY("cannot close zone 2: it is offline")),
	CELL(NB, F_OFFLINE, X_FINISH, E_IO, C_OL, WP_INV, WHY("cannot finish zone 2: it is offline")),
	CELL(NB, F_OFFLINE, X_RESET, E_IO, C_OL, WP_INV, WHY("cannot reset zone 2: it is offline")),

	/* ---- NVMe ZNS (QEMU hw/nvme; Linux nvme_error_status()) ---- */
	NOT_WP_NA(X_W),
	NOT_WP_NA(X_A),
	NOT_WP_NA(X_OPEN),
	NOT_WP_NA(X_CLOSE),
	NOT_WP_NA(X_FINISH),
	NOT_WP_NA(X_RESET),

	CELL(ZNS, F_EMPTY, X_W, OK, C_OI, 8),
	CELL(ZNS, F_EMPTY, X_A, OK, C_OI, 8, AT(0)),
	CELL(ZNS, F_EMPTY, X_OPEN, OK, C_OE, 0),
	CELL(ZNS, F_EMPTY, X_CLOSE, E_IO, C_EM, 0, NVME(0x1BF), WHY("cannot close zone 2: it is empty")),
	CELL(ZNS, F_EMPTY, X_FINISH, OK, C_FU, WP_END),
	CELL(ZNS, F_EMPTY, X_RESET, OK, C_EM, 0),

	CELL(ZNS, F_IMP_OPEN, X_W, OK, C_OI, 16),
	CELL(ZNS, F_IMP_OPEN, X_A, OK, C_OI, 16, AT(8)),
	CELL(ZNS, F_IMP_OPEN, X_OPEN, OK, C_OE, 8),
	CELL(ZNS, F_IMP_OPEN, X_CLOSE, OK, C_CL, 8),
	CELL(ZNS, F_IMP_OPEN, X_FINISH, OK, C_FU, WP_END),
	CELL(ZNS, F_IMP_OPEN, X_RESET, OK, C_EM, 0),

	CELL(ZNS, F_EXP_OPEN, X_W, OK, C_OE, 16),
	CELL(ZNS, F_EXP_OPEN, X_A, OK, C_OE, 16, AT(8)),
	CELL(ZNS, F_EXP_OPEN, X_OPEN, OK, C_OE, 8),
	CELL(ZNS, F_EXP_OPEN, X_CLOSE, OK, C_CL, 8),
	CELL(ZNS, F_EXP_OPEN, X_FINISH, OK, C_FU, WP_END),
	CELL(ZNS, F_EXP_OPEN, X_RESET, OK, C_EM, 0),

	CELL(ZNS, F_CLOSED, X_W, OK, C_OI, 16),
	CELL(ZNS, F_CLOSED, X_A, OK, C_OI, 16, AT(8)),
	CELL(ZNS, F_CLOSED, X_OPEN, OK, C_OE, 8),
	CELL(ZNS, F_CLOSED, X_CLOSE, OK, C_CL, 8),
	CELL(ZNS, F_CLOSED, X_FINISH, OK, C_FU, WP_END),
	CELL(ZNS, F_CLOSED, X_RESET, OK, C_EM, 0),

	CELL(ZNS, F_FULL, X_W, E_IO, C_FU, WP_END, NVME(0x1B9), WHY("zone 2 is full")),
	CELL(ZNS, F_FULL, X_A, E_IO, C_FU, WP_END, NVME(0x1B9), WHY("zone 2 is full")),
	CELL(ZNS, F_FULL, X_OPEN, E_IO, C_FU, WP_END, NVME(0x1BF), WHY("cannot open zone 2: it is full")),
	CELL(ZNS, F_FULL, X_CLOSE, E_IO, C_FU, WP_END, NVME(0x1BF), WHY("cannot close zone 2: it is full")),
	CELL(ZNS, F_FULL, X_FINISH, OK, C_FU, WP_END),
	CELL(ZNS, F_FULL, X_RESET, OK, C_EM, 0),

	/*
	 * QEMU has no runtime read-only/offline switch, so these follow
	 * nvme_check_zone_state_for_write() and the Zone Management Send
	 * transitions: writes get Zone Is Read Only / Offline, management
	 * commands Invalid Zone State Transition.
	 */
	CELL(ZNS, F_RO, X_W, E_IO, C_RO, WP_INV, NVME(0x1BA), WHY("zone 2 is read-only")),
	CELL(ZNS, F_RO, X_A, E_IO, C_RO, WP_INV, NVME(0x1BA), WHY("zone 2 is read-only")),
	CELL(ZNS, F_RO, X_OPEN, E_IO, C_RO, WP_INV, NVME(0x1BF)),
	CELL(ZNS, F_RO, X_CLOSE, E_IO, C_RO, WP_INV, NVME(0x1BF)),
	CELL(ZNS, F_RO, X_FINISH, E_IO, C_RO, WP_INV, NVME(0x1BF)),
	CELL(ZNS, F_RO, X_RESET, E_IO, C_RO, WP_INV, NVME(0x1BF)),

	CELL(ZNS, F_OFFLINE, X_W, E_IO, C_OL, WP_INV, NVME(0x1BB), WHY("zone 2 is offline")),
	CELL(ZNS, F_OFFLINE, X_A, E_IO, C_OL, WP_INV, NVME(0x1BB), WHY("zone 2 is offline")),
	CELL(ZNS, F_OFFLINE, X_OPEN, E_IO, C_OL, WP_INV, NVME(0x1BF)),
	CELL(ZNS, F_OFFLINE, X_CLOSE, E_IO, C_OL, WP_INV, NVME(0x1BF)),
	CELL(ZNS, F_OFFLINE, X_FINISH, E_IO, C_OL, WP_INV, NVME(0x1BF)),
	CELL(ZNS, F_OFFLINE, X_RESET, E_IO, C_OL, WP_INV, NVME(0x1BF)),

	/* ---- SCSI ZBC (scsi_debug / tcmu file_zbc; no native zone append) ---- */
	/* scsi_debug reports a conventional zone's wp as invalid (all ones). */
	CELL(ZBC, F_NOT_WP, X_W, OK, C_NW, WP_INV),
	CELL(ZBC, F_NOT_WP, X_A, E_NOTSUPP, C_NW, WP_INV, SNS_OPCODE, WHY("conventional zone 0")),
	CELL(ZBC, F_NOT_WP, X_OPEN, E_TARGET, C_NW, WP_INV, SNS_INVAL_CDB, WHY("conventional zone 0")),
	CELL(ZBC, F_NOT_WP, X_CLOSE, E_TARGET, C_NW, WP_INV, SNS_INVAL_CDB, WHY("conventional zone 0")),
	/*
	 * Ambiguity: the observed -EIO for reset / finish of a conventional
	 * zone comes from the block layer (zone write plugging refuses them
	 * before the device sees them).  This is the device model, so it
	 * answers as the device would (ILLEGAL REQUEST 24h/00h, like open and
	 * close); the block layer floor owns the -EIO.
	 */
	CELL(ZBC, F_NOT_WP, X_FINISH, E_TARGET, C_NW, WP_INV, SNS_INVAL_CDB, WHY("conventional zone 0")),
	CELL(ZBC, F_NOT_WP, X_RESET, E_TARGET, C_NW, WP_INV, SNS_INVAL_CDB, WHY("conventional zone 0")),

	CELL(ZBC, F_EMPTY, X_W, OK, C_OI, 8),
	CELL(ZBC, F_EMPTY, X_A, E_NOTSUPP, C_EM, 0, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_EMPTY, X_OPEN, OK, C_OE, 0),
	CELL(ZBC, F_EMPTY, X_CLOSE, OK, C_EM, 0),		/* observed: OK, no-op */
	CELL(ZBC, F_EMPTY, X_FINISH, OK, C_FU, WP_END),
	CELL(ZBC, F_EMPTY, X_RESET, OK, C_EM, 0),

	CELL(ZBC, F_IMP_OPEN, X_W, OK, C_OI, 16),
	CELL(ZBC, F_IMP_OPEN, X_A, E_NOTSUPP, C_OI, 8, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_IMP_OPEN, X_OPEN, OK, C_OE, 8),
	CELL(ZBC, F_IMP_OPEN, X_CLOSE, OK, C_CL, 8),
	CELL(ZBC, F_IMP_OPEN, X_FINISH, OK, C_FU, WP_END),
	CELL(ZBC, F_IMP_OPEN, X_RESET, OK, C_EM, 0),

	CELL(ZBC, F_EXP_OPEN, X_W, OK, C_OE, 16),
	CELL(ZBC, F_EXP_OPEN, X_A, E_NOTSUPP, C_OE, 8, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_EXP_OPEN, X_OPEN, OK, C_OE, 8),
	CELL(ZBC, F_EXP_OPEN, X_CLOSE, OK, C_CL, 8),
	CELL(ZBC, F_EXP_OPEN, X_FINISH, OK, C_FU, WP_END),
	CELL(ZBC, F_EXP_OPEN, X_RESET, OK, C_EM, 0),

	CELL(ZBC, F_CLOSED, X_W, OK, C_OI, 16),
	CELL(ZBC, F_CLOSED, X_A, E_NOTSUPP, C_CL, 8, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_CLOSED, X_OPEN, OK, C_OE, 8),
	CELL(ZBC, F_CLOSED, X_CLOSE, OK, C_CL, 8),
	CELL(ZBC, F_CLOSED, X_FINISH, OK, C_FU, WP_END),
	CELL(ZBC, F_CLOSED, X_RESET, OK, C_EM, 0),

	/* observed: write to FULL -EREMOTEIO (5/24h/00h); open / close of FULL OK, no-op */
	CELL(ZBC, F_FULL, X_W, E_TARGET, C_FU, WP_END, SNS_INVAL_CDB, WHY("zone 2 is full")),
	CELL(ZBC, F_FULL, X_A, E_NOTSUPP, C_FU, WP_END, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_FULL, X_OPEN, OK, C_FU, WP_END),
	CELL(ZBC, F_FULL, X_CLOSE, OK, C_FU, WP_END),
	CELL(ZBC, F_FULL, X_FINISH, OK, C_FU, WP_END),
	CELL(ZBC, F_FULL, X_RESET, OK, C_EM, 0),

	/*
	 * Not observed on file_zbc (zone-model-observed.md: "not tested").
	 * The model's choice: DATA PROTECT 27h/08h and 2Ch/0Eh (zone-model.md).
	 * scsi_check_sense() turns DATA PROTECT into TARGET_ERROR, so Linux
	 * reports BLK_STS_TARGET (-EREMOTEIO) unless it is a zone resource code.
	 */
	CELL(ZBC, F_RO, X_W, E_TARGET, C_RO, WP_INV, SNS_ZONE_RO, WHY("zone 2 is read-only")),
	CELL(ZBC, F_RO, X_A, E_NOTSUPP, C_RO, WP_INV, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_RO, X_OPEN, E_TARGET, C_RO, WP_INV, SNS_ZONE_RO, WHY("cannot open zone 2: it is read-only")),
	CELL(ZBC, F_RO, X_CLOSE, E_TARGET, C_RO, WP_INV, SNS_ZONE_RO),
	CELL(ZBC, F_RO, X_FINISH, E_TARGET, C_RO, WP_INV, SNS_ZONE_RO),
	CELL(ZBC, F_RO, X_RESET, E_TARGET, C_RO, WP_INV, SNS_ZONE_RO),

	CELL(ZBC, F_OFFLINE, X_W, E_TARGET, C_OL, WP_INV, SNS_ZONE_OFF, WHY("zone 2 is offline")),
	CELL(ZBC, F_OFFLINE, X_A, E_NOTSUPP, C_OL, WP_INV, SNS_OPCODE, WHY("no native zone append")),
	CELL(ZBC, F_OFFLINE, X_OPEN, E_TARGET, C_OL, WP_INV, SNS_ZONE_OFF, WHY("cannot open zone 2: it is offline")),
	CELL(ZBC, F_OFFLINE, X_CLOSE, E_TARGET, C_OL, WP_INV, SNS_ZONE_OFF),
	CELL(ZBC, F_OFFLINE, X_FINISH, E_TARGET, C_OL, WP_INV, SNS_ZONE_OFF),
	CELL(ZBC, F_OFFLINE, X_RESET, E_TARGET, C_OL, WP_INV, SNS_ZONE_OFF),
};

/*
 * Part 2: what real devices did (zone-model-observed.md).  Zones 1..5 are
 * sequential in every personality's geometry.  After the setup every row
 * names the zones it expects to have moved; all others must be as they
 * were before the command.
 */
static const struct row scen[] = {
	/* ---- close of an explicitly opened EMPTY zone ---- */
	{ .name = "close of an explicitly opened empty zone returns it to EMPTY",
	  .p = NB, .g = G_TABLE, .setup = { S_OPEN(1) }, .cmd = S_CLOSE(1), OK,
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "close of an explicitly opened empty zone makes it CLOSED with wp 0: it stays active",
	  .p = ZNS, .g = G_TABLE, .setup = { S_OPEN(1) }, .cmd = S_CLOSE(1), OK,
	  .after = { Z(1, C_CL, 0) } },
	{ .name = "close of an explicitly opened empty zone returns it to EMPTY",
	  .p = ZBC, .g = G_TABLE, .setup = { S_OPEN(1) }, .cmd = S_CLOSE(1), OK,
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "opened-then-closed empty zones hold no active resource",
	  .p = NB, .g = G_LIMITS,
	  .setup = { S_OPEN(1), S_CLOSE(1), S_OPEN(2), S_CLOSE(2), S_OPEN(3), S_CLOSE(3) },
	  .cmd = S_W(4, 8), OK,
	  .after = { Z(1, C_EM, 0), Z(2, C_EM, 0), Z(3, C_EM, 0), Z(4, C_OI, 8) } },
	{ .name = "opened-then-closed empty zones stay active: the next empty zone hits the active limit",
	  .p = ZNS, .g = G_LIMITS,
	  .setup = { S_OPEN(1), S_CLOSE(1), S_OPEN(2), S_CLOSE(2), S_OPEN(3), S_CLOSE(3) },
	  .cmd = S_W(4, 8), E_ACTIVE, NVME(0x1BD), WHY("zone 4"),
	  .after = { Z(1, C_CL, 0), Z(2, C_CL, 0), Z(3, C_CL, 0), Z(4, C_EM, 0) } },

	/* ---- finish of EMPTY / CLOSED: resource checked by null_blk only ---- */
	{ .name = "finish of an empty zone at the active limit fails, nothing changes",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_FINISH(4), E_ACTIVE, WHY("zone 4"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	{ .name = "finish of an empty zone at the active limit: never checked",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_FINISH(4), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8), Z(4, C_FU, WP_END) } },
	{ .name = "finish of an empty zone with open slots taken: never checked",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_FINISH(4), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8), Z(4, C_FU, WP_END) } },
	{ .name = "finish of a closed zone with every open slot explicit fails",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_CLOSE(1), S_OPEN(2), S_OPEN(3) },
	  .cmd = S_FINISH(1), E_OPEN, WHY("zone 1"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OE, 0), Z(3, C_OE, 0) } },
	{ .name = "finish of a closed zone with every open slot explicit: never checked",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_CLOSE(1), S_OPEN(2), S_OPEN(3) },
	  .cmd = S_FINISH(1), OK, .after = { Z(1, C_FU, WP_END) } },
	{ .name = "finish of a closed zone with every open slot explicit: never checked",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_CLOSE(1), S_OPEN(2), S_OPEN(3) },
	  .cmd = S_FINISH(1), OK, .after = { Z(1, C_FU, WP_END) } },
	{ .name = "finish of an empty zone with every open slot explicit fails",
	  .p = NB, .g = G_LIMITS, .setup = { S_OPEN(2), S_OPEN(3) },
	  .cmd = S_FINISH(1), E_OPEN, WHY("zone 1"), .after = { Z(1, C_EM, 0) } },
	{ .name = "finish of an empty zone with every open slot explicit: never checked",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_OPEN(2), S_OPEN(3) },
	  .cmd = S_FINISH(1), OK, .after = { Z(1, C_FU, WP_END) } },
	{ .name = "finish of an empty zone at max_open closes an implicitly open zone first",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) },
	  .cmd = S_FINISH(3), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_FU, WP_END) } },
	{ .name = "finish of an empty zone at max_open closes nothing",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) },
	  .cmd = S_FINISH(3), OK,
	  .after = { Z(1, C_OI, 8), Z(2, C_OI, 8), Z(3, C_FU, WP_END) } },
	{ .name = "finish of an empty zone at max_open closes nothing",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) },
	  .cmd = S_FINISH(3), OK,
	  .after = { Z(1, C_OI, 8), Z(2, C_OI, 8), Z(3, C_FU, WP_END) } },

	/* ---- the wp a FULL zone reports ---- */
	{ .name = "zone filled by writes with capacity < size: wp at the capacity",
	  .p = NB, .g = G_CAP, .cmd = S_W(1, 0), OK, .after = { Z(1, C_FU, WP_CAP) } },
	{ .name = "zone filled by writes with capacity < size: wp at the zone size",
	  .p = ZNS, .g = G_CAP, .cmd = S_W(1, 0), OK, .after = { Z(1, C_FU, WP_END) } },
	{ .name = "zone filled by writes: wp at the zone size",
	  .p = ZBC, .g = G_CAP, .cmd = S_W(1, 0), OK, .after = { Z(1, C_FU, WP_END) } },
	{ .name = "finished zone with capacity < size: wp at the zone size",
	  .p = NB, .g = G_CAP, .setup = { S_W(1, 8) }, .cmd = S_FINISH(1), OK,
	  .after = { Z(1, C_FU, WP_END) } },
	{ .name = "finished zone with capacity < size: wp at the zone size",
	  .p = ZNS, .g = G_CAP, .setup = { S_W(1, 8) }, .cmd = S_FINISH(1), OK,
	  .after = { Z(1, C_FU, WP_END) } },
	{ .name = "finished zone: wp at the zone size",
	  .p = ZBC, .g = G_CAP, .setup = { S_W(1, 8) }, .cmd = S_FINISH(1), OK,
	  .after = { Z(1, C_FU, WP_END) } },
	{ .name = "write at the wp (= capacity) of a zone filled by writes fails",
	  .p = NB, .g = G_CAP, .setup = { S_W(1, 0) }, .cmd = S_W(1, 8), E_IO,
	  .reason_exact = "zone 1 is full", .after = { Z(1, C_FU, WP_CAP) } },
	{ .name = "write to a zone filled by writes fails with Zone Is Full",
	  .p = ZNS, .g = G_CAP, .setup = { S_W(1, 0) }, .cmd = S_W(1, 8), E_IO, NVME(0x1B9),
	  .reason_exact = "zone 1 is full", .after = { Z(1, C_FU, WP_END) } },
	{ .name = "append to a zone filled by writes fails",
	  .p = NB, .g = G_CAP, .setup = { S_W(1, 0) }, .cmd = S_A(1, 8), E_IO,
	  WHY("zone 1 is full"), .after = { Z(1, C_FU, WP_CAP) } },
	{ .name = "append to a zone filled by writes fails with Zone Is Full",
	  .p = ZNS, .g = G_CAP, .setup = { S_W(1, 0) }, .cmd = S_A(1, 8), E_IO, NVME(0x1B9),
	  WHY("zone 1 is full"), .after = { Z(1, C_FU, WP_END) } },
	{ .name = "reset of a zone filled by writes with capacity < size",
	  .p = NB, .g = G_CAP, .setup = { S_W(1, 0) }, .cmd = S_RESET(1), OK,
	  .after = { Z(1, C_EM, 0) } },

	/* ---- which implicitly open zone is closed to make room ---- */
	/* zone 3 became implicitly open before zone 1 */
	{ .name = "implicit-close victim: round robin from the cursor (zone 1), not the oldest",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(3, 8), S_W(1, 8) }, .cmd = S_W(2, 8), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close victim: FIFO, the zone implicitly opened first (zone 3)",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(3, 8), S_W(1, 8) }, .cmd = S_W(2, 8), OK,
	  .after = { Z(1, C_OI, 8), Z(2, C_OI, 8), Z(3, C_CL, 8) } },
	{ .name = "implicit-close victim: lowest zone number (zone 1)",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(3, 8), S_W(1, 8) }, .cmd = S_W(2, 8), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	/* the first victim was zone 1; reset all; then zones 1 and 2 are implicitly open again */
	{ .name = "implicit-close cursor survives reset all: the victim is zone 2, after the previous victim",
	  .p = NB, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8), S_RESET_ALL, S_W(1, 8), S_W(2, 8) },
	  .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_OI, 8), Z(2, C_CL, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close victim after reset all: the oldest, zone 1",
	  .p = ZNS, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8), S_RESET_ALL, S_W(1, 8), S_W(2, 8) },
	  .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close victim after reset all: the lowest, zone 1",
	  .p = ZBC, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8), S_RESET_ALL, S_W(1, 8), S_W(2, 8) },
	  .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close FIFO: rewriting the oldest zone does not make it younger",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(1, 8) },
	  .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_CL, 16), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	/* zone 1 closed and implicitly reopened: it re-enters QEMU's list at the tail */
	{ .name = "implicit-close FIFO: a zone implicitly reopened after a close is the youngest",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_CLOSE(1), S_W(1, 8) },
	  .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_OI, 16), Z(2, C_CL, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close round robin: the reopened zone 1 is still next from the cursor",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_CLOSE(1), S_W(1, 8) },
	  .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_CL, 16), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	/* the victim's write failed after its implicit open: nothing written */
	{ .name = "implicit-close victim with nothing written goes back to EMPTY",
	  .p = NB, .g = G_LIMITS, .setup = { S_WFAIL(1, 8), S_W(2, 8) }, .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_EM, 0), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close victim with nothing written becomes CLOSED with wp 0",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_WFAIL(1, 8), S_W(2, 8) }, .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_CL, 0), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "implicit-close victim with nothing written goes back to EMPTY",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_WFAIL(1, 8), S_W(2, 8) }, .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_EM, 0), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "explicit open at max_open closes an implicitly open zone",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) }, .cmd = S_OPEN(3), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OE, 0) } },
	{ .name = "explicit open at max_open closes an implicitly open zone",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) }, .cmd = S_OPEN(3), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OE, 0) } },
	{ .name = "explicit open at max_open closes an implicitly open zone",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) }, .cmd = S_OPEN(3), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OE, 0) } },

	/* ---- every open slot explicit ---- */
	{ .name = "explicit open of an empty zone, all open slots explicit",
	  .p = NB, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_OPEN(3),
	  E_OPEN, WHY("zone 3"), .after = { Z(1, C_OE, 0), Z(2, C_OE, 0), Z(3, C_EM, 0) } },
	{ .name = "explicit open of an empty zone, all open slots explicit",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_OPEN(3),
	  E_OPEN, NVME(0x1BE), WHY("zone 3"),
	  .after = { Z(1, C_OE, 0), Z(2, C_OE, 0), Z(3, C_EM, 0) } },
	{ .name = "explicit open of an empty zone, all open slots explicit",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_OPEN(3),
	  E_OPEN, SNS_ZONE_RES, WHY("zone 3"),
	  .after = { Z(1, C_OE, 0), Z(2, C_OE, 0), Z(3, C_EM, 0) } },
	{ .name = "explicit open of a closed zone, all open slots explicit",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(3, 8), S_CLOSE(3), S_OPEN(1), S_OPEN(2) },
	  .cmd = S_OPEN(3), E_OPEN, WHY("zone 3"), .after = { Z(3, C_CL, 8) } },
	{ .name = "explicit open of a closed zone, all open slots explicit",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(3, 8), S_CLOSE(3), S_OPEN(1), S_OPEN(2) },
	  .cmd = S_OPEN(3), E_OPEN, NVME(0x1BE), WHY("zone 3"), .after = { Z(3, C_CL, 8) } },
	{ .name = "explicit open of a closed zone, all open slots explicit",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(3, 8), S_CLOSE(3), S_OPEN(1), S_OPEN(2) },
	  .cmd = S_OPEN(3), E_OPEN, SNS_ZONE_RES, WHY("zone 3"), .after = { Z(3, C_CL, 8) } },
	{ .name = "write to an empty zone, all open slots explicit",
	  .p = NB, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_W(3, 8),
	  E_OPEN, WHY("zone 3"), .after = { Z(3, C_EM, 0) } },
	{ .name = "write to an empty zone, all open slots explicit",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_W(3, 8),
	  E_OPEN, NVME(0x1BE), WHY("zone 3"), .after = { Z(3, C_EM, 0) } },
	{ .name = "write to an empty zone, all open slots explicit",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_W(3, 8),
	  E_OPEN, SNS_ZONE_RES, WHY("zone 3"), .after = { Z(3, C_EM, 0) } },
	{ .name = "write to a closed zone, all open slots explicit",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(3, 8), S_CLOSE(3), S_OPEN(1), S_OPEN(2) },
	  .cmd = S_W(3, 8), E_OPEN, WHY("zone 3"), .after = { Z(3, C_CL, 8) } },
	{ .name = "write to a closed zone, all open slots explicit",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(3, 8), S_CLOSE(3), S_OPEN(1), S_OPEN(2) },
	  .cmd = S_W(3, 8), E_OPEN, NVME(0x1BE), WHY("zone 3"), .after = { Z(3, C_CL, 8) } },
	{ .name = "write to a closed zone, all open slots explicit",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(3, 8), S_CLOSE(3), S_OPEN(1), S_OPEN(2) },
	  .cmd = S_W(3, 8), E_OPEN, SNS_ZONE_RES, WHY("zone 3"), .after = { Z(3, C_CL, 8) } },
	{ .name = "append to an empty zone, all open slots explicit",
	  .p = NB, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_A(3, 8),
	  E_OPEN, WHY("zone 3"), .after = { Z(3, C_EM, 0) } },
	{ .name = "append to an empty zone, all open slots explicit",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_A(3, 8),
	  E_OPEN, NVME(0x1BE), WHY("zone 3"), .after = { Z(3, C_EM, 0) } },

	/*
	 * ---- the active limit ----
	 * Setup: zones 1, 2, 3 written with max_open 2: zone 1 was closed to
	 * make room, so 2 implicitly open + 1 closed = max_active 3.
	 */
	{ .name = "write to an empty zone at the active limit fails with no side effect",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(4, 8), E_ACTIVE, WHY("zone 4"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	{ .name = "write to an empty zone at the active limit fails, but the oldest implicitly open zone was already auto-closed",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(4, 8), E_ACTIVE, NVME(0x1BD), WHY("zone 4"), .side_effect = true,
	  .after = { Z(1, C_CL, 8), Z(2, C_CL, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	{ .name = "write to an empty zone with open slots taken: no active limit, the lowest implicit zone is closed",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(4, 8), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_CL, 8), Z(3, C_OI, 8), Z(4, C_OI, 8) } },
	{ .name = "explicit open of an empty zone at the active limit fails with no side effect",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_OPEN(4), E_ACTIVE, WHY("zone 4"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	{ .name = "explicit open of an empty zone at the active limit fails after auto-closing the oldest",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_OPEN(4), E_ACTIVE, NVME(0x1BD), WHY("zone 4"), .side_effect = true,
	  .after = { Z(1, C_CL, 8), Z(2, C_CL, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	{ .name = "explicit open of an empty zone with open slots taken (no active limit)",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_OPEN(4), OK,
	  .after = { Z(1, C_CL, 8), Z(2, C_CL, 8), Z(3, C_OI, 8), Z(4, C_OE, 0) } },
	{ .name = "append to an empty zone at the active limit fails with no side effect",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_A(4, 8), E_ACTIVE, WHY("zone 4"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	{ .name = "append to an empty zone at the active limit fails after auto-closing the oldest",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_A(4, 8), E_ACTIVE, NVME(0x1BD), WHY("zone 4"), .side_effect = true,
	  .after = { Z(1, C_CL, 8), Z(2, C_CL, 8), Z(3, C_OI, 8), Z(4, C_EM, 0) } },
	/* Three closed zones: the open slots are free, so QEMU has nothing to auto-close. */
	{ .name = "write to an empty zone at the active limit with free open slots",
	  .p = NB, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_CLOSE(1), S_W(2, 8), S_CLOSE(2), S_W(3, 8), S_CLOSE(3) },
	  .cmd = S_W(4, 8), E_ACTIVE, WHY("zone 4"), .after = { Z(4, C_EM, 0) } },
	{ .name = "write to an empty zone at the active limit with free open slots: no side effect",
	  .p = ZNS, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_CLOSE(1), S_W(2, 8), S_CLOSE(2), S_W(3, 8), S_CLOSE(3) },
	  .cmd = S_W(4, 8), E_ACTIVE, NVME(0x1BD), WHY("zone 4"), .after = { Z(4, C_EM, 0) } },
	{ .name = "write to an empty zone with three closed zones (no active limit)",
	  .p = ZBC, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_CLOSE(1), S_W(2, 8), S_CLOSE(2), S_W(3, 8), S_CLOSE(3) },
	  .cmd = S_W(4, 8), OK, .after = { Z(4, C_OI, 8) } },
	/*
	 * Ambiguity: max_open == max_active with both open slots explicit.
	 * The observed row ("explicit open, all open slots explicit:
	 * -ETOOMANYREFS") had room for one more active zone.  Here there is
	 * none, and both null_blk (null_check_zone_resources: active, then
	 * open) and QEMU (nvme_zns_check_resources: active, then open) refuse
	 * an EMPTY zone on the active limit first.
	 */
	{ .name = "explicit open of an empty zone, max_open = max_active, all explicit: the active check comes first",
	  .p = NB, .g = G_LIMITS_EQ, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_OPEN(3),
	  E_ACTIVE, WHY("zone 3"), .after = { Z(3, C_EM, 0) } },
	{ .name = "explicit open of an empty zone, max_open = max_active, all explicit: the active check comes first",
	  .p = ZNS, .g = G_LIMITS_EQ, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_OPEN(3),
	  E_ACTIVE, NVME(0x1BD), WHY("zone 3"), .after = { Z(3, C_EM, 0) } },
	{ .name = "explicit open of an empty zone, all open slots explicit (no active limit)",
	  .p = ZBC, .g = G_LIMITS_EQ, .setup = { S_OPEN(1), S_OPEN(2) }, .cmd = S_OPEN(3),
	  E_OPEN, SNS_ZONE_RES, WHY("zone 3"), .after = { Z(3, C_EM, 0) } },

	/* ---- reopening a CLOSED zone at the active limit, open slots all implicit ---- */
	{ .name = "write reopening a closed zone at the active limit: null_blk will not swap",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(1, 8), E_OPEN, WHY("zone 1"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "write reopening a closed zone at the active limit closes the oldest implicit zone",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(1, 8), OK,
	  .after = { Z(1, C_OI, 16), Z(2, C_CL, 8), Z(3, C_OI, 8) } },
	{ .name = "write reopening a closed zone with open slots taken closes the lowest implicit zone",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(1, 8), OK,
	  .after = { Z(1, C_OI, 16), Z(2, C_CL, 8), Z(3, C_OI, 8) } },
	{ .name = "explicit open of a closed zone at the active limit: null_blk will not swap",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_OPEN(1), E_OPEN, WHY("zone 1"),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "explicit open of a closed zone at the active limit closes the oldest implicit zone",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_OPEN(1), OK,
	  .after = { Z(1, C_OE, 8), Z(2, C_CL, 8), Z(3, C_OI, 8) } },
	{ .name = "explicit open of a closed zone with open slots taken closes the lowest implicit zone",
	  .p = ZBC, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_OPEN(1), OK,
	  .after = { Z(1, C_OE, 8), Z(2, C_CL, 8), Z(3, C_OI, 8) } },
	{ .name = "write reopening a closed zone below the active limit swaps out an implicit zone",
	  .p = NB, .g = G_OPEN, .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8) },
	  .cmd = S_W(1, 8), OK,
	  .after = { Z(1, C_OI, 16), Z(2, C_CL, 8), Z(3, C_OI, 8) } },

	/* ---- reset all ---- */
	{ .name = "reset all resets every written zone and skips read-only and offline ones",
	  .p = NB, .g = G_TABLE,
	  .setup = { S_W(1, 8), S_W(2, 8), S_OPEN(2), S_RO(3), S_OFFLINE(4), S_W(5, 0), S_W(6, 8), S_CLOSE(6) },
	  .cmd = S_RESET_ALL, OK,
	  .after = { Z(0, C_NW, WP_END), Z(1, C_EM, 0), Z(2, C_EM, 0), Z(3, C_RO, WP_INV),
		     Z(4, C_OL, WP_INV), Z(5, C_EM, 0), Z(6, C_EM, 0) } },
	{ .name = "reset all resets every written zone and skips read-only and offline ones",
	  .p = ZNS, .g = G_TABLE,
	  .setup = { S_W(1, 8), S_W(2, 8), S_OPEN(2), S_RO(3), S_OFFLINE(4), S_W(5, 0), S_W(6, 8), S_CLOSE(6) },
	  .cmd = S_RESET_ALL, OK,
	  .after = { Z(1, C_EM, 0), Z(2, C_EM, 0), Z(3, C_RO, WP_INV),
		     Z(4, C_OL, WP_INV), Z(5, C_EM, 0), Z(6, C_EM, 0) } },
	{ .name = "reset all resets every written zone and skips read-only and offline ones",
	  .p = ZBC, .g = G_TABLE,
	  .setup = { S_W(1, 8), S_W(2, 8), S_OPEN(2), S_RO(3), S_OFFLINE(4), S_W(5, 0), S_W(6, 8), S_CLOSE(6) },
	  .cmd = S_RESET_ALL, OK,
	  .after = { Z(0, C_NW, WP_INV), Z(1, C_EM, 0), Z(2, C_EM, 0), Z(3, C_RO, WP_INV),
		     Z(4, C_OL, WP_INV), Z(5, C_EM, 0), Z(6, C_EM, 0) } },
	{ .name = "reset all frees the active resources",
	  .p = NB, .g = G_LIMITS,
	  .setup = { S_W(1, 8), S_W(2, 8), S_W(3, 8), S_RESET_ALL },
	  .cmd = S_W(4, 8), OK, .after = { Z(1, C_EM, 0), Z(2, C_EM, 0), Z(3, C_EM, 0), Z(4, C_OI, 8) } },

	/* ---- zone append ---- */
	{ .name = "append lands at the old write pointer",
	  .p = NB, .g = G_TABLE, .setup = { S_W(2, 16) }, .cmd = S_A(2, 8), OK, AT(16),
	  .after = { Z(2, C_OI, 24) } },
	{ .name = "append lands at the old write pointer",
	  .p = ZNS, .g = G_TABLE, .setup = { S_W(2, 16) }, .cmd = S_A(2, 8), OK, AT(16),
	  .after = { Z(2, C_OI, 24) } },
	{ .name = "append is refused: SCSI has no zone append",
	  .p = ZBC, .g = G_TABLE, .setup = { S_W(2, 16) }, .cmd = S_A(2, 8), E_NOTSUPP, SNS_OPCODE,
	  WHY("no native zone append"), .after = { Z(2, C_OI, 16) } },
	{ .name = "append that fills the zone lands at the old wp and makes it FULL",
	  .p = ZNS, .g = G_CAP, .setup = { S_W(2, 1024) }, .cmd = S_A(2, 512), OK, AT(1024),
	  .after = { Z(2, C_FU, WP_END) } },
	{ .name = "append that fills the zone lands at the old wp; FULL with wp at the capacity",
	  .p = NB, .g = G_CAP, .setup = { S_W(2, 1024) }, .cmd = S_A(2, 512), OK, AT(1024),
	  .after = { Z(2, C_FU, WP_CAP) } },
	{ .name = "append not at the zone start",
	  .p = NB, .g = G_TABLE, .cmd = S_AAT(2, 8, 8), E_IO,
	  .reason_exact = "zone append at sector 4104 is not at the start 4096 of zone 2",
	  .after = { Z(2, C_EM, 0) } },
	{ .name = "append not at the zone start: Invalid Field",
	  .p = ZNS, .g = G_TABLE, .cmd = S_AAT(2, 8, 8), E_NOTSUPP, NVME(0x002),
	  .reason_exact = "zone append at sector 4104 is not at the start 4096 of zone 2",
	  .after = { Z(2, C_EM, 0) } },
	{ .name = "append larger than the maximum append size",
	  .p = NB, .g = G_TABLE, .cmd = S_A(2, MAX_APPEND + 8), E_IO,
	  WHY("exceeds the maximum append size of 1024 sectors"), .after = { Z(2, C_EM, 0) } },
	{ .name = "append larger than the maximum append size: Invalid Field",
	  .p = ZNS, .g = G_TABLE, .cmd = S_A(2, MAX_APPEND + 8), E_NOTSUPP, NVME(0x002),
	  WHY("exceeds the maximum append size of 1024 sectors"), .after = { Z(2, C_EM, 0) } },
	{ .name = "append across the zone capacity: nothing written",
	  .p = NB, .g = G_CAP, .setup = { S_W(2, 1528) }, .cmd = S_A(2, 16), E_IO,
	  WHY("crosses the capacity of zone 2"), .after = { Z(2, C_OI, 1528) } },
	{ .name = "append across the zone capacity: Zone Boundary Error, nothing written",
	  .p = ZNS, .g = G_CAP, .setup = { S_W(2, 1528) }, .cmd = S_A(2, 16), E_IO, NVME(0x1B8),
	  WHY("crosses the capacity of zone 2"), .after = { Z(2, C_OI, 1528) } },
	{ .name = "append without native zone append support",
	  .p = NB, .g = G_NOAPPEND, .cmd = S_A(2, 8), E_IO, WHY("no native zone append"),
	  .after = { Z(2, C_EM, 0) } },
	{ .name = "append at the open limit closes an implicitly open zone",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) }, .cmd = S_A(3, 8), OK, AT(0),
	  .after = { Z(1, C_CL, 8), Z(2, C_OI, 8), Z(3, C_OI, 8) } },

	/* ---- writes not at the write pointer ---- */
	{ .name = "write ahead of the wp of an empty zone",
	  .p = NB, .g = G_TABLE, .cmd = S_WAT(1, 8, 8), E_IO,
	  .reason_exact = "write at sector 2056 is not at the write pointer 2048 of zone 1",
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write ahead of the wp of an empty zone: Zone Invalid Write",
	  .p = ZNS, .g = G_TABLE, .cmd = S_WAT(1, 8, 8), E_IO, NVME(0x1BC),
	  .reason_exact = "write at sector 2056 is not at the write pointer 2048 of zone 1",
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write ahead of the wp of an empty zone: unaligned write command",
	  .p = ZBC, .g = G_TABLE, .cmd = S_WAT(1, 8, 8), E_TARGET, SNS_UNALIGNED,
	  .reason_exact = "write at sector 2056 is not at the write pointer 2048 of zone 1",
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write behind the wp of a partly written zone",
	  .p = NB, .g = G_TABLE, .setup = { S_W(1, 16) }, .cmd = S_WAT(1, 8, 8), E_IO,
	  .reason_exact = "write at sector 2056 is not at the write pointer 2064 of zone 1",
	  .after = { Z(1, C_OI, 16) } },
	{ .name = "write ahead of the wp of a partly written zone: Zone Invalid Write",
	  .p = ZNS, .g = G_TABLE, .setup = { S_W(1, 16) }, .cmd = S_WAT(1, 24, 8), E_IO, NVME(0x1BC),
	  .reason_exact = "write at sector 2072 is not at the write pointer 2064 of zone 1",
	  .after = { Z(1, C_OI, 16) } },
	/*
	 * Observed -EIO here comes from the kernel's zone write plug, which
	 * refuses the write before the device sees it; the device itself
	 * answers 5/21h/04h, which is what this model (the device) returns.
	 */
	{ .name = "write behind the wp of a partly written zone: the device says unaligned write",
	  .p = ZBC, .g = G_TABLE, .setup = { S_W(1, 16) }, .cmd = S_WAT(1, 8, 8), E_TARGET, SNS_UNALIGNED,
	  .reason_exact = "write at sector 2056 is not at the write pointer 2064 of zone 1",
	  .after = { Z(1, C_OI, 16) } },
	{ .name = "write not aligned to the logical block size",
	  .p = NB, .g = G_TABLE, .cmd = S_WAT(1, 0, 1), E_INVAL, WHY("4096-byte logical block"),
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write not aligned to the logical block size",
	  .p = ZNS, .g = G_TABLE, .cmd = S_WAT(1, 0, 1), E_INVAL, WHY("4096-byte logical block"),
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write not aligned to the logical block size",
	  .p = ZBC, .g = G_TABLE, .cmd = S_WAT(1, 0, 1), E_INVAL, WHY("4096-byte logical block"),
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write past the end of the device",
	  .p = NB, .g = G_TABLE, .cmd = S_WAT(7, ZS, 8), E_IO, WHY("beyond the end of the device") },
	{ .name = "write past the end of the device: LBA Out of Range",
	  .p = ZNS, .g = G_TABLE, .cmd = S_WAT(7, ZS, 8), E_NOSPC, NVME(0x080),
	  WHY("beyond the end of the device") },
	{ .name = "write past the end of the device: LBA out of range",
	  .p = ZBC, .g = G_TABLE, .cmd = S_WAT(7, ZS, 8), E_TARGET, SNS_LBA_RANGE,
	  WHY("beyond the end of the device") },

	/* ---- writes across the capacity: no partial write ---- */
	{ .name = "write across the zone capacity fails whole: wp unchanged",
	  .p = NB, .g = G_CAP, .setup = { S_W(1, 1528) }, .cmd = S_W(1, 16), E_IO,
	  WHY("crosses the capacity of zone 1"), .after = { Z(1, C_OI, 1528) } },
	{ .name = "write across the zone capacity: Zone Boundary Error, wp unchanged",
	  .p = ZNS, .g = G_CAP, .setup = { S_W(1, 1528) }, .cmd = S_W(1, 16), E_IO, NVME(0x1B8),
	  WHY("crosses the capacity of zone 1"), .after = { Z(1, C_OI, 1528) } },
	{ .name = "write across the zone end: write boundary violation, wp unchanged",
	  .p = ZBC, .g = G_CAP, .setup = { S_W(1, 2040) }, .cmd = S_W(1, 16), E_TARGET, SNS_BOUNDARY,
	  WHY("crosses the end of zone 1"), .after = { Z(1, C_OI, 2040) } },
	{ .name = "write from an empty zone across its capacity does not open it",
	  .p = NB, .g = G_CAP, .cmd = S_W(1, CAP_SHORT + 8), E_IO,
	  WHY("crosses the capacity of zone 1"), .after = { Z(1, C_EM, 0) } },
	{ .name = "write from an empty zone across its capacity does not open it",
	  .p = ZNS, .g = G_CAP, .cmd = S_W(1, CAP_SHORT + 8), E_IO, NVME(0x1B8),
	  WHY("crosses the capacity of zone 1"), .after = { Z(1, C_EM, 0) } },
	{ .name = "write from an empty zone across its end does not open it",
	  .p = ZBC, .g = G_CAP, .cmd = S_W(1, ZS + 8), E_TARGET, SNS_BOUNDARY,
	  WHY("crosses the end of zone 1"), .after = { Z(1, C_EM, 0) } },
	{ .name = "a failed write at the open limit closes no zone",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) }, .cmd = S_W(3, ZS + 8), E_IO,
	  WHY("zone 3"), .after = { Z(1, C_OI, 8), Z(2, C_OI, 8), Z(3, C_EM, 0) } },
	{ .name = "a misplaced write at the open limit closes no zone (placement is checked first)",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8) }, .cmd = S_WAT(3, 8, 8), E_IO,
	  NVME(0x1BC), WHY("zone 3"), .after = { Z(1, C_OI, 8), Z(2, C_OI, 8), Z(3, C_EM, 0) } },

	/* ---- conventional zones ---- */
	{ .name = "conventional zone: write anywhere, any number of times",
	  .p = NB, .g = G_TABLE, .setup = { S_WAT(0, 64, 8), S_WAT(0, 64, 8) }, .cmd = S_WAT(0, 8, 16), OK,
	  .after = { Z(0, C_NW, WP_END) } },
	{ .name = "conventional zone: write anywhere, any number of times",
	  .p = ZBC, .g = G_TABLE, .setup = { S_WAT(0, 64, 8), S_WAT(0, 64, 8) }, .cmd = S_WAT(0, 8, 16), OK,
	  .after = { Z(0, C_NW, WP_INV) } },
	{ .name = "write from a conventional zone into a sequential one",
	  .p = NB, .g = G_TABLE, .cmd = S_WAT(0, ZS - 8, 16), E_IO,
	  .reason_exact = "write at sector 2040 crosses from conventional zone 0 into sequential zone 1",
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "write from a conventional zone into a sequential one",
	  .p = ZBC, .g = G_TABLE, .cmd = S_WAT(0, ZS - 8, 16), E_TARGET, SNS_BOUNDARY,
	  WHY("conventional zone 0 into sequential zone 1"), .after = { Z(1, C_EM, 0) } },
	{ .name = "conventional zone cannot be made read-only",
	  .p = NB, .g = G_TABLE, .cmd = S_RO(0), E_IO, WHY("conventional zone 0") },
	{ .name = "conventional zone cannot be made offline",
	  .p = ZBC, .g = G_TABLE, .cmd = S_OFFLINE(0), E_TARGET, SNS_INVAL_CDB,
	  WHY("conventional zone 0") },
	{ .name = "conventional zone reads",
	  .p = NB, .g = G_TABLE, .cmd = S_READ(0, 0, 64), OK },

	/* ---- reads ---- */
	{ .name = "read beyond the wp returns zeros: allowed",
	  .p = NB, .g = G_TABLE, .setup = { S_W(1, 8) }, .cmd = S_READ(1, 64, 64), OK },
	{ .name = "read beyond the wp: allowed",
	  .p = ZNS, .g = G_TABLE, .setup = { S_W(1, 8) }, .cmd = S_READ(1, 64, 64), OK },
	{ .name = "read beyond the wp: allowed (unrestricted reads)",
	  .p = ZBC, .g = G_TABLE, .setup = { S_W(1, 8) }, .cmd = S_READ(1, 64, 64), OK },
	{ .name = "read of a read-only zone",
	  .p = NB, .g = G_TABLE, .setup = { S_RO(1) }, .cmd = S_READ(1, 0, 8), OK },
	{ .name = "read of an offline zone",
	  .p = NB, .g = G_TABLE, .setup = { S_OFFLINE(1) }, .cmd = S_READ(1, 0, 8), E_IO,
	  .reason_exact = "zone 1 is offline" },
	{ .name = "read of an offline zone: Zone Is Offline",
	  .p = ZNS, .g = G_TABLE, .setup = { S_OFFLINE(1) }, .cmd = S_READ(1, 0, 8), E_IO, NVME(0x1BB),
	  .reason_exact = "zone 1 is offline" },
	{ .name = "read of an offline zone",
	  .p = ZBC, .g = G_TABLE, .setup = { S_OFFLINE(1) }, .cmd = S_READ(1, 0, 8), E_TARGET, SNS_ZONE_OFF,
	  .reason_exact = "zone 1 is offline" },
	{ .name = "read across a zone end (split by the block layer)",
	  .p = NB, .g = G_TABLE, .cmd = S_READ(1, ZS - 8, 16), OK },
	{ .name = "read across a zone end, as passthrough sees it: Zone Boundary Error",
	  .p = ZNS, .g = G_TABLE, .cmd = S_READ(1, ZS - 8, 16), E_IO, NVME(0x1B8),
	  WHY("crosses the end of zone 1") },
	{ .name = "read across a zone end",
	  .p = ZBC, .g = G_TABLE, .cmd = S_READ(1, ZS - 8, 16), OK },

	/* ---- fault injection (null_set_zone_cond) ---- */
	{ .name = "setting read-only again restores the zone, empty",
	  .p = NB, .g = G_TABLE, .setup = { S_W(1, 8), S_RO(1) }, .cmd = S_RO(1), OK,
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "setting offline again restores the zone, empty",
	  .p = ZNS, .g = G_TABLE, .setup = { S_OFFLINE(1) }, .cmd = S_OFFLINE(1), OK,
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "a read-only zone can be made offline",
	  .p = NB, .g = G_TABLE, .setup = { S_RO(1) }, .cmd = S_OFFLINE(1), OK,
	  .after = { Z(1, C_OL, WP_INV) } },
	{ .name = "making an open zone read-only gives back its open and active slot",
	  .p = NB, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_RO(1) }, .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_RO, WP_INV), Z(2, C_OI, 8), Z(3, C_OI, 8) } },
	{ .name = "making an open zone offline gives back its open and active slot",
	  .p = ZNS, .g = G_LIMITS, .setup = { S_W(1, 8), S_W(2, 8), S_OFFLINE(1) }, .cmd = S_W(3, 8), OK,
	  .after = { Z(1, C_OL, WP_INV), Z(2, C_OI, 8), Z(3, C_OI, 8) } },

	/* ---- a write whose I/O fails between prepare and complete ---- */
	{ .name = "failed I/O after prepare: the zone stays implicitly open, wp unchanged",
	  .p = NB, .g = G_TABLE, .cmd = S_WFAIL(1, 8), OK, .after = { Z(1, C_OI, 0) } },
	{ .name = "failed I/O after prepare: the zone stays implicitly open, wp unchanged",
	  .p = ZNS, .g = G_TABLE, .setup = { S_W(1, 8) }, .cmd = S_WFAIL(1, 8), OK,
	  .after = { Z(1, C_OI, 8) } },
	{ .name = "close of an implicitly open zone with nothing written",
	  .p = NB, .g = G_TABLE, .setup = { S_WFAIL(1, 8) }, .cmd = S_CLOSE(1), OK,
	  .after = { Z(1, C_EM, 0) } },
	{ .name = "close of an implicitly open zone with nothing written: CLOSED",
	  .p = ZNS, .g = G_TABLE, .setup = { S_WFAIL(1, 8) }, .cmd = S_CLOSE(1), OK,
	  .after = { Z(1, C_CL, 0) } },
	{ .name = "close of an implicitly open zone with nothing written",
	  .p = ZBC, .g = G_TABLE, .setup = { S_WFAIL(1, 8) }, .cmd = S_CLOSE(1), OK,
	  .after = { Z(1, C_EM, 0) } },
};

#define NR_TABLE	(sizeof(table) / sizeof(table[0]))
#define NR_SCEN		(sizeof(scen) / sizeof(scen[0]))
#define NR_ROWS		(NR_TABLE + NR_SCEN)

static char row_names[NR_ROWS][256];

static const char *const op_names[] = {
	[X_NONE] = "none", [X_W] = "write at wp", [X_WAT] = "write", [X_WFAIL] = "failed write",
	[X_A] = "append", [X_OPEN] = "open", [X_CLOSE] = "close", [X_FINISH] = "finish",
	[X_RESET] = "reset", [X_RESET_ALL] = "reset all", [X_RO] = "set read-only",
	[X_OFFLINE] = "set offline", [X_READ] = "read",
};

static const char *const from_names[] = {
	[F_NONE] = "", [F_NOT_WP] = "NOT_WP", [F_EMPTY] = "EMPTY", [F_IMP_OPEN] = "IMP_OPEN",
	[F_EXP_OPEN] = "EXP_OPEN", [F_CLOSED] = "CLOSED", [F_FULL] = "FULL",
	[F_RO] = "READONLY", [F_OFFLINE] = "OFFLINE",
};

static int target_of(const struct row *r)
{
	if (r->from == F_NOT_WP)
		return 0;
	if (r->from != F_NONE)
		return 2;
	return r->cmd.zone;
}

static int zone_of(const struct row *r, int zone)
{
	return zone == ZT ? target_of(r) : zone;
}

static const char *cond_short(uint8_t cond)
{
	switch (cond) {
	case C_NW: return "NOT_WP";
	case C_EM: return "EMPTY";
	case C_OI: return "IMP_OPEN";
	case C_OE: return "EXP_OPEN";
	case C_CL: return "CLOSED";
	case C_FU: return "FULL";
	case C_RO: return "READONLY";
	case C_OL: return "OFFLINE";
	default: return "?";
	}
}

static void wp_str(int64_t wp, char *buf, size_t len)
{
	switch (wp) {
	case WP_INV: snprintf(buf, len, "invalid"); break;
	case WP_END: snprintf(buf, len, "size"); break;
	case WP_CAP: snprintf(buf, len, "capacity"); break;
	default: snprintf(buf, len, "+%" PRId64, wp); break;
	}
}

static void name_row(const struct row *r, char *buf, size_t len)
{
	char wp[16];

	if (r->name) {
		snprintf(buf, len, "%s: %s", zone_personality_name(r->p), r->name);
		return;
	}
	wp_str(r->after[0].wp, wp, sizeof(wp));
	if (r->na)
		snprintf(buf, len, "%s: %s zone, %s: n/a", zone_personality_name(r->p),
			 from_names[r->from], op_names[r->cmd.op]);
	else
		snprintf(buf, len, "%s: %s zone, %s -> %s (%s), %s, wp %s",
			 zone_personality_name(r->p), from_names[r->from], op_names[r->cmd.op],
			 blk_status_name(r->sts), errno_name(r->err), cond_short(r->after[0].cond), wp);
}

/* Fail the row, naming it. */
#define ROW_FAIL(r, fmt, ...) \
	fail_msg("row \"%s\": " fmt, (r)->name_buf, ##__VA_ARGS__)

struct row_ctx {
	const struct row *row;
	const char *name_buf;
	struct zone_model zm;
};

static sector_t exp_wp(const struct blk_zone *z, int64_t wp)
{
	switch (wp) {
	case WP_INV: return ZONE_WP_INVALID;
	case WP_END: return z->start + z->len;
	case WP_CAP: return z->start + z->capacity;
	default: return z->start + (sector_t)wp;
	}
}

/* Run one step; writes and appends complete when they were prepared (except X_WFAIL). */
static blk_status_t do_step(struct zone_model *zm, const struct row *r, const struct step *s,
			    struct zone_result *res)
{
	int zno = zone_of(r, s->zone);
	const struct blk_zone *z = &zm->zones[zno];
	sector_t sector;
	unsigned int n = s->n;
	blk_status_t sts;

	zone_result_ok(res);
	res->sector = 0;
	switch (s->op) {
	case X_W:
	case X_WFAIL:
		sector = z->wp >= z->start && z->wp < z->start + z->len ? z->wp : z->start;
		if (!n)
			n = (unsigned int)(z->start + z->capacity - sector);
		sts = zone_write_prepare(zm, REQ_OP_WRITE, sector, n, res);
		if (!sts && s->op == X_W)
			zone_write_complete(zm, res->sector, n);
		return sts;
	case X_WAT:
		sts = zone_write_prepare(zm, REQ_OP_WRITE, z->start + s->off, n, res);
		if (!sts)
			zone_write_complete(zm, res->sector, n);
		return sts;
	case X_A:
		sts = zone_write_prepare(zm, REQ_OP_ZONE_APPEND, z->start + s->off, n, res);
		if (!sts)
			zone_write_complete(zm, res->sector, n);
		return sts;
	case X_OPEN:
		return zone_mgmt(zm, REQ_OP_ZONE_OPEN, z->start, res);
	case X_CLOSE:
		return zone_mgmt(zm, REQ_OP_ZONE_CLOSE, z->start, res);
	case X_FINISH:
		return zone_mgmt(zm, REQ_OP_ZONE_FINISH, z->start, res);
	case X_RESET:
		return zone_mgmt(zm, REQ_OP_ZONE_RESET, z->start, res);
	case X_RESET_ALL:
		return zone_mgmt(zm, REQ_OP_ZONE_RESET_ALL, 0, res);
	case X_RO:
		return zone_set_cond(zm, (unsigned int)zno, BLK_ZONE_COND_READONLY, res);
	case X_OFFLINE:
		return zone_set_cond(zm, (unsigned int)zno, BLK_ZONE_COND_OFFLINE, res);
	case X_READ:
		return zone_read_check(zm, z->start + s->off, n, res);
	case X_NONE:
		break;
	}
	return BLK_STS_OK;
}

/* The transition table's starting states, reached with real operations. */
static void from_steps(enum from f, struct step *steps)
{
	static const struct step recipes[][3] = {
		[F_IMP_OPEN] = { S_W(ZT, 8) },
		[F_EXP_OPEN] = { S_W(ZT, 8), S_OPEN(ZT) },
		[F_CLOSED] = { S_W(ZT, 8), S_CLOSE(ZT) },
		[F_FULL] = { S_W(ZT, 0) },
		[F_RO] = { S_RO(ZT) },
		[F_OFFLINE] = { S_OFFLINE(ZT) },
	};

	memcpy(steps, recipes[f], sizeof(recipes[f]));
}

struct snap {
	struct blk_zone zones[NZ];
	uint64_t seq[NZ];
	unsigned int nr_imp_open, nr_exp_open, nr_closed, cursor;
	uint64_t clock;
};

static void take_snap(const struct zone_model *zm, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->zones, zm->zones, zm->nr_zones * sizeof(*zm->zones));
	memcpy(s->seq, zm->imp_open_seq, zm->nr_zones * sizeof(*zm->imp_open_seq));
	s->nr_imp_open = zm->nr_imp_open;
	s->nr_exp_open = zm->nr_exp_open;
	s->nr_closed = zm->nr_closed;
	s->cursor = zm->imp_close_zone_no;
	s->clock = zm->imp_open_clock;
}

static bool snap_equal(const struct snap *a, const struct snap *b, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		const struct blk_zone *x = &a->zones[i], *y = &b->zones[i];

		if (x->start != y->start || x->len != y->len || x->wp != y->wp ||
		    x->capacity != y->capacity || x->type != y->type || x->cond != y->cond ||
		    a->seq[i] != b->seq[i])
			return false;
	}
	return a->nr_imp_open == b->nr_imp_open && a->nr_exp_open == b->nr_exp_open &&
	       a->nr_closed == b->nr_closed && a->cursor == b->cursor && a->clock == b->clock;
}

static void check_na(struct row_ctx *c)
{
	const struct row *r = c->row;
	struct zone_geometry geo = geo_of(r->p, r->g);
	char err[256] = "";

	geo.nr_conv = 1;
	if (zone_model_init(&c->zm, &geo, err, sizeof(err)) != -EINVAL)
		ROW_FAIL(c, "%s, but it accepted the geometry", r->na);
	if (!strstr(err, "conv=1"))
		ROW_FAIL(c, "refusal \"%s\" does not name conv=1", err);
}

static void run_row(void **state)
{
	struct row_ctx *c = *state;
	const struct row *r = c->row;
	struct zone_geometry geo = geo_of(r->p, r->g);
	struct step steps[MAX_SETUP + 3];
	struct zone_result res;
	struct snap before, after;
	char err[256] = "", want[64], native[96];
	const struct blk_zone *tz;
	unsigned int i, nsteps = 0;
	blk_status_t sts;
	int target = target_of(r);
	bool named[NZ] = { false };

	if (r->na) {
		check_na(c);
		return;
	}
	if (zone_model_init(&c->zm, &geo, err, sizeof(err)))
		ROW_FAIL(c, "zone_model_init: %s", err);

	memset(steps, 0, sizeof(steps));
	if (r->from != F_NONE && r->from != F_NOT_WP && r->from != F_EMPTY)
		from_steps(r->from, steps);
	while (nsteps < MAX_SETUP + 3 && steps[nsteps].op != X_NONE)
		nsteps++;
	for (i = 0; i < MAX_SETUP && r->setup[i].op != X_NONE; i++)
		steps[nsteps++] = r->setup[i];
	for (i = 0; i < nsteps; i++) {
		sts = do_step(&c->zm, r, &steps[i], &res);
		if (sts)
			ROW_FAIL(c, "setup step %u (%s of zone %d) failed: %s: %s", i,
				 op_names[steps[i].op], zone_of(r, steps[i].zone),
				 blk_status_name(sts), res.reason);
		if (zone_model_check(&c->zm, err, sizeof(err)))
			ROW_FAIL(c, "after setup step %u: zone_model_check: %s", i, err);
	}

	take_snap(&c->zm, &before);
	sts = do_step(&c->zm, r, &r->cmd, &res);
	take_snap(&c->zm, &after);

	/* status, errno, native code */
	if (sts != r->sts || res.status != sts)
		ROW_FAIL(c, "status %s (res.status %s), expected %s; reason \"%s\"",
			 blk_status_name(sts), blk_status_name(res.status),
			 blk_status_name(r->sts), res.reason);
	if (blk_status_to_errno(sts) != r->err)
		ROW_FAIL(c, "errno %s, expected %s", errno_name(blk_status_to_errno(sts)),
			 errno_name(r->err));
	if (res.nvme_status != r->nvme)
		ROW_FAIL(c, "NVMe status 0x%03X, expected 0x%03X", res.nvme_status, r->nvme);
	if (res.sense_key != r->sk || res.asc != r->asc || res.ascq != r->ascq)
		ROW_FAIL(c, "sense %Xh/%02Xh/%02Xh, expected %Xh/%02Xh/%02Xh",
			 res.sense_key, res.asc, res.ascq, r->sk, r->asc, r->ascq);
	zone_result_native(&res, r->p, native, sizeof(native));
	if ((r->nvme || r->sk) && !native[0])
		ROW_FAIL(c, "no native description for the failure");

	/* the reason */
	if (sts) {
		if (!res.reason[0])
			ROW_FAIL(c, "failure without a reason");
		if (r->reason_exact && strcmp(res.reason, r->reason_exact))
			ROW_FAIL(c, "reason \"%s\", expected \"%s\"", res.reason, r->reason_exact);
		if (r->reason) {
			if (!strstr(res.reason, r->reason))
				ROW_FAIL(c, "reason \"%s\" does not contain \"%s\"", res.reason, r->reason);
		} else if (!r->reason_exact && target >= 0) {
			snprintf(want, sizeof(want), "zone %d", target);
			if (!strstr(res.reason, want))
				ROW_FAIL(c, "reason \"%s\" does not name %s", res.reason, want);
		}
		if (!r->side_effect && !snap_equal(&before, &after, c->zm.nr_zones))
			ROW_FAIL(c, "the failed command changed the zone model");
	} else if (res.reason[0]) {
		ROW_FAIL(c, "success with a reason \"%s\"", res.reason);
	}

	/* an append lands at the old write pointer */
	if (r->cmd.op == X_A && !sts) {
		tz = &before.zones[zone_of(r, r->cmd.zone)];
		if (res.sector != tz->wp)
			ROW_FAIL(c, "append landed at %" PRIu64 ", the old wp was %" PRIu64,
				 (uint64_t)res.sector, (uint64_t)tz->wp);
	}
	if (r->check_at) {
		tz = &before.zones[zone_of(r, r->cmd.zone)];
		if (res.sector != tz->start + (sector_t)r->at)
			ROW_FAIL(c, "append landed at %" PRIu64 ", expected %" PRIu64,
				 (uint64_t)res.sector, (uint64_t)(tz->start + (sector_t)r->at));
	}

	/* the zones the row names */
	for (i = 0; i < MAX_AFTER && r->after[i].used; i++) {
		int zno = zone_of(r, r->after[i].zone);
		const struct blk_zone *z = &c->zm.zones[zno];
		sector_t wp = exp_wp(z, r->after[i].wp);

		named[zno] = true;
		if (z->cond != r->after[i].cond)
			ROW_FAIL(c, "zone %d is %s, expected %s", zno, cond_short(z->cond),
				 cond_short(r->after[i].cond));
		if (z->wp != wp)
			ROW_FAIL(c, "zone %d has wp %" PRIu64 ", expected %" PRIu64 " (start %" PRIu64 ")",
				 zno, (uint64_t)z->wp, (uint64_t)wp, (uint64_t)z->start);
	}
	/* every other zone is as it was (except what a reset all touches) */
	for (i = 0; i < c->zm.nr_zones; i++) {
		if (named[i] || (int)i == target || r->cmd.op == X_RESET_ALL)
			continue;
		if (before.zones[i].cond != after.zones[i].cond || before.zones[i].wp != after.zones[i].wp)
			ROW_FAIL(c, "zone %u moved from %s wp %" PRIu64 " to %s wp %" PRIu64
				 " and the row does not say so", i,
				 cond_short(before.zones[i].cond), (uint64_t)before.zones[i].wp,
				 cond_short(after.zones[i].cond), (uint64_t)after.zones[i].wp);
	}

	if (zone_model_check(&c->zm, err, sizeof(err)))
		ROW_FAIL(c, "zone_model_check: %s", err);
}

static int row_teardown(void **state)
{
	struct row_ctx *c = *state;

	zone_model_free(&c->zm);
	return 0;
}

/* Native codes and errno names, as messages print them. */
static void native_strings(void **state)
{
	struct zone_result res;
	char buf[96];

	(void)state;
	zone_fail(&res, ZNS, ZERR_NOT_AT_WP, "x");
	assert_string_equal(zone_result_native(&res, ZNS, buf, sizeof(buf)),
			    "NVMe status 0x1BC Zone Invalid Write");
	zone_fail(&res, ZNS, ZERR_ACTIVE_RESOURCE, "x");
	assert_string_equal(zone_result_native(&res, ZNS, buf, sizeof(buf)),
			    "NVMe status 0x1BD Too Many Active Zones");
	zone_fail(&res, ZBC, ZERR_NOT_AT_WP, "x");
	assert_string_equal(zone_result_native(&res, ZBC, buf, sizeof(buf)),
			    "sense 5h/21h/04h ILLEGAL REQUEST");
	zone_fail(&res, ZBC, ZERR_OPEN_RESOURCE, "x");
	assert_string_equal(zone_result_native(&res, ZBC, buf, sizeof(buf)),
			    "sense 7h/55h/0Eh DATA PROTECT");
	zone_fail(&res, NB, ZERR_NOT_AT_WP, "x");
	assert_string_equal(zone_result_native(&res, NB, buf, sizeof(buf)), "");

	assert_string_equal(errno_name(blk_status_to_errno(BLK_STS_IOERR)), "-EIO");
	assert_string_equal(errno_name(blk_status_to_errno(BLK_STS_ZONE_OPEN_RESOURCE)), "-ETOOMANYREFS");
	assert_string_equal(errno_name(blk_status_to_errno(BLK_STS_ZONE_ACTIVE_RESOURCE)), "-EOVERFLOW");
	assert_string_equal(errno_name(blk_status_to_errno(BLK_STS_TARGET)), "-EREMOTEIO");
	assert_int_equal(blk_status_to_errno(BLK_STS_OK), 0);
}

/* Zone management of sectors past the device, and ops that are not zone management. */
static void mgmt_bad_requests(void **state)
{
	static const enum zone_personality ps[] = { NB, ZNS, ZBC };
	struct zone_model zm;
	struct zone_geometry geo;
	struct zone_result res;
	char err[128];

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		geo = geo_of(ps[i], G_TABLE);
		assert_int_equal(zone_model_init(&zm, &geo, err, sizeof(err)), 0);
		assert_int_not_equal(zone_mgmt(&zm, REQ_OP_ZONE_OPEN, NZ * ZS, &res), BLK_STS_OK);
		assert_non_null(strstr(res.reason, "beyond the end of the device"));
		assert_int_equal(zone_mgmt(&zm, REQ_OP_WRITE, ZS, &res), BLK_STS_NOTSUPP);
		assert_true(res.reason[0] != '\0');
		assert_int_not_equal(zone_set_cond(&zm, NZ, BLK_ZONE_COND_READONLY, &res), BLK_STS_OK);
		assert_non_null(strstr(res.reason, "no zone 8"));
		assert_int_equal(zone_set_cond(&zm, 1, BLK_ZONE_COND_FULL, &res), BLK_STS_NOTSUPP);
		assert_int_equal(zone_model_check(&zm, err, sizeof(err)), 0);
		zone_model_free(&zm);
	}
}

int main(void)
{
	static struct row_ctx ctx[NR_ROWS];
	static struct CMUnitTest tests[NR_ROWS + 2];
	unsigned int i, n = 0;
	int failed;

	for (i = 0; i < NR_ROWS; i++) {
		const struct row *r = i < NR_TABLE ? &table[i] : &scen[i - NR_TABLE];

		name_row(r, row_names[i], sizeof(row_names[i]));
		ctx[i].row = r;
		ctx[i].name_buf = row_names[i];
		tests[n++] = (struct CMUnitTest){
			.name = row_names[i],
			.test_func = run_row,
			.teardown_func = row_teardown,
			.initial_state = &ctx[i],
		};
	}
	tests[n++] = (struct CMUnitTest){ .name = "native_strings", .test_func = native_strings };
	tests[n++] = (struct CMUnitTest){ .name = "mgmt_bad_requests", .test_func = mgmt_bad_requests };

	failed = _cmocka_run_group_tests("zone_transitions", tests, n, NULL, NULL);
	return failed ? 1 : 0;
}
