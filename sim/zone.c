// SPDX-License-Identifier: MIT
/*
 * The zone state machine.  One function per command, each written as the
 * personality's source does it: null_blk's null_zone_write(),
 * null_open_zone(), null_close_zone(), null_finish_zone(),
 * null_reset_zone(); QEMU's nvme_check_zone_write() and nvme_zrm_*();
 * scsi_debug's check_zbc_access_params() and zbc_*_zone().
 */
#include "zone.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZM_MODEL(zm) ((zm)->geo.model)

static inline sector_t zone_end(const struct blk_zone *z)
{
	return z->start + z->len;
}

static inline sector_t zone_cap_end(const struct blk_zone *z)
{
	return z->start + z->capacity;
}

static inline unsigned int zidx(const struct zone_model *zm, const struct blk_zone *z)
{
	return (unsigned int)(z - zm->zones);
}

static inline unsigned int nr_open(const struct zone_model *zm)
{
	return zm->nr_imp_open + zm->nr_exp_open;
}

static inline unsigned int nr_active(const struct zone_model *zm)
{
	return zm->nr_imp_open + zm->nr_exp_open + zm->nr_closed;
}

/* Move @z to @cond, keeping the open/closed counts true. */
static void zone_set_state(struct zone_model *zm, struct blk_zone *z, uint8_t cond)
{
	if (zm->on_cond_change && z->cond != cond)
		zm->on_cond_change(zm->on_cond_change_arg, zidx(zm, z), z->cond, cond);
	switch (z->cond) {
	case BLK_ZONE_COND_IMP_OPEN: zm->nr_imp_open--; break;
	case BLK_ZONE_COND_EXP_OPEN: zm->nr_exp_open--; break;
	case BLK_ZONE_COND_CLOSED: zm->nr_closed--; break;
	default: break;
	}
	switch (cond) {
	case BLK_ZONE_COND_IMP_OPEN:
		zm->nr_imp_open++;
		/* QEMU keeps implicitly open zones in a FIFO by entry time. */
		zm->imp_open_seq[zidx(zm, z)] = ++zm->imp_open_clock;
		break;
	case BLK_ZONE_COND_EXP_OPEN: zm->nr_exp_open++; break;
	case BLK_ZONE_COND_CLOSED: zm->nr_closed++; break;
	default: break;
	}
	z->cond = cond;
}

/*
 * Close an open zone.  null_blk (__null_close_zone) and scsi_debug
 * (zbc_close_zone) return a zone with nothing written to EMPTY; QEMU
 * (nvme_zrm_close) always makes it CLOSED, so it stays active.
 */
static void zone_do_close(struct zone_model *zm, struct blk_zone *z)
{
	if (ZM_MODEL(zm) != ZONE_MODEL_ZNS && z->wp == z->start)
		zone_set_state(zm, z, BLK_ZONE_COND_EMPTY);
	else
		zone_set_state(zm, z, BLK_ZONE_COND_CLOSED);
}

/*
 * Which implicitly open zone the device closes to make room:
 * null_blk round robin from the zone after the previous victim
 * (null_close_imp_open_zone(); the cursor survives reset-all), QEMU the
 * oldest (nvme_zrm_auto_transition_zone()), scsi_debug the lowest numbered
 * (zbc_close_imp_open_zone()).
 */
static struct blk_zone *zone_imp_close_victim(struct zone_model *zm)
{
	unsigned int first = zm->geo.nr_conv, n = zm->nr_zones, i;

	if (!zm->nr_imp_open)
		return NULL;
	switch (ZM_MODEL(zm)) {
	case ZONE_MODEL_NULLBLK: {
		unsigned int zno = zm->imp_close_zone_no;

		if (zno >= n)
			zno = first;
		for (i = first; i < n; i++) {
			struct blk_zone *z = &zm->zones[zno];

			if (++zno >= n)
				zno = first;
			if (z->cond == BLK_ZONE_COND_IMP_OPEN) {
				zm->imp_close_zone_no = zno;
				return z;
			}
		}
		return NULL;
	}
	case ZONE_MODEL_ZNS: {
		struct blk_zone *victim = NULL;
		uint64_t oldest = UINT64_MAX;

		for (i = first; i < n; i++)
			if (zm->zones[i].cond == BLK_ZONE_COND_IMP_OPEN &&
			    zm->imp_open_seq[i] < oldest) {
				oldest = zm->imp_open_seq[i];
				victim = &zm->zones[i];
			}
		return victim;
	}
	case ZONE_MODEL_ZBC:
	default:
		for (i = first; i < n; i++)
			if (zm->zones[i].cond == BLK_ZONE_COND_IMP_OPEN)
				return &zm->zones[i];
		return NULL;
	}
}

static blk_status_t fail_open_res(struct zone_model *zm, struct blk_zone *z,
				  struct zone_result *res)
{
	return zone_fail(res, ZM_MODEL(zm), ZERR_OPEN_RESOURCE,
			 "no open zone resource for zone %u: %u of %u zones open (%u explicitly)",
			 zidx(zm, z), nr_open(zm), zm->geo.max_open, zm->nr_exp_open);
}

