// SPDX-License-Identifier: MIT
/*
 * The figures, as inline SVG (the page) or standalone files (--svg).
 * Over-time figures share one layout: an outer frame with axes and an inner
 * <svg class="zw-zoom"> whose x runs over the RPT_BINS bins; the page's
 * script zooms every such figure at once by changing the inner viewBox and
 * relabelling the ticks marked data-f (their fraction of the window).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define W 960
#define ML 78
#define MR 16
#define MT 44
#define MB 34
#define PW (W - ML - MR)

static const char *const series_colour[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f",
};

static void svg_open(FILE *out, bool standalone, const char *id, int h, const char *title)
{
	if (standalone)
		fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" class=\"zw-fig\" viewBox=\"0 0 %d %d\" "
		     "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		id, W, h, W, h);
	fprintf(out, "<title>");
	rpt_html_escape(out, title);
	fprintf(out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, h);
	fprintf(out, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", ML);
	rpt_html_escape(out, title);
	fprintf(out, "</text>\n");
}

static void fmt_t(char *buf, size_t len, double ns)
{
	rpt_fmt_ns(buf, len, ns);
}

/* Axes of an over-time figure and the opening of its zoomable plot. */
static void time_frame(const struct zw_report *rep, FILE *out, int ph, double ymax,
		       void (*yfmt)(char *, size_t, double))
{
	char buf[48];

	fprintf(out, "<g class=\"zw-axes\" data-t0=\"%" PRIu64 "\" data-t1=\"%" PRIu64 "\">\n", rep->t0, rep->t1);
	for (int k = 0; k <= 4; k++) {
		double y = MT + ph - (double)ph * k / 4;

		yfmt(buf, sizeof(buf), ymax * k / 4);
		fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
			     "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			ML, ML + PW, y, y, ML - 6, y + 4, buf);
	}
	for (int k = 0; k <= 5; k++) {
		double x = ML + (double)PW * k / 5;

		fmt_t(buf, sizeof(buf), (double)rep->t0 + (double)(rep->t1 - rep->t0) * k / 5);
		fprintf(out, "<text class=\"zw-xt\" data-f=\"%.1f\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
			k / 5.0, x, MT + ph + 18, k == 0 ? "start" : k == 5 ? "end" : "middle", buf);
	}
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n</g>\n", ML,
		MT, PW, ph);
	fprintf(out, "<svg class=\"zw-zoom\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		     "preserveAspectRatio=\"none\">\n",
		ML, MT, PW, ph, RPT_BINS, ph);
}

/* One legend entry in the row under the title; *x is where the next one goes. */
static void legend(FILE *out, int *x, const char *colour, const char *name)
{
	fprintf(out, "<rect x=\"%d\" y=\"25\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"35\">", *x,
		colour, *x + 16);
	rpt_html_escape(out, name);
	fprintf(out, "</text>\n");
	*x += 16 + 7 * (int)strlen(name) + 18;
}

/* A step line over the bins: v[b] at bin b. */
static void step_path(FILE *out, const double *v, size_t n, int ph, double ymax, const char *colour,
		      const char *cls)
{
	double prev = NAN;

	fprintf(out, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
		     "vector-effect=\"non-scaling-stroke\" d=\"",
		cls, colour);
	for (size_t b = 0; b < n; b++) {
		double y = ph - (ymax > 0 ? v[b] / ymax : 0) * ph;

		if (b == 0)
			fprintf(out, "M0,%.2f", y);
		else if (y != prev)
			fprintf(out, "H%zu V%.2f", b, y);
		prev = y;
	}
	fprintf(out, "H%zu\"/>\n", n);
}

static void fmt_count(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.4g", v);
}

static void fmt_ratio(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.2f", v);
}

static double nice_max(double v)
{
	double p;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	for (int m = 1; m <= 10; m++)
		if (m * p >= v)
			return m * p;
	return 10 * p;
}

/* A round top for a byte axis: a round number of KiB, MiB, GiB... */
static double nice_bytes(double v)
{
	double unit = 1;

	while (v / unit >= 1024)
		unit *= 1024;
	return nice_max(v / unit) * unit;
}

