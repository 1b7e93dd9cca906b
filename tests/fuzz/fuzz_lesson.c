// SPDX-License-Identifier: MIT
/* libFuzzer: the lesson file parser (lesson_parse) on any bytes. */
#include <stdint.h>
#include <stdio.h>

#include "teach/lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lesson l;
	char err[512];
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return 0;
	if (!lesson_parse(f, "fuzz", &l, err, sizeof(err)))
		lesson_free(&l);
	fclose(f);
	return 0;
}
