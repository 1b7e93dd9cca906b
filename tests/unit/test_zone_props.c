// SPDX-License-Identifier: MIT
/*
 * Property test of the zone model: seeded random operation sequences
 * (writes at and away from the write pointer, appends, open / close /
 * finish / reset / reset all, failed I/O, reads, rare read-only and offline
 * faults) for each personality on several geometries.  After every
 * operation:
 *
 *  - zone_model_check() passes, and so does an independent check here
 *    (wp inside the zone, condition consistent with the wp, open and
 *    active counts within the limits);
 *  - a failed operation left the model byte for byte as it was, except the
 *    documented ZNS side effect: QEMU auto-closes the oldest implicitly
 *    open zone before it checks the active limit, so a failed write or open
 *    may leave that one zone CLOSED;
 *  - an append landed at the old write pointer;
 *  - the status and every zone agree with a small reference model written
 *    here from the fact sheets (zone-model.md, zone-model-observed.md),
 *    independently of sim/zone.c, including which zone an implicit open
 *    closes (null_blk round robin, ZNS FIFO, ZBC lowest).
 *
 * The generator is splitmix64 from a fixed seed: a failure prints the
 * seed, the sequence, the operation index and the last operations, and is
 * reproduced exactly by running the test again.
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

#define SEED		0x5a7e2024c0ffee01ull
#define NR_SEQUENCES	200
#define NR_OPS		500
#define MAX_ZONES	16
#define HISTORY		12

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return (unsigned int)(splitmix64(s) % n);
}

/* ---- geometries: 4 KiB blocks (8 sectors), small zones so they fill ---- */

struct pgeo {
	const char *name;
	struct zone_geometry geo;
};

/* Rows override the defaults G() sets. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define G(P, NZ, ZSZ, CAP, CONV, OPEN, ACT, APP, ...) \
	{ .model = P, .capacity = (sector_t)(NZ) * (ZSZ), .zone_size = ZSZ, .zone_capacity = CAP, \
	  .nr_conv = CONV, .lba_size = 4096, .max_open = OPEN, .max_active = ACT, \
	  .max_append_sectors = APP, ##__VA_ARGS__ }

static const struct pgeo geos[] = {
	{ "nullblk, 2 conventional, no limits", G(NB, 8, 256, 256, 2, 0, 0, 128) },
	{ "nullblk, open 2 active 3, capacity < size", G(NB, 8, 256, 192, 1, 2, 3, 64) },
	{ "nullblk, open 3, no active limit", G(NB, 8, 256, 256, 0, 3, 0, 256) },
	{ "nullblk, active 2 only, capacity < size", G(NB, 8, 256, 192, 1, 0, 2, 64) },
	{ "nullblk, open 2 = active 2, short last zone, no native append",
	  G(NB, 8, 256, 256, 1, 2, 2, 0, .capacity = 7 * 256 + 128) },
	{ "zns, no limits", G(ZNS, 8, 256, 256, 0, 0, 0, 128) },
	{ "zns, open 2 active 3, capacity < size", G(ZNS, 8, 256, 192, 0, 2, 3, 64) },
	{ "zns, open 2 = active 2, capacity < size", G(ZNS, 8, 256, 192, 0, 2, 2, 256) },
	{ "zns, open 3, no active limit", G(ZNS, 8, 256, 256, 0, 3, 0, 64) },
	{ "zns, active 2 only, 384-sector zones (not a power of two)", G(ZNS, 8, 384, 320, 0, 0, 2, 128) },
	{ "zbc, 1 conventional, no limits", G(ZBC, 8, 256, 256, 1, 0, 0, 0) },
	{ "zbc, 2 conventional, open 2", G(ZBC, 8, 256, 256, 2, 2, 0, 0) },
	{ "zbc, open 1, 384-sector zones, short last zone",
	  G(ZBC, 8, 384, 384, 1, 1, 0, 0, .capacity = 7 * 384 + 128) },
};

#define NR_GEOS (sizeof(geos) / sizeof(geos[0]))

/* ---- the reference model ---- */

struct rzone {
	sector_t start, len, cap, wp;
	uint8_t cond;
	bool conv;
	uint64_t seq;		/* ZNS: when it last became implicitly open */
};

struct ref {
	enum zone_personality p;
	struct zone_geometry geo;	/* after the personality's clamps */
	unsigned int nr_zones, cursor;
	uint64_t clock;
	struct rzone z[MAX_ZONES];
};

