// SPDX-License-Identifier: MIT
/*
 * The page: one HTML file with its CSS, script, figures and data inline,
 * nothing fetched.  Figures are SVG drawn here (svg.c); the script
 * (assets/report.js) adds the zoom, the event list's search, filter and
 * pages, and the file filter.  The events travel as one compact text, a
 * line an event: "DT<TAB>VARIANT<TAB>VALUE...", DT the time since the
 * previous event, VARIANT an index into the metadata's list of event
 * names and keys, values with tab, newline, '%' and '<' as %XX.
 */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

extern const char zw_asset_report_css[];
extern const char zw_asset_report_js[];

static void card(FILE *out, const char *key, const char *label, const char *value, const char *raw)
{
	fprintf(out, "<div class=\"card\" data-key=\"%s\" data-value=\"%s\"><dt>", key, raw);
	rpt_html_escape(out, label);
	fprintf(out, "</dt><dd>");
	rpt_html_escape(out, value);
	fprintf(out, "</dd></div>\n");
}

static void card_bytes(FILE *out, const struct zw_report *rep, const char *path, const char *key, const char *label)
{
	double v;
	char buf[32], raw[32];

	if (!rpt_number(rep, path, &v))
		return;
	rpt_fmt_bytes(buf, sizeof(buf), v);
	snprintf(raw, sizeof(raw), "%.0f", v);
	card(out, key, label, buf, raw);
}

static void card_num(FILE *out, const struct zw_report *rep, const char *path, const char *key, const char *label)
{
	double v;
	char buf[32], raw[40];

	if (!rpt_number(rep, path, &v))
		return;
	snprintf(buf, sizeof(buf), "%.4g", v);
	snprintf(raw, sizeof(raw), "%.17g", v);
	card(out, key, label, buf, raw);
}

static const char *str_at(json_object *o, const char *key)
{
	json_object *x;

	if (!o || !json_object_object_get_ex(o, key, &x) || !x)
		return NULL;
	return json_object_get_string(x);
}

/* The result's errors by kind, each with its first occurrence (zwsim replay's "errors"). */
static void result_errors(const struct zw_report *rep, FILE *out)
{
	json_object *errors, *by_kind;
	size_t n;

	if (!rep->result || !json_object_object_get_ex(rep->result, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_object) || !json_object_object_get_ex(errors, "by_kind", &by_kind) ||
	    !json_object_is_type(by_kind, json_type_array) || !(n = json_object_array_length(by_kind)))
		return;
	fprintf(out, "<ul id=\"errors\" class=\"first-error\">\n");
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(by_kind, i), *first = NULL;
		const char *kind = str_at(e, "kind"), *count = str_at(e, "count");

		if (!json_object_is_type(e, json_type_object))
			continue;
		json_object_object_get_ex(e, "first", &first);
		fprintf(out, "<li data-kind=\"");
		rpt_html_escape(out, kind ? kind : "?");
		fprintf(out, "\" data-count=\"%s\"><b>", count ? count : "0");
		rpt_html_escape(out, kind ? kind : "?");
		fprintf(out, "</b> &times;%s", count ? count : "?");
		if (first) {
			const char *keys[] = { "where", "what", "reason" };
			const char *pre[] = { ", first at ", " (", "): " };

			for (int k = 0; k < 3; k++) {
				const char *v = str_at(first, keys[k]);

				if (!v)
					continue;
				fprintf(out, "%s", k == 2 && !str_at(first, "what") ? ": " : pre[k]);
				rpt_html_escape(out, v);
				if (k == 1 && !str_at(first, "reason"))
					fprintf(out, ")");
			}
		}
		fprintf(out, "</li>\n");
	}
	fprintf(out, "</ul>\n");
}

