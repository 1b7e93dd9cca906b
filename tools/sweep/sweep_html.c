// SPDX-License-Identifier: MIT
/*
 * --html: OUT/report.html, the sweep on one page (every finished run's
 * parameters and main figures in a table, the plot when --plot asked for
 * one, the runs not done), each run's name linking to OUT/html/NAME.html,
 * that run's own page from the report writer (tools/report/, as
 * `zwsim report --json OUT/runs/NAME.json` makes it).
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "sweep.h"

static const char *const shown[] = {
	"device_written", "gc_moved", "wa_host", "wa_device", "zone_resets", "write_p99_ns", "flush_p99_ns",
	"errors", "elapsed_ns",
};

static void esc(FILE *f, const char *s)
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

/* The plot's SVG, inline, without its first line's XML namespace troubles (an <svg> element is fine in HTML). */
static void inline_file(FILE *f, const char *path)
{
	FILE *in = fopen(path, "r");
	char buf[8192];
	size_t n;

	if (!in)
		return;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, f);
	fclose(in);
}

int sweep_html(const struct sweep *sw, const char *svg)
{
	char *dir = sw_asprintf("%s/html", sw->out), *page = sweep_path(sw, NULL, "report", ".html");
	char *tmp = sw_asprintf("%s.part", page), err[512];
	bool has[64] = { false };
	size_t done = 0, pages = 0;
	FILE *f;
	int ret = 0;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", dir, strerror(errno));
		ret = 2;
		goto out;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", tmp, strerror(errno));
		ret = 2;
		goto out;
	}
	for (size_t i = 0; i < sw->nr_runs; i++)
		for (size_t p = 0; p < sweep_nr_params; p++)
			has[p] |= sw->runs[i].value[p] && sw->axis[p];
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>zwsim sweep ", f);
	esc(f, sw->name);
	fputs("</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
	      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.l,th.l{text-align:left}"
	      "tr:nth-child(even){background:#f4f4f4}</style></head><body>\n<h1>zwsim sweep ", f);
	esc(f, sw->name);
	fprintf(f, "</h1>\n<p>%zu runs; each name opens that run's own report.</p>\n", sw->nr_runs);
	if (svg) {
		fputs("<div>", f);
		inline_file(f, svg);
		fputs("</div>\n", f);
	}
	fputs("<table>\n<tr><th class=\"l\">run</th>", f);
	for (size_t p = 0; p < sweep_nr_params; p++)
		if (has[p])
			fprintf(f, "<th class=\"l\">%s</th>", sweep_params[p].key);
	for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
		fprintf(f, "<th>%s</th>", shown[k]);
	fputs("</tr>\n", f);
	for (size_t i = 0; i < sw->nr_runs; i++) {
		const struct sweep_run *r = &sw->runs[i];
		char *res, *rp;
		json_object *rep;
		FILE *o;

		if (sweep_state(sw, i) != RUN_DONE)
			continue;
		res = sweep_path(sw, "runs", r->name, ".json");
		rep = json_object_from_file(res);
		free(res);
		done++;
		rp = sweep_path(sw, "html", r->name, ".html");
		o = fopen(rp, "w");
		snprintf(err, sizeof(err), "%s", o ? "" : strerror(errno));
		if (o) {
			bool ok = !zw_report_html(o, rep, NULL, err, sizeof(err));

			fclose(o);
			if (ok)
				pages++;
			else
				unlink(rp);
		}
		free(rp);
		if (*err) {	/* a result the report writer does not draw: the row without its page */
			fprintf(stderr, "zwsim sweep: run %s: no page of its own: %s\n", r->name, err);
			fputs("<tr><td class=\"l\" title=\"no page of its own: ", f);
			esc(f, err);
			fputs("\">", f);
			esc(f, r->name);
			fputs(" (no page)</td>", f);
		} else {
			fputs("<tr><td class=\"l\"><a href=\"html/", f);
			esc(f, r->name);
			fputs(".html\">", f);
			esc(f, r->name);
			fputs("</a></td>", f);
		}
		for (size_t p = 0; p < sweep_nr_params; p++)
			if (has[p]) {
				fputs("<td class=\"l\" title=\"", f);
				esc(f, r->value[p] ? r->value[p] : "");
				fputs("\">", f);
				esc(f, r->label[p] ? r->label[p] : "");
				fputs("</td>", f);
			}
		for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++) {
			double v = NAN;

			for (size_t j = 0; j < sweep_nr_figures; j++)
				if (!strcmp(sweep_figures[j].name, shown[k]))
					v = sweep_figure_value(rep, &sweep_figures[j]);
			if (isnan(v))
				fputs("<td></td>", f);
			else
				fprintf(f, "<td>%.10g</td>", v);
		}
		fputs("</tr>\n", f);
		json_object_put(rep);
	}
	fputs("</table>\n", f);
	if (done < sw->nr_runs) {
		fprintf(f, "<h2>Not done (%zu)</h2>\n<ul>\n", sw->nr_runs - done);
		for (size_t i = 0; i < sw->nr_runs; i++)
			if (sweep_state(sw, i) != RUN_DONE) {
				fputs("<li>", f);
				esc(f, sw->runs[i].name);
				fputs(sweep_state(sw, i) == RUN_FAILED ? " (failed)" : "", f);
				fputs("</li>\n", f);
			}
		fputs("</ul>\n", f);
	}
	fputs("</body></html>\n", f);
	if (fclose(f) || rename(tmp, page)) {
		fprintf(stderr, "zwsim sweep: %s: %s\n", page, strerror(errno));
		ret = 2;
		goto out;
	}
	fprintf(stderr, "zwsim sweep: %s: %zu runs, %zu run pages in %s\n", page, done, pages, dir);
out:
	free(dir);
	free(page);
	free(tmp);
	return ret;
}