static void ref_init(struct ref *r, const struct zone_model *zm)
{
	memset(r, 0, sizeof(*r));
	r->p = zm->geo.model;
	r->geo = zm->geo;
	r->nr_zones = zm->nr_zones;
	r->cursor = r->geo.nr_conv;
	for (unsigned int i = 0; i < r->nr_zones; i++) {
		struct rzone *z = &r->z[i];

		z->start = (sector_t)i * r->geo.zone_size;
		z->len = r->geo.zone_size;
		if (z->start + z->len > r->geo.capacity)
			z->len = r->geo.capacity - z->start;
		z->cap = z->len < r->geo.zone_capacity ? z->len : r->geo.zone_capacity;
		z->conv = i < r->geo.nr_conv;
		if (z->conv) {
			z->cond = BLK_ZONE_COND_NOT_WP;
			z->wp = r->p == NB ? z->start + z->len : ZONE_WP_INVALID;
		} else {
			z->cond = BLK_ZONE_COND_EMPTY;
			z->wp = z->start;
		}
	}
}

static unsigned int ref_count(const struct ref *r, uint8_t cond)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->nr_zones; i++)
		n += r->z[i].cond == cond;
	return n;
}

static unsigned int ref_open(const struct ref *r)
{
	return ref_count(r, BLK_ZONE_COND_IMP_OPEN) + ref_count(r, BLK_ZONE_COND_EXP_OPEN);
}

static unsigned int ref_active(const struct ref *r)
{
	return ref_open(r) + ref_count(r, BLK_ZONE_COND_CLOSED);
}

static void ref_set(struct ref *r, struct rzone *z, uint8_t cond)
{
	if (cond == BLK_ZONE_COND_IMP_OPEN && z->cond != BLK_ZONE_COND_IMP_OPEN)
		z->seq = ++r->clock;
	z->cond = cond;
}

/* Close: null_blk and ZBC return an unwritten zone to EMPTY; ZNS always CLOSED. */
static void ref_close(struct ref *r, struct rzone *z)
{
	ref_set(r, z, r->p != ZNS && z->wp == z->start ? BLK_ZONE_COND_EMPTY : BLK_ZONE_COND_CLOSED);
}

/* The implicitly open zone each personality closes to make room. */
static struct rzone *ref_victim(struct ref *r)
{
	unsigned int first = r->geo.nr_conv, i, zno;
	struct rzone *v = NULL;

	switch (r->p) {
	case NB:	/* round robin from the zone after the previous victim */
		zno = r->cursor < r->nr_zones ? r->cursor : first;
		for (i = first; i < r->nr_zones; i++) {
			struct rzone *z = &r->z[zno];

			zno = zno + 1 < r->nr_zones ? zno + 1 : first;
			if (z->cond == BLK_ZONE_COND_IMP_OPEN) {
				r->cursor = zno;
				return z;
			}
		}
		return NULL;
	case ZNS:	/* FIFO */
		for (i = first; i < r->nr_zones; i++)
			if (r->z[i].cond == BLK_ZONE_COND_IMP_OPEN && (!v || r->z[i].seq < v->seq))
				v = &r->z[i];
		return v;
	default:	/* lowest zone number */
		for (i = first; i < r->nr_zones; i++)
			if (r->z[i].cond == BLK_ZONE_COND_IMP_OPEN)
				return &r->z[i];
		return NULL;
	}
}

/* Resources to open @z (EMPTY or CLOSED): OK, or the failing status. */
static blk_status_t ref_resources(struct ref *r, struct rzone *z)
{
	unsigned int mo = r->geo.max_open, ma = r->geo.max_active;
	bool empty = z->cond == BLK_ZONE_COND_EMPTY;

	switch (r->p) {
	case NB:
		if (empty && ma && ref_active(r) >= ma)
			return BLK_STS_ZONE_ACTIVE_RESOURCE;
		if (!mo || ref_open(r) < mo)
			return BLK_STS_OK;
		if (ref_count(r, BLK_ZONE_COND_IMP_OPEN) && (!ma || ref_active(r) < ma)) {
			ref_close(r, ref_victim(r));
			return BLK_STS_OK;
		}
		return BLK_STS_ZONE_OPEN_RESOURCE;
	case ZNS:
		if (mo && ref_open(r) == mo && ref_count(r, BLK_ZONE_COND_IMP_OPEN))
			ref_close(r, ref_victim(r));
		if (ma && ref_active(r) + empty > ma)
			return BLK_STS_ZONE_ACTIVE_RESOURCE;
		if (mo && ref_open(r) + 1 > mo)
			return BLK_STS_ZONE_OPEN_RESOURCE;
		return BLK_STS_OK;
	default:
		if (!mo)
			return BLK_STS_OK;
		if (ref_count(r, BLK_ZONE_COND_EXP_OPEN) >= mo)
			return BLK_STS_ZONE_OPEN_RESOURCE;
		if (ref_open(r) >= mo)
			ref_close(r, ref_victim(r));
		return BLK_STS_OK;
	}
}

