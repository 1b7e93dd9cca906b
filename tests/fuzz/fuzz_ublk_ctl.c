// SPDX-License-Identifier: MIT
/* libFuzzer: a command line from zwsim ublk's control socket (ublk_ctl_command) on any bytes. */
#include <stdint.h>
#include <string.h>

#include "dev.h"
#include "ublk/ublk_ctl.h"

#define SPEC "emu:zones=8,zone_size=1M,zone_cap=768k,conv=1,max_open=2"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zw_dev *dev;
	char line[700], reply[400], err[256];

	if (!dev && zw_dev_open(SPEC, 0, &dev, err, sizeof(err)))
		return 0;
	/* as ublk_ctl_accept() hands it over: at most one buffer, NUL-terminated */
	if (size >= sizeof(line))
		size = sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	ublk_ctl_command(&dev, SPEC, line, reply, sizeof(reply));
	return 0;
}