/* ---- zone map --------------------------------------------------------- */

void rpt_svg_zone_map(const struct zw_report *rep, FILE *out, bool standalone)
{
	size_t n = rep->nr_zones;
	int cols = n <= 256 ? 32 : n <= 2048 ? 64 : 128;
	double cw = (double)(W - 2 * 10) / cols, chh = n <= 256 ? 46 : n <= 2048 ? 22 : 10;
	int rows = (int)((n + (size_t)cols - 1) / (size_t)cols), h = 40 + (int)(rows * (chh + 4)) + 30;
	int64_t scale = 1;
	char a[32], b[32], c[32];

	for (size_t i = 0; i < n; i++) {
		const struct rpt_zone *z = &rep->zones[i];
		int64_t m = z->len > 0 ? z->len : z->wp > z->valid ? z->wp : z->valid;

		if (m > scale)
			scale = m;
	}
	svg_open(out, standalone, "fig-zone-map", h, "Zone map: condition, write pointer, valid data");
	for (int k = 0, x = 10; k < RC_NR; k++) {
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#666\"/>"
			     "<text x=\"%d\" y=\"%d\">%s</text>\n",
			x, h - 20, rpt_cond_colour[k], x + 16, h - 10, rpt_cond_long[k]);
		x += 16 + 7 * (int)strlen(rpt_cond_long[k]) + 18;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rpt_zone *z = &rep->zones[i];
		double x = 10 + (double)(i % (size_t)cols) * cw, y = 30 + (double)(i / (size_t)cols) * (chh + 4);
		int64_t len = z->len > 0 ? z->len : scale, wp = z->wp >= 0 ? z->wp : 0;
		double hw = chh * (double)(z->cond == RC_NW ? len : wp) / (double)scale;
		double hv = chh * (double)z->valid / (double)scale;

		if (z->cond == RC_FU && z->wp < 0)
			hw = chh * (double)(z->cap > 0 ? z->cap : len) / (double)scale;
		fprintf(out, "<g class=\"zw-zone\" data-zone=\"%zu\" data-cond=\"%s\"><title>zone %zu: %s", i,
			rpt_cond_name[z->cond], i, rpt_cond_long[z->cond]);
		if (z->wp >= 0) {
			rpt_fmt_bytes(a, sizeof(a), (double)z->wp);
			fprintf(out, ", wp %s", a);
		}
		if (z->cap >= 0) {
			rpt_fmt_bytes(b, sizeof(b), (double)z->cap);
			fprintf(out, ", capacity %s", b);
		}
		rpt_fmt_bytes(c, sizeof(c), (double)z->valid);
		fprintf(out, ", valid %s</title>\n", c);
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fafafa\" stroke=\"#888\" "
			     "stroke-width=\"0.5\"/>\n",
			x, y, cw - 2, chh);
		if (z->cap >= 0 && z->cap < len)	/* beyond the capacity: never writable */
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#cfcfcf\"/>\n", x, y,
				cw - 2, chh * (double)(len - z->cap) / (double)scale);
		fprintf(out, "<rect class=\"zw-wp\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.2f\" fill=\"%s\"/>\n", x,
			y + chh - hw, cw - 2, hw, rpt_cond_colour[z->cond]);
		if (z->valid > 0)
			fprintf(out, "<rect class=\"zw-valid\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.2f\" "
				     "fill=\"#222\" fill-opacity=\"0.55\"/>\n",
				x + 1, y + chh - hv, (cw - 2) * 0.35, hv);
		if (cols == 32)
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\">%zu</text>\n",
				x + (cw - 2) / 2, y + 10, i);
		fprintf(out, "</g>\n");
	}
	fprintf(out, "<text x=\"10\" y=\"%d\" font-size=\"11\" fill=\"#555\">height: the zone (grey: beyond its "
		     "capacity); colour: written up to the write pointer; dark bar: valid file data</text>\n",
		h - 34 + 0);
	fprintf(out, "</svg>\n");
}

/* ---- zone states over time -------------------------------------------- */

/* At most this many rows: beyond, a row stands for a group of neighbouring zones. */
#define TIMELINE_ROWS 480