static void summary(const struct zw_report *rep, FILE *out)
{
	char buf[64], raw[32];
	size_t count[RC_NR] = { 0 };

	fprintf(out, "<section id=\"summary\"><h2>Summary</h2>\n<dl class=\"cards\">\n");
	if (rep->result) {
		snprintf(buf, sizeof(buf), "%zu", rep->nr_zones);
		card(out, "zones", "zones", buf, buf);
		for (size_t i = 0; i < rep->nr_zones; i++)
			count[rep->zones[i].cond]++;
		for (int c = 0; c < RC_NR; c++)
			if (count[c]) {
				char key[16];

				snprintf(key, sizeof(key), "cond-%s", rpt_cond_name[c]);
				snprintf(buf, sizeof(buf), "%zu", count[c]);
				card(out, key, rpt_cond_long[c], buf, buf);
			}
		snprintf(buf, sizeof(buf), "%zu", rep->nr_files);
		card(out, "files", "files", buf, buf);
	}
	card_bytes(out, rep, "stats.user_bytes|bytes.user_written", "user_bytes", "written by the user");
	card_bytes(out, rep, "stats.device_bytes|bytes.device_written", "device_bytes", "written to the device");
	card_bytes(out, rep, "stats.gc_bytes|bytes.gc_moved", "gc_bytes", "moved by GC");
	card_bytes(out, rep, "bytes.finish_padding", "finish_padding", "zone finish padding");
	card_num(out, rep, "stats.write_amplification|write_amplification.device", "write_amplification",
		 "write amplification (device)");
	card_num(out, rep, "write_amplification.host", "host_write_amplification", "write amplification (host)");
	card_num(out, rep, "stats.zone_resets|zone_ops.resets", "zone_resets", "zone resets");
	card_num(out, rep, "zone_ops.finishes", "zone_finishes", "zone finishes");
	card_num(out, rep, "zone_ops.max_open", "result_max_open", "most open zones (result)");
	card_num(out, rep, "zone_ops.max_active", "result_max_active", "most active zones (result)");
	card_num(out, rep, "errors.total", "errors", "errors");
	card_bytes(out, rep, "throughput.user_write_bytes_per_s", "write_throughput", "user writes a second");
	if (rep->has_log) {
		snprintf(buf, sizeof(buf), "%" PRIu64, rep->nr_events);
		card(out, "events", "events", buf, buf);
		rpt_fmt_ns(buf, sizeof(buf), (double)(rep->t1 - rep->t0));
		snprintf(raw, sizeof(raw), "%" PRIu64, rep->t1 - rep->t0);
		card(out, "span", "virtual time", buf, raw);
		snprintf(buf, sizeof(buf), "%" PRIu32, rep->max_open);
		card(out, "max_open", "most open zones", buf, buf);
		snprintf(buf, sizeof(buf), "%" PRIu32, rep->max_active);
		card(out, "max_active", "most active zones", buf, buf);
		snprintf(buf, sizeof(buf), "%" PRIu64, rep->nr_errors);
		card(out, "bio_errors", "failed bios", buf, buf);
	}
	fprintf(out, "</dl>\n");
	result_errors(rep, out);
	if (rep->nr_errors) {
		fprintf(out, "<p class=\"first-error\">First failed bio: ");
		rpt_html_escape(out, rep->first_error);
		fprintf(out, "</p>\n");
	}
	fprintf(out, "</section>\n");
}

static void zones_section(const struct zw_report *rep, FILE *out)
{
	char a[32], b[32], c[32], d[32];

	fprintf(out, "<section id=\"zones\"><h2>Zones</h2>\n<div class=\"fig\">");
	rpt_svg_zone_map(rep, out, false);
	fprintf(out, "</div>\n<details><summary>Zone table</summary>\n<table id=\"zone-table\"><thead><tr><th>zone</th>"
		     "<th>condition</th><th>start</th><th>write pointer</th><th>capacity</th><th>valid data</th></tr>"
		     "</thead><tbody>\n");
	for (size_t i = 0; i < rep->nr_zones; i++) {
		const struct rpt_zone *z = &rep->zones[i];

		if (z->start >= 0)
			rpt_fmt_bytes(a, sizeof(a), (double)z->start);
		else
			strcpy(a, "-");
		if (z->wp >= 0)
			rpt_fmt_bytes(b, sizeof(b), (double)z->wp);
		else
			strcpy(b, "-");
		if (z->cap >= 0)
			rpt_fmt_bytes(c, sizeof(c), (double)z->cap);
		else
			strcpy(c, "-");
		rpt_fmt_bytes(d, sizeof(d), (double)z->valid);
		fprintf(out, "<tr data-zone=\"%zu\" data-cond=\"%s\" data-wp=\"%" PRId64 "\" data-cap=\"%" PRId64
			     "\" data-valid=\"%" PRId64 "\"><td>%zu</td><td><span class=\"sw\" style=\"background:%s\"></span>%s"
			     "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			i, rpt_cond_name[z->cond], z->wp, z->cap, z->valid, i, rpt_cond_colour[z->cond],
			rpt_cond_long[z->cond], a, b, c, d);
	}
	fprintf(out, "</tbody></table></details>\n</section>\n");
}