/* Statuses by error class, per personality. */
static blk_status_t st_place(const struct ref *r)	/* misplaced, full, past the capacity */
{
	return r->p == ZBC ? BLK_STS_TARGET : BLK_STS_IOERR;
}

static blk_status_t st_range(const struct ref *r)
{
	return r->p == ZNS ? BLK_STS_NOSPC : r->p == ZBC ? BLK_STS_TARGET : BLK_STS_IOERR;
}

static blk_status_t st_conv_mgmt(const struct ref *r)
{
	return r->p == ZBC ? BLK_STS_TARGET : r->p == ZNS ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
}

/* Read-only and offline zones: DATA PROTECT is a target failure for SCSI (scsi_check_sense()). */
static blk_status_t st_ro_off(const struct ref *r)
{
	return r->p == ZBC ? BLK_STS_TARGET : BLK_STS_IOERR;
}

static bool ref_ro_off(const struct rzone *z)
{
	return z->cond == BLK_ZONE_COND_READONLY || z->cond == BLK_ZONE_COND_OFFLINE;
}

/*
 * Write or append: the status, and on success where it lands.  Applies the
 * implicit open (and any implicit close); the wp moves in ref_complete().
 */
static blk_status_t ref_write(struct ref *r, bool append, sector_t sector, unsigned int n,
			      sector_t *at)
{
	unsigned int lba = r->geo.lba_size >> SECTOR_SHIFT;
	struct rzone *z, *last;
	blk_status_t sts;

	if (!n || (sector | n) % lba)
		return BLK_STS_INVAL;
	if (sector >= r->geo.capacity || n > r->geo.capacity - sector)
		return st_range(r);
	z = &r->z[sector / r->geo.zone_size];
	if (z->conv) {
		if (append)
			return r->p == ZBC ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
		last = &r->z[(sector + n - 1) / r->geo.zone_size];
		if (!last->conv)
			return st_place(r);
		*at = sector;
		return BLK_STS_OK;
	}
	if (append) {
		if (!r->geo.max_append_sectors || sector != z->start || n > r->geo.max_append_sectors)
			return r->p == NB ? BLK_STS_IOERR : BLK_STS_NOTSUPP;
	}
	if (r->p != NB && ref_ro_off(z))
		return st_ro_off(r);
	if (r->p == ZBC && sector + n > z->start + z->len)
		return BLK_STS_TARGET;
	if (r->p != NB && z->cond == BLK_ZONE_COND_FULL)
		return st_place(r);
	if (append)
		sector = z->wp;
	if (ref_ro_off(z) || z->cond == BLK_ZONE_COND_FULL || sector != z->wp ||
	    sector + n > z->start + z->cap)
		return st_place(r);
	if (z->cond == BLK_ZONE_COND_EMPTY || z->cond == BLK_ZONE_COND_CLOSED) {
		sts = ref_resources(r, z);
		if (sts)
			return sts;
		ref_set(r, z, BLK_ZONE_COND_IMP_OPEN);
	}
	*at = sector;
	return BLK_STS_OK;
}

static void ref_complete(struct ref *r, sector_t sector, unsigned int n)
{
	struct rzone *z = &r->z[sector / r->geo.zone_size];

	if (z->conv)
		return;
	z->wp = sector + n;
	if (z->wp == z->start + z->cap) {
		ref_set(r, z, BLK_ZONE_COND_FULL);
		/* null_blk leaves wp at the capacity; the nvme driver and sd report the size */
		z->wp = r->p == NB ? z->start + z->cap : z->start + z->len;
	}
}

