// SPDX-License-Identifier: MIT
/*
 * How each personality reports an error class: the Linux status the driver
 * produces, and the device's own code.
 *
 * NVMe: nvme_error_status() in drivers/nvme/host/core.c maps Zone Too Many
 * Active to BLK_STS_ZONE_ACTIVE_RESOURCE, Too Many Open to
 * BLK_STS_ZONE_OPEN_RESOURCE, Invalid Field to BLK_STS_NOTSUPP, LBA out of
 * range to BLK_STS_NOSPC, media errors to BLK_STS_MEDIUM, the other zone
 * codes to BLK_STS_IOERR.  Codes and check order follow QEMU hw/nvme.
 *
 * SCSI: scsi_check_sense() in drivers/scsi/scsi_error.c makes ILLEGAL
 * REQUEST (invalid opcode, LBA out of range, invalid field...) and DATA
 * PROTECT a target failure, BLK_STS_TARGET (-EREMOTEIO, as observed on
 * file_zbc); scsi_io_completion_action() in scsi_lib.c then turns DATA
 * PROTECT 55h/0Eh (insufficient zone resources) into
 * BLK_STS_ZONE_OPEN_RESOURCE.  An unrecovered read error is a medium error
 * (BLK_STS_MEDIUM); a write error is retried, then BLK_STS_IOERR.
 */
#include <stdarg.h>
#include <stdio.h>

#include "zone.h"

#define SK_MEDIUM_ERROR		0x3
#define SK_ILLEGAL_REQUEST	0x5
#define SK_DATA_PROTECT		0x7

struct native_err {
	blk_status_t status;
	uint16_t nvme;
	uint8_t sk, asc, ascq;
};

/* null_blk: no native codes; every placement error is BLK_STS_IOERR. */
static const struct native_err nullblk_errs[] = {
	[ZERR_NOT_AT_WP] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_FULL] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_BOUNDARY] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_READ_BOUNDARY] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_READONLY] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_OFFLINE] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_OPEN_RESOURCE] = { BLK_STS_ZONE_OPEN_RESOURCE, 0, 0, 0, 0 },
	[ZERR_ACTIVE_RESOURCE] = { BLK_STS_ZONE_ACTIVE_RESOURCE, 0, 0, 0, 0 },
	[ZERR_TRANSITION] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_CONV] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_NO_APPEND] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_APPEND_FIELD] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_RANGE] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_ALIGN] = { BLK_STS_INVAL, 0, 0, 0, 0 },
	[ZERR_MEDIUM_READ] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_MEDIUM_WRITE] = { BLK_STS_IOERR, 0, 0, 0, 0 },
	[ZERR_NOTSUPP] = { BLK_STS_NOTSUPP, 0, 0, 0, 0 },
};

static const struct native_err zns_errs[] = {
	[ZERR_NOT_AT_WP] = { BLK_STS_IOERR, 0x1BC, 0, 0, 0 },	/* Zone Invalid Write */
	[ZERR_FULL] = { BLK_STS_IOERR, 0x1B9, 0, 0, 0 },	/* Zone Is Full */
	[ZERR_BOUNDARY] = { BLK_STS_IOERR, 0x1B8, 0, 0, 0 },	/* Zone Boundary Error */
	[ZERR_READ_BOUNDARY] = { BLK_STS_IOERR, 0x1B8, 0, 0, 0 },
	[ZERR_READONLY] = { BLK_STS_IOERR, 0x1BA, 0, 0, 0 },	/* Zone Is Read Only */
	[ZERR_OFFLINE] = { BLK_STS_IOERR, 0x1BB, 0, 0, 0 },	/* Zone Is Offline */
	[ZERR_OPEN_RESOURCE] = { BLK_STS_ZONE_OPEN_RESOURCE, 0x1BE, 0, 0, 0 },
	[ZERR_ACTIVE_RESOURCE] = { BLK_STS_ZONE_ACTIVE_RESOURCE, 0x1BD, 0, 0, 0 },
	[ZERR_TRANSITION] = { BLK_STS_IOERR, 0x1BF, 0, 0, 0 },	/* Invalid Zone State Transition */
	[ZERR_CONV] = { BLK_STS_NOTSUPP, 0x002, 0, 0, 0 },	/* Invalid Field */
	[ZERR_NO_APPEND] = { BLK_STS_NOTSUPP, 0x001, 0, 0, 0 },	/* Invalid Opcode */
	[ZERR_APPEND_FIELD] = { BLK_STS_NOTSUPP, 0x002, 0, 0, 0 },	/* Invalid Field */
	[ZERR_RANGE] = { BLK_STS_NOSPC, 0x080, 0, 0, 0 },	/* LBA Out of Range */
	[ZERR_ALIGN] = { BLK_STS_INVAL, 0, 0, 0, 0 },
	[ZERR_MEDIUM_READ] = { BLK_STS_MEDIUM, 0x281, 0, 0, 0 },	/* Unrecovered Read Error */
	[ZERR_MEDIUM_WRITE] = { BLK_STS_MEDIUM, 0x280, 0, 0, 0 },	/* Write Fault */
	[ZERR_NOTSUPP] = { BLK_STS_NOTSUPP, 0x001, 0, 0, 0 },
};

