// SPDX-License-Identifier: MIT
/* libFuzzer: zwsim check's reader of the NVMe driver's tracepoints (tools/check/read_nvme.c) on any bytes, each event fed to the checker. */
#include "fuzz_check.h"

static struct chk_nvme *nvme;	/* the commands in flight: one reader per input */

static int parse(char *line, struct chk_event *ev, char *dev, size_t devlen, struct chk_geo_buf *geo,
		 char *err, size_t errlen)
{
	(void)geo;
	return nvme ? chk_parse_nvme(nvme, line, ev, dev, devlen, err, errlen) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the LBA size from the first byte: 512 to 64 KiB, and refused ones */
	unsigned int lba = size ? 256u << (data[0] % 10) : 4096;

	nvme = chk_nvme_new(lba);
	fuzz_check_lines(data, size, parse);
	chk_nvme_free(nvme);
	nvme = NULL;
	return 0;
}