static blk_status_t ref_mgmt(struct ref *r, enum req_op op, sector_t sector)
{
	struct rzone *z;
	blk_status_t sts;

	if (op == REQ_OP_ZONE_RESET_ALL) {
		for (unsigned int i = 0; i < r->nr_zones; i++)
			if (!r->z[i].conv && !ref_ro_off(&r->z[i])) {
				ref_set(r, &r->z[i], BLK_ZONE_COND_EMPTY);
				r->z[i].wp = r->z[i].start;
			}
		return BLK_STS_OK;
	}
	if (sector >= r->geo.capacity)
		return st_range(r);
	z = &r->z[sector / r->geo.zone_size];
	if (z->conv)
		return st_conv_mgmt(r);
	if (ref_ro_off(z))
		return st_ro_off(r);
	switch (op) {
	case REQ_OP_ZONE_OPEN:
		switch (z->cond) {
		case BLK_ZONE_COND_EXP_OPEN:
			return BLK_STS_OK;
		case BLK_ZONE_COND_FULL:
			return r->p == ZBC ? BLK_STS_OK : BLK_STS_IOERR;
		case BLK_ZONE_COND_EMPTY:
		case BLK_ZONE_COND_CLOSED:
			sts = ref_resources(r, z);
			if (sts)
				return sts;
			break;
		default:
			break;
		}
		ref_set(r, z, BLK_ZONE_COND_EXP_OPEN);
		return BLK_STS_OK;
	case REQ_OP_ZONE_CLOSE:
		switch (z->cond) {
		case BLK_ZONE_COND_IMP_OPEN:
		case BLK_ZONE_COND_EXP_OPEN:
			ref_close(r, z);
			return BLK_STS_OK;
		case BLK_ZONE_COND_CLOSED:
			return BLK_STS_OK;
		default:	/* EMPTY, FULL */
			return r->p == ZBC ? BLK_STS_OK : BLK_STS_IOERR;
		}
	case REQ_OP_ZONE_FINISH:
		if (z->cond == BLK_ZONE_COND_FULL)
			return BLK_STS_OK;
		if (r->p == NB && (z->cond == BLK_ZONE_COND_EMPTY || z->cond == BLK_ZONE_COND_CLOSED)) {
			sts = ref_resources(r, z);
			if (sts)
				return sts;
		}
		ref_set(r, z, BLK_ZONE_COND_FULL);
		z->wp = z->start + z->len;
		return BLK_STS_OK;
	default:	/* RESET */
		ref_set(r, z, BLK_ZONE_COND_EMPTY);
		z->wp = z->start;
		return BLK_STS_OK;
	}
}

static blk_status_t ref_set_cond(struct ref *r, unsigned int zno, uint8_t cond)
{
	struct rzone *z = &r->z[zno];

	if (z->conv)
		return r->p == ZBC ? BLK_STS_TARGET : r->p == ZNS ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
	if (z->cond == cond) {
		z->cond = BLK_ZONE_COND_EMPTY;
		z->wp = z->start;
	} else {
		z->cond = cond;
		z->wp = ZONE_WP_INVALID;
	}
	return BLK_STS_OK;
}

static blk_status_t ref_read(const struct ref *r, sector_t sector, unsigned int n)
{
	unsigned int lba = r->geo.lba_size >> SECTOR_SHIFT, first, last;

	if (!n || (sector | n) % lba)
		return BLK_STS_INVAL;
	if (sector >= r->geo.capacity || n > r->geo.capacity - sector)
		return st_range(r);
	first = (unsigned int)(sector / r->geo.zone_size);
	last = (unsigned int)((sector + n - 1) / r->geo.zone_size);
	for (unsigned int i = first; i <= last; i++)
		if (r->z[i].cond == BLK_ZONE_COND_OFFLINE)
			return st_ro_off(r);
	if (r->p == ZNS && first != last)
		return BLK_STS_IOERR;
	return BLK_STS_OK;
}

/* ---- the run ---- */

struct snap {
	unsigned int nr_zones;
	struct blk_zone zones[MAX_ZONES];
	uint64_t seq[MAX_ZONES];
	unsigned int nr_imp_open, nr_exp_open, nr_closed, cursor;
	uint64_t clock;
};

static void take_snap(const struct zone_model *zm, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->nr_zones = zm->nr_zones;
	for (unsigned int i = 0; i < zm->nr_zones; i++) {
		s->zones[i].start = zm->zones[i].start;
		s->zones[i].len = zm->zones[i].len;
		s->zones[i].wp = zm->zones[i].wp;
		s->zones[i].capacity = zm->zones[i].capacity;
		s->zones[i].type = zm->zones[i].type;
		s->zones[i].cond = zm->zones[i].cond;
		s->seq[i] = zm->imp_open_seq[i];
	}
	s->nr_imp_open = zm->nr_imp_open;
	s->nr_exp_open = zm->nr_exp_open;
	s->nr_closed = zm->nr_closed;
	s->cursor = zm->imp_close_zone_no;
	s->clock = zm->imp_open_clock;
}