static const struct native_err zbc_errs[] = {
	[ZERR_NOT_AT_WP] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x21, 0x04 },	/* unaligned write command */
	[ZERR_FULL] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x24, 0x00 },	/* invalid field in CDB */
	[ZERR_BOUNDARY] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x21, 0x05 },	/* write boundary violation */
	[ZERR_READ_BOUNDARY] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x21, 0x07 },	/* read boundary violation */
	[ZERR_READONLY] = { BLK_STS_TARGET, 0, SK_DATA_PROTECT, 0x27, 0x08 },	/* zone is read only */
	[ZERR_OFFLINE] = { BLK_STS_TARGET, 0, SK_DATA_PROTECT, 0x2C, 0x0E },	/* zone is offline */
	[ZERR_OPEN_RESOURCE] = { BLK_STS_ZONE_OPEN_RESOURCE, 0, SK_DATA_PROTECT, 0x55, 0x0E },	/* insufficient zone resources */
	[ZERR_ACTIVE_RESOURCE] = { BLK_STS_ZONE_OPEN_RESOURCE, 0, SK_DATA_PROTECT, 0x55, 0x0E },
	[ZERR_TRANSITION] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x24, 0x00 },
	[ZERR_CONV] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x24, 0x00 },
	[ZERR_NO_APPEND] = { BLK_STS_NOTSUPP, 0, SK_ILLEGAL_REQUEST, 0x20, 0x00 },	/* invalid command operation code */
	[ZERR_APPEND_FIELD] = { BLK_STS_NOTSUPP, 0, SK_ILLEGAL_REQUEST, 0x20, 0x00 },
	[ZERR_RANGE] = { BLK_STS_TARGET, 0, SK_ILLEGAL_REQUEST, 0x21, 0x00 },	/* LBA out of range */
	[ZERR_ALIGN] = { BLK_STS_INVAL, 0, 0, 0, 0 },
	[ZERR_MEDIUM_READ] = { BLK_STS_MEDIUM, 0, SK_MEDIUM_ERROR, 0x11, 0x00 },	/* unrecovered read error */
	[ZERR_MEDIUM_WRITE] = { BLK_STS_IOERR, 0, SK_MEDIUM_ERROR, 0x0C, 0x00 },	/* write error */
	[ZERR_NOTSUPP] = { BLK_STS_NOTSUPP, 0, SK_ILLEGAL_REQUEST, 0x20, 0x00 },
};

static const char *const zone_err_names[] = {
	[ZERR_NOT_AT_WP] = "not_at_wp", [ZERR_FULL] = "full", [ZERR_BOUNDARY] = "boundary",
	[ZERR_READ_BOUNDARY] = "read_boundary", [ZERR_READONLY] = "readonly",
	[ZERR_OFFLINE] = "offline", [ZERR_OPEN_RESOURCE] = "open_resource",
	[ZERR_ACTIVE_RESOURCE] = "active_resource", [ZERR_TRANSITION] = "transition",
	[ZERR_CONV] = "conventional", [ZERR_NO_APPEND] = "no_append",
	[ZERR_APPEND_FIELD] = "append_field", [ZERR_RANGE] = "range", [ZERR_ALIGN] = "align",
	[ZERR_MEDIUM_READ] = "medium_read", [ZERR_MEDIUM_WRITE] = "medium_write",
	[ZERR_NOTSUPP] = "notsupp",
};

