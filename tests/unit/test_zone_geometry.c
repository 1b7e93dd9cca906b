// SPDX-License-Identifier: MIT
/*
 * zone_model_init(): which geometries each personality accepts, the limits
 * null_blk drops because they cannot bind (null_init_zoned_dev()), and the
 * zones it lays out (short last zone, capacities, conventional zones first).
 * One table row per geometry; a failing row prints its name.
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
#include <string.h>

#include "zone.h"

#define NB	ZONE_MODEL_NULLBLK
#define ZNS	ZONE_MODEL_ZNS
#define ZBC	ZONE_MODEL_ZBC

#define ZS	2048		/* 1 MiB zones */

/* Rows override the defaults GEO() sets. */
#pragma GCC diagnostic ignored "-Woverride-init"

struct gcase {
	const char *name;
	struct zone_geometry geo;
	const char *refused;	/* NULL: accepted; else text the message must contain */
	unsigned int nr_zones;
	sector_t last_len;	/* 0: zone_size */
	sector_t zone_capacity;	/* after defaults; 0: zone_size */
	unsigned int max_open, max_active, max_append;
	int zone_shift;		/* -2: don't check */
};

#define GEO(P, ZONES, CONV, ...) \
	{ .model = P, .capacity = (sector_t)(ZONES) * ZS, .zone_size = ZS, \
	  .nr_conv = CONV, .lba_size = 4096, .max_append_sectors = 1024, __VA_ARGS__ }