static blk_status_t fail_active_res(struct zone_model *zm, struct blk_zone *z,
				    struct zone_result *res)
{
	return zone_fail(res, ZM_MODEL(zm), ZERR_ACTIVE_RESOURCE,
			 "no active zone resource for zone %u: %u of %u zones active",
			 zidx(zm, z), nr_active(zm), zm->geo.max_active);
}

/* null_check_active() */
static bool nullblk_active_ok(const struct zone_model *zm)
{
	return !zm->geo.max_active || nr_active(zm) < zm->geo.max_active;
}

/* null_check_open(): may implicitly close a zone, but never past the active limit. */
static blk_status_t nullblk_check_open(struct zone_model *zm, struct blk_zone *z,
				       struct zone_result *res)
{
	if (!zm->geo.max_open || nr_open(zm) < zm->geo.max_open)
		return BLK_STS_OK;
	if (zm->nr_imp_open && nullblk_active_ok(zm)) {
		zone_do_close(zm, zone_imp_close_victim(zm));
		return BLK_STS_OK;
	}
	return fail_open_res(zm, z, res);
}

/* null_check_zone_resources(): EMPTY needs an active and an open slot, CLOSED an open one. */
static blk_status_t nullblk_check_resources(struct zone_model *zm, struct blk_zone *z,
					    struct zone_result *res)
{
	if (z->cond == BLK_ZONE_COND_EMPTY && !nullblk_active_ok(zm))
		return fail_active_res(zm, z, res);
	return nullblk_check_open(zm, z, res);
}

/*
 * nvme_zrm_open_flags(): with auto transition on (QEMU's default) the
 * oldest implicitly open zone is closed first when the open slots are all
 * taken, and only then are the limits checked, active before open.  So a
 * refused open can leave that victim closed.
 */
static blk_status_t zns_check_resources(struct zone_model *zm, struct blk_zone *z,
					struct zone_result *res)
{
	unsigned int act = z->cond == BLK_ZONE_COND_EMPTY;

	if (zm->geo.max_open && nr_open(zm) == zm->geo.max_open) {
		struct blk_zone *victim = zone_imp_close_victim(zm);

		if (victim)
			zone_do_close(zm, victim);
	}
	if (zm->geo.max_active && nr_active(zm) + act > zm->geo.max_active)
		return fail_active_res(zm, z, res);
	if (zm->geo.max_open && nr_open(zm) + 1 > zm->geo.max_open)
		return fail_open_res(zm, z, res);
	return BLK_STS_OK;
}

/*
 * scsi_debug: an open is refused only when every open slot is explicit;
 * otherwise the lowest implicitly open zone is closed (zbc_open_zone()).
 * ZBC has no active limit.
 */
static blk_status_t zbc_check_resources(struct zone_model *zm, struct blk_zone *z,
					struct zone_result *res)
{
	if (!zm->geo.max_open)
		return BLK_STS_OK;
	if (zm->nr_exp_open >= zm->geo.max_open)
		return fail_open_res(zm, z, res);
	if (z->cond != BLK_ZONE_COND_IMP_OPEN && nr_open(zm) >= zm->geo.max_open)
		zone_do_close(zm, zone_imp_close_victim(zm));
	return BLK_STS_OK;
}

/* Make room to open @z (EMPTY or CLOSED, or IMP_OPEN for ZBC explicit opens). */
static blk_status_t zone_open_resources(struct zone_model *zm, struct blk_zone *z,
					struct zone_result *res)
{
	switch (ZM_MODEL(zm)) {
	case ZONE_MODEL_ZNS:
		return zns_check_resources(zm, z, res);
	case ZONE_MODEL_ZBC:
		return zbc_check_resources(zm, z, res);
	default:
		return nullblk_check_resources(zm, z, res);
	}
}

static blk_status_t zone_check_range(struct zone_model *zm, const char *what,
				     sector_t sector, unsigned int nr_sectors,
				     struct zone_result *res)
{
	unsigned int lba_sectors = zm->geo.lba_size >> SECTOR_SHIFT;

	if (!nr_sectors || (sector | nr_sectors) & (lba_sectors - 1))
		return zone_fail(res, ZM_MODEL(zm), ZERR_ALIGN,
				 "%s of %u sectors at sector %" PRIu64
				 " is not aligned to the %u-byte logical block",
				 what, nr_sectors, sector, zm->geo.lba_size);
	if (sector >= zm->geo.capacity || nr_sectors > zm->geo.capacity - sector)
		return zone_fail(res, ZM_MODEL(zm), ZERR_RANGE,
				 "%s of %u sectors at sector %" PRIu64
				 " goes beyond the end of the device (%" PRIu64 " sectors)",
				 what, nr_sectors, sector, zm->geo.capacity);
	return BLK_STS_OK;
}

