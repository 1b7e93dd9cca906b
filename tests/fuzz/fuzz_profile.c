// SPDX-License-Identifier: MIT
/* libFuzzer: the device profile parser (dev_profile_parse) on any bytes, and the latency of a few commands by what it parsed. */
#include <stdint.h>
#include <stdio.h>

#include "dev_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dev_profile *p;
	char err[512];

	if (dev_profile_parse((const char *)data, size, "fuzz.json", &p, err, sizeof(err)))
		return 0;
	for (unsigned int d = 0; d < 600; d += 37) {
		struct dev_profile_zone_cmd c = { .op = REQ_OP_ZONE_RESET, .fill = d / 600.0, .finished = d & 1 };

		dev_profile_io_ns(p, REQ_OP_READ, 512ull << (d % 30), d, false);
		dev_profile_io_ns(p, REQ_OP_ZONE_APPEND, 4096ull * d, d, true);
		dev_profile_zone_ns(p, &c);
		c.op = REQ_OP_ZONE_FINISH;
		dev_profile_zone_ns(p, &c);
	}
	dev_profile_free(p);
	return 0;
}
