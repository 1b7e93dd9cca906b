/* SPDX-License-Identifier: MIT */
/*
 * The zone model: a pure state machine over an array of zones.
 *
 * It answers "may this write / append / management op happen, and what
 * changes" with a kernel-style status and a reason a person can read.  It
 * does no I/O and allocates nothing after zone_model_init().
 *
 * Units are 512-byte sectors, as in struct blk_zone
 * (include/uapi/linux/blkzoned.h).  The rules follow null_blk
 * (drivers/block/null_blk/zoned.c), QEMU's NVMe ZNS (hw/nvme/ctrl.c) and
 * SCSI ZBC as scsi_debug and tcmu-runner's file_zbc implement it; where
 * they disagree the personality (zm->geo.model) chooses.  docs/zone-model.md
 * lists every rule and its source.
 */
#ifndef ZWSIM_ZONE_H
#define ZWSIM_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blk_status.h"
#include "req_op.h"

/*
 * Zone types, conditions and struct blk_zone come from the kernel's own
 * uapi header, so the model, the BLKREPORTZONE ioctl and libzbd speak one
 * language: types CONVENTIONAL 1, SEQWRITE_REQ 2, SEQWRITE_PREF 3;
 * conditions NOT_WP 0x0, EMPTY 0x1, IMP_OPEN 0x2, EXP_OPEN 0x3, CLOSED 0x4,
 * READONLY 0xD, FULL 0xE, OFFLINE 0xF; positions in 512-byte sectors.
 */
#include <linux/blkzoned.h>

/* The write pointer of a read-only or offline zone: invalid (null_blk: all ones). */
#define ZONE_WP_INVALID ((sector_t)-1)

/* Whose behaviour the model follows where real devices disagree. */
enum zone_personality {
	ZONE_MODEL_NULLBLK = 0,	/* drivers/block/null_blk/zoned.c */
	ZONE_MODEL_ZNS,		/* NVMe ZNS as QEMU's hw/nvme emulates it */
	ZONE_MODEL_ZBC,		/* SCSI ZBC as scsi_debug / tcmu file_zbc */
};

struct zone_geometry {
	enum zone_personality model;
	sector_t capacity;		/* device size; the last zone may be short */
	sector_t zone_size;
	sector_t zone_capacity;		/* <= zone_size */
	unsigned int nr_conv;		/* conventional zones, first on the device */
	unsigned int lba_size;		/* logical block size in bytes */
	unsigned int max_open;		/* 0 = no limit */
	unsigned int max_active;	/* 0 = no limit */
	unsigned int max_append_sectors;	/* 0 = no native zone append */
	unsigned int max_hw_sectors;		/* largest command the device takes */
	bool seq_pref;			/* sequential zones are write-preferred (host aware) */
	bool nonzoned;			/* zoned=0: a regular device, all conventional zones */
};

/*
 * The outcome of one command: the Linux status, the device's own code in
 * its own terms (NVMe status for ZNS, sense data for ZBC) and a reason.
 */
struct zone_result {
	blk_status_t status;
	uint16_t nvme_status;	/* (SCT << 8) | SC, e.g. 0x1BC Zone Invalid Write */
	uint8_t sense_key, asc, ascq;
	sector_t sector;	/* zone append: where the data landed */
	uint8_t err;		/* 1 + the enum zone_err zone_fail() set; 0: none (OK, or another layer's failure) */
	char reason[192];
};

struct zone_model {
	struct zone_geometry geo;
	struct blk_zone *zones;
	uint64_t *imp_open_seq;		/* ZNS: when each zone became implicitly open */
	unsigned int nr_zones;
	int zone_shift;			/* log2(zone_size), or -1 when not a power of two */
	unsigned int nr_imp_open, nr_exp_open, nr_closed;
	unsigned int imp_close_zone_no;	/* null_blk's round-robin cursor */
	uint64_t imp_open_clock;
	/* Told of every change of a zone's condition (the event log), or NULL. */
	void (*on_cond_change)(void *arg, unsigned int zno, uint8_t from, uint8_t to);
	void *on_cond_change_arg;
};

/*
 * Validate @geo, apply the personality's clamps (null_blk_init_zoned_dev())
 * and set every zone to its initial state.  Returns 0, or -EINVAL with a
 * message in @err.
 */
int zone_model_init(struct zone_model *zm, const struct zone_geometry *geo,
		    char *err, size_t errlen);
void zone_model_free(struct zone_model *zm);

static inline unsigned int zone_no(const struct zone_model *zm, sector_t sector)
{
	if (zm->zone_shift >= 0)
		return (unsigned int)(sector >> zm->zone_shift);
	return (unsigned int)(sector / zm->geo.zone_size);
}

static inline bool zone_is_seq(const struct blk_zone *z)
{
	return z->type != BLK_ZONE_TYPE_CONVENTIONAL;
}