/* A conventional zone takes any write that stays within conventional zones. */
static blk_status_t conv_write_prepare(struct zone_model *zm, struct blk_zone *z,
				       enum req_op op, sector_t sector,
				       unsigned int nr_sectors, struct zone_result *res)
{
	struct blk_zone *last = &zm->zones[zone_no(zm, sector + nr_sectors - 1)];

	if (op == REQ_OP_ZONE_APPEND)
		return zone_fail(res, ZM_MODEL(zm),
				 ZM_MODEL(zm) == ZONE_MODEL_ZBC ? ZERR_NO_APPEND : ZERR_CONV,
				 "zone append to conventional zone %u", zidx(zm, z));
	if (zone_is_seq(last))
		return zone_fail(res, ZM_MODEL(zm), ZERR_BOUNDARY,
				 "write at sector %" PRIu64 " crosses from conventional zone %u into sequential zone %u",
				 sector, zidx(zm, z), zidx(zm, last));
	zone_result_ok(res);
	res->sector = sector;
	return BLK_STS_OK;
}

/* The placement checks, in the order each device makes them. */
static blk_status_t seq_write_placement(struct zone_model *zm, struct blk_zone *z,
					enum req_op op, sector_t *sector,
					unsigned int nr_sectors, struct zone_result *res)
{
	enum zone_personality p = ZM_MODEL(zm);
	bool append = op == REQ_OP_ZONE_APPEND;
	unsigned int zno = zidx(zm, z);
	sector_t end;

	if (append) {
		if (!zm->geo.max_append_sectors)
			return zone_fail(res, p, ZERR_NO_APPEND,
					 "the device has no native zone append (the block layer emulates it with writes)");
		if (*sector != z->start)
			return zone_fail(res, p, ZERR_APPEND_FIELD,
					 "zone append at sector %" PRIu64 " is not at the start %" PRIu64 " of zone %u",
					 *sector, (sector_t)z->start, zno);
		if (nr_sectors > zm->geo.max_append_sectors)
			return zone_fail(res, p, ZERR_APPEND_FIELD,
					 "zone append of %u sectors exceeds the maximum append size of %u sectors",
					 nr_sectors, zm->geo.max_append_sectors);
	}

	/* QEMU (nvme_check_zone_state_for_write) and scsi_debug check the condition first. */
	if (p != ZONE_MODEL_NULLBLK) {
		if (z->cond == BLK_ZONE_COND_READONLY)
			return zone_fail(res, p, ZERR_READONLY, "zone %u is read-only", zno);
		if (z->cond == BLK_ZONE_COND_OFFLINE)
			return zone_fail(res, p, ZERR_OFFLINE, "zone %u is offline", zno);
	}
	/* scsi_debug: a write may not cross the zone end, checked before fullness. */
	if (p == ZONE_MODEL_ZBC && !append && *sector >= z->start &&
	    *sector + nr_sectors > zone_end(z))
		return zone_fail(res, p, ZERR_BOUNDARY,
				 "write of %u sectors at sector %" PRIu64 " crosses the end of zone %u at sector %" PRIu64,
				 nr_sectors, *sector, zno, zone_end(z));
	if (p != ZONE_MODEL_NULLBLK && z->cond == BLK_ZONE_COND_FULL)
		return zone_fail(res, p, ZERR_FULL, "zone %u is full", zno);

	if (append) {
		*sector = z->wp;
	} else if (*sector != z->wp) {
		if (z->cond == BLK_ZONE_COND_READONLY)
			return zone_fail(res, p, ZERR_READONLY, "zone %u is read-only", zno);
		if (z->cond == BLK_ZONE_COND_OFFLINE)
			return zone_fail(res, p, ZERR_OFFLINE, "zone %u is offline", zno);
		if (z->cond == BLK_ZONE_COND_FULL)
			return zone_fail(res, p, ZERR_NOT_AT_WP,
					 "write at sector %" PRIu64 " to full zone %u", *sector, zno);
		return zone_fail(res, p, ZERR_NOT_AT_WP,
				 "write at sector %" PRIu64 " is not at the write pointer %" PRIu64 " of zone %u",
				 *sector, (sector_t)z->wp, zno);
	}
	if (z->wp == ZONE_WP_INVALID)	/* null_blk append to a read-only or offline zone */
		return zone_fail(res, p, z->cond == BLK_ZONE_COND_OFFLINE ? ZERR_OFFLINE : ZERR_READONLY,
				 "zone %u is %s", zno, zone_cond_name(z->cond));
	end = *sector + nr_sectors;
	if (end > zone_cap_end(z)) {
		if (p == ZONE_MODEL_NULLBLK && z->cond == BLK_ZONE_COND_FULL)
			return zone_fail(res, p, ZERR_FULL, "zone %u is full", zno);
		return zone_fail(res, p, ZERR_BOUNDARY,
				 "%s of %u sectors at sector %" PRIu64 " crosses the capacity of zone %u (ends at sector %" PRIu64 ")",
				 append ? "zone append" : "write", nr_sectors, *sector, zno, zone_cap_end(z));
	}
	return BLK_STS_OK;
}

/*
 * Host-aware (sequential-write-preferred) zones accept writes anywhere in
 * their capacity; the write pointer follows the highest write.  ZBC-2 calls
 * the out-of-order case "non-sequential write resources active"; the model
 * does not track that resource.
 */
static bool seq_pref_random_write(const struct blk_zone *z, enum req_op op,
				  sector_t sector, unsigned int nr_sectors)
{
	return z->type == BLK_ZONE_TYPE_SEQWRITE_PREF && op == REQ_OP_WRITE &&
	       sector >= z->start && sector + nr_sectors <= zone_cap_end(z) &&
	       z->cond != BLK_ZONE_COND_READONLY && z->cond != BLK_ZONE_COND_OFFLINE;
}