/* What the sequences exercised, printed per geometry. */
struct stats {
	unsigned long ok, appends, imp_closes, auto_close_failures;
	unsigned long fail[BLK_STS_INVAL + 1];
};

struct run {
	struct stats stats;
	const struct pgeo *pg;
	uint64_t seed;
	unsigned int seq, op;
	char hist[HISTORY][160];
	struct zone_model zm;
	struct ref ref;
};

static void print_history(const struct run *run)
{
	unsigned int first = run->op + 1 > HISTORY ? run->op + 1 - HISTORY : 0;

	for (unsigned int i = first; i <= run->op; i++)
		print_error("    op %u: %s\n", i, run->hist[i % HISTORY]);
}

#define RUN_FAIL(run, fmt, ...) do { \
	print_error("geometry \"%s\", seed 0x%016" PRIx64 ", sequence %u, op %u:\n", \
		    (run)->pg->name, (run)->seed, (run)->seq, (run)->op); \
	print_history(run); \
	fail_msg("  " fmt, ##__VA_ARGS__); \
} while (0)

/* Independent invariants, on top of zone_model_check(). */
static void check_invariants(struct run *run)
{
	const struct zone_model *zm = &run->zm;
	unsigned int imp = 0, exp = 0, closed = 0;
	char err[256];

	if (zone_model_check(zm, err, sizeof(err)))
		RUN_FAIL(run, "zone_model_check: %s", err);
	for (unsigned int i = 0; i < zm->nr_zones; i++) {
		const struct blk_zone *z = &zm->zones[i];
		sector_t cap_end = z->start + z->capacity, end = z->start + z->len;

		if (z->type == BLK_ZONE_TYPE_CONVENTIONAL) {
			if (z->cond != BLK_ZONE_COND_NOT_WP)
				RUN_FAIL(run, "conventional zone %u in condition %s", i, zone_cond_name(z->cond));
			continue;
		}
		switch (z->cond) {
		case BLK_ZONE_COND_READONLY:
		case BLK_ZONE_COND_OFFLINE:
			if (z->wp != ZONE_WP_INVALID)
				RUN_FAIL(run, "zone %u %s with wp %" PRIu64, i, zone_cond_name(z->cond), (uint64_t)z->wp);
			continue;
		case BLK_ZONE_COND_EMPTY:
			if (z->wp != z->start)
				RUN_FAIL(run, "empty zone %u with wp %" PRIu64, i, (uint64_t)z->wp);
			break;
		case BLK_ZONE_COND_FULL:
			if (z->wp != end && !(zm->geo.model == NB && z->wp == cap_end))
				RUN_FAIL(run, "full zone %u with wp %" PRIu64, i, (uint64_t)z->wp);
			break;
		case BLK_ZONE_COND_IMP_OPEN:
		case BLK_ZONE_COND_EXP_OPEN:
		case BLK_ZONE_COND_CLOSED:
			imp += z->cond == BLK_ZONE_COND_IMP_OPEN;
			exp += z->cond == BLK_ZONE_COND_EXP_OPEN;
			closed += z->cond == BLK_ZONE_COND_CLOSED;
			if (z->wp < z->start || z->wp >= cap_end)
				RUN_FAIL(run, "%s zone %u with wp %" PRIu64 " outside [%" PRIu64 ", %" PRIu64 ")",
					 zone_cond_name(z->cond), i, (uint64_t)z->wp, (uint64_t)z->start, (uint64_t)cap_end);
			if (z->cond == BLK_ZONE_COND_CLOSED && z->wp == z->start && zm->geo.model != ZNS)
				RUN_FAIL(run, "closed zone %u with nothing written", i);
			break;
		default:
			RUN_FAIL(run, "sequential zone %u in condition 0x%x", i, z->cond);
		}
	}
	if (zm->geo.max_open && imp + exp > zm->geo.max_open)
		RUN_FAIL(run, "%u open zones, max_open %u", imp + exp, zm->geo.max_open);
	if (zm->geo.max_active && imp + exp + closed > zm->geo.max_active)
		RUN_FAIL(run, "%u active zones, max_active %u", imp + exp + closed, zm->geo.max_active);
}

/*
 * A failed command changes nothing, with one documented exception: ZNS
 * (nvme_zrm_open_flags() with auto transition) closes the oldest
 * implicitly open zone when the open slots are full, before it checks the
 * active limit.  Only a Too Many Active failure can follow that close: after
 * it an open slot is free, so the open check passes.
 */
