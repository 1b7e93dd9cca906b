// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the sweep matrix parser (sweep_parse: JSON, the parameters'
 * types, the cross product, excludes, includes, run names) on any bytes,
 * then the plan of what it expanded (its commands and names).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SWEEP_ERRLEN], *text;
	struct sweep sw;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	memset(&sw, 0, sizeof(sw));
	sw.name = sw_strdup("fuzz");
	sw.out = sw_strdup("/nonexistent/fuzz.sweep");
	if (!sweep_parse(&sw, text, "fuzz.json", err, sizeof(err))) {
		for (size_t i = 0; i < sw.nr_runs && i < 64; i++) {
			char *cmd = sweep_command(&sw, i, "/bin/zwsim", true);

			if (!cmd || !strstr(cmd, sw.runs[i].name))
				abort();
			free(cmd);
			if (i && strcmp(sw.runs[i - 1].name, sw.runs[i].name) >= 0)
				abort();	/* sorted, no two alike */
		}
	}
	sweep_free(&sw);
	free(text);
	return 0;
}