blk_status_t zone_write_prepare(struct zone_model *zm, enum req_op op,
				sector_t sector, unsigned int nr_sectors,
				struct zone_result *res)
{
	struct blk_zone *z;
	blk_status_t sts;

	sts = zone_check_range(zm, op == REQ_OP_ZONE_APPEND ? "zone append" : "write",
			       sector, nr_sectors, res);
	if (sts)
		return sts;
	z = &zm->zones[zone_no(zm, sector)];
	if (!zone_is_seq(z))
		return conv_write_prepare(zm, z, op, sector, nr_sectors, res);

	if (seq_pref_random_write(z, op, sector, nr_sectors)) {
		if (z->cond == BLK_ZONE_COND_FULL)
			return zone_fail(res, ZM_MODEL(zm), ZERR_FULL, "zone %u is full", zidx(zm, z));
	} else {
		sts = seq_write_placement(zm, z, op, &sector, nr_sectors, res);
		if (sts)
			return sts;
	}

	/* Implicit open: resources are checked before the I/O, and a refusal changes nothing. */
	if (z->cond == BLK_ZONE_COND_EMPTY || z->cond == BLK_ZONE_COND_CLOSED) {
		sts = zone_open_resources(zm, z, res);
		if (sts)
			return sts;
		zone_set_state(zm, z, BLK_ZONE_COND_IMP_OPEN);
	}
	zone_result_ok(res);
	res->sector = sector;
	return BLK_STS_OK;
}

/* How a zone filled by writes reports its write pointer. */
static sector_t zone_full_wp(const struct zone_model *zm, const struct blk_zone *z)
{
	/* null_blk leaves wp at the capacity; the nvme driver reports start + len for FULL. */
	return ZM_MODEL(zm) == ZONE_MODEL_NULLBLK ? zone_cap_end(z) : zone_end(z);
}

void zone_write_complete(struct zone_model *zm, sector_t sector,
			 unsigned int nr_sectors)
{
	struct blk_zone *z = &zm->zones[zone_no(zm, sector)];

	if (!zone_is_seq(z))
		return;
	if (sector + nr_sectors > z->wp)
		z->wp = sector + nr_sectors;
	if (z->wp >= zone_cap_end(z)) {
		zone_set_state(zm, z, BLK_ZONE_COND_FULL);
		z->wp = zone_full_wp(zm, z);
	}
}

blk_status_t zone_read_check(struct zone_model *zm, sector_t sector,
			     unsigned int nr_sectors, struct zone_result *res)
{
	unsigned int first, last, i;
	blk_status_t sts;

	sts = zone_check_range(zm, "read", sector, nr_sectors, res);
	if (sts)
		return sts;
	first = zone_no(zm, sector);
	last = zone_no(zm, sector + nr_sectors - 1);
	for (i = first; i <= last; i++)
		if (zm->zones[i].cond == BLK_ZONE_COND_OFFLINE)
			return zone_fail(res, ZM_MODEL(zm), ZERR_OFFLINE, "zone %u is offline", i);
	/* QEMU refuses reads across a zone end unless cross-zone reads are enabled (nvme_check_zone_read). */
	if (ZM_MODEL(zm) == ZONE_MODEL_ZNS && first != last)
		return zone_fail(res, ZM_MODEL(zm), ZERR_READ_BOUNDARY,
				 "read of %u sectors at sector %" PRIu64 " crosses the end of zone %u",
				 nr_sectors, sector, first);
	zone_result_ok(res);
	return BLK_STS_OK;
}

static blk_status_t fail_transition(struct zone_model *zm, struct blk_zone *z,
				    const char *what, struct zone_result *res)
{
	return zone_fail(res, ZM_MODEL(zm), ZERR_TRANSITION, "cannot %s zone %u: it is %s",
			 what, zidx(zm, z), zone_cond_name(z->cond));
}

/* null_open_zone(), nvme_zrm_open_flags(), resp_open_zone() */
static blk_status_t zone_open(struct zone_model *zm, struct blk_zone *z,
			      struct zone_result *res)
{
	enum zone_personality p = ZM_MODEL(zm);
	blk_status_t sts;

	switch (z->cond) {
	case BLK_ZONE_COND_EXP_OPEN:
		return BLK_STS_OK;
	case BLK_ZONE_COND_FULL:
		if (p == ZONE_MODEL_ZBC)	/* scsi_debug: OPEN of a full zone is a no-op */
			return BLK_STS_OK;
		return fail_transition(zm, z, "open", res);
	case BLK_ZONE_COND_IMP_OPEN:
		if (p == ZONE_MODEL_ZBC && zm->geo.max_open && zm->nr_exp_open >= zm->geo.max_open)
			return fail_open_res(zm, z, res);
		break;
	case BLK_ZONE_COND_EMPTY:
	case BLK_ZONE_COND_CLOSED:
		sts = zone_open_resources(zm, z, res);
		if (sts)
			return sts;
		break;
	default:
		return fail_transition(zm, z, "open", res);
	}
	zone_set_state(zm, z, BLK_ZONE_COND_EXP_OPEN);
	return BLK_STS_OK;
}

