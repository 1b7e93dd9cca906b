// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the zwsim fs script parser (fs_parse_script(), tools/fs_script.c),
 * which `zwsim fs` runs on scripts and `zwsim replay` on every line of an
 * fs-format trace, on any bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fs_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r"), *null = fopen("/dev/null", "w");
	struct fs_op *ops = NULL;
	size_t nr = 0;

	if (!f || !null) {
		if (f)
			fclose(f);
		if (null)
			fclose(null);
		return 0;
	}
	/* the parser says why a line is bad on stderr: not into the fuzzer's output */
	FILE *err = stderr;
	stderr = null;
	if (!fs_parse_script(f, "fuzz", "fuzz", &ops, &nr))
		free(ops);
	stderr = err;
	fclose(null);
	fclose(f);
	return 0;
}