/* The condition most zones of [z0, z1) are in at bin b, empty ones counting last. */
static uint8_t group_cond(const struct zw_report *rep, size_t z0, size_t z1, size_t b)
{
	unsigned int count[RC_NR] = { 0 };
	uint8_t best = RC_EM;

	for (size_t z = z0; z < z1; z++)
		count[rep->zone_bins[b * rep->nr_zones + z]]++;
	for (int c = 0; c < RC_NR; c++)
		if (c != RC_EM && count[c] && (best == RC_EM || count[c] > count[best]))
			best = (uint8_t)c;
	return best;
}

void rpt_svg_timeline(const struct zw_report *rep, FILE *out, bool standalone)
{
	size_t nz = rep->nr_zones, rows = nz < TIMELINE_ROWS ? nz : TIMELINE_ROWS;
	double rh = rows ? fmin(12, fmax(1, (double)TIMELINE_ROWS / (double)rows)) : 12;
	int ph = (int)ceil(rh * (double)rows), h = MT + ph + MB + 8;
	uint8_t *row = malloc(RPT_BINS);

	svg_open(out, standalone, "fig-timeline", h,
		 rows == nz ? "Zone conditions over time (one row a zone)"
			    : "Zone conditions over time (a row a group of zones: the condition most of them are in)");
	time_frame(rep, out, ph, 1, fmt_count);
	fprintf(out, "<g class=\"zw-coarse\" data-rh=\"%.4f\" data-group=\"%d\" shape-rendering=\"crispEdges\">\n",
		rh, rows == nz ? 1 : 0);
	for (size_t r = 0; r < rows; r++) {
		size_t z0 = r * nz / rows, z1 = (r + 1) * nz / rows, b = 0;

		for (size_t k = 0; k < RPT_BINS; k++)
			row[k] = z1 - z0 == 1 ? rep->zone_bins[k * nz + z0] : group_cond(rep, z0, z1, k);
		while (b < RPT_BINS) {
			size_t e = b + 1;

			while (e < RPT_BINS && row[e] == row[b])
				e++;
			if (row[b] != RC_EM)
				fprintf(out, "<rect x=\"%zu\" y=\"%.2f\" width=\"%zu\" height=\"%.2f\" fill=\"%s\"/>\n", b,
					rh * (double)r, e - b, rh, rpt_cond_colour[row[b]]);
			b = e;
		}
	}
	free(row);
	fprintf(out, "</g>\n</svg>\n");
	/* the y axis: zone numbers instead of time_frame's counts */
	fprintf(out, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", MT - 8, ML - 1, ph + 16);
	for (size_t r = 0; r < rows; r += rows <= 40 ? 1 : (rows + 19) / 20)
		fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"%d\">zone %zu</text>\n", ML - 6,
			MT + rh * ((double)r + 0.5) + 3, rh >= 9 ? 10 : 9, r * nz / rows);
	for (int k = 0, x = ML; k < RC_NR; k++)
		if (k != RC_EM)
			legend(out, &x, rpt_cond_colour[k], rpt_cond_long[k]);
	fprintf(out, "</svg>\n");
}

/* ---- open and active zones -------------------------------------------- */

void rpt_svg_counts(const struct zw_report *rep, FILE *out, bool standalone)
{
	int ph = 160, h = MT + ph + MB;
	double *o = malloc(RPT_BINS * sizeof(double)), *a = malloc(RPT_BINS * sizeof(double));
	/* counts: a multiple of the 4 grid steps, so every tick is a whole number */
	double ymax = 4 * ceil((rep->max_active > rep->max_open ? rep->max_active : rep->max_open) / 4.0 + 1e-9);

	for (size_t b = 0; b < RPT_BINS; b++) {
		o[b] = rep->bins[b].open;
		a[b] = rep->bins[b].active;
	}
	svg_open(out, standalone, "fig-counts", h, "Open and active zones over time");
	time_frame(rep, out, ph, ymax, fmt_count);
	fprintf(out, "<g class=\"zw-coarse\" data-ymax=\"%.0f\">\n", ymax);
	step_path(out, a, RPT_BINS, ph, ymax, series_colour[1], "zw-active");
	step_path(out, o, RPT_BINS, ph, ymax, series_colour[0], "zw-open");
	fprintf(out, "</g>\n</svg>\n");
	int lx = ML;

	legend(out, &lx, series_colour[0], "open");
	legend(out, &lx, series_colour[1], "active (open + closed)");
	fprintf(out, "</svg>\n");
	free(o);
	free(a);
}