/* null_close_zone(), nvme_zrm_close(), zbc_close_zone() */
static blk_status_t zone_close(struct zone_model *zm, struct blk_zone *z,
			       struct zone_result *res)
{
	switch (z->cond) {
	case BLK_ZONE_COND_CLOSED:
		return BLK_STS_OK;
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
		zone_do_close(zm, z);
		return BLK_STS_OK;
	case BLK_ZONE_COND_EMPTY:
	case BLK_ZONE_COND_FULL:
		if (ZM_MODEL(zm) == ZONE_MODEL_ZBC)	/* scsi_debug: silently nothing to do */
			return BLK_STS_OK;
		return fail_transition(zm, z, "close", res);
	default:
		return fail_transition(zm, z, "close", res);
	}
}

/* null_finish_zone(), nvme_zrm_finish(), zbc_finish_zone() */
static blk_status_t zone_finish(struct zone_model *zm, struct blk_zone *z,
				struct zone_result *res)
{
	blk_status_t sts;

	switch (z->cond) {
	case BLK_ZONE_COND_FULL:
		return BLK_STS_OK;
	case BLK_ZONE_COND_EMPTY:
	case BLK_ZONE_COND_CLOSED:
		/* Only null_blk checks resources, as if the finish opened the zone. */
		if (ZM_MODEL(zm) == ZONE_MODEL_NULLBLK) {
			sts = nullblk_check_resources(zm, z, res);
			if (sts)
				return sts;
		}
		break;
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
		break;
	default:
		return fail_transition(zm, z, "finish", res);
	}
	zone_set_state(zm, z, BLK_ZONE_COND_FULL);
	z->wp = zone_end(z);	/* every device reports a finished zone's wp at its size */
	return BLK_STS_OK;
}

/* null_reset_zone(), nvme_zrm_reset(), zbc_rwp_zone() */
static blk_status_t zone_reset(struct zone_model *zm, struct blk_zone *z,
			       struct zone_result *res)
{
	switch (z->cond) {
	case BLK_ZONE_COND_EMPTY:
		return BLK_STS_OK;
	case BLK_ZONE_COND_IMP_OPEN:
	case BLK_ZONE_COND_EXP_OPEN:
	case BLK_ZONE_COND_CLOSED:
	case BLK_ZONE_COND_FULL:
		zone_set_state(zm, z, BLK_ZONE_COND_EMPTY);
		z->wp = z->start;
		return BLK_STS_OK;
	default:
		return fail_transition(zm, z, "reset", res);
	}
}

blk_status_t zone_mgmt(struct zone_model *zm, enum req_op op, sector_t sector,
		       struct zone_result *res)
{
	enum zone_personality p = ZM_MODEL(zm);
	struct blk_zone *z;
	blk_status_t sts;

	zone_result_ok(res);
	if (op == REQ_OP_ZONE_RESET_ALL) {
		/* Read-only and offline zones are skipped, and the command succeeds. */
		for (unsigned int i = zm->geo.nr_conv; i < zm->nr_zones; i++) {
			z = &zm->zones[i];
			if (zone_is_seq(z) && z->cond != BLK_ZONE_COND_READONLY &&
			    z->cond != BLK_ZONE_COND_OFFLINE)
				zone_reset(zm, z, res);
		}
		return BLK_STS_OK;
	}
	if (op < REQ_OP_ZONE_OPEN || op > REQ_OP_ZONE_RESET)
		return zone_fail(res, p, ZERR_NOTSUPP, "%s is not a zone management operation",
				 req_op_name(op));
	if (sector >= zm->geo.capacity)
		return zone_fail(res, p, ZERR_RANGE,
				 "zone operation at sector %" PRIu64 " is beyond the end of the device", sector);
	z = &zm->zones[zone_no(zm, sector)];
	if (!zone_is_seq(z))
		return zone_fail(res, p, ZERR_CONV, "%s of conventional zone %u",
				 req_op_name(op), zidx(zm, z));
	if (z->cond == BLK_ZONE_COND_READONLY)
		return zone_fail(res, p, p == ZONE_MODEL_ZNS ? ZERR_TRANSITION : ZERR_READONLY,
				 "cannot %s zone %u: it is read-only", req_op_name(op) + 5, zidx(zm, z));
	if (z->cond == BLK_ZONE_COND_OFFLINE)
		return zone_fail(res, p, p == ZONE_MODEL_ZNS ? ZERR_TRANSITION : ZERR_OFFLINE,
				 "cannot %s zone %u: it is offline", req_op_name(op) + 5, zidx(zm, z));

	switch (op) {
	case REQ_OP_ZONE_OPEN:
		sts = zone_open(zm, z, res);
		break;
	case REQ_OP_ZONE_CLOSE:
		sts = zone_close(zm, z, res);
		break;
	case REQ_OP_ZONE_FINISH:
		sts = zone_finish(zm, z, res);
		break;
	default:	/* REQ_OP_ZONE_RESET */
		sts = zone_reset(zm, z, res);
		break;
	}
	return sts;
}