static const struct gcase cases[] = {
	/* ---- accepted as given ---- */
	{ "nullblk: 8 zones, 1 conventional, no limits", GEO(NB, 8, 1),
	  .nr_zones = 8, .max_append = 1024, .zone_shift = 11 },
	{ "zns: 8 zones, max_open 2, max_active 3", GEO(ZNS, 8, 0, .max_open = 2, .max_active = 3),
	  .nr_zones = 8, .max_open = 2, .max_active = 3, .max_append = 1024, .zone_shift = 11 },
	{ "zbc: 8 zones, 2 conventional, max_open 3", GEO(ZBC, 8, 2, .max_open = 3),
	  .nr_zones = 8, .max_open = 3, .zone_shift = 11 },
	{ "nullblk: zone capacity 0 means the zone size", GEO(NB, 8, 0, .zone_capacity = 0),
	  .nr_zones = 8, .zone_capacity = ZS, .max_append = 1024, .zone_shift = 11 },
	{ "zns: zone capacity below the zone size", GEO(ZNS, 8, 0, .zone_capacity = 1536),
	  .nr_zones = 8, .zone_capacity = 1536, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: zone capacity below the zone size", GEO(NB, 8, 0, .zone_capacity = 1536),
	  .nr_zones = 8, .zone_capacity = 1536, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: 512-byte blocks", GEO(NB, 4, 0, .lba_size = 512),
	  .nr_zones = 4, .max_append = 1024, .zone_shift = 11 },
	{ "zbc: 64 KiB blocks", GEO(ZBC, 4, 0, .lba_size = 65536),
	  .nr_zones = 4, .zone_shift = 11 },

	/* ---- short last zone ---- */
	{ "nullblk: short last zone", GEO(NB, 8, 1, .capacity = 8 * ZS + 1024),
	  .nr_zones = 9, .last_len = 1024, .max_append = 1024, .zone_shift = 11 },
	{ "zns: short last zone", GEO(ZNS, 8, 0, .capacity = 8 * ZS + 512),
	  .nr_zones = 9, .last_len = 512, .max_append = 1024, .zone_shift = 11 },
	{ "zbc: short last zone", GEO(ZBC, 8, 1, .capacity = 8 * ZS + 8),
	  .nr_zones = 9, .last_len = 8, .zone_shift = 11 },
	{ "nullblk: short last zone with capacity < size is refused",
	  GEO(NB, 8, 0, .capacity = 8 * ZS + 1024, .zone_capacity = 1536), .refused = "short last zone" },
	{ "zns: short last zone with capacity < size is refused",
	  GEO(ZNS, 8, 0, .capacity = 8 * ZS + 1024, .zone_capacity = 1536), .refused = "short last zone" },
	{ "nullblk: a device smaller than one zone is one short zone", GEO(NB, 0, 0, .capacity = 1024),
	  .nr_zones = 1, .last_len = 1024, .max_append = 1024, .zone_shift = 11 },
	{ "zbc: one short zone, conventional: no sequential zone left", GEO(ZBC, 0, 1, .capacity = 1024),
	  .refused = "at least one zone must be sequential" },

	/* ---- zone sizes that are not a power of two ---- */
	{ "nullblk: zone size 3072 (not a power of two) is refused",
	  GEO(NB, 8, 0, .capacity = 8 * 3072, .zone_size = 3072), .refused = "power of two" },
	{ "zns: zone size 3072 (not a power of two) is accepted",
	  GEO(ZNS, 8, 0, .capacity = 8 * 3072, .zone_size = 3072),
	  .nr_zones = 8, .zone_capacity = 3072, .max_append = 1024, .zone_shift = -1 },
	{ "zbc: zone size 3072 (not a power of two) is accepted",
	  GEO(ZBC, 8, 1, .capacity = 8 * 3072 + 1024, .zone_size = 3072),
	  .nr_zones = 9, .last_len = 1024, .zone_capacity = 3072, .zone_shift = -1 },

	/* ---- refused by every personality ---- */
	{ "nullblk: zone capacity > zone size", GEO(NB, 8, 0, .zone_capacity = ZS + 8), .refused = "zone_cap=" },
	{ "zns: zone capacity > zone size", GEO(ZNS, 8, 0, .zone_capacity = ZS + 8), .refused = "zone_cap=" },
	{ "zbc: zone capacity > zone size", GEO(ZBC, 8, 0, .zone_capacity = ZS + 8), .refused = "zone_cap=" },
	{ "zns: zone capacity not a multiple of the block", GEO(ZNS, 8, 0, .zone_capacity = 1540),
	  .refused = "zone_cap=" },
	{ "nullblk: block size 256", GEO(NB, 8, 0, .lba_size = 256), .refused = "lba=256" },
	{ "zns: block size 3000", GEO(ZNS, 8, 0, .lba_size = 3000), .refused = "lba=3000" },
	{ "zbc: block size 128 KiB", GEO(ZBC, 8, 0, .lba_size = 131072), .refused = "lba=131072" },
	{ "nullblk: zone size 0", GEO(NB, 8, 0, .zone_size = 0), .refused = "zone_size=0" },
	{ "zns: zone size not a multiple of the block", GEO(ZNS, 8, 0, .capacity = 8 * 2044, .zone_size = 2044),
	  .refused = "zone_size=2044" },
	{ "zbc: device size 0", GEO(ZBC, 0, 0), .refused = "size=0" },
	{ "nullblk: device size not a multiple of the block", GEO(NB, 8, 0, .capacity = 8 * ZS + 4),
	  .refused = "size=" },
	{ "nullblk: every zone conventional", GEO(NB, 8, 8), .refused = "conv=8" },
	{ "zbc: more conventional zones than zones", GEO(ZBC, 8, 9), .refused = "conv=9" },
	{ "nullblk: more than 16Mi zones", GEO(NB, 0, 0, .capacity = ((16ull << 20) + 1) * 8, .zone_size = 8),
	  .refused = "at most" },
	{ "zns: unknown personality", GEO(ZNS, 8, 0, .model = (enum zone_personality)7),
	  .refused = "unknown personality" },

	/* ---- NVMe ZNS ---- */
	{ "zns: conventional zones are refused", GEO(ZNS, 8, 1), .refused = "conv=1" },
	{ "zns: no zone append is refused (ZASL always exists)", GEO(ZNS, 8, 0, .max_append_sectors = 0),
	  .refused = "max_append=0" },
	{ "zns: max_open > max_active is refused (MOR <= MAR)", GEO(ZNS, 8, 0, .max_open = 4, .max_active = 3),
	  .refused = "max_open=4 > max_active=3" },
	{ "zns: max_open = max_active", GEO(ZNS, 8, 0, .max_open = 3, .max_active = 3),
	  .nr_zones = 8, .max_open = 3, .max_active = 3, .max_append = 1024, .zone_shift = 11 },
	{ "zns: max_open without an active limit", GEO(ZNS, 8, 0, .max_open = 5),
	  .nr_zones = 8, .max_open = 5, .max_append = 1024, .zone_shift = 11 },
	/* ZNS keeps limits as given: nothing like null_blk's "cannot bind" clamp. */
	{ "zns: limits equal to the zone count are kept", GEO(ZNS, 8, 0, .max_open = 8, .max_active = 8),
	  .nr_zones = 8, .max_open = 8, .max_active = 8, .max_append = 1024, .zone_shift = 11 },
	{ "zns: max_append above the zone capacity is kept", GEO(ZNS, 8, 0, .max_append_sectors = 4096),
	  .nr_zones = 8, .max_append = 4096, .zone_shift = 11 },

	/* ---- SCSI ZBC ---- */
	{ "zbc: an active limit is refused", GEO(ZBC, 8, 0, .max_active = 2), .refused = "max_active=2" },
	{ "zbc: zone capacity < zone size is refused", GEO(ZBC, 8, 0, .zone_capacity = 1536),
	  .refused = "zone_cap" },
	{ "zbc: no native zone append (max_append forced to 0)", GEO(ZBC, 8, 1, .max_append_sectors = 512),
	  .nr_zones = 8, .max_append = 0, .zone_shift = 11 },

	/* ---- null_blk drops limits that cannot bind (7 sequential zones here) ---- */
	{ "nullblk: max_active = sequential zones -> 0", GEO(NB, 8, 1, .max_active = 7),
	  .nr_zones = 8, .max_active = 0, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_active > sequential zones -> 0", GEO(NB, 8, 1, .max_active = 100),
	  .nr_zones = 8, .max_active = 0, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_active below the sequential zones is kept", GEO(NB, 8, 1, .max_active = 6),
	  .nr_zones = 8, .max_active = 6, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_open > max_active -> max_open = max_active", GEO(NB, 8, 1, .max_open = 5, .max_active = 3),
	  .nr_zones = 8, .max_open = 3, .max_active = 3, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_open = sequential zones -> 0", GEO(NB, 8, 1, .max_open = 7),
	  .nr_zones = 8, .max_open = 0, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_open below the sequential zones is kept", GEO(NB, 8, 1, .max_open = 6),
	  .nr_zones = 8, .max_open = 6, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_open and max_active both = sequential zones -> both 0",
	  GEO(NB, 8, 1, .max_open = 7, .max_active = 7),
	  .nr_zones = 8, .max_open = 0, .max_active = 0, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_active dropped, then max_open checked against the zone count",
	  GEO(NB, 8, 1, .max_open = 4, .max_active = 9),
	  .nr_zones = 8, .max_open = 4, .max_active = 0, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_open 0 with an active limit stays 0", GEO(NB, 8, 1, .max_active = 2),
	  .nr_zones = 8, .max_open = 0, .max_active = 2, .max_append = 1024, .zone_shift = 11 },
	{ "nullblk: max_append above the zone capacity -> the capacity",
	  GEO(NB, 8, 0, .zone_capacity = 1536, .max_append_sectors = 4096),
	  .nr_zones = 8, .zone_capacity = 1536, .max_append = 1536, .zone_shift = 11 },
	{ "nullblk: max_append rounded down to the block size", GEO(NB, 8, 0, .max_append_sectors = 1001),
	  .nr_zones = 8, .max_append = 1000, .zone_shift = 11 },
	{ "nullblk: max_append 0 (the block layer emulates append)", GEO(NB, 8, 0, .max_append_sectors = 0),
	  .nr_zones = 8, .max_append = 0, .zone_shift = 11 },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

#define CASE_FAIL(c, fmt, ...) fail_msg("geometry \"%s\": " fmt, (c)->name, ##__VA_ARGS__)

static void run_case(void **state)
{
	const struct gcase *c = *state;
	struct zone_model zm;
	char err[256] = "", cerr[256];
	sector_t zcap = c->zone_capacity ? c->zone_capacity : c->geo.zone_size;
	int ret;

	ret = zone_model_init(&zm, &c->geo, err, sizeof(err));
	if (c->refused) {
		if (ret != -EINVAL)
			CASE_FAIL(c, "accepted (ret %d), expected -EINVAL naming \"%s\"", ret, c->refused);
		if (!strstr(err, c->refused))
			CASE_FAIL(c, "message \"%s\" does not contain \"%s\"", err, c->refused);
		if (zm.zones || zm.imp_open_seq)
			CASE_FAIL(c, "refused, but zone arrays are allocated");
		return;
	}
	if (ret)
		CASE_FAIL(c, "refused: %s", err);

	if (zm.nr_zones != c->nr_zones)
		CASE_FAIL(c, "%u zones, expected %u", zm.nr_zones, c->nr_zones);
	if (zm.geo.max_open != c->max_open || zm.geo.max_active != c->max_active)
		CASE_FAIL(c, "max_open %u max_active %u, expected %u %u",
			  zm.geo.max_open, zm.geo.max_active, c->max_open, c->max_active);
	if (zm.geo.max_append_sectors != c->max_append)
		CASE_FAIL(c, "max_append %u, expected %u", zm.geo.max_append_sectors, c->max_append);
	if (zm.geo.zone_capacity != zcap)
		CASE_FAIL(c, "zone_capacity %" PRIu64 ", expected %" PRIu64, (uint64_t)zm.geo.zone_capacity, (uint64_t)zcap);
	if (c->zone_shift != -2 && zm.zone_shift != c->zone_shift)
		CASE_FAIL(c, "zone_shift %d, expected %d", zm.zone_shift, c->zone_shift);
	if (zm.nr_imp_open || zm.nr_exp_open || zm.nr_closed)
		CASE_FAIL(c, "a new device has open or closed zones");

	for (unsigned int i = 0; i < zm.nr_zones; i++) {
		const struct blk_zone *z = &zm.zones[i];
		bool last = i == zm.nr_zones - 1;
		sector_t len = last && c->last_len ? c->last_len : c->geo.zone_size;
		sector_t cap = len < zcap ? len : zcap;

		if (z->start != (sector_t)i * c->geo.zone_size || z->len != len || z->capacity != cap)
			CASE_FAIL(c, "zone %u: start %" PRIu64 " len %" PRIu64 " cap %" PRIu64
				  ", expected %" PRIu64 " %" PRIu64 " %" PRIu64, i, (uint64_t)z->start, (uint64_t)z->len,
				  (uint64_t)z->capacity, (uint64_t)i * c->geo.zone_size, (uint64_t)len, (uint64_t)cap);
		if (i < c->geo.nr_conv) {
			/* null_init_zoned_dev(): wp at the zone end; scsi_debug: invalid */
			sector_t wp = c->geo.model == NB ? z->start + z->len : ZONE_WP_INVALID;

			if (z->type != BLK_ZONE_TYPE_CONVENTIONAL || z->cond != BLK_ZONE_COND_NOT_WP ||
			    z->wp != wp)
				CASE_FAIL(c, "zone %u: type %s cond %s wp %" PRIu64 ", expected a conventional zone with wp %" PRIu64,
					  i, zone_type_name(z->type), zone_cond_name(z->cond), (uint64_t)z->wp, (uint64_t)wp);
		} else if (z->type != (c->geo.seq_pref ? BLK_ZONE_TYPE_SEQWRITE_PREF : BLK_ZONE_TYPE_SEQWRITE_REQ) ||
			   z->cond != BLK_ZONE_COND_EMPTY || z->wp != z->start) {
			CASE_FAIL(c, "zone %u: type %s cond %s wp %" PRIu64 ", expected an empty sequential zone",
				  i, zone_type_name(z->type), zone_cond_name(z->cond), (uint64_t)z->wp);
		}
		if (zone_no(&zm, z->start) != i || zone_no(&zm, z->start + z->len - 1) != i)
			CASE_FAIL(c, "zone_no() of zone %u's first or last sector is wrong", i);
	}
	if (zone_model_check(&zm, cerr, sizeof(cerr)))
		CASE_FAIL(c, "zone_model_check: %s", cerr);
	zone_model_free(&zm);
	if (zm.zones || zm.imp_open_seq)
		CASE_FAIL(c, "zone_model_free left pointers behind");
}

/* The short last zone takes writes up to its own end, not the zone size. */
static void short_last_zone_fills(void **state)
{
	static const enum zone_personality ps[] = { NB, ZNS, ZBC };
	struct zone_result res;
	struct zone_model zm;
	char err[256];

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		struct zone_geometry geo = GEO(ps[i], 4, 0, .capacity = 4 * ZS + 1024);
		const struct blk_zone *z;

		assert_int_equal(zone_model_init(&zm, &geo, err, sizeof(err)), 0);
		z = &zm.zones[4];
		assert_int_equal(z->len, 1024);
		assert_int_equal(z->capacity, 1024);
		assert_int_not_equal(zone_write_prepare(&zm, REQ_OP_WRITE, z->start, 1032, &res), BLK_STS_OK);
		assert_true(res.reason[0] != '\0');
		assert_int_equal(zone_write_prepare(&zm, REQ_OP_WRITE, z->start, 1024, &res), BLK_STS_OK);
		zone_write_complete(&zm, res.sector, 1024);
		assert_int_equal(z->cond, BLK_ZONE_COND_FULL);
		assert_int_equal(z->wp, z->start + 1024);
		assert_int_equal(zone_model_check(&zm, err, sizeof(err)), 0);
		zone_model_free(&zm);
	}
}

