// SPDX-License-Identifier: MIT
/* libFuzzer: zwsim check's zone report reader (chk_geo_from_report) on any bytes. */
#include <stdint.h>
#include <stdio.h>

#include "check/check.h"
#include "check/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chk_geo_buf geo;
	char err[256];
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return 0;
	if (!chk_geo_from_report(f, &geo, err, sizeof(err))) {
		struct chk *c = chk_new(&geo.g);

		chk_free(c);
	}
	chk_geo_buf_free(&geo);
	fclose(f);
	return 0;
}