blk_status_t zone_set_cond(struct zone_model *zm, unsigned int zno,
			   enum blk_zone_cond cond, struct zone_result *res)
{
	struct blk_zone *z;

	zone_result_ok(res);
	if (zno >= zm->nr_zones)
		return zone_fail(res, ZM_MODEL(zm), ZERR_RANGE, "no zone %u (the device has %u)",
				 zno, zm->nr_zones);
	z = &zm->zones[zno];
	if (!zone_is_seq(z))
		return zone_fail(res, ZM_MODEL(zm), ZERR_CONV,
				 "conventional zone %u cannot be made %s", zno, zone_cond_name(cond));
	if (cond != BLK_ZONE_COND_READONLY && cond != BLK_ZONE_COND_OFFLINE)
		return zone_fail(res, ZM_MODEL(zm), ZERR_NOTSUPP,
				 "only read-only and offline can be injected, not %s", zone_cond_name(cond));
	if (z->cond == cond) {
		/* null_set_zone_cond(): setting the same condition again restores the zone, empty. */
		zone_set_state(zm, z, BLK_ZONE_COND_EMPTY);
		z->wp = z->start;
		return BLK_STS_OK;
	}
	if (z->cond != BLK_ZONE_COND_FULL && z->cond != BLK_ZONE_COND_READONLY &&
	    z->cond != BLK_ZONE_COND_OFFLINE) {
		zone_set_state(zm, z, BLK_ZONE_COND_FULL);
		z->wp = zone_end(z);
	}
	zone_set_state(zm, z, cond);
	z->wp = ZONE_WP_INVALID;
	return BLK_STS_OK;
}

int zone_restore(struct zone_model *zm, unsigned int zno, sector_t wp_off,
		 enum blk_zone_cond cond)
{
	struct blk_zone *z = &zm->zones[zno];

	if (!zone_is_seq(z))
		return 0;
	if (cond == BLK_ZONE_COND_READONLY || cond == BLK_ZONE_COND_OFFLINE) {
		zone_set_state(zm, z, BLK_ZONE_COND_EMPTY);
		z->cond = cond;
		z->wp = ZONE_WP_INVALID;
		return 0;
	}
	if (wp_off > z->len)
		return -EINVAL;
	if (wp_off == 0 && cond != BLK_ZONE_COND_FULL) {
		zone_set_state(zm, z, BLK_ZONE_COND_EMPTY);
		z->wp = z->start;
	} else if (wp_off >= z->capacity || cond == BLK_ZONE_COND_FULL) {
		zone_set_state(zm, z, BLK_ZONE_COND_FULL);
		z->wp = wp_off >= z->len ? zone_end(z) : zone_full_wp(zm, z);
	} else {
		zone_set_state(zm, z, BLK_ZONE_COND_CLOSED);
		z->wp = z->start + wp_off;
	}
	return 0;
}

static sector_t zone_len_of(const struct zone_geometry *geo, unsigned int zno,
			    unsigned int nr_zones)
{
	if (zno == nr_zones - 1 && geo->capacity % geo->zone_size)
		return geo->capacity % geo->zone_size;
	return geo->zone_size;
}

#define GEO_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