static json_object *over_time(const struct zw_report *rep, const char *key)
{
	json_object *a;

	if (rep->stats && json_object_object_get_ex(rep->stats, key, &a) && json_object_is_type(a, json_type_array))
		return a;
	if (rep->result && json_object_object_get_ex(rep->result, key, &a) && json_object_is_type(a, json_type_array))
		return a;
	return NULL;
}

/* Every array of rows with a "t" at the top of the result or in stats: zones_over_time, and replay's. */
static void series_figures(const struct zw_report *rep, FILE *out)
{
	json_object *objs[2] = { rep->stats, rep->result };
	int n = 0;

	for (int i = 0; i < 2; i++) {
		if (!objs[i] || (i == 1 && !rep->result))
			continue;
		json_object_object_foreach(objs[i], key, v) {
			json_object *row;
			char id[96], title[160];

			if (!json_object_is_type(v, json_type_array) || !json_object_array_length(v))
				continue;
			row = json_object_array_get_idx(v, 0);
			if (!json_object_is_type(row, json_type_object) || !json_object_object_get_ex(row, "t", NULL))
				continue;
			snprintf(id, sizeof(id), "fig-series-%d", n++);
			snprintf(title, sizeof(title), "%s%s%s", i ? "" : "stats.", key, strstr(key, "over_time") ? "" : " over time");
			fprintf(out, "<div class=\"fig\" data-series=\"");
			rpt_html_escape(out, key);
			fprintf(out, "\">");
			rpt_svg_series(rep, v, id, title, out, false);
			fprintf(out, "</div>\n");
		}
	}
}

static void time_section(const struct zw_report *rep, FILE *out)
{
	bool any = rep->has_log || over_time(rep, "zones_over_time");

	if (!any)
		return;
	fprintf(out, "<section id=\"time\"><h2>Over time</h2>\n<div class=\"zoom\"><button id=\"zoom-in\">zoom in</button>"
		     "<button id=\"zoom-out\">zoom out</button><button id=\"zoom-left\">&#9664;</button>"
		     "<button id=\"zoom-right\">&#9654;</button><button id=\"zoom-reset\">whole run</button>"
		     "<span id=\"zoom-range\"></span><span class=\"hint\">drag across a figure to zoom into it; the event "
		     "list follows the window</span></div>\n");
	if (rpt_svg_has(rep, "timeline")) {
		fprintf(out, "<div class=\"fig\">");
		rpt_svg_timeline(rep, out, false);
		fprintf(out, "</div>\n");
	}
	if (rep->has_log) {
		fprintf(out, "<div class=\"fig\">");
		rpt_svg_counts(rep, out, false);
		fprintf(out, "</div>\n<div class=\"fig\">");
		rpt_svg_wa(rep, out, false);
		fprintf(out, "</div>\n");
	}
	series_figures(rep, out);
	fprintf(out, "</section>\n");
}

static void pct_table(FILE *out, const char *id, const char *what, const struct rpt_pct *rows, size_t n)
{
	char buf[32];

	fprintf(out, "<table id=\"%s\"><thead><tr><th>%s</th><th>count</th>", id, what);
	for (int k = 0; k < RPT_NR_PCT; k++)
		fprintf(out, "<th>%s</th>", rpt_pct_name[k]);
	fprintf(out, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "<tr data-op=\"");
		rpt_html_escape(out, rows[i].op);
		fprintf(out, "\"><td>");
		rpt_html_escape(out, rows[i].op);
		fprintf(out, "</td><td>%" PRIu64 "</td>", rows[i].count);
		for (int k = 0; k < RPT_NR_PCT; k++) {
			rpt_fmt_ns(buf, sizeof(buf), rows[i].v[k]);
			fprintf(out, "<td data-p=\"%s\" data-ns=\"%.0f\">%s</td>", rpt_pct_name[k], rows[i].v[k], buf);
		}
		fprintf(out, "</tr>\n");
	}
	fprintf(out, "</tbody></table>\n");
}