/* Zone numbers by division when the zone size is not a power of two. */
static void zone_no_without_shift(void **state)
{
	struct zone_geometry geo = GEO(ZNS, 8, 0, .capacity = 8 * 3072, .zone_size = 3072);
	struct zone_result res;
	struct zone_model zm;
	char err[256];

	(void)state;
	assert_int_equal(zone_model_init(&zm, &geo, err, sizeof(err)), 0);
	assert_int_equal(zm.zone_shift, -1);
	assert_int_equal(zone_no(&zm, 2 * 3072 + 5), 2);
	assert_int_equal(zone_no(&zm, 3 * 3072 - 1), 2);
	assert_int_equal(zone_write_prepare(&zm, REQ_OP_WRITE, 3 * 3072, 8, &res), BLK_STS_OK);
	zone_write_complete(&zm, res.sector, 8);
	assert_int_equal(zm.zones[3].cond, BLK_ZONE_COND_IMP_OPEN);
	assert_int_equal(zm.zones[3].wp, 3 * 3072 + 8);
	assert_int_equal(zone_write_prepare(&zm, REQ_OP_WRITE, 3 * 3072 + 16, 8, &res), BLK_STS_IOERR);
	assert_non_null(strstr(res.reason, "is not at the write pointer 9224 of zone 3"));
	zone_model_free(&zm);
}

static void personality_names(void **state)
{
	enum zone_personality p;

	(void)state;
	for (unsigned int i = 0; i <= ZBC; i++) {
		assert_int_equal(zone_personality_parse(zone_personality_name((enum zone_personality)i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(zone_personality_parse("scsi", &p), -EINVAL);
	assert_string_equal(zone_personality_name(NB), "nullblk");
	assert_string_equal(zone_cond_abbrev(BLK_ZONE_COND_IMP_OPEN), "oi");
}

int main(void)
{
	static struct CMUnitTest tests[NR_CASES + 3];
	unsigned int n = 0;

	for (unsigned int i = 0; i < NR_CASES; i++)
		tests[n++] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = run_case,
			.initial_state = (void *)&cases[i],
		};
	tests[n++] = (struct CMUnitTest){ .name = "short_last_zone_fills", .test_func = short_last_zone_fills };
	tests[n++] = (struct CMUnitTest){ .name = "zone_no_without_shift", .test_func = zone_no_without_shift };
	tests[n++] = (struct CMUnitTest){ .name = "personality_names", .test_func = personality_names };
	return _cmocka_run_group_tests("zone_geometry", tests, n, NULL, NULL) ? 1 : 0;
}
