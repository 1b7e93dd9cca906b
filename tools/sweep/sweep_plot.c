// SPDX-License-Identifier: MIT
/*
 * --plot FIGURE --by PARAM: one figure of the finished runs against one
 * parameter, as an SVG: the parameter's values along x (in numeric order
 * when they are all numbers, else in name order), the figure up y, one
 * line for each combination of the other axes' values.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

static const char *const colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};

struct pt {
	size_t x, series;
	double y;
};

static bool numeric(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return *s && !*end;
}

static void xml(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static size_t intern(char ***list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return i;
	*list = realloc(*list, (*n + 1) * sizeof(char *));
	(*list)[*n] = sw_strdup(s);
	return (*n)++;
}

static const char *const *g_xs;
static int cmp_x(const void *a, const void *b)
{
	const char *sa = g_xs[*(const size_t *)a], *sb = g_xs[*(const size_t *)b];
	double va, vb;

	if (numeric(sa, &va) && numeric(sb, &vb) && va != vb)
		return va < vb ? -1 : 1;
	return strcmp(sa, sb);
}

static void nice_max(double *hi)
{
	double m = *hi > 0 ? *hi : 1, p = 1, steps[] = { 1, 2, 2.5, 5, 10 };

	while (p * 10 <= m)	/* the power of ten at or below m (no libm here) */
		p *= 10;
	while (p > m)
		p /= 10;

	for (size_t i = 0; i < 5; i++)
		if (steps[i] * p >= m) {
			*hi = steps[i] * p;
			return;
		}
}

int sweep_plot(const struct sweep *sw, const char *figure, const char *by, const char *svg)
{
	const struct sweep_figure *fig = NULL;
	int bp = sweep_param_index(by);
	char **xs = NULL, **ss = NULL;
	size_t nx = 0, ns = 0, np = 0, *order, *rank;
	struct pt *pts = sw_calloc(sw->nr_runs, sizeof(struct pt));
	double hi = 0, lo = 0;
	FILE *f;
	const double W = 820, H = 460, L = 90, R = 290, T = 50, B = 70;

	for (size_t k = 0; k < sweep_nr_figures; k++)
		if (!strcmp(sweep_figures[k].name, figure))
			fig = &sweep_figures[k];
	if (!fig) {
		fprintf(stderr, "zwsim sweep: --plot %s: no such figure; the figures are:", figure);
		for (size_t k = 0; k < sweep_nr_figures; k++)
			fprintf(stderr, " %s", sweep_figures[k].name);
		fputc('\n', stderr);
		free(pts);
		return 2;
	}
	if (bp < 0) {
		fprintf(stderr, "zwsim sweep: --by %s: not a parameter (zwsim sweep --help lists them)\n", by);
		free(pts);
		return 2;
	}
	for (size_t i = 0; i < sw->nr_runs; i++) {
		const struct sweep_run *r = &sw->runs[i];
		char *res, series[1024] = "";
		json_object *rep;
		double y;

		if (sweep_state(sw, i) != RUN_DONE)
			continue;
		res = sweep_path(sw, "runs", r->name, ".json");
		rep = json_object_from_file(res);
		free(res);
		y = sweep_figure_value(rep, fig);
		json_object_put(rep);
		if (isnan(y))
			continue;
		for (size_t p = 0; p < sweep_nr_params; p++)
			if (sw->axis[p] && (int)p != bp && r->label[p]) {
				size_t l = strlen(series);

				snprintf(series + l, sizeof(series) - l, "%s%s=%s", l ? " " : "", sweep_params[p].key, r->label[p]);
			}
		pts[np].x = intern(&xs, &nx, r->value[bp] ? r->label[bp] : "(none)");
		pts[np].series = intern(&ss, &ns, series);
		pts[np].y = y;
		hi = np && y < hi ? hi : y;
		lo = np && y > lo ? lo : y;
		np++;
	}
	if (!np) {
		fprintf(stderr, "zwsim sweep: --plot %s: no finished run has that figure\n", figure);
		free(pts);
		return 1;
	}
	/* x positions: the values in order */
	order = sw_calloc(nx, sizeof(size_t));
	rank = sw_calloc(nx, sizeof(size_t));
	for (size_t i = 0; i < nx; i++)
		order[i] = i;
	g_xs = (const char *const *)xs;
	qsort(order, nx, sizeof(size_t), cmp_x);
	for (size_t i = 0; i < nx; i++)
		rank[order[i]] = i;
	lo = lo > 0 ? 0 : lo;
	nice_max(&hi);
	if (hi <= lo)
		hi = lo + 1;

	f = fopen(svg, "w");
	if (!f) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", svg, strerror(errno));
		free(pts);
		free(order);
		free(rank);
		return 2;
	}
#define PX(i) (L + (nx == 1 ? (W - L - R) / 2 : (double)(i) * (W - L - R) / (double)(nx - 1)))
#define PY(v) (H - B - ((v) - lo) / (hi - lo) * (H - T - B))
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"28\" font-size=\"16\">", L);
	xml(f, figure);
	fputs(" by ", f);
	xml(f, by);
	fputs(" (sweep ", f);
	xml(f, sw->name);
	fputs(")</text>\n", f);
	for (int t = 0; t <= 5; t++) {
		double v = lo + (hi - lo) * t / 5;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, PY(v), W - R, PY(v));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n", L - 6, PY(v) + 4, v);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", L, H - B, W - R, H - B);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", L, T, L, H - B);
	for (size_t i = 0; i < nx; i++) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", PX(rank[i]), H - B + 18);
		xml(f, xs[i]);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (L + W - R) / 2, H - B + 44);
	xml(f, by);
	fputs("</text>\n", f);
	for (size_t s = 0; s < ns; s++) {
		const char *c = colors[s % (sizeof(colors) / sizeof(colors[0]))];
		bool first = true;

		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", c);
		for (size_t xi = 0; xi < nx; xi++)
			for (size_t k = 0; k < np; k++)
				if (pts[k].series == s && rank[pts[k].x] == xi) {
					fprintf(f, "%s%.1f,%.1f", first ? "" : " ", PX(xi), PY(pts[k].y));
					first = false;
				}
		fputs("\"/>\n", f);
		for (size_t k = 0; k < np; k++)
			if (pts[k].series == s) {
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>", PX(rank[pts[k].x]),
					PY(pts[k].y), c);
				xml(f, ss[s]);
				fprintf(f, " %s=", by);
				xml(f, xs[pts[k].x]);
				fprintf(f, ": %.10g</title></circle>\n", pts[k].y);
			}
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", W - R + 16,
			T + 18.0 * (double)s, c);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", W - R + 32, T + 18.0 * (double)s + 9);
		xml(f, *ss[s] ? ss[s] : "all runs");
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	fclose(f);
	fprintf(stderr, "zwsim sweep: %s: %s by %s, %zu runs\n", svg, figure, by, np);
	for (size_t i = 0; i < nx; i++)
		free(xs[i]);
	for (size_t i = 0; i < ns; i++)
		free(ss[i]);
	free(xs);
	free(ss);
	free(pts);
	free(order);
	free(rank);
	return 0;
}