static void latency_section(const struct zw_report *rep, FILE *out)
{
	if (!rep->nr_lat && !rep->nr_res_pct)
		return;
	fprintf(out, "<section id=\"latency\"><h2>Latency</h2>\n");
	if (rep->nr_res_pct) {
		fprintf(out, "<h3>Operations (the result's latency_ns)</h3>\n");
		pct_table(out, "op-latency-table", "operation", rep->res_pct, rep->nr_res_pct);
		fprintf(out, "<div class=\"fig\">");
		rpt_svg_latency(rep->res_pct, rep->nr_res_pct, "fig-latency", "Latency by operation (the result)", out,
				false);
		fprintf(out, "</div>\n");
	}
	if (rep->nr_lat) {
		fprintf(out, "<h3>Bios (the event log)</h3>\n");
		pct_table(out, "latency-table", "bio op", rep->log_pct, rep->nr_lat);
		fprintf(out, "<p class=\"note\">Virtual time from each bio's <code>bio_submit</code> (or "
			     "<code>bio_split</code>) to its <code>bio_end</code> in the event log; nearest-rank "
			     "percentiles.</p>\n<div class=\"fig\">");
		rpt_svg_latency(rep->log_pct, rep->nr_lat, rep->nr_res_pct ? "fig-bio-latency" : "fig-latency",
				"Bio latency by operation (event log: bio_submit to bio_end)", out, false);
		fprintf(out, "</div>\n");
	}
	fprintf(out, "</section>\n");
}

static void files_section(const struct zw_report *rep, FILE *out)
{
	char buf[32];

	if (!rep->result)
		return;
	fprintf(out, "<section id=\"files\"><h2>Files</h2>\n");
	if (!rep->nr_files) {
		fprintf(out, "<p>No files in the result.</p></section>\n");
		return;
	}
	fprintf(out, "<p><input id=\"file-filter\" type=\"search\" placeholder=\"filter files by name\"> "
		     "<span id=\"file-count\"></span></p>\n<p class=\"note\">Each bar is the whole device, zone after "
		     "zone; an extent's colour goes from blue (file start) to red (file end).</p>\n");
	fprintf(out, "<table id=\"file-table\"><thead><tr><th>file</th><th>size</th><th>extents</th><th>zones</th>"
		     "<th class=\"map\">extent map</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < rep->nr_files; i++) {
		const struct rpt_file *f = &rep->files[i];
		int64_t last = -1;

		fprintf(out, "<tr data-file=\"");
		rpt_html_escape(out, f->name);
		fprintf(out, "\" data-size=\"%" PRId64 "\" data-extents=\"%zu\"><td class=\"name\">", f->size, f->nr_ext);
		rpt_html_escape(out, f->name);
		rpt_fmt_bytes(buf, sizeof(buf), (double)f->size);
		fprintf(out, "</td><td>%s</td><td>%zu</td><td class=\"zl\">", buf, f->nr_ext);
		for (size_t k = 0, shown = 0; k < f->nr_ext; k++) {
			if (f->ext[k].zone == last)
				continue;
			last = f->ext[k].zone;
			if (shown++ == 24) {
				fprintf(out, " ...");
				break;
			}
			fprintf(out, "%s%" PRId64, shown > 1 ? " " : "", last);
		}
		fprintf(out, "</td><td class=\"map\">");
		rpt_svg_extents(rep, f, out);
		fprintf(out, "</td></tr>\n");
	}
	fprintf(out, "</tbody></table>\n</section>\n");
}

/* ---- the other results, whatever their shape -------------------------- */

static bool scalar(json_object *v)
{
	return !v || (!json_object_is_type(v, json_type_object) && !json_object_is_type(v, json_type_array));
}

