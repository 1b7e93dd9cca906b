// SPDX-License-Identifier: MIT
/* libFuzzer: the zone script parser (zs_parse) on any bytes, against a small emulated device. */
#include <stdint.h>
#include <stdio.h>

#include "dev.h"
#include "zone_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zw_dev *dev;
	char err[256];

	if (!dev && zw_dev_open("emu:zones=8,zone_size=1M,zone_cap=768k,conv=1,max_open=2", 0, &dev,
				err, sizeof(err)))
		return 0;
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	struct zs_script s = { 0 };
	if (!zs_parse(f, "fuzz", dev, &s, err, sizeof(err)))
		zs_free(&s);
	fclose(f);
	return 0;
}