static void check_failure_unchanged(struct run *run, const struct snap *a, const struct snap *b,
				    blk_status_t sts)
{
	const struct zone_model *zm = &run->zm;
	int changed = -1;

	for (unsigned int i = 0; i < a->nr_zones; i++) {
		const struct blk_zone *x = &a->zones[i], *y = &b->zones[i];

		if (x->start == y->start && x->len == y->len && x->wp == y->wp &&
		    x->capacity == y->capacity && x->type == y->type && x->cond == y->cond &&
		    a->seq[i] == b->seq[i])
			continue;
		if (changed >= 0 || zm->geo.model != ZNS || sts != BLK_STS_ZONE_ACTIVE_RESOURCE)
			RUN_FAIL(run, "failed command (%s) changed zone %u: %s wp %" PRIu64 " -> %s wp %" PRIu64,
				 blk_status_name(sts), i, zone_cond_name(x->cond), (uint64_t)x->wp,
				 zone_cond_name(y->cond), (uint64_t)y->wp);
		changed = (int)i;
	}
	if (changed < 0) {
		if (a->nr_imp_open != b->nr_imp_open || a->nr_exp_open != b->nr_exp_open ||
		    a->nr_closed != b->nr_closed || a->cursor != b->cursor || a->clock != b->clock)
			RUN_FAIL(run, "failed command changed the counters or the cursor");
		return;
	}

	/* The ZNS auto-close: the oldest implicitly open zone, now CLOSED, wp kept. */
	{
		const struct blk_zone *x = &a->zones[changed], *y = &b->zones[changed];
		uint64_t oldest = UINT64_MAX;

		for (unsigned int i = 0; i < a->nr_zones; i++)
			if (a->zones[i].cond == BLK_ZONE_COND_IMP_OPEN && a->seq[i] < oldest)
				oldest = a->seq[i];
		if (x->cond != BLK_ZONE_COND_IMP_OPEN || y->cond != BLK_ZONE_COND_CLOSED ||
		    x->wp != y->wp || a->seq[changed] != oldest)
			RUN_FAIL(run, "failed ZNS command changed zone %u (%s -> %s), which is not the auto-close of the oldest implicitly open zone",
				 changed, zone_cond_name(x->cond), zone_cond_name(y->cond));
		if (a->nr_imp_open + a->nr_exp_open != zm->geo.max_open)
			RUN_FAIL(run, "failed ZNS command auto-closed zone %u with open slots free", changed);
		if (b->nr_imp_open != a->nr_imp_open - 1 || b->nr_closed != a->nr_closed + 1 ||
		    b->nr_exp_open != a->nr_exp_open)
			RUN_FAIL(run, "auto-close counted wrong");
	}
}

static void count_failure(struct run *run, const struct snap *a, const struct snap *b,
			  blk_status_t sts)
{
	if (sts <= BLK_STS_INVAL)
		run->stats.fail[sts]++;
	if (a->nr_closed != b->nr_closed)
		run->stats.auto_close_failures++;
}

static void check_against_ref(struct run *run)
{
	const struct zone_model *zm = &run->zm;
	const struct ref *r = &run->ref;

	for (unsigned int i = 0; i < zm->nr_zones; i++) {
		const struct blk_zone *z = &zm->zones[i];
		const struct rzone *e = &r->z[i];

		if (z->cond != e->cond || z->wp != e->wp)
			RUN_FAIL(run, "zone %u is %s wp %" PRIu64 "; the reference model says %s wp %" PRIu64,
				 i, zone_cond_name(z->cond), (uint64_t)z->wp, zone_cond_name(e->cond), (uint64_t)e->wp);
	}
	if (zm->geo.model == NB && zm->geo.max_open && zm->imp_close_zone_no != r->cursor &&
	    !(zm->imp_close_zone_no >= zm->nr_zones && r->cursor == zm->geo.nr_conv))
		RUN_FAIL(run, "null_blk implicit-close cursor %u, reference %u",
			 zm->imp_close_zone_no, r->cursor);
}

/* A sequential zone mostly; now and then any zone, conventional ones included. */
static unsigned int pick_zone(uint64_t *s, const struct zone_model *zm)
{
	unsigned int nseq = zm->nr_zones - zm->geo.nr_conv;

	if (below(s, 20) == 0)
		return below(s, zm->nr_zones);
	return zm->geo.nr_conv + below(s, nseq);
}