/* ---- write amplification and GC --------------------------------------- */

void rpt_svg_wa(const struct zw_report *rep, FILE *out, bool standalone)
{
	int ph = 150, h = 2 * (MT + ph + MB);
	double *dev = malloc(RPT_BINS * sizeof(double)), *wb = malloc(RPT_BINS * sizeof(double));
	double *moved = malloc(RPT_BINS * sizeof(double)), *wa = malloc(RPT_BINS * sizeof(double));
	double cd = 0, cw = 0, wmax = 1;
	uint32_t resets = 0;

	for (size_t b = 0; b < RPT_BINS; b++) {
		cd += (double)rep->bins[b].dev_bytes;
		cw += (double)rep->bins[b].wb_bytes;
		dev[b] = cd;
		wb[b] = cw;
		moved[b] = cd > cw ? cd - cw : 0;
		wa[b] = cw > 0 ? cd / cw : 0;
		if (wa[b] > wmax)
			wmax = wa[b];
		resets += rep->bins[b].resets;
	}
	svg_open(out, standalone, "fig-wa", h, "Bytes written and write amplification over time");
	fprintf(out, "<g>\n");
	double bmax = nice_bytes(cd > cw ? cd : cw);

	time_frame(rep, out, ph, bmax, rpt_fmt_bytes);
	step_path(out, dev, RPT_BINS, ph, bmax, series_colour[0], "zw-dev");
	step_path(out, wb, RPT_BINS, ph, bmax, series_colour[2], "zw-wb");
	step_path(out, moved, RPT_BINS, ph, bmax, series_colour[3], "zw-gc");
	/* resets as ticks at the bottom */
	for (size_t b = 0; b < RPT_BINS; b++)
		if (rep->bins[b].resets)
			fprintf(out, "<rect x=\"%zu\" y=\"%d\" width=\"1\" height=\"8\" fill=\"#000\"/>\n", b, ph - 8);
	fprintf(out, "</svg>\n");
	int lx = ML;

	legend(out, &lx, series_colour[0], "to the device");
	legend(out, &lx, series_colour[2], "host writeback");
	legend(out, &lx, series_colour[3], "device - host so far (GC, padding, in flight)");
	fprintf(out, "</g>\n<g transform=\"translate(0 %d)\">\n", MT + ph + MB);
	fprintf(out, "<text x=\"%d\" y=\"34\" font-size=\"13\">write amplification: device bytes / host writeback bytes "
		     "so far (ticks: zone resets, %" PRIu32 " in all)</text>\n",
		ML, resets);
	time_frame(rep, out, ph, nice_max(wmax), fmt_ratio);
	step_path(out, wa, RPT_BINS, ph, nice_max(wmax), series_colour[0], "zw-wa");
	for (size_t b = 0; b < RPT_BINS; b++)
		if (rep->bins[b].resets)
			fprintf(out, "<rect x=\"%zu\" y=\"%d\" width=\"1\" height=\"8\" fill=\"#000\"/>\n", b, ph - 8);
	fprintf(out, "</svg>\n</g>\n</svg>\n");
	free(dev);
	free(wb);
	free(moved);
	free(wa);
}

/* ---- latency ---------------------------------------------------------- */

const char *const rpt_pct_name[RPT_NR_PCT] = { "p50", "p90", "p99", "p99.9", "max" };
const double rpt_pct_rank[RPT_NR_PCT] = { 50, 90, 99, 99.9, 100 };