int zone_model_init(struct zone_model *zm, const struct zone_geometry *geo,
		    char *err, size_t errlen)
{
	struct zone_geometry g = *geo;
	unsigned int lba_sectors, nr_seq, i;
	uint64_t nr_zones;

	memset(zm, 0, sizeof(*zm));
	if (g.lba_size < SECTOR_SIZE || g.lba_size > 65536 || (g.lba_size & (g.lba_size - 1)))
		GEO_ERR("lba=%u: the logical block size must be a power of two from 512 to 65536", g.lba_size);
	lba_sectors = g.lba_size >> SECTOR_SHIFT;
	if (!g.zone_size || g.zone_size % lba_sectors)
		GEO_ERR("zone_size=%" PRIu64 " sectors: must be a non-zero multiple of the logical block size",
			g.zone_size);
	if (!g.zone_capacity)
		g.zone_capacity = g.zone_size;
	if (g.zone_capacity > g.zone_size || g.zone_capacity % lba_sectors)
		GEO_ERR("zone_cap=%" PRIu64 " sectors: must be a multiple of the logical block size and at most zone_size (%" PRIu64 ")",
			g.zone_capacity, g.zone_size);
	if (!g.capacity || g.capacity % lba_sectors)
		GEO_ERR("size=%" PRIu64 " sectors: must be a non-zero multiple of the logical block size", g.capacity);
	nr_zones = (g.capacity + g.zone_size - 1) / g.zone_size;
	if (nr_zones > 16u << 20)
		GEO_ERR("%" PRIu64 " zones: at most %u are supported", nr_zones, 16u << 20);
	/* null_blk zoned=0: a regular device; here its space is conventional zones. */
	if (g.nonzoned)
		g.nr_conv = (unsigned int)nr_zones;
	if (g.nr_conv >= nr_zones && !g.nonzoned)
		GEO_ERR("conv=%u: at least one zone must be sequential (the device has %" PRIu64 " zones)",
			g.nr_conv, nr_zones);
	if (g.capacity % g.zone_size && g.zone_capacity != g.zone_size)
		GEO_ERR("a short last zone needs zone_cap equal to zone_size (null_blk refuses it too)");

	switch (g.model) {
	case ZONE_MODEL_NULLBLK:
		if (g.zone_size & (g.zone_size - 1))
			GEO_ERR("zone_size=%" PRIu64 " sectors: null_blk zone sizes must be a power of two",
				g.zone_size);
		/* null_init_zoned_dev(): limits that cannot bind are dropped. */
		nr_seq = (unsigned int)nr_zones - g.nr_conv;
		if (g.max_active >= nr_seq)
			g.max_active = 0;
		if (g.max_active && g.max_open > g.max_active)
			g.max_open = g.max_active;
		if (g.max_open >= nr_seq)
			g.max_open = 0;
		if (g.max_append_sectors > g.zone_capacity)
			g.max_append_sectors = (unsigned int)g.zone_capacity;
		g.max_append_sectors -= g.max_append_sectors % lba_sectors;
		break;
	case ZONE_MODEL_ZNS:
		if (g.nr_conv)
			GEO_ERR("conv=%u: NVMe ZNS namespaces have no conventional zones (model=zns needs conv=0)",
				g.nr_conv);
		if (!g.max_append_sectors)
			GEO_ERR("max_append=0: NVMe ZNS always has zone append (ZASL)");
		if (g.max_active && g.max_open > g.max_active)
			GEO_ERR("max_open=%u > max_active=%u: ZNS requires MOR <= MAR", g.max_open, g.max_active);
		break;
	case ZONE_MODEL_ZBC:
		if (g.max_active)
			GEO_ERR("max_active=%u: SCSI ZBC has no active zone limit (model=zbc needs max_active=0)",
				g.max_active);
		if (g.zone_capacity != g.zone_size)
			GEO_ERR("zone_cap: SCSI ZBC zones have no capacity below their size (model=zbc needs zone_cap=zone_size)");
		g.max_append_sectors = 0;	/* sd_zbc: no native append */
		break;
	default:
		GEO_ERR("unknown personality %d", g.model);
	}

	zm->zones = calloc(nr_zones, sizeof(*zm->zones));
	zm->imp_open_seq = calloc(nr_zones, sizeof(*zm->imp_open_seq));
	if (!zm->zones || !zm->imp_open_seq) {
		zone_model_free(zm);
		GEO_ERR("out of memory for %" PRIu64 " zones", nr_zones);
	}
	zm->geo = g;
	zm->nr_zones = (unsigned int)nr_zones;
	zm->zone_shift = -1;
	if (!(g.zone_size & (g.zone_size - 1)))
		zm->zone_shift = __builtin_ctzll(g.zone_size);
	zm->imp_close_zone_no = g.nr_conv;
	for (i = 0; i < zm->nr_zones; i++) {
		struct blk_zone *z = &zm->zones[i];

		z->start = (sector_t)i * g.zone_size;
		z->len = zone_len_of(&g, i, zm->nr_zones);
		z->capacity = z->len < g.zone_capacity ? z->len : g.zone_capacity;
		if (i < g.nr_conv) {
			/* null_init_zoned_dev(): a conventional zone's capacity is its size */
			z->capacity = z->len;
			z->type = BLK_ZONE_TYPE_CONVENTIONAL;
			z->cond = BLK_ZONE_COND_NOT_WP;
			/*
			 * null_init_zoned_dev() puts a conventional zone's wp at
			 * its end; scsi_debug reports it invalid (all ones).
			 */
			z->wp = g.model == ZONE_MODEL_NULLBLK ? zone_end(z) : ZONE_WP_INVALID;
		} else {
			z->type = g.seq_pref ? BLK_ZONE_TYPE_SEQWRITE_PREF : BLK_ZONE_TYPE_SEQWRITE_REQ;
			z->cond = BLK_ZONE_COND_EMPTY;
			z->wp = z->start;
		}
	}
	return 0;
}

void zone_model_free(struct zone_model *zm)
{
	free(zm->zones);
	free(zm->imp_open_seq);
	zm->zones = NULL;
	zm->imp_open_seq = NULL;
}

#define CHECK(cond, ...) do { if (!(cond)) { snprintf(err, errlen, __VA_ARGS__); return -1; } } while (0)