/* A write size in sectors: mostly small, sometimes exactly to the capacity, sometimes past it. */
static unsigned int pick_len(uint64_t *s, const struct blk_zone *z, sector_t from, unsigned int lba)
{
	sector_t room = z->start + z->capacity > from ? z->start + z->capacity - from : 0;

	switch (below(s, 20)) {
	case 0:
		if (room)
			return (unsigned int)room;
		break;
	case 1:
		return (unsigned int)room + lba * (1 + below(s, 4));
	case 2:
		return 1 + below(s, 2 * lba);	/* often not block aligned */
	default:
		break;
	}
	return lba * (1 + below(s, 12));
}

static void one_op(struct run *run, uint64_t *s)
{
	struct zone_model *zm = &run->zm;
	struct ref *r = &run->ref;
	unsigned int lba = zm->geo.lba_size >> SECTOR_SHIFT;
	unsigned int zno = pick_zone(s, zm), n, kind = below(s, 100);
	const struct blk_zone *z = &zm->zones[zno];
	struct zone_result res;
	struct snap before, after;
	blk_status_t sts, want = BLK_STS_OK;
	sector_t sector = z->start, at = 0, old_wp = 0;
	char *h = run->hist[run->op % HISTORY];
	bool is_write = false, append = false, complete = true;
	enum req_op op = REQ_OP_WRITE;

	take_snap(zm, &before);
	memset(&res, 0xa5, sizeof(res));

	if (kind < 40) {		/* write at the wp (the zone start if the wp is not inside) */
		is_write = true;
		if (z->wp >= z->start && z->wp < z->start + z->len)
			sector = z->wp;
		n = pick_len(s, z, sector, lba);
	} else if (kind < 48) {		/* write anywhere in the zone, on a block */
		is_write = true;
		sector = z->start + (sector_t)lba * below(s, (unsigned int)(z->len / lba));
		n = pick_len(s, z, sector, lba);
	} else if (kind < 58) {		/* append */
		is_write = append = true;
		op = REQ_OP_ZONE_APPEND;
		if (below(s, 20) == 0)
			sector += lba * (1 + below(s, 3));
		n = below(s, 20) == 0 ? zm->geo.max_append_sectors + lba : pick_len(s, z, z->wp, lba);
	} else if (kind < 95) {
		n = 0;
		if (kind < 66)
			op = REQ_OP_ZONE_OPEN;
		else if (kind < 73)
			op = REQ_OP_ZONE_CLOSE;
		else if (kind < 79)
			op = REQ_OP_ZONE_FINISH;
		else if (kind < 86)
			op = REQ_OP_ZONE_RESET;
		else if (kind < 88)
			op = REQ_OP_ZONE_RESET_ALL;
		else if (kind < 90)
			op = REQ_OP_READ;	/* stands for a fault: read-only / offline below */
		else {				/* a write whose I/O fails after prepare */
			is_write = true;
			complete = false;
			if (z->wp >= z->start && z->wp < z->start + z->len)
				sector = z->wp;
			n = pick_len(s, z, sector, lba);
		}
	} else {			/* read */
		op = REQ_OP_READ;
		sector = z->start + (sector_t)lba * below(s, (unsigned int)(z->len / lba));
		n = lba * (1 + below(s, 8));
	}

	if (is_write) {
		snprintf(h, 160, "%s%s zone %u sector %" PRIu64 " +%u (zone %s wp %" PRIu64 ")",
			 complete ? "" : "failed-I/O ", append ? "append" : "write", zno, (uint64_t)sector, n,
			 zone_cond_name(z->cond), (uint64_t)z->wp);
		old_wp = z->wp;
		want = ref_write(r, append, sector, n, &at);
		sts = zone_write_prepare(zm, op, sector, n, &res);
	} else if (op == REQ_OP_READ && kind >= 88 && kind < 90) {
		uint8_t cond = kind == 88 ? BLK_ZONE_COND_READONLY : BLK_ZONE_COND_OFFLINE;

		/* faults are rare: most draws do nothing */
		if (below(s, 4)) {
			snprintf(h, 160, "nothing");
			return;
		}
		snprintf(h, 160, "set zone %u %s (zone %s)", zno, zone_cond_name(cond), zone_cond_name(z->cond));
		want = ref_set_cond(r, zno, cond);
		sts = zone_set_cond(zm, zno, cond, &res);
	} else if (op == REQ_OP_READ) {
		snprintf(h, 160, "read sector %" PRIu64 " +%u", (uint64_t)sector, n);
		want = ref_read(r, sector, n);
		sts = zone_read_check(zm, sector, n, &res);
	} else {
		snprintf(h, 160, "%s zone %u (zone %s wp %" PRIu64 ")", req_op_name(op), zno,
			 zone_cond_name(z->cond), (uint64_t)z->wp);
		want = ref_mgmt(r, op, z->start);
		sts = zone_mgmt(zm, op, z->start, &res);
	}
	take_snap(zm, &after);

	if (sts != res.status)
		RUN_FAIL(run, "returned %s but res.status is %s", blk_status_name(sts), blk_status_name(res.status));
	if (sts != want)
		RUN_FAIL(run, "%s (%s); the reference model says %s", blk_status_name(sts),
			 sts ? res.reason : "no reason", blk_status_name(want));
	if (sts) {
		if (!res.reason[0] || !memchr(res.reason, '\0', sizeof(res.reason)))
			RUN_FAIL(run, "failure without a reason");
		check_failure_unchanged(run, &before, &after, sts);
		count_failure(run, &before, &after, sts);
	} else if (res.reason[0]) {
		RUN_FAIL(run, "success with a reason: %s", res.reason);
	} else {
		run->stats.ok++;
		for (unsigned int i = 0; i < zm->nr_zones; i++)
			if (i != zno && op != REQ_OP_ZONE_RESET_ALL && kind != 88 && kind != 89 &&
			    before.zones[i].cond == BLK_ZONE_COND_IMP_OPEN &&
			    after.zones[i].cond != BLK_ZONE_COND_IMP_OPEN)
				run->stats.imp_closes++;
	}
	if (is_write && !sts && complete) {
		if (append && res.sector != old_wp)
			RUN_FAIL(run, "append landed at %" PRIu64 ", the old wp was %" PRIu64,
				 (uint64_t)res.sector, (uint64_t)old_wp);
		if (res.sector != at)
			RUN_FAIL(run, "write landed at %" PRIu64 ", expected %" PRIu64,
				 (uint64_t)res.sector, (uint64_t)at);
		run->stats.appends += append;
		zone_write_complete(zm, res.sector, n);
		ref_complete(r, at, n);
	}
	check_invariants(run);
	check_against_ref(run);
}