static void set_native(struct zone_result *res, enum zone_personality p, enum zone_err err)
{
	const struct native_err *e;

	switch (p) {
	case ZONE_MODEL_ZNS:
		e = &zns_errs[err];
		break;
	case ZONE_MODEL_ZBC:
		e = &zbc_errs[err];
		break;
	default:
		e = &nullblk_errs[err];
		break;
	}
	res->status = e->status;
	res->nvme_status = e->nvme;
	res->sense_key = e->sk;
	res->asc = e->asc;
	res->ascq = e->ascq;
	res->err = (uint8_t)(err + 1);
}

blk_status_t zone_fail(struct zone_result *res, enum zone_personality p,
		       enum zone_err err, const char *fmt, ...)
{
	va_list ap;

	set_native(res, p, err);
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	return res->status;
}

blk_status_t zone_result_as(const struct zone_result *res, enum zone_personality p,
			    struct zone_result *out)
{
	*out = *res;
	if (res->err)
		set_native(out, p, (enum zone_err)(res->err - 1));
	return out->status;
}

const char *zone_err_name(const struct zone_result *res)
{
	return res->err && res->err <= sizeof(zone_err_names) / sizeof(zone_err_names[0])
		       ? zone_err_names[res->err - 1] : "";
}

static const char *nvme_status_name(uint16_t sc)
{
	switch (sc) {
	case 0x001: return "Invalid Command Opcode";
	case 0x002: return "Invalid Field in Command";
	case 0x080: return "LBA Out of Range";
	case 0x1B8: return "Zone Boundary Error";
	case 0x1B9: return "Zone Is Full";
	case 0x1BA: return "Zone Is Read Only";
	case 0x1BB: return "Zone Is Offline";
	case 0x1BC: return "Zone Invalid Write";
	case 0x1BD: return "Too Many Active Zones";
	case 0x1BE: return "Too Many Open Zones";
	case 0x1BF: return "Invalid Zone State Transition";
	case 0x280: return "Write Fault";
	case 0x281: return "Unrecovered Read Error";
	default: return "status";
	}
}

static const char *sense_key_name(uint8_t sk)
{
	switch (sk) {
	case SK_MEDIUM_ERROR: return "MEDIUM ERROR";
	case SK_ILLEGAL_REQUEST: return "ILLEGAL REQUEST";
	case SK_DATA_PROTECT: return "DATA PROTECT";
	default: return "sense";
	}
}

const char *zone_result_native(const struct zone_result *res,
			       enum zone_personality p, char *buf, size_t len)
{
	buf[0] = '\0';
	if (p == ZONE_MODEL_ZNS && res->nvme_status)
		snprintf(buf, len, "NVMe status 0x%03X %s", res->nvme_status,
			 nvme_status_name(res->nvme_status));
	else if (p == ZONE_MODEL_ZBC && res->sense_key)
		snprintf(buf, len, "sense %Xh/%02Xh/%02Xh %s", res->sense_key,
			 res->asc, res->ascq, sense_key_name(res->sense_key));
	return buf;
}

blk_status_t nvme_status_to_blk_status(uint16_t sc)
{
	switch (sc & 0x7ff) {
	case 0x000:
		return BLK_STS_OK;
	case 0x001:	/* Invalid Command Opcode */
	case 0x002:	/* Invalid Field in Command */
	case 0x00B:	/* Invalid Namespace or Format */
		return BLK_STS_NOTSUPP;
	case 0x080:	/* LBA Out of Range */
	case 0x081:	/* Capacity Exceeded */
		return BLK_STS_NOSPC;
	case 0x280:	/* Write Fault */
	case 0x281:	/* Unrecovered Read Error */
	case 0x287:	/* Deallocated or Unwritten Logical Block */
	case 0x286:	/* Access Denied */
	case 0x182:	/* Attempted Write to Read Only Range */
		return BLK_STS_MEDIUM;
	case 0x1BD:	/* Too Many Active Zones */
		return BLK_STS_ZONE_ACTIVE_RESOURCE;
	case 0x1BE:	/* Too Many Open Zones */
		return BLK_STS_ZONE_OPEN_RESOURCE;
	default:
		return BLK_STS_IOERR;
	}
}