static void cell(FILE *out, json_object *v)
{
	fprintf(out, "<td>");
	if (json_object_is_type(v, json_type_string))
		rpt_html_escape(out, json_object_get_string(v));
	else
		rpt_html_escape(out, v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null");
	fprintf(out, "</td>");
}

static bool rows_of_scalars(json_object *o)
{
	json_object_object_foreach(o, k, v) {
		(void)k;
		if (!json_object_is_type(v, json_type_object))
			return false;
		json_object_object_foreach(v, k2, v2) {
			(void)k2;
			if (!scalar(v2))
				return false;
		}
	}
	return json_object_object_length(o) > 0;
}

static void matrix(FILE *out, const char *path, json_object *o)
{
	const char *cols[32];
	size_t nc = 0;

	json_object_object_foreach(o, k, v) {
		(void)k;
		json_object_object_foreach(v, k2, v2) {
			bool have = false;

			(void)v2;
			for (size_t i = 0; i < nc; i++)
				have |= !strcmp(cols[i], k2);
			if (!have && nc < 32)
				cols[nc++] = k2;
		}
	}
	fprintf(out, "<table class=\"result\" data-path=\"");
	rpt_html_escape(out, path);
	fprintf(out, "\"><thead><tr><th></th>");
	for (size_t i = 0; i < nc; i++) {
		fprintf(out, "<th>");
		rpt_html_escape(out, cols[i]);
		fprintf(out, "</th>");
	}
	fprintf(out, "</tr></thead><tbody>\n");
	json_object_object_foreach(o, k3, v3) {
		fprintf(out, "<tr data-key=\"");
		rpt_html_escape(out, k3);
		fprintf(out, "\"><th>");
		rpt_html_escape(out, k3);
		fprintf(out, "</th>");
		for (size_t i = 0; i < nc; i++) {
			json_object *x;

			if (json_object_object_get_ex(v3, cols[i], &x))
				cell(out, x);
			else
				fprintf(out, "<td></td>");
		}
		fprintf(out, "</tr>\n");
	}
	fprintf(out, "</tbody></table>\n");
}

static void array_table(FILE *out, const char *path, json_object *a)
{
	size_t n = json_object_array_length(a), shown = n < 500 ? n : 500;
	const char *cols[32];
	size_t nc = 0;

	for (size_t i = 0; i < shown; i++) {
		json_object *row = json_object_array_get_idx(a, i);

		if (!json_object_is_type(row, json_type_object)) {
			fprintf(out, "<pre class=\"result\" data-path=\"");
			rpt_html_escape(out, path);
			fprintf(out, "\">");
			rpt_html_escape(out, json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
			fprintf(out, "</pre>\n");
			return;
		}
		json_object_object_foreach(row, k, v) {
			bool have = false;

			(void)v;
			for (size_t c = 0; c < nc; c++)
				have |= !strcmp(cols[c], k);
			if (!have && nc < 32)
				cols[nc++] = k;
		}
	}
	fprintf(out, "<details><summary>%zu rows</summary><table class=\"result\" data-path=\"", n);
	rpt_html_escape(out, path);
	fprintf(out, "\"><thead><tr>");
	for (size_t c = 0; c < nc; c++) {
		fprintf(out, "<th>");
		rpt_html_escape(out, cols[c]);
		fprintf(out, "</th>");
	}
	fprintf(out, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < shown; i++) {
		json_object *row = json_object_array_get_idx(a, i), *x;

		fprintf(out, "<tr>");
		for (size_t c = 0; c < nc; c++) {
			if (json_object_object_get_ex(row, cols[c], &x))
				cell(out, x);
			else
				fprintf(out, "<td></td>");
		}
		fprintf(out, "</tr>\n");
	}
	fprintf(out, "</tbody></table>%s</details>\n", shown < n ? "<p>(the first 500 rows)</p>" : "");
}

static void generic(FILE *out, const char *path, json_object *o, int depth)
{
	bool any_scalar = false;

	json_object_object_foreach(o, k0, v0) {
		(void)k0;
		any_scalar |= scalar(v0);
	}
	if (any_scalar) {
		fprintf(out, "<table class=\"result kv\" data-path=\"");
		rpt_html_escape(out, path);
		fprintf(out, "\"><tbody>\n");
		json_object_object_foreach(o, k, v) {
			if (!scalar(v))
				continue;
			fprintf(out, "<tr data-key=\"");
			rpt_html_escape(out, k);
			fprintf(out, "\"><th>");
			rpt_html_escape(out, k);
			fprintf(out, "</th>");
			cell(out, v);
			fprintf(out, "</tr>\n");
		}
		fprintf(out, "</tbody></table>\n");
	}
	json_object_object_foreach(o, k2, v2) {
		char sub[256];

		if (scalar(v2))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k2);
		fprintf(out, "<h%d>", depth + 3 > 6 ? 6 : depth + 3);
		rpt_html_escape(out, sub);
		fprintf(out, "</h%d>\n", depth + 3 > 6 ? 6 : depth + 3);
		if (json_object_is_type(v2, json_type_array))
			array_table(out, sub, v2);
		else if (rows_of_scalars(v2))
			matrix(out, sub, v2);
		else if (depth < 4)
			generic(out, sub, v2, depth + 1);
		else {
			fprintf(out, "<pre>");
			rpt_html_escape(out, json_object_to_json_string_ext(v2, JSON_C_TO_STRING_PLAIN));
			fprintf(out, "</pre>\n");
		}
	}
}

static void results_section(const struct zw_report *rep, FILE *out)
{
	json_object *rest;

	if (!rep->result)
		return;
	rest = json_object_new_object();
	json_object_object_foreach(rep->result, k, v)
		if (strcmp(k, "files") && strcmp(k, "zones"))
			json_object_object_add(rest, k, json_object_get(v));
	if (json_object_object_length(rest)) {
		fprintf(out, "<section id=\"results\"><h2>Results</h2>\n<p class=\"note\">Everything else the result "
			     "holds, as it holds it (field names from <code>");
		rpt_html_escape(out, rep->json_name);
		fprintf(out, "</code>).</p>\n");
		generic(out, "", rest, 0);
		fprintf(out, "</section>\n");
	}
	json_object_put(rest);
}

static void events_section(const struct zw_report *rep, FILE *out)
{
	json_object *meta, *vars;

	if (!rep->has_log)
		return;
	fprintf(out, "<section id=\"events\"><h2>Events</h2>\n<div class=\"evctl\"><input id=\"event-search\" type=\"search\" "
		     "placeholder=\"search: words, or key=value (op=write zone=3 status=BLK_STS_IOERR)\">"
		     "<span id=\"event-kinds\"></span></div>\n<div class=\"evctl\"><button id=\"page-first\">&#171;</button>"
		     "<button id=\"page-prev\">&#8249; previous</button><span id=\"page-info\"></span>"
		     "<button id=\"page-next\">next &#8250;</button><button id=\"page-last\">&#187;</button>"
		     "<span id=\"event-count\"></span></div>\n<table id=\"event-table\"><thead><tr><th>#</th>"
		     "<th>t</th><th>event</th><th>fields</th></tr></thead><tbody></tbody></table>\n</section>\n");
	meta = json_object_new_object();
	json_object_object_add(meta, "t0", json_object_new_uint64(rep->t0));
	json_object_object_add(meta, "t1", json_object_new_uint64(rep->t1));
	json_object_object_add(meta, "bins", json_object_new_int(RPT_BINS));
	json_object_object_add(meta, "events", json_object_new_uint64(rep->nr_events));
	vars = json_object_new_array();
	for (size_t i = 0; i < rep->nr_var; i++) {
		json_object *v = json_object_new_array(), *keys = json_object_new_array();

		json_object_array_add(v, json_object_new_string(rep->var[i].ev));
		for (size_t k = 0; k < rep->var[i].nr_keys; k++)
			json_object_array_add(keys, json_object_new_string(rep->var[i].keys[k]));
		json_object_array_add(v, keys);
		json_object_array_add(vars, v);
	}
	json_object_object_add(meta, "variants", vars);
	/* for the zoom's fine layers: the conditions and each zone's at the start */
	if (rep->cond0) {
		json_object *names = json_object_new_array(), *colours = json_object_new_array();
		char *c0 = malloc(rep->nr_zones + 1);

		for (int c = 0; c < RC_NR; c++) {
			json_object_array_add(names, json_object_new_string(rpt_cond_name[c]));
			json_object_array_add(colours, json_object_new_string(rpt_cond_colour[c]));
		}
		for (size_t z = 0; z < rep->nr_zones; z++)
			c0[z] = (char)('0' + rep->cond0[z]);
		c0[rep->nr_zones] = 0;
		json_object_object_add(meta, "conds", names);
		json_object_object_add(meta, "colours", colours);
		json_object_object_add(meta, "cond0", json_object_new_string(c0));
		free(c0);
	}
	/* '<' only appears inside its strings: as \u003c no "</script" or "<!--" can end or confuse the element */
	fprintf(out, "<script type=\"application/json\" id=\"zw-meta\">");
	for (const char *c = json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN); *c; c++)
		if (*c == '<')
			fputs("\\u003c", out);
		else
			fputc(*c, out);
	fprintf(out, "</script>\n");
	json_object_put(meta);
	fprintf(out, "<script type=\"text/plain\" id=\"zw-events\">");
	fwrite(rep->evbuf ? rep->evbuf : "", 1, rep->evlen, out);
	fprintf(out, "</script>\n");
}