/* Bars of each operation's percentiles on a log scale from 1 ns. */
void rpt_svg_latency(const struct rpt_pct *rows, size_t n, const char *id, const char *title, FILE *out,
		     bool standalone)
{
	int rowh = RPT_NR_PCT * 14 + 16, h = MT + 6 + (int)n * rowh + MB;
	double lmax = 1, lmin = 1;
	char buf[32];

	for (size_t i = 0; i < n; i++)
		if (rows[i].v[RPT_NR_PCT - 1] > lmax)
			lmax = rows[i].v[RPT_NR_PCT - 1];
	lmax = pow(10, ceil(log10(lmax)));
	if (lmax < 10 * lmin)
		lmax = 10 * lmin;
	svg_open(out, standalone, id, h, title);
	for (double d = lmin; d <= lmax * 1.0001; d *= 10) {
		double x = ML + 60 + (PW - 60) * log10(d / lmin) / fmax(1, log10(lmax / lmin));

		rpt_fmt_ns(buf, sizeof(buf), d);
		fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e0e0e0\"/>"
			     "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x, x, MT - 4, h - MB + 4, x, h - MB + 20, buf);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rpt_pct *l = &rows[i];
		int y0 = MT + 6 + (int)i * rowh;

		fprintf(out, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">", ML - 60, y0 + 10);
		rpt_html_escape(out, l->op);
		fprintf(out, " (%" PRIu64 ")</text>\n", l->count);
		for (int k = 0; k < RPT_NR_PCT; k++) {
			double v = l->v[k];
			double x = (PW - 60) * log10(fmax(1, v) / lmin) / fmax(1, log10(lmax / lmin));

			rpt_fmt_ns(buf, sizeof(buf), v);
			fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">%s</text>"
				     "<rect class=\"zw-lat\" data-op=\"",
				ML + 56, y0 + 24 + 14 * k, rpt_pct_name[k]);
			rpt_html_escape(out, l->op);
			fprintf(out, "\" data-p=\"%s\" data-ns=\"%.0f\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"11\" "
				     "fill=\"%s\"><title>%s: %s</title></rect><text x=\"%.1f\" y=\"%d\" font-size=\"11\">%s</text>\n",
				rpt_pct_name[k], v, ML + 60, y0 + 15 + 14 * k, fmax(1, x), series_colour[k], rpt_pct_name[k],
				buf, ML + 64 + fmax(1, x), y0 + 24 + 14 * k, buf);
		}
	}
	fprintf(out, "</svg>\n");
}

/* ---- a file's extents across the device ------------------------------- */

void rpt_svg_extents(const struct zw_report *rep, const struct rpt_file *f, FILE *out)
{
	int64_t zl = 1;
	double total;

	for (size_t i = 0; i < rep->nr_zones; i++)
		if (rep->zones[i].len > zl)
			zl = rep->zones[i].len;
	total = rep->geometry ? (double)rep->dev_bytes_total : (double)zl * (double)rep->nr_zones;
	if (total <= 0)
		total = 1;
	fprintf(out, "<svg class=\"zw-extents\" viewBox=\"0 0 %d 16\" width=\"100%%\" height=\"16\" "
		     "preserveAspectRatio=\"none\">\n<rect width=\"%d\" height=\"16\" fill=\"#f2f2f2\"/>\n",
		W, W);
	if (rep->nr_zones <= 256)
		for (size_t z = 1; z < rep->nr_zones; z++) {
			double x = (rep->geometry ? (double)rep->zones[z].start : (double)zl * (double)z) / total * W;

			fprintf(out, "<rect x=\"%.2f\" width=\"0.5\" height=\"16\" fill=\"#bbb\"/>\n", x);
		}
	for (size_t i = 0; i < f->nr_ext; i++) {
		const struct rpt_extent *e = &f->ext[i];
		double pos = (rep->geometry ? (double)rep->zones[e->zone].start : (double)zl * (double)e->zone) +
			     (double)e->zone_off;
		double hue = f->size > 0 ? 220.0 * (double)e->off / (double)f->size : 0;

		fprintf(out, "<rect class=\"zw-ext\" data-zone=\"%" PRId64 "\" x=\"%.2f\" y=\"2\" width=\"%.2f\" height=\"12\" "
			     "fill=\"hsl(%.0f,65%%,45%%)\"><title>file %" PRId64 "+%" PRId64 " at zone %" PRId64 "+%" PRId64
			     "</title></rect>\n",
			e->zone, pos / total * W, fmax(0.8, (double)e->len / total * W), hue, e->off, e->len, e->zone,
			e->zone_off);
	}
	fprintf(out, "</svg>\n");
}

