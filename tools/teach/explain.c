// SPDX-License-Identifier: MIT
/*
 * Why an operation was refused: the rule, the Linux status and errno, and
 * what each personality's device would have said (sim/zone_native.c).
 */
#include "explain.h"

#include <string.h>

/* The rule behind each error class, in a sentence (docs/zone-model.md has the sources). */
static const struct {
	const char *name;
	const char *rule;
} rules[] = {
	{ "not_at_wp", "a write to a sequential-write-required zone must start exactly at its write pointer" },
	{ "full", "a full zone takes no more writes or appends until it is reset" },
	{ "boundary", "a write may not cross the zone's capacity or its end" },
	{ "read_boundary", "this device does not let a read cross a zone end" },
	{ "readonly", "a read-only zone takes no writes" },
	{ "offline", "an offline zone can be neither read nor written" },
	{ "open_resource", "the device keeps at most max_open zones open (implicitly or explicitly) at once" },
	{ "active_resource", "the device keeps at most max_active zones active (open or closed) at once" },
	{ "transition", "the zone's condition does not allow this state transition" },
	{ "conventional", "zone operations apply to sequential zones only, not conventional ones" },
	{ "no_append", "the device has no native zone append" },
	{ "append_field", "a zone append names the zone's start and carries at most max_append_sectors" },
	{ "range", "the operation goes past the end of the device" },
	{ "align", "I/O must be a multiple of the logical block size" },
	{ "medium_read", "the medium could not be read there (an injected error)" },
	{ "medium_write", "the medium could not be written there (an injected error)" },
	{ "notsupp", "the device does not know this operation" },
};

static const struct {
	enum zone_personality p;
	const char *name;
	const char *none;	/* said when the personality has no native code */
} personalities[] = {
	{ ZONE_MODEL_NULLBLK, "null_blk", "no device code: null_blk answers with a blk_status_t" },
	{ ZONE_MODEL_ZNS, "NVMe ZNS", "no NVMe status: the kernel refuses it before the command" },
	{ ZONE_MODEL_ZBC, "SCSI ZBC", "no sense data: the kernel refuses it before the command" },
};

static const char *rule_of(const char *name)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, name))
			return rules[i].rule;
	return NULL;
}

/* The error class named @name back into a result with res.err set; false when unknown. */
static bool class_of(const char *name, struct zone_result *res)
{
	for (unsigned int e = 1; e < 64; e++) {
		res->err = (uint8_t)e;
		if (!*zone_err_name(res))
			break;
		if (!strcmp(zone_err_name(res), name))
			return true;
	}
	res->err = 0;
	return false;
}

void teach_explain(const struct teach_term *t, const struct zone_result *res, const char *what)
{
	blk_status_t s = res->status;
	const char *cls = zone_err_name(res);
	const char *rule = *cls ? rule_of(cls) : NULL;

	fprintf(t->out, "  %swhy:%s        %s\n", tc(t, TC_BAD), tc(t, TC_RESET), *res->reason ? res->reason : what);
	if (rule)
		fprintf(t->out, "  rule:       %s\n", rule);
	else
		fprintf(t->out, "  rule:       the block layer refused it before the device saw it (blk_check_zone_append(), submit_bio())\n");
	fprintf(t->out, "  Linux:      %s, errno %s (blk_status_to_errno())\n", blk_status_name(s),
		errno_name(blk_status_to_errno(s)));
	if (!res->err)
		return;
	for (size_t i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++) {
		struct zone_result as;
		char native[96];

		zone_result_as(res, personalities[i].p, &as);
		zone_result_native(&as, personalities[i].p, native, sizeof(native));
		fprintf(t->out, "  %-10s  %s -> %s %s\n", personalities[i].name,
			*native ? native : personalities[i].none, blk_status_name(as.status),
			errno_name(blk_status_to_errno(as.status)));
	}
}

void teach_explain_bio(const struct teach_term *t, const char *status, const char *reason,
		       const char *zone_err)
{
	struct zone_result res;

	memset(&res, 0, sizeof(res));
	for (int k = 0; k <= BLK_STS_INVAL; k++)
		if (!strcmp(blk_status_name((blk_status_t)k), status))
			res.status = (blk_status_t)k;
	snprintf(res.reason, sizeof(res.reason), "%s", reason);
	if (*zone_err)
		class_of(zone_err, &res);
	teach_explain(t, &res, "the device refused the bio");
}
