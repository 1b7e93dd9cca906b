/* SPDX-License-Identifier: MIT */
/* What the libFuzzer programs of zwsim check's log readers share: each line of the input parsed, each event fed to the checker. */
#ifndef ZWSIM_FUZZ_CHECK_H
#define ZWSIM_FUZZ_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One reader's line parser, behind one signature: 1 an event, else none. */
typedef int (*fuzz_check_parse_fn)(char *line, struct chk_event *ev, char *dev, size_t devlen,
				   struct chk_geo_buf *geo, char *err, size_t errlen);

static int fuzz_check_lines(const uint8_t *data, size_t size, fuzz_check_parse_fn parse)
{
	struct chk_geometry g = { .zone_size = 2048, .zone_cap = 1536, .nr_zones = 8, .nr_conv = 1,
				  .max_open = 2, .max_active = 3 };
	struct chk_geo_buf geo = { 0 };
	struct chk *c = chk_new(&g);
	char *buf = malloc(size + 1), err[256], dev[48] = "";
	uint64_t lineno = 0;

	(void)dev;
	if (!buf || !c) {
		free(buf);
		chk_free(c);
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *line = buf, *nl; line; line = nl) {
		struct chk_event ev;
		int r;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		r = parse(line, &ev, dev, sizeof(dev), &geo, err, sizeof(err));
		if (r == 1) {
			ev.line = lineno;
			chk_feed(c, &ev);
		}
	}
	chk_finish(c);
	for (size_t i = 0; i < chk_nr_kept(c); i++)
		(void)chk_violation(c, i)->msg[0];
	if (geo.have) {
		struct chk *c2 = chk_new(&geo.g);

		chk_free(c2);
	}
	chk_geo_buf_free(&geo);
	chk_free(c);
	free(buf);
	return 0;
}

#endif