/* File scope, so the teardown can free the model when a sequence fails. */
static struct run run;

static void run_geometry(void **state)
{
	const struct pgeo *pg = *state;
	char err[256];

	memset(&run, 0, sizeof(run));
	run.pg = pg;
	for (run.seq = 0; run.seq < NR_SEQUENCES; run.seq++) {
		uint64_t s;

		run.seed = SEED ^ ((uint64_t)(pg - geos) << 32) ^ run.seq;
		s = run.seed;
		run.op = 0;
		if (zone_model_init(&run.zm, &pg->geo, err, sizeof(err)))
			fail_msg("geometry \"%s\": zone_model_init: %s", pg->name, err);
		if (run.zm.nr_zones > MAX_ZONES)
			fail_msg("geometry \"%s\": too many zones for the test", pg->name);
		ref_init(&run.ref, &run.zm);
		check_against_ref(&run);
		for (run.op = 0; run.op < NR_OPS; run.op++)
			one_op(&run, &s);
		zone_model_free(&run.zm);
	}
	print_message("  %s: %lu ok (%lu appends, %lu implicit closes); failed: %lu IOERR, %lu TARGET, "
		      "%lu NOTSUPP, %lu NOSPC, %lu INVAL, %lu OPEN_RESOURCE, %lu ACTIVE_RESOURCE "
		      "(%lu after a ZNS auto-close)\n",
		      pg->name, run.stats.ok, run.stats.appends, run.stats.imp_closes,
		      run.stats.fail[BLK_STS_IOERR], run.stats.fail[BLK_STS_TARGET],
		      run.stats.fail[BLK_STS_NOTSUPP], run.stats.fail[BLK_STS_NOSPC],
		      run.stats.fail[BLK_STS_INVAL], run.stats.fail[BLK_STS_ZONE_OPEN_RESOURCE],
		      run.stats.fail[BLK_STS_ZONE_ACTIVE_RESOURCE], run.stats.auto_close_failures);
}

static int geo_teardown(void **state)
{
	(void)state;
	zone_model_free(&run.zm);
	return 0;
}

int main(void)
{
	static struct CMUnitTest tests[NR_GEOS];

	for (unsigned int i = 0; i < NR_GEOS; i++)
		tests[i] = (struct CMUnitTest){
			.name = geos[i].name,
			.test_func = run_geometry,
			.teardown_func = geo_teardown,
			.initial_state = (void *)&geos[i],
		};
	return _cmocka_run_group_tests("zone_props", tests, NR_GEOS, NULL, NULL) ? 1 : 0;
}