int zw_report_write_html(struct zw_report *rep, FILE *out)
{
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta name=\"generator\" content=\"zwsim report\">\n<title>zwsim report: ");
	rpt_html_escape(out, rep->result ? rep->json_name : rep->log_name);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>zwsim report</h1><p class=\"src\">",
		zw_asset_report_css);
	if (rep->result) {
		fprintf(out, "result <code>");
		rpt_html_escape(out, rep->json_name);
		fprintf(out, "</code>");
	}
	if (rep->has_log) {
		fprintf(out, "%sevent log <code>", rep->result ? " &middot; " : "");
		rpt_html_escape(out, rep->log_name);
		fprintf(out, "</code>");
	}
	fprintf(out, "</p>\n<nav><a href=\"#summary\">summary</a> <a href=\"#zones\">zones</a>%s%s%s%s%s</nav></header>\n<main>\n",
		rep->has_log || over_time(rep, "zones_over_time") ? " <a href=\"#time\">over time</a>" : "",
		rep->nr_lat ? " <a href=\"#latency\">latency</a>" : "", rep->result ? " <a href=\"#files\">files</a>" : "",
		rep->result ? " <a href=\"#results\">results</a>" : "", rep->has_log ? " <a href=\"#events\">events</a>" : "");
	summary(rep, out);
	if (rep->nr_zones)
		zones_section(rep, out);
	time_section(rep, out);
	latency_section(rep, out);
	files_section(rep, out);
	results_section(rep, out);
	events_section(rep, out);
	fprintf(out, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", zw_asset_report_js);
	return ferror(out) ? -1 : 0;
}

