// SPDX-License-Identifier: MIT
/* --text: the report as plain text, for a terminal, a mail or a diff. */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

static void line_bytes(const struct zw_report *rep, FILE *out, const char *path, const char *label)
{
	double v;
	char buf[32];

	if (rpt_number(rep, path, &v)) {
		rpt_fmt_bytes(buf, sizeof(buf), v);
		fprintf(out, "  %-24s %s (%.0f bytes)\n", label, buf, v);
	}
}

/* A column of 10 characters, right-aligned: "µs" is two bytes, one character. */
static void cell(FILE *out, const char *s)
{
	int chars = 0;

	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	fprintf(out, " %*s%s", chars < 10 ? 10 - chars : 0, "", s);
}

int zw_report_write_text(struct zw_report *rep, FILE *out)
{
	double v;
	char a[32], b[32];

	fprintf(out, "zwsim report");
	if (rep->result)
		fprintf(out, ": %s", rep->json_name);
	if (rep->has_log)
		fprintf(out, "%s%s", rep->result ? " + " : ": ", rep->log_name);
	fprintf(out, "\n");
	if (rep->nr_zones) {
		size_t count[RC_NR] = { 0 };
		int64_t valid = 0;

		for (size_t i = 0; i < rep->nr_zones; i++) {
			count[rep->zones[i].cond]++;
			valid += rep->zones[i].valid;
		}
		fprintf(out, "\nzones: %zu", rep->nr_zones);
		for (int c = 0; c < RC_NR; c++)
			if (count[c])
				fprintf(out, ", %zu %s", count[c], rpt_cond_long[c]);
		rpt_fmt_bytes(a, sizeof(a), (double)valid);
		fprintf(out, "\n  valid file data: %s\n", a);
		/* one character a zone, as a strip: the zone map in a line */
		fprintf(out, "  map:");
		for (size_t i = 0; i < rep->nr_zones; i++) {
			static const char sym[RC_NR] = { 'c', '.', 'o', 'O', 'C', 'F', 'R', 'X' };

			if (i % 64 == 0)
				fprintf(out, "\n    %6zu ", i);
			fputc(sym[rep->zones[i].cond], out);
		}
		fprintf(out, "\n  (c conventional, . empty, o implicit open, O explicit open, C closed, F full, R read-only, "
			     "X offline)\n");
	}
	if (rep->result) {
		fprintf(out, "\nfiles: %zu\n", rep->nr_files);
		for (size_t i = 0; i < rep->nr_files && i < 20; i++) {
			const struct rpt_file *f = &rep->files[i];
			int64_t last = -1;
			size_t nz = 0;

			for (size_t k = 0; k < f->nr_ext; k++)
				if (f->ext[k].zone != last) {
					last = f->ext[k].zone;
					nz++;
				}
			rpt_fmt_bytes(a, sizeof(a), (double)f->size);
			fprintf(out, "  %-20s %10s  %zu extents in %zu zone runs\n", f->name, a, f->nr_ext, nz);
		}
		if (rep->nr_files > 20)
			fprintf(out, "  ... and %zu more\n", rep->nr_files - 20);
	}
	if (rpt_number(rep, "stats.user_bytes|bytes.user_written", &v)) {
		fprintf(out, "\nwrites:\n");
		line_bytes(rep, out, "stats.user_bytes|bytes.user_written", "by the user");
		line_bytes(rep, out, "stats.device_bytes|bytes.device_written", "to the device");
		line_bytes(rep, out, "stats.gc_bytes|bytes.gc_moved", "moved by GC");
		if (rpt_number(rep, "stats.write_amplification|write_amplification.device", &v))
			fprintf(out, "  %-24s %.4f\n", "write amplification", v);
		if (rpt_number(rep, "write_amplification.host", &v))
			fprintf(out, "  %-24s %.4f\n", "host write amplification", v);
		if (rpt_number(rep, "stats.zone_resets|zone_ops.resets", &v))
			fprintf(out, "  %-24s %.0f\n", "zone resets", v);
		if (rpt_number(rep, "zone_ops.finishes", &v))
			fprintf(out, "  %-24s %.0f\n", "zone finishes", v);
		if (rpt_number(rep, "errors.total", &v))
			fprintf(out, "  %-24s %.0f\n", "errors", v);
	}
	if (rep->nr_res_pct) {
		fprintf(out, "\nlatency (the result's):\n  %-14s %10s %10s %10s %10s %10s %10s\n", "op", "count", "p50",
			"p90", "p99", "p99.9", "max");
		for (size_t i = 0; i < rep->nr_res_pct; i++) {
			fprintf(out, "  %-14s %10" PRIu64, rep->res_pct[i].op, rep->res_pct[i].count);
			for (int k = 0; k < RPT_NR_PCT; k++) {
				rpt_fmt_ns(a, sizeof(a), rep->res_pct[i].v[k]);
				cell(out, a);
			}
			fprintf(out, "\n");
		}
	}
	if (rep->has_log) {
		uint64_t dev = 0, wb = 0, resets = 0;

		for (size_t b2 = 0; b2 < RPT_BINS; b2++) {
			dev += rep->bins[b2].dev_bytes;
			wb += rep->bins[b2].wb_bytes;
			resets += rep->bins[b2].resets;
		}
		rpt_fmt_ns(a, sizeof(a), (double)(rep->t1 - rep->t0));
		fprintf(out, "\nevent log: %" PRIu64 " events over %s of virtual time\n", rep->nr_events, a);
		for (size_t i = 0; i < rep->nr_var; i++) {
			uint64_t n = rep->var[i].count;

			for (size_t k = 0; k < i; k++)	/* one line an event name */
				if (!strcmp(rep->var[k].ev, rep->var[i].ev))
					n = 0;
			if (!n)
				continue;
			for (size_t k = i + 1; k < rep->nr_var; k++)
				if (!strcmp(rep->var[k].ev, rep->var[i].ev))
					n += rep->var[k].count;
			fprintf(out, "  %-24s %" PRIu64 "\n", rep->var[i].ev, n);
		}
		rpt_fmt_bytes(a, sizeof(a), (double)dev);
		rpt_fmt_bytes(b, sizeof(b), (double)wb);
		fprintf(out, "  device writes %s, host writeback %s", a, b);
		if (wb)
			fprintf(out, ", device / host writeback %.4f", (double)dev / (double)wb);
		fprintf(out, ", %" PRIu64 " zone resets\n", resets);
		fprintf(out, "  most open zones %" PRIu32 ", most active zones %" PRIu32 "\n", rep->max_open, rep->max_active);
		fprintf(out, "  failed bios %" PRIu64 "%s%s\n", rep->nr_errors, rep->nr_errors ? "; first: " : "",
			rep->first_error);
		if (rep->nr_lat) {
			fprintf(out, "\nbio latency (virtual time):\n  %-14s %10s %10s %10s %10s %10s %10s\n", "op", "count",
				"p50", "p90", "p99", "p99.9", "max");
			for (size_t i = 0; i < rep->nr_lat; i++) {
				const struct rpt_lat *l = &rep->lat[i];
				static const double p[] = { 50, 90, 99, 99.9, 100 };

				fprintf(out, "  %-14s %10zu", l->op, l->n);
				for (int k = 0; k < 5; k++) {
					rpt_fmt_ns(a, sizeof(a), (double)rpt_percentile(l->v, l->n, p[k]));
					cell(out, a);
				}
				fprintf(out, "\n");
			}
		}
	}
	return ferror(out) ? -1 : 0;
}