/*
 * Writes and appends, in two steps as null_blk_zone_write() does them:
 * prepare checks placement and resources and implicitly opens the zone;
 * the caller then does the I/O and, only if it succeeded, completes, which
 * advances the write pointer.  For an append, res->sector is where the data
 * goes.  A failed I/O between the two leaves the zone open, wp unchanged.
 */
blk_status_t zone_write_prepare(struct zone_model *zm, enum req_op op,
				sector_t sector, unsigned int nr_sectors,
				struct zone_result *res);
void zone_write_complete(struct zone_model *zm, sector_t sector,
			 unsigned int nr_sectors);

/* May these sectors be read?  (Reads above the write pointer return zeros.) */
blk_status_t zone_read_check(struct zone_model *zm, sector_t sector,
			     unsigned int nr_sectors, struct zone_result *res);

/* REQ_OP_ZONE_OPEN/CLOSE/FINISH/RESET on the zone at @sector, or RESET_ALL. */
blk_status_t zone_mgmt(struct zone_model *zm, enum req_op op, sector_t sector,
		       struct zone_result *res);

/*
 * Fault injection (null_blk's zone_readonly / zone_offline configfs files,
 * null_set_zone_cond()): setting the zone's current condition again returns
 * it to EMPTY; otherwise the zone is finished, then given @cond with an
 * invalid write pointer.
 */
blk_status_t zone_set_cond(struct zone_model *zm, unsigned int zno,
			   enum blk_zone_cond cond, struct zone_result *res);

/*
 * Set a zone's state from persistent storage (the file backend at start):
 * a write pointer offset in sectors, and EMPTY / FULL / READONLY / OFFLINE,
 * or anything else for "partly written", which comes back CLOSED as after a
 * power cycle.  Returns -EINVAL when the offset is past the zone.
 */
int zone_restore(struct zone_model *zm, unsigned int zno, sector_t wp_off,
		 enum blk_zone_cond cond);

/* Check every invariant; 0, or -1 with the first violation in @err. */
int zone_model_check(const struct zone_model *zm, char *err, size_t errlen);

/* blkzone's abbreviations: "nw em oi oe cl ro fu ol". */
const char *zone_cond_abbrev(uint8_t cond);
const char *zone_cond_name(uint8_t cond);
const char *zone_type_name(uint8_t type);
const char *zone_personality_name(enum zone_personality p);
int zone_personality_parse(const char *s, enum zone_personality *p);

/* Set res to OK with an empty reason (cheap: the hot path calls it). */
static inline void zone_result_ok(struct zone_result *res)
{
	res->status = BLK_STS_OK;
	res->nvme_status = 0;
	res->sense_key = res->asc = res->ascq = 0;
	res->err = 0;
	res->reason[0] = '\0';
}

/*
 * Error classes: each personality turns one into its own status and native
 * code (zone_native.c), so every rule says what went wrong only once.
 */
enum zone_err {
	ZERR_NOT_AT_WP,		/* write not at the write pointer */
	ZERR_FULL,		/* write or append to a full zone */
	ZERR_BOUNDARY,		/* write past the zone capacity or end */
	ZERR_READ_BOUNDARY,	/* read across a zone end (ZNS without cross-zone reads) */
	ZERR_READONLY,
	ZERR_OFFLINE,
	ZERR_OPEN_RESOURCE,
	ZERR_ACTIVE_RESOURCE,
	ZERR_TRANSITION,	/* invalid zone state transition */
	ZERR_CONV,		/* zone operation on a conventional zone */
	ZERR_NO_APPEND,		/* the device has no native zone append */
	ZERR_APPEND_FIELD,	/* append not at a zone start or too large */
	ZERR_RANGE,		/* beyond the end of the device */
	ZERR_ALIGN,		/* not a multiple of the logical block size */
	ZERR_MEDIUM_READ,	/* injected media error on read */
	ZERR_MEDIUM_WRITE,	/* injected media error on write */
	ZERR_NOTSUPP,		/* operation the device does not know */
};

/* Fill @res for @err in @p's terms; returns the status.  printf-style reason. */
blk_status_t zone_fail(struct zone_result *res, enum zone_personality p,
		       enum zone_err err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * What personality @p reports for the error class of @res (res->err set):
 * its Linux status and native codes in @out, reason copied.  So a teacher
 * can show the same refusal in null_blk's, NVMe's and SCSI's terms.
 */
blk_status_t zone_result_as(const struct zone_result *res, enum zone_personality p,
			    struct zone_result *out);
/* "not_at_wp", "full", ...: the class's name, "" when res->err is 0. */
const char *zone_err_name(const struct zone_result *res);

/*
 * nvme_error_status() (drivers/nvme/host/core.c): the Linux status of an
 * NVMe status code ((SCT << 8) | SC).
 */
blk_status_t nvme_status_to_blk_status(uint16_t sc);

/* The device's own words for res: "NVMe 0x1BC Zone Invalid Write", "sense 5/21h/04h ...", or "". */
const char *zone_result_native(const struct zone_result *res,
			       enum zone_personality p, char *buf, size_t len);

#endif