/* ---- any over-time array of the result -------------------------------- */

void rpt_svg_series(const struct zw_report *rep, json_object *arr, const char *id, const char *title, FILE *out,
		    bool standalone)
{
	size_t n = json_object_array_length(arr), nf = 0;
	const char *fields[8];
	int ph = 160, h = MT + ph + MB;
	double ymax = 0, tmin = 0, tmax = 0;
	struct zw_report axis = *rep;

	for (size_t i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(arr, i), *t;

		if (!json_object_is_type(row, json_type_object))
			continue;
		if (json_object_object_get_ex(row, "t", &t)) {
			double tv = json_object_get_double(t);

			if (i == 0 || tv < tmin)
				tmin = tv;
			if (i == 0 || tv > tmax)
				tmax = tv;
		}
		json_object_object_foreach(row, k, v) {
			bool have = false;

			if (!strcmp(k, "t") || !strcmp(k, "op") || !strcmp(k, "record") ||
			    (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
				continue;
			if (json_object_get_double(v) > ymax)
				ymax = json_object_get_double(v);
			for (size_t f = 0; f < nf; f++)
				have |= !strcmp(fields[f], k);
			if (!have && nf < 8)
				fields[nf++] = k;
		}
	}
	/* the log's time axis when there is one, so the page zooms it with the others */
	if (!rep->has_log) {
		axis.t0 = (uint64_t)fmax(0, tmin);
		axis.t1 = (uint64_t)fmax(0, tmax);
	}
	ymax = nice_max(ymax);
	svg_open(out, standalone, id, h, title);
	time_frame(&axis, out, ph, ymax, fmt_count);
	for (size_t f = 0; f < nf; f++) {
		double span = (double)(axis.t1 - axis.t0) + 1, prev = 0;
		bool first = true;

		fprintf(out, "<path class=\"zw-series\" data-field=\"");
		rpt_html_escape(out, fields[f]);
		fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" vector-effect=\"non-scaling-stroke\" d=\"",
			series_colour[f]);
		for (size_t i = 0; i < n; i++) {
			json_object *row = json_object_array_get_idx(arr, i), *t, *v;
			double x, y;

			if (!json_object_is_type(row, json_type_object) || !json_object_object_get_ex(row, fields[f], &v))
				continue;
			x = json_object_object_get_ex(row, "t", &t)
				    ? fmin(RPT_BINS, ((json_object_get_double(t) - (double)axis.t0) / span) * RPT_BINS)
				    : (double)i * RPT_BINS / (double)n;
			y = ph - json_object_get_double(v) / ymax * ph;
			if (first)
				fprintf(out, "M%.2f,%.2f", fmax(0, x), y);
			else
				fprintf(out, " H%.2f V%.2f", fmax(0, x), y);
			first = false;
			prev = y;
		}
		if (!first)
			fprintf(out, " H%d V%.2f", RPT_BINS, prev);
		fprintf(out, "\"/>\n");
	}
	fprintf(out, "</svg>\n");
	for (size_t f = 0, lx = ML; f < nf; f++) {
		int x = (int)lx;

		legend(out, &x, series_colour[f], fields[f]);
		lx = (size_t)x;
	}
	fprintf(out, "</svg>\n");
}

bool rpt_svg_has(const struct zw_report *rep, const char *figure)
{
	if (!strcmp(figure, "zone-map"))
		return rep->nr_zones > 0;
	if (!strcmp(figure, "timeline"))
		return rep->has_log && rep->zone_bins;
	if (!strcmp(figure, "counts") || !strcmp(figure, "wa"))
		return rep->has_log;
	if (!strcmp(figure, "latency"))
		return rep->nr_res_pct > 0 || rep->nr_lat > 0;
	if (!strcmp(figure, "bio-latency"))
		return rep->nr_lat > 0;
	return false;
}
