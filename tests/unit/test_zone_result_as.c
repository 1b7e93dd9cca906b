// SPDX-License-Identifier: MIT
/*
 * zone_result_as(): a refusal from one personality in another's terms, the
 * same error class through the same table zone_fail() uses (what zwsim
 * teach shows for every refused operation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "zone.h"

/* A real refusal: a write behind the write pointer of a null_blk zone. */
static void refused_on_nullblk(struct zone_result *res)
{
	struct zone_geometry geo = {
		.model = ZONE_MODEL_NULLBLK, .capacity = 4 * 2048, .zone_size = 2048,
		.zone_capacity = 2048, .lba_size = 4096,
	};
	struct zone_model zm;
	char err[128];

	assert_int_equal(zone_model_init(&zm, &geo, err, sizeof(err)), 0);
	assert_int_equal(zone_write_prepare(&zm, REQ_OP_WRITE, 2048, 8, res), BLK_STS_OK);
	zone_write_complete(&zm, 2048, 8);
	zone_result_ok(res);
	assert_int_equal(zone_write_prepare(&zm, REQ_OP_WRITE, 2048, 8, res), BLK_STS_IOERR);
	zone_model_free(&zm);
}

static void a_refusal_carries_its_error_class(void **state)
{
	struct zone_result res;

	(void)state;
	refused_on_nullblk(&res);
	assert_string_equal(zone_err_name(&res), "not_at_wp");
	assert_int_equal(res.nvme_status, 0);
	assert_int_equal(res.sense_key, 0);
}

static void the_same_refusal_in_nvme_and_scsi_terms(void **state)
{
	struct zone_result res, as;
	char buf[96];

	(void)state;
	refused_on_nullblk(&res);
	assert_int_equal(zone_result_as(&res, ZONE_MODEL_ZNS, &as), BLK_STS_IOERR);
	assert_int_equal(as.nvme_status, 0x1BC);
	assert_string_equal(zone_result_native(&as, ZONE_MODEL_ZNS, buf, sizeof(buf)),
			    "NVMe status 0x1BC Zone Invalid Write");
	assert_string_equal(as.reason, res.reason);
	assert_int_equal(zone_result_as(&res, ZONE_MODEL_ZBC, &as), BLK_STS_TARGET);
	assert_int_equal(as.sense_key, 5);
	assert_int_equal(as.asc, 0x21);
	assert_int_equal(as.ascq, 0x04);
	assert_int_equal(zone_result_as(&res, ZONE_MODEL_NULLBLK, &as), BLK_STS_IOERR);
	assert_int_equal(as.nvme_status, 0);
}

static void a_result_without_a_class_is_left_as_it_is(void **state)
{
	struct zone_result res, as;

	(void)state;
	zone_result_ok(&res);
	res.status = BLK_STS_IOERR;	/* a block-layer refusal: no device rule */
	strcpy(res.reason, "the plug refuses it");
	assert_string_equal(zone_err_name(&res), "");
	assert_int_equal(zone_result_as(&res, ZONE_MODEL_ZBC, &as), BLK_STS_IOERR);
	assert_int_equal(as.sense_key, 0);
	assert_string_equal(as.reason, "the plug refuses it");
}

static void ok_clears_the_class(void **state)
{
	struct zone_result res;

	(void)state;
	refused_on_nullblk(&res);
	zone_result_ok(&res);
	assert_int_equal(res.err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_refusal_carries_its_error_class),
		cmocka_unit_test(the_same_refusal_in_nvme_and_scsi_terms),
		cmocka_unit_test(a_result_without_a_class_is_left_as_it_is),
		cmocka_unit_test(ok_clears_the_class),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
