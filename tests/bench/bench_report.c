// SPDX-License-Identifier: MIT
/*
 * zwsim report on a large run: the time to read a million-event log and
 * write its HTML page (tools/report/, in process, best of three), and the
 * page's size.  The log is made here: 4 KiB zone appends filling 256 zones
 * in turn, each with its bio_submit and bio_end, the zone_cond changes they
 * make, and resets when the device is full.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t make_log(const char *path, unsigned int nr_zones, uint64_t n)
{
	FILE *f = fopen(path, "w");
	uint64_t lines = 0, t = 0, bio = 0, wp = 0, zb = 1 << 20;
	unsigned int z = 1;

	if (!f)
		return 0;
	while (lines < n) {
		bio++;
		if (!wp) {
			fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"zone_cond\",\"zone\":%u,\"from\":\"em\",\"to\":\"oi\"}\n", t, z);
			lines++;
		}
		fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"bio_submit\",\"id\":%" PRIu64
			   ",\"op\":\"zone_append\",\"sector\":%" PRIu64 ",\"bytes\":4096}\n",
			t, bio, z * zb / 512);
		t += 7 + bio % 13;
		fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"bio_end\",\"id\":%" PRIu64 ",\"op\":\"zone_append\",\"sector\":%" PRIu64
			   ",\"bytes\":4096,\"status\":\"OK\"}\n",
			t, bio, (z * zb + wp) / 512);
		lines += 2;
		wp += 4096;
		if (wp == zb) {
			fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"zone_cond\",\"zone\":%u,\"from\":\"oi\",\"to\":\"fu\"}\n", t, z);
			lines++;
			wp = 0;
			if (++z == nr_zones) {
				for (unsigned int r = 1; r < nr_zones; r++, t += 3) {
					bio++;
					fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"bio_submit\",\"id\":%" PRIu64
						   ",\"op\":\"zone_reset\",\"sector\":%" PRIu64 ",\"bytes\":0}\n",
						t, bio, r * zb / 512);
					fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"zone_cond\",\"zone\":%u,\"from\":\"fu\",\"to\":\"em\"}\n",
						t + 1, r);
					fprintf(f, "{\"t\":%" PRIu64 ",\"ev\":\"bio_end\",\"id\":%" PRIu64
						   ",\"op\":\"zone_reset\",\"sector\":%" PRIu64 ",\"bytes\":0,\"status\":\"OK\"}\n",
						t + 2, bio, r * zb / 512);
					lines += 3;
				}
				z = 1;
			}
		}
	}
	fclose(f);
	return lines;
}

int main(void)
{
	char log[] = "/tmp/zwsim-bench-report-XXXXXX", html[64], err[512];
	double best = 1e9;
	struct stat st;
	uint64_t n;
	int fd = mkstemp(log);

	if (fd < 0)
		return 1;
	close(fd);
	snprintf(html, sizeof(html), "%s.html", log);
	n = make_log(log, 257, 1000000);
	for (int run = 0; run < 3; run++) {
		double t = now();
		FILE *out = fopen(html, "w");
		struct zw_report *rep = zw_report_load(NULL, NULL, log, err, sizeof(err));

		if (!rep || !out || zw_report_write_html(rep, out)) {
			fprintf(stderr, "bench_report: %s\n", rep ? "write failed" : err);
			return 1;
		}
		zw_report_free(rep);
		fclose(out);
		t = now() - t;
		if (t < best)
			best = t;
	}
	if (stat(html, &st))
		return 1;
	printf("bench: report_1m_events_ms %.0f ms\n", best * 1e3);
	printf("bench: report_1m_events_html_mib %.1f MiB\n", (double)st.st_size / (1 << 20));
	printf("bench: report_1m_events_bytes_per_event %.1f bytes\n", (double)st.st_size / (double)n);
	unlink(log);
	unlink(html);
	return 0;
}
