// SPDX-License-Identifier: MIT
/*
 * libFuzzer: zwsim report's readers and writers on any bytes.  The first
 * line is the result JSON (an empty line: none), the rest the event log;
 * every output (the page, each figure, the text) is written to /dev/null.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t first = nl ? (size_t)(nl - data) : size;
	json_object *result = NULL;
	struct zw_report *rep;
	char err[512], path[64];
	int fd;

	if (!null && !(null = fopen("/dev/null", "w")))
		return 0;
	if (first) {
		json_tokener *tok = json_tokener_new();

		result = json_tokener_parse_ex(tok, (const char *)data, (int)first);
		json_tokener_free(tok);
	}
	fd = memfd_create("log", 0);
	if (fd < 0) {
		json_object_put(result);
		return 0;
	}
	if (nl && write(fd, nl + 1, size - first - 1) < 0) {
		close(fd);
		json_object_put(result);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rep = zw_report_load(result, "fuzz.json", nl ? path : NULL, err, sizeof(err));
	json_object_put(result);
	if (rep) {
		zw_report_write_html(rep, null);
		zw_report_write_text(rep, null);
		for (int i = 0; zw_report_figures[i]; i++)
			zw_report_write_svg(rep, zw_report_figures[i], null, err, sizeof(err));
		zw_report_free(rep);
	}
	close(fd);
	return 0;
}
