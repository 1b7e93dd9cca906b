// SPDX-License-Identifier: MIT
/* libFuzzer: zwsim check's zwsim reader (tools/check/read.c) on any bytes, each event fed to the checker. */
#include "fuzz_check.h"

static int parse(char *line, struct chk_event *ev, char *dev, size_t devlen, struct chk_geo_buf *geo,
		 char *err, size_t errlen)
{
	(void)dev;
	(void)devlen;
	return chk_parse_zwsim(line, ev, geo, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_check_lines(data, size, parse);
}