int zone_model_check(const struct zone_model *zm, char *err, size_t errlen)
{
	unsigned int imp = 0, exp = 0, closed = 0, i;

	for (i = 0; i < zm->nr_zones; i++) {
		const struct blk_zone *z = &zm->zones[i];

		switch (z->cond) {
		case BLK_ZONE_COND_NOT_WP:
			CHECK(!zone_is_seq(z), "zone %u: sequential zone without a write pointer", i);
			continue;
		case BLK_ZONE_COND_READONLY:
		case BLK_ZONE_COND_OFFLINE:
			CHECK(z->wp == ZONE_WP_INVALID, "zone %u: %s with a valid wp", i, zone_cond_name(z->cond));
			continue;
		case BLK_ZONE_COND_EMPTY:
			CHECK(z->wp == z->start, "zone %u: empty with wp %" PRIu64 " != start", i, (sector_t)z->wp);
			break;
		case BLK_ZONE_COND_FULL:
			CHECK(z->wp == zone_cap_end(z) || z->wp == zone_end(z),
			      "zone %u: full with wp %" PRIu64 " at neither capacity nor end", i, (sector_t)z->wp);
			break;
		case BLK_ZONE_COND_IMP_OPEN:
			imp++;
			CHECK(z->wp < zone_cap_end(z), "zone %u: open at capacity", i);
			break;
		case BLK_ZONE_COND_EXP_OPEN:
			exp++;
			CHECK(z->wp < zone_cap_end(z), "zone %u: open at capacity", i);
			break;
		case BLK_ZONE_COND_CLOSED:
			closed++;
			CHECK(z->wp < zone_cap_end(z), "zone %u: closed at capacity", i);
			CHECK(z->wp > z->start || zm->geo.model == ZONE_MODEL_ZNS,
			      "zone %u: closed with nothing written", i);
			break;
		default:
			CHECK(0, "zone %u: unknown condition 0x%x", i, z->cond);
		}
		CHECK(zone_is_seq(z), "zone %u: conventional zone in condition %s", i, zone_cond_name(z->cond));
		CHECK(z->wp >= z->start && z->wp <= zone_end(z), "zone %u: wp %" PRIu64 " outside the zone", i, (sector_t)z->wp);
	}
	CHECK(imp == zm->nr_imp_open && exp == zm->nr_exp_open && closed == zm->nr_closed,
	      "counts imp %u exp %u closed %u, zones say %u %u %u",
	      zm->nr_imp_open, zm->nr_exp_open, zm->nr_closed, imp, exp, closed);
	CHECK(!zm->geo.max_open || imp + exp <= zm->geo.max_open,
	      "%u open zones exceed max_open %u", imp + exp, zm->geo.max_open);
	CHECK(!zm->geo.max_active || imp + exp + closed <= zm->geo.max_active,
	      "%u active zones exceed max_active %u", imp + exp + closed, zm->geo.max_active);
	return 0;
}

const char *zone_cond_abbrev(uint8_t cond)
{
	switch (cond) {
	case BLK_ZONE_COND_NOT_WP: return "nw";
	case BLK_ZONE_COND_EMPTY: return "em";
	case BLK_ZONE_COND_IMP_OPEN: return "oi";
	case BLK_ZONE_COND_EXP_OPEN: return "oe";
	case BLK_ZONE_COND_CLOSED: return "cl";
	case BLK_ZONE_COND_READONLY: return "ro";
	case BLK_ZONE_COND_FULL: return "fu";
	case BLK_ZONE_COND_OFFLINE: return "ol";
	default: return "??";
	}
}

const char *zone_cond_name(uint8_t cond)
{
	switch (cond) {
	case BLK_ZONE_COND_NOT_WP: return "not-write-pointer";
	case BLK_ZONE_COND_EMPTY: return "empty";
	case BLK_ZONE_COND_IMP_OPEN: return "implicitly open";
	case BLK_ZONE_COND_EXP_OPEN: return "explicitly open";
	case BLK_ZONE_COND_CLOSED: return "closed";
	case BLK_ZONE_COND_READONLY: return "read-only";
	case BLK_ZONE_COND_FULL: return "full";
	case BLK_ZONE_COND_OFFLINE: return "offline";
	default: return "unknown";
	}
}

const char *zone_type_name(uint8_t type)
{
	switch (type) {
	case BLK_ZONE_TYPE_CONVENTIONAL: return "CONVENTIONAL";
	case BLK_ZONE_TYPE_SEQWRITE_REQ: return "SEQ_WRITE_REQUIRED";
	case BLK_ZONE_TYPE_SEQWRITE_PREF: return "SEQ_WRITE_PREFERRED";
	default: return "UNKNOWN";
	}
}

static const char *const personality_names[] = {
	[ZONE_MODEL_NULLBLK] = "nullblk",
	[ZONE_MODEL_ZNS] = "zns",
	[ZONE_MODEL_ZBC] = "zbc",
};

const char *zone_personality_name(enum zone_personality p)
{
	return p <= ZONE_MODEL_ZBC ? personality_names[p] : "unknown";
}

int zone_personality_parse(const char *s, enum zone_personality *p)
{
	for (unsigned int i = 0; i <= ZONE_MODEL_ZBC; i++)
		if (!strcmp(s, personality_names[i])) {
			*p = (enum zone_personality)i;
			return 0;
		}
	return -EINVAL;
}

const char *req_op_name(enum req_op op)
{
	switch (op) {
	case REQ_OP_READ: return "read";
	case REQ_OP_WRITE: return "write";
	case REQ_OP_FLUSH: return "flush";
	case REQ_OP_DISCARD: return "discard";
	case REQ_OP_ZONE_APPEND: return "zone_append";
	case REQ_OP_ZONE_OPEN: return "zone_open";
	case REQ_OP_ZONE_CLOSE: return "zone_close";
	case REQ_OP_ZONE_FINISH: return "zone_finish";
	case REQ_OP_ZONE_RESET: return "zone_reset";
	case REQ_OP_ZONE_RESET_ALL: return "zone_reset_all";
	default: return "unknown";
	}
}