const char *const zw_report_figures[] = { "zone-map", "timeline", "counts", "wa", "latency", "bio-latency", NULL };

int zw_report_write_svg(struct zw_report *rep, const char *figure, FILE *out, char *err, size_t errlen)
{
	bool known = false;

	for (int i = 0; zw_report_figures[i]; i++)
		known |= !strcmp(figure, zw_report_figures[i]);
	if (!known) {
		snprintf(err, errlen, "--svg %s: no such figure (zone-map, timeline, counts, wa, latency, bio-latency)", figure);
		return -1;
	}
	if (!rpt_svg_has(rep, figure)) {
		snprintf(err, errlen, "--svg %s: its data is not in the input (%s)", figure,
			 !strcmp(figure, "zone-map") ? "the result's zones" : "an event log with bios and zone_cond events: --log");
		return -1;
	}
	if (!strcmp(figure, "zone-map"))
		rpt_svg_zone_map(rep, out, true);
	else if (!strcmp(figure, "timeline"))
		rpt_svg_timeline(rep, out, true);
	else if (!strcmp(figure, "counts"))
		rpt_svg_counts(rep, out, true);
	else if (!strcmp(figure, "wa"))
		rpt_svg_wa(rep, out, true);
	else if (!strcmp(figure, "latency") && rep->nr_res_pct)
		rpt_svg_latency(rep->res_pct, rep->nr_res_pct, "fig-latency", "Latency by operation", out, true);
	else
		rpt_svg_latency(rep->log_pct, rep->nr_lat, "fig-bio-latency",
				"Bio latency by operation (event log: bio_submit to bio_end)", out, true);
	return ferror(out) ? -1 : 0;
}
